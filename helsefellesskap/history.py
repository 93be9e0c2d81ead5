"""Readable audit trail: who changed what and when, old value → new value per field.

`change_log()` takes one or more django-simple-history querysets (an object's own history and,
for instance, the history of its memberships) and returns entries newest first. It runs a fixed
number of queries per history queryset: the records, the objects they belong to, and one per
related model whose names it shows.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import models
from django.utils import timezone
from django.utils.formats import date_format

ACTION_LABELS = {"+": "Opprettet", "~": "Endret", "-": "Slettet"}
EMPTY = "(tom)"


@dataclass
class FieldChange:
    label: str
    old: str | None  # None when the object was created: there was no old value
    new: str


@dataclass
class HistoryEntry:
    when: datetime
    who: str
    action: str
    subject: str
    reason: str
    changes: list[FieldChange] = field(default_factory=list)


def _tracked_fields(history_model) -> list[models.Field]:
    """The original model's fields as copied onto the historical model, minus the key."""
    original = history_model.instance_type
    # Fields users never edit (a row's version counter) are bookkeeping, not changes.
    names = {f.name for f in original._meta.concrete_fields if not f.primary_key and f.editable}
    return [f for f in history_model._meta.concrete_fields if f.name in names]


def _label(model_field) -> str:
    """The field's Norwegian name: its verbose_name, or for a relation left with Django's
    default (the English attribute name, "round") the related model's verbose_name."""
    label = model_field.verbose_name
    if model_field.is_relation and str(label) == model_field.name.replace("_", " "):
        label = model_field.related_model._meta.verbose_name
    return str(label).capitalize()


def _display(value, model_field, related_names) -> str:
    if value is None or value == "":
        return EMPTY
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(model_field, models.ForeignKey):
        return related_names.get(model_field.related_model, {}).get(value, f"#{value} (slettet)")
    if isinstance(value, bool):
        return "Ja" if value else "Nei"
    if isinstance(value, datetime):
        return date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    if isinstance(value, date):
        return date_format(value, "SHORT_DATE_FORMAT")
    return str(value)


def _load_related_names(records, fields) -> dict:
    """One query per related model: {Model: {pk: str(obj)}} for every FK value shown."""
    wanted = defaultdict(set)
    for record in records:
        for f in fields:
            if isinstance(f, models.ForeignKey):
                value = getattr(record, f.attname)
                if value is not None:
                    wanted[f.related_model].add(value)
    return {
        model: {pk: str(obj) for pk, obj in model._default_manager.in_bulk(pks).items()}
        for model, pks in wanted.items()
    }


def _subjects(model, object_ids) -> dict:
    """Labels of the objects as they are now, in one query; deleted ones fall back to their id."""
    foreign_keys = [f.name for f in model._meta.concrete_fields if isinstance(f, models.ForeignKey)]
    live = model._default_manager.select_related(*foreign_keys).in_bulk(object_ids)
    return {pk: str(obj) for pk, obj in live.items()}


def _entries_for(history_qs) -> list[HistoryEntry]:
    history_model = history_qs.model
    model = history_model.instance_type
    fields = _tracked_fields(history_model)
    records = list(history_qs.select_related("history_user").order_by("history_date", "pk"))
    related_names = _load_related_names(records, fields)
    subjects = _subjects(model, {record.id for record in records})
    verbose_name = model._meta.verbose_name.capitalize()

    entries = []
    previous_by_object = {}
    for record in records:
        previous = previous_by_object.get(record.id)
        previous_by_object[record.id] = record
        changes = []
        for f in fields:
            new = getattr(record, f.attname)
            old = getattr(previous, f.attname) if previous else None
            if previous is None and record.history_type == "+" and new in (None, "", False):
                continue  # a new object: list only the fields that were filled in
            if previous is not None and old == new:
                continue
            if record.history_type == "-":
                continue
            changes.append(
                FieldChange(
                    label=_label(f),
                    old=_display(old, f, related_names) if previous else None,
                    new=_display(new, f, related_names),
                )
            )
        if record.history_type == "~" and not changes:
            continue  # a save that changed nothing
        user = record.history_user
        entries.append(
            HistoryEntry(
                when=record.history_date,
                who=(user.get_full_name() or user.get_username()) if user else "System",
                action=ACTION_LABELS.get(record.history_type, record.history_type),
                subject=f"{verbose_name}: {subjects.get(record.id, f'#{record.id} (slettet)')}",
                reason=record.history_change_reason or "",
                changes=changes,
            )
        )
    return entries


def change_log(*history_querysets) -> list[HistoryEntry]:
    entries = [entry for qs in history_querysets for entry in _entries_for(qs)]
    return sorted(entries, key=lambda entry: entry.when, reverse=True)
