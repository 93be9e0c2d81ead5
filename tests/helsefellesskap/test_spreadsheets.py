"""Uploaded workbooks are checked at a bounded cost before any parser sees them: each crafted
file that used to keep a server busy for seconds to minutes is refused in well under 2 s, with
a Norwegian message; an ordinary workbook passes."""

import io
import time
import zipfile

import openpyxl
import pytest

from helsefellesskap.spreadsheets import (
    CONTENT_TYPE,
    Limits,
    UnsafeSpreadsheet,
    check_xlsx,
    write_text_cell,
)

SHEET = "xl/worksheets/sheet1.xml"


def workbook(rows=(("Innsatsområde", "Tiltak"), ("Psykisk helse", "Tiltak 1"))) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def with_part(data: bytes, name: str, change) -> bytes:
    """The workbook with one XML part changed (or added, when `name` is not there)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        names = source.namelist()
        for info in source.infolist():
            content = source.read(info.filename)
            archive.writestr(info.filename, change(content) if info.filename == name else content)
        if name not in names:
            archive.writestr(name, change(b""))
    return out.getvalue()


def refused(data: bytes) -> str:
    started = time.perf_counter()
    with pytest.raises(UnsafeSpreadsheet) as refusal:
        check_xlsx(data)
    assert time.perf_counter() - started < 2
    return str(refusal.value)


def test_an_ordinary_workbook_passes():
    rows = [("Område", "Tiltak", *[f"Tekst {n}" for n in range(20)])] * 400
    check_xlsx(workbook(rows))


def test_a_huge_xml_comment_is_refused_quickly():
    data = with_part(
        workbook(),
        SHEET,
        lambda xml: xml.replace(
            b"<sheetData>", b"<sheetData><!--" + b"x" * (95 * 1024 * 1024) + b"-->"
        ),
    )
    assert len(data) < 200_000  # small on disk, 95 MiB unpacked
    assert "for lang til å leses trygt" in refused(data)


def test_a_comment_full_of_markup_characters_is_refused():
    data = with_part(
        workbook(),
        SHEET,
        lambda xml: xml.replace(b"<sheetData>", b"<sheetData><!--" + b"<" * 1000 + b"-->"),
    )
    assert "kan ikke leses" in refused(data)


def test_a_huge_shared_string_is_refused():
    data = with_part(
        workbook(),
        "xl/sharedStrings.xml",
        lambda xml: (
            b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>'
            + "ø".encode() * (1024 * 1024)
            + b"</t></si></sst>"
        ),
    )
    assert "for lang" in refused(data)


def test_a_far_away_row_is_refused():
    data = with_part(
        workbook(),
        SHEET,
        lambda xml: xml.replace(b"</sheetData>", b'<row r="1048576"/></sheetData>'),
    )
    assert refused(data) == "Arket har for mange rader: høyst 5000."


def test_a_row_with_millions_of_cells_is_refused():
    cells = b"".join(b'<c t="s"><v>0</v></c>' for _ in range(2_500_000))
    data = with_part(
        workbook(),
        SHEET,
        lambda xml: xml.replace(b"</sheetData>", b'<row r="3">' + cells + b"</row></sheetData>"),
    )
    assert refused(data) == "En rad i arket har for mange celler: høyst 1000."


def test_too_many_rows_and_cells_in_all_are_refused():
    limits = Limits(max_rows=10, max_cells=30)
    with pytest.raises(UnsafeSpreadsheet, match="for mange rader"):
        check_xlsx(workbook([("a",)] * 11), limits)
    with pytest.raises(UnsafeSpreadsheet, match="for mange celler: høyst 30"):
        check_xlsx(workbook([("a", "b", "c", "d")] * 8), limits)


def test_a_zip_bomb_and_a_foreign_file_are_refused():
    bomb = with_part(workbook(), "xl/media/fyll.bin", lambda _: b"\0" * (101 * 1024 * 1024))
    assert "for stor når den pakkes ut" in refused(bomb)
    assert "kan ikke leses" in refused(b"%PDF-1.7 not a workbook")
    assert refused(b"") == "Filen er tom."
    assert refused(b"PK" + b"\0" * (6 * 1024 * 1024)) == "Filen er for stor: høyst 5 MB."


@pytest.mark.parametrize(
    "value", ["=1+1", "+47 22 00 00 00", "-tekst", "@navn", "\tinnrykk", "\rny"]
)
def test_written_text_never_becomes_a_formula(value):
    book = openpyxl.Workbook()
    cell = book.active["A1"]
    write_text_cell(cell, value)
    assert cell.value == value and cell.data_type == "s" and cell.quotePrefix
    write_text_cell(book.active["A2"], "Vanlig tekst")
    assert not book.active["A2"].quotePrefix
    assert CONTENT_TYPE.endswith("spreadsheetml.sheet")
