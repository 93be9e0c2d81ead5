"""Pages of the portfolio plan: the plans, the grid with in-place cell editing, a cell's history,
the plan as of a date, the changes between two dates, the overview chart, and the pages that
add, edit, move and remove the plan's rows.

Everyone logged in reads; the secretariat (and an LSU's sekretær for its local plan) edits,
checked with `portfolio.change_plan` against the plan (see permissions.py).
"""

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils.crypto import constant_time_compare, get_random_string
from django.utils.functional import cached_property
from django.views import View
from django.views.generic import CreateView, DeleteView, DetailView, ListView, UpdateView
from django_htmx.http import trigger_client_event
from rules.contrib.views import PermissionRequiredMixin

from helsefellesskap.files import download_response
from helsefellesskap.history import change_log
from helsefellesskap.pages import FormPageMixin, ObjectPermissionRequiredMixin
from helsefellesskap.pdf import pdf_response

from . import editing, spreadsheet
from .documents import (
    EMPTY_CELL_NOTE,
    PPTX_CONTENT_TYPE,
    download_filename,
    legend,
    plan_pdf,
    plan_pptx,
)
from .forms import (
    AsOfForm,
    CellForm,
    ChangesForm,
    FocusAreaForm,
    GridFilterForm,
    LocalPlanForm,
    MeasureForm,
    MeasureGroupForm,
    PlanCopyForm,
    PlanImportForm,
    SelectColumnForm,
)
from .grid import GridCell, PlanGrid, changes_between
from .models import Cell, Column, FocusArea, Measure, MeasureGroup, Plan
from .overview import STATUS_LABELS, STATUS_ORDER, status_chart, status_counts


class PlanMixin(PermissionRequiredMixin):
    """Pages under /portefolje/<plan_pk>/: the plan is loaded once and permissions are checked
    against it."""

    permission_required = "portfolio.change_plan"

    @cached_property
    def plan(self) -> Plan:
        return get_object_or_404(Plan.objects.with_related(), pk=self.kwargs["plan_pk"])

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
    """The grid, filtered, today or as of a date (then read-only)."""

    queryset = Plan.objects.with_related()
    permission_required = "portfolio.view_plan"
    template_name = "portfolio/plan_detail.html"

    def get_context_data(self, **kwargs):
        plan = self.object
        as_of_form = AsOfForm(self.request.GET if "dato" in self.request.GET else None)
        moment = as_of_form.moment() if as_of_form.is_valid() else None
        grid = PlanGrid.as_of(plan, moment) if moment else PlanGrid.current(plan)
        filter_form = GridFilterForm(
            self.request.GET, plan_grid=grid, bodies=plan.responsible_bodies()
        )
        grid_filter = filter_form.grid_filter()
        return super().get_context_data(
            grid=grid.filtered(grid_filter),
            filter_form=filter_form,
            filter_active=grid_filter.is_active,
            as_of_form=as_of_form,
            moment=moment,
            can_edit=not moment and self.request.user.has_perm("portfolio.change_plan", plan),
            legend=legend(),
            empty_cell_note=EMPTY_CELL_NOTE,
            export_links=EXPORT_LINKS,
            **kwargs,
        )


class CellMixin(PlanMixin):
    """A cell is named by its measure and year: /portefolje/1/tiltak/7/2025/."""

    def dispatch(self, request, *args, **kwargs):
        self.measure = get_object_or_404(
            Measure.objects.select_related("group__area"),
            pk=kwargs["measure_pk"],
            group__area__plan=self.plan,
        )
        self.column = Column.objects.filter(plan=self.plan, year=kwargs["year"]).first()
        if self.column is None:
            return render(
                request,
                "404.html",
                {"message": f"«{self.plan}» har ingen kolonne for {kwargs['year']}."},
                status=404,
            )
        return super().dispatch(request, *args, **kwargs)

    def stored_cell(self) -> Cell | None:
        return Cell.objects.stored(self.measure, self.column)

    def grid_cell(self, cell: Cell | None) -> GridCell:
        return GridCell.of(cell, measure_id=self.measure.pk, column=self.column)

    def cell_context(self, **extra):
        return {
            "plan": self.plan,
            "measure": self.measure,
            "column": self.column,
            "empty_cell_note": EMPTY_CELL_NOTE,
            **extra,
        }


