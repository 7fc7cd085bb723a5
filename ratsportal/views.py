"""Site-wide pages: home, work area, legal pages, search, sitemap, robots.txt, health check,
error pages."""

from django.contrib.auth.decorators import login_not_required
from django.contrib.sitemaps.views import sitemap as sitemap_view
from django.core.paginator import Paginator
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from portal import legal_texts
from portal.legal_texts import PAGES
from portal.models import SitePage
from portal.validators import printable
from ratsportal import workspace as workspace_sections
from ratsportal.forms import SearchForm
from ratsportal.search import engine as search
from ratsportal.sitemaps import sitemaps


@login_not_required
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """What is new and what is pending (ratsportal/home.py gathers it)."""
    from ratsportal.home import home_context

    return render(request, "ratsportal/home.html", home_context())


@require_safe
def workspace(request: HttpRequest) -> HttpResponse:
    """Entry page of the work area (login required): each app's sections for this user."""
    context = {"sections": workspace_sections.sections(request)}
    return render(request, "ratsportal/workspace.html", context)


@login_not_required
@require_safe
def site_page(request: HttpRequest, slug: str) -> HttpResponse:
    page = SitePage.objects.filter(slug=slug).first()
    if page is None:  # never edited or deleted by the operator: the starting text
        title, body = PAGES[slug]
        page = SitePage(slug=slug, title=title, body=body)
    # English visitors read the English starting text, or are told an edited page is German only.
    page.title, page.body, german_only = legal_texts.for_language(
        slug, page.title, page.body, request.LANGUAGE_CODE
    )
    context = {"page": page, "german_only": german_only}
    return render(request, "ratsportal/site_page.html", context)


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


PER_PAGE = 10


@login_not_required
@require_safe
def search_page(request: HttpRequest) -> HttpResponse:
    # Control characters (a NUL above all) cannot reach PostgreSQL's full-text search.
    query = printable(request.GET.get("q", "")).strip()[:200]
    form = SearchForm(request.GET or None)
    valid = form.is_valid() if request.GET else False
    if valid:
        group, year = form.cleaned_data["typ"], form.cleaned_data["jahr"]
        order = form.cleaned_data["sortierung"] or "relevanz"
    else:
        group, year, order = "", None, "relevanz"
    number = request.GET.get("seite", "")
    results = search.Results(
        query,
        group=group,
        year=year,
        order=order,
        page=int(number) if number.isdecimal() and len(number) <= 6 else 1,
        per_page=PER_PAGE,
    )
    # The counts come with the page (one query); the form can offer its years only now.
    form.offer_years(results.counts.years(group=group))
    page = Paginator(results, PER_PAGE).get_page(number)
    params = request.GET.copy()
    params.pop("seite", None)
    context = {
        "form": form,
        "query": query if valid else "",
        "page": page,
        "hits": search.hits(page.object_list, query) if valid else [],
        "total": len(results) if valid else 0,
        "more": results.more if valid else False,
        "group_counts": results.groups() if valid else [],
        "params": params.urlencode(),
        "filtered": bool(group or year),
    }
    return render(request, "ratsportal/search.html", context)


@login_not_required
@require_safe
def robots_txt(request: HttpRequest) -> HttpResponse:
    sitemap_url = request.build_absolute_uri(reverse("ratsportal:sitemap"))
    return render(
        request, "ratsportal/robots.txt", {"sitemap_url": sitemap_url}, content_type="text/plain"
    )


@login_not_required
@require_safe
def sitemap(request: HttpRequest) -> HttpResponse:
    return sitemap_view(request, sitemaps=sitemaps(), template_name="ratsportal/sitemap.xml")


def server_error(request: HttpRequest) -> HttpResponse:
    """500 page rendered without context processors: the database may be the cause."""
    return HttpResponseServerError(loader.get_template("500.html").render())
