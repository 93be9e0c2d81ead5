"""Pages of the meetings: the year's meetings per body, a meeting with its notice, agenda,
attendance and minutes, and the pages that plan and keep them.

Everyone logged in reads meetings and agendas; who may keep them and read draft minutes is in
permissions.py.
"""

import smtplib
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.functional import cached_property
from django.views import View
from django.views.generic import CreateView, DetailView, ListView, TemplateView, UpdateView
from rules.contrib.views import PermissionRequiredMixin

from helsefellesskap.files import PrivateFileDownloadView
from helsefellesskap.mail import absolute_url
from helsefellesskap.models import Body, Person, today
from helsefellesskap.pages import FormPageMixin, ObjectPermissionRequiredMixin
from helsefellesskap.pdf import pdf_response
from helsefellesskap.permissions import is_secretariat
from helsefellesskap.uploads import UploadForm

from . import attachments, calendar_feeds, minutes, notice
from .attendance import record_attendance
from .documents import minutes_filename, minutes_pdf
from .forms import (
    ActivityForm,
    AnnouncementForm,
    ApproveMinutesForm,
    AttendanceForm,
    FollowUpForm,
    IntroductionForm,
    ItemForm,
    ItemMinutesForm,
    MeetingForm,
)
from .minutes import announce_membership_change
from .models import Activity, Attachment, FollowUp, Item, Meeting, Minutes
from .search import MAX_HITS, SearchForm, search
from .wheel import year_wheel
from .year_plan import draft_next_year, plan_next_year


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
        can_keep = user.has_perm("meetings.change_meeting", meeting)
        return super().get_context_data(
            items=list(meeting.items.all()),
            attendances=list(meeting.attendances.all()),
            can_keep=can_keep,
            can_change_agenda=can_keep and not meeting.minutes_locked,
            can_manage_minutes=user.has_perm("meetings.manage_minutes", meeting),
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
    """Change a meeting's time, place and header. Once its minutes are approved the meeting is
    part of the record and is not changed here."""

    model = Meeting
    form_class = MeetingForm
    permission_required = "meetings.change_meeting"

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
            except minutes.MinutesLocked as error:
                return self.locked_response(error)
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
        record = self.stored_minutes()
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
        needed = {
            "godkjenn": "meetings.approve_minutes",
            "publiser": "meetings.publish_minutes",
        }.get(action, "meetings.change_meeting")
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

    def stored_minutes(self) -> Minutes:
        """The minutes, or a blank draft to show; it is stored with the first change."""
        return Minutes.objects.filter(meeting=self.meeting).first() or Minutes(meeting=self.meeting)

    def render(self, introduction_form, approve_form, status=200):
        record = self.stored_minutes()
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
        try:
            announce_membership_change(
                self.item,
                membership=form.cleaned_data["membership"],
                text=form.cleaned_data["text"],
                user=request.user,
            )
        except minutes.MinutesLocked as error:
            return self.locked_response(error)
        except ValidationError as error:
            form.add_error("membership", error)
            return self.render(form, status=422)
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


# --- The annual wheel, next year's draft and calendar files ---


class YearWheelView(YearMixin, TemplateView):
    """The year as a wheel (an SVG the server draws) and, beside it, the same as a list."""

    template_name = "meetings/year_wheel.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        can_edit_activities = user.has_perm("meetings.change_activity")
        wheel = year_wheel(
            self.year,
            activity_url=(lambda a: reverse("meetings:activity_edit", args=[a.pk]))
            if can_edit_activities
            else None,
        )

        def feed_url(path):
            return absolute_url(path, request=self.request)

        bodies = Body.objects.filter(Q(dissolved__isnull=True) | Q(dissolved__gte=today()))
        person = getattr(user, "person", None)
        return super().get_context_data(
            year=self.year,
            wheel=wheel,
            can_add_activity=user.has_perm("meetings.add_activity"),
            can_draft=user.has_perm("meetings.add_meeting"),
            body_feeds=[
                (body, feed_url(reverse("meetings:body_feed", args=[body_feed_token(body)])))
                for body in bodies.order_by("position", "name")
            ],
            person_feed=feed_url(reverse("meetings:person_feed", args=[person_feed_token(person)]))
            if person
            else None,
            **kwargs,
        )


def body_feed_token(body: Body) -> str:
    return calendar_feeds.feed_token("body", body.pk)


def person_feed_token(person: Person) -> str:
    return calendar_feeds.feed_token("person", person.pk)


class ActivityFormMixin(FormPageMixin):
    model = Activity
    form_class = ActivityForm
    list_url_name = "meetings:year_wheel"

    def get_success_url(self):
        return f"{reverse('meetings:year_wheel')}?aar={self.object.starts_on.year}"

    def form_valid(self, form):
        form.instance._history_user = self.request.user
        return super().form_valid(form)


class ActivityCreateView(PermissionRequiredMixin, ActivityFormMixin, CreateView):
    permission_required = "meetings.add_activity"
    create_title = "Ny aktivitet i årshjulet"


class ActivityUpdateView(ObjectPermissionRequiredMixin, ActivityFormMixin, UpdateView):
    permission_required = "meetings.change_activity"
    queryset = Activity.objects.select_related("body")


def _count(number: int, one: str, many: str) -> str:
    return f"{number} {one if number == 1 else many}"


class YearDraftView(PermissionRequiredMixin, View):
    """Next year's plan from this year's: a confirmation page that shows what will be copied,
    then (POST) the copies, and next year's wheel."""

    permission_required = "meetings.add_meeting"

    def dispatch(self, request, *args, **kwargs):
        if not 2000 <= kwargs["year"] < 2100:
            raise Http404("Ukjent år.")
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, year):
        return render(
            request,
            "meetings/year_draft.html",
            {"year": year, "next_year": year + 1, "draft": plan_next_year(year)},
        )

    def post(self, request, year):
        meetings, activities = draft_next_year(year, request.user)
        if meetings or activities:
            messages.success(
                request,
                f"Utkast for {year + 1}: {_count(meetings, 'møte', 'møter')} og "
                f"{_count(activities, 'aktivitet', 'aktiviteter')} er kopiert fra {year}.",
            )
        else:
            messages.info(
                request, f"Ingenting nytt å kopiere: alt fra {year} finnes allerede i {year + 1}."
            )
        return HttpResponseRedirect(f"{reverse('meetings:year_wheel')}?aar={year + 1}")


