"""The plan page's grid and the changes page's tables, rendered once per state of the plan and
reused from Django's cache (the "plan_pages" cache; cell_fragments.py reuses single cells).

Nothing is ever invalidated. A key names what its HTML was rendered from: the plan's
`history_state` (read with the plan, before any row the HTML shows), its year columns (which
have no history), the viewer's mode, the date, the filter and the language. An edit committed
anywhere (another user, another process or server, the Excel import's worker, the admin)
writes a history record and so gives the next request a new key; an old entry is only unused.
The HTML holds no form, CSRF token or anything else of one request or user, so an entry is
served to every viewer with the same key.
"""

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from django.core.cache import caches
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe

from .cell_fragments import CellMode, render_grid_cells
from .forms import ChangesForm, GridFilterForm
from .grid import PlanGrid, changes_between
from .models import Plan

CACHE = "plan_pages"
# Raised when what the templates make of the same data changes, so a cache shared with older
# code (a file or Redis cache) is not read by newer.
MARKUP = 2


@dataclass(frozen=True)
class RenderedGrid:
    html: SafeString
    # The grid's areas as (pk, name), for the filter's choices: as of the date, when one is given.
    areas: list[tuple[int, str]]
    filter_active: bool


def plan_grid(
    plan: Plan, *, mode: CellMode, moment: datetime | None, query: Mapping, bodies
) -> RenderedGrid:
    """The grid of the plan page (`portfolio/_grid.html`) as `mode` shows it, today or as of
    `moment`, narrowed by the filter in `query` (GridFilterForm's fields; `bodies` its
    choices of responsible body). `plan` must come from `Plan.objects.with_history_state()`."""
    filter_values = [str(query.get(name, ""))[:50] for name in GridFilterForm.base_fields]
    key = _key(plan, "rutenett", mode, moment.isoformat() if moment else "", *filter_values)
    cache = caches[CACHE]
    found = cache.get(key)
    if found is not None:
        html, areas, filter_active = found
        return RenderedGrid(mark_safe(html), areas, filter_active)
    grid = PlanGrid.as_of(plan, moment) if moment else PlanGrid.current(plan)
    areas = [(area.pk, area.name) for area in grid.areas]
    filter_form = GridFilterForm(
        query,
        areas=areas,
        columns=grid.columns,
        bodies=bodies,
    )
    grid_filter = filter_form.grid_filter()
    grid = grid.filtered(grid_filter)
    render_grid_cells(grid, mode=mode)
    html = render_to_string(
        "portfolio/_grid.html",
        {
            "plan": plan,
            "grid": grid,
            "can_edit": mode == CellMode.EDIT,
            "moment": moment,
            "filter_active": grid_filter.is_active,
        },
    )
    cache.set(key, (html, areas, grid_filter.is_active))
    return RenderedGrid(mark_safe(html), areas, grid_filter.is_active)


def tools_key(query: Mapping, *, areas, columns, bodies) -> str:
    """A digest of everything the plan page's filter and date forms show: what was asked for,
    and the areas, years and bodies to choose from (for the template's `{% cache %}`)."""
    asked = [(name, query.getlist(name)) for name in [*GridFilterForm.base_fields, "dato"]]
    columns = [(column.year, column.heading) for column in columns]
    shown = repr((translation.get_language(), asked, areas, columns, bodies))
    return hashlib.blake2b(shown.encode(), digest_size=16).hexdigest()


def plan_changes(plan: Plan, form: ChangesForm) -> SafeString:
    """The changes page's tables (`portfolio/_changes.html`) for the valid form's period."""
    start, end = form.period()
    key = _key(plan, "endringer", start.isoformat(), end.isoformat())
    cache = caches[CACHE]
    html = cache.get(key)
    if html is None:
        changes = changes_between(PlanGrid.as_of(plan, start), PlanGrid.as_of(plan, end))
        html = render_to_string(
            "portfolio/_changes.html",
            {
                "changes": changes,
                "start": form.cleaned_data["fra"],
                "end": form.cleaned_data["til"],
            },
        )
        cache.set(key, html)
    return mark_safe(html)


def _key(plan: Plan, *parts: str) -> str:
    columns = [(column.pk, column.year, column.label) for column in plan.columns.all()]
    named = repr(
        (MARKUP, translation.get_language(), get_script_prefix(), plan.pk)
        + (plan.history_state, columns, parts)
    )
    return (
        f"portfolio:plan:{plan.pk}:" + hashlib.blake2b(named.encode(), digest_size=16).hexdigest()
    )
