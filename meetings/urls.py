"""URLs of the meetings, under /moter/ (namespace "meetings")."""

from django.urls import path

from .views import (
    agenda,
    attachments,
    attendance,
    calendar,
    follow_ups,
    meetings,
    minutes,
    notice,
    search,
    year_plan,
)

app_name = "meetings"

urlpatterns = [
    path("", meetings.MeetingListView.as_view(), name="meeting_list"),
    path("nytt/", meetings.MeetingCreateView.as_view(), name="meeting_create"),
    path("<int:pk>/", meetings.MeetingDetailView.as_view(), name="meeting_detail"),
    path("<int:pk>/endre/", meetings.MeetingUpdateView.as_view(), name="meeting_edit"),
    path("<int:pk>/avlys/", meetings.MeetingCancelView.as_view(), name="meeting_cancel"),
    path("<int:pk>/ny-sak/", agenda.ItemCreateView.as_view(), name="item_create"),
    path("<int:pk>/oppmote/", attendance.AttendanceView.as_view(), name="attendance"),
    path("<int:pk>/referat/", minutes.MinutesView.as_view(), name="minutes"),
    path("sak/<int:item_pk>/endre/", agenda.ItemUpdateView.as_view(), name="item_edit"),
    path("sak/<int:item_pk>/flytt/", agenda.ItemMoveView.as_view(), name="item_move"),
    path("sak/<int:item_pk>/referat/", minutes.ItemMinutesView.as_view(), name="item_minutes"),
    path("sak/<int:item_pk>/ny-del/", minutes.ItemPartCreateView.as_view(), name="part_create"),
    path("del/<int:part_pk>/endre/", minutes.ItemPartUpdateView.as_view(), name="part_edit"),
    path("del/<int:part_pk>/flytt/", minutes.ItemPartMoveView.as_view(), name="part_move"),
    path(
        "sak/<int:item_pk>/medlemsendring/",
        agenda.AnnouncementCreateView.as_view(),
        name="announcement_create",
    ),
    # The annual wheel, next year's draft and calendar files
    path("aarshjul/", year_plan.YearWheelView.as_view(), name="year_wheel"),
    path("aarshjul/<int:year>/neste-aar/", year_plan.YearDraftView.as_view(), name="year_draft"),
    path("aktiviteter/ny/", year_plan.ActivityCreateView.as_view(), name="activity_create"),
    path(
        "aktiviteter/<int:pk>/endre/",
        year_plan.ActivityUpdateView.as_view(),
        name="activity_edit",
    ),
    path("<int:pk>/moete.ics", calendar.MeetingIcsView.as_view(), name="meeting_ics"),
    path("kalender/organ/<str:token>.ics", calendar.BodyFeedView.as_view(), name="body_feed"),
    path("kalender/person/<str:token>.ics", calendar.PersonFeedView.as_view(), name="person_feed"),
    path("<int:pk>/referat.pdf", minutes.MinutesPdfView.as_view(), name="minutes_pdf"),
    path("sok/", search.SearchView.as_view(), name="search"),
    # Attachments, follow-ups and the e-mailed notice
    path(
        "sak/<int:item_pk>/vedlegg/nytt/",
        attachments.AttachmentUploadView.as_view(),
        name="attachment_upload",
    ),
    path(
        "vedlegg/<int:pk>/",
        attachments.AttachmentDownloadView.as_view(),
        name="attachment_download",
    ),
    path(
        "vedlegg/<int:pk>/fjern/",
        attachments.AttachmentDeleteView.as_view(),
        name="attachment_delete",
    ),
    path(
        "sak/<int:item_pk>/oppfolging/ny/",
        follow_ups.FollowUpCreateView.as_view(),
        name="followup_create",
    ),
    path(
        "oppfolging/<int:pk>/endre/",
        follow_ups.FollowUpUpdateView.as_view(),
        name="followup_edit",
    ),
    path("oppfolginger/", follow_ups.FollowUpListView.as_view(), name="followup_list"),
    path("<int:pk>/send-innkalling/", notice.NoticeSendView.as_view(), name="notice_send"),
    path("<int:pk>/innkalling.pdf", notice.NoticePdfView.as_view(), name="notice_pdf"),
]
