"""The admin's spreadsheet imports (django-import-export) as background work.

django-import-export reads and checks the whole file inside the web request, twice (a trial
run for the preview, then the import). Here the request only stores the upload and queues a
job (helsefellesskap/jobs.py); the worker makes the trial run and keeps its summary, the admin
shows it with "Importer", and that queues the import itself. Both runs stop cleanly at
`PORTAL_IMPORT_TIME_LIMIT` seconds, with nothing written.

    job = request_import(model_admin=admin, form=valid_import_form, user=user)   # trial
    ... worker: run_import → summary; the job's page leads to the admin's check page
    job = request_import(model_admin=admin, checked=trial_job, user=user)        # for real
    ... worker: run_import → rows written; the job's page leads to the change list
"""

import json
import time
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.urls import reverse
from import_export.results import RowResult

from .jobs import (
    BuiltDocument,
    DocumentError,
    DocumentJob,
    register,
    request_document,
    unfinished_job,
)

TRIAL = "helsefellesskap.admin_import_trial"
IMPORT = "helsefellesskap.admin_import"
# The first errors are listed; a file with more has a problem the first ones show.
LISTED_ERRORS = 50


class ImportRefused(ValueError):
    """A file or value that cannot be imported; the message is for the user."""


class ImportTimeLimit(Exception):
    """Raised by the resource on the first row after the time limit."""


@dataclass(frozen=True)
class ImportSummary:
    new: int
    changed: int
    unchanged: int
    errors: list[str]

    @property
    def importable(self) -> bool:
        return not self.errors


def request_import(*, model_admin, user, form=None, checked: DocumentJob | None = None):
    """Queues the trial run of a validated upload form, or the import of a file whose trial
    run (`checked`) found nothing wrong."""
    opts = model_admin.model._meta
    if checked is None:
        import_file = form.cleaned_data["import_file"]
        format_index = int(form.cleaned_data["format"])
        input_format = model_admin.get_import_formats()[format_index]()
        stored = model_admin.write_to_tmp_storage(import_file, input_format)
        params = {
            "model": opts.label,
            "resource": int(form.cleaned_data.get("resource") or 0),
            "format": format_index,
            "stored_name": stored.name,
            "file_name": import_file.name[:200],
        }
        kind, title = TRIAL, f"Kontroll av {import_file.name[:200]}"
    else:
        if not checked_summary(checked).importable:
            raise DocumentError("Filen har feil og kan ikke importeres.")
        params, kind = checked.params, IMPORT
        title = f"Import av {params['file_name']}"
    key = job_key(model_admin, user)
    if unfinished_job(key):
        raise DocumentError(
            "En import du startet her er ikke ferdig ennå. Vent til den er ferdig, og prøv igjen."
        )
    return request_document(kind=kind, key=key, title=title, params=params, user=user)


def job_key(model_admin, user) -> str:
    return f"admin-import:{model_admin.model._meta.label}:{user.pk}"


def latest_trial(*, model_admin, user) -> DocumentJob | None:
    """The user's last finished trial run for this model, unless imported or replaced since."""
    latest = DocumentJob.objects.filter(key=job_key(model_admin, user)).first()
    if latest and latest.kind == TRIAL and latest.status == DocumentJob.Status.READY:
        return latest
    return None


def checked_summary(job: DocumentJob) -> ImportSummary:
    """The trial run's summary, kept as the job's file."""
    if job.kind != TRIAL or job.status != DocumentJob.Status.READY:
        raise DocumentError("Kontrollen av filen er ikke ferdig.")
    with job.file.open("rb") as handle:
        return ImportSummary(**json.loads(handle.read()))


def run_import(params: dict, user, *, dry_run: bool) -> BuiltDocument:
    """The worker's part: the trial run or the import, inside the time limit."""
    model = apps.get_model(params["model"])
    model_admin = admin.site._registry[model]
    formats = model_admin.get_import_formats()
    input_format = formats[params["format"]](encoding=model_admin.from_encoding)
    tmp_storage = model_admin.get_tmp_storage_class()(
        name=params["stored_name"],
        encoding=None if input_format.is_binary() else model_admin.from_encoding,
        read_mode=input_format.get_read_mode(),
        **model_admin.get_tmp_storage_class_kwargs(),
    )
    try:
        data = tmp_storage.read()
    except OSError:
        raise DocumentError(
            "Den opplastede filen finnes ikke lenger. Last den opp igjen."
        ) from None
    dataset = _read(input_format, data)
    resource = model_admin.get_import_resource_classes(None)[params["resource"]]()
    resource.deadline = time.monotonic() + settings.IMPORT_TIME_LIMIT
    result = resource.import_data(
        dataset,
        dry_run=dry_run,
        raise_errors=False,
        rollback_on_validation_errors=True,
        use_transactions=True,
        file_name=params["file_name"],
        user=user,
    )
    summary = summarise(result)
    admin_url = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    if dry_run:
        return BuiltDocument(
            filename="kontroll.json",
            content=json.dumps(summary.__dict__).encode(),
            result_url=reverse(f"{admin_url}_import_check"),
        )
    if not summary.importable:
        raise DocumentError(f"Ingenting ble importert: {summary.errors[0]}")
    tmp_storage.remove()
    return BuiltDocument(
        result_url=reverse(f"{admin_url}_changelist"),
        message=f"Importert fra {params['file_name']}: nye {summary.new}, "
        f"endret {summary.changed}, uendret {summary.unchanged}.",
    )


def _read(input_format, data):
    try:
        return input_format.create_dataset(data)
    except ImportRefused as refusal:
        raise DocumentError(str(refusal)) from None
    except Exception:
        raise DocumentError(
            "Filen kunne ikke leses. Kontroller at formatet du valgte (CSV eller Excel) er "
            "filens eget, og at den første raden har kolonnenavnene."
        ) from None


def summarise(result) -> ImportSummary:
    """Counts and the first errors of an import_data result, in Norwegian."""
    errors = []
    for number, row_errors in result.row_errors():
        for error in row_errors:
            if isinstance(error.error, ImportTimeLimit):
                # Every row after the limit says the same; the one message says it all.
                return ImportSummary(new=0, changed=0, unchanged=0, errors=[_stopped(number)])
            errors.append(f"Rad {number}: {error.error}")
    # A batch that could not be written (the rows before were checked one by one).
    errors += [f"Filen kunne ikke lagres: {error.error}" for error in result.base_errors]
    for invalid in result.invalid_rows:
        for field, messages in invalid.error_dict.items():
            where = "" if field == "__all__" else f"«{field}»: "
            errors += [f"Rad {invalid.number}: {where}{message}" for message in messages]
    totals = result.totals
    return ImportSummary(
        new=totals[RowResult.IMPORT_TYPE_NEW],
        changed=totals[RowResult.IMPORT_TYPE_UPDATE],
        unchanged=totals[RowResult.IMPORT_TYPE_SKIP],
        errors=errors[:LISTED_ERRORS],
    )


def _stopped(number: int) -> str:
    return (
        f"Importen ble stoppet etter {settings.IMPORT_TIME_LIMIT} sekunder, ved rad "
        f"{number}. Ingenting er lagret; del filen i mindre filer og prøv igjen."
    )


def register_builders() -> None:
    register(TRIAL, lambda params, user: run_import(params, user, dry_run=True))
    register(IMPORT, lambda params, user: run_import(params, user, dry_run=False))
