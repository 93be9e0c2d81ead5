"""The portfolio plan (porteføljeplan): focus areas, groups of measures, measures and one status
cell per measure and year column.

The plan is a living document: the secretariat edits cells all year and every change is kept
(django-simple-history), so the plan can be shown as it stood on any date (see `snapshot.py`).
A cell carries a version number so that two people editing the same cell cannot silently
overwrite each other (see `editing.py`).
"""

import functools
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from helsefellesskap.files import generated_name, private_storage
from helsefellesskap.models import Body


class Status(models.TextChoices):
    """The four statuses of the partnership's slides, in their order of progress. The slides'
    legend gives only their names, and so does ours."""

    NOT_STARTED = "ikke_pabegynt", "Ikke påbegynt"
    PLANNED = "planlagt", "Planlagt/påbegynt"
    IN_PROGRESS = "under_arbeid", "Under arbeid"
    COMPLETED = "ferdigstilt", "Ferdigstilt"


CELL_TEXT_MAX_LENGTH = 300


class PlanQuerySet(models.QuerySet):
    def with_related(self):
        return self.select_related("body", "based_on")

    def with_history_state(self):
        """Each plan with `history_state`: for its areas, groups, measures and cells, the sum
        of the ids of their history records, in the same query as the plan. Every change to
        what the grid shows writes such a record (the version-checked cell save writes its
        own), so the state grows with every committed change, whoever made it and in which
        process; a record committed late under a lower id (PostgreSQL hands ids out before
        the commit) still adds to its sum, which a highest id would miss. Read it before the
        rows it stands for (`grid_cache`): what is read afterwards is then at least as new.

        Raw SQL: the same four subqueries through the ORM cost more to compile (~5 ms) than
        the whole page takes to serve from the cache."""
        return self.annotate(
            **{
                f"_history_{name}": models.expressions.RawSQL(sql, (), models.BigIntegerField())
                for name, sql in _history_sums().items()
            }
        )


