"""Who may see and do what with meetings (django-rules, checked through `user.has_perm`).

- Everyone logged in sees the meeting plan, notices and agendas, and published minutes.
- A body's members (and the secretariat) also see its draft and approved minutes.
- The secretariat keeps every body's meetings; a body's leader, nestleder and sekretær keep
  that body's: they create, change and cancel its meetings and set up their agendas.
- Minutes are approved by the body: the secretariat or the body's leader or sekretær records it.
"""

import rules

from helsefellesskap.models import Body, Membership
from helsefellesskap.permissions import (
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


is_member_of_meeting_body = on_body_of(is_member_of_body, _body, name="is_member_of_meeting_body")
leads_meeting_body = on_body_of(leads_body, _body, name="leads_meeting_body")


def bodies_kept_by(user):
    """The bodies whose meetings `user` keeps (may create, change and cancel): all for the
    secretariat, else those the user leads today (leader, nestleder or sekretær)."""
    if is_secretariat(user):
        return Body.objects.all()
    person = getattr(user, "person", None)
    if person is None:
        return Body.objects.none()
    led = Membership.objects.current().filter(person=person).leading_roles()
    return Body.objects.filter(pk__in=led.values("body_id"))


@rules.predicate
def keeps_some_body(user):
    return bodies_kept_by(user).exists()


@rules.predicate
def minutes_are_published(user, obj):
    minutes = getattr(obj, "minutes", None) if obj is not None else None
    return minutes is not None and minutes.status == minutes.Status.PUBLISHED


can_keep_meeting = is_secretariat | leads_meeting_body

rules.add_perm("meetings", is_secretariat)
rules.add_perm("meetings.view_meeting", rules.is_authenticated)
# The admin's and the year draft's permission (every body's meetings at once).
rules.add_perm("meetings.add_meeting", is_secretariat)
# A new meeting from the meeting list, for one of the bodies the user keeps.
rules.add_perm("meetings.create_meeting", is_secretariat | keeps_some_body)
rules.add_perm("meetings.change_meeting", can_keep_meeting)
rules.add_perm("meetings.delete_meeting", is_secretariat)
rules.add_perm(
    "meetings.view_minutes", is_secretariat | is_member_of_meeting_body | minutes_are_published
)
rules.add_perm("meetings.approve_minutes", is_secretariat | leads_meeting_body)
# The minutes page: those who write them, and those who record the body's approval.
rules.add_perm("meetings.manage_minutes", can_keep_meeting)
rules.add_perm("meetings.publish_minutes", can_keep_meeting)
for model in (
    "activity",
    "item",
    "itempart",
    "attachment",
    "attendance",
    "participantgroup",
    "followup",
    "membershipannouncement",
):
    rules.add_perm(f"meetings.view_{model}", rules.is_authenticated)
    for action in ("add", "change", "delete"):
        rules.add_perm(f"meetings.{action}_{model}", is_secretariat)
for action in ("add", "change", "delete"):
    rules.add_perm(f"meetings.{action}_minutes", is_secretariat)
rules.add_perm("meetings.view_itemcounter", is_secretariat)
