"""A director (reader) opens a meeting's page in a real browser, follows "Innkalling (PDF)"
and gets the notice with its agenda, a draft until the notice is sent. The meeting page is
checked with axe-core and the Nu HTML Checker at 1366 and 390 px."""

import datetime
import subprocess

import pytest

from meetings.models import Attachment
from tests.meetings.factories import OSLO, ItemFactory, MeetingFactory
from tests.page_checks import check_page

pytestmark = pytest.mark.django_db(transaction=True)

DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def meeting(lsu):
    meeting = MeetingFactory(
        body=lsu,
        title="LSU-møte mars",
        starts_at=datetime.datetime(2026, 3, 10, 9, 0, tzinfo=OSLO),
        ends_at=datetime.datetime(2026, 3, 10, 11, 0, tzinfo=OSLO),
    )
    ItemFactory(meeting=meeting, title="Godkjenning av møteinnkalling og dagsorden", position=1)
    item = ItemFactory(
        meeting=meeting,
        title="Status for FACT-team",
        kind="orientering",
        purpose="Orientere om status",
        presenter="Ola Overlege",
        position=2,
    )
    Attachment.objects.create(item=item, name="Statusrapport FACT.pdf")
    return meeting


def test_a_reader_downloads_the_notice_from_the_meeting_page(
    page, log_in, reader_user, meeting, tmp_path
):
    log_in("leser")
    page.goto(meeting.get_absolute_url())
    for size in (DESKTOP, PHONE):
        page.set_viewport_size(size)
        check_page(page)
        link = page.get_by_role("link", name="Innkalling (PDF)")
        assert link.is_visible()
    response = page.request.get(link.get_attribute("href"))
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    pdf = tmp_path / "innkalling.pdf"
    pdf.write_bytes(response.body())
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "Utkast – ikke sendt" in text
    for expected in (
        "Status for FACT-team",
        "Type: Orienteringssak",
        "Hensikt: Orientere om status",
        "Innleder: Ola Overlege",
        "Statusrapport FACT.pdf",
    ):
        assert expected in text, expected
    assert text.index("Godkjenning av møteinnkalling") < text.index("Status for FACT-team")
