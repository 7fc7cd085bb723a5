"""Complementary suppression: an attacker's arithmetic over the public outputs (the CSV and
JSON downloads, the "Stadt gesamt" row, the district table) must not give back or narrow down
any withheld value, for the demo and for random data (Hypothesis). Staff see every value."""

import csv
import io
import json
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from prevention import stats, suppression
from prevention.demo import load_districts_and_indicators
from prevention.models import District, Indicator, IndicatorValue


def attacker_ranges(public: dict, city, primary: set, threshold: int) -> dict:
    """What the city total tells about each hidden district: the exact range of the linear
    system "hidden cells sum to city − public ones". The attacker is given more than the page
    shows: which "." is a small value (0 .. t−1) and that every other "." is at least t."""
    hidden = [key for key, value in public.items() if value is None]
    if city is None or not hidden:
        return {key: (0, threshold - 1) for key in hidden if key in primary}
    rest = city - sum(value for value in public.values() if value is not None)
    lower = {key: 0 if key in primary else threshold for key in hidden}
    upper = {key: threshold - 1 if key in primary else rest for key in hidden}
    ranges = {}
    for key in hidden:
        others_low = sum(lower[other] for other in hidden if other != key)
        others_high = sum(upper[other] for other in hidden if other != key)
        ranges[key] = (max(lower[key], rest - others_high), min(upper[key], rest - others_low))
    return {key: ranges[key] for key in hidden if key in primary}


def _column(threshold: int, values: list[int], *, reveal: bool = False):
    indicator = Indicator(pk=1, key="x", kind="count", suppression_threshold=threshold)
    rows = [
        IndicatorValue(indicator_id=1, district_id=pk, year=2023, quarter=0, value=Decimal(v))
        for pk, v in enumerate(values, start=1)
    ]
    city = Decimal(sum(values))
    rows.append(IndicatorValue(indicator_id=1, district_id=None, year=2023, quarter=0, value=city))
    secondary = suppression.secondary_for(
        [indicator], [(r.indicator_id, r.district_id, r.year, r.value) for r in rows]
    )
    dataset = stats.DataSet(rows, [], reveal=reveal, secondary=secondary)
    districts = [District(pk=pk, name=f"D{pk}") for pk in range(1, len(values) + 1)]
    return indicator, dataset, districts


@settings(max_examples=300, deadline=None)
@given(
    threshold=st.integers(1, 6),
    values=st.lists(st.integers(0, 40), min_size=1, max_size=12),
)
def test_no_withheld_value_can_be_narrowed_random_data(threshold, values):
    indicator, dataset, districts = _column(threshold, values)
    public = {d.pk: dataset.figure(indicator, d, 2023).value for d in districts}
    city = dataset.figure(indicator, None, 2023, districts=districts).value
    primary = {pk for pk, value in enumerate(values, start=1) if value < threshold}
    for pk in primary:
        assert public[pk] is None
    for key, (low, high) in attacker_ranges(public, city, primary, threshold).items():
        assert (low, high) == (0, threshold - 1), (key, values)
    # published values are the true ones, and only as much is withheld as needed
    for pk, value in public.items():
        assert value is None or value == values[pk - 1]
    if not primary:
        assert all(value is not None for value in public.values()) and city is not None


def test_the_issue_example_one_burglary_is_no_longer_city_minus_the_rest():
    values = [1, 50, 4, 9, 253]  # city 317, the districts without the 1 sum to 316
    indicator, dataset, districts = _column(3, values)
    public = [dataset.figure(indicator, d, 2023).value for d in districts]
    assert public == [None, Decimal(50), Decimal(4), None, Decimal(253)]  # 9 = 2t-1 or more
    staff = _column(3, values, reveal=True)
    assert [staff[1].figure(staff[0], d, 2023).value for d in staff[2]] == values


def test_all_small_values_withhold_the_city_total():
    indicator, dataset, districts = _column(3, [1, 2, 0, 4])
    assert dataset.figure(indicator, None, 2023, districts=districts).value is None


# --- the demo, through the public downloads ---------------------------------------------------


@pytest.fixture
def demo_indicators(db):
    load_districts_and_indicators(stdout=io.StringIO())
    return [
        indicator
        for indicator in Indicator.objects.filter(kind="count")
        if indicator.suppression_threshold
    ]


def test_demo_downloads_give_nothing_back(client, demo_indicators):
    raw = {
        (key, number or None, year): value
        for key, number, year, value in IndicatorValue.objects.values_list(
            "indicator__key", "district__number", "year", "value"
        )
    }
    checked = 0
    for indicator in demo_indicators:
        threshold = indicator.suppression_threshold
        response = client.get(f"/kennzahlen/{indicator.key}.csv?format=international")
        rows = list(csv.DictReader(io.StringIO(response.content.decode())))
        data = json.loads(client.get(f"/kennzahlen/{indicator.key}.json").content)
        by_year: dict[int, dict] = {}
        for row in rows:
            value = None if row["value"] == "." else Decimal(row["value"])
            by_year.setdefault(int(row["year"]), {})[row["district_number"] or None] = value
        json_values = {
            (item["district"]["number"] if item["district"] else None, item["year"]): item["value"]
            for item in data["values"]
        }
        for year, cells in by_year.items():
            city = cells.pop(None, None)
            for number, value in cells.items():
                assert (json_values[(number, year)] is None) == (value is None)
            primary = {number for number in cells if raw[(indicator.key, number, year)] < threshold}
            # the city total holds cases without a district: the attacker subtracts them
            # from nothing, i.e. assumes the worst (no such cases)
            ranges = attacker_ranges(cells, city, primary, threshold)
            for bounds in ranges.values():
                assert bounds[0] <= 0 and bounds[1] >= threshold - 1, (indicator.key, year)
                checked += 1
    assert checked > 0  # the demo has small counts (burglary, violent crime in the villages)
