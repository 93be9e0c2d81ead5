"""Anything the secretariat deletes can be restored from its history by the secretariat: the
same key and values come back, the history says "Gjenopprettet" and who did it, and a restore
whose parent is gone is refused with a message naming it, restoring nothing."""

import pytest
from django.core.exceptions import PermissionDenied
from django.forms.models import model_to_dict
from django.test import Client
from django.urls import reverse

from helsefellesskap.models import Membership, Person
from helsefellesskap.restoring import (
    RESTORED_REASON,
    RestoreRefused,
    deleted_records,
    historical_models,
    restore_deleted,
)
from meetings.models import Item, Meeting
from tests.factories import MembershipFactory, PersonFactory
from tests.meetings.factories import ItemFactory


@pytest.fixture
def admin_client(secretariat_user):
    client = Client(raise_request_exception=False)
    client.force_login(secretariat_user)
    return client


def _delete_in_admin(client, obj):
    opts = obj._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_delete", args=[obj.pk])
    response = client.post(url, {"post": "yes"})
    assert response.status_code == 302, response.content.decode()[:500]
    assert not type(obj).objects.filter(pk=obj.pk).exists()


def _entry(label, pk_value):
    """The list's entry for a deleted object."""
    records = deleted_records(page=1, per_page=100).object_list
    history_model = historical_models()[label].history.model
    ids = set(history_model.objects.filter(id=pk_value).values_list("history_id", flat=True))
    matching = [r for r in records if r.model_label == label and r.history_id in ids]
    assert len(matching) == 1, records
    return matching[0]


def _restore_through_page(client, entry):
    url = reverse("deleted_restore", args=[entry.model_label, entry.history_id])
    return client.post(url, follow=True)


@pytest.mark.django_db
def test_a_person_deleted_in_the_admin_comes_back_with_the_same_key_and_fields(
    admin_client, secretariat_user
):
    person = PersonFactory(name="Ola Restaurert", email="ola@example.no", note="Merknad")
    person.title = "Fastlege"
    person.save()  # a change, so the person has history before the deletion
    before = model_to_dict(Person.objects.get(pk=person.pk))
    _delete_in_admin(admin_client, person)

    page = admin_client.get(reverse("deleted_list"))
    assert page.status_code == 200
    entry = _entry("helsefellesskap.person", person.pk)
    assert (entry.model_name, entry.name) == ("Person", "Ola Restaurert")
    assert entry.deleted_by in (secretariat_user.get_full_name(), secretariat_user.username)
    assert "Ola Restaurert" in page.content.decode()

    response = _restore_through_page(admin_client, entry)
    assert response.status_code == 200
    assert "Gjenopprettet: Ola Restaurert." in response.content.decode()
    restored = Person.objects.get(pk=person.pk)
    assert model_to_dict(restored) == before

    last = restored.history.order_by("-history_date", "-history_id").first()
    assert last.history_type == "+"
    assert last.history_change_reason == RESTORED_REASON
    assert last.history_user == secretariat_user
    # Once restored it is no longer listed, and a second restore is refused.
    assert all(r.history_id != entry.history_id for r in deleted_records().object_list)
    with pytest.raises(RestoreRefused, match="finnes allerede"):
        restore_deleted(
            model_label=entry.model_label, history_id=entry.history_id, user=secretariat_user
        )


@pytest.mark.django_db
def test_a_meeting_item_deleted_in_the_admin_comes_back(admin_client, secretariat_user):
    item = ItemFactory(title="Sak om rehabilitering", background="Saksframstilling")
    before = {f.attname: getattr(item, f.attname) for f in Item._meta.concrete_fields}
    _delete_in_admin(admin_client, item)

    entry = _entry("meetings.item", item.pk)
    restored = restore_deleted(
        model_label=entry.model_label, history_id=entry.history_id, user=secretariat_user
    )
    assert restored.object.pk == item.pk
    again = Item.objects.get(pk=item.pk)
    assert {f.attname: getattr(again, f.attname) for f in Item._meta.concrete_fields} == before
    assert again.history.first().history_change_reason == RESTORED_REASON


@pytest.mark.django_db
def test_a_restore_whose_parent_is_gone_is_refused_and_restores_nothing(
    admin_client, secretariat_user
):
    item = ItemFactory(title="Sak om legemidler")
    meeting = item.meeting
    _delete_in_admin(admin_client, meeting)  # the item goes with it
    assert not Item.objects.filter(pk=item.pk).exists()

    entry = _entry("meetings.item", item.pk)
    response = _restore_through_page(admin_client, entry)
    text = response.content.decode()
    assert "kan ikke gjenopprettes" in text
    assert str(meeting) in text.replace("&#x27;", "'")
    assert not Item.objects.filter(pk=item.pk).exists()
    assert not Meeting.objects.filter(pk=meeting.pk).exists()

    # Restoring the meeting first, then the item, works.
    restore_deleted(
        model_label="meetings.meeting",
        history_id=_entry("meetings.meeting", meeting.pk).history_id,
        user=secretariat_user,
    )
    restore_deleted(model_label="meetings.item", history_id=entry.history_id, user=secretariat_user)
    assert Item.objects.get(pk=item.pk).meeting_id == meeting.pk


@pytest.mark.django_db
def test_a_membership_of_a_deleted_person_names_the_person(admin_client, secretariat_user):
    membership = MembershipFactory(person__name="Kari Borte")
    _delete_in_admin(admin_client, membership)  # a person with memberships cannot be deleted
    _delete_in_admin(admin_client, membership.person)
    entry = _entry("helsefellesskap.membership", membership.pk)
    with pytest.raises(RestoreRefused, match="Kari Borte"):
        restore_deleted(
            model_label=entry.model_label, history_id=entry.history_id, user=secretariat_user
        )
    assert not Membership.objects.filter(pk=membership.pk).exists()


@pytest.mark.django_db
def test_the_list_is_newest_first_and_paginated(secretariat_user):
    people = PersonFactory.create_batch(3)
    for person in people:
        person._history_user = secretariat_user
        person.delete()
    page = deleted_records(page=1, per_page=2)
    assert page.paginator.count == 3
    assert [r.name for r in page.object_list] == [people[2].name, people[1].name]
    assert [r.name for r in deleted_records(page=2, per_page=2).object_list] == [people[0].name]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["member", "leader", "decision_maker", "reader"])
def test_only_the_secretariat_restores(client, user_for_role, secretariat_user, role):
    person = PersonFactory()
    pk = person.pk
    person.delete()
    entry = _entry("helsefellesskap.person", pk)
    user = user_for_role(role)
    client.force_login(user)
    url = reverse("deleted_restore", args=[entry.model_label, entry.history_id])
    assert client.post(url).status_code == 403
    assert client.get(reverse("deleted_list")).status_code == 403
    with pytest.raises(PermissionDenied):
        restore_deleted(model_label=entry.model_label, history_id=entry.history_id, user=user)
    assert not Person.objects.filter(pk=pk).exists()


@pytest.mark.django_db
def test_an_unknown_or_wrong_record_is_refused(admin_client, secretariat_user):
    person = PersonFactory()
    live_record = person.history.first()
    with pytest.raises(RestoreRefused):
        restore_deleted(
            model_label="helsefellesskap.person",
            history_id=live_record.history_id,
            user=secretariat_user,
        )
    with pytest.raises(RestoreRefused):
        restore_deleted(model_label="auth.user", history_id=1, user=secretariat_user)
    response = admin_client.post(
        reverse("deleted_restore", args=["ukjent.modell", 999]), follow=True
    )
    assert response.status_code == 200
    assert "Ukjent type oppføring." in response.content.decode()
