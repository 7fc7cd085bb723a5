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
  shared cache (Redis in production); all of them are read together with the entry in one round
  trip, and an entry is served only while none of its tables has a newer version. A district
  page reads no motion table, so a publication does not outdate it; a motion page reads no
  indicator table, so an import does not outdate it.
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


def _version_key(table: str) -> str:
    return VERSION_PREFIX + table


def _fetch(*keys: str) -> tuple[dict[str, int], dict]:
    """The versions of all watched tables and the entries under `keys`, in one round trip."""
    tables = sorted(_watched())
    found = cache.get_many([*keys, *map(_version_key, tables)])
    missing = [table for table in tables if _version_key(table) not in found]
    if missing:
        # A fresh (or flushed) cache starts at the clock, never at an old number whose pages
        # might still be stored.
        start = time.time_ns()
        for table in missing:
            cache.add(_version_key(table), start, timeout=None)
        found.update(cache.get_many([_version_key(table) for table in missing]))
    versions = {table: found[_version_key(table)] for table in tables}
    return versions, {key: found[key] for key in keys if key in found}


def current_versions() -> dict[str, int]:
    return _fetch()[0]


def bump(tables=None) -> None:
    """Invalidate what was computed from `tables` (default: every watched table)."""
    for table in _watched() if tables is None else tables:
        logger.debug("Page cache: version of %s bumped", table)
        key = _version_key(table)
        try:
            try:
                cache.incr(key)
            except ValueError:  # no version yet
                cache.add(key, time.time_ns(), timeout=None)
        except Exception:  # the cache is down: log it, never break the write that caused it
            logger.exception("Could not invalidate the page cache")
            return


class _BumpOnCommit:
    """The on-commit callback for one table (one per table and transaction)."""

    def __init__(self, table: str):
        self.table = table

    def __call__(self) -> None:
        bump([self.table])


@contextlib.contextmanager
def private_writes():
    """Writes inside change nothing a public page shows: they invalidate nothing. For services
    that only touch drafts and work in progress; when in doubt, leave it out."""
    token = _private.set(True)
    try:
        yield
    finally:
        _private.reset(token)


def _on_query(execute, sql, params, many, context):
    result = execute(sql, params, many, context)
    write = WRITE_RE.match(sql)
    if write:
        table = write.group(1)
        if table in _watched() and not _private.get() and not LAST_LOGIN_RE.match(sql):
            bump([table])
            connection = context["connection"]
            if connection.in_atomic_block and not any(
                getattr(callback, "table", None) == table
                for _sids, callback, _robust in connection.run_on_commit
            ):
                transaction.on_commit(_BumpOnCommit(table), using=connection.alias)
    else:
        reads = _reads.get()
        if reads is not None:
            reads.update(table for table in READ_RE.findall(sql) if table in _watched())
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
def _tracking(versions: dict[str, int]):
    """Note the tables read inside; they are added to an enclosing tracker as well."""
    outer = _reads.get()
    reads: set[str] = set()
    tokens = (_reads.set(reads), _snapshot.set(versions))
    try:
        yield reads
    finally:
        _reads.reset(tokens[0])
        _snapshot.reset(tokens[1])
        if outer is not None:
            outer.update(reads)


def remember(key: str, compute):
    """`compute()` once per version of the tables it reads, shared by all processes: totals and
    lists that writes to those tables invalidate together with the pages (e.g. the count behind
    a pager)."""
    if settings.PAGE_CACHE_SECONDS <= 0:
        return compute()
    full_key = f"memo:{key}"
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
        with _tracking(versions) as reads:
            value = compute()
        _store(full_key, versions, reads, value, MEMO_SECONDS)
    return value


def data_version(*app_labels: str) -> str:
    """A short token that changes whenever a table of these apps is written: the key of a
    template fragment rendered from their data (``{% cache … data_version %}``), so a large
    table or chart is rendered once per version of the data, not per request. Inside a page
    it uses the versions the page cache read when the request began (the same rule as the page:
    a fragment rendered from data that is being committed is outdated by the bump on commit)."""
    if settings.PAGE_CACHE_SECONDS <= 0:
        # Without the page cache writes bump versions only where the cache is shared (not
        # with the local-memory cache of several processes): never reuse a fragment then.
        return f"uncached-{time.time_ns()}"
    versions = _snapshot.get()
    try:
        if versions is None:
            versions = current_versions()
    except Exception:
        logger.exception("Page cache unavailable")
        return f"uncached-{time.time_ns()}"  # never reuse a fragment without knowing versions
    prefixes = tuple(f"{label}_" for label in app_labels)
    relevant = sorted((t, v) for t, v in versions.items() if t.startswith(prefixes))
    return hashlib.sha256(repr(relevant).encode()).hexdigest()[:16]


def fragment_context(*app_labels: str) -> dict:
    """What a template's ``{% cache fragment_seconds "name" … data_version %}`` needs: the
    version token of the apps' tables, and 0 seconds (keep nothing) without the page cache."""
    seconds = MEMO_SECONDS if settings.PAGE_CACHE_SECONDS > 0 else 0
    return {"fragment_seconds": seconds, "data_version": data_version(*app_labels)}


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
            versions, found = _fetch(key)
            cached = _valid(found.get(key), versions)
        except Exception:
            logger.exception("Page cache unavailable")
            return self.get_response(request)
        if cached is not _MISSING:
            if settings.PAGE_CACHE_HEADER:
                cached[HEADER] = "hit"
            return cached
        with _tracking(versions) as reads:
            response = self.get_response(request)
        if self._cacheable_response(request, response):
            _store(key, versions, reads, response, self.timeout)
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
        return f"page:{language}:{digest}"


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