class CellView(CellMixin, View):
    """The cell as the grid shows it; htmx asks for it when an edit is cancelled."""

    permission_required = "portfolio.view_plan"

    def get(self, request, *args, **kwargs):
        cell = self.grid_cell(self.stored_cell())
        return render(
            request,
            "portfolio/_cell.html",
            self.cell_context(
                cell=cell, can_edit=request.user.has_perm("portfolio.change_plan", self.plan)
            ),
        )


class CellEditView(CellMixin, View):
    """Edit one cell: a form inside the cell (htmx) or on its own page (without JavaScript).

    A save based on an older version than the stored one is refused with 409 and shows what
    the other person saved, keeping what this user typed.
    """

    def get(self, request, *args, **kwargs):
        cell = self.grid_cell(self.stored_cell())
        form = CellForm(
            initial={"text": cell.text, "status": cell.status, "version": cell.version},
            auto_id=self.auto_id,
        )
        return self.render_form(form, cell)

    def post(self, request, *args, **kwargs):
        form = CellForm(request.POST, auto_id=self.auto_id)
        if not form.is_valid():
            return self.render_form(form, self.grid_cell(self.stored_cell()), status=422)
        try:
            saved = editing.save_cell(
                measure=self.measure,
                column=self.column,
                change=form.change(),
                based_on_version=form.cleaned_data["version"],
                user=request.user,
            )
        except editing.StaleCellEdit as conflict:
            return self.render_conflict(form, conflict.current)
        cell = self.grid_cell(saved)
        if not request.htmx:
            messages.success(request, f"Lagret: {self.measure} ({self.column}).")
            return HttpResponseRedirect(f"{self.plan.get_absolute_url()}#{cell.dom_id}")
        response = render(
            request, "portfolio/_cell.html", self.cell_context(cell=cell, can_edit=True)
        )
        return trigger_client_event(response, "cellSaved", "Cellen er lagret.")

    @property
    def auto_id(self) -> str:
        # Several cells' forms can be open at once: ids must differ per cell.
        return f"celle-{self.measure.pk}-{self.column.year}-%s"

    def render_conflict(self, form, current: Cell | None):
        """Show the other person's value, and let this user save again on top of it."""
        latest = current.history.select_related("history_user").first() if current else None
        data = form.data.copy()
        data["version"] = current.version if current else 0
        form = CellForm(data, auto_id=self.auto_id)
        form.is_valid()
        return self.render_form(
            form,
            self.grid_cell(current),
            status=409,
            conflict=latest,
        )

    def render_form(self, form, cell, status=200, conflict=None):
        template = "portfolio/_cell_form.html" if self.request.htmx else "portfolio/cell_edit.html"
        return render(
            self.request,
            template,
            self.cell_context(
                form=form,
                cell=cell,
                conflict=conflict,
                legend=legend(),
            ),
            status=status,
        )


class CellHistoryView(CellMixin, View):
    permission_required = "portfolio.view_plan"

    def get(self, request, *args, **kwargs):
        cell = self.stored_cell()
        entries = change_log(cell.history.all()) if cell else []
        return render(
            request,
            "portfolio/cell_history.html",
            self.cell_context(cell=self.grid_cell(cell), entries=entries),
        )


