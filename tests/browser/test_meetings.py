"""The secretariat runs a meeting in a real browser: plans it, writes the agenda, records
attendance and a decision, has the minutes approved and publishes them, and a director reads
the decision. Every page type is checked with axe-core and the Nu HTML Checker."""

import datetime
import subprocess

import pytest
from playwright.sync_api import expect

from helsefellesskap.models import Membership
from meetings.models import Item, Meeting, Minutes
from tests.factories import BodyFactory, MembershipFactory, PersonFactory
from tests.meetings.factories import OSLO, MeetingFactory
from tests.page_checks import check_at_both_widths, check_page

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def partnership(secretariat_user):
    body = BodyFactory(name="Partnerskapsmøtet", kind="partnerskapsmote")
    MembershipFactory(
        body=body,
        role=Membership.Role.LEADER,
        person=PersonFactory(name="Saliba Andreas Korkunc"),
        start=datetime.date(2024, 1, 1),
    )
    MembershipFactory(
        body=body, person=PersonFactory(name="Svein Lyngroth"), start=datetime.date(2024, 1, 1)
    )
    # The body's next meeting, where the minutes will be approved.
    MeetingFactory(body=body, starts_at=datetime.datetime(2026, 3, 10, 9, tzinfo=OSLO))
    return body


def test_secretariat_plans_a_meeting_and_the_minutes_are_approved_and_read(
    page, log_in, partnership, reader_user, tmp_path
):
    log_in("sekretariat")
    page.goto("/moter/?aar=2025")
    check_page(page)
    page.get_by_role("link", name="Nytt møte").click()
    page.get_by_label("Organ").select_option(label="Partnerskapsmøtet")
    page.get_by_label("Tittel").fill("Partnerskapsmøte Helsefellesskap Oslo")
    page.get_by_label("Starter").fill("2025-10-14T09:00")
    page.get_by_label("Slutter").fill("2025-10-14T08:00")  # before it starts: refused
    page.get_by_role("button", name="Lagre").click()
    expect(page.get_by_role("alert")).to_contain_text("Møtet kan ikke slutte før det starter")
    check_page(page)
    page.get_by_label("Slutter").fill("2025-10-14T11:20")
    page.get_by_label("Møtested").fill("Rådhusets møtesenter, møterom 6")
    page.get_by_role("button", name="Lagre").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Partnerskapsmøte Helsefellesskap Oslo"
    )
    check_page(page)

    page.get_by_role("link", name="Ny sak").click()
    page.get_by_label("Tittel").fill("Godkjenning av møteinnkalling og dagsorden")
    page.get_by_role("button", name="Lagre").click()
    expect(page.get_by_role("heading", name="1/25 Godkjenning av møteinnkalling")).to_be_visible()

    page.get_by_role("link", name="Registrer oppmøte").click()
    check_page(page)
    # On a phone every choice is on the screen, not cut off in a table that scrolls sideways.
    page.set_viewport_size({"width": 390, "height": 844})
    check_page(page)
    cut_off = page.locator("form select, form input:not([type=hidden])").evaluate_all(
        "fields => fields.filter(f => f.getBoundingClientRect().right > window.innerWidth)"
        ".map(f => f.id)"
    )
    assert cut_off == []
    expect(page.get_by_text("Oppmøte: Svein Lyngroth")).to_be_visible()  # its label shown
    page.set_viewport_size({"width": 1366, "height": 900})
    page.get_by_label("Oppmøte: Saliba Andreas Korkunc").select_option(label="Til stede")
    page.get_by_label("Oppmøte: Svein Lyngroth").select_option(label="Forfall")
    page.get_by_role("button", name="Lagre oppmøtet").click()
    attendance = page.get_by_role("table", name="Oppmøte")
    expect(attendance).to_contain_text("Svein Lyngroth")
    expect(attendance).to_contain_text("Forfall")

    page.get_by_role("link", name="Skriv referat og vedtak for sak 1/25").click()
    check_page(page)
    page.get_by_label("Vedtak").fill("Møteinnkalling og dagsorden godkjennes.")
    page.get_by_role("button", name="Lagre").click()
    expect(page.locator(".decision")).to_contain_text("Møteinnkalling og dagsorden godkjennes.")

    page.get_by_role("link", name="Referat: innledning, godkjenning og publisering").click()
    check_page(page)
    page.get_by_label("Godkjent i møtet").select_option(index=1)
    page.get_by_label("Godkjent dato").fill("2026-03-10")
    page.get_by_role("button", name="Godkjenn referatet").click()
    expect(page.locator(".messages")).to_contain_text("Referatet er godkjent og låst")
    page.get_by_role("button", name="Publiser referatet").click()
    expect(page.locator(".messages")).to_contain_text("Referatet er publisert")
    meeting = Meeting.objects.get(title="Partnerskapsmøte Helsefellesskap Oslo")
    assert meeting.minutes.status == Minutes.Status.PUBLISHED
    assert Item.objects.get(meeting=meeting).label == "1/25"

    # A word left out of the decision is corrected after the approval, with a reason.
    page.goto(meeting.get_absolute_url())
    page.get_by_role("link", name="Rett referatet for sak 1/25").click()
    page.get_by_label("Vedtak").fill("Møteinnkalling og dagsorden godkjennes uten merknader.")
    page.get_by_label("Begrunnelse for rettelsen").fill("«uten merknader» falt ut av vedtaket.")
    page.get_by_role("button", name="Lagre rettelsen").click()
    expect(page.locator(".messages")).to_contain_text("Lagret referatet for sak 1/25")

    # A director (reader) reads the published decision.
    page.context.clear_cookies()
    log_in("leser")
    page.goto(meeting.get_absolute_url())
    expect(page.locator(".decision")).to_contain_text("godkjennes uten merknader.")
    # ... and sees that, when and why it was corrected, without the history.
    expect(page.locator(".correction")).to_contain_text(
        "etter at referatet ble godkjent. Begrunnelse: «uten merknader» falt ut av vedtaket."
    )
    check_at_both_widths(page, "meeting-corrected-reader")
    expect(page.get_by_role("link", name="Ny sak")).to_have_count(0)

    # ... and downloads the minutes as a PDF, whose text carries the decision.
    pdf_url = page.get_by_role("link", name="Referatet som PDF").get_attribute("href")
    response = page.request.get(pdf_url)
    assert response.headers["content-type"] == "application/pdf"
    pdf = tmp_path / "referat.pdf"
    pdf.write_bytes(response.body())
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "1/25" in text and "Møteinnkalling og dagsorden godkjennes uten merknader." in text
    assert "«uten merknader» falt ut av vedtaket." in text
