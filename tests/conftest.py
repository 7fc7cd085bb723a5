"""Shared fixtures: one user per role, the CI rules for PostgreSQL and Chromium, the browser."""

import os
import re
import shutil

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.utils import translation

from portal import roles
from prevention.models.districts import load_districts
from prevention.models.indicators import load_catalogue
from tests.factories import PASSWORD, OrganizationFactory, UserFactory

# Playwright's sync API runs an event loop in the test thread; Django must still allow ORM calls
# from the test body and the live server (DEVELOPERS guide).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

IN_CI = bool(os.environ.get("CI"))
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ROLE_NAMES = ["anonymous", *roles.ROLES, "superuser"]


@pytest.fixture(autouse=True)
def _require_postgres(request):
    """`postgres` tests need PostgreSQL: skipped locally on SQLite, an error in CI."""
    if request.node.get_closest_marker("postgres") is None:
        return
    if connection.vendor != "postgresql":
        message = "braucht PostgreSQL (DATABASE_URL=postgres://...)"
        if IN_CI:
            pytest.fail(f"CI: {message}, läuft aber auf {connection.vendor}")
        pytest.skip(message)


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    # Each test starts with an empty cache: a page cached by an earlier test would show data that
    # test's rollback removed (rollbacks do not invalidate the page cache; writes do).
    cache.clear()
    # Each test starts in German, whatever language an earlier test's request left active
    # (portal.middleware.LanguageMiddleware activates the visitor's language for the thread).
    translation.activate("de")
    # Hashing test passwords with PBKDF2 would dominate the suite's run time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def uncached(client):
    """A visitor the page cache never answers (a cookie it does not know): the view runs, so
    what it keeps per version of the data (`pagecache.remember`) shows in query counts."""
    client.cookies["unbekannt"] = "1"
    return client


@pytest.fixture
def faction(db):
    return OrganizationFactory(name="Fraktion Test", short_name="Test", kind="faction")


@pytest.fixture
def department(db):
    return OrganizationFactory(name="Dezernat Test", short_name="Dez T", kind="department")


@pytest.fixture
def make_user(db):
    # Transactional tests (browser) flush the groups the migrations created: bring them back.
    roles.ensure_roles()

    def make(role: str | None = None, **kwargs):
        if role == "superuser":
            return UserFactory(is_staff=True, is_superuser=True, **kwargs)
        return UserFactory(roles=[role] if role else [], **kwargs)

    return make


@pytest.fixture
def council_member(make_user, faction):
    return make_user(roles.COUNCIL_MEMBER, organizations=[faction])


@pytest.fixture
def council_office(make_user):
    return make_user(roles.COUNCIL_OFFICE)


@pytest.fixture
def prevention_office(make_user, department):
    """KPR office staff of the `department` fixture (the lead department of `registered`)."""
    return make_user(roles.PREVENTION_OFFICE, organizations=[department])


@pytest.fixture
def demo(settings, django_capture_on_commit_callbacks):
    """The demo content, as `make demo` loads it (with the PDF rendered on commit)."""
    settings.DEBUG = True
    # an earlier transactional test may have flushed what the migrations created
    roles.ensure_roles()
    load_districts()
    load_catalogue()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("loaddemo")


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """`with commit(): service(...)` runs the on-commit hooks (e-mails, PDF task) like a real
    commit."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def approver(make_user, department):
    return make_user(roles.APPROVER, organizations=[department])


@pytest.fixture
def superuser(make_user):
    return make_user("superuser")


@pytest.fixture
def client_as(client, make_user):
    """client_as("approver") -> a test client logged in as a fresh user with that role."""

    def login(role: str, **kwargs):
        if role != "anonymous":
            client.force_login(make_user(role, **kwargs))
        return client

    return login


# --- Browser tests ------------------------------------------------------------------------


@pytest.fixture(scope="session")
def chromium():
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        message = f"Chromium nicht gefunden ({CHROMIUM}); apt-get install chromium"
        if IN_CI:
            pytest.fail(f"CI: {message}")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium, live_server):
    context = chromium.new_context(locale="de-DE", base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def browser_login(page, user) -> None:
    """Log a browser page in as `user` through the real login form."""
    page.goto("/konto/anmelden/")
    page.get_by_label("Benutzername").fill(user.username)
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").last.click()
    page.wait_for_url("**/arbeitsbereich/")


def browser_logout(page) -> None:
    page.get_by_role("button", name="Abmelden").click()
    page.wait_for_url(re.compile(r".*/$"))


@pytest.fixture
def login_page(page, make_user):
    """Log a browser page in as a fresh user of a role through the real login form."""

    def login(role: str):
        user = make_user(role)
        browser_login(page, user)
        return user

    return login
