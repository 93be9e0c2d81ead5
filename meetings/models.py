"""Meetings of the partnership's bodies: the year plan (annual wheel), notices with numbered
items, attendance, minutes with decisions, approval, and follow-ups.

Item numbers ("2/25") are allocated per body and year by `numbering.py`; the steps of the
minutes (draft → approved → published) are in `minutes.py`. Every model keeps its history.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Prefetch, Q
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from simple_history.models import HistoricalRecords

from helsefellesskap.files import generated_name, private_storage
from helsefellesskap.models import Body, Membership, Person, today
from portfolio.models import Measure


class MeetingQuerySet(models.QuerySet):
    def in_year(self, year: int):
        return self.filter(starts_at__year=year)

    def for_person(self, person: Person):
        """Meetings of the bodies the person was a member of on the meeting day."""
        member_that_day = Membership.objects.filter(
            person=person,
            body=models.OuterRef("body"),
        ).filter(
            Q(start__isnull=True) | Q(start__lte=models.OuterRef("day")),
            Q(end__isnull=True) | Q(end__gte=models.OuterRef("day")),
        )
        return self.annotate(day=TruncDate("starts_at")).filter(models.Exists(member_that_day))

    def with_agenda(self):
        """The meeting page's query shape: body, minutes, items with their links, attendance."""
        return self.select_related(
            "body", "minutes", "minutes__approved_at_meeting"
        ).prefetch_related(
            Prefetch(
                "items",
                queryset=Item.objects.select_related("body").prefetch_related(
                    "attachments",
                    Prefetch(
                        "announcements",
                        queryset=MembershipAnnouncement.objects.select_related("membership__body"),
                    ),
                    Prefetch("measures", queryset=Measure.objects.select_related("group__area")),
                    Prefetch(
                        "follow_ups",
                        queryset=FollowUp.objects.select_related(
                            "responsible_body", "responsible_person"
                        ),
                    ),
                ),
            ),
            Prefetch(
                "attendances",
                queryset=Attendance.objects.select_related("person__organisation", "deputy_for"),
            ),
        )


class Meeting(models.Model):
    """One meeting of a body. The header fields follow the partnership's minutes: Til, Fra,
    Møtegruppe (the body), Møtested, Møtetid, Saksbehandler."""

    body = models.ForeignKey(
        Body, verbose_name="organ", on_delete=models.PROTECT, related_name="meetings"
    )
    title = models.CharField(
        "tittel",
        max_length=200,
        blank=True,
        help_text="Står det tomt, blir tittelen «Møte i» og organets navn.",
    )
    starts_at = models.DateTimeField("starter")
    ends_at = models.DateTimeField("slutter")
    location = models.CharField("møtested", max_length=200, blank=True)
    addressed_to = models.TextField(
        "til", blank=True, help_text="Mottakerne slik de står i innkallingen og referatet."
    )
    sender = models.CharField("fra", max_length=200, blank=True)
    case_officer = models.CharField("saksbehandler", max_length=200, blank=True)
    notice_text = models.TextField(
        "innkalling", blank=True, help_text="Innledende tekst i møteinnkallingen."
    )
    notice_sent_at = models.DateTimeField("innkalling sendt", null=True, blank=True, editable=False)
    # Networks, dialogue meetings and forums are reported by theme and turnout, not by items.
    theme = models.CharField(
        "tema", max_length=300, blank=True, help_text="Møtets tema, for eksempel på dialogmøter."
    )
    participant_count = models.PositiveIntegerField(
        "antall deltakere",
        null=True,
        blank=True,
        help_text="Fylles ut for nettverksmøter og dialogmøter, der deltakerne ikke registreres "
        "hver for seg.",
    )

    objects = MeetingQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "møte"
        verbose_name_plural = "møter"
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gte=models.F("starts_at")), name="meeting_ends_after_start"
            )
        ]

    def __str__(self):
        return f"{self.display_title} {self.starts_at:%d.%m.%Y}"

    def get_absolute_url(self):
        return reverse("meetings:meeting_detail", args=[self.pk])

    @property
    def display_title(self) -> str:
        return self.title or f"Møte i {self.body}"

    @property
    def date(self) -> datetime.date:
        return timezone.localtime(self.starts_at).date()

    @property
    def time_text(self) -> str:
        """«Tirsdag 14.10.2025 kl. 09.00–11.20», as the minutes write it; a meeting that ends
        on a later day names that day too."""
        start = timezone.localtime(self.starts_at)
        end = timezone.localtime(self.ends_at)
        text = f"{capfirst(date_format(start, 'l'))} {start:%d.%m.%Y} kl. {start:%H.%M}–"
        if end.date() != start.date():
            text += f"{end:%d.%m.%Y} kl. "
        return text + f"{end:%H.%M}"

    def clean(self):
        if self.starts_at and self.ends_at and self.ends_at < self.starts_at:
            raise ValidationError({"ends_at": "Møtet kan ikke slutte før det starter."})

    def invited_memberships(self):
        """The body's members on the meeting day: they are invited and their attendance kept."""
        return Membership.objects.active_on(self.date).filter(body=self.body).with_related()

    @property
    def minutes_locked(self) -> bool:
        minutes = getattr(self, "minutes", None)
        return minutes is not None and minutes.is_locked


