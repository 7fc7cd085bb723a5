"""The portal's figures: the indicator charts and the funding chart, each with the sentence that
says what it shows (the chart's description and the caption beside its data table).

Built from prevention.stats objects (DistrictTable, Trend, SafetyComparison) and funding rows;
drawn by the chart engine in prevention/charts.py.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.utils.safestring import SafeString
from django.utils.translation import get_language, gettext, gettext_lazy

from portal import formats
from prevention import charts, stats

ASSKOMM_START = date(2019, 2, 6)

# How German says "in" a Chemnitz district: a place name takes "in" (in Bernsdorf), a district
# named after a landscape or a quarter takes its article (im Zentrum, auf dem Sonnenberg).
# The 39 districts of prevention/data/chemnitz_stadtteile.csv that do not take plain "in":
LOCATIVES = {
    "Zentrum": "im Zentrum",
    "Lutherviertel": "im Lutherviertel",
    "Yorckgebiet": "im Yorckgebiet",
    "Sonnenberg": "auf dem Sonnenberg",
    "Kaßberg": "auf dem Kaßberg",
    "Kapellenberg": "auf dem Kapellenberg",
    "Morgenleite": "auf der Morgenleite",
}


def in_district(name: str) -> str:
    """ "im Zentrum", "auf dem Sonnenberg", "in Bernsdorf"; in English "in Zentrum"."""
    if (get_language() or "de").startswith("de") and name in LOCATIVES:
        return LOCATIVES[name]
    return gettext("in %(district)s") % {"district": name}


def measure_label(indicator) -> str:
    if indicator.per_100k:
        return gettext("Häufigkeitszahl (Fälle je 100.000 Einwohner)")
    return f"{indicator.name} ({indicator.unit_label})" if indicator.unit else indicator.name


def measure_places(indicator) -> int:
    if indicator.per_100k or indicator.kind == indicator.Kind.COUNT:
        return 0
    return 2 if indicator.kind == indicator.Kind.SCORE else 1


def format_measure(value, indicator) -> str:
    """A measure (value or Häufigkeitszahl) with the indicator's decimal places."""
    return formats.number(value, measure_places(indicator))


def table_summary(table) -> str:
    """One sentence on a stats.DistrictTable: highest, lowest, city."""
    indicator = table.indicator
    shown = [row for row in table.rows if row.figure.measure is not None]
    if not shown:
        return gettext("Für %(year)s liegen keine veröffentlichten Werte vor.") % {
            "year": table.year
        }
    high = max(shown, key=lambda row: row.figure.measure)
    low = min(shown, key=lambda row: row.figure.measure)
    sentence = gettext(
        "%(year)s hatte %(high)s mit %(high_value)s den höchsten und %(low)s mit "
        "%(low_value)s den niedrigsten Wert – %(measure)s"
    ) % {
        "year": table.year,
        "high": high.district.name,
        "high_value": format_measure(high.figure.measure, indicator),
        "low": low.district.name,
        "low_value": format_measure(low.figure.measure, indicator),
        "measure": measure_label(indicator),
    }
    if table.reference and table.reference.measure is not None:
        sentence += gettext("; %(label)s: %(value)s") % {
            "label": table.reference.label,
            "value": format_measure(table.reference.measure, indicator),
        }
    return sentence + "."


def table_bar_chart(table, *, chart_id: str, highlight: str | None = None) -> SafeString:
    indicator = table.indicator
    bars = tuple(
        charts.Bar(
            row.district.name,
            float(row.figure.measure) if row.figure.measure is not None else None,
            format_measure(row.figure.measure, indicator)
            if row.figure.measure is not None
            else ("." if row.figure.withheld else "–"),
            highlight=row.district.slug == highlight,
        )
        for row in table.rows
    )
    reference = None
    if table.reference and table.reference.measure is not None:
        reference = (
            f"{table.reference.label}: {format_measure(table.reference.measure, indicator)}",
            float(table.reference.measure),
        )
    return charts.render(
        "bar",
        chart_id=chart_id,
        title=gettext("%(indicator)s %(year)s nach Stadtteilen")
        % {"indicator": indicator.name, "year": table.year},
        desc=table_summary(table),
        bars=bars,
        axis_label=measure_label(indicator),
        reference=reference,
    )


