"""Issue 16 ("Time") in a real browser: the secretariat looks at the register as it was in
2019 (the Direktørmøte under its old name, SU Oslo, no SSU yet), then records SSU's earlier
name from SSU's page and sees it among the names over time. The tree on a date, the body page
with its names and predecessor, and the name form pass axe and the Nu checker at 1366 and
390 px, without scrolling sideways on the phone."""

import datetime

import pytest
from playwright.sync_api import expect

from helsefellesskap.models import Body, BodyName
from tests.factories import BodyFactory
from tests.page_checks import check_at_both_widths

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_secretariat_sees_2019_and_records_an_earlier_name(page, log_in, secretariat_user):
    ssu = BodyFactory(
        name="Strategisk samarbeidsutvalg",
        short_name="SSU",
        kind=Body.Kind.STRATEGIC_COMMITTEE,
        established=datetime.date(2021, 6, 1),
    )
    BodyFactory(
        name="Samarbeidsutvalget mellom Oslo kommune og helseforetakene",
        short_name="SU Oslo",
        kind=Body.Kind.OTHER,
        dissolved=datetime.date(2021, 5, 31),
        successor=ssu,
        period_source="OUS styresak 19/2021: «Endrer navn til Strategisk samarbeidsutvalg».",
    )
    lsu = BodyFactory(name="Lokalt samarbeidsutvalg Ahus-sektoren", parent=ssu)
    BodyName.objects.create(
        body=lsu, name="Direktørmøtet (Ahus-sektoren)", valid_to=datetime.date(2021, 5, 31)
    )
    log_in("sekretariat")

    page.goto("/organer/")
    page.get_by_label("Vis organene slik de var").fill("2019-06-01")
    page.get_by_role("button", name="Vis").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Organer 1.6.2019")
    expect(page.get_by_role("link", name="Direktørmøtet (Ahus-sektoren)")).to_be_visible()
    expect(page.get_by_role("link", name="Strategisk samarbeidsutvalg")).to_have_count(0)
    check_at_both_widths(page)

    page.get_by_role(
        "link", name="Samarbeidsutvalget mellom Oslo kommune og helseforetakene"
    ).click()
    expect(page.get_by_text("Videreført som")).to_be_visible()
    page.get_by_role("link", name="Strategisk samarbeidsutvalg").last.click()
    expect(page.get_by_role("heading", name="Navn over tid")).to_be_visible()
    check_at_both_widths(page)

    page.get_by_role("link", name="Legg til tidligere navn").click()
    page.get_by_label("Navn", exact=True).fill("Samarbeidsutvalget for hovedstadsområdet")
    page.get_by_label("Brukt til").fill("2021-05-31")
    page.get_by_label("Kilde").fill("OUS styresak 19/2021")
    check_at_both_widths(page)
    page.get_by_role("button", name="Lagre").click()

    expect(page.get_by_role("status")).to_contain_text("Lagt til: Samarbeidsutvalget for")
    names = page.get_by_role("table", name="Navnene Strategisk samarbeidsutvalg har hatt")
    expect(names).to_contain_text("Samarbeidsutvalget for hovedstadsområdet")
    expect(names).to_contain_text("fra 01.06.2021")
    check_at_both_widths(page)
