"""A round in numbers: per sector and per focus area, what was asked, what the LSUs prioritised,
what was granted, and what is left of each sector's allocation.

    overview = round_overview(round, request.user)

Three queries whatever the number of applications: the allocations, the invited focus areas, and
one aggregate over the applications grouped by sector and focus area. Everything else is added
up in Python from those rows.

- asked: applications submitted and later (every state but a draft);
- prioritised: forwarded by the LSU, decided or not (Application.FORWARDED_STATES);
- granted: the amounts granted;
- remaining: the sector's allocation less what was granted.

The totals are not secret: everyone logged in may see them (the applications themselves stay
filtered by `Application.objects.visible_to`).
"""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, Q, Sum

from helsefellesskap.formatting import nok

from .models import Allocation, Application, DecisionMeeting, Outcome, Round

ZERO = Decimal("0")


@dataclass
class Figures:
    """Amounts and counts for one sector, one focus area, one cell of both, or the whole round."""

    asked: Decimal = ZERO
    asked_count: int = 0
    prioritised: Decimal = ZERO
    prioritised_count: int = 0
    granted: Decimal = ZERO
    granted_count: int = 0

    def add(self, other: "Figures") -> None:
        self.asked += other.asked
        self.asked_count += other.asked_count
        self.prioritised += other.prioritised
        self.prioritised_count += other.prioritised_count
        self.granted += other.granted
        self.granted_count += other.granted_count


@dataclass
class AreaColumn:
    pk: int
    name: str
    position: int


@dataclass
class SectorRow:
    pk: int
    name: str
    allocation: Decimal | None
    figures: Figures = field(default_factory=Figures)
    by_area: dict[int, Figures] = field(default_factory=dict)  # focus area id → figures

    @property
    def remaining(self) -> Decimal | None:
        return None if self.allocation is None else self.allocation - self.figures.granted

    @property
    def prioritised_over_allocation(self) -> bool:
        return self.allocation is not None and self.figures.prioritised > self.allocation


@dataclass
class AreaRow:
    area: AreaColumn
    figures: Figures


@dataclass
class RoundOverview:
    round: Round
    sectors: list[SectorRow]
    areas: list[AreaRow]
    total: Figures
    allocation_total: Decimal

    @property
    def remaining_total(self) -> Decimal:
        return self.allocation_total - self.total.granted

    @property
    def area_columns(self) -> list[AreaColumn]:
        return [row.area for row in self.areas]

    @property
    def matrix(self) -> list[tuple[AreaRow, list[Figures]]]:
        """Focus areas × sectors: per area, the figures of each sector in `sectors` order."""
        return [
            (row, [sector.by_area.get(row.area.pk, Figures()) for sector in self.sectors])
            for row in self.areas
        ]

    def sector(self, sector_id: int) -> SectorRow | None:
        return next((row for row in self.sectors if row.pk == sector_id), None)


def by_sector(applications, overview: RoundOverview) -> list[tuple[SectorRow, list]]:
    """(overview's sector row, its applications) in the overview's order of sectors."""
    grouped: dict[int, list] = {}
    for application in applications:
        grouped.setdefault(application.sector_id, []).append(application)
    return [(row, grouped[row.pk]) for row in overview.sectors if row.pk in grouped]


def round_overview(round: Round, user) -> RoundOverview:
    if not user.has_perm("grants.view_round", round):
        raise PermissionDenied
    return round_figures(round)


def _application_rows(round: Round):
    """One aggregate row per sector and focus area of the round's applications (not drafts)."""
    forwarded = Q(state__in=Application.FORWARDED_STATES)
    granted = Q(state=Application.State.GRANTED)
    return (
        Application.objects.filter(round=round)
        .exclude(state=Application.State.DRAFT)
        .order_by()
        .values(
            "sector_id",
            "sector__name",
            "focus_area_id",
            "focus_area__name",
            "focus_area__position",
        )
        .annotate(
            asked=Sum("amount_asked"),
            asked_count=Count("pk"),
            prioritised=Sum("amount_asked", filter=forwarded),
            prioritised_count=Count("pk", filter=forwarded),
            granted=Sum("amount_granted", filter=granted),
            granted_count=Count("pk", filter=granted),
        )
    )


