"""The load run of `make bench` (bench/load.py, bench/locustfile.py): its users post the real
forms as a browser would (the application form and the plan cell's htmx form, read with
post_form and sent back), its figures count every answer, and its check finds an acknowledged
write that is not in the database."""

import datetime

import pytest
from django.urls import reverse

from bench.load import check_writes, post_form, select_options, summarise
from bench.run import load_failures
from grants.models import Application
from portfolio.models import Cell, Status
from tests.factories import HospitalFactory
from tests.grants.factories import ApplicationFactory, RoundFactory
from tests.portfolio.factories import CellFactory, MeasureFactory, PlanFactory


def posted(pairs: list[tuple[str, str]]) -> dict[str, list[str]]:
    """Form.data()'s pairs (what locust's requests posts) as Django's test client takes them."""
    data: dict[str, list[str]] = {}
    for name, value in pairs:
        data.setdefault(name, []).append(value)
    return data


@pytest.mark.django_db
def test_the_application_form_read_by_the_load_user_saves_back_only_the_changed_title(
    client, secretariat_user
):
    """Checkboxes, selects, dates, textareas and the budget lines' formset come back as the
    browser sends them: the portal saves the draft, and nothing but the title changes."""
    round = RoundFactory(year=2027)
    hospital = HospitalFactory(name="Lovisenberg Diakonale Sykehus")
    draft = ApplicationFactory(
        round=round,
        created_by=secretariat_user,
        period_start=datetime.date(2025, 1, 1),
        partners=[hospital],
    )
    measure = MeasureFactory(group__area=draft.focus_area, name="Felles legemiddelliste")
    draft.measures.add(measure)
    client.force_login(secretariat_user)
    url = reverse("grants:application_edit", args=[draft.pk])

    form = post_form(client.get(url).content.decode(), having="title")
    response = client.post(url, posted(form.data(title="Lastprøve nr. 1", lagre="1")))

    assert response.status_code == 302
    saved = Application.objects.get(pk=draft.pk)
    assert saved.title == "Lastprøve nr. 1"
    assert list(saved.partners.all()) == [hospital]
    assert list(saved.measures.all()) == [measure]
    assert saved.summary == draft.summary and saved.period_start == draft.period_start
    assert [(line.year, line.amount) for line in saved.budget_lines.all()] == [
        (2025, draft.amount_asked)
    ]


@pytest.mark.django_db
def test_the_cell_form_read_through_htmx_saves_once_and_refuses_a_stale_version(
    client, secretariat_user
):
    plan = PlanFactory(years=[2026])
    cell = CellFactory(measure=MeasureFactory(group__area__plan=plan), year=2026, version=3)
    client.force_login(secretariat_user)
    url = reverse("portfolio:cell_edit", args=[plan.pk, cell.measure_id, 2026])

    page = client.get(url, headers={"HX-Request": "true"}).content.decode()
    form = post_form(page, having="version")
    assert dict(form.fields)["version"] == "3"
    assert select_options(page, "status") == ["", *Status.values]
    htmx = {"HX-Request": "true"}
    saved = client.post(
        url, posted(form.data(text="Lagret av last 1", status="planlagt")), headers=htmx
    )
    again = client.post(url, posted(form.data(text="Lagret av last 2")), headers=htmx)

    assert (saved.status_code, again.status_code) == (200, 409)
    stored = Cell.objects.get(pk=cell.pk)
    assert (stored.version, stored.text, stored.status) == (4, "Lagret av last 1", "planlagt")


def test_post_form_picks_the_form_with_the_field_and_sends_what_a_browser_sends():
    html = """
    <form method="post" action="/logg-ut/"><input type="hidden" name="csrfmiddlewaretoken"
      value="t"><button>Logg ut</button></form>
    <form method="post" action="/lagre/">
      <input type="hidden" name="csrfmiddlewaretoken" value="t">
      <input name="title" value="Å &amp; Ø">
      <input type="checkbox" name="partners" value="1" checked>
      <input type="checkbox" name="partners" value="2">
      <input name="locked" value="x" disabled><input type="file" name="vedlegg">
      <input type="radio" name="sector" value="7" checked>
      <select name="status"><option value="">Ingen</option><option value="x" selected>X</option>
      </select>
      <select name="area"><option value="4">Fire</option><option value="5">Fem</option></select>
      <textarea name="summary">
Første linje</textarea>
      <button name="lagre" value="1">Lagre</button>
    </form>"""

    form = post_form(html, having="title")

    assert form.action == "/lagre/"
    assert form.fields == [
        ("csrfmiddlewaretoken", "t"),
        ("title", "Å & Ø"),
        ("partners", "1"),
        ("sector", "7"),
        ("status", "x"),
        ("area", "4"),
        ("summary", "Første linje"),
    ]
    assert ("title", "Ny") in form.data(title="Ny") and ("title", "Å & Ø") not in form.data(
        title="Ny"
    )
    with pytest.raises(ValueError, match="«version»"):
        post_form(html, having="version")


