"""The real partnership meeting of 14.10.2025, read from its minutes, loads with the portal data:
the header, who was there in the minutes' own groups, items 2/25 and 3/25 (with its parts) and
their decisions, the follow-ups, the SSU leader change, text without layout noise, and numbering
that carries on from 3/25. That every text is the source's own words is
tests/meetings/test_minutes_as_record.py."""

import re
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.utils import timezone

from helsefellesskap.models import Body, Membership
from helsefellesskap.permissions import ROLE_GROUPS
from helsefellesskap.records import correcting
from meetings.models import (
    Attachment,
    Attendance,
    FollowUp,
    Item,
    ItemCounter,
    ItemPart,
    Meeting,
    MembershipAnnouncement,
    Minutes,
    ParticipantGroup,
)
from meetings.numbering import allocate_item_number

pytestmark = pytest.mark.django_db

OSLO = ZoneInfo("Europe/Oslo")
HISTORY_REASON = "Innlest fra referatet fra partnerskapsmøtet 14.10.2025"
FIXTURE_MODELS = (
    Meeting,
    Item,
    ItemCounter,
    Attachment,
    Attendance,
    Minutes,
    FollowUp,
    MembershipAnnouncement,
    ItemPart,
    ParticipantGroup,
)
TRACKED_MODELS = tuple(model for model in FIXTURE_MODELS if model is not ItemCounter)

# The OCR's layout noise that must not reach the portal: doubled or stray spaces, spaces before
# punctuation, runs of empty lines. The source's own spellings ("Helsefelleskap", "Andres",
# "(LSD)", "jmf.") are the record's words and are kept (fixtures/meetings-14102025-repairs.json).
OCR_NOISE = re.compile(r"  | ,| \.|[ \t]$|^[ \t]|\n{3}", re.MULTILINE)


@pytest.fixture
def real_meeting():
    for name in ROLE_GROUPS:  # created by a migration; recreated after a flushing test
        Group.objects.get_or_create(name=name)
    call_command("load_portal_data", "--no-demo", verbosity=0)
    return Meeting.objects.get(body__name="Partnerskapsmøtet", starts_at__date=date(2025, 10, 14))


def counts():
    models = FIXTURE_MODELS + tuple(model.history.model for model in TRACKED_MODELS)
    return {model.__name__: model.objects.count() for model in models}


def test_the_meeting_header_follows_the_minutes(real_meeting):
    starts, ends = (
        timezone.localtime(real_meeting.starts_at),
        timezone.localtime(real_meeting.ends_at),
    )
    assert (starts.date(), starts.time(), ends.time()) == (
        date(2025, 10, 14),
        time(9, 0),
        time(11, 20),
    )
    assert real_meeting.location == "Rådhusets møtesenter. Møterom 6."
    assert real_meeting.title == "Partnerskapsmøte Helsefellesskap Oslo"
    assert real_meeting.sender == "Saliba Andreas Korkunc, byråd for helse"
    invited = real_meeting.addressed_to
    assert invited.startswith("Partnere: Saliba Andreas Korkunc, byråd for helse, Tone Ikdahl")
    assert invited.endswith("Anders Mohn Frafjord, viseadm. direktør OUS.")
    minutes = real_meeting.minutes
    assert minutes.status == Minutes.Status.PUBLISHED and minutes.is_locked
    assert minutes.approved_on is None and minutes.approved_in_item is None
    headings = [
        "Velkommen og innledning",
        "Bydelsreform",
        "Rekrutterings- og samhandlingstilskudd",
        "Gevinstrealisering",
        "Svangerskaps- fødsel og barselomsorg",
    ]
    assert [line for line in minutes.introduction.splitlines() if line in headings] == headings


