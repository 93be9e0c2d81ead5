"""The secretariat makes a sector's annual report in a real browser: writes the introduction,
generates a draft, registers the LSU's approval and so publishes it, and a director (reader)
downloads the published PDF. Every page type is checked with axe-core and the Nu HTML
Checker."""

import datetime
import re
import subprocess

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from annual_report.models import AnnualReport, ReportVersion
from helsefellesskap.models import Body, Membership
from meetings.models import Attendance
from tests.factories import BodyFactory, MembershipFactory, PersonFactory, SectorFactory
from tests.meetings.factories import OSLO, AttendanceFactory, ItemFactory, MeetingFactory
from tests.page_checks import check_page

pytestmark = pytest.mark.django_db(transaction=True)

YEAR = 2025
TITLE = f"Årsrapport {YEAR} – Nordsektoren"
LSU = "LSU Nordsektoren"
SCRIPT = "<script>alert(1)</script>"
INTRODUCTION = (
    f"Et år med tett samarbeid i sektoren. {SCRIPT}\n\n"
    "- Felles rutiner for utskrivning av pasienter"
)


@pytest.fixture(autouse=True)
def version_storage(attachment_storage, monkeypatch):
    """The reports' files go to the test's own folder, like the attachments (tests/conftest)."""
    monkeypatch.setattr(ReportVersion._meta.get_field("pdf"), "storage", attachment_storage)


@pytest.fixture
def sector_year(secretariat_user):
    """A sector whose LSU met twice in the year, with items and attendance."""
    sector = SectorFactory(name="Nordsektoren", short_name="Nord")
    lsu = BodyFactory(name=LSU, kind=Body.Kind.LOCAL_COMMITTEE, sector=sector)
    leader = PersonFactory(name="Ingrid Halvorsen")
    member = PersonFactory(name="Tor Bakken")
    start = datetime.date(YEAR - 1, 1, 1)
    MembershipFactory(body=lsu, person=leader, role=Membership.Role.LEADER, start=start)
    MembershipFactory(body=lsu, person=member, start=start)
    for month, member_status in ((3, Attendance.Status.PRESENT), (10, Attendance.Status.ABSENT)):
        meeting = MeetingFactory(
            body=lsu, starts_at=datetime.datetime(YEAR, month, 12, 9, tzinfo=OSLO)
        )
        ItemFactory(meeting=meeting, title=f"Samhandlingsplan, status {month}/{YEAR}")
        AttendanceFactory(meeting=meeting, person=leader)
        AttendanceFactory(meeting=meeting, person=member, status=member_status)
    return lsu


