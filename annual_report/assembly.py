"""The year's figures and tables for a report's scope, as plain data: the snapshot a version is
laid out from.

    snapshot = assemble(report)

Everything is read through the apps' own QuerySets, in a fixed number of queries whatever the
number of meetings, items and people; dates and amounts are formatted here, so the snapshot is
JSON and a published version can be laid out again from it without reading the data anew.

Where the portal holds only part of a year (old years entered from an earlier report), the
report prints the totals the source states (StatedFigures, StatedRoundFigures) and says how
many are registered. A count no source states and no row stands behind is None, printed
"ikke oppgitt": 0 only where the record says zero.
"""

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone

from grants.models import Round
from grants.overview import round_figures
from helsefellesskap.formatting import duration, listing, nok
from helsefellesskap.models import (
    Body,
    CompositionRequirement,
    Membership,
    composition_gaps,
    composition_status,
)
from meetings.models import Attendance, FollowUp, Item, Meeting
from portfolio.grid import PlanGrid, changes_between
from portfolio.models import Plan, Status
from portfolio.overview import STATUS_LABELS, STATUS_ORDER, status_chart, status_counts

from . import charts
from .models import (
    AnnualReport,
    StatedFigures,
    StatedRoundFigures,
    partnership_name,
)

# Committees get the full treatment (mandate, representatives and attendance, items); networks,
# dialogue meetings and other forums are reported by their meetings' dates, places, themes
# and turnout.
COMMITTEE_KINDS = {
    Body.Kind.PARTNERSHIP_MEETING,
    Body.Kind.STRATEGIC_COMMITTEE,
    Body.Kind.WORKING_COMMITTEE,
    Body.Kind.LOCAL_COMMITTEE,
    Body.Kind.COUNCIL,
}
ITEM_KIND_HEADINGS = [
    (Item.Kind.DECISION, "Vedtakssaker"),
    (Item.Kind.DISCUSSION, "Temasaker"),
    (Item.Kind.INFORMATION, "Orienteringssaker"),
]
# The seed's attendance marks.
PRESENT, ABSENT, DEPUTY_MET, LEFT = "x", "-", "(vara)", "Sluttet"
ROLE_ORDER = {Membership.Role.LEADER: 0, Membership.Role.SECRETARY: 2}
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class Period:
    year: int

    @property
    def first(self) -> date:
        return date(self.year, 1, 1)

    @property
    def last(self) -> date:
        return date(self.year, 12, 31)

    def last_day_of(self, body: Body) -> date:
        """The last day of the year the body existed."""
        return min(self.last, body.dissolved) if body.dissolved else self.last

    def moment(self, day: date) -> datetime:
        """The start of a day in the portal's time zone."""
        return timezone.make_aware(datetime.combine(day, time.min))


def assemble(report: AnnualReport) -> dict:
    period = Period(report.year)
    bodies = scope_bodies(report, period)
    scope_label = report.scope_label
    body_ids = [body.pk for body in bodies]
    meetings = list(
        Meeting.objects.in_year(period.year)
        .filter(body__in=body_ids)
        .order_by("starts_at", "pk")
        .only(
            "body_id",
            "starts_at",
            "ends_at",
            "location",
            "theme",
            "notice_text",
            "participant_count",
        )
    )
    activity = BodyActivity.load(body_ids, meetings, period)
    committees, networks = [], []
    for body in bodies:
        if body.kind in COMMITTEE_KINDS:
            committees.append(committee_section(body, activity))
        else:
            networks.append(network_section(body, activity))
    reported = [section for section in committees + networks if section["meeting_count"]]
    portfolio = portfolio_sections(report, body_ids, period)
    grants = grant_sections(report, period)
    follow_ups = open_follow_ups(body_ids, period)
    return {
        "title": f"Årsrapport {period.year} – {scope_label}",
        "year": period.year,
        "scope_label": scope_label,
        "organisation": organisation_in(period),
        "generated_on": long_date(timezone.localdate()),
        "has_data": bool(meetings or activity.stated or portfolio or grants or follow_ups),
        "texts": {
            "introduction": text_blocks(report.introduction),
            "highlights": text_blocks(report.highlights),
            "other_activities": text_blocks(report.other_activities),
        },
        "any_stated": any(
            section["meetings_stated"] or section["items_stated"] for section in reported
        ),
        "totals": {
            "bodies": len(reported),
            "meetings": sum(section["meeting_count"] for section in reported),
            "items": sum(section["item_count"] or 0 for section in reported),
            "items_unknown": sum(1 for section in reported if section["item_count"] is None),
        },
        "bodies_chart": charts.bodies_chart(reported) if reported else "",
        "committees": committees,
        "networks": networks,
        "portfolio": portfolio,
        "grants": grants,
        "follow_ups": follow_ups,
        "stated_approvals": [
            {
                "body": approval.body,
                "date": long_date(approval.date) if approval.date else "",
                "remark": approval.remark,
                "source": approval.source,
            }
            for approval in report.stated_approvals.all()
        ]
        if report.pk
        else [],
    }