def trend_summary(trend) -> str:
    indicator = trend.indicator
    shown = [figure for figure in trend.figures if figure.measure is not None]
    if not shown:
        return gettext("Für %(district)s liegen keine veröffentlichten Werte vor.") % {
            "district": trend.district.name
        }
    first, last = shown[0], shown[-1]
    sentence = gettext(
        "%(district)s: %(first_year)s %(first)s, %(last_year)s %(last)s – %(measure)s"
    ) % {
        "district": trend.district.name,
        "first_year": first.year,
        "first": format_measure(first.measure, indicator),
        "last_year": last.year,
        "last": format_measure(last.measure, indicator),
        "measure": measure_label(indicator),
    }
    if trend.change_baseline and trend.change_baseline.percent is not None:
        sentence += gettext(", %(percent)s %% gegenüber %(year)s") % {
            "percent": formats.number(trend.change_baseline.percent, 1),
            "year": trend.baseline_year,
        }
    city = next((f for f in reversed(trend.city) if f.measure is not None), None)
    if city is not None:
        sentence += gettext("; Stadt gesamt %(year)s: %(value)s") % {
            "year": city.year,
            "value": format_measure(city.measure, indicator),
        }
    return sentence + "."


def trend_line_chart(trend, *, chart_id: str) -> SafeString:
    def points(figures):
        return tuple(
            (figure.year, float(figure.measure) if figure.measure is not None else None)
            for figure in figures
        )

    series = [charts.Series(trend.district.name, points(trend.figures))]
    if any(figure.measure is not None for figure in trend.city):
        series.append(charts.Series(gettext("Stadt gesamt"), points(trend.city), dashed=True))
    return charts.render(
        "line",
        chart_id=chart_id,
        title=gettext("%(indicator)s %(in_district)s seit %(year)s")
        % {
            "indicator": trend.indicator.name,
            "in_district": in_district(trend.district.name),
            "year": trend.figures[0].year,
        },
        desc=trend_summary(trend),
        series=tuple(series),
        axis_label=measure_label(trend.indicator),
        marker=(ASSKOMM_START, gettext("ASSKomm-Start 06.02.2019")),
    )


def city_summary(indicator, figures) -> str:
    shown = [figure for figure in figures if figure.measure is not None]
    if not shown:
        return gettext("Für die Stadt gesamt liegen keine Werte vor.")
    return gettext(
        "Stadt gesamt: %(first_year)s %(first)s, %(last_year)s %(last)s – %(measure)s."
    ) % {
        "first_year": shown[0].year,
        "first": format_measure(shown[0].measure, indicator),
        "last_year": shown[-1].year,
        "last": format_measure(shown[-1].measure, indicator),
        "measure": measure_label(indicator),
    }


def city_line_chart(indicator, figures, *, chart_id: str) -> SafeString:
    """The city's trend of one indicator (the indicator page)."""
    desc = city_summary(indicator, figures)
    return charts.render(
        "line",
        chart_id=chart_id,
        title=gettext("%(indicator)s, Stadt gesamt") % {"indicator": indicator.name},
        desc=desc,
        series=(
            charts.Series(
                gettext("Stadt gesamt"),
                tuple(
                    (f.year, float(f.measure) if f.measure is not None else None) for f in figures
                ),
            ),
        ),
        axis_label=measure_label(indicator),
        marker=(ASSKOMM_START, gettext("ASSKomm-Start 06.02.2019")),
    )


