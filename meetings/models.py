"""Meetings of the partnership's bodies: the year plan (annual wheel), notices with numbered
items, attendance, minutes with decisions, approval, and follow-ups.

Item numbers ("2/25") are allocated per body and year by `numbering.py`; the steps of the
minutes (draft → approved → published) are in `minutes.py`. Every model keeps its history.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Prefetch, Q
from django.db.models.functions import TruncDate
from django.db.models.signals import pre_delete
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from simple_history.models import HistoricalRecords

from helsefellesskap.files import generated_name, private_storage
from helsefellesskap.models import Body, Membership, Person, today
from helsefellesskap.records import GuardedQuerySet, guards_are_lifted, is_correction
from portfolio.models import Measure


class RecordLocked(Exception):
    """A change to a meeting whose minutes are approved or published: the record is fixed,
    and only the correction steps of minutes.py may change it."""

    def __init__(self, message: str = ""):
        super().__init__(
            message
            or "Referatet fra møtet er godkjent og låst. Møtet, sakene, vedtakene, vedleggene "
            "og oppmøtet kan ikke endres eller slettes; en rettelse gjøres som en rettelse med "
            "begrunnelse."
        )


def locked_meeting_ids(meeting_ids) -> set[int]:
    """Those of `meeting_ids` whose minutes are approved or published."""
    ids = {pk for pk in meeting_ids if pk is not None}
    if not ids:
        return set()
    return set(
        Minutes.objects.filter(meeting_id__in=ids)
        .exclude(status=Minutes.Status.DRAFT)
        .values_list("meeting_id", flat=True)
    )


class GuardedRecord(models.Model):
    """Part of a meeting's record: refuses to be saved or deleted once the meeting's minutes
    are locked, unless the save or deletion is a correction step (see
    `helsefellesskap.records.correcting`). Deletion is also
    refused when it comes as a cascade or a queryset's delete (see the pre_delete receiver
    at the end of this module)."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not is_correction(self) and self.record_locked:
            raise RecordLocked
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if not is_correction(self) and self.record_locked:
            raise RecordLocked
        return super().delete(*args, **kwargs)

    def record_meeting_ids(self) -> set[int]:
        """The meetings whose record this object is part of (as stored and as changed)."""
        raise NotImplementedError

    @property
    def record_locked(self) -> bool:
        if guards_are_lifted():
            return False
        return bool(locked_meeting_ids(self.record_meeting_ids()))

    def _stored(self, field: str):
        if self.pk is None:
            return None
        return type(self)._base_manager.filter(pk=self.pk).values_list(field, flat=True).first()


class RecordQuerySet(GuardedQuerySet):
    """A meeting's record (the meeting, its items, attachments, attendance, announcements):
    update() is refused when a row belongs to a meeting whose minutes are locked, or would be
    moved into one."""

    # From a row to its meeting ("" for the meeting itself); its first part is the link field.
    meeting_lookup = "meeting"
    # Fields that are not part of the record (the stamp of the sent notice).
    unguarded_fields: frozenset[str] = frozenset()

    def refuse_update(self, changes: dict) -> None:
        if set(changes) <= self.unguarded_fields:
            return
        prefix = f"{self.meeting_lookup}__" if self.meeting_lookup else ""
        locked = {f"{prefix}minutes__status__in": LOCKED_MINUTES_STATUSES}
        if self.filter(**locked).exists() or locked_meeting_ids(self._targets(changes)):
            raise RecordLocked

    def _targets(self, changes: dict) -> set:
        """The meetings the update would move rows into."""
        link = self.meeting_lookup.split("__")[0]
        if not link or not ({link, f"{link}_id"} & set(changes)):
            return set()
        target = changes.get(link, changes.get(f"{link}_id"))
        target = getattr(target, "pk", target)
        if link == "meeting":
            return {target}
        return set(Item._base_manager.filter(pk=target).values_list("meeting_id", flat=True))


class ItemRecordQuerySet(RecordQuerySet):
    meeting_lookup = "item__meeting"


# The years the meeting lists and the year wheel show. A meeting or an activity is planned only
# in them: one typed in for 1900 would be saved where no list finds it.
SHOWN_YEARS = range(2000, 2101)


def check_shown_year(field: str, year: int) -> None:
    if year not in SHOWN_YEARS:
        raise ValidationError({field: "Velg en dato mellom år 2000 og 2100."})


