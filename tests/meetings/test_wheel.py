"""The annual wheel: geometry, rings per body, a fixed number of queries, the page with its
marks and list, and the secretariat's activity pages."""

import datetime
import math

import pytest
from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from helsefellesskap.fragments import CACHE
from helsefellesskap.models import BodyName
from meetings.models import Activity
from meetings.wheel import CX, CY, date_angle, year_wheel
from tests.factories import BodyFactory
from tests.meetings.factories import OSLO, ActivityFactory, MeetingFactory

pytestmark = pytest.mark.django_db


def at(day: datetime.date, hour=9):
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=OSLO)


def wheel_url(year):
    return f"{reverse('meetings:year_wheel')}?aar={year}"


def test_january_starts_at_the_top_and_july_is_at_the_bottom():
    assert date_angle(datetime.date(2025, 1, 1), 0) == 0
    assert date_angle(datetime.date(2025, 4, 1), 0) == 90  # quarter past: three o'clock
    assert abs(date_angle(datetime.date(2025, 7, 1)) - 181) < 1
    assert date_angle(datetime.date(2025, 12, 31), 1) == 360


def test_a_meeting_on_the_first_of_july_is_a_mark_at_the_bottom():
    body = BodyFactory()
    meeting = MeetingFactory(body=body, starts_at=at(datetime.date(2025, 7, 1)))
    wheel = year_wheel(2025)
    (mark,) = wheel.marks
    assert mark.shape == "circle" and mark.url == meeting.get_absolute_url()
    angle = math.degrees(math.atan2(mark.x - CX, CY - mark.y)) % 360
    assert abs(angle - 181) < 1
    assert mark.y > CY  # below the centre
    assert "01.07.2025 kl. 09.00" in mark.title and meeting.display_title in mark.title


def test_one_ring_per_body_with_meetings_in_the_registers_order_activities_outermost():
    ssu = BodyFactory(name="Strategisk samarbeidsutvalg", position=2)
    top = BodyFactory(name="Partnerskapsmøtet", position=1)
    BodyFactory(name="Nettverk uten møter")
    MeetingFactory(body=ssu, starts_at=at(datetime.date(2025, 3, 4)))
    MeetingFactory(body=ssu, starts_at=at(datetime.date(2025, 9, 2)))
    MeetingFactory(body=top, starts_at=at(datetime.date(2025, 10, 14)))
    MeetingFactory(body=top, starts_at=at(datetime.date(2024, 10, 15)))  # another year
    ActivityFactory(title="Årsrapport", kind=Activity.Kind.ANNUAL_REPORT)

    wheel = year_wheel(2025)

    assert [ring.label for ring in wheel.rings] == [
        "Aktiviteter for hele helsefellesskapet",
        "Partnerskapsmøtet",
        "Strategisk samarbeidsutvalg",
    ]
    assert [ring.meeting_count for ring in wheel.body_rings] == [1, 2]
    radii = [ring.radius for ring in wheel.rings]
    assert radii == sorted(radii, reverse=True)  # outermost first
    # Every meeting mark lies on its body's ring.
    ssu_ring = wheel.rings[2]
    for mark in (m for m in wheel.marks if m.shape == "circle" and m.css_class == "wheel-c1"):
        assert abs(math.hypot(mark.x - CX, mark.y - CY) - ssu_ring.radius) < 0.1


def test_a_ring_is_named_as_its_body_was_named_that_year():
    lsu = BodyFactory(name="Lokalt samarbeidsutvalg Ahus-sektoren")
    BodyName.objects.create(
        body=lsu, name="Direktørmøtet (Ahus-sektoren)", valid_to=datetime.date(2021, 5, 31)
    )
    forum = BodyFactory(name="Samarbeidsforum somatikk")
    BodyName.objects.create(body=forum, name="Somatikkforum", valid_to=datetime.date(2019, 12, 31))
    MeetingFactory(body=lsu, starts_at=at(datetime.date(2019, 3, 4)))
    ActivityFactory(
        body=forum, starts_on=datetime.date(2019, 5, 1), ends_on=datetime.date(2019, 5, 20)
    )
    MeetingFactory(body=lsu, starts_at=at(datetime.date(2025, 3, 4)))

    assert [ring.label for ring in year_wheel(2019).body_rings] == [
        "Direktørmøtet (Ahus-sektoren)",
        "Somatikkforum",
    ]
    assert [ring.label for ring in year_wheel(2025).body_rings] == [
        "Lokalt samarbeidsutvalg Ahus-sektoren"
    ]


