"""The secretariat adds, edits, moves and removes areas, groups and measures, starts a local
plan for an LSU, copies a plan to next year, and reads the overview."""

from django.urls import reverse

from portfolio.models import Cell, FocusArea, Measure, MeasureGroup, Plan
from tests.portfolio.factories import MeasureFactory


def url(name, *args):
    return reverse(f"portfolio:{name}", args=args)


def test_adding_an_area_a_group_and_a_measure_from_the_plan_page(client, secretariat_user, plan):
    client.force_login(secretariat_user)
    response = client.post(
        url("area_create", plan.pk),
        {"name": "Helseberedskap", "vision": "Samlet helsetjeneste ved kriser"},
    )
    area = FocusArea.objects.get(plan=plan, name="Helseberedskap")
    assert response["Location"] == f"{plan.get_absolute_url()}#rad-omrade-{area.pk}"
    assert area.history.first().history_user == secretariat_user

    client.post(url("group_create", plan.pk, area.pk), {"name": "Samarbeide om beredskapsplaner"})
    group = MeasureGroup.objects.get(area=area)
    client.post(
        url("measure_create", plan.pk),
        {"name": "Massetilstrømming", "group": group.pk, "change_reason": "Fra fagnettverket"},
    )
    measure = Measure.objects.get(group=group)
    assert measure.name == "Massetilstrømming"
    assert measure.history.first().history_change_reason == "Fra fagnettverket"
    html = client.get(plan.get_absolute_url()).content.decode()
    assert "Massetilstrømming" in html


def test_a_measure_cannot_be_put_in_another_plans_group(client, secretariat_user, plan, pll):
    other_group = MeasureFactory().group
    client.force_login(secretariat_user)
    response = client.post(
        url("measure_create", plan.pk), {"name": "Snik", "group": other_group.pk}
    )
    assert response.status_code == 200
    assert "Velg et gyldig valg" in response.content.decode()
    assert not Measure.objects.filter(name="Snik").exists()


def test_moving_a_measure_down_from_the_grid(client, secretariat_user, plan, pll):
    second = MeasureFactory(group=pll.group, name="Andre")
    client.force_login(secretariat_user)
    response = client.post(url("row_move", plan.pk, "tiltak", pll.pk), {"retning": "ned"})
    assert response["Location"].endswith(f"#rad-tiltak-{pll.pk}")
    assert list(pll.group.measures.all()) == [second, pll]


def test_removing_a_measure_keeps_its_history(client, secretariat_user, plan, pll):
    client.force_login(secretariat_user)
    page = client.get(url("row_delete", plan.pk, "tiltak", pll.pk))
    assert "Fjerne «" in page.content.decode()
    client.post(url("row_delete", plan.pk, "tiltak", pll.pk))
    assert not Measure.objects.filter(pk=pll.pk).exists()
    assert not Cell.objects.filter(measure_id=pll.pk).exists()
    assert Measure.history.filter(id=pll.pk, history_type="-").exists()
    assert Cell.history.filter(measure_id=pll.pk, history_type="-").count() == 2


def test_an_unknown_row_kind_or_a_row_of_another_plan_is_not_found(client, secretariat_user, pll):
    other = MeasureFactory()
    client.force_login(secretariat_user)
    plan = pll.group.area.plan
    assert client.post(url("row_move", plan.pk, "tull", pll.pk)).status_code == 404
    assert client.post(url("row_move", plan.pk, "tiltak", other.pk)).status_code == 404


def test_an_lsu_gets_a_local_plan_in_line_with_the_overall_plan(
    client, secretariat_user, plan, lsu
):
    client.force_login(secretariat_user)
    response = client.post(
        url("plan_create"),
        {
            "title": "Lokal porteføljeplan 2026",
            "body": lsu.pk,
            "based_on": plan.pk,
            "first_year": 2025,
            "last_year": 2026,
        },
    )
    local = Plan.objects.get(title="Lokal porteføljeplan 2026")
    assert response["Location"] == local.get_absolute_url()
    assert local.body == lsu and local.based_on == plan
    assert [c.heading for c in local.columns.all()] == ["2025", "Fokus for 2026"]


def test_a_local_plan_must_belong_to_an_lsu(client, secretariat_user, plan):
    client.force_login(secretariat_user)
    response = client.post(
        url("plan_create"),
        {"title": "Feil", "based_on": plan.pk, "first_year": 2026, "last_year": 2026},
    )
    assert response.status_code == 200
    assert not Plan.objects.filter(title="Feil").exists()


def test_a_local_measure_points_to_the_overall_measure(client, secretariat_user, plan, pll, lsu):
    local = Plan.objects.create(title="Lokal plan", body=lsu, based_on=plan)
    local_group = MeasureFactory(group__area__plan=local).group
    client.force_login(secretariat_user)
    client.post(
        url("measure_create", local.pk),
        {"name": "PLL i OUS-sektoren", "group": local_group.pk, "overall_measure": pll.pk},
    )
    assert Measure.objects.get(name="PLL i OUS-sektoren").overall_measure == pll


def test_copying_the_plan_to_next_year_from_the_page(client, secretariat_user, plan, pll):
    client.force_login(secretariat_user)
    form = client.get(url("plan_copy", plan.pk)).content.decode()
    assert 'value="Porteføljeplan 2027"' in form
    response = client.post(
        url("plan_copy", plan.pk), {"title": "Porteføljeplan 2027", "year": 2027}
    )
    new_plan = Plan.objects.get(title="Porteføljeplan 2027")
    assert response["Location"] == new_plan.get_absolute_url()
    assert Measure.objects.of_plan(new_plan).count() == 1


def test_the_overview_counts_measures_per_status_and_draws_them(client, reader_user, plan, pll):
    MeasureFactory(group=pll.group)  # no cells: counted as "Ingen status"
    client.force_login(reader_user)
    html = client.get(url("plan_overview", plan.pk), {"aar": 2025}).content.decode()
    assert "<svg" in html and 'role="img"' in html
    assert "Digital samhandling: 1 under arbeid" in html
    assert "Digital samhandling: 1 ingen status" in html
    # The table carries the same numbers: Ikke påbegynt, Planlagt, Under arbeid, Ferdigstilt,
    # Ingen status, Sum.
    assert "<td>0</td><td>0</td><td>1</td><td>0</td><td>1</td><td>2</td>" in html
