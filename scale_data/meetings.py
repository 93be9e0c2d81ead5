"""A year of meetings per partnership: about 200 meetings with 2 000 numbered items, the
members' attendance, minutes approved at the body's next meeting, follow-ups, and the year's
activities. Bulk-created (the history of a meeting's steps is not what the pages read); item
numbers are given per body and year as numbering.py gives them, and the counters are stored so
that new items continue after them."""

import datetime

from helsefellesskap.models import Body
from meetings.models import (
    Activity,
    Attendance,
    FollowUp,
    Item,
    ItemCounter,
    Meeting,
    Minutes,
)

from .common import Sizes, day_in_year, moment, synthetic
from .portfolio import THINGS, YearPlan
from .register import Partnership

TOPICS = [
    "utskrivningsklare pasienter", "legemiddelsamstemming", "ambulante tjenester",
    "felles kompetanseplan", "samhandlingsavvik", "pasientforløp for eldre",
    "digital hjemmeoppfølging", "rus og psykisk helse", "barn som pårørende",
    "rekruttering av sykepleiere", "tilskuddsrunden", "porteføljeplanen", "årsrapporten",
    "budsjett for neste år", "avtale om innleggelse", "FACT-team", "hospitering",
]  # fmt: skip
WORDS = (
    "Saken gjelder oppfølging av tiltaket i porteføljeplanen og videre samarbeid mellom "
    "kommunen og sykehusene om pasientene som trenger tjenester fra begge. "
)


def build_meetings(sizes: Sizes, partnership: Partnership, plans: list[YearPlan], user) -> None:
    plan_by_year = {p.year: p for p in plans}
    for year in sizes.year_range:
        _year(sizes, partnership, plan_by_year[year], year)
    _activities(sizes, partnership)


def _year(sizes, partnership: Partnership, year_plan: YearPlan, year: int) -> None:
    rng = sizes.rng("meetings", partnership.number, year)
    # The steps share one random stream: their order is part of what the seed gives.
    schedule = _schedule(rng, partnership, year)
    Meeting.objects.bulk_create([m for m, _, _ in schedule])
    items, firsts = _items(sizes, rng, schedule, year)
    through = Item.measures.through
    through.objects.bulk_create(
        through(item_id=item.pk, measure_id=rng.choice(year_plan.measures).pk)
        for item in items
        if item.position > 2 and rng.random() < 0.1
    )
    _after_meetings(sizes, rng, partnership, schedule, firsts)


def _schedule(rng, partnership: Partnership, year: int) -> list[tuple[Meeting, Body, int]]:
    """The year's meetings (unsaved) in the order of their start, each with its body and number
    of items; a body's meetings are spread evenly over the year."""
    schedule = []
    for body in partnership.bodies.values():
        per_year = partnership.body_meetings_per_year[body.pk]
        for j in range(per_year):
            day = day_in_year(year, (j + 0.3 + rng.random() * 0.4) / per_year)
            start = moment(day, rng.choice((9, 10, 12, 13)))
            network = body.kind == Body.Kind.NETWORK
            meeting = Meeting(
                body=body,
                starts_at=start,
                ends_at=start + datetime.timedelta(hours=2, minutes=rng.choice((0, 30))),
                location=rng.choice(["Rådhuset, møterom 3", "Sykehuset, auditoriet", "Teams"]),
                addressed_to=f"Medlemmene i {body.name}",
                sender="Sekretariatet",
                case_officer="Sekretariatet",
                notice_text=f"Velkommen til møte i {body.name}.",
                theme=rng.choice(TOPICS).capitalize() if network else "",
                participant_count=rng.randrange(15, 80) if network else None,
            )
            schedule.append(
                (meeting, body, rng.randrange(0, 3) if network else rng.randrange(8, 16))
            )
    schedule.sort(key=lambda entry: (entry[0].starts_at, entry[1].pk))
    return schedule


def _items(sizes, rng, schedule, year: int) -> tuple[list[Item], dict[int, list[Item]]]:
    """The items, numbered per body in the order of the meetings, and the counters after them.
    Returns all items and each meeting's items by meeting id."""
    numbers: dict[int, int] = {}
    items: list[Item] = []
    firsts: dict[int, list[Item]] = {}
    for meeting, body, count in schedule:
        own = []
        for position in range(1, count + 1):
            numbers[body.pk] = numbers.get(body.pk, 0) + 1
            own.append(_item(sizes, rng, meeting, body, year, numbers[body.pk], position))
        firsts[meeting.pk] = own
        items += own
    Item.objects.bulk_create(items)
    ItemCounter.objects.bulk_create(
        ItemCounter(body_id=body_pk, year=year, last_number=last)
        for body_pk, last in numbers.items()
    )
    return items, firsts


