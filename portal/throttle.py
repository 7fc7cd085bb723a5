"""Login throttling: the client's address behind proxies, and a limit on password spraying.

django-axes refuses a user name at one address after AXES_FAILURE_LIMIT failures. Two things
it does not do by itself here:

- **The client's address behind nginx.** Each of the PROXY_COUNT reverse proxies in front
  appends the address it was reached from to X-Forwarded-For (nginx:
  `$proxy_add_x_forwarded_for`), so the client is the PROXY_COUNT-th entry from the right;
  anything left of it was sent by the client and may be forged. Without proxies (or with a
  shorter header than PROXY_COUNT) it is REMOTE_ADDR. axes reads it through
  `AXES_CLIENT_IP_CALLABLE = "portal.throttle.client_address"`.
- **Spraying**: one password tried over many user names never trips the per-name limit. Every
  failed login is counted per address in the shared cache; from LOGIN_FAILURES_PER_ADDRESS
  failures within AXES_COOLOFF_TIME on, `SprayGuardBackend` refuses every login from that
  address with axes' lockout page. The limit is well above axes' per-name limit, so that the
  typing errors of many colleagues behind one town-hall address do not lock them all out.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.dispatch import receiver
from django.http import HttpRequest

KEY = "login-failures:{address}"


def client_address(request: HttpRequest) -> str:
    """The address of the client, as the last trusted proxy saw it."""
    remote = request.META.get("REMOTE_ADDR", "")
    count = settings.PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [entry.strip() for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [entry for entry in forwarded if entry]
    if len(forwarded) < count:
        return remote  # not every proxy took part: the nearest address is all we know
    try:
        return str(ipaddress.ip_address(forwarded[-count]))
    except ValueError:  # a proxy that writes something else: do not trust it
        return remote


def _key(request: HttpRequest) -> str:
    return KEY.format(address=client_address(request))


def _window() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds())


def failures(request: HttpRequest) -> int:
    return cache.get(_key(request), 0)


@receiver(user_login_failed)
def count_failure(sender, credentials: dict, request: HttpRequest | None = None, **kwargs):
    if request is None:
        return
    key = _key(request)
    cache.add(key, 0, timeout=_window())
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=_window())


class SprayGuardBackend:
    """An authentication backend that only refuses: too many failures from this address."""

    def authenticate(self, request: HttpRequest | None, **credentials):
        if request is not None and failures(request) >= settings.LOGIN_FAILURES_PER_ADDRESS:
            request.axes_locked_out = True  # axes' middleware answers with its lockout page
            raise PermissionDenied
        return None  # no `get_user`: it never logs anybody in (and force_login skips it)


def allow(key: str, *, limit: int, seconds: int) -> bool:
    """Count one more event under `key` in the shared cache; False from the `limit`-th on
    within `seconds` (a fixed window from the first event)."""
    full = f"throttle:{key}"
    cache.add(full, 0, timeout=seconds)
    try:
        count = cache.incr(full)
    except ValueError:  # expired between add and incr
        cache.set(full, 1, timeout=seconds)
        count = 1
    return count <= limit
