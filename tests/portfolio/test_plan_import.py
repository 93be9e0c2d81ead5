"""The Excel import knows how old the file is, and reads and writes in the background worker.

Kari downloads the plan, a colleague edits a cell in the portal, and Kari uploads her old file:
where she changed that cell too, the preview shows a conflict (who, when, both values) and the
plan keeps its value unless she chooses the file's; where she did not, the colleague's newer
text simply stays. The upload request only stores the file: the worker reads it, within a
time limit, and applies it."""

import dataclasses
import datetime
import io
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from helsefellesskap.jobs import DocumentJob, retry_document
from portfolio import editing, importing, spreadsheet
from portfolio.models import Cell, PlanImport, Status
from tests.factories import MembershipFactory, PersonFactory, UserFactory
from tests.portfolio.factories import MeasureFactory, PlanFactory
from tests.portfolio.test_spreadsheet import as_upload, cell_of, exported, sheet_plan, stored

__all__ = ["sheet_plan"]  # the fixture, used by the tests below

PLL = "Pasientens legemiddelliste (PLL)"
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def run_worker():
    """The database queue's own worker, in this process (see tests/helsefellesskap/test_jobs.py)."""
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)


@pytest.fixture
def colleague(db):
    return UserFactory(username="kollega", first_name="Kari", last_name="Kollega")


def edit_in_portal(plan, measure_name, year, text, user):
    cell = stored(plan, measure_name, year)
    editing.save_cell(
        measure=cell.measure,
        column=cell.column,
        change=editing.CellChange(text=text, status=cell.status),
        based_on_version=cell.version,
        user=user,
    )


def upload(client, plan, workbook):
    """Upload through the page and follow the job to the preview (the tests' task backend runs
    the job at once)."""
    return client.post(
        reverse("portfolio:plan_import", args=[plan.pk]),
        {"file": as_upload(workbook)},
        follow=True,
    )


@pytest.mark.django_db
def test_an_old_file_shows_the_colleagues_newer_edit_as_a_conflict_and_keeps_it(
    client, secretariat_user, colleague, sheet_plan
):
    workbook = exported(sheet_plan)  # downloaded ...
    edit_in_portal(sheet_plan, PLL, 2025, "Innført i bydel Alna", colleague)  # ... then edited
    sheet = workbook["Porteføljeplan"]
    cell_of(sheet, PLL, "2025 – tekst").value = "Innført i tre bydeler"  # the same cell
    cell_of(sheet, "Videokonsultasjon", "Fokus for 2026 – tekst").value = "Pilot i fire bydeler"
    client.force_login(secretariat_user)

    response = upload(client, sheet_plan, workbook)

    preview = response.context["preview"]
    assert [(c.measure, c.heading) for c in preview.changes] == [
        ("Videokonsultasjon", "Fokus for 2026")
    ]
    [conflict] = preview.conflicts
    assert (conflict.measure, conflict.changed_by) == (PLL, "Kari Kollega")
    html = " ".join(response.content.decode().split())
    assert "Endret av Kari Kollega" in html
    assert (
        "etter at filen ble lastet ned: filen har «Innført i tre bydeler» (Under arbeid), "
        "planen har nå «Innført i bydel Alna» (Under arbeid)."
    ) in html
    assert "Filen ble lastet ned" in html

    # Confirmed without choosing the file's value: the colleague's text stays.
    response = client.post(response.redirect_chain[-1][0], follow=True)

    assert "1 celle er oppdatert fra Excel." in [str(m) for m in response.context["messages"]]
    assert stored(sheet_plan, PLL, 2025).text == "Innført i bydel Alna"
    assert stored(sheet_plan, "Videokonsultasjon", 2026).text == "Pilot i fire bydeler"


@pytest.mark.django_db
def test_the_files_value_is_written_when_chosen(client, secretariat_user, colleague, sheet_plan):
    workbook = exported(sheet_plan)
    edit_in_portal(sheet_plan, PLL, 2025, "Innført i bydel Alna", colleague)
    cell_of(workbook["Porteføljeplan"], PLL, "2025 – tekst").value = "Innført i tre bydeler"
    client.force_login(secretariat_user)
    preview_page = upload(client, sheet_plan, workbook)
    assert 'name="bruk_fil" value="0"' in preview_page.content.decode()

    response = client.post(preview_page.redirect_chain[-1][0], {"bruk_fil": ["0"]}, follow=True)

    assert response.redirect_chain[-1][0] == sheet_plan.get_absolute_url()
    cell = stored(sheet_plan, PLL, 2025)
    assert (cell.text, cell.version) == ("Innført i tre bydeler", 3)
    assert cell.history.first().history_user == secretariat_user


