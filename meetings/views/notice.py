"""Sending a meeting's notice by e-mail, after a page that lists the recipients, and the
notice with its agenda as a PDF."""

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.views.generic import DetailView, TemplateView

from helsefellesskap.mail import DELIVERY_ERRORS
from helsefellesskap.pages import ObjectPermissionRequiredMixin
from helsefellesskap.pdf import pdf_response

from .. import notice
from ..models import Meeting
from ..notice_document import notice_filename, notice_pdf
from .mixins import MeetingKeeperMixin


class NoticePdfView(ObjectPermissionRequiredMixin, DetailView):
    """The notice with its agenda as a tagged A4 PDF, shown in the browser; for everyone who
    may see the meeting. A draft ("Utkast – ikke sendt") until the notice is sent."""

    queryset = Meeting.objects.select_related("body")
    permission_required = "meetings.view_meeting"

    def get(self, request, *args, **kwargs):
        meeting = self.get_object()
        return pdf_response(notice_pdf(meeting, request=request), notice_filename(meeting))


class NoticeSendView(MeetingKeeperMixin, TemplateView):
    """Send the notice by e-mail to the body's members, after a page that lists them. A
    notice already sent is sent again only when the user confirms it knowing that: the page
    posts back when it was last sent, as it showed it (`sendt`)."""

    template_name = "meetings/notice_send.html"

    def get_context_data(self, **kwargs):
        meeting = self.meeting
        return super().get_context_data(
            meeting=meeting,
            item_count=meeting.items.count(),
            recipients=notice.notice_recipients(meeting),
            subject=notice.notice_subject(meeting),
            sent_marker=notice.sent_marker(meeting),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        try:
            sent = notice.send_notice_as_seen(
                meeting=self.meeting, seen_marker=request.POST.get("sendt", ""), user=request.user
            )
        except notice.NoticeSentMeanwhile as meanwhile:
            # Sent (again) since the page was shown: ask once more rather than twice.
            self.meeting.notice_sent_at = meanwhile.sent_at
            return self.refused(
                messages.WARNING,
                "Innkallingen ble sendt av noen andre mens du så på siden. "
                "Se over før du sender på nytt.",
                status=409,
            )
        except notice.NoticeError as error:
            return self.refused(messages.ERROR, str(error), status=422)
        except notice.NoticeDeliveryError as error:
            text = f"{error} Prøv igjen senere for dem som mangler."
            return self.refused(messages.ERROR, text, status=502)
        except DELIVERY_ERRORS as error:
            text = (
                f"Innkallingen kunne ikke sendes ({error}). Prøv igjen senere, eller kontakt "
                "den som drifter portalen."
            )
            return self.refused(messages.ERROR, text, status=502)
        messages.success(request, self.sent_text(sent))
        return HttpResponseRedirect(self.meeting.get_absolute_url())

    def sent_text(self, sent: int) -> str:
        skipped = len(notice.notice_recipients(self.meeting).without_email)
        text = f"Innkallingen er sendt til {sent} {'mottaker' if sent == 1 else 'mottakere'}."
        if skipped:
            text += (
                f" {skipped} {'medlem' if skipped == 1 else 'medlemmer'} uten e-postadresse "
                "fikk den ikke."
            )
        return text

    def refused(self, level: int, text: str, *, status: int):
        messages.add_message(self.request, level, text)
        return self.render_to_response(self.get_context_data(), status=status)
