"""The PDF renderer's URL fetcher: only the portal's static files and data: URLs (DESIGN §7)."""

import base64
import http.server
import io
import re
import threading
import zlib

import pytest
from PIL import Image

from portal.pdf import BASE_URL, BlockedURL, PortalURLFetcher, html_to_pdf, static_path
from tests.requests_app.test_pdf_task import pdf_catalog


def _document(body: str) -> str:
    return (
        f'<!DOCTYPE html><html lang="de"><head><title>Test</title></head><body>{body}</body></html>'
    )


@pytest.fixture
def local_server():
    """An HTTP server on 127.0.0.1 that counts the requests it gets."""
    hits = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()
            self.wfile.write(_png())

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", hits
    server.shutdown()


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, "PNG")
    return buffer.getvalue()


def test_static_files_of_the_portal_are_found():
    path = static_path(BASE_URL + "static/css/print.css")
    assert path is not None and path.name == "print.css"


def test_collected_static_files_with_hashed_names_are_found(settings, tmp_path):
    """With DEBUG off, `{% static %}` names collectstatic's hashed copy (print.<hash>.css)."""
    settings.STATIC_ROOT = tmp_path
    (tmp_path / "css").mkdir()
    (tmp_path / "css" / "print.5f29a01d08c8.css").write_text("@page { size: A4 }")
    path = static_path(BASE_URL + "static/css/print.5f29a01d08c8.css")
    assert path == tmp_path / "css" / "print.5f29a01d08c8.css"
    assert static_path(BASE_URL + "static/css/print.000000000000.css") is None


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://127.0.0.1:8000/static/css/print.css",
        "https://example.org/static/css/print.css",
        BASE_URL + "static/../ratsportal/settings.py",
        BASE_URL + "static/%2e%2e/ratsportal/settings.py",
        BASE_URL + "static//etc/passwd",
        BASE_URL + "media/berichte/x.pdf",
        BASE_URL + "static/css/nicht-da.css",
    ],
)
def test_everything_else_is_refused_before_any_io(url):
    assert static_path(url) is None
    fetcher = PortalURLFetcher()
    with pytest.raises(BlockedURL):
        fetcher.fetch(url)
    assert fetcher.refused == [url]


def test_a_file_url_is_not_read(tmp_path):
    fetcher = PortalURLFetcher()
    pdf = html_to_pdf(
        _document('<p>Text</p><img src="file:///etc/passwd" alt="x">'), fetcher=fetcher
    )
    assert pdf.startswith(b"%PDF-")
    assert fetcher.refused == ["file:///etc/passwd"]


def test_an_image_on_localhost_is_never_requested(local_server):
    base, hits = local_server
    fetcher = PortalURLFetcher()
    html = _document(
        f'<img src="{base}/bild.png" alt="x">'
        f'<link rel="stylesheet" href="{base}/stil.css">'
        f'<p style="background: url({base}/hintergrund.png)">Text</p>'
    )
    assert html_to_pdf(html, fetcher=fetcher).startswith(b"%PDF-")
    assert hits == []
    assert {url.rsplit("/", 1)[1] for url in fetcher.refused} >= {"bild.png", "stil.css"}


def test_data_urls_and_static_files_are_embedded():
    data = "data:image/png;base64," + base64.b64encode(_png()).decode()
    fetcher = PortalURLFetcher()
    html = _document(
        f'<link rel="stylesheet" href="/static/css/print.css"><img src="{data}" alt="rot">'
    )
    pdf = html_to_pdf(html, fetcher=fetcher)
    assert fetcher.refused == []
    assert b"/Subtype /Image" in pdf_catalog(pdf)


@pytest.mark.django_db
def test_a_report_with_hostile_images_renders_without_touching_them(local_server):
    from requests_app.snapshots import freeze
    from requests_app.tasks import render_report_pdf
    from tests.factories import AnswerReportFactory

    base, hits = local_server
    text = f"Siehe ![x](file:///etc/passwd), ![y]({base}/bild.png), <img src='{base}/roh.png'>."
    report = AnswerReportFactory(answers=[text])
    freeze(report)
    render_report_pdf.call(report.pk)
    report.refresh_from_db()
    assert report.pdf_status == "done"
    assert hits == []
    # the sanitiser left no fetchable reference; the fetcher would have refused them anyway
    assert 'src="file:' not in report.published_html
    assert f'src="{base}' not in report.published_html


def test_relative_links_in_a_pdf_lead_to_the_portal(settings):
    """A link to a motion in a report's text must work in the PDF, not lead to a dummy host."""
    pdf = html_to_pdf(
        '<html lang="de"><head><title>T</title></head>'
        '<body><p><a href="/antraege/ba-044-2020/">Antrag</a></p></body></html>'
    )
    objects = b"".join(
        zlib.decompress(stream)
        for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S)
        if stream.startswith(b"x")  # zlib streams; fonts and images may be otherwise encoded
    )
    expected = settings.PORTAL_BASE_URL.rstrip("/") + "/antraege/ba-044-2020/"
    assert f"/URI ({expected})".encode() in objects
