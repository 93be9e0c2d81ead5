"""Forms of the grants. Each step's form only reads the input; workflow.py takes the step."""

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from django import forms
from django.forms.formsets import TOTAL_FORM_COUNT
from django.forms.utils import ErrorDict
from django.http import QueryDict
from django.utils.functional import cached_property
from django.utils.translation import ngettext

from helsefellesskap.formatting import nok
from helsefellesskap.forms import DateInput
from helsefellesskap.models import Organisation, Sector, today
from portfolio.models import FocusArea, Measure

from .models import HOSPITAL_KINDS, MUNICIPAL_KINDS, Application, BudgetLine

# --- Amounts as people type them (also the committees' forms: forms_committees.py) ---


class AmountField(forms.CharField):
    """An amount in kroner as people type it: "450 000", "450000", "450.000", "1 234,50",
    "kr 450 000", "450 000,-". A dot followed by groups of three digits separates thousands
    (as Norwegians often write it); otherwise a dot or a comma starts the øre."""

    default_error_messages = {
        "invalid": "Skriv beløpet som et tall i kroner, for eksempel 450 000.",
        "negative": "Beløpet kan ikke være negativt.",
    }
    THOUSANDS_WITH_DOTS = re.compile(r"-?\d{1,3}(\.\d{3})+")
    NUMBER = re.compile(r"-?\d+(\.\d{1,2})?")

    def to_python(self, value):
        text = super().to_python(value)
        if text in self.empty_values:
            return None
        text = "".join(text.split()).replace("\u202f", "").lower()  # split() takes \xa0 too
        text = text.removeprefix("kr").removesuffix("kr").removesuffix(",-").removesuffix(".-")
        text = text.replace("\u2212", "-")  # a typographic minus
        if "," in text:
            text = text.replace(".", "").replace(",", ".")
        elif self.THOUSANDS_WITH_DOTS.fullmatch(text):
            text = text.replace(".", "")
        if not self.NUMBER.fullmatch(text) or len(text.lstrip("-").split(".")[0]) > 10:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        amount = Decimal(text)
        if amount < 0:
            raise forms.ValidationError(self.error_messages["negative"], code="negative")
        return amount


# --- The applicant's form: the application and its budget lines ---


class KronerField(AmountField):
    """AmountField showing a stored amount as typed: 1000000, 1234,50 (not 1000000.00)."""

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            if value == value.to_integral_value():
                return str(int(value))
            return f"{value:.2f}".replace(".", ",")
        return value


def grouped_options(bound_field, group_of, *, keep) -> list[tuple[str, list]]:
    """The checkboxes of a model multiple-choice field whose objects `keep` accepts, in groups
    in queryset order: [("Få felles forståelse", [option, ...]), ...]; each option renders
    with `.tag`."""
    groups: dict[str, list] = {}
    for option in bound_field.subwidgets:
        instance = option.data["value"].instance
        if keep(instance):
            groups.setdefault(group_of(instance), []).append(option)
    return list(groups.items())


PARTNER_KIND_ORDER = [*MUNICIPAL_KINDS, *HOSPITAL_KINDS] + [
    kind for kind in Organisation.Kind if kind not in (*MUNICIPAL_KINDS, *HOSPITAL_KINDS)
]
PARTNER_MATCHES_SHOWN = 10


class OrganisationWithKindField(forms.ModelChoiceField):
    def label_from_instance(self, organisation):
        return f"{organisation.name} ({organisation.get_kind_display()})"


class PartnerField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, organisation):
        return organisation.name


class MeasureField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, measure):
        return measure.name


class ContinuesField(forms.ModelChoiceField):
    def label_from_instance(self, application):
        return f"{application.title} ({application.sector}, {application.round.year})"


class SectorChoiceField(forms.ModelChoiceField):
    """The sector of a new application, for a user who sits in several LSUs."""

    def __init__(self, sectors):
        super().__init__(
            label="Sektor",
            queryset=Sector.objects.filter(pk__in=[sector.pk for sector in sectors]),
            widget=forms.RadioSelect,
            empty_label=None,
            help_text="Du er med i flere lokale samarbeidsutvalg: velg sektoren søknaden gjelder.",
            error_messages={"required": "Velg sektoren søknaden gjelder."},
        )


