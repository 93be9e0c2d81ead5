"""The report is built from the data: a body's representatives with a mark per meeting, its
meetings, their length and its items by type, the networks' turnout, what changed in the
portfolio plan, the grants, the follow-ups carried over; in a fixed number of queries."""

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from annual_report.assembly import assemble, text_blocks
from annual_report.models import StatedRoundFigures
from grants.models import Application
from helsefellesskap.formatting import duration
from helsefellesskap.models import Body, Membership
from meetings.models import FollowUp
from portfolio.models import Cell, FocusArea, Measure, MeasureGroup, Status
from tests.annual_report.factories import (
    AnnualReportFactory,
    StatedFiguresFactory,
    meeting_on,
    sector_year,
)
from tests.factories import BodyFactory, MembershipFactory, PersonFactory, SectorFactory
from tests.grants.factories import AllocationFactory, ApplicationFactory, RoundFactory
from tests.meetings.factories import OSLO, AttendanceFactory, FollowUpFactory, ItemFactory
from tests.portfolio.factories import CellFactory, FocusAreaFactory, MeasureFactory, PlanFactory

pytestmark = pytest.mark.django_db


def section(snapshot, name):
    return next(s for s in snapshot["committees"] + snapshot["networks"] if s["name"] == name)


def test_each_representative_has_a_mark_per_meeting_like_the_printed_reports():
    year = sector_year()
    snapshot = assemble(AnnualReportFactory(sector=year.sector))

    lsu = section(snapshot, "LSU Testsektoren")
    assert lsu["meeting_dates"] == ["28.3.19", "12.12.19"]
    rows = {row["name"]: (row["position"], row["marks"]) for row in lsu["members"]}
    assert rows["Lise Leder"] == ("Adm. direktør, Testsykehuset", ["x", "x"])
    assert rows["Mona Medlem"][1] == ["-", "(vara)"]  # absent, then a deputy met for her
    assert rows["Sture Sluttet"][1] == ["x", "Sluttet"]
    assert rows["Vera Vara"] == ("Ass. direktør, Bydel Test (vara)", ["", "x"])
    assert rows["Siv Sekretær"][1] == ["x", ""]  # nothing recorded: left blank
    # The leader first and the secretary last, as the reports list them.
    assert [row["name"] for row in lsu["members"]][0] == "Lise Leder"
    assert [row["name"] for row in lsu["members"]][-1] == "Siv Sekretær"
    assert lsu["leaders"] == "Lise Leder" and lsu["secretaries"] == "Siv Sekretær"


def test_sluttet_is_marked_once_and_later_meetings_get_a_dash():
    year = sector_year()
    meeting_on(year.lsu, datetime.date(2019, 9, 1))
    snapshot = assemble(AnnualReportFactory(sector=year.sector))
    rows = {row["name"]: row["marks"] for row in section(snapshot, "LSU Testsektoren")["members"]}
    assert rows["Sture Sluttet"] == ["x", "Sluttet", "-"]


def test_a_member_who_took_a_new_role_in_the_year_is_one_representative():
    """Bovild Tjønn sat in SSU as a member and led it from the day after 14.10.2025: the
    report printed him twice, alike. One row, present at both meetings."""
    year = sector_year()
    person = PersonFactory(name="Bovild Tjønn")
    for role, start, end in (
        (Membership.Role.MEMBER, datetime.date(2019, 1, 1), datetime.date(2019, 6, 30)),
        (Membership.Role.DEPUTY_LEADER, datetime.date(2019, 7, 1), None),
    ):
        MembershipFactory(
            body=year.lsu,
            person=person,
            role=role,
            start=start,
            end=end,
            position="Etatsdirektør, Sykehjemsetaten",
        )
    for meeting in year.meetings:
        AttendanceFactory(meeting=meeting, person=person)
    snapshot = assemble(AnnualReportFactory(sector=year.sector))
    rows = [r for r in section(snapshot, "LSU Testsektoren")["members"] if r["name"] == person.name]
    assert rows == [
        {"name": "Bovild Tjønn", "position": "Etatsdirektør, Sykehjemsetaten", "marks": ["x", "x"]}
    ]


