"""The applicant's page shows the whole path: received, the LSU's rank and comment (and the
reopening), SSU's recommendation and amount, the decision taken in the decision meeting, and
its correction, each with who and when. Read from the history in a fixed number of queries."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from grants import workflow
from grants.models import Application
from grants.overview import application_path
from helsefellesskap.models import Membership
from tests.grants.factories import ApplicationFactory, RoundFactory, member_of
from tests.grants.test_committees import text

pytestmark = pytest.mark.django_db


@pytest.fixture
def applicant(allocation, sector_lsu):
    return member_of(sector_lsu, "soker", first_name="Siv", last_name="Søker")


def fresh(application) -> Application:
    return Application.objects.get(pk=application.pk)


def walk(allocation, applicant, *, lsu_leader, ssu_user, decision_maker, correct=True):
    """The round as it is run, through the workflow, for one application."""
    application = ApplicationFactory(
        round=allocation.round,
        sector=allocation.sector,
        created_by=applicant,
        amount_asked=Decimal("900000"),
    )
    workflow.submit_application(application, user=applicant)
    priority = workflow.Priority(application.pk, 2, True, "Godt forankret i bydelen.")
    workflow.prioritise_applications(
        allocation.round, allocation.sector, [priority], item=None, user=lsu_leader
    )
    workflow.reopen_prioritisation(
        round=allocation.round, sector=allocation.sector, reason="Ny rekkefølge.", user=lsu_leader
    )
    priority = workflow.Priority(application.pk, 1, True, "Viktigst for sektoren.")
    workflow.prioritise_applications(
        allocation.round, allocation.sector, [priority], item=None, user=lsu_leader
    )
    workflow.record_recommendation(
        fresh(application), amount=Decimal("700000"), text="Anbefales.", user=ssu_user
    )
    workflow.save_draft_decision(
        fresh(application),
        outcome="innvilget",
        amount=Decimal("650000"),
        note="",
        user=decision_maker,
    )
    workflow.adopt_decisions(
        round=allocation.round,
        held_on=datetime.date(2026, 11, 26),
        participants="Direktørene ved OUS, Ahus, LDS og DS\nByrådsavdeling for helse",
        user=decision_maker,
    )
    if correct:
        workflow.correct_decision(
            fresh(application),
            amount=Decimal("700000"),
            note="Som SSU anbefalte.",
            reason="Feil beløp i utkastet.",
            user=decision_maker,
        )
    return fresh(application)


@pytest.fixture
def people(lsu_leader, ssu, decision_maker):
    lsu_leader.first_name, lsu_leader.last_name = "Lise", "Leder"
    lsu_leader.save()
    return {
        "lsu_leader": lsu_leader,
        "ssu_user": member_of(ssu, "ssu-sekretar", Membership.Role.SECRETARY, first_name="Sverre"),
        "decision_maker": decision_maker,
    }


def test_the_applicant_sees_every_step_with_who_and_when(client, allocation, applicant, people):
    application = walk(allocation, applicant, **people)
    client.force_login(applicant)
    page = text(client.get(reverse("grants:application_detail", args=[application.pk])))
    assert "Søknadens gang" in page
    titles = [step.title for step in application_path(application)]
    assert titles == [
        "Mottatt",
        "Prioritert og sendt til SSU",
        "LSUs prioritering åpnet igjen",
        "Prioritert og sendt til SSU",
        "Anbefalt av SSU",
        "Vedtak: Innvilget",
        "Vedtaket rettet",
    ]
    for expected in (
        "Siv Søker",
        "Lise Leder",
        "Godt forankret i bydelen.",
        "Ny rekkefølge.",
        "Viktigst for sektoren.",
        "Anbefalt beløp",
        "700 000 kr",
        "Anbefales.",
        "26.11.2026: Direktørene ved OUS, Ahus, LDS og DS, Byrådsavdeling for helse",
        "650 000 kr",
        "Feil beløp i utkastet.",
        "Som SSU anbefalte.",
    ):
        assert expected in page, expected
    assert page.index("Godt forankret i bydelen.") < page.index("Ny rekkefølge.")
    assert page.index("Ny rekkefølge.") < page.index("Feil beløp i utkastet.")


def test_a_new_application_shows_only_that_it_was_received(client, allocation, applicant):
    application = ApplicationFactory(
        round=allocation.round, sector=allocation.sector, created_by=applicant
    )
    workflow.submit_application(application, user=applicant)
    steps = application_path(fresh(application))
    assert [(s.title, s.who) for s in steps] == [("Mottatt", "Siv Søker")]


def test_received_is_when_it_was_sent_in_also_for_loaded_data(allocation, applicant):
    """A submitted application loaded as data carries its first history record from the load:
    the path says it was received when it was sent in, as the page's «Sendt inn» does."""
    sent = datetime.datetime(2026, 10, 20, 14, 30, tzinfo=datetime.UTC)
    application = ApplicationFactory(
        round=allocation.round,
        sector=allocation.sector,
        state=Application.State.SUBMITTED,
        submitted_at=sent,
    )
    [received] = application_path(fresh(application))
    assert received.title == "Mottatt" and received.when == sent
    assert application.history.get().history_date != sent


def test_the_path_costs_the_same_queries_however_long(
    allocation, applicant, people, django_assert_max_num_queries
):
    RoundFactory(scheme=allocation.round.scheme, year=allocation.round.year + 1)
    short = ApplicationFactory(round=allocation.round, sector=allocation.sector)
    workflow.submit_application(short, user=short.created_by)
    long = walk(allocation, applicant, **people)
    for application in (fresh(short), long):
        with django_assert_max_num_queries(2):
            application_path(application)
