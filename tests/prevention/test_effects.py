"""prevention.effects: the effect analysis on constructed data, checked by hand calculations
and against prevention.intervals applied independently; bad input; the pages."""

import codecs
import datetime
import json
import re
from decimal import Decimal

import pytest

from prevention import effects, intervals
from prevention.models import District, IndicatorValue, Measure, Population
from tests.factories import IndicatorFactory, MeasureFactory

YEARS = range(2015, 2023)
INHABITANTS = 10_000
MEASURE_NUMBERS = ("01", "02")


def _cases(district: District, year: int) -> int:
    """200 cases a year (2 000 per 100,000); the measure districts halve after 2019."""
    if district.number in MEASURE_NUMBERS and year >= 2019:
        return 100
    return 200


@pytest.fixture
def city(db):
    districts = list(District.objects.all())
    Population.objects.all().delete()
    Population.objects.bulk_create(
        Population(district=district, year=year, inhabitants=INHABITANTS)
        for district in districts
        for year in YEARS
    )
    indicator = IndicatorFactory(key="test.cases", name="Testfälle")
    IndicatorValue.objects.bulk_create(
        IndicatorValue(
            indicator=indicator, district=district, year=year, value=_cases(district, year)
        )
        for district in districts
        for year in YEARS
    )
    measure = MeasureFactory(public=True, start_date=datetime.date(2019, 10, 1))
    measure.districts.add(*District.objects.filter(number__in=MEASURE_NUMBERS))
    return indicator


def test_years_exclude_the_transition_year(city):
    analysis = effects.analyse(city)
    assert analysis.before_years == [2015, 2016, 2017, 2018]
    assert analysis.after_years == [2020, 2021, 2022]
    assert 2019 in analysis.skipped_years
    assert len(analysis.rows) == 39
    assert analysis.kappa == 0  # constant counts: no extra variation


def test_district_rate_ratio_by_hand(city):
    analysis = effects.analyse(city)
    row = next(row for row in analysis.rows if row.district.number == "01")
    assert row.measure
    # before: 4 years x 200 cases over 4 x 0.1 (100,000 person-years); after: 3 x 100 over 0.3
    assert (row.before, row.after) == (800, 300)
    assert row.before_exposure == pytest.approx(0.4)
    assert row.after_exposure == pytest.approx(0.3)
    assert row.estimate.value == pytest.approx((300 / 0.3) / (800 / 0.4))  # 0.5
    independent = intervals.rate_ratio(300, 0.3, 800, 0.4)
    assert row.estimate.low == pytest.approx(independent.low)
    assert row.estimate.high == pytest.approx(independent.high)
    assert row.credible
    unchanged = next(row for row in analysis.rows if row.district.number == "44")
    assert unchanged.estimate.value == pytest.approx(1.0)
    assert not unchanged.credible


def test_difference_in_differences_by_hand(city):
    analysis = effects.analyse(city)
    assert analysis.measure_group.value == pytest.approx(0.5)
    assert analysis.comparison_group.value == pytest.approx(1.0)
    assert analysis.did.value == pytest.approx(0.5)
    # Poisson variance of the log of four pooled totals (kappa = 0)
    variance = 1 / 1600 + 1 / 600 + 1 / (37 * 800) + 1 / (37 * 600)
    assert analysis.did.high == pytest.approx(0.5 * 2.718281828 ** (1.959964 * variance**0.5))
    assert not analysis.did.covers_null
    assert not analysis.pretrend_diverged  # flat before the start
    assert {row.district.number for row in analysis.credible_rows} == set(MEASURE_NUMBERS)


def test_holm_correction_over_all_districts(city):
    analysis = effects.analyse(city)
    p_values = [row.estimate.p for row in analysis.rows]
    assert [row.p_adjusted for row in analysis.rows] == intervals.holm(p_values)


def test_diverging_trends_before_the_start_are_reported(city):
    # the measure districts already fell before 2019
    for year, value in {2015: 320, 2016: 280, 2017: 240, 2018: 200}.items():
        IndicatorValue.objects.filter(
            indicator=city, district__number__in=MEASURE_NUMBERS, year=year
        ).update(value=value)
    analysis = effects.analyse(city)
    assert analysis.pretrend_diverged
    assert analysis.pretrend.value < 1


