"""Rates, exact intervals, funnel limits, classification, overdispersion, rate ratios.

Expectations are computed by hand (closed forms, Poisson sums with ``math``) or taken from
published tables; SciPy appears only where a formula is spelt out independently of the code.
"""

from __future__ import annotations

import itertools
import math
import subprocess
import sys

import pytest

from klyngepakke.metrics import statistics as st
from klyngepakke.metrics.results import FunnelFlag, RateEstimate

stats = pytest.importorskip("scipy.stats")


def poisson_cdf(k: int, mu: float) -> float:
    """F(k) of Poisson(mu), summed term by term (F(-1) = 0)."""
    return sum(math.exp(-mu) * mu**i / math.factorial(i) for i in range(k + 1))


def interpolated_limit(p: float, mu: float) -> float:
    """Spiegelhalter (2005), appendix: r_p - (F(r_p) - p) / (F(r_p) - F(r_p - 1)), counts."""
    r = 0
    while poisson_cdf(r, mu) < p:
        r += 1
    alpha = (poisson_cdf(r, mu) - p) / (poisson_cdf(r, mu) - poisson_cdf(r - 1, mu))
    return r - alpha


# --- rates ----------------------------------------------------------------------------------


def test_rate_per_thousand() -> None:
    assert st.rate_per(12, 4000) == pytest.approx(3.0)
    assert st.rate_per(12, 4000, per=100) == pytest.approx(0.3)


@pytest.mark.parametrize("population", [0, -5])
def test_rate_needs_a_population(population: int) -> None:
    with pytest.raises(ValueError, match="population"):
        st.rate_per(3, population)


def test_pooled_rate_is_total_over_total_not_mean_of_rates() -> None:
    counts, populations = [5, 90], [100, 9900]
    # 95 services for 10 000 patients: 9.5 per 1000; the practices' own rates are 50 and
    # 9.09 per 1000, whose plain mean (29.5) lets the 100-patient practice count as much as
    # the 9900-patient one.
    mean_of_rates = (5 / 100 * 1000 + 90 / 9900 * 1000) / 2
    assert mean_of_rates == pytest.approx(29.545454, rel=1e-6)
    assert st.pooled_rate(counts, populations) == pytest.approx(9.5)


def test_pooled_rate_checks_its_input() -> None:
    with pytest.raises(ValueError, match="2 counts but 1 populations"):
        st.pooled_rate([1, 2], [100])
    with pytest.raises(ValueError, match="at least one"):
        st.pooled_rate([], [])


# --- exact Poisson intervals ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "lower", "upper"),
    [
        # Published 95 % exact limits for a Poisson count (e.g. Garwood 1936; Ulm's table).
        (0, 0.0, 3.689),
        (1, 0.0253, 5.572),
        (10, 4.795, 18.390),
    ],
)
def test_garwood_interval_known_values(count: int, lower: float, upper: float) -> None:
    got = st.poisson_interval(count)
    assert got[0] == pytest.approx(lower, abs=5e-4)
    assert got[1] == pytest.approx(upper, abs=5e-4)


@pytest.mark.parametrize("confidence", [0.9, 0.95, 0.99])
def test_garwood_interval_closed_forms(confidence: float) -> None:
    tail = (1 - confidence) / 2
    # x = 0: P(X = 0) = exp(-upper) = tail.  x = 1: P(X >= 1) = 1 - exp(-lower) = tail.
    lower, upper = st.poisson_interval(0, confidence)
    assert lower == 0.0
    assert upper == pytest.approx(-math.log(tail))
    assert st.poisson_interval(1, confidence)[0] == pytest.approx(-math.log(1 - tail))


def test_garwood_interval_tails_are_exact() -> None:
    lower, upper = st.poisson_interval(7)
    assert 1 - poisson_cdf(6, lower) == pytest.approx(0.025)  # P(X >= 7 | lower)
    assert poisson_cdf(7, upper) == pytest.approx(0.025)  # P(X <= 7 | upper)


def test_rate_interval_is_on_the_rate_scale() -> None:
    lower, upper = st.rate_interval(10, 2000)
    assert lower == pytest.approx(4.795 / 2, abs=5e-4)
    assert upper == pytest.approx(18.390 / 2, abs=5e-4)


def test_rate_estimate() -> None:
    estimate = st.rate_estimate(10, 2000)
    assert isinstance(estimate, RateEstimate)
    assert (estimate.count, estimate.population, estimate.per) == (10, 2000, 1000)
    assert estimate.rate == pytest.approx(5.0)
    assert estimate.lower == pytest.approx(2.3977, abs=5e-4)
    assert estimate.upper == pytest.approx(9.195, abs=5e-4)


