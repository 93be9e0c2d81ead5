"""Speed of the portfolio plan at the size of a full plan: 10 areas × 40 measures × 3 years.

Run with `make bench`. The query counts these pages must keep are tests in the suite
(tests/portfolio/); here we measure time.
"""

import pytest

from portfolio import background_documents
from portfolio.editing import CellChange, save_cell
from portfolio.grid import PlanGrid
from portfolio.models import Cell
from tests.portfolio.conftest import build_plan
from tests.portfolio.factories import PlanFactory


@pytest.fixture
def full_plan(db):
    return build_plan(PlanFactory(years=[2024, 2025, 2026]), areas=10, measures_per_area=40)


def test_plan_page_with_400_measures(benchmark, client, secretariat_user, full_plan):
    client.force_login(secretariat_user)
    response = benchmark(client.get, full_plan.get_absolute_url())
    assert response.status_code == 200


def test_plan_as_of_a_date_with_400_measures(benchmark, full_plan):
    from django.utils import timezone

    grid = benchmark(PlanGrid.as_of, full_plan, timezone.now())
    assert grid.measure_count() == 400


def test_cell_save(benchmark, secretariat_user, full_plan):
    cell = Cell.objects.of_plan(full_plan).select_related("measure", "column").first()
    versions = iter(range(cell.version, cell.version + 10_000))

    def save_once():
        version = next(versions)
        save_cell(
            measure=cell.measure,
            column=cell.column,
            change=CellChange(f"Versjon {version}", "under_arbeid"),
            based_on_version=version,
            user=secretariat_user,
        )

    benchmark(save_once)


@pytest.mark.parametrize("extension", ["pdf", "pptx", "xlsx"])
def test_plan_exports_with_400_measures(benchmark, full_plan, extension):
    """A plan this size is exported by the background worker: timed as the worker makes it."""
    assert background_documents.made_in_background(full_plan)
    make = background_documents.MAKERS[extension][1]
    content = benchmark.pedantic(make, args=(full_plan,), rounds=3, iterations=1)
    assert content.startswith(b"%PDF" if extension == "pdf" else b"PK")
