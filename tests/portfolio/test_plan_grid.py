"""The plan page's grid: one edit affordance per cell and no form per cell, cells reused from
the cache without ever showing a stale value or an editor's affordance to a reader, and a
status set for several marked cells at once (all or nothing)."""

import re

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from helsefellesskap.permissions import SECRETARIAT_GROUP
from portfolio import editing
from portfolio.editing import CellVersion
from portfolio.models import Cell, Column
from tests.factories import UserFactory
from tests.portfolio.factories import MeasureFactory


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def marked(cell_or_measure, year, version):
    measure_pk = getattr(cell_or_measure, "pk", cell_or_measure)
    return f"{measure_pk}:{year}:{version}"


def test_every_cell_is_one_link_in_a_grid_with_no_form_per_cell(client, secretariat_user, pll):
    plan = pll.group.area.plan
    client.force_login(secretariat_user)
    html = client.get(plan.get_absolute_url()).content.decode()
    table = html[html.index('<table class="table plan-grid" role="grid"') : html.index("</table>")]
    assert 'aria-multiselectable="true"' in table
    cells = re.findall(r'<td id="celle-[^>]*>.*?</td>', table)
    assert len(cells) == 3
    for cell in cells:
        assert cell.count("<a ") == 1 and "<form" not in cell and "<details" not in cell
    # The empty focus-year cell says so, and is a link like the others.
    assert 'Endre </span><span class="cell-year">Fokus for 2026</span>' in cells[2]
    assert '<span class="cell-placeholder">tom</span>' in cells[2]
    # One editor, outside the table; no form inside it: the group's move buttons post through
    # the page's one form "rad-flytt", which carries the CSRF token the grid must not.
    assert html.count('<dialog id="cell-editor"') == 1
    assert table.count("<form") == 0 and "csrfmiddlewaretoken" not in table
    assert table.count('form="rad-flytt" formaction="/portefolje/') == 2
    assert re.search(
        r'<form method="post" id="rad-flytt" hidden><input type="hidden" name="csrf', html
    )


def test_a_reader_gets_history_links_and_no_editor(client, reader_user, pll):
    client.force_login(reader_user)
    html = client.get(pll.group.area.plan.get_absolute_url()).content.decode()
    assert "cell-edit" not in html and "cell-editor" not in html and "bulk-status" not in html
    assert reverse("portfolio:cell_history", args=[pll.group.area.plan.pk, pll.pk, 2025]) in html
    assert f'id="celle-{pll.pk}-2026" class="cell cell-empty"' in html  # no history yet
    assert "aria-multiselectable" not in html


def test_a_cached_cell_never_shows_an_old_value_or_an_editors_link_to_a_reader(
    client, secretariat_user, reader_user, pll
):
    plan = pll.group.area.plan
    client.force_login(secretariat_user)
    client.get(plan.get_absolute_url())  # every cell rendered and kept
    cell = Cell.objects.get(measure=pll, column__year=2025)
    editing.save_cell(
        measure=pll,
        column=cell.column,
        change=editing.CellChange("Innført i alle bydeler", "ferdigstilt"),
        based_on_version=cell.version,
        user=secretariat_user,
    )
    html = client.get(plan.get_absolute_url()).content.decode()
    assert "Innført i alle bydeler" in html and "Starte innføring" not in html

    # The admin changes a cell's text without a new version: the page still follows.
    Cell.objects.filter(pk=cell.pk).update(text="Endret i admin")
    pll.name = "PLL med nytt navn"
    pll.save()
    html = client.get(plan.get_absolute_url()).content.decode()
    assert "Endret i admin" in html and "«PLL med nytt navn»" in html

    # A reader served right after the editor, from the same cache, gets no edit link.
    client.force_login(reader_user)
    html = client.get(plan.get_absolute_url()).content.decode()
    assert "Endret i admin" in html
    assert "cell-edit" not in html and "/endre/" not in html
    grid = html[html.index('role="grid"') : html.rindex("</table>")]
    assert "csrfmiddlewaretoken" not in grid  # a fragment never carries anyone's token


def test_the_cached_page_is_the_same_page_without_reading_the_plans_rows(
    client, secretariat_user, pll, django_assert_num_queries
):
    url = pll.group.area.plan.get_absolute_url()
    client.force_login(secretariat_user)
    first = client.get(url).content
    # session, user, plan with its history state, columns, the user's role (asked once for
    # the permission and the menu), bodies
    with django_assert_num_queries(6):
        again = client.get(url).content
    assert re.sub(rb'value="[^"]{64}"', b"", first) == re.sub(rb'value="[^"]{64}"', b"", again)


def test_the_plan_as_of_a_date_has_no_links_in_its_cells(client, secretariat_user, pll):
    client.force_login(secretariat_user)
    today = timezone.localdate().isoformat()  # the plan as it stands, read as of a date
    html = client.get(pll.group.area.plan.get_absolute_url(), {"dato": today}).content.decode()
    assert "Starte innføring" in html
    assert (
        "cell-edit" not in html and "cell-read" not in html and "aria-multiselectable" not in html
    )


def bulk_url(plan):
    return reverse("portfolio:cell_status", args=[plan.pk])


