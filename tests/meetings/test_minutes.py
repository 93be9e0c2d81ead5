"""The secretariat puts items on the agenda, records attendance, writes the minutes; the body
approves them, they are published, and after that only explicit corrections are possible."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from helsefellesskap.models import Membership
from meetings import minutes
from meetings.attendance import AttendanceRow, record_attendance
from meetings.models import Attendance, Item, MembershipAnnouncement, Minutes
from tests.factories import BodyFactory, MembershipFactory, PersonFactory, UserFactory
from tests.meetings.factories import OSLO, ItemFactory, MeetingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(lsu):
    return MeetingFactory(body=lsu)


@pytest.fixture
def next_meeting(meeting):
    return MeetingFactory(
        body=meeting.body, starts_at=datetime.datetime(2025, 12, 2, 9, tzinfo=OSLO)
    )


def test_an_item_added_to_the_agenda_gets_the_bodys_next_number(client, secretariat_user, meeting):
    ItemFactory(meeting=meeting)  # 1/25
    client.force_login(secretariat_user)
    response = client.post(
        reverse("meetings:item_create", args=[meeting.pk]),
        {"kind": "vedtak", "title": "Godkjenning av møteinnkalling og dagsorden"},
    )
    item = Item.objects.get(title="Godkjenning av møteinnkalling og dagsorden")
    assert item.label == "2/25"
    assert response["Location"] == f"{meeting.get_absolute_url()}#sak-{item.pk}"
    assert item.history.first().history_user == secretariat_user


def test_the_meeting_page_shows_agenda_minutes_and_attendance(client, reader_user, meeting):
    item = ItemFactory(meeting=meeting, title="Status i Helsefellesskap Oslo", purpose="Innsikt")
    item.decision = "Partnerne tilslutter seg innsatsområdene."
    item.save()
    Minutes.objects.create(meeting=meeting, status=Minutes.Status.PUBLISHED)
    client.force_login(reader_user)
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert "1/25" in html and "Status i Helsefellesskap Oslo" in html
    assert "<strong>Hensikt:</strong> Innsikt" in html
    assert "Partnerne tilslutter seg innsatsområdene." in html


def test_draft_minutes_are_hidden_from_readers_outside_the_body(
    client, reader_user, member_user, meeting
):
    ItemFactory(meeting=meeting, decision="Hemmelig utkast til vedtak")
    client.force_login(reader_user)
    assert "Hemmelig utkast" not in client.get(meeting.get_absolute_url()).content.decode()
    client.force_login(member_user)
    assert "Hemmelig utkast" in client.get(meeting.get_absolute_url()).content.decode()


def test_the_meeting_page_takes_the_same_queries_whatever_its_size(
    client, secretariat_user, meeting
):
    def add_items(count):
        for _ in range(count):
            ItemFactory(meeting=meeting).follow_ups.create(title="Følg opp", responsible_text="AU")
            Attendance.objects.create(
                meeting=meeting, person=PersonFactory(), status=Attendance.Status.GUEST
            )

    def queries_of_the_page():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(meeting.get_absolute_url()).status_code == 200
        return len(captured)

    client.force_login(secretariat_user)
    add_items(2)
    client.get(meeting.get_absolute_url())
    with_two = queries_of_the_page()
    add_items(18)
    assert queries_of_the_page() == with_two


def test_attendance_records_members_deputies_and_guests_at_once(secretariat_user, meeting):
    member = MembershipFactory(body=meeting.body).person
    deputy = MembershipFactory(body=meeting.body, role=Membership.Role.DEPUTY).person
    guest = PersonFactory(name="Kirsten Sæther")
    record_attendance(
        meeting,
        [
            AttendanceRow(member.pk, Attendance.Status.ABSENT),
            AttendanceRow(deputy.pk, Attendance.Status.DEPUTY, deputy_for_id=member.pk),
            AttendanceRow(guest.pk, Attendance.Status.OBSERVER, note="Sunnaas sykehus"),
        ],
        user=secretariat_user,
    )
    stored = {a.person: a for a in meeting.attendances.all()}
    assert stored[deputy].deputy_for == member
    assert stored[guest].get_status_display() == "Observatør"


def test_someone_not_invited_cannot_be_recorded_as_a_member(secretariat_user, meeting):
    member = MembershipFactory(body=meeting.body).person
    outsider = PersonFactory()
    with pytest.raises(ValidationError) as refused:
        record_attendance(
            meeting,
            [
                AttendanceRow(member.pk, Attendance.Status.PRESENT),
                AttendanceRow(outsider.pk, Attendance.Status.PRESENT),
            ],
            user=secretariat_user,
        )
    assert "ikke medlem" in str(refused.value.message_dict[outsider.pk])
    assert not meeting.attendances.exists()  # the good row was not written either


def test_the_attendance_page_shows_the_error_on_the_row(client, secretariat_user, meeting):
    member = MembershipFactory(body=meeting.body).person
    client.force_login(secretariat_user)
    url = reverse("meetings:attendance", args=[meeting.pk])
    page = client.get(url).content.decode()
    assert member.name in page
    response = client.post(url, {f"status_{member.pk}": "vara"})  # deputy for no one
    assert response.status_code == 422
    assert "Velg medlemmet varaen møtte for" in response.content.decode()
    assert not meeting.attendances.exists()


def test_a_note_on_a_guest_row_without_a_person_is_refused_not_dropped(
    client, secretariat_user, meeting
):
    member = MembershipFactory(body=meeting.body).person
    client.force_login(secretariat_user)
    url = reverse("meetings:attendance", args=[meeting.pk])
    response = client.post(
        url, {f"status_{member.pk}": "tilstede", "guest_note_0": "Innledet sak 2/26"}
    )
    assert response.status_code == 422
    assert "Velg personen merknaden gjelder, eller fjern merknaden." in response.content.decode()
    assert not meeting.attendances.exists()


def test_a_keeper_who_cannot_edit_the_register_is_told_to_ask_the_secretariat(
    client, leader_user, secretariat_user, meeting
):
    """Only the secretariat adds memberships: the LSU's leader announcing a change is not told
    to enter it on the body's page themselves."""
    url = reverse("meetings:announcement_create", args=[ItemFactory(meeting=meeting).pk])
    client.force_login(leader_user)
    html = client.get(url).content.decode()
    assert "Be sekretariatet legge inn endringen i registeret først" in html
    assert "Legg først inn endringen i registeret" not in html
    client.force_login(secretariat_user)
    assert "Legg først inn endringen i registeret" in client.get(url).content.decode()


