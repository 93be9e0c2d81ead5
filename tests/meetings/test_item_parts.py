"""Items with parts (issue 15): the LSU's keeper gives an item parts, each with its own Hensikt
and presenter, changes and reorders them on the item's page; others may not, and once the
minutes are approved the parts are fixed with the rest of the record."""

import datetime

import pytest
from django.db import transaction
from django.urls import reverse

from meetings import minutes
from meetings.models import ItemPart, RecordLocked
from tests.meetings.factories import ItemFactory, MeetingFactory, MinutesFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(lsu):
    meeting = MeetingFactory(body=lsu, starts_at=datetime.datetime(2026, 3, 3, 9, 0).astimezone())
    MinutesFactory(meeting=meeting)
    return ItemFactory(meeting=meeting, title="Status i helsefellesskapet")


def add_part(client, item, title, purpose="", presenter=""):
    return client.post(
        reverse("meetings:part_create", args=[item.pk]),
        {"title": title, "purpose": purpose, "presenter": presenter, "text": ""},
    )


def titles(item) -> list[tuple[int, str]]:
    return list(item.parts.values_list("position", "title"))


def test_the_keeper_gives_an_item_two_parts_with_their_own_purpose_and_presenter(
    client, leader_user, item
):
    client.force_login(leader_user)
    response = add_part(
        client, item, "Presentasjon av året", "Byråd og styreledere får innsikt.", "Tone Ikdahl"
    )
    assert response.status_code == 302
    add_part(client, item, "Helsefellesskap Oslo 2026", "Partnerne har diskutert 2026.")
    assert titles(item) == [(1, "Presentasjon av året"), (2, "Helsefellesskap Oslo 2026")]
    first = item.parts.get(position=1)
    assert (first.purpose, first.presenter) == ("Byråd og styreledere får innsikt.", "Tone Ikdahl")
    assert first.history.get().history_user == leader_user

    page = client.get(reverse("meetings:item_minutes", args=[item.pk])).content.decode()
    assert "Presentasjon av året" in page and "Byråd og styreledere får innsikt." in page
    meeting_page = client.get(item.meeting.get_absolute_url()).content.decode()
    assert f'<h4 id="del-{first.pk}-tittel">1. Presentasjon av året</h4>' in meeting_page
    assert "<strong>Innleder:</strong> Tone Ikdahl" in meeting_page


def test_the_keeper_changes_and_reorders_the_parts(client, leader_user, item):
    client.force_login(leader_user)
    for title in ("Første", "Andre", "Tredje"):
        add_part(client, item, title)
    third = item.parts.get(title="Tredje")
    response = client.post(reverse("meetings:part_move", args=[third.pk]), {"retning": "opp"})
    assert response.status_code == 302
    assert titles(item) == [(1, "Første"), (2, "Tredje"), (3, "Andre")]
    # At the top it stays; an unknown direction is refused with a message, nothing moved.
    first = item.parts.get(title="Første")
    client.post(reverse("meetings:part_move", args=[first.pk]), {"retning": "opp"})
    client.post(reverse("meetings:part_move", args=[first.pk]), {"retning": "sidelengs"})
    assert titles(item) == [(1, "Første"), (2, "Tredje"), (3, "Andre")]

    response = client.post(
        reverse("meetings:part_edit", args=[third.pk]),
        {"title": "Tredje, endret", "purpose": "Ny hensikt", "presenter": "", "text": "Referat"},
    )
    assert response.status_code == 302
    third.refresh_from_db()
    assert (third.title, third.purpose, third.text) == ("Tredje, endret", "Ny hensikt", "Referat")
    assert [record.history_change_reason for record in third.history.all()] == [
        "Del endret",
        "Del flyttet",
        "Del lagt til i saken",
    ]


def test_a_part_without_a_title_is_refused_with_a_message(client, leader_user, item):
    client.force_login(leader_user)
    response = add_part(client, item, "")
    assert response.status_code == 422
    assert "Feltet er påkrevet." in response.content.decode()
    assert not item.parts.exists()


def test_others_may_not_touch_the_parts(client, member_user, reader_user, item):
    part = ItemPart.objects.create(item=item, position=1, title="Del")
    for user in (member_user, reader_user):
        client.force_login(user)
        assert add_part(client, item, "Ny del").status_code == 403
        edit = reverse("meetings:part_edit", args=[part.pk])
        assert client.post(edit, {"title": "Endret"}).status_code == 403
        move = reverse("meetings:part_move", args=[part.pk])
        assert client.post(move, {"retning": "ned"}).status_code == 403
    assert titles(item) == [(1, "Del")]


def test_the_parts_are_fixed_once_the_minutes_are_approved(
    client, secretariat_user, leader_user, item
):
    first = ItemPart.objects.create(item=item, position=1, title="Første")
    second = ItemPart.objects.create(item=item, position=2, title="Andre")
    minutes.approve_minutes(
        item.meeting.minutes,
        at_meeting=None,
        in_item=None,
        on=datetime.date(2026, 3, 3),
        user=secretariat_user,
    )
    client.force_login(leader_user)
    response = add_part(client, item, "For sent")
    assert response.status_code == 302 and response.url == item.meeting.get_absolute_url()
    response = client.post(reverse("meetings:part_move", args=[second.pk]), {"retning": "opp"})
    assert response.url == item.meeting.get_absolute_url()
    client.post(reverse("meetings:part_edit", args=[first.pk]), {"title": "Endret"})
    assert titles(item) == [(1, "Første"), (2, "Andre")]

    first.title = "Endret i koden"
    attempts = (
        lambda: minutes.save_part(ItemPart(item=item, title="Direkte"), user=leader_user),
        first.save,
        first.delete,
        lambda: ItemPart.objects.filter(pk=first.pk).update(title="Endret med update"),
        lambda: ItemPart.objects.filter(pk=first.pk).delete(),
        lambda: item.meeting.delete(),
    )
    for attempt in attempts:
        # A savepoint each: a refused queryset delete spoils the test's transaction.
        with pytest.raises(RecordLocked), transaction.atomic():
            attempt()
    assert titles(item) == [(1, "Første"), (2, "Andre")]
    # The item's page no longer offers to add or change parts.
    page = client.get(reverse("meetings:item_minutes", args=[item.pk])).content.decode()
    assert "Ny del av saken" not in page and "Endre delen" not in page


def test_a_part_cannot_be_moved_into_a_locked_meeting(secretariat_user, item, lsu):
    part = ItemPart.objects.create(item=item, position=1, title="Del")
    locked = ItemFactory(meeting=MeetingFactory(body=lsu))
    MinutesFactory(meeting=locked.meeting, status="godkjent")
    with pytest.raises(RecordLocked), transaction.atomic():
        ItemPart.objects.filter(pk=part.pk).update(item=locked)
    assert ItemPart.objects.get(pk=part.pk).item == item
