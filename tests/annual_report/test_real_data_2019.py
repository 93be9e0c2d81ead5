"""The 2019 annual report of the Ahus sector (seed 002) loads with the portal data: the
Direktørmøte's and Samarbeidsforum's meetings with the attendance exactly as the report's tables,
the items it lists by type, the networks' and dialogue meetings' turnout, the totals it states,
and the report's own texts."""

import re
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.utils import timezone

from annual_report.models import AnnualReport, StatedFigures
from helsefellesskap.models import Body, Membership
from helsefellesskap.permissions import ROLE_GROUPS
from meetings.models import Attendance, Item, ItemCounter, Meeting
from meetings.numbering import allocate_item_number

pytestmark = pytest.mark.django_db

OSLO = ZoneInfo("Europe/Oslo")
HISTORY_REASON = "Innlest fra årsrapport 2019, Ahus-sektoren"
SOURCE = "Årsrapport 2019, Ahus-sektoren"
DIRECTORS = "Lokalt samarbeidsutvalg Ahus-sektoren"
FORUM = "Samarbeidsforum (Ahus-sektoren)"

# The report's tables: "x" present, "-" absent, "" an empty cell or "Sluttet". Katrine Hippe's
# row reads "x Sluttet - -": she left before 4.6, so the marks after that are not recorded.
DIRECTORS_DATES = [date(2019, 3, 28), date(2019, 12, 12)]
DIRECTORS_TABLE = {
    "Øystein Mæland": ["x", "x"],
    "Jørn Artur Limi": ["x", "x"],
    "Anita Bjørnstad": ["x", "-"],
    "Erik Borge Skei": ["-", ""],
    "Inge Skråmm": ["", "x"],
    "Marius Trana": ["x", "x"],
    "Alv Humborstad Sørland": ["", "x"],
    "Bjørn Haraldsen": ["x", ""],
    "Øystein Kjos": ["x", "x"],
    "Pål Wiik": ["x", "x"],
    "Bente Almås": ["x", "x"],
    "Øystein Eriksen Søreide": ["", ""],
    "Ayub Mohammad Tughra": ["-", "x"],
    "Helge Jagman": ["", ""],
    "Guri Bergo": ["", ""],
    "Anne Katrine Sivesind": ["", "x"],
    "Runar Nygård": ["", ""],
    "Richard Åstrand": ["-", "x"],
    "Bente Heggedal Gerner": ["x", "x"],
    "Bjørn Hjalmar Nielsen": ["x", "x"],
}
FORUM_DATES = [date(2019, 3, 5), date(2019, 6, 4), date(2019, 9, 10), date(2019, 11, 26)]
FORUM_TABLE = {
    "Bente Almås": ["x", "x", "x", "x"],
    "Kari Sørum": ["", "x", "", "x"],
    "Dario Mardal": ["x", "", "", ""],
    "Hanne Isaksen": ["", "", "x", ""],
    "Stine Fritz Hals": ["x", "x", "x", "x"],
    "Monika Vartdal": ["x", "x", "x", ""],
    "Anne Katrine Sivesind": ["", "x", "", "x"],
    "Jon Sundelius": ["x", "", "", ""],
    "Kari Fauchald": ["", "", "x", ""],
    "Olav Willy Grundvold": ["x", "", "x", "x"],
    "Anita Bjørnstad": ["-", "x", "x", "x"],
    "Nina Holter": ["x", "-", "-", "-"],
    "Marianne Waet Hulby": ["x", "", "x", ""],
    "Ian Dahl": ["x", "x", "x", "x"],
    "Katrine Hippe": ["x", "", "", ""],
    "Esben Madsen": ["x", "x", "x", "x"],
    "Andreas Halvorsen": ["", "", "", ""],
    "Bente Heggedal Gerner": ["x", "x", "x", "x"],
    "Bjørn Hjalmar Nielsen": ["x", "x", "x", "x"],
}
MARKS = {Attendance.Status.PRESENT: "x", Attendance.Status.ABSENT: "-"}

