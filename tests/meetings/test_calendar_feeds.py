"""Meetings as iCalendar: one meeting to download, and the feeds Outlook polls without a login."""

import datetime
import re

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from meetings.calendar_feeds import feed_pk, feed_token, flat
from tests.factories import BodyFactory, MembershipFactory, PersonFactory
from tests.meetings.factories import OSLO, ItemFactory, MeetingFactory

pytestmark = pytest.mark.django_db


def events(response) -> list:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content).walk("VEVENT")


def body_feed_url(body) -> str:
    return reverse("meetings:body_feed", args=[feed_token("body", body.pk)])


def person_feed_url(person) -> str:
    return reverse("meetings:person_feed", args=[feed_token("person", person.pk)])


def soon(days: int, hour=9) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=OSLO)


@pytest.fixture
def meeting(lsu):
    meeting = MeetingFactory(
        body=lsu, title="Partnerskapsmøte", location="Rådhusets møtesenter, møterom 6"
    )
    ItemFactory(meeting=meeting, title="Godkjenning av møteinnkalling og dagsorden")
    ItemFactory(meeting=meeting, title="Status i Helsefellesskap Oslo")
    return meeting


def test_a_meeting_downloads_as_an_ics_file_in_oslo_time(client, reader_user, meeting):
    client.force_login(reader_user)
    response = client.get(reverse("meetings:meeting_ics", args=[meeting.pk]))
    assert response["Content-Disposition"] == 'attachment; filename="mote-2025-10-14.ics"'
    calendar = Calendar.from_ical(response.content)
    assert str(calendar["X-WR-CALNAME"]) == "Partnerskapsmøte"
    assert "Helsefellesskap Oslo" in str(calendar["PRODID"])
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Oslo"]
    (event,) = events(response)
    assert str(event["UID"]) == f"meeting-{meeting.pk}@helsefellesskap.oslo"
    assert event["DTSTART"].params["TZID"] == "Europe/Oslo"
    start, end = event.decoded("DTSTART"), event.decoded("DTEND")
    assert (start.date(), start.hour, start.minute) == (datetime.date(2025, 10, 14), 9, 0)
    assert (end.hour, end.minute) == (11, 20)
    assert str(event["SUMMARY"]) == "Partnerskapsmøte"
    assert str(event["LOCATION"]) == "Rådhusets møtesenter, møterom 6"
    assert str(event["URL"]) == f"http://testserver{meeting.get_absolute_url()}"
    description = str(event["DESCRIPTION"])
    assert "Sak 1/25 Godkjenning av møteinnkalling og dagsorden" in description
    assert "Sak 2/25 Status i Helsefellesskap Oslo" in description


def test_the_meeting_file_needs_a_login(client, meeting):
    response = client.get(reverse("meetings:meeting_ics", args=[meeting.pk]))
    assert response.status_code == 302 and "logg-inn" in response["Location"]


def test_a_body_feed_works_without_login_and_holds_the_bodys_meetings(client, lsu):
    next_month = MeetingFactory(body=lsu, starts_at=soon(30))
    last_month = MeetingFactory(body=lsu, starts_at=soon(-30))
    MeetingFactory(body=lsu, starts_at=soon(-400))  # older than the feed's twelve months
    MeetingFactory(starts_at=soon(10))  # another body
    found = events(client.get(body_feed_url(lsu)))
    assert [str(e["UID"]) for e in found] == [
        f"meeting-{last_month.pk}@helsefellesskap.oslo",
        f"meeting-{next_month.pk}@helsefellesskap.oslo",
    ]
    assert found[1].decoded("DTSTART").hour == 9


BODY_SALT = "meetings.body-feed"


def altered(token: str) -> str:
    return token[:-1] + ("y" if token.endswith("x") else "x")


@pytest.mark.parametrize(
    "forge",
    [
        lambda pk: "abc",
        lambda pk: f"{pk}:forfalsket",
        lambda pk: altered(signing.Signer(salt=BODY_SALT).sign_object(pk)),
        lambda pk: signing.Signer(salt="meetings.person-feed").sign_object(pk),  # a person's
        lambda pk: signing.Signer(salt=BODY_SALT, key="en annen nøkkel").sign_object(pk),
        lambda pk: signing.Signer(salt=BODY_SALT).sign_object(str(pk)),
        lambda pk: signing.Signer(salt=BODY_SALT).sign_object(pk + 1000),  # no such body
    ],
    ids=["garbage", "unsigned", "altered", "other-kind", "other-key", "not-int", "unknown"],
)
def test_a_forged_or_unknown_token_finds_nothing(client, lsu, forge):
    MeetingFactory(body=lsu, starts_at=soon(3))
    response = client.get(reverse("meetings:body_feed", args=[forge(lsu.pk)]))
    assert response.status_code == 404


def test_tokens_are_stable_and_per_kind():
    assert feed_token("body", 7) == feed_token("body", 7)
    assert feed_pk("body", feed_token("body", 7)) == 7
    assert feed_pk("person", feed_token("body", 7)) is None


