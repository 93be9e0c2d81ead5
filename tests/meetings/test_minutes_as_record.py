"""The minutes of 14.10.2025 as the record (issue 16): the fixture's texts are the source's own
words, differing from the OCR'd seed only by the repairs written down beside the fixture, and
the minutes PDF built from the fixture says what the source says: the parts of 3/25 with their
Hensikt and presenter, the participants under the source's headings, the restored words, and
no invented note or approval. Also: participant groups are printed as given, in their order."""

import json
import re
import subprocess
from datetime import date
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management import call_command

from helsefellesskap.permissions import ROLE_GROUPS
from meetings.documents import minutes_pdf
from meetings.models import Meeting, ParticipantGroup
from tests.factories import BodyFactory, PersonFactory
from tests.meetings.factories import (
    AttendanceFactory,
    ItemFactory,
    MeetingFactory,
    MinutesFactory,
)

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)
SEED = ROOT.parent / "shared" / "seeds" / "000_478cfe356a3ee684.txt"
REPAIRS = ROOT / "fixtures" / "meetings-14102025-repairs.json"
INVENTED_NOTE = "oppmøte er ikke angitt særskilt"


def words(text: str) -> str:
    """The text without its layout: every run of spaces and line breaks is one space."""
    return re.sub(r"\s+", " ", text).strip()


def pdftotext(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "referat.pdf"
    path.write_bytes(pdf)
    result = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True)
    return words(result.stdout)


@pytest.fixture
def real_meeting():
    for name in ROLE_GROUPS:
        Group.objects.get_or_create(name=name)
    call_command("load_portal_data", "--no-demo", verbosity=0)
    return Meeting.objects.get(body__name="Partnerskapsmøtet", starts_at__date=date(2025, 10, 14))


def source_span(seed: str, entry: dict) -> str:
    start = seed.index(entry["source_from"])
    end = entry.get("source_to", entry["source_from"])
    return seed[start : seed.index(end, start) + len(end)]


def test_each_text_differs_from_the_seed_only_by_its_listed_repairs(real_meeting):
    seed = words(SEED.read_text())
    notes = json.loads(REPAIRS.read_text())
    checked = set()
    for entry in notes["texts"]:
        label, pk = entry["row"].split()
        row = apps.get_model(label).objects.get(pk=pk)
        expected = source_span(seed, entry)
        for repair in entry["repairs"]:
            assert expected.count(repair["from"]) == 1, repair
            expected = expected.replace(repair["from"], repair["to"])
        assert words(getattr(row, entry["field"])) == expected, entry
        checked.add((label, entry["field"]))
    # Every text of the record the source has is listed (and so checked).
    assert {
        ("meetings.minutes", "introduction"),
        ("meetings.item", "decision"),
        ("meetings.itempart", "text"),
        ("meetings.itempart", "purpose"),
        ("meetings.itempart", "presenter"),
        ("meetings.attendance", "listed_as"),
        ("meetings.participantgroup", "heading"),
        ("meetings.meeting", "addressed_to"),
    } <= checked


