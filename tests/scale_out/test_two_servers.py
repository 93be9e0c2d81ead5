"""Two application servers against one PostgreSQL database (issue 18): eight people at a time,
whose requests go to the two gunicorn servers in turn, edit the same plan cells (and read the
plan page, which every worker renders once per state of the plan and keeps), add items to
the meetings of one body, draft grants against one allocation and adopt the decisions, approve
the same minutes and share uploaded files, all at the same moment. No save is lost, no number
is given twice, exactly as many win as may and the others are told so, and no request ends in
a server error."""

import datetime
import time
from collections import Counter
from decimal import Decimal

import pytest
from django.db import connection

from grants.models import Application, DecisionMeeting, DraftDecision
from helsefellesskap.models import today
from helsefellesskap.permissions import DECISION_MAKER_GROUP, SECRETARIAT_GROUP
from meetings.models import Attachment, Item, ItemCounter, Minutes
from portfolio.models import Cell
from tests.factories import BodyFactory, UserFactory
from tests.grants.factories import AllocationFactory, ApplicationFactory
from tests.meetings.factories import OSLO, PDF_BYTES, ItemFactory, MeetingFactory, MinutesFactory
from tests.portfolio.factories import CellFactory, MeasureFactory, PlanFactory

from .visitors import at_once, together, visitors_for

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="two servers against one database are proven on PostgreSQL: SQLite is one "
        "file on one machine, which lets a single writer in at a time",
    ),
]

PEOPLE = 8
# The decision form's outcome "Innvilget", as the browser posts it.
GRANT = "innvilget"
ROUNDS = 4
YEARS = (2025, 2026)


def secretariat(n=PEOPLE):
    return [
        UserFactory(username=f"sekretariat{i}", roles=[SECRETARIAT_GROUP], is_staff=True)
        for i in range(n)
    ]


def decision_makers(n=PEOPLE):
    return [UserFactory(username=f"direktor{i}", roles=[DECISION_MAKER_GROUP]) for i in range(n)]


def text(response) -> str:
    """The page as text with ordinary spaces (amounts are written with non-breaking ones)."""
    return response.text.replace("\xa0", " ")


def assert_no_server_errors(visitors):
    errors = [error for visitor in visitors for error in visitor.server_errors]
    assert errors == []


def test_two_servers_against_one_database(servers):
    """Eight of the secretariat and eight decision makers log in (each on one server; their
    sessions work on both) and take the four steps at once, phase by phase."""
    statuses = Counter()
    started = time.monotonic()
    people = visitors_for(secretariat() + decision_makers(), servers, statuses)
    secretaries, directors = people[:PEOPLE], people[PEOPLE:]

    the_same_cells_edited_at_once_lose_no_save(secretaries)
    items_added_at_once_get_unique_numbers_without_gaps(secretaries)
    decisions_drafted_and_adopted_at_once_stay_within_the_allocation(directors)
    the_same_minutes_approved_at_once_are_approved_once(secretaries)
    a_file_uploaded_through_one_server_is_read_through_the_other(secretaries)

    assert_no_server_errors(people)
    assert max(statuses) < 500
    per_status = ", ".join(f"{status}: {n}" for status, n in sorted(statuses.items()))
    print(
        f"\nTo servere, {len(people)} personer: {statuses.total()} forespørsler på "
        f"{time.monotonic() - started:.1f} s ({per_status})"
    )


