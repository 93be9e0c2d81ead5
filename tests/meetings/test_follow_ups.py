"""Follow-ups: kept on an item by the meeting's keepers, listed open per body with the overdue
ones first."""

import datetime

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from helsefellesskap.models import Membership, today
from meetings.follow_ups import PAGE_SIZE, PER_BODY
from meetings.forms import FollowUpForm
from meetings.models import FollowUp
from tests.factories import BodyFactory, MembershipFactory, PersonFactory, UserFactory
from tests.meetings.factories import FollowUpFactory, ItemFactory, MeetingFactory

DAY = datetime.timedelta(days=1)


@pytest.fixture
def item(lsu):
    return ItemFactory(meeting__body=lsu, title="Aclasta")


def follow_up_data(**overrides):
    return {
        "title": "Svar fra sykehusdirektørene om Aclasta",
        "responsible_body": "",
        "responsible_person": "",
        "responsible_text": "Sykehusdirektørene",
        "due_on": "2025-12-01",
        "status": FollowUp.Status.OPEN,
        "done_on": "",
        "change_reason": "",
    } | overrides


# --- The form ---


@pytest.mark.django_db
def test_done_without_a_date_is_done_today(item):
    form = FollowUpForm(data=follow_up_data(status=FollowUp.Status.DONE))
    form.instance.item = item
    assert form.is_valid(), form.errors
    assert form.save().done_on == today()


@pytest.mark.django_db
def test_a_done_date_needs_the_status_done(item):
    form = FollowUpForm(data=follow_up_data(done_on="2025-11-01"))
    form.instance.item = item
    assert not form.is_valid()
    assert "Ferdig dato settes bare når status er «Ferdig»" in form.errors["done_on"][0]


@pytest.mark.django_db
def test_someone_must_be_responsible(item):
    form = FollowUpForm(data=follow_up_data(responsible_text=""))
    form.instance.item = item
    assert not form.is_valid()
    assert "Oppgi hvem som er ansvarlig" in form.non_field_errors()[0]


# --- Creating and editing ---


