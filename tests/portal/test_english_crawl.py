"""The demo in English has no German interface text left (issue 19, "Language").

The test loads the demo, switches to English through the language switch's cookie and crawls every
same-site HTML page reachable from `/` (anonymously, then as the KPR office and the council
office), bounded per kind of URL. Each page's visible text (text nodes, plus the `title`,
`aria-label`, `alt` and `placeholder` attributes) must not contain a word of `GERMAN_TERMS`.

What may legitimately stay German is *content*: motion titles and texts, names of districts,
bodies, factions, persons and meetings, minutes, indicator names from the data, free text the
users typed. The test reads every text value stored in the database and removes those values from
a text node before checking it, so a motion titled "Anfrage zur Sicherheit im Stadtteil Zentrum"
does not count, but the interface words around it do. Two refinements keep that honest:

- Values are only removed where they occur as a whole (a motion title inside a heading), never
  by word: an untranslated label "Stadtteil" is not excused because some stored text contains
  the word.
- The legal pages' stored starting texts are not excused: the English page must show an English
  text while the operator has not edited them (ratsportal/views.py). Nor is the demo's notice on
  the prevention council's pages ("Beispieldaten: Arbeitsgruppen, Sitzungen, …"), stored but
  shown translated.

The terms are the portal's own interface vocabulary, chosen so that none of them is an English
word or part of one (matched as whole, case-sensitive words).
"""

import re
from collections import Counter, deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models

from prevention.demo import KPR_DEMO_NOTE
from ratsportal.search.snippets import plain

GERMAN_TERMS = [
    "Antrag", "Anträge", "Anfrage", "Anfragen", "Sitzung", "Sitzungen", "Frage", "Fragen",
    "Abbildung", "Fälle", "Beispieldaten", "Stadtteil", "Stadtteile", "Straftaten",
    "Präventionsrat", "Präventionsrats", "veröffentlicht", "Ausschuss", "Antwort", "Antworten",
    "Bericht", "Berichte", "Antwortbericht", "Niederschrift", "Tagesordnung", "Zuarbeit",
    "Mitzeichnung", "Einwohner", "Häufigkeitszahl", "herunterladen", "Kennzahl", "Kennzahlen",
    "Maßnahme", "Maßnahmen", "Arbeitsgruppe", "Arbeitsgruppen", "Zurück", "zurück", "Suche",
    "Anmelden", "Abmelden", "Benachrichtigung", "Benachrichtigungen", "Quelle", "Jahr", "Jahre",
    "nicht", "keine", "amtlichen", "Zahlen", "Wirkung", "Stadtrat", "Gremium", "Gremien",
    "Vorschau", "Entwurf", "Speichern", "Seite", "Einreichen", "einreichen", "Übersicht",
    "Ergebnis", "Ergebnisse", "Mitglieder", "Termine", "Datum", "Gesamt", "gesamt", "Uhr",
    "Frist", "fristgerecht", "beantwortet", "Dezernat", "Datenschutz", "Impressum",
    "Barrierefreiheit", "Erklärung", "Stadt", "und", "oder", "mit", "für", "von", "bis",
]  # fmt: skip
# "Stadtrat", "Dezernat", "Stadt" are also parts of names (bodies, departments, "Stadt Chemnitz"):
# those names are stored content and removed before the check, the bare words are interface.
PATTERN = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, GERMAN_TERMS)) + r")(?![\w-])")

SKIP_PREFIXES = ("/admin/", "/static/", "/media/", "/konto/abmelden/", "/i18n/", "/oparl/")
SKIP_SUFFIXES = (".pdf", ".csv", ".json", ".ics", ".xml", ".png", ".svg")
PER_KIND = 4  # pages per kind of URL (its path with numbers and slugs blurred)
MAX_PAGES = 300
ATTRIBUTES = {"title", "aria-label", "alt", "placeholder"}
DJANGO_APPS = {"auth", "contenttypes", "sessions", "admin", "axes", "django_tasks_database"}
# Stored renderings of interface plus content (a report's frozen HTML and PDF text, a motion's
# document text): not content themselves; their content is in the source fields. A report's
# snapshot is content: the answers and the exhibits' figures as approved, frozen in German.
RENDERINGS = {
    "published_html", "pdf_text", "document_text", "document_source", "pdf_error",
    "review_baseline",
}  # fmt: skip
# Stored fields that hold interface words: the catalogue's units ("Fälle"), shown translated.
INTERFACE_FIELDS = {("Indicator", "unit")}
# Stored texts of the demo that are interface, not content: the pages show them translated.
TRANSLATED_STORED_TEXTS = {KPR_DEMO_NOTE}
# A text node this long that occurs within a stored text is content (shorter ones may be labels).
MIN_CONTENT_PART = 16