def the_same_cells_edited_at_once_lose_no_save(visitors):
    plan = PlanFactory(years=list(YEARS))
    measure = MeasureFactory(group__area__plan=plan)
    # 2025 has a text; 2026 has none yet, so its first save races on the unique constraint.
    CellFactory(measure=measure, year=2025, text="Forberede innføring", version=1)
    before = {
        year: list(Cell.history.filter(measure=measure, column__year=year).values_list("text"))
        for year in YEARS
    }
    versions_before = {2025: 1, 2026: 0}

    def cell_path(year):
        return f"/portefolje/{plan.pk}/tiltak/{measure.pk}/{year}/endre/"

    def open_cell(visitor, round):
        # The plan page first, from whichever server and worker: every one of them keeps its
        # own rendered grid, and each must show what the last round saved (through the other
        # server, or another worker of this one).
        saved = Cell.objects.filter(measure=measure).values_list("text", flat=True)
        page = visitor.get(plan.get_absolute_url())
        assert page.status_code == 200 and all(text in page.text for text in saved)
        return visitor.open_form(cell_path(round[1]))

    def save(visitor, round, fields):
        number, year = round
        text = f"Runde {number} i {year}: {visitor.username}"
        data = {"text": text, "status": "", "comment": "", "version": fields["version"]}
        response = visitor.post(cell_path(year), fields, data)
        told = response.status_code == 409 and "mens du redigerte" in response.text
        return response.status_code, text, told

    rounds = [(number, year) for number in range(1, ROUNDS + 1) for year in YEARS]
    results = at_once(visitors, rounds, open_cell, save)

    assert_no_server_errors(visitors)
    final = list(Cell.objects.filter(measure=measure).values_list("text", flat=True))
    pages = together(lambda visitor: visitor.get(plan.get_absolute_url()), [(v,) for v in visitors])
    assert all(text in page.text for page in pages for text in final)
    answers = Counter(status for _, _, (status, _, _) in results)
    assert set(answers) == {302, 409}, answers
    # Everyone read the same version in a round, so exactly one save per round wins; every
    # other editor is told someone changed the cell meanwhile.
    assert all(told for _, _, (status, _, told) in results if status == 409)
    for year in YEARS:
        saved = sorted(
            (number, text)
            for (number, y), _, (status, text, _) in results
            if y == year and status == 302
        )
        assert [number for number, _ in saved] == list(range(1, ROUNDS + 1))
        cell = Cell.objects.get(measure=measure, column__year=year)
        assert cell.text == saved[-1][1]
        assert cell.version == versions_before[year] + ROUNDS
        history = list(cell.history.values_list("text"))
        assert Counter(history) == Counter(before[year] + [(text,) for _, text in saved])


def items_added_at_once_get_unique_numbers_without_gaps(visitors):
    # Two meetings of one body in one year: four people add to each at once. Within a meeting
    # the meeting's lock queues them; between the two only the body's counter does.
    body = BodyFactory()
    meetings = [
        MeetingFactory(body=body, starts_at=datetime.datetime(2025, month, 14, 9, tzinfo=OSLO))
        for month in (3, 6)
    ]

    def path(visitor):
        return f"/moter/{meetings[visitor.index % len(meetings)].pk}/ny-sak/"

    def add(visitor, round, fields):
        title = f"Sak {round} fra {visitor.username}"
        data = {"kind": Item.Kind.DECISION, "title": title, "purpose": "", "presenter": ""}
        response = visitor.post(path(visitor), fields, data | {"background": ""})
        return response.status_code, title

    results = at_once(visitors, range(ROUNDS), lambda v, _: v.open_form(path(v)), add)

    assert_no_server_errors(visitors)
    assert [status for _, _, (status, _) in results] == [302] * PEOPLE * ROUNDS
    items = Item.objects.filter(meeting__in=meetings)
    assert sorted(items.values_list("title", flat=True)) == sorted(t for *_, (_, t) in results)
    assert sorted(items.values_list("number", flat=True)) == list(range(1, PEOPLE * ROUNDS + 1))
    counter = ItemCounter.objects.get(body=body, year=2025)
    assert counter.last_number == PEOPLE * ROUNDS


