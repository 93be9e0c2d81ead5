"""The portal's main pages, addressed on the synthetic data, each with the Django admin change
list that shows the same kind of rows: what `make bench` times and the scale tests count
queries on. Pages are found by URL name, never by importing views.

The objects are picked the same way at every size: the newest year's plan, the busiest
meeting of that year, and so on, so that one and ten years of data give the same page shape.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from grants.models import Application, Round
from helsefellesskap.models import Body, Person
from meetings.models import Meeting
from portfolio.models import Plan

from .common import MARKER
from .register import place_name

FLOOR = "floor"


@dataclass(frozen=True)
class Page:
    name: str
    url: str
    admin_url: str  # the admin change list of the comparable rows ("" for none)


def _admin(model: str, **filters) -> str:
    app, name = model.split(".")
    url = reverse(f"admin:{app}_{name}_changelist")
    if filters:
        url += "?" + "&".join(f"{key}={value}" for key, value in filters.items())
    return url


def main_pages(year: int | None = None) -> list[Page]:
    """The main pages on the synthetic data of the first partnership, in `year` (default: the
    newest year with a plan)."""
    plans = Plan.objects.filter(title__endswith=MARKER).order_by("dated", "pk")
    plan = plans.filter(dated__year=year).first() if year else plans.last()
    year = plan.dated.year
    partnership = Body.objects.filter(name__endswith=f"– {place_name(0)} {MARKER}")
    ssu = partnership.filter(kind=Body.Kind.STRATEGIC_COMMITTEE).first()
    meeting = _busiest_meeting(partnership, year)
    person = _most_seated_member(ssu)
    round = Round.objects.filter(scheme__name__endswith=MARKER, year=year).order_by("pk").first()
    application = (
        Application.objects.filter(round=round).exclude(state="utkast").order_by("pk").first()
    )
    return [
        *_register_pages(ssu, person),
        *_plan_pages(plan, year),
        *_meeting_pages(meeting, year),
        *_grant_pages(round, application),
        Page(
            "annual report list",
            reverse("annual_report:report_list"),
            _admin("annual_report.annualreport"),
        ),
    ]


def _busiest_meeting(bodies, year: int) -> Meeting:
    """The year's meeting with minutes and the most items (the earliest of equals)."""
    return (
        Meeting.objects.filter(body__in=bodies, starts_at__year=year, minutes__isnull=False)
        .annotate(n=Count("items"))
        .order_by("-n", "starts_at", "pk")
        .first()
    )


def _most_seated_member(body: Body) -> Person:
    """The member of `body` with the most memberships (the oldest of equals)."""
    return (
        Person.objects.filter(memberships__body=body)
        .annotate(n=Count("memberships"))
        .order_by("-n", "pk")
        .first()
    )


def _register_pages(ssu: Body, person: Person) -> list[Page]:
    return [
        Page("home", reverse("home"), reverse("admin:index")),
        Page("body tree", reverse("body_tree"), _admin("helsefellesskap.body")),
        Page(
            "body page",
            reverse("body_detail", args=[ssu.pk]),
            _admin("meetings.meeting", body__id__exact=ssu.pk),
        ),
        Page("person list", reverse("person_list"), _admin("helsefellesskap.person")),
        Page(
            "person page",
            reverse("person_detail", args=[person.pk]),
            _admin("helsefellesskap.membership"),
        ),
        Page(
            "organisation list",
            reverse("organisation_list"),
            _admin("helsefellesskap.organisation"),
        ),
    ]


def _plan_pages(plan: Plan, year: int) -> list[Page]:
    # Mid-year, or today in the first half of the newest year: the plan has no future to show.
    mid_year = min(datetime.date(year, 6, 15), timezone.localdate())
    as_of = mid_year.strftime("%d.%m.%Y")
    changes = f"fra=01.01.{year}&til={as_of}"
    plan_cells = _admin("portfolio.cell", column__plan__id__exact=plan.pk)
    return [
        Page("plan list", reverse("portfolio:plan_list"), _admin("portfolio.plan")),
        Page("plan page", plan.get_absolute_url(), plan_cells),
        Page("plan as of", f"{plan.get_absolute_url()}?dato={as_of}", plan_cells),
        Page(
            "plan changes",
            f"{reverse('portfolio:plan_changes', args=[plan.pk])}?{changes}",
            plan_cells,
        ),
        Page(
            "plan overview",
            reverse("portfolio:plan_overview", args=[plan.pk]),
            plan_cells,
        ),
    ]


def _meeting_pages(meeting: Meeting, year: int) -> list[Page]:
    return [
        Page(
            "meeting list",
            f"{reverse('meetings:meeting_list')}?aar={year}",
            _admin("meetings.meeting"),
        ),
        Page(
            "meeting page",
            meeting.get_absolute_url(),
            _admin("meetings.item", body__id__exact=meeting.body_id),
        ),
        Page(
            "year wheel",
            f"{reverse('meetings:year_wheel')}?aar={year}",
            _admin("meetings.activity"),
        ),
        Page("follow-ups", reverse("meetings:followup_list"), _admin("meetings.followup")),
        Page(
            "search",
            f"{reverse('meetings:search')}?q=legemiddelsamstemming",
            _admin("meetings.item", q="legemiddelsamstemming"),
        ),
    ]


def _grant_pages(round: Round, application: Application) -> list[Page]:
    applications = _admin("grants.application", round__id__exact=round.pk)
    return [
        Page("round list", reverse("grants:round_list"), _admin("grants.round")),
        Page("round page", reverse("grants:round_detail", args=[round.pk]), applications),
        Page("application page", application.get_absolute_url(), applications),
        Page("compilation", reverse("grants:compilation", args=[round.pk]), applications),
    ]
