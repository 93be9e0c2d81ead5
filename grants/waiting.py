"""What the grant round has waiting for a person on the front page
(helsefellesskap/waiting.py): applications to prioritise (an LSU's leader or sekretær), to
recommend (SSU's members), to decide (the decision makers), their own drafts, and open rounds
with their deadline (LSU members)."""

from django.db.models import Count, Exists, Max
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import ngettext

from helsefellesskap.models import Body
from helsefellesskap.permissions import is_decision_maker
from helsefellesskap.waiting import Task, Viewer, counted_step

from .models import Application, Round


def grant_tasks(viewer: Viewer) -> list[Task]:
    return [
        *_to_prioritise(viewer),
        *_to_recommend(viewer),
        *_to_decide(viewer),
        *_own_drafts(viewer),
        *_open_rounds(viewer),
    ]


def _to_prioritise(viewer: Viewer) -> list[Task]:
    if not viewer.led_body_ids:
        return []
    rows = (
        Application.objects.filter(
            state=Application.State.SUBMITTED,
            sector__bodies__pk__in=viewer.led_body_ids,
            sector__bodies__kind=Body.Kind.LOCAL_COMMITTEE,
        )
        .values("round_id", "sector_id")
        .annotate(count=Count("pk", distinct=True))
        .order_by("-round_id", "sector_id")
    )
    return [
        Task(
            text=ngettext(
                "%(count)d søknad venter på prioritering",
                "%(count)d søknader venter på prioritering",
                row["count"],
            )
            % {"count": row["count"]},
            url=reverse("grants:prioritisation", args=[row["round_id"], row["sector_id"]]),
            count=row["count"],
        )
        for row in rows
    ]


def _to_recommend(viewer: Viewer) -> list[Task]:
    """For SSU's members (its secretariat included): what the LSUs forwarded and SSU has not
    recommended yet, with a link to the compilation. One query, none for non-members."""
    if not viewer.body_ids:
        return []
    in_ssu = Body.objects.filter(pk__in=viewer.body_ids, kind=Body.Kind.STRATEGIC_COMMITTEE)
    waiting = (
        Application.objects.filter(state=Application.State.FORWARDED)
        .filter(Exists(in_ssu))
        .aggregate(count=Count("pk"), round_id=Max("round_id"))
    )
    if not waiting["count"]:
        return []
    text = ngettext(
        "%(count)d søknad venter på SSUs anbefaling",
        "%(count)d søknader venter på SSUs anbefaling",
        waiting["count"],
    ) % {"count": waiting["count"]}
    url = reverse("grants:compilation", args=[waiting["round_id"]])
    return [Task(text=text, url=url, count=waiting["count"])]


def _to_decide(viewer: Viewer) -> list[Task]:
    if not is_decision_maker(viewer.user):
        return []
    waiting = Application.objects.filter(state__in=Application.TO_DECIDE_STATES).aggregate(
        count=Count("pk"), round_id=Max("round_id")
    )
    if not waiting["count"]:
        return []
    text = ngettext(
        "%(count)d søknad venter på vedtak", "%(count)d søknader venter på vedtak", waiting["count"]
    ) % {"count": waiting["count"]}
    url = reverse("grants:decisions", args=[waiting["round_id"]])
    return [Task(text=text, url=url, count=waiting["count"])]


def _own_drafts(viewer: Viewer) -> list[Task]:
    return counted_step(
        Application.objects.filter(created_by=viewer.user, state=Application.State.DRAFT),
        "%(count)d søknadsutkast er ikke sendt inn",
        "%(count)d søknadsutkast er ikke sendt inn",
        one_url=lambda pk: reverse("grants:application_detail", args=[pk]),
        list_url=reverse("grants:round_list"),
    )


def _open_rounds(viewer: Viewer) -> list[Task]:
    if not viewer.user.has_perm("grants.apply"):
        return []
    rounds = Round.objects.filter(deadline__gte=timezone.now()).select_related("scheme")
    return [
        Task(
            text=f"Søknadsfristen for {round} går ut "
            f"{date_format(timezone.localtime(round.deadline), 'j.n.Y')}",
            url=round.get_absolute_url(),
        )
        for round in rounds.order_by("deadline")[:3]
    ]
