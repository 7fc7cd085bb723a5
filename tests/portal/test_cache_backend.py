"""The portal's Redis cache backend (portal/cache.py): the page cache's versions live in one hash,
read with a page in one round trip and raised atomically. Needs Redis (TEST_REDIS_URL); CI
fails, not skips, when it is unreachable."""

import os
import threading
import time

import pytest
from django.core.cache import caches

from portal import pagecache

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture
def redis_cache(settings):
    prefix = f"cache-backend-test-{os.getpid()}-{time.time_ns()}"
    settings.CACHES = {
        "default": {
            "BACKEND": "portal.cache.PortalRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": prefix,
        }
    }
    cache = caches["default"]
    yield cache
    cache.clear()


def test_values_and_counters_come_back_together(redis_cache):
    redis_cache.set("page", {"html": "<p>Seite</p>"})
    redis_cache.incr_counters("versions", ["a", "b"], start=1000)
    redis_cache.incr_counters("versions", ["a"], start=5000)

    counters, values = redis_cache.get_with_counters("versions", ["page", "absent"])

    assert counters == {"a": 1002, "b": 1001}
    assert values == {"page": {"html": "<p>Seite</p>"}}


def test_new_counters_start_at_the_given_number_and_keep_existing_ones(redis_cache):
    redis_cache.incr_counters("versions", ["a"], start=10)
    assert redis_cache.init_counters("versions", ["a", "b"], start=99) == {"a": 11, "b": 99}


def test_concurrent_raises_are_not_lost(redis_cache):
    def raise_many():
        for _ in range(200):
            redis_cache.incr_counters("versions", ["t"], start=0)

    threads = [threading.Thread(target=raise_many) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert redis_cache.get_with_counters("versions", [])[0] == {"t": 800}


def test_page_cache_versions_restart_at_the_clock_after_a_flush(redis_cache):
    """A flushed hash must not restart at a small number an old page might still carry."""
    before = time.time_ns()
    table = sorted(pagecache._watched())[0]
    pagecache.bump([table])
    first = pagecache.current_versions()[table]
    redis_cache.delete(pagecache.COUNTERS)
    pagecache.bump([table])
    second = pagecache.current_versions()[table]
    assert first > before and second > first


def test_one_client_per_process(redis_cache):
    client = redis_cache._cache.get_client(write=True)
    assert redis_cache._cache.get_client(write=True) is client


@pytest.mark.django_db
def test_public_pages_answer_while_redis_is_down(client, settings):
    """No Redis: the page cache, remembered values and {% cache %} fragments are skipped, the
    pages are rendered (the search form is such a fragment)."""
    down = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    settings.CACHES = {
        "default": {"BACKEND": "portal.cache.PortalRedisCache", "LOCATION": down},
        "template_fragments": {"BACKEND": "portal.cache.FragmentRedisCache", "LOCATION": down},
    }
    settings.PAGE_CACHE_SECONDS = 300
    for url in ("/", "/suche/?q=Licht", "/antraege/", "/berichte/", "/stadtteile/"):
        assert client.get(url).status_code == 200, url
