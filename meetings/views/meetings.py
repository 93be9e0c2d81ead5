"""The year's meetings, one meeting's page, and creating, changing and cancelling a
meeting."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.utils.functional import cached_property
from django.views.generic import CreateView, DetailView, FormView, ListView, UpdateView
from rules.contrib.views import PermissionRequiredMixin

from helsefellesskap.models import Body
from helsefellesskap.pages import (
    FormPageMixin,
    ObjectPermissionRequiredMixin,
    UnprocessableFormMixin,
)
from helsefellesskap.permissions import is_secretariat

from ..cancelling import cancel_meeting
from ..forms import CancelMeetingForm, MeetingForm
from ..meeting_page import agenda_flags, record_html
from ..minutes import MinutesLocked
from ..models import Meeting
from ..notice import outdated_notice_message
from ..permissions import bodies_kept_by
from .mixins import (
    HiddenFromOtherKeepersMixin,
    MeetingKeeperMixin,
    RefusedOnceLockedMixin,
    YearMixin,
)


class MeetingListView(YearMixin, ListView):
    """The year's meetings; ?organ=<pk> lists one body's meetings of every year instead, the
    newest first (the body page's "Alle møter")."""

    template_name = "meetings/meeting_list.html"
    paginate_by = 100
    page_kwarg = "side"

    @cached_property
    def body(self) -> Body | None:
        pk = self.request.GET.get("organ", "")
        return Body.objects.filter(pk=pk).first() if pk.isdigit() else None

    def get_queryset(self):
        meetings = Meeting.objects.select_related("body", "minutes").prefetch_related("body__names")
        if self.body is not None:
            return meetings.filter(body=self.body).order_by("-starts_at")
        return meetings.in_year(self.year)

    def get_context_data(self, **kwargs):
        years = self.years_to_show() if self.body is None else []
        return super().get_context_data(year=self.year, body=self.body, years=years, **kwargs)

    def years_to_show(self) -> list[int]:
        """Every year with meetings, and the shown year with its neighbours: the 2019
        meetings are one click away, not behind five empty years."""
        years = set(Meeting.objects.years())
        years.update((self.year - 1, self.year, self.year + 1))
        return sorted(years)


class MeetingDetailView(ObjectPermissionRequiredMixin, DetailView):
    """A meeting's page; its agenda and participants come from meeting_page.py (cached once
    the minutes are locked)."""

    queryset = Meeting.objects.with_header()
    permission_required = "meetings.view_meeting"
    template_name = "meetings/meeting_detail.html"

    def get_context_data(self, **kwargs):
        meeting = self.object
        user = self.request.user
        flags = agenda_flags(meeting, user)
        return super().get_context_data(
            can_manage_minutes=user.has_perm("meetings.manage_minutes", meeting),
            record=record_html(meeting, request=self.request, flags=flags),
            **flags,
            **kwargs,
        )


class MeetingCreateView(PermissionRequiredMixin, FormPageMixin, CreateView):
    """A new meeting of one of the bodies the user keeps (?organ=<pk> chooses it first);
    HistoryRequestMiddleware records who created it."""

    model = Meeting
    form_class = MeetingForm
    permission_required = "meetings.create_meeting"
    create_title = "Nytt møte"
    list_url_name = "meetings:meeting_list"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "bodies": bodies_kept_by(self.request.user)}

    def get_initial(self):
        return {**super().get_initial(), "body": self.request.GET.get("organ", "")}


class MeetingUpdateView(
    HiddenFromOtherKeepersMixin, ObjectPermissionRequiredMixin, FormPageMixin, UpdateView
):
    """Change a meeting's time, place and header. Once its minutes are approved the meeting is
    part of the record and is not changed here."""

    model = Meeting
    form_class = MeetingForm
    permission_required = "meetings.change_meeting"

    def page_body(self):
        return self.get_object().body

    def dispatch(self, request, *args, **kwargs):
        meeting = self.get_object()
        if request.user.has_perm(self.permission_required, meeting) and meeting.minutes_locked:
            messages.error(request, "Referatet er godkjent, så møtet kan ikke endres lenger.")
            return HttpResponseRedirect(meeting.get_absolute_url())
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        # Only the secretariat moves a meeting to another body, and only while it has no
        # items (their numbers belong to the body and year).
        fixed_body = self.object.items.exists() or not is_secretariat(self.request.user)
        return {**super().get_form_kwargs(), "fixed_body": fixed_body}

    def form_valid(self, form):
        response = super().form_valid(form)
        if outdated := outdated_notice_message(self.object, form.changed_data):
            messages.warning(self.request, outdated)
        return response


class MeetingCancelView(
    MeetingKeeperMixin, RefusedOnceLockedMixin, UnprocessableFormMixin, FormView
):
    """Cancel a meeting with a reason (cancelling.py); it stays in the record as "Avlyst"."""

    form_class = CancelMeetingForm
    template_name = "meetings/meeting_cancel.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(meeting=self.meeting, **kwargs)

    def form_valid(self, form):
        try:
            told = cancel_meeting(
                self.meeting, reason=form.cleaned_data["reason"], user=self.request.user
            )
        except MinutesLocked as error:
            return self.locked_response(error)
        except ValidationError as error:
            form.add_error("reason", error)
            return self.form_invalid(form)
        text = "Møtet er avlyst."
        if told:
            text += f" {told} {'medlem' if told == 1 else 'medlemmer'} har fått beskjed på e-post."
        messages.success(self.request, text)
        return HttpResponseRedirect(self.meeting.get_absolute_url())
