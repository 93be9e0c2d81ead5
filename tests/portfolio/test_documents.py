"""The plan as a PDF (WeasyPrint) and as PowerPoint slides (python-pptx), the shared PDF module's
URL fetcher, and the export views."""

import subprocess
from io import BytesIO
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pptx import Presentation
from weasyprint.urls import URLFetcher

from helsefellesskap.files import safe_filename
from helsefellesskap.pdf import (
    INTERNAL_BASE_URL,
    PortalURLFetcher,
    RefusedURL,
    pdf_response,
    render_pdf,
)
from portfolio.documents import MAX_TABLE_ROWS, plan_pdf, plan_pptx
from portfolio.models import Status
from tests.portfolio.factories import (
    CellFactory,
    FocusAreaFactory,
    MeasureFactory,
    MeasureGroupFactory,
    PlanFactory,
)

pytestmark = pytest.mark.django_db

PPTX_TYPE = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
EVIL_IMG = '<img src="file:///etc/passwd" alt="x">'


@pytest.fixture
def plan():
    """Two focus areas, each with a group of measures and cells in 2024–2026."""
    plan = PlanFactory(title="Porteføljeplan 2026", updated_label="oppdatert oktober 2025")
    digital = FocusAreaFactory(
        plan=plan,
        name="Digital samhandling",
        vision="Informasjon følger pasienten.\nTjenestene deler data trygt.",
    )
    group = MeasureGroupFactory(area=digital, name="Utvikling av digitale verktøy")
    pll = MeasureFactory(group=group, name="Pasientens legemiddelliste (PLL)")
    CellFactory(measure=pll, year=2024, text="Forberede innføring", status=Status.COMPLETED)
    CellFactory(measure=pll, year=2025, text="Starte innføring", status=Status.IN_PROGRESS)
    CellFactory(measure=pll, year=2026, text="Fortsette innføring", status=Status.PLANNED)
    MeasureFactory(group=group, name="Felles meldingsutveksling")

    youth = FocusAreaFactory(plan=plan, name="Psykisk helse barn og unge", vision="")
    group = MeasureGroupFactory(area=youth, name="Få felles forståelse")
    measure = MeasureFactory(group=group, name="Felles forløp for barn og unge")
    CellFactory(measure=measure, year=2026, text="Oppdrag fra SSU", status=Status.NOT_STARTED)
    return plan


def _pdftotext(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "dokument.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def _pdfinfo(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "info.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout


# --- The shared PDF module ---


class TestPortalURLFetcher:
    def test_serves_the_portals_own_static_files(self):
        response = PortalURLFetcher().fetch(f"{INTERNAL_BASE_URL}static/css/print.css")
        assert response.content_type == "text/css"
        assert b"@page" in response.read()

    def test_is_a_weasyprint_url_fetcher(self):
        assert isinstance(PortalURLFetcher(), URLFetcher)

    @pytest.mark.parametrize(
        "url",
        [
            "file:///etc/passwd",
            "FILE:///etc/passwd",
            "http://127.0.0.1:8000/static/css/print.css",
            "https://example.com/static/css/print.css",
            "http://169.254.169.254/latest/meta-data/",
            "ftp://example.com/x",
            "data:text/plain,hei",
            f"{INTERNAL_BASE_URL}etc/passwd",
            f"{INTERNAL_BASE_URL}static/../../etc/passwd",
            f"{INTERNAL_BASE_URL}static/%2e%2e/%2e%2e/etc/passwd",
            f"{INTERNAL_BASE_URL}static/css/..%2f..%2fhelsefellesskap%2fsettings.py",
            f"{INTERNAL_BASE_URL}static//etc/passwd",
            f"{INTERNAL_BASE_URL}static/css/finnes-ikke.css",
        ],
    )
    def test_refuses_everything_else(self, url):
        with pytest.raises(RefusedURL):
            PortalURLFetcher().fetch(url)

    def test_serves_only_the_origin_it_renders_for(self):
        fetcher = PortalURLFetcher("http://testserver/")
        assert fetcher.fetch("http://testserver/static/css/print.css").read()
        with pytest.raises(RefusedURL):
            fetcher.fetch(f"{INTERNAL_BASE_URL}static/css/print.css")


def test_render_pdf_does_not_embed_local_files(settings, tmp_path):
    """A template that names file:// in an <img>, an attachment link and a stylesheet gets
    none of it into the PDF (WeasyPrint's default fetcher would embed the attachment)."""
    template_dir = tmp_path / "templates"
    template_dir.mkdir()
    (template_dir / "evil.html").write_text(
        '<!DOCTYPE html><html lang="nb"><head><title>Prøve</title>'
        '<link rel="stylesheet" href="file:///etc/passwd"></head><body><h1>Prøve</h1>'
        f'{EVIL_IMG}<link rel="attachment" href="file:///etc/passwd">'
        '<a rel="attachment" href="file:///etc/passwd">vedlegg</a>'
        '<img src="http://127.0.0.1:9/bilde.png" alt="y"></body></html>'
    )
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [template_dir, *settings.TEMPLATES[0]["DIRS"]]}
    ]
    pdf = render_pdf("evil.html", {})
    assert pdf.startswith(b"%PDF")
    assert b"EmbeddedFile" not in pdf
    assert b"root:" not in pdf
    path = tmp_path / "evil.pdf"
    path.write_bytes(pdf)
    attachments = subprocess.run(
        ["pdfdetach", "-list", str(path)], capture_output=True, text=True, check=True
    ).stdout
    assert attachments.startswith("0 embedded files")


