"""A published version is part of the record: neither it nor its report can be deleted, by the
model, a queryset or the admin, and its file stays. A draft can be deleted, and its file goes
with it once the deletion is committed."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from annual_report import versions
from annual_report.models import AnnualReport, ReportLocked, ReportVersion
from annual_report.versions import approve_version, generate_version
from helsefellesskap.restoring import RestoreRefused, restore_deleted
from tests.factories import BodyFactory
from tests.meetings.factories import PDF_BYTES

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def small_pdf(monkeypatch):
    """Laying a report out costs seconds; a small fixed PDF stands in."""
    monkeypatch.setattr(versions, "render_report_pdf", lambda *args, **kwargs: PDF_BYTES)


@pytest.fixture
def body():
    return BodyFactory(name="Samarbeidsforum (test)")


@pytest.fixture
def published(body, secretariat_user):
    report = AnnualReport.objects.create(year=2025, body=body)
    return approve_version(
        generate_version(report, secretariat_user),
        body=body,
        approved_on=timezone.localdate(),
        remark="Godkjent",
        user=secretariat_user,
    )


@pytest.fixture
def draft(body, secretariat_user):
    report = AnnualReport.objects.create(year=2024, body=body)
    return generate_version(report, secretariat_user)


@pytest.fixture
def admin_client(secretariat_user):
    client = Client(raise_request_exception=False)
    client.force_login(secretariat_user)
    return client


def _file_exists(version) -> bool:
    return version.pdf.storage.exists(version.pdf.name)


def test_a_report_with_a_published_version_cannot_be_deleted_by_any_path(published):
    report = published.report
    with pytest.raises(ReportLocked, match="versjon 1 er godkjent og publisert"):
        report.delete()
    with pytest.raises(ReportLocked):
        AnnualReport.objects.filter(pk=report.pk).delete()
    with pytest.raises(ReportLocked, match="kan ikke slettes"):
        ReportVersion.objects.get(pk=published.pk).delete()
    with pytest.raises(ReportLocked):
        ReportVersion.objects.filter(pk=published.pk).delete()
    assert AnnualReport.objects.filter(pk=report.pk).exists()
    assert ReportVersion.objects.get(pk=published.pk).is_published
    assert _file_exists(published)


def test_a_later_draft_of_a_published_report_can_be_deleted(published, secretariat_user):
    draft = generate_version(published.report, secretariat_user)
    draft.delete()
    assert list(published.report.versions.all()) == [published]


def test_a_draft_takes_its_file_with_it_once_committed(draft, django_capture_on_commit_callbacks):
    name = draft.pdf.name
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        ReportVersion.objects.get(pk=draft.pk).delete()
    assert draft.pdf.storage.exists(name)  # not before the commit
    for callback in callbacks:
        callback()
    assert not draft.pdf.storage.exists(name)


def test_a_report_with_drafts_only_is_deleted_with_their_files(
    draft, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        draft.report.delete()
    assert not ReportVersion.objects.filter(pk=draft.pk).exists()
    assert not _file_exists(draft)


def test_the_admin_refuses_to_delete_a_report_with_a_published_version(admin_client, published):
    report = published.report
    url = reverse("admin:annual_report_annualreport_delete", args=[report.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    assert "godkjent og publisert: kan ikke slettes" in page.content.decode()

    response = admin_client.post(url, {"post": "yes"})
    assert response.status_code == 200  # the page again, nothing deleted
    assert AnnualReport.objects.filter(pk=report.pk).exists()
    assert _file_exists(published)

    changelist = reverse("admin:annual_report_annualreport_changelist")
    response = admin_client.post(
        changelist,
        {"action": "delete_selected", "_selected_action": [report.pk], "post": "yes"},
    )
    assert response.status_code == 200
    assert "kan ikke slettes" in response.content.decode()
    assert AnnualReport.objects.filter(pk=report.pk).exists()


def test_the_admin_deletes_a_report_with_drafts_only(
    admin_client, draft, django_capture_on_commit_callbacks
):
    url = reverse("admin:annual_report_annualreport_delete", args=[draft.report.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url, {"post": "yes"})
    assert response.status_code == 302
    assert not AnnualReport.objects.filter(pk=draft.report.pk).exists()
    assert not _file_exists(draft)


def test_the_admin_shows_published_versions_read_only(admin_client, published):
    page = admin_client.get(
        reverse("admin:annual_report_annualreport_change", args=[published.report.pk])
    )
    assert page.status_code == 200
    formset = page.context["inline_admin_formsets"][0]
    assert not formset.formset.can_delete
    assert set(formset.readonly_fields) >= {"status", "approved_by", "approved_on"}


def test_a_deleted_draft_is_not_restored_without_its_snapshot_and_file(
    draft, secretariat_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ReportVersion.objects.get(pk=draft.pk).delete()
    record = ReportVersion.history.filter(history_type="-").latest()
    with pytest.raises(RestoreRefused, match="kan ikke gjenopprettes"):
        restore_deleted(
            model_label="annual_report.reportversion",
            history_id=record.history_id,
            user=secretariat_user,
        )
    assert not ReportVersion.objects.filter(pk=draft.pk).exists()


def test_a_published_version_cannot_be_changed_by_save_or_queryset_update(published):
    published.approval_remark = "Omskrevet merknad"
    with pytest.raises(ReportLocked, match="kan ikke endres"):
        published.save()
    with pytest.raises(ReportLocked, match="kan ikke endres"):
        ReportVersion.objects.filter(pk=published.pk).update(approval_remark="Omskrevet")
    published.refresh_from_db()
    assert published.approval_remark == "Godkjent"


def test_a_draft_version_can_still_be_changed(draft):
    assert ReportVersion.objects.filter(pk=draft.pk).update(approval_remark="Merknad") == 1
