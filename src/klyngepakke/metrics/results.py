"""What the metrics engine computes from service data, as plain typed values.

:class:`MetricsReport` holds everything for every cluster in the data (KiAP's view, with real
provider numbers). What may leave for slides and documents is a :class:`ClusterView` made
by ``klyngepakke.metrics.privacy``: pseudonymised practices, small counts suppressed.
Both are documents (``metrics_report``, ``cluster_metrics``) the converter reads and writes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

import attrs

from klyngepakke.errors import Problem
from klyngepakke.model import LabelledEnum, ReferenceLevel
from klyngepakke.model._base import Checked

__all__ = [
    "ClusterView",
    "FunnelData",
    "FunnelFlag",
    "FunnelPoint",
    "GroupLevel",
    "GroupMetric",
    "MetricsReport",
    "Period",
    "ProviderMetric",
    "RateChange",
    "RateEstimate",
    "RuleViolation",
    "ShownChange",
    "ShownEstimate",
    "ShownGroup",
    "ShownPractice",
]


@attrs.frozen
class Period(Checked):
    """A span of days, both ends included."""

    start: dt.date
    end: dt.date

    def _check(self) -> Iterator[Problem]:
        if self.end < self.start:
            yield Problem(("end",), f"{self.end.isoformat()} is before {self.start.isoformat()}")

    @property
    def days(self) -> int:
        """Number of days in the period."""
        return (self.end - self.start).days + 1


@attrs.frozen
class RateEstimate:
    """A count over a population, its rate per ``per`` and the exact 95 % Poisson interval.

    ``rate``, ``lower`` and ``upper`` are ``None`` when the population is zero.
    """

    count: int
    population: int
    per: int
    rate: float | None
    lower: float | None
    upper: float | None


class FunnelFlag(LabelledEnum):
    """Where a practice lies against the funnel around its reference group's pooled rate.

    The reference group is the practice's region, or its municipality when the metric
    compares by municipality (:class:`~klyngepakke.model.ReferenceLevel`).
    """

    WITHIN = "within"
    ABOVE_95 = "above_95"
    ABOVE_998 = "above_998"
    BELOW_95 = "below_95"
    BELOW_998 = "below_998"


FunnelFlag._labels = {
    "within": "Inden for grænserne",
    "above_95": "Over 95 %-grænsen",
    "above_998": "Over 99,8 %-grænsen",
    "below_95": "Under 95 %-grænsen",
    "below_998": "Under 99,8 %-grænsen",
}


@attrs.frozen
class ProviderMetric:
    """One practice in one period: its rate, where it lies in the funnel, and its fees."""

    provider_id: str
    cluster: str
    municipality: str
    region: str
    estimate: RateEstimate
    flag: FunnelFlag
    p_above: float
    """P(X >= count) under the reference group's pooled rate: the exact upper tail."""
    p_below: float
    """P(X <= count) under the reference group's pooled rate: the exact lower tail."""
    fees: Decimal
    """The services counted times the fee in force when each was billed (DKK); 0 for events."""


class GroupLevel(LabelledEnum):
    """What a group of practices is."""

    CLUSTER = "cluster"
    MUNICIPALITY = "municipality"
    REGION = "region"
    COUNTRY = "country"


GroupLevel._labels = {
    "cluster": "Klynge",
    "municipality": "Kommune",
    "region": "Region",
    "country": "Hele landet",
}


@attrs.frozen
class GroupMetric:
    """A cluster, a municipality, a region or the whole country.

    ``pooled`` is total count over total population (what a funnel compares with);
    ``mean_rate`` and ``median_rate`` summarise the practices' own rates. ``region`` is the
    region of most of the group's practices (empty for the country); ``municipality``, for a
    cluster or a municipality, is the municipality of most of them, when the report has
    municipalities (empty otherwise).
    """

    level: GroupLevel
    name: str
    region: str
    practices: int
    pooled: RateEstimate
    mean_rate: float | None
    median_rate: float | None
    fees: Decimal
    municipality: str = ""


