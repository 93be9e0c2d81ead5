"""The annual wheel (årshjul): the year's meetings and activities as a circle the server draws.

Months go round clockwise with January at the top, twelve equal sectors. The outermost ring
holds the activities of the whole partnership (the grant round, the portfolio plan revision,
the annual report ...); inside it one ring per body with meetings (or activities of its own)
that year, in the register's order. A meeting is a small circle on its body's ring at its
date; an activity is an arc from its start to its deadline, or a diamond when it is one day.

`year_wheel()` computes the geometry and the same content as a month-by-month list (the
accessible alternative beside the picture); the template only draws. Two queries, whatever
the number of meetings: the meetings with their bodies, and the activities with theirs.
`year_wheel_html()` renders it, kept in the cache until a meeting, an activity or a body
changes (helsefellesskap/fragments.py) or the day does (the line for today).
"""

import calendar
import datetime
import math
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import SafeString

from helsefellesskap.fragments import cached_html, history_stamp
from helsefellesskap.models import Body, BodyName

from .models import Activity, Meeting

MONTH_NAMES = [
    "Januar",
    "Februar",
    "Mars",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Desember",
]
ACTIVITY_RING_LABEL = "Aktiviteter for hele helsefellesskapet"
PALETTE_SIZE = 8  # colour classes wheel-c0 … wheel-c7 in portal.css

# Drawing area (SVG user units). The template scales the picture to its box.
WIDTH = HEIGHT = 600
CX = CY = 300
MONTH_BAND = (262, 296)  # inner and outer radius of the band with the month names
OUTER_RADIUS = 258  # outer edge of the outermost ring
MIN_HOLE = 56  # the centre, where the year is written, is at least this wide
MAX_RING_WIDTH = 46


def date_angle(day: datetime.date, fraction: float = 0.5) -> float:
    """Degrees clockwise from the top (January 1st, 00:00) to a moment of `day`.

    Months are equal sectors of 30°, so that every mark lies inside its month's sector;
    `fraction` is the moment within the day (0.5: its middle).
    """
    days = calendar.monthrange(day.year, day.month)[1]
    return (day.month - 1) * 30 + (day.day - 1 + fraction) / days * 30


def point(angle: float, radius: float) -> tuple[float, float]:
    radians = math.radians(angle)
    return round(CX + radius * math.sin(radians), 2), round(CY - radius * math.cos(radians), 2)


def arc_path(start_angle: float, end_angle: float, radius: float) -> str:
    """An SVG path along the circle of `radius`, clockwise from one angle to the other."""
    end_angle = min(end_angle, start_angle + 359.5)  # a full circle cannot be one arc
    x1, y1 = point(start_angle, radius)
    x2, y2 = point(end_angle, radius)
    large = 1 if end_angle - start_angle > 180 else 0
    return f"M {x1} {y1} A {radius:.2f} {radius:.2f} 0 {large} 1 {x2} {y2}"


def diamond_points(angle: float, radius: float, size: float) -> str:
    x, y = point(angle, radius)
    return f"{x},{y - size} {x + size},{y} {x},{y + size} {x - size},{y}"


def format_date(day: datetime.date) -> str:
    return f"{day:%d.%m.%Y}"


def format_period(start: datetime.date, end: datetime.date | None) -> str:
    if end is None or end == start:
        return format_date(start)
    return f"{format_date(start)}–{format_date(end)}"


@dataclass
class Month:
    number: int
    name: str
    divider: tuple[float, float, float, float]  # x1 y1 x2 y2 of the line where it begins
    label_x: float
    label_y: float
    label_rotation: float  # along the band, never upside down


@dataclass
class Mark:
    """One meeting or activity on the wheel. `shape` is circle, diamond or arc."""

    shape: str
    title: str
    url: str | None
    css_class: str
    x: float = 0
    y: float = 0
    size: float = 0
    points: str = ""
    path: str = ""
    width: float = 0  # stroke width of an arc


@dataclass
class Ring:
    number: int  # 1 is the outermost, as in the legend
    label: str
    body: Body | None
    radius: float  # middle of the band
    width: float
    css_class: str
    meeting_count: int = 0
    activity_count: int = 0
    badge: tuple[float, float] = (0, 0)  # where its number is written, just left of the top


@dataclass
class Entry:
    """One line of the list beside the wheel."""

    start: datetime.date
    end: datetime.date | None
    when: str  # the date or period
    time: str  # a meeting's hours: "kl. 09.00–11.20"
    body: str
    kind: str  # "Møte" or the activity's type
    title: str
    url: str | None
    ring: int
    is_meeting: bool


@dataclass
class MonthEntries:
    number: int
    name: str
    entries: list[Entry] = field(default_factory=list)


