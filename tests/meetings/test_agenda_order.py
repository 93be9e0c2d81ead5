"""The agenda's order: items are moved up and down until the notice is sent, and the notice
numbers them in that order, never reusing a number."""

import pytest
from django.urls import reverse

from meetings import agenda
from meetings.agenda import DOWN, UP, AgendaFixed, move_item
from meetings.minutes import MinutesLocked
from meetings.models import Item, Minutes
from meetings.notice import send_notice
from meetings.numbering import allocate_item_number
from tests.factories import MembershipFactory, PersonFactory
from tests.meetings.factories import ItemFactory, MeetingFactory, MinutesFactory
from tests.portfolio.factories import MeasureFactory


@pytest.fixture
def meeting(lsu):
    meeting = MeetingFactory(body=lsu)
    for title in ("Godkjenning av innkalling", "Rehabilitering", "Eventuelt"):
        ItemFactory(meeting=meeting, title=title, position=0)
    MembershipFactory(body=lsu, person=PersonFactory(email="anne@example.no"))
    return meeting


def agenda_of(meeting):
    return [(item.title, item.label) for item in meeting.items.order_by("position", "number")]


@pytest.mark.django_db
def test_moving_changes_the_order_and_the_notice_numbers_follow_it(
    meeting, secretariat_user, mailoutbox
):
    rehab = meeting.items.get(title="Rehabilitering")
    assert move_item(rehab, direction=UP, user=secretariat_user) == 1
    assert agenda_of(meeting) == [
        ("Rehabilitering", "2/25"),
        ("Godkjenning av innkalling", "1/25"),
        ("Eventuelt", "3/25"),
    ]
    send_notice(meeting, user=secretariat_user)
    assert agenda_of(meeting) == [
        ("Rehabilitering", "1/25"),
        ("Godkjenning av innkalling", "2/25"),
        ("Eventuelt", "3/25"),
    ]
    assert "Sak 1/25 Rehabilitering" in mailoutbox[0].body
    rehab.refresh_from_db()
    assert rehab.history.latest().history_change_reason == (
        "Nummerert etter rekkefølgen da innkallingen ble sendt"
    )
    # The counter was not touched: the next item gets the next new number.
    assert allocate_item_number(meeting.body, 2025) == 4


@pytest.mark.django_db
def test_a_removed_items_number_is_not_reused_by_the_renumbering(meeting, secretariat_user):
    meeting.items.get(title="Godkjenning av innkalling").delete()
    eventuelt = meeting.items.get(title="Eventuelt")
    move_item(eventuelt, direction=UP, user=secretariat_user)
    send_notice(meeting, user=secretariat_user)
    assert agenda_of(meeting) == [("Eventuelt", "2/25"), ("Rehabilitering", "3/25")]
    assert not Item.objects.filter(number=1).exists()


@pytest.mark.django_db
def test_the_order_is_fixed_once_the_notice_is_sent(meeting, secretariat_user):
    send_notice(meeting, user=secretariat_user)
    last = meeting.items.get(title="Eventuelt")
    with pytest.raises(AgendaFixed):
        move_item(last, direction=UP, user=secretariat_user)
    new = ItemFactory(meeting=meeting, title="Ny sak etter innkallingen")
    assert new.label == "4/25"


@pytest.mark.django_db
def test_an_item_at_the_top_stays_there(meeting, secretariat_user):
    first = meeting.items.order_by("position", "number").first()
    assert move_item(first, direction=UP, user=secretariat_user) == 1
    assert move_item(first, direction=DOWN, user=secretariat_user) == 2
    assert agenda_of(meeting)[1][0] == first.title


@pytest.mark.django_db
def test_the_order_cannot_change_once_the_minutes_are_approved(meeting, secretariat_user):
    MinutesFactory(meeting=meeting, status=Minutes.Status.APPROVED)
    with pytest.raises(MinutesLocked):
        move_item(meeting.items.last(), direction=UP, user=secretariat_user)


@pytest.mark.django_db
def test_the_buttons_move_with_and_without_javascript(client, meeting, leader_user):
    client.force_login(leader_user)
    page = client.get(meeting.get_absolute_url()).content.decode()
    eventuelt = meeting.items.get(title="Eventuelt")
    assert f'id="flytt-opp-{eventuelt.pk}"' in page
    url = reverse("meetings:item_move", args=[eventuelt.pk])
    response = client.post(url, {"retning": "opp"})
    assert response.status_code == 302
    assert response["Location"].endswith(f"#sak-{eventuelt.pk}")
    response = client.post(url, {"retning": "opp"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200 and 'id="agenda"' in html
    assert "står nå som nr. 1 på dagsordenen" in html
    assert "<html" not in html
    assert agenda_of(meeting)[0][0] == "Eventuelt"
    response = client.post(url, {"retning": "sidelengs"})
    assert response.status_code == 302
    assert agenda_of(meeting)[0][0] == "Eventuelt"


@pytest.mark.django_db
def test_after_the_notice_the_page_offers_no_moving(client, meeting, secretariat_user):
    send_notice(meeting, user=secretariat_user)
    client.force_login(secretariat_user)
    assert "flytt-opp-" not in client.get(meeting.get_absolute_url()).content.decode()
    item = meeting.items.last()
    response = client.post(
        reverse("meetings:item_move", args=[item.pk]),
        {"retning": "opp"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200 and response["HX-Redirect"] == item.get_absolute_url()
    assert not agenda.can_reorder(meeting)


@pytest.mark.django_db
def test_a_member_cannot_move_items(client, meeting, member_user):
    client.force_login(member_user)
    item = meeting.items.last()
    response = client.post(reverse("meetings:item_move", args=[item.pk]), {"retning": "opp"})
    assert response.status_code == 403


@pytest.mark.django_db
def test_the_item_form_names_its_meeting_and_groups_measures_by_focus_area(
    client, meeting, leader_user
):
    first, second = MeasureFactory(name="Felles journal"), MeasureFactory(name="Rehab i bydel")
    client.force_login(leader_user)
    url = reverse("meetings:item_create", args=[meeting.pk])
    html = client.get(url).content.decode()
    assert 'aria-label="Brødsmulesti"' in html and meeting.get_absolute_url() in html
    assert f'Ny sak <span class="muted">i {meeting.display_title}' in html
    assert "Begrunnelse for endringen" not in html
    assert f"<legend>{first.group.area}</legend>" in html and "data-filter-area" in html
    # The plan's word for a focus area, as everywhere else in the portal
    assert "Vis innsatsområde" in html and "ordnet etter innsatsområde" in html
    assert "fokusområde" not in html
    response = client.post(
        url, {"kind": "vedtak", "title": "Felles journal", "measures": [first.pk]}
    )
    item = meeting.items.get(title="Felles journal")
    assert response.status_code == 302 and list(item.measures.all()) == [first]
    edit = client.get(reverse("meetings:item_edit", args=[item.pk])).content.decode()
    assert "Begrunnelse for endringen" in edit and second.name in edit
