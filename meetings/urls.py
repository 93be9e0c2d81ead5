"""URLs of the meetings, under /moter/ (namespace "meetings")."""

from django.urls import path

from . import views

app_name = "meetings"

urlpatterns = [
    path("", views.MeetingListView.as_view(), name="meeting_list"),
    path("nytt/", views.MeetingCreateView.as_view(), name="meeting_create"),
    path("<int:pk>/", views.MeetingDetailView.as_view(), name="meeting_detail"),
    path("<int:pk>/endre/", views.MeetingUpdateView.as_view(), name="meeting_edit"),
]
