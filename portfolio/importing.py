"""The plan's Excel import as background work: the web request only stores the upload and
queues a job; the worker reads it into a preview (with a time limit), the user looks at the
preview and chooses what to do with each conflict, and the worker applies it.

    job = upload(plan=plan, user=user, uploaded_file=file)       # a DocumentJob, queued
    ... worker: build_preview → PlanImport.preview; the job's page leads to the preview
    job = confirm(plan_import=plan_import, take_conflicts=[0], user=user)
    ... worker: build_apply → the cells saved; the job's page leads to the plan

Reading and writing go through `spreadsheet.preview_import` and `spreadsheet.apply_import`;
the job machinery is helsefellesskap/jobs.py (one unfinished job per key: here one unfinished
import per plan and user). The uploaded file lives in the private storage until the import is
applied or replaced by a newer upload.
"""

import datetime
from collections.abc import Collection

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext

from helsefellesskap.jobs import (
    BuiltDocument,
    DocumentError,
    DocumentJob,
    request_document,
    unfinished_job,
)

from . import spreadsheet
from .models import Plan, PlanImport

PREVIEW = "portfolio.plan_import_preview"
APPLY = "portfolio.plan_import_apply"
# An upload nobody confirms is deleted with its file after this long.
KEPT_FOR = datetime.timedelta(days=7)


class ImportRefused(Exception):
    """The step cannot be taken; the message says why, in words for the user. `job` is the
    unfinished import that is in the way, if that is the reason."""

    def __init__(self, message: str, job: DocumentJob | None = None):
        super().__init__(message)
        self.job = job


def job_key(plan: Plan, user) -> str:
    return f"portfolio:import:{plan.pk}:{user.pk}"


def upload(*, plan: Plan, user, uploaded_file) -> DocumentJob:
    """Store the file and queue its reading. Earlier imports of this plan by this user are
    dropped (a new upload replaces them), as is anyone's left unconfirmed for longer than
    KEPT_FOR; while one is still being read or applied, the new file is refused and the job
    in the way named."""
    key = job_key(plan, user)
    busy = unfinished_job(key)
    if busy:
        raise ImportRefused(_BUSY, busy)
    left = Q(plan=plan, uploaded_by=user) | Q(created_at__lt=timezone.now() - KEPT_FOR)
    for earlier in PlanImport.objects.filter(left):
        _discard(earlier)
    plan_import = PlanImport(plan=plan, uploaded_by=user, file_name=uploaded_file.name[:200])
    plan_import.file.save(uploaded_file.name, uploaded_file, save=True)
    job = request_document(
        kind=PREVIEW,
        key=key,
        title=f"Import fra Excel til {plan.title}",
        params={"import": plan_import.pk},
        user=user,
    )
    if job.params.get("import") != plan_import.pk:  # another upload was a moment quicker
        _discard(plan_import)
        raise ImportRefused(_BUSY, job)
    return job


_BUSY = (
    "Du har allerede en import til denne planen som leses eller lagres. Vent til den er "
    "ferdig, og last opp filen igjen om du vil erstatte den."
)


def confirm(*, plan_import: PlanImport, take_conflicts: Collection[int], user) -> DocumentJob:
    """Queue the writing of a read preview: its changes, and the conflicts chosen by index."""
    preview = stored_preview(plan_import)
    if preview is None or not preview.can_apply:
        raise ImportRefused("Det er ingenting å importere fra denne filen.")
    take = sorted({index for index in take_conflicts if 0 <= index < len(preview.conflicts)})
    if not preview.changes and not take:
        raise ImportRefused(
            "Ingenting er importert: du valgte å beholde planens verdi i alle konfliktene, og "
            "filen har ingen andre endringer."
        )
    return request_document(
        kind=APPLY,
        key=job_key(plan_import.plan, user),
        title=f"Import fra Excel til {plan_import.plan.title}",
        params={"import": plan_import.pk, "take": take},
        user=user,
    )


def stored_preview(plan_import: PlanImport) -> spreadsheet.ImportPreview | None:
    """What the worker read from the file; None until it has."""
    if plan_import.preview is None:
        return None
    return spreadsheet.ImportPreview.from_data(plan_import.preview)


def preview_url(plan_import: PlanImport) -> str:
    return reverse("portfolio:plan_import_preview", args=[plan_import.plan_id, plan_import.pk])


def _discard(plan_import: PlanImport) -> None:
    name, storage = plan_import.file.name, plan_import.file.storage
    plan_import.delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name))


def _plan_import(params: dict) -> PlanImport:
    plan_import = PlanImport.objects.select_related("plan").filter(pk=params.get("import")).first()
    if plan_import is None:
        raise DocumentError(
            "Filen finnes ikke lenger: importen er allerede lagret, eller erstattet av en nyere "
            "fil. Last opp filen på nytt fra «Importer fra Excel» på planen."
        )
    return plan_import


def build_preview(params: dict, user) -> BuiltDocument:
    """The worker's part of an upload: read the file against today's plan, within the time
    limit (settings.IMPORT_TIME_LIMIT seconds)."""
    plan_import = _plan_import(params)
    deadline = spreadsheet.Deadline(settings.IMPORT_TIME_LIMIT)
    with plan_import.file.open("rb") as stored:
        data = stored.read()
    try:
        preview = spreadsheet.preview_import(plan_import.plan, data, deadline=deadline)
    except spreadsheet.ReadingTooSlow as too_slow:
        raise DocumentError(str(too_slow)) from None
    plan_import.preview = preview.as_data()
    plan_import.save(update_fields=["preview"])
    return BuiltDocument(result_url=preview_url(plan_import))


def build_apply(params: dict, user) -> BuiltDocument:
    """The worker's part of a confirmation: write the changes and the chosen conflicts, all or
    nothing, each on the version the preview read and within the time limit; then the upload
    is done with."""
    with transaction.atomic():
        plan_import = _plan_import(params)
        # Locked: a second confirmation waits, then finds the import gone.
        plan_import = PlanImport.objects.select_for_update().filter(pk=plan_import.pk).first()
        if plan_import is None or plan_import.preview is None:
            raise DocumentError("Filen er allerede importert.")
        preview = stored_preview(plan_import)
        deadline = spreadsheet.Deadline(
            settings.IMPORT_TIME_LIMIT, too_slow=spreadsheet.WritingTooSlow
        )
        try:
            count = spreadsheet.apply_import(
                plan_import.plan,
                preview,
                user,
                take_conflicts=params.get("take", []),
                deadline=deadline,
            )
        except (spreadsheet.ImportConflict, spreadsheet.WritingTooSlow) as refusal:
            raise DocumentError(str(refusal)) from None
        plan = plan_import.plan
        _discard(plan_import)
    return BuiltDocument(
        result_url=plan.get_absolute_url(),
        message=ngettext(
            "%(count)d celle er oppdatert fra Excel.",
            "%(count)d celler er oppdatert fra Excel.",
            count,
        )
        % {"count": count},
    )
