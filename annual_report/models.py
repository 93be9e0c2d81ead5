"""An annual report is a year and a scope (the whole partnership, a sector, or one body with the
bodies under it) with the secretariat's own texts. Each generation is a numbered version with its
PDF and the data it was made from; a body's approval freezes and publishes a version.

StatedFigures hold totals a source document states where the portal has only part of the rows
behind them (the 2019 Ahus report lists 10 of the Direktørmøte's 16 items); StatedRoundFigures
what a source states about a grant round whose applications the portal does not hold; a
StatedApproval a report's treatment as its source records it.

A published version is part of the record: it cannot be changed (save or queryset update) or
deleted, nor can its report be deleted, by any path (a page, the admin, a queryset, a
cascade): `pre_delete` refuses with `ReportLocked`. A draft's PDF file goes with its row once
the deletion is committed.
"""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import Q
from django.db.models.signals import post_delete, pre_delete
from django.dispatch import receiver
from django.urls import reverse
from django.utils.functional import cached_property
from simple_history.models import HistoricalRecords

from helsefellesskap.files import generated_name, private_storage
from helsefellesskap.models import Body, Sector
from helsefellesskap.records import GuardedQuerySet, guards_are_lifted

WHOLE_PARTNERSHIP = "Helsefellesskap Oslo"
# The cooperation before Helsefellesskap Oslo was established (June 2021), in the words of the
# 2019 Ahus report's heading «Samhandlingsstrukturen mellom Oslo kommune og Helse Sør-Øst RHF».
BEFORE_PARTNERSHIP = "Samhandlingsstrukturen mellom Oslo kommune og Helse Sør-Øst RHF"
YEAR_VALIDATORS = [MinValueValidator(2000), MaxValueValidator(2100)]


def partnership_name(last_day: date, established: date | None) -> str:
    """«Helsefellesskap Oslo» for a period ending on or after its establishment (or when no
    date is recorded); before it, the structure's name in the sources of the time."""
    if established is None or established <= last_day:
        return WHOLE_PARTNERSHIP
    return BEFORE_PARTNERSHIP


class ReportLocked(ValidationError):
    """A change or deletion that would alter a published version; the message is for the
    user."""


