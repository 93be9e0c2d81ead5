"""An LSU's sekretær runs the LSU's own meeting in a real browser: creates it from the body's
page, adds three items (one linked to a measure found with the focus area filter, and given
two parts with their own Hensikt and presenter), reorders them with the keyboard only, sends
the notice, whose numbers follow the new order (its PDF read with pdftotext), records the
minutes, whose PDF shows the parts as headings, and finally cancels the meeting. Every page
type is checked with axe-core and the Nu HTML Checker at 1366 and 390 px, with screenshots
in /tmp/lsu-meetings-*.png."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from helsefellesskap.models import Membership
from meetings.models import Meeting
from tests.browser.test_meeting_parts_and_groups import add_part
from tests.factories import BodyFactory, MembershipFactory, PersonFactory, UserFactory
from tests.meetings.test_notice_document import one_line, pdftotext
from tests.page_checks import check_page
from tests.portfolio.factories import FocusAreaFactory, MeasureFactory, PlanFactory

pytestmark = pytest.mark.django_db(transaction=True)

DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def lsu_secretary():
    lsu = BodyFactory(name="LSU OUS-sektoren")
    BodyFactory(name="Strategisk samarbeidsutvalg")  # not the sekretær's: not offered
    user = UserFactory(username="lsu-sekretar")
    MembershipFactory(
        body=lsu,
        role=Membership.Role.SECRETARY,
        person=PersonFactory(name="Sara Sekretær", user=user, email="sara@example.no"),
    )
    MembershipFactory(body=lsu, person=PersonFactory(name="Anne Aas", email="anne@example.no"))
    MembershipFactory(
        body=lsu, role=Membership.Role.DEPUTY, person=PersonFactory(name="Uten Epost")
    )
    plan = PlanFactory(title="Porteføljeplan 2026")
    acute = FocusAreaFactory(plan=plan, name="Den akuttmedisinske kjede", position=1)
    digital = FocusAreaFactory(plan=plan, name="Digital samhandling", position=2)
    MeasureFactory(group__area=acute, name="Felles akutteam i bydelene")
    MeasureFactory(group__area=digital, name="Pasientens legemiddelliste (PLL)")
    return lsu


def check_both_widths(page, name: str, scope: str = "body") -> None:
    """axe and the Nu checker at 1366 and 390 px, nothing in `scope` wider than the phone's
    screen, and a screenshot of each."""
    for size in (DESKTOP, PHONE):
        page.set_viewport_size(size)
        check_page(page)
        too_wide = page.locator(scope).evaluate(
            "scope => [scope, ...scope.querySelectorAll('*')].filter("
            "e => e.getBoundingClientRect().right > window.innerWidth + 1).length"
        )
        assert too_wide == 0, f"{too_wide} element(s) of {scope} wider than {size['width']} px"
        page.screenshot(path=f"/tmp/lsu-meetings-{name}-{size['width']}.png", full_page=True)
    page.set_viewport_size(DESKTOP)


def add_item(page, title: str) -> None:
    page.get_by_role("link", name="Ny sak").click()
    page.get_by_label("Tittel").fill(title)
    page.get_by_role("button", name="Lagre").click()
    expect(page.get_by_role("status").first).to_be_attached()


def pdf_text(page, url: str, tmp_path) -> str:
    """The PDF at `url`, fetched with the browser's login, as one line of pdftotext's text."""
    response = page.request.get(url)
    assert response.ok and response.headers["content-type"] == "application/pdf"
    return one_line(pdftotext(response.body(), tmp_path))


def test_the_lsu_secretary_plans_a_meeting_and_orders_its_agenda_by_keyboard(
    page, log_in, lsu_secretary, mailoutbox, tmp_path
):
    log_in("lsu-sekretar")
    page.goto(lsu_secretary.get_absolute_url())
    expect(page.get_by_role("heading", name="Møter", exact=True)).to_be_visible()
    # The members' table above is wider than a phone (the register's, not this test's); the
    # meetings part must fit.
    check_both_widths(page, "body", scope="section[aria-labelledby=meetings-heading]")

    page.get_by_role("link", name="Nytt møte i LSU OUS-sektoren").click()
    body_choice = page.get_by_label("Organ")
    expect(body_choice.locator("option:not([value=''])")).to_have_text(["LSU OUS-sektoren"])
    expect(page.get_by_label("Begrunnelse for endringen")).to_have_count(0)
    check_both_widths(page, "meeting-form")
    body_choice.select_option(label="LSU OUS-sektoren")
    page.get_by_label("Tittel").fill("LSU-møte mars")
    page.get_by_label("Starter").fill("2027-03-09T09:00")
    page.get_by_label("Slutter").fill("2027-03-09T11:00")
    page.get_by_role("button", name="Lagre").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("LSU-møte mars")

    add_item(page, "Godkjenning av innkalling og dagsorden")
    page.get_by_role("link", name="Ny sak").click()
    expect(page.get_by_role("navigation", name="Brødsmulesti")).to_contain_text("LSU-møte mars")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ny sak i LSU-møte mars")
    expect(page.get_by_label("Begrunnelse for endringen")).to_have_count(0)
    page.get_by_label("Tittel").fill("Legemiddellisten i bydelene")
    page.get_by_label("Vis innsatsområde").select_option(label="Digital samhandling")
    expect(page.get_by_label("Felles akutteam", exact=False)).to_be_hidden()
    page.get_by_label("Søk i tiltakene").fill("legemiddel")
    expect(page.get_by_role("status").filter(has_text="tiltak vises")).to_have_text(
        "1 av 2 tiltak vises."
    )
    check_both_widths(page, "item-form")
    page.get_by_label("Pasientens legemiddelliste", exact=False).check()
    page.get_by_role("button", name="Lagre").click()
    expect(page.get_by_role("link", name="Pasientens legemiddelliste (PLL)")).to_be_visible()
    add_item(page, "Eventuelt")

    # The medicines item has two parts, each with its own Hensikt and presenter.
    meeting = Meeting.objects.get(title="LSU-møte mars")
    medicines = meeting.items.get(title="Legemiddellisten i bydelene")
    page.locator(f"#sak-{medicines.pk}").get_by_role("link", name="Skriv referat og vedtak").click()
    add_part(page, "Status for innføringen", "LSU får vite hvor langt bydelene er.", "Per Prosjekt")
    add_part(page, "Veien videre", "LSU drøfter neste trinn.", "Kari Klinikk")
    page.goto(meeting.get_absolute_url())

    # "Eventuelt" to the top, by keyboard: the focus stays on its button after each move.
    last = meeting.items.get(title="Eventuelt")
    up = page.locator(f"#flytt-opp-{last.pk}")
    up.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#agenda-status")).to_contain_text("står nå som nr. 2")
    expect(page.locator(f"#flytt-opp-{last.pk}")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#agenda-status")).to_contain_text("står nå som nr. 1")
    expect(page.locator(".agenda-item h3").first).to_contain_text("Eventuelt")
    check_both_widths(page, "meeting")

    page.get_by_role("link", name="Send innkalling").click()
    expect(page.get_by_role("heading", name="Uten e-postadresse (1)")).to_be_visible()
    expect(page.get_by_role("link", name="Uten Epost")).to_be_visible()
    check_both_widths(page, "notice")
    page.get_by_role("button", name="Send innkallingen").click()
    headings = page.locator(".agenda-item h3")
    expect(headings.nth(0)).to_contain_text("1/27 Eventuelt")
    expect(headings.nth(1)).to_contain_text("2/27 Godkjenning av innkalling")
    expect(headings.nth(2)).to_contain_text("3/27 Legemiddellisten")
    expect(page.locator("#flytt-opp-" + str(last.pk))).to_have_count(0)
    assert sorted(m.to[0] for m in mailoutbox) == ["anne@example.no", "sara@example.no"]
    assert "Sak 1/27 Eventuelt" in mailoutbox[0].body

    # The notice as a PDF: the agenda in the order sent, the parts under their item.
    notice = pdf_text(page, reverse("meetings:notice_pdf", args=[meeting.pk]), tmp_path)
    order = [
        notice.index(f"{label} {title}")
        for label, title in (
            ("1/27", "Eventuelt"),
            ("2/27", "Godkjenning av innkalling"),
            ("3/27", "Legemiddellisten"),
        )
    ]
    assert order == sorted(order)
    for text in (
        "Status for innføringen",
        "LSU får vite hvor langt bydelene er.",
        "Per Prosjekt",
        "Veien videre",
        "Kari Klinikk",
    ):
        assert notice.index(text) > order[2]

    # The minutes of the medicines item, and the minutes PDF with the parts as headings.
    page.locator(f"#sak-{medicines.pk}").get_by_role("link", name="Skriv referat og vedtak").click()
    page.get_by_label("Referat").fill("Tre bydeler bruker listen; de andre følger i vår.")
    page.get_by_label("Vedtak").fill("LSU tar statusen til orientering.")
    page.get_by_role("button", name="Lagre", exact=True).click()
    expect(page.get_by_role("status").first).to_be_attached()
    minutes = pdf_text(page, reverse("meetings:minutes_pdf", args=[meeting.pk]), tmp_path)
    assert minutes.index("Status for innføringen") < minutes.index("Veien videre")
    assert "Per Prosjekt" in minutes and "Kari Klinikk" in minutes
    assert "Tre bydeler bruker listen; de andre følger i vår." in minutes

    # The meeting is cancelled after all: kept as "Avlyst", and those notified are told.
    page.get_by_role("link", name="Avlys møtet").click()
    check_both_widths(page, "cancel")
    page.get_by_label("Begrunnelse for avlysningen").fill("For få kan møte")
    page.get_by_role("button", name="Avlys møtet").click()
    expect(page.get_by_role("heading", name="Møtet er avlyst")).to_be_visible()
    expect(page.get_by_text("Begrunnelse: For få kan møte")).to_be_visible()
    assert [m.subject for m in mailoutbox[2:]] == ["Avlyst: LSU OUS-sektoren 09.03.2027"] * 2
    page.goto(lsu_secretary.get_absolute_url())
    expect(page.get_by_role("listitem").filter(has_text="LSU-møte mars")).to_contain_text("Avlyst")
    check_both_widths(page, "body-cancelled", scope="section[aria-labelledby=meetings-heading]")