def round_figures(round: Round) -> RoundOverview:
    """The round's figures without a user: for documents made headless (the annual report)."""
    sectors: dict[int, SectorRow] = {
        a["sector_id"]: SectorRow(a["sector_id"], a["sector__name"], a["amount"])
        for a in round.allocations.order_by().values("sector_id", "sector__name", "amount")
    }
    areas: dict[int, AreaColumn] = {
        a["pk"]: AreaColumn(a["pk"], a["name"], a["position"])
        for a in round.invited_areas.order_by().values("pk", "name", "position")
    }
    cells: list[tuple[int, int, Figures]] = []
    for row in _application_rows(round):
        sectors.setdefault(row["sector_id"], SectorRow(row["sector_id"], row["sector__name"], None))
        areas.setdefault(
            row["focus_area_id"],
            AreaColumn(row["focus_area_id"], row["focus_area__name"], row["focus_area__position"]),
        )
        figures = Figures(
            asked=row["asked"] or ZERO,
            asked_count=row["asked_count"],
            prioritised=row["prioritised"] or ZERO,
            prioritised_count=row["prioritised_count"],
            granted=row["granted"] or ZERO,
            granted_count=row["granted_count"],
        )
        cells.append((row["sector_id"], row["focus_area_id"], figures))

    area_columns = sorted(areas.values(), key=lambda a: (a.position, a.name, a.pk))
    area_rows = {area.pk: AreaRow(area, Figures()) for area in area_columns}
    total = Figures()
    for sector_id, area_id, figures in cells:
        sector = sectors[sector_id]
        sector.figures.add(figures)
        sector.by_area.setdefault(area_id, Figures()).add(figures)
        area_rows[area_id].figures.add(figures)
        total.add(figures)
    sector_rows = sorted(sectors.values(), key=lambda s: (s.name, s.pk))
    return RoundOverview(
        round=round,
        sectors=sector_rows,
        areas=list(area_rows.values()),
        total=total,
        allocation_total=sum((s.allocation or ZERO for s in sector_rows), ZERO),
    )


@dataclass
class SectorPrioritisation:
    """An LSU's prioritisation in numbers: the sector's allocation, the applications the LSU has
    handled, what it has sent to SSU already and what is ticked now, against the allocation."""

    allocation: Allocation | None
    handled: list[Application]
    forwarded_count: int
    forwarded_total: Decimal
    ticked_count: int
    ticked_total: Decimal

    @property
    def prioritised_total(self) -> Decimal:
        return self.forwarded_total + self.ticked_total

    @property
    def left_after(self) -> Decimal | None:
        if self.allocation is None:
            return None
        return self.allocation.amount - self.prioritised_total

    @property
    def over_by(self) -> Decimal | None:
        left_after = self.left_after
        return -left_after if left_after is not None and left_after < 0 else None


def sector_prioritisation(round: Round, sector, ticked: list[Application]) -> SectorPrioritisation:
    """The figures of the LSU's prioritisation page, with `ticked` the applications the user
    has ticked for SSU (not saved yet)."""
    handled = list(
        Application.objects.filter(
            round=round,
            sector=sector,
            state__in=[Application.State.NOT_PRIORITISED, *Application.FORWARDED_STATES],
        )
        .with_related()
        .select_related("lsu_item__meeting")
        .order_by(F("lsu_rank").asc(nulls_last=True), "title", "pk")
    )
    forwarded = [a for a in handled if a.state in Application.FORWARDED_STATES]
    return SectorPrioritisation(
        allocation=round.allocations.filter(sector=sector).first(),
        handled=handled,
        forwarded_count=len(forwarded),
        forwarded_total=sum((a.amount_asked for a in forwarded), ZERO),
        ticked_count=len(ticked),
        ticked_total=sum((a.amount_asked for a in ticked), ZERO),
    )


@dataclass
class DraftedSector:
    """A sector on the decisions page: its allocation, what is granted, and the grants drafted
    for the decision meeting (not adopted yet), against the allocation."""

    row: SectorRow
    drafted: Decimal = ZERO
    drafted_count: int = 0
    undecided_count: int = 0

    @property
    def left_after(self) -> Decimal | None:
        if self.row.allocation is None:
            return None
        return self.row.allocation - self.row.figures.granted - self.drafted

    @property
    def over_by(self) -> Decimal | None:
        left = self.left_after
        return -left if left is not None and left < 0 else None


@dataclass
class DecisionTotals:
    sectors: list[DraftedSector]
    draft_count: int

    def sector(self, sector_id: int) -> DraftedSector | None:
        return next((s for s in self.sectors if s.row.pk == sector_id), None)

    @property
    def any_over(self) -> bool:
        return any(s.over_by for s in self.sectors)


