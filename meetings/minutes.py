"""The minutes of a meeting, step by step: items added to the agenda with their numbers, the
minutes written per item while they are a draft, approved by the body, published, and
corrected only explicitly, with a reason, once approved.

Views, commands and tests call these functions; each runs in one transaction and records the
acting user and the reason in the history. Approving, publishing and correcting have the worker
lay out and keep the minutes' PDF once committed, so that readers are served a stored file.
"""

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from helsefellesskap.models import Membership, today
from helsefellesskap.records import correcting
from portfolio.models import Measure

from .documents import keep_minutes_pdf
from .models import (
    Item,
    ItemPart,
    Meeting,
    MembershipAnnouncement,
    Minutes,
    MinutesCorrection,
    RecordLocked,
)
from .numbering import allocate_item_number

# The history's reason for a correction of approved minutes, before the corrector's own words.
CORRECTION_REASON_PREFIX = "Rettelse i godkjent referat: "


class MinutesLocked(RecordLocked):
    """The minutes are approved: a change must be an explicit correction with a reason."""

    def __init__(self, minutes: Minutes):
        super().__init__(
            f"Referatet er {minutes.get_status_display().lower()} og låst. "
            "En rettelse må gjøres som en rettelse med begrunnelse."
        )


def minutes_of(meeting: Meeting) -> Minutes:
    """The meeting's minutes, started as a draft the first time they are needed."""
    minutes, _ = Minutes.objects.get_or_create(meeting=meeting)
    return minutes


def add_item(item: Item, *, user, measures: Iterable[Measure] | None = None) -> Item:
    """Put a new item on the meeting's agenda with the next number of its body and year, and
    link it to the portfolio plan's `measures` (when given) in the same transaction."""
    meeting = item.meeting
    with transaction.atomic():
        refuse_if_locked(meeting)
        item.body = meeting.body
        item.year = meeting.date.year
        item.number = allocate_item_number(meeting.body, item.year)
        item.position = item.number
        _stamp(item, user, "Satt på dagsorden")
        item.save()
        _link_measures(item, measures)
    return item


def change_agenda_item(
    item: Item, *, user, reason: str = "", measures: Iterable[Measure] | None = None
) -> Item:
    """Save an item's agenda fields (title, purpose, background...) and, when given, the
    measures it concerns, while the minutes are open."""
    with transaction.atomic():
        refuse_if_locked(item.meeting)
        _stamp(item, user, reason)
        item.save()
        _link_measures(item, measures)
    return item


def _link_measures(item: Item, measures: Iterable[Measure] | None) -> None:
    if measures is not None:
        item.measures.set(measures)


def write_item_minutes(item: Item, *, minutes_text: str, decision: str, user) -> Item:
    """Write what was said and decided on an item, while the minutes are a draft."""
    with transaction.atomic():
        refuse_if_locked(item.meeting)
        if (item.minutes_text, item.decision) != (minutes_text, decision):
            item.minutes_text, item.decision = minutes_text, decision
            _stamp(item, user, "Referat skrevet")
            item.save(update_fields=["minutes_text", "decision"])
    return item


def correct_item_minutes(item: Item, *, minutes_text: str, decision: str, reason: str, user):
    """Correct approved minutes: allowed only with a reason, which the history keeps."""
    if not reason.strip():
        raise ValidationError(
            "Skriv hvorfor referatet rettes. Begrunnelsen vises med saken og lagres i historikken."
        )
    with transaction.atomic():
        lock_meeting(item.meeting)
        item.minutes_text, item.decision = minutes_text, decision
        _stamp(item, user, f"{CORRECTION_REASON_PREFIX}{reason.strip()}")
        with correcting(item):
            item.save(update_fields=["minutes_text", "decision"])
        MinutesCorrection.objects.create(item=item, made_by=user, reason=reason.strip())
        _keep_pdf_once_committed(item.meeting)
    return item


def record_item_minutes(item: Item, *, minutes_text: str, decision: str, reason: str = "", user):
    """The item minutes page's step: writing while the minutes are a draft, a correction with
    `reason` once they are approved."""
    if item.meeting.minutes_locked:
        return correct_item_minutes(
            item, minutes_text=minutes_text, decision=decision, reason=reason, user=user
        )
    return write_item_minutes(item, minutes_text=minutes_text, decision=decision, user=user)


def save_part(part: ItemPart, *, user) -> ItemPart:
    """Add a part to an item (last in its order) or save a changed one, while the minutes
    are a draft."""
    with transaction.atomic():
        refuse_if_locked(part.item.meeting)
        if part.pk is None:
            last = part.item.parts.order_by("-position").values_list("position", flat=True)
            part.position = (last.first() or 0) + 1
            _stamp(part, user, "Del lagt til i saken")
        else:
            _stamp(part, user, "Del endret")
        part.save()
    return part


def move_part(part: ItemPart, *, up: bool, user) -> ItemPart:
    """Swap a part with its neighbour above or below (nothing happens at either end), and
    number the item's parts 1, 2, 3... in their new order."""
    with transaction.atomic():
        refuse_if_locked(part.item.meeting)
        parts = list(part.item.parts.all())
        index = next(i for i, other in enumerate(parts) if other.pk == part.pk)
        other = index - 1 if up else index + 1
        if 0 <= other < len(parts):
            parts[index], parts[other] = parts[other], parts[index]
        for position, each in enumerate(parts, start=1):
            if each.position != position:
                each.position = position
                _stamp(each, user, "Del flyttet")
                each.save(update_fields=["position"])
    return part


