"""What a meeting's page shows of its record (the agenda and the participants), and the cache
that spares rendering it again.

    flags = agenda_flags(meeting, user)                     # what the user may see and do
    html = record_html(meeting, request=request, flags=flags)

Once the minutes are approved the record is locked (the guards in models.py): the agenda and
the participant list change only through a recorded correction, and the page is read far more
than it is written. So the rendered part is kept in Django's cache, under a key made of all
that can make it stale:
- the meeting, what the user may see and do there (`agenda_flags`), and the language;
- today's date (a follow-up becomes "Forfalt" as the days pass);
- the record stamp (helsefellesskap/fragments.py): the newest history row of every model the
  part shows, from the meeting's items to the names of the people, bodies and measures. A
  correction of approved minutes and an edit in the admin write history rows too, so any
  change gives a new key and the old rendering is never read again.
A meeting whose minutes are open is rendered every time (its agenda carries forms).
"""

import datetime

from django.db.models import prefetch_related_objects
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import SafeString

from helsefellesskap.fragments import cached_html, history_stamp
from helsefellesskap.models import Body, BodyName, Membership, Organisation, Person, today
from portfolio.models import FocusArea, Measure, MeasureGroup

from .agenda import can_reorder
from .models import (
    Attachment,
    Attendance,
    FollowUp,
    Item,
    ItemPart,
    Meeting,
    MembershipAnnouncement,
    Minutes,
    ParticipantGroup,
    agenda_prefetches,
)

RECORD_TEMPLATE = "meetings/_meeting_record.html"
# Every model whose rows the record part shows (each has django-simple-history's history).
SHOWN_MODELS = (
    Meeting,
    Minutes,
    Item,
    ItemPart,
    Attachment,
    FollowUp,
    MembershipAnnouncement,
    ParticipantGroup,
    Attendance,
    Membership,
    Body,
    BodyName,
    Person,
    Organisation,
    Measure,
    MeasureGroup,
    FocusArea,
)


def agenda_flags(meeting: Meeting, user) -> dict[str, bool]:
    """What `user` may see and do on the meeting's agenda."""
    can_keep = user.has_perm("meetings.change_meeting", meeting)
    can_change_agenda = can_keep and not meeting.minutes_locked
    return {
        "can_keep": can_keep,
        "can_change_agenda": can_change_agenda,
        "can_reorder": can_change_agenda and can_reorder(meeting),
        "can_view_minutes": user.has_perm("meetings.view_minutes", meeting),
    }


def agenda_context(meeting: Meeting, user) -> dict:
    """What the agenda (templates/meetings/_agenda.html) needs after an item is moved;
    `meeting` comes from Meeting.objects.with_agenda()."""
    return {"meeting": meeting, "items": list(meeting.items.all()), **agenda_flags(meeting, user)}


def record_html(meeting: Meeting, *, request, flags: dict[str, bool]) -> SafeString:
    """The meeting page's agenda and participants for the user of `request` (`flags` from
    `agenda_flags`), rendered, or from the cache when the minutes are locked."""
    if not meeting.minutes_locked:
        return _render(meeting, request, flags)
    key = record_cache_key(meeting, flags=flags, day=today())
    return cached_html(key, lambda: _render(meeting, request, flags))


def record_cache_key(meeting: Meeting, *, flags: dict[str, bool], day: datetime.date) -> str:
    allowed = "".join("1" if flags[name] else "0" for name in sorted(flags))
    stamp = history_stamp(SHOWN_MODELS)
    language = translation.get_language()
    return f"meetings:record:3:{language}:{meeting.pk}:{allowed}:{day.isoformat()}:{stamp}"


def _render(meeting: Meeting, request, flags: dict[str, bool]) -> str:
    prefetch_related_objects([meeting], *agenda_prefetches())
    context = {
        "meeting": meeting,
        "items": list(meeting.items.all()),
        "attendances": list(meeting.attendances.all()),
        **flags,
    }
    return render_to_string(RECORD_TEMPLATE, context, request=request)
