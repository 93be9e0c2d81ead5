"""The secretariat generates numbered drafts; a body's approval freezes and publishes one, with
the approval printed in its log; a later generation never changes a published file; readers
see only published versions. The PDF's text is read back with pdftotext."""

import datetime
import shutil
import subprocess

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from annual_report import versions
from annual_report.models import ReportVersion
from annual_report.versions import (
    ApprovalRefused,
    approve_version,
    generate_version,
)
from tests.annual_report.factories import AnnualReportFactory, sector_year

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes) -> str:
    assert shutil.which("pdftotext"), "pdftotext is missing: run `make browser`"
    result = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True
    )
    return result.stdout.decode()


def stored(version) -> bytes:
    with version.pdf.open("rb") as file:
        return file.read()


@pytest.fixture
def report():
    year = sector_year()
    return AnnualReportFactory(
        sector=year.sector,
        introduction="Året i Testsektoren.\n\n- Et nytt FACT-team\n\n"
        '<script>alert(1)</script> <img src="file:///etc/passwd">',
    )


def approve(version, user, **kwargs):
    kwargs.setdefault("body", version.report.approving_body())
    kwargs.setdefault("approved_on", timezone.localdate())
    kwargs.setdefault("remark", "Godkjent")
    return approve_version(version, user=user, **kwargs)


def test_a_draft_is_built_from_the_data_with_contents_header_and_page_numbers(
    report, secretariat_user
):
    version = generate_version(report, secretariat_user)
    assert (version.number, version.status) == (1, ReportVersion.Status.DRAFT)
    content = stored(version)
    assert content.startswith(b"%PDF") and version.pdf_size == len(content)
    text = pdf_text(content)
    assert "Årsrapport 2019" in text and "Testsektoren" in text
    assert "Innhold" in text and "Utvalg og forum" in text
    assert "UTKAST – versjon 1" in text
    assert "Side 2 av" in text
    for line in ["Lise Leder", "Adm. direktør, Testsykehuset"]:
        assert line in text
    assert "Organet hadde 2 møter: 28.3. og 12.12." in " ".join(text.split())
    assert "sluttet før 12.12." in text and "vara møtte 12.12." in text
    assert "Rapporten er ikke behandlet ennå." in text
    # The free text is text: the markup is printed, not run, and no local file is read.
    assert "<script>alert(1)</script>" in text
    assert "root:" not in text


def poppler(tool: str, content: bytes) -> str:
    assert shutil.which(tool), f"{tool} is missing: run `make browser`"
    return subprocess.run([tool, "-"], input=content, capture_output=True, check=True).stdout


def test_the_pdf_is_a4_tagged_for_accessibility_with_fonts_embedded(report, secretariat_user):
    content = stored(generate_version(report, secretariat_user))
    info = poppler("pdfinfo", content).decode()
    assert "Tagged:          yes" in info
    assert "Title:           Årsrapport 2019 – Testsektoren" in info
    assert "A4" in info
    fonts = poppler("pdffonts", content).decode().splitlines()[2:]
    assert fonts and all(" yes " in line for line in fonts)  # every font embedded


def test_each_generation_is_the_next_number(report, secretariat_user):
    first = generate_version(report, secretariat_user)
    second = generate_version(report, secretariat_user)
    assert (first.number, second.number) == (1, 2)
    assert first.pdf.name != second.pdf.name


def test_approval_freezes_and_publishes_with_the_approval_in_the_log(
    report, secretariat_user, django_capture_on_commit_callbacks
):
    version = generate_version(report, secretariat_user)
    draft_name = version.pdf.name
    with django_capture_on_commit_callbacks(execute=True):
        version = approve(version, secretariat_user, remark="Godkjent")
    version.refresh_from_db()
    assert version.status == ReportVersion.Status.PUBLISHED
    assert version.approved_by.name == "LSU Testsektoren"
    assert version.published_at is not None
    text = pdf_text(stored(version))
    assert "Behandling" in text and "LSU Testsektoren" in text
    assert f"{timezone.localdate():%-d.%-m.%Y}" in text and "Godkjent (versjon 1)" in text
    assert "UTKAST" not in text
    assert not version.pdf.storage.exists(draft_name)
    assert version.history.first().history_change_reason.startswith("Godkjent av LSU")


