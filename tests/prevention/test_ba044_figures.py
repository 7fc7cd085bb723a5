"""Every figure the demo answer to BA-044/2020 states (requests_app/demo.py, BA044_*) equals
the demo data: recomputed here from the indicators, measures, funding and meetings, and from
the effect analysis itself."""

import datetime
import io
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.utils import translation

from portal import formats
from prevention import effect_outputs, effects, stats
from prevention.demo import (
    KPR_WORKING_GROUPS,
    _kpr_meeting_dates,
    load_districts_and_indicators,
    load_prevention_council,
)
from prevention.models import District, Funding, Indicator, Measure
from requests_app.demo import BA044_ANSWERS, BA044_EXHIBITS, BA044_SUMMARY

ANSWERED = datetime.date(2020, 9, 29)
REFERENCE = datetime.date(2019, 1, 1)  # question 5, see the comment on BA044_ANSWERS


@pytest.fixture
def data(db):
    with translation.override("de"):
        load_districts_and_indicators(stdout=io.StringIO())
        load_prevention_council(stdout=io.StringIO())
        yield _facts()


def _n(value, places=0) -> str:
    return formats.number(Decimal(value), places)


def _facts() -> dict:
    districts = list(District.objects.all())
    indicators = {indicator.key: indicator for indicator in Indicator.objects.all()}
    dataset = stats.load_dataset(list(indicators.values()))
    by_name = {district.name: district for district in districts}

    def city(key, year):
        return dataset.figure(indicators[key], None, year, districts=districts)

    def district(key, name, year):
        return dataset.figure(indicators[key], by_name[name], year)

    return {
        "city": city,
        "district": district,
        "count": effects.analyse("pks.890000", reference=REFERENCE, until=2019),
        "survey": effects.analyse("survey.safe_at_night", reference=REFERENCE, until=2019),
        "indicators": indicators,
    }


def answer(number: int) -> str:
    return BA044_ANSWERS[number - 1]


def test_q1_meetings_working_groups_and_measures(data):
    text = answer(1)
    held = [day for day in _kpr_meeting_dates() if day <= ANSWERED]
    assert "22.08.2019" in text
    for day in held:
        assert f"{day:%d.%m.%Y}" in text
    assert "viermal getagt" in text and len(held) == 4
    assert len(KPR_WORKING_GROUPS) == 7 and "sieben Arbeitsgruppen" in text
    started = Measure.objects.filter(start_date__lte=ANSWERED).order_by("start_date")
    assert started.count() == 4 and "vier Maßnahmen" in text
    for measure in started:
        assert f"{measure.start_date:%d.%m.%Y}" in text
        for district in measure.districts.all():
            assert district.name in text


def test_q2_funding(data):
    text = answer(2)
    rows = Funding.objects.filter(year__lte=2020, deleted=False)
    totals = rows.aggregate(granted=Sum("granted"), own=Sum("own_share"))
    assert f"**{_n(totals['granted'])} €**" in text
    assert f"Eigenanteil der Stadt beträgt {_n(totals['own'])} €" in text
    for year in (2019, 2020):
        granted = rows.filter(year=year).aggregate(total=Sum("granted"))["total"]
        assert f"{year}: {_n(granted)} €" in text
    assert "1,3 Millionen Euro" in text and "12.06.2018" in text and "90 %" in text


def test_q3_first_results(data):
    text, district = answer(3), data["district"]
    assert (
        f"2019 {_n(district('sod.patrols', 'Zentrum', 2019).value)} Streifen dokumentiert, "
        f"2018 waren es {_n(district('sod.patrols', 'Zentrum', 2018).value)}" in text
    )
    street = [
        district("pks.899000", name, year).value
        for name in ("Zentrum", "Sonnenberg")
        for year in (2018, 2019)
    ]
    assert f"von {_n(street[0])} Fällen (2018) auf {_n(street[1])} Fälle (2019)" in text
    assert f"stieg sie von {_n(street[2])} auf {_n(street[3])} Fälle" in text
    assert street[3] > street[2]


