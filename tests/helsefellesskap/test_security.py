"""Security settings from the first commit: CSP without inline code, CSRF, login throttling
with lockout, production mode passing `check --deploy`, demo logins never in production."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from helsefellesskap.models import Body
from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "PORTAL_ENV": "production",
    "DJANGO_SECRET_KEY": "x7!kq2-prod-test-key-" + "a9Zr4Tm8Lw3Qp6Nv1Bc5Yh0Jd2Fg7Ks4Xe9Uo3Wi8",
    "DJANGO_ALLOWED_HOSTS": "helsefellesskap.example.no",
    "PORTAL_BASE_URL": "https://helsefellesskap.example.no",
}


@pytest.mark.django_db
def test_pages_carry_a_content_security_policy_without_inline_code(client, reader_user):
    client.force_login(reader_user)
    response = client.get(reverse("body_tree"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    html = response.content.decode()
    assert "<script>" not in html and " style=" not in html and "<style" not in html
    assert "django_htmx/htmx-2.min.js" in html  # htmx from django-htmx's vendored copy
    assert '"allowEval":false' in html


@pytest.mark.django_db
def test_forms_refuse_a_post_without_csrf_token(secretariat_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(secretariat_user)
    response = client.post(reverse("person_create"), {"name": "Uten token"})
    assert response.status_code == 403


@pytest.mark.django_db
def test_login_locks_out_after_five_wrong_passwords(client):
    UserFactory(username="kari")
    for _ in range(5):
        client.post(reverse("login"), {"username": "kari", "password": "feil"})
    locked = client.post(reverse("login"), {"username": "kari", "password": "riktig-passord-123"})
    assert locked.status_code == 429
    assert "For mange mislykkede innlogginger" in locked.content.decode()


@pytest.mark.django_db
def test_login_with_the_right_password_opens_the_portal(client):
    UserFactory(username="kari")
    response = client.post(
        reverse("login"), {"username": "kari", "password": "riktig-passord-123"}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("home")
    wrong = Client().post(reverse("login"), {"username": "kari", "password": "feil"})
    assert "Vennligst oppgi korrekt brukernavn og passord" in wrong.content.decode()
    # A refused login saves nothing: the summary says what went wrong, not "not saved".
    assert "Du ble ikke logget inn" in wrong.content.decode()
    assert "Skjemaet ble ikke lagret" not in wrong.content.decode()


def _manage(*args, env):
    inherited = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**inherited, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_mode_passes_check_deploy_without_warnings():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_workers_keep_their_database_connection_and_check_it_before_reuse():
    code = "from django.db import connection as c; print(c.settings_dict['CONN_MAX_AGE'], "
    code += "c.settings_dict['CONN_HEALTH_CHECKS'])"
    result = _manage("shell", "--verbosity=0", "-c", code, env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["60", "True"]


def test_production_mode_refuses_to_start_without_a_secret_key(monkeypatch):
    monkeypatch.delenv("DJANGO_SECRET_KEY", raising=False)
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "DJANGO_SECRET_KEY"}
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


@pytest.mark.django_db
def test_demo_logins_are_never_loaded_in_production(settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="aldri i produksjon"):
        call_command("load_portal_data")
    assert not User.objects.filter(username="sekretariat").exists()
    call_command("load_portal_data", "--no-demo", verbosity=0)
    assert Body.objects.exists()
    assert not User.objects.filter(username="sekretariat").exists()
