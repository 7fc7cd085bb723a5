"""Every URL pattern is declared in tests/access.py and answers each account as declared."""

import pytest
from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.access import ADMIN_NAMESPACE, ENTRIES
from tests.access_types import ACCOUNTS


def iter_patterns(patterns=None, namespace=""):
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            inner = (
                f"{namespace}:{entry.namespace}"
                if namespace and entry.namespace
                else (entry.namespace or namespace)
            )
            yield from iter_patterns(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern):
            name = entry.name or f"<unnamed {entry.pattern}>"
            yield f"{namespace}:{name}" if namespace else name


def project_url_names() -> set[str]:
    return {name for name in iter_patterns() if not name.startswith(f"{ADMIN_NAMESPACE}:")}


def test_every_url_pattern_is_declared():
    undeclared = sorted(project_url_names() - set(ENTRIES))
    assert not undeclared, f"URL patterns without an entry in tests/access.py: {undeclared}"


def test_no_stale_entries():
    stale = sorted(set(ENTRIES) - project_url_names())
    assert not stale, f"Entries in tests/access.py without a URL pattern: {stale}"


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(ENTRIES))
def test_access(name, client, make_user):
    access = ENTRIES[name]
    url = reverse(name, kwargs=access.kwargs() if access.kwargs else None) + access.query
    failures = []
    for account in ACCOUNTS:
        client.logout()
        if account != "anonymous":
            client.force_login(make_user(None if account == "no_role" else account))
        response = client.get(url)
        expected = access.expected(account)
        if response.status_code != expected:
            failures.append(f"{account}: {response.status_code} (expected {expected})")
        elif (
            expected == 302
            and account == "anonymous"
            and access.who != "public"
            and not response["Location"].startswith(reverse("login"))
        ):
            failures.append(f"anonymous redirected to {response['Location']}, not the login")
    assert not failures, f"{url}: " + "; ".join(failures)


@pytest.mark.django_db
def test_admin_is_for_staff_only(client, make_user):
    urls = [reverse("admin:index")] + [
        reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for model in admin.site._registry
    ]
    for account in ACCOUNTS:
        client.logout()
        if account != "anonymous":
            client.force_login(make_user(None if account == "no_role" else account))
        for url in urls:
            status = client.get(url).status_code
            assert status == (200 if account == "superuser" else 302), (account, url, status)
