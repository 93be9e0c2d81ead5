"""The plan as it stood on a date, and what changed between two dates."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from portfolio.editing import CellChange, save_cell
from portfolio.grid import GridFilter, PlanGrid, changes_between
from portfolio.models import Cell, FocusArea, Measure, MeasureGroup
from tests.portfolio.factories import FocusAreaFactory, MeasureFactory

OSLO = ZoneInfo("Europe/Oslo")
MEETING_DAY = datetime(2025, 10, 14, 23, 59, tzinfo=OSLO)


def dated(history_records, when):
    """Move history records to `when`, as if the change had been made then."""
    history_records.update(history_date=when)


@pytest.fixture
def plan_in_october(plan, pll, secretariat_user):
    """The plan as entered in September 2025, then changed in November."""
    september = datetime(2025, 9, 1, 12, tzinfo=OSLO)
    for model in (FocusArea, MeasureGroup, Measure, Cell):
        dated(model.history.all(), september)
    dated(plan.history.all(), september)
    cell = Cell.objects.get(measure=pll, column__year=2025)
    save_cell(
        measure=pll,
        column=cell.column,
        change=CellChange("Innført i alle sektorer", "ferdigstilt", "Vedtatt"),
        based_on_version=cell.version,
        user=secretariat_user,
    )
    dated(cell.history.filter(history_change_reason="Vedtatt"), datetime(2025, 11, 3, tzinfo=OSLO))
    new_measure = MeasureFactory(group=pll.group, name="Kritisk info API")
    dated(new_measure.history.all(), datetime(2025, 11, 4, tzinfo=OSLO))
    return plan


def texts(grid):
    return {
        (measure.name, cell.column.year): (cell.text, cell.status)
        for area in grid.areas
        for measure in area.measures
        for cell in measure.cells
    }


def test_the_plan_as_of_the_partnership_meeting_shows_the_values_of_that_day(plan_in_october, pll):
    then = texts(PlanGrid.as_of(plan_in_october, MEETING_DAY))
    now = texts(PlanGrid.current(plan_in_october))
    assert then[(pll.name, 2025)] == ("Starte innføring", "under_arbeid")
    assert now[(pll.name, 2025)] == ("Innført i alle sektorer", "ferdigstilt")
    assert ("Kritisk info API", 2025) not in then
    assert ("Kritisk info API", 2025) in now


def test_a_deleted_measure_still_shows_in_the_plan_as_it_was(plan_in_october, pll):
    name = pll.name
    pll.delete()
    assert (name, 2024) in texts(PlanGrid.as_of(plan_in_october, MEETING_DAY))
    assert (name, 2024) not in texts(PlanGrid.current(plan_in_october))


def test_before_the_plan_was_entered_it_is_empty(plan_in_october):
    assert PlanGrid.as_of(plan_in_october, datetime(2025, 1, 1, tzinfo=OSLO)).areas == []


def test_changes_between_two_dates_lists_each_changed_cell_by_area(plan_in_october, pll):
    changes = changes_between(
        PlanGrid.as_of(plan_in_october, MEETING_DAY),
        PlanGrid.as_of(plan_in_october, datetime(2025, 11, 30, tzinfo=OSLO)),
    )
    assert [area.name for area in changes] == ["Digital samhandling"]
    differences = changes[0].differences
    assert len(differences) == 1  # the new measure has no cells yet, so nothing to report
    (difference,) = differences
    assert difference.measure_name == pll.name
    assert difference.column.year == 2025
    assert (difference.before.text, difference.after.text) == (
        "Starte innføring",
        "Innført i alle sektorer",
    )


def test_no_changes_in_a_quiet_period(plan_in_october):
    september = PlanGrid.as_of(plan_in_october, datetime(2025, 9, 2, tzinfo=OSLO))
    assert changes_between(september, PlanGrid.as_of(plan_in_october, MEETING_DAY)) == []


def test_as_of_takes_a_fixed_number_of_queries(plan_in_october, django_assert_num_queries):
    for _ in range(20):
        MeasureFactory(group=Measure.objects.first().group)
    with django_assert_num_queries(5):  # columns, areas, groups, measures, cells
        PlanGrid.as_of(plan_in_october, datetime(2026, 1, 1, tzinfo=OSLO))


def test_the_as_of_page_is_read_only_and_says_which_day_it_shows(
    client, secretariat_user, plan_in_october, pll
):
    client.force_login(secretariat_user)
    response = client.get(plan_in_october.get_absolute_url(), {"dato": "2025-10-14"})
    html = response.content.decode()
    assert "per 14.10.2025" in html
    assert "Starte innføring" in html and "Innført i alle sektorer" not in html
    assert reverse("portfolio:cell_edit", args=[plan_in_october.pk, pll.pk, 2025]) not in html


def test_the_changes_page_reports_progress_to_ssu(client, reader_user, plan_in_october):
    client.force_login(reader_user)
    url = reverse("portfolio:plan_changes", args=[plan_in_october.pk])
    html = client.get(url, {"fra": "2025-10-15", "til": "2025-11-30"}).content.decode()
    assert "Digital samhandling: 1 endret celle" in html
    assert "Innført i alle sektorer" in html
    bad = client.get(url, {"fra": "2025-11-30", "til": "2025-10-15"}).content.decode()
    assert "Til-datoen kan ikke være før fra-datoen" in bad


def test_filters_keep_an_empty_chosen_area(plan, pll):
    empty = FocusAreaFactory(plan=plan, name="Helseberedskap")
    grid = PlanGrid.current(plan).filtered(GridFilter(area_id=empty.pk))
    assert [area.name for area in grid.areas] == ["Helseberedskap"]


@pytest.mark.parametrize("params", [{"fra": "0001-01-01", "til": "2025-01-01"}, {"fra": "x"}])
def test_an_impossible_date_gets_a_message_not_an_error(client, reader_user, plan, params):
    client.force_login(reader_user)
    response = client.get(reverse("portfolio:plan_changes", args=[plan.pk]), params)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Velg en dato mellom år 2000 og 2100" in html or "Oppgi en gyldig dato" in html
    as_of = client.get(plan.get_absolute_url(), {"dato": "0001-01-01"}).content.decode()
    assert "Velg en dato mellom år 2000 og 2100" in as_of


def test_the_plan_as_of_a_day_to_come_is_refused(client, reader_user, plan):
    """ "The plan as it was at the end of 1.1.2099" would be today's plan, misdated."""
    client.force_login(reader_user)
    tomorrow = timezone.localdate() + timedelta(days=1)
    html = client.get(plan.get_absolute_url(), {"dato": tomorrow.isoformat()}).text
    assert "Velg i dag eller en dag som har vært." in html
    assert "slik den var ved slutten av" not in html
    today = client.get(plan.get_absolute_url(), {"dato": timezone.localdate().isoformat()}).text
    assert "slik den var ved slutten av" in today