class FieldsetCheckboxes(forms.CheckboxSelectMultiple):
    """Checkboxes laid out by the page in a fieldset that carries the field's id: the error
    summary links there (the first checkbox shown is not always the first choice)."""

    def id_for_label(self, id_, index=None):
        return id_ if index is None else super().id_for_label(id_, index)


class ShownAsPosted:
    """A bound form that can be shown again just as it was posted, without being checked
    (`checked = False`): after the applicant added or removed a budget line, searched for a
    partner or chose a focus area. It shows no errors, and it is never valid."""

    checked = True

    def full_clean(self):
        if self.checked:
            super().full_clean()
            return
        self._errors = ErrorDict(renderer=self.renderer)
        self.cleaned_data = {}

    def is_valid(self) -> bool:
        return self.checked and super().is_valid()


def _ids(values) -> set[int]:
    """The whole numbers among posted ids (anything else is left out)."""
    ids = set()
    for value in values or ():
        try:
            ids.add(int(value))
        except (TypeError, ValueError):
            continue
    return ids


class PartnerMatches(NamedTuple):
    """A partner search: the matches shown, how many there are, how many are chosen already."""

    shown: list[Organisation]
    count: int
    chosen: int


class ApplicationForm(ShownAsPosted, forms.ModelForm):
    """An applicant's application. The amount asked is not typed: it is the sum of the budget
    lines (ApplicationForms sets it). The measures offered are the chosen focus area's, the
    partners are picked by searching the register (`partner_matches`). A draft may lack
    partners; sending it in (`submitting`) may not, and the confirmation page checks the
    stored draft again (workflow.submit_application)."""

    class Meta:
        model = Application
        fields = [
            "title",
            "summary",
            "focus_area",
            "measures",
            "applicant_organisation",
            "contact_name",
            "contact_email",
            "partners",
            "period_start",
            "period_end",
            "continues",
        ]
        labels = {
            "period_start": "Prosjektperiode fra",
            "period_end": "Prosjektperiode til",
            "applicant_organisation": "Søker (virksomhet)",
        }
        help_texts = {
            "summary": "Hva skal gjøres, for hvem, og hvordan samarbeider kommune og sykehus?",
            "measures": "Kryss av tiltakene under innsatsområdet som søknaden følger opp.",
            "partners": "Minst én på kommunal side (bydel eller etat) og ett sykehus, slik "
            "ordningen krever. Søkeren teller med. Et utkast kan lagres uten.",
            "continues": "Bare hvis prosjektet har fått tilskudd i en tidligere runde.",
        }
        field_classes = {
            "focus_area": forms.ModelChoiceField,
            "measures": MeasureField,
            "applicant_organisation": OrganisationWithKindField,
            "partners": PartnerField,
            "continues": ContinuesField,
        }
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 6}),
            "measures": FieldsetCheckboxes,
            "partners": FieldsetCheckboxes,
            "period_start": DateInput(),
            "period_end": DateInput(),
        }

    def __init__(self, *args, round, sectors=(), submitting: bool = False, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.round = round
        self.submitting = submitting
        instance = self.instance
        focus_areas = FocusArea.objects.open_for(round, keep=instance.focus_area_id)
        self.fields["focus_area"].queryset = focus_areas
        self.fields["focus_area"].empty_label = "Velg innsatsområde"
        # All the open areas' measures are accepted as input, so that one of another area is
        # refused by name (clean); only the chosen area's are offered (measure_groups).
        self.fields["measures"].queryset = Measure.objects.of_areas(
            focus_areas, keep=self._chosen("measures")
        )
        chosen = set(self._chosen("partners"))
        if instance.applicant_organisation_id:
            chosen.add(instance.applicant_organisation_id)
        organisations = Organisation.objects.partner_choices(
            today(), keep=chosen, kind_order=PARTNER_KIND_ORDER
        )
        self.fields["applicant_organisation"].queryset = organisations
        self.fields["applicant_organisation"].empty_label = "Velg virksomhet"
        self.fields["partners"].queryset = organisations
        self.fields["partners"].required = False  # a draft may lack them; submitting may not
        self.fields["continues"].queryset = Application.objects.continuable(
            round, sectors, keep=instance.continues_id
        ).exclude(pk=instance.pk)
        self.fields["continues"].empty_label = "Nei, et nytt prosjekt"
        self.fields["continues"].label = "Videreføring av et prosjekt med tilskudd før"
        if len(sectors) > 1:
            self.fields["sector"] = SectorChoiceField(sectors)
            self.order_fields(["sector"])

    def _chosen(self, name: str) -> list[int]:
        """The ids saved in a many-to-many field of the instance (none for a new one)."""
        if self.instance.pk is None:
            return []
        return list(getattr(self.instance, name).values_list("pk", flat=True))

    def save(self, commit=True):
        if "sector" in self.fields:  # the applicant sits in several LSUs and chose one
            self.instance.sector = self.cleaned_data["sector"]
        return super().save(commit)

    @cached_property
    def chosen_area(self) -> FocusArea | None:
        """The focus area chosen on the page (as posted, or saved), if it may be chosen."""
        [pk] = _ids([self["focus_area"].value()]) or [None]
        return next((a for a in self.fields["focus_area"].queryset if a.pk == pk), None)

    def measure_groups(self) -> list[tuple[str, list]]:
        """The chosen focus area's measures as checkboxes, by group; none before an area is
        chosen."""
        area = self.chosen_area
        if area is None:
            return []
        return grouped_options(
            self["measures"],
            lambda measure: measure.group.name,
            keep=lambda measure: measure.group.area_id == area.pk,
        )

    @cached_property
    def organisations(self) -> list[Organisation]:
        return list(self.fields["partners"].queryset)

    def chosen_partners(self) -> list[Organisation]:
        """The partners ticked on the page (as posted, or saved), in the register's order."""
        chosen = _ids(self["partners"].value())
        return [organisation for organisation in self.organisations if organisation.pk in chosen]

    def partner_query(self) -> str:
        """What the applicant searched the register for (not a field: nothing is saved)."""
        return " ".join(str(self.data.get("partner_search", ""))[:100].split())

    def partner_matches(self) -> "PartnerMatches":
        """The organisations whose name or kind holds every word searched for, those chosen
        left out: at most PARTNER_MATCHES_SHOWN. Compared casefolded in Python (the register
        is small), so that "østensjø" finds "Bydel Østensjø" on SQLite too."""
        words = self.partner_query().casefold().split()
        if not words:
            return PartnerMatches([], 0, 0)
        chosen = {organisation.pk for organisation in self.chosen_partners()}
        found = [
            organisation
            for organisation in self.organisations
            if all(
                word in f"{organisation.name} {organisation.get_kind_display()}".casefold()
                for word in words
            )
        ]
        new = [organisation for organisation in found if organisation.pk not in chosen]
        return PartnerMatches(new[:PARTNER_MATCHES_SHOWN], len(new), len(found) - len(new))

    def clean(self):
        data = super().clean()
        area, measures = data.get("focus_area"), data.get("measures")
        if area and measures:
            stray = [measure for measure in measures if measure.group.area_id != area.pk]
            if stray:
                message = ngettext(
                    "Tiltaket %(names)s hører ikke til innsatsområdet «%(area)s».",
                    "Tiltakene %(names)s hører ikke til innsatsområdet «%(area)s».",
                    len(stray),
                )
                names = ", ".join(f"«{measure}»" for measure in stray)
                self.add_error(
                    "measures",
                    message % {"names": names, "area": area}
                    + " Kryss av blant tiltakene som vises under innsatsområdet.",
                )
        if self.submitting:
            self._require_both_sides(data)
        return data

    def _require_both_sides(self, data) -> None:
        """Sending in: partners on the municipal side and a hospital, as the scheme requires
        (the applicant counts)."""
        kinds = {partner.kind for partner in data.get("partners") or ()}
        if data.get("applicant_organisation"):
            kinds.add(data["applicant_organisation"].kind)
        if not kinds & set(MUNICIPAL_KINDS):
            self.add_error(
                "partners", "Velg minst én samarbeidspartner på kommunal side (bydel eller etat)."
            )
        if not kinds & set(HOSPITAL_KINDS):
            self.add_error("partners", "Velg minst ett sykehus som samarbeidspartner.")


class BudgetLineForm(ShownAsPosted, forms.ModelForm):
    FOUR_DIGITS = "Skriv året med fire sifre, for eksempel 2025."
    year = forms.IntegerField(
        label="År",
        error_messages={"invalid": FOUR_DIGITS},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 5}),
    )
    amount = KronerField(label="Beløp (kr)")

    class Meta:
        model = BudgetLine
        fields = ["year", "description", "amount"]
        labels = {"description": "Post"}

    def __init__(self, *args, checked: bool = True, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.checked = checked
        self.fields["amount"].widget.attrs.update(inputmode="decimal", size=12)

    def clean_year(self):
        year = self.cleaned_data["year"]
        if year is not None and not 1000 <= year <= 9999:
            raise forms.ValidationError(self.FOUR_DIGITS)
        if year is not None and not 2000 <= year <= 2100:
            raise forms.ValidationError("Året må være mellom 2000 og 2100.")
        return year


@dataclass(frozen=True)
class BudgetSum:
    """The sum of the budget lines shown, as typed; `unreadable`: the numbers of the lines
    whose amount could not be read (they count nothing)."""

    total: Decimal
    unreadable: list[int]


class BaseBudgetLineFormSet(forms.BaseInlineFormSet):
    """At least one line and at most MAX_LINES; each line's year inside the project period
    when that is known (`period`: the first and the last year); a total above nothing that
    the amount asked can hold.

    Lines are added and removed in place: `with_line_added()` and `without_line()` give the
    posted data with a line more or less. A saved line that is removed stays among `forms`,
    marked for deletion (it is deleted when the draft is saved), but not among the lines
    shown, which is what iterating the formset gives (the page, its error summary)."""

    MAX_LINES = 100
    MAX_TOTAL = Decimal("9999999999.99")  # what Application.amount_asked holds
    default_error_messages = {
        **forms.BaseInlineFormSet.default_error_messages,
        "too_few_forms": "Budsjettet må ha minst én linje med år, post og beløp.",
        "too_many_forms": "Budsjettet kan ha høyst %(num)d linjer.",
    }
    period: tuple[int, int] | None = None
    checked = True

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "checked": self.checked}

    def full_clean(self):
        if self.checked:
            super().full_clean()
            return
        self._errors = []
        self._non_form_errors = self.error_class(error_class="nonform", renderer=self.renderer)

    def is_valid(self) -> bool:
        return self.checked and super().is_valid()

    def __iter__(self):
        return iter(self.shown_lines())

    def shown_lines(self) -> list:
        return [form for form in self.forms if not form["DELETE"].value()]

    def removed_lines(self) -> list:
        return [form for form in self.forms if form["DELETE"].value()]

    @cached_property
    def sum(self) -> BudgetSum:
        total, unreadable = Decimal("0"), []
        for number, form in enumerate(self.shown_lines(), start=1):
            try:
                amount = form.fields["amount"].to_python(form["amount"].value())
            except forms.ValidationError:
                unreadable.append(number)
                continue
            total += amount or 0
        return BudgetSum(total, unreadable)

    def clean(self):
        super().clean()
        if self.period:
            self._check_years(*self.period)
        problems = []
        if self.sum.total > self.MAX_TOTAL:
            problems.append(
                f"Budsjettlinjene summerer seg til {nok(self.sum.total)}. Søkt beløp kan være "
                f"høyst {nok(self.MAX_TOTAL)}."
            )
        elif self.sum.total <= 0 and not any(form.errors for form in self.shown_lines()):
            problems.append("Budsjettet må til sammen være mer enn 0 kr.")
        if problems:
            raise forms.ValidationError(problems)

    def _check_years(self, first: int, last: int) -> None:
        for form in self.shown_lines():
            year = getattr(form, "cleaned_data", {}).get("year")
            if year and not first <= year <= last:
                span = str(first) if first == last else f"{first}–{last}"
                form.add_error("year", f"Året må være innenfor prosjektperioden ({span}).")

    # --- Lines added and removed in place (the data posted back, changed) ---

    def with_line_added(self) -> QueryDict:
        """The posted data with one more, empty line (none above MAX_LINES)."""
        data = self.data.copy()
        if len(self.shown_lines()) < self.MAX_LINES:
            data[self._total_key] = str(self.total_form_count() + 1)
        return data

    def without_line(self, number: int) -> QueryDict:
        """The posted data without the shown line `number` (1 for the first): a saved line is
        marked for deletion, a new one is taken out and the later ones move up. Removing the
        only line leaves an empty one."""
        shown = self.shown_lines()
        data = self.data.copy()
        if not 1 <= number <= len(shown):
            return data
        form = shown[number - 1]
        index = self.forms.index(form)
        if index < self.initial_form_count():
            data[form.add_prefix("DELETE")] = "on"
            count = self.total_form_count()
        else:
            count = self.total_form_count() - 1
            for later in range(index, count):
                for name in form.fields:
                    moved = data.getlist(f"{self.prefix}-{later + 1}-{name}")
                    data.setlist(f"{self.prefix}-{later}-{name}", moved)
            for name in form.fields:
                data.pop(f"{self.prefix}-{count}-{name}", None)
        if len(shown) == 1:
            count += 1  # an empty line in place of the last one
        data[self._total_key] = str(count)
        return data

    @property
    def _total_key(self) -> str:
        return self.management_form.add_prefix(TOTAL_FORM_COUNT)