def test_minutes_go_from_draft_to_approved_to_published(
    client, secretariat_user, meeting, next_meeting
):
    item = ItemFactory(meeting=meeting)
    approval_item = ItemFactory(meeting=next_meeting, title="Godkjenning av referat")
    client.force_login(secretariat_user)
    client.post(
        reverse("meetings:item_minutes", args=[item.pk]),
        {"minutes_text": "Drøftet.", "decision": "Tatt til orientering."},
    )
    url = reverse("meetings:minutes", args=[meeting.pk])
    client.post(
        url,
        {
            "handling": "godkjenn",
            "at_meeting": next_meeting.pk,
            "in_item": approval_item.pk,
            "on": "2025-12-02",
        },
    )
    record = Minutes.objects.get(meeting=meeting)
    assert record.status == Minutes.Status.APPROVED
    assert (record.approved_at_meeting, record.approved_in_item) == (next_meeting, approval_item)
    client.post(url, {"handling": "publiser"})
    assert Minutes.objects.get(meeting=meeting).status == Minutes.Status.PUBLISHED


def test_approved_minutes_are_locked_and_corrections_need_a_reason(
    client, secretariat_user, reader_user, meeting
):
    item = ItemFactory(meeting=meeting, decision="Opprinnelig vedtak")
    minutes.approve_minutes(
        minutes.minutes_of(meeting),
        at_meeting=None,
        in_item=None,
        on=datetime.date(2025, 12, 2),
        user=secretariat_user,
    )
    with pytest.raises(minutes.MinutesLocked):
        minutes.write_item_minutes(item, minutes_text="", decision="Endret", user=secretariat_user)
    with pytest.raises(minutes.MinutesLocked):
        minutes.add_item(Item(meeting=meeting, title="For sent"), user=secretariat_user)

    client.force_login(secretariat_user)
    url = reverse("meetings:item_minutes", args=[item.pk])
    response = client.post(url, {"minutes_text": "", "decision": "Rettet vedtak"})
    assert response.status_code == 422
    assert Item.objects.get(pk=item.pk).decision == "Opprinnelig vedtak"
    client.post(
        url, {"minutes_text": "", "decision": "Rettet vedtak", "reason": "Skrivefeil i beløp"}
    )
    item = Item.objects.get(pk=item.pk)
    assert item.decision == "Rettet vedtak"
    assert "Skrivefeil i beløp" in item.history.first().history_change_reason
    # Readers, who do not see the history, see on the meeting's page that and why it was
    # corrected after the approval.
    correction = item.corrections.get()
    assert (correction.made_by, correction.reason) == (secretariat_user, "Skrivefeil i beløp")
    minutes.publish_minutes(minutes.minutes_of(meeting), user=secretariat_user)
    client.force_login(reader_user)
    page = client.get(meeting.get_absolute_url()).content.decode()
    corrected_on = f"{timezone.localdate():%-d.%-m.%Y}"
    assert (
        f"<strong>Rettet {corrected_on}</strong> etter at referatet ble godkjent. "
        "Begrunnelse: Skrivefeil i beløp" in page
    )


