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
    # The annual wheel, next year's draft and calendar files
    path("aarshjul/", views.YearWheelView.as_view(), name="year_wheel"),
    path("aarshjul/<int:year>/neste-aar/", views.YearDraftView.as_view(), name="year_draft"),
    path("aktiviteter/ny/", views.ActivityCreateView.as_view(), name="activity_create"),
    path("aktiviteter/<int:pk>/endre/", views.ActivityUpdateView.as_view(), name="activity_edit"),
    path("<int:pk>/moete.ics", views.MeetingIcsView.as_view(), name="meeting_ics"),
    path("kalender/organ/<str:token>.ics", views.BodyFeedView.as_view(), name="body_feed"),
    path("kalender/person/<str:token>.ics", views.PersonFeedView.as_view(), name="person_feed"),
    path("<int:pk>/referat.pdf", views.MinutesPdfView.as_view(), name="minutes_pdf"),
    path("sok/", views.SearchView.as_view(), name="search"),
    # Attachments, follow-ups and the e-mailed notice
    path(
        "sak/<int:item_pk>/vedlegg/nytt/",
        views.AttachmentUploadView.as_view(),
        name="attachment_upload",
    ),
    path("vedlegg/<int:pk>/", views.AttachmentDownloadView.as_view(), name="attachment_download"),
    path("vedlegg/<int:pk>/fjern/", views.AttachmentDeleteView.as_view(), name="attachment_delete"),
    path(
        "sak/<int:item_pk>/oppfolging/ny/",
        views.FollowUpCreateView.as_view(),
        name="followup_create",
    ),
    path("oppfolging/<int:pk>/endre/", views.FollowUpUpdateView.as_view(), name="followup_edit"),
    path("oppfolginger/", views.FollowUpListView.as_view(), name="followup_list"),
    path("<int:pk>/send-innkalling/", views.NoticeSendView.as_view(), name="notice_send"),
]
