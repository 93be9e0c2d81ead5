"""The notice with its agenda (innkalling og saksliste) as one content: a tagged PDF and the
e-mail's plain-text and HTML bodies are made from the same context, so they say the same.

The content: the header block as the partnership's documents write it (Til, Fra,
Møtegruppe, Møtested, Møtetid, Saksbehandler), the notice text, and the agenda in agenda
order, each item with its number ("1/26"), title, type, Hensikt, presenter, its parts (each
with its own Hensikt and presenter) and its attachments' names. Until the notice is sent the
PDF is marked "Utkast – ikke sendt" and shows whatever numbers the items have (sending numbers
them in agenda order, numbering.number_by_position); afterwards it says when it was sent.

The meeting is read in a fixed number of queries (`load_meeting`), whatever the number of
items. The PDF goes through `helsefellesskap.pdf.render_pdf` like the minutes.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from helsefellesskap.files import safe_filename
from helsefellesskap.mail import absolute_url
from helsefellesskap.pdf import render_pdf

from .models import Item, Meeting

TEMPLATE = "meetings/notice_pdf.html"
DRAFT_TEXT = "Utkast – ikke sendt"


@dataclass(frozen=True)
class HeaderField:
    """One line of the header block: «Møtested: Rådhusets møtesenter»."""

    label: str
    value: str


def load_meeting(pk: int) -> Meeting:
    """The meeting with its items, their parts and attachments, in three queries."""
    items = Item.objects.prefetch_related("parts", "attachments")
    return (
        Meeting.objects.select_related("body")
        .prefetch_related("body__names", Prefetch("items", queryset=items))
        .get(pk=pk)
    )


def header_fields(meeting: Meeting) -> list[HeaderField]:
    """The header block in the partnership's order; a field with no value is left out."""
    fields = (
        ("Til", meeting.addressed_to),
        ("Fra", meeting.sender),
        ("Møtegruppe", meeting.body_name),
        ("Møtested", meeting.location),
        ("Møtetid", meeting.time_text),
        ("Saksbehandler", meeting.case_officer),
    )
    return [HeaderField(label, value.strip()) for label, value in fields if value.strip()]


def status_text(sent_at: datetime.datetime | None) -> str:
    """«Sendt 03.10.2025.», or that the notice is a draft and its numbers may still change."""
    if sent_at is None:
        return f"{DRAFT_TEXT}. Sakene nummereres i denne rekkefølgen når innkallingen sendes."
    return f"Sendt {date_format(timezone.localtime(sent_at), 'SHORT_DATE_FORMAT')}."


def agenda_items(meeting: Meeting) -> list[Item]:
    """The items in agenda order; each attachment that has a file gets the full address of
    its download (through the portal, after logging in: the files have no public address)."""
    items = list(meeting.items.all())
    for item in items:
        for attachment in item.attachments.all():
            attachment.download_url = (
                absolute_url(reverse("meetings:attachment_download", args=[attachment.pk]))
                if attachment.file
                else ""
            )
    return items


def notice_context(meeting: Meeting, *, sent_at: datetime.datetime | None) -> dict:
    """What the PDF and the e-mail show; `meeting` comes from `load_meeting`. `sent_at` is
    when the notice went (or goes) out, None for a draft."""
    date_text = date_format(meeting.date, "SHORT_DATE_FORMAT")
    return {
        "meeting": meeting,
        "header_fields": header_fields(meeting),
        "items": agenda_items(meeting),
        "date_text": date_text,
        "document_title": f"Innkalling – {meeting.body_name} {date_text}",
        "is_draft": sent_at is None,
        "status": status_text(sent_at),
        "meeting_url": absolute_url(meeting.get_absolute_url()),
    }


def render_notice_pdf(context: dict, *, request=None) -> bytes:
    """The notice of `notice_context` as an A4 tagged PDF."""
    return render_pdf(TEMPLATE, context, request=request)


def notice_pdf(meeting: Meeting, *, request=None) -> bytes:
    """The meeting's notice as it stands: a draft until sent, else with its sending date."""
    meeting = load_meeting(meeting.pk)
    context = notice_context(meeting, sent_at=meeting.notice_sent_at)
    return render_notice_pdf(context, request=request)


def notice_filename(meeting: Meeting) -> str:
    """«innkalling-lsu-ous-2026-03-10.pdf» (ASCII, no paths)."""
    name = meeting.body_short_name
    return safe_filename(f"innkalling-{name}-{meeting.date:%Y-%m-%d}.pdf", default="innkalling")
