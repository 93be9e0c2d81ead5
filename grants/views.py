"""Pages of the grants: the rounds with their allocations, the applications as each user may
see them, and the pages of each step of the workflow (workflow.py does the steps)."""

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views import View
from django.views.generic import DetailView, ListView
from django_fsm import ConcurrentTransition
from rules.contrib.views import PermissionRequiredMixin

from helsefellesskap import uploads
from helsefellesskap.files import PrivateFileDownloadView, download_response
from helsefellesskap.formatting import nok
from helsefellesskap.mail import absolute_url
from helsefellesskap.models import Sector
from helsefellesskap.pdf import pdf_response
from helsefellesskap.uploads import UploadForm

from . import exports, workflow
from .forms import (
    ApplicationForm,
    BudgetLineFormSet,
    DecisionForm,
    PrioritisationForm,
    RecommendationForm,
)
from .models import Application, ApplicationAttachment, Round
from .overview import round_overview
from .permissions import is_secretariat, sectors_of
from .receipt import application_pdf, application_pdf_filename, receipt_recipients


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


# --- The committees' side: LSU prioritisation, SSU compilation and recommendation, the final
# decision; the round's numbers, its Excel export and the decision list PDF ---


class RoundMixin:
    @cached_property
    def round(self) -> Round:
        return get_object_or_404(Round.objects.select_related("scheme"), pk=self.kwargs["pk"])


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


class PrioritisationView(PermissionRequiredMixin, RoundMixin, View):
    """The LSU's leader or sekretær ranks all submitted applications of the sector and sends
    the prioritised ones to SSU, in one action (workflow.prioritise_applications)."""

    permission_required = "grants.prioritise"
    template_name = "grants/prioritisation.html"

    @cached_property
    def sector(self) -> Sector:
        return get_object_or_404(Sector, pk=self.kwargs["sector_pk"])

    def get_permission_object(self):
        return self.sector

    @cached_property
    def submitted(self) -> list[Application]:
        return list(
            Application.objects.filter(
                round=self.round, sector=self.sector, state=Application.State.SUBMITTED
            )
            .with_related()
            .order_by(F("lsu_rank").asc(nulls_last=True), "submitted_at", "pk")
        )

    def form(self, data=None, initial=None) -> PrioritisationForm:
        return PrioritisationForm(
            data, initial=initial, applications=self.submitted, sector=self.sector
        )

    def get(self, request, *args, **kwargs):
        return self.render(self.form())

    def post(self, request, *args, **kwargs):
        form = self.form(request.POST)
        if request.POST.get("handling") == "beregn":
            return self.render(self.form(initial=form.initial_from_data()), computed=True)
        if not form.is_valid():
            return self.render(form, status=422, computed=True)
        if form.shown_ids() != {a.pk for a in self.submitted}:
            messages.error(
                request,
                "Listen over søknader er endret siden du åpnet siden: noen andre har "
                "prioritert, eller nye søknader er kommet. Ingenting er lagret. Se over listen "
                "og send på nytt.",
            )
            return self.render(self.form(initial=form.initial_from_data()), status=409)
        try:
            done = workflow.prioritise_applications(
                self.round,
                self.sector,
                form.priorities(),
                item=form.cleaned_data["item"],
                comment=form.cleaned_data["comment"],
                user=request.user,
            )
        except workflow.WorkflowError as error:
            messages.error(request, f"{error} Ingenting er lagret.")
            return self.render(self.form(initial=form.initial_from_data()), status=409)
        sent = sum(1 for a in done if a.state == Application.State.FORWARDED)
        set_aside = len(done) - sent
        text = f"{sent} {'søknad' if sent == 1 else 'søknader'} er prioritert og sendt til SSU."
        if set_aside:
            text += f" {set_aside} ble ikke prioritert."
        messages.success(request, text)
        return HttpResponseRedirect(request.path)

    def render(self, form, *, status=200, computed=False):
        allocation = self.round.allocations.filter(sector=self.sector).first()
        handled = list(
            Application.objects.filter(
                round=self.round,
                sector=self.sector,
                state__in=[Application.State.NOT_PRIORITISED, *Application.FORWARDED_STATES],
            )
            .with_related()
            .select_related("lsu_item__meeting")
            .order_by(F("lsu_rank").asc(nulls_last=True), "title", "pk")
        )
        forwarded = [a for a in handled if a.state in Application.FORWARDED_STATES]
        forwarded_total = sum((a.amount_asked for a in forwarded), Decimal("0"))
        ticked = form.ticked()
        ticked_total = sum((a.amount_asked for a in ticked), Decimal("0"))
        prioritised_total = forwarded_total + ticked_total
        left_after = allocation.amount - prioritised_total if allocation else None
        return render(
            self.request,
            self.template_name,
            {
                "round": self.round,
                "sector": self.sector,
                "allocation": allocation,
                "form": form,
                "handled": handled,
                "forwarded_count": len(forwarded),
                "forwarded_total": forwarded_total,
                "ticked_count": len(ticked),
                "ticked_total": ticked_total,
                "computed": computed,
                "prioritised_total": prioritised_total,
                "left_after": left_after,
                "over_by": -left_after if left_after is not None and left_after < 0 else None,
            },
            status=status,
        )


