"""What an operator relies on: a health endpoint for the load balancer, one log line per
request, and a production mode that refuses to start misconfigured."""

import datetime
import logging

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from helsefellesskap import jobs
from helsefellesskap.jobs import BuiltDocument, request_document
from tests.helsefellesskap.test_security import PRODUCTION_ENV, _manage

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.mark.django_db
def test_health_answers_without_login_when_database_and_queue_are_fine(client, settings):
    settings.TASKS = DATABASE_TASKS
    response = client.get(reverse("health"))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["database"] == "ok"
    assert body["queue"]["waiting"] == 0
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_health_fails_when_no_worker_takes_tasks(client, settings, monkeypatch, reader_user):
    settings.TASKS = DATABASE_TASKS
    monkeypatch.setitem(
        jobs._BUILDERS, "test.notat", lambda params, user: BuiltDocument("a.pdf", b"%PDF")
    )
    request_document(kind="test.notat", key="a", title="A", params={}, user=reader_user)
    assert client.get(reverse("health")).json()["queue"]["waiting"] == 1
    DBTaskResult.objects.update(enqueued_at=timezone.now() - datetime.timedelta(minutes=10))
    response = client.get(reverse("health"))
    assert response.status_code == 503
    assert response.json()["queue"]["status"] == "ingen arbeider tar oppgaver"


@pytest.mark.django_db
def test_each_request_is_logged_on_one_line_with_user_status_and_time(client, reader_user, caplog):
    client.force_login(reader_user)
    with caplog.at_level(logging.INFO, logger="helsefellesskap.requests"):
        client.get(reverse("body_tree") + "?q=hemmelig")
        client.get("/finnes-ikke/")
    lines = [r.getMessage() for r in caplog.records if r.name == "helsefellesskap.requests"]
    assert len(lines) == 2
    assert lines[0].startswith(f"GET {reverse('body_tree')} 200 ")
    assert lines[0].endswith(f"user={reader_user.pk}")
    assert "hemmelig" not in lines[0]  # no query string in the log
    assert " 404 " in lines[1]


@pytest.mark.parametrize(
    "change, named",
    [
        ({"PORTAL_BASE_URL": "http://helsefellesskap.example.no"}, "PORTAL_BASE_URL"),
        ({"DJANGO_ALLOWED_HOSTS": "*"}, "DJANGO_ALLOWED_HOSTS"),
        ({"DJANGO_ALLOWED_HOSTS": "helsefellesskap.example.no,"}, "DJANGO_ALLOWED_HOSTS"),
    ],
)
def test_production_refuses_an_http_base_url_and_wildcard_hosts(change, named):
    result = _manage("check", env={**PRODUCTION_ENV, **change})
    assert result.returncode != 0
    assert named in result.stderr
