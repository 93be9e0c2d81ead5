"""One search box across the meetings: item titles, purposes and texts, decisions, minutes texts,
the minutes' introductions and follow-ups («FACT-team», «Aclasta»).

    hits = search("FACT-team", user=request.user, since=recent_since())  # at most 50, best first

Each kind of text is one source (SOURCES), searched with one query each: five queries whatever
the number of hits. On PostgreSQL a source is a full-text search with the Norwegian
configuration (websearch syntax: «"felles satsing"», «fact -ung», «aclasta or osteoporose»),
ranked with ts_rank on weighted fields; every source's weighted tsvector is a stored, generated
column with a GIN index (migrations 0002_search_indexes and 0007_stored_search_vectors), so
neither the match nor the rank computes to_tsvector from the texts. On SQLite a source
is an icontains match per word (every word must be found), ranked by the weight of the fields
that match; SQLite only folds the case of ASCII letters.

By default a search looks in the meetings of the last RECENT_YEARS years, so that its cost
(and on SQLite the LIKE scans) stays the same however many years the portal holds; the search
page's "Alle år" widens it to every meeting (`since=None`).

Minutes texts and decisions are only searched in minutes the user may read (the rule
"meetings.view_minutes" in permissions.py, as a filter in the query): the secretariat reads
all; others read published minutes and the minutes of the bodies they are a current member of.
Items' titles, purposes and texts and the follow-ups are open to everyone logged in.
"""

import operator
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time
from functools import reduce

from django import forms
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.db import connection
from django.db.models import Case, Expression, Q, Value, When
from django.utils import timezone

from helsefellesskap.models import Membership, today
from helsefellesskap.permissions import is_secretariat

from .models import FollowUp, Item, Meeting, Minutes

MAX_QUERY_LENGTH = 200
MAX_HITS = 50
MAX_TERMS = 10
SEARCH_CONFIG = "norwegian"
SNIPPET_LENGTH = 220
RECENT_YEARS = 3  # the default period: the meetings of the last three years
ALL_YEARS = "alle"

KIND_LABELS = {
    "sak": "Sak",
    "vedtak": "Vedtak",
    "referat": "Referat",
    "oppfølging": "Oppfølging",
}


@dataclass(frozen=True)
class SearchField:
    name: str
    score: int  # SQLite: what a match in this field counts (PostgreSQL: the column's weights)


class StoredVector(Expression):
    """A PostgreSQL column of the searched model's own table that is not a model field: a
    source's weighted tsvector, generated from its fields (migration 0007)."""

    output_field = SearchVectorField()

    def __init__(self, column: str):
        super().__init__()
        self.column = column

    def as_sql(self, compiler, connection):
        table = compiler.query.get_initial_alias()
        return (
            f"{compiler.quote_name_unless_alias(table)}.{connection.ops.quote_name(self.column)}",
            [],
        )


@dataclass(frozen=True)
class Source:
    """A kind of text to search: the model, its fields, and whether it is minutes text."""

    kind: str
    model: type
    fields: tuple[SearchField, ...]
    column: str  # PostgreSQL: the stored tsvector of the fields (migration 0007)
    minutes_text: bool  # only in minutes the user may read
    meeting_path: str  # from the model to its meeting
    related: tuple[str, ...]

    def vector(self) -> StoredVector:
        """The fields' weighted tsvector, stored and GIN-indexed."""
        return StoredVector(self.column)


SOURCES = (
    Source(
        "sak",
        Item,
        (
            SearchField("title", 4),
            SearchField("purpose", 2),
            SearchField("background", 1),
        ),
        column="search_sak",
        minutes_text=False,
        meeting_path="meeting__",
        related=("meeting__body",),
    ),
    Source(
        "vedtak",
        Item,
        (SearchField("decision", 2),),
        column="search_vedtak",
        minutes_text=True,
        meeting_path="meeting__",
        related=("meeting__body",),
    ),
    Source(
        "referat",
        Item,
        (SearchField("minutes_text", 1),),
        column="search_referat",
        minutes_text=True,
        meeting_path="meeting__",
        related=("meeting__body",),
    ),
    Source(
        "referat",
        Minutes,
        (SearchField("introduction", 1),),
        column="search_referat",
        minutes_text=True,
        meeting_path="meeting__",
        related=("meeting__body",),
    ),
    Source(
        "oppfølging",
        FollowUp,
        (SearchField("title", 2),),
        column="search_title",
        minutes_text=False,
        meeting_path="item__meeting__",
        related=("item__meeting__body",),
    ),
)


