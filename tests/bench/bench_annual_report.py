"""Speed and memory of the annual report at Oslo's size (issue 7): one year with about 25 bodies,
200 meetings, 2 000 items and 500 people, plus a portfolio plan and a grant round.

Targets: the whole partnership's report in under 10 s and 500 MB peak memory, a sector's
report in under 3 s. The times are measured here, not asserted (no timed tests); the memory
bound is asserted, since a report that does not fit is a failure whatever the machine.

Run with `make bench-documents`, or only this file:

    .venv/bin/pytest tests/bench/bench_annual_report.py -o python_files="bench_*.py" \
        --benchmark-only -q -s

Each benchmark records in `extra_info` (in `--benchmark-json`, printed with `-s`) the PDF's
page count, the number of SQL queries, the CPU time of the rounds (steadier than the wall time
when other processes share the machine), the interpreter (Debian's optimised build is about a
quarter faster than pyenv's; see the Makefile) and, for the whole partnership, the peak memory.
These machines' speed varies from hour to hour: on 2026-11-23 the whole partnership's report
took 7.8 s in one run and 10.4 s in another of the same code, so compare runs made together.
"""

import datetime
import os
import platform
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import time
import tracemalloc
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from annual_report.assembly import assemble
from annual_report.document import render_report_pdf
from annual_report.models import AnnualReport, ReportVersion
from annual_report.versions import generate_version
from grants.models import Allocation, Application
from helsefellesskap import pdf_speedups
from helsefellesskap.models import Body, Membership, Organisation, Person, Sector
from meetings.models import Attendance, FollowUp, Item, ItemCounter, Meeting
from portfolio.models import Cell, FocusArea, Measure, MeasureGroup, Status
from tests.grants.factories import ApplicationFactory, RoundFactory, SchemeFactory
from tests.meetings.factories import OSLO
from tests.portfolio.conftest import build_plan
from tests.portfolio.factories import PlanFactory

YEAR = 2025
MEMORY_LIMIT_MB = 500  # the 500 MB: 10**6 bytes

SECTORS = [
    ("OUS-sektoren", "OUS", "Oslo universitetssykehus HF"),
    ("Ahus-sektoren", "Ahus", "Akershus universitetssykehus HF"),
    ("Lovisenberg-sektoren", "LDS", "Lovisenberg Diakonale Sykehus"),
    ("Diakonhjemmet-sektoren", "DS", "Diakonhjemmet Sykehus"),
]
DISTRICTS = [
    "Alna",
    "Bjerke",
    "Frogner",
    "Gamle Oslo",
    "Grorud",
    "Grünerløkka",
    "Nordre Aker",
    "Nordstrand",
    "Sagene",
    "St. Hanshaugen",
    "Stovner",
    "Søndre Nordstrand",
    "Ullern",
    "Vestre Aker",
    "Østensjø",
]
AGENCIES = ["Helseetaten", "Sykehjemsetaten", "Velferdsetaten", "Oslo legevakt"]
REPRESENTATIVES = ["Legeforeningen", "Brukerrådet", "Fagforbundet", "Norsk Sykepleierforbund"]
COUNCILS = [
    "Samarbeidsforum for somatikk",
    "Samarbeidsforum for psykisk helse og rus",
    "Samarbeidsforum for barn og unge",
]
FIRST_NAMES = [
    "Anne", "Bjørn", "Camilla", "Dag", "Eli", "Frode", "Guro", "Hans", "Ingrid", "Jon",
    "Kari", "Lars", "Mona", "Nils", "Ola", "Pia", "Rune", "Siri", "Tor", "Unni",
    "Vidar", "Wenche", "Øystein", "Åse", "Mohammed",
]  # fmt: skip
LAST_NAMES = [
    "Hansen", "Johansen", "Olsen", "Larsen", "Andersen", "Pedersen", "Nilsen", "Kristiansen",
    "Jensen", "Karlsen", "Johnsen", "Pettersen", "Eriksen", "Berg", "Haugen", "Hagen",
    "Johannessen", "Andreassen", "Jacobsen", "Dahl", "Ahmed", "Nguyen",
]  # fmt: skip
TITLES = [
    "Bydelsdirektør",
    "Avdelingsdirektør",
    "Klinikkleder",
    "Fastlege",
    "Brukerrepresentant",
    "Hovedtillitsvalgt",
    "Spesialrådgiver",
    "Seksjonsleder",
    "Kommuneoverlege",
    "Fagdirektør",
]
TOPICS = [
    "Utskrivningsklare pasienter",
    "Pasientens legemiddelliste",
    "Felles akuttmottak",
    "Ambulante FACT-team",
    "Digital hjemmeoppfølging",
    "Samhandling om eldre med sammensatte behov",
    "Barn og unges psykiske helse",
    "Rekruttering av fastleger",
    "Tilskuddsrunden",
    "Porteføljeplanen",
    "Kompetansedeling og hospitering",
    "Rusbehandling og ettervern",
    "Helseberedskap",
    "Tjenesteavtalene",
]
ASPECTS = [
    "status og videre arbeid",
    "forslag til prioriteringer for neste år",
    "erfaringer fra bydelene og sykehusene",
    "orientering fra arbeidsgruppen",
    "rapport fra prosjektet og anbefalinger om videreføring i alle sektorer",
    "høring",
    "drøfting",
]
PARAGRAPH = (
    "Helsefellesskapet har fortsatte utfordringer og utviklingsområder. Ulike FACT-team finnes "
    "nå i alle sektorer og fyller en viktig funksjon, men bærekraftig drift er utfordrende. "
    "Partnerne drøftet ressursbruk, struktur og samhandling på tvers av nivåene."
)


