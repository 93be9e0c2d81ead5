"""A body's page stays the same size over the years: it lists today's members, those starting
later and those who left in the last two years; everyone who left earlier is on the body's
paged page of former members, linked with their number."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from helsefellesskap.models import today
from tests.factories import MembershipFactory, PersonFactory

pytestmark = pytest.mark.django_db


def left(body, name, *, days_ago):
    day = today() - timedelta(days=days_ago)
    return MembershipFactory(
        body=body, person=PersonFactory(name=name), start=day - timedelta(days=400), end=day
    )


def test_the_page_shows_recent_leavers_and_links_to_everyone_who_left(client, member_user, lsu):
    left(lsu, "Nylig Nilsen", days_ago=40)
    left(lsu, "Gammel Gundersen", days_ago=3 * 365)
    client.force_login(member_user)

    page = client.get(lsu.get_absolute_url()).text
    current, past = page.split('id="past-heading"')
    assert "Nylig Nilsen" in past and "Nylig Nilsen" not in current
    assert "Gammel Gundersen" not in page  # left more than two years ago
    history = reverse("body_past_members", args=[lsu.pk])
    assert f'<a href="{history}">Alle tidligere medlemmer' in past
    assert "(2)" in past

    everyone = client.get(history).text
    assert everyone.index("Nylig Nilsen") < everyone.index("Gammel Gundersen")  # latest first
    assert "Mona Medlem" not in everyone  # still a member


def test_no_link_while_nobody_left_before_the_last_two_years(client, member_user, lsu):
    client.force_login(member_user)
    page = client.get(lsu.get_absolute_url()).text
    assert "Ingen tidligere medlemmer er registrert." in page
    assert "Alle tidligere medlemmer" not in page

    left(lsu, "Gammel Gundersen", days_ago=3 * 365)
    page = client.get(lsu.get_absolute_url()).text
    assert "Ingen medlemskap er avsluttet de siste to årene." in page
    assert "Alle tidligere medlemmer" in page


def queries_for(client, url) -> int:
    client.get(url)  # warm: session, user
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_body_page_asks_the_same_number_of_queries_at_one_and_ten_years(
    client, member_user, lsu
):
    client.force_login(member_user)
    for number in range(3):
        left(lsu, f"Fjor {number}", days_ago=100 + number)
        left(lsu, f"Tidlig {number}", days_ago=800 + number)
    one_year = queries_for(client, lsu.get_absolute_url())
    first_page = queries_for(client, reverse("body_past_members", args=[lsu.pk]))
    for number in range(30):
        left(lsu, f"Lenge siden {number}", days_ago=900 + 100 * number)
    assert queries_for(client, lsu.get_absolute_url()) == one_year
    page = client.get(lsu.get_absolute_url()).text
    assert "Lenge siden" not in page and "(36)" in page
    assert queries_for(client, reverse("body_past_members", args=[lsu.pk])) == first_page


def test_the_former_members_come_a_hundred_a_page(client, member_user, lsu):
    for number in range(105):
        left(lsu, f"Tidligere {number:03}", days_ago=1000 + number)
    client.force_login(member_user)
    url = reverse("body_past_members", args=[lsu.pk])

    first = client.get(url).text
    assert "105 avsluttede medlemskap" in first
    assert first.count('<th scope="row">') == 100
    assert "Tidligere 000" in first and "Tidligere 104" not in first
    assert "Side 1 av 2" in first and "?side=2" in first
    second = client.get(url, {"side": 2}).text
    assert second.count('<th scope="row">') == 5 and "Tidligere 104" in second
    assert client.get(url, {"side": 9}).status_code == 404
