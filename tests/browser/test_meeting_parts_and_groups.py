"""The secretariat gives an item two parts in a real browser (issue 15): each with its own
Hensikt and presenter, the second moved above the first; the item's page, the part form and the
meeting page (parts as headings under the item, participants under the secretariat's headings
in their order) pass axe and the Nu HTML Checker at 1366 and 390 px without horizontal scroll,
with screenshots in /tmp/meeting-parts-*.png."""

import datetime

import pytest
from playwright.sync_api import expect

from meetings.models import ParticipantGroup
from tests.factories import BodyFactory, PersonFactory
from tests.meetings.factories import (
    OSLO,
    AttendanceFactory,
    ItemFactory,
    MeetingFactory,
    MinutesFactory,
)
from tests.page_checks import check_page

pytestmark = pytest.mark.django_db(transaction=True)

DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


def check_both_widths(page, name: str) -> None:
    for size in (DESKTOP, PHONE):
        page.set_viewport_size(size)
        check_page(page)
        too_wide = page.locator("main").evaluate(
            "main => [main, ...main.querySelectorAll('*')].filter("
            "e => e.getBoundingClientRect().right > window.innerWidth + 1).length"
        )
        assert too_wide == 0, f"{too_wide} element(s) wider than {size['width']} px"
        page.screenshot(path=f"/tmp/meeting-parts-{name}-{size['width']}.png", full_page=True)
    page.set_viewport_size(DESKTOP)


@pytest.fixture
def meeting(secretariat_user):
    body = BodyFactory(name="Partnerskapsmøtet")
    meeting = MeetingFactory(
        body=body,
        title="Partnerskapsmøte Helsefellesskap Oslo",
        starts_at=datetime.datetime(2026, 10, 13, 9, 0, tzinfo=OSLO),
        ends_at=datetime.datetime(2026, 10, 13, 11, 20, tzinfo=OSLO),
    )
    MinutesFactory(meeting=meeting)
    ItemFactory(meeting=meeting, title="Gjennomgang av status og utvikling i Helsefellesskap Oslo")
    ssu = ParticipantGroup.objects.create(
        meeting=meeting,
        position=1,
        heading="Tilstedeværende deltakere fra Strategisk samarbeidsutvalg:",
    )
    secretariat = ParticipantGroup.objects.create(
        meeting=meeting, position=2, heading="Sekretariatet ved"
    )
    for group, position, name, listed_as, status in (
        (secretariat, 1, "Stine Wågsås", "avdelingsdirektør HEL", "sekretariat"),
        (ssu, 2, "Ellen Oldereid", "bydelsdirektør bydel Vestre Aker", "gjest"),
        (ssu, 1, "Anna K. Ryymin", "bydelsdirektør bydel Stovner", "gjest"),
    ):
        AttendanceFactory(
            meeting=meeting,
            person=PersonFactory(name=name),
            group=group,
            position=position,
            listed_as=listed_as,
            status=status,
        )
    return meeting


def add_part(page, title: str, purpose: str, presenter: str) -> None:
    page.get_by_role("link", name="Ny del av saken").click()
    page.get_by_label("Tittel").fill(title)
    page.get_by_label("Hensikt").fill(purpose)
    page.get_by_label("Innleder").fill(presenter)
    page.get_by_role("button", name="Lagre").click()
    expect(page.get_by_role("heading", name=title, exact=False)).to_be_visible()


def test_the_secretariat_gives_an_item_parts_and_the_meeting_shows_them_with_the_groups(
    page, log_in, meeting
):
    log_in("sekretariat")
    page.goto(meeting.get_absolute_url())
    page.get_by_role("link", name="Skriv referat og vedtak").click()
    expect(page.get_by_text("Saken er ikke delt opp.")).to_be_visible()
    page.get_by_role("link", name="Ny del av saken").click()
    check_both_widths(page, "part-form")
    page.go_back()
    add_part(
        page,
        "Presentasjon av Helsefellesskap Oslo",
        "Byråd og styreledere får innsikt i helsefellesskapets arbeid det siste året.",
        "Tone Ikdahl",
    )
    add_part(
        page,
        "Helsefellesskap Oslo 2026",
        "Partnerne er orientert og har diskutert satsningsområdene for 2026.",
        "",
    )
    parts = page.locator(".item-part h3")
    expect(parts).to_have_text(
        ["1. Presentasjon av Helsefellesskap Oslo", "2. Helsefellesskap Oslo 2026"]
    )
    page.get_by_role("button", name="Flytt opp delen Helsefellesskap Oslo 2026").click()
    expect(parts).to_have_text(
        ["1. Helsefellesskap Oslo 2026", "2. Presentasjon av Helsefellesskap Oslo"]
    )
    check_both_widths(page, "item-minutes")

    page.goto(meeting.get_absolute_url())
    item = page.locator(".agenda-item")
    expect(item.locator(".item-part h4")).to_have_text(
        ["1. Helsefellesskap Oslo 2026", "2. Presentasjon av Helsefellesskap Oslo"]
    )
    expect(item).to_contain_text("Innleder: Tone Ikdahl")
    tables = page.locator("#deltakere table")
    expect(tables.locator("caption")).to_have_text(
        ["Tilstedeværende deltakere fra Strategisk samarbeidsutvalg:", "Sekretariatet ved"]
    )
    expect(tables.first.locator("tbody th")).to_have_text(["Anna K. Ryymin", "Ellen Oldereid"])
    expect(tables.first).to_contain_text("bydelsdirektør bydel Stovner")
    check_both_widths(page, "meeting")
