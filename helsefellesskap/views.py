"""Pages of the governance register: the body tree, bodies, organisations, people, memberships,
and the "Historikk" page of each. Reading is open to every logged-in user; keeping the register
is the secretariat's (see permissions.py)."""

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils.decorators import method_decorator
from django.views.generic import CreateView, DetailView, ListView, TemplateView, UpdateView
from rules.contrib.views import PermissionRequiredMixin

from .forms import (
    BodyForm,
    MembershipForm,
    OrganisationForm,
    PersonForm,
    PersonSearchForm,
    SectorAssignmentForm,
)
from .models import Body, Membership, Organisation, Person, SectorAssignment, today
from .pages import FormPageMixin, HistoryView, ObjectPermissionRequiredMixin
from .permissions import is_secretariat


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
        return super().get_context_data(person=person, memberships=memberships, **kwargs)


# --- Bodies ---


class BodyTreeView(TemplateView):
    template_name = "helsefellesskap/body_tree.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(tree=Body.objects.as_tree(today()), **kwargs)


class BodyDetailView(DetailView):
    model = Body
    queryset = Body.objects.select_related("parent", "sector")

    def get_context_data(self, **kwargs):
        day = today()
        memberships = list(self.object.memberships.with_related())
        current = [m for m in memberships if m.is_active_on(day)]
        return super().get_context_data(
            current_members=current,
            leaders=[m for m in current if m.role == Membership.Role.LEADER],
            secretaries=[m for m in current if m.role == Membership.Role.SECRETARY],
            past_members=[m for m in memberships if m.end and m.end < day],
            future_members=[m for m in memberships if m.start and m.start > day],
            missing_representatives=self.object.missing_representatives(current),
            children=self.object.children.order_by("position", "name"),
            can_view_history=self.request.user.has_perm(
                "helsefellesskap.view_body_history", self.object
            ),
            **kwargs,
        )


class BodyCreateView(PermissionRequiredMixin, FormPageMixin, CreateView):
    model = Body
    form_class = BodyForm
    permission_required = "helsefellesskap.add_body"
    create_title = "Nytt organ"
    list_url_name = "body_tree"


class BodyUpdateView(ObjectPermissionRequiredMixin, FormPageMixin, UpdateView):
    model = Body
    form_class = BodyForm
    permission_required = "helsefellesskap.change_body"
    history_url_name = "body_history"


class BodyHistoryView(HistoryView):
    model = Body
    permission_required = "helsefellesskap.view_body_history"

    def history_sources(self):
        return [self.object.history.all(), Membership.history.filter(body_id=self.object.pk)]


# --- Memberships ---


class MembershipFormMixin(ObjectPermissionRequiredMixin, FormPageMixin):
    model = Membership
    form_class = MembershipForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "body": self.body}

    def post(self, request, *args, **kwargs):
        # Lock the body while checking "one leader at a time", so that two secretaries adding
        # a leader at once cannot both succeed (PostgreSQL; SQLite serialises writers anyway).
        with transaction.atomic():
            Body.objects.select_for_update().filter(pk=self.body.pk).exists()
            return super().post(request, *args, **kwargs)

    def get_success_url(self):
        return self.body.get_absolute_url()

    def get_context_data(self, **kwargs):
        return super().get_context_data(body=self.body, **kwargs)


class MembershipCreateView(MembershipFormMixin, CreateView):
    permission_required = "helsefellesskap.add_membership"
    create_title = "Nytt medlemskap"
    saved_message = "Lagt til: {object}."

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"cancel_url": self.body.get_absolute_url()}

    def dispatch(self, request, *args, **kwargs):
        self.body = get_object_or_404(Body, pk=kwargs["body_pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {"start": today()}


class MembershipUpdateView(MembershipFormMixin, UpdateView):
    permission_required = "helsefellesskap.change_membership"
    history_url_name = "membership_history"
    queryset = Membership.objects.with_related()

    def get_object(self, queryset=None):
        membership = super().get_object(queryset)
        self.body = membership.body
        return membership


class MembershipHistoryView(HistoryView):
    queryset = Membership.objects.with_related()


# --- Organisations ---


class OrganisationListView(ListView):
    model = Organisation
    template_name = "helsefellesskap/organisation_list.html"

    def get_queryset(self):
        return Organisation.objects.with_sectors_on(today()).order_by("kind", "name")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        groups = {}
        for organisation in context["object_list"]:
            groups.setdefault(organisation.get_kind_display(), []).append(organisation)
        context["groups"] = groups
        return context


class OrganisationDetailView(DetailView):
    model = Organisation
    queryset = Organisation.objects.select_related("parent")

    def get_context_data(self, **kwargs):
        organisation = self.object
        return super().get_context_data(
            sector_assignments=organisation.sector_assignments.with_related().chronological(),
            children=organisation.children.order_by("name"),
            people=organisation.people.order_by("name"),
            memberships=Membership.objects.current()
            .filter(organisation=organisation)
            .with_related()
            .order_by("body__position", "body__name", "person__name"),
            **kwargs,
        )


class OrganisationCreateView(PermissionRequiredMixin, FormPageMixin, CreateView):
    model = Organisation
    form_class = OrganisationForm
    permission_required = "helsefellesskap.add_organisation"
    create_title = "Ny virksomhet"
    list_url_name = "organisation_list"


class OrganisationUpdateView(ObjectPermissionRequiredMixin, FormPageMixin, UpdateView):
    model = Organisation
    form_class = OrganisationForm
    permission_required = "helsefellesskap.change_organisation"
    history_url_name = "organisation_history"


class OrganisationHistoryView(HistoryView):
    model = Organisation

    def history_sources(self):
        return [
            self.object.history.all(),
            SectorAssignment.history.filter(organisation_id=self.object.pk),
        ]


class SectorAssignmentFormMixin(ObjectPermissionRequiredMixin, FormPageMixin):
    model = SectorAssignment
    form_class = SectorAssignmentForm

    def get_success_url(self):
        return self.organisation.get_absolute_url()

    def get_context_data(self, **kwargs):
        return super().get_context_data(organisation=self.organisation, **kwargs)


class SectorAssignmentCreateView(SectorAssignmentFormMixin, CreateView):
    permission_required = "helsefellesskap.add_sectorassignment"
    create_title = "Ny sektortilhørighet"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {
            "cancel_url": self.organisation.get_absolute_url()
        }

    def dispatch(self, request, *args, **kwargs):
        self.organisation = get_object_or_404(Organisation, pk=kwargs["organisation_pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        form.instance.organisation = self.organisation
        return form


class SectorAssignmentUpdateView(SectorAssignmentFormMixin, UpdateView):
    permission_required = "helsefellesskap.change_sectorassignment"
    queryset = SectorAssignment.objects.with_related()

    def get_object(self, queryset=None):
        assignment = super().get_object(queryset)
        self.organisation = assignment.organisation
        return assignment


# --- People ---


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
        memberships = list(self.object.memberships.with_related().newest_first())
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
