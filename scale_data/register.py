"""The register of one synthetic partnership: organisations, four sectors, 25 bodies, people
and their memberships over the years (a fifth of them passing to someone new each year).

Loaded data has no history in the portal either, so these rows are bulk-created without it.
"""

import datetime
from dataclasses import dataclass, field

from django.contrib.auth.models import Group, User

from helsefellesskap.models import (
    Body,
    CompositionRequirement,
    Membership,
    Organisation,
    Person,
    Sector,
    SectorAssignment,
)
from helsefellesskap.permissions import SECRETARIAT_GROUP

from .common import (
    EMAIL_DOMAIN,
    MEMBERSHIPS_PER_PARTNERSHIP,
    PEOPLE_PER_PARTNERSHIP,
    TURNOVER,
    USERNAME_PREFIX,
    Sizes,
    synthetic,
)

PLACES = [
    "Nordvik", "Sørlia", "Austhavn", "Vestby", "Fjellstad", "Elvebakken", "Strandvik",
    "Skogheim", "Bergvik", "Dalsbygd", "Holmestrand", "Lindås", "Furuvik", "Sjøholt",
    "Vikane", "Moavik", "Rosendal", "Åsheim", "Øyfjord", "Kvitberg",
]  # fmt: skip
FIRST_NAMES = [
    "Anne", "Kari", "Ingrid", "Marit", "Liv", "Hilde", "Silje", "Nina", "Tone", "Randi",
    "Eli", "Berit", "Heidi", "Camilla", "Ragnhild", "Solveig", "Astrid", "Guro", "Mette",
    "Sigrid", "Ole", "Lars", "Per", "Jan", "Knut", "Bjørn", "Arne", "Hans", "Tor", "Geir",
    "Erik", "Morten", "Espen", "Øyvind", "Håkon", "Sindre", "Trond", "Rune", "Anders", "Jon",
]  # fmt: skip
LAST_NAMES = [
    "Hansen", "Johansen", "Olsen", "Larsen", "Andersen", "Pedersen", "Nilsen", "Kristiansen",
    "Jensen", "Karlsen", "Johnsen", "Pettersen", "Eriksen", "Berg", "Haugen", "Hagen",
    "Johannessen", "Andreassen", "Jacobsen", "Dahl", "Jørgensen", "Halvorsen", "Henriksen",
    "Lund", "Sørensen", "Strand", "Moen", "Gundersen", "Solberg", "Bakken", "Kristoffersen",
    "Martinsen", "Lie", "Rasmussen", "Amundsen", "Nordli", "Tjønn", "Myhre", "Vik", "Aas",
]  # fmt: skip
TITLES = [
    "Bydelsdirektør", "Avdelingssjef", "Klinikkleder", "Seksjonsleder", "Fastlege",
    "Brukerrepresentant", "Hovedtillitsvalgt", "Rådgiver", "Spesialrådgiver", "Overlege",
    "Kommuneoverlege", "Enhetsleder", "Fagsjef", "Prosjektleder", "Direktør",
]  # fmt: skip

# (key, name, kind, parent key, sector number or None, has composition requirements, member
#  weight, meetings a year). 25 bodies, about 1 000 members and 200 meetings a year at full size.
K = Body.Kind
BODIES = [
    ("pm", "Partnerskapsmøtet", K.PARTNERSHIP_MEETING, None, None, False, 30, 2),
    ("ssu", "Strategisk samarbeidsutvalg", K.STRATEGIC_COMMITTEE, "pm", None, False, 22, 8),
    ("au", "Arbeidsutvalget", K.WORKING_COMMITTEE, "ssu", None, False, 10, 20),
    *[
        (f"lsu{s}", f"LSU sektor {s}", K.LOCAL_COMMITTEE, "ssu", s, True, 22, 8)
        for s in range(1, 5)
    ],
    *[
        (f"fr{i}", f"Fagråd for {topic}", K.COUNCIL, "ssu", None, True, 24, 8)
        for i, topic in enumerate(["somatikk", "psykisk helse og rus", "barn og unge"], 1)
    ],
    *[
        (f"sf{s}{t}", f"Samarbeidsforum for {topic}, sektor {s}", K.COUNCIL, f"lsu{s}", s,
         True, 20, 8)
        for s in range(1, 5)
        for t, topic in enumerate(["somatikk", "psykisk helse"], 1)
    ],
    *[
        (f"nv{i}", f"Nettverk for {topic}", K.NETWORK, "ssu", None, False, 40, 6)
        for i, topic in enumerate(
            ["legemiddelsamstemming", "rehabilitering", "akuttpsykiatri", "eldre", "FACT"], 1
        )
    ],
    ("adhoc", "Ad hoc-gruppe for utskrivningsklare pasienter", K.AD_HOC, "au", None, True, 12, 10),
    ("bruker", "Brukerrådet", K.OTHER, "ssu", None, False, 16, 10),
]  # fmt: skip


