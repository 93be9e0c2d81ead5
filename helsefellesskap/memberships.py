"""Saving a membership: the rule "one leader at a time" checked while no one else can add one."""

from django.db import transaction

from .models import Body, Membership


def save_membership(*, membership: Membership, user, reason: str = "") -> Membership:
    """Check and save a new or changed membership, all or nothing.

    The body's row is locked while the rules in `Membership.clean()` are checked (one leader at
    a time among them), so that two secretaries adding a leader at once cannot both succeed
    (PostgreSQL; SQLite serialises writers anyway). Raises `ValidationError` like `clean()`.
    """
    with transaction.atomic():
        Body.objects.select_for_update().filter(pk=membership.body_id).exists()
        membership.clean()
        membership._history_user = user
        membership._change_reason = reason
        membership.save()
    return membership
