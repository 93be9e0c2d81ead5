"""The open follow-ups across the meetings, grouped by the body whose meeting left them.

Bounded whatever the years: the overview shows each body's PER_BODY most urgent follow-ups
with the body's counts and a link to its own list, which is paged (PAGE_SIZE a page). The
counts come from window functions in the same query, so the page asks as many queries and
renders as many rows at ten years as at one."""

import datetime
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Count, F, Q, QuerySet, Window
from django.db.models.functions import RowNumber

from helsefellesskap.models import Body

from .models import FollowUp

PER_BODY = 5  # the overview: a body's most urgent open follow-ups
PAGE_SIZE = 50  # one body's list, a page


@dataclass
class BodyFollowUps:
    body: Body
    follow_ups: list[FollowUp]
    open_count: int  # all of the body's open follow-ups, also those not shown
    overdue_count: int

    @property
    def more(self) -> bool:
        return self.open_count > len(self.follow_ups)


def open_follow_ups(*, body: Body | None, day: datetime.date) -> QuerySet:
    """Open follow-ups in the list's order: by the body whose meeting left them, then overdue
    first (the oldest due date first, those without one last). Each carries its place in its
    body's list and its body's open and overdue counts. With `body`: only that body's, those
    from its meetings and those it is responsible for."""
    follow_ups = FollowUp.objects.open().with_related()
    if body:
        follow_ups = follow_ups.filter(Q(item__meeting__body=body) | Q(responsible_body=body))
    urgency = [F("due_on").asc(nulls_last=True), F("pk").asc()]
    per_body = {"partition_by": [F("item__meeting__body")]}
    return follow_ups.annotate(
        place_in_body=Window(RowNumber(), order_by=urgency, **per_body),
        open_in_body=Window(Count("pk"), **per_body),
        overdue_in_body=Window(Count("pk", filter=Q(due_on__lt=day)), **per_body),
    ).order_by(
        "item__meeting__body__position",
        "item__meeting__body__name",
        "item__meeting__body",
        *urgency,
    )


def open_follow_ups_by_body(*, day: datetime.date) -> list[BodyFollowUps]:
    """The overview: each body's PER_BODY most urgent open follow-ups, with its counts."""
    shown = open_follow_ups(body=None, day=day).filter(place_in_body__lte=PER_BODY)
    return group_by_body(shown, day=day)


def body_follow_ups_page(*, body: Body, day: datetime.date, page: str | None) -> Page:
    """One page of `body`'s open follow-ups (a page number that is not one gives the nearest);
    `group_by_body(page, day=day)` groups it."""
    return Paginator(open_follow_ups(body=body, day=day), PAGE_SIZE).get_page(page)


def group_by_body(follow_ups, *, day: datetime.date) -> list[BodyFollowUps]:
    """Follow-ups from `open_follow_ups(day=day)` (in its order), grouped by their meeting's
    body, each marked `overdue` on `day`."""
    groups: dict[int, BodyFollowUps] = {}
    for follow_up in follow_ups:
        follow_up.overdue = follow_up.is_overdue(day)
        meeting_body = follow_up.item.meeting.body
        group = groups.get(meeting_body.pk)
        if group is None:
            group = groups[meeting_body.pk] = BodyFollowUps(
                meeting_body, [], follow_up.open_in_body, follow_up.overdue_in_body
            )
        group.follow_ups.append(follow_up)
    return list(groups.values())
