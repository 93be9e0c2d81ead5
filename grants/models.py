"""The recruitment and cooperation grant (rekrutterings- og samhandlingstilskudd): the scheme,
a round per year with an allocation per sector, and the applications with their budgets.

An application moves through its states only by the transitions in `workflow.py`
(django-fsm-2, the field is protected); each checks who may do it and in which state, and
records who, when and why in the history.
"""

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q, Sum
from django.db.models.signals import m2m_changed, pre_delete, pre_save
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from simple_history.models import HistoricalRecords

from helsefellesskap.files import generated_name, private_storage
from helsefellesskap.formatting import nok
from helsefellesskap.models import Organisation, Sector
from helsefellesskap.records import GuardedQuerySet, guards_are_lifted
from meetings.models import Item
from portfolio.models import FocusArea, Measure

MUNICIPAL_KINDS = (
    Organisation.Kind.MUNICIPALITY,
    Organisation.Kind.CITY_DEPARTMENT,
    Organisation.Kind.DISTRICT,
    Organisation.Kind.AGENCY,
)
HOSPITAL_KINDS = (Organisation.Kind.HOSPITAL,)

Amount = models.DecimalField  # kroner with øre; never negative (validators below)
NOT_NEGATIVE = [MinValueValidator(Decimal("0"), "Beløpet kan ikke være negativt.")]


