"""Reference numbers "RST-2026-0042": the round's year and a number per year, given when the
application is sent in, never twice, shown on the receipt, its PDF copy and the pages."""

import threading

import pytest
from django.db import connection
from django.urls import reverse

from grants import numbering, workflow
from grants.models import Application, ReferenceCounter
from tests.grants.factories import ApplicationFactory, RoundFactory, lsu_member
from tests.grants.test_receipt import pdf_text

State = Application.State


@pytest.fixture
def applicant(allocation):
    return lsu_member(allocation.sector, "soker", email="soker@example.no")


def sent(allocation, applicant, **kwargs) -> Application:
    application = ApplicationFactory(
        round=allocation.round, sector=allocation.sector, created_by=applicant, **kwargs
    )
    workflow.submit_application(application, user=applicant)
    return Application.objects.get(pk=application.pk)


@pytest.mark.django_db
def test_numbers_count_up_per_year_from_submission(allocation, applicant):
    round = allocation.round
    draft = ApplicationFactory(round=round, sector=allocation.sector, created_by=applicant)
    assert draft.reference == ""  # a draft has none
    first, second = sent(allocation, applicant), sent(allocation, applicant)
    assert first.reference == f"RST-{round.year}-0001"
    assert second.reference == f"RST-{round.year}-0002"
    assert first.history.first().reference_number == 1  # given in the submission's own step
    # Another year starts from 1.
    later = RoundFactory(scheme=round.scheme, year=round.year + 1)
    other = ApplicationFactory(round=later, sector=allocation.sector, created_by=applicant)
    workflow.submit_application(other, user=applicant)
    assert Application.objects.get(pk=other.pk).reference == f"RST-{later.year}-0001"


@pytest.mark.django_db
def test_a_refused_submission_takes_no_number(allocation, applicant):
    incomplete = ApplicationFactory(
        round=allocation.round, sector=allocation.sector, created_by=applicant, budget=[]
    )
    with pytest.raises(workflow.WorkflowError):
        workflow.submit_application(incomplete, user=applicant)
    assert Application.objects.get(pk=incomplete.pk).reference == ""
    assert sent(allocation, applicant).reference_number == 1


@pytest.mark.django_db
def test_a_moved_application_gets_a_number_in_next_years_round(
    allocation, applicant, secretariat_user
):
    round = allocation.round
    RoundFactory(scheme=round.scheme, year=round.year + 1)
    application = ApplicationFactory(
        round=round, sector=allocation.sector, created_by=applicant, state=State.FORWARDED
    )
    workflow.move_to_next_round(application, note="", user=secretariat_user)
    copy = Application.objects.get(pk=application.pk).moved_to
    assert copy.reference == f"RST-{round.year + 1}-0001"


@pytest.mark.django_db
def test_the_receipt_its_pdf_and_the_page_show_the_number(
    client, allocation, applicant, mailoutbox, django_capture_on_commit_callbacks, tmp_path
):
    application = ApplicationFactory(
        round=allocation.round, sector=allocation.sector, created_by=applicant
    )
    with django_capture_on_commit_callbacks(execute=True):
        workflow.submit_application(application, user=applicant)
    reference = f"RST-{allocation.round.year}-0001"
    [message] = mailoutbox
    assert f"Referansenummer: {reference}" in message.body
    assert reference in message.alternatives[0][0]
    [(_, pdf, _)] = message.attachments
    assert f"Referansenummer {reference}" in pdf_text(pdf, tmp_path)
    client.force_login(applicant)
    page = client.get(reverse("grants:application_detail", args=[application.pk]))
    assert f"Referansenummer <strong>{reference}</strong>" in page.content.decode()


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite's in-memory test database refuses a second writer at once ('table is "
    "locked') instead of waiting; the file database the portal runs on waits for the lock",
)
@pytest.mark.django_db(transaction=True)
def test_two_submissions_at_once_get_different_numbers(allocation, applicant):
    """Each thread has its own connection and they start together: the counter's UPDATE takes
    the row's lock, so each gets its own number."""
    year = allocation.round.year
    numbers, errors = [], []
    start = threading.Barrier(4, timeout=30)

    def take():
        try:
            start.wait()
            numbers.append(numbering.next_reference_number(year))
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=take) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sorted(numbers) == [1, 2, 3, 4]
    assert ReferenceCounter.objects.get(year=year).last_number == 4
