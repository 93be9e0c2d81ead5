"""Migration 0009 on a database with corrections made before it: each correction of approved
minutes, until then only in the item's history, gets its row, so that the meeting page and the
minutes show it."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from meetings.models import Item, MinutesCorrection
from tests.factories import UserFactory
from tests.meetings.factories import ItemFactory

BEFORE = [("meetings", "0008_participant_count_bound")]
AFTER = [("meetings", "0009_minutes_corrections")]


def migrate(targets):
    MigrationExecutor(connection).migrate(targets)


@pytest.fixture
def before_0009():
    migrate(BEFORE)
    yield
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_corrections_in_the_history_become_rows_and_other_changes_do_not(before_0009):
    secretary = UserFactory(username="sekretariat-2025")
    item = ItemFactory(decision="Rettet vedtak")
    corrected_at = timezone.make_aware(datetime.datetime(2025, 11, 3, 10, 0))
    Item.history.filter(id=item.pk).update(
        history_change_reason="Rettelse i godkjent referat: Skrivefeil i beløpet",
        history_date=corrected_at,
        history_user=secretary,
    )
    other = ItemFactory()
    Item.history.filter(id=other.pk).update(history_change_reason="Referat skrevet")
    # The history of an item deleted since (its meeting's draft minutes were thrown away).
    Item.history.filter(id=ItemFactory().pk).update(
        id=item.pk + 1000, history_change_reason="Rettelse i godkjent referat: Slettet siden"
    )

    migrate(AFTER)

    correction = MinutesCorrection.objects.get()
    assert (correction.item_id, correction.made_at, correction.made_by_id) == (
        item.pk,
        corrected_at,
        secretary.pk,
    )
    assert correction.reason == "Skrivefeil i beløpet"
