"""Issue 17 in a real browser. The secretariat registers an annual report's approval: the page
answers at once with the job's progress while the worker has not run, and after the worker the
job's page leads to the published report. A body's page lists the recent leavers and links to
the paged former members. Each page type passes axe and the Nu checker at 1366 and 390 px."""

import datetime
import re

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from annual_report.models import ReportVersion
from annual_report.versions import generate_version
from helsefellesskap.models import today
from tests.annual_report.factories import AnnualReportFactory, sector_year
from tests.factories import MembershipFactory, PersonFactory
from tests.page_checks import check_at_both_widths

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_approval_shows_its_progress_and_then_the_published_report(
    page, log_in, settings, secretariat_user
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    report = AnnualReportFactory(sector=sector_year().sector)
    version = generate_version(report, secretariat_user)

    log_in("sekretariat")
    page.goto(report.get_absolute_url())
    page.get_by_role("link", name="Registrer godkjenning av versjon 1").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Godkjenning av versjon 1")
    check_at_both_widths(page, "approval-form")
    page.get_by_label("Dato for godkjenning").fill(timezone.localdate().isoformat())
    page.get_by_role("button", name="Godkjenn og publiser").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Godkjenning")
    expect(page.get_by_role("main")).to_contain_text("I kø")
    check_at_both_widths(page, "approval-queued")
    version.refresh_from_db()
    assert version.status == ReportVersion.Status.DRAFT

    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
    expect(page.locator(".messages")).to_contain_text(
        "Versjon 1 er godkjent av LSU Testsektoren og publisert.", timeout=15_000
    )
    expect(page).to_have_url(re.compile(f"{report.get_absolute_url()}$"))
    check_at_both_widths(page, "approval-published")
    version.refresh_from_db()
    assert version.is_published


def test_the_body_page_links_to_its_former_members(page, log_in, lsu, secretariat_user):
    for number in range(3):
        ended = today() - datetime.timedelta(days=60 + 400 * number)
        MembershipFactory(
            body=lsu,
            person=PersonFactory(name=f"Tidligere Medlem {number}"),
            start=ended - datetime.timedelta(days=300),
            end=ended,
        )
    log_in("sekretariat")
    page.goto(lsu.get_absolute_url())
    past = page.get_by_role("table", name="Medlemskap avsluttet de siste to årene")
    expect(past).to_contain_text("Tidligere Medlem 0")
    expect(past).not_to_contain_text("Tidligere Medlem 2")
    check_at_both_widths(page, "body-page")

    page.get_by_role("link", name=f"Alle tidligere medlemmer av {lsu.name}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Tidligere medlemmer i {lsu.name}")
    expect(page.get_by_role("table", name="Medlemskap som er avsluttet")).to_contain_text(
        "Tidligere Medlem 2"
    )
    check_at_both_widths(page, "body-former-members")
