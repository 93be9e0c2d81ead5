"""Pages of the annual reports. Everyone logged in reads the published versions; the secretariat
writes the texts, generates versions and records approvals (permissions.py). The work itself is
in versions.py."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.views.generic import CreateView, DetailView, FormView, ListView, UpdateView, View
from rules.contrib.views import PermissionRequiredMixin

from helsefellesskap.files import StorageUnavailable, storage_unavailable_response
from helsefellesskap.pages import FormPageMixin, ObjectPermissionRequiredMixin
from helsefellesskap.pdf import pdf_response

from .forms import AnnualReportForm, ApprovalForm
from .models import AnnualReport, ReportVersion
from .versions import ApprovalRefused, approval_job, request_approval, request_draft


class ReportListView(ListView):
    template_name = "annual_report/report_list.html"
    context_object_name = "reports"

    def get_queryset(self):
        return AnnualReport.objects.visible_to(self.request.user)


class ReportDetailView(DetailView):
    template_name = "annual_report/report_detail.html"
    context_object_name = "report"

    def get_queryset(self):
        return AnnualReport.objects.visible_to(self.request.user)

    def get_context_data(self, **kwargs):
        versions = self.object.visible_versions
        newest = versions[0] if versions else None
        return super().get_context_data(
            versions=versions,
            approvable=newest if newest and not newest.is_published else None,
            published=next((version for version in versions if version.is_published), None),
            **kwargs,
        )


class ReportCreateView(PermissionRequiredMixin, FormPageMixin, CreateView):
    permission_required = "annual_report.add_annualreport"
    model = AnnualReport
    form_class = AnnualReportForm
    create_title = "Ny årsrapport"
    list_url_name = "annual_report:report_list"
    saved_message = "Årsrapporten er opprettet: {object}. Generer et utkast når tekstene er klare."


class ReportUpdateView(ObjectPermissionRequiredMixin, FormPageMixin, UpdateView):
    permission_required = "annual_report.change_annualreport"
    model = AnnualReport
    form_class = AnnualReportForm
    saved_message = "Tekstene er lagret. De kommer med i neste utkast du genererer."


class GenerateVersionView(ObjectPermissionRequiredMixin, View):
    permission_required = "annual_report.generate_version"

    def get_object(self, queryset=None):
        return get_object_or_404(AnnualReport, pk=self.kwargs["pk"])

    def post(self, request, *args, **kwargs):
        job = request_draft(report=self.get_object(), user=request.user)
        return redirect(job)


class ApproveVersionView(ObjectPermissionRequiredMixin, FormView):
    permission_required = "annual_report.approve_version"
    form_class = ApprovalForm
    template_name = "annual_report/version_approve.html"

    def get_object(self, queryset=None):
        if not hasattr(self, "_version"):
            self._version = get_object_or_404(
                ReportVersion.objects.select_related("report"), pk=self.kwargs["pk"]
            )
        return self._version

    def get(self, request, *args, **kwargs):
        version = self.get_object()
        if version.is_published:
            messages.info(request, f"Versjon {version.number} er allerede godkjent og publisert.")
            return redirect(version.report)
        if job := approval_job(version):
            return redirect(job)  # under way: its page shows the progress
        return super().get(request, *args, **kwargs)

    def get_initial(self):
        return {"body": self.get_object().report.approving_body()}

    def get_context_data(self, **kwargs):
        return super().get_context_data(version=self.get_object(), **kwargs)

    def form_valid(self, form):
        try:
            job = request_approval(
                self.get_object(),
                body=form.cleaned_data["body"],
                approved_on=form.cleaned_data["approved_on"],
                remark=form.cleaned_data["remark"],
                user=self.request.user,
            )
        except ApprovalRefused as refusal:
            # A refusal about the date is shown on the date field, the others on the form.
            form.add_error(None, refusal)
            return self.form_invalid(form)
        return redirect(job)


class VersionPdfView(View):
    """A version's stored file, exactly as it was made. Drafts are the secretariat's: to
    everyone else they do not exist."""

    def get(self, request, *args, **kwargs):
        version = get_object_or_404(
            ReportVersion.objects.visible_to(request.user).select_related("report"),
            pk=kwargs["pk"],
        )
        try:
            content = version.pdf.read()
        except StorageUnavailable:
            return storage_unavailable_response()
        except FileNotFoundError as missing:
            raise Http404("Filen finnes ikke.") from missing
        finally:
            version.pdf.close()
        return pdf_response(content, version.filename)
