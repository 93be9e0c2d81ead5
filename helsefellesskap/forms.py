"""Forms the secretariat uses to keep the register.

Validation lives on the models (`clean()`, constraints); these forms add widgets, the optional
reason for a change, and choices limited to what makes sense for the field.
"""

from django import forms

from .models import Body, BodyName, Membership, Organisation, Person, SectorAssignment


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


DJANGO_EMPTY_LABEL = "---------"


def empty_choice_label(field: forms.Field) -> str:
    """What choosing nothing means, in words: "Velg organ" where a value is required, "Ingen"
    where it may be left out."""
    return f"Velg {str(field.label).lower()}" if field.required else "Ingen"


class NorwegianLabels:
    """Labels the Norwegian way: no colon after the label, and an empty choice that says what
    choosing nothing means instead of Django's "---------". A field that sets its own empty
    label keeps it."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if getattr(field, "empty_label", None) == DJANGO_EMPTY_LABEL:
                field.empty_label = empty_choice_label(field)
            elif isinstance(field, forms.ChoiceField) and not isinstance(
                field, forms.ModelChoiceField
            ):
                field.choices = [
                    (value, empty_choice_label(field) if label == DJANGO_EMPTY_LABEL else label)
                    for value, label in field.choices
                ]


class NorwegianForm(NorwegianLabels, forms.Form):
    """A plain form labelled the Norwegian way."""


class ChangeReasonForm(NorwegianLabels, forms.ModelForm):
    """Adds "why" to a change; it is stored with the history record."""

    change_reason = forms.CharField(
        label="Begrunnelse for endringen",
        max_length=200,
        required=False,
        help_text="Valgfritt. Vises i historikken.",
    )

    def save(self, commit=True):
        self.instance._change_reason = self.cleaned_data.get("change_reason", "")
        return super().save(commit=commit)


class OrganisationForm(ChangeReasonForm):
    class Meta:
        model = Organisation
        fields = [
            "name",
            "short_name",
            "kind",
            "ownership",
            "parent",
            "valid_from",
            "valid_to",
            "note",
        ]
        widgets = {
            "valid_from": DateInput(),
            "valid_to": DateInput(),
            "note": forms.Textarea(attrs={"rows": 3}),
        }


class SectorAssignmentForm(ChangeReasonForm):
    class Meta:
        model = SectorAssignment
        fields = ["sector", "service_area", "valid_from", "valid_to", "source"]
        widgets = {"valid_from": DateInput(), "valid_to": DateInput()}


class BodyForm(ChangeReasonForm):
    class Meta:
        model = Body
        fields = [
            "name",
            "short_name",
            "kind",
            "parent",
            "sector",
            "mandate",
            "secretariat",
            "established",
            "dissolved",
            "period_source",
            "successor",
            "position",
        ]
        widgets = {
            "established": DateInput(),
            "dissolved": DateInput(),
            "mandate": forms.Textarea(attrs={"rows": 5}),
            "secretariat": forms.Textarea(attrs={"rows": 2}),
        }


class BodyNameForm(ChangeReasonForm):
    """An earlier name of one body; the body comes from the page the form is on."""

    class Meta:
        model = BodyName
        fields = ["name", "short_name", "valid_from", "valid_to", "source"]
        widgets = {"valid_from": DateInput(), "valid_to": DateInput()}

    def __init__(self, *args, body: Body, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.body = body


class TreeDateForm(NorwegianForm):
    dato = forms.DateField(label="Vis organene slik de var", required=False, widget=DateInput())


class PersonForm(ChangeReasonForm):
    class Meta:
        model = Person
        fields = ["name", "title", "organisation", "email", "phone", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, person):
        detail = person.title_and_organisation
        return f"{person.name} – {detail}" if detail else person.name


class MembershipForm(ChangeReasonForm):
    """A person's seat in one body; the body comes from the page the form is on."""

    person = PersonChoiceField(
        label="Person", queryset=Person.objects.select_related("organisation")
    )

    class Meta:
        model = Membership
        fields = [
            "person",
            "role",
            "organisation",
            "representative_kind",
            "seat",
            "position",
            "deputy_for",
            "start",
            "start_unknown",
            "end",
            "source",
        ]
        widgets = {"start": DateInput(), "end": DateInput()}

    def __init__(self, *args, body: Body, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.body = body
        self.fields["deputy_for"].queryset = (
            Membership.objects.filter(body=body)
            .exclude(role=Membership.Role.DEPUTY)
            .exclude(pk=self.instance.pk)
            .select_related("person", "body")
        )
        self.fields["seat"].queryset = body.requirements.exclude(seat="")
        self.fields["seat"].label_from_instance = lambda requirement: requirement.demand


class PersonSearchForm(forms.Form):
    q = forms.CharField(
        label="Søk etter navn, stilling eller virksomhet", max_length=100, required=False
    )
