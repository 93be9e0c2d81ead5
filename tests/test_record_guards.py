"""The record's guards hold on every path, and only `guards_lifted()` (used by the synthetic
data's removal) passes them."""

import pytest
from django.db import transaction

from grants.models import Application, DecidedApplicationLocked
from helsefellesskap.records import guards_are_lifted, guards_lifted
from meetings.models import Meeting, Minutes, RecordLocked
from tests.grants.factories import ApplicationFactory
from tests.meetings.factories import ItemFactory, MinutesFactory

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
