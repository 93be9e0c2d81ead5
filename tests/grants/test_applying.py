"""The applicant's side: an LSU member writes a draft with budget lines, comes back to change it,
and sends it in; bad amounts, an incomplete application, a double submit, an edit after
submission and a passed deadline are refused with a message and change nothing."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from grants import workflow
from grants.forms import ApplicationForm, ApplicationForms
from grants.models import Application, BudgetLine
from helsefellesskap.models import Organisation
from tests.factories import HospitalFactory, OrganisationFactory, SectorFactory
from tests.grants.factories import (
    AllocationFactory,
    ApplicationFactory,
    lsu_member,
)
from tests.portfolio.factories import FocusAreaFactory, MeasureFactory, PlanFactory

pytestmark = pytest.mark.django_db

State = Application.State


def text(response) -> str:
    """The page as text with ordinary spaces (amounts are written with non-breaking ones)."""
    return response.content.decode().replace("\xa0", " ")


@pytest.fixture
def allocation():
    return AllocationFactory(
        sector__name="OUS-sektoren", round__year=2025, amount=Decimal("17240000")
    )


@pytest.fixture
def round(allocation):
    return allocation.round


@pytest.fixture
def sector(allocation):
    return allocation.sector


@pytest.fixture
def plan():
    return PlanFactory(title="Porteføljeplan 2026")


@pytest.fixture
def area(plan, round):
    area = FocusAreaFactory(plan=plan, name="Digital samhandling")
    round.invited_areas.add(area)
    return area


@pytest.fixture
def measure(area):
    return MeasureFactory(group__area=area, name="Pasientens legemiddelliste (PLL)")


@pytest.fixture
def district():
    return OrganisationFactory(name="Bydel Gamle Oslo", kind=Organisation.Kind.DISTRICT)


@pytest.fixture
def hospital():
    return HospitalFactory(name="Oslo universitetssykehus HF")


@pytest.fixture
def applicant(sector, district):
    return lsu_member(sector, "soker", organisation=district, email="soker@example.no")


def form_data(area, measure, district, hospital, **changes) -> dict:
    """A complete new application with two budget lines adding up to the amount asked."""
    data = {
        "title": "Felles akutteam (oppdiktet)",
        "summary": "Bydel og sykehus bygger et felles team.",
        "focus_area": area.pk,
        "measures": [measure.pk],
        "applicant_organisation": district.pk,
        "contact_name": "Kari Kontakt",
        "contact_email": "kari.kontakt@example.no",
        "partners": [district.pk, hospital.pk],
        "period_start": "2025-01-01",
        "period_end": "2026-12-31",
        "continues": "",
        "budsjett-TOTAL_FORMS": "3",
        "budsjett-INITIAL_FORMS": "0",
        "budsjett-MIN_NUM_FORMS": "1",
        "budsjett-MAX_NUM_FORMS": "1000",
        "budsjett-0-year": "2025",
        "budsjett-0-description": "Prosjektleder",
        "budsjett-0-amount": "300 000",
        "budsjett-1-year": "2026",
        "budsjett-1-description": "Opplæring",
        "budsjett-1-amount": "150000",
        "budsjett-2-year": "",
        "budsjett-2-description": "",
        "budsjett-2-amount": "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture
def data(area, measure, district, hospital):
    def make(**changes):
        return form_data(area, measure, district, hospital, **changes)

    return make


def page_data(response) -> dict:
    """What the browser would send back from the form on the page, unchanged."""
    form, formset = response.context["form"], response.context["formset"]
    data = {}
    # All the lines: those shown, and saved ones removed in place (sent back marked DELETE).
    lines = formset.forms
    fields = [*form, *formset.management_form, *(field for line in lines for field in line)]
    for field in fields:
        value = field.value()
        if isinstance(value, bool):
            if value:
                data[field.html_name] = "on"
        elif isinstance(value, list | tuple):
            data[field.html_name] = [str(v) for v in value]
        elif value is not None:
            data[field.html_name] = str(value)
    return data


def create_url(round):
    return reverse("grants:application_create", args=[round.pk])


def draft_of(applicant, round, sector, district, hospital, **kwargs):
    return ApplicationFactory(
        round=round,
        sector=sector,
        created_by=applicant,
        applicant_organisation=district,
        partners=[hospital],
        **kwargs,
    )


# --- Writing a draft and coming back to it ---


def test_an_lsu_member_saves_a_draft_with_budget_lines(
    client, applicant, round, sector, data, measure, district, hospital
):
    client.force_login(applicant)
    response = client.get(reverse("grants:round_detail", args=[round.pk]))
    assert create_url(round) in response.content.decode()
    response = client.get(create_url(round))
    assert response.status_code == 200
    form = response.context["form"]
    assert "sector" not in form.fields  # one LSU: its sector
    assert form["contact_email"].value() == "soker@example.no"
    assert form["applicant_organisation"].value() == district.pk

    response = client.post(create_url(round), data(lagre="1"))
    application = Application.objects.get()
    assert response.status_code == 302
    assert response["Location"] == application.get_absolute_url()
    assert application.state == State.DRAFT
    assert (application.round, application.sector, application.created_by) == (
        round,
        sector,
        applicant,
    )
    assert application.amount_asked == Decimal("450000")
    assert set(application.partners.all()) == {district, hospital}
    assert list(application.measures.all()) == [measure]
    assert [
        (line.year, line.description, line.amount) for line in application.budget_lines.all()
    ] == [
        (2025, "Prosjektleder", Decimal("300000")),
        (2026, "Opplæring", Decimal("150000")),
    ]
    assert application.history.first().history_user == applicant

    page = text(client.get(application.get_absolute_url()))
    assert "Utkastet er lagret" in page
    assert "Utkastet er komplett og kan sendes inn" in page
    assert reverse("grants:application_edit", args=[application.pk]) in page
    assert reverse("grants:application_submit", args=[application.pk]) in page


def test_a_draft_may_be_incomplete_and_says_what_is_missing(
    client, applicant, round, data, hospital
):
    client.force_login(applicant)
    response = client.post(
        create_url(round),
        data(applicant_organisation=hospital.pk, partners=[hospital.pk], lagre="1"),
    )
    application = Application.objects.get()
    assert response.status_code == 302 and application.state == State.DRAFT
    page = text(client.get(application.get_absolute_url(), follow=True))
    assert "Før søknaden kan sendes inn" in page
    assert "minst én samarbeidspartner på kommunal side" in page
    # ... and the edit page says the same above the form.
    page = text(client.get(reverse("grants:application_edit", args=[application.pk])))
    assert "minst én samarbeidspartner på kommunal side" in page


def test_coming_back_to_change_the_draft(client, applicant, round, sector, district, hospital):
    application = draft_of(
        applicant,
        round,
        sector,
        district,
        hospital,
        budget=[(2025, Decimal("600000")), (2025, Decimal("400000"))],
    )
    first, second = application.budget_lines.all()
    client.force_login(applicant)
    edit_url = reverse("grants:application_edit", args=[application.pk])
    response = client.get(edit_url)
    assert response.status_code == 200
    sent = page_data(response)
    assert sent["budsjett-INITIAL_FORMS"] == "2" and sent["budsjett-TOTAL_FORMS"] == "2"
    sent |= {
        "title": "Nytt navn (oppdiktet)",
        "budsjett-0-amount": "700 000",
        "budsjett-1-DELETE": "on",
        "lagre": "1",
    }
    response = client.post(edit_url, sent)
    assert response.status_code == 302
    application = Application.objects.get(pk=application.pk)
    assert application.title == "Nytt navn (oppdiktet)"
    assert application.state == State.DRAFT
    assert [(line.pk, line.amount) for line in application.budget_lines.all()] == [
        (first.pk, Decimal("700000"))
    ]
    assert not BudgetLine.objects.filter(pk=second.pk).exists()
    assert application.amount_asked == Decimal("700000")
    assert application.completeness_problems() == []


# --- Bad input: a message, nothing saved ---


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"budsjett-1-amount": "-1"}, "amount", "Beløpet kan ikke være negativt."),
        ({"budsjett-1-amount": "150 000 NOK"}, "amount", "Skriv beløpet som et tall"),
        ({"budsjett-1-year": "26"}, "year", "Skriv året med fire sifre"),
        ({"budsjett-1-year": "1800"}, "year", "Året må være mellom 2000 og 2100."),
        ({"budsjett-1-year": "2028"}, "year", "innenfor prosjektperioden (2025–2026)"),
    ],
)
def test_bad_budget_lines_are_refused(client, applicant, round, data, changes, field, message):
    client.force_login(applicant)
    response = client.post(create_url(round), data(**changes, lagre="1"))
    assert response.status_code == 200
    line = response.context["formset"].forms[1]
    assert any(message in error for error in line.errors[field])
    assert f"Budsjettlinje 2, {line.fields[field].label.lower()}: " in text(response)
    assert not Application.objects.exists() and not BudgetLine.objects.exists()


def test_at_least_one_budget_line(client, applicant, round, data):
    client.force_login(applicant)
    empty = {
        f"budsjett-{i}-{name}": "" for i in range(2) for name in ("year", "description", "amount")
    }
    response = client.post(create_url(round), data(**empty, lagre="1"))
    assert "Budsjettet må ha minst én linje" in text(response)
    assert not Application.objects.exists()


def test_a_period_that_ends_before_it_starts(client, applicant, round, data):
    client.force_login(applicant)
    response = client.post(
        create_url(round), data(period_start="2026-01-01", period_end="2025-01-01", lagre="1")
    )
    assert "Perioden kan ikke slutte før den starter." in text(response)
    assert not Application.objects.exists()


def test_focus_areas_are_the_invited_ones(client, applicant, round, plan, area, data):
    not_invited = FocusAreaFactory(plan=plan, name="Rehabilitering")
    client.force_login(applicant)
    response = client.get(create_url(round))
    assert list(response.context["form"].fields["focus_area"].queryset) == [area]
    response = client.post(create_url(round), data(focus_area=not_invited.pk, lagre="1"))
    assert "focus_area" in response.context["form"].errors
    assert not Application.objects.exists()


def test_without_invited_areas_the_overall_plans_areas(round):
    older = PlanFactory(title="Porteføljeplan 2024", dated=datetime.date(2023, 11, 1))
    newest = PlanFactory(title="Porteføljeplan 2026", dated=datetime.date(2025, 11, 5))
    FocusAreaFactory(plan=older)
    areas = [
        FocusAreaFactory(plan=newest, name=name) for name in ("Rehabilitering", "Helseberedskap")
    ]
    form = ApplicationForm(instance=Application(round=round), round=round)
    assert list(form.fields["focus_area"].queryset) == areas


def test_measures_of_another_plan_are_refused(client, applicant, round, data):
    stray = MeasureFactory(name="Tiltak i en annen plan")
    round.invited_areas.add(stray.group.area)
    client.force_login(applicant)
    response = client.post(create_url(round), data(measures=[stray.pk], lagre="1"))
    assert "Tiltaket «Tiltak i en annen plan» hører ikke til innsatsområdet" in text(response)
    assert not Application.objects.exists()


def test_a_member_of_two_lsus_chooses_the_sector(client, round, sector, data):
    other = SectorFactory(name="Ahus-sektoren")
    user = lsu_member(sector, "to-lsu")
    lsu_member(other, "annen")
    other_membership = user.person.memberships.get()
    other_membership.pk = None
    other_membership.body = other.bodies.get()
    other_membership.save()
    client.force_login(user)
    form = client.get(create_url(round)).context["form"]
    assert set(form.fields["sector"].queryset) == {sector, other}
    response = client.post(create_url(round), data(lagre="1"))
    assert "Velg sektoren søknaden gjelder." in text(response)
    response = client.post(create_url(round), data(sector=other.pk, lagre="1"))
    assert Application.objects.get().sector == other


def test_a_sector_that_is_not_the_users_cannot_be_chosen(client, applicant, round, sector, data):
    other = SectorFactory()
    client.force_login(applicant)
    client.post(create_url(round), data(sector=other.pk, lagre="1"))
    assert Application.objects.get().sector == sector


def test_someone_outside_the_lsus_cannot_apply(client, reader_user, round):
    client.force_login(reader_user)
    assert client.get(create_url(round)).status_code == 403
    assert client.post(create_url(round), {}).status_code == 403


# --- Sending it in ---


def test_an_incomplete_application_is_not_sent_and_nothing_is_saved(
    client, applicant, round, data, hospital
):
    client.force_login(applicant)
    response = client.post(
        create_url(round),
        data(applicant_organisation=hospital.pk, partners=[hospital.pk], send_inn="1"),
    )
    assert response.status_code == 200
    assert response.context["form"].errors["partners"] == [
        "Velg minst én samarbeidspartner på kommunal side (bydel eller etat)."
    ]
    assert "Søknaden ble ikke lagret og kan ikke sendes inn ennå" in text(response)
    assert not Application.objects.exists() and not BudgetLine.objects.exists()


def test_an_incomplete_edit_sent_in_leaves_the_draft_as_it_was(
    client, applicant, round, sector, district, hospital
):
    application = draft_of(applicant, round, sector, district, hospital)
    edit_url = reverse("grants:application_edit", args=[application.pk])
    client.force_login(applicant)
    sent = page_data(client.get(edit_url)) | {
        "title": "Endret tittel",
        "budsjett-0-amount": "1",
        "partners": [],
        "send_inn": "1",
    }
    response = client.post(edit_url, sent)
    assert response.context["form"].errors["partners"] == [
        "Velg minst ett sykehus som samarbeidspartner."
    ]
    assert f"<h1>Endre søknaden «{application.title}»</h1>" in text(response)
    assert "Endret tittel" in text(response)  # what was typed is still in the form
    application = Application.objects.get(pk=application.pk)
    assert application.state == State.DRAFT
    assert application.title != "Endret tittel"
    assert application.budget_total == application.amount_asked


def test_the_submit_page_lists_what_is_missing(
    client, applicant, round, sector, district, hospital
):
    application = draft_of(
        applicant, round, sector, district, hospital, budget=[(2025, Decimal("1"))]
    )
    submit_url = reverse("grants:application_submit", args=[application.pk])
    client.force_login(applicant)
    page = text(client.get(submit_url))
    assert "Søknaden kan ikke sendes inn ennå" in page
    assert "summerer seg til" in page
    assert '<button type="submit" class="button">Send inn</button>' not in page
    response = client.post(submit_url, follow=True)
    assert "summerer seg til" in text(response)
    assert Application.objects.get(pk=application.pk).state == State.DRAFT


def test_sending_in_from_the_form_goes_through_the_confirmation_page(
    client, applicant, round, data, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(applicant)
    response = client.post(create_url(round), data(send_inn="1"), follow=True)
    application = Application.objects.get()
    submit_url = reverse("grants:application_submit", args=[application.pk])
    assert response.redirect_chain == [(submit_url, 302)]
    assert application.state == State.DRAFT and not mailoutbox
    page = text(response)
    assert "Utkastet er lagret. Se over søknaden og send den inn." in page
    assert "<h2>Dette sendes inn</h2>" in page and "Prosjektleder" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(submit_url, follow=True)
    application = Application.objects.get()
    assert application.state == State.SUBMITTED and application.submitted_at
    page = text(response)
    assert "Status: <strong>Sendt inn</strong>" in page
    assert "(PDF) sendes til kari.kontakt@example.no, soker@example.no" in page
    assert [m.subject for m in mailoutbox] == [
        "Kvittering: søknad «Felles akutteam (oppdiktet)» er mottatt"
    ]


def test_submit_once_and_a_second_submit_changes_nothing(
    client,
    applicant,
    round,
    sector,
    district,
    hospital,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    application = draft_of(applicant, round, sector, district, hospital)
    submit_url = reverse("grants:application_submit", args=[application.pk])
    client.force_login(applicant)
    page = text(client.get(submit_url))
    assert '<button type="submit" class="button">Send inn</button>' in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(submit_url)
    assert response["Location"] == application.get_absolute_url()
    submitted = Application.objects.get(pk=application.pk)
    assert submitted.state == State.SUBMITTED
    history = submitted.history.count()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(submit_url, follow=True)
    assert "Søknaden er allerede sendt inn." in text(response)
    again = Application.objects.get(pk=application.pk)
    assert again.submitted_at == submitted.submitted_at
    assert again.history.count() == history
    assert len(mailoutbox) == 1
    # The submit page itself sends the user back with the same message.
    response = client.get(submit_url, follow=True)
    assert "Søknaden er allerede sendt inn." in text(response)


def test_no_edit_after_submission(client, applicant, round, sector, district, hospital):
    application = draft_of(applicant, round, sector, district, hospital)
    edit_url = reverse("grants:application_edit", args=[application.pk])
    client.force_login(applicant)
    sent = page_data(client.get(edit_url)) | {"title": "Etter fristen", "lagre": "1"}
    workflow.submit_application(application, user=applicant)
    response = client.post(edit_url, sent, follow=True)
    assert response.redirect_chain[-1][0] == application.get_absolute_url()
    assert "Søknaden er sendt inn og kan ikke endres." in text(response)
    assert Application.objects.get(pk=application.pk).title != "Etter fristen"
    response = client.get(edit_url, follow=True)
    assert "Søknaden er sendt inn og kan ikke endres." in text(response)
    page = text(client.get(application.get_absolute_url()))
    assert edit_url not in page


def test_a_draft_sent_in_from_another_window_while_saving_is_not_changed(
    client, applicant, round, sector, district, hospital, monkeypatch
):
    application = draft_of(applicant, round, sector, district, hospital)
    edit_url = reverse("grants:application_edit", args=[application.pk])
    client.force_login(applicant)
    sent = page_data(client.get(edit_url)) | {"title": "Samtidig endret", "lagre": "1"}
    clean = ApplicationForm.clean

    def submitted_meanwhile(form):
        # The other window sends it in after this request has loaded the draft.
        workflow.submit_application(Application.objects.get(pk=application.pk), user=applicant)
        return clean(form)

    monkeypatch.setattr(ApplicationForm, "clean", submitted_meanwhile)
    response = client.post(edit_url, sent, follow=True)
    assert "Søknaden er sendt inn og kan ikke endres." in text(response)
    application = Application.objects.get(pk=application.pk)
    assert application.state == State.SUBMITTED and application.title != "Samtidig endret"


def test_after_the_deadline_no_new_application_and_no_submission(
    client, applicant, round, sector, district, hospital, data
):
    application = draft_of(applicant, round, sector, district, hospital)
    round.deadline = timezone.now() - datetime.timedelta(minutes=1)
    round.save()
    client.force_login(applicant)

    response = client.get(create_url(round))
    page = text(response)
    assert f"Søknadsfristen for {round} gikk ut" in page
    assert "Det kan ikke lages nye søknader i denne runden." in page
    assert "application-form" not in page
    client.post(create_url(round), data(lagre="1"))
    assert Application.objects.count() == 1
    assert "Ny søknad</a>" not in text(client.get(round.get_absolute_url()))

    assert "Utkastet kan ikke endres eller sendes inn lenger" in text(
        client.get(application.get_absolute_url())
    )
    edit_url = reverse("grants:application_edit", args=[application.pk])
    assert "Utkastet kan ikke endres eller sendes inn lenger" in text(client.get(edit_url))
    submit_url = reverse("grants:application_submit", args=[application.pk])
    assert "Søknaden kan ikke sendes inn." in text(client.get(submit_url))
    response = client.post(submit_url, follow=True)
    assert f"Søknadsfristen for {round} gikk ut" in text(response)
    assert Application.objects.get(pk=application.pk).state == State.DRAFT


def test_a_round_whose_deadline_is_not_stated_takes_no_applications(
    client, applicant, round, sector, district, hospital, data
):
    """The 2024 round's source states no deadline: the round says so, and nothing is sent in
    without one, since nobody could say until when it was allowed."""
    application = draft_of(applicant, round, sector, district, hospital)
    round.deadline = None
    round.save()
    client.force_login(applicant)
    reason = f"{round} har ingen oppgitt søknadsfrist og tar ikke imot søknader."

    page = text(client.get(round.get_absolute_url()))
    assert "Søknadsfrist ikke oppgitt." in page
    assert f"{reason} Det kan ikke lages nye søknader i denne runden." in page
    assert "Ny søknad</a>" not in page
    client.post(create_url(round), data(lagre="1"))
    assert Application.objects.count() == 1

    assert f"{reason} Utkastet kan ikke endres" in text(client.get(application.get_absolute_url()))
    submit_url = reverse("grants:application_submit", args=[application.pk])
    page = text(client.get(submit_url))
    assert "søknadsfrist ikke oppgitt" in page and f"{reason} Søknaden kan ikke sendes inn." in page
    assert reason in text(client.post(submit_url, follow=True))
    assert Application.objects.get(pk=application.pk).state == State.DRAFT


# --- Who sees what ---


def test_another_sectors_draft_is_a_404(client, applicant, round, sector, district, hospital):
    application = draft_of(applicant, round, sector, district, hospital)
    stranger = lsu_member(SectorFactory(name="Lovisenberg-sektoren"), "fremmed")
    client.force_login(stranger)
    for name in ("application_detail", "application_edit", "application_submit", "application_pdf"):
        url = reverse(f"grants:{name}", args=[application.pk])
        assert client.get(url).status_code == 404, name
    assert (
        client.post(reverse("grants:application_submit", args=[application.pk])).status_code == 404
    )
    assert Application.objects.get(pk=application.pk).state == State.DRAFT


def test_a_colleague_in_the_same_lsu_does_not_see_the_draft_but_sees_it_submitted(
    client, applicant, round, sector, district, hospital
):
    application = draft_of(applicant, round, sector, district, hospital)
    colleague = lsu_member(sector, "kollega")
    client.force_login(colleague)
    assert client.get(application.get_absolute_url()).status_code == 404
    workflow.submit_application(application, user=applicant)
    page = text(client.get(application.get_absolute_url()))
    assert "Sendt inn" in page
    assert reverse("grants:application_edit", args=[application.pk]) not in page
    response = client.get(reverse("grants:application_edit", args=[application.pk]))
    assert response.status_code == 302


def test_the_applicant_sees_the_outcome(client, applicant, round, sector, district, hospital):
    application = draft_of(applicant, round, sector, district, hospital)
    Application.objects.filter(pk=application.pk).update(
        state=State.GRANTED,
        amount_granted=Decimal("800000"),
        decision_note="Redusert: rammen er brukt opp.",
        decided_at=timezone.now(),
    )
    client.force_login(applicant)
    page = text(client.get(application.get_absolute_url()))
    assert re.search(r"<h2 id=\"vedtak\">Vedtak</h2>", page)
    assert "800 000 kr (søkt 1 000 000 kr)" in page
    assert "Redusert: rammen er brukt opp." in page


# --- The steps themselves (workflow.save_draft) ---


def bound_forms(data: dict, *, instance: Application, round):
    forms = ApplicationForms(data, instance=instance, round=round)
    assert forms.is_valid(), (forms.form.errors, forms.lines.errors)
    return forms.form, forms.lines


def test_save_draft_refuses_a_draft_sent_in_meanwhile(
    applicant, round, sector, district, hospital, data
):
    application = draft_of(applicant, round, sector, district, hospital)
    form, lines = bound_forms(
        data(title="Endret tittel"),
        instance=Application.objects.get(pk=application.pk),
        round=round,
    )
    workflow.submit_application(application, user=applicant)
    with pytest.raises(workflow.AlreadySubmitted):
        workflow.save_draft(form=form, budget_lines=lines, user=applicant, reason="Endret")
    assert Application.objects.get(pk=application.pk).title != "Endret tittel"
