"""Cache of public pages for anonymous visitors (issue 9, DESIGN §9).

How it stays correct:

* **What is cached**: only GET/HEAD requests of visitors without a session (not logged in), no
  pending messages and no cookie but the language and CSRF ones; only answers with status 200
  that set no cookie, used no CSRF token (a form for anonymous visitors) and are not marked
  private or ``never_cache``. Logged-in users never read from or write to this cache.
* **Key**: scheme, host, language and full path (with query string). The entry holds the page
  and the *version* of the public content it was rendered from; the version is one integer in
  the shared cache (Redis in production), read together with the entry in one round trip. An
  entry of an older version is never served.
* **Invalidation**: every INSERT, UPDATE or DELETE on a table of the portal's own apps bumps the
  version – whether it comes from a form, a service, the admin, an import (``bulk_create``),
  ``QuerySet.update()``, a task worker or a management command. It is bumped at once and again
  when the transaction commits, so a page rendered from not yet committed data by another
  process cannot survive the commit. Outdated entries are overwritten or expire.
* **Time**: pages that depend on the clock ("next meetings") are at most
  ``PAGE_CACHE_SECONDS`` old.

Several processes need a shared cache for this (``REDIS_URL``); with the local-memory cache,
settings turn the page cache off unless DEBUG is on (single-process demo).
"""

from __future__ import annotations

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

VERSION_KEY = "pagecache:version"
HEADER = "X-Page-Cache"
WRITE_RE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?([\w.]+)"?', re.IGNORECASE)
UNCACHEABLE_DIRECTIVES = {"private", "no-cache", "no-store"}
MEMO_SECONDS = 24 * 3600

_watched_tables: frozenset[str] | None = None


# --- the version -------------------------------------------------------------------------------


def current_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        # A fresh (or flushed) cache starts at the clock, never at an old number whose pages
        # might still be stored.
        cache.add(VERSION_KEY, time.time_ns(), timeout=None)
        version = cache.get(VERSION_KEY)
    return version


def bump() -> None:
    """Invalidate every cached page."""
    try:
        try:
            cache.incr(VERSION_KEY)
        except ValueError:  # no version yet
            cache.add(VERSION_KEY, time.time_ns(), timeout=None)
    except Exception:  # the cache is down: log it, never break the write that caused the bump
        logger.exception("Could not invalidate the page cache")


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


def _on_write(execute, sql, params, many, context):
    result = execute(sql, params, many, context)
    match = WRITE_RE.match(sql)
    if match and match.group(1) in _watched():
        bump()
        connection = context["connection"]
        if connection.in_atomic_block and not any(
            callback is bump for _sids, callback, _robust in connection.run_on_commit
        ):
            transaction.on_commit(bump, using=connection.alias)
    return result


def _install(sender, connection, **kwargs) -> None:
    if _on_write not in connection.execute_wrappers:
        connection.execute_wrappers.append(_on_write)


def connect_signals() -> None:
    """Watch every database connection for writes (called from PortalConfig.ready)."""
    connection_created.connect(_install, dispatch_uid="portal.pagecache")
    for connection in connections.all(initialized_only=True):
        _install(None, connection)


# --- values computed once per version ----------------------------------------------------------

_MISSING = object()


def _lookup(key: str):
    """(current version, the value stored under `key` for that version or _MISSING), read in
    one round trip: entries are (version, value) pairs, and one of an older version is stale."""
    found = cache.get_many([VERSION_KEY, key])
    version = found.get(VERSION_KEY)
    if version is None:
        version = current_version()
    entry = found.get(key)
    if entry is not None and entry[0] == version:
        return version, entry[1]
    return version, _MISSING


def _store(key: str, version: int, value, timeout: int) -> None:
    """Keep `value` as of `version` – the version read *before* computing it, so a write that
    commits meanwhile outdates the entry."""
    try:
        cache.set(key, (version, value), timeout)
    except Exception:
        logger.exception("Page cache unavailable")


def remember(key: str, compute):
    """`compute()` once per content version, shared by all processes: totals and lists that
    every write invalidates together with the pages (e.g. the count behind a pager)."""
    if settings.PAGE_CACHE_SECONDS <= 0:
        return compute()
    full_key = f"memo:{key}"
    try:
        version, value = _lookup(full_key)
    except Exception:
        logger.exception("Page cache unavailable")
        return compute()
    if value is _MISSING:
        value = compute()
        _store(full_key, version, value, MEMO_SECONDS)
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
            version, cached = _lookup(key)
        except Exception:
            logger.exception("Page cache unavailable")
            return self.get_response(request)
        if cached is not _MISSING:
            if settings.PAGE_CACHE_HEADER:
                cached[HEADER] = "hit"
            return cached
        response = self.get_response(request)
        if self._cacheable_response(request, response):
            _store(key, version, response, self.timeout)
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
