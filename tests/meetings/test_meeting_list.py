"""The year's meeting list links every year that has meetings, so the 2019 meetings the
annual report counts are one click from this year's list, not behind five empty years; and
a meeting or an activity is only planned in a year the lists and the wheel show; a meeting's
participants listed under no heading are «Andre deltakere»."""

import datetime
import re

import pytest
from django.urls import reverse

from meetings.models import Activity, Attendance, Meeting, ParticipantGroup
from tests.factories import BodyFactory, PersonFactory
from tests.meetings.factories import OSLO, AttendanceFactory, MeetingFactory


@pytest.mark.django_db
def test_the_year_list_links_every_year_with_meetings(client, reader_user):
    # Late on New Year's Eve in Oslo is still 2019 there, though 2020 has begun nowhere else.
    MeetingFactory(starts_at=datetime.datetime(2019, 12, 31, 23, 30, tzinfo=OSLO))
    MeetingFactory(starts_at=datetime.datetime(2025, 10, 14, 9, tzinfo=OSLO))
    client.force_login(reader_user)
    html = client.get(reverse("meetings:meeting_list"), {"aar": 2026}).content.decode()
    year_nav = re.search(r'<nav aria-label="År".*?</nav>', html, re.S).group()
    assert re.findall(r">(\d{4})</a>", year_nav) == ["2019", "2025", "2026", "2027"]
    assert '<a href="?aar=2026" aria-current="page">' in year_nav


@pytest.mark.django_db
@pytest.mark.parametrize("day", ["1900-01-01", "2150-06-01"])
def test_a_meeting_outside_the_lists_years_is_refused(client, secretariat_user, day):
    client.force_login(secretariat_user)
    response = client.post(
        reverse("meetings:meeting_create"),
        {"body": BodyFactory().pk, "starts_at": f"{day}T09:00", "ends_at": f"{day}T10:00"},
    )
    assert "Velg en dato mellom år 2000 og 2100." in response.content.decode()
    assert not Meeting.objects.exists()


@pytest.mark.django_db
def test_a_participant_count_past_any_meeting_is_refused_with_its_bound(client, secretariat_user):
    client.force_login(secretariat_user)
    response = client.post(
        reverse("meetings:meeting_create"),
        {
            "body": BodyFactory().pk,
            "starts_at": "2026-03-10T09:00",
            "ends_at": "2026-03-10T10:00",
            "participant_count": "9223372036854775807",
        },
    )
    page = response.content.decode()
    assert "Antall deltakere kan være høyst 100 000." in page
    assert "9223372036854775807" not in page.replace('value="9223372036854775807"', "")
    assert not Meeting.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("starts_on", "ends_on"), [("1900-01-01", ""), ("2026-02-01", "2202-03-01")]
)
def test_an_activity_outside_the_wheels_years_is_refused(
    client, secretariat_user, starts_on, ends_on
):
    client.force_login(secretariat_user)
    response = client.post(
        reverse("meetings:activity_create"),
        {"title": "Tilskuddsrunde", "kind": "tilskudd", "starts_on": starts_on, "ends_on": ends_on},
    )
    assert "Velg en dato mellom år 2000 og 2100." in response.content.decode()
    assert not Activity.objects.exists()


@pytest.mark.django_db
def test_participants_listed_without_a_heading_are_other_participants(client, reader_user):
    """The minutes of 14.10.2025 list two participants under no heading: the page's table
    calls them «Andre deltakere», not «Deltakere uten overskrift»."""
    meeting = MeetingFactory()
    group = ParticipantGroup.objects.create(meeting=meeting, position=2, heading="")
    AttendanceFactory(
        meeting=meeting,
        person=PersonFactory(name="Tine Ravlo"),
        group=group,
        status=Attendance.Status.GUEST,
    )
    client.force_login(reader_user)
    html = client.get(meeting.get_absolute_url()).text
    assert "<caption>Andre deltakere</caption>" in html
    assert "uten overskrift" not in html
