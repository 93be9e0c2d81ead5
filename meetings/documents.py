"""The minutes of a meeting as a PDF, laid out like the partnership's own minutes: the header
block (Til, Fra, Møtegruppe, Møtested, Møtetid, Saksbehandler), the participants, the
introduction, then each numbered item with Hensikt, text and Vedtak, its attachments and
follow-ups, and at the end whether the minutes are approved.

The meeting is read with `Meeting.objects.with_minutes()` (plus the approval meeting's body),
so the document costs a fixed number of queries whatever the number of items and
participants. The PDF is kept once made (`helsefellesskap.kept_pdfs`) and laid out again only
when its HTML changes, by `helsefellesskap.pdf`: a tagged PDF/UA-1 whose fetcher reads nothing
but the portal's own static files.
"""

from dataclasses import dataclass, field

from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils import timezone
from django.utils.formats import date_format
from django_tasks import task

from helsefellesskap.files import safe_filename
from helsefellesskap.kept_pdfs import forget_pdf, kept_pdf

from .models import Attendance, Meeting, Minutes

TEMPLATE = "meetings/minutes_pdf.html"
DRAFT_TEXT = "Utkast – ikke godkjent"


@dataclass
class ParticipantGroup:
    """One paragraph of the participant list: the secretariat's heading as given
    («Tilstedeværende deltakere fra Strategisk samarbeidsutvalg:»), or for attendance in no
    group a lead-in by status («Til stede», «Forfall»)."""

    label: str
    people: list[str] = field(default_factory=list)
    as_given: bool = False

    @property
    def text(self) -> str:
        """The people separated by semicolons, ending with one full stop."""
        text = "; ".join(self.people)
        return text if text.endswith((".", "!", "?")) else f"{text}."


# The order of the groups in the minutes, and their lead-ins.
PARTICIPANT_GROUPS = (
    (Attendance.Status.PRESENT, "Til stede"),
    (Attendance.Status.DEPUTY, "Vararepresentanter"),
    (Attendance.Status.GUEST, "Gjester"),
    (Attendance.Status.OBSERVER, "Observatører"),
    (Attendance.Status.SECRETARIAT, "Sekretariatet"),
    (Attendance.Status.ABSENT, "Forfall"),
)


def load_meeting(pk: int) -> Meeting:
    """The meeting with everything the minutes show, in a fixed number of queries."""
    return (
        Meeting.objects.with_minutes()
        .select_related("minutes__approved_at_meeting__body")
        .get(pk=pk)
    )


def person_text(attendance: Attendance) -> str:
    """«Tone Ikdahl, administrerende direktør, Lovisenberg Diakonale Sykehus (for Kari N.)»"""
    person = attendance.person
    described = attendance.listed_as or person.title_and_organisation
    text = ", ".join(part for part in (person.name, described) if part)
    if attendance.deputy_for_id:
        text += f" (for {attendance.deputy_for.name})"
    if attendance.note:
        text += f" – {attendance.note}"
    return text


def participant_groups(attendances) -> list[ParticipantGroup]:
    """The attendance in the minutes' order (`AttendanceQuerySet.in_list_order`): first the
    secretariat's groups with their headings as given, then those in no group by status;
    groups with nobody in them are left out."""
    chosen: dict[int, ParticipantGroup] = {}
    by_status = {status: ParticipantGroup(label) for status, label in PARTICIPANT_GROUPS}
    for attendance in attendances:
        if attendance.group_id:
            group = chosen.setdefault(
                attendance.group_id, ParticipantGroup(attendance.group.heading, as_given=True)
            )
        else:
            group = by_status[attendance.status]
        group.people.append(person_text(attendance))
    return list(chosen.values()) + [group for group in by_status.values() if group.people]


def approval_text(minutes: Minutes | None) -> str:
    """«Godkjent i Møte i SSU 11.11.2025 sak 5/25 11.11.2025; publisert 13.11.2025.», that the
    minutes are a draft, or, when the record holds no approval (minutes read from a published
    document that does not say when they were approved), only what is known:
    «Publisert; godkjenningen er ikke registrert.»"""
    if minutes is None or minutes.status == Minutes.Status.DRAFT:
        return DRAFT_TEXT
    parts = []
    if minutes.approved_at_meeting_id:
        parts.append(f"i {minutes.approved_at_meeting}")
    if minutes.approved_in_item_id:
        parts.append(f"sak {minutes.approved_in_item.label}")
    if minutes.approved_on:
        parts.append(date_format(minutes.approved_on, "SHORT_DATE_FORMAT"))
    published = ""
    if minutes.status == Minutes.Status.PUBLISHED:
        published = "publisert"
        if minutes.published_at:
            published += " " + date_format(
                timezone.localtime(minutes.published_at), "SHORT_DATE_FORMAT"
            )
    if not parts:
        if published:
            return f"{published.capitalize()}; godkjenningen er ikke registrert."
        return "Godkjent; når og hvor er ikke registrert."
    text = " ".join(["Godkjent", *parts])
    return f"{text}; {published}." if published else f"{text}."


def minutes_context(meeting: Meeting) -> dict:
    minutes = getattr(meeting, "minutes", None)
    date_text = date_format(meeting.date, "SHORT_DATE_FORMAT")
    return {
        "meeting": meeting,
        "minutes": minutes,
        "items": list(meeting.items.all()),
        "participant_groups": participant_groups(meeting.attendances.all()),
        "meeting_time": meeting.time_text,
        "date_text": date_text,
        "document_title": f"Referat – {meeting.body_name} {date_text}",
        "approval": approval_text(minutes),
        "is_draft": minutes is None or minutes.status == Minutes.Status.DRAFT,
    }


def minutes_pdf(meeting: Meeting, *, request=None) -> bytes:
    """The meeting's minutes as an A4 tagged PDF (draft minutes are marked as such). Minutes
    are read far more often than they change (a draft by the body's members before the
    meeting that approves it, approved minutes by everyone): their PDF is kept once made and
    laid out again only when what it shows has changed (helsefellesskap/kept_pdfs.py)."""
    meeting = load_meeting(meeting.pk)
    return kept_pdf(
        key=minutes_pdf_key(meeting),
        template_name=TEMPLATE,
        context=minutes_context(meeting),
        request=request,
    )


@task()
def keep_minutes_pdf(*, meeting_id: int) -> str:
    """The worker's part of approving, publishing or correcting minutes: their PDF laid out
    and kept now, so that the first reader is served the kept file instead of waiting."""
    meeting = Meeting.objects.filter(pk=meeting_id).first()
    if meeting is None or not meeting.minutes_locked:
        return "skipped"
    minutes_pdf(meeting)
    return "kept"


def minutes_pdf_key(meeting: Meeting) -> str:
    """The name the minutes' PDF is kept under."""
    return f"meetings:minutes:{meeting.pk}"


@receiver(post_delete, sender=Meeting)
def forget_deleted_meetings_minutes(sender, instance, **kwargs):
    """A deleted meeting (only one whose minutes are a draft can be) leaves no kept PDF of
    its minutes behind in the storage."""
    forget_pdf(minutes_pdf_key(instance))


def minutes_filename(meeting: Meeting) -> str:
    """«referat-partnerskapsmotet-2025-10-14.pdf» (ASCII, no paths)."""
    name = meeting.body_short_name
    return safe_filename(f"referat-{name}-{meeting.date:%Y-%m-%d}.pdf", default="referat")
