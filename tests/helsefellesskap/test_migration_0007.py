"""Migration 0007 on a database with rows from before it: the free-text former names become
earlier names, and every membership without a start gets the first date we can show it was
held, marked "start unknown", so it never counts before that date."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from helsefellesskap.models import Body, Membership
from tests.meetings.factories import AttendanceFactory, MeetingFactory

BEFORE = [("helsefellesskap", "0006_composition_requirements")]
AFTER = [("helsefellesskap", "0007_body_names_and_confirmed_starts")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def old_apps():
    apps = migrate(BEFORE)
    yield apps
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_old_rows_keep_their_names_and_are_counted_from_their_first_confirmed_date(old_apps):
    OldBody = old_apps.get_model("helsefellesskap", "Body")
    OldPerson = old_apps.get_model("helsefellesskap", "Person")
    OldMembership = old_apps.get_model("helsefellesskap", "Membership")
    OldHistory = old_apps.get_model("helsefellesskap", "HistoricalMembership")
    ssu = OldBody.objects.create(
        name="Strategisk samarbeidsutvalg",
        kind="ssu",
        former_names="Samarbeidsutvalget for hovedstadsområdet (SU Oslo)",
    )
    forum = OldBody.objects.create(name="Samarbeidsforum (Ahus-sektoren)", kind="fagrad")

    def member(name, body, **fields):
        person = OldPerson.objects.create(name=name)
        return OldMembership.objects.create(person=person, body=body, **fields)

    named = member("Bovild Tjønn", ssu, source="Referat Partnerskapsmøtet 14.10.2025")
    attended = member(
        "Kari Sørum", forum, end=datetime.date(2019, 12, 31), source="Årsrapport 2019"
    )
    left = member(
        "Katrine Hippe",
        forum,
        end=datetime.date(2019, 6, 3),
        source="Årsrapport 2019: sluttet før møtet 4.6.2019",
    )
    recorded = member("Ola Nordmann", ssu)
    OldHistory.objects.create(
        id=recorded.pk,
        person_id=recorded.person_id,
        body_id=ssu.pk,
        role="medlem",
        representative_kind="",
        position="",
        source="",
        history_date=timezone.make_aware(datetime.datetime(2024, 3, 1, 12, 0)),
        history_type="+",
    )
    known = member("Tone Ikdahl", ssu, start=datetime.date(2023, 10, 1))
    # The meetings app's tables are there already: Kari Sørum's first recorded meeting.
    meeting = MeetingFactory(
        body=Body(pk=forum.pk),
        starts_at=timezone.make_aware(datetime.datetime(2019, 6, 4, 12, 30)),
    )
    AttendanceFactory(meeting=meeting, person_id=attended.person_id, status="gjest")

    migrate(AFTER)

    def start_of(old):
        membership = Membership.objects.get(pk=old.pk)
        return membership.start, membership.start_unknown

    assert start_of(named) == (datetime.date(2025, 10, 14), True)  # the source's date
    assert start_of(attended) == (datetime.date(2019, 6, 4), True)  # first recorded meeting
    assert start_of(left) == (datetime.date(2019, 6, 3), True)  # 4.6 is after it ended
    assert start_of(recorded) == (datetime.date(2024, 3, 1), True)  # first recorded
    assert start_of(known) == (datetime.date(2023, 10, 1), False)
    assert Membership.history.get(id=recorded.pk).start == datetime.date(2024, 3, 1)

    in_2019 = Membership.objects.active_during(
        datetime.date(2019, 1, 1), datetime.date(2019, 12, 31)
    )
    assert {m.person.name for m in in_2019} == {"Kari Sørum", "Katrine Hippe"}

    names = Body.objects.get(pk=ssu.pk).names_over_time()
    assert [(n.name, n.valid_to) for n in names] == [
        ("Samarbeidsutvalget for hovedstadsområdet (SU Oslo)", None),
        ("Strategisk samarbeidsutvalg", None),
    ]
