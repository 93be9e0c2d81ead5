"""The decision as it is really taken: the decision makers prepare a draft per application
(amount, outcome, reason) with the totals against each sector's allocation recomputed on the
server; the joint decision meeting adopts the whole set in one step, with its date and
participants, and only then is each applicant told; an adopted decision is corrected only
with a reason, and the applicant is told of the correction. Bad input writes nothing."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from grants import workflow
from grants.models import Application, DecisionMeeting, DraftDecision, Outcome
from tests.grants.factories import AllocationFactory, RoundFactory, member_of
from tests.grants.test_committees import application, reload, text

pytestmark = pytest.mark.django_db

State = Application.State

PARTICIPANTS = (
    "Administrerende direktør, Oslo universitetssykehus\n"
    "Administrerende direktør, Akershus universitetssykehus\n"
    "Administrerende direktør, Lovisenberg Diakonale Sykehus\n"
    "Administrerende direktør, Diakonhjemmet Sykehus\n"
    "Byrådsavdeling for helse"
)


# A decision meeting that has not been held yet adopts nothing: the applicants would be told.
IN_TWO_DAYS = (datetime.date.today() + datetime.timedelta(days=2)).isoformat()


def decisions_url(round_id):
    return reverse("grants:decisions", args=[round_id])


def draft(client, app, *, outcome="innvilget", amount="", note="", htmx=False):
    data = {f"utkast-{app.pk}-outcome": outcome, f"utkast-{app.pk}-amount": amount}
    data[f"utkast-{app.pk}-note"] = note
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client.post(reverse("grants:decision_draft", args=[app.pk]), data, **headers)


def adopt(client, round_id, held_on="2026-11-26", participants=PARTICIPANTS):
    return client.post(
        reverse("grants:decisions_adopt", args=[round_id]),
        {"held_on": held_on, "participants": participants},
    )


def correct(client, app, *, amount="", note="", reason=""):
    data = {f"retting-{app.pk}-{name}": value for name, value in [("note", note)]}
    data |= {f"retting-{app.pk}-amount": amount, f"retting-{app.pk}-reason": reason}
    return client.post(reverse("grants:decision_correct", args=[app.pk]), data)


@pytest.fixture
def two_sectors(allocation):
    """The OUS sector (17.24 million) and Ahus (2 million), two recommended applications each
    (1.5 million asked), with the applicants' addresses."""
    ahus = AllocationFactory(
        round=allocation.round, sector__name="Ahus-sektoren", amount=Decimal("2000000")
    )
    return {
        sector: [
            application(
                a,
                state=State.RECOMMENDED,
                title=f"{sector} {n} (oppdiktet)",
                amount_asked=Decimal("1500000"),
                ssu_amount=Decimal("800000"),
                ssu_recommendation="Anbefales.",
                contact_email=f"kontakt-{sector}-{n}@example.no",
            )
            for n in (1, 2)
        ]
        for sector, a in (("OUS", allocation), ("Ahus", ahus))
    }


def test_drafts_are_saved_with_live_totals_and_tell_nobody(
    client, allocation, two_sectors, decision_maker, mailoutbox
):
    ous, ahus = two_sectors["OUS"], two_sectors["Ahus"]
    client.force_login(decision_maker)
    page = text(client.get(decisions_url(allocation.round_id)))
    assert "Utkast mot rammene" in page and "800 000 kr" in page  # SSU's amount
    assert "Ingen vedtaksutkast ennå." in page

    # Without JavaScript: saved, back to the page.
    response = draft(client, ous[0], amount="600 000", note="Redusert etter SSUs anbefaling.")
    assert response.status_code == 302
    # With htmx: the card and the totals, recomputed on the server.
    response = draft(client, ahus[0], amount="1 500 000", htmx=True)
    assert response.status_code == 200
    fragment = text(response)
    assert f'id="soknad-{ahus[0].pk}"' in fragment and "Utkastet er lagret." in fragment
    assert 'id="vedtak-summer"' in fragment and 'data-hx-swap-oob="true"' in fragment
    assert "1 500 000 kr (1)" in fragment and "500 000 kr" in fragment  # Ahus: left after
    assert "16 640 000 kr" in fragment  # OUS: 17 240 000 less the 600 000 drafted
    assert "<html" not in fragment

    draft(client, ahus[1], outcome="avslatt", note="Utenfor satsingen.")
    saved = DraftDecision.objects.get(application=ous[0])
    assert (saved.outcome, saved.amount) == (Outcome.GRANT, Decimal("600000"))
    assert saved.history.first().history_user == decision_maker
    assert {reload(a).state for a in [*ous, *ahus]} == {State.RECOMMENDED}
    assert mailoutbox == []
    # A draft can be changed before the meeting.
    draft(client, ous[0], amount="700 000")
    assert DraftDecision.objects.get(application=ous[0]).amount == Decimal("700000")
    assert "3 vedtaksutkast er klare" in text(client.get(decisions_url(allocation.round_id)))