class StatedFigures(models.Model):
    body = models.ForeignKey(Body, verbose_name="organ", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField("år", validators=YEAR_VALIDATORS)
    meeting_count = models.PositiveSmallIntegerField("antall møter", null=True, blank=True)
    item_count = models.PositiveSmallIntegerField("antall saker", null=True, blank=True)
    meeting_length = models.CharField(
        "møtenes varighet", max_length=100, blank=True, help_text="For eksempel «ca. 2 ½ time»."
    )
    average_attendance = models.PositiveSmallIntegerField(
        "frammøte i gjennomsnitt", null=True, blank=True
    )
    note = models.TextField("merknad", blank=True)
    source = models.CharField("kilde", max_length=300)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "oppgitte tall"
        verbose_name_plural = "oppgitte tall"
        ordering = ["year", "body__position", "body__name"]
        constraints = [
            models.UniqueConstraint(fields=["body", "year"], name="stated_figures_once_per_year")
        ]

    def __str__(self):
        return f"{self.body}, {self.year}: oppgitte tall"


class StatedRoundFigures(models.Model):
    """What a source states about a grant round where the portal holds no applications behind it
    (the 2024 round: ten received, five prioritised by the LSU on 18.11.2024). A count left
    empty is not stated, and the report says so ("ikke oppgitt") rather than 0."""

    round = models.OneToOneField(
        "grants.Round", verbose_name="runde", on_delete=models.CASCADE, related_name="+"
    )
    received_count = models.PositiveSmallIntegerField("søknader mottatt", null=True, blank=True)
    prioritised_count = models.PositiveSmallIntegerField(
        "søknader prioritert", null=True, blank=True
    )
    prioritised_by = models.CharField(
        "prioritert av", max_length=200, blank=True, help_text="For eksempel «LSU i OUS-sektoren»."
    )
    prioritised_on = models.DateField("prioritert dato", null=True, blank=True)
    decided_count = models.PositiveSmallIntegerField("søknader innvilget", null=True, blank=True)
    regional_frame = models.CharField(
        "regional ramme",
        max_length=200,
        blank=True,
        help_text="Den regionale rammen rundene i regionen deles fra, som kilden oppgir den.",
    )
    source = models.CharField("kilde", max_length=300)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "oppgitte tall for en tilskuddsrunde"
        verbose_name_plural = "oppgitte tall for tilskuddsrunder"

    def __str__(self):
        return f"{self.round}: oppgitte tall"


class StatedApproval(models.Model):
    """A report's treatment as its source records it, for a report entered from an earlier
    document (the 2019 Ahus report: "Samarbeidsforum 2.6.2020 Godkjent"). The portal's own
    approvals are its versions'. Kept in the order they were entered, which is the source's
    (its table lists Samarbeidsforum's approval before the Direktørmøte's undated row; by date
    the undated row would come first on SQLite and last on PostgreSQL)."""

    report = models.ForeignKey(
        "AnnualReport",
        verbose_name="årsrapport",
        on_delete=models.CASCADE,
        related_name="stated_approvals",
    )
    body = models.CharField("behandlet av", max_length=200)
    date = models.DateField("dato", null=True, blank=True)
    remark = models.CharField("merknad", max_length=200, blank=True)
    source = models.CharField("kilde", max_length=300)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "oppgitt behandling"
        verbose_name_plural = "oppgitte behandlinger"
        ordering = ["report", "pk"]

    def __str__(self):
        return f"{self.report}: {self.body} {self.date or ''}".strip()


class AnnualReportQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Reports with `visible_versions`, the versions the user may see; readers only see
        reports that have a published version."""
        versions = ReportVersion.objects.visible_to(user).select_related("approved_by")
        reports = (
            self.select_related("sector", "body")
            .prefetch_related(
                "body__names",
                models.Prefetch("versions", queryset=versions, to_attr="visible_versions"),
            )
            .annotate(
                partnership_established=models.Subquery(
                    Body.objects.filter(
                        kind=Body.Kind.PARTNERSHIP_MEETING, established__isnull=False
                    )
                    .order_by("established")
                    .values("established")[:1]
                )
            )
        )
        if user.has_perm("annual_report.view_drafts"):
            return reports
        return reports.filter(versions__status=ReportVersion.Status.PUBLISHED).distinct()

    def delete(self):
        """Refused, before anything is deleted, when a report has a published version."""
        locked = self.filter(versions__status=ReportVersion.Status.PUBLISHED).first()
        if locked is not None:
            raise ReportLocked(locked.deletion_refusal())
        return super().delete()


class AnnualReport(models.Model):
    year = models.PositiveSmallIntegerField("år", validators=YEAR_VALIDATORS)
    sector = models.ForeignKey(
        Sector,
        verbose_name="sektor",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Sektorens LSU og organene under den.",
    )
    body = models.ForeignKey(
        Body,
        verbose_name="organ",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Organet og organene under det.",
    )
    # One report per year and scope; the key makes "the whole partnership" unique too, which
    # a constraint over two nullable keys cannot do on every database.
    scope_key = models.CharField(max_length=30, editable=False)
    introduction = models.TextField(
        "innledning", blank=True, help_text="Står først i rapporten, etter innholdsfortegnelsen."
    )
    highlights = models.TextField(
        "høydepunkter", blank=True, help_text="Årets viktigste saker og resultater."
    )
    other_activities = models.TextField(
        "annen samhandling",
        blank=True,
        help_text="Samhandling som ikke er møter i organene, for eksempel hospitering og "
        "kompetansedeling.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()
    objects = AnnualReportQuerySet.as_manager()

    class Meta:
        verbose_name = "årsrapport"
        verbose_name_plural = "årsrapporter"
        ordering = ["-year", "scope_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "scope_key"],
                name="one_annual_report_per_year_and_scope",
                violation_error_message="Det finnes allerede en årsrapport for dette året og "
                "omfanget.",
            ),
            models.CheckConstraint(
                condition=Q(sector__isnull=True) | Q(body__isnull=True),
                name="annual_report_one_scope",
                violation_error_message="Velg enten en sektor eller et organ, ikke begge.",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.scope_key = self.compute_scope_key()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("annual_report:report_detail", args=[self.pk])

    @cached_property
    def scope_label(self) -> str:
        """The scope as it was named in the report's year: a body by its name then (its last
        day that year), the whole partnership as the structure was called then."""
        last_day = date(self.year, 12, 31)
        if self.body_id:
            body = self.body
            return body.name_on(min(last_day, body.dissolved) if body.dissolved else last_day)
        if self.sector_id:
            return str(self.sector)
        try:
            established = self.partnership_established  # annotated by visible_to()
        except AttributeError:
            established = Body.objects.partnership_established()
        return partnership_name(last_day, established)

    @property
    def title(self) -> str:
        return f"Årsrapport {self.year} – {self.scope_label}"

    def published_versions(self):
        return ReportVersion.objects.filter(report_id=self.pk).published()

    def deletion_refusal(self) -> str | None:
        """Why the report cannot be deleted, or None."""
        if guards_are_lifted():
            return None
        numbers = list(self.published_versions().values_list("number", flat=True))
        if not numbers:
            return None
        listed = ", ".join(str(n) for n in sorted(numbers))
        return (
            f"«{self}» kan ikke slettes: versjon {listed} er godkjent og publisert. "
            "En publisert årsrapport blir stående."
        )

    def delete(self, *args, **kwargs):
        if refusal := self.deletion_refusal():
            raise ReportLocked(refusal)
        return super().delete(*args, **kwargs)

    def approving_body(self) -> Body | None:
        """The body that usually approves the report: the body itself, or the sector's LSU."""
        if self.body_id:
            return self.body
        if self.sector_id:
            return Body.objects.filter(kind=Body.Kind.LOCAL_COMMITTEE, sector=self.sector).first()
        return None

    def compute_scope_key(self) -> str:
        if self.body_id:
            return f"organ:{self.body_id}"
        return f"sektor:{self.sector_id}" if self.sector_id else "alle"

    def clean(self):
        if self.sector_id and self.body_id:
            return  # the constraint annual_report_one_scope says so
        # The key is not a form field, so Django's constraint check leaves it out: check here.
        same = AnnualReport.objects.filter(year=self.year, scope_key=self.compute_scope_key())
        if self.year and same.exclude(pk=self.pk).exists():
            raise ValidationError(
                f"Det finnes allerede en årsrapport for {self.year} for {self.scope_label}."
            )


