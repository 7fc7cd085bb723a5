"""Server-side SVG charts: bar, line (with the ASSKomm marker), scatter.

A small module of our own instead of a plotting library: the three chart types need about 300
lines, matplotlib or pygal would add a large dependency (and pygal's output relies on
JavaScript for its tooltips), and owning the markup lets every chart carry exactly what
accessibility and the CSP need: `role="img"`, `<title>` and `<desc>` referenced by
`aria-labelledby`, presentation attributes instead of `style`, no script. The SVG is built
with ElementTree, so every label is escaped and the result is well-formed XML.

Charts are pure functions of their input; `render()` caches them in Django's cache under a
hash of that input, so a chart is drawn again exactly when its data (or language) changes.
"""

from __future__ import annotations

import hashlib
import math
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.cache import cache
from django.utils.formats import number_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

SVG_NS = "http://www.w3.org/2000/svg"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"
TEXT = "#212529"
MUTED = "#595959"
GRID = "#d0d4d8"
BAR = "#2f6690"
HIGHLIGHT = "#b3541e"
CITY = "#4d4d4d"
CACHE_SECONDS = 24 * 3600
ASSKOMM_START = date(2019, 2, 6)


def format_number(value: Decimal | float | int | None, places: int = 0) -> str:
    """German (or English) number with grouping: 27.012,5. None -> empty string."""
    if value is None:
        return ""
    return number_format(value, decimal_pos=places, use_l10n=True, force_grouping=True)


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None  # None: no bar (missing or withheld); `display` says which
    display: str
    highlight: bool = False


@dataclass(frozen=True)
class Series:
    label: str
    points: tuple[tuple[int, float | None], ...]  # (year, value)
    dashed: bool = False


@dataclass(frozen=True)
class Point:
    label: str
    x: float
    y: float
    description: str
    highlight: bool = False


# --- helpers ---------------------------------------------------------------------------


def nice_ticks(maximum: float, count: int = 5) -> list[float]:
    """0 and round steps (1, 2, 2.5, 5 times a power of ten) up to at least `maximum`."""
    if maximum <= 0:
        return [0.0, 1.0]
    raw = maximum / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    top = math.ceil(maximum / step - 1e-9) * step
    ticks, tick = [], 0.0
    while tick <= top + step / 2:
        ticks.append(round(tick, 10))
        tick += step
    return ticks


def _tick_label(value: float) -> str:
    places = 0 if float(value).is_integer() else 1
    return format_number(Decimal(str(value)), places)


def _svg(chart_id: str, width: int, height: int, title: str, desc: str) -> ET.Element:
    svg = ET.Element(
        "svg",
        {
            "xmlns": SVG_NS,
            "viewBox": f"0 0 {width} {height}",
            "width": str(width),
            "height": str(height),
            "role": "img",
            "aria-labelledby": f"{chart_id}-title {chart_id}-desc",
            "class": "chart-svg",
            "font-family": FONT,
            "font-size": "12",
            "fill": TEXT,
        },
    )
    ET.SubElement(svg, "title", {"id": f"{chart_id}-title"}).text = title
    ET.SubElement(svg, "desc", {"id": f"{chart_id}-desc"}).text = desc
    ET.SubElement(svg, "rect", {"width": str(width), "height": str(height), "fill": "#ffffff"})
    return svg


def _text(parent, x, y, content, **attrs) -> ET.Element:
    element = ET.SubElement(parent, "text", {"x": f"{x:.1f}", "y": f"{y:.1f}", **attrs})
    element.text = content
    return element


def _line(parent, x1, y1, x2, y2, stroke, **attrs) -> ET.Element:
    return ET.SubElement(
        parent,
        "line",
        {
            "x1": f"{x1:.1f}",
            "y1": f"{y1:.1f}",
            "x2": f"{x2:.1f}",
            "y2": f"{y2:.1f}",
            "stroke": stroke,
            **attrs,
        },
    )


def _serialize(svg: ET.Element) -> SafeString:
    return mark_safe(ET.tostring(svg, encoding="unicode"))  # built by ElementTree: escaped


# --- chart types -------------------------------------------------------------------------


