"""Saving cells safely, moving rows, and starting next year's plan from this one."""

import pytest

from portfolio.editing import (
    CellChange,
    StaleCellEdit,
    copy_plan,
    create_local_plan,
    move,
    place_last,
    remove_row,
    save_cell,
)
from portfolio.models import Cell, Column, FocusArea, Measure, Plan
from tests.portfolio.factories import MeasureFactory


def test_the_second_of_two_edits_from_the_same_version_is_refused(pll, secretariat_user):
    column = Column.objects.get(plan=pll.group.area.plan, year=2025)
    save_cell(
        measure=pll,
        column=column,
        change=CellChange("Første", "planlagt"),
        based_on_version=1,
        user=secretariat_user,
    )
    with pytest.raises(StaleCellEdit) as refused:
        save_cell(
            measure=pll,
            column=column,
            change=CellChange("Andre", "ferdigstilt"),
            based_on_version=1,
            user=secretariat_user,
        )
    assert refused.value.current.text == "Første"
    assert Cell.objects.get(measure=pll, column=column).text == "Første"


def test_two_first_edits_of_an_empty_cell_cannot_both_win(pll, secretariat_user):
    column = Column.objects.get(plan=pll.group.area.plan, year=2026)
    save_cell(
        measure=pll,
        column=column,
        change=CellChange("A", ""),
        based_on_version=0,
        user=secretariat_user,
    )
    with pytest.raises(StaleCellEdit):
        save_cell(
            measure=pll,
            column=column,
            change=CellChange("B", ""),
            based_on_version=0,
            user=secretariat_user,
        )
    assert Cell.objects.filter(measure=pll, column=column).count() == 1


def test_moving_a_measure_up_swaps_it_with_the_one_above(pll, secretariat_user):
    second = MeasureFactory(group=pll.group, name="Andre tiltak")
    move(second, up=True, user=secretariat_user)
    assert list(pll.group.measures.values_list("name", flat=True)) == ["Andre tiltak", pll.name]
    assert second.history.first().history_change_reason == "Flyttet"
    move(Measure.objects.get(pk=second.pk), up=True, user=secretariat_user)  # already first
    assert list(pll.group.measures.values_list("name", flat=True))[0] == "Andre tiltak"


def test_next_years_plan_starts_from_this_years(plan, pll, secretariat_user):
    new_plan = copy_plan(plan, title="Porteføljeplan 2027", year=2027, user=secretariat_user)
    assert [c.heading for c in new_plan.columns.all()] == ["2025", "2026", "Fokus for 2027"]
    copied = Measure.objects.of_plan(new_plan).get()
    assert copied.name == pll.name and copied.pk != pll.pk
    cells = {c.column.year: (c.text, c.status) for c in copied.cells.select_related("column")}
    assert cells == {2025: ("Starte innføring", "under_arbeid")}  # 2024 is not in the new plan
    # The old plan is untouched.
    assert Measure.objects.of_plan(plan).get() == pll
    assert pll.cells.count() == 2


def test_a_cell_save_is_one_small_transaction(pll, secretariat_user, django_assert_num_queries):
    column = Column.objects.get(plan=pll.group.area.plan, year=2025)
    # Read the cell; write it if its version is still 1; write its history record. Inside the
    # test's transaction, save_cell's atomic block adds a savepoint and its release.
    with django_assert_num_queries(5):
        save_cell(
            measure=pll,
            column=column,
            change=CellChange("Innført", "ferdigstilt"),
            based_on_version=1,
            user=secretariat_user,
        )


def test_a_save_racing_another_between_read_and_write_is_refused(
    pll, secretariat_user, monkeypatch
):
    """Both editors read version 1; the other one's UPDATE lands first. Ours must then match
    no row (the version is in the UPDATE's WHERE) and change nothing."""
    column = Column.objects.get(plan=pll.group.area.plan, year=2025)
    stale = Cell.objects.stored(pll, column)
    save_cell(
        measure=pll,
        column=column,
        change=CellChange("Den andres", "planlagt"),
        based_on_version=1,
        user=secretariat_user,
    )
    monkeypatch.setattr(type(Cell.objects.all()), "stored", lambda self, m, c: stale)
    with pytest.raises(StaleCellEdit) as refused:
        save_cell(
            measure=pll,
            column=column,
            change=CellChange("Min", "ferdigstilt"),
            based_on_version=1,
            user=secretariat_user,
        )
    assert refused.value.current.text == "Den andres"
    assert Cell.objects.get(pk=stale.pk).text == "Den andres"
    assert stale.history.count() == 2  # created, the other's change; nothing of ours


def test_two_first_saves_racing_on_an_empty_cell_create_it_once(pll, secretariat_user, monkeypatch):
    """Both editors saw the cell empty; the other one created it first. Ours hits the unique
    constraint and is refused, leaving the other's text."""
    column = Column.objects.get(plan=pll.group.area.plan, year=2026)
    save_cell(
        measure=pll,
        column=column,
        change=CellChange("Den andres", ""),
        based_on_version=0,
        user=secretariat_user,
    )
    monkeypatch.setattr(type(Cell.objects.all()), "stored", lambda self, m, c: None)
    with pytest.raises(StaleCellEdit) as refused:
        save_cell(
            measure=pll,
            column=column,
            change=CellChange("Min", ""),
            based_on_version=0,
            user=secretariat_user,
        )
    assert refused.value.current.text == "Den andres"
    assert Cell.objects.filter(measure=pll, column=column).count() == 1


def test_a_new_local_plan_gets_a_column_per_year_and_the_last_is_the_focus(
    plan, lsu, secretariat_user
):
    local = create_local_plan(
        plan=Plan(title="Lokal plan", body=lsu, based_on=plan),
        years=range(2025, 2028),
        user=secretariat_user,
        reason="Vedtatt i LSU",
    )
    assert [(c.year, c.label) for c in local.columns.order_by("year")] == [
        (2025, ""),
        (2026, ""),
        (2027, "Fokus for 2027"),
    ]
    latest = local.history.first()
    assert (latest.history_user, latest.history_change_reason) == (
        secretariat_user,
        "Vedtatt i LSU",
    )


def test_removing_an_area_removes_its_groups_measures_and_cells(pll, secretariat_user):
    area = pll.group.area
    area_pk, measure_pk = area.pk, pll.pk
    remove_row(area, user=secretariat_user)
    assert not Measure.objects.filter(pk=measure_pk).exists()
    assert not Cell.objects.filter(measure_id=measure_pk).exists()
    removed = FocusArea.history.filter(id=area_pk).first()
    assert (removed.history_type, removed.history_user) == ("-", secretariat_user)


def test_a_new_row_is_placed_after_the_last_of_its_siblings(pll):
    last = MeasureFactory(group=pll.group, position=pll.position + 7)
    new = Measure(group=pll.group, name="Nytt tiltak")
    place_last(new)
    assert new.position == last.position + 1
