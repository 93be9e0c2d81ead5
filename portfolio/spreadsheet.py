"""The plan as an Excel workbook: download it, edit texts and statuses in Excel, upload it again.

One sheet, "Porteføljeplan", one row per measure: the measure's area, group and name, then a
text and a status column for each year column of the plan. Uploading is two steps: a preview
(`preview_import`) that only reads and lists what would change, and a confirmation
(`apply_import`) that writes those changes in one transaction through `editing.save_cell`, so
the version check, the history and the acting user are the same as for an edit in the grid.

What an upload can and cannot do:
- It changes the texts and statuses of measures that already exist in the plan. A measure is
  found by its area, group and name (letter case and extra spaces do not matter).
- A row for a measure the plan does not have is an error ("legg det til i portalen først"):
  adding, renaming, moving or removing areas, groups and measures is done in the portal,
  where each step is deliberate and recorded. The same holds for year columns.
- Measures left out of the sheet, and empty rows, are left alone (nothing is deleted).
- Any error anywhere means nothing can be imported: the user fixes the file and uploads it
  again. Formulas are refused: a cell must hold the text itself.
- The file knows its age: the export adds a very hidden sheet, "Versjoner", with the plan's id,
  the time of the download and each cell's version, keyed by the measure's and the year
  column's ids (so sorting or re-saving the main sheet in Excel or LibreOffice does not matter).
  A cell saved in the portal after the download is never overwritten by the file's old value;
  if the file changes it too, the preview lists it as a conflict that is applied only when the
  user chooses the file's value. A file without that sheet (older downloads, hand-made sheets)
  is read as before, with a notice that such conflicts cannot be seen.
- A visible sheet, "Merknader", carries the plan's note (one line a row: the cells that could
  not be read from the slides) and who answers for which measure; the import never reads it.
- Reading stops cleanly after a time limit (`Deadline`, checked between rows).

We write the workbook with openpyxl (the library tablib and django-import-export use for
xlsx) rather than through a tablib Dataset, because we need per-cell control: every value is
written as text, and a value starting with = + - @ (or a tab or carriage return) gets Excel's
own "quote prefix", so Excel shows it as text and never evaluates it, also after the user
edits the cell. That is the rule behind the project's IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT,
applied always and without loss: import-export's own escaping only drops a leading "=",
which would change the text and make every round trip report a change.
"""

import io
import math
import re
import time
from collections.abc import Collection
from dataclasses import asdict, dataclass, field
from datetime import date, datetime

import openpyxl
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from helsefellesskap.spreadsheets import (
    CONTENT_TYPE,
    Limits,
    NotAWorkbook,
    UnsafeSpreadsheet,
    check_xlsx,
    write_text_cell,
)

from . import editing
from .documents import note_lines, responsibilities
from .grid import PlanGrid
from .models import CELL_TEXT_MAX_LENGTH, Cell, Column, Measure, Plan, Status

SHEET_NAME = "Porteføljeplan"
AREA_HEADER = "Innsatsområde"
GROUP_HEADER = "Tiltaksgruppe"
MEASURE_HEADER = "Tiltak"
NAME_HEADERS = (AREA_HEADER, GROUP_HEADER, MEASURE_HEADER)
TEXT_SUFFIX = "tekst"
STATUS_SUFFIX = "status"
IMPORT_COMMENT = "Importert fra Excel"

# CONTENT_TYPE is the views'; the shared plumbing lives in helsefellesskap.spreadsheets.
__all__ = ["CONTENT_TYPE", "apply_import", "export_plan", "preview_import"]

VERSION_SHEET = "Versjoner"
NOTES_SHEET = "Merknader"
NOTES_HEADERS = ("Merknad til planen", MEASURE_HEADER, "Ansvar")
VERSION_NOTE = (
    "Ikke endre dette arket. Det viser hvilken versjon av hver celle filen ble lastet ned fra, "
    "slik at importen kan varsle om endringer gjort i portalen etter nedlastingen."
)

