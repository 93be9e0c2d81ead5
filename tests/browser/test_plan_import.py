"""The secretariat imports an old Excel download in a real browser: the upload is queued, the
worker reads it while the page waits, the preview shows a colleague's newer edit as a conflict,
and the confirmation (with the file's value chosen) is written by the worker. Every page passes
axe-core and the Nu HTML Checker on a desk (1366 px) and on a phone (390 px)."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from portfolio import spreadsheet
from tests.factories import UserFactory
from tests.page_checks import DESKTOP, check_at_both_widths
from tests.portfolio.test_plan_import import PLL, edit_in_portal
from tests.portfolio.test_spreadsheet import cell_of, exported, sheet_plan, stored

__all__ = ["sheet_plan"]  # the fixture, used below

pytestmark = pytest.mark.django_db(transaction=True)


def run_worker():
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)


def test_an_old_download_shows_the_conflict_and_the_chosen_value_is_written(
    page, log_in, secretariat_user, sheet_plan, settings
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    workbook = exported(sheet_plan)
    colleague = UserFactory(username="kollega", first_name="Kari", last_name="Kollega")
    edit_in_portal(sheet_plan, PLL, 2025, "Innført i bydel Alna", colleague)
    sheet = workbook["Porteføljeplan"]
    cell_of(sheet, PLL, "2025 – tekst").value = "Innført i tre bydeler"
    cell_of(sheet, "Videokonsultasjon", "Fokus for 2026 – status").value = "Under arbeid"
    upload = {"name": "portefoljeplan.xlsx", "mimeType": spreadsheet.CONTENT_TYPE}
    with open("/tmp/plan-import-upload.xlsx", "wb") as file:
        workbook.save(file)
    with open("/tmp/plan-import-upload.xlsx", "rb") as file:
        upload["buffer"] = file.read()

    log_in("sekretariat")
    page.set_viewport_size(DESKTOP)
    page.goto(f"/portefolje/{sheet_plan.pk}/import/")
    page.get_by_label("Excel-fil").set_input_files(upload)
    page.get_by_role("button", name="Vis hva som blir endret").click()

    # The request only queued the reading: the job's page waits for the worker.
    expect(page.locator("#dokumentstatus")).to_contain_text("I kø")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Import fra Excel til")
    check_at_both_widths(page, "job")
    run_worker()
    page.wait_for_url(f"**/portefolje/{sheet_plan.pk}/import/*/", timeout=15_000)

    conflicts = page.get_by_role("region", name="Endret i portalen etter nedlastingen (1)")
    expect(conflicts).to_contain_text("Endret av Kari Kollega")
    expect(conflicts).to_contain_text(
        "filen har «Innført i tre bydeler» (Under arbeid), planen har nå «Innført i bydel Alna»"
    )
    expect(page.get_by_role("table")).to_contain_text("Videokonsultasjon")
    check_at_both_widths(page, "preview")

    page.get_by_label(f"Bruk filens verdi for «{PLL}» (2025)").check()
    page.get_by_role("button", name="Bekreft import").click()
    expect(page.locator("#dokumentstatus")).to_be_visible()
    assert stored(sheet_plan, PLL, 2025).text == "Innført i bydel Alna"  # not before the worker
    run_worker()
    page.wait_for_url(f"**{sheet_plan.get_absolute_url()}", timeout=15_000)
    expect(page.locator(".messages")).to_contain_text("2 celler er oppdatert fra Excel.")
    assert stored(sheet_plan, PLL, 2025).text == "Innført i tre bydeler"
