"""The plan's rows: adding and editing focus areas, groups of measures and measures, moving a
row up or down, and removing one with everything under it."""

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.views import View
from django.views.generic import CreateView, DeleteView, UpdateView

from helsefellesskap.pages import FormPageMixin

from .. import editing
from ..forms import FocusAreaForm, MeasureForm, MeasureGroupForm
from ..models import FocusArea, Measure, MeasureGroup
from .plans import PlanMixin

ROW_MODELS = {"omrade": FocusArea, "gruppe": MeasureGroup, "tiltak": Measure}
ROW_PLAN_LOOKUP = {"omrade": "plan", "gruppe": "area__plan", "tiltak": "group__area__plan"}


def _kind(model) -> str:
    return next(kind for kind, row_model in ROW_MODELS.items() if issubclass(model, row_model))


class PlanRowFormMixin(PlanMixin, FormPageMixin):
    """Create and edit pages for areas, groups and measures: back to the row in the grid
    after a save."""

    def get_success_url(self):
        return f"{self.plan.get_absolute_url()}#rad-{_kind(type(self.object))}-{self.object.pk}"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"cancel_url": self.plan.get_absolute_url()}


class PlanRowUpdateMixin(PlanRowFormMixin):
    """An edit page finds its row among the plan's own rows only."""

    def get_queryset(self):
        return self.model.objects.filter(**{ROW_PLAN_LOOKUP[_kind(self.model)]: self.plan})


class PlanRowCreateMixin(PlanRowFormMixin):
    """A new row goes under its parent (`set_parent`), after the rows already there."""

    def set_parent(self, row) -> None:
        pass  # a measure's group is chosen in the form

    def form_valid(self, form):
        self.set_parent(form.instance)
        editing.place_last(form.instance)
        return super().form_valid(form)


class FocusAreaCreateView(PlanRowCreateMixin, CreateView):
    model = FocusArea
    form_class = FocusAreaForm
    create_title = "Nytt innsatsområde"

    def set_parent(self, row) -> None:
        row.plan = self.plan


class FocusAreaUpdateView(PlanRowUpdateMixin, UpdateView):
    model = FocusArea
    form_class = FocusAreaForm


class MeasureGroupCreateView(PlanRowCreateMixin, CreateView):
    model = MeasureGroup
    form_class = MeasureGroupForm
    create_title = "Ny tiltaksgruppe"

    def dispatch(self, request, *args, **kwargs):
        self.area = get_object_or_404(FocusArea, pk=kwargs["area_pk"], plan=self.plan)
        return super().dispatch(request, *args, **kwargs)

    def set_parent(self, row) -> None:
        row.area = self.area


class MeasureGroupUpdateView(PlanRowUpdateMixin, UpdateView):
    model = MeasureGroup
    form_class = MeasureGroupForm


class MeasureFormMixin(PlanRowFormMixin):
    model = Measure
    form_class = MeasureForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "plan": self.plan}


class MeasureCreateView(PlanRowCreateMixin, MeasureFormMixin, CreateView):
    create_title = "Nytt tiltak"

    def get_initial(self):
        return {"group": self.request.GET.get("gruppe")}


class MeasureUpdateView(MeasureFormMixin, PlanRowUpdateMixin, UpdateView):
    def form_valid(self, form):
        if "group" in form.changed_data:  # moved to another group: placed last there
            editing.place_last(form.instance)
        return super().form_valid(form)


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
            removed_with=self.REMOVED_WITH[self.kwargs["kind"]],
            references=editing.references_to(self.object),
            **kwargs,
        )

    def get_success_url(self):
        return self.plan.get_absolute_url()

    def form_valid(self, form):
        try:
            editing.remove_row(self.object, user=self.request.user)
        except editing.RowInUse as refusal:
            # Someone linked it after the page was shown: the page again, with the refusal.
            messages.error(self.request, str(refusal))
            return self.render_to_response(self.get_context_data(), status=409)
        messages.success(self.request, f"Fjernet: {self.object}.")
        return HttpResponseRedirect(self.get_success_url())
