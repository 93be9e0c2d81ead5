"""Today's plan as documents to read and share: a landscape PDF and PowerPoint slides; a large
plan's are made by the background worker, and the page of its job offers the file."""

from django.shortcuts import redirect
from django.views import View

from helsefellesskap.files import download_response
from helsefellesskap.pdf import pdf_response

from ..background_documents import made_in_background, request_plan_document
from ..documents import PPTX_CONTENT_TYPE, download_filename, plan_pdf, plan_pptx
from .plans import PlanMixin


class PlanPdfView(PlanMixin, View):
    """Today's plan as a landscape PDF, one focus area per page (shown in the browser)."""

    permission_required = "portfolio.view_plan"

    def get(self, request, *args, **kwargs):
        if made_in_background(self.plan):
            return redirect(
                request_plan_document(plan=self.plan, extension="pdf", user=request.user)
            )
        pdf = plan_pdf(self.plan, request=request)
        return pdf_response(pdf, download_filename(self.plan, "pdf"))


class PlanPptxView(PlanMixin, View):
    """Today's plan as 16:9 PowerPoint slides, like the partnership's own (a download)."""

    permission_required = "portfolio.view_plan"

    def get(self, request, *args, **kwargs):
        if made_in_background(self.plan):
            job = request_plan_document(plan=self.plan, extension="pptx", user=request.user)
            return redirect(job)
        return download_response(
            plan_pptx(self.plan), download_filename(self.plan, "pptx"), PPTX_CONTENT_TYPE
        )
