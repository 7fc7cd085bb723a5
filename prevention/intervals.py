"""Confidence intervals and tests for counts and proportions (used by prevention/effects.py).

Pure functions on numbers, no Django; distributions come from SciPy. The methods are the
textbook ones, chosen so that the portal's figures can be checked with any statistics package:

- `poisson_interval(k)`: exact (Garwood) interval of a Poisson count, from chi-square quantiles.
- `rate_ratio(a, ea, b, eb)`: ratio of two Poisson rates with the exact conditional interval
  (given a + b, a is binomial; Clopper-Pearson for that share, turned into a rate ratio) and
  the matching two-sided p-value (twice the smaller tail). With `dispersion` > 1 the counts are
  divided by it first ("effective counts" of an overdispersed quasi-Poisson count).
- `log_wald_ratio()`: the Wald interval on the log scale for a product or quotient of ratios
  (the difference-in-differences), with its variance given.
- `wilson()` and `newcombe_difference()`: a proportion and the difference of two independent
  proportions (Newcombe 1998, method 10, the hybrid score interval).
- `holm()`: Holm's step-down adjustment of p-values (family-wise error rate).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from scipy import special, stats

Z95 = float(stats.norm.ppf(0.975))


@dataclass(frozen=True)
class Estimate:
    """A point estimate with its 95 % interval and two-sided p-value (against `null`)."""

    value: float | None
    low: float | None
    high: float | None
    p: float | None = None
    null: float = 1.0

    @property
    def covers_null(self) -> bool:
        """True when the interval contains "no change" (or there is no interval)."""
        if self.low is None or self.high is None:
            return True
        return self.low <= self.null <= self.high


EMPTY = Estimate(None, None, None, None)


def poisson_interval(count: float, *, level: float = 0.95) -> tuple[float, float]:
    """Exact (Garwood) interval for the mean of a Poisson count."""
    alpha = 1 - level
    low = 0.0 if count <= 0 else float(stats.chi2.ppf(alpha / 2, 2 * count)) / 2
    high = float(stats.chi2.ppf(1 - alpha / 2, 2 * count + 2)) / 2
    return low, high


def _beta_ppf(q: float, a: float, b: float) -> float:
    return float(stats.beta.ppf(q, a, b))


def _binomial_tails(x: float, n: float, p: float) -> tuple[float, float]:
    """P(X <= x) and P(X >= x) for a binomial count, extended to non-integer x and n through
    the regularised incomplete beta function (needed for effective counts)."""
    lower = 1.0 if x >= n else float(special.betainc(n - x, x + 1, 1 - p))
    upper = 1.0 if x <= 0 else float(special.betainc(x, n - x + 1, p))
    return lower, upper


def rate_ratio(
    after: float,
    after_exposure: float,
    before: float,
    before_exposure: float,
    *,
    dispersion: float = 1.0,
    level: float = 0.95,
) -> Estimate:
    """(after / after_exposure) / (before / before_exposure) with the exact conditional
    interval. No estimate when a rate is undefined (no exposure or no cases at all)."""
    if after_exposure <= 0 or before_exposure <= 0 or after + before <= 0:
        return EMPTY
    phi = max(1.0, dispersion)
    a, b = after / phi, before / phi
    n = a + b
    alpha = 1 - level
    scale = before_exposure / after_exposure

    def ratio(share: float) -> float | None:
        return None if share >= 1 else share / (1 - share) * scale

    value = None if b == 0 else (a / after_exposure * phi) / (b / before_exposure * phi)
    low_share = 0.0 if a == 0 else _beta_ppf(alpha / 2, a, b + 1)
    high_share = 1.0 if b == 0 else _beta_ppf(1 - alpha / 2, a + 1, b)
    p0 = after_exposure / (after_exposure + before_exposure)
    lower, upper = _binomial_tails(a, n, p0)
    p = min(1.0, 2 * min(lower, upper))
    return Estimate(value, ratio(low_share), ratio(high_share), p)


def log_wald_ratio(value: float | None, variance: float | None, *, level: float = 0.95):
    """Wald interval on the log scale: value * exp(±z * sqrt(variance))."""
    if value is None or variance is None or value <= 0 or variance < 0:
        return EMPTY
    z = float(stats.norm.ppf(1 - (1 - level) / 2))
    se = math.sqrt(variance)
    statistic = abs(math.log(value)) / se if se else math.inf
    p = float(2 * stats.norm.sf(statistic))
    return Estimate(value, value * math.exp(-z * se), value * math.exp(z * se), p)


def wilson(successes: float, n: float, *, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval of a proportion."""
    if n <= 0:
        raise ValueError("n must be positive")
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)


def newcombe_difference(x1: float, n1: float, x2: float, n2: float) -> Estimate:
    """p1 - p2 with Newcombe's hybrid score interval (method 10) and the p-value of the
    two-proportion z-test (pooled variance); null is 0."""
    p1, p2 = x1 / n1, x2 / n2
    l1, u1 = wilson(x1, n1)
    l2, u2 = wilson(x2, n2)
    diff = p1 - p2
    low = diff - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    high = diff + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    pooled = (x1 + x2) / (n1 + n2)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    p = 1.0 if se == 0 else float(2 * stats.norm.sf(abs(diff) / se))
    return Estimate(diff, low, high, p, null=0.0)


def holm(p_values: list[float | None]) -> list[float | None]:
    """Holm's step-down adjusted p-values (None stays None and is not counted)."""
    present = sorted((p, index) for index, p in enumerate(p_values) if p is not None)
    m = len(present)
    adjusted: list[float | None] = [None] * len(p_values)
    running = 0.0
    for rank, (p, index) in enumerate(present):
        running = max(running, min(1.0, (m - rank) * p))
        adjusted[index] = running
    return adjusted