@pytest.mark.django_db
def test_keeping_the_plans_value_in_every_conflict_imports_nothing(
    client, secretariat_user, colleague, sheet_plan
):
    workbook = exported(sheet_plan)
    edit_in_portal(sheet_plan, PLL, 2025, "Innført i bydel Alna", colleague)
    cell_of(workbook["Porteføljeplan"], PLL, "2025 – tekst").value = "Innført i tre bydeler"
    client.force_login(secretariat_user)
    preview_url = upload(client, sheet_plan, workbook).redirect_chain[-1][0]
    history_before = Cell.history.count()

    response = client.post(preview_url, follow=True)

    assert "du valgte å beholde planens verdi i alle konfliktene" in response.content.decode()
    assert Cell.history.count() == history_before
    # "Bruk filens verdi i alle" takes them all.
    client.post(preview_url, {"alle": "1"})
    assert stored(sheet_plan, PLL, 2025).text == "Innført i tre bydeler"


@pytest.mark.django_db
def test_a_cell_the_old_file_did_not_change_never_overwrites_a_newer_edit(
    secretariat_user, colleague, sheet_plan
):
    data = spreadsheet.export_plan(sheet_plan)
    edit_in_portal(sheet_plan, PLL, 2025, "Innført i bydel Alna", colleague)

    preview = spreadsheet.preview_import(sheet_plan, data)

    # Without the version sheet this would list "Innført i bydel Alna" → "Starte innføring".
    assert preview.changes == [] and preview.conflicts == []
    assert preview.kept_newer == 1
    assert not preview.can_apply


@pytest.mark.django_db
def test_a_fresh_download_has_no_conflicts(secretariat_user, colleague, sheet_plan):
    edit_in_portal(sheet_plan, PLL, 2025, "Innført i bydel Alna", colleague)
    workbook = exported(sheet_plan)  # downloaded after the colleague's edit
    cell_of(workbook["Porteføljeplan"], PLL, "2025 – tekst").value = "Innført i tre bydeler"

    preview = spreadsheet.preview_import(sheet_plan, as_upload(workbook))

    assert preview.marker == spreadsheet.Marker.FOUND and preview.conflicts == []
    [change] = preview.changes
    assert (change.old_text, change.new_text) == ("Innført i bydel Alna", "Innført i tre bydeler")
    assert spreadsheet.apply_import(sheet_plan, preview, secretariat_user) == 1


@pytest.mark.django_db
def test_the_versions_survive_a_resave_with_numbers_as_decimals(colleague, sheet_plan):
    """A spreadsheet program may store the ids and versions as 3.0; it is still understood."""
    workbook = exported(sheet_plan)
    for row in workbook["Versjoner"].iter_rows():
        for cell in row:
            if isinstance(cell.value, int):
                cell.value = float(cell.value)
    edit_in_portal(sheet_plan, PLL, 2025, "Innført i bydel Alna", colleague)
    cell_of(workbook["Porteføljeplan"], PLL, "2025 – tekst").value = "Innført i tre bydeler"

    preview = spreadsheet.preview_import(sheet_plan, as_upload(workbook))

    assert [c.measure for c in preview.conflicts] == [PLL]


@pytest.mark.django_db
def test_a_plan_with_as_many_measures_as_the_import_takes_exports_an_importable_file(
    monkeypatch, sheet_plan
):
    monkeypatch.setattr(spreadsheet, "MAX_ROWS", 4)  # the header and the plan's three measures
    monkeypatch.setattr(spreadsheet, "LIMITS", dataclasses.replace(spreadsheet.LIMITS, max_rows=4))
    preview = spreadsheet.preview_import(sheet_plan, spreadsheet.export_plan(sheet_plan))
    assert preview.problems == [] and preview.marker == spreadsheet.Marker.FOUND


@pytest.mark.django_db
def test_a_file_without_the_version_sheet_still_imports_with_a_notice(
    client, secretariat_user, sheet_plan
):
    workbook = exported(sheet_plan)
    del workbook["Versjoner"]  # an older download, or a sheet made by hand
    cell_of(workbook["Porteføljeplan"], PLL, "2025 – tekst").value = "Innført i tre bydeler"
    client.force_login(secretariat_user)

    response = upload(client, sheet_plan, workbook)

    assert response.context["preview"].marker == spreadsheet.Marker.MISSING
    html = " ".join(response.content.decode().split())
    assert "endringer gjort i planen etter nedlastingen kan ikke oppdages" in html
    client.post(response.redirect_chain[-1][0])
    assert stored(sheet_plan, PLL, 2025).text == "Innført i tre bydeler"