def scope_bodies(report: AnnualReport, period: Period) -> list[Body]:
    """The bodies the report covers, in the order of the body tree, that existed in the year,
    with their earlier names loaded (`body_heading` names them as they were named then)."""
    bodies = list(Body.objects.with_names().order_by("position", "name"))
    children = defaultdict(list)
    for body in bodies:
        children[body.parent_id].append(body)
    known = {body.pk for body in bodies}
    roots = [body for body in bodies if body.parent_id not in known]

    def subtree(body):
        yield body
        for child in children[body.pk]:
            yield from subtree(child)

    in_tree_order = [body for root in roots for body in subtree(root)]
    if report.body_id:
        top = next(body for body in bodies if body.pk == report.body_id)
        wanted = {body.pk for body in subtree(top)}
    elif report.sector_id:
        wanted = {
            member.pk
            for body in bodies
            if body.sector_id == report.sector_id
            for member in subtree(body)
        }
    else:
        wanted = known
    return [
        body
        for body in in_tree_order
        if body.pk in wanted and body.existed_during(period.first, period.last)
    ]


def organisation_in(period: Period) -> str:
    """«Helsefellesskap Oslo» from the year it was established; before it, the structure's
    name in the sources of the time (Årsrapport 2019, Ahus-sektoren)."""
    return partnership_name(period.last, Body.objects.partnership_established())


@dataclass
class BodyActivity:
    """The year's memberships, meetings, attendance, items and stated figures per body."""

    period: Period
    memberships: dict
    meetings: dict
    attendance: dict
    deputised: set
    items: dict
    stated: dict
    requirements: dict

    @classmethod
    def load(cls, body_ids, meetings, period: Period) -> "BodyActivity":
        memberships = defaultdict(list)
        for membership in (
            Membership.objects.active_during(period.first, period.last)
            .filter(body__in=body_ids)
            .select_related("person__organisation", "organisation")
            .order_by("pk")
        ):
            memberships[membership.body_id].append(membership)
        by_body = defaultdict(list)
        for meeting in meetings:
            by_body[meeting.body_id].append(meeting)
        attendance, deputised = {}, set()
        for meeting_id, person_id, status, deputy_for_id in Attendance.objects.filter(
            meeting__in=meetings
        ).values_list("meeting_id", "person_id", "status", "deputy_for_id"):
            attendance[meeting_id, person_id] = status
            if status == Attendance.Status.DEPUTY and deputy_for_id:
                deputised.add((meeting_id, deputy_for_id))
        items = defaultdict(list)
        for item in (
            Item.objects.filter(meeting__in=meetings)
            .order_by("meeting__starts_at", "position", "number")
            .values("meeting__body_id", "kind", "title")
        ):
            items[item["meeting__body_id"]].append(item)
        stated = {
            figures.body_id: figures
            for figures in StatedFigures.objects.filter(year=period.year, body__in=body_ids)
        }
        requirements = defaultdict(list)
        for requirement in CompositionRequirement.objects.in_force_during(
            period.first, period.last
        ).filter(body__in=body_ids):
            requirements[requirement.body_id].append(requirement)
        return cls(period, memberships, by_body, attendance, deputised, items, stated, requirements)

    def counts(self, body: Body) -> dict:
        meetings = self.meetings[body.pk]
        stated = self.stated.get(body.pk)
        items = self.items[body.pk]
        return {
            "registered_meetings": len(meetings),
            "registered_items": len(items),
            "meeting_count": stated_or(stated, "meeting_count", len(meetings)),
            "item_count": stated_or(stated, "item_count", len(items)),
            "meetings_stated": stated is not None and stated.meeting_count is not None,
            "items_stated": stated is not None and stated.item_count is not None,
            "meeting_length": (stated and stated.meeting_length) or average_length(meetings),
            "length_stated": bool(stated and stated.meeting_length),
            # A sum of the registered meetings only where they are all the year's meetings.
            "total_length": "" if stated else total_length(meetings),
            "average_attendance": stated.average_attendance if stated else None,
            "stated_note": text_blocks(stated.note) if stated else [],
            "stated_source": stated.source if stated else "",
        }


