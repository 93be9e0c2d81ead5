"""The application form helps the applicant (issue 14): the amount asked is the sum of the budget
lines; lines are added and removed in place (htmx) or by posting the form back (without
JavaScript); partners are found by searching the register; only the chosen focus area's measures
are offered; every error shows at once; "Lagre og send inn" leads to the confirmation page; the
round list says which rounds are open."""

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from grants.models import Application, BudgetLine
from helsefellesskap.models import Organisation
from tests.factories import HospitalFactory, OrganisationFactory
from tests.grants.factories import AllocationFactory, ApplicationFactory, RoundFactory, lsu_member
from tests.grants.test_applying import create_url, form_data, page_data, text
from tests.portfolio.factories import FocusAreaFactory, MeasureFactory, PlanFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def round():
    return AllocationFactory(sector__name="OUS-sektoren", round__year=2025).round


@pytest.fixture
def plan():
    return PlanFactory(title="Porteføljeplan 2026")


@pytest.fixture
def acute(plan, round):
    area = FocusAreaFactory(plan=plan, name="Den akuttmedisinske kjede", position=1)
    round.invited_areas.add(area)
    return area


@pytest.fixture
def digital(plan, round):
    area = FocusAreaFactory(plan=plan, name="Digital samhandling", position=2)
    round.invited_areas.add(area)
    return area


@pytest.fixture
def acute_team(acute):
    return MeasureFactory(group__area=acute, group__name="Akutte forløp", name="Felles akutteam")


@pytest.fixture
def pll(digital):
    return MeasureFactory(group__area=digital, name="Pasientens legemiddelliste (PLL)")


@pytest.fixture
def district():
    return OrganisationFactory(name="Bydel Gamle Oslo", kind=Organisation.Kind.DISTRICT)


@pytest.fixture
def hospital():
    return HospitalFactory(name="Oslo universitetssykehus HF")


@pytest.fixture
def applicant(round, district):
    return lsu_member(round.allocations.get().sector, "soker", organisation=district)


@pytest.fixture
def data(acute, acute_team, district, hospital):
    """A complete application to the acute area: 300 000 + 150 000 kr, one empty line."""

    def make(**changes):
        return form_data(acute, acute_team, district, hospital, **changes)

    return make


@pytest.fixture
def as_applicant(client, applicant):
    client.force_login(applicant)
    return client


def shown_lines(response) -> list[tuple]:
    return [
        (line["year"].value(), line["description"].value(), line["amount"].value())
        for line in response.context["formset"]
    ]


# --- The amount asked is the sum of the lines ---


def test_the_amount_asked_is_the_sum_of_the_lines_and_a_posted_amount_is_ignored(
    as_applicant, round, data
):
    response = as_applicant.get(create_url(round))
    assert "amount_asked" not in response.context["form"].fields
    assert 'name="amount_asked"' not in text(response)

    as_applicant.post(create_url(round), data(amount_asked="1", lagre="1"))
    application = Application.objects.get()
    assert application.amount_asked == Decimal("450000") == application.budget_total


def test_the_sum_follows_the_amounts_as_they_are_typed(as_applicant, round, data):
    response = as_applicant.post(
        create_url(round), data(**{"budsjett-2-amount": "12 500", "sum": "1"}), **HTMX
    )
    assert response.templates[0].name == "grants/_form_budget_sum.html"
    assert text(response).strip() == "462 500 kr"
    response = as_applicant.post(
        create_url(round), data(**{"budsjett-1-amount": "mye", "sum": "1"}), **HTMX
    )
    assert text(response).strip() == (
        '300 000 kr <span class="budget-sum-note">(uten linje 2: beløpet kan ikke leses)</span>'
    )
    assert not Application.objects.exists()


def test_the_total_must_be_more_than_nothing_and_fit_the_amount_asked(as_applicant, round, data):
    zero = {"budsjett-0-amount": "0", "budsjett-1-amount": "0", "lagre": "1"}
    response = as_applicant.post(create_url(round), data(**zero))
    assert "Budsjett: Budsjettet må til sammen være mer enn 0 kr." in text(response)
    huge = {"budsjett-0-amount": "9 999 999 999", "budsjett-1-amount": "9 999 999 999"}
    response = as_applicant.post(create_url(round), data(**huge, lagre="1"))
    assert "Budsjettlinjene summerer seg til 19 999 999 998 kr" in text(response)
    assert not Application.objects.exists()


