"""The notice (møteinnkalling) sent by e-mail to the members invited to a meeting."""

import datetime
import smtplib

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from helsefellesskap.models import Membership
from meetings.notice import NoticeError, send_notice
from tests.factories import MembershipFactory, PersonFactory
from tests.meetings.factories import AttachmentFactory, ItemFactory, MeetingFactory


@pytest.fixture
def meeting(lsu):
    meeting = MeetingFactory(
        body=lsu,
        title="Partnerskapsmøte",
        addressed_to="Medlemmene i LSU",
        notice_text="Velkommen til møte. Meld forfall til sekretariatet.",
    )
    ItemFactory(
        meeting=meeting,
        title="FACT-team i bydelene",
        purpose="Orientering om status for <FACT>",
        presenter="Ola Overlege",
    )
    ItemFactory(meeting=meeting, title="Høringssvar om rehabilitering", purpose="Vedtak")
    return meeting


@pytest.fixture
def members(lsu):
    """Three members with an address, one without, and one whose seat ended before."""
    with_email = [
        MembershipFactory(body=lsu, person=PersonFactory(name=name, email=email)).person
        for name, email in [
            ("Anne Aas", "anne@example.no"),
            ("Bjørn Berg", "bjorn@example.no"),
            ("Cecilie Dahl", "cecilie@example.no"),
        ]
    ]
    without = MembershipFactory(body=lsu, person=PersonFactory(name="Uten Epost")).person
    MembershipFactory(
        body=lsu,
        person=PersonFactory(name="Tidligere Medlem", email="tidligere@example.no"),
        end=datetime.date(2024, 12, 31),
    )
    return with_email, without


@pytest.mark.django_db
def test_each_invited_member_with_an_address_gets_the_notice(
    meeting, members, secretariat_user, mailoutbox
):
    with_email, without = members
    sent = send_notice(meeting, user=secretariat_user)
    assert sent == 3
    assert sorted(address for message in mailoutbox for address in message.to) == [
        "anne@example.no",
        "bjorn@example.no",
        "cecilie@example.no",
    ]
    message = mailoutbox[0]
    assert len(message.to) == 1  # nobody sees the other addresses
    assert message.subject == "Møteinnkalling: Lokalt samarbeidsutvalg Testsektoren 14.10.2025"
    text = message.body
    for expected in (
        "Partnerskapsmøte",
        "Møtegruppe: Lokalt samarbeidsutvalg Testsektoren",
        "Møtetid: Tirsdag 14.10.2025 kl. 09.00–11.20",
        "Møtested: Rådhusets møtesenter, møterom 6",
        "Til: Medlemmene i LSU",
        "Fra: Sekretariatet",
        "Saksbehandler: Helsefellesskap Oslo, sekretariatet",
        "Velkommen til møte. Meld forfall til sekretariatet.",
        "Sak 1/25 FACT-team i bydelene",
        "Hensikt: Orientering om status for <FACT>",  # plain text is not HTML-escaped
        "Innleder: Ola Overlege",
        "Sak 2/25 Høringssvar om rehabilitering",
        f"http://127.0.0.1:8000/moter/{meeting.pk}/",
    ):
        assert expected in text, expected
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert "Orientering om status for &lt;FACT&gt;" in html
    assert "<FACT>" not in html
    assert f'href="http://127.0.0.1:8000/moter/{meeting.pk}/"' in html
    assert "Sak 2/25 Høringssvar om rehabilitering" in html


@pytest.mark.django_db
def test_the_notice_is_recorded_on_the_meeting(meeting, members, secretariat_user):
    send_notice(meeting, user=secretariat_user)
    meeting.refresh_from_db()
    assert meeting.notice_sent_at is not None
    record = meeting.history.first()
    assert record.history_change_reason == "Innkalling sendt"
    assert record.history_user == secretariat_user


@pytest.mark.django_db
def test_links_use_the_portals_address(meeting, members, secretariat_user, settings, mailoutbox):
    settings.PORTAL_BASE_URL = "https://portal.helsefellesskap.example/"
    attachment = AttachmentFactory(item=meeting.items.first(), name="Saksframlegg.pdf")
    send_notice(meeting, user=secretariat_user)
    text = mailoutbox[0].body
    assert f"https://portal.helsefellesskap.example/moter/{meeting.pk}/" in text
    assert (
        f"- Saksframlegg.pdf: https://portal.helsefellesskap.example/moter/vedlegg/"
        f"{attachment.pk}/" in text
    )


