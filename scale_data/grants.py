"""The grant scheme of each partnership with a round a year: an allocation per sector and about
40 applications, taken through the real workflow (grants/workflow.py: the LSU's prioritisation,
the decisions, moves to next year's round) by the synthetic secretariat, then dated on the days
those steps would have been taken."""

import datetime
from decimal import Decimal

from django.db.models import Q

from grants import workflow
from grants.models import Allocation, Application, BudgetLine, Round, Scheme
from helsefellesskap.records import guards_lifted

from .common import APPLICATIONS_PER_YEAR, Sizes, moment, synthetic
from .portfolio import THINGS, YearPlan
from .register import Partnership


def build_grants(sizes: Sizes, partnership: Partnership, plans: list[YearPlan], user) -> None:
    rng = sizes.rng("grants", partnership.number)
    scheme = Scheme.objects.create(
        name=synthetic(f"Rekrutterings- og samhandlingstilskudd – {partnership.place}"),
        description="Syntetisk tilskuddsordning.",
    )
    rounds = {}
    for year_plan in plans:
        year = year_plan.year
        rounds[year] = Round.objects.create(
            scheme=scheme,
            year=year,
            deadline=moment(datetime.date(year, 3, 15), 12),
            total_amount=Decimal("20000000"),
            description=f"Tilskuddsrunden for {year}.",
        )
        rounds[year].invited_areas.set(year_plan.plan.areas.all()[:3])
        Allocation.objects.bulk_create(
            Allocation(
                round=rounds[year],
                sector=sector,
                amount=Decimal("4000000"),
                decided_by=f"Styret i Helse {partnership.place} RHF",
            )
            for sector in partnership.sectors
        )
    for year_plan in plans:
        _round(sizes, rng, partnership, rounds[year_plan.year], year_plan, user)


def _round(sizes, rng, partnership: Partnership, round: Round, year_plan: YearPlan, user):
    created = _applications(sizes, rng, partnership, round, year_plan)
    # The LSUs prioritise a month after the deadline, the decisions come a month later.
    prioritised = round.deadline + datetime.timedelta(days=30)
    decided = round.deadline + datetime.timedelta(days=60)
    if prioritised.date() >= sizes.until:
        return
    _prioritise(rng, partnership, round, created, user)
    _redate(round, since_states=("Prioritert", "Ikke prioritert"), when=prioritised)
    if decided.date() >= sizes.until:
        return
    _decide(rng, round, user)
    with guards_lifted():  # backdating synthetic decisions
        Application.objects.filter(round=round, decided_at__isnull=False).update(decided_at=decided)
    _redate(round, since_states=None, when=decided)


def _applications(sizes, rng, partnership: Partnership, round: Round, year_plan: YearPlan):
    """The round's applications per sector (the first a draft when a sector has several), with
    their partners and budget lines."""
    per_sector = max(1, sizes.n(APPLICATIONS_PER_YEAR) // 4)
    areas = list(year_plan.plan.areas.all())
    deadline = round.deadline
    created = []
    for s, sector in enumerate(partnership.sectors):
        for i in range(per_sector):
            draft = i == 0 and per_sector > 1
            asked = Decimal(rng.randrange(20, 90) * 10_000)
            application = Application(
                round=round,
                sector=sector,
                state=Application.State.DRAFT if draft else Application.State.SUBMITTED,
                title=synthetic(f"{rng.choice(THINGS).capitalize()} i sektor {s + 1} ({i + 1})"),
                summary=f"Prosjektet skal styrke {rng.choice(THINGS)} mellom bydelen og sykehuset.",
                focus_area=rng.choice(areas),
                applicant_organisation=rng.choice(partnership.districts),
                contact_name=synthetic("Kontaktperson"),
                contact_email=f"kontakt.{partnership.number}.{s}.{i}@syntetisk.example",
                period_start=datetime.date(round.year, 6, 1),
                period_end=datetime.date(round.year + 1, 5, 31),
                amount_asked=asked,
                created_by=partnership.applicants[s],
                submitted_at=None if draft else deadline - datetime.timedelta(days=1 + i % 20),
            )
            application._history_date = deadline - datetime.timedelta(days=40)
            application._history_user = partnership.applicants[s]
            application.save()
            created.append(application)
    _partners_and_budgets(round, created)
    return created


def _partners_and_budgets(round: Round, created: list[Application]) -> None:
    """The district and the sector's hospital as partners, the amount asked in two lines."""
    Partners = Application.partners.through  # noqa: N806
    Partners.objects.bulk_create(
        Partners(application_id=a.pk, organisation_id=org_id)
        for a in created
        for org_id in (a.applicant_organisation_id, a.sector.hospital_id)
    )
    BudgetLine.objects.bulk_create(
        BudgetLine(application=a, year=round.year, description=post, amount=a.amount_asked / 2)
        for a in created
        for post in ("Lønn prosjektleder", "Opplæring og hospitering")
    )


def _prioritise(rng, partnership: Partnership, round: Round, created, user) -> None:
    """Each LSU ranks its sector's submitted applications and sends about 70 % forward."""
    for sector in partnership.sectors:
        submitted = [a for a in created if a.sector_id == sector.pk and a.state == "sendt"]
        if not submitted:
            continue
        rng.shuffle(submitted)
        forward = max(1, round_half(len(submitted) * 0.7))
        comment = "LSU har prioritert søknadene i møte."
        workflow.prioritise_applications(
            round,
            sector,
            [
                workflow.Priority(a.pk, rank + 1, rank < forward, comment)
                for rank, a in enumerate(submitted)
            ],
            item=None,
            user=user,
        )


def _decide(rng, round: Round, user) -> None:
    """Each forwarded application moved to next year's round, rejected or granted (as far as
    the sector's allocation goes)."""
    has_next = Round.objects.filter(scheme=round.scheme, year=round.year + 1).exists()
    for application in Application.objects.filter(round=round, state="videresendt").order_by("pk"):
        draw = rng.random()
        if draw < 0.15 and has_next:
            workflow.move_to_next_round(application, note="Flyttes til neste års runde.", user=user)
        elif draw < 0.4:
            workflow.reject_application(application, note="Ikke innenfor rammen.", user=user)
        else:
            allocation = round.allocations.get(sector=application.sector)
            amount = min(application.amount_asked, allocation.remaining())
            if amount > 0:
                workflow.grant_application(application, amount=amount, note="Innvilget.", user=user)
            else:
                workflow.reject_application(application, note="Rammen er brukt opp.", user=user)


def round_half(value: float) -> int:
    return int(value + 0.5)


def _redate(round: Round, *, since_states, when: datetime.datetime) -> None:
    """The workflow stamped its history records with today's date: put them on the day the
    step belongs to (records dated after `when` are the ones just written)."""
    records = Application.history.filter(history_date__gt=when)
    if since_states:
        match = Q()
        for reason in since_states:
            match |= Q(history_change_reason__startswith=reason)
        records = records.filter(match, round_id=round.pk)
    else:
        records = records.filter(round_id__in=[round.pk, *_next_round_ids(round)])
    records.update(history_date=when)


def _next_round_ids(round: Round) -> list[int]:
    return list(
        Round.objects.filter(scheme=round.scheme, year=round.year + 1).values_list("pk", flat=True)
    )