class MeetingIcsView(ObjectPermissionRequiredMixin, DetailView):
    """One meeting as an .ics file to open in Outlook."""

    queryset = Meeting.objects.select_related("body").prefetch_related("items")
    permission_required = "meetings.view_meeting"

    def render_to_response(self, context, **response_kwargs):
        meeting = self.object
        calendar = calendar_feeds.build_calendar(
            meeting.display_title, [meeting], request=self.request
        )
        return calendar_feeds.ics_response(calendar, filename=f"mote-{meeting.date:%Y-%m-%d}.ics")


@method_decorator(login_not_required, name="dispatch")
class FeedView(View):
    """A calendar subscription: no login session, the signed token in the URL is the key."""

    kind = ""

    def get_owner(self, pk: int):
        raise NotImplementedError

    def get_meetings(self, owner):
        raise NotImplementedError

    def get(self, request, token):
        pk = calendar_feeds.feed_pk(self.kind, token)
        owner = self.get_owner(pk) if pk is not None else None
        if owner is None:
            raise Http404("Ukjent kalender.")
        meetings = calendar_feeds.for_feed(self.get_meetings(owner))
        calendar = calendar_feeds.build_calendar(f"Møter – {owner.name}", meetings, request=request)
        return calendar_feeds.ics_response(calendar)


class BodyFeedView(FeedView):
    kind = "body"

    def get_owner(self, pk):
        return Body.objects.filter(pk=pk).first()

    def get_meetings(self, owner):
        return Meeting.objects.filter(body=owner)


class PersonFeedView(FeedView):
    kind = "person"

    def get_owner(self, pk):
        return Person.objects.filter(pk=pk).first()

    def get_meetings(self, owner):
        return Meeting.objects.for_person(owner)


# --- The minutes as a PDF, and the search across the meetings ---


class MinutesPdfView(ObjectPermissionRequiredMixin, DetailView):
    """The minutes as a tagged A4 PDF, shown in the browser; for whoever may read the minutes
    (a draft only for the body's members and the secretariat)."""

    model = Meeting
    permission_required = "meetings.view_minutes"

    def get(self, request, *args, **kwargs):
        meeting = self.get_object()
        return pdf_response(minutes_pdf(meeting, request=request), minutes_filename(meeting))


class SearchView(View):
    """One search box across items, decisions, minutes texts and follow-ups (?q=...)."""

    template_name = "meetings/search.html"

    def get(self, request, *args, **kwargs):
        form = SearchForm(request.GET if "q" in request.GET else None)
        query, hits = "", []
        if form.is_bound and form.is_valid():
            query = form.cleaned_data["q"]
            hits = search(query, user=request.user) if query else []
        context = {"form": form, "query": query, "hits": hits, "max_hits": MAX_HITS}
        return render(request, self.template_name, context)


