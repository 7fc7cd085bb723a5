"""The PDF of a published answer report: rendered by the task, stored with its hash, tagged.

No PDF library is installed (no pypdf, no pdftotext), so `pdf_text()` below reads the text back
itself: it inflates the streams (object streams included), maps every font's glyphs through the
font's ToUnicode CMap and decodes the content streams' text operators. Enough for WeasyPrint's
output, which is all it has to read.
"""

import hashlib
import re
import zlib
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from requests_app import snapshots, tasks
from requests_app.models import AnswerReport, Exhibit
from requests_app.services.reports import report_pdf_retry
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
    """Every object body, inflated, joined: for checks of /Lang, /StructTreeRoot, /MarkInfo."""
    return b"\n".join(pdf_objects(pdf).values())


_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


def _pdf_string(token: bytes) -> str:
    """A PDF string object, `(literal)` or `<hex>`, as text: UTF-16 after a byte-order mark,
    else PDFDocEncoding (Latin-1 for the characters a title uses)."""
    if token.startswith(b"<"):
        raw = bytes.fromhex(token[1:-1].decode())
    else:
        raw = re.sub(
            rb"\\([0-7]{1,3}|.)",
            lambda m: bytes([int(m[1], 8)]) if m[1][:1].isdigit() else _ESCAPES.get(m[1], m[1]),
            token[1:-1],
            flags=re.S,
        )
    if raw.startswith(b"\xfe\xff"):
        return raw[2:].decode("utf-16-be")
    return raw.decode("latin-1")


def pdf_title(pdf: bytes) -> str:
    """The title in the document information dictionary (what a PDF reader shows)."""
    objects = pdf_objects(pdf)
    info = re.search(rb"/Info (\d+) 0 R", pdf) or re.search(rb"/Info (\d+) 0 R", pdf_catalog(pdf))
    assert info, "the PDF has no document information dictionary"
    title = re.search(
        rb"/Title\s*(\((?:\\.|[^\\)])*\)|<[0-9a-fA-F]*>)", objects[int(info[1])], re.S
    )
    assert title, "the document information has no /Title"
    return _pdf_string(title[1])


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
    snapshots.freeze(report)
    return report


def test_the_task_stores_the_pdf_with_its_hash(published):
    result = render_report_pdf.call(published.pk)
    published.refresh_from_db()
    assert result == {"outcome": "rendered", "sha256": published.pdf_sha256}
    assert published.pdf_status == AnswerReport.PdfStatus.DONE
    with default_storage.open(published.pdf_file.name, "rb") as stored:
        data = stored.read()
    assert data.startswith(b"%PDF-") and hashlib.sha256(data).hexdigest() == published.pdf_sha256
    assert published.pdf_file.name == f"berichte/{published.slug}-{published.pdf_sha256[:12]}.pdf"
    assert (published.pdf_claim, published.pdf_lease_until, published.pdf_attempts) == ("", None, 1)


def test_the_pdf_contains_every_question_and_answer_and_the_title_page(published):
    render_report_pdf.call(published.pk)
    published.refresh_from_db()
    text = pdf_text(default_storage.open(published.pdf_file.name, "rb").read())
    for expected in [*QUESTIONS, *ANSWERS]:
        assert expected in text
    assert published.motion.reference in text
    assert "Stadt Chemnitz" in text
    assert "Bilanz der Prävention" in text
    # running footer; the short contents share the title page, the answers start on page 2
    assert "Seite 2 von 2" in text
    # contents: each question with its opening words and page, then the list of figures
    assert re.search(
        r"Inhalt .*Frage 1: Wie hat sich .*?(\. )+\d+ Frage 2: Welche .*?(\. )+\d+", text
    )
    assert re.search(r"Abbildungsverzeichnis Abbildung 1: Sitzungen .*?(\. )+\d+", text)
    assert "Sitzung des Präventionsrates" in text  # the exhibit's table


