"""prevention.stats: Häufigkeitszahl, changes, city reference, rank, withholding."""

from decimal import Decimal

import pytest

from prevention import stats
from prevention.models import District, Indicator, IndicatorValue, Population
from tests.factories import IndicatorFactory, IndicatorValueFactory


def test_haeufigkeitszahl_is_cases_per_100000_inhabitants():
    assert stats.haeufigkeitszahl(3865, 14_819) == Decimal("26081.4")
    assert stats.haeufigkeitszahl(0, 1000) == Decimal("0.0")
    assert stats.haeufigkeitszahl(5, 0) is None
    assert stats.haeufigkeitszahl(None, 1000) is None


def test_change_against_a_base():
    result = stats.change(Decimal(90), Decimal(120))
    assert (result.absolute, result.percent, result.direction) == (-30, Decimal("-25.0"), "down")
    assert result.improved is True  # less crime
    assert stats.change(Decimal(5), Decimal(0)).percent is None
    assert stats.change(None, Decimal(3)) is None
    assert stats.change(Decimal(70), Decimal(60), higher_is_better=True).improved is True


def test_collate_key_sorts_umlauts_like_a_phone_book():
    names = ["Rottluff", "Röhrsdorf", "Reichenhain", "Zentrum", "Schönau", "Schloßchemnitz"]
    assert sorted(names, key=stats.collate_key) == [
        "Reichenhain",
        "Röhrsdorf",
        "Rottluff",
        "Schloßchemnitz",
        "Schönau",
        "Zentrum",
    ]


@pytest.fixture
def small_city(db):
    """Three districts with populations, an indicator with values for 2018, 2022, 2023."""
    districts = list(District.objects.filter(number__in=["01", "02", "44"]).order_by("number"))
    for district, inhabitants in zip(districts, [15_000, 14_000, 1_000], strict=True):
        Population.objects.update_or_create(
            district=district, year=2018, defaults={"inhabitants": inhabitants}
        )
    indicator = IndicatorFactory(key="test.cases", suppression_threshold=3)
    figures = {
        "01": {2018: 4000, 2022: 3800, 2023: 3600},
        "02": {2018: 1400, 2022: 1500, 2023: 1500},
        "44": {2018: 10, 2022: 4, 2023: 2},  # 2023 below the threshold
    }
    for district in districts:
        for year, value in figures[district.number].items():
            IndicatorValueFactory(indicator=indicator, district=district, year=year, value=value)
    for year, value in {2018: 5600, 2022: 5400, 2023: 5200}.items():
        IndicatorValueFactory(indicator=indicator, district=None, year=year, value=value)
    return indicator, districts


def test_public_dataset_withholds_small_count_and_everything_derived_from_it(small_city):
    indicator, districts = small_city
    dataset = stats.load_dataset([indicator])
    figure = dataset.figure(indicator, districts[2], 2023)
    assert figure.withheld and figure.value is None and figure.rate is None
    assert dataset.change(indicator, districts[2], 2023, 2022) is None
    assert districts[2].pk not in dataset.ranking(indicator, 2023, districts)


def test_staff_dataset_reveals_small_count_but_marks_it(small_city):
    indicator, districts = small_city
    dataset = stats.load_dataset([indicator], reveal=True)
    figure = dataset.figure(indicator, districts[2], 2023)
    assert figure.withheld and figure.value == 2
    assert figure.rate == Decimal("200.0")


def test_population_of_latest_earlier_year_is_used_for_rates(small_city):
    indicator, districts = small_city
    figure = stats.load_dataset([indicator]).figure(indicator, districts[0], 2023)
    assert (figure.population, figure.population_year) == (15_000, 2018)
    assert figure.rate == Decimal("24000.0")