def test_a_later_generation_never_changes_the_published_file(report, secretariat_user):
    published = approve(generate_version(report, secretariat_user), secretariat_user)
    before = stored(published)
    report.introduction = "En ny innledning."
    report.save()
    newer = generate_version(report, secretariat_user)
    published.refresh_from_db()
    assert stored(published) == before
    assert newer.number == 2 and newer.status == ReportVersion.Status.DRAFT
    # The new draft carries the earlier approval in its log.
    assert "Godkjent (versjon 1)" in pdf_text(stored(newer))


@pytest.mark.parametrize(
    "case, message",
    [
        ("published", "allerede godkjent"),
        ("older", r"nyere versjon \(2\)"),
        ("future", "fram i tid"),
        ("before_generation", "før versjonen ble generert"),
    ],
)
def test_an_approval_that_makes_no_sense_is_refused_and_changes_nothing(
    report, secretariat_user, case, message
):
    version = generate_version(report, secretariat_user)
    approved_on = timezone.localdate()
    if case == "published":
        approve(version, secretariat_user)
    elif case == "older":
        generate_version(report, secretariat_user)
    elif case == "future":
        approved_on += datetime.timedelta(days=1)
    else:
        approved_on -= datetime.timedelta(days=1)
    before = ReportVersion.objects.get(pk=version.pk)
    with pytest.raises(ApprovalRefused, match=message):
        approve(version, secretariat_user, approved_on=approved_on)
    after = ReportVersion.objects.get(pk=version.pk)
    assert (after.status, after.pdf.name, after.approved_on) == (
        before.status,
        before.pdf.name,
        before.approved_on,
    )


def test_only_the_secretariat_generates_and_approves(report, secretariat_user, reader_user):
    with pytest.raises(PermissionDenied):
        generate_version(report, reader_user)
    version = generate_version(report, secretariat_user)
    with pytest.raises(PermissionDenied):
        approve(version, reader_user)
    assert ReportVersion.objects.get().status == ReportVersion.Status.DRAFT


def test_a_year_without_data_gives_a_report_that_says_so(secretariat_user):
    year = sector_year(2019)
    report = AnnualReportFactory(year=2031, sector=year.sector)
    text = pdf_text(stored(generate_version(report, secretariat_user)))
    assert "Portalen har ingen møter, saker" in text and "2031" in text


def test_readers_download_published_versions_only(client, report, secretariat_user, reader_user):
    draft = generate_version(report, secretariat_user)
    client.force_login(reader_user)
    assert client.get(reverse("annual_report:version_pdf", args=[draft.pk])).status_code == 404
    assert client.get(report.get_absolute_url()).status_code == 404
    assert "Testsektoren" not in client.get(reverse("annual_report:report_list")).text

    published = approve(draft, secretariat_user)
    response = client.get(reverse("annual_report:version_pdf", args=[draft.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content == stored(published)
    assert 'filename="arsrapport-2019-testsektoren.pdf"' in response["Content-Disposition"]
    page = client.get(report.get_absolute_url()).text
    assert "Godkjent og publisert" in page and "Generer nytt utkast" not in page

    newer = generate_version(report, secretariat_user)
    assert client.get(reverse("annual_report:version_pdf", args=[newer.pk])).status_code == 404
    assert f"Versjon {newer.number}" not in client.get(reverse("annual_report:report_list")).text


@pytest.mark.django_db(transaction=True)
def test_a_draft_is_laid_out_outside_the_transaction_and_numbered_after_one_stored_meanwhile(
    report, secretariat_user, monkeypatch
):
    """The layout takes tens of seconds for a large year: holding the report's lock (on SQLite
    the database's only write lock) that long would stop every other write of the portal. A
    version stored by someone else meanwhile gets its number; this one is laid out again."""
    layouts = []
    render = versions.render_report_pdf

    def render_recorded(snapshot, *, number, approvals, draft):
        layouts.append((number, connection.in_atomic_block))
        if len(layouts) == 1:
            generate_version(report, secretariat_user)  # stored while this one is laid out
        return render(snapshot, number=number, approvals=approvals, draft=draft)

    monkeypatch.setattr(versions, "render_report_pdf", render_recorded)
    version = generate_version(report, secretariat_user)

    assert layouts == [(1, False), (1, False), (2, False)]
    assert version.number == 2
    assert "UTKAST – versjon 2" in pdf_text(stored(version))
    assert sorted(report.versions.values_list("number", flat=True)) == [1, 2]
