"""The secretariat's forms: a report's year, scope and texts, and a version's approval."""

from django import forms

from helsefellesskap.forms import ChangeReasonForm, DateInput, NorwegianForm
from helsefellesskap.models import Body

from .assembly import CONTROL_CHARACTERS
from .models import AnnualReport

TEXT_MAX_LENGTH = 20_000
TEXT_FIELDS = ("introduction", "highlights", "other_activities")


class AnnualReportForm(ChangeReasonForm):
    """Year and scope are chosen when the report is made; the texts can be changed until the
    next generation. Texts are plain: paragraphs separated by a blank line, "- " for a bullet."""

    class Meta:
        model = AnnualReport
        fields = ["year", "sector", "body", *TEXT_FIELDS]
        widgets = {field: forms.Textarea(attrs={"rows": 8}) for field in TEXT_FIELDS}
        help_texts = {
            "sector": "Tomt for hele helsefellesskapet.",
            "body": "Bare når rapporten gjelder ett organ og organene under det.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = Body.objects.order_by("position", "name")
        self.fields["sector"].empty_label = "Hele helsefellesskapet"
        self.fields["body"].empty_label = "Ikke ett organ"
        self.fields["year"].widget.attrs.update(min=2000, max=2100)
        if self.instance.pk:
            # A report's versions are made for one year and scope: those stay as they are.
            for name in ("year", "sector", "body"):
                del self.fields[name]
        for name in TEXT_FIELDS:
            field = self.fields[name]
            field.max_length = TEXT_MAX_LENGTH
            field.help_text = (
                f"{field.help_text} Ren tekst: tom linje mellom avsnitt, «- » først på linjen "
                "for et kulepunkt."
            ).strip()

    def clean(self):
        cleaned = super().clean()
        for name in TEXT_FIELDS:
            text = cleaned.get(name) or ""
            if len(text) > TEXT_MAX_LENGTH:
                self.add_error(name, f"Teksten kan ha høyst {TEXT_MAX_LENGTH} tegn.")
            # Control characters (from pasted Word text) would break the PDF: dropped.
            cleaned[name] = CONTROL_CHARACTERS.sub("", text.replace("\r\n", "\n")).strip()
        return cleaned


class ApprovalForm(NorwegianForm):
    body = forms.ModelChoiceField(
        label="Godkjent av",
        queryset=Body.objects.order_by("position", "name"),
        empty_label="Velg organ",
        help_text="Organet som behandlet og godkjente rapporten.",
    )
    approved_on = forms.DateField(label="Dato for godkjenning", widget=DateInput())
    remark = forms.CharField(label="Merknad", max_length=200, initial="Godkjent")
