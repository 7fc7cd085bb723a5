"""Cache of public pages for anonymous visitors (issues 9 and 20, DESIGN §9).

How it stays correct:

* **What is cached**: only GET/HEAD requests of visitors without a session (not logged in), no
  pending messages and no cookie but the language and CSRF ones; only answers with status 200
  that set no cookie, used no CSRF token (a form for anonymous visitors) and are not marked
  private or ``never_cache``. Logged-in users never read from or write to this cache.
* **Key**: scheme, host, language and full path (with the query parameters public pages read).
* **What a page depends on**: while a page is rendered, every SELECT is watched and the tables
  of the portal's apps it reads are noted. The entry keeps, for each of those tables, the
  table's *version* as it was before rendering began. Each table has one version number in the
  shared cache (in production fields of one Redis hash, portal/cache.py); all of them are read
  together with the entry in one round trip, and an entry is served only while none of its
  tables has a newer version. A district page reads no motion table, so a publication does not
  outdate it; a motion page reads no indicator table, so an import does not outdate it.
* **One object's pages**: a motion's page, its reports' pages and PDFs show only that motion's
  rows of its family of tables (`page_cache_rows` of the app: the motion, its questions,
  events, reports …). Such a page calls ``scope("motion", pk)`` and then depends, for those
  tables, on the motion's own version and on the family's "@motion" version instead of the
  tables'. Services that change one motion run inside ``row_writes("motion", pk)``
  (``writes_rows_of``): their writes raise the tables' versions (lists, feeds, search, home)
  and the motion's version, not "@motion"; every other write to those tables (the admin, a
  bulk update, a script) raises "@motion" and so renders every motion's pages anew. Publishing
  one answer therefore leaves the pages of the other 20,000 motions cached.
* **Invalidation**: every INSERT, UPDATE or DELETE on a table of the portal's own apps bumps that
  table's version – whether it comes from a form, a service, the admin, an import
  (``bulk_create``), ``QuerySet.update()``, a task worker or a management command. It is bumped
  at once and again when the transaction commits, so a page rendered from not yet committed data
  by another process cannot survive the commit.
* **Writes nothing public shows**: a service that only changes what no public page shows (a
  motion draft, an answer report before publication, a login's timestamp) runs inside
  ``private_writes()``; its writes bump nothing. Everything else invalidates, so forgetting the
  marker costs speed, never correctness.
* **Time**: pages that depend on the clock ("next meetings") are at most
  ``PAGE_CACHE_SECONDS`` old.

Values computed from the data (``remember()``, the totals behind pagers) follow the same rule:
they are kept with the versions of the tables their computation read, and a page that uses one
depends on those tables too.

Several processes need a shared cache for this (``REDIS_URL``); with the local-memory cache,
settings turn the page cache off unless DEBUG is on (single-process demo).
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import hashlib
import logging
import re
import time

from django.apps import apps
from django.conf import settings
from django.core import checks, paginator
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import connections, transaction
from django.db.backends.signals import connection_created
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils.functional import cached_property

from portal import registry
from portal.middleware import visitor_language

logger = logging.getLogger(__name__)

VERSION_PREFIX = "pagecache:v:"
# With Redis (portal/cache.py) all versions are fields of this one hash.
COUNTERS = "pagecache:versions"
# The versions of single objects (a motion and what belongs to it): a Redis hash, or one key each.
ROWS = "pagecache:rows"
ROW_PREFIX = "pagecache:r:"
HEADER = "X-Page-Cache"
WRITE_RE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?([\w.]+)"?', re.IGNORECASE)
READ_RE = re.compile(r'\b(?:FROM|JOIN)\s+"?([\w.]+)"?', re.IGNORECASE)
# Django's `update_last_login` on every login: no public page shows it.
LAST_LOGIN_RE = re.compile(r'^\s*UPDATE\s+"?\w+"?\s+SET\s+"?last_login"?\s*=\s*%s\s+WHERE', re.I)
UNCACHEABLE_DIRECTIVES = {"private", "no-cache", "no-store"}
MEMO_SECONDS = 24 * 3600

_watched_tables: frozenset[str] | None = None
# The tables read while a page (or a remembered value) is computed, and the versions of all
# tables when the request began; None outside the page cache.
_reads: contextvars.ContextVar[set[str] | None] = contextvars.ContextVar("reads", default=None)
_snapshot: contextvars.ContextVar[dict[str, int] | None] = contextvars.ContextVar(
    "snapshot", default=None
)
_private: contextvars.ContextVar[bool] = contextvars.ContextVar("private", default=False)
# The object (family, pk) whose rows the writes inside `row_writes()` change, and the one a page
# being rendered is scoped to (`scope()`).
_row_writes: contextvars.ContextVar[tuple[str, int] | None] = contextvars.ContextVar(
    "row_writes", default=None
)
_scope: contextvars.ContextVar[tuple[str, int] | None] = contextvars.ContextVar(
    "scope", default=None
)


# --- the versions ------------------------------------------------------------------------------


def _watched() -> frozenset[str]:
    global _watched_tables
    if _watched_tables is None:
        # The apps whose tables public pages show (`page_cache` on their AppConfig), less the
        # models no public page shows (`page_cache_ignored`): see portal/registry.py.
        _watched_tables = frozenset(
            model._meta.db_table
            for config in registry.page_cache_configs()
            for model in config.get_models(include_auto_created=True)
            if model.__name__ not in getattr(config, "page_cache_ignored", ())
        )
    return _watched_tables


@functools.cache
def _families() -> dict[str, str]:
    """Table → family: the tables an app names per family of rows (`page_cache_rows` on its
    AppConfig, e.g. a motion with its questions, events and reports)."""
    return {
        config.get_model(name)._meta.db_table: family
        for config in registry.page_cache_configs()
        for family, names in getattr(config, "page_cache_rows", {}).items()
        for name in names
    }


@functools.cache
def _sorted_tables() -> tuple[str, ...]:
    """The watched tables, and per family "@family": the version of its tables' writes that no
    `row_writes()` attributed to one object."""
    return tuple(sorted({*_watched(), *(f"@{family}" for family in _families().values())}))


def _version_key(table: str) -> str:
    return VERSION_PREFIX + table


def _fetch(*keys: str, rows=()) -> tuple[dict[str, int], dict]:
    """The versions of all watched tables (and of the objects `rows`, where known) and the
    entries under `keys`, in one round trip."""
    tables = _sorted_tables()
    if hasattr(cache, "get_with_counters"):  # Redis (portal/cache.py): the versions in one hash
        found, entries = cache.get_with_counters(COUNTERS, list(keys), ROWS, rows)
        missing = [table for table in tables if table not in found]
        if missing:
            # A fresh (or flushed) cache starts at the clock, never at an old number whose
            # pages might still be stored.
            found.update(cache.init_counters(COUNTERS, missing, time.time_ns()))
        versions = {table: found[table] for table in tables}
        versions.update((row, found[row]) for row in rows if row in found)
        return versions, entries
    row_keys = [ROW_PREFIX + row for row in rows]
    found = cache.get_many([*keys, *map(_version_key, tables), *row_keys])
    missing = [table for table in tables if _version_key(table) not in found]
    if missing:
        start = time.time_ns()
        for table in missing:
            cache.add(_version_key(table), start, timeout=None)
        found.update(cache.get_many([_version_key(table) for table in missing]))
    versions = {table: found[_version_key(table)] for table in tables}
    pairs = zip(rows, row_keys, strict=True)
    versions.update((row, found[key]) for row, key in pairs if key in found)
    return versions, {key: found[key] for key in keys if key in found}


def _known_row_versions(rows: list[str]) -> dict[str, int]:
    """The versions of the objects `rows` that have one (read only: one never written has
    none, and an entry depending on it is outdated)."""
    if hasattr(cache, "get_counters"):
        return cache.get_counters(ROWS, rows)
    found = cache.get_many([ROW_PREFIX + row for row in rows])
    return {row: found[ROW_PREFIX + row] for row in rows if ROW_PREFIX + row in found}


def current_versions() -> dict[str, int]:
    return _fetch()[0]


def bump(tables=None, rows=()) -> None:
    """Invalidate what was computed from `tables` (default: every watched table) and from the
    objects `rows` ("family#pk")."""
    names = sorted(_sorted_tables() if tables is None else tables)
    logger.debug("Page cache: versions of %s %s bumped", names, list(rows))
    try:
        _raise(COUNTERS, VERSION_PREFIX, names)
        _raise(ROWS, ROW_PREFIX, rows)
    except Exception:  # the cache is down: log it, never break the write that caused it
        logger.exception("Could not invalidate the page cache")


def _raise(counters: str, prefix: str, names) -> None:
    if not names:
        return
    if hasattr(cache, "incr_counters"):  # Redis: one round trip, atomic per name
        cache.incr_counters(counters, names, time.time_ns())
        return
    for name in names:
        try:
            cache.incr(prefix + name)
        except ValueError:  # no version yet
            cache.add(prefix + name, time.time_ns(), timeout=None)


def _row_versions(rows: list[str]) -> dict[str, int]:
    """The versions of the objects `rows`; one never written starts at the clock."""
    start = time.time_ns()
    if hasattr(cache, "init_counters"):
        return cache.init_counters(ROWS, rows, start)
    for row in rows:
        cache.add(ROW_PREFIX + row, start, timeout=None)
    found = cache.get_many([ROW_PREFIX + row for row in rows])
    return {row: found[ROW_PREFIX + row] for row in rows if ROW_PREFIX + row in found}


class _BumpOnCommit:
    """The on-commit callback for one write's versions (one per kind of write and transaction)."""

    def __init__(self, tables: tuple[str, ...], rows: tuple[str, ...]):
        self.key = (tables, rows)

    def __call__(self) -> None:
        bump(*self.key)


