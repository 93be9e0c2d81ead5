"""Item numbers: per body and year, counting up ("2/25", "3/25"), never reused.

The counter row of a body and year is bumped with one UPDATE ... SET last = last + 1, which
takes the row's lock on PostgreSQL and the database's write lock on SQLite, so two people
adding items at once get different numbers. A removed item's number is not given out again,
because the counter only grows.

Items may be reordered until the notice is sent (agenda.py); sending it deals the meeting's
own numbers out again in agenda order (`number_by_position`), so the notice's agenda counts up
from the top, still without reusing a number.
"""

from django.db import IntegrityError, transaction
from django.db.models import F, Max

from helsefellesskap.models import Body

from .models import Item, ItemCounter, Meeting


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


def number_by_position(meeting: Meeting, *, user) -> int:
    """Give the meeting's items their numbers in agenda order, as the notice is sent: the
    numbers the items hold already are dealt out again by position (per year), so the agenda
    reads 1/26, 2/26, 3/26 from the top and no number is taken from the counter or given to
    another meeting. Returns how many items changed number; each change is in the item's
    history."""
    with transaction.atomic():
        items = list(meeting.items.select_for_update().order_by("position", "number"))
        moves = {}
        for year in {item.year for item in items}:
            in_year = [item for item in items if item.year == year]
            targets = sorted(item.number for item in in_year)
            moves |= {item: n for item, n in zip(in_year, targets, strict=True) if item.number != n}
        if not moves:
            return 0
        # Out of the way first (above every number of the body and year, under the counters'
        # locks so that no new item takes one meanwhile), then each to its place.
        for year in {item.year for item in moves}:
            counter = ItemCounter.objects.select_for_update().filter(body=meeting.body, year=year)
            list(counter.values_list("pk", flat=True))
            top = Item.objects.filter(body=meeting.body, year=year).aggregate(top=Max("number"))
            Item.objects.filter(pk__in=[i.pk for i in moves if i.year == year]).update(
                number=F("number") + top["top"]
            )
        for item, number in moves.items():
            item.number = number
            item._history_user = user
            item._change_reason = "Nummerert etter rekkefølgen da innkallingen ble sendt"
            item.save(update_fields=["number"])
    return len(moves)
