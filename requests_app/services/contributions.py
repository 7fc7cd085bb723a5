"""Every write on contributions (Zuarbeit) and co-signatures (Mitzeichnung) of answer reports.

The author of a draft asks an organization for a contribution to some questions, may withdraw
the request, and copies or quotes what came back into an answer (through the report-editing
service, so the report's version and the four-eyes log stay right). A contributor of the
organization hands the contribution in once. The author asks other departments to co-sign; they
sign or object with a reason, and `contribution_access.cosign_blocking()` says why review
cannot start yet.

Each service is keyword-only and atomic, locks the row it changes, asks
requests_app.contribution_access who may act, records one `MotionEvent` of the report (internal:
never on a public page) and queues its mail after the commit.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import concurrency, formats, pagecache, uploads
from portal.models import Organization, User
from portal.validators import MAX_TEXT_LENGTH
from requests_app import access, contribution_mails
from requests_app import contribution_access as rules
from requests_app.models import (
    AnswerReport,
    ContributionRequest,
    CoSignRequest,
    MotionEvent,
    Question,
)
from requests_app.services import reports as report_services

State = ContributionRequest.State
CoSignState = CoSignRequest.State
Action = MotionEvent.Action
# Each step's action in the audit log. Until MotionEvent.Action has actions of its own for them,
# every step is logged as work on the report, named in the comment.
STEP_ACTIONS = {
    "requested": Action.CONTRIBUTION_ASKED,
    "withdrawn": Action.CONTRIBUTION_PULLED,
    "handed_in": Action.CONTRIBUTION_IN,
    "adopted": Action.CONTRIBUTION_USED,
    "cosign_requested": Action.COSIGN_ASKED,
    "signed": Action.COSIGN_SIGNED,
    "objected": Action.COSIGN_OBJECTED,
}
# Steps of people outside the lead department (the police, a co-signing department). Whoever
# is the user of an edit counts as an author of the report (four-eyes rule, the send-back mail
# with the reviewer's comments), which they must never be: logged as an edit, such a step names
# its person in the comment instead.
OUTSIDE_STEPS = {"handed_in", "signed", "objected"}
AUTHOR_ACTIONS = (Action.REPORT_STARTED, Action.REPORT_EDITED)
ADOPT_MODES = ("copy", "quote")
MAX_ATTACHMENTS = 5


def record_step(report: AnswerReport, user: User, step: str, comment: str) -> MotionEvent:
    """Log one step of a contribution or co-signature (internal: never on a public page)."""
    action = STEP_ACTIONS[step]
    if step in OUTSIDE_STEPS and action in AUTHOR_ACTIONS:
        first, newline, rest = comment.partition("\n")
        comment = f"{first} ({user.get_full_name() or user.username}){newline}{rest}"
        user = None
    return MotionEvent.objects.record(report=report, user=user, action=action, comment=comment)


def _lock_report(report: AnswerReport) -> AnswerReport:
    return (
        AnswerReport.objects.select_for_update(of=("self",))
        .select_related("motion")
        .get(pk=report.pk)
    )


def _require_draft(report: AnswerReport) -> None:
    if not report.is_editable:
        raise ValidationError(access.WRONG_STATUS % {"status": report.get_status_display()})


def _numbers(questions: Iterable[Question]) -> str:
    return ", ".join(str(question.number) for question in sorted(questions, key=lambda q: q.number))


def note_requested(contribution: ContributionRequest) -> str:
    """The event comment of a request (also written by the demo)."""
    return _(
        "Zuarbeit angefordert bei %(organization)s zu Frage %(numbers)s, erbeten bis %(date)s"
    ) % {
        "organization": contribution.organization.name,
        "numbers": _numbers(contribution.questions.all()),
        "date": formats.date(contribution.due_date, "SHORT_DATE_FORMAT"),
    }


def note_handed_in(contribution: ContributionRequest) -> str:
    return _("Zuarbeit von %(organization)s eingegangen") % {
        "organization": contribution.organization.name
    }


# --- contributions -----------------------------------------------------------------------------


@pagecache.private_writes()  # work in progress: nothing public
@transaction.atomic
def contribution_request(
    *,
    report: AnswerReport,
    user: User,
    organization: Organization,
    questions: Iterable[Question],
    due_date: date,
    message: str = "",
) -> ContributionRequest:
    """Ask an organization for a contribution to some questions of a draft report."""
    report = _lock_report(report)
    rules.check_author(report=report, user=user)
    _require_draft(report)
    if not rules.organizations_to_ask(report).filter(pk=organization.pk).exists():
        raise ValidationError(
            _("Von dieser Organisation kann keine Zuarbeit angefordert werden."),
            code="organization",
        )
    questions = list(questions)
    if not questions:
        raise ValidationError(_("Bitte wählen Sie mindestens eine Frage."), code="questions")
    if any(question.motion_id != report.motion_id for question in questions):
        raise ValidationError(_("Diese Frage gehört nicht zu diesem Antrag."), code="questions")
    if due_date < timezone.localdate():
        raise ValidationError(
            _(
                "Das Datum, bis wann die Zuarbeit erbeten wird, darf nicht in der "
                "Vergangenheit liegen."
            ),
            code="due_date",
        )
    contribution = ContributionRequest(
        report=report,
        organization=organization,
        due_date=due_date,
        message=(message or "").strip(),
        requested_by=user,
    )
    contribution.full_clean()
    contribution.save()
    contribution.questions.set(questions)
    record_step(report, user, "requested", note_requested(contribution))
    contribution_mails.contribution_requested(contribution=contribution)
    return contribution


def _lock(contribution: ContributionRequest, version) -> ContributionRequest:
    queryset = ContributionRequest.objects.select_related("report__motion", "organization")
    return concurrency.lock_and_check(queryset, contribution.pk, version)


@pagecache.private_writes()  # work in progress: nothing public
@transaction.atomic
def contribution_withdraw(
    *, contribution: ContributionRequest, user: User, version: str | int | None
) -> ContributionRequest:
    """The author withdraws an open request; the organization can no longer hand in."""
    contribution = _lock(contribution, version)
    rules.check_author(report=contribution.report, user=user)
    if not contribution.is_open:
        raise ValidationError(
            _("Diese Anfrage ist nicht mehr offen (%(state)s).")
            % {"state": contribution.get_state_display()},
            code="state",
        )
    contribution.state = State.WITHDRAWN
    contribution.full_clean()
    concurrency.bump(contribution, "state")
    record_step(
        contribution.report,
        user,
        "withdrawn",
        _("Anfrage um Zuarbeit bei %(organization)s zurückgezogen")
        % {"organization": contribution.organization.name},
    )
    return contribution


@pagecache.private_writes()  # work in progress: nothing public
@transaction.atomic
def contribution_hand_in(
    *,
    contribution: ContributionRequest,
    user: User,
    version: str | int | None,
    text: str,
    files: Iterable[UploadedFile] = (),
) -> ContributionRequest:
    """Hand in the organization's contribution (Markdown, optional PDF or image files), once."""
    contribution = _lock(contribution, version)
    rules.check_hand_in(contribution=contribution, user=user)
    if contribution.state == State.WITHDRAWN:
        raise ValidationError(
            _("Die Anfrage wurde zurückgezogen; eine Zuarbeit kann nicht mehr eingereicht werden."),
            code="withdrawn",
        )
    if contribution.state == State.HANDED_IN:
        raise ValidationError(_("Diese Zuarbeit wurde schon eingereicht."), code="handed_in")
    text = (text or "").strip()
    if not text:
        raise ValidationError(_("Bitte schreiben Sie Ihre Zuarbeit."), code="empty")
    files = list(files)
    if len(files) > MAX_ATTACHMENTS:
        raise ValidationError(
            _("Höchstens %(count)s Dateien je Zuarbeit.") % {"count": MAX_ATTACHMENTS},
            code="too_many",
        )
    for upload in files:  # every file is checked before any is stored
        uploads.check_upload(upload)
    contribution.text = text
    contribution.state, contribution.handed_in_by = State.HANDED_IN, user
    contribution.handed_in_at = timezone.now()
    contribution.full_clean()
    concurrency.bump(contribution, "text", "state", "handed_in_by", "handed_in_at")
    attachments = [uploads.attachment_create(upload=upload, public=False) for upload in files]
    contribution.attachments.add(*attachments)
    record_step(contribution.report, user, "handed_in", note_handed_in(contribution))
    contribution_mails.contribution_handed_in(contribution=contribution)
    return contribution


