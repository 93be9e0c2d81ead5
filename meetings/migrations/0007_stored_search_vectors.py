"""The meetings' full-text search reads stored tsvectors on PostgreSQL (meetings/search.py).

Migration 0002 indexed each source's tsvector as an expression, so a match could use its GIN
index; but the rank (ts_rank), and every row the planner checked outside the index, computed
to_tsvector from the texts again for each matching row: at ten years of synthetic data the
items' source ranked ~840 rows of the last three years and spent ~20 ms of a 27 ms query on it.
Here each of 0002's vectors becomes a generated column (PostgreSQL computes it when the row is
written) and its GIN index, under the same name as before, is on that column. The expressions
are 0002's own, so matches and ranks stay the same. SQLite has neither (a simpler match there).
"""

import importlib

from django.db import migrations

search_indexes = importlib.import_module("meetings.migrations.0002_search_indexes")

# 0002's index name: the stored column, named as in meetings/search.py (Source.column).
COLUMNS = {
    "meetings_item_search_sak": "search_sak",
    "meetings_item_search_vedtak": "search_vedtak",
    "meetings_item_search_referat": "search_referat",
    "meetings_minutes_search_referat": "search_referat",
    "meetings_followup_search_title": "search_title",
}


def store_vectors(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    search_indexes.drop_indexes(apps, schema_editor)
    for index, column in COLUMNS.items():
        table, expression = search_indexes.INDEXES[index]
        schema_editor.execute(
            f"ALTER TABLE {table} ADD COLUMN {column} tsvector "
            f"GENERATED ALWAYS AS ({expression}) STORED"
        )
        schema_editor.execute(f"CREATE INDEX {index} ON {table} USING GIN ({column})")


def index_expressions(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for index, column in COLUMNS.items():
        table, _ = search_indexes.INDEXES[index]
        schema_editor.execute(f"ALTER TABLE {table} DROP COLUMN {column}")  # and its index
    search_indexes.create_indexes(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0006_meeting_starts_at_index"),
    ]

    operations = [
        migrations.RunPython(store_vectors, index_expressions, elidable=False),
    ]
