"""An LSU member applies in a real browser (issue 14): finds the open round in the round list,
chooses the focus area and ticks one of its measures (htmx brings them), finds two partners by
searching the register (Enter searches in place), adds budget lines in place and removes one
while the sum follows, gets every error at once, and sends in four lines through the
confirmation page; the receipt with the reference number is in the outbox. Every page type is
checked with axe-core and the Nu HTML Checker at 1366 and 390 px, with screenshots in
/tmp/grants-apply-*.png."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from grants.models import Application
from helsefellesskap.models import Organisation
from tests.factories import HospitalFactory, OrganisationFactory
from tests.grants.factories import AllocationFactory, ApplicationFactory, lsu_member
from tests.page_checks import DESKTOP, PHONE, check_at_both_widths, check_page
from tests.portfolio.factories import FocusAreaFactory, MeasureFactory, PlanFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def round():
    allocation = AllocationFactory(sector__name="OUS-sektoren", round__year=2025)
    plan = PlanFactory(title="Porteføljeplan 2026")
    acute = FocusAreaFactory(plan=plan, name="Den akuttmedisinske kjede", position=1)
    digital = FocusAreaFactory(plan=plan, name="Digital samhandling", position=2)
    MeasureFactory(group__area=acute, name="Felles akutteam i bydelene")
    MeasureFactory(group__area=digital, name="Pasientens legemiddelliste (PLL)")
    allocation.round.invited_areas.add(acute, digital)
    return allocation.round


@pytest.fixture
def applicant(round):
    district = OrganisationFactory(name="Bydel Gamle Oslo", kind=Organisation.Kind.DISTRICT)
    OrganisationFactory(name="Sykehjemsetaten", kind=Organisation.Kind.AGENCY)
    HospitalFactory(name="Oslo universitetssykehus HF")
    HospitalFactory(name="Akershus universitetssykehus HF")
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


def pick_partner(page, query, name):
    page.get_by_label("Søk etter virksomhet").fill(query)
    page.locator("#partner-results").get_by_label(name).check()
    expect(page.locator("#id_partners").get_by_role("group", name="Valgt")).to_contain_text(name)


def test_an_lsu_member_applies_and_sends_it_in(page, log_in, round, applicant, mailoutbox):
    log_in("soker")
    page.set_viewport_size(DESKTOP)
    page.goto("/tilskudd/")
    expect(page.get_by_role("listitem").filter(has_text=str(round))).to_contain_text("Åpen – frist")
    check_at_both_widths(page, "rounds")
    page.get_by_role("link", name=str(round)).click()
    page.get_by_role("link", name="Ny søknad").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Ny søknad: {round}")
    check_at_both_widths(page, "form")

    page.get_by_label("Tittel", exact=True).fill("Felles akutteam (oppdiktet)")
    page.get_by_label("Sammendrag").fill("Bydel og sykehus bygger et felles akutteam.")
    measures = page.locator("#id_measures")
    expect(measures).to_contain_text("Velg innsatsområde først")
    page.get_by_label("Innsatsområde").select_option(label="Den akuttmedisinske kjede")
    measures.get_by_label("Felles akutteam i bydelene").check()
    expect(measures).not_to_contain_text("Pasientens legemiddelliste")
    page.get_by_label("Kontaktperson", exact=True).fill("Kari Kontakt")
    page.get_by_label("E-post til kontaktperson").fill("kari.kontakt@example.no")

    page.get_by_label("Søk etter virksomhet").fill("universitetssykehus")
    expect(page.get_by_role("status").filter(has_text="treff")).to_have_text(
        "2 treff for «universitetssykehus»."
    )
    pick_partner(page, "universitetssykehus", "Oslo universitetssykehus HF")
    search_box = page.get_by_label("Søk etter virksomhet")
    search_box.fill("etaten")
    search_box.press("Enter")  # searches in place: the form is neither saved nor left
    expect(page.get_by_role("status").filter(has_text="treff")).to_have_text(
        "1 treff for «etaten»."
    )
    expect(page.get_by_role("alert")).to_have_count(0)
    assert not Application.objects.exists()
    pick_partner(page, "etaten", "Sykehjemsetaten")
    check_at_both_widths(page, "form-partners")

    page.get_by_label("Prosjektperiode fra").fill("2025-01-01")
    page.get_by_label("Prosjektperiode til").fill("2026-12-31")
    fill_line(page, 1, "2025", "Prosjektleder", "300 000")
    for number, (year, post, amount) in enumerate(
        [("2026", "Prosjektleder", "200 000"), ("2025", "Reise", "10 000")], start=2
    ):
        page.get_by_role("button", name="Legg til linje").click()
        expect(page.get_by_label(f"År, linje {number}")).to_be_focused()
        fill_line(page, number, year, post, amount)
    page.get_by_role("button", name="Legg til linje").click()
    fill_line(page, 4, "2026", "Opplæring", "-150 000")  # negative: refused
    sum_ = page.locator("#budsjett-sum")
    expect(sum_).to_contain_text("510 000 kr")  # the line it cannot read counts nothing
    page.get_by_role("button", name="Fjern linje 3").click()
    expect(page.get_by_label("Post, linje 3")).to_have_value("Opplæring")
    expect(page.get_by_role("button", name="Legg til linje")).to_be_focused()
    page.get_by_label("E-post til kontaktperson").fill("")

    page.get_by_role("button", name="Lagre og send inn").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("E-post til kontaktperson:")
    expect(summary).to_contain_text("Budsjettlinje 3, beløp (kr): Beløpet kan ikke være negativt.")
    assert not Application.objects.exists()
    check_at_both_widths(page, "errors")

    page.get_by_label("E-post til kontaktperson").fill("kari.kontakt@example.no")
    page.get_by_label("Beløp, linje 3").fill("150 000")
    page.get_by_role("button", name="Legg til linje").click()
    fill_line(page, 4, "2026", "Reise", "20 000")
    expect(sum_).to_contain_text("670 000 kr")
    page.get_by_role("button", name="Lagre og send inn").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Sende inn «Felles akutteam (oppdiktet)»?"
    )
    expect(
        page.get_by_text("Utkastet er lagret. Se over søknaden og send den inn.")
    ).to_be_visible()
    expect(page.get_by_role("table", name="Budsjett")).to_contain_text("Opplæring")
    application = Application.objects.get()
    assert application.state == Application.State.DRAFT
    assert application.amount_asked == Decimal("670000") == application.budget_total
    assert application.budget_lines.count() == 4
    assert {p.name for p in application.partners.all()} == {
        "Oslo universitetssykehus HF",
        "Sykehjemsetaten",
    }
    check_at_both_widths(page, "confirm")

    page.get_by_role("button", name="Send inn").click()
    expect(page.get_by_text("Søknaden er sendt inn og kan ikke endres lenger.")).to_be_visible()
    expect(page.locator(".lead")).to_contain_text("Referansenummer RST-2025-0001")
    expect(page.locator(".lead")).to_contain_text("Status: Sendt inn")
    check_page(page)
    assert Application.objects.get().state == Application.State.SUBMITTED
    [receipt] = mailoutbox
    assert receipt.to == ["kari.kontakt@example.no", "soker@example.no"]
    assert "Referansenummer: RST-2025-0001" in receipt.body


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_long_words_and_labels_fit_a_phone(page, log_in, round, applicant):
    """A long measure name, a long word and a long «vedtatt av» neither widen a phone's page
    nor push a checkbox away from its label."""
    allocation = round.allocations.get()
    AllocationFactory(
        round=round,
        sector__name="Diakonhjemmet-sektoren",
        amount=Decimal("17240000"),
        decided_by="Oppdiktet vedtak (demo)",
    )
    long_name = (
        "Styrke kompetansen, både i kommune- og spesialisthelsetjenesten om skrøpelighet, "
        "risikofaktorer og skrøpelighet."
    )
    measure = MeasureFactory(group__area=round.invited_areas.first(), name=long_name)
    submitted = ApplicationFactory(
        round=round, sector=allocation.sector, state=Application.State.SUBMITTED
    )
    submitted.measures.add(measure)
    log_in("soker")
    page.set_viewport_size(PHONE)
    problems = []
    for url in (round.get_absolute_url(), submitted.get_absolute_url()):
        page.goto(url)
        if not fits_the_screen(page):
            problems.append(f"{url} scrolls sideways")
    page.goto(f"{round.get_absolute_url()}ny-soknad/")
    page.get_by_label("Innsatsområde").select_option(label="Den akuttmedisinske kjede")
    expect(page.locator("#id_measures").get_by_label(long_name)).to_be_visible()
    for size in (DESKTOP, PHONE):
        page.set_viewport_size(size)
        apart = page.locator(".checkbox-group .field-checkbox").evaluate_all(
            "rows => rows.filter(row => Math.abs(row.querySelector('input')"
            ".getBoundingClientRect().top - row.querySelector('label')"
            ".getBoundingClientRect().top) > 8).map(row => row.textContent.trim())"
        )
        problems += [f"{size['width']} px: checkbox not beside «{label}»" for label in apart]
    assert problems == []
