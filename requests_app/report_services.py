"""Every write on answer reports: drafting, exhibits, review, approval, publication, corrections.

The workflow of DESIGN §4: draft -> in_review -> approved -> published; the approver may send a
report back to draft with a comment. Each service is keyword-only and atomic, locks the report
row, checks who may act in which state, writes one `MotionEvent` (with `report` set) and sends
mail after the commit. Four-eyes rule: whoever edited a report (an event REPORT_STARTED or
REPORT_EDITED of theirs on it) may neither approve nor publish it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.models import User
from requests_app import exhibits as exhibit_data
from requests_app import services as motion_services
from requests_app.alerts import notify_report_published
from requests_app.models import (
    Answer,
    AnswerReport,
    Exhibit,
    Motion,
    MotionEvent,
    user_departments,
)

Status = AnswerReport.Status
Action = MotionEvent.Action
EDIT_ACTIONS = (Action.REPORT_STARTED, Action.REPORT_EDITED)

STALE_MESSAGE = gettext_lazy(
    "Jemand anderes hat diesen Bericht gespeichert, nachdem Sie das Formular geöffnet haben. "
    "Ihre Änderungen wurden nicht gespeichert: Bitte laden Sie die Seite neu und übertragen Sie "
    "Ihre Änderungen noch einmal."
)


# --- who may do what -------------------------------------------------------------------------


def _in_department(user, motion: Motion) -> bool:
    if user.is_superuser:
        return True
    return (
        motion.lead_department_id is not None
        and user_departments(user).filter(pk=motion.lead_department_id).exists()
    )


def can_draft(user, motion: Motion) -> bool:
    """KPR office staff of the motion's lead department write its answer."""
    return (
        user.is_authenticated
        and user.has_role("prevention_office")
        and _in_department(user, motion)
    )


def can_review(user, motion: Motion) -> bool:
    """The department's head (approver) reviews, approves and publishes."""
    return user.is_authenticated and user.has_role("approver") and _in_department(user, motion)


def editor_ids(report: AnswerReport) -> set[int]:
    """Users who wrote any part of this report (they may not approve it)."""
    return set(
        report.events.filter(action__in=EDIT_ACTIONS, user__isnull=False).values_list(
            "user_id", flat=True
        )
    )


def allowed_actions(*, report: AnswerReport, user) -> set[str]:
    """The actions `user` may take on `report` now (the pages offer only these)."""
    actions = set()
    drafter, reviewer = can_draft(user, report.motion), can_review(user, report.motion)
    edited = user.pk in editor_ids(report) if reviewer else True
    if report.status == Status.DRAFT and drafter:
        actions |= {"edit", "submit"}
    if report.status in (Status.IN_REVIEW, Status.APPROVED) and reviewer:
        actions.add("return")
    if report.status == Status.IN_REVIEW and reviewer and not edited:
        actions.add("approve")
    if report.status == Status.APPROVED and reviewer and not edited:
        actions.add("publish")
    if report.status == Status.PUBLISHED and (drafter or reviewer):
        actions.add("retry_pdf")
        if drafter and not AnswerReport.objects.filter(supersedes=report).exists():
            actions.add("correct")
    return actions


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _require_status(report: AnswerReport, *states: str) -> None:
    if report.status not in states:
        raise ValidationError(
            _("Im Status „%(status)s“ ist das nicht möglich.")
            % {"status": report.get_status_display()}
        )


def _require_version(report: AnswerReport, version: int) -> None:
    if report.version != version:
        raise ValidationError(STALE_MESSAGE, code="stale")


def _lock(report: AnswerReport) -> AnswerReport:
    return AnswerReport.objects.select_for_update().select_related("motion").get(pk=report.pk)


def _event(report: AnswerReport, user, action: str, comment: str = "") -> MotionEvent:
    return MotionEvent.objects.create(
        motion=report.motion,
        report=report,
        user=user if user is not None and user.is_authenticated else None,
        action=action,
        comment=comment,
    )


def _touch(report: AnswerReport, *fields: str) -> None:
    report.version += 1
    report.full_clean()
    report.save(update_fields=["version", "modified", *fields])


# --- drafting ----------------------------------------------------------------------------------


