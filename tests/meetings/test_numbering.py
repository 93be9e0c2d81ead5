"""Items are numbered per body and year ("2/25"), never twice, even when added at once."""

import json
import threading
import time

import pytest
from django.core.management import call_command
from django.db import OperationalError, connection

from meetings.numbering import allocate_item_number
from tests.factories import BodyFactory
from tests.meetings.factories import ItemFactory, MeetingFactory


def test_numbers_count_up_per_body_and_year(db):
    ssu, lsu = BodyFactory(), BodyFactory()
    assert [allocate_item_number(ssu, 2025) for _ in range(3)] == [1, 2, 3]
    assert allocate_item_number(lsu, 2025) == 1
    assert allocate_item_number(ssu, 2026) == 1


def test_the_label_is_number_slash_two_digit_year(db):
    item = ItemFactory(meeting=MeetingFactory(), number=2, year=2025)
    assert item.label == "2/25"


def test_a_removed_items_number_is_not_given_out_again(db):
    meeting = MeetingFactory()
    first = ItemFactory(meeting=meeting)
    first.delete()
    assert ItemFactory(meeting=meeting).number == first.number + 1


def test_numbers_from_old_minutes_are_reserved(db, tmp_path):
    """Items entered from old minutes come with their body's counter, as in
    fixtures/meetings.json: numbering carries on after the last number they used."""
    body = BodyFactory()
    fixture = tmp_path / "old_minutes.json"
    counter = {"body": body.pk, "year": 2025, "last_number": 3}
    fixture.write_text(json.dumps([{"model": "meetings.itemcounter", "fields": counter}]))
    call_command("loaddata", str(fixture), verbosity=0)
    assert allocate_item_number(body, 2025) == 4
    assert allocate_item_number(body, 2025) == 5


@pytest.mark.django_db(transaction=True)
def test_two_people_adding_items_at_once_get_different_numbers():
    """Eight allocations racing. PostgreSQL queues them on the counter row's lock. SQLite's
    in-memory test database refuses a writer while another writes instead of waiting (a file
    database waits), so there a refused writer tries again, as the busy timeout would."""
    body = BodyFactory()
    numbers, refused, barrier = [], [], threading.Barrier(8)

    def add():
        barrier.wait()
        try:
            for _ in range(200):
                try:
                    numbers.append(allocate_item_number(body, 2025))
                    return
                except OperationalError:
                    refused.append(True)
                    time.sleep(0.01)
        finally:
            connection.close()

    threads = [threading.Thread(target=add) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(numbers) == list(range(1, 9))
    if connection.vendor == "postgresql":
        assert not refused
