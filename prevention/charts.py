"""The chart engine: server-side SVG bar, grouped column, line (with a date marker) and scatter
charts. What the portal draws with it (indicator and funding figures) is in prevention/figures.py.

A small module of our own instead of a plotting library: the four chart types need about 400
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
from django.utils.safestring import SafeString, mark_safe

from portal import formats

SVG_NS = "http://www.w3.org/2000/svg"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"
TEXT = "#212529"
MUTED = "#595959"
GRID = "#d0d4d8"
BAR = "#2f6690"
HIGHLIGHT = "#b3541e"
CITY = "#4d4d4d"
# Column colours of a grouped chart, in series order; each keeps 3:1 against the white ground.
SERIES_COLOURS = ("#5b8fc7", BAR, HIGHLIGHT)
CACHE_SECONDS = 24 * 3600


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None  # None: no bar (missing or withheld); `display` says which
    display: str
    highlight: bool = False


@dataclass(frozen=True)
class Group:
    """One group of a column chart (a year): a value and its displayed text per series."""

    label: str
    values: tuple[float, ...]
    displays: tuple[str, ...]


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
    return formats.number(Decimal(str(value)), places)


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


def _value_grid(svg, ticks: list[float], y_of, left: float, right: float) -> None:
    """Horizontal grid lines with their labels left of the plot (the value axis)."""
    for tick in ticks:
        _line(svg, left, y_of(tick), right, y_of(tick), GRID)
        _text(
            svg,
            left - 6,
            y_of(tick) + 4,
            _tick_label(tick),
            **{"text-anchor": "end", "fill": MUTED},
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


def column_chart(
    *,
    chart_id: str,
    title: str,
    desc: str,
    series: tuple[str, ...],
    groups: tuple[Group, ...],
    axis_label: str,
) -> SafeString:
    """Vertical columns grouped side by side (one colour per series, a legend on top); every
    column has a tooltip title with its group, series and displayed value."""
    width, height = 640, 300
    left, right, top, bottom = 72, 20, 56, 32
    plot_width, plot_height = width - left - right, height - top - bottom
    ticks = nice_ticks(max((value for group in groups for value in group.values), default=0))
    svg = _svg(chart_id, width, height, title, desc)

    def y_of(value: float) -> float:
        return top + plot_height - value / ticks[-1] * plot_height

    _value_grid(svg, ticks, y_of, left, width - right)
    _text(svg, left, 14, axis_label, fill=MUTED)
    legend_x = left
    colours = [SERIES_COLOURS[index % len(SERIES_COLOURS)] for index in range(len(series))]
    for name, colour in zip(series, colours, strict=True):
        ET.SubElement(
            svg,
            "rect",
            {"x": str(legend_x), "y": "24", "width": "12", "height": "12", "fill": colour},
        )
        label = _text(svg, legend_x + 18, 34, name)
        legend_x += 34 + 7 * len(label.text)
    band = plot_width / max(len(groups), 1)
    column = min(24.0, band * 0.8 / max(len(series), 1))
    for index, group in enumerate(groups):
        x0 = left + index * band + (band - column * len(series)) / 2
        _text(
            svg,
            x0 + column * len(series) / 2,
            height - bottom + 18,
            group.label,
            **{"text-anchor": "middle"},
        )
        for offset, (name, value, display) in enumerate(
            zip(series, group.values, group.displays, strict=True)
        ):
            cell = ET.SubElement(svg, "g")
            ET.SubElement(cell, "title").text = f"{group.label}, {name}: {display}"
            ET.SubElement(
                cell,
                "rect",
                {
                    "x": f"{x0 + offset * column:.1f}",
                    "y": f"{y_of(value):.1f}",
                    "width": f"{column - 1:.1f}",
                    "height": f"{top + plot_height - y_of(value):.1f}",
                    "fill": colours[offset],
                },
            )
    _line(svg, left, top + plot_height, width - right, top + plot_height, TEXT)
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

    _value_grid(svg, ticks, y_of, left, width - right)
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
    _value_grid(svg, y_ticks, y_of, left, width - right)
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


@dataclass(frozen=True)
class ForestRow:
    label: str
    value: float | None  # None: no estimate; `display` says why
    low: float | None
    high: float | None
    display: str
    highlight: bool = False  # e.g. a credible change: drawn in the highlight colour, bold


def forest_chart(
    *,
    chart_id: str,
    title: str,
    desc: str,
    rows: tuple[ForestRow, ...],
    axis_label: str,
    null: float = 1.0,
    log: bool = True,
) -> SafeString:
    """A forest plot: one row per district (or indicator) with its estimate as a square, the
    95 % interval as a line, a vertical line at "no change" (`null`), the figures on the
    right. Ratios are drawn on a log scale so that halving and doubling lie equally far."""
    left, right, top, row = 190, 200, 46, 20
    width = 760
    height = top + row * max(len(rows), 1) + 40
    plot_width = width - left - right
    bounds = [
        v for r in rows for v in (r.low, r.high, r.value) if v is not None and (v > 0 or not log)
    ] + [null]
    if log:
        low = min([*bounds, null * 0.8])
        high = max([*bounds, null * 1.25])
        t = math.log
    else:
        low, high = min(bounds), max(bounds)
        pad = (high - low) * 0.05 or 1.0
        low, high = low - pad, high + pad

        def t(v):
            return v

    span = (t(high) - t(low)) or 1.0

    def x_of(value: float) -> float:
        return left + (t(value) - t(low)) / span * plot_width

    svg = _svg(chart_id, width, height, title, desc)
    bottom = top + row * len(rows)
    if log:
        candidates = [0.1, 0.2, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.2, 1.5, 2.0, 3.0, 5.0, 10.0]
        ticks = [tick * null for tick in candidates if low <= tick * null <= high]
    else:
        ticks = [low + (high - low) * step / 4 for step in range(5)]
    for tick in ticks:
        _line(svg, x_of(tick), top - 6, x_of(tick), bottom, GRID)
        _text(
            svg,
            x_of(tick),
            bottom + 16,
            _tick_label(round(tick, 2)),
            **{"text-anchor": "middle", "fill": MUTED},
        )
    _text(svg, left, 14, axis_label, fill=MUTED)
    _line(svg, x_of(null), top - 8, x_of(null), bottom + 4, TEXT, **{"stroke-width": "1.5"})
    for index, item in enumerate(rows):
        y = top + index * row + row / 2
        colour = HIGHLIGHT if item.highlight else BAR
        weight = {"font-weight": "bold"} if item.highlight else {}
        group = ET.SubElement(svg, "g")
        ET.SubElement(group, "title").text = f"{item.label}: {item.display}"
        _text(group, left - 8, y + 4, item.label, **{"text-anchor": "end", **weight})
        if item.low is not None and item.high is not None and (not log or item.low > 0):
            _line(group, x_of(item.low), y, x_of(item.high), y, colour, **{"stroke-width": "2"})
        if item.value is not None and (not log or item.value > 0):
            x = x_of(item.value)
            ET.SubElement(
                group,
                "rect",
                {
                    "x": f"{x - 4:.1f}",
                    "y": f"{y - 4:.1f}",
                    "width": "8",
                    "height": "8",
                    "fill": colour,
                },
            )
        _text(group, width - right + 8, y + 4, item.display, **weight)
    return _serialize(svg)


CHARTS = {
    "forest": forest_chart,
    "bar": bar_chart,
    "column": column_chart,
    "line": line_chart,
    "scatter": scatter_chart,
}


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