def _adopted_text(contribution: ContributionRequest, mode: str) -> str:
    if mode == "copy":
        return contribution.text
    quoted = "\n".join(f"> {line}".rstrip() for line in contribution.text.splitlines())
    source = _("%(organization)s teilt mit:") % {"organization": contribution.organization.name}
    return f"{source}\n\n{quoted}"


@pagecache.private_writes()  # work in progress: nothing public
@transaction.atomic
def contribution_adopt(
    *,
    contribution: ContributionRequest,
    user: User,
    question: Question,
    mode: str,
    version: str | int | None,
) -> AnswerReport:
    """Add a contribution to the answer of one of its questions: copied as it is (`copy`) or
    quoted with its source (`quote`). `version` is the report's version the author saw."""
    contribution = ContributionRequest.objects.select_related("report", "organization").get(
        pk=contribution.pk
    )
    rules.check_author(report=contribution.report, user=user)
    if mode not in ADOPT_MODES:
        raise ValidationError(_("Bitte wählen Sie „übernehmen“ oder „zitieren“."), code="mode")
    if not contribution.is_handed_in:
        raise ValidationError(_("Diese Zuarbeit ist noch nicht eingegangen."), code="state")
    if not contribution.questions.filter(pk=question.pk).exists():
        raise ValidationError(_("Diese Frage gehört nicht zu der Zuarbeit."), code="question")
    report = contribution.report
    answer = report.answers.get(question=question)
    before = answer.text.rstrip()
    text = (
        f"{before}\n\n{_adopted_text(contribution, mode)}"
        if before
        else _adopted_text(contribution, mode)
    )
    if len(text) > MAX_TEXT_LENGTH:
        raise ValidationError(_("Die Antwort würde damit zu lang."), code="too_long")
    report = report_services.report_update(
        report=report,
        user=user,
        version=version,
        title=report.title,
        summary=report.summary,
        answers={answer.pk: text},
    )
    comment = _("Zuarbeit von %(organization)s in die Antwort zu Frage %(number)s übernommen")
    if mode == "quote":
        comment = _("Zuarbeit von %(organization)s in der Antwort zu Frage %(number)s zitiert")
    record_step(
        report,
        user,
        "adopted",
        comment % {"organization": contribution.organization.name, "number": question.number},
    )
    return report