def _by_sector(applications, overview) -> list[tuple]:
    """(overview's sector row, its applications) in the overview's order of sectors."""
    grouped: dict[int, list] = {}
    for application in applications:
        grouped.setdefault(application.sector_id, []).append(application)
    return [(row, grouped[row.pk]) for row in overview.sectors if row.pk in grouped]


class CompilationView(PermissionRequiredMixin, RoundMixin, View):
    """SSU's compilation: what the four LSUs forwarded, side by side by sector and focus area,
    with totals against the allocations; SSU's leader or sekretær records the recommendation."""

    permission_required = "grants.view_compilation"
    template_name = "grants/compilation.html"

    def get(self, request, *args, **kwargs):
        return self.render()

    def render(self, bound=None, status=200):
        user = self.request.user
        overview = round_overview(self.round, user)
        applications = list(Application.objects.visible_to(user).forwarded_in(self.round))
        can_recommend = user.has_perm("grants.recommend")
        for application in applications:
            application.recommendation_form = None
            if can_recommend and application.state == Application.State.FORWARDED:
                application.recommendation_form = (bound or {}).get(
                    application.pk
                ) or RecommendationForm(application=application)
        return render(
            self.request,
            self.template_name,
            {
                "round": self.round,
                "overview": overview,
                "sectors": _by_sector(applications, overview),
                "can_recommend": can_recommend,
                "can_export": user.has_perm("grants.decide"),
            },
            status=status,
        )


class ApplicationStepMixin(PermissionRequiredMixin):
    """A POST-only step on one application; the permission is checked against it."""

    @cached_property
    def application(self) -> Application:
        return get_object_or_404(
            Application.objects.select_related("round__scheme", "sector"), pk=self.kwargs["pk"]
        )

    def get_permission_object(self):
        return self.application

    def page_url(self, name: str) -> str:
        url = reverse(name, args=[self.application.round_id])
        return f"{url}#soknad-{self.application.pk}"


class RecommendationView(ApplicationStepMixin, View):
    permission_required = "grants.recommend"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        application = self.application
        form = RecommendationForm(request.POST, application=application)
        if not form.is_valid():
            page = CompilationView(request=request, kwargs={"pk": application.round_id})
            return page.render(bound={application.pk: form}, status=422)
        try:
            workflow.record_recommendation(
                application, text=form.cleaned_data["text"], user=request.user
            )
        except workflow.WorkflowError as error:
            messages.error(request, f"«{application.title}»: {error}")
        else:
            messages.success(request, f"SSUs anbefaling er lagret for «{application.title}».")
        return HttpResponseRedirect(self.page_url("grants:compilation"))


