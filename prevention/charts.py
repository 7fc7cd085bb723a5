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

from django.core.cache import cache
from django.utils.safestring import SafeString, mark_safe

from prevention.svg import (  # noqa: F401 (colours and measures are part of the engine's API)
    BAR,
    CHAR_WIDTH,
    CITY,
    FONT,
    GRID,
    HIGHLIGHT,
    MUTED,
    SERIES_COLOURS,
    SVG_NS,
    TEXT,
    add_legend,
    add_line,
    add_lines,
    add_text,
    add_value_grid,
    nice_ticks,
    resize_svg,
    serialize,
    svg_root,
    text_width,
    tick_label,
    wrap,
)

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
    """Horizontal bars, one per district, with an optional reference line (city average).

    Narrow on purpose (about 450 units for the 39 districts): scaled to a 390 px phone the
    labels keep about 10 px. Long labels wrap onto a second line instead of being cut; a value
    label that would cross the reference line moves past it."""
    max_chars = 26
    labels = [wrap(bar.label, max_chars) for bar in bars]
    line_count = max((len(lines) for lines in labels), default=1)
    row = 20 if line_count == 1 else 6 + 14 * line_count
    label_width = max(
        (
            text_width(line, bold=bar.highlight)
            for bar, lines in zip(bars, labels, strict=True)
            for line in lines
        ),
        default=0,
    )
    left = math.ceil(label_width) + 16
    value_width = max((text_width(bar.display, bold=bar.highlight) for bar in bars), default=0)
    right = math.ceil(value_width) + 16
    plot_width = 200
    top = 42
    width = left + plot_width + right
    width = max(width, math.ceil(text_width(axis_label)) + 16)
    plot_width = width - left - right
    height = top + row * max(len(bars), 1) + 36
    values = [bar.value for bar in bars if bar.value is not None]
    if reference:
        values.append(reference[1])
    # as many ticks as fit side by side without their labels touching
    widest = text_width(tick_label(nice_ticks(max(values, default=0))[-1])) + 14
    ticks = nice_ticks(max(values, default=0), max(2, int(plot_width // widest)))
    scale = plot_width / ticks[-1]
    svg = svg_root(chart_id, width, height, title, desc)
    svg.set("class", "chart-svg chart-bars")
    bottom = top + row * len(bars)
    for tick in ticks:
        x = left + tick * scale
        add_line(svg, x, top - 6, x, bottom, GRID)
        add_text(svg, x, top - 10, tick_label(tick), **{"text-anchor": "middle", "fill": MUTED})
    add_text(svg, 8, 14, axis_label, fill=MUTED)
    reference_x = left + reference[1] * scale if reference else None
    for index, (bar, lines) in enumerate(zip(bars, labels, strict=True)):
        y = top + index * row
        colour = HIGHLIGHT if bar.highlight else BAR
        weight = {"font-weight": "bold"} if bar.highlight else {}
        baseline = y + row / 2 + 4 - 7 * (len(lines) - 1)
        add_lines(svg, left - 8, baseline, lines, **{"text-anchor": "end", **weight})
        bar_width = (bar.value or 0) * scale
        if bar.value is not None:
            ET.SubElement(
                svg,
                "rect",
                {
                    "x": str(left),
                    "y": f"{y + 3:.1f}",
                    "width": f"{bar_width:.1f}",
                    "height": f"{row - 6:.1f}",
                    "fill": colour,
                },
            )
        value_x = left + bar_width + 4
        if reference_x is not None:
            value_end = value_x + text_width(bar.display, bold=bar.highlight)
            if value_x - 3 <= reference_x <= value_end + 3:
                value_x = reference_x + 5  # past the line, not through it
        add_text(svg, value_x, y + row / 2 + 4, bar.display, **weight)
    add_line(svg, left, top - 6, left, bottom, TEXT)
    if reference:
        add_line(
            svg,
            reference_x,
            top - 4,
            reference_x,
            bottom + 4,
            TEXT,
            **{"stroke-width": "2", "stroke-dasharray": "6 3"},
        )
        half = text_width(reference[0]) / 2
        label_x = min(max(reference_x, half + 4), width - half - 4)
        add_text(svg, label_x, bottom + 20, reference[0], **{"text-anchor": "middle"})
    return serialize(svg)


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
    column has a tooltip title with its group, series and displayed value. Legend entries
    and group labels wrap instead of running off the chart."""
    width, height = 640, 300
    left, right = 72, 20
    colours = [SERIES_COLOURS[index % len(SERIES_COLOURS)] for index in range(len(series))]
    band = (width - left - right) / max(len(groups), 1)
    group_labels = [
        wrap(group.label, max(4, int((band - 6) / (12 * CHAR_WIDTH)))) for group in groups
    ]
    label_lines = max((len(lines) for lines in group_labels), default=1)
    svg = svg_root(chart_id, width, height, title, desc)

    def swatch(colour):
        def draw(x, y):
            ET.SubElement(
                svg,
                "rect",
                {
                    "x": f"{x:.1f}",
                    "y": f"{y - 6:.1f}",
                    "width": "12",
                    "height": "12",
                    "fill": colour,
                },
            )

        return draw

    legend_bottom = add_legend(
        svg,
        [(name, swatch(colour)) for name, colour in zip(series, colours, strict=True)],
        left,
        width - right,
        30,
        swatch=12,
    )
    top, bottom = legend_bottom + 8, 18 + 14 * label_lines
    height = max(height, top + 180 + bottom)
    resize_svg(svg, width, height)
    plot_height = height - top - bottom
    ticks = nice_ticks(max((value for group in groups for value in group.values), default=0))

    def y_of(value: float) -> float:
        return top + plot_height - value / ticks[-1] * plot_height

    add_value_grid(svg, ticks, y_of, left, width - right)
    add_text(svg, left, 14, axis_label, fill=MUTED)
    column = min(24.0, band * 0.8 / max(len(series), 1))
    for index, (group, lines) in enumerate(zip(groups, group_labels, strict=True)):
        x0 = left + index * band + (band - column * len(series)) / 2
        add_lines(
            svg,
            left + index * band + band / 2,
            height - bottom + 18,
            lines,
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
    add_line(svg, left, top + plot_height, width - right, top + plot_height, TEXT)
    return serialize(svg)


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
    svg = svg_root(chart_id, width, height, title, desc)
    if not years:
        return serialize(svg)
    first, last = years[0], years[-1] + 1
    ticks = nice_ticks(max(values, default=0))
    plot_width, plot_height = width - left - right, height - top - bottom

    def x_of(position: float) -> float:
        return left + (position - first) / (last - first) * plot_width

    def y_of(value: float) -> float:
        return top + plot_height - value / ticks[-1] * plot_height

    add_value_grid(svg, ticks, y_of, left, width - right)
    add_text(svg, left, 14, axis_label, fill=MUTED)
    add_line(svg, left, top + plot_height, width - right, top + plot_height, TEXT)
    step = max(1, math.ceil(len(range(first, last)) / 12))
    for year in range(first, last, step):
        add_text(
            svg, x_of(year + 0.5), height - bottom + 18, str(year), **{"text-anchor": "middle"}
        )
    if marker and first <= marker[0].year < last:
        day = marker[0].timetuple().tm_yday - 1
        x = x_of(marker[0].year + day / 365)
        add_line(
            svg,
            x,
            top - 6,
            x,
            top + plot_height,
            HIGHLIGHT,
            **{"stroke-width": "2", "stroke-dasharray": "4 3"},
        )
        # right of the line if the label fits there, else left of it: never cut at the edge
        if x + 4 + text_width(marker[1]) <= width - 2:
            add_text(svg, x + 4, top + 8, marker[1], fill=HIGHLIGHT)
        else:
            add_text(svg, x - 4, top + 8, marker[1], fill=HIGHLIGHT, **{"text-anchor": "end"})
    legend = []
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

        def swatch(x, y, colour=colour, dash=dash):
            add_line(svg, x, y, x + 24, y, colour, **{"stroke-width": "2.5", **dash})

        legend.append((line.label, swatch))
    add_legend(svg, legend, left, width - right, 30, swatch=24)
    return serialize(svg)


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
    svg = svg_root(chart_id, width, height, title, desc)

    def x_of(value: float) -> float:
        return left + value / x_ticks[-1] * plot_width

    def y_of(value: float) -> float:
        return top + plot_height - value / y_ticks[-1] * plot_height

    for tick in x_ticks:
        add_line(svg, x_of(tick), top, x_of(tick), top + plot_height, GRID)
        add_text(
            svg,
            x_of(tick),
            top + plot_height + 16,
            tick_label(tick),
            **{"text-anchor": "middle", "fill": MUTED},
        )
    add_value_grid(svg, y_ticks, y_of, left, width - right)
    add_line(svg, left, top + plot_height, width - right, top + plot_height, TEXT)
    add_line(svg, left, top, left, top + plot_height, TEXT)
    add_text(svg, left + plot_width / 2, height - 12, x_label, **{"text-anchor": "middle"})
    add_text(svg, left, 20, y_label, fill=MUTED)
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
            add_text(
                group,
                x_of(point.x) + offset,
                y_of(point.y) - 8,
                point.label,
                **{"text-anchor": anchor, "font-weight": "bold"},
            )
    return serialize(svg)


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
    # columns as wide as their texts need, so that a phone shrinks the chart as little as it can
    top, row = 46, 20
    label_width = max((text_width(r.label, bold=r.highlight) for r in rows), default=0)
    display_width = max((text_width(r.display, bold=r.highlight) for r in rows), default=0)
    left, right = math.ceil(label_width) + 16, math.ceil(display_width) + 16
    width = max(left + 220 + right, math.ceil(text_width(axis_label)) + 16)
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

    svg = svg_root(chart_id, width, height, title, desc)
    bottom = top + row * len(rows)
    if log:
        candidates = [0.1, 0.2, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.2, 1.5, 2.0, 3.0, 5.0, 10.0]
        ticks = [tick * null for tick in candidates if low <= tick * null <= high]
    else:
        ticks = [low + (high - low) * step / 4 for step in range(5)]
    for tick in ticks:
        add_line(svg, x_of(tick), top - 6, x_of(tick), bottom, GRID)
        add_text(
            svg,
            x_of(tick),
            bottom + 16,
            tick_label(round(tick, 2)),
            **{"text-anchor": "middle", "fill": MUTED},
        )
    add_text(svg, 8, 14, axis_label, fill=MUTED)
    add_line(svg, x_of(null), top - 8, x_of(null), bottom + 4, TEXT, **{"stroke-width": "1.5"})
    for index, item in enumerate(rows):
        y = top + index * row + row / 2
        colour = HIGHLIGHT if item.highlight else BAR
        weight = {"font-weight": "bold"} if item.highlight else {}
        group = ET.SubElement(svg, "g")
        ET.SubElement(group, "title").text = f"{item.label}: {item.display}"
        add_text(group, left - 8, y + 4, item.label, **{"text-anchor": "end", **weight})
        if item.low is not None and item.high is not None and (not log or item.low > 0):
            add_line(group, x_of(item.low), y, x_of(item.high), y, colour, **{"stroke-width": "2"})
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
        add_text(group, width - right + 8, y + 4, item.display, **weight)
    return serialize(svg)


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
