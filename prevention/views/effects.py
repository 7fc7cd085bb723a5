"""Public pages of the effect analysis (issue 16): /wirkung/ (every indicator at a glance),
/kennzahlen/<key>/wirkung/ with .csv and .json, /wirkung/methode/ (the methods note). The
figures come from prevention.effects, the sentences and the chart from
prevention.effect_outputs. Bad input gets a German explanation: on the page, and as a 400
with the message in CSV/JSON; never a 500 or a made-up number.
"""

from __future__ import annotations

import hashlib

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from portal import pagecache
from portal.opendata import csv_response
from prevention import effect_outputs, effects
from prevention.access import may_see_withheld
from prevention.downloads import LICENSE_NAME, LICENSE_URL
from prevention.models import Indicator

# GET parameters of the analysis pages (also in PreventionConfig.page_cache_parameters)
PARAMETERS = ("stichtag", "vorher", "nachher")


def _analyse(request: HttpRequest, key: str):
    reference = effects.parse_reference(request.GET.get("stichtag"))
    before = effects.parse_years(request.GET.get("vorher"), _("Jahre vorher"))
    after = effects.parse_years(request.GET.get("nachher"), _("Jahre nachher"))
    return effects.analyse(
        key,
        reference=reference,
        years_before=before,
        years_after=after,
        reveal=may_see_withheld(request.user),
    )


def _query(request: HttpRequest) -> str:
    kept = {name: request.GET[name] for name in PARAMETERS if request.GET.get(name)}
    return ("?" + "&".join(f"{name}={value}" for name, value in kept.items())) if kept else ""


@login_not_required
@require_safe
def effect_overview(request: HttpRequest) -> HttpResponse:
    reveal = may_see_withheld(request.user)
    # Once per version of the data it shows (issue 20), apart per language and for the office.
    key = f"prevention:effect_overview:{int(reveal)}:{get_language()}"
    main = pagecache.remember(key, lambda: _overview_main(reveal))
    return render(request, "prevention/effects/overview.html", {"main": main})


def _overview_main(reveal: bool) -> str:
    """The overview's main part (overview.html's partial)."""
    results = []
    indicators = effects.analysable(list(Indicator.objects.all()))
    shared = effects.Shared(indicators)
    for indicator in indicators:
        try:
            analysis = effects.analyse(indicator, reveal=reveal, shared=shared)
        except effects.EffectError as error:
            results.append({"indicator": indicator, "error": error.message})
            continue
        results.append(
            {
                "indicator": indicator,
                "analysis": analysis,
                "summary": effect_outputs.summary(analysis),
            }
        )
    counts = [
        result
        for result in results
        if result.get("analysis") and result["analysis"].kind == "count"
    ]
    context = {
        "results": results,
        "chart": counts
        and effect_outputs.overview_forest(
            [result["analysis"] for result in counts], chart_id="wirkung-uebersicht"
        ),
        "synthetic": any(
            result.get("analysis") and result["analysis"].synthetic for result in results
        ),
        "reference": effects.DEFAULT_REFERENCE,
    }
    return render_to_string("prevention/effects/overview.html#main", context)


@login_not_required
@require_safe
def effect_detail(request: HttpRequest, key: str) -> HttpResponse:
    query = _query(request)
    reveal = may_see_withheld(request.user)
    # Once per version of the data it shows (issue 20), apart per language, for the office and
    # per parameters as given (the download links repeat them). Bad input is never kept.
    digest = hashlib.sha256(query.encode()).hexdigest()[:16]
    memo_key = f"prevention:effect_detail:{key}:{int(reveal)}:{get_language()}:{digest}"
    status = 200
    try:
        name, main = pagecache.remember(memo_key, lambda: _detail_parts(request, key, query))
    except effects.EffectError as error:
        indicator = Indicator.objects.filter(key=key).first()
        name, main = _render_detail(indicator, {"key": key, "query": query, "error": error.message})
        status = 400
    context = {"indicator_name": name, "main": main}
    return render(request, "prevention/effects/detail.html", context, status=status)


def _detail_parts(request: HttpRequest, key: str, query: str) -> tuple[str | None, str]:
    """The indicator's name and the page's main part, with the analysis or why there is none;
    raises EffectError on bad input."""
    indicator = Indicator.objects.filter(key=key).first()
    context = {"key": key, "query": query}
    try:
        analysis = _analyse(request, key)
    except effects.EffectError as error:
        if error.bad_request:
            raise
        return _render_detail(indicator, context | {"error": error.message})
    context |= {
        "analysis": analysis,
        "summary": effect_outputs.summary(analysis),
        "chart": effect_outputs.forest(analysis, chart_id="wirkung-wald"),
        "rows": effect_outputs.html_rows(analysis),
        "headers": effect_outputs.html_headers(analysis),
        "series": effect_outputs.series_rows(analysis),
        "synthetic": analysis.synthetic,
        "license_name": LICENSE_NAME,
        "license_url": LICENSE_URL,
        "reference_text": f"{analysis.reference:%d.%m.%Y}",
    }
    return _render_detail(indicator, context)


def _render_detail(indicator: Indicator | None, context: dict) -> tuple[str | None, str]:
    html = render_to_string(
        "prevention/effects/detail.html#main", {"indicator": indicator, **context}
    )
    return (indicator.name if indicator else None), html


def _error_response(error: effects.EffectError, content_type: str) -> HttpResponse:
    if content_type == "json":
        return JsonResponse(
            {"error": error.message}, status=400, json_dumps_params={"ensure_ascii": False}
        )
    return HttpResponse(error.message, status=400, content_type="text/plain; charset=utf-8")


@login_not_required
@require_safe
def effect_csv(request: HttpRequest, key: str) -> HttpResponse:
    try:
        analysis = _analyse(request, key)
    except effects.EffectError as error:
        return _error_response(error, "csv")
    response = csv_response(
        request,
        f"{analysis.indicator.key}-wirkung.csv",
        lambda writer: effect_outputs.write_csv(writer, analysis),
    )
    response["Link"] = f'<{LICENSE_URL}>; rel="license"'
    return response


@login_not_required
@require_safe
def effect_json(request: HttpRequest, key: str) -> HttpResponse:
    try:
        analysis = _analyse(request, key)
    except effects.EffectError as error:
        return _error_response(error, "json")
    method_url = request.build_absolute_uri(reverse("prevention:effect_method"))
    data = effect_outputs.json_data(analysis, method_url=method_url)
    data["license"] = {"name": LICENSE_NAME, "url": LICENSE_URL}
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 1})
    response["Link"] = f'<{LICENSE_URL}>; rel="license"'
    return response


@login_not_required
@require_safe
def effect_method(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "prevention/effects/method.html",
        {
            "reference": effects.DEFAULT_REFERENCE,
            "alpha": effects.ALPHA,
            "min_years": effects.MIN_YEARS,
            "min_years_after": effects.MIN_YEARS_AFTER,
            "pretrend_years": effects.PRETREND_MIN_YEARS,
        },
    )