def bar_chart(
    *,
    chart_id: str,
    title: str,
    desc: str,
    bars: tuple[Bar, ...],
    axis_label: str,
    reference: tuple[str, float] | None = None,
) -> SafeString:
    """Horizontal bars, one per district, with an optional reference line (city average)."""
    left, right, top, row = 190, 80, 42, 20
    width = 720
    height = top + row * max(len(bars), 1) + 36
    plot_width = width - left - right
    values = [bar.value for bar in bars if bar.value is not None]
    if reference:
        values.append(reference[1])
    ticks = nice_ticks(max(values, default=0))
    scale = plot_width / ticks[-1]
    svg = _svg(chart_id, width, height, title, desc)
    bottom = top + row * len(bars)
    for tick in ticks:
        x = left + tick * scale
        _line(svg, x, top - 6, x, bottom, GRID)
        _text(svg, x, top - 10, _tick_label(tick), **{"text-anchor": "middle", "fill": MUTED})
    _text(svg, left, 14, axis_label, fill=MUTED)
    for index, bar in enumerate(bars):
        y = top + index * row
        colour = HIGHLIGHT if bar.highlight else BAR
        weight = {"font-weight": "bold"} if bar.highlight else {}
        _text(svg, left - 8, y + 14, bar.label, **{"text-anchor": "end", **weight})
        bar_width = (bar.value or 0) * scale
        if bar.value is not None:
            ET.SubElement(
                svg,
                "rect",
                {
                    "x": str(left),
                    "y": f"{y + 3:.1f}",
                    "width": f"{bar_width:.1f}",
                    "height": str(row - 6),
                    "fill": colour,
                },
            )
        _text(svg, left + bar_width + 4, y + 14, bar.display, **weight)
    _line(svg, left, top - 6, left, bottom, TEXT)
    if reference:
        x = left + reference[1] * scale
        _line(
            svg, x, top - 4, x, bottom + 4, TEXT, **{"stroke-width": "2", "stroke-dasharray": "6 3"}
        )
        _text(svg, x, bottom + 20, reference[0], **{"text-anchor": "middle"})
    return _serialize(svg)


def line_chart(
    *,
    chart_id: str,
    title: str,
    desc: str,
    series: tuple[Series, ...],
    axis_label: str,
    marker: tuple[date, str] | None = None,
) -> SafeString:
    """Years on the x axis (each value in the middle of its year), one line per series, an
    optional vertical marker at a date (the ASSKomm start)."""
    width, height = 640, 300
    left, right, top, bottom = 64, 20, 48, 40
    years = sorted({year for line in series for year, _value in line.points})
    values = [value for line in series for _year, value in line.points if value is not None]
    svg = _svg(chart_id, width, height, title, desc)
    if not years:
        return _serialize(svg)
    first, last = years[0], years[-1] + 1
    ticks = nice_ticks(max(values, default=0))
    plot_width, plot_height = width - left - right, height - top - bottom

    def x_of(position: float) -> float:
        return left + (position - first) / (last - first) * plot_width

    def y_of(value: float) -> float:
        return top + plot_height - value / ticks[-1] * plot_height

    for tick in ticks:
        _line(svg, left, y_of(tick), width - right, y_of(tick), GRID)
        _text(
            svg,
            left - 6,
            y_of(tick) + 4,
            _tick_label(tick),
            **{"text-anchor": "end", "fill": MUTED},
        )
    _text(svg, left, 14, axis_label, fill=MUTED)
    _line(svg, left, top + plot_height, width - right, top + plot_height, TEXT)
    step = max(1, math.ceil(len(range(first, last)) / 12))
    for year in range(first, last, step):
        _text(svg, x_of(year + 0.5), height - bottom + 18, str(year), **{"text-anchor": "middle"})
    if marker and first <= marker[0].year < last:
        day = marker[0].timetuple().tm_yday - 1
        x = x_of(marker[0].year + day / 365)
        _line(
            svg,
            x,
            top - 6,
            x,
            top + plot_height,
            HIGHLIGHT,
            **{"stroke-width": "2", "stroke-dasharray": "4 3"},
        )
        _text(svg, x + 4, top + 8, marker[1], fill=HIGHLIGHT)
    legend_x = left
    for index, line in enumerate(series):
        colour = BAR if index == 0 else CITY
        dash = {"stroke-dasharray": "6 4"} if line.dashed else {}
        segments: list[list[tuple[float, float]]] = [[]]
        for year, value in line.points:
            if value is None:
                segments.append([])
            else:
                segments[-1].append((x_of(year + 0.5), y_of(value)))
        for segment in segments:
            if len(segment) > 1:
                ET.SubElement(
                    svg,
                    "polyline",
                    {
                        "points": " ".join(f"{x:.1f},{y:.1f}" for x, y in segment),
                        "fill": "none",
                        "stroke": colour,
                        "stroke-width": "2.5",
                        **dash,
                    },
                )
            for x, y in segment:
                if line.dashed:
                    ET.SubElement(
                        svg,
                        "rect",
                        {
                            "x": f"{x - 3.5:.1f}",
                            "y": f"{y - 3.5:.1f}",
                            "width": "7",
                            "height": "7",
                            "fill": colour,
                        },
                    )
                else:
                    ET.SubElement(
                        svg,
                        "circle",
                        {"cx": f"{x:.1f}", "cy": f"{y:.1f}", "r": "4", "fill": colour},
                    )
        _line(svg, legend_x, 30, legend_x + 24, 30, colour, **{"stroke-width": "2.5", **dash})
        label = _text(svg, legend_x + 30, 34, line.label)
        legend_x += 40 + 7 * len(label.text)
    return _serialize(svg)


