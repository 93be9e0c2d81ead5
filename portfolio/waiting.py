"""What the plan has for a person on the front page (helsefellesskap/waiting.py): the measures
a body they lead (leader or sekretær) is responsible for, to keep their status up to date,
with a link to the plan showing just those."""

from django.db.models import Count
from django.utils.translation import ngettext

from helsefellesskap.waiting import Task, Viewer

from .models import Measure, Plan


def plan_tasks(viewer: Viewer) -> list[Task]:
    if not viewer.led_body_ids:
        return []
    rows = (
        Measure.objects.filter(responsible_body_id__in=viewer.led_body_ids)
        .values("group__area__plan_id", "group__area__plan__title", "responsible_body_id")
        .annotate(count=Count("pk"))
        .order_by("group__area__plan__title", "responsible_body_id")
    )
    return [
        Task(
            text=ngettext(
                "%(count)d tiltak i %(plan)s er ditt organs ansvar",
                "%(count)d tiltak i %(plan)s er ditt organs ansvar",
                row["count"],
            )
            % {"count": row["count"], "plan": row["group__area__plan__title"]},
            url=f"{Plan(pk=row['group__area__plan_id']).get_absolute_url()}"
            f"?ansvarlig={row['responsible_body_id']}",
            count=row["count"],
            detail="Hold statusen oppdatert",
        )
        for row in rows
    ]
