"""An LSU runs its own meetings: its leader and sekretær create, change and cancel that
body's meetings (and only that body's); a cancelled meeting stays in the record as "Avlyst"."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from helsefellesskap.models import Membership
from meetings.calendar_feeds import build_calendar
from meetings.cancelling import cancel_meeting
from meetings.minutes import MinutesLocked
from meetings.models import Meeting, Minutes
from tests.factories import BodyFactory, MembershipFactory, PersonFactory, UserFactory
from tests.meetings.factories import MeetingFactory, MinutesFactory

NEW_MEETING = {
    "title": "",
    "starts_at": "2026-03-10T09:00",
    "ends_at": "2026-03-10T11:00",
    "location": "Bydel Frogner, møterom 2",
}


@pytest.fixture
def other_body(db):
    return BodyFactory(name="Lokalt samarbeidsutvalg Andre sektor")


@pytest.fixture
def secretary_user(lsu):
    user = UserFactory(username="lsu-sekretar")
    person = PersonFactory(name="Sara Sekretær", user=user)
    MembershipFactory(person=person, body=lsu, role=Membership.Role.SECRETARY)
    return user


@pytest.fixture
def keeper(request):
    """The LSU's leader or its sekretær: both keep the LSU's meetings."""
    return request.getfixturevalue(request.param)


KEEPERS = pytest.mark.parametrize("keeper", ["leader_user", "secretary_user"], indirect=True)


@pytest.mark.django_db
@KEEPERS
def test_an_lsu_keeper_is_offered_only_their_own_body(client, keeper, lsu, other_body):
    client.force_login(keeper)
    response = client.get(reverse("meetings:meeting_create"))
    assert response.status_code == 200
    assert list(response.context["form"].fields["body"].queryset) == [lsu]
    assert "Begrunnelse for endringen" not in response.content.decode()


@pytest.mark.django_db
@KEEPERS
def test_an_lsu_keeper_creates_and_changes_their_bodys_meeting(client, keeper, lsu):
    client.force_login(keeper)
    response = client.post(reverse("meetings:meeting_create"), NEW_MEETING | {"body": lsu.pk})
    meeting = Meeting.objects.get(body=lsu)
    assert response.status_code == 302
    assert meeting.history.latest().history_user == keeper
    edit = reverse("meetings:meeting_edit", args=[meeting.pk])
    assert "Begrunnelse for endringen" in client.get(edit).content.decode()
    changed = NEW_MEETING | {"location": "Rådhuset", "change_reason": "Nytt rom"}
    assert client.post(edit, changed).status_code == 302
    meeting.refresh_from_db()
    assert meeting.location == "Rådhuset"
    assert meeting.history.latest().history_change_reason == "Nytt rom"


@pytest.mark.django_db
@KEEPERS
def test_an_lsu_keeper_cannot_create_or_keep_another_bodys_meeting(client, keeper, lsu, other_body):
    client.force_login(keeper)
    response = client.post(
        reverse("meetings:meeting_create"), NEW_MEETING | {"body": other_body.pk}
    )
    assert "body" in response.context["form"].errors
    assert not Meeting.objects.exists()
    theirs = MeetingFactory(body=other_body)
    # Another body's meeting pages are not there for them (404), not merely forbidden.
    for name in ("meeting_edit", "meeting_cancel", "item_create", "notice_send"):
        assert client.get(reverse(f"meetings:{name}", args=[theirs.pk])).status_code == 404
    response = client.post(reverse("meetings:meeting_cancel", args=[theirs.pk]), {"reason": "x"})
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert not theirs.is_cancelled


@pytest.mark.django_db
def test_a_member_neither_creates_nor_cancels(client, member_user, lsu):
    client.force_login(member_user)
    assert client.get(reverse("meetings:meeting_create")).status_code == 403
    meeting = MeetingFactory(body=lsu)
    response = client.post(reverse("meetings:meeting_cancel", args=[meeting.pk]), {"reason": "x"})
    assert response.status_code == 403
    meeting.refresh_from_db()
    assert not meeting.is_cancelled


@pytest.mark.django_db
def test_the_secretariat_keeps_every_bodys_meetings(client, secretariat_user, lsu, other_body):
    client.force_login(secretariat_user)
    response = client.get(reverse("meetings:meeting_create"))
    assert set(response.context["form"].fields["body"].queryset) == {lsu, other_body}
    response = client.post(
        reverse("meetings:meeting_create"), NEW_MEETING | {"body": other_body.pk}
    )
    assert response.status_code == 302
    meeting = Meeting.objects.get(body=other_body)
    response = client.post(
        reverse("meetings:meeting_cancel", args=[meeting.pk]), {"reason": "Sammenfaller med ferie"}
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.is_cancelled


@pytest.mark.django_db
def test_cancelling_keeps_the_meeting_with_its_reason_in_the_history(
    client, secretary_user, lsu, mailoutbox
):
    meeting = MeetingFactory(body=lsu, title="LSU-møte mars")
    client.force_login(secretary_user)
    url = reverse("meetings:meeting_cancel", args=[meeting.pk])
    response = client.post(url, {"reason": "  "})
    assert response.status_code == 422
    assert response.context["form"].errors["reason"]
    with pytest.raises(ValidationError, match="Skriv hvorfor møtet avlyses"):
        cancel_meeting(meeting, reason=" ", user=secretary_user)
    response = client.post(url, {"reason": "For få påmeldte"}, follow=True)
    assert "Møtet er avlyst." in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.cancel_reason == "For få påmeldte"
    latest = meeting.history.latest()
    assert latest.history_change_reason == "Møtet avlyst: For få påmeldte"
    assert latest.history_user == secretary_user
    assert mailoutbox == []  # the notice was never sent: nobody to tell
    page = client.get(reverse("meetings:meeting_list") + "?aar=2025").content.decode()
    assert "Avlyst" in page
    detail = client.get(meeting.get_absolute_url()).content.decode()
    assert "Møtet er avlyst" in detail and "For få påmeldte" in detail
    assert reverse("meetings:notice_send", args=[meeting.pk]) not in detail


@pytest.mark.django_db
def test_members_with_an_address_are_told_once_the_notice_was_sent(lsu, secretary_user, mailoutbox):
    meeting = MeetingFactory(
        body=lsu, notice_sent_at=datetime.datetime(2025, 10, 1, tzinfo=datetime.UTC)
    )
    MembershipFactory(body=lsu, person=PersonFactory(name="Anne Aas", email="anne@example.no"))
    MembershipFactory(
        body=lsu, role=Membership.Role.DEPUTY, person=PersonFactory(email="vara@example.no")
    )
    MembershipFactory(body=lsu, person=PersonFactory(name="Uten Epost"))
    told = cancel_meeting(meeting, reason="Sykdom", user=secretary_user)
    assert told == 2
    assert sorted(m.to[0] for m in mailoutbox) == ["anne@example.no", "vara@example.no"]
    assert mailoutbox[0].subject.startswith("Avlyst: ")
    assert "Begrunnelse: Sykdom" in mailoutbox[0].body


@pytest.mark.django_db
def test_a_cancelled_meeting_is_cancelled_in_the_calendar(lsu, secretariat_user):
    meeting = MeetingFactory(body=lsu, title="LSU-møte")
    held = MeetingFactory(body=lsu, title="Holdt møte")
    cancel_meeting(meeting, reason="Avlyst", user=secretariat_user)
    ics = build_calendar("LSU", [Meeting.objects.get(pk=meeting.pk), held]).to_ical().decode()
    events = ics.split("BEGIN:VEVENT")[1:]
    assert "STATUS:CANCELLED" in events[0] and "SUMMARY:Avlyst: LSU-møte" in events[0]
    assert "STATUS:CANCELLED" not in events[1]


@pytest.mark.django_db
@pytest.mark.parametrize("status", [Minutes.Status.APPROVED, Minutes.Status.PUBLISHED])
def test_a_meeting_with_approved_minutes_cannot_be_cancelled(client, lsu, secretariat_user, status):
    meeting = MeetingFactory(body=lsu)
    MinutesFactory(meeting=meeting, status=status)
    with pytest.raises(MinutesLocked):
        cancel_meeting(meeting, reason="For sent", user=secretariat_user)
    client.force_login(secretariat_user)
    response = client.post(
        reverse("meetings:meeting_cancel", args=[meeting.pk]), {"reason": "For sent"}, follow=True
    )
    assert "låst" in response.content.decode()
    meeting.refresh_from_db()
    assert not meeting.is_cancelled
    # Neither the cancellation nor a new item is offered as a form to fill in for nothing.
    for name in ("meeting_cancel", "item_create"):
        page = client.get(reverse(f"meetings:{name}", args=[meeting.pk]), follow=True)
        assert page.redirect_chain == [(meeting.get_absolute_url(), 302)]
        assert "låst" in page.content.decode()


@pytest.mark.django_db
def test_a_meeting_is_cancelled_once(lsu, secretariat_user):
    meeting = MeetingFactory(body=lsu)
    cancel_meeting(meeting, reason="Første", user=secretariat_user)
    with pytest.raises(ValidationError):
        cancel_meeting(Meeting.objects.get(pk=meeting.pk), reason="Andre", user=secretariat_user)
    assert Meeting.objects.get(pk=meeting.pk).cancel_reason == "Første"
