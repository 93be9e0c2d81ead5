"""The secretariat's imports in the admin run in the background: the request only stores the
file, the worker checks it (a trial run that writes nothing) and, after "Importer", imports
it, each run inside a time limit."""

import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook

from helsefellesskap.admin_base import XlsxFormat
from helsefellesskap.jobs import DocumentJob
from helsefellesskap.models import Membership
from tests.factories import BodyFactory, PersonFactory, UserFactory

IMPORT_URL = reverse("admin:helsefellesskap_membership_import")
CHECK_URL = reverse("admin:helsefellesskap_membership_import_check")
HEADER = ["person", "body", "role", "organisation", "representative_kind", "start", "end"]
XLSX = "1"  # the admin's formats: CSV, Excel


def members_sheet(*rows) -> io.BytesIO:
    workbook = Workbook()
    workbook.active.append(HEADER)
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    buffer.name = "medlemmer.xlsx"
    return buffer


def run_worker():
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)


@pytest.fixture
def register():
    BodyFactory(name="Samarbeidsforum for somatikk")
    PersonFactory(name="Anna K. Ryymin")


@pytest.fixture
def secretary(secretariat_user):
    client = Client(raise_request_exception=False)
    client.force_login(secretariat_user)
    return client


ANNA = ["Anna K. Ryymin", "Samarbeidsforum for somatikk", "medlem", "", "", "01.01.2026", ""]


@pytest.mark.django_db(transaction=True)
def test_the_request_stores_the_file_and_the_worker_checks_then_imports_it(
    settings, secretary, secretariat_user, register, monkeypatch
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    reads = []
    read = XlsxFormat.create_dataset
    monkeypatch.setattr(
        XlsxFormat, "create_dataset", lambda self, data, **kw: reads.append(1) or read(self, data)
    )

    response = secretary.post(
        IMPORT_URL, {"import_file": members_sheet(ANNA), "format": XLSX, "resource": "0"}
    )
    job = DocumentJob.objects.get()
    assert response.url == job.get_absolute_url()
    assert job.status == DocumentJob.Status.QUEUED and reads == []  # not read in the request
    # A second file while the first is waiting is refused with a reason.
    again = secretary.post(
        IMPORT_URL,
        {"import_file": members_sheet(ANNA), "format": XLSX, "resource": "0"},
        follow=True,
    )
    assert "er ikke ferdig ennå" in again.text and DocumentJob.objects.count() == 1

    run_worker()
    assert reads == [1]
    check = secretary.get(job.get_absolute_url(), follow=True)
    assert check.redirect_chain[-1][0] == CHECK_URL
    assert "1 ny, 0 endret, 0 uendret" in " ".join(check.text.split())
    assert not Membership.objects.exists()  # the trial run wrote nothing

    imported = secretary.post(CHECK_URL)
    run_worker()
    done = secretary.get(imported.url, follow=True)
    assert done.redirect_chain[-1][0] == reverse("admin:helsefellesskap_membership_changelist")
    assert "Importert fra medlemmer.xlsx: nye 1, endret 0, uendret 0." in done.text
    membership = Membership.objects.get()
    assert membership.history.get().history_user == secretariat_user
    # The file is imported: nothing is left to import again.
    assert secretary.get(CHECK_URL).url == IMPORT_URL


@pytest.mark.django_db
def test_a_file_with_errors_is_listed_by_row_and_cannot_be_imported(secretary, register):
    unknown = ["Anna K. Ryymin", "Utvalg som ikke finnes", "medlem", "", "", "", ""]
    page = secretary.post(
        IMPORT_URL,
        {"import_file": members_sheet(ANNA, unknown), "format": XLSX, "resource": "0"},
        follow=True,
    )
    assert "Rad 2: «body»: Fant ingen organ med navnet «Utvalg som ikke finnes»" in page.text
    assert 'value="Importer"' not in page.text
    secretary.post(CHECK_URL)
    assert DocumentJob.objects.count() == 1 and not Membership.objects.exists()


@pytest.mark.django_db
def test_an_import_past_the_time_limit_stops_with_nothing_written(settings, secretary, register):
    settings.IMPORT_TIME_LIMIT = 0
    page = secretary.post(
        IMPORT_URL,
        {"import_file": members_sheet(ANNA), "format": XLSX, "resource": "0"},
        follow=True,
    )
    assert "Importen ble stoppet etter 0 sekunder, ved rad 1. Ingenting er lagret" in page.text
    assert 'value="Importer"' not in page.text
    assert not Membership.objects.exists()


@pytest.mark.django_db
def test_one_person_cannot_import_what_another_checked(secretary, register):
    secretary.post(
        IMPORT_URL, {"import_file": members_sheet(ANNA), "format": XLSX, "resource": "0"}
    )
    colleague = Client()
    colleague.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert colleague.get(CHECK_URL).url == IMPORT_URL
    colleague.post(CHECK_URL)
    assert DocumentJob.objects.count() == 1 and not Membership.objects.exists()