class DecisionsView(PermissionRequiredMixin, RoundMixin, View):
    """The final decision: every forwarded application with SSU's recommendation and a form to
    grant (an amount), reject or move it to next year; per sector the allocation, what is
    granted so far and what is left."""

    permission_required = "grants.decide"
    template_name = "grants/decisions.html"

    def get(self, request, *args, **kwargs):
        return self.render()

    def render(self, bound=None, status=200):
        user = self.request.user
        overview = round_overview(self.round, user)
        applications = list(Application.objects.visible_to(user).forwarded_in(self.round))
        for application in applications:
            application.decision_form = None
            if application.state == Application.State.FORWARDED:
                application.decision_form = (bound or {}).get(application.pk) or DecisionForm(
                    application=application
                )
        return render(
            self.request,
            self.template_name,
            {
                "round": self.round,
                "overview": overview,
                "sectors": _by_sector(applications, overview),
                "undecided_count": sum(1 for a in applications if a.decision_form),
            },
            status=status,
        )


class DecideView(ApplicationStepMixin, View):
    permission_required = "grants.decide"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        application = self.application
        form = DecisionForm(request.POST, application=application)
        if not form.is_valid():
            return self.page(bound={application.pk: form}, status=422)
        data = form.cleaned_data
        if data["seen_state"] != application.state:
            messages.error(request, self.someone_else(application))
            return HttpResponseRedirect(self.page_url("grants:decisions"))
        try:
            if data["outcome"] == DecisionForm.GRANT:
                workflow.grant_application(
                    application, amount=data["amount"], note=data["note"], user=request.user
                )
                text = f"«{application.title}» er innvilget med {nok(data['amount'])}."
            elif data["outcome"] == DecisionForm.REJECT:
                workflow.reject_application(application, note=data["note"], user=request.user)
                text = f"«{application.title}» er avslått."
            else:
                workflow.move_to_next_round(application, note=data["note"], user=request.user)
                text = f"«{application.title}» er flyttet til {application.moved_to.round}."
        except workflow.WorkflowError as error:
            current = Application.objects.get(pk=application.pk)
            if current.state != Application.State.FORWARDED:
                messages.error(request, self.someone_else(current))
                return HttpResponseRedirect(self.page_url("grants:decisions"))
            form.add_error(None, f"{error} Vedtaket er ikke lagret.")
            messages.error(request, f"«{application.title}»: {error} Vedtaket er ikke lagret.")
            return self.page(bound={application.pk: form}, status=409)
        messages.success(request, text)
        return HttpResponseRedirect(self.page_url("grants:decisions"))

    def page(self, **kwargs):
        view = DecisionsView(request=self.request, kwargs={"pk": self.application.round_id})
        return view.render(**kwargs)

    @staticmethod
    def someone_else(application: Application) -> str:
        return (
            f"Noen andre har behandlet søknaden samtidig: «{application.title}» er nå "
            f"{application.get_state_display().lower()}. Vedtaket ditt er ikke lagret. Last "
            "siden på nytt for å se utfallet."
        )


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


# --- The applicant's side: a draft is written and changed by its author until it is sent in;
# then it is locked, and a receipt with a PDF copy goes out by e-mail (receipt.py) ---

SUBMITTED_MESSAGE = "Søknaden er sendt inn og kan ikke endres."
ALREADY_SUBMITTED_MESSAGE = "Søknaden er allerede sendt inn."


class _NotSubmitted(Exception):
    """Raised inside the save's transaction when the submission that was to follow the save is
    refused: the draft's changes are rolled back with it, so nothing is half-written."""

    def __init__(self, problems: list[str]):
        super().__init__(" ".join(problems))
        self.problems = problems


def _deadline_text(round: Round) -> str:
    return f"{timezone.localtime(round.deadline):%d.%m.%Y kl. %H.%M}"


