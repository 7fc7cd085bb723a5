"""Public and staff pages for districts and indicators (issue 5).

Public: /stadtteile/ (overview), /stadtteile/<slug>/ (district profile), /kennzahlen/ (list),
/kennzahlen/<key>/ with .csv and .json. Staff (Geschäftsstelle KPR): the CSV import with its
dry-run preview. Every figure comes from prevention.stats, which withholds small counts unless
the viewer belongs to the office.
"""

from __future__ import annotations

import csv
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import register_converter
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from portal import roles
from prevention import charts, stats
from prevention.forms_indicators import IndicatorImportForm
from prevention.importers import Action, import_batch_confirm, import_batch_preview, plan_import
from prevention.models import District, ImportBatch, Indicator, IndicatorValue
from prevention.models.indicators import (
    ALL_OFFENCES_KEY,
    BASELINE_YEAR,
    KEY_PATTERN,
    SAFETY_KEY,
    SYNTHETIC_NOTICE,
)


class IndicatorKeyConverter:
    """Indicator keys like pks.890000 in URLs; dots inside, so `<key>.csv` still splits."""

    regex = KEY_PATTERN

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(IndicatorKeyConverter, "indicator_key")

LICENSE_NAME = "Datenlizenz Deutschland – Namensnennung – Version 2.0"
LICENSE_URL = "https://www.govdata.de/dl-de/by-2-0"
PREVIEW_ROWS = 500


def _reveal(request: HttpRequest) -> bool:
    """Staff of the KPR office see withheld values; everybody else sees "."."""
    return request.user.is_authenticated and request.user.has_role(roles.PREVENTION_OFFICE)


def _pick(indicators: list[Indicator], key: str | None, default: str) -> Indicator | None:
    by_key = {indicator.key: indicator for indicator in indicators}
    return by_key.get(key or "") or by_key.get(default) or (indicators[0] if indicators else None)


def _int(text: str | None) -> int | None:
    return int(text) if text and text.isdigit() and len(text) <= 4 else None


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
    if not indicator_years:
        return render(request, "prevention/indicators/district_list.html", context)
    wanted = _int(request.GET.get("jahr"))
    year = wanted if wanted in indicator_years else indicator_years[-1]
    sort = request.GET.get("sortierung", "name")
    sort = sort if sort in stats.SORT_KEYS else "name"
    descending = request.GET.get("richtung") == "ab"
    crime = _pick(indicators, ALL_OFFENCES_KEY, ALL_OFFENCES_KEY)
    safety = next((each for each in indicators if each.key == SAFETY_KEY), None)
    scatter_year = stats.common_year(years, crime, safety, wanted=year) if safety else None
    pairs = {(indicator.pk, each) for each in (year, year - 1, BASELINE_YEAR)}
    if scatter_year:
        pairs |= {(crime.pk, scatter_year), (safety.pk, scatter_year)}
    dataset = stats.load_dataset(indicators, reveal=_reveal(request), pairs=pairs)
    table = stats.district_table(dataset, indicator, year, districts)
    rows = stats.sort_rows(table.rows, sort, descending)
    comparison = (
        stats.safety_comparison(dataset, crime, safety, scatter_year, districts)
        if scatter_year
        else None
    )
    query = {"kennzahl": indicator.key, "jahr": year}
    context.update(
        {
            "year": year,
            "years": indicator_years,
            "table": table,
            "rows": rows,
            "headers": _sort_headers(indicator, query, sort, descending),
            "bar_chart": charts.table_bar_chart(table, chart_id="balken"),
            "summary": charts.table_summary(table),
            "comparison": comparison,
            "scatter": comparison
            and comparison.points
            and charts.comparison_scatter(comparison, chart_id="streuung"),
            "comparison_summary": comparison and charts.comparison_summary(comparison),
            "synthetic": table.synthetic or bool(comparison and comparison.synthetic),
            "withheld": table.withheld,
            "measure_label": charts.measure_label(indicator),
            "reference_value": table.reference
            and charts.format_measure(table.reference.measure, indicator),
            "reveal": _reveal(request),
            "baseline_year": BASELINE_YEAR,
        }
    )
    return render(request, "prevention/indicators/district_list.html", context)


