"""Forms of the meeting pages. Validation lives on the models; these add widgets and choices."""

from django import forms

from helsefellesskap.forms import ChangeReasonForm

from .models import Meeting


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


class MeetingForm(ChangeReasonForm):
    class Meta:
        model = Meeting
        fields = [
            "body",
            "title",
            "starts_at",
            "ends_at",
            "location",
            "addressed_to",
            "sender",
            "case_officer",
            "notice_text",
        ]
        widgets = {
            "starts_at": DateTimeInput(),
            "ends_at": DateTimeInput(),
            "addressed_to": forms.Textarea(attrs={"rows": 3}),
            "notice_text": forms.Textarea(attrs={"rows": 4}),
        }