def test_items_2_25_and_3_25_with_their_decisions(real_meeting):
    items = list(real_meeting.items.all())
    assert [(item.label, item.title) for item in items] == [
        ("2/25", "Godkjenning av møteinnkalling og dagsorden"),
        ("3/25", "Gjennomgang av status og utvikling i Helsefellesskap Oslo"),
    ]
    approval, review = items
    assert approval.decision == "Møteinnkalling og dagsorden godkjennes"
    assert review.decision == (
        "Partnerne tilslutter seg innsatsområdene i Helsefellesskap Oslo, med eventuelle "
        "videre føringer."
    )
    assert all(item.kind == Item.Kind.DECISION and item.body == real_meeting.body for item in items)
    # The item's Hensikt and presenter belong to its parts, as in the source.
    assert (review.purpose, review.presenter, review.minutes_text) == ("", "", "")
    parts = list(review.parts.all())
    assert [(part.position, part.title[:30]) for part in parts] == [
        (1, "Presentasjon av Helsefellesska"),
        (2, "Helsefellesskap Oslo 2026"),
        (3, "Oppsummering og avslutning"),
    ]
    assert parts[0].purpose.startswith("Byråd og styreledere får innsikt")
    assert parts[0].presenter == "leder for strategisk samarbeidsutvalg Tone Ikdahl"
    assert parts[1].purpose.startswith("Partnerne i Helsefelleskap Oslo er orientert")
    assert parts[2].presenter == "Svein Lyngroth, kommunaldirektør helse"
    for hospital in (
        "Diakonhjemmet sykehus",
        "Akershus universitetssykehus",
        "Oslo universitetssykehus",
        "Lovisenberg Diakonale Sykehus",
    ):
        assert hospital in parts[1].text.splitlines()
    assert not review.measures.exists()
    # The minutes list three attachments; the portal has none of the files.
    attachments = list(review.attachments.all())
    assert {a.name for a in attachments} == {
        "Porteføljeplan, oppdatert oktober 2025",
        "Årsrapport Helsefellesskap Oslo 2024",
        "Presentasjon Partnerskapsmøtet 14102025 Tone Ikdahl",
    }
    assert all(not a.file and a.size == 0 for a in attachments)
    assert attachments[0].uploaded_at == datetime(2025, 10, 14, 12, 0, tzinfo=OSLO)


def test_the_follow_ups_of_3_25_have_their_responsible(real_meeting):
    review = real_meeting.items.get(number=3)
    follow_ups = list(review.follow_ups.order_by("pk"))
    assert [(f.title, f.responsible) for f in follow_ups] == [
        (
            "Endelig svar om felles satsing på utredning av Aclasta (osteoporosebehandling)",
            "Sykehusdirektørene",
        ),
        (
            "Felles høringsinnspill fra SSU om ny bydelsstruktur og sykehusenes opptaksområder",
            str(Body.objects.get(short_name="SSU")),
        ),
        (
            "Kartlegge aktører og prioriteringer innen rehabiliteringsfeltet",
            str(Body.objects.get(short_name="AU")),
        ),
    ]
    assert [f.responsible_body and f.responsible_body.short_name for f in follow_ups] == [
        None,
        "SSU",
        "AU",
    ]
    assert all(f.status == FollowUp.Status.OPEN and f.due_on is None for f in follow_ups)


def test_the_ssu_leader_change_is_announced_in_3_25(real_meeting):
    review = real_meeting.items.get(number=3)
    leader_change = review.announcements.get(membership__body__short_name="SSU")
    membership = leader_change.membership
    assert (membership.person.name, membership.role, membership.start) == (
        "Bovild Tjønn",
        Membership.Role.LEADER,
        date(2025, 10, 15),
    )
    assert "etter Tone Ikdahl" in leader_change.text
    au = review.announcements.get(membership__body__short_name="AU").membership
    assert au.person.name == "Anders Mohn Frafjord"


def test_who_was_there(real_meeting):
    """The source's participant list in its own groups; the partners are its addressees
    ("Til: Partnere:"), whose attendance it does not state."""
    attendances = list(real_meeting.attendances.select_related("person", "group").in_list_order())
    grouped = {}
    for attendance in attendances:
        grouped.setdefault(attendance.group.heading, []).append(attendance.person.name)
    assert grouped == {
        "Tilstedeværende deltakere fra Strategisk samarbeidsutvalg:": [
            "Anna K. Ryymin",
            "Ellen Oldereid",
            "Bovild Tjønn",
            "Ellen A. Fagerberg",
            "Johan Stenseth",
            "Neelam Anjum",
            "Heidi Merete Rudi",
            "Kirsten Sæther",
        ],
        "": ["Heidi Engelund", "Tine Ravlo"],
        "Sekretariatet ved": ["Stine Wågsås", "Stine Eugenie Hansen", "Silje K. Kristiansen"],
    }
    statuses = {a.person.name: a.status for a in attendances}
    assert statuses["Kirsten Sæther"] == Attendance.Status.OBSERVER
    assert statuses["Stine Wågsås"] == Attendance.Status.SECRETARIAT
    assert not {"Saliba Andreas Korkunc", "Sigrun Vågeng"} & set(statuses)
    assert all(a.note == "" for a in attendances)
    assert real_meeting.attendances.present().count() == 13


