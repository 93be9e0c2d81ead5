"""Another body's leader finds nothing on this body's meeting pages: every page the permission
matrix gives the LSU's own leader (and not its members) answers 404 to another LSU's leader,
as for a meeting that does not exist, while the LSU's own members still get 403."""

import pytest
from django.urls import reverse

from helsefellesskap.models import Body, Membership
from tests.factories import MembershipFactory, PersonFactory, UserFactory
from tests.test_permission_matrix import (  # noqa: F401  (fixtures)
    FORBIDDEN,
    MATRIX,
    OK,
    _url_name,
    annual_report_data,
    document_job,
    register_data,
)

# "Nytt møte" is no body's page: every keeper opens it for the bodies they keep.
NOT_A_BODYS_PAGE = {"meetings:meeting_create"}
KEEPER_PAGES = sorted(
    key
    for key, (_, expected) in MATRIX.items()
    if key.startswith("meetings:")
    and key not in NOT_A_BODYS_PAGE
    and expected["leader"] == OK
    and expected["member"] == FORBIDDEN
)


@pytest.fixture
def other_leader(db):
    other = Body.objects.create(name="LSU Andre sektor", kind=Body.Kind.LOCAL_COMMITTEE)
    user = UserFactory(username="annen-leder")
    MembershipFactory(
        person=PersonFactory(name="Ola Annenleder", user=user),
        body=other,
        role=Membership.Role.LEADER,
    )
    return user


def test_the_keeper_pages_are_found():
    assert len(KEEPER_PAGES) >= 10


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", KEEPER_PAGES)
def test_another_bodys_leader_gets_404(client, other_leader, member_user, url_name, request):
    build_args, _ = MATRIX[url_name]
    url = reverse(_url_name(url_name), args=build_args(request.getfixturevalue("register_data")))
    client.force_login(other_leader)
    assert client.get(url).status_code == 404
    client.force_login(member_user)
    assert client.get(url).status_code == 403