@pytest.mark.parametrize(
    "data, message",
    [
        ({"on": "2025-10-01"}, "før møtet ble holdt"),
        ({"on": "tull"}, "Oppgi en gyldig dato"),
    ],
)
def test_bad_approvals_are_refused_with_a_message(client, secretariat_user, meeting, data, message):
    client.force_login(secretariat_user)
    response = client.post(
        reverse("meetings:minutes", args=[meeting.pk]), {"handling": "godkjenn", **data}
    )
    assert response.status_code == 422
    assert message in response.content.decode()
    assert Minutes.objects.get(meeting=meeting).status == Minutes.Status.DRAFT


def test_an_approval_of_minutes_someone_just_approved_says_so(client, secretariat_user, meeting):
    client.force_login(secretariat_user)
    url = reverse("meetings:minutes", args=[meeting.pk])
    page = client.get(url)  # both open the page while the minutes are a draft
    assert "Godkjenn referatet" in page.content.decode()
    approval = {"handling": "godkjenn", "on": datetime.date.today().isoformat()}
    client.post(url, approval)

    response = client.post(url, approval, follow=True)

    assert response.redirect_chain == [(url, 302)]
    assert "Referatet er allerede godkjent." in response.content.decode()
    assert Minutes.objects.get(meeting=meeting).status == Minutes.Status.APPROVED


def test_the_bodys_leader_records_the_approval_but_members_cannot(
    client, member_user, leader_user, meeting
):
    url = reverse("meetings:minutes", args=[meeting.pk])
    client.force_login(member_user)
    assert client.get(url).status_code == 403
    assert client.post(url, {"handling": "godkjenn", "on": "2025-12-02"}).status_code == 403
    client.force_login(leader_user)
    client.post(url, {"handling": "godkjenn", "on": "2025-12-02"})
    assert Minutes.objects.get(meeting=meeting).status == Minutes.Status.APPROVED


def test_a_membership_change_announced_in_an_item_names_it_as_source(
    client, secretariat_user, meeting
):
    item = ItemFactory(meeting=meeting, number=3, year=2025)
    leader = MembershipFactory(body=meeting.body, role=Membership.Role.LEADER)
    client.force_login(secretariat_user)
    client.post(
        reverse("meetings:announcement_create", args=[item.pk]),
        {"membership": leader.pk, "text": "Bovild Tjønn overtar som leder for SSU."},
    )
    assert MembershipAnnouncement.objects.get(item=item).membership == leader
    assert "sak 3/25" in Membership.objects.get(pk=leader.pk).source