@dataclass
class YearWheel:
    year: int
    width: int
    height: int
    cx: float
    cy: float
    hole_radius: float
    year_font_size: int
    month_band_radius: float
    month_band_width: float
    months: list[Month]
    rings: list[Ring]
    marks: list[Mark]
    months_with_entries: list[MonthEntries]
    today_line: tuple[float, float, float, float] | None
    today_label: str

    @property
    def body_rings(self) -> list[Ring]:
        return [ring for ring in self.rings if ring.body is not None]

    @property
    def meeting_count(self) -> int:
        return sum(ring.meeting_count for ring in self.rings)

    @property
    def activity_count(self) -> int:
        return sum(ring.activity_count for ring in self.rings)


def _short(body: Body) -> str:
    return body.short_name or body.name


def _lanes(activities: list[Activity]) -> dict[int, int]:
    """Lane per activity so that overlapping arcs on a ring sit side by side."""
    lane_ends: list[datetime.date] = []
    lanes = {}
    for activity in activities:
        end = activity.ends_on or activity.starts_on
        for lane, lane_end in enumerate(lane_ends):
            if lane_end < activity.starts_on:
                lane_ends[lane] = end
                lanes[activity.pk] = lane
                break
        else:
            lanes[activity.pk] = len(lane_ends)
            lane_ends.append(end)
    return lanes


def _months(inner_radius: float) -> list[Month]:
    months = []
    label_radius = sum(MONTH_BAND) / 2
    for number, name in enumerate(MONTH_NAMES, start=1):
        start_angle = (number - 1) * 30
        x1, y1 = point(start_angle, inner_radius)
        x2, y2 = point(start_angle, MONTH_BAND[1])
        middle = start_angle + 15
        label_x, label_y = point(middle, label_radius)
        rotation = middle - 180 if 90 < middle < 270 else middle
        months.append(Month(number, name, (x1, y1, x2, y2), label_x, label_y, rotation))
    return months


WHEEL_TEMPLATE = "meetings/_year_wheel.html"
SHOWN_MODELS = (Meeting, Activity, Body, BodyName)  # a meeting is named by its body then


def year_wheel_html(year: int, *, link_activities: bool) -> SafeString:
    """The wheel of `year` and its list, rendered; with `link_activities` each activity links
    to its edit page (the secretariat's)."""
    day = timezone.localdate()
    link = "lenker" if link_activities else "uten-lenker"
    stamp = history_stamp(SHOWN_MODELS)
    key = f"meetings:wheel:1:{translation.get_language()}:{year}:{link}:{day}:{stamp}"

    def render() -> str:
        wheel = year_wheel(
            year, activity_url=_activity_edit_url if link_activities else None, day=day
        )
        return render_to_string(WHEEL_TEMPLATE, {"year": year, "wheel": wheel})

    return cached_html(key, render)


def _activity_edit_url(activity: Activity) -> str:
    return reverse("meetings:activity_edit", args=[activity.pk])


def year_wheel(
    year: int,
    *,
    activity_url: Callable[[Activity], str] | None = None,
    day: datetime.date | None = None,
) -> YearWheel:
    """The wheel of `year`. `activity_url` links an activity (the secretariat's edit page);
    without it activities are drawn without a link."""
    meetings, activities = _meetings_and_activities(year)
    bodies = _ordered_bodies(meetings, activities)
    ring_width = min(MAX_RING_WIDTH, (OUTER_RADIUS - MIN_HOLE) / (1 + len(bodies)))
    rings = _rings(bodies, ring_width, year)
    ring_of_body = {ring.body.pk: ring for ring in rings if ring.body is not None}
    hole_radius = OUTER_RADIUS - ring_width * len(rings)
    mark_size = max(3.5, min(ring_width * 0.3, 8))

    marks: list[Mark] = []
    months = [MonthEntries(number, name) for number, name in enumerate(MONTH_NAMES, start=1)]
    by_ring: dict[int, list[Activity]] = {}
    for activity in activities:
        ring = ring_of_body[activity.body_id] if activity.body_id else rings[0]
        by_ring.setdefault(ring.number, []).append(activity)
    for ring_number, ring_activities in by_ring.items():
        placed = _place_activities(
            rings[ring_number - 1], ring_activities, year, mark_size, activity_url
        )
        for mark, entry in placed:
            marks.append(mark)
            months[entry.start.month - 1].entries.append(entry)
    for meeting in meetings:
        mark, entry = _place_meeting(meeting, ring_of_body[meeting.body_id], mark_size)
        marks.append(mark)
        months[entry.start.month - 1].entries.append(entry)
    for month in months:
        month.entries.sort(key=lambda e: (e.start, not e.is_meeting, e.title))

    day = day or timezone.localdate()
    return YearWheel(
        year=year,
        width=WIDTH,
        height=HEIGHT,
        cx=CX,
        cy=CY,
        hole_radius=round(hole_radius, 2),
        year_font_size=int(max(14, min(36, hole_radius * 0.55))),
        month_band_radius=sum(MONTH_BAND) / 2,
        month_band_width=MONTH_BAND[1] - MONTH_BAND[0],
        months=_months(hole_radius),
        rings=rings,
        marks=marks,
        months_with_entries=[month for month in months if month.entries],
        today_line=_today_line(day, hole_radius) if day.year == year else None,
        today_label=f"I dag, {format_date(day)}",
    )