def test_rate_estimate_without_patients_has_no_rate() -> None:
    assert st.rate_estimate(3, 0) == RateEstimate(3, 0, 1000, None, None, None)
    with pytest.raises(ValueError, match="population"):
        st.rate_estimate(3, -1)


@pytest.mark.parametrize("count", [-1, 2.5])
def test_interval_rejects_impossible_counts(count: float) -> None:
    with pytest.raises(ValueError, match="count"):
        st.poisson_interval(count)  # type: ignore[arg-type]


def test_interval_rejects_impossible_confidence() -> None:
    with pytest.raises(ValueError, match="confidence"):
        st.poisson_interval(3, 95)


# --- funnel limits ------------------------------------------------------------------------------


def test_funnel_limits_by_hand_for_ten_expected() -> None:
    # target 10 per 1000, 1000 patients: mu = 10.  F(3) = 0.010336, F(4) = 0.029253, so the
    # lower 95 % limit is r = 4, alpha = (0.029253 - 0.025)/(0.029253 - 0.010336) = 0.22481:
    # 3.77519 services, i.e. 3.77519 per 1000.  F(16) = 0.972958, F(17) = 0.985722: upper
    # r = 17, alpha = 0.84005, 16.15995.  99.8 %: F(1) = 0.000499, F(2) = 0.002769 give
    # 1.22053; F(20) = 0.998412, F(21) = 0.999300 give 20.66200.
    limits = st.funnel_limits(10, [1000])
    assert limits.expected[0] == pytest.approx(10.0)
    assert limits.band(0.95).lower[0] == pytest.approx(3.775188, abs=1e-5)
    assert limits.band(0.95).upper[0] == pytest.approx(16.159951, abs=1e-5)
    assert limits.band(0.998).lower[0] == pytest.approx(1.220529, abs=1e-5)
    assert limits.band(0.998).upper[0] == pytest.approx(20.662001, abs=1e-5)


def test_funnel_limits_match_the_interpolation_formula() -> None:
    populations = [150, 400, 1000, 2500, 7000]
    limits = st.funnel_limits(4.0, populations)
    for i, n in enumerate(populations):
        mu = 4.0 / 1000 * n
        assert limits.expected[i] == pytest.approx(mu)
        for level in (0.95, 0.998):
            band = limits.band(level)
            lower = max(interpolated_limit((1 - level) / 2, mu), 0.0) / n * 1000
            upper = interpolated_limit((1 + level) / 2, mu) / n * 1000
            assert band.lower[i] == pytest.approx(lower, rel=1e-9, abs=1e-12)
            assert band.upper[i] == pytest.approx(upper, rel=1e-9)


def test_funnel_limits_for_one_expected_service() -> None:
    # mu = 1: F(0) = 0.3679 >= 0.025, so the lower limit 0 - 0.932 is shown as 0.
    # Upper: F(2) = 0.919699, F(3) = 0.981012: 3 - 0.006012/0.061313 = 2.901949.
    limits = st.funnel_limits(1, [1000])
    assert limits.band(0.95).lower == (0.0,)
    assert limits.band(0.95).upper[0] == pytest.approx(2.901949, abs=1e-5)


def test_funnel_limits_scale_with_population() -> None:
    # 5 per 1000 at 2000 patients is mu = 10 as above; the rates halve.
    limits = st.funnel_limits(5, [2000])
    assert limits.band(0.95).lower[0] == pytest.approx(3.775188 / 2, abs=1e-5)
    assert limits.band(0.95).upper[0] == pytest.approx(16.159951 / 2, abs=1e-5)


def test_funnel_limits_check_their_input() -> None:
    with pytest.raises(ValueError, match="target rate"):
        st.funnel_limits(0, [1000])
    with pytest.raises(ValueError, match="population"):
        st.funnel_limits(5, [1000, 0])
    with pytest.raises(ValueError, match="level"):
        st.funnel_limits(5, [1000], levels=(95,))
    with pytest.raises(KeyError):
        st.funnel_limits(5, [1000]).band(0.9)


def test_funnel_curve_spans_the_observed_list_sizes() -> None:
    curve = st.funnel_curve(4.0, 300, 9000, points=50)
    assert len(curve.populations) == 50
    assert curve.populations[0] == pytest.approx(300)
    assert curve.populations[-1] == pytest.approx(9000)
    ratios = [b / a for a, b in itertools.pairwise(curve.populations)]
    assert max(ratios) == pytest.approx(min(ratios))  # geometric grid
    for band in curve.bands:
        assert len(band.lower) == len(band.upper) == 50
        assert all(lo < 4.0 < hi for lo, hi in zip(band.lower, band.upper, strict=True))