@pytest.mark.parametrize(
    "data, message",
    [
        ({"amount": "mye"}, "Skriv beløpet som et tall i kroner"),
        ({"amount": "-5"}, "Beløpet kan ikke være negativt"),
        ({"amount": ""}, "Skriv beløpet som innvilges"),
        ({"amount": "0"}, "Innvilget beløp må være større enn null"),
        ({"outcome": ""}, "Velg vedtaket"),
        ({"outcome": "kanskje"}, "Velg vedtaket"),
    ],
)
def test_bad_draft_input_is_refused(client, allocation, two_sectors, decision_maker, data, message):
    app = two_sectors["OUS"][0]
    client.force_login(decision_maker)
    for htmx in (False, True):
        response = draft(client, app, **data, htmx=htmx)
        assert response.status_code == 422
        assert message in text(response)
        assert "Utkastet ble ikke lagret" in text(response)
    assert not DraftDecision.objects.exists()


def test_drafts_above_what_is_left_of_the_allocation_are_refused(
    client, allocation, two_sectors, decision_maker
):
    ahus = two_sectors["Ahus"]
    client.force_login(decision_maker)
    assert draft(client, ahus[0], amount="1 500 000").status_code == 302
    response = draft(client, ahus[1], amount="600 000", htmx=True)
    assert response.status_code == 409
    page = text(response)
    assert "Det er bare 500 000 kr igjen av rammen til Ahus-sektoren" in page
    assert "Utkastet er ikke lagret" in page
    assert not DraftDecision.objects.filter(application=ahus[1]).exists()
    response = draft(client, ahus[1], amount="1 500 001")
    assert response.status_code == 409 and "større enn søkt beløp" in text(response)


def test_moving_without_next_years_round_is_refused(
    client, allocation, two_sectors, decision_maker
):
    app = two_sectors["OUS"][0]
    client.force_login(decision_maker)
    response = draft(client, app, outcome="flyttet")
    assert response.status_code == 409
    assert "er ikke opprettet ennå" in text(response)
    assert not DraftDecision.objects.exists()