@pytest.mark.django_db
def test_a_file_from_another_plan_is_not_trusted_for_versions(sheet_plan):
    other = PlanFactory(years=[2024, 2025, 2026])
    workbook = exported(sheet_plan)
    workbook["Versjoner"]["B1"] = other.pk

    preview = spreadsheet.preview_import(sheet_plan, as_upload(workbook))

    assert preview.marker == spreadsheet.Marker.OTHER_PLAN and not preview.problems


# --- In the background, with a time limit ---


@pytest.mark.django_db(transaction=True)
def test_the_upload_request_only_stores_the_file_and_the_worker_reads_it(
    client, settings, secretariat_user, sheet_plan, monkeypatch
):
    settings.TASKS = DATABASE_TASKS
    workbook = exported(sheet_plan)
    cell_of(workbook["Porteføljeplan"], PLL, "2025 – tekst").value = "Innført i tre bydeler"

    def no_reading_in_the_request(*args, **kwargs):
        raise AssertionError("the request read the file")

    client.force_login(secretariat_user)
    with monkeypatch.context() as patch:
        patch.setattr(spreadsheet, "preview_import", no_reading_in_the_request)
        started = time.perf_counter()
        response = client.post(
            reverse("portfolio:plan_import", args=[sheet_plan.pk]), {"file": as_upload(workbook)}
        )
        assert time.perf_counter() - started < 2
    job = DocumentJob.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert job.status == DocumentJob.Status.QUEUED
    plan_import = PlanImport.objects.get()
    assert plan_import.preview is None and plan_import.uploaded_by == secretariat_user
    with plan_import.file.open("rb") as stored_file:  # kept privately, as uploaded
        assert load_workbook(io.BytesIO(stored_file.read())).sheetnames[0] == "Porteføljeplan"
    page = client.get(job.get_absolute_url())
    assert "I kø" in page.text and 'data-hx-trigger="every 2s"' in page.text

    run_worker()

    job.refresh_from_db()
    assert job.status == DocumentJob.Status.READY
    response = client.get(job.get_absolute_url(), follow=True)
    assert [c.new_text for c in response.context["preview"].changes] == ["Innført i tre bydeler"]

    # Confirming queues the writing; the worker writes.
    response = client.post(response.redirect_chain[-1][0])
    apply_job = DocumentJob.objects.get(kind=importing.APPLY)
    assert response["Location"] == apply_job.get_absolute_url()
    assert stored(sheet_plan, PLL, 2025).text == "Starte innføring"
    run_worker()
    assert stored(sheet_plan, PLL, 2025).text == "Innført i tre bydeler"
    assert not PlanImport.objects.exists()  # done with; the stored file is deleted too
    assert not plan_import.file.storage.exists(plan_import.file.name)


@pytest.mark.django_db(transaction=True)
def test_one_unfinished_import_per_plan_and_user(client, settings, secretariat_user, sheet_plan):
    settings.TASKS = DATABASE_TASKS
    url = reverse("portfolio:plan_import", args=[sheet_plan.pk])
    client.force_login(secretariat_user)
    first = client.post(url, {"file": as_upload(exported(sheet_plan))})

    second = client.post(url, {"file": as_upload(exported(sheet_plan))}, follow=True)

    assert second.redirect_chain[0][0] == first["Location"]
    assert "Du har allerede en import til denne planen" in second.text
    assert PlanImport.objects.count() == 1 and DocumentJob.objects.count() == 1
    run_worker()
    # Once it is read, a new upload replaces it.
    client.post(url, {"file": as_upload(exported(sheet_plan))})
    assert PlanImport.objects.count() == 1 and DocumentJob.objects.count() == 2


@pytest.mark.django_db
def test_an_upload_left_unconfirmed_is_deleted_with_its_file_a_week_later(
    client, secretariat_user, sheet_plan, django_capture_on_commit_callbacks
):
    someone = UserFactory(roles=["Sekretariat"])
    client.force_login(someone)
    upload(client, sheet_plan, exported(sheet_plan))
    recent = PlanFactory(years=[2026])
    upload(client, recent, exported(recent))
    forgotten = PlanImport.objects.get(plan=sheet_plan)
    PlanImport.objects.filter(pk=forgotten.pk).update(
        created_at=timezone.now() - importing.KEPT_FOR - datetime.timedelta(hours=1)
    )

    client.force_login(secretariat_user)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, sheet_plan, exported(sheet_plan))

    assert not PlanImport.objects.filter(pk=forgotten.pk).exists()
    assert not forgotten.file.storage.exists(forgotten.file.name)
    # Someone's recent upload, and the new one, stay.
    assert PlanImport.objects.filter(plan=recent, uploaded_by=someone).exists()
    assert PlanImport.objects.filter(plan=sheet_plan, uploaded_by=secretariat_user).exists()


