"""What the applicant is told by e-mail (grants/receipt.py): the receipt with a PDF copy of what
was sent in, after the submission is committed and only then; the outcome once decided."""

import logging
import smtplib
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.urls import reverse

from grants import receipt, workflow
from grants.models import Application
from helsefellesskap.models import Membership
from helsefellesskap.permissions import DECISION_MAKER_GROUP
from tests.factories import HospitalFactory, MembershipFactory, PersonFactory, UserFactory
from tests.grants.factories import (
    AllocationFactory,
    ApplicationFactory,
    RoundFactory,
    lsu_member,
)

pytestmark = pytest.mark.django_db

EVIL_IMG = '<img src="file:///etc/passwd" alt="x">'


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "soknad.pdf"
    path.write_bytes(pdf)
    completed = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    )
    return " ".join(completed.stdout.replace("\xa0", " ").split())


def pdf_info(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "info.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout


@pytest.fixture
def allocation():
    return AllocationFactory(sector__name="OUS-sektoren", amount=Decimal("17240000"))


@pytest.fixture
def applicant(allocation):
    return lsu_member(allocation.sector, "soker", email="Soker@Example.no", first_name="Siv")


@pytest.fixture
def application(allocation, applicant):
    return ApplicationFactory(
        round=allocation.round,
        sector=allocation.sector,
        created_by=applicant,
        title="Felles akutteam (oppdiktet)",
        contact_email="kari.kontakt@example.no",
        partners=[HospitalFactory(name="Oslo universitetssykehus HF")],
        amount_asked=Decimal("1250000"),
        budget=[(2025, Decimal("700000")), (2025, Decimal("50000")), (2026, Decimal("500000"))],
    )


def submit(application, user, capture):
    with capture(execute=True):
        workflow.submit_application(application, user=user)
    return Application.objects.get(pk=application.pk)


def test_the_receipt_goes_out_with_the_pdf_copy(
    application, applicant, mailoutbox, django_capture_on_commit_callbacks, tmp_path
):
    submit(application, applicant, django_capture_on_commit_callbacks)
    [message] = mailoutbox
    assert message.subject == "Kvittering: søknad «Felles akutteam (oppdiktet)» er mottatt"
    assert message.to == ["kari.kontakt@example.no", "Soker@Example.no"]
    assert "Vi har mottatt søknaden «Felles akutteam (oppdiktet)»" in message.body
    assert application.get_absolute_url() in message.body
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html" and "<h1" in html and 'lang="nb"' in html
    [(filename, pdf, content_type)] = message.attachments
    assert filename == "soknad-felles-akutteam-oppdiktet.pdf"
    assert content_type == "application/pdf" and pdf.startswith(b"%PDF")
    text = pdf_text(pdf, tmp_path)
    assert "Felles akutteam (oppdiktet)" in text
    assert "Sum budsjett 1 250 000 kr" in text
    assert "Sum 2025 750 000 kr" in text and "Sum 2026 500 000 kr" in text
    assert "Oslo universitetssykehus HF (sykehus)" in text
    assert "Sendt inn" in text and "UTKAST" not in text


def test_one_address_once(application, applicant, mailoutbox, django_capture_on_commit_callbacks):
    Application.objects.filter(pk=application.pk).update(contact_email="soker@example.NO")
    application = Application.objects.get(pk=application.pk)
    submit(application, applicant, django_capture_on_commit_callbacks)
    assert [message.to for message in mailoutbox] == [["soker@example.NO"]]


def test_nothing_is_sent_when_the_submission_is_rolled_back(
    application, applicant, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                workflow.submit_application(application, user=applicant)
                raise RuntimeError("something later in the same transaction failed")
        except RuntimeError:
            pass
    assert callbacks == [] and mailoutbox == []
    assert Application.objects.get(pk=application.pk).state == Application.State.DRAFT


def test_a_failing_mail_server_does_not_undo_the_submission(
    application, applicant, mailoutbox, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    def refuse(self, fail_silently=False):
        raise smtplib.SMTPServerDisconnected("borte")

    monkeypatch.setattr(EmailMultiAlternatives, "send", refuse)
    with caplog.at_level(logging.ERROR, logger="grants.receipt"):
        submitted = submit(application, applicant, django_capture_on_commit_callbacks)
    assert submitted.state == Application.State.SUBMITTED
    assert "kunne ikke sendes" in caplog.text


def test_the_pdf_is_tagged_and_escapes_what_users_wrote(application, tmp_path):
    Application.objects.filter(pk=application.pk).update(
        title=f"Tittel {EVIL_IMG}", summary=f"<b>fet</b> {EVIL_IMG}"
    )
    pdf = receipt.application_pdf(application)
    assert "Tagged:          yes" in pdf_info(pdf, tmp_path)
    text = pdf_text(pdf, tmp_path)
    assert "Tittel <img src=" in text and "<b>fet</b>" in text
    assert "root:" not in text
    assert "UTKAST" in text  # not sent in yet


def test_user_text_is_escaped_in_the_html_mail(
    application, applicant, mailoutbox, django_capture_on_commit_callbacks
):
    Application.objects.filter(pk=application.pk).update(title=f"Tittel {EVIL_IMG}")
    submit(
        Application.objects.get(pk=application.pk), applicant, django_capture_on_commit_callbacks
    )
    [(html, _)] = mailoutbox[0].alternatives
    assert "<img" not in html and "&lt;img" in html
    assert EVIL_IMG in mailoutbox[0].body  # plain text is plain


def test_the_pdf_page_for_those_who_see_the_application(client, application, applicant):
    client.force_login(applicant)
    response = client.get(reverse("grants:application_pdf", args=[application.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "soknad-felles-akutteam-oppdiktet.pdf" in response["Content-Disposition"]
    client.force_login(lsu_member(AllocationFactory().sector, "fremmed"))
    response = client.get(reverse("grants:application_pdf", args=[application.pk]))
    assert response.status_code == 404


# --- The outcome ---


@pytest.fixture
def forwarded(application, applicant, allocation, django_capture_on_commit_callbacks):
    submit(application, applicant, django_capture_on_commit_callbacks)
    leader = UserFactory(username="lsu-leder")
    lsu = allocation.sector.bodies.get()
    MembershipFactory(body=lsu, person=PersonFactory(user=leader), role=Membership.Role.LEADER)
    workflow.prioritise_applications(
        allocation.round,
        allocation.sector,
        [workflow.Priority(application.pk, 1, True)],
        item=None,
        user=leader,
    )
    return Application.objects.get(pk=application.pk)


@pytest.fixture
def decision_maker():
    return UserFactory(username="direktor", roles=[DECISION_MAKER_GROUP])


def test_the_outcome_of_a_grant_is_told(
    forwarded, decision_maker, mailoutbox, django_capture_on_commit_callbacks
):
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.grant_application(
            forwarded, amount=Decimal("900000"), note="Redusert ramme.", user=decision_maker
        )
    [message] = mailoutbox
    assert message.subject == "Vedtak: søknad «Felles akutteam (oppdiktet)» er innvilget"
    assert message.to == ["kari.kontakt@example.no", "Soker@Example.no"]
    body = message.body.replace("\xa0", " ")
    assert "Innvilget beløp: 900 000 kr" in body and "Søkt beløp: 1 250 000 kr" in body
    assert "Redusert ramme." in body
    assert not message.attachments


def test_the_outcome_of_a_rejection_is_told(
    forwarded, decision_maker, mailoutbox, django_capture_on_commit_callbacks, allocation
):
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.reject_application(forwarded, note="Ikke i tråd med planen.", user=decision_maker)
    assert mailoutbox[0].subject.endswith("er avslått")
    assert "Ikke i tråd med planen." in mailoutbox[0].body


def test_a_move_to_next_year_links_to_the_application_there(
    forwarded, decision_maker, mailoutbox, django_capture_on_commit_callbacks, allocation
):
    next_round = RoundFactory(scheme=allocation.round.scheme, year=allocation.round.year + 1)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.move_to_next_round(forwarded, note="Overføres til neste år", user=decision_maker)
    copy = Application.objects.get(round=next_round)
    [message] = mailoutbox
    assert message.subject.endswith("er flyttet til neste års runde")
    assert copy.get_absolute_url() in message.body
    assert str(next_round) in message.body


def test_no_outcome_mail_before_a_decision(application):
    assert receipt.send_outcome(application) == 0