def test_the_meeting_adopts_the_set_and_only_then_the_applicants_are_told(
    client, allocation, two_sectors, decision_maker, django_capture_on_commit_callbacks, mailoutbox
):
    ous, ahus = two_sectors["OUS"], two_sectors["Ahus"]
    RoundFactory(scheme=allocation.round.scheme, year=allocation.round.year + 1)
    client.force_login(decision_maker)
    draft(client, ous[0], amount="600 000", note="Redusert.")
    draft(client, ous[1], outcome="flyttet", note="Overføres til neste år.")
    draft(client, ahus[0], outcome="avslatt", note="Utenfor satsingen.")
    assert mailoutbox == []

    with django_capture_on_commit_callbacks(execute=True):
        response = adopt(client, allocation.round_id)
    assert response.status_code == 302
    page = text(client.get(response["Location"]))
    assert "3 vedtak er fattet i vedtaksmøtet 26.11.2026. Søkerne får dem på e-post." in page
    assert "Byrådsavdeling for helse" in page

    meeting = DecisionMeeting.objects.get()
    assert meeting.participant_list()[-1] == "Byrådsavdeling for helse"
    assert len(meeting.participant_list()) == 5 and meeting.adopted_by == decision_maker
    granted = reload(ous[0])
    assert granted.state == State.GRANTED and granted.amount_granted == Decimal("600000")
    assert granted.decision_meeting == meeting and granted.decision_note == "Redusert."
    assert granted.history.first().history_change_reason == "Innvilget i vedtaksmøtet 26.11.2026"
    assert reload(ous[1]).state == State.MOVED and reload(ous[1]).moved_to is not None
    assert reload(ahus[0]).state == State.REJECTED
    assert reload(ahus[1]).state == State.RECOMMENDED  # no draft: waits for a later meeting
    assert not DraftDecision.objects.exists()
    assert sorted(m.subject for m in mailoutbox) == sorted(
        [
            f"Vedtak: søknad «{ous[0].title}» er innvilget",
            f"Vedtak: søknad «{ous[1].title}» er flyttet til neste års runde",
            f"Vedtak: søknad «{ahus[0].title}» er avslått",
        ]
    )
    told = next(m for m in mailoutbox if ous[0].title in m.subject).body.replace("\xa0", " ")
    assert "Vedtatt i vedtaksmøtet 26.11.2026" in told and "Innvilget beløp: 600 000 kr" in told


@pytest.mark.parametrize(
    "held_on, participants, message",
    [
        ("", PARTICIPANTS, "Skriv datoen for vedtaksmøtet."),
        ("3. desember", PARTICIPANTS, "Skriv datoen som dd.mm.åååå."),
        ("2026-11-26", " \n ", "Skriv hvem som deltok i vedtaksmøtet."),
        (IN_TWO_DAYS, PARTICIPANTS, "Vedtaksmøtet kan ikke ha en dato etter i dag."),
    ],
)
def test_an_adoption_without_date_or_participants_is_refused(
    client, allocation, two_sectors, decision_maker, mailoutbox, held_on, participants, message
):
    client.force_login(decision_maker)
    draft(client, two_sectors["OUS"][0], amount="600 000")
    response = adopt(client, allocation.round_id, held_on, participants)
    assert response.status_code == 422
    assert message in text(response) and "Vedtakene ble ikke fattet" in text(response)
    assert reload(two_sectors["OUS"][0]).state == State.RECOMMENDED
    assert DraftDecision.objects.count() == 1 and not DecisionMeeting.objects.exists()
    assert mailoutbox == []


def test_an_adoption_over_an_allocation_adopts_nothing(
    client, allocation, two_sectors, decision_maker, mailoutbox
):
    ous, ahus = two_sectors["OUS"], two_sectors["Ahus"]
    client.force_login(decision_maker)
    draft(client, ous[0], amount="600 000")
    draft(client, ahus[0], amount="1 500 000")
    ahus_allocation = ahus[0].round.allocations.get(sector=ahus[0].sector)
    ahus_allocation.amount = Decimal("1000000")  # the allocation was lowered meanwhile
    ahus_allocation.save()
    response = adopt(client, allocation.round_id)
    assert response.status_code == 409
    page = text(response)
    assert "Utkastene til Ahus-sektoren er 1 500 000 kr" in page
    assert "Ingen vedtak er fattet" in page
    assert {reload(a).state for a in [*ous, *ahus]} == {State.RECOMMENDED}
    assert DraftDecision.objects.count() == 2 and not DecisionMeeting.objects.exists()
    assert mailoutbox == []


def test_an_adoption_without_drafts_is_refused(client, allocation, two_sectors, decision_maker):
    client.force_login(decision_maker)
    response = adopt(client, allocation.round_id)
    assert response.status_code == 409
    assert "Det er ingen vedtaksutkast å vedta." in text(response)


