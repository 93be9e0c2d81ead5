"""What the applicant is told by e-mail: the receipt when an application is sent in, with a PDF
copy of what was sent, and the outcome once it has been decided (granted, rejected, moved to
next year's round).

workflow.py calls `send_receipt` and `send_outcome` (also for a corrected decision) through
`transaction.on_commit`, so only a step that was committed is told, and a mail server that
fails does not undo the step: the failure is logged (the application's page shows the same
facts).

One message goes to the application's contact person and the user who wrote it (the same
address only once). Django's e-mail backend sends it: the console in development, SMTP in
production, an in-memory outbox in the tests.
"""

import logging
from collections import defaultdict
from decimal import Decimal

from django.conf import settings
from django.utils import timezone, translation

from helsefellesskap.files import safe_filename
from helsefellesskap.mail import absolute_url, html_message, render_bodies, send_logged
from helsefellesskap.pdf import render_pdf

from .models import Application

logger = logging.getLogger(__name__)

PDF_TEMPLATE = "grants/application_pdf.html"

OUTCOME_WORDS = {
    Application.State.GRANTED: "er innvilget",
    Application.State.REJECTED: "er avslått",
    Application.State.MOVED: "er flyttet til neste års runde",
}


def load_application(application: Application) -> Application:
    """The application as committed, with everything the documents show."""
    return (
        Application.objects.with_related()
        .select_related("continues__round", "continues__sector", "moved_to__round")
        .prefetch_related("measures__group__area")
        .get(pk=application.pk)
    )


def receipt_recipients(application: Application) -> list[str]:
    """The contact person's and the author's addresses, each once (case-insensitive)."""
    addresses, seen = [], set()
    author = application.created_by
    for address in (application.contact_email, getattr(author, "email", "")):
        address = (address or "").strip()
        if address and address.lower() not in seen:
            seen.add(address.lower())
            addresses.append(address)
    return addresses


def _one_line(text: str) -> str:
    return " ".join(text.split())


def application_context(application: Application) -> dict:
    lines = list(application.budget_lines.all())
    per_year: dict[int, Decimal] = defaultdict(Decimal)
    for line in lines:
        per_year[line.year] += line.amount
    submitted_at = (
        timezone.localtime(application.submitted_at) if application.submitted_at else None
    )
    return {
        "application": application,
        "partners": list(application.partners.all()),
        "measures": list(application.measures.all()),
        "lines": lines,
        "attachments": [attachment.name for attachment in application.attachments.all()],
        # Sums per year only where they add something: several years, several lines a year.
        "per_year": sorted(per_year.items()) if 1 < len(per_year) < len(lines) else [],
        "total": sum((line.amount for line in lines), Decimal("0")),
        "submitted_at": submitted_at,
        "is_draft": application.state == Application.State.DRAFT,
        "document_title": _one_line(f"Søknad: {application.title}"),
        "application_url": absolute_url(application.get_absolute_url()),
    }


def application_pdf(application: Application, *, request=None) -> bytes:
    """The application as an A4 tagged PDF: what was (or, for a draft, will be) sent in."""
    application = load_application(application)
    return render_pdf(PDF_TEMPLATE, application_context(application), request=request)


def application_pdf_filename(application: Application) -> str:
    """«soknad-felles-akutteam.pdf» (ASCII, no paths)."""
    return safe_filename(f"soknad-{application.title}.pdf", default="soknad")


def receipt_subject(application: Application) -> str:
    return _one_line(f"Kvittering: søknad «{application.title}» er mottatt")


def outcome_subject(application: Application, *, corrected: bool = False) -> str:
    prefix = "Rettet vedtak" if corrected else "Vedtak"
    return _one_line(f"{prefix}: søknad «{application.title}» {OUTCOME_WORDS[application.state]}")


def send_receipt(application: Application) -> int:
    """The receipt for a submitted application, with the PDF copy attached. Returns the number
    of messages sent (0 when nobody has an address or the mail server refused)."""
    application = load_application(application)
    to = _recipients(application, "kvitteringen")
    if not to:
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        context = application_context(application)
        text, html = render_bodies("grants/email/receipt", context)
        pdf = render_pdf(PDF_TEMPLATE, context)
    attachment = (application_pdf_filename(application), pdf, "application/pdf")
    return send_logged(
        html_message(receipt_subject(application), text, html, to=to, attachments=[attachment])
    )


def send_outcome(application: Application, *, correction: str = "") -> int:
    """The decision on the application: granted (with the amount), rejected, or moved to next
    year's round (with a link to it there); with `correction`, the reason it was corrected.
    Nothing for an application not decided."""
    application = load_application(application)
    if application.state not in OUTCOME_WORDS:
        return 0
    to = _recipients(application, "vedtaket")
    if not to:
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        context = application_context(application)
        context["outcome"] = OUTCOME_WORDS[application.state]
        context["correction"] = correction
        if application.moved_to:
            context["moved_to_url"] = absolute_url(application.moved_to.get_absolute_url())
        text, html = render_bodies("grants/email/outcome", context)
    subject = outcome_subject(application, corrected=bool(correction))
    return send_logged(html_message(subject, text, html, to=to))


def _recipients(application: Application, what: str) -> list[str]:
    """The addresses for the message about `what`; a warning in the log when there are none."""
    to = receipt_recipients(application)
    if not to:
        logger.warning("Ingen e-postadresse for %s på søknad %s.", what, application.pk)
    return to