def test_the_pdf_is_tagged_pdf_ua_with_language_and_title(published):
    render_report_pdf.call(published.pk)
    published.refresh_from_db()
    pdf = default_storage.open(published.pdf_file.name, "rb").read()
    catalog = pdf_catalog(pdf)
    assert b"/Lang (de)" in catalog
    assert b"/StructTreeRoot" in catalog
    assert b"/MarkInfo" in catalog
    assert b"pdfuaid:part" in catalog  # PDF/UA-1 identification in the XMP metadata
    assert pdf_title(pdf) == f"{published.motion.reference} – Bilanz der Prävention"
    assert b"/DisplayDocTitle true" in catalog


def test_the_title_reader_decodes_literal_and_utf16_strings():
    assert _pdf_string(rb"(Bilanz \(2\) der Pr\344vention)") == "Bilanz (2) der Prävention"
    assert _pdf_string(b"<feff0042002d00e4>") == "B-ä"
    assert pdf_title(b"1 0 obj<</Title (Alt)/Author (X)>>endobj trailer<</Info 1 0 R>>") == "Alt"


def test_an_unpublished_report_gets_no_pdf():
    draft = AnswerReportFactory()
    assert render_report_pdf.call(draft.pk) == {"outcome": "skipped", "reason": "not published"}
    draft.refresh_from_db()
    assert not draft.pdf_file


# --- exactly once, retries, dead workers (docs/workers.md) -------------------------------------


@pytest.fixture
def renders(monkeypatch):
    """Count the real renderings; `renders.during` runs a hook in the middle of one."""
    real = tasks.html_to_pdf

    class Spy:
        count = 0
        during = None

        def __call__(self, html, **kwargs):
            self.count += 1
            if self.during is not None:
                hook, self.during = self.during, None
                hook()
            return real(html, **kwargs)

    spy = Spy()
    monkeypatch.setattr(tasks, "html_to_pdf", spy)
    return spy


def stored_pdfs() -> list[str]:
    return default_storage.listdir("berichte")[1] if default_storage.exists("berichte") else []


def broken_renderer(monkeypatch, failures: int):
    """html_to_pdf fails `failures` times, then renders; returns the list of calls."""
    real, calls = tasks.html_to_pdf, []

    def render(html, **kwargs):
        calls.append(1)
        if len(calls) <= failures:
            raise RuntimeError("WeasyPrint kaputt")
        return real(html, **kwargs)

    monkeypatch.setattr(tasks, "html_to_pdf", render)
    return calls


def test_a_report_queued_twice_is_rendered_once(published, renders):
    first = render_report_pdf.enqueue(published.pk)
    second = render_report_pdf.enqueue(published.pk)
    assert first.return_value["outcome"] == "rendered"
    assert second.return_value == {"outcome": "skipped", "reason": "pdf done"}
    assert renders.count == 1
    assert stored_pdfs() == [published.slug + "-" + first.return_value["sha256"][:12] + ".pdf"]


def test_a_run_while_another_renders_does_nothing(published, renders):
    nested = []
    renders.during = lambda: nested.append(render_report_pdf.call(published.pk))
    result = render_report_pdf.call(published.pk)
    assert nested == [{"outcome": "skipped", "reason": "claimed by another run"}]
    assert result["outcome"] == "rendered"
    assert renders.count == 1 and len(stored_pdfs()) == 1


def test_the_claim_of_a_dead_worker_is_taken_over_when_its_lease_ran_out(published, renders):
    AnswerReport.objects.filter(pk=published.pk).update(
        pdf_claim="dead-worker",
        pdf_lease_until=timezone.now() - timedelta(seconds=1),
        pdf_attempts=1,
    )
    assert render_report_pdf.call(published.pk)["outcome"] == "rendered"
    published.refresh_from_db()
    assert published.pdf_status == AnswerReport.PdfStatus.DONE
    assert (published.pdf_claim, published.pdf_attempts) == ("", 2)


def test_a_live_claim_is_respected(published, renders):
    AnswerReport.objects.filter(pk=published.pk).update(
        pdf_claim="busy-worker", pdf_lease_until=timezone.now() + timedelta(minutes=1)
    )
    result = render_report_pdf.call(published.pk)
    assert result == {"outcome": "skipped", "reason": "claimed by another run"}
    assert renders.count == 0


