"""The committees' pages: the LSU prioritises all its sector's applications in one action, SSU
compiles what the four LSUs forwarded and records its recommendation, the decision makers
decide. Bad input and a lost race leave every application as it was."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from grants.models import Application
from helsefellesskap.models import Membership
from tests.grants.factories import (
    AllocationFactory,
    ApplicationFactory,
    member_of,
)
from tests.meetings.factories import ItemFactory, MeetingFactory

pytestmark = pytest.mark.django_db

State = Application.State


def text(response) -> str:
    """The page as text with ordinary spaces (amounts are written with non-breaking ones)."""
    return response.content.decode().replace("\xa0", " ")


def application(allocation, state=State.SUBMITTED, **kwargs):
    """An application of the allocation's sector and round, already in `state` (the workflow's
    own tests cover how it got there)."""
    return ApplicationFactory(
        round=allocation.round, sector=allocation.sector, state=state, **kwargs
    )


def reload(app) -> Application:
    return Application.objects.get(pk=app.pk)


# --- LSU prioritisation ---


def prioritisation_url(allocation):
    return reverse("grants:prioritisation", args=[allocation.round_id, allocation.sector_id])


def prioritisation_data(applications, ranks=None, forward=(), comments=None, **extra):
    """The form as the page posts it: ranks (a list, "" for none), the ticked ones and the
    comments (a list, one per application)."""
    ranks = ranks if ranks is not None else [str(i + 1) for i in range(len(applications))]
    comments = comments if comments is not None else [""] * len(applications)
    data = {"shown": ",".join(str(a.pk) for a in applications), "item": ""}
    for app, rank, comment in zip(applications, ranks, comments, strict=True):
        data[f"rank_{app.pk}"] = rank
        data[f"comment_{app.pk}"] = comment
        if app in forward:
            data[f"forward_{app.pk}"] = "on"
    data["handling"] = "prioriter"
    return data | extra


def test_the_lsu_leader_prioritises_five_of_ten_in_one_post(
    client, allocation, sector_lsu, lsu_leader
):
    applications = [application(allocation) for _ in range(10)]
    meeting = MeetingFactory(body=sector_lsu)
    item = ItemFactory(meeting=meeting, title="Prioritering av søknader om tilskudd")
    client.force_login(lsu_leader)
    page = client.get(prioritisation_url(allocation))
    assert page.status_code == 200
    assert all(app.title in text(page) for app in applications)
    assert "Prioritering av søknader om tilskudd" in text(page)  # the item to choose

    chosen = applications[:5]
    response = client.post(
        prioritisation_url(allocation),
        prioritisation_data(
            applications,
            forward=chosen,
            comments=[f"Kommentar til nr. {rank}" for rank in range(1, 11)],
            item=str(item.pk),
        ),
        follow=True,
    )
    assert "5 søknader er prioritert og sendt til SSU" in text(response)
    for rank, app in enumerate(applications, start=1):
        app = reload(app)
        assert app.state == (State.FORWARDED if rank <= 5 else State.NOT_PRIORITISED)
        assert app.lsu_rank == rank
        assert app.lsu_item == item and app.lsu_comment == f"Kommentar til nr. {rank}"
    assert reload(chosen[0]).history.first().history_change_reason == (
        "Prioritert av LSU og sendt til SSU"
    )
    assert reload(chosen[0]).history.first().history_user == lsu_leader
    # Afterwards the page shows what the LSU decided, read-only.
    assert "Ingen søknader fra OUS-sektoren venter på LSUs prioritering" in text(response)
    assert "Behandlet av LSU" in text(response)
    assert "Ikke prioritert av LSU" in text(response)
    assert f"Sak {item.label}" in text(response)


def test_an_item_of_a_cancelled_meeting_is_not_offered_nor_taken(
    client, allocation, sector_lsu, lsu_leader
):
    app = application(allocation)
    ItemFactory(meeting=MeetingFactory(body=sector_lsu), title="Prioritering i mars")
    cancelled_meeting = MeetingFactory(body=sector_lsu, cancelled_at=timezone.now())
    cancelled = ItemFactory(meeting=cancelled_meeting, title="Prioritering i april")
    client.force_login(lsu_leader)
    page = text(client.get(prioritisation_url(allocation)))
    assert "Prioritering i mars" in page and "Prioritering i april" not in page

    data = prioritisation_data([app], forward=[app], item=str(cancelled.pk))
    response = client.post(prioritisation_url(allocation), data)
    assert response.status_code == 422
    assert reload(app).state == State.SUBMITTED and reload(app).lsu_item is None


def test_the_lsu_secretary_may_prioritise_too(client, allocation, sector_lsu):
    secretary = member_of(sector_lsu, "lsu-sekretar", Membership.Role.SECRETARY)
    client.force_login(secretary)
    assert client.get(prioritisation_url(allocation)).status_code == 200


@pytest.mark.parametrize(
    "ranks, message",
    [
        (["1", "1", "2"], "Rangering 1 er gitt til flere søknader"),
        (["1", "første", "3"], "Rangeringen må være et helt tall"),
        (["1", "2.5", "3"], "Rangeringen må være et helt tall"),
        (["0", "2", "3"], "Rangeringen må være et positivt helt tall"),
        (["-1", "2", "3"], "Rangeringen må være et positivt helt tall"),
    ],
)
def test_duplicate_or_non_numeric_ranks_are_refused(client, allocation, lsu_leader, ranks, message):
    applications = [application(allocation) for _ in range(3)]
    client.force_login(lsu_leader)
    response = client.post(
        prioritisation_url(allocation),
        prioritisation_data(applications, ranks=ranks, forward=applications[:2]),
    )
    assert response.status_code == 422
    assert message in text(response)
    assert "Prioriteringen ble ikke lagret" in text(response)
    assert {reload(app).state for app in applications} == {State.SUBMITTED}


def test_a_rank_the_lsu_has_given_already_is_refused(client, allocation, lsu_leader):
    """A later prioritisation (applications sent in after the LSU's meeting) may not give a
    rank that an application the LSU has handled already holds: SSU would see two number 1s."""
    application(allocation, state=State.FORWARDED, lsu_rank=1, title="Ambulant team")
    late = [application(allocation) for _ in range(2)]
    client.force_login(lsu_leader)
    response = client.post(
        prioritisation_url(allocation),
        prioritisation_data(late, ranks=["1", "2"], forward=late),
    )
    assert response.status_code == 422
    assert "Rangering 1 er allerede gitt til «Ambulant team», som LSU har behandlet" in text(
        response
    )
    assert {reload(app).state for app in late} == {State.SUBMITTED}

    response = client.post(
        prioritisation_url(allocation),
        prioritisation_data(late, ranks=["2", "3"], forward=late),
    )
    assert response.status_code == 302
    assert [reload(app).lsu_rank for app in late] == [2, 3]


def test_nothing_ticked_is_refused(client, allocation, lsu_leader):
    applications = [application(allocation) for _ in range(2)]
    client.force_login(lsu_leader)
    response = client.post(prioritisation_url(allocation), prioritisation_data(applications))
    assert response.status_code == 422
    assert "Velg minst én søknad" in text(response)
    assert {reload(app).state for app in applications} == {State.SUBMITTED}


def test_a_member_who_is_not_leader_or_secretary_gets_403(
    client, allocation, lsu_member, reader_user
):
    applications = [application(allocation) for _ in range(2)]
    for user in (lsu_member, reader_user):
        client.force_login(user)
        assert client.get(prioritisation_url(allocation)).status_code == 403
        response = client.post(
            prioritisation_url(allocation),
            prioritisation_data(applications, forward=applications),
        )
        assert response.status_code == 403
    assert {reload(app).state for app in applications} == {State.SUBMITTED}


def test_another_sectors_lsu_leader_gets_403(client, allocation, lsu_leader):
    other = AllocationFactory(round=allocation.round)
    client.force_login(lsu_leader)
    assert client.get(prioritisation_url(other)).status_code == 403


def test_the_total_of_the_ticked_applications_is_shown_against_the_allocation(
    client, allocation, lsu_leader
):
    application(allocation, state=State.FORWARDED, amount_asked=Decimal("1000000"), lsu_rank=1)
    applications = [application(allocation, amount_asked=Decimal("2000000")) for _ in range(4)]
    client.force_login(lsu_leader)
    page = text(client.get(prioritisation_url(allocation)))
    assert "17 240 000 kr" in page
    assert "1 000 000 kr (1 søknad)" in page  # already sent to SSU

    # "Beregn sum": the sum of what is ticked, computed on the server, nothing saved.
    data = prioritisation_data(applications, forward=applications[:3], handling="beregn")
    page = text(client.post(prioritisation_url(allocation), data))
    assert "6 000 000 kr (3 søknader)" in page
    assert "7 000 000 kr" in page  # the sum prioritised
    assert "10 240 000 kr" in page  # left of the allocation
    assert {reload(app).state for app in applications} == {State.SUBMITTED}
    assert len(re.findall(r"id=\"id_forward_\d+\" checked", page)) == 3  # the ticks are kept

    # Over the allocation: said, not refused (SSU and the decision makers weigh it).
    allocation.amount = Decimal("5000000")
    allocation.save()
    page = text(client.post(prioritisation_url(allocation), data))
    assert "Over rammen med" in page and "2 000 000 kr" in page


def test_a_list_changed_under_the_user_saves_nothing(client, allocation, lsu_leader):
    applications = [application(allocation) for _ in range(2)]
    client.force_login(lsu_leader)
    data = prioritisation_data(applications, forward=applications)
    newcomer = application(allocation)  # submitted (moved from last year) after the page loaded
    response = client.post(prioritisation_url(allocation), data)
    assert response.status_code == 409
    assert "Listen over søknader er endret" in text(response)
    assert {reload(app).state for app in [*applications, newcomer]} == {State.SUBMITTED}


# --- SSU compilation and recommendation ---


@pytest.fixture
def four_sectors(allocation):
    """Each of four sectors forwarded one application; and some that SSU must not see."""
    round = allocation.round
    allocations = [allocation] + [
        AllocationFactory(round=round, sector__name=name, amount=Decimal("10000000"))
        for name in ("Ahus-sektoren", "Lovisenberg-sektoren", "Diakonhjemmet-sektoren")
    ]
    forwarded = [
        application(a, state=State.FORWARDED, title=f"Videresendt fra {a.sector.name}", lsu_rank=1)
        for a in allocations
    ]
    hidden = [
        application(allocation, state=State.DRAFT, title="Utkast som ikke er sendt"),
        application(allocations[1], state=State.SUBMITTED, title="Venter på LSU"),
        application(allocations[2], state=State.NOT_PRIORITISED, title="Ikke prioritert søknad"),
    ]
    return forwarded, hidden


def test_ssu_sees_the_forwarded_applications_of_all_sectors_only(client, four_sectors, ssu_member):
    forwarded, hidden = four_sectors
    client.force_login(ssu_member)
    response = client.get(reverse("grants:compilation", args=[forwarded[0].round_id]))
    assert response.status_code == 200
    page = text(response)
    for app in forwarded:
        assert app.title in page
        assert app.sector.name in page
        assert f"Skriv SSUs anbefaling: {app.title}" in page
    for app in hidden:
        assert app.title not in page
    assert "17 240 000 kr" in page  # the OUS sector's allocation


def recommend(client, app, amount="", text=""):
    return client.post(
        reverse("grants:recommendation", args=[app.pk]),
        {f"anbefaling-{app.pk}-amount": amount, f"anbefaling-{app.pk}-text": text},
        follow=True,
    )


@pytest.mark.parametrize(
    "role", [Membership.Role.MEMBER, Membership.Role.SECRETARY, Membership.Role.LEADER]
)
def test_ssus_members_and_secretariat_record_a_recommendation_with_an_amount(
    client, four_sectors, ssu, role
):
    app = four_sectors[0][0]
    user = member_of(ssu, f"ssu-{role}", role)
    client.force_login(user)
    response = recommend(client, app, "750 000", "SSU anbefaler et redusert beløp.")
    assert f"SSUs anbefaling er lagret for «{app.title}»" in text(response)
    app = reload(app)
    assert app.state == State.RECOMMENDED
    assert app.get_state_display() == "Anbefalt av SSU"
    assert app.ssu_amount == Decimal("750000")
    assert app.ssu_recommendation == "SSU anbefaler et redusert beløp."
    record = app.history.first()
    assert record.history_change_reason == "Anbefalt av SSU"
    assert record.history_user == user
    page = text(client.get(reverse("grants:compilation", args=[app.round_id])))
    assert "750 000 kr" in page and f"Endre SSUs anbefaling: {app.title}" in page


def test_a_recommendation_may_be_changed_until_the_decision(client, four_sectors, ssu_member):
    app = four_sectors[0][0]
    client.force_login(ssu_member)
    recommend(client, app, "750 000")
    recommend(client, app, "500 000", "Justert etter møtet.")
    app = reload(app)
    assert app.state == State.RECOMMENDED and app.ssu_amount == Decimal("500000")
    assert [r.ssu_amount for r in app.history.all()[:2]] == [Decimal("500000"), Decimal("750000")]


@pytest.mark.parametrize(
    "amount, message",
    [
        ("", "Skriv beløpet SSU anbefaler"),
        ("mye", "Skriv beløpet som et tall i kroner"),
        ("-5", "Beløpet kan ikke være negativt"),
        ("1 000 001", "Anbefalt beløp kan ikke være større enn søkt beløp (1 000 000 kr)"),
    ],
)
def test_a_bad_recommended_amount_is_refused(client, four_sectors, ssu_member, amount, message):
    app = four_sectors[0][0]
    client.force_login(ssu_member)
    response = recommend(client, app, amount, "Ja")
    assert response.status_code == 422
    assert message in text(response)
    assert "Anbefalingen ble ikke lagret" in text(response)
    app = reload(app)
    assert app.state == State.FORWARDED and app.ssu_amount is None
    assert app.ssu_recommendation == ""


def test_zero_is_a_recommendation_not_to_grant(client, four_sectors, ssu_member):
    app = four_sectors[0][0]
    client.force_login(ssu_member)
    recommend(client, app, "0", "Anbefales ikke.")
    app = reload(app)
    assert app.state == State.RECOMMENDED and app.ssu_amount == Decimal("0")


def test_others_cannot_recommend(client, four_sectors, lsu_leader, decision_maker, reader_user):
    app = four_sectors[0][0]
    for user in (lsu_leader, decision_maker, reader_user):
        client.force_login(user)
        response = recommend(client, app, "100 000", "Ja")
        assert response.status_code == 403
    app = reload(app)
    assert app.state == State.FORWARDED and app.ssu_amount is None


def test_a_decided_application_gets_no_recommendation(client, allocation, ssu_member):
    app = application(allocation, state=State.REJECTED)
    client.force_login(ssu_member)
    response = recommend(client, app, "100 000")
    assert "SSU gir anbefaling bare på søknader" in text(response)
    app = reload(app)
    assert app.state == State.REJECTED and app.ssu_amount is None


# --- Amounts as people type them ---


@pytest.mark.parametrize(
    "typed, amount",
    [
        ("450 000", Decimal("450000")),
        ("450.000", Decimal("450000")),
        ("kr 1 234,50", Decimal("1234.50")),
        ("450 000,-", Decimal("450000")),
        ("1234.5", Decimal("1234.5")),
    ],
)
def test_amounts_are_read_as_people_type_them(typed, amount):
    from grants.forms import AmountField

    assert AmountField().clean(typed) == amount
