"""Attachments to an application: the author uploads them to the draft with the meeting
attachments' checks (meetings/attachments.py); after submission they are read by whoever sees
the application, and can no longer be added or removed."""

import re
from pathlib import Path

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from grants import receipt, workflow
from grants.models import Application, ApplicationAttachment
from tests.factories import SectorFactory
from tests.grants.factories import ApplicationAttachmentFactory, ApplicationFactory, lsu_member
from tests.grants.test_receipt import pdf_text
from tests.meetings.factories import PDF_BYTES
from tests.meetings.test_attachments import EXE_BYTES

pytestmark = pytest.mark.django_db


def stored_files(storage) -> list[Path]:
    root = Path(storage.location)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def form_errors(response) -> str:
    return " ".join(str(e) for errors in response.context["form"].errors.values() for e in errors)


def messages_of(response) -> str:
    return " ".join(str(message) for message in get_messages(response.wsgi_request))


@pytest.fixture
def sector():
    return SectorFactory(name="OUS-sektoren")


@pytest.fixture
def author(sector):
    return lsu_member(sector, "soker")


@pytest.fixture
def application(sector, author):
    return ApplicationFactory(sector=sector, created_by=author, title="Felles akutteam")


def upload(client, application, content, filename, name=""):
    return client.post(
        reverse("grants:application_attachment_upload", args=[application.pk]),
        {"file": SimpleUploadedFile(filename, content), "name": name},
    )


def submit(application, author) -> Application:
    return workflow.submit_application(Application.objects.get(pk=application.pk), user=author)


def test_the_author_uploads_a_pdf_to_the_draft(client, author, application, attachment_storage):
    client.force_login(author)
    page = client.get(reverse("grants:application_attachment_upload", args=[application.pk]))
    assert page.status_code == 200
    assert "Nytt vedlegg til søknaden «Felles akutteam»" in page.text

    response = upload(client, application, PDF_BYTES, "prosjektplan.pdf", "Prosjektplan")
    assert response.status_code == 302
    attachment = ApplicationAttachment.objects.get()
    assert attachment.application == application
    assert attachment.name == "Prosjektplan.pdf"
    assert attachment.size == len(PDF_BYTES)
    assert re.fullmatch(rf"tilskudd/{application.pk}/[0-9a-f]{{24}}\.pdf", attachment.file.name)
    (path,) = stored_files(attachment_storage)
    assert path.read_bytes() == PDF_BYTES
    assert "Lastet opp: «Prosjektplan.pdf»" in messages_of(response)

    detail = client.get(application.get_absolute_url())
    download_url = reverse("grants:application_attachment_download", args=[attachment.pk])
    assert download_url in detail.text
    assert reverse("grants:application_attachment_delete", args=[attachment.pk]) in detail.text
    assert reverse("grants:application_attachment_upload", args=[application.pk]) in detail.text


@pytest.mark.parametrize(
    "filename, content, name, message",
    [
        ("program.exe", EXE_BYTES, "", "Filtypen .exe er ikke tillatt"),
        ("prosjektplan.pdf", EXE_BYTES, "", "ikke en PDF-fil"),
        ("prosjektplan.pdf", PDF_BYTES, "../../etc/passwd", "Filnavnet kan ikke inneholde mappe"),
        ("stor.pdf", PDF_BYTES + b"%" * 1000, "", "Filen er for stor"),
    ],
)
def test_a_refused_upload_says_why_and_writes_nothing(
    client, author, application, attachment_storage, settings, filename, content, name, message
):
    settings.PORTAL_UPLOAD_MAX_SIZE = 1000
    client.force_login(author)
    response = upload(client, application, content, filename, name)
    assert response.status_code == 422
    assert message in form_errors(response)
    assert "Vedlegget ble ikke lastet opp" in response.text
    assert not ApplicationAttachment.objects.exists()
    assert stored_files(attachment_storage) == []