class PlanChangesView(PlanMixin, DetailView):
    """Every cell that changed between two dates, by area: the secretariat's report to SSU."""

    permission_required = "portfolio.view_plan"
    template_name = "portfolio/plan_changes.html"

    def get_object(self, queryset=None):
        return self.plan

    def get_context_data(self, **kwargs):
        form = ChangesForm(self.request.GET if "fra" in self.request.GET else None)
        changes = None
        if form.is_valid():
            start, end = form.period()
            changes = changes_between(
                PlanGrid.as_of(self.plan, start), PlanGrid.as_of(self.plan, end)
            )
        return super().get_context_data(form=form, changes=changes, **kwargs)


class PlanOverviewView(PlanMixin, DetailView):
    """Measures per status per area for one year column, as a table and a chart."""

    permission_required = "portfolio.view_plan"
    template_name = "portfolio/plan_overview.html"

    def get_object(self, queryset=None):
        return self.plan

    def get_context_data(self, **kwargs):
        grid = PlanGrid.current(self.plan)
        form = SelectColumnForm(
            self.request.GET if "aar" in self.request.GET else None,
            columns=grid.columns,
            initial={"aar": grid.columns[-1].year} if grid.columns else None,
        )
        column = form.selected_column()
        rows = status_counts(grid, column) if column else []
        return super().get_context_data(
            form=form,
            column=column,
            rows=rows,
            chart=status_chart(rows),
            statuses=[(status, STATUS_LABELS[status]) for status in STATUS_ORDER],
            **kwargs,
        )


# --- Adding, editing, moving and removing rows ---


class PlanRowFormMixin(PlanMixin, FormPageMixin):
    """Create and edit pages for areas, groups and measures: back to the row in the grid
    after a save."""

    def get_success_url(self):
        kind = next(kind for kind, model in ROW_MODELS.items() if isinstance(self.object, model))
        return f"{self.plan.get_absolute_url()}#rad-{kind}-{self.object.pk}"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"cancel_url": self.plan.get_absolute_url()}

    def form_valid(self, form):
        form.instance._history_user = self.request.user
        return super().form_valid(form)


class FocusAreaCreateView(PlanRowFormMixin, CreateView):
    model = FocusArea
    form_class = FocusAreaForm
    create_title = "Nytt innsatsområde"

    def form_valid(self, form):
        form.instance.plan = self.plan
        form.instance.position = editing.next_position(self.plan.areas)
        return super().form_valid(form)


class FocusAreaUpdateView(PlanRowFormMixin, UpdateView):
    model = FocusArea
    form_class = FocusAreaForm

    def get_queryset(self):
        return FocusArea.objects.filter(plan=self.plan)


class MeasureGroupCreateView(PlanRowFormMixin, CreateView):
    model = MeasureGroup
    form_class = MeasureGroupForm
    create_title = "Ny tiltaksgruppe"

    def dispatch(self, request, *args, **kwargs):
        self.area = get_object_or_404(FocusArea, pk=kwargs["area_pk"], plan=self.plan)
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        form.instance.area = self.area
        form.instance.position = editing.next_position(self.area.groups)
        return super().form_valid(form)


class MeasureGroupUpdateView(PlanRowFormMixin, UpdateView):
    model = MeasureGroup
    form_class = MeasureGroupForm

    def get_queryset(self):
        return MeasureGroup.objects.filter(area__plan=self.plan)


class MeasureFormMixin(PlanRowFormMixin):
    model = Measure
    form_class = MeasureForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "plan": self.plan}


class MeasureCreateView(MeasureFormMixin, CreateView):
    create_title = "Nytt tiltak"

    def get_initial(self):
        return {"group": self.request.GET.get("gruppe")}

    def form_valid(self, form):
        form.instance.position = editing.next_position(form.cleaned_data["group"].measures)
        return super().form_valid(form)


class MeasureUpdateView(MeasureFormMixin, UpdateView):
    def get_queryset(self):
        return Measure.objects.of_plan(self.plan)

    def form_valid(self, form):
        if "group" in form.changed_data:  # moved to another group: placed last there
            form.instance.position = editing.next_position(form.cleaned_data["group"].measures)
        return super().form_valid(form)


