"""Speed of the meetings at the size of a long meeting: the minutes PDF of 20 items and 15
participants, each item with a purpose, background, minutes text and decision of a few
paragraphs (target: under a second), laid out and served kept, and the search across many
meetings.

Run with `make bench`. The query counts are tests in the suite (tests/meetings/); here we
measure time.
"""

import datetime

import pytest

from helsefellesskap.kept_pdfs import forget_pdf
from meetings.documents import minutes_pdf, minutes_pdf_key
from meetings.models import Attachment, Attendance, Minutes
from meetings.search import search
from tests.factories import BodyFactory, MembershipFactory, PersonFactory
from tests.meetings.factories import (
    OSLO,
    AttendanceFactory,
    FollowUpFactory,
    ItemFactory,
    MeetingFactory,
    MinutesFactory,
)

PARAGRAPH = (
    "Helsefellesskapet har fortsatte utfordringer og utviklingsområder. Ulike FACT-team finnes "
    "nå i alle sektorer og fyller en viktig funksjon, men bærekraftig drift er utfordrende. "
    "Partnerne drøftet ressursbruk, struktur og samhandling på tvers av nivåene, og hvordan "
    "porteføljeplanen kan brukes som et strategisk og levende verktøy i årene som kommer."
)


def paragraphs(count: int) -> str:
    return "\n\n".join([PARAGRAPH] * count)


def long_meeting(body=None, *, starts_at=None, status=Minutes.Status.PUBLISHED):
    body = body or BodyFactory(name="Strategisk samarbeidsutvalg (benk)")
    meeting = MeetingFactory(
        body=body,
        starts_at=starts_at or datetime.datetime(2025, 10, 14, 9, 0, tzinfo=OSLO),
        addressed_to="Partnere: byråd for helse og sykehusdirektørene",
    )
    members = []
    for number in range(12):
        person = PersonFactory(name=f"Deltaker {meeting.pk}-{number}")
        MembershipFactory(person=person, body=body)
        members.append(person)
    for person in members[:9]:
        AttendanceFactory(meeting=meeting, person=person)
    for person in members[9:11]:
        AttendanceFactory(meeting=meeting, person=person, status=Attendance.Status.ABSENT)
    AttendanceFactory(
        meeting=meeting, person=members[11], status=Attendance.Status.DEPUTY, deputy_for=members[9]
    )
    for status in (Attendance.Status.GUEST, Attendance.Status.OBSERVER):
        AttendanceFactory(meeting=meeting, person=PersonFactory(), status=status)
    AttendanceFactory(meeting=meeting, person=PersonFactory(), status=Attendance.Status.SECRETARIAT)
    for number in range(20):
        item = ItemFactory(
            meeting=meeting,
            title=f"Sak om samhandling og Aclasta, del {number}",
            purpose=paragraphs(1),
            presenter="Leder for strategisk samarbeidsutvalg",
            background=paragraphs(3),
            minutes_text=paragraphs(3),
            decision=paragraphs(2),
        )
        Attachment.objects.create(item=item, name=f"Vedlegg {number}.pdf")
        FollowUpFactory(item=item, due_on=datetime.date(2025, 12, 1))
    # Last: approved or published minutes lock the record they close.
    MinutesFactory(meeting=meeting, introduction=paragraphs(3), status=status)
    return meeting


@pytest.fixture
def meeting(db):
    return long_meeting()


def test_minutes_pdf_of_20_items_and_15_participants_laid_out(benchmark, meeting):
    """Laid out in every round: the kept PDF is forgotten before each (as after a change)."""
    assert meeting.attendances.count() == 15
    key = minutes_pdf_key(meeting)
    pdf = benchmark.pedantic(
        minutes_pdf, args=(meeting,), setup=lambda: forget_pdf(key), rounds=5, iterations=1
    )
    assert pdf.startswith(b"%PDF")


def test_minutes_pdf_of_20_items_and_15_participants_kept(benchmark, meeting):
    """Served from the kept PDF: the meeting read and its HTML rendered and compared."""
    laid_out = minutes_pdf(meeting)
    pdf = benchmark.pedantic(minutes_pdf, args=(meeting,), rounds=5, iterations=1)
    assert pdf == laid_out


def test_search_across_10_meetings_of_20_items(benchmark, db, reader_user):
    body = BodyFactory(name="Lokalt samarbeidsutvalg (benk)")
    for month in range(1, 11):
        long_meeting(
            body,
            starts_at=datetime.datetime(2025, month, 14, 9, 0, tzinfo=OSLO),
            status=Minutes.Status.PUBLISHED if month % 2 else Minutes.Status.DRAFT,
        )
    hits = benchmark(search, "FACT-team bærekraftig", user=reader_user, since=None)
    assert len(hits) == 50
