"""The plan's PDF, PowerPoint and Excel workbook for a large plan are made by the background
worker (helsefellesskap/jobs.py): at 400 measures the PDF takes seconds and a couple of hundred
MB, and the workbook at the import's size bounds (5 000 measures) takes 15 to 18 s, too much
for a web request. A plan of the usual size is still answered at once.

    if made_in_background(plan):
        job = request_plan_document(plan=plan, extension="xlsx", user=request.user)
"""

from helsefellesskap.jobs import BuiltDocument, DocumentError, DocumentJob, request_document

from .documents import download_filename, plan_pdf, plan_pptx
from .models import Measure, Plan
from .spreadsheet import export_plan

PLAN_DOCUMENT = "portfolio.plan_document"
# Measures above which the documents go to the worker: the real plan has 66 (about a second
# for the PDF); the bench's 400 take several.
BACKGROUND_FROM_MEASURES = 150
# extension -> (the name the job's title gives it, what makes it)
MAKERS = {
    "pdf": ("PDF", plan_pdf),
    "pptx": ("PowerPoint", plan_pptx),
    "xlsx": ("Excel", export_plan),
}


def made_in_background(plan: Plan) -> bool:
    return Measure.objects.of_plan(plan).count() > BACKGROUND_FROM_MEASURES


def request_plan_document(*, plan: Plan, extension: str, user) -> DocumentJob:
    label = MAKERS[extension][0]
    return request_document(
        kind=PLAN_DOCUMENT,
        key=f"portfolio:{plan.pk}:{extension}",
        title=f"{plan.title} som {label}",
        params={"plan": plan.pk, "extension": extension},
        user=user,
    )


def build_plan_document(params: dict, user) -> BuiltDocument:
    """The worker's part: today's plan, as it is when the worker gets to it."""
    plan = Plan.objects.filter(pk=params["plan"]).first()
    if plan is None:
        raise DocumentError("Planen finnes ikke lenger.")
    make = MAKERS[params["extension"]][1]
    return BuiltDocument(filename=download_filename(plan, params["extension"]), content=make(plan))
