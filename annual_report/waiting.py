"""What the annual report has for a person on the front page (helsefellesskap/waiting.py):
drafts waiting for an approval to be recorded (the secretariat), and the latest published
report (everyone)."""

from django.db.models import F, Max, Q
from django.urls import reverse
from django.utils.translation import ngettext

from helsefellesskap.permissions import is_secretariat
from helsefellesskap.waiting import Task, Viewer

from .models import AnnualReport, ReportVersion


def report_tasks(viewer: Viewer) -> list[Task]:
    return [*_drafts_to_approve(viewer), *_latest_published()]


def _drafts_to_approve(viewer: Viewer) -> list[Task]:
    if not is_secretariat(viewer.user):
        return []
    published = ReportVersion.Status.PUBLISHED
    count = (
        AnnualReport.objects.annotate(
            newest=Max("versions__number"),
            newest_published=Max("versions__number", filter=Q(versions__status=published)),
        )
        .filter(Q(newest_published__isnull=True) | Q(newest__gt=F("newest_published")))
        .filter(newest__isnull=False)
        .count()
    )
    if not count:
        return []
    text = ngettext(
        "%(count)d årsrapport venter på godkjenning",
        "%(count)d årsrapporter venter på godkjenning",
        count,
    ) % {"count": count}
    return [Task(text=text, url=reverse("annual_report:report_list"), count=count)]


def _latest_published() -> list[Task]:
    version = (
        ReportVersion.objects.published()
        .select_related("report__sector", "report__body")
        .order_by("-report__year", "-approved_on", "-pk")
        .first()
    )
    if version is None:
        return []
    return [
        Task(text=f"{version.report.title} er publisert", url=version.report.get_absolute_url())
    ]
