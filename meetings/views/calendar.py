"""Calendar files: one meeting as .ics, and the signed subscription feeds per body and person
(no login: the token in the URL is the key)."""

from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.generic import DetailView

from helsefellesskap.mail import absolute_url
from helsefellesskap.models import Body, Person
from helsefellesskap.pages import ObjectPermissionRequiredMixin

from .. import calendar_feeds
from ..models import Meeting


def body_feed_url(body: Body, *, request) -> str:
    token = calendar_feeds.feed_token("body", body.pk)
    return absolute_url(reverse("meetings:body_feed", args=[token]), request=request)


def person_feed_url(person: Person, *, request) -> str:
    token = calendar_feeds.feed_token("person", person.pk)
    return absolute_url(reverse("meetings:person_feed", args=[token]), request=request)


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
