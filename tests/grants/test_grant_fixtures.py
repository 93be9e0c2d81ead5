"""The real 2024 grant round, read from OUS' board paper 98/2024, loads with the portal data:
HSØ's NOK 92.9 million as the regional frame (not the round's total), the OUS sector's
17 240 000 kr set aside by HSØ's board on 27.09.2024, and no applications (the paper does not
name them). The demo data adds an invented round with clearly marked invented applications that
the demo logins can work with."""

import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from grants.models import Allocation, Application, BudgetLine, Round, Scheme
from helsefellesskap.models import Organisation
from helsefellesskap.permissions import ROLE_GROUPS

pytestmark = pytest.mark.django_db

SCHEME = "Rekrutterings- og samhandlingstilskudd"
HISTORY_REASON = "Innlest fra OUS' styresak 98/2024"
GRANT_MODELS = (Scheme, Round, Allocation, Application, BudgetLine)
# What the OCR text of the seed gets wrong, and must not reach the portal.
OCR_NOISE = re.compile(r"  | ,| \.|[ \t]$|^[ \t]|\n{3}|Helsefelleskap|seomlgs", re.MULTILINE)


def load(*args):
    for name in ROLE_GROUPS:  # created by a migration; recreated after a flushing test
        Group.objects.get_or_create(name=name)
    call_command("load_portal_data", *args, verbosity=0)


@pytest.fixture
def portal_data():
    load()


@pytest.fixture
def real_data():
    load("--no-demo")


def counts():
    result = {}
    for model in GRANT_MODELS:
        result[model.__name__] = model.objects.count()
        result[f"history {model.__name__}"] = model.history.model.objects.count()
    return result


def round_2024():
    return Round.objects.get(scheme__name=SCHEME, year=2024)


def demo_applications():
    return Application.objects.filter(round__year=2026, round__description__contains="Demorunde")


def test_the_2024_round_names_hsos_929_million_as_the_regional_frame(real_data):
    scheme = Scheme.objects.get(name=SCHEME)
    assert "revidert nasjonalbudsjett 2024" in scheme.description
    assert "større og innovative løsninger" in scheme.description
    assert "fire sykehusdirektørene" in scheme.description
    grant_round = round_2024()
    assert grant_round.scheme == scheme
    # The round distributes the sectors' allocations, not HSØ's whole frame.
    assert grant_round.total_amount is None
    assert "92,9 millioner kroner; det er den regionale rammen" in grant_round.description
    # No invented deadline or invited areas: the source states neither, and the description
    # says so; a round without a deadline takes no applications.
    assert grant_round.deadline is None
    assert "Søknadsfristen står heller ikke i kilden, så ingen frist er registrert." in (
        grant_round.description
    )
    assert not grant_round.is_open
    assert not grant_round.invited_areas.exists()


def test_hsos_board_set_aside_17_240_000_for_the_ous_sector(real_data):
    allocation = Allocation.objects.get(round=round_2024())
    assert allocation.sector.short_name == "OUS"
    assert allocation.sector.hospital.name == "Oslo universitetssykehus HF"
    assert allocation.amount == Decimal("17240000.00")
    assert allocation.decided_by == "Styret i Helse Sør-Øst 27.09.2024"
    assert allocation.remaining() == Decimal("17240000.00")


def test_the_ten_applications_are_told_but_not_invented(real_data):
    grant_round = round_2024()
    assert not grant_round.applications.exists()
    assert "ti søknader" in grant_round.description
    assert "prioriterte fem" in grant_round.description
    assert "18.11.2024" in grant_round.description
    assert "ikke lagt inn i portalen" in grant_round.description


def test_the_real_rows_have_their_first_history_record_and_clean_text(real_data):
    for obj in (Scheme.objects.get(name=SCHEME), round_2024(), Allocation.objects.get()):
        record = obj.history.get()
        assert record.history_type == "+"
        assert record.history_change_reason == HISTORY_REASON
        assert record.history_id == obj.pk
    for text in (Scheme.objects.get().description, round_2024().description):
        assert not OCR_NOISE.search(text), text


def test_no_demo_loads_no_demo_grant_data(real_data):
    assert Round.objects.count() == 1
    assert Allocation.objects.count() == 1
    assert not Application.objects.exists()
    assert not BudgetLine.objects.exists()


