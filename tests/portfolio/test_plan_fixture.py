"""The real Porteføljeplan 2026, read from the slides dated 05.11.2025, loads as a fixture: ten
focus areas in slide order, clean Norwegian text, and a history that starts on 05.11.2025."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db.models import F

from portfolio.grid import PlanGrid
from portfolio.models import (
    CELL_TEXT_MAX_LENGTH,
    Cell,
    Column,
    FocusArea,
    Measure,
    MeasureGroup,
    Plan,
)

OSLO = ZoneInfo("Europe/Oslo")
HISTORY_REASON = "Innlest fra lysarkene «Porteføljeplan 2026» datert 05.11.2025"
TRACKED_MODELS = (Plan, FocusArea, MeasureGroup, Measure, Cell)

AREAS_IN_SLIDE_ORDER = [
    "Digital samhandling",
    "Psykisk helse barn og unge",
    "Psykisk helse voksne",
    "Rehabilitering",
    "Eldre med skrøpelighet",
    "Rekruttering og kompetanse",
    "Svangerskap-, fødsels- og barselomsorg",
    "Den akuttmedisinske kjede",
    "Helseberedskap",
    "Andre områder",
]

# Fragments that only turn up when OCR noise has slipped through: æøå read as a, g, e or @,
# ligatures, stray quotes and symbols.
OCR_NOISE = re.compile(
    r"pabegynt|pébegynt|forstaelse|forstdelse|innforing|innfering|innfgring|gjennomfgres|"
    r"giennom|skropelighet|skrgpelighet|sgmlgs|seomlgs|forlgp|forlop|lgsning|lesning|malbilde|"
    r"tjenestenivaene|omrader|ngdvendig|nodvendig|prevesvar|hiemme|sgr|\bpa\b|\bfa\b|\ba\b|"
    r"[@‘’©ﬁﬂ|\\{}]",
    re.IGNORECASE,
)


@pytest.fixture
def real_plan(db):
    call_command("loaddata", "register", "portfolio", verbosity=0)
    return Plan.objects.get(title="Porteføljeplan 2026", body=None)


def grid_rows(grid):
    """Every measure of a grid with its non-empty cells, as plain values to compare."""
    return [
        (
            area.name,
            group.name,
            measure.name,
            [(c.column.year, c.text, c.status) for c in measure.cells if not c.is_empty],
        )
        for area in grid.areas
        for group in area.groups
        for measure in group.measures
    ]


def all_texts(plan):
    yield plan.title
    yield plan.updated_label
    yield plan.note
    for area in FocusArea.objects.filter(plan=plan):
        yield area.name
        yield area.vision
    yield from MeasureGroup.objects.filter(area__plan=plan).values_list("name", flat=True)
    yield from Measure.objects.of_plan(plan).values_list("name", flat=True)
    yield from Cell.objects.of_plan(plan).values_list("text", flat=True)


def row_counts():
    counts = {model.__name__: model.objects.count() for model in TRACKED_MODELS}
    counts.update({f"Historical{m.__name__}": m.history.count() for m in TRACKED_MODELS})
    counts["Column"] = Column.objects.count()
    return counts


def test_the_plan_is_the_overall_plan_updated_in_october_and_dated_on_the_slides(real_plan):
    assert real_plan.body is None and real_plan.based_on is None
    assert real_plan.updated_label == "oppdatert oktober 2025"
    assert real_plan.dated.isoformat() == "2025-11-05"
    assert "05.11.2025" in real_plan.note and "Sekretariatet" in real_plan.note
    assert [column.heading for column in real_plan.columns.all()] == [
        "2024",
        "2025",
        "Fokus for 2026",
    ]


def test_the_ten_focus_areas_come_in_slide_order(real_plan):
    areas = FocusArea.objects.filter(plan=real_plan)
    assert [area.name for area in areas] == AREAS_IN_SLIDE_ORDER
    assert [area.position for area in areas] == list(range(1, 11))


def test_every_area_but_andre_omrader_has_its_vision(real_plan):
    for area in FocusArea.objects.filter(plan=real_plan):
        if area.name == "Andre områder":
            assert area.vision_points == []
        else:
            assert len(area.vision_points) >= 3, area.name
    digital = FocusArea.objects.get(plan=real_plan, name="Digital samhandling")
    assert digital.vision_points[2] == "Å legge til rette for bedre dialog og samhandling"


def test_an_area_split_over_two_slides_is_one_area_with_its_groups_in_order(real_plan):
    children_and_youth = FocusArea.objects.get(plan=real_plan, name="Psykisk helse barn og unge")
    assert [group.name for group in children_and_youth.groups.all()] == [
        "Få felles forståelse",
        "Avklare ansvars- og oppgavedeling",
        "Oversikt over samarbeidsfora og møteplasser",
        "Status i tjenestene, analyser og framskrivninger",
        "Digitalisering og hjelpemidler",
    ]
    groups = MeasureGroup.objects.filter(area__plan=real_plan)
    for area in FocusArea.objects.filter(plan=real_plan):
        positions = [group.position for group in groups if group.area_id == area.pk]
        assert positions == list(range(1, len(positions) + 1)), area.name


def test_pll_goes_from_preparing_to_continuing_its_introduction(real_plan):
    grid = PlanGrid.current(real_plan)
    digital = next(area for area in grid.areas if area.name == "Digital samhandling")
    tools = next(
        g
        for g in digital.groups
        if g.name == "Utvikling av digitale verktøy for samhandling og informasjonsflyt"
    )
    pll = tools.measures[0]
    assert pll.name == "Pasientens legemiddelliste (PLL); koordinert innføring tverrgående i Oslo"
    assert [(cell.column.heading, cell.text) for cell in pll.cells] == [
        ("2024", "Forberede innføring"),
        ("2025", "Starte innføring"),
        ("Fokus for 2026", "Fortsette innføring"),
    ]
    assert pll.responsible_body_id is None


def test_a_cell_that_only_names_a_status_carries_it_as_its_status(real_plan):
    data_sharing = Measure.objects.of_plan(real_plan).get(
        name="Datadeling for pasienter med sammensatte behov"
    )
    assert [(c.column.year, c.text, c.status) for c in data_sharing.cells.all()] == [
        (2024, "", "planlagt"),
        (2025, "", "under_arbeid"),
        (2026, "", "under_arbeid"),
    ]
    equal_services = Measure.objects.of_plan(real_plan).get(name__startswith="Sikre likeverdige")
    assert [(c.column.year, c.text, c.status) for c in equal_services.cells.all()] == [
        (2025, "", "planlagt"),
        (2026, "Samarbeidsavtale for OUS, Lovisenberg og Diakonhjemmet sektor", ""),
    ]


def test_other_cells_keep_their_text_and_leave_the_status_to_the_secretariat(real_plan):
    cells = Cell.objects.of_plan(real_plan)
    assert cells.filter(status="").exclude(text="").count() == cells.exclude(text="").count()
    assert not cells.filter(text="", status="").exists()
    assert set(cells.values_list("version", flat=True)) == {1}


def test_helseberedskap_has_no_2024_cells(real_plan):
    preparedness = Cell.objects.of_plan(real_plan).filter(
        measure__group__area__name="Helseberedskap"
    )
    assert preparedness.exists()
    assert not preparedness.filter(column__year=2024).exists()


def test_no_text_in_the_plan_carries_ocr_noise(real_plan):
    for text in all_texts(real_plan):
        assert not OCR_NOISE.search(text), text


def test_cell_texts_fit_and_every_cell_sits_in_a_column_of_its_own_plan(real_plan):
    cells = Cell.objects.all()
    assert cells.count() == Cell.objects.of_plan(real_plan).count()
    assert all(len(text) <= CELL_TEXT_MAX_LENGTH for text in cells.values_list("text", flat=True))
    assert not cells.exclude(column__plan=F("measure__group__area__plan")).exists()


def test_every_row_has_one_creation_record_dated_on_the_slides(real_plan):
    for model in TRACKED_MODELS:
        history = model.history.all()
        assert history.count() == model.objects.count(), model.__name__
        assert sorted(history.values_list("id", flat=True)) == sorted(
            model.objects.values_list("pk", flat=True)
        )
        assert set(history.values_list("history_type", "history_change_reason")) == {
            ("+", HISTORY_REASON)
        }
        assert {record.history_date for record in history} == {
            datetime(2025, 11, 5, 12, tzinfo=OSLO)
        }


def test_the_plan_as_of_the_day_after_the_slides_is_the_plan_today(real_plan):
    today = PlanGrid.current(real_plan)
    day_after = PlanGrid.as_of(real_plan, datetime(2025, 11, 6, tzinfo=OSLO))
    assert grid_rows(day_after) == grid_rows(today)
    assert len(grid_rows(today)) == Measure.objects.of_plan(real_plan).count()


def test_before_the_slides_the_plan_had_no_areas(real_plan):
    assert PlanGrid.as_of(real_plan, datetime(2025, 11, 1, tzinfo=OSLO)).areas == []


def test_loading_the_fixture_twice_changes_nothing(real_plan):
    first = row_counts()
    call_command("loaddata", "portfolio", verbosity=0)
    assert row_counts() == first
    assert first["FocusArea"] == 10 and first["HistoricalCell"] == first["Cell"] > 0
