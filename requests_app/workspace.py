"""requests_app's sections of the work area: own motions, the office's inbox, the department's
motions, reports in review and report drafts, contribution and co-sign requests (handed to
ratsportal through the registry)."""

from collections.abc import Callable
from urllib.parse import urlencode

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from portal import pagecache
from requests_app import access, contribution_access
from requests_app.models import (
    AnswerReport,
    ContributionRequest,
    CoSignRequest,
    Motion,
    user_departments,
)

SECTIONS = "requests_app/_workspace_sections.html"
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


def _shared(part: str, context: Callable[[], dict], *key: object) -> SafeString:
    """A part of SECTIONS that is the same for everybody it is shown to (`key`: what it depends
    on besides the data): no drafts and nothing of the user, so it is rendered once per version
    of the tables it reads (issue 20), per language and per day (the deadline lights count
    days). Rendered without the request: nothing of the user can get into it."""
    today = timezone.localdate().isoformat()
    name = ":".join(map(str, ("workspace", part, get_language(), today, *key)))
    html = pagecache.remember(name, lambda: render_to_string(f"{SECTIONS}#{part}", context()))
    return mark_safe(html)  # rendered (and escaped) by the template above


def _office() -> dict:
    """The council office's inbox and its registered motions still waiting for an answer."""
    return {
        "office_inbox": _first(Motion.objects.office_inbox(), more={"status": "submitted"}),
        "office_open": _first(Motion.objects.office_open(), more={"status": "registered"}),
    }


def _department(departments: list[int]) -> dict:
    """The open motions led by `departments` (the user's)."""
    more = {"status": "registered", "department": departments[0]} if len(departments) == 1 else None
    motions = Motion.objects.department_open(departments)
    return {"department_motions": _first(motions, more=more)}


def _departments(user) -> list[int]:
    """The pks of the user's departments, kept until a membership or organization changes."""
    return pagecache.remember(
        f"workspace:departments:{user.pk}",
        lambda: list(user_departments(user).values_list("pk", flat=True)),
    )


def section(request: HttpRequest) -> str:
    user = request.user
    departments = _departments(user)
    context = {
        "own_motions": (
            _first(Motion.objects.dashboard_own(user)) if access.is_council_member(user) else None
        ),
        "office": _shared("office", _office) if access.is_office(user) else "",
        "department": (
            _shared("department", lambda: _department(departments), *departments)
            if departments
            else ""
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
    html = render_to_string(SECTIONS, context, request=request)
    return html + _contributions_section(request)


def _contributions_section(request: HttpRequest) -> str:
    """Contribution requests sent to the user's organization, co-signs asked of their department."""
    user = request.user
    is_contributor = contribution_access.is_contributor(user)
    context = {
        "contributions": (
            list(ContributionRequest.objects.for_contributor(user).open().for_list())
            if is_contributor
            else None
        ),
        # Approvers and contributors sign (for_signer); nobody else is asked to, and compiling
        # the query only to find it empty cost as much as the rest of the section.
        "cosigns": (
            list(CoSignRequest.objects.for_signer(user).open().for_list())
            if is_contributor or access.is_approver(user)
            else []
        ),
    }
    return render_to_string(
        "requests_app/contributions/_workspace_section.html", context, request=request
    )
