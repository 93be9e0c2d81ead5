"""The LSU's prioritisation stays open to change until SSU has compiled the sector: the LSU
reopens it with a reason (kept in the history and shown on the page), changes ranks and
comments, and sends it again. Once SSU has recommended one of the sector's applications, a
reopening is refused and nothing changes."""

import pytest
from django.urls import reverse

from grants import workflow
from grants.models import Application, PrioritisationReopening
from helsefellesskap.models import Membership
from tests.grants.factories import member_of
from tests.grants.test_committees import (
    application,
    prioritisation_data,
    prioritisation_url,
    reload,
    text,
)

pytestmark = pytest.mark.django_db

State = Application.State


def reopen_url(allocation):
    return reverse("grants:prioritisation_reopen", args=[allocation.round_id, allocation.sector_id])


@pytest.fixture
def prioritised(client, allocation, lsu_leader):
    """Three applications, each with its own comment; the first two sent to SSU."""
    applications = [application(allocation, title=f"Søknad {n} (oppdiktet)") for n in (1, 2, 3)]
    client.force_login(lsu_leader)
    response = client.post(
        prioritisation_url(allocation),
        prioritisation_data(
            applications,
            forward=applications[:2],
            comments=["Sterk forankring", "Godt samarbeid", "Utenfor satsingen"],
        ),
    )
    assert response.status_code == 302
    return applications


def test_each_application_keeps_its_own_comment(client, allocation, prioritised):
    assert [reload(a).lsu_comment for a in prioritised] == [
        "Sterk forankring",
        "Godt samarbeid",
        "Utenfor satsingen",
    ]
    page = text(client.get(prioritisation_url(allocation)))
    assert "Sterk forankring" in page and "Utenfor satsingen" in page


def test_the_lsu_reopens_with_a_reason_and_prioritises_again(
    client, allocation, lsu_leader, prioritised
):
    page = text(client.get(prioritisation_url(allocation)))
    assert "Åpne prioriteringen igjen" in page

    response = client.post(
        reopen_url(allocation), {"reason": "Ny vurdering etter møtet 25.11."}, follow=True
    )
    page = text(response)
    assert "Prioriteringen for OUS-sektoren er åpnet igjen og kan endres." in page
    assert "Ny vurdering etter møtet 25.11." in page  # the reason, shown on the page
    assert {reload(a).state for a in prioritised} == {State.SUBMITTED}
    # Ranks and comments are kept as the starting point.
    assert [reload(a).lsu_rank for a in prioritised] == [1, 2, 3]
    assert f'name="comment_{prioritised[0].pk}"' in page and "Sterk forankring" in page
    record = reload(prioritised[0]).history.first()
    assert record.history_change_reason == (
        "LSUs prioritering åpnet igjen: Ny vurdering etter møtet 25.11."
    )
    assert record.history_user == lsu_leader
    reopening = PrioritisationReopening.objects.get()
    assert reopening.reopened_by == lsu_leader and reopening.sector == allocation.sector
    assert reopening.history.first().history_user == lsu_leader

    # Now the third goes forward and the second does not.
    response = client.post(
        prioritisation_url(allocation),
        prioritisation_data(
            prioritised,
            ranks=["1", "3", "2"],
            forward=[prioritised[0], prioritised[2]],
            comments=["Sterk forankring", "Kan vente", "Viktig likevel"],
        ),
    )
    assert response.status_code == 302
    states = [reload(a).state for a in prioritised]
    assert states == [State.FORWARDED, State.NOT_PRIORITISED, State.FORWARDED]
    assert reload(prioritised[2]).lsu_comment == "Viktig likevel"


def test_a_reopen_without_a_reason_is_refused(client, allocation, prioritised):
    response = client.post(reopen_url(allocation), {"reason": "  "})
    assert response.status_code == 422
    page = text(response)
    assert "Skriv hvorfor prioriteringen åpnes igjen." in page
    assert "Prioriteringen ble ikke åpnet igjen" in page
    assert [reload(a).state for a in prioritised] == [
        State.FORWARDED,
        State.FORWARDED,
        State.NOT_PRIORITISED,
    ]
    assert not PrioritisationReopening.objects.exists()


def test_a_reopen_after_ssus_compilation_is_refused(client, allocation, prioritised, ssu):
    ssu_user = member_of(ssu, "ssu-medlem")
    workflow.record_recommendation(reload(prioritised[0]), amount=0, text="", user=ssu_user)
    page = text(client.get(prioritisation_url(allocation)))
    assert "SSU har sammenstilt søknadene fra OUS-sektoren" in page
    assert "Åpne prioriteringen igjen</button>" not in page

    response = client.post(reopen_url(allocation), {"reason": "For sent"})  # a stale page
    assert response.status_code == 409
    assert "SSU har allerede sammenstilt søknadene fra OUS-sektoren" in text(response)
    assert "Ingenting er endret" in text(response)
    states = [reload(a).state for a in prioritised]
    assert states == [State.RECOMMENDED, State.FORWARDED, State.NOT_PRIORITISED]
    assert not PrioritisationReopening.objects.exists()


def test_nothing_to_reopen_before_the_lsu_has_prioritised(allocation, lsu_leader):
    application(allocation)
    with pytest.raises(workflow.WorkflowError, match="har ikke sendt noen prioritering"):
        workflow.reopen_prioritisation(
            round=allocation.round, sector=allocation.sector, reason="Feil", user=lsu_leader
        )


def test_only_the_lsus_leader_secretary_or_the_secretariat_reopen(
    client, allocation, sector_lsu, prioritised, lsu_member, ssu, decision_maker
):
    ssu_user = member_of(ssu, "ssu-medlem")
    other_leader = member_of(sector_lsu, "nestleder", Membership.Role.MEMBER)
    for user in (lsu_member, ssu_user, decision_maker, other_leader):
        client.force_login(user)
        assert client.post(reopen_url(allocation), {"reason": "Vil endre"}).status_code == 403
        assert client.get(reopen_url(allocation)).status_code in (403, 405)
    assert reload(prioritised[0]).state == State.FORWARDED
    assert not PrioritisationReopening.objects.exists()