@dataclass
class Year:
    sectors: list[Sector]
    lsus: list[Body]
    bodies: list[Body]
    meetings: int
    items: int
    people: int


def meeting_times(count: int, offset: int, rng: random.Random):
    """`count` meetings spread over the year on weekdays, 2 to 3 hours, Oslo time."""
    for index in range(count):
        day = datetime.date(YEAR, 1, 8) + datetime.timedelta(
            days=int((index + 0.5) * 350 / count) - 5 + offset % 7
        )
        while day.weekday() >= 5:
            day += datetime.timedelta(days=1)
        starts_at = datetime.datetime.combine(
            day, datetime.time(rng.choice((9, 10, 13))), tzinfo=OSLO
        )
        yield starts_at, starts_at + datetime.timedelta(minutes=rng.choice((120, 150, 180)))


def build_register(rng: random.Random):
    hospitals = Organisation.objects.bulk_create(
        Organisation(name=name, kind=Organisation.Kind.HOSPITAL) for _, _, name in SECTORS
    )
    others = Organisation.objects.bulk_create(
        [Organisation(name=f"Bydel {name}", kind=Organisation.Kind.DISTRICT) for name in DISTRICTS]
        + [Organisation(name=name, kind=Organisation.Kind.AGENCY) for name in AGENCIES]
        + [
            Organisation(name=name, kind=Organisation.Kind.REPRESENTATIVE)
            for name in REPRESENTATIVES
        ]
    )
    sectors = Sector.objects.bulk_create(
        Sector(name=name, short_name=short, hospital=hospital)
        for (name, short, _), hospital in zip(SECTORS, hospitals, strict=True)
    )
    organisations = hospitals + others
    names = [f"{first} {last}" for last in LAST_NAMES for first in FIRST_NAMES]
    people = Person.objects.bulk_create(
        Person(
            name=names[index],
            title=rng.choice(TITLES),
            organisation=rng.choice(organisations),
        )
        for index in range(500)
    )
    return sectors, hospitals, others, people


