"""The plan page's grid, its "as of" view and the changes page are rendered once per state of
the plan and served from the cache (portfolio/grid_cache.py), and never show a value older than
the last saved one: whoever saved it, in the grid, the admin, the Excel import's worker or any
other process, none of which tells the cache anything."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from portfolio import editing
from portfolio.models import Cell, Column, Plan
from tests.factories import UserFactory
from tests.portfolio.factories import MeasureFactory
from tests.portfolio.test_plan_import import DATABASE_TASKS, run_worker
from tests.portfolio.test_spreadsheet import as_upload, cell_of, exported


def page(client, plan, **query) -> str:
    response = client.get(plan.get_absolute_url(), query)
    assert response.status_code == 200
    return response.content.decode()


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def save(measure, year, text, user, status="under_arbeid"):
    cell = Cell.objects.filter(measure=measure, column__year=year).first()
    editing.save_cell(
        measure=measure,
        column=Column.objects.get(plan=measure.group.area.plan, year=year),
        change=editing.CellChange(text, status),
        based_on_version=cell.version if cell else 0,
        user=user,
    )


@pytest.fixture
def colleague(db):
    return UserFactory(username="kollega", roles=["Sekretariat"])


def test_an_edit_by_a_colleague_shows_at_once_to_every_viewer(
    secretariat_user, reader_user, colleague, pll
):
    plan = pll.group.area.plan
    editor, reader = logged_in(secretariat_user), logged_in(reader_user)
    assert "Starte innføring" in page(editor, plan) and "Starte innføring" in page(reader, plan)
    assert "Starte innføring" in page(editor, plan)  # now from the cache

    # The colleague saves in the grid's editor, in a session (and a process) of her own.
    response = logged_in(colleague).post(
        reverse("portfolio:cell_edit", args=[plan.pk, pll.pk, 2025]),
        {"text": "Innført i Alna", "status": "under_arbeid", "version": "1", "comment": ""},
    )
    assert response.status_code == 302

    for client in (editor, reader):
        html = page(client, plan)
        assert "Innført i Alna" in html and "Starte innføring" not in html


def test_a_save_made_outside_any_request_shows_on_the_next_view(secretariat_user, pll):
    # As the worker, a command or another server would: straight to the database.
    plan = pll.group.area.plan
    editor = logged_in(secretariat_user)
    page(editor, plan)
    save(pll, 2026, "Spre til alle bydeler", secretariat_user)
    assert "Spre til alle bydeler" in page(editor, plan)

    cells = [editing.CellVersion(pll, plan.columns.get(year=2026), 1)]
    editing.set_status(cells=cells, status="ferdigstilt", user=secretariat_user)
    html = page(editor, plan)
    cell = html[html.index(f'id="celle-{pll.pk}-2026"') :]
    assert cell.startswith(f'id="celle-{pll.pk}-2026" class="cell status-ferdigstilt"')


@pytest.mark.django_db(transaction=True)
def test_an_excel_import_written_by_the_worker_shows_on_the_next_view(
    client, settings, secretariat_user, pll
):
    settings.TASKS = DATABASE_TASKS  # the real queue: the worker writes, not the request
    plan = pll.group.area.plan
    client.force_login(secretariat_user)
    workbook = exported(plan)
    cell_of(workbook["Porteføljeplan"], pll.name, "2025 – tekst").value = "Importert fra Excel"
    assert "Starte innføring" in page(client, plan)

    job_url = client.post(
        reverse("portfolio:plan_import", args=[plan.pk]), {"file": as_upload(workbook)}
    )["Location"]
    run_worker()  # reads the file into a preview
    client.post(client.get(job_url, follow=True).redirect_chain[-1][0])  # "Importer"
    assert "Starte innføring" in page(client, plan)  # queued, not yet written
    run_worker()  # writes the cell

    html = page(client, plan)
    assert "Importert fra Excel" in html and "Starte innføring" not in html


def test_changes_in_the_admin_show_on_the_next_view(client, secretariat_user, pll):
    plan = pll.group.area.plan
    client.force_login(secretariat_user)
    page(client, plan)
    cell = Cell.objects.get(measure=pll, column__year=2025)
    response = client.post(
        reverse("admin:portfolio_cell_change", args=[cell.pk]),
        {
            "measure": pll.pk,
            "column": cell.column_id,
            "text": "Rettet i admin",
            "status": cell.status,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Cell.objects.get(pk=cell.pk).version == cell.version  # no new version: still seen
    assert "Rettet i admin" in page(client, plan)

    # The measure renamed, the year column relabelled (columns have no history of their own).
    pll.name = "PLL med nytt navn"
    pll.save()
    Column.objects.filter(plan=plan, year=2026).update(label="Mål for 2026")
    html = page(client, plan)
    assert "«PLL med nytt navn»" in html and "Mål for 2026" in html


def test_rows_moved_added_and_removed_show_on_the_next_view(secretariat_user, pll):
    plan = pll.group.area.plan
    other = MeasureFactory(group=pll.group, name="Kritisk info API", position=pll.position + 1)
    editor = logged_in(secretariat_user)
    html = page(editor, plan)
    assert html.index(pll.name) < html.index("Kritisk info API")

    editing.move(other, up=True, user=secretariat_user)
    html = page(editor, plan)
    assert html.index("Kritisk info API") < html.index(pll.name)

    editing.remove_row(other, user=secretariat_user)
    assert "Kritisk info API" not in page(editor, plan)
    editing.remove_row(pll.group.area, user=secretariat_user)
    assert "Digital samhandling" not in page(editor, plan)


def test_the_plan_as_of_today_and_the_changes_follow_an_edit(client, secretariat_user, pll):
    plan = pll.group.area.plan
    client.force_login(secretariat_user)
    today = timezone.localdate()
    changes_url = reverse("portfolio:plan_changes", args=[plan.pk])
    period = {"fra": f"{today - datetime.timedelta(days=1):%d.%m.%Y}", "til": f"{today:%d.%m.%Y}"}
    assert "Starte innføring" in page(client, plan, dato=f"{today:%Y-%m-%d}")
    before = client.get(changes_url, period).content.decode()
    assert "Fokus for 2026" not in before.split("<h2>Endret fra")[1]

    save(pll, 2026, "Spre til alle bydeler", secretariat_user)

    assert "Spre til alle bydeler" in page(client, plan, dato=f"{today:%Y-%m-%d}")
    after = client.get(changes_url, period).content.decode()
    assert "Spre til alle bydeler" in after.split("<h2>Endret fra")[1]
    # A past day's plan is as it was.
    assert "Spre til alle bydeler" not in page(client, plan, dato="2020-01-01")


def test_a_filtered_grid_is_kept_apart_from_the_whole_one(client, secretariat_user, pll):
    plan = pll.group.area.plan
    other = MeasureFactory(group=pll.group, name="Kritisk info API")
    save(other, 2026, "Utrede behov", secretariat_user, status="planlagt")
    client.force_login(secretariat_user)
    assert "Kritisk info API" in page(client, plan)
    filtered = page(client, plan, status="planlagt")
    assert "Kritisk info API" in filtered and f"rad-tiltak-{pll.pk}" not in filtered
    assert f"rad-tiltak-{pll.pk}" in page(client, plan)
    # An unknown value drops that filter only, as before the cache.
    assert f"rad-tiltak-{pll.pk}" in page(client, plan, status="ukjent")


def test_a_history_record_committed_late_under_a_lower_id_still_changes_the_state(
    secretariat_user, pll
):
    # PostgreSQL hands out ids before the commit: a record with a lower id than the highest
    # seen can appear later. The state must change then too (a highest id would not).
    plan_of = Plan.objects.with_history_state()
    late = Cell.history.order_by("history_id").first()
    assert late.history_id < Cell.history.order_by("history_id").last().history_id
    fields = {f.attname: getattr(late, f.attname) for f in late._meta.concrete_fields}
    late.delete()
    before = plan_of.get(pk=pll.group.area.plan_id).history_state
    Cell.history.model.objects.create(**fields)
    assert plan_of.get(pk=pll.group.area.plan_id).history_state != before
