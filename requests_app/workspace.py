"""requests_app's sections of the work area: own motions, the office's inbox, the department's
motions, reports in review and report drafts (handed to ratsportal through the registry)."""

from django.http import HttpRequest
from django.template.loader import render_to_string

from requests_app import access
from requests_app.models import AnswerReport, Motion


def section(request: HttpRequest) -> str:
    user = request.user
    is_member, is_office = access.is_council_member(user), access.is_office(user)
    context = {
        "own_motions": Motion.objects.dashboard_own(user) if is_member else None,
        "office_inbox": Motion.objects.office_inbox() if is_office else None,
        "office_open": Motion.objects.office_open() if is_office else None,
        "department_motions": Motion.objects.department_open(user),
        "in_review": (
            list(AnswerReport.objects.in_review_for(user)) if access.is_approver(user) else None
        ),
        "drafts": (
            list(AnswerReport.objects.drafts_for(user))
            if access.is_prevention_office(user)
            else None
        ),
    }
    return render_to_string("requests_app/_workspace_sections.html", context, request=request)
