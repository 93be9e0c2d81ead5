"""The final decision on the forwarded applications, and the round's documents for the decision
makers: the applications as an Excel workbook, the decision list PDF."""

from django.contrib import messages
from django.db.models import F
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.views import View
from rules.contrib.views import PermissionRequiredMixin

from helsefellesskap.files import download_response
from helsefellesskap.formatting import nok
from helsefellesskap.mail import absolute_url
from helsefellesskap.pdf import pdf_response

from .. import exports, workflow
from ..forms import DecisionForm
from ..models import Application, Round
from ..overview import by_sector, round_overview
from .mixins import ApplicationStepMixin, RoundMixin


def decisions_page(request, round: Round, *, bound=None, status=200) -> TemplateResponse:
    """Every forwarded application with SSU's recommendation and, while undecided, a form to
    decide it (`bound`: the forms to show as posted, by application id)."""
    overview = round_overview(round, request.user)
    applications = list(Application.objects.visible_to(request.user).forwarded_in(round))
    for application in applications:
        application.decision_form = None
        if application.state in Application.TO_DECIDE_STATES:
            application.decision_form = (bound or {}).get(application.pk) or DecisionForm(
                application=application
            )
    context = {
        "round": round,
        "overview": overview,
        "sectors": by_sector(applications, overview),
        "undecided_count": sum(1 for a in applications if a.decision_form),
    }
    return TemplateResponse(request, "grants/decisions.html", context, status=status)


class DecisionsView(PermissionRequiredMixin, RoundMixin, View):
    """The final decision: every forwarded application with SSU's recommendation and a form to
    grant (an amount), reject or move it to next year; per sector the allocation, what is
    granted so far and what is left."""

    permission_required = "grants.decide"

    def get(self, request, *args, **kwargs):
        return decisions_page(request, self.round)


class DecideView(ApplicationStepMixin, View):
    """One decision (workflow.decide_application). Someone else deciding first is a message on
    the decisions page; a refused decision (over the allocation) is shown on its form, 409."""

    permission_required = "grants.decide"
    form_class = DecisionForm
    round_page = staticmethod(decisions_page)

    def form_valid(self, form):
        application, request = self.application, self.request
        try:
            # The form's fields are the step's arguments: outcome, amount, note, seen_state.
            workflow.decide_application(application, user=request.user, **form.cleaned_data)
        except workflow.DecidedElsewhere as error:
            messages.error(request, str(error))
        except workflow.WorkflowError as error:
            form.add_error(None, f"{error} Vedtaket er ikke lagret.")
            messages.error(request, f"«{application.title}»: {error} Vedtaket er ikke lagret.")
            return self.page(form, status=409)
        else:
            messages.success(request, decided_message(application))
        return HttpResponseRedirect(self.page_url("grants:decisions"))


def decided_message(application: Application) -> str:
    if application.state == Application.State.GRANTED:
        return f"«{application.title}» er innvilget med {nok(application.amount_granted)}."
    if application.state == Application.State.REJECTED:
        return f"«{application.title}» er avslått."
    return f"«{application.title}» er flyttet til {application.moved_to.round}."


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
