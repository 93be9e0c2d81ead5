"""The 2019 annual report of the Ahus sector, generated from the fixtures, reproduces the seed's
tables and counts: the representatives with a mark per meeting, 2 meetings and 16 items for the
Direktørmøte, 4 meetings and 34 items for Samarbeidsforum, the items by type, and the dialogue
meetings' and network's turnout."""

import re

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from annual_report.assembly import assemble
from annual_report.models import AnnualReport
from annual_report.versions import generate_version
from helsefellesskap.permissions import ROLE_GROUPS
from tests.annual_report.test_real_data_2019 import DIRECTORS, DIRECTORS_TABLE, FORUM, FORUM_TABLE
from tests.annual_report.test_versions import pdf_text, stored

pytestmark = pytest.mark.django_db

# As the report prints them: "Sluttet" at the first meeting after someone left, "-" at the later
# ones (the seed's row "x Sluttet - -").
PRINTED_DIRECTORS = DIRECTORS_TABLE | {
    "Øystein Eriksen Søreide": ["", "Sluttet"],
    "Runar Nygård": ["", "Sluttet"],
}
PRINTED_FORUM = FORUM_TABLE | {"Katrine Hippe": ["x", "Sluttet", "-", "-"]}


@pytest.fixture
def snapshot():
    for name in ROLE_GROUPS:
        Group.objects.get_or_create(name=name)
    call_command("load_portal_data", "--no-demo", verbosity=0)
    return assemble(AnnualReport.objects.get(year=2019, sector__short_name="Ahus"))


# The LSU of the Ahus sector was the Direktørmøte until Helsefellesskap Oslo was established.
DIRECTORS_IN_2019 = "Direktørmøtet (Ahus-sektoren)"


def body(snapshot, name):
    return next(s for s in snapshot["committees"] + snapshot["networks"] if s["name"] == name)


def printed_table(section):
    return {row["name"]: row["marks"] for row in section["members"]}


def test_the_directors_table_and_counts_are_the_seeds(snapshot):
    directors = body(snapshot, DIRECTORS_IN_2019)
    assert directors["names_in_year"] == []
    assert directors["meeting_dates"] == ["28.3.19", "12.12.19"]
    assert printed_table(directors) == PRINTED_DIRECTORS
    assert directors["leaders"] == "Øystein Mæland"
    assert directors["secretaries"] == "Bjørn Hjalmar Nielsen"
    assert (directors["meeting_count"], directors["meeting_length"]) == (2, "2 timer")
    assert (directors["item_count"], directors["registered_items"]) == (16, 10)
    assert [(g["heading"], len(g["titles"])) for g in directors["items_by_kind"]] == [
        ("Vedtakssaker", 2),
        ("Orienteringssaker", 8),
    ]
    positions = {row["name"]: row["position"] for row in directors["members"]}
    assert positions["Inge Skråmm"] == "Direktør Ortopedisk klinikk, Ahus (vara)"


def test_the_forums_table_and_counts_are_the_seeds(snapshot):
    forum = body(snapshot, FORUM)
    assert forum["meeting_dates"] == ["5.3.19", "4.6.19", "10.9.19", "26.11.19"]
    assert printed_table(forum) == PRINTED_FORUM
    assert forum["leaders"] == "Bente Almås"
    assert (forum["meeting_count"], forum["meeting_length"]) == (4, "ca. 2 ½ time")
    assert forum["item_count"] == 34
    assert [(g["heading"], len(g["titles"])) for g in forum["items_by_kind"]] == [
        ("Vedtakssaker", 6),
        ("Temasaker", 4),
        ("Orienteringssaker", 6),
    ]


def test_the_dialogue_meetings_and_the_network_have_their_turnout(snapshot):
    dialogue = body(snapshot, "Dialogmøte voksensomatikk og alderspsykiatri (Ahus-sektoren)")
    assert [(m["date"], m["participants"]) for m in dialogue["meetings"]] == [
        ("28.5.2019", 35),
        ("12.11.2019", 51),
    ]
    network = body(snapshot, "ReHabiliteringsnettverket Ahus")
    assert [(m["date"], m["participants"]) for m in network["meetings"]] == [
        ("8.5.2019", 44),
        ("6.11.2019", 47),
    ]
    nursing_homes = body(snapshot, "Forum for sykehjemsmedisin (Ahus-sektoren)")
    assert (nursing_homes["meeting_count"], nursing_homes["average_attendance"]) == (7, 11)


def test_the_generated_pdf_says_what_the_seed_says(snapshot, secretariat_user):
    report = AnnualReport.objects.get(year=2019, sector__short_name="Ahus")
    text = re.sub(r"\s+", " ", pdf_text(stored(generate_version(report, secretariat_user))))
    assert "har hatt 2 møter av 2 timers varighet og behandlet 16 saker" in text
    assert "har hatt 4 møter av ca. 2 ½ times varighet og behandlet 34 saker" in text
    assert (
        "Øystein Mæland har ledet organet i 2019, og Bjørn Hjalmar Nielsen har vært sekretær"
        in text
    )
    assert "Utrede muligheten for å opprette et FACT-team" in text
    assert "Kommunikasjon og dialog ved stor pågang" in text  # a table cell: wraps
    # Named as in 2019: the Direktørmøte, in the structure before Helsefellesskap Oslo.
    assert text.startswith("Samhandlingsstrukturen mellom Oslo kommune og Helse Sør-Øst RHF")
    assert "Årsrapport 2019 – Ahus-sektoren" in text
    assert DIRECTORS_IN_2019 in text
    assert DIRECTORS not in text
    assert "Helsefellesskap Oslo" not in text


def test_the_whole_partnership_in_2019_names_no_leader_appointed_later(snapshot, secretariat_user):
    """The members and leaders of 14.10.2025 are confirmed from that day: the report for 2019
    names only the leaders the 2019 report names, and no body established in 2021."""
    report = AnnualReport.objects.create(year=2019)
    whole = assemble(report)
    assert (
        whole["organisation"] == "Samhandlingsstrukturen mellom Oslo kommune og Helse Sør-Øst RHF"
    )
    sections = {section["name"]: section for section in whole["committees"] + whole["networks"]}
    assert "Partnerskapsmøtet" not in sections
    assert "Strategisk samarbeidsutvalg" not in sections
    assert "Nettverk for beredskap" not in sections
    leaders = {
        name: section["leaders"] for name, section in sections.items() if section.get("leaders")
    }
    assert leaders == {DIRECTORS_IN_2019: "Øystein Mæland", FORUM: "Bente Almås"}

    text = re.sub(r"\s+", " ", pdf_text(stored(generate_version(report, secretariat_user))))
    assert text.count("har ledet organet i 2019") == 2
    assert "Øystein Mæland har ledet organet i 2019" in text
    assert "Bente Almås har ledet organet i 2019" in text
    assert "Tone Ikdahl" not in text and "Bovild Tjønn" not in text
