"""One cell of the grid, named by its measure and year: shown, edited in the grid's editor
dialog (htmx) or on a page of its own (without JavaScript), and its history; several cells'
status set at once."""

from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.views import View
from django_htmx.http import reswap, retarget, trigger_client_event

from helsefellesskap.history import change_log

from .. import editing
from ..cell_fragments import CellMode, render_cell
from ..documents import EMPTY_CELL_NOTE, legend
from ..forms import BulkStatusForm, CellForm
from ..grid import GridCell
from ..models import Cell, Column, Measure, Status
from .plans import PlanMixin


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

    def render_cell(self, mode: CellMode, cell: Cell | None = None):
        """The cell's fragment as the grid shows it (reused from the cache when it can be)."""
        return render_cell(
            self.grid_cell(cell or self.stored_cell()),
            plan_pk=self.plan.pk,
            measure_name=self.measure.name,
            mode=mode,
        )

    def cell_context(self, **extra):
        return {
            "plan": self.plan,
            "measure": self.measure,
            "column": self.column,
            "empty_cell_note": EMPTY_CELL_NOTE,
            **extra,
        }


class CellView(CellMixin, View):
    """The cell as the grid shows it to this user (the fragment the plan page reuses)."""

    permission_required = "portfolio.view_plan"

    def get(self, request, *args, **kwargs):
        can_edit = request.user.has_perm("portfolio.change_plan", self.plan)
        return HttpResponse(self.render_cell(CellMode.EDIT if can_edit else CellMode.READ))


class CellEditView(CellMixin, View):
    """Edit one cell: a form in the grid's editor dialog (htmx) or on its own page (without
    JavaScript). A save in the dialog answers with the new cell, swapped into the grid.

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
        response = retarget(HttpResponse(self.render_cell(CellMode.EDIT, saved)), f"#{cell.dom_id}")
        return trigger_client_event(
            reswap(response, "outerHTML"), "cellSaved", "Cellen er lagret.", after="settle"
        )

    @property
    def auto_id(self) -> str:
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


class CellBulkStatusView(PlanMixin, View):
    """One status for the cells marked in the grid (`editing.set_status`): all saved, or none
    when one of them changed meanwhile; back to the plan with a message either way."""

    def post(self, request, *args, **kwargs):
        form = BulkStatusForm(request.POST)
        cells = self.cell_versions(form.cleaned_data["celle"]) if form.is_valid() else None
        if form.errors or cells is None:
            messages.error(request, self.refusal(form))
            return HttpResponseRedirect(self.plan.get_absolute_url())
        status = form.cleaned_data["status"]
        label = Status(status).label if status else "ingen status"
        try:
            changed = editing.set_status(
                cells=cells,
                status=status,
                user=request.user,
                comment=f"Status satt samlet: {label}",
            )
        except editing.StaleBulkEdit as stale:
            messages.error(request, str(stale))
            return HttpResponseRedirect(self.plan.get_absolute_url())
        count = f"{len(cells)} celle" + ("r" if len(cells) > 1 else "")
        messages.success(request, f"Status «{label}» er satt for {count} ({changed} endret).")
        first = cells[0]
        return HttpResponseRedirect(
            f"{self.plan.get_absolute_url()}#celle-{first.measure.pk}-{first.column.year}"
        )

    def cell_versions(self, marked) -> list[editing.CellVersion] | None:
        """The marked cells of this plan; None when one of them is not in it (any more)."""
        measures = Measure.objects.of_plan(self.plan).in_bulk({pk for pk, _, _ in marked})
        columns = {column.year: column for column in self.plan.columns.all()}
        if any(pk not in measures or year not in columns for pk, year, _ in marked):
            return None
        return [
            editing.CellVersion(measures[pk], columns[year], version)
            for pk, year, version in marked
        ]

    @staticmethod
    def refusal(form) -> str:
        errors = [error for field_errors in form.errors.values() for error in field_errors]
        return " ".join(errors) or (
            "En av de merkede cellene finnes ikke lenger i planen. Last siden på nytt."
        )
