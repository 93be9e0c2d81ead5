"""A decided application is part of the record: no path changes or deletes it, its budget
lines, attachments, partners or measures (model, admin, pages), except the workflow's steps."""

from contextlib import contextmanager
from decimal import Decimal

import pytest
from django.db import transaction
from django.urls import reverse

from grants import workflow
from grants.models import (
    Application,
    ApplicationAttachment,
    BudgetLine,
    DecidedApplicationLocked,
    DraftDecision,
)
from helsefellesskap.permissions import DECISION_MAKER_GROUP
from tests.factories import HospitalFactory, UserFactory
from tests.grants.factories import (
    AllocationFactory,
    ApplicationAttachmentFactory,
    ApplicationFactory,
)
from tests.portfolio.factories import MeasureFactory

pytestmark = pytest.mark.django_db
State = Application.State


@contextmanager
def refused(match=None):
    """The guard refuses; the test's transaction goes on (a delete refuses inside its own
    atomic block, which would otherwise spoil the test's)."""
    with pytest.raises(DecidedApplicationLocked, match=match) as refusal, transaction.atomic():
        yield refusal


@pytest.fixture
def decision_maker():
    return UserFactory(username="direktor", roles=[DECISION_MAKER_GROUP])


@pytest.fixture
def forwarded():
    allocation = AllocationFactory(amount=Decimal("17240000"))
    application = ApplicationFactory(
        round=allocation.round,
        sector=allocation.sector,
        state=State.FORWARDED,
        title="Felles legevakt (oppdiktet)",
    )
    ApplicationAttachmentFactory(application=application)
    return Application.objects.get(pk=application.pk)


@pytest.fixture
def granted(forwarded, decision_maker):
    """Granted by the workflow's own step, which the guard lets through."""
    workflow.grant_application(
        forwarded, amount=Decimal("500000"), note="Godt forankret.", user=decision_maker
    )
    return Application.objects.get(pk=forwarded.pk)


def test_the_decision_step_itself_passes_and_is_recorded(granted, decision_maker):
    assert granted.state == State.GRANTED
    assert granted.history.first().history_change_reason == "Innvilget"


def test_rejected_and_moved_applications_are_locked_too(forwarded, decision_maker):
    workflow.reject_application(forwarded, note="Ikke prioritert.", user=decision_maker)
    rejected = Application.objects.get(pk=forwarded.pk)
    with refused(match="er avslått og kan ikke endres"):
        rejected.save()


def test_the_application_cannot_be_saved_or_deleted(granted):
    granted.title = "Endret tittel"
    granted.amount_asked = Decimal("1")
    with refused() as refusal:
        granted.save()
    assert "«Felles legevakt (oppdiktet)» er innvilget" in str(refusal.value)
    with refused():
        Application.objects.get(pk=granted.pk).delete()
    with refused():
        Application.objects.filter(pk=granted.pk).delete()
    stored = Application.objects.get(pk=granted.pk)
    assert (stored.title, stored.amount_asked) == (
        "Felles legevakt (oppdiktet)",
        Decimal("1000000"),
    )
    assert not stored.history.filter(history_type="-").exists()


def test_a_stale_copy_from_before_the_decision_cannot_overwrite_it(forwarded, decision_maker):
    stale = Application.objects.get(pk=forwarded.pk)
    workflow.grant_application(forwarded, amount=Decimal("500000"), note="", user=decision_maker)
    stale.title = "Fra en gammel kopi"
    with refused():
        stale.save()
    assert Application.objects.get(pk=forwarded.pk).title == "Felles legevakt (oppdiktet)"