@dataclass
class Slot:
    """A seat in a body, held by one person after another."""

    body: Body
    role: str
    representative_kind: str
    seat: CompositionRequirement | None = None
    holders: list[Membership] = field(default_factory=list)


@dataclass
class Partnership:
    number: int
    place: str
    sectors: list[Sector]
    hospitals: list[Organisation]
    districts: list[Organisation]
    organisations: list[Organisation]
    bodies: dict[str, Body]
    body_meetings_per_year: dict[int, int]
    slots: list[Slot]
    applicants: list[User]

    @property
    def name(self) -> str:
        return f"Helsefellesskap {self.place}"

    def memberships_active_on(self, body: Body, day: datetime.date) -> list[Membership]:
        return [
            m
            for slot in self.slots
            if slot.body.pk == body.pk
            for m in slot.holders
            if m.is_active_on(day)
        ]


def secretariat_user() -> User:
    """The synthetic secretariat: the acting user of the plan's edits and the grant workflow."""
    user, created = User.objects.get_or_create(
        username=f"{USERNAME_PREFIX}sekretariat",
        defaults={"first_name": "Sekretariat", "last_name": "(syntetisk)", "is_staff": True},
    )
    if created:
        user.set_unusable_password()
        user.save()
        user.groups.add(Group.objects.get(name=SECRETARIAT_GROUP))
    return user


def place_name(number: int) -> str:
    place = PLACES[number % len(PLACES)]
    return place if number < len(PLACES) else f"{place} {number // len(PLACES) + 1}"


def build_partnership(sizes: Sizes, number: int) -> Partnership:
    rng = sizes.rng("register", number)
    place = place_name(number)
    first = datetime.date(sizes.first_year, 1, 1)
    hospitals, districts, organisations = _organisations(place)
    sectors = _sectors(number, place, hospitals, districts, first)
    bodies, meetings, seats = _bodies(sizes, place, sectors, first)

    # One random stream through these three, in this order: the same seed, the same people.
    people_rows = _people(sizes, rng, number, organisations)
    slots = _slots(sizes, rng, bodies, seats)
    _memberships(sizes, rng, number, organisations, slots, people_rows)
    applicants = _applicants(number, place)

    return Partnership(
        number=number,
        place=place,
        sectors=sectors,
        hospitals=hospitals,
        districts=districts,
        organisations=organisations,
        bodies=bodies,
        body_meetings_per_year=meetings,
        slots=slots,
        applicants=applicants,
    )


