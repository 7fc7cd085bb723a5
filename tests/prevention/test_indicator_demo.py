"""Demo indicators: deterministic, idempotent, plausible, labelled."""

import io

import pytest

from prevention import stats
from prevention.demo import DEMO_YEARS, load_districts_and_indicators
from prevention.models import District, Indicator, IndicatorValue, Population

pytestmark = pytest.mark.django_db


def snapshot():
    return (
        sorted(IndicatorValue.objects.values_list("pk", "value", "modified")),
        sorted(Population.objects.values_list("pk", "inhabitants")),
    )


def test_demo_covers_every_indicator_district_and_year_and_is_idempotent():
    load_districts_and_indicators(stdout=io.StringIO())
    expected = Indicator.objects.count() * (District.objects.count() + 1) * len(DEMO_YEARS)
    assert IndicatorValue.objects.count() == expected
    assert not IndicatorValue.objects.filter(synthetic=False).exists()
    first = snapshot()
    load_districts_and_indicators(stdout=io.StringIO())
    assert snapshot() == first


def test_demo_is_deterministic():
    load_districts_and_indicators(stdout=io.StringIO())
    first = sorted(
        IndicatorValue.objects.values_list("indicator__key", "district__number", "year", "value"),
        key=str,
    )
    IndicatorValue.objects.all().delete()
    Population.objects.filter(synthetic=True).delete()
    load_districts_and_indicators(stdout=io.StringIO())
    again = IndicatorValue.objects.values_list(
        "indicator__key", "district__number", "year", "value"
    )
    assert sorted(again, key=str) == first


def test_demo_keeps_published_populations_and_has_plausible_magnitudes():
    load_districts_and_indicators(stdout=io.StringIO())
    zentrum = District.objects.get(number="01")
    assert Population.objects.get(district=zentrum, year=2018).inhabitants == 14679
    assert not Population.objects.get(district=zentrum, year=2018).synthetic
    indicator = Indicator.objects.get(key="pks.890000")
    districts = list(District.objects.all())
    dataset = stats.load_dataset([indicator])
    table = stats.district_table(dataset, indicator, 2022, districts)
    city = table.reference.measure
    assert 6_000 < city < 10_000
    centre = next(row for row in table.rows if row.district == zentrum)
    assert centre.rank == 1 and centre.figure.rate > 2.5 * float(city)
    total = sum(p.inhabitants for p in Population.objects.filter(year=2023))
    assert 235_000 < total < 265_000


def test_demo_pages_say_beispieldaten(client):
    load_districts_and_indicators(stdout=io.StringIO())
    for url in ["/stadtteile/", "/stadtteile/zentrum/", "/kennzahlen/pks.890000.csv"]:
        assert "Beispieldaten – keine amtlichen Zahlen" in client.get(url).content.decode()
