"""prevention.intervals against figures computed independently: published tables, a second
method (SciPy's own exact binomial interval), hand calculations, and properties."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import binomtest

from prevention import intervals


@pytest.mark.parametrize(
    ("count", "low", "high"),
    [  # exact Poisson 95 % limits as tabulated (Garwood 1936; e.g. Sachs, Angewandte Statistik)
        (0, 0.0, 3.689),
        (1, 0.0253, 5.572),
        (2, 0.2422, 7.225),
        (5, 1.6235, 11.668),
        (10, 4.795, 18.390),
    ],
)
def test_poisson_interval_matches_the_tables(count, low, high):
    got = intervals.poisson_interval(count)
    assert got[0] == pytest.approx(low, abs=6e-4)
    assert got[1] == pytest.approx(high, abs=6e-4)


def test_rate_ratio_matches_r_poisson_test_and_a_second_method():
    # R: poisson.test(c(11, 6 + 8 + 7), c(800, 1083 + 1050 + 878)): rate ratio 1.971488,
    # lower limit 0.8584264.
    result = intervals.rate_ratio(11, 800, 21, 3011)
    assert result.value == pytest.approx(1.971488, abs=1e-6)
    assert result.low == pytest.approx(0.8584264, abs=1e-6)
    # the upper limit through SciPy's Clopper-Pearson interval of the conditional share
    share = binomtest(11, 32, 800 / 3811).proportion_ci(method="exact")
    assert result.high == pytest.approx(share.high / (1 - share.high) * 3011 / 800, rel=1e-9)
    assert result.covers_null


def test_rate_ratio_by_hand_for_equal_exposure():
    # 50 cases before, 30 after, same exposure: ratio 0.6, clearly below 1
    result = intervals.rate_ratio(30, 1.0, 50, 1.0)
    assert result.value == pytest.approx(0.6)
    assert result.high < 1 and result.p < 0.05


def test_dispersion_widens_the_interval_and_keeps_the_estimate():
    plain = intervals.rate_ratio(300, 1.0, 400, 1.0)
    wide = intervals.rate_ratio(300, 1.0, 400, 1.0, dispersion=4.0)
    assert wide.value == pytest.approx(plain.value)
    assert wide.low < plain.low and wide.high > plain.high
    # four times the variance is about the interval of a quarter of the counts
    quarter = intervals.rate_ratio(75, 1.0, 100, 1.0)
    assert wide.low == pytest.approx(quarter.low) and wide.high == pytest.approx(quarter.high)


def test_rate_ratio_without_cases_or_exposure_has_no_estimate():
    assert intervals.rate_ratio(0, 1.0, 0, 1.0).value is None
    assert intervals.rate_ratio(3, 0, 4, 1.0).value is None
    zero_before = intervals.rate_ratio(5, 1.0, 0, 1.0)
    assert zero_before.value is None and zero_before.high is None


def test_log_wald_ratio_by_hand():
    result = intervals.log_wald_ratio(2.0, 0.04)
    assert result.low == pytest.approx(2 * math.exp(-1.959964 * 0.2), rel=1e-6)
    assert result.high == pytest.approx(2 * math.exp(1.959964 * 0.2), rel=1e-6)
    assert result.p == pytest.approx(2 * 0.0002644, rel=1e-2)  # z = ln 2 / 0.2 = 3.466


@pytest.mark.parametrize(
    ("x1", "n1", "x2", "n2", "low", "high"),
    [  # Newcombe (1998), Statistics in Medicine 17:873-890, table II, method 10
        (56, 70, 48, 80, 0.0524, 0.3339),
        (9, 10, 3, 10, 0.1705, 0.8090),
        (6, 7, 2, 7, 0.0582, 0.8062),
    ],
)
def test_newcombe_difference_matches_the_paper(x1, n1, x2, n2, low, high):
    result = intervals.newcombe_difference(x1, n1, x2, n2)
    assert result.value == pytest.approx(x1 / n1 - x2 / n2)
    assert result.low == pytest.approx(low, abs=6e-4)
    assert result.high == pytest.approx(high, abs=6e-4)


def test_wilson_by_hand():
    # 81 of 263 (Wilson's interval as in Agresti & Coull 1998, 0.2553 to 0.3662)
    low, high = intervals.wilson(81, 263)
    assert (low, high) == (pytest.approx(0.2553, abs=5e-4), pytest.approx(0.3662, abs=5e-4))


def test_holm_by_hand():
    # sorted 0.005, 0.01, 0.03, 0.04 times 4, 3, 2, 1, kept monotone
    assert intervals.holm([0.01, 0.04, 0.03, None, 0.005]) == [
        pytest.approx(0.03),
        pytest.approx(0.06),
        pytest.approx(0.06),
        None,
        pytest.approx(0.02),
    ]
    assert intervals.holm([]) == []


@settings(max_examples=150, deadline=None)
@given(
    after=st.integers(0, 500),
    before=st.integers(1, 500),
    after_exposure=st.floats(0.05, 10),
    before_exposure=st.floats(0.05, 10),
)
def test_interval_and_p_value_agree(after, before, after_exposure, before_exposure):
    """The interval excludes 1 exactly when the p-value is below 0.05 (both central), and it
    always contains the estimate."""
    result = intervals.rate_ratio(after, after_exposure, before, before_exposure)
    assert result.low <= result.value <= result.high
    if abs(result.p - 0.05) > 1e-6:
        assert (result.p < 0.05) == (not result.covers_null)
