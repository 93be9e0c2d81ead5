"""Files on the storage the settings choose. With PORTAL_FILE_STORAGE=s3 the attachments, report
PDFs and generated documents, and the admin import's waiting file, live in a private S3 bucket
(moto's S3, in this process): they go in and out through the same pages, never get an address
of their own, and come back from a backup into an emptied bucket. Settings without a bucket
are refused."""

import json
import re

import boto3
import pytest
from django.apps import apps
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from import_export.tmp_storages import MediaStorage
from moto import mock_aws

from helsefellesskap import backup
from helsefellesskap.files import private_storage
from helsefellesskap.jobs import DocumentJob
from meetings.models import Attachment
from portfolio import background_documents
from tests.annual_report.factories import AnnualReportFactory, sector_year
from tests.helsefellesskap.test_security import PRODUCTION_ENV, _manage
from tests.meetings.factories import PDF_BYTES, AttachmentFactory, ItemFactory
from tests.portfolio.factories import MeasureFactory

BUCKET = "helsefellesskap-filer"
REGION = "eu-north-1"
S3_ENV = {
    "PORTAL_FILE_STORAGE": "s3",
    "PORTAL_S3_BUCKET": BUCKET,
    "PORTAL_S3_ENDPOINT_URL": "https://s3.example.no",
    "PORTAL_S3_REGION": REGION,
    "PORTAL_S3_ACCESS_KEY_ID": "portal-nokkel",
    "PORTAL_S3_SECRET_ACCESS_KEY": "portal-hemmelighet",
}


@pytest.fixture
def bucket(monkeypatch):
    """An empty bucket in moto's in-process S3; the client to look into it."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with mock_aws():
        client = boto3.client("s3", region_name=REGION)
        client.create_bucket(
            Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION}
        )
        yield client


def keys(bucket) -> list[str]:
    return sorted(item["Key"] for item in bucket.list_objects_v2(Bucket=BUCKET).get("Contents", []))


@pytest.fixture
def s3_storage(bucket, settings, monkeypatch, attachment_storage):
    """The storages as PORTAL_FILE_STORAGE=s3 sets them (test_the_settings_… below checks that),
    on the mocked bucket, instead of the test's folder."""

    def on_s3(location):
        return {
            "BACKEND": "helsefellesskap.s3.PrivateS3Storage",
            "OPTIONS": {"bucket_name": BUCKET, "region_name": REGION, "location": location},
        }

    settings.STORAGES = {
        **settings.STORAGES,
        "attachments": on_s3("filer"),
        "import_export": on_s3("import"),
    }
    storage = storages["attachments"]
    # The model fields took their storage when the models were loaded.
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if getattr(field, "_storage_callable", None) is private_storage:
                monkeypatch.setattr(field, "storage", storage)
    return storage


def is_private(bucket, key) -> bool:
    """Only the bucket's owner has a grant on the object (no public-read ACL)."""
    grants = bucket.get_object_acl(Bucket=BUCKET, Key=key)["Grants"]
    return [grant["Permission"] for grant in grants] == ["FULL_CONTROL"] and all(
        grant["Grantee"]["Type"] == "CanonicalUser" for grant in grants
    )


