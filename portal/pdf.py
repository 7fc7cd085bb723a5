"""HTML -> PDF with WeasyPrint and a locked-down URL fetcher (DESIGN §7).

Whatever a report's text contains, rendering may read only two kinds of resources: the
portal's own static files (found through Django's staticfiles finders, never by a path the
document chose) and `data:` URLs. Everything else (`file:`, `http:` to the network or to
localhost, other static-looking paths) is refused before any I/O, and WeasyPrint leaves the
resource out. The PDF is PDF/UA-1: tagged, with the document's language and title, and every
table header cell says whether it heads a column or a row (/Scope), so that a screen reader
can tell which header a value belongs to.
"""

from __future__ import annotations

import mimetypes
import posixpath
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.files.storage import default_storage
from django.http import FileResponse, HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from portal.formats import bind_units

# Documents are rendered with this base URL, so `{% static %}` paths become absolute URLs the
# fetcher recognises; the host does not exist and is never contacted. Links for the reader are
# made absolute with the portal's public address first (`_absolute_links`).
BASE_URL = "https://portal.invalid/"
# href="/..." of a link (not "//host"): sanitised Markdown and our templates quote with ".
_SITE_LINK = re.compile(r'(<a\b[^>]*?\shref=")/(?!/)')
PDF_VARIANT = "pdf/ua-1"


class BlockedURL(ValueError):
    """A document asked for a resource outside the portal's static files."""


class PortalURLFetcher(URLFetcher):
    """Serves `data:` URLs and the portal's static files; refuses everything else."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols=("data",), allow_redirects=False)
        self.refused: list[str] = []

    def fetch(self, url: str, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)  # decoded in memory by urllib's DataHandler
        path = static_path(url)
        if path is None:
            self.refused.append(url)
            raise BlockedURL(f"Blocked URL in PDF: {url[:200]}")
        mime_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": mime_type})


def static_path(url: str) -> Path | None:
    """The file of a static URL under BASE_URL, found by the staticfiles finders; else None."""
    prefix = BASE_URL.rstrip("/") + settings.STATIC_URL
    if not url.startswith(prefix):
        return None
    parts = urlsplit(url)
    relative = unquote(parts.path)[len(settings.STATIC_URL) :]
    normalised = posixpath.normpath(relative)
    if (
        not relative
        or normalised != relative
        or normalised.startswith(("/", "."))
        or "\\" in relative
        or "\x00" in relative
    ):
        return None
    found = finders.find(normalised)
    if not found and staticfiles_storage.exists(normalised):
        # DEBUG off: `{% static %}` names collectstatic's hashed copies, which only the
        # storage (STATIC_ROOT) holds, not the finders' source folders.
        found = staticfiles_storage.path(normalised)
    return Path(found) if found else None


def _absolute_links(html: str) -> str:
    """Links to the portal's pages lead to its public address (PORTAL_BASE_URL) in the PDF."""
    return _SITE_LINK.sub(rf"\g<1>{settings.PORTAL_BASE_URL.rstrip('/')}/", html)


class _TextParser(HTMLParser):
    """The visible text of an HTML document, a line per block, without head, style, script."""

    SKIP = {"head", "style", "script", "template"}
    BLOCKS = {
        "p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "br", "table",
        "section", "article", "blockquote", "pre", "dt", "dd", "caption", "figcaption",
    }  # fmt: skip

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.skipping += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")
        elif tag in {"td", "th"}:
            self.parts.append(" ")

    def handle_endtag(self, tag):
        if tag in self.SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def html_text(html: str) -> str:
    """The text a PDF rendered from `html` shows (OParl File.text of the portal's own PDFs)."""
    parser = _TextParser()
    parser.feed(html)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).split("\n"))
    return "\n".join(line for line in lines if line)


def pdf_text(pdf: bytes) -> str:
    """The text of a PDF, page by page (OParl File.text), extracted with pypdf; "" if none.

    Only for PDFs the portal rendered itself; a broken file gives "" rather than an error."""
    from io import BytesIO

    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        pages = PdfReader(BytesIO(pdf)).pages
        return "\n\n".join((page.extract_text() or "").strip() for page in pages).strip()
    except (PyPdfError, ValueError, KeyError):
        return ""


def scope_table_headers(_document, pdf) -> None:
    """WeasyPrint finisher: give every /TH structure element its /Scope.

    WeasyPrint (70) tags header cells as /TH and links data cells to them with /Headers, but
    writes no /Scope, which PDF/UA checkers require of a header cell. The HTML says it with
    `scope`; our tables follow the HTML rule for it: a header cell in `<thead>` heads its
    column, one in a body row heads its row."""
    by_reference = {
        element.reference: element for element in pdf.objects if isinstance(element, dict)
    }
    for element in by_reference.values():
        if element.get("Type") != "/StructElem" or element.get("S") != "/TH":
            continue
        row = by_reference.get(element.get("P"))
        section = by_reference.get(row.get("P")) if row is not None else None
        in_head = section is not None and section.get("S") == "/THead"
        attributes = element.setdefault("A", {"O": "/Table"})
        attributes["Scope"] = "/Column" if in_head else "/Row"


def html_to_pdf(html: str, *, fetcher: PortalURLFetcher | None = None) -> bytes:
    """Render a complete HTML document (with `lang` and `<title>`) as a tagged PDF/UA-1.
    A figure and its unit never part at a line break ("108.000 €")."""
    document = HTML(
        string=bind_units(_absolute_links(html)),
        base_url=BASE_URL,
        url_fetcher=fetcher or PortalURLFetcher(),
    )
    return document.write_pdf(pdf_variant=PDF_VARIANT, pdf_tags=True, finisher=scope_table_headers)


def stored_pdf_response(request, *, path: str, sha256: str, size: int | None, filename: str):
    """A stored PDF (a report's, a motion's) with its SHA-256 as ETag: 304 for a client that
    has it; a plain response for a small file, which the page cache can hold; streamed else."""
    etag = f'"{sha256}"'
    if etag in [tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")]:
        response = HttpResponseNotModified()
    elif size is not None and size <= settings.PAGE_CACHE_MAX_FILE_BYTES:
        with default_storage.open(path, "rb") as pdf:
            response = HttpResponse(pdf.read(), content_type="application/pdf")
        response["Content-Disposition"] = content_disposition_header(False, filename)
    else:
        response = FileResponse(
            default_storage.open(path, "rb"), content_type="application/pdf", filename=filename
        )
    response["ETag"] = etag
    patch_cache_control(response, public=True, max_age=3600)
    return response
