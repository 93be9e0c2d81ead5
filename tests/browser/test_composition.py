"""Issue 16 in a real browser: the secretariat sees on the register tree and the body page which
kinds of representative and which named seats the OUS LSU lacks, puts a new member in a seat,
and the seat is no longer listed as empty. The body page's requirements block passes axe and
the Nu checker at 1366 and 390 px, without scrolling sideways on the phone."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from tests.factories import (
    GP_USER_UNION,
    BodyFactory,
    CompositionRequirementFactory,
    MembershipFactory,
    PersonFactory,
)
from tests.page_checks import check_at_both_widths, check_page

pytestmark = pytest.mark.django_db(transaction=True)

SEAT = "Samhandlingsoverlege, Oslo universitetssykehus HF"


def test_the_secretariat_fills_an_empty_seat_of_the_ous_lsu(page, log_in, secretariat_user):
    lsu = BodyFactory(name="Lokalt samarbeidsutvalg OUS-sektoren", requires=GP_USER_UNION)
    CompositionRequirementFactory(
        body=lsu,
        representative_kind="",
        seat=SEAT,
        valid_from=datetime.date(2024, 12, 12),
        source="OUS styresak 98/2024 (12.12.2024)",
    )
    MembershipFactory(
        body=lsu, person=PersonFactory(name="Ellen A. Fagerberg"), representative_kind="fastlege"
    )
    PersonFactory(name="Sara Samhandling", title="Samhandlingsoverlege", organisation=None)

    log_in("sekretariat")
    page.goto("/organer/")
    node = page.locator(".tree-item", has_text="Lokalt samarbeidsutvalg OUS-sektoren")
    expect(node).to_contain_text(
        "Mangler brukerrepresentant; Mangler tillitsvalgtrepresentant; Ledig plass: " + SEAT
    )
    check_page(page)

    node.get_by_role("link", name="Lokalt samarbeidsutvalg OUS-sektoren").click()
    warning = page.get_by_role("note")
    expect(warning.get_by_role("heading")).to_have_text("Sammensetningen er ikke komplett")
    expect(warning.get_by_role("listitem")).to_have_text(
        [
            "Mangler brukerrepresentant",
            "Mangler tillitsvalgtrepresentant",
            f"Ledig plass: {SEAT}",
        ]
    )
    requirements = page.get_by_role("table", name="Krav som gjelder i dag, og hvem som fyller dem")
    expect(
        requirements.get_by_role("row", name=re.compile("Fastlegerepresentant"))
    ).to_contain_text("Ellen A. Fagerberg")
    expect(requirements.get_by_role("row", name=re.compile(f"Plass: {SEAT}"))).to_contain_text(
        f"Ledig plass: {SEAT}"
    )
    check_at_both_widths(page)

    page.get_by_role("link", name="Legg til medlem").click()
    page.get_by_label("Person", exact=True).select_option(
        label="Sara Samhandling – Samhandlingsoverlege"
    )
    page.get_by_label("Plass", exact=True).select_option(label=SEAT)
    page.get_by_label("Begrunnelse for endringen").fill("Oppnevnt av OUS")
    page.get_by_role("button", name="Lagre").click()

    expect(page.get_by_role("status")).to_contain_text("Lagt til: Sara Samhandling")
    expect(page.get_by_role("note").get_by_role("listitem")).to_have_text(
        ["Mangler brukerrepresentant", "Mangler tillitsvalgtrepresentant"]
    )
    row = requirements.get_by_role("row", name=re.compile(f"Plass: {SEAT}"))
    expect(row).to_contain_text("Sara Samhandling")
    expect(row).not_to_contain_text("Ledig plass")
    members = page.get_by_role("table", name="Aktive medlemmer")
    expect(members.get_by_role("row", name=re.compile("Sara Samhandling"))).to_contain_text(SEAT)
    check_at_both_widths(page)
