"""The front page of each role lists what waits for that person, with a link straight to the
step, and what is coming; it costs the same number of queries whatever the amount of data."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from annual_report import versions
from annual_report.versions import approve_version, generate_version
from grants.models import Application
from helsefellesskap.models import Body, Membership
from meetings.models import FollowUp
from tests.annual_report.factories import AnnualReportFactory
from tests.factories import MembershipFactory, PersonFactory, SectorFactory, UserFactory
from tests.grants.factories import ApplicationFactory
from tests.meetings.factories import PDF_BYTES, FollowUpFactory, MeetingFactory
from tests.portfolio.factories import MeasureFactory

pytestmark = pytest.mark.django_db


def front_page(client, user) -> tuple[list[str], list[str], list[str]]:
    """(the "Venter på deg" lines, their links, the "Nytt og kommende" lines)."""
    client.force_login(user)
    response = client.get(reverse("home"))
    steps = response.context["steps"]
    notices = response.context["notices"]
    return [t.text for t in steps], [t.url for t in steps], [t.text for t in notices]


@pytest.fixture
def sector_lsu():
    sector = SectorFactory(name="Nordsektoren", short_name="Nord")
    return Body.objects.create(name="LSU Nord", kind=Body.Kind.LOCAL_COMMITTEE, sector=sector)


def test_the_lsu_leader_sees_applications_to_prioritise_and_minutes_to_approve(client, sector_lsu):
    leader = UserFactory(username="nordleder")
    person = PersonFactory(name="Lise Leder", user=leader)
    MembershipFactory(person=person, body=sector_lsu, role=Membership.Role.LEADER)
    first = ApplicationFactory(sector=sector_lsu.sector, state=Application.State.SUBMITTED)
    ApplicationFactory(
        sector=sector_lsu.sector, round=first.round, state=Application.State.SUBMITTED
    )
    ApplicationFactory(sector=SectorFactory(), round=first.round, state=Application.State.SUBMITTED)
    past = MeetingFactory(body=sector_lsu, starts_at=timezone.now() - datetime.timedelta(days=7))
    MeetingFactory(body=sector_lsu, starts_at=timezone.now() + datetime.timedelta(days=7))

    steps, links, notices = front_page(client, leader)
    assert steps == ["1 referat venter på godkjenning", "2 søknader venter på prioritering"]
    assert links == [
        reverse("meetings:minutes", args=[past.pk]),
        reverse("grants:prioritisation", args=[first.round.pk, sector_lsu.sector.pk]),
    ]
    assert any(line.startswith("Neste møte: LSU Nord") for line in notices)


def test_a_cancelled_meeting_waits_for_no_minutes_and_is_not_the_next_meeting(client, sector_lsu):
    leader = UserFactory(username="nordleder")
    person = PersonFactory(name="Lise Leder", user=leader)
    MembershipFactory(person=person, body=sector_lsu, role=Membership.Role.LEADER)
    for days in (-7, 7):
        MeetingFactory(
            body=sector_lsu,
            starts_at=timezone.now() + datetime.timedelta(days=days),
            cancelled_at=timezone.now() - datetime.timedelta(days=10),
            cancel_reason="Ingen saker.",
        )
    steps, _, notices = front_page(client, leader)
    assert steps == []
    assert not any(line.startswith("Neste møte") for line in notices)


def test_the_decision_maker_sees_what_waits_for_a_decision(client, decision_maker_user):
    forwarded = ApplicationFactory(state=Application.State.FORWARDED)
    ApplicationFactory(round=forwarded.round, state=Application.State.FORWARDED)
    ApplicationFactory(round=forwarded.round, state=Application.State.GRANTED)
    steps, links, _ = front_page(client, decision_maker_user)
    assert steps == ["2 søknader venter på vedtak"]
    assert links == [reverse("grants:decisions", args=[forwarded.round.pk])]


def test_a_member_sees_own_drafts_follow_ups_and_open_rounds(client, sector_lsu):
    member = UserFactory(username="nordmedlem")
    person = PersonFactory(name="Mona Medlem", user=member)
    MembershipFactory(person=person, body=sector_lsu)
    draft = ApplicationFactory(
        sector=sector_lsu.sector,
        created_by=member,
        state=Application.State.DRAFT,
        round__deadline=timezone.now() + datetime.timedelta(days=20),
    )
    FollowUpFactory(responsible_person=person, due_on=datetime.date(2020, 1, 1))
    FollowUpFactory(responsible_person=person, status=FollowUp.Status.DONE)

    steps, links, notices = front_page(client, member)
    assert steps == ["1 oppfølging er ditt ansvar", "1 søknadsutkast er ikke sendt inn"]
    assert links == [reverse("meetings:followup_list"), draft.get_absolute_url()]
    assert any(line.startswith(f"Søknadsfristen for {draft.round} går ut") for line in notices)
    page = client.get(reverse("home")).text
    assert "1 har passert fristen" in page


def test_the_secretariat_sees_reports_waiting_for_approval_and_a_reader_the_published_one(
    client, secretariat_user, reader_user, monkeypatch, lsu
):
    monkeypatch.setattr(versions, "render_report_pdf", lambda *a, **k: PDF_BYTES)
    published = AnnualReportFactory(year=2025, body=lsu)
    approve_version(
        generate_version(published, secretariat_user),
        body=lsu,
        approved_on=timezone.localdate(),
        remark="Godkjent",
        user=secretariat_user,
    )
    generate_version(AnnualReportFactory(year=2024, body=lsu), secretariat_user)

    steps, links, _ = front_page(client, secretariat_user)
    assert "1 årsrapport venter på godkjenning" in steps
    assert reverse("annual_report:report_list") in links
    steps, _, notices = front_page(client, reader_user)
    assert steps == []
    assert f"{published.title} er publisert" in notices
    assert "Ingenting venter på deg nå." in client.get(reverse("home")).text


def test_a_body_leader_sees_the_measures_the_body_is_responsible_for(client, sector_lsu):
    leader = UserFactory(username="planleder")
    MembershipFactory(
        person=PersonFactory(user=leader), body=sector_lsu, role=Membership.Role.SECRETARY
    )
    measure = MeasureFactory(responsible_body=sector_lsu, group__area__plan__title="Plan 2026")
    MeasureFactory(group=measure.group, responsible_body=sector_lsu)
    steps, links, _ = front_page(client, leader)
    plan = measure.group.area.plan
    assert steps == ["2 tiltak i Plan 2026 er ditt organs ansvar"]
    assert links == [f"{plan.get_absolute_url()}?ansvarlig={sector_lsu.pk}"]


def test_the_front_page_costs_the_same_with_more_data(client, sector_lsu):
    leader = UserFactory(username="storleder", roles=["Beslutningstaker"])
    person = PersonFactory(user=leader)
    MembershipFactory(person=person, body=sector_lsu, role=Membership.Role.LEADER)

    def add_a_year(year):
        application = ApplicationFactory(
            sector=sector_lsu.sector, state=Application.State.SUBMITTED, round__year=year
        )
        ApplicationFactory(round=application.round, state=Application.State.FORWARDED)
        ApplicationFactory(
            round=application.round, created_by=leader, state=Application.State.DRAFT
        )
        MeetingFactory(body=sector_lsu, starts_at=timezone.now() - datetime.timedelta(days=year))
        FollowUpFactory(responsible_person=person)
        MeasureFactory(responsible_body=sector_lsu)

    def queries():
        client.force_login(leader)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("home")).status_code == 200
        return len(captured)

    add_a_year(2030)
    one_year = queries()
    for year in range(2031, 2040):
        add_a_year(year)
    assert queries() == one_year


def test_the_menu_counts_what_waits_in_each_part(client, sector_lsu):
    leader = UserFactory(username="nordleder")
    person = PersonFactory(name="Lise Leder", user=leader)
    MembershipFactory(person=person, body=sector_lsu, role=Membership.Role.LEADER)
    first = ApplicationFactory(sector=sector_lsu.sector, state=Application.State.SUBMITTED)
    ApplicationFactory(
        sector=sector_lsu.sector, round=first.round, state=Application.State.SUBMITTED
    )
    MeetingFactory(body=sector_lsu, starts_at=timezone.now() - datetime.timedelta(days=7))
    client.force_login(leader)

    page = client.get(reverse("home")).text
    assert f'data-hx-get="{reverse("waiting_counts")}"' in page  # fetched after the page
    counts = client.get(reverse("waiting_counts"), headers={"HX-Request": "true"})
    assert counts.context["badges"] == [
        ("home", 3),
        ("meetings", 1),
        ("portfolio", 0),
        ("grants", 2),
        ("annual_report", 0),
    ]
    assert (
        '<span id="nav-count-grants" class="nav-count" data-hx-swap-oob="true"> '
        '<span class="count-badge">2</span><span class="visually-hidden"> venter på deg</span>'
    ) in counts.text
    assert '<span id="nav-count-portfolio" class="nav-count" data-hx-swap-oob="true"></span>' in (
        counts.text
    )
