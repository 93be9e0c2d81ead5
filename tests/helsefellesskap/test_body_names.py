"""A body's names and periods over time: the LSU of the Ahus sector was the Direktørmøte until
Helsefellesskap Oslo was established in June 2021, SU Oslo went on as SSU; the body page lists
the names and the predecessor, the tree shows the bodies as they were on a day, meeting pages
use the name of the meeting day, and the secretariat keeps the names from the body's page."""

from datetime import date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from helsefellesskap.models import Body, BodyName
from tests.factories import BodyFactory, MembershipFactory, PersonFactory
from tests.meetings.factories import MeetingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def structure():
    ssu = BodyFactory(
        name="Strategisk samarbeidsutvalg",
        short_name="SSU",
        kind=Body.Kind.STRATEGIC_COMMITTEE,
        established=date(2021, 6, 1),
    )
    su_oslo = BodyFactory(
        name="Samarbeidsutvalget mellom Oslo kommune og helseforetakene",
        short_name="SU Oslo",
        kind=Body.Kind.OTHER,
        dissolved=date(2021, 5, 31),
        successor=ssu,
        period_source="OUS styresak 19/2021",
    )
    lsu = BodyFactory(
        name="Lokalt samarbeidsutvalg Ahus-sektoren", short_name="LSU Ahus", parent=ssu
    )
    BodyName.objects.create(
        body=lsu,
        name="Direktørmøtet (Ahus-sektoren)",
        short_name="Direktørmøtet",
        valid_to=date(2021, 5, 31),
        source="Årsrapport 2019, Ahus-sektoren",
    )
    return {"ssu": ssu, "su_oslo": su_oslo, "lsu": lsu}


def test_the_name_on_a_day_is_the_earlier_name_until_it_ended(structure):
    lsu = Body.objects.with_names().get(pk=structure["lsu"].pk)
    assert lsu.name_on(date(2019, 3, 28)) == "Direktørmøtet (Ahus-sektoren)"
    assert lsu.short_name_on(date(2019, 3, 28)) == "Direktørmøtet"
    assert lsu.name_on(date(2021, 5, 31)) == "Direktørmøtet (Ahus-sektoren)"
    assert lsu.name_on(date(2021, 6, 1)) == "Lokalt samarbeidsutvalg Ahus-sektoren"
    assert [(n.name, n.valid_from, n.valid_to) for n in lsu.names_over_time()] == [
        ("Direktørmøtet (Ahus-sektoren)", None, date(2021, 5, 31)),
        ("Lokalt samarbeidsutvalg Ahus-sektoren", date(2021, 6, 1), None),
    ]


def test_names_of_many_bodies_are_loaded_in_one_query(structure, django_assert_num_queries):
    for n in range(10):
        body = BodyFactory()
        BodyName.objects.create(body=body, name=f"Gammelt navn {n}", valid_to=date(2020, 1, 1))
    with django_assert_num_queries(2):
        names = [body.name_on(date(2019, 1, 1)) for body in Body.objects.with_names()]
    assert "Direktørmøtet (Ahus-sektoren)" in names
    assert "Gammelt navn 9" in names


def test_overlapping_earlier_names_are_refused(structure):
    overlapping = BodyName(
        body=structure["lsu"],
        name="Direktørmøte",
        valid_from=date(2020, 1, 1),
        valid_to=date(2022, 1, 1),
    )
    with pytest.raises(ValidationError) as error:
        overlapping.full_clean()
    assert "overlapper med et annet tidligere navn" in str(error.value)


def test_a_successor_needs_a_closing_date():
    ssu = BodyFactory()
    predecessor = BodyFactory.build(name="SU Oslo", kind=Body.Kind.OTHER, successor=ssu)
    with pytest.raises(ValidationError) as error:
        predecessor.full_clean()
    assert error.value.message_dict["dissolved"] == [
        "Oppgi når organet ble nedlagt, når et annet organ overtok."
    ]


def test_the_body_page_lists_the_names_and_the_predecessor(client, member_user, structure):
    client.force_login(member_user)
    lsu_page = client.get(structure["lsu"].get_absolute_url()).text
    assert "Navn over tid" in lsu_page
    assert "Direktørmøtet (Ahus-sektoren)" in lsu_page
    assert "…–31.05.2021" in lsu_page
    assert "fra 01.06.2021" in lsu_page

    ssu_page = client.get(structure["ssu"].get_absolute_url()).text
    assert "Videreført fra" in ssu_page
    assert structure["su_oslo"].get_absolute_url() in ssu_page
    su_page = client.get(structure["su_oslo"].get_absolute_url()).text
    assert "Videreført som" in su_page and "nedlagt 31.5.2021" in su_page
    assert "Kilde: OUS styresak 19/2021" in su_page