def test_a_person_feed_has_the_meetings_of_the_bodies_they_sat_in_on_the_day(client, lsu):
    person = PersonFactory()
    today = timezone.localdate()
    MembershipFactory(person=person, body=lsu, start=today - datetime.timedelta(days=60))
    ssu = BodyFactory()
    MembershipFactory(
        person=person,
        body=ssu,
        start=today - datetime.timedelta(days=200),
        end=today - datetime.timedelta(days=100),
    )
    member_then = [
        MeetingFactory(body=lsu, starts_at=soon(-30)),
        MeetingFactory(body=lsu, starts_at=soon(40)),
        MeetingFactory(body=ssu, starts_at=soon(-150)),
    ]
    MeetingFactory(body=lsu, starts_at=soon(-90))  # before the person joined
    MeetingFactory(body=ssu, starts_at=soon(-20))  # after the person left
    MeetingFactory(starts_at=soon(5))  # never a member

    found = events(client.get(person_feed_url(person)))

    assert sorted(str(e["UID"]) for e in found) == sorted(
        f"meeting-{m.pk}@helsefellesskap.oslo" for m in member_then
    )
    assert (
        client.get(
            reverse("meetings:person_feed", args=[feed_token("body", person.pk)])
        ).status_code
        == 404
    )


def test_an_empty_feed_is_still_a_calendar(client, lsu):
    assert events(client.get(body_feed_url(lsu))) == []


# --- Line breaks and control characters in the texts (issue 18) ---

# NUL cannot be stored on PostgreSQL; flat() is tested with it below.
BREAKS = ["\n", "\r\n", "\r", "\t", "\x1f", "\x0b", "\u2028"]


def test_flat_puts_any_text_on_one_line():
    assert flat("  Møte\r\n\ri\x00\x0b LSU\u2028\t") == "Møte i LSU"


def content_lines(response) -> list[str]:
    """The .ics unfolded into its content lines: each must be one property."""
    text = response.content.decode()
    assert text.endswith("\r\n")
    lines = text[: -len("\r\n")].replace("\r\n ", "").split("\r\n")
    for line in lines:
        assert not any(ch in line for ch in "\r\n\x1f\x0b\u2028"), repr(line)
        assert ":" in line, repr(line)
    return lines


def calname(response) -> str:
    """X-WR-CALNAME read as RFC 5545 reads an X- property: TEXT, unescaped (the icalendar
    library keeps an unknown property's value raw)."""
    (line,) = [line for line in content_lines(response) if line.startswith("X-WR-CALNAME:")]
    escaped = {"\\": "\\", ";": ";", ",": ",", "n": "\n", "N": "\n"}
    return re.sub(r"\\(.)", lambda m: escaped[m.group(1)], line.removeprefix("X-WR-CALNAME:"))


@pytest.mark.parametrize("newline", BREAKS, ids=repr)
def test_line_breaks_in_a_meetings_texts_do_not_break_its_file(client, reader_user, newline):
    body = BodyFactory(name=f"LSU{newline}Testsektoren")
    meeting = MeetingFactory(
        body=body,
        title=f"Partnerskaps{newline}møte",
        location=f"Rådhuset{newline}møterom 6",
        case_officer=f"Sekretariatet{newline}Oslo",
        starts_at=soon(7),
    )
    ItemFactory(meeting=meeting, title=f"Status{newline}BEGIN:VEVENT")
    client.force_login(reader_user)
    response = client.get(reverse("meetings:meeting_ics", args=[meeting.pk]))
    content_lines(response)
    assert calname(response) == "Partnerskaps møte"
    (event,) = events(response)
    assert str(event["SUMMARY"]) == "Partnerskaps møte"
    assert str(event["LOCATION"]) == "Rådhuset møterom 6"
    description = str(event["DESCRIPTION"])
    assert "Organ: LSU Testsektoren\nSaksbehandler: Sekretariatet Oslo\n" in description
    assert "Status BEGIN:VEVENT" in description

    # Without a title, the body's name makes the title, in the body's feed too.
    meeting.title = ""
    meeting.save()
    response = client.get(body_feed_url(body))
    content_lines(response)
    assert calname(response) == "Møter – LSU Testsektoren"
    (event,) = events(response)
    assert str(event["SUMMARY"]) == "Møte i LSU Testsektoren"


@pytest.mark.parametrize("newline", ["\n", "\r\n"], ids=repr)
def test_a_line_break_in_a_persons_name_does_not_break_their_feed(client, lsu, newline):
    person = PersonFactory(name=f"Kari{newline}Nordmann; Oslo, sektor")
    MembershipFactory(person=person, body=lsu, start=timezone.localdate())
    MeetingFactory(body=lsu, starts_at=soon(10))
    response = client.get(person_feed_url(person))
    content_lines(response)
    assert calname(response) == "Møter – Kari Nordmann; Oslo, sektor"
    assert len(events(response)) == 1
