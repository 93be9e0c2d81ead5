"""URLs of the grants, under /tilskudd/ (namespace "grants")."""

from django.urls import path

from .views import applying, attachments, committees, decisions, rounds

app_name = "grants"

urlpatterns = [
    path("", rounds.RoundListView.as_view(), name="round_list"),
    path("runde/<int:pk>/", rounds.RoundDetailView.as_view(), name="round_detail"),
    path("soknad/<int:pk>/", rounds.ApplicationDetailView.as_view(), name="application_detail"),
    # The applicant's side: a draft, changed until it is sent in; the PDF copy
    path(
        "runde/<int:pk>/ny-soknad/",
        applying.ApplicationCreateView.as_view(),
        name="application_create",
    ),
    path(
        "soknad/<int:pk>/endre/", applying.ApplicationUpdateView.as_view(), name="application_edit"
    ),
    path(
        "soknad/<int:pk>/send-inn/",
        applying.ApplicationSubmitView.as_view(),
        name="application_submit",
    ),
    path(
        "soknad/<int:pk>/soknad.pdf", applying.ApplicationPdfView.as_view(), name="application_pdf"
    ),
    path(
        "soknad/<int:pk>/vedlegg/nytt/",
        attachments.ApplicationAttachmentUploadView.as_view(),
        name="application_attachment_upload",
    ),
    path(
        "soknad/vedlegg/<int:pk>/",
        attachments.ApplicationAttachmentDownloadView.as_view(),
        name="application_attachment_download",
    ),
    path(
        "soknad/vedlegg/<int:pk>/fjern/",
        attachments.ApplicationAttachmentDeleteView.as_view(),
        name="application_attachment_delete",
    ),
    # The committees' side: LSU prioritisation, SSU compilation, the final decision, exports
    path(
        "runde/<int:pk>/sektor/<int:sector_pk>/prioritering/",
        committees.PrioritisationView.as_view(),
        name="prioritisation",
    ),
    path(
        "runde/<int:pk>/sektor/<int:sector_pk>/prioritering/apne-igjen/",
        committees.ReopenPrioritisationView.as_view(),
        name="prioritisation_reopen",
    ),
    path(
        "runde/<int:pk>/sammenstilling/", committees.CompilationView.as_view(), name="compilation"
    ),
    path("runde/<int:pk>/vedtak/", decisions.DecisionsView.as_view(), name="decisions"),
    path("runde/<int:pk>/soknader.xlsx", decisions.RoundExportView.as_view(), name="round_export"),
    path(
        "runde/<int:pk>/vedtaksliste.pdf",
        decisions.DecisionListPdfView.as_view(),
        name="decision_list_pdf",
    ),
    path(
        "soknad/<int:pk>/anbefaling/",
        committees.RecommendationView.as_view(),
        name="recommendation",
    ),
    path(
        "runde/<int:pk>/vedtak/vedta/",
        decisions.AdoptDecisionsView.as_view(),
        name="decisions_adopt",
    ),
    path(
        "soknad/<int:pk>/vedtaksutkast/",
        decisions.DraftDecisionView.as_view(),
        name="decision_draft",
    ),
    path(
        "soknad/<int:pk>/rett-vedtak/",
        decisions.CorrectDecisionView.as_view(),
        name="decision_correct",
    ),
]
