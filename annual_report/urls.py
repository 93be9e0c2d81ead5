"""URLs of the annual reports, under /arsrapport/ (namespace "annual_report")."""

from django.urls import path

from . import views

app_name = "annual_report"

urlpatterns = [
    path("", views.ReportListView.as_view(), name="report_list"),
    path("ny/", views.ReportCreateView.as_view(), name="report_create"),
    path("<int:pk>/", views.ReportDetailView.as_view(), name="report_detail"),
    path("<int:pk>/endre/", views.ReportUpdateView.as_view(), name="report_edit"),
    path("<int:pk>/generer/", views.GenerateVersionView.as_view(), name="version_generate"),
    path("versjon/<int:pk>/godkjenn/", views.ApproveVersionView.as_view(), name="version_approve"),
    path("versjon/<int:pk>/pdf/", views.VersionPdfView.as_view(), name="version_pdf"),
]
