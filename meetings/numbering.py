"""Item numbers: per body and year, counting up ("2/25", "3/25"), never reused.

The counter row of a body and year is bumped with one UPDATE ... SET last = last + 1, which
takes the row's lock on PostgreSQL and the database's write lock on SQLite, so two people
adding items at once get different numbers. A removed item's number is not given out again,
because the counter only grows.
"""

from django.db import IntegrityError, transaction
from django.db.models import F

from helsefellesskap.models import Body

from .models import ItemCounter


def allocate_item_number(body: Body, year: int) -> int:
    """The next free item number of `body` in `year`; call inside the transaction that saves
    the item, so that a failed save gives the number back."""
    with transaction.atomic():
        if not ItemCounter.objects.filter(body=body, year=year).exists():
            try:
                with transaction.atomic():
                    ItemCounter.objects.create(body=body, year=year)
            except IntegrityError:
                pass  # created at the same moment by someone else: use theirs
        ItemCounter.objects.filter(body=body, year=year).update(last_number=F("last_number") + 1)
        return ItemCounter.objects.get(body=body, year=year).last_number
