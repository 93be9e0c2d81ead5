"""The governance register: organisations, sectors, bodies, people and memberships.

Everything here has validity dates, because the structure changes over time (the district
reform, Alna's somatic services moving to OUS, leaders taking over). Every model keeps its
full history (django-simple-history) with the acting user.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
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
        return self.in_force_during(day, day)

    def in_force_during(self, first: date, last: date):
        """Rows in force on at least one day of the period (both ends inclusive)."""
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=last),
            Q(valid_to__isnull=True) | Q(valid_to__gte=first),
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
    def with_names(self):
        """Each body with its earlier names loaded, so `name_on(day)` asks nothing more."""
        return self.prefetch_related("names")

    def existing_during(self, first: date, last: date):
        """Bodies that existed on at least one day of the period (an unknown establishment
        date means "since before our records", an unknown closing date "still exists")."""
        return self.filter(
            Q(established__isnull=True) | Q(established__lte=last),
            Q(dissolved__isnull=True) | Q(dissolved__gte=first),
        )

    def existing_on(self, day: date):
        return self.existing_during(day, day)

    def partnership_established(self) -> date | None:
        """The day Helsefellesskap Oslo was established: its partnership meeting's first day."""
        return self.filter(kind=Body.Kind.PARTNERSHIP_MEETING).aggregate(
            first=models.Min("established")
        )["first"]

    def as_tree(self, day: date) -> list["BodyNode"]:
        """The bodies that existed on `day` as nested nodes, named as they were named that
        day, with their member count on `day` and what their composition requirements in
        force that day lack. A body whose parent did not exist that day stands at the top.

        Four queries whatever the number of bodies: the bodies, their earlier names, their
        active memberships and their requirements in force.
        """
        bodies = list(
            self.existing_on(day).with_names().select_related("sector").order_by("position", "name")
        )
        body_ids = [body.pk for body in bodies]
        active = defaultdict(list)
        for membership in (
            Membership.objects.active_on(day)
            .filter(body__in=body_ids)
            .only("body_id", "role", "representative_kind", "seat_id")
        ):
            active[membership.body_id].append(membership)
        requirements = CompositionRequirement.objects.for_bodies_on(body_ids, day)
        nodes = {
            body.pk: BodyNode(
                body=body,
                name=body.name_on(day),
                member_count=len(active[body.pk]),
                missing=composition_gaps(
                    composition_status(requirements[body.pk], active[body.pk])
                ),
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
    established = models.DateField(
        "opprettet", null=True, blank=True, help_text="Tom hvis ukjent (fra før registeret)."
    )
    dissolved = models.DateField(
        "nedlagt", null=True, blank=True, help_text="Siste dag organet fantes."
    )
    period_source = models.CharField(
        "kilde for perioden",
        max_length=300,
        blank=True,
        help_text="Hvor opprettelse og nedleggelse står, og om bare året er kjent.",
    )
    successor = models.ForeignKey(
        "self",
        verbose_name="videreført som",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="predecessors",
        help_text="Organet som overtok da dette ble nedlagt.",
    )
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
        if self.successor_id and self.successor_id == self.pk:
            raise ValidationError({"successor": "Et organ kan ikke videreføres som seg selv."})
        if self.successor_id and not self.dissolved:
            raise ValidationError(
                {"dissolved": "Oppgi når organet ble nedlagt, når et annet organ overtok."}
            )

    def existed_during(self, first: date, last: date) -> bool:
        return (self.established is None or self.established <= last) and (
            self.dissolved is None or self.dissolved >= first
        )

    def _earlier_name_on(self, day: date) -> "BodyName | None":
        if self.pk is None:  # a body not saved (yet) has no earlier names
            return None
        # `names.all()` is the prefetched list where the caller used `with_names()`.
        return next((name for name in self.names.all() if name.used_on(day)), None)

    def name_on(self, day: date) -> str:
        """The name the body had on `day`: an earlier name whose period covers the day, else
        its name today."""
        earlier = self._earlier_name_on(day)
        return earlier.name if earlier else self.name

    def short_name_on(self, day: date) -> str:
        earlier = self._earlier_name_on(day)
        return earlier.short_name if earlier else self.short_name

    def names_over_time(self) -> list["NamePeriod"]:
        """The earlier names, oldest first (undated ones first of all), then today's name
        from the day after the last dated one ended (or from the establishment)."""
        earlier = sorted(
            self.names.all(),
            key=lambda n: (n.valid_to is not None, n.valid_to or date.min, n.name),
        )
        periods = [
            NamePeriod(n.name, n.short_name, n.valid_from, n.valid_to, n.source, n.pk)
            for n in earlier
        ]
        ends = [n.valid_to for n in earlier if n.valid_to]
        since = max(ends) + timedelta(days=1) if ends else self.established
        periods.append(NamePeriod(self.name, self.short_name, since, self.dissolved, ""))
        return periods


class BodyName(models.Model):
    """An earlier name of a body ("Direktørmøtet" before the LSUs), with its short name and the
    days it was used. The body's own `name` is its name after the last of them. An earlier
    name without an end date is kept and listed, but not used for any date."""

    body = models.ForeignKey(
        Body, verbose_name="organ", on_delete=models.CASCADE, related_name="names"
    )
    name = models.CharField("navn", max_length=200)
    short_name = models.CharField("kortnavn", max_length=30, blank=True)
    valid_from = models.DateField("brukt fra", null=True, blank=True, help_text="Tom hvis ukjent.")
    valid_to = models.DateField(
        "brukt til",
        null=True,
        blank=True,
        help_text="Siste dag navnet ble brukt. Tom hvis ukjent: da brukes navnet ikke for "
        "noen dato, men vises som tidligere navn.",
    )
    source = models.CharField(
        "kilde", max_length=300, blank=True, help_text="Hvor navnet og perioden står."
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "tidligere navn"
        verbose_name_plural = "tidligere navn"
        ordering = [F("valid_to").asc(nulls_first=True), "name"]

    def __str__(self):
        return f"{self.name} ({self.period_display})"

    def used_on(self, day: date) -> bool:
        return (
            self.valid_to is not None
            and self.valid_to >= day
            and (self.valid_from is None or self.valid_from <= day)
        )

    @property
    def period_display(self) -> str:
        return NamePeriod(self.name, self.short_name, self.valid_from, self.valid_to, "").display

    def clean(self):
        validate_period(self.valid_from, self.valid_to, end_field="valid_to")
        if not self.body_id or self.valid_to is None:
            return
        others = BodyName.objects.filter(body_id=self.body_id, valid_to__isnull=False).exclude(
            pk=self.pk
        )
        for other in others:
            if periods_overlap(self.valid_from, self.valid_to, other.valid_from, other.valid_to):
                raise ValidationError(f"Perioden overlapper med et annet tidligere navn: {other}.")


@dataclass(frozen=True)
class NamePeriod:
    name: str
    short_name: str
    valid_from: date | None
    valid_to: date | None
    source: str
    pk: int | None = None

    @property
    def display(self) -> str:
        if not self.valid_from and not self.valid_to:
            return "periode ukjent"
        return f"{format_day(self.valid_from) or '…'}–{format_day(self.valid_to)}"


def format_day(day: date | None) -> str:
    return day.strftime("%d.%m.%Y") if day else ""


@dataclass
class BodyNode:
    body: "Body"
    name: str
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
        """Memberships active on at least one day of the period (both ends inclusive).

        Every membership has a start: where the real start is unknown (`start_unknown`) it is
        the first date a source confirms, so no membership counts before it is confirmed.
        """
        return self.filter(start__lte=last).filter(Q(end__isnull=True) | Q(end__gte=first))

    def not_ended_before(self, day: date):
        """Memberships running on `day`, starting later, or ended on it or after."""
        return self.filter(Q(end__isnull=True) | Q(end__gte=day))

    def ended_before(self, day: date):
        return self.filter(end__lt=day)

    def with_related(self):
        return self.select_related(
            "person", "person__organisation", "organisation", "body", "deputy_for__person", "seat"
        )

    def leading_roles(self):
        return self.filter(role__in=Membership.LEADING_ROLES)

    def newest_first(self):
        return self.order_by("-start", "body__name")


class Membership(models.Model):
    class Role(models.TextChoices):
        LEADER = "leder", "Leder"
        DEPUTY_LEADER = "nestleder", "Nestleder"
        MEMBER = "medlem", "Medlem"
        DEPUTY = "vara", "Vara"
        OBSERVER = "observator", "Observatør"
        SECRETARY = "sekretar", "Sekretær"

    class RepresentativeKind(models.TextChoices):
        """The kinds of representative the sources name. They use two words for the
        employees' side and a body's requirement uses the one its source uses: the OUS LSU
        and its fora are to have «tillitsvalgte» (board papers 19/2021 and 98/2024), SSU
        «ansattrepresentanter» (98/2024)."""

        NONE = "", "—"
        GP = "fastlege", "Fastlegerepresentant"
        USER = "bruker", "Brukerrepresentant"
        UNION = "tillitsvalgt", "Tillitsvalgtrepresentant"
        EMPLOYEE = "ansatt", "Ansattrepresentant"

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
    seat = models.ForeignKey(
        "CompositionRequirement",
        verbose_name="plass",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="holders",
        limit_choices_to=~Q(seat=""),
        help_text="Den navngitte plassen i organets sammensetning som vervet fyller, for "
        "eksempel «Samhandlingsoverlege, Oslo universitetssykehus HF».",
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
    start = models.DateField(
        "fra",
        help_text="Første dag i vervet. Er den ukjent: den første datoen en kilde bekrefter "
        "vervet, og kryss av for «startdato ukjent».",
    )
    start_unknown = models.BooleanField(
        "startdato ukjent – første bekreftede dato",
        default=False,
        help_text="«Fra» er da ikke vervets første dag, men den første datoen en kilde "
        "bekrefter det (for eksempel et referat). Vervet telles aldri før den.",
    )
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
        return self.start <= day and (self.end is None or self.end >= day)

    def clean(self):
        validate_period(self.start, self.end, end_field="end")
        if self.deputy_for_id and self.deputy_for.body_id != self.body_id:
            raise ValidationError({"deputy_for": "Vara må være for et medlem av samme organ."})
        if self.seat_id and (self.seat.body_id != self.body_id or not self.seat.seat):
            raise ValidationError({"seat": "Velg en navngitt plass i dette organet."})
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
    def start_display(self) -> str:
        if self.start_unknown:
            return f"ukjent, bekreftet fra {format_day(self.start)}"
        return format_day(self.start)

    @property
    def body_name(self) -> str:
        """The body's name while the membership lasted (on its last day, or today for one
        that runs on): a 2019 member sat in «Direktørmøtet (Ahus-sektoren)», as the annual
        report says, not in the LSU it became."""
        day = today()
        return self.body.name_on(self.end if self.end and self.end < day else day)

    @property
    def period_display(self) -> str:
        """«01.01.2024–14.10.2025»; «ukjent, bekreftet fra 14.10.2025–» where the start is
        only the first date a source confirms."""
        return f"{self.start_display}–{format_day(self.end)}"


class CompositionRequirementQuerySet(InForceQuerySet):
    def for_bodies_on(self, body_ids, day: date) -> defaultdict:
        """The requirements in force on `day` of each of the bodies, by body id (one query)."""
        by_body = defaultdict(list)
        for requirement in self.in_force_on(day).filter(body__in=body_ids):
            by_body[requirement.body_id].append(requirement)
        return by_body


class CompositionRequirement(models.Model):
    """What a body's composition must include from a date, as a source states it: a kind of
    representative («brukerrepresentant»), or a named seat («Samhandlingsoverlege, Oslo
    universitetssykehus HF»), `count` of them.

    A kind is filled by members with that representative kind, a seat by the memberships that
    point at it (`Membership.seat`): a seat cannot be matched by organisation, since the OUS
    LSU's four OUS seats are all held by people of the same organisation. Deputies fill
    neither: they stand in for the member who holds the place.
    """

    body = models.ForeignKey(
        Body, verbose_name="organ", on_delete=models.CASCADE, related_name="requirements"
    )
    representative_kind = models.CharField(
        "representanttype",
        max_length=20,
        choices=Membership.RepresentativeKind.choices,
        blank=True,
        help_text="Fyll ut enten representanttype eller navngitt plass.",
    )
    seat = models.CharField(
        "navngitt plass",
        max_length=200,
        blank=True,
        help_text="Plassen slik kilden navngir den, for eksempel «Etatsdirektør, "
        "Sykehjemsetaten». Et medlemskap fyller den ved å peke på den.",
    )
    count = models.PositiveSmallIntegerField(
        "antall",
        default=1,
        validators=[MinValueValidator(1)],
        help_text="For eksempel 6 for «bydelsdirektørene i de seks bydelene».",
    )
    valid_from = models.DateField(
        "gjelder fra", null=True, blank=True, help_text="Tom hvis ukjent."
    )
    valid_to = models.DateField("gjelder til", null=True, blank=True)
    source = models.CharField(
        "kilde", max_length=300, blank=True, help_text="Hvor kravet står, for eksempel en styresak."
    )

    history = HistoricalRecords()
    objects = CompositionRequirementQuerySet.as_manager()

    class Meta:
        verbose_name = "krav til sammensetning"
        verbose_name_plural = "krav til sammensetning"
        ordering = ["pk"]  # as the source lists them
        constraints = [
            models.CheckConstraint(
                condition=(Q(representative_kind="") & ~Q(seat=""))
                | (~Q(representative_kind="") & Q(seat="")),
                name="requirement_is_a_kind_or_a_seat",
                violation_error_message="Et krav er enten en representanttype eller en "
                "navngitt plass.",
            ),
            models.CheckConstraint(
                condition=Q(count__gte=1),
                name="requirement_count_at_least_one",
                violation_error_message="Antall må være minst 1.",
            ),
        ]

    def __str__(self):
        return self.demand

    def clean(self):
        validate_period(self.valid_from, self.valid_to, end_field="valid_to")
        if bool(self.representative_kind) == bool(self.seat.strip()):
            raise ValidationError(
                {"seat": "Fyll ut enten representanttype eller navngitt plass (ikke begge)."}
            )

    def is_in_force_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or self.valid_to >= day
        )

    @property
    def demand(self) -> str:
        """What is demanded, as a sentence would say it: «brukerrepresentant», «2
        brukerrepresentanter», «Klinikkleder, OUS», «Bydelsdirektør (6 plasser)»."""
        if self.seat:
            return self.seat if self.count == 1 else f"{self.seat} ({self.count} plasser)"
        label = self.get_representative_kind_display().lower()
        return label if self.count == 1 else f"{self.count} {label}er"

    def holders_among(self, memberships) -> list["Membership"]:
        """The memberships (those active on the day in question) that fill this requirement."""
        return [
            m
            for m in memberships
            if m.role != Membership.Role.DEPUTY
            and (
                m.seat_id == self.pk
                if self.seat
                else m.representative_kind == self.representative_kind
            )
        ]


@dataclass
class RequirementStatus:
    """A requirement and the memberships that fill it on one day."""

    requirement: CompositionRequirement
    holders: list[Membership]

    @property
    def gap(self) -> str:
        """What is missing, in Norwegian, or "" when the requirement is filled:
        «Mangler brukerrepresentant», «Mangler 1 av 2: brukerrepresentant»,
        «Ledig plass: Klinikkleder, OUS», «Ledig plass: Bydelsdirektør (4 av 6 ledige)»."""
        requirement = self.requirement
        missing = requirement.count - len(self.holders)
        if missing <= 0:
            return ""
        if requirement.seat:
            of = f" ({missing} av {requirement.count} ledige)" if requirement.count > 1 else ""
            return f"Ledig plass: {requirement.seat}{of}"
        label = requirement.get_representative_kind_display().lower()
        if requirement.count > 1:
            return f"Mangler {missing} av {requirement.count}: {label}"
        return f"Mangler {label}"


def composition_status(requirements, memberships) -> list[RequirementStatus]:
    """Each requirement (kinds first, then seats, each in the source's order) with its holders
    among the memberships; both are those of one body on one day, already loaded."""
    ordered = sorted(requirements, key=lambda requirement: bool(requirement.seat))
    return [RequirementStatus(r, r.holders_among(memberships)) for r in ordered]


def composition_gaps(statuses: list[RequirementStatus]) -> list[str]:
    """What the requirements lack (`statuses` from composition_status), each said once."""
    return list(dict.fromkeys(status.gap for status in statuses if status.gap))


# Documents made in the background (a model of the foundations, defined beside its process).
from .jobs import DocumentJob  # noqa: E402, F401

# PDFs kept once made (approved minutes), defined beside their process.
from .kept_pdfs import KeptPdf  # noqa: E402, F401
