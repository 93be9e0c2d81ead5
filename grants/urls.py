"""URLs of the grants, under /tilskudd/ (namespace "grants")."""

from django.urls import path

from . import views

app_name = "grants"

urlpatterns = [
    path("", views.RoundListView.as_view(), name="round_list"),
    path("runde/<int:pk>/", views.RoundDetailView.as_view(), name="round_detail"),
    path("soknad/<int:pk>/", views.ApplicationDetailView.as_view(), name="application_detail"),
    # The applicant's side: a draft, changed until it is sent in; the PDF copy
    path(
        "runde/<int:pk>/ny-soknad/",
        views.ApplicationCreateView.as_view(),
        name="application_create",
    ),
    path("soknad/<int:pk>/endre/", views.ApplicationUpdateView.as_view(), name="application_edit"),
    path(
        "soknad/<int:pk>/send-inn/",
        views.ApplicationSubmitView.as_view(),
        name="application_submit",
    ),
    path("soknad/<int:pk>/soknad.pdf", views.ApplicationPdfView.as_view(), name="application_pdf"),
    path(
        "soknad/<int:pk>/vedlegg/nytt/",
        views.ApplicationAttachmentUploadView.as_view(),
        name="application_attachment_upload",
    ),
    path(
        "soknad/vedlegg/<int:pk>/",
        views.ApplicationAttachmentDownloadView.as_view(),
        name="application_attachment_download",
    ),
    path(
        "soknad/vedlegg/<int:pk>/fjern/",
        views.ApplicationAttachmentDeleteView.as_view(),
        name="application_attachment_delete",
    ),
    # The committees' side: LSU prioritisation, SSU compilation, the final decision, exports
    path(
        "runde/<int:pk>/sektor/<int:sector_pk>/prioritering/",
        views.PrioritisationView.as_view(),
        name="prioritisation",
    ),
    path("runde/<int:pk>/sammenstilling/", views.CompilationView.as_view(), name="compilation"),
    path("runde/<int:pk>/vedtak/", views.DecisionsView.as_view(), name="decisions"),
    path("runde/<int:pk>/soknader.xlsx", views.RoundExportView.as_view(), name="round_export"),
    path(
        "runde/<int:pk>/vedtaksliste.pdf",
        views.DecisionListPdfView.as_view(),
        name="decision_list_pdf",
    ),
    path("soknad/<int:pk>/anbefaling/", views.RecommendationView.as_view(), name="recommendation"),
    path("soknad/<int:pk>/vedtak/", views.DecideView.as_view(), name="decide"),
]
