"""The shared form template: an error summary whose links reach every field."""

from django import forms
from django.template.loader import render_to_string


def test_the_error_summary_links_a_radio_group_to_its_first_button():
    class OutcomeForm(forms.Form):
        outcome = forms.ChoiceField(
            label="Utfall", choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect
        )

    html = render_to_string("includes/form.html", {"form": OutcomeForm({})})
    assert 'href="#id_outcome_0"' in html and 'id="id_outcome_0"' in html