def test_meetings_their_length_and_items_by_type_are_counted():
    year = sector_year()
    lsu = section(assemble(AnnualReportFactory(sector=year.sector)), "LSU Testsektoren")
    assert (lsu["meeting_count"], lsu["meeting_length"], lsu["item_count"]) == (2, "2\xa0t", 3)
    assert lsu["total_length"] == "4\xa0t"
    assert lsu["items_by_kind"] == [
        {"heading": "Vedtakssaker", "titles": ["Utrede FACT-team", "Møteplan 2020"]},
        {"heading": "Orienteringssaker", "titles": ["Årsrapport 2018"]},
    ]
    assert not lsu["meetings_stated"] and not lsu["items_stated"]


def test_stated_figures_are_reported_and_the_registered_counts_kept_beside_them():
    year = sector_year()
    StatedFiguresFactory(body=year.lsu, item_count=16, meeting_length="2 timer")
    snapshot = assemble(AnnualReportFactory(sector=year.sector))
    lsu = section(snapshot, "LSU Testsektoren")
    assert (lsu["item_count"], lsu["registered_items"], lsu["items_stated"]) == (16, 3, True)
    assert (lsu["meeting_count"], lsu["meetings_stated"]) == (2, False)
    assert snapshot["any_stated"] is True
    assert snapshot["totals"]["items"] == 16


def test_networks_are_reported_by_date_place_theme_topics_and_turnout():
    year = sector_year()
    network = BodyFactory(
        name="Dialogmøte Testsektoren", kind=Body.Kind.OTHER, parent=year.lsu, sector=year.sector
    )
    meeting_on(
        network,
        datetime.date(2019, 5, 28),
        hours=6,
        location="Åråsen, seminarrommet",
        theme="Kommunikasjon og dialog",
        notice_text="Kommunikasjon ved stor pågang\n\n  Pakkeforløp hjem  \n",
        participant_count=35,
    )
    StatedFiguresFactory(body=network, meeting_count=3, average_attendance=11)
    snapshot = assemble(AnnualReportFactory(sector=year.sector))
    dialogue = section(snapshot, "Dialogmøte Testsektoren")
    assert dialogue in snapshot["networks"]
    assert dialogue["meetings"] == [
        {
            "date": "28.5.2019",
            "location": "Åråsen, seminarrommet",
            "theme": "Kommunikasjon og dialog",
            "topics": ["Kommunikasjon ved stor pågang", "Pakkeforløp hjem"],
            "participants": 35,
        }
    ]
    assert (dialogue["meeting_count"], dialogue["average_attendance"]) == (3, 11)
    # The source states no item count and none is registered: not known, not 0.
    assert dialogue["item_count"] is None
    assert dialogue["meeting_length"] == ""  # the day is known, not the hours


def test_the_scope_is_the_sector_or_the_body_and_its_subtree():
    year = sector_year()
    other = BodyFactory(name="LSU Annen sektor")
    meeting_on(other, datetime.date(2019, 4, 1))
    gone = BodyFactory(
        name="Nedlagt forum",
        parent=year.lsu,
        sector=year.sector,
        dissolved=datetime.date(2018, 1, 1),
    )

    def names(snapshot):
        return [s["name"] for s in snapshot["committees"] + snapshot["networks"]]

    assert names(assemble(AnnualReportFactory(sector=year.sector))) == [
        "LSU Testsektoren",
        "Samarbeidsforum Testsektoren",
    ]
    assert names(assemble(AnnualReportFactory(body=year.council))) == [
        "Samarbeidsforum Testsektoren"
    ]
    whole = names(assemble(AnnualReportFactory()))
    assert "LSU Annen sektor" in whole and "LSU Testsektoren" in whole
    assert gone.name not in whole


def test_a_year_without_data_says_so_instead_of_failing():
    year = sector_year(2019)
    snapshot = assemble(AnnualReportFactory(year=2031, sector=year.sector))
    assert snapshot["has_data"] is False
    assert snapshot["totals"] == {"bodies": 0, "meetings": 0, "items": 0, "items_unknown": 0}
    assert snapshot["bodies_chart"] == ""
    members = section(snapshot, "LSU Testsektoren")["members"]
    assert members and all(row["marks"] == [] for row in members)


