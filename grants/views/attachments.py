"""Attachments to an application: added and removed by whoever may change the draft, until it
is sent in; read by whoever sees the application. The checks and the storage are
helsefellesskap.uploads'."""

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils.functional import cached_property
from django.views.generic import FormView, TemplateView

from helsefellesskap import uploads
from helsefellesskap.files import PrivateFileDownloadView
from helsefellesskap.pages import UnprocessableFormMixin
from helsefellesskap.uploads import UploadForm

from .. import workflow
from ..models import Application, ApplicationAttachment
from .mixins import DraftOnlyMixin


class ApplicationAttachmentUploadView(DraftOnlyMixin, UnprocessableFormMixin, FormView):
    template_name = "grants/application_attachment_upload.html"
    form_class = UploadForm
    submitted_message = workflow.ATTACHMENTS_LOCKED

    def get_context_data(self, **kwargs):
        application = self.application
        return super().get_context_data(
            application=application,
            page_title=f"Nytt vedlegg til søknaden «{application.title}»",
            cancel_url=f"{application.get_absolute_url()}#vedlegg",
            **kwargs,
        )

    def form_valid(self, form):
        application = self.application
        try:
            attachment = workflow.add_attachment(
                application,
                uploaded=form.cleaned_data["file"],
                name=form.cleaned_data["kept_name"],
                user=self.request.user,
            )
        except workflow.WorkflowError as error:
            messages.error(self.request, str(error))
            return HttpResponseRedirect(application.get_absolute_url())
        messages.success(self.request, f"Lastet opp: «{attachment.name}».")
        return HttpResponseRedirect(f"{application.get_absolute_url()}#vedlegg")


class ApplicationAttachmentMixin:
    @cached_property
    def attachment(self) -> ApplicationAttachment:
        """The attachment if the user sees its application; else 404."""
        visible = Application.objects.visible_to(self.request.user)
        return get_object_or_404(
            ApplicationAttachment.objects.select_related("application__round").filter(
                application__in=visible
            ),
            pk=self.kwargs["pk"],
        )


class ApplicationAttachmentDownloadView(ApplicationAttachmentMixin, PrivateFileDownloadView):
    """The only way to an application's attachment: for whoever sees the application."""

    def get_document(self):
        return self.attachment


class ApplicationAttachmentDeleteView(ApplicationAttachmentMixin, DraftOnlyMixin, TemplateView):
    """Remove an attachment from the draft (its row, and its file once committed)."""

    template_name = "grants/application_attachment_confirm_delete.html"
    submitted_message = workflow.ATTACHMENTS_LOCKED

    def get_application(self) -> Application:
        return self.attachment.application

    def get_context_data(self, **kwargs):
        application = self.attachment.application
        return super().get_context_data(
            attachment=self.attachment,
            application=application,
            cancel_url=f"{application.get_absolute_url()}#vedlegg",
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        application = self.attachment.application
        name = self.attachment.name
        uploads.remove(self.attachment)
        messages.success(request, f"Fjernet vedlegget «{name}».")
        return HttpResponseRedirect(f"{application.get_absolute_url()}#vedlegg")
