"""An LSU's sekretær edits the LSU's local plan (grid and Excel import) but does not create
plans, not by copying either: that is the secretariat's (issue 18)."""

import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from portfolio import spreadsheet
from portfolio.models import Plan
from tests.factories import MembershipFactory, PersonFactory, UserFactory
from tests.helsefellesskap.test_spreadsheets import with_part
from tests.portfolio.factories import MeasureFactory, PlanFactory
from tests.portfolio.test_spreadsheet_limits import SHEET, huge_comment


@pytest.fixture
def local(lsu):
    local = PlanFactory(title="Lokal plan 2026", body=lsu, years=[2025, 2026])
    MeasureFactory(group__area__plan=local)
    return local


@pytest.fixture
def lsu_secretary(lsu):
    user = UserFactory(username="lsu-sekretar")
    MembershipFactory(person=PersonFactory(user=user), body=lsu, role="sekretar")
    return user


def test_the_lsu_secretary_cannot_copy_the_local_plan(client, lsu_secretary, local):
    client.force_login(lsu_secretary)
    url = reverse("portfolio:plan_copy", args=[local.pk])

    assert client.get(url).status_code == 403
    assert client.post(url, {"title": "Lokal plan 2027", "year": 2027}).status_code == 403
    assert not Plan.objects.filter(title="Lokal plan 2027").exists()
    page = client.get(local.get_absolute_url()).content.decode()
    assert url not in page  # no link to a page they may not use
    assert reverse("portfolio:plan_import", args=[local.pk]) in page  # but they edit it


def test_the_secretariat_copies_a_local_plan(client, secretariat_user, local):
    client.force_login(secretariat_user)
    url = reverse("portfolio:plan_copy", args=[local.pk])
    assert url in client.get(local.get_absolute_url()).content.decode()
    response = client.post(url, {"title": "Lokal plan 2027", "year": 2027})
    copy = Plan.objects.get(title="Lokal plan 2027")
    assert response["Location"] == copy.get_absolute_url()
    assert copy.body == local.body


def test_the_lsu_secretarys_import_is_bounded_like_everyone_elses(client, lsu_secretary, local):
    """Issue 18 found the secretary could reach the import; the import stays theirs (it is an
    edit of their own plan) now that a crafted file is refused before it is parsed."""
    data = with_part(spreadsheet.export_plan(local), SHEET, huge_comment)
    client.force_login(lsu_secretary)
    started = time.perf_counter()
    response = client.post(
        reverse("portfolio:plan_import", args=[local.pk]),
        {"file": SimpleUploadedFile("plan.xlsx", data, content_type=spreadsheet.CONTENT_TYPE)},
        follow=True,  # to the preview, read at once by the tests' task backend
    )
    assert time.perf_counter() - started < 2
    assert response.status_code == 422
    assert "for lang til å leses trygt" in response.content.decode()


def test_the_lsu_secretary_cannot_import_into_another_plan(client, lsu_secretary, plan):
    client.force_login(lsu_secretary)
    assert client.get(reverse("portfolio:plan_import", args=[plan.pk])).status_code == 403
