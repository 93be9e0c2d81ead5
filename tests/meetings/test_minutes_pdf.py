"""The minutes as a PDF (meetings/documents.py): what it says, that it is tagged and escapes
user text, its fixed query count, the render_minutes command and the download view."""

import datetime
import subprocess
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from helsefellesskap.files import StorageUnavailable
from helsefellesskap.kept_pdfs import KeptPdf
from helsefellesskap.models import today
from helsefellesskap.pdf import layout_pdf
from meetings.documents import (
    DRAFT_TEXT,
    approval_text,
    minutes_filename,
    minutes_pdf,
    minutes_pdf_key,
)
from meetings.minutes import (
    approve_minutes,
    correct_item_minutes,
    publish_minutes,
    write_item_minutes,
)
from meetings.models import Attachment, Attendance, Minutes
from tests.factories import BodyFactory, MembershipFactory, PersonFactory, UserFactory
from tests.meetings.factories import (
    OSLO,
    AttendanceFactory,
    FollowUpFactory,
    ItemFactory,
    MeetingFactory,
    MinutesFactory,
)

pytestmark = pytest.mark.django_db

EVIL_IMG = '<img src="file:///etc/passwd" alt="x">'


def _pdftotext(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "referat.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def _pdfinfo(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "info.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout


def _member(body, name, **kwargs):
    person = PersonFactory(name=name, title=kwargs.pop("title", "Direktør"))
    MembershipFactory(person=person, body=body, **kwargs)
    return person


@pytest.fixture
def meeting():
    """The partnership meeting of 14.10.2025 in small: two items, all kinds of attendance."""
    body = BodyFactory(name="Partnerskapsmøtet")
    meeting = MeetingFactory(
        body=body,
        addressed_to="Partnere: byråd for helse og sykehusdirektørene",
        sender="Saliba Andreas Korkunc, byråd for helse",
        location="Rådhusets møtesenter. Møterom 6.",
        case_officer="Helsefellesskap Oslo, sekretariatet",
        starts_at=datetime.datetime(2025, 10, 14, 9, 0, tzinfo=OSLO),
        ends_at=datetime.datetime(2025, 10, 14, 11, 20, tzinfo=OSLO),
    )
    ikdahl = _member(body, "Tone Ikdahl")
    absent = _member(body, "Øystein Mæland")
    AttendanceFactory(meeting=meeting, person=ikdahl)
    AttendanceFactory(meeting=meeting, person=absent, status=Attendance.Status.ABSENT)
    deputy = _member(body, "Vera Vara")
    AttendanceFactory(
        meeting=meeting, person=deputy, status=Attendance.Status.DEPUTY, deputy_for=absent
    )
    AttendanceFactory(
        meeting=meeting,
        person=PersonFactory(name="Kirsten Sæther"),
        status=Attendance.Status.OBSERVER,
    )
    AttendanceFactory(
        meeting=meeting,
        person=PersonFactory(name="Stine Wågsås"),
        status=Attendance.Status.SECRETARIAT,
    )
    MinutesFactory(meeting=meeting, introduction="Velkommen og innledning ved byråden.")
    ItemFactory(
        meeting=meeting,
        title="Godkjenning av møteinnkalling og dagsorden",
        decision="Møteinnkalling og dagsorden godkjennes",
    )
    item = ItemFactory(
        meeting=meeting,
        title="Gjennomgang av status og utvikling i Helsefellesskap Oslo",
        kind="orientering",
        purpose="Byråd og styreledere får innsikt i helsefellesskapets arbeid det siste året.",
        presenter="Tone Ikdahl",
        background="Porteføljeplanen, oppdatert oktober 2025, er et levende verktøy.",
        minutes_text="Ulike FACT-team finnes nå i alle sektorer.\n\nSamarbeid om Aclasta.",
        decision="Partnerne tilslutter seg innsatsområdene i Helsefellesskap Oslo.",
    )
    Attachment.objects.create(item=item, name="Årsrapport Helsefellesskap Oslo 2024.pdf")
    uploaded = Attachment(item=item, name="Presentasjon Tone Ikdahl.pptx", size=4)
    uploaded.file.save("presentasjon.pptx", ContentFile(b"pptx"), save=True)
    FollowUpFactory(
        item=item,
        title="Endelig svar om felles satsing på Aclasta",
        responsible_text="Sykehusdirektørene",
        due_on=datetime.date(2025, 12, 1),
    )
    return meeting


# --- What the PDF says ---


def test_minutes_pdf_looks_like_the_minutes(meeting, tmp_path):
    pdf = minutes_pdf(meeting)
    assert pdf.startswith(b"%PDF")
    text = _pdftotext(pdf, tmp_path)
    for expected in (
        "Referat",
        "Til:",
        "Partnere: byråd for helse og sykehusdirektørene",
        "Fra:",
        "Saliba Andreas Korkunc, byråd for helse",
        "Møtegruppe:",
        "Partnerskapsmøtet",
        "Møtested:",
        "Rådhusets møtesenter. Møterom 6.",
        "Møtetid:",
        "Tirsdag 14.10.2025 kl. 09.00–11.20",
        "Saksbehandler:",
        "Helsefellesskap Oslo, sekretariatet",
        "Til stede: Tone Ikdahl",
        "Vera Vara",
        "(for Øystein Mæland)",
        "Observatører: Kirsten Sæther",
        "Sekretariatet: Stine Wågsås",
        "Forfall: Øystein Mæland",
        "Velkommen og innledning ved byråden.",
        "1/25 Godkjenning av møteinnkalling og dagsorden",
        "Vedtak: Møteinnkalling og dagsorden godkjennes",
        "2/25 Gjennomgang av status og utvikling i Helsefellesskap Oslo",
        "Orienteringssak – innleder: Tone Ikdahl",
        "Hensikt:",
        "Ulike FACT-team finnes nå i alle sektorer.",
        "Vedtak: Partnerne tilslutter seg innsatsområdene",
        "Vedlegg",
        "Årsrapport Helsefellesskap Oslo 2024.pdf (ikke lastet opp)",
        "Presentasjon Tone Ikdahl.pptx",
        "Endelig svar om felles satsing på Aclasta – ansvarlig: Sykehusdirektørene – frist "
        "01.12.2025",
        DRAFT_TEXT,
        "Side 1 av",
        "Partnerskapsmøtet – referat 14.10.2025",  # the running header
    ):
        assert expected in text, expected
    assert "Presentasjon Tone Ikdahl.pptx (ikke lastet opp)" not in text


def test_minutes_pdf_is_a4_portrait_tagged_with_title(meeting, tmp_path):
    info = _pdfinfo(minutes_pdf(meeting), tmp_path)
    assert "Tagged:          yes" in info
    assert "Title:           Referat – Partnerskapsmøtet 14.10.2025" in info
    size = next(line for line in info.splitlines() if line.startswith("Page size:"))
    width, height = (float(value) for value in size.split()[2:5:2])
    assert height > width
    assert "A4" in size


def test_minutes_pdf_embeds_its_fonts(meeting, tmp_path):
    path = tmp_path / "fonts.pdf"
    path.write_bytes(minutes_pdf(meeting))
    fonts = subprocess.run(
        ["pdffonts", str(path)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    assert fonts
    assert all(line.split()[-5] == "yes" for line in fonts), fonts  # the "emb" column


def test_minutes_pdf_escapes_user_text(meeting, tmp_path):
    item = meeting.items.last()
    item.title = f"Sak {EVIL_IMG}"
    item.decision = f"<b>fet</b> {EVIL_IMG}"
    item.save()
    minutes = meeting.minutes
    minutes.introduction = f'<link rel="attachment" href="file:///etc/passwd"> {EVIL_IMG}'
    minutes.save()
    pdf = minutes_pdf(meeting)
    text = _pdftotext(pdf, tmp_path)
    assert 'src="file:///etc/passwd"' in text  # written out as text, not an image
    assert "<b>fet</b>" in text
    assert '<link rel="attachment"' in text
    assert b"root:" not in pdf


def test_approved_minutes_say_where_they_were_approved(meeting, tmp_path):
    next_meeting = MeetingFactory(
        body=meeting.body,
        starts_at=datetime.datetime(2026, 3, 10, 9, 0, tzinfo=OSLO),
    )
    approval_item = ItemFactory(meeting=next_meeting, title="Godkjenning av referat")
    minutes = meeting.minutes
    minutes.status = Minutes.Status.APPROVED
    minutes.approved_on = datetime.date(2026, 3, 10)
    minutes.approved_at_meeting = next_meeting
    minutes.approved_in_item = approval_item
    minutes.save()
    text = _pdftotext(minutes_pdf(meeting), tmp_path)
    assert "Godkjent i Møte i Partnerskapsmøtet 10.03.2026 sak 1/26 10.03.2026." in text
    assert DRAFT_TEXT not in text
    assert approval_text(None) == DRAFT_TEXT


def test_draft_minutes_are_marked_on_every_page(meeting, tmp_path):
    for _ in range(4):
        ItemFactory(meeting=meeting, background="Lang saksframstilling. " * 300)
    pages = [page for page in _pdftotext(minutes_pdf(meeting), tmp_path).split("\f") if page]
    assert len(pages) > 1
    assert all("UTKAST" in page for page in pages)
    meeting.minutes.status = Minutes.Status.PUBLISHED
    meeting.minutes.save()
    assert "UTKAST" not in _pdftotext(minutes_pdf(meeting), tmp_path)


def test_a_meeting_without_minutes_or_items_still_renders(tmp_path):
    meeting = MeetingFactory()
    text = _pdftotext(minutes_pdf(meeting), tmp_path)
    assert "Møtet har ingen saker." in text
    assert "Oppmøtet er ikke registrert." in text
    assert DRAFT_TEXT in text


def test_meeting_time_over_midnight_names_both_days():
    meeting = MeetingFactory.build(
        starts_at=datetime.datetime(2025, 10, 14, 22, 0, tzinfo=OSLO),
        ends_at=datetime.datetime(2025, 10, 15, 1, 0, tzinfo=OSLO),
    )
    assert meeting.time_text == "Tirsdag 14.10.2025 kl. 22.00–15.10.2025 kl. 01.00"


def test_long_minutes_number_their_pages(meeting, tmp_path):
    for _ in range(6):
        ItemFactory(meeting=meeting, background="Lang saksframstilling. " * 300)
    text = _pdftotext(minutes_pdf(meeting), tmp_path)
    pages = text.split("\f")
    total = len([page for page in pages if page.strip()])
    assert total > 2
    assert f"Side 1 av {total}" in text
    assert f"Side {total} av {total}" in text


# --- Queries ---


def _add_items(meeting, count):
    for number in range(count):
        item = ItemFactory(meeting=meeting, decision=f"Vedtak {number}")
        Attachment.objects.create(item=item, name=f"Vedlegg {number}.pdf")
        FollowUpFactory(item=item)
        person = _member(meeting.body, f"Deltaker {meeting.pk}-{number}")
        AttendanceFactory(meeting=meeting, person=person)


def test_minutes_pdf_queries_do_not_grow_with_items_and_attendees(monkeypatch):
    monkeypatch.setattr("helsefellesskap.kept_pdfs.layout_pdf", lambda *args, **kwargs: b"")

    def count(items):
        meeting = MeetingFactory(body=BodyFactory())
        MinutesFactory(meeting=meeting)
        _add_items(meeting, items)
        with CaptureQueriesContext(connection) as queries:
            minutes_pdf(meeting)
        return len(queries)

    assert count(2) == count(20)


def test_minutes_pdf_query_count_includes_the_template(meeting):
    # The template itself must not query: the same count with 2 and 20 items, rendered for real.
    small = meeting
    big = MeetingFactory(body=BodyFactory())
    MinutesFactory(meeting=big)
    _add_items(big, 20)
    counts = []
    for target in (small, big):
        with CaptureQueriesContext(connection) as queries:
            minutes_pdf(target)
        counts.append(len(queries))
    assert counts[0] == counts[1]


# --- The PDF kept once made ---


def _approve(meeting):
    approve_minutes(meeting.minutes, at_meeting=None, in_item=None, on=today(), user=None)


@pytest.fixture
def layouts(monkeypatch):
    """Every PDF laid out (helsefellesskap.pdf.layout_pdf, which still does the work), so a
    test can tell a stored PDF from one made anew."""
    made = []

    def counted(html, **kwargs):
        made.append(html)
        return layout_pdf(html, **kwargs)

    monkeypatch.setattr("helsefellesskap.kept_pdfs.layout_pdf", counted)
    return made


def _download(client, meeting) -> bytes:
    response = client.get(reverse("meetings:minutes_pdf", args=[meeting.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return response.content


def _stored_names(storage) -> list[str]:
    return storage.listdir("lagrede-pdf")[1]


def test_approved_minutes_are_laid_out_once_then_served_from_storage(
    client, secretariat_user, meeting, layouts, attachment_storage
):
    _approve(meeting)
    client.force_login(secretariat_user)
    first = _download(client, meeting)
    again = _download(client, meeting)
    assert len(layouts) == 1
    assert again == first
    kept = KeptPdf.objects.get(key=minutes_pdf_key(meeting))
    assert attachment_storage.open(kept.file.name).read() == first
    assert _stored_names(attachment_storage) == [kept.file.name.split("/")[-1]]


def test_a_correction_after_approval_shows_in_the_next_pdf(
    client,
    secretariat_user,
    meeting,
    layouts,
    attachment_storage,
    tmp_path,
    django_capture_on_commit_callbacks,
):
    _approve(meeting)
    client.force_login(secretariat_user)
    before = _pdftotext(_download(client, meeting), tmp_path)
    assert "Vedtak: Partnerne tilslutter seg innsatsområdene" in before
    replaced = KeptPdf.objects.get().file.name
    item = meeting.items.get(title__startswith="Gjennomgang")
    correct_item_minutes(
        item,
        minutes_text=item.minutes_text,
        decision="Partnerne tilslutter seg de rettede innsatsområdene.",
        reason="Feil i vedtaket",
        user=secretariat_user,
    )
    with django_capture_on_commit_callbacks(execute=True):
        after = _pdftotext(_download(client, meeting), tmp_path)
    assert "Vedtak: Partnerne tilslutter seg de rettede innsatsområdene." in after
    assert "tilslutter seg innsatsområdene" not in after
    corrected_on = f"{timezone.localdate():%-d.%-m.%Y}"
    assert (
        f"Rettet {corrected_on} etter at referatet ble godkjent. Begrunnelse: Feil i vedtaket"
        in " ".join(after.split())
    )
    assert len(layouts) == 2
    kept = KeptPdf.objects.get()
    assert kept.file.name != replaced
    assert not attachment_storage.exists(replaced)  # the old file is deleted, not left behind
    assert _download(client, meeting) == attachment_storage.open(kept.file.name).read()
    assert len(layouts) == 2


def test_kept_pdf_follows_a_renamed_participant_and_publishing(
    client, secretariat_user, meeting, layouts, tmp_path
):
    _approve(meeting)
    client.force_login(secretariat_user)
    assert "Til stede: Tone Ikdahl" in _pdftotext(_download(client, meeting), tmp_path)
    person = meeting.attendances.get(person__name="Tone Ikdahl").person
    person.name = "Tone Ikdahl Berg"
    person.save()
    assert "Til stede: Tone Ikdahl Berg" in _pdftotext(_download(client, meeting), tmp_path)
    publish_minutes(meeting.minutes, user=secretariat_user)
    published = _pdftotext(_download(client, meeting), tmp_path)
    assert "publisert" in published
    assert len(layouts) == 3
    assert KeptPdf.objects.count() == 1


def test_a_draft_read_again_is_served_kept_and_shows_what_was_written_since(
    client, secretariat_user, meeting, layouts, tmp_path
):
    client.force_login(secretariat_user)
    assert DRAFT_TEXT in _pdftotext(_download(client, meeting), tmp_path)
    _download(client, meeting)  # a member reading the draft again
    assert len(layouts) == 1
    item = meeting.items.get(title__startswith="Gjennomgang")
    write_item_minutes(
        item, minutes_text="Skrevet etter første utkast.", decision="", user=secretariat_user
    )
    text = _pdftotext(_download(client, meeting), tmp_path)
    assert "Skrevet etter første utkast." in text
    assert DRAFT_TEXT in text
    assert len(layouts) == 2


def test_a_deleted_meeting_leaves_no_kept_pdf_behind(
    client, secretariat_user, meeting, attachment_storage, django_capture_on_commit_callbacks
):
    client.force_login(secretariat_user)
    _download(client, meeting)  # the draft, kept
    stored = KeptPdf.objects.get(key=minutes_pdf_key(meeting)).file.name
    with django_capture_on_commit_callbacks(execute=True):
        meeting.delete()
    assert not KeptPdf.objects.exists()
    assert not attachment_storage.exists(stored)


def test_a_kept_pdf_whose_file_is_gone_is_made_again(
    client, secretariat_user, meeting, layouts, attachment_storage
):
    _approve(meeting)
    client.force_login(secretariat_user)
    _download(client, meeting)
    attachment_storage.delete(KeptPdf.objects.get().file.name)
    assert _download(client, meeting).startswith(b"%PDF")
    assert len(layouts) == 2
    assert attachment_storage.exists(KeptPdf.objects.get().file.name)


def test_a_pdf_that_cannot_be_stored_is_served_all_the_same(
    client, secretariat_user, meeting, attachment_storage, monkeypatch
):
    _approve(meeting)

    def storage_out_of_reach(*args, **kwargs):
        raise StorageUnavailable("S3 svarer ikke")

    monkeypatch.setattr(attachment_storage, "save", storage_out_of_reach)
    client.force_login(secretariat_user)
    assert _download(client, meeting).startswith(b"%PDF")
    assert not KeptPdf.objects.exists()


def test_approving_and_correcting_have_the_worker_keep_the_pdf_before_the_first_reader(
    client, secretariat_user, meeting, layouts, tmp_path, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _approve(meeting)
    assert len(layouts) == 1  # laid out by the task (run at once in tests), not a request
    client.force_login(secretariat_user)
    assert "Godkjent" in _pdftotext(_download(client, meeting), tmp_path)
    assert len(layouts) == 1
    item = meeting.items.get(title__startswith="Gjennomgang")
    with django_capture_on_commit_callbacks(execute=True):
        correct_item_minutes(
            item,
            minutes_text="Rettet referat.",
            decision=item.decision,
            reason="Skrivefeil",
            user=secretariat_user,
        )
    assert len(layouts) == 2
    assert "Rettet referat." in _pdftotext(_download(client, meeting), tmp_path)
    assert len(layouts) == 2


def test_approval_stands_when_the_queue_does_not_take_the_pdf(
    meeting, monkeypatch, django_capture_on_commit_callbacks, caplog
):
    def queue_out_of_reach(**kwargs):
        raise OSError("køen svarer ikke")

    monkeypatch.setattr(
        "meetings.minutes.keep_minutes_pdf", SimpleNamespace(enqueue=queue_out_of_reach)
    )
    with django_capture_on_commit_callbacks(execute=True):
        _approve(meeting)
    meeting.minutes.refresh_from_db()
    assert meeting.minutes.status == Minutes.Status.APPROVED
    assert "køen svarer ikke" in caplog.text
    assert not KeptPdf.objects.exists()


def test_kept_pdf_queries_do_not_grow_with_items_and_attendees(layouts):
    def count(items):
        meeting = MeetingFactory(body=BodyFactory())
        MinutesFactory(meeting=meeting)
        _add_items(meeting, items)
        _approve(meeting)
        minutes_pdf(meeting)  # laid out and kept
        with CaptureQueriesContext(connection) as queries:
            minutes_pdf(meeting)
        return len(queries)

    assert count(2) == count(20)
    assert len(layouts) == 2


def test_kept_pdf_download_asks_a_fixed_number_of_queries(client, secretariat_user, layouts):
    client.force_login(secretariat_user)

    def count(items):
        meeting = MeetingFactory(body=BodyFactory())
        MinutesFactory(meeting=meeting)
        _add_items(meeting, items)
        _approve(meeting)
        _download(client, meeting)  # laid out and kept
        with CaptureQueriesContext(connection) as queries:
            _download(client, meeting)
        return len(queries)

    # Session, user, the meeting with its body's names (permission, file name: 2), the role,
    # the meeting with its body's names, items, attachments, parts, corrections, follow-ups and
    # attendance (8), the kept PDF. The file name and the agenda's announcements and measures,
    # which the minutes do not show, cost none (there were 17 with an approval meeting).
    assert count(2) == count(20) == 14


# --- The command ---


def test_render_minutes_writes_the_file(meeting, tmp_path, capsys):
    output = tmp_path / "referat.pdf"
    call_command("render_minutes", str(meeting.pk), "-o", str(output))
    assert output.read_bytes().startswith(b"%PDF")
    assert str(output) in capsys.readouterr().out


def test_render_minutes_unknown_meeting(tmp_path):
    with pytest.raises(CommandError, match="Fant ikke møte 999."):
        call_command("render_minutes", "999", "-o", str(tmp_path / "x.pdf"))
    assert not (tmp_path / "x.pdf").exists()


def test_render_minutes_needs_an_output_file(meeting):
    with pytest.raises(CommandError, match="-o"):
        call_command("render_minutes", str(meeting.pk))


def test_render_minutes_rejects_a_non_numeric_id(tmp_path):
    with pytest.raises(CommandError, match="Møte-ID"):
        call_command("render_minutes", "abc", "-o", str(tmp_path / "x.pdf"))


def test_render_minutes_reports_an_unwritable_file(meeting, tmp_path):
    with pytest.raises(CommandError, match="Kunne ikke skrive"):
        call_command("render_minutes", str(meeting.pk), "-o", str(tmp_path / "mangler" / "x.pdf"))


# --- The view ---


def test_reader_may_download_the_pdf_only_once_published(client, reader_user, meeting):
    client.force_login(reader_user)
    url = reverse("meetings:minutes_pdf", args=[meeting.pk])
    assert client.get(url).status_code == 403
    meeting.minutes.status = Minutes.Status.PUBLISHED
    meeting.minutes.save()
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert "referat-partnerskapsmotet-2025-10-14.pdf" in response["Content-Disposition"]
    assert response["Content-Disposition"].startswith("inline")


def test_member_of_the_body_reads_the_draft(client, meeting):
    user = UserFactory(username="mona")
    MembershipFactory(person=PersonFactory(name="Mona Medlem", user=user), body=meeting.body)
    client.force_login(user)
    response = client.get(reverse("meetings:minutes_pdf", args=[meeting.pk]))
    assert response.status_code == 200


def test_unknown_meeting_is_404(client, secretariat_user):
    client.force_login(secretariat_user)
    assert client.get(reverse("meetings:minutes_pdf", args=[999999])).status_code == 404


def test_filename_falls_back_to_the_name():
    meeting = MeetingFactory.build(body=BodyFactory.build(name="Strategisk samarbeidsutvalg"))
    assert minutes_filename(meeting) == "referat-strategisk-samarbeidsutvalg-2025-10-14.pdf"


def test_meeting_page_links_to_the_pdf_for_those_who_may_read_it(
    client, secretariat_user, reader_user, meeting
):
    pdf_url = reverse("meetings:minutes_pdf", args=[meeting.pk])
    client.force_login(secretariat_user)
    assert pdf_url in client.get(meeting.get_absolute_url()).content.decode()
    client.force_login(reader_user)
    assert pdf_url not in client.get(meeting.get_absolute_url()).content.decode()


def test_approval_text_of_published_minutes():
    published_at = datetime.datetime(2026, 3, 12, 10, 0, tzinfo=OSLO)
    minutes = Minutes(status=Minutes.Status.PUBLISHED, published_at=published_at)
    # Published without an approval on record: it does not claim one.
    assert approval_text(minutes) == "Publisert 12.03.2026; godkjenningen er ikke registrert."
    minutes.approved_on = datetime.date(2026, 3, 10)
    assert approval_text(minutes) == "Godkjent 10.03.2026; publisert 12.03.2026."
    assert approval_text(Minutes(status=Minutes.Status.DRAFT)) == DRAFT_TEXT