def contribution_reminders_send(today: date | None = None) -> int:
    """Remind the organizations of overdue contributions, once per request (daily command)."""
    sent = 0
    for pk in ContributionRequest.objects.needing_reminder(today).values_list("pk", flat=True):
        with transaction.atomic():
            claimed = ContributionRequest.objects.filter(pk=pk, reminded_at__isnull=True).update(
                reminded_at=timezone.now()
            )
            if claimed:  # another server running the command at the same time got it first
                contribution = ContributionRequest.objects.select_related(
                    "report__motion", "organization"
                ).get(pk=pk)
                contribution_mails.contribution_overdue(contribution=contribution)
                sent += 1
    return sent


# --- co-signing --------------------------------------------------------------------------------


@pagecache.private_writes()  # work in progress: nothing public
@transaction.atomic
def cosign_request(
    *, report: AnswerReport, user: User, organization: Organization
) -> CoSignRequest:
    """Ask another department to co-sign the draft before review."""
    report = _lock_report(report)
    rules.check_author(report=report, user=user)
    _require_draft(report)
    if organization.pk == report.motion.lead_department_id:
        raise ValidationError(
            _("Das federführende Dezernat zeichnet seinen eigenen Bericht nicht mit."),
            code="lead_department",
        )
    if not rules.departments_to_cosign(report).filter(pk=organization.pk).exists():
        raise ValidationError(
            _("Nur ein Dezernat oder Amt der Verwaltung kann mitzeichnen."), code="organization"
        )
    if report.cosign_requests.open().filter(organization=organization).exists():
        raise ValidationError(
            _("Um diese Mitzeichnung wurde schon gebeten; sie steht noch aus."), code="open"
        )
    cosign = CoSignRequest(report=report, organization=organization, requested_by=user)
    cosign.full_clean()
    cosign.save()
    record_step(
        report,
        user,
        "cosign_requested",
        _("Mitzeichnung erbeten von %(organization)s") % {"organization": organization.name},
    )
    contribution_mails.cosign_requested(cosign=cosign)
    return cosign


def _decide(cosign: CoSignRequest, user: User, version, state: str, comment: str) -> CoSignRequest:
    queryset = CoSignRequest.objects.select_related("report__motion", "organization")
    cosign = concurrency.lock_and_check(queryset, cosign.pk, version)
    rules.check_sign(cosign=cosign, user=user)
    if not cosign.is_open:
        raise ValidationError(
            _("Über diese Mitzeichnung wurde schon entschieden (%(state)s).")
            % {"state": cosign.get_state_display()},
            code="decided",
        )
    if cosign.report.status == AnswerReport.Status.PUBLISHED:
        raise ValidationError(_("Der Bericht ist schon veröffentlicht."), code="published")
    cosign.state, cosign.comment = state, (comment or "").strip()
    cosign.decided_by, cosign.decided_at = user, timezone.now()
    cosign.full_clean()
    concurrency.bump(cosign, "state", "comment", "decided_by", "decided_at")
    note = _("%(organization)s: %(state)s") % {
        "organization": cosign.organization.name,
        "state": cosign.get_state_display(),
    }
    record_step(cosign.report, user, state, f"{note}\n{cosign.comment}".strip())
    contribution_mails.cosign_decided(cosign=cosign)
    return cosign


@pagecache.private_writes()  # work in progress: nothing public
@transaction.atomic
def cosign_sign(
    *, cosign: CoSignRequest, user: User, version: str | int | None, comment: str = ""
) -> CoSignRequest:
    """The department co-signs the draft (an optional remark goes to the author)."""
    return _decide(cosign, user, version, CoSignState.SIGNED, comment)


@pagecache.private_writes()  # work in progress: nothing public
@transaction.atomic
def cosign_object(
    *, cosign: CoSignRequest, user: User, version: str | int | None, comment: str
) -> CoSignRequest:
    """The department objects; the reason is required and goes to the author."""
    if not (comment or "").strip():
        raise ValidationError(_("Bitte begründen Sie Ihren Einwand."), code="comment")
    return _decide(cosign, user, version, CoSignState.OBJECTED, comment)
