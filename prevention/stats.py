"""Derived figures of the indicators: the one place they are computed (DESIGN §3).

Pages, downloads, charts and (later) answer reports all go through this module:

- `haeufigkeitszahl(cases, inhabitants)`: cases per 100,000 inhabitants.
- `change(current, base)`: absolute and relative change.
- `DataSet`: values and populations loaded once (`load_dataset`, a fixed number of queries
  whatever the amount of data); `figure()`, `city_reference()`, `ranking()` on top of it.
- `district_table()`, `district_trends()`, `safety_comparison()`: ready rows for pages.
- `correlation(pairs)`: Pearson's r, for the sentence under the safety comparison.

Withholding (DESIGN §6) happens here, not in templates: a DataSet made with `reveal=False`
(every public output) turns a count below the indicator's threshold into a Figure without value,
rate, change or rank, and public aggregates are computed from public figures only. Because the
city total is published beside the districts, further values are withheld as well
(complementary suppression, prevention/suppression.py), so no arithmetic on the output gives a
withheld number back or narrows it down. Staff views pass `reveal=True`.
"""

from __future__ import annotations

import math
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q
from django.utils.translation import gettext

from prevention import suppression
from prevention.models import District, Indicator, IndicatorValue, Population
from prevention.models.indicators import BASELINE_YEAR

PER = Decimal(100_000)
RATE_PLACES = Decimal("0.1")


def haeufigkeitszahl(cases: Decimal | int | None, inhabitants: int | None) -> Decimal | None:
    """Häufigkeitszahl: recorded cases per 100,000 inhabitants, one decimal place."""
    if cases is None or not inhabitants:
        return None
    return (Decimal(cases) * PER / Decimal(inhabitants)).quantize(RATE_PLACES, ROUND_HALF_UP)


@dataclass(frozen=True)
class Change:
    """current - base; percent is None when the base is zero."""

    absolute: Decimal
    percent: Decimal | None
    higher_is_better: bool = False

    @property
    def direction(self) -> str:
        return "up" if self.absolute > 0 else "down" if self.absolute < 0 else "same"

    @property
    def improved(self) -> bool | None:
        if self.absolute == 0:
            return None
        return (self.absolute > 0) == self.higher_is_better


def change(
    current: Decimal | None, base: Decimal | None, *, higher_is_better: bool = False
) -> Change | None:
    if current is None or base is None:
        return None
    absolute = current - base
    percent = (absolute * 100 / base).quantize(RATE_PLACES, ROUND_HALF_UP) if base else None
    return Change(absolute, percent, higher_is_better)


def collate_key(name: str) -> str:
    """Sort German names like a phone book (DIN 5007-1): Röhrsdorf between Reichenhain and
    Rottluff, not after Z."""
    decomposed = unicodedata.normalize("NFKD", name.casefold().replace("ß", "ss"))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


@dataclass(frozen=True)
class Figure:
    """One indicator value as an output may show it.

    `value` and `rate` are None when the value is missing or withheld from the public;
    `withheld` is also True for staff (who see the value) so they know the public does not.
    `measure` is what districts are compared by: the Häufigkeitszahl where the indicator has
    one, the value otherwise.
    """

    indicator: Indicator
    district: District | None
    year: int
    value: Decimal | None
    rate: Decimal | None = None
    population: int | None = None
    population_year: int | None = None
    withheld: bool = False
    synthetic: bool = False
    note: str = ""

    @property
    def measure(self) -> Decimal | None:
        return self.rate if self.indicator.per_100k else self.value


@dataclass(frozen=True)
class Reference:
    """What a district is compared with: the city's figure or the mean of the districts."""

    label: str
    measure: Decimal | None
    figure: Figure | None = None