def _meetings_and_activities(year: int) -> tuple[list[Meeting], list[Activity]]:
    """The year's meetings, and its activities with those begun the year before."""
    first = datetime.date(year, 1, 1)
    meetings = list(
        Meeting.objects.in_year(year)
        .select_related("body")
        .prefetch_related("body__names")
        .order_by("starts_at")
    )
    activities = list(
        Activity.objects.filter(
            Q(starts_on__year=year) | Q(starts_on__lt=first, ends_on__gte=first)
        )
        .select_related("body")
        .prefetch_related("body__names")
        .order_by("starts_on", "title", "pk")
    )
    return meetings, activities


def _ordered_bodies(meetings: list[Meeting], activities: list[Activity]) -> list[Body]:
    """The bodies with something on the wheel, in the register's order."""
    bodies = {m.body_id: m.body for m in meetings}
    bodies |= {a.body_id: a.body for a in activities if a.body_id}
    return sorted(bodies.values(), key=lambda b: (b.position, b.name))


def _rings(bodies: list[Body], ring_width: float, year: int) -> list[Ring]:
    """The partnership's activities outermost, then the bodies in the register's order, each
    named as on its last day in the year."""
    last_day = datetime.date(year, 12, 31)
    rings = []
    for index, body in enumerate([None, *bodies]):
        radius = OUTER_RADIUS - ring_width * (index + 0.5)
        rings.append(
            Ring(
                number=index + 1,
                label=ACTIVITY_RING_LABEL
                if body is None
                else body.name_on(min(last_day, body.dissolved or last_day)),
                body=body,
                radius=round(radius, 2),
                width=round(ring_width, 2),
                css_class="wheel-activity"
                if body is None
                else f"wheel-c{(index - 1) % PALETTE_SIZE}",
                badge=point(-3.5, radius),  # late December: usually no meetings
            )
        )
    return rings


def _place_activities(
    ring: Ring,
    activities: list[Activity],
    year: int,
    mark_size: float,
    activity_url: Callable[[Activity], str] | None,
) -> list[tuple[Mark, Entry]]:
    """A ring's activities, side by side where they overlap: an arc for a period, a diamond
    for a day; each with its line in the list."""
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    lanes = _lanes(activities)
    lane_width = ring.width / (max(lanes.values()) + 1)
    placed = []
    for activity in activities:
        ring.activity_count += 1
        start = max(activity.starts_on, first)
        end = min(activity.ends_on or activity.starts_on, last)
        radius = ring.radius + ring.width / 2 - lane_width * (lanes[activity.pk] + 0.5)
        url = activity_url(activity) if activity_url else None
        when = format_period(activity.starts_on, activity.ends_on)
        title = f"{activity.title}, {when}"
        if activity.body_id:
            title += f" ({activity.body})"
        if end > start:
            path = arc_path(date_angle(start, 0.1), date_angle(end, 0.9), radius)
            width = round(max(3.0, min(lane_width * 0.6, 14)), 2)
            mark = Mark("arc", title, url, ring.css_class, path=path, width=width)
        else:
            points = diamond_points(date_angle(start), radius, mark_size * 1.3)
            mark = Mark("diamond", title, url, ring.css_class, points=points)
        entry = Entry(
            start=start,
            end=activity.ends_on,
            when=when,
            time="",
            body=_short(activity.body) if activity.body_id else "Hele helsefellesskapet",
            kind=activity.get_kind_display(),
            title=activity.title,
            url=url,
            ring=ring.number,
            is_meeting=False,
        )
        placed.append((mark, entry))
    return placed


def _place_meeting(meeting: Meeting, ring: Ring, mark_size: float) -> tuple[Mark, Entry]:
    """A meeting as a dot on its body's ring, and its line in the list."""
    ring.meeting_count += 1
    starts, ends = timezone.localtime(meeting.starts_at), timezone.localtime(meeting.ends_at)
    hours = f"kl. {starts:%H.%M}–{ends:%H.%M}"
    x, y = point(date_angle(starts.date()), ring.radius)
    title = f"Avlyst: {meeting.display_title}" if meeting.is_cancelled else meeting.display_title
    mark = Mark(
        "circle",
        f"{title}, {format_date(starts.date())} {hours}",
        meeting.get_absolute_url(),
        ring.css_class,
        x=x,
        y=y,
        size=round(mark_size, 2),
    )
    entry = Entry(
        start=starts.date(),
        end=None,
        when=format_date(starts.date()),
        time=hours,
        body=meeting.body_short_name,
        kind="Møte",
        title=title,
        url=meeting.get_absolute_url(),
        ring=ring.number,
        is_meeting=True,
    )
    return mark, entry


def _today_line(day: datetime.date, hole_radius: float) -> tuple[float, float, float, float]:
    angle = date_angle(day)
    return (*point(angle, max(hole_radius - 6, 0)), *point(angle, MONTH_BAND[1]))