MAX_FILE_SIZE = 5 * 1024 * 1024
MAX_FILE_SIZE_LABEL = "5 MB"
# An .xlsx is a zip of XML; a small file can unpack to gigabytes (a "zip bomb").
MAX_UNPACKED_SIZE = 100 * 1024 * 1024
MAX_ROWS = 5000
# Three name columns and a text/status pair per year: 100 is far beyond any real plan, and
# stops a sheet with thousands of columns from being read into memory.
MAX_COLUMNS = 100
MAX_ERRORS = 100
# What check_xlsx lets through to openpyxl: the sheet's rows and cells are bounded before it is
# parsed, as is every text, comment and name in it (helsefellesskap.spreadsheets).
LIMITS = Limits(
    max_file_size=MAX_FILE_SIZE,
    max_unpacked_size=MAX_UNPACKED_SIZE,
    max_rows=MAX_ROWS,
    max_cells=MAX_ROWS * MAX_COLUMNS,
)
# "2025 – tekst": the heading, a dash (en dash as exported; a hyphen or em dash typed by hand
# is accepted too), and which half of the pair.
YEAR_HEADER = re.compile(
    rf"^(?P<heading>.+?)\s*[–—-]\s*(?P<kind>{TEXT_SUFFIX}|{STATUS_SUFFIX})$", re.IGNORECASE
)
UNREADABLE = (
    "Filen kunne ikke leses som et Excel-regneark (.xlsx). Last ned planen som Excel på nytt, "
    "eller lagre filen som «Excel-arbeidsbok (.xlsx)» og prøv igjen."
)


def text_header(column: Column) -> str:
    return f"{column.heading} – {TEXT_SUFFIX}"


def status_header(column: Column) -> str:
    return f"{column.heading} – {STATUS_SUFFIX}"


# --- Export ---


def export_plan(plan: Plan) -> bytes:
    """Today's plan as an .xlsx workbook, read through `PlanGrid.current`."""
    grid = PlanGrid.current(plan)
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = SHEET_NAME
    workbook.properties.title = plan.title
    workbook.properties.language = "nb-NO"

    headers = list(NAME_HEADERS)
    for column in grid.columns:
        headers += [text_header(column), status_header(column)]
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(vertical="top", wrap_text=True)

    row_count = 0
    for area in grid.areas:
        for group in area.groups:
            for measure in group.measures:
                values = [area.name, group.name, measure.name]
                for grid_cell in measure.cells:
                    values += [grid_cell.text, grid_cell.status_label]
                row_count += 1
                _write_row(sheet, row_count + 1, values)

    widths = [28, 28, 45] + [40, 18] * len(grid.columns)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "D2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{row_count + 1}"
    if grid.columns and row_count:
        _add_status_choices(sheet, len(grid.columns), row_count)
    _add_notes_sheet(workbook, plan, grid)
    _add_version_sheet(workbook, plan, grid)

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _write_row(sheet, row_number: int, values: list[str]) -> None:
    for column_number, value in enumerate(values, start=1):
        cell = sheet.cell(row=row_number, column=column_number)
        write_text_cell(cell, value)
        cell.alignment = Alignment(vertical="top", wrap_text=True)


def _add_status_choices(sheet, column_count: int, row_count: int) -> None:
    """A drop-down of the four status labels in every status column (Excel still lets the
    user type; the import checks the value either way)."""
    labels = ",".join(label for _, label in Status.choices)
    validation = DataValidation(
        type="list",
        formula1=f'"{labels}"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Ukjent status",
        error="Velg en av statusene i listen, eller la cellen stå tom.",
    )
    for index in range(column_count):
        letter = get_column_letter(len(NAME_HEADERS) + 2 * index + 2)
        validation.add(f"{letter}2:{letter}{row_count + 1}")
    sheet.add_data_validation(validation)