class DataSet:
    """Annual values and populations loaded once; derived figures computed on demand."""

    def __init__(
        self,
        values: Iterable[IndicatorValue],
        populations: Iterable[Population],
        *,
        reveal: bool = False,
        district_count: int | None = None,
        secondary: set[tuple[int, int | None, int]] = frozenset(),
        column_counts: dict[tuple[int, int], int] | None = None,
    ) -> None:
        self.reveal = reveal
        self._secondary = secondary  # prevention/suppression.py
        self._values: dict[tuple[int, int | None, int], IndicatorValue] = {}
        self._years: dict[int, set[int]] = defaultdict(set)
        for value in values:
            if value.quarter:
                continue
            self._values[(value.indicator_id, value.district_id, value.year)] = value
            self._years[value.indicator_id].add(value.year)
        self._populations: dict[int, dict[int, Population]] = defaultdict(dict)
        for population in populations:
            self._populations[population.district_id][population.year] = population
        self.district_count = district_count
        self._figures: dict[tuple, Figure] = {}
        if column_counts is None:
            column_counts = defaultdict(int)
            for indicator_pk, district_pk, year in self._values:
                if district_pk is not None:
                    column_counts[(indicator_pk, year)] += 1
        # (indicator pk, year) -> how many districts have a value: a partial import shows
        self._column_counts = column_counts

    # --- raw access ---------------------------------------------------------------------

    def years(self, indicator: Indicator) -> list[int]:
        return sorted(self._years.get(indicator.pk, ()))

    def incomplete_years(self, indicator: Indicator, districts: Sequence[District]) -> list[int]:
        """Years in which some districts have a value and others none (a partial import):
        marked "unvollständig" and left out of ranks, city references and the analysis."""
        return [
            year for year in self.years(indicator) if self.is_incomplete(indicator, year, districts)
        ]

    def is_incomplete(self, indicator: Indicator, year: int, districts: Sequence[District]) -> bool:
        count = self._column_counts.get((indicator.pk, year), 0)
        return 0 < count < len(districts)

    def latest_year(self, indicator: Indicator) -> int | None:
        years = self.years(indicator)
        return years[-1] if years else None

    def population(self, district: District, year: int) -> Population | None:
        """The population of that year, or of the latest year before it (figures for the
        current year are often published late)."""
        by_year = self._populations.get(district.pk, {})
        earlier = [known for known in by_year if known <= year]
        return by_year[max(earlier)] if earlier else None

    def city_population(self, year: int, districts: Sequence[District]) -> int | None:
        """Sum over all districts; None when one of them has no figure (a partial sum would
        make every city rate too high)."""
        total = 0
        for district in districts:
            population = self.population(district, year)
            if population is None:
                return None
            total += population.inhabitants
        return total or None

    # --- figures ------------------------------------------------------------------------

    def figure(
        self,
        indicator: Indicator,
        district: District | None,
        year: int,
        *,
        districts: Sequence[District] = (),
    ) -> Figure:
        """The figure of a district (None: the city; then `districts` gives the population)."""
        cache_key = (indicator.pk, district.pk if district else None, year)
        if cache_key in self._figures:
            return self._figures[cache_key]
        stored = self._values.get(cache_key)
        population = population_year = None
        if district is not None:
            known = self.population(district, year)
            if known is not None:
                population, population_year = known.inhabitants, known.year
        elif districts:
            population = self.city_population(year, districts)
            population_year = year if population else None
        if stored is None:
            result = Figure(indicator, district, year, None, None, population, population_year)
        else:
            withheld = indicator.withholds(stored.value) or cache_key in self._secondary
            hidden = withheld and not self.reveal
            value = None if hidden else stored.value
            rate = haeufigkeitszahl(value, population) if indicator.per_100k else None
            result = Figure(
                indicator,
                district,
                year,
                value,
                rate,
                population,
                population_year,
                withheld=withheld,
                synthetic=stored.synthetic,
                note=stored.note,
            )
        self._figures[cache_key] = result
        return result

    def city_reference(
        self, indicator: Indicator, year: int, districts: Sequence[District]
    ) -> Reference | None:
        """The city's own figure where the city has a value (for counts with a rate, the
        city's Häufigkeitszahl; plain counts compare with the mean per district); otherwise
        the mean of the districts' public figures. None for an incomplete year."""
        if self.is_incomplete(indicator, year, districts):
            return None
        city = self.figure(indicator, None, year, districts=districts)
        plain_count = indicator.kind == Indicator.Kind.COUNT and not indicator.per_100k
        if city.measure is not None and not plain_count:
            return Reference(gettext("Stadt gesamt"), city.measure, city)
        measures = [
            figure.measure
            for district in districts
            if (figure := self.figure(indicator, district, year)).measure is not None
        ]
        if not measures:
            return None
        mean = (sum(measures) / len(measures)).quantize(RATE_PLACES, ROUND_HALF_UP)
        return Reference(gettext("Mittel der Stadtteile"), mean, city)

    def ranking(
        self, indicator: Indicator, year: int, districts: Sequence[District]
    ) -> dict[int, int]:
        """district pk -> rank by measure, 1 = highest; ties share a rank. Districts without
        a (public) figure get no rank; an incomplete year ranks nobody."""
        if self.is_incomplete(indicator, year, districts):
            return {}
        measures = [
            (figure.measure, district.pk)
            for district in districts
            if (figure := self.figure(indicator, district, year)).measure is not None
        ]
        measures.sort(key=lambda item: item[0], reverse=True)
        ranks: dict[int, int] = {}
        previous = None
        for position, (measure, pk) in enumerate(measures, start=1):
            if measure != previous:
                rank = position
                previous = measure
            ranks[pk] = rank
        return ranks

    def change(
        self, indicator: Indicator, district: District | None, year: int, base_year: int, **kw
    ) -> Change | None:
        current = self.figure(indicator, district, year, **kw).measure
        base = self.figure(indicator, district, base_year, **kw).measure
        return change(current, base, higher_is_better=indicator.higher_is_better)


