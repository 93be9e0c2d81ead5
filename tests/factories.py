"""Factories for the register. Later apps add their own next to their tests."""

import datetime

import factory
from django.contrib.auth.models import Group, User

from helsefellesskap.models import (
    Body,
    CompositionRequirement,
    Membership,
    Organisation,
    Person,
    Sector,
    SectorAssignment,
)

# The representatives the OUS sector's LSU and fora must have (OUS board paper 19/2021).
GP_USER_UNION = ["fastlege", "bruker", "tillitsvalgt"]


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Bydel Test {n}")
    kind = Organisation.Kind.DISTRICT


class HospitalFactory(OrganisationFactory):
    name = factory.Sequence(lambda n: f"Testsykehus {n} HF")
    kind = Organisation.Kind.HOSPITAL


class SectorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sector

    name = factory.Sequence(lambda n: f"Testsektor {n}")
    short_name = factory.Sequence(lambda n: f"TS{n}")
    hospital = factory.SubFactory(HospitalFactory)


class SectorAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SectorAssignment

    organisation = factory.SubFactory(OrganisationFactory)
    sector = factory.SubFactory(SectorFactory)


class BodyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Body
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Testutvalg {n}")
    kind = Body.Kind.LOCAL_COMMITTEE

    @factory.post_generation
    def requires(self, create, extracted, **kwargs):
        """BodyFactory(requires=GP_USER_UNION): those kinds of representative are required,
        since a date nobody knows."""
        for kind in extracted or []:
            CompositionRequirementFactory(body=self, representative_kind=kind)


class CompositionRequirementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CompositionRequirement

    body = factory.SubFactory(BodyFactory)
    representative_kind = Membership.RepresentativeKind.USER


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"Kari Nordmann {n}")
    title = "Bydelsdirektør"
    organisation = factory.SubFactory(OrganisationFactory)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    person = factory.SubFactory(PersonFactory)
    body = factory.SubFactory(BodyFactory)
    role = Membership.Role.MEMBER
    # A seat held long before any date the tests look at, unless a test says otherwise.
    start = datetime.date(2000, 1, 1)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"bruker{n}")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"Bruker {n}")
    password = factory.django.Password("riktig-passord-123")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        """UserFactory(roles=["Sekretariat"]) puts the user in those role groups."""
        for name in extracted or []:
            self.groups.add(Group.objects.get_or_create(name=name)[0])