class Plan(models.Model):
    """A portfolio plan: the partnership's overall plan, or one LSU's local plan."""

    title = models.CharField("tittel", max_length=200)
    body = models.ForeignKey(
        Body,
        verbose_name="lokalt samarbeidsutvalg",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="portfolio_plans",
        help_text="Tomt for Helsefellesskap Oslos felles plan; ellers LSU-et som eier den lokale "
        "planen.",
    )
    based_on = models.ForeignKey(
        "self",
        verbose_name="i tråd med",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="local_plans",
        help_text="Den felles planen en lokal plan er laget i tråd med.",
    )
    updated_label = models.CharField(
        "oppdatert", max_length=100, blank=True, help_text="For eksempel «oppdatert oktober 2025»."
    )
    dated = models.DateField("datert", null=True, blank=True)
    note = models.TextField("merknad", blank=True)

    objects = PlanQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "porteføljeplan"
        verbose_name_plural = "porteføljeplaner"
        ordering = [models.F("body").asc(nulls_first=True), "title"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("portfolio:plan_detail", args=[self.pk])

    @property
    def history_state(self) -> tuple[int, ...]:
        """See PlanQuerySet.with_history_state (only on plans read through it)."""
        return tuple(getattr(self, f"_history_{name}") or 0 for name in _history_sums())

    @property
    def is_local(self) -> bool:
        return self.body_id is not None

    def responsible_bodies(self):
        """The bodies named responsible for a measure of this plan (the grid's filter)."""
        return Body.objects.filter(
            pk__in=Measure.objects.of_plan(self).values("responsible_body")
        ).order_by("name")

    def clean(self):
        if self.body_id and self.body.kind != Body.Kind.LOCAL_COMMITTEE:
            raise ValidationError({"body": "En lokal plan må høre til et lokalt samarbeidsutvalg."})
        if self.based_on_id and self.based_on.is_local:
            raise ValidationError({"based_on": "En lokal plan bygger på den felles planen."})


class Column(models.Model):
    """A year column of a plan: "2024", "2025", "Fokus for 2026"."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="columns")
    year = models.PositiveSmallIntegerField("år")
    label = models.CharField("overskrift", max_length=50, blank=True)

    class Meta:
        verbose_name = "årskolonne"
        verbose_name_plural = "årskolonner"
        ordering = ["plan", "year"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "year"], name="one_column_per_plan_year")
        ]

    def __str__(self):
        return self.heading

    @property
    def heading(self) -> str:
        return self.label or str(self.year)


class FocusAreaQuerySet(models.QuerySet):
    def of_overall_plan(self):
        """The areas of the overall plan (the newest one, when there are several)."""
        plan = (
            Plan.objects.filter(body__isnull=True)
            .order_by(models.F("dated").desc(nulls_last=True), "-pk")
            .first()
        )
        return self.filter(plan=plan)

    def open_for(self, round, *, keep: int | None = None):
        """The areas an application to a grant `round` may choose: the round's invited areas,
        or the overall plan's if it invites none; `keep`, an area chosen before, stays one."""
        invited = round.invited_areas.all()
        areas = invited if invited.exists() else self.of_overall_plan()
        chosen = models.Q(pk__in=areas.values("pk"))
        if keep:
            chosen |= models.Q(pk=keep)
        return self.filter(chosen).order_by("plan", "position", "pk")


SUB_POINT = re.compile(r"^[–-]\s+")


@dataclass(frozen=True)
class VisionPoint:
    text: str
    sub_points: tuple[str, ...] = ()


def vision_outline(lines: list[str]) -> list[VisionPoint]:
    """The vision's bullets as the slides lay them out: a line starting with a dash ("– ")
    is a sub-point of the bullet above it (Psykisk helse voksne's first bullet has three)."""
    outline: list[VisionPoint] = []
    for line in lines:
        if SUB_POINT.match(line) and outline:
            last = outline[-1]
            outline[-1] = VisionPoint(last.text, (*last.sub_points, SUB_POINT.sub("", line)))
        else:
            outline.append(VisionPoint(line))
    return outline


class FocusArea(models.Model):
    """An innsatsområde with its vision (målbilde): one bullet sentence per line."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="areas")
    name = models.CharField("navn", max_length=200)
    vision = models.TextField(
        "målbilde",
        blank=True,
        help_text="Ett kulepunkt per linje; en linje som begynner med «– » er et underpunkt til "
        "kulepunktet over.",
    )
    position = models.PositiveSmallIntegerField("rekkefølge", default=0)

    objects = FocusAreaQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "innsatsområde"
        verbose_name_plural = "innsatsområder"
        ordering = ["plan", "position", "pk"]

    def __str__(self):
        return self.name

    @property
    def vision_points(self) -> list[str]:
        return [line.strip() for line in self.vision.splitlines() if line.strip()]


class MeasureGroupQuerySet(models.QuerySet):
    def of_plan(self, plan):
        return self.filter(area__plan=plan)


class MeasureGroup(models.Model):
    """A heading that groups measures: "Få felles forståelse", "Avklare ansvars- og ..."."""

    area = models.ForeignKey(FocusArea, on_delete=models.CASCADE, related_name="groups")
    name = models.CharField("navn", max_length=200)
    position = models.PositiveSmallIntegerField("rekkefølge", default=0)

    objects = MeasureGroupQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "tiltaksgruppe"
        verbose_name_plural = "tiltaksgrupper"
        ordering = ["area", "position", "pk"]

    def __str__(self):
        return self.name


class MeasureQuerySet(models.QuerySet):
    def of_plan(self, plan):
        return self.filter(group__area__plan=plan)

    def status_counts(self, column):
        """How many of these measures have each status in `column` (none, "", where the cell
        is empty or was never written), per focus area: one row {"area", "status", "count"}
        per area and status found, counted by the database in one query."""
        return (
            self.annotate(
                cell=models.FilteredRelation("cells", condition=models.Q(cells__column=column)),
                status=Coalesce("cell__status", models.Value("")),
            )
            .values("status", area=models.F("group__area"))
            .annotate(count=models.Count("pk"))
            .order_by()
        )

    def of_areas(self, areas, *, keep=()):
        """The measures of `areas` (a queryset) in the plan's order; `keep`, measures chosen
        before, stay among them."""
        return (
            self.filter(models.Q(group__area__in=areas.values("pk")) | models.Q(pk__in=keep))
            .select_related("group__area")
            .order_by(
                "group__area__plan",
                "group__area__position",
                "group__area__pk",
                "group__position",
                "group__pk",
                "position",
                "pk",
            )
        )


class Measure(models.Model):
    """A tiltak: one row of the plan."""

    group = models.ForeignKey(MeasureGroup, on_delete=models.CASCADE, related_name="measures")
    name = models.CharField("tiltak", max_length=400)
    position = models.PositiveSmallIntegerField("rekkefølge", default=0)
    responsible_body = models.ForeignKey(
        Body,
        verbose_name="ansvarlig organ",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="portfolio_measures",
    )
    assignment = models.CharField(
        "oppdrag",
        max_length=100,
        blank=True,
        help_text="Hva slags oppdrag tiltaket er, slik planen sier det: for eksempel «Oppdrag "
        "fra SSU» eller «Prosjekt LSU».",
    )
    overall_measure = models.ForeignKey(
        "self",
        verbose_name="tiltak i den felles planen",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="local_measures",
        help_text="For en lokal plan: tiltaket i den felles planen som dette følger opp.",
    )

    objects = MeasureQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "tiltak"
        verbose_name_plural = "tiltak"
        ordering = ["group", "position", "pk"]

    def __str__(self):
        return self.name


class CellQuerySet(models.QuerySet):
    def of_plan(self, plan):
        return self.filter(column__plan=plan)

    def stored(self, measure, column) -> "Cell | None":
        """The cell of a measure in a year column; None while nothing has been written in it."""
        return self.filter(measure=measure, column=column).first()


class Cell(models.Model):
    """What a measure is about in one year column, and how far it has come.

    `version` grows by one with every save; an edit names the version it started from, and a
    save from an older version is refused (see editing.py).
    """

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="cells")
    # A year column with texts in it is not deleted by accident (the admin's inline would):
    # its cells must be emptied first. Deleting the whole plan still takes its cells along.
    column = models.ForeignKey(Column, on_delete=models.RESTRICT, related_name="cells")
    text = models.CharField("tekst", max_length=CELL_TEXT_MAX_LENGTH, blank=True)
    status = models.CharField("status", max_length=20, choices=Status.choices, blank=True)
    version = models.PositiveIntegerField(default=0, editable=False)

    objects = CellQuerySet.as_manager()
    # The version is kept in the history too: simple-history fills excluded fields from the live
    # row, one query per record, which would make the "as of" view grow with the plan.
    history = HistoricalRecords()

    class Meta:
        verbose_name = "statuscelle"
        verbose_name_plural = "statusceller"
        ordering = ["measure", "column__year"]
        constraints = [
            models.UniqueConstraint(fields=["measure", "column"], name="one_cell_per_measure_year")
        ]

    def __str__(self):
        return f"{self.measure} – {self.column}"

    @property
    def is_empty(self) -> bool:
        return not self.text and not self.status

    def clean(self):
        if (
            self.column_id
            and self.measure_id
            and self.column.plan_id != self.measure.group.area.plan_id
        ):
            raise ValidationError({"column": "Planen har ingen slik årskolonne."})


def import_path(instance, filename):
    return generated_name(f"import/{instance.plan_id}", filename)


class PlanImport(models.Model):
    """An uploaded Excel file on its way into a plan (importing.py): stored privately, read by
    the background worker into `preview`, and deleted with its file once it is applied."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="imports")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="lastet opp av", on_delete=models.CASCADE
    )
    file = models.FileField("fil", upload_to=import_path, storage=private_storage)
    file_name = models.CharField("filnavn", max_length=200)
    created_at = models.DateTimeField("lastet opp", default=timezone.now)
    preview = models.JSONField("forhåndsvisning", null=True, blank=True)

    class Meta:
        verbose_name = "Excel-import"
        verbose_name_plural = "Excel-importer"

    def __str__(self):
        return f"{self.file_name} til {self.plan}"


@functools.cache
def _history_sums() -> dict[str, str]:
    """The subqueries of `with_history_state`, from the models' tables. Each level is reached
    through its live parent: the records of a row under a deleted parent drop out of their
    sum, but the parent's deletion record adds to the sum above, which only grows."""
    table = {
        model: connection.ops.quote_name(model._meta.db_table)
        for model in (Plan, Column, FocusArea, MeasureGroup)
    }

    def summed(model, joins: str, plan_column: str) -> str:
        history = connection.ops.quote_name(model.history.model._meta.db_table)
        return (
            f"SELECT SUM(h.history_id) FROM {history} h {joins} "
            f"WHERE {plan_column} = {table[Plan]}.id"
        )

    area = f"JOIN {table[FocusArea]} a ON a.id = {{}}.area_id"
    return {
        "areas": summed(FocusArea, "", "h.plan_id"),
        "groups": summed(MeasureGroup, area.format("h"), "a.plan_id"),
        "measures": summed(
            Measure,
            f"JOIN {table[MeasureGroup]} g ON g.id = h.group_id {area.format('g')}",
            "a.plan_id",
        ),
        "cells": summed(Cell, f"JOIN {table[Column]} c ON c.id = h.column_id", "c.plan_id"),
    }
