"""Effect analysis ("Hat es gewirkt?", issue 16): the one module that computes it; nothing is
stored. The method is written down for readers in templates/prevention/effects/method.html
and docs/statistics.md.

Counts (kind "count"): per district the rate ratio after/before the reference date (default
06.02.2019, ASSKomm's start) with its exact conditional 95 % interval (cases as Poisson counts,
population-years as exposure; plain counts without a Häufigkeitszahl use calendar years as
exposure). Year-to-year variation beyond Poisson is estimated from the data (negative
binomial variance mu + kappa * mu^2, method of moments) and widens every interval through
effective counts. Districts with a prevention measure (Measure.districts, the measure running
at some time after the reference date) are compared with the others by the ratio of their
pooled rate ratios (difference-in-differences on the log scale, Wald interval). The trends
before the start are compared too (weighted regression of the yearly log rate ratio between
the groups): if they already diverged, the page says so. The 39 district tests are corrected
with Holm's method; a district counts as a credible change only when its interval excludes 1
and its Holm-adjusted p-value is below 0.05.

Percent indicators from the survey: per district and for the city the difference between the
last survey year before the reference date and the latest survey year, with its sample sizes
and Newcombe's interval, Holm-corrected the same way.

Years used: only complete years (every district has a value; stats.DataSet.incomplete_years);
the year of the reference date is a transition year and left out unless the date is 1 January.
In public outputs a district with a withheld (small) value in a year used is left out of the
analysis entirely, so no estimate gives a withheld count back.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from django.db.models import Prefetch, Q
from django.utils.translation import gettext as _

from prevention import stats
from prevention.intervals import (
    EMPTY,
    Estimate,
    holm,
    log_wald_ratio,
    newcombe_difference,
    wilson,
)
from prevention.intervals import rate_ratio as exact_rate_ratio
from prevention.models import District, Indicator, Measure

DEFAULT_REFERENCE = datetime.date(2019, 2, 6)
MIN_YEARS = 2  # complete years before the reference date
MIN_YEARS_AFTER = 1
PRETREND_MIN_YEARS = 3
ALPHA = 0.05
CORRECTION = "Holm"


class EffectError(ValueError):
    """Bad analysis request; `message` is German and safe to show."""

    def __init__(self, message: str, *, bad_request: bool = False) -> None:
        super().__init__(message)
        self.message = message
        # True: the request itself is wrong (a malformed date, an unknown indicator); False:
        # the data do not allow the analysis (too few years, no measure districts).
        self.bad_request = bad_request


@dataclass(frozen=True)
class DistrictEffect:
    district: District
    measure: bool
    before: float
    before_exposure: float
    after: float
    after_exposure: float
    estimate: Estimate
    p_adjusted: float | None

    @property
    def credible(self) -> bool:
        return (
            not self.estimate.covers_null
            and self.p_adjusted is not None
            and self.p_adjusted < ALPHA
        )

    @property
    def before_rate(self) -> float | None:
        return self.before / self.before_exposure if self.before_exposure else None

    @property
    def after_rate(self) -> float | None:
        return self.after / self.after_exposure if self.after_exposure else None


@dataclass(frozen=True)
class CountAnalysis:
    indicator: Indicator
    reference: datetime.date
    before_years: list[int]
    after_years: list[int]
    skipped_years: dict[int, str]
    rows: list[DistrictEffect]
    measure_group: Estimate
    comparison_group: Estimate
    did: Estimate
    pretrend: Estimate | None
    kappa: float
    exposure_unit: str
    withheld: list[District] = field(default_factory=list)
    no_data: list[District] = field(default_factory=list)
    synthetic: bool = False
    kind: str = "count"

    @property
    def measure_rows(self) -> list[DistrictEffect]:
        return [row for row in self.rows if row.measure]

    @property
    def credible_rows(self) -> list[DistrictEffect]:
        return [row for row in self.rows if row.credible]

    @property
    def pretrend_diverged(self) -> bool:
        return self.pretrend is not None and not self.pretrend.covers_null


@dataclass(frozen=True)
class SurveyPoint:
    year: int
    percent: float
    sample_size: int


@dataclass(frozen=True)
class SurveyEffect:
    district: District | None  # None: the city
    measure: bool
    first: SurveyPoint
    last: SurveyPoint
    estimate: Estimate  # difference in percentage points
    p_adjusted: float | None

    @property
    def credible(self) -> bool:
        return (
            not self.estimate.covers_null
            and self.p_adjusted is not None
            and self.p_adjusted < ALPHA
        )


@dataclass(frozen=True)
class SurveyAnalysis:
    indicator: Indicator
    reference: datetime.date
    first_year: int
    last_year: int
    skipped_years: dict[int, str]
    city: SurveyEffect | None
    city_series: list[tuple[SurveyPoint, tuple[float, float]]]
    rows: list[SurveyEffect]
    no_data: list[District] = field(default_factory=list)
    synthetic: bool = False
    kind: str = "survey"

    @property
    def credible_rows(self) -> list[SurveyEffect]:
        return [row for row in self.rows if row.credible]


# --- entry point -------------------------------------------------------------------------


def parse_reference(text: str | None) -> datetime.date:
    """`06.02.2019` or `2019-02-06`; empty means the default (ASSKomm's start)."""
    if not text:
        return DEFAULT_REFERENCE
    for pattern in ("%d.%m.%Y", "%Y-%m-%d"):
        try:
            return datetime.datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
    raise EffectError(
        _("Der Stichtag „%(text)s“ ist kein Datum (TT.MM.JJJJ).") % {"text": text},
        bad_request=True,
    )


def parse_years(text: str | None, label: str) -> int | None:
    if not text:
        return None
    if not text.isdigit() or not 1 <= int(text) <= 50:
        raise EffectError(
            _("„%(label)s“ muss eine Anzahl von Jahren zwischen 1 und 50 sein.") % {"label": label},
            bad_request=True,
        )
    return int(text)


def analyse(
    indicator: Indicator | str,
    *,
    reference: datetime.date = DEFAULT_REFERENCE,
    years_before: int | None = None,
    years_after: int | None = None,
    until: int | None = None,
    reveal: bool = False,
    shared: Shared | None = None,
) -> CountAnalysis | SurveyAnalysis:
    """The effect analysis of one indicator (`until`: the last year to use, e.g. that of an
    answer report); raises EffectError on bad input."""
    if isinstance(indicator, str):
        found = Indicator.objects.filter(key=indicator).first()
        if found is None:
            raise EffectError(
                _("Die Kennzahl „%(key)s“ gibt es nicht.") % {"key": indicator}, bad_request=True
            )
        indicator = found
    if not analysable([indicator]):
        raise EffectError(
            _(
                "Für „%(name)s“ ist keine Wirkungsanalyse möglich: sie rechnet mit Fallzahlen "
                "oder mit Anteilen aus der Bürgerumfrage."
            )
            % {"name": indicator.name}
        )
    shared = shared or Shared([indicator])
    districts, dataset = shared.districts, shared.dataset
    years = [year for year in dataset.years(indicator) if until is None or year <= until]
    if not years:
        raise EffectError(_("Für „%(name)s“ gibt es keine Werte.") % {"name": indicator.name})
    if not years[0] < reference.year <= years[-1] and reference != datetime.date(years[-1], 1, 1):
        raise EffectError(
            _(
                "Der Stichtag %(date)s liegt außerhalb der Daten: Werte gibt es für "
                "%(first)s bis %(last)s, vor und nach dem Stichtag muss es Jahre geben."
            )
            % {"date": f"{reference:%d.%m.%Y}", "first": years[0], "last": years[-1]},
            bad_request=reference != DEFAULT_REFERENCE,
        )
    skipped = {year: _("unvollständig") for year in dataset.incomplete_years(indicator, districts)}
    transition = reference.year if (reference.month, reference.day) != (1, 1) else None
    if transition in years and transition not in skipped:
        skipped[transition] = _("Übergangsjahr (Stichtag im Jahr)")
    usable = [year for year in years if year not in skipped]
    before = [year for year in usable if year < reference.year]
    after = [year for year in usable if year >= reference.year]
    if years_before:
        before = before[-years_before:]
    if years_after:
        after = after[:years_after]
    if len(before) < MIN_YEARS or len(after) < MIN_YEARS_AFTER:
        raise EffectError(
            _(
                "Zu wenige vollständige Jahre: vor dem Stichtag %(before)s, danach %(after)s; "
                "nötig sind mindestens %(minimum)s Jahre davor und %(after_minimum)s danach."
            )
            % {
                "before": len(before),
                "after": len(after),
                "minimum": MIN_YEARS,
                "after_minimum": MIN_YEARS_AFTER,
            }
        )
    measure_pks = shared.measure_pks(reference, after[-1])
    if indicator.kind == Indicator.Kind.PERCENT:
        return _survey(
            indicator, dataset, districts, reference, before, after, skipped, measure_pks
        )
    if not measure_pks:
        raise EffectError(
            _(
                "Keine Stadtteile mit Präventionsmaßnahmen nach dem Stichtag: ohne sie gibt es "
                "nichts zu vergleichen."
            )
        )
    return _counts(
        indicator, dataset, districts, reference, before, after, skipped, measure_pks, reveal
    )


class Shared:
    """What analyses of several indicators share (the overview): districts, values and
    populations, measure districts; loaded once, so the overview's queries do not grow with
    the number of indicators."""

    def __init__(self, indicators: Sequence[Indicator]) -> None:
        self.districts = sorted(
            District.objects.all(), key=lambda each: stats.collate_key(each.name)
        )
        self.dataset = stats.load_dataset(list(indicators), reveal=True)
        self._measures: dict[tuple, set[int]] = {}

    def measure_pks(self, reference: datetime.date, last_year: int) -> set[int]:
        key = (reference, last_year)
        if key not in self._measures:
            self._measures[key] = measure_district_pks(reference, last_year)
        return self._measures[key]


def measure_district_pks(reference: datetime.date, last_year: int) -> set[int]:
    """Districts of public measures that ran at some time between the reference date and the
    end of the last year analysed (two queries)."""
    measures = (
        Measure.objects.public()
        .filter(start_date__isnull=False, start_date__lte=datetime.date(last_year, 12, 31))
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=reference))
        .prefetch_related(Prefetch("districts", queryset=District.objects.only("pk")))
    )
    return {district.pk for measure in measures for district in measure.districts.all()}


