"""PDF documents answered with a report (issue 15): attached by the author of a draft, public
with the report, linked from its PDF, OParl auxiliaryFiles of its Paper, and never readable
before publication or after the report left the public."""

import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from portal import roles
from portal.models import Attachment
from requests_app.models import AnswerReport
from requests_app.services.reports import report_create
from requests_app.tasks import report_pdf_html
from tests.factories import AnswerReportFactory, MotionFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

LETTER = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def _png() -> bytes:
    """A valid 1×1 PNG: an image passes the upload check, but a report takes PDFs only."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def _upload(name="brief-polizei.pdf", content=LETTER):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture
def draft(make_user):
    department = OrganizationFactory(kind="department")
    author = make_user(roles.PREVENTION_OFFICE, organizations=[department])
    motion = MotionFactory(registered=True, lead_department=department)
    return report_create(motion=motion, user=author), author


def _add(client, report, **data):
    payload = {"file": _upload(), "name": "Schreiben der Polizeidirektion", **data}
    payload["version"] = report.version
    return client.post(f"/arbeitsbereich/berichte/{report.pk}/dokumente/", payload, follow=True)


def test_the_author_attaches_a_pdf_that_only_insiders_read_before_publication(
    client, draft, make_user
):
    report, author = draft
    client.force_login(author)
    page = _add(client, report).content.decode()
    assert "Das Dokument wurde dem Bericht beigefügt." in page
    assert "Schreiben der Polizeidirektion" in page
    document = report.documents.get()
    inside = client.get(f"/arbeitsbereich/berichte/{report.pk}/dokumente/{document.pk}/")
    assert inside.status_code == 200
    assert b"".join(inside.streaming_content) == LETTER

    client.logout()
    assert client.get(f"/berichte/{report.slug}/dokumente/{document.pk}/").status_code == 404
    assert client.get(f"/oparl/v1/reportDocument/{document.pk}").status_code == 404
    client.force_login(make_user(roles.PREVENTION_OFFICE))  # another department
    outsider = client.get(f"/arbeitsbereich/berichte/{report.pk}/dokumente/{document.pk}/")
    assert outsider.status_code == 404


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("bild.png", _png()), "PDF-Dateien"),
        (SimpleUploadedFile("kaputt.pdf", b"%PDF-1.4 ohne Ende"), "unvollständig"),
        (SimpleUploadedFile("notiz.txt", b"Nur Text"), "Dateityp ist nicht erlaubt"),
    ],
)
def test_anything_but_a_whole_pdf_is_refused_in_german_and_nothing_is_kept(
    client, draft, upload, message
):
    report, author = draft
    client.force_login(author)
    page = _add(client, report, file=upload).content.decode()
    assert message in page
    assert not report.documents.exists()
    assert not Attachment.all_objects.exists()


def test_a_stale_form_or_a_report_in_review_changes_nothing(client, draft):
    report, author = draft
    client.force_login(author)
    stale = client.post(
        f"/arbeitsbereich/berichte/{report.pk}/dokumente/",
        {"file": _upload(), "version": report.version - 1 or 999},
        follow=True,
    )
    assert "Jemand anderes hat diesen Eintrag gespeichert" in stale.content.decode()
    assert not report.documents.exists()
    AnswerReport.objects.filter(pk=report.pk).update(status="in_review")
    refused = _add(client, report)
    assert refused.status_code == 403
    assert not report.documents.exists()


def test_a_published_report_lists_links_and_serves_its_documents(client):
    report = AnswerReportFactory(publish=True)
    document = published_document(report)

    page = client.get(report.get_absolute_url()).content.decode()
    url = f"/berichte/{report.slug}/dokumente/{document.pk}/"
    assert "Anlagen (Dokumente)" in page and url in page
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == LETTER

    assert url in report_pdf_html(report)  # the report's PDF links it

    # the report leaves the public: so do its documents, and OParl clients learn of it
    AnswerReport.all_objects.filter(pk=report.pk).update(deleted=True)
    assert client.get(url).status_code == 404


def published_document(report: AnswerReport) -> Attachment:
    """A letter of the Polizeidirektion answered with `report` (also used by the OParl tests)."""
    document = Attachment.objects.create(
        name="Lagebild der Polizeidirektion",
        mime_type="application/pdf",
        size=len(LETTER),
        sha512="0" * 128,
    )
    document.file.save("lagebild.pdf", SimpleUploadedFile("x.pdf", LETTER), save=True)
    report.documents.add(document)
    return document


def test_the_text_of_an_uploaded_pdf_is_kept_for_oparl_and_a_broken_one_is_no_error(client, draft):
    from portal.pdf import html_to_pdf

    report, author = draft
    client.force_login(author)
    letter = html_to_pdf(
        '<html lang="de"><head><title>Brief</title></head>'
        "<body><p>Die Polizeidirektion bestätigt die Kontrollen.</p></body></html>"
    )
    _add(client, report, file=_upload(content=letter))
    report.refresh_from_db()
    _add(client, report, file=_upload(content=b"%PDF-1.7\n garbage trailer %%EOF"))
    texts = sorted(report.documents.values_list("text", flat=True))
    assert texts[0] == ""  # unreadable, but stored: the text is a help, not a condition
    assert "Die Polizeidirektion bestätigt die Kontrollen." in texts[1]


def test_the_demo_answer_to_ba044_carries_the_letter_of_the_polizeidirektion(client, settings):
    import io

    from django.core.management import call_command

    from requests_app.demo import DEMO_LETTER_NAME

    settings.DEBUG = True  # loaddemo refuses to run where it looks like production
    call_command("loaddemo", stdout=io.StringIO())
    page = client.get("/berichte/ba-044-2020/").content.decode()
    assert DEMO_LETTER_NAME in page
    report = AnswerReport.objects.published().get(slug="ba-044-2020")
    document = report.documents.get()
    response = client.get(f"/berichte/ba-044-2020/dokumente/{document.pk}/")
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert "Beispieldaten" in document.text