def test_the_demo_applications_are_invented_and_marked(portal_data):
    applications = list(demo_applications())
    # Four in the OUS sector, two in each of the other three: SSU's compilation shows the
    # sectors side by side.
    assert len(applications) == 10
    assert Application.objects.count() == 10  # and none anywhere else
    for application in applications:
        assert application.title.endswith("(demo)")
        assert application.summary.startswith("Oppdiktet eksempel:")
        assert application.contact_name.endswith("(demo)")
        assert application.created_by.username == "medlem"
    by_sector = {}
    for application in applications:
        by_sector.setdefault(application.sector.short_name, []).append(application.state)
    assert {sector: sorted(states) for sector, states in by_sector.items()} == {
        "OUS": ["sendt", "sendt", "utkast", "videresendt"],
        "Ahus": ["videresendt", "videresendt"],
        "LDS": ["sendt", "videresendt"],
        "DS": ["sendt", "videresendt"],
    }
    for application in applications:
        forwarded = application.state == Application.State.FORWARDED
        assert (application.lsu_rank is not None) == forwarded


def test_the_demo_budgets_add_up_and_the_partners_meet_the_scheme(portal_data):
    for application in demo_applications():
        assert application.budget_lines.exists()
        assert application.budget_total == application.amount_asked
        assert application.completeness_problems() == []
        kinds = set(application.partners.values_list("kind", flat=True))
        assert Organisation.Kind.HOSPITAL in kinds and Organisation.Kind.DISTRICT in kinds
        assert application.focus_area.plan.title == "Porteføljeplan 2026"
        assert all(
            measure.group.area == application.focus_area for measure in application.measures.all()
        )


def test_every_demo_row_passes_full_clean(portal_data):
    for application in demo_applications():
        # The protected FSM field cannot be set again, as clean_fields() would: its value is
        # checked against the choices here instead.
        application.full_clean(exclude=["state"])
        assert application.state in Application.State.values
        for line in application.budget_lines.all():
            line.full_clean()
    demo_round = Round.objects.get(year=2026)
    demo_round.full_clean()
    for allocation in Allocation.objects.all():
        allocation.full_clean()
    round_2024().full_clean()


def test_the_demo_round_is_open_so_the_demo_draft_can_be_sent(portal_data):
    demo_round = Round.objects.get(year=2026)
    assert demo_round.is_open
    assert demo_round.description == "Demorunde – oppdiktede data"
    assert demo_round.total_amount is None
    assert demo_round.allocations.get(sector__short_name="OUS").amount == Decimal("17240000.00")
    assert demo_round.allocations.count() == 4  # one per sector


def test_the_demo_rows_have_their_first_history_record(portal_data):
    for application in demo_applications():
        record = application.history.get()
        assert record.history_type == "+"
        assert record.history_change_reason == "Demodata"
        assert record.state == application.state
    assert BudgetLine.history.filter(history_change_reason="Demodata").count() == (
        BudgetLine.objects.count()
    )


def test_loading_twice_changes_no_counts(portal_data):
    first = counts()
    load()
    assert counts() == first
    assert first["Application"] == 10 and first["history Application"] == 10


def test_the_demo_member_sees_the_draft_and_the_leader_only_what_was_sent(portal_data):
    member = User.objects.get(username="medlem")
    leader = User.objects.get(username="leder")
    draft = demo_applications().get(state=Application.State.DRAFT)
    sent = set(demo_applications().exclude(state=Application.State.DRAFT))
    sent_in_ous = {application for application in sent if application.sector == draft.sector}

    assert draft in Application.objects.visible_to(member)
    assert set(Application.objects.visible_to(member)) == sent | {draft}  # the member's own
    assert draft not in Application.objects.visible_to(leader)
    # The OUS LSU's leader sees what was sent in the OUS sector, not the other sectors'.
    assert set(Application.objects.visible_to(leader)) == sent_in_ous
    assert len(sent_in_ous) == 3
    assert leader.has_perm("grants.prioritise", draft.sector)


def test_the_portal_adds_rounds_after_the_fixture_rows(portal_data):
    # The key sequences were moved past the fixture's keys (PostgreSQL), so this is no clash.
    scheme = Scheme.objects.get(name=SCHEME)
    new_round = Round.objects.create(scheme=scheme, year=2025, deadline=timezone.now())
    assert new_round.pk not in (1, 9001)
    assert new_round.history.get().history_type == "+"


def test_the_2024_rounds_pages_and_admin_say_its_deadline_is_not_stated(
    real_data, client, secretariat_user
):
    client.force_login(secretariat_user)
    page = client.get(round_2024().get_absolute_url()).content.decode()
    assert "Søknadsfrist ikke oppgitt." in page
    assert "har ingen oppgitt søknadsfrist og tar ikke imot søknader." in page
    assert "18.11.2024 kl" not in page
    listing = client.get(reverse("grants:round_list")).content.decode()
    assert "Stengt – søknadsfrist ikke oppgitt" in listing
    admin_list = client.get(reverse("admin:grants_round_changelist")).content.decode()
    assert "ikke oppgitt" in admin_list
