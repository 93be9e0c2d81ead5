"""Next year's plan drafted from this year's: the same meetings in the same week, on the same
weekday at the same time, and the same activities a year later.

Nothing that exists already is copied again (a meeting of the same body on the same day, an
activity with the same title starting the same day), so drafting twice adds nothing the second
time. Years in titles move on by one. Only the plan is copied: no items, no notice, no
attendance, no minutes.
"""

import datetime
import re
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from .models import Activity, Meeting


def same_week_next_year(day: datetime.date) -> datetime.date:
    """The same weekday of the same ISO week number a year later ("tirsdag i uke 42").

    Week 53 becomes week 52 when the next year has none; around New Year, where the ISO
    week belongs to the neighbouring year, 52 (or 53) weeks later keeps the day in the next
    calendar year.
    """
    iso_year, week, weekday = day.isocalendar()
    try:
        candidate = datetime.date.fromisocalendar(iso_year + 1, week, weekday)
    except ValueError:  # no week 53 next year
        candidate = datetime.date.fromisocalendar(iso_year + 1, 52, weekday)
    for weeks in (52, 53):
        if candidate.year == day.year + 1:
            break
        candidate = day + datetime.timedelta(weeks=weeks)
    return candidate


def one_year_later(day: datetime.date) -> datetime.date:
    """The same date a year later; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


def next_title(title: str) -> str:
    """Years in a title move on too: "Årsrapport 2025" drafted a year later is "Årsrapport 2026"."""
    return re.sub(r"\b(?:19|20)\d\d\b", lambda year: str(int(year.group()) + 1), title)


def _moved(moment: datetime.datetime, old_day: datetime.date, new_day: datetime.date):
    """The same local wall-clock time, `new_day - old_day` later (daylight saving included)."""
    local = timezone.localtime(moment)
    day = local.date() + (new_day - old_day)
    return timezone.make_aware(datetime.datetime.combine(day, local.time().replace(tzinfo=None)))


@dataclass
class Draft:
    """What drafting `year + 1` from `year` would add, unsaved."""

    year: int
    meetings: list[Meeting]
    activities: list[Activity]
    existing_meetings: int  # of `year`, already in next year's plan
    existing_activities: int


def plan_next_year(year: int) -> Draft:
    next_year = year + 1
    taken_days = {
        (m.body_id, timezone.localtime(m.starts_at).date())
        for m in Meeting.objects.in_year(next_year).only("body_id", "starts_at")
    }
    taken_activities = set(
        Activity.objects.filter(starts_on__year=next_year).values_list("title", "starts_on")
    )

    meetings, existing_meetings = [], 0
    for meeting in (
        Meeting.objects.in_year(year)
        .select_related("body")
        .prefetch_related("body__names")
        .order_by("starts_at")
    ):
        old_day = timezone.localtime(meeting.starts_at).date()
        new_day = same_week_next_year(old_day)
        if (meeting.body_id, new_day) in taken_days:
            existing_meetings += 1
            continue
        taken_days.add((meeting.body_id, new_day))
        meetings.append(
            Meeting(
                body=meeting.body,
                title=next_title(meeting.title),
                starts_at=_moved(meeting.starts_at, old_day, new_day),
                ends_at=_moved(meeting.ends_at, old_day, new_day),
                location=meeting.location,
                sender=meeting.sender,
                case_officer=meeting.case_officer,
            )
        )

    activities, existing_activities = [], 0
    for activity in Activity.objects.filter(starts_on__year=year).select_related("body"):
        starts_on = one_year_later(activity.starts_on)
        title = next_title(activity.title)
        if (title, starts_on) in taken_activities:
            existing_activities += 1
            continue
        taken_activities.add((title, starts_on))
        activities.append(
            Activity(
                title=title,
                kind=activity.kind,
                body=activity.body,
                starts_on=starts_on,
                ends_on=one_year_later(activity.ends_on) if activity.ends_on else None,
                description=activity.description,
            )
        )
    return Draft(year, meetings, activities, existing_meetings, existing_activities)


@transaction.atomic
def draft_next_year(year: int, user) -> tuple[int, int]:
    """Copy `year`'s meetings and activities into `year + 1`; returns how many of each were
    created. Each new row's history names `user` and the reason "Utkast fra årshjulet <year>".
    """
    # Two secretaries drafting at once: the second waits here for the first and then finds
    # its copies (PostgreSQL; SQLite lets one writer through at a time anyway).
    list(Meeting.objects.in_year(year).select_for_update().values_list("pk", flat=True))
    list(Activity.objects.filter(starts_on__year=year).select_for_update().values_list("pk"))
    draft = plan_next_year(year)
    reason = f"Utkast fra årshjulet {year}"
    for obj in [*draft.meetings, *draft.activities]:
        obj._history_user = user
        obj._change_reason = reason
        obj.save()
    return len(draft.meetings), len(draft.activities)
