"""A large plan's PDF, PowerPoint and Excel workbook are made by the background worker: the
request answers at once with the job's page, which offers the file when it is ready. A plan of
the usual size is answered at once, as before."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from helsefellesskap.jobs import DocumentJob
from portfolio import background_documents, spreadsheet
from tests.portfolio.factories import MeasureFactory

pytestmark = pytest.mark.django_db

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def made(monkeypatch):
    """Laying out is replaced by a recorder: the test is about where the work happens."""
    calls = []

    def fake_pdf(plan, **kwargs):
        calls.append(plan.pk)
        return b"%PDF-1.7 plan"

    monkeypatch.setitem(background_documents.MAKERS, "pdf", ("PDF", fake_pdf))
    return calls


@pytest.mark.django_db(transaction=True)
def test_a_large_plans_pdf_is_made_by_the_worker(client, reader_user, settings, made, monkeypatch):
    settings.TASKS = DATABASE_TASKS
    monkeypatch.setattr(background_documents, "BACKGROUND_FROM_MEASURES", 1)
    plan = MeasureFactory(group__area__plan__title="Porteføljeplan 2026").group.area.plan
    MeasureFactory(group__area__plan=plan)
    client.force_login(reader_user)

    response = client.get(reverse("portfolio:plan_pdf", args=[plan.pk]))
    job = DocumentJob.objects.get()
    assert response.status_code == 302 and response.url == job.get_absolute_url()
    assert made == []  # nothing laid out in the request
    assert job.title == "Porteføljeplan 2026 som PDF"

    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
    assert made == [plan.pk]
    download = client.get(reverse("document_job_download", args=[job.pk]))
    assert b"".join(download.streaming_content) == b"%PDF-1.7 plan"
    assert 'filename="portefoljeplan-2026.pdf"' in download["Content-Disposition"]


def test_a_plan_of_the_usual_size_is_answered_at_once(client, reader_user):
    plan = MeasureFactory().group.area.plan
    client.force_login(reader_user)
    response = client.get(reverse("portfolio:plan_pdf", args=[plan.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert not DocumentJob.objects.exists()


@pytest.fixture
def workbooks_made(monkeypatch):
    """The real export, recording the plans it is asked for: the test shows where it runs."""
    calls = []

    def export_plan(plan):
        calls.append(plan.pk)
        return spreadsheet.export_plan(plan)

    monkeypatch.setitem(background_documents.MAKERS, "xlsx", ("Excel", export_plan))
    return calls


@pytest.mark.django_db(transaction=True)
def test_a_large_plans_excel_workbook_is_made_by_the_worker(
    client, reader_user, secretariat_user, settings, workbooks_made, monkeypatch
):
    settings.TASKS = DATABASE_TASKS
    monkeypatch.setattr(background_documents, "BACKGROUND_FROM_MEASURES", 1)
    first = MeasureFactory(
        group__area__plan__title="Porteføljeplan 2026", name="Felles akuttmottak"
    )
    plan = first.group.area.plan
    MeasureFactory(group=first.group, name="Digital hjemmeoppfølging")
    url = reverse("portfolio:plan_export", args=[plan.pk])
    client.force_login(reader_user)

    response = client.get(url)
    job = DocumentJob.objects.get()
    assert response.status_code == 302 and response.url == job.get_absolute_url()
    assert workbooks_made == []  # the request only queued it
    assert job.title == "Porteføljeplan 2026 som Excel"
    # Someone else asking while it waits for the worker shares the job.
    client.force_login(secretariat_user)
    assert client.get(url).url == job.get_absolute_url()
    assert DocumentJob.objects.count() == 1

    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
    assert workbooks_made == [plan.pk]
    client.force_login(reader_user)
    download = client.get(reverse("document_job_download", args=[job.pk]))
    assert download["Content-Type"] == spreadsheet.CONTENT_TYPE
    assert 'filename="portefoljeplan-2026.xlsx"' in download["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content)))["Porteføljeplan"]
    measures = [row[2] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert measures == ["Felles akuttmottak", "Digital hjemmeoppfølging"]


def test_the_excel_workbook_of_a_plan_of_the_usual_size_is_answered_at_once(client, reader_user):
    plan = MeasureFactory().group.area.plan
    client.force_login(reader_user)
    response = client.get(reverse("portfolio:plan_export", args=[plan.pk]))
    assert response.status_code == 200 and response["Content-Type"] == spreadsheet.CONTENT_TYPE
    assert load_workbook(io.BytesIO(response.content)).sheetnames[0] == "Porteføljeplan"
    assert not DocumentJob.objects.exists()
