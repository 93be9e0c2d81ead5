"""A round in numbers: asked, prioritised, granted and remaining per sector and focus area, in
a fixed number of queries, shown on the round page to everyone logged in."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from grants.models import Application
from grants.overview import round_overview
from tests.grants.factories import AllocationFactory, ApplicationFactory
from tests.portfolio.factories import FocusAreaFactory

pytestmark = pytest.mark.django_db

State = Application.State


@pytest.fixture
def ous():
    return AllocationFactory(amount=Decimal("17240000"), sector__name="OUS-sektoren")


@pytest.fixture
def ahus(ous):
    return AllocationFactory(
        round=ous.round, amount=Decimal("20000000"), sector__name="Ahus-sektoren"
    )


@pytest.fixture
def areas(ous):
    digital = FocusAreaFactory(name="Digital samhandling", position=1)
    elderly = FocusAreaFactory(name="Eldre med skrøpelighet", position=2)
    rehab = FocusAreaFactory(name="Rehabilitering", position=3)  # invited, no applications
    ous.round.invited_areas.set([digital, elderly, rehab])
    return digital, elderly, rehab


def add(allocation, area, state, asked, granted=None):
    return ApplicationFactory(
        round=allocation.round,
        sector=allocation.sector,
        focus_area=area,
        state=state,
        amount_asked=Decimal(asked),
        amount_granted=Decimal(granted) if granted else None,
    )


def test_the_numbers_per_sector_and_focus_area(ous, ahus, areas, reader_user):
    digital, elderly, rehab = areas
    add(ous, digital, State.DRAFT, "9000000")  # not asked yet: not counted
    add(ous, digital, State.SUBMITTED, "1000000")
    add(ous, digital, State.NOT_PRIORITISED, "2000000")
    add(ous, digital, State.FORWARDED, "3000000")
    add(ous, elderly, State.GRANTED, "4000000", granted="3500000")
    add(ous, elderly, State.REJECTED, "500000")
    add(ous, elderly, State.MOVED, "600000")
    add(ahus, digital, State.GRANTED, "1000000", granted="1000000")
    no_allocation = ApplicationFactory(
        round=ous.round, focus_area=elderly, state=State.SUBMITTED, amount_asked=Decimal("70000")
    )

    overview = round_overview(ous.round, reader_user)

    by_name = {row.name: row for row in overview.sectors}
    assert list(by_name) == sorted(by_name)
    oslo = by_name["OUS-sektoren"]
    assert oslo.allocation == Decimal("17240000")
    assert oslo.figures.asked == Decimal("11100000") and oslo.figures.asked_count == 6
    assert oslo.figures.prioritised == Decimal("8100000") and oslo.figures.prioritised_count == 4
    assert oslo.figures.granted == Decimal("3500000") and oslo.figures.granted_count == 1
    assert oslo.remaining == Decimal("13740000")
    assert oslo.by_area[digital.pk].asked == Decimal("6000000")
    assert oslo.by_area[elderly.pk].prioritised == Decimal("5100000")

    assert by_name["Ahus-sektoren"].remaining == Decimal("19000000")
    # A sector that applied without an allocation is shown, without a remaining amount.
    other = by_name[no_allocation.sector.name]
    assert other.allocation is None and other.remaining is None
    assert other.figures.asked == Decimal("70000")

    areas_by_name = {row.area.name: row.figures for row in overview.areas}
    assert list(areas_by_name) == [
        "Digital samhandling",
        "Eldre med skrøpelighet",
        "Rehabilitering",
    ]
    assert areas_by_name["Digital samhandling"].asked == Decimal("7000000")
    assert areas_by_name["Digital samhandling"].granted == Decimal("1000000")
    assert areas_by_name["Eldre med skrøpelighet"].asked == Decimal("5170000")
    assert areas_by_name["Rehabilitering"].asked_count == 0

    assert overview.total.asked == Decimal("12170000")
    assert overview.total.prioritised == Decimal("9100000")
    assert overview.total.granted == Decimal("4500000")
    assert overview.allocation_total == Decimal("37240000")
    assert overview.remaining_total == Decimal("32740000")
    # The matrix: per focus area, one cell per sector in the sectors' order.
    matrix = {row.area.name: cells for row, cells in overview.matrix}
    ous_index = overview.sectors.index(oslo)
    assert matrix["Eldre med skrøpelighet"][ous_index].granted == Decimal("3500000")


def test_the_query_count_is_the_same_for_2_and_20_applications(ous, ahus, areas, reader_user):
    def queries_for(count):
        for index in range(count):
            allocation = ous if index % 2 else ahus
            state = [State.SUBMITTED, State.FORWARDED, State.GRANTED][index % 3]
            add(allocation, areas[index % 2], state, "100000", granted="50000")
        with CaptureQueriesContext(connection) as captured:
            round_overview(ous.round, reader_user)
        return len(captured)

    few = queries_for(2)
    many = queries_for(18)  # 20 in all
    assert few == many == 3


def test_the_round_page_shows_the_numbers_to_everyone_logged_in(client, ous, areas, reader_user):
    add(ous, areas[0], State.GRANTED, "1000000", granted="750000")
    client.force_login(reader_user)
    response = client.get(reverse("grants:round_detail", args=[ous.round_id]))
    page = response.content.decode().replace("\xa0", " ")
    assert "Tall for runden" in page
    assert "17 240 000 kr" in page and "750 000 kr" in page and "16 490 000 kr" in page
    # The totals are open; the applications are not: a reader sees none of them.
    assert "Ingen søknader du kan se" in page
    # ... and no committee pages.
    assert reverse("grants:decisions", args=[ous.round_id]) not in page


def test_the_round_page_links_the_committee_pages_by_role(
    client, ous, secretariat_user, decision_maker_user
):
    client.force_login(secretariat_user)
    page = client.get(reverse("grants:round_detail", args=[ous.round_id])).content.decode()
    for name in ("compilation", "decisions", "round_export", "decision_list_pdf"):
        assert reverse(f"grants:{name}", args=[ous.round_id]) in page
    assert reverse("grants:prioritisation", args=[ous.round_id, ous.sector_id]) in page
    client.force_login(decision_maker_user)
    page = client.get(reverse("grants:round_detail", args=[ous.round_id])).content.decode()
    assert reverse("grants:decisions", args=[ous.round_id]) in page
    assert reverse("grants:prioritisation", args=[ous.round_id, ous.sector_id]) not in page


def test_anonymous_users_get_no_numbers(ous):
    from django.contrib.auth.models import AnonymousUser
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        round_overview(ous.round, AnonymousUser())
