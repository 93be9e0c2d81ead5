"""The secretariat's annual wheel in a real browser: from the main menu to the wheel, a mark
to its meeting, next year's draft; each page checked for accessibility and valid HTML."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.factories import BodyFactory
from tests.meetings.factories import OSLO, ActivityFactory, MeetingFactory
from tests.page_checks import check_page

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def year_plan(secretariat_user):
    year = timezone.localdate().year
    top = BodyFactory(name="Partnerskapsmøtet", kind="partnerskapsmote", position=1)
    ssu = BodyFactory(name="Strategisk samarbeidsutvalg", kind="ssu", position=2)
    meeting = MeetingFactory(
        body=top,
        title="Partnerskapsmøte før budsjettprosessene",
        starts_at=datetime.datetime(year, 6, 10, 9, 0, tzinfo=OSLO),
    )
    for month in (3, 9, 11):
        MeetingFactory(body=ssu, starts_at=datetime.datetime(year, month, 4, 13, 0, tzinfo=OSLO))
    ActivityFactory(
        title="Tilskuddsrunde",
        starts_on=datetime.date(year, 9, 1),
        ends_on=datetime.date(year, 11, 18),
    )
    ActivityFactory(
        title="Årsrapport", kind="arsrapport", starts_on=datetime.date(year, 3, 15), ends_on=None
    )
    return year, meeting


def test_secretariat_follows_a_mark_on_the_wheel_to_its_meeting(page, log_in, year_plan):
    year, meeting = year_plan
    log_in("sekretariat")
    page.get_by_role("navigation", name="Hovedmeny").get_by_role("link", name="Møter").click()
    page.get_by_role("link", name=f"Årshjul {year}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Årshjul {year}")
    expect(page.get_by_role("img", name=f"Årshjul {year}")).to_be_visible()
    # The list beside the wheel has the same meeting.
    expect(
        page.get_by_role("table").get_by_role("link", name=meeting.display_title)
    ).to_be_visible()
    check_page(page)

    mark = page.locator(f'svg.wheel-marks a[href="{meeting.get_absolute_url()}"]')
    expect(mark).to_have_count(1)
    expect(mark.locator("title")).to_have_text(
        re.compile(r"Partnerskapsmøte før budsjett.*kl\. 09\.00")
    )
    mark.click()
    expect(page).to_have_url(re.compile(rf"{meeting.get_absolute_url()}$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(meeting.display_title)
    expect(page.get_by_role("link", name="Legg møtet i kalenderen (.ics)")).to_be_visible()


def test_secretariat_drafts_next_year_from_the_wheel(page, log_in, year_plan):
    year, meeting = year_plan
    log_in("sekretariat")
    page.goto(f"/moter/aarshjul/?aar={year}")
    page.get_by_role("link", name=f"Lag utkast for {year + 1}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Lag utkast for {year + 1} fra årshjulet {year}"
    )
    check_page(page)

    page.get_by_role("button", name=f"Lag utkast for {year + 1}").click()
    expect(page.get_by_role("status")).to_contain_text(
        f"Utkast for {year + 1}: 4 møter og 2 aktiviteter er kopiert fra {year}."
    )
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Årshjul {year + 1}")
    expect(page.locator("svg.wheel-marks a.wheel-mark")).to_have_count(4 + 2)
    check_page(page)

    page.get_by_role("link", name="Ny aktivitet").click()
    check_page(page)
