"""Factories and a small year of a sector for the annual report's tests: an LSU with members,
two meetings with items and attendance, and a council under it."""

import datetime
from dataclasses import dataclass

import factory

from annual_report.models import AnnualReport, StatedFigures
from helsefellesskap.models import Body, Membership
from meetings.models import Attendance
from tests.factories import BodyFactory, MembershipFactory, PersonFactory, SectorFactory
from tests.meetings.factories import OSLO, AttendanceFactory, ItemFactory, MeetingFactory


class AnnualReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AnnualReport

    year = 2019


class StatedFiguresFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StatedFigures

    year = 2019
    source = "Årsrapport 2019"


def meeting_on(body, day: datetime.date, *, hours=2, **kwargs):
    starts = datetime.datetime.combine(day, datetime.time(12, 0), tzinfo=OSLO)
    return MeetingFactory(
        body=body, starts_at=starts, ends_at=starts + datetime.timedelta(hours=hours), **kwargs
    )


@dataclass
class SectorYear:
    sector: object
    lsu: Body
    council: Body
    leader: Membership
    member: Membership
    left: Membership
    deputy: Membership
    secretary: Membership
    meetings: list


def sector_year(year=2019) -> SectorYear:
    """An LSU's year like the 2019 Ahus report's: the leader present at both meetings, a member
    absent at the first and replaced by a deputy at the second, one who left between them."""
    sector = SectorFactory(name="Testsektoren", short_name="Test")
    lsu = BodyFactory(name="LSU Testsektoren", sector=sector, mandate="Forum for ledelsen.")
    council = BodyFactory(
        name="Samarbeidsforum Testsektoren", kind=Body.Kind.COUNCIL, parent=lsu, sector=sector
    )
    leader = MembershipFactory(
        body=lsu,
        role=Membership.Role.LEADER,
        person=PersonFactory(name="Lise Leder"),
        position="Adm. direktør, Testsykehuset",
    )
    member = MembershipFactory(body=lsu, person=PersonFactory(name="Mona Medlem"))
    left = MembershipFactory(
        body=lsu, person=PersonFactory(name="Sture Sluttet"), end=datetime.date(year, 6, 30)
    )
    deputy = MembershipFactory(
        body=lsu,
        role=Membership.Role.DEPUTY,
        person=PersonFactory(name="Vera Vara"),
        position="Ass. direktør, Bydel Test",
    )
    secretary = MembershipFactory(
        body=lsu, role=Membership.Role.SECRETARY, person=PersonFactory(name="Siv Sekretær")
    )
    spring = meeting_on(lsu, datetime.date(year, 3, 28))
    winter = meeting_on(lsu, datetime.date(year, 12, 12))
    for person, status in [
        (leader.person, Attendance.Status.PRESENT),
        (member.person, Attendance.Status.ABSENT),
        (left.person, Attendance.Status.PRESENT),
        (secretary.person, Attendance.Status.PRESENT),
    ]:
        AttendanceFactory(meeting=spring, person=person, status=status)
    AttendanceFactory(meeting=winter, person=leader.person)
    AttendanceFactory(
        meeting=winter,
        person=deputy.person,
        status=Attendance.Status.DEPUTY,
        deputy_for=member.person,
    )
    ItemFactory(meeting=spring, title="Årsrapport 2018", kind="orientering")
    ItemFactory(meeting=spring, title="Utrede FACT-team", kind="vedtak")
    ItemFactory(meeting=winter, title="Møteplan 2020", kind="vedtak")
    return SectorYear(
        sector, lsu, council, leader, member, left, deputy, secretary, [spring, winter]
    )
