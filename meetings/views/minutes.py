"""The minutes: an item's minutes (or their correction), the introduction and the steps
approve and publish, and the minutes as a PDF."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.views.generic import CreateView, DetailView, FormView, TemplateView, UpdateView, View

from helsefellesskap.models import today
from helsefellesskap.pages import ObjectPermissionRequiredMixin, UnprocessableFormMixin
from helsefellesskap.pdf import pdf_response

from .. import minutes
from ..documents import minutes_filename, minutes_pdf
from ..forms import ApproveMinutesForm, IntroductionForm, ItemMinutesForm, ItemPartForm
from ..models import ItemPart, Meeting, Minutes
from .mixins import ItemMixin, MeetingKeeperMixin, MeetingPartMixin


class ItemMinutesView(ItemMixin, UnprocessableFormMixin, FormView):
    """Write an item's minutes and decision; once the minutes are approved, the same page is
    a correction that needs a reason."""

    form_class = ItemMinutesForm
    template_name = "meetings/item_minutes.html"

    @cached_property
    def correction(self) -> bool:
        return self.meeting.minutes_locked

    def get_initial(self):
        return {"minutes_text": self.item.minutes_text, "decision": self.item.decision}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "correction": self.correction}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            item=self.item,
            meeting=self.meeting,
            correction=self.correction,
            parts=list(self.item.parts.all()),
            parts_editable=not self.correction,
            **kwargs,
        )

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            minutes.record_item_minutes(
                self.item,
                minutes_text=data["minutes_text"],
                decision=data["decision"],
                reason=data.get("reason", ""),
                user=self.request.user,
            )
        except minutes.MinutesLocked as error:
            return self.locked_response(error)
        messages.success(self.request, f"Lagret referatet for sak {self.item.label}.")
        return HttpResponseRedirect(self.item.get_absolute_url())


class PartMixin(MeetingPartMixin):
    """Pages of one part of an item, /moter/del/<part_pk>/..."""

    part_queryset = ItemPart.objects.select_related("item__meeting__body")
    part_kwarg = "part_pk"

    @property
    def item(self):
        return self.part.item

    def meeting_of(self, part: ItemPart) -> Meeting:
        return part.item.meeting


class ItemPartFormMixin(UnprocessableFormMixin):
    """Adding and changing a part of an item: one step of minutes.py, refused once the
    minutes are approved."""

    form_class = ItemPartForm
    template_name = "meetings/item_part_form.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(item=self.item, meeting=self.meeting, **kwargs)

    def form_valid(self, form):
        part = form.save(commit=False)
        part.item = self.item
        try:
            minutes.save_part(part, user=self.request.user)
        except minutes.MinutesLocked as error:
            return self.locked_response(error)
        messages.success(self.request, f"Lagret delen «{part.title}» i sak {self.item.label}.")
        return HttpResponseRedirect(reverse("meetings:item_minutes", args=[self.item.pk]))


class ItemPartCreateView(ItemMixin, ItemPartFormMixin, CreateView):
    model = ItemPart


class ItemPartUpdateView(PartMixin, ItemPartFormMixin, UpdateView):
    def get_object(self, queryset=None):
        return self.part


class ItemPartMoveView(PartMixin, View):
    """ "Flytt opp" / "Flytt ned" a part (POST retning=opp|ned), back to the item's page."""

    def post(self, request, *args, **kwargs):
        direction = request.POST.get("retning", "")
        url = reverse("meetings:item_minutes", args=[self.item.pk]) + f"#del-{self.part.pk}"
        if direction not in ("opp", "ned"):
            messages.error(request, "Velg om delen skal flyttes opp eller ned.")
            return HttpResponseRedirect(url)
        try:
            minutes.move_part(self.part, up=direction == "opp", user=request.user)
        except minutes.MinutesLocked as error:
            return self.locked_response(error)
        messages.success(request, f"Flyttet delen «{self.part.title}».")
        return HttpResponseRedirect(url)