def build_bodies(sectors):
    """Partnership meeting, SSU, AU, an LSU per sector with three councils and a network or two,
    and three partnership-wide networks: 28 bodies, 19 of them committees."""
    mandate = f"{PARAGRAPH}\n\n- Følge opp porteføljeplanen\n- Behandle tilskuddssøknader"

    def body(name, kind, parent=None, sector=None, position=100):
        committee = kind not in (Body.Kind.NETWORK, Body.Kind.OTHER)
        return Body.objects.create(
            name=name,
            short_name="",
            kind=kind,
            parent=parent,
            sector=sector,
            position=position,
            mandate=mandate if committee else PARAGRAPH,
            secretariat="Sekretariatet roterer mellom Oslo kommune og sykehuset."
            if committee
            else "",
        )

    # Bodies are few: created one by one so the tree's parents have their keys.
    partnership = body("Partnerskapsmøtet", Body.Kind.PARTNERSHIP_MEETING, position=1)
    ssu = body("Strategisk samarbeidsutvalg", Body.Kind.STRATEGIC_COMMITTEE, partnership, None, 2)
    au = body("Arbeidsutvalget", Body.Kind.WORKING_COMMITTEE, ssu, None, 3)
    lsus, bodies = [], [partnership, ssu, au]
    for position, sector in enumerate(sectors, start=10):
        lsu = body(
            f"Lokalt samarbeidsutvalg {sector.name}",
            Body.Kind.LOCAL_COMMITTEE,
            ssu,
            sector,
            position,
        )
        lsus.append(lsu)
        bodies.append(lsu)
        for council in COUNCILS:
            bodies.append(
                body(f"{council} ({sector.short_name})", Body.Kind.COUNCIL, lsu, sector, 20)
            )
        for number in range(2 if position < 12 else 1):
            bodies.append(
                body(
                    f"Fastlegenettverk {number + 1} ({sector.short_name})",
                    Body.Kind.NETWORK,
                    lsu,
                    sector,
                    30,
                )
            )
    for name, kind in (
        ("Nettverk for digital samhandling", Body.Kind.NETWORK),
        ("Nettverk for helseberedskap", Body.Kind.NETWORK),
        ("Dialogmøter med brukerorganisasjonene", Body.Kind.OTHER),
    ):
        bodies.append(body(name, kind, ssu, None, 40))
    return lsus, bodies


COMMITTEE_SIZES = {
    Body.Kind.PARTNERSHIP_MEETING: 20,
    Body.Kind.STRATEGIC_COMMITTEE: 18,
    Body.Kind.WORKING_COMMITTEE: 10,
    Body.Kind.LOCAL_COMMITTEE: 16,
    Body.Kind.COUNCIL: 12,
}
MEETINGS_PER_YEAR = {
    Body.Kind.PARTNERSHIP_MEETING: 2,
    Body.Kind.STRATEGIC_COMMITTEE: 10,
    Body.Kind.WORKING_COMMITTEE: 16,
    Body.Kind.LOCAL_COMMITTEE: 8,
    Body.Kind.COUNCIL: 6,
}
LEFT_ON = datetime.date(YEAR, 6, 15)
# A member whose start no source states, confirmed from the year's first day.
CONFIRMED = {"start": datetime.date(YEAR, 1, 1), "start_unknown": True}


def build_memberships(bodies, people, organisations, rng: random.Random):
    """12–25 rows per committee: a leader, a secretary, members (two left in June and were
    replaced), three deputies for named members; eight members per network."""
    cursor = 0

    def take(count):
        nonlocal cursor
        chosen = [people[(cursor + index) % len(people)] for index in range(count)]
        cursor += count
        return chosen

    regular, deputies = [], []
    for body in bodies:
        size = COMMITTEE_SIZES.get(body.kind)
        if size is None:
            regular += [Membership(person=p, body=body, **CONFIRMED) for p in take(8)]
            continue
        size += rng.randint(0, 3)
        members = take(size)
        rows = []
        for index, person in enumerate(members):
            role = (
                Membership.Role.LEADER
                if index == 0
                else Membership.Role.SECRETARY
                if index == size - 1
                else Membership.Role.MEMBER
            )
            rows.append(
                Membership(
                    person=person,
                    body=body,
                    role=role,
                    organisation=rng.choice(organisations) if index % 3 == 0 else None,
                    position=f"{person.title}, representant" if index % 4 == 0 else "",
                    representative_kind=(
                        Membership.RepresentativeKind.GP
                        if index == 3
                        else Membership.RepresentativeKind.USER
                        if index == 4
                        else Membership.RepresentativeKind.NONE
                    ),
                    end=LEFT_ON if index in (5, 6) else None,
                    **({"start": datetime.date(YEAR - 2, 1, 1)} if index % 2 else CONFIRMED),
                )
            )
        for person in take(2):  # the replacements of the two who left
            rows.append(
                Membership(person=person, body=body, start=LEFT_ON + datetime.timedelta(days=1))
            )
        regular += rows
        deputies += [
            (body, person, rows[index]) for index, person in zip((2, 3, 7), take(3), strict=True)
        ]
    regular = Membership.objects.bulk_create(regular)
    deputy_rows = Membership.objects.bulk_create(
        Membership(
            person=person,
            body=body,
            role=Membership.Role.DEPUTY,
            deputy_for=member,
            start=datetime.date(YEAR - 2, 1, 1),
        )
        for body, person, member in deputies
    )
    by_body = {}
    for membership in regular + deputy_rows:
        by_body.setdefault(membership.body_id, []).append(membership)
    return by_body