# --- Attachments, follow-ups and the e-mailed notice ---


class ItemPageMixin(ItemMixin):
    """Pages that add something to an item: /moter/sak/<item_pk>/..."""

    @cached_property
    def item(self) -> Item:
        return get_object_or_404(
            Item.objects.select_related("meeting__body"), pk=self.kwargs["item_pk"]
        )


class AttachmentUploadView(ItemPageMixin, View):
    """Upload an attachment to an item, until the meeting's minutes are approved."""

    template_name = "meetings/attachment_upload.html"

    def get(self, request, *args, **kwargs):
        if self.meeting.minutes_locked:
            return self.locked_response(attachments.ATTACHMENTS_LOCKED)
        return self.render(UploadForm())

    def post(self, request, *args, **kwargs):
        if self.meeting.minutes_locked:
            return self.locked_response(attachments.ATTACHMENTS_LOCKED)
        form = UploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render(form, status=422)
        try:
            attachment = attachments.add_attachment(
                item=self.item,
                uploaded_file=form.cleaned_data["file"],
                name=form.cleaned_data["kept_name"],
            )
        except attachments.AttachmentsLocked as locked:
            return self.locked_response(str(locked))
        messages.success(request, f"Lastet opp: «{attachment.name}» til sak {self.item.label}.")
        return HttpResponseRedirect(f"{self.meeting.get_absolute_url()}#sak-{self.item.pk}")

    def render(self, form, status=200):
        return render(
            self.request,
            self.template_name,
            {
                "form": form,
                "item": self.item,
                "meeting": self.meeting,
                "page_title": f"Nytt vedlegg til sak {self.item.label}",
                "cancel_url": f"{self.meeting.get_absolute_url()}#sak-{self.item.pk}",
            },
            status=status,
        )


class AttachmentMixin:
    @cached_property
    def attachment(self) -> Attachment:
        return get_object_or_404(
            Attachment.objects.select_related("item__meeting__body"), pk=self.kwargs["pk"]
        )

    @cached_property
    def meeting(self) -> Meeting:
        return self.attachment.item.meeting


class AttachmentDownloadView(AttachmentMixin, PermissionRequiredMixin, PrivateFileDownloadView):
    """The only way to an attachment's file: after the access check, as a download."""

    permission_required = "meetings.view_meeting"
    missing_message = "Vedlegget er bare nevnt i referatet; filen finnes ikke i portalen."

    def get_permission_object(self):
        return self.meeting

    def get_document(self):
        return self.attachment


class AttachmentDeleteView(AttachmentMixin, MeetingKeeperMixin, View):
    """Remove an attachment (its file and row) after a confirmation."""

    template_name = "meetings/attachment_confirm_delete.html"

    def get(self, request, *args, **kwargs):
        if self.meeting.minutes_locked:
            return self.locked_response(attachments.ATTACHMENTS_LOCKED)
        return render(
            request,
            self.template_name,
            {
                "attachment": self.attachment,
                "item": self.attachment.item,
                "meeting": self.meeting,
                "cancel_url": self.success_url(),
            },
        )

    def post(self, request, *args, **kwargs):
        if self.meeting.minutes_locked:
            return self.locked_response(attachments.ATTACHMENTS_LOCKED)
        name = self.attachment.name
        try:
            attachments.remove_attachment(attachment=self.attachment)
        except attachments.AttachmentsLocked as locked:
            return self.locked_response(str(locked))
        messages.success(request, f"Fjernet vedlegget «{name}».")
        return HttpResponseRedirect(self.success_url())

    def success_url(self) -> str:
        return f"{self.meeting.get_absolute_url()}#sak-{self.attachment.item_id}"


class FollowUpCreateView(ItemPageMixin, FormPageMixin, CreateView):
    model = FollowUp
    form_class = FollowUpForm
    saved_message = "Lagt til oppfølging: {object}."

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        form.instance.item = self.item
        return form

    def get_success_url(self):
        return f"{self.meeting.get_absolute_url()}#sak-{self.item.pk}"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {
            "page_title": f"Ny oppfølging av sak {self.item.label} {self.item.title}",
            "cancel_url": self.get_success_url(),
        }


