"""What meetings have waiting for a person on the front page (helsefellesskap/waiting.py):
minutes of past meetings their body has not approved yet (for the body's leader or sekretær),
their own open follow-ups, and the next meetings of their bodies."""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import ngettext

from helsefellesskap.waiting import Task, Viewer, counted_step

from .models import FollowUp, Meeting, Minutes

NEXT_MEETINGS = 3
WHEN_FORMAT = r"j.n.Y \k\l. H.i"  # 12.12.2026 kl. 09.00


def meeting_tasks(viewer: Viewer) -> list[Task]:
    return [*_minutes_to_approve(viewer), *_own_follow_ups(viewer), *_next_meetings(viewer)]


def _minutes_to_approve(viewer: Viewer) -> list[Task]:
    if not viewer.led_body_ids:
        return []
    return counted_step(
        Meeting.objects.not_cancelled().filter(
            Q(minutes__isnull=True) | Q(minutes__status=Minutes.Status.DRAFT),
            body_id__in=viewer.led_body_ids,
            starts_at__lt=timezone.now(),
        ),
        "%(count)d referat venter på godkjenning",
        "%(count)d referater venter på godkjenning",
        one_url=lambda pk: reverse("meetings:minutes", args=[pk]),
        list_url=reverse("meetings:meeting_list"),
    )


def _own_follow_ups(viewer: Viewer) -> list[Task]:
    if viewer.person is None:
        return []
    counts = (
        FollowUp.objects.open()
        .filter(responsible_person=viewer.person)
        .aggregate(open=Count("pk"), overdue=Count("pk", filter=Q(due_on__lt=viewer.day)))
    )
    if not counts["open"]:
        return []
    text = ngettext(
        "%(count)d oppfølging er ditt ansvar",
        "%(count)d oppfølginger er ditt ansvar",
        counts["open"],
    ) % {"count": counts["open"]}
    detail = (
        ngettext(
            "%(count)d har passert fristen", "%(count)d har passert fristen", counts["overdue"]
        )
        % {"count": counts["overdue"]}
        if counts["overdue"]
        else ""
    )
    return [
        Task(text=text, url=reverse("meetings:followup_list"), count=counts["open"], detail=detail)
    ]


def _next_meetings(viewer: Viewer) -> list[Task]:
    if not viewer.body_ids:
        return []
    meetings = (
        Meeting.objects.not_cancelled()
        .filter(body_id__in=viewer.body_ids, starts_at__gte=timezone.now())
        .select_related("body")
        .prefetch_related("body__names")
        .order_by("starts_at")[:NEXT_MEETINGS]
    )
    return [
        Task(
            text=f"Neste møte: {meeting.body_name} {_when(meeting)}",
            url=meeting.get_absolute_url(),
        )
        for meeting in meetings
    ]


def _when(meeting: Meeting) -> str:
    return date_format(timezone.localtime(meeting.starts_at), WHEN_FORMAT)
