"""The report's charts as SVG, drawn on the server from the assembled figures. Each chart has a
title and description, and the numbers it shows are printed in a table or in the text beside
it, so nothing is said by the chart alone."""

from dataclasses import dataclass

from django.template.loader import render_to_string

MEETINGS_FILL = "#2a2859"
ITEMS_FILL = "#cfe3f7"


@dataclass
class BodyBars:
    name: str
    y: float
    meetings: int
    meetings_width: float
    items: int | str
    items_width: float
    meetings_label_x: float
    items_label_x: float


def bodies_chart(sections: list[dict], *, width=760, label_width=300, bar_height=14, gap=8) -> str:
    """Meetings and items per body: two panels of horizontal bars, each on its own scale."""
    panel_gap = 24
    panel_width = (width - label_width - panel_gap) / 2 - 30  # room for the count after a bar
    items_x = label_width + panel_width + 30 + panel_gap
    most_meetings = max(section["meeting_count"] for section in sections) or 1
    most_items = max(section["item_count"] or 0 for section in sections) or 1
    rows = []
    for index, section in enumerate(sections):
        meetings_width = panel_width * section["meeting_count"] / most_meetings
        # An item count no source states has no bar: its label says so.
        items = section["item_count"]
        items_width = panel_width * (items or 0) / most_items
        rows.append(
            BodyBars(
                name=section["name"],
                y=30 + index * (bar_height + gap),
                meetings=section["meeting_count"],
                meetings_width=meetings_width,
                items="ikke oppgitt" if items is None else items,
                items_width=items_width,
                meetings_label_x=label_width + meetings_width + 4,
                items_label_x=items_x + items_width + 4,
            )
        )
    return render_to_string(
        "annual_report/_bodies_chart.html",
        {
            "rows": rows,
            "width": width,
            "height": 30 + len(rows) * (bar_height + gap),
            "label_width": label_width,
            "items_x": items_x,
            "bar_height": bar_height,
            "meetings_fill": MEETINGS_FILL,
            "items_fill": ITEMS_FILL,
        },
    ).strip()


def status_chart_svg(chart, heading: str) -> str:
    """The portfolio's stacked bars of measures per status (portfolio/overview.py)."""
    return render_to_string(
        "portfolio/_status_chart.html",
        {"chart": chart, "heading": heading, "chart_id": "status-chart"},
    ).strip()
