"""The record's guards, and the one way to lift them.

Approved minutes, decided applications and published report versions refuse every change and
deletion (each app's models say how). `guards_lifted()` lets one block of code pass them all:
it is for loading and removing synthetic benchmark data (scale_data) only, never for the
portal's pages, commands on real data or the admin.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

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