def _add_notes_sheet(workbook, plan: Plan, grid: PlanGrid) -> None:
    """The plan's note, a line a row, beside the measures that name who answers for them (the
    same words as the PDF's «Ansvar»); no sheet when the plan has neither. No more rows than
    the plan's sheet plus the note."""
    texts = responsibilities(plan)
    responsible = [
        (measure.name, texts[measure.pk])
        for area in grid.areas
        for group in area.groups
        for measure in group.measures
        if measure.pk in texts
    ]
    lines = note_lines(plan)
    if not (lines or responsible):
        return
    sheet = workbook.create_sheet(NOTES_SHEET)
    sheet.append(NOTES_HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index in range(max(len(lines), len(responsible))):
        note = lines[index] if index < len(lines) else ""
        measure, text = responsible[index] if index < len(responsible) else ("", "")
        _write_row(sheet, index + 2, [note, measure, text])
    for letter, width in zip("ABC", (90, 45, 40), strict=True):
        sheet.column_dimensions[letter].width = width


def _add_version_sheet(workbook, plan: Plan, grid: PlanGrid) -> None:
    """What the file was exported from. The first row: a note, the plan's id, the time, and the
    year columns' ids; then a row per measure: its id and its cells' versions. No more rows
    than the plan's own sheet, so it stays within the import's limits. Very hidden: Excel
    shows it only to macros; LibreOffice keeps it hidden."""
    sheet = workbook.create_sheet(VERSION_SHEET)
    sheet.sheet_state = "veryHidden"
    columns = [column.pk for column in grid.columns]
    sheet.append([VERSION_NOTE, plan.pk, timezone.now().isoformat(), *columns])
    for area in grid.areas:
        for group in area.groups:
            for measure in group.measures:
                sheet.append([measure.pk, *[grid_cell.version for grid_cell in measure.cells]])
    sheet.protection.sheet = True


# --- Import: preview ---


class WritingTooSlow(Exception):
    """Writing the file's changes took longer than the time limit; all were rolled back."""

    def __init__(self, seconds: float):
        super().__init__(
            f"Det tok for lang tid å skrive endringene inn i planen (over {seconds:g} sekunder), "
            "så importen ble stoppet. Ingenting er endret. Del endringene i flere mindre filer, "
            "og importer dem hver for seg."
        )


class ReadingTooSlow(Exception):
    """Reading the file took longer than the time limit; nothing was read into the plan."""

    def __init__(self, seconds: float):
        super().__init__(
            f"Filen tok for lang tid å lese (over {seconds:g} sekunder), så lesingen ble "
            "stoppet. Ingenting er endret. Fjern det som ikke hører til planen fra filen, eller "
            "last ned planen på nytt og før inn endringene der, og last opp filen igjen."
        )


@dataclass
class Deadline:
    """A time limit for reading a file (checked between rows) or writing it into the plan
    (checked between cells), cooperatively."""

    seconds: float
    started: float = field(default_factory=time.monotonic)
    too_slow: type[Exception] = ReadingTooSlow

    def check(self) -> None:
        if time.monotonic() - self.started > self.seconds:
            raise self.too_slow(self.seconds)


NO_DEADLINE = Deadline(math.inf)


@dataclass(frozen=True)
class ExportMarker:
    """What the "Versjoner" sheet says the file was exported from."""

    plan_id: int
    exported_at: datetime
    versions: dict[tuple[int, int], int]

    def version_of(self, change: "CellUpdate") -> int:
        """The cell's version at the download; 0 when it had no text then (or did not exist)."""
        return self.versions.get((change.measure_id, change.column_id), 0)


@dataclass(frozen=True)
class ImportProblem:
    """Something in the file that stops the import. `row` is the row number as Excel shows
    it (the header is row 1); None for the file or the sheet as a whole."""

    message: str
    row: int | None = None
    column: str = ""


@dataclass
class CellUpdate:
    """One cell whose text or status the file changes, and the version it had when read."""

    measure_id: int
    column_id: int
    area: str
    group: str
    measure: str
    heading: str
    old_text: str
    old_status: str
    new_text: str
    new_status: str
    version: int
    row: int
    # Of a conflict: who last saved the cell in the portal after the download, and when.
    changed_by: str = ""
    changed_at: str = ""

    @property
    def changed_at_time(self) -> datetime | None:
        return datetime.fromisoformat(self.changed_at) if self.changed_at else None

    @property
    def text_changed(self) -> bool:
        return _normalise_newlines(self.old_text) != _normalise_newlines(self.new_text)

    @property
    def status_changed(self) -> bool:
        return self.old_status != self.new_status

    @property
    def old_status_label(self) -> str:
        return Status(self.old_status).label if self.old_status else ""

    @property
    def new_status_label(self) -> str:
        return Status(self.new_status).label if self.new_status else ""


class Marker:
    """Whether the file says what it was exported from (ImportPreview.marker)."""

    FOUND = "found"
    MISSING = "missing"
    OTHER_PLAN = "other_plan"


@dataclass
class ImportPreview:
    """What an uploaded file would change. Only a preview without problems can be applied.

    `changes` are applied on confirmation; `conflicts` (cells the file changes that were also
    saved in the portal after the download) only when chosen; `kept_newer` counts cells saved
    after the download that the file leaves as they were downloaded: they keep the plan's
    value."""

    problems: list[ImportProblem] = field(default_factory=list)
    changes: list[CellUpdate] = field(default_factory=list)
    measure_rows: int = 0
    conflicts: list[CellUpdate] = field(default_factory=list)
    kept_newer: int = 0
    marker: str = Marker.MISSING
    exported_at: str = ""

    @property
    def can_apply(self) -> bool:
        return not self.problems and bool(self.changes or self.conflicts)

    @property
    def exported_at_time(self) -> datetime | None:
        return datetime.fromisoformat(self.exported_at) if self.exported_at else None

    @property
    def file_problems(self) -> list[ImportProblem]:
        return [problem for problem in self.problems if problem.row is None]

    @property
    def row_problems(self) -> list[ImportProblem]:
        return [problem for problem in self.problems if problem.row is not None]

    def as_data(self) -> dict:
        """The preview as plain data, to keep between reading and confirmation."""
        return asdict(self)

    @classmethod
    def from_data(cls, data: dict) -> "ImportPreview":
        return cls(
            **data
            | {
                "problems": [ImportProblem(**problem) for problem in data["problems"]],
                "changes": [CellUpdate(**change) for change in data["changes"]],
                "conflicts": [CellUpdate(**change) for change in data["conflicts"]],
            }
        )


class UnreadableFile(Exception):
    pass


class _Problems(list):
    """Collects problems; stops the reading once there are too many to be useful."""

    class Full(Exception):
        pass

    def add(self, message: str, row: int | None = None, column: str = "") -> None:
        if len(self) >= MAX_ERRORS:
            self.append(
                ImportProblem(f"Det er mer enn {MAX_ERRORS} feil i filen. Rett opp disse først.")
            )
            raise self.Full
        self.append(ImportProblem(message, row, column))


def preview_import(plan: Plan, uploaded_file, *, deadline: Deadline = NO_DEADLINE) -> ImportPreview:
    """Read an uploaded workbook (a file object or bytes) and list what it would change in
    today's plan. Writes nothing. ReadingTooSlow when `deadline` passes."""
    data = uploaded_file if isinstance(uploaded_file, bytes) else uploaded_file.read()
    try:
        rows, marker = _read_workbook(data, deadline)
    except UnreadableFile as problem:
        return ImportPreview(problems=[ImportProblem(str(problem))])

    grid = PlanGrid.current(plan)
    problems = _Problems()
    preview = ImportPreview(problems=problems)
    try:
        layout = _read_header(rows[0] if rows else [], grid, problems)
        if layout is not None and not problems:
            _read_measure_rows(rows, layout, grid, preview, problems, deadline)
    except _Problems.Full:
        pass
    preview.problems = list(problems)
    if marker is not None and marker.plan_id != plan.pk:
        preview.marker = Marker.OTHER_PLAN
    elif marker is not None:
        preview.marker, preview.exported_at = Marker.FOUND, marker.exported_at.isoformat()
        if not preview.problems:
            _separate_conflicts(preview, marker)
    return preview


def _read_workbook(data: bytes, deadline: Deadline) -> tuple[list[list], ExportMarker | None]:
    """The sheet's rows as lists of values (a formula is kept as a `_Formula`), and what the
    file says it was exported from."""
    try:
        # Before openpyxl sees it: a small file can hold work that grows without bound.
        check_xlsx(data, LIMITS)
    except NotAWorkbook:
        raise UnreadableFile(UNREADABLE) from None
    except UnsafeSpreadsheet as refusal:
        raise UnreadableFile(str(refusal)) from None
    deadline.check()
    try:
        # read_only streams the sheet; data_only=False so that formulas can be recognised.
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:  # openpyxl raises many kinds of errors for a damaged or foreign file
        raise UnreadableFile(UNREADABLE) from None
    try:
        return _read_rows(workbook, deadline), _read_marker(workbook, deadline)
    finally:
        workbook.close()


def _read_rows(workbook, deadline: Deadline) -> list[list]:
    if SHEET_NAME not in workbook.sheetnames:
        names = [name for name in workbook.sheetnames if name != VERSION_SHEET]
        found = ", ".join(f"«{name}»" for name in names) or "ingen"
        raise UnreadableFile(
            f"Fant ikke arket «{SHEET_NAME}». Arkene i filen heter: {found}. Bruk filen du "
            f"lastet ned fra planen, og gi ikke arket nytt navn."
        )
    sheet = workbook[SHEET_NAME]
    # Ignore the stored size of the sheet (it can be wrong, or absurdly large) and read
    # only the cells that are there.
    sheet.reset_dimensions()
    rows = []
    try:
        for index, row in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS), start=1):
            deadline.check()
            values = [_cell_value(cell) for cell in row]
            if index > MAX_ROWS and any(_present(value) for value in values):
                raise UnreadableFile(f"Arket har for mange rader: høyst {MAX_ROWS}.")
            if index <= MAX_ROWS:
                rows.append(values)
    except (UnreadableFile, ReadingTooSlow):
        raise
    except Exception:
        raise UnreadableFile(UNREADABLE) from None
    return rows