def stated_or(stated, field, registered):
    """The stated count, else the rows counted; None (not known) where a source covers the
    year but states no count and no row is registered."""
    value = getattr(stated, field, None) if stated else None
    if value is not None:
        return value
    return None if stated and not registered else registered


def committee_section(body: Body, activity: BodyActivity) -> dict:
    meetings = activity.meetings[body.pk]
    memberships = sorted(
        activity.memberships[body.pk],
        key=lambda m: (ROLE_ORDER.get(m.role, 1), m.pk),
    )
    return {
        **body_heading(body, activity.period),
        **activity.counts(body),
        "mandate": text_blocks(body.mandate),
        "secretariat": body.secretariat,
        "leaders": names_with_role(memberships, Membership.Role.LEADER),
        "secretaries": names_with_role(memberships, Membership.Role.SECRETARY),
        "meeting_dates": [short_date(meeting.date) for meeting in meetings],
        "members": [
            {
                "name": group[0].person.name,
                "position": position,
                "marks": attendance_marks(group, meetings, activity),
            }
            for position, group in representatives(memberships)
        ],
        "items_by_kind": items_by_kind(activity.items[body.pk]),
        "composition": composition(body, activity),
    }


def composition(body: Body, activity: BodyActivity) -> dict | None:
    """The composition requirements in force at the end of the year (or on the body's last
    day, or today for the running year) and what the members that day left unfilled, in the
    words of the body page: «Mangler brukerrepresentant», «Ledig plass: …»."""
    period = activity.period
    day = max(period.first, min(period.last, body.dissolved or period.last, timezone.localdate()))
    requirements = [r for r in activity.requirements[body.pk] if r.is_in_force_on(day)]
    if not requirements:
        return None
    members = [m for m in activity.memberships[body.pk] if m.is_active_on(day)]
    statuses = composition_status(requirements, members)
    return {
        "day": long_date(day),
        "demands": [status.requirement.demand for status in statuses],
        "gaps": composition_gaps(statuses),
        "sources": list(dict.fromkeys(r.source for r in requirements if r.source)),
    }


def network_section(body: Body, activity: BodyActivity) -> dict:
    counts = activity.counts(body)
    stated = activity.stated.get(body.pk)
    # Their meetings are often entered with the day only: the length is what a source states.
    counts["meeting_length"] = stated.meeting_length if stated else ""
    counts["total_length"] = ""
    return {
        **body_heading(body, activity.period),
        **counts,
        "mandate": text_blocks(body.mandate),
        "meetings": [
            {
                "date": long_date(meeting.date),
                "location": meeting.location,
                "theme": meeting.theme,
                "topics": list(filter(None, map(str.strip, meeting.notice_text.splitlines()))),
                "participants": meeting.participant_count,
            }
            for meeting in activity.meetings[body.pk]
        ],
    }


def body_heading(body: Body, period: Period) -> dict:
    """The body as it was named at the end of the year (or when it was closed), and the other
    names it had during the year («Het Direktørmøtet til 31.5.2021»)."""
    last = period.last_day_of(body)
    name = body.name_on(last)
    others = [
        f"{period_name.name} til {long_date(period_name.valid_to)}"
        for period_name in body.names_over_time()
        if period_name.valid_to
        and period.first <= period_name.valid_to < last
        and period_name.name != name
    ]
    return {
        "anchor": f"organ-{body.pk}",
        "name": name,
        "names_in_year": others,
        "kind": body.get_kind_display(),
    }


def names_with_role(memberships, role) -> str:
    """«A», «A og B», «A, B og C»."""
    return listing(dict.fromkeys(m.person.name for m in memberships if m.role == role))


def representatives(memberships) -> list[tuple[str, list[Membership]]]:
    """One row per person and position, in the order of their first membership: a member who
    became the leader in the year (Bovild Tjønn in SSU, 2025) is one representative, not two
    rows alike."""
    rows = {}
    for membership in memberships:
        position = position_text(membership)
        rows.setdefault((membership.person_id, position), (position, []))[1].append(membership)
    return list(rows.values())


def position_text(membership: Membership) -> str:
    text = membership.position or membership.person.title_and_organisation
    if membership.role == Membership.Role.DEPUTY:
        text = f"{text} (vara)".strip()
    return text


