"""E-mail and the portal's absolute addresses.

Links in e-mails, exports and calendars must point at the portal's public address, which only
`PORTAL_BASE_URL` knows for sure (behind a proxy the request's host may be internal). Every
absolute URL is made by `absolute_url`: `PORTAL_BASE_URL` first, then the request's own
address, then the development server.

Django's e-mail backend sends the messages: the console in development, SMTP in production, an
in-memory outbox in the tests.
"""

import logging
import smtplib

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

DEVELOPMENT_BASE_URL = "http://127.0.0.1:8000"
# What a mail server's refusal or an unreachable server raises.
DELIVERY_ERRORS = (OSError, smtplib.SMTPException)


def absolute_url(path: str, *, request=None) -> str:
    """The full address of a path of the portal ("/moter/3/" → "https://…/moter/3/")."""
    base = getattr(settings, "PORTAL_BASE_URL", "")
    if not base:
        base = request.build_absolute_uri("/") if request is not None else DEVELOPMENT_BASE_URL
    return base.rstrip("/") + path


def render_bodies(template: str, context: dict) -> tuple[str, str]:
    """The plain-text and HTML bodies of a message from the template pair `template`.txt and
    `template`.html ("meetings/email/notice")."""
    return (
        render_to_string(f"{template}.txt", context),
        render_to_string(f"{template}.html", context),
    )


def html_message(
    subject: str, text: str, html: str, *, to: list[str], reply_to=(), attachments=()
) -> EmailMultiAlternatives:
    """A message with a plain-text and an HTML body; `attachments` are (name, bytes, type)."""
    message = EmailMultiAlternatives(subject, text, to=to, reply_to=list(reply_to))
    message.attach_alternative(html, "text/html")
    for name, content, mimetype in attachments:
        message.attach(name, content, mimetype)
    return message


def send_logged(message: EmailMultiAlternatives) -> int:
    """Sends the message; a failing mail server is logged, not raised (the caller's step is
    already committed and the portal's pages show the same facts). Returns messages sent."""
    try:
        return message.send()
    except DELIVERY_ERRORS:
        logger.exception("E-posten «%s» kunne ikke sendes til %s.", message.subject, message.to)
        return 0
