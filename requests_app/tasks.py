"""Background work of requests_app: the PDF of a published answer report (DESIGN §7).

Runs in a `django.tasks` worker (`manage.py db_worker` in production; the immediate backend in
the demo and tests), never inside a web request. The file goes to `default_storage` (file
system now, S3-compatible storage later) under a name containing its hash.
"""

from __future__ import annotations

import hashlib
import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import translation

from portal.pdf import html_to_pdf
from requests_app.models import AnswerReport

logger = logging.getLogger(__name__)


def report_pdf_html(report: AnswerReport) -> str:
    """The complete HTML document WeasyPrint renders: title page, contents, frozen body."""
    with translation.override(settings.LANGUAGE_CODE):
        context = {"report": report, "body": report.snapshot, "city": settings.PORTAL_CITY_NAME}
        return render_to_string("pdf/report.html", context)


@task
def render_report_pdf(report_id: int) -> str:
    """Render and store the PDF of a published report; returns its sha256."""
    report = AnswerReport.objects.select_related("motion").get(pk=report_id)
    if report.status != AnswerReport.Status.PUBLISHED:
        return ""
    try:
        pdf = html_to_pdf(report_pdf_html(report))
    except Exception as error:  # any failure must show up as "failed" for staff to retry
        logger.exception("PDF rendering failed for report %s", report_id)
        AnswerReport.objects.filter(pk=report_id).update(
            pdf_status=AnswerReport.PdfStatus.FAILED, pdf_error=str(error)[:2000]
        )
        raise
    digest = hashlib.sha256(pdf).hexdigest()
    name = default_storage.save(f"berichte/{report.slug}-{digest[:12]}.pdf", ContentFile(pdf))
    old = report.pdf_file.name
    AnswerReport.objects.filter(pk=report_id).update(
        pdf_file=name,
        pdf_sha256=digest,
        pdf_sha512=hashlib.sha512(pdf).hexdigest(),
        pdf_size=len(pdf),
        pdf_status=AnswerReport.PdfStatus.DONE,
        pdf_error="",
    )
    if old and old != name:
        default_storage.delete(old)
    return digest