def scatter_chart(
    *,
    chart_id: str,
    title: str,
    desc: str,
    points: tuple[Point, ...],
    x_label: str,
    y_label: str,
    y_max: float | None = None,
) -> SafeString:
    """One dot per district; highlighted dots are labelled, every dot has a tooltip title."""
    width, height = 640, 380
    left, right, top, bottom = 64, 24, 36, 52
    plot_width, plot_height = width - left - right, height - top - bottom
    x_ticks = nice_ticks(max((point.x for point in points), default=0))
    y_ticks = nice_ticks(y_max or max((point.y for point in points), default=0))
    svg = _svg(chart_id, width, height, title, desc)

    def x_of(value: float) -> float:
        return left + value / x_ticks[-1] * plot_width

    def y_of(value: float) -> float:
        return top + plot_height - value / y_ticks[-1] * plot_height

    for tick in x_ticks:
        _line(svg, x_of(tick), top, x_of(tick), top + plot_height, GRID)
        _text(
            svg,
            x_of(tick),
            top + plot_height + 16,
            _tick_label(tick),
            **{"text-anchor": "middle", "fill": MUTED},
        )
    for tick in y_ticks:
        _line(svg, left, y_of(tick), width - right, y_of(tick), GRID)
        _text(
            svg,
            left - 6,
            y_of(tick) + 4,
            _tick_label(tick),
            **{"text-anchor": "end", "fill": MUTED},
        )
    _line(svg, left, top + plot_height, width - right, top + plot_height, TEXT)
    _line(svg, left, top, left, top + plot_height, TEXT)
    _text(svg, left + plot_width / 2, height - 12, x_label, **{"text-anchor": "middle"})
    _text(svg, left, 20, y_label, fill=MUTED)
    for point in points:
        group = ET.SubElement(svg, "g")
        ET.SubElement(group, "title").text = point.description
        ET.SubElement(
            group,
            "circle",
            {
                "cx": f"{x_of(point.x):.1f}",
                "cy": f"{y_of(point.y):.1f}",
                "r": "6" if point.highlight else "4.5",
                "fill": HIGHLIGHT if point.highlight else BAR,
                "stroke": "#ffffff",
            },
        )
        if point.highlight:
            anchor = "end" if x_of(point.x) > left + plot_width * 0.7 else "start"
            offset = -9 if anchor == "end" else 9
            _text(
                group,
                x_of(point.x) + offset,
                y_of(point.y) - 8,
                point.label,
                **{"text-anchor": anchor, "font-weight": "bold"},
            )
    return _serialize(svg)


