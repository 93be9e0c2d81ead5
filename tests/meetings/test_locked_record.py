"""Once a meeting's minutes are approved, its record holds on every path: the models refuse
changes and deletions (also cascades and queryset deletes), the admin shows the record
read-only, and the pages refuse; only the correction steps of minutes.py change it."""

import datetime

import pytest
from django.db import transaction
from django.urls import reverse

from meetings import minutes
from meetings.models import (
    Attachment,
    Attendance,
    FollowUp,
    Item,
    Meeting,
    Minutes,
    RecordLocked,
)
from tests.factories import PersonFactory
from tests.meetings.factories import (
    AttachmentFactory,
    AttendanceFactory,
    FollowUpFactory,
    ItemFactory,
    MeetingFactory,
    MinutesFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def record(lsu, settings, tmp_path):
    """A meeting of the LSU with an item, an attachment, a guest and a follow-up, whose
    minutes are approved (then `record.minutes` may be published by the test)."""
    settings.PORTAL_ATTACHMENT_ROOT = str(tmp_path)
    meeting = MeetingFactory(body=lsu, title="LSU-møte")
    item = ItemFactory(meeting=meeting, decision="Opprinnelig vedtak", minutes_text="Referat")
    AttachmentFactory(item=item)
    AttendanceFactory(meeting=meeting, person=PersonFactory(), status=Attendance.Status.GUEST)
    FollowUpFactory(item=item)
    minutes.approve_minutes(
        minutes.minutes_of(meeting),
        at_meeting=None,
        in_item=None,
        on=datetime.date(2025, 12, 2),
        user=None,
    )
    return meeting


def published(meeting: Meeting) -> Minutes:
    return minutes.publish_minutes(Minutes.objects.get(meeting=meeting), user=None)


def counts(meeting: Meeting) -> tuple:
    return (
        Meeting.objects.filter(pk=meeting.pk).count(),
        Item.objects.filter(meeting=meeting).count(),
        Attachment.objects.filter(item__meeting=meeting).count(),
        Attendance.objects.filter(meeting=meeting).count(),
        FollowUp.objects.filter(item__meeting=meeting).count(),
        Minutes.objects.filter(meeting=meeting).count(),
    )


# --- The models ---


def test_the_models_refuse_to_change_a_locked_record(record):
    item = Item.objects.get(meeting=record)
    item.decision = "Endret i skallet"
    with pytest.raises(RecordLocked):
        item.save()
    with pytest.raises(RecordLocked):
        Item(meeting=record, body=record.body, year=2025, number=99, title="Ny").save()
    meeting = Meeting.objects.get(pk=record.pk)
    meeting.title = "Nytt navn"
    with pytest.raises(RecordLocked):
        meeting.save()
    attendance = Attendance.objects.get(meeting=record)
    attendance.note = "Endret"
    with pytest.raises(RecordLocked):
        attendance.save()
    attachment = Attachment.objects.get(item__meeting=record)
    attachment.name = "Annet.pdf"
    with pytest.raises(RecordLocked):
        attachment.save()
    assert Item.objects.get(meeting=record).decision == "Opprinnelig vedtak"
    assert Meeting.objects.get(pk=record.pk).title == "LSU-møte"


def test_a_follow_ups_progress_is_still_kept(record):
    follow_up = FollowUp.objects.get(item__meeting=record)
    follow_up.status = FollowUp.Status.DONE
    follow_up.save()
    assert FollowUp.objects.get(pk=follow_up.pk).status == FollowUp.Status.DONE


@pytest.mark.parametrize(
    "delete",
    [
        lambda meeting: Meeting.objects.get(pk=meeting.pk).delete(),
        lambda meeting: Meeting.objects.filter(pk=meeting.pk).delete(),
        lambda meeting: Item.objects.filter(meeting=meeting).delete(),
        lambda meeting: Item.objects.get(meeting=meeting).delete(),
        lambda meeting: Attachment.objects.filter(item__meeting=meeting).delete(),
        lambda meeting: Attendance.objects.filter(meeting=meeting).delete(),
        lambda meeting: FollowUp.objects.filter(item__meeting=meeting).delete(),
        lambda meeting: Minutes.objects.get(meeting=meeting).delete(),
        lambda meeting: Minutes.objects.filter(meeting=meeting).delete(),
    ],
    ids=[
        "meeting",
        "meeting-queryset",
        "items",
        "item",
        "attachments",
        "attendance",
        "follow-ups",
        "minutes",
        "minutes-queryset",
    ],
)
@pytest.mark.parametrize("publish", [False, True], ids=["approved", "published"])
def test_nothing_of_a_locked_record_can_be_deleted(record, delete, publish):
    if publish:
        published(record)
    before = counts(record)
    # A savepoint: a queryset's delete runs in the test's transaction, which it spoils.
    with pytest.raises(RecordLocked), transaction.atomic():
        delete(record)
    assert counts(record) == before == (1, 1, 1, 1, 1, 1)


def test_approved_or_published_minutes_never_go_back(record):
    record_minutes = Minutes.objects.get(meeting=record)
    record_minutes.status = Minutes.Status.DRAFT
    with pytest.raises(RecordLocked):
        record_minutes.save()
    published(record)
    for status in (Minutes.Status.DRAFT, Minutes.Status.APPROVED):
        record_minutes = Minutes.objects.get(meeting=record)
        record_minutes.status = status
        with pytest.raises(RecordLocked, match="publisert og kan ikke settes tilbake"):
            record_minutes.save()
    record_minutes = Minutes.objects.get(meeting=record)
    record_minutes.introduction = "Endret"
    with pytest.raises(RecordLocked):
        record_minutes.save()
    assert Minutes.objects.get(meeting=record).status == Minutes.Status.PUBLISHED


def test_the_correction_step_still_corrects(record):
    published(record)
    item = Item.objects.get(meeting=record)
    minutes.correct_item_minutes(
        item, minutes_text="Referat", decision="Rettet vedtak", reason="Skrivefeil", user=None
    )
    assert Item.objects.get(pk=item.pk).decision == "Rettet vedtak"


def test_a_draft_record_can_still_be_changed_and_deleted(lsu):
    meeting = MeetingFactory(body=lsu)
    item = ItemFactory(meeting=meeting)
    MinutesFactory(meeting=meeting)
    item.title = "Endret"
    item.save()
    meeting.delete()
    assert not Item.objects.filter(pk=item.pk).exists()


# --- The admin ---


def admin_url(obj, action="change") -> str:
    return reverse(f"admin:meetings_{obj._meta.model_name}_{action}", args=[obj.pk])


def test_the_admin_shows_a_locked_record_read_only(client, secretariat_user, record):
    published(record)
    client.force_login(secretariat_user)
    item = Item.objects.get(meeting=record)
    page = client.get(admin_url(item))
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    response = client.post(
        admin_url(item),
        {
            "meeting": record.pk,
            "position": 1,
            "kind": item.kind,
            "title": item.title,
            "decision": "Endret i admin",
        },
    )
    assert response.status_code == 403
    assert Item.objects.get(pk=item.pk).decision == "Opprinnelig vedtak"

    record_minutes = Minutes.objects.get(meeting=record)
    response = client.post(
        admin_url(record_minutes), {"meeting": record.pk, "status": Minutes.Status.DRAFT}
    )
    assert response.status_code == 403
    assert Minutes.objects.get(meeting=record).status == Minutes.Status.PUBLISHED

    meeting_page = client.get(admin_url(record)).content.decode()
    assert 'name="_save"' not in meeting_page
    assert admin_url(record, "delete") not in meeting_page


@pytest.mark.parametrize(
    "target",
    [
        lambda meeting: meeting,
        lambda meeting: Item.objects.get(meeting=meeting),
        lambda meeting: Attachment.objects.get(item__meeting=meeting),
        lambda meeting: Attendance.objects.get(meeting=meeting),
        lambda meeting: FollowUp.objects.get(item__meeting=meeting),
        lambda meeting: Minutes.objects.get(meeting=meeting),
    ],
    ids=["meeting", "item", "attachment", "attendance", "follow-up", "minutes"],
)
def test_the_admin_deletes_nothing_of_a_locked_record(client, secretariat_user, record, target):
    obj = target(record)
    client.force_login(secretariat_user)
    before = counts(record)
    response = client.post(admin_url(obj, "delete"), {"post": "yes"})
    assert response.status_code == 403
    changelist = reverse(f"admin:meetings_{obj._meta.model_name}_changelist")
    response = client.post(
        changelist, {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"}
    )
    assert response.status_code in (200, 302, 403)
    assert counts(record) == before == (1, 1, 1, 1, 1, 1)


def test_the_admin_still_deletes_a_meeting_with_draft_minutes(client, secretariat_user, lsu):
    meeting = MeetingFactory(body=lsu)
    ItemFactory(meeting=meeting)
    MinutesFactory(meeting=meeting)
    client.force_login(secretariat_user)
    response = client.post(admin_url(meeting, "delete"), {"post": "yes"})
    assert response.status_code == 302
    assert not Meeting.objects.filter(pk=meeting.pk).exists()


# --- The pages ---


def test_the_pages_refuse_to_change_a_locked_item(client, secretariat_user, record):
    item = Item.objects.get(meeting=record)
    client.force_login(secretariat_user)
    response = client.post(
        reverse("meetings:item_edit", args=[item.pk]),
        {"kind": item.kind, "title": "Endret på siden", "change_reason": "Forsøk"},
    )
    assert response.status_code in (302, 403, 409, 422)
    assert Item.objects.get(pk=item.pk).title == item.title
    response = client.post(
        reverse("meetings:item_minutes", args=[item.pk]),
        {"minutes_text": "", "decision": "Uten begrunnelse"},
    )
    assert response.status_code == 422
    assert Item.objects.get(pk=item.pk).decision == "Opprinnelig vedtak"