class FollowUpUpdateView(MeetingKeeperMixin, FormPageMixin, UpdateView):
    form_class = FollowUpForm

    @cached_property
    def follow_up(self) -> FollowUp:
        return get_object_or_404(
            FollowUp.objects.select_related("item__meeting__body"), pk=self.kwargs["pk"]
        )

    @cached_property
    def meeting(self) -> Meeting:
        return self.follow_up.item.meeting

    def get_object(self, queryset=None):
        return self.follow_up

    def get_success_url(self):
        return f"{self.meeting.get_absolute_url()}#sak-{self.follow_up.item_id}"


@dataclass
class BodyFollowUps:
    body: Body
    follow_ups: list[FollowUp]

    @property
    def overdue_count(self) -> int:
        return sum(1 for follow_up in self.follow_ups if follow_up.overdue)


class FollowUpListView(PermissionRequiredMixin, TemplateView):
    """Open follow-ups per body (the body whose meeting left them), overdue ones first.
    ?organ=<pk> shows one body's: those from its meetings and those it is responsible for."""

    template_name = "meetings/followup_list.html"
    permission_required = "meetings.view_followup"

    def get_context_data(self, **kwargs):
        bodies = list(Body.objects.order_by("name"))
        selected = self.selected_body(bodies)
        follow_ups = FollowUp.objects.open().with_related().overdue_first()
        if selected:
            follow_ups = follow_ups.filter(
                Q(item__meeting__body=selected) | Q(responsible_body=selected)
            )
        day = today()
        groups: dict[int, BodyFollowUps] = {}
        for follow_up in follow_ups:
            follow_up.overdue = follow_up.is_overdue(day)
            body = follow_up.item.meeting.body
            groups.setdefault(body.pk, BodyFollowUps(body, [])).follow_ups.append(follow_up)
        return super().get_context_data(
            bodies=bodies,
            selected_body=selected,
            groups=sorted(groups.values(), key=lambda g: (g.body.position, g.body.name)),
            count=sum(len(g.follow_ups) for g in groups.values()),
            today=day,
            # Edit links for the secretariat; a body's own sekretær edits on the meeting page.
            can_edit=is_secretariat(self.request.user),
            **kwargs,
        )

    def selected_body(self, bodies) -> Body | None:
        """The body asked for with ?organ=; an unknown or malformed value shows all."""
        value = self.request.GET.get("organ", "")
        return next((body for body in bodies if str(body.pk) == value), None)


class NoticeSendView(MeetingKeeperMixin, View):
    """Send the notice by e-mail to the body's members, after a page that lists them. A
    notice already sent is sent again only when the user confirms it knowing that."""

    template_name = "meetings/notice_send.html"

    def get(self, request, *args, **kwargs):
        return self.render()

    def post(self, request, *args, **kwargs):
        with transaction.atomic():
            meeting = Meeting.objects.select_for_update().get(pk=self.meeting.pk)
            if request.POST.get("sendt", "") != self.sent_marker(meeting):
                # Sent (again) since the page was shown: ask once more rather than twice.
                self.meeting.notice_sent_at = meeting.notice_sent_at
                messages.warning(
                    request,
                    "Innkallingen ble sendt av noen andre mens du så på siden. "
                    "Se over før du sender på nytt.",
                )
                return self.render(status=409)
            try:
                sent = notice.send_notice(meeting, user=request.user)
            except notice.NoticeError as error:
                messages.error(request, str(error))
                return self.render(status=422)
            except notice.NoticeDeliveryError as error:
                messages.error(request, f"{error} Prøv igjen senere for dem som mangler.")
                return self.render(status=502)
            except (OSError, smtplib.SMTPException) as error:
                messages.error(
                    request,
                    f"Innkallingen kunne ikke sendes ({error}). Prøv igjen senere, eller kontakt "
                    "den som drifter portalen.",
                )
                return self.render(status=502)
        skipped = len(notice.notice_recipients(meeting).without_email)
        text = f"Innkallingen er sendt til {sent} {'mottaker' if sent == 1 else 'mottakere'}."
        if skipped:
            text += (
                f" {skipped} {'medlem' if skipped == 1 else 'medlemmer'} uten e-postadresse "
                "fikk den ikke."
            )
        messages.success(request, text)
        return HttpResponseRedirect(self.meeting.get_absolute_url())

    @staticmethod
    def sent_marker(meeting: Meeting) -> str:
        return meeting.notice_sent_at.isoformat() if meeting.notice_sent_at else ""

    def render(self, status=200):
        meeting = self.meeting
        return render(
            self.request,
            self.template_name,
            {
                "meeting": meeting,
                "item_count": meeting.items.count(),
                "recipients": notice.notice_recipients(meeting),
                "subject": notice.notice_subject(meeting),
                "sent_marker": self.sent_marker(meeting),
            },
            status=status,
        )
