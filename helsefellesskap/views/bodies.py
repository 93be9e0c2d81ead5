"""The bodies: the tree of them, a body's page with its members, and keeping a body."""

from django.views.generic import CreateView, DetailView, TemplateView, UpdateView
from rules.contrib.views import PermissionRequiredMixin

from ..forms import BodyForm
from ..models import Body, Membership, today
from ..pages import FormPageMixin, HistoryView, ObjectPermissionRequiredMixin


class BodyTreeView(TemplateView):
    template_name = "helsefellesskap/body_tree.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(tree=Body.objects.as_tree(today()), **kwargs)


class BodyDetailView(DetailView):
    model = Body
    queryset = Body.objects.select_related("parent", "sector")

    def get_context_data(self, **kwargs):
        day = today()
        memberships = list(self.object.memberships.with_related())
        current = [m for m in memberships if m.is_active_on(day)]
        return super().get_context_data(
            current_members=current,
            leaders=[m for m in current if m.role == Membership.Role.LEADER],
            secretaries=[m for m in current if m.role == Membership.Role.SECRETARY],
            past_members=[m for m in memberships if m.end and m.end < day],
            future_members=[m for m in memberships if m.start and m.start > day],
            missing_representatives=self.object.missing_representatives(current),
            children=self.object.children.order_by("position", "name"),
            can_view_history=self.request.user.has_perm(
                "helsefellesskap.view_body_history", self.object
            ),
            **kwargs,
        )


class BodyCreateView(PermissionRequiredMixin, FormPageMixin, CreateView):
    model = Body
    form_class = BodyForm
    permission_required = "helsefellesskap.add_body"
    create_title = "Nytt organ"
    list_url_name = "body_tree"


class BodyUpdateView(ObjectPermissionRequiredMixin, FormPageMixin, UpdateView):
    model = Body
    form_class = BodyForm
    permission_required = "helsefellesskap.change_body"
    history_url_name = "body_history"


class BodyHistoryView(HistoryView):
    model = Body
    permission_required = "helsefellesskap.view_body_history"

    def history_sources(self):
        return [self.object.history.all(), Membership.history.filter(body_id=self.object.pk)]
