"""Forms of the meeting pages. Validation lives on the models; these add widgets and choices."""

from django import forms
from django.utils import timezone
from django.utils.functional import cached_property

from helsefellesskap.forms import ChangeReasonForm, DateInput, NorwegianForm, PersonChoiceField
from helsefellesskap.models import Membership, Person, today
from portfolio.models import Measure

from .attendance import AttendanceRow
from .models import (
    Activity,
    Attendance,
    FollowUp,
    Item,
    ItemPart,
    Meeting,
)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


class ReasonOnEditForm(ChangeReasonForm):
    """ "Begrunnelse for endringen" only where there is a change to explain: not on a new
    object, whose history starts with its creation."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            del self.fields["change_reason"]


class MeetingForm(ReasonOnEditForm):
    class Meta:
        model = Meeting
        fields = [
            "body",
            "title",
            "starts_at",
            "ends_at",
            "location",
            "theme",
            "participant_count",
            "addressed_to",
            "sender",
            "case_officer",
            "notice_text",
        ]
        widgets = {
            "starts_at": DateTimeInput(),
            "ends_at": DateTimeInput(),
            "addressed_to": forms.Textarea(attrs={"rows": 3}),
            "notice_text": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, fixed_body: bool = False, bodies=None, **kwargs):
        super().__init__(*args, **kwargs)
        if bodies is not None:
            self.fields["body"].queryset = bodies
        if fixed_body:
            self.fields["body"].disabled = True
            self.fields["body"].help_text = (
                "Møtet har saker med organets saksnummer, eller du holder bare dette organets "
                "møter: organet kan ikke byttes her."
            )

    def clean(self):
        data = super().clean()
        starts_at = data.get("starts_at")
        year = self.instance.date.year if self.instance.pk else None
        if (
            year
            and starts_at
            and timezone.localtime(starts_at).year != year
            and self.instance.items.exists()
        ):
            self.add_error(
                "starts_at",
                f"Møtet har saker nummerert for {year}; det kan ikke flyttes til et annet år.",
            )
        return data


class CancelMeetingForm(NorwegianForm):
    reason = forms.CharField(
        label="Begrunnelse for avlysningen",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Lagres med møtet og vises i møtelisten. Er innkallingen sendt, får "
        "medlemmene den i e-posten om avlysningen.",
    )


class ItemForm(ReasonOnEditForm):
    """An item's agenda fields; its number is given when it is added (numbering.py)."""

    class Meta:
        model = Item
        fields = ["kind", "title", "purpose", "presenter", "background", "measures"]
        widgets = {
            "purpose": forms.Textarea(attrs={"rows": 2}),
            "background": forms.Textarea(attrs={"rows": 6}),
            "measures": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        measures = self.fields["measures"]
        measures.queryset = Measure.objects.select_related("group__area__plan").order_by(
            "group__area__plan", "group__area__position", "group__position", "position"
        )
        measures.label_from_instance = lambda m: f"{m.group}: {m}"
        measures.help_text = (
            "Tiltak i porteføljeplanen saken gjelder (valgfritt), ordnet etter innsatsområde."
        )

    @cached_property
    def measure_groups(self) -> list[tuple]:
        """(focus area, its measures' checkboxes) for the measure picker
        (templates/meetings/_measure_picker.html), in the plan's order."""
        groups: dict = {}
        for option in self["measures"]:
            groups.setdefault(option.data["value"].instance.group.area, []).append(option)
        return list(groups.items())


class ItemPartForm(forms.ModelForm):
    """A part of an item with its own Hensikt and presenter (a heading under the item)."""

    class Meta:
        model = ItemPart
        fields = ["title", "purpose", "presenter", "text"]
        widgets = {
            "purpose": forms.Textarea(attrs={"rows": 2}),
            "text": forms.Textarea(attrs={"rows": 8}),
        }

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class ItemMinutesForm(NorwegianForm):
    """What was said and decided on an item. For approved minutes the reason is required:
    the change is then a recorded correction."""

    minutes_text = forms.CharField(
        label="Referat", required=False, widget=forms.Textarea(attrs={"rows": 8})
    )
    decision = forms.CharField(
        label="Vedtak",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Skrives uten «Vedtak:» foran.",
    )

    def __init__(self, *args, correction: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if correction:
            self.fields["reason"] = forms.CharField(
                label="Begrunnelse for rettelsen",
                max_length=200,
                help_text="Referatet er godkjent. Rettelsen lagres i historikken, og "
                "begrunnelsen vises med saken på møtesiden og i referatet.",
            )


class IntroductionForm(NorwegianForm):
    introduction = forms.CharField(
        label="Innledning",
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Velkomst og orienteringer før de nummererte sakene.",
    )


class ApproveMinutesForm(NorwegianForm):
    """The body's approval: in which of its later meetings and items, and on which date."""

    at_meeting = forms.ModelChoiceField(
        label="Godkjent i møtet", queryset=Meeting.objects.none(), required=False
    )
    in_item = forms.ModelChoiceField(
        label="Under sak", queryset=Item.objects.none(), required=False
    )
    on = forms.DateField(label="Godkjent dato", widget=DateInput())

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        later = Meeting.objects.filter(body=meeting.body, starts_at__gt=meeting.starts_at)
        self.fields["at_meeting"].queryset = later
        self.fields["in_item"].queryset = Item.objects.filter(meeting__in=later).select_related(
            "meeting"
        )
        self.fields["in_item"].label_from_instance = lambda item: (
            f"{item.label} {item.title} ({item.meeting.date:%d.%m.%Y})"
        )


class AttendanceForm(NorwegianForm):
    """One row per invited member (present, absent, deputy for whom) and rows for guests,
    observers and the secretariat."""

    GUEST_ROWS = 3
    MEMBER_CHOICES = [
        ("", "Ikke registrert"),
        (Attendance.Status.PRESENT, "Til stede"),
        (Attendance.Status.ABSENT, "Forfall"),
        (Attendance.Status.DEPUTY, "Møtte som vara"),
    ]
    OTHER_CHOICES = [(status, status.label) for status in Attendance.OUTSIDERS]

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        self.memberships = list(meeting.invited_memberships())
        stored = {a.person_id: a for a in meeting.attendances.all()}
        invited = {m.person_id for m in self.memberships}
        member_choices = [("", "–")] + [(m.person_id, m.person.name) for m in self.memberships]
        for membership in self.memberships:
            person = membership.person
            attendance = stored.get(person.pk)
            self.fields[f"status_{person.pk}"] = forms.ChoiceField(
                label=f"Oppmøte: {person.name}",
                choices=self.MEMBER_CHOICES,
                required=False,
                initial=attendance.status if attendance else "",
            )
            self.fields[f"deputy_for_{person.pk}"] = forms.TypedChoiceField(
                label=f"{person.name} møtte for",
                choices=member_choices,
                coerce=int,
                required=False,
                initial=attendance.deputy_for_id if attendance else "",
            )
        others = [a for a in stored.values() if a.person_id not in invited]
        people = [("", "–")] + list(Person.objects.order_by("name").values_list("pk", "name"))
        for index in range(len(others) + self.GUEST_ROWS):
            other = others[index] if index < len(others) else None
            self.fields[f"guest_{index}"] = forms.TypedChoiceField(
                label=f"Annen deltaker {index + 1}",
                choices=people,
                coerce=int,
                required=False,
                initial=other.person_id if other else "",
            )
            self.fields[f"guest_status_{index}"] = forms.ChoiceField(
                label=f"Rolle, annen deltaker {index + 1}",
                choices=self.OTHER_CHOICES,
                required=False,
                initial=other.status if other else Attendance.Status.GUEST,
            )
            self.fields[f"guest_note_{index}"] = forms.CharField(
                label=f"Merknad, annen deltaker {index + 1}",
                max_length=200,
                required=False,
                initial=other.note if other else "",
            )
        self.guest_rows = len(others) + self.GUEST_ROWS

    def member_rows(self):
        """(membership, status field, deputy field) for the template's table."""
        return [
            (m, self[f"status_{m.person_id}"], self[f"deputy_for_{m.person_id}"])
            for m in self.memberships
        ]

    def guest_fields(self):
        return [
            (self[f"guest_{i}"], self[f"guest_status_{i}"], self[f"guest_note_{i}"])
            for i in range(self.guest_rows)
        ]

    def clean(self):
        data = super().clean()
        for index in range(self.guest_rows):
            if data.get(f"guest_note_{index}") and not data.get(f"guest_{index}"):
                self.add_error(
                    f"guest_{index}", "Velg personen merknaden gjelder, eller fjern merknaden."
                )
        return data

    def rows(self) -> list[AttendanceRow]:
        data, rows = self.cleaned_data, []
        for membership in self.memberships:
            status = data[f"status_{membership.person_id}"]
            if status:
                deputy_for = data[f"deputy_for_{membership.person_id}"] or None
                rows.append(AttendanceRow(membership.person_id, status, deputy_for))
        for index in range(self.guest_rows):
            if data[f"guest_{index}"]:
                rows.append(
                    AttendanceRow(
                        data[f"guest_{index}"],
                        data[f"guest_status_{index}"] or Attendance.Status.GUEST,
                        note=data[f"guest_note_{index}"],
                    )
                )
        return rows

    def add_row_errors(self, errors: dict) -> None:
        """Put record_attendance's errors (by person) on the row's fields."""
        by_person = {m.person_id: f"status_{m.person_id}" for m in self.memberships}
        for index in range(self.guest_rows):
            person_id = self.cleaned_data.get(f"guest_{index}")
            if person_id:
                by_person.setdefault(person_id, f"guest_{index}")
        for person_id, messages in errors.items():
            field = by_person.get(int(person_id))
            for message in messages:
                self.add_error(field, message)


class AnnouncementForm(NorwegianForm):
    """A membership change announced in an item: which membership (already in the register)
    and the words of the announcement."""

    membership = forms.ModelChoiceField(
        label="Medlemskap i registeret",
        queryset=Membership.objects.with_related().order_by("body__name", "person__name"),
        help_text="Legg først inn endringen i registeret (organets side), og velg den her.",
    )
    text = forms.CharField(label="Kunngjøring", max_length=300)

    def __init__(self, *args, can_edit_register: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not can_edit_register:  # only the secretariat edits the register's memberships
            self.fields[
                "membership"
            ].help_text = (
                "Be sekretariatet legge inn endringen i registeret først, og velg den her."
            )


# --- Attachments and follow-ups ---


class FollowUpForm(ChangeReasonForm):
    """A follow-up of an item. Marked "Ferdig" without a date, it is done today."""

    responsible_person = PersonChoiceField(
        label="Ansvarlig person",
        queryset=Person.objects.select_related("organisation").order_by("name"),
        required=False,
    )

    class Meta:
        model = FollowUp
        fields = [
            "title",
            "responsible_body",
            "responsible_person",
            "responsible_text",
            "due_on",
            "status",
            "done_on",
        ]
        widgets = {"due_on": DateInput(), "done_on": DateInput()}

    def clean(self):
        cleaned_data = super().clean()
        status, done_on = cleaned_data.get("status"), cleaned_data.get("done_on")
        if status == FollowUp.Status.DONE and not done_on:
            cleaned_data["done_on"] = self.instance.done_on = today()
        elif status and status != FollowUp.Status.DONE and done_on:
            self.add_error(
                "done_on",
                "Ferdig dato settes bare når status er «Ferdig». Velg «Ferdig» eller fjern datoen.",
            )
        return cleaned_data


class ActivityForm(ChangeReasonForm):
    """A task of the year on the annual wheel: the grant round, the plan revision, ..."""

    class Meta:
        model = Activity
        fields = ["title", "kind", "body", "starts_on", "ends_on", "description"]
        widgets = {
            "starts_on": DateInput(),
            "ends_on": DateInput(),
            "description": forms.Textarea(attrs={"rows": 3}),
        }
