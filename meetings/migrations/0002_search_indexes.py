"""GIN indexes for the meetings' full-text search (meetings/search.py), on PostgreSQL only.

Each index is on exactly the expression `Source.vector()` compiled to, so that the planner could
use it for `<vector> @@ websearch_to_tsquery('norwegian', ...)`. Since 0007 these expressions are
stored columns and the indexes are on the columns; tests/meetings/test_search.py checks with
EXPLAIN that the searches use them. SQLite has no such indexes and uses a simpler match.
"""

from django.db import migrations


def _vector(*fields):
    """setweight(to_tsvector('norwegian', coalesce(field, '')), 'X') || ... as Django writes it."""
    parts = [
        f"setweight(to_tsvector('norwegian'::regconfig, COALESCE({name}, '')), '{weight}')"
        for name, weight in fields
    ]
    sql = parts[0]
    for part in parts[1:]:
        sql = f"({sql} || {part})"
    return sql


INDEXES = {
    # name: (table, expression)
    "meetings_item_search_sak": (
        "meetings_item",
        _vector(("title", "A"), ("purpose", "B"), ("background", "C")),
    ),
    "meetings_item_search_vedtak": ("meetings_item", _vector(("decision", "B"))),
    "meetings_item_search_referat": ("meetings_item", _vector(("minutes_text", "C"))),
    "meetings_minutes_search_referat": ("meetings_minutes", _vector(("introduction", "C"))),
    "meetings_followup_search_title": ("meetings_followup", _vector(("title", "B"))),
}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, (table, expression) in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING GIN (({expression}))"
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create_indexes, drop_indexes, elidable=False),
    ]