def test_funnel_curve_is_smooth_across_quantile_steps() -> None:
    # Where the Poisson quantile steps from r to r + 1 the interpolation goes from alpha = 0
    # to 1, so the limit (in services) has no jump: neighbours on a fine grid stay close.
    curve = st.funnel_curve(1000, 5, 15, points=2000)  # mu from 5 to 15
    for band in curve.bands:
        for limit in (band.lower, band.upper):
            services = [x * n / 1000 for x, n in zip(limit, curve.populations, strict=True)]
            steps = [abs(b - a) for a, b in itertools.pairwise(services)]
            assert max(steps) < 0.05


def test_funnel_curve_with_one_list_size() -> None:
    assert st.funnel_curve(4.0, 1000, 1000).populations == (1000.0,)


def test_funnel_curve_checks_its_range() -> None:
    with pytest.raises(ValueError, match="smaller than"):
        st.funnel_curve(4.0, 1000, 500)
    with pytest.raises(ValueError, match="at least 2"):
        st.funnel_curve(4.0, 100, 500, points=1)


# --- classification -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "flag"),
    [
        (0, FunnelFlag.WITHIN),  # P(X <= 0) = 0.368
        (3, FunnelFlag.WITHIN),  # P(X >= 3) = 1 - F(2) = 0.0803
        (4, FunnelFlag.ABOVE_95),  # P(X >= 4) = 1 - F(3) = 0.0190
        (5, FunnelFlag.ABOVE_95),  # P(X >= 5) = 0.00366
        (6, FunnelFlag.ABOVE_998),  # P(X >= 6) = 0.000594
    ],
)
def test_classify_one_expected_service(count: int, flag: FunnelFlag) -> None:
    result = st.classify(count, 1000, 1.0)
    assert result.flag is flag
    assert result.expected == pytest.approx(1.0)
    assert result.p_above == pytest.approx(1 - poisson_cdf(count - 1, 1.0))
    assert result.p_below == pytest.approx(poisson_cdf(count, 1.0))


@pytest.mark.parametrize(
    ("count", "flag"),
    [
        (1, FunnelFlag.BELOW_998),  # F(1) = 11 e^-10 = 0.000499
        (2, FunnelFlag.BELOW_95),  # F(2) = 0.00277
        (3, FunnelFlag.BELOW_95),  # F(3) = 0.0103
        (4, FunnelFlag.WITHIN),  # F(4) = 0.0293
        (16, FunnelFlag.WITHIN),  # P(X >= 16) = 1 - F(15) = 0.0487
        (17, FunnelFlag.WITHIN),  # P(X >= 17) = 1 - F(16) = 0.0270
        (18, FunnelFlag.ABOVE_95),  # P(X >= 18) = 1 - F(17) = 0.0143
    ],
)
def test_classify_ten_expected_services(count: int, flag: FunnelFlag) -> None:
    assert st.classify(count, 1000, 10.0).flag is flag


def test_classify_flags_a_tail_exactly_at_the_threshold() -> None:
    # target ln 40 per 1000 at 1000 patients: P(X = 0) = exp(-ln 40) = 1/40 = 0.025 exactly.
    at_boundary = st.classify(0, 1000, math.log(40))
    assert at_boundary.p_below == pytest.approx(0.025)
    assert at_boundary.flag is FunnelFlag.BELOW_95
    # A slightly lower target: P(X = 0) = exp(-3.6) = 0.0273 > 0.025.
    assert st.classify(0, 1000, 3.6).flag is FunnelFlag.WITHIN


def test_small_practice_outside_the_curve_but_not_by_its_tail() -> None:
    # Manktelow & Seaton (2012): the interpolated curve flags too often when few services are
    # expected.  mu = 1: the upper 95 % curve is 2.902, so 3 services lie above it, yet an
    # in-control practice has 3 or more with probability 8 %, not 2.5 %.
    upper = st.funnel_limits(1.0, [1000]).band(0.95).upper[0]
    assert st.rate_per(3, 1000) > upper
    result = st.classify(3, 1000, 1.0)
    assert result.p_above == pytest.approx(0.0803014, abs=1e-6)
    assert result.flag is FunnelFlag.WITHIN


