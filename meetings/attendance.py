"""Recording who attended a meeting: every invited member's attendance (present, absent, a
deputy in someone's place) and the guests, observers and secretariat, all at once.

All rows are checked before any is written; one bad row leaves the stored attendance as it was.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from .minutes import refuse_if_locked
from .models import Attendance, Meeting


@dataclass
class AttendanceRow:
    person_id: int
    status: str
    deputy_for_id: int | None = None
    note: str = ""


def record_attendance(meeting: Meeting, rows: list[AttendanceRow], *, user) -> None:
    """Replace the meeting's attendance with `rows`.

    Raises ValidationError with {person_id: [messages]} when a row is wrong (a person who was
    not invited recorded as a member, a deputy for no one...); nothing is written then.
    """
    with transaction.atomic():
        seen, errors, attendances = set(), {}, []
        refuse_if_locked(meeting)
        existing = {a.person_id: a for a in meeting.attendances.all()}
        stored = {pid: (a.status, a.deputy_for_id, a.note) for pid, a in existing.items()}
        for row in rows:
            if row.person_id in seen:
                errors[row.person_id] = ["Personen er registrert to ganger."]
                continue
            seen.add(row.person_id)
            attendance = existing.get(row.person_id) or Attendance(
                meeting=meeting, person_id=row.person_id
            )
            attendance.status, attendance.deputy_for_id, attendance.note = (
                row.status,
                row.deputy_for_id,
                row.note,
            )
            try:
                attendance.full_clean(exclude=["meeting"], validate_unique=False)
            except ValidationError as error:
                errors[row.person_id] = [
                    m for messages in error.message_dict.values() for m in messages
                ]
            attendances.append(attendance)
        if errors:
            raise ValidationError(errors)
        for person_id, attendance in existing.items():
            if person_id not in seen:
                attendance._history_user = user
                attendance.delete()
        for attendance in attendances:
            state = (attendance.status, attendance.deputy_for_id, attendance.note)
            if stored.get(attendance.person_id) != state:  # new, or changed: write it
                attendance._history_user = user
                attendance._change_reason = "Oppmøte registrert"
                attendance.save()