@pytest.mark.django_db
def test_a_meeting_without_items_sends_nothing(lsu, members, secretariat_user, mailoutbox):
    meeting = MeetingFactory(body=lsu)
    with pytest.raises(NoticeError, match="Møtet har ingen saker ennå"):
        send_notice(meeting, user=secretariat_user)
    assert mailoutbox == []
    meeting.refresh_from_db()
    assert meeting.notice_sent_at is None


@pytest.mark.django_db
def test_no_member_with_an_address_sends_nothing(meeting, secretariat_user, mailoutbox):
    MembershipFactory(body=meeting.body, person=PersonFactory(name="Uten Epost"))
    with pytest.raises(NoticeError, match="Ingen av medlemmene"):
        send_notice(meeting, user=secretariat_user)
    assert mailoutbox == []


# --- The page ---


@pytest.mark.django_db
def test_the_confirmation_lists_the_recipients(client, secretariat_user, meeting, members):
    client.force_login(secretariat_user)
    response = client.get(reverse("meetings:notice_send", args=[meeting.pk]))
    assert response.status_code == 200
    text = response.text
    assert "Mottakere (3)" in text
    assert "Anne Aas &lt;anne@example.no&gt;" in text
    assert "Uten e-postadresse (1)" in text
    assert "Uten Epost" in text
    assert "Tidligere Medlem" not in text
    assert "Send innkallingen" in text
    assert "Send på nytt" not in text


@pytest.mark.django_db
def test_sending_from_the_page(client, secretariat_user, meeting, members, mailoutbox):
    client.force_login(secretariat_user)
    url = reverse("meetings:notice_send", args=[meeting.pk])
    response = client.post(url, {"sendt": ""}, follow=True)
    assert response.redirect_chain[-1][0] == meeting.get_absolute_url()
    assert len(mailoutbox) == 3
    assert (
        "Innkallingen er sendt til 3 mottakere. 1 medlem uten e-postadresse fikk den ikke."
        in response.text
    )


@pytest.mark.django_db
def test_sending_again_asks_first(client, secretariat_user, meeting, members, mailoutbox):
    send_notice(meeting, user=secretariat_user)
    mail.outbox.clear()
    meeting.refresh_from_db()
    client.force_login(secretariat_user)
    url = reverse("meetings:notice_send", args=[meeting.pk])
    page = client.get(url)
    sent_on = date_format(timezone.localtime(meeting.notice_sent_at), "j. F Y")
    assert f"Innkallingen ble sendt {sent_on}" in page.text
    assert "Send på nytt?" in page.text
    # A post from a page shown before the notice went out does not send it twice.
    stale = client.post(url, {"sendt": ""})
    assert stale.status_code == 409
    assert "Send på nytt?" in stale.text
    assert mailoutbox == []
    # Confirmed knowing it was sent: sent again.
    response = client.post(url, {"sendt": meeting.notice_sent_at.isoformat()})
    assert response.status_code == 302
    assert len(mailoutbox) == 3


@pytest.mark.django_db
def test_a_meeting_without_items_says_so(client, secretariat_user, lsu, members, mailoutbox):
    meeting = MeetingFactory(body=lsu)
    client.force_login(secretariat_user)
    url = reverse("meetings:notice_send", args=[meeting.pk])
    page = client.get(url)
    assert "Møtet har ingen saker ennå" in page.text
    assert "Send innkallingen" not in page.text
    response = client.post(url, {"sendt": ""})
    assert response.status_code == 422
    assert "Møtet har ingen saker ennå" in response.text
    assert mailoutbox == []


@pytest.mark.django_db
def test_a_mail_server_failure_is_reported_and_not_recorded(
    client, secretariat_user, meeting, members, monkeypatch
):
    def fail(self, messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", fail)
    client.force_login(secretariat_user)
    response = client.post(reverse("meetings:notice_send", args=[meeting.pk]), {"sendt": ""})
    assert response.status_code == 502
    assert "Innkallingen kunne ikke sendes" in response.text
    meeting.refresh_from_db()
    assert meeting.notice_sent_at is None


@pytest.mark.django_db
def test_a_failure_halfway_records_who_got_it_and_names_who_did_not(
    client, secretariat_user, meeting, members, monkeypatch, mailoutbox
):
    original = __import__(
        "django.core.mail.backends.locmem", fromlist=["EmailBackend"]
    ).EmailBackend.send_messages
    calls = []

    def fail_on_second(self, messages):
        calls.append(messages)
        if len(calls) == 2:
            raise smtplib.SMTPRecipientsRefused({})
        return original(self, messages)

    monkeypatch.setattr(
        "django.core.mail.backends.locmem.EmailBackend.send_messages", fail_on_second
    )
    client.force_login(secretariat_user)
    response = client.post(reverse("meetings:notice_send", args=[meeting.pk]), {"sendt": ""})
    assert response.status_code == 502
    assert "Innkallingen kunne ikke sendes til" in response.text
    assert len(mailoutbox) == len(calls) - 1
    meeting.refresh_from_db()
    assert meeting.notice_sent_at is not None  # the others did get it


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["member", "reader", "decision_maker"])
def test_only_keepers_send_the_notice(client, user_for_role, meeting, members, role, mailoutbox):
    client.force_login(user_for_role(role))
    url = reverse("meetings:notice_send", args=[meeting.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"sendt": ""}).status_code == 403
    assert mailoutbox == []


