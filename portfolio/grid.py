"""The plan as a grid: areas → groups → measures → one cell per year column.

`PlanGrid.current(plan)` reads today's plan and `PlanGrid.as_of(plan, moment)` the plan as it
stood at a moment, from the history tables. Both take a fixed number of queries whatever the
plan's size, and both give the same structure, so the page, the PDF, the slides, the Excel
export and the "changes since" comparison all read one thing.
"""

from dataclasses import dataclass, field, replace
from datetime import datetime

from .models import (
    Cell,
    Column,
    FocusArea,
    Measure,
    MeasureGroup,
    Plan,
    Status,
    VisionPoint,
    vision_outline,
)


@dataclass
class GridCell:
    measure_id: int
    column: Column
    text: str = ""
    status: str = ""
    version: int = 0
    # The cell as the page shows it (cell_fragments.render_grid_cells fills it in).
    html: str = field(default="", compare=False, repr=False)

    @property
    def status_label(self) -> str:
        return Status(self.status).label if self.status else ""

    @property
    def is_empty(self) -> bool:
        return not self.text and not self.status

    @property
    def dom_id(self) -> str:
        return f"celle-{self.measure_id}-{self.column.year}"

    @classmethod
    def of(cls, stored, *, measure_id: int, column: Column) -> "GridCell":
        """The grid's view of a stored cell (or of its history record); None is empty."""
        if stored is None:
            return cls(measure_id=measure_id, column=column)
        return cls(measure_id, column, stored.text, stored.status, stored.version)


@dataclass
class GridMeasure:
    pk: int
    name: str
    responsible_body_id: int | None
    cells: list[GridCell]
    # The row's cells as the page shows them, one after the other (render_grid_cells).
    cells_html: str = field(default="", compare=False, repr=False)


@dataclass
class GridGroup:
    pk: int
    name: str
    measures: list[GridMeasure] = field(default_factory=list)


@dataclass
class GridArea:
    pk: int
    name: str
    vision_points: list[str]
    groups: list[GridGroup] = field(default_factory=list)

    @property
    def vision_outline(self) -> list[VisionPoint]:
        return vision_outline(self.vision_points)

    @property
    def measures(self) -> list[GridMeasure]:
        return [measure for group in self.groups for measure in group.measures]


@dataclass
class GridFilter:
    """Narrows the grid: one area, measures with a status (in the chosen year, or in any year),
    one year column, measures a body is responsible for. Empty values do not filter."""

    area_id: int | None = None
    status: str = ""
    year: int | None = None
    body_id: int | None = None

    @property
    def is_active(self) -> bool:
        return bool(self.area_id or self.status or self.year or self.body_id)


