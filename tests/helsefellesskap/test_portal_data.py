"""`make data` loads the real Helsefellesskap Oslo register and the demo logins, and can run
again without duplicating anything."""

from datetime import date, timedelta

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.utils import timezone

from helsefellesskap.models import Body, Membership, Organisation, Person, SectorAssignment
from helsefellesskap.permissions import (
    ROLE_GROUPS,
    is_body_secretary,
    is_decision_maker,
    is_reader,
    is_secretariat,
    leads_body,
)

pytestmark = pytest.mark.django_db

REGISTER_MODELS = (Organisation, SectorAssignment, Body, Person, Membership, User)


@pytest.fixture
def portal_data():
    for name in ROLE_GROUPS:  # created by a migration; recreated after a flushing test
        Group.objects.get_or_create(name=name)
    call_command("load_portal_data", verbosity=0)


def counts():
    return {model.__name__: model.objects.count() for model in REGISTER_MODELS}


def test_loading_twice_changes_nothing(portal_data):
    first = counts()
    call_command("load_portal_data", verbosity=0)
    assert counts() == first
    assert first["Body"] >= 15 and first["Person"] >= 50


def test_the_structure_runs_from_the_partnership_meeting_to_the_local_committees(portal_data):
    tree = Body.objects.as_tree(date(2026, 1, 1))
    assert [node.body.name for node in tree] == ["Partnerskapsmøtet"]
    ssu = Body.objects.get(short_name="SSU")
    assert ssu.parent.name == "Partnerskapsmøtet"
    assert Body.objects.filter(kind=Body.Kind.LOCAL_COMMITTEE, parent=ssu).count() == 4
    assert all(lsu.sector for lsu in Body.objects.filter(kind=Body.Kind.LOCAL_COMMITTEE))


def test_ssu_leadership_passes_from_tone_ikdahl_to_bovild_tjonn(portal_data):
    ssu = Body.objects.get(short_name="SSU")

    def leader_on(day):
        return Membership.objects.active_on(day).get(body=ssu, role="leder").person.name

    assert leader_on(date(2025, 10, 14)) == "Tone Ikdahl"
    assert leader_on(date(2025, 10, 15)) == "Bovild Tjønn"


def test_alna_moves_to_ous_for_somatic_services_on_1_january_2026(portal_data):
    alna = Organisation.objects.get(name="Bydel Alna")

    def sector_for(area, day):
        in_force = SectorAssignment.objects.in_force_on(day).filter(organisation=alna)
        return in_force.get(service_area=area).sector.short_name

    assert sector_for("somatikk", date(2025, 12, 31)) == "Ahus"
    assert sector_for("somatikk", date(2026, 1, 1)) == "OUS"
    assert sector_for("psykisk_helse", date(2026, 1, 1)) == "Ahus"


def test_the_2019_ahus_representatives_are_in_the_register(portal_data):
    in_2019 = Membership.objects.active_on(date(2019, 3, 28))
    lsu_ahus = Body.objects.get(kind=Body.Kind.LOCAL_COMMITTEE, sector__short_name="Ahus")
    assert in_2019.get(body=lsu_ahus, role="leder").person.name == "Øystein Mæland"
    assert in_2019.filter(body=lsu_ahus, person__name="Bjørn Hjalmar Nielsen").exists()
    assert lsu_ahus.name_on(date(2019, 3, 28)) == "Direktørmøtet (Ahus-sektoren)"
    assert lsu_ahus.name_on(date(2021, 6, 1)) == "Lokalt samarbeidsutvalg Ahus-sektoren"


def test_the_structure_before_2021_is_su_oslo_and_the_direktormoter(portal_data):
    """SU Oslo was a body of its own until Helsefellesskap Oslo was established in June 2021,
    when it went on as SSU (OUS board paper 19/2021: «Endrer navn til Strategisk
    samarbeidsutvalg»); the partnership meeting did not exist before."""
    su_oslo = Body.objects.get(short_name="SU Oslo")
    ssu = Body.objects.get(short_name="SSU")
    assert su_oslo.successor == ssu
    assert su_oslo.dissolved == date(2021, 5, 31)
    assert ssu.established == date(2021, 6, 1)

    def names_in_tree(day):
        def walk(nodes):
            for node in nodes:
                yield node.name
                yield from walk(node.children)

        return list(walk(Body.objects.as_tree(day)))

    in_2019 = names_in_tree(date(2019, 6, 1))
    assert "Samarbeidsutvalget mellom Oslo kommune og helseforetakene" in in_2019
    assert "Partnerskapsmøtet" not in in_2019
    assert "Strategisk samarbeidsutvalg" not in in_2019
    assert [name for name in in_2019 if name.startswith("Direktørmøtet")] == [
        "Direktørmøtet (OUS-sektoren)",
        "Direktørmøtet (Ahus-sektoren)",
        "Direktørmøtet (Lovisenberg-sektoren)",
        "Direktørmøtet (Diakonhjemmet-sektoren)",
    ]
    assert "Nettverk for beredskap" not in in_2019
    in_2026 = names_in_tree(date(2026, 6, 1))
    assert "Samarbeidsutvalget mellom Oslo kommune og helseforetakene" not in in_2026
    assert "Nettverk for beredskap" in in_2026


