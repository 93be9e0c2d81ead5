"""The secretariat's day in the register, in a real browser, every page type checked for
accessibility (axe-core) and valid HTML (Nu HTML Checker)."""

import re

import pytest
from playwright.sync_api import expect

from helsefellesskap.models import Membership
from tests.factories import (
    GP_USER_UNION,
    BodyFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    SectorAssignmentFactory,
)
from tests.page_checks import check_page

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def structure(secretariat_user):
    top = BodyFactory(name="Partnerskapsmøtet", kind="partnerskapsmote", position=1)
    ssu = BodyFactory(name="Strategisk samarbeidsutvalg", kind="ssu", parent=top, position=2)
    lsu = BodyFactory(
        name="Lokalt samarbeidsutvalg OUS-sektoren",
        short_name="LSU OUS",
        kind="lsu",
        parent=ssu,
        requires=GP_USER_UNION,
        mandate="Prioriterer samhandlingstiltak i sektoren.",
    )
    MembershipFactory(
        body=lsu, role=Membership.Role.LEADER, person=PersonFactory(name="Anders Mohn Frafjord")
    )
    PersonFactory(name="Ellen A. Fagerberg", title="Fastlege", organisation=None)
    alna = OrganisationFactory(name="Bydel Alna")
    SectorAssignmentFactory(organisation=alna, sector__name="Ahus-sektoren")
    return {"lsu": lsu, "alna": alna}


def test_secretariat_adds_a_member_and_sees_it_on_the_body_page_and_in_history(
    page, log_in, structure
):
    page.goto("/logg-inn/")
    check_page(page)
    log_in("sekretariat")
    check_page(page)

    page.get_by_role("navigation", name="Hovedmeny").get_by_role("link", name="Organer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Organer i Helsefellesskap Oslo")
    check_page(page)

    page.get_by_role("link", name="Lokalt samarbeidsutvalg OUS-sektoren").click()
    expect(page.get_by_role("heading", name="Sammensetningen er ikke komplett")).to_be_visible()
    check_page(page)

    page.get_by_role("link", name="Legg til medlem").click()
    page.get_by_role("button", name="Lagre").click()  # nothing chosen: the form says why
    expect(page.get_by_role("alert")).to_contain_text("Person: Feltet er påkrevet")
    expect(page.get_by_label("Person", exact=True)).to_have_attribute("aria-invalid", "true")
    check_page(page)

    page.get_by_label("Person", exact=True).select_option(label="Ellen A. Fagerberg – Fastlege")
    page.get_by_label("Representanttype").select_option(label="Fastlegerepresentant")
    page.get_by_label("Begrunnelse for endringen").fill("Oppnevnt av Legeforeningen")
    page.get_by_role("button", name="Lagre").click()

    expect(page.get_by_role("status")).to_contain_text("Lagt til: Ellen A. Fagerberg")
    members = page.get_by_role("table", name="Aktive medlemmer")
    expect(members.get_by_role("row", name=re.compile("Ellen A. Fagerberg"))).to_contain_text(
        "Fastlegerepresentant"
    )

    page.get_by_role("link", name="Historikk").click()
    entry = page.get_by_role("row", name=re.compile("Medlemskap: Ellen A. Fagerberg"))
    expect(entry).to_contain_text("Opprettet")
    expect(entry).to_contain_text("Oppnevnt av Legeforeningen")
    expect(entry).to_contain_text("Test Bruker")
    check_page(page)


def test_every_register_page_type_passes_the_page_checks(page, log_in, structure):
    log_in("sekretariat")
    lsu, alna = structure["lsu"], structure["alna"]
    membership = lsu.memberships.first()
    assignment = alna.sector_assignments.first()
    for path in [
        f"/organer/{lsu.pk}/endre/",
        "/organer/nytt/",
        f"/medlemskap/{membership.pk}/endre/",
        f"/medlemskap/{membership.pk}/historikk/",
        "/virksomheter/",
        f"/virksomheter/{alna.pk}/",
        f"/virksomheter/{alna.pk}/endre/",
        f"/virksomheter/{alna.pk}/historikk/",
        f"/virksomheter/{alna.pk}/sektor/ny/",
        f"/sektortilhorighet/{assignment.pk}/endre/",
        "/personer/",
        f"/personer/{membership.person.pk}/",
        f"/personer/{membership.person.pk}/endre/",
        f"/personer/{membership.person.pk}/historikk/",
        "/personer/ny/",
        "/finnes-ikke/",
    ]:
        page.goto(path)
        check_page(page)


def test_a_reader_searches_people_live_and_is_refused_editing(page, log_in, structure, reader_user):
    log_in("leser")
    page.goto("/personer/")
    page.get_by_label("Søk etter navn, stilling eller virksomhet").fill("fagerberg")
    results = page.locator("#person-results")
    expect(results).to_contain_text("1 treff på «fagerberg»")
    expect(results).not_to_contain_text("Anders Mohn Frafjord")
    expect(page).to_have_url(re.compile(r"q=fagerberg"))
    check_page(page)

    page.goto(f"/organer/{structure['lsu'].pk}/")
    expect(page.get_by_role("link", name="Legg til medlem")).to_have_count(0)
    response = page.goto(f"/organer/{structure['lsu'].pk}/endre/")
    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("Ingen tilgang")
    check_page(page)


def test_keyboard_user_skips_straight_to_the_content(page, log_in, structure):
    log_in("sekretariat")
    page.goto("/organer/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Hopp til hovedinnholdet")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
