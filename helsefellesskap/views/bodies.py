"""The bodies: the tree of them, a body's page with its members, and keeping a body."""

import datetime

from django.shortcuts import get_object_or_404
from django.views.generic import CreateView, DetailView, ListView, TemplateView, UpdateView
from rules.contrib.views import PermissionRequiredMixin

from ..forms import BodyForm, BodyNameForm, TreeDateForm
from ..models import (
    Body,
    BodyName,
    CompositionRequirement,
    Membership,
    composition_gaps,
    composition_status,
    today,
)
from ..pages import (
    FormPageMixin,
    HistoryView,
    ObjectPermissionRequiredMixin,
    UnprocessableFormMixin,
)

# How far back a body's page lists ended memberships (the rest is on the history page).
RECENT_HISTORY = datetime.timedelta(days=2 * 365)


class BodyTreeView(TemplateView):
    """The bodies as they were on a day (`?dato=`, today by default): only those that existed,
    under the names they had."""

    template_name = "helsefellesskap/body_tree.html"

    def get_context_data(self, **kwargs):
        form = TreeDateForm(self.request.GET or None)
        day = (
            form.cleaned_data["dato"] if form.is_valid() and form.cleaned_data["dato"] else today()
        )
        return super().get_context_data(
            tree=Body.objects.as_tree(day),
            day=day,
            is_today=day == today(),
            date_form=form,
            **kwargs,
        )


class BodyDetailView(DetailView):
    """The body today, with the memberships ended in the last two years; the whole history of
    ended memberships is paged on its own page, so this one stays the same size over the years."""

    model = Body
    queryset = Body.objects.select_related("parent", "sector", "successor").prefetch_related(
        "names", "predecessors"
    )

    def get_context_data(self, **kwargs):
        day = today()
        since = day - RECENT_HISTORY
        memberships = list(self.object.memberships.with_related().not_ended_before(since))
        current = [m for m in memberships if m.is_active_on(day)]
        recent_past = [m for m in memberships if m.end and m.end < day]
        recent_past.sort(key=lambda m: m.end, reverse=True)
        older_past_count = self.object.memberships.ended_before(since).count()
        requirements = list(
            CompositionRequirement.objects.filter(body=self.object).in_force_on(day)
        )
        composition = composition_status(requirements, current)
        return super().get_context_data(
            current_members=current,
            leaders=[m for m in current if m.role == Membership.Role.LEADER],
            secretaries=[m for m in current if m.role == Membership.Role.SECRETARY],
            past_members=recent_past,
            older_past_count=older_past_count,
            past_count=len(recent_past) + older_past_count,
            future_members=[m for m in memberships if m.start > day],
            names_over_time=self.object.names_over_time(),
            composition=composition,
            composition_gaps=composition_gaps(composition),
            children=self.object.children.order_by("position", "name"),
            can_edit_requirements=self.request.user.is_staff
            and self.request.user.has_perm("helsefellesskap.change_compositionrequirement"),
            can_view_history=self.request.user.has_perm(
                "helsefellesskap.view_body_history", self.object
            ),
            **kwargs,
        )


class BodyPastMembersView(ListView):
    """Every ended membership of a body, the latest ended first, a hundred a page."""

    template_name = "helsefellesskap/body_past_members.html"
    context_object_name = "memberships"
    paginate_by = 100
    page_kwarg = "side"

    def get_queryset(self):
        self.body = get_object_or_404(Body, pk=self.kwargs["pk"])
        ended = self.body.memberships.with_related().ended_before(today())
        return ended.order_by("-end", "person__name", "pk")

    def get_context_data(self, **kwargs):
        return super().get_context_data(body=self.body, **kwargs)


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
        return [
            self.object.history.all(),
            BodyName.history.filter(body_id=self.object.pk),
            Membership.history.filter(body_id=self.object.pk),
            CompositionRequirement.history.filter(body_id=self.object.pk),
        ]


class BodyNameFormMixin(ObjectPermissionRequiredMixin, UnprocessableFormMixin, FormPageMixin):
    """An earlier name of a body, added or changed from the body's page."""

    model = BodyName
    form_class = BodyNameForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "body": self.body}

    def get_success_url(self):
        return self.body.get_absolute_url()

    def get_context_data(self, **kwargs):
        return super().get_context_data(body=self.body, **kwargs) | {
            "cancel_url": self.body.get_absolute_url()
        }


class BodyNameCreateView(BodyNameFormMixin, CreateView):
    permission_required = "helsefellesskap.add_bodyname"
    create_title = "Tidligere navn"
    saved_message = "Lagt til: {object}."

    def dispatch(self, request, *args, **kwargs):
        self.body = get_object_or_404(Body, pk=kwargs["body_pk"])
        return super().dispatch(request, *args, **kwargs)


class BodyNameUpdateView(BodyNameFormMixin, UpdateView):
    permission_required = "helsefellesskap.change_bodyname"
    queryset = BodyName.objects.select_related("body")

    def get_object(self, queryset=None):
        name = super().get_object(queryset)
        self.body = name.body
        return name
