"""Markdown -> safe HTML. The only way user-written text becomes HTML in the portal.

markdown-it-py renders CommonMark (raw HTML disabled, tables on); nh3 then keeps only an
allow-list of tags, attributes and URL schemes, so script, event handlers, `javascript:` URLs
and foreign images can never reach a page or a PDF.
"""

import posixpath
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import unquote

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

ALLOWED_TAGS = {
    "p",
    "br",
    "hr",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "strong",
    "em",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "del",
    "img",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "th": {"scope"},
    "ol": {"start"},
}
ALLOWED_SCHEMES = {"http", "https", "mailto"}


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable(
        ["table", "strikethrough"]
    )


def _is_static(url: str) -> bool:
    """A URL of the portal's own static files, also after the browser resolves "..", "%2e%2e"
    and backslashes (so `/static/../media/x` is not one)."""
    path = unquote(url.split("?", 1)[0].split("#", 1)[0]).replace("\\", "/")
    return path.startswith("/static/") and posixpath.normpath(path).startswith("/static/")


def _keep_url(element: str, attribute: str, value: str) -> str | None:
    # Images may only come from the portal itself: no tracking pixels, no file:// or internal hosts.
    if element == "img" and attribute == "src" and not _is_static(value):
        return None
    return value


def sanitize_html(html: str) -> str:
    """Clean HTML from any source against the portal's allow-list."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        attribute_filter=_keep_url,
        strip_comments=True,
    )


def render_markdown(text: str) -> SafeString:
    """Render user Markdown to HTML that is safe to show on a page or in a PDF."""
    if not text:
        return mark_safe("")
    # Headings start at h2: the page's own title is the only h1.
    html = _parser().render(text).replace("<h1>", "<h2>").replace("</h1>", "</h2>")
    return mark_safe(sanitize_html(html))  # sanitised by nh3 just above


# --- the preview of a form's Markdown fields (one pattern for every form) -----------------------

PREVIEW_BUTTON = "preview"  # the name of the form's "Vorschau" button (includes/preview.html)


@dataclass(frozen=True)
class PreviewPart:
    heading: str  # "" for a form with one text
    html: SafeString


def wants_preview(request) -> bool:
    """True when the form was sent with its "Vorschau" button: show, do not save."""
    return PREVIEW_BUTTON in request.POST


def preview(parts: Iterable[tuple[str, str]]) -> list[PreviewPart]:
    """(heading, Markdown) pairs as the preview block shows them; empty texts are left out."""
    return [
        PreviewPart(str(heading), render_markdown(text)) for heading, text in parts if text.strip()
    ]