class Page(HTMLParser):
    """Visible text of a page, and its links.

    Inline markup (<mark> of search hits, <em> of Markdown) does not split a text. Skipped:
    scripts and styles; code samples (`<pre>`, `<code>`: file formats like
    "Stadt;pks.890000;2023" are literal); search snippets (cuts of stored text with their
    Markdown removed: content).
    """

    SKIP = {"script", "style", "template", "pre", "code"}
    # Inline markup inside a sentence (Markdown's emphasis, highlighting) does not split it.
    INLINE = {"mark", "em", "strong", "b", "i", "small", "abbr", "sup", "sub"}
    VOID = {"br", "img", "input", "meta", "link", "hr", "wbr", "source", "col", "area"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self.links: list[str] = []
        self._open: list[bool] = []  # per open element: whether its text is skipped
        self._buffer: list[str] = []

    def _skipping(self) -> bool:
        return any(self._open)

    def _flush(self):
        text = " ".join("".join(self._buffer).split())
        if text:
            self.texts.append(text)
        self._buffer = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        if tag in self.INLINE:
            return
        self._flush()
        if not self._skipping():
            for name in ATTRIBUTES & attrs.keys():
                if attrs[name]:
                    self.texts.append(attrs[name])
            if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
                self.texts.append(attrs["value"])
        if tag not in self.VOID:
            classes = (attrs.get("class") or "").split()
            self._open.append(tag in self.SKIP or "search-snippet" in classes)

    def handle_endtag(self, tag):
        if tag in self.INLINE:
            return
        self._flush()
        if tag not in self.VOID and self._open:
            self._open.pop()

    def handle_data(self, data):
        if not self._skipping():
            self._buffer.append(data)

    def close(self):
        super().close()
        self._flush()


def kind(path: str) -> str:
    """The URL's kind: /antraege/12/ and /antraege/13/ are one kind, so are the districts."""
    parts = [p for p in urlsplit(path).path.split("/") if p]
    blurred = [re.sub(r"\d+", "N", part) for part in parts[:1]] + ["X" for _part in parts[1:]]
    query = urlsplit(path).query
    return "/".join(blurred) + (
        "?" + "&".join(sorted(p.split("=")[0] for p in query.split("&"))) if query else ""
    )


def _strings(value):
    """The strings in a stored value (JSON snapshots hold the frozen content of reports)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def normal(text: str) -> str:
    """Without the invisible joiners and narrow spaces the templates' filters add ("95-⁠%")."""
    return text.replace("\u2060", "").replace("\u00a0", " ").replace("\u202f", " ")


def reading_text(markdown: str) -> str:
    """Stored Markdown as the page shows it: without its syntax (emphasis, links, list marks)."""
    return plain(markdown).replace("*", "")


def stored_texts() -> list[str]:
    """Every text value in the database that contains a German term: user content.

    Django's own tables (permissions, content types, sessions, the admin log) hold names of
    the interface, not content; stored HTML (a report's frozen rendering) holds interface
    headings around content whose strings are taken from the report's snapshot instead.
    """
    from portal.models import SitePage

    values: set[str] = set()
    for model in apps.get_models():
        if model is SitePage or model._meta.app_label in DJANGO_APPS:
            continue  # the legal pages must be English (see the module docstring)
        fields = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, (models.CharField, models.TextField, models.JSONField))
            and not f.choices
            and f.name not in RENDERINGS
            and (model.__name__, f.name) not in INTERFACE_FIELDS
        ]
        if not fields:
            continue
        for row in model._default_manager.values_list(*fields):
            for value in (text for item in row for text in _strings(item)):
                if not PATTERN.search(value) or value in TRANSLATED_STORED_TEXTS:
                    continue
                if re.search(r"<[a-z]", value):  # frozen markup (a chart, a table): its texts
                    page = Page()
                    page.feed(value)
                    page.close()
                    values.update(normal(text) for text in page.texts)
                    continue
                value = normal(value)
                values.add(" ".join(value.split()))
                # Markdown and multi-line texts reach the page line by line.
                values.update(reading_text(line) for line in value.splitlines())
                values.update(reading_text(part) for part in value.split("\n\n"))
    return sorted((v for v in values if len(v) > 3), key=len, reverse=True)