# --- Budget lines added and removed in place ---


def test_a_line_is_added_without_javascript_by_posting_the_form_back(as_applicant, round, data):
    sent = data(title="", ny_linje="1")  # incomplete: nothing is checked yet
    response = as_applicant.post(create_url(round), sent)
    assert response.status_code == 200
    assert response.templates[0].name == "grants/application_form.html"
    assert shown_lines(response) == [
        ("2025", "Prosjektleder", "300 000"),
        ("2026", "Opplæring", "150000"),
        ("", "", ""),
        (None, None, None),
    ]
    page = text(response)
    assert "error-summary" not in page and 'aria-invalid="true"' not in page
    [new_year] = re.findall(r'<input [^>]*name="budsjett-3-year"[^>]*>', page)
    assert " autofocus" in new_year
    assert not Application.objects.exists()


def test_a_line_is_added_in_place_with_htmx(as_applicant, round, data):
    response = as_applicant.post(create_url(round), data(ny_linje="1"), **HTMX)
    assert response.templates[0].name == "grants/_form_budget.html"
    page = text(response)
    assert page.lstrip().startswith('<div id="budsjett-del"')
    assert 'name="budsjett-TOTAL_FORMS" value="4"' in page
    assert "År, linje 4" in page and "<html" not in page


def test_a_new_line_removed_takes_the_later_lines_up(as_applicant, round, data):
    sent = data(**{"budsjett-2-year": "2026", "budsjett-2-description": "Reise"})
    sent["budsjett-2-amount"] = "10 000"
    response = as_applicant.post(create_url(round), sent | {"fjern_linje": "2"}, **HTMX)
    assert shown_lines(response) == [
        ("2025", "Prosjektleder", "300 000"),
        ("2026", "Reise", "10 000"),
    ]
    page = text(response)
    assert 'name="budsjett-TOTAL_FORMS" value="2"' in page
    assert 'id="ny-linje" name="ny_linje" value="1"' in page and "autofocus" in page
    assert "310 000 kr" in page


def test_removing_the_only_line_leaves_an_empty_one(as_applicant, round, data):
    only = {"budsjett-TOTAL_FORMS": "1", "fjern_linje": "1"}
    response = as_applicant.post(create_url(round), data(**only))
    assert shown_lines(response) == [(None, None, None)]


def test_a_saved_line_removed_in_place_is_deleted_when_the_draft_is_saved(
    as_applicant, applicant, round, district, hospital
):
    application = ApplicationFactory(
        round=round,
        sector=round.allocations.get().sector,
        created_by=applicant,
        applicant_organisation=district,
        partners=[hospital],
        budget=[(2025, Decimal("600000")), (2025, Decimal("400000"))],
    )
    first, second = application.budget_lines.all()
    edit_url = reverse("grants:application_edit", args=[application.pk])
    sent = page_data(as_applicant.get(edit_url))
    response = as_applicant.post(edit_url, sent | {"fjern_linje": "1"}, **HTMX)
    assert [line.instance for line in response.context["formset"]] == [second]
    page = text(response)
    assert f'name="budsjett-0-id" value="{first.pk}"' in page
    assert 'name="budsjett-0-DELETE" value="on"' in page
    assert "Beløp, linje 2" not in page and "400 000 kr" in page
    assert BudgetLine.objects.count() == 2  # nothing is saved yet

    sent = page_data(response) | {"budsjett-0-DELETE": "on", "lagre": "1"}
    as_applicant.post(edit_url, sent)
    application = Application.objects.get()
    assert list(application.budget_lines.all()) == [second]
    assert application.amount_asked == Decimal("400000")


@pytest.mark.parametrize(
    "garbage",
    [
        {"fjern_linje": "tolv"},
        {"fjern_linje": "99"},
        {"budsjett-TOTAL_FORMS": "x", "ny_linje": "1"},
        {"budsjett-TOTAL_FORMS": "100000", "ny_linje": "1"},
    ],
)
def test_a_tampered_postback_shows_the_form_and_saves_nothing(as_applicant, round, data, garbage):
    response = as_applicant.post(create_url(round), data(**garbage))
    assert response.status_code == 200
    assert len(response.context["formset"].forms) <= 100
    assert not Application.objects.exists()


