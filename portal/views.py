"""Site-wide pages: home, workspace entry, legal pages, health check, error pages."""

from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from portal import roles
from portal.legal_texts import PAGES
from portal.models import SitePage
from requests_app.models import Motion


@login_not_required
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """What is new and what is pending (portal/home.py gathers it)."""
    from portal.home import home_context

    return render(request, "portal/home.html", home_context())


@require_safe
def workspace(request: HttpRequest) -> HttpResponse:
    """Entry page of the staff and council-member work area (login required)."""
    user = request.user
    is_member, is_office = user.has_role(roles.COUNCIL_MEMBER), user.has_role(roles.COUNCIL_OFFICE)
    context = {
        # requests_app: own motions, the office inbox and open list, the department's motions
        "own_motions": Motion.objects.dashboard_own(user) if is_member else None,
        "office_inbox": Motion.objects.office_inbox() if is_office else None,
        "office_open": Motion.objects.office_open() if is_office else None,
        "department_motions": Motion.objects.department_open(user),
        "is_prevention_office": user.has_role(roles.PREVENTION_OFFICE),
    }
    return render(request, "portal/workspace.html", context)


@login_not_required
@require_safe
def site_page(request: HttpRequest, slug: str) -> HttpResponse:
    page = SitePage.objects.filter(slug=slug).first()
    if page is None:  # never edited or deleted by the operator: the starting text
        title, body = PAGES[slug]
        page = SitePage(slug=slug, title=title, body=body)
    return render(request, "portal/site_page.html", {"page": page})


@login_not_required
@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok"})


def server_error(request: HttpRequest) -> HttpResponse:
    """500 page rendered without context processors: the database may be the cause."""
    return HttpResponseServerError(loader.get_template("500.html").render())
