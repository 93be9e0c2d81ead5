"""The meeting page keeps the rendered agenda and participants of a meeting whose minutes are
locked (meetings/meeting_page.py): read again from the cache, never stale after a change,
never one user's rendering for another."""

import datetime
import re
import threading

import pytest
from django.core.cache import caches
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext

from helsefellesskap.fragments import CACHE
from helsefellesskap.models import today
from meetings import minutes
from meetings.meeting_page import agenda_flags, record_cache_key
from meetings.models import Attendance
from tests.factories import PersonFactory
from tests.meetings.factories import (
    AttendanceFactory,
    FollowUpFactory,
    ItemFactory,
    MeetingFactory,
)

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


@pytest.fixture
def record(lsu):
    """A meeting of the LSU whose minutes are approved (not published): an item with its
    minutes, a follow-up due tomorrow and a guest."""
    meeting = MeetingFactory(body=lsu, title="LSU-møte")
    item = ItemFactory(
        meeting=meeting,
        title="Rusomsorg i sektoren",
        minutes_text="Opprinnelig referat",
        decision="Opprinnelig vedtak",
    )
    FollowUpFactory(item=item, title="Svar om Aclasta", due_on=today() + DAY)
    guest = PersonFactory(name="Kari Gjest", organisation__name="Bydel Alna")
    AttendanceFactory(meeting=meeting, person=guest, status=Attendance.Status.GUEST)
    minutes.approve_minutes(
        minutes.minutes_of(meeting), at_meeting=None, in_item=None, on=today(), user=None
    )
    return meeting


def page(client, meeting):
    """The meeting's page, without the CSRF token (masked anew for every response)."""
    response = client.get(meeting.get_absolute_url())
    assert response.status_code == 200
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.text)


def test_a_locked_meeting_is_rendered_once_then_read_from_the_cache(
    client, secretariat_user, record
):
    client.force_login(secretariat_user)
    with CaptureQueriesContext(connection) as first:
        html = page(client, record)
    with CaptureQueriesContext(connection) as again:
        assert page(client, record) == html
    assert len(again) < len(first)  # the agenda and the attendance are not loaded again
    assert "Opprinnelig referat" in html
    assert "Kari Gjest" in html
    assert '<h2 id="agenda-heading">Dagsorden</h2>' in html  # not escaped from the cache


def correct_the_minutes(meeting):
    minutes.correct_item_minutes(
        meeting.items.get(),
        minutes_text="Rettet referat",
        decision="Opprinnelig vedtak",
        reason="Skrivefeil",
        user=None,
    )


def rename_the_follow_up(meeting):
    follow_up = meeting.items.get().follow_ups.get()
    follow_up.title = "Endelig svar om Aclasta"
    follow_up.save()


def add_a_follow_up(meeting):
    FollowUpFactory(item=meeting.items.get(), title="Ny oppfølging etter godkjenning")


def rename_the_guest(meeting):
    person = meeting.attendances.get().person
    person.name = "Kari Gjest-Hansen"
    person.save()


def rename_the_guests_organisation(meeting):
    organisation = meeting.attendances.get().person.organisation
    organisation.name = "Bydel Alna (ny)"
    organisation.save()


@pytest.mark.parametrize(
    ("change", "old", "new"),
    [
        (correct_the_minutes, "Opprinnelig referat", "Rettet referat"),
        (rename_the_follow_up, ">Svar om Aclasta<", "Endelig svar om Aclasta"),
        (add_a_follow_up, "Ny oppfølging etter godkjenning", "Ny oppfølging etter godkjenning"),
        (rename_the_guest, "Kari Gjest<", "Kari Gjest-Hansen"),
        (rename_the_guests_organisation, "Bydel Alna<", "Bydel Alna (ny)"),
    ],
    ids=lambda value: getattr(value, "__name__", None),
)
def test_every_change_shows_at_once(client, secretariat_user, record, change, old, new):
    client.force_login(secretariat_user)
    before = page(client, record)
    assert page(client, record) == before  # now in the cache
    change(record)
    after = page(client, record)
    assert new in after
    if old != new:
        assert old in before and old not in after
    else:
        assert new not in before


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="PostgreSQL hands out history ids before the commit; SQLite's one writer does not",
)
@pytest.mark.django_db(transaction=True)
def test_a_rename_committed_after_a_newer_one_still_shows(client, secretariat_user, record):
    # A colleague's rename of the guest takes its history id first and commits last, after a
    # rename of someone else under a higher id: the newest id is the same before and after.
    renamed, committed = threading.Event(), threading.Event()
    go_on = threading.Event()

    def colleague():
        try:
            with transaction.atomic():
                rename_the_guest(record)
                renamed.set()
                assert go_on.wait(30)
            committed.set()
        finally:
            connections.close_all()

    thread = threading.Thread(target=colleague)
    thread.start()
    try:
        assert renamed.wait(30)
        PersonFactory(name="Noen andre")  # a newer history id, committed at once
        client.force_login(secretariat_user)
        assert "Kari Gjest<" in page(client, record)  # cached while the rename is open
    finally:
        go_on.set()
        thread.join(30)
    assert committed.is_set()
    assert "Kari Gjest-Hansen" in page(client, record)


def test_each_user_gets_the_rendering_for_what_they_may_see(
    client, secretariat_user, reader_user, record
):
    client.force_login(secretariat_user)
    keeper = page(client, record)
    assert "Opprinnelig referat" in keeper
    assert "Rett referatet" in keeper
    client.force_login(reader_user)
    reader = page(client, record)  # the minutes are approved, not published: not for readers
    assert "Opprinnelig referat" not in reader
    assert "Rett referatet" not in reader
    assert "Rusomsorg i sektoren" in reader


def test_a_follow_up_becomes_overdue_as_the_days_pass(
    client, secretariat_user, record, monkeypatch
):
    client.force_login(secretariat_user)
    assert ">Forfalt<" not in page(client, record)
    later = today() + 2 * DAY
    monkeypatch.setattr("meetings.meeting_page.today", lambda: later)
    monkeypatch.setattr("meetings.models.today", lambda: later)
    assert ">Forfalt<" in page(client, record)


def test_a_meeting_with_open_minutes_is_rendered_every_time(client, secretariat_user, lsu):
    """Its agenda carries the keepers' forms (with the session's CSRF token): never cached."""
    meeting = MeetingFactory(body=lsu)
    ItemFactory.create_batch(2, meeting=meeting)
    client.force_login(secretariat_user)
    html = page(client, meeting)
    assert "Flytt ned" in html
    key = record_cache_key(meeting, flags=agenda_flags(meeting, secretariat_user), day=today())
    assert caches[CACHE].get(key) is None
