"""Root URLconf: the register's own pages; feature apps add theirs with include()."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import job_views, views

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("logg-inn/", views.LoginView.as_view(), name="login"),
    path("logg-ut/", auth_views.LogoutView.as_view(), name="logout"),
    # Bodies and their memberships
    path("organer/", views.BodyTreeView.as_view(), name="body_tree"),
    path("organer/nytt/", views.BodyCreateView.as_view(), name="body_create"),
    path("organer/<int:pk>/", views.BodyDetailView.as_view(), name="body_detail"),
    path("organer/<int:pk>/endre/", views.BodyUpdateView.as_view(), name="body_edit"),
    path("organer/<int:pk>/historikk/", views.BodyHistoryView.as_view(), name="body_history"),
    path(
        "organer/<int:body_pk>/medlemskap/nytt/",
        views.MembershipCreateView.as_view(),
        name="membership_create",
    ),
    path(
        "medlemskap/<int:pk>/endre/", views.MembershipUpdateView.as_view(), name="membership_edit"
    ),
    path(
        "medlemskap/<int:pk>/historikk/",
        views.MembershipHistoryView.as_view(),
        name="membership_history",
    ),
    # Organisations and their sector assignments
    path("virksomheter/", views.OrganisationListView.as_view(), name="organisation_list"),
    path("virksomheter/ny/", views.OrganisationCreateView.as_view(), name="organisation_create"),
    path(
        "virksomheter/<int:pk>/", views.OrganisationDetailView.as_view(), name="organisation_detail"
    ),
    path(
        "virksomheter/<int:pk>/endre/",
        views.OrganisationUpdateView.as_view(),
        name="organisation_edit",
    ),
    path(
        "virksomheter/<int:pk>/historikk/",
        views.OrganisationHistoryView.as_view(),
        name="organisation_history",
    ),
    path(
        "virksomheter/<int:organisation_pk>/sektor/ny/",
        views.SectorAssignmentCreateView.as_view(),
        name="sector_assignment_create",
    ),
    path(
        "sektortilhorighet/<int:pk>/endre/",
        views.SectorAssignmentUpdateView.as_view(),
        name="sector_assignment_edit",
    ),
    # People
    path("personer/", views.PersonListView.as_view(), name="person_list"),
    path("personer/ny/", views.PersonCreateView.as_view(), name="person_create"),
    path("personer/<int:pk>/", views.PersonDetailView.as_view(), name="person_detail"),
    path("personer/<int:pk>/endre/", views.PersonUpdateView.as_view(), name="person_edit"),
    path("personer/<int:pk>/historikk/", views.PersonHistoryView.as_view(), name="person_history"),
    path("dokumenter/<uuid:pk>/", job_views.DocumentJobView.as_view(), name="document_job"),
    path(
        "dokumenter/<uuid:pk>/last-ned/",
        job_views.DocumentJobDownloadView.as_view(),
        name="document_job_download",
    ),
    path(
        "dokumenter/<uuid:pk>/prov-igjen/",
        job_views.DocumentJobRetryView.as_view(),
        name="document_job_retry",
    ),
    path("portefolje/", include("portfolio.urls")),
    path("moter/", include("meetings.urls")),
    path("tilskudd/", include("grants.urls")),
    path("arsrapport/", include("annual_report.urls")),
    path("admin/", admin.site.urls),
]