# --- counts ------------------------------------------------------------------------------


def _exposure(dataset, indicator, district, year) -> float | None:
    if not indicator.per_100k:
        return 1.0
    population = dataset.population(district, year)
    return population.inhabitants / 100_000 if population else None


def _counts(indicator, dataset, districts, reference, before, after, skipped, measure_pks, reveal):
    used = before + after
    series: dict[int, list[tuple[int, float, float]]] = {}
    withheld, no_data, synthetic = [], [], False
    by_pk = {district.pk: district for district in districts}
    for district in districts:
        points = []
        for year in used:
            figure = dataset.figure(indicator, district, year)
            exposure = _exposure(dataset, indicator, district, year)
            if figure.value is None or exposure is None:
                break
            if figure.withheld and not reveal:
                withheld.append(district)
                break
            synthetic = synthetic or figure.synthetic
            points.append((year, float(figure.value), exposure))
        else:
            series[district.pk] = points
            continue
        if district not in withheld:
            no_data.append(district)
    kappa = extra_variation(series, before)
    rows, p_values = [], []
    for pk, points in series.items():
        b, eb, a, ea = _split(points, before)
        phi = _dispersion(points, before, kappa)
        estimate = exact_rate_ratio(a, ea, b, eb, dispersion=phi)
        rows.append(DistrictEffect(by_pk[pk], pk in measure_pks, b, eb, a, ea, estimate, None))
        p_values.append(estimate.p)
    rows = [replace(row, p_adjusted=p) for row, p in zip(rows, holm(p_values), strict=True)]
    treated = {pk: points for pk, points in series.items() if pk in measure_pks}
    others = {pk: points for pk, points in series.items() if pk not in measure_pks}
    if not treated or not others:
        raise EffectError(
            _(
                "Für den Vergleich fehlen Stadtteile: mit Maßnahmen %(treated)s, ohne "
                "Maßnahmen %(others)s mit vollständigen Werten."
            )
            % {"treated": len(treated), "others": len(others)}
        )
    measure_group, measure_var = _group(treated, before, kappa)
    comparison_group, comparison_var = _group(others, before, kappa)
    did = EMPTY
    if measure_group.value and comparison_group.value:
        did = log_wald_ratio(
            measure_group.value / comparison_group.value, measure_var + comparison_var
        )
    return CountAnalysis(
        indicator,
        reference,
        before,
        after,
        skipped,
        rows,
        measure_group,
        comparison_group,
        did,
        _pretrend(treated, others, before, kappa),
        kappa,
        _("Fälle je 100.000 Einwohner und Jahr") if indicator.per_100k else _("Fälle je Jahr"),
        withheld,
        no_data,
        synthetic,
    )


