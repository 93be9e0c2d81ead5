"""The committees of a grant round, for the committees' tests: the OUS sector's allocation and
LSU, its leader and a member, SSU and a member of it, a decision maker."""

from decimal import Decimal

import pytest

from helsefellesskap.models import Body, Membership
from helsefellesskap.permissions import DECISION_MAKER_GROUP
from tests.factories import BodyFactory, UserFactory
from tests.grants.factories import AllocationFactory, member_of


@pytest.fixture
def allocation():
    return AllocationFactory(amount=Decimal("17240000"), sector__name="OUS-sektoren")


@pytest.fixture
def sector_lsu(allocation):
    return BodyFactory(
        name="LSU OUS-sektoren", kind=Body.Kind.LOCAL_COMMITTEE, sector=allocation.sector
    )


@pytest.fixture
def lsu_leader(sector_lsu):
    return member_of(sector_lsu, "lsu-leder", Membership.Role.LEADER)


@pytest.fixture
def lsu_member(sector_lsu):
    return member_of(sector_lsu, "lsu-medlem")


@pytest.fixture
def ssu():
    return BodyFactory(name="Strategisk samarbeidsutvalg", kind=Body.Kind.STRATEGIC_COMMITTEE)


@pytest.fixture
def ssu_member(ssu):
    return member_of(ssu, "ssu-medlem")


@pytest.fixture
def decision_maker():
    return UserFactory(username="direktor", roles=[DECISION_MAKER_GROUP])
