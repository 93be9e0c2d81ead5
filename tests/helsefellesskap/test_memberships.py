"""Saving a membership through `save_membership`: the body locked while "one leader at a time"
is checked, the acting user and the reason in the history."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from helsefellesskap.memberships import save_membership
from helsefellesskap.models import Membership
from tests.factories import BodyFactory, MembershipFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_membership_is_saved_with_the_acting_user_and_reason():
    user = UserFactory()
    membership = MembershipFactory.build(body=BodyFactory(), person=PersonFactory())
    saved = save_membership(membership=membership, user=user, reason="Meldt i møtet")
    latest = Membership.objects.get(pk=saved.pk).history.first()
    assert latest.history_user == user
    assert latest.history_change_reason == "Meldt i møtet"


def test_a_second_leader_for_the_same_period_is_refused_and_nothing_is_saved():
    ssu = BodyFactory()
    MembershipFactory(body=ssu, role=Membership.Role.LEADER, person=PersonFactory(name="Tone"))
    newcomer = MembershipFactory.build(
        body=ssu, person=PersonFactory(), role=Membership.Role.LEADER, start=date(2025, 10, 15)
    )
    with pytest.raises(ValidationError) as error:
        save_membership(membership=newcomer, user=UserFactory())
    assert "har allerede en leder" in error.value.message_dict["role"][0]
    assert ssu.memberships.count() == 1
