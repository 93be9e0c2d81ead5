"""The plan in numbers: how many measures have each status, per focus area and year, and the
stacked-bar chart of them (an SVG the server draws; the table beside it carries the same
numbers for screen readers and print)."""

from dataclasses import dataclass

from .grid import PlanGrid
from .models import Column, FocusArea, Measure, Plan, Status

NO_STATUS = ""
# Chart and legend order: progress from left to right, cells without status last.
STATUS_ORDER = [*Status.values, NO_STATUS]
STATUS_LABELS = dict(Status.choices) | {NO_STATUS: "Ingen status"}
# The cells' colours (as in static/css/portal.css), for charts drawn without the page's CSS.
STATUS_FILLS = {
    Status.NOT_STARTED: "#f4d6d6",
    Status.PLANNED: "#fff0b3",
    Status.IN_PROGRESS: "#cfe3f7",
    Status.COMPLETED: "#cdebd3",
    NO_STATUS: "#e6e6ea",
}


@dataclass
class AreaCounts:
    area_name: str
    counts: dict[str, int]  # status → number of measures; NO_STATUS for empty or unset

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def ordered_counts(self) -> list[int]:
        return [self.counts[status] for status in STATUS_ORDER]


def status_counts(grid: PlanGrid, column: Column) -> list[AreaCounts]:
    """The counts of a grid (the plan now, or as it stood at a moment)."""
    rows = []
    for area in grid.areas:
        counts = dict.fromkeys(STATUS_ORDER, 0)
        for measure in area.measures:
            cell = next(cell for cell in measure.cells if cell.column.pk == column.pk)
            counts[cell.status] += 1
        rows.append(AreaCounts(area.name, counts))
    return rows


def current_status_counts(plan: Plan, column: Column) -> list[AreaCounts]:
    """The counts of the plan as it is now, as status_counts(PlanGrid.current(plan), column)
    gives them, counted by the database instead of from the whole grid."""
    found = {
        (row["area"], row["status"]): row["count"]
        for row in Measure.objects.of_plan(plan).status_counts(column)
    }
    return [
        AreaCounts(area.name, {status: found.get((area.pk, status), 0) for status in STATUS_ORDER})
        for area in FocusArea.objects.filter(plan=plan).order_by("position", "pk").only("name")
    ]


@dataclass
class Bar:
    status: str
    label: str
    count: int
    x: float
    width: float

    @property
    def fill(self) -> str:
        return STATUS_FILLS[self.status]


@dataclass
class ChartRow:
    area_name: str
    y: float
    total: int
    bars: list[Bar]


@dataclass
class StatusChart:
    rows: list[ChartRow]
    width: int
    height: int
    label_width: int
    bar_height: int
    scale_max: int


def status_chart(rows: list[AreaCounts], *, width=760, label_width=330, bar_height=22, gap=10):
    """Geometry of a horizontal stacked bar per area; the template draws it."""
    scale_max = max((row.total for row in rows), default=0) or 1
    plot_width = width - label_width - 40
    chart_rows = []
    for index, row in enumerate(rows):
        x, bars = float(label_width), []
        for status in STATUS_ORDER:
            count = row.counts[status]
            if count:
                bar_width = plot_width * count / scale_max
                bars.append(Bar(status, STATUS_LABELS[status], count, x, bar_width))
                x += bar_width
        chart_rows.append(ChartRow(row.area_name, index * (bar_height + gap), row.total, bars))
    return StatusChart(
        rows=chart_rows,
        width=width,
        height=len(rows) * (bar_height + gap),
        label_width=label_width,
        bar_height=bar_height,
        scale_max=scale_max,
    )
