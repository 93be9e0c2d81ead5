"""The generated annual reports, read back with pdftotext, say what the sources say (issue 16):
the 2019 Ahus report (seed 002) prints its own approval "Samarbeidsforum 2.6.2020 Godkjent",
Katrine Hippe's row "x Sluttet - -" in words ("1 av 1 (sluttet før 4.6.)"), the networks' and
dialogue meetings' presentations, "ikke oppgitt" where the report states no count, and no
chapter with nothing in it; the 2024 round (seed 004, OUS board paper 98/2024) is ten
applications received and five prioritised by the LSU on 18.11.2024, not "0 kr (0)", and HSØ's
92.9 million only as the regional frame; a meeting of 09.00–11.20 lasted "2 t 20 min"."""

import datetime
import re

import pytest

from annual_report.models import AnnualReport
from annual_report.versions import generate_version
from helsefellesskap.models import Body
from tests.annual_report.factories import AnnualReportFactory
from tests.annual_report.test_real_data_2019 import real_data  # noqa: F401 (a fixture)
from tests.annual_report.test_versions import pdf_text, stored
from tests.factories import BodyFactory, SectorFactory
from tests.meetings.factories import OSLO, ItemFactory, MeetingFactory

pytestmark = pytest.mark.django_db


def report_text(report, user) -> tuple[str, str]:
    """The PDF's text as pdftotext lays it out, and with all white space as single spaces."""
    text = pdf_text(stored(generate_version(report, user)))
    return text, re.sub(r"\s+", " ", text)


def test_the_2019_ahus_report_says_what_the_seed_says(real_data, secretariat_user):  # noqa: F811
    report = AnnualReport.objects.get(year=2019, sector__short_name="Ahus")
    layout, text = report_text(report, secretariat_user)

    # The report's own treatment, as its last table: "Samarbeidsforum 2.6.2020 Godkjent".
    assert "Samarbeidsforum 2.6.2020 Godkjent" in text
    assert "Rapporten er ikke behandlet ennå" not in text
    # In the seed's order: Samarbeidsforum's approval, then the Direktørmøte's undated row.
    treatment = text[text.rindex("Behandlet Dato Merknad") :]
    assert re.match(
        r"Behandlet Dato Merknad Samarbeidsforum 2\.6\.2020 Godkjent Direktørmøte", treatment
    )

    # Katrine Hippe's row "x Sluttet - -" in words: present at the one meeting while she was a
    # member, gone before the one of 4.6.
    hippe = next(line for line in layout.splitlines() if "Katrine Hippe" in line)
    assert re.search(r"\s{2,}1 av 1 \(sluttet før 4\.6\.\)$", hippe)

    # The presentations at the dialogue meetings and the network, in the seed's words.
    for topic in [
        "Borddialog om temaet «Hva er viktig for deg?» og tiltakspakken som ble presentert.",
        "Informasjon fra Ambulerende sykepleieteam om tilbud og undervisning.",
        "«Kompetente foreldre» ved spesialfysioterapeut.",
        "«Livet er godt å leve» ved erfaringskonsulent fra Ahus.",
        "Informasjon om nytt e-læringskurs om individuell plan og koordinator.",
    ]:
        assert f"– {topic}" in text
    assert "Innlegg og orienteringer 28.5.2019" in text

    # Counts the seed states, and "ikke oppgitt" where it states none (Forum for
    # sykehjemsmedisin: 7 meetings, no number of items), never a made-up 0.
    assert "har hatt 2 møter av 2 timers varighet og behandlet 16 saker" in text
    assert "har hatt 4 møter av ca. 2 ½ times varighet og behandlet 34 saker" in text
    assert (
        "Forum for sykehjemsmedisin (Ahus-sektoren) har hatt 7 møter (antall saker er ikke "
        "oppgitt). Frammøtet var i gjennomsnitt 11." in text
    )
    nursing_homes = next(
        line for line in layout.splitlines() if "Forum for sykehjemsmedisin" in line and "7" in line
    )
    assert nursing_homes.split()[-2:] == ["ikke", "oppgitt"]
    # The dialogue meetings and networks heard presentations; the seed gives no count of
    # items for them, so neither does the report (it said "0").
    for network in [
        "Dialogmøte voksensomatikk og alderspsykiatri (Ahus-sektoren)",
        "ReHabiliteringsnettverket Ahus",
        "Administrasjonsforum BUP Furuset og Bydel Alna",
    ]:
        assert f"{network} har hatt 2 møter (antall saker er ikke oppgitt)." in text
    assert len(re.findall(r"ReHabiliteringsnettverket Ahus\s+2\s+ikke oppgitt\n", layout)) == 2
    assert "26 møter og 50 saker (for 6 organer er antall saker ikke oppgitt)" in text
    assert "portalen har 0 møter" not in text

    # Chapters with nothing in them are left out: the seed has no plan, grants or follow-ups.
    for heading in ["Porteføljeplanen", "Tilskudd", "Oppfølging som videreføres"]:
        assert not re.search(rf"^\s*{heading}", layout, re.MULTILINE), heading
    assert "Portalen har ingen" not in text
    assert "Ingen representanter er registrert" not in text


def test_the_2024_round_is_the_board_papers_facts(real_data, secretariat_user):  # noqa: F811
    _, text = report_text(AnnualReport.objects.create(year=2024), secretariat_user)
    grants = text[text.index("Rekrutterings- og samhandlingstilskudd 2024 Ramme per sektor") :]
    assert "OUS-sektoren 17 240 000 kr" in grants
    assert "10 søknader mottatt" in grants
    assert "5 prioritert av LSU i OUS-sektoren 18.11.2024" in grants
    assert "Søknader innvilget: ikke oppgitt" in grants
    assert (
        "Kilde: Oslo universitetssykehus HF, styresak 98/2024 «Samhandling med Oslo kommune» "
        "(styremøtet 19.12.2024)." in grants
    )
    assert "0 kr (0)" not in text
    # No meeting of 2024 is registered: no chapter of the year's figures with nothing in it.
    assert "Året i tall" not in text
    # HSØ's 92.9 million is the regional frame, never this round's budget.
    assert "92 900 000" not in text
    assert "Regional ramme: 92,9 millioner kroner" in grants


def test_meeting_length_is_hours_and_minutes_from_the_times(secretariat_user):
    sector = SectorFactory(name="Testsektoren", short_name="Test")
    lsu = BodyFactory(name="LSU Testsektoren", sector=sector, kind=Body.Kind.LOCAL_COMMITTEE)
    for day in [datetime.date(2025, 3, 4), datetime.date(2025, 10, 14)]:  # 09.00–11.20 each
        meeting = MeetingFactory(
            body=lsu,
            starts_at=datetime.datetime.combine(day, datetime.time(9, 0), tzinfo=OSLO),
            ends_at=datetime.datetime.combine(day, datetime.time(11, 20), tzinfo=OSLO),
        )
        ItemFactory(meeting=meeting, title="Årsrapport", kind="orientering")
    layout, text = report_text(AnnualReportFactory(year=2025, sector=sector), secretariat_user)
    assert (
        "LSU Testsektoren har hatt 2 møter på i gjennomsnitt 2 t 20 min (til sammen 4 t 40 min) "
        "og behandlet 2 saker." in text
    )
    # The figures table's row: Møter 2, Varighet 2 t 20 min, Saker 2.
    assert re.search(r"^\s*LSU Testsektoren\s+2\s+2\s+t\s+20\s+min\s+2\s*$", layout, re.M)
    assert "timer" not in text and "2,25" not in text