def build_meetings(bodies, rng: random.Random):
    """200 meetings: the committees' (132) by their yearly count, the rest shared among the
    networks and dialogue meetings with a theme and a turnout."""
    committee_meetings = sum(MEETINGS_PER_YEAR.get(b.kind, 0) for b in bodies)
    networks = [b for b in bodies if b.kind not in MEETINGS_PER_YEAR]
    rest, extra = divmod(200 - committee_meetings, len(networks))
    meetings = []
    for offset, body in enumerate(bodies):
        if body.kind in MEETINGS_PER_YEAR:
            count = MEETINGS_PER_YEAR[body.kind]
        else:
            count = rest + (1 if networks.index(body) < extra else 0)
        committee = body.kind in MEETINGS_PER_YEAR
        for number, (starts_at, ends_at) in enumerate(meeting_times(count, offset, rng)):
            meetings.append(
                Meeting(
                    body=body,
                    starts_at=starts_at,
                    ends_at=ends_at,
                    location="Rådhusets møtesenter, møterom 6",
                    sender="Sekretariatet",
                    theme="" if committee else f"{rng.choice(TOPICS)} ({number + 1})",
                    participant_count=None if committee else rng.randint(15, 80),
                )
            )
    return Meeting.objects.bulk_create(meetings)


def build_items(meetings, bodies, rng: random.Random, *, total=2000):
    """`total` items on the committees' meetings, numbered per body through the year."""
    committee_ids = {b.pk for b in bodies if b.kind in MEETINGS_PER_YEAR}
    committee_meetings = [m for m in meetings if m.body_id in committee_ids]
    per_meeting, extra = divmod(total, len(committee_meetings))
    numbers: dict[int, int] = {}
    items = []
    for index, meeting in enumerate(sorted(committee_meetings, key=lambda m: m.starts_at)):
        for position in range(per_meeting + (1 if index < extra else 0)):
            numbers[meeting.body_id] = numbers.get(meeting.body_id, 0) + 1
            items.append(
                Item(
                    meeting=meeting,
                    body_id=meeting.body_id,
                    year=YEAR,
                    number=numbers[meeting.body_id],
                    position=position,
                    kind=rng.choices(
                        (Item.Kind.DECISION, Item.Kind.INFORMATION, Item.Kind.DISCUSSION),
                        weights=(45, 35, 20),
                    )[0],
                    title=f"{rng.choice(TOPICS)} – {rng.choice(ASPECTS)}",
                    decision="Saken tas til orientering.",
                )
            )
    ItemCounter.objects.bulk_create(
        ItemCounter(body_id=body_id, year=YEAR, last_number=last)
        for body_id, last in numbers.items()
    )
    return Item.objects.bulk_create(items)


