"""Who may do what to motions and answer reports: every permission of requests_app, answered here.

Views and services ask this module; nothing else checks roles (the QuerySets only scope which
rows a user's lists read, with the same role constants). A refused person gets a
`PermissionDenied` with one German message per kind of refusal (below); an action the state does
not allow is a `ValidationError`. The page helpers answer outsiders with 404, so nobody learns
that a draft exists, and read-only insiders with 403.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from portal.models import Organization, User
from portal.roles import APPROVER, COUNCIL_MEMBER, COUNCIL_OFFICE, PREVENTION_OFFICE
from requests_app.models import (
    AnswerReport,
    Motion,
    MotionEvent,
    user_departments,
    user_factions,
)

# One message per kind of refusal.
COUNCIL_MEMBERS_ONLY = _("Nur Ratsmitglieder legen Anträge an.")
FACTION_ONLY = _("Nur Ratsmitglieder der Fraktion dürfen das.")
OFFICE_ONLY = _("Nur das Ratsbüro darf das.")
DRAFTERS_ONLY = _("Nur die Geschäftsstelle des federführenden Dezernats darf das.")
REVIEWERS_ONLY = _("Nur die Dezernatsleitung des federführenden Dezernats darf das.")
DEPARTMENT_ONLY = _(
    "Nur die Geschäftsstelle und die Dezernatsleitung des federführenden Dezernats dürfen das."
)
FOUR_EYES = _(
    "Vier-Augen-Prinzip: Sie haben an diesem Bericht mitgeschrieben und dürfen ihn deshalb "
    "nicht freigeben."
)
NOT_NOW = _("Diese Aktion ist für Sie oder in diesem Status nicht möglich.")
WRONG_STATUS = _("Im Status „%(status)s“ ist das nicht möglich.")

Status = Motion.Status
ReportStatus = AnswerReport.Status


# --- roles and areas ------------------------------------------------------------------------------


def is_council_member(user) -> bool:
    return user.is_authenticated and user.has_role(COUNCIL_MEMBER)


def is_office(user) -> bool:
    """The council office (Ratsbüro): registers, returns, rejects and records treatment."""
    return user.is_authenticated and user.has_role(COUNCIL_OFFICE)


def is_prevention_office(user) -> bool:
    return user.is_authenticated and user.has_role(PREVENTION_OFFICE)


def is_approver(user) -> bool:
    return user.is_authenticated and user.has_role(APPROVER)


def is_faction_member(user, motion: Motion) -> bool:
    """A council member of the motion's faction (the drafters and their colleagues)."""
    return is_council_member(user) and user_factions(user).filter(pk=motion.faction_id).exists()


def in_lead_department(user, motion: Motion) -> bool:
    """Staff of the motion's lead department; a superuser counts as staff of every one."""
    if user.is_superuser:
        return True
    return (
        motion.lead_department_id is not None
        and user_departments(user).filter(pk=motion.lead_department_id).exists()
    )


def can_draft(user, motion: Motion) -> bool:
    """KPR office staff of the motion's lead department write its answer."""
    return is_prevention_office(user) and in_lead_department(user, motion)


def can_review(user, motion: Motion) -> bool:
    """The department's head (approver) reviews, approves and publishes."""
    return is_approver(user) and in_lead_department(user, motion)


def can_work_on(user, motion: Motion) -> bool:
    """Drafters and reviewers alike (a published report's PDF, for instance)."""
    return can_draft(user, motion) or can_review(user, motion)


def events_for(user, motion: Motion) -> QuerySet[MotionEvent]:
    """The motion's event log as this user may read it: the work on an answer report (drafts,
    review comments, staff names) only for the lead department, the faction and the council
    office see its publication."""
    events = motion.events.select_related("user")
    return events if can_work_on(user, motion) else events.without_report_work()


def is_insider(user, motion: Motion) -> bool:
    """Someone whose work area holds the motion (the public page links them there)."""
    return (
        user.is_authenticated and Motion.objects.workspace_for(user).filter(pk=motion.pk).exists()
    )


def reviewers(motion: Motion) -> QuerySet[User]:
    """The approvers of the motion's lead department: a report goes to them for review."""
    return User.objects.filter(
        organizations=motion.lead_department_id, groups__name=APPROVER, is_active=True
    ).distinct()


def has_edited(user, report: AnswerReport) -> bool:
    """`user` wrote part of the report (the four-eyes rule keeps them from approving it)."""
    edits = (MotionEvent.Action.REPORT_STARTED, MotionEvent.Action.REPORT_EDITED)
    return user.pk is not None and report.events.filter(action__in=edits, user=user).exists()


def _refuse(allowed: bool, message) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _require_status(obj: Motion | AnswerReport, states) -> None:
    if obj.status not in states:
        raise ValidationError(WRONG_STATUS % {"status": obj.get_status_display()})


# --- motions --------------------------------------------------------------------------------------

# The motion workflow (DESIGN §4): action -> (states it may start from, who may take it).
MOTION_RULES = {
    "edit": (Motion.EDITABLE_STATUSES, "faction"),
    "submit": (Motion.EDITABLE_STATUSES, "faction"),
    # A draft that was never submitted is deleted, not withdrawn.
    "delete": ((Status.DRAFT,), "faction"),
    "withdraw": ((Status.RETURNED, Status.SUBMITTED, Status.REGISTERED), "faction"),
    "return": ((Status.SUBMITTED,), "office"),
    "reject": ((Status.SUBMITTED,), "office"),
    "register": ((Status.SUBMITTED,), "office"),
    "treat": ((Status.SUBMITTED, Status.REGISTERED, Status.ANSWERED), "office"),
    "extend": ((Status.REGISTERED,), "office"),
    "change_lead": ((Status.REGISTERED,), "office"),
    "interim": ((Status.REGISTERED,), "department"),
}
_MOTION_PEOPLE = {
    "faction": (is_faction_member, FACTION_ONLY),
    "office": (lambda user, motion: is_office(user), OFFICE_ONLY),
    "department": (lambda user, motion: can_work_on(user, motion), DEPARTMENT_ONLY),
}


