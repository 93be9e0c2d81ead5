"""The front page of each demo login lists exactly what waits for that role in the demo data
(`make data`): the member's draft, the LSU's applications to prioritise, SSU's to recommend,
the decision makers' to decide; the demo round's deadline to those who apply or prioritise."""

import datetime

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from helsefellesskap.permissions import ROLE_GROUPS

pytestmark = pytest.mark.django_db

ROUND = "/tilskudd/runde/9001"
WAITING = {
    "sekretariat": [],
    "medlem": [("1 søknadsutkast er ikke sendt inn", "/tilskudd/soknad/9001/")],
    "leder": [("2 søknader venter på prioritering", f"{ROUND}/sektor/1/prioritering/")],
    "sekretaer": [("2 søknader venter på prioritering", f"{ROUND}/sektor/1/prioritering/")],
    "ssu": [("5 søknader venter på SSUs anbefaling", f"{ROUND}/sammenstilling/")],
    "beslutning": [("5 søknader venter på vedtak", f"{ROUND}/vedtak/")],
    "leser": [],
}
TOLD_THE_DEADLINE = {"sekretariat", "medlem", "leder", "sekretaer"}


@pytest.fixture
def demo_data():
    for name in ROLE_GROUPS:  # made by a migration; made again after a flushing test
        Group.objects.get_or_create(name=name)
    call_command("load_portal_data", verbosity=0)


@pytest.mark.parametrize("username", sorted(WAITING))
def test_each_demo_login_sees_what_waits_for_its_role(client, demo_data, username):
    client.force_login(User.objects.get(username=username))
    page = client.get(reverse("home"))
    steps = [(task.text, task.url) for task in page.context["steps"]]
    assert steps == WAITING[username]
    for _text, url in steps:
        assert client.get(url).status_code == 200  # each link leads straight to the step
    deadline = timezone.localdate() + datetime.timedelta(weeks=3)
    notice = (
        f"Søknadsfristen for Rekrutterings- og samhandlingstilskudd 2026 går ut {deadline:%d.%m.%Y}"
    )
    notices = [task.text for task in page.context["notices"]]
    assert (notice in notices) == (username in TOLD_THE_DEADLINE)


def test_the_demo_applications_sent_in_carry_reference_numbers(demo_data):
    from grants.models import Application
    from grants.numbering import next_reference_number

    sent = Application.objects.filter(round_id=9001).exclude(state=Application.State.DRAFT)
    references = sorted(application.reference for application in sent)
    assert references == [f"RST-2026-{n:04d}" for n in range(1, 10)]
    assert Application.objects.get(pk=9001).reference == ""  # the member's draft
    assert next_reference_number(2026) == 10  # the next submission follows the demo's
