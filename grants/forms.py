"""Forms of the grants. Each step's form only reads the input; workflow.py takes the step."""

import re
from decimal import Decimal

from django import forms
from django.utils import timezone

from helsefellesskap.forms import DateInput, NorwegianForm
from helsefellesskap.models import Body, Organisation, Sector, today
from meetings.models import Item
from portfolio.models import FocusArea, Measure

from . import workflow
from .models import HOSPITAL_KINDS, MUNICIPAL_KINDS, Application, BudgetLine

# --- The committees' steps: LSU prioritisation, SSU recommendation, the final decision ---


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


class LsuItemChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, item):
        day = timezone.localtime(item.meeting.starts_at)
        return f"Sak {item.label} {item.title} ({day:%d.%m.%Y})"


class PrioritisationForm(NorwegianForm):
    """The LSU's judgement of all submitted applications of its sector at once: a rank and
    "prioritise and send to SSU" per application, one comment, the meeting item."""

    MAX_RANK = 999

    shown = forms.CharField(widget=forms.HiddenInput)
    comment = forms.CharField(
        label="LSUs kommentar",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=4000,
        help_text="Lagres på hver søknad som behandles nå.",
    )
    item = LsuItemChoiceField(
        label="Behandlet i sak",
        queryset=Item.objects.none(),
        required=False,
        empty_label="Ikke valgt",
        help_text="Saken i LSU-møtet der prioriteringen ble vedtatt.",
    )

    def __init__(self, *args, applications: list[Application], sector, **kwargs):
        super().__init__(*args, **kwargs)
        self.applications = applications
        self.fields["shown"].initial = ",".join(str(a.pk) for a in applications)
        self.fields["item"].queryset = (
            Item.objects.filter(
                meeting__body__kind=Body.Kind.LOCAL_COMMITTEE, meeting__body__sector=sector
            )
            .select_related("meeting")
            .order_by("-meeting__starts_at", "position", "number")
        )
        for application in applications:
            self.fields[f"rank_{application.pk}"] = forms.IntegerField(
                label=f"Rangering av «{application.title}»",
                min_value=1,
                max_value=self.MAX_RANK,
                required=False,
                initial=application.lsu_rank,
                error_messages={
                    "invalid": "Rangeringen må være et helt tall, for eksempel 1.",
                    "min_value": "Rangeringen må være et positivt helt tall (1 eller høyere).",
                    "max_value": f"Rangeringen kan være høyst {self.MAX_RANK}.",
                },
                widget=forms.NumberInput(attrs={"min": 1, "max": self.MAX_RANK, "step": 1}),
            )
            self.fields[f"forward_{application.pk}"] = forms.BooleanField(
                label=f"Prioriter og send «{application.title}» til SSU",
                required=False,
            )

    def rows(self):
        """(application, rank field, forward field) for the template's table."""
        return [(a, self[f"rank_{a.pk}"], self[f"forward_{a.pk}"]) for a in self.applications]

    def ticked(self) -> list[Application]:
        """The applications ticked for SSU, also in a form that is not (yet) valid: the sum
        shown on the page follows what the user ticked."""
        if self.is_bound:
            return [a for a in self.applications if self._posted_forward(a)]
        return [a for a in self.applications if self.initial.get(f"forward_{a.pk}")]

    def _posted_forward(self, application) -> bool:
        name = f"forward_{application.pk}"
        return bool(self.fields[name].to_python(self.data.get(self.add_prefix(name))))

    def initial_from_data(self) -> dict:
        """What the user posted, as the initial values of a fresh form (shown again without
        error messages: after "Beregn sum", or when the list changed under the user)."""
        initial = {
            "comment": self.data.get(self.add_prefix("comment"), ""),
            "item": self.data.get(self.add_prefix("item")) or None,
        }
        for application in self.applications:
            rank = f"rank_{application.pk}"
            initial[rank] = self.data.get(self.add_prefix(rank), "")
            initial[f"forward_{application.pk}"] = self._posted_forward(application)
        return initial

    def shown_ids(self) -> set[int]:
        try:
            return {int(pk) for pk in self.cleaned_data["shown"].split(",") if pk}
        except ValueError:
            return set()

    def clean(self):
        data = super().clean()
        ranks: dict[int, list[str]] = {}
        for application in self.applications:
            name = f"rank_{application.pk}"
            if data.get(name) is not None:
                ranks.setdefault(data[name], []).append(name)
        for rank, names in ranks.items():
            if len(names) > 1:
                for name in names:
                    self.add_error(
                        name,
                        f"Rangering {rank} er gitt til flere søknader. Bruk hvert tall én gang.",
                    )
        if not any(data.get(f"forward_{a.pk}") for a in self.applications):
            raise forms.ValidationError(
                "Velg minst én søknad som prioriteres og sendes til SSU.", code="none_forwarded"
            )
        return data

    def priorities(self) -> list[workflow.Priority]:
        data = self.cleaned_data
        return [
            workflow.Priority(a.pk, data[f"rank_{a.pk}"], bool(data[f"forward_{a.pk}"]))
            for a in self.applications
        ]


