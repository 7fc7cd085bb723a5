"""Public pages for districts and indicators (issue 5): /stadtteile/ (overview),
/stadtteile/<slug>/ (district profile), /kennzahlen/ (list), /kennzahlen/<key>/ with .csv and
.json. Every figure comes from prevention.stats, which withholds small counts unless the viewer
belongs to the office (prevention.access); the staff import is in office.py.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import register_converter
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from portal import pagecache
from portal.opendata import csv_response
from prevention import downloads, figures, stats
from prevention.access import may_see_withheld
from prevention.models import District, Indicator, IndicatorValue
from prevention.models.indicators import (
    ALL_OFFENCES_KEY,
    BASELINE_YEAR,
    KEY_PATTERN,
    SAFETY_KEY,
)


class IndicatorKeyConverter:
    """Indicator keys like pks.890000 in URLs; dots inside, so `<key>.csv` still splits."""

    regex = KEY_PATTERN

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(IndicatorKeyConverter, "indicator_key")


def _pick(indicators: list[Indicator], key: str | None, default: str) -> Indicator | None:
    by_key = {indicator.key: indicator for indicator in indicators}
    return by_key.get(key or "") or by_key.get(default) or (indicators[0] if indicators else None)


# --- public pages ----------------------------------------------------------------------------


@login_not_required
@require_safe
def district_list(request: HttpRequest) -> HttpResponse:
    indicators = list(Indicator.objects.all())
    districts = list(District.objects.all())
    years = stats.available_years()
    indicator = _pick(indicators, request.GET.get("kennzahl"), ALL_OFFENCES_KEY)
    context = {"indicators": indicators, "indicator": indicator, "districts": districts}
    indicator_years = years.get(indicator.pk, []) if indicator else []
    if indicator_years:
        wanted = request.GET.get("jahr")
        year = next((each for each in indicator_years if str(each) == wanted), indicator_years[-1])
        context |= _overview(request, indicators, districts, years, indicator, year)
        context["years"] = indicator_years
    return render(request, "prevention/indicators/district_list.html", context)


def _overview(request, indicators, districts, years, indicator: Indicator, year: int) -> dict:
    """The table of every district in one year, its bar chart and the safety comparison."""
    sort = request.GET.get("sortierung", "name")
    sort = sort if sort in stats.SORT_KEYS else "name"
    descending = request.GET.get("richtung") == "ab"
    crime = _pick(indicators, ALL_OFFENCES_KEY, ALL_OFFENCES_KEY)
    safety = next((each for each in indicators if each.key == SAFETY_KEY), None)
    scatter_year = stats.common_year(years, crime, safety, wanted=year) if safety else None
    pairs = {(indicator.pk, each) for each in (year, year - 1, BASELINE_YEAR)}
    if scatter_year:
        pairs |= {(crime.pk, scatter_year), (safety.pk, scatter_year)}
    reveal = may_see_withheld(request.user)
    dataset = stats.load_dataset(indicators, reveal=reveal, pairs=pairs)
    table = stats.district_table(dataset, indicator, year, districts)
    comparison = (
        stats.safety_comparison(dataset, crime, safety, scatter_year, districts)
        if scatter_year
        else None
    )
    query = {"kennzahl": indicator.key, "jahr": year}
    return {
        "year": year,
        "table": table,
        "rows": stats.sort_rows(table.rows, sort, descending),
        "headers": _sort_headers(indicator, query, sort, descending),
        "bar_chart": figures.table_bar_chart(table, chart_id="balken"),
        "summary": figures.table_summary(table),
        "comparison": comparison,
        "scatter": comparison
        and comparison.points
        and figures.comparison_scatter(comparison, chart_id="streuung"),
        "comparison_summary": comparison and figures.comparison_summary(comparison),
        "synthetic": table.synthetic or bool(comparison and comparison.synthetic),
        "withheld": table.withheld,
        "measure_label": figures.measure_label(indicator),
        "reference_value": table.reference
        and figures.format_measure(table.reference.measure, indicator),
        "reveal": reveal,
        "baseline_year": BASELINE_YEAR,
    }


def _sort_headers(indicator: Indicator, query: dict, sort: str, descending: bool) -> list[dict]:
    columns = [
        ("nummer", _("Nr.")),
        ("name", _("Stadtteil")),
        ("einwohner", _("Einwohner")),
        ("wert", indicator.unit_label or _("Wert")),
    ]
    if indicator.per_100k:
        columns.append(("hz", _("Häufigkeitszahl")))
    columns += [
        ("vorjahr", _("zum Vorjahr")),
        ("basis", _("zu %(year)s") % {"year": BASELINE_YEAR}),
        ("rang", _("Rang")),
    ]
    headers = []
    for key, label in columns:
        active = key == sort
        next_descending = not descending if active else key in {"wert", "hz", "einwohner"}
        headers.append(
            {
                "key": key,
                "label": label,
                "aria_sort": ("descending" if descending else "ascending") if active else "",
                "url": "?"
                + urlencode(
                    {**query, "sortierung": key, "richtung": "ab" if next_descending else "auf"}
                ),
            }
        )
    return headers


@login_not_required
@require_safe
def district_detail(request: HttpRequest, slug: str) -> HttpResponse:
    reveal = may_see_withheld(request.user)
    # The whole profile once per version of the data it shows (issue 20: one round trip to the
    # cache, no query), apart per language and for the office (withheld figures). An unknown
    # slug raises Http404 inside, so nothing is kept for it.
    key = f"prevention:district_detail:{slug}:{int(reveal)}:{get_language()}"
    name, main = pagecache.remember(key, lambda: _district_page_parts(slug, reveal))
    return render(
        request,
        "prevention/indicators/district_detail.html",
        {"district_name": name, "main": main},
    )


def _district_page_parts(slug: str, reveal: bool) -> tuple[str, str]:
    """The district's name and the page's main part (district_detail.html's partial)."""
    districts = list(District.objects.all())
    district = next((each for each in districts if each.slug == slug), None)
    if district is None:
        raise Http404("No District matches the given query.")
    indicators = list(Indicator.objects.all())
    trends = stats.district_trends(district, indicators, districts, reveal=reveal)
    populations = list(district.populations.all())
    context = {
        "district": district,
        "sections": [_trend_section(trend) for trend in trends],
        "population": populations[-1] if populations else None,
        "synthetic": any(trend.synthetic for trend in trends)
        or any(p.synthetic for p in populations[-1:]),
        "withheld": any(trend.withheld for trend in trends),
        "baseline_year": BASELINE_YEAR,
        "reveal": reveal,
    }
    html = render_to_string("prevention/indicators/district_detail.html#main", context)
    return district.name, html


def _trend_section(trend: stats.Trend) -> dict:
    chart_id = "verlauf-" + trend.indicator.key.replace(".", "-")
    return {
        "trend": trend,
        "chart_id": chart_id,
        "chart": figures.trend_line_chart(trend, chart_id=chart_id),
        "summary": figures.trend_summary(trend),
        "rows": list(zip(trend.figures, trend.city, strict=True)),
    }


@login_not_required
@require_safe
def indicator_list(request: HttpRequest) -> HttpResponse:
    indicators = list(Indicator.objects.all())
    years = stats.available_years()
    rows = [(indicator, years.get(indicator.pk, [])) for indicator in indicators]
    # The page shows no figures, but its downloads may hold demo figures: say so here too.
    synthetic = IndicatorValue.objects.synthetic().exists()
    return render(
        request,
        "prevention/indicators/indicator_list.html",
        {"rows": rows, "synthetic": synthetic},
    )


def _indicator(key: str) -> Indicator:
    return get_object_or_404(Indicator, key=key)


@login_not_required
@require_safe
def indicator_detail(request: HttpRequest, key: str) -> HttpResponse:
    reveal = may_see_withheld(request.user)
    counts = request.GET.get("darstellung") == "anzahl"
    # The whole page once per version of the data it shows (issue 20: one round trip to the
    # cache, no query), apart per display, language and for the office (withheld figures). An
    # unknown key raises Http404 inside, so nothing is kept for it.
    memo_key = f"prevention:indicator_detail:{key}:{int(reveal)}:{int(counts)}:{get_language()}"
    name, main = pagecache.remember(
        memo_key, lambda: _indicator_page_parts(key, reveal=reveal, counts=counts)
    )
    return render(
        request,
        "prevention/indicators/indicator_detail.html",
        {"indicator_name": name, "main": main},
    )


def _indicator_page_parts(key: str, *, reveal: bool, counts: bool) -> tuple[str, str]:
    """The indicator's name and the page's main part (indicator_detail.html's partial); `counts`:
    the table shows case numbers even where there are rates."""
    indicator = _indicator(key)
    districts = sorted(District.objects.all(), key=lambda d: stats.collate_key(d.name))
    dataset = stats.load_dataset([indicator], reveal=reveal)
    years = dataset.years(indicator)
    city = [dataset.figure(indicator, None, year, districts=districts) for year in years]
    matrix = [
        (district, [dataset.figure(indicator, district, year) for year in years])
        for district in districts
    ]
    shown = [figure for _district, row in matrix for figure in row] + city
    context = {
        "indicator": indicator,
        "show_counts": not indicator.per_100k or counts,
        "years": years,
        "incomplete_years": dataset.incomplete_years(indicator, districts),
        "city": city,
        "matrix": matrix,
        "chart": years and figures.city_line_chart(indicator, city, chart_id="stadt-verlauf"),
        "summary": figures.city_summary(indicator, city),
        "synthetic": any(figure.synthetic for figure in shown),
        "withheld": any(figure.withheld for figure in shown),
        "reveal": reveal,
        "baseline_year": BASELINE_YEAR,
        "license_name": downloads.LICENSE_NAME,
        "license_url": downloads.LICENSE_URL,
    }
    html = render_to_string("prevention/indicators/indicator_detail.html#main", context)
    return indicator.name, html


@login_not_required
@require_safe
def indicator_csv(request: HttpRequest, key: str) -> HttpResponse:
    indicator = _indicator(key)
    response = csv_response(
        request, f"{indicator.key}.csv", lambda writer: downloads.write_csv(writer, indicator)
    )
    response["Link"] = f'<{downloads.LICENSE_URL}>; rel="license"'
    return response


@login_not_required
@require_safe
def indicator_json(request: HttpRequest, key: str) -> JsonResponse:
    indicator = _indicator(key)
    url = request.build_absolute_uri(indicator.get_absolute_url())
    data = downloads.json_data(indicator, url=url)
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 1})
    response["Link"] = f'<{downloads.LICENSE_URL}>; rel="license"'
    return response