def test_pdf_response_is_inline_with_a_safe_filename():
    response = pdf_response(b"%PDF-1.7", 'Porteføljeplan 2024–2026/"x".pdf')
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == ('inline; filename="portefoljeplan-2024-2026-x.pdf"')


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("Porteføljeplan 2026.pdf", "portefoljeplan-2026.pdf"),
        ("../../etc/passwd", "etc-passwd"),
        ("Årsrapport Æ.PPTX", "arsrapport-ae.pptx"),
        ("«».pdf", "dokument.pdf"),
    ],
)
def test_safe_filename(name, safe):
    assert safe_filename(name) == safe


# --- The plan as a PDF ---


def test_plan_pdf_has_the_plan_in_words_one_area_per_page(plan, tmp_path):
    pdf = plan_pdf(plan)
    assert pdf.startswith(b"%PDF")
    text = _pdftotext(pdf, tmp_path)
    for expected in (
        "Porteføljeplan 2026",
        "oppdatert oktober 2025",
        "Digital samhandling",
        "Psykisk helse barn og unge",
        "Informasjon følger pasienten.",
        "Utvikling av digitale verktøy",
        "Pasientens legemiddelliste (PLL)",
        "Starte innføring",
        "Under arbeid",
        "Ferdigstilt",
        "Fokus for 2026",
        "Side 1 av 3",
    ):
        assert expected in text, expected
    pages = text.split("\f")
    digital_page = next(i for i, page in enumerate(pages) if "Starte innføring" in page)
    youth_page = next(i for i, page in enumerate(pages) if "Oppdrag fra SSU" in page)
    assert youth_page > digital_page > 0  # the cover first, then one page per area
    assert "Oppdrag fra SSU" not in pages[digital_page]


def test_plan_pdf_is_landscape_and_tagged(plan, tmp_path):
    info = _pdfinfo(plan_pdf(plan), tmp_path)
    assert "Tagged:          yes" in info
    assert "Title:           Porteføljeplan 2026" in info
    size = next(line for line in info.splitlines() if line.startswith("Page size:"))
    width, height = (float(value) for value in size.split()[2:5:2])
    assert width > height
    assert "A4" in size


def test_plan_pdf_escapes_markup_in_user_text(plan, tmp_path):
    area = plan.areas.first()
    area.vision = f"Målbilde {EVIL_IMG}"
    area.save()
    measure = MeasureFactory(group=area.groups.first(), name="Tiltak <b>fet</b>")
    CellFactory(measure=measure, year=2025, text=EVIL_IMG, status=Status.IN_PROGRESS)
    pdf = plan_pdf(plan)
    text = _pdftotext(pdf, tmp_path)
    assert 'src="file:///etc/passwd"' in text  # written out as text, not an image
    assert "Tiltak <b>fet</b>" in text
    assert b"root:" not in pdf


# --- The plan as slides ---


def _slides(pptx: bytes):
    return list(Presentation(BytesIO(pptx)).slides)


def _texts(slide) -> str:
    parts = []
    for shape in slide.shapes:
        if shape.has_text_frame:
            parts.append(shape.text_frame.text)
        if shape.has_table:
            parts.extend(cell.text for row in shape.table.rows for cell in row.cells)
    return "\n".join(parts)


def _table(slide):
    return next(shape.table for shape in slide.shapes if shape.has_table)