class Scheme(models.Model):
    """A grant scheme: "Rekrutterings- og samhandlingstilskudd"."""

    name = models.CharField("navn", max_length=200, unique=True)
    description = models.TextField("beskrivelse", blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "tilskuddsordning"
        verbose_name_plural = "tilskuddsordninger"

    def __str__(self):
        return self.name


class Round(models.Model):
    """One year's round of a scheme: its deadline, the total, and the invited focus areas.

    A round whose source states no deadline (the 2024 round) has none: it is shown as "ikke
    oppgitt" and takes no applications, since nobody can say until when it would."""

    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="rounds")
    year = models.PositiveSmallIntegerField("år")
    deadline = models.DateTimeField(
        "søknadsfrist",
        null=True,
        blank=True,
        help_text="La stå tom når kilden ikke oppgir fristen: runden tar da ikke imot søknader.",
    )
    total_amount = Amount(
        "samlet ramme",
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=NOT_NEGATIVE,
        help_text="For eksempel 92,9 millioner kroner til Helse Sør-Øst i 2024.",
    )
    description = models.TextField("beskrivelse", blank=True)
    invited_areas = models.ManyToManyField(
        FocusArea, verbose_name="inviterte innsatsområder", blank=True, related_name="grant_rounds"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "tilskuddsrunde"
        verbose_name_plural = "tilskuddsrunder"
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "year"], name="one_round_per_scheme_year")
        ]

    def __str__(self):
        return f"{self.scheme} {self.year}"

    def get_absolute_url(self):
        return reverse("grants:round_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.deadline is not None and timezone.now() <= self.deadline

    @property
    def closed_reason(self) -> str:
        """Why the round takes no applications, in Norwegian ("" while it is open)."""
        if self.deadline is None:
            return f"{self} har ingen oppgitt søknadsfrist og tar ikke imot søknader."
        if self.is_open:
            return ""
        return (
            f"Søknadsfristen for {self} gikk ut "
            f"{timezone.localtime(self.deadline):%d.%m.%Y kl. %H.%M}."
        )


REFERENCE_PREFIX = "RST"  # rekrutterings- og samhandlingstilskudd


class ReferenceCounter(models.Model):
    """The last reference number given to an application in a year; see numbering.py."""

    year = models.PositiveSmallIntegerField("år", unique=True)
    last_number = models.PositiveIntegerField("sist brukte nummer", default=0)

    class Meta:
        verbose_name = "teller for referansenumre"
        verbose_name_plural = "tellere for referansenumre"

    def __str__(self):
        return f"Sist brukte referansenummer i {self.year} er {self.last_number}"


class Allocation(models.Model):
    """What a sector has to distribute in a round: OUS sector 2024, 17 240 000 kr."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="allocations")
    sector = models.ForeignKey(Sector, on_delete=models.PROTECT, related_name="grant_allocations")
    amount = Amount("ramme", max_digits=14, decimal_places=2, validators=NOT_NEGATIVE)
    decided_by = models.CharField(
        "vedtatt av",
        max_length=200,
        blank=True,
        help_text="For eksempel «Styret i Helse Sør-Øst 27.09.2024».",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "tildelingsramme"
        verbose_name_plural = "tildelingsrammer"
        constraints = [
            models.UniqueConstraint(fields=["round", "sector"], name="one_allocation_per_sector")
        ]

    def __str__(self):
        return f"{self.sector}: {self.amount} kr ({self.round})"

    def granted_total(self) -> Decimal:
        return self.round.applications.filter(
            sector=self.sector, state=Application.State.GRANTED
        ).aggregate(total=Sum("amount_granted"))["total"] or Decimal("0")

    def remaining(self) -> Decimal:
        return self.amount - self.granted_total()


class ApplicationQuerySet(GuardedQuerySet):
    def refuse_update(self, changes: dict) -> None:
        refuse_if_decided(self.values("pk"))

    def visible_to(self, user):
        """Who sees what: the secretariat all; decision makers and SSU's members what the
        LSUs forwarded; an LSU's members their sector's applications (drafts only their own)."""
        from .permissions import is_decision_maker, is_secretariat, is_ssu_member, sectors_of

        if is_secretariat(user):
            return self
        visible = Q(created_by=user)
        if is_decision_maker(user):
            visible |= Q(state__in=Application.FORWARDED_STATES)
        sectors = sectors_of(user)
        if sectors:
            visible |= Q(sector__in=sectors) & ~Q(state=Application.State.DRAFT)
        if is_ssu_member(user):
            visible |= Q(state__in=Application.FORWARDED_STATES)
        return self.filter(visible)

    def forwarded_in(self, round):
        """What the LSUs sent on to SSU in a round, decided or not: by sector, in rank order."""
        return (
            self.filter(round=round, state__in=Application.FORWARDED_STATES)
            .with_related()
            .order_by("sector__name", models.F("lsu_rank").asc(nulls_last=True), "title", "pk")
        )

    def continuable(self, round, sectors, *, keep: int | None = None):
        """What an application to `round` may continue: earlier grants of the scheme to the
        applicant's own sector(s) (others' are not theirs to see), and `keep`, chosen before."""
        earlier = Q(
            state=Application.State.GRANTED,
            round__scheme_id=round.scheme_id,
            round__year__lt=round.year,
            sector__in=list(sectors),
        )
        if keep:
            earlier |= Q(pk=keep)
        return (
            self.filter(earlier).select_related("round", "sector").order_by("-round__year", "title")
        )

    def compiled_by_ssu(self, round, sector) -> bool:
        """Whether SSU has compiled the sector's applications in the round (recommended one of
        them, or they are decided): the LSU's prioritisation is final from then on."""
        return self.filter(
            round=round, sector=sector, state__in=Application.COMPILED_STATES
        ).exists()

    def awaiting_lsu(self, round, sector):
        """The sector's submitted applications in a round, as the LSU ranks them: ranked
        first, then as they came in."""
        return (
            self.filter(round=round, sector=sector, state=Application.State.SUBMITTED)
            .with_related()
            .order_by(models.F("lsu_rank").asc(nulls_last=True), "submitted_at", "pk")
        )

    def ranks_taken_by_lsu(self, round, sector) -> dict[int, str]:
        """The ranks the LSU has given the sector's applications it has already handled in a
        round (forwarded or set aside), each with the application's title: a new
        prioritisation may not give them again."""
        handled = (
            self.filter(round=round, sector=sector, lsu_rank__isnull=False)
            .exclude(state__in=[Application.State.DRAFT, Application.State.SUBMITTED])
            .values_list("lsu_rank", "title")
        )
        return dict(handled)

    def with_related(self):
        return self.select_related(
            "round__scheme", "sector", "focus_area", "applicant_organisation", "created_by"
        ).prefetch_related("partners", "budget_lines")


