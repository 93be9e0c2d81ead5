"""Pages of the meetings: the year's meetings per body, a meeting with its notice, agenda,
attendance and minutes, and the pages that plan and keep them.

Everyone logged in reads meetings and agendas; who may keep them and read draft minutes is in
permissions.py.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.functional import cached_property
from django.views import View
from django.views.generic import CreateView, DetailView, ListView, UpdateView
from rules.contrib.views import PermissionRequiredMixin

from helsefellesskap.models import today
from helsefellesskap.views import FormPageMixin, ObjectPermissionRequiredMixin

from . import minutes
from .attendance import record_attendance
from .forms import (
    AnnouncementForm,
    ApproveMinutesForm,
    AttendanceForm,
    IntroductionForm,
    ItemForm,
    ItemMinutesForm,
    MeetingForm,
)
from .minutes import announce_membership_change
from .models import Item, Meeting


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


class MeetingKeeperMixin(PermissionRequiredMixin):
    """Pages that keep one meeting (its agenda, attendance, minutes): the meeting is loaded
    once and the permission checked against it."""

    permission_required = "meetings.change_meeting"
    meeting_kwarg = "pk"

    @cached_property
    def meeting(self) -> Meeting:
        return get_object_or_404(
            Meeting.objects.select_related("body"), pk=self.kwargs[self.meeting_kwarg]
        )

    def get_permission_object(self):
        return self.meeting

    def locked_response(self, error):
        messages.error(self.request, str(error))
        return HttpResponseRedirect(self.meeting.get_absolute_url())


class ItemMixin(MeetingKeeperMixin):
    """Pages of one item: /moter/sak/<pk>/..."""

    @cached_property
    def item(self) -> Item:
        return get_object_or_404(Item.objects.select_related("meeting__body"), pk=self.kwargs["pk"])

    @cached_property
    def meeting(self) -> Meeting:
        return self.item.meeting


class ItemCreateView(MeetingKeeperMixin, FormPageMixin, CreateView):
    model = Item
    form_class = ItemForm
    create_title = "Ny sak"

    def get_success_url(self):
        return f"{self.meeting.get_absolute_url()}#sak-{self.object.pk}"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"cancel_url": self.meeting.get_absolute_url()}

    def form_valid(self, form):
        item = form.save(commit=False)
        item.meeting = self.meeting
        try:
            with transaction.atomic():
                self.object = minutes.add_item(item, user=self.request.user)
                form.save_m2m()
        except minutes.MinutesLocked as error:
            return self.locked_response(error)
        messages.success(self.request, f"Lagt til: sak {self.object.label} {self.object.title}.")
        return HttpResponseRedirect(self.get_success_url())


class ItemUpdateView(ItemMixin, FormPageMixin, UpdateView):
    form_class = ItemForm

    def get_object(self, queryset=None):
        return self.item

    def get_success_url(self):
        return f"{self.meeting.get_absolute_url()}#sak-{self.object.pk}"

    def form_valid(self, form):
        try:
            with transaction.atomic():
                minutes.change_agenda_item(
                    form.save(commit=False),
                    user=self.request.user,
                    reason=form.cleaned_data.get("change_reason", ""),
                )
                form.save_m2m()
        except minutes.MinutesLocked as error:
            return self.locked_response(error)
        messages.success(self.request, f"Lagret: sak {self.object.label}.")
        return HttpResponseRedirect(self.get_success_url())


class ItemMinutesView(ItemMixin, View):
    """Write an item's minutes and decision; once the minutes are approved, the same page is
    a correction that needs a reason."""

    template_name = "meetings/item_minutes.html"

    def get(self, request, *args, **kwargs):
        return self.render(
            self.form(
                initial={"minutes_text": self.item.minutes_text, "decision": self.item.decision}
            )
        )

    def post(self, request, *args, **kwargs):
        form = self.form(data=request.POST)
        if not form.is_valid():
            return self.render(form, status=422)
        data = form.cleaned_data
        try:
            if self.correction:
                minutes.correct_item_minutes(
                    self.item,
                    minutes_text=data["minutes_text"],
                    decision=data["decision"],
                    reason=data["reason"],
                    user=request.user,
                )
            else:
                minutes.write_item_minutes(
                    self.item,
                    minutes_text=data["minutes_text"],
                    decision=data["decision"],
                    user=request.user,
                )
        except minutes.MinutesLocked as error:
            return self.locked_response(error)
        messages.success(request, f"Lagret referatet for sak {self.item.label}.")
        return HttpResponseRedirect(f"{self.meeting.get_absolute_url()}#sak-{self.item.pk}")

    @cached_property
    def correction(self) -> bool:
        return self.meeting.minutes_locked

    def form(self, **kwargs):
        return ItemMinutesForm(correction=self.correction, **kwargs)

    def render(self, form, status=200):
        return render(
            self.request,
            self.template_name,
            {
                "form": form,
                "item": self.item,
                "meeting": self.meeting,
                "correction": self.correction,
            },
            status=status,
        )


class AttendanceView(MeetingKeeperMixin, View):
    """Record everyone's attendance on one page: invited members, deputies, other participants."""

    template_name = "meetings/attendance.html"

    def get(self, request, *args, **kwargs):
        return self.render(AttendanceForm(meeting=self.meeting))

    def post(self, request, *args, **kwargs):
        form = AttendanceForm(request.POST, meeting=self.meeting)
        if form.is_valid():
            try:
                record_attendance(self.meeting, form.rows(), user=request.user)
            except ValidationError as error:
                form.add_row_errors(error.message_dict)
            else:
                messages.success(request, "Oppmøtet er lagret.")
                return HttpResponseRedirect(f"{self.meeting.get_absolute_url()}#deltakere")
        return self.render(form, status=422)

    def render(self, form, status=200):
        return render(
            self.request, self.template_name, {"form": form, "meeting": self.meeting}, status=status
        )


