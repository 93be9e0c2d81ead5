"""URLs of the grants, under /tilskudd/ (namespace "grants")."""

from django.urls import path

from . import views

app_name = "grants"

urlpatterns = [
    path("", views.RoundListView.as_view(), name="round_list"),
    path("runde/<int:pk>/", views.RoundDetailView.as_view(), name="round_detail"),
    path("soknad/<int:pk>/", views.ApplicationDetailView.as_view(), name="application_detail"),
]