class Activity(models.Model):
    """A recurring task of the year that is not a meeting: the grant round, the revision of the
    portfolio plan, the annual report, the partners' budget deadlines. Shown on the wheel."""

    class Kind(models.TextChoices):
        PARTNERSHIP = "partnerskap", "Partnerskapsmøte og budsjettprosesser"
        GRANT_ROUND = "tilskudd", "Tilskuddsrunde"
        PORTFOLIO = "portefolje", "Revisjon av porteføljeplanen"
        ANNUAL_REPORT = "arsrapport", "Årsrapport"
        OTHER = "annet", "Annet"

    title = models.CharField("aktivitet", max_length=200)
    kind = models.CharField("type", max_length=20, choices=Kind.choices, default=Kind.OTHER)
    body = models.ForeignKey(
        Body,
        verbose_name="organ",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="activities",
        help_text="Tomt for aktiviteter for hele helsefellesskapet.",
    )
    starts_on = models.DateField("fra")
    ends_on = models.DateField("til (frist)", null=True, blank=True)
    description = models.TextField("beskrivelse", blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "aktivitet i årshjulet"
        verbose_name_plural = "aktiviteter i årshjulet"
        ordering = ["starts_on", "title"]

    def __str__(self):
        return self.title

    def clean(self):
        if self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": "Fristen kan ikke være før startdatoen."})


class ItemCounter(models.Model):
    """The last item number used by a body in a year; see numbering.py."""

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["body", "year"], name="one_item_counter_per_body_year")
        ]

    def __str__(self):
        return f"{self.body}: sist brukte saksnummer i {self.year} er {self.last_number}"


class Item(models.Model):
    """A numbered item (sak) on a meeting's agenda, with its minutes and decision."""

    class Kind(models.TextChoices):
        DECISION = "vedtak", "Vedtakssak"
        INFORMATION = "orientering", "Orienteringssak"
        DISCUSSION = "tema", "Temasak/drøftingssak"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="+", editable=False)
    year = models.PositiveSmallIntegerField(editable=False)
    number = models.PositiveIntegerField("saksnummer", editable=False)
    position = models.PositiveSmallIntegerField("rekkefølge", default=0)
    kind = models.CharField("type", max_length=20, choices=Kind.choices, default=Kind.DECISION)
    title = models.CharField("tittel", max_length=300)
    purpose = models.TextField("hensikt", blank=True)
    presenter = models.CharField("innleder", max_length=200, blank=True)
    background = models.TextField("saksframstilling", blank=True)
    minutes_text = models.TextField("referat", blank=True)
    decision = models.TextField("vedtak", blank=True)
    measures = models.ManyToManyField(
        Measure, verbose_name="tiltak i porteføljeplanen", blank=True, related_name="meeting_items"
    )

    history = HistoricalRecords(m2m_fields=[measures])

    class Meta:
        verbose_name = "sak"
        verbose_name_plural = "saker"
        ordering = ["meeting", "position", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["body", "year", "number"], name="item_number_unique_per_body_year"
            )
        ]

    def __str__(self):
        return f"Sak {self.label} {self.title}"

    def get_absolute_url(self):
        """The item on its meeting's page (the agenda entry has the id "sak-<pk>")."""
        return f"{reverse('meetings:meeting_detail', args=[self.meeting_id])}#sak-{self.pk}"

    @property
    def label(self) -> str:
        """The partnership's notation: item 2 of 2025 is "2/25"."""
        return f"{self.number}/{self.year % 100:02d}"


