"""The answer statistics' charts name each department in full (issue 19: the chart cut
"Dezernat Recht, Sicherheit u")."""

import xml.etree.ElementTree as ET
from datetime import date

import pytest

from tests.factories import OrganizationFactory, answered_motion

pytestmark = pytest.mark.django_db
SVG = "{http://www.w3.org/2000/svg}"
NAME = "Dezernat Recht, Sicherheit und Umweltschutz"


def test_both_statistics_charts_show_the_whole_department_name(client):
    law = OrganizationFactory(name=NAME, kind="department")
    answered_motion(
        department=law,
        registered=date(2024, 1, 1),
        answered=date(2024, 1, 11),
        due=date(2024, 1, 29),
    )
    page = client.get("/antraege/statistik/").content.decode()
    charts = []
    start = 0
    while (start := page.find("<svg", start)) != -1:
        end = page.index("</svg>", start) + len("</svg>")
        charts.append(ET.fromstring(page[start:end]))
        start = end
    assert len(charts) == 2
    for chart in charts:
        labels = [" ".join(" ".join(t.itertext()).split()) for t in chart.iter(f"{SVG}text")]
        assert NAME in labels
        assert not any(label.endswith(" u") or "…" in label for label in labels)
