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
