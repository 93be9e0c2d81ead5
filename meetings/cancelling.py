"""Cancelling a meeting (avlysning): the meeting stays in the record, marked "Avlyst" with the
reason, in the lists, the calendar feeds and the year plan; when its notice was sent, every
invited member with an e-mail address is told.

A meeting whose minutes are approved or published was held and is part of the record: it
cannot be cancelled (RecordLocked, see models.GuardedRecord).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.formats import date_format

from helsefellesskap.mail import absolute_url, html_message, render_bodies, send_logged

from .minutes import refuse_if_locked
from .models import Meeting
from .notice import notice_recipients


def cancel_meeting(meeting: Meeting, *, reason: str, user) -> int:
    """Mark `meeting` cancelled with `reason` (kept in its history) and, when its notice was
    sent, tell the invited members with an e-mail address. Returns how many were told.
    Raises ValidationError without a reason or when the meeting is cancelled already, and
    MinutesLocked when its minutes are approved."""
    reason = reason.strip()
    if not reason:
        raise ValidationError("Skriv hvorfor møtet avlyses. Begrunnelsen lagres med møtet.")
    with transaction.atomic():
        refuse_if_locked(meeting)
        if Meeting.objects.filter(pk=meeting.pk, cancelled_at__isnull=False).exists():
            raise ValidationError("Møtet er allerede avlyst.")
        meeting.cancelled_at = timezone.now()
        meeting.cancel_reason = reason
        meeting._history_user = user
        meeting._change_reason = f"Møtet avlyst: {reason}"
        meeting.save(update_fields=["cancelled_at", "cancel_reason"])
    if meeting.notice_sent_at is None:
        return 0
    return tell_members(meeting, user=user)


def tell_members(meeting: Meeting, *, user) -> int:
    """One message per invited member with an address (nobody sees the others'); a failing
    mail server is logged, the cancellation stands."""
    with translation.override(settings.LANGUAGE_CODE):
        day = date_format(meeting.date, "d.m.Y")
        subject = " ".join(f"Avlyst: {meeting.body_name} {day}".split())
        context = {"meeting": meeting, "meeting_url": absolute_url(meeting.get_absolute_url())}
        text, html = render_bodies("meetings/email/cancelled", context)
    reply_to = [user.email] if getattr(user, "email", "") else []
    return sum(
        send_logged(html_message(subject, text, html, to=[person.email], reply_to=reply_to))
        for person in notice_recipients(meeting).with_email
    )