def attendance_marks(memberships, meetings, activity: BodyActivity) -> list[str]:
    """One mark per meeting for a person's memberships in the body: x present, - absent,
    (vara) a deputy met in their place, "Sluttet" at the first meeting after they left and -
    at the later ones (as the sectors' reports mark them: "x Sluttet - -"); empty where
    nothing is known or they were not (yet) a member."""
    marks, left_marked = [], False
    person_id = memberships[0].person_id
    for meeting in meetings:
        day = meeting.date
        if all(m.end and m.end < day for m in memberships):
            marks.append(ABSENT if left_marked else LEFT)
            left_marked = True
        elif not any(m.start <= day and not (m.end and m.end < day) for m in memberships):
            marks.append("")
        elif (meeting.pk, person_id) in activity.deputised:
            marks.append(DEPUTY_MET)
        else:
            status = activity.attendance.get((meeting.pk, person_id))
            marks.append(
                "" if status is None else ABSENT if status == Attendance.Status.ABSENT else PRESENT
            )
    return marks


def items_by_kind(items) -> list[dict]:
    return [
        {"heading": heading, "titles": titles}
        for kind, heading in ITEM_KIND_HEADINGS
        if (titles := [item["title"] for item in items if item["kind"] == kind])
    ]


def average_length(meetings) -> str:
    """The meetings' length computed from their times, in hours and minutes ("2 t 20 min")."""
    if not meetings:
        return ""
    return duration(sum((m.ends_at - m.starts_at for m in meetings), timedelta()) / len(meetings))


def total_length(meetings) -> str:
    """The year's meetings together, from their times; only worth saying for more than one."""
    if len(meetings) < 2:
        return ""
    return duration(sum((m.ends_at - m.starts_at for m in meetings), timedelta()))


def portfolio_sections(report: AnnualReport, body_ids, period: Period) -> list[dict]:
    """Per plan with a column for the year: the status per focus area at the end of the year,
    and what changed status during it."""
    plans = Plan.objects.with_related().filter(columns__year=period.year)
    if report.sector_id or report.body_id:
        plans = plans.filter(body__in=body_ids)
    else:
        plans = plans.filter(body__isnull=True)
    start = period.moment(period.first)
    end = min(period.moment(period.last + timedelta(days=1)), timezone.now())
    sections = []
    for plan in plans.distinct().order_by("title", "pk"):
        before, after = PlanGrid.as_of(plan, start), PlanGrid.as_of(plan, end)
        column = next(column for column in after.columns if column.year == period.year)
        rows = status_counts(after, column)
        areas = status_changes(before, after)
        sections.append(
            {
                "title": plan.title,
                "column": column.heading,
                "status_labels": [STATUS_LABELS[status] for status in STATUS_ORDER],
                "rows": [
                    {"area": row.area_name, "counts": row.ordered_counts, "total": row.total}
                    for row in rows
                ],
                "chart": charts.status_chart_svg(status_chart(rows), column.heading)
                if any(row.total for row in rows)
                else "",
                "areas": areas,
                "change_count": sum(len(area["changes"]) for area in areas),
                "completed_count": sum(
                    1 for area in areas for change in area["changes"] if change["completed"]
                ),
            }
        )
    return sections


def status_changes(before: PlanGrid, after: PlanGrid) -> list[dict]:
    areas = []
    for area in changes_between(before, after):
        changes = [
            {
                "measure": difference.measure_name,
                "group": difference.group_name,
                "column": difference.column.heading,
                "before": status_label(difference.before),
                "after": status_label(difference.after),
                "completed": bool(difference.after and difference.after.status == Status.COMPLETED),
            }
            for difference in area.differences
            if status_of(difference.before) != status_of(difference.after)
        ]
        if changes:
            areas.append({"name": area.name, "changes": changes})
    return areas


def status_of(cell) -> str:
    return cell.status if cell else ""


def status_label(cell) -> str:
    return STATUS_LABELS[status_of(cell)]


def grant_sections(report: AnnualReport, period: Period) -> list[dict]:
    """The year's grant rounds: allocation, asked, prioritised and granted per sector and focus
    area. A sector's report shows its own sector; a body's report its LSU's sector, if any."""
    sector_id = report.sector_id or (report.body.sector_id if report.body_id else None)
    if report.body_id and report.body.kind != Body.Kind.LOCAL_COMMITTEE:
        return []
    rounds = list(Round.objects.filter(year=period.year).select_related("scheme").order_by("pk"))
    stated = {
        figures.round_id: figures
        for figures in StatedRoundFigures.objects.filter(round__in=[r.pk for r in rounds])
    }
    return [round_section(round, sector_id, stated.get(round.pk)) for round in rounds]