NEW_BODIES = [
    "Dialogmøte voksensomatikk og alderspsykiatri (Ahus-sektoren)",
    "ReHabiliteringsnettverket Ahus",
    "Forum for sykehjemsmedisin (Ahus-sektoren)",
    "Ledersamarbeidsforum DPS Groruddalen og kommune/bydeler (LSF)",
    "Administrasjonsforum BUP Furuset og Bydel Alna",
    "AHUSFORUM",
]
OCR_NOISE = re.compile(r"  | ,| \.|[ \t]$|^[ \t]|\n{3}|\bStover\b|\uf0b7|•", re.MULTILINE)


@pytest.fixture
def real_data():
    for name in ROLE_GROUPS:  # created by a migration; recreated after a flushing test
        Group.objects.get_or_create(name=name)
    call_command("load_portal_data", "--no-demo", verbosity=0)


def meetings_of(body_name):
    return list(Meeting.objects.filter(body__name=body_name).in_year(2019).order_by("starts_at"))


def table_of(meetings):
    """The attendance as the report prints it: name → one mark per meeting."""
    table = {}
    for index, meeting in enumerate(meetings):
        for attendance in meeting.attendances.select_related("person"):
            marks = table.setdefault(attendance.person.name, [""] * len(meetings))
            marks[index] = MARKS[attendance.status]
    return table


def new_rows():
    bodies = list(Body.objects.filter(name__in=NEW_BODIES))
    meetings = list(Meeting.objects.in_year(2019))
    items = list(Item.objects.filter(year=2019))
    attendances = list(Attendance.objects.filter(meeting__in=meetings))
    figures = list(StatedFigures.objects.filter(year=2019))
    reports = list(AnnualReport.objects.filter(year=2019))
    return bodies + meetings + items + attendances + figures + reports


@pytest.mark.parametrize(
    ("body_name", "dates", "times"),
    [
        (DIRECTORS, DIRECTORS_DATES, (time(12, 0), time(14, 0))),
        (FORUM, FORUM_DATES, (time(12, 30), time(15, 0))),
    ],
)
def test_the_committees_met_on_the_reports_dates(real_data, body_name, dates, times):
    meetings = meetings_of(body_name)
    assert [meeting.date for meeting in meetings] == dates
    for meeting in meetings:
        starts, ends = timezone.localtime(meeting.starts_at), timezone.localtime(meeting.ends_at)
        assert (starts.time(), ends.time()) == times
    assert {meeting.title for meeting in meetings} == {
        "Direktørmøte" if body_name == DIRECTORS else "Samarbeidsforum"
    }


def test_summer_meetings_are_written_in_summer_time(real_data):
    june = Meeting.objects.get(body__name=FORUM, starts_at__date=date(2019, 6, 4))
    assert june.starts_at == datetime(2019, 6, 4, 10, 30, tzinfo=ZoneInfo("UTC"))
    march = Meeting.objects.get(body__name=FORUM, starts_at__date=date(2019, 3, 5))
    assert march.starts_at == datetime(2019, 3, 5, 11, 30, tzinfo=ZoneInfo("UTC"))


@pytest.mark.parametrize(
    ("body_name", "expected"), [(DIRECTORS, DIRECTORS_TABLE), (FORUM, FORUM_TABLE)]
)
def test_the_attendance_is_the_reports_table(real_data, body_name, expected):
    meetings = meetings_of(body_name)
    table = table_of(meetings)
    width = len(meetings)
    assert {name: table.get(name, [""] * width) for name in expected} == expected
    # Nobody outside the report's table has an attendance row.
    assert set(table) <= set(expected)
    # Everybody in the table is a member of the body in 2019, deputies as "vara".
    members = Membership.objects.filter(body__name=body_name).active_during(
        date(2019, 1, 1), date(2019, 12, 31)
    )
    assert {m.person.name for m in members.select_related("person")} == set(expected)


def test_those_who_left_have_no_row_after_leaving(real_data):
    december = meetings_of(DIRECTORS)[1]
    for name in ("Øystein Eriksen Søreide", "Runar Nygård"):
        membership = Membership.objects.get(body__name=DIRECTORS, person__name=name)
        assert not membership.is_active_on(december.date)
        assert not december.attendances.filter(person__name=name).exists()
    hippe = Membership.objects.get(body__name=FORUM, person__name="Katrine Hippe")
    assert [hippe.is_active_on(day) for day in FORUM_DATES] == [True, False, False, False]