def motion_actions(*, motion: Motion, user) -> set[str]:
    """The actions `user` may take on `motion` now (the pages offer only these)."""
    return {
        action
        for action, (states, who) in MOTION_RULES.items()
        if motion.status in states and _MOTION_PEOPLE[who][0](user, motion)
    }


def check_motion(action: str, *, motion: Motion, user) -> None:
    """Refuse `action` on `motion`: PermissionDenied for the wrong person, else
    ValidationError for the wrong state."""
    states, who = MOTION_RULES[action]
    allowed, message = _MOTION_PEOPLE[who]
    _refuse(allowed(user, motion), message)
    _require_status(motion, states)


def require_council_member(user) -> None:
    """Only council members open the form for a new motion."""
    _refuse(is_council_member(user), COUNCIL_MEMBERS_ONLY)


def check_motion_create(*, user, faction: Organization) -> None:
    """A council member drafts for their own faction only."""
    own = is_council_member(user) and user_factions(user).filter(pk=faction.pk).exists()
    _refuse(own, FACTION_ONLY)


# --- answer reports -------------------------------------------------------------------------------

# The report workflow (DESIGN §4): action -> (states it may start from, who may take it).
REPORT_RULES = {
    "edit": ((ReportStatus.DRAFT,), "drafter"),
    "submit": ((ReportStatus.DRAFT,), "drafter"),
    "recall": ((ReportStatus.IN_REVIEW,), "drafter"),
    "return": (AnswerReport.REVIEW_STATUSES, "reviewer"),
    "approve": ((ReportStatus.IN_REVIEW,), "reviewer"),
    "publish": ((ReportStatus.APPROVED,), "reviewer"),
    "retry_pdf": ((ReportStatus.PUBLISHED,), "department"),
    "correct": ((ReportStatus.PUBLISHED,), "drafter"),
}
# Four-eyes rule: whoever edited a report may neither approve nor publish it.
FOUR_EYES_ACTIONS = {"approve", "publish"}
_REPORT_PEOPLE = {
    "drafter": (can_draft, DRAFTERS_ONLY),
    "reviewer": (can_review, REVIEWERS_ONLY),
    "department": (can_work_on, DEPARTMENT_ONLY),
}


def report_actions(*, report: AnswerReport, user) -> set[str]:
    """The actions `user` may take on `report` now (the pages offer only these)."""
    candidates = {who for states, who in REPORT_RULES.values() if report.status in states}
    allowed = {who for who in candidates if _REPORT_PEOPLE[who][0](user, report.motion)}
    actions = {
        action
        for action, (states, who) in REPORT_RULES.items()
        if report.status in states and who in allowed
    }
    if actions & FOUR_EYES_ACTIONS and has_edited(user, report):
        actions -= FOUR_EYES_ACTIONS
    if "correct" in actions and AnswerReport.objects.filter(supersedes=report).exists():
        actions.discard("correct")
    return actions


def check_report(action: str, *, report: AnswerReport, user) -> None:
    """Refuse `action` on `report`: PermissionDenied for the wrong person or the four-eyes
    rule, ValidationError for the wrong state."""
    states, who = REPORT_RULES[action]
    allowed, message = _REPORT_PEOPLE[who]
    _refuse(allowed(user, report.motion), message)
    _require_status(report, states)
    if action in FOUR_EYES_ACTIONS:
        _refuse(not has_edited(user, report), FOUR_EYES)


def four_eyes_blocks(user, report: AnswerReport) -> bool:
    """The report waits for approval and `user` wrote part of it: someone else must approve."""
    return report.status == ReportStatus.IN_REVIEW and has_edited(user, report)


def check_report_start(*, motion: Motion, user) -> None:
    """The lead department's KPR office starts the answer report of a registered motion."""
    _refuse(can_draft(user, motion), DRAFTERS_ONLY)


def may_start_report(user, motion: Motion, *, has_reports: bool) -> bool:
    """Offer "Antwortbericht anlegen": a registered motion without a report, to its drafters."""
    return motion.status == Status.REGISTERED and not has_reports and can_draft(user, motion)


# --- pages ----------------------------------------------------------------------------------------


def get_motion_for_user(request: HttpRequest, pk: int, *, action: str | None = None) -> Motion:
    """A motion of the user's work area; 404 for everybody else (no existence leak). With
    `action`, 403 for an insider who may not take it now."""
    queryset = Motion.objects.workspace_for(request.user).select_related(
        "faction", "lead_department", "meeting", "agenda_item"
    )
    motion = get_object_or_404(queryset, pk=pk)
    if action is not None and action not in motion_actions(motion=motion, user=request.user):
        raise PermissionDenied(NOT_NOW)
    return motion


def get_report_for_user(
    request: HttpRequest, pk: int, *, action: str | None = None
) -> AnswerReport:
    """A report of the user's departments; 404 for everybody else (no existence leak). With
    `action`, 403 for an insider who may not take it now."""
    queryset = AnswerReport.objects.workspace_for(request.user).select_related(
        "motion", "motion__faction", "motion__lead_department", "supersedes", "approver"
    )
    report = get_object_or_404(queryset, pk=pk)
    if action is not None and action not in report_actions(report=report, user=request.user):
        raise PermissionDenied(NOT_NOW)
    return report