def pdf_text(page, url, path) -> str:
    response = page.request.get(url)
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    path.write_bytes(response.body())
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_secretariat_publishes_an_annual_report_and_a_reader_downloads_it(
    page, log_in, sector_year, reader_user, tmp_path
):
    # The introduction's script tag is text: if it ever ran in a page, the dialog would tell.
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

    log_in("sekretariat")
    page.get_by_role("navigation", name="Hovedmeny").get_by_role("link", name="Årsrapport").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Årsrapporter")
    expect(page.get_by_role("main")).to_contain_text("Ingen årsrapporter er laget ennå.")
    check_page(page)

    page.get_by_role("link", name="Ny årsrapport").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ny årsrapport")
    check_page(page)
    page.get_by_label("År", exact=True).fill(str(YEAR))
    page.get_by_label("Sektor", exact=True).select_option(label="Nordsektoren")
    page.get_by_label("Innledning").fill(INTRODUCTION)
    page.get_by_role("button", name="Lagre").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.locator(".messages")).to_contain_text("Årsrapporten er opprettet")
    expect(page.get_by_text("Innledning: skrevet")).to_be_visible()
    check_page(page)
    report = AnnualReport.objects.get(year=YEAR, sector__name="Nordsektoren")
    assert report.introduction == INTRODUCTION

    page.get_by_role("button", name="Generer nytt utkast").click()
    expect(page.locator(".messages")).to_contain_text("Utkast versjon 1 er generert")
    versions = page.get_by_role("table", name="Versjoner, nyeste først")
    expect(versions.get_by_role("row", name=re.compile("^1 "))).to_contain_text("Ikke behandlet")
    check_page(page)

    page.get_by_role("link", name="Registrer godkjenning av versjon 1").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Godkjenning av versjon 1")
    check_page(page)
    # The date is left out first: the form says so, at the field.
    page.get_by_label("Godkjent av").select_option(label=LSU)
    page.get_by_role("button", name="Godkjenn og publiser").click()
    expect(page.get_by_role("alert")).to_contain_text("Godkjenningen ble ikke registrert")
    expect(page.get_by_role("alert")).to_contain_text("Dato for godkjenning: Feltet er påkrevet")
    date_field = page.get_by_label("Dato for godkjenning")
    expect(date_field).to_have_attribute("aria-invalid", "true")
    expect(date_field).to_have_accessible_description(re.compile("Feltet er påkrevet"))
    check_page(page)
    assert not ReportVersion.objects.get(report=report).is_published

    today = timezone.localdate()
    page.get_by_label("Godkjent av").select_option(label=LSU)
    date_field.fill(today.isoformat())
    expect(page.get_by_label("Merknad")).to_have_value("Godkjent")
    page.get_by_role("button", name="Godkjenn og publiser").click()
    expect(page.locator(".messages")).to_contain_text(
        f"Versjon 1 er godkjent av {LSU} og publisert."
    )
    row = versions.get_by_role("row", name=re.compile("^1 "))
    expect(row).to_contain_text("Godkjent og publisert")
    expect(row).to_contain_text(f"{LSU} {today:%-d.%-m.%Y}: Godkjent")
    check_page(page)
    version = ReportVersion.objects.get(report=report)
    assert version.is_published and version.approved_by == sector_year

    # A director (reader) finds the published report in the menu and downloads it.
    page.context.clear_cookies()
    log_in("leser")
    page.get_by_role("navigation", name="Hovedmeny").get_by_role("link", name="Årsrapport").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Årsrapporter")
    expect(page.get_by_role("link", name="Ny årsrapport")).to_have_count(0)
    check_page(page)
    download = page.get_by_role("link", name=f"Last ned {TITLE}, versjon 1")
    text = pdf_text(page, download.get_attribute("href"), tmp_path / "arsrapport.pdf")

    assert TITLE in text
    assert LSU in text
    assert "Tor Bakken" in text and "Ingrid Halvorsen" in text
    assert "Felles rutiner for utskrivning av pasienter" in text
    assert SCRIPT in text  # escaped text, not markup
    assert "UTKAST" not in text
    approvals = text[text.rindex("Behandlet") :]
    assert re.search(rf"{LSU}\s+.*Godkjent \(versjon 1\)", approvals), approvals

    # The reader reads the report's page, without the secretariat's work on it.
    page.get_by_role("link", name=TITLE, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.get_by_role("button", name="Generer nytt utkast")).to_have_count(0)
    expect(page.get_by_role("link", name="Endre tekstene")).to_have_count(0)
    expect(versions.get_by_role("row", name=re.compile("^1 "))).to_contain_text(
        "Godkjent og publisert"
    )
    check_page(page)
    # On a phone the table's PDF column is scrolled off to the right: the published report
    # is offered above it, in view.
    page.set_viewport_size({"width": 390, "height": 844})
    read = page.get_by_role("link", name=re.compile("^Les den publiserte rapporten"))
    expect(read).to_be_in_viewport()
    assert read.get_attribute("href") == reverse("annual_report:version_pdf", args=[version.pk])
    expect(page.get_by_role("main")).to_contain_text(
        f"Versjon 1, godkjent av {LSU} {today:%-d.%-m.%Y}."
    )
    check_page(page)
    assert not dialogs