def test_exact_flags_are_a_subset_of_curve_flags() -> None:
    # The exact tail never flags a practice the curve leaves inside; the only disagreement
    # is the count r_p just above the upper curve (the small-practice excess).
    disagreements = 0
    for population in (200, 500, 1000, 3000):
        limits = st.funnel_limits(8.0, [population])
        lower, upper = limits.band(0.95).lower[0], limits.band(0.95).upper[0]
        for count in range(60):
            rate = st.rate_per(count, population)
            flag = st.classify(count, population, 8.0).flag
            outside_curve = rate > upper or rate < lower
            if flag is not FunnelFlag.WITHIN:
                assert outside_curve
            elif outside_curve:
                disagreements += 1
                assert rate > upper
    assert disagreements > 0


def test_classify_checks_its_input() -> None:
    with pytest.raises(ValueError, match="target rate"):
        st.classify(3, 1000, -1.0)
    with pytest.raises(ValueError, match="population"):
        st.classify(3, 0, 1.0)


# --- overdispersion -----------------------------------------------------------------------------


def test_overdispersion_constructed_dataset() -> None:
    # target 100 per 1000, 1000 patients each: expected 100 services, sd 10, so a count of
    # 100 + 10 z has z-score z.  z = -3 -2 -1 -1 0 0 1 1 2 3.  Winsorising at 10 %: the
    # 10th percentile is -3 + 0.9 (-2 - -3) = -2.1, the 90th 2 + 0.1 (3 - 2) = 2.1, so
    # sum z^2 = 2.1^2 + 4 + 1 + 1 + 0 + 0 + 1 + 1 + 4 + 2.1^2 = 20.82 and phi = 2.082 > 1 +
    # 2 sqrt(2/10) = 1.894.  tau^2: s_i = 10 per 1000, w_i = 0.01, sum w = 0.1,
    # sum w^2 / sum w = 0.01, tau^2 = (20.82 - 9) / 0.09 = 131.33 (per 1000, squared).
    z = [-3, -2, -1, -1, 0, 0, 1, 1, 2, 3]
    counts = [100 + 10 * x for x in z]
    result = st.overdispersion(counts, [1000] * 10, 100.0)
    assert result.units == 10
    assert result.z_scores == pytest.approx([-2.1, -2, -1, -1, 0, 0, 1, 1, 2, 2.1])
    assert result.phi == pytest.approx(2.082)
    assert result.threshold == pytest.approx(1 + 2 * math.sqrt(0.2))
    assert result.tau2 == pytest.approx(11.82 / 0.09)
    assert result.p_value == pytest.approx(stats.chi2.sf(20.82, 10))
    assert result.limits_too_narrow
    # Danish, with Danish numbers: it is shown on slides and in documents.
    assert result.explanation.startswith("Praksis varierer mere, end tilfældigheder kan forklare")
    assert "(overspredning φ = 2,08 > 1,89 ved 10 praksis)" in result.explanation
    assert "for snævre" in result.explanation


def test_no_overdispersion_when_every_practice_meets_the_target() -> None:
    result = st.overdispersion([20, 50, 100], [400, 1000, 2000], 50.0)
    assert result.phi == pytest.approx(0.0)
    assert result.tau2 == 0.0
    assert not result.limits_too_narrow
    assert result.explanation == (
        "Praksis varierer ikke mere, end tilfældigheder kan forklare (overspredning φ = 0,00 "
        "≤ 2,63 ved 3 praksis): grænserne for tilfældig variation kan bruges, som de er."
    )


def test_overdispersion_z_score_uses_the_poisson_standard_error() -> None:
    # 30 services for 400 patients against 50 per 1000 (expected 20): z = 10 / sqrt(20).
    result = st.overdispersion([30], [400], 50.0)
    assert len(result.z_scores) == 1
    assert result.z_scores[0] == pytest.approx(10 / math.sqrt(20))
    assert result.phi == pytest.approx(5.0)
    assert result.tau2 == 0.0  # one practice: no between-practice variance to estimate


def test_overdispersion_checks_its_input() -> None:
    with pytest.raises(ValueError, match="at least one"):
        st.overdispersion([], [], 5.0)
    with pytest.raises(ValueError, match="2 counts but 1 populations"):
        st.overdispersion([1, 2], [100], 5.0)


# --- rate ratios --------------------------------------------------------------------------------


def clopper_pearson_ratio(
    count1: int, pop1: float, count0: int, pop0: float
) -> tuple[float, float]:
    lo = stats.beta.ppf(0.025, count1, count0 + 1)
    hi = stats.beta.ppf(0.975, count1 + 1, count0)
    return lo / (1 - lo) * pop0 / pop1, hi / (1 - hi) * pop0 / pop1