def test_the_members_of_14_october_2025_are_confirmed_from_that_day_only(portal_data):
    partnership = Body.objects.get(kind=Body.Kind.PARTNERSHIP_MEETING)
    members = partnership.memberships.all()
    assert members and all(m.start_unknown for m in members)
    assert {m.start for m in members} == {date(2025, 10, 14)}
    assert not Membership.objects.active_on(date(2025, 10, 13)).filter(body=partnership).exists()


def test_one_demo_login_per_real_role_named_alike_everywhere(portal_data, rf):
    def log_in(username):
        return authenticate(rf.post("/logg-inn/"), username=username, password="demo")

    logins = {
        name: log_in(name)
        for name in ("sekretariat", "medlem", "leder", "sekretaer", "ssu", "beslutning", "leser")
    }
    lsu_ous = Body.objects.get(name="Lokalt samarbeidsutvalg OUS-sektoren")
    ssu = Body.objects.get(short_name="SSU")
    today = date.today()

    def roles(user):
        return set(user.person.memberships.active_on(today).values_list("body", "role"))

    assert is_secretariat(logins["sekretariat"])
    assert roles(logins["medlem"]) >= {(lsu_ous.pk, "medlem")}
    assert roles(logins["leder"]) == {(lsu_ous.pk, "nestleder")}
    assert leads_body(logins["leder"], lsu_ous)
    assert roles(logins["sekretaer"]) == {(lsu_ous.pk, "sekretar")}
    assert is_body_secretary(logins["sekretaer"], lsu_ous)
    assert roles(logins["ssu"]) == {(ssu.pk, "medlem")}
    assert is_decision_maker(logins["beslutning"]) and is_reader(logins["leser"])
    for user in logins.values():
        # The menu's name, the front page's greeting and the register's person agree.
        assert user.person.name == f"{user.get_full_name()} (demo)"
        assert user is logins["sekretariat"] or not is_secretariat(user)


def test_the_demo_round_is_open_for_three_weeks_from_loading(portal_data):
    from grants.models import Round

    deadline = timezone.localdate(Round.objects.get(pk=9001).deadline)
    assert deadline == timezone.localdate() + timedelta(weeks=3)
    call_command("load_portal_data", verbosity=0)  # loading again keeps it
    assert timezone.localdate(Round.objects.get(pk=9001).deadline) == deadline


def test_loading_again_keeps_what_the_secretariat_changed(portal_data):
    from portfolio.models import Cell

    ssu = Body.objects.get(short_name="SSU")
    ssu.mandate = "Nytt mandat vedtatt i Partnerskapsmøtet"
    ssu.save()
    cell = Cell.objects.exclude(text="").first()
    Cell.objects.filter(pk=cell.pk).update(text="Endret i portalen")

    call_command("load_portal_data", verbosity=0)

    assert Body.objects.get(pk=ssu.pk).mandate == "Nytt mandat vedtatt i Partnerskapsmøtet"
    assert Cell.objects.get(pk=cell.pk).text == "Endret i portalen"


def test_rows_missing_from_the_database_are_added_again(portal_data):
    from grants.models import Application
    from portfolio.models import Plan

    # The demo grant applications point at the plan's focus areas, which protects them.
    Application.objects.all().delete()
    Plan.objects.all().delete()
    call_command("load_portal_data", verbosity=0)
    assert Plan.objects.get(pk=1).title == "Porteføljeplan 2026"
    assert Application.objects.count() == 10  # the demo applications of all four sectors


def test_each_body_has_the_composition_its_source_states(portal_data):
    """Board paper 98/2024: Partnerskapsmøtet user and GP representatives and the four CEOs
    and the city's director; SSU user, employee and GP representatives and Sunnaas as
    observer; the OUS LSU its listed seats. Board paper 19/2021: the OUS LSU and its three
    fora GP, user and union representatives, from the partnership's start in June 2021."""
    tree = {}

    def walk(nodes):
        for node in nodes:
            tree[node.body.short_name or node.body.name] = node.missing
            walk(node.children)

    walk(Body.objects.as_tree(date(2025, 12, 31)))
    assert tree["SSU"] == []  # the minutes of 14.10.2025 name them all
    assert tree["Partnerskapsmøtet"] == [
        "Mangler brukerrepresentant",
        "Mangler fastlegerepresentant",
        "Ledig plass: Administrerende direktør, Oslo universitetssykehus HF",
    ]
    assert tree["LSU OUS"][:3] == [
        "Mangler fastlegerepresentant",
        "Mangler brukerrepresentant",
        "Mangler tillitsvalgtrepresentant",
    ]
    assert "Ledig plass: Samhandlingsoverlege, Oslo universitetssykehus HF" in tree["LSU OUS"]
    assert (
        "Ledig plass: Bydelsdirektør, bydelene i OUS-sektoren (6 av 6 ledige)" in (tree["LSU OUS"])
    )
    assert not any("Viseadministrerende" in gap for gap in tree["LSU OUS"])  # Frafjord
    # Sources for the other sectors state no requirements: none are invented.
    assert tree["LSU Ahus"] == [] and tree["SF"] == []

    walk(Body.objects.as_tree(date(2021, 5, 31)))
    assert tree["LSU OUS"] == [] and tree["SSU"] == []
