"""The front page (what waits for the user, what is coming, their own memberships) and logging
in."""

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.utils.decorators import method_decorator
from django.views.generic import TemplateView

from ..models import Membership
from ..waiting import counts_by_section, tasks_for


@method_decorator(login_not_required, name="dispatch")
class LoginView(auth_views.LoginView):
    redirect_authenticated_user = True


class HomeView(TemplateView):
    template_name = "helsefellesskap/home.html"

    def get_context_data(self, **kwargs):
        person = getattr(self.request.user, "person", None)
        memberships = (
            Membership.objects.current().filter(person=person).with_related()
            if person
            else Membership.objects.none()
        )
        steps, notices = tasks_for(self.request.user)
        return super().get_context_data(
            person=person, memberships=memberships, steps=steps, notices=notices, **kwargs
        )


class WaitingCountsView(TemplateView):
    """The menu's counts of waiting steps, fetched by htmx after the page has loaded (so that
    no page pays for them) and swapped into the menu's badges out of band."""

    template_name = "includes/_nav_counts.html"

    def get_context_data(self, **kwargs):
        counts = counts_by_section(self.request.user)
        sections = ("home", "meetings", "portfolio", "grants", "annual_report")
        badges = [(section, counts.get(section, 0)) for section in sections]
        return super().get_context_data(badges=badges, **kwargs)
