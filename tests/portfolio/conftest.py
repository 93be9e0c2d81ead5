"""A small plan shaped like Porteføljeplan 2026: areas, groups, measures and year cells."""

import pytest

from tests.portfolio.factories import (
    CellFactory,
    FocusAreaFactory,
    MeasureFactory,
    MeasureGroupFactory,
    PlanFactory,
)


@pytest.fixture
def plan(db):
    return PlanFactory(title="Porteføljeplan 2026", years=[2024, 2025, 2026])


@pytest.fixture
def pll(plan):
    """'Pasientens legemiddelliste' in Digital samhandling, as on the slides."""
    area = FocusAreaFactory(plan=plan, name="Digital samhandling", position=1)
    group = MeasureGroupFactory(
        area=area, name="Utvikling av digitale verktøy for samhandling og informasjonsflyt"
    )
    measure = MeasureFactory(
        group=group, name="Pasientens legemiddelliste (PLL); koordinert innføring i Oslo"
    )
    CellFactory(measure=measure, year=2024, text="Forberede innføring", status="ferdigstilt")
    CellFactory(measure=measure, year=2025, text="Starte innføring", status="under_arbeid")
    return measure


def build_plan(plan, *, areas, measures_per_area):
    """A plan of the given size, every measure with a cell in every year."""
    for a in range(areas):
        group = MeasureGroupFactory(area=FocusAreaFactory(plan=plan, position=a))
        for _ in range(measures_per_area):
            measure = MeasureFactory(group=group)
            for column in plan.columns.all():
                CellFactory(measure=measure, column=column, text="Under arbeid", status="planlagt")
    return plan