class MeetingQuerySet(RecordQuerySet):
    meeting_lookup = ""
    unguarded_fields = frozenset({"notice_sent_at"})

    def in_year(self, year: int):
        return self.filter(starts_at__year=year)

    def not_cancelled(self):
        return self.filter(cancelled_at__isnull=True)

    def years(self) -> list[int]:
        """The years (in Oslo) that have meetings, in order."""
        return [moment.year for moment in self.datetimes("starts_at", "year")]

    def for_person(self, person: Person):
        """Meetings of the bodies the person was a member of on the meeting day."""
        member_that_day = Membership.objects.filter(
            person=person,
            body=models.OuterRef("body"),
        ).filter(
            Q(start__lte=models.OuterRef("day")),
            Q(end__isnull=True) | Q(end__gte=models.OuterRef("day")),
        )
        return self.annotate(day=TruncDate("starts_at")).filter(models.Exists(member_that_day))

    def with_header(self):
        """The meeting page's own row: body, minutes and how they were approved."""
        return self.select_related(
            "body", "minutes", "minutes__approved_at_meeting", "minutes__approved_in_item"
        ).prefetch_related("body__names")

    def with_agenda(self):
        """The meeting with its agenda and attendance (`agenda_prefetches`) loaded."""
        return self.with_header().prefetch_related(*agenda_prefetches())

    def with_minutes(self):
        """The meeting with what its minutes show (`minutes_prefetches`) loaded."""
        return self.with_header().prefetch_related(*minutes_prefetches())


class Meeting(GuardedRecord):
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
    # A cancelled meeting stays in the record with its reason (see cancelling.py).
    cancelled_at = models.DateTimeField("avlyst", null=True, blank=True, editable=False)
    cancel_reason = models.TextField("begrunnelse for avlysningen", blank=True, editable=False)
    # Networks, dialogue meetings and forums are reported by theme and turnout, not by items.
    theme = models.CharField(
        "tema", max_length=300, blank=True, help_text="Møtets tema, for eksempel på dialogmøter."
    )
    participant_count = models.PositiveIntegerField(
        "antall deltakere",
        null=True,
        blank=True,
        # Without a bound of its own the message named the database's (9 223 372 036 854 775 807).
        validators=[MaxValueValidator(100_000, "Antall deltakere kan være høyst 100 000.")],
        help_text="Fylles ut for nettverksmøter og dialogmøter, der deltakerne ikke registreres "
        "hver for seg.",
    )

    objects = MeetingQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "møte"
        verbose_name_plural = "møter"
        ordering = ["starts_at"]
        # A year's meetings, a body's latest, the search's default period: ranges of time.
        indexes = [models.Index(fields=["starts_at"], name="meetings_meeting_starts_at")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gte=models.F("starts_at")), name="meeting_ends_after_start"
            )
        ]

    def __str__(self):
        return f"{self.display_title} {self.starts_at:%d.%m.%Y}"

    def save(self, *args, **kwargs):
        # Sending the notice stamps the meeting; that is not a change of the record.
        if set(kwargs.get("update_fields") or ()) == {"notice_sent_at"}:
            return models.Model.save(self, *args, **kwargs)
        return super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("meetings:meeting_detail", args=[self.pk])

    @property
    def display_title(self) -> str:
        return self.title or f"Møte i {self.body_name}"

    @property
    def body_name(self) -> str:
        """The body's name on the meeting day ("Direktørmøtet" in 2019, the LSU's name since
        2021); one query unless the body's names were prefetched (`body__names`)."""
        return self.body.name_on(self.date)

    @property
    def body_short_name(self) -> str:
        return self.body.short_name_on(self.date) or self.body_name

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
        if self.starts_at:
            check_shown_year("starts_at", timezone.localtime(self.starts_at).year)
        if self.starts_at and self.ends_at and self.ends_at < self.starts_at:
            raise ValidationError({"ends_at": "Møtet kan ikke slutte før det starter."})

    def invited_memberships(self):
        """The body's members on the meeting day: they are invited and their attendance kept."""
        return Membership.objects.active_on(self.date).filter(body=self.body).with_related()

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    @property
    def minutes_locked(self) -> bool:
        minutes = getattr(self, "minutes", None)
        return minutes is not None and minutes.is_locked

    def record_meeting_ids(self) -> set[int]:
        return {self.pk}


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
        for field in ("starts_on", "ends_on"):
            if getattr(self, field):
                check_shown_year(field, getattr(self, field).year)
        if self.ends_on and self.starts_on is None:
            # The form also says the start date is missing; this says why it matters.
            raise ValidationError(
                {"ends_on": "Fyll ut startdatoen («fra») når aktiviteten har en frist."}
            )
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


class Item(GuardedRecord):
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

    objects = RecordQuerySet.as_manager()
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

    def record_meeting_ids(self) -> set[int]:
        return {self.meeting_id, self._stored("meeting_id")}


