"""The demo on a phone and in English: lists without sideways scrolling, axe on every page type.

The page types are those the HTML validity test checks (tests/crawl.py): one page of every URL
pattern a link of the demo reaches, as a visitor and as each demo account.
"""

import pytest
from django.conf import settings
from django.test import Client

from portal.models import User
from tests.axe import axe_violations
from tests.crawl import demo_pages

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# Every kind of list: (account or None for a visitor, path).
LISTS = [
    (None, "/antraege/"),
    (None, "/berichte/"),
    (None, "/sitzungen/"),
    (None, "/gremien/"),
    (None, "/praeventionsrat/"),
    (None, "/praeventionsrat/sitzungen/"),
    (None, "/stadtteile/"),
    (None, "/stadtteile/zentrum/"),
    (None, "/kennzahlen/"),
    (None, "/kennzahlen/pks.890000/"),
    (None, "/antraege/statistik/"),
    ("rat", "/arbeitsbereich/"),
    ("ratsbuero", "/arbeitsbereich/"),
    ("ratsbuero", "/arbeitsbereich/sitzungen/"),
    ("kpr", "/arbeitsbereich/"),
    ("kpr", "/arbeitsbereich/praeventionsrat/"),
    ("polizei", "/arbeitsbereich/"),
]


def log_in(page, live_server, username: str | None) -> None:
    """Gives the browser the session of a demo account (or none)."""
    page.context.clear_cookies()
    if username is None:
        return
    client = Client()
    client.force_login(User.objects.get(username=username))
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
    )


def overflow(page) -> int:
    """How far the page is wider than the window (0 when nothing scrolls sideways)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


@pytest.mark.parametrize("width", [320, 390])
def test_every_list_fits_a_phone_screen(page, live_server, demo, width):
    page.set_viewport_size({"width": width, "height": 800})
    too_wide = []
    for username, path in LISTS:
        log_in(page, live_server, username)
        page.goto(path)
        assert page.locator("h1").count() == 1, path
        if (extra := overflow(page)) > 0:
            too_wide.append(f"{path} ({username or 'anonym'}): {extra} px zu breit")
    assert too_wide == [], "\n".join(too_wide)


def test_motion_list_shows_kind_faction_status_and_deadline_on_a_phone(page, demo):
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto("/antraege/")
    row = page.locator("table.motion-table tbody tr").first
    for label in ("Art", "Fraktion", "Status", "Frist"):
        cell = row.locator(f'td[data-label="{label}"]')
        box = cell.bounding_box()
        assert box is not None and cell.is_visible(), label
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390, (label, box)
        shown = cell.evaluate("td => getComputedStyle(td, '::before').content")
        assert shown == f'"{label}: "', shown  # the column name is shown before the value
    assert row.locator(".deadline").first.is_visible()


def _scan(page, live_server, language: str, width: int) -> list[str]:
    page.set_viewport_size({"width": width, "height": 900})
    failures = []
    for username, pages in demo_pages().items():
        log_in(page, live_server, username)
        page.context.add_cookies(
            [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
        )
        for path in pages:
            page.goto(path)
            assert page.locator("html").get_attribute("lang") == language, path
            if report := axe_violations(page):
                failures.append(f"{path} ({username or 'anonym'}):\n{report}")
            if width < 576 and (extra := overflow(page)) > 0:  # a phone: no sideways scrolling
                failures.append(f"{path} ({username or 'anonym'}): {extra} px zu breit")
    return failures


@pytest.mark.parametrize(("language", "width"), [("de", 390), ("en", 390), ("en", 1280)])
def test_every_page_type_has_no_axe_violations(page, live_server, demo, language, width):
    """German on a desktop is scanned page by page in the other browser tests."""
    failures = _scan(page, live_server, language, width)
    assert failures == [], "\n".join(failures)


BROKEN_WORDS = """() => {
  const broken = [];
  for (const card of document.querySelectorAll('.key-figure')) {
    const walker = document.createTreeWalker(card, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const match of node.textContent.matchAll(/\\S+/g)) {
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        const lines = new Set(Array.from(range.getClientRects(), r => Math.round(r.top)));
        if (lines.size > 1) broken.push(match[0]);
      }
    }
  }
  return broken;
}"""


@pytest.mark.parametrize("width", [320, 390, 576, 768, 992, 1024, 1280])
def test_home_key_figures_never_break_inside_a_word(page, demo, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/")
    assert page.locator(".key-figure").count() >= 3
    assert page.evaluate(BROKEN_WORDS) == []  # not "Straßenkriminalit / ät"
    assert overflow(page) <= 0  # neither the cards nor the navigation widen the page
