"""`python manage.py annual_report --year 2019 --scope Ahus -o FILE.pdf` makes the same report
headless; a wrong scope, year or folder gets a clear message and writes nothing."""

import pytest
from django.core.management import CommandError, call_command

from annual_report.models import ReportVersion
from tests.annual_report.factories import AnnualReportFactory, sector_year
from tests.annual_report.test_versions import pdf_text

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("scope", ["Test", "Testsektoren", "LSU Testsektoren"])
def test_the_command_writes_the_sectors_report(tmp_path, scope):
    sector_year()
    target = tmp_path / "arsrapport.pdf"
    call_command("annual_report", year=2019, scope=scope, output=str(target))
    text = pdf_text(target.read_bytes())
    assert "Årsrapport 2019 – Testsektoren" in text and "Lise Leder" in text
    assert not ReportVersion.objects.exists()


def test_the_command_uses_the_reports_texts_and_can_store_a_version(tmp_path, secretariat_user):
    year = sector_year()
    AnnualReportFactory(sector=year.sector, highlights="Et godt år for samhandlingen.")
    target = tmp_path / "arsrapport.pdf"
    call_command(
        "annual_report", year=2019, scope="Test", output=str(target), save=secretariat_user.username
    )
    assert "Et godt år for samhandlingen." in pdf_text(target.read_bytes())
    version = ReportVersion.objects.get()
    assert (version.number, version.generated_by) == (1, secretariat_user)


def test_a_body_scope_covers_the_body_and_those_under_it(tmp_path):
    year = sector_year()
    target = tmp_path / "forum.pdf"
    call_command("annual_report", year=2019, scope=year.council.name, output=str(target))
    text = pdf_text(target.read_bytes())
    assert "Årsrapport 2019 – Samarbeidsforum Testsektoren" in text
    assert "Lise Leder" not in text


@pytest.mark.parametrize(
    "options, message",
    [
        ({"scope": "Atlantis"}, "Fant ingen sektor eller organ som heter «Atlantis»"),
        ({"year": 1850}, "mellom 2000 og 2100"),
        ({"output": "/finnes/ikke/rapport.pdf"}, "finnes ikke"),
        ({"save": "ukjent"}, "Fant ingen bruker «ukjent»"),
    ],
)
def test_bad_input_gets_a_clear_message_and_writes_nothing(tmp_path, options, message):
    sector_year()
    target = tmp_path / "rapport.pdf"
    arguments = {"year": 2019, "scope": "Test", "output": str(target)} | options
    with pytest.raises(CommandError, match=message):
        call_command("annual_report", **arguments)
    assert not target.exists()
    assert not ReportVersion.objects.exists()
