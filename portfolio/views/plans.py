"""The plans: the list, the grid page (today or as of a date), the changes between two dates,
the overview chart, a new local plan, and a copy of a plan to start next year's."""

from functools import partial

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils.functional import cached_property
from django.views.generic import CreateView, DetailView, FormView, ListView
from rules.contrib.views import PermissionRequiredMixin

from helsefellesskap.pages import (
    FormPageMixin,
    ObjectPermissionRequiredMixin,
    UnprocessableFormMixin,
)

from .. import editing, grid_cache
from ..cell_fragments import CellMode
from ..documents import EMPTY_CELL_NOTE, legend
from ..forms import (
    AsOfForm,
    BulkStatusForm,
    ChangesForm,
    GridFilterForm,
    LocalPlanForm,
    PlanCopyForm,
    SelectColumnForm,
)
from ..models import Plan
from ..overview import STATUS_LABELS, STATUS_ORDER, current_status_counts, status_chart


class PlanMixin(PermissionRequiredMixin):
    """Pages under /portefolje/<plan_pk>/: the plan is loaded once and permissions are checked
    against it."""

    permission_required = "portfolio.change_plan"
    plan_queryset = Plan.objects.with_related()

    @cached_property
    def plan(self) -> Plan:
        return get_object_or_404(self.plan_queryset, pk=self.kwargs["plan_pk"])

    def get_permission_object(self):
        return self.plan

    def get_context_data(self, **kwargs):
        return super().get_context_data(plan=self.plan, **kwargs)


class PlanListView(ListView):
    queryset = Plan.objects.with_related()
    template_name = "portfolio/plan_list.html"


# The plan's other forms, linked from the grid page: (URL name, link text).
EXPORT_LINKS = [
    ("portfolio:plan_pdf", "PDF (liggende, ett område per side)"),
    ("portfolio:plan_pptx", "PowerPoint"),
    ("portfolio:plan_export", "Excel"),
]


class PlanDetailView(ObjectPermissionRequiredMixin, DetailView):
    """The grid, filtered, today or as of a date (then read-only); the grid itself is
    rendered once per state of the plan (`grid_cache.plan_grid`)."""

    # The plan's history state first: everything the grid shows is read after it.
    queryset = Plan.objects.with_related().with_history_state().prefetch_related("columns")
    permission_required = "portfolio.view_plan"
    template_name = "portfolio/plan_detail.html"

    def get_context_data(self, **kwargs):
        plan = self.object
        as_of_form = AsOfForm(self.request.GET if "dato" in self.request.GET else None)
        moment = as_of_form.moment() if as_of_form.is_valid() else None
        can_edit = not moment and self.request.user.has_perm("portfolio.change_plan", plan)
        bodies = list(plan.responsible_bodies().values_list("pk", "name"))
        grid = grid_cache.plan_grid(
            plan,
            mode=_cell_mode(can_edit=can_edit, moment=moment),
            moment=moment,
            query=self.request.GET,
            bodies=bodies,
        )
        columns = plan.columns.all()
        # Built only when the forms' fragment is not in the cache (the template calls it).
        filter_form = partial(
            GridFilterForm, self.request.GET, areas=grid.areas, columns=columns, bodies=bodies
        )
        return super().get_context_data(
            grid_html=grid.html,
            filter_form=filter_form,
            tools_key=grid_cache.tools_key(
                self.request.GET, areas=grid.areas, columns=columns, bodies=bodies
            ),
            filter_active=grid.filter_active,
            as_of_form=as_of_form,
            moment=moment,
            can_edit=can_edit,
            bulk_form=BulkStatusForm(auto_id="samlet-%s") if can_edit else None,
            legend=legend(),
            empty_cell_note=EMPTY_CELL_NOTE,
            export_links=EXPORT_LINKS,
            **kwargs,
        )


def _cell_mode(*, can_edit: bool, moment) -> CellMode:
    if moment:
        return CellMode.AS_OF
    return CellMode.EDIT if can_edit else CellMode.READ


class PlanReportMixin(PlanMixin):
    """A page about the plan that everyone who reads the plan may see."""

    permission_required = "portfolio.view_plan"

    def get_object(self, queryset=None):
        return self.plan


class PlanChangesView(PlanReportMixin, DetailView):
    """Every cell that changed between two dates, by area: the secretariat's report to SSU
    (rendered once per state of the plan and period, `grid_cache.plan_changes`)."""

    plan_queryset = PlanDetailView.queryset
    template_name = "portfolio/plan_changes.html"

    def get_context_data(self, **kwargs):
        form = ChangesForm(self.request.GET if "fra" in self.request.GET else None)
        changes = grid_cache.plan_changes(self.plan, form) if form.is_valid() else None
        return super().get_context_data(form=form, changes_html=changes, **kwargs)


class PlanOverviewView(PlanReportMixin, DetailView):
    """Measures per status per area for one year column, as a table and a chart."""

    template_name = "portfolio/plan_overview.html"

    def get_context_data(self, **kwargs):
        columns = list(self.plan.columns.all())
        form = SelectColumnForm(
            self.request.GET if "aar" in self.request.GET else None,
            columns=columns,
            initial={"aar": columns[-1].year} if columns else None,
        )
        column = form.selected_column()
        rows = current_status_counts(self.plan, column) if column else []
        return super().get_context_data(
            form=form,
            column=column,
            rows=rows,
            chart=status_chart(rows),
            statuses=[(status, STATUS_LABELS[status]) for status in STATUS_ORDER],
            **kwargs,
        )


class LocalPlanCreateView(PermissionRequiredMixin, FormPageMixin, CreateView):
    """A new local plan for an LSU, with its year columns (`editing.create_local_plan`)."""

    model = Plan
    form_class = LocalPlanForm
    permission_required = "portfolio.add_plan"
    create_title = "Ny lokal porteføljeplan"
    list_url_name = "portfolio:plan_list"

    def form_valid(self, form):
        self.object = editing.create_local_plan(
            plan=form.instance,
            years=form.years(),
            user=self.request.user,
            reason=form.cleaned_data.get("change_reason", ""),
        )
        messages.success(self.request, self.saved_message.format(object=self.object))
        return HttpResponseRedirect(self.get_success_url())


class PlanCopyView(PlanMixin, UnprocessableFormMixin, FormView):
    """Start next year's plan from this one (`editing.copy_plan`): creating a plan, the
    secretariat's, also for an LSU's local plan that its sekretær edits."""

    permission_required = "portfolio.copy_plan"
    form_class = PlanCopyForm
    template_name = "helsefellesskap/form_page.html"

    def get_initial(self):
        last = self.plan.columns.last()
        if last is None:
            return {"title": self.plan.title, "year": None}
        year = last.year + 1
        return {"title": self.plan.title.replace(str(last.year), str(year)), "year": year}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            page_title=f"Kopier «{self.plan}» til en ny plan",
            cancel_url=self.plan.get_absolute_url(),
            **kwargs,
        )

    def form_valid(self, form):
        copy = editing.copy_plan(
            self.plan,
            title=form.cleaned_data["title"],
            year=form.cleaned_data["year"],
            user=self.request.user,
        )
        messages.success(self.request, f"«{copy}» er opprettet fra «{self.plan}».")
        return HttpResponseRedirect(copy.get_absolute_url())