def test_an_activity_is_an_arc_from_start_to_deadline_and_a_one_day_activity_a_diamond():
    ActivityFactory(starts_on=datetime.date(2025, 9, 1), ends_on=datetime.date(2025, 11, 18))
    ActivityFactory(
        title="Frist for årsrapporten", starts_on=datetime.date(2025, 3, 1), ends_on=None
    )
    arc, diamond = sorted(year_wheel(2025).marks, key=lambda m: m.shape)
    assert arc.shape == "arc" and arc.path.startswith("M ") and " A " in arc.path
    assert "01.09.2025–18.11.2025" in arc.title
    assert diamond.shape == "diamond" and diamond.title.startswith("Frist for årsrapporten")
    assert arc.url is None  # linked only for those who may edit activities


def test_overlapping_activities_get_their_own_lanes():
    ActivityFactory(title="Tilskuddsrunde", starts_on=datetime.date(2025, 9, 1))
    ActivityFactory(
        title="Revisjon av porteføljeplanen",
        starts_on=datetime.date(2025, 8, 15),
        ends_on=datetime.date(2025, 10, 31),
    )
    first, second = (m.path for m in year_wheel(2025).marks)
    radius = lambda path: float(path.split(" A ")[1].split()[0])  # noqa: E731
    assert radius(first) != radius(second)


def test_an_activity_from_last_year_is_drawn_from_january():
    ActivityFactory(starts_on=datetime.date(2024, 11, 1), ends_on=datetime.date(2025, 2, 1))
    wheel = year_wheel(2025)
    assert len(wheel.marks) == 1
    assert wheel.months_with_entries[0].name == "Januar"


@pytest.mark.parametrize("meetings_per_body", [1, 10])
def test_the_wheel_takes_three_queries_whatever_the_number_of_meetings(
    django_assert_num_queries, meetings_per_body
):
    for body in (BodyFactory(), BodyFactory()):
        for n in range(meetings_per_body):
            MeetingFactory(body=body, starts_at=at(datetime.date(2025, 1 + n, 10)))
    ActivityFactory(body=BodyFactory())
    ActivityFactory()
    # meetings, their bodies' names, activities, their bodies' names
    with django_assert_num_queries(4):
        wheel = year_wheel(2025)
    assert wheel.meeting_count == 2 * meetings_per_body


@pytest.fixture
def year_2025(lsu):
    meeting = MeetingFactory(
        body=lsu, title="LSU-møte om tilskudd", starts_at=at(datetime.date(2025, 11, 18))
    )
    activity = ActivityFactory(title="Tilskuddsrunde 2025")
    return meeting, activity


def test_the_page_shows_the_wheel_with_links_and_the_same_as_a_list(client, reader_user, year_2025):
    meeting, activity = year_2025
    client.force_login(reader_user)
    response = client.get(wheel_url(2025))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'role="img"' in html and '<title id="wheel-title">Årshjul 2025</title>' in html
    # The mark in the SVG and the list line both link to the meeting page.
    assert html.count(f'href="{meeting.get_absolute_url()}"') == 2
    assert "<title>LSU-møte om tilskudd, 18.11.2025 kl. 09.00–11.20</title>" in html
    assert '<th scope="rowgroup" colspan="3">November</th>' in html
    assert '<th scope="rowgroup" colspan="3">September</th>' in html
    assert "Tilskuddsrunde 2025" in html
    # A reader may not edit activities: no links to their pages, no buttons.
    assert reverse("meetings:activity_edit", args=[activity.pk]) not in html
    assert reverse("meetings:year_draft", args=[2025]) not in html
    # Numbers in the SVG are never localised ("300,5" would break it).
    assert 'cx="300"' in html or 'cx="300.0"' in html


def test_the_secretariat_gets_activity_links_and_the_draft_button(
    client, secretariat_user, year_2025
):
    _, activity = year_2025
    client.force_login(secretariat_user)
    html = client.get(wheel_url(2025)).content.decode()
    assert html.count(f'href="{reverse("meetings:activity_edit", args=[activity.pk])}"') == 2
    assert reverse("meetings:year_draft", args=[2025]) in html
    assert reverse("meetings:activity_create") in html


def test_the_page_lists_the_calendar_links(client, member_user, lsu, year_2025):
    client.force_login(member_user)
    html = client.get(wheel_url(2025)).content.decode()
    assert "Abonner på kalenderen" in html
    assert "http://testserver/moter/kalender/organ/" in html
    assert "http://testserver/moter/kalender/person/" in html  # the member's own feed


def test_the_year_defaults_to_this_year_and_ignores_nonsense(client, reader_user):
    client.force_login(reader_user)
    this_year = datetime.date.today().year
    for query in ("", "?aar=abc", "?aar=99999"):
        html = client.get(reverse("meetings:year_wheel") + query).content.decode()
        assert f"<h1>Årshjul {this_year}</h1>" in html