def test_a_draft_for_an_application_decided_meanwhile_adopts_nothing(
    client, allocation, two_sectors, decision_maker, secretariat_user, mailoutbox
):
    ous = two_sectors["OUS"]
    client.force_login(decision_maker)
    draft(client, ous[0], amount="600 000")
    draft(client, ous[1], amount="600 000")
    workflow.reject_application(reload(ous[1]), note="", user=secretariat_user)
    mailoutbox.clear()
    response = adopt(client, allocation.round_id)
    assert response.status_code == 409
    assert "Noen andre har behandlet søknaden samtidig" in text(response)
    assert reload(ous[0]).state == State.RECOMMENDED
    assert not DecisionMeeting.objects.exists()


@pytest.fixture
def adopted(client, allocation, two_sectors, decision_maker, django_capture_on_commit_callbacks):
    app = two_sectors["OUS"][0]
    client.force_login(decision_maker)
    draft(client, app, amount="600 000", note="Redusert.")
    with django_capture_on_commit_callbacks(execute=True):
        adopt(client, allocation.round_id)
    return reload(app)


def test_an_adopted_decision_is_corrected_with_a_reason_and_the_applicant_is_told(
    client, adopted, decision_maker, django_capture_on_commit_callbacks, mailoutbox
):
    mailoutbox.clear()
    page = text(client.get(decisions_url(adopted.round_id)))
    assert f"Rett vedtaket: {adopted.title}" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = correct(
            client, adopted, amount="650 000", note="Redusert.", reason="Skrivefeil i beløpet."
        )
    assert response.status_code == 302
    assert f"Vedtaket for «{adopted.title}» er rettet" in text(client.get(response["Location"]))
    app = reload(adopted)
    assert app.amount_granted == Decimal("650000") and app.state == State.GRANTED
    record = app.history.first()
    assert record.history_change_reason == "Vedtaket rettet: Skrivefeil i beløpet."
    assert record.history_user == decision_maker
    (message,) = mailoutbox
    assert message.subject == f"Rettet vedtak: søknad «{adopted.title}» er innvilget"
    body = message.body.replace("\xa0", " ")
    assert "Skrivefeil i beløpet." in body and "Innvilget beløp: 650 000 kr" in body


@pytest.mark.parametrize(
    "data, status, message",
    [
        ({"amount": "650 000", "reason": " "}, 422, "Skriv hvorfor vedtaket rettes."),
        ({"amount": "", "reason": "Feil"}, 422, "Skriv beløpet som innvilges."),
        ({"amount": "1 500 001", "reason": "Feil"}, 409, "større enn søkt beløp"),
    ],
)
def test_a_bad_correction_changes_nothing(client, adopted, mailoutbox, data, status, message):
    mailoutbox.clear()
    response = correct(client, adopted, **data)
    assert response.status_code == status
    assert message in text(response) and "Vedtaket ble ikke rettet" in text(response)
    assert reload(adopted).amount_granted == Decimal("600000")
    assert mailoutbox == []


def test_a_correction_above_the_allocation_is_refused(client, allocation, adopted):
    allocation.amount = Decimal("620000")
    allocation.save()
    response = correct(client, adopted, amount="650 000", reason="Skrivefeil")
    assert response.status_code == 409
    assert "Det er bare 620 000 kr igjen av rammen til OUS-sektoren" in text(response)
    assert reload(adopted).amount_granted == Decimal("600000")


def test_only_decision_makers_and_the_secretariat_draft_adopt_and_correct(
    client, allocation, two_sectors, adopted, lsu_leader, ssu, reader_user
):
    waiting = two_sectors["OUS"][1]
    for user in (lsu_leader, member_of(ssu, "ssu-medlem"), reader_user):
        client.force_login(user)
        assert client.get(decisions_url(allocation.round_id)).status_code == 403
        assert draft(client, waiting, amount="100 000").status_code == 403
        assert adopt(client, allocation.round_id).status_code == 403
        assert correct(client, adopted, amount="1", reason="Nei").status_code == 403
    assert not DraftDecision.objects.exists()
    assert reload(adopted).amount_granted == Decimal("600000")
    assert DecisionMeeting.objects.count() == 1
