"""Forms of the plan pages: a cell, the rows of the plan, a new or copied plan, and the
filters, "as of" and "changes since" choices of the grid."""

import datetime

from django import forms
from django.utils import timezone

from helsefellesskap.forms import ChangeReasonForm, DateInput, NorwegianForm
from helsefellesskap.models import Body

from .editing import MAX_BULK_CELLS, CellChange
from .grid import GridFilter
from .models import CELL_TEXT_MAX_LENGTH, FocusArea, Measure, MeasureGroup, Plan, Status
from .spreadsheet import MAX_FILE_SIZE, MAX_FILE_SIZE_LABEL


class CellForm(NorwegianForm):
    """One cell: its text and status, why it changed, and the version the editor started from."""

    text = forms.CharField(
        label="Tekst",
        max_length=CELL_TEXT_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=f"Kort tekst, høyst {CELL_TEXT_MAX_LENGTH} tegn.",
    )
    status = forms.ChoiceField(
        label="Status",
        choices=[("", "Ingen status")] + Status.choices,
        required=False,
        error_messages={"invalid_choice": "Ukjent status «%(value)s». Velg en av statusene."},
    )
    comment = forms.CharField(
        label="Kommentar til endringen",
        max_length=200,
        required=False,
        help_text="Valgfritt: hvorfor cellen endres. Vises i cellens historikk.",
    )
    version = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=0,
        error_messages={
            "required": "Skjemaet mangler versjonen av cellen. Last siden på nytt og prøv igjen.",
            "invalid": "Skjemaet har en ugyldig versjon av cellen. Last siden på nytt.",
        },
    )

    def change(self) -> CellChange:
        data = self.cleaned_data
        return CellChange(text=data["text"].strip(), status=data["status"], comment=data["comment"])


class CellsField(forms.Field):
    """The cells the grid marked, each as "measure:year:version" (hidden inputs the grid's
    script adds); cleaned into (measure id, year, version) triples."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {
        "required": "Merk minst én celle før du setter status.",
        "invalid": "Listen over merkede celler kunne ikke leses. Last siden på nytt.",
        "too_many": f"Du kan sette status for høyst {MAX_BULK_CELLS} celler om gangen.",
    }

    def to_python(self, value) -> list[tuple[int, int, int]]:
        cells = []
        for token in value or []:
            parts = str(token).split(":")
            if len(parts) != 3 or not all(part.isdecimal() and len(part) < 10 for part in parts):
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
            cells.append(tuple(int(part) for part in parts))
        if len(cells) > MAX_BULK_CELLS:
            raise forms.ValidationError(self.error_messages["too_many"], code="too_many")
        return list(dict.fromkeys(cells))


class BulkStatusForm(NorwegianForm):
    """One status for several marked cells of the grid."""

    status = forms.ChoiceField(
        label="Ny status for de merkede cellene",
        choices=[("", "Ingen status")] + Status.choices,
        required=False,
        error_messages={"invalid_choice": "Ukjent status «%(value)s». Velg en av statusene."},
    )
    celle = CellsField()


class FocusAreaForm(ChangeReasonForm):
    class Meta:
        model = FocusArea
        fields = ["name", "vision"]
        widgets = {"vision": forms.Textarea(attrs={"rows": 5})}


class MeasureGroupForm(ChangeReasonForm):
    class Meta:
        model = MeasureGroup
        fields = ["name"]


class MeasureForm(ChangeReasonForm):
    class Meta:
        model = Measure
        fields = ["name", "group", "responsible_body", "assignment", "overall_measure"]
        widgets = {"name": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = MeasureGroup.objects.filter(area__plan=plan).select_related(
            "area"
        )
        self.fields["group"].label_from_instance = lambda group: f"{group.area} – {group}"
        self.fields["responsible_body"].queryset = Body.objects.order_by("name")
        if plan.based_on_id:
            self.fields["overall_measure"].queryset = Measure.objects.of_plan(
                plan.based_on
            ).select_related("group__area")
            self.fields["overall_measure"].label_from_instance = lambda measure: (
                f"{measure.group.area} – {measure}"
            )
        else:
            del self.fields["overall_measure"]


class LocalPlanForm(ChangeReasonForm):
    """A new local plan for an LSU, in line with the overall plan, with its year columns."""

    first_year = forms.IntegerField(label="Første år", min_value=2000, max_value=2100)
    last_year = forms.IntegerField(
        label="Fokusår", min_value=2000, max_value=2100, help_text="Siste kolonne: «Fokus for …»."
    )

    class Meta:
        model = Plan
        fields = ["title", "body", "based_on", "updated_label", "dated", "note"]
        widgets = {"dated": DateInput(), "note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].required = True
        self.fields["body"].empty_label = "Velg LSU"
        self.fields["body"].queryset = Body.objects.filter(kind=Body.Kind.LOCAL_COMMITTEE)
        self.fields["based_on"].empty_label = "Ingen overordnet plan"
        self.fields["based_on"].queryset = Plan.objects.filter(body__isnull=True)

    def clean(self):
        data = super().clean()
        first, last = data.get("first_year"), data.get("last_year")
        if first and last and not 0 <= last - first <= 5:
            self.add_error("last_year", "Fokusåret må være samme år eller inntil fem år etter.")
        return data

    def years(self) -> range:
        return range(self.cleaned_data["first_year"], self.cleaned_data["last_year"] + 1)


class PlanCopyForm(NorwegianForm):
    title = forms.CharField(label="Tittel på den nye planen", max_length=200)
    year = forms.IntegerField(
        label="Fokusår for den nye planen",
        min_value=2000,
        max_value=2100,
        help_text="Kolonnene blir de to årene før og «Fokus for» dette året.",
    )


class GridFilterForm(NorwegianForm):
    """The grid's filters; every field is optional and an unknown value is simply ignored."""

    omrade = forms.TypedChoiceField(label="Innsatsområde", required=False, coerce=int)
    status = forms.ChoiceField(
        label="Status", required=False, choices=[("", "Alle statuser")] + Status.choices
    )
    aar = forms.TypedChoiceField(label="År", required=False, coerce=int)
    ansvarlig = forms.TypedChoiceField(label="Ansvarlig organ", required=False, coerce=int)

    def __init__(self, *args, areas, columns, bodies, **kwargs):
        """`areas` and `bodies` as (pk, name), in the order shown."""
        super().__init__(*args, **kwargs)
        self.fields["omrade"].choices = [("", "Alle områder"), *areas]
        self.fields["aar"].choices = [("", "Alle år")] + [
            (column.year, column.heading) for column in columns
        ]
        self.fields["ansvarlig"].choices = [("", "Alle organer"), *bodies]

    def grid_filter(self) -> GridFilter:
        """Each filter on its own: an unknown value drops that filter, not the others."""
        values = {}
        for name, field in self.fields.items():
            try:
                values[name] = field.clean(self.data.get(name, ""))
            except forms.ValidationError:
                values[name] = field.empty_value if hasattr(field, "empty_value") else ""
        return GridFilter(
            area_id=values["omrade"] or None,
            status=values["status"],
            year=values["aar"] or None,
            body_id=values["ansvarlig"] or None,
        )


