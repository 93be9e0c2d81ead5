"""The plan to Excel and back: the export's layout, a preview that lists exactly what would
change and writes nothing, an import that writes all or nothing, and a clear message for every
kind of bad file."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from portfolio import editing, spreadsheet
from portfolio.documents import download_filename
from portfolio.forms import PlanImportForm
from portfolio.models import Cell, Column, Status
from tests.page_checks import html_errors
from tests.portfolio.factories import (
    CellFactory,
    FocusAreaFactory,
    MeasureFactory,
    MeasureGroupFactory,
    PlanFactory,
)

pytestmark = pytest.mark.django_db

HEADER = [
    "Innsatsområde",
    "Tiltaksgruppe",
    "Tiltak",
    "2024 – tekst",
    "2024 – status",
    "2025 – tekst",
    "2025 – status",
    "Fokus for 2026 – tekst",
    "Fokus for 2026 – status",
]


@pytest.fixture
def sheet_plan(db):
    plan = PlanFactory(title="Porteføljeplan 2026", years=[2024, 2025, 2026])
    digital = MeasureGroupFactory(
        area=FocusAreaFactory(plan=plan, name="Digital samhandling", position=1),
        name="Digitale verktøy",
    )
    pll = MeasureFactory(group=digital, name="Pasientens legemiddelliste (PLL)", position=1)
    CellFactory(measure=pll, year=2024, text="Forberede innføring", status=Status.COMPLETED)
    CellFactory(measure=pll, year=2025, text="Starte innføring", status=Status.IN_PROGRESS)
    video = MeasureFactory(group=digital, name="Videokonsultasjon", position=2)
    CellFactory(measure=video, year=2026, text="Pilot i to bydeler", status=Status.PLANNED)
    people = MeasureGroupFactory(
        area=FocusAreaFactory(plan=plan, name="Felles kompetanse", position=2),
        name="Få felles forståelse",
    )
    MeasureFactory(group=people, name="Felles opplæring", position=1)
    return plan


def exported(plan):
    return load_workbook(io.BytesIO(spreadsheet.export_plan(plan)))


def as_upload(workbook, name="plan.xlsx"):
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=spreadsheet.CONTENT_TYPE)


def cell_of(sheet, measure_name, header):
    """The worksheet cell of a measure's row under a header."""
    headers = [cell.value for cell in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        if row[2].value == measure_name:
            return row[headers.index(header)]
    raise AssertionError(f"No row for {measure_name}")


def stored(plan, measure_name, year):
    return Cell.objects.filter(
        measure__name=measure_name, column__plan=plan, column__year=year
    ).first()


def history_rows():
    return Cell.history.count()


# --- Export ---


def test_export_has_one_sheet_with_names_and_a_text_and_status_pair_per_year(sheet_plan):
    workbook = exported(sheet_plan)
    # The second sheet says which version of each cell the file holds; Excel hides it.
    assert workbook.sheetnames == ["Porteføljeplan", "Versjoner"]
    assert workbook["Versjoner"].sheet_state == "veryHidden"
    assert workbook.active.title == "Porteføljeplan"
    sheet = workbook["Porteføljeplan"]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == HEADER
    assert rows[1] == [
        "Digital samhandling",
        "Digitale verktøy",
        "Pasientens legemiddelliste (PLL)",
        "Forberede innføring",
        "Ferdigstilt",
        "Starte innføring",
        "Under arbeid",
        None,
        None,
    ]
    assert rows[2][2:] == [
        "Videokonsultasjon",
        None,
        None,
        None,
        None,
        "Pilot i to bydeler",
        "Planlagt/påbegynt",
    ]
    assert rows[3][:3] == ["Felles kompetanse", "Få felles forståelse", "Felles opplæring"]
    assert len(rows) == 4
    assert workbook.properties.title == "Porteføljeplan 2026"
    assert download_filename(sheet_plan, "xlsx") == "portefoljeplan-2026.xlsx"


@pytest.mark.parametrize(
    "text",
    ['=HYPERLINK("http://example.com/stjel","Klikk her")', "+47 22 00 00 00", "-1", "@SUM(A1)"],
)
def test_formula_like_text_is_exported_as_text_that_excel_never_evaluates(sheet_plan, text):
    measure = sheet_plan.areas.get(name="Digital samhandling").groups.get().measures.first()
    Cell.objects.filter(measure=measure, column__year=2025).update(text=text)
    data = spreadsheet.export_plan(sheet_plan)

    cell = cell_of(load_workbook(io.BytesIO(data))["Porteføljeplan"], measure.name, "2025 – tekst")
    assert cell.value == text  # nothing lost: the text comes back as it was
    assert cell.data_type == "s"  # a string, not a formula
    assert cell.quotePrefix  # and Excel keeps it text even when the cell is edited
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert "<f>" not in archive.read("xl/worksheets/sheet1.xml").decode()
    # ... and it round-trips without a change
    preview = spreadsheet.preview_import(sheet_plan, data)
    assert not preview.problems and not preview.changes


def test_reader_can_download_the_workbook(client, reader_user, sheet_plan):
    client.force_login(reader_user)
    response = client.get(reverse("portfolio:plan_export", args=[sheet_plan.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == spreadsheet.CONTENT_TYPE
    assert 'filename="portefoljeplan-2026.xlsx"' in response["Content-Disposition"]
    assert load_workbook(io.BytesIO(response.content)).sheetnames[0] == "Porteføljeplan"


# --- Preview and import ---


def test_an_unchanged_export_imports_as_no_changes(client, secretariat_user, sheet_plan):
    preview = spreadsheet.preview_import(sheet_plan, spreadsheet.export_plan(sheet_plan))
    assert preview.problems == [] and preview.changes == [] and preview.measure_rows == 3

    client.force_login(secretariat_user)
    response = client.post(
        reverse("portfolio:plan_import", args=[sheet_plan.pk]),
        {"file": as_upload(exported(sheet_plan))},
        follow=True,
    )
    assert response.status_code == 200
    assert "Ingen endringer" in response.content.decode()
    assert "Bekreft import" not in response.content.decode()


def test_preview_lists_exactly_the_edited_cells_and_confirm_writes_them(
    client, secretariat_user, sheet_plan
):
    workbook = exported(sheet_plan)
    sheet = workbook["Porteføljeplan"]
    cell_of(
        sheet, "Pasientens legemiddelliste (PLL)", "2025 – tekst"
    ).value = "Innført i tre bydeler"
    cell_of(sheet, "Videokonsultasjon", "Fokus for 2026 – status").value = "Under arbeid"
    history_before = history_rows()
    url = reverse("portfolio:plan_import", args=[sheet_plan.pk])
    client.force_login(secretariat_user)

    response = client.post(url, {"file": as_upload(workbook)}, follow=True)

    assert response.status_code == 200
    preview_url = response.redirect_chain[-1][0]
    changes = response.context["preview"].changes
    assert [
        (c.measure, c.heading, c.old_text, c.new_text, c.old_status, c.new_status) for c in changes
    ] == [
        (
            "Pasientens legemiddelliste (PLL)",
            "2025",
            "Starte innføring",
            "Innført i tre bydeler",
            Status.IN_PROGRESS,
            Status.IN_PROGRESS,
        ),
        (
            "Videokonsultasjon",
            "Fokus for 2026",
            "Pilot i to bydeler",
            "Pilot i to bydeler",
            Status.PLANNED,
            Status.IN_PROGRESS,
        ),
    ]
    html = response.content.decode()
    assert "Bekreft import" in html
    assert "Innført i tre bydeler" in html
    # Nothing is written by the preview.
    assert stored(sheet_plan, "Pasientens legemiddelliste (PLL)", 2025).text == "Starte innføring"
    assert stored(sheet_plan, "Videokonsultasjon", 2026).status == Status.PLANNED
    assert history_rows() == history_before

    response = client.post(preview_url, follow=True)

    assert response.redirect_chain[-1][0] == sheet_plan.get_absolute_url()
    assert "2 celler er oppdatert fra Excel." in [str(m) for m in response.context["messages"]]
    pll = stored(sheet_plan, "Pasientens legemiddelliste (PLL)", 2025)
    video = stored(sheet_plan, "Videokonsultasjon", 2026)
    assert (pll.text, pll.status, pll.version) == ("Innført i tre bydeler", Status.IN_PROGRESS, 2)
    assert (video.text, video.status, video.version) == (
        "Pilot i to bydeler",
        Status.IN_PROGRESS,
        2,
    )
    assert history_rows() == history_before + 2
    for cell in (pll, video):
        latest = cell.history.first()
        assert latest.history_change_reason == "Importert fra Excel"
        assert latest.history_user == secretariat_user
    # The preview cannot be confirmed twice: the import is done with.
    assert client.post(preview_url).status_code == 404
    assert history_rows() == history_before + 2


def test_import_fills_a_cell_that_had_nothing_and_can_empty_one(secretariat_user, sheet_plan):
    workbook = exported(sheet_plan)
    sheet = workbook["Porteføljeplan"]
    cell_of(sheet, "Felles opplæring", "2024 – tekst").value = "Kurs for alle ledere"
    cell_of(sheet, "Felles opplæring", "2024 – status").value = "ferdigstilt"  # any letter case
    cell_of(sheet, "Videokonsultasjon", "Fokus for 2026 – tekst").value = None
    cell_of(sheet, "Videokonsultasjon", "Fokus for 2026 – status").value = None

    preview = spreadsheet.preview_import(sheet_plan, as_upload(workbook))
    assert not preview.problems
    assert spreadsheet.apply_import(sheet_plan, preview, secretariat_user) == 2

    new = stored(sheet_plan, "Felles opplæring", 2024)
    assert (new.text, new.status, new.version) == ("Kurs for alle ledere", Status.COMPLETED, 1)
    emptied = stored(sheet_plan, "Videokonsultasjon", 2026)
    assert (emptied.text, emptied.status) == ("", "")


def test_a_cell_saved_by_someone_else_after_the_preview_stops_the_whole_import(
    client, secretariat_user, sheet_plan
):
    workbook = exported(sheet_plan)
    sheet = workbook["Porteføljeplan"]
    cell_of(sheet, "Pasientens legemiddelliste (PLL)", "2025 – tekst").value = "Fra Excel"
    cell_of(sheet, "Videokonsultasjon", "Fokus for 2026 – tekst").value = "Også fra Excel"
    url = reverse("portfolio:plan_import", args=[sheet_plan.pk])
    client.force_login(secretariat_user)
    preview_url = client.post(url, {"file": as_upload(workbook)}, follow=True).redirect_chain[-1][0]

    video = stored(sheet_plan, "Videokonsultasjon", 2026)
    editing.save_cell(
        measure=video.measure,
        column=video.column,
        change=editing.CellChange(text="Lagret i portalen", status=Status.PLANNED),
        based_on_version=video.version,
        user=secretariat_user,
    )
    history_before = history_rows()

    response = client.post(preview_url, follow=True)

    # The worker's job failed and its page says why.
    assert response.context["job"].status == "failed"
    error = response.context["job"].error
    assert "«Videokonsultasjon» (Fokus for 2026) er endret av noen andre" in error
    assert "Ingenting er importert" in error
    assert error in response.content.decode()
    # The first change (PLL), written before the conflict was found, is rolled back too.
    assert stored(sheet_plan, "Pasientens legemiddelliste (PLL)", 2025).text == "Starte innføring"
    assert stored(sheet_plan, "Videokonsultasjon", 2026).text == "Lagret i portalen"
    assert history_rows() == history_before


# --- Bad files: a clear message, nothing written ---


def problems_of(plan, upload):
    preview = spreadsheet.preview_import(plan, upload)
    assert not preview.changes or preview.problems
    return [(p.row, p.column, p.message) for p in preview.problems]


def test_wrong_sheet_name_is_named(client, secretariat_user, sheet_plan):
    workbook = exported(sheet_plan)
    workbook["Porteføljeplan"].title = "Ark1"
    history_before = history_rows()
    client.force_login(secretariat_user)

    response = client.post(
        reverse("portfolio:plan_import", args=[sheet_plan.pk]),
        {"file": as_upload(workbook)},
        follow=True,
    )

    assert response.status_code == 422
    html = response.content.decode()
    assert "Fant ikke arket «Porteføljeplan». Arkene i filen heter: «Ark1»." in html
    assert "Bekreft import" not in html
    assert history_rows() == history_before


def test_missing_year_column_is_named(sheet_plan):
    workbook = exported(sheet_plan)
    workbook["Porteføljeplan"].delete_cols(7)  # "2025 – status"
    assert problems_of(sheet_plan, as_upload(workbook)) == [
        (1, "2025 – status", "Kolonnen «2025 – status» mangler.")
    ]


def test_a_year_the_plan_does_not_have_is_named(sheet_plan):
    workbook = exported(sheet_plan)
    sheet = workbook["Porteføljeplan"]
    sheet.cell(row=1, column=10, value="2027 – tekst")
    [(row, column, message)] = problems_of(sheet_plan, as_upload(workbook))
    assert (row, column) == (1, "2027 – tekst")
    assert "planen har ikke året «2027»" in message
    assert "Planens år er: 2024, 2025, Fokus for 2026" in message


def test_unknown_column_is_named(sheet_plan):
    workbook = exported(sheet_plan)
    workbook["Porteføljeplan"].cell(row=1, column=10, value="Kommentar")
    [(row, column, message)] = problems_of(sheet_plan, as_upload(workbook))
    assert (row, column) == (1, "Kommentar")
    assert message.startswith("Ukjent kolonne «Kommentar».")


def test_unknown_status_names_row_column_and_value(sheet_plan):
    workbook = exported(sheet_plan)
    cell_of(
        workbook["Porteføljeplan"], "Videokonsultasjon", "2025 – status"
    ).value = "Nesten ferdig"
    [(row, column, message)] = problems_of(sheet_plan, as_upload(workbook))
    assert (row, column) == (3, "2025 – status")
    assert message.startswith("Ukjent status «Nesten ferdig». Bruk en av: Ikke påbegynt,")


def test_too_long_text_is_refused(sheet_plan):
    workbook = exported(sheet_plan)
    cell_of(workbook["Porteføljeplan"], "Felles opplæring", "2024 – tekst").value = "x" * 301
    assert problems_of(sheet_plan, as_upload(workbook)) == [
        (4, "2024 – tekst", "Teksten er 301 tegn; høyst 300 er tillatt.")
    ]


def test_a_measure_the_plan_does_not_have_is_an_error(sheet_plan):
    workbook = exported(sheet_plan)
    sheet = workbook["Porteføljeplan"]
    sheet.append(["Digital samhandling", "Digitale verktøy", "Helt nytt tiltak", "Tekst"])
    sheet.append(["Nytt område", "Gruppe", "Tiltak"])
    problems = problems_of(sheet_plan, as_upload(workbook))
    assert [(row, column) for row, column, _ in problems] == [
        (5, "Tiltak"),
        (6, "Innsatsområde"),
    ]
    assert problems[0][2].startswith("Ukjent tiltak «Helt nytt tiltak»")
    assert "legg det til i portalen først" in problems[0][2]


def test_a_measure_twice_in_the_sheet_is_an_error(sheet_plan):
    workbook = exported(sheet_plan)
    sheet = workbook["Porteføljeplan"]
    sheet.append([cell.value for cell in sheet[2]])
    [(row, column, message)] = problems_of(sheet_plan, as_upload(workbook))
    assert (row, column) == (5, "Tiltak")
    assert "også i rad 2" in message


def test_a_formula_in_a_cell_is_refused(sheet_plan):
    workbook = exported(sheet_plan)
    cell_of(workbook["Porteføljeplan"], "Felles opplæring", "2024 – tekst").value = "=1+1"
    assert problems_of(sheet_plan, as_upload(workbook)) == [
        (4, "2024 – tekst", "Cellen inneholder en formel. Skriv teksten i stedet.")
    ]


def test_a_file_full_of_errors_is_cut_short(sheet_plan):
    workbook = exported(sheet_plan)
    for number in range(150):
        workbook["Porteføljeplan"].append(
            ["Digital samhandling", "Digitale verktøy", f"Ny {number}"]
        )
    problems = problems_of(sheet_plan, as_upload(workbook))
    assert len(problems) == spreadsheet.MAX_ERRORS + 1
    assert problems[-1] == (None, "", "Det er mer enn 100 feil i filen. Rett opp disse først.")


def test_text_in_a_column_without_a_header_is_an_error(sheet_plan):
    workbook = exported(sheet_plan)
    workbook["Porteføljeplan"].cell(row=3, column=11, value="Notat")
    [(row, column, message)] = problems_of(sheet_plan, as_upload(workbook))
    assert (row, column) == (3, "kolonne K")
    assert message.startswith("Det står noe i en kolonne uten overskrift.")


@pytest.mark.parametrize(
    "content",
    [
        b"Innsatsomr\xc3\xa5de;Tiltaksgruppe;Tiltak\nA;B;C\n",  # a .csv renamed to .xlsx
        b"PK\x03\x04 not really a zip",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512,  # an old .xls
    ],
)
def test_a_file_that_is_not_xlsx_gets_a_clear_message_not_a_crash(
    client, secretariat_user, sheet_plan, content
):
    client.force_login(secretariat_user)
    response = client.post(
        reverse("portfolio:plan_import", args=[sheet_plan.pk]),
        {"file": SimpleUploadedFile("plan.xlsx", content)},
        follow=True,
    )
    assert response.status_code == 422
    assert "Filen kunne ikke leses som et Excel-regneark (.xlsx)" in response.content.decode()


def test_a_workbook_without_a_header_row_gets_a_clear_message(sheet_plan):
    workbook = Workbook()
    workbook.active.title = "Porteføljeplan"
    [(row, _, message)] = problems_of(sheet_plan, as_upload(workbook))
    assert row is None
    assert message.startswith("Første rad i arket må være overskriftene")


def test_the_form_refuses_other_files_empty_files_and_big_files():
    def errors(upload):
        form = PlanImportForm(files={"file": upload})
        assert not form.is_valid()
        return form.errors["file"]

    assert "Filen må være et Excel-regneark (.xlsx)" in errors(SimpleUploadedFile("a.csv", b"x"))[0]
    assert errors(SimpleUploadedFile("a.xlsx", b"")) == ["Filen er tom."]
    big = SimpleUploadedFile("a.xlsx", b"0" * (spreadsheet.MAX_FILE_SIZE + 1))
    assert errors(big) == ["Filen er for stor: høyst 5 MB."]


# --- Who may do what ---


def test_reader_gets_403_on_import_and_secretariat_gets_the_form(
    client, reader_user, secretariat_user, sheet_plan
):
    url = reverse("portfolio:plan_import", args=[sheet_plan.pk])
    client.force_login(reader_user)
    assert client.get(url).status_code == 403
    assert client.post(url, {"file": as_upload(exported(sheet_plan))}).status_code == 403

    client.force_login(secretariat_user)
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'enctype="multipart/form-data"' in html
    assert "Excel-fil" in html
    assert reverse("portfolio:plan_export", args=[sheet_plan.pk]) in html


def test_the_columns_of_the_plan_not_of_another_plan_are_used(sheet_plan):
    other = PlanFactory(years=[2030])
    assert Column.objects.filter(plan=other).count() == 1
    data = spreadsheet.export_plan(sheet_plan)
    assert spreadsheet.preview_import(other, data).problems  # 2024–2026 are not its years


# --- Valid HTML (the Nu HTML Checker; axe needs a browser and runs in tests/browser/) ---


def test_the_import_pages_are_valid_html(client, secretariat_user, sheet_plan):
    url = reverse("portfolio:plan_import", args=[sheet_plan.pk])
    client.force_login(secretariat_user)
    changed = exported(sheet_plan)
    cell_of(changed["Porteføljeplan"], "Videokonsultasjon", "2025 – tekst").value = "Ny tekst"
    broken = exported(sheet_plan)
    cell_of(broken["Porteføljeplan"], "Videokonsultasjon", "2025 – status").value = "Nesten"

    def upload(workbook):
        return client.post(url, {"file": as_upload(workbook)}, follow=True)

    # A download older than a colleague's edit of the same cell: a conflict.
    conflicting = exported(sheet_plan)
    video = stored(sheet_plan, "Videokonsultasjon", 2026)
    editing.save_cell(
        measure=video.measure,
        column=video.column,
        change=editing.CellChange(text="Lagret i portalen", status=video.status),
        based_on_version=video.version,
        user=secretariat_user,
    )
    cell_of(
        conflicting["Porteføljeplan"], "Videokonsultasjon", "Fokus for 2026 – tekst"
    ).value = "Fra Excel"

    pages = {
        "upload": client.get(url),
        "invalid upload": client.post(url, {}),
        "no changes": upload(exported(sheet_plan)),
        "changes": upload(changed),
        "row errors": upload(broken),
        "conflicts": upload(conflicting),
        "file error": client.post(
            url, {"file": SimpleUploadedFile("a.xlsx", b"not a zip")}, follow=True
        ),
    }
    assert "Endret i portalen etter nedlastingen (1)" in pages["conflicts"].text
    assert [response.status_code for response in pages.values()] == [
        200,
        422,
        200,
        200,
        422,
        200,
        422,
    ]
    for name, response in pages.items():
        errors = html_errors(response.content.decode())
        assert not errors, f"{name}:\n" + "\n".join(errors)
