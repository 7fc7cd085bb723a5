"""No 500 on hostile input: every URL pattern of the access table (tests/access.py), with
hostile values in each path argument and in the query parameters the pages read, as anonymous
visitor, as superuser (past every access check) and as each role. A clear 4xx or an ordinary
page is fine; an exception or a 500 fails."""

from urllib.parse import quote

import pytest
from django.urls import NoReverseMatch, reverse

from tests.access import ENTRIES
from tests.access_types import ACCOUNTS

HOSTILE = [
    "9" * 5000,  # beyond Python's int() digit limit
    "99999999999999999999",  # beyond 64-bit integers
    "-1",
    "0",
    "eingang-" + "9" * 5000,
    "a" * 3000,
    "\x00",
    "\x0b\x01\r\n",
    "%ff%fe",  # invalid UTF-8 once decoded (kept encoded below)
    "2020-13-45",
    "0001-01-01",
    "../../etc/passwd",
]
# Query parameters read by some page (pagers, filters, search, OParl, alerts, indicators).
PARAMETERS = [
    "seite", "q", "typ", "jahr", "sortierung", "richtung", "darstellung", "kennzahl",
    "antrag", "art", "status", "fraktion", "dezernat", "page", "limit", "modified_since",
    "created_until", "next", "antwort", "p", "omit_internal", "kind", "faction", "department",
    "year", "sort", "created_since", "modified_until",
]  # fmt: skip
SENTINELS = ["987654321", "zzsentinelzz", "pks.zzsentinelzz"]


def _encoded(value: str) -> str:
    return value if value.startswith("%") else quote(value, safe="")


def _variants(name: str, access) -> list[str]:
    """The URL with each hostile value in each path argument, then in every parameter."""
    kwargs = access.kwargs() if access.kwargs else {}
    urls = []
    for argument in kwargs:
        for sentinel in SENTINELS:
            try:
                template = reverse(name, kwargs={**kwargs, argument: sentinel})
            except NoReverseMatch:
                continue
            urls += [template.replace(sentinel, _encoded(value)) for value in HOSTILE]
            break
    base = reverse(name, kwargs=kwargs or None)
    for value in HOSTILE:
        query = "&".join(f"{parameter}={_encoded(value)}" for parameter in PARAMETERS)
        urls.append(f"{base}?{query}")
    return urls


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(ENTRIES))
def test_hostile_input_never_causes_a_server_error(name, client, make_user):
    client.raise_request_exception = False
    urls = _variants(name, ENTRIES[name])
    failures = []
    for account in ACCOUNTS:
        client.logout()
        if account != "anonymous":
            client.force_login(make_user(None if account == "no_role" else account))
        for url in urls:
            status = client.get(url).status_code
            if status >= 500:
                failures.append(f"{account}: {status} {url[:160]}")
    assert not failures, f"{len(failures)} server errors:\n" + "\n".join(failures[:20])