def _split(points, before) -> tuple[float, float, float, float]:
    b = sum(count for year, count, _e in points if year in before)
    eb = sum(exposure for year, _c, exposure in points if year in before)
    a = sum(count for year, count, _e in points if year not in before)
    ea = sum(exposure for year, _c, exposure in points if year not in before)
    return b, eb, a, ea


def extra_variation(series: dict[int, list[tuple[int, float, float]]], before) -> float:
    """kappa of the variance mu + kappa * mu^2 of a yearly count, by the method of moments
    over every district and period; 0 = Poisson. Within a period a district's expected count
    follows the city-wide year pattern (what all districts share is a real change, not noise
    of one district)."""
    city_cases: dict[int, float] = {}
    city_exposure: dict[int, float] = {}
    for points in series.values():
        for year, count, exposure in points:
            city_cases[year] = city_cases.get(year, 0.0) + count
            city_exposure[year] = city_exposure.get(year, 0.0) + exposure
    city_rate = {
        year: city_cases[year] / city_exposure[year] for year in city_cases if city_exposure[year]
    }
    excess = weight = 0.0
    for points in series.values():
        for period in (
            [p for p in points if p[0] in before],
            [p for p in points if p[0] not in before],
        ):
            k = len(period)
            cases = sum(count for _y, count, _e in period)
            shape = [e * city_rate.get(year, 0.0) for year, _c, e in period]
            if k < 2 or not cases or not sum(shape):
                continue
            correction = k / (k - 1)
            for (_year, count, _e), part in zip(period, shape, strict=True):
                mu = cases * part / sum(shape)
                excess += (count - mu) ** 2 * correction - mu
                weight += mu * mu
    return max(0.0, excess / weight) if weight else 0.0