@transaction.atomic
def report_create(*, motion: Motion, user: User) -> AnswerReport:
    """Start the answer report of a registered motion: one empty answer per question."""
    motion = Motion.objects.select_for_update().get(pk=motion.pk)
    _require(can_draft(user, motion), _("Nur die Geschäftsstelle des federführenden Dezernats."))
    if motion.status != Motion.Status.REGISTERED:
        raise ValidationError(_("Nur ein registrierter Antrag wird beantwortet."))
    if AnswerReport.objects.filter(motion=motion).exists():
        raise ValidationError(_("Zu diesem Antrag gibt es schon einen Antwortbericht."))
    report = AnswerReport(
        motion=motion,
        slug=motion.public_slug,
        title=(_("Antwort der Verwaltung: %(title)s") % {"title": motion.title})[:300],
        created_by=user,
    )
    report.full_clean()
    report.save()
    Answer.objects.bulk_create(
        Answer(report=report, question=question) for question in motion.questions.all()
    )
    _event(report, user, Action.REPORT_STARTED)
    return report


@transaction.atomic
def report_update(
    *,
    report: AnswerReport,
    user: User,
    version: int,
    title: str,
    summary: str,
    answers: Mapping[int, str],
) -> AnswerReport:
    """Save title, summary and answers (`answers`: answer pk -> Markdown) of a draft."""
    report = _lock(report)
    _require(can_draft(user, report.motion), _("Nur die Geschäftsstelle darf Berichte schreiben."))
    _require_status(report, Status.DRAFT)
    _require_version(report, version)
    report.title, report.summary = title.strip(), summary
    changed = []
    for answer in report.answers.all():
        text = (answers.get(answer.pk, answer.text) or "").strip()
        if text != answer.text:
            answer.text = text
            changed.append(answer)
    Answer.objects.bulk_update(changed, ["text"])
    _touch(report, "title", "summary")
    _event(report, user, Action.REPORT_EDITED)
    return report


@transaction.atomic
def exhibit_save(
    *,
    report: AnswerReport,
    user: User,
    version: int,
    answer: Answer,
    kind: str,
    exhibit: Exhibit | None = None,
    indicator=None,
    districts: Iterable = (),
    year_from: int | None = None,
    year_to: int | None = None,
    position: int = 1,
    caption: str = "",
) -> Exhibit:
    """Add an exhibit under an answer of a draft, or change one."""
    report = _lock(report)
    _require(can_draft(user, report.motion), _("Nur die Geschäftsstelle darf Berichte schreiben."))
    _require_status(report, Status.DRAFT)
    _require_version(report, version)
    if answer.report_id != report.pk or (exhibit and exhibit.answer.report_id != report.pk):
        raise ValidationError(_("Diese Antwort gehört nicht zu diesem Bericht."))
    if kind in Exhibit.INDICATOR_KINDS and indicator is None:
        raise ValidationError(_("Bitte wählen Sie eine Kennzahl."))
    exhibit = exhibit or Exhibit()
    exhibit.answer, exhibit.kind = answer, kind
    exhibit.indicator = indicator if kind in Exhibit.INDICATOR_KINDS else None
    exhibit.year_from, exhibit.year_to = year_from, year_to
    exhibit.position, exhibit.caption = position, caption.strip()
    exhibit.full_clean()
    exhibit.save()
    exhibit.districts.set(districts)
    _touch(report)
    _event(
        report,
        user,
        Action.REPORT_EDITED,
        _("Anlage zu Frage %(number)s: %(kind)s")
        % {"number": answer.question.number, "kind": exhibit.get_kind_display()},
    )
    return exhibit


@transaction.atomic
def exhibit_delete(*, report: AnswerReport, user: User, version: int, exhibit: Exhibit) -> None:
    report = _lock(report)
    _require(can_draft(user, report.motion), _("Nur die Geschäftsstelle darf Berichte schreiben."))
    _require_status(report, Status.DRAFT)
    _require_version(report, version)
    if exhibit.answer.report_id != report.pk:
        raise ValidationError(_("Diese Anlage gehört nicht zu diesem Bericht."))
    comment = _("Anlage entfernt: %(kind)s") % {"kind": exhibit.get_kind_display()}
    exhibit.delete()
    _touch(report)
    _event(report, user, Action.REPORT_EDITED, comment)


# --- review and approval -----------------------------------------------------------------------


@transaction.atomic
def report_submit(*, report: AnswerReport, user: User) -> AnswerReport:
    """Put a complete draft before the approvers (every question needs its answer)."""
    report = _lock(report)
    _require(can_draft(user, report.motion), _("Nur die Geschäftsstelle legt Berichte vor."))
    _require_status(report, Status.DRAFT)
    unanswered = [
        answer.question.number
        for answer in report.answers.select_related("question").order_by("question__number")
        if not answer.text.strip()
    ]
    if unanswered or not report.answers.exists():
        raise ValidationError(
            _("Jede Frage braucht eine Antwort. Noch offen: Frage %(numbers)s.")
            % {"numbers": ", ".join(str(number) for number in unanswered) or "–"},
            code="incomplete",
        )
    report.status, report.submitted_at = Status.IN_REVIEW, timezone.now()
    _touch(report, "status", "submitted_at")
    _event(report, user, Action.REPORT_SUBMITTED)
    transaction.on_commit(lambda: _mail_approvers(report.pk))
    return report