BudgetLineFormSet = forms.inlineformset_factory(
    Application,
    BudgetLine,
    form=BudgetLineForm,
    formset=BaseBudgetLineFormSet,
    fields=["year", "description", "amount"],
    min_num=1,
    validate_min=True,
    max_num=BaseBudgetLineFormSet.MAX_LINES,
    absolute_max=BaseBudgetLineFormSet.MAX_LINES,  # a tampered count builds no more forms
    validate_max=True,
    extra=0,
    can_delete=True,
)


class ApplicationForms:
    """The application form and its budget lines, made and checked together, so that every
    error (the fields', the lines', the total's) is shown at once; when both are valid, the
    amount asked is the lines' sum.

    `posted_back()` gives them shown again unchecked after a step that saves nothing
    (POSTBACKS): a line added or removed, a partner searched for or picked, a focus area
    chosen, the sum asked for (htmx, as the amounts are typed), or the form refreshed (the
    form's default button, which Enter presses)."""

    PREFIX = "budsjett"
    POSTBACKS = ("ny_linje", "fjern_linje", "sok_partner", "velg_partner", "vis_tiltak", "sum")
    REFRESH = "oppdater"

    def __init__(
        self,
        data=None,
        *,
        instance: Application,
        round,
        sectors=(),
        initial=None,
        submitting: bool = False,
        checked: bool = True,
    ):
        self.form = ApplicationForm(
            data,
            instance=instance,
            initial=initial,
            round=round,
            sectors=sectors,
            submitting=submitting,
        )
        self.lines = BudgetLineFormSet(data, instance=instance, prefix=self.PREFIX)
        self.form.checked = self.lines.checked = checked

    @classmethod
    def postback_of(cls, data) -> str | None:
        """The step asked for by a post that saves nothing, else None."""
        return next((name for name in (*cls.POSTBACKS, cls.REFRESH) if name in data), None)

    @classmethod
    def posted_back(cls, data, *, instance: Application, **kwargs) -> "ApplicationForms":
        """The forms as posted, unchecked, with a line added or removed when that was asked.
        The new line's first field takes the focus, or the focus area when its measures were
        asked for (on a page shown again whole, without JavaScript)."""
        lines = BudgetLineFormSet(data, instance=instance, prefix=cls.PREFIX)
        if "ny_linje" in data:
            data = lines.with_line_added()
        elif "fjern_linje" in data:
            [number] = _ids([data.get("fjern_linje")]) or [0]
            data = lines.without_line(number)
        forms_ = cls(data, instance=instance, checked=False, **kwargs)
        shown = forms_.lines.shown_lines()
        if "ny_linje" in data and shown:
            shown[-1].fields["year"].widget.attrs["autofocus"] = True
        elif "vis_tiltak" in data:
            forms_.form.fields["focus_area"].widget.attrs["autofocus"] = True
        return forms_

    def is_valid(self) -> bool:
        form_valid = self.form.is_valid()
        start = self.form.cleaned_data.get("period_start")
        end = self.form.cleaned_data.get("period_end")
        if start and end and start <= end:
            self.lines.period = (start.year, end.year)
        if self.lines.is_valid() and form_valid:
            self.form.instance.amount_asked = self.lines.sum.total
            return True
        return False
