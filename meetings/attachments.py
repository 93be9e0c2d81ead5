"""Adding and removing an item's attachments, until the meeting's minutes are approved.

The checks of the file itself are the portal's (helsefellesskap/uploads.py); this module adds
the meeting's own rule: once the minutes are approved, the attachments are part of the record.
"""

from django.db import transaction

from helsefellesskap import uploads

from .models import Attachment, Item, Meeting

ATTACHMENTS_LOCKED = (
    "Referatet fra møtet er godkjent, og vedleggene til sakene kan ikke lenger endres. "
    "Vedlegg kan legges til og fjernes fram til referatet er godkjent."
)


class AttachmentsLocked(Exception):
    """The meeting's minutes are approved: its attachments are part of the record."""

    def __init__(self):
        super().__init__(ATTACHMENTS_LOCKED)


def add_attachment(*, item: Item, uploaded_file, name: str) -> Attachment:
    """Saves a checked upload (see uploads.UploadForm) as an attachment of `item`."""
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=item.meeting_id)
        if meeting.minutes_locked:
            raise AttachmentsLocked
        return uploads.save_new(
            Attachment(item=item, name=name, size=uploaded_file.size), uploaded_file
        )


def remove_attachment(*, attachment: Attachment) -> None:
    """Deletes the attachment's row, and its file once the deletion is committed."""
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=attachment.item.meeting_id)
        if meeting.minutes_locked:
            raise AttachmentsLocked
        uploads.remove(attachment)
