"""Background work of requests_app: the PDF of a published answer report (DESIGN §7).

Runs in a `django.tasks` worker (`manage.py db_worker` in production; the immediate backend in
the demo and tests), never inside a web request. The file goes to `default_storage` (file
system now, S3-compatible storage later) under a name containing its hash.

The queue delivers a task at least once, not exactly once: a report may be enqueued twice
(publication and a staff retry, or the recovery command), and a worker killed mid-task leaves its
task to be re-run. So the task claims the report first (docs/workers.md): in a short transaction
holding the row lock it writes a claim token and a lease (`pdf_claim`, `pdf_lease_until`) and
counts the attempt. A run that finds the PDF done, or a live claim of another run, does nothing.
Rendering happens outside any transaction; the file is stored only while the claim is still this
run's. A claim whose lease ran out belongs to a dead (or hung) worker and may be taken over.
A failed rendering is retried with growing delays; only the last attempt marks it failed.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.tasks import TaskResultStatus, task
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from portal.pdf import html_to_pdf
from requests_app.models import AnswerReport

logger = logging.getLogger(__name__)

PdfStatus = AnswerReport.PdfStatus


def max_attempts() -> int:
    """Renderings tried per report (the first one included) before it is marked failed."""
    return max(1, settings.PORTAL_PDF_MAX_ATTEMPTS)


def lease_seconds() -> int:
    """How long a claim holds: longer than any rendering takes, or a live one is taken over."""
    return settings.PORTAL_PDF_LEASE_SECONDS


def retry_delay(attempt: int) -> timedelta:
    """Wait before the attempt after `attempt` (1-based): 30 s, 60 s, 120 s, … by default."""
    base = settings.PORTAL_PDF_RETRY_SECONDS
    return timedelta(seconds=base * 2 ** (attempt - 1))


def report_pdf_html(report: AnswerReport) -> str:
    """The complete HTML document WeasyPrint renders: title page, contents, frozen body."""
    with translation.override(settings.LANGUAGE_CODE):
        context = {"report": report, "body": report.snapshot, "city": settings.PORTAL_CITY_NAME}
        return render_to_string("pdf/report.html", context)


def _locked(report_id: int) -> AnswerReport | None:
    return AnswerReport.objects.select_for_update().filter(pk=report_id).first()


def _release(**fields) -> dict:
    return {"pdf_claim": "", "pdf_lease_until": None, **fields}


def _claim(report_id: int) -> tuple[str, str]:
    """Claim the report for this run: ("claimed", token), or (reason to skip, "")."""
    now = timezone.now()
    with transaction.atomic():
        report = _locked(report_id)
        if report is None or report.status != AnswerReport.Status.PUBLISHED:
            return "not published", ""
        if report.pdf_status != PdfStatus.PENDING:
            return f"pdf {report.pdf_status or 'none'}", ""
        if report.pdf_claim and report.pdf_lease_until and report.pdf_lease_until > now:
            return "claimed by another run", ""
        if report.pdf_attempts >= max_attempts():
            # Every attempt so far died without a word (a killed or crashed worker): give up.
            with translation.override(settings.LANGUAGE_CODE):
                error = _(
                    "Die PDF-Erstellung wurde nach %(attempts)d Versuchen abgebrochen, "
                    "weil der Hintergrundprozess jedes Mal beendet wurde."
                ) % {"attempts": report.pdf_attempts}
            AnswerReport.objects.filter(pk=report_id).update(
                **_release(pdf_status=PdfStatus.FAILED, pdf_error=error)
            )
            logger.error("PDF of report %s: %s", report_id, error)
            return "attempts used up", ""
        if report.pdf_claim:
            logger.warning("PDF of report %s: taking over a claim whose lease ran out", report_id)
        token = uuid.uuid4().hex
        AnswerReport.objects.filter(pk=report_id).update(
            pdf_claim=token,
            pdf_lease_until=now + timedelta(seconds=lease_seconds()),
            pdf_attempts=report.pdf_attempts + 1,
        )
    return "claimed", token


def _store(report_id: int, token: str, pdf: bytes) -> str:
    """Save the file and point the report at it, if the claim is still ours; "" if it is not."""
    digest = hashlib.sha256(pdf).hexdigest()
    with transaction.atomic():
        report = _locked(report_id)
        if report is None or report.pdf_claim != token:
            return ""
        name = default_storage.save(f"berichte/{report.slug}-{digest[:12]}.pdf", ContentFile(pdf))
        try:
            AnswerReport.objects.filter(pk=report_id).update(
                **_release(
                    pdf_file=name,
                    pdf_sha256=digest,
                    pdf_sha512=hashlib.sha512(pdf).hexdigest(),
                    pdf_size=len(pdf),
                    pdf_status=PdfStatus.DONE,
                    pdf_error="",
                )
            )
        except Exception:
            default_storage.delete(name)
            raise
        old = report.pdf_file.name
        if old and old != name:
            transaction.on_commit(lambda: default_storage.delete(old))
    return digest


def _record_failure(report_id: int, token: str, error: Exception) -> None:
    """Give the claim back and retry later, or mark the PDF failed after the last attempt."""
    with transaction.atomic():
        report = _locked(report_id)
        if report is None or report.pdf_claim != token:
            return  # another run took over; its outcome counts
        attempt = report.pdf_attempts
        if attempt >= max_attempts():
            logger.error(
                "PDF of report %s failed, attempt %s of %s; giving up",
                report_id,
                attempt,
                max_attempts(),
                exc_info=error,
            )
            AnswerReport.objects.filter(pk=report_id).update(
                **_release(pdf_status=PdfStatus.FAILED, pdf_error=str(error)[:2000])
            )
            return
        AnswerReport.objects.filter(pk=report_id).update(**_release())
    delay = retry_delay(attempt)
    logger.warning(
        "PDF of report %s failed, attempt %s of %s; retrying in %s s",
        report_id,
        attempt,
        max_attempts(),
        int(delay.total_seconds()),
        exc_info=error,
    )
    try:
        if render_report_pdf.get_backend().supports_defer:
            render_report_pdf.using(run_after=timezone.now() + delay).enqueue(report_id)
        else:
            # The immediate backend (demo, tests) cannot wait: the next attempt runs now.
            render_report_pdf.enqueue(report_id)
    except Exception:
        # The report stays pending without a claim: `requeue_stale_tasks` enqueues it again.
        logger.exception("PDF of report %s: could not enqueue the retry", report_id)


@task
def render_report_pdf(report_id: int) -> dict:
    """Render and store the PDF of a published report, at most once per report edition.

    Returns {"outcome": "rendered", "sha256": …}, {"outcome": "skipped", "reason": …} or
    {"outcome": "superseded"} (the claim ran out while rendering and another run took it over;
    this run's PDF is thrown away). A failed rendering raises after scheduling its retry.
    """
    state, token = _claim(report_id)
    if state != "claimed":
        return {"outcome": "skipped", "reason": state}
    report = AnswerReport.objects.select_related("motion").get(pk=report_id)
    try:
        pdf = html_to_pdf(report_pdf_html(report))
    except Exception as error:  # any failure must show up as "failed" for staff to retry
        _record_failure(report_id, token, error)
        raise
    digest = _store(report_id, token, pdf)
    if not digest:
        logger.warning("PDF of report %s: claim lost while rendering; result dropped", report_id)
        return {"outcome": "superseded"}
    return {"outcome": "rendered", "sha256": digest}


def _queued_report_ids() -> set[int]:
    """Reports with a render task waiting in a database queue (now or at a later time)."""
    if not isinstance(render_report_pdf.get_backend(), DatabaseBackend):
        return set()
    waiting = DBTaskResult.objects.filter(
        status=TaskResultStatus.READY, task_path=render_report_pdf.module_path
    ).values_list("args_kwargs", flat=True)
    return {
        int(value["args"][0] if value["args"] else value["kwargs"]["report_id"])
        for value in waiting
    }


def requeue_orphaned_pdfs() -> list[int]:
    """Enqueue the PDFs of published reports that are pending with nobody working on them.

    That is a claim whose lease ran out (its worker died), or no claim for longer than a lease
    and no render task waiting (the enqueue after publication got lost). Safe to repeat: a
    duplicate task finds the claim or the finished PDF and does nothing.
    """
    now = timezone.now()
    lease = timedelta(seconds=lease_seconds())
    orphaned = (
        AnswerReport.objects.published()
        .filter(pdf_status=PdfStatus.PENDING)
        .filter(
            Q(pdf_claim="", modified__lt=now - lease)
            | (~Q(pdf_claim="") & Q(pdf_lease_until__lt=now))
        )
        .exclude(pk__in=_queued_report_ids())
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    requeued = list(orphaned)
    for report_id in requeued:
        render_report_pdf.enqueue(report_id)
    return requeued