class RecommendationForm(NorwegianForm):
    text = forms.CharField(
        label="SSUs anbefaling",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        error_messages={"required": "Skriv SSUs anbefaling."},
    )

    def __init__(self, *args, application: Application, **kwargs):
        kwargs.setdefault("prefix", f"anbefaling-{application.pk}")
        kwargs.setdefault("initial", {"text": application.ssu_recommendation})
        super().__init__(*args, **kwargs)
        self.application = application


class DecisionForm(NorwegianForm):
    """The final decision on one application. `seen_state` is the state the decision maker saw:
    if the application has changed since, someone else decided it in the meantime."""

    GRANT, REJECT, MOVE = workflow.GRANT, workflow.REJECT, workflow.MOVE
    OUTCOMES = [
        (GRANT, "Innvilget"),
        (REJECT, "Avslått"),
        (MOVE, "Flyttet til neste år"),
    ]

    outcome = forms.ChoiceField(
        label="Vedtak",
        choices=OUTCOMES,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Velg vedtaket: innvilget, avslått eller flyttet til neste år."
        },
    )
    amount = AmountField(
        label="Innvilget beløp (kr)",
        required=False,
        help_text="Bare når søknaden innvilges. Kan være mindre enn søkt beløp.",
    )
    note = forms.CharField(
        label="Begrunnelse",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=4000,
        help_text="Vises for søkeren.",
    )
    seen_state = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, application: Application, **kwargs):
        kwargs.setdefault("prefix", f"vedtak-{application.pk}")
        super().__init__(*args, **kwargs)
        self.application = application
        self.fields["seen_state"].initial = application.state
        self.fields["amount"].widget.attrs["inputmode"] = "decimal"

    def clean(self):
        data = super().clean()
        if data.get("outcome") == self.GRANT and "amount" not in self.errors:
            amount = data.get("amount")
            if amount is None:
                self.add_error("amount", "Skriv beløpet som innvilges.")
            elif amount <= 0:
                self.add_error("amount", "Innvilget beløp må være større enn null.")
        return data


# --- The applicant's form: the application and its budget lines ---


class KronerField(AmountField):
    """AmountField showing a stored amount as typed: 1000000, 1234,50 (not 1000000.00)."""

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            if value == value.to_integral_value():
                return str(int(value))
            return f"{value:.2f}".replace(".", ",")
        return value


def grouped_options(bound_field, group_of) -> list[tuple[str, list]]:
    """The checkboxes of a model multiple-choice field in groups, in queryset order:
    [("Bydel", [option, ...]), ("Sykehus", [...])]; each option renders with `.tag`."""
    groups: dict[str, list] = {}
    for option in bound_field.subwidgets:
        groups.setdefault(group_of(option.data["value"].instance), []).append(option)
    return list(groups.items())


