"""Organisations (the partners and their units) and their sector assignments over time."""

from django.shortcuts import get_object_or_404
from django.views.generic import CreateView, DetailView, ListView, UpdateView
from rules.contrib.views import PermissionRequiredMixin

from ..forms import OrganisationForm, SectorAssignmentForm
from ..models import Membership, Organisation, SectorAssignment, today
from ..pages import FormPageMixin, HistoryView, ObjectPermissionRequiredMixin


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