def test_incomplete_year_is_not_used(city):
    IndicatorValue.objects.filter(indicator=city, year=2022).exclude(district__number="01").delete()
    analysis = effects.analyse(city)
    assert analysis.after_years == [2020, 2021]
    assert analysis.skipped_years[2022] == "unvollständig"


def test_withheld_district_is_left_out_of_the_public_analysis(city):
    IndicatorValue.objects.filter(indicator=city, district__number="44", year=2016).update(
        value=Decimal(2)
    )
    public = effects.analyse(city)
    assert [district.number for district in public.withheld] == ["44"]
    assert "44" not in {row.district.number for row in public.rows}
    staff = effects.analyse(city, reveal=True)
    assert "44" in {row.district.number for row in staff.rows}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"indicator": "no.such"}, "gibt es nicht"),
        ({"reference": datetime.date(1990, 1, 1)}, "außerhalb der Daten"),
        ({"reference": datetime.date(2022, 6, 1)}, "Zu wenige vollständige Jahre"),
        ({"years_before": 1}, "Zu wenige vollständige Jahre"),
    ],
)
def test_bad_requests_get_a_german_message(city, change, message):
    arguments = {"indicator": city, **change}
    with pytest.raises(effects.EffectError, match=message):
        effects.analyse(arguments.pop("indicator"), **arguments)


def test_no_measure_districts(city):
    from prevention.models import Measure

    Measure.objects.all().delete()
    with pytest.raises(effects.EffectError, match="Keine Stadtteile mit Präventionsmaßnahmen"):
        effects.analyse(city)


def test_parse_reference_and_years():
    assert effects.parse_reference("06.02.2019") == datetime.date(2019, 2, 6)
    assert effects.parse_reference("2020-01-01") == datetime.date(2020, 1, 1)
    assert effects.parse_reference("") == effects.DEFAULT_REFERENCE
    with pytest.raises(effects.EffectError) as caught:
        effects.parse_reference("gestern")
    assert caught.value.bad_request
    with pytest.raises(effects.EffectError):
        effects.parse_years("0", "Jahre vorher")
    assert effects.parse_years("3", "Jahre vorher") == 3


@pytest.fixture
def survey(db):
    indicator = IndicatorFactory(
        key="test.survey", kind="percent", per_100k=False, source="survey", unit="%"
    )
    districts = list(District.objects.all())
    rows = []
    for year in YEARS:
        for district in [None, *districts]:
            percent = Decimal("60.0") if year < 2019 else Decimal("70.0")
            size = 1000 if district is None else 50
            rows.append(
                IndicatorValue(
                    indicator=indicator,
                    district=district,
                    year=year,
                    value=percent,
                    sample_size=size,
                )
            )
    IndicatorValue.objects.bulk_create(rows)
    return indicator


def test_survey_difference_with_sample_sizes(survey):
    analysis = effects.analyse(survey)
    assert (analysis.first_year, analysis.last_year) == (2018, 2022)
    city = analysis.city
    assert (city.first.sample_size, city.last.sample_size) == (1000, 1000)
    independent = intervals.newcombe_difference(700, 1000, 600, 1000)
    assert city.estimate.value == pytest.approx(10.0)
    assert city.estimate.low == pytest.approx(independent.low * 100)
    assert city.estimate.high == pytest.approx(independent.high * 100)
    assert not city.estimate.covers_null
    # 50 respondents per district: 10 points is within chance after the correction
    assert len(analysis.rows) == 39 and not analysis.credible_rows
    assert len(analysis.city_series) == len(YEARS) - 1  # without the transition year


def test_survey_without_sample_sizes_is_refused(survey):
    IndicatorValue.objects.filter(indicator=survey).update(sample_size=None)
    with pytest.raises(effects.EffectError, match="Stichprobengrößen"):
        effects.analyse(survey)


# --- pages ----------------------------------------------------------------------------------


