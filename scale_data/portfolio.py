"""One portfolio plan per partnership and year, started from last year's plan (as `copy_plan`
does: the same rows, columns year-2, year-1 and "Fokus for year", the shared years' texts),
then edited through the year.

The history is the point here ("the plan as of a date", "changes"), so every row gets its
history records, dated on the day of the change: the records save_cell would write (text,
status, a version one higher, the secretariat as user, a reason), bulk-created with their
dates instead of one save_cell per edit at today's date.
"""

import datetime
from dataclasses import dataclass

from portfolio.models import Cell, Column, FocusArea, Measure, MeasureGroup, Plan, Status

from .common import MEASURES_PER_AREA, PLAN_AREAS, Sizes, moment, synthetic
from .register import Partnership

AREAS = [
    "Digital samhandling", "Psykisk helse og rus", "Barn og unge", "Eldre og skrøpelige",
    "Legemiddelhåndtering", "Rehabilitering", "Akuttkjeden", "Kompetanse og rekruttering",
    "Forebygging og folkehelse", "Utskrivning og overganger",
]  # fmt: skip
VERBS = ["Utvikle", "Innføre", "Evaluere", "Styrke", "Kartlegge", "Etablere", "Samordne"]
THINGS = [
    "felles pasientforløp", "digitale verktøy", "hospiteringsordning", "felles opplæring",
    "ambulante team", "legemiddelsamstemming", "avtaler om utskrivning", "kunnskapsgrunnlag",
    "brukermedvirkning", "samarbeid med fastlegene", "felles kompetansesenter",
]  # fmt: skip
CELL_TEXTS = [
    "Forberede innføring", "Starte innføring", "Pilot i to bydeler", "Evaluere piloten",
    "Spre til alle bydeler", "I drift", "Utrede behov", "Prosjektplan vedtatt",
    "Arbeidsgruppe nedsatt", "Rapport levert", "Under arbeid i nettverket",
]  # fmt: skip
PROGRESS = [Status.NOT_STARTED, Status.PLANNED, Status.IN_PROGRESS, Status.COMPLETED]


@dataclass
class YearPlan:
    year: int
    plan: Plan
    measures: list[Measure]


def build_plans(sizes: Sizes, partnership: Partnership, user) -> list[YearPlan]:
    plans = []
    previous: YearPlan | None = None
    for year in sizes.year_range:
        plans.append(_year_plan(sizes, partnership, user, year, previous))
        previous = plans[-1]
    return plans


def _stamp(obj, when: datetime.datetime, user, reason: str):
    obj._history_date, obj._history_user, obj._change_reason = when, user, reason
    return obj


def _year_plan(sizes, partnership, user, year, previous):
    rng = sizes.rng("plan", partnership.number, year)  # shared by the steps, in this order
    created = moment(datetime.date(year, 1, 10), 9)
    reason = f"Kopiert fra «{previous.plan.title}»" if previous else "Ny plan"
    plan, columns = _plan(partnership, user, year, created, reason)
    # Rows: the same as last year's plan (copied), or new in the first year.
    measures = _rows(sizes, rng, partnership, plan, previous, (created, user, reason))
    # Cells: what was carried over, then this year's edits, each a version one higher.
    states = _carried_cells(rng, measures, columns, previous, created, reason)
    _edit_cells(sizes, rng, year, measures, columns, states)
    _save_cells(measures, columns, states, user)
    return YearPlan(year=year, plan=plan, measures=measures)


def _plan(partnership, user, year, created, reason):
    """The plan and its three columns: year-2, year-1 and "Fokus for year"."""
    plan = Plan(
        title=synthetic(f"Porteføljeplan {year} – {partnership.place}"),
        updated_label=f"oppdatert desember {year}",
        dated=created.date(),
        note="Syntetiske data for ytelsestester.",
    )
    plan.save()
    Plan.history.bulk_history_create([_stamp(plan, created, user, reason)])
    columns = Column.objects.bulk_create(
        Column(plan=plan, year=y, label=f"Fokus for {y}" if y == year else "")
        for y in (year - 2, year - 1, year)
    )
    return plan, columns


