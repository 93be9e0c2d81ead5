"""The register's rules: periods, one leader at a time, sector assignments over time,
the composition rule, and no duplicate people."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from helsefellesskap.models import Body, Membership, Person, SectorAssignment
from tests.factories import (
    GP_USER_UNION,
    BodyFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    SectorAssignmentFactory,
    SectorFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_membership_active_on_respects_open_and_closed_periods():
    body = BodyFactory()
    open_ended = MembershipFactory(body=body, start=date(2024, 1, 1))
    ended = MembershipFactory(body=body, start=date(2024, 1, 1), end=date(2025, 10, 14))
    future = MembershipFactory(body=body, start=date(2026, 3, 1))

    assert set(Membership.objects.active_on(date(2025, 10, 14))) == {open_ended, ended}
    assert set(Membership.objects.active_on(date(2025, 10, 15))) == {open_ended}
    assert future in Membership.objects.active_on(date(2026, 3, 1))


def test_a_membership_whose_start_is_unknown_never_counts_before_its_confirmed_date():
    """The minutes of 14.10.2025 confirm who sat in SSU then, not since when: the 2019 report
    must not say they led it in 2019."""
    ssu = BodyFactory(name="Strategisk samarbeidsutvalg")
    leader = MembershipFactory(
        body=ssu,
        role=Membership.Role.LEADER,
        person=PersonFactory(name="Bovild Tjønn"),
        start=date(2025, 10, 14),
        start_unknown=True,
        source="Referat Partnerskapsmøtet 14.10.2025",
    )

    assert not Membership.objects.active_during(date(2019, 1, 1), date(2019, 12, 31)).exists()
    assert not Membership.objects.active_on(date(2025, 10, 13)).exists()
    assert list(Membership.objects.active_on(date(2025, 10, 14))) == [leader]
    assert not leader.is_active_on(date(2025, 10, 13))
    assert leader.period_display == "ukjent, bekreftet fra 14.10.2025–"


def test_a_membership_must_have_a_start_date():
    membership = MembershipFactory.build(person=PersonFactory(), body=BodyFactory(), start=None)
    with pytest.raises(ValidationError) as error:
        membership.full_clean()
    assert "start" in error.value.message_dict


def test_membership_end_before_start_is_refused():
    membership = MembershipFactory.build(
        person=PersonFactory(), body=BodyFactory(), start=date(2025, 5, 1), end=date(2025, 4, 1)
    )
    with pytest.raises(ValidationError) as error:
        membership.full_clean()
    assert error.value.message_dict["end"] == ["Sluttdato kan ikke være før startdato."]


def test_second_leader_for_an_overlapping_period_is_refused():
    ssu = BodyFactory(name="Strategisk samarbeidsutvalg")
    MembershipFactory(
        body=ssu, role=Membership.Role.LEADER, person=PersonFactory(name="Tone Ikdahl")
    )
    newcomer = MembershipFactory.build(
        body=ssu, person=PersonFactory(), role=Membership.Role.LEADER, start=date(2025, 10, 15)
    )
    with pytest.raises(ValidationError) as error:
        newcomer.full_clean()
    assert (
        "har allerede en leder i denne perioden: Tone Ikdahl" in error.value.message_dict["role"][0]
    )


def test_leader_handover_after_the_previous_leader_ends_is_allowed():
    ssu = BodyFactory()
    MembershipFactory(body=ssu, role=Membership.Role.LEADER, end=date(2025, 10, 14))
    successor = MembershipFactory.build(
        body=ssu, person=PersonFactory(), role=Membership.Role.LEADER, start=date(2025, 10, 15)
    )
    successor.full_clean()  # no error


def test_body_tree_nests_children_and_counts_active_members_in_four_queries(
    django_assert_num_queries,
):
    top = BodyFactory(name="Partnerskapsmøtet", position=1)
    ssu = BodyFactory(name="SSU", parent=top, position=2)
    lsu = BodyFactory(name="LSU", parent=ssu, requires=GP_USER_UNION)
    MembershipFactory(body=lsu)
    MembershipFactory(body=lsu, end=date(2020, 1, 1))

    with django_assert_num_queries(4):
        tree = Body.objects.as_tree(date(2026, 1, 1))

    assert [node.body for node in tree] == [top]
    lsu_node = tree[0].children[0].children[0]
    assert lsu_node.body == lsu
    assert lsu_node.member_count == 1
    assert lsu_node.missing == [
        "Mangler fastlegerepresentant",
        "Mangler brukerrepresentant",
        "Mangler tillitsvalgtrepresentant",
    ]


def test_body_cannot_be_its_own_ancestor():
    top = BodyFactory()
    child = BodyFactory(parent=top)
    top.parent = child
    with pytest.raises(ValidationError):
        top.full_clean()


def test_alna_moves_to_ous_for_somatic_services_but_stays_with_ahus_otherwise():
    alna = OrganisationFactory(name="Bydel Alna")
    ahus, ous = SectorFactory(short_name="Ahus"), SectorFactory(short_name="OUS")
    somatic = SectorAssignment.ServiceArea.SOMATIC
    mental = SectorAssignment.ServiceArea.MENTAL_HEALTH
    SectorAssignmentFactory(
        organisation=alna, sector=ahus, service_area=somatic, valid_to=date(2025, 12, 31)
    )
    SectorAssignmentFactory(
        organisation=alna, sector=ous, service_area=somatic, valid_from=date(2026, 1, 1)
    )
    SectorAssignmentFactory(organisation=alna, sector=ahus, service_area=mental)

    def sectors_on(day):
        return {
            (a.service_area, a.sector.short_name)
            for a in SectorAssignment.objects.in_force_on(day).filter(organisation=alna)
        }

    assert sectors_on(date(2025, 12, 31)) == {(somatic, "Ahus"), (mental, "Ahus")}
    assert sectors_on(date(2026, 1, 1)) == {(somatic, "OUS"), (mental, "Ahus")}


def test_overlapping_sector_assignment_for_the_same_service_is_refused():
    district = OrganisationFactory()
    SectorAssignmentFactory(organisation=district, service_area=SectorAssignment.ServiceArea.ALL)
    clash = SectorAssignment(
        organisation=district,
        sector=SectorFactory(),
        service_area=SectorAssignment.ServiceArea.SOMATIC,
        valid_from=date(2026, 1, 1),
    )
    with pytest.raises(ValidationError, match="overlapper"):
        clash.full_clean()


def test_duplicate_person_in_the_same_organisation_is_refused_case_insensitively():
    organisation = OrganisationFactory()
    PersonFactory(name="Bovild Tjønn", organisation=organisation)
    duplicate = Person(name="bovild tjønn", organisation=organisation)
    with pytest.raises(ValidationError, match="finnes allerede"):
        duplicate.full_clean()


def test_history_records_the_acting_user_and_reason():
    body = BodyFactory(name="Arbeidsutvalget")
    user = UserFactory()
    body.mandate = "Forbereder saker til SSU."
    body._history_user = user
    body._change_reason = "Nytt mandat vedtatt"
    body.save()
    latest = body.history.first()
    assert latest.history_user == user
    assert latest.history_change_reason == "Nytt mandat vedtatt"
    assert latest.prev_record.mandate == ""
