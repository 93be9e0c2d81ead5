"""Everyone's attendance at a meeting, recorded on one page."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.views.generic import FormView

from helsefellesskap.pages import UnprocessableFormMixin

from ..attendance import record_attendance
from ..forms import AttendanceForm
from ..minutes import MinutesLocked
from .mixins import MeetingKeeperMixin


class AttendanceView(MeetingKeeperMixin, UnprocessableFormMixin, FormView):
    """Record everyone's attendance on one page: invited members, deputies, other participants."""

    form_class = AttendanceForm
    template_name = "meetings/attendance.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "meeting": self.meeting}

    def get_context_data(self, **kwargs):
        return super().get_context_data(meeting=self.meeting, **kwargs)

    def form_valid(self, form):
        try:
            record_attendance(self.meeting, form.rows(), user=self.request.user)
        except MinutesLocked as error:
            return self.locked_response(error)
        except ValidationError as error:
            form.add_row_errors(error.message_dict)
            return self.form_invalid(form)
        messages.success(self.request, "Oppmøtet er lagret.")
        return HttpResponseRedirect(f"{self.meeting.get_absolute_url()}#deltakere")
