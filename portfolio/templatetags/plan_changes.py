"""`{% cell_state state missing %}`: a cell's text and status as the changes page shows them,
before and after (written in Python: the page shows a thousand of them, and an include each
was most of its time)."""

from django import template
from django.utils.html import format_html

from ..grid import GridCell

register = template.Library()


@register.simple_tag
def cell_state(state: GridCell | None, missing: str) -> str:
    if state is None:
        return format_html('<span class="muted">{}</span>', missing)
    if state.is_empty:
        return format_html('<span class="muted">(tom)</span>')
    if not state.status:
        return format_html('<span class="state">{}</span>', state.text)
    return format_html(
        '<span class="state status-{}">{} <span class="status-tag">{}</span></span>',
        state.status,
        state.text,
        state.status_label,
    )