@pytest.mark.django_db
def test_reading_past_the_time_limit_fails_the_job_with_the_reason_and_changes_nothing(
    client, settings, secretariat_user, sheet_plan
):
    settings.IMPORT_TIME_LIMIT = 0
    workbook = exported(sheet_plan)
    cell_of(workbook["Porteføljeplan"], PLL, "2025 – tekst").value = "Innført i tre bydeler"
    history_before = Cell.history.count()
    client.force_login(secretariat_user)

    response = upload(client, sheet_plan, workbook)

    job = response.context["job"]
    assert job.status == DocumentJob.Status.FAILED
    assert job.error.startswith("Filen tok for lang tid å lese (over 0 sekunder)")
    assert "Ingenting er endret" in job.error and job.error in response.text
    assert "Prøv igjen" in response.text
    assert PlanImport.objects.get().preview is None
    assert Cell.history.count() == history_before
    # It can be tried again (here with time enough), or a new file uploaded.
    settings.IMPORT_TIME_LIMIT = 60
    again = retry_document(job=job, user=secretariat_user)
    assert DocumentJob.objects.get(pk=again.pk).status == DocumentJob.Status.READY
    assert upload(client, sheet_plan, workbook).context["preview"].changes


def test_writing_past_the_time_limit_fails_the_job_and_writes_nothing(
    client, settings, secretariat_user, sheet_plan
):
    workbook = exported(sheet_plan)
    cell_of(workbook["Porteføljeplan"], PLL, "2025 – tekst").value = "Innført i tre bydeler"
    client.force_login(secretariat_user)
    preview_page = upload(client, sheet_plan, workbook)
    history_before = Cell.history.count()

    settings.IMPORT_TIME_LIMIT = 0
    response = client.post(preview_page.redirect_chain[-1][0], follow=True)

    job = response.context["job"]
    assert job.status == DocumentJob.Status.FAILED
    assert job.error.startswith("Det tok for lang tid å skrive endringene inn i planen")
    assert "Ingenting er endret" in job.error
    assert stored(sheet_plan, PLL, 2025).text == "Starte innføring"
    assert Cell.history.count() == history_before
    assert PlanImport.objects.get().preview is not None  # it can be confirmed again


def test_the_deadline_is_checked_while_reading(sheet_plan):
    deadline = spreadsheet.Deadline(0.5, started=time.monotonic() - 1)
    with pytest.raises(spreadsheet.ReadingTooSlow, match="over 0.5 sekunder"):
        spreadsheet.preview_import(
            sheet_plan, spreadsheet.export_plan(sheet_plan), deadline=deadline
        )


# --- Who may ---


@pytest.mark.django_db
def test_only_the_uploader_sees_and_confirms_the_preview(
    client, secretariat_user, reader_user, sheet_plan
):
    workbook = exported(sheet_plan)
    cell_of(workbook["Porteføljeplan"], PLL, "2025 – tekst").value = "Innført i tre bydeler"
    client.force_login(secretariat_user)
    preview_url = upload(client, sheet_plan, workbook).redirect_chain[-1][0]

    client.force_login(reader_user)  # may not edit the plan
    assert client.get(preview_url).status_code == 403
    assert client.post(preview_url).status_code == 403
    assert client.post(reverse("portfolio:plan_import", args=[sheet_plan.pk])).status_code == 403
    other_secretariat = UserFactory(roles=["Sekretariat"])
    client.force_login(other_secretariat)  # may edit the plan, but it is not their upload
    assert client.get(preview_url).status_code == 404
    assert client.post(preview_url).status_code == 404
    assert stored(sheet_plan, PLL, 2025).text == "Starte innføring"


@pytest.mark.django_db
def test_the_lsu_secretary_imports_into_the_local_plan_only(client, lsu):
    secretary = UserFactory(username="lsu-sekretar")
    MembershipFactory(person=PersonFactory(user=secretary), body=lsu, role="sekretar")
    local = PlanFactory(title="Lokal plan 2026", body=lsu, years=[2025, 2026])
    measure = MeasureFactory(group__area__plan=local, name="Felles rutiner")
    shared = PlanFactory(years=[2026])
    workbook = exported(local)
    cell_of(workbook["Porteføljeplan"], "Felles rutiner", "2025 – status").value = "Under arbeid"
    client.force_login(secretary)

    response = upload(client, local, workbook)
    client.post(response.redirect_chain[-1][0])

    assert Cell.objects.get(measure=measure).status == Status.IN_PROGRESS
    response = client.post(
        reverse("portfolio:plan_import", args=[shared.pk]),
        {"file": SimpleUploadedFile("plan.xlsx", b"x")},
    )
    assert response.status_code == 403
