"""The secretariat reads and edits the plan in the browser's grid page."""

import re

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from helsefellesskap.permissions import SECRETARIAT_GROUP
from portfolio.models import Cell
from tests.factories import MembershipFactory, PersonFactory, UserFactory
from tests.portfolio.conftest import build_plan
from tests.portfolio.factories import MeasureFactory, PlanFactory

HTMX = {"HTTP_HX_REQUEST": "true"}


def cell_url(name, measure, year):
    plan = measure.group.area.plan
    return reverse(f"portfolio:{name}", args=[plan.pk, measure.pk, year])


def test_everyone_logged_in_sees_the_plan_with_statuses_in_words(client, reader_user, pll):
    client.force_login(reader_user)
    response = client.get(pll.group.area.plan.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert "Digital samhandling" in html
    assert "Pasientens legemiddelliste (PLL)" in html
    assert "Starte innføring" in html
    # The colour is never alone: the status label is in the cell's text.
    assert '<span class="status-tag">Under arbeid</span>' in html
    # A reader gets no edit links.
    assert cell_url("cell_edit", pll, 2025) not in html


def test_the_secretariat_gets_an_edit_link_in_every_cell(client, secretariat_user, pll):
    client.force_login(secretariat_user)
    html = client.get(pll.group.area.plan.get_absolute_url()).content.decode()
    for year in (2024, 2025, 2026):
        assert cell_url("cell_edit", pll, year) in html


@pytest.mark.parametrize("measures_per_area", [1, 40])
def test_plan_page_query_count_does_not_grow_with_the_plan(
    client, secretariat_user, plan, measures_per_area
):
    build_plan(plan, areas=10, measures_per_area=measures_per_area)
    client.force_login(secretariat_user)
    client.get(plan.get_absolute_url())  # warm the session and permission caches
    caches["plan_pages"].clear()  # the grid rendered afresh, as after an edit
    with CaptureQueriesContext(connection) as queries:
        response = client.get(plan.get_absolute_url())
    assert response.status_code == 200
    assert response.content.decode().count('class="cell') >= 10 * measures_per_area * 3
    # session, user, plan with its history state, columns, the user's role (groups, asked
    # once for the edit permission and the menu), bodies for the filter, areas, groups,
    # measures and cells: the same for 10 and for 400 measures.
    assert len(queries) == 10, "\n".join(q["sql"][:150] for q in queries)
    # The grid from the cache: areas, groups, measures and cells are not read at all.
    with CaptureQueriesContext(connection) as queries:
        again = client.get(plan.get_absolute_url()).content
    token = rb'value="[^"]{64}"'  # the CSRF token, masked anew for every response
    assert re.sub(token, b"", again) == re.sub(token, b"", response.content)
    assert len(queries) == 6, "\n".join(q["sql"][:150] for q in queries)


def test_saving_a_cell_in_place_returns_the_new_cell_and_announces_it(
    client, secretariat_user, pll
):
    client.force_login(secretariat_user)
    url = cell_url("cell_edit", pll, 2025)
    form = client.get(url, **HTMX)
    assert form.status_code == 200
    assert 'name="version" value="1"' in form.content.decode()

    response = client.post(
        url,
        {
            "text": "Innføring i alle bydeler",
            "status": "ferdigstilt",
            "comment": "Vedtatt i SSU",
            "version": 1,
        },
        **HTMX,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.strip().startswith("<td")
    assert "Innføring i alle bydeler" in html and "Ferdigstilt" in html
    # The new cell replaces the old one in the grid; the editor dialog closes on the event.
    assert response["HX-Retarget"] == f"#celle-{pll.pk}-2025"
    assert response["HX-Reswap"] == "outerHTML"
    assert "cellSaved" in response["HX-Trigger-After-Settle"]
    cell = Cell.objects.get(measure=pll, column__year=2025)
    assert (cell.text, cell.status, cell.version) == ("Innføring i alle bydeler", "ferdigstilt", 2)
    record = cell.history.first()
    assert record.history_user == secretariat_user
    assert record.history_change_reason == "Vedtatt i SSU"


def test_without_javascript_the_form_is_a_page_and_saving_returns_to_the_plan(
    client, secretariat_user, pll
):
    client.force_login(secretariat_user)
    url = cell_url("cell_edit", pll, 2026)
    page = client.get(url)
    assert "<h1>Endre Fokus for 2026</h1>" in page.content.decode()
    response = client.post(url, {"text": "Fortsette innføring", "status": "", "version": 0})
    assert response.status_code == 302
    assert response["Location"].endswith(f"#celle-{pll.pk}-2026")
    assert Cell.objects.get(measure=pll, column__year=2026).text == "Fortsette innføring"


def test_a_stale_edit_is_refused_and_shows_the_other_persons_value(client, secretariat_user, pll):
    colleague = UserFactory(
        username="kollega", first_name="Kari", last_name="Kollega", roles=[SECRETARIAT_GROUP]
    )
    url = cell_url("cell_edit", pll, 2025)
    client.force_login(colleague)
    client.post(url, {"text": "Kollegaens tekst", "status": "under_arbeid", "version": 1})

    client.force_login(secretariat_user)
    response = client.post(url, {"text": "Min tekst", "status": "planlagt", "version": 1}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 409
    assert "Kari Kollega" in html
    assert "Kollegaens tekst" in html
    assert "Min tekst" in html  # what this user typed is kept in the form
    assert 'name="version" value="2"' in html  # saving again is a deliberate overwrite
    cell = Cell.objects.get(measure=pll, column__year=2025)
    assert cell.text == "Kollegaens tekst"
    # Created by the factory, changed by the colleague; the refused save left no trace.
    assert cell.history.count() == 2
    assert cell.history.first().history_user == colleague


@pytest.mark.parametrize(
    "data, message",
    [
        ({"text": "x", "status": "nesten_ferdig", "version": 1}, "Ukjent status"),
        ({"text": "x" * 301, "status": "", "version": 1}, "300 tegn"),
        ({"text": "x", "status": ""}, "mangler versjonen"),
    ],
)
def test_bad_input_gets_a_clear_message_and_saves_nothing(
    client, secretariat_user, pll, data, message
):
    client.force_login(secretariat_user)
    response = client.post(cell_url("cell_edit", pll, 2025), data, **HTMX)
    assert response.status_code == 422
    assert message in response.content.decode()
    cell = Cell.objects.get(measure=pll, column__year=2025)
    assert (cell.text, cell.version) == ("Starte innføring", 1)


def test_a_year_the_plan_does_not_have_is_a_clear_not_found(client, secretariat_user, pll):
    client.force_login(secretariat_user)
    response = client.post(cell_url("cell_edit", pll, 2031), {"text": "x", "version": 0})
    assert response.status_code == 404
    assert "har ingen kolonne for 2031" in response.content.decode()
    assert not Cell.objects.filter(column__year=2031).exists()


def test_a_measure_of_another_plan_is_not_found(client, secretariat_user, pll):
    other_plan = PlanFactory()
    client.force_login(secretariat_user)
    url = reverse("portfolio:cell_edit", args=[other_plan.pk, pll.pk, 2025])
    assert client.get(url).status_code == 404


def test_an_unchanged_save_writes_no_history(client, secretariat_user, pll):
    client.force_login(secretariat_user)
    client.post(
        cell_url("cell_edit", pll, 2025),
        {"text": "Starte innføring", "status": "under_arbeid", "version": 1},
    )
    cell = Cell.objects.get(measure=pll, column__year=2025)
    assert cell.version == 1
    assert cell.history.count() == 1  # the factory's creation only


def test_cell_history_shows_who_when_old_and_new_and_the_comment(client, secretariat_user, pll):
    client.force_login(secretariat_user)
    client.post(
        cell_url("cell_edit", pll, 2025),
        {"text": "Innført", "status": "ferdigstilt", "comment": "Rapport fra LSU", "version": 1},
    )
    html = client.get(cell_url("cell_history", pll, 2025)).content.decode()
    assert "Starte innføring" in html and "Innført" in html
    assert "Under arbeid" in html and "Ferdigstilt" in html
    assert "Rapport fra LSU" in html
    assert secretariat_user.get_full_name() in html


def test_filters_narrow_the_grid(client, reader_user, plan, pll):
    other = MeasureFactory(group=pll.group, name="Kritisk info API; forberede ibruktakelse")
    client.force_login(reader_user)
    url = plan.get_absolute_url()
    html = client.get(url, {"status": "ferdigstilt"}).content.decode()
    assert pll.name in html and other.name not in html
    html = client.get(url, {"status": "ferdigstilt", "aar": 2025}).content.decode()
    assert "Ingen tiltak passer filteret" in html
    html = client.get(url, {"aar": 2025}).content.decode()
    assert "Starte innføring" in html and "Forberede innføring" not in html
    # An unknown value drops that filter only; the others still apply.
    response = client.get(url, {"status": "ferdigstilt", "aar": "x", "omrade": "abc"})
    assert response.status_code == 200
    html = response.content.decode()
    assert pll.name in html and other.name not in html


def test_a_local_plan_is_edited_by_its_lsu_secretary_only(client, lsu, reader_user):
    local = PlanFactory(title="Lokal plan OUS-sektoren", body=lsu)
    measure = MeasureFactory(group__area__plan=local)
    secretary = UserFactory(username="lsu-sekretar")
    MembershipFactory(person=PersonFactory(user=secretary), body=lsu, role="sekretar")
    url = reverse("portfolio:cell_edit", args=[local.pk, measure.pk, 2026])

    client.force_login(secretary)
    assert client.post(url, {"text": "Prosjekt LSU", "version": 0}).status_code == 302
    client.force_login(reader_user)
    assert client.post(url, {"text": "Overskrevet", "version": 1}).status_code == 403
    # The LSU secretary does not edit the overall plan.
    overall = PlanFactory()
    overall_measure = MeasureFactory(group__area__plan=overall)
    client.force_login(secretary)
    overall_url = reverse("portfolio:cell_edit", args=[overall.pk, overall_measure.pk, 2026])
    assert client.post(overall_url, {"text": "x", "version": 0}).status_code == 403