def test_pages(client, city, django_assert_max_num_queries):
    with django_assert_max_num_queries(15):
        response = client.get(f"/kennzahlen/{city.key}/wirkung/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "<svg" in text and "/wirkung/methode/" in text
    assert "kein belastbarer Unterschied" in text
    response = client.get(f"/kennzahlen/{city.key}/wirkung.csv?format=international")
    assert response.status_code == 200
    lines = response.content.decode().splitlines()
    assert lines[0].startswith("district_number,district,measure_district")
    assert len(lines) == 40
    data = json.loads(client.get(f"/kennzahlen/{city.key}/wirkung.json").content)
    assert data["difference_in_differences"]["value"] == pytest.approx(0.5)
    assert data["multiple_testing_correction"] == "Holm"
    assert data["method"].endswith("/wirkung/methode/")
    assert client.get("/wirkung/").status_code == 200
    assert client.get("/wirkung/methode/").status_code == 200


def test_effect_csv_for_german_excel(client, city):
    body = client.get(f"/kennzahlen/{city.key}/wirkung.csv").content
    assert body.startswith(codecs.BOM_UTF8)
    lines = body.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("district_number;district;measure_district")
    assert len(lines) == 40
    assert re.search(r";\d+,\d+;", lines[1])  # decimal commas
    assert not re.search(r";\d+\.\d+;", lines[1])
    html = client.get(f"/kennzahlen/{city.key}/wirkung/").content.decode()
    assert f'href="/kennzahlen/{city.key}/wirkung.csv?format=international"' in html


@pytest.mark.parametrize("suffix", ["wirkung/", "wirkung.csv", "wirkung.json"])
def test_bad_input_is_a_400_with_a_german_message(client, city, suffix):
    response = client.get(f"/kennzahlen/{city.key}/{suffix}?stichtag=31.02.2019")
    assert response.status_code == 400
    assert "kein Datum" in response.content.decode()
    response = client.get(f"/kennzahlen/no.such/{suffix}")
    assert response.status_code == 400
    assert "gibt es nicht" in response.content.decode()


def test_overview_queries_do_not_grow_with_indicators(client, city, django_assert_max_num_queries):
    with django_assert_max_num_queries(10):
        assert client.get("/wirkung/").status_code == 200
    rows = list(IndicatorValue.objects.filter(indicator=city))
    for number in range(3):
        extra = IndicatorFactory(key=f"test.more{number}", name=f"Mehr {number}")
        IndicatorValue.objects.bulk_create(
            IndicatorValue(
                indicator=extra, district_id=row.district_id, year=row.year, value=row.value
            )
            for row in rows
        )
    with django_assert_max_num_queries(10):
        response = client.get("/wirkung/")
    assert response.content.decode().count("kein belastbarer Unterschied") >= 4


def test_unpublished_and_deleted_measures_do_not_count(city):
    Measure.objects.update(public=False)
    with pytest.raises(effects.EffectError, match="Keine Stadtteile mit Präventionsmaßnahmen"):
        effects.analyse(city)
    Measure.objects.update(public=True, deleted=True)
    with pytest.raises(effects.EffectError, match="Keine Stadtteile mit Präventionsmaßnahmen"):
        effects.analyse(city)


# --- pages kept per version of the data (issue 20) ----------------------------------------------


def test_effect_pages_are_computed_once_per_data_version(uncached, city, django_assert_num_queries):
    for url in ("/wirkung/", f"/kennzahlen/{city.key}/wirkung/"):
        first = uncached.get(url)
        with django_assert_num_queries(0):
            second = uncached.get(url)
        assert second.content == first.content


def test_effect_page_is_never_stale_after_a_measure_changes(uncached, city):
    url = f"/kennzahlen/{city.key}/wirkung/"
    assert "kein belastbarer Unterschied" in uncached.get(url).text
    Measure.objects.update(public=False)
    assert "Keine Stadtteile mit Präventionsmaßnahmen" in uncached.get(url).text
    assert "Keine Stadtteile mit Präventionsmaßnahmen" in uncached.get("/wirkung/").text


def test_effect_page_links_repeat_the_parameters_as_given(uncached, city):
    url = f"/kennzahlen/{city.key}/wirkung/"
    assert "wirkung.csv?stichtag" not in uncached.get(url).text
    page = uncached.get(url + "?stichtag=2019-02-06").text
    assert f'href="/kennzahlen/{city.key}/wirkung.csv?stichtag=2019-02-06"' in page
