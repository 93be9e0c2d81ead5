"""Phones are first-class: no page of the portal scrolls sideways at 390 px. Every page the
secretariat can open (the permission matrix's URLs and data) is opened in Chromium at a
phone's width; a wide table may scroll inside its own box, the page itself never."""

import datetime
import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from meetings.models import Attendance, ParticipantGroup
from portfolio.models import Cell, FocusArea, MeasureGroup, Plan
from tests.factories import BodyFactory, MembershipFactory, PersonFactory
from tests.meetings.factories import (
    OSLO,
    AttendanceFactory,
    FollowUpFactory,
    ItemFactory,
    MeetingFactory,
)
from tests.portfolio.factories import (
    CellFactory,
    FocusAreaFactory,
    MeasureFactory,
    MeasureGroupFactory,
    PlanFactory,
)
from tests.test_permission_matrix import (  # noqa: F401  (fixtures)
    MATRIX,
    OK,
    _url_name,
    annual_report_data,
    document_job,
    register_data,
)

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}


def html_pages(client, user, data) -> list[str]:
    """The secretariat's pages that answer with a whole HTML page (no file, no fragment)."""
    client.force_login(user)
    urls = []
    for key, (build_args, expected) in sorted(MATRIX.items()):
        if expected.get("secretariat") != OK:
            continue
        url = reverse(_url_name(key), args=build_args(data))
        response = client.get(url)
        is_page = response.get("Content-Type", "").startswith("text/html")
        if response.status_code == OK and is_page and b"<main" in response.content:
            urls.append(url)
    return urls


def test_no_page_scrolls_sideways_on_a_phone(page, log_in, client, secretariat_user, request):
    urls = html_pages(client, secretariat_user, request.getfixturevalue("register_data"))
    assert len(urls) > 40  # the sweep covers the portal, not a handful of pages
    log_in(secretariat_user.username)
    page.set_viewport_size(PHONE)
    too_wide = []
    for url in urls:
        page.goto(url)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            too_wide.append(f"{url}: {width} px")
    assert not too_wide, "Sider som er bredere enn telefonen:\n" + "\n".join(too_wide)


def test_real_names_and_titles_fit_a_phone(page, log_in, reader_user):
    """The sweep's data is short; the real register's is not. A meeting's participants listed
    as in the minutes of 14.10.2025 (a long organisation name, an observer) and the follow-ups'
    filter, which names every body in full, keep the page within the phone's width."""
    body = BodyFactory(name="Ledersamarbeidsforum DPS Groruddalen og kommune/bydeler (LSF)")
    meeting = MeetingFactory(body=body)
    group = ParticipantGroup.objects.create(
        meeting=meeting,
        position=1,
        heading="Tilstedeværende deltakere fra Strategisk samarbeidsutvalg:",
    )
    for position, (name, listed_as, status) in enumerate(
        (
            ("Johan Stenseth", "Yrkesorganisasjonenes Sentralforbund", Attendance.Status.GUEST),
            (
                "Kirsten Sæther",
                "samhandlingssjef Sunnaas sykehus, observatør",
                Attendance.Status.OBSERVER,
            ),
        ),
        start=1,
    ):
        AttendanceFactory(
            meeting=meeting,
            person=PersonFactory(name=name),
            group=group,
            position=position,
            listed_as=listed_as,
            status=status,
        )
    FollowUpFactory(item=ItemFactory(meeting=meeting))
    log_in(reader_user.username)
    page.set_viewport_size(PHONE)
    for url in (meeting.get_absolute_url(), reverse("meetings:followup_list")):
        page.goto(url)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{url} is {width} px wide on a phone"


