"""Background work of requests_app: the PDF of a published answer report (DESIGN §7), and the
PDF of a public motion (its Drucksache, at the end of this module).

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
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from portal import pagecache
from portal.mail import absolute_url
from portal.pdf import html_text, html_to_pdf
from requests_app import motion_pdf
from requests_app.models import AnswerReport, Motion

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
        body = report.snapshot
        context = {
            "report": report,
            "body": body,
            "city": settings.PORTAL_CITY_NAME,
            # the list of figures in the contents (Abbildungsverzeichnis)
            "figures": [exhibit for item in body.get("items", []) for exhibit in item["exhibits"]],
            # the documents answered with the report, linked (they are PDFs of their own)
            "documents": [
                (
                    document,
                    absolute_url(
                        reverse(
                            "requests_app:report_document",
                            kwargs={"slug": report.slug, "document_pk": document.pk},
                        )
                    ),
                )
                for document in report.documents.all()
            ],
        }
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


def pdf_facts(pdf: bytes, html: str) -> dict:
    """What is stored beside a rendered PDF: its hashes, size and text (OParl File). The text
    is taken from the HTML the PDF was rendered from (the same words in the same order):
    reading it back out of the PDF took as long as rendering it (issue 20)."""
    return {
        "sha256": hashlib.sha256(pdf).hexdigest(),
        "sha512": hashlib.sha512(pdf).hexdigest(),
        "size": len(pdf),
        "text": html_text(html),
    }


def save_pdf(stem: str, pdf: bytes, facts: dict, *, old: str = "") -> str:
    """Save a rendered PDF under a name with its hash (inside the transaction that points the
    row at it); the file it replaces (`old`) is deleted once that transaction commits."""
    name = default_storage.save(f"{stem}-{facts['sha256'][:12]}.pdf", ContentFile(pdf))
    if old and old != name:
        transaction.on_commit(lambda: default_storage.delete(old))
    return name


def _store(report_id: int, token: str, pdf: bytes, html: str) -> str:
    """Save the file and point the report at it, if the claim is still ours; "" if it is not."""
    facts = pdf_facts(pdf, html)
    with transaction.atomic():
        report = _locked(report_id)
        if report is None or report.pdf_claim != token:
            return ""
        name = save_pdf(f"berichte/{report.slug}", pdf, facts, old=report.pdf_file.name)
        try:
            AnswerReport.objects.filter(pk=report_id).update(
                **_release(
                    pdf_file=name,
                    pdf_sha256=facts["sha256"],
                    pdf_sha512=facts["sha512"],
                    pdf_size=facts["size"],
                    pdf_text=facts["text"],
                    pdf_status=PdfStatus.DONE,
                    pdf_error="",
                )
            )
        except Exception:
            default_storage.delete(name)
            raise
    return facts["sha256"]


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


def _motion_of_report(report_id: int) -> int | None:
    return AnswerReport.objects.filter(pk=report_id).values_list("motion_id", flat=True).first()


@task
@pagecache.writes_rows_of("motion", _motion_of_report)  # pages of other motions stay cached
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
        html = report_pdf_html(report)
        pdf = html_to_pdf(html)
    except Exception as error:  # any failure must show up as "failed" for staff to retry
        _record_failure(report_id, token, error)
        raise
    digest = _store(report_id, token, pdf, html)
    if not digest:
        logger.warning("PDF of report %s: claim lost while rendering; result dropped", report_id)
        return {"outcome": "superseded"}
    return {"outcome": "rendered", "sha256": digest}


def _queued_ids(render_task, argument: str) -> set[int]:
    """The ids a render task waits to work in a database queue (now or at a later time)."""
    if not isinstance(render_task.get_backend(), DatabaseBackend):
        return set()
    waiting = DBTaskResult.objects.filter(
        status=TaskResultStatus.READY, task_path=render_task.module_path
    ).values_list("args_kwargs", flat=True)
    return {
        int(value["args"][0] if value["args"] else value["kwargs"][argument]) for value in waiting
    }


def _queued_report_ids() -> set[int]:
    """Reports with a render task waiting in a database queue (now or at a later time)."""
    return _queued_ids(render_report_pdf, "report_id")


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


# --- the motion as a document (Drucksache) -------------------------------------------------------


@task
@pagecache.writes_rows_of("motion", lambda motion_id: motion_id)  # other motions stay cached
def render_motion_pdf(motion_id: int) -> dict:
    """Render and store the PDF of a public motion, unless the stored one shows the same data.

    Safe to run twice or out of order: what is stored is checked again under the row lock, and a
    PDF whose data changed while rendering is dropped (the change queued its own rendering).
    Returns {"outcome": "rendered", "sha256": …}, {"outcome": "skipped", "reason": …} or
    {"outcome": "superseded"}. A failed rendering raises (the motion keeps its old PDF, if any;
    `requeue_missing_motion_documents` queues a motion still without one again).
    """
    motion = Motion.objects.select_related("faction").filter(pk=motion_id).first()
    if motion is None or not motion.is_public:
        return {"outcome": "skipped", "reason": "not public"}
    data = motion_pdf.document_data(motion)
    source = motion_pdf.document_source(data)
    if source == motion.document_source:
        return {"outcome": "skipped", "reason": "up to date"}
    html = motion_pdf.motion_pdf_html(data)
    pdf = html_to_pdf(html)
    facts = pdf_facts(pdf, html)
    with transaction.atomic():
        locked = Motion.objects.select_for_update().select_related("faction").get(pk=motion_id)
        if locked.document_source == source:
            return {"outcome": "skipped", "reason": "up to date"}
        if (
            not locked.is_public
            or motion_pdf.document_source(motion_pdf.document_data(locked)) != source
        ):
            logger.info("PDF of motion %s: the motion changed while rendering", motion_id)
            return {"outcome": "superseded"}
        stem = f"drucksachen/{locked.public_slug}"
        name = save_pdf(stem, pdf, facts, old=locked.document_file.name)
        try:
            # `modified` moves: the OParl Paper embeds this file as its mainFile (spec §2.8).
            Motion.objects.filter(pk=motion_id).update(
                document_file=name,
                document_sha256=facts["sha256"],
                document_sha512=facts["sha512"],
                document_size=facts["size"],
                document_text=facts["text"],
                document_source=source,
                document_created=timezone.now(),
                modified=timezone.now(),
            )
        except Exception:
            default_storage.delete(name)
            raise
    return {"outcome": "rendered", "sha256": facts["sha256"]}


def motion_document_after_commit(motion: Motion) -> None:
    """Queue the motion's PDF once the transaction commits, if it is public and what its PDF
    shows has changed (called by every transition of requests_app.services.motions)."""
    if not motion.is_public:
        return
    if motion.document_source == motion_pdf.document_source(motion_pdf.document_data(motion)):
        return
    transaction.on_commit(lambda: render_motion_pdf.enqueue(motion.pk))


def motion_documents_missing() -> list[int]:
    """Public motions without a PDF (the demo queues them)."""
    return list(
        Motion.objects.published()
        .filter(document_source="")
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def requeue_missing_motion_documents() -> list[int]:
    """Enqueue the PDFs of public motions that have none a lease after their submission and no
    render task waiting (a lost enqueue or a failed rendering). Safe to repeat."""
    cutoff = timezone.now() - timedelta(seconds=lease_seconds())
    waiting = _queued_ids(render_motion_pdf, "motion_id")
    missing = [
        pk
        for pk in Motion.objects.published()
        .filter(document_source="", submitted_at__lt=cutoff)
        .order_by("pk")
        .values_list("pk", flat=True)
        if pk not in waiting
    ]
    for motion_id in missing:
        render_motion_pdf.enqueue(motion_id)
    return missing
