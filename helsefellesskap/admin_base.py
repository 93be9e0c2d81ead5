"""What every admin page of the portal builds on.

- `PortalAdmin`: the full history of each object (django-simple-history), and a change list
  that answers a filter it cannot apply (a year beyond the calendar, an unknown field, a NUL
  character, which PostgreSQL cannot take) the way Django answers an unknown filter: back to
  the list with "?e=1", never a server error.
- `PortalImportExportAdmin`: Excel/CSV import and export (django-import-export) with bounds
  that hold whatever the file contains (size, rows, and for .xlsx the checks of
  `spreadsheets.check_xlsx`), Norwegian messages for a file or value that cannot be read, and
  exports in which no cell can become a formula.
- `NameWidget`: a related object given by its name in the sheet.
"""

import decimal
import re
import time

from django.contrib import messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DataError, transaction
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from import_export import resources
from import_export.admin import ImportExportModelAdmin
from import_export.formats import base_formats
from import_export.widgets import DateWidget, ForeignKeyWidget
from simple_history.admin import SimpleHistoryAdmin
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from . import admin_imports
from .admin_imports import ImportRefused, ImportTimeLimit
from .jobs import DocumentError
from .spreadsheets import FORMULA_TRIGGERS, Limits, UnsafeSpreadsheet, check_xlsx

IMPORT_LIMITS = Limits(max_rows=10_000, max_cells=10_000 * 30)
NUMBER = re.compile(r"-?\d+(?:[.,]\d+)?")


# What a filter value beyond any column's range raises, when the filter is built or run.
UNUSABLE_FILTER = (OverflowError, ValueError, DataError)


def has_nul(request) -> bool:
    """A NUL character in the query string: PostgreSQL cannot take it in a text parameter."""
    return any("\x00" in key + "".join(values) for key, values in request.GET.lists())


class SafeChangeList(ChangeList):
    """E.g. ?start__year=99999999999: Django then shows the list again with "?e=1"."""

    def get_queryset(self, request, exclude_parameters=None):
        if has_nul(request):
            raise IncorrectLookupParameters("NUL in the query string")
        try:
            return super().get_queryset(request, exclude_parameters)
        except UNUSABLE_FILTER as error:
            raise IncorrectLookupParameters(error) from error

    def get_results(self, request):
        try:
            super().get_results(request)
        except UNUSABLE_FILTER as error:
            raise IncorrectLookupParameters(error) from error


class PortalAdmin(SimpleHistoryAdmin):
    def get_changelist(self, request, **kwargs):
        return SafeChangeList


class BoundedFormat:
    """An import format that refuses a file too large to read safely, before reading it."""

    def create_dataset(self, in_stream, **kwargs):
        if len(in_stream) > IMPORT_LIMITS.max_file_size:
            raise ImportRefused(f"Filen er for stor: høyst {IMPORT_LIMITS.file_size_label}.")
        self.check(in_stream)
        dataset = super().create_dataset(in_stream, **kwargs)
        if dataset.height > IMPORT_LIMITS.max_rows:
            raise ImportRefused(f"Filen har for mange rader: høyst {IMPORT_LIMITS.max_rows}.")
        return dataset

    def check(self, in_stream) -> None:
        pass

    def export_data(self, dataset, **kwargs):
        for index, row in enumerate(dataset):
            dataset[index] = tuple(neutralise(value) for value in row)
        return dataset.export(self.get_title(), **kwargs)


def neutralise(value):
    """A text that a spreadsheet would read as a formula, prefixed with an apostrophe (the
    OWASP advice for CSV); numbers, such as a negative amount, stay as they are."""
    if (
        isinstance(value, str)
        and value.startswith(FORMULA_TRIGGERS)
        and not NUMBER.fullmatch(value)
    ):
        return "'" + value
    return value


