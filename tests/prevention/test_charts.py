"""prevention.charts and prevention.figures: well-formed, accessible SVG that shows the numbers of
its data table, and the sentence that says what it shows."""

import itertools
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


# --- labels whole and inside the chart (issue 19, "Reading figures") -------------------------


def label_texts(root: ET.Element) -> list[str]:
    """Every label as a reader gets it: a wrapped label's lines joined by spaces."""
    return [" ".join(" ".join(element.itertext()).split()) for element in root.iter(f"{SVG}text")]


def label_extents(root: ET.Element):
    """(text, left, right, baseline) of every line of every label, estimated like the engine."""
    for element in root.iter(f"{SVG}text"):
        anchor = element.get("text-anchor", "start")
        bold = element.get("font-weight") == "bold"
        spans = element.findall(f"{SVG}tspan") or [element]
        y = float(element.get("y"))
        for span in spans:
            y += float(span.get("dy", 0))
            x = float(span.get("x", element.get("x")))
            width = charts.text_width(span.text or "", bold=bold)
            left = {"start": x, "middle": x - width / 2, "end": x - width}[anchor]
            yield span.text, left, left + width, y


def assert_labels_inside(root: ET.Element) -> None:
    _x, _y, width, height = (float(v) for v in root.get("viewBox").split())
    for text, left, right, baseline in label_extents(root):
        assert left >= 0 and right <= width, (text, left, right, width)
        assert 10 <= baseline <= height, (text, baseline, height)


def test_the_marker_label_is_whole_even_when_the_marker_is_near_the_right_edge():
    series = (
        charts.Series("Zentrum", tuple((year, 400.0 + year % 7) for year in range(2015, 2020))),
        charts.Series(
            "Stadt gesamt", tuple((year, 2100.0) for year in range(2015, 2020)), dashed=True
        ),
    )
    root = parse(
        charts.line_chart(
            chart_id="m",
            title="Streifen",
            desc="d",
            series=series,
            axis_label="Streifen",
            marker=(date(2019, 2, 6), "ASSKomm-Start 06.02.2019"),
        )
    )
    assert "ASSKomm-Start 06.02.2019" in label_texts(root)
    assert_labels_inside(root)


def test_value_labels_do_not_sit_on_the_city_average_line():
    bars = tuple(
        charts.Bar(f"Stadtteil {index}", value, formats_de(value))
        for index, value in enumerate((3823.0, 6766.0, 7134.0, 7477.0, 8688.0, 26341.0))
    )
    root = parse(
        charts.bar_chart(
            chart_id="r",
            title="t",
            desc="d",
            bars=bars,
            axis_label="Häufigkeitszahl (Fälle je 100.000 Einwohner)",
            reference=("Stadt gesamt: 7.607", 7607.0),
        )
    )
    line = next(
        element for element in root.iter(f"{SVG}line") if element.get("stroke-dasharray") == "6 3"
    )
    x = float(line.get("x1"))
    values = {formats_de(bar.value) for bar in bars}
    crossed = [
        text
        for text, left, right, _y in label_extents(root)
        if text in values and left <= x <= right
    ]
    assert crossed == []
    assert_labels_inside(root)


def formats_de(value: float) -> str:
    from portal import formats

    return formats.number(value)


def test_long_bar_labels_wrap_instead_of_being_cut():
    name = "Dezernat Recht, Sicherheit und Umweltschutz"
    bars = (
        charts.Bar(name, 87.5, "87,5 %"),
        charts.Bar("Dezernat Soziales", None, "keine Frist abgelaufen"),
    )
    root = parse(
        charts.bar_chart(chart_id="s", title="t", desc="d", bars=bars, axis_label="Prozent")
    )
    assert name in label_texts(root)
    assert_labels_inside(root)


def test_the_39_district_bars_stay_narrow_enough_for_a_phone():
    """Scaled to a 390 px screen (about 358 px for the chart) the labels keep 9 px or more."""
    names = ["Kleinolbersdorf-Altenhain", "Zentrum", *(f"Stadtteil {n}" for n in range(37))]
    bars = tuple(charts.Bar(name, 1000.0 + 100 * i, "1.000") for i, name in enumerate(names))
    root = parse(
        charts.bar_chart(
            chart_id="d",
            title="t",
            desc="d",
            bars=bars,
            axis_label="Häufigkeitszahl (Fälle je 100.000 Einwohner)",
            reference=("Stadt gesamt: 2.000", 2000.0),
        )
    )
    width = float(root.get("viewBox").split()[2])
    assert 12 * 358 / width >= 9
    assert "Kleinolbersdorf-Altenhain" in label_texts(root)
    assert_labels_inside(root)


def test_column_chart_wraps_long_group_names_and_legend_entries():
    departments = (
        "Dezernat Recht, Sicherheit und Umweltschutz",
        "Dezernat Soziales, Jugend und Gesundheit",
        "Dezernat Stadtentwicklung und Bau",
    )
    series = (
        "fristgerecht beantwortet",
        "verspätet beantwortet",
        "offen, Frist läuft",
        "offen, überfällig",
    )
    groups = tuple(
        charts.Group(name, (3.0, 1.0, 2.0, 0.0), ("3", "1", "2", "0")) for name in departments
    )
    root = parse(
        charts.column_chart(
            chart_id="c", title="t", desc="d", series=series, groups=groups, axis_label="Anzahl"
        )
    )
    labels = label_texts(root)
    for expected in (*departments, *series):
        assert expected in labels
    assert_labels_inside(root)
    # group labels do not run into each other
    extents = sorted(
        (left, right)
        for text, left, right, _y in label_extents(root)
        if text and "Dezernat" in text
    )
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(extents) if a[0] != b[0])


def test_a_trend_title_says_im_zentrum_and_in_bernsdorf():
    assert figures.in_district("Zentrum") == "im Zentrum"
    assert figures.in_district("Sonnenberg") == "auf dem Sonnenberg"
    assert figures.in_district("Bernsdorf") == "in Bernsdorf"
    with translation.override("en"):
        assert figures.in_district("Zentrum") == "in Zentrum"


def test_the_forest_chart_keeps_its_labels_inside_and_is_no_wider_than_needed():
    rows = tuple(
        charts.ForestRow(name, 0.92, 0.89, 0.95, "0,92 (0,89 bis 0,95)")
        for name in ("Mit Maßnahmen (gesamt)", "Kleinolbersdorf-Altenhain", "Zentrum *")
    )
    root = parse(
        charts.forest_chart(
            chart_id="w",
            title="T",
            desc="D",
            rows=rows,
            axis_label="Verhältnis der Raten nachher/vorher (1 = keine Veränderung, log. Skala)",
        )
    )
    assert_labels_inside(root)
    assert float(root.get("viewBox").split()[2]) <= 600  # was 760: shrinks less on a phone