class MinutesCorrection(models.Model):
    """A correction of an item's approved minutes, with its reason, shown with the item on the
    meeting's page and in the minutes, so that readers who cannot see the history know the
    text was changed after the approval, when and why (minutes.correct_item_minutes)."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="corrections")
    made_at = models.DateTimeField("rettet", default=timezone.now)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="rettet av",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reason = models.TextField("begrunnelse")

    class Meta:
        verbose_name = "rettelse i godkjent referat"
        verbose_name_plural = "rettelser i godkjente referater"
        ordering = ["made_at", "pk"]

    def __str__(self):
        return f"{self.item}: rettet {self.made_at:%d.%m.%Y}"


class ItemPart(GuardedRecord):
    """A part of an item ("1. Presentasjon av ...", "2. Helsefellesskap Oslo 2026"), with its
    own Hensikt and presenter, printed as a heading under the item."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="parts")
    position = models.PositiveSmallIntegerField("rekkefølge", default=0)
    title = models.CharField("tittel", max_length=300)
    purpose = models.TextField("hensikt", blank=True)
    presenter = models.CharField("innleder", max_length=200, blank=True)
    text = models.TextField("referat", blank=True)

    objects = ItemRecordQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "del av sak"
        verbose_name_plural = "deler av sak"
        ordering = ["item", "position", "pk"]

    def __str__(self):
        return f"{self.position}. {self.title}"

    def record_meeting_ids(self) -> set[int]:
        return set(
            Item.objects.filter(pk__in={self.item_id, self._stored("item_id")}).values_list(
                "meeting_id", flat=True
            )
        )


def attachment_path(instance, filename):
    return generated_name(f"vedlegg/{instance.item.meeting_id}", filename)


class Attachment(GuardedRecord):
    """A document attached to an item: checked by helsefellesskap/uploads.py, kept in the
    private storage and served only through a view that checks access."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="attachments")
    name = models.CharField("filnavn", max_length=200)
    # Blank when the minutes list an attachment whose file the portal does not have.
    file = models.FileField("fil", upload_to=attachment_path, storage=private_storage, blank=True)
    size = models.PositiveIntegerField("størrelse", default=0)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    objects = ItemRecordQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "vedlegg"
        verbose_name_plural = "vedlegg"
        ordering = ["item", "name"]

    def __str__(self):
        return self.name

    def record_meeting_ids(self) -> set[int]:
        return set(
            Item.objects.filter(pk__in={self.item_id, self._stored("item_id")}).values_list(
                "meeting_id", flat=True
            )
        )


class ParticipantGroup(GuardedRecord):
    """A heading of the participant list as the secretariat words it ("Tilstedeværende
    deltakere fra Strategisk samarbeidsutvalg"), printed as given and in its order."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="participant_groups"
    )
    position = models.PositiveSmallIntegerField("rekkefølge", default=0)
    heading = models.CharField("overskrift", max_length=200, blank=True)

    objects = RecordQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "deltakergruppe"
        verbose_name_plural = "deltakergrupper"
        ordering = ["meeting", "position", "pk"]

    def __str__(self):
        return self.heading or f"Gruppe {self.position} uten overskrift"

    def record_meeting_ids(self) -> set[int]:
        return {self.meeting_id, self._stored("meeting_id")}


class AttendanceQuerySet(RecordQuerySet):
    def present(self):
        return self.filter(status__in=Attendance.PRESENT_STATUSES)

    def in_list_order(self):
        """The minutes' order: the participant groups in their order, each group's people
        as listed; those in no group after them, by name."""
        return self.order_by(
            models.F("group__position").asc(nulls_last=True), "group_id", "position", "person__name"
        )


class Attendance(GuardedRecord):
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
    group = models.ForeignKey(
        ParticipantGroup,
        verbose_name="deltakergruppe",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="attendances",
    )
    position = models.PositiveSmallIntegerField(
        "rekkefølge i gruppen", default=0, help_text="Rekkefølgen personene står i i referatet."
    )
    listed_as = models.CharField(
        "omtalt som",
        max_length=300,
        blank=True,
        help_text="Det referatet skriver etter navnet (stilling, virksomhet), når det skal "
        "stå med referatets ord i stedet for registerets.",
    )

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

    def record_meeting_ids(self) -> set[int]:
        return {self.meeting_id, self._stored("meeting_id")}

    def clean(self):
        if not (self.meeting_id and self.person_id):
            return
        invited = set(self.meeting.invited_memberships().values_list("person_id", flat=True))
        if self.status not in self.OUTSIDERS and self.person_id not in invited:
            raise ValidationError(
                {
                    "person": f"{self.person} er ikke medlem av {self.meeting.body_name} på "
                    "møtedagen. Registrer vedkommende som gjest eller observatør."
                }
            )
        if self.group_id and self.group.meeting_id != self.meeting_id:
            raise ValidationError({"group": "Velg en deltakergruppe fra dette møtet."})
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