@contextlib.contextmanager
def private_writes():
    """Writes inside change nothing a public page shows: they invalidate nothing. For services
    that only touch drafts and work in progress; when in doubt, leave it out."""
    token = _private.set(True)
    try:
        yield
    finally:
        _private.reset(token)


@contextlib.contextmanager
def row_writes(family: str, pk: int):
    """Writes inside change, of `family`'s tables, only the rows of object `pk` (a motion with
    its questions, events, reports …): pages scoped to other objects (`scope()`) stay cached.
    Lists, feeds and every page not scoped still depend on the tables and are invalidated."""
    token = _row_writes.set((family, pk) if pk is not None else None)
    try:
        yield
    finally:
        _row_writes.reset(token)


def writes_rows_of(family: str, owner):
    """Decorator of a service or task whose writes belong to one object: `owner(*args,
    **kwargs)` is its pk (None: unknown, the writes count for all of `family`), e.g.
    ``@writes_rows_of("motion", lambda motion, **_: motion.pk)``. Put it above
    ``transaction.atomic``, so what runs on commit (a PDF rendered at once) counts too."""

    def decorate(function):
        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            with row_writes(family, owner(*args, **kwargs)):
                return function(*args, **kwargs)

        return wrapper

    return decorate


def _invalidated_by(table: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The versions a write to `table` raises: the table's, and its object's or its family's."""
    family = _families().get(table)
    if family is None:
        return (table,), ()
    owner = _row_writes.get()
    if owner is not None and owner[0] == family:
        return (table,), (f"{family}#{owner[1]}",)
    return (table, f"@{family}"), ()


def _note_reads(tables) -> None:
    reads = _reads.get()
    if reads is None:
        return
    scope = _scope.get()
    for table in tables:
        if table not in _watched():
            continue
        if scope is not None and _families().get(table) == scope[0]:
            reads.update((f"@{scope[0]}", f"{scope[0]}#{scope[1]}"))
        else:
            reads.add(table)


def _on_query(execute, sql, params, many, context):
    result = execute(sql, params, many, context)
    write = WRITE_RE.match(sql)
    if write:
        table = write.group(1)
        if table in _watched() and not _private.get() and not LAST_LOGIN_RE.match(sql):
            tables, rows = _invalidated_by(table)
            bump(tables, rows)
            connection = context["connection"]
            callback = _BumpOnCommit(tables, rows)
            if connection.in_atomic_block and not any(
                getattr(other, "key", None) == callback.key
                for _sids, other, _robust in connection.run_on_commit
            ):
                transaction.on_commit(callback, using=connection.alias)
    else:
        _note_reads(READ_RE.findall(sql))
    return result


def _install(sender, connection, **kwargs) -> None:
    if _on_query not in connection.execute_wrappers:
        connection.execute_wrappers.append(_on_query)


def connect_signals() -> None:
    """Watch every database connection for reads and writes (called from PortalConfig.ready)."""
    connection_created.connect(_install, dispatch_uid="portal.pagecache")
    for connection in connections.all(initialized_only=True):
        _install(None, connection)


# --- entries: a value and the versions of the tables it was computed from -------------------------

_MISSING = object()


def _valid(entry, versions: dict[str, int]):
    """The value of a (dependencies, value) entry, or _MISSING if a table changed since."""
    if entry is None:
        return _MISSING
    dependencies, value = entry
    rows = [name for name in dependencies if "#" in name and name not in versions]
    if rows:  # a page scoped to an object: one more round trip for the object's version
        versions = {**versions, **_known_row_versions(rows)}
    if all(versions.get(table) == version for table, version in dependencies.items()):
        reads = _reads.get()
        if reads is not None:
            reads.update(dependencies)  # whoever uses the value depends on its tables too
        return value
    return _MISSING


def _store(key: str, versions: dict[str, int], reads: set[str], value, timeout: int) -> None:
    """Keep `value` with the versions its tables had *before* it was computed, so a write that
    commits meanwhile outdates the entry."""
    dependencies = {table: versions[table] for table in reads if table in versions}
    try:
        cache.set(key, (dependencies, value), timeout)
    except Exception:
        logger.exception("Page cache unavailable")


@contextlib.contextmanager
def _tracking(versions: dict[str, int], scoped: bool = False):
    """Note the tables read inside; they are added to an enclosing tracker as well. A value
    computed inside (a remembered total) is not scoped to the page's object unless `scoped`."""
    outer = _reads.get()
    reads: set[str] = set()
    tokens = (
        _reads.set(reads),
        _snapshot.set(versions),
        _scope.set(_scope.get() if scoped else None),
    )
    try:
        yield reads
    finally:
        _reads.reset(tokens[0])
        _snapshot.reset(tokens[1])
        _scope.reset(tokens[2])
        if outer is not None:
            outer.update(reads)


def scope(family: str, pk: int) -> bool:
    """The page being rendered shows, of `family`'s tables, only the rows of object `pk` (a
    motion's page: the motion, its questions, events and published reports), so it depends on
    that object's version instead of those tables': a publication of another motion leaves it
    cached. Call it first and read everything the page shows after it: what was read before
    does not count. Values kept with `remember()` and other tables still count as a whole.
    True when the page is scoped now (the view then reads its object again)."""
    versions, reads = _snapshot.get(), _reads.get()
    if versions is None or reads is None or _scope.get() is not None:
        return False  # not a page the cache keeps
    row = f"{family}#{pk}"
    try:
        # Read before the data, like the tables' versions: a write committing meanwhile
        # raises it again, so the page cannot outlive the commit.
        versions[row] = _row_versions([row])[row]
    except Exception:
        logger.exception("Page cache unavailable")
        return False
    reads.clear()
    _scope.set((family, pk))
    return True


def remember(key: str, compute, *, scoped: bool = False):
    """`compute()` once per version of the tables it reads, shared by all processes: totals and
    lists that writes to those tables invalidate together with the pages (e.g. the count behind
    a pager). `scoped`: the value shows only the rows of the object the page is scoped to
    (`scope()`), so it depends on that object's version like the page."""
    if settings.PAGE_CACHE_SECONDS <= 0:
        return compute()
    # Keys may hold what a visitor typed (a slug, a query): hashed, so their length is bounded.
    digest = hashlib.sha256(key.encode()).hexdigest()
    full_key = f"memo:{settings.PORTAL_RELEASE}:{digest}"
    try:
        versions = _snapshot.get()
        if versions is None:
            versions, found = _fetch(full_key)
            entry = found.get(full_key)
        else:  # inside a page: the versions as of the request's start
            entry = cache.get(full_key)
    except Exception:
        logger.exception("Page cache unavailable")
        return compute()
    value = _valid(entry, versions)
    if value is _MISSING:
        with _tracking(versions, scoped) as reads:
            value = compute()
        _store(full_key, versions, reads, value, MEMO_SECONDS)
    return value


def count(queryset) -> int:
    """`queryset.count()`, remembered per version under a hash of its SQL."""
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:
        return 0
    digest = hashlib.sha256(f"{queryset.db}|{sql}|{params!r}".encode()).hexdigest()
    return remember(f"count:{digest}", queryset.count)


class Paginator(paginator.Paginator):
    """Django's paginator with the total from `count()` above: paging through 20,000 motions
    does not count them on every page view."""

    @cached_property
    def count(self) -> int:
        if isinstance(self.object_list, QuerySet):
            return count(self.object_list)
        return super().count


# --- the middleware ----------------------------------------------------------------------------


@functools.cache
def _parameter_names() -> frozenset[str]:
    """The query parameters public pages read: each app names its own (`page_cache_parameters`
    on its AppConfig, portal/registry.py)."""
    return frozenset(
        name
        for config in apps.get_app_configs()
        for name in getattr(config, "page_cache_parameters", ())
    )


def _known_parameters(query: QueryDict) -> QueryDict:
    names = _parameter_names()
    known = QueryDict(mutable=True, encoding=query.encoding)
    for name in sorted(query):
        if name in names:
            known.setlist(name, query.getlist(name))
    known._mutable = False
    return known


# Page key → the objects ("motion#12") its entry depended on, as this process last saw it.
_row_hints: dict[str, tuple[str, ...]] = {}
ROW_HINTS_MAX = 20_000


def _hint_rows(key: str, dependencies) -> None:
    rows = tuple(sorted(name for name in dependencies if "#" in name))
    if _row_hints.get(key, ()) != rows:
        if len(_row_hints) >= ROW_HINTS_MAX:
            _row_hints.clear()
        _row_hints[key] = rows


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.timeout = settings.PAGE_CACHE_SECONDS
        self.excluded = tuple(settings.PAGE_CACHE_EXCLUDED_PATHS)
        self.allowed_cookies = {settings.LANGUAGE_COOKIE_NAME, settings.CSRF_COOKIE_NAME}

    def __call__(self, request):
        if self.timeout <= 0 or not self._cacheable_request(request):
            return self.get_response(request)
        # Parameters no public page reads are dropped before the view and the key: a random
        # `?x=…` can neither bypass the cache nor leave its value in a cached page.
        request.GET = _known_parameters(request.GET)
        key = self._key(request)
        try:
            # The objects this page depended on when this process last saw it: their versions
            # come in the same round trip (a guess; the entry says what it depends on).
            versions, found = _fetch(key, rows=_row_hints.get(key, ()))
            entry = found.get(key)
            cached = _valid(entry, versions)
        except Exception:
            logger.exception("Page cache unavailable")
            return self.get_response(request)
        if cached is not _MISSING:
            _hint_rows(key, entry[0])
            if settings.PAGE_CACHE_HEADER:
                cached[HEADER] = "hit"
            return cached
        with _tracking(versions) as reads:
            response = self.get_response(request)
        if self._cacheable_response(request, response):
            _store(key, versions, reads, response, self.timeout)
            _hint_rows(key, reads)
            if settings.PAGE_CACHE_HEADER:
                response[HEADER] = "miss"
        return response

    def _cacheable_request(self, request) -> bool:
        if request.method not in ("GET", "HEAD") or request.path.startswith(self.excluded):
            return False
        if any(name not in self.allowed_cookies for name in request.COOKIES):
            return False  # a session, pending messages, or something we do not know about
        headers = request.headers
        return not (
            "Authorization" in headers
            or "Range" in headers
            or "If-None-Match" in headers
            or "If-Modified-Since" in headers
        )

    def _cacheable_response(self, request, response) -> bool:
        if response.status_code != 200 or response.streaming or response.cookies:
            return False
        if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
            return False  # the page holds a CSRF token bound to this visitor
        directives = {
            part.split("=", 1)[0].strip().lower()
            for part in response.get("Cache-Control", "").split(",")
        }
        return not directives & UNCACHEABLE_DIRECTIVES

    def _key(self, request) -> str:
        language = visitor_language(request)
        query = request.GET.urlencode()
        url = f"{request.scheme}://{request.get_host()}{request.path}?{query}"
        digest = hashlib.sha256(url.encode()).hexdigest()
        return f"page:{settings.PORTAL_RELEASE}:{language}:{digest}"


# --- configuration check -----------------------------------------------------------------------


@checks.register(checks.Tags.caches, deploy=True)
def check_shared_cache(app_configs, **kwargs):
    backend = settings.CACHES["default"]["BACKEND"]
    if settings.PAGE_CACHE_SECONDS > 0 and not settings.DEBUG and backend.endswith("LocMemCache"):
        return [
            checks.Warning(
                "The page cache needs a cache shared by all processes.",
                hint="Set REDIS_URL, or PAGE_CACHE_SECONDS=0.",
                id="portal.W001",
            )
        ]
    return []