@pytest.mark.django_db
def test_deputies_get_the_notice_and_those_without_an_address_are_named(
    client, meeting, secretariat_user, lsu, mailoutbox
):
    MembershipFactory(
        body=lsu, role=Membership.Role.DEPUTY, person=PersonFactory(email="vara@example.no")
    )
    assert send_notice(meeting, user=secretariat_user) == 1
    assert mailoutbox[0].to == ["vara@example.no"]


@pytest.mark.django_db
def test_when_nobody_has_an_address_the_page_names_them(client, meeting, secretariat_user, lsu):
    for name in ("Per Uten Adresse", "Pia Vara Uten Adresse"):
        MembershipFactory(body=lsu, person=PersonFactory(name=name, email=""))
    client.force_login(secretariat_user)
    html = client.get(reverse("meetings:notice_send", args=[meeting.pk])).content.decode()
    assert "Ingen mottakere" in html
    assert "Uten e-postadresse (2)" in html
    assert "Per Uten Adresse" in html and "Pia Vara Uten Adresse" in html
    assert "Legg inn e-postadressene på personenes sider først." in html


@pytest.mark.django_db
def test_a_keeper_who_cannot_edit_people_is_told_to_ask_the_secretariat(
    client, meeting, lsu, leader_user
):
    """Only the secretariat edits people: the LSU's leader is not sent to a page where the
    address cannot be added."""
    MembershipFactory(body=lsu, person=PersonFactory(name="Per Uten Adresse", email=""))
    client.force_login(leader_user)
    html = client.get(reverse("meetings:notice_send", args=[meeting.pk])).content.decode()
    assert "Be sekretariatet legge dem inn i registeret først." in html
    assert "Be sekretariatet legge inn adressen i registeret" in html
    assert "på personenes sider" not in html and "på personens side" not in html


def edit_meeting(client, meeting, **changes):
    """Posts the meeting's edit form as it stands, with `changes`; returns the page after."""
    meeting.refresh_from_db()
    local = timezone.localtime
    data = {
        "body": meeting.body_id,
        "title": meeting.title,
        "starts_at": f"{local(meeting.starts_at):%Y-%m-%dT%H:%M}",
        "ends_at": f"{local(meeting.ends_at):%Y-%m-%dT%H:%M}" if meeting.ends_at else "",
        "location": meeting.location,
        "addressed_to": meeting.addressed_to,
        "sender": meeting.sender,
        "case_officer": meeting.case_officer,
        "notice_text": meeting.notice_text,
        "change_reason": "Endret",
    }
    edit = reverse("meetings:meeting_edit", args=[meeting.pk])
    return client.post(edit, data | changes, follow=True).content.decode()


@pytest.mark.django_db
def test_moving_a_meeting_after_its_notice_says_to_send_the_notice_again(
    client, meeting, members, secretariat_user, mailoutbox
):
    client.force_login(secretariat_user)
    assert "Send den på nytt" not in edit_meeting(client, meeting, location="Rom 1")  # not sent

    send_notice(meeting, user=secretariat_user)
    meeting.refresh_from_db()
    sent = date_format(timezone.localtime(meeting.notice_sent_at), "SHORT_DATE_FORMAT")
    page = edit_meeting(client, meeting, location="Rådhuset, rom 2")
    assert (
        f"Innkallingen ble sendt {sent} med det som sto da. Send den på nytt fra møtesiden, "
        "så medlemmene får vite om endringen." in page
    )
    assert "message-warning" in page
    # A field the notice does not show (the turnout, filled in afterwards) needs no new notice.
    assert "Send den på nytt" not in edit_meeting(client, meeting, participant_count="12")