class MinutesView(MeetingKeeperMixin, TemplateView):
    """The minutes' introduction and their steps: approve (by the body), publish. The form
    sends its step as `handling`."""

    template_name = "meetings/minutes.html"
    permission_required = "meetings.manage_minutes"
    # Writing is for those who keep the meeting; approving for the body.
    step_permissions = {
        "godkjenn": "meetings.approve_minutes",
        "publiser": "meetings.publish_minutes",
    }

    def get_context_data(self, **kwargs):
        record = self.stored_minutes()
        user = self.request.user
        kwargs.setdefault(
            "introduction_form", IntroductionForm(initial={"introduction": record.introduction})
        )
        kwargs.setdefault(
            "approve_form", ApproveMinutesForm(meeting=self.meeting, initial={"on": today()})
        )
        return super().get_context_data(
            meeting=self.meeting,
            minutes=record,
            can_approve=user.has_perm("meetings.approve_minutes", self.meeting),
            can_keep=user.has_perm("meetings.change_meeting", self.meeting),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        record = minutes.minutes_of(self.meeting)
        action = request.POST.get("handling")
        needed = self.step_permissions.get(action, "meetings.change_meeting")
        if not request.user.has_perm(needed, self.meeting):
            raise PermissionDenied
        step = {
            "innledning": self.write_introduction,
            "godkjenn": self.approve,
            "publiser": self.publish,
        }.get(action)
        if step is None:
            messages.error(request, "Ukjent handling.")
            return HttpResponseRedirect(request.path)
        try:
            return step(record)
        except minutes.MinutesLocked as error:
            return self.locked_response(error)

    def write_introduction(self, record: Minutes):
        form = IntroductionForm(self.request.POST)
        if not form.is_valid():
            return self.refused(introduction_form=form)
        text = form.cleaned_data["introduction"]
        minutes.write_introduction(record, text=text, user=self.request.user)
        return self.done("Innledningen er lagret.")

    def approve(self, record: Minutes):
        form = ApproveMinutesForm(self.request.POST, meeting=self.meeting)
        if not form.is_valid():
            return self.refused(approve_form=form)
        data = form.cleaned_data
        try:
            minutes.approve_minutes(
                record,
                at_meeting=data["at_meeting"],
                in_item=data["in_item"],
                on=data["on"],
                user=self.request.user,
            )
        except ValidationError as error:
            if self.stored_minutes().is_locked:
                # Someone approved them a moment earlier: the page shows no approval form any
                # more to carry the error, so it is told as a message.
                messages.error(self.request, " ".join(error.messages))
                return HttpResponseRedirect(self.request.path)
            form.add_error(None, error)
            return self.refused(approve_form=form)
        return self.done("Referatet er godkjent og låst.")

    def publish(self, record: Minutes):
        try:
            minutes.publish_minutes(record, user=self.request.user)
        except ValidationError as error:
            messages.error(self.request, " ".join(error.messages))
            return HttpResponseRedirect(self.request.path)
        return self.done("Referatet er publisert og kan leses av alle.")

    def done(self, message: str):
        messages.success(self.request, message)
        return HttpResponseRedirect(self.request.path)

    def refused(self, **forms):
        return self.render_to_response(self.get_context_data(**forms), status=422)

    def stored_minutes(self) -> Minutes:
        """The minutes, or a blank draft to show; it is stored with the first change."""
        return Minutes.objects.filter(meeting=self.meeting).first() or Minutes(meeting=self.meeting)


class MinutesPdfView(ObjectPermissionRequiredMixin, DetailView):
    """The minutes as a tagged A4 PDF, shown in the browser; for whoever may read the minutes
    (a draft only for the body's members and the secretariat)."""

    queryset = Meeting.objects.with_header()  # the minutes' status and the body's names
    permission_required = "meetings.view_minutes"

    def get(self, request, *args, **kwargs):
        meeting = self.get_object()
        return pdf_response(minutes_pdf(meeting, request=request), minutes_filename(meeting))
