"""The body's page lists its coming meetings and its latest past ones, in the same number of
queries however many meetings the body has had."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from meetings.cancelling import cancel_meeting
from meetings.templatetags.body_meetings import PAST
from tests.factories import BodyFactory
from tests.meetings.factories import MeetingFactory


def meeting_on(body, days: int, **kwargs):
    starts = timezone.now().replace(microsecond=0) + datetime.timedelta(days=days)
    return MeetingFactory(body=body, starts_at=starts, **kwargs)


def body_page(client, body):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("body_detail", args=[body.pk]))
    assert response.status_code == 200
    return response.content.decode(), len(queries)


@pytest.mark.django_db
def test_the_body_page_lists_coming_and_latest_past_meetings(
    client, leader_user, lsu, secretariat_user
):
    coming = meeting_on(lsu, 30, title="LSU-møte om våren")
    cancelled = meeting_on(lsu, 60, title="LSU-møte om sommeren")
    cancel_meeting(cancelled, reason="Ferie", user=secretariat_user)
    past = [meeting_on(lsu, -30 * n, title=f"Tidligere møte {n}") for n in range(1, PAST + 3)]
    meeting_on(BodyFactory(), 10, title="Et annet organs møte")
    client.force_login(leader_user)
    html, _ = body_page(client, lsu)
    assert coming.display_title in html and cancelled.display_title in html
    assert "Avlyst" in html
    shown = [m for m in past if m.display_title + "<" in html]
    assert shown == past[:PAST]  # the latest ones
    assert "Et annet organs møte" not in html
    assert f"{reverse('meetings:meeting_list')}?organ={lsu.pk}" in html
    assert f"{reverse('meetings:meeting_create')}?organ={lsu.pk}" in html


@pytest.mark.django_db
def test_the_body_page_costs_the_same_with_many_meetings(client, member_user, lsu):
    meeting_on(lsu, 10)
    meeting_on(lsu, -10)
    client.force_login(member_user)
    html, few = body_page(client, lsu)
    assert reverse("meetings:meeting_create") not in html  # a member does not keep them
    for days in range(1, 40):
        meeting_on(lsu, days * 7)
        meeting_on(lsu, -days * 7)
    _, many = body_page(client, lsu)
    assert many == few


@pytest.mark.django_db
def test_the_meeting_list_filtered_by_body_shows_every_year(client, member_user, lsu):
    old = MeetingFactory(
        body=lsu,
        title="Møte i 2019",
        starts_at=datetime.datetime(2019, 3, 5, 9, tzinfo=datetime.UTC),
    )
    other = meeting_on(BodyFactory(), 5, title="Et annet organs møte")
    client.force_login(member_user)
    html = client.get(reverse("meetings:meeting_list"), {"organ": lsu.pk}).content.decode()
    assert f"Møter i {lsu.name}" in html and old.display_title in html
    assert other.display_title not in html
    for bad in ("x", "999999", "-1"):
        assert client.get(reverse("meetings:meeting_list"), {"organ": bad}).status_code == 200
