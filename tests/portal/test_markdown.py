from html.parser import HTMLParser

import pytest

from portal.markdown import render_markdown


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.elements: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))


def elements(html: str) -> list[tuple[str, dict]]:
    parser = _Elements()
    parser.feed(html)
    return parser.elements


def assert_harmless(html: str) -> None:
    for tag, attrs in elements(html):
        assert tag not in {"script", "iframe", "style", "svg", "object", "embed", "form"}, html
        for name, value in attrs.items():
            assert not name.startswith("on"), html
            assert name != "style", html
            if name in {"href", "src"}:
                assert value.startswith(("https://", "http://", "mailto:", "/static/")), html
                if tag == "img":
                    assert value.startswith("/static/"), html


HOSTILE = [
    ("<script>alert(1)</script>", "<script"),
    ('<img src="x" onerror="alert(1)">', "onerror"),
    ("[klick](javascript:alert(1))", 'href="javascript:'),
    ("[klick](JaVaScRiPt:alert(1))", 'href="javascript:'),
    ('<a href="javascript:alert(1)">x</a>', "<a "),
    ("![x](file:///etc/passwd)", "file://"),
    ("![x](http://127.0.0.1:8000/intern.png)", "127.0.0.1"),
    ('<iframe src="https://evil.example"></iframe>', "<iframe"),
    ("<style>body{display:none}</style>", "<style"),
    ('<div style="position:fixed">x</div>', "style="),
    ("[x](data:text/html;base64,PHNjcmlwdD4=)", "data:text/html"),
    ("<svg onload=alert(1)>", "<svg"),
]


@pytest.mark.parametrize(("text", "forbidden"), HOSTILE)
def test_hostile_markdown_never_reaches_the_page(text, forbidden):
    html = render_markdown(text)
    assert_harmless(html)
    # What is left may show the input as text, but never as markup.
    assert forbidden.lower() not in "".join(str(e) for e in elements(html)).lower()


def test_markdown_keeps_formatting_tables_and_safe_links():
    html = render_markdown(
        "# Titel\n\n**fett** und [Chemnitz](https://www.chemnitz.de)\n\n"
        "| Jahr | Fälle |\n|---|---|\n| 2019 | 12 |\n"
    )
    assert "<h2>Titel</h2>" in html  # the page's own h1 stays the only one
    assert "<strong>fett</strong>" in html
    assert 'href="https://www.chemnitz.de"' in html
    assert 'rel="noopener noreferrer nofollow"' in html
    assert "<td>2019</td>" in html


def test_images_from_the_portal_itself_are_kept():
    assert '<img src="/static/img/logo.png" alt="Logo">' in render_markdown(
        "![Logo](/static/img/logo.png)"
    )


@pytest.mark.parametrize(
    "src",
    [
        "/static/../media/anlagen/intern.pdf",
        "/static/%2e%2e/admin/",
        "/static/..%2f..%2fmedia/x.png",
        "/static\\..\\media\\x.png",
    ],
)
def test_images_that_climb_out_of_the_static_files_are_dropped(src):
    html = render_markdown(f"![x]({src})")
    assert "<img" not in html or "src=" not in html, html