def _submitted_message(application: Application) -> str:
    addresses = ", ".join(receipt_recipients(application))
    receipt = (
        f" En kvittering med en kopi av søknaden (PDF) sendes til {addresses}." if addresses else ""
    )
    return "Søknaden er sendt inn og kan ikke endres lenger." + receipt


def _visible_application(user, pk: int) -> Application:
    """The application if the user may see it; another sector's draft is a 404."""
    try:
        return (
            Application.objects.visible_to(user)
            .with_related()
            .prefetch_related("measures")
            .get(pk=pk)
        )
    except Application.DoesNotExist:
        raise Http404("Fant ikke søknaden.") from None


def _refuse_unless_changeable(request, application: Application, message: str):
    """None when the user may change the draft; a redirect with a message once it has been
    sent in; PermissionDenied for users who may see it but not change it."""
    if application.state != Application.State.DRAFT:
        messages.error(request, message)
        return HttpResponseRedirect(application.get_absolute_url())
    if not request.user.has_perm("grants.change_draft", application):
        raise PermissionDenied
    return None


class ApplicationFormPage(View):
    """The application form with its budget lines (the new-application and the edit page).

    "Lagre utkast" saves the draft and its lines in one transaction; a draft may be incomplete,
    and its page names what is missing. "Lagre og send inn" saves and sends in one transaction:
    when the submission is refused (incomplete, deadline passed), the reasons are shown on the
    form and nothing is saved."""

    template_name = "grants/application_form.html"
    change_reason = "Utkast lagret"
    application: Application | None = None

    round: Round
    sectors: list = []

    def new_instance(self) -> Application:
        return self.application

    def closed_message(self) -> str:
        raise NotImplementedError

    def refusal(self):
        return None

    @cached_property
    def saved(self) -> dict:
        """The saved draft's title and problems, read before a form changes the instance."""
        application = self.application
        if application is None:
            return {"title": "", "problems": []}
        return {"title": application.title, "problems": application.completeness_problems()}

    def get_forms(self, data=None, initial=None):
        self.saved  # noqa: B018 (read before the form writes its input into the instance)
        instance = self.new_instance()
        form = ApplicationForm(
            data, instance=instance, initial=initial, round=self.round, sectors=self.sectors
        )
        formset = BudgetLineFormSet(data, instance=instance, prefix="budsjett")
        return form, formset

    def initial(self) -> dict:
        return {}

    def page(self, form=None, formset=None, *, error_heading=""):
        application = self.application
        context = {
            "round": self.round,
            "application": application,
            "sector": application.sector if application else None,
            "form": form,
            "formset": formset,
            "closed_message": "" if self.round.is_open else self.closed_message(),
            "problems": self.saved["problems"],
            "saved_title": self.saved["title"],
            "error_heading": error_heading or "Søknaden ble ikke lagret",
            "page_title": f"Endre søknaden «{self.saved['title']}»"
            if application
            else f"Ny søknad: {self.round}",
        }
        if len(self.sectors) == 1 and not application:
            context["sector"] = self.sectors[0]
        return render(self.request, self.template_name, context)

    def get(self, request, *args, **kwargs):
        if (response := self.refusal()) is not None:
            return response
        if not self.round.is_open:
            return self.page()
        return self.page(*self.get_forms(initial=self.initial()))

    def post(self, request, *args, **kwargs):
        if (response := self.refusal()) is not None:
            return response
        if not self.round.is_open:
            return self.page()
        form, formset = self.get_forms(request.POST)
        submitting = "send_inn" in request.POST
        form_valid = form.is_valid()
        start, end = form.cleaned_data.get("period_start"), form.cleaned_data.get("period_end")
        if start and end and start <= end:
            formset.period = (start.year, end.year)
        if not (formset.is_valid() and form_valid):
            return self.page(form, formset)
        try:
            application = self.save(form, formset, submitting=submitting)
        except _NotSubmitted as refused:
            for problem in refused.problems:
                form.add_error(None, problem)
            return self.page(
                form,
                formset,
                error_heading="Søknaden ble ikke sendt inn, og endringene er ikke lagret",
            )
        except ConcurrentTransition:
            # Sent in from another window while this one was being filled in.
            messages.error(request, SUBMITTED_MESSAGE)
            return HttpResponseRedirect(form.instance.get_absolute_url())
        if submitting:
            messages.success(request, _submitted_message(application))
        else:
            messages.success(
                request, "Utkastet er lagret. Du kan endre det til du sender søknaden inn."
            )
        return HttpResponseRedirect(application.get_absolute_url())

    def before_save(self, application: Application, form) -> None:
        pass

    def save(self, form, formset, *, submitting: bool) -> Application:
        user = self.request.user
        with transaction.atomic():
            application = form.save(commit=False)
            self.before_save(application, form)
            application._history_user = user
            application._change_reason = self.change_reason
            application.save()
            form.save_m2m()
            formset.instance = application
            formset.save()
            if submitting:
                # A fresh copy: the state field is protected, and the partners and lines
                # must be read as just saved.
                fresh = Application.objects.select_related("round").get(pk=application.pk)
                try:
                    workflow.submit_application(fresh, user=user)
                except workflow.WorkflowError as error:
                    problems = fresh.completeness_problems()
                    if " ".join(problems) != str(error):
                        problems = [str(error)]
                    raise _NotSubmitted(problems) from error
        return application


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
        return (
            f"Søknadsfristen for {self.round} gikk ut {_deadline_text(self.round)}. "
            "Det kan ikke lages nye søknader i denne runden."
        )

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

    def before_save(self, application: Application, form) -> None:
        application.round = self.round
        application.created_by = self.request.user
        application.sector = form.cleaned_data.get("sector") or self.sectors[0]


