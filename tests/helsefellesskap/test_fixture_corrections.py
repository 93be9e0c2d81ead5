"""An installation loaded before the fixtures were corrected (issue 16) still shows the invented
text: the partners marked present with a note repeated seven times, HSØ's 92.9 million as the
2024 round's budget and a deadline the source never states, a plan cell in the wrong year.
Loading the data again brings every such row that nobody has changed up to the corrected
record, says why in its history, and leaves alone what the secretariat changed."""

import json
from datetime import date
from decimal import Decimal

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group
from django.core import serializers
from django.core.management import call_command

from grants.models import Round
from helsefellesskap.permissions import ROLE_GROUPS
from helsefellesskap.records import correcting
from meetings.models import Attendance, Meeting, Minutes
from portfolio.models import Cell, Status
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

INVENTED_NOTE = "Oppført blant partnerne i referatet; oppmøte er ikke angitt særskilt."
MEETINGS_REASON = "Rettet ved innlasting etter referatet fra 14.10.2025"
GRANTS_REASON = "Rettet ved innlasting etter OUS' styresak 98/2024"


def load():
    for name in ROLE_GROUPS:  # created by a migration; recreated after a flushing test
        Group.objects.get_or_create(name=name)
    call_command("load_portal_data", "--no-demo", verbosity=0)


def as_loaded_before_the_corrections():
    """The database as loading the first fixtures left it: every corrected row back to its
    first content (a field added since keeps its default), each row left out since back in,
    with no history of a change; the rows added since are loaded again by the loader."""
    document = json.loads((settings.FIXTURE_DIRS[0] / "earlier-contents.json").read_text())
    first = {}
    for row in document["rows"]:
        first.setdefault((row["model"], row["pk"]), row)
    # The first plan had no cell of its own in 2025 for the FACT team: cell 16 stood there.
    Cell.objects.get(measure=13, column__year=2025).delete()
    for row in first.values():
        text = json.dumps([{"model": row["model"], "pk": row["pk"], "fields": row["fields"]}])
        for deserialized in serializers.deserialize("json", text, ignorenonexistent=True):
            deserialized.save()  # a raw save, as loading does: no history of a change
    for label, pk in first:
        history = apps.get_model(label).history
        assert not history.filter(**{history.model._meta.pk.attname: pk}).exclude(history_type="+")


def test_rows_loaded_from_the_wrong_fixtures_are_corrected_once_with_their_reason():
    load()
    as_loaded_before_the_corrections()
    round_2024 = Round.objects.get(year=2024)
    assert round_2024.total_amount == Decimal("92900000.00")
    assert round_2024.deadline.date() == date(2024, 11, 17)  # 18.11.2024 00.00 in Oslo
    meeting = Meeting.objects.get(pk=1)  # the partnership meeting of 14.10.2025
    assert meeting.attendances.filter(note=INVENTED_NOTE).count() == 7

    load()

    round_2024 = Round.objects.get(year=2024)
    assert round_2024.deadline is None and round_2024.total_amount is None
    assert "Søknadsfristen står heller ikke i kilden" in round_2024.description
    assert round_2024.history.first().history_change_reason.startswith(GRANTS_REASON)
    meeting = Meeting.objects.get(pk=meeting.pk)
    assert meeting.location == "Rådhusets møtesenter. Møterom 6."
    assert not meeting.attendances.filter(note=INVENTED_NOTE).exists()
    assert not meeting.attendances.filter(person__in=range(1, 11)).exists()  # the partners
    assert not meeting.attendances.filter(group=None).exists()
    removed = Attendance.history.filter(id=4).first()
    assert removed.history_type == "-" and removed.history_change_reason.startswith(MEETINGS_REASON)
    minutes = Minutes.objects.get(meeting=meeting)
    assert minutes.introduction.startswith(
        "Velkommen og innledning\nVed leder for Partnerskapsmøte "
    )
    assert minutes.history.first().history_change_reason.startswith(MEETINGS_REASON)
    assert Cell.objects.get(pk=16).column.label == "Fokus for 2026"
    assert Cell.objects.get(measure=13, column__year=2025).status == Status.IN_PROGRESS

    # Loading again finds nothing more to correct: no second history record.
    records = Round.history.count(), Attendance.history.count(), Minutes.history.count()
    load()
    assert (Round.history.count(), Attendance.history.count(), Minutes.history.count()) == records


def test_what_the_secretariat_changed_since_loading_stays(secretariat_user):
    load()
    as_loaded_before_the_corrections()
    # The secretariat corrected one of the partners' notes itself, with its own words.
    attendance = Attendance.objects.get(pk=5)
    attendance.note = "Deltok på hele møtet."
    attendance._history_user = secretariat_user
    with correcting(attendance):
        attendance.save()
    # And wrote the 2024 round's description anew, leaving the deadline it saw.
    round_2024 = Round.objects.get(year=2024)
    round_2024.description = "Sekretariatets egen beskrivelse."
    round_2024._history_user = UserFactory()
    round_2024.save()

    load()

    assert Attendance.objects.get(pk=5).note == "Deltok på hele møtet."
    assert not Attendance.objects.filter(pk=4).exists()  # unchanged since loading: removed
    round_2024 = Round.objects.get(year=2024)
    assert round_2024.description == "Sekretariatets egen beskrivelse."
    assert round_2024.total_amount == Decimal("92900000.00")  # kept: it was changed since


def test_a_fresh_installation_has_nothing_to_correct():
    load()
    records = {model: model.history.count() for model in (Round, Attendance, Minutes, Cell)}
    load()
    assert {model: model.history.count() for model in records} == records
    assert Round.objects.get(year=2024).history.get().history_type == "+"
