"""Factories for meetings: a meeting of a body, numbered items, attendance, minutes,
follow-ups and the year's activities."""

import datetime
from zoneinfo import ZoneInfo

import factory

from helsefellesskap.records import correcting
from meetings.models import (
    Activity,
    Attachment,
    Attendance,
    FollowUp,
    Item,
    Meeting,
    Minutes,
)
from meetings.numbering import allocate_item_number
from tests.factories import BodyFactory, PersonFactory

OSLO = ZoneInfo("Europe/Oslo")


class RecordFactory(factory.django.DjangoModelFactory):
    """Test data is set up as it is, also inside a meeting whose minutes are already
    published (as a fixture loads it): the factories' saves pass the record's lock, which
    every other path keeps (see meetings.models.GuardedRecord)."""

    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        obj = model_class(*args, **kwargs)
        with correcting(obj):
            obj.save()
        return obj


class MeetingFactory(RecordFactory):
    class Meta:
        model = Meeting

    body = factory.SubFactory(BodyFactory)
    starts_at = datetime.datetime(2025, 10, 14, 9, 0, tzinfo=OSLO)
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + datetime.timedelta(hours=2, minutes=20))
    location = "Rådhusets møtesenter, møterom 6"
    sender = "Sekretariatet"
    case_officer = "Helsefellesskap Oslo, sekretariatet"


class ItemFactory(RecordFactory):
    """An item numbered like the real ones: the next free number of the body that year."""

    class Meta:
        model = Item

    meeting = factory.SubFactory(MeetingFactory)
    kind = Item.Kind.DECISION
    title = factory.Sequence(lambda n: f"Sak om samhandling {n}")
    position = factory.Sequence(lambda n: n)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        meeting = kwargs["meeting"]
        kwargs.setdefault("body", meeting.body)
        kwargs.setdefault("year", meeting.date.year)
        if "number" not in kwargs:
            kwargs["number"] = allocate_item_number(kwargs["body"], kwargs["year"])
        return super()._create(model_class, *args, **kwargs)


class AttendanceFactory(RecordFactory):
    class Meta:
        model = Attendance

    meeting = factory.SubFactory(MeetingFactory)
    person = factory.SubFactory(PersonFactory)
    status = Attendance.Status.PRESENT


class MinutesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Minutes

    meeting = factory.SubFactory(MeetingFactory)


class FollowUpFactory(RecordFactory):
    class Meta:
        model = FollowUp

    item = factory.SubFactory(ItemFactory)
    title = factory.Sequence(lambda n: f"Oppfølging {n}")
    responsible_text = "Sykehusdirektørene"


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity

    title = "Tilskuddsrunde"
    kind = Activity.Kind.GRANT_ROUND
    starts_on = datetime.date(2025, 9, 1)
    ends_on = datetime.date(2025, 11, 18)


PDF_BYTES = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


class AttachmentFactory(RecordFactory):
    """A small PDF attached to an item, stored in the (test's) attachment storage."""

    class Meta:
        model = Attachment

    item = factory.SubFactory(ItemFactory)
    name = "Saksframlegg.pdf"
    file = factory.django.FileField(filename="saksframlegg.pdf", data=PDF_BYTES)
    size = len(PDF_BYTES)
