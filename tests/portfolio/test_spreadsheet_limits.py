"""The plan's Excel import refuses the crafted files of issue 18 before openpyxl parses them,
each in under 2 s (helsefellesskap.spreadsheets.check_xlsx): a huge XML comment, one row far
away, and a row of millions of cells. Each once cost a worker minutes."""

import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from portfolio import spreadsheet
from tests.helsefellesskap.test_spreadsheets import with_part

SHEET = "xl/worksheets/sheet1.xml"


def huge_comment(xml: bytes) -> bytes:
    return xml.replace(b"<sheetData>", b"<sheetData><!--" + b"x" * (95 * 1024 * 1024) + b"-->")


def far_away_row(xml: bytes) -> bytes:
    return xml.replace(b"</sheetData>", b'<row r="1048576"/></sheetData>')


def millions_of_cells(xml: bytes) -> bytes:
    cells = b'<c t="s"><v>0</v></c>' * 2_500_000
    return xml.replace(b"</sheetData>", b'<row r="9">' + cells + b"</row></sheetData>")


CRAFTED = {
    "a 95 MiB XML comment": (huge_comment, "for lang til å leses trygt"),
    'row r="1048576"': (far_away_row, "Arket har for mange rader: høyst 5000."),
    "a row of 2.5 million cells": (millions_of_cells, "En rad i arket har for mange celler"),
}


@pytest.fixture
def plan_workbook(plan, pll):
    return spreadsheet.export_plan(plan)


@pytest.mark.parametrize("name", CRAFTED)
def test_a_crafted_file_is_refused_in_under_two_seconds(plan, plan_workbook, name):
    change, message = CRAFTED[name]
    data = with_part(plan_workbook, SHEET, change)
    assert len(data) < 1_000_000  # small on disk

    started = time.perf_counter()
    preview = spreadsheet.preview_import(plan, data)
    elapsed = time.perf_counter() - started

    assert elapsed < 2, f"{name}: {elapsed:.1f} s"
    assert not preview.can_apply
    [problem] = preview.problems
    assert message in problem.message


def test_the_import_page_refuses_it_too(client, secretariat_user, plan, plan_workbook):
    data = with_part(plan_workbook, SHEET, far_away_row)
    client.force_login(secretariat_user)
    started = time.perf_counter()
    response = client.post(
        reverse("portfolio:plan_import", args=[plan.pk]),
        {"file": SimpleUploadedFile("plan.xlsx", data, content_type=spreadsheet.CONTENT_TYPE)},
        follow=True,  # the test's task backend reads the file at once; the worker does in use
    )
    assert time.perf_counter() - started < 2
    assert response.status_code == 422
    assert "Arket har for mange rader: høyst 5000." in response.content.decode()


def test_the_exported_plan_still_passes_the_checks(plan, plan_workbook):
    preview = spreadsheet.preview_import(plan, plan_workbook)
    assert preview.problems == [] and preview.changes == []
