"""Who may do what, as django-rules predicates.

Roles:
- secretariat (group "Sekretariat"): reads and edits everything;
- decision maker (group "Beslutningstaker") and reader (group "Leser", the directors):
  read the register; later issues give them their own actions;
- body member, leader and secretary: follow from the user's person's current memberships.

Views check these through Django's permission API (`user.has_perm(...)`), so a rule lives in
exactly one place. A predicate that needs an object (a body) takes it as the second argument.
"""

import rules

from .models import Body, Membership

SECRETARIAT_GROUP = "Sekretariat"
DECISION_MAKER_GROUP = "Beslutningstaker"
READER_GROUP = "Leser"
ROLE_GROUPS = (SECRETARIAT_GROUP, DECISION_MAKER_GROUP, READER_GROUP)


@rules.predicate
def is_secretariat(user):
    """Asked of the database once per user object, as Django's own backend caches a user's
    permissions on it: a page asks it many times, and a change of groups shows from the next
    request (which loads the user anew)."""
    known = getattr(user, "_portal_is_secretariat", None)
    if known is None:
        known = user.is_superuser or user.groups.filter(name=SECRETARIAT_GROUP).exists()
        user._portal_is_secretariat = known
    return known


is_decision_maker = rules.is_group_member(DECISION_MAKER_GROUP)
is_reader = rules.is_group_member(READER_GROUP)


def _current_memberships(user):
    person = getattr(user, "person", None)
    if person is None:
        return Membership.objects.none()
    return Membership.objects.current().filter(person=person)


@rules.predicate
def is_member_of_body(user, body: Body):
    return _current_memberships(user).filter(body=body).exists()


@rules.predicate
def leads_body(user, body: Body):
    return _current_memberships(user).filter(body=body).leading_roles().exists()


@rules.predicate
def is_body_secretary(user, body: Body):
    """The body's own secretariat: a current membership as sekretær."""
    return _current_memberships(user).filter(body=body, role=Membership.Role.SECRETARY).exists()


def on_body_of(body_predicate, body_of, *, name: str) -> rules.Predicate:
    """`body_predicate` (user, body) asked of the body an object belongs to (`body_of(obj)`):
    false for an object that belongs to no body."""

    def check(user, obj):
        body = body_of(obj)
        return body is not None and body_predicate(user, body)

    return rules.Predicate(check, name=name)


# Everyone logged in reads the register: the structure and its people are the partnership's
# shared knowledge, published in minutes and annual reports.
rules.add_perm("helsefellesskap.view_register", rules.is_authenticated)

# Only the secretariat keeps the register, in the portal's pages and in the admin (which asks
# for the app label before it shows the app's models).
rules.add_perm("helsefellesskap", is_secretariat)
for model in (
    "organisation",
    "sector",
    "sectorassignment",
    "body",
    "bodyname",
    "compositionrequirement",
    "person",
    "membership",
):
    for action in ("add", "change", "delete"):
        rules.add_perm(f"helsefellesskap.{action}_{model}", is_secretariat)
    rules.add_perm(f"helsefellesskap.view_{model}", rules.is_authenticated)

# Who changed what: the secretariat everywhere, a body's leader and secretary for their body.
rules.add_perm("helsefellesskap.view_history", is_secretariat)
rules.add_perm("helsefellesskap.view_body_history", is_secretariat | leads_body)

# Deleted objects are restored from their history by the secretariat (restoring.py).
rules.add_perm("helsefellesskap.restore_deleted", is_secretariat)