class MinutesView(MeetingKeeperMixin, View):
    """The minutes' introduction and their steps: approve (by the body), publish."""

    template_name = "meetings/minutes.html"
    permission_required = "meetings.manage_minutes"

    def get(self, request, *args, **kwargs):
        record = minutes.minutes_of(self.meeting)
        return self.render(
            IntroductionForm(initial={"introduction": record.introduction}),
            ApproveMinutesForm(meeting=self.meeting, initial={"on": today()}),
        )

    def post(self, request, *args, **kwargs):
        record = minutes.minutes_of(self.meeting)
        action = request.POST.get("handling")
        introduction_form = IntroductionForm(initial={"introduction": record.introduction})
        approve_form = ApproveMinutesForm(meeting=self.meeting, initial={"on": today()})
        # Writing and publishing is for those who keep the meeting; approving for the body.
        needed = "meetings.approve_minutes" if action == "godkjenn" else "meetings.change_meeting"
        if not request.user.has_perm(needed, self.meeting):
            raise PermissionDenied
        try:
            if action == "innledning":
                introduction_form = IntroductionForm(request.POST)
                if introduction_form.is_valid():
                    minutes.write_introduction(
                        record,
                        text=introduction_form.cleaned_data["introduction"],
                        user=request.user,
                    )
                    messages.success(request, "Innledningen er lagret.")
                    return HttpResponseRedirect(request.path)
            elif action == "godkjenn":
                approve_form = ApproveMinutesForm(request.POST, meeting=self.meeting)
                if approve_form.is_valid():
                    data = approve_form.cleaned_data
                    minutes.approve_minutes(
                        record,
                        at_meeting=data["at_meeting"],
                        in_item=data["in_item"],
                        on=data["on"],
                        user=request.user,
                    )
                    messages.success(request, "Referatet er godkjent og låst.")
                    return HttpResponseRedirect(request.path)
            elif action == "publiser":
                minutes.publish_minutes(record, user=request.user)
                messages.success(request, "Referatet er publisert og kan leses av alle.")
                return HttpResponseRedirect(request.path)
            else:
                messages.error(request, "Ukjent handling.")
                return HttpResponseRedirect(request.path)
        except minutes.MinutesLocked as error:
            return self.locked_response(error)
        except ValidationError as error:
            target = approve_form if action == "godkjenn" else introduction_form
            if not target.is_bound:
                messages.error(request, " ".join(error.messages))
                return HttpResponseRedirect(request.path)
            target.add_error(None, error)
        return self.render(introduction_form, approve_form, status=422)

    def render(self, introduction_form, approve_form, status=200):
        record = minutes.minutes_of(self.meeting)
        return render(
            self.request,
            self.template_name,
            {
                "meeting": self.meeting,
                "minutes": record,
                "introduction_form": introduction_form,
                "approve_form": approve_form,
                "can_approve": self.request.user.has_perm("meetings.approve_minutes", self.meeting),
                "can_keep": self.request.user.has_perm("meetings.change_meeting", self.meeting),
            },
            status=status,
        )


class AnnouncementCreateView(ItemMixin, View):
    """Record a membership change announced in an item, with the item as its source."""

    def get(self, request, *args, **kwargs):
        return self.render(AnnouncementForm())

    def post(self, request, *args, **kwargs):
        form = AnnouncementForm(request.POST)
        if not form.is_valid():
            return self.render(form, status=422)
        announce_membership_change(
            self.item,
            membership=form.cleaned_data["membership"],
            text=form.cleaned_data["text"],
            user=request.user,
        )
        messages.success(request, "Medlemsendringen er registrert med saken som kilde.")
        return HttpResponseRedirect(f"{self.meeting.get_absolute_url()}#sak-{self.item.pk}")

    def render(self, form, status=200):
        return render(
            self.request,
            "helsefellesskap/form_page.html",
            {
                "form": form,
                "page_title": f"Medlemsendring kunngjort i sak {self.item.label}",
                "cancel_url": self.meeting.get_absolute_url(),
            },
            status=status,
        )
