"""The secretariat records a body's approval; the request only queues it, and the worker lays
the published PDF out and publishes the version. A failed layout leaves the version a draft,
the approval failed with its reason and open to a retry; of two approvals at once, one wins."""

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from annual_report import versions
from annual_report.models import ReportVersion
from annual_report.versions import ApprovalRefused, generate_version, request_approval
from helsefellesskap import jobs
from helsefellesskap.jobs import DocumentJob
from tests.annual_report.factories import AnnualReportFactory, sector_year

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def run_worker():
    """The database queue's own worker, in this process (it closes the connection when done,
    so these tests run outside a test transaction)."""
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)


@pytest.fixture
def draft(secretariat_user):
    report = AnnualReportFactory(sector=sector_year().sector)
    return generate_version(report, secretariat_user)


@pytest.fixture
def layouts(monkeypatch):
    """Records every layout of the report; fails while `layouts.fail` is set."""
    real = versions.render_report_pdf
    calls = []

    def recording(snapshot, **kwargs):
        calls.append(kwargs)
        if recording.fail:
            raise RuntimeError("the layout broke")
        return real(snapshot, **kwargs)

    recording.fail = False
    recording.calls = calls
    monkeypatch.setattr(versions, "render_report_pdf", recording)
    return recording


def approval_form(version):
    return {
        "body": version.report.approving_body().pk,
        "approved_on": timezone.localdate().isoformat(),
        "remark": "Godkjent i møte",
    }


@pytest.mark.django_db(transaction=True)
def test_the_approval_request_only_queues_and_the_worker_publishes(
    client, settings, secretariat_user, draft, layouts
):
    settings.TASKS = DATABASE_TASKS
    client.force_login(secretariat_user)
    url = reverse("annual_report:version_approve", args=[draft.pk])
    response = client.post(url, approval_form(draft))

    job = DocumentJob.objects.get(kind=versions.APPROVAL_DOCUMENT)
    assert response.url == job.get_absolute_url()
    assert layouts.calls == []  # nothing laid out in the request
    assert job.status == DocumentJob.Status.QUEUED
    draft.refresh_from_db()
    assert draft.status == ReportVersion.Status.DRAFT
    # Meanwhile the approval page leads to the job's progress instead of a second form.
    assert client.get(url).url == job.get_absolute_url()
    assert "I kø" in client.get(job.get_absolute_url()).text

    run_worker()
    assert [call["draft"] for call in layouts.calls] == [False]
    draft.refresh_from_db()
    assert draft.status == ReportVersion.Status.PUBLISHED
    assert (draft.approved_by.name, draft.approval_remark) == (
        "LSU Testsektoren",
        "Godkjent i møte",
    )
    assert draft.approved_on == timezone.localdate()
    assert draft.pdf_size == len(draft.pdf.read())
    page = client.get(job.get_absolute_url(), follow=True)
    assert page.redirect_chain[-1][0] == draft.report.get_absolute_url()
    assert "Versjon 1 er godkjent av LSU Testsektoren og publisert." in page.text


@pytest.mark.django_db
def test_a_failed_layout_leaves_a_draft_and_can_be_tried_again(
    secretariat_user, draft, layouts, django_capture_on_commit_callbacks
):
    draft_file = draft.pdf.name
    layouts.fail = True
    job = request_approval(
        draft,
        body=draft.report.approving_body(),
        approved_on=timezone.localdate(),
        remark="Godkjent",
        user=secretariat_user,
    )
    job.refresh_from_db()
    assert job.status == DocumentJob.Status.FAILED
    assert "kunne ikke lages" in job.error
    draft.refresh_from_db()
    assert draft.status == ReportVersion.Status.DRAFT
    assert (draft.approved_by, draft.published_at) == (None, None)
    assert draft.pdf.name == draft_file and draft.pdf.storage.exists(draft_file)

    layouts.fail = False
    with django_capture_on_commit_callbacks(execute=True):
        again = jobs.retry_document(job=job, user=secretariat_user)
    again.refresh_from_db()
    assert again.status == DocumentJob.Status.READY
    draft.refresh_from_db()
    assert draft.status == ReportVersion.Status.PUBLISHED
    assert not draft.pdf.storage.exists(draft_file)


@pytest.mark.django_db(transaction=True)
def test_of_two_approvals_at_once_one_wins(settings, secretariat_user, draft, layouts):
    settings.TASKS = DATABASE_TASKS
    decision = {"approved_on": timezone.localdate(), "user": secretariat_user}
    first = request_approval(draft, body=draft.report.approving_body(), remark="Først", **decision)
    with pytest.raises(ApprovalRefused, match="allerede sendt til godkjenning"):
        request_approval(draft, body=draft.report.approving_body(), remark="Sist", **decision)
    run_worker()
    assert DocumentJob.objects.get(pk=first.pk).status == DocumentJob.Status.READY
    draft.refresh_from_db()
    assert draft.approval_remark == "Først"
    with pytest.raises(ApprovalRefused, match="allerede godkjent"):
        request_approval(draft, body=draft.report.approving_body(), remark="Sist", **decision)
    assert len(layouts.calls) == 1


@pytest.mark.django_db(transaction=True)
def test_a_newer_draft_made_before_the_worker_runs_refuses_the_approval(
    settings, secretariat_user, draft, layouts
):
    settings.TASKS = DATABASE_TASKS
    job = request_approval(
        draft,
        body=draft.report.approving_body(),
        approved_on=timezone.localdate(),
        remark="Godkjent",
        user=secretariat_user,
    )
    generate_version(draft.report, secretariat_user)
    run_worker()
    job.refresh_from_db()
    assert job.status == DocumentJob.Status.FAILED
    assert "nyere versjon (2)" in job.error
    draft.refresh_from_db()
    assert draft.status == ReportVersion.Status.DRAFT
