"""What the pages, downloads and exhibits show of an effect analysis (prevention/effects.py):
plain-German sentences that never claim more than the intervals allow, the forest plot, the
table rows, CSV and JSON. Figures are formatted through portal.formats."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from portal import formats
from portal.opendata import SafeWriter
from prevention import charts
from prevention.effects import ALPHA, CORRECTION, CountAnalysis, SurveyAnalysis
from prevention.intervals import Estimate
from prevention.models.indicators import SYNTHETIC_NOTICE


def no_change() -> str:
    return _("kein belastbarer Unterschied")


def ratio(value: float | None) -> str:
    return "–" if value is None else formats.number(Decimal(f"{value:.2f}"), 2)


def points(value: float | None) -> str:
    return "–" if value is None else formats.number(Decimal(f"{value:.1f}"), 1)


def percent_change(value: float | None) -> str:
    """A rate ratio as a signed percentage: 0.80 -> "−20 %"."""
    if value is None:
        return "–"
    change = round((value - 1) * 100)
    sign = "+" if change > 0 else "−" if change < 0 else "±"
    return f"{sign}{formats.number(Decimal(abs(change)))} %"


def interval(estimate: Estimate, fmt=ratio) -> str:
    if estimate.low is None or estimate.high is None:
        return _("nicht bestimmbar")
    return f"{fmt(estimate.low)} {_('bis')} {fmt(estimate.high)}"


def p_value(p: float | None) -> str:
    if p is None:
        return "–"
    if p < 0.001:
        return "< 0,001"
    return formats.number(Decimal(f"{p:.3f}"), 3)


def verdict(estimate: Estimate, credible: bool, *, higher_is_better: bool = False) -> str:
    """One word for a row: a credible rise or fall, or no credible difference."""
    if estimate.value is None:
        return _("nicht bestimmbar")
    if estimate.covers_null:
        return no_change()
    if not credible:
        return _("Hinweis, nach Korrektur für 39 Tests nicht belastbar")
    return _("belastbarer Anstieg") if estimate.value > estimate.null else _("belastbarer Rückgang")


def did_sentence(analysis: CountAnalysis) -> str:
    did = analysis.did
    if did.value is None:
        return _("Der Vergleich der Stadtteilgruppen ist nicht bestimmbar.")
    text = _(
        "Stadtteile mit Maßnahmen gegenüber den übrigen: Verhältnis der Veränderungen "
        "%(value)s (95-%%-Intervall %(interval)s)."
    ) % {"value": ratio(did.value), "interval": interval(did)}
    if did.covers_null:
        return (
            text
            + " "
            + _(
                "Das Intervall schließt 1 ein: zwischen Stadtteilen mit und ohne Maßnahmen "
                "gibt es keinen belastbaren Unterschied."
            )
        )
    direction = _("stärker gesunken") if did.value < 1 else _("stärker gestiegen")
    return (
        text
        + " "
        + _(
            "In den Stadtteilen mit Maßnahmen ist der Wert %(direction)s als in den übrigen "
            "(ein Zusammenhang, kein Beweis einer Wirkung)."
        )
        % {"direction": direction}
    )


def summary(analysis: CountAnalysis | SurveyAnalysis) -> list[str]:
    """The plain-German summary: a few sentences, each backed by an interval."""
    if isinstance(analysis, SurveyAnalysis):
        return survey_summary(analysis)
    name = analysis.indicator.name
    sentences = [
        _(
            "%(name)s: Jahre %(before)s vor und %(after)s nach dem Stichtag %(date)s, "
            "%(count)s Stadtteile ausgewertet."
        )
        % {
            "name": name,
            "before": years_text(analysis.before_years),
            "after": years_text(analysis.after_years),
            "date": f"{analysis.reference:%d.%m.%Y}",
            "count": len(analysis.rows),
        }
    ]
    for label, estimate in (
        (_("Stadtteile mit Maßnahmen"), analysis.measure_group),
        (_("übrige Stadtteile"), analysis.comparison_group),
    ):
        sentences.append(
            _(
                "%(label)s: Veränderung %(change)s (Verhältnis %(value)s, "
                "95-%%-Intervall %(interval)s)%(tail)s."
            )
            % {
                "label": label,
                "change": percent_change(estimate.value),
                "value": ratio(estimate.value),
                "interval": interval(estimate),
                "tail": ", " + no_change() if estimate.covers_null else "",
            }
        )
    sentences.append(did_sentence(analysis))
    credible = analysis.credible_rows
    if credible:
        names = ", ".join(
            f"{row.district.name} ({percent_change(row.estimate.value)})" for row in credible
        )
        sentences.append(
            ngettext(
                "Nach der Korrektur für %(tests)s Tests (%(method)s) zeigt %(count)s Stadtteil "
                "eine belastbare Veränderung: %(names)s; in den übrigen %(rest)s gibt es "
                "keinen belastbaren Unterschied.",
                "Nach der Korrektur für %(tests)s Tests (%(method)s) zeigen %(count)s "
                "Stadtteile eine belastbare Veränderung: %(names)s; in den übrigen %(rest)s "
                "gibt es keinen belastbaren Unterschied.",
                len(credible),
            )
            % {
                "tests": len(analysis.rows),
                "method": CORRECTION,
                "count": len(credible),
                "names": names,
                "rest": len(analysis.rows) - len(credible),
            }
        )
    else:
        sentences.append(
            _(
                "Nach der Korrektur für %(tests)s Tests (%(method)s) zeigt kein einzelner "
                "Stadtteil eine belastbare Veränderung."
            )
            % {"tests": len(analysis.rows), "method": CORRECTION}
        )
    sentences.append(pretrend_sentence(analysis))
    if analysis.withheld:
        sentences.append(
            _("Nicht ausgewertet, weil kleine Fallzahlen zurückgehalten werden: %(names)s.")
            % {"names": ", ".join(district.name for district in analysis.withheld)}
        )
    return sentences


def pretrend_sentence(analysis: CountAnalysis) -> str:
    pretrend = analysis.pretrend
    if pretrend is None or pretrend.value is None:
        return _("Die Entwicklung vor dem Stichtag ließ sich nicht prüfen (zu wenige Jahre).")
    values = {"value": ratio(pretrend.value), "interval": interval(pretrend)}
    if analysis.pretrend_diverged:
        return (
            _(
                "Achtung: Schon vor dem Stichtag entwickelten sich die beiden Gruppen "
                "verschieden (jährliches Verhältnis %(value)s, 95-%%-Intervall %(interval)s); "
                "der Vergleich danach ist deshalb nur eingeschränkt aussagekräftig."
            )
            % values
        )
    return (
        _(
            "Vor dem Stichtag verliefen beide Gruppen ohne belastbaren Unterschied "
            "(jährliches Verhältnis %(value)s, 95-%%-Intervall %(interval)s)."
        )
        % values
    )


def survey_summary(analysis: SurveyAnalysis) -> list[str]:
    sentences = []
    city = analysis.city
    if city is not None:
        sentences.append(
            _(
                "Stadt gesamt: %(first)s %% (%(first_year)s, %(first_n)s Befragte) und "
                "%(last)s %% (%(last_year)s, %(last_n)s Befragte), Unterschied %(diff)s "
                "Prozentpunkte (95-%%-Intervall %(interval)s)%(tail)s."
            )
            % {
                "first": points(city.first.percent),
                "first_year": city.first.year,
                "first_n": formats.count(city.first.sample_size),
                "last": points(city.last.percent),
                "last_year": city.last.year,
                "last_n": formats.count(city.last.sample_size),
                "diff": signed_points(city.estimate.value),
                "interval": interval(city.estimate, points),
                "tail": ", " + no_change() if city.estimate.covers_null else "",
            }
        )
    credible = analysis.credible_rows
    sentences.append(
        _(
            "In %(count)s von %(total)s Stadtteilen ist die Veränderung nach der Korrektur "
            "für %(total)s Tests (%(method)s) belastbar%(names)s; in den übrigen gibt es "
            "keinen belastbaren Unterschied, auch weil dort nur wenige Menschen befragt wurden."
        )
        % {
            "count": len(credible),
            "total": len(analysis.rows),
            "method": CORRECTION,
            "names": (": " + ", ".join(row.district.name for row in credible)) if credible else "",
        }
    )
    return sentences


def signed_points(value: float | None) -> str:
    if value is None:
        return "–"
    sign = "+" if value > 0.05 else "−" if value < -0.05 else "±"
    return sign + points(abs(value))


def years_text(years: list[int]) -> str:
    if not years:
        return "–"
    return str(years[0]) if len(years) == 1 else f"{years[0]}–{years[-1]}"


def html_rows(analysis: CountAnalysis | SurveyAnalysis) -> list[dict[str, Any]]:
    """The table of the page: formatted cells, one row per district."""
    rows = []
    if isinstance(analysis, SurveyAnalysis):
        for row in ([analysis.city] if analysis.city else []) + analysis.rows:
            rows.append(
                {
                    "name": row.district.name if row.district else _("Stadt gesamt"),
                    "url": row.district.get_absolute_url() if row.district else "",
                    "measure": row.measure,
                    "city": row.district is None,
                    "cells": [
                        f"{points(row.first.percent)} %",
                        formats.count(row.first.sample_size),
                        f"{points(row.last.percent)} %",
                        formats.count(row.last.sample_size),
                        signed_points(row.estimate.value),
                        interval(row.estimate, points),
                        p_value(row.p_adjusted if row.district else row.estimate.p),
                    ],
                    "verdict": verdict(row.estimate, row.credible if row.district else True),
                    "credible": row.credible,
                }
            )
        return rows
    for row in analysis.rows:
        rows.append(
            {
                "name": row.district.name,
                "url": row.district.get_absolute_url(),
                "measure": row.measure,
                "city": False,
                "cells": [
                    formats.count(round(row.before)),
                    points(row.before_rate),
                    formats.count(round(row.after)),
                    points(row.after_rate),
                    ratio(row.estimate.value),
                    interval(row.estimate),
                    p_value(row.p_adjusted),
                ],
                "verdict": verdict(row.estimate, row.credible),
                "credible": row.credible,
            }
        )
    return rows


def series_rows(analysis: CountAnalysis | SurveyAnalysis) -> list[dict[str, Any]]:
    """The survey's city figure per year with its sample size and Wilson interval."""
    if not isinstance(analysis, SurveyAnalysis):
        return []
    return [
        {
            "year": point.year,
            "percent": f"{points(point.percent)} %",
            "n": formats.count(point.sample_size),
            "interval": f"{points(low)} {_('bis')} {points(high)} %",
        }
        for point, (low, high) in analysis.city_series
    ]


