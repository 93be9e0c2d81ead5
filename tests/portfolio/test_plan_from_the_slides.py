"""Issue 16: the plan fixture says what the slides of 05.11.2025 say, cell by cell, and no more.

The slides of Psykisk helse barn og unge mark eight measures «Under arbeid»; FACT-team is also
«Etablert i alle sektorer» and the network's meetings are held. Only «Kartlegge brukerreiser»
is unreadable, and the plan's note says so.
"""

import io
import re

import pytest
from django.core.management import call_command
from pptx import Presentation

from portfolio.documents import plan_pdf, plan_pptx
from portfolio.models import FocusArea, Measure, Plan
from tests.annual_report.test_versions import pdf_text


@pytest.fixture
def real_plan(db):
    call_command("loaddata", "register", "portfolio", verbosity=0)
    return Plan.objects.get(title="Porteføljeplan 2026", body=None)


def cells_of(measure):
    return [(c.column.heading, c.text, c.status) for c in measure.cells.select_related("column")]


def test_children_and_youth_has_the_slides_cells_on_every_measure_they_fill(real_plan):
    measures = Measure.objects.of_plan(real_plan).filter(
        group__area__name="Psykisk helse barn og unge"
    )
    rows = {m.name: cells_of(m) for m in measures}
    in_progress = [("2025", "", "under_arbeid")]
    assert rows["Oversikt over pasientflyt mellom sykehus og kommune, på tvers av sektorer"] == (
        in_progress
    )
    assert rows["FACT-team"] == [
        ("2025", "", "under_arbeid"),
        ("Fokus for 2026", "Etablert i alle sektorer", ""),
    ]
    assert rows["Fortsatt deltakelse i og utvikling av fagnettverk for barn og unge"] == [
        ("2025", "Nettverksmøter gjennomføres", "")
    ]
    assert rows["Ulike prosjekter koblet til digital samhandling"] == in_progress
    assert rows["Oversikt over den psykiske helseutviklingen blant barn og unge"] == in_progress
    filled = [name for name, cells in rows.items() if cells]
    assert len(rows) == 10 and len(filled) == 9
    assert rows["Kartlegge brukerreiser og samhandlingsmodeller"] == []


def test_the_note_lists_the_unreadable_cell_and_no_longer_the_placed_ones(real_plan):
    note = real_plan.note
    assert "Kartlegge brukerreiser og samhandlingsmodeller (uleselig" in note
    assert "står ved åtte tiltak" not in note
    assert "«Under arbeid» satt i 2025" in note


def test_the_acute_chain_cell_planned_before_in_progress(real_plan):
    measure = Measure.objects.of_plan(real_plan).get(
        name="Tjenesteutvikling for eldre med skrøpelighet i den akuttmedisinske kjede"
    )
    assert cells_of(measure) == [
        ("2025", "", "planlagt"),
        ("Fokus for 2026", "", "under_arbeid"),
    ]


def test_the_adults_vision_keeps_its_three_sub_points_under_the_first(real_plan):
    adults = FocusArea.objects.get(plan=real_plan, name="Psykisk helse voksne")
    assert adults.vision_points == [
        "Voksne i Oslo skal ha tilgang til helsehjelp på rett nivå til rett tid",
        "– Lett tilgjengelig kommunalt psykisk helsetilbud med nødvendig kompetanse og "
        "kapasitet, tilpasset lokale forhold og behov",
        "– Gode overganger til andre tjenester i kommune og sykehus",
        "– Voksne med behov for koordinerte tjenester skal få tilbud om Individuell plan",
        "Kommunen skal ha oversikt over den psykiske helsetilstanden til voksne i Oslo",
        "Sykehus og kommune deler informasjon som sikrer god oversikt over pasientflyt mellom "
        "tjenestenivåene.",
    ]


def test_the_legend_names_the_slides_four_statuses_and_describes_nothing(
    client, reader_user, real_plan
):
    client.force_login(reader_user)
    page = client.get(real_plan.get_absolute_url()).content.decode()
    legend = page[page.index('id="legend-heading"') :]
    legend = legend[: legend.index("</section>")]
    items = re.findall(r'<li class="legend-item">.*?</span>(.*?)</li>', legend)
    assert items == ["Ikke påbegynt", "Planlagt/påbegynt", "Under arbeid", "Ferdigstilt"]
    # The descriptions the portal once invented are gone from the page.
    assert "vedtatt eller ønsket" not in page and "Målet for året er nådd" not in page


def test_the_adults_sub_points_stay_under_their_bullet_in_the_page_pdf_and_slides(
    client, reader_user, real_plan
):
    first = "Voksne i Oslo skal ha tilgang til helsehjelp på rett nivå til rett tid"
    subs = [
        "Lett tilgjengelig kommunalt psykisk helsetilbud med nødvendig kompetanse og kapasitet, "
        "tilpasset lokale forhold og behov",
        "Gode overganger til andre tjenester i kommune og sykehus",
        "Voksne med behov for koordinerte tjenester skal få tilbud om Individuell plan",
    ]
    client.force_login(reader_user)
    page = client.get(real_plan.get_absolute_url()).content.decode()
    nested = "".join(f"<li>{sub}</li>" for sub in subs)
    assert f"<li>{first}<ul>{nested}</ul></li>" in page

    # The PDF (pdftotext): each sub-point indented under the first bullet, not a bullet of
    # its own beside it.
    layout = pdf_text(plan_pdf(real_plan))
    lines = [line for line in layout.splitlines() if line.strip()]
    top = next(line for line in lines if first in line)
    assert top.lstrip().startswith("• ")
    for sub in ("Lett tilgjengelig kommunalt", "Gode overganger", "Voksne med behov"):
        line = next(line for line in lines if sub in line)
        assert "–" not in line and "•" not in line
        assert len(line) - len(line.lstrip()) > len(top) - len(top.lstrip())

    # The slides: the sub-points one level below their bullet.
    deck = Presentation(io.BytesIO(plan_pptx(real_plan)))
    paragraphs = [
        (paragraph.level, paragraph.text)
        for slide in deck.slides
        if slide.shapes.title.text == "Psykisk helse voksne"
        for shape in slide.placeholders
        if shape.has_text_frame
        for paragraph in shape.text_frame.paragraphs
    ]
    at = paragraphs.index((1, first))
    assert paragraphs[at + 1 : at + 4] == [(2, sub) for sub in subs]