# --- Partners found by searching the register ---


def search(client, round, data, query, **more):
    return client.post(
        create_url(round), data(partner_search=query, sok_partner="1", **more), **HTMX
    )


def test_the_partner_search_finds_matching_organisations_only(
    as_applicant, round, data, district, hospital
):
    HospitalFactory(name="Akershus universitetssykehus HF")
    OrganisationFactory(name="Bydel Østensjø", kind=Organisation.Kind.DISTRICT)
    OrganisationFactory(name="Sykehjemsetaten", kind=Organisation.Kind.AGENCY)

    response = search(as_applicant, round, data, "universitetssykehus", partners=[district.pk])
    found = response.context["form"].partner_matches().shown
    assert [o.name for o in found] == ["Akershus universitetssykehus HF", hospital.name]
    assert "2 treff for «universitetssykehus»." in text(response)
    # A partner already chosen is not among the matches.
    response = search(as_applicant, round, data, "oslo", partners=[hospital.pk])
    assert [o.name for o in response.context["form"].partner_matches().shown] == [district.name]
    response = search(as_applicant, round, data, "oslo universitetssykehus", partners=[hospital.pk])
    assert "Det som passer til «oslo universitetssykehus», er valgt allerede." in text(response)
    # Letters compared casefolded (Ø), words in any order, the kind counts.
    response = search(as_applicant, round, data, "østensjø")
    assert [o.name for o in response.context["form"].partner_matches().shown] == ["Bydel Østensjø"]
    response = search(as_applicant, round, data, "akershus sykehus")
    assert [o.name for o in response.context["form"].partner_matches().shown] == [
        "Akershus universitetssykehus HF"
    ]
    response = search(as_applicant, round, data, "tannlege")
    assert response.context["form"].partner_matches() == ([], 0, 0)
    assert "Ingen virksomheter passer til «tannlege»." in text(response)


def test_the_partner_search_shows_ten_at_most(as_applicant, round, data):
    for number in range(12):
        OrganisationFactory(name=f"Bydel Nummer {number:02}")
    response = search(as_applicant, round, data, "nummer")
    found, count, _ = response.context["form"].partner_matches()
    assert (len(found), count) == (10, 12)
    page = text(response)
    assert "Viser 10 av 12 treff for «nummer». Skriv mer for å snevre inn." in page
    assert page.count('name="partners" value=') == 10 + 2  # the matches and the two chosen


def test_the_partner_search_costs_the_same_queries_for_a_small_and_a_large_register(
    as_applicant, round, data
):
    def queries_for_a_search() -> int:
        with CaptureQueriesContext(connection) as counted:
            search(as_applicant, round, data, "bydel")
        return len(counted)

    OrganisationFactory.create_batch(5)
    small = queries_for_a_search()
    OrganisationFactory.create_batch(100)
    assert queries_for_a_search() == small


def test_enter_refreshes_the_form_and_saves_nothing(as_applicant, round, data):
    # The form's first (hidden) button, which Enter presses in a text field.
    response = as_applicant.post(create_url(round), data(title="", oppdater="1"))
    assert response.status_code == 200 and "error-summary" not in text(response)
    assert response.context["form"]["summary"].value() == "Bydel og sykehus bygger et felles team."
    assert not Application.objects.exists()
    page = text(response)
    assert page.index('name="oppdater"') < page.index('name="title"')


def test_the_partner_search_without_javascript_shows_the_page_with_the_matches(
    as_applicant, round, data, hospital
):
    response = as_applicant.post(
        create_url(round), data(partner_search="sykehus", partners=[], sok_partner="1")
    )
    page = text(response)
    assert response.templates[0].name == "grants/application_form.html"
    assert 'id="partner-search" value="sykehus"' in page and " autofocus" in page
    assert f'id="partner-{hospital.pk}" data-hx-post' in page  # a match, not ticked
    assert not Application.objects.exists()


