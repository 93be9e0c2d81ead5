"""The applicant's side: a draft is written and changed by its author until it is sent in; then
it is locked, and a receipt with a PDF copy goes out by e-mail (receipt.py)."""

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.functional import cached_property
from django.views import View
from django.views.generic import TemplateView
from rules.contrib.views import PermissionRequiredMixin

from helsefellesskap.models import Sector
from helsefellesskap.pdf import pdf_response

from .. import workflow
from ..forms import ApplicationForms
from ..models import Application, Round
from ..permissions import is_secretariat, sectors_of
from ..receipt import application_pdf, application_pdf_filename, receipt_recipients
from .mixins import (
    DraftOnlyMixin,
    refuse_unless_changeable,
    submitted_message,
    visible_application,
)

ALREADY_SUBMITTED_MESSAGE = "Søknaden er allerede sendt inn."


class ApplicationFormPage(View):
    """The application form with its budget lines (the new-application and the edit page).

    "Lagre utkast" saves the draft and its lines (workflow.save_draft); a draft may be
    incomplete, and its page names what is missing. "Lagre og send inn" checks also what
    sending in needs, saves, and leads to the confirmation page, where the applicant sees what
    will be sent. Every error is shown at once, and a refused form saves nothing.

    Other buttons save nothing: they show the form again as it was posted (a budget line added
    or removed, partners searched for, the focus area's measures); with htmx only the part
    that changed is answered (POSTBACK_PARTS)."""

    template_name = "grants/application_form.html"
    change_reason = "Utkast lagret"
    application: Application | None = None
    POSTBACK_PARTS = {
        "ny_linje": "grants/_form_budget.html",
        "fjern_linje": "grants/_form_budget.html",
        "sum": "grants/_form_budget_sum.html",
        "sok_partner": "grants/_form_partners.html",
        "velg_partner": "grants/_form_partners.html",
        ApplicationForms.REFRESH: "grants/_form_partners.html",
        "vis_tiltak": "grants/_form_measures.html",
    }

    round: Round
    sectors: list = []

    def new_instance(self) -> Application:
        return self.application

    def closed_message(self) -> str:
        raise NotImplementedError

    def refusal(self):
        return None

    def initial(self) -> dict:
        return {}

    def saved_draft(self) -> dict:
        """The saved draft's title and problems. Read before a form is built: a bound form
        writes its input into the instance."""
        application = self.application
        if application is None:
            return {"title": "", "problems": []}
        return {"title": application.title, "problems": application.completeness_problems()}

    def form_kwargs(self) -> dict:
        return {"instance": self.new_instance(), "round": self.round, "sectors": self.sectors}

    def context(
        self, saved: dict, forms: ApplicationForms | None, *, error_heading="", focus=""
    ) -> dict:
        application = self.application
        context = {
            "round": self.round,
            "application": application,
            "sector": application.sector if application else None,
            "form": forms.form if forms else None,
            "formset": forms.lines if forms else None,
            "form_url": self.request.path,
            "focus": focus,  # the postback asked for: its template puts the focus there
            "closed_message": "" if self.round.is_open else self.closed_message(),
            "problems": saved["problems"],
            "saved_title": saved["title"],
            "error_heading": error_heading or "Søknaden ble ikke lagret",
            "page_title": f"Endre søknaden «{saved['title']}»"
            if application
            else f"Ny søknad: {self.round}",
        }
        if len(self.sectors) == 1 and not application:
            context["sector"] = self.sectors[0]
        return context

    def page(self, saved: dict, forms: ApplicationForms | None = None, **kwargs):
        return render(self.request, self.template_name, self.context(saved, forms, **kwargs))

    def dispatch(self, request, *args, **kwargs):
        if (response := self.refusal()) is not None:
            return response
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        saved = self.saved_draft()
        if not self.round.is_open:
            return self.page(saved)
        return self.page(saved, ApplicationForms(initial=self.initial(), **self.form_kwargs()))

    def post(self, request, *args, **kwargs):
        saved = self.saved_draft()
        if not self.round.is_open:
            return self.page(saved)
        if postback := ApplicationForms.postback_of(request.POST):
            forms = ApplicationForms.posted_back(request.POST, **self.form_kwargs())
            if request.htmx:
                part = self.POSTBACK_PARTS[postback]
                return render(request, part, self.context(saved, forms, focus=postback))
            return self.page(saved, forms, focus=postback)
        submitting = "send_inn" in request.POST
        forms = ApplicationForms(request.POST, submitting=submitting, **self.form_kwargs())
        if not forms.is_valid():
            heading = "Søknaden ble ikke lagret og kan ikke sendes inn ennå" if submitting else ""
            return self.page(saved, forms, error_heading=heading)
        try:
            application = workflow.save_draft(
                form=forms.form,
                budget_lines=forms.lines,
                user=request.user,
                reason=self.change_reason,
            )
        except workflow.AlreadySubmitted as error:
            # Sent in from another window while this one was being filled in.
            messages.error(request, str(error))
            return HttpResponseRedirect(forms.form.instance.get_absolute_url())
        if submitting:
            messages.success(request, "Utkastet er lagret. Se over søknaden og send den inn.")
            return HttpResponseRedirect(reverse("grants:application_submit", args=[application.pk]))
        messages.success(
            request, "Utkastet er lagret. Du kan endre det til du sender søknaden inn."
        )
        return HttpResponseRedirect(application.get_absolute_url())