def _sort_headers(indicator: Indicator, query: dict, sort: str, descending: bool) -> list[dict]:
    columns = [
        ("nummer", _("Nr.")),
        ("name", _("Stadtteil")),
        ("einwohner", _("Einwohner")),
        ("wert", indicator.unit or _("Wert")),
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
    district = get_object_or_404(District, slug=slug)
    districts = list(District.objects.all())
    indicators = list(Indicator.objects.all())
    trends = stats.district_trends(district, indicators, districts, reveal=_reveal(request))
    sections = [
        {
            "trend": trend,
            "chart_id": "verlauf-" + trend.indicator.key.replace(".", "-"),
            "chart": charts.trend_line_chart(
                trend, chart_id="verlauf-" + trend.indicator.key.replace(".", "-")
            ),
            "summary": charts.trend_summary(trend),
            "rows": list(zip(trend.figures, trend.city, strict=True)),
        }
        for trend in trends
    ]
    populations = list(district.populations.all())
    context = {
        "district": district,
        "sections": sections,
        "population": populations[-1] if populations else None,
        "baseline_year": BASELINE_YEAR,
        "synthetic": any(trend.synthetic for trend in trends)
        or any(p.synthetic for p in populations[-1:]),
        "withheld": any(trend.withheld for trend in trends),
        "reveal": _reveal(request),
    }
    return render(request, "prevention/indicators/district_detail.html", context)


@login_not_required
@require_safe
def indicator_list(request: HttpRequest) -> HttpResponse:
    indicators = list(Indicator.objects.all())
    years = stats.available_years()
    rows = [(indicator, years.get(indicator.pk, [])) for indicator in indicators]
    # The page shows no figures, but its downloads may hold demo figures: say so here too.
    synthetic = IndicatorValue.objects.filter(synthetic=True).exists()
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
    indicator = _indicator(key)
    districts = sorted(District.objects.all(), key=lambda d: stats.collate_key(d.name))
    dataset = stats.load_dataset([indicator], reveal=_reveal(request))
    years = dataset.years(indicator)
    show_counts = not indicator.per_100k or request.GET.get("darstellung") == "anzahl"
    city = [dataset.figure(indicator, None, year, districts=districts) for year in years]
    matrix = [
        (district, [dataset.figure(indicator, district, year) for year in years])
        for district in districts
    ]
    figures = [figure for _district, row in matrix for figure in row] + city
    context = {
        "indicator": indicator,
        "years": years,
        "city": city,
        "matrix": matrix,
        "show_counts": show_counts,
        "chart": years and charts.city_line_chart(indicator, city, chart_id="stadt-verlauf"),
        "summary": charts.city_summary(indicator, city),
        "reveal": _reveal(request),
        "baseline_year": BASELINE_YEAR,
        "synthetic": any(figure.synthetic for figure in figures),
        "withheld": any(figure.withheld for figure in figures),
        "measure_label": charts.measure_label(indicator),
        "license_name": LICENSE_NAME,
        "license_url": LICENSE_URL,
    }
    return render(request, "prevention/indicators/indicator_detail.html", context)


def _download_rows(indicator: Indicator) -> tuple[list[dict], bool]:
    """The open-data rows of an indicator, always as the public sees them."""
    districts = sorted(District.objects.all(), key=lambda d: d.number)
    dataset = stats.load_dataset([indicator], reveal=False)
    rows, synthetic = [], False
    for year in dataset.years(indicator):
        for district in [None, *districts]:
            figure = dataset.figure(indicator, district, year, districts=districts)
            if figure.value is None and not figure.withheld:
                continue
            synthetic |= figure.synthetic
            remarks = []
            if figure.withheld:
                remarks.append(_withheld_text(indicator))
            if figure.synthetic:
                remarks.append(str(SYNTHETIC_NOTICE))
            rows.append(
                {
                    "district_number": district.number if district else None,
                    "district": district.name if district else _("Stadt Chemnitz gesamt"),
                    "year": year,
                    "value": figure.value,
                    "haeufigkeitszahl": figure.rate,
                    "inhabitants": figure.population,
                    "withheld": figure.withheld,
                    "synthetic": figure.synthetic,
                    "note": figure.note,
                    "remarks": "; ".join(remarks),
                }
            )
    return rows, synthetic


def _withheld_text(indicator: Indicator) -> str:
    return _(
        "Zahlenwert zurückgehalten: Anzahl unter %(threshold)s (Schutz einzelner Personen)"
    ) % {"threshold": indicator.suppression_threshold}


def _plain(number: Decimal | None):
    if number is None:
        return None
    return int(number) if number == number.to_integral_value() else float(number)


@login_not_required
@require_safe
def indicator_csv(request: HttpRequest, key: str) -> HttpResponse:
    indicator = _indicator(key)
    rows, _synthetic = _download_rows(indicator)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{indicator.key}.csv"'
    response["Link"] = f'<{LICENSE_URL}>; rel="license"'
    writer = csv.writer(response)
    writer.writerow(
        [
            "district_number",
            "district",
            "indicator",
            "year",
            "value",
            "haeufigkeitszahl",
            "inhabitants",
            "note",
            "remarks",
        ]
    )
    for row in rows:
        hidden = row["withheld"] and row["value"] is None
        writer.writerow(
            [
                row["district_number"] or "",
                row["district"],
                indicator.key,
                row["year"],
                "." if hidden else _plain(row["value"]),
                "." if hidden and indicator.per_100k else _plain(row["haeufigkeitszahl"]) or "",
                row["inhabitants"] or "",
                row["note"],
                row["remarks"],
            ]
        )
    return response


@login_not_required
@require_safe
def indicator_json(request: HttpRequest, key: str) -> JsonResponse:
    indicator = _indicator(key)
    rows, synthetic = _download_rows(indicator)
    data = {
        "indicator": {
            "key": indicator.key,
            "name": indicator.name,
            "description": indicator.description,
            "unit": indicator.unit,
            "kind": indicator.kind,
            "source": indicator.get_source_display(),
            "pks_key": indicator.pks_key or None,
            "haeufigkeitszahl": indicator.per_100k,
            "higher_is_better": indicator.higher_is_better,
            "suppression_threshold": indicator.suppression_threshold,
            "url": request.build_absolute_uri(indicator.get_absolute_url()),
        },
        "license": {"name": LICENSE_NAME, "url": LICENSE_URL},
        "attribution": _("Stadt Chemnitz, Kommunaler Präventionsrat"),
        "synthetic": synthetic,
        "notice": str(SYNTHETIC_NOTICE) if synthetic else None,
        "footnotes": {"withheld": _withheld_text(indicator)},
        "values": [
            {
                "district": (
                    {"number": row["district_number"], "name": row["district"]}
                    if row["district_number"]
                    else None
                ),
                "year": row["year"],
                "value": _plain(row["value"]),
                "haeufigkeitszahl": _plain(row["haeufigkeitszahl"]),
                "inhabitants": row["inhabitants"],
                "withheld": row["withheld"],
                "synthetic": row["synthetic"],
                "note": row["note"],
            }
            for row in rows
        ],
    }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 1})
    response["Link"] = f'<{LICENSE_URL}>; rel="license"'
    return response