def test_deputies_who_came_are_present_in_their_own_right(real_data):
    deputies = Membership.objects.filter(body__name__in=[DIRECTORS, FORUM], role="vara")
    attendances = [
        attendance
        for membership in deputies
        for attendance in Attendance.objects.filter(
            meeting__body=membership.body, person=membership.person
        )
    ]
    assert len(attendances) == 7  # Skråmm, Haraldsen, Sivesind (DM); Alna and VEL deputies (SF)
    assert {a.status for a in attendances} == {Attendance.Status.PRESENT}
    assert all(a.deputy_for is None for a in attendances)


@pytest.mark.parametrize(
    ("body_name", "expected", "stated_total"),
    [
        (DIRECTORS, {"vedtak": 2, "orientering": 8}, 16),
        (FORUM, {"vedtak": 6, "tema": 4, "orientering": 6}, 34),
    ],
)
def test_the_listed_items_by_kind(real_data, body_name, expected, stated_total):
    body = Body.objects.get(name=body_name)
    items = list(Item.objects.filter(meeting__body=body, year=2019).select_related("meeting"))
    kinds = {}
    for item in items:
        kinds[item.kind] = kinds.get(item.kind, 0) + 1
        assert item.body == body and item.meeting.date.year == 2019
    assert kinds == expected
    # Numbered 1..n in meeting order; the counter carries on after the stated total.
    ordered = sorted(items, key=lambda item: (item.meeting.starts_at, item.position))
    assert [item.number for item in ordered] == list(range(1, len(items) + 1))
    assert ItemCounter.objects.get(body=body, year=2019).last_number == stated_total
    assert allocate_item_number(body, 2019) == stated_total + 1


def test_items_are_placed_by_judgement_where_the_report_says_when(real_data):
    first, last = meetings_of(DIRECTORS)
    assert first.items.filter(title="Årsrapport 2018").exists()
    assert last.items.get(title="Møteplan 2020").kind == Item.Kind.DECISION
    assert meetings_of(FORUM)[0].items.get(title="Årsrapport 2018").kind == Item.Kind.DECISION
    assert meetings_of(FORUM)[-1].items.filter(title="Møteledelse og møteplan 2020").exists()
    assert not Item.objects.filter(meeting__body__name__in=NEW_BODIES).exists()


def test_the_stated_figures(real_data):
    figures = {
        f.body.name: (f.meeting_count, f.item_count, f.meeting_length, f.average_attendance)
        for f in StatedFigures.objects.filter(year=2019).select_related("body")
    }
    assert figures == {
        DIRECTORS: (2, 16, "2 timer", None),
        FORUM: (4, 34, "ca. 2 ½ time", None),
        "Forum for sykehjemsmedisin (Ahus-sektoren)": (7, None, "", 11),
        "Ledersamarbeidsforum DPS Groruddalen og kommune/bydeler (LSF)": (3, None, "", None),
        "AHUSFORUM": (4, None, "", None),
        # The seed lists these meetings and their presentations, but no count of items.
        "Dialogmøte voksensomatikk og alderspsykiatri (Ahus-sektoren)": (None, None, "", None),
        "ReHabiliteringsnettverket Ahus": (None, None, "", None),
        "Administrasjonsforum BUP Furuset og Bydel Alna": (None, None, "", None),
    }
    assert set(StatedFigures.objects.values_list("source", flat=True)) == {SOURCE}
    directors = StatedFigures.objects.get(body__name=DIRECTORS)
    assert "(ASU)" in directors.note and "Kongsvingerregionen" in directors.note
    assert "beste skjønn" in directors.note
    assert "beste skjønn" in StatedFigures.objects.get(body__name=FORUM).note
    assert "FACT-team" in StatedFigures.objects.get(body__short_name="LSF").note
    assert "pilotår" in StatedFigures.objects.get(body__name="AHUSFORUM").note


def test_the_new_bodies_sit_under_the_directors_meeting(real_data):
    directors = Body.objects.get(name=DIRECTORS)
    bodies = {body.name: body for body in Body.objects.filter(name__in=NEW_BODIES)}
    assert set(bodies) == set(NEW_BODIES)
    assert all(body.parent == directors and body.sector_id == 2 for body in bodies.values())
    assert bodies["ReHabiliteringsnettverket Ahus"].kind == Body.Kind.NETWORK
    assert bodies[NEW_BODIES[3]].kind == Body.Kind.COUNCIL
    assert not Membership.objects.filter(body__in=bodies.values()).exists()