def _dispersion(points, before, kappa) -> float:
    """Variance over mean of the district's counts: 1 + kappa * mean yearly count."""
    mean = sum(count for _y, count, _e in points) / len(points)
    return 1 + kappa * mean


def _variance_of_log_total(points, kappa) -> float:
    total = sum(count for _y, count, _e in points)
    if not total:
        return math.inf
    return sum(count + kappa * count * count for _y, count, _e in points) / (total * total)


def _group(series, before, kappa) -> tuple[Estimate, float]:
    """Pooled rate ratio of a group of districts and the variance of its logarithm."""
    pooled_before = [p for points in series.values() for p in points if p[0] in before]
    pooled_after = [p for points in series.values() for p in points if p[0] not in before]
    b = sum(count for _y, count, _e in pooled_before)
    a = sum(count for _y, count, _e in pooled_after)
    eb = sum(e for _y, _c, e in pooled_before)
    ea = sum(e for _y, _c, e in pooled_after)
    if not a or not b:
        return EMPTY, math.inf
    variance = _variance_of_log_total(pooled_before, kappa) + _variance_of_log_total(
        pooled_after, kappa
    )
    return log_wald_ratio((a / ea) / (b / eb), variance), variance


def _pretrend(treated, others, before, kappa) -> Estimate | None:
    """Ratio of the yearly trend factors of the two groups before the start (1 = parallel):
    weighted least squares of log(rate measure districts / rate others) on the year."""
    if len(before) < PRETREND_MIN_YEARS:
        return None
    xs, ys, ws = [], [], []
    for year in before:
        log_ratio, variance = 0.0, 0.0
        for sign, series in ((1, treated), (-1, others)):
            points = [p for each in series.values() for p in each if p[0] == year]
            cases = sum(count for _y, count, _e in points)
            exposure = sum(e for _y, _c, e in points)
            if not cases or not exposure:
                return None
            log_ratio += sign * math.log(cases / exposure)
            variance += _variance_of_log_total(points, kappa)
        xs.append(float(year))
        ys.append(log_ratio)
        ws.append(1 / variance)
    total = sum(ws)
    x_bar = sum(w * x for w, x in zip(ws, xs, strict=True)) / total
    y_bar = sum(w * y for w, y in zip(ws, ys, strict=True)) / total
    sxx = sum(w * (x - x_bar) ** 2 for w, x in zip(ws, xs, strict=True))
    slope = sum(w * (x - x_bar) * (y - y_bar) for w, x, y in zip(ws, xs, ys, strict=True)) / sxx
    residual = sum(
        w * (y - y_bar - slope * (x - x_bar)) ** 2 for w, x, y in zip(ws, xs, ys, strict=True)
    )
    scale = max(1.0, residual / (len(xs) - 2)) if len(xs) > 2 else 1.0
    return log_wald_ratio(math.exp(slope), scale / sxx)