@pytest.mark.parametrize("meetings_per_body", [1, 10])
def test_the_page_query_count_does_not_grow(client, secretariat_user, meetings_per_body):
    bodies = [BodyFactory(), BodyFactory()]
    client.force_login(secretariat_user)
    client.get(wheel_url(2025))
    caches[CACHE].clear()  # the wheel drawn anew (a change to the data would do the same)
    with CaptureQueriesContext(connection) as empty:
        client.get(wheel_url(2025))
    for body in bodies:
        for n in range(meetings_per_body):
            MeetingFactory(body=body, starts_at=at(datetime.date(2025, 1 + n, 10)))
        ActivityFactory(body=body)
    caches[CACHE].clear()
    with CaptureQueriesContext(connection) as full:
        response = client.get(wheel_url(2025))
    assert response.content.decode().count('class="wheel-mark ') == 2 * meetings_per_body + 2
    # Two more than the empty year: the names of the meetings' and the activities' bodies,
    # asked only when there are such; the same for one and for ten meetings a body.
    assert len(full) == len(empty) + 2, "\n".join(q["sql"][:150] for q in full)
    with CaptureQueriesContext(connection) as kept:
        client.get(wheel_url(2025))
    assert len(kept) < len(full)  # drawn once, then read from the cache


def test_the_kept_wheel_follows_every_change_and_each_users_rights(
    client, secretariat_user, reader_user, lsu, year_2025
):
    meeting, activity = year_2025
    edit_url = reverse("meetings:activity_edit", args=[activity.pk])
    client.force_login(secretariat_user)
    assert edit_url in client.get(wheel_url(2025)).text
    client.force_login(reader_user)
    html = client.get(wheel_url(2025)).text
    assert edit_url not in html  # not the secretariat's rendering
    assert "LSU-møte om tilskudd" in html
    meeting.title = "LSU-møte om tilskudd og plan"
    meeting.save()
    assert "LSU-møte om tilskudd og plan" in client.get(wheel_url(2025)).text
    lsu.short_name = "LSU Ny"
    lsu.save()
    assert "LSU Ny" in client.get(wheel_url(2025)).text
    MeetingFactory(body=lsu, title="Ekstra møte", starts_at=at(datetime.date(2025, 12, 1)))
    assert "Ekstra møte" in client.get(wheel_url(2025)).text
    activity.delete()
    assert "Tilskuddsrunde 2025" not in client.get(wheel_url(2025)).text


def test_the_secretariat_adds_an_activity_with_a_reason(client, secretariat_user):
    client.force_login(secretariat_user)
    response = client.post(
        reverse("meetings:activity_create"),
        {
            "title": "Revisjon av porteføljeplanen",
            "kind": Activity.Kind.PORTFOLIO,
            "starts_on": "2026-08-15",
            "ends_on": "2026-10-31",
            "change_reason": "Fast punkt i årshjulet",
        },
    )
    activity = Activity.objects.get()
    assert response.status_code == 302
    assert response["Location"] == wheel_url(2026)
    record = activity.history.get()
    assert record.history_user == secretariat_user
    assert record.history_change_reason == "Fast punkt i årshjulet"


def test_an_activity_cannot_end_before_it_starts(client, secretariat_user):
    activity = ActivityFactory()
    client.force_login(secretariat_user)
    response = client.post(
        reverse("meetings:activity_edit", args=[activity.pk]),
        {
            "title": activity.title,
            "kind": activity.kind,
            "starts_on": "2025-09-01",
            "ends_on": "2025-08-01",
        },
    )
    assert response.status_code == 200
    assert "Fristen kan ikke være før startdatoen." in response.content.decode()
    activity.refresh_from_db()
    assert activity.ends_on == datetime.date(2025, 11, 18)


def test_a_reader_cannot_add_or_edit_activities(client, reader_user):
    activity = ActivityFactory()
    client.force_login(reader_user)
    assert client.get(reverse("meetings:activity_create")).status_code == 403
    assert client.get(reverse("meetings:activity_edit", args=[activity.pk])).status_code == 403


START_MISSING = "Fyll ut startdatoen («fra») når aktiviteten har en frist."


def test_an_activity_with_a_deadline_but_no_start_is_refused_in_norwegian(client, secretariat_user):
    with pytest.raises(ValidationError) as refused:
        Activity(title="Frist", ends_on=datetime.date(2026, 10, 31)).full_clean()
    assert START_MISSING in refused.value.message_dict["ends_on"]
    client.force_login(secretariat_user)
    data = {"title": "Frist", "kind": Activity.Kind.OTHER, "ends_on": "2026-10-31"}
    for url in (reverse("meetings:activity_create"), reverse("admin:meetings_activity_add")):
        response = client.post(url, data)
        assert response.status_code in (200, 422), url
        assert START_MISSING in response.content.decode(), url
    assert not Activity.objects.exists()
