"""Migration 0007 on a database with meetings from before it: on PostgreSQL the search's
vectors become stored columns, computed for the rows already there, with the GIN indexes on
them; taken back, the indexes are on the expressions again (as 0002 made them)."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from meetings.search import search
from tests.meetings.factories import FollowUpFactory, ItemFactory, MeetingFactory

BEFORE = [("meetings", "0006_meeting_starts_at_index")]
INDEXES = [
    "meetings_item_search_sak",
    "meetings_item_search_vedtak",
    "meetings_item_search_referat",
    "meetings_minutes_search_referat",
    "meetings_followup_search_title",
]


def migrate(targets):
    MigrationExecutor(connection).migrate(targets)


def index_definitions() -> list[str]:
    """The search indexes' definitions on PostgreSQL; none on SQLite."""
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = ANY(%s) ORDER BY indexname",
            [INDEXES],
        )
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.django_db(transaction=True)
def test_rows_from_before_are_searched_through_stored_vectors(reader_user):
    item = ItemFactory(meeting=MeetingFactory(), title="Aclasta i alle sektorer")
    FollowUpFactory(item=item, title="Svar om Aclasta")
    try:
        migrate(BEFORE)
        before = index_definitions()
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    after = index_definitions()

    hits = search("Aclasta", user=reader_user, since=None)
    assert sorted(hit.kind for hit in hits) == ["oppfølging", "sak"]
    if connection.vendor == "postgresql":
        assert len(before) == len(after) == len(INDEXES)
        assert all("to_tsvector" in definition for definition in before), before
        assert not any("to_tsvector" in definition for definition in after), after
        assert all("USING gin (search_" in definition for definition in after), after