ROW_MODELS = {"omrade": FocusArea, "gruppe": MeasureGroup, "tiltak": Measure}
ROW_PLAN_LOOKUP = {"omrade": "plan", "gruppe": "area__plan", "tiltak": "group__area__plan"}


class PlanRowMixin(PlanMixin):
    """A row of the plan named in the URL by its kind (omrade, gruppe, tiltak) and pk."""

    def get_object(self, queryset=None):
        kind = self.kwargs["kind"]
        if kind not in ROW_MODELS:
            raise Http404("Ukjent radtype.")
        return get_object_or_404(
            ROW_MODELS[kind], pk=self.kwargs["pk"], **{ROW_PLAN_LOOKUP[kind]: self.plan}
        )


class PlanRowMoveView(PlanRowMixin, View):
    DIRECTIONS = {"opp": True, "ned": False}

    def post(self, request, *args, **kwargs):
        row = self.get_object()
        direction = request.POST.get("retning")
        if direction not in self.DIRECTIONS:
            messages.error(request, "Velg om raden skal flyttes opp eller ned.")
        elif editing.move(row, up=self.DIRECTIONS[direction], user=request.user):
            messages.success(request, f"Flyttet {direction}: {row}.")
        else:
            place = "øverst" if direction == "opp" else "nederst"
            messages.info(request, f"«{row}» står allerede {place}.")
        return HttpResponseRedirect(
            f"{self.plan.get_absolute_url()}#rad-{self.kwargs['kind']}-{row.pk}"
        )


class PlanRowDeleteView(PlanRowMixin, DeleteView):
    template_name = "portfolio/row_confirm_delete.html"
    # What goes with each kind of row, for the confirmation.
    REMOVED_WITH = {
        "omrade": "tiltaksgruppene, tiltakene og cellene",
        "gruppe": "tiltakene og cellene",
        "tiltak": "cellene",
    }

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            removed_with=self.REMOVED_WITH[self.kwargs["kind"]], **kwargs
        )

    def get_success_url(self):
        return self.plan.get_absolute_url()

    def form_valid(self, form):
        self.object._history_user = self.request.user
        with transaction.atomic():
            response = super().form_valid(form)
        messages.success(self.request, f"Fjernet: {self.object}.")
        return response


# --- Plans ---


class LocalPlanCreateView(PermissionRequiredMixin, FormPageMixin, CreateView):
    model = Plan
    form_class = LocalPlanForm
    permission_required = "portfolio.add_plan"
    create_title = "Ny lokal porteføljeplan"
    list_url_name = "portfolio:plan_list"

    def form_valid(self, form):
        form.instance._history_user = self.request.user
        with transaction.atomic():
            response = super().form_valid(form)
            years = list(form.years())
            for year in years:
                label = f"Fokus for {year}" if year == years[-1] else ""
                Column.objects.create(plan=self.object, year=year, label=label)
        return response


class PlanCopyView(PlanMixin, View):
    """Start next year's plan from this one."""

    def get(self, request, *args, **kwargs):
        last = self.plan.columns.last()
        year = (last.year + 1) if last else None
        title = self.plan.title.replace(str(last.year), str(year)) if last else self.plan.title
        return self.render(PlanCopyForm(initial={"title": title, "year": year}))

    def post(self, request, *args, **kwargs):
        form = PlanCopyForm(request.POST)
        if not form.is_valid():
            return self.render(form, status=422)
        copy = editing.copy_plan(
            self.plan,
            title=form.cleaned_data["title"],
            year=form.cleaned_data["year"],
            user=request.user,
        )
        messages.success(request, f"«{copy}» er opprettet fra «{self.plan}».")
        return HttpResponseRedirect(copy.get_absolute_url())

    def render(self, form, status=200):
        return render(
            self.request,
            "helsefellesskap/form_page.html",
            {
                "form": form,
                "page_title": f"Kopier «{self.plan}» til en ny plan",
                "cancel_url": self.plan.get_absolute_url(),
            },
            status=status,
        )