def write_introduction(minutes: Minutes, *, text: str, user) -> Minutes:
    with transaction.atomic():
        refuse_if_locked(minutes.meeting)
        minutes.introduction = text
        _stamp(minutes, user, "Referat skrevet")
        minutes.save(update_fields=["introduction"])
    return minutes


def approve_minutes(
    minutes: Minutes,
    *,
    at_meeting: Meeting | None,
    in_item: Item | None,
    on: datetime.date,
    user,
) -> Minutes:
    """Record that the body approved the minutes, usually in an item of its next meeting."""
    if at_meeting is not None:
        if at_meeting.body_id != minutes.meeting.body_id:
            raise ValidationError("Referatet godkjennes i et møte i samme organ.")
        if at_meeting.starts_at <= minutes.meeting.starts_at:
            raise ValidationError("Referatet godkjennes i et senere møte.")
    if in_item is not None and in_item.meeting_id != getattr(at_meeting, "pk", None):
        raise ValidationError("Saken må høre til møtet der referatet ble godkjent.")
    if on < minutes.meeting.date:
        raise ValidationError("Referatet kan ikke godkjennes før møtet ble holdt.")
    if on > today():
        raise ValidationError("Godkjenningsdatoen kan ikke være fram i tid.")
    with transaction.atomic():
        # The meeting row first, as every write to the record does (see refuse_if_locked),
        # then the minutes: two approvals at once cannot both pass, and no write to an item
        # can slip in between.
        lock_meeting(minutes.meeting)
        if Minutes.objects.select_for_update().get(pk=minutes.pk).status != Minutes.Status.DRAFT:
            raise ValidationError("Referatet er allerede godkjent.")
        minutes.status = Minutes.Status.APPROVED
        minutes.approved_on = on
        minutes.approved_at_meeting = at_meeting
        minutes.approved_in_item = in_item
        _stamp(minutes, user, "Referat godkjent")
        minutes.save()
        _keep_pdf_once_committed(minutes.meeting)
    return minutes


def publish_minutes(minutes: Minutes, *, user) -> Minutes:
    """Make approved minutes readable for everyone logged in."""
    with transaction.atomic():
        lock_meeting(minutes.meeting)
        stored = Minutes.objects.select_for_update().get(pk=minutes.pk)
        if stored.status != Minutes.Status.APPROVED:
            raise ValidationError("Bare et godkjent referat kan publiseres.")
        minutes.status = Minutes.Status.PUBLISHED
        minutes.published_at = timezone.now()
        _stamp(minutes, user, "Referat publisert")
        with correcting(minutes):
            minutes.save()
        _keep_pdf_once_committed(minutes.meeting)
    return minutes


def announce_membership_change(item: Item, *, membership: Membership, text: str, user):
    """Link a membership change in the register to the item where it was announced, and
    name that item as the membership's source."""
    with transaction.atomic():
        refuse_if_locked(item.meeting)
        if MembershipAnnouncement.objects.filter(item=item, membership=membership).exists():
            raise ValidationError("Denne medlemsendringen er allerede registrert i saken.")
        announcement = MembershipAnnouncement(item=item, membership=membership, text=text)
        _stamp(announcement, user, "Kunngjort i møte")
        announcement.save()
        membership.source = f"Kunngjort i {item.meeting}, sak {item.label}"
        _stamp(membership, user, f"Kunngjort i sak {item.label}")
        membership.save(update_fields=["source"])
    return announcement


def lock_meeting(meeting: Meeting) -> None:
    """Lock the meeting's row until the caller's transaction ends. Every write to a meeting's
    record and every step of its minutes takes this lock first (then, if needed, the minutes
    row): it holds whether or not the Minutes row exists yet, so an approval, which may create
    that row, cannot slip in between another write's check and its change. On SQLite
    select_for_update does nothing, but SQLite lets only one writer in at a time anyway."""
    Meeting.objects.select_for_update().filter(pk=meeting.pk).values_list("pk").first()


def refuse_if_locked(meeting: Meeting) -> None:
    """Raise MinutesLocked once the meeting's minutes are approved (its record is then fixed:
    agenda, attendance, announcements). Locks the meeting row (see lock_meeting) while the
    caller's transaction runs, so an approval cannot slip in between the check and the
    change."""
    lock_meeting(meeting)
    minutes = Minutes.objects.select_for_update().filter(meeting=meeting).first()
    if minutes is not None and minutes.is_locked:
        raise MinutesLocked(minutes)


def _keep_pdf_once_committed(meeting: Meeting) -> None:
    """Once the step is committed, the worker lays the minutes' PDF out and keeps it
    (documents.keep_minutes_pdf). Should the queue not take it, the step stands all the same
    (logged): the first reader's request then makes the PDF."""
    transaction.on_commit(lambda: keep_minutes_pdf.enqueue(meeting_id=meeting.pk), robust=True)


def _stamp(obj, user, reason: str) -> None:
    obj._history_user = user
    obj._change_reason = reason
