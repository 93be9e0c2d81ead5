"""Factories for portfolio plans: a plan with year columns, areas, groups, measures, cells."""

import factory

from portfolio.models import Cell, Column, FocusArea, Measure, MeasureGroup, Plan


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Porteføljeplan test {n}")
    updated_label = "oppdatert oktober 2025"

    @factory.post_generation
    def years(self, create, extracted, **kwargs):
        """PlanFactory(years=[2024, 2025, 2026]) adds the year columns; the last is the focus."""
        years = extracted if extracted is not None else [2024, 2025, 2026]
        for year in years:
            label = f"Fokus for {year}" if year == years[-1] else ""
            ColumnFactory(plan=self, year=year, label=label)


class ColumnFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Column

    plan = factory.SubFactory(PlanFactory, years=[])
    year = 2026


class FocusAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FocusArea

    plan = factory.SubFactory(PlanFactory)
    name = factory.Sequence(lambda n: f"Innsatsområde {n}")
    vision = "Sykehus og kommune samhandler.\nInnbyggerne får rett hjelp til rett tid."
    position = factory.Sequence(lambda n: n)


class MeasureGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MeasureGroup

    area = factory.SubFactory(FocusAreaFactory)
    name = factory.Sequence(lambda n: f"Få felles forståelse {n}")
    position = factory.Sequence(lambda n: n)


class MeasureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Measure

    group = factory.SubFactory(MeasureGroupFactory)
    name = factory.Sequence(lambda n: f"Tiltak {n}")
    position = factory.Sequence(lambda n: n)


class CellFactory(factory.django.DjangoModelFactory):
    """A cell of a measure in one of its plan's columns (by year)."""

    class Meta:
        model = Cell
        exclude = ("year",)

    measure = factory.SubFactory(MeasureFactory)
    year = 2026
    column = factory.LazyAttribute(lambda o: o.measure.group.area.plan.columns.get(year=o.year))
    text = "Forberede innføring"
    status = ""
    version = 1