def html_headers(analysis: CountAnalysis | SurveyAnalysis) -> list[str]:
    if isinstance(analysis, SurveyAnalysis):
        return [
            _("Anteil %(year)s") % {"year": analysis.first_year},
            _("Befragte %(year)s") % {"year": analysis.first_year},
            _("Anteil %(year)s") % {"year": analysis.last_year},
            _("Befragte %(year)s") % {"year": analysis.last_year},
            _("Unterschied (Prozentpunkte)"),
            _("95-%-Intervall"),
            _("p (Holm)"),
        ]
    rate = _("Rate vorher") if analysis.indicator.per_100k else _("je Jahr vorher")
    rate_after = _("Rate nachher") if analysis.indicator.per_100k else _("je Jahr nachher")
    return [
        _("Fälle vorher"),
        rate,
        _("Fälle nachher"),
        rate_after,
        _("Verhältnis nachher/vorher"),
        _("95-%-Intervall"),
        _("p (Holm)"),
    ]


# --- chart ---------------------------------------------------------------------------------


def forest(analysis: CountAnalysis | SurveyAnalysis, *, chart_id: str) -> str:
    survey = isinstance(analysis, SurveyAnalysis)
    rows = []
    extra = []
    if not survey:
        extra = [
            (_("Mit Maßnahmen (gesamt)"), analysis.measure_group, False),
            (_("Übrige (gesamt)"), analysis.comparison_group, False),
        ]
    elif analysis.city is not None:
        extra = [(_("Stadt gesamt"), analysis.city.estimate, analysis.city.credible)]
    fmt = points if survey else ratio
    for label, estimate, credible in extra:
        rows.append(
            charts.ForestRow(
                label,
                estimate.value,
                estimate.low,
                estimate.high,
                f"{fmt(estimate.value)} ({interval(estimate, fmt)})",
                credible,
            )
        )
    for row in analysis.rows:
        label = row.district.name + (" *" if row.measure else "")
        rows.append(
            charts.ForestRow(
                label,
                row.estimate.value,
                row.estimate.low,
                row.estimate.high,
                f"{fmt(row.estimate.value)} ({interval(row.estimate, fmt)})",
                row.credible,
            )
        )
    name = analysis.indicator.name
    if survey:
        title = _("%(name)s: Veränderung %(first)s bis %(last)s nach Stadtteil") % {
            "name": name,
            "first": analysis.first_year,
            "last": analysis.last_year,
        }
        axis = _("Unterschied in Prozentpunkten (0 = keine Veränderung)")
    else:
        title = _("%(name)s: Verhältnis nachher zu vorher nach Stadtteil") % {"name": name}
        axis = _("Verhältnis der Raten nachher/vorher (1 = keine Veränderung, log. Skala)")
    desc = " ".join(summary(analysis)) + " " + _("* Stadtteil mit Maßnahmen.")
    return charts.render(
        "forest",
        chart_id=chart_id,
        title=title,
        desc=desc,
        rows=tuple(rows),
        axis_label=axis,
        null=0.0 if survey else 1.0,
        log=not survey,
    )


