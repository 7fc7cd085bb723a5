"""Public discovery pages: search, answer statistics, robots.txt and sitemap, e-mail alerts.

(The home page is `portal.views.home`; the feeds are `portal.feeds`.)
"""

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.sitemaps.views import sitemap as sitemap_view
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from portal import alerts, search, statistics
from portal.discovery_forms import SearchForm, SubscribeForm
from portal.models import AlertSubscription
from portal.sitemaps import SITEMAPS
from requests_app.models import Motion

PER_PAGE = 10


@login_not_required
@require_safe
def search_page(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:200]
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
        page=int(number) if number.isdecimal() else 1,
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
    return render(request, "portal/search.html", context)


@login_not_required
@require_safe
def answer_statistics(request: HttpRequest) -> HttpResponse:
    rows, totals = statistics.answer_statistics()
    context = {
        "rows": rows,
        "totals": totals,
        "chart": statistics.chart(totals) if totals else "",
        "summary": statistics.summary(totals),
    }
    return render(request, "portal/statistics.html", context)


@login_not_required
@require_safe
def answer_statistics_csv(request: HttpRequest) -> HttpResponse:
    rows, _totals = statistics.answer_statistics()
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="antwortstatistik.csv"'
    writer = csv.writer(response)
    writer.writerow(statistics.CSV_HEADER)
    writer.writerows(statistics.csv_rows(rows))
    return response


@login_not_required
@require_safe
def robots_txt(request: HttpRequest) -> HttpResponse:
    sitemap_url = request.build_absolute_uri(reverse("portal:sitemap"))
    return render(
        request, "portal/robots.txt", {"sitemap_url": sitemap_url}, content_type="text/plain"
    )


@login_not_required
@require_safe
def sitemap(request: HttpRequest) -> HttpResponse:
    return sitemap_view(request, sitemaps=SITEMAPS, template_name="portal/sitemap.xml")


# --- e-mail alerts ---------------------------------------------------------------------------


def _motion_from_slug(slug: str) -> Motion | None:
    published = Motion.objects.published()
    try:
        if slug.startswith("eingang-") and slug[8:].isdigit():
            return published.get(pk=int(slug[8:]))
        return published.get_by_slug(slug)
    except Motion.DoesNotExist:
        return None


@login_not_required
@require_http_methods(["GET", "HEAD", "POST"])
def alert_subscribe(request: HttpRequest) -> HttpResponse:
    slug = request.GET.get("antrag", "")
    motion = _motion_from_slug(slug) if slug else None
    topics = [(AlertSubscription.REPORTS, _("jeder neuen Antwort der Verwaltung"))]
    if motion is not None:
        label = _("der Antwort auf %(motion)s") % {"motion": motion}
        topics.insert(0, (alerts.motion_topic(motion.pk), label))
    form = SubscribeForm(request.POST or None, topics=topics)
    if request.method == "POST" and form.is_valid():
        try:
            alerts.alert_subscribe(
                email=form.cleaned_data["email"], topic=form.cleaned_data["topic"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _(
                    "Fast geschafft: Wir haben Ihnen eine E-Mail mit einem Bestätigungslink "
                    "geschickt. Erst nach der Bestätigung erhalten Sie Benachrichtigungen."
                ),
            )
            return redirect(request.get_full_path())
    context = {"form": form, "motion": motion, "unknown_motion": bool(slug) and motion is None}
    return render(request, "portal/alerts/subscribe.html", context)


@login_not_required
@require_http_methods(["GET", "HEAD", "POST"])
def alert_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button (link scanners must not confirm), POST confirms."""
    if request.method == "POST":
        try:
            subscription = alerts.alert_confirm(token=token)
        except ValidationError as error:
            return render(request, "portal/alerts/invalid.html", {"error": error}, status=400)
        messages.success(
            request,
            _("Danke, Ihre Benachrichtigung ist bestätigt: %(topic)s.")
            % {"topic": alerts.topic_label(subscription.topic)},
        )
        return redirect("portal:home")
    return render(request, "portal/alerts/confirm.html", {"token": token})


@csrf_exempt  # RFC 8058: mail programs POST "List-Unsubscribe=One-Click" without a CSRF token
@login_not_required
@require_http_methods(["GET", "HEAD", "POST"])
def alert_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """One click: the link in the mail (GET) or the mail program (POST) deletes the row."""
    if request.method == "HEAD":
        return HttpResponse()
    try:
        alerts.alert_unsubscribe(token=token)
    except ValidationError:
        # Already unsubscribed, or a broken link: either way nothing is sent any more.
        return render(request, "portal/alerts/unsubscribed.html", {"already": True})
    return render(request, "portal/alerts/unsubscribed.html", {"already": False})