def test_the_plan_changes_and_a_cells_history_fit_a_phone(page, log_in, reader_user):
    """The changes page's and a cell's history's four columns with the real plan's words: a
    measure added since the start day, its cells' texts beside "(tiltaket fantes ikke)", and
    the comment the slides' import gave each cell."""
    plan = PlanFactory(title="Porteføljeplan 2026", years=[2024, 2025, 2026])
    group = MeasureGroupFactory(
        area=FocusAreaFactory(plan=plan, name="Digital samhandling"),
        name="Få felles forståelse",
    )
    for model in (Plan, FocusArea, MeasureGroup):
        model.history.update(history_date=datetime.datetime(2025, 9, 1, 12, tzinfo=OSLO))
    measure = MeasureFactory(
        group=group,
        name="Fortsatt deltakelse i og utvikling av fagnettverk for digital samhandling",
    )
    for year in (2024, 2025, 2026):
        CellFactory(measure=measure, year=year, text="Kvartalsvise nettverksmøter gjennomføres")
    Cell.history.update(history_change_reason="Innlest fra lysarkene «Porteføljeplan 2026»")
    log_in(reader_user.username)
    page.set_viewport_size(PHONE)
    today = datetime.date.today().isoformat()
    page.goto(f"{reverse('portfolio:plan_changes', args=[plan.pk])}?fra=2025-10-01&til={today}")
    expect(page.get_by_role("table", name="Digital samhandling: 3 endrede celler")).to_be_visible()
    page.goto(reverse("portfolio:cell_history", args=[plan.pk, measure.pk, 2024]))
    expect(page.get_by_role("table", name="Endringer i cellen, nyeste først")).to_contain_text(
        "«Porteføljeplan 2026»"
    )
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width} px wide on a phone"


def test_the_plan_overview_chart_is_readable_on_a_phone(page, log_in, reader_user):
    """Scaled to a phone's width the chart's area names were 5 px high: it keeps its size and
    scrolls in its own box."""
    plan = PlanFactory(title="Porteføljeplan 2026", years=[2024, 2025, 2026])
    group = MeasureGroupFactory(
        area=FocusAreaFactory(plan=plan, name="Svangerskap-, fødsels- og barselomsorg")
    )
    CellFactory(measure=MeasureFactory(group=group), year=2026, status="under_arbeid")
    log_in(reader_user.username)
    page.set_viewport_size(PHONE)
    page.goto(reverse("portfolio:plan_overview", args=[plan.pk]))
    label = page.locator(".status-chart .chart-label").first
    expect(label).to_have_text("Svangerskap-, fødsels- og barselomsorg")
    assert label.bounding_box()["height"] >= 10
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the overview is {width} px wide on a phone"


def test_the_year_wheel_with_a_meeting_fits_a_phone(page, log_in, reader_user):
    """The month-by-month table beside the wheel widened the page's one grid column (to
    496 px with the partnership meeting of 14.10.2025) instead of scrolling in its box."""
    MeetingFactory(
        body=BodyFactory(name="Partnerskapsmøtet"),
        title="Partnerskapsmøte Helsefellesskap Oslo",
        starts_at=datetime.datetime(2025, 10, 14, 9, tzinfo=OSLO),
    )
    log_in(reader_user.username)
    page.set_viewport_size(PHONE)
    page.goto(f"{reverse('meetings:year_wheel')}?aar=2025")
    expect(
        page.get_by_role("link", name=re.compile("^Partnerskapsmøte Helsefellesskap"))
    ).to_be_attached()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the year wheel is {width} px wide on a phone"


def test_a_checkbox_stays_beside_its_label_on_a_phone(page, log_in, secretariat_user):
    """«Startdato ukjent – første bekreftede dato» is wider than a phone's line beside its box:
    the label went to a line of its own, under the box, instead of wrapping beside it."""
    membership = MembershipFactory(start_unknown=True)
    log_in(secretariat_user.username)
    page.set_viewport_size(PHONE)
    page.goto(reverse("membership_edit", args=[membership.pk]))
    box = page.get_by_role("checkbox", name=re.compile("^Startdato ukjent")).bounding_box()
    label = page.locator("label", has_text="Startdato ukjent").bounding_box()
    assert label["x"] > box["x"] + box["width"]  # beside the box
    assert label["y"] < box["y"] + box["height"]  # on its line, not under it
