"""The rounds with their allocations, and the applications as each user may see them."""

from django.http import Http404
from django.urls import reverse
from django.views.generic import DetailView, ListView

from ..models import Application, Round
from ..overview import application_path, round_overview


class RoundListView(ListView):
    queryset = Round.objects.select_related("scheme")
    template_name = "grants/round_list.html"


class RoundDetailView(DetailView):
    """A round: its allocations per sector, and the applications the user may see."""

    queryset = Round.objects.select_related("scheme").prefetch_related(
        "allocations__sector", "invited_areas"
    )
    template_name = "grants/round_detail.html"

    def get_context_data(self, **kwargs):
        applications = (
            Application.objects.visible_to(self.request.user)
            .filter(round=self.object)
            .with_related()
        )
        return super().get_context_data(
            applications=list(applications),
            overview=round_overview(self.object, self.request.user),
            committee_links=committee_links(self.object, self.request.user),
            **kwargs,
        )


class ApplicationDetailView(DetailView):
    """One application. Invisible applications (another sector's drafts) are a 404, not a 403:
    their existence is not shown."""

    template_name = "grants/application_detail.html"

    def get_queryset(self):
        return Application.objects.visible_to(self.request.user).with_related()

    def get_object(self, queryset=None):
        try:
            return super().get_object(queryset)
        except Http404:
            raise Http404("Fant ikke søknaden.") from None

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "path": application_path(self.object)}


def committee_links(round: Round, user) -> list[tuple[str, str]]:
    """The round's committee pages and documents the user may open, for the round page."""
    links = []
    for allocation in round.allocations.all():
        if user.has_perm("grants.prioritise", allocation.sector):
            links.append(
                (
                    f"LSUs prioritering: {allocation.sector}",
                    reverse("grants:prioritisation", args=[round.pk, allocation.sector_id]),
                )
            )
    if user.has_perm("grants.view_compilation"):
        links.append(("SSUs sammenstilling", reverse("grants:compilation", args=[round.pk])))
    if user.has_perm("grants.decide"):
        links.append(("Vedtak", reverse("grants:decisions", args=[round.pk])))
        links.append(("Søknadene som Excel", reverse("grants:round_export", args=[round.pk])))
    if user.has_perm("grants.view_compilation"):
        links.append(("Vedtaksliste (PDF)", reverse("grants:decision_list_pdf", args=[round.pk])))
    return links