# --- Excel export and import ---


class PlanExcelExportView(PlanMixin, View):
    """Today's plan as an Excel workbook, to read, share or edit and import again."""

    permission_required = "portfolio.view_plan"

    def get(self, request, *args, **kwargs):
        return download_response(
            spreadsheet.export_plan(self.plan),
            download_filename(self.plan, "xlsx"),
            spreadsheet.CONTENT_TYPE,
        )


class PlanImportView(PlanMixin, View):
    """Upload an edited workbook, see every cell it would change, then confirm.

    Between the preview and the confirmation the session keeps what the preview showed (the
    changes, each with the version its cell had), not the file. That is small, lives in the
    database like every session (so it works with several app servers, unlike a temporary
    file), belongs to this user only, and leaves nothing on disk to clean up. Confirming
    writes exactly what was shown; a cell saved by someone else in between fails the version
    check and the whole import is rolled back. A new upload replaces an earlier preview.
    """

    session_key = "portfolio_import"

    def get(self, request, *args, **kwargs):
        return self.render_upload(PlanImportForm())

    def post(self, request, *args, **kwargs):
        if "token" in request.POST:
            return self.confirm(request)
        form = PlanImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_upload(form, status=422)
        preview = spreadsheet.preview_import(self.plan, form.cleaned_data["file"])
        request.session.pop(self.session_key, None)
        token = None
        if preview.can_apply:
            token = get_random_string(32)
            request.session[self.session_key] = {
                "token": token,
                "plan": self.plan.pk,
                "changes": preview.changes_as_data(),
            }
        return render(
            request,
            "portfolio/plan_import_preview.html",
            {
                "plan": self.plan,
                "preview": preview,
                "token": token,
                "file_name": form.cleaned_data["file"].name,
                "form": PlanImportForm(),
            },
            status=422 if preview.problems else 200,
        )

    def confirm(self, request):
        stored = request.session.pop(self.session_key, None)
        if (
            not stored
            or stored.get("plan") != self.plan.pk
            or not constant_time_compare(stored.get("token", ""), request.POST["token"])
        ):
            messages.error(request, "Forhåndsvisningen finnes ikke lenger. Last opp filen på nytt.")
            return HttpResponseRedirect(request.path)
        preview = spreadsheet.ImportPreview.from_changes_data(stored["changes"])
        try:
            count = spreadsheet.apply_import(self.plan, preview, request.user)
        except spreadsheet.ImportConflict as conflict:
            messages.error(request, str(conflict))
            return HttpResponseRedirect(request.path)
        messages.success(
            request,
            "1 celle er oppdatert fra Excel."
            if count == 1
            else f"{count} celler er oppdatert fra Excel.",
        )
        return HttpResponseRedirect(self.plan.get_absolute_url())

    def render_upload(self, form, status=200):
        return render(
            self.request,
            "portfolio/plan_import.html",
            {"plan": self.plan, "form": form},
            status=status,
        )


# --- Exports: PDF and PowerPoint ---


class PlanPdfView(PlanMixin, View):
    """Today's plan as a landscape PDF, one focus area per page (shown in the browser)."""

    permission_required = "portfolio.view_plan"

    def get(self, request, *args, **kwargs):
        pdf = plan_pdf(self.plan, request=request)
        return pdf_response(pdf, download_filename(self.plan, "pdf"))


class PlanPptxView(PlanMixin, View):
    """Today's plan as 16:9 PowerPoint slides, like the partnership's own (a download)."""

    permission_required = "portfolio.view_plan"

    def get(self, request, *args, **kwargs):
        return download_response(
            plan_pptx(self.plan), download_filename(self.plan, "pptx"), PPTX_CONTENT_TYPE
        )
