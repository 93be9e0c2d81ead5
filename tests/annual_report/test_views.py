"""The secretariat's pages: a new report for a year and scope, its texts, generating and
approving; bad input gets a message on its field and writes nothing."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from annual_report import versions
from annual_report.models import AnnualReport, ReportVersion
from helsefellesskap.jobs import DocumentJob
from tests.annual_report.factories import AnnualReportFactory, sector_year

pytestmark = pytest.mark.django_db


@pytest.fixture
def secretariat(client, secretariat_user):
    client.force_login(secretariat_user)
    return client


def test_the_secretariat_makes_a_report_and_generates_a_draft(secretariat):
    year = sector_year()
    response = secretariat.post(
        reverse("annual_report:report_create"),
        {"year": 2019, "sector": year.sector.pk, "introduction": "Innledning\r\n\r\n- punkt\x0b"},
    )
    report = AnnualReport.objects.get()
    assert response.url == report.get_absolute_url()
    assert report.introduction == "Innledning\n\n- punkt"  # control characters dropped
    assert report.scope_key == f"sektor:{year.sector.pk}"

    response = secretariat.post(
        reverse("annual_report:version_generate", args=[report.pk]), follow=True
    )
    # Through the background job's page (the tests run tasks at once) to the report.
    assert response.redirect_chain[0][0].startswith("/dokumenter/")
    assert response.redirect_chain[-1][0] == report.get_absolute_url()
    page = response.text
    assert "Utkast versjon 1 er generert." in page
    assert "Registrer godkjenning av versjon 1" in page


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"year": 1999}, "year", "større enn eller lik 2000"),
        ({"year": ""}, "year", "Feltet er påkrevet."),
        ({"introduction": "x" * 20_001}, "introduction", "høyst 20000 tegn"),
        ({"duplicate": True}, "__all__", "finnes allerede en årsrapport"),
        ({"both": True}, "__all__", "enten en sektor eller et organ"),
    ],
)
def test_a_bad_report_form_says_what_is_wrong_and_saves_nothing(secretariat, data, field, message):
    year = sector_year()
    existing = AnnualReportFactory(year=2018, sector=year.sector)
    post = {"year": 2019, "sector": year.sector.pk}
    if data.pop("duplicate", False):
        post["year"] = 2018
    if data.pop("both", False):
        post["body"] = year.lsu.pk
    post.update(data)
    response = secretariat.post(reverse("annual_report:report_create"), post)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert message in " ".join(errors[field])
    assert list(AnnualReport.objects.all()) == [existing]


def test_a_report_for_a_sector_and_a_body_at_once_is_refused_once(secretariat):
    year = sector_year()
    response = secretariat.post(
        reverse("annual_report:report_create"),
        {"year": 2019, "sector": year.sector.pk, "body": year.lsu.pk},
    )
    assert response.content.decode().count("Velg enten en sektor eller et organ, ikke begge.") == 1
    assert not AnnualReport.objects.exists()


def test_the_year_and_scope_of_a_report_stay_as_they_are(secretariat):
    year = sector_year()
    report = AnnualReportFactory(sector=year.sector)
    response = secretariat.post(
        reverse("annual_report:report_edit", args=[report.pk]),
        {"year": 2030, "highlights": "Nye høydepunkter", "sector": ""},
    )
    report.refresh_from_db()
    assert response.status_code == 302
    assert (report.year, report.sector, report.highlights) == (
        2019,
        year.sector,
        "Nye høydepunkter",
    )


def test_an_approval_with_bad_input_shows_the_error_on_its_field(secretariat):
    year = sector_year()
    report = AnnualReportFactory(sector=year.sector)
    secretariat.post(reverse("annual_report:version_generate", args=[report.pk]))
    version = ReportVersion.objects.get()
    url = reverse("annual_report:version_approve", args=[version.pk])

    page = secretariat.get(url)
    assert page.context["form"].initial["body"] == year.lsu  # the sector's LSU by default

    future = timezone.localdate().replace(year=timezone.localdate().year + 1)
    response = secretariat.post(
        url, {"body": year.lsu.pk, "approved_on": future.isoformat(), "remark": "Godkjent"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["approved_on"] == [
        "Godkjenningsdatoen kan ikke være fram i tid."
    ]
    assert 'aria-invalid="true"' in response.text
    response = secretariat.post(url, {"body": "", "approved_on": "", "remark": "Godkjent"})
    assert set(response.context["form"].errors) == {"body", "approved_on"}
    version.refresh_from_db()
    assert version.status == ReportVersion.Status.DRAFT

    response = secretariat.post(
        url,
        {
            "body": year.lsu.pk,
            "approved_on": timezone.localdate().isoformat(),
            "remark": "Godkjent",
        },
    )
    # The request queues the approval; its job page leads to the report once it is published
    # (the tests' worker runs at once).
    job = response.url
    assert job.startswith("/dokumenter/")
    response = secretariat.get(job, follow=True)
    assert response.redirect_chain[-1][0] == report.get_absolute_url()
    assert "Versjon 1 er godkjent av LSU Testsektoren og publisert." in response.text
    version.refresh_from_db()
    assert version.status == ReportVersion.Status.PUBLISHED
    # The form is not offered again for a published version.
    assert secretariat.get(url).url == report.get_absolute_url()


def test_the_pages_take_the_same_number_of_queries_for_more_versions(
    secretariat, django_assert_max_num_queries
):
    year = sector_year()
    report = AnnualReportFactory(sector=year.sector)
    generate = reverse("annual_report:version_generate", args=[report.pk])
    secretariat.post(generate)
    with CaptureQueriesContext(connection) as one:
        secretariat.get(report.get_absolute_url())
        secretariat.get(reverse("annual_report:report_list"))
    baseline = len(one)  # now: the next request clears the connection's query log
    for _ in range(3):
        secretariat.post(generate)
    with django_assert_max_num_queries(baseline):
        secretariat.get(report.get_absolute_url())
        secretariat.get(reverse("annual_report:report_list"))


@pytest.mark.django_db(transaction=True)
def test_the_request_only_queues_the_draft_and_the_worker_makes_it(
    secretariat, settings, monkeypatch
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    rendered = []
    monkeypatch.setattr(
        versions, "render_report_pdf", lambda *a, **k: rendered.append(1) or b"%PDF-1.7"
    )
    report = AnnualReportFactory(sector=sector_year().sector)
    generate = reverse("annual_report:version_generate", args=[report.pk])
    response = secretariat.post(generate)
    job = DocumentJob.objects.get()
    assert response.url == job.get_absolute_url()
    assert rendered == [] and not ReportVersion.objects.exists()  # nothing laid out
    assert "I kø" in secretariat.get(job.get_absolute_url()).text
    # A second click while it waits shares the job.
    assert secretariat.post(generate).url == job.get_absolute_url()

    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
    assert rendered == [1] and ReportVersion.objects.get().number == 1
    page = secretariat.get(job.get_absolute_url(), follow=True)
    assert page.redirect_chain[-1][0] == report.get_absolute_url()
    assert "Utkast versjon 1 er generert." in page.text
    # While polling, htmx is told to go to the report.
    polled = secretariat.get(job.get_absolute_url(), headers={"HX-Request": "true"})
    assert polled["HX-Redirect"] == report.get_absolute_url()
