"""The plan in Excel: the export (a large plan's made by the worker, like its PDF), and the
import that shows every change (and every conflict with a newer edit) before it writes; the
worker reads and writes (portfolio/importing.py)."""

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.views import View
from django.views.generic import FormView, TemplateView

from helsefellesskap.files import download_response
from helsefellesskap.pages import UnprocessableFormMixin

from .. import importing, spreadsheet
from ..background_documents import made_in_background, request_plan_document
from ..documents import download_filename
from ..forms import PlanImportForm
from ..models import PlanImport
from .plans import PlanMixin


class PlanExcelExportView(PlanMixin, View):
    """Today's plan as an Excel workbook, to read, share or edit and import again; a large
    plan's is made by the background worker, and the page of its job offers the file."""

    permission_required = "portfolio.view_plan"

    def get(self, request, *args, **kwargs):
        if made_in_background(self.plan):
            job = request_plan_document(plan=self.plan, extension="xlsx", user=request.user)
            return redirect(job)
        return download_response(
            spreadsheet.export_plan(self.plan),
            download_filename(self.plan, "xlsx"),
            spreadsheet.CONTENT_TYPE,
        )


class PlanImportView(PlanMixin, UnprocessableFormMixin, FormView):
    """Upload an edited workbook. The request only stores the file and queues its reading
    (importing.upload); the job's page follows the worker and leads to the preview."""

    form_class = PlanImportForm
    template_name = "portfolio/plan_import.html"

    def form_valid(self, form):
        try:
            job = importing.upload(
                plan=self.plan, user=self.request.user, uploaded_file=form.cleaned_data["file"]
            )
        except importing.ImportRefused as refused:
            messages.error(self.request, str(refused))
            return HttpResponseRedirect(refused.job.get_absolute_url())
        return HttpResponseRedirect(job.get_absolute_url())


class PlanImportPreviewView(PlanMixin, TemplateView):
    """What the worker read from the file: the problems, or the changes and the conflicts with
    a choice for each; confirming queues the writing (importing.confirm). Only the person who
    uploaded the file sees it; to anyone else it does not exist."""

    template_name = "portfolio/plan_import_preview.html"

    @cached_property
    def plan_import(self) -> PlanImport:
        return get_object_or_404(
            PlanImport, pk=self.kwargs["import_pk"], plan=self.plan, uploaded_by=self.request.user
        )

    def get(self, request, *args, **kwargs):
        preview = importing.stored_preview(self.plan_import)
        if preview is None:
            messages.info(request, "Filen er ikke lest ennå.")
            return HttpResponseRedirect(reverse("portfolio:plan_import", args=[self.plan.pk]))
        context = self.get_context_data(
            preview=preview, plan_import=self.plan_import, form=PlanImportForm()
        )
        return self.render_to_response(context, status=422 if preview.problems else 200)

    def post(self, request, *args, **kwargs):
        conflicts = request.POST.getlist("bruk_fil")
        if "alle" in request.POST:
            conflicts = range(len(self.plan_import.preview.get("conflicts", [])))
        try:
            job = importing.confirm(
                plan_import=self.plan_import,
                take_conflicts={int(index) for index in conflicts if str(index).isdigit()},
                user=request.user,
            )
        except importing.ImportRefused as refused:
            messages.error(request, str(refused))
            return HttpResponseRedirect(request.path)
        return HttpResponseRedirect(job.get_absolute_url())