def test_a_reader_cannot_keep_meetings(client, reader_user, meeting):
    client.force_login(reader_user)
    assert client.get(reverse("meetings:item_create", args=[meeting.pk])).status_code == 403
    UserFactory(username="x")
    assert client.post(reverse("meetings:attendance", args=[meeting.pk])).status_code == 403


@pytest.fixture
def approved(secretariat_user, meeting):
    record = minutes.minutes_of(meeting)
    return minutes.approve_minutes(
        record, at_meeting=None, in_item=None, on=datetime.date(2025, 12, 2), user=secretariat_user
    )


def test_once_approved_the_meeting_its_attendance_and_announcements_are_fixed(
    client, secretariat_user, meeting, approved
):
    member = MembershipFactory(body=meeting.body).person
    with pytest.raises(minutes.MinutesLocked):
        record_attendance(
            meeting, [AttendanceRow(member.pk, Attendance.Status.PRESENT)], user=secretariat_user
        )
    client.force_login(secretariat_user)
    edit = client.get(reverse("meetings:meeting_edit", args=[meeting.pk]))
    assert edit.status_code == 302 and edit["Location"] == meeting.get_absolute_url()
    response = client.post(
        reverse("meetings:attendance", args=[meeting.pk]), {f"status_{member.pk}": "tilstede"}
    )
    assert response.status_code == 302
    assert not meeting.attendances.exists()
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert reverse("meetings:item_create", args=[meeting.pk]) not in html


def test_announcing_the_same_change_twice_is_refused_with_a_message(
    client, secretariat_user, meeting
):
    item = ItemFactory(meeting=meeting)
    leader = MembershipFactory(body=meeting.body, role=Membership.Role.LEADER)
    client.force_login(secretariat_user)
    url = reverse("meetings:announcement_create", args=[item.pk])
    data = {"membership": leader.pk, "text": "Ny leder."}
    client.post(url, data)
    response = client.post(url, data)
    assert response.status_code == 422
    assert "allerede registrert" in response.content.decode()
    assert MembershipAnnouncement.objects.filter(item=item).count() == 1


def test_a_deputy_cannot_stand_in_for_themselves(secretariat_user, meeting):
    deputy = MembershipFactory(body=meeting.body, role=Membership.Role.DEPUTY).person
    with pytest.raises(ValidationError) as refused:
        record_attendance(
            meeting,
            [AttendanceRow(deputy.pk, Attendance.Status.DEPUTY, deputy_for_id=deputy.pk)],
            user=secretariat_user,
        )
    assert "for seg selv" in str(refused.value.message_dict[deputy.pk])


def test_an_approval_date_in_the_future_is_refused(secretariat_user, meeting):
    with pytest.raises(ValidationError, match="fram i tid"):
        minutes.approve_minutes(
            minutes.minutes_of(meeting),
            at_meeting=None,
            in_item=None,
            on=datetime.date(2099, 1, 1),
            user=secretariat_user,
        )


def test_the_leader_finds_the_minutes_and_the_agenda_from_the_meeting(
    client, leader_user, member_user, meeting
):
    client.force_login(leader_user)
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert reverse("meetings:minutes", args=[meeting.pk]) in html
    assert reverse("meetings:item_create", args=[meeting.pk]) in html
    client.force_login(member_user)
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert reverse("meetings:item_create", args=[meeting.pk]) not in html


def test_a_meeting_with_items_keeps_its_body_and_year(client, secretariat_user, meeting):
    ItemFactory(meeting=meeting)
    other = BodyFactory()
    client.force_login(secretariat_user)
    response = client.post(
        reverse("meetings:meeting_edit", args=[meeting.pk]),
        {
            "body": other.pk,
            "starts_at": "2026-01-13T09:00",
            "ends_at": "2026-01-13T11:00",
        },
    )
    assert response.status_code == 200
    assert "kan ikke flyttes til et annet år" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.body != other and meeting.date.year == 2025