def _item(sizes, rng, meeting: Meeting, body: Body, year, number, position) -> Item:
    """An item (unsaved); the first two are the fixed approvals of the notice and the minutes,
    and a past meeting's items have minutes text and decisions."""
    if position == 1:
        title, kind = "Godkjenning av innkalling og saksliste", Item.Kind.DECISION
    elif position == 2:
        title, kind = "Godkjenning av referat fra forrige møte", Item.Kind.DECISION
    else:
        kind = rng.choice(list(Item.Kind))
        title = f"{rng.choice(['Orientering om', 'Status for', 'Drøfting av', 'Vedtak om'])} {rng.choice(TOPICS)}"  # noqa: E501
    past = meeting.starts_at.date() < sizes.until
    return Item(
        meeting=meeting,
        body=body,
        year=year,
        number=number,
        position=position,
        kind=kind,
        title=title,
        purpose=f"Hensikten er å {rng.choice(['informere om', 'drøfte', 'beslutte'])} {rng.choice(THINGS)}.",  # noqa: E501
        presenter=rng.choice(["Leder", "Sekretariatet", "Prosjektleder"]),
        background=WORDS * rng.randrange(1, 4),
        minutes_text=(WORDS if past else ""),
        decision=(
            f"{body.short_name} tar saken til orientering og ber om ny sak om {rng.choice(TOPICS)}."
            if past and kind == Item.Kind.DECISION
            else ""
        ),
    )


def _after_meetings(sizes, rng, partnership: Partnership, schedule, firsts) -> None:
    """Attendance of the members on the day, minutes approved at the body's next meeting,
    follow-ups of decisions; for the meetings before `until`. Walked backwards, so that each
    body's next meeting is known."""
    attendances, minutes, follow_ups = [], [], []
    next_meeting: dict[int, Meeting] = {}
    for meeting, body, _count in reversed(schedule):
        day = meeting.starts_at.date()
        later = next_meeting.get(body.pk)
        next_meeting[body.pk] = meeting
        if day >= sizes.until:
            continue
        if body.kind != Body.Kind.NETWORK:
            attendances += _attendances(rng, partnership, meeting, body, day)
        minutes.append(_minutes(sizes, meeting, later, firsts))
        follow_ups += _follow_ups(sizes, rng, partnership, firsts[meeting.pk], day)
    Attendance.objects.bulk_create(attendances)
    Minutes.objects.bulk_create(minutes)
    FollowUp.objects.bulk_create(follow_ups)


def _attendances(rng, partnership: Partnership, meeting, body, day) -> list[Attendance]:
    attendances = []
    for membership in partnership.memberships_active_on(body, day):
        draw = rng.random()
        status = Attendance.Status.ABSENT if draw < 0.15 else Attendance.Status.PRESENT
        attendances.append(Attendance(meeting=meeting, person=membership.person, status=status))
    return attendances


def _minutes(sizes, meeting: Meeting, later: Meeting | None, firsts) -> Minutes:
    """Published if approved in the second item of the body's next meeting, else a draft."""
    if later and later.starts_at.date() < sizes.until and len(firsts[later.pk]) > 1:
        return Minutes(
            meeting=meeting,
            introduction="Leder ønsket velkommen.",
            status=Minutes.Status.PUBLISHED,
            approved_on=later.starts_at.date(),
            approved_at_meeting=later,
            approved_in_item=firsts[later.pk][1],
            published_at=later.starts_at + datetime.timedelta(days=2),
        )
    return Minutes(meeting=meeting, introduction="Leder ønsket velkommen.")


def _follow_ups(sizes, rng, partnership: Partnership, items, day) -> list[FollowUp]:
    """Follow-ups of some of the meeting's decisions (not the two fixed approvals)."""
    follow_ups = []
    for item in items[2:]:
        if item.kind == Item.Kind.DECISION and rng.random() < 0.3:
            due = day + datetime.timedelta(days=rng.randrange(30, 200))
            done = due < sizes.until - datetime.timedelta(days=30) and rng.random() < 0.8
            follow_ups.append(
                FollowUp(
                    item=item,
                    title=f"Følge opp {rng.choice(THINGS)}",
                    responsible_body=rng.choice(list(partnership.bodies.values())),
                    due_on=due,
                    status=FollowUp.Status.DONE if done else FollowUp.Status.OPEN,
                    done_on=due if done else None,
                )
            )
    return follow_ups


def _activities(sizes, partnership: Partnership) -> None:
    rows = []
    for year in sizes.year_range:
        for month, title, kind in [
            (1, "Revisjon av porteføljeplanen", Activity.Kind.PORTFOLIO),
            (2, "Tilskuddsrunden åpner", Activity.Kind.GRANT_ROUND),
            (3, "Årsrapport for fjoråret", Activity.Kind.ANNUAL_REPORT),
            (9, "Budsjettfrister hos partene", Activity.Kind.PARTNERSHIP),
        ]:
            rows.append(
                Activity(
                    title=synthetic(f"{title} – {partnership.place}"),
                    kind=kind,
                    body=partnership.bodies["ssu"],
                    starts_on=datetime.date(year, month, 1),
                    ends_on=datetime.date(year, month, 28),
                )
            )
    Activity.objects.bulk_create(rows)
