"""The plan overview's counts (portfolio/overview.py): counted by the database for today's plan,
the same as counted from the plan's grid (which the annual report does for a past moment), in
the same few queries whatever the plan's size."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portfolio.grid import PlanGrid
from portfolio.overview import current_status_counts, status_counts
from tests.portfolio.conftest import build_plan
from tests.portfolio.factories import (
    CellFactory,
    FocusAreaFactory,
    MeasureFactory,
    MeasureGroupFactory,
)


def test_counted_by_the_database_as_from_the_grid(plan, pll):
    group = pll.group
    MeasureFactory(group=group)  # never written in: no status
    CellFactory(measure=MeasureFactory(group=group), year=2025, text="Tekst uten status")
    CellFactory(measure=MeasureFactory(group=group), year=2024, status="planlagt")  # other year
    CellFactory(measure=MeasureFactory(group=group), year=2025, status="under_arbeid")
    second_group = MeasureGroupFactory(area=pll.group.area)
    CellFactory(measure=MeasureFactory(group=second_group), year=2025, status="ferdigstilt")
    FocusAreaFactory(plan=plan, name="Helseberedskap", position=2)  # no measures yet
    other_area = MeasureGroupFactory(area=FocusAreaFactory(plan=plan, position=0))
    CellFactory(measure=MeasureFactory(group=other_area), year=2025, status="ikke_pabegynt")
    column = plan.columns.get(year=2025)

    counted = current_status_counts(plan, column)

    assert counted == status_counts(PlanGrid.current(plan), column)
    assert [(row.area_name, row.ordered_counts) for row in counted] == [
        (other_area.area.name, [1, 0, 0, 0, 0]),
        ("Digital samhandling", [0, 0, 2, 1, 3]),
        ("Helseberedskap", [0, 0, 0, 0, 0]),
    ]


def test_a_year_the_plan_does_not_have_is_refused_as_a_choice_not_a_save(client, reader_user, plan):
    client.force_login(reader_user)
    page = client.get(reverse("portfolio:plan_overview", args=[plan.pk]), {"aar": 1900}).text
    assert "Året kunne ikke brukes" in page and "Skjemaet ble ikke lagret" not in page


def test_the_overview_asks_as_many_queries_for_a_larger_plan(client, reader_user, plan):
    client.force_login(reader_user)
    page = reverse("portfolio:plan_overview", args=[plan.pk])

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(page).status_code == 200
        return len(queries)

    build_plan(plan, areas=1, measures_per_area=1)
    small = count()
    build_plan(plan, areas=4, measures_per_area=5)
    assert count() == small