@attrs.frozen
class FunnelPoint:
    """The funnel's limits (rates per ``per``) at one population size, for drawing."""

    population: float
    lower_95: float
    upper_95: float
    lower_998: float
    upper_998: float


@attrs.frozen
class FunnelData:
    """A reference group's funnel: the target (its pooled rate), the curve, overdispersion.

    The group is a region, or a municipality when ``reference`` is
    :attr:`~klyngepakke.model.ReferenceLevel.MUNICIPALITY`; ``region`` is its name either way.
    Practices are classified by exact tail probabilities (see :class:`ProviderMetric`); the
    interpolated curve is for display only. No ``curve`` means no funnel to draw (``note``
    says why).
    """

    region: str
    target_rate: float
    per: int
    curve: tuple[FunnelPoint, ...]
    phi: float | None
    limits_too_narrow: bool
    note: str = ""
    reference: ReferenceLevel = ReferenceLevel.REGION


@attrs.frozen
class RuleViolation:
    """A practice billed one patient more often on one day than the service allows.

    Never carries the patient's pseudonym.
    """

    provider_id: str
    day: dt.date
    service_code: str
    count: int
    limit: int


@attrs.frozen
class RateChange:
    """Baseline versus follow-up for a practice, a cluster, a municipality or a region.

    ``ratio`` is follow-up rate over baseline rate with its exact conditional interval and
    two-sided p-value; ``versus_region`` is the ratio divided by the reference group's own
    ratio over the same periods (1 = changed like it): the region's, or the municipality's
    when the metric compares by municipality. ``None`` where a ratio is undefined, with
    ``note`` saying why.
    """

    level: GroupLevel | None
    """``None`` for a practice."""
    name: str
    baseline: RateEstimate
    followup: RateEstimate
    ratio: float | None
    lower: float | None
    upper: float | None
    p_value: float | None
    versus_region: float | None
    note: str = ""


@attrs.frozen
class MetricsReport:
    """Everything computed for one metric and period, for every cluster in the data.

    ``service_codes`` or ``counted_events`` (the other is empty) says what was counted.
    ``reference`` is the group each practice is compared with: with ``municipality``,
    ``municipalities`` holds the municipalities' groups and ``funnels`` one funnel per
    municipality (otherwise per region).
    """

    metric_id: str
    metric_title: str
    service_codes: tuple[str, ...]
    per: int
    period: Period
    providers: tuple[ProviderMetric, ...]
    clusters: tuple[GroupMetric, ...]
    regions: tuple[GroupMetric, ...]
    country: GroupMetric
    funnels: tuple[FunnelData, ...]
    violations: tuple[RuleViolation, ...] = ()
    baseline_period: Period | None = None
    changes: tuple[RateChange, ...] = ()
    joined: tuple[str, ...] = ()
    """Providers in the follow-up only."""
    left: tuple[str, ...] = ()
    """Providers in the baseline only."""
    notes: tuple[str, ...] = ()
    synthetic: bool = False
    """The data came from the synthetic generator: say so wherever it is shown."""
    baseline_providers: tuple[ProviderMetric, ...] = ()
    """The baseline period's practices (with their clusters), when there is a baseline.

    Privacy needs them to give pseudonyms that stay the same from the baseline report to the
    follow-up report, and to name the practices that left.
    """
    counted_events: tuple[str, ...] = ()
    reference: ReferenceLevel = ReferenceLevel.REGION
    municipalities: tuple[GroupMetric, ...] = ()

    @property
    def codes(self) -> tuple[str, ...]:
        """The codes counted: service codes, or else counted events."""
        return self.service_codes or self.counted_events

    @property
    def reference_groups(self) -> tuple[GroupMetric, ...]:
        """The groups practices are compared with: the regions or the municipalities."""
        if self.reference is ReferenceLevel.MUNICIPALITY:
            return self.municipalities
        return self.regions


