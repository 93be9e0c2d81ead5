"""Build (and remove) the synthetic data: a register, yearly plans, meetings and grant rounds
for each of `factor` partnerships, over `years` years ending in the year of `until`."""

import time
from collections.abc import Callable

from django.apps import apps
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q
from django.test.utils import override_settings

from grants.models import Application, Round, Scheme
from helsefellesskap.models import (
    Body,
    CompositionRequirement,
    Membership,
    Organisation,
    Person,
    Sector,
    SectorAssignment,
)
from helsefellesskap.records import guards_lifted
from meetings.models import Activity, Attendance, FollowUp, Item, ItemCounter, Meeting, Minutes
from portfolio.models import Cell, Column, FocusArea, Measure, MeasureGroup, Plan

from .common import MARKER, USERNAME_PREFIX, Sizes
from .grants import build_grants
from .meetings import build_meetings
from .portfolio import build_plans
from .register import build_partnership, secretariat_user

# The workflow's receipts and outcome e-mails would go to the console: not for synthetic data.
QUIET_MAIL = "django.core.mail.backends.dummy.EmailBackend"


def generate(sizes: Sizes, *, log: Callable[[str], None] = lambda _: None) -> dict[str, float]:
    """Write the data in one transaction; returns the seconds each part took."""
    timings: dict[str, float] = {}

    def timed(name, step, *args):
        started = time.perf_counter()
        result = step(*args)
        timings[name] = timings.get(name, 0.0) + time.perf_counter() - started
        return result

    with override_settings(EMAIL_BACKEND=QUIET_MAIL), transaction.atomic():
        user = secretariat_user()
        for number in range(sizes.factor):
            partnership = timed("register", build_partnership, sizes, number)
            plans = timed("portfolio", build_plans, sizes, partnership, user)
            timed("meetings", build_meetings, sizes, partnership, plans, user)
            timed("grants", build_grants, sizes, partnership, plans, user)
            timed("annual_reports", _annual_reports, sizes, partnership)
            log(f"{partnership.name}: ferdig")
    return timings


def _annual_reports(sizes: Sizes, partnership) -> None:
    """A report per sector and finished year, from the year before the data begins (the
    report written on it), so that one year of data lists reports as ten years do. Looked up
    by name: the annual report sits beside this app at the top of the layers, and neither
    imports the other."""
    AnnualReport = apps.get_model("annual_report", "AnnualReport")  # noqa: N806
    for year in range(sizes.first_year - 1, sizes.until.year):
        for sector in partnership.sectors:
            AnnualReport(
                year=year,
                sector=sector,
                introduction=f"Årsrapport for {sector.name} {year}.",
            ).save()


def counts() -> dict[str, int]:
    """How many synthetic rows of each kind there are (the determinism test compares these)."""
    meetings = Meeting.objects.filter(body__name__endswith=MARKER)
    return {
        "organisations": Organisation.objects.filter(name__endswith=MARKER).count(),
        "sectors": Sector.objects.filter(name__endswith=MARKER).count(),
        "bodies": Body.objects.filter(name__endswith=MARKER).count(),
        "people": Person.objects.filter(name__endswith=MARKER).count(),
        "memberships": Membership.objects.filter(body__name__endswith=MARKER).count(),
        "meetings": meetings.count(),
        "items": Item.objects.filter(meeting__in=meetings).count(),
        "attendances": Attendance.objects.filter(meeting__in=meetings).count(),
        "minutes": Minutes.objects.filter(meeting__in=meetings).count(),
        "follow_ups": FollowUp.objects.filter(item__meeting__in=meetings).count(),
        "plans": Plan.objects.filter(title__endswith=MARKER).count(),
        "measures": Measure.objects.filter(group__area__plan__title__endswith=MARKER).count(),
        "cells": Cell.objects.filter(column__plan__title__endswith=MARKER).count(),
        "cell_history": Cell.history.filter(
            measure_id__in=Measure.objects.filter(group__area__plan__title__endswith=MARKER).values(
                "pk"
            )
        ).count(),
        "applications": Application.objects.filter(round__scheme__name__endswith=MARKER).count(),
    }


def delete_synthetic(*, log: Callable[[str], None] = lambda _: None) -> int:
    """Remove every synthetic row and its history records; the real data is not touched.
    Returns the number of rows deleted (history records included)."""
    bodies = Body.objects.filter(name__endswith=MARKER)
    meetings = Meeting.objects.filter(body__in=bodies)
    plans = Plan.objects.filter(title__endswith=MARKER)
    schemes = Scheme.objects.filter(name__endswith=MARKER)
    applications = Application.objects.filter(round__scheme__in=schemes)
    sectors = Sector.objects.filter(name__endswith=MARKER)
    organisations = Organisation.objects.filter(name__endswith=MARKER)
    people = Person.objects.filter(name__endswith=MARKER)
    AnnualReport = apps.get_model("annual_report", "AnnualReport")  # noqa: N806
    # Children before parents; history records before their rows (they are found by id).
    steps = [
        (AnnualReport, AnnualReport.objects.filter(Q(sector__in=sectors) | Q(body__in=bodies))),
        (Application, applications),
        (Round, Round.objects.filter(scheme__in=schemes)),
        (Scheme, schemes),
        (Minutes, Minutes.objects.filter(meeting__in=meetings)),
        (FollowUp, FollowUp.objects.filter(item__meeting__in=meetings)),
        (Attendance, Attendance.objects.filter(meeting__in=meetings)),
        (Item, Item.objects.filter(meeting__in=meetings)),
        (Meeting, meetings),
        (ItemCounter, ItemCounter.objects.filter(body__in=bodies)),
        (Activity, Activity.objects.filter(title__endswith=MARKER)),
        (Cell, Cell.objects.filter(column__plan__in=plans)),
        (Measure, Measure.objects.filter(group__area__plan__in=plans)),
        (MeasureGroup, MeasureGroup.objects.filter(area__plan__in=plans)),
        (FocusArea, FocusArea.objects.filter(plan__in=plans)),
        (Column, Column.objects.filter(plan__in=plans)),
        (Plan, plans),
        (Membership, Membership.objects.filter(body__in=bodies)),
        (CompositionRequirement, CompositionRequirement.objects.filter(body__in=bodies)),
        (Person, people),
        (Body, bodies),
        (SectorAssignment, SectorAssignment.objects.filter(organisation__in=organisations)),
        (Sector, sectors),
        (Organisation, organisations),
    ]
    deleted = 0
    # Synthetic records are removed whole, approved minutes and decided applications with the
    # rest: the only code that lifts the record's guards (helsefellesskap/records.py).
    with override_settings(SIMPLE_HISTORY_ENABLED=False), guards_lifted(), transaction.atomic():
        for model, rows in steps:
            history = getattr(model, "history", None)
            if history is not None:
                deleted += history.filter(id__in=rows.values("pk"))._raw_delete(history.db)
            if model is Body:
                rows.update(parent=None)
            if model is Organisation:
                rows.update(parent=None)
            if model is Minutes:
                rows.update(approved_at_meeting=None, approved_in_item=None)
            count, _ = rows.delete()
            deleted += count
            log(f"{model._meta.verbose_name_plural}: {count}")
        count, _ = User.objects.filter(username__startswith=USERNAME_PREFIX).delete()
        deleted += count
    return deleted