CHARTS = {"bar": bar_chart, "line": line_chart, "scatter": scatter_chart}


def render(kind: str, **spec) -> SafeString:
    """Draw a chart through the cache. The key is a hash of everything the chart shows, so a
    changed value, label or language draws it anew; nothing needs to invalidate it."""
    digest = hashlib.sha256(f"{kind}:{sorted(spec.items())!r}".encode()).hexdigest()
    key = f"prevention:chart:{digest}"
    svg = cache.get(key)
    if svg is None:
        svg = str(CHARTS[kind](**spec))
        cache.set(key, svg, CACHE_SECONDS)
    return mark_safe(svg)  # produced above from escaped ElementTree


# --- the portal's charts, built from prevention.stats objects --------------------------------


def measure_label(indicator) -> str:
    if indicator.per_100k:
        return gettext("Häufigkeitszahl (Fälle je 100.000 Einwohner)")
    return f"{indicator.name} ({indicator.unit})" if indicator.unit else indicator.name


def measure_places(indicator) -> int:
    if indicator.per_100k or indicator.kind == indicator.Kind.COUNT:
        return 0
    return 2 if indicator.kind == indicator.Kind.SCORE else 1


def format_measure(value, indicator) -> str:
    """A measure (value or Häufigkeitszahl) with the indicator's decimal places."""
    return format_number(value, measure_places(indicator))


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
        Bar(
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
    return render(
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
            "percent": format_number(trend.change_baseline.percent, 1),
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

    series = [Series(trend.district.name, points(trend.figures))]
    if any(figure.measure is not None for figure in trend.city):
        series.append(Series(gettext("Stadt gesamt"), points(trend.city), dashed=True))
    return render(
        "line",
        chart_id=chart_id,
        title=gettext("%(indicator)s in %(district)s seit %(year)s")
        % {
            "indicator": trend.indicator.name,
            "district": trend.district.name,
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
    return render(
        "line",
        chart_id=chart_id,
        title=gettext("%(indicator)s, Stadt gesamt") % {"indicator": indicator.name},
        desc=desc,
        series=(
            Series(
                gettext("Stadt gesamt"),
                tuple(
                    (f.year, float(f.measure) if f.measure is not None else None) for f in figures
                ),
            ),
        ),
        axis_label=measure_label(indicator),
        marker=(ASSKOMM_START, gettext("ASSKomm-Start 06.02.2019")),
    )


def correlation(pairs: list[tuple[float, float]]) -> float | None:
    """Pearson's r, None for fewer than three points or no spread."""
    if len(pairs) < 3:
        return None
    n = len(pairs)
    mean_x = sum(x for x, _y in pairs) / n
    mean_y = sum(y for _x, y in pairs) / n
    cov = sum((x - mean_x) * (y - mean_y) for x, y in pairs)
    var_x = sum((x - mean_x) ** 2 for x, _y in pairs)
    var_y = sum((y - mean_y) ** 2 for _x, y in pairs)
    if not var_x or not var_y:
        return None
    return cov / math.sqrt(var_x * var_y)


def comparison_summary(comparison) -> str:
    pairs = [(float(p.crime.measure), float(p.safety.measure)) for p in comparison.points]
    r = correlation(pairs)
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
    ) % {"r": format_number(Decimal(str(round(r, 2))), 2), "count": len(pairs)}


def comparison_scatter(comparison, *, chart_id: str, highlight: str | None = None) -> SafeString:
    crime, safety = comparison.crime_indicator, comparison.safety_indicator
    ranked = sorted(comparison.points, key=lambda p: p.crime.measure, reverse=True)
    labelled = {p.district.slug for p in ranked[:3]} | ({highlight} if highlight else set())
    points = tuple(
        Point(
            p.district.name,
            float(p.crime.measure),
            float(p.safety.measure),
            f"{p.district.name}: {format_measure(p.crime.measure, crime)} / "
            f"{format_measure(p.safety.measure, safety)} %",
            highlight=p.district.slug in labelled,
        )
        for p in comparison.points
    )
    return render(
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