def test_a_run_whose_claim_was_taken_over_drops_its_pdf(published, renders):
    def lease_runs_out_and_another_run_claims():
        AnswerReport.objects.filter(pk=published.pk).update(pdf_claim="the-other-run")

    renders.during = lease_runs_out_and_another_run_claims
    assert render_report_pdf.call(published.pk) == {"outcome": "superseded"}
    published.refresh_from_db()
    assert published.pdf_status == AnswerReport.PdfStatus.PENDING
    assert (published.pdf_claim, published.pdf_file.name) == ("the-other-run", "")
    assert stored_pdfs() == []


def test_a_failed_rendering_is_retried_and_then_recorded_for_staff(published, monkeypatch):
    calls = broken_renderer(monkeypatch, failures=99)
    with pytest.raises(RuntimeError):
        render_report_pdf.call(published.pk)
    # The immediate backend cannot wait: the retries ran at once, up to the maximum.
    assert len(calls) == 3
    published.refresh_from_db()
    assert published.pdf_status == AnswerReport.PdfStatus.FAILED
    assert "WeasyPrint kaputt" in published.pdf_error
    assert (published.pdf_attempts, published.pdf_claim) == (3, "")


def test_a_rendering_that_fails_once_succeeds_on_the_retry(published, monkeypatch):
    calls = broken_renderer(monkeypatch, failures=1)
    with pytest.raises(RuntimeError):  # the first attempt's own failure
        render_report_pdf.call(published.pk)
    assert len(calls) == 2
    published.refresh_from_db()
    assert (published.pdf_status, published.pdf_error) == (AnswerReport.PdfStatus.DONE, "")
    assert published.pdf_attempts == 2 and len(stored_pdfs()) == 1


def test_the_number_of_attempts_is_a_setting(published, monkeypatch, settings):
    settings.PORTAL_PDF_MAX_ATTEMPTS = 1
    calls = broken_renderer(monkeypatch, failures=99)
    with pytest.raises(RuntimeError):
        render_report_pdf.call(published.pk)
    published.refresh_from_db()
    assert len(calls) == 1 and published.pdf_status == AnswerReport.PdfStatus.FAILED


@pytest.fixture
def database_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_with_a_task_queue_the_retry_waits_longer_each_time(published, monkeypatch, database_queue):
    broken_renderer(monkeypatch, failures=99)
    waits = []
    for _attempt in (1, 2):
        before = timezone.now()
        with pytest.raises(RuntimeError):
            render_report_pdf.call(published.pk)
        retry = DBTaskResult.objects.get(status="READY")
        assert retry.args_kwargs == {"args": [published.pk], "kwargs": {}}
        waits.append(round((retry.run_after - before).total_seconds()))
        retry.delete()
    assert waits == [30, 60]
    published.refresh_from_db()
    assert (published.pdf_status, published.pdf_attempts) == (AnswerReport.PdfStatus.PENDING, 2)
    with pytest.raises(RuntimeError):
        render_report_pdf.call(published.pk)
    published.refresh_from_db()
    assert published.pdf_status == AnswerReport.PdfStatus.FAILED
    assert not DBTaskResult.objects.filter(status="READY").exists()


def test_after_attempts_that_all_died_the_pdf_is_given_up(published, renders):
    AnswerReport.objects.filter(pk=published.pk).update(
        pdf_claim="dead-worker",
        pdf_lease_until=timezone.now() - timedelta(seconds=1),
        pdf_attempts=3,
    )
    assert render_report_pdf.call(published.pk)["reason"] == "attempts used up"
    published.refresh_from_db()
    assert published.pdf_status == AnswerReport.PdfStatus.FAILED
    assert "nach 3 Versuchen abgebrochen" in published.pdf_error
    assert renders.count == 0


def test_staffs_retry_starts_a_fresh_set_of_attempts(
    published, monkeypatch, approver, department, commit
):
    calls = broken_renderer(monkeypatch, failures=3)
    with pytest.raises(RuntimeError):
        render_report_pdf.call(published.pk)
    published.refresh_from_db()
    assert published.pdf_status == AnswerReport.PdfStatus.FAILED
    published.motion.lead_department = department
    published.motion.save(update_fields=["lead_department"])
    with commit():
        report_pdf_retry(report=published, user=approver)
    published.refresh_from_db()
    assert len(calls) == 4
    assert (published.pdf_status, published.pdf_attempts) == (AnswerReport.PdfStatus.DONE, 1)
