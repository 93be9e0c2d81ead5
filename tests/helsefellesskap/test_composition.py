"""Composition requirements as data (issue 16): each body must have the kinds of representative
and the named seats its source lists, from a date; the register tree, the body page and the
annual report name what is missing in the body's own words."""

import re
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from helsefellesskap.models import Body, BodyName, CompositionRequirement, Membership, today
from tests.factories import (
    GP_USER_UNION,
    BodyFactory,
    CompositionRequirementFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db

OUS_LSU_SOURCE = "OUS styresak 98/2024 (12.12.2024)"


def gaps_on(body, day):
    """The tree's warning for the body on that day."""

    def walk(nodes):
        for node in nodes:
            yield node
            yield from walk(node.children)

    return next(node.missing for node in walk(Body.objects.as_tree(day)) if node.body == body)


def seat(body, name, **kwargs):
    return CompositionRequirementFactory(
        body=body, representative_kind="", seat=name, source=OUS_LSU_SOURCE, **kwargs
    )


def test_each_body_demands_its_own_kinds_in_the_sources_words():
    partnership = BodyFactory(name="Partnerskapsmøtet", requires=["bruker", "fastlege"])
    ssu = BodyFactory(name="SSU", parent=partnership, requires=["bruker", "ansatt", "fastlege"])
    MembershipFactory(body=ssu, representative_kind="fastlege")
    # A union representative is not the employee representative SSU's source asks for.
    MembershipFactory(body=ssu, representative_kind="tillitsvalgt")
    # A deputy stands in for a member: they fill no requirement of their own.
    MembershipFactory(body=ssu, representative_kind="bruker", role=Membership.Role.DEPUTY)

    assert gaps_on(partnership, date(2025, 10, 14)) == [
        "Mangler brukerrepresentant",
        "Mangler fastlegerepresentant",
    ]
    assert gaps_on(ssu, date(2025, 10, 14)) == [
        "Mangler brukerrepresentant",
        "Mangler ansattrepresentant",
    ]


def test_a_kind_demanded_only_from_2026_is_no_gap_in_2025():
    forum = BodyFactory()
    CompositionRequirementFactory(
        body=forum, representative_kind="bruker", valid_from=date(2026, 1, 1)
    )
    CompositionRequirementFactory(
        body=forum, representative_kind="fastlege", valid_to=date(2025, 6, 30)
    )

    assert gaps_on(forum, date(2025, 12, 31)) == []
    assert gaps_on(forum, date(2026, 1, 1)) == ["Mangler brukerrepresentant"]
    assert gaps_on(forum, date(2025, 6, 30)) == ["Mangler fastlegerepresentant"]


def test_a_named_seat_is_filled_by_the_membership_pointing_at_it_not_by_its_organisation():
    lsu = BodyFactory(name="LSU OUS")
    ous = OrganisationFactory(name="Oslo universitetssykehus HF")
    deputy_ceo = seat(lsu, "Viseadministrerende direktør, Oslo universitetssykehus HF")
    seat(lsu, "Klinikkleder, Oslo universitetssykehus HF")
    districts = seat(lsu, "Bydelsdirektør, bydelene i OUS-sektoren", count=6)
    MembershipFactory(body=lsu, organisation=ous, seat=deputy_ceo)
    MembershipFactory(body=lsu, organisation=ous)  # same organisation, no seat
    MembershipFactory.create_batch(2, body=lsu, seat=districts)

    assert gaps_on(lsu, date(2025, 1, 1)) == [
        "Ledig plass: Klinikkleder, Oslo universitetssykehus HF",
        "Ledig plass: Bydelsdirektør, bydelene i OUS-sektoren (4 av 6 ledige)",
    ]


def test_a_seat_belongs_to_its_body_and_a_requirement_is_a_kind_or_a_seat():
    lsu, other = BodyFactory(), BodyFactory()
    elsewhere = seat(other, "Klinikkleder, Oslo universitetssykehus HF")
    membership = MembershipFactory.build(body=lsu, person=PersonFactory(), seat=elsewhere)
    with pytest.raises(ValidationError) as refused:
        membership.full_clean()
    assert refused.value.message_dict["seat"] == ["Velg en navngitt plass i dette organet."]

    for kind, name in [("", ""), ("bruker", "Klinikkleder")]:
        requirement = CompositionRequirement(body=lsu, representative_kind=kind, seat=name)
        with pytest.raises(ValidationError) as refused:
            requirement.full_clean()
        assert "enten representanttype eller navngitt plass" in str(refused.value)
    with transaction.atomic(), pytest.raises(IntegrityError):
        CompositionRequirement.objects.create(body=lsu, representative_kind="bruker", seat="X")


def test_the_tree_reads_the_requirements_in_a_fixed_number_of_queries(
    django_assert_num_queries,
):
    def add_bodies(n):
        for _ in range(n):
            body = BodyFactory(requires=GP_USER_UNION)
            seat(body, "Etatsdirektør, Sykehjemsetaten")
            MembershipFactory(body=body, representative_kind="bruker")

    add_bodies(2)
    with django_assert_num_queries(4):  # bodies, their earlier names, members, requirements
        Body.objects.as_tree(date(2026, 1, 1))
    add_bodies(20)
    with django_assert_num_queries(4):
        tree = Body.objects.as_tree(date(2026, 1, 1))
    assert len(tree) == 22
    assert all(
        node.missing
        == [
            "Mangler fastlegerepresentant",
            "Mangler tillitsvalgtrepresentant",
            "Ledig plass: Etatsdirektør, Sykehjemsetaten",
        ]
        for node in tree
    )


def test_the_body_page_lists_the_requirements_in_force_who_fills_them_and_what_is_missing(
    client, member_user, lsu, django_assert_max_num_queries
):
    ceo = seat(lsu, "Viseadministrerende direktør, Oslo universitetssykehus HF")
    seat(lsu, "Samhandlingsoverlege, Oslo universitetssykehus HF")
    seat(lsu, "Klinikkleder, Oslo universitetssykehus HF", valid_from=date(2100, 1, 1))
    MembershipFactory(body=lsu, person=PersonFactory(name="Anders Mohn Frafjord"), seat=ceo)
    MembershipFactory(
        body=lsu, person=PersonFactory(name="Ellen A. Fagerberg"), representative_kind="fastlege"
    )
    client.force_login(member_user)

    page = client.get(lsu.get_absolute_url()).text

    warning = page[page.index("Sammensetningen er ikke komplett") : page.index("Mandat")]
    assert re.findall(r"<li><strong>(.*?)</strong></li>", warning) == [
        "Mangler brukerrepresentant",
        "Mangler tillitsvalgtrepresentant",
        "Ledig plass: Samhandlingsoverlege, Oslo universitetssykehus HF",
    ]
    requirements = page[page.index('id="composition-heading"') : page.index("Medlemmer i dag")]
    ceo_row = requirements[requirements.index("Plass: Viseadministrerende direktør") :]
    assert ceo_row.index("Anders Mohn Frafjord") < ceo_row.index("</tr>")
    assert OUS_LSU_SOURCE in requirements
    assert "Klinikkleder" not in page  # demanded only from 2100

    # More requirements and holders cost no more queries.
    with django_assert_max_num_queries(100) as few:
        client.get(lsu.get_absolute_url())
    for n in range(10):
        MembershipFactory(body=lsu, seat=seat(lsu, f"Plass {n}"))
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(lsu.get_absolute_url())


def test_a_complete_body_shows_no_warning(client, member_user, lsu):
    for kind in GP_USER_UNION:
        MembershipFactory(body=lsu, representative_kind=kind)
    client.force_login(member_user)
    page = client.get(lsu.get_absolute_url()).text
    assert "Krav til sammensetning" in page
    assert "Sammensetningen er ikke komplett" not in page


def test_the_secretariat_adds_a_requirement_inline_on_the_body_in_the_admin(
    client, secretariat_user, lsu
):
    client.force_login(secretariat_user)
    url = reverse("admin:helsefellesskap_body_change", args=[lsu.pk])
    form_page = client.get(url)
    assert form_page.status_code == 200
    data = {
        name: value
        for name, field in form_page.context["adminform"].form.fields.items()
        if (value := form_page.context["adminform"].form[name].value()) is not None
    }
    inlines = {
        i.formset.model: i.formset.prefix for i in form_page.context["inline_admin_formsets"]
    }
    prefix = inlines[CompositionRequirement]
    existing = list(lsu.requirements.all())
    names = inlines[BodyName]  # the body's earlier names: none here, none added
    data.update({f"{names}-TOTAL_FORMS": "0", f"{names}-INITIAL_FORMS": "0"})
    data.update(
        {
            f"{prefix}-TOTAL_FORMS": str(len(existing) + 1),
            f"{prefix}-INITIAL_FORMS": str(len(existing)),
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000",
        }
    )
    for i, requirement in enumerate(existing):
        data.update(
            {
                f"{prefix}-{i}-id": str(requirement.pk),
                f"{prefix}-{i}-body": str(lsu.pk),
                f"{prefix}-{i}-representative_kind": requirement.representative_kind,
                f"{prefix}-{i}-count": "1",
            }
        )
    new = len(existing)
    data.update(
        {
            f"{prefix}-{new}-body": str(lsu.pk),
            f"{prefix}-{new}-seat": "Samhandlingsoverlege, Oslo universitetssykehus HF",
            f"{prefix}-{new}-count": "1",
            f"{prefix}-{new}-valid_from": "12.12.2024",
            f"{prefix}-{new}-source": OUS_LSU_SOURCE,
        }
    )

    response = client.post(url, data)

    assert response.status_code == 302, response.context and response.context["errors"]
    added = lsu.requirements.get(seat="Samhandlingsoverlege, Oslo universitetssykehus HF")
    assert added.valid_from == date(2024, 12, 12)
    assert added.history.get().history_user == secretariat_user
    history = client.get(reverse("body_history", args=[lsu.pk])).text
    assert "Krav til sammensetning: Samhandlingsoverlege, Oslo universitetssykehus HF" in history
    assert "Ledig plass: Samhandlingsoverlege" in client.get(lsu.get_absolute_url()).text


def test_the_secretariat_puts_a_member_in_a_named_seat(client, secretariat_user, lsu):
    klinikkleder = seat(lsu, "Klinikkleder, Oslo universitetssykehus HF")
    person = PersonFactory(name="Klara Klinikkleder")
    client.force_login(secretariat_user)

    response = client.post(
        reverse("membership_create", args=[lsu.pk]),
        {"person": person.pk, "role": "medlem", "seat": klinikkleder.pk, "start": "2025-01-01"},
        follow=True,
    )

    assert Membership.objects.get(person=person).seat == klinikkleder
    assert "Ledig plass: Klinikkleder" not in response.text
    members = response.text[response.text.index("Medlemmer i dag") :]
    assert "Klinikkleder, Oslo universitetssykehus HF" in members


@pytest.mark.django_db(transaction=True)
def test_the_migration_turns_the_old_flag_into_the_three_requirements_it_stood_for():
    before = [("helsefellesskap", "0004_document_job")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    flagged = old.get_model("helsefellesskap", "Body").objects.create(
        name="LSU Gammel", kind="lsu", requires_representatives=True
    )
    unflagged = old.get_model("helsefellesskap", "Body").objects.create(
        name="Nettverk Gammel", kind="nettverk"
    )

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    # 0006 and the migrations after it, so the models below match the tables.
    executor.migrate(executor.loader.graph.leaf_nodes())

    requirements = CompositionRequirement.objects.filter(body_id=flagged.pk)
    assert sorted(requirements.values_list("representative_kind", flat=True)) == sorted(
        GP_USER_UNION
    )
    assert all(r.valid_from is None and "Overført" in r.source for r in requirements)
    assert CompositionRequirement.history.filter(body_id=flagged.pk).count() == 3
    assert not CompositionRequirement.objects.filter(body_id=unflagged.pk).exists()
    assert gaps_on(Body.objects.get(pk=flagged.pk), today()) == [
        "Mangler fastlegerepresentant",
        "Mangler brukerrepresentant",
        "Mangler tillitsvalgtrepresentant",
    ]


def test_the_admins_membership_form_names_each_seat_with_its_body(client, secretariat_user, lsu):
    seat(lsu, "Klinikkleder, Oslo universitetssykehus HF")
    seat(BodyFactory(name="SSU"), "Observatør, Sunnaas sykehus HF")
    CompositionRequirementFactory(body=lsu, representative_kind="bruker")  # not a seat
    client.force_login(secretariat_user)

    form = client.get(reverse("admin:helsefellesskap_membership_add")).context["adminform"].form

    assert [label for _, label in form.fields["seat"].choices][1:] == [
        "Lokalt samarbeidsutvalg Testsektoren: Klinikkleder, Oslo universitetssykehus HF",
        "SSU: Observatør, Sunnaas sykehus HF",
    ]


def test_the_secretariat_finds_the_way_to_the_requirements_from_the_body_page(
    client, secretariat_user, reader_user
):
    network = BodyFactory(kind=Body.Kind.NETWORK)
    admin = reverse("admin:helsefellesskap_body_change", args=[network.pk])
    client.force_login(secretariat_user)
    page = client.get(network.get_absolute_url()).text
    assert "Ingen krav til sammensetning er registrert." in page
    assert f'<a href="{admin}">Endre kravene til sammensetning i administrasjonen</a>' in page

    client.force_login(reader_user)
    page = client.get(network.get_absolute_url()).text
    assert "Krav til sammensetning" not in page and admin not in page
