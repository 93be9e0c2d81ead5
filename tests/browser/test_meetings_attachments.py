"""Attachments, follow-ups and the notice in a real browser: the secretariat uploads a PDF to
an item (after a refused file), adds and edits a follow-up, sends the notice, and a reader
downloads the attachment and reads the follow-up overview. Every page type made for these is
checked with axe-core and the Nu HTML Checker."""

import contextlib
import datetime

import pytest
from django.template.loader import render_to_string
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from helsefellesskap.models import today
from meetings.models import Attachment, FollowUp
from tests.factories import MembershipFactory, PersonFactory
from tests.meetings.factories import PDF_BYTES, AttachmentFactory, FollowUpFactory, ItemFactory
from tests.page_checks import check_page

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def item(lsu, secretariat_user, reader_user):
    MembershipFactory(body=lsu, person=PersonFactory(name="Anne Aas", email="anne@example.no"))
    return ItemFactory(
        meeting__body=lsu, title="FACT-team i bydelene", purpose="Orientering om status"
    )


def test_secretariat_uploads_and_a_reader_downloads(page, log_in, item, reader_user, tmp_path):
    meeting = item.meeting
    log_in("sekretariat")
    page.goto(f"/moter/sak/{item.pk}/vedlegg/nytt/")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Nytt vedlegg til sak {item.label}")
    check_page(page)

    # A program renamed to .pdf is refused, and the page says why.
    page.get_by_label("Fil", exact=True).set_input_files(
        {"name": "rapport.pdf", "mimeType": "application/pdf", "buffer": b"MZ\x90\x00" * 40}
    )
    page.get_by_role("button", name="Last opp").click()
    expect(page.get_by_role("alert")).to_contain_text("ikke en PDF-fil")
    check_page(page)
    assert not Attachment.objects.exists()

    page.get_by_label("Fil", exact=True).set_input_files(
        {"name": "saksframlegg.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}
    )
    page.get_by_label("Navn på vedlegget").fill("Saksframlegg FACT")
    page.get_by_role("button", name="Last opp").click()
    expect(page.get_by_text("Lastet opp: «Saksframlegg FACT.pdf»")).to_be_visible()
    attachment = Attachment.objects.get()
    assert page.url.endswith(f"{meeting.get_absolute_url()}#sak-{item.pk}")

    # Removing asks first.
    extra = AttachmentFactory(item=item, name="Gammelt utkast.pdf")
    page.goto(f"/moter/vedlegg/{extra.pk}/fjern/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Fjerne vedlegget «Gammelt utkast.pdf»?"
    )
    check_page(page)
    page.get_by_role("button", name="Fjern vedlegget").click()
    expect(page.get_by_text("Fjernet vedlegget «Gammelt utkast.pdf».")).to_be_visible()
    assert list(Attachment.objects.all()) == [attachment]

    page.get_by_role("button", name="Logg ut").click()
    log_in("leser")
    # Navigating to a download aborts the navigation; the download goes on.
    with page.expect_download() as download_info, contextlib.suppress(PlaywrightError):
        page.goto(f"/moter/vedlegg/{attachment.pk}/")
    download = download_info.value
    assert download.suggested_filename == "saksframlegg-fact.pdf"
    target = tmp_path / "nedlastet.pdf"
    download.save_as(target)
    assert target.read_bytes() == PDF_BYTES


def test_follow_ups_and_the_notice(page, log_in, item, reader_user, mailoutbox):
    FollowUpFactory(
        item=item,
        title="Svar fra sykehusdirektørene om Aclasta",
        due_on=today() - datetime.timedelta(days=10),
    )
    log_in("sekretariat")
    page.goto(f"/moter/sak/{item.pk}/oppfolging/ny/")
    check_page(page)
    page.get_by_label("Oppfølging", exact=True).fill("Kartlegge rehabiliteringstilbudet")
    page.get_by_label("Ansvarlig (fritekst)").fill("Arbeidsutvalget")
    page.get_by_label("Frist").fill("2099-06-01")
    page.get_by_role("button", name="Lagre").click()
    expect(
        page.get_by_text("Lagt til oppfølging: Kartlegge rehabiliteringstilbudet.")
    ).to_be_visible()
    follow_up = FollowUp.objects.get(title="Kartlegge rehabiliteringstilbudet")

    page.goto(f"/moter/oppfolging/{follow_up.pk}/endre/")
    check_page(page)
    page.get_by_label("Status").select_option(label="Ferdig")
    page.get_by_role("button", name="Lagre").click()
    follow_up.refresh_from_db()
    assert follow_up.done_on == today()

    page.goto(f"/moter/{item.meeting_id}/send-innkalling/")
    expect(page.get_by_role("heading", name="Mottakere (1)")).to_be_visible()
    check_page(page)
    page.get_by_role("button", name="Send innkallingen").click()
    expect(page.get_by_text("Innkallingen er sendt til 1 mottaker.")).to_be_visible()
    assert [message.to for message in mailoutbox] == [["anne@example.no"]]
    page.goto(f"/moter/{item.meeting_id}/send-innkalling/")
    expect(page.get_by_role("heading", name="Send på nytt?")).to_be_visible()

    page.get_by_role("button", name="Logg ut").click()
    log_in("leser")
    page.goto("/moter/oppfolginger/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Åpne oppfølginger")
    table = page.get_by_role("table", name=f"Åpne oppfølginger fra møtene i {item.meeting.body}")
    expect(table).to_contain_text("Svar fra sykehusdirektørene om Aclasta")
    expect(table).to_contain_text("Forfalt")
    expect(table).not_to_contain_text("Kartlegge rehabiliteringstilbudet")  # done
    check_page(page)
    page.get_by_label("Vis for organ").select_option(label=str(item.meeting.body))
    page.get_by_role("button", name="Vis").click()
    expect(page.get_by_text(f"Viser oppfølginger fra møtene i {item.meeting.body}")).to_be_visible()


def test_the_partials_for_the_meeting_page(page, item):
    """The attachment and follow-up lists the meeting page includes, checked on their own in a
    page shaped like the agenda (an item is an h3; the partials use h4), as a reader sees one
    item and a keeper another."""
    other = ItemFactory(meeting=item.meeting, title="Høringssvar")
    items = []
    for agenda_item, can_keep in ((item, False), (other, True)):
        AttachmentFactory(item=agenda_item)
        Attachment.objects.create(item=agenda_item, name="Bare nevnt i referatet.pptx")
        FollowUpFactory(item=agenda_item, due_on=today() - datetime.timedelta(days=1))
        FollowUpFactory(item=agenda_item, status=FollowUp.Status.DONE, done_on=today())
        context = {"item": agenda_item, "can_keep": can_keep}
        items.append(
            f"<li><h3>Sak {agenda_item.label}</h3>"
            + render_to_string("meetings/_attachments.html", context)
            + render_to_string("meetings/_follow_ups.html", context)
            + "</li>"
        )
    page.set_content(
        '<!DOCTYPE html><html lang="nb"><head><meta charset="utf-8"><title>Møte</title></head>'
        f"<body><main><h1>Møte</h1><h2>Dagsorden</h2><ol>{''.join(items)}</ol></main></body>"
        "</html>"
    )
    expect(page.get_by_text("Forfalt", exact=True)).to_have_count(2)
    check_page(page)
