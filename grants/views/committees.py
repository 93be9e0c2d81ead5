"""The committees' side: the LSU prioritises its sector's applications, SSU compiles what the
LSUs forwarded and records its recommendation on each."""

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.functional import cached_property
from django.views import View
from django.views.generic import FormView
from rules.contrib.views import PermissionRequiredMixin

from helsefellesskap.models import Sector

from .. import workflow
from ..forms_committees import PrioritisationForm, RecommendationForm, ReopenPrioritisationForm
from ..models import Application, PrioritisationReopening, Round
from ..overview import by_sector, round_overview, sector_prioritisation
from .mixins import ApplicationStepMixin, RoundMixin

LIST_CHANGED = (
    "Listen over søknader er endret siden du åpnet siden: noen andre har prioritert, eller nye "
    "søknader er kommet. Ingenting er lagret. Se over listen og send på nytt."
)


class PrioritisationView(PermissionRequiredMixin, RoundMixin, FormView):
    """The LSU's leader or sekretær ranks all submitted applications of the sector and sends
    the prioritised ones to SSU, in one action (workflow.prioritise_applications). "Beregn sum"
    shows the sums of what is ticked, without saving."""

    permission_required = "grants.prioritise"
    template_name = "grants/prioritisation.html"
    form_class = PrioritisationForm

    @cached_property
    def sector(self) -> Sector:
        return get_object_or_404(Sector, pk=self.kwargs["sector_pk"])

    def get_permission_object(self):
        return self.sector

    @cached_property
    def submitted(self) -> list[Application]:
        return list(Application.objects.awaiting_lsu(self.round, self.sector))

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "applications": self.submitted,
            "sector": self.sector,
            "taken_ranks": Application.objects.ranks_taken_by_lsu(self.round, self.sector),
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        totals = sector_prioritisation(self.round, self.sector, context["form"].ticked())
        compiled = Application.objects.compiled_by_ssu(self.round, self.sector)
        return {
            "computed": False,
            **context,
            "round": self.round,
            "sector": self.sector,
            "totals": totals,
            "compiled": compiled,
            "reopen_form": (
                None
                if compiled or not totals.handled
                else kwargs.get("reopen_form") or ReopenPrioritisationForm()
            ),
            "reopenings": PrioritisationReopening.objects.filter(
                round=self.round, sector=self.sector
            ).select_related("reopened_by__person"),
        }

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        if request.POST.get("handling") == "beregn":
            return self.shown_again(form, computed=True)
        if not form.is_valid():
            return self.form_invalid(form)
        if form.shown_ids() != {a.pk for a in self.submitted}:
            messages.error(request, LIST_CHANGED)
            return self.shown_again(form, status=409)
        try:
            done = workflow.prioritise_applications(
                self.round,
                self.sector,
                form.priorities(),
                item=form.cleaned_data["item"],
                user=request.user,
            )
        except workflow.WorkflowError as error:
            messages.error(request, f"{error} Ingenting er lagret.")
            return self.shown_again(form, status=409)
        messages.success(request, prioritised_message(done))
        return HttpResponseRedirect(request.path)

    def form_invalid(self, form):
        context = self.get_context_data(form=form, computed=True)
        return self.render_to_response(context, status=422)

    def shown_again(self, form, *, status=200, computed=False):
        """What the user posted, in a fresh form without error messages."""
        fresh = self.form_class(
            initial=form.initial_from_data(), applications=self.submitted, sector=self.sector
        )
        context = self.get_context_data(form=fresh, computed=computed)
        return self.render_to_response(context, status=status)


class ReopenPrioritisationView(PrioritisationView):
    """The LSU opens its sent prioritisation again, with a reason
    (workflow.reopen_prioritisation); refused once SSU has compiled the sector."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        reopen_form = ReopenPrioritisationForm(request.POST)
        if not reopen_form.is_valid():
            return self.reopen_refused(reopen_form, status=422)
        try:
            workflow.reopen_prioritisation(
                round=self.round,
                sector=self.sector,
                reason=reopen_form.cleaned_data["reason"],
                user=request.user,
            )
        except workflow.WorkflowError as error:
            messages.error(request, f"{error} Ingenting er endret.")
            return self.reopen_refused(reopen_form, status=409)
        messages.success(request, f"Prioriteringen for {self.sector} er åpnet igjen og kan endres.")
        return HttpResponseRedirect(self.prioritisation_url())

    def reopen_refused(self, reopen_form, *, status: int):
        form = self.form_class(applications=self.submitted, sector=self.sector)
        context = self.get_context_data(form=form, reopen_form=reopen_form)
        return self.render_to_response(context, status=status)

    def prioritisation_url(self) -> str:
        return reverse("grants:prioritisation", args=[self.round.pk, self.sector.pk])


def prioritised_message(done: list[Application]) -> str:
    sent = sum(1 for a in done if a.state == Application.State.FORWARDED)
    set_aside = len(done) - sent
    text = f"{sent} {'søknad' if sent == 1 else 'søknader'} er prioritert og sendt til SSU."
    if set_aside:
        text += f" {set_aside} ble ikke prioritert."
    return text


def compilation_page(request, round: Round, *, bound=None, status=200) -> TemplateResponse:
    """SSU's compilation, with `bound` the recommendation forms to show as posted (by
    application id)."""
    user = request.user
    overview = round_overview(round, user)
    applications = list(Application.objects.visible_to(user).forwarded_in(round))
    can_recommend = user.has_perm("grants.recommend")
    for application in applications:
        application.recommendation_form = None
        if can_recommend and application.state in Application.TO_DECIDE_STATES:
            application.recommendation_form = (bound or {}).get(
                application.pk
            ) or RecommendationForm(application=application)
    context = {
        "round": round,
        "overview": overview,
        "sectors": by_sector(applications, overview),
        "can_recommend": can_recommend,
        "can_export": user.has_perm("grants.decide"),
    }
    return TemplateResponse(request, "grants/compilation.html", context, status=status)


class CompilationView(PermissionRequiredMixin, RoundMixin, View):
    """SSU's compilation: what the four LSUs forwarded, side by side by sector and focus area,
    with totals against the allocations; SSU's members record the recommendation."""

    permission_required = "grants.view_compilation"

    def get(self, request, *args, **kwargs):
        return compilation_page(request, self.round)


class RecommendationView(ApplicationStepMixin, View):
    permission_required = "grants.recommend"
    form_class = RecommendationForm
    round_page = staticmethod(compilation_page)

    def form_valid(self, form):
        application = self.application
        try:
            workflow.record_recommendation(
                application,
                amount=form.cleaned_data["amount"],
                text=form.cleaned_data["text"],
                user=self.request.user,
            )
        except workflow.WorkflowError as error:
            messages.error(self.request, f"«{application.title}»: {error}")
        else:
            messages.success(self.request, f"SSUs anbefaling er lagret for «{application.title}».")
        return HttpResponseRedirect(self.page_url("grants:compilation"))
