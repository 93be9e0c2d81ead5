"""Approving minutes while someone writes an item's minutes, on PostgreSQL with two real
connections: the item's minutes are either written before the approval or refused, never
saved after it, also when the approval is what creates the Minutes row."""

import datetime
import threading
import time

import pytest
from django.db import connection, connections
from django.db.models.signals import pre_save

from helsefellesskap.models import today
from meetings import minutes
from meetings.models import Item, Meeting, Minutes, RecordLocked
from tests.meetings.factories import OSLO, ItemFactory, MeetingFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="select_for_update does nothing on SQLite, and SQLite lets only one writer in "
        "at a time, so this race cannot happen there",
    ),
]

# How long the writer holds between its check and its UPDATE (the window of the race).
PAUSE = 0.3
# The approver starts this much after the writer: first, inside and after the window.
APPROVER_DELAYS = [0.0, 0.02, 0.05, 0.1, 0.15, 0.2]


@pytest.fixture
def slow_item_writes():
    """Holds every write of an item's minutes for PAUSE seconds, after the model's own check
    and right before the UPDATE, as a slow server would."""

    def pause(sender, instance, update_fields=None, **kwargs):
        if update_fields and "minutes_text" in update_fields:
            time.sleep(PAUSE)

    pre_save.connect(pause, sender=Item, dispatch_uid="slow-item-writes")
    yield
    pre_save.disconnect(sender=Item, dispatch_uid="slow-item-writes")


def run_trial(delay: float) -> dict:
    meeting = MeetingFactory(starts_at=datetime.datetime(2025, 10, 14, 9, 0, tzinfo=OSLO))
    item = ItemFactory(meeting=meeting)
    assert not Minutes.objects.filter(meeting=meeting).exists()
    barrier = threading.Barrier(2)
    outcome = {}

    def writer():
        try:
            barrier.wait()
            fresh = Item.objects.select_related("meeting").get(pk=item.pk)
            minutes.write_item_minutes(
                fresh, minutes_text="Skrevet under godkjenningen", decision="Vedtatt", user=None
            )
            outcome["writer"] = "saved"
        except RecordLocked:
            outcome["writer"] = "refused"
        finally:
            connections.close_all()

    def approver():
        try:
            barrier.wait()
            time.sleep(delay)
            record = minutes.minutes_of(Meeting.objects.get(pk=meeting.pk))
            minutes.approve_minutes(record, at_meeting=None, in_item=None, on=today(), user=None)
            outcome["approver"] = "approved"
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer), threading.Thread(target=approver)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)
    assert outcome.get("approver") == "approved"
    approved_at = Minutes.history.get(
        meeting_id=meeting.pk, history_change_reason="Referat godkjent"
    ).history_date
    written = Item.history.filter(id=item.pk, history_change_reason="Referat skrevet")
    outcome["written_after_approval"] = written.filter(history_date__gt=approved_at).exists()
    outcome["stored"] = Item.objects.get(pk=item.pk).minutes_text
    return outcome


def test_no_item_minutes_are_saved_after_the_approval(slow_item_writes):
    outcomes = [run_trial(delay) for delay in APPROVER_DELAYS]
    for delay, outcome in zip(APPROVER_DELAYS, outcomes, strict=True):
        assert not outcome["written_after_approval"], (delay, outcome)
        if outcome["writer"] == "refused":
            assert outcome["stored"] == "", (delay, outcome)
    # The writer started first and held the meeting: its minutes went in before the approval.
    assert any(outcome["writer"] == "saved" for outcome in outcomes)
