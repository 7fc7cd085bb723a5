"""HTML -> PDF with WeasyPrint and a locked-down URL fetcher (DESIGN §7).

Whatever a report's text contains, rendering may read only two kinds of resources: the
portal's own static files (found through Django's staticfiles finders, never by a path the
document chose) and `data:` URLs. Everything else (`file:`, `http:` to the network or to
localhost, other static-looking paths) is refused before any I/O, and WeasyPrint leaves the
resource out. The PDF is PDF/UA-1: tagged, with the document's language and title.
"""

from __future__ import annotations

import mimetypes
import posixpath
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

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


def html_to_pdf(html: str, *, fetcher: PortalURLFetcher | None = None) -> bytes:
    """Render a complete HTML document (with `lang` and `<title>`) as a tagged PDF/UA-1."""
    document = HTML(
        string=_absolute_links(html), base_url=BASE_URL, url_fetcher=fetcher or PortalURLFetcher()
    )
    return document.write_pdf(pdf_variant=PDF_VARIANT, pdf_tags=True)
