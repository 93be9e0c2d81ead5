"""Rendered parts of pages kept in Django's cache, under keys that name exactly what they show.

    key = f"meetings:record:1:{...}:{history_stamp(SHOWN_MODELS)}"
    html = cached_html(key, lambda: render_to_string(...))

`history_stamp()` is the newest history row (django-simple-history) of each model a part
shows, in one query: an index lookup per history table, whatever their size. Every save and
delete writes a history row (the portal never writes those models with `update()` or bulk
operations, which would not), so a key holding the stamp changes with any change to them, and a
rendering older than its data is never read again: it only ages out.

On PostgreSQL the newest id alone is not enough: ids are handed out before the commit, so a
transaction still running may commit a row under a lower id than the newest one seen, and the
newest id would not change. The stamp there also holds the transactions in progress (the
snapshot's list): when one of them ends, the list changes, and so does the key. On SQLite one
writer at a time commits before the next takes an id, so the newest id is enough.
"""

import functools
from collections.abc import Callable

from django.core.cache import caches
from django.db import connection, models
from django.utils.safestring import SafeString, mark_safe

CACHE = "fragments"  # bounded in settings.CACHES: edits make new keys, old entries age out


def cached_html(key: str, render: Callable[[], str]) -> SafeString:
    """The rendering kept under `key`, or `render()` now (and kept)."""
    cache = caches[CACHE]
    html = cache.get(key)
    if html is None:
        html = render()
        cache.set(key, html)
    return mark_safe(html)


def history_stamp(models_shown: tuple[type[models.Model], ...]) -> str:
    """The newest history row's id of each of `models_shown` (on PostgreSQL also the
    transactions in progress), as one string, in one query."""
    with connection.cursor() as cursor:
        cursor.execute(_stamp_sql(models_shown))
        return "-".join(str(value or 0) for value in cursor.fetchone())


@functools.cache
def _stamp_sql(models_shown: tuple[type[models.Model], ...]) -> str:
    # Made once per set of models: reaching a model's history model builds a manager each time.
    quote = connection.ops.quote_name
    newest = []
    for model in models_shown:
        history = model.history.model._meta
        newest.append(f"(SELECT MAX({quote(history.pk.column)}) FROM {quote(history.db_table)})")
    if connection.vendor == "postgresql":
        newest.append(
            "(SELECT string_agg(xid::text, '.' ORDER BY xid)"
            " FROM pg_snapshot_xip(pg_current_snapshot()) AS xid)"
        )
    return f"SELECT {', '.join(newest)}"