def test_district_table_ranks_changes_and_city_reference(small_city):
    indicator, districts = small_city
    dataset = stats.load_dataset([indicator])
    table = stats.district_table(dataset, indicator, 2023, districts)
    rows = {row.district.number: row for row in table.rows}
    # 44 is withheld (2 < 3); 02 too, or city - 01 - 02 would give it back (complementary
    # suppression, prevention/suppression.py)
    assert rows["01"].rank == 1 and rows["02"].rank is None and rows["44"].rank is None
    assert rows["02"].figure.withheld and rows["02"].figure.value is None
    assert table.ranked == 1
    assert rows["01"].change_baseline.percent == Decimal("-10.0")  # 3600 vs 4000 per 15,000
    assert rows["02"].change_previous is None
    previous = stats.district_table(dataset, indicator, 2022, districts)
    assert {row.district.number: row.rank for row in previous.rows}["02"] == 2
    # the city: its own count over the sum of the districts' populations
    assert table.city.population == 30_000
    assert table.reference.measure == stats.haeufigkeitszahl(5200, 30_000)
    assert table.withheld


def test_ranks_share_ties_and_skip_districts_without_value():
    indicator = Indicator(pk=1, kind="count", per_100k=False, suppression_threshold=0)
    districts = [District(pk=pk, name=f"D{pk}") for pk in (1, 2, 3, 4)]
    values = [
        IndicatorValue(indicator_id=1, district_id=pk, year=2023, quarter=0, value=value)
        for pk, value in ((1, 10), (2, 30), (3, 10))
    ]
    ranking = stats.DataSet(values, []).ranking(indicator, 2023, districts[:3])
    assert ranking == {2: 1, 1: 2, 3: 2}
    # district 4 has no value: the year is incomplete (a partial import) and ranks nobody
    assert stats.DataSet(values, []).ranking(indicator, 2023, districts) == {}


def test_incomplete_year_has_no_ranks_and_no_city_reference(small_city):
    indicator, districts = small_city
    IndicatorValueFactory(indicator=indicator, district=districts[0], year=2024, value=3000)
    IndicatorValueFactory(indicator=indicator, district=None, year=2024, value=3000)
    dataset = stats.load_dataset([indicator])
    table = stats.district_table(dataset, indicator, 2024, districts)
    assert table.incomplete and table.ranked == 0 and table.reference is None
    assert dataset.incomplete_years(indicator, districts) == [2024]
    assert not stats.district_table(dataset, indicator, 2023, districts).incomplete
    trend = stats.district_trends(districts[0], [indicator], districts)[0]
    assert trend.incomplete_years == (2024,) and trend.rank is None


def test_district_trends_use_a_fixed_number_of_queries(small_city, django_assert_num_queries):
    indicator, districts = small_city
    more = [IndicatorFactory() for _ in range(3)]
    for extra in more:
        for year in range(2010, 2024):
            IndicatorValueFactory(indicator=extra, district=districts[0], year=year, value=year)
    # 2 x (values, populations) and the other districts' values for the suppression
    with django_assert_num_queries(5):
        trends = stats.district_trends(districts[0], [indicator, *more], districts)
    assert len(trends) == 4
    first = trends[0]
    assert [figure.year for figure in first.figures] == [2018, 2022, 2023]
    assert first.rank == 1 and first.ranked == 1
    assert first.change_baseline.percent == Decimal("-10.0")


def test_safety_comparison_pairs_rate_and_share(small_city):
    indicator, districts = small_city
    safety = IndicatorFactory(key="test.safe", kind="percent", per_100k=False, unit="%")
    IndicatorValueFactory(indicator=safety, district=districts[0], year=2023, value=30)
    IndicatorValueFactory(indicator=safety, district=districts[1], year=2023, value=70)
    comparison = stats.safety_comparison(
        stats.load_dataset([indicator, safety]), indicator, safety, 2023, districts
    )
    assert [p.district.name for p in comparison.points] == ["Zentrum"]
    assert sorted(d.number for d in comparison.missing) == ["02", "44"]  # 02: secondary


def test_common_year_prefers_the_wanted_one():
    a, b = Indicator(pk=1), Indicator(pk=2)
    years = {1: [2018, 2022, 2023], 2: [2018, 2022]}
    assert stats.common_year(years, a, b, wanted=2018) == 2018
    assert stats.common_year(years, a, b, wanted=2023) == 2022
    assert stats.common_year({1: [2020]}, a, b, wanted=None) is None


def test_quarterly_values_stay_out_of_annual_figures(small_city):
    indicator, districts = small_city
    IndicatorValue.objects.create(
        indicator=indicator, district=districts[0], year=2024, quarter=1, value=900
    )
    assert stats.load_dataset([indicator]).years(indicator) == [2018, 2022, 2023]