class Application(ConcurrentTransitionMixin, models.Model):
    """An application for a round, from one sector, anchored in both the municipality and a
    hospital. Its state changes only through workflow.py."""

    class State(models.TextChoices):
        DRAFT = "utkast", "Utkast"
        SUBMITTED = "sendt", "Sendt inn"
        NOT_PRIORITISED = "ikke_prioritert", "Ikke prioritert av LSU"
        FORWARDED = "videresendt", "Prioritert og sendt til SSU"
        RECOMMENDED = "anbefalt", "Anbefalt av SSU"
        GRANTED = "innvilget", "Innvilget"
        REJECTED = "avslatt", "Avslått"
        MOVED = "flyttet", "Flyttet til neste års runde"

    FORWARDED_STATES = (
        State.FORWARDED,
        State.RECOMMENDED,
        State.GRANTED,
        State.REJECTED,
        State.MOVED,
    )
    DECIDED_STATES = (State.GRANTED, State.REJECTED, State.MOVED)
    # Once SSU has recommended one of a sector's applications, SSU has compiled the sector:
    # the LSU's prioritisation can no longer be reopened.
    COMPILED_STATES = (State.RECOMMENDED, *DECIDED_STATES)
    TO_DECIDE_STATES = (State.FORWARDED, State.RECOMMENDED)

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="applications")
    sector = models.ForeignKey(Sector, on_delete=models.PROTECT, related_name="grant_applications")
    state = FSMField("status", default=State.DRAFT, choices=State.choices, protected=True)
    title = models.CharField("tittel", max_length=200)
    summary = models.TextField("sammendrag")
    focus_area = models.ForeignKey(
        FocusArea, verbose_name="innsatsområde", on_delete=models.PROTECT, related_name="+"
    )
    measures = models.ManyToManyField(
        Measure,
        verbose_name="tiltak i porteføljeplanen",
        blank=True,
        related_name="grant_applications",
    )
    applicant_organisation = models.ForeignKey(
        Organisation, verbose_name="søker", on_delete=models.PROTECT, related_name="+"
    )
    contact_name = models.CharField("kontaktperson", max_length=200)
    contact_email = models.EmailField("e-post til kontaktperson")
    partners = models.ManyToManyField(
        Organisation,
        verbose_name="samarbeidspartnere",
        related_name="grant_partnerships",
        help_text="Minst én på kommunal side (bydel, etat) og ett sykehus.",
    )
    period_start = models.DateField("fra")
    period_end = models.DateField("til")
    amount_asked = Amount("søkt beløp", max_digits=12, decimal_places=2, validators=NOT_NEGATIVE)
    continues = models.ForeignKey(
        "self",
        verbose_name="videreføring av",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="continuations",
        help_text="Prosjektet fikk tilskudd før: velg den søknaden.",
    )
    created_by = models.ForeignKey(
        "auth.User", on_delete=models.PROTECT, related_name="grant_applications", editable=False
    )
    submitted_at = models.DateTimeField("sendt inn", null=True, blank=True, editable=False)
    # The reference number given on submission: "RST-2026-0042" (numbering.py)
    reference_year = models.PositiveSmallIntegerField(
        "referanseår", null=True, blank=True, editable=False
    )
    reference_number = models.PositiveIntegerField(
        "referansenummer", null=True, blank=True, editable=False
    )
    # The LSU's prioritisation
    lsu_rank = models.PositiveSmallIntegerField("rangering i LSU", null=True, blank=True)
    lsu_comment = models.TextField("LSUs kommentar", blank=True)
    lsu_item = models.ForeignKey(
        Item,
        verbose_name="behandlet i sak",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="grant_applications",
    )
    # SSU's compilation
    ssu_recommendation = models.TextField("SSUs anbefaling", blank=True)
    ssu_amount = Amount(
        "beløp anbefalt av SSU",
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=NOT_NEGATIVE,
    )
    # The final decision
    amount_granted = Amount(
        "innvilget beløp",
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=NOT_NEGATIVE,
    )
    decision_note = models.TextField("begrunnelse for vedtaket", blank=True)
    decided_at = models.DateTimeField("vedtatt", null=True, blank=True, editable=False)
    decision_meeting = models.ForeignKey(
        "DecisionMeeting",
        verbose_name="vedtatt i møte",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
        editable=False,
    )
    moved_to = models.OneToOneField(
        "self",
        verbose_name="flyttet til",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="moved_from",
        editable=False,
    )

    objects = ApplicationQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "søknad"
        verbose_name_plural = "søknader"
        ordering = ["round", "sector", models.F("lsu_rank").asc(nulls_last=True), "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["reference_year", "reference_number"], name="one_application_per_reference"
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("grants:application_detail", args=[self.pk])

    @property
    def reference(self) -> str:
        """The reference, "RST-2026-0042": the round's year and the number; "" before submission."""
        if self.reference_number is None:
            return ""
        return f"{REFERENCE_PREFIX}-{self.reference_year}-{self.reference_number:04d}"

    @property
    def budget_total(self) -> Decimal:
        return sum((line.amount for line in self.budget_lines.all()), Decimal("0"))

    # --- Transitions: only the state change; the checks, the saving and the messages are in
    # workflow.py, which is the only caller. ---

    @transition(field=state, source=State.DRAFT, target=State.SUBMITTED)
    def submit(self):
        self.submitted_at = timezone.now()

    @transition(field=state, source=State.SUBMITTED, target=State.FORWARDED)
    def forward(self):
        pass

    @transition(field=state, source=State.SUBMITTED, target=State.NOT_PRIORITISED)
    def set_aside(self):
        pass

    @transition(
        field=state, source=[State.FORWARDED, State.NOT_PRIORITISED], target=State.SUBMITTED
    )
    def reopen_prioritisation(self):
        pass

    @transition(field=state, source=[State.FORWARDED, State.RECOMMENDED], target=State.RECOMMENDED)
    def recommend(self):
        pass

    @transition(field=state, source=TO_DECIDE_STATES, target=State.GRANTED)
    def grant(self):
        self.decided_at = timezone.now()

    @transition(field=state, source=TO_DECIDE_STATES, target=State.REJECTED)
    def reject(self):
        self.decided_at = timezone.now()

    @transition(field=state, source=TO_DECIDE_STATES, target=State.MOVED)
    def move_to_next_round(self):
        self.decided_at = timezone.now()

    def clean(self):
        if self.period_start and self.period_end and self.period_end < self.period_start:
            raise ValidationError({"period_end": "Perioden kan ikke slutte før den starter."})

    def completeness_problems(self) -> list[str]:
        """What stops a draft from being submitted, in the applicant's words."""
        problems = []
        kinds = {partner.kind for partner in self.partners.all()} | {
            self.applicant_organisation.kind
        }
        if not kinds & set(MUNICIPAL_KINDS):
            problems.append(
                "Søknaden må ha minst én samarbeidspartner på kommunal side (bydel eller etat)."
            )
        if not kinds & set(HOSPITAL_KINDS):
            problems.append("Søknaden må ha minst ett sykehus som samarbeidspartner.")
        lines = list(self.budget_lines.all())
        if not lines:
            problems.append("Søknaden mangler budsjett.")
        elif self.budget_total != self.amount_asked:
            problems.append(
                f"Budsjettlinjene summerer seg til {nok(self.budget_total)}, men søkt beløp er "
                f"{nok(self.amount_asked)}."
            )
        return problems


class ApplicationPartQuerySet(GuardedQuerySet):
    """Budget lines and attachments: update() refused on a decided application's parts, and
    for moving a part onto a decided application."""

    def refuse_update(self, changes: dict) -> None:
        target = changes.get("application", changes.get("application_id"))
        moved_onto = Q(pk=getattr(target, "pk", target)) if target is not None else Q()
        affected = Q(pk__in=self.values("application_id")) | moved_onto
        refuse_if_decided(Application.objects.filter(affected).values("pk"))


class BudgetLine(models.Model):
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="budget_lines"
    )
    year = models.PositiveSmallIntegerField("år")
    description = models.CharField("post", max_length=200)
    amount = Amount("beløp", max_digits=12, decimal_places=2, validators=NOT_NEGATIVE)

    objects = ApplicationPartQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "budsjettlinje"
        verbose_name_plural = "budsjettlinjer"
        ordering = ["application", "year", "pk"]

    def __str__(self):
        return f"{self.year}: {self.description}"


