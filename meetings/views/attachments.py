"""An item's attachments: upload, download (after the access check) and removal."""

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.views.generic import FormView, TemplateView

from helsefellesskap.files import PrivateFileDownloadView
from helsefellesskap.pages import UnprocessableFormMixin
from helsefellesskap.uploads import UploadForm

from .. import attachments
from ..models import Attachment, Meeting
from .mixins import ItemMixin, MeetingPartMixin


class AttachmentMixin(MeetingPartMixin):
    """Pages of one attachment (URL kwarg `pk`) and its item's meeting."""

    part_queryset = Attachment.objects.select_related("item__meeting__body")

    @property
    def attachment(self) -> Attachment:
        return self.part

    def meeting_of(self, part: Attachment) -> Meeting:
        return part.item.meeting


class OpenAttachmentsMixin:
    """Pages that change attachments: once the minutes are approved, after the permission
    check, they send the user back to the meeting with the reason."""

    def dispatch(self, request, *args, **kwargs):
        if request.method in ("GET", "HEAD", "POST") and self.meeting.minutes_locked:
            return self.locked_response(attachments.ATTACHMENTS_LOCKED)
        return super().dispatch(request, *args, **kwargs)


class AttachmentUploadView(ItemMixin, OpenAttachmentsMixin, UnprocessableFormMixin, FormView):
    """Upload an attachment to an item, until the meeting's minutes are approved."""

    form_class = UploadForm
    template_name = "meetings/attachment_upload.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            item=self.item,
            meeting=self.meeting,
            page_title=f"Nytt vedlegg til sak {self.item.label}",
            cancel_url=self.item.get_absolute_url(),
            **kwargs,
        )

    def form_valid(self, form):
        try:
            attachment = attachments.add_attachment(
                item=self.item,
                uploaded_file=form.cleaned_data["file"],
                name=form.cleaned_data["kept_name"],
            )
        except attachments.AttachmentsLocked as locked:
            return self.locked_response(str(locked))
        messages.success(
            self.request, f"Lastet opp: «{attachment.name}» til sak {self.item.label}."
        )
        return HttpResponseRedirect(self.item.get_absolute_url())


class AttachmentDownloadView(AttachmentMixin, PrivateFileDownloadView):
    """The only way to an attachment's file: after the access check, as a download."""

    permission_required = "meetings.view_meeting"
    missing_message = "Vedlegget er bare nevnt i referatet; filen finnes ikke i portalen."

    def get_document(self):
        return self.attachment


class AttachmentDeleteView(AttachmentMixin, OpenAttachmentsMixin, TemplateView):
    """Remove an attachment (its file and row) after a confirmation."""

    template_name = "meetings/attachment_confirm_delete.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            attachment=self.attachment,
            item=self.attachment.item,
            meeting=self.meeting,
            cancel_url=self.attachment.item.get_absolute_url(),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        item = self.attachment.item
        try:
            attachments.remove_attachment(attachment=self.attachment)
        except attachments.AttachmentsLocked as locked:
            return self.locked_response(str(locked))
        messages.success(request, f"Fjernet vedlegget «{self.attachment.name}».")
        return HttpResponseRedirect(item.get_absolute_url())
