"""The PDF of a published answer report: rendered by the task, stored with its hash, tagged.

No PDF library is installed (no pypdf, no pdftotext), so `pdf_text()` below reads the text back
itself: it inflates the streams (object streams included), maps every font's glyphs through the
font's ToUnicode CMap and decodes the content streams' text operators. Enough for WeasyPrint's
output, which is all it has to read.
"""

import re
import zlib

import pytest
from django.core.files.storage import default_storage

from requests_app import report_services
from requests_app.models import AnswerReport, Exhibit
from requests_app.tasks import render_report_pdf
from tests.factories import AnswerReportFactory, CouncilMeetingFactory, MotionFactory

pytestmark = pytest.mark.django_db


# --- reading a PDF back ------------------------------------------------------------------------


def pdf_objects(pdf: bytes) -> dict[int, bytes]:
    """Object number -> its body, streams inflated, objects in object streams unpacked."""
    objects: dict[int, bytes] = {}
    for match in re.finditer(rb"(\d+) 0 obj(.*?)endobj", pdf, re.S):
        number, body = int(match[1]), match[2]
        if b"stream" not in body:
            objects[number] = body
            continue
        head, _, rest = body.partition(b"stream")
        data = rest.lstrip(b"\r\n")
        data = data[: data.rindex(b"endstream")]
        if b"/FlateDecode" in head:
            data = zlib.decompressobj().decompress(data)
        objects[number] = head + b"stream\n" + data
        if b"/ObjStm" in head:
            count = int(re.search(rb"/N (\d+)", head)[1])
            first = int(re.search(rb"/First (\d+)", head)[1])
            numbers = [int(n) for n in data[:first].split()]
            pairs = list(zip(numbers[0 : 2 * count : 2], numbers[1 : 2 * count : 2], strict=True))
            for index, (inner, offset) in enumerate(pairs):
                end = pairs[index + 1][1] if index + 1 < len(pairs) else len(data) - first
                objects[inner] = data[first + offset : first + end]
    return objects