def test_the_minutes_pdf_says_what_the_source_says(real_meeting, tmp_path):
    text = pdftotext(minutes_pdf(real_meeting), tmp_path)
    for source_words in (
        "Møtegruppe: Partnerskapsmøte Helsefellesskap Oslo",
        "Møtested: Rådhusets møtesenter. Møterom 6.",
        # The parts of 3/25 with their own Hensikt and presenter.
        "1. Presentasjon av Helsefellesskap Oslo – hovedpunktene fra årets aktiviteter og "
        "innsatsområder i Porteføljeplan ved leder for strategisk samarbeidsutvalg Tone Ikdahl",
        "Hensikt: Byråd og styreledere får innsikt i helsefellesskapets arbeid det siste året.",
        "2. Helsefellesskap Oslo 2026",
        "Hensikt: Partnerne i Helsefelleskap Oslo er orientert og har diskutert "
        "satsningsområdene for 2026.",
        "3. Oppsummering og avslutning ved Svein Lyngroth, kommunaldirektør helse",
        # The participants under the source's headings, in its order.
        "Tilstedeværende deltakere fra Strategisk samarbeidsutvalg: Anna K. Ryymin, "
        "bydelsdirektør bydel Stovner; Ellen Oldereid",
        "Heidi Merete Rudi, Pasient og brukerombud Oslo og Akershus, Sosial- og eldre ombud i Oslo",
        "Kirsten Sæther, samhandlingssjef Sunnaas sykehus, observatør",
        "Heidi Engelund, seksjonssjef HLS; Tine Ravlo, medisinsk fagsjef HLS.",
        "Sekretariatet ved Stine Wågsås, avdelingsdirektør HEL",
        # The source's words, not an editor's.
        "Viseadm. direktør leder LSU.",
        "Rikshospitalet som et regionssykehus med lokalsykehusfunksjoner",
        "når høringen til ny bydelsstruktur legges frem",
        "lavenergibrudd mht osteoporose",
        "Gledelig med en felles satsning på Aclasta.",
        "Svangerskaps- fødsel og barselomsorg",
        "Vedtak: Møteinnkalling og dagsorden godkjennes",
        # Background and minutes text have their own headings; here the parts carry the text.
        "Status: Publisert; godkjenningen er ikke registrert.",
    ):
        assert source_words in text, source_words
    assert text.index("Tilstedeværende deltakere") < text.index("Sekretariatet ved")
    for invented in (
        INVENTED_NOTE,
        "Godkjent og publisert",
        "Viseadministrerende direktør leder LSU",
        "regionsykehus",
        "høringen om ny",
        "med hensyn til osteoporose",
        "Til stede:",
    ):
        assert invented not in text, invented
    # Each partner is named once: among the addressees, not again as present.
    assert text.count("Sigrun Vågeng") == 1


def test_participant_groups_are_printed_as_given_in_their_order(tmp_path):
    body = BodyFactory(name="Lokalt samarbeidsutvalg OUS-sektoren")
    meeting = MeetingFactory(body=body)
    MinutesFactory(meeting=meeting)
    # Created out of order: the position decides.
    secretariat = ParticipantGroup.objects.create(
        meeting=meeting, position=3, heading="Sekretariat"
    )
    observers = ParticipantGroup.objects.create(meeting=meeting, position=2, heading="Observatører")
    members = ParticipantGroup.objects.create(meeting=meeting, position=1, heading="Medlemmer:")
    for group, name, position, status in (
        (secretariat, "Sara Sekretær", 1, "sekretariat"),
        (members, "Åse Medlem", 1, "gjest"),
        (members, "Anne Medlem", 2, "gjest"),
        (observers, "Olav Observatør", 1, "observator"),
    ):
        AttendanceFactory(
            meeting=meeting,
            person=PersonFactory(name=name, title="Rådgiver"),
            status=status,
            group=group,
            position=position,
        )
    AttendanceFactory(meeting=meeting, person=PersonFactory(name="Uten Gruppe"), status="gjest")
    text = pdftotext(minutes_pdf(meeting), tmp_path)
    order = [
        "Medlemmer: Åse Medlem",
        "Anne Medlem",
        "Observatører Olav Observatør",
        "Sekretariat Sara Sekretær",
        "Gjester: Uten Gruppe",
    ]
    assert [text.index(part) for part in order] == sorted(text.index(part) for part in order)


def test_background_and_minutes_text_have_their_own_headings(tmp_path):
    meeting = MeetingFactory(body=BodyFactory(name="Strategisk samarbeidsutvalg"))
    MinutesFactory(meeting=meeting)
    ItemFactory(
        meeting=meeting,
        title="Rehabilitering",
        background="AU har kartlagt aktørene.",
        minutes_text="SSU drøftet kartleggingen.",
    )
    text = pdftotext(minutes_pdf(meeting), tmp_path)
    assert "Saksframstilling AU har kartlagt aktørene. Referat SSU drøftet kartleggingen." in text