def build_attendance(meetings, memberships_by_body, bodies, rng: random.Random):
    """Each member on the meeting day: mostly present, some absent, and for a few of those
    their deputy met in their place."""
    committee_ids = {b.pk for b in bodies if b.kind in MEETINGS_PER_YEAR}
    rows = []
    for meeting in meetings:
        if meeting.body_id not in committee_ids:
            continue
        day = timezone.localtime(meeting.starts_at).date()
        memberships = [m for m in memberships_by_body[meeting.body_id] if m.is_active_on(day)]
        deputy_of = {m.deputy_for_id: m for m in memberships if m.role == Membership.Role.DEPUTY}
        for membership in memberships:
            if membership.role == Membership.Role.DEPUTY:
                continue
            if rng.random() < 0.85:
                rows.append(
                    Attendance(
                        meeting=meeting,
                        person_id=membership.person_id,
                        status=Attendance.Status.PRESENT,
                    )
                )
                continue
            rows.append(
                Attendance(
                    meeting=meeting,
                    person_id=membership.person_id,
                    status=Attendance.Status.ABSENT,
                )
            )
            deputy = deputy_of.get(membership.pk)
            if deputy and rng.random() < 0.6:
                rows.append(
                    Attendance(
                        meeting=meeting,
                        person_id=deputy.person_id,
                        status=Attendance.Status.DEPUTY,
                        deputy_for_id=membership.person_id,
                    )
                )
    return Attendance.objects.bulk_create(rows)


def build_follow_ups(items, meetings, rng: random.Random):
    """A follow-up on every third decision; about half of them still open at the year's end
    (open, in progress, or done only in the next year)."""
    meeting_day = {m.pk: timezone.localtime(m.starts_at).date() for m in meetings}
    decisions = [item for item in items if item.kind == Item.Kind.DECISION][::3]
    rows = []
    for index, item in enumerate(decisions):
        day = meeting_day[item.meeting_id]
        due = day + datetime.timedelta(days=rng.randint(30, 180))
        outcome = rng.random()
        status, done_on = (
            (FollowUp.Status.DONE, min(due, datetime.date(YEAR, 12, 20)))
            if outcome < 0.5
            else (FollowUp.Status.DONE, datetime.date(YEAR + 1, 2, 1))
            if outcome < 0.6
            else (FollowUp.Status.IN_PROGRESS, None)
            if outcome < 0.75
            else (FollowUp.Status.OPEN, None)
        )
        rows.append(
            FollowUp(
                item=item,
                title=f"Følge opp vedtaket om {item.title.lower()}",
                responsible_body_id=item.body_id if index % 2 else None,
                responsible_text="" if index % 2 else "Sykehusdirektørene og bydelsdirektørene",
                due_on=due,
                status=status,
                done_on=done_on,
            )
        )
    return FollowUp.objects.bulk_create(rows)


def backdate_plan(plan, *, changes_every=2):
    """The plan as it stood from before the year, then status changes through the year: the
    report compares the plan at the year's start and end through its history."""
    before_year = timezone.make_aware(datetime.datetime(YEAR - 1, 12, 1))
    for model, lookup in (
        (FocusArea, "plan"),
        (MeasureGroup, "area__plan"),
        (Measure, "group__area__plan"),
        (Cell, "column__plan"),
    ):
        ids = model.objects.filter(**{lookup: plan}).values_list("pk", flat=True)
        model.history.filter(id__in=list(ids)).update(history_date=before_year)
    cells = list(Cell.objects.filter(column__plan=plan, column__year=YEAR).order_by("measure__pk"))
    for index, cell in enumerate(cells):
        if index % changes_every:
            continue
        cell.status = Status.COMPLETED if index % 4 == 0 else Status.IN_PROGRESS
        cell.version += 1
        cell.save()
        record = Cell.history.filter(id=cell.pk).latest("history_id")
        Cell.history.filter(history_id=record.history_id).update(
            history_date=timezone.make_aware(
                datetime.datetime(YEAR, 1 + index % 12, 1 + index % 28, 12)
            )
        )


