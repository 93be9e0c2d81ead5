"""The plan grid driven like a spreadsheet, by keys alone: one Tab into the grid, arrow keys
between cells, Enter to open the editor dialog, Enter to save and move down, Escape back to
the cell; four cells marked with Space and Shift+arrows get one status in one save, with a
history record each. The page passes axe and the Nu checker at 1366 and 390 px, and on a phone
the measures are cards that do not overlap and the page does not scroll sideways."""

import pytest
from playwright.sync_api import expect

from portfolio.models import Cell
from tests.page_checks import check_page
from tests.portfolio.factories import (
    CellFactory,
    FocusAreaFactory,
    MeasureFactory,
    MeasureGroupFactory,
    PlanFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

PLL = "Pasientens legemiddelliste (PLL)"
API = "Kritisk info API"


@pytest.fixture
def plan(secretariat_user, reader_user):
    plan = PlanFactory(title="Porteføljeplan 2026", years=[2024, 2025, 2026])
    group = MeasureGroupFactory(
        area=FocusAreaFactory(plan=plan, name="Digital samhandling"), name="Digitale verktøy"
    )
    pll = MeasureFactory(group=group, name=PLL)
    MeasureFactory(group=group, name=API)
    CellFactory(measure=pll, year=2024, text="Forberede innføring", status="ferdigstilt")
    CellFactory(measure=pll, year=2025, text="Starte innføring", status="under_arbeid")
    return plan


def focus_is_in_a_cell(page) -> bool:
    return page.evaluate("!!document.activeElement.closest('td.cell')")


def test_the_grid_is_driven_by_keys_and_sets_four_statuses_at_once(page, log_in, plan):
    log_in("sekretariat")
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(plan.get_absolute_url())
    check_page(page)

    # One Tab stop into the grid: from the area's menu just before it, Tab lands on a cell.
    page.locator(".area-heading summary").focus()
    page.keyboard.press("Tab")
    first = page.get_by_role("link", name=f"Endre 2024 for «{PLL}»")
    expect(first).to_be_focused()
    page.keyboard.press("ArrowRight")
    expect(page.get_by_role("link", name=f"Endre 2025 for «{PLL}»")).to_be_focused()
    page.keyboard.press("End")
    expect(page.get_by_role("link", name=f"Endre Fokus for 2026 for «{PLL}»")).to_be_focused()
    page.keyboard.press("ArrowDown")
    empty = page.get_by_role("link", name=f"Endre Fokus for 2026 for «{API}»: tom")
    expect(empty).to_be_focused()
    page.keyboard.press("Home")
    expect(page.get_by_role("link", name=f"Endre 2024 for «{API}»")).to_be_focused()
    page.keyboard.press("ArrowUp")
    expect(first).to_be_focused()
    # Tab leaves the grid at once (no second stop per cell).
    page.keyboard.press("Tab")
    assert not focus_is_in_a_cell(page)
    page.keyboard.press("Shift+Tab")
    expect(first).to_be_focused()

    # Enter opens the editor dialog; Escape closes it and the focus is back on the cell.
    page.keyboard.press("Enter")
    editor = page.get_by_role("dialog", name="Endre celle")
    expect(editor.get_by_label("Tekst")).to_be_focused()
    assert editor.bounding_box()["width"] > 500  # not squeezed into a column
    check_page(page)
    page.screenshot(path="/tmp/plan-grid-editor-1366.png")
    page.keyboard.press("Escape")
    expect(editor).to_be_hidden()
    expect(first).to_be_focused()

    # Typing in a cell opens it with what is typed in place of its text; Enter saves and
    # moves to the cell below. A slow settle must not let a quick Enter post the form as a
    # plain page (htmx takes over the form only when it settles).
    page.evaluate("htmx.config.defaultSettleDelay = 400")
    page.keyboard.press("K")
    expect(editor.get_by_label("Tekst")).to_be_focused()
    page.keyboard.type("artlegge behov")
    page.keyboard.press("Enter")
    expect(page.locator("#grid-announcer")).to_have_text("Cellen er lagret.")
    expect(editor).to_be_hidden()
    expect(page.get_by_role("link", name=f"Endre 2024 for «{API}»: tom")).to_be_focused()
    assert Cell.objects.get(measure__name=PLL, column__year=2024).text == "Kartlegge behov"
    # F2 opens a cell too, with its text as it is.
    page.keyboard.press("ArrowUp")
    page.keyboard.press("F2")
    expect(editor.get_by_label("Tekst")).to_have_value("Kartlegge behov")
    page.keyboard.press("Escape")
    expect(page.get_by_role("link", name=f"Endre 2024 for «{PLL}»: Kartlegge")).to_be_focused()

    # Mark four cells: Space on one, Shift+arrows to a 2 × 2 block, then one status.
    page.get_by_role("link", name=f"Endre 2025 for «{PLL}»").focus()
    page.keyboard.press("Space")
    page.keyboard.press("Shift+ArrowRight")
    page.keyboard.press("Shift+ArrowDown")
    expect(page.locator("td[aria-selected=true]")).to_have_count(4)
    bulk = page.locator("#bulk-status")
    expect(bulk.get_by_role("status")).to_have_text("4 celler er merket.")
    check_page(page)
    page.screenshot(path="/tmp/plan-grid-marked-1366.png", full_page=True)
    bulk.get_by_label("Ny status for de merkede cellene").select_option(label="Ferdigstilt")
    bulk.get_by_role("button", name="Sett status").click()
    expect(page.locator(".messages")).to_contain_text("er satt for 4 celler")
    # Back at the first marked cell, with the focus there (the browser's own move to the
    # address's #celle-… target would otherwise leave it on the page).
    page.wait_for_load_state("load")
    expect(page.get_by_role("link", name=f"Endre 2025 for «{PLL}»", exact=False)).to_be_focused()
    marked = Cell.objects.filter(column__year__in=[2025, 2026])
    assert sorted(c.status for c in marked) == ["ferdigstilt"] * 4
    assert (
        sum(
            c.history.filter(history_change_reason__startswith="Status satt").count()
            for c in marked
        )
        == 4
    )


def test_on_a_phone_each_measure_is_a_card_and_nothing_overlaps(page, log_in, plan):
    log_in("sekretariat")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(plan.get_absolute_url())
    check_page(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    cells = page.locator("td.cell")
    boxes = [cells.nth(i).bounding_box() for i in range(cells.count())]
    for above, below in zip(boxes, boxes[1:], strict=False):
        assert above["y"] + above["height"] <= below["y"] + 1  # stacked, not overlapping
    expect(cells.first).to_contain_text("2024")  # the year is written in the card
    page.get_by_role("link", name=f"Endre 2025 for «{PLL}»").click()
    editor = page.get_by_role("dialog", name="Endre celle")
    expect(editor.get_by_label("Tekst")).to_be_focused()
    assert editor.bounding_box()["width"] >= 380  # the full width of the phone
    check_page(page)
    page.screenshot(path="/tmp/plan-grid-editor-390.png")
    page.keyboard.press("Escape")
    page.screenshot(path="/tmp/plan-grid-390.png", full_page=True)


def test_a_reader_moves_through_the_grid_and_opens_a_cells_history(page, log_in, plan):
    log_in("leser")
    page.goto(plan.get_absolute_url())
    check_page(page)
    page.get_by_role("grid").first.get_by_role("link").first.focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Historikk: 2025")