def test_no_upload_after_submission(client, author, application, attachment_storage):
    submit(application, author)
    client.force_login(author)
    url = reverse("grants:application_attachment_upload", args=[application.pk])
    for response in (client.get(url), upload(client, application, PDF_BYTES, "sent.pdf")):
        assert response.status_code == 302
        assert response["Location"] == application.get_absolute_url()
        assert "vedleggene kan ikke lenger endres" in messages_of(response)
    assert not ApplicationAttachment.objects.exists()
    assert stored_files(attachment_storage) == []
    # The page no longer offers it.
    detail = client.get(application.get_absolute_url())
    assert url not in detail.text


def test_an_lsu_member_of_the_sector_downloads_after_submission(
    client, sector, author, application
):
    attachment = ApplicationAttachmentFactory(application=application, name="Prosjektplan.pdf")
    url = reverse("grants:application_attachment_download", args=[attachment.pk])
    colleague = lsu_member(sector, "kollega")
    client.force_login(colleague)
    assert client.get(url).status_code == 404  # another member's draft is not shown

    submit(application, author)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="prosjektplan.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"


def test_another_sectors_member_gets_404(client, author, application):
    attachment = ApplicationAttachmentFactory(application=application)
    submit(application, author)
    client.force_login(lsu_member(SectorFactory(name="Ahus-sektoren"), "annen"))
    url = reverse("grants:application_attachment_download", args=[attachment.pk])
    assert client.get(url).status_code == 404
    delete_url = reverse("grants:application_attachment_delete", args=[attachment.pk])
    assert client.post(delete_url).status_code == 404
    assert ApplicationAttachment.objects.filter(pk=attachment.pk).exists()


def test_the_author_removes_an_attachment_from_the_draft(
    client, author, application, attachment_storage, django_capture_on_commit_callbacks
):
    attachment = ApplicationAttachmentFactory(application=application, name="Utkast.pdf")
    assert len(stored_files(attachment_storage)) == 1
    url = reverse("grants:application_attachment_delete", args=[attachment.pk])
    client.force_login(author)
    page = client.get(url)
    assert page.status_code == 200
    assert "Fjerne vedlegget «Utkast.pdf»?" in page.text

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 302
    assert "Fjernet vedlegget «Utkast.pdf»" in messages_of(response)
    assert not ApplicationAttachment.objects.exists()
    assert stored_files(attachment_storage) == []


def test_no_removal_after_submission(client, author, application, attachment_storage):
    attachment = ApplicationAttachmentFactory(application=application)
    submit(application, author)
    url = reverse("grants:application_attachment_delete", args=[attachment.pk])
    client.force_login(author)
    for response in (client.get(url), client.post(url)):
        assert response.status_code == 302
        assert "vedleggene kan ikke lenger endres" in messages_of(response)
    assert ApplicationAttachment.objects.filter(pk=attachment.pk).exists()
    assert len(stored_files(attachment_storage)) == 1


def test_the_receipt_pdf_lists_the_attachments(author, application, tmp_path):
    ApplicationAttachmentFactory(application=application, name="Prosjektplan.pdf")
    ApplicationAttachmentFactory(application=application, name="Budsjett.xlsx")
    text = pdf_text(receipt.application_pdf(application), tmp_path)
    assert "Vedlegg" in text
    assert "Prosjektplan.pdf" in text
    assert "Budsjett.xlsx" in text


# --- The step itself (workflow.add_attachment) ---


def test_add_attachment_to_the_draft(author, application, attachment_storage):
    attachment = workflow.add_attachment(
        application,
        uploaded=SimpleUploadedFile("plan.pdf", PDF_BYTES),
        name="Prosjektplan.pdf",
        user=author,
    )
    assert attachment.application_id == application.pk and attachment.size == len(PDF_BYTES)
    (path,) = stored_files(attachment_storage)
    assert path.read_bytes() == PDF_BYTES


def test_add_attachment_refused_after_submit_even_from_a_stale_copy(
    author, application, attachment_storage
):
    stale_copy = Application.objects.get(pk=application.pk)
    submit(application, author)
    with pytest.raises(workflow.WorkflowError, match="vedleggene kan ikke lenger endres"):
        workflow.add_attachment(
            stale_copy,
            uploaded=SimpleUploadedFile("plan.pdf", PDF_BYTES),
            name="plan.pdf",
            user=author,
        )
    assert not ApplicationAttachment.objects.exists()
    assert not stored_files(attachment_storage)
