"""Site-wide search over published content (DESIGN §5, `/suche/?q=`).

Each kind of searchable content is a `portal.search.Source` that an app contributes (its
`search.py`, named in its AppConfig; see portal/registry.py): a queryset of published rows only,
the fields that are searched (title fields weigh more than body fields), the date used for the
year filter and the date sort, and how a hit is titled and linked.

A search costs a fixed number of queries, whatever the number of matches (see `Results`):

- one query finds the matches of every source, counts them per source and year (the totals and
  the choices of the filters) and ranks the page shown – or sorts it by date – returning only
  its keys. Each source contributes at most `CANDIDATES + 1` matches, so the cost stays bounded
  however large the database grows: a source with more says "mehr als …", relevance ranks the
  first `CANDIDATES` matches of each source (in the index's order), sorting by date takes the
  newest; the year counts are those of the counted matches. A second query runs only when a
  year is chosen and a source has more matches than were counted.
- `hits()`: one query per source on the page for its rows, titles and snippets (ts_headline
  for those rows only).

Both are kept with `pagecache.remember()`, keyed by the query, its filters and the page (the hits
also by the language: titles are translated): a repeated search costs no query until a write to
a table it read (issue 20). Only published rows are searched, so every visitor shares them.

On PostgreSQL this is German full-text search (stemming, ranking by `ts_rank` with weights,
snippets from `ts_headline`) on a stored `search_vector` column with a GIN index (migrations
requests_app 0007 and portal 0006): the index finds the matches and ranking reads the stored
vector, so no `to_tsvector` runs at query time. On SQLite a simple fallback: every word must
occur (case-insensitive substring, with a crude suffix strip), titles rank above bodies,
snippets cut around the first occurrence.

Both spell-fold the text and the query alike, so umlauts and their transliterations find each
other ("Strassenkriminalitaet" finds "Straßenkriminalität" and the other way round): PostgreSQL
folds "ae" to "ä" before the German stemmer (which then drops the umlaut), the fallback folds "ä"
to "ae" (`snippets.fold`, `snippets.ascii_fold`). Matches are highlighted with <mark> in the
snippets and in the titles of the hits.

Snippets are built from user text and made safe in `snippets.py`.
"""

from __future__ import annotations

import functools
import hashlib
import operator
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property, reduce

