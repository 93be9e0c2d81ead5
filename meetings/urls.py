"""URLs of the meetings, under /moter/ (namespace "meetings")."""

from django.urls import path

from . import views

app_name = "meetings"

urlpatterns = [
    path("", views.MeetingListView.as_view(), name="meeting_list"),
    path("nytt/", views.MeetingCreateView.as_view(), name="meeting_create"),
    path("<int:pk>/", views.MeetingDetailView.as_view(), name="meeting_detail"),
    path("<int:pk>/endre/", views.MeetingUpdateView.as_view(), name="meeting_edit"),
    path("<int:pk>/ny-sak/", views.ItemCreateView.as_view(), name="item_create"),
    path("<int:pk>/oppmote/", views.AttendanceView.as_view(), name="attendance"),
    path("<int:pk>/referat/", views.MinutesView.as_view(), name="minutes"),
    path("sak/<int:pk>/endre/", views.ItemUpdateView.as_view(), name="item_edit"),
    path("sak/<int:pk>/referat/", views.ItemMinutesView.as_view(), name="item_minutes"),
    path(
        "sak/<int:pk>/medlemsendring/",
        views.AnnouncementCreateView.as_view(),
        name="announcement_create",
    ),
]