def application_attachment_path(instance, filename):
    return generated_name(f"tilskudd/{instance.application_id}", filename)


class ApplicationAttachment(models.Model):
    """A document attached to an application while it is a draft: checked by
    helsefellesskap/uploads.py, kept in the private storage, served only through a view that
    checks who sees the application."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="attachments"
    )
    name = models.CharField("filnavn", max_length=200)
    file = models.FileField("fil", upload_to=application_attachment_path, storage=private_storage)
    size = models.PositiveIntegerField("størrelse", default=0)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    objects = ApplicationPartQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "vedlegg til søknad"
        verbose_name_plural = "vedlegg til søknader"
        ordering = ["application", "name", "pk"]

    def __str__(self):
        return self.name


class Outcome(models.TextChoices):
    """A decision's outcome, as drafted and as adopted (the application's decided states)."""

    GRANT = "innvilget", "Innvilget"
    REJECT = "avslatt", "Avslått"
    MOVE = "flyttet", "Flyttet til neste år"


class DecisionMeeting(models.Model):
    """The joint decision meeting of the four hospital directors and the city's health
    department, where the round's drafted decisions were adopted together
    (workflow.adopt_decisions); the participants as the secretariat records them."""

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="decision_meetings")
    held_on = models.DateField("møtedato")
    participants = models.TextField("deltakere", help_text="Én deltaker per linje.")
    adopted_by = models.ForeignKey(
        "auth.User", verbose_name="registrert av", on_delete=models.PROTECT, related_name="+"
    )
    adopted_at = models.DateTimeField("registrert", default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "vedtaksmøte"
        verbose_name_plural = "vedtaksmøter"
        ordering = ["round", "-held_on", "-pk"]

    def __str__(self):
        return f"Vedtaksmøte {self.held_on:%d.%m.%Y} ({self.round})"

    def participant_list(self) -> list[str]:
        return [line.strip() for line in self.participants.splitlines() if line.strip()]


class DraftDecision(models.Model):
    """The decision makers' draft of one application's decision, prepared before the joint
    decision meeting; adopted together with the round's other drafts, then deleted (the
    decision is on the application from then on)."""

    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, related_name="draft_decision"
    )
    outcome = models.CharField("vedtak", max_length=20, choices=Outcome.choices)
    amount = Amount(
        "beløp", max_digits=12, decimal_places=2, null=True, blank=True, validators=NOT_NEGATIVE
    )
    note = models.TextField("begrunnelse", blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "vedtaksutkast"
        verbose_name_plural = "vedtaksutkast"

    def __str__(self):
        return f"{self.application}: {self.get_outcome_display()}"


class PrioritisationReopening(models.Model):
    """The LSU opened its sent prioritisation of a sector's applications again, and why
    (workflow.reopen_prioritisation): shown on the prioritisation page."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="reopenings")
    sector = models.ForeignKey(Sector, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField("begrunnelse")
    reopened_by = models.ForeignKey(
        "auth.User", verbose_name="åpnet av", on_delete=models.PROTECT, related_name="+"
    )
    reopened_at = models.DateTimeField("åpnet", default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "gjenåpnet prioritering"
        verbose_name_plural = "gjenåpnede prioriteringer"
        ordering = ["round", "sector", "-reopened_at", "-pk"]

    def __str__(self):
        return f"{self.sector}, {self.round}: {self.reason}"


# --- Decided applications are part of the record --------------------------------------------
# A granted, rejected or moved application, its budget lines, attachments, partners and
# measures cannot be changed or deleted by any path that saves or deletes through the ORM
# (pages, admin, imports, the shell): the signals below refuse. The decision itself passes,
# since the application is stored as forwarded until that step's own save. A later recorded
# correction step in workflow.py runs inside `recorded_step()`. Fixtures and restores write
# new rows raw and pass; a raw write over a stored decided application does not.
# QuerySet.update() sends no signal: the querysets' refuse_update() guards it instead.

_recorded_step = contextvars.ContextVar("grants_recorded_step", default=False)


class DecidedApplicationLocked(PermissionDenied):
    """A change to a decided application outside the workflow's recorded steps. A subclass of
    PermissionDenied, so that a page that meets it answers 403, never 500."""

    def __init__(self, application: "Application"):
        super().__init__(
            f"Søknaden «{application.title}» er {application.get_state_display().lower()} "
            "og kan ikke endres eller slettes: vedtaket er en del av arkivet."
        )
        self.application = application


@contextmanager
def recorded_step() -> Iterator[None]:
    """Lets the workflow's recorded steps (and test data) change a decided application."""
    token = _recorded_step.set(True)
    try:
        yield
    finally:
        _recorded_step.reset(token)


def refuse_if_decided(application_ids) -> None:
    """DecidedApplicationLocked if any of the applications is decided as stored now."""
    if _recorded_step.get() or guards_are_lifted():
        return
    if not isinstance(application_ids, models.QuerySet):
        application_ids = list(application_ids)
    decided = (
        Application.objects.filter(pk__in=application_ids, state__in=Application.DECIDED_STATES)
        .only("pk", "title", "state")
        .first()
    )
    if decided is not None:
        raise DecidedApplicationLocked(decided)


def _stored(instance) -> bool:
    return (
        instance.pk is not None and type(instance)._default_manager.filter(pk=instance.pk).exists()
    )


@receiver(pre_save, sender=Application)
def _guard_application_save(sender, instance, raw=False, **kwargs):
    if instance.pk is None:
        return
    refuse_if_decided([instance.pk])
    if raw:
        # Loaded from a fixture or a copy: its partners and measures follow at once.
        instance._loaded_raw = True


@receiver(pre_delete, sender=Application)
def _guard_application_delete(sender, instance, **kwargs):
    refuse_if_decided([instance.pk])


@receiver(pre_save, sender=BudgetLine)
@receiver(pre_save, sender=ApplicationAttachment)
def _guard_part_save(sender, instance, raw=False, **kwargs):
    if raw and not _stored(instance):
        return  # a fixture's or a copy's new row
    refuse_if_decided([instance.application_id])


@receiver(pre_delete, sender=BudgetLine)
@receiver(pre_delete, sender=ApplicationAttachment)
def _guard_part_delete(sender, instance, **kwargs):
    refuse_if_decided([instance.application_id])


@receiver(m2m_changed, sender=Application.partners.through)
@receiver(m2m_changed, sender=Application.measures.through)
def _guard_links(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in ("pre_add", "pre_remove", "pre_clear"):
        return
    if not reverse:
        if not getattr(instance, "_loaded_raw", False):
            refuse_if_decided([instance.pk])
        return
    # From the other side (an organisation's or a measure's applications).
    field = "partners" if sender is Application.partners.through else "measures"
    if pk_set is None:
        pk_set = Application.objects.filter(**{field: instance}).values_list("pk", flat=True)
    refuse_if_decided(pk_set)
