"""The annual report says, per committee, what its composition had to include at the end of the
year and what was not filled, in the body page's words (issue 16), read back with pdftotext."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from annual_report.assembly import assemble
from annual_report.versions import generate_version
from tests.annual_report.factories import AnnualReportFactory, sector_year
from tests.annual_report.test_versions import pdf_text, stored
from tests.factories import CompositionRequirementFactory, MembershipFactory

pytestmark = pytest.mark.django_db

SOURCE = "OUS styresak 98/2024 (12.12.2024)."


def requirements_of(lsu):
    CompositionRequirementFactory(body=lsu, representative_kind="bruker", source=SOURCE)
    seat = CompositionRequirementFactory(
        body=lsu,
        representative_kind="",
        seat="Klinikkleder, Oslo universitetssykehus HF",
        valid_from=datetime.date(2019, 6, 1),
        source=SOURCE,
    )
    CompositionRequirementFactory(
        body=lsu, representative_kind="fastlege", valid_from=datetime.date(2020, 1, 1)
    )
    return seat


def test_the_report_names_the_requirements_of_the_year_and_what_was_missing(secretariat_user):
    year = sector_year(2019)
    requirements_of(year.lsu)
    # A user representative who left in June leaves the place empty at the end of the year.
    MembershipFactory(body=year.lsu, representative_kind="bruker", end=datetime.date(2019, 6, 30))
    report = AnnualReportFactory(sector=year.sector, year=2019)

    text = re.sub(r"\s+", " ", pdf_text(stored(generate_version(report, secretariat_user))))

    assert (
        "Krav til sammensetningen per 31.12.2019: brukerrepresentant; Klinikkleder, Oslo "
        "universitetssykehus HF. Ikke fylt per 31.12.2019: Mangler brukerrepresentant; Ledig "
        "plass: Klinikkleder, Oslo universitetssykehus HF." in text
    )
    assert "Kilde for kravene: OUS styresak 98/2024 (12.12.2024)." in text
    # Demanded only from 2020: not in the 2019 report.
    assert "fastlegerepresentant" not in text
    # The council under the LSU has no requirements: nothing is said about it.
    assert text.count("Krav til sammensetningen") == 1


def test_a_filled_composition_is_said_to_be_filled_and_a_later_seat_is_not_read():
    year = sector_year(2019)
    seat = requirements_of(year.lsu)
    MembershipFactory(body=year.lsu, representative_kind="bruker")
    MembershipFactory(body=year.lsu, seat=seat)

    snapshot = assemble(AnnualReportFactory(sector=year.sector, year=2019))
    lsu = next(s for s in snapshot["committees"] if s["name"] == year.lsu.name)
    assert lsu["composition"]["gaps"] == []
    assert lsu["composition"]["demands"] == [
        "brukerrepresentant",
        "Klinikkleder, Oslo universitetssykehus HF",
    ]

    earlier = assemble(AnnualReportFactory(sector=year.sector, year=2018))
    lsu = next(s for s in earlier["committees"] if s["name"] == year.lsu.name)
    assert lsu["composition"]["demands"] == ["brukerrepresentant"]


def test_requirements_cost_one_query_whatever_their_number():
    year = sector_year(2019)
    report = AnnualReportFactory(sector=year.sector, year=2019)
    requirements_of(year.lsu)
    with CaptureQueriesContext(connection) as before:
        assemble(report)
    for n in range(10):
        CompositionRequirementFactory(body=year.council, representative_kind="", seat=f"Plass {n}")
    with CaptureQueriesContext(connection) as after:
        assemble(report)
    assert len(after) == len(before)
