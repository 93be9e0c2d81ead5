"""The notice of a meeting (møteinnkalling), sent by e-mail to the body's members.

Each invited member with an e-mail address (the body's members on the meeting day, see
Meeting.invited_memberships) gets their own message, so that nobody sees the others'
addresses: a plain-text body and an HTML body with the header fields, the notice text, the
agenda and a link to the meeting's page, and the same notice as a PDF attached
(notice_document.py makes all three from one content). The PDF is attached rather than
linked: many members and deputies have no login to the portal, and the attached copy is the
notice as it was sent, dated, for their files. Members without an address are skipped and named
on the confirmation page, so that the secretariat can reach them another way.

Django's e-mail backend sends it: the console in development, SMTP in production, an
in-memory outbox in the tests.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import get_connection
from django.db import transaction
from django.utils import timezone, translation
from django.utils.formats import date_format

from helsefellesskap.mail import DELIVERY_ERRORS, html_message, render_bodies
from helsefellesskap.models import Person

from . import notice_document
from .models import Meeting
from .numbering import number_by_position

HISTORY_REASON = "Innkalling sendt"


class NoticeDeliveryError(Exception):
    """The mail server refused some or all of the messages."""

    def __init__(self, *, sent: int, failed):
        names = ", ".join(person.name for person in failed)
        super().__init__(
            f"Innkallingen kunne ikke sendes til {names}."
            + (f" Den ble sendt til {sent} andre." if sent else "")
        )
        self.sent = sent


class NoticeError(Exception):
    """The notice cannot be sent; the message says why and what to do."""


class NoticeSentMeanwhile(Exception):
    """Someone sent the notice after the sender's page was shown: they should look again."""

    def __init__(self, sent_at):
        super().__init__("Innkallingen ble sendt av noen andre mens du så på siden.")
        self.sent_at = sent_at


# The meeting's fields the notice shows (its header block, time and text): a change to one of
# them after the notice went out leaves the members with an outdated notice.
SHOWN_IN_NOTICE = frozenset(
    {
        "body",
        "title",
        "starts_at",
        "ends_at",
        "location",
        "addressed_to",
        "sender",
        "case_officer",
        "notice_text",
    }
)


def outdated_notice_message(meeting: Meeting, changed_fields) -> str:
    """What to tell the keeper who just changed `changed_fields` of `meeting`: that the
    notice sent earlier is outdated and should go out again; blank when it is not."""
    if meeting.notice_sent_at is None or not SHOWN_IN_NOTICE & set(changed_fields):
        return ""
    sent = date_format(timezone.localtime(meeting.notice_sent_at), "SHORT_DATE_FORMAT")
    return (
        f"Innkallingen ble sendt {sent} med det som sto da. Send den på nytt fra møtesiden, "
        "så medlemmene får vite om endringen."
    )


def sent_marker(meeting: Meeting) -> str:
    """When the notice was last sent, as the send page shows it (blank: never)."""
    return meeting.notice_sent_at.isoformat() if meeting.notice_sent_at else ""


@dataclass
class Recipients:
    with_email: list[Person] = field(default_factory=list)
    without_email: list[Person] = field(default_factory=list)


def notice_recipients(meeting: Meeting) -> Recipients:
    """The invited members, each once, split by whether they have an e-mail address."""
    recipients, seen = Recipients(), set()
    for membership in meeting.invited_memberships():
        person = membership.person
        if person.pk in seen:
            continue
        seen.add(person.pk)
        if person.email.strip():
            recipients.with_email.append(person)
        else:
            recipients.without_email.append(person)
    return recipients


def notice_subject(meeting: Meeting) -> str:
    day = date_format(meeting.date, "d.m.Y")
    return " ".join(f"Møteinnkalling: {meeting.body_name} {day}".split())  # one line, always


@dataclass(frozen=True)
class RenderedNotice:
    """The notice as it is sent: the e-mail's bodies and the PDF attached to it, all from
    the same content (notice_document.notice_context)."""

    subject: str
    text: str
    html: str
    pdf: bytes
    filename: str

    def message(self, *, to: list[str], reply_to: list[str]):
        attachment = (self.filename, self.pdf, "application/pdf")
        return html_message(
            self.subject, self.text, self.html, to=to, reply_to=reply_to, attachments=[attachment]
        )


def render_notice(meeting: Meeting, *, sent_at) -> RenderedNotice:
    """The meeting's notice as sent at `sent_at`: rendered once for every recipient."""
    with translation.override(settings.LANGUAGE_CODE):
        loaded = notice_document.load_meeting(meeting.pk)
        context = notice_document.notice_context(loaded, sent_at=sent_at)
        text, html = render_bodies("meetings/email/notice", context)
        return RenderedNotice(
            subject=notice_subject(loaded),
            text=text,
            html=html,
            pdf=notice_document.render_notice_pdf(context),
            filename=notice_document.notice_filename(loaded),
        )


def send_notice(meeting: Meeting, *, user) -> int:
    """Send the notice to every invited member (members and deputies alike) with an e-mail
    address; returns how many messages were sent. The first sending numbers the items in
    agenda order (numbering.number_by_position). Records the time on the meeting, with
    "Innkalling sendt" in its history. Raises NoticeError, and sends nothing, when the meeting
    is cancelled, has no items yet or no member has an address."""
    if meeting.is_cancelled:
        raise NoticeError("Møtet er avlyst, så innkallingen sendes ikke.")
    if not meeting.items.exists():
        raise NoticeError(
            "Møtet har ingen saker ennå. Sett opp dagsordenen før innkallingen sendes."
        )
    recipients = notice_recipients(meeting)
    if not recipients.with_email:
        raise NoticeError(
            f"Ingen av medlemmene i {meeting.body_name} har e-postadresse i registeret. "
            "Legg inn e-postadressene før innkallingen sendes."
        )
    if meeting.notice_sent_at is None:
        number_by_position(meeting, user=user)  # the numbers follow the agenda's order
    sent_at = timezone.now()
    rendered = render_notice(meeting, sent_at=sent_at)
    reply_to = [user.email] if getattr(user, "email", "") else []
    sent_to, failed = [], []
    # One message at a time, outside any transaction: if the mail server fails halfway, those
    # already sent are recorded as sent and the others named, so a retry can be judged.
    with get_connection() as connection:
        for person in recipients.with_email:
            message = rendered.message(to=[person.email], reply_to=reply_to)
            try:
                connection.send_messages([message])
            except DELIVERY_ERRORS:
                failed.append(person)
            else:
                sent_to.append(person)
    if sent_to:
        meeting.notice_sent_at = sent_at  # the date the attached PDF shows
        meeting._history_user = user
        meeting._change_reason = HISTORY_REASON
        meeting.save(update_fields=["notice_sent_at"])
    if failed:
        raise NoticeDeliveryError(sent=len(sent_to), failed=failed)
    return len(sent_to)


def send_notice_as_seen(*, meeting: Meeting, seen_marker: str, user) -> int:
    """Send the notice from the send page, whose `seen_marker` (see sent_marker) says what the
    sender saw. The meeting row is locked while the notice goes out, so two senders at once
    send it once; raises NoticeSentMeanwhile, and sends nothing, when it was sent since the
    page was shown. A send that failed halfway keeps the time of those that went out before
    NoticeDeliveryError is raised."""
    with transaction.atomic():
        locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if sent_marker(locked) != seen_marker:
            raise NoticeSentMeanwhile(locked.notice_sent_at)
        try:
            return send_notice(locked, user=user)
        except NoticeDeliveryError as error:
            failed = error  # raised once the messages that went out are recorded
    raise failed
