"""The open follow-ups across the meetings, grouped by the body whose meeting left them."""

import datetime
from dataclasses import dataclass

from django.db.models import Q

from helsefellesskap.models import Body

from .models import FollowUp


@dataclass
class BodyFollowUps:
    body: Body
    follow_ups: list[FollowUp]

    @property
    def overdue_count(self) -> int:
        return sum(1 for follow_up in self.follow_ups if follow_up.overdue)


def open_follow_ups_by_body(*, body: Body | None, day: datetime.date) -> list[BodyFollowUps]:
    """Open follow-ups per body, overdue ones first, each marked `overdue` on `day`. With
    `body`: only that body's, those from its meetings and those it is responsible for."""
    follow_ups = FollowUp.objects.open().with_related().overdue_first()
    if body:
        follow_ups = follow_ups.filter(Q(item__meeting__body=body) | Q(responsible_body=body))
    groups: dict[int, BodyFollowUps] = {}
    for follow_up in follow_ups:
        follow_up.overdue = follow_up.is_overdue(day)
        meeting_body = follow_up.item.meeting.body
        groups.setdefault(meeting_body.pk, BodyFollowUps(meeting_body, [])).follow_ups.append(
            follow_up
        )
    return sorted(groups.values(), key=lambda group: (group.body.position, group.body.name))
