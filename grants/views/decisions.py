"""The final decision on the forwarded applications: drafted, adopted together in the joint
decision meeting, corrected with a reason; and the round's documents for the decision makers:
the applications as an Excel workbook, the decision list PDF."""

from django.contrib import messages
from django.db.models import F
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import ngettext
from django.views import View
from rules.contrib.views import PermissionRequiredMixin

from helsefellesskap.files import download_response
from helsefellesskap.mail import absolute_url
from helsefellesskap.pdf import pdf_response

from .. import exports, workflow
from ..forms_committees import AdoptionForm, CorrectionForm, DraftDecisionForm
from ..models import Application, Round
from ..overview import by_sector, decision_totals, round_overview
from .mixins import ApplicationStepMixin, RoundMixin


def decisions_page(
    request, round: Round, *, bound=None, adoption_form=None, status=200
) -> TemplateResponse:
    """Every forwarded application with SSU's recommendation: while undecided, the form of its
    draft decision; once decided, the decision and a form to correct it (`bound`: the forms
    to show as posted, by application id). The drafted totals against each sector's
    allocation, and the joint adoption of the drafts."""
    overview = round_overview(round, request.user)
    applications = list(
        Application.objects.visible_to(request.user)
        .forwarded_in(round)
        .select_related("draft_decision", "decision_meeting")
    )
    for application in applications:
        form = (bound or {}).get(application.pk)
        application.draft_form = application.correction_form = None
        if application.state in Application.TO_DECIDE_STATES:
            application.draft_form = form or DraftDecisionForm(application=application)
        else:
            application.correction_form = form or CorrectionForm(application=application)
    totals = decision_totals(overview)
    context = {
        "round": round,
        "overview": overview,
        "sectors": [
            (totals.sector(row.pk), items) for row, items in by_sector(applications, overview)
        ],
        "totals": totals,
        "undecided_count": sum(1 for a in applications if a.draft_form),
        "adoption_form": adoption_form or AdoptionForm(),
        "meetings": round.decision_meetings.select_related("adopted_by"),
    }
    return TemplateResponse(request, "grants/decisions.html", context, status=status)


class DecisionsView(PermissionRequiredMixin, RoundMixin, View):
    """The decisions prepared as a draft set (amount, outcome and reason per application) with
    the totals against each sector's allocation, adopted together in the joint decision
    meeting; an adopted decision is corrected with a reason."""

    permission_required = "grants.decide"

    def get(self, request, *args, **kwargs):
        return decisions_page(request, self.round)


class DraftDecisionView(ApplicationStepMixin, View):
    """Saves one application's draft decision (workflow.save_draft_decision). With htmx the
    answer is the application's card and the recomputed totals (swapped out of band); without,
    the decisions page."""

    permission_required = "grants.decide"
    form_class = DraftDecisionForm
    round_page = staticmethod(decisions_page)

    def form_valid(self, form):
        application, request = self.application, self.request
        try:
            workflow.save_draft_decision(application, user=request.user, **form.cleaned_data)
        except workflow.WorkflowError as error:
            form.add_error(None, f"{error} Utkastet er ikke lagret.")
            return self.page(form, status=409)
        if request.htmx:
            return self.card(DraftDecisionForm(application=self.fresh()), saved=True)
        messages.success(request, f"Vedtaksutkastet for «{application.title}» er lagret.")
        return HttpResponseRedirect(self.page_url("grants:decisions"))

    def page(self, form, *, status: int):
        if self.request.htmx:
            return self.card(form, status=status)
        return super().page(form, status=status)

    def fresh(self) -> Application:
        return (
            Application.objects.with_related()
            .select_related("draft_decision", "decision_meeting")
            .get(pk=self.application.pk)
        )

    def card(self, form, *, status=200, saved=False) -> TemplateResponse:
        """The application's card with its form, and the round's totals out of band."""
        application = self.fresh()
        application.draft_form, application.correction_form = form, None
        overview = round_overview(application.round, self.request.user)
        context = {
            "application": application,
            "totals": decision_totals(overview),
            "saved": saved,
            "oob": True,
        }
        return TemplateResponse(
            self.request, "grants/_decision_card_update.html", context, status=status
        )


class AdoptDecisionsView(PermissionRequiredMixin, RoundMixin, View):
    """The joint decision meeting adopts the round's drafts together
    (workflow.adopt_decisions); the applicants are told after that, not before."""

    http_method_names = ["post"]
    permission_required = "grants.decide"

    def post(self, request, *args, **kwargs):
        form = AdoptionForm(request.POST)
        if not form.is_valid():
            return decisions_page(request, self.round, adoption_form=form, status=422)
        try:
            meeting = workflow.adopt_decisions(
                round=self.round, user=request.user, **form.cleaned_data
            )
        except workflow.WorkflowError as error:
            form.add_error(None, f"{error} Ingen vedtak er fattet.")
            return decisions_page(request, self.round, adoption_form=form, status=409)
        count = meeting.applications.count()
        messages.success(
            request,
            ngettext(
                "%(count)d vedtak er fattet i vedtaksmøtet %(day)s. Søkeren får det på e-post.",
                "%(count)d vedtak er fattet i vedtaksmøtet %(day)s. Søkerne får dem på e-post.",
                count,
            )
            % {"count": count, "day": f"{meeting.held_on:%d.%m.%Y}"},
        )
        return HttpResponseRedirect(reverse("grants:decisions", args=[self.round.pk]))


class CorrectDecisionView(ApplicationStepMixin, View):
    """Corrects an adopted decision with a reason (workflow.correct_decision); the applicant
    is told by e-mail."""

    permission_required = "grants.decide"
    form_class = CorrectionForm
    round_page = staticmethod(decisions_page)

    def form_valid(self, form):
        application, request = self.application, self.request
        try:
            workflow.correct_decision(application, user=request.user, **form.cleaned_data)
        except workflow.WorkflowError as error:
            form.add_error(None, f"{error} Vedtaket er ikke rettet.")
            return self.page(form, status=409)
        messages.success(
            request, f"Vedtaket for «{application.title}» er rettet. Søkeren får det på e-post."
        )
        return HttpResponseRedirect(self.page_url("grants:decisions"))


class RoundExportView(PermissionRequiredMixin, RoundMixin, View):
    """The applications of the round the user may see, as an Excel workbook."""

    permission_required = "grants.decide"

    def get(self, request, *args, **kwargs):
        applications = (
            Application.objects.visible_to(request.user)
            .filter(round=self.round)
            .with_related()
            .order_by("sector__name", F("lsu_rank").asc(nulls_last=True), "title", "pk")
        )
        base_url = absolute_url("/", request=request)
        return download_response(
            exports.round_workbook(self.round, applications, base_url=base_url),
            f"soknader-{self.round.year}.xlsx",
            exports.CONTENT_TYPE,
        )


class DecisionListPdfView(PermissionRequiredMixin, RoundMixin, View):
    """The decision list for the meeting papers: per sector the decided applications and the
    amounts granted against the allocation."""

    permission_required = "grants.view_compilation"

    def get(self, request, *args, **kwargs):
        pdf = exports.decision_list_pdf(self.round, request.user, request=request)
        return pdf_response(pdf, f"vedtaksliste-{self.round.year}.pdf")