@attrs.frozen
class ShownPractice:
    """A practice as a cluster may see it: a pseudonym, and numbers safe to show.

    ``count`` is ``None`` when suppressed (``suppressed`` says so: a small count, or one hidden
    so that a small count cannot be recovered) and for every practice of a small cluster
    (:attr:`ClusterView.banded`). ``list_size`` is ``None`` where only ``list_size_band``
    (``"2.000–3.999"``) may be shown.
    """

    pseudonym: str
    count: int | None
    rate: float | None
    lower: float | None
    upper: float | None
    list_size: int | None
    list_size_band: str
    suppressed: bool
    flag: FunnelFlag


@attrs.frozen
class ShownEstimate:
    """A :class:`RateEstimate` as it may be shown.

    ``count``, ``rate`` and the interval are ``None`` when hidden (``suppressed``: a small
    count, or one that would reveal a small count); ``population`` is ``None`` where only
    ``population_band`` may be shown.
    """

    count: int | None
    population: int | None
    per: int
    rate: float | None
    lower: float | None
    upper: float | None
    population_band: str = ""
    suppressed: bool = False


@attrs.frozen
class ShownGroup:
    """A :class:`GroupMetric` as it may be shown; ``fees`` is ``None`` when the count is."""

    level: GroupLevel
    name: str
    region: str
    practices: int
    pooled: ShownEstimate
    mean_rate: float | None
    median_rate: float | None
    fees: Decimal | None


@attrs.frozen
class ShownChange:
    """A :class:`RateChange` as it may be shown; a practice's ``name`` is its pseudonym.

    ``suppressed``: the ratio, its interval, the p-value and ``versus_region`` are hidden
    because they would reveal a hidden count.
    """

    level: GroupLevel | None
    name: str
    baseline: ShownEstimate
    followup: ShownEstimate
    ratio: float | None
    lower: float | None
    upper: float | None
    p_value: float | None
    versus_region: float | None
    note: str = ""
    suppressed: bool = False


@attrs.frozen
class ClusterView:
    """One cluster's metrics as they may appear on slides and in documents.

    Made by :func:`klyngepakke.metrics.privacy.cluster_view`. ``banded``: a small cluster,
    whose practices show list-size bands and rates but no counts (see that module).

    ``reference`` is what the practices are compared with, and ``funnel`` is drawn around:
    the region (``region_metric``) or, for a metric compared by municipality, the
    municipality of most of the cluster's practices (``municipality_metric``).
    :attr:`reference_metric` is that group and :attr:`reference_label` its label, so a
    reference line reads "Kommunen (12,3)" or "Regionen (21,1)".
    """

    cluster: str
    region: str
    metric_id: str
    metric_title: str
    per: int
    period: Period
    practices: tuple[ShownPractice, ...]
    cluster_metric: ShownGroup
    region_metric: ShownGroup
    country_metric: ShownGroup
    funnel: FunnelData
    suppression_threshold: int
    notes: tuple[str, ...] = ()
    changes: tuple[ShownChange, ...] = ()
    synthetic: bool = False
    baseline_period: Period | None = None
    banded: bool = False
    reference: ReferenceLevel = ReferenceLevel.REGION
    municipality_metric: ShownGroup | None = None

    @property
    def reference_metric(self) -> ShownGroup:
        """The group the practices are compared with: the municipality's or the region's."""
        if self.reference is ReferenceLevel.MUNICIPALITY and self.municipality_metric:
            return self.municipality_metric
        return self.region_metric

    @property
    def reference_label(self) -> str:
        """How the reference is named on a slide: "Kommunen" or "Regionen"."""
        return self.reference.label

    @property
    def reference_name(self) -> str:
        """The reference group's name: the municipality's or the region's."""
        return self.reference_metric.name
