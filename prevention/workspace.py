"""The KPR office's section of the work area (handed to ratsportal through the registry)."""

from django.http import HttpRequest
from django.template.loader import render_to_string

from prevention.access import is_office


def section(request: HttpRequest) -> str:
    if not is_office(request.user):
        return ""
    return render_to_string("prevention/_workspace_sections.html", request=request)
