"""Rates, exact Poisson intervals, funnel plots, overdispersion and rate ratios.

The statistics behind the service-data comparison: a practice's services per 1000 group-1
insured patients, set against its region's pooled rate in a funnel plot, and its change from
baseline to follow-up set against the region's own change.

All functions are pure. SciPy and NumPy (the optional extra ``klyngepakke[metrics]``) are
imported inside the functions that need them, so importing this module stays cheap.

Rates are "per ``per`` persons" throughout (``per=1000``: per 1000 listed patients); a
``target_rate`` is on the same scale as the rates it is compared with.

The methods come from these papers:

- Garwood F. Fiducial limits for the Poisson distribution. *Biometrika* 1936;28:437–442.
- Spiegelhalter DJ. Funnel plots for comparing institutional performance. *Statistics in
  Medicine* 2005;24:1185–1202 (§3 overdispersion; appendix: interpolated limits).
- Manktelow BN, Seaton SE. Specifying the probability characteristics of funnel plot control
  limits: an investigation of three approaches. *PLoS ONE* 2012;7(9):e45723.
- Seaton SE, Manktelow BN. The probability of being identified as an outlier with commonly
  used funnel plot control limits for the standardised mortality ratio. *BMC Medical Research
  Methodology* 2012;12:98.
- Clopper CJ, Pearson ES. The use of confidence or fiducial limits illustrated in the case of
  the binomial. *Biometrika* 1934;26:404–413.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Final

import attrs

from klyngepakke.danish import format_count, format_decimal
from klyngepakke.metrics.results import FunnelFlag, RateEstimate

__all__ = [
    "ALARM_LEVEL",
    "ALERT_LEVEL",
    "FUNNEL_LEVELS",
    "Classification",
    "FunnelBand",
    "FunnelLimits",
    "Overdispersion",
    "RateRatio",
    "classify",
    "funnel_curve",
    "funnel_limits",
    "overdispersion",
    "poisson_interval",
    "pooled_rate",
    "rate_estimate",
    "rate_interval",
    "rate_per",
    "rate_ratio",
    "versus_reference",
]

ALERT_LEVEL: Final = 0.95
"""The inner funnel ("alert", about 2 standard deviations)."""
ALARM_LEVEL: Final = 0.998
"""The outer funnel ("alarm", about 3 standard deviations)."""
FUNNEL_LEVELS: Final = (ALERT_LEVEL, ALARM_LEVEL)

WINSORISE_FRACTION: Final = 0.1
"""Spiegelhalter (2005, §3): pull the 10 % most extreme z-scores at each end in."""

# A tail probability equal to its threshold is flagged (p <= alpha); this absorbs the rounding
# of a probability that is mathematically on the boundary.
_TIE_TOLERANCE: Final = 1e-9


# --- rates and exact intervals ------------------------------------------------------------


def _check_count(count: int) -> None:
    if count < 0 or int(count) != count:
        raise ValueError(f"a count must be a whole number >= 0, got {count!r}")


def _check_population(population: float) -> None:
    if not population > 0:
        raise ValueError(f"a population must be greater than 0, got {population!r}")


def _check_probability(value: float, what: str) -> None:
    if not 0 < value < 1:
        raise ValueError(f"{what} must be between 0 and 1 (exclusive), got {value!r}")


def _check_target(target_rate: float) -> None:
    if not (target_rate > 0 and math.isfinite(target_rate)):
        raise ValueError(f"the target rate must be a finite number > 0, got {target_rate!r}")


def rate_per(count: float, population: float, per: float = 1000) -> float:
    """``count`` per ``per`` persons: ``count / population * per``."""
    _check_population(population)
    return count / population * per


def pooled_rate(counts: Sequence[int], populations: Sequence[float], per: float = 1000) -> float:
    """The rate of a group: total count over total population, per ``per``.

    This, not the mean of the practices' own rates, is a region's rate and the funnel's
    target: the mean of rates gives a practice of 300 patients the same weight as one of 9000.
    """
    if len(counts) != len(populations):
        raise ValueError(f"{len(counts)} counts but {len(populations)} populations")
    if not counts:
        raise ValueError("a pooled rate needs at least one practice")
    return rate_per(sum(counts), sum(populations), per)


def poisson_interval(count: int, confidence: float = 0.95) -> tuple[float, float]:
    """The exact (Garwood 1936) interval for the mean of a Poisson count.

    With α = 1 − ``confidence``: lower = χ²(α/2; 2x)/2 (0 when x = 0) and
    upper = χ²(1 − α/2; 2x + 2)/2, χ²(q; k) being the q-quantile of a χ² distribution with k
    degrees of freedom. For x = 0 the 95 % interval is (0, 3.689); for x = 10 it is
    (4.795, 18.390).
    """
    from scipy import stats  # type: ignore[import-untyped]

    _check_count(count)
    _check_probability(confidence, "confidence")
    alpha = 1 - confidence
    lower = 0.0 if count == 0 else float(stats.chi2.ppf(alpha / 2, 2 * count)) / 2
    upper = float(stats.chi2.ppf(1 - alpha / 2, 2 * count + 2)) / 2
    return lower, upper


def rate_interval(
    count: int, population: float, per: float = 1000, confidence: float = 0.95
) -> tuple[float, float]:
    """The exact interval of :func:`poisson_interval` on the rate scale (per ``per``)."""
    lower, upper = poisson_interval(count, confidence)
    return rate_per(lower, population, per), rate_per(upper, population, per)


def rate_estimate(count: int, population: int, *, per: int = 1000) -> RateEstimate:
    """Count, population, rate per ``per`` and its exact 95 % interval, for one provider.

    A population of 0 (a practice without listed patients in the period) gives ``None`` for
    the rate and its interval rather than an error, so a report can still show the count.
    """
    _check_count(count)
    if population < 0:
        raise ValueError(f"a population must be >= 0, got {population!r}")
    if population == 0:
        return RateEstimate(count, population, per, None, None, None)
    lower, upper = rate_interval(count, population, per, 0.95)
    return RateEstimate(count, population, per, rate_per(count, population, per), lower, upper)


# --- funnel plot --------------------------------------------------------------------------


@attrs.frozen
class FunnelBand:
    """One pair of control limits (rates per ``per``), one value per population size."""

    level: float
    """Probability that an in-control practice lies between the limits, e.g. 0.95."""
    lower: tuple[float, ...]
    upper: tuple[float, ...]


@attrs.frozen
class FunnelLimits:
    """Funnel control limits around a target rate, for a sequence of population sizes."""

    target_rate: float
    per: float
    populations: tuple[float, ...]
    expected: tuple[float, ...]
    """The expected count at each population: target_rate / per × population."""
    bands: tuple[FunnelBand, ...]

    def band(self, level: float) -> FunnelBand:
        """The limits for ``level`` (e.g. 0.998)."""
        for band in self.bands:
            if math.isclose(band.level, level):
                return band
        raise KeyError(level)


def funnel_limits(
    target_rate: float,
    populations: Sequence[float],
    *,
    per: float = 1000,
    levels: Sequence[float] = FUNNEL_LEVELS,
) -> FunnelLimits:
    """Exact Poisson funnel limits with Spiegelhalter's interpolation, for drawing.

    For a population n the count is Poisson with mean μ = θ·n, θ = ``target_rate``/``per``.
    The limit for probability p (p = (1 − level)/2 below, (1 + level)/2 above) follows
    Spiegelhalter (2005, appendix), which makes the step function of a discrete quantile
    into a smooth curve: with F the Poisson(μ) distribution function and r_p its p-quantile (the
    smallest r with F(r) ≥ p),

        α = (F(r_p) − p) / (F(r_p) − F(r_p − 1)),   limit = (r_p − α) / n   (× ``per``).

    The curve is continuous in n: where r_p steps from r to r + 1, α goes from 0 to 1.
    A limit below 0 (tiny μ, lower limits) is shown as 0.

    The target should be the region's pooled rate (:func:`pooled_rate`). Use these limits to
    *draw* the funnel; decide whether a practice is outside with :func:`classify`, which uses
    exact tail probabilities (see there why).
    """
    import numpy as np
    from scipy import stats

    _check_target(target_rate)
    for population in populations:
        _check_population(population)
    for level in levels:
        _check_probability(level, "a funnel level")
    n = np.asarray(populations, dtype=float)
    mu = target_rate / per * n

    def interpolated(p: float) -> tuple[float, ...]:
        r_p = stats.poisson.ppf(p, mu)
        at_r = stats.poisson.cdf(r_p, mu)
        below_r = stats.poisson.cdf(r_p - 1, mu)  # F(-1) = 0
        alpha = (at_r - p) / (at_r - below_r)
        limit = np.maximum((r_p - alpha) / n * per, 0.0)
        return tuple(float(x) for x in limit)

    bands = tuple(
        FunnelBand(level, interpolated((1 - level) / 2), interpolated((1 + level) / 2))
        for level in levels
    )
    return FunnelLimits(
        target_rate=target_rate,
        per=per,
        populations=tuple(float(x) for x in n),
        expected=tuple(float(x) for x in mu),
        bands=bands,
    )


def funnel_curve(
    target_rate: float,
    n_min: float,
    n_max: float,
    *,
    points: int = 200,
    per: float = 1000,
    levels: Sequence[float] = FUNNEL_LEVELS,
) -> FunnelLimits:
    """:func:`funnel_limits` on a grid of ``points`` population sizes from n_min to n_max.

    The grid is geometric (equal steps on a log scale) because the funnel narrows fastest at
    small populations; pass the smallest and largest list size observed in the region.
    """
    import numpy as np

    _check_population(n_min)
    if n_max < n_min:
        raise ValueError(f"n_max ({n_max!r}) is smaller than n_min ({n_min!r})")
    if points < 2:
        raise ValueError(f"a curve needs at least 2 points, got {points!r}")
    grid = np.geomspace(n_min, n_max, points) if n_max > n_min else np.array([float(n_min)])
    return funnel_limits(target_rate, [float(x) for x in grid], per=per, levels=levels)


@attrs.frozen
class Classification:
    """Where one practice lies against the funnel, by exact Poisson tail probabilities."""

    count: int
    population: float
    expected: float
    """The count expected at the target rate: target_rate / per × population."""
    flag: FunnelFlag
    p_above: float
    """P(X ≥ count) for X ~ Poisson(expected)."""
    p_below: float
    """P(X ≤ count) for X ~ Poisson(expected)."""


def classify(
    count: int, population: float, target_rate: float, *, per: float = 1000
) -> Classification:
    """Place a practice against the 95 % (alert) and 99.8 % (alarm) funnels around a target.

    Under the target the count is X ~ Poisson(μ), μ = ``target_rate``/``per`` × population.
    The practice is above the 99.8 % funnel if P(X ≥ count) ≤ 0.001, else above the 95 %
    funnel if P(X ≥ count) ≤ 0.025; below likewise with P(X ≤ count); otherwise within.
    (A probability equal to its threshold counts as outside.)

    Why tail probabilities and not the interpolated curve of :func:`funnel_limits`: a count is
    a whole number and the interpolated upper limit r_p − α lies above r_p − 1 and (unless
    F(r_p) = p exactly) below r_p, so the curve flags the count r_p, whose tail
    P(X ≥ r_p) = 1 − F(r_p − 1) is *larger* than the nominal 2.5 %. For small expected
    counts (small practices, rare services) the excess is large: at μ = 1 the curve flags 3
    services although P(X ≥ 3) = 8 %.
    Manktelow & Seaton (2012) show that the interpolated limits can give an in-control
    provider a probability of lying outside that exceeds the nominal one, most of all when few
    events are expected. The tail probability is the probability the limits are meant to
    have, so it alone decides; the curve only draws the funnel.
    """
    from scipy import stats

    _check_count(count)
    _check_population(population)
    _check_target(target_rate)
    mu = target_rate / per * population
    p_above = float(stats.poisson.sf(count - 1, mu))  # P(X >= count)
    p_below = float(stats.poisson.cdf(count, mu))
    flag = FunnelFlag.WITHIN
    if _at_most(p_above, (1 - ALARM_LEVEL) / 2):
        flag = FunnelFlag.ABOVE_998
    elif _at_most(p_above, (1 - ALERT_LEVEL) / 2):
        flag = FunnelFlag.ABOVE_95
    elif _at_most(p_below, (1 - ALARM_LEVEL) / 2):
        flag = FunnelFlag.BELOW_998
    elif _at_most(p_below, (1 - ALERT_LEVEL) / 2):
        flag = FunnelFlag.BELOW_95
    return Classification(count, population, mu, flag, p_above, p_below)


def _at_most(p: float, threshold: float) -> bool:
    return p <= threshold or math.isclose(p, threshold, rel_tol=_TIE_TOLERANCE)


# --- overdispersion -----------------------------------------------------------------------


@attrs.frozen
class Overdispersion:
    """How much more the practices vary than Poisson variation around the target allows.

    Spiegelhalter (2005, §3): z_i = (y_i − θ)/s_i with y_i the practice's rate and
    s_i = √(θ·per/n_i) its Poisson standard error on the rate scale (the same as
    (x_i − μ_i)/√μ_i on the count scale); the z-scores are Winsorised (the lowest and highest
    10 % set to the 10th and 90th percentiles) and φ = (1/I)·Σ z_i². Without overdispersion
    φ ≈ 1 with standard deviation √(2/I), and I·φ is roughly χ² with I degrees of freedom.
    """

    phi: float
    units: int
    """I, the number of practices."""
    threshold: float
    """1 + 2·√(2/I): φ above this means overdispersion."""
    p_value: float
    """P(χ²_I ≥ I·φ), the approximate test of no overdispersion."""
    tau2: float
    """Additive between-practice variance (rate per ``per``, squared); 0 without excess."""
    z_scores: tuple[float, ...]
    """The Winsorised z-scores, in the order of the input."""
    limits_too_narrow: bool
    explanation: str
    """What φ means for the funnel, in Danish, for the people who read the slides."""


def overdispersion(
    counts: Sequence[int],
    populations: Sequence[float],
    target_rate: float,
    *,
    per: float = 1000,
) -> Overdispersion:
    """Estimate overdispersion φ of practice rates around a target (Spiegelhalter 2005, §3).

    ``limits_too_narrow`` is true when φ > 1 + 2·√(2/I): then the Poisson funnel is too narrow
    for these practices and flags too many of them, because they differ for reasons beyond
    chance (list composition, local services). Spiegelhalter proposes two ways to widen the
    limits: multiplicative, θ ± z·√φ·s_i, or (preferred) additive random effects,
    θ ± z·√(s_i² + τ²) with

        τ² = max(0, (I·φ − (I − 1)) / (Σ w_i − Σ w_i² / Σ w_i)),   w_i = 1/s_i².

    Winsorising uses linearly interpolated percentiles (``numpy.quantile``'s default).
    """
    import numpy as np
    from scipy import stats

    if len(counts) != len(populations):
        raise ValueError(f"{len(counts)} counts but {len(populations)} populations")
    if not counts:
        raise ValueError("overdispersion needs at least one practice")
    for count in counts:
        _check_count(count)
    for population in populations:
        _check_population(population)
    _check_target(target_rate)

    n = np.asarray(populations, dtype=float)
    y = np.asarray(counts, dtype=float) / n * per
    s = np.sqrt(target_rate * per / n)
    z = (y - target_rate) / s
    low, high = np.quantile(z, [WINSORISE_FRACTION, 1 - WINSORISE_FRACTION])
    z_w = np.clip(z, low, high)

    units = len(counts)
    phi = float(np.sum(z_w**2)) / units
    threshold = 1 + 2 * math.sqrt(2 / units)
    p_value = float(stats.chi2.sf(units * phi, units))
    w = 1 / s**2
    denominator = float(np.sum(w) - np.sum(w**2) / np.sum(w))
    tau2 = max(0.0, (units * phi - (units - 1)) / denominator) if denominator > 0 else 0.0

    too_narrow = phi > threshold
    # Danish: the explanation ends up on slides and in documents (FunnelData.note).
    measured = f"overspredning φ = {format_decimal(phi, 2)} {'>' if too_narrow else '≤'} "
    measured += f"{format_decimal(threshold, 2)} ved {format_count(units)} praksis"
    if too_narrow:
        explanation = (
            f"Praksis varierer mere, end tilfældigheder kan forklare ({measured}): grænserne "
            "for tilfældig variation er derfor for snævre og markerer for mange praksis. Læs "
            "markeringerne som anledning til en drøftelse, ikke som en vurdering."
        )
    else:
        explanation = (
            f"Praksis varierer ikke mere, end tilfældigheder kan forklare ({measured}): "
            "grænserne for tilfældig variation kan bruges, som de er."
        )
    return Overdispersion(
        phi=phi,
        units=units,
        threshold=threshold,
        p_value=p_value,
        tau2=tau2,
        z_scores=tuple(float(x) for x in z_w),
        limits_too_narrow=too_narrow,
        explanation=explanation,
    )


# --- baseline versus follow-up ------------------------------------------------------------


@attrs.frozen
class RateRatio:
    """Follow-up rate over baseline rate, with its exact conditional interval and test.

    A value is ``None`` where it is undefined or infinite; ``note`` then says why, in Danish
    (it is shown next to the change in documents).
    """

    ratio: float | None
    lower: float | None
    upper: float | None
    p_value: float | None
    """Two-sided exact conditional p-value for ratio = ``null_ratio``."""
    confidence: float
    null_ratio: float = 1.0
    note: str = ""


def rate_ratio(
    count1: int,
    pop1: float,
    count0: int,
    pop0: float,
    confidence: float = 0.95,
    *,
    null_ratio: float = 1.0,
    counted: str = "ydelser",
) -> RateRatio:
    """Compare follow-up (``count1`` over ``pop1``) with baseline (``count0`` over ``pop0``).

    ``counted`` names what is counted in the Danish notes ("ydelser", "registreringer").

    The ratio is (count1/pop1)/(count0/pop0). Given the total N = count1 + count0, count1 is
    binomial with π = R·pop1/(R·pop1 + pop0), R the true ratio, so the test and interval are
    exact conditional ones on that binomial:

    - interval: the Clopper–Pearson interval (π_L, π_U) for π (beta quantiles
      π_L = B(α/2; count1, count0 + 1), π_U = B(1 − α/2; count1 + 1, count0)), mapped to the
      ratio scale by R = π/(1 − π) · pop0/pop1;
    - p-value: ``scipy.stats.binomtest`` (two-sided) of count1 out of N with
      π₀ = null_ratio·pop1/(null_ratio·pop1 + pop0).

    ``null_ratio`` = 1 tests "no change". To ask whether a practice changed differently from
    its region, pass the region's ratio: the region's own change over the same periods is
    then the reference (treated as known, which is fair when the region is much larger than
    the practice). Zero counts: no baseline services gives no finite ratio or upper limit; no
    services at all gives nothing to compare.
    """
    from scipy import stats

    _check_count(count1)
    _check_count(count0)
    _check_population(pop1)
    _check_population(pop0)
    _check_probability(confidence, "confidence")
    if not (null_ratio > 0 and math.isfinite(null_ratio)):
        raise ValueError(f"the null ratio must be a finite number > 0, got {null_ratio!r}")

    total = count1 + count0
    if total == 0:
        nothing = f"ingen {counted} i nogen af perioderne, så der er intet at sammenligne"
        return RateRatio(None, None, None, None, confidence, null_ratio, nothing)
    alpha = 1 - confidence
    scale = pop0 / pop1

    def to_ratio(pi: float) -> float | None:
        return None if pi >= 1 else pi / (1 - pi) * scale

    pi_lower = 0.0 if count1 == 0 else float(stats.beta.ppf(alpha / 2, count1, count0 + 1))
    pi_upper = 1.0 if count0 == 0 else float(stats.beta.ppf(1 - alpha / 2, count1 + 1, count0))
    pi_null = null_ratio * pop1 / (null_ratio * pop1 + pop0)
    p_value = float(stats.binomtest(count1, total, pi_null).pvalue)
    note = ""
    if count0 == 0:
        note = f"ingen {counted} i baseline, så rateratioen og dens øvre grænse er uendelige"
    return RateRatio(
        ratio=to_ratio(count1 / total),
        lower=to_ratio(pi_lower),
        upper=to_ratio(pi_upper),
        p_value=p_value,
        confidence=confidence,
        null_ratio=null_ratio,
        note=note,
    )


def versus_reference(change: RateRatio, reference: RateRatio) -> float | None:
    """A practice's or cluster's change relative to a reference change (usually its region's).

    ``change.ratio / reference.ratio``: 1 means it changed like the region, 1.3 that it rose
    30 % more than the region did. Descriptive only; the practice is part of the region, so
    for a test use :func:`rate_ratio` with ``null_ratio`` set to the region's ratio.
    ``None`` when either ratio is undefined or the reference is 0.
    """
    if change.ratio is None or reference.ratio is None or reference.ratio == 0:
        return None
    return change.ratio / reference.ratio
