"""The plan in Excel: the export, and the import that shows every change before it writes."""

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.utils.crypto import constant_time_compare, get_random_string
from django.views import View
from django.views.generic import FormView

from helsefellesskap.files import download_response
from helsefellesskap.pages import UnprocessableFormMixin

from .. import spreadsheet
from ..documents import download_filename
from ..forms import PlanImportForm
from .plans import PlanMixin


class PlanExcelExportView(PlanMixin, View):
    """Today's plan as an Excel workbook, to read, share or edit and import again."""

    permission_required = "portfolio.view_plan"

    def get(self, request, *args, **kwargs):
        return download_response(
            spreadsheet.export_plan(self.plan),
            download_filename(self.plan, "xlsx"),
            spreadsheet.CONTENT_TYPE,
        )


class PlanImportView(PlanMixin, UnprocessableFormMixin, FormView):
    """Upload an edited workbook, see every cell it would change, then confirm.

    Between the preview and the confirmation the session keeps what the preview showed (the
    changes, each with the version its cell had), not the file. That is small, lives in the
    database like every session (so it works with several app servers, unlike a temporary
    file), belongs to this user only, and leaves nothing on disk to clean up. Confirming
    writes exactly what was shown; a cell saved by someone else in between fails the version
    check and the whole import is rolled back. A new upload replaces an earlier preview.
    """

    form_class = PlanImportForm
    template_name = "portfolio/plan_import.html"
    session_key = "portfolio_import"

    def post(self, request, *args, **kwargs):
        if "token" in request.POST:
            return self.confirm(request)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        preview = spreadsheet.preview_import(self.plan, form.cleaned_data["file"])
        return render(
            self.request,
            "portfolio/plan_import_preview.html",
            {
                "plan": self.plan,
                "preview": preview,
                "token": self.keep_for_confirmation(preview),
                "file_name": form.cleaned_data["file"].name,
                "form": PlanImportForm(),
            },
            status=422 if preview.problems else 200,
        )

    def keep_for_confirmation(self, preview: spreadsheet.ImportPreview) -> str | None:
        """Keep the preview's changes in the session under a new token (None when there is
        nothing to confirm); any earlier preview is dropped."""
        self.request.session.pop(self.session_key, None)
        if not preview.can_apply:
            return None
        token = get_random_string(32)
        self.request.session[self.session_key] = {
            "token": token,
            "plan": self.plan.pk,
            "changes": preview.changes_as_data(),
        }
        return token

    def confirm(self, request):
        stored = request.session.pop(self.session_key, None)
        if (
            not stored
            or stored.get("plan") != self.plan.pk
            or not constant_time_compare(stored.get("token", ""), request.POST["token"])
        ):
            messages.error(request, "Forhåndsvisningen finnes ikke lenger. Last opp filen på nytt.")
            return HttpResponseRedirect(request.path)
        preview = spreadsheet.ImportPreview.from_changes_data(stored["changes"])
        try:
            count = spreadsheet.apply_import(self.plan, preview, request.user)
        except spreadsheet.ImportConflict as conflict:
            messages.error(request, str(conflict))
            return HttpResponseRedirect(request.path)
        messages.success(
            request,
            "1 celle er oppdatert fra Excel."
            if count == 1
            else f"{count} celler er oppdatert fra Excel.",
        )
        return HttpResponseRedirect(self.plan.get_absolute_url())