def load_dataset(
    indicators: Sequence[Indicator],
    *,
    reveal: bool = False,
    years: Iterable[int] | None = None,
    pairs: Iterable[tuple[int, int]] | None = None,
    district: District | None = None,
) -> DataSet:
    """Load annual values (two queries) for the indicators: all years, or only `years`, or
    only the (indicator pk, year) `pairs`; with `district`, only that district and the city."""
    values = IndicatorValue.objects.annual().filter(indicator__in=indicators)
    if years is not None:
        values = values.filter(year__in=list(years))
    if pairs is not None:
        condition = Q(pk__in=[])
        for indicator_pk, year in pairs:
            condition |= Q(indicator_id=indicator_pk, year=year)
        values = values.filter(condition)
    if district is not None:
        values = values.filter(Q(district=district) | Q(district__isnull=True))
    values = values.only(
        "indicator_id",
        "district_id",
        "year",
        "quarter",
        "value",
        "synthetic",
        "note",
        "sample_size",
    )
    values = list(values)
    if district is None:
        columns = [
            (v.indicator_id, v.district_id, v.year, v.value) for v in values if not v.quarter
        ]
    else:  # the other districts decide which values are withheld as well (one more query)
        columns = list(
            IndicatorValue.objects.annual()
            .filter(indicator__in=indicators, year__in={value.year for value in values})
            .values_list("indicator_id", "district_id", "year", "value")
        )
    counts: dict[tuple[int, int], int] = defaultdict(int)
    for indicator_pk, district_pk, year, _value in columns:
        if district_pk is not None:
            counts[(indicator_pk, year)] += 1
    return DataSet(
        values,
        Population.objects.all(),
        reveal=reveal,
        secondary=suppression.secondary_for(indicators, columns),
        column_counts=counts,
    )


def available_years() -> dict[int, list[int]]:
    """indicator pk -> the years with at least one annual value (one query)."""
    years: dict[int, list[int]] = defaultdict(list)
    pairs = IndicatorValue.objects.annual().values_list("indicator_id", "year").distinct()
    for indicator_pk, year in pairs.order_by("indicator_id", "year"):
        years[indicator_pk].append(year)
    return dict(years)


# --- rows for pages, downloads and reports --------------------------------------------------


@dataclass(frozen=True)
class DistrictRow:
    district: District
    figure: Figure
    rank: int | None
    change_previous: Change | None
    change_baseline: Change | None


@dataclass(frozen=True)
class DistrictTable:
    """One indicator, one year, every district: the overview table and the bar chart."""

    indicator: Indicator
    year: int
    rows: list[DistrictRow]
    city: Figure
    reference: Reference | None
    ranked: int
    baseline_year: int = BASELINE_YEAR
    incomplete: bool = False  # values for only some districts: no ranks, no city reference

    @property
    def synthetic(self) -> bool:
        return self.city.synthetic or any(row.figure.synthetic for row in self.rows)

    @property
    def withheld(self) -> bool:
        return self.city.withheld or any(row.figure.withheld for row in self.rows)


SORT_KEYS = {
    "nummer": lambda row: row.district.number,
    "name": lambda row: collate_key(row.district.name),
    "einwohner": lambda row: row.figure.population,
    "wert": lambda row: row.figure.value,
    "hz": lambda row: row.figure.rate,
    "vorjahr": lambda row: row.change_previous.percent if row.change_previous else None,
    "basis": lambda row: row.change_baseline.percent if row.change_baseline else None,
    "rang": lambda row: row.rank,
}


def sort_rows(rows: list[DistrictRow], key: str, descending: bool) -> list[DistrictRow]:
    """Sort by a column of SORT_KEYS; rows without a value always come last."""
    getter = SORT_KEYS[key]
    present = [row for row in rows if getter(row) is not None]
    missing = [row for row in rows if getter(row) is None]
    present.sort(key=getter, reverse=descending)
    missing.sort(key=lambda row: collate_key(row.district.name))
    return present + missing


def district_table(
    dataset: DataSet, indicator: Indicator, year: int, districts: Sequence[District]
) -> DistrictTable:
    ranks = dataset.ranking(indicator, year, districts)
    rows = [
        DistrictRow(
            district,
            dataset.figure(indicator, district, year),
            ranks.get(district.pk),
            dataset.change(indicator, district, year, year - 1),
            dataset.change(indicator, district, year, BASELINE_YEAR)
            if year != BASELINE_YEAR
            else None,
        )
        for district in sorted(districts, key=lambda district: collate_key(district.name))
    ]
    return DistrictTable(
        indicator,
        year,
        rows,
        dataset.figure(indicator, None, year, districts=districts),
        dataset.city_reference(indicator, year, districts),
        len(ranks),
        incomplete=dataset.is_incomplete(indicator, year, districts),
    )