def _read_marker(workbook, deadline: Deadline) -> ExportMarker | None:
    """The "Versjoner" sheet (see `_add_version_sheet`); None when the file has none, or one
    that cannot be understood (then the file is read as one without it)."""
    if VERSION_SHEET not in workbook.sheetnames:
        return None
    sheet = workbook[VERSION_SHEET]
    sheet.reset_dimensions()
    rows = sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS, max_row=MAX_ROWS)
    try:
        first = next(rows)
        plan_id, exported_at = first[1:3]
        column_ids = [_whole(value) for value in first[3:] if value is not None]
        versions = {}
        for row in rows:
            deadline.check()
            if row and row[0] is not None:
                for column_id, version in zip(column_ids, row[1:], strict=False):
                    versions[(_whole(row[0]), column_id)] = _whole(version or 0)
        if not isinstance(exported_at, datetime):
            exported_at = datetime.fromisoformat(str(exported_at))
        return ExportMarker(_whole(plan_id), exported_at, versions)
    except (StopIteration, TypeError, ValueError):
        return None
    except ReadingTooSlow:
        raise
    except Exception:  # a damaged sheet: read the file as one without it
        return None


def _whole(value) -> int:
    """A whole number as a spreadsheet gives it back (an int, a float such as 3.0, or text)."""
    number = float(value)
    if not number.is_integer():
        raise ValueError(value)
    return int(number)


