"""Restoring what was deleted, from its history.

Every model of the portal keeps its history with django-simple-history, and a deletion leaves
a last record (history_type "-") holding the object as it was. The secretariat sees those whose
object is gone, newest first, and restores one: the object comes back with the same key and
values, and its history says "Gjenopprettet" and who did it.

    page = deleted_records(page=request.GET.get("side"))
    restore_deleted(model_label="helsefellesskap.person", history_id=41, user=user)

The register knows no feature app, so the models are found through django.apps: every model
with a simple-history manager. A restore refuses, with a Norwegian message and without writing
anything, when what the object points to is gone (restore that first), when its file is gone,
when it would clash with a row made since, or when the model's own rules refuse the save (a
ValidationError from `save()`): records the domain has locked stay as they are.
Many-to-many links come back when the model keeps them in its history (`m2m_fields`), to the
objects that still exist; the others are named in the result's notes. Links a model does not
keep in its history cannot come back.
"""

from dataclasses import dataclass
from datetime import datetime

from django.apps import apps
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.db import IntegrityError, models, transaction
from django.db.models import CharField, Exists, OuterRef, Value
from simple_history.utils import get_history_model_for_model

RESTORED_REASON = "Gjenopprettet"
PER_PAGE = 25


class RestoreRefused(Exception):
    """A restore that cannot be done; the message is for the user."""


@dataclass(frozen=True)
class Restored:
    object: models.Model
    notes: list[str]

    def __str__(self):
        return str(self.object)


@dataclass(frozen=True)
class DeletedRecord:
    model_label: str
    history_id: int
    model_name: str
    name: str
    deleted_at: datetime
    deleted_by: str
    reason: str


def historical_models() -> dict[str, type[models.Model]]:
    """{"app_label.model_name": model} for every model that keeps a simple-history history."""
    return {
        model._meta.label_lower: model
        for model in apps.get_models()
        if getattr(model._meta, "simple_history_manager_attribute", None)
    }


def _deleted_rows(model: type[models.Model]):
    """The deletion records whose object is gone and that are the object's last record."""
    history_model = get_history_model_for_model(model)
    pk_name = model._meta.pk.attname
    gone = ~Exists(model._base_manager.filter(pk=OuterRef(pk_name)))
    later = Exists(
        history_model.objects.filter(
            **{pk_name: OuterRef(pk_name)}, history_date__gt=OuterRef("history_date")
        )
    )
    return (
        history_model.objects.filter(gone, ~later, history_type="-")
        .annotate(model_label=Value(model._meta.label_lower, output_field=CharField()))
        .values_list("model_label", "history_id", "history_date")
        .order_by()
    )


def deleted_records(*, page: int | str | None = 1, per_page: int = PER_PAGE) -> Page:
    """One page of the deleted objects of every model, newest deletion first; the page's
    `object_list` holds `DeletedRecord`s."""
    querysets = [_deleted_rows(model) for model in historical_models().values()]
    rows = querysets[0].union(*querysets[1:], all=True).order_by("-history_date", "-history_id")
    page_obj = Paginator(rows, per_page).get_page(page)
    page_obj.object_list = _describe(list(page_obj.object_list))
    return page_obj


def _describe(rows) -> list[DeletedRecord]:
    """Loads the page's records, one query per model on the page."""
    wanted: dict[str, list[int]] = {}
    for label, history_id, _ in rows:
        wanted.setdefault(label, []).append(history_id)
    loaded = {}
    for label, ids in wanted.items():
        history_model = get_history_model_for_model(historical_models()[label])
        for record in history_model.objects.filter(history_id__in=ids).select_related(
            "history_user"
        ):
            loaded[label, record.history_id] = record
    result = []
    for label, history_id, _ in rows:
        record = loaded[label, history_id]
        user = record.history_user
        result.append(
            DeletedRecord(
                model_label=label,
                history_id=history_id,
                model_name=str(record.instance_type._meta.verbose_name).capitalize(),
                name=_name(record),
                deleted_at=record.history_date,
                deleted_by=(user.get_full_name() or user.get_username()) if user else "Ukjent",
                reason=record.history_change_reason or "",
            )
        )
    return result


def _name(record) -> str:
    """The object's name as it was; its own key if the name needs something that is gone."""
    try:
        return str(record.instance)
    except (ObjectDoesNotExist, AttributeError, TypeError, ValueError):
        model = record.instance_type
        return f"{model._meta.verbose_name} #{getattr(record, model._meta.pk.attname)}"


def _last_name(model: type[models.Model], pk) -> str:
    """The name of an object that is gone, from its last history record."""
    record = (
        get_history_model_for_model(model)
        .objects.filter(**{model._meta.pk.attname: pk})
        .order_by("-history_date", "-history_id")
        .first()
    )
    if record is None:
        return f"#{pk}"
    return _name(record)


