"""Site-wide search over published content (DESIGN §5, `/suche/?q=`).

Each kind of searchable content is a `Source` in `SOURCES`: a queryset of published rows only,
the fields that are searched (title fields weigh more than body fields), the date used for the
year filter and the date sort, and how a hit is titled and linked. `search()` runs one query per
source for the matching keys (rank and date only), `hits()` one query per source for the rows of
the page shown, with the snippet: the number of queries does not depend on the number of hits.

On PostgreSQL this is German full-text search (stemming, ranking by `ts_rank` with weights,
snippets from `ts_headline`); the index the lead adds is described in the issue's report. On
SQLite a simple fallback: every word must occur (case-insensitive substring, with a crude
suffix strip), titles rank above bodies, snippets cut around the first occurrence.

Snippets are built from user text: they are escaped first and only then get their `<mark>`
elements (from sentinel characters ts_headline or the fallback put around matches), so hostile
text in a motion can never become markup.

To add a source (e.g. the answer reports), append a `Source(...)` to `SOURCES`.
"""

from __future__ import annotations

import operator
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import reduce

import nh3
from django.db import connection
from django.db.models import Case, Func, IntegerField, Q, QuerySet, TextField, Value, When
from django.db.models.functions import Concat
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

CONFIG = "german"
MAX_MATCHES_PER_SOURCE = 500
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
    rank: float
    date: datetime | None

    @property
    def year(self) -> int | None:
        return timezone.localtime(self.date).year if self.date else None


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


def _postgres_matches(source: Source, query: str) -> list[tuple[int, float, datetime | None]]:
    from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

    vectors = [SearchVector(f, weight="A", config=CONFIG) for f in source.title_fields]
    vectors += [SearchVector(f, weight="B", config=CONFIG) for f in source.body_fields]
    vector = reduce(operator.add, vectors)
    search_query = SearchQuery(query, search_type="websearch", config=CONFIG)
    rows = (
        source.queryset()
        .annotate(document=vector)
        .filter(document=search_query)
        .annotate(rank=SearchRank(vector, search_query))
        .order_by("-rank", "-pk")
        .values_list("pk", "rank", source.date_field)
    )
    return list(rows[:MAX_MATCHES_PER_SOURCE])


def _fallback_matches(source: Source, query: str) -> list[tuple[int, float, datetime | None]]:
    terms = [_stem(word) for word in words(query)]
    if not terms:
        return []
    condition = Q()
    for term in terms:
        condition &= reduce(operator.or_, (Q(**{f"{f}__icontains": term}) for f in _fields(source)))
    in_title = [
        When(Q(**{f"{f}__icontains": term}), then=Value(2))
        for term in terms
        for f in source.title_fields
    ]
    rank = Case(*in_title, default=Value(1), output_field=IntegerField())
    rows = (
        source.queryset()
        .filter(condition)
        .annotate(rank=rank)
        .order_by("-rank", "-pk")
        .values_list("pk", "rank", source.date_field)
    )
    return list(rows[:MAX_MATCHES_PER_SOURCE])


def search(query: str) -> list[Match]:
    """Every published match of `query` in every source, best first (one query per source)."""
    query = query.strip()
    if not query:
        return []
    find = _postgres_matches if is_postgres() else _fallback_matches
    matches = [
        Match(source, pk, float(rank), date)
        for source in SOURCES
        for pk, rank, date in find(source, query)
    ]
    return sort_matches(matches, "relevanz")


def _timestamp(match: Match) -> float:
    return match.date.timestamp() if match.date else 0.0


def sort_matches(matches: list[Match], order: str) -> list[Match]:
    if order == "datum":
        return sorted(matches, key=lambda m: (_timestamp(m), m.rank), reverse=True)
    return sorted(matches, key=lambda m: (m.rank, _timestamp(m)), reverse=True)


def narrow(matches: list[Match], *, group: str = "", year: int | None = None) -> list[Match]:
    return [
        match
        for match in matches
        if (not group or match.source.group == group) and (year is None or match.year == year)
    ]


def group_counts(matches: Sequence[Match]) -> Counter:
    return Counter(match.source.group for match in matches)


def year_counts(matches: Sequence[Match]) -> list[tuple[int, int]]:
    counts = Counter(match.year for match in matches if match.year)
    return sorted(counts.items(), reverse=True)


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
        queryset = source.queryset().filter(pk__in=pks)
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
                date=match.date,
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
