"""A version's snapshot laid out as the report's PDF, through the portal's one PDF module."""

from django.utils.safestring import mark_safe

from helsefellesskap.pdf import render_pdf

TEMPLATE = "annual_report/report_pdf.html"


def render_report_pdf(snapshot: dict, *, number: int, approvals: list[dict], draft: bool) -> bytes:
    """`approvals` is the log printed at the end: [{"body", "date", "remark", "version"}]."""
    context = {
        "report": snapshot,
        "number": number,
        "approvals": approvals,
        "is_draft": draft,
        # The charts were drawn by our own templates when the snapshot was assembled (escaped
        # there); the snapshot is never edited by anyone, so they are inserted as markup.
        "bodies_chart": mark_safe(snapshot["bodies_chart"]),  # noqa: S308
        "plans": [
            {**plan, "chart": mark_safe(plan["chart"])}  # noqa: S308
            for plan in snapshot["portfolio"]
        ],
    }
    return render_pdf(TEMPLATE, context)
