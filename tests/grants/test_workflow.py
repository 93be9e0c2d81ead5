"""An application's way: submitted by an LSU member, prioritised by the LSU, recommended by
SSU, decided by the decision makers. Every step checks who and from which state."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from grants import workflow
from grants.models import Application
from helsefellesskap.models import Membership
from helsefellesskap.permissions import DECISION_MAKER_GROUP
from tests.factories import (
    BodyFactory,
    HospitalFactory,
    MembershipFactory,
    PersonFactory,
    UserFactory,
)
from tests.grants.factories import AllocationFactory, ApplicationFactory, RoundFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def allocation():
    return AllocationFactory(amount=Decimal("17240000"))


@pytest.fixture
def lsu(allocation):
    return BodyFactory(name="LSU OUS-sektoren", kind="lsu", sector=allocation.sector)


@pytest.fixture
def applicant(lsu):
    user = UserFactory(username="soker")
    MembershipFactory(body=lsu, person=PersonFactory(user=user))
    return user


@pytest.fixture
def lsu_secretary(lsu):
    user = UserFactory(username="lsu-sekretar")
    MembershipFactory(body=lsu, person=PersonFactory(user=user), role=Membership.Role.SECRETARY)
    return user


@pytest.fixture
def decision_maker():
    return UserFactory(username="direktor", roles=[DECISION_MAKER_GROUP])


def draft(allocation, applicant, **kwargs):
    return ApplicationFactory(
        round=allocation.round, sector=allocation.sector, created_by=applicant, **kwargs
    )


def test_an_lsu_member_submits_a_complete_draft_once(allocation, applicant):
    application = draft(allocation, applicant)
    workflow.submit_application(application, user=applicant)
    application = Application.objects.get(pk=application.pk)
    assert application.state == Application.State.SUBMITTED and application.submitted_at
    assert application.history.first().history_change_reason == "Sendt inn"
    with pytest.raises(PermissionDenied):  # no longer the author's draft
        workflow.submit_application(application, user=applicant)


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"partners": []}, "ett sykehus"),
        ({"budget": [(2025, Decimal("400000"))]}, "summerer seg til"),
    ],
)
def test_an_incomplete_draft_is_not_submitted(allocation, applicant, changes, message):
    application = draft(allocation, applicant, **changes)
    with pytest.raises(workflow.WorkflowError, match=message):
        workflow.submit_application(application, user=applicant)
    assert Application.objects.get(pk=application.pk).state == Application.State.DRAFT


def test_no_municipal_partner_is_refused(allocation, applicant):
    application = draft(
        allocation,
        applicant,
        applicant_organisation=HospitalFactory(),
        partners=[HospitalFactory()],
    )
    with pytest.raises(workflow.WorkflowError, match="kommunal side"):
        workflow.submit_application(application, user=applicant)


def test_after_the_deadline_nothing_is_submitted(allocation, applicant):
    allocation.round.deadline = timezone.now() - datetime.timedelta(minutes=1)
    allocation.round.save()
    application = draft(allocation, applicant)
    with pytest.raises(workflow.WorkflowError, match="Søknadsfristen for .* gikk ut"):
        workflow.submit_application(application, user=applicant)


def test_without_a_stated_deadline_nothing_is_submitted(allocation, applicant):
    allocation.round.deadline = None
    allocation.round.save()
    application = draft(allocation, applicant)
    with pytest.raises(workflow.WorkflowError, match="har ingen oppgitt søknadsfrist"):
        workflow.submit_application(application, user=applicant)
    assert Application.objects.get(pk=application.pk).reference_number is None


def test_the_lsu_ranks_forwards_and_sets_aside_in_one_action(allocation, applicant, lsu_secretary):
    applications = [draft(allocation, applicant) for _ in range(3)]
    for application in applications:
        workflow.submit_application(application, user=applicant)
    workflow.prioritise_applications(
        allocation.round,
        allocation.sector,
        [
            workflow.Priority(applications[0].pk, 2, True, "Behandlet i LSU 18.11.24"),
            workflow.Priority(applications[1].pk, 1, True),
            workflow.Priority(applications[2].pk, None, False, "Utenfor rammen"),
        ],
        item=None,
        user=lsu_secretary,
    )
    states = {a.pk: (a.state, a.lsu_rank, a.lsu_comment) for a in Application.objects.all()}
    assert states[applications[0].pk] == (
        Application.State.FORWARDED,
        2,
        "Behandlet i LSU 18.11.24",
    )
    assert states[applications[1].pk] == (Application.State.FORWARDED, 1, "")
    assert states[applications[2].pk] == (
        Application.State.NOT_PRIORITISED,
        None,
        "Utenfor rammen",
    )


def test_a_rank_held_by_an_application_the_lsu_handled_is_not_given_again(
    allocation, applicant, lsu_secretary
):
    first, late = (draft(allocation, applicant) for _ in range(2))
    for application in (first, late):
        workflow.submit_application(application, user=applicant)
    workflow.prioritise_applications(
        allocation.round,
        allocation.sector,
        [workflow.Priority(first.pk, 1, True)],
        item=None,
        user=lsu_secretary,
    )
    with pytest.raises(workflow.WorkflowError, match="Rangering 1 er allerede gitt til"):
        workflow.prioritise_applications(
            allocation.round,
            allocation.sector,
            [workflow.Priority(late.pk, 1, True)],
            item=None,
            user=lsu_secretary,
        )
    assert Application.objects.get(pk=late.pk).state == Application.State.SUBMITTED


def test_a_member_who_does_not_lead_the_lsu_cannot_prioritise(allocation, applicant):
    application = draft(allocation, applicant)
    workflow.submit_application(application, user=applicant)
    with pytest.raises(PermissionDenied):
        workflow.prioritise_applications(
            allocation.round,
            allocation.sector,
            [workflow.Priority(application.pk, 1, True)],
            item=None,
            user=applicant,
        )


def forwarded(allocation, applicant, lsu_secretary, **kwargs):
    application = draft(allocation, applicant, **kwargs)
    workflow.submit_application(application, user=applicant)
    workflow.prioritise_applications(
        allocation.round,
        allocation.sector,
        [workflow.Priority(application.pk, 1, True)],
        item=None,
        user=lsu_secretary,
    )
    return Application.objects.get(pk=application.pk)


def test_a_grant_is_at_most_what_was_asked_and_what_is_left(
    allocation, applicant, lsu_secretary, decision_maker
):
    application = forwarded(allocation, applicant, lsu_secretary)
    with pytest.raises(workflow.WorkflowError, match="større enn søkt beløp"):
        workflow.grant_application(
            application, amount=Decimal("2000000"), note="", user=decision_maker
        )
    allocation.amount = Decimal("500000")
    allocation.save()
    with pytest.raises(workflow.WorkflowError, match="bare 500\xa0000\xa0kr"):
        workflow.grant_application(
            application, amount=Decimal("600000"), note="", user=decision_maker
        )
    workflow.grant_application(
        application, amount=Decimal("450000"), note="Redusert ramme", user=decision_maker
    )
    application = Application.objects.get(pk=application.pk)
    assert application.state == Application.State.GRANTED
    assert application.amount_granted == Decimal("450000")


def test_two_decision_makers_at_once_one_wins_the_other_is_told(
    allocation, applicant, lsu_secretary, decision_maker
):
    application = forwarded(allocation, applicant, lsu_secretary)
    stale_copy = Application.objects.get(pk=application.pk)
    workflow.reject_application(application, note="Avslått", user=decision_maker)
    with pytest.raises(workflow.WorkflowError, match="samtidig"):
        workflow.grant_application(
            stale_copy, amount=Decimal("100000"), note="", user=decision_maker
        )
    assert Application.objects.get(pk=application.pk).state == Application.State.REJECTED


def test_moved_to_next_year_it_appears_there_without_retyping(
    allocation, applicant, lsu_secretary, decision_maker
):
    next_round = RoundFactory(scheme=allocation.round.scheme, year=allocation.round.year + 1)
    application = forwarded(allocation, applicant, lsu_secretary)
    workflow.move_to_next_round(application, note="Overføres til neste år", user=decision_maker)
    copy = Application.objects.get(round=next_round)
    assert copy.title == application.title and copy.state == Application.State.SUBMITTED
    assert copy.budget_total == application.amount_asked
    assert Application.objects.get(pk=application.pk).moved_to == copy


def test_a_reader_cannot_decide(allocation, applicant, lsu_secretary, reader_user):
    application = forwarded(allocation, applicant, lsu_secretary)
    with pytest.raises(PermissionDenied):
        workflow.reject_application(application, note="", user=reader_user)


def test_another_sectors_draft_is_invisible(allocation, applicant):
    other_sector_draft = ApplicationFactory()
    visible = Application.objects.visible_to(applicant)
    assert other_sector_draft not in visible
    mine = draft(allocation, applicant)
    assert mine in Application.objects.visible_to(applicant)


def test_a_decision_on_a_stale_copy_keeps_what_ssu_saved_meanwhile(
    allocation, applicant, lsu_secretary, decision_maker, secretariat_user
):
    application = forwarded(allocation, applicant, lsu_secretary)
    stale = Application.objects.get(pk=application.pk)
    workflow.record_recommendation(
        application, amount=Decimal("100000"), text="SSU anbefaler", user=secretariat_user
    )
    # The copy from before SSU's recommendation is refused, not saved over it.
    with pytest.raises(workflow.WorkflowError, match="Noen andre har behandlet"):
        workflow.reject_application(stale, note="Avslått", user=decision_maker)
    stored = Application.objects.get(pk=application.pk)
    assert (stored.state, stored.ssu_recommendation, stored.ssu_amount) == (
        Application.State.RECOMMENDED,
        "SSU anbefaler",
        Decimal("100000"),
    )
    workflow.reject_application(stored, note="Avslått", user=decision_maker)
    # A recommendation written on the copy from before the decision is refused, not a 500.
    with pytest.raises(workflow.WorkflowError, match="avgjort"):
        workflow.record_recommendation(
            application, amount=Decimal("0"), text="For sent", user=secretariat_user
        )
