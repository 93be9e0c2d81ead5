"""Paged lists keep what the reader asked for when they turn the page."""

from django.urls import reverse

from tests.factories import PersonFactory


def test_turning_the_page_of_a_person_search_keeps_the_search(client, secretariat_user):
    PersonFactory.create_batch(51, title="Fastlege")
    PersonFactory(name="Ola Utenfor", title="Rådgiver")
    client.force_login(secretariat_user)

    first = client.get(reverse("person_list"), {"q": "Fastlege"}).content.decode()
    assert "Side 1 av 2" in first
    assert 'href="?q=Fastlege&amp;page=2">Neste side' in first

    second = client.get(reverse("person_list"), {"q": "Fastlege", "page": 2}).content.decode()
    assert "Side 2 av 2" in second
    assert 'href="?q=Fastlege&amp;page=1">Forrige side' in second
    assert "Neste side" not in second and "Ola Utenfor" not in second


def test_a_list_on_one_page_shows_no_page_links(client, secretariat_user):
    PersonFactory.create_batch(3, title="Fastlege")
    client.force_login(secretariat_user)

    html = client.get(reverse("person_list"), {"q": "Fastlege"}).content.decode()
    assert "Kari Nordmann" in html
    assert 'aria-label="Sider"' not in html
