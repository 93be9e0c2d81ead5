"""The order of a meeting's agenda: items are moved up or down until the notice is sent.

Moving an item swaps its place with its neighbour's and writes the positions 1, 2, 3 ... of
the whole agenda, under the meeting's lock (minutes.refuse_if_locked), so two people moving
items at once cannot leave two items on one place. The numbers follow the order when the
notice is sent (numbering.number_by_position); after that the agenda's order is fixed.
"""

from django.db import transaction

from .minutes import refuse_if_locked
from .models import Item, Meeting

UP, DOWN = -1, 1


class AgendaFixed(Exception):
    """The notice is sent: the items keep their order and numbers."""

    def __init__(self):
        super().__init__(
            "Innkallingen er sendt, så sakenes rekkefølge og numre ligger fast. En ny sak "
            "kan fortsatt settes opp til slutt."
        )


def can_reorder(meeting: Meeting) -> bool:
    return meeting.notice_sent_at is None and not meeting.is_cancelled


def move_item(item: Item, *, direction: int, user) -> int:
    """Move `item` one place UP or DOWN on its meeting's agenda; returns its new place (1 is
    the top). An item already at the top (or bottom) stays where it is. Raises AgendaFixed
    once the notice is sent, MinutesLocked once the minutes are approved."""
    with transaction.atomic():
        refuse_if_locked(item.meeting)
        meeting = Meeting.objects.get(pk=item.meeting_id)
        if not can_reorder(meeting):
            raise AgendaFixed
        items = list(meeting.items.select_for_update().order_by("position", "number"))
        index = next(i for i, other in enumerate(items) if other.pk == item.pk)
        target = index + direction
        if 0 <= target < len(items):
            items[index], items[target] = items[target], items[index]
            index = target
        reason = f"Sak {item.label} flyttet {'opp' if direction == UP else 'ned'} på dagsordenen"
        for place, other in enumerate(items, start=1):
            if other.position != place:
                other.position = place
                other._history_user = user
                other._change_reason = reason
                other.save(update_fields=["position"])
    return index + 1
