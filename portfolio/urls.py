"""URLs of the portfolio plans, under /portefolje/ (namespace "portfolio")."""

from django.urls import path

from . import views

app_name = "portfolio"

CELL = "<int:plan_pk>/tiltak/<int:measure_pk>/<int:year>/"
ROW = "<int:plan_pk>/<str:kind>/<int:pk>/"

urlpatterns = [
    path("", views.PlanListView.as_view(), name="plan_list"),
    path("ny-lokal-plan/", views.LocalPlanCreateView.as_view(), name="plan_create"),
    path("<int:pk>/", views.PlanDetailView.as_view(), name="plan_detail"),
    path("<int:plan_pk>/endringer/", views.PlanChangesView.as_view(), name="plan_changes"),
    path("<int:plan_pk>/oversikt/", views.PlanOverviewView.as_view(), name="plan_overview"),
    path("<int:plan_pk>/kopier/", views.PlanCopyView.as_view(), name="plan_copy"),
    path("<int:plan_pk>/plan.xlsx", views.PlanExcelExportView.as_view(), name="plan_export"),
    path("<int:plan_pk>/plan.pdf", views.PlanPdfView.as_view(), name="plan_pdf"),
    path("<int:plan_pk>/plan.pptx", views.PlanPptxView.as_view(), name="plan_pptx"),
    path("<int:plan_pk>/import/", views.PlanImportView.as_view(), name="plan_import"),
    # One cell: shown, edited, and its history
    path(CELL, views.CellView.as_view(), name="cell"),
    path(f"{CELL}endre/", views.CellEditView.as_view(), name="cell_edit"),
    path(f"{CELL}historikk/", views.CellHistoryView.as_view(), name="cell_history"),
    # The plan's rows: focus areas, groups of measures, measures
    path("<int:plan_pk>/omrade/nytt/", views.FocusAreaCreateView.as_view(), name="area_create"),
    path(
        "<int:plan_pk>/omrade/<int:pk>/endre/",
        views.FocusAreaUpdateView.as_view(),
        name="area_edit",
    ),
    path(
        "<int:plan_pk>/omrade/<int:area_pk>/ny-gruppe/",
        views.MeasureGroupCreateView.as_view(),
        name="group_create",
    ),
    path(
        "<int:plan_pk>/gruppe/<int:pk>/endre/",
        views.MeasureGroupUpdateView.as_view(),
        name="group_edit",
    ),
    path("<int:plan_pk>/tiltak/nytt/", views.MeasureCreateView.as_view(), name="measure_create"),
    path(
        "<int:plan_pk>/tiltak/<int:pk>/endre/",
        views.MeasureUpdateView.as_view(),
        name="measure_edit",
    ),
    path(f"{ROW}flytt/", views.PlanRowMoveView.as_view(), name="row_move"),
    path(f"{ROW}fjern/", views.PlanRowDeleteView.as_view(), name="row_delete"),
]