@pytest.mark.django_db
def test_the_secretariat_adds_a_follow_up_to_an_item(client, secretariat_user, item, lsu):
    person = PersonFactory(name="Hanne Helse")
    client.force_login(secretariat_user)
    url = reverse("meetings:followup_create", args=[item.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert f"Ny oppfølging av sak {item.label} Aclasta" in page.text
    response = client.post(
        url,
        follow_up_data(responsible_body=lsu.pk, responsible_person=person.pk, responsible_text=""),
    )
    assert response.status_code == 302
    assert response["Location"] == f"{item.meeting.get_absolute_url()}#sak-{item.pk}"
    follow_up = FollowUp.objects.get()
    assert follow_up.item == item
    assert follow_up.responsible_body == lsu
    assert follow_up.responsible == "Hanne Helse"
    assert follow_up.due_on == datetime.date(2025, 12, 1)
    assert follow_up.history.get().history_user == secretariat_user


@pytest.mark.django_db
def test_an_invalid_follow_up_is_not_saved(client, secretariat_user, item):
    client.force_login(secretariat_user)
    response = client.post(
        reverse("meetings:followup_create", args=[item.pk]),
        follow_up_data(responsible_text="", due_on="ikke en dato"),
    )
    assert response.status_code == 200
    assert "Skjemaet ble ikke lagret" in response.text
    assert not FollowUp.objects.exists()


@pytest.mark.django_db
def test_marking_a_follow_up_done_records_the_day_and_the_reason(client, secretariat_user, item):
    follow_up = FollowUpFactory(item=item)
    client.force_login(secretariat_user)
    response = client.post(
        reverse("meetings:followup_edit", args=[follow_up.pk]),
        follow_up_data(
            title=follow_up.title,
            status=FollowUp.Status.DONE,
            change_reason="Svar mottatt i brev",
        ),
    )
    assert response.status_code == 302
    follow_up.refresh_from_db()
    assert follow_up.status == FollowUp.Status.DONE
    assert follow_up.done_on == today()
    assert follow_up.history.first().history_change_reason == "Svar mottatt i brev"


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["member", "reader", "decision_maker"])
def test_only_keepers_add_or_edit_follow_ups(client, user_for_role, item, role):
    follow_up = FollowUpFactory(item=item)
    client.force_login(user_for_role(role))
    create = reverse("meetings:followup_create", args=[item.pk])
    edit = reverse("meetings:followup_edit", args=[follow_up.pk])
    assert client.post(create, follow_up_data()).status_code == 403
    assert client.post(edit, follow_up_data(title="Endret")).status_code == 403
    assert FollowUp.objects.get().title == follow_up.title


@pytest.mark.django_db
def test_the_bodys_secretary_keeps_its_follow_ups(client, item):
    user = UserFactory(username="utvalgssekretaer")
    MembershipFactory(
        person=PersonFactory(user=user), body=item.meeting.body, role=Membership.Role.SECRETARY
    )
    client.force_login(user)
    response = client.post(reverse("meetings:followup_create", args=[item.pk]), follow_up_data())
    assert response.status_code == 302
    other_item = ItemFactory()
    response = client.post(
        reverse("meetings:followup_create", args=[other_item.pk]), follow_up_data()
    )
    assert response.status_code == 404  # another body's pages are not there for its keepers


# --- The overview ---


@pytest.fixture
def overview(lsu):
    """Open and done follow-ups of two bodies' meetings, some overdue."""
    au = BodyFactory(name="Arbeidsutvalget")
    ssu = BodyFactory(name="Strategisk samarbeidsutvalg")
    day = today()
    lsu_item = ItemFactory(meeting__body=lsu)
    au_item = ItemFactory(meeting__body=au)
    return {
        "au": au,
        "ssu": ssu,
        "later": FollowUpFactory(item=lsu_item, title="Kartlegge rehabilitering", due_on=day + DAY),
        "overdue": FollowUpFactory(
            item=lsu_item, title="Svar om Aclasta", due_on=day - 30 * DAY, responsible_body=ssu
        ),
        "no_date": FollowUpFactory(item=lsu_item, title="Felles høringssvar"),
        "done": FollowUpFactory(
            item=lsu_item,
            title="Ferdig sak",
            due_on=day - 60 * DAY,
            status=FollowUp.Status.DONE,
            done_on=day,
        ),
        "au_open": FollowUpFactory(
            item=au_item, title="Pågående i AU", due_on=day - DAY, status="pagar"
        ),
    }


@pytest.mark.django_db
def test_the_overview_lists_open_follow_ups_per_body_overdue_first(
    client, reader_user, overview, lsu
):
    client.force_login(reader_user)
    response = client.get(reverse("meetings:followup_list"))
    assert response.status_code == 200
    groups = response.context["groups"]
    assert [group.body for group in groups] == [overview["au"], lsu]
    assert [f.title for f in groups[1].follow_ups] == [
        "Svar om Aclasta",
        "Kartlegge rehabilitering",
        "Felles høringssvar",
    ]
    assert groups[1].overdue_count == 1
    text = response.text
    assert "Ferdig sak" not in text
    assert text.count(">Forfalt<") == 2  # Aclasta and the one in AU
    assert text.index("Svar om Aclasta") < text.index("Kartlegge rehabilitering")
    assert "Strategisk samarbeidsutvalg" in text  # the responsible body is shown
    assert "1 forfalt" in text
    assert "Endre" not in text  # readers get no edit links


@pytest.mark.django_db
def test_the_secretariat_gets_edit_links(client, secretariat_user, overview):
    client.force_login(secretariat_user)
    response = client.get(reverse("meetings:followup_list"))
    assert reverse("meetings:followup_edit", args=[overview["later"].pk]) in response.text


@pytest.mark.django_db
def test_the_overview_filters_by_body(client, reader_user, overview, lsu):
    client.force_login(reader_user)
    url = reverse("meetings:followup_list")
    au_only = client.get(url, {"organ": overview["au"].pk})
    assert au_only.context["selected_body"] == overview["au"]
    assert [f.title for g in au_only.context["groups"] for f in g.follow_ups] == ["Pågående i AU"]
    # A body also sees what it is responsible for from other bodies' meetings.
    ssu = client.get(url, {"organ": overview["ssu"].pk})
    assert [f.title for g in ssu.context["groups"] for f in g.follow_ups] == ["Svar om Aclasta"]


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["abc", "999999", "", "1; DROP TABLE"])
def test_an_unknown_body_in_the_filter_is_ignored(client, reader_user, overview, value):
    client.force_login(reader_user)
    response = client.get(reverse("meetings:followup_list"), {"organ": value})
    assert response.status_code == 200
    assert response.context["selected_body"] is None
    assert response.context["count"] == 4