@transaction.atomic
def report_return(*, report: AnswerReport, user: User, comment: str) -> AnswerReport:
    """Send the report back to the office with a comment; remembers what the approver saw."""
    report = _lock(report)
    _require(can_review(user, report.motion), _("Nur die Dezernatsleitung prüft Berichte."))
    _require_status(report, Status.IN_REVIEW, Status.APPROVED)
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError(_("Bitte schreiben Sie, was zu ändern ist."))
    report.status, report.approver, report.approved_at = Status.DRAFT, None, None
    report.review_baseline = texts_of(report)
    _touch(report, "status", "approver", "approved_at", "review_baseline")
    _event(report, user, Action.REPORT_RETURNED, comment)
    return report


@transaction.atomic
def report_approve(*, report: AnswerReport, user: User) -> AnswerReport:
    report = _lock(report)
    _require(can_review(user, report.motion), _("Nur die Dezernatsleitung gibt Berichte frei."))
    _require_status(report, Status.IN_REVIEW)
    _require_four_eyes(report, user)
    report.status, report.approver, report.approved_at = Status.APPROVED, user, timezone.now()
    _touch(report, "status", "approver", "approved_at")
    _event(report, user, Action.REPORT_APPROVED)
    return report


def _require_four_eyes(report: AnswerReport, user) -> None:
    if user.pk in editor_ids(report):
        raise PermissionDenied(
            _(
                "Vier-Augen-Prinzip: Sie haben an diesem Bericht mitgeschrieben und dürfen ihn "
                "deshalb nicht freigeben."
            )
        )


# --- publication -------------------------------------------------------------------------------


def texts_of(report: AnswerReport) -> dict:
    """Title, summary and answers as plain text (for "changes since the last review")."""
    answers = report.answers.select_related("question").order_by("question__number")
    return {
        "title": report.title,
        "summary": report.summary,
        "answers": {str(answer.question.number): answer.text for answer in answers},
    }


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
                "answer": answer.text,
                "exhibits": shown,
            }
        )
    return {
        "title": report.title,
        "summary": report.summary,
        "edition": report.edition,
        "reference": motion.reference,
        "motion_title": motion.title,
        "motion_kind": str(motion.get_kind_display()),
        "motion_url": motion.get_absolute_url() if motion.is_public else "",
        "faction": motion.faction.name,
        "department": motion.lead_department.name if motion.lead_department else "",
        "items": items,
        "synthetic": any(e["synthetic"] for item in items for e in item["exhibits"]),
    }


def render_body(content: dict) -> str:
    """The report's body HTML (page and PDF share it) from `report_content()` data."""
    with translation.override(settings.LANGUAGE_CODE):
        return render_to_string("requests_app/_report_body.html", {"body": content})


def freeze(report: AnswerReport) -> AnswerReport:
    """Store the published form: content snapshot, its HTML and hash; status published."""
    now = timezone.now()
    content = report_content(report)
    content["published_at"] = now.isoformat()
    report.snapshot = content
    report.published_html = render_body(content)
    report.content_sha256 = hashlib.sha256(report.published_html.encode()).hexdigest()
    report.status, report.published_at = Status.PUBLISHED, now
    report.pdf_status = AnswerReport.PdfStatus.PENDING
    _touch(
        report,
        "snapshot",
        "published_html",
        "content_sha256",
        "status",
        "published_at",
        "pdf_status",
    )
    return report


@transaction.atomic
def report_publish(*, report: AnswerReport, user: User) -> AnswerReport:
    """Freeze and publish an approved report; mark the motion answered; queue the PDF."""
    report = _lock(report)
    _require(can_review(user, report.motion), _("Nur die Dezernatsleitung veröffentlicht."))
    _require_status(report, Status.APPROVED)
    _require_four_eyes(report, user)
    freeze(report)
    _event(report, user, Action.REPORT_PUBLISHED)
    if report.motion.status == Motion.Status.REGISTERED:
        motion_services.motion_mark_answered(motion=report.motion, user=user)
    elif report.supersedes_id:
        transaction.on_commit(lambda: _mail_correction(report.pk))
    transaction.on_commit(lambda: enqueue_pdf(report.pk))
    if report.motion.is_public:
        # Citizens' e-mail alerts (new reports, this motion's answer); sent after the commit.
        notify_report_published(
            motion_pk=report.motion_id, title=report.title, url=report.get_absolute_url()
        )
    return report


