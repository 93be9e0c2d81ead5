"""Excel workbooks in and out, safely.

Out: every value is written as text, and a value starting with = + - @ (or a tab or carriage
return) gets Excel's own "quote prefix", so that Excel shows it as text and never evaluates it,
also after the user edits the cell (OWASP: CSV/formula injection). Dropping the character, as
django-import-export's own escaping does for "=", would change the text.

In: an .xlsx is a zip of XML, and its cost is set by what is inside, not by the file's size. A
file of a few KB can unpack to gigabytes, hold one XML comment or text of 95 MiB (openpyxl's
parsing of one such token grows with the square of its length: minutes), name row 1 048 576 (a
reader then walks a million empty rows) or put millions of cells in one row. `check_xlsx` reads
every XML part once, in chunks, and refuses such a file with a Norwegian message before any
parser sees it; its own cost is linear in the unpacked size, which is capped.
"""

import io
import re
import zipfile
from dataclasses import dataclass

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

UNREADABLE = "Filen kan ikke leses som en Excel-fil (.xlsx). Lagre den som .xlsx og prøv igjen."


def write_text_cell(cell, value: str) -> None:
    """`value` in an openpyxl cell as text that Excel never evaluates."""
    if not value:
        return
    cell.value = value
    # openpyxl makes any string starting with "=" a formula: keep every value as text.
    cell.data_type = "s"
    if value.startswith(FORMULA_TRIGGERS):
        cell.quotePrefix = True


class UnsafeSpreadsheet(ValueError):
    """The file is refused; the message says why, in words for the user."""


class NotAWorkbook(UnsafeSpreadsheet):
    """The file is no .xlsx workbook at all (not a zip, or markup no workbook has): a caller
    may say so in its own words."""

    def __init__(self):
        super().__init__(UNREADABLE)


@dataclass(frozen=True)
class Limits:
    max_file_size: int = 5 * 1024 * 1024
    max_unpacked_size: int = 100 * 1024 * 1024
    max_rows: int = 5000
    max_cells: int = 5000 * 100
    max_cells_per_row: int = 1000
    # The longest run of XML without markup: one text, attribute or name. A cell holds at most
    # 32 767 characters (Excel's own limit), up to 4 bytes each in UTF-8.
    max_token_size: int = 32_767 * 4

    @property
    def file_size_label(self) -> str:
        return f"{self.max_file_size // (1024 * 1024)} MB"


DEFAULT_LIMITS = Limits()
CHUNK_SIZE = 64 * 1024
# Excel and openpyxl never write these into a workbook's parts; each is one unbounded token.
FORBIDDEN_MARKUP = (b"<!--", b"<![CDATA[", b"<!DOCTYPE", b"<!ENTITY")
ROW_INDEX = re.compile(rb'<(?:\w+:)?row\b[^>]*?\sr="(\d+)"')
CELL_START = re.compile(rb"<(?:\w+:)?c[\s/>]")
ROW_START = re.compile(rb"<(?:\w+:)?row[\s/>]")


def check_xlsx(data: bytes, limits: Limits = DEFAULT_LIMITS) -> None:
    """Raises UnsafeSpreadsheet unless the workbook can be parsed at a bounded cost."""
    if not data:
        raise UnsafeSpreadsheet("Filen er tom.")
    if len(data) > limits.max_file_size:
        raise UnsafeSpreadsheet(f"Filen er for stor: høyst {limits.file_size_label}.")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            if sum(info.file_size for info in members) > limits.max_unpacked_size:
                raise UnsafeSpreadsheet("Filen er for stor når den pakkes ut. Er det riktig fil?")
            for info in members:
                if info.filename.endswith((".xml", ".rels")):
                    _check_part(archive, info, limits)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, OSError):
        raise NotAWorkbook from None


def _check_part(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits) -> None:
    """One XML part read in chunks; `pending` holds the unfinished tag or text at the end of
    the chunks read so far, which the token limit keeps small."""
    is_sheet = info.filename.startswith("xl/worksheets/")
    rows = cells = cells_in_row = 0
    pending = b""
    with archive.open(info) as part:
        unpacked = 0
        while chunk := part.read(CHUNK_SIZE):
            unpacked += len(chunk)
            if unpacked > info.file_size:  # the zip's directory understated the size
                raise NotAWorkbook
            text = pending + chunk
            # Up to the last "<": every tag in `complete` is whole.
            cut = max(text.rfind(b"<"), 0)
            complete, pending = text[:cut], text[cut:]
            if len(pending) > limits.max_token_size or _longest_run(complete) > (
                limits.max_token_size
            ):
                raise UnsafeSpreadsheet(
                    "Filen har en tekst eller kommentar som er for lang til å leses trygt. "
                    "Bruk filen du lastet ned fra portalen."
                )
            if any(marker in complete for marker in FORBIDDEN_MARKUP):
                raise NotAWorkbook
            if is_sheet:
                rows, cells, cells_in_row = _count(complete, rows, cells, cells_in_row, limits)
    if any(marker in pending for marker in FORBIDDEN_MARKUP):
        raise NotAWorkbook


def _longest_run(text: bytes) -> int:
    """The longest stretch between two "<": a text, or a tag with its attributes."""
    return max((len(run) for run in text.split(b"<")), default=0)


def _count(text: bytes, rows: int, cells: int, cells_in_row: int, limits: Limits):
    for match in ROW_INDEX.finditer(text):
        if int(match[1]) > limits.max_rows:
            raise UnsafeSpreadsheet(f"Arket har for mange rader: høyst {limits.max_rows}.")
    # Cells per row: the cells after each row start belong to that row.
    pieces = ROW_START.split(text)
    for index, piece in enumerate(pieces):
        if index > 0:
            rows, cells_in_row = rows + 1, 0
        found = len(CELL_START.findall(piece))
        cells, cells_in_row = cells + found, cells_in_row + found
        if cells_in_row > limits.max_cells_per_row:
            raise UnsafeSpreadsheet(
                f"En rad i arket har for mange celler: høyst {limits.max_cells_per_row}."
            )
    if rows > limits.max_rows:
        raise UnsafeSpreadsheet(f"Arket har for mange rader: høyst {limits.max_rows}.")
    if cells > limits.max_cells:
        raise UnsafeSpreadsheet(f"Arket har for mange celler: høyst {limits.max_cells}.")
    return rows, cells, cells_in_row
