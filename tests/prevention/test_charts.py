"""prevention.charts and prevention.figures: well-formed, accessible SVG that shows the numbers of
its data table, and the sentence that says what it shows."""

import re
import xml.etree.ElementTree as ET
from datetime import date
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.utils import translation

from prevention import charts, figures, stats

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(autouse=True)
def german():
    cache.clear()
    with translation.override("de"):
        yield


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)  # raises on anything that is not well-formed XML
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    title_id, desc_id = root.get("aria-labelledby").split()
    assert root.find(f"{SVG}title").get("id") == title_id
    assert root.find(f"{SVG}desc").get("id") == desc_id
    assert "style" not in svg  # the CSP forbids inline styles
    assert "<script" not in svg
    return root


def texts(root: ET.Element) -> list[str]:
    return [element.text for element in root.iter(f"{SVG}text")]


def test_bar_chart_carries_title_description_and_every_value():
    bars = (
        charts.Bar("Zentrum", 26083.1, "26.083", highlight=True),
        charts.Bar("Euba", 1990.0, "1.990"),
        charts.Bar("Erfenschlag", None, "."),
    )
    svg = charts.bar_chart(
        chart_id="b",
        title="Straftaten <2023>",
        desc="Zentrum am höchsten & Euba am niedrigsten.",
        bars=bars,
        axis_label="Häufigkeitszahl",
        reference=("Stadt gesamt: 7.470", 7470.0),
    )
    root = parse(svg)
    assert root.find(f"{SVG}title").text == "Straftaten <2023>"  # escaped, not markup
    assert root.find(f"{SVG}desc").text.startswith("Zentrum am höchsten & Euba")
    labels = texts(root)
    for expected in (
        "Zentrum",
        "26.083",
        "Euba",
        "1.990",
        "Erfenschlag",
        ".",
        "Stadt gesamt: 7.470",
    ):
        assert expected in labels
    # one rect per drawn bar (plus the background); no bar for the withheld value
    assert len(root.findall(f"{SVG}rect")) == 1 + 2


def test_line_chart_marks_asskomm_start_between_2018_and_2019():
    series = (
        charts.Series("Zentrum", ((2017, 10.0), (2018, 12.0), (2019, None), (2020, 9.0))),
        charts.Series("Stadt gesamt", ((2017, 5.0), (2018, 6.0), (2019, 5.5), (2020, 5.0)), True),
    )
    svg = charts.line_chart(
        chart_id="l",
        title="Verlauf",
        desc="Beschreibung",
        series=series,
        axis_label="HZ",
        marker=(date(2019, 2, 6), "ASSKomm-Start 06.02.2019"),
    )
    root = parse(svg)
    assert "ASSKomm-Start 06.02.2019" in texts(root)
    year_x = {
        element.text: float(element.get("x"))
        for element in root.iter(f"{SVG}text")
        if re.fullmatch(r"\d{4}", element.text or "")
    }
    marker = next(
        line
        for line in root.iter(f"{SVG}line")
        if line.get("stroke") == charts.HIGHLIGHT and line.get("stroke-dasharray")
    )
    assert year_x["2018"] < float(marker.get("x1")) < year_x["2019"]
    # the gap in 2019 splits the district's line; the city's dashed line is one polyline
    assert len(root.findall(f"{SVG}polyline")) == 2


def test_scatter_gives_every_point_a_tooltip_and_labels_highlights():
    points = (
        charts.Point("Zentrum", 26000.0, 30.0, "Zentrum: 26.000 / 30 %", highlight=True),
        charts.Point("Euba", 2000.0, 90.0, "Euba: 2.000 / 90 %"),
    )
    svg = charts.scatter_chart(
        chart_id="s", title="Vergleich", desc="r = -1", points=points, x_label="x", y_label="y"
    )
    root = parse(svg)
    tooltips = [group.find(f"{SVG}title").text for group in root.iter(f"{SVG}g")]
    assert tooltips == ["Zentrum: 26.000 / 30 %", "Euba: 2.000 / 90 %"]
    assert "Zentrum" in texts(root) and "Euba" not in texts(root)


def test_nice_ticks_cover_the_maximum_with_round_steps():
    assert charts.nice_ticks(26083) == [0, 10000, 20000, 30000]
    assert charts.nice_ticks(97.5) == [0, 20, 40, 60, 80, 100]
    assert charts.nice_ticks(0) == [0.0, 1.0]


def test_render_caches_until_the_data_changes(monkeypatch):
    calls = []
    original = charts.CHARTS["bar"]

    def counting(**spec):
        calls.append(spec)
        return original(**spec)

    monkeypatch.setitem(charts.CHARTS, "bar", counting)
    spec = {
        "chart_id": "c",
        "title": "t",
        "desc": "d",
        "bars": (charts.Bar("A", 1.0, "1"),),
        "axis_label": "x",
    }
    first = charts.render("bar", **spec)
    assert charts.render("bar", **spec) == first
    assert len(calls) == 1
    changed = charts.render("bar", **{**spec, "bars": (charts.Bar("A", 2.0, "2"),)})
    assert changed != first and len(calls) == 2


