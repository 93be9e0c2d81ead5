"""Pages of the grants: the rounds with their allocations, the applications as each user may
see them, and the pages of each step of the workflow (workflow.py does the steps)."""

from django.http import Http404
from django.views.generic import DetailView, ListView

from .models import Application, Round


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
        return super().get_context_data(applications=list(applications), **kwargs)


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
