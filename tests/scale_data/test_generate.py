"""The synthetic data generator: same seed, same data; the sizes it promises; never in
production; removed again by its marker."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from helsefellesskap.models import Body, Person
from meetings.models import Item, Meeting
from portfolio.models import Cell, Plan
from scale_data.common import MARKER
from scale_data.generate import counts
from tests.factories import BodyFactory, PersonFactory

UNTIL = datetime.date(2026, 6, 30)


def generate(**options):
    options = {"years": 2, "scale": 0.05, "seed": 7, "until": UNTIL, **options}
    call_command("generate_scale_data", stdout=io.StringIO(), **options)


def snapshot():
    """What the data looks like, without the keys (they keep counting after a delete)."""
    return {
        "counts": counts(),
        "people": list(Person.objects.order_by("pk").values_list("name", "email")),
        "meetings": list(
            Meeting.objects.order_by("pk").values_list("body__name", "starts_at", "theme")
        ),
        "items": list(Item.objects.order_by("pk").values_list("title", "year", "number")),
        "cell history": list(
            Cell.history.order_by("history_date", "measure__name", "column__year").values_list(
                "history_date", "text", "status", "version"
            )
        ),
        "plans": list(Plan.objects.order_by("pk").values_list("title", "dated")),
    }


@pytest.mark.django_db
def test_same_seed_gives_the_same_data_and_delete_removes_it_all():
    real_body = BodyFactory(name="Strategisk samarbeidsutvalg")
    real_person = PersonFactory(name="Ekte Person")
    generate()
    first = snapshot()
    call_command("generate_scale_data", delete=True, stdout=io.StringIO())
    assert not any(counts().values())
    assert not Cell.history.exists()
    # The real rows are untouched.
    assert Body.objects.get() == real_body
    assert Person.objects.get() == real_person
    generate()
    assert snapshot() == first


@pytest.mark.django_db
def test_another_seed_gives_other_data():
    generate(seed=1)
    first = snapshot()
    call_command("generate_scale_data", delete=True, stdout=io.StringIO())
    generate(seed=2)
    assert snapshot()["people"] != first["people"]


@pytest.mark.django_db
def test_sizes_per_year_and_partnership():
    generate(years=2, factor=2, scale=0.05)
    made = counts()
    assert made["bodies"] == 2 * 25
    assert made["sectors"] == 2 * 4
    assert made["plans"] == 2 * 2  # one plan a year per partnership
    assert made["meetings"] == 2 * 2 * 25  # at scale 0.05, one meeting per body and year
    assert 15 * made["meetings"] >= made["items"] >= 4 * made["meetings"]
    assert made["attendances"] > 0 and made["minutes"] > 0 and made["follow_ups"] > 0
    assert made["cell_history"] > made["cells"]  # the cells were edited after they were made
    assert made["applications"] >= 2 * 2 * 4
    # Every name carries the marker.
    assert not Body.objects.exclude(name__endswith=MARKER).exists()
    assert not Person.objects.exclude(name__endswith=MARKER).exists()


@pytest.mark.django_db
def test_refuses_to_run_twice_into_the_same_database():
    generate(years=1)
    with pytest.raises(CommandError, match="allerede syntetiske data"):
        generate(years=1)


@pytest.mark.django_db
@override_settings(PRODUCTION=True)
def test_refuses_production():
    with pytest.raises(CommandError, match="ikke lages eller slettes i produksjon"):
        generate()
    with pytest.raises(CommandError, match="produksjon"):
        call_command("generate_scale_data", delete=True, stdout=io.StringIO())
    assert not any(counts().values())
