"""Forms of the committees' steps: the LSU's prioritisation and its reopening, SSU's
recommendation, the drafted decisions, their joint adoption and a correction. Each only reads
the input; workflow.py takes the step."""

from django import forms
from django.utils import timezone

from helsefellesskap.formatting import nok
from helsefellesskap.forms import DateInput, NorwegianForm
from helsefellesskap.models import Body
from meetings.models import Item

from . import workflow
from .forms import KronerField
from .models import Application, Outcome

COMMENT_MAX = 4000


class LsuItemChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, item):
        day = timezone.localtime(item.meeting.starts_at)
        return f"Sak {item.label} {item.title} ({day:%d.%m.%Y})"


class PrioritisationForm(NorwegianForm):
    """The LSU's judgement of all submitted applications of its sector at once: per application
    a rank, "prioritise and send to SSU" and the LSU's comment; the meeting item."""

    MAX_RANK = 999

    shown = forms.CharField(widget=forms.HiddenInput)
    item = LsuItemChoiceField(
        label="Behandlet i sak",
        queryset=Item.objects.none(),
        required=False,
        empty_label="Ikke valgt",
        help_text="Saken i LSU-møtet der prioriteringen ble vedtatt.",
    )

    def __init__(
        self,
        *args,
        applications: list[Application],
        sector,
        taken_ranks: dict[int, str] | None = None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.applications = applications
        self.taken_ranks = taken_ranks or {}
        self.fields["shown"].initial = ",".join(str(a.pk) for a in applications)
        self.fields["item"].queryset = (
            Item.objects.filter(
                meeting__body__kind=Body.Kind.LOCAL_COMMITTEE,
                meeting__body__sector=sector,
                meeting__cancelled_at__isnull=True,  # a cancelled meeting handled nothing
            )
            .select_related("meeting")
            .order_by("-meeting__starts_at", "position", "number")
        )
        for application in applications:
            self._add_fields(application)

    def _add_fields(self, application: Application) -> None:
        pk, title = application.pk, application.title
        self.fields[f"rank_{pk}"] = forms.IntegerField(
            label=f"Rangering av «{title}»",
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
        self.fields[f"forward_{pk}"] = forms.BooleanField(
            label=f"Prioriter og send «{title}» til SSU", required=False
        )
        self.fields[f"comment_{pk}"] = forms.CharField(
            label=f"LSUs kommentar til «{title}»",
            widget=forms.Textarea(attrs={"rows": 2}),
            required=False,
            max_length=COMMENT_MAX,
            initial=application.lsu_comment,
            error_messages={
                "max_length": f"Kommentaren kan være høyst {COMMENT_MAX} tegn lang.",
            },
        )

    def rows(self):
        """(application, rank field, forward field, comment field) for the template's table."""
        return [
            (a, self[f"rank_{a.pk}"], self[f"forward_{a.pk}"], self[f"comment_{a.pk}"])
            for a in self.applications
        ]

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
        initial = {"item": self.data.get(self.add_prefix("item")) or None}
        for application in self.applications:
            for name in (f"rank_{application.pk}", f"comment_{application.pk}"):
                initial[name] = self.data.get(self.add_prefix(name), "")
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
            if rank in self.taken_ranks:
                for name in names:
                    self.add_error(
                        name,
                        f"Rangering {rank} er allerede gitt til «{self.taken_ranks[rank]}», som "
                        "LSU har behandlet. Bruk et annet tall, eller åpne prioriteringen igjen.",
                    )
            elif len(names) > 1:
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
            workflow.Priority(
                a.pk,
                data[f"rank_{a.pk}"],
                bool(data[f"forward_{a.pk}"]),
                data[f"comment_{a.pk}"],
            )
            for a in self.applications
        ]


class ReopenPrioritisationForm(NorwegianForm):
    reason = forms.CharField(
        label="Hvorfor åpnes prioriteringen igjen?",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=COMMENT_MAX,
        help_text="Begrunnelsen vises på denne siden og i søknadenes historikk.",
        error_messages={"required": "Skriv hvorfor prioriteringen åpnes igjen."},
    )


class RecommendationForm(NorwegianForm):
    """SSU's recommendation on one application: the amount SSU recommends and a comment."""

    amount = KronerField(
        label="Anbefalt beløp (kr)",
        help_text="Skriv 0 hvis SSU ikke anbefaler tilskudd. Høyst søkt beløp.",
        error_messages={"required": "Skriv beløpet SSU anbefaler (0 hvis ingen tilskudd)."},
    )
    text = forms.CharField(
        label="SSUs kommentar",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=COMMENT_MAX,
    )

    def __init__(self, *args, application: Application, **kwargs):
        kwargs.setdefault("prefix", f"anbefaling-{application.pk}")
        kwargs.setdefault(
            "initial", {"text": application.ssu_recommendation, "amount": application.ssu_amount}
        )
        super().__init__(*args, **kwargs)
        self.application = application
        self.fields["amount"].widget.attrs["inputmode"] = "decimal"

    def clean_amount(self):
        amount = self.cleaned_data["amount"]
        if amount is not None and amount > self.application.amount_asked:
            raise forms.ValidationError(
                "Anbefalt beløp kan ikke være større enn søkt beløp "
                f"({nok(self.application.amount_asked)})."
            )
        return amount


class DraftDecisionForm(NorwegianForm):
    """The draft of one application's decision, prepared for the joint decision meeting."""

    outcome = forms.ChoiceField(
        label="Vedtak",
        choices=Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Velg vedtaket: innvilget, avslått eller flyttet til neste år.",
            "invalid_choice": "Velg vedtaket: innvilget, avslått eller flyttet til neste år.",
        },
    )
    amount = KronerField(
        label="Innvilget beløp (kr)",
        required=False,
        help_text="Bare når søknaden innvilges. Kan være mindre enn søkt beløp.",
    )
    note = forms.CharField(
        label="Begrunnelse",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=COMMENT_MAX,
        help_text="Vises for søkeren når vedtaket er fattet.",
    )

    def __init__(self, *args, application: Application, **kwargs):
        kwargs.setdefault("prefix", f"utkast-{application.pk}")
        draft = getattr(application, "draft_decision", None)
        if draft is not None:
            kwargs.setdefault(
                "initial", {"outcome": draft.outcome, "amount": draft.amount, "note": draft.note}
            )
        super().__init__(*args, **kwargs)
        self.application = application
        self.fields["amount"].widget.attrs["inputmode"] = "decimal"

    def clean(self):
        data = super().clean()
        if data.get("outcome") == Outcome.GRANT and "amount" not in self.errors:
            _require_positive(self, data.get("amount"))
        return data


