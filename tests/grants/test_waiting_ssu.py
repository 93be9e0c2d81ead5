"""SSU's members find on the front page what the LSUs forwarded and SSU has not recommended
yet, with a link to the compilation; others do not."""

import pytest
from django.urls import reverse

from grants.models import Application
from tests.grants.test_committees import application, text

pytestmark = pytest.mark.django_db

State = Application.State


def test_ssu_members_see_what_waits_for_their_recommendation(
    client, allocation, ssu_member, lsu_leader
):
    for state in (State.FORWARDED, State.FORWARDED, State.RECOMMENDED, State.SUBMITTED):
        application(allocation, state=state)
    client.force_login(ssu_member)
    page = text(client.get(reverse("home")))
    assert "2 søknader venter på SSUs anbefaling" in page
    assert reverse("grants:compilation", args=[allocation.round_id]) in page

    client.force_login(lsu_leader)  # an LSU's leader prioritises, but does not recommend
    assert "venter på SSUs anbefaling" not in text(client.get(reverse("home")))


def test_nothing_waits_once_ssu_has_recommended_all(client, allocation, ssu_member):
    application(allocation, state=State.RECOMMENDED)
    client.force_login(ssu_member)
    assert "venter på SSUs anbefaling" not in text(client.get(reverse("home")))
