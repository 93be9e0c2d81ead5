"""People: the search, a person's page with their memberships, and keeping a person."""

from django.views.generic import CreateView, DetailView, ListView, UpdateView
from rules.contrib.views import PermissionRequiredMixin

from ..forms import PersonForm, PersonSearchForm
from ..models import Membership, Person, today
from ..pages import FormPageMixin, HistoryView, ObjectPermissionRequiredMixin
from ..permissions import is_secretariat


class PersonListView(ListView):
    model = Person
    paginate_by = 50

    def get_queryset(self):
        self.search_form = PersonSearchForm(self.request.GET)
        if not self.search_form.is_valid():
            return Person.objects.none()  # the form shows what is wrong with the search
        return Person.objects.with_related().search(self.search_form.cleaned_data["q"])

    def get_template_names(self):
        # The search box asks htmx for the result list only.
        if self.request.htmx:
            return ["helsefellesskap/_person_results.html"]
        return super().get_template_names()

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            search_form=self.search_form,
            query=self.search_form.cleaned_data.get("q", ""),
            **kwargs,
        )


class PersonDetailView(DetailView):
    model = Person
    queryset = Person.objects.with_related()

    def get_context_data(self, **kwargs):
        day = today()
        memberships = list(
            self.object.memberships.with_related().prefetch_related("body__names").newest_first()
        )
        user = self.request.user
        return super().get_context_data(
            current_memberships=[m for m in memberships if m.is_active_on(day)],
            other_memberships=[m for m in memberships if not m.is_active_on(day)],
            # Contact details are for the secretariat and the person themselves.
            show_contact=is_secretariat(user) or self.object.user_id == user.pk,
            **kwargs,
        )


class PersonCreateView(PermissionRequiredMixin, FormPageMixin, CreateView):
    model = Person
    form_class = PersonForm
    permission_required = "helsefellesskap.add_person"
    create_title = "Ny person"
    list_url_name = "person_list"


class PersonUpdateView(ObjectPermissionRequiredMixin, FormPageMixin, UpdateView):
    model = Person
    form_class = PersonForm
    permission_required = "helsefellesskap.change_person"
    history_url_name = "person_history"


class PersonHistoryView(HistoryView):
    model = Person

    def history_sources(self):
        return [self.object.history.all(), Membership.history.filter(person_id=self.object.pk)]
