"""The record's guards hold on every path, and only `guards_lifted()` (used by the synthetic
data's removal) passes them."""

from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone

from grants.models import Application, BudgetLine, DecidedApplicationLocked
from helsefellesskap.records import guards_are_lifted, guards_lifted
from meetings.models import Attachment, Attendance, Item, Meeting, Minutes, RecordLocked
from tests.factories import PersonFactory
from tests.grants.factories import ApplicationFactory
from tests.meetings.factories import (
    AttachmentFactory,
    AttendanceFactory,
    ItemFactory,
    MinutesFactory,
)

pytestmark = pytest.mark.django_db


def test_decided_applications_and_approved_minutes_refuse_deletion_until_lifted():
    granted = ApplicationFactory(state=Application.State.GRANTED)
    item = ItemFactory()
    MinutesFactory(meeting=item.meeting, status=Minutes.Status.APPROVED)

    # Each refusal inside its own savepoint, as a page's request would roll back.
    with pytest.raises(DecidedApplicationLocked), transaction.atomic():
        Application.objects.filter(pk=granted.pk).delete()
    with pytest.raises(RecordLocked), transaction.atomic():
        Meeting.objects.filter(pk=item.meeting_id).delete()
    assert not guards_are_lifted()

    with guards_lifted():
        assert guards_are_lifted()
        Application.objects.filter(pk=granted.pk).delete()
        Meeting.objects.filter(pk=item.meeting_id).delete()
    assert not guards_are_lifted()
    assert not Application.objects.filter(pk=granted.pk).exists()
    assert not Meeting.objects.filter(pk=item.meeting_id).exists()


# --- QuerySet.update(): one UPDATE, no signal; refused like save() on a locked record ---


@pytest.fixture
def approved_meeting(settings, tmp_path):
    """A meeting with an item, an attachment and a guest, whose minutes are approved."""
    settings.PORTAL_ATTACHMENT_ROOT = str(tmp_path)
    item = ItemFactory(decision="Opprinnelig vedtak")
    AttachmentFactory(item=item, name="saksframlegg.pdf")
    AttendanceFactory(meeting=item.meeting, person=PersonFactory(), status="gjest")
    MinutesFactory(meeting=item.meeting, status=Minutes.Status.APPROVED)
    return item.meeting


def refused(update, exception=RecordLocked) -> None:
    with pytest.raises(exception), transaction.atomic():
        update()


def test_updates_of_an_approved_meeting_record_are_refused(approved_meeting):
    meeting = approved_meeting
    refused(lambda: Meeting.objects.filter(pk=meeting.pk).update(title="Omskrevet"))
    refused(lambda: Item.objects.filter(meeting=meeting).update(decision="Omskrevet vedtak"))
    refused(lambda: meeting.items.update(decision="Omskrevet vedtak"))
    refused(lambda: Attachment.objects.filter(item__meeting=meeting).update(name="annet.pdf"))
    refused(lambda: Attendance.objects.filter(meeting=meeting).update(status="forfall"))
    refused(lambda: Minutes.objects.filter(meeting=meeting).update(status=Minutes.Status.DRAFT))
    # bulk_update() writes through update() too.
    item = meeting.items.get()
    item.decision = "Omskrevet vedtak"
    refused(lambda: Item.objects.bulk_update([item], ["decision"]))

    assert Item.objects.get(pk=item.pk).decision == "Opprinnelig vedtak"
    assert Minutes.objects.get(meeting=meeting).status == Minutes.Status.APPROVED
    assert Attachment.objects.get(item__meeting=meeting).name == "saksframlegg.pdf"


def test_an_update_cannot_move_rows_into_an_approved_meeting_or_approve_minutes(approved_meeting):
    open_item = ItemFactory(title="Åpen sak")
    attachment = AttachmentFactory(item=open_item)
    locked_item = approved_meeting.items.get()

    refused(lambda: Item.objects.filter(pk=open_item.pk).update(meeting=approved_meeting))
    refused(lambda: Item.objects.filter(pk=open_item.pk).update(meeting_id=approved_meeting.pk))
    refused(lambda: Attachment.objects.filter(pk=attachment.pk).update(item=locked_item))
    draft = MinutesFactory(meeting=open_item.meeting)
    refused(lambda: Minutes.objects.filter(pk=draft.pk).update(status=Minutes.Status.APPROVED))

    assert Item.objects.get(pk=open_item.pk).meeting_id == open_item.meeting_id
    assert Minutes.objects.get(pk=draft.pk).status == Minutes.Status.DRAFT


def test_updates_outside_the_locked_record_still_work(approved_meeting):
    open_item = ItemFactory(title="Åpen sak")
    assert Item.objects.filter(pk=open_item.pk).update(title="Ny tittel") == 1
    # Stamping the sent notice is not a change of the record.
    now = timezone.now()
    assert Meeting.objects.filter(pk=approved_meeting.pk).update(notice_sent_at=now) == 1
    # The synthetic data's loader (scale_data) lifts the guards.
    with guards_lifted():
        assert approved_meeting.items.update(decision="Syntetisk") == 1


def test_updates_of_a_decided_application_and_its_parts_are_refused():
    granted = ApplicationFactory(state=Application.State.GRANTED, title="Innvilget prosjekt")
    draft = ApplicationFactory(title="Utkast")

    refused(
        lambda: Application.objects.filter(pk=granted.pk).update(amount_asked=1),
        DecidedApplicationLocked,
    )
    refused(
        lambda: BudgetLine.objects.filter(application=granted).update(amount=1),
        DecidedApplicationLocked,
    )
    # Moving a draft's budget line onto the decided application is a change of it too.
    refused(
        lambda: BudgetLine.objects.filter(application=draft).update(application=granted),
        DecidedApplicationLocked,
    )
    granted.refresh_from_db()
    assert granted.amount_asked == Decimal("1000000")
    assert BudgetLine.objects.filter(application=granted).get().amount == Decimal("1000000")

    assert Application.objects.filter(pk=draft.pk).update(title="Nytt utkast") == 1
    assert BudgetLine.objects.filter(application=draft).update(amount=5) == 1