def overview_forest(analyses: list[CountAnalysis], *, chart_id: str) -> str:
    """One row per indicator: the ratio of the changes, measure districts against the others."""
    rows = tuple(
        charts.ForestRow(
            analysis.indicator.name,
            analysis.did.value,
            analysis.did.low,
            analysis.did.high,
            f"{ratio(analysis.did.value)} ({interval(analysis.did)})",
            not analysis.did.covers_null,
        )
        for analysis in analyses
    )
    desc = " ".join(f"{analysis.indicator.name}: {did_sentence(analysis)}" for analysis in analyses)
    return charts.render(
        "forest",
        chart_id=chart_id,
        title=_("Stadtteile mit Maßnahmen gegenüber den übrigen, je Kennzahl"),
        desc=desc,
        rows=rows,
        axis_label=_("Verhältnis der Veränderungen (1 = kein Unterschied, log. Skala)"),
        null=1.0,
        log=True,
    )


# --- downloads -----------------------------------------------------------------------------


COUNT_COLUMNS = [
    "district_number",
    "district",
    "measure_district",
    "cases_before",
    "exposure_before",
    "cases_after",
    "exposure_after",
    "rate_ratio",
    "ci_low",
    "ci_high",
    "p_value",
    "p_holm",
    "credible",
]
SURVEY_COLUMNS = [
    "district_number",
    "district",
    "measure_district",
    "year_before",
    "percent_before",
    "n_before",
    "year_after",
    "percent_after",
    "n_after",
    "difference_points",
    "ci_low",
    "ci_high",
    "p_value",
    "p_holm",
    "credible",
]


