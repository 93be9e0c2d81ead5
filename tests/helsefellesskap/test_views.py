"""The secretariat keeps the register in the portal's own pages; everyone else reads it."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from helsefellesskap.models import Body, Membership, Organisation, Person, today
from tests.factories import (
    BodyFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    SectorAssignmentFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def secretariat(client, secretariat_user):
    client.force_login(secretariat_user)
    return client


def test_body_page_shows_mandate_leader_members_past_members_and_missing_representatives(
    client, member_user, lsu
):
    lsu.mandate = "Prioriterer samhandlingstiltak i sektoren."
    lsu.save()
    MembershipFactory(
        body=lsu,
        role=Membership.Role.LEADER,
        person=PersonFactory(name="Anders Mohn Frafjord"),
        position="Viseadm. direktør, OUS",
    )
    MembershipFactory(
        body=lsu, person=PersonFactory(name="Ellen A. Fagerberg"), representative_kind="fastlege"
    )
    MembershipFactory(
        body=lsu,
        person=PersonFactory(name="Sluttet Sørensen"),
        end=today() - timedelta(days=30),
    )
    client.force_login(member_user)

    page = client.get(lsu.get_absolute_url()).content.decode()

    assert "Prioriterer samhandlingstiltak i sektoren." in page
    assert "Anders Mohn Frafjord</a>, Viseadm. direktør, OUS" in page
    assert "Fastlegerepresentant" in page
    current, past = page.split("Tidligere medlemmer")
    assert "Sluttet Sørensen" in past and "Sluttet Sørensen" not in current
    warning = page[page.index("Sammensetningen er ikke komplett") : page.index("Mandat")]
    assert "<strong>Mangler brukerrepresentant</strong>" in warning
    assert "<strong>Mangler tillitsvalgtrepresentant</strong>" in warning
    assert "fastlegerepresentant" not in warning
    assert "Legg til medlem" not in page  # a member reads, the secretariat edits


def test_secretariat_adds_a_membership_and_finds_it_on_the_body_page_and_in_its_history(
    secretariat, lsu
):
    person = PersonFactory(name="Bovild Tjønn")
    response = secretariat.post(
        reverse("membership_create", args=[lsu.pk]),
        {
            "person": person.pk,
            "role": "medlem",
            "representative_kind": "bruker",
            "position": "Etatsdirektør, Sykehjemsetaten",
            "start": "2025-10-15",
            "change_reason": "Meldt i Partnerskapsmøtet 14.10.2025",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == lsu.get_absolute_url()
    page = response.content.decode()
    assert "Lagt til: Bovild Tjønn – medlem i" in page
    assert "Etatsdirektør, Sykehjemsetaten" in page

    history = secretariat.get(reverse("body_history", args=[lsu.pk])).content.decode()
    assert "Medlemskap: Bovild Tjønn – medlem i" in history
    assert "Meldt i Partnerskapsmøtet 14.10.2025" in history
    assert "Test Bruker" in history  # the acting user, from the request


def test_editing_a_membership_shows_old_and_new_value_in_history(secretariat, lsu):
    membership = MembershipFactory(body=lsu, person=PersonFactory(name="Tone Ikdahl"))
    secretariat.post(
        reverse("membership_edit", args=[membership.pk]),
        {
            "person": membership.person.pk,
            "role": "leder",
            "start": "2000-01-01",
            "end": "2025-10-14",
        },
    )
    history = secretariat.get(reverse("membership_history", args=[membership.pk])).content.decode()
    assert 'Rolle:</span> <del><span class="visually-hidden">fra </span>Medlem</del>' in history
    assert "Leder</ins>" in history
    assert "14.10.2025" in history


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"start": "2025-05-01", "end": "2025-04-01"}, "end", "Sluttdato kan ikke være før"),
        ({"role": "leder"}, "role", "har allerede en leder i denne perioden"),
        ({"organisation": "999999"}, "organisation", "Velg et gyldig valg"),
        ({"start": "14.13.2025"}, "start", "gyldig dato"),
        ({"person": ""}, "person", "Feltet er påkrevet"),
    ],
)
def test_bad_membership_input_gets_a_clear_message_and_saves_nothing(
    secretariat, lsu, data, field, message
):
    MembershipFactory(body=lsu, role=Membership.Role.LEADER)
    person = PersonFactory()
    before = Membership.objects.count()

    response = secretariat.post(
        reverse("membership_create", args=[lsu.pk]), {"person": person.pk, "role": "medlem", **data}
    )

    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert "Skjemaet ble ikke lagret" in response.content.decode()
    assert f'aria-describedby="id_{field}_' in response.content.decode()
    assert Membership.objects.count() == before


def test_duplicate_person_gets_a_clear_message(secretariat):
    organisation = OrganisationFactory()
    PersonFactory(name="Kirsten Sæther", organisation=organisation)
    response = secretariat.post(
        reverse("person_create"), {"name": "Kirsten Sæther", "organisation": organisation.pk}
    )
    assert response.status_code == 200
    assert "finnes allerede i registeret" in response.content.decode()
    assert Person.objects.filter(name="Kirsten Sæther").count() == 1


def test_secretariat_creates_and_edits_an_organisation_and_a_body(secretariat):
    response = secretariat.post(
        reverse("organisation_create"), {"name": "Bydel Nydalen", "kind": "bydel"}
    )
    district = Organisation.objects.get(name="Bydel Nydalen")
    assert response.url == district.get_absolute_url()

    secretariat.post(
        reverse("organisation_edit", args=[district.pk]),
        {"name": "Bydel Nydalen", "kind": "bydel", "valid_from": "2027-01-01"},
    )
    district.refresh_from_db()
    assert district.valid_from == date(2027, 1, 1)

    secretariat.post(
        reverse("body_create"),
        {"name": "Ad hoc-gruppe for rehabilitering", "kind": "adhoc", "position": 10},
    )
    assert Body.objects.filter(name="Ad hoc-gruppe for rehabilitering").exists()


def test_organisation_page_shows_sector_assignments_over_time(client, reader_user):
    alna = OrganisationFactory(name="Bydel Alna")
    SectorAssignmentFactory(
        organisation=alna,
        sector__name="Ahus-sektoren",
        service_area="somatikk",
        valid_to=date(2025, 12, 31),
    )
    SectorAssignmentFactory(
        organisation=alna,
        sector__name="OUS-sektoren",
        service_area="somatikk",
        valid_from=date(2026, 1, 1),
        source="Referat Partnerskapsmøtet 14.10.2025",
    )
    client.force_login(reader_user)
    page = client.get(alna.get_absolute_url()).content.decode()
    assert page.index("Ahus-sektoren") < page.index("OUS-sektoren")
    assert "31.12.2025" in page and "01.01.2026" in page
    assert "Referat Partnerskapsmøtet 14.10.2025" in page


def test_person_search_answers_htmx_with_the_result_list_only(client, reader_user):
    PersonFactory(name="Neelam Anjum")
    PersonFactory(name="Johan Stenseth")
    client.force_login(reader_user)

    full = client.get(reverse("person_list"), {"q": "anjum"})
    partial = client.get(reverse("person_list"), {"q": "anjum"}, headers={"HX-Request": "true"})

    assert "<html" in full.content.decode()
    assert "<html" not in partial.content.decode()
    assert "Neelam Anjum" in partial.content.decode()
    assert "Johan Stenseth" not in partial.content.decode()
    assert "1 treff på «anjum»" in partial.content.decode()


def test_contact_details_are_shown_to_the_secretariat_only(client, reader_user, secretariat_user):
    person = PersonFactory(email="person@oslo.kommune.no")
    client.force_login(reader_user)
    assert "person@oslo.kommune.no" not in client.get(person.get_absolute_url()).content.decode()
    client.force_login(secretariat_user)
    assert "person@oslo.kommune.no" in client.get(person.get_absolute_url()).content.decode()


def test_body_page_runs_the_same_number_of_queries_for_3_and_30_members(
    client, reader_user, lsu, django_assert_max_num_queries
):
    client.force_login(reader_user)
    MembershipFactory.create_batch(3, body=lsu)
    with django_assert_max_num_queries(100) as few:
        client.get(lsu.get_absolute_url())
    MembershipFactory.create_batch(27, body=lsu, organisation=OrganisationFactory())
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(lsu.get_absolute_url())


def _body_with_memberships(count):
    body = BodyFactory()
    MembershipFactory.create_batch(count, body=body)
    return body


def _person_with_memberships(count):
    person = PersonFactory()
    MembershipFactory.create_batch(count, person=person)
    return person


def _organisation_with_assignments(count):
    organisation = OrganisationFactory()
    for year in range(count):
        SectorAssignmentFactory(
            organisation=organisation,
            valid_from=date(2000 + year, 1, 1),
            valid_to=date(2000 + year, 12, 31),
        )
    return organisation


@pytest.mark.parametrize(
    ("url_name", "make_object"),
    [
        ("body_history", _body_with_memberships),
        ("person_history", _person_with_memberships),
        ("organisation_history", _organisation_with_assignments),
    ],
)
def test_history_pages_run_the_same_number_of_queries_for_1_and_15_related_changes(
    secretariat, url_name, make_object, django_assert_max_num_queries
):
    small, large = make_object(1), make_object(15)
    for name in ("Nytt navn", "Enda et navn"):  # history records of the object itself
        large.name = f"{name} {large.pk}"
        large.save()
    with django_assert_max_num_queries(100) as baseline:
        secretariat.get(reverse(url_name, args=[small.pk]))
    with django_assert_max_num_queries(len(baseline.captured_queries)):
        response = secretariat.get(reverse(url_name, args=[large.pk]))
    assert len(response.context["entries"]) >= 17


@pytest.mark.parametrize(
    "url",
    [
        "/organer/999999/",
        "/personer/999999/endre/",
        "/virksomheter/999999/historikk/",
        "/medlemskap/999999/endre/",
        "/organer/999999/medlemskap/nytt/",
        "/personer/?page=abc",
        "/personer/?page=9999",
        "/finnes-ikke/",
    ],
)
def test_unknown_objects_and_pages_are_404_not_500(secretariat, url):
    assert secretariat.get(url).status_code == 404


def test_malformed_requests_get_no_500(secretariat, lsu):
    too_long = secretariat.get("/personer/", {"q": "x" * 10_000})
    assert too_long.status_code == 200
    assert "Sørg for at denne verdien har 100 eller færre tegn" in too_long.content.decode()
    nul_byte = secretariat.get("/personer/", {"q": "\x00'; DROP TABLE"})
    assert nul_byte.status_code == 200
    assert "Null-tegn er ikke tillatt" in nul_byte.content.decode()
    bad_post = secretariat.post(
        reverse("membership_create", args=[lsu.pk]),
        {"person": "not-a-number", "start": "yesterday", "deputy_for": "[1]", "role": "keiser"},
    )
    assert bad_post.status_code == 200
    assert set(bad_post.context["form"].errors) >= {"person", "start", "deputy_for", "role"}


def test_organisation_list_shows_todays_sector_in_a_fixed_number_of_queries(
    client, reader_user, django_assert_max_num_queries
):
    alna = OrganisationFactory(name="Bydel Alna")
    SectorAssignmentFactory(organisation=alna, sector__short_name="OLD", valid_to=date(2020, 1, 1))
    SectorAssignmentFactory(organisation=alna, sector__short_name="NOW", service_area="somatikk")
    client.force_login(reader_user)
    with django_assert_max_num_queries(100) as few:
        page = client.get(reverse("organisation_list")).content.decode()
    assert "NOW" in page and "OLD" not in page
    for _ in range(10):
        SectorAssignmentFactory(service_area="somatikk")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("organisation_list"))
