"""Every write on answer reports: drafting, exhibits, review, approval, publication, corrections.

The workflow of DESIGN §4: draft -> in_review -> approved -> published; the approver may send a
report back to draft with a comment. Each service is keyword-only and atomic, locks the report
row, asks requests_app.access who may act in which state (four-eyes rule included), records one
`MotionEvent` (with `report` set) and queues mail after the commit. The frozen form of a
published report is made by requests_app.snapshots.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal import concurrency, pagecache
from portal.models import User
from requests_app import access, mails, snapshots
from requests_app.alerts import notify_report_published
from requests_app.contribution_access import cosign_blocking
from requests_app.models import Answer, AnswerReport, Exhibit, Motion, MotionEvent
from requests_app.services.motions import motion_mark_answered
from requests_app.tasks import render_report_pdf

Status = AnswerReport.Status
Action = MotionEvent.Action

# The writes of a service below change only the rows of the report's motion (portal/pagecache.py):
# pages of other motions stay cached.
ONE_MOTION = pagecache.writes_rows_of("motion", lambda report, **_: report.motion_id)


def _lock(report: AnswerReport) -> AnswerReport:
    return AnswerReport.objects.select_for_update().select_related("motion").get(pk=report.pk)


def _save(report: AnswerReport, *fields: str) -> None:
    """Save a change of the report as a new version (forms opened before are now stale)."""
    report.full_clean()
    concurrency.bump(report, *fields)


def _lock_for_edit(report: AnswerReport, user, version: str | int | None) -> AnswerReport:
    """The locked draft, if `user` may edit it and nobody saved it since `version`."""
    report = _lock(report)
    access.check_report("edit", report=report, user=user)
    concurrency.check(report, version)
    return report


# --- drafting ----------------------------------------------------------------------------------


@pagecache.private_writes()  # drafts and work in progress: nothing public
@transaction.atomic
def report_create(*, motion: Motion, user: User) -> AnswerReport:
    """Start the answer report of a registered motion: one empty answer per question."""
    motion = Motion.objects.select_for_update().get(pk=motion.pk)
    access.check_report_start(motion=motion, user=user)
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
    MotionEvent.objects.record(report=report, user=user, action=Action.REPORT_STARTED)
    return report


@pagecache.private_writes()  # drafts and work in progress: nothing public
@transaction.atomic
def report_update(
    *,
    report: AnswerReport,
    user: User,
    version: str | int | None,
    title: str,
    summary: str,
    answers: Mapping[int, str],
    signatory_name: str | None = None,
    signatory_function: str | None = None,
) -> AnswerReport:
    """Save title, summary, answers (`answers`: answer pk -> Markdown) and, if given, the
    signatory of a draft."""
    report = _lock_for_edit(report, user, version)
    report.title, report.summary = title.strip(), summary
    fields = ["title", "summary"]
    if signatory_name is not None:
        report.signatory_name = signatory_name.strip()
        fields.append("signatory_name")
    if signatory_function is not None:
        report.signatory_function = signatory_function.strip()
        fields.append("signatory_function")
    changed = []
    for answer in report.answers.all():
        text = (answers.get(answer.pk, answer.text) or "").strip()
        if text != answer.text:
            answer.text = text
            changed.append(answer)
    Answer.objects.bulk_update(changed, ["text"])
    _save(report, *fields)
    MotionEvent.objects.record(report=report, user=user, action=Action.REPORT_EDITED)
    return report


@pagecache.private_writes()  # drafts and work in progress: nothing public
@transaction.atomic
def exhibit_save(
    *,
    report: AnswerReport,
    user: User,
    version: str | int | None,
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
    report = _lock_for_edit(report, user, version)
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
    _save(report)
    MotionEvent.objects.record(
        report=report,
        user=user,
        action=Action.REPORT_EDITED,
        comment=_("Anlage zu Frage %(number)s: %(kind)s")
        % {"number": answer.question.number, "kind": exhibit.get_kind_display()},
    )
    return exhibit


@pagecache.private_writes()  # drafts and work in progress: nothing public
@transaction.atomic
def exhibit_delete(
    *, report: AnswerReport, user: User, version: str | int | None, exhibit: Exhibit
) -> None:
    report = _lock_for_edit(report, user, version)
    if exhibit.answer.report_id != report.pk:
        raise ValidationError(_("Diese Anlage gehört nicht zu diesem Bericht."))
    comment = _("Anlage entfernt: %(kind)s") % {"kind": exhibit.get_kind_display()}
    exhibit.delete()
    _save(report)
    MotionEvent.objects.record(
        report=report, user=user, action=Action.REPORT_EDITED, comment=comment
    )


# --- review and approval -----------------------------------------------------------------------


@pagecache.private_writes()  # drafts and work in progress: nothing public
@transaction.atomic
def report_submit(*, report: AnswerReport, user: User) -> AnswerReport:
    """Put a complete draft before the approvers (every question needs its answer)."""
    report = _lock(report)
    access.check_report("submit", report=report, user=user)
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
    blocking = cosign_blocking(report)  # co-signing departments: open or objected
    if blocking:
        raise ValidationError(blocking, code="cosign")
    report.status, report.submitted_at = Status.IN_REVIEW, timezone.now()
    _save(report, "status", "submitted_at")
    MotionEvent.objects.record(report=report, user=user, action=Action.REPORT_SUBMITTED)
    mails.report_for_review(report=report)
    return report


@pagecache.private_writes()  # drafts and work in progress: nothing public
@transaction.atomic
def report_recall(*, report: AnswerReport, user: User) -> AnswerReport:
    """The author takes the report back from review (before approval): a draft again."""
    report = _lock(report)
    access.check_report("recall", report=report, user=user)
    report.status = Status.DRAFT
    _save(report, "status")
    MotionEvent.objects.record(report=report, user=user, action=Action.REPORT_RECALLED)
    return report


@pagecache.private_writes()  # drafts and work in progress: nothing public
@transaction.atomic
def report_return(
    *, report: AnswerReport, user: User, comment: str, notes: Mapping[int, str] | None = None
) -> AnswerReport:
    """Send the report back to its author with a comment and a note per question (`notes`:
    answer pk -> text); remembers what the approver saw and mails the author."""
    report = _lock(report)
    access.check_report("return", report=report, user=user)
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError(_("Bitte schreiben Sie, was zu ändern ist."))
    notes = notes or {}
    answers = list(report.answers.all())
    for answer in answers:
        answer.review_comment = (notes.get(answer.pk) or "").strip()
        answer.clean_fields(exclude=["report", "question", "text"])
    Answer.objects.bulk_update(answers, ["review_comment"])
    report.status, report.approver, report.approved_at = Status.DRAFT, None, None
    report.snapshot, report.approved_version = None, None
    report.review_baseline = snapshots.texts_of(report)
    _save(
        report,
        "status",
        "approver",
        "approved_at",
        "snapshot",
        "approved_version",
        "review_baseline",
    )
    MotionEvent.objects.record(
        report=report, user=user, action=Action.REPORT_RETURNED, comment=comment
    )
    mails.report_returned(report=report, comment=comment)
    return report


@pagecache.private_writes()  # drafts and work in progress: nothing public
@transaction.atomic
def report_approve(
    *, report: AnswerReport, user: User, version: str | int | None = None
) -> AnswerReport:
    """Approve the version the approver reviewed (`version`: the one their page showed): its
    content, exhibit data included, is frozen now and published exactly so."""
    report = _lock(report)
    access.check_report("approve", report=report, user=user)
    if version is not None:
        concurrency.check(report, version)
    report.status, report.approver, report.approved_at = Status.APPROVED, user, timezone.now()
    report.snapshot = snapshots.report_content(report)
    _save(report, "status", "approver", "approved_at", "snapshot")
    report.approved_version = report.version
    report.save(update_fields=["approved_version"])
    MotionEvent.objects.record(report=report, user=user, action=Action.REPORT_APPROVED)
    return report


# --- publication -------------------------------------------------------------------------------


CONFIDENTIAL_WARNING = gettext_lazy(
    "Der Antrag ist vertraulich. Mit dem Bericht werden sein Titel und seine Fragen öffentlich "
    "(Berichtsseite, PDF, Suche, Feeds, OParl), und der Antrag selbst wird öffentlich. Bitte "
    "bestätigen Sie das ausdrücklich, wenn die Antwort veröffentlicht werden soll."
)


CHANGED_SINCE_APPROVAL = gettext_lazy(
    "Der Bericht wurde nach der Freigabe geändert. Bitte prüfen Sie ihn erneut und geben Sie "
    "ihn frei, bevor er veröffentlicht wird."
)


@ONE_MOTION
@transaction.atomic
def report_publish(
    *,
    report: AnswerReport,
    user: User,
    disclose: bool = False,
    version: str | int | None = None,
) -> AnswerReport:
    """Publish an approved report exactly as approved; mark the motion answered; queue the PDF.

    `version` is the one the publishing page showed; publication refuses a report changed since
    approval (its content was frozen then: an import in between changes nothing in it).

    The answer to a confidential motion names the motion's title and questions: it is published
    only with `disclose=True`, the approver's explicit decision, which lifts the motion's
    confidentiality (a public answer to a secret question would be both) and is recorded.
    """
    report = _lock(report)
    access.check_report("publish", report=report, user=user)
    if version is not None:
        concurrency.check(report, version)
    if report.approved_version is not None and report.approved_version != report.version:
        raise ValidationError(CHANGED_SINCE_APPROVAL, code="changed")
    motion = report.motion
    if motion.confidential:
        if not disclose:
            raise ValidationError(CONFIDENTIAL_WARNING, code="confidential")
        motion.confidential = False
        motion.save(update_fields=["confidential", "modified"])
        MotionEvent.objects.record(
            report=report,
            user=user,
            action=Action.DISCLOSED,
            comment=str(_("Veröffentlichung der Antwort ausdrücklich freigegeben.")),
        )
    snapshots.freeze(report)
    MotionEvent.objects.record(report=report, user=user, action=Action.REPORT_PUBLISHED)
    if report.motion.status == Motion.Status.REGISTERED:
        motion_mark_answered(motion=report.motion, user=user)
    elif report.supersedes_id:
        mails.report_corrected(report=report)
    transaction.on_commit(lambda: enqueue_pdf(report.pk))
    if report.motion.is_public:
        # Citizens' e-mail alerts (new reports, this motion's answer); sent after the commit.
        notify_report_published(
            motion_pk=report.motion_id, title=report.title, url=report.get_absolute_url()
        )
    return report


def enqueue_pdf(report_id: int) -> None:
    """Queue the PDF rendering; however often a report is queued, it is rendered once."""
    render_report_pdf.enqueue(report_id)


@ONE_MOTION
@transaction.atomic
def report_pdf_retry(*, report: AnswerReport, user: User) -> AnswerReport:
    """Staff's "create the PDF again": a fresh set of attempts (docs/workers.md).

    A run still rendering keeps its claim and finishes; the task queued here then does nothing.
    """
    report = _lock(report)
    access.check_report("retry_pdf", report=report, user=user)
    report.pdf_status, report.pdf_error = AnswerReport.PdfStatus.PENDING, ""
    report.pdf_attempts = 0
    report.save(update_fields=["pdf_status", "pdf_error", "pdf_attempts", "modified"])
    transaction.on_commit(lambda: enqueue_pdf(report.pk))
    return report


@pagecache.private_writes()  # drafts and work in progress: nothing public
@transaction.atomic
def report_start_correction(*, report: AnswerReport, user: User) -> AnswerReport:
    """A correction: a new draft edition with the old one's texts, exhibits and documents."""
    report = _lock(report)
    access.check_report("correct", report=report, user=user)
    if AnswerReport.objects.filter(supersedes=report).exists():
        raise ValidationError(_("Diese Fassung wurde schon korrigiert."))
    if AnswerReport.objects.open().filter(motion=report.motion).exists():
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
    correction.documents.set(report.documents.all())  # shared files: removing one keeps it
    MotionEvent.objects.record(
        report=correction,
        user=user,
        action=Action.REPORT_STARTED,
        comment=_("Korrektur der Fassung %(edition)s") % {"edition": report.edition},
    )
    return correction
