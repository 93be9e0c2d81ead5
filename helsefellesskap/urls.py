"""Root URLconf: the register's own pages; feature apps add theirs with include()."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import health
from .views import bodies, deleted, documents, home, memberships, organisations, people

urlpatterns = [
    path("", home.HomeView.as_view(), name="home"),
    path("venter/antall/", home.WaitingCountsView.as_view(), name="waiting_counts"),
    path("helse/", health.health, name="health"),
    path("logg-inn/", home.LoginView.as_view(), name="login"),
    path("logg-ut/", auth_views.LogoutView.as_view(), name="logout"),
    # Bodies and their memberships
    path("organer/", bodies.BodyTreeView.as_view(), name="body_tree"),
    path("organer/nytt/", bodies.BodyCreateView.as_view(), name="body_create"),
    path("organer/<int:pk>/", bodies.BodyDetailView.as_view(), name="body_detail"),
    path("organer/<int:pk>/endre/", bodies.BodyUpdateView.as_view(), name="body_edit"),
    path("organer/<int:pk>/historikk/", bodies.BodyHistoryView.as_view(), name="body_history"),
    path(
        "organer/<int:body_pk>/navn/nytt/",
        bodies.BodyNameCreateView.as_view(),
        name="body_name_create",
    ),
    path(
        "organer/navn/<int:pk>/endre/", bodies.BodyNameUpdateView.as_view(), name="body_name_edit"
    ),
    path(
        "organer/<int:pk>/tidligere-medlemmer/",
        bodies.BodyPastMembersView.as_view(),
        name="body_past_members",
    ),
    path(
        "organer/<int:body_pk>/medlemskap/nytt/",
        memberships.MembershipCreateView.as_view(),
        name="membership_create",
    ),
    path(
        "medlemskap/<int:pk>/endre/",
        memberships.MembershipUpdateView.as_view(),
        name="membership_edit",
    ),
    path(
        "medlemskap/<int:pk>/historikk/",
        memberships.MembershipHistoryView.as_view(),
        name="membership_history",
    ),
    # Organisations and their sector assignments
    path("virksomheter/", organisations.OrganisationListView.as_view(), name="organisation_list"),
    path(
        "virksomheter/ny/",
        organisations.OrganisationCreateView.as_view(),
        name="organisation_create",
    ),
    path(
        "virksomheter/<int:pk>/",
        organisations.OrganisationDetailView.as_view(),
        name="organisation_detail",
    ),
    path(
        "virksomheter/<int:pk>/endre/",
        organisations.OrganisationUpdateView.as_view(),
        name="organisation_edit",
    ),
    path(
        "virksomheter/<int:pk>/historikk/",
        organisations.OrganisationHistoryView.as_view(),
        name="organisation_history",
    ),
    path(
        "virksomheter/<int:organisation_pk>/sektor/ny/",
        organisations.SectorAssignmentCreateView.as_view(),
        name="sector_assignment_create",
    ),
    path(
        "sektortilhorighet/<int:pk>/endre/",
        organisations.SectorAssignmentUpdateView.as_view(),
        name="sector_assignment_edit",
    ),
    # People
    path("personer/", people.PersonListView.as_view(), name="person_list"),
    path("personer/ny/", people.PersonCreateView.as_view(), name="person_create"),
    path("personer/<int:pk>/", people.PersonDetailView.as_view(), name="person_detail"),
    path("personer/<int:pk>/endre/", people.PersonUpdateView.as_view(), name="person_edit"),
    path("personer/<int:pk>/historikk/", people.PersonHistoryView.as_view(), name="person_history"),
    path("dokumenter/<uuid:pk>/", documents.DocumentJobView.as_view(), name="document_job"),
    path(
        "dokumenter/<uuid:pk>/last-ned/",
        documents.DocumentJobDownloadView.as_view(),
        name="document_job_download",
    ),
    path(
        "dokumenter/<uuid:pk>/prov-igjen/",
        documents.DocumentJobRetryView.as_view(),
        name="document_job_retry",
    ),
    # Deleted objects, restored from their history by the secretariat
    path("slettet/", deleted.DeletedListView.as_view(), name="deleted_list"),
    path(
        "slettet/<str:model_label>/<int:history_id>/gjenopprett/",
        deleted.DeletedRestoreView.as_view(),
        name="deleted_restore",
    ),
    path("portefolje/", include("portfolio.urls")),
    path("moter/", include("meetings.urls")),
    path("tilskudd/", include("grants.urls")),
    path("arsrapport/", include("annual_report.urls")),
    path("admin/", admin.site.urls),
]
