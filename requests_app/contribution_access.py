"""Who may do what with contributions (Zuarbeit) and co-signatures (Mitzeichnung).

The report's author (the drafters of requests_app.access) asks; people of the organization asked
answer: a contributor of that organization hands in a contribution; an approver or contributor
of the department asked co-signs. Nobody else learns that a request exists (404), and
contributors see only what was sent to them: never the report draft or other answers.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal.models import Organization
from portal.roles import CONTRIBUTOR
from requests_app import access
from requests_app.models import AnswerReport, ContributionRequest, CoSignRequest

ORGANIZATION_ONLY = _("Nur die angefragte Organisation darf diese Zuarbeit einreichen.")
SIGNERS_ONLY = _("Nur das angefragte Dezernat oder Amt darf mitzeichnen.")
AUTHORS_ONLY = access.DRAFTERS_ONLY


def is_contributor(user) -> bool:
    return user.is_authenticated and user.has_role(CONTRIBUTOR)


def may_hand_in(user, contribution: ContributionRequest) -> bool:
    """A contributor of the organization asked (or a superuser)."""
    return ContributionRequest.objects.for_contributor(user).filter(pk=contribution.pk).exists()


def may_sign(user, cosign: CoSignRequest) -> bool:
    """An approver or contributor of the department asked (or a superuser)."""
    return CoSignRequest.objects.for_signer(user).filter(pk=cosign.pk).exists()


def may_ask(user, report: AnswerReport) -> bool:
    """The report's drafters ask for contributions and co-signatures while it is a draft."""
    return report.is_editable and access.can_draft(user, report.motion)


def check_hand_in(*, contribution: ContributionRequest, user) -> None:
    if not may_hand_in(user, contribution):
        raise PermissionDenied(ORGANIZATION_ONLY)


def check_sign(*, cosign: CoSignRequest, user) -> None:
    if not may_sign(user, cosign):
        raise PermissionDenied(SIGNERS_ONLY)


def check_author(*, report: AnswerReport, user) -> None:
    """The drafters of the report's lead department (any state; the services check the state)."""
    if not access.can_draft(user, report.motion):
        raise PermissionDenied(AUTHORS_ONLY)


def organizations_to_ask(report: AnswerReport):
    """Departments and external partners a contribution may be asked from (not the lead)."""
    kinds = (Organization.Kind.DEPARTMENT, Organization.Kind.EXTERNAL)
    return Organization.objects.filter(kind__in=kinds).exclude(pk=report.motion.lead_department_id)


def departments_to_cosign(report: AnswerReport):
    """Departments that may be asked to co-sign: every one but the lead department."""
    return Organization.objects.filter(kind=Organization.Kind.DEPARTMENT).exclude(
        pk=report.motion.lead_department_id
    )


def cosign_blocking(report: AnswerReport, latest: list[CoSignRequest] | None = None) -> str | None:
    """Why the report cannot go to review yet (co-signatures outstanding or objected), or None.

    Only the newest request per department counts: after an objection the author revises the
    draft and asks that department again. report_submit asks this before review starts.
    `latest`: those requests, if the caller has them already (with their organizations)."""
    if latest is None:
        latest = list(report.cosign_requests.latest_per_organization().for_list())
    objected = [cosign for cosign in latest if cosign.state == CoSignRequest.State.OBJECTED]
    if objected:
        return gettext(
            "Einwand gegen die Mitzeichnung von %(organizations)s. Bitte überarbeiten Sie den "
            "Bericht und bitten Sie erneut um Mitzeichnung."
        ) % {"organizations": ", ".join(cosign.organization.name for cosign in objected)}
    waiting = [cosign.organization.name for cosign in latest if cosign.is_open]
    if waiting:
        return gettext("Die Mitzeichnung steht noch aus: %(organizations)s.") % {
            "organizations": ", ".join(waiting)
        }
    return None


# --- pages ----------------------------------------------------------------------------------


def get_contribution_for_contributor(request: HttpRequest, pk: int) -> ContributionRequest:
    """A request sent to the user's organization; 404 for everybody else."""
    queryset = ContributionRequest.objects.for_contributor(request.user).select_related(
        "report__motion__lead_department", "organization"
    )
    return get_object_or_404(queryset, pk=pk)


def get_contribution_for_author(request: HttpRequest, pk: int) -> ContributionRequest:
    """A request of a report in the user's work area; 404 for outsiders, 403 for readers."""
    reports = AnswerReport.objects.workspace_for(request.user)
    queryset = ContributionRequest.objects.filter(report__in=reports).select_related(
        "report__motion", "organization"
    )
    contribution = get_object_or_404(queryset, pk=pk)
    check_author(report=contribution.report, user=request.user)
    return contribution


def get_contribution_for_reader(request: HttpRequest, pk: int) -> ContributionRequest:
    """For an attachment: the organization asked, or the report's department; 404 otherwise."""
    mine = ContributionRequest.objects.for_contributor(request.user).values("pk")
    reports = AnswerReport.objects.workspace_for(request.user).values("pk")
    queryset = ContributionRequest.objects.filter(Q(pk__in=mine) | Q(report__in=reports))
    return get_object_or_404(queryset, pk=pk)


def get_cosign_for_signer(request: HttpRequest, pk: int) -> CoSignRequest:
    """A co-sign request sent to the user's department; 404 for everybody else."""
    queryset = CoSignRequest.objects.for_signer(request.user).select_related(
        "report__motion__lead_department", "organization"
    )
    return get_object_or_404(queryset, pk=pk)