def _round(value: float | None, places: int = 4) -> float | None:
    return None if value is None else round(value, places)


def table_rows(analysis: CountAnalysis | SurveyAnalysis) -> list[dict[str, Any]]:
    rows = []
    if isinstance(analysis, SurveyAnalysis):
        for row in ([analysis.city] if analysis.city else []) + analysis.rows:
            rows.append(
                {
                    "district_number": row.district.number if row.district else None,
                    "district": row.district.name if row.district else _("Stadt gesamt"),
                    "measure_district": row.measure,
                    "year_before": row.first.year,
                    "percent_before": row.first.percent,
                    "n_before": row.first.sample_size,
                    "year_after": row.last.year,
                    "percent_after": row.last.percent,
                    "n_after": row.last.sample_size,
                    "difference_points": _round(row.estimate.value, 2),
                    "ci_low": _round(row.estimate.low, 2),
                    "ci_high": _round(row.estimate.high, 2),
                    "p_value": _round(row.estimate.p, 6),
                    "p_holm": _round(row.p_adjusted, 6) if row.district else None,
                    "credible": row.credible if row.district else not row.estimate.covers_null,
                }
            )
        return rows
    for row in analysis.rows:
        rows.append(
            {
                "district_number": row.district.number,
                "district": row.district.name,
                "measure_district": row.measure,
                "cases_before": round(row.before),
                "exposure_before": _round(row.before_exposure, 5),
                "cases_after": round(row.after),
                "exposure_after": _round(row.after_exposure, 5),
                "rate_ratio": _round(row.estimate.value),
                "ci_low": _round(row.estimate.low),
                "ci_high": _round(row.estimate.high),
                "p_value": _round(row.estimate.p, 6),
                "p_holm": _round(row.p_adjusted, 6),
                "credible": row.credible,
            }
        )
    return rows