class ApplicationUpdateView(ApplicationFormPage):
    """The author changes the draft (the secretariat may too) until it is sent in."""

    change_reason = "Utkast endret"

    @cached_property
    def application(self) -> Application:
        return _visible_application(self.request.user, self.kwargs["pk"])

    @property
    def round(self) -> Round:
        return self.application.round

    def closed_message(self) -> str:
        return (
            f"Søknadsfristen for {self.round} gikk ut {_deadline_text(self.round)}. "
            "Utkastet kan ikke endres eller sendes inn lenger."
        )

    def refusal(self):
        return _refuse_unless_changeable(self.request, self.application, SUBMITTED_MESSAGE)


class DraftOnlyMixin:
    """Pages that change a draft: once it is sent in they redirect with `submitted_message`;
    users who may see the draft but not change it get 403, and others 404."""

    submitted_message = SUBMITTED_MESSAGE

    def get_application(self) -> Application:
        return _visible_application(self.request.user, self.kwargs["pk"])

    @cached_property
    def application(self) -> Application:
        return self.get_application()

    def dispatch(self, request, *args, **kwargs):
        refusal = _refuse_unless_changeable(request, self.application, self.submitted_message)
        return refusal or super().dispatch(request, *args, **kwargs)


class ApplicationSubmitView(DraftOnlyMixin, View):
    """Sending the draft in: GET shows what is missing, or what will be sent and the button;
    POST sends it (workflow.submit_application). A second POST changes nothing."""

    submitted_message = ALREADY_SUBMITTED_MESSAGE

    template_name = "grants/application_submit.html"

    def get(self, request, *args, **kwargs):
        application = self.application
        closed = ""
        if not application.round.is_open:
            closed = (
                f"Søknadsfristen for {application.round} gikk ut "
                f"{_deadline_text(application.round)}. Søknaden kan ikke sendes inn."
            )
        context = {
            "application": application,
            "problems": application.completeness_problems(),
            "closed_message": closed,
            "recipients": receipt_recipients(application),
        }
        return render(request, self.template_name, context)

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
        messages.success(request, _submitted_message(application))
        return HttpResponseRedirect(application.get_absolute_url())


