"""The year plan: the year wheel, next year's draft, and the wheel's activities."""

from django.contrib import messages
from django.db.models import Q
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.views.generic import CreateView, TemplateView, UpdateView
from rules.contrib.views import PermissionRequiredMixin

from helsefellesskap.models import Body, today
from helsefellesskap.pages import FormPageMixin, ObjectPermissionRequiredMixin

from ..forms import ActivityForm
from ..models import Activity
from ..wheel import year_wheel_html
from ..year_plan import draft_next_year, plan_next_year
from .calendar import body_feed_url, person_feed_url
from .mixins import YearMixin


class YearWheelView(YearMixin, TemplateView):
    """The year as a wheel (an SVG the server draws) and, beside it, the same as a list."""

    template_name = "meetings/year_wheel.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        wheel_html = year_wheel_html(
            self.year, link_activities=user.has_perm("meetings.change_activity")
        )
        bodies = Body.objects.filter(Q(dissolved__isnull=True) | Q(dissolved__gte=today()))
        person = getattr(user, "person", None)
        return super().get_context_data(
            year=self.year,
            wheel_html=wheel_html,
            can_add_activity=user.has_perm("meetings.add_activity"),
            can_draft=user.has_perm("meetings.add_meeting"),
            body_feeds=[
                (body, body_feed_url(body, request=self.request))
                for body in bodies.order_by("position", "name")
            ],
            person_feed=person_feed_url(person, request=self.request) if person else None,
            **kwargs,
        )


def _count(number: int, one: str, many: str) -> str:
    return f"{number} {one if number == 1 else many}"


class YearDraftView(PermissionRequiredMixin, TemplateView):
    """Next year's plan from this year's: a confirmation page that shows what will be copied,
    then (POST) the copies, and next year's wheel."""

    permission_required = "meetings.add_meeting"
    template_name = "meetings/year_draft.html"

    def dispatch(self, request, *args, **kwargs):
        if not 2000 <= kwargs["year"] < 2100:
            raise Http404("Ukjent år.")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        year = self.kwargs["year"]
        return super().get_context_data(next_year=year + 1, draft=plan_next_year(year), **kwargs)

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


class ActivityFormMixin(FormPageMixin):
    """The wheel's activities; HistoryRequestMiddleware records who saved them."""

    model = Activity
    form_class = ActivityForm
    list_url_name = "meetings:year_wheel"

    def get_success_url(self):
        return f"{reverse('meetings:year_wheel')}?aar={self.object.starts_on.year}"


class ActivityCreateView(PermissionRequiredMixin, ActivityFormMixin, CreateView):
    permission_required = "meetings.add_activity"
    create_title = "Ny aktivitet i årshjulet"


class ActivityUpdateView(ObjectPermissionRequiredMixin, ActivityFormMixin, UpdateView):
    permission_required = "meetings.change_activity"
    queryset = Activity.objects.select_related("body")