def test_one_status_for_four_marked_cells_with_a_history_record_each(client, secretariat_user, pll):
    plan = pll.group.area.plan
    other = MeasureFactory(group=pll.group, name="Kritisk info API")
    client.force_login(secretariat_user)
    response = client.post(
        bulk_url(plan),
        {
            "status": "ferdigstilt",
            "celle": [
                marked(pll, 2024, 1),  # already Ferdigstilt: left alone
                marked(pll, 2025, 1),
                marked(pll, 2026, 0),  # empty: gets its first version
                marked(other, 2026, 0),
            ],
        },
        follow=True,
    )
    assert "Status «Ferdigstilt» er satt for 4 celler (3 endret)." in response.content.decode()
    cells = {(c.measure_id, c.column.year): c for c in Cell.objects.select_related("column")}
    assert {key: c.status for key, c in cells.items()} == dict.fromkeys(
        [(pll.pk, 2024), (pll.pk, 2025), (pll.pk, 2026), (other.pk, 2026)], "ferdigstilt"
    )
    assert cells[(pll.pk, 2025)].text == "Starte innføring"  # the text is kept
    assert cells[(pll.pk, 2025)].version == 2
    record = cells[(pll.pk, 2025)].history.first()
    assert record.history_user == secretariat_user
    assert record.history_change_reason == "Status satt samlet: Ferdigstilt"
    assert cells[(pll.pk, 2024)].history.count() == 1  # unchanged: no record


def test_a_cell_changed_meanwhile_stops_the_whole_bulk_change_and_is_named(
    client, secretariat_user, pll
):
    plan = pll.group.area.plan
    colleague = UserFactory(username="kollega", roles=[SECRETARIAT_GROUP])
    cell = Cell.objects.get(measure=pll, column__year=2025)
    editing.save_cell(
        measure=pll,
        column=cell.column,
        change=editing.CellChange("Kollegaens tekst", "planlagt"),
        based_on_version=1,
        user=colleague,
    )
    client.force_login(secretariat_user)
    response = client.post(
        bulk_url(plan),
        {"status": "ikke_pabegynt", "celle": [marked(pll, 2026, 0), marked(pll, 2025, 1)]},
        follow=True,
    )
    html = response.content.decode()
    assert "Ingenting er lagret" in html
    assert "«Pasientens legemiddelliste (PLL); koordinert innføring i Oslo» (2025)" in html
    assert not Cell.objects.filter(measure=pll, column__year=2026).exists()  # rolled back
    assert Cell.objects.get(pk=cell.pk).status == "planlagt"


def test_set_status_rolls_back_the_cells_saved_before_the_stale_one(secretariat_user, pll):
    columns = {c.year: c for c in Column.objects.all()}
    with pytest.raises(editing.StaleBulkEdit) as refused:
        editing.set_status(
            cells=[
                CellVersion(pll, columns[2024], 1),
                CellVersion(pll, columns[2025], 7),
            ],
            status="planlagt",
            user=secretariat_user,
        )
    assert refused.value.column == columns[2025]
    assert Cell.objects.get(measure=pll, column__year=2024).status == "ferdigstilt"


@pytest.mark.parametrize(
    "data, message",
    [
        ({"status": "ferdigstilt"}, "Merk minst én celle"),
        ({"status": "nesten", "celle": ["1:2025:1"]}, "Ukjent status «nesten»"),
        ({"status": "planlagt", "celle": ["tiltak-1"]}, "kunne ikke leses"),
        ({"status": "planlagt", "celle": ["99999:2025:1"]}, "finnes ikke lenger i planen"),
        ({"status": "planlagt", "celle": ["{pll}:2031:0"]}, "finnes ikke lenger i planen"),
        ({"status": "planlagt", "celle": [f"{n}:2025:0" for n in range(501)]}, "høyst 500"),
    ],
)
def test_bad_bulk_input_gets_a_clear_message_and_saves_nothing(
    client, secretariat_user, pll, data, message
):
    data = {**data, "celle": [c.replace("{pll}", str(pll.pk)) for c in data.get("celle", [])]}
    client.force_login(secretariat_user)
    response = client.post(bulk_url(pll.group.area.plan), data, follow=True)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Cell.objects.get(measure=pll, column__year=2025).version == 1


def test_a_measure_of_another_plan_cannot_be_marked(client, secretariat_user, pll):
    stranger = MeasureFactory()
    client.force_login(secretariat_user)
    response = client.post(
        bulk_url(pll.group.area.plan),
        {"status": "planlagt", "celle": [marked(stranger, 2025, 0)]},
        follow=True,
    )
    assert "finnes ikke lenger i planen" in response.content.decode()
    assert not Cell.objects.filter(measure=stranger).exists()


def test_a_reader_cannot_set_status(client, reader_user, pll):
    client.force_login(reader_user)
    response = client.post(
        bulk_url(pll.group.area.plan), {"status": "planlagt", "celle": [marked(pll, 2025, 1)]}
    )
    assert response.status_code == 403
    assert Cell.objects.get(measure=pll, column__year=2025).status == "under_arbeid"


def test_the_changes_page_names_each_measure_once_above_its_changed_cells(client, reader_user, pll):
    today = timezone.localdate().isoformat()
    client.force_login(reader_user)
    response = client.get(
        reverse("portfolio:plan_changes", args=[pll.group.area.plan.pk]),
        {"fra": today, "til": today},
    )
    html = response.content.decode()
    assert html.count(f">{pll.name}<br>") == 1
    assert 'rowspan="2"' in html
    assert html.count("(tiltaket fantes ikke)") == 2
    assert '<span class="state status-under_arbeid">Starte innføring' in html
