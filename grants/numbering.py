"""Reference numbers of applications: "RST-2026-0042", the round's year and a number per year
counting up from 1, given when the application is sent in and never reused.

The counter row of a year is bumped with one UPDATE ... SET last_number = last_number + 1,
which takes the row's lock on PostgreSQL and the database's write lock on SQLite, so two
applicants sending in at once get different numbers (as meetings/numbering.py does for items).
A number is given inside the submission's transaction: a refused submission gives it back.
"""

from django.db import IntegrityError, transaction
from django.db.models import F

from .models import Application, ReferenceCounter


def give_reference(application: Application) -> None:
    """Sets the application's reference (its round's year, the year's next number), unless it
    has one; the caller saves `reference_year` and `reference_number` in its transaction."""
    if application.reference_number is not None:
        return
    year = application.round.year
    application.reference_year = year
    application.reference_number = next_reference_number(year)


def next_reference_number(year: int) -> int:
    with transaction.atomic():
        if not ReferenceCounter.objects.filter(year=year).exists():
            try:
                with transaction.atomic():
                    ReferenceCounter.objects.create(year=year)
            except IntegrityError:
                pass  # created at the same moment by someone else: use theirs
        ReferenceCounter.objects.filter(year=year).update(last_number=F("last_number") + 1)
        return ReferenceCounter.objects.get(year=year).last_number