class ApplicationCreateView(PermissionRequiredMixin, ApplicationFormPage):
    """A new application to a round, for the applicant's LSU sector (a choice when the user
    sits in several LSUs; the secretariat chooses among all sectors)."""

    permission_required = "grants.apply"
    change_reason = "Utkast opprettet"

    @cached_property
    def round(self) -> Round:
        return get_object_or_404(Round.objects.select_related("scheme"), pk=self.kwargs["pk"])

    @cached_property
    def sectors(self) -> list[Sector]:
        user = self.request.user
        return sectors_of(user) or (list(Sector.objects.all()) if is_secretariat(user) else [])

    def closed_message(self) -> str:
        return f"{self.round.closed_reason} Det kan ikke lages nye søknader i denne runden."

    def refusal(self):
        if not self.sectors:
            messages.error(
                self.request, "Du er ikke med i et lokalt samarbeidsutvalg som kan søke."
            )
            return HttpResponseRedirect(self.round.get_absolute_url())
        return None

    def new_instance(self) -> Application:
        return Application(
            round=self.round,
            created_by=self.request.user,
            sector=self.sectors[0] if len(self.sectors) == 1 else None,
        )

    def initial(self) -> dict:
        user = self.request.user
        person = getattr(user, "person", None)
        initial = {
            "contact_name": (person.name if person else "") or user.get_full_name(),
            "contact_email": user.email or (person.email if person else ""),
        }
        if person and person.organisation_id:
            initial["applicant_organisation"] = person.organisation_id
        return initial


class ApplicationUpdateView(ApplicationFormPage):
    """The author changes the draft (the secretariat may too) until it is sent in."""

    change_reason = "Utkast endret"

    @cached_property
    def application(self) -> Application:
        return visible_application(self.request.user, self.kwargs["pk"])

    @property
    def round(self) -> Round:
        return self.application.round

    def closed_message(self) -> str:
        return f"{self.round.closed_reason} Utkastet kan ikke endres eller sendes inn lenger."

    def refusal(self):
        return refuse_unless_changeable(self.request, self.application, workflow.DRAFT_LOCKED)


class ApplicationSubmitView(DraftOnlyMixin, TemplateView):
    """Sending the draft in: GET shows what is missing, or what will be sent and the button;
    POST sends it (workflow.submit_application). A second POST changes nothing."""

    submitted_message = ALREADY_SUBMITTED_MESSAGE
    template_name = "grants/application_submit.html"

    def get_context_data(self, **kwargs):
        application = self.application
        closed = ""
        if not application.round.is_open:
            closed = f"{application.round.closed_reason} Søknaden kan ikke sendes inn."
        return super().get_context_data(
            application=application,
            problems=application.completeness_problems(),
            closed_message=closed,
            recipients=receipt_recipients(application),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        application = self.application
        try:
            workflow.submit_application(application, user=request.user)
        except workflow.WorkflowError as error:
            state = Application.objects.filter(pk=application.pk).values_list("state", flat=True)
            if state.first() != Application.State.DRAFT:  # a double submit that raced
                messages.error(request, ALREADY_SUBMITTED_MESSAGE)
                return HttpResponseRedirect(application.get_absolute_url())
            messages.error(request, str(error))
            return HttpResponseRedirect(reverse("grants:application_submit", args=[application.pk]))
        messages.success(request, submitted_message(application))
        return HttpResponseRedirect(application.get_absolute_url())


class ApplicationPdfView(View):
    """The application as a tagged PDF, for whoever may see it (else 404)."""

    def get(self, request, *args, **kwargs):
        application = visible_application(request.user, self.kwargs["pk"])
        return pdf_response(
            application_pdf(application, request=request), application_pdf_filename(application)
        )