def decisions_drafted_and_adopted_at_once_stay_within_the_allocation(visitors):
    # Room for two grants of 100 000 kr: eight decision makers draft one each at once.
    allocation = AllocationFactory(amount=Decimal("250000"))
    applications = [
        ApplicationFactory(
            round=allocation.round,
            sector=allocation.sector,
            state=Application.State.FORWARDED,
            amount_asked=Decimal("100000"),
        )
        for _ in visitors
    ]
    decisions_page = f"/tilskudd/runde/{allocation.round_id}/vedtak/"

    def draft(visitor, round, fields):
        application = applications[visitor.index % len(applications)]
        prefix = f"utkast-{application.pk}-"
        data = {"outcome": GRANT, "amount": "100 000", "note": f"Utkast fra {visitor.username}"}
        response = visitor.post(
            f"/tilskudd/soknad/{application.pk}/vedtaksutkast/",
            fields,
            {prefix + name: value for name, value in data.items()},
        )
        page = visitor.follow(response) if response.status_code == 302 else text(response)
        return response.status_code, "Utkastet er ikke lagret" in page and "Det er bare" in page

    def adopt(visitor, round, fields):
        data = {"held_on": f"{today()}", "participants": f"{visitor.username}\nByrådsavdelingen"}
        response = visitor.post(f"{decisions_page}vedta/", fields, data)
        page = visitor.follow(response) if response.status_code == 302 else text(response)
        adopted = "2 vedtak er fattet i vedtaksmøtet" in page
        return response.status_code, adopted, "Det er ingen vedtaksutkast å vedta." in page

    def open_page(visitor, round):
        return visitor.open_form(decisions_page)

    drafts = at_once(visitors, [1], open_page, draft)
    adoptions = at_once(visitors, [1], open_page, adopt)

    assert_no_server_errors(visitors)
    assert Counter(answer for *_, answer in drafts) == {(302, False): 2, (409, True): 6}
    assert Counter(answer for *_, answer in adoptions) == {
        (302, True, False): 1,
        (409, False, True): len(visitors) - 1,
    }
    assert DecisionMeeting.objects.filter(round=allocation.round).count() == 1
    assert not DraftDecision.objects.filter(application__round=allocation.round).exists()
    states = Counter(a.state for a in Application.objects.filter(round=allocation.round))
    assert states == {Application.State.GRANTED: 2, Application.State.FORWARDED: 6}
    granted = Application.objects.filter(state=Application.State.GRANTED)
    assert sum(a.amount_granted for a in granted) == Decimal("200000")
    for application in granted:
        decided = application.history.filter(history_change_reason__startswith="Innvilget")
        assert decided.count() == 1


def the_same_minutes_approved_at_once_are_approved_once(visitors):
    body = BodyFactory()
    meetings = [
        MeetingFactory(body=body, starts_at=datetime.datetime(2025, month, 14, 9, tzinfo=OSLO))
        for month in (3, 6, 9)
    ]
    # The first meeting's minutes have no row yet: approving them creates it.
    for meeting in meetings[1:]:
        MinutesFactory(meeting=meeting)

    def approve(visitor, meeting, fields):
        data = {"handling": "godkjenn", "at_meeting": "", "in_item": "", "on": f"{meeting.date}"}
        response = visitor.post(f"/moter/{meeting.pk}/referat/", fields, data)
        page = visitor.follow(response) if response.status_code == 302 else response.text
        approved = "Referatet er godkjent og låst." in page
        # The one who came second is told so, on the minutes' page as they are now.
        told = "Referatet er allerede godkjent." in page
        return response.status_code, approved, told

    def open_minutes(visitor, meeting):
        return visitor.open_form(f"/moter/{meeting.pk}/referat/")

    results = at_once(visitors, meetings, open_minutes, approve)

    assert_no_server_errors(visitors)
    for meeting in meetings:
        answers = Counter(answer for m, _, answer in results if m == meeting)
        assert answers == {(302, True, False): 1, (302, False, True): PEOPLE - 1}
        minutes = Minutes.objects.get(meeting=meeting)
        assert minutes.status == Minutes.Status.APPROVED
        assert minutes.approved_on == meeting.date
        approvals = minutes.history.filter(history_change_reason="Referat godkjent")
        assert approvals.count() == 1


def a_file_uploaded_through_one_server_is_read_through_the_other(visitors):
    item = ItemFactory()

    def upload(visitor, round, fields):
        content = PDF_BYTES + f"% {visitor.username}\n".encode()
        response = visitor.request(
            "POST",
            f"/moter/sak/{item.pk}/vedlegg/nytt/",
            data={"csrfmiddlewaretoken": fields["csrfmiddlewaretoken"], "name": ""},
            files={"file": (f"{visitor.username}.pdf", content, "application/pdf")},
        )
        return response.status_code, content

    def open_upload(visitor, round):
        return visitor.open_form(f"/moter/sak/{item.pk}/vedlegg/nytt/")

    uploads = at_once(visitors, [1], open_upload, upload)
    assert [status for *_, (status, _) in uploads] == [302] * PEOPLE
    stored = {a.name: a.pk for a in Attachment.objects.filter(item=item)}

    def download(visitor, content):
        # The visitor's next request goes to the other server than the upload did.
        response = visitor.get(f"/moter/vedlegg/{stored[visitor.username + '.pdf']}/")
        return response.status_code, response.content == content

    downloads = together(download, [(visitor, content) for _, visitor, (_, content) in uploads])
    assert downloads == [(200, True)] * PEOPLE
    assert_no_server_errors(visitors)
