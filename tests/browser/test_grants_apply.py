"""An LSU member applies in a real browser: starts an application for the sector's round, fills
in the form and the budget lines, saves the draft (a wrong amount first), sends it in from the
confirmation page and sees it sent, with the receipt in the outbox. Every page type made for
this is checked with axe-core and the Nu HTML Checker."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from grants.models import Application
from helsefellesskap.models import Organisation
from tests.factories import HospitalFactory, OrganisationFactory
from tests.grants.factories import AllocationFactory, lsu_member
from tests.page_checks import check_page
from tests.portfolio.factories import FocusAreaFactory, MeasureFactory, PlanFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def round():
    allocation = AllocationFactory(sector__name="OUS-sektoren", round__year=2025)
    plan = PlanFactory(title="Porteføljeplan 2026")
    area = FocusAreaFactory(plan=plan, name="Den akuttmedisinske kjede")
    MeasureFactory(group__area=area, name="Felles akutteam i bydelene")
    allocation.round.invited_areas.add(area)
    return allocation.round


@pytest.fixture
def applicant(round):
    district = OrganisationFactory(name="Bydel Gamle Oslo", kind=Organisation.Kind.DISTRICT)
    OrganisationFactory(name="Sykehjemsetaten", kind=Organisation.Kind.AGENCY)
    HospitalFactory(name="Oslo universitetssykehus HF")
    return lsu_member(
        round.allocations.get().sector,
        "soker",
        organisation=district,
        email="soker@example.no",
        first_name="Siv",
        last_name="Søker",
    )


def fill_line(page, number, year, description, amount):
    page.get_by_label(f"År, linje {number}").fill(year)
    page.get_by_label(f"Post, linje {number}").fill(description)
    page.get_by_label(f"Beløp, linje {number}").fill(amount)


def test_an_lsu_member_applies_and_sends_it_in(page, log_in, round, applicant, mailoutbox):
    log_in("soker")
    page.goto(round.get_absolute_url())
    page.get_by_role("link", name="Ny søknad").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Ny søknad: {round}")
    check_page(page)

    page.get_by_label("Tittel", exact=True).fill("Felles akutteam (oppdiktet)")
    page.get_by_label("Sammendrag").fill("Bydel og sykehus bygger et felles akutteam.")
    page.get_by_label("Innsatsområde").select_option(label="Den akuttmedisinske kjede")
    page.get_by_label("Felles akutteam i bydelene").check()
    expect(page.get_by_label("Søker (virksomhet)")).to_have_value(
        str(Organisation.objects.get(name="Bydel Gamle Oslo").pk)
    )
    page.get_by_label("Kontaktperson", exact=True).fill("Kari Kontakt")
    page.get_by_label("E-post til kontaktperson").fill("kari.kontakt@example.no")
    page.get_by_label("Oslo universitetssykehus HF").check()
    page.get_by_label("Sykehjemsetaten").check()
    page.get_by_label("Prosjektperiode fra").fill("2025-01-01")
    page.get_by_label("Prosjektperiode til").fill("2026-12-31")
    page.get_by_label("Søkt beløp (kr)").fill("450 000")
    fill_line(page, 1, "2025", "Prosjektleder", "300 000")
    fill_line(page, 2, "2026", "Opplæring", "-150 000")  # negative: refused
    page.get_by_role("button", name="Lagre utkast").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Budsjettlinje 2, beløp (kr): Beløpet kan ikke være negativt."
    )
    check_page(page)
    assert not Application.objects.exists()

    page.get_by_label("Beløp, linje 2").fill("150 000")
    page.get_by_role("button", name="Lagre utkast").click()
    expect(page.get_by_text("Utkastet er lagret.")).to_be_visible()
    expect(page.get_by_text("Status: Utkast")).to_be_visible()
    application = Application.objects.get()
    assert application.budget_total == Decimal("450000")
    check_page(page)

    page.get_by_role("link", name="Send inn").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Sende inn «Felles akutteam (oppdiktet)»?"
    )
    check_page(page)
    page.get_by_role("button", name="Send inn").click()
    expect(page.get_by_text("Søknaden er sendt inn og kan ikke endres lenger.")).to_be_visible()
    expect(page.locator(".lead strong")).to_have_text("Sendt inn")
    expect(page.get_by_role("link", name="Endre søknaden")).to_have_count(0)
    check_page(page)

    assert Application.objects.get().state == Application.State.SUBMITTED
    [receipt] = mailoutbox
    assert receipt.to == ["kari.kontakt@example.no", "soker@example.no"]
    assert receipt.attachments[0][2] == "application/pdf"