def test_every_row_passes_full_clean(real_meeting):
    for model in (
        Meeting,
        Item,
        ItemPart,
        Attendance,
        ParticipantGroup,
        FollowUp,
        Minutes,
        Attachment,
        MembershipAnnouncement,
    ):
        rows = list(model.objects.all())
        assert rows, model
        for row in rows:
            row.full_clean()


def test_numbering_carries_on_after_3_25(real_meeting):
    assert allocate_item_number(real_meeting.body, 2025) == 4


def test_no_text_carries_ocr_noise(real_meeting):
    texts = []
    for model in FIXTURE_MODELS:
        for row in model.objects.all():
            texts += [
                (f"{model.__name__}.{field.name}", getattr(row, field.attname))
                for field in model._meta.concrete_fields
                if field.get_internal_type() in ("CharField", "TextField")
            ]
    noisy = [(where, OCR_NOISE.findall(text)) for where, text in texts if OCR_NOISE.search(text)]
    assert noisy == []
    assert any("Helsefellesskap Oslo" in text for _, text in texts)
    assert any("LDS" in text for _, text in texts)


def rows_of(model, meeting):
    """The fixture's rows that belong to the 14.10.2025 meeting (the fixture also holds 2019)."""
    path = {
        Meeting: "pk",
        Item: "meeting",
        Attendance: "meeting",
        Minutes: "meeting",
        Attachment: "item__meeting",
        FollowUp: "item__meeting",
        MembershipAnnouncement: "item__meeting",
        ItemPart: "item__meeting",
        ParticipantGroup: "meeting",
    }[model]
    return model.objects.filter(**{path: meeting.pk})


def test_each_row_has_its_initial_history(real_meeting):
    for model in TRACKED_MODELS:
        for row in rows_of(model, real_meeting):
            [record] = row.history.all()
            assert record.history_type == "+"
            assert record.history_change_reason == HISTORY_REASON
            assert record.history_date == datetime(2025, 10, 14, 12, 0, tzinfo=OSLO)
            assert record.history_user is None


def test_loading_twice_changes_nothing(real_meeting):
    first = counts()
    call_command("load_portal_data", "--no-demo", verbosity=0)
    assert counts() == first
    assert rows_of(Attendance, real_meeting).count() == 13
    assert rows_of(ItemPart, real_meeting).count() == 3
    assert rows_of(FollowUp, real_meeting).count() == 3


def test_the_secretariat_can_add_and_edit_after_loading(real_meeting):
    """Rows loaded with their own keys must not block the next ones (PostgreSQL sequences)."""
    meeting = Meeting.objects.create(
        body=real_meeting.body,
        starts_at=datetime(2026, 10, 13, 9, 0, tzinfo=OSLO),
        ends_at=datetime(2026, 10, 13, 11, 0, tzinfo=OSLO),
    )
    item = Item.objects.create(
        meeting=meeting,
        body=meeting.body,
        year=2026,
        number=allocate_item_number(meeting.body, 2026),
        title="Godkjenning av møteinnkalling og dagsorden",
    )
    real_meeting.location = "Rådhuset, møterom 6"
    # Its minutes are published, so the record changes only as a marked correction.
    with correcting(real_meeting):
        real_meeting.save()
    assert meeting.pk > real_meeting.pk and item.label == "1/26"
    assert real_meeting.history.count() == 2


@pytest.mark.parametrize(
    "noisy",
    [
        "dagsorden  godkjennes",
        "OUS , Ahus",
        "Porteføljeplan .",
        "godkjennes \n",
    ],
)
def test_the_noise_check_catches_layout_noise(noisy):
    assert OCR_NOISE.search(noisy)
