"""An LSU leader opens the portal and sees what waits for them: the applications to prioritise
and the minutes to approve, each a link straight to the step; the page passes axe-core and the
Nu HTML Checker on a desk and on a phone."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from grants.models import Application
from helsefellesskap.models import Body, Membership
from tests.factories import MembershipFactory, PersonFactory, SectorFactory, UserFactory
from tests.grants.factories import ApplicationFactory
from tests.meetings.factories import MeetingFactory
from tests.page_checks import check_page

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}


def test_an_lsu_leader_finds_the_waiting_steps_on_the_front_page(page, log_in):
    sector = SectorFactory(name="Nordsektoren", short_name="Nord")
    lsu = Body.objects.create(name="LSU Nord", kind=Body.Kind.LOCAL_COMMITTEE, sector=sector)
    person = PersonFactory(name="Lise Leder", user=UserFactory(username="nordleder"))
    MembershipFactory(person=person, body=lsu, role=Membership.Role.LEADER)
    first = ApplicationFactory(sector=sector, state=Application.State.SUBMITTED)
    ApplicationFactory(sector=sector, round=first.round, state=Application.State.SUBMITTED)
    MeetingFactory(body=lsu, starts_at=timezone.now() - datetime.timedelta(days=7))
    MeetingFactory(body=lsu, starts_at=timezone.now() + datetime.timedelta(days=7))

    log_in("nordleder")
    menu = page.get_by_role("navigation", name="Hovedmeny")
    # The counts arrive after the page, one per part of the menu where something waits.
    expect(menu.get_by_role("link", name="Forside 3 venter på deg")).to_be_visible()
    expect(menu.get_by_role("link", name="Møter 1 venter på deg")).to_be_visible()
    expect(menu.get_by_role("link", name="Tilskudd 2 venter på deg")).to_be_visible()
    expect(menu.get_by_role("link", name="Porteføljeplan", exact=True)).to_be_visible()
    waiting = page.get_by_role("region", name="Venter på deg")
    expect(waiting.get_by_role("link")).to_have_text(
        ["1 referat venter på godkjenning", "2 søknader venter på prioritering"]
    )
    expect(page.get_by_role("region", name="Nytt og kommende")).to_contain_text(
        "Neste møte: LSU Nord"
    )
    check_page(page)
    page.set_viewport_size(PHONE)
    check_page(page)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    waiting.get_by_role("link", name="2 søknader venter på prioritering").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("LSUs prioritering: Nordsektoren")


def test_the_secretariats_whole_menu_is_one_line_on_a_desk(page, log_in, secretariat_user):
    log_in(secretariat_user.username)
    entries = page.locator(".main-nav > li")
    expect(entries).to_have_count(10)
    tops = {round(box["y"]) for box in (entries.nth(i).bounding_box() for i in range(10))}
    assert len(tops) == 1
