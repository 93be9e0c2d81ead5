"""Attachments: what an upload must be, where it is stored, and who gets it back."""

import io
import os
import zipfile
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.module_loading import import_string
from django.views.static import serve

from helsefellesskap import settings as portal_settings
from helsefellesskap import uploads
from helsefellesskap.files import DOCUMENT_TYPES
from helsefellesskap.models import Membership
from helsefellesskap.uploads import UploadForm
from meetings import attachments
from meetings.models import Attachment, Minutes
from tests.factories import MembershipFactory, PersonFactory, UserFactory
from tests.meetings.factories import (
    PDF_BYTES,
    AttachmentFactory,
    ItemFactory,
    MinutesFactory,
)

OLE_BYTES = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 120 + b"This program cannot be run in DOS"


def office_zip(folder: str, extra: bytes = b"") -> bytes:
    """A minimal Office Open XML package: [Content_Types].xml and the document's folder."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(f"{folder}document.xml", "<document/>")
        if extra:
            archive.writestr(f"{folder}media/image1.bin", extra)
    return buffer.getvalue()


def stored_files(storage) -> list[Path]:
    root = Path(storage.location)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


@pytest.fixture
def item(lsu):
    return ItemFactory(meeting__body=lsu, title="Samhandling om FACT-team")


def upload(client, item, content, filename, name=""):
    return client.post(
        reverse("meetings:attachment_upload", args=[item.pk]),
        {"file": SimpleUploadedFile(filename, content), "name": name},
    )


def form_errors(response) -> str:
    return " ".join(str(e) for errors in response.context["form"].errors.values() for e in errors)


# --- The checks ---


@pytest.mark.parametrize(
    "filename, content",
    [
        ("saksframlegg.pdf", PDF_BYTES),
        ("Referat.DOC", OLE_BYTES),
        ("budsjett.xls", OLE_BYTES),
        ("lysark.ppt", OLE_BYTES),
        ("notat.docx", office_zip("word/")),
        ("budsjett.xlsx", office_zip("xl/")),
        ("lysark.pptx", office_zip("ppt/")),
    ],
)
def test_each_allowed_type_passes(filename, content):
    assert uploads.validate_upload(SimpleUploadedFile(filename, content)) == filename


@pytest.mark.parametrize(
    "filename, content, type_name",
    [
        ("rapport.pdf", EXE_BYTES, "PDF"),  # a program renamed
        ("notat.docx", PDF_BYTES, "Word"),
        ("notat.doc", office_zip("word/"), "Word"),
        ("budsjett.xlsx", b"PK\x03\x04 but not a zip at all", "Excel"),
        ("budsjett.xlsx", office_zip("word/"), "Excel"),  # a Word file named .xlsx
        ("lysark.ppt", PDF_BYTES, "PowerPoint"),
    ],
)
def test_content_must_match_the_type(filename, content, type_name):
    with pytest.raises(ValidationError) as error:
        uploads.validate_upload(SimpleUploadedFile(filename, content))
    assert f"ikke en {type_name}-fil" in error.value.messages[0]


@pytest.mark.parametrize("filename", ["program.exe", "side.html", "bilde.svg", "uten-type"])
def test_other_types_are_refused_with_the_allowed_ones_listed(filename):
    with pytest.raises(ValidationError) as error:
        uploads.validate_upload(SimpleUploadedFile(filename, PDF_BYTES))
    message = error.value.messages[0]
    assert "er ikke tillatt" in message
    assert ".pdf, .doc, .docx, .xls, .xlsx, .ppt og .pptx" in message


@pytest.mark.parametrize(
    "name",
    [
        "../../etc/passwd.pdf",
        "mappe/fil.pdf",
        "C:\\Users\\ola\\fil.pdf",
        "..\\fil.pdf",
        "fil..pdf",
    ],
)
def test_a_name_with_a_folder_is_refused(name):
    with pytest.raises(ValidationError, match="Filnavnet kan ikke inneholde mappe"):
        uploads.check_name(name)


@pytest.mark.parametrize("name", ["fil\x00.pdf", "fil\n.pdf", "fil\x1b.pdf", "gpj\u202e.pdf"])
def test_a_name_with_control_characters_is_refused(name):
    with pytest.raises(ValidationError, match="kontrolltegn"):
        uploads.check_name(name)


def test_an_upload_whose_own_name_holds_a_folder_is_refused():
    # The multipart parser already strips folders from names it receives; the check does not
    # rely on it. (A backslash survives os.path.basename on Linux.)
    uploaded = SimpleUploadedFile("..\\..\\vedlegg\\fil.pdf", PDF_BYTES)
    with pytest.raises(ValidationError, match="Filnavnet kan ikke inneholde mappe"):
        uploads.validate_upload(uploaded)


def test_the_size_limit_is_named_in_the_message():
    with pytest.raises(ValidationError) as error:
        uploads.check_size(uploads.max_size() + 1)
    assert "for stor" in error.value.messages[0]
    assert "høyst 20,0\xa0MB" in error.value.messages[0]
    uploads.check_size(uploads.max_size())  # exactly the limit is fine


def test_a_typed_name_keeps_the_files_type():
    uploaded = SimpleUploadedFile("scan0001.pdf", PDF_BYTES)
    assert (
        uploads.validate_upload(uploaded, "Vedlegg 1: Presentasjon")
        == "Vedlegg 1: Presentasjon.pdf"
    )
    assert uploads.validate_upload(uploaded, " Notat.PDF ") == "Notat.PDF"


def test_the_form_puts_a_bad_typed_name_on_the_name_field():
    form = UploadForm(
        data={"name": "../../etc/passwd"},
        files={"file": SimpleUploadedFile("fil.pdf", PDF_BYTES)},
    )
    assert not form.is_valid()
    assert "Filnavnet kan ikke inneholde mappe" in form.errors["name"][0]


# --- Uploading ---


@pytest.mark.django_db
def test_the_secretariat_uploads_an_attachment(client, secretariat_user, item, attachment_storage):
    client.force_login(secretariat_user)
    response = upload(client, item, PDF_BYTES, "Saksframlegg FACT.pdf")
    assert response.status_code == 302
    assert response["Location"] == f"{item.meeting.get_absolute_url()}#sak-{item.pk}"
    attachment = Attachment.objects.get()
    assert attachment.item == item
    assert attachment.name == "Saksframlegg FACT.pdf"
    assert attachment.size == len(PDF_BYTES)
    # Stored under a generated name, in the meeting's folder of the attachment storage.
    assert attachment.file.name.startswith(f"vedlegg/{item.meeting_id}/")
    assert attachment.file.name.endswith(".pdf")
    assert "FACT" not in attachment.file.name
    assert stored_files(attachment_storage) == [
        Path(attachment_storage.location) / attachment.file.name
    ]
    assert attachment.history.get().history_user == secretariat_user


@pytest.mark.django_db
def test_a_folder_in_the_sent_file_name_never_reaches_the_storage(
    client, secretariat_user, item, attachment_storage
):
    client.force_login(secretariat_user)
    body = (
        b"--grense\r\n"
        b'Content-Disposition: form-data; name="file"; filename="../../../../tmp/ond.pdf"\r\n'
        b"Content-Type: application/pdf\r\n\r\n" + PDF_BYTES + b"\r\n--grense--\r\n"
    )
    response = client.generic(
        "POST",
        reverse("meetings:attachment_upload", args=[item.pk]),
        body,
        content_type="multipart/form-data; boundary=grense",
    )
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.name == "ond.pdf"
    (path,) = stored_files(attachment_storage)
    assert path.is_relative_to(attachment_storage.location)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "filename, content, name, message",
    [
        ("program.exe", EXE_BYTES, "", "Filtypen .exe er ikke tillatt"),
        ("rapport.pdf", EXE_BYTES, "", "ikke en PDF-fil"),
        ("rapport.pdf", PDF_BYTES, "../../etc/passwd", "Filnavnet kan ikke inneholde mappe"),
        ("rapport.pdf", PDF_BYTES, "rapport\x07", "kontrolltegn"),
        ("tom.pdf", b"", "", "tom"),
    ],
)
def test_a_refused_upload_leaves_nothing_behind(
    client, secretariat_user, item, attachment_storage, filename, content, name, message
):
    client.force_login(secretariat_user)
    response = upload(client, item, content, filename, name)
    assert response.status_code == 422
    assert message in form_errors(response)
    assert "Vedlegget ble ikke lastet opp" in response.text
    assert not Attachment.objects.exists()
    assert stored_files(attachment_storage) == []


@pytest.mark.django_db
def test_a_file_over_the_limit_is_refused(
    client, secretariat_user, item, attachment_storage, settings
):
    settings.PORTAL_UPLOAD_MAX_SIZE = 100
    client.force_login(secretariat_user)
    response = upload(client, item, PDF_BYTES + b"%" * 100, "stor.pdf")
    assert response.status_code == 422
    errors = form_errors(response)
    assert "Filen er for stor" in errors
    assert "høyst 100\xa0byte" in errors
    assert not Attachment.objects.exists()
    assert stored_files(attachment_storage) == []
    # The page tells the limit before the upload too.
    page = client.get(reverse("meetings:attachment_upload", args=[item.pk]))
    assert "høyst 100\xa0byte" in page.text


@pytest.mark.django_db
def test_the_stored_file_is_removed_when_the_row_cannot_be_saved(
    item, attachment_storage, monkeypatch
):
    def fail(*args, **kwargs):
        raise RuntimeError("database down")

    monkeypatch.setattr(Attachment, "save", fail)
    with pytest.raises(RuntimeError):
        attachments.add_attachment(
            item=item, uploaded_file=SimpleUploadedFile("a.pdf", PDF_BYTES), name="a.pdf"
        )
    assert stored_files(attachment_storage) == []


@pytest.mark.django_db
def test_a_member_cannot_upload(client, member_user, item, attachment_storage):
    client.force_login(member_user)
    assert upload(client, item, PDF_BYTES, "a.pdf").status_code == 403
    assert not Attachment.objects.exists()
    assert stored_files(attachment_storage) == []


@pytest.mark.django_db
def test_the_bodys_secretary_uploads_to_its_own_meetings(client, item):
    user = UserFactory(username="utvalgssekretaer")
    MembershipFactory(
        person=PersonFactory(user=user), body=item.meeting.body, role=Membership.Role.SECRETARY
    )
    client.force_login(user)
    assert upload(client, item, PDF_BYTES, "a.pdf").status_code == 302
    assert Attachment.objects.count() == 1


@pytest.mark.django_db
def test_no_attachments_added_or_removed_after_the_minutes_are_approved(
    client, secretariat_user, item, attachment_storage
):
    attachment = AttachmentFactory(item=item)
    MinutesFactory(meeting=item.meeting, status=Minutes.Status.APPROVED)
    client.force_login(secretariat_user)
    for response in (
        client.get(reverse("meetings:attachment_upload", args=[item.pk]), follow=True),
        upload(client, item, PDF_BYTES, "sen.pdf"),
        client.post(reverse("meetings:attachment_delete", args=[attachment.pk])),
    ):
        assert response.status_code in (200, 302)
    response = client.get(reverse("meetings:attachment_upload", args=[item.pk]), follow=True)
    assert "Vedlegg kan legges til og fjernes fram til referatet er godkjent" in response.text
    assert list(Attachment.objects.all()) == [attachment]
    assert len(stored_files(attachment_storage)) == 1


# --- Downloading ---


@pytest.mark.django_db
def test_a_reader_downloads_an_attachment(client, reader_user, item):
    attachment = AttachmentFactory(item=item, name='Årsrapport "2025" – utkast.pdf')
    client.force_login(reader_user)
    response = client.get(reverse("meetings:attachment_download", args=[attachment.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="arsrapport-2025-utkast.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "private" in response["Cache-Control"]
    assert response["Content-Length"] == str(len(PDF_BYTES))


@pytest.mark.django_db
def test_the_content_type_follows_the_extension(client, reader_user, item):
    content = office_zip("xl/")
    attachment = attachments.add_attachment(
        item=item,
        uploaded_file=SimpleUploadedFile("budsjett.xlsx", content),
        name="Budsjett 2026.xlsx",
    )
    client.force_login(reader_user)
    response = client.get(reverse("meetings:attachment_download", args=[attachment.pk]))
    assert response["Content-Type"] == DOCUMENT_TYPES[".xlsx"]
    assert response["Content-Disposition"] == 'attachment; filename="budsjett-2026.xlsx"'


@pytest.mark.django_db
def test_anonymous_users_are_sent_to_log_in(client, item):
    attachment = AttachmentFactory(item=item)
    response = client.get(reverse("meetings:attachment_download", args=[attachment.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
def test_an_attachment_without_its_file_is_not_found(client, reader_user, item):
    listed_only = Attachment.objects.create(item=item, name="Presentasjon fra møtet.pdf")
    gone = AttachmentFactory(item=item)
    gone.file.storage.delete(gone.file.name)
    client.force_login(reader_user)
    for attachment in (listed_only, gone):
        url = reverse("meetings:attachment_download", args=[attachment.pk])
        assert client.get(url).status_code == 404
    assert client.get(reverse("meetings:attachment_download", args=[999999])).status_code == 404


@pytest.mark.django_db
def test_the_storage_has_no_public_url(item):
    attachment = AttachmentFactory(item=item)
    with pytest.raises(ValueError):
        attachment.file.url  # noqa: B018


def test_the_configured_storage_is_outside_the_media_folder_and_without_url():
    configured = portal_settings.STORAGES["attachments"]
    storage = import_string(configured["BACKEND"])(**configured["OPTIONS"])
    with pytest.raises(ValueError):
        storage.url("vedlegg/1/abc.pdf")
    location = Path(configured["OPTIONS"]["location"]).resolve()
    assert not location.is_relative_to(Path(portal_settings.MEDIA_ROOT).resolve())
    assert not location.is_relative_to(Path(portal_settings.STATIC_ROOT).resolve())


def _url_callbacks(resolver=None):
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _url_callbacks(pattern)
        elif isinstance(pattern, URLPattern):
            yield pattern.callback


def test_no_url_serves_files_from_a_folder():
    assert serve not in list(_url_callbacks())


@pytest.mark.django_db
@override_settings(MEDIA_URL="/media/")
def test_no_media_url_serves_attachments(client, secretariat_user, item, attachment_storage):
    attachment = AttachmentFactory(item=item)
    client.force_login(secretariat_user)
    for url in (
        f"/media/{attachment.file.name}",
        f"/{attachment.file.name}",
        f"/static/{attachment.file.name}",
        f"/vedlegg/{Path(attachment.file.name).name}",
    ):
        assert client.get(url).status_code == 404, url


# --- Removing ---


@pytest.mark.django_db
def test_the_secretariat_removes_an_attachment(
    client, secretariat_user, item, attachment_storage, django_capture_on_commit_callbacks
):
    attachment = AttachmentFactory(item=item)
    client.force_login(secretariat_user)
    url = reverse("meetings:attachment_delete", args=[attachment.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "Fjerne vedlegget «Saksframlegg.pdf»?" in page.text
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 302
    assert not Attachment.objects.exists()
    assert stored_files(attachment_storage) == []
    assert Attachment.history.filter(history_type="-").count() == 1


@pytest.mark.django_db
def test_a_reader_cannot_remove_an_attachment(client, reader_user, item, attachment_storage):
    attachment = AttachmentFactory(item=item)
    client.force_login(reader_user)
    response = client.post(reverse("meetings:attachment_delete", args=[attachment.pk]))
    assert response.status_code == 403
    assert Attachment.objects.count() == 1
    assert len(stored_files(attachment_storage)) == 1


# --- The partial the meeting page includes ---


@pytest.mark.django_db
def test_the_attachment_list_partial(item):
    attachment = AttachmentFactory(item=item)
    Attachment.objects.create(item=item, name="Bare i referatet.pptx")
    reader_html = render_to_string("meetings/_attachments.html", {"item": item, "can_keep": False})
    assert reverse("meetings:attachment_download", args=[attachment.pk]) in reader_html
    assert "filen finnes ikke i portalen" in reader_html
    assert "Last opp vedlegg" not in reader_html
    keeper_html = render_to_string("meetings/_attachments.html", {"item": item, "can_keep": True})
    assert reverse("meetings:attachment_upload", args=[item.pk]) in keeper_html
    assert reverse("meetings:attachment_delete", args=[attachment.pk]) in keeper_html


@pytest.mark.django_db
@pytest.mark.parametrize(
    "filename, content",
    [
        ("stor.pdf", PDF_BYTES + b"%" * 3_000_000),
        ("stor.xlsx", office_zip("xl/", extra=os.urandom(3_000_000))),
    ],
)
def test_an_upload_kept_in_a_temporary_file_is_checked_and_stored(
    client, secretariat_user, item, attachment_storage, filename, content
):
    # Over FILE_UPLOAD_MAX_MEMORY_SIZE (2.5 MB) Django spools the upload to a temporary file.
    client.force_login(secretariat_user)
    assert upload(client, item, content, filename).status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.size == len(content)
    assert attachment.file.open("rb").read() == content
