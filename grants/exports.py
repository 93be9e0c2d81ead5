"""A round's applications as an Excel workbook, and the decision list as a PDF for the meeting
papers.

The workbook has one row per application the user may see, with readable values (names and
labels, never ids) and a link to each application's page. Text is written as text: a value
starting with = + - @ (or a tab or carriage return) gets Excel's quote prefix
(helsefellesskap.spreadsheets.write_text_cell, as in every export), so a title like
"=HYPERLINK(...)" is shown, never evaluated.
Amounts are numbers, so that Excel can add them up.
"""

import io
from dataclasses import dataclass, field
from decimal import Decimal

import openpyxl
from django.utils import timezone
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from helsefellesskap.pdf import render_pdf
from helsefellesskap.spreadsheets import CONTENT_TYPE, write_text_cell

from .models import Application, Round
from .overview import round_overview

__all__ = ["CONTENT_TYPE", "decision_list_pdf", "round_workbook"]

SHEET_NAME = "Søknader"
HEADERS = [
    ("Sektor", 22),
    ("Tittel", 45),
    ("Søker", 30),
    ("Samarbeidspartnere", 45),
    ("Innsatsområde", 28),
    ("Søkt beløp", 16),
    ("Status", 26),
    ("Rangering i LSU", 10),
    ("Innvilget", 16),
    ("Lenke", 50),
]
AMOUNT_FORMAT = "#,##0.00"


def round_workbook(round: Round, applications, *, base_url: str) -> bytes:
    """The applications (already filtered to what the user may see) as an .xlsx workbook."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = SHEET_NAME
    workbook.properties.title = f"Søknader {round}"
    workbook.properties.language = "nb-NO"
    sheet.append([title for title, _ in HEADERS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(vertical="top", wrap_text=True)
    row_number = 1
    for application in applications:
        row_number += 1
        link = base_url.rstrip("/") + application.get_absolute_url()
        values = [
            application.sector.name,
            application.title,
            application.applicant_organisation.name,
            ", ".join(partner.name for partner in application.partners.all()),
            application.focus_area.name,
            application.amount_asked,
            application.get_state_display(),
            application.lsu_rank,
            application.amount_granted if application.state == Application.State.GRANTED else None,
            link,
        ]
        for column_number, value in enumerate(values, start=1):
            cell = sheet.cell(row=row_number, column=column_number)
            _write(cell, value)
        sheet.cell(row=row_number, column=len(HEADERS)).hyperlink = link
    for index, (_, width) in enumerate(HEADERS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "C2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(HEADERS))}{row_number}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _write(cell, value) -> None:
    cell.alignment = Alignment(vertical="top", wrap_text=True)
    if value is None or value == "":
        return
    if isinstance(value, Decimal):
        cell.value = value
        cell.number_format = AMOUNT_FORMAT
    elif isinstance(value, int):
        cell.value = value
    else:
        write_text_cell(cell, str(value))


# --- The decision list ---


OUTCOME_ORDER = {
    Application.State.GRANTED: 0,
    Application.State.MOVED: 1,
    Application.State.REJECTED: 2,
}


@dataclass
class SectorDecisions:
    name: str
    allocation: Decimal | None
    granted: Decimal
    remaining: Decimal | None
    applications: list[Application] = field(default_factory=list)


def decision_list_context(round: Round, user) -> dict:
    """Per sector the decided applications, with the amounts granted against the allocation."""
    overview = round_overview(round, user)
    decided = (
        Application.objects.visible_to(user)
        .filter(round=round, state__in=Application.DECIDED_STATES)
        .with_related()
    )
    by_sector: dict[int, list[Application]] = {}
    for application in sorted(decided, key=lambda a: (OUTCOME_ORDER[a.state], a.title, a.pk)):
        by_sector.setdefault(application.sector_id, []).append(application)
    sectors = [
        SectorDecisions(
            name=row.name,
            allocation=row.allocation,
            granted=row.figures.granted,
            remaining=row.remaining,
            applications=by_sector.get(row.pk, []),
        )
        for row in overview.sectors
    ]
    return {
        "round": round,
        "overview": overview,
        "sectors": sectors,
        "made_at": timezone.localtime(),
        "document_title": f"Vedtaksliste {round}",
    }


def decision_list_pdf(round: Round, user, *, request=None) -> bytes:
    return render_pdf(
        "grants/decision_list_pdf.html", decision_list_context(round, user), request=request
    )