def test_q4_crime_picture_and_cooperation(data):
    text, city = answer(4), data["city"]
    offences = city("pks.890000", 2019), city("pks.890000", 2018)
    assert f"**{_n(offences[0].value)} Straftaten** (2018: {_n(offences[1].value)})" in text
    assert (
        f"{_n(offences[0].rate, 1)} Fälle je 100.000 Einwohner (2018: {_n(offences[1].rate, 1)})"
        in text
    )
    street = city("pks.899000", 2018).value, city("pks.899000", 2019).value
    assert f"von {_n(street[0])} auf {_n(street[1])} Fälle" in text
    patrols = city("sod.patrols", 2019).value, city("sod.patrols", 2018).value
    assert f"{_n(patrols[0])} Streifen (2018: {_n(patrols[1])})" in text
    offences_sod = city("sod.offences", 2019).value, city("sod.offences", 2018).value
    assert f"{_n(offences_sod[0])} Ordnungswidrigkeiten fest (2018: {_n(offences_sod[1])})" in text


def test_q5_states_exactly_what_the_effect_analysis_finds(data):
    text, analysis = answer(5), data["count"]
    assert analysis.before_years == [2015, 2016, 2017, 2018] and analysis.after_years == [2019]
    assert len(analysis.rows) == 39 and "allen 39" in text
    assert "2015–2018 mit 2019" in text
    measure_names = sorted(row.district.name for row in analysis.measure_rows)
    assert measure_names == ["Sonnenberg", "Zentrum"]
    ratio, interval, change = (
        effect_outputs.ratio,
        effect_outputs.interval,
        effect_outputs.percent_change,
    )
    group = analysis.measure_group
    stated = f"(Verhältnis {ratio(group.value)}, 95-%-Intervall {interval(group)})"
    assert f"sank die Häufigkeit um {change(group.value)[1:]} {stated}" in text
    other = analysis.comparison_group
    assert (
        f"ebenfalls um {change(other.value)[1:]} ({ratio(other.value)}; {interval(other)})" in text
    )
    assert change(group.value).startswith("−") and change(other.value).startswith("−")
    did = analysis.did
    assert f"Veränderungen ist {ratio(did.value)} ({interval(did)})" in text
    assert did.covers_null and "keinen belastbaren Unterschied" in text
    assert not analysis.pretrend_diverged and "entwickelten sich beide Gruppen gleich" in text
    credible = analysis.credible_rows
    assert len(credible) == 2 and "nur zwei Stadtteile" in text
    for row in credible:
        assert f"({change(row.estimate.value)})" in text and row.district.name in text.replace(
            "das Zentrum", "Zentrum"
        )
    assert f"übrigen {len(analysis.rows) - len(credible)} Stadtteilen" in text
    sonnenberg = data["district"]
    assert (
        f"von {_n(sonnenberg('pks.890000', 'Sonnenberg', 2018).rate, 1)} (2018) auf "
        f"{_n(sonnenberg('pks.890000', 'Sonnenberg', 2019).rate, 1)} (2019)" in text
    )


def test_q6_survey_over_time_with_sample_sizes(data):
    text, analysis = answer(6), data["survey"]
    for point, _bounds in analysis.city_series:
        figure = f"{point.year} {_n(Decimal(str(point.percent)), 1)} %"
        assert figure in text
        assert _n(point.sample_size) in text
    assert [point.year for point, _b in analysis.city_series] == [2015, 2016, 2017, 2018, 2019]
    city = analysis.city
    assert f"Plus von {effect_outputs.points(city.estimate.value)} Prozentpunkten" in text
    low, high = city.estimate.low, city.estimate.high
    assert (
        f"(95-%-Intervall −{effect_outputs.points(-low)} bis {effect_outputs.points(high)})" in text
    )
    assert city.estimate.covers_null and "kein belastbarer Unterschied" in text
    assert not analysis.credible_rows and "In keinem der 39 Stadtteile" in text
    sizes = [row.last.sample_size for row in analysis.rows] + [
        row.first.sample_size for row in analysis.rows
    ]
    assert f"nur {min(sizes)} bis" in text
    assert max(sizes) <= 220 and "bis 220 Menschen" in text


def test_summary_answers_the_complaint_and_every_answer_is_substantial():
    assert "24.06.2020" in BA044_SUMMARY and "Stellungnahme" in BA044_SUMMARY
    assert all(len(text) > 600 for text in BA044_ANSWERS)
    assert {number for number, *_rest in BA044_EXHIBITS} == {1, 2, 3, 4, 5, 6}