def round_section(round: Round, sector_id, stated: StatedRoundFigures | None) -> dict:
    """One round's figures per sector and focus area. Where the portal holds none of the round's
    applications, the counts are what a source states ("ikke oppgitt" where it states none),
    not sums of nothing."""
    overview = round_figures(round)
    sectors = [row for row in overview.sectors if sector_id is None or row.pk == sector_id]
    if sector_id is None:
        areas = [(row.area.name, row.figures) for row in overview.areas]
    else:
        names = {area.pk: area.name for area in overview.area_columns}
        areas = [
            (names[area_id], figures)
            for sector in sectors
            for area_id, figures in sector.by_area.items()
        ]
    return {
        "name": str(round),
        "has_applications": any(row.figures.asked_count for row in sectors),
        "sectors": [
            {
                "name": row.name,
                "allocation": nok(row.allocation),
                "remaining": nok(row.remaining),
                **figure_texts(row.figures),
            }
            for row in sectors
        ],
        "areas": [{"name": name, **figure_texts(figures)} for name, figures in areas],
        # A sector's report shows a round's stated counts only if the round covers the sector.
        "stated": stated_round_texts(stated) if stated and sectors else None,
    }


def stated_round_texts(stated: StatedRoundFigures) -> dict:
    return {
        "received": stated.received_count,
        "prioritised": stated.prioritised_count,
        "prioritised_by": stated.prioritised_by,
        "prioritised_on": long_date(stated.prioritised_on) if stated.prioritised_on else "",
        "decided": stated.decided_count,
        "regional_frame": stated.regional_frame,
        "source": stated.source,
    }


def figure_texts(figures) -> dict:
    return {
        "asked": nok(figures.asked),
        "asked_count": figures.asked_count,
        "prioritised": nok(figures.prioritised),
        "prioritised_count": figures.prioritised_count,
        "granted": nok(figures.granted),
        "granted_count": figures.granted_count,
    }


def open_follow_ups(body_ids, period: Period) -> list[dict]:
    """Follow-ups from the scope's meetings up to the end of the year that were still open then:
    they are carried into the next year."""
    follow_ups = (
        FollowUp.objects.with_related()
        .prefetch_related("item__meeting__body__names")
        .filter(
            item__meeting__body__in=body_ids,
            item__meeting__starts_at__lt=period.moment(period.last + timedelta(days=1)),
        )
        .filter(~Q(status=FollowUp.Status.DONE) | Q(done_on__gt=period.last))
        .order_by("item__meeting__starts_at", "due_on", "pk")
    )
    return [
        {
            "item": f"Sak {follow_up.item.label}",
            "body": follow_up.item.meeting.body_name,
            "meeting_date": long_date(follow_up.item.meeting.date),
            "title": follow_up.title,
            "responsible": follow_up.responsible,
            "due": long_date(follow_up.due_on) if follow_up.due_on else "",
        }
        for follow_up in follow_ups
    ]


def text_blocks(text: str) -> list[dict]:
    """Plain text as paragraphs and bullet lists: a blank line starts a new paragraph, a line
    starting with "- " or "• " is a bullet, and a line right after a bullet continues it.
    Control characters are dropped; the template escapes the rest, so no markup a user types
    reaches the PDF."""
    text = CONTROL_CHARACTERS.sub("", text.replace("\r\n", "\n"))
    return [block for chunk in re.split(r"\n\s*\n", text) for block in _chunk_blocks(chunk)]


def _chunk_blocks(chunk: str) -> list[dict]:
    blocks = []
    for line in filter(None, (line.strip() for line in chunk.split("\n"))):
        bullet = re.match(r"^[-•]\s+(.*)", line)
        if bullet:
            if not blocks or blocks[-1]["kind"] != "ul":
                blocks.append({"kind": "ul", "items": []})
            blocks[-1]["items"].append(bullet[1])
        elif blocks and blocks[-1]["kind"] == "ul":
            blocks[-1]["items"][-1] += f" {line}"
        elif blocks:
            blocks[-1]["text"] += f" {line}"
        else:
            blocks.append({"kind": "p", "text": line})
    return blocks


def short_date(day: date) -> str:
    """A meeting's date in the snapshot, as the sectors' attendance tables head their columns:
    28.3.19 (the PDF names the days without the year: document.day_of)."""
    return f"{day.day}.{day.month}.{day.year % 100:02d}"


def long_date(day: date) -> str:
    return f"{day.day}.{day.month}.{day.year}"
