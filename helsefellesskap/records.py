"""The record's guards, and the one way to lift them.

Approved minutes, decided applications and published report versions refuse every change and
deletion (each app's models say how). `guards_lifted()` lets one block of code pass them all:
it is for loading and removing synthetic benchmark data (scale_data) only, never for the
portal's pages, commands on real data or the admin. A single change or removal with a reason
goes through `correcting(obj)` instead.

A model's save() and delete() and the delete signals cover every path but one: a queryset's
update() writes with one UPDATE and sends no signal. `GuardedQuerySet` closes that path.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import models

_lifted: ContextVar[bool] = ContextVar("portal_record_guards_lifted", default=False)


@contextmanager
def guards_lifted() -> Iterator[None]:
    token = _lifted.set(True)
    try:
        yield
    finally:
        _lifted.reset(token)


def guards_are_lifted() -> bool:
    return _lifted.get()


@contextmanager
def correcting(obj) -> Iterator:
    """Marks `obj`'s saves and its deletion inside the block as a recorded correction step:
    the only way to change or remove a row of a locked record. Used by the correction steps
    of meetings/minutes.py and by the data loader bringing rows loaded from an earlier,
    wrong fixture up to the corrected record (helsefellesskap/fixture_corrections.py); each
    gives the history its reason."""
    obj._record_correction = True
    try:
        yield obj
    finally:
        obj._record_correction = False


def is_correction(obj) -> bool:
    return getattr(obj, "_record_correction", False)


class GuardedQuerySet(models.QuerySet):
    """A queryset whose update() refuses, as the model's save() does, when it would change a
    row of a locked record or move a row into one. Model.save() writes through the internal
    `_update()`, so the models' own guarded saves are not checked twice."""

    def refuse_update(self, changes: dict) -> None:
        """Raises the app's own "locked" exception if the update may not be made."""
        raise NotImplementedError

    def update(self, **kwargs):
        if not guards_are_lifted():
            self.refuse_update(kwargs)
        return super().update(**kwargs)
