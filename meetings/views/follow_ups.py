"""Follow-ups of the items: adding and changing one, and the open ones across the bodies."""

from django.views.generic import CreateView, TemplateView, UpdateView
from rules.contrib.views import PermissionRequiredMixin

from helsefellesskap.models import Body, today
from helsefellesskap.pages import FormPageMixin
from helsefellesskap.permissions import is_secretariat

from ..follow_ups import PER_BODY, body_follow_ups_page, group_by_body, open_follow_ups_by_body
from ..forms import FollowUpForm
from ..models import FollowUp, Meeting
from .mixins import ItemMixin, MeetingPartMixin


class FollowUpCreateView(ItemMixin, FormPageMixin, CreateView):
    model = FollowUp
    form_class = FollowUpForm
    saved_message = "Lagt til oppfølging: {object}."

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        form.instance.item = self.item
        return form

    def get_success_url(self):
        return self.item.get_absolute_url()

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {
            "page_title": f"Ny oppfølging av sak {self.item.label} {self.item.title}",
            "cancel_url": self.get_success_url(),
        }


class FollowUpUpdateView(MeetingPartMixin, FormPageMixin, UpdateView):
    form_class = FollowUpForm
    part_queryset = FollowUp.objects.select_related("item__meeting__body")

    def meeting_of(self, part: FollowUp) -> Meeting:
        return part.item.meeting

    def get_object(self, queryset=None):
        return self.part

    def get_success_url(self):
        return self.part.item.get_absolute_url()


class FollowUpListView(PermissionRequiredMixin, TemplateView):
    """Open follow-ups per body (the body whose meeting left them), overdue ones first: each
    body's most urgent ones with a link to its own list. ?organ=<pk> shows one body's, those
    from its meetings and those it is responsible for, a page at a time (?side=)."""

    template_name = "meetings/followup_list.html"
    permission_required = "meetings.view_followup"

    def get_context_data(self, **kwargs):
        bodies = list(Body.objects.order_by("name"))
        selected = self.selected_body(bodies)
        day = today()
        page = None
        if selected:
            page = body_follow_ups_page(body=selected, day=day, page=self.request.GET.get("side"))
            groups = group_by_body(page, day=day)
        else:
            groups = open_follow_ups_by_body(day=day)
        return super().get_context_data(
            bodies=bodies,
            selected_body=selected,
            groups=groups,
            page_obj=page,
            per_body=PER_BODY,
            count=page.paginator.count if page else sum(group.open_count for group in groups),
            today=day,
            # Edit links for the secretariat; a body's own sekretær edits on the meeting page.
            can_edit=is_secretariat(self.request.user),
            **kwargs,
        )

    def selected_body(self, bodies) -> Body | None:
        """The body asked for with ?organ=; an unknown or malformed value shows all."""
        value = self.request.GET.get("organ", "")
        return next((body for body in bodies if str(body.pk) == value), None)
