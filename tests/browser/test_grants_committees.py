"""The grant round as it is really run, in a real browser: the LSU leader ranks the sector's
applications with a comment on each, reopens the prioritisation with a reason and sends it
again; an SSU member recommends with an amount; a decision maker drafts decisions for two
sectors (the totals follow, htmx), the meeting adopts them together, one is corrected with a
reason; the applicant sees the whole path and the e-mails. Every page type is checked with
axe-core and the Nu HTML Checker at 1366 and 390 px (screenshots in /tmp/grants-round-*.png)."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from playwright.sync_api import expect

from grants.models import Application
from helsefellesskap.models import Body, Membership
from helsefellesskap.permissions import DECISION_MAKER_GROUP
from tests.factories import BodyFactory, MembershipFactory, PersonFactory, UserFactory
from tests.grants.factories import AllocationFactory, ApplicationFactory
from tests.meetings.factories import OSLO, ItemFactory, MeetingFactory
from tests.page_checks import PHONE, check_at_both_widths, check_page

pytestmark = pytest.mark.django_db(transaction=True)


def member(body, username, name, role=Membership.Role.MEMBER, **user_kwargs):
    first, last = name.split(" ", 1)
    user = UserFactory(username=username, first_name=first, last_name=last, **user_kwargs)
    MembershipFactory(body=body, person=PersonFactory(name=name, user=user), role=role)
    return user


@pytest.fixture
def round_with_applications():
    ous = AllocationFactory(amount=Decimal("17240000"), sector__name="OUS-sektoren")
    ahus = AllocationFactory(
        round=ous.round, amount=Decimal("2000000"), sector__name="Ahus-sektoren"
    )
    lsu = BodyFactory(name="LSU OUS-sektoren", kind=Body.Kind.LOCAL_COMMITTEE, sector=ous.sector)
    ssu = BodyFactory(name="Strategisk samarbeidsutvalg", kind=Body.Kind.STRATEGIC_COMMITTEE)
    member(lsu, "lsu-leder", "Lise Leder", Membership.Role.LEADER)
    member(ssu, "ssu-medlem", "Sverre Samarbeid")
    applicant = member(lsu, "soker", "Siv Søker", email="siv.soker@example.no")
    UserFactory(
        username="direktor", first_name="Dina", last_name="Direktør", roles=[DECISION_MAKER_GROUP]
    )
    meeting = MeetingFactory(body=lsu, starts_at=datetime.datetime(2024, 11, 18, 9, 0, tzinfo=OSLO))
    ItemFactory(meeting=meeting, title="Prioritering av søknader om tilskudd")
    titles = [
        "Felles rekruttering av sykepleiere (oppdiktet)",
        "Digital hjemmeoppfølging (oppdiktet)",
        "Ambulant team for eldre (oppdiktet)",
    ]
    applications = [
        ApplicationFactory(
            round=ous.round,
            sector=ous.sector,
            state=Application.State.SUBMITTED,
            title=title,
            amount_asked=Decimal("1000000"),
            created_by=applicant,
            contact_email="siv.soker@example.no",
            reference_year=ous.round.year,
            reference_number=n,
        )
        for n, title in enumerate(titles, start=1)
    ]
    from_ahus = ApplicationFactory(
        round=ous.round,
        sector=ahus.sector,
        state=Application.State.RECOMMENDED,
        title="Felles legevakt (oppdiktet)",
        amount_asked=Decimal("1500000"),
        ssu_amount=Decimal("1200000"),
    )
    return ous, applications, from_ahus


def test_lsu_reopens_ssu_recommends_the_meeting_adopts_and_corrects_the_applicant_follows(
    page, log_in, round_with_applications
):
    ous, (first, second, third), from_ahus = round_with_applications
    round_url = f"/tilskudd/runde/{ous.round_id}/"

    # The LSU leader ranks all three with a comment each and forwards two.
    log_in("lsu-leder")
    page.goto(f"{round_url}sektor/{ous.sector_id}/prioritering/")
    expect(page.get_by_role("heading", level=1)).to_have_text("LSUs prioritering: OUS-sektoren")
    check_at_both_widths(page, "prioritering")
    for application, rank, comment in (
        (first, "1", "Sterkest forankring."),
        (second, "2", "Godt samarbeid med bydelen."),
        (third, "3", "Utenfor satsingen i år."),
    ):
        page.get_by_label(f"Rangering av «{application.title}»").fill(rank)
        page.get_by_label(f"LSUs kommentar til «{application.title}»").fill(comment)
    page.get_by_label(f"Prioriter og send «{first.title}» til SSU").check()
    page.get_by_label(f"Prioriter og send «{second.title}» til SSU").check()
    page.get_by_label("Behandlet i sak").select_option(index=1)
    page.get_by_role("button", name="Prioriter og send til SSU").click()
    expect(page.get_by_text("2 søknader er prioritert og sendt til SSU")).to_be_visible()

    # Reopened: first without a reason (refused), then with one; the third goes forward now.
    page.get_by_role("button", name="Åpne prioriteringen igjen").click()
    expect(page.get_by_role("alert")).to_contain_text("Skriv hvorfor prioriteringen åpnes igjen.")
    expect(page.get_by_role("alert")).to_be_in_viewport()
    check_at_both_widths(page, "apne-igjen-feil")
    page.get_by_label("Hvorfor åpnes prioriteringen igjen?").fill("Ny vurdering etter LSU-møtet.")
    page.get_by_role("button", name="Åpne prioriteringen igjen").click()
    expect(page.get_by_text("Prioriteringen for OUS-sektoren er åpnet igjen")).to_be_visible()
    expect(page.locator(".reopenings")).to_contain_text("Ny vurdering etter LSU-møtet.")
    expect(page.get_by_label(f"LSUs kommentar til «{third.title}»")).to_have_value(
        "Utenfor satsingen i år."
    )
    page.get_by_label(f"Prioriter og send «{first.title}» til SSU").check()
    page.get_by_label(f"Prioriter og send «{third.title}» til SSU").check()
    page.get_by_label(f"LSUs kommentar til «{third.title}»").fill("Viktig likevel.")
    page.get_by_role("button", name="Prioriter og send til SSU").click()
    expect(page.get_by_text("2 søknader er prioritert og sendt til SSU")).to_be_visible()
    check_at_both_widths(page, "prioritert")
    page.get_by_role("button", name="Logg ut").click()

    # An SSU member recommends the first with an amount.
    log_in("ssu-medlem")
    page.goto(f"{round_url}sammenstilling/")
    page.get_by_text(f"Skriv SSUs anbefaling: {first.title}").click()
    form = page.locator(f"form[action*='/soknad/{first.pk}/anbefaling/']")
    form.get_by_label("Anbefalt beløp (kr)").fill("1 800 000")  # above what was asked
    form.get_by_role("button", name="Lagre anbefalingen").click()
    # The page comes back at the refused form (at the foot of a long page), its errors in view.
    expect(form.get_by_role("alert")).to_contain_text("kan ikke være større enn søkt beløp")
    expect(form.get_by_role("alert")).to_be_in_viewport()
    form.get_by_label("Anbefalt beløp (kr)").fill("800 000")
    form.get_by_label("SSUs kommentar").fill("SSU anbefaler et redusert beløp.")
    form.get_by_role("button", name="Lagre anbefalingen").click()
    expect(page.get_by_text(f"SSUs anbefaling er lagret for «{first.title}»")).to_be_visible()
    check_at_both_widths(page, "sammenstilling")
    page.get_by_role("button", name="Logg ut").click()

    # The decision maker drafts for two sectors; the totals follow each draft.
    log_in("direktor")
    page.goto(f"{round_url}vedtak/")
    check_at_both_widths(page, "vedtak")
    card = page.locator(f"#soknad-{first.pk}")
    card.get_by_label("Innvilget", exact=True).check()
    card.get_by_label("Innvilget beløp (kr)").fill("750 000")
    card.get_by_role("button", name="Lagre utkastet").click()
    expect(page.locator(f"#soknad-{first.pk}")).to_contain_text("Utkastet er lagret.")
    # htmx put a new card in place: the keyboard is still on its button, not back at the top.
    expect(card.get_by_role("button", name="Lagre utkastet")).to_be_focused()
    totals = page.locator("#vedtak-summer")
    expect(totals).to_contain_text("16 490 000 kr")  # OUS: 17 240 000 less 750 000
    card = page.locator(f"#soknad-{from_ahus.pk}")
    card.get_by_label("Innvilget", exact=True).check()
    card.get_by_label("Innvilget beløp (kr)").fill("2 500 000")  # above what was asked
    card.get_by_role("button", name="Lagre utkastet").click()
    expect(page.locator(f"#soknad-{from_ahus.pk}").get_by_role("alert")).to_contain_text(
        "større enn søkt beløp"
    )
    card = page.locator(f"#soknad-{from_ahus.pk}")
    card.get_by_label("Innvilget beløp (kr)").fill("1 200 000")
    card.get_by_role("button", name="Lagre utkastet").click()
    expect(page.locator("#vedtak-summer")).to_contain_text("800 000 kr")  # Ahus: left after
    card = page.locator(f"#soknad-{third.pk}")
    card.get_by_label("Avslått").check()
    card.get_by_label("Begrunnelse").fill("Rammen er brukt.")
    card.get_by_role("button", name="Lagre utkastet").click()
    expect(page.locator(f"#soknad-{third.pk}")).to_contain_text("Utkastet er lagret.")
    check_at_both_widths(page, "vedtak-utkast")
    assert mail.outbox == []  # nobody is told before the meeting

    # The joint meeting adopts the set, on the day it was held (not a day to come).
    later = (datetime.date.today() + datetime.timedelta(days=2)).isoformat()
    page.get_by_label("Møtedato").fill(later)
    page.get_by_label("Deltakere i vedtaksmøtet").fill("Direktør, Oslo universitetssykehus")
    page.get_by_role("button", name="Vedta utkastene").click()
    adoption = page.locator(".grant-adoption")
    expect(adoption.get_by_role("alert")).to_contain_text("kan ikke ha en dato etter i dag")
    expect(adoption.get_by_role("alert")).to_be_in_viewport()
    assert mail.outbox == []
    page.get_by_label("Møtedato").fill("2026-11-26")
    page.get_by_label("Deltakere i vedtaksmøtet").fill(
        "Direktør, Oslo universitetssykehus\nDirektør, Akershus universitetssykehus\n"
        "Direktør, Lovisenberg Diakonale Sykehus\nDirektør, Diakonhjemmet Sykehus\n"
        "Byrådsavdeling for helse"
    )
    page.get_by_role("button", name="Vedta utkastene").click()
    expect(page.get_by_text("3 vedtak er fattet i vedtaksmøtet 26.11.2026")).to_be_visible()
    assert len(mail.outbox) == 3

    # A typo corrected with a reason.
    page.get_by_text(f"Rett vedtaket: {first.title}").click()
    card = page.locator(f"#soknad-{first.pk}")
    card.get_by_label("Innvilget beløp (kr)").fill("800 000")
    card.get_by_role("button", name="Rett vedtaket").click()  # no reason given
    expect(card.get_by_role("alert")).to_contain_text("Skriv hvorfor vedtaket rettes.")
    expect(card.get_by_role("alert")).to_be_in_viewport()
    card.get_by_label("Hvorfor rettes vedtaket?").fill("Skrivefeil: SSU anbefalte 800 000 kr.")
    card.get_by_role("button", name="Rett vedtaket").click()
    expect(page.get_by_text(f"Vedtaket for «{first.title}» er rettet")).to_be_visible()
    check_at_both_widths(page, "vedtak-fattet")
    assert mail.outbox[-1].subject == f"Rettet vedtak: søknad «{first.title}» er innvilget"
    page.get_by_role("button", name="Logg ut").click()

    # The applicant sees the whole path on the application.
    log_in("soker")
    page.goto(f"/tilskudd/soknad/{first.pk}/")
    expect(page.locator(".lead")).to_contain_text(f"RST-{ous.round.year}-0001")
    path = page.locator(".grant-path")
    for text in (
        "Prioritert og sendt til SSU",
        "Sterkest forankring.",
        "LSUs prioritering åpnet igjen",
        "Ny vurdering etter LSU-møtet.",
        "Lise Leder",
        "Anbefalt av SSU",
        "Sverre Samarbeid",
        "Vedtak: Innvilget",
        "Byrådsavdeling for helse",
        "Vedtaket rettet",
        "Skrivefeil: SSU anbefalte 800 000 kr.",
        "Dina Direktør",
    ):
        expect(path).to_contain_text(text)
    check_at_both_widths(page, "soknad")


def test_the_prioritisation_fits_a_phone(page, log_in, round_with_applications):
    """At 390 px each application to prioritise is a card: its rank, tick and comment are on
    the screen, not cut off at the right of a table that scrolls sideways."""
    ous, applications, _ = round_with_applications
    log_in("lsu-leder")
    page.set_viewport_size(PHONE)
    page.goto(f"/tilskudd/runde/{ous.round_id}/sektor/{ous.sector_id}/prioritering/")
    cut_off = page.locator("form input:not([type=hidden]), form textarea, form select")
    cut_off = cut_off.evaluate_all(
        "fields => fields.filter(f => f.getBoundingClientRect().right > window.innerWidth)"
        ".map(f => f.name)"
    )
    assert cut_off == []
    comment = page.get_by_label(f"LSUs kommentar til «{applications[2].title}»")
    comment.fill("Skrevet på telefonen.")
    expect(comment).to_be_in_viewport()
    check_page(page)