def test_the_chart_draws_meetings_and_items_per_body():
    year = sector_year()
    chart = assemble(AnnualReportFactory(sector=year.sector))["bodies_chart"]
    assert chart.startswith("<svg") and 'role="img"' in chart
    assert "<title" in chart and "LSU Testsektoren" in chart
    # Coordinates are written the SVG way even though the portal formats numbers in Norwegian.
    assert not re.search(r'(x|width)="\d+,\d', chart)


def test_follow_ups_open_at_the_end_of_the_year_are_carried_over():
    year = sector_year()
    item = year.meetings[1].items.first()
    FollowUpFactory(item=item, title="Lag mandat for FACT-team", responsible_body=year.lsu)
    FollowUpFactory(
        item=item,
        title="Ferdig i januar",
        responsible_body=year.lsu,
        status=FollowUp.Status.DONE,
        done_on=datetime.date(2020, 1, 15),
    )
    FollowUpFactory(
        item=item,
        title="Ferdig i desember",
        responsible_body=year.lsu,
        status=FollowUp.Status.DONE,
        done_on=datetime.date(2019, 12, 20),
    )
    follow_ups = assemble(AnnualReportFactory(sector=year.sector))["follow_ups"]
    assert [f["title"] for f in follow_ups] == ["Lag mandat for FACT-team", "Ferdig i januar"]
    assert follow_ups[0]["body"] == "LSU Testsektoren"
    assert follow_ups[0]["meeting_date"] == "12.12.2019"


def moment(year, month, day):
    return datetime.datetime(year, month, day, 12, 0, tzinfo=OSLO)


def change_cell(cell, status, when):
    cell.status = status
    cell.save()
    cell.history.filter(pk=cell.history.latest().pk).update(history_date=when)


def test_the_portfolio_section_lists_status_changes_and_completions_during_the_year():
    plan = PlanFactory(years=[2019, 2020])
    area = FocusAreaFactory(plan=plan, name="Psykisk helse")
    measure = MeasureFactory(group__area=area, name="FACT-team")
    untouched = MeasureFactory(group__area=area, name="Felles opplæring")
    cell = CellFactory(measure=measure, year=2019, text="Utrede", status=Status.PLANNED)
    CellFactory(measure=untouched, year=2019, text="Kurs", status=Status.IN_PROGRESS)
    for model in (FocusArea, MeasureGroup, Measure, Cell):  # all written before 2019
        model.history.update(history_date=moment(2018, 12, 1))
    change_cell(cell, Status.COMPLETED, moment(2019, 6, 1))
    change_cell(cell, Status.IN_PROGRESS, moment(2020, 2, 1))  # after the year: not reported

    [section_] = assemble(AnnualReportFactory())["portfolio"]
    assert section_["title"] == plan.title and section_["column"] == "2019"
    assert section_["areas"] == [
        {
            "name": "Psykisk helse",
            "changes": [
                {
                    "measure": "FACT-team",
                    "group": measure.group.name,
                    "column": "2019",
                    "before": "Planlagt/påbegynt",
                    "after": "Ferdigstilt",
                    "completed": True,
                }
            ],
        }
    ]
    assert (section_["change_count"], section_["completed_count"]) == (1, 1)
    # Status at the end of 2019: one completed, one in progress.
    [row] = section_["rows"]
    assert row["area"] == "Psykisk helse" and row["total"] == 2
    assert section_["chart"].startswith("<svg")


def test_grants_show_allocation_asked_prioritised_and_granted_for_the_scopes_sector():
    year = sector_year()
    round_ = RoundFactory(year=2019)
    AllocationFactory(round=round_, sector=year.sector, amount=Decimal("17240000"))
    AllocationFactory(round=round_, sector__name="Annen sektor")
    granted = ApplicationFactory(round=round_, sector=year.sector, amount_asked=Decimal("800000"))
    ApplicationFactory(round=round_, sector=year.sector, amount_asked=Decimal("500000"))
    Application.objects.filter(pk=granted.pk).update(
        state=Application.State.GRANTED, amount_granted=Decimal("600000")
    )
    Application.objects.exclude(pk=granted.pk).update(state=Application.State.SUBMITTED)

    [grants] = assemble(AnnualReportFactory(sector=year.sector))["grants"]
    [sector] = grants["sectors"]
    assert sector["name"] == "Testsektoren"
    assert (sector["asked_count"], sector["granted_count"]) == (2, 1)
    assert sector["allocation"] == "17\xa0240\xa0000\xa0kr"
    assert sector["granted"] == "600\xa0000\xa0kr"
    assert sector["remaining"] == "16\xa0640\xa0000\xa0kr"
    whole = assemble(AnnualReportFactory())["grants"][0]
    assert {row["name"] for row in whole["sectors"]} == {"Testsektoren", "Annen sektor"}


