"""The plan as documents to hand out: a landscape PDF and a 16:9 PowerPoint deck like the
partnership's own slides.

Both read the plan through `PlanGrid.current(plan)` and one query for who answers for which
measure (a fixed number of queries whatever the plan's size), and print the plan's note (the
cells the secretariat could not read from the slides). Colour is never the only carrier:
every cell writes its status in words, and the legend explains the statuses.
"""

from dataclasses import dataclass
from io import BytesIO

from django.utils import timezone
from django.utils.formats import date_format
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.lang import MSO_LANGUAGE_ID
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.util import Emu, Inches, Pt

from helsefellesskap.files import safe_filename
from helsefellesskap.pdf import render_pdf

from .grid import GridArea, GridGroup, GridMeasure, PlanGrid
from .models import Measure, Plan, Status, VisionPoint

# The same palette as static/css/portal.css (--status-*); dark text on all of them has a
# contrast far above 4.5:1.
STATUS_COLOURS = {
    Status.NOT_STARTED: "f4d6d6",
    Status.PLANNED: "fff0b3",
    Status.IN_PROGRESS: "cfe3f7",
    Status.COMPLETED: "cdebd3",
}
TEXT_COLOUR = "1d1d1f"
MUTED_COLOUR = "565660"
HEADING_COLOUR = "2a2859"
HEADER_FILL = "e9effb"
PPTX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
EMPTY_CELL_NOTE = "En tom celle betyr at tiltaket ikke har noe for det året."


@dataclass
class LegendEntry:
    status: str
    label: str
    colour: str


def legend() -> list[LegendEntry]:
    return [LegendEntry(status.value, status.label, STATUS_COLOURS[status]) for status in Status]


def responsibilities(plan: Plan) -> dict[int, str]:
    """«Ansvar» per measure that names it: «Strategisk samarbeidsutvalg (Oppdrag fra SSU)», the
    body, the kind of assignment, or both; one query."""
    rows = (
        Measure.objects.of_plan(plan)
        .exclude(responsible_body=None, assignment="")
        .values_list("pk", "responsible_body__name", "assignment")
    )
    return {
        pk: f"{body} ({assignment})" if body and assignment else body or assignment
        for pk, body, assignment in rows
    }


@dataclass
class GroupRows:
    group: GridGroup
    rows: list[tuple[GridMeasure, str]]  # each measure with its «Ansvar» text, or ""


@dataclass
class AreaTable:
    area: GridArea
    groups: list[GroupRows]


def area_tables(grid: PlanGrid, responsible: dict[int, str]) -> list[AreaTable]:
    return [
        AreaTable(
            area,
            [
                GroupRows(group, [(m, responsible.get(m.pk, "")) for m in group.measures])
                for group in area.groups
            ],
        )
        for area in grid.areas
    ]


def note_lines(plan: Plan) -> list[str]:
    return [line.strip() for line in plan.note.splitlines() if line.strip()]


def updated_text(plan: Plan) -> str:
    """The plan's date line, «oppdatert oktober 2025 (datert 05.11.2025)», or what of it the
    plan has."""
    parts = []
    if plan.updated_label:
        parts.append(plan.updated_label)
    if plan.dated:
        dated = date_format(plan.dated, "SHORT_DATE_FORMAT")
        parts.append(f"(datert {dated})" if parts else f"Datert {dated}")
    return " ".join(parts)


# --- PDF ---


def plan_pdf(plan: Plan, *, request=None) -> bytes:
    """A4 landscape: a cover with the contents and the legend, then one focus area per page
    (its vision, then the status table, which continues with its header on further pages)."""
    grid = PlanGrid.current(plan)
    context = {
        "plan": plan,
        "grid": grid,
        "tables": area_tables(grid, responsibilities(plan)),
        "note_lines": note_lines(plan),
        "updated": updated_text(plan),
        "legend": legend(),
        "empty_cell_note": EMPTY_CELL_NOTE,
        "made": timezone.localdate(),
        "column_count": len(grid.columns) + 1,
    }
    return render_pdf("portfolio/plan_pdf.html", context, request=request)


# --- PowerPoint ---

SLIDE_WIDTH, SLIDE_HEIGHT = Inches(13.333), Inches(7.5)
MARGIN = Inches(0.5)
TITLE_TOP, TITLE_HEIGHT = Inches(0.35), Inches(0.9)
BODY_TOP = Inches(1.35)
FOOTER_TOP = Inches(6.95)
MAX_TABLE_ROWS = 12  # group and measure rows on one slide, below the header row
TABLE_HEIGHT = FOOTER_TOP - BODY_TOP - Inches(0.15)
HEADER_ROW_HEIGHT = Inches(0.4)
CELL_FONT, LABEL_FONT, LINE_SPACING = 11, 10, 1.2
CELL_MARGIN, CELL_MARGIN_Y = Inches(0.06), Inches(0.03)
LAYOUT_TITLE, LAYOUT_TITLE_AND_CONTENT, LAYOUT_TITLE_ONLY = 0, 1, 5


