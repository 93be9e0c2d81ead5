"""The notice with its agenda (innkalling og saksliste, meetings/notice_document.py): the PDF
says the header and every item in agenda order, a draft until the notice is sent and then its
sending date; the e-mail says the same and carries the PDF; a fixed number of queries; who may
download it."""

import datetime
import re
import subprocess
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from meetings.models import Attachment, ItemPart
from meetings.notice import send_notice
from meetings.notice_document import DRAFT_TEXT, notice_filename, notice_pdf
from tests.conftest import ROLES
from tests.factories import BodyFactory, MembershipFactory, PersonFactory
from tests.meetings.factories import OSLO, ItemFactory, MeetingFactory

pytestmark = pytest.mark.django_db

HEADER = [
    "Til: Medlemmer og varamedlemmer i LSU",
    "Fra: Leder av LSU",
    "Møtegruppe: Lokalt samarbeidsutvalg Testsektoren",
    "Møtested: Rådhusets møtesenter, møterom 6",
    "Møtetid: Tirsdag 10.03.2026 kl. 09.00–11.00",
    "Saksbehandler: Helsefellesskap Oslo, sekretariatet",
    "Velkommen til møte. Meld forfall til sekretariatet.",
]
EVIL_IMG = '<img src="file:///etc/passwd" alt="x">'


