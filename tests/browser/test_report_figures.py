"""Figures as a reader sees them in Chromium: the 39 district bars readable on a 390 px phone,
columns of figures aligned under their headers, one caption per figure (issue 19)."""

import io

import pytest
from django.core.management import call_command

from portal import roles
from prevention.demo import load_districts_and_indicators
from prevention.models.districts import load_districts
from prevention.models.indicators import load_catalogue

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# What the labels may shrink to: the old chart drew them about 5 px high at 390 px.
MIN_LABEL_PX = 9


@pytest.fixture(autouse=True)
def reference_data():
    # An earlier transactional test may have flushed the rows the migrations created.
    roles.ensure_roles()
    load_districts()
    load_catalogue()


def _label_heights(page, selector: str) -> list[float]:
    """Rendered height in CSS px of the font of each label text in the chart."""
    return page.eval_on_selector_all(
        selector,
        """texts => texts.map(t => {
            const svg = t.ownerSVGElement;
            const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
            return parseFloat(getComputedStyle(t).fontSize) * scale;
        })""",
    )


def test_district_bars_are_readable_on_a_phone(page, settings):
    settings.DEBUG = True
    load_districts_and_indicators(stdout=io.StringIO())
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/stadtteile/")
    chart = page.locator("svg.chart-bars").first
    chart.wait_for()
    labels = _label_heights(page, "svg.chart-bars > text")
    assert len(labels) > 39
    assert min(labels) >= MIN_LABEL_PX
    # the chart fits the screen: no sideways scrolling of the page
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert "Kleinolbersdorf-Altenhain" in chart.text_content()


def test_report_tables_put_each_year_over_its_values(page, settings):
    settings.DEBUG = True
    call_command("loaddemo", stdout=io.StringIO())
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/berichte/ba-044-2020/")
    tables = page.locator("table.report-table")
    assert tables.count() >= 5
    misaligned = page.eval_on_selector_all(
        "table.report-table",
        """tables => tables.flatMap(table => {
            const heads = [...table.querySelectorAll('thead th')];
            const problems = [];
            heads.forEach((th, index) => {
                if (!th.classList.contains('num')) return;
                const right = th => {
                    const range = document.createRange();
                    range.selectNodeContents(th);
                    return range.getBoundingClientRect().right;
                };
                const headRight = right(th);
                for (const row of table.querySelectorAll('tbody tr')) {
                    const cell = row.children[index];
                    if (cell && cell.textContent.trim() && Math.abs(right(cell) - headRight) > 1)
                        problems.push(th.textContent + ' / ' + cell.textContent);
                }
            });
            return problems;
        })""",
    )
    assert misaligned == []
    numeric_heads = page.locator("table.report-table thead th.num")
    assert numeric_heads.count() >= 10
    # one caption per figure, and German grammar for the district
    captions = page.locator("figcaption.report-exhibit-title").all_text_contents()
    assert any("im Zentrum 2015–2019" in caption for caption in captions)
    assert not any(" in Zentrum" in caption or caption.count(" – ") for caption in captions)
    # the report's district chart on a phone
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    labels = _label_heights(page, ".report-chart svg.chart-bars > text")
    assert len(labels) > 39 and min(labels) >= MIN_LABEL_PX