@dataclass
class TableRow:
    group: GridGroup
    measure: GridMeasure | None = None  # None: the group's heading row
    continued: bool = False  # a group heading repeated at the top of the next slide
    responsibility: str = ""  # the measure's «Ansvar», printed under its name


def plan_pptx(plan: Plan) -> bytes:
    """16:9 slides: the title (with the legend), then per focus area its vision and its
    status table, split into "del 1", "del 2" ... when the area has many rows."""
    grid = PlanGrid.current(plan)
    deck = Presentation()
    deck.slide_width, deck.slide_height = SLIDE_WIDTH, SLIDE_HEIGHT
    deck.core_properties.title = plan.title
    deck.core_properties.subject = "Porteføljeplan"
    deck.core_properties.author = "Helsefellesskap Oslo"
    deck.core_properties.language = "nb-NO"

    _title_slide(deck, plan)
    if plan.note.strip():
        _note_slide(deck, note_lines(plan))
    widths = _column_widths(len(grid.columns) + 1)
    responsible = responsibilities(plan)
    for area in grid.areas:
        _vision_slide(deck, area)
        parts = _split_rows(area.groups, widths, responsible)
        for number, rows in enumerate(parts, start=1):
            title = f"{area.name}: status"
            if len(parts) > 1:
                title += f", del {number}"
            _table_slide(deck, title, grid, rows, widths)

    output = BytesIO()
    deck.save(output)
    return output.getvalue()


def _split_rows(
    groups: list[GridGroup], widths: list[int], responsible: dict[int, str]
) -> list[list[TableRow]]:
    """The area's rows in slides of at most MAX_TABLE_ROWS rows that fit above the legend.
    A slide never ends with a group heading, and a group that goes on on the next slide gets
    its heading again there."""
    rows = []
    for group in groups:
        rows.append(TableRow(group))
        rows.extend(
            TableRow(group, measure, responsibility=responsible.get(measure.pk, ""))
            for measure in group.measures
        )
    available = TABLE_HEIGHT - HEADER_ROW_HEIGHT
    parts, current, used = [], [], 0
    for index, row in enumerate(rows):
        height, count = _row_height(row, widths), 1
        if row.measure is None and index + 1 < len(rows):
            # keep a heading together with its first measure
            height, count = height + _row_height(rows[index + 1], widths), 2
        if current and (len(current) + count > MAX_TABLE_ROWS or used + height > available):
            parts.append(current)
            current, used = [], 0
            if row.measure is not None:
                current.append(TableRow(row.group, continued=True))
                used += _row_height(current[0], widths)
        current.append(row)
        used += _row_height(row, widths)
    if current or not parts:
        parts.append(current)
    return parts


def _column_widths(column_count: int) -> list[int]:
    width = SLIDE_WIDTH - 2 * MARGIN
    first = int(width * (0.34 if column_count > 2 else 0.45))
    rest = (width - first) // max(column_count - 1, 1)
    return [first] + [rest] * (column_count - 1)


