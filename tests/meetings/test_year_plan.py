"""Next year's plan drafted from this year's: same week and weekday, once only."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings.models import Activity, Meeting
from meetings.year_plan import (
    draft_next_year,
    next_title,
    one_year_later,
    same_week_next_year,
)
from tests.factories import BodyFactory
from tests.meetings.factories import OSLO, ActivityFactory, ItemFactory, MeetingFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "day, expected",
    [
        # Tuesday of week 42 → Tuesday of week 42.
        (datetime.date(2025, 10, 14), datetime.date(2026, 10, 13)),
        # Week 1 of 2026 begins on 29 December 2025: stays in 2026, still a Tuesday.
        (datetime.date(2025, 12, 30), datetime.date(2026, 12, 29)),
        # Thursday of week 53 (2026); 2027 has no week 53.
        (datetime.date(2026, 12, 31), datetime.date(2027, 12, 30)),
        # Friday 1 January 2027 belongs to week 53 of 2026.
        (datetime.date(2027, 1, 1), datetime.date(2028, 1, 7)),
    ],
)
def test_same_week_and_weekday_next_year(day, expected):
    moved = same_week_next_year(day)
    assert moved == expected
    assert moved.year == day.year + 1
    assert moved.weekday() == day.weekday()


def test_the_29th_of_february_becomes_the_28th():
    assert one_year_later(datetime.date(2024, 2, 29)) == datetime.date(2025, 2, 28)
    assert one_year_later(datetime.date(2024, 9, 1)) == datetime.date(2025, 9, 1)


def test_years_in_titles_move_on():
    assert next_title("Årsrapport 2025") == "Årsrapport 2026"
    assert next_title("Porteføljeplan 2026, revisjon 2025") == "Porteføljeplan 2027, revisjon 2026"
    assert next_title("Tilskuddsrunde (sak 12345)") == "Tilskuddsrunde (sak 12345)"


def test_an_activity_titled_with_its_year_is_drafted_once(secretariat_user):
    ActivityFactory(title="Årsrapport 2025", starts_on=datetime.date(2025, 2, 1), ends_on=None)
    assert draft_next_year(2025, secretariat_user) == (0, 1)
    assert Activity.objects.filter(title="Årsrapport 2026", starts_on__year=2026).exists()
    assert draft_next_year(2025, secretariat_user) == (0, 0)


@pytest.fixture
def year_2025(lsu):
    ssu = BodyFactory(name="Strategisk samarbeidsutvalg")
    meeting = MeetingFactory(
        body=lsu,
        title="LSU-møte",
        starts_at=datetime.datetime(2025, 10, 14, 9, 0, tzinfo=OSLO),  # Tuesday, week 42
        ends_at=datetime.datetime(2025, 10, 14, 11, 20, tzinfo=OSLO),
        location="Rådhusets møtesenter, møterom 6",
        notice_text="Velkommen til møte.",
        addressed_to="Medlemmene i LSU",
    )
    ItemFactory(meeting=meeting)
    # Summer time in March 2025 → still 09.00 local in March 2026.
    MeetingFactory(body=ssu, starts_at=datetime.datetime(2025, 3, 31, 9, 0, tzinfo=OSLO))
    ActivityFactory(title="Tilskuddsrunde")
    ActivityFactory(title="Årsrapport", starts_on=datetime.date(2025, 2, 3), ends_on=None)
    MeetingFactory(body=lsu, starts_at=datetime.datetime(2024, 5, 7, 9, 0, tzinfo=OSLO))
    return meeting


def test_draft_copies_meetings_and_activities_of_the_year_once(year_2025, secretariat_user):
    assert draft_next_year(2025, secretariat_user) == (2, 2)

    copy = Meeting.objects.in_year(2026).get(body=year_2025.body)
    start, end = timezone.localtime(copy.starts_at), timezone.localtime(copy.ends_at)
    assert start.date() == datetime.date(2026, 10, 13)
    assert start.isocalendar()[1:] == (42, 2)  # week 42, Tuesday
    assert (start.hour, start.minute, end.hour, end.minute) == (9, 0, 11, 20)
    assert copy.title == "LSU-møte" and copy.location == "Rådhusets møtesenter, møterom 6"
    assert copy.sender == year_2025.sender and copy.case_officer == year_2025.case_officer
    # Only the plan: no items, no notice.
    assert not copy.items.exists()
    assert copy.notice_text == "" and copy.notice_sent_at is None and copy.addressed_to == ""
    spring = Meeting.objects.in_year(2026).exclude(pk=copy.pk).get()
    spring_start = timezone.localtime(spring.starts_at)
    assert spring_start.time() == datetime.time(9, 0)  # 31.03.2025 was summer time, 30.03.2026 too
    assert spring_start.date() == datetime.date(2026, 3, 30)  # Monday of week 14

    grant = Activity.objects.get(title="Tilskuddsrunde", starts_on__year=2026)
    assert (grant.starts_on, grant.ends_on) == (
        datetime.date(2026, 9, 1),
        datetime.date(2026, 11, 18),
    )

    record = copy.history.get()
    assert record.history_user == secretariat_user
    assert record.history_change_reason == "Utkast fra årshjulet 2025"
    assert grant.history.get().history_change_reason == "Utkast fra årshjulet 2025"

    # Again: everything is there already.
    assert draft_next_year(2025, secretariat_user) == (0, 0)
    assert Meeting.objects.in_year(2026).count() == 2
    assert Activity.objects.filter(starts_on__year=2026).count() == 2


def test_draft_skips_what_the_secretariat_already_planned(year_2025, secretariat_user):
    MeetingFactory(
        body=year_2025.body, starts_at=datetime.datetime(2026, 10, 13, 12, 0, tzinfo=OSLO)
    )
    ActivityFactory(title="Tilskuddsrunde", starts_on=datetime.date(2026, 9, 1))
    assert draft_next_year(2025, secretariat_user) == (1, 1)


def test_a_leap_day_activity_moves_to_the_28th(secretariat_user):
    ActivityFactory(
        title="Frist", starts_on=datetime.date(2024, 2, 29), ends_on=datetime.date(2024, 2, 29)
    )
    draft_next_year(2024, secretariat_user)
    copy = Activity.objects.get(starts_on__year=2025)
    assert copy.starts_on == copy.ends_on == datetime.date(2025, 2, 28)


def test_the_secretariat_confirms_and_lands_on_next_years_wheel(
    client, secretariat_user, year_2025
):
    url = reverse("meetings:year_draft", args=[2025])
    client.force_login(secretariat_user)
    page = client.get(url).content.decode()
    assert "Lag utkast for 2026 fra årshjulet 2025" in page
    assert "LSU-møte" in page and "Tirsdag 13.10.2026 kl. 09.00–11.20" in page
    assert not Meeting.objects.in_year(2026).exists()  # looking changes nothing

    response = client.post(url, follow=True)
    assert response.redirect_chain == [(f"{reverse('meetings:year_wheel')}?aar=2026", 302)]
    assert "Utkast for 2026: 2 møter og 2 aktiviteter er kopiert fra 2025." in response.text
    assert "<h1>Årshjul 2026</h1>" in response.text

    response = client.post(url, follow=True)
    assert "Ingenting nytt å kopiere: alt fra 2025 finnes allerede i 2026." in response.text
    assert "finnes allerede i 2026" in client.get(url).content.decode()


def test_a_reader_cannot_draft_next_year(client, reader_user, year_2025):
    client.force_login(reader_user)
    url = reverse("meetings:year_draft", args=[2025])
    assert client.get(url).status_code == 403
    assert client.post(url).status_code == 403
    assert not Meeting.objects.in_year(2026).exists()


def test_an_absurd_year_is_not_found(client, secretariat_user):
    client.force_login(secretariat_user)
    assert client.get(reverse("meetings:year_draft", args=[1])).status_code == 404
