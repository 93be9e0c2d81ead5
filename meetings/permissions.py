"""Who may see and do what with meetings (django-rules, checked through `user.has_perm`).

- Everyone logged in sees the meeting plan, notices and agendas, and published minutes.
- A body's members (and the secretariat) also see its draft and approved minutes.
- The secretariat keeps every body's meetings; a body's own sekretær keeps that body's.
- Minutes are approved by the body: the secretariat or the body's leader or sekretær records it.
"""

import rules

from helsefellesskap.permissions import (
    is_body_secretary,
    is_member_of_body,
    is_secretariat,
    leads_body,
    on_body_of,
)

from .models import Item, Meeting


def _body(obj):
    """The body a meeting, or an item, attachment or follow-up of a meeting, belongs to."""
    if isinstance(obj, Meeting):
        return obj.body
    if isinstance(obj, Item):
        return obj.meeting.body
    item = getattr(obj, "item", None)
    return item.meeting.body if item is not None else None


keeps_meetings_of = on_body_of(is_body_secretary, _body, name="keeps_meetings_of")
is_member_of_meeting_body = on_body_of(is_member_of_body, _body, name="is_member_of_meeting_body")
leads_meeting_body = on_body_of(leads_body, _body, name="leads_meeting_body")


@rules.predicate
def minutes_are_published(user, obj):
    minutes = getattr(obj, "minutes", None) if obj is not None else None
    return minutes is not None and minutes.status == minutes.Status.PUBLISHED


can_keep_meeting = is_secretariat | keeps_meetings_of

rules.add_perm("meetings", is_secretariat)
rules.add_perm("meetings.view_meeting", rules.is_authenticated)
rules.add_perm("meetings.add_meeting", is_secretariat)
rules.add_perm("meetings.change_meeting", can_keep_meeting)
rules.add_perm("meetings.delete_meeting", is_secretariat)
rules.add_perm(
    "meetings.view_minutes", is_secretariat | is_member_of_meeting_body | minutes_are_published
)
rules.add_perm("meetings.approve_minutes", is_secretariat | leads_meeting_body)
# The minutes page: those who write them, and those who record the body's approval.
rules.add_perm("meetings.manage_minutes", can_keep_meeting | leads_meeting_body)
rules.add_perm("meetings.publish_minutes", can_keep_meeting)
for model in ("activity", "item", "attachment", "attendance", "followup", "membershipannouncement"):
    rules.add_perm(f"meetings.view_{model}", rules.is_authenticated)
    for action in ("add", "change", "delete"):
        rules.add_perm(f"meetings.{action}_{model}", is_secretariat)
for action in ("add", "change", "delete"):
    rules.add_perm(f"meetings.{action}_minutes", is_secretariat)
rules.add_perm("meetings.view_itemcounter", is_secretariat)
