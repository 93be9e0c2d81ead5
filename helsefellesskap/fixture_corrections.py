"""Rows loaded from an earlier, wrong version of the real-data fixtures brought up to the
corrected record, without touching what the secretariat has changed since.

`load_portal_data` adds only missing rows, so an installation loaded before a fixture was
corrected (the minutes of 14.10.2025, the plan's cells, the 2024 round's deadline) would keep
the wrong text for ever. `fixtures/earlier-contents.json` lists every earlier content of a
fixture row that a later version of the fixture corrected or left out. A row is corrected only
when both hold:

- it still holds one of those earlier contents, field by field (a field the earlier fixture
  did not have yet is not compared: it holds its default since the migration that added it);
- its history shows it was loaded (created without a user) and never changed since.

It then gets the fixture's content today, or is deleted if today's fixture no longer has it,
as a correction step (`records.correcting`: the minutes of 14.10.2025 are locked) with the
fixture's reason in its history. Anything else is left as it is and counted as kept.

This is the loader's work and not a data migration's: the corrected content is the fixture
itself (a migration would have to freeze a copy), it may refer to rows the same fixture adds
(participant groups), and it runs wherever the data is loaded, as often as it is loaded.
"""

import json
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.core import serializers

from .records import correcting

EARLIER_CONTENTS = "earlier-contents.json"


@dataclass
class Outcome:
    corrected: int = 0
    removed: int = 0
    kept: int = 0


@dataclass
class FixtureCorrections:
    """The rows of one fixture that may hold an earlier content, to be corrected in two
    passes: before the fixture's missing rows are added (a corrected row may free a place
    a new row takes: the plan's cell moved from 2025 to «Fokus for 2026») and after (a
    corrected row may refer to a new row: an attendance row to its participant group)."""

    reason: str
    current: dict  # (model label, pk) → today's DeserializedObject, None if left out
    earlier: dict  # (model label, pk) → [(DeserializedObject, the fields it states), …]
    outcome: Outcome = field(default_factory=Outcome)

    @classmethod
    def of(cls, fixture_name: str) -> "FixtureCorrections":
        with (settings.FIXTURE_DIRS[0] / EARLIER_CONTENTS).open(encoding="utf-8") as f:
            document = json.load(f)
        rows = [row for row in document["rows"] if row["fixture"] == fixture_name]
        earlier: dict = {}
        for row in rows:
            earlier.setdefault((row["model"], row["pk"]), []).append(_deserialized(row))
        current = dict.fromkeys(earlier)
        if earlier:
            path = settings.FIXTURE_DIRS[0] / f"{fixture_name}.json"
            with path.open(encoding="utf-8") as fixture:
                for deserialized in serializers.deserialize("json", fixture):
                    key = (deserialized.object._meta.label_lower, deserialized.object.pk)
                    if key in current:
                        current[key] = deserialized
        return cls(document["reasons"].get(fixture_name, ""), current, earlier)

    def apply(self) -> Outcome:
        """Correct the rows that can be corrected now; keep the others for the next pass."""
        for key in list(self.earlier):
            target = self.current[key]
            if target is not None and not _references_exist(target):
                continue
            self._correct(key, target, self.earlier.pop(key))
        return self.outcome

    def _correct(self, key, target, versions) -> None:
        label, pk = key
        row = apps.get_model(label)._base_manager.filter(pk=pk).first()
        if row is None or (target is not None and _holds(row, target)):
            return
        was_loaded = _loaded_and_unchanged(row)
        if not (was_loaded and any(_holds(row, old, names) for old, names in versions)):
            self.outcome.kept += 1
            return
        with correcting(row):
            row._change_reason = self.reason
            if target is None:
                row.delete()
                self.outcome.removed += 1
                return
            for model_field in row._meta.concrete_fields:
                if not model_field.primary_key:
                    setattr(row, model_field.attname, getattr(target.object, model_field.attname))
            row.save()
            for name, values in target.m2m_data.items():
                getattr(row, name).set(values)
        self.outcome.corrected += 1


def _deserialized(row: dict) -> tuple:
    """An earlier content, and the names of the fields the earlier fixture stated."""
    document = json.dumps([{"model": row["model"], "pk": row["pk"], "fields": row["fields"]}])
    (deserialized,) = serializers.deserialize("json", document, ignorenonexistent=True)
    return deserialized, set(row["fields"])


def _holds(row, deserialized, names: set | None = None) -> bool:
    """Does `row` hold the deserialized content (in the fields `names`, or all)?"""
    for model_field in row._meta.get_fields():
        if names is not None and model_field.name not in names:
            continue
        if model_field.many_to_many and not model_field.auto_created:
            stored = set(getattr(row, model_field.name).values_list("pk", flat=True))
            if stored != {int(pk) for pk in deserialized.m2m_data.get(model_field.name, [])}:
                return False
        elif (
            model_field.concrete
            and not model_field.primary_key
            and model_field.value_from_object(row)
            != model_field.value_from_object(deserialized.object)
        ):
            return False
    return True


def _loaded_and_unchanged(row) -> bool:
    """Created by loading (no user) and never changed since, as its history tells."""
    history = getattr(type(row), "history", None)
    if history is None:
        return False
    records = row.history.values_list("history_type", "history_user")
    return all(kind == "+" and user is None for kind, user in records)


def _references_exist(deserialized) -> bool:
    obj = deserialized.object
    return all(
        model_field.related_model._base_manager.filter(pk=value).exists()
        for model_field in obj._meta.concrete_fields
        if model_field.is_relation and (value := getattr(obj, model_field.attname)) is not None
    )