def report_path(instance, filename):
    return generated_name(f"arsrapporter/{instance.report.year}", "rapport.pdf")


class ReportVersionQuerySet(GuardedQuerySet):
    def refuse_update(self, changes: dict) -> None:
        locked = self.published().select_related("report").first()
        if locked is not None:
            raise ReportLocked(locked.change_refusal())

    def published(self):
        return self.filter(status=ReportVersion.Status.PUBLISHED)

    def visible_to(self, user):
        """Readers (directors) see published versions only; the secretariat sees the drafts."""
        if user.has_perm("annual_report.view_drafts"):
            return self
        return self.published()

    def delete(self):
        """Refused, before anything is deleted, when a version is published."""
        locked = self.published().select_related("report").first()
        if locked is not None:
            raise ReportLocked(locked.deletion_refusal())
        return super().delete()


class ReportVersion(models.Model):
    class Status(models.TextChoices):
        DRAFT = "utkast", "Utkast"
        PUBLISHED = "publisert", "Godkjent og publisert"

    report = models.ForeignKey(AnnualReport, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField("versjon")
    status = models.CharField("status", max_length=20, choices=Status.choices, default=Status.DRAFT)
    # What the PDF was made from: the published file can be laid out again from it with the
    # approval, without reading the (since changed) data anew.
    snapshot = models.JSONField(encoder=DjangoJSONEncoder, editable=False)
    pdf = models.FileField("PDF", upload_to=report_path, storage=private_storage, editable=False)
    pdf_size = models.PositiveIntegerField(default=0, editable=False)
    generated_at = models.DateTimeField("generert", editable=False)
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="generert av",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_by = models.ForeignKey(
        Body,
        verbose_name="godkjent av",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_on = models.DateField("godkjent dato", null=True, blank=True)
    approval_remark = models.CharField("merknad", max_length=200, blank=True)
    published_at = models.DateTimeField("publisert", null=True, blank=True, editable=False)

    objects = ReportVersionQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["snapshot"])

    class Meta:
        verbose_name = "versjon av årsrapport"
        verbose_name_plural = "versjoner av årsrapporter"
        ordering = ["report", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["report", "number"], name="report_version_number")
        ]

    def __str__(self):
        return f"{self.report}, versjon {self.number}"

    def save(self, *args, **kwargs):
        """A published version stays as it was approved (approval itself saves a draft)."""
        stored = ReportVersion.objects.filter(pk=self.pk).values_list("status", flat=True).first()
        if stored == self.Status.PUBLISHED and not guards_are_lifted():
            raise ReportLocked(self.change_refusal())
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("annual_report:version_pdf", args=[self.pk])

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    def deletion_refusal(self) -> str | None:
        """Why the version cannot be deleted (it is published, as stored), or None."""
        if guards_are_lifted():
            return None
        stored = ReportVersion.objects.filter(pk=self.pk).values_list("status", flat=True).first()
        if self.Status.PUBLISHED in (self.status, stored):
            return f"«{self}» er godkjent og publisert og kan ikke slettes."
        return None

    def delete(self, *args, **kwargs):
        if refusal := self.deletion_refusal():
            raise ReportLocked(refusal)
        return super().delete(*args, **kwargs)

    def change_refusal(self) -> str:
        return (
            f"«{self}» er godkjent og publisert og kan ikke endres. "
            "Generer en ny versjon og få den godkjent."
        )

    @property
    def filename(self) -> str:
        suffix = "" if self.is_published else f"-utkast-{self.number}"
        return f"{self.report.title}{suffix}.pdf"


@receiver(pre_delete, sender=ReportVersion, dispatch_uid="report_version_locked")
def refuse_deleting_published_version(sender, instance, **kwargs):
    """Every deletion path passes here, a cascade too; the model and querysets refuse before
    they start, which leaves the surrounding transaction usable."""
    if refusal := instance.deletion_refusal():
        raise ReportLocked(refusal)


@receiver(post_delete, sender=ReportVersion, dispatch_uid="report_version_file")
def delete_version_file(sender, instance, **kwargs):
    """The draft's file goes once the deletion is committed (kept if it is rolled back)."""
    if instance.pdf and instance.pdf.name:
        storage, name = instance.pdf.storage, instance.pdf.name
        transaction.on_commit(lambda: storage.delete(name))