def write_csv(writer: SafeWriter, analysis: CountAnalysis | SurveyAnalysis) -> None:
    """The rows into `writer` (German or international: portal/opendata.py)."""
    survey = isinstance(analysis, SurveyAnalysis)
    columns = SURVEY_COLUMNS if survey else COUNT_COLUMNS
    writer.writerow(columns)
    for row in table_rows(analysis):
        writer.writerow(["" if row[column] is None else row[column] for column in columns])


def _estimate(estimate: Estimate) -> dict[str, Any]:
    return {
        "value": _round(estimate.value),
        "ci_low": _round(estimate.low),
        "ci_high": _round(estimate.high),
        "p_value": _round(estimate.p, 6),
        "covers_no_change": estimate.covers_null,
    }


def json_data(analysis: CountAnalysis | SurveyAnalysis, *, method_url: str) -> dict[str, Any]:
    survey = isinstance(analysis, SurveyAnalysis)
    data: dict[str, Any] = {
        "indicator": {"key": analysis.indicator.key, "name": analysis.indicator.name},
        "kind": analysis.kind,
        "reference_date": analysis.reference.isoformat(),
        "skipped_years": {str(year): reason for year, reason in analysis.skipped_years.items()},
        "confidence_level": 0.95,
        "alpha": ALPHA,
        "multiple_testing_correction": CORRECTION,
        "method": method_url,
        "summary": summary(analysis),
        "synthetic": analysis.synthetic,
        "notice": str(SYNTHETIC_NOTICE) if analysis.synthetic else None,
        "districts": table_rows(analysis),
        "not_analysed": [district.name for district in analysis.no_data],
    }
    if survey:
        data |= {
            "year_before": analysis.first_year,
            "year_after": analysis.last_year,
            "city_series": [
                {
                    "year": point.year,
                    "percent": point.percent,
                    "n": point.sample_size,
                    "ci_low": _round(low, 2),
                    "ci_high": _round(high, 2),
                }
                for point, (low, high) in analysis.city_series
            ],
        }
    else:
        data |= {
            "years_before": analysis.before_years,
            "years_after": analysis.after_years,
            "exposure_unit": analysis.exposure_unit,
            "extra_variation_kappa": _round(analysis.kappa, 6),
            "measure_districts": _estimate(analysis.measure_group),
            "comparison_districts": _estimate(analysis.comparison_group),
            "difference_in_differences": _estimate(analysis.did),
            "pretrend_ratio_per_year": _estimate(analysis.pretrend) if analysis.pretrend else None,
            "pretrend_diverged": analysis.pretrend_diverged,
            "withheld_districts": [district.name for district in analysis.withheld],
        }
    return data