def test_a_partner_ticked_among_the_matches_is_chosen(
    as_applicant, round, data, district, hospital
):
    response = as_applicant.post(
        create_url(round),
        data(partner_search="oslo", partners=[hospital.pk], velg_partner="1"),
        **HTMX,
    )
    assert response.templates[0].name == "grants/_form_partners.html"
    assert response.context["form"].chosen_partners() == [hospital]
    page = text(response)
    assert f'id="partner-{hospital.pk}" checked' in page
    assert f'id="partner-{district.pk}" data-hx-post' in page

    as_applicant.post(create_url(round), data(partners=[hospital.pk], lagre="1"))
    assert list(Application.objects.get().partners.all()) == [hospital]


# --- Measures of the chosen focus area ---


def test_only_the_chosen_areas_measures_are_offered(
    as_applicant, round, data, acute, digital, acute_team, pll
):
    page = text(as_applicant.get(create_url(round)))
    assert "Velg innsatsområde først" in page and acute_team.name not in page
    response = as_applicant.post(
        create_url(round), data(focus_area=digital.pk, measures=[], vis_tiltak="1"), **HTMX
    )
    assert response.templates[0].name == "grants/_form_measures.html"
    page = text(response)
    assert pll.name in page and acute_team.name not in page
    response = as_applicant.post(create_url(round), data(vis_tiltak="1"))
    assert response.context["form"].measure_groups()[0][0] == "Akutte forløp"
    assert acute_team.name in text(response) and pll.name not in text(response)


def test_a_measure_of_another_area_is_refused_by_name(as_applicant, round, data, pll):
    response = as_applicant.post(create_url(round), data(measures=[pll.pk], lagre="1"))
    assert response.context["form"].errors["measures"] == [
        "Tiltaket «Pasientens legemiddelliste (PLL)» hører ikke til innsatsområdet "
        "«Den akuttmedisinske kjede». Kryss av blant tiltakene som vises under "
        "innsatsområdet."
    ]
    assert 'href="#id_measures"' in text(response)
    assert not Application.objects.exists()


# --- Every error at once ---


def test_every_error_is_shown_at_once(as_applicant, round, data, hospital):
    response = as_applicant.post(
        create_url(round),
        data(
            title="",
            applicant_organisation=hospital.pk,
            partners=[hospital.pk],
            send_inn="1",
            **{"budsjett-1-amount": "-150 000", "budsjett-0-year": "2030"},
        ),
    )
    assert response.status_code == 200
    summary = text(response).split('<div class="error-summary"')[1].split("</div>")[0]
    assert "Søknaden ble ikke lagret og kan ikke sendes inn ennå" in summary
    for error in (
        '<a href="#id_title">Tittel: ',
        '<a href="#id_partners">Samarbeidspartnere: Velg minst én samarbeidspartner på kommunal',
        "Budsjettlinje 1, år: Året må være innenfor prosjektperioden (2025–2026).",
        "Budsjettlinje 2, beløp (kr): Beløpet kan ikke være negativt.",
    ):
        assert error in summary, error
    assert not Application.objects.exists() and not BudgetLine.objects.exists()


def test_lagre_og_send_inn_saves_and_asks_first(as_applicant, round, data, mailoutbox):
    response = as_applicant.post(create_url(round), data(send_inn="1"))
    application = Application.objects.get()
    assert response["Location"] == reverse("grants:application_submit", args=[application.pk])
    assert application.state == Application.State.DRAFT and not mailoutbox


# --- The round list ---


def test_the_round_list_marks_open_rounds_with_their_deadline(as_applicant, round):
    round.deadline = timezone.make_aware(datetime.datetime(2099, 12, 18, 12))
    round.save()
    RoundFactory(year=2019, deadline=timezone.now() - datetime.timedelta(days=1))
    page = text(as_applicant.get(reverse("grants:round_list")))
    assert '<span class="round-state round-open">Åpen – frist 18.12.2099</span>' in page
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    closed = f"Stengt – fristen gikk ut {yesterday:%d.%m.%Y}"
    assert closed in page
    RoundFactory(year=2024, deadline=None)
    page = text(as_applicant.get(reverse("grants:round_list")))
    assert "Stengt – søknadsfrist ikke oppgitt" in page
