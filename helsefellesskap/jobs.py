"""Documents made in the background: the annual report, and the plan's PDF and PowerPoint
when the plan is large; also other work too long for a request whose result is a page (the
plan's Excel import: reading the file, then applying it). Laying out such a document takes
seconds to tens of seconds and
hundreds of MB; inside a web request it would block a server process, and a proxy's timeout
would cut it. Here a request only records a `DocumentJob` and enqueues it with Django's Tasks
API (the `django-tasks` backport; the database backend by default, so the embedded setup needs
no other service). A worker (`manage.py db_worker`, started by `make run`) builds it; the job's
page shows its progress and offers the file when it is ready, or says why it failed and offers
to try again.

A feature app says how to build its documents with `register(kind, builder)` from its
AppConfig.ready(); this module knows no feature app. Two requests for the same document (the
same `key`) while it is being made share one job: a partial unique constraint allows one
unfinished job per key, which holds on SQLite and PostgreSQL alike.
"""

import datetime
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from .files import generated_name, private_storage

logger = logging.getLogger(__name__)

# The longest a document takes is a few minutes (the whole partnership's annual report).
ABANDONED_AFTER = datetime.timedelta(minutes=30)


class DocumentError(Exception):
    """A document cannot be made; the message says why, in words for the user."""


@dataclass(frozen=True)
class BuiltDocument:
    filename: str = ""  # its extension gives the download's content type
    content: bytes | None = None
    # Where the result lives in the portal when it is more than a file (a report version):
    # the job's page leads there, and content, if any, is data kept for that page.
    result_url: str = ""
    # Told to the user when the result is shown ("Utkast versjon 3 er generert.").
    message: str = ""


# (params, user) -> BuiltDocument
Builder = Callable[[dict, object], BuiltDocument]
_BUILDERS: dict[str, Builder] = {}


def register(kind: str, builder: Builder) -> None:
    """Called from a feature app's AppConfig.ready(): how documents of `kind` are made."""
    _BUILDERS[kind] = builder


def job_path(instance, filename):
    return generated_name(f"dokumenter/{instance.created_at:%Y}", filename)


class DocumentJob(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "I kø"
        RUNNING = "running", "Lages"
        READY = "ready", "Ferdig"
        FAILED = "failed", "Mislyktes"

    UNFINISHED = (Status.QUEUED, Status.RUNNING)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField("type", max_length=60)
    key = models.CharField("dokument", max_length=200)
    title = models.CharField("tittel", max_length=300)
    params = models.JSONField("valg", default=dict)
    status = models.CharField("status", max_length=10, choices=Status, default=Status.QUEUED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="bestilt av",
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField("bestilt", default=timezone.now)
    started_at = models.DateTimeField("startet", null=True, blank=True)
    finished_at = models.DateTimeField("ferdig", null=True, blank=True)
    file = models.FileField("fil", upload_to=job_path, storage=private_storage, blank=True)
    name = models.CharField("filnavn", max_length=200, blank=True)
    result_url = models.CharField("resultat", max_length=300, blank=True)
    message = models.CharField("melding", max_length=300, blank=True)
    error = models.TextField("feil", blank=True)

    class Meta:
        verbose_name = "dokumentjobb"
        verbose_name_plural = "dokumentjobber"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["key"],
                condition=Q(status__in=["queued", "running"]),
                name="one_unfinished_job_per_document",
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("document_job", args=[self.pk])

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.READY, self.Status.FAILED)

    @property
    def leads_elsewhere(self) -> bool:
        """Ready, and its result is a page of the portal rather than a file."""
        return self.status == self.Status.READY and bool(self.result_url)


def request_document(*, kind: str, key: str, title: str, params: dict, user) -> DocumentJob:
    """The job that makes this document: the unfinished one for the same key if there is one,
    else a new one, enqueued for the worker. Returns at once; nothing is laid out here."""
    if kind not in _BUILDERS:
        raise DocumentError(f"Ukjent dokumenttype: {kind}.")
    existing = unfinished_job(key)
    if existing:
        return existing
    try:
        with transaction.atomic():
            job = DocumentJob.objects.create(
                kind=kind, key=key, title=title, params=params, requested_by=user
            )
    except IntegrityError:
        # Another request created it a moment ago: share that one.
        return DocumentJob.objects.get(key=key, status__in=DocumentJob.UNFINISHED)
    build_document.enqueue(job_id=str(job.pk))
    job.refresh_from_db()
    return job


def unfinished_job(key: str) -> DocumentJob | None:
    """The queued or running job for `key`, if any (one its worker abandoned is marked failed
    and does not count)."""
    existing = DocumentJob.objects.filter(key=key, status__in=DocumentJob.UNFINISHED).first()
    return existing if existing and not _abandoned(existing) else None


def _abandoned(job: DocumentJob) -> bool:
    """A job running far longer than any document takes: its worker was stopped midway. It is
    marked failed, so that the document can be ordered again."""
    if job.status != DocumentJob.Status.RUNNING or job.started_at is None:
        return False
    if timezone.now() - job.started_at < ABANDONED_AFTER:
        return False
    _fail(job, "Arbeidet ble avbrutt (tjeneren ble startet på nytt). Prøv igjen.")
    return True


def retry_document(*, job: DocumentJob, user) -> DocumentJob:
    """A failed job again, as a new job (the failed one stays, with its reason)."""
    if job.status != DocumentJob.Status.FAILED:
        raise DocumentError("Bare et dokument som mislyktes kan prøves på nytt.")
    return request_document(
        kind=job.kind, key=job.key, title=job.title, params=job.params, user=user
    )


def _claim(job_id: str) -> DocumentJob | None:
    """Marks the job as running, unless another worker has it already."""
    claimed = DocumentJob.objects.filter(pk=job_id, status=DocumentJob.Status.QUEUED).update(
        status=DocumentJob.Status.RUNNING, started_at=timezone.now()
    )
    return DocumentJob.objects.get(pk=job_id) if claimed else None


def _fail(job: DocumentJob, message: str) -> None:
    job.status, job.error, job.finished_at = DocumentJob.Status.FAILED, message, timezone.now()
    job.save(update_fields=["status", "error", "finished_at"])


@task()
def build_document(*, job_id: str) -> str:
    """The worker's part: builds the document and stores it with the job."""
    job = _claim(job_id)
    if job is None:
        return "skipped"
    try:
        built = _BUILDERS[job.kind](job.params, job.requested_by)
    except DocumentError as error:
        _fail(job, str(error))
        return "failed"
    except Exception:
        logger.exception("Dokumentjobb %s (%s) mislyktes.", job.pk, job.kind)
        _fail(job, "Dokumentet kunne ikke lages på grunn av en feil i portalen. Feilen er logget.")
        return "failed"
    job.name, job.result_url, job.message = built.filename, built.result_url, built.message
    if built.content is not None:
        job.file.save(built.filename, ContentFile(built.content), save=False)
    job.status, job.finished_at = DocumentJob.Status.READY, timezone.now()
    job.save(update_fields=["name", "result_url", "message", "file", "status", "finished_at"])
    return "ready"
