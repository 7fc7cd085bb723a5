"""An answer report as data and HTML: drawn live while drafting, frozen at approval.

`report_content()` gathers everything the report shows (exhibits included) as JSON-ready data;
approval stores it in `report.snapshot`, so the approver's decision binds to exactly that data.
`render_body()` turns it into the body HTML that the page and the PDF share, and `freeze()`
stores the approved content, its HTML and hash when the report is published, so data imports
after the approval change nothing in it. `texts_of()` and `changes_since_review()` serve the
approver's "changes since the last review".
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal.concurrency import bump
from requests_app import citations
from requests_app import exhibits as exhibit_data
from requests_app.models import AnswerReport, MotionEvent


def report_content(report: AnswerReport) -> dict:
    """Everything the report shows, as JSON-ready data: what publication freezes."""
    motion = report.motion
    answers = list(
        report.answers.select_related("question")
        .prefetch_related("exhibits__districts")
        .order_by("question__number")
    )
    all_exhibits = [exhibit for answer in answers for exhibit in answer.exhibits.all()]
    data = exhibit_data.build(all_exhibits)
    items, figure = [], 0
    for answer in answers:
        shown = []
        for exhibit in answer.exhibits.all():
            figure += 1
            shown.append({**data[exhibit.pk], "number": figure})
        items.append(
            {
                "number": answer.question.number,
                "question": answer.question.text,
                "answer": citations.resolve(answer.text),
                "exhibits": shown,
            }
        )
    return {
        "title": report.title,
        "summary": citations.resolve(report.summary),
        "edition": report.edition,
        "reference": motion.reference,
        "motion_title": motion.title,
        "motion_kind": str(motion.get_kind_display()),
        "motion_url": motion.get_absolute_url() if motion.is_public else "",
        "faction": motion.faction.name,
        "department": motion.lead_department.name if motion.lead_department else "",
        "signatory_name": report.signatory_name,
        "signatory_function": report.signatory_function,
        "items": items,
        "synthetic": any(e["synthetic"] for item in items for e in item["exhibits"]),
    }


def render_body(content: dict, language: str = settings.LANGUAGE_CODE) -> str:
    """The report's body HTML (page and PDF share it) from `report_content()` data."""
    with translation.override(language):
        return render_to_string("requests_app/_report_body.html", {"body": content})


def published_body(report: AnswerReport, language: str) -> str:
    """A published report's body for a visitor: the frozen HTML in German; in another language
    the frozen content (answers and figures as approved, in German) with the headings, labels
    and figure numbers in that language."""
    if language == settings.LANGUAGE_CODE or not report.snapshot:
        return report.published_html
    return render_body(report.snapshot, language)


def body_html(report: AnswerReport) -> str:
    """What the report shows now: the frozen HTML once published, the approved content once
    approved, else drawn from live data."""
    if report.is_published:
        return report.published_html
    if report.status == AnswerReport.Status.APPROVED and report.snapshot:
        return render_body(report.snapshot)
    return render_body(report_content(report))


def freeze(report: AnswerReport) -> AnswerReport:
    """Store the published form: the content approved (drawn now if there was no approval
    snapshot), its HTML and hash; status published."""
    now = timezone.now()
    approved = report.status == AnswerReport.Status.APPROVED and report.snapshot
    content = dict(report.snapshot) if approved else report_content(report)
    content["published_at"] = now.isoformat()
    report.snapshot = content
    report.published_html = render_body(content)
    report.content_sha256 = hashlib.sha256(report.published_html.encode()).hexdigest()
    report.status, report.published_at = AnswerReport.Status.PUBLISHED, now
    report.pdf_status = AnswerReport.PdfStatus.PENDING
    report.full_clean()
    bump(
        report,
        "snapshot",
        "published_html",
        "content_sha256",
        "status",
        "published_at",
        "pdf_status",
    )
    return report


def texts_of(report: AnswerReport) -> dict:
    """Title, summary and answers as plain text (for "changes since the last review")."""
    answers = report.answers.select_related("question").order_by("question__number")
    return {
        "title": report.title,
        "summary": report.summary,
        "answers": {str(answer.question.number): answer.text for answer in answers},
    }


def changes_since_review(report: AnswerReport) -> list[dict]:
    """What changed since the approver last sent the report back (empty if nothing)."""
    if not report.review_baseline or report.is_published:
        return []
    before, now = report.review_baseline, texts_of(report)
    changes = []
    for key, label in (("title", _("Titel")), ("summary", _("Zusammenfassung"))):
        if before.get(key, "") != now[key]:
            changes.append({"label": label, "before": before.get(key, ""), "after": now[key]})
    for number, text in now["answers"].items():
        old = before.get("answers", {}).get(number, "")
        if old != text:
            label = _("Antwort auf Frage %(number)s") % {"number": number}
            changes.append({"label": label, "before": old, "after": text})
    return changes


def last_return(report: AnswerReport):
    """The approver's latest send-back (its event) while the draft waits for its revision."""
    if report.status != AnswerReport.Status.DRAFT or not report.review_baseline:
        return None
    return report.events.filter(action=MotionEvent.Action.REPORT_RETURNED).last()