def enqueue_pdf(report_id: int) -> None:
    """Queue the PDF rendering; however often a report is queued, it is rendered once."""
    from requests_app.tasks import render_report_pdf

    render_report_pdf.enqueue(report_id)


@transaction.atomic
def report_pdf_retry(*, report: AnswerReport, user: User) -> AnswerReport:
    """Staff's "create the PDF again": a fresh set of attempts (docs/workers.md).

    A run still rendering keeps its claim and finishes; the task queued here then does nothing.
    """
    report = _lock(report)
    motion = report.motion
    _require(can_draft(user, motion) or can_review(user, motion), _("Keine Berechtigung."))
    _require_status(report, Status.PUBLISHED)
    report.pdf_status, report.pdf_error = AnswerReport.PdfStatus.PENDING, ""
    report.pdf_attempts = 0
    report.save(update_fields=["pdf_status", "pdf_error", "pdf_attempts", "modified"])
    transaction.on_commit(lambda: enqueue_pdf(report.pk))
    return report


@transaction.atomic
def report_start_correction(*, report: AnswerReport, user: User) -> AnswerReport:
    """A correction: a new draft edition with the old one's texts and exhibits."""
    report = _lock(report)
    _require(can_draft(user, report.motion), _("Nur die Geschäftsstelle korrigiert Berichte."))
    _require_status(report, Status.PUBLISHED)
    if AnswerReport.objects.filter(supersedes=report).exists():
        raise ValidationError(_("Diese Fassung wurde schon korrigiert."))
    if AnswerReport.objects.filter(motion=report.motion, status__in=AnswerReport.OPEN_STATUSES):
        raise ValidationError(_("Zu diesem Antrag ist schon ein Bericht in Arbeit."))
    edition = report.edition + 1
    correction = AnswerReport(
        motion=report.motion,
        edition=edition,
        slug=f"{report.motion.public_slug}-fassung-{edition}",
        title=report.title,
        summary=report.summary,
        supersedes=report,
        created_by=user,
    )
    correction.full_clean()
    correction.save()
    for answer in report.answers.prefetch_related("exhibits__districts"):
        copy = Answer.objects.create(report=correction, question=answer.question, text=answer.text)
        for exhibit in answer.exhibits.all():
            districts = list(exhibit.districts.all())
            exhibit.pk, exhibit.answer = None, copy
            exhibit._state.adding = True
            exhibit.save()
            exhibit.districts.set(districts)
    _event(
        correction,
        user,
        Action.REPORT_STARTED,
        _("Korrektur der Fassung %(edition)s") % {"edition": report.edition},
    )
    return correction


# --- e-mail ------------------------------------------------------------------------------------


def _approver_addresses(report: AnswerReport) -> list[str]:
    return list(
        User.objects.filter(
            organizations=report.motion.lead_department_id, groups__name="approver", is_active=True
        )
        .exclude(email="")
        .values_list("email", flat=True)
        .distinct()
    )


def _mail_approvers(report_id: int) -> None:
    report = AnswerReport.objects.select_related("motion").get(pk=report_id)
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Antwortbericht zur Prüfung: %(reference)s") % {
            "reference": report.motion.reference
        }
        link = settings.PORTAL_BASE_URL.rstrip("/") + report.get_workspace_url()
        body = "\n".join(
            [
                _("Guten Tag,"),
                "",
                _("der Antwortbericht „%(title)s“ liegt Ihnen zur Prüfung vor.")
                % {"title": report.title},
                "",
                _("Zum Bericht: %(url)s") % {"url": link},
                "",
                motion_services._signature(),
            ]
        )
        motion_services._send(_approver_addresses(report), subject, body)


def _mail_correction(report_id: int) -> None:
    report = AnswerReport.objects.select_related("motion").get(pk=report_id)
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Korrigierte Antwort zu Ihrem Antrag %(reference)s") % {
            "reference": report.motion.reference
        }
        link = settings.PORTAL_BASE_URL.rstrip("/") + report.get_absolute_url()
        body = "\n".join(
            [
                _("Guten Tag,"),
                "",
                _("zu Ihrem Antrag „%(title)s“ wurde eine korrigierte Antwort veröffentlicht.")
                % {"title": report.motion.title},
                "",
                _("Zum Bericht: %(url)s") % {"url": link},
                "",
                motion_services._signature(),
            ]
        )
        motion_services._send(motion_services._submitter_addresses(report.motion), subject, body)
