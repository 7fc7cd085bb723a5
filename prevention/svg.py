"""Drawing primitives of the chart engine (prevention/charts.py): colours, ticks, text
measurement and wrapping, and the ElementTree helpers every chart type builds its SVG with."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from decimal import Decimal

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
SERIES_COLOURS = ("#5b8fc7", BAR, HIGHLIGHT, "#6f4a8e")


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


def tick_label(value: float) -> str:
    places = 0 if float(value).is_integer() else 1
    return formats.number(Decimal(str(value)), places)


# Average advance of a character at font-size 1 in the fonts the charts use (the PDF's DejaVu
# Sans is the widest); a little generous, so that a label estimated to fit does fit.
CHAR_WIDTH = 0.62


def text_width(text: str, size: float = 12, bold: bool = False) -> float:
    """Estimated width of `text` in user units: layout decisions that keep labels whole."""
    return len(text) * size * CHAR_WIDTH * (1.1 if bold else 1.0)


def wrap(text: str, max_chars: int) -> list[str]:
    """Break a label at spaces into lines of at most `max_chars` (a longer word keeps its own
    line): labels are wrapped, never cut."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= max_chars:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


def svg_root(chart_id: str, width: int, height: int, title: str, desc: str) -> ET.Element:
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


def resize_svg(svg: ET.Element, width: float, height: float) -> None:
    """A chart whose height depends on its labels: the viewBox and background follow."""
    svg.set("viewBox", f"0 0 {width} {height}")
    svg.set("width", str(width))
    svg.set("height", str(height))
    svg.find("rect").set("height", str(height))  # the white background, drawn first


def add_text(parent, x, y, content, **attrs) -> ET.Element:
    element = ET.SubElement(parent, "text", {"x": f"{x:.1f}", "y": f"{y:.1f}", **attrs})
    element.text = content
    return element


def add_line(parent, x1, y1, x2, y2, stroke, **attrs) -> ET.Element:
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


def add_lines(parent, x, y, lines: list[str], line_height: float = 14, **attrs) -> ET.Element:
    """One <text> with a <tspan> per line; `y` is the baseline of the first line. The text's
    content is the whole label, so it reads (and is found) as one."""
    element = ET.SubElement(parent, "text", {"x": f"{x:.1f}", "y": f"{y:.1f}", **attrs})
    if len(lines) == 1:
        element.text = lines[0]
        return element
    for index, line in enumerate(lines):
        span = ET.SubElement(
            element, "tspan", {"x": f"{x:.1f}", "dy": "0" if index == 0 else str(line_height)}
        )
        span.text = line
    return element


def add_legend(
    svg, entries: list[tuple[str, object]], left: float, right: float, y: float, swatch: float
) -> float:
    """Legend entries left to right, on as many rows as the width needs; `entries` are
    (label, draw(x, y) of a swatch `swatch` wide). Returns the y below the last row."""
    x = left
    for label, draw in entries:
        needed = swatch + 6 + text_width(label)
        if x > left and x + needed > right:
            x, y = left, y + 18
        draw(x, y)
        add_text(svg, x + swatch + 6, y + 4, label)
        x += needed + 16
    return y + 18


def add_value_grid(svg, ticks: list[float], y_of, left: float, right: float) -> None:
    """Horizontal grid lines with their labels left of the plot (the value axis)."""
    for tick in ticks:
        add_line(svg, left, y_of(tick), right, y_of(tick), GRID)
        add_text(
            svg,
            left - 6,
            y_of(tick) + 4,
            tick_label(tick),
            **{"text-anchor": "end", "fill": MUTED},
        )


def serialize(svg: ET.Element) -> SafeString:
    return mark_safe(ET.tostring(svg, encoding="unicode"))  # built by ElementTree: escaped
