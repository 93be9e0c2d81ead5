"""What the meeting pages share: the year asked for, and the meeting or item a page keeps."""

from django.contrib import messages
from django.db.models import QuerySet
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.functional import cached_property
from rules.contrib.views import PermissionRequiredMixin

from ..minutes import MinutesLocked
from ..models import SHOWN_YEARS, Item, Meeting
from ..permissions import bodies_kept_by


class YearMixin:
    """Pages about one year: ?aar=2025, this year by default."""

    @cached_property
    def year(self) -> int:
        try:
            year = int(self.request.GET.get("aar", ""))
        except ValueError:
            return timezone.localdate().year
        return year if year in SHOWN_YEARS else timezone.localdate().year


class HiddenFromOtherKeepersMixin:
    """A page that keeps a body's meeting is not there for another body's keepers: they get
    404, as for a meeting that does not exist, so one LSU learns nothing of another's pages;
    anyone else without the right gets 403 (or the login page). `page_body()` names the body."""

    def page_body(self):
        return self.meeting.body

    def handle_no_permission(self):
        user = self.request.user
        if user.is_authenticated:
            kept = bodies_kept_by(user)
            if kept.exists() and not kept.filter(pk=self.page_body().pk).exists():
                raise Http404("Ukjent møte.")
        return super().handle_no_permission()


class MeetingKeeperMixin(HiddenFromOtherKeepersMixin, PermissionRequiredMixin):
    """Pages that keep one meeting (its agenda, attendance, minutes): the meeting (URL kwarg
    `pk`) is loaded once and the permission checked against it."""

    permission_required = "meetings.change_meeting"

    @cached_property
    def meeting(self) -> Meeting:
        return get_object_or_404(Meeting.objects.select_related("body"), pk=self.kwargs["pk"])

    def get_permission_object(self):
        return self.meeting

    def locked_response(self, error):
        messages.error(self.request, str(error))
        return HttpResponseRedirect(self.meeting.get_absolute_url())


class RefusedOnceLockedMixin:
    """A form page for a change the meeting's approved minutes refuse (a new item, a
    cancellation): the page is not shown to be filled in for nothing; the user is sent back
    to the meeting with the reason, as the post would be."""

    def get(self, request, *args, **kwargs):
        if self.meeting.minutes_locked:
            return self.locked_response(MinutesLocked(self.meeting.minutes))
        return super().get(request, *args, **kwargs)


class MeetingPartMixin(MeetingKeeperMixin):
    """Pages of one thing of a meeting (an item, an attachment, a follow-up): loaded once
    from `part_queryset` by the URL kwarg `part_kwarg`; `meeting_of` names its meeting."""

    part_queryset: QuerySet
    part_kwarg = "pk"

    @cached_property
    def part(self):
        return get_object_or_404(self.part_queryset, pk=self.kwargs[self.part_kwarg])

    @cached_property
    def meeting(self) -> Meeting:
        return self.meeting_of(self.part)

    def meeting_of(self, part) -> Meeting:
        raise NotImplementedError


class ItemMixin(MeetingPartMixin):
    """Pages of one item, /moter/sak/<item_pk>/..."""

    part_queryset = Item.objects.select_related("meeting__body")
    part_kwarg = "item_pk"

    @property
    def item(self) -> Item:
        return self.part

    def meeting_of(self, part: Item) -> Meeting:
        return part.meeting