@dataclass(frozen=True)
class Trend:
    """One indicator for one district over the years, with the city beside it."""

    indicator: Indicator
    district: District
    figures: list[Figure]
    city: list[Figure]
    latest: Figure | None
    change_previous: Change | None
    change_baseline: Change | None
    rank: int | None
    ranked: int
    baseline_year: int = BASELINE_YEAR
    incomplete_years: tuple[int, ...] = ()

    @property
    def synthetic(self) -> bool:
        return any(figure.synthetic for figure in (*self.figures, *self.city))

    @property
    def withheld(self) -> bool:
        return any(figure.withheld for figure in (*self.figures, *self.city))


def district_trends(
    district: District,
    indicators: Sequence[Indicator],
    districts: Sequence[District],
    *,
    reveal: bool = False,
) -> list[Trend]:
    """Every indicator of a district since its first year, with changes and the rank in the
    latest year (three queries whatever the number of indicators and years)."""
    own = load_dataset(indicators, reveal=reveal, district=district)
    latest = {
        indicator.pk: year
        for indicator in indicators
        if (year := _latest_with_value(own, indicator, district))
    }
    everyone = load_dataset(indicators, reveal=reveal, pairs=latest.items())
    trends = []
    for indicator in indicators:
        years = own.years(indicator)
        if not years:
            continue
        year = latest.get(indicator.pk)
        ranks = everyone.ranking(indicator, year, districts) if year else {}
        trends.append(
            Trend(
                indicator,
                district,
                [own.figure(indicator, district, each) for each in years],
                [own.figure(indicator, None, each, districts=districts) for each in years],
                own.figure(indicator, district, year) if year else None,
                own.change(indicator, district, year, year - 1) if year else None,
                own.change(indicator, district, year, BASELINE_YEAR)
                if year and year != BASELINE_YEAR
                else None,
                ranks.get(district.pk),
                len(ranks),
                incomplete_years=tuple(own.incomplete_years(indicator, districts)),
            )
        )
    return trends


def _latest_with_value(dataset: DataSet, indicator: Indicator, district: District) -> int | None:
    for year in reversed(dataset.years(indicator)):
        if dataset._values.get((indicator.pk, district.pk, year)) is not None:
            return year
    return None


@dataclass(frozen=True)
class ComparisonPoint:
    district: District
    crime: Figure  # its measure is the Häufigkeitszahl
    safety: Figure


@dataclass(frozen=True)
class SafetyComparison:
    """Feeling of safety against recorded crime per district in one year (the scatter)."""

    year: int
    crime_indicator: Indicator
    safety_indicator: Indicator
    points: list[ComparisonPoint] = field(default_factory=list)
    missing: list[District] = field(default_factory=list)

    @property
    def synthetic(self) -> bool:
        return any(point.crime.synthetic or point.safety.synthetic for point in self.points)


def safety_comparison(
    dataset: DataSet,
    crime: Indicator,
    safety: Indicator,
    year: int,
    districts: Sequence[District],
) -> SafetyComparison:
    points, missing = [], []
    for district in sorted(districts, key=lambda district: collate_key(district.name)):
        crime_figure = dataset.figure(crime, district, year)
        safety_figure = dataset.figure(safety, district, year)
        if crime_figure.measure is None or safety_figure.measure is None:
            missing.append(district)
        else:
            points.append(ComparisonPoint(district, crime_figure, safety_figure))
    return SafetyComparison(year, crime, safety, points, missing)


def common_year(years: dict[int, list[int]], *indicators: Indicator, wanted: int | None):
    """`wanted` if every indicator has it, else the latest year they all have."""
    common = set.intersection(*(set(years.get(indicator.pk, ())) for indicator in indicators))
    if wanted in common:
        return wanted
    return max(common) if common else None


def correlation(pairs: list[tuple[float, float]]) -> float | None:
    """Pearson's r, None for fewer than three points or no spread."""
    if len(pairs) < 3:
        return None
    n = len(pairs)
    mean_x = sum(x for x, _y in pairs) / n
    mean_y = sum(y for _x, y in pairs) / n
    cov = sum((x - mean_x) * (y - mean_y) for x, y in pairs)
    var_x = sum((x - mean_x) ** 2 for x, _y in pairs)
    var_y = sum((y - mean_y) ** 2 for _x, y in pairs)
    if not var_x or not var_y:
        return None
    return cov / math.sqrt(var_x * var_y)
