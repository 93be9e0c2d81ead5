"""Today's plan as documents to read and share: a landscape PDF and PowerPoint slides."""

from django.views import View

from helsefellesskap.files import download_response
from helsefellesskap.pdf import pdf_response

from ..documents import PPTX_CONTENT_TYPE, download_filename, plan_pdf, plan_pptx
from .plans import PlanMixin


class PlanPdfView(PlanMixin, View):
    """Today's plan as a landscape PDF, one focus area per page (shown in the browser)."""

    permission_required = "portfolio.view_plan"

    def get(self, request, *args, **kwargs):
        pdf = plan_pdf(self.plan, request=request)
        return pdf_response(pdf, download_filename(self.plan, "pdf"))


class PlanPptxView(PlanMixin, View):
    """Today's plan as 16:9 PowerPoint slides, like the partnership's own (a download)."""

    permission_required = "portfolio.view_plan"

    def get(self, request, *args, **kwargs):
        return download_response(
            plan_pptx(self.plan), download_filename(self.plan, "pptx"), PPTX_CONTENT_TYPE
        )