@pytest.mark.django_db
def test_the_overview_takes_a_fixed_number_of_queries(client, secretariat_user, lsu):
    client.force_login(secretariat_user)
    url = reverse("meetings:followup_list")
    FollowUpFactory(item=ItemFactory(meeting__body=lsu), responsible_body=lsu)
    client.get(url)  # warm up the session
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(3):
        body = BodyFactory()
        meeting = MeetingFactory(body=body)
        for _ in range(3):
            FollowUpFactory(
                item=ItemFactory(meeting=meeting),
                responsible_body=body,
                responsible_person=PersonFactory(),
                due_on=today() - DAY,
            )
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.context["count"] == 10
    assert len(many) == len(few)


@pytest.mark.django_db
def test_the_overview_shows_a_bodys_most_urgent_and_links_to_all_of_them(client, reader_user, lsu):
    """Ten years of open follow-ups do not make the overview longer: each body shows its
    PER_BODY most urgent ones, says how many it has and links to its own list."""
    client.force_login(reader_user)
    meeting = MeetingFactory(body=lsu)
    day = today()
    for n in range(PER_BODY + 5):  # the first five are overdue
        FollowUpFactory(
            item=ItemFactory(meeting=meeting), title=f"Oppgave {n:02d}", due_on=day + (n - 5) * DAY
        )
    au_item = ItemFactory(meeting__body=BodyFactory(name="Arbeidsutvalget"))
    FollowUpFactory(item=au_item, title="Eneste i AU")
    response = client.get(reverse("meetings:followup_list"))
    lsu_group = next(group for group in response.context["groups"] if group.body == lsu)
    assert [f.title for f in lsu_group.follow_ups] == [f"Oppgave {n:02d}" for n in range(PER_BODY)]
    assert (lsu_group.open_count, lsu_group.overdue_count) == (PER_BODY + 5, 5)
    assert response.context["count"] == PER_BODY + 6
    text = response.text
    assert f"{PER_BODY + 5} åpne, 5 forfalte" in text
    assert f'href="?organ={lsu.pk}">Alle {PER_BODY + 5} åpne oppfølginger' in text
    assert "Oppgave 14" not in text
    assert "Eneste i AU" in text and "Alle 1 åpne" not in text  # nothing more to show

    # The body's own list has them all, a page at a time.
    own = client.get(reverse("meetings:followup_list"), {"organ": lsu.pk})
    assert [f.title for g in own.context["groups"] for f in g.follow_ups] == [
        f"Oppgave {n:02d}" for n in range(PER_BODY + 5)
    ]
    assert "Eneste i AU" not in own.text


@pytest.mark.django_db
def test_a_bodys_own_list_is_paged(client, reader_user, lsu):
    client.force_login(reader_user)
    meeting = MeetingFactory(body=lsu)
    for n in range(PAGE_SIZE + 2):
        FollowUpFactory(
            item=ItemFactory(meeting=meeting), title=f"Oppgave {n:03d}", due_on=today() + n * DAY
        )
    url = reverse("meetings:followup_list")
    first = client.get(url, {"organ": lsu.pk})
    assert len(first.context["groups"][0].follow_ups) == PAGE_SIZE
    assert first.context["groups"][0].open_count == PAGE_SIZE + 2
    assert f'href="?organ={lsu.pk}&amp;side=2">Neste side' in first.text
    second = client.get(url, {"organ": lsu.pk, "side": "2"})
    assert [f.title for f in second.context["groups"][0].follow_ups] == [
        f"Oppgave {PAGE_SIZE:03d}",
        f"Oppgave {PAGE_SIZE + 1:03d}",
    ]
    # A page that is not one gives the nearest, not an error.
    assert client.get(url, {"organ": lsu.pk, "side": "x"}).status_code == 200
    assert client.get(url, {"organ": lsu.pk, "side": "99"}).context["page_obj"].number == 2


@pytest.mark.django_db
def test_anonymous_users_are_sent_to_log_in(client):
    response = client.get(reverse("meetings:followup_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# --- The partial the meeting page includes ---


@pytest.mark.django_db
def test_the_follow_up_partial(item):
    overdue = FollowUpFactory(item=item, title="Svar om Aclasta", due_on=today() - DAY)
    FollowUpFactory(
        item=item, title="Ferdig", due_on=today() - DAY, status="ferdig", done_on=today()
    )
    html = render_to_string("meetings/_follow_ups.html", {"item": item, "can_keep": False})
    assert "Svar om Aclasta" in html
    assert "Sykehusdirektørene" in html
    assert html.count(">Forfalt<") == 1
    assert "Ny oppfølging" not in html
    keeper = render_to_string("meetings/_follow_ups.html", {"item": item, "can_keep": True})
    assert reverse("meetings:followup_create", args=[item.pk]) in keeper
    assert reverse("meetings:followup_edit", args=[overdue.pk]) in keeper
