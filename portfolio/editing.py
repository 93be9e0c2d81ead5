"""Changing a plan: saving a cell without overwriting someone else's edit, moving and removing
rows, creating a local plan, and copying a plan to start next year's.

Views, the Excel import and tests call these functions; each runs in one transaction and
records the acting user and the reason in the history.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import IntegrityError, models, transaction
from django.db.models import F, Max
from simple_history.models import HistoricalChanges

from helsefellesskap.formatting import listing

from .models import Cell, Column, FocusArea, Measure, MeasureGroup, Plan

# How many of the things pointing at a row the refusal names before "og N til".
NAMED_REFERENCES = 10


class RowInUse(Exception):
    """A row that something outside the plan (an application, a meeting's item, a grant round)
    points at, itself or through a row under it; `references` names them."""

    def __init__(self, row, references: list["Reference"]):
        super().__init__(
            f"«{row}» kan ikke fjernes fordi dette viser til raden eller noe under den: "
            f"{describe(references)}. Fjern koblingen der først."
        )
        self.references = references


@dataclass(frozen=True)
class Reference:
    """Something outside the plan that points at a row: "søknaden «…»"."""

    kind: str  # the model's verbose name: "søknad", "sak"
    name: str

    def __str__(self):
        return f"{self.kind} «{self.name}»"


def describe(references: list[Reference]) -> str:
    named = [str(reference) for reference in references[:NAMED_REFERENCES]]
    rest = len(references) - len(named)
    if rest:
        named.append(f"{rest} til")
    return listing(named)


class StaleCellEdit(Exception):
    """The cell changed since the editor opened it; `current` is what it holds now."""

    def __init__(self, current: Cell):
        super().__init__("Cellen er endret av noen andre siden du åpnet den.")
        self.current = current


@dataclass
class CellChange:
    text: str
    status: str
    comment: str = ""


def save_cell(
    *, measure: Measure, column: Column, change: CellChange, based_on_version: int, user
) -> Cell:
    """Write one cell if nobody else has saved it since `based_on_version`.

    The version check is part of the UPDATE's WHERE clause (or the unique constraint, for a
    cell's first text), so it holds on PostgreSQL and SQLite alike, under concurrency.
    An unchanged cell is left alone: no version bump, no history row.
    """
    with transaction.atomic():
        cell = Cell.objects.stored(measure, column)
        current_version = cell.version if cell else 0
        if current_version != based_on_version:
            raise StaleCellEdit(cell)
        if cell and cell.text == change.text and cell.status == change.status:
            return cell
        if cell is None:
            cell = Cell(measure=measure, column=column)
            _stamp(cell, user, change.comment)
            cell.text, cell.status, cell.version = change.text, change.status, 1
            try:
                with transaction.atomic():
                    cell.save()
            except IntegrityError:
                raise StaleCellEdit(Cell.objects.get(measure=measure, column=column)) from None
            return cell
        # One UPDATE both checks the version and writes the cell; its history row follows.
        claimed = Cell.objects.filter(pk=cell.pk, version=based_on_version).update(
            text=change.text, status=change.status, version=F("version") + 1
        )
        if not claimed:
            raise StaleCellEdit(Cell.objects.get(pk=cell.pk))
        cell.text, cell.status, cell.version = change.text, change.status, based_on_version + 1
        Cell.history.bulk_history_create(
            [cell], update=True, default_user=user, default_change_reason=change.comment
        )
        return cell


# The most cells one bulk status change may name: a whole 400-measure plan's focus year.
MAX_BULK_CELLS = 500


@dataclass(frozen=True)
class CellVersion:
    """A cell named by its measure and year column, and the version the user saw."""

    measure: Measure
    column: Column
    version: int


class StaleBulkEdit(Exception):
    """One of the cells of a bulk change was saved by someone else meanwhile; nothing is
    saved. `measure` and `column` name the cell, `current` is what it holds now."""

    def __init__(self, cell: CellVersion, current: Cell | None):
        super().__init__(
            f"Ingenting er lagret: «{cell.measure}» ({cell.column}) er endret av noen andre "
            "siden du åpnet planen. Last siden på nytt, se over cellen og prøv igjen."
        )
        self.measure, self.column, self.current = cell.measure, cell.column, current


def set_status(*, cells: Sequence[CellVersion], status: str, user, comment: str = "") -> int:
    """Give several cells one status in one transaction: each through `save_cell`, so each is
    checked against the version the user saw (in the UPDATE's WHERE) and gets its own history
    record. One stale cell and nothing is saved (StaleBulkEdit names it). Returns how many
    cells changed (cells that already had the status are left alone)."""
    if len(cells) > MAX_BULK_CELLS:
        raise ValueError(f"Høyst {MAX_BULK_CELLS} celler kan endres samtidig.")
    changed = 0
    with transaction.atomic():
        for cell in cells:
            stored = Cell.objects.stored(cell.measure, cell.column)
            before = (stored.version, stored.status) if stored else (0, "")
            if before == (cell.version, status):
                continue
            try:
                save_cell(
                    measure=cell.measure,
                    column=cell.column,
                    change=CellChange(stored.text if stored else "", status, comment),
                    based_on_version=cell.version,
                    user=user,
                )
            except StaleCellEdit as stale:
                raise StaleBulkEdit(cell, stale.current) from None
            changed += 1
    return changed


def move(obj: FocusArea | MeasureGroup | Measure, *, up: bool, user) -> bool:
    """Swap a row with its neighbour above or below among its siblings; False when it is
    already first (or last) and nothing moved."""
    siblings = list(_siblings(obj))
    index = next(i for i, sibling in enumerate(siblings) if sibling.pk == obj.pk)
    other_index = index - 1 if up else index + 1
    if not 0 <= other_index < len(siblings):
        return False
    siblings[index], siblings[other_index] = siblings[other_index], siblings[index]
    with transaction.atomic():
        for position, sibling in enumerate(siblings, start=1):
            if sibling.position != position:
                sibling.position = position
                _stamp(sibling, user, "Flyttet")
                sibling.save(update_fields=["position"])
    return True


def remove_row(row: FocusArea | MeasureGroup | Measure, *, user) -> None:
    """Delete a row with everything under it (groups, measures, cells), all or nothing.
    RowInUse, and nothing deleted, when something outside the plan points at it or at a row
    under it: an application or a meeting's item would otherwise lose it without a trace in
    its own history (or the delete would fail on a protected key)."""
    row._history_user = user
    with transaction.atomic():
        references = references_to(row)
        if references:
            raise RowInUse(row, references)
        row.delete()


def references_to(row: Plan | FocusArea | MeasureGroup | Measure) -> list[Reference]:
    """What outside the plan points at `row` or at a row under it, found through Django's
    relation API (the reverse side of every foreign key and many-to-many field into the plan's
    models), so that the plan need not know the apps above it (grants, meetings). History
    records and the plan's own links (cells, a local plan's measures) do not count."""
    found: dict[tuple[type, int], Reference] = {}
    for model, pks in _rows_under(row).items():
        if not pks:
            continue
        for relation in model._meta.get_fields(include_hidden=True):
            source = relation.related_model
            if not (relation.auto_created and not relation.concrete and source) or (
                source._meta.app_label == model._meta.app_label
                or source._meta.auto_created  # a many-to-many table: its field is seen below
                or issubclass(source, HistoricalChanges)
            ):
                continue
            pointing = source._default_manager.filter(
                **{f"{relation.field.name}__in": pks}
            ).distinct()
            for obj in pointing.order_by("pk"):
                found.setdefault(
                    (source, obj.pk), Reference(str(source._meta.verbose_name), str(obj))
                )
    return list(found.values())


def _rows_under(row) -> dict[type[models.Model], list[int]]:
    """The row and every row under it, by model."""
    if isinstance(row, Measure):
        return {Measure: [row.pk]}
    if isinstance(row, MeasureGroup):
        return {MeasureGroup: [row.pk], Measure: list(row.measures.values_list("pk", flat=True))}
    areas = [row.pk] if isinstance(row, FocusArea) else list(row.areas.values_list("pk", flat=True))
    rows = {
        FocusArea: areas,
        MeasureGroup: list(
            MeasureGroup.objects.filter(area__in=areas).values_list("pk", flat=True)
        ),
        Measure: list(Measure.objects.filter(group__area__in=areas).values_list("pk", flat=True)),
    }
    if isinstance(row, Plan):
        rows[Plan] = [row.pk]
    return rows


def next_position(siblings) -> int:
    return (siblings.aggregate(highest=Max("position"))["highest"] or 0) + 1


def place_last(row: FocusArea | MeasureGroup | Measure) -> None:
    """Give a new row, or one moved to another parent, the place after its parent's last row
    (saving it is the caller's)."""
    row.position = next_position(_siblings(row))


def _siblings(obj):
    if isinstance(obj, FocusArea):
        return FocusArea.objects.filter(plan_id=obj.plan_id)
    if isinstance(obj, MeasureGroup):
        return MeasureGroup.objects.filter(area_id=obj.area_id)
    return Measure.objects.filter(group_id=obj.group_id)


def create_local_plan(*, plan: Plan, years: Sequence[int], user, reason: str = "") -> Plan:
    """Save a new (local) plan with a column per year; the last year's is "Fokus for <year>"."""
    with transaction.atomic():
        _stamp(plan, user, reason)
        plan.save()
        for year in years:
            label = f"Fokus for {year}" if year == years[-1] else ""
            Column.objects.create(plan=plan, year=year, label=label)
    return plan


def copy_plan(plan: Plan, *, title: str, year: int, user) -> Plan:
    """Start the plan for `year` from `plan`: the same areas, groups and measures, year columns
    year-2, year-1 and "Fokus for year", and the texts and statuses of the years both plans
    share. The new plan keeps its owner (an LSU's local plan stays that LSU's)."""
    with transaction.atomic():
        copy = Plan(
            title=title,
            body=plan.body,
            based_on=plan.based_on,
            note=f"Kopiert fra «{plan.title}».",
        )
        _stamp(copy, user, f"Kopiert fra «{plan.title}»")
        copy.save()
        new_columns = {
            column_year: Column.objects.create(
                plan=copy,
                year=column_year,
                label=f"Fokus for {column_year}" if column_year == year else "",
            )
            for column_year in (year - 2, year - 1, year)
        }
        old_cells = {
            (cell.measure_id, cell.column.year): cell
            for cell in Cell.objects.of_plan(plan).select_related("column")
        }
        for area in plan.areas.prefetch_related("groups__measures"):
            groups = list(area.groups.all())
            new_area = _copy_row(area, user, plan=copy)
            for group in groups:
                measures = list(group.measures.all())
                new_group = _copy_row(group, user, area=new_area)
                for measure in measures:
                    old_measure_pk = measure.pk
                    new_measure = _copy_row(measure, user, group=new_group)
                    for column_year, column in new_columns.items():
                        old = old_cells.get((old_measure_pk, column_year))
                        if old and not old.is_empty:
                            cell = Cell(
                                measure=new_measure,
                                column=column,
                                text=old.text,
                                status=old.status,
                                version=1,
                            )
                            _stamp(cell, user, f"Kopiert fra «{plan.title}»")
                            cell.save()
        return copy


def _copy_row(row, user, **parent):
    row.pk = None
    row._state.adding = True
    for name, value in parent.items():
        setattr(row, name, value)
    _stamp(row, user, "Kopiert fra forrige plan")
    row.save()
    return row


def _stamp(obj, user, reason: str) -> None:
    """Who did it and why, for the history record the next save() writes."""
    obj._history_user = user
    obj._change_reason = reason
