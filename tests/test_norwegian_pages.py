"""Every page a user can open speaks Norwegian: each role opens every page of the permission
matrix it may see, and the visible text has no bare "---------" empty choice and none of the
English words a page leaks when a label, a choice or a button was left untranslated."""

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from helsefellesskap.forms import BodyForm, OrganisationForm
from meetings.forms import MeetingForm
from tests.conftest import ROLES
from tests.factories import PersonFactory
from tests.test_permission_matrix import (  # noqa: F401 (fixtures)
    MATRIX,
    OK,
    _url_name,
    annual_report_data,
    document_job,
    register_data,
)

ENGLISH_WORDS = (
    "None",
    "True",
    "False",
    "Submit",
    "Save",
    "Delete",
    "Edit",
    "History",
    "Change",
    "Add",
    "Yes",
    "Unknown",
    "Search",
    "Cancel",
    "name",
    "draft",
    "submitted",
    "history_change_reason",
    "required",
)
ENGLISH = re.compile(r"\b(" + "|".join(ENGLISH_WORDS) + r")\b")


class VisibleText(HTMLParser):
    """The text a reader sees or hears: element text, option labels and the labelling
    attributes, without scripts and styles."""

    HIDDEN = {"script", "style", "template"}
    READ_ATTRIBUTES = {"title", "aria-label", "placeholder", "alt", "value"}

    def __init__(self):
        super().__init__()
        self.parts, self._hidden = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self._hidden += 1
        attributes = dict(attrs)
        if tag == "input" and attributes.get("type") not in ("submit", "button"):
            attributes.pop("value", None)  # a field's value is the user's data, not the page's
        self.parts += [v for k, v in attributes.items() if k in self.READ_ATTRIBUTES and v]

    def handle_endtag(self, tag):
        if tag in self.HIDDEN:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def test_visible_text_finds_english_and_empty_choices():
    html = (
        '<script>var None = 1;</script><select><option value="">---------</option></select>'
        '<button type="submit">Save</button><input name="q" value="Edit">'
    )
    text = visible_text(html)
    assert "---------" in text
    assert ENGLISH.findall(text) == ["Save"]


def _pages_for(role):
    """The portal's pages, not the Django admin's (the secretariat's tool, Django's wording)."""
    return sorted(
        name
        for name, (_, expected) in MATRIX.items()
        if expected[role] == OK and not name.startswith("admin:")
    )


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_every_page_a_role_opens_is_in_norwegian(
    client,
    user_for_role,
    register_data,  # noqa: F811 (the permission matrix's fixture)
    role,
):
    user = user_for_role(role)
    if user:
        client.force_login(user)
    findings = []
    for name in _pages_for(role):
        build_args, _ = MATRIX[name]
        response = client.get(reverse(_url_name(name), args=build_args(register_data)))
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        text = visible_text(response.content.decode())
        if "---------" in text:
            findings.append(f"{name}: an empty choice '---------'")
        for match in ENGLISH.finditer(text):
            context = text[max(0, match.start() - 40) : match.end() + 40]
            findings.append(f"{name}: «{match.group()}» in «{context}»")
    assert not findings, "\n".join(findings)


@pytest.mark.django_db
def test_a_forms_empty_choices_say_what_choosing_nothing_means():
    body_form, meeting_form = BodyForm(), MeetingForm()

    assert body_form.fields["kind"].choices[0] == ("", "Velg type")
    assert body_form.fields["parent"].empty_label == "Ingen"
    assert meeting_form.fields["body"].empty_label == "Velg organ"


@pytest.mark.django_db
def test_a_missing_required_value_is_told_in_norwegian():
    form = OrganisationForm(data={})

    assert form.errors["name"] == ["Feltet er påkrevet."]


@pytest.mark.django_db
def test_the_register_counts_one_person_and_two_people_in_norwegian(client, secretariat_user):
    client.force_login(secretariat_user)  # Siri Sekretariat is the register's one person

    assert "1 person i registeret." in client.get(reverse("person_list")).content.decode()
    PersonFactory()
    assert "2 personer i registeret." in client.get(reverse("person_list")).content.decode()
