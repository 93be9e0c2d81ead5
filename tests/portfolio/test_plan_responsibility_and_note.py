"""Issue 16: a measure names who answers for it as the slides say («Oppdrag fra SSU», «Prosjekt
LSU»), and the plan's note of cells that could not be read from the slides goes with the plan
into every export: the PDF, the PowerPoint and the Excel file (whose import still reads it
back without a change)."""

import re
import subprocess
from io import BytesIO

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse
from pptx import Presentation

from helsefellesskap.models import Body
from portfolio import spreadsheet
from portfolio.documents import plan_pdf, plan_pptx
from portfolio.models import Measure, Plan

SSU_TASK = "Ansvar: Strategisk samarbeidsutvalg (Oppdrag fra SSU)"
UNREADABLE = [
    "Kartlegge brukerreiser og samhandlingsmodeller (uleselig, trolig et LSU-prosjekt)",
    "alle tre cellene ved Kompetansebroen.no (uleselige)",
    "Tidlig hjemreise fra barsel (uleselig)",
]


@pytest.fixture
def real_plan(db):
    call_command("loaddata", "register", "portfolio", verbosity=0)
    return Plan.objects.get(title="Porteføljeplan 2026", body=None)


def flat(text: str) -> str:
    """Text with every run of white space as one space (a PDF wraps lines where it likes)."""
    return re.sub(r"\s+", " ", text)


def test_the_slides_ssu_tasks_and_lsu_projects_are_the_measures_responsibilities(real_plan):
    measures = Measure.objects.of_plan(real_plan)
    ssu = Body.objects.get(short_name="SSU")
    ssu_tasks = measures.filter(assignment="Oppdrag fra SSU")
    assert sorted(m.name[:40] for m in ssu_tasks) == [
        "Beskrive sykehusenes ansvar og hva som e",
        "Kartlegge eksisterende tiltak i sykehuse",
    ]
    assert {m.responsible_body for m in ssu_tasks} == {ssu}
    lsu_projects = measures.filter(assignment="Prosjekt LSU")
    assert sorted(m.name[:40] for m in lsu_projects) == [
        "Kvalitetssikre utskrivningsprosessene et",
        "Unngår unødvendige ø-hjelpsinnleggelser ",
    ]
    # «Prosjekt LSU» names no one LSU: the slides leave the body open.
    assert {m.responsible_body for m in lsu_projects} == {None}
    assert measures.exclude(responsible_body=None).count() == 2
    assert measures.exclude(assignment="").count() == 4


def test_the_secretariat_sees_and_sets_the_responsibility_of_a_measure(
    client, secretariat_user, real_plan
):
    measure = Measure.objects.of_plan(real_plan).get(assignment="Oppdrag fra SSU", position=1)
    client.force_login(secretariat_user)
    page = client.get(reverse("portfolio:cell_edit", args=[real_plan.pk, measure.pk, 2025]))
    assert SSU_TASK in page.content.decode()

    lsu = Body.objects.get(short_name="LSU OUS")
    response = client.post(
        reverse("portfolio:measure_edit", args=[real_plan.pk, measure.pk]),
        {
            "name": measure.name,
            "group": measure.group_id,
            "responsible_body": lsu.pk,
            "assignment": "Prosjekt LSU",
            "overall_measure": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    measure.refresh_from_db()
    assert (measure.responsible_body, measure.assignment) == (lsu, "Prosjekt LSU")


def test_the_pdf_prints_the_note_of_unreadable_cells_and_the_responsibilities(real_plan, tmp_path):
    path = tmp_path / "plan.pdf"
    path.write_bytes(plan_pdf(real_plan))
    text = flat(
        subprocess.run(
            ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout
    )
    assert "Merknad til planen" in text
    for unreadable in UNREADABLE:
        assert unreadable in text
    assert text.count(SSU_TASK) == 2
    assert text.count("Ansvar: Prosjekt LSU") == 2


def test_the_slides_have_a_note_slide_and_the_responsibilities(real_plan):
    deck = Presentation(BytesIO(plan_pptx(real_plan)))
    texts = []
    for slide in deck.slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                texts.append(shape.text_frame.text)
            if shape.has_table:
                texts.extend(cell.text for row in shape.table.rows for cell in row.cells)
    text = flat(" ".join(texts))
    assert "Merknad til planen" in text
    for unreadable in UNREADABLE:
        assert unreadable in text
    assert text.count(SSU_TASK) == 2
    assert text.count("Ansvar: Prosjekt LSU") == 2


def test_the_workbook_has_the_note_and_responsibilities_and_imports_unchanged(real_plan):
    data = spreadsheet.export_plan(real_plan)
    workbook = openpyxl.load_workbook(BytesIO(data))
    assert workbook.sheetnames == ["Porteføljeplan", "Merknader", "Versjoner"]
    rows = [[c.value for c in row] for row in workbook["Merknader"].iter_rows()]
    assert rows[0] == ["Merknad til planen", "Tiltak", "Ansvar"]
    notes = " ".join(row[0] or "" for row in rows[1:])
    for unreadable in UNREADABLE:
        assert unreadable in notes
    responsible = [(row[1], row[2]) for row in rows[1:] if row[1]]
    assert len(responsible) == 4
    assert responsible[0] == (
        "Beskrive sykehusenes ansvar og hva som er kommunehelsetjenestens ansvar, samt "
        "definisjon av målgrupper",
        "Strategisk samarbeidsutvalg (Oppdrag fra SSU)",
    )

    preview = spreadsheet.preview_import(real_plan, data)
    assert preview.problems == [] and preview.changes == []
    assert preview.measure_rows == Measure.objects.of_plan(real_plan).count()


def test_a_plan_without_note_or_responsibilities_exports_no_notes_sheet(real_plan):
    Plan.objects.filter(pk=real_plan.pk).update(note="")
    Measure.objects.update(responsible_body=None, assignment="")
    real_plan.refresh_from_db()
    workbook = openpyxl.load_workbook(BytesIO(spreadsheet.export_plan(real_plan)))
    assert workbook.sheetnames == ["Porteføljeplan", "Versjoner"]