@pytest.mark.django_db
def test_an_attachment_goes_to_the_bucket_and_back_to_a_member(
    client, bucket, s3_storage, attachment_storage, lsu, leader_user, member_user
):
    item = ItemFactory(meeting__body=lsu, title="Samhandling om FACT-team")
    client.force_login(leader_user)
    response = client.post(
        reverse("meetings:attachment_upload", args=[item.pk]),
        {"file": SimpleUploadedFile("Saksframlegg FACT.pdf", PDF_BYTES), "name": ""},
    )
    assert response.status_code == 302

    attachment = Attachment.objects.get()
    assert re.fullmatch(rf"vedlegg/{item.meeting_id}/[0-9a-f]{{24}}\.pdf", attachment.file.name)
    key = f"filer/{attachment.file.name}"
    assert keys(bucket) == [key]
    assert bucket.get_object(Bucket=BUCKET, Key=key)["Body"].read() == PDF_BYTES
    assert is_private(bucket, key)
    with pytest.raises(ValueError, match="no URL"):
        attachment.file.url  # noqa: B018
    assert not next(backup.stored_names(attachment_storage), None)  # nothing on local disk

    client.force_login(member_user)
    response = client.get(reverse("meetings:attachment_download", args=[attachment.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Length"] == str(len(PDF_BYTES))
    assert response["Content-Disposition"] == 'attachment; filename="saksframlegg-fact.pdf"'

    # A file gone from the bucket is a 404, as on disk.
    bucket.delete_object(Bucket=BUCKET, Key=key)
    response = client.get(reverse("meetings:attachment_download", args=[attachment.pk]))
    assert response.status_code == 404


@pytest.mark.django_db
def test_report_pdfs_and_generated_documents_go_to_the_bucket(
    client, bucket, s3_storage, secretariat_user, reader_user, monkeypatch
):
    report = AnnualReportFactory(sector=sector_year().sector)
    client.force_login(secretariat_user)
    client.post(reverse("annual_report:version_generate", args=[report.pk]))
    version = report.versions.get()
    assert keys(bucket) == [f"filer/{version.pdf.name}"]
    response = client.get(reverse("annual_report:version_pdf", args=[version.pk]))
    assert response.status_code == 200
    stored = bucket.get_object(Bucket=BUCKET, Key=f"filer/{version.pdf.name}")["Body"].read()
    assert response.content == stored and stored.startswith(b"%PDF-")

    # A large plan's PowerPoint is made as a background job, whose file goes there too.
    monkeypatch.setattr(background_documents, "BACKGROUND_FROM_MEASURES", 1)
    plan = MeasureFactory(group__area__plan__title="Porteføljeplan 2026").group.area.plan
    MeasureFactory(group__area__plan=plan)
    client.force_login(reader_user)
    client.get(reverse("portfolio:plan_pptx", args=[plan.pk]))
    job = DocumentJob.objects.get(kind=background_documents.PLAN_DOCUMENT)
    assert job.status == DocumentJob.Status.READY
    assert f"filer/{job.file.name}" in keys(bucket)
    download = client.get(reverse("document_job_download", args=[job.pk]))
    content = b"".join(download.streaming_content)
    assert content.startswith(b"PK") and content == job.file.open("rb").read()


@pytest.mark.django_db
def test_the_admin_imports_waiting_file_is_kept_in_the_bucket(bucket, s3_storage):
    waiting = MediaStorage()
    waiting.save(b"navn;tittel\nKari Nordmann;Leder\n")
    key = f"import/django-import-export/{waiting.name}"
    assert keys(bucket) == [key] and is_private(bucket, key)
    # Another application server reads it back by its name for the confirm step.
    assert MediaStorage(name=waiting.name).read() == b"navn;tittel\nKari Nordmann;Leder\n"
    waiting.remove()
    assert keys(bucket) == []


@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_the_files_into_an_emptied_bucket(
    bucket, s3_storage, tmp_path, fresh_database
):
    attachments = [AttachmentFactory(), AttachmentFactory(file__data=b"%PDF-1.7 annet")]
    before = {key: bucket.get_object(Bucket=BUCKET, Key=key)["Body"].read() for key in keys(bucket)}
    assert sorted(before) == sorted(f"filer/{a.file.name}" for a in attachments)
    archive = tmp_path / "kopi.tar.gz"
    assert backup.backup(destination=archive).files == 2

    with pytest.raises(backup.BackupError, match=f"s3://{BUCKET}/filer er ikke tomt"):
        backup.restore(source=archive, database=fresh_database)
    bucket.delete_objects(Bucket=BUCKET, Delete={"Objects": [{"Key": key} for key in before]})
    assert keys(bucket) == []

    assert backup.restore(source=archive, database=fresh_database).files == 2
    after = {key: bucket.get_object(Bucket=BUCKET, Key=key)["Body"].read() for key in keys(bucket)}
    assert after == before


READ_STORAGES = """
import json
from django.core.files.storage import storages
print(json.dumps({
    alias: [type(s).__name__, s.location, s.bucket_name, s.endpoint_url, s.region_name,
            s.access_key, s.secret_key, s.default_acl, s.file_overwrite]
    for alias, s in ((alias, storages[alias]) for alias in ("attachments", "import_export"))
}))
"""


def test_the_settings_put_the_files_in_the_bucket_the_environment_names():
    result = _manage("shell", "--no-imports", "-c", READ_STORAGES, env=PRODUCTION_ENV | S3_ENV)
    assert result.returncode == 0, result.stderr
    reach = [BUCKET, "https://s3.example.no", REGION, "portal-nokkel", "portal-hemmelighet"]
    private = [None, False]  # no ACL sent, no file overwritten
    assert json.loads(result.stdout) == {
        "attachments": ["PrivateS3Storage", "filer", *reach, *private],
        "import_export": ["PrivateS3Storage", "import", *reach, *private],
    }


@pytest.mark.parametrize(
    "left_out, message",
    [
        ("PORTAL_S3_BUCKET", "PORTAL_FILE_STORAGE=s3 needs PORTAL_S3_BUCKET"),
        ("PORTAL_S3_SECRET_ACCESS_KEY", "Set both PORTAL_S3_ACCESS_KEY_ID and"),
    ],
)
def test_production_refuses_a_half_configured_bucket(left_out, message, monkeypatch):
    monkeypatch.delenv(left_out, raising=False)
    env = {name: value for name, value in (PRODUCTION_ENV | S3_ENV).items() if name != left_out}
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and message in result.stderr


@pytest.mark.django_db
def test_a_bucket_that_does_not_answer_is_a_clear_503_not_a_server_error(
    client, bucket, s3_storage, lsu, member_user, monkeypatch
):
    from botocore.exceptions import EndpointConnectionError
    from storages.backends.s3 import S3File

    attachment = AttachmentFactory(item=ItemFactory(meeting__body=lsu))
    client.force_login(member_user)
    url = reverse("meetings:attachment_download", args=[attachment.pk])
    assert client.get(url).status_code == 200

    def unreachable(self):
        raise EndpointConnectionError(endpoint_url="https://s3.example.invalid")

    monkeypatch.setattr(S3File, "file", property(unreachable))
    response = client.get(url)
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "fillageret ikke svarer" in response.content.decode()


@pytest.mark.django_db
def test_a_report_pdf_from_a_bucket_that_does_not_answer_is_a_503(
    client, bucket, s3_storage, secretariat_user, monkeypatch
):
    from botocore.exceptions import EndpointConnectionError
    from storages.backends.s3 import S3File

    report = AnnualReportFactory(sector=sector_year().sector)
    client.force_login(secretariat_user)
    client.post(reverse("annual_report:version_generate", args=[report.pk]))
    version = report.versions.get()

    def unreachable(self):
        raise EndpointConnectionError(endpoint_url="https://s3.example.invalid")

    monkeypatch.setattr(S3File, "file", property(unreachable))
    response = client.get(reverse("annual_report:version_pdf", args=[version.pk]))
    assert response.status_code == 503
