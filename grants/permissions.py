"""Who may do what with grants (django-rules, checked through `user.has_perm`).

- The secretariat sets up schemes, rounds and allocations, and sees and does everything.
- A member of an LSU applies for the LSU's sector and sees the sector's submitted
  applications; a draft is seen only by its author (another sector's drafts are a 404).
- The LSU's leader or sekretær prioritises and forwards the sector's applications.
- SSU's members (its secretariat included: the body's sekretær) see what the LSUs forwarded
  and record SSU's recommendation with an amount.
- The decision makers (group "Beslutningstaker") decide.
"""

import rules

from helsefellesskap.models import Body, Membership, Sector
from helsefellesskap.permissions import is_decision_maker, is_secretariat

__all__ = ["is_decision_maker", "is_secretariat", "is_ssu_member", "sectors_of"]


def _current_memberships(user):
    person = getattr(user, "person", None)
    if person is None:
        return Membership.objects.none()
    return Membership.objects.current().filter(person=person)


def sectors_of(user) -> list[Sector]:
    """The sectors of the LSUs (and their councils) the user is a member of today."""
    return list(
        Sector.objects.filter(
            bodies__memberships__in=_current_memberships(user),
            bodies__kind=Body.Kind.LOCAL_COMMITTEE,
        ).distinct()
    )


@rules.predicate
def is_ssu_member(user):
    return _current_memberships(user).filter(body__kind=Body.Kind.STRATEGIC_COMMITTEE).exists()


@rules.predicate
def is_lsu_member(user):
    return bool(sectors_of(user))


@rules.predicate
def leads_lsu_of(user, obj):
    """The leader or sekretær of the LSU of the object's sector (an application, a sector)."""
    sector_id = getattr(obj, "sector_id", None) or getattr(obj, "pk", None)
    return (
        _current_memberships(user)
        .filter(body__kind=Body.Kind.LOCAL_COMMITTEE, body__sector_id=sector_id)
        .leading_roles()
        .exists()
    )


@rules.predicate
def is_author_of_draft(user, application):
    return (
        application is not None
        and application.created_by_id == user.pk
        and application.state == application.State.DRAFT
    )


rules.add_perm("grants", is_secretariat)
rules.add_perm("grants.manage_round", is_secretariat)
rules.add_perm("grants.apply", is_lsu_member | is_secretariat)
rules.add_perm("grants.change_draft", is_author_of_draft | is_secretariat)
rules.add_perm("grants.prioritise", leads_lsu_of | is_secretariat)
rules.add_perm("grants.view_compilation", is_ssu_member | is_secretariat | is_decision_maker)
rules.add_perm("grants.recommend", is_ssu_member | is_secretariat)
rules.add_perm("grants.decide", is_decision_maker | is_secretariat)
# Rounds and their allocations are open to everyone logged in; applications are filtered by
# Application.objects.visible_to(user), so a page never needs view_application.
rules.add_perm("grants.view_round", rules.is_authenticated)
for model in ("scheme", "round", "allocation", "application", "budgetline"):
    if model != "round":
        rules.add_perm(f"grants.view_{model}", is_secretariat)
    for action in ("add", "change", "delete"):
        rules.add_perm(f"grants.{action}_{model}", is_secretariat)