def build_grants(sectors, hospitals, districts, areas, user, rng: random.Random):
    """The year's round: an allocation per sector and ten applications per sector in every
    state after submission."""
    round = RoundFactory(
        scheme=SchemeFactory(),
        year=YEAR,
        deadline=timezone.make_aware(datetime.datetime(YEAR, 11, 18, 12)),
    )
    round.invited_areas.set(areas[:6])
    Allocation.objects.bulk_create(
        Allocation(round=round, sector=sector, amount=Decimal("17240000")) for sector in sectors
    )
    states = [
        Application.State.SUBMITTED,
        Application.State.NOT_PRIORITISED,
        Application.State.FORWARDED,
        Application.State.GRANTED,
        Application.State.GRANTED,
        Application.State.REJECTED,
        Application.State.MOVED,
        Application.State.DRAFT,
    ]
    for sector, hospital in zip(sectors, hospitals, strict=True):
        for number in range(10):
            state = states[number % len(states)]
            asked = Decimal(rng.randrange(200_000, 3_000_000, 10_000))
            ApplicationFactory(
                round=round,
                sector=sector,
                state=state,
                title=f"Samhandlingsprosjekt {number + 1} i {sector.name}",
                focus_area=areas[number % 6],
                applicant_organisation=rng.choice(districts),
                amount_asked=asked,
                amount_granted=asked * Decimal("0.8")
                if state == Application.State.GRANTED
                else None,
                lsu_rank=number + 1,
                created_by=user,
                partners=[hospital],
            )
    return round


def build_year(secretariat_user) -> Year:
    rng = random.Random(YEAR)
    sectors, hospitals, others, people = build_register(rng)
    lsus, bodies = build_bodies(sectors)
    memberships = build_memberships(bodies, people, hospitals + others, rng)
    meetings = build_meetings(bodies, rng)
    items = build_items(meetings, bodies, rng)
    build_attendance(meetings, memberships, bodies, rng)
    build_follow_ups(items, meetings, rng)

    # The partnership's plan (10 areas × 10 measures × 3 years) and the first LSU's own plan.
    plan = build_plan(
        PlanFactory(title="Porteføljeplan 2025–2027", years=[2024, 2025, 2026]),
        areas=10,
        measures_per_area=10,
    )
    backdate_plan(plan)
    local_plan = build_plan(
        PlanFactory(title=f"Lokal plan {sectors[0].name}", body=lsus[0], years=[2025, 2026]),
        areas=3,
        measures_per_area=5,
    )
    backdate_plan(local_plan)
    districts = [o for o in others if o.kind == Organisation.Kind.DISTRICT]
    areas = list(plan.areas.order_by("position"))
    build_grants(sectors, hospitals, districts, areas, secretariat_user, rng)
    return Year(
        sectors=sectors,
        lsus=lsus,
        bodies=bodies,
        meetings=len(meetings),
        items=len(items),
        people=len(people),
    )


INTRODUCTION = "\n\n".join([PARAGRAPH] * 3)
HIGHLIGHTS = "\n".join(f"- {topic}: {PARAGRAPH[:120]}" for topic in TOPICS[:6])


@pytest.fixture
def oslo_year(db, secretariat_user):
    year = build_year(secretariat_user)
    assert len(year.bodies) == 28
    assert (year.meetings, year.items, year.people) == (200, 2000, 500)
    return year


def make_report(**scope) -> AnnualReport:
    return AnnualReport.objects.create(
        year=YEAR,
        introduction=INTRODUCTION,
        highlights=HIGHLIGHTS,
        other_activities=PARAGRAPH,
        **scope,
    )


# --- Measuring ---


def page_count(pdf: bytes, tmp_path) -> int:
    """Pages by pdfinfo (poppler-utils), else by counting the page objects."""
    if shutil.which("pdfinfo"):
        path = tmp_path / "arsrapport.pdf"
        path.write_bytes(pdf)
        info = subprocess.run(
            ["pdfinfo", str(path)], capture_output=True, text=True, check=True
        ).stdout
        return int(re.search(r"^Pages:\s+(\d+)", info, flags=re.MULTILINE)[1])
    return len(re.findall(rb"/Type\s*/Page(?!s)", pdf))


def stored_pdf(version: ReportVersion) -> bytes:
    with version.pdf.open("rb") as file:
        return file.read()