PARTNER_KIND_ORDER = [*MUNICIPAL_KINDS, *HOSPITAL_KINDS] + [
    kind for kind in Organisation.Kind if kind not in (*MUNICIPAL_KINDS, *HOSPITAL_KINDS)
]


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


class ApplicationForm(forms.ModelForm):
    """An applicant's application. A draft may be incomplete (partners, a budget that does not
    add up to the amount asked): `Application.completeness_problems()` names what is missing,
    and workflow.submit_application refuses to send it until nothing is."""

    amount_asked = KronerField(
        label="Søkt beløp (kr)",
        help_text="Hele kroner, for eksempel 450 000. Må være lik summen av budsjettlinjene.",
        error_messages={"required": "Skriv hvor mye dere søker om, i kroner."},
    )

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
            "amount_asked",
            "continues",
        ]
        labels = {
            "period_start": "Prosjektperiode fra",
            "period_end": "Prosjektperiode til",
            "applicant_organisation": "Søker (virksomhet)",
        }
        help_texts = {
            "summary": "Hva skal gjøres, for hvem, og hvordan samarbeider kommune og sykehus?",
            "measures": "Kryss av tiltakene i porteføljeplanen som søknaden følger opp.",
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
            "measures": forms.CheckboxSelectMultiple,
            "partners": forms.CheckboxSelectMultiple,
            "period_start": DateInput(),
            "period_end": DateInput(),
        }

    def __init__(self, *args, round, sectors=(), **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.round = round
        instance = self.instance
        focus_areas = FocusArea.objects.open_for(round, keep=instance.focus_area_id)
        self.fields["focus_area"].queryset = focus_areas
        self.fields["focus_area"].empty_label = "Velg innsatsområde"
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

    def measure_groups(self):
        return grouped_options(self["measures"], lambda measure: measure.group.area.name)

    def partner_groups(self):
        return grouped_options(self["partners"], lambda org: org.get_kind_display())

    def clean(self):
        data = super().clean()
        area, measures = data.get("focus_area"), data.get("measures")
        if area and measures:
            stray = [m for m in measures if m.group.area.plan_id != area.plan_id]
            if stray:
                names = ", ".join(f"«{m}»" for m in stray)
                self.add_error(
                    "measures",
                    f"Tiltakene må høre til samme porteføljeplan som innsatsområdet «{area}»: "
                    f"{names} gjør ikke det.",
                )
        return data


class BudgetLineForm(forms.ModelForm):
    year = forms.IntegerField(
        label="År",
        min_value=2000,
        max_value=2100,
        error_messages={
            "invalid": "Skriv året med fire sifre, for eksempel 2025.",
            "min_value": "Skriv året med fire sifre, for eksempel 2025.",
            "max_value": "Skriv året med fire sifre, for eksempel 2025.",
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 5}),
    )
    amount = KronerField(label="Beløp (kr)")

    class Meta:
        model = BudgetLine
        fields = ["year", "description", "amount"]
        labels = {"description": "Post"}

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["amount"].widget.attrs.update(inputmode="decimal", size=12)


class BaseBudgetLineFormSet(forms.BaseInlineFormSet):
    """At least one line; each line's year inside the project period when that is known
    (`period`: the first and the last year)."""

    default_error_messages = {
        **forms.BaseInlineFormSet.default_error_messages,
        "too_few_forms": "Budsjettet må ha minst én linje med år, post og beløp.",
    }
    period: tuple[int, int] | None = None

    def clean(self):
        super().clean()
        if not self.period:
            return
        first, last = self.period
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or self._should_delete_form(form):
                continue
            year = form.cleaned_data.get("year")
            if year and not first <= year <= last:
                span = str(first) if first == last else f"{first}–{last}"
                form.add_error("year", f"Året må være innenfor prosjektperioden ({span}).")


BudgetLineFormSet = forms.inlineformset_factory(
    Application,
    BudgetLine,
    form=BudgetLineForm,
    formset=BaseBudgetLineFormSet,
    fields=["year", "description", "amount"],
    min_num=1,
    validate_min=True,
    extra=2,
    can_delete=True,
)