@dataclass
class PlanGrid:
    plan: Plan
    columns: list[Column]
    areas: list[GridArea]

    @classmethod
    def current(cls, plan: Plan) -> "PlanGrid":
        return cls._build(
            plan,
            areas=FocusArea.objects.filter(plan=plan),
            groups=MeasureGroup.objects.of_plan(plan),
            measures=Measure.objects.of_plan(plan),
            cells=Cell.objects.of_plan(plan),
        )

    @classmethod
    def as_of(cls, plan: Plan, moment: datetime) -> "PlanGrid":
        """The plan as it stood at `moment`: each row's latest history record up to then.

        Each level is narrowed by the ids of the level above as it was then, so rows that were
        later moved or deleted appear where they were.
        """
        areas = list(FocusArea.history.as_of(moment).filter(plan_id=plan.pk))
        groups = list(MeasureGroup.history.as_of(moment).filter(area_id__in=[a.pk for a in areas]))
        measures = list(Measure.history.as_of(moment).filter(group_id__in=[g.pk for g in groups]))
        cells = Cell.history.as_of(moment).filter(measure_id__in=[m.pk for m in measures])
        return cls._build(plan, areas=areas, groups=groups, measures=measures, cells=cells)

    @classmethod
    def _build(cls, plan, *, areas, groups, measures, cells) -> "PlanGrid":
        columns = list(plan.columns.all())
        cell_by_key = {(cell.measure_id, cell.column_id): cell for cell in cells}

        def grid_cells(measure_id):
            return [
                GridCell.of(
                    cell_by_key.get((measure_id, column.pk)), measure_id=measure_id, column=column
                )
                for column in columns
            ]

        grid_areas = {
            area.pk: GridArea(area.pk, area.name, area.vision_points)
            for area in sorted(areas, key=_position_key)
        }
        grid_groups = {}
        for group in sorted(groups, key=_position_key):
            if group.area_id in grid_areas:
                grid_groups[group.pk] = GridGroup(group.pk, group.name)
                grid_areas[group.area_id].groups.append(grid_groups[group.pk])
        for measure in sorted(measures, key=_position_key):
            if measure.group_id in grid_groups:
                grid_groups[measure.group_id].measures.append(
                    GridMeasure(
                        pk=measure.pk,
                        name=measure.name,
                        responsible_body_id=measure.responsible_body_id,
                        cells=grid_cells(measure.pk),
                    )
                )
        return cls(plan=plan, columns=columns, areas=list(grid_areas.values()))

    def filtered(self, grid_filter: GridFilter) -> "PlanGrid":
        """A copy of the grid narrowed by the filter; areas and groups left empty are dropped,
        unless only the area was chosen (an empty area is still worth seeing then)."""
        columns = [c for c in self.columns if not grid_filter.year or c.year == grid_filter.year]

        def keep(measure: GridMeasure) -> bool:
            if grid_filter.body_id and measure.responsible_body_id != grid_filter.body_id:
                return False
            if grid_filter.status:
                return any(
                    cell.status == grid_filter.status
                    for cell in measure.cells
                    if cell.column in columns
                )
            return True

        narrows_measures = bool(grid_filter.status or grid_filter.body_id)
        areas = []
        for area in self.areas:
            if grid_filter.area_id and area.pk != grid_filter.area_id:
                continue
            groups = []
            for group in area.groups:
                measures = [
                    replace(m, cells=[cell for cell in m.cells if cell.column in columns])
                    for m in group.measures
                    if keep(m)
                ]
                if measures or not narrows_measures:
                    groups.append(replace(group, measures=measures))
            if groups or not narrows_measures:
                areas.append(replace(area, groups=groups))
        return PlanGrid(plan=self.plan, columns=columns, areas=areas)

    def measure_count(self) -> int:
        return sum(len(area.measures) for area in self.areas)


def _position_key(row):
    return (row.position, row.pk)


@dataclass
class CellDifference:
    """One cell that differs between two moments; `before` is None for a new measure's cell."""

    group_name: str
    measure_name: str
    column: Column
    before: GridCell | None
    after: GridCell | None
    measure_pk: int = 0


@dataclass
class MeasureChanges:
    group_name: str
    measure_name: str
    differences: list[CellDifference]


@dataclass
class AreaChanges:
    name: str
    differences: list[CellDifference]

    @property
    def by_measure(self) -> list[MeasureChanges]:
        """The differences measure by measure (each measure's cells come together)."""
        measures: dict[int, MeasureChanges] = {}
        for difference in self.differences:
            measures.setdefault(
                difference.measure_pk,
                MeasureChanges(difference.group_name, difference.measure_name, []),
            ).differences.append(difference)
        return list(measures.values())


def changes_between(before: PlanGrid, after: PlanGrid) -> list[AreaChanges]:
    """Every cell whose text or status differs between two grids of one plan, by area, in the
    plan's order.

    Net changes: a cell edited twice and set back counts as unchanged. Measures that were
    added show their new cells; removed measures show what they held.
    """
    old_cells = {
        (measure.pk, cell.column.pk): cell
        for area in before.areas
        for measure in area.measures
        for cell in measure.cells
    }
    new_cells = {
        (measure.pk, cell.column.pk): cell
        for area in after.areas
        for measure in area.measures
        for cell in measure.cells
    }
    by_area: dict[int, AreaChanges] = {}
    seen = set()
    for grid in (after, before):
        for area in grid.areas:
            for group in area.groups:
                for measure in group.measures:
                    for cell in measure.cells:
                        key = (measure.pk, cell.column.pk)
                        if key in seen:
                            continue
                        seen.add(key)
                        cell_before, cell_after = old_cells.get(key), new_cells.get(key)
                        if not _same(cell_before, cell_after):
                            changes = by_area.setdefault(area.pk, AreaChanges(area.name, []))
                            changes.differences.append(
                                CellDifference(
                                    group.name,
                                    measure.name,
                                    cell.column,
                                    cell_before,
                                    cell_after,
                                    measure_pk=measure.pk,
                                )
                            )
    return list(by_area.values())


def _same(before: GridCell | None, after: GridCell | None) -> bool:
    before_state = (before.text, before.status) if before else ("", "")
    after_state = (after.text, after.status) if after else ("", "")
    return before_state == after_state
