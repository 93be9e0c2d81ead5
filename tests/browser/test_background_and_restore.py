"""The secretariat in a real browser: a draft annual report made by the background worker (the
page says it is being made, then leads to the report by itself), and a deleted person brought
back from "Slettede oppføringer". Both pages pass axe-core and the Nu HTML Checker, on a desk
and on a phone."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from annual_report.models import ReportVersion
from helsefellesskap.models import Person
from tests.annual_report.factories import AnnualReportFactory, sector_year
from tests.factories import PersonFactory
from tests.page_checks import check_page

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}


@pytest.fixture(autouse=True)
def version_storage(attachment_storage, monkeypatch):
    monkeypatch.setattr(ReportVersion._meta.get_field("pdf"), "storage", attachment_storage)


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_draft_is_made_in_the_background_and_the_page_leads_to_it(
    page, log_in, secretariat_user, settings
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    report = AnnualReportFactory(sector=sector_year().sector)
    log_in("sekretariat")
    page.goto(report.get_absolute_url())
    page.get_by_role("button", name="Generer nytt utkast").click()

    expect(page.locator("#dokumentstatus")).to_contain_text("I kø")
    check_page(page)
    page.set_viewport_size(PHONE)
    check_page(page)
    assert no_horizontal_scroll(page)

    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
    # The page asks again every 2 seconds and goes to the report once the draft is there.
    page.wait_for_url(f"**{report.get_absolute_url()}", timeout=15_000)
    expect(page.locator(".messages")).to_contain_text("Utkast versjon 1 er generert.")


def test_the_secretariat_restores_a_deleted_person(page, log_in, secretariat_user):
    person = PersonFactory(name="Kari Nordmann", title="Kommuneoverlege")
    number = person.pk
    person.delete()
    log_in("sekretariat")
    page.goto("/slettet/")
    row = page.get_by_role("row", name="Kari Nordmann")
    expect(row).to_contain_text("Person")
    check_page(page)
    page.set_viewport_size(PHONE)
    check_page(page)
    assert no_horizontal_scroll(page)

    row.get_by_role("button", name="Gjenopprett").click()
    expect(page.locator(".messages")).to_contain_text("Kari Nordmann")
    restored = Person.objects.get(name="Kari Nordmann")
    assert restored.pk == number and restored.title == "Kommuneoverlege"