@dataclass(frozen=True)
class _Formula:
    source: str


def _cell_value(cell):
    if getattr(cell, "data_type", None) == "f":
        return _Formula(str(cell.value))
    return cell.value


def _present(value) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def _as_text(value) -> str:
    """A cell's value as the text the user sees (Excel may turn "2025" into a number)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.strftime("%d.%m.%Y %H:%M") if value.time() else value.strftime("%d.%m.%Y")
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    return str(value).strip()


def _name_key(value: str) -> str:
    return " ".join(value.split()).casefold()


def _normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


@dataclass
class _Layout:
    """Where each column is: the three names, and a (text, status) index pair per column."""

    names: dict[str, int]
    years: list[tuple[Column, int, int]]


def _read_header(header: list, grid: PlanGrid, problems: _Problems) -> _Layout | None:
    """Find each expected column by its heading in the first row; any heading the download
    does not have, twice, or missing is a problem."""
    if not any(_present(value) for value in header):
        problems.add(
            "Første rad i arket må være overskriftene: "
            f"{', '.join(NAME_HEADERS)} og en tekst- og statuskolonne per år."
        )
        return None
    names, halves = _read_header_titles(header, grid, problems)
    for name in NAME_HEADERS:
        if name not in names:
            problems.add(f"Kolonnen «{name}» mangler.", 1, name)
    return _Layout(names=names, years=_year_columns(grid, halves, problems))


def _read_header_titles(
    header: list, grid: PlanGrid, problems: _Problems
) -> tuple[dict[str, int], dict[tuple[int, str], int]]:
    """The index of each name column, and of each (column pk, "tekst"/"status") half."""
    names: dict[str, int] = {}
    halves: dict[tuple[int, str], int] = {}
    seen: set[str] = set()
    for index, value in enumerate(header):
        if isinstance(value, _Formula):
            problems.add("En overskrift kan ikke være en formel.", 1, get_column_letter(index + 1))
            continue
        if not _present(value):
            continue
        title = _as_text(value)
        key = _name_key(title)
        if key in seen:
            problems.add(f"Kolonnen «{title}» står to ganger.", 1, title)
            continue
        seen.add(key)
        name_header = next((name for name in NAME_HEADERS if _name_key(name) == key), None)
        if name_header:
            names[name_header] = index
            continue
        half = _year_half(title, grid, problems)
        if half is not None:
            halves[half] = index
    return names, halves


def _year_half(title: str, grid: PlanGrid, problems: _Problems) -> tuple[int, str] | None:
    """("2025 – tekst") → (the 2025 column's pk, "tekst"); None, with a problem, for a heading
    that is not one of the plan's year columns."""
    match = YEAR_HEADER.match(title)
    if not match:
        problems.add(
            f"Ukjent kolonne «{title}». Arket kan bare ha kolonnene fra nedlastingen: "
            f"{', '.join(NAME_HEADERS)} og «<år> – tekst» og «<år> – status» for hvert år.",
            1,
            title,
        )
        return None
    plan_headings = {_name_key(column.heading): column for column in grid.columns}
    column = plan_headings.get(_name_key(match["heading"]))
    if column is None:
        plan_years = ", ".join(column.heading for column in grid.columns)
        problems.add(
            f"Kolonnen «{title}» hører ikke til planen: planen har ikke året "
            f"«{match['heading']}». Planens år er: {plan_years}. Nye år legges til i portalen.",
            1,
            title,
        )
        return None
    return column.pk, match["kind"].lower()


def _year_columns(
    grid: PlanGrid, halves: dict[tuple[int, str], int], problems: _Problems
) -> list[tuple[Column, int | None, int | None]]:
    """(column, text index, status index) for each of the plan's year columns."""
    years = []
    for column in grid.columns:
        text_index = halves.get((column.pk, TEXT_SUFFIX))
        status_index = halves.get((column.pk, STATUS_SUFFIX))
        if text_index is None:
            problems.add(f"Kolonnen «{text_header(column)}» mangler.", 1, text_header(column))
        if status_index is None:
            problems.add(f"Kolonnen «{status_header(column)}» mangler.", 1, status_header(column))
        years.append((column, text_index, status_index))
    return years


@dataclass(frozen=True)
class _Row:
    """One row of the sheet: its number as Excel shows it, and its values."""

    number: int
    values: list

    def value_at(self, index: int | None):
        return self.values[index] if index is not None and index < len(self.values) else None


@dataclass
class _PlanMeasures:
    """The plan's measures by their (area, group, measure) name keys, and the known areas and
    groups, to say which part of an unknown row's names is new."""

    measures: dict[tuple[str, str, str], list] = field(default_factory=dict)
    areas: set[str] = field(default_factory=set)
    groups: set[tuple[str, str]] = field(default_factory=set)

    @classmethod
    def of(cls, grid: PlanGrid) -> "_PlanMeasures":
        found = cls()
        for area in grid.areas:
            found.areas.add(_name_key(area.name))
            for group in area.groups:
                found.groups.add((_name_key(area.name), _name_key(group.name)))
                for measure in group.measures:
                    key = (_name_key(area.name), _name_key(group.name), _name_key(measure.name))
                    found.measures.setdefault(key, []).append((area, group, measure))
        return found


STATUS_BY_LABEL = {_name_key(label): value for value, label in Status.choices}
STATUS_LABELS = ", ".join(label for _, label in Status.choices)


def _read_measure_rows(rows, layout: _Layout, grid: PlanGrid, preview, problems, deadline) -> None:
    """Check every row below the header and add each cell it changes to the preview."""
    plan_measures = _PlanMeasures.of(grid)
    used_columns = set(layout.names.values()) | {
        index for _, text, status in layout.years for index in (text, status)
    }
    first_row_of: dict[tuple[str, str, str], int] = {}
    for row_number, values in enumerate(rows[1:], start=2):
        deadline.check()
        if not any(_present(value) for value in values):
            continue
        row = _Row(row_number, values)
        _check_unlabelled_values(row, used_columns, problems)
        names = _read_names(row, layout, problems)
        if names is None:
            continue
        key = tuple(_name_key(names[header]) for header in NAME_HEADERS)
        found = _find_measure(row, names, key, plan_measures, problems)
        if found is None:
            continue
        if key in first_row_of:
            problems.add(
                f"Tiltaket står også i rad {first_row_of[key]}. Hvert tiltak kan bare stå én "
                "gang i arket.",
                row.number,
                MEASURE_HEADER,
            )
            continue
        first_row_of[key] = row.number
        preview.measure_rows += 1
        _read_changes(row, layout, found, preview, problems)


def _check_unlabelled_values(row: _Row, used_columns: set, problems: _Problems) -> None:
    for index, value in enumerate(row.values):
        if index not in used_columns and _present(value):
            problems.add(
                "Det står noe i en kolonne uten overskrift. Fjern det, eller flytt det til "
                "riktig kolonne.",
                row.number,
                f"kolonne {get_column_letter(index + 1)}",
            )
            return


def _read_names(row: _Row, layout: _Layout, problems: _Problems) -> dict[str, str] | None:
    """The row's area, group and measure names; None (with a problem) if one is a formula or
    missing."""
    names = {}
    row_ok = True
    for header, index in layout.names.items():
        value = row.value_at(index)
        if isinstance(value, _Formula):
            problems.add("Cellen inneholder en formel. Skriv navnet i stedet.", row.number, header)
            row_ok = False
        names[header] = _as_text(value)
    if not row_ok:
        return None
    missing = [header for header in NAME_HEADERS if not names[header]]
    if missing:
        problems.add(
            f"{', '.join(missing)} mangler. Hver rad må ha innsatsområde, tiltaksgruppe og tiltak.",
            row.number,
            missing[0],
        )
        return None
    return names


def _find_measure(row: _Row, names: dict, key: tuple, plan_measures: _PlanMeasures, problems):
    """The (area, group, measure) of the grid the row names; None, with a problem, if the plan
    has none or several of that name."""
    found = plan_measures.measures.get(key, [])
    if not found:
        _report_unknown_measure(row, names, key, plan_measures, problems)
        return None
    if len(found) > 1:
        problems.add(
            f"Planen har {len(found)} tiltak som heter «{names[MEASURE_HEADER]}» i samme "
            "tiltaksgruppe, så raden kan ikke knyttes til ett av dem. Gi dem ulike navn i "
            "portalen, eller endre dem der.",
            row.number,
            MEASURE_HEADER,
        )
        return None
    return found[0]


def _report_unknown_measure(row: _Row, names: dict, key: tuple, plan_measures, problems) -> None:
    """Say which name is new: the area, the group, or only the measure."""
    area_name, group_name, measure_name = (names[header] for header in NAME_HEADERS)
    if key[0] not in plan_measures.areas:
        problems.add(
            f"Ukjent innsatsområde «{area_name}». Nye innsatsområder kan ikke legges til "
            "fra Excel – legg det til i portalen først.",
            row.number,
            AREA_HEADER,
        )
    elif key[:2] not in plan_measures.groups:
        problems.add(
            f"Ukjent tiltaksgruppe «{group_name}» under «{area_name}». Nye "
            "tiltaksgrupper kan ikke legges til fra Excel – legg den til i portalen "
            "først.",
            row.number,
            GROUP_HEADER,
        )
    else:
        problems.add(
            f"Ukjent tiltak «{measure_name}» under «{area_name}» › «{group_name}». Nye "
            "tiltak kan ikke legges til fra Excel – legg det til i portalen først, og "
            "last ned planen på nytt.",
            row.number,
            MEASURE_HEADER,
        )


def _read_changes(row: _Row, layout: _Layout, found: tuple, preview, problems) -> None:
    """Add to the preview each of the measure's cells whose text or status the row changes."""
    area, group, measure = found
    cells = {grid_cell.column.pk: grid_cell for grid_cell in measure.cells}
    for column, text_index, status_index in layout.years:
        value = _read_year(row, column, text_index, status_index, problems)
        if value is None:
            continue
        text, status = value
        current = cells[column.pk]
        if (
            _normalise_newlines(current.text) == _normalise_newlines(text)
            and current.status == status
        ):
            continue
        preview.changes.append(
            CellUpdate(
                measure_id=measure.pk,
                column_id=column.pk,
                area=area.name,
                group=group.name,
                measure=measure.name,
                heading=column.heading,
                old_text=current.text,
                old_status=current.status,
                new_text=text,
                new_status=status,
                version=current.version,
                row=row.number,
            )
        )


def _read_year(row: _Row, column: Column, text_index, status_index, problems):
    """The (text, status) a row gives one year column; None, with problems, if either is not
    acceptable (both are checked, so the user sees both problems at once)."""
    text = _read_text(row, column, row.value_at(text_index), problems)
    status = _read_status(row, column, row.value_at(status_index), problems)
    if text is None or status is None:
        return None
    return text, status


def _read_text(row: _Row, column: Column, value, problems: _Problems) -> str | None:
    if isinstance(value, _Formula):
        problems.add(
            "Cellen inneholder en formel. Skriv teksten i stedet.", row.number, text_header(column)
        )
        return None
    text = _as_text(value)
    if len(text) > CELL_TEXT_MAX_LENGTH:
        problems.add(
            f"Teksten er {len(text)} tegn; høyst {CELL_TEXT_MAX_LENGTH} er tillatt.",
            row.number,
            text_header(column),
        )
        return None
    return text


def _read_status(row: _Row, column: Column, value, problems: _Problems) -> str | None:
    if isinstance(value, _Formula):
        problems.add(
            "Cellen inneholder en formel. Velg en status i stedet.",
            row.number,
            status_header(column),
        )
        return None
    status_text = _as_text(value)
    status = STATUS_BY_LABEL.get(_name_key(status_text)) if status_text else ""
    if status is None:
        problems.add(
            f"Ukjent status «{status_text}». Bruk en av: {STATUS_LABELS} – eller la "
            "cellen stå tom.",
            row.number,
            status_header(column),
        )
    return status


# --- Import: cells saved in the portal after the download ---

HISTORY_CHUNK = 500


def _separate_conflicts(preview: ImportPreview, marker: ExportMarker) -> None:
    """Sort out the changes to cells saved after the download (their version differs from the
    file's): where the file still has the value as downloaded, the plan's newer value stays and
    the change is dropped; where the file changed it too, it becomes a conflict, naming who
    saved the cell last and when. When the downloaded value is not known (no history record),
    the change is a conflict: the user decides."""
    stale = [change for change in preview.changes if change.version != marker.version_of(change)]
    if not stale:
        return
    history = _history_of(stale)
    names = _names_of(
        {record["history_user_id"] for records in history.values() for record in records}
    )
    stale_ids = set()
    for change in stale:
        records = history.get((change.measure_id, change.column_id), [])
        exported = _value_at(records, marker.version_of(change))
        stale_ids.add(id(change))
        if exported is not None and _same(exported, (change.new_text, change.new_status)):
            preview.kept_newer += 1
            continue
        if records:
            change.changed_by = names.get(records[-1]["history_user_id"], "System")
            change.changed_at = records[-1]["history_date"].isoformat()
        preview.conflicts.append(change)
    preview.changes = [change for change in preview.changes if id(change) not in stale_ids]


def _history_of(changes: list[CellUpdate]) -> dict[tuple[int, int], list[dict]]:
    """The history records of the changed cells, oldest first, by (measure id, column id): a
    query per 500 measures."""
    wanted = {(change.measure_id, change.column_id) for change in changes}
    measure_ids = sorted({measure_id for measure_id, _ in wanted})
    found: dict[tuple[int, int], list[dict]] = {}
    for start in range(0, len(measure_ids), HISTORY_CHUNK):
        records = (
            Cell.history.filter(measure_id__in=measure_ids[start : start + HISTORY_CHUNK])
            .order_by("history_date", "history_id")
            .values(
                "measure_id",
                "column_id",
                "version",
                "text",
                "status",
                "history_user_id",
                "history_date",
            )
        )
        for record in records:
            key = (record["measure_id"], record["column_id"])
            if key in wanted:
                found.setdefault(key, []).append(record)
    return found


def _value_at(records: list[dict], version: int) -> tuple[str, str] | None:
    """The (text, status) a cell had at `version`; None when no record says."""
    if version == 0:
        return "", ""
    at_version = [record for record in records if record["version"] == version]
    return (at_version[-1]["text"], at_version[-1]["status"]) if at_version else None


def _same(value: tuple[str, str], other: tuple[str, str]) -> bool:
    return _normalise_newlines(value[0]) == _normalise_newlines(other[0]) and value[1] == other[1]


def _names_of(user_ids: set) -> dict[int, str]:
    users = get_user_model().objects.filter(pk__in=[pk for pk in user_ids if pk is not None])
    return {user.pk: user.get_full_name() or user.get_username() for user in users}


# --- Import: applying a preview ---


class ImportConflict(Exception):
    """A cell changed (or its measure or year disappeared) after the preview; nothing was
    written."""

    def __init__(self, change: CellUpdate, reason: str):
        super().__init__(
            f"«{change.measure}» ({change.heading}) {reason} etter at du lastet opp filen. "
            "Ingenting er importert. Last opp filen på nytt for å se endringene slik planen er nå."
        )
        self.change = change


def apply_import(
    plan: Plan,
    preview: ImportPreview,
    user,
    *,
    take_conflicts: Collection[int] = (),
    deadline: Deadline = NO_DEADLINE,
) -> int:
    """Write every change of a preview, and the conflicts whose index is in `take_conflicts`
    (the file's value chosen over the plan's), all or nothing; returns the number of cells
    changed.

    Each cell is saved on top of the version the preview read: if anyone saved it since,
    `ImportConflict` names the cell and the whole import is rolled back; so is it when the
    writing passes `deadline` (`WritingTooSlow`).
    """
    if preview.problems:
        raise ValueError("A preview with problems cannot be applied.")
    chosen = preview.changes + [
        conflict for index, conflict in enumerate(preview.conflicts) if index in take_conflicts
    ]
    measures = Measure.objects.of_plan(plan).in_bulk([change.measure_id for change in chosen])
    columns = {column.pk: column for column in plan.columns.all()}
    with transaction.atomic():
        for change in chosen:
            deadline.check()
            measure, column = measures.get(change.measure_id), columns.get(change.column_id)
            if measure is None or column is None:
                raise ImportConflict(change, "er fjernet fra planen")
            try:
                editing.save_cell(
                    measure=measure,
                    column=column,
                    change=editing.CellChange(
                        text=change.new_text, status=change.new_status, comment=IMPORT_COMMENT
                    ),
                    based_on_version=change.version,
                    user=user,
                )
            except editing.StaleCellEdit:
                raise ImportConflict(change, "er endret av noen andre") from None
    return len(chosen)
