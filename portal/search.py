"""What an app hands the site-wide search (ratsportal/search/): its searchable sources.

An app lists its `Source`s and its type-filter groups in its own `search.py` and names them in
its AppConfig (`contributes["search_sources"]`, `contributes["search_groups"]`). On PostgreSQL a
source's table needs a stored `search_vector` column with a GIN index (see the migrations of
requests_app 0007 and portal 0006).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import QuerySet


@dataclass(frozen=True)
class Source:
    key: str
    group: str  # a key of the app's GROUPS: the type filter
    label: str  # what a hit is called: "Antrag", "Frage", "Sitzung"
    queryset: Callable[[], QuerySet]  # published rows only
    title_fields: tuple[str, ...]
    body_fields: tuple[str, ...]
    date_field: str
    title: Callable[[object], str]
    url: Callable[[object], str]
    related: tuple[str, ...] = ()


# Spelling variants a search treats as one: "Strassenkriminalitaet" finds "Straßenkriminalität"
# and the other way round. Both the indexed text and the query are folded the same way.
_UMLAUTS = (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss"))


def fold(text: str) -> str:
    """PostgreSQL's folding (before the German stemmer): lower case, "ae" -> "ä", "oe" -> "ö",
    "ue" -> "ü", "ß" -> "ss". The stemmer itself turns ä/ö/ü into a/o/u, so "Häuser" still
    finds "Haus"; the same expression folds the stored search vectors (`SQL_FOLD`)."""
    text = text.lower()
    for umlaut, letters in _UMLAUTS[:3]:
        text = text.replace(letters, umlaut)
    return text.replace("ß", "ss")


def sql_fold(column_sql: str) -> str:
    """`fold()` as an SQL expression (immutable: usable in a stored generated column)."""
    sql = f"lower({column_sql})"
    for umlaut, letters in _UMLAUTS[:3]:
        sql = f"replace({sql}, '{letters}', '{umlaut}')"
    return f"replace({sql}, 'ß', 'ss')"


def ascii_fold(text: str) -> str:
    """The fallback's folding (substring matching, no stemmer): lower case, ä -> ae, ß -> ss."""
    text = text.lower()
    for umlaut, letters in _UMLAUTS:
        text = text.replace(umlaut, letters)
    return text
