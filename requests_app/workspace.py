"""requests_app's sections of the work area: own motions, the office's inbox, the department's
motions, reports in review and report drafts, contribution and co-sign requests (handed to
ratsportal through the registry)."""

from urllib.parse import urlencode

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse

from requests_app import access, contribution_access
from requests_app.models import (
    AnswerReport,
    ContributionRequest,
    CoSignRequest,
    Motion,
    user_departments,
)

# Each list shows at most this many motions (the most urgent first), with how many there are and
# a link to all of them: the page must not grow with years of motions (issue 20).
LIMIT = 50


def _first(queryset, *, more: dict | None = None) -> dict | None:
    """The first LIMIT motions of `queryset`, their total, and a link to the motion list filtered
    to all of them (`more`: its query parameters)."""
    motions = list(queryset[:LIMIT])
    total = queryset.count() if len(motions) == LIMIT else len(motions)
    url = f"{reverse('requests_app:motion_list')}?{urlencode(more)}" if more else ""
    return {"motions": motions, "total": total, "more_url": url}


def section(request: HttpRequest) -> str:
    user = request.user
    is_member, is_office = access.is_council_member(user), access.is_office(user)
    departments = list(user_departments(user).values_list("pk", flat=True))
    context = {
        "own_motions": _first(Motion.objects.dashboard_own(user)) if is_member else None,
        "office_inbox": (
            _first(Motion.objects.office_inbox(), more={"status": "submitted"})
            if is_office
            else None
        ),
        "office_open": (
            _first(Motion.objects.office_open(), more={"status": "registered"})
            if is_office
            else None
        ),
        "department_motions": _first(
            Motion.objects.department_open(user),
            more={"status": "registered", "department": departments[0]}
            if len(departments) == 1
            else None,
        ),
        "in_review": (
            list(AnswerReport.objects.in_review_for(user)) if access.is_approver(user) else None
        ),
        "drafts": (
            list(AnswerReport.objects.drafts_for(user))
            if access.is_prevention_office(user)
            else None
        ),
    }
    html = render_to_string("requests_app/_workspace_sections.html", context, request=request)
    return html + _contributions_section(request)


def _contributions_section(request: HttpRequest) -> str:
    """Contribution requests sent to the user's organization, co-signs asked of their department."""
    user = request.user
    context = {
        "contributions": (
            list(ContributionRequest.objects.for_contributor(user).open().for_list())
            if contribution_access.is_contributor(user)
            else None
        ),
        "cosigns": list(CoSignRequest.objects.for_signer(user).open().for_list()),
    }
    return render_to_string(
        "requests_app/contributions/_workspace_section.html", context, request=request
    )