@dataclass
class SearchHit:
    kind: str  # sak, vedtak, referat, oppfølging
    body: str
    meeting_date: date
    item_label: str  # "2/25"; empty for a minutes' introduction
    title: str
    url: str
    rank: float
    # The snippet as (text, is a search word) pieces: the template escapes each piece.
    parts: list[tuple[str, bool]] = field(default_factory=list)

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]

    @property
    def snippet(self) -> str:
        return "".join(text for text, _ in self.parts)


class QueryError(ValueError):
    """A search text the search refuses (too long, NUL characters)."""


def check_query(text: str) -> str:
    """The text stripped, or QueryError with a message for the user."""
    if "\x00" in text:
        raise QueryError("Søket kan ikke inneholde null-tegn.")
    text = text.strip()
    if len(text) > MAX_QUERY_LENGTH:
        raise QueryError(f"Søket kan være høyst {MAX_QUERY_LENGTH} tegn (det har {len(text)}).")
    return text


def search_terms(text: str) -> list[str]:
    """The words of a search, lower case, without websearch operators: «"felles satsing"
    -ung or FACT-team» → ["felles", "satsing", "fact-team"]."""
    terms = []
    for match in re.finditer(r"(?<![\w-])(-?)(\w[\w-]*)", text):
        negated, word = match.groups()
        word = word.strip("-").lower()
        if negated or not word or word == "or" or word in terms:
            continue
        terms.append(word)
    return terms[:MAX_TERMS]


def recent_since(day: date | None = None) -> date:
    """The first day of the default period: the same day RECENT_YEARS years before `day`
    (today); 29 February gives 28 February."""
    day = day or today()
    try:
        return day.replace(year=day.year - RECENT_YEARS)
    except ValueError:
        return day.replace(year=day.year - RECENT_YEARS, day=28)


def search(text: str, *, user, since: date | None, limit: int = MAX_HITS) -> list[SearchHit]:
    """The hits for `text` that `user` may see in meetings from `since` on (every meeting for
    None), best first, at most `limit`. Raises QueryError for a text the search refuses; an
    empty text finds nothing."""
    text = check_query(text)
    terms = search_terms(text)
    if not terms:
        return []
    found = []  # (source, row): a hit's snippet is only made for those shown
    # A bound on the indexed timestamp (a date lookup would wrap the column in a function).
    starts = timezone.make_aware(datetime.combine(since, time.min)) if since else None
    for source in SOURCES:
        queryset = source.model.objects.select_related(*source.related)
        if starts is not None:
            queryset = queryset.filter(**{f"{source.meeting_path}starts_at__gte": starts})
        if source.minutes_text:
            queryset = queryset.filter(readable_minutes(user, source))
        if connection.vendor == "postgresql":
            queryset = _postgresql_match(queryset, source, text)
        else:
            queryset = _simple_match(queryset, source, terms)
        queryset = queryset.order_by("-rank", f"-{source.meeting_path}starts_at", "-pk")
        found.extend((source, obj) for obj in queryset[:limit])
    found.sort(key=lambda pair: (-pair[1].rank, -_meeting(*pair).date.toordinal()))
    return [_hit(source, obj, terms) for source, obj in found[:limit]]


def readable_minutes(user, source: Source) -> Q:
    """Rows whose minutes `user` may read (see "meetings.view_minutes"), as a filter."""
    if user.is_authenticated and is_secretariat(user):
        return Q()
    minutes = "" if source.model is Minutes else f"{source.meeting_path}minutes__"
    published = Q(**{f"{minutes}status": Minutes.Status.PUBLISHED})
    if not user.is_authenticated:
        return published
    member_of = Membership.objects.current().filter(person__user=user).values("body")
    return published | Q(**{f"{source.meeting_path}body__in": member_of})


