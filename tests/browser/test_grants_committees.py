"""The committees in a real browser: the LSU leader ranks and forwards the sector's
applications on one page, SSU's leader records a recommendation, a decision maker grants one
(after a refused amount), and the applicant sees "Innvilget" on the application. Every page
type is checked with axe-core and the Nu HTML Checker."""

import datetime
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from grants.models import Application
from helsefellesskap.models import Body, Membership
from helsefellesskap.permissions import DECISION_MAKER_GROUP
from tests.factories import BodyFactory, MembershipFactory, PersonFactory, UserFactory
from tests.grants.factories import AllocationFactory, ApplicationFactory
from tests.meetings.factories import OSLO, ItemFactory, MeetingFactory
from tests.page_checks import check_page

pytestmark = pytest.mark.django_db(transaction=True)


def member(body, username, name, role=Membership.Role.MEMBER):
    user = UserFactory(username=username)
    MembershipFactory(body=body, person=PersonFactory(name=name, user=user), role=role)
    return user


@pytest.fixture
def round_with_applications():
    allocation = AllocationFactory(amount=Decimal("17240000"), sector__name="OUS-sektoren")
    lsu = BodyFactory(
        name="LSU OUS-sektoren", kind=Body.Kind.LOCAL_COMMITTEE, sector=allocation.sector
    )
    ssu = BodyFactory(name="Strategisk samarbeidsutvalg", kind=Body.Kind.STRATEGIC_COMMITTEE)
    member(lsu, "lsu-leder", "Lise Leder", Membership.Role.LEADER)
    member(ssu, "ssu-leder", "Sverre SSU-leder", Membership.Role.LEADER)
    applicant = member(lsu, "soker", "Siv Søker")
    UserFactory(username="direktor", roles=[DECISION_MAKER_GROUP])
    meeting = MeetingFactory(body=lsu, starts_at=datetime.datetime(2024, 11, 18, 9, 0, tzinfo=OSLO))
    ItemFactory(meeting=meeting, title="Prioritering av søknader om tilskudd")
    titles = [
        "Felles rekruttering av sykepleiere (oppdiktet)",
        "Digital hjemmeoppfølging (oppdiktet)",
        "Ambulant team for eldre (oppdiktet)",
    ]
    applications = [
        ApplicationFactory(
            round=allocation.round,
            sector=allocation.sector,
            state=Application.State.SUBMITTED,
            title=title,
            amount_asked=Decimal("1000000"),
            created_by=applicant,
        )
        for title in titles
    ]
    return allocation, applications


def test_lsu_prioritises_ssu_recommends_the_decision_maker_grants_the_applicant_sees_it(
    page, log_in, round_with_applications
):
    allocation, (first, second, third) = round_with_applications
    round_url = f"/tilskudd/runde/{allocation.round_id}/"

    # The LSU leader ranks all three and forwards two, in one action.
    log_in("lsu-leder")
    page.goto(round_url)
    expect(page.get_by_role("table", name="Tall per sektor")).to_contain_text("17 240 000")
    check_page(page)
    page.get_by_role("link", name="LSUs prioritering: OUS-sektoren").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("LSUs prioritering: OUS-sektoren")
    check_page(page)
    page.get_by_label(f"Rangering av «{first.title}»").fill("1")
    page.get_by_label(f"Rangering av «{second.title}»").fill("1")  # twice: refused
    page.get_by_label(f"Rangering av «{third.title}»").fill("3")
    page.get_by_label(f"Prioriter og send «{first.title}» til SSU").check()
    page.get_by_label(f"Prioriter og send «{second.title}» til SSU").check()
    page.get_by_role("button", name="Prioriter og send til SSU").click()
    expect(page.get_by_role("alert")).to_contain_text("Rangering 1 er gitt til flere søknader")
    check_page(page)
    page.get_by_label(f"Rangering av «{second.title}»").fill("2")
    page.get_by_role("button", name="Beregn sum").click()
    summary = page.locator(".grant-sum")
    expect(summary).to_contain_text("2 000 000 kr (2 søknader)")
    expect(summary).to_contain_text("15 240 000 kr")
    page.get_by_label("LSUs kommentar").fill("Behandlet i LSU 18.11.24.")
    page.get_by_label("Behandlet i sak").select_option(index=1)
    page.get_by_role("button", name="Prioriter og send til SSU").click()
    expect(page.get_by_text("2 søknader er prioritert og sendt til SSU")).to_be_visible()
    handled = page.get_by_role("table", name="Søknader fra OUS-sektoren som LSU har behandlet")
    expect(handled).to_contain_text("Ikke prioritert av LSU")
    check_page(page)
    page.get_by_role("button", name="Logg ut").click()

    # SSU's leader records the recommendation on the compilation.
    log_in("ssu-leder")
    page.goto(f"{round_url}sammenstilling/")
    check_page(page)
    page.get_by_text(f"Skriv SSUs anbefaling: {first.title}").click()
    page.get_by_label("SSUs anbefaling").first.fill("SSU anbefaler at søknaden innvilges.")
    page.get_by_role("button", name="Lagre anbefalingen").first.click()
    expect(page.get_by_text(f"SSUs anbefaling er lagret for «{first.title}»")).to_be_visible()
    page.get_by_role("button", name="Logg ut").click()

    # The decision maker grants the first: too much is refused, less than asked is fine.
    log_in("direktor")
    page.goto(round_url)
    page.get_by_role("link", name="Vedtak", exact=True).click()
    check_page(page)
    card = page.locator(f"#soknad-{first.pk}")
    expect(card).to_contain_text("SSU anbefaler at søknaden innvilges.")
    card.get_by_label("Innvilget", exact=True).check()
    card.get_by_label("Innvilget beløp (kr)").fill("1 500 000")
    card.get_by_role("button", name="Lagre vedtaket").click()
    expect(page.locator(f"#soknad-{first.pk}").get_by_role("alert")).to_contain_text(
        "større enn søkt beløp"
    )
    check_page(page)
    card = page.locator(f"#soknad-{first.pk}")
    card.get_by_label("Innvilget beløp (kr)").fill("800 000")
    card.get_by_role("button", name="Lagre vedtaket").click()
    expect(page.get_by_text(f"«{first.title}» er innvilget med 800 000 kr")).to_be_visible()
    expect(page.locator(".grant-sector dl").first).to_contain_text("16 440 000 kr")
    check_page(page)
    page.get_by_role("button", name="Logg ut").click()

    # The applicant sees the outcome on the application.
    log_in("soker")
    page.goto(f"/tilskudd/soknad/{first.pk}/")
    expect(page.locator(".lead")).to_contain_text("Innvilget")
    expect(page.get_by_text("800 000 kr")).to_be_visible()
    check_page(page)