def reset_peak_rss() -> bool:
    """Linux (4.0+): writing 5 to clear_refs resets the process's RSS high-water mark (VmHWM,
    and with it getrusage's ru_maxrss) to the current RSS, so the next reading is the peak of
    what runs in between, pytest and the test data included."""
    try:
        with open("/proc/self/clear_refs", "w") as file:
            file.write("5")
    except OSError:
        return False
    return True


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e6  # KiB on Linux


def current_rss_mb() -> float | None:
    try:
        with open("/proc/self/status") as file:
            status = file.read()
    except OSError:
        return None
    return int(re.search(r"^VmRSS:\s+(\d+) kB", status, flags=re.MULTILINE)[1]) * 1024 / 1e6


class Measured:
    """The benchmark's target: calls `function` and keeps, per call, the number of SQL queries
    and the process's CPU time. The CPU time is the honest figure on a busy machine, where the
    wall time also counts the other processes' turns; on an idle one the two agree (the
    generation runs in one thread)."""

    def __init__(self, function, *args, **kwargs):
        self.function, self.args, self.kwargs = function, args, kwargs
        self.queries, self.cpu = None, []

    def __call__(self):
        started = time.process_time()
        with CaptureQueriesContext(connection) as queries:
            result = self.function(*self.args, **self.kwargs)
        self.cpu.append(time.process_time() - started)
        self.queries = len(queries)
        return result

    def info(self) -> dict:
        return {
            "queries": self.queries,
            "cpu_min_s": round(min(self.cpu), 2),
            "cpu_median_s": round(statistics.median(self.cpu), 2),
        }


def record(benchmark, **info):
    info["python"] = f"{platform.python_version()} ({os.path.realpath(sys.executable)})"
    benchmark.extra_info.update(info)
    print("\n" + ", ".join(f"{key}={value}" for key, value in info.items()))


# --- Benchmarks ---


def test_full_partnership_report(benchmark, oslo_year, secretariat_user, tmp_path):
    """assemble + render + store for the whole partnership; then its peak memory: the process's
    RSS high-water mark during the timed rounds (asserted under 500 MB), and the Python heap's
    peak (tracemalloc, which misses WeasyPrint's C allocations in pango/cairo/harfbuzz) in one
    more, untimed generation."""
    generate = Measured(generate_version, make_report(), secretariat_user)
    rss_before = current_rss_mb()
    reset = reset_peak_rss()
    version = benchmark.pedantic(generate, rounds=3, iterations=1)
    peak = peak_rss_mb()
    info = generate.info()
    pdf = stored_pdf(version)
    assert pdf.startswith(b"%PDF")

    tracemalloc.start()
    generate()
    _, python_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    record(
        benchmark,
        pages=page_count(pdf, tmp_path),
        pdf_kib=round(len(pdf) / 1024),
        **info,
        rss_before_mb=round(rss_before, 1) if rss_before else None,
        rss_peak_mb=round(peak, 1),
        rss_peak_reset_before_rounds=reset,
        rss_growth_mb=round(peak - rss_before, 1) if rss_before else None,
        tracemalloc_peak_mb=round(python_peak / 1e6, 1),
    )
    # ru_maxrss includes pytest, Django and the test data: an upper bound on the generation's.
    assert peak < MEMORY_LIMIT_MB


def test_sector_report(benchmark, oslo_year, secretariat_user, tmp_path):
    """The first LSU's sector: the LSU, its three councils, two networks and its local plan."""
    generate = Measured(
        generate_version, make_report(sector=oslo_year.sectors[0]), secretariat_user
    )
    version = benchmark.pedantic(generate, rounds=3, iterations=1)
    pdf = stored_pdf(version)
    assert pdf.startswith(b"%PDF")
    record(
        benchmark,
        pages=page_count(pdf, tmp_path),
        pdf_kib=round(len(pdf) / 1024),
        **generate.info(),
    )