def test_the_tree_on_a_day_shows_the_bodies_that_existed_under_their_names(
    client, member_user, structure
):
    MembershipFactory(
        body=structure["lsu"],
        person=PersonFactory(name="Øystein Mæland"),
        start=date(2019, 3, 28),
        start_unknown=True,
        end=date(2019, 12, 31),
    )
    client.force_login(member_user)
    in_2019 = client.get(reverse("body_tree"), {"dato": "2019-06-01"}).text
    assert "Direktørmøtet (Ahus-sektoren)" in in_2019
    assert "Samarbeidsutvalget mellom Oslo kommune og helseforetakene" in in_2019
    assert "Strategisk samarbeidsutvalg" not in in_2019
    assert "slik den var 1.6.2019" in in_2019
    today = client.get(reverse("body_tree")).text
    assert "Lokalt samarbeidsutvalg Ahus-sektoren" in today
    assert "Samarbeidsutvalget mellom Oslo kommune og helseforetakene" not in today
    # A day that is no date: the summary says the date could not be used (nothing is saved).
    wrong = client.get(reverse("body_tree"), {"dato": "31.02.2019"}).text
    assert "Datoen kunne ikke brukes" in wrong and "Skjemaet ble ikke lagret" not in wrong


def test_a_persons_page_names_the_body_of_a_past_membership_as_it_was_then(
    client, member_user, structure
):
    person = PersonFactory(name="Alv Humborstad Sørland")
    MembershipFactory(
        body=structure["lsu"], person=person, start=date(2019, 12, 12), end=date(2019, 12, 31)
    )
    client.force_login(member_user)
    page = client.get(reverse("person_detail", args=[person.pk])).text
    assert "Direktørmøtet (Ahus-sektoren)</a> – medlem" in page
    assert "Lokalt samarbeidsutvalg Ahus-sektoren" not in page


def test_a_meeting_page_names_the_body_as_on_the_meeting_day(client, secretariat_user, structure):
    meeting = MeetingFactory(
        body=structure["lsu"],
        title="",
        starts_at=timezone.make_aware(datetime(2019, 3, 28, 12, 0)),
    )
    client.force_login(secretariat_user)
    page = client.get(meeting.get_absolute_url()).text
    assert "Direktørmøtet (Ahus-sektoren)" in page
    assert "Lokalt samarbeidsutvalg Ahus-sektoren" not in page.split("<main", 1)[1]


def test_the_secretariat_adds_an_earlier_name_from_the_body_page(
    client, secretariat_user, structure
):
    ssu = structure["ssu"]
    client.force_login(secretariat_user)
    refused = client.post(
        reverse("body_name_create", args=[ssu.pk]),
        {"name": "SU Oslo", "valid_from": "2021-06-01", "valid_to": "2021-01-01"},
    )
    assert refused.status_code == 422
    assert "Sluttdato kan ikke være før startdato." in refused.text
    assert not ssu.names.exists()

    response = client.post(
        reverse("body_name_create", args=[ssu.pk]),
        {
            "name": "Samarbeidsutvalget for hovedstadsområdet",
            "valid_to": "2021-05-31",
            "source": "OUS styresak 19/2021",
            "change_reason": "Fra styresaken",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == ssu.get_absolute_url()
    name = ssu.names.get()
    assert name.history.get().history_change_reason == "Fra styresaken"
    assert ssu.name_on(date(2021, 5, 31)) == "Samarbeidsutvalget for hovedstadsområdet"

    client.post(
        reverse("body_name_edit", args=[name.pk]),
        {"name": name.name, "valid_to": "2021-05-30", "source": name.source},
    )
    name.refresh_from_db()
    assert name.valid_to == date(2021, 5, 30)
    history = client.get(reverse("body_history", args=[ssu.pk])).text
    assert "Samarbeidsutvalget for hovedstadsområdet" in history


def test_a_membership_confirmed_only_from_a_date_says_so(client, member_user, lsu):
    MembershipFactory(
        body=lsu,
        person=PersonFactory(name="Bovild Tjønn"),
        start=timezone.localdate() - timedelta(days=10),
        start_unknown=True,
        source="Referat Partnerskapsmøtet",
    )
    client.force_login(member_user)
    page = client.get(lsu.get_absolute_url()).text
    confirmed = (timezone.localdate() - timedelta(days=10)).strftime("%d.%m.%Y")
    assert f"ukjent, bekreftet fra {confirmed}" in page