class MinutesQuerySet(GuardedQuerySet):
    def refuse_update(self, changes: dict) -> None:
        """Approved minutes change only through minutes.py's steps, which save one by one;
        nor does an update approve minutes around those steps."""
        approving = changes.get("status", Minutes.Status.DRAFT) != Minutes.Status.DRAFT
        if approving or self.filter(status__in=LOCKED_MINUTES_STATUSES).exists():
            raise RecordLocked


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

    objects = MinutesQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "referat"
        verbose_name_plural = "referater"

    def __str__(self):
        return f"Referat fra {self.meeting}"

    def save(self, *args, **kwargs):
        """Approved minutes change only through the steps of minutes.py (publish, marked with
        `correcting`); they never go back to draft, and published minutes stay published."""
        stored = self._stored_status()
        if stored not in (None, self.Status.DRAFT):
            if self.status == self.Status.DRAFT or (
                stored == self.Status.PUBLISHED and self.status != stored
            ):
                raise RecordLocked(
                    f"Referatet er {self.Status(stored).label.lower()} og kan ikke settes tilbake."
                )
            if not is_correction(self):
                raise RecordLocked
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self._stored_status() not in (None, self.Status.DRAFT):
            raise RecordLocked
        return super().delete(*args, **kwargs)

    @property
    def is_locked(self) -> bool:
        return self.status != self.Status.DRAFT

    def _stored_status(self) -> str | None:
        if self.pk is None:
            return None
        return Minutes._base_manager.filter(pk=self.pk).values_list("status", flat=True).first()


LOCKED_MINUTES_STATUSES = (Minutes.Status.APPROVED, Minutes.Status.PUBLISHED)


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


class MembershipAnnouncement(GuardedRecord):
    """A change in the register announced at a meeting ("Bovild Tjønn overtar som leder for
    SSU"): the membership, and the item where it was announced as its source."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="announcements")
    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="announcements"
    )
    text = models.CharField("kunngjøring", max_length=300)

    objects = ItemRecordQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "kunngjort medlemsendring"
        verbose_name_plural = "kunngjorte medlemsendringer"
        constraints = [
            models.UniqueConstraint(fields=["item", "membership"], name="one_announcement_per_item")
        ]

    def __str__(self):
        return self.text

    def record_meeting_ids(self) -> set[int]:
        return set(
            Item.objects.filter(pk__in={self.item_id, self._stored("item_id")}).values_list(
                "meeting_id", flat=True
            )
        )


@receiver(pre_delete)
def refuse_deleting_the_record(sender, instance, **kwargs):
    """Every delete of a meeting's record, also a cascade (a meeting with its items,
    attachments, follow-ups) or a queryset's delete, is refused once the minutes are locked."""
    if guards_are_lifted():
        return
    if sender is Minutes:
        if instance._stored_status() not in (None, Minutes.Status.DRAFT):
            raise RecordLocked
    elif sender is FollowUp:
        if locked_meeting_ids(
            Item.objects.filter(pk=instance.item_id).values_list("meeting_id", flat=True)
        ):
            raise RecordLocked
    elif (
        isinstance(instance, GuardedRecord)
        and not is_correction(instance)
        and instance.record_locked
    ):
        raise RecordLocked


def agenda_prefetches() -> list[Prefetch]:
    """What the agenda and the participant list show of a meeting: its items with their links,
    and the attendance in the minutes' order (`prefetch_related_objects` takes them too)."""
    return minutes_prefetches(
        Prefetch(
            "announcements",
            queryset=MembershipAnnouncement.objects.select_related("membership__body"),
        ),
        Prefetch("measures", queryset=Measure.objects.select_related("group__area")),
    )


def minutes_prefetches(*item_prefetches: Prefetch) -> list[Prefetch]:
    """What the minutes show of a meeting: its items with their parts, attachments and
    follow-ups (and `item_prefetches`), and the attendance in the minutes' order."""
    return [
        Prefetch(
            "items",
            queryset=Item.objects.select_related("body").prefetch_related(
                "attachments",
                "parts",
                "corrections",
                *item_prefetches,
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
            queryset=Attendance.objects.select_related(
                "person__organisation", "deputy_for", "group"
            ).in_list_order(),
        ),
    ]
