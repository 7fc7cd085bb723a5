"""Snippets of search hits: the fallback's words and headline, and safe <mark> markup.

Snippets are built from user text: they are escaped first and only then get their `<mark>`
elements (from sentinel characters ts_headline or the fallback put around matches), so hostile
text in a motion can never become markup.
"""

import re

import nh3
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# The spelling folding is portal.search's: apps match their own text with it (e.g. alerts).
from portal.search import ascii_fold, fold  # noqa: F401 (the engine imports them from here)

SNIPPET_CHARS = 240
# Put around matches by ts_headline / the fallback, turned into <mark> after escaping.
START, STOP = "\u27e6", "\u27e7"


_VARIANTS = {"ae": "(?:ae|ä)", "oe": "(?:oe|ö)", "ue": "(?:ue|ü)", "ss": "(?:ss|ß)"}


def variant_pattern(term: str) -> str:
    """A regular expression (for re.IGNORECASE) of an ascii-folded term in any spelling."""
    parts, index = [], 0
    while index < len(term):
        pair = term[index : index + 2]
        if pair in _VARIANTS:
            parts.append(_VARIANTS[pair])
            index += 2
        else:
            parts.append(re.escape(term[index]))
            index += 1
    return "".join(parts)


def query_pattern(query: str) -> re.Pattern | None:
    """The words of a query (stemmed, any spelling) as one pattern, longest first."""
    terms = sorted({ascii_fold(stem(word)) for word in words(query)}, key=len, reverse=True)
    if not terms:
        return None
    # The whole word from the match on: "Steuer" marks "Steuer", not the stem "Steu".
    alternatives = "|".join(variant_pattern(term) for term in terms)
    return re.compile(f"(?:{alternatives})\\w*", re.IGNORECASE)


def mark(text: str, query: str) -> SafeString:
    """`text` escaped, with every occurrence of a query word in <mark> (titles of hits)."""
    pattern = query_pattern(query)
    marked = pattern.sub(lambda m: f"{START}{m.group(0)}{STOP}", text) if pattern else text
    html = escape(marked).replace(START, "<mark>").replace(STOP, "</mark>")
    return mark_safe(nh3.clean(html, tags={"mark"}, attributes={}))  # escaped, then cleaned


def words(query: str) -> list[str]:
    """The words of a query for the fallback (quotes and operators dropped)."""
    return [word for word in re.findall(r"\w+", query) if len(word) > 1][:10]


def stem(word: str) -> str:
    """A crude German suffix strip for the fallback: Stadtteilen -> stadtteil."""
    word = word.lower()
    for suffix in ("ungen", "en", "er", "es", "e", "n", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def fallback_headline(text: str, query: str) -> str:
    """Cut `text` around the first occurrence of a query word and mark every occurrence."""
    text = plain(text)
    pattern = query_pattern(query)
    if pattern is None:
        return text[:SNIPPET_CHARS]
    first = pattern.search(text)
    start = max(0, (first.start() if first else 0) - SNIPPET_CHARS // 3)
    cut = text[start : start + SNIPPET_CHARS]
    cut = pattern.sub(lambda m: f"{START}{m.group(0)}{STOP}", cut)
    return ("… " if start else "") + cut + (" …" if start + SNIPPET_CHARS < len(text) else "")


_MARKDOWN = [
    # Links and images: their text. The text part may not contain "[", the address only
    # balanced pairs of "()", so each attempt stops at the next bracket: linear time even on
    # "[[[[…" (a 40,000-character run of "[" took seconds with a plain [^\]]*).
    (re.compile(r"!?\[([^\[\]]*)\]\((?:[^()]|\([^()]*\))*\)"), r"\1"),
    (re.compile(r"^[ \t]*(#{1,6}|>|[-*+]|\d+\.)[ \t]+", re.MULTILINE), ""),  # line starts
    (re.compile(r"(\*\*|__|~~|`)"), ""),  # emphasis and code marks
]


def plain(text: str) -> str:
    """Markdown source as reading text for a snippet (the syntax removed, the words kept)."""
    for pattern, replacement in _MARKDOWN:
        text = pattern.sub(replacement, text)
    return " ".join(text.split())


def safe_snippet(marked: str) -> SafeString:
    """Escape the text, then turn the sentinels into <mark>; nh3 closes anything unbalanced."""
    html = escape(plain(marked)).replace(START, "<mark>").replace(STOP, "</mark>")
    return mark_safe(nh3.clean(html, tags={"mark"}, attributes={}))  # escaped, then cleaned
