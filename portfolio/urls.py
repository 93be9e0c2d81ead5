"""URLs of the portfolio plans, under /portefolje/ (namespace "portfolio")."""

from django.urls import path

from .views import cells, documents, plans, rows, spreadsheet

app_name = "portfolio"

CELL = "<int:plan_pk>/tiltak/<int:measure_pk>/<int:year>/"
ROW = "<int:plan_pk>/<str:kind>/<int:pk>/"

urlpatterns = [
    path("", plans.PlanListView.as_view(), name="plan_list"),
    path("ny-lokal-plan/", plans.LocalPlanCreateView.as_view(), name="plan_create"),
    path("<int:pk>/", plans.PlanDetailView.as_view(), name="plan_detail"),
    path("<int:plan_pk>/endringer/", plans.PlanChangesView.as_view(), name="plan_changes"),
    path("<int:plan_pk>/oversikt/", plans.PlanOverviewView.as_view(), name="plan_overview"),
    path("<int:plan_pk>/kopier/", plans.PlanCopyView.as_view(), name="plan_copy"),
    path("<int:plan_pk>/plan.xlsx", spreadsheet.PlanExcelExportView.as_view(), name="plan_export"),
    path("<int:plan_pk>/plan.pdf", documents.PlanPdfView.as_view(), name="plan_pdf"),
    path("<int:plan_pk>/plan.pptx", documents.PlanPptxView.as_view(), name="plan_pptx"),
    path("<int:plan_pk>/import/", spreadsheet.PlanImportView.as_view(), name="plan_import"),
    path(
        "<int:plan_pk>/import/<int:import_pk>/",
        spreadsheet.PlanImportPreviewView.as_view(),
        name="plan_import_preview",
    ),
    # One cell: shown, edited, and its history
    path(CELL, cells.CellView.as_view(), name="cell"),
    path(f"{CELL}endre/", cells.CellEditView.as_view(), name="cell_edit"),
    path(f"{CELL}historikk/", cells.CellHistoryView.as_view(), name="cell_history"),
    path("<int:plan_pk>/celler/status/", cells.CellBulkStatusView.as_view(), name="cell_status"),
    # The plan's rows: focus areas, groups of measures, measures
    path("<int:plan_pk>/omrade/nytt/", rows.FocusAreaCreateView.as_view(), name="area_create"),
    path(
        "<int:plan_pk>/omrade/<int:pk>/endre/",
        rows.FocusAreaUpdateView.as_view(),
        name="area_edit",
    ),
    path(
        "<int:plan_pk>/omrade/<int:area_pk>/ny-gruppe/",
        rows.MeasureGroupCreateView.as_view(),
        name="group_create",
    ),
    path(
        "<int:plan_pk>/gruppe/<int:pk>/endre/",
        rows.MeasureGroupUpdateView.as_view(),
        name="group_edit",
    ),
    path("<int:plan_pk>/tiltak/nytt/", rows.MeasureCreateView.as_view(), name="measure_create"),
    path(
        "<int:plan_pk>/tiltak/<int:pk>/endre/",
        rows.MeasureUpdateView.as_view(),
        name="measure_edit",
    ),
    path(f"{ROW}flytt/", rows.PlanRowMoveView.as_view(), name="row_move"),
    path(f"{ROW}fjern/", rows.PlanRowDeleteView.as_view(), name="row_delete"),
]
