"""The secretariat keeps the portfolio plan up to date in a real browser: a cell edited by
keyboard alone, its history, a refused stale edit, and the plan as of a date. Every page
type is checked for accessibility (axe-core) and valid HTML (Nu HTML Checker)."""

import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from helsefellesskap.permissions import SECRETARIAT_GROUP
from portfolio.editing import CellChange, save_cell
from portfolio.models import Cell, Column, FocusArea, Measure, MeasureGroup, Plan
from portfolio.spreadsheet import export_plan
from tests.factories import UserFactory
from tests.page_checks import check_page
from tests.portfolio.factories import (
    CellFactory,
    FocusAreaFactory,
    MeasureFactory,
    MeasureGroupFactory,
    PlanFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

PLL = "Pasientens legemiddelliste (PLL); koordinert innføring i Oslo"


@pytest.fixture
def plan(secretariat_user):
    plan = PlanFactory(title="Porteføljeplan 2026", years=[2024, 2025, 2026])
    area = FocusAreaFactory(
        plan=plan,
        name="Digital samhandling",
        vision="Behovsstyrt tilgang til pasientinformasjon",
    )
    group = MeasureGroupFactory(area=area, name="Utvikling av digitale verktøy")
    measure = MeasureFactory(group=group, name=PLL)
    CellFactory(measure=measure, year=2024, text="Forberede innføring", status="ferdigstilt")
    CellFactory(measure=measure, year=2025, text="Starte innføring", status="under_arbeid")
    return plan


def open_plan(page, log_in):
    log_in("sekretariat")
    page.get_by_role("navigation", name="Hovedmeny").get_by_role(
        "link", name="Porteføljeplan"
    ).click()
    check_page(page)
    page.get_by_role("link", name="Porteføljeplan 2026").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Porteføljeplan 2026")


def test_secretariat_edits_a_cell_by_keyboard_and_reads_its_history(page, log_in, plan):
    open_plan(page, log_in)
    check_page(page)

    cell_link = page.get_by_role("link", name=f"Endre 2025 for «{PLL}»")
    cell_link.focus()
    page.keyboard.press("Enter")
    text = page.get_by_label("Tekst")
    expect(text).to_be_focused()  # the form opened in the editor dialog, ready to type
    check_page(page)

    # Escape closes the form without saving and puts the focus back on the cell.
    page.keyboard.press("Escape")
    expect(page.get_by_label("Tekst")).to_have_count(0)
    expect(page.get_by_role("link", name=f"Endre 2025 for «{PLL}»")).to_be_focused()

    page.keyboard.press("Enter")
    page.get_by_label("Tekst").fill("Innført i alle sektorer")
    page.keyboard.press("Tab")
    page.locator("#cell-editor").get_by_label("Status", exact=True).select_option(
        label="Ferdigstilt"
    )
    page.get_by_label("Kommentar til endringen").fill("Rapportert til SSU")
    page.get_by_role("button", name="Lagre").click()

    cell = page.locator(f"#celle-{plan.areas.get().groups.get().measures.get().pk}-2025")
    expect(cell).to_contain_text("Innført i alle sektorer")
    expect(cell).to_contain_text("Ferdigstilt")
    expect(page.locator("#grid-announcer")).to_have_text("Cellen er lagret.")
    expect(page.get_by_role("link", name=f"Endre 2025 for «{PLL}»")).to_be_focused()

    # The history is one step away, in the cell's editor.
    page.keyboard.press("Enter")
    page.locator("#cell-editor").get_by_role("link", name="Historikk").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Historikk: 2025")
    history = page.get_by_role("table")
    expect(history).to_contain_text("Starte innføring")
    expect(history).to_contain_text("Innført i alle sektorer")
    expect(history).to_contain_text("Rapportert til SSU")
    check_page(page)


def test_a_stale_edit_is_refused_and_shows_the_colleagues_value(
    page, log_in, plan, browser, live_server
):
    open_plan(page, log_in)
    page.get_by_role("link", name=f"Endre 2025 for «{PLL}»").click()
    page.get_by_label("Tekst").fill("Min versjon")

    # Meanwhile a colleague opens the same cell in her own browser and saves first.
    UserFactory(
        username="kollega", first_name="Kari", last_name="Kollega", roles=[SECRETARIAT_GROUP]
    )
    colleague = browser.new_context(base_url=live_server.url, locale="nb-NO").new_page()
    colleague.goto("/logg-inn/")
    colleague.get_by_label("Brukernavn").fill("kollega")
    colleague.get_by_label("Passord").fill("riktig-passord-123")
    colleague.get_by_role("button", name="Logg inn").click()
    colleague.goto(plan.get_absolute_url())
    colleague.get_by_role("link", name=f"Endre 2025 for «{PLL}»").click()
    colleague.get_by_label("Tekst").fill("Kollegaens versjon")
    colleague.get_by_role("button", name="Lagre").click()
    expect(colleague.locator("td.cell", has_text="Kollegaens versjon")).to_be_visible()
    colleague.context.close()

    page.get_by_role("button", name="Lagre").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Kari Kollega")
    expect(alert).to_contain_text("Kollegaens versjon")
    expect(page.get_by_label("Tekst")).to_have_value("Min versjon")
    check_page(page)
    assert Cell.objects.get(text="Kollegaens versjon")

    # Saving again is a deliberate overwrite of the colleague's value.
    page.get_by_role("button", name="Lagre").click()
    expect(page.locator("td.cell", has_text="Min versjon")).to_be_visible()
    assert Cell.objects.filter(text="Min versjon").exists()


def test_the_plan_as_of_the_partnership_meeting_and_the_changes_since(page, log_in, plan):
    # The plan was entered in September; one cell changed in November.
    oslo = ZoneInfo("Europe/Oslo")
    for model in (Plan, FocusArea, MeasureGroup, Measure, Cell):
        model.history.update(history_date=datetime(2025, 9, 1, 12, tzinfo=oslo))
    cell = Cell.objects.get(text="Starte innføring")
    save_cell(
        measure=cell.measure,
        column=Column.objects.get(pk=cell.column_id),
        change=CellChange("Innført", "ferdigstilt"),
        based_on_version=cell.version,
        user=None,
    )

    open_plan(page, log_in)
    page.get_by_label("Vis planen per dato").fill("2025-10-14")
    page.get_by_role("button", name="Vis", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("per 14.10.2025")
    grid = page.get_by_role("grid", name="Tiltak og status per år: Digital samhandling")
    expect(grid).to_contain_text("Starte innføring")
    expect(grid).not_to_contain_text("Innført")
    expect(page.get_by_role("link", name=f"Endre 2025 for «{PLL}»")).to_have_count(0)
    check_page(page)

    page.get_by_role("link", name="Vis planen slik den er nå").click()
    page.get_by_role("link", name="Endringer mellom to datoer").click()
    page.get_by_label("Endringer fra og med").fill("2025-10-15")
    page.get_by_label("Til og med").fill(datetime.now().strftime("%Y-%m-%d"))
    page.get_by_role("button", name="Vis endringer").click()
    changes = page.get_by_role("table", name="Digital samhandling: 1 endret celle")
    expect(changes).to_contain_text("Starte innføring")
    expect(changes).to_contain_text("Innført")
    check_page(page)

    page.get_by_role("link", name="Porteføljeplan 2026").click()
    page.get_by_role("link", name="Oversikt og diagram").click()
    expect(
        page.get_by_role("img", name="Tiltak per status og innsatsområde, Fokus for 2026")
    ).to_be_visible()
    check_page(page)


def test_secretariat_imports_an_edited_workbook_after_seeing_the_changes(
    page, log_in, plan, tmp_path
):
    workbook = load_workbook(io.BytesIO(export_plan(plan)))
    sheet = workbook["Porteføljeplan"]
    header = [cell.value for cell in sheet[1]]
    sheet.cell(row=2, column=header.index("2025 – tekst") + 1, value="Innført i alle sektorer")
    edited = tmp_path / "porteforljeplan-2026.xlsx"
    workbook.save(edited)

    open_plan(page, log_in)
    page.get_by_role("link", name="Importer fra Excel").click()
    check_page(page)
    page.get_by_label("Excel-fil").set_input_files(str(edited))
    page.get_by_role("button", name="Vis hva som blir endret").click()
    expect(page.get_by_role("table")).to_contain_text("Innført i alle sektorer")
    check_page(page)
    assert Cell.objects.filter(text="Starte innføring").exists()  # nothing written yet

    page.get_by_role("button", name="Bekreft import").click()
    expect(page.locator(".messages")).to_contain_text("1 celle er oppdatert fra Excel.")
    expect(page.locator("td.cell", has_text="Innført i alle sektorer")).to_be_visible()