def attachment_path(instance, filename):
    return generated_name(f"vedlegg/{instance.item.meeting_id}", filename)


class Attachment(models.Model):
    """A document attached to an item: checked by helsefellesskap/uploads.py, kept in the
    private storage and served only through a view that checks access."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="attachments")
    name = models.CharField("filnavn", max_length=200)
    # Blank when the minutes list an attachment whose file the portal does not have.
    file = models.FileField("fil", upload_to=attachment_path, storage=private_storage, blank=True)
    size = models.PositiveIntegerField("størrelse", default=0)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "vedlegg"
        verbose_name_plural = "vedlegg"
        ordering = ["item", "name"]

    def __str__(self):
        return self.name


class AttendanceQuerySet(models.QuerySet):
    def present(self):
        return self.filter(status__in=Attendance.PRESENT_STATUSES)


class Attendance(models.Model):
    """Who was there: members (present, absent, a deputy in their place), guests, observers."""

    class Status(models.TextChoices):
        PRESENT = "tilstede", "Til stede"
        ABSENT = "forfall", "Forfall"
        DEPUTY = "vara", "Vara møtte"
        GUEST = "gjest", "Gjest"
        OBSERVER = "observator", "Observatør"
        SECRETARIAT = "sekretariat", "Sekretariat"

    PRESENT_STATUSES = (
        Status.PRESENT,
        Status.DEPUTY,
        Status.GUEST,
        Status.OBSERVER,
        Status.SECRETARIAT,
    )
    # Guests, observers and the secretariat need not be members of the body.
    OUTSIDERS = (Status.GUEST, Status.OBSERVER, Status.SECRETARIAT)

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    person = models.ForeignKey(
        Person, verbose_name="person", on_delete=models.PROTECT, related_name="attendances"
    )
    status = models.CharField("oppmøte", max_length=20, choices=Status.choices)
    deputy_for = models.ForeignKey(
        Person,
        verbose_name="møtte for",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="For en vara: medlemmet vedkommende møtte for.",
    )
    note = models.CharField("merknad", max_length=200, blank=True)

    objects = AttendanceQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "oppmøte"
        verbose_name_plural = "oppmøte"
        ordering = ["meeting", "person__name"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "person"], name="one_attendance_per_person")
        ]

    def __str__(self):
        return f"{self.person}: {self.get_status_display()}"

    def clean(self):
        if not (self.meeting_id and self.person_id):
            return
        invited = set(self.meeting.invited_memberships().values_list("person_id", flat=True))
        if self.status not in self.OUTSIDERS and self.person_id not in invited:
            raise ValidationError(
                {
                    "person": f"{self.person} er ikke medlem av {self.meeting.body} på møtedagen. "
                    "Registrer vedkommende som gjest eller observatør."
                }
            )
        if self.status == self.Status.DEPUTY:
            if self.deputy_for_id == self.person_id:
                raise ValidationError({"deputy_for": "En vara kan ikke møte for seg selv."})
            if not self.deputy_for_id:
                raise ValidationError({"deputy_for": "Velg medlemmet varaen møtte for."})
            if self.deputy_for_id not in invited:
                raise ValidationError(
                    {"deputy_for": "Varaen kan bare møte for et medlem av organet."}
                )
        elif self.deputy_for_id:
            raise ValidationError({"deputy_for": "Bare en vara møter for noen."})


class Minutes(models.Model):
    """The minutes of a meeting: draft → approved (by the body, usually at its next meeting,
    recorded with the date and item) → published. Approved minutes are locked: a correction
    is an explicit change with its reason (see minutes.py)."""

    class Status(models.TextChoices):
        DRAFT = "utkast", "Utkast"
        APPROVED = "godkjent", "Godkjent"
        PUBLISHED = "publisert", "Publisert"

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="minutes")
    introduction = models.TextField(
        "innledning",
        blank=True,
        help_text="Det som ble sagt før de nummererte sakene, for eksempel velkomst og "
        "orienteringer.",
    )
    status = models.CharField("status", max_length=20, choices=Status.choices, default=Status.DRAFT)
    approved_on = models.DateField("godkjent dato", null=True, blank=True)
    approved_at_meeting = models.ForeignKey(
        Meeting,
        verbose_name="godkjent i møte",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_in_item = models.ForeignKey(
        Item,
        verbose_name="godkjent i sak",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    published_at = models.DateTimeField("publisert", null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "referat"
        verbose_name_plural = "referater"

    def __str__(self):
        return f"Referat fra {self.meeting}"

    @property
    def is_locked(self) -> bool:
        return self.status != self.Status.DRAFT


class FollowUpQuerySet(models.QuerySet):
    def open(self):
        return self.exclude(status=FollowUp.Status.DONE)

    def overdue_first(self):
        """Open follow-ups with the overdue ones (oldest due date) first, then those without
        a due date."""
        return self.order_by(models.F("due_on").asc(nulls_last=True), "pk")

    def with_related(self):
        return self.select_related("item__meeting__body", "responsible_body", "responsible_person")


class FollowUp(models.Model):
    """An action an item leaves behind: who, by when, and how far it has come."""

    class Status(models.TextChoices):
        OPEN = "apen", "Åpen"
        IN_PROGRESS = "pagar", "Pågår"
        DONE = "ferdig", "Ferdig"

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="follow_ups")
    title = models.CharField("oppfølging", max_length=300)
    responsible_body = models.ForeignKey(
        Body,
        verbose_name="ansvarlig organ",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="follow_ups",
    )
    responsible_person = models.ForeignKey(
        Person,
        verbose_name="ansvarlig person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="follow_ups",
    )
    responsible_text = models.CharField(
        "ansvarlig (fritekst)",
        max_length=200,
        blank=True,
        help_text="For eksempel «sykehusdirektørene»: når ansvaret ikke er ett organ eller én "
        "person.",
    )
    due_on = models.DateField("frist", null=True, blank=True)
    status = models.CharField("status", max_length=20, choices=Status.choices, default=Status.OPEN)
    done_on = models.DateField("ferdig dato", null=True, blank=True)

    objects = FollowUpQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "oppfølging"
        verbose_name_plural = "oppfølginger"
        ordering = ["due_on", "pk"]

    def __str__(self):
        return self.title

    @property
    def responsible(self) -> str:
        return str(self.responsible_person or self.responsible_body or self.responsible_text or "")

    def is_overdue(self, day: datetime.date | None = None) -> bool:
        return bool(
            self.due_on and self.status != self.Status.DONE and self.due_on < (day or today())
        )

    def clean(self):
        if not (self.responsible_body_id or self.responsible_person_id or self.responsible_text):
            raise ValidationError(
                "Oppgi hvem som er ansvarlig: et organ, en person eller fritekst."
            )


class MembershipAnnouncement(models.Model):
    """A change in the register announced at a meeting ("Bovild Tjønn overtar som leder for
    SSU"): the membership, and the item where it was announced as its source."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="announcements")
    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="announcements"
    )
    text = models.CharField("kunngjøring", max_length=300)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "kunngjort medlemsendring"
        verbose_name_plural = "kunngjorte medlemsendringer"
        constraints = [
            models.UniqueConstraint(fields=["item", "membership"], name="one_announcement_per_item")
        ]

    def __str__(self):
        return self.text