def test_a_round_without_applications_prints_what_its_source_states():
    year = sector_year()
    round_ = RoundFactory(year=2019)
    AllocationFactory(round=round_, sector=year.sector, amount=Decimal("17240000"))
    StatedRoundFigures.objects.create(
        round=round_,
        received_count=10,
        prioritised_count=5,
        prioritised_by="LSU i Testsektoren",
        prioritised_on=datetime.date(2019, 11, 18),
        source="Styresak 98/2019",
    )
    [grants] = assemble(AnnualReportFactory(sector=year.sector))["grants"]
    assert not grants["has_applications"]
    assert grants["stated"] == {
        "received": 10,
        "prioritised": 5,
        "prioritised_by": "LSU i Testsektoren",
        "prioritised_on": "18.11.2019",
        "decided": None,  # not stated: printed "ikke oppgitt"
        "regional_frame": "",
        "source": "Styresak 98/2019",
    }
    # Another sector's report does not borrow the round's counts.
    other = SectorFactory(name="Annen sektor")
    [elsewhere] = assemble(AnnualReportFactory(sector=other))["grants"]
    assert elsewhere["sectors"] == [] and elsewhere["stated"] is None


def test_the_number_of_queries_does_not_grow_with_the_year():
    small = sector_year()
    report = AnnualReportFactory(sector=small.sector)
    with CaptureQueriesContext(connection) as before:
        assemble(report)
    for day in range(1, 11):
        meeting = meeting_on(small.lsu, datetime.date(2019, 10, day))
        for _ in range(3):
            ItemFactory(meeting=meeting)
        AttendanceFactory(meeting=meeting, person=small.leader.person)
        MembershipFactory(body=small.lsu)
    with CaptureQueriesContext(connection) as after:
        assemble(report)
    assert len(after) == len(before)


@pytest.mark.parametrize(
    "text, blocks",
    [
        ("", []),
        ("Ett avsnitt\nsom fortsetter.", [{"kind": "p", "text": "Ett avsnitt som fortsetter."}]),
        (
            "Innledning:\n- første\n  fortsetter\n• andre\n\nNytt avsnitt.",
            [
                {"kind": "p", "text": "Innledning:"},
                {"kind": "ul", "items": ["første fortsetter", "andre"]},
                {"kind": "p", "text": "Nytt avsnitt."},
            ],
        ),
        ("<script>alert(1)</script>\x00\x07", [{"kind": "p", "text": "<script>alert(1)</script>"}]),
    ],
)
def test_free_text_becomes_paragraphs_and_bullets_without_control_characters(text, blocks):
    assert text_blocks(text) == blocks


@pytest.mark.parametrize(
    "minutes, text",
    [
        (30, "30\xa0min"),
        (60, "1\xa0t"),
        (120, "2\xa0t"),
        (150, "2\xa0t 30\xa0min"),
        (140, "2\xa0t 20\xa0min"),  # 09.00–11.20, not "2,25 timer"
        (280, "4\xa0t 40\xa0min"),
    ],
)
def test_meeting_length_is_hours_and_minutes(minutes, text):
    assert duration(datetime.timedelta(minutes=minutes)) == text


def test_meeting_times_are_read_in_oslo_time():
    """A meeting at 00:30 on 1 January Oslo time belongs to the new year."""
    year = sector_year(2020)
    meeting_on(year.lsu, datetime.date(2020, 1, 1))
    late = datetime.datetime(2020, 1, 1, 0, 30, tzinfo=OSLO)
    year.meetings[0].starts_at = late
    year.meetings[0].ends_at = late + datetime.timedelta(hours=1)
    year.meetings[0].save()
    lsu = section(assemble(AnnualReportFactory(year=2020, sector=year.sector)), "LSU Testsektoren")
    assert lsu["meeting_dates"][0] == "1.1.20"
