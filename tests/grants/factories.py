"""Factories for grants: a scheme's round with allocations, applications with budgets."""

import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from grants.models import (
    Allocation,
    Application,
    ApplicationAttachment,
    BudgetLine,
    Round,
    Scheme,
    recorded_step,
)
from helsefellesskap.models import Body, Membership, Organisation
from tests.factories import (
    BodyFactory,
    HospitalFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    SectorFactory,
    UserFactory,
)
from tests.meetings.factories import PDF_BYTES
from tests.portfolio.factories import FocusAreaFactory


class SchemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Scheme
        django_get_or_create = ("name",)

    name = "Rekrutterings- og samhandlingstilskudd"


class RoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Round

    scheme = factory.SubFactory(SchemeFactory)
    year = factory.Sequence(lambda n: 2024 + n)
    deadline = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=30))


class AllocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Allocation

    round = factory.SubFactory(RoundFactory)
    sector = factory.SubFactory(SectorFactory)
    amount = Decimal("17240000")


class ApplicationFactory(factory.django.DjangoModelFactory):
    """A complete draft: a district applies with a hospital as partner, budget adding up."""

    class Meta:
        model = Application
        skip_postgeneration_save = True

    round = factory.SubFactory(RoundFactory)
    sector = factory.SubFactory(SectorFactory)
    title = factory.Sequence(lambda n: f"Samhandlingsprosjekt {n} (oppdiktet)")
    summary = "Felles tiltak mellom bydel og sykehus."
    focus_area = factory.SubFactory(FocusAreaFactory)
    applicant_organisation = factory.SubFactory(
        OrganisationFactory, kind=Organisation.Kind.DISTRICT
    )
    contact_name = "Kari Kontakt"
    contact_email = "kari.kontakt@example.no"
    period_start = datetime.date(2025, 1, 1)
    period_end = datetime.date(2025, 12, 31)
    amount_asked = Decimal("1000000")
    created_by = factory.SubFactory(UserFactory)

    # An application made in a decided state gets its partners and budget as part of its
    # making (recorded_step), as a fixture's does.

    @factory.post_generation
    def partners(self, create, extracted, **kwargs):
        with recorded_step():
            for partner in extracted if extracted is not None else [HospitalFactory()]:
                self.partners.add(partner)

    @factory.post_generation
    def budget(self, create, extracted, **kwargs):
        """Budget lines adding up to the amount asked, unless given: budget=[(2025, amount)]."""
        lines = extracted if extracted is not None else [(2025, self.amount_asked)]
        with recorded_step():
            for year, amount in lines:
                BudgetLine.objects.create(
                    application=self, year=year, description="Prosjektleder", amount=amount
                )


class ApplicationAttachmentFactory(factory.django.DjangoModelFactory):
    """A small PDF attached to an application, stored in the (test's) attachment storage."""

    class Meta:
        model = ApplicationAttachment

    application = factory.SubFactory(ApplicationFactory)
    name = "Prosjektplan.pdf"
    file = factory.django.FileField(filename="prosjektplan.pdf", data=PDF_BYTES)
    size = len(PDF_BYTES)


def lsu_member(sector, username: str, *, organisation=None, **user_kwargs):
    """A user who sits in the sector's LSU (made the first time it is needed): an applicant."""
    lsu = Body.objects.filter(kind=Body.Kind.LOCAL_COMMITTEE, sector=sector).first()
    if lsu is None:
        lsu = BodyFactory(name=f"LSU {sector.name}", kind=Body.Kind.LOCAL_COMMITTEE, sector=sector)
    user = UserFactory(username=username, **user_kwargs)
    person = PersonFactory(user=user, **({"organisation": organisation} if organisation else {}))
    MembershipFactory(body=lsu, person=person)
    return user


def member_of(body, username: str, role=Membership.Role.MEMBER, **user_kwargs):
    """A user with a current membership of `body` in `role`."""
    user = UserFactory(username=username, **user_kwargs)
    MembershipFactory(body=body, person=PersonFactory(user=user), role=role)
    return user
