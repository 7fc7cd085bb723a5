"""Crawl the demo with Django's test client: one page of every URL pattern a link reaches.

Shared by the HTML validity test and the browser scans (axe at 390 px and in English), so
both see the same page types. The crawl follows `<a href>` links from the home page, as a
visitor and as each demo account, and keeps the first page of every view name.
"""

from collections import deque
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from django.test import Client
from django.urls import Resolver404, resolve

from portal.models import User

# Pages that are not HTML of ours, or that change something on GET.
SKIPPED_PREFIXES = ("/admin/", "/oparl/", "/static/", "/media/", "/konto/abmelden/", "/i18n/")
# Pages reached only through forms (GET), added to what the crawl finds.
EXTRA_PATHS = [
    "/suche/?q=Sicherheitspartnerschaft",
    "/konto/anmelden/",
]
ACCOUNTS = [None, "rat", "ratsbuero", "kpr", "dezernat", "polizei", "admin"]


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a" and (href := dict(attrs).get("href")):
            self.hrefs.append(href)


def _links(base: str, html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    links = []
    for href in parser.hrefs:
        url = urlsplit(urljoin(base, href))
        if url.scheme in ("", "http") and url.netloc in ("", "testserver"):
            links.append(url.path + (f"?{url.query}" if url.query else ""))
    return links


def _view_name(path: str) -> str | None:
    try:
        return resolve(urlsplit(path).path).view_name
    except Resolver404:
        return None


def crawl(client: Client) -> dict[str, tuple[str, str]]:
    """view name -> (path, HTML) of the first page of every view that links reach from '/'."""
    pages: dict[str, tuple[str, str]] = {}
    seen: set[str] = set()
    queue = deque(["/", *EXTRA_PATHS])
    while queue:
        path = queue.popleft()
        name = _view_name(path)
        if name is None or name in seen or path.startswith(SKIPPED_PREFIXES):
            continue
        response = client.get(path)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        seen.add(name)
        html = response.content.decode()
        pages[name] = (path, html)
        queue.extend(_links(path, html))
    return pages


def demo_pages() -> dict[str | None, dict[str, str]]:
    """account (None = visitor) -> {path: HTML}; each view name once, for the first account
    that reaches it. Needs the demo content (the `demo` fixture)."""
    recorded: set[str] = set()
    result: dict[str | None, dict[str, str]] = {}
    for username in ACCOUNTS:
        client = Client()
        if username:
            client.force_login(User.objects.get(username=username))
        result[username] = {}
        for name, (path, html) in crawl(client).items():
            if name not in recorded:
                recorded.add(name)
                result[username][path] = html
    return result
