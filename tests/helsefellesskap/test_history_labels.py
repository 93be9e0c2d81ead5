"""The history speaks the user's language: a field is named by its Norwegian name (a relation
left with Django's default name by its model's name) and a value by its choice label."""

import pytest
from django.urls import reverse

from helsefellesskap.history import change_log
from meetings.models import FollowUp
from portfolio.models import Status
from tests.meetings.factories import FollowUpFactory
from tests.portfolio.factories import CellFactory


def _changes(entry):
    return {change.label: (change.old, change.new) for change in entry.changes}


@pytest.mark.django_db
def test_a_follow_up_history_names_its_item_and_status_in_norwegian():
    follow_up = FollowUpFactory(title="Lage rutine")
    follow_up.status = FollowUp.Status.IN_PROGRESS
    follow_up.save()

    changed, created = change_log(follow_up.history.all())

    assert _changes(changed) == {"Status": ("Åpen", "Pågår")}
    assert "Sak" in _changes(created) and "Item" not in _changes(created)


@pytest.mark.django_db
def test_a_cells_history_page_shows_norwegian_names_and_status_labels(client, secretariat_user):
    cell = CellFactory(text="Forberede innføring")
    cell.status = Status.IN_PROGRESS
    cell.save()
    client.force_login(secretariat_user)

    plan = cell.measure.group.area.plan
    url = reverse("portfolio:cell_history", args=[plan.pk, cell.measure.pk, cell.column.year])
    page = client.get(url).content.decode()

    assert "til </span>Under arbeid</ins>" in page and "under_arbeid" not in page
    assert "Tiltak:</span>" in page and "Årskolonne:</span>" in page
    assert "Measure:" not in page and "Column:" not in page