def decision_totals(overview: RoundOverview) -> DecisionTotals:
    """The round's drafted decisions summed per sector against the allocations, computed on the
    server each time a draft is saved: one query beside the overview's."""
    rows = (
        Application.objects.filter(round=overview.round, state__in=Application.TO_DECIDE_STATES)
        .order_by()
        .values("sector_id")
        .annotate(
            undecided=Count("pk"),
            drafts=Count("draft_decision"),
            drafted=Sum("draft_decision__amount", filter=Q(draft_decision__outcome=Outcome.GRANT)),
            drafted_count=Count("pk", filter=Q(draft_decision__outcome=Outcome.GRANT)),
        )
    )
    by_sector = {row["sector_id"]: row for row in rows}
    sectors, draft_count = [], 0
    for sector in overview.sectors:
        row = by_sector.get(sector.pk, {})
        draft_count += row.get("drafts", 0)
        sectors.append(
            DraftedSector(
                sector,
                drafted=row.get("drafted") or ZERO,
                drafted_count=row.get("drafted_count", 0),
                undecided_count=row.get("undecided", 0),
            )
        )
    return DecisionTotals(sectors=sectors, draft_count=draft_count)


# --- The application's path: each step, who took it and when (from its history) ---


@dataclass
class PathStep:
    """One step on the application's way: what happened ("Anbefalt av SSU"), who and when,
    and what the step said (rank, comment, amount, reason)."""

    title: str
    facts: list[tuple[str, str]] = field(default_factory=list)
    who: str = ""
    when: datetime | None = None


def application_path(application: Application) -> list[PathStep]:
    """Received, the LSU's rank and comment (and any reopening), SSU's recommendation and
    amount, the decision and its corrections: read from the application's history in two
    queries however many steps it took."""
    records = list(
        application.history.select_related("history_user").order_by("history_date", "pk")
    )
    meetings = {
        m.pk: m
        for m in DecisionMeeting.objects.filter(
            pk__in={r.decision_meeting_id for r in records if r.decision_meeting_id}
        )
    }
    steps, previous = [], None
    for record in records:
        step = _path_step(record, previous, meetings)
        if step is not None:
            user = record.history_user
            step.who = (user.get_full_name() or user.get_username()) if user else "Systemet"
            step.when = step.when or record.history_date
            steps.append(step)
        previous = record
    return steps


State = Application.State
_LSU_STATES = (State.FORWARDED, State.NOT_PRIORITISED)
_REOPENED = "LSUs prioritering åpnet igjen: "
_CORRECTED = "Vedtaket rettet: "


def _path_step(record, previous, meetings) -> PathStep | None:
    before = previous.state if previous is not None else None
    reason = record.history_change_reason or ""
    if record.state == State.SUBMITTED and before in (None, State.DRAFT):
        # Received when it was sent in: an application loaded as data (the demo round) has
        # its first history record dated by the load, not by its submission.
        return PathStep("Mottatt", when=record.submitted_at)
    if record.state == State.SUBMITTED and before in _LSU_STATES:
        return PathStep(
            "LSUs prioritering åpnet igjen", [("Begrunnelse", _after(reason, _REOPENED))]
        )
    if record.state in _LSU_STATES and before != record.state:
        facts = [("Rangering i LSU", str(record.lsu_rank or "–"))]
        facts += [("LSUs kommentar", record.lsu_comment)] if record.lsu_comment else []
        return PathStep(record.get_state_display(), facts)
    if record.state == State.RECOMMENDED and reason == "Anbefalt av SSU":
        facts = (
            [("Anbefalt beløp", nok(record.ssu_amount))] if record.ssu_amount is not None else []
        )
        facts += (
            [("SSUs kommentar", record.ssu_recommendation)] if record.ssu_recommendation else []
        )
        return PathStep("Anbefalt av SSU", facts)
    if record.state in Application.DECIDED_STATES and (
        before != record.state or reason.startswith(_CORRECTED)
    ):
        return _decision_step(record, before, reason, meetings)
    return None


def _decision_step(record, before, reason, meetings) -> PathStep:
    corrected = before == record.state
    facts = []
    if corrected:
        facts.append(("Begrunnelse for rettingen", _after(reason, _CORRECTED)))
    meeting = meetings.get(record.decision_meeting_id)
    if meeting is not None and not corrected:
        facts.append(
            ("Vedtaksmøte", f"{meeting.held_on:%d.%m.%Y}: " + ", ".join(meeting.participant_list()))
        )
    if record.state == State.GRANTED:
        facts.append(("Innvilget beløp", nok(record.amount_granted)))
    if record.decision_note:
        facts.append(("Begrunnelse", record.decision_note))
    title = "Vedtaket rettet" if corrected else f"Vedtak: {record.get_state_display()}"
    return PathStep(title, facts)


def _after(reason: str, prefix: str) -> str:
    return reason.removeprefix(prefix)
