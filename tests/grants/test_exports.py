"""The round's applications as Excel (readable values, links, formulas escaped) and the
decision list as a PDF for the meeting papers."""

import io
import subprocess
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from grants.exports import HEADERS, SHEET_NAME
from grants.models import Application
from tests.factories import HospitalFactory, OrganisationFactory
from tests.grants.factories import AllocationFactory, ApplicationFactory
from tests.portfolio.factories import FocusAreaFactory

pytestmark = pytest.mark.django_db

State = Application.State


@pytest.fixture
def allocation():
    return AllocationFactory(amount=Decimal("17240000"), sector__name="OUS-sektoren")


def add(allocation, **kwargs):
    return ApplicationFactory(round=allocation.round, sector=allocation.sector, **kwargs)


def rows_of(response) -> list[list]:
    sheet = load_workbook(io.BytesIO(response.content))[SHEET_NAME]
    return [[cell for cell in row] for row in sheet.iter_rows()]


def test_the_excel_export_has_readable_values_and_links(client, allocation, secretariat_user):
    granted = add(
        allocation,
        title="Felles rekrutteringsprosjekt (oppdiktet)",
        applicant_organisation=OrganisationFactory(name="Bydel Gamle Oslo"),
        partners=[HospitalFactory(name="Oslo universitetssykehus HF"), OrganisationFactory()],
        focus_area=FocusAreaFactory(name="Rekruttering og kompetanse"),
        amount_asked=Decimal("1200000"),
        state=State.GRANTED,
        amount_granted=Decimal("1000000"),
        lsu_rank=2,
    )
    add(allocation, state=State.SUBMITTED)
    client.force_login(secretariat_user)
    response = client.get(reverse("grants:round_export", args=[allocation.round_id]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert f"soknader-{allocation.round.year}.xlsx" in response["Content-Disposition"]
    rows = rows_of(response)
    assert [cell.value for cell in rows[0]] == [title for title, _ in HEADERS]
    assert len(rows) == 3
    row = next(r for r in rows[1:] if r[1].value == granted.title)
    values = [cell.value for cell in row]
    assert values[0] == "OUS-sektoren"
    assert values[2] == "Bydel Gamle Oslo"
    assert "Oslo universitetssykehus HF" in values[3]
    assert values[4] == "Rekruttering og kompetanse"
    assert values[5] == 1200000 and row[5].data_type == "n"
    assert values[6] == "Innvilget"
    assert values[7] == 2
    assert values[8] == 1000000
    assert values[9] == f"http://testserver{granted.get_absolute_url()}"
    assert row[9].hyperlink.target == values[9]


def test_the_link_uses_the_portal_address_when_set(client, allocation, settings, secretariat_user):
    settings.PORTAL_BASE_URL = "https://portal.helsefellesskap.example/"
    app = add(allocation)
    client.force_login(secretariat_user)
    rows = rows_of(client.get(reverse("grants:round_export", args=[allocation.round_id])))
    assert rows[1][9].value == f"https://portal.helsefellesskap.example{app.get_absolute_url()}"


def test_formulas_are_written_as_text(client, allocation, decision_maker_user):
    evil = '=HYPERLINK("https://angriper.example","Klikk")'
    add(
        allocation,
        title=evil,
        applicant_organisation=OrganisationFactory(name="+47 Bydel"),
        partners=[HospitalFactory(name="@SUM(A1:A9)")],
        state=State.FORWARDED,
    )
    client.force_login(decision_maker_user)
    row = rows_of(client.get(reverse("grants:round_export", args=[allocation.round_id])))[1]
    for cell, value in ((row[1], evil), (row[2], "+47 Bydel"), (row[3], "@SUM(A1:A9)")):
        assert cell.value == value and cell.data_type == "s" and cell.quotePrefix


def test_the_export_holds_only_what_the_user_may_see(client, allocation, decision_maker_user):
    # Decision makers see what the LSUs forwarded, not drafts; the matrix keeps everyone else
    # out (403).
    add(allocation, state=State.DRAFT, title="Utkast som ikke er sendt")
    add(allocation, state=State.FORWARDED, title="Videresendt søknad")
    client.force_login(decision_maker_user)
    rows = rows_of(client.get(reverse("grants:round_export", args=[allocation.round_id])))
    assert [row[1].value for row in rows[1:]] == ["Videresendt søknad"]


def _pdftotext(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "vedtaksliste.pdf"
    path.write_bytes(pdf)
    completed = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    )
    return completed.stdout.replace("\xa0", " ")


def test_the_decision_list_pdf_per_sector(client, allocation, decision_maker_user, tmp_path):
    add(
        allocation,
        title="Innvilget samhandlingsprosjekt",
        state=State.GRANTED,
        amount_granted=Decimal("1240000"),
        amount_asked=Decimal("1500000"),
    )
    add(allocation, title="Avslått samhandlingsprosjekt", state=State.REJECTED)
    add(allocation, title="Ikke ferdig behandlet", state=State.FORWARDED)
    other = AllocationFactory(
        round=allocation.round, amount=Decimal("5000000"), sector__name="Ahus-sektoren"
    )
    client.force_login(decision_maker_user)
    response = client.get(reverse("grants:decision_list_pdf", args=[allocation.round_id]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert f"vedtaksliste-{allocation.round.year}.pdf" in response["Content-Disposition"]
    text = _pdftotext(response.content, tmp_path)
    assert "Vedtaksliste" in text
    assert "OUS-sektoren" in text and "Ahus-sektoren" in text
    assert "17 240 000" in text  # the OUS sector's allocation
    assert "1 240 000" in text and "16 000 000" in text  # granted, remaining
    assert "Innvilget samhandlingsprosjekt" in text
    assert "Avslått samhandlingsprosjekt" in text
    assert "Ikke ferdig behandlet" not in text  # not decided yet
    assert other.sector.name in text and "5 000 000" in text
