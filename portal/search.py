"""Site-wide search over published content (DESIGN §5, `/suche/?q=`).

Each kind of searchable content is a `Source` in `SOURCES`: a queryset of published rows only,
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

On PostgreSQL this is German full-text search (stemming, ranking by `ts_rank` with weights,
snippets from `ts_headline`) on a stored `search_vector` column with a GIN index (migrations
requests_app 0007 and portal 0006): the index finds the matches and ranking reads the stored
vector, so no `to_tsvector` runs at query time. On SQLite a simple fallback: every word must
occur (case-insensitive substring, with a crude suffix strip), titles rank above bodies,
snippets cut around the first occurrence.

Snippets are built from user text: they are escaped first and only then get their `<mark>`
elements (from sentinel characters ts_headline or the fallback put around matches), so hostile
text in a motion can never become markup.

To add a source (e.g. the answer reports), append a `Source(...)` to `SOURCES`; on PostgreSQL
its table needs a `search_vector` column like the others.
"""

from __future__ import annotations

import operator
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property, reduce

import nh3
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
from django.db.models.functions import Concat, ExtractYear
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

CONFIG = "german"
# Matches counted and ranked per source; a source with more shows "mehr als …".
CANDIDATES = 1000
SNIPPET_CHARS = 240
# Put around matches by ts_headline / the fallback, turned into <mark> after escaping.
START, STOP = "\u27e6", "\u27e7"

GROUPS = {
    "antraege": _("Anträge und Anfragen"),
    "berichte": _("Antwortberichte"),
    "sitzungen": _("Sitzungen des Präventionsrats"),
}
ORDERS = {"relevanz": _("Relevanz"), "datum": _("Datum (neueste zuerst)")}


@dataclass(frozen=True)
class Source:
    key: str
    group: str  # a key of GROUPS: the type filter
    label: str  # what a hit is called: "Antrag", "Frage", "Sitzung"
    queryset: Callable[[], QuerySet]  # published rows only
    title_fields: tuple[str, ...]
    body_fields: tuple[str, ...]
    date_field: str
    title: Callable[[object], str]
    url: Callable[[object], str]
    related: tuple[str, ...] = ()


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


# --- the sources ------------------------------------------------------------------------------


def _motions():
    from requests_app.models import Motion

    return Motion.objects.published()


def _questions():
    from requests_app.models import Question

    return Question.objects.filter(motion__in=_motions())


def _reports():
    from requests_app.models import AnswerReport

    return AnswerReport.objects.published()


def _answers():
    from requests_app.models import Answer

    return Answer.objects.filter(report__in=_reports())


def _meetings():
    from prevention.models.council import public_council_meetings

    return public_council_meetings()


def _motion_title(motion) -> str:
    return str(motion)


def _question_title(question) -> str:
    return _("%(motion)s – Frage %(number)s") % {
        "motion": question.motion,
        "number": question.number,
    }


SOURCES: list[Source] = [
    Source(
        key="antrag",
        group="antraege",
        label=_("Antrag / Anfrage"),
        queryset=_motions,
        title_fields=("reference", "title"),
        body_fields=("text", "reasoning"),
        date_field="submitted_at",
        title=_motion_title,
        url=lambda motion: motion.get_absolute_url(),
        related=("faction",),
    ),
    Source(
        key="frage",
        group="antraege",
        label=_("Frage"),
        queryset=_questions,
        title_fields=(),
        body_fields=("text",),
        date_field="motion__submitted_at",
        title=_question_title,
        url=lambda question: f"{question.motion.get_absolute_url()}#fragen",
        related=("motion",),
    ),
    Source(
        key="bericht",
        group="berichte",
        label=_("Antwortbericht"),
        queryset=_reports,
        title_fields=("title",),
        body_fields=("summary",),
        date_field="published_at",
        title=lambda report: report.title,
        url=lambda report: report.get_absolute_url(),
    ),
    Source(
        key="antwort",
        group="berichte",
        label=_("Antwort"),
        queryset=_answers,
        title_fields=(),
        body_fields=("text",),
        date_field="report__published_at",
        title=lambda answer: (
            _("%(report)s – Antwort auf Frage %(number)s")
            % {"report": answer.report.title, "number": answer.question.number}
        ),
        url=lambda answer: answer.report.get_absolute_url(),
        related=("report", "question"),
    ),
    Source(
        key="sitzung",
        group="sitzungen",
        label=_("Sitzung"),
        queryset=_meetings,
        title_fields=("name",),
        body_fields=("minutes",),
        date_field="start",
        title=str,
        url=lambda meeting: reverse("prevention:meeting_detail", kwargs={"pk": meeting.pk}),
    ),
]


def active_groups() -> dict[str, str]:
    """The type filter's choices: the groups that have a source."""
    used = {source.group for source in SOURCES}
    return {key: label for key, label in GROUPS.items() if key in used}


