"""The reports' pages name each report's scope as it was named in the report's year, as the
PDF does: a body by its name then, the whole partnership as the structure was called then."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from annual_report.models import BEFORE_PARTNERSHIP, WHOLE_PARTNERSHIP
from helsefellesskap.models import Body, BodyName
from tests.annual_report.factories import AnnualReportFactory
from tests.factories import BodyFactory


@pytest.fixture
def secretariat(client, secretariat_user):
    client.force_login(secretariat_user)
    return client


@pytest.fixture
def directors(db):
    body = BodyFactory(name="Lokalt samarbeidsutvalg Nordsektoren", kind=Body.Kind.LOCAL_COMMITTEE)
    BodyName.objects.create(
        body=body,
        name="Direktørmøtet (Nordsektoren)",
        valid_to=datetime.date(2021, 5, 31),
        source="Styresak 19/2021",
    )
    return body


@pytest.fixture
def partnership(db):
    return BodyFactory(
        name="Partnerskapsmøtet",
        kind=Body.Kind.PARTNERSHIP_MEETING,
        established=datetime.date(2021, 6, 1),
    )


def test_the_list_and_the_report_page_name_a_body_as_it_was_named_that_year(secretariat, directors):
    old = AnnualReportFactory(year=2019, body=directors)
    new = AnnualReportFactory(year=2022, body=directors)

    listed = secretariat.get(reverse("annual_report:report_list")).text
    assert "Årsrapport 2019 – Direktørmøtet (Nordsektoren)" in listed
    assert "Årsrapport 2022 – Lokalt samarbeidsutvalg Nordsektoren" in listed
    assert "Årsrapport 2019 – Lokalt samarbeidsutvalg" not in listed
    assert "Direktørmøtet (Nordsektoren)" in secretariat.get(old.get_absolute_url()).text
    assert "Direktørmøtet" not in secretariat.get(new.get_absolute_url()).text


def test_the_whole_partnership_before_it_was_established_has_the_structures_name(
    secretariat, partnership
):
    AnnualReportFactory(year=2019)
    AnnualReportFactory(year=2021)

    listed = secretariat.get(reverse("annual_report:report_list")).text
    assert f"Årsrapport 2019 – {BEFORE_PARTNERSHIP}" in listed
    assert f"Årsrapport 2021 – {WHOLE_PARTNERSHIP}" in listed
    assert f"Årsrapport 2019 – {WHOLE_PARTNERSHIP}" not in listed


def test_the_list_asks_the_same_number_of_queries_for_more_bodies(
    secretariat, directors, partnership
):
    AnnualReportFactory(year=2019, body=directors)
    AnnualReportFactory(year=2019)
    with CaptureQueriesContext(connection) as few:
        secretariat.get(reverse("annual_report:report_list"))
    for number in range(4):
        body = BodyFactory(name=f"Fagråd {number}")
        BodyName.objects.create(
            body=body, name=f"Forum {number}", valid_to=datetime.date(2020, 1, 1)
        )
        AnnualReportFactory(year=2019, body=body)
        AnnualReportFactory(year=2020 + number)
    with CaptureQueriesContext(connection) as many:
        response = secretariat.get(reverse("annual_report:report_list"))
    assert "Årsrapport 2019 – Forum 3" in response.text
    assert len(many) == len(few)