def without_content(text: str, content: list[str], blob: str) -> str:
    """`text` without the stored values in it; nothing if it is a part of a stored text (a
    paragraph of an answer split by a link), unless it is short like a label. Literal words of
    a file format, quoted in the English text ("the whole city as "Stadt""), are not German."""
    text = text.replace('"Stadt"', "")
    if len(text) >= MIN_CONTENT_PART and text in blob:
        return ""
    for value in content:
        if value in text:
            text = text.replace(value, " ")
    return text


def crawl(client, starts, content, found):
    blob = "\n".join(content)
    queue = deque(starts)
    seen, kinds, visited = set(queue), Counter(), 0
    while queue and visited < MAX_PAGES:
        path = queue.popleft()
        response = client.get(path)
        visited += 1
        if response.status_code in (301, 302, 303, 307, 308):
            location = response["Location"]
            if location.startswith("/") and location not in seen:
                seen.add(location)
                queue.append(location)
            continue
        if "html" not in response.get("Content-Type", "") or response.streaming:
            continue
        assert response.status_code in (200, 404, 410), (path, response.status_code)
        page = Page()
        page.feed(response.content.decode())
        page.close()
        assert response.get("Content-Language") == "en", path
        for text in page.texts:
            if PATTERN.search(text):
                rest = without_content(normal(text), content, blob)
                for term in PATTERN.findall(rest):
                    found.setdefault((term, text[:160]), path)
        for href in page.links:
            link = urldefrag(urljoin(path, href))[0]
            if (
                not link.startswith("/")
                or link in seen
                or link.startswith(SKIP_PREFIXES)
                or urlsplit(link).path.endswith(SKIP_SUFFIXES)
                or "seite=" in link
            ):
                continue
            if kinds[kind(link)] >= PER_KIND:
                continue
            kinds[kind(link)] += 1
            seen.add(link)
            queue.append(link)
    return visited


@pytest.mark.django_db
def test_the_demo_in_english_shows_no_german_interface_text(demo, client):
    from portal.models import User

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    content = stored_texts()
    found: dict[tuple[str, str], str] = {}
    visited = crawl(client, ["/", "/suche/?q=Sicherheit"], content, found)
    assert visited > 40
    for username in ("kpr", "ratsbuero", "rat", "dezernat", "polizei"):
        client.force_login(User.objects.get(username=username))
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        crawl(client, ["/arbeitsbereich/"], content, found)
    report = "\n".join(
        f"{term!r} on {path}: {text}" for (term, text), path in sorted(found.items())
    )
    assert not found, f"{len(found)} German interface words in English:\n{report}"


@pytest.mark.django_db
def test_a_published_report_reads_in_english_around_its_german_content(demo, client):
    from requests_app.models import AnswerReport

    report = AnswerReport.objects.get(slug="ba-044-2020")
    german = client.get(report.get_absolute_url()).content.decode()
    assert report.published_html in german  # the frozen document, unchanged
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(report.get_absolute_url()).content.decode()
    assert report.published_html not in english
    page = Page()
    page.feed(english)
    page.close()
    assert "Question 1" in page.texts and "Frage 1" not in page.texts
    assert any(text.startswith("Figure 1") for text in page.texts)
    assert not any(text.startswith("Abbildung") for text in page.texts)
    # the answers themselves are the administration's German text
    assert "Der Kriminalpräventive Rat hat sich am" in english


@pytest.mark.django_db
def test_legal_pages_in_english_while_unedited_and_german_once_edited(client):
    from portal.models import SitePage

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get("/datenschutz/").content.decode()
    assert "Privacy policy" in page and "Your rights" in page
    assert "Ihre Rechte" not in page
    edited = SitePage.objects.get(slug="datenschutz")
    edited.body = "## Eigener Text"
    edited.save()  # a write: the page cache forgets the page
    page = client.get("/datenschutz/").content.decode()
    assert "This page is only available in German." in page
    assert '<div lang="de">' in page and "Eigener Text" in page
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "de"
    page = client.get("/datenschutz/").content.decode()
    assert "Eigener Text" in page and "nur auf Deutsch" not in page