def test_full_partnership_assembly(benchmark, oslo_year):
    """The snapshot alone (the database side of the full report)."""
    measured = Measured(assemble, make_report())
    snapshot = benchmark.pedantic(measured, rounds=5, iterations=1)
    assert snapshot["totals"] == {"bodies": 28, "meetings": 200, "items": 2000}
    record(
        benchmark,
        **measured.info(),
        committees=len(snapshot["committees"]),
        follow_ups=len(snapshot["follow_ups"]),
        portfolio_changes=sum(plan["change_count"] for plan in snapshot["portfolio"]),
    )


def test_full_partnership_layout(benchmark, oslo_year, tmp_path):
    """The PDF alone from an assembled snapshot (the WeasyPrint side of the full report)."""
    snapshot = assemble(make_report())
    measured = Measured(render_report_pdf, snapshot, number=1, approvals=[], draft=True)
    pdf = benchmark.pedantic(measured, rounds=3, iterations=1)
    record(
        benchmark,
        pages=page_count(pdf, tmp_path),
        pdf_kib=round(len(pdf) / 1024),
        **measured.info(),
    )


# Each PDF speed-up left out in turn, interleaved round by round so that the machine's changing
# speed falls on all alike.
SPEEDUP_CASES = {
    "all installed": tuple(pdf_speedups.SPEEDUPS),
    **{
        f"without {name}": tuple(other for other in pdf_speedups.SPEEDUPS if other != name)
        for name in pdf_speedups.SPEEDUPS
    },
    # with a single speed-up, "without" it is already none
    **({"none": ()} if len(pdf_speedups.SPEEDUPS) > 1 else {}),
}


def render_with(snapshot, names) -> tuple[float, float, bytes]:
    pdf_speedups.uninstall()
    pdf_speedups.install(only=names)
    started, started_cpu = time.perf_counter(), time.process_time()
    pdf = render_report_pdf(snapshot, number=1, approvals=[], draft=True)
    return time.perf_counter() - started, time.process_time() - started_cpu, pdf


def interleaved_rounds(snapshot, rounds: int) -> dict[str, dict]:
    """Every case once per round, starting each round one case further on."""
    cpu = {case: [] for case in SPEEDUP_CASES}
    wall = {case: [] for case in SPEEDUP_CASES}
    size = {}
    cases = list(SPEEDUP_CASES)
    try:
        for round_number in range(rounds):
            shift = round_number % len(cases)
            for case in cases[shift:] + cases[:shift]:
                elapsed, seconds, pdf = render_with(snapshot, SPEEDUP_CASES[case])
                wall[case].append(elapsed)
                cpu[case].append(seconds)
                size[case] = len(pdf)
    finally:
        pdf_speedups.uninstall()
        pdf_speedups.install()
    return {
        case: {"cpu": cpu[case], "wall": wall[case], "pdf_kib": size[case] // 1024}
        for case in cases
    }


def test_full_partnership_layout_speedups(benchmark, oslo_year):
    """What each speed-up in helsefellesskap/pdf_speedups.py buys: the full partnership's layout
    with each one left out, CPU seconds (min and median of the rounds, SPEEDUP_ROUNDS, 3 unless
    set) and the ratio of the medians to "all installed". The benchmark's own time is that of
    all the rounds together; the table (printed with -s, and in extra_info) is the figure."""
    snapshot = assemble(make_report())
    rounds = int(os.environ.get("SPEEDUP_ROUNDS", "3"))
    results = benchmark.pedantic(
        interleaved_rounds, args=(snapshot, rounds), rounds=1, iterations=1
    )
    base = statistics.median(results["all installed"]["cpu"])
    print()
    for case, result in results.items():
        cpu = result["cpu"]
        ratio = statistics.median(cpu) / base
        benchmark.extra_info[case] = {
            "cpu_min_s": round(min(cpu), 2),
            "cpu_median_s": round(statistics.median(cpu), 2),
            "ratio": round(ratio, 3),
        }
        print(
            f"{case:32} cpu min {min(cpu):6.2f} s  median {statistics.median(cpu):6.2f} s"
            f"  ratio {ratio:5.3f}  (wall median {statistics.median(result['wall']):6.2f} s)"
            f"  pdf {result['pdf_kib']} KiB"
        )