def comparison_summary(comparison) -> str:
    pairs = [(float(p.crime.measure), float(p.safety.measure)) for p in comparison.points]
    r = stats.correlation(pairs)
    if r is None:
        return gettext("Für %(year)s liegen zu wenige Stadtteile mit beiden Werten vor.") % {
            "year": comparison.year
        }
    if r <= -0.5:
        text = gettext(
            "%(year)s fühlten sich in Stadtteilen mit mehr registrierten Straftaten je "
            "Einwohner deutlich weniger Menschen nachts sicher"
        )
    elif r >= 0.5:
        text = gettext(
            "%(year)s fühlten sich in Stadtteilen mit mehr registrierten Straftaten je "
            "Einwohner eher mehr Menschen nachts sicher"
        )
    else:
        text = gettext(
            "%(year)s hing das Sicherheitsgefühl nachts kaum mit der Zahl registrierter "
            "Straftaten je Einwohner zusammen"
        )
    return (text % {"year": comparison.year}) + gettext(
        " (Korrelation r = %(r)s, %(count)s Stadtteile)."
    ) % {"r": formats.number(Decimal(str(round(r, 2))), 2), "count": len(pairs)}


def comparison_scatter(comparison, *, chart_id: str, highlight: str | None = None) -> SafeString:
    crime, safety = comparison.crime_indicator, comparison.safety_indicator
    ranked = sorted(comparison.points, key=lambda p: p.crime.measure, reverse=True)
    labelled = {p.district.slug for p in ranked[:3]} | ({highlight} if highlight else set())
    points = tuple(
        charts.Point(
            p.district.name,
            float(p.crime.measure),
            float(p.safety.measure),
            f"{p.district.name}: {format_measure(p.crime.measure, crime)} / "
            f"{format_measure(p.safety.measure, safety)} %",
            highlight=p.district.slug in labelled,
        )
        for p in comparison.points
    )
    return charts.render(
        "scatter",
        chart_id=chart_id,
        title=gettext("Sicherheitsgefühl und registrierte Straftaten %(year)s")
        % {"year": comparison.year},
        desc=comparison_summary(comparison),
        points=points,
        x_label=gettext("Straftaten insgesamt je 100.000 Einwohner (Häufigkeitszahl)"),
        y_label=gettext("Anteil „nachts sicher“ in %"),
        y_max=100 if safety.kind == safety.Kind.PERCENT else None,
    )


# --- funding of the KPR's measures --------------------------------------------------------------

FUNDING_SERIES = (
    ("requested_sum", gettext_lazy("beantragt")),
    ("granted_sum", gettext_lazy("bewilligt")),
    ("own_share_sum", gettext_lazy("Eigenanteil")),
)


def _funding_years(rows: list[dict]) -> dict[int, dict[str, Decimal]]:
    """Per year the sums over all sources (rows from `Funding.objects.by_year_and_source()`)."""
    years: dict[int, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for row in rows:
        for key, _label in FUNDING_SERIES:
            years[row["year"]][key] += row[key]
    return dict(sorted(years.items()))


def funding_summary(rows: list[dict]) -> str:
    years = _funding_years(rows)
    if not years:
        return gettext("Noch keine Förderung eingetragen.")
    total = {key: sum(values[key] for values in years.values()) for key, _label in FUNDING_SERIES}
    return gettext(
        "%(first)s bis %(last)s: beantragt %(requested)s, bewilligt %(granted)s, "
        "Eigenanteil der Stadt %(own_share)s (alle Förderquellen)."
    ) % {
        "first": min(years),
        "last": max(years),
        "requested": formats.euro(total["requested_sum"]),
        "granted": formats.euro(total["granted_sum"]),
        "own_share": formats.euro(total["own_share_sum"]),
    }


def funding_chart(rows: list[dict], *, chart_id: str) -> SafeString | None:
    """Per year the requested and granted funding and the city's own share (all sources)."""
    years = _funding_years(rows)
    if not years:
        return None
    return charts.render(
        "column",
        chart_id=chart_id,
        title=gettext("Förderung des Präventionsrats je Jahr"),
        desc=funding_summary(rows),
        series=tuple(str(label) for _key, label in FUNDING_SERIES),
        groups=tuple(
            charts.Group(
                str(year),
                tuple(float(values[key]) for key, _label in FUNDING_SERIES),
                tuple(formats.euro(values[key]) for key, _label in FUNDING_SERIES),
            )
            for year, values in years.items()
        ),
        axis_label=gettext("Betrag in Euro"),
    )
