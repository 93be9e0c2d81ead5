"""A plan row that something outside the plan points at (an application, a meeting's item, a
grant round) is not removed, by the page, the admin or remove_row: the refusal names them."""

import pytest
from django.urls import reverse

from portfolio.editing import Reference, RowInUse, references_to, remove_row
from portfolio.models import FocusArea, Measure, MeasureGroup
from tests.grants.factories import ApplicationFactory, RoundFactory
from tests.meetings.factories import ItemFactory
from tests.portfolio.factories import MeasureFactory


def row_delete_url(plan, kind, row):
    return reverse("portfolio:row_delete", args=[plan.pk, kind, row.pk])


def test_a_measure_an_application_and_an_item_point_at_is_not_removed(pll, secretariat_user):
    application = ApplicationFactory(title="Felles legemiddelliste i bydelen")
    application.measures.add(pll)
    item = ItemFactory(title="Innføring av PLL")
    item.measures.add(pll)

    with pytest.raises(RowInUse) as refusal:
        remove_row(pll, user=secretariat_user)

    assert Measure.objects.filter(pk=pll.pk).exists()
    assert set(refusal.value.references) == {
        Reference("søknad", "Felles legemiddelliste i bydelen"),
        Reference("sak", str(item)),
    }
    message = str(refusal.value)
    assert message.startswith(f"«{pll.name}» kan ikke fjernes")
    assert "søknad «Felles legemiddelliste i bydelen»" in message
    assert f"sak «{item}»" in message
    assert list(application.measures.all()) == [pll]


def test_an_area_is_refused_for_what_points_at_it_or_at_a_row_under_it(pll, secretariat_user):
    area = pll.group.area
    on_area = ApplicationFactory(title="Søknad om området", focus_area=area)
    on_measure = ApplicationFactory(title="Søknad om tiltaket")
    on_measure.measures.add(pll)
    round_ = RoundFactory()
    round_.invited_areas.add(area)

    with pytest.raises(RowInUse) as refusal:
        remove_row(area, user=secretariat_user)

    assert FocusArea.objects.filter(pk=area.pk).exists()
    assert MeasureGroup.objects.filter(pk=pll.group.pk).exists()
    names = {reference.name for reference in refusal.value.references}
    assert names == {"Søknad om området", "Søknad om tiltaket", str(round_)}
    # Through the group too.
    assert {r.name for r in references_to(pll.group)} == {"Søknad om tiltaket"}
    assert on_area.focus_area == area


def test_history_and_the_plans_own_links_do_not_count(pll, secretariat_user):
    local = MeasureFactory(name="Lokalt tiltak", overall_measure=pll)
    application = ApplicationFactory()
    application.measures.add(pll)
    application.measures.remove(pll)  # gone now; the history of the link does not hold the row
    assert references_to(pll) == []
    remove_row(pll, user=secretariat_user)
    local.refresh_from_db()
    assert local.overall_measure is None


def test_a_long_list_is_cut_after_ten_names(pll, secretariat_user):
    for number in range(12):
        ApplicationFactory(title=f"Søknad {number:02}").measures.add(pll)
    with pytest.raises(RowInUse) as refusal:
        remove_row(pll, user=secretariat_user)
    assert len(refusal.value.references) == 12
    assert str(refusal.value).endswith("søknad «Søknad 09» og 2 til. Fjern koblingen der først.")


def test_the_confirmation_page_lists_what_points_at_the_row_and_offers_no_button(
    client, secretariat_user, plan, pll
):
    ApplicationFactory(title="Felles legemiddelliste i bydelen").measures.add(pll)
    client.force_login(secretariat_user)

    page = client.get(row_delete_url(plan, "tiltak", pll)).content.decode()

    assert "kan ikke fjernes" in page
    assert "Søknad «Felles legemiddelliste i bydelen»" in page
    assert 'type="submit"' not in page.split("<main", 1)[-1].split("</main>")[0]


def test_a_post_is_refused_with_the_names_and_deletes_nothing(client, secretariat_user, plan, pll):
    area = pll.group.area
    ApplicationFactory(title="Søknad om området", focus_area=area)
    client.force_login(secretariat_user)

    response = client.post(row_delete_url(plan, "omrade", area))

    assert response.status_code == 409
    assert "Søknad «Søknad om området»" in response.content.decode()
    assert FocusArea.objects.filter(pk=area.pk).exists()


def test_a_free_row_is_still_removed_from_the_page(client, secretariat_user, plan, pll):
    client.force_login(secretariat_user)
    page = client.get(row_delete_url(plan, "tiltak", pll)).content.decode()
    assert "Fjerne «" in page
    response = client.post(row_delete_url(plan, "tiltak", pll))
    assert response.status_code == 302
    assert not Measure.objects.filter(pk=pll.pk).exists()


@pytest.mark.parametrize("model_name", ["focusarea", "measure"])
def test_the_admin_refuses_too(client, secretariat_user, pll, model_name):
    area = pll.group.area
    application = ApplicationFactory(title="Søknad om området", focus_area=area)
    application.measures.add(pll)
    row = area if model_name == "focusarea" else pll
    client.force_login(secretariat_user)
    url = reverse(f"admin:portfolio_{model_name}_delete", args=[row.pk])

    page = client.get(url)
    response = client.post(url, {"post": "yes"})

    assert page.status_code == 200
    assert "søknad «Søknad om området»" in page.content.decode()
    assert response.status_code == 200  # the page again, not a deletion
    assert type(row).objects.filter(pk=row.pk).exists()
    assert list(application.measures.all()) == [pll]