class SelectColumnForm(NorwegianForm):
    aar = forms.TypedChoiceField(label="År", required=False, coerce=int)

    def __init__(self, *args, columns, **kwargs):
        super().__init__(*args, **kwargs)
        self.columns = columns
        self.fields["aar"].choices = [(column.year, column.heading) for column in columns]

    def selected_column(self):
        """The chosen year's column; the last (the focus year) when none or an unknown one."""
        year = self.cleaned_data.get("aar") if self.is_valid() else None
        by_year = {column.year: column for column in self.columns}
        return by_year.get(year) or (self.columns[-1] if self.columns else None)


class PlanDateField(forms.DateField):
    """A date in the plans' lifetime; far-off dates are refused with a message, not an error
    when the date is turned into a moment."""

    widget = DateInput

    def validate(self, value):
        super().validate(value)
        if value and not 2000 <= value.year <= 2100:
            raise forms.ValidationError("Velg en dato mellom år 2000 og 2100.")


class AsOfForm(NorwegianForm):
    dato = PlanDateField(label="Vis planen per dato")

    def clean_dato(self):
        # The page says "the plan as it was at the end of" the day: a day to come has no
        # plan yet, only today's, which that sentence would misdate.
        day = self.cleaned_data["dato"]
        if day > timezone.localdate():
            raise forms.ValidationError("Velg i dag eller en dag som har vært.")
        return day

    def moment(self) -> datetime.datetime:
        """The end of the chosen day: "as of 14.10.2025" includes that day's changes."""
        day = self.cleaned_data["dato"]
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time.max))


class ChangesForm(NorwegianForm):
    fra = PlanDateField(label="Endringer fra og med")
    til = PlanDateField(label="Til og med")

    def clean(self):
        data = super().clean()
        if data.get("fra") and data.get("til") and data["til"] < data["fra"]:
            self.add_error("til", "Til-datoen kan ikke være før fra-datoen.")
        return data

    def period(self) -> tuple[datetime.datetime, datetime.datetime]:
        start = datetime.datetime.combine(self.cleaned_data["fra"], datetime.time.min)
        end = datetime.datetime.combine(self.cleaned_data["til"], datetime.time.max)
        # Changes from the start of "fra": compare with the plan as it stood just before.
        return (
            timezone.make_aware(start) - datetime.timedelta(microseconds=1),
            timezone.make_aware(end),
        )


class PlanImportForm(NorwegianForm):
    """An Excel workbook to import into a plan; what is in it is checked by
    `spreadsheet.preview_import`, here only that it is an .xlsx of reasonable size."""

    file = forms.FileField(
        label="Excel-fil",
        help_text=f"Regnearket (.xlsx) du lastet ned fra planen og har endret, høyst "
        f"{MAX_FILE_SIZE_LABEL}.",
        widget=forms.FileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
        error_messages={
            "required": "Velg en fil.",
            "empty": "Filen er tom.",
            "invalid": "Velg en fil.",
        },
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(
                "Filen må være et Excel-regneark (.xlsx). Lagre den som «Excel-arbeidsbok» og "
                "prøv igjen."
            )
        if upload.size > MAX_FILE_SIZE:
            raise forms.ValidationError(f"Filen er for stor: høyst {MAX_FILE_SIZE_LABEL}.")
        return upload