def _lines(text: str, width: int, size: float) -> int:
    """How many lines text takes in a cell of this width (a generous estimate: an average
    character is about half as wide as the font size)."""
    if not text:
        return 0
    characters_per_line = max(int((width - 2 * CELL_MARGIN) / Pt(size * 0.5)), 1)
    return sum(-(-max(len(part), 1) // characters_per_line) for part in text.splitlines())


def _row_height(row: TableRow, widths: list[int]) -> int:
    if row.measure is None:
        lines = _lines(row.group.name, sum(widths), CELL_FONT) or 1
        return int(lines * Pt(CELL_FONT * LINE_SPACING) + 2 * CELL_MARGIN_Y)
    heights = [
        _lines(row.measure.name, widths[0], CELL_FONT) * Pt(CELL_FONT * LINE_SPACING)
        + _lines(_responsibility_text(row), widths[0], LABEL_FONT) * Pt(LABEL_FONT * LINE_SPACING)
    ]
    for cell, width in zip(row.measure.cells, widths[1:], strict=False):
        height = _lines(cell.text, width, CELL_FONT) * Pt(CELL_FONT * LINE_SPACING)
        if cell.status:
            height += _lines(cell.status_label, width, LABEL_FONT) * Pt(LABEL_FONT * LINE_SPACING)
        heights.append(height)
    return int(max(max(heights), Pt(CELL_FONT * LINE_SPACING)) + 2 * CELL_MARGIN_Y)


def _title_slide(deck, plan: Plan):
    slide = deck.slides.add_slide(deck.slide_layouts[LAYOUT_TITLE])
    title, subtitle = slide.shapes.title, slide.placeholders[1]
    _place(title, MARGIN, Inches(1.2), SLIDE_WIDTH - 2 * MARGIN, Inches(1.6))
    _place(subtitle, MARGIN, Inches(2.9), SLIDE_WIDTH - 2 * MARGIN, Inches(0.8))
    _set_text(title.text_frame, plan.title, size=40, bold=True, colour=HEADING_COLOUR)
    _set_text(
        subtitle.text_frame,
        updated_text(plan) or "Helsefellesskap Oslo",
        size=22,
        colour=MUTED_COLOUR,
    )
    _legend_box(slide, top=Inches(4.2), on_title=True)


def _responsibility_text(row: TableRow) -> str:
    return f"Ansvar: {row.responsibility}" if row.responsibility else ""


def _note_slide(deck, lines: list[str]):
    """The plan's note (the cells that could not be read from the slides) as bullets."""
    slide = deck.slides.add_slide(deck.slide_layouts[LAYOUT_TITLE_AND_CONTENT])
    title, body = slide.shapes.title, slide.placeholders[1]
    _title(title, "Merknad til planen")
    _place(body, MARGIN, BODY_TOP, SLIDE_WIDTH - 2 * MARGIN, FOOTER_TOP - BODY_TOP)
    frame = body.text_frame
    frame.word_wrap = True
    size = _vision_font_size(lines, body.width - Inches(0.8), body.height - Inches(0.8))
    for index, line in enumerate(lines):
        paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
        _add_run(paragraph, line, size=size)


def _vision_slide(deck, area):
    slide = deck.slides.add_slide(deck.slide_layouts[LAYOUT_TITLE_AND_CONTENT])
    title, body = slide.shapes.title, slide.placeholders[1]
    _title(title, area.name)
    _place(body, MARGIN, BODY_TOP, SLIDE_WIDTH - 2 * MARGIN, FOOTER_TOP - BODY_TOP)
    frame = body.text_frame
    frame.word_wrap = True
    heading = frame.paragraphs[0]
    _add_run(heading, "Målbilde", size=24, bold=True, colour=HEADING_COLOUR)
    points = area.vision_outline or [VisionPoint("Målbildet er ikke skrevet inn ennå.")]
    lines = [text for point in points for text in (point.text, *point.sub_points)]
    size = _vision_font_size(lines, body.width - Inches(0.8), body.height - Inches(0.8))
    for point in points:
        for level, text in [(1, point.text), *((2, sub_point) for sub_point in point.sub_points)]:
            paragraph = frame.add_paragraph()
            paragraph.level = level
            _add_run(paragraph, text, size=size)


def _vision_font_size(points: list[str], width: int, height: int) -> int:
    """The largest of 20, 18, 16, 14 pt at which the bullets fit the slide (estimated)."""
    for size in (20, 18, 16):
        lines = sum(_lines(point, width, size) for point in points)
        if lines * Pt(size * 1.5) <= height:  # line spacing plus the space between bullets
            return size
    return 14


def _table_slide(deck, title_text: str, grid: PlanGrid, rows: list[TableRow], widths):
    slide = deck.slides.add_slide(deck.slide_layouts[LAYOUT_TITLE_ONLY])
    _title(slide.shapes.title, title_text)
    columns = len(widths)
    heights = [HEADER_ROW_HEIGHT] + [_row_height(row, widths) for row in rows]
    shape = slide.shapes.add_table(
        len(rows) + 1, columns, MARGIN, BODY_TOP, sum(widths), sum(heights)
    )
    table = shape.table
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Emu(width)
    for table_row, height in zip(table.rows, heights, strict=True):
        table_row.height = Emu(height)

    _cell(table.cell(0, 0), "Tiltak", bold=True, fill=HEADER_FILL, colour=HEADING_COLOUR)
    for index, column in enumerate(grid.columns, start=1):
        _cell(table.cell(0, index), column.heading, bold=True, fill=HEADER_FILL)
    for number, row in enumerate(rows, start=1):
        if row.measure is None:
            label = f"{row.group.name} (forts.)" if row.continued else row.group.name
            cell = table.cell(number, 0)
            cell.merge(table.cell(number, columns - 1))
            _cell(cell, label, bold=True, fill=HEADER_FILL, colour=HEADING_COLOUR)
            continue
        _cell(table.cell(number, 0), row.measure.name)
        if row.responsibility:
            paragraph = table.cell(number, 0).text_frame.add_paragraph()
            _add_run(paragraph, _responsibility_text(row), size=LABEL_FONT, colour=MUTED_COLOUR)
        for index, grid_cell in enumerate(row.measure.cells, start=1):
            _status_cell(table.cell(number, index), grid_cell.text, grid_cell.status)
    _legend_box(slide, top=FOOTER_TOP, on_title=False)


def _status_cell(cell, text: str, status: str):
    cell.fill.solid()
    cell.fill.fore_color.rgb = RGBColor.from_string(STATUS_COLOURS.get(status, "ffffff"))
    frame = cell.text_frame
    frame.word_wrap = True
    _margins(cell)
    paragraph = frame.paragraphs[0]
    if text:
        _add_run(paragraph, text, size=CELL_FONT)
    if status:
        if text:
            paragraph = frame.add_paragraph()
        _add_run(paragraph, Status(status).label, size=LABEL_FONT, bold=True)


def _cell(cell, text: str, *, bold=False, fill="ffffff", colour=TEXT_COLOUR):
    cell.fill.solid()
    cell.fill.fore_color.rgb = RGBColor.from_string(fill)
    cell.vertical_anchor = MSO_ANCHOR.TOP
    cell.text_frame.word_wrap = True
    _margins(cell)
    _add_run(cell.text_frame.paragraphs[0], text, size=CELL_FONT, bold=bold, colour=colour)


def _margins(cell):
    cell.margin_left = cell.margin_right = CELL_MARGIN
    cell.margin_top = cell.margin_bottom = CELL_MARGIN_Y


def _legend_box(slide, *, top, on_title: bool):
    """A row of coloured boxes, each naming its status (larger on the title slide, with what an
    empty cell means below it)."""
    entries = legend()
    gap = Inches(0.15)
    width = (SLIDE_WIDTH - 2 * MARGIN - gap * (len(entries) - 1)) // len(entries)
    height = Inches(0.6) if on_title else Inches(0.35)
    for index, entry in enumerate(entries):
        box = slide.shapes.add_textbox(MARGIN + index * (width + gap), top, width, height)
        box.fill.solid()
        box.fill.fore_color.rgb = RGBColor.from_string(entry.colour)
        frame = box.text_frame
        frame.word_wrap = True
        frame.vertical_anchor = MSO_ANCHOR.MIDDLE
        paragraph = frame.paragraphs[0]
        paragraph.alignment = PP_ALIGN.CENTER
        _add_run(paragraph, entry.label, size=14 if on_title else 10, bold=True)
    if on_title:
        note = slide.shapes.add_textbox(
            MARGIN, top + height + Inches(0.15), Inches(10), Inches(0.4)
        )
        _add_run(note.text_frame.paragraphs[0], EMPTY_CELL_NOTE, size=12, colour=MUTED_COLOUR)


def _title(shape, text: str):
    _place(shape, MARGIN, TITLE_TOP, SLIDE_WIDTH - 2 * MARGIN, TITLE_HEIGHT)
    shape.text_frame.word_wrap = True
    shape.text_frame.vertical_anchor = MSO_ANCHOR.MIDDLE
    _set_text(shape.text_frame, text, size=28, bold=True, colour=HEADING_COLOUR)
    shape.text_frame.paragraphs[0].alignment = PP_ALIGN.LEFT


def _place(shape, left, top, width, height):
    """The default template is 4:3; its placeholders are moved onto the 16:9 slide."""
    shape.left, shape.top, shape.width, shape.height = int(left), int(top), int(width), int(height)


def _set_text(frame, text: str, **font):
    frame.clear()
    _add_run(frame.paragraphs[0], text, **font)


def _add_run(paragraph, text: str, *, size=None, bold=False, colour=TEXT_COLOUR):
    run = paragraph.add_run()
    run.text = text
    run.font.bold = bold
    run.font.color.rgb = RGBColor.from_string(colour)
    run.font.language_id = MSO_LANGUAGE_ID.NORWEGIAN_BOKMOL
    if size:
        run.font.size = Pt(size)
    return run


def download_filename(plan: Plan, extension: str) -> str:
    """«Porteføljeplan 2026» → portefoljeplan-2026.pdf (ASCII, like the Excel export)."""
    return safe_filename(f"{plan.title}.{extension}", default="portefoljeplan")
