"""A version's snapshot laid out as the report's PDF, through the portal's one PDF module.

The snapshot holds the facts (annual_report/assembly.py); this module decides how they are put
on the page. Every box WeasyPrint lays out costs time and memory, and table cells most of all:
at a full Oslo year a mark per member per meeting was 4 906 cells and a row per status change
4 216 more. So the same facts are written in fewer boxes: a representative's attendance as one
cell ("6 av 8 (forfall 10.3. og 15.9.)"), a measure's status changes in one row. Snapshots
stored before this was written are laid out the same way, since everything is derived from
the marks and changes every snapshot holds.
"""

from itertools import groupby

from django.utils.safestring import mark_safe

from helsefellesskap.formatting import listing
from helsefellesskap.pdf import render_pdf

from .assembly import ABSENT, DEPUTY_MET, LEFT, PRESENT

TEMPLATE = "annual_report/report_pdf.html"
# The marks an attendance names the days of, in this order: "forfall 10.3.; vara møtte 15.9.".
NOTED_MARKS = ((ABSENT, "forfall"), (DEPUTY_MET, "vara møtte"), ("", "ikke registrert"))


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
        "committees": [committee_layout(body) for body in snapshot["committees"]],
        "plans": [
            {
                **plan,
                "chart": mark_safe(plan["chart"]),  # noqa: S308
                "areas": [
                    {"name": area["name"], "measures": measures_changed(area["changes"])}
                    for area in plan["areas"]
                ],
            }
            for plan in snapshot["portfolio"]
        ],
    }
    return render_pdf(TEMPLATE, context)


def committee_layout(body: dict) -> dict:
    """The committee with its meetings' days ("28.3.") and each representative's attendance
    in words; `marked` is false where no meeting has a mark for anyone (the year's attendance
    is not recorded, and nobody left), so the table says so once instead of in every row."""
    days = [day_of(short) for short in body["meeting_dates"]]
    return {
        **body,
        "meeting_days": days,
        "meeting_days_text": listing(days),
        "marked": any(any(member["marks"]) for member in body["members"]),
        "members": [
            {**member, "attendance": attendance(member["marks"], days)}
            for member in body["members"]
        ],
    }


def day_of(short_date: str) -> str:
    """A meeting's day without the year the report is about: "28.3.19" -> "28.3."."""
    return short_date.rsplit(".", 1)[0] + "."


def attendance(marks: list[str], days: list[str]) -> str:
    """A representative's attendance from their marks per meeting (assembly.attendance_marks):
    the meetings they were present at of those with a registration while they were a member,
    then the days of the others. "8 av 8"; "6 av 8 (forfall 10.3. og 15.9.)"; "1 av 1 (sluttet
    før 4.6.)" for one who left before the meeting of 4.6.; "1 av 1 (ikke registrert 28.3.)"
    where nothing is recorded for a meeting, "Ikke registrert 28.3. og 12.12." where nothing is
    recorded at all. "" without meetings."""
    if not marks:
        return ""
    held = marks.index(LEFT) if LEFT in marks else len(marks)
    marked = {
        mark: [day for day, at in zip(days, marks[:held], strict=False) if at == mark]
        for mark in (PRESENT, ABSENT, DEPUTY_MET, "")
    }
    notes = [f"{label} {listing(marked[mark])}" for mark, label in NOTED_MARKS if marked[mark]]
    if held < len(marks):
        notes.append(f"sluttet før {days[held]}")
    registered = held - len(marked[""])
    if not registered:
        text = "; ".join(notes)
        return text[:1].upper() + text[1:]
    summary = f"{len(marked[PRESENT])} av {registered}"
    return f"{summary} ({'; '.join(notes)})" if notes else summary


def measures_changed(changes: list[dict]) -> list[dict]:
    """A focus area's status changes a measure at a time, in the snapshot's order: the measure
    and its changes per column ("2024: Ingen status → Under arbeid")."""
    return [
        {"measure": measure, "changes": list(group)}
        for (_, measure), group in groupby(
            changes, key=lambda change: (change.get("group"), change["measure"])
        )
    ]