class ApplicationPdfView(View):
    """The application as a tagged PDF, for whoever may see it (else 404)."""

    def get(self, request, *args, **kwargs):
        application = _visible_application(request.user, self.kwargs["pk"])
        return pdf_response(
            application_pdf(application, request=request), application_pdf_filename(application)
        )


# --- Attachments to an application: added and removed by whoever may change the draft, until it
# is sent in; read by whoever sees the application. The checks and the storage are the meeting
# attachments' (meetings/attachments.py). ---

ATTACHMENTS_SUBMITTED_MESSAGE = (
    "Søknaden er sendt inn, og vedleggene kan ikke lenger endres. "
    "Vedlegg kan legges til og fjernes mens søknaden er et utkast."
)


class ApplicationAttachmentUploadView(DraftOnlyMixin, View):
    template_name = "grants/application_attachment_upload.html"
    submitted_message = ATTACHMENTS_SUBMITTED_MESSAGE

    def get(self, request, *args, **kwargs):
        return self.render(UploadForm())

    def post(self, request, *args, **kwargs):
        application = self.application
        form = UploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render(form, status=422)
        uploaded, name = form.cleaned_data["file"], form.cleaned_data["kept_name"]
        with transaction.atomic():
            # Locked, so that a submission at the same moment waits: nothing is added after it.
            locked = Application.objects.select_for_update().get(pk=application.pk)
            if locked.state != Application.State.DRAFT:
                messages.error(request, ATTACHMENTS_SUBMITTED_MESSAGE)
                return HttpResponseRedirect(application.get_absolute_url())
            attachment = uploads.save_new(
                ApplicationAttachment(application=locked, name=name, size=uploaded.size), uploaded
            )
        messages.success(request, f"Lastet opp: «{attachment.name}».")
        return HttpResponseRedirect(f"{application.get_absolute_url()}#vedlegg")

    def render(self, form, status=200):
        application = self.application
        context = {
            "form": form,
            "application": application,
            "page_title": f"Nytt vedlegg til søknaden «{application.title}»",
            "cancel_url": f"{application.get_absolute_url()}#vedlegg",
        }
        return render(self.request, self.template_name, context, status=status)


class ApplicationAttachmentMixin:
    @cached_property
    def attachment(self) -> ApplicationAttachment:
        """The attachment if the user sees its application; else 404."""
        visible = Application.objects.visible_to(self.request.user)
        return get_object_or_404(
            ApplicationAttachment.objects.select_related("application__round").filter(
                application__in=visible
            ),
            pk=self.kwargs["pk"],
        )


class ApplicationAttachmentDownloadView(ApplicationAttachmentMixin, PrivateFileDownloadView):
    """The only way to an application's attachment: for whoever sees the application."""

    def get_document(self):
        return self.attachment


class ApplicationAttachmentDeleteView(ApplicationAttachmentMixin, DraftOnlyMixin, View):
    """Remove an attachment from the draft (its row, and its file once committed)."""

    submitted_message = ATTACHMENTS_SUBMITTED_MESSAGE

    def get_application(self) -> Application:
        return self.attachment.application

    template_name = "grants/application_attachment_confirm_delete.html"

    def get(self, request, *args, **kwargs):
        application = self.attachment.application
        context = {
            "attachment": self.attachment,
            "application": application,
            "cancel_url": f"{application.get_absolute_url()}#vedlegg",
        }
        return render(request, self.template_name, context)

    def post(self, request, *args, **kwargs):
        application = self.attachment.application
        name = self.attachment.name
        uploads.remove(self.attachment)
        messages.success(request, f"Fjernet vedlegget «{name}».")
        return HttpResponseRedirect(f"{application.get_absolute_url()}#vedlegg")