from django.db import connection
from django.db.models import (
    Case,
    CharField,
    Expression,
    F,
    Func,
    IntegerField,
    Q,
    QuerySet,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Concat, ExtractYear, Lower, Replace
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from portal import pagecache
from portal.registry import contributions
from portal.search import Source
from ratsportal.search.snippets import (
    START,
    STOP,
    ascii_fold,
    fallback_headline,
    fold,
    mark,
    safe_snippet,
    stem,
    words,
)

CONFIG = "german"
# Matches counted and ranked per source; a source with more shows "mehr als …".
CANDIDATES = 1000

# The type filter's order: what citizens look for most first; other groups follow.
GROUP_ORDER = ("antraege", "berichte", "sitzungen")
ORDERS = {"relevanz": _("Relevanz"), "datum": _("Datum (neueste zuerst)")}


@dataclass(frozen=True)
class Match:
    source: Source
    pk: int


@dataclass(frozen=True)
class Hit:
    source: Source
    title: str
    url: str
    date: datetime | None
    snippet: SafeString
    title_html: SafeString  # the title with the query's words in <mark>


@functools.cache  # the apps' sources are fixed once the apps are loaded
def sources() -> list[Source]:
    """Every app's searchable sources (`contributes["search_sources"]`, portal/registry.py)."""
    return [source for contributed in contributions("search_sources") for source in contributed]


def active_groups() -> dict[str, str]:
    """The type filter's choices: the groups that have a source, in the apps' order."""
    used = {source.group for source in sources()}
    groups = {key: label for each in contributions("search_groups") for key, label in each.items()}
    ordered = sorted(groups, key=lambda key: GROUP_ORDER.index(key) if key in GROUP_ORDER else 99)
    return {key: groups[key] for key in ordered if key in used}


def _sources(group: str = "") -> list[Source]:
    return [source for source in sources() if not group or source.group == group]


# --- matching -----------------------------------------------------------------------------------


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


def _fields(source: Source) -> tuple[str, ...]:
    return source.title_fields + source.body_fields


class StoredVector(Expression):
    """The `search_vector` column of the queried table, kept by PostgreSQL itself.

    A stored generated column with a GIN index (see the module docstring). The models do not
    declare it – SQLite has no such column – so it is named here.
    """

    def __init__(self):
        from django.contrib.postgres.search import SearchVectorField

        super().__init__(output_field=SearchVectorField())

    def as_sql(self, compiler, connection):
        table = compiler.quote_name(compiler.query.get_initial_alias())
        return f"{table}.search_vector", []


def _postgres_matches(source: Source, query: str) -> tuple[QuerySet, Expression]:
    from django.contrib.postgres.search import SearchQuery, SearchRank

    # The stored vectors hold the folded text (`fold()`, migrations requests_app 0021 and
    # portal 0010): the query is folded the same way.
    search_query = SearchQuery(fold(query), search_type="websearch", config=CONFIG)
    matching = source.queryset().alias(document=StoredVector()).filter(document=search_query)
    return matching, SearchRank(StoredVector(), search_query)


# SQLite's LOWER() knows only ASCII: the capital umlauts are replaced before it.
_CAPITAL_FOLDS = [("Ä", "ae"), ("Ö", "oe"), ("Ü", "ue"), ("ẞ", "ss")]
_SMALL_FOLDS = [("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")]


def _ascii_folded(field: str) -> Expression:
    """`ascii_fold()` of a column in SQL (the fallback compares folded text with folded terms)."""
    expression: Expression = F(field)
    for letter, replacement in _CAPITAL_FOLDS:
        expression = Replace(
            expression, Value(letter), Value(replacement), output_field=TextField()
        )
    expression = Lower(expression, output_field=TextField())
    for letter, replacement in _SMALL_FOLDS:
        expression = Replace(
            expression, Value(letter), Value(replacement), output_field=TextField()
        )
    return expression


def _fallback_matches(source: Source, query: str) -> tuple[QuerySet, Expression]:
    terms = [ascii_fold(stem(word)) for word in words(query)]
    folded = {f"folded_{f}": _ascii_folded(f) for f in _fields(source)}
    condition = Q()
    for term in terms:
        condition &= reduce(
            operator.or_, (Q(**{f"folded_{f}__contains": term}) for f in _fields(source))
        )
    in_title = [
        When(Q(**{f"folded_{f}__contains": term}), then=Value(2))
        for term in terms
        for f in source.title_fields
    ]
    return source.queryset().alias(**folded).filter(condition), Case(
        *in_title, default=Value(1), output_field=IntegerField()
    )


def _branches(query: str, *, year: int | None = None):
    """(source, its published matches of `query`, their rank) for each source."""
    query = query.strip()
    if not query or not (is_postgres() or words(query)):
        return
    find = _postgres_matches if is_postgres() else _fallback_matches
    for source in sources():
        matching, rank = find(source, query)
        if year is not None:
            matching = matching.filter(**{f"{source.date_field}__year": year})
        # No default ordering: a branch must not sort all its matches before its LIMIT.
        yield source, matching.order_by(), rank


def _union_all(branches: Sequence[QuerySet]) -> tuple[str, list]:
    """One SQL statement of the branches, each with its own LIMIT (one round trip in all)."""
    parts, params = [], []
    for number, branch in enumerate(branches):
        sql, branch_params = branch.query.get_compiler(branch.db).as_sql()
        parts.append(f"SELECT * FROM ({sql}) AS branch{number}")
        params.extend(branch_params)
    return " UNION ALL ".join(parts), params


def _fetch(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


# --- one search: counts and a page ------------------------------------------------------------


@dataclass(frozen=True)
class Counts:
    """Matches per (source key, year). A source in `capped` has more than `CANDIDATES`."""

    per_year: dict[tuple[str, int | None], int]
    capped: frozenset[str] = frozenset()

    @property
    def key(self) -> str:
        """The counts as stable text: the cache key of what is rendered from them (the form)."""
        return repr((sorted(self.per_year.items(), key=repr), sorted(self.capped)))

    def _per_source(self, group: str = "", year: int | None = None) -> Counter:
        keys = {source.key for source in _sources(group)}
        counts: Counter = Counter()
        for (key, match_year), number in self.per_year.items():
            if key in keys and (year is None or match_year == year):
                counts[key] += number
        return counts

    def total(self, *, group: str = "", year: int | None = None) -> int:
        return sum(min(n, CANDIDATES) for n in self._per_source(group, year).values())

    def more(self, *, group: str = "") -> bool:
        """Whether a source in `group` has more matches than were counted."""
        return any(source.key in self.capped for source in _sources(group))

    def years(self, *, group: str = "") -> list[tuple[int, int | None]]:
        """(year, matches) in `group`, newest first: the year filter's choices.

        When not all matches were counted, the counted ones tell little about the years: then
        every year from the oldest one seen to this one is offered, without a number.
        """
        counts: Counter = Counter()
        keys = {source.key for source in _sources(group)}
        for (key, year), number in self.per_year.items():
            if key in keys and year is not None:
                counts[year] += number
        if not counts or not self.more(group=group):
            return sorted(counts.items(), reverse=True)
        newest = max([*counts, timezone.localdate().year])
        return [(year, None) for year in range(newest, min(counts) - 1, -1)]

    def groups(self, *, year: int | None = None) -> list[tuple[str, int, bool]]:
        """(label, matches, more than that?) for each group, in `year`."""
        return [
            (label, self.total(group=key, year=year), self.more(group=key))
            for key, label in active_groups().items()
        ]


def _search(
    query: str,
    *,
    group: str,
    year: int | None,
    year_first: bool,
    order: str,
    start: int,
    stop: int,
) -> tuple[Counts, list[Match]]:
    """`_query()` once per version of the searched tables, shared by every visitor (only
    published rows are searched; issue 20)."""
    arguments = {
        "group": group,
        "year": year,
        "year_first": year_first,
        "order": order,
        "start": start,
        "stop": stop,
    }

    def compute() -> tuple[Counts, list[tuple[str, int]]]:
        counts, page = _query(query, **arguments)
        return counts, [(match.source.key, match.pk) for match in page]

    counts, page = pagecache.remember(_key("search", query, arguments), compute)
    by_key = {source.key: source for source in sources()}
    return counts, [Match(by_key[key], pk) for key, pk in page]


def _key(name: str, *parts) -> str:
    """A cache key for a search's values (the query is free text: hashed)."""
    return f"{name}:{hashlib.sha256(repr((connection.vendor, *parts)).encode()).hexdigest()}"


def _query(
    query: str,
    *,
    group: str,
    year: int | None,
    year_first: bool,
    order: str,
    start: int,
    stop: int,
) -> tuple[Counts, list[Match]]:
    """One query: the matches counted per source and year, and the page `[start:stop]`.

    Each source contributes its first `CANDIDATES + 1` matches (by relevance: as the index
    yields them, then ranked; by date: the newest), all counted; the page is the best of those
    in `group` and `year`. With `year_first` the year filters the matches before they are
    counted and cut, so the counts are those within the year.
    """
    by_date = order == "datum"
    sources: dict[str, Source] = {}
    branches = []
    for source, matching, rank in _branches(query, year=year if year_first else None):
        sources[source.key] = source
        branch = matching.annotate(
            source_key=Value(source.key, output_field=CharField()),
            match_year=ExtractYear(source.date_field),
            match_pk=F("pk"),
            match_rank=Value(0.0) if by_date else rank,
            match_date=F(source.date_field),
        ).values_list("source_key", "match_year", "match_pk", "match_rank", "match_date")
        if by_date:
            branch = branch.order_by(F(source.date_field).desc(nulls_last=True), "-pk")
        branches.append(branch[: CANDIDATES + 1])
    if not branches:
        return Counts({}), []
    union, params = _union_all(branches)
    keys = [key for key in sources if not group or sources[key].group == group]
    shown = f"source_key IN ({', '.join(['%s'] * len(keys))})" if keys else "1 = 0"
    shown_params: list = list(keys)
    if year is not None and not year_first:
        shown += " AND match_year = %s"
        shown_params.append(year)
    ranking = "match_rank DESC, match_date DESC NULLS LAST"
    if by_date:
        ranking = "match_date DESC NULLS LAST"
    # Part 0 are the counts, part 1 the page; one ORDER BY keeps the page in its order.
    rows = _fetch(
        f"WITH candidates AS ({union}) "
        "SELECT 0 AS part, source_key, match_year, COUNT(*) AS number, NULL AS match_pk, "
        "NULL AS match_rank, NULL AS match_date FROM candidates GROUP BY source_key, match_year "
        "UNION ALL SELECT * FROM (SELECT 1, source_key, match_year, 0, match_pk, match_rank, "
        f"match_date FROM candidates WHERE {shown} ORDER BY {ranking}, source_key, match_pk DESC "
        "LIMIT %s OFFSET %s) AS page "
        f"ORDER BY part, {ranking}, source_key, match_pk DESC",
        [*params, *shown_params, stop - start, start],
    )
    per_year: dict[tuple[str, int | None], int] = {}
    page = []
    for part, key, found_year, number, pk, _rank, _date in rows:
        if part == 0:
            per_year[(key, None if found_year is None else int(found_year))] = number
        else:
            page.append(Match(sources[key], pk))
    per_source: Counter = Counter()
    for (key, _year), number in per_year.items():
        per_source[key] += number
    capped = frozenset(key for key, number in per_source.items() if number > CANDIDATES)
    return Counts(per_year, capped), page


class Results:
    """The matches of a search with its filters, for Django's Paginator (`len()` and slices).

    Made for one page (`page`, `per_page`): usually one query answers the counts and that page
    (`_search`). A second one runs only when a year is chosen and a source has more matches
    than were counted (the counts within the year and the page come from the matches of that
    year then), or when the paginator asks for another page than the one expected.
    """

    def __init__(
        self,
        query: str,
        *,
        group: str = "",
        year: int | None = None,
        order: str = "relevanz",
        page: int = 1,
        per_page: int = 10,
    ):
        self.query, self.group, self.year, self.order = query, group, year, order
        # No search has more pages than this; a larger number gets the paginator's last page.
        page = max(1, min(page, CANDIDATES * len(sources()) // per_page + 1))
        self.expected = ((page - 1) * per_page, page * per_page)

    def _run(self, *, year_first: bool, window: tuple[int, int]) -> tuple[Counts, list[Match]]:
        start, stop = window
        return _search(
            self.query,
            group=self.group,
            year=self.year,
            year_first=year_first,
            order=self.order,
            start=start,
            stop=stop,
        )

    @cached_property
    def _all(self) -> tuple[Counts, list[Match]]:
        return self._run(year_first=False, window=self.expected)

    @cached_property
    def _in_year(self) -> tuple[Counts, list[Match]]:
        counts = self.counts
        if self.year is None or not counts.more(group=self.group):
            return self._all
        return self._run(year_first=True, window=self.expected)

    @property
    def counts(self) -> Counts:
        """All matches by source and year, whatever the filters: the choices of the filters."""
        return self._all[0]

    @property
    def more(self) -> bool:
        """Whether there are more matches than `len()` says."""
        return self._in_year[0].more(group=self.group)

    def groups(self) -> list[tuple[str, int, bool]]:
        """(label, matches, more than that?) for each group, in the chosen year."""
        return self._in_year[0].groups(year=self.year)

    def __len__(self) -> int:
        return self._in_year[0].total(group=self.group, year=self.year)

    def __getitem__(self, window: slice) -> list[Match]:
        start, stop = window.start or 0, window.stop or 0
        if start == self.expected[0] and stop <= self.expected[1]:  # the last page may be short
            return self._in_year[1][: max(stop - start, 0)]
        return self._run(year_first=self._in_year is not self._all, window=(start, stop))[1]


# --- hits and snippets ----------------------------------------------------------------------


def hits(matches: Sequence[Match], query: str) -> list[Hit]:
    """The rows of one page with titles, links and snippets: once per version of the searched
    tables and language (titles are translated), shared by every visitor."""
    page = [(match.source.key, match.pk) for match in matches]
    rows = pagecache.remember(
        _key("search-hits", get_language(), query, page), lambda: _hit_rows(matches, query)
    )
    return [
        Hit(match.source, *rows[key])
        for match, key in zip(matches, page, strict=True)
        if key in rows  # not if unpublished since the page query
    ]


def _hit_rows(matches: Sequence[Match], query: str) -> dict[tuple[str, int], tuple]:
    """(title, url, date, snippet, marked title) of each match still published, by (source key,
    pk): one query per source present."""
    by_source: dict[str, list[int]] = {}
    for match in matches:
        by_source.setdefault(match.source.key, []).append(match.pk)
    rows: dict[tuple[str, int], tuple[object, str]] = {}
    for source in sources():
        pks = by_source.get(source.key)
        if not pks:
            continue
        # The published queryset again: a row unpublished since the page query is not shown.
        queryset = source.queryset().filter(pk__in=pks).annotate(match_date=F(source.date_field))
        if source.related:
            queryset = queryset.select_related(*source.related)
        if is_postgres():
            rows.update(_postgres_rows(source, queryset, query))
        else:
            for obj in queryset:
                body = " ".join(getattr(obj, f) or "" for f in source.body_fields)
                rows[(source.key, obj.pk)] = (obj, fallback_headline(body, query))
    by_key = {source.key: source for source in sources()}
    result = {}
    for (key, pk), (obj, marked) in rows.items():
        source = by_key[key]
        title = str(source.title(obj))
        result[(key, pk)] = (
            title,
            source.url(obj),
            obj.match_date,
            safe_snippet(marked),
            mark(title, query),
        )
    return result


def _postgres_rows(source: Source, queryset: QuerySet, query: str):
    from django.contrib.postgres.search import SearchHeadline, SearchQuery

    parts: list = []
    for field in source.body_fields:
        parts += [field, Value(" ")]
    document = Concat(*parts, output_field=TextField()) if len(parts) > 2 else parts[0]
    # The text shown is not folded: its words are compared with the query as typed and in both
    # foldings, so "Strassenkriminalitaet" marks "Straßenkriminalität" and the other way round.
    headline = SearchHeadline(
        _sql_plain(document),
        SearchQuery(query, search_type="websearch", config=CONFIG)
        | SearchQuery(fold(query), search_type="websearch", config=CONFIG)
        | SearchQuery(ascii_fold(query), search_type="websearch", config=CONFIG),
        config=CONFIG,
        start_sel=START,
        stop_sel=STOP,
        max_words=30,
        min_words=12,
        max_fragments=2,
        fragment_delimiter=" … ",
    )
    for obj in queryset.annotate(headline=headline):
        yield (source.key, obj.pk), (obj, obj.headline)


# The same clean-up as `plain()`, in SQL: ts_headline joins fragments, so it must see plain text.
_SQL_MARKDOWN = [
    (r"!?\[([^][]*)\]\((?:[^()]|\([^()]*\))*\)", r"\1", "g"),
    (r"^[ \t]*(#{1,6}|>|[-*+]|[0-9]+\.)[ \t]+", "", "gn"),
    (r"\*\*|__|~~|`", "", "g"),
]


def _sql_plain(expression):
    for pattern, replacement, flags in _SQL_MARKDOWN:
        expression = Func(
            expression,
            Value(pattern),
            Value(replacement),
            Value(flags),
            function="regexp_replace",
            output_field=TextField(),
        )
    return expression