def _organisations(place: str):
    """The municipality and regional health authority, then four hospitals, 15 districts and
    the agencies and representative organisations; returns (hospitals, districts, all)."""
    O = Organisation.Kind  # noqa: E741, N806
    municipality = Organisation.objects.create(
        name=synthetic(f"{place} kommune"), kind=O.MUNICIPALITY, ownership="offentlig"
    )
    rhf = Organisation.objects.create(
        name=synthetic(f"Helse {place} RHF"),
        kind=O.REGIONAL_HEALTH_AUTHORITY,
        ownership="offentlig",
    )
    rows = [
        Organisation(
            name=synthetic(f"{place} sykehus {s}"),
            short_name=f"{place[:3].upper()}{s}",
            kind=O.HOSPITAL,
            ownership="offentlig" if s < 3 else "ideell",
            parent=rhf,
        )
        for s in range(1, 5)
    ]
    rows += [
        Organisation(
            name=synthetic(f"Bydel {place} {d}"), kind=O.DISTRICT, ownership="offentlig",
            parent=municipality,
        )
        for d in range(1, 16)
    ]  # fmt: skip
    rows += [
        Organisation(name=synthetic(f"{place} {name}"), kind=kind, ownership=ownership)
        for name, kind, ownership in [
            ("helseetat", O.AGENCY, "offentlig"),
            ("sykehjemsetat", O.AGENCY, "offentlig"),
            ("byrådsavdeling for helse", O.CITY_DEPARTMENT, "offentlig"),
            ("legeforening", O.REPRESENTATIVE, "ideell"),
            ("brukerorganisasjon", O.REPRESENTATIVE, "ideell"),
            ("fagforening", O.REPRESENTATIVE, "ideell"),
        ]
    ]
    rows = Organisation.objects.bulk_create(rows)
    return rows[:4], rows[4:19], [municipality, rhf, *rows]


def _sectors(number, place, hospitals, districts, first: datetime.date) -> list[Sector]:
    """A sector per hospital, the districts shared out among them in turn."""
    sectors = Sector.objects.bulk_create(
        Sector(
            name=synthetic(f"{place} sektor {s}"),
            short_name=f"SYN{number:03d}-{s}",
            hospital=hospital,
        )
        for s, hospital in enumerate(hospitals, 1)
    )
    SectorAssignment.objects.bulk_create(
        SectorAssignment(organisation=district, sector=sectors[d % 4], valid_from=first)
        for d, district in enumerate(districts)
    )
    return sectors


def _bodies(sizes: Sizes, place, sectors, first: datetime.date):
    """The bodies by key, and the meetings a year of each by body id."""
    bodies: dict[str, Body] = {}
    meetings: dict[int, int] = {}
    requirements: list[Body] = []
    # Saved one by one, parents first (BODIES is in that order): a child needs its parent's id.
    for position, (key, name, kind, parent, sector, reps, _, per_year) in enumerate(BODIES, 1):
        body = Body(
            name=synthetic(f"{name} – {place}"),
            short_name=key.upper(),
            kind=kind,
            parent=bodies.get(parent),
            sector=sectors[sector - 1] if sector else None,
            mandate=f"Mandat for {name.lower()} i {place}.",
            established=first,
            position=position,
        )
        body.save()
        bodies[key] = body
        meetings[body.pk] = sizes.n(per_year)
        if reps:
            requirements.append(body)
    seats = _requirements(requirements, first)
    return bodies, meetings, seats


# What a body with composition requirements must have: the three kinds of representative of
# the OUS sector's fora, and a named seat for the leader (so the data has seats to fill).
REQUIRED_KINDS = [
    Membership.RepresentativeKind.GP,
    Membership.RepresentativeKind.USER,
    Membership.RepresentativeKind.UNION,
]
LEADER_SEAT = "Leder fra sektorsykehuset"


def _requirements(bodies: list[Body], first: datetime.date) -> dict[int, CompositionRequirement]:
    """The requirements of the bodies that have them, from the first day; the leader's seat
    by body id."""
    rows = CompositionRequirement.objects.bulk_create(
        CompositionRequirement(body=body, valid_from=first, source="Syntetiske data", **demand)
        for body in bodies
        for demand in [
            *({"representative_kind": kind} for kind in REQUIRED_KINDS),
            {"seat": LEADER_SEAT},
        ]
    )
    return {row.body_id: row for row in rows if row.seat}


def _applicants(number: int, place: str) -> list[User]:
    """Four users who apply for grants, one per sector."""
    applicants = []
    for s in range(1, 5):
        user = User(
            username=f"{USERNAME_PREFIX}{number:03d}-soker-{s}",
            first_name="Søker",
            last_name=synthetic(f"{place} {s}"),
        )
        user.set_unusable_password()
        applicants.append(user)
    return User.objects.bulk_create(applicants)