def _cmap(data: bytes) -> dict[str, str]:
    mapping = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", data, re.S):
        for src, dst in re.findall(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
            mapping[src.decode().lower()] = bytes.fromhex(dst.decode()).decode("utf-16-be")
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", data, re.S):
        for low, high, dst in re.findall(
            rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block
        ):
            start = int(dst, 16)
            for offset, code in enumerate(range(int(low, 16), int(high, 16) + 1)):
                mapping[f"{code:04x}"] = chr(start + offset)
    return mapping


def pdf_text(pdf: bytes) -> str:
    """The text of a WeasyPrint PDF, whitespace collapsed."""
    objects = pdf_objects(pdf)
    fonts: dict[bytes, dict[str, str]] = {}
    # font resources (`/UWGIWA 30 0 R`, often in an indirect dictionary) -> ToUnicode maps
    for body in objects.values():
        for name, number in re.findall(rb"/([^\s/<>\[\]()]+)\s+(\d+) 0 R", body):
            font = objects.get(int(number), b"")
            to_unicode = re.search(rb"/Subtype /Type0.*?/ToUnicode (\d+) 0 R", font)
            if to_unicode and name not in fonts:
                fonts[name] = _cmap(objects[int(to_unicode[1])])
    pieces = []
    operators = re.compile(rb"/([^\s/]+) [\d.]+ Tf|\[(.*?)\] ?TJ|<([0-9a-fA-F]*)> ?Tj|(ET)", re.S)
    for body in objects.values():
        if b"BT" not in body or b"Tf" not in body:
            continue
        font: dict[str, str] = {}
        for match in operators.finditer(body):
            if match[1]:
                font = fonts.get(match[1], {})
            elif match[4]:
                pieces.append("\n")
            else:
                hexes = re.findall(rb"<([0-9a-fA-F]*)>", match[2]) if match[2] else [match[3]]
                for chunk in hexes:
                    chunk = chunk.decode().lower()
                    pieces += [font.get(chunk[i : i + 4], "") for i in range(0, len(chunk), 4)]
    return " ".join("".join(pieces).split())


def pdf_catalog(pdf: bytes) -> bytes:
    """Every object body, inflated, joined: for checks of /Lang, /StructTreeRoot, /Title."""
    return b"\n".join(pdf_objects(pdf).values())


# --- the task ----------------------------------------------------------------------------------

QUESTIONS = [
    "Wie hat sich die kommunale Prävention entwickelt?",
    "Welche Unterstützung gab der Landespräventionsrat?",
]
ANSWERS = [
    "Der Präventionsrat tagte viermal; drei Arbeitsgruppen wurden gegründet.",
    "Der Freistaat förderte zwei Projekte aus der Richtlinie Kommunale Prävention.",
]


@pytest.fixture
def published():
    motion = MotionFactory(registered=True, kind="BA", questions=QUESTIONS)
    report = AnswerReportFactory(motion=motion, answers=ANSWERS, title="Bilanz der Prävention")
    CouncilMeetingFactory(name="Sitzung des Präventionsrates")
    Exhibit.objects.create(answer=report.answers.first(), kind=Exhibit.Kind.MEETINGS)
    report_services.freeze(report)
    return report


def test_the_task_stores_the_pdf_with_its_hash(published):
    digest = render_report_pdf.call(published.pk)
    published.refresh_from_db()
    assert published.pdf_status == AnswerReport.PdfStatus.DONE
    assert published.pdf_sha256 == digest
    with default_storage.open(published.pdf_file.name, "rb") as stored:
        data = stored.read()
    import hashlib

    assert data.startswith(b"%PDF-") and hashlib.sha256(data).hexdigest() == digest
    assert digest[:12] in published.pdf_file.name


def test_the_pdf_contains_every_question_and_answer_and_the_title_page(published):
    render_report_pdf.call(published.pk)
    published.refresh_from_db()
    text = pdf_text(default_storage.open(published.pdf_file.name, "rb").read())
    for expected in [*QUESTIONS, *ANSWERS]:
        assert expected in text
    assert published.motion.reference in text
    assert "Stadt Chemnitz" in text
    assert "Bilanz der Prävention" in text
    assert "Seite 3 von" in text  # running footer
    assert re.search(r"Inhalt .*Frage 1 (\. )+\d+ Frage 2 (\. )+\d+", text)  # contents, pages
    assert "Sitzung des Präventionsrates" in text  # the exhibit's table


def test_the_pdf_is_tagged_pdf_ua_with_language_and_title(published):
    render_report_pdf.call(published.pk)
    published.refresh_from_db()
    catalog = pdf_catalog(default_storage.open(published.pdf_file.name, "rb").read())
    assert b"/Lang (de)" in catalog
    assert b"/StructTreeRoot" in catalog
    assert b"/MarkInfo" in catalog
    assert b"pdfuaid:part" in catalog  # PDF/UA-1 identification in the XMP metadata
    assert re.search(rb"/Title \((?:\\.|[^)])*Bilanz der Pr", catalog) or b"/Title <" in catalog
    assert b"/DisplayDocTitle true" in catalog


def test_a_failed_rendering_is_recorded_for_staff_to_retry(published, monkeypatch):
    import requests_app.tasks as tasks

    def broken(html, **kwargs):
        raise RuntimeError("WeasyPrint kaputt")

    monkeypatch.setattr(tasks, "html_to_pdf", broken)
    with pytest.raises(RuntimeError):
        render_report_pdf.call(published.pk)
    published.refresh_from_db()
    assert published.pdf_status == AnswerReport.PdfStatus.FAILED
    assert "WeasyPrint kaputt" in published.pdf_error


def test_an_unpublished_report_gets_no_pdf():
    draft = AnswerReportFactory()
    assert render_report_pdf.call(draft.pk) == ""
    draft.refresh_from_db()
    assert not draft.pdf_file