def _rows(sizes, rng, partnership, plan, previous, stamp) -> list[Measure]:
    """Focus areas, their measure groups and the measures; `stamp` is (when, user, reason)."""
    n_areas, per_area = sizes.n(PLAN_AREAS), sizes.n(MEASURES_PER_AREA)
    areas = FocusArea.objects.bulk_create(
        _stamp(
            FocusArea(
                plan=plan,
                name=AREAS[a % len(AREAS)],
                vision=f"Pasientene i {partnership.place} opplever sammenhengende tjenester.\n"
                f"Tjenestene samarbeider om {THINGS[a % len(THINGS)]}.",
                position=a + 1,
            ),
            *stamp,
        )
        for a in range(n_areas)
    )
    FocusArea.history.bulk_history_create(areas)
    groups_per_area = max(1, min(4, per_area // 10 or 1))
    groups = MeasureGroup.objects.bulk_create(
        _stamp(
            MeasureGroup(area=area, name=f"Tiltaksgruppe {g + 1} for {area.name.lower()}",
                         position=g + 1),
            *stamp,
        )
        for area in areas
        for g in range(groups_per_area)
    )  # fmt: skip
    MeasureGroup.history.bulk_history_create(groups)
    return _measures(rng, partnership, groups, n_areas * per_area, previous, stamp)


def _measures(rng, partnership, groups, count, previous, stamp) -> list[Measure]:
    """`count` measures spread evenly over the groups; last year's keep their names."""
    bodies = list(partnership.bodies.values())
    old_names = [m.name for m in previous.measures] if previous else []
    measures = []
    for i in range(count):
        group = groups[(i * len(groups)) // count]
        name = (
            old_names[i]
            if i < len(old_names)
            else f"{rng.choice(VERBS)} {rng.choice(THINGS)} ({i + 1})"
        )
        measures.append(
            _stamp(
                Measure(group=group, name=name, position=i + 1,
                        responsible_body=rng.choice(bodies)),
                *stamp,
            )
        )  # fmt: skip
    measures = Measure.objects.bulk_create(measures)
    Measure.history.bulk_history_create(measures)
    return measures


def _carried_cells(rng, measures, columns, previous, created, reason):
    """Each cell's history so far, by (measure index, column index): last year's text and
    status where the plan was copied, a random start in the first year's two past columns."""
    carried = {}
    if previous:
        for cell in Cell.objects.filter(column__plan=previous.plan).select_related("column"):
            carried[(cell.measure_id, cell.column.year)] = (cell.text, cell.status)
    states: dict[tuple[int, int], list] = {}
    for i in range(len(measures)):
        for c, column in enumerate(columns):
            old = None
            if previous and i < len(previous.measures):
                old = carried.get((previous.measures[i].pk, column.year))
            if old:
                states[(i, c)] = [(created, old[0], old[1], reason)]
            elif c < 2 and not previous:
                status = PROGRESS[min(3, 1 + c + rng.randrange(2))]
                states[(i, c)] = [(created, rng.choice(CELL_TEXTS), status, reason)]
    return states


def _edit_cells(sizes, rng, year, measures, columns, states) -> None:
    """This year's edits, appended to `states`: up to the day before `until`, mostly moving the
    status one step on."""
    window_end = min(datetime.date(year, 12, 15), sizes.until - datetime.timedelta(days=1))
    window_start = datetime.date(year, 1, 15)
    if window_end <= window_start:
        return
    span = (window_end - window_start).days
    edits = sorted(
        (rng.randrange(span + 1), rng.randrange(len(measures)), rng.choice((1, 2, 2, 2)))
        for _ in range(len(measures) * len(columns))
    )
    for offset, i, c in edits:
        day = window_start + datetime.timedelta(days=offset)
        when = moment(day, 8 + rng.randrange(9), rng.randrange(60))
        history = states.setdefault((i, c), [])
        _, _, status = history[-1][:3] if history else (None, "", "")
        step = PROGRESS.index(status) + 1 if status else 0
        status = PROGRESS[min(step, 3)] if rng.random() < 0.8 else status
        text = rng.choice(CELL_TEXTS)
        history.append((when, text, status, rng.choice(["", "Oppdatert etter møtet"])))


def _save_cells(measures, columns, states, user) -> None:
    """The cells at their last state, and a history record per state (the first a creation,
    the rest updates)."""
    cells, records = [], []
    for (i, c), history in states.items():
        cell = Cell(
            measure=measures[i],
            column=columns[c],
            text=history[-1][1],
            status=history[-1][2],
            version=len(history),
        )
        cells.append((cell, history))
    Cell.objects.bulk_create([cell for cell, _ in cells])
    for cell, history in cells:
        for version, (when, text, status, why) in enumerate(history, 1):
            record = Cell(
                pk=cell.pk,
                measure=cell.measure,
                column=cell.column,
                text=text,
                status=status,
                version=version,
            )
            records.append((version > 1, _stamp(record, when, user, why)))
    Cell.history.bulk_history_create([r for update, r in records if not update])
    Cell.history.bulk_history_create([r for update, r in records if update], update=True)