def test_plan_pptx_has_a_title_slide_and_two_slides_per_area(plan):
    pptx = plan_pptx(plan)
    deck = Presentation(BytesIO(pptx))
    assert deck.slide_width > deck.slide_height
    assert round(deck.slide_width / deck.slide_height, 2) == round(16 / 9, 2)
    slides = list(deck.slides)
    assert len(slides) == 1 + 2 * 2
    assert slides[0].shapes.title.text == "Porteføljeplan 2026"
    assert "oppdatert oktober 2025" in _texts(slides[0])
    assert "Planlagt/påbegynt" in _texts(slides[0])  # the legend
    assert slides[1].shapes.title.text == "Digital samhandling"
    assert "Informasjon følger pasienten." in _texts(slides[1])

    table = _table(slides[2])
    assert [cell.text for cell in table.rows[0].cells] == [
        "Tiltak",
        "2024",
        "2025",
        "Fokus for 2026",
    ]
    assert table.cell(1, 0).text == "Utvikling av digitale verktøy"
    assert table.cell(1, 0).is_merge_origin
    assert table.cell(1, 0).text_frame.paragraphs[0].runs[0].font.bold
    assert table.cell(2, 0).text == "Pasientens legemiddelliste (PLL)"
    assert table.cell(2, 2).text == "Starte innføring\nUnder arbeid"
    assert str(table.cell(2, 2).fill.fore_color.rgb) == "CFE3F7"
    assert slides[4].shapes.title.text == "Psykisk helse barn og unge: status"


def test_plan_pptx_splits_long_areas_into_parts(plan):
    area = plan.areas.get(name="Psykisk helse barn og unge")
    group = area.groups.first()
    for number in range(MAX_TABLE_ROWS + 5):
        MeasureFactory(group=group, name=f"Ekstra tiltak {number}")
    slides = _slides(plan_pptx(plan))
    titles = [slide.shapes.title.text for slide in slides]
    assert "Psykisk helse barn og unge: status, del 1" in titles
    assert "Psykisk helse barn og unge: status, del 2" in titles
    second = _table(slides[titles.index("Psykisk helse barn og unge: status, del 2")])
    assert second.cell(1, 0).text == "Få felles forståelse (forts.)"
    for slide in slides[1:]:
        if slide.shapes.title.text.startswith("Psykisk helse barn og unge: status"):
            assert len(_table(slide).rows) <= MAX_TABLE_ROWS + 1


# --- The views ---


@pytest.mark.parametrize(
    ("url_name", "content_type", "filename"),
    [
        ("portfolio:plan_pdf", "application/pdf", "portefoljeplan-2026.pdf"),
        ("portfolio:plan_pptx", PPTX_TYPE, "portefoljeplan-2026.pptx"),
    ],
)
def test_export_views_for_a_reader(client, reader_user, plan, url_name, content_type, filename):
    client.force_login(reader_user)
    response = client.get(reverse(url_name, args=[plan.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert filename in response["Content-Disposition"]
    content = b"".join(response) if response.streaming else response.content
    assert content.startswith(b"%PDF" if content_type == "application/pdf" else b"PK")


@pytest.mark.parametrize("url_name", ["portfolio:plan_pdf", "portfolio:plan_pptx"])
def test_export_views_send_anonymous_users_to_log_in(client, plan, url_name):
    response = client.get(reverse(url_name, args=[plan.pk]))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


@pytest.mark.parametrize("url_name", ["portfolio:plan_pdf", "portfolio:plan_pptx"])
def test_export_views_404_for_a_missing_plan(client, reader_user, url_name):
    client.force_login(reader_user)
    assert client.get(reverse(url_name, args=[987654])).status_code == 404


def _add_measures(plan, count):
    group = MeasureGroupFactory(area=plan.areas.first())
    for number in range(count):
        measure = MeasureFactory(group=group, name=f"Tiltak {number}")
        CellFactory(measure=measure, year=2025, text="Under arbeid", status=Status.IN_PROGRESS)


@pytest.mark.parametrize("url_name", ["portfolio:plan_pdf", "portfolio:plan_pptx"])
def test_export_queries_do_not_grow_with_the_plan(client, reader_user, url_name):
    client.force_login(reader_user)
    small, large = PlanFactory(), PlanFactory()
    for plan, measures in ((small, 2), (large, 20)):
        FocusAreaFactory.create_batch(2, plan=plan)
        _add_measures(plan, measures)
    counts = []
    for plan in (small, large):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse(url_name, args=[plan.pk])).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
