"""{% body_meetings body %}: a body's coming and latest past meetings on the body's page.

The register's page (helsefellesskap) knows no feature app: its template loads this tag, so
the meetings app answers for its own part. Bounded: the next COMING meetings and the latest
PAST ones, with a link to all of the body's meetings; two queries whatever the history.
"""

from django import template
from django.urls import reverse
from django.utils import timezone

from ..models import Meeting

COMING, PAST = 10, 5

register = template.Library()


@register.inclusion_tag("meetings/_body_meetings.html", takes_context=True)
def body_meetings(context, body):
    now = timezone.now()
    meetings = (
        Meeting.objects.filter(body=body)
        .select_related("body", "minutes")
        .prefetch_related("body__names")
    )
    user = context["request"].user
    return {
        "body": body,
        "coming": list(meetings.filter(starts_at__gte=now).order_by("starts_at")[:COMING]),
        "past": list(meetings.filter(starts_at__lt=now).order_by("-starts_at")[:PAST]),
        "all_url": f"{reverse('meetings:meeting_list')}?organ={body.pk}",
        "create_url": f"{reverse('meetings:meeting_create')}?organ={body.pk}"
        if user.has_perm("meetings.change_meeting", Meeting(body=body))
        else "",
    }