def restore_deleted(*, model_label: str, history_id: int, user) -> Restored:
    """Recreates a deleted object from its deletion record, with the same key and values."""
    if not user.has_perm("helsefellesskap.restore_deleted"):
        raise PermissionDenied
    model = historical_models().get(model_label)
    if model is None:
        raise RestoreRefused("Ukjent type oppføring.")
    history_model = get_history_model_for_model(model)
    pk_name = model._meta.pk.attname
    name = f"{model._meta.verbose_name} ({history_id})"
    try:
        with transaction.atomic():
            record = history_model.objects.filter(history_id=history_id).first()
            if record is None or record.history_type != "-":
                raise RestoreRefused("Fant ikke den slettede oppføringen.")
            pk = getattr(record, pk_name)
            name = _name(record)
            if model._base_manager.filter(pk=pk).exists():
                raise RestoreRefused(f"«{name}» finnes allerede: den er gjenopprettet før.")
            if history_model.objects.filter(
                **{pk_name: pk}, history_date__gt=record.history_date
            ).exists():
                raise RestoreRefused(f"«{name}» har nyere historikk enn slettingen.")
            instance = record.instance
            _check_complete(instance, record, name)
            _check_foreign_keys(instance, name)
            _check_files(instance, name)
            _check_unique(instance, name)
            created = {
                f.attname: getattr(instance, f.attname)
                for f in model._meta.concrete_fields
                if getattr(f, "auto_now_add", False)
            }
            instance._change_reason = RESTORED_REASON
            instance._history_user = user
            try:
                instance.save(force_insert=True)
            except ValidationError as refusal:
                raise RestoreRefused(f"«{name}» kan ikke gjenopprettes: {_text(refusal)}") from None
            if created:
                # auto_now_add set "now" on the insert: the object keeps its own creation time.
                model._base_manager.filter(pk=pk).update(**created)
                history_model.objects.filter(
                    **{pk_name: pk}, history_date__gt=record.history_date
                ).update(**created)
                for attname, value in created.items():
                    setattr(instance, attname, value)
            notes = _restore_links(instance, record, history_model)
    except IntegrityError:
        # Someone restored it, or deleted what it points to, at the same moment.
        raise RestoreRefused(
            f"«{name}» kunne ikke gjenopprettes fordi noe ble endret samtidig. Prøv igjen."
        ) from None
    return Restored(object=instance, notes=notes)


def _restore_links(instance, record, history_model) -> list[str]:
    """The many-to-many links the history keeps, as they were before the deletion (the
    deletion record's own copy is empty: Django removes the links first)."""
    fields = getattr(record, "_history_m2m_fields", None) or []
    if not fields:
        return []
    pk_name = instance._meta.pk.attname
    before = (
        history_model.objects.filter(
            **{pk_name: instance.pk}, history_date__lte=record.history_date
        )
        .exclude(history_type="-")
        .order_by("-history_date", "-history_id")
        .first()
    )
    notes = []
    for field in fields:
        if before is None:
            break
        target = field.related_model
        target_attname = field.m2m_reverse_name() + "_id"
        wanted = {getattr(row, target_attname) for row in getattr(before, field.name).all()}
        existing = set(target._base_manager.filter(pk__in=wanted).values_list("pk", flat=True))
        if existing:
            getattr(instance, field.name).add(*existing)
        for pk in sorted(wanted - existing, key=str):
            notes.append(
                f"Koblingen til {target._meta.verbose_name} «{_last_name(target, pk)}» "
                "kom ikke tilbake: den er slettet."
            )
    return notes


def _check_complete(instance, record, name: str) -> None:
    """Fields the history does not keep must have a default, or the object cannot be rebuilt."""
    for field_name in record._history_excluded_fields:
        field = instance._meta.get_field(field_name)
        if field.concrete and not field.null and not field.has_default():
            raise RestoreRefused(
                f"«{name}» kan ikke gjenopprettes: historikken mangler «{field.verbose_name}»."
            )


def _check_foreign_keys(instance, name: str) -> None:
    missing = []
    for field in instance._meta.concrete_fields:
        if not isinstance(field, models.ForeignKey):
            continue
        value = getattr(instance, field.attname)
        if value is None:
            continue
        target = field.related_model
        if target._base_manager.filter(**{field.target_field.attname: value}).exists():
            continue
        missing.append(
            f"{target._meta.verbose_name} «{_last_name(target, value)}» ({field.verbose_name})"
        )
    if missing:
        raise RestoreRefused(
            f"«{name}» kan ikke gjenopprettes fordi dette er slettet: {', '.join(missing)}. "
            "Gjenopprett det først."
        )


def _check_files(instance, name: str) -> None:
    for field in instance._meta.concrete_fields:
        if isinstance(field, models.FileField):
            file = getattr(instance, field.attname)
            if file and not file.storage.exists(file.name):
                raise RestoreRefused(
                    f"«{name}» kan ikke gjenopprettes: filen ({field.verbose_name}) finnes "
                    "ikke lenger."
                )


def _check_unique(instance, name: str) -> None:
    try:
        instance.validate_unique()
        instance.validate_constraints()
    except ValidationError as clash:
        raise RestoreRefused(f"«{name}» kan ikke gjenopprettes: {_text(clash)}") from None


def _text(error: ValidationError) -> str:
    return " ".join(error.messages)