# --- staff: import ---------------------------------------------------------------------------


def _require_office(request: HttpRequest) -> None:
    if not request.user.has_role(roles.PREVENTION_OFFICE):
        raise PermissionDenied(_("Nur für die Geschäftsstelle des KPR."))


@require_http_methods(["GET", "HEAD", "POST"])
def indicator_import(request: HttpRequest) -> HttpResponse:
    _require_office(request)
    post = request.method == "POST"
    form = IndicatorImportForm(request.POST, request.FILES) if post else IndicatorImportForm()
    if post and form.is_valid():
        upload = form.cleaned_data["file"]
        batch, _plan = import_batch_preview(
            data=form.cleaned_data["data"], file_name=upload.name, user=request.user
        )
        return redirect(batch)
    batches = ImportBatch.objects.select_related("user").defer("content")[:10]
    return render(
        request,
        "prevention/indicators/import_form.html",
        {"form": form, "batches": batches},
    )


@require_http_methods(["GET", "HEAD", "POST"])
def indicator_import_preview(request: HttpRequest, pk: int) -> HttpResponse:
    _require_office(request)
    batch = get_object_or_404(ImportBatch.objects.select_related("user"), pk=pk)
    if request.method == "POST":
        try:
            plan = import_batch_confirm(batch=batch, user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("Import ausgeführt: %(new)s neue und %(changed)s geänderte Werte.")
                % {"new": plan.count(Action.NEW), "changed": plan.count(Action.CHANGED)},
            )
        return redirect(batch)
    plan = plan_import(bytes(batch.content)) if batch.status == ImportBatch.Status.PREVIEW else None
    changes = plan.changes if plan and plan.ok else []
    context = {
        "batch": batch,
        "changes": changes[:PREVIEW_ROWS],
        "more_changes": max(0, len(changes) - PREVIEW_ROWS),
        "stale": plan is not None and (not plan.ok or plan.digest() != batch.plan_sha256),
    }
    return render(request, "prevention/indicators/import_preview.html", context)