def _sources(group: str = "") -> list[Source]:
    return [source for source in SOURCES if not group or source.group == group]


# --- matching -----------------------------------------------------------------------------------


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


def words(query: str) -> list[str]:
    """The words of a query for the fallback (quotes and operators dropped)."""
    return [word for word in re.findall(r"\w+", query) if len(word) > 1][:10]


def _stem(word: str) -> str:
    """A crude German suffix strip for the fallback: Stadtteilen -> stadtteil."""
    word = word.lower()
    for suffix in ("ungen", "en", "er", "es", "e", "n", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


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

    search_query = SearchQuery(query, search_type="websearch", config=CONFIG)
    matching = source.queryset().alias(document=StoredVector()).filter(document=search_query)
    return matching, SearchRank(StoredVector(), search_query)


def _fallback_matches(source: Source, query: str) -> tuple[QuerySet, Expression]:
    terms = [_stem(word) for word in words(query)]
    condition = Q()
    for term in terms:
        condition &= reduce(operator.or_, (Q(**{f"{f}__icontains": term}) for f in _fields(source)))
    in_title = [
        When(Q(**{f"{f}__icontains": term}), then=Value(2))
        for term in terms
        for f in source.title_fields
    ]
    return source.queryset().filter(condition), Case(
        *in_title, default=Value(1), output_field=IntegerField()
    )


def _branches(query: str, *, year: int | None = None):
    """(source, its published matches of `query`, their rank) for each source."""
    query = query.strip()
    if not query or not (is_postgres() or words(query)):
        return
    find = _postgres_matches if is_postgres() else _fallback_matches
    for source in SOURCES:
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
        page = max(1, min(page, CANDIDATES * len(SOURCES) // per_page + 1))
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
    """The rows of one page with titles, links and snippets (one query per source present)."""
    by_source: dict[str, list[int]] = {}
    for match in matches:
        by_source.setdefault(match.source.key, []).append(match.pk)
    rows: dict[tuple[str, int], tuple[object, str]] = {}
    for source in SOURCES:
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
    result = []
    for match in matches:
        obj, marked = rows.get((match.source.key, match.pk), (None, ""))
        if obj is None:  # vanished between the two queries
            continue
        result.append(
            Hit(
                source=match.source,
                title=match.source.title(obj),
                url=match.source.url(obj),
                date=obj.match_date,
                snippet=safe_snippet(marked),
            )
        )
    return result


def _postgres_rows(source: Source, queryset: QuerySet, query: str):
    from django.contrib.postgres.search import SearchHeadline, SearchQuery

    parts: list = []
    for field in source.body_fields:
        parts += [field, Value(" ")]
    document = Concat(*parts, output_field=TextField()) if len(parts) > 2 else parts[0]
    headline = SearchHeadline(
        _sql_plain(document),
        SearchQuery(query, search_type="websearch", config=CONFIG),
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
    (r"!?\[([^]]*)\]\([^)]*\)", r"\1", "g"),
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


def fallback_headline(text: str, query: str) -> str:
    """Cut `text` around the first occurrence of a query word and mark every occurrence."""
    text = plain(text)
    terms = [_stem(word) for word in words(query)]
    if not terms:
        return text[:SNIPPET_CHARS]
    pattern = re.compile("|".join(re.escape(term) for term in terms), re.IGNORECASE)
    first = pattern.search(text)
    start = max(0, (first.start() if first else 0) - SNIPPET_CHARS // 3)
    cut = text[start : start + SNIPPET_CHARS]
    cut = pattern.sub(lambda m: f"{START}{m.group(0)}{STOP}", cut)
    return ("… " if start else "") + cut + (" …" if start + SNIPPET_CHARS < len(text) else "")


_MARKDOWN = [
    (re.compile(r"!?\[([^\]]*)\]\([^)]*\)"), r"\1"),  # links and images: their text
    (re.compile(r"^[ \t]*(#{1,6}|>|[-*+]|\d+\.)[ \t]+", re.MULTILINE), ""),  # line starts
    (re.compile(r"(\*\*|__|~~|`)"), ""),  # emphasis and code marks
]


def plain(text: str) -> str:
    """Markdown source as reading text for a snippet (the syntax removed, the words kept)."""
    for pattern, replacement in _MARKDOWN:
        text = pattern.sub(replacement, text)
    return " ".join(text.split())


def safe_snippet(marked: str) -> SafeString:
    """Escape the text, then turn the sentinels into <mark>; nh3 closes anything unbalanced."""
    html = escape(plain(marked)).replace(START, "<mark>").replace(STOP, "</mark>")
    return mark_safe(nh3.clean(html, tags={"mark"}, attributes={}))  # escaped, then cleaned