def _postgresql_match(queryset, source: Source, text: str):
    query = SearchQuery(text, search_type="websearch", config=SEARCH_CONFIG)
    vector = source.vector()
    return (
        queryset.alias(search=vector).annotate(rank=SearchRank(vector, query)).filter(search=query)
    )


def _simple_match(queryset, source: Source, terms: list[str]):
    """Every word in one of the fields; ranked by the fields' scores summed over the words."""
    names = [f.name for f in source.fields]
    for term in terms:
        queryset = queryset.filter(
            reduce(operator.or_, (Q(**{f"{name}__icontains": term}) for name in names))
        )
    score = reduce(
        operator.add,
        (
            Case(When(**{f"{f.name}__icontains": term}, then=Value(f.score)), default=Value(0))
            for f in source.fields
            for term in terms
        ),
    )
    return queryset.annotate(rank=score)


def _meeting(source: Source, obj) -> Meeting:
    return obj.item.meeting if source.model is FollowUp else obj.meeting


def _hit(source: Source, obj, terms: list[str]) -> SearchHit:
    if source.model is FollowUp:
        item, meeting = obj.item, obj.item.meeting
        title = obj.title
    elif source.model is Minutes:
        item, meeting = None, obj.meeting
        title = f"Innledning i referatet fra {meeting.display_title}"
    else:
        item, meeting = obj, obj.meeting
        title = obj.title
    url = item.get_absolute_url() if item else meeting.get_absolute_url()
    texts = [getattr(obj, f.name) for f in source.fields]
    if source.kind == "sak":
        texts = texts[1:] + texts[:1]  # the title is shown anyway: a snippet from the text
    return SearchHit(
        kind=source.kind,
        body=str(meeting.body),
        meeting_date=meeting.date,
        item_label=item.label if item else "",
        title=title,
        url=url,
        rank=float(obj.rank),
        parts=snippet_parts(texts, terms),
    )


def snippet_parts(texts: list[str], terms: list[str]) -> list[tuple[str, bool]]:
    """A short piece of the first text that has a search word, around its first occurrence,
    as (text, is a search word) pieces; else the start of the first text that is not empty."""
    pattern = re.compile(
        "|".join(re.escape(term) for term in sorted(terms, key=len, reverse=True)), re.IGNORECASE
    )
    text, match = next(
        ((text, found) for text in texts if text and (found := pattern.search(text))),
        (next((text for text in texts if text), ""), None),
    )
    text = " ".join(text.split())  # one line: paragraphs and line breaks as spaces
    if match:
        match = pattern.search(text)
    start = 0
    if match and match.start() > SNIPPET_LENGTH // 3:
        start = text.rfind(" ", 0, match.start() - SNIPPET_LENGTH // 3) + 1
    end = start + SNIPPET_LENGTH
    if end < len(text):
        end = text.rfind(" ", start, end) if text.rfind(" ", start, end) > start else end
    piece = text[start:end]
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    parts, position = [], 0
    for found in pattern.finditer(piece):
        if found.start() > position:
            parts.append((piece[position : found.start()], False))
        parts.append((found.group(), True))
        position = found.end()
    parts.append((piece[position:], False))
    if prefix:
        parts.insert(0, (prefix, False))
    if suffix:
        parts.append((suffix, False))
    return [(text, marked) for text, marked in parts if text]


class SearchForm(forms.Form):
    """The search box: ?q=... (a text the search refuses gets a message, not an error page)."""

    q = forms.CharField(
        label="Søk i saker, vedtak, referater og oppfølginger",
        required=False,
        max_length=MAX_QUERY_LENGTH,
        error_messages={
            "max_length": "Søket kan være høyst %(limit_value)d tegn (det har %(show_value)d)."
        },
    )

    periode = forms.ChoiceField(
        label="Periode",
        required=False,
        choices=[("", f"De siste {RECENT_YEARS} årene"), (ALL_YEARS, "Alle år")],
    )

    def since(self) -> date | None:
        """The first day to search from (None: every year); valid forms only."""
        return None if self.cleaned_data["periode"] == ALL_YEARS else recent_since()

    def clean_q(self):
        try:
            return check_query(self.cleaned_data["q"])
        except QueryError as error:
            raise forms.ValidationError(str(error)) from error