@pytest.mark.parametrize(
    ("body_name", "day", "count", "theme", "points"),
    [
        (
            NEW_BODIES[0],
            date(2019, 5, 28),
            35,
            "Kommunikasjon og dialog ved stor pågang av pasienter",
            6,
        ),
        (
            NEW_BODIES[0],
            date(2019, 11, 12),
            51,
            "Samhandling om pasient- og pårørendeinvolvering",
            7,
        ),
        (NEW_BODIES[1], date(2019, 5, 8), 44, "Mestring – ulike perspektiver", 4),
        (NEW_BODIES[1], date(2019, 11, 6), 47, "Gode overganger – Hva er viktig for deg?", 5),
        (
            NEW_BODIES[4],
            date(2019, 3, 27),
            None,
            "Oppdatering av endringer i tjenestene. "
            "Felles utfordringer og felles tilbud til barn og unge.",
            0,
        ),
        (
            NEW_BODIES[4],
            date(2019, 11, 27),
            None,
            "Oppdatering av endringer i tjenestene. "
            "Felles utfordringer og felles tilbud til barn og unge.",
            0,
        ),
    ],
)
def test_network_and_dialogue_meetings(real_data, body_name, day, count, theme, points):
    meeting = Meeting.objects.get(body__name=body_name, starts_at__date=day)
    assert (meeting.participant_count, meeting.theme) == (count, theme)
    assert len(meeting.notice_text.splitlines()) == points
    assert not meeting.attendances.exists()


def test_network_meeting_places(real_data):
    places = {
        meeting.date: meeting.location
        for meeting in Meeting.objects.filter(body__name__in=NEW_BODIES[:2])
    }
    assert places == {
        date(2019, 5, 28): "Åråsen/Lillestrøm, seminarrommet",
        date(2019, 11, 12): "Ahus/Nordbyhagen, seminarrommet i 4. etasje i Nye Nord-bygget",
        date(2019, 5, 8): "Seminarrommet på Åråsen/Lillestrøm",
        date(2019, 11, 6): "Seminarrommet på Åråsen/Lillestrøm",
    }


def test_the_annual_report_of_the_ahus_sector(real_data):
    report = AnnualReport.objects.get(year=2019)
    assert (report.sector.short_name, report.body, report.scope_key) == ("Ahus", None, "sektor:2")
    assert report.created_at == datetime(2020, 5, 1, 12, 0, tzinfo=OSLO)
    assert "Kontaktmøtet" in report.introduction and "SU Oslo" in report.introduction
    assert "kliniske samarbeidsutvalg" in report.introduction
    assert 3 <= len(report.highlights.splitlines()) <= 5
    assert "FACT-team" in report.highlights
    for subject in (
        "BUP Grorud",
        "BUP Furuset",
        "DPS/ARA",
        "Gjensidig hospitering",
        "Samhandling mellom leger",
        "Kompetansebroen",
        "Samhandlingsmidler",
    ):
        assert subject in report.other_activities, subject
    assert any(line.startswith("- ") for line in report.other_activities.splitlines())
    for text in (report.introduction, report.highlights, report.other_activities):
        assert "<" not in text


def test_no_text_carries_ocr_noise(real_data):
    noisy = []
    for row in new_rows():
        for field in row._meta.concrete_fields:
            value = getattr(row, field.attname)
            if isinstance(value, str) and OCR_NOISE.search(value):
                noisy.append((row, field.name, OCR_NOISE.findall(value)))
    assert noisy == []


def test_every_new_row_passes_full_clean_and_has_its_first_history(real_data):
    rows = new_rows()
    assert len(rows) == 6 + 12 + 26 + 76 + 8 + 1
    for row in rows:
        row.full_clean()
        [record] = row.history.all()
        assert record.history_type == "+"
        assert record.history_change_reason == HISTORY_REASON
        assert record.history_user is None


def test_loading_twice_adds_nothing(real_data):
    models = (Body, Meeting, Item, Attendance, ItemCounter, StatedFigures, AnnualReport)

    def counts():
        return {
            m.__name__: (
                m.objects.count(),
                m.history.model.objects.count() if m is not ItemCounter else 0,
            )
            for m in models
        }

    first = counts()
    call_command("load_portal_data", "--no-demo", verbosity=0)
    assert counts() == first
