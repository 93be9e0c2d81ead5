"""The search across the meetings (meetings/search.py): what it finds and how it ranks, that
it hides minutes the user may not read, bad input, the page, and on PostgreSQL that the GIN
indexes serve the queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from meetings.models import Minutes
from meetings.search import (
    MAX_HITS,
    RECENT_YEARS,
    SOURCES,
    QueryError,
    _postgresql_match,
    recent_since,
    search,
    search_terms,
    snippet_parts,
)
from tests.factories import BodyFactory
from tests.meetings.factories import (
    OSLO,
    FollowUpFactory,
    ItemFactory,
    MeetingFactory,
    MinutesFactory,
)
from tests.page_checks import html_errors

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's full-text search"
)


@pytest.fixture
def published_meeting():
    """The partnership meeting, minutes published: the FACT teams and Aclasta."""
    meeting = MeetingFactory(
        body=BodyFactory(name="Partnerskapsmøtet"),
        starts_at=datetime.datetime(2025, 10, 14, 9, 0, tzinfo=OSLO),
    )
    MinutesFactory(
        meeting=meeting,
        status=Minutes.Status.PUBLISHED,
        introduction="Byråden ønsker å gå videre med samarbeid om Aclasta-behandling.",
    )
    item = ItemFactory(
        meeting=meeting,
        title="Gjennomgang av status og utvikling i Helsefellesskap Oslo",
        purpose="Byråd og styreledere får innsikt i helsefellesskapets arbeid.",
        minutes_text="Ulike FACT-team finnes nå i alle sektorer og fyller en viktig funksjon, "
        "men bærekraftig drift er utfordrende.",
        decision="Partnerne tilslutter seg innsatsområdene i Helsefellesskap Oslo.",
    )
    FollowUpFactory(
        item=item,
        title="Sykehusdirektørene gir endelig svar om felles satsing på Aclasta",
    )
    return meeting


@pytest.fixture
def draft_meeting(lsu):
    """A meeting of the LSU whose minutes are still a draft."""
    meeting = MeetingFactory(body=lsu, starts_at=datetime.datetime(2025, 11, 4, 9, 0, tzinfo=OSLO))
    MinutesFactory(meeting=meeting, introduction="Fortrolig innledning om kvalitetsavvik.")
    ItemFactory(
        meeting=meeting,
        title="Rusomsorg i sektoren",
        minutes_text="Et rus-FACT-team for Grünerløkka går fra prosjekt til drift. Kvalitetsavvik.",
        decision="Kvalitetsavvik meldes til SSU.",
    )
    return meeting


def kinds(hits):
    return sorted((hit.kind, hit.item_label) for hit in hits)


# --- What it finds ---


def test_finds_fact_team_in_the_minutes_text(reader_user, published_meeting):
    hits = search("FACT-team", user=reader_user, since=None)
    assert [hit.kind for hit in hits] == ["referat"]
    hit = hits[0]
    item = published_meeting.items.get()
    assert hit.body == "Partnerskapsmøtet"
    assert hit.meeting_date == datetime.date(2025, 10, 14)
    assert hit.item_label == item.label
    assert hit.title == item.title
    assert hit.url == f"{published_meeting.get_absolute_url()}#sak-{item.pk}"
    assert "FACT-team" in hit.snippet
    assert ("FACT-team", True) in hit.parts


def test_finds_aclasta_in_follow_ups_and_the_introduction(reader_user, published_meeting):
    hits = search("Aclasta", user=reader_user, since=None)
    assert {hit.kind for hit in hits} == {"oppfølging", "referat"}
    follow_up = next(hit for hit in hits if hit.kind == "oppfølging")
    assert follow_up.title.startswith("Sykehusdirektørene gir endelig svar")
    introduction = next(hit for hit in hits if hit.kind == "referat")
    assert introduction.item_label == ""
    assert introduction.url == published_meeting.get_absolute_url()


def test_finds_decisions_and_is_case_insensitive(reader_user, published_meeting):
    hits = search("innsatsområdene", user=reader_user, since=None)
    assert [hit.kind for hit in hits] == ["vedtak"]
    assert search("fact-TEAM", user=reader_user, since=None)


def test_every_word_must_match(reader_user, published_meeting):
    assert search("FACT-team sektorer", user=reader_user, since=None)
    assert search("FACT-team fotball", user=reader_user, since=None) == []


def test_ranks_a_title_match_above_a_text_match(reader_user):
    meeting = MeetingFactory()
    in_text = ItemFactory(
        meeting=meeting,
        title="Psykisk helse",
        background="Vi vil ha flere ambulante team, for eksempel FACT-team i bydelene.",
    )
    in_title = ItemFactory(meeting=meeting, title="FACT-team i alle sektorer")
    hits = [hit for hit in search("FACT-team", user=reader_user, since=None) if hit.kind == "sak"]
    assert [hit.title for hit in hits] == [in_title.title, in_text.title]
    assert hits[0].rank > hits[1].rank
    assert "FACT-team" in hits[1].snippet


def test_an_edited_text_is_found_by_its_new_words_only(secretariat_user, draft_meeting):
    # On PostgreSQL the texts' vectors are stored columns: they must follow every save.
    item = draft_meeting.items.get()
    FollowUpFactory(item=item, title="Rutine for avvik fra rusomsorgen")
    item.title = "Legemiddelsamstemming i overgangene"
    item.decision = "Partnerne ber om en felles rutine for osteoporose."
    item.save()
    follow_up = item.follow_ups.get()
    follow_up.title = "Sektorene melder tilbake om osteoporose"
    follow_up.save()
    minutes = draft_meeting.minutes
    minutes.introduction = "Innledning om legemiddelsamstemming."
    minutes.save()

    def found(text):
        return kinds(search(text, user=secretariat_user, since=None))

    label = item.label
    assert found("legemiddelsamstemming") == [("referat", ""), ("sak", label)]
    assert found("osteoporose") == [("oppfølging", label), ("vedtak", label)]
    assert found("rusomsorg") == found("fortrolig") == found("rutine for avvik") == []


def test_at_most_fifty_hits(reader_user):
    meeting = MeetingFactory()
    for number in range(MAX_HITS + 5):
        ItemFactory(meeting=meeting, title=f"Aclasta del {number}")
    assert len(search("Aclasta", user=reader_user, since=None)) == MAX_HITS


def test_query_count_does_not_grow_with_the_hits(reader_user):
    meeting = MeetingFactory()
    MinutesFactory(meeting=meeting, status=Minutes.Status.PUBLISHED)

    def count():
        user = type(reader_user).objects.get(pk=reader_user.pk)  # as a request loads it
        with CaptureQueriesContext(connection) as queries:
            search("Aclasta", user=user, since=None)
        return len(queries)

    ItemFactory(meeting=meeting, title="Aclasta", decision="Aclasta")
    few = count()
    for _ in range(10):
        item = ItemFactory(meeting=meeting, title="Aclasta", decision="Aclasta")
        FollowUpFactory(item=item, title="Aclasta")
    assert count() == few


# --- Who sees what ---


def test_draft_minutes_are_hidden_from_a_non_member(reader_user, draft_meeting):
    hits = search("kvalitetsavvik", user=reader_user, since=None)
    assert hits == []
    # The agenda itself is open to everyone.
    assert kinds(search("rusomsorg", user=reader_user, since=None)) == [("sak", "1/25")]
    assert search("Grünerløkka", user=reader_user, since=None) == []


def test_members_and_the_secretariat_search_draft_minutes(
    member_user, secretariat_user, draft_meeting
):
    expected = [("referat", ""), ("referat", "1/25"), ("vedtak", "1/25")]
    assert kinds(search("kvalitetsavvik", user=member_user, since=None)) == expected
    assert kinds(search("kvalitetsavvik", user=secretariat_user, since=None)) == expected


def test_published_minutes_are_searchable_by_everyone(reader_user, draft_meeting):
    draft_meeting.minutes.status = Minutes.Status.PUBLISHED
    draft_meeting.minutes.save()
    assert len(search("kvalitetsavvik", user=reader_user, since=None)) == 3


def test_a_former_member_no_longer_reads_drafts(member_user, draft_meeting):
    membership = member_user.person.memberships.get()
    membership.end = datetime.date(2000, 1, 1)
    membership.save()
    assert search("kvalitetsavvik", user=member_user, since=None) == []


def test_minutes_without_a_minutes_row_are_hidden(reader_user):
    ItemFactory(meeting=MeetingFactory(), minutes_text="Kvalitetsavvik uten referat.")
    assert search("kvalitetsavvik", user=reader_user, since=None) == []


# --- Bad input ---


@pytest.mark.parametrize("text", ["", "   ", "\t\n", "!!!", "-", '""', "or"])
def test_empty_searches_find_nothing(reader_user, published_meeting, text):
    assert search(text, user=reader_user, since=None) == []


def test_too_long_and_nul_are_refused(reader_user):
    with pytest.raises(QueryError, match="høyst 200 tegn"):
        search("a" * 201, user=reader_user, since=None)
    with pytest.raises(QueryError, match="null-tegn"):
        search("Aclasta\x00", user=reader_user, since=None)
    assert search("a" * 200, user=reader_user, since=None) == []


@pytest.mark.parametrize(
    "text",
    ["'", '"FACT', "FACT & | ! ( ) : *", "fact-team -", "a:* | b", "%_\\", "<script>", "æøå"],
)
def test_odd_characters_do_not_break_the_search(reader_user, published_meeting, text):
    search(text, user=reader_user, since=None)


def test_search_terms_ignore_operators():
    assert search_terms('"felles satsing" -ung or FACT-team') == [
        "felles",
        "satsing",
        "fact-team",
    ]


def test_snippet_cuts_around_the_first_match():
    text = "Innledning. " * 40 + "Her står Aclasta midt i teksten. " + "Slutt. " * 40
    parts = snippet_parts([text], ["aclasta"])
    snippet = "".join(part for part, _ in parts)
    assert snippet.startswith("…") and snippet.endswith("…")
    assert len(snippet) < 240
    assert ("Aclasta", True) in parts


def test_by_default_only_the_last_years_are_searched(reader_user, published_meeting):
    """The search's cost stays the same over the years: by default it looks in the meetings
    from recent_since() on, and `since=None` in every year."""
    since = recent_since(datetime.date(2026, 11, 30))
    assert since == datetime.date(2026 - RECENT_YEARS, 11, 30)
    assert recent_since(datetime.date(2028, 2, 29)) == datetime.date(2028 - RECENT_YEARS, 2, 28)
    old = MeetingFactory(
        body=published_meeting.body, starts_at=datetime.datetime(2019, 3, 5, 9, 0, tzinfo=OSLO)
    )
    MinutesFactory(meeting=old, status=Minutes.Status.PUBLISHED)
    ItemFactory(meeting=old, title="FACT-team i 2019")
    FollowUpFactory(item=old.items.get(), title="Gammel oppfølging om Aclasta")
    recent = search("FACT-team", user=reader_user, since=datetime.date(2025, 1, 1))
    assert [hit.title for hit in recent] == [published_meeting.items.get().title]
    assert "Gammel oppfølging om Aclasta" not in [
        hit.title for hit in search("Aclasta", user=reader_user, since=datetime.date(2025, 1, 1))
    ]
    every = search("FACT-team", user=reader_user, since=None)
    assert [hit.title for hit in every] == ["FACT-team i 2019", published_meeting.items.get().title]
    # The first moment of the day counts (the meeting at 00:00 on `since`).
    assert search("FACT-team", user=reader_user, since=datetime.date(2025, 10, 14))
    assert not search("FACT-team", user=reader_user, since=datetime.date(2025, 10, 15))


# --- The page ---


def test_search_page_lists_hits_with_body_date_and_item(client, reader_user, published_meeting):
    client.force_login(reader_user)
    response = client.get(reverse("meetings:search"), {"q": "FACT-team"})
    assert response.status_code == 200
    html = response.content.decode()
    item = published_meeting.items.get()
    since = recent_since().strftime("%d.%m.%Y")
    assert f"1 treff på «FACT-team» i møtene fra {since}." in html
    assert 'href="?q=FACT-team&amp;periode=alle">Søk i alle år</a>' in html
    assert "Partnerskapsmøtet, møte 14.10.2025, sak 1/25" in html
    assert f'href="{published_meeting.get_absolute_url()}#sak-{item.pk}"' in html
    assert "<mark>FACT-team</mark>" in html
    assert '<label for="id_q">' in html


def test_search_page_widens_to_every_year(client, reader_user, published_meeting):
    old = MeetingFactory(starts_at=datetime.datetime(2015, 3, 5, 9, 0, tzinfo=OSLO))
    ItemFactory(meeting=old, title="Aclasta i 2015")
    client.force_login(reader_user)
    recent = client.get(reverse("meetings:search"), {"q": "Aclasta i 2015"})
    assert "Aclasta i 2015</a>" not in recent.text
    assert "Ingen treff på «Aclasta i 2015» i møtene fra" in recent.text
    every = client.get(reverse("meetings:search"), {"q": "Aclasta i 2015", "periode": "alle"})
    assert "Aclasta i 2015</a>" in every.text
    assert "Søk i alle år" not in every.text  # already there
    assert '<option value="alle" selected>Alle år</option>' in every.text
    # A period the form does not offer is refused with a message, not an error page.
    odd = client.get(reverse("meetings:search"), {"q": "Aclasta", "periode": "1900"})
    assert odd.status_code == 200
    assert "Velg et gyldig valg" in odd.text


def test_search_page_escapes_user_text(client, reader_user):
    ItemFactory(
        meeting=MeetingFactory(),
        title='Aclasta <img src=x onerror="alert(1)">',
        purpose="Aclasta <script>alert(1)</script>",
    )
    client.force_login(reader_user)
    html = client.get(reverse("meetings:search"), {"q": "Aclasta"}).content.decode()
    assert "<mark>Aclasta</mark>" in html
    assert "<script>alert(1)" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    html = client.get(reverse("meetings:search"), {"q": "<b>fet</b>"}).content.decode()
    assert "<b>fet</b>" not in html
    assert "«&lt;b&gt;fet&lt;/b&gt;»" in html


def test_search_page_without_hits(client, reader_user, published_meeting):
    client.force_login(reader_user)
    html = client.get(reverse("meetings:search"), {"q": "fotball"}).content.decode()
    assert f"Ingen treff på «fotball» i møtene fra {recent_since():%d.%m.%Y}." in html


def test_search_page_without_a_query(client, reader_user):
    client.force_login(reader_user)
    for params in ({}, {"q": ""}):
        response = client.get(reverse("meetings:search"), params)
        assert response.status_code == 200
        assert "Ingen treff" not in response.content.decode()


@pytest.mark.parametrize(
    ("text", "message"),
    [("a" * 201, "Søket kan være høyst 200 tegn (det har 201)."), ("x\x00y", "Null-tegn")],
)
def test_search_page_refuses_bad_input_with_a_message(client, reader_user, text, message):
    client.force_login(reader_user)
    response = client.get(reverse("meetings:search"), {"q": text})
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert "Rett opp søket og prøv igjen." in html


def test_search_page_html_is_valid(client, reader_user, published_meeting):
    client.force_login(reader_user)
    pages = {
        "hits": client.get(reverse("meetings:search"), {"q": "FACT-team"}),
        "none": client.get(reverse("meetings:search"), {"q": "fotball"}),
        "error": client.get(reverse("meetings:search"), {"q": "a" * 201}),
    }
    for name, response in pages.items():
        errors = html_errors(response.content.decode())
        assert not errors, f"{name}:\n" + "\n".join(errors)


def test_search_page_needs_a_login(client):
    response = client.get(reverse("meetings:search"), {"q": "Aclasta"})
    assert response.status_code == 302


# --- PostgreSQL: the GIN indexes serve the queries ---


# Each source's index in migration 0002_search_indexes, in the order of SOURCES.
SOURCE_INDEXES = [
    "meetings_item_search_sak",
    "meetings_item_search_vedtak",
    "meetings_item_search_referat",
    "meetings_minutes_search_referat",
    "meetings_followup_search_title",
]


@on_postgresql
@pytest.mark.parametrize(
    ("source", "index"), list(zip(SOURCES, SOURCE_INDEXES, strict=True)), ids=SOURCE_INDEXES
)
def test_each_search_can_use_its_gin_index(source, index):
    # The match alone (no joins, no ordering), with the other ways to read the table made
    # expensive: on the tiny test tables the planner would otherwise rightly read them whole.
    queryset = _postgresql_match(
        source.model.objects.order_by(), source, '"FACT-team" aclasta -ung'
    ).values("pk")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        plan = queryset.explain()
    assert f"Bitmap Index Scan on {index}" in plan, plan