class _PeopleSource:
    """New people on demand, with distinct names (within the partnership) and addresses."""

    def __init__(self, sizes, rng, number, organisations):
        self.rng, self.number, self.organisations = rng, number, organisations
        names = [f"{f} {last}" for f in FIRST_NAMES for last in LAST_NAMES]
        rng.shuffle(names)
        self.names = names
        self.count = 0
        self.created: list[Person] = []

    def take(self, n: int) -> list[Person]:
        people = []
        for _ in range(n):
            i = self.count
            self.count += 1
            base = self.names[i % len(self.names)]
            name = base if i < len(self.names) else f"{base} {i // len(self.names) + 1}"
            people.append(
                Person(
                    name=synthetic(name),
                    title=self.rng.choice(TITLES),
                    organisation=self.rng.choice(self.organisations),
                    email=f"p{self.number:03d}.{i:05d}@{EMAIL_DOMAIN}",
                )
            )
        people = Person.objects.bulk_create(people)
        self.created += people
        return people


def _people(sizes, rng, number, organisations):
    return _PeopleSource(sizes, rng, number, organisations)


def _slots(sizes: Sizes, rng, bodies: dict[str, Body], seats) -> list[Slot]:
    weights = {key: weight for key, *_rest, weight, _per_year in BODIES}
    total_weight = sum(weights.values())
    slots = []
    R = Membership.Role  # noqa: N806
    for key, body in bodies.items():
        size = sizes.n(round(MEMBERSHIPS_PER_PARTNERSHIP * weights[key] / total_weight), 2)
        for i in range(size):
            role = R.MEMBER
            if i == 0:
                role = R.LEADER
            elif i == 1 and size >= 4:
                role = R.DEPUTY_LEADER
            elif i == size - 1 and size >= 4:
                role = R.SECRETARY
            elif rng.random() < 0.1:
                role = R.OBSERVER
            kind = ""
            if body.pk in seats and 2 <= i <= 4 and i < size - 1:
                kind = REQUIRED_KINDS[i - 2]
            seat = seats.get(body.pk) if i == 0 else None
            slots.append(Slot(body=body, role=role, representative_kind=kind, seat=seat))
    return slots


def _memberships(sizes, rng, number, organisations, slots: list[Slot], people: _PeopleSource):
    """The first year's holders, then a fifth of the seats passing on at each new year."""
    first = datetime.date(sizes.first_year, 1, 1)
    pool = people.take(sizes.n(PEOPLE_PER_PARTNERSHIP, 2))
    order = list(range(len(pool)))
    rng.shuffle(order)
    # Some seats changed hands the year before: even one year of data has former members.
    before = rng.sample(range(len(slots)), round(len(slots) * TURNOVER))
    predecessors = people.take(len(before))
    for person, index in zip(predecessors, sorted(before), strict=True):
        slot = slots[index]
        slot.holders.append(_membership(slot, person, first.replace(year=first.year - 1)))
        slot.holders[-1].end = first - datetime.timedelta(days=1)
    for i, slot in enumerate(slots):
        slot.holders.append(_membership(slot, pool[order[i % len(pool)]], first))

    for year in list(sizes.year_range)[1:]:
        start = datetime.date(year, 1, 1)
        passing = rng.sample(range(len(slots)), round(len(slots) * TURNOVER))
        newcomers = people.take((len(passing) + 1) // 2)
        for j, index in enumerate(passing):
            slot = slots[index]
            slot.holders[-1].end = start - datetime.timedelta(days=1)
            person = newcomers[j // 2]
            if any(h.person is person for s in slots if s.body is slot.body for h in s.holders):
                person = people.take(1)[0]
            slot.holders.append(_membership(slot, person, start))

    memberships = [m for slot in slots for m in slot.holders]
    Membership.objects.bulk_create(memberships)


def _membership(slot: Slot, person: Person, start: datetime.date) -> Membership:
    return Membership(
        person=person,
        body=slot.body,
        role=slot.role,
        organisation=person.organisation,
        representative_kind=slot.representative_kind,
        seat=slot.seat,
        position=f"{person.title}, {person.organisation.short_name or person.organisation.name}",
        start=start,
        source="Syntetiske data",
    )