def test_correlation():
    assert stats.correlation([(1, 2), (2, 4), (3, 6)]) == pytest.approx(1.0)
    assert stats.correlation([(1, 3), (2, 2), (3, 1)]) == pytest.approx(-1.0)
    assert stats.correlation([(1, 1), (2, 2)]) is None


def test_column_chart_groups_series_with_legend_and_tooltips():
    groups = (
        charts.Group("2020", (14000.0, 13500.0, 1500.0), ("14.000 €", "13.500 €", "1.500 €")),
        charts.Group("2021", (1000.0, 800.0, 200.0), ("1.000 €", "800 €", "200 €")),
    )
    svg = charts.column_chart(
        chart_id="f",
        title="Förderung",
        desc="Summe",
        series=("beantragt", "bewilligt", "Eigenanteil"),
        groups=groups,
        axis_label="Betrag in Euro",
    )
    root = parse(svg)
    labels = texts(root)
    for expected in ("2020", "2021", "beantragt", "bewilligt", "Eigenanteil", "Betrag in Euro"):
        assert expected in labels
    tooltips = [group.find(f"{SVG}title").text for group in root.iter(f"{SVG}g")]
    assert tooltips[:3] == [
        "2020, beantragt: 14.000 €",
        "2020, bewilligt: 13.500 €",
        "2020, Eigenanteil: 1.500 €",
    ]
    # one column per value, three legend swatches and the background
    assert len(root.findall(f".//{SVG}rect")) == 6 + 3 + 1


def test_funding_figure_sums_sources_per_year():
    rows = [
        {
            "year": 2020,
            "requested_sum": Decimal(9000),
            "granted_sum": Decimal(9000),
            "own_share_sum": Decimal(1000),
        },
        {
            "year": 2020,
            "requested_sum": Decimal(5000),
            "granted_sum": Decimal(4500),
            "own_share_sum": Decimal(500),
        },
        {
            "year": 2021,
            "requested_sum": Decimal(1000),
            "granted_sum": Decimal(800),
            "own_share_sum": Decimal(200),
        },
    ]
    root = parse(figures.funding_chart(rows, chart_id="foerderung-diagramm"))
    assert root.find(f"{SVG}title").text == "Förderung des Präventionsrats je Jahr"
    tooltips = [group.find(f"{SVG}title").text for group in root.iter(f"{SVG}g")]
    assert "2020, bewilligt: 13.500\u00a0€" in tooltips
    summary = figures.funding_summary(rows)
    assert summary.startswith("2020 bis 2021")
    assert "bewilligt 14.300\u00a0€" in summary
    assert figures.funding_chart([], chart_id="leer") is None


def test_figures_follow_the_language():
    rows = [
        {
            "year": 2020,
            "requested_sum": Decimal(12500),
            "granted_sum": Decimal(0),
            "own_share_sum": Decimal(0),
        }
    ]
    with translation.override("en"):
        assert "€12,500" in figures.funding_summary(rows)


def test_forest_chart_draws_estimates_intervals_and_the_no_change_line():
    import xml.etree.ElementTree as ET

    from prevention import charts

    rows = (
        charts.ForestRow("Zentrum", 0.8, 0.7, 0.9, "0,80 (0,70 bis 0,90)", highlight=True),
        charts.ForestRow("Euba", 1.1, 0.6, 2.0, "1,10 (0,60 bis 2,00)"),
        charts.ForestRow("Leer", None, None, None, "nicht bestimmbar"),
    )
    svg = ET.fromstring(
        str(
            charts.forest_chart(
                chart_id="w", title="T", desc="D", rows=rows, axis_label="Verhältnis"
            )
        )
    )
    ns = {"s": charts.SVG_NS}
    assert svg.get("role") == "img"
    assert [g.find("s:title", ns).text for g in svg.findall("s:g", ns)] == [
        "Zentrum: 0,80 (0,70 bis 0,90)",
        "Euba: 1,10 (0,60 bis 2,00)",
        "Leer: nicht bestimmbar",
    ]
    squares = svg.findall("s:g/s:rect", ns)
    assert len(squares) == 2 and squares[0].get("fill") == charts.HIGHLIGHT
    # the estimate below 1 lies left of the "no change" line, the one above right of it
    labels = {t.text: float(t.get("x")) for t in svg.findall("s:text", ns)}
    one = labels["1"]
    assert float(squares[0].get("x")) + 4 < one < float(squares[1].get("x")) + 4