def pdftotext(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "innkalling.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def pdfinfo(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "info.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout


def one_line(text: str) -> str:
    """The text with every run of white space as one space (pdftotext breaks long lines)."""
    return re.sub(r"\s+", " ", text)


def in_order(text: str, expected: list[str]) -> None:
    """Each of `expected` is in `text`, each after the one before it."""
    position = 0
    for part in expected:
        found = text.find(part, position)
        assert found >= 0, f"{part!r} is missing after position {position}"
        position = found + len(part)


@pytest.fixture
def meeting(lsu):
    """An LSU meeting of 10.03.2026 whose agenda was reordered: the item created first (and
    numbered first) now comes last."""
    meeting = MeetingFactory(
        body=lsu,
        title="LSU-møte mars",
        addressed_to="Medlemmer og varamedlemmer i LSU",
        sender="Leder av LSU",
        location="Rådhusets møtesenter, møterom 6",
        case_officer="Helsefellesskap Oslo, sekretariatet",
        notice_text="Velkommen til møte. Meld forfall til sekretariatet.",
        starts_at=datetime.datetime(2026, 3, 10, 9, 0, tzinfo=OSLO),
        ends_at=datetime.datetime(2026, 3, 10, 11, 0, tzinfo=OSLO),
    )
    last = ItemFactory(
        meeting=meeting,
        position=3,
        kind="tema",
        title="Rehabilitering i bydelene",
        purpose="Drøfte felles kartlegging",
        presenter="Kari Rehab",
    )
    first = ItemFactory(
        meeting=meeting,
        position=1,
        title="Godkjenning av møteinnkalling og dagsorden",
        purpose="Godkjenne innkallingen",
        presenter="Leder av LSU",
    )
    middle = ItemFactory(
        meeting=meeting,
        position=2,
        kind="orientering",
        title="Status for FACT-team",
        purpose="Orientere om status",
        presenter="Ola Overlege",
    )
    Attachment.objects.create(item=middle, name="Statusrapport FACT.pdf")
    uploaded = Attachment(item=middle, name="Presentasjon FACT.pptx", size=4)
    uploaded.file.save("presentasjon.pptx", ContentFile(b"pptx"), save=True)
    ItemPart.objects.create(
        item=last, position=1, title="Kartlegging", purpose="Se funnene", presenter="AU"
    )
    ItemPart.objects.create(
        item=last, position=2, title="Veien videre", purpose="Bli enige", presenter="SSU"
    )
    meeting.agenda = (first, middle, last)
    return meeting


@pytest.fixture
def members(lsu):
    return [
        MembershipFactory(body=lsu, person=PersonFactory(name=name, email=email)).person
        for name, email in [("Anne Aas", "anne@example.no"), ("Bjørn Berg", "bjorn@example.no")]
    ]


def agenda_lines(meeting) -> list[str]:
    """What the notice says of each item, in agenda order, with the numbers as they are now."""
    lines = []
    for item in meeting.agenda:
        item.refresh_from_db()
        lines += [
            f"Sak {item.label} {item.title}",
            f"Type: {item.get_kind_display()}",
            f"Hensikt: {item.purpose}",
            f"Innleder: {item.presenter}",
        ]
        for part in item.parts.all():
            lines += [f"{part.position}. {part.title}", f"Hensikt: {part.purpose}"]
        lines += [attachment.name for attachment in item.attachments.all()]
    return lines


# --- The PDF ---


def test_the_draft_pdf_has_the_header_and_the_agenda_in_agenda_order(meeting, tmp_path):
    text = one_line(pdftotext(notice_pdf(meeting), tmp_path))
    in_order(
        text,
        [
            "Møteinnkalling",
            "LSU-møte mars",
            DRAFT_TEXT,
            *HEADER,
            "Saksliste",
        ],
    )
    # Before sending: the agenda's order with the numbers the items have (1/26 comes last).
    in_order(text, agenda_lines(meeting))
    assert "Sak 2/26 Godkjenning av møteinnkalling og dagsorden" in text
    assert "Sak 1/26 Rehabilitering i bydelene" in text
    assert "Temasak/drøftingssak" in text and "Orienteringssak" in text


def test_the_draft_is_marked_on_every_page(meeting, tmp_path):
    for _ in range(3):
        ItemFactory(meeting=meeting, purpose="Lang hensikt. " * 250)
    pages = [page for page in pdftotext(notice_pdf(meeting), tmp_path).split("\f") if page]
    assert len(pages) > 1
    assert all("UTKAST – IKKE SENDT" in page for page in pages)


def test_once_sent_the_pdf_shows_the_date_and_the_numbers_follow_the_agenda(
    meeting, members, secretariat_user, tmp_path
):
    send_notice(meeting, user=secretariat_user)
    meeting.refresh_from_db()
    text = one_line(pdftotext(notice_pdf(meeting), tmp_path))
    sent_on = date_format(timezone.localtime(meeting.notice_sent_at), "SHORT_DATE_FORMAT")
    assert f"Sendt {sent_on}." in text
    assert DRAFT_TEXT not in text
    assert "UTKAST" not in text
    in_order(
        text,
        [
            "Sak 1/26 Godkjenning av møteinnkalling og dagsorden",
            "Sak 2/26 Status for FACT-team",
            "Sak 3/26 Rehabilitering i bydelene",
        ],
    )


def test_the_pdf_is_tagged_a4_with_a_title(meeting, tmp_path):
    info = pdfinfo(notice_pdf(meeting), tmp_path)
    assert "Tagged:          yes" in info
    assert "Title:           Innkalling – Lokalt samarbeidsutvalg Testsektoren 10.03.2026" in info
    size = next(line for line in info.splitlines() if line.startswith("Page size:"))
    assert "A4" in size


def test_the_pdf_writes_user_text_as_text(meeting, tmp_path):
    item = meeting.agenda[0]
    item.title = f"Sak {EVIL_IMG}"
    item.save()
    meeting.notice_text = f'<link rel="attachment" href="file:///etc/passwd"> {EVIL_IMG}'
    meeting.save()
    pdf = notice_pdf(meeting)
    text = pdftotext(pdf, tmp_path)
    assert 'src="file:///etc/passwd"' in text
    assert '<link rel="attachment"' in text
    assert b"root:" not in pdf


def test_a_meeting_without_items_still_renders(lsu, tmp_path):
    text = pdftotext(notice_pdf(MeetingFactory(body=lsu)), tmp_path)
    assert "Møtet har ingen saker ennå." in text


def test_the_filename_names_the_body_and_the_day(meeting):
    assert notice_filename(meeting) == (
        "innkalling-lokalt-samarbeidsutvalg-testsektoren-2026-03-10.pdf"
    )


# --- The e-mail says the same and carries the PDF ---


def test_the_email_says_what_the_pdf_says_and_attaches_it(
    meeting, members, secretariat_user, mailoutbox, tmp_path
):
    send_notice(meeting, user=secretariat_user)
    meeting.refresh_from_db()
    message = mailoutbox[0]
    lines = agenda_lines(meeting)
    body = one_line(message.body)
    in_order(body, lines)
    in_order(one_line(message.alternatives[0][0]), lines[:1] + ["Type:", "Orienteringssak"])
    [(filename, content, mimetype)] = message.attachments
    assert filename == "innkalling-lokalt-samarbeidsutvalg-testsektoren-2026-03-10.pdf"
    assert mimetype == "application/pdf"
    attached = one_line(pdftotext(content, tmp_path))
    in_order(attached, lines)
    sent_on = date_format(timezone.localtime(meeting.notice_sent_at), "SHORT_DATE_FORMAT")
    assert f"Sendt {sent_on}." in attached and f"Sendt {sent_on}." in body
    in_order(attached, HEADER)
    in_order(body, HEADER)


# --- Queries ---


def _meeting_with_items(count: int):
    meeting = MeetingFactory(body=BodyFactory())
    for number in range(count):
        item = ItemFactory(meeting=meeting, purpose=f"Hensikt {number}", presenter="Ola")
        Attachment.objects.create(item=item, name=f"Vedlegg {number}.pdf")
        ItemPart.objects.create(item=item, position=1, title=f"Del {number}")
    return meeting


def test_the_pdf_costs_the_same_queries_for_2_and_20_items():
    counts = []
    for size in (2, 20):
        meeting = _meeting_with_items(size)
        with CaptureQueriesContext(connection) as queries:
            notice_pdf(meeting)
        counts.append(len(queries))
    # meeting with body, the body's names, items, parts, attachments
    assert counts[0] == counts[1] == 5


# --- The download ---


@pytest.mark.parametrize("role", ROLES)
def test_everyone_logged_in_may_download_the_notice(client, user_for_role, meeting, role):
    user = user_for_role(role)
    if user is not None:
        client.force_login(user)
    url = reverse("meetings:notice_pdf", args=[meeting.pk])
    response = client.get(url)
    if user is None:
        assert response.status_code == 302
        assert "/logg-inn/" in response["Location"]
        return
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    disposition = response["Content-Disposition"]
    assert disposition.startswith("inline")
    assert "innkalling-lokalt-samarbeidsutvalg-testsektoren-2026-03-10.pdf" in disposition


def test_the_meeting_page_links_to_the_notice(client, reader_user, meeting):
    client.force_login(reader_user)
    page = client.get(meeting.get_absolute_url()).content.decode()
    url = reverse("meetings:notice_pdf", args=[meeting.pk])
    assert f'<a href="{url}">Innkalling (PDF)</a>' in page


def test_an_unknown_meeting_is_404(client, reader_user):
    client.force_login(reader_user)
    assert client.get(reverse("meetings:notice_pdf", args=[999999])).status_code == 404
