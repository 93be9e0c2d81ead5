"""Documents made in the background: a request only queues the job, the worker makes it, the
person who ordered it follows it on its page and downloads the file; a failure says why and
can be tried again; two requests for the same document share one job."""

import datetime
import logging

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from helsefellesskap import jobs
from helsefellesskap.jobs import BuiltDocument, DocumentError, DocumentJob, request_document
from tests.factories import UserFactory

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def calls(monkeypatch):
    """A document kind 'test.notat' whose builder records each call."""
    made = []

    def build(params, user):
        made.append((params, user))
        if params.get("fail") == "message":
            raise DocumentError("Rapporten har ingen møter i 2019.")
        if params.get("fail") == "bug":
            raise RuntimeError("a bug")
        return BuiltDocument(filename="Notat 2026.pdf", content=b"%PDF-1.7 notat")

    monkeypatch.setitem(jobs._BUILDERS, "test.notat", build)
    return made


def order(user, **params):
    return request_document(
        kind="test.notat", key="notat:1", title="Notat 2026", params=params, user=user
    )


def run_worker():
    """The database queue's own worker, in this process. It closes the database connection
    when done, so tests that call it run outside a test transaction (transaction=True)."""
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)


@pytest.mark.django_db(transaction=True)
def test_the_request_only_queues_the_job_and_the_worker_makes_it(settings, calls, reader_user):
    settings.TASKS = DATABASE_TASKS
    job = order(reader_user)
    assert job.status == DocumentJob.Status.QUEUED
    assert calls == []  # nothing laid out in the request
    run_worker()
    job = DocumentJob.objects.get(pk=job.pk)
    assert job.status == DocumentJob.Status.READY
    assert job.name == "Notat 2026.pdf"
    assert job.file.read() == b"%PDF-1.7 notat"
    assert job.started_at <= job.finished_at
    assert calls == [({}, reader_user)]


@pytest.mark.django_db(transaction=True)
def test_two_requests_for_the_same_document_share_one_job(settings, calls, reader_user):
    settings.TASKS = DATABASE_TASKS
    first = order(reader_user)
    second = order(UserFactory())
    assert second.pk == first.pk
    run_worker()
    assert len(calls) == 1
    # Once it is finished, a new request makes the document again.
    third = order(reader_user)
    assert third.pk != first.pk
    assert DocumentJob.objects.count() == 2


@pytest.mark.django_db
def test_a_failure_says_why_and_can_be_tried_again(calls, reader_user):
    job = order(reader_user, fail="message")
    job = DocumentJob.objects.get(pk=job.pk)
    assert job.status == DocumentJob.Status.FAILED
    assert job.error == "Rapporten har ingen møter i 2019."
    assert not job.file

    calls.clear()
    job.params = {}
    job.save()
    again = jobs.retry_document(job=job, user=reader_user)
    assert again.pk != job.pk
    assert DocumentJob.objects.get(pk=again.pk).status == DocumentJob.Status.READY
    # The failed job stays, with its reason.
    assert DocumentJob.objects.get(pk=job.pk).status == DocumentJob.Status.FAILED


@pytest.mark.django_db
def test_an_unexpected_error_is_logged_and_told_in_plain_words(calls, reader_user, caplog):
    with caplog.at_level(logging.ERROR, logger="helsefellesskap.jobs"):
        job = order(reader_user, fail="bug")
    job = DocumentJob.objects.get(pk=job.pk)
    assert job.status == DocumentJob.Status.FAILED
    assert "feil i portalen" in job.error
    assert "RuntimeError" in caplog.text


@pytest.mark.django_db
def test_only_a_failed_job_is_tried_again_and_unknown_kinds_are_refused(calls, reader_user):
    job = DocumentJob.objects.get(pk=order(reader_user).pk)
    with pytest.raises(DocumentError, match="Bare et dokument som mislyktes"):
        jobs.retry_document(job=job, user=reader_user)
    with pytest.raises(DocumentError, match="Ukjent dokumenttype"):
        request_document(kind="ukjent", key="x", title="x", params={}, user=reader_user)


@pytest.mark.django_db(transaction=True)
def test_the_page_follows_the_job_and_offers_the_file(
    client, settings, calls, reader_user, secretariat_user
):
    settings.TASKS = DATABASE_TASKS
    job = order(reader_user)
    client.force_login(reader_user)
    page = client.get(job.get_absolute_url())
    assert page.status_code == 200
    assert "I kø" in page.text
    assert 'data-hx-trigger="every 2s"' in page.text
    partial = client.get(job.get_absolute_url(), headers={"HX-Request": "true"})
    assert "<h1>" not in partial.text and 'id="dokumentstatus"' in partial.text
    assert client.get(reverse("document_job_download", args=[job.pk])).status_code == 404

    run_worker()
    page = client.get(job.get_absolute_url())
    assert "Ferdig" in page.text and "every 2s" not in page.text
    download = client.get(reverse("document_job_download", args=[job.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.7 notat"
    assert download["Content-Type"] == "application/pdf"

    # Someone else does not learn that the job exists; the secretariat sees it.
    client.force_login(UserFactory())
    assert client.get(job.get_absolute_url()).status_code == 404
    assert client.get(reverse("document_job_download", args=[job.pk])).status_code == 404
    client.force_login(secretariat_user)
    assert client.get(job.get_absolute_url()).status_code == 200


@pytest.mark.django_db
def test_try_again_from_the_page(client, calls, reader_user):
    job = order(reader_user, fail="message")
    client.force_login(reader_user)
    page = client.get(job.get_absolute_url())
    assert "Rapporten har ingen møter i 2019." in page.text and "Prøv igjen" in page.text
    calls.clear()
    DocumentJob.objects.filter(pk=job.pk).update(params={})
    response = client.post(reverse("document_job_retry", args=[job.pk]))
    new_job = DocumentJob.objects.exclude(pk=job.pk).get()
    assert response.status_code == 302 and response["Location"] == new_job.get_absolute_url()
    assert new_job.status == DocumentJob.Status.READY
    # A job that did not fail is not started again.
    response = client.post(reverse("document_job_retry", args=[new_job.pk]), follow=True)
    assert "Bare et dokument som mislyktes" in response.text
    assert DocumentJob.objects.count() == 2


@pytest.mark.django_db
def test_a_job_whose_worker_was_stopped_does_not_block_the_document(settings, calls, reader_user):
    settings.TASKS = DATABASE_TASKS
    stuck = order(reader_user)
    DocumentJob.objects.filter(pk=stuck.pk).update(
        status=DocumentJob.Status.RUNNING,
        started_at=timezone.now() - jobs.ABANDONED_AFTER - datetime.timedelta(minutes=1),
    )
    again = order(reader_user)
    assert again.pk != stuck.pk and again.status == DocumentJob.Status.QUEUED
    stuck = DocumentJob.objects.get(pk=stuck.pk)
    assert stuck.status == DocumentJob.Status.FAILED and "avbrutt" in stuck.error
    # A job that is merely running is still shared.
    DocumentJob.objects.filter(pk=again.pk).update(
        status=DocumentJob.Status.RUNNING, started_at=timezone.now()
    )
    assert order(reader_user).pk == again.pk