class AdoptionForm(NorwegianForm):
    """The joint decision meeting: its date and who took part."""

    held_on = forms.DateField(
        label="Møtedato",
        widget=DateInput(),
        error_messages={
            "required": "Skriv datoen for vedtaksmøtet.",
            "invalid": "Skriv datoen som dd.mm.åååå.",
        },
    )
    participants = forms.CharField(
        label="Deltakere i vedtaksmøtet",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=COMMENT_MAX,
        help_text="Én per linje: de fire sykehusdirektørene og byrådsavdelingen for helse.",
        error_messages={"required": "Skriv hvem som deltok i vedtaksmøtet."},
    )

    def clean_held_on(self):
        held_on = self.cleaned_data["held_on"]
        try:
            workflow.check_decision_meeting_date(held_on)
        except workflow.WorkflowError as error:
            raise forms.ValidationError(str(error)) from error
        return held_on


class CorrectionForm(NorwegianForm):
    """A correction of an adopted decision: the amount (a grant), the note, and why."""

    amount = KronerField(label="Innvilget beløp (kr)", required=False)
    note = forms.CharField(
        label="Begrunnelse for vedtaket",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=COMMENT_MAX,
    )
    reason = forms.CharField(
        label="Hvorfor rettes vedtaket?",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=COMMENT_MAX,
        help_text="Søkeren får rettingen og begrunnelsen på e-post.",
        error_messages={"required": "Skriv hvorfor vedtaket rettes."},
    )

    def __init__(self, *args, application: Application, **kwargs):
        kwargs.setdefault("prefix", f"retting-{application.pk}")
        kwargs.setdefault(
            "initial", {"amount": application.amount_granted, "note": application.decision_note}
        )
        super().__init__(*args, **kwargs)
        self.application = application
        if application.state == Application.State.GRANTED:
            self.fields["amount"].widget.attrs["inputmode"] = "decimal"
        else:
            del self.fields["amount"]

    def clean(self):
        data = super().clean()
        if "amount" in self.fields and "amount" not in self.errors:
            _require_positive(self, data.get("amount"))
        return data


def _require_positive(form, amount) -> None:
    if amount is None:
        form.add_error("amount", "Skriv beløpet som innvilges.")
    elif amount <= 0:
        form.add_error("amount", "Innvilget beløp må være større enn null.")
