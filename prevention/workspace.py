"""The KPR office's section of the work area (handed to ratsportal through the registry)."""

from django.http import HttpRequest
from django.template.loader import render_to_string

from portal import roles


def section(request: HttpRequest) -> str:
    if not request.user.has_role(roles.PREVENTION_OFFICE):
        return ""
    return render_to_string("prevention/_workspace_sections.html", request=request)
