"""The portal's Redis cache backend (settings.CACHES with REDIS_URL; issue 20).

Django's RedisCache with two additions the page cache (portal/pagecache.py) needs on every
request:

* **One client per process.** Django builds a new ``redis.Redis`` object for every cache
  operation; building one costs more than a cached page's whole round trip to Redis. The client
  is thread-safe and shares the connection pool, so each process keeps one per pool.
* **Counters in one hash.** The page cache keeps a version number per table. Here they live in
  one Redis hash: a request reads all of them and its cached page in one round trip
  (``get_with_counters``), and a write raises its tables' numbers atomically
  (``incr_counters``), across processes.
"""

from __future__ import annotations

import logging

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient

logger = logging.getLogger(__name__)


class _Client(RedisCacheClient):
    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        clients = self.__dict__.setdefault("_clients", {})
        client = clients.get(id(pool))
        if client is None:
            client = clients[id(pool)] = super().get_client(key, write=write)
        return client


class PortalRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _Client

    def get_with_counters(
        self, counters: str, keys: list[str], other: str = "", fields=()
    ) -> tuple[dict[str, int], dict]:
        """All fields of the counter hash `counters` (and `fields` of the hash `other`, where
        they exist) and the values under `keys`, in one round trip."""
        client = self._cache.get_client(write=False)
        pipeline = client.pipeline(transaction=False)
        pipeline.hgetall(self.make_key(counters))
        pipeline.mget([self.make_and_validate_key(key) for key in keys] or [self.make_key("-")])
        if fields:
            pipeline.hmget(self.make_key(other), list(fields))
        found, values, *more = pipeline.execute()
        counts = {field.decode(): int(value) for field, value in found.items()}
        if more:
            counts.update(
                (field, int(value))
                for field, value in zip(fields, more[0], strict=True)
                if value is not None
            )
        loads = self._cache._serializer.loads
        entries = {key: loads(v) for key, v in zip(keys, values, strict=False) if v is not None}
        return counts, entries

    def get_counters(self, counters: str, fields) -> dict[str, int]:
        """The `fields` of the hash `counters` that exist."""
        fields = list(fields)
        values = self._cache.get_client(write=False).hmget(self.make_key(counters), fields)
        return {f: int(v) for f, v in zip(fields, values, strict=True) if v is not None}

    def incr_counters(self, counters: str, fields, start: int) -> None:
        """Raise each of `fields` in the hash `counters` by one; a field that does not exist yet
        starts at `start` first (never at a small number an old entry might still carry)."""
        client = self._cache.get_client(write=True)
        key = self.make_key(counters)
        pipeline = client.pipeline(transaction=False)
        for field in fields:
            pipeline.hsetnx(key, field, start)
            pipeline.hincrby(key, field, 1)
        pipeline.execute()

    def init_counters(self, counters: str, fields, start: int) -> dict[str, int]:
        """Set the `fields` that do not exist yet to `start`; their values afterwards."""
        client = self._cache.get_client(write=True)
        key = self.make_key(counters)
        pipeline = client.pipeline(transaction=False)
        for field in fields:
            pipeline.hsetnx(key, field, start)
        pipeline.hmget(key, list(fields))
        *_set, values = pipeline.execute()
        return {field: int(value) for field, value in zip(fields, values, strict=True)}


class FragmentRedisCache(PortalRedisCache):
    """The cache of ``{% cache %}`` fragments (alias ``template_fragments``): when Redis is
    down the fragment is rendered, never a server error (the page cache and ``remember`` do
    the same for theirs)."""

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except Exception:
            logger.warning("Fragment cache unavailable", exc_info=True)
            return default

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            super().set(key, value, timeout, version)
        except Exception:
            logger.warning("Fragment cache unavailable", exc_info=True)