def test_budget_lines_and_attachments_cannot_be_changed_added_or_deleted(granted):
    line = granted.budget_lines.get()
    line.amount = Decimal("1")
    with refused():
        line.save()
    with refused():
        BudgetLine.objects.create(
            application=granted, year=2026, description="Ekstra", amount=Decimal("5")
        )
    with refused():
        line.delete()
    with refused():
        BudgetLine.objects.filter(application=granted).delete()
    attachment = granted.attachments.get()
    attachment.name = "Annet navn.pdf"
    with refused():
        attachment.save()
    with refused():
        ApplicationAttachment.objects.filter(pk=attachment.pk).delete()
    assert granted.budget_lines.get().amount == Decimal("1000000")
    assert granted.attachments.get().name == "Prosjektplan.pdf"


def test_partners_and_measures_cannot_be_changed_from_either_side(granted):
    partner = granted.partners.get()
    measure = MeasureFactory()
    with refused():
        granted.partners.add(HospitalFactory())
    with refused():
        granted.partners.remove(partner)
    with refused():
        granted.partners.clear()
    with refused():
        granted.measures.set([measure])
    with refused():
        partner.grant_partnerships.clear()
    with refused():
        measure.grant_applications.add(granted)
    assert list(granted.partners.all()) == [partner]
    assert not granted.measures.exists()


def test_an_undecided_application_changes_as_before(forwarded):
    forwarded.budget_lines.update()  # nothing
    line = forwarded.budget_lines.get()
    line.description = "Prosjektkoordinator"
    line.save()
    forwarded.partners.add(HospitalFactory())
    assert forwarded.partners.count() == 2


def test_a_page_that_meets_the_lock_answers_403(client, granted, decision_maker):
    """The workflow's pages refuse decided applications themselves; should one still reach the
    guard, it is a PermissionDenied, not a server error."""
    assert issubclass(DecidedApplicationLocked, workflow.PermissionDenied)
    client.force_login(decision_maker)
    response = client.post(
        reverse("grants:decision_draft", args=[granted.pk]),
        {f"utkast-{granted.pk}-outcome": "avslatt", f"utkast-{granted.pk}-note": ""},
    )
    assert response.status_code < 500
    assert not DraftDecision.objects.exists()
    assert Application.objects.get(pk=granted.pk).state == State.GRANTED


# --- The admin ------------------------------------------------------------------------------


def admin_url(name, *args):
    return reverse(f"admin:grants_application_{name}", args=args)


def test_the_admin_shows_a_decided_application_read_only(client, secretariat_user, granted):
    client.force_login(secretariat_user)
    page = client.get(admin_url("change", granted.pk))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="title"' not in html
    assert "Felles legevakt (oppdiktet)" in html
    assert admin_url("delete", granted.pk) not in html


def test_the_admin_refuses_a_change_posted_anyway(client, secretariat_user, granted):
    client.force_login(secretariat_user)
    response = client.post(
        admin_url("change", granted.pk),
        {"title": "Endret i admin", "summary": "x", "amount_asked": "1", "_save": "Lagre"},
    )
    assert response.status_code == 403
    assert Application.objects.get(pk=granted.pk).title == "Felles legevakt (oppdiktet)"


def test_the_admin_refuses_to_delete_it(client, secretariat_user, granted):
    client.force_login(secretariat_user)
    assert client.get(admin_url("delete", granted.pk)).status_code == 403
    assert client.post(admin_url("delete", granted.pk), {"post": "yes"}).status_code == 403
    response = client.post(
        admin_url("changelist"),
        {"action": "delete_selected", "_selected_action": [granted.pk], "post": "yes"},
    )
    assert response.status_code == 403
    assert Application.objects.filter(pk=granted.pk).exists()


def test_the_admin_still_changes_and_deletes_a_draft(client, secretariat_user):
    draft = ApplicationFactory(title="Et utkast")
    client.force_login(secretariat_user)
    assert 'name="title"' in client.get(admin_url("change", draft.pk)).content.decode()
    response = client.post(admin_url("delete", draft.pk), {"post": "yes"})
    assert response.status_code == 302
    assert not Application.objects.filter(pk=draft.pk).exists()
