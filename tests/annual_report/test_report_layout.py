"""The report states each fact of the year in few boxes (annual_report/document.py): a
representative's attendance as one line ("0 av 2 (forfall 28.3.; vara møtte 12.12.)"), a
measure's status changes in one row, a follow-up as one paragraph under the body that decided
it. Read back from the PDF with pdftotext, every mark, change and follow-up is still there."""

import datetime
import re

import pytest

from annual_report.document import attendance, measures_changed
from annual_report.versions import generate_version
from portfolio.models import Cell, FocusArea, Measure, MeasureGroup, Status
from tests.annual_report.factories import AnnualReportFactory, meeting_on, sector_year
from tests.annual_report.test_assembly import change_cell, moment
from tests.annual_report.test_versions import pdf_text, stored
from tests.factories import BodyFactory, MembershipFactory, PersonFactory, SectorFactory
from tests.meetings.factories import FollowUpFactory
from tests.portfolio.factories import CellFactory, FocusAreaFactory, MeasureFactory, PlanFactory

DAYS = ["3.2.", "10.3.", "15.9.", "1.12."]


@pytest.mark.parametrize(
    ("marks", "text"),
    [
        (["x", "x", "x", "x"], "4 av 4"),
        (["x", "-", "x", "-"], "2 av 4 (forfall 10.3. og 1.12.)"),
        (["-", "(vara)", "x", "(vara)"], "1 av 4 (forfall 3.2.; vara møtte 10.3. og 1.12.)"),
        # Left before the meeting of 15.9.: the later dash is no absence, they had gone.
        (["x", "-", "Sluttet", "-"], "1 av 2 (forfall 10.3.; sluttet før 15.9.)"),
        (["Sluttet", "-", "-", "-"], "Sluttet før 3.2."),
        # Nothing recorded (or not yet a member): counted apart, never as absent.
        (["", "", "x", "x"], "2 av 2 (ikke registrert 3.2. og 10.3.)"),
        (["", "", "", "Sluttet"], "Ikke registrert 3.2., 10.3. og 15.9.; sluttet før 1.12."),
        ([], ""),
    ],
)
def test_a_representatives_marks_become_one_line(marks, text):
    assert attendance(marks, DAYS[: len(marks)]) == text


def test_a_measures_changes_are_one_row_in_the_snapshots_order():
    changes = [
        {"group": "G", "measure": "FACT-team", "column": "2024", "after": "Ferdigstilt"},
        {"group": "G", "measure": "FACT-team", "column": "2025", "after": "Under arbeid"},
        {"group": "H", "measure": "FACT-team", "column": "2025", "after": "Planlagt/påbegynt"},
        {"group": "H", "measure": "Kurs", "column": "2025", "after": "Ferdigstilt"},
    ]
    rows = measures_changed(changes)
    assert [(row["measure"], len(row["changes"])) for row in rows] == [
        ("FACT-team", 2),
        ("FACT-team", 1),  # another group's measure of the same name keeps its own row
        ("Kurs", 1),
    ]
    assert [change for row in rows for change in row["changes"]] == changes


@pytest.mark.django_db
def test_every_mark_change_and_follow_up_of_the_year_is_in_the_pdf(secretariat_user):
    year = sector_year()
    item = year.meetings[1].items.first()
    FollowUpFactory(
        item=item,
        title="Lag mandat for FACT-team",
        responsible_body=year.lsu,
        due_on=datetime.date(2020, 3, 1),
    )
    FollowUpFactory(item=item, title="Invitere bydelene", responsible_text="")
    plan = PlanFactory(years=[2019, 2020])
    area = FocusAreaFactory(plan=plan, name="Psykisk helse")
    measure = MeasureFactory(group__area=area, name="FACT-team")
    this_year = CellFactory(measure=measure, year=2019, text="Utrede", status=Status.PLANNED)
    next_year = CellFactory(measure=measure, year=2020, text="Drift", status=Status.NOT_STARTED)
    for model in (FocusArea, MeasureGroup, Measure, Cell):  # all written before 2019
        model.history.update(history_date=moment(2018, 12, 1))
    change_cell(this_year, Status.COMPLETED, moment(2019, 6, 1))
    change_cell(next_year, Status.IN_PROGRESS, moment(2019, 9, 1))

    text = pdf_text(stored(generate_version(AnnualReportFactory(), secretariat_user)))
    lines = [line.strip() for line in text.splitlines()]
    flat = re.sub(r"\s+", " ", text)

    # The LSU's two meetings, and each representative's marks in one cell of their row.
    assert "Organet hadde 2 møter: 28.3. og 12.12. Oppmøte er" in flat
    for name, presence in [
        ("Lise Leder", "2 av 2"),
        ("Mona Medlem", "0 av 2 (forfall 28.3.; vara møtte 12.12.)"),
        ("Sture Sluttet", "1 av 1 (sluttet før 12.12.)"),
        ("Vera Vara", "1 av 1 (ikke registrert 28.3.)"),
        ("Siv Sekretær", "1 av 1 (ikke registrert 12.12.)"),
    ]:
        row = rf"{name}\s{{2,}}\S.*\s{{2,}}{re.escape(presence)}"  # name, position, attendance
        assert any(re.fullmatch(row, line) for line in lines), name

    # Both of the measure's changes, in its one row; the completion as the plan names it.
    row = lines.index(next(line for line in lines if line.startswith("FACT-team")))
    assert re.fullmatch(r"FACT-team\s+2019: Planlagt/påbegynt → Ferdigstilt", lines[row])
    assert lines[row + 1] == "Fokus for 2020: Ikke påbegynt → Under arbeid"
    assert "2 celler skiftet status i 2019, og 1 ble ferdigstilt." in flat

    # The follow-ups carried over, under the LSU that decided them, with whatever is known.
    carried = flat[flat.index("Oppfølging som videreføres til 2020") :]
    assert re.match(
        r"Oppfølging som videreføres til 2020 2 oppfølginger .*? etter møtedato\. "
        r"LSU Testsektoren Sak",
        carried,
    )
    label = f"Sak {item.label}, møte 12.12.2019"
    assert (
        f"{label}: Lag mandat for FACT-team. Ansvarlig: LSU Testsektoren. Frist 1.3.2020."
        in carried
    )
    assert re.search(rf"{re.escape(label)}: Invitere bydelene\. (?!Ansvarlig|Frist)", carried)


@pytest.mark.django_db
def test_a_year_without_any_attendance_recorded_says_so_once(secretariat_user):
    sector = SectorFactory(name="Testsektoren", short_name="Test")
    lsu = BodyFactory(name="LSU Testsektoren", sector=sector)
    MembershipFactory(body=lsu, person=PersonFactory(name="Lise Leder"), position="Direktør")
    meeting_on(lsu, datetime.date(2019, 5, 5))
    text = pdf_text(stored(generate_version(AnnualReportFactory(sector=sector), secretariat_user)))
    flat = re.sub(r"\s+", " ", text)
    assert "Representanter i 2019. Organet hadde 1 møte: 5.5. Oppmøtet er ikke registrert." in flat
    assert re.search(r"^\s*Lise Leder\s+Direktør\s*$", text, re.M)
    assert "Oppmøte " not in flat and "Ikke registrert 5.5." not in flat