class CsvFormat(BoundedFormat, base_formats.CSV):
    def check(self, in_stream) -> None:
        if in_stream.count(b"\n" if isinstance(in_stream, bytes) else "\n") > (
            IMPORT_LIMITS.max_rows + 1
        ):
            raise ImportRefused(f"Filen har for mange rader: høyst {IMPORT_LIMITS.max_rows}.")


class XlsxFormat(BoundedFormat, base_formats.XLSX):
    def check(self, in_stream) -> None:
        try:
            check_xlsx(in_stream, IMPORT_LIMITS)
        except UnsafeSpreadsheet as refusal:
            raise ImportRefused(str(refusal)) from None


class PortalResource(resources.ModelResource):
    """A value the widget cannot read becomes a Norwegian message on its row and column. The
    import stops at the background job's deadline (admin_imports.py), and each saved row's
    history names the user who imported it and the file it came from.

    A resource with `use_bulk` in its Meta writes its rows a batch at a time, history
    included (simple-history's bulk functions: import-export's own bulk mode records none).
    Rows are still read and validated one by one, so every error stays on its row; a row
    whose validation reads the rows before it (`reads_earlier_rows`) first writes the batch
    waiting, so the model's checks see it."""

    deadline: float | None = None

    class Meta:
        # Only the counts and the errors are shown, never the rows' diffs.
        skip_html_diff = True

    def before_import_row(self, row, **kwargs):
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise ImportTimeLimit
        self.run = {key: kwargs.get(key) for key in ("dry_run", "using_transactions")}

    def before_save_instance(self, instance, row, **kwargs):
        instance._history_user = kwargs.get("user")
        instance._change_reason = f"Importert fra {kwargs.get('file_name') or 'fil'}"

    def import_field(self, field, instance, row, is_m2m=False, **kwargs):
        try:
            super().import_field(field, instance, row, is_m2m, **kwargs)
        except ImportRefused:
            raise
        except (ValueError, TypeError, ArithmeticError, decimal.InvalidOperation):
            value = row.get(field.column_name)
            raise ImportRefused(
                f"«{value}» i kolonnen «{field.column_name}» kan ikke leses som "
                f"{_expected(field.widget)}."
            ) from None

    def reads_earlier_rows(self, instance) -> bool:
        """Whether the model's validation of `instance` looks at rows saved before it."""
        return False

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """The model's full validation, less the query per row and column that checks that
        a related object the sheet named exists: its NameWidget has just found it."""
        if self._meta.use_bulk and self.reads_earlier_rows(instance):
            self.write_pending()
        errors = dict(import_validation_errors or {})
        if self._meta.clean_model_instances:
            found = [
                field.attribute
                for field in self.get_import_fields()
                if isinstance(field.widget, NameWidget)
                and instance._state.fields_cache.get(field.attribute) is not None
            ]
            checks = [
                lambda: instance.full_clean(
                    exclude=[*errors, *found], validate_unique=False, validate_constraints=False
                ),
            ]
            if validate_unique:
                checks += [
                    lambda: instance.validate_unique(exclude=list(errors)),
                    lambda: instance.validate_constraints(exclude=list(errors)),
                ]
            for check in checks:
                try:
                    check()
                except ValidationError as error:
                    errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def write_pending(self) -> None:
        """Writes the rows waiting for their batch now; a failure is this row's error."""
        with transaction.atomic():
            self.bulk_create(self.run["using_transactions"], self.run["dry_run"], True)
            self.bulk_update(self.run["using_transactions"], self.run["dry_run"], True)

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        if self.create_instances and (using_transactions or not dry_run):
            try:
                bulk_create_with_history(
                    self.create_instances, self._meta.model, batch_size=batch_size
                )
            except Exception as error:
                self.handle_import_error(result, error, raise_errors)
            finally:
                self.create_instances.clear()

    def bulk_update(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        if self.update_instances and (using_transactions or not dry_run):
            try:
                bulk_update_with_history(
                    self.update_instances,
                    self._meta.model,
                    self.get_bulk_update_fields(),
                    batch_size=batch_size,
                )
            except Exception as error:
                self.handle_import_error(result, error, raise_errors)
            finally:
                self.update_instances.clear()


def _expected(widget) -> str:
    if isinstance(widget, DateWidget):
        return "dato (for eksempel 14.10.2025)"
    if isinstance(widget, ForeignKeyWidget):
        return "navn eller nummer på noe som finnes i registeret"
    name = type(widget).__name__
    if name in {"IntegerWidget", "DecimalWidget", "FloatWidget"}:
        return "tall"
    if name == "BooleanWidget":
        return "ja eller nei"
    return "en gyldig verdi"


class PortalImportExportAdmin(ImportExportModelAdmin, PortalAdmin):
    import_formats = [CsvFormat, XlsxFormat]
    export_formats = [CsvFormat, XlsxFormat]

    import_check_template = "admin/portal_import_check.html"

    def get_urls(self):
        info = self.model._meta.app_label, self.model._meta.model_name
        check = path(
            "import/kontroll/",
            self.admin_site.admin_view(self.import_check_view),
            name="{}_{}_import_check".format(*info),
        )
        return [check, *super().get_urls()]

    def import_action(self, request, **kwargs):
        """A valid upload is stored and checked by the worker (admin_imports.py), never read
        in the request; the form itself (and its errors) is import-export's."""
        if request.method == "POST" and self.has_import_permission(request):
            form = self.create_import_form(request)
            if form.is_valid():
                return self.queue_import(request, form=form)
        return super().import_action(request, **kwargs)

    def queue_import(self, request, **what):
        """Queues the trial run (`form=`) or the import (`checked=`) and leads to its job's
        page; a refusal is told on the page the request came from."""
        try:
            job = admin_imports.request_import(model_admin=self, user=request.user, **what)
        except DocumentError as refusal:
            messages.error(request, str(refusal))
            return HttpResponseRedirect(request.path)
        return HttpResponseRedirect(job.get_absolute_url())

    def import_check_view(self, request):
        """The trial run's result, with "Importer" when the file has no errors."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        trial = admin_imports.latest_trial(model_admin=self, user=request.user)
        import_url = reverse(
            f"admin:{self.model._meta.app_label}_{self.model._meta.model_name}_import"
        )
        if trial is None:
            messages.info(request, "Det er ingen kontrollert fil å importere. Last opp en fil.")
            return HttpResponseRedirect(import_url)
        if request.method == "POST":
            return self.queue_import(request, checked=trial)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Kontroll av {trial.params['file_name']}",
            "opts": self.model._meta,
            "summary": admin_imports.checked_summary(trial),
            "import_url": import_url,
        }
        return TemplateResponse(request, self.import_check_template, context)

    def export_action(self, request):
        try:
            if has_nul(request):
                raise IncorrectLookupParameters("NUL in the query string")
            return super().export_action(request)
        except IncorrectLookupParameters:
            messages.error(request, "Filteret i adressen kunne ikke brukes. Velg filteret på nytt.")
            return HttpResponseRedirect(request.path)


class NameWidget(ForeignKeyWidget):
    """A related object given by its name in the sheet; an unknown name is a field error
    on that row, in words the secretariat understands. Each name is looked up once per
    import (a resource copies its fields, so the memory lasts one import): a sheet of members
    names the same bodies and people on many rows."""

    def __init__(self, model):
        super().__init__(model, field="name")
        self.found = {}

    def clean(self, value, row=None, **kwargs):
        if value not in self.found:
            self.found[value] = self.look_up(value, row, **kwargs)
        return self.found[value]

    def look_up(self, value, row=None, **kwargs):
        try:
            return super().clean(value, row, **kwargs)
        except self.model.DoesNotExist:
            raise ImportRefused(
                f"Fant ingen {self.model._meta.verbose_name} med navnet «{value}» i registeret."
            ) from None
        except self.model.MultipleObjectsReturned:
            raise ImportRefused(
                f"Flere {self.model._meta.verbose_name_plural} heter «{value}»; "
                "legg inn medlemskapet i portalen i stedet."
            ) from None