def test_summarise_counts_every_answer_and_takes_p50_and_p95_per_request():
    requests = [
        *({"request": "home", "status": 200, "ms": ms, "failed": False} for ms in range(1, 21)),
        {"request": "cell save", "status": 409, "ms": 5, "failed": False},
        {"request": "cell save", "status": 500, "ms": 9, "failed": True},
        {"request": "cell save", "status": 0, "ms": 60_000, "failed": True},
        {"request": "application save", "status": 200, "ms": 7, "failed": True},
    ]

    figures = summarise(requests)

    assert figures["requests"] == 24
    assert figures["by_status"] == {"0": 1, "200": 21, "409": 1, "500": 1}
    assert (figures["server_errors"], figures["no_answer"], figures["unexpected"]) == (1, 1, 1)
    assert figures["by_request"]["home"] == {
        "requests": 20,
        "by_status": {"200": 20},
        "p50_ms": 11,
        "p95_ms": 19,
    }


STORED = {
    "cells": {
        "7/2026": {
            "history": [[1, "før", ""], [2, "a 1", "planlagt"], [3, "b 1", ""]],
            "final": [3, "b 1", ""],
        }
    },
    "applications": {
        "41": {"history": [["Utkast", "x"], ["Nr. 1", "s1"]], "final": ["Nr. 1", "s1"]}
    },
}
WRITES = [
    {"write": "cell", "cell": "7/2026", "version": 2, "text": "a 1", "status": "planlagt"},
    {"write": "cell", "cell": "7/2026", "version": 3, "text": "b 1", "status": ""},
    {"write": "application", "application": 41, "title": "Nr. 1", "summary": "s1"},
]


def test_check_writes_finds_every_acknowledged_write_and_the_last_one_stored():
    checked = check_writes(WRITES, STORED)

    assert checked == {
        "cell_edits_acknowledged": 2,
        "cell_edits_found": 2,
        "application_saves_acknowledged": 1,
        "application_saves_found": 1,
        "problems": [],
    }


def test_check_writes_names_a_lost_cell_edit_a_lost_save_and_a_version_written_twice():
    lost = [
        *WRITES,
        {"write": "cell", "cell": "7/2026", "version": 4, "text": "c 1", "status": ""},
        {"write": "application", "application": 41, "title": "Nr. 2", "summary": "s2"},
    ]
    stored = {**STORED, "cells": {"7/2026": {**STORED["cells"]["7/2026"]}}}
    stored["cells"]["7/2026"]["history"] = [*stored["cells"]["7/2026"]["history"], [3, "d", ""]]

    problems = check_writes(lost, stored)["problems"]

    assert problems == [
        "celle 7/2026: 2 historikkrader med versjon 3",
        "celle 7/2026: bekreftet versjon 4 mangler",
        "celle 7/2026: lagret [3, 'b 1', ''], sist bekreftet versjon 4",
        "søknad 41: bekreftet lagring «Nr. 2» mangler",
        "søknad 41: lagret ['Nr. 1', 's1'], sist bekreftet «Nr. 2»",
    ]


def test_the_load_run_fails_on_a_server_error_a_broken_step_and_a_run_that_wrote_nothing():
    clean = {
        "server_errors": 0,
        "no_answer": 0,
        "unexpected": 0,
        "user_errors": [],
        **check_writes(WRITES, STORED),
    }
    assert load_failures(clean) == []
    assert load_failures({**clean, "server_errors": 2}) == ["2 svar med 5xx"]
    broke_off = {**clean, "user_errors": ["ValueError: Fant ikke noe skjema"]}
    assert load_failures(broke_off) == [
        "1 steg brøt av med en feil, først: ValueError: Fant ikke noe skjema"
    ]
    nothing = {**clean, "cell_edits_acknowledged": 0, "cell_edits_found": 0}
    assert load_failures(nothing) == ["ingen lagring av en celle ble bekreftet"]
