"""Pages of the meetings: the year's meetings per body, a meeting with its notice, agenda,
attendance and minutes, and the pages that plan and keep them.

Everyone logged in reads meetings and agendas; who may keep them and read draft minutes is in
permissions.py.
"""

from django.utils import timezone
from django.utils.functional import cached_property
from django.views.generic import CreateView, DetailView, ListView, UpdateView
from rules.contrib.views import PermissionRequiredMixin

from helsefellesskap.views import FormPageMixin, ObjectPermissionRequiredMixin

from .forms import MeetingForm
from .models import Meeting


class YearMixin:
    """Pages about one year: ?aar=2025, this year by default."""

    @cached_property
    def year(self) -> int:
        try:
            year = int(self.request.GET.get("aar", ""))
        except ValueError:
            return timezone.localdate().year
        return year if 2000 <= year <= 2100 else timezone.localdate().year


class MeetingListView(YearMixin, ListView):
    template_name = "meetings/meeting_list.html"

    def get_queryset(self):
        return Meeting.objects.in_year(self.year).select_related("body", "minutes")

    def get_context_data(self, **kwargs):
        return super().get_context_data(year=self.year, **kwargs)


class MeetingDetailView(ObjectPermissionRequiredMixin, DetailView):
    queryset = Meeting.objects.with_agenda()
    permission_required = "meetings.view_meeting"
    template_name = "meetings/meeting_detail.html"

    def get_context_data(self, **kwargs):
        meeting = self.object
        user = self.request.user
        return super().get_context_data(
            items=list(meeting.items.all()),
            attendances=list(meeting.attendances.all()),
            can_keep=user.has_perm("meetings.change_meeting", meeting),
            can_view_minutes=user.has_perm("meetings.view_minutes", meeting),
            **kwargs,
        )


class MeetingCreateView(PermissionRequiredMixin, FormPageMixin, CreateView):
    model = Meeting
    form_class = MeetingForm
    permission_required = "meetings.add_meeting"
    create_title = "Nytt møte"
    list_url_name = "meetings:meeting_list"

    def form_valid(self, form):
        form.instance._history_user = self.request.user
        return super().form_valid(form)


class MeetingUpdateView(ObjectPermissionRequiredMixin, FormPageMixin, UpdateView):
    model = Meeting
    form_class = MeetingForm
    permission_required = "meetings.change_meeting"
