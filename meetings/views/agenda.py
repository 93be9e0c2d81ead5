"""The agenda: adding, changing and moving items, and a membership change announced in an
item."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.views.generic import CreateView, FormView, UpdateView, View
from django_htmx.http import HttpResponseClientRedirect

from helsefellesskap.pages import FormPageMixin, UnprocessableFormMixin

from .. import minutes
from ..agenda import DOWN, UP, AgendaFixed, move_item
from ..forms import AnnouncementForm, ItemForm
from ..meeting_page import agenda_context
from ..models import Item, Meeting
from .mixins import ItemMixin, MeetingKeeperMixin, RefusedOnceLockedMixin


class ItemFormMixin(FormPageMixin):
    """Adding and changing an item: the form's item and measures go to one step of
    minutes.py, refused once the minutes are approved."""

    form_class = ItemForm
    template_name = "meetings/item_form.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        return context | {"meeting": self.meeting, "cancel_url": self.meeting.get_absolute_url()}

    def get_success_url(self):
        return self.object.get_absolute_url()

    def form_valid(self, form):
        try:
            self.object = self.save_item(form.save(commit=False), form.cleaned_data)
        except minutes.MinutesLocked as error:
            return self.locked_response(error)
        messages.success(self.request, self.saved_text())
        return HttpResponseRedirect(self.get_success_url())


class ItemCreateView(MeetingKeeperMixin, RefusedOnceLockedMixin, ItemFormMixin, CreateView):
    model = Item
    create_title = "Ny sak"

    def save_item(self, item: Item, data: dict) -> Item:
        item.meeting = self.meeting
        return minutes.add_item(item, user=self.request.user, measures=data["measures"])

    def saved_text(self) -> str:
        return f"Lagt til: sak {self.object.label} {self.object.title}."


class ItemUpdateView(ItemMixin, ItemFormMixin, UpdateView):
    def get_object(self, queryset=None):
        return self.item

    def save_item(self, item: Item, data: dict) -> Item:
        return minutes.change_agenda_item(
            item,
            user=self.request.user,
            reason=data.get("change_reason", ""),
            measures=data["measures"],
        )

    def saved_text(self) -> str:
        return f"Lagret: sak {self.object.label}."


class AnnouncementCreateView(ItemMixin, UnprocessableFormMixin, FormView):
    """Record a membership change announced in an item, with the item as its source."""

    form_class = AnnouncementForm
    template_name = "helsefellesskap/form_page.html"

    def get_form_kwargs(self):
        can_edit = self.request.user.has_perm("helsefellesskap.add_membership")
        return {**super().get_form_kwargs(), "can_edit_register": can_edit}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            page_title=f"Medlemsendring kunngjort i sak {self.item.label}",
            cancel_url=self.meeting.get_absolute_url(),
            **kwargs,
        )

    def form_valid(self, form):
        try:
            minutes.announce_membership_change(
                self.item,
                membership=form.cleaned_data["membership"],
                text=form.cleaned_data["text"],
                user=self.request.user,
            )
        except minutes.MinutesLocked as error:
            return self.locked_response(error)
        except ValidationError as error:
            form.add_error("membership", error)
            return self.form_invalid(form)
        messages.success(self.request, "Medlemsendringen er registrert med saken som kilde.")
        return HttpResponseRedirect(self.item.get_absolute_url())


class ItemMoveView(ItemMixin, View):
    """ "Flytt opp" / "Flytt ned" (POST retning=opp|ned): htmx gets the agenda back with the
    focus kept on the button pressed; without JavaScript the meeting page is shown again at
    the item."""

    DIRECTIONS = {"opp": UP, "ned": DOWN}

    def post(self, request, *args, **kwargs):
        direction = self.DIRECTIONS.get(request.POST.get("retning", ""))
        if direction is None:
            return self.refused("Velg om saken skal flyttes opp eller ned.")
        try:
            place = move_item(self.item, direction=direction, user=request.user)
        except (AgendaFixed, minutes.MinutesLocked) as error:
            return self.refused(str(error))
        status = f"Sak {self.item.label} {self.item.title} står nå som nr. {place} på dagsordenen."
        if not request.htmx:
            messages.success(request, status)
            return HttpResponseRedirect(self.item.get_absolute_url())
        meeting = Meeting.objects.with_agenda().get(pk=self.meeting.pk)
        context = agenda_context(meeting, request.user) | {"agenda_status": status}
        return render(request, "meetings/_agenda.html", context)

    def refused(self, text: str):
        """The meeting page with the reason (also from htmx: the whole page, not the list)."""
        messages.error(self.request, text)
        url = self.item.get_absolute_url()
        return HttpResponseClientRedirect(url) if self.request.htmx else HttpResponseRedirect(url)