# --- survey ------------------------------------------------------------------------------


def _survey(indicator, dataset, districts, reference, before, after, skipped, measure_pks):
    first_year, last_year = before[-1], after[-1]
    rows, p_values, no_data = [], [], []
    synthetic = False

    def point(district, year) -> SurveyPoint | None:
        stored = dataset._values.get((indicator.pk, district.pk if district else None, year))
        if stored is None or stored.value is None or not stored.sample_size:
            return None
        return SurveyPoint(year, float(stored.value), stored.sample_size)

    def effect(district) -> SurveyEffect | None:
        nonlocal synthetic
        first, last = point(district, first_year), point(district, last_year)
        if first is None or last is None:
            return None
        synthetic = synthetic or dataset.figure(indicator, district, last_year).synthetic
        estimate = newcombe_difference(
            last.percent / 100 * last.sample_size,
            last.sample_size,
            first.percent / 100 * first.sample_size,
            first.sample_size,
        )
        scaled = Estimate(
            estimate.value * 100, estimate.low * 100, estimate.high * 100, estimate.p, 0.0
        )
        measure = district is not None and district.pk in measure_pks
        return SurveyEffect(district, measure, first, last, scaled, None)

    for district in districts:
        found = effect(district)
        if found is None:
            no_data.append(district)
        else:
            rows.append(found)
            p_values.append(found.estimate.p)
    rows = [replace(row, p_adjusted=p) for row, p in zip(rows, holm(p_values), strict=True)]
    city = effect(None)
    if city is not None:
        city = replace(city, p_adjusted=city.estimate.p)
    if not rows and city is None:
        raise EffectError(
            _(
                "Für „%(name)s“ fehlen die Stichprobengrößen der Umfrage: ohne sie lässt sich "
                "keine Unsicherheit angeben."
            )
            % {"name": indicator.name}
        )
    series = []
    for year in before + after:
        found = point(None, year)
        if found is not None:
            low, high = wilson(found.percent / 100 * found.sample_size, found.sample_size)
            series.append((found, (low * 100, high * 100)))
    return SurveyAnalysis(
        indicator,
        reference,
        first_year,
        last_year,
        skipped,
        city,
        series,
        rows,
        no_data,
        synthetic,
    )


def analysable(indicators: Sequence[Indicator]) -> list[Indicator]:
    """The indicators an analysis makes sense for (counts and survey shares)."""
    return [
        indicator
        for indicator in indicators
        if indicator.kind == Indicator.Kind.COUNT
        or (indicator.kind == Indicator.Kind.PERCENT and indicator.source == "survey")
    ]
