"""Meetings as iCalendar (.ics): one meeting to download, and the feeds of a body and of a
person that Outlook (or any calendar) subscribes to.

A calendar polls without a login session, so a feed's URL carries its own key: the pk of the
body or person signed with the project's SECRET_KEY and a salt per kind of feed. A token for
one kind is worthless for the other, and a forged or altered one finds nothing (404). The
token has no timestamp so that a subscription keeps working; rotating SECRET_KEY (or the salt)
revokes every link at once.
"""

import datetime
import re
from collections.abc import Iterable

from django.core import signing
from django.db.models import Prefetch, QuerySet
from django.http import HttpResponse
from django.utils import timezone
from icalendar import Calendar, Event, vText

from helsefellesskap.mail import absolute_url

from .models import Item, Meeting

FEED_SALTS = {"body": "meetings.body-feed", "person": "meetings.person-feed"}
# A feed carries the meetings of the past twelve months and the next twelve.
FEED_WINDOW = datetime.timedelta(days=365)
UID_DOMAIN = "helsefellesskap.oslo"
PRODID = "-//Helsefellesskap Oslo//Moteportal//NB"
TIME_ZONE = "Europe/Oslo"
CONTENT_TYPE = "text/calendar; charset=utf-8"


# Line breaks and every other control character (C0, DEL, C1, the Unicode line and paragraph
# separators): a calendar's text is one line per property.
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def flat(text) -> str:
    """`text` on one line: each run of control characters (a line break, a tab, NUL...)
    becomes one space. Every text from the register or a meeting goes through here before it
    goes into a calendar, where a raw line break would end the property and break the file."""
    return " ".join(CONTROL.sub(" ", str(text)).split())


def feed_token(kind: str, pk: int) -> str:
    return signing.Signer(salt=FEED_SALTS[kind]).sign_object(pk)


def feed_pk(kind: str, token: str) -> int | None:
    """The pk a feed token was made for, or None when it is not one of ours."""
    try:
        value = signing.Signer(salt=FEED_SALTS[kind]).unsign_object(token)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    return value if type(value) is int else None


def meeting_uid(meeting: Meeting) -> str:
    return f"meeting-{meeting.pk}@{UID_DOMAIN}"


def for_feed(meetings: QuerySet, now: datetime.datetime | None = None) -> QuerySet:
    """The feed's window of `meetings`, with what the events need in four queries."""
    now = now or timezone.now()
    return (
        meetings.filter(starts_at__gte=now - FEED_WINDOW, starts_at__lte=now + FEED_WINDOW)
        .select_related("body")
        .prefetch_related(
            "body__names",
            Prefetch("items", queryset=Item.objects.order_by("position", "number")),
        )
        .order_by("starts_at")
    )


def describe(meeting: Meeting, url: str) -> str:
    """The event's description: its lines are ours, each text in them flattened."""
    lines = [f"Organ: {flat(meeting.body_name)}"]
    if meeting.case_officer:
        lines.append(f"Saksbehandler: {flat(meeting.case_officer)}")
    items = list(meeting.items.all())
    if items:
        lines += ["", "Saksliste:"] + [f"Sak {item.label} {flat(item.title)}" for item in items]
    lines += ["", f"Møtesiden: {url}"]
    return "\n".join(lines)


def meeting_event(meeting: Meeting, url: str, stamp: datetime.datetime) -> Event:
    event = Event()
    event.add("uid", meeting_uid(meeting))
    event.add("dtstamp", stamp)
    # Local wall-clock time with TZID=Europe/Oslo, so that a meeting at 09.00 stays at 09.00.
    event.add("dtstart", timezone.localtime(meeting.starts_at))
    event.add("dtend", timezone.localtime(meeting.ends_at))
    if meeting.is_cancelled:
        # Calendars strike a cancelled event through, or drop it; the title says it too.
        event.add("status", "CANCELLED")
        event.add("summary", f"Avlyst: {flat(meeting.display_title)}")
    else:
        event.add("summary", flat(meeting.display_title))
    if meeting.location:
        event.add("location", flat(meeting.location))
    event.add("description", describe(meeting, url))
    event.add("url", url)
    return event


def build_calendar(name: str, meetings: Iterable[Meeting], *, request=None) -> Calendar:
    """A VCALENDAR named `name` with one VEVENT per meeting, linking to the portal's pages."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    # An X- property is not escaped as text unless it is given as one.
    calendar.add("x-wr-calname", vText(flat(name)))
    calendar.add("x-wr-timezone", TIME_ZONE)
    # Subscribing calendars: look again every hour.
    calendar.add("refresh-interval", datetime.timedelta(hours=1), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT1H")
    stamp = timezone.now()
    days = []
    for meeting in meetings:
        calendar.add_component(
            meeting_event(meeting, absolute_url(meeting.get_absolute_url(), request=request), stamp)
        )
        days.append(timezone.localtime(meeting.starts_at).date())
    if days:
        # The time zone's rules only for the years the events need (a short VTIMEZONE).
        calendar.add_missing_timezones(
            first_date=min(days) - datetime.timedelta(days=366),
            last_date=max(days) + datetime.timedelta(days=366),
        )
    return calendar


def ics_response(calendar: Calendar, filename: str | None = None) -> HttpResponse:
    response = HttpResponse(calendar.to_ical(), content_type=CONTENT_TYPE)
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