def test_rate_ratio_doubling() -> None:
    result = st.rate_ratio(20, 1000, 10, 1000)
    assert result.ratio == pytest.approx(2.0)
    assert (result.lower, result.upper) == pytest.approx(clopper_pearson_ratio(20, 1000, 10, 1000))
    assert (result.lower, result.upper) == pytest.approx((0.893509, 4.784552), abs=1e-6)
    # Given 30 services, 20 or more in one period of two equal ones: 2 sum C(30,k) / 2^30.
    p_value = 2 * sum(math.comb(30, k) for k in range(20, 31)) / 2**30
    assert result.p_value == pytest.approx(p_value)
    assert result.p_value == pytest.approx(0.098737, abs=1e-6)
    assert result.note == ""


def test_rate_ratio_with_unequal_populations() -> None:
    # 30 per 2000 against 10 per 1000: 15 vs 10 per 1000, ratio 1.5; under no change the
    # follow-up share of the 40 services is 2000/3000.
    result = st.rate_ratio(30, 2000, 10, 1000)
    assert result.ratio == pytest.approx(1.5)
    assert (result.lower, result.upper) == pytest.approx(clopper_pearson_ratio(30, 2000, 10, 1000))
    assert result.p_value == pytest.approx(stats.binomtest(30, 40, 2 / 3).pvalue)


def test_rate_ratio_against_the_regions_change() -> None:
    # The region doubled too: against a reference ratio of 2 the practice's change is typical.
    assert st.rate_ratio(20, 1000, 10, 1000, null_ratio=2.0).p_value == pytest.approx(1.0)


def test_rate_ratio_without_follow_up_services() -> None:
    result = st.rate_ratio(0, 1000, 5, 1000)
    assert result.ratio == 0.0
    assert result.lower == 0.0
    # Clopper-Pearson upper limit for 0 of 5: 1 - 0.025^(1/5).
    pi_upper = 1 - 0.025 ** (1 / 5)
    assert result.upper == pytest.approx(pi_upper / (1 - pi_upper))
    assert result.p_value == pytest.approx(2 * 0.5**5)


def test_rate_ratio_without_baseline_services() -> None:
    result = st.rate_ratio(5, 1000, 0, 1000)
    assert result.ratio is None
    assert result.upper is None
    pi_lower = 0.025 ** (1 / 5)  # Clopper-Pearson lower limit for 5 of 5
    assert result.lower == pytest.approx(pi_lower / (1 - pi_lower))
    assert result.p_value == pytest.approx(2 * 0.5**5)
    assert (
        result.note == "ingen ydelser i baseline, så rateratioen og dens øvre grænse er uendelige"
    )


def test_rate_ratio_without_any_services() -> None:
    result = st.rate_ratio(0, 1000, 0, 1000)
    assert (result.ratio, result.lower, result.upper, result.p_value) == (None,) * 4
    assert result.note == "ingen ydelser i nogen af perioderne, så der er intet at sammenligne"


def test_rate_ratio_checks_its_input() -> None:
    with pytest.raises(ValueError, match="population"):
        st.rate_ratio(1, 0, 1, 1000)
    with pytest.raises(ValueError, match="null ratio"):
        st.rate_ratio(1, 1000, 1, 1000, null_ratio=0)


def test_versus_reference() -> None:
    practice = st.rate_ratio(20, 1000, 10, 1000)  # doubled
    region = st.rate_ratio(2500, 100_000, 2000, 100_000)  # up 25 %
    assert st.versus_reference(practice, region) == pytest.approx(1.6)
    assert st.versus_reference(st.rate_ratio(5, 1000, 0, 1000), region) is None
    assert st.versus_reference(practice, st.rate_ratio(0, 1000, 5, 1000)) is None


# --- import cost ----------------------------------------------------------------------------------


def test_importing_the_module_loads_neither_scipy_nor_numpy() -> None:
    code = (
        "import sys, klyngepakke.metrics.statistics; "
        "print(sorted(m for m in ('scipy', 'numpy') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


def test_rate_ratio_notes_name_what_is_counted() -> None:
    assert st.rate_ratio(0, 1000, 0, 1000).note.startswith("ingen ydelser")
    none = st.rate_ratio(0, 1000, 0, 1000, counted="registreringer")
    assert none.note == "ingen registreringer i nogen af perioderne, så der er intet at sammenligne"
    infinite = st.rate_ratio(3, 1000, 0, 1000, counted="registreringer")
    assert infinite.note.startswith("ingen registreringer i baseline")
