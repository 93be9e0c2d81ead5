"""The governance register: organisations, sectors, bodies, people and memberships.

Everything here has validity dates, because the structure changes over time (the district
reform, Alna's somatic services moving to OUS, leaders taking over). Every model keeps its
full history (django-simple-history) with the acting user.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords


def today() -> date:
    return timezone.localdate()


def validate_period(start: date | None, end: date | None, *, end_field: str) -> None:
    if start and end and end < start:
        raise ValidationError({end_field: "Sluttdato kan ikke være før startdato."})


def periods_overlap(start_a, end_a, start_b, end_b) -> bool:
    """Closed intervals; a missing start or end is open towards the past or the future."""
    return (start_a is None or end_b is None or start_a <= end_b) and (
        start_b is None or end_a is None or start_b <= end_a
    )


class NamedManager(models.Manager):
    """Fixtures may refer to an organisation or body by its unique name."""

    def get_by_natural_key(self, name):
        return self.get(name=name)


class InForceQuerySet(models.QuerySet):
    """Rows with a validity period (`valid_from`/`valid_to`, both inclusive, both optional)."""

    def in_force_on(self, day: date):
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=day),
            Q(valid_to__isnull=True) | Q(valid_to__gte=day),
        )


class OrganisationQuerySet(InForceQuerySet):
    def with_sectors_on(self, day: date):
        """Each organisation with `current_sectors`: its sector assignments in force that day."""
        return self.select_related("parent").prefetch_related(
            models.Prefetch(
                "sector_assignments",
                queryset=SectorAssignment.objects.in_force_on(day).select_related("sector"),
                to_attr="current_sectors",
            )
        )

    def partner_choices(self, day: date, *, keep=(), kind_order=()):
        """The organisations in force on `day`, and `keep` (chosen before) whatever their
        period; by kind in `kind_order` (the rest last), then by name."""
        order = models.Case(
            *[models.When(kind=kind, then=models.Value(i)) for i, kind in enumerate(kind_order)],
            default=models.Value(len(kind_order)),
        )
        in_force = self.model.objects.in_force_on(day).values("pk")
        return (
            self.filter(Q(pk__in=in_force) | Q(pk__in=keep))
            .annotate(kind_order=order)
            .order_by("kind_order", "name")
        )


class Organisation(models.Model):
    class Kind(models.TextChoices):
        MUNICIPALITY = "kommune", "Kommune"
        CITY_DEPARTMENT = "byradsavdeling", "Byrådsavdeling"
        DISTRICT = "bydel", "Bydel"
        AGENCY = "etat", "Etat"
        HOSPITAL = "helseforetak", "Sykehus"
        REGIONAL_HEALTH_AUTHORITY = "rhf", "Regionalt helseforetak"
        REPRESENTATIVE = "representasjon", "Interesse- og representasjonsorganisasjon"
        OTHER = "annen", "Annen virksomhet"

    class Ownership(models.TextChoices):
        PUBLIC = "offentlig", "Offentlig"
        NON_PROFIT = "ideell", "Ideell"
        PRIVATE = "privat", "Privat"

    name = models.CharField("navn", max_length=200, unique=True)
    short_name = models.CharField("kortnavn", max_length=30, blank=True)
    kind = models.CharField("type", max_length=20, choices=Kind.choices)
    ownership = models.CharField("eierskap", max_length=20, choices=Ownership.choices, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name="overordnet",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    valid_from = models.DateField("gyldig fra", null=True, blank=True)
    valid_to = models.DateField("gyldig til", null=True, blank=True)
    note = models.TextField("merknad", blank=True)

    history = HistoricalRecords()
    objects = NamedManager.from_queryset(OrganisationQuerySet)()

    class Meta:
        verbose_name = "virksomhet"
        verbose_name_plural = "virksomheter"
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("organisation_detail", args=[self.pk])

    def natural_key(self):
        return (self.name,)

    def clean(self):
        validate_period(self.valid_from, self.valid_to, end_field="valid_to")
        if self.parent_id and self.parent_id == self.pk:
            raise ValidationError({"parent": "En virksomhet kan ikke ligge under seg selv."})


class Sector(models.Model):
    """A sector hospital's catchment area (opptaksområde): OUS, Ahus, Lovisenberg, Diakonhjemmet."""

    name = models.CharField("navn", max_length=100, unique=True)
    short_name = models.CharField("kortnavn", max_length=20, unique=True)
    hospital = models.ForeignKey(
        Organisation,
        verbose_name="sektorsykehus",
        on_delete=models.PROTECT,
        related_name="sectors",
        limit_choices_to={"kind": Organisation.Kind.HOSPITAL},
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "sektor"
        verbose_name_plural = "sektorer"
        ordering = ["name"]

    def __str__(self):
        return self.name


class SectorAssignmentQuerySet(InForceQuerySet):
    def with_related(self):
        return self.select_related("organisation", "sector", "sector__hospital")

    def chronological(self):
        # An unknown start means "since before our records": first, on every database.
        return self.order_by("service_area", F("valid_from").asc(nulls_first=True))


class SectorAssignment(models.Model):
    """Which sector hospital serves an organisation's population, per service area and period.

    Example: Bydel Alna belongs to Ahus for somatic services until 31.12.2025 and to OUS
    from 1.1.2026, while it stays with Ahus for mental health.
    """

    class ServiceArea(models.TextChoices):
        ALL = "alle", "Alle tjenester"
        SOMATIC = "somatikk", "Somatikk"
        MENTAL_HEALTH = "psykisk_helse", "Psykisk helse og avhengighet"
        CHILDREN = "barn_unge", "Psykisk helse barn og unge"

    organisation = models.ForeignKey(
        Organisation,
        verbose_name="virksomhet",
        on_delete=models.CASCADE,
        related_name="sector_assignments",
    )
    sector = models.ForeignKey(
        Sector, verbose_name="sektor", on_delete=models.PROTECT, related_name="assignments"
    )
    service_area = models.CharField(
        "tjenesteområde", max_length=20, choices=ServiceArea.choices, default=ServiceArea.ALL
    )
    valid_from = models.DateField("gyldig fra", null=True, blank=True)
    valid_to = models.DateField("gyldig til", null=True, blank=True)
    source = models.CharField(
        "kilde", max_length=300, blank=True, help_text="Hvor endringen er besluttet eller omtalt."
    )

    history = HistoricalRecords()
    objects = SectorAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = "sektortilhørighet"
        verbose_name_plural = "sektortilhørigheter"
        ordering = ["organisation__name", "service_area", F("valid_from").asc(nulls_first=True)]

    def __str__(self):
        return f"{self.organisation} – {self.sector} ({self.get_service_area_display().lower()})"

    def clean(self):
        validate_period(self.valid_from, self.valid_to, end_field="valid_to")
        if not self.organisation_id:
            return
        # One sector per service area at a time; "all services" overlaps every area.
        same_area = Q(service_area=self.service_area)
        if self.service_area != self.ServiceArea.ALL:
            same_area |= Q(service_area=self.ServiceArea.ALL)
        others = (
            SectorAssignment.objects.filter(organisation_id=self.organisation_id)
            .filter(same_area if self.service_area != self.ServiceArea.ALL else Q())
            .exclude(pk=self.pk)
            .select_related("sector")
        )
        for other in others:
            if periods_overlap(self.valid_from, self.valid_to, other.valid_from, other.valid_to):
                raise ValidationError(
                    f"Perioden overlapper med en annen sektortilhørighet for samme "
                    f"tjenesteområde: {other.sector} ({other.get_service_area_display()})."
                )


class BodyQuerySet(models.QuerySet):
    def as_tree(self, day: date) -> list["BodyNode"]:
        """The bodies as nested nodes with their current member count and composition gaps.

        Two queries whatever the number of bodies: the bodies, and their active memberships.
        """
        bodies = list(self.select_related("sector").order_by("position", "name"))
        active = defaultdict(list)
        for membership in (
            Membership.objects.active_on(day)
            .filter(body__in=[body.pk for body in bodies])
            .only("body_id", "representative_kind")
        ):
            active[membership.body_id].append(membership)
        nodes = {
            body.pk: BodyNode(
                body=body,
                member_count=len(active[body.pk]),
                missing=body.missing_representatives(active[body.pk]),
            )
            for body in bodies
        }
        roots = []
        for body in bodies:
            parent = nodes.get(body.parent_id)
            (parent.children if parent else roots).append(nodes[body.pk])
        return roots


class Body(models.Model):
    """A body of the partnership: the partnership meeting, SSU, AU, the LSUs, councils, networks."""

    class Kind(models.TextChoices):
        PARTNERSHIP_MEETING = "partnerskapsmote", "Partnerskapsmøte"
        STRATEGIC_COMMITTEE = "ssu", "Strategisk samarbeidsutvalg"
        WORKING_COMMITTEE = "arbeidsutvalg", "Arbeidsutvalg"
        LOCAL_COMMITTEE = "lsu", "Lokalt samarbeidsutvalg"
        COUNCIL = "fagrad", "Fagråd / samarbeidsforum"
        NETWORK = "nettverk", "Nettverk"
        AD_HOC = "adhoc", "Ad hoc-gruppe"
        OTHER = "annet", "Annet forum"

    name = models.CharField("navn", max_length=200, unique=True)
    short_name = models.CharField("kortnavn", max_length=30, blank=True)
    kind = models.CharField("type", max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name="ligger under",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    sector = models.ForeignKey(
        Sector,
        verbose_name="sektor",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bodies",
        help_text="For lokale samarbeidsutvalg og forum under dem.",
    )
    mandate = models.TextField("mandat", blank=True)
    secretariat = models.TextField(
        "sekretariat",
        blank=True,
        help_text="Hvem som har sekretariatet, for eksempel «roterer mellom Oslo kommune og OUS».",
    )
    requires_representatives = models.BooleanField(
        "skal ha fastlege-, bruker- og tillitsvalgtrepresentant",
        default=False,
        help_text="Gjelder LSU, samarbeidsforum for somatikk, psykisk helse og barn og unge, "
        "og ad hoc-grupper.",
    )
    former_names = models.CharField("tidligere navn", max_length=300, blank=True)
    established = models.DateField("opprettet", null=True, blank=True)
    dissolved = models.DateField("nedlagt", null=True, blank=True)
    position = models.PositiveSmallIntegerField(
        "rekkefølge", default=100, help_text="Sortering blant organer på samme nivå."
    )

    history = HistoricalRecords()
    objects = NamedManager.from_queryset(BodyQuerySet)()

    class Meta:
        verbose_name = "organ"
        verbose_name_plural = "organer"
        ordering = ["position", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("body_detail", args=[self.pk])

    def natural_key(self):
        return (self.name,)

    def clean(self):
        validate_period(self.established, self.dissolved, end_field="dissolved")
        ancestor = self.parent
        while ancestor is not None:
            if ancestor.pk == self.pk:
                raise ValidationError({"parent": "Et organ kan ikke ligge under seg selv."})
            ancestor = ancestor.parent

    def missing_representatives(self, memberships) -> list[str]:
        """Labels of the representative kinds the composition rule demands but nobody fills.

        `memberships` are the body's active memberships, already loaded by the caller.
        """
        if not self.requires_representatives:
            return []
        present = {m.representative_kind for m in memberships}
        return [
            kind.label
            for kind in Membership.RepresentativeKind
            if kind != Membership.RepresentativeKind.NONE and kind not in present
        ]


@dataclass
class BodyNode:
    body: "Body"
    member_count: int
    missing: list[str]
    children: list["BodyNode"] = field(default_factory=list)


class PersonQuerySet(models.QuerySet):
    def with_related(self):
        return self.select_related("organisation", "user")

    def search(self, text: str):
        """People whose name, title or organisation contains the text; all when it is empty."""
        if not text:
            return self.order_by("name")
        return self.filter(
            Q(name__icontains=text)
            | Q(title__icontains=text)
            | Q(organisation__name__icontains=text)
        ).order_by("name")


class Person(models.Model):
    name = models.CharField("navn", max_length=200)
    title = models.CharField("stilling", max_length=200, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name="virksomhet",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="people",
    )
    email = models.EmailField("e-post", blank=True)
    phone = models.CharField("telefon", max_length=30, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="brukerkonto",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
    )
    note = models.TextField("merknad", blank=True)

    history = HistoricalRecords()
    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = "person"
        verbose_name_plural = "personer"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                "organisation",
                name="person_unique_name_per_organisation",
                violation_error_message="Personen finnes allerede i registeret med samme navn "
                "og virksomhet.",
            ),
            models.UniqueConstraint(
                Lower("email"),
                condition=~Q(email=""),
                name="person_unique_email",
                violation_error_message="En annen person i registeret har allerede denne "
                "e-postadressen.",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("person_detail", args=[self.pk])

    @property
    def title_and_organisation(self) -> str:
        return ", ".join(part for part in (self.title, str(self.organisation or "")) if part)


class MembershipQuerySet(models.QuerySet):
    def active_on(self, day: date):
        return self.active_during(day, day)

    def current(self):
        return self.active_on(today())

    def active_during(self, first: date, last: date):
        """Memberships active on at least one day of the period (both ends inclusive)."""
        return self.filter(
            Q(start__isnull=True) | Q(start__lte=last),
            Q(end__isnull=True) | Q(end__gte=first),
        )

    def not_ended_before(self, day: date):
        """Memberships running on `day`, starting later, or ended on it or after."""
        return self.filter(Q(end__isnull=True) | Q(end__gte=day))

    def ended_before(self, day: date):
        return self.filter(end__lt=day)

    def with_related(self):
        return self.select_related(
            "person", "person__organisation", "organisation", "body", "deputy_for__person"
        )

    def leading_roles(self):
        return self.filter(role__in=Membership.LEADING_ROLES)

    def newest_first(self):
        # An unknown start counts as oldest, on every database (PostgreSQL and SQLite differ).
        return self.order_by(F("start").desc(nulls_last=True), "body__name")


class Membership(models.Model):
    class Role(models.TextChoices):
        LEADER = "leder", "Leder"
        DEPUTY_LEADER = "nestleder", "Nestleder"
        MEMBER = "medlem", "Medlem"
        DEPUTY = "vara", "Vara"
        OBSERVER = "observator", "Observatør"
        SECRETARY = "sekretar", "Sekretær"

    class RepresentativeKind(models.TextChoices):
        NONE = "", "—"
        GP = "fastlege", "Fastlegerepresentant"
        USER = "bruker", "Brukerrepresentant"
        UNION = "tillitsvalgt", "Tillitsvalgt / ansattrepresentant"

    # Roles that lead a body's work: they approve minutes and prioritise applications.
    LEADING_ROLES = (Role.LEADER, Role.DEPUTY_LEADER, Role.SECRETARY)

    person = models.ForeignKey(
        Person, verbose_name="person", on_delete=models.PROTECT, related_name="memberships"
    )
    body = models.ForeignKey(
        Body, verbose_name="organ", on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField("rolle", max_length=20, choices=Role.choices, default=Role.MEMBER)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name="representerer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
    )
    representative_kind = models.CharField(
        "representanttype",
        max_length=20,
        choices=RepresentativeKind.choices,
        blank=True,
        default=RepresentativeKind.NONE,
    )
    position = models.CharField(
        "stilling og virksomhet",
        max_length=200,
        blank=True,
        help_text="Slik den står i referat og årsrapport, for eksempel «Adm. direktør, Ahus».",
    )
    deputy_for = models.ForeignKey(
        "self",
        verbose_name="vara for",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deputies",
    )
    start = models.DateField("fra", null=True, blank=True, help_text="Tom hvis ukjent.")
    end = models.DateField("til", null=True, blank=True, help_text="Siste dag i vervet.")
    source = models.CharField(
        "kilde",
        max_length=300,
        blank=True,
        help_text="Hvor endringen er meldt, for eksempel «Partnerskapsmøtet 14.10.2025».",
    )

    history = HistoricalRecords()
    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = "medlemskap"
        verbose_name_plural = "medlemskap"
        ordering = ["body__position", "body__name", "person__name"]
        indexes = [models.Index(fields=["body", "end"]), models.Index(fields=["person", "end"])]

    def __str__(self):
        return f"{self.person} – {self.get_role_display().lower()} i {self.body}"

    def get_absolute_url(self):
        return reverse("membership_edit", args=[self.pk])

    def is_active_on(self, day: date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or self.end >= day)

    def clean(self):
        validate_period(self.start, self.end, end_field="end")
        if self.deputy_for_id and self.deputy_for.body_id != self.body_id:
            raise ValidationError({"deputy_for": "Vara må være for et medlem av samme organ."})
        if self.role == self.Role.LEADER and self.body_id:
            self._check_single_leader()

    def _check_single_leader(self):
        leaders = (
            Membership.objects.filter(body_id=self.body_id, role=self.Role.LEADER)
            .exclude(pk=self.pk)
            .select_related("person")
        )
        for other in leaders:
            if periods_overlap(self.start, self.end, other.start, other.end):
                raise ValidationError(
                    {
                        "role": f"{self.body} har allerede en leder i denne perioden: "
                        f"{other.person} ({other.period_display}). Avslutt det vervet først."
                    }
                )

    @property
    def period_display(self) -> str:
        def fmt(day):
            return day.strftime("%d.%m.%Y") if day else ""

        if not self.start and not self.end:
            return "periode ukjent"
        return f"{fmt(self.start) or '…'}–{fmt(self.end)}"


# Documents made in the background (a model of the foundations, defined beside its process).
from .jobs import DocumentJob  # noqa: E402, F401
