"""A year with values for only some districts (a partial import) is marked "unvollständig"
on every page and ranks nobody (issue 16: "Stand 2026 … Rang 1 von 2")."""

import pytest

from prevention.models import District, IndicatorValue, Population
from tests.factories import IndicatorFactory


@pytest.fixture
def partial(db):
    districts = list(District.objects.order_by("number"))
    for district in districts:
        Population.objects.update_or_create(
            district=district, year=2023, defaults={"inhabitants": 5000}
        )
    indicator = IndicatorFactory(key="test.partial", name="Teilimport")
    IndicatorValue.objects.bulk_create(
        IndicatorValue(indicator=indicator, district=district, year=2023, value=100 + index)
        for index, district in enumerate(districts)
    )
    IndicatorValue.objects.bulk_create(
        IndicatorValue(indicator=indicator, district=district, year=2024, value=500)
        for district in districts[:2]
    )
    return indicator, districts


def test_overview_marks_the_year_and_drops_ranks(client, partial):
    indicator, _districts = partial
    text = client.get(f"/stadtteile/?kennzahl={indicator.key}&jahr=2024").content.decode()
    assert "2024 ist unvollständig" in text
    assert "Vergleichswert" not in text
    complete = client.get(f"/stadtteile/?kennzahl={indicator.key}&jahr=2023").content.decode()
    assert "unvollständig" not in complete and "Vergleichswert" in complete


def test_indicator_and_district_pages_mark_the_year(client, partial):
    indicator, districts = partial
    text = client.get(f"/kennzahlen/{indicator.key}/").content.decode()
    assert "2024 (unvollständig)" in text and "2023 (unvollständig)" not in text
    page = client.get(districts[0].get_absolute_url()).content.decode()
    assert "Stand 2024 (unvollständig)" in page
    assert "von 2 (1 = höchster Wert)" not in page


def test_downloads_mark_the_year(client, partial):
    indicator, _districts = partial
    data = client.get(f"/kennzahlen/{indicator.key}.json").json()
    flags = {(item["year"], item["incomplete_year"]) for item in data["values"]}
    assert flags == {(2023, False), (2024, True)}
    csv_text = client.get(f"/kennzahlen/{indicator.key}.csv").content.decode()
    assert csv_text.count("Jahr unvollständig") == 2  # the two districts of 2024
