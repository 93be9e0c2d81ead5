"""The grid's cells as rendered HTML, reused between requests (Django's cache framework).

A cell's fragment (`portfolio/_cell.html`) depends only on what its key holds: the plan, the
measure and year, the cell's version, a digest of everything it shows (text, status, the
measure's name, the column's heading: the name and heading change without a new version, and
the admin can change a cell's text without one), whether the viewer edits, reads today's plan or
the plan as of a date, and the language. It is rendered without a request and holds no form and
no CSRF token, so one user's fragment is safe to serve to another with the same key.
"""

import hashlib
from enum import StrEnum

from django.core.cache import cache
from django.template.loader import get_template
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe

from .grid import GridCell, PlanGrid

TEMPLATE = "portfolio/_cell.html"
# A key names one exact rendering, so an old entry is never wrong, only unused: let it age out.
TIMEOUT = 7 * 24 * 3600


class CellMode(StrEnum):
    """How the viewer meets the cell: opens it to edit, reads it (and its history), or reads
    the plan as of a date (neither)."""

    EDIT = "endre"
    READ = "les"
    AS_OF = "per-dato"


def cell_key(cell: GridCell, *, plan_pk: int, measure_name: str, mode: CellMode) -> str:
    shown = "\0".join([measure_name, cell.column.heading, cell.text, cell.status])
    digest = hashlib.blake2b(shown.encode(), digest_size=12).hexdigest()
    return (
        f"portfolio:celle:1:{translation.get_language()}:{mode}:{plan_pk}:"
        f"{cell.measure_id}:{cell.column.year}:{cell.version}:{digest}"
    )


def render_cell(cell: GridCell, *, plan_pk: int, measure_name: str, mode: CellMode) -> SafeString:
    """One cell's fragment, from the cache or rendered (and kept) now."""
    key = cell_key(cell, plan_pk=plan_pk, measure_name=measure_name, mode=mode)
    html = cache.get(key)
    if html is None:
        html = _render(cell, plan_pk=plan_pk, measure_name=measure_name, mode=mode)
        cache.set(key, html, TIMEOUT)
    return mark_safe(html)


def render_grid_cells(grid: PlanGrid, *, mode: CellMode) -> None:
    """Fill `html` of every cell of the grid and `cells_html` of every measure: one cache read
    for them all, the missing ones rendered and stored in one write."""
    plan_pk = grid.plan.pk
    keyed = {
        cell_key(cell, plan_pk=plan_pk, measure_name=measure.name, mode=mode): (cell, measure)
        for area in grid.areas
        for measure in area.measures
        for cell in measure.cells
    }
    found = cache.get_many(keyed)
    missing = {}
    for key, (cell, measure) in keyed.items():
        if key not in found:
            found[key] = missing[key] = _render(
                cell, plan_pk=plan_pk, measure_name=measure.name, mode=mode
            )
        cell.html = mark_safe(found[key])
    cache.set_many(missing, TIMEOUT)
    for area in grid.areas:
        for measure in area.measures:
            measure.cells_html = mark_safe("".join(cell.html for cell in measure.cells))


def _render(cell: GridCell, *, plan_pk: int, measure_name: str, mode: CellMode) -> str:
    context = {"cell": cell, "plan_pk": plan_pk, "measure_name": measure_name, "mode": mode}
    return str(get_template(TEMPLATE).render(context))
