"""The metrics engine: canonical service-data files in, a metrics report out.

The report is a :class:`~klyngepakke.metrics.results.MetricsReport`.

One code path for a test's ten practices and the whole country: DuckDB reads the canonical
Parquet files (:mod:`klyngepakke.service_data`) and does every pass over the rows in SQL
(filter by service and period, group per practice, join list sizes and membership, the
twice-a-day rule); only the small per-practice table (about 1,700 rows for Denmark) reaches
Python, where NumPy and SciPy compute exact intervals and funnel classifications for all
practices at once. DuckDB, NumPy and SciPy are imported inside the functions that need them.

What is counted is decided by the topic's :class:`~klyngepakke.model.MetricDefinition`
(service codes or counted events, ``per``, ``period_months``, ``compare_with``) and the
:class:`~klyngepakke.model.ServiceCode` objects (fees with dates, billing limits); nothing about
a particular service or event is built in. Counted events
(:class:`~klyngepakke.model.CountedEvent`, such as referrals a municipality counts) are read
from the same files as services, by their code, and have no fees and no limits.

Rules, in brief (details in :func:`compute_metrics`):

- **Period.** Aggregated counts: the span of the file's rows (months, quarters, a year; they
  must make up one period without gaps, and one practice's rows must not overlap), or the
  ``period`` given (rows must lie wholly inside or wholly outside it). Claims: the
  ``period_months`` months ending on the latest day in the file, or the ``period`` given.
- **List size.** Per practice, the list-size rows overlapping the period, averaged weighted by
  the days they overlap (one row covering the period is used as it is), rounded to a whole
  number. A practice with no row overlapping the period gets its nearest row(s) in time, and a
  note says so.
- **Fees.** Claims: each claim at the fee in force on its day. Counts: the fee in force over
  the row's period; if the fee changes inside it, prorated by days (services assumed spread
  evenly), and a note says so. Services billed before a service's first known fee carry none.
- **Patients.** Canonical claims hold a keyed hash of each patient pseudonym, not the
  pseudonym. It is read only to find claims of one patient on one day for the billing-limit
  check and never leaves that check: no result, note or error carries it.
- **Reference.** Each practice is compared with its region's pooled rate, or with its
  municipality's (the membership file's ``municipality``) when the metric's ``compare_with``
  is ``municipality``: then the report also holds every municipality's group metrics, the
  funnels are drawn per municipality, and changes are set against the municipality's change.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import logging
import os
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Final

import attrs

from klyngepakke.errors import KlyngepakkeError
from klyngepakke.metrics import statistics
from klyngepakke.metrics.results import (
    FunnelData,
    FunnelFlag,
    FunnelPoint,
    GroupLevel,
    GroupMetric,
    MetricsReport,
    Period,
    ProviderMetric,
    RateChange,
    RateEstimate,
    RuleViolation,
)
from klyngepakke.model import (
    BillingLimit,
    LimitPeriod,
    MetricDefinition,
    ReferenceLevel,
    ServiceCode,
)
from klyngepakke.service_data import (
    CANONICAL_COLUMNS,
    ServiceDataError,
    ServiceDataFile,
    ServiceDataKind,
)

if TYPE_CHECKING:
    import duckdb
    import numpy as np
    from numpy.typing import NDArray

__all__ = [
    "COUNTRY_NAME",
    "DEFAULT_MEMORY_LIMIT",
    "BaselineInput",
    "MissingExtraError",
    "compute_metrics",
    "require_metrics_extra",
]

COUNTRY_NAME: Final = "Hele landet"
"""The name of the whole-country group (``MetricsReport.country``)."""

FUNNEL_POINTS: Final = 100
"""Population sizes on each region's funnel curve, from its smallest to its largest list."""

_log = logging.getLogger(__name__)

DEFAULT_MEMORY_LIMIT: Final = "200MB"
"""DuckDB's memory limit: at national size (30 million claims) the process then stays
under about 500 MiB; DuckDB spills what does not fit to a temporary directory."""

SYNTHETIC_MARK: Final = "syntetisk"
"""A file whose name holds this is synthetic (see :mod:`klyngepakke.metrics.synthetic`)."""

_CONFIDENCE: Final = 0.95
# statistics.classify counts a tail probability equal to its threshold as outside, with this
# relative tolerance; the vectorised classification here must agree with it exactly.
_TIE_TOLERANCE: Final = 1e-9
_CENT: Final = Decimal("0.01")
_MAX_NAMED: Final = 20
"""Provider numbers named in one error or note before "and N more"."""


class MissingExtraError(KlyngepakkeError):
    """The optional extra ``klyngepakke[metrics]`` (DuckDB, SciPy, NumPy, PyArrow) is missing."""


def require_metrics_extra() -> None:
    """Raise :class:`MissingExtraError` unless DuckDB, SciPy, NumPy and PyArrow import."""
    try:
        import duckdb  # noqa: F401
        import numpy  # noqa: F401
        import pyarrow  # type: ignore[import-untyped]  # noqa: F401
        import scipy  # type: ignore[import-untyped]  # noqa: F401
    except ImportError as exc:
        raise MissingExtraError(
            f"computing metrics needs {exc.name or 'a missing module'}: "
            "pip install 'klyngepakke[metrics]'"
        ) from None


@attrs.frozen
class BaselineInput:
    """The service data of the earlier period (the baseline) to compare the follow-up with.

    Exactly one of ``counts`` and ``claims``. ``membership`` defaults to the follow-up's, so a
    practice is compared within the cluster it belongs to now; ``period`` follows the same
    rules as in :func:`compute_metrics`.
    """

    list_sizes: ServiceDataFile
    counts: ServiceDataFile | None = None
    claims: ServiceDataFile | None = None
    membership: ServiceDataFile | None = None
    period: Period | None = None


def compute_metrics(
    definition: MetricDefinition,
    services: Sequence[ServiceCode],
    *,
    counts: ServiceDataFile | None = None,
    claims: ServiceDataFile | None = None,
    list_sizes: ServiceDataFile,
    membership: ServiceDataFile,
    period: Period | None = None,
    baseline: BaselineInput | None = None,
    check_limits: bool = True,
    synthetic: bool | None = None,
    threads: int | None = None,
    memory_limit: str | None = DEFAULT_MEMORY_LIMIT,
) -> MetricsReport:
    """Compute ``definition`` for every practice, cluster and region in the data.

    Give exactly one of ``counts`` (aggregated extracts) and ``claims`` (one row per billed
    service or event). Only the codes the definition counts (``service_codes``, or
    ``counted_events``) are counted, and only within the period:

    - counts: by default the span of the rows for those services, from the first start to
      the last end, which must be one period (no days without a row in between); rows may be
      months, quarters or a year, but one practice's rows for a service must not overlap.
      With ``period``, rows wholly inside it are summed, rows wholly outside are ignored, and
      a row straddling its edge is an error (it cannot be split). A note says when the period
      is not the metric's ``period_months`` long;
    - claims: by default the last ``definition.period_months`` months ending on the latest
      day in the file (any service), e.g. 2024-01-01 to 2024-12-31 when it is 2024-12-31.

    Practices are those in ``membership`` with a list size above 0 in ``list_sizes`` (see the
    module docstring for how a list size is chosen); a practice without services counts 0.
    Per practice: count, rate per ``definition.per`` with its exact Poisson 95 % interval,
    its place in the funnel around its reference group's pooled rate (exact tail
    probabilities, see :func:`klyngepakke.metrics.statistics.classify`) and its fees. The
    reference group is the practice's region, or its municipality when
    ``definition.compare_with`` is ``municipality``. Per cluster, region (and then
    municipality) and the whole country: the pooled rate (total over total), the mean and
    median of the practices' rates, the number of practices and the fees. Per reference group
    a funnel curve over the observed list sizes and the overdispersion φ. Counted events have
    no fees (0) and no limits. With claims (and ``check_limits``), every
    billing limit "at most N per day per patient" of the counted services is checked in the
    follow-up period; each patient-day over the limit is one
    :class:`~klyngepakke.metrics.results.RuleViolation` (practice, day, service, count),
    without the patient. Other limits are named in a note as not checked. The check is the
    costliest part at national size; ``check_limits=False`` skips it.

    With ``baseline``, the report also holds a :class:`~klyngepakke.metrics.results.RateChange`
    per practice, cluster, municipality (when compared by municipality), region and the
    country (ratio follow-up/baseline, exact conditional 95 % interval, two-sided exact
    p-value for "no change", and ``versus_region`` = own ratio / the reference group's ratio,
    for practices and clusters), the practices that joined or left,
    and the baseline's practices (``baseline_providers``, which keep pseudonyms stable). The
    baseline's billing limits are not checked.

    ``synthetic`` marks the report as made from data of :mod:`klyngepakke.metrics.synthetic`;
    by default it is found out from the files: Parquet metadata ``synthetic: "true"`` or
    ``syntetisk`` in a file's name. ``threads`` (default: all cores) and ``memory_limit``
    (DuckDB's setting; above it DuckDB spills to a temporary directory) tune DuckDB.

    Raises :class:`~klyngepakke.service_data.ServiceDataError`, naming the file and the
    provider numbers, for: a practice with services but no cluster membership, a practice
    with services but no or a zero list size, a provider in two clusters, overlapping or
    gapped counts periods, a counts row straddling the period, a service code of the
    definition missing from ``services``. Practices in the membership without a list size
    are left out with a note.
    """
    require_metrics_extra()
    by_code = _services_for(definition, services)
    current = _Inputs.of(counts, claims, list_sizes, membership, period, "")
    previous = None
    if baseline is not None:
        previous = _Inputs.of(
            baseline.counts,
            baseline.claims,
            baseline.list_sizes,
            baseline.membership or membership,
            baseline.period,
            "baseline: ",
        )
    with _connect(threads, memory_limit) as con:
        followup = _compute_period(con, definition, by_code, current, check_limits=check_limits)
        earlier = None
        if previous is not None:
            earlier = _compute_period(con, definition, by_code, previous, check_limits=False)
        if synthetic is None:
            inputs = [current, *([previous] if previous else [])]
            synthetic = any(_is_synthetic(con, file) for i in inputs for file in _files(i))
    notes = list(followup.notes)
    changes: tuple[RateChange, ...] = ()
    joined: tuple[str, ...] = ()
    left: tuple[str, ...] = ()
    if earlier is not None:
        notes.extend(earlier.notes)
        if earlier.period.end >= followup.period.start:
            notes.append(
                f"the baseline period ({_span(earlier.period)}) does not end before the "
                f"follow-up period ({_span(followup.period)})"
            )
        counted = "registreringer" if definition.counts_events else "ydelser"
        changes, joined, left, change_notes = _changes(
            followup, earlier, definition.compare_with, counted
        )
        notes.extend(change_notes)
    return MetricsReport(
        metric_id=definition.id,
        metric_title=definition.title,
        service_codes=definition.service_codes,
        counted_events=definition.counted_events,
        reference=definition.compare_with,
        per=definition.per,
        period=followup.period,
        providers=followup.providers,
        clusters=followup.clusters,
        regions=followup.regions,
        municipalities=followup.municipalities,
        country=followup.country,
        funnels=followup.funnels,
        violations=followup.violations,
        baseline_period=earlier.period if earlier else None,
        changes=changes,
        joined=joined,
        left=left,
        notes=tuple(notes),
        synthetic=synthetic,
        baseline_providers=earlier.providers if earlier else (),
    )


# -- inputs --------------------------------------------------------------------------------


@attrs.frozen
class _Inputs:
    services: ServiceDataFile
    list_sizes: ServiceDataFile
    membership: ServiceDataFile
    period: Period | None
    label: str
    """Prefix for notes: "" for the follow-up, "baseline: " for the baseline."""

    @property
    def is_claims(self) -> bool:
        return self.services.kind is ServiceDataKind.CLAIMS

    @classmethod
    def of(
        cls,
        counts: ServiceDataFile | None,
        claims: ServiceDataFile | None,
        list_sizes: ServiceDataFile,
        membership: ServiceDataFile,
        period: Period | None,
        label: str,
    ) -> _Inputs:
        if (counts is None) == (claims is None):
            raise ValueError(f"{label}give exactly one of counts and claims")
        services = counts if counts is not None else claims
        assert services is not None
        _expect_kind(services, ServiceDataKind.COUNTS if counts else ServiceDataKind.CLAIMS)
        _expect_kind(list_sizes, ServiceDataKind.LIST_SIZES)
        _expect_kind(membership, ServiceDataKind.MEMBERSHIP)
        return cls(services, list_sizes, membership, period, label)


def _expect_kind(file: ServiceDataFile, kind: ServiceDataKind) -> None:
    if file.kind is not kind:
        raise ServiceDataError(
            f"{file.source}: holds {file.kind.value} ({file.kind.label}), "
            f"but is given as {kind.value} ({kind.label})"
        )


def _services_for(
    definition: MetricDefinition, services: Sequence[ServiceCode]
) -> dict[str, ServiceCode]:
    """The definition's services by code; none for a metric of counted events."""
    known = {service.code: service for service in services}
    missing = [code for code in definition.service_codes if code not in known]
    if missing:
        raise ServiceDataError(
            f"metric {definition.id!r} counts service {', '.join(missing)}, but no service "
            f"code {' or '.join(repr(c) for c in missing)} with fees and limits was given "
            f"(given: {', '.join(sorted(known)) or 'none'})"
        )
    return {code: known[code] for code in definition.service_codes}


# -- DuckDB --------------------------------------------------------------------------------


@contextmanager
def _connect(threads: int | None, memory_limit: str | None) -> Iterator[duckdb.DuckDBPyConnection]:
    import duckdb

    with tempfile.TemporaryDirectory(prefix="klyngepakke-duckdb-") as spill:
        config: dict[str, str | bool | int | float | list[str]] = {
            "threads": threads or os.cpu_count() or 1,
            # Only the billing-limit pass depends on row order (it sets this itself); letting
            # go of it elsewhere saves memory and time.
            "preserve_insertion_order": False,
            # Only if an aggregation outgrows memory: never in the caller's directory.
            "temp_directory": spill,
        }
        if memory_limit is not None:
            config["memory_limit"] = memory_limit
        con = duckdb.connect(":memory:", config=config)
        try:
            yield con
        finally:
            con.close()


def _execute(con: duckdb.DuckDBPyConnection, sql: str) -> duckdb.DuckDBPyConnection:
    """Run one statement; with DEBUG logging on, log how long it took (what a profile needs)."""
    if not _log.isEnabledFor(logging.DEBUG):
        return con.execute(sql)
    started = time.perf_counter()
    result = con.execute(sql)
    _log.debug("%.3f s: %s", time.perf_counter() - started, sql.strip())
    return result


def _text(value: str) -> str:
    """A SQL string literal."""
    return "'" + value.replace("'", "''") + "'"


def _date(day: dt.date) -> str:
    return f"DATE '{day.isoformat()}'"


def _parquet(file: ServiceDataFile) -> str:
    return f"read_parquet({_text(str(file.path))})"


_TYPE_FAMILIES: Final = {
    "VARCHAR": {"VARCHAR"},
    "DATE": {"DATE"},
    "UBIGINT": {"UBIGINT", "BIGINT"},
    "BIGINT": {"BIGINT", "INTEGER", "SMALLINT", "TINYINT", "UBIGINT", "UINTEGER", "USMALLINT"},
}


def _check_columns(con: duckdb.DuckDBPyConnection, file: ServiceDataFile) -> None:
    """The canonical columns are there with usable types (a reader's promise, checked cheaply)."""
    import duckdb

    try:
        described = _execute(con, f"DESCRIBE SELECT * FROM {_parquet(file)}").fetchall()
    except duckdb.Error as exc:
        raise ServiceDataError(f"{file.source}: cannot read {file.path}: {exc}") from None
    types = {str(row[0]): str(row[1]) for row in described}
    for column, wanted in CANONICAL_COLUMNS[file.kind].items():
        if column not in types:
            raise ServiceDataError(
                f"{file.source}: column {column!r} is missing from {file.path} "
                f"(a canonical {file.kind.value} file has "
                f"{', '.join(CANONICAL_COLUMNS[file.kind])})"
            )
        if types[column] not in _TYPE_FAMILIES.get(wanted, {wanted}):
            raise ServiceDataError(
                f"{file.source}: column {column!r} in {file.path} is {types[column]}, "
                f"expected {wanted}"
            )


def _named(ids: Sequence[str]) -> str:
    shown = ", ".join(ids[:_MAX_NAMED])
    more = len(ids) - _MAX_NAMED
    return f"{shown} and {more} more" if more > 0 else shown


# -- one period ----------------------------------------------------------------------------


@attrs.frozen
class _PeriodResult:
    period: Period
    providers: tuple[ProviderMetric, ...]
    clusters: tuple[GroupMetric, ...]
    regions: tuple[GroupMetric, ...]
    municipalities: tuple[GroupMetric, ...]
    country: GroupMetric
    funnels: tuple[FunnelData, ...]
    violations: tuple[RuleViolation, ...]
    notes: tuple[str, ...]


def _compute_period(
    con: duckdb.DuckDBPyConnection,
    definition: MetricDefinition,
    services: dict[str, ServiceCode],
    inputs: _Inputs,
    *,
    check_limits: bool,
) -> _PeriodResult:
    for file in _files(inputs):
        _check_columns(con, file)
    notes = [f"{file.source}: {note}" for file in _files(inputs) for note in file.notes]
    violations: tuple[RuleViolation, ...] = ()
    limit_notes: list[str] = []
    if inputs.is_claims:
        period, period_notes = _claims_period(con, definition, inputs)
        fused = None
        if check_limits:
            fused = _count_and_check(con, definition.codes, services, inputs, period)
        if fused is not None:
            fees, fee_notes, violations, limit_notes = fused
        else:
            fees, fee_notes = _count_claims(
                con, definition.codes, services, inputs.services, period
            )
            if check_limits:
                violations, limit_notes = _check_limits(con, services, inputs.services, period)
    else:
        period, period_notes = _counts_period(con, definition, inputs)
        fees, fee_notes = _count_aggregates(
            con, definition.codes, services, inputs.services, period
        )
        limit_notes = [
            f"{_limit_text(code, limit)} can only be checked on claims-level data"
            for code, service in services.items()
            for limit in service.limits
        ]
    notes += period_notes + fee_notes + limit_notes
    notes += _join_providers(con, inputs, period)
    notes += _cluster_region_notes(con, definition.compare_with)
    providers, groups, funnels = _statistics(
        con,
        definition.per,
        fees,
        definition.compare_with,
        "registreringer" if definition.counts_events else "ydelser",
    )
    clusters = tuple(g for g in groups if g.level is GroupLevel.CLUSTER)
    regions = tuple(g for g in groups if g.level is GroupLevel.REGION)
    municipalities = tuple(g for g in groups if g.level is GroupLevel.MUNICIPALITY)
    country = next(g for g in groups if g.level is GroupLevel.COUNTRY)
    return _PeriodResult(
        period=period,
        providers=providers,
        clusters=clusters,
        regions=regions,
        municipalities=municipalities,
        country=country,
        funnels=funnels,
        violations=violations,
        notes=tuple(f"{inputs.label}{note}" for note in notes),
    )


def _files(inputs: _Inputs) -> tuple[ServiceDataFile, ...]:
    return (inputs.services, inputs.list_sizes, inputs.membership)


def _is_synthetic(con: duckdb.DuckDBPyConnection, file: ServiceDataFile) -> bool:
    """Whether the file says it holds synthetic data (name or Parquet metadata)."""
    if any(SYNTHETIC_MARK in Path(name).name.lower() for name in (file.source, str(file.path))):
        return True
    found = _execute(
        con,
        f"""
        SELECT count(*) FROM parquet_kv_metadata({_text(str(file.path))})
        WHERE decode(key) = 'synthetic' AND lower(decode(value)) = 'true'
        """,
    ).fetchone()
    return bool(found and found[0])


def _codes_sql(codes: Iterable[str]) -> str:
    return ", ".join(_text(code) for code in codes)


def _span(period: Period) -> str:
    return f"{period.start.isoformat()} to {period.end.isoformat()}"


def _claims_period(
    con: duckdb.DuckDBPyConnection, definition: MetricDefinition, inputs: _Inputs
) -> tuple[Period, list[str]]:
    file = inputs.services
    first, last = _execute(con, f"SELECT min(day), max(day) FROM {_parquet(file)}").fetchone() or (
        None,
        None,
    )
    if first is None or last is None:
        raise ServiceDataError(f"{file.source}: holds no claims")
    notes: list[str] = []
    period = inputs.period
    if period is None:
        period = _months_ending(last, definition.period_months)
        notes.append(
            f"period: the last {definition.period_months} months of {file.source}, {_span(period)}"
        )
    if first > period.start:
        notes.append(
            f"{file.source} starts on {first.isoformat()}, after the period's start "
            f"{period.start.isoformat()}: days before it count as no services"
        )
    if last < period.end:
        notes.append(
            f"{file.source} ends on {last.isoformat()}, before the period's end "
            f"{period.end.isoformat()}: days after it count as no services"
        )
    return period, notes


def _months_ending(last: dt.date, months: int) -> Period:
    """The ``months`` whole months ending on ``last`` (2024-12-31, 12 → from 2024-01-01)."""
    after = last + dt.timedelta(days=1)
    index = after.year * 12 + after.month - 1 - months
    year, month = divmod(index, 12)
    day = min(after.day, calendar.monthrange(year, month + 1)[1])
    return Period(dt.date(year, month + 1, day), last)


def _counts_period(
    con: duckdb.DuckDBPyConnection, definition: MetricDefinition, inputs: _Inputs
) -> tuple[Period, list[str]]:
    """The period to count in aggregated data, after checking its rows' periods fit together.

    Rows may be per month, quarter or year (even differently per practice), but one
    practice's rows for a service must not overlap (that would count services twice). By
    default the period is the span of the rows, which must be one period: no days without
    any row in between.
    """
    file = inputs.services
    noun = "event" if definition.counts_events else "service"
    codes = f"{noun} {', '.join(definition.codes)}"
    rows = f"{_parquet(file)} WHERE service_code IN ({_codes_sql(definition.codes)})"
    overlapping = _execute(
        con,
        f"""
        SELECT provider_id, service_code, period_start, period_end, previous_end FROM (
            SELECT provider_id, service_code, period_start, period_end,
                   max(period_end) OVER (
                       PARTITION BY provider_id, service_code ORDER BY period_start, period_end
                       ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
                   ) AS previous_end
            FROM {rows}
        ) WHERE period_start <= previous_end
        ORDER BY provider_id, service_code, period_start LIMIT {_MAX_NAMED}
        """,
    ).fetchall()
    if overlapping:
        shown = "; ".join(
            f"{provider} {code} from {start.isoformat()} overlaps a row up to {before.isoformat()}"
            for provider, code, start, _, before in overlapping
        )
        raise ServiceDataError(
            f"{file.source}: rows for the same provider and service overlap in time, so "
            f"services would be counted twice (mixed periods?): {shown}"
        )
    spans = [
        Period(start, end)
        for start, end in _execute(
            con, f"SELECT DISTINCT period_start, period_end FROM {rows} ORDER BY 1, 2"
        ).fetchall()
    ]
    if not spans:
        raise ServiceDataError(f"{file.source}: no rows for {codes}")
    period = inputs.period
    if period is None:
        gaps = _gaps(spans)
        if gaps:
            raise ServiceDataError(
                f"{file.source}: no rows for {codes} from "
                f"{'; '.join(_span(g) for g in gaps[:6])}, so the data are not one period; "
                "give the period to count"
            )
        period = Period(min(s.start for s in spans), max(s.end for s in spans))
        return period, _length_notes(period, definition, file)
    straddling = [
        s
        for s in spans
        if s.start <= period.end and s.end >= period.start and not _within(s, period)
    ]
    if straddling:
        raise ServiceDataError(
            f"{file.source}: rows for {'; '.join(_span(s) for s in straddling[:6])} cross the "
            f"edge of the period {_span(period)} and cannot be split; choose a period their "
            "rows lie wholly inside or outside"
        )
    inside = [s for s in spans if _within(s, period)]
    if not inside:
        raise ServiceDataError(f"{file.source}: no rows for {codes} in {_span(period)}")
    notes = _length_notes(period, definition, file)
    day = dt.timedelta(days=1)
    before, after = period.start - day, period.end + day  # so gaps at either end show
    uncovered = _gaps([Period(before, before), *inside, Period(after, after)])
    if uncovered:
        notes.append(
            f"{file.source} has no rows for {'; '.join(_span(g) for g in uncovered[:6])} of "
            f"the period {_span(period)}: those days count as no services"
        )
    return period, notes


def _gaps(spans: Sequence[Period]) -> list[Period]:
    """The days no span covers, between the first start and the last end."""
    day = dt.timedelta(days=1)
    gaps = []
    covered_to = None
    for span in sorted(spans, key=lambda s: (s.start, s.end)):
        if covered_to is not None and span.start > covered_to + day:
            gaps.append(Period(covered_to + day, span.start - day))
        covered_to = span.end if covered_to is None else max(covered_to, span.end)
    return gaps


def _length_notes(period: Period, definition: MetricDefinition, file: ServiceDataFile) -> list[str]:
    """A note when the counted period is not the metric's length (rates are per period)."""
    after = period.end + dt.timedelta(days=1)
    months = (after.year - period.start.year) * 12 + after.month - period.start.month
    if months == definition.period_months and after.day == period.start.day:
        return []
    return [
        f"the period counted in {file.source}, {_span(period)}, is not the "
        f"{definition.period_months} months the metric is defined over: rates are per the "
        "period counted"
    ]


def _within(inner: Period, outer: Period) -> bool:
    return outer.start <= inner.start and inner.end <= outer.end


# -- counting and fees ---------------------------------------------------------------------


def _fee_bucket_sql(services: dict[str, ServiceCode]) -> str:
    """SQL for which fee of its service a claim's day falls under (0: before the first)."""
    whens = [
        f"WHEN {_text(code)} THEN "
        + " + ".join(f"(day >= {_date(fee.valid_from)})::INTEGER" for fee in service.fees)
        for code, service in services.items()
        if service.fees
    ]
    return f"CASE service_code {' '.join(whens)} ELSE 0 END" if whens else "0"


def _count_claims(
    con: duckdb.DuckDBPyConnection,
    codes: Sequence[str],
    services: dict[str, ServiceCode],
    file: ServiceDataFile,
    period: Period,
) -> tuple[dict[str, Decimal], list[str]]:
    """Count the claims of ``codes`` per practice (table ``counted``); return the fees.

    Only ``services`` carry fees: counted events have none.
    """
    _execute(
        con,
        f"""
        CREATE OR REPLACE TEMP TABLE counted_detail AS
        SELECT provider_id, service_code, {_fee_bucket_sql(services)} AS fee_bucket,
               count(*) AS n
        FROM {_parquet(file)}
        WHERE service_code IN ({_codes_sql(codes)})
          AND day BETWEEN {_date(period.start)} AND {_date(period.end)}
        GROUP BY ALL
        """,
    )
    _sum_counted(con)
    return _fees_from_counted(con, services)


def _fees_from_counted(
    con: duckdb.DuckDBPyConnection, services: dict[str, ServiceCode]
) -> tuple[dict[str, Decimal], list[str]]:
    """The fees per practice from ``counted_detail``; a note for claims before a first fee."""
    fees: dict[str, Decimal] = defaultdict(Decimal)
    unpriced: Counter[str] = Counter()
    for provider, code, bucket, n in _execute(
        con, "SELECT provider_id, service_code, fee_bucket, n FROM counted_detail"
    ).fetchall():
        if code not in services:
            continue
        if bucket == 0:
            unpriced[code] += n
            continue
        fees[provider] += services[code].fees[bucket - 1].amount * n
    notes = [_unpriced_note(services[code], n, claims=True) for code, n in sorted(unpriced.items())]
    return dict(fees), notes


def _count_aggregates(
    con: duckdb.DuckDBPyConnection,
    codes: Sequence[str],
    services: dict[str, ServiceCode],
    file: ServiceDataFile,
    period: Period,
) -> tuple[dict[str, Decimal], list[str]]:
    """Sum the counts of ``codes`` per practice (table ``counted``); return the fees.

    Only ``services`` carry fees: counted events have none.
    """
    _execute(
        con,
        f"""
        CREATE OR REPLACE TEMP TABLE counted_detail AS
        SELECT provider_id, service_code, period_start, period_end, sum(count)::BIGINT AS n
        FROM {_parquet(file)}
        WHERE service_code IN ({_codes_sql(codes)})
          AND period_start >= {_date(period.start)} AND period_end <= {_date(period.end)}
        GROUP BY ALL
        """,
    )
    _sum_counted(con)
    fees: dict[str, Decimal] = defaultdict(Decimal)
    unit_fees: dict[tuple[str, dt.date, dt.date], tuple[Decimal, int]] = {}
    unpriced: Counter[str] = Counter()
    for provider, code, start, end, n in _execute(
        con, "SELECT provider_id, service_code, period_start, period_end, n FROM counted_detail"
    ).fetchall():
        if code not in services:
            continue
        key = (code, start, end)
        if key not in unit_fees:
            unit_fees[key] = _prorated_fee(services[code], Period(start, end))
        unit_fee, unpriced_days = unit_fees[key]
        fees[provider] += unit_fee * n
        if unpriced_days:
            unpriced[code] += n
    notes = []
    for code, start, end in sorted(unit_fees):
        changes = [fee.valid_from for fee in services[code].fees if start < fee.valid_from <= end]
        if changes:
            notes.append(
                f"the fee of {code} changes on {', '.join(d.isoformat() for d in changes)}, "
                f"inside the counts period {start.isoformat()} to {end.isoformat()}: its fees "
                "are prorated by days, assuming the services were spread evenly"
            )
    notes += [
        _unpriced_note(services[code], n, claims=False) for code, n in sorted(unpriced.items())
    ]
    rounded = {p: amount.quantize(_CENT, ROUND_HALF_UP) for p, amount in fees.items()}
    return rounded, notes


def _prorated_fee(service: ServiceCode, span: Period) -> tuple[Decimal, int]:
    """The fee per service over ``span``, each fee weighted by its days; and unpriced days."""
    total = Decimal(0)
    unpriced = 0
    day = span.start
    while day <= span.end:
        fee = service.fee_on(day)
        following = [f.valid_from for f in service.fees if f.valid_from > day]
        until = min([span.end, *(d - dt.timedelta(days=1) for d in following)])
        days = (until - day).days + 1
        if fee is None:
            unpriced += days
        else:
            total += fee.amount * days
        day = until + dt.timedelta(days=1)
    return total / span.days, unpriced


def _unpriced_note(service: ServiceCode, n: int, *, claims: bool) -> str:
    if not service.fees:
        return f"{service.code} has no known fee: its {n} services carry no fee"
    first = service.fees[0].valid_from.isoformat()
    if claims:
        return f"{n} claims of {service.code} fall before its first known fee ({first}): no fee"
    return (
        f"{n} services of {service.code} are counted in periods that start before its first "
        f"known fee ({first}): the days before it carry no fee"
    )


def _sum_counted(con: duckdb.DuckDBPyConnection) -> None:
    _execute(
        con,
        """
        CREATE OR REPLACE TEMP TABLE counted AS
        SELECT provider_id, sum(n)::BIGINT AS n FROM counted_detail GROUP BY provider_id
        """,
    )


def _limit_text(code: str, limit: BillingLimit) -> str:
    who = " per patient" if limit.per_patient else ""
    return f"the limit on {code} (at most {limit.max_count} per {limit.per.value}{who})"


def _check_limits(
    con: duckdb.DuckDBPyConnection,
    services: dict[str, ServiceCode],
    file: ServiceDataFile,
    period: Period,
) -> tuple[tuple[RuleViolation, ...], list[str]]:
    """Patient-days over a service's "at most N per day per patient" limit, without patients.

    Grouping national data by practice, day and patient is the costliest thing the engine
    could do, so it uses the order canonical claims files are written in (grouped by service
    and practice, then ordered by day and patient key; see
    :data:`~klyngepakke.service_data.CANONICAL_COLUMNS`): one streaming pass finds runs of
    equal rows (:func:`_sorted_runs`). That pass also proves the order it relies on; a file
    not in that order is checked by grouping instead (:func:`_grouped_runs`), with the same
    result, only slower.
    """
    limits, notes = _daily_limits(services)
    if not limits:
        return (), notes
    rows = f"""
        {_parquet(file)}
        WHERE service_code IN ({_codes_sql(limits)})
          AND day BETWEEN {_date(period.start)} AND {_date(period.end)}
    """
    found = _sorted_runs(con, rows, limits)
    if found is None:
        _log.info("%s: claims are not in canonical order; grouping instead", file.source)
        found = _grouped_runs(con, rows, limits)
    return _violations(found, limits), notes


def _daily_limits(services: dict[str, ServiceCode]) -> tuple[dict[str, int], list[str]]:
    """The "at most N per day per patient" limit of each service; notes on limits not checked."""
    limits: dict[str, int] = {}
    notes = []
    for code, service in services.items():
        for limit in service.limits:
            if limit.per is LimitPeriod.DAY and limit.per_patient:
                limits[code] = min(limit.max_count, limits.get(code, limit.max_count))
            else:
                notes.append(f"{_limit_text(code, limit)} is not checked")
    return limits, notes


def _violations(found: Iterable[_Run], limits: dict[str, int]) -> tuple[RuleViolation, ...]:
    return tuple(
        RuleViolation(provider_id=p, day=d, service_code=c, count=n, limit=limits[c])
        for p, d, c, n in sorted(found, key=lambda v: (v[0], v[1], v[2], -v[3]))
    )


def _count_and_check(
    con: duckdb.DuckDBPyConnection,
    codes: Sequence[str],
    services: dict[str, ServiceCode],
    inputs: _Inputs,
    period: Period,
) -> tuple[dict[str, Decimal], list[str], tuple[RuleViolation, ...], list[str]] | None:
    """Count the claims and check the billing limit in the same streaming pass.

    The usual national case, one service with a daily limit in a canonical claims file, reads
    the rows once instead of twice: the pass that finds runs of one patient's claims also
    counts each practice's claims per fee. Returns ``None`` (count and check separately) for
    anything else: several codes, no daily limit, a file not in canonical order, or a claim
    from a practice without membership (which the separate path reports).
    """
    import numpy as np

    limits, limit_notes = _daily_limits(services)
    if len(codes) != 1 or set(limits) != set(codes) or codes[0] not in services:
        return None
    code = codes[0]
    service = services[code]
    names = {
        int(h): (str(p), code)
        for h, p in _execute(
            con,
            f"SELECT DISTINCT hash(provider_id), provider_id FROM {_parquet(inputs.membership)}",
        ).fetchall()
    }
    if len(names) != len(set(names.values())):  # two practices share a hash
        return None
    epoch = dt.date(1970, 1, 1)
    fee_days = np.array([(fee.valid_from - epoch).days for fee in service.fees], dtype=np.int32)
    counts: dict[tuple[int, int], int] = defaultdict(int)
    rows = f"""
        {_parquet(inputs.services)}
        WHERE service_code = {_text(code)}
          AND day BETWEEN {_date(period.start)} AND {_date(period.end)}
    """
    con.execute("SET preserve_insertion_order = true")
    try:
        found = _runs_in_order(
            con, rows, limits, names, "hash(provider_id)", fee_days=fee_days, counts=counts
        )
    finally:
        con.execute("SET preserve_insertion_order = false")
    if found is None:
        return None
    detail = [(names[g][0], code, bucket, n) for (g, bucket), n in counts.items()]
    import pyarrow as pa

    table = pa.table(
        {
            "provider_id": pa.array([d[0] for d in detail], pa.string()),
            "service_code": pa.array([d[1] for d in detail], pa.string()),
            "fee_bucket": pa.array([d[2] for d in detail], pa.int32()),
            "n": pa.array([d[3] for d in detail], pa.int64()),
        }
    )
    con.register("counted_stream", table)
    try:
        _execute(con, "CREATE OR REPLACE TEMP TABLE counted_detail AS SELECT * FROM counted_stream")
    finally:
        con.unregister("counted_stream")
    _sum_counted(con)
    fees, fee_notes = _fees_from_counted(con, services)
    return fees, fee_notes, _violations(found, limits), limit_notes


_Run = tuple[str, dt.date, str, int]
"""A patient-day over the limit: provider, day, service code, claims (never the patient)."""

_RUN_BATCH_ROWS: Final = 1 << 18  # bounds the memory DuckDB holds to keep the order
_EPOCH_ORDINAL: Final = dt.date(1970, 1, 1).toordinal()


def _sorted_runs(
    con: duckdb.DuckDBPyConnection, rows: str, limits: dict[str, int]
) -> list[_Run] | None:
    """Runs of claims with the same practice, service, day and patient, in one pass.

    Streams (hash of service and practice, day, patient key) in file order, a quarter of a
    million rows at a time, and counts equal neighbours with NumPy. Returns ``None`` unless
    the rows are grouped by (service, practice) with day and patient key ascending inside
    each group: the number of groups seen must equal the number of distinct (service,
    practice) pairs, and no row may be smaller than the one before it in its group. Only runs
    over the limit reach Python, as (group hash, day); the patient key never does.
    """
    # One service (the usual case): the practice alone names the group, a cheaper hash.
    group = "hash(provider_id)" if len(limits) == 1 else "hash(service_code, provider_id)"
    pairs = _execute(
        con,
        f"SELECT DISTINCT {group}, provider_id, service_code "
        f"FROM counted_detail WHERE service_code IN ({_codes_sql(limits)})",
    ).fetchall()
    names = {int(h): (str(p), str(c)) for h, p, c in pairs}
    if len(names) != len(pairs):  # two pairs share a hash: group by the columns instead
        return None
    con.execute("SET preserve_insertion_order = true")  # this pass reads the file's order
    try:
        return _runs_in_order(con, rows, limits, names, group)
    finally:
        con.execute("SET preserve_insertion_order = false")


def _runs_in_order(
    con: duckdb.DuckDBPyConnection,
    rows: str,
    limits: dict[str, int],
    names: dict[int, tuple[str, str]],
    group: str,
    *,
    fee_days: NDArray[np.int32] | None = None,
    counts: dict[tuple[int, int], int] | None = None,
) -> list[_Run] | None:
    """The streaming pass of :func:`_sorted_runs`, given the names of the group hashes.

    With ``counts``, also counts the rows per (group hash, fee bucket), the bucket being how
    many of ``fee_days`` (days since 1970, ascending) the claim's day has reached.
    """
    import numpy as np
    import pyarrow as pa

    lowest = min(limits.values())
    uniform = all(n == lowest for n in limits.values())
    stream = con.sql(f"SELECT {group} AS g, day AS d, patient AS p FROM {rows}").to_arrow_reader(
        _RUN_BATCH_ROWS
    )
    groups = 0
    seen: set[int] = set()
    over: list[tuple[int, int, int]] = []  # (group hash, day, claims)
    last: tuple[int, int, int] | None = None  # the previous batch's last row
    open_run = 0  # rows of the run that the previous batch ended in
    for batch in stream:
        g = batch.column(0).to_numpy()
        d = batch.column(1).view(pa.int32()).to_numpy()  # days since 1970, as Arrow stores them
        p = batch.column(2).to_numpy()
        n = len(g)
        if not n:
            continue
        # continues[i]: row i has the same group, day and patient as the row before it (the
        # first row is compared with the previous batch's last, without copying the batch).
        same_g = g[1:] == g[:-1]
        step = np.diff(d)
        if np.any(same_g & ((step < 0) | ((step == 0) & (p[1:] < p[:-1])))):
            return None
        continues = np.empty(n, dtype=bool)
        np.logical_and(same_g, step == 0, out=continues[1:])
        continues[1:] &= p[1:] == p[:-1]
        first_same_g = last is not None and last[0] == int(g[0])
        if first_same_g and last is not None and (int(d[0]), int(p[0])) < last[1:]:
            return None
        continues[0] = first_same_g and last is not None and last[1:] == (int(d[0]), int(p[0]))
        groups += n - 1 - int(np.count_nonzero(same_g)) + (0 if first_same_g else 1)
        group_starts = np.flatnonzero(np.concatenate(([True], ~same_g)))
        seen.update(g[group_starts].tolist())
        if counts is not None and fee_days is not None:
            buckets = np.searchsorted(fee_days, d, side="right")
            run = np.repeat(np.arange(group_starts.size), np.diff(group_starts, append=n))
            width = fee_days.size + 1
            tally = np.bincount(run * width + buckets, minlength=group_starts.size * width)
            for index, key in enumerate(g[group_starts].tolist()):
                for bucket in np.flatnonzero(tally[index * width : (index + 1) * width]).tolist():
                    counts[(key, bucket)] += int(tally[index * width + bucket])
        starts = np.flatnonzero(~continues)
        if not starts.size:
            open_run += n
        else:
            lengths = np.diff(starts, append=n)
            if last is not None and open_run + int(starts[0]) > lowest:
                over.append((last[0], last[1], open_run + int(starts[0])))
            long_runs = lengths[:-1] > lowest
            closed = starts[:-1][long_runs]
            over.extend(
                zip(
                    g[closed].tolist(),
                    d[closed].tolist(),
                    lengths[:-1][long_runs].tolist(),
                    strict=True,
                )
            )
            open_run = int(lengths[-1])
        last = (int(g[-1]), int(d[-1]), int(p[-1]))
    if last is not None and open_run > lowest:
        over.append((last[0], last[1], open_run))
    if groups != len(seen) or not seen <= names.keys():
        return None
    found = []
    for key, day, claims in over:
        provider, code = names[key]
        if uniform or claims > limits[code]:
            found.append((provider, dt.date.fromordinal(_EPOCH_ORDINAL + day), code, claims))
    return found


def _grouped_runs(con: duckdb.DuckDBPyConnection, rows: str, limits: dict[str, int]) -> list[_Run]:
    """The same runs as :func:`_sorted_runs`, for rows in any order, by grouping.

    Two passes: first group by a 64-bit hash of (practice, service, day, patient), a single
    number DuckDB groups several times faster than the columns; then count exactly, by the
    columns themselves, only the rows whose hash was over the lowest limit (so a hash
    collision can never report a run that is not there).
    """
    key = "hash(provider_id, service_code, day, patient)"
    lowest = min(limits.values())
    _execute(
        con,
        f"CREATE OR REPLACE TEMP TABLE over_limit AS "
        f"SELECT {key} AS key FROM {rows} GROUP BY key HAVING count(*) > {lowest}",
    )
    # The patient is a grouping key only: it is not selected, so it cannot leave the query.
    found = _execute(
        con,
        f"""
        SELECT provider_id, day, service_code, count(*) AS n
        FROM {rows} AND {key} IN (SELECT key FROM over_limit)
        GROUP BY provider_id, day, service_code, patient
        HAVING count(*) > {lowest}
        """,
    ).fetchall()
    return [(str(p), d, str(c), int(n)) for p, d, c, n in found if int(n) > limits[str(c)]]


# -- practices: list sizes and membership --------------------------------------------------


def _join_providers(con: duckdb.DuckDBPyConnection, inputs: _Inputs, period: Period) -> list[str]:
    """Build table ``providers`` (practices with membership and a list size > 0).

    Raise for practices with services that cannot be placed; return notes for the rest.
    """
    members, lists = inputs.membership, inputs.list_sizes
    services = inputs.services
    _execute(
        con,
        f"""
        CREATE OR REPLACE TEMP TABLE members AS
        SELECT provider_id, cluster, municipality, region FROM {_parquet(members)}
        """,
    )
    twice = _ids(
        con,
        "SELECT provider_id FROM members GROUP BY provider_id HAVING count(*) > 1 ORDER BY 1",
    )
    if twice:
        raise ServiceDataError(
            f"{members.source}: providers listed more than once: {_named(twice)}"
        )
    start, end = _date(period.start), _date(period.end)
    # Day-weighted mean of the rows overlapping the period; without any, the nearest rows.
    _execute(
        con,
        f"""
        CREATE OR REPLACE TEMP TABLE lists AS
        WITH rows AS (
            SELECT provider_id, group1_insured,
                   greatest(date_diff('day', greatest(period_start, {start}),
                                      least(period_end, {end})) + 1, 0) AS overlap,
                   CASE WHEN period_end < {start} THEN date_diff('day', period_end, {start})
                        WHEN period_start > {end} THEN date_diff('day', {end}, period_start)
                        ELSE 0 END AS distance
            FROM {_parquet(lists)}
        ), nearest AS (
            SELECT * FROM rows
            QUALIFY distance = min(distance) OVER (PARTITION BY provider_id)
        )
        SELECT provider_id,
               round(sum(group1_insured * greatest(overlap, 1))
                     / sum(greatest(overlap, 1)))::BIGINT AS list_size,
               min(distance) AS distance,
               count(*) AS rows
        FROM nearest GROUP BY provider_id
        """,
    )
    unplaced = _ids(
        con,
        "SELECT provider_id FROM counted ANTI JOIN members USING (provider_id) ORDER BY 1",
    )
    if unplaced:
        raise ServiceDataError(
            f"{services.source} has services for providers that {members.source} does not "
            f"place in a cluster: {_named(unplaced)}"
        )
    no_list = _ids(
        con,
        """
        SELECT c.provider_id FROM counted c LEFT JOIN lists l USING (provider_id)
        WHERE l.list_size IS NULL OR l.list_size <= 0 ORDER BY 1
        """,
    )
    if no_list:
        raise ServiceDataError(
            f"{lists.source}: no list size (or 0 group-1 insured) for the period "
            f"{_span(period)} for providers with services in {services.source}: "
            f"{_named(no_list)}"
        )
    _execute(
        con,
        """
        CREATE OR REPLACE TEMP TABLE providers AS
        SELECT m.provider_id, m.cluster, m.municipality, m.region, l.list_size,
               coalesce(c.n, 0)::BIGINT AS n
        FROM members m
        JOIN lists l USING (provider_id)
        LEFT JOIN counted c USING (provider_id)
        WHERE l.list_size > 0
        """,
    )
    notes = []
    left_out = _ids(
        con,
        """
        SELECT m.provider_id FROM members m LEFT JOIN lists l USING (provider_id)
        WHERE l.list_size IS NULL OR l.list_size <= 0 ORDER BY 1
        """,
    )
    if left_out:
        notes.append(
            f"{lists.source}: no list size (or 0) for the period for {len(left_out)} "
            f"providers in {members.source}, left out (they have no services): "
            f"{_named(left_out)}"
        )
    outside = _ids(
        con, "SELECT provider_id FROM lists ANTI JOIN members USING (provider_id) ORDER BY 1"
    )
    if outside:
        notes.append(
            f"{lists.source}: {len(outside)} providers are in no cluster in "
            f"{members.source} and are left out: {_named(outside)}"
        )
    nearest = _ids(con, "SELECT provider_id FROM lists WHERE distance > 0 ORDER BY 1")
    if nearest:
        notes.append(
            f"{lists.source}: no list size overlaps the period {_span(period)} for "
            f"{len(nearest)} providers; their nearest list size in time is used: "
            f"{_named(nearest)}"
        )
    averaged = _ids(con, "SELECT provider_id FROM lists WHERE rows > 1 AND distance = 0 ORDER BY 1")
    if averaged:
        notes.append(
            f"{lists.source}: {len(averaged)} providers have several list sizes in the "
            f"period; their mean, weighted by days, is used"
        )
    count = _execute(con, "SELECT count(*) FROM providers").fetchone()
    if not count or not count[0]:
        raise ServiceDataError(
            f"no provider in {members.source} has a list size for {_span(period)} in {lists.source}"
        )
    return notes


def _ids(con: duckdb.DuckDBPyConnection, sql: str) -> list[str]:
    return [str(row[0]) for row in _execute(con, sql).fetchall()]


def _cluster_region_notes(con: duckdb.DuckDBPyConnection, reference: ReferenceLevel) -> list[str]:
    rows = _execute(
        con,
        """
        SELECT cluster, string_agg(DISTINCT region, ', ' ORDER BY region) FROM providers
        GROUP BY cluster HAVING count(DISTINCT region) > 1 ORDER BY cluster
        """,
    ).fetchall()
    notes = [
        f"cluster {cluster} has practices in several regions ({regions}); it is shown with "
        "the region of most of them"
        for cluster, regions in rows
    ]
    if reference is ReferenceLevel.MUNICIPALITY:
        rows = _execute(
            con,
            """
            SELECT cluster, string_agg(DISTINCT municipality, ', ' ORDER BY municipality)
            FROM providers
            GROUP BY cluster HAVING count(DISTINCT municipality) > 1 ORDER BY cluster
            """,
        ).fetchall()
        notes += [
            f"cluster {cluster} has practices in several municipalities ({names}); each "
            "practice is compared with its own municipality, the cluster with the "
            "municipality of most of them"
            for cluster, names in rows
        ]
    return notes


# -- statistics ----------------------------------------------------------------------------


def _statistics(
    con: duckdb.DuckDBPyConnection,
    per: int,
    fees: dict[str, Decimal],
    reference: ReferenceLevel,
    counted: str,
) -> tuple[tuple[ProviderMetric, ...], list[GroupMetric], tuple[FunnelData, ...]]:
    """Practices, groups and funnels; each practice compared with its ``reference`` group.

    ``counted`` names what is counted in notes people read ("ydelser", "registreringer").
    """
    import numpy as np

    table = _execute(
        con,
        """
        SELECT provider_id, cluster, municipality, region, list_size, n
        FROM providers ORDER BY provider_id
        """,
    ).fetchnumpy()
    ids = [str(x) for x in table["provider_id"]]
    clusters = [str(x) for x in table["cluster"]]
    municipalities = [str(x) for x in table["municipality"]]
    regions = [str(x) for x in table["region"]]
    population = np.asarray(table["list_size"], dtype=np.int64)
    count = np.asarray(table["n"], dtype=np.int64)
    provider_fees = [fees.get(p, Decimal(0)).quantize(_CENT, ROUND_HALF_UP) for p in ids]

    by_municipality = reference is ReferenceLevel.MUNICIPALITY
    groups = _groups(
        con,
        per,
        _Members(clusters, municipalities if by_municipality else None, regions),
        provider_fees,
    )
    level = GroupLevel.MUNICIPALITY if by_municipality else GroupLevel.REGION
    home = municipalities if by_municipality else regions
    target = {g.name: g.pooled.rate or 0.0 for g in groups if g.level is level}
    targets = np.array([target[name] for name in home], dtype=float)
    lower, upper = _poisson_bounds(count)
    p_above, p_below, flags = _classify(count, population, targets, per)
    providers = tuple(
        ProviderMetric(
            provider_id=ids[i],
            cluster=clusters[i],
            municipality=municipalities[i],
            region=regions[i],
            estimate=_estimate(
                int(count[i]), int(population[i]), per, float(lower[i]), float(upper[i])
            ),
            flag=flags[i],
            p_above=float(p_above[i]),
            p_below=float(p_below[i]),
            fees=provider_fees[i],
        )
        for i in range(len(ids))
    )
    funnels = tuple(
        _funnel(name, target[name], count[mask], population[mask], per, reference, counted)
        for name in sorted(target)
        for mask in [np.array([h == name for h in home])]
    )
    return providers, groups, funnels


def _poisson_bounds(count: NDArray[np.int64]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Exact (Garwood) 95 % limits for Poisson means, for many counts at once.

    The same formula as :func:`klyngepakke.metrics.statistics.poisson_interval`, vectorised.
    """
    import numpy as np
    from scipy import stats

    alpha = 1 - _CONFIDENCE
    twice = 2.0 * count.astype(float)
    lower = np.where(count > 0, stats.chi2.ppf(alpha / 2, np.maximum(twice, 1.0)) / 2, 0.0)
    upper = stats.chi2.ppf(1 - alpha / 2, twice + 2) / 2
    return np.asarray(lower, dtype=float), np.asarray(upper, dtype=float)


def _classify(
    count: NDArray[np.int64],
    population: NDArray[np.int64],
    target: NDArray[np.float64],
    per: int,
) -> tuple[NDArray[np.float64], NDArray[np.float64], list[FunnelFlag]]:
    """:func:`klyngepakke.metrics.statistics.classify` for many practices at once.

    A practice in a region without any services (target 0) is within, both tails 1.
    """
    import numpy as np
    from scipy import stats

    mu = target / per * population
    positive = mu > 0
    safe_mu = np.where(positive, mu, 1.0)
    p_above = np.where(positive, stats.poisson.sf(count - 1, safe_mu), 1.0)
    p_below = np.where(positive, stats.poisson.cdf(count, safe_mu), 1.0)

    def at_most(p: NDArray[np.float64], threshold: float) -> NDArray[np.bool_]:
        close = np.abs(p - threshold) <= _TIE_TOLERANCE * np.maximum(np.abs(p), threshold)
        return np.asarray((p <= threshold) | close)

    alarm = (1 - statistics.ALARM_LEVEL) / 2
    alert = (1 - statistics.ALERT_LEVEL) / 2
    conditions = [
        at_most(p_above, alarm),
        at_most(p_above, alert),
        at_most(p_below, alarm),
        at_most(p_below, alert),
    ]
    choices = [FunnelFlag.ABOVE_998, FunnelFlag.ABOVE_95, FunnelFlag.BELOW_998, FunnelFlag.BELOW_95]
    index = np.select(conditions, list(range(len(choices))), default=len(choices))
    flags = [(*choices, FunnelFlag.WITHIN)[int(i)] for i in index]
    return np.asarray(p_above, dtype=float), np.asarray(p_below, dtype=float), flags


def _estimate(count: int, population: int, per: int, lower: float, upper: float) -> RateEstimate:
    """A rate and its interval from a count, a population > 0 and the Poisson mean's limits."""
    return RateEstimate(
        count=count,
        population=population,
        per=per,
        rate=count / population * per,
        lower=lower / population * per,
        upper=upper / population * per,
    )


@attrs.frozen
class _Members:
    """Each practice's cluster, municipality and region, in the order of the practices.

    ``municipalities`` is ``None`` when the report has no municipal groups.
    """

    clusters: list[str]
    municipalities: list[str] | None
    regions: list[str]


def _most(counter: Counter[str]) -> str:
    """The name most practices have; ties by name, so reports do not vary."""
    return max(sorted(counter.items()), key=lambda item: item[1])[0]


def _groups(
    con: duckdb.DuckDBPyConnection,
    per: int,
    members: _Members,
    fees: list[Decimal],
) -> list[GroupMetric]:
    """Clusters, municipalities (if wanted), regions and the country, each sorted by name."""
    municipal = members.municipalities is not None
    if municipal:
        sets = "(cluster), (municipality), (region), ()"
        municipality = "GROUPING(municipality) AS no_municipality, municipality"
    else:
        sets, municipality = "(cluster), (region), ()", "1 AS no_municipality, NULL"
    rows = _execute(
        con,
        f"""
        SELECT GROUPING(cluster) AS no_cluster, GROUPING(region) AS no_region,
               {municipality}, cluster, region,
               count(*) AS practices, sum(n)::BIGINT AS total,
               sum(list_size)::BIGINT AS population,
               avg(n::DOUBLE * {per} / list_size) AS mean_rate,
               median(n::DOUBLE * {per} / list_size) AS median_rate
        FROM providers
        GROUP BY GROUPING SETS ({sets})
        """,
    ).fetchall()
    group_fees: dict[tuple[GroupLevel, str], Decimal] = defaultdict(Decimal)
    region_of: dict[tuple[GroupLevel, str], Counter[str]] = defaultdict(Counter)
    municipality_of: dict[str, Counter[str]] = defaultdict(Counter)
    municipalities = members.municipalities or [""] * len(members.clusters)
    for cluster, municipality, region, fee in zip(
        members.clusters, municipalities, members.regions, fees, strict=True
    ):
        group_fees[GroupLevel.CLUSTER, cluster] += fee
        group_fees[GroupLevel.REGION, region] += fee
        region_of[GroupLevel.CLUSTER, cluster][region] += 1
        if municipal:
            group_fees[GroupLevel.MUNICIPALITY, municipality] += fee
            region_of[GroupLevel.MUNICIPALITY, municipality][region] += 1
            municipality_of[cluster][municipality] += 1
    import numpy as np

    lowers, uppers = _poisson_bounds(np.array([row[7] for row in rows], dtype=np.int64))
    groups = []
    for i, row in enumerate(rows):
        no_cluster, no_region, no_municipality, municipality, cluster, region = row[:6]
        practices, total, population, mean, median = row[6:]
        in_municipality = ""
        if not no_cluster:
            level, name = GroupLevel.CLUSTER, str(cluster)
            in_region = _most(region_of[level, name])
            if municipal:
                in_municipality = _most(municipality_of[name])
        elif not no_municipality:
            level, name = GroupLevel.MUNICIPALITY, str(municipality)
            in_region, in_municipality = _most(region_of[level, name]), name
        elif not no_region:
            level, name, in_region = GroupLevel.REGION, str(region), str(region)
        else:
            level, name, in_region = GroupLevel.COUNTRY, COUNTRY_NAME, ""
        amount = sum(fees, Decimal(0)) if level is GroupLevel.COUNTRY else group_fees[level, name]
        groups.append(
            GroupMetric(
                level=level,
                name=name,
                region=in_region,
                practices=int(practices),
                pooled=_estimate(
                    int(total), int(population), per, float(lowers[i]), float(uppers[i])
                ),
                mean_rate=float(mean),
                median_rate=float(median),
                fees=amount.quantize(_CENT, ROUND_HALF_UP),
                municipality=in_municipality,
            )
        )
    order = {
        GroupLevel.CLUSTER: 0,
        GroupLevel.MUNICIPALITY: 1,
        GroupLevel.REGION: 2,
        GroupLevel.COUNTRY: 3,
    }
    return sorted(groups, key=lambda g: (order[g.level], g.name))


def _funnel(
    name: str,
    target: float,
    count: NDArray[np.int64],
    population: NDArray[np.int64],
    per: int,
    reference: ReferenceLevel,
    counted: str,
) -> FunnelData:
    """The funnel around the reference group ``name`` (a region or a municipality).

    Without a target there is no funnel: its ``note`` says so in Danish, for the slides and
    documents that would have shown it ("Ingen ydelser i regionen, …").
    """
    if target <= 0:
        return FunnelData(
            region=name,
            target_rate=0.0,
            per=per,
            curve=(),
            phi=None,
            limits_too_narrow=False,
            note=(
                f"Ingen {counted} i {reference.label.lower()}, så der er intet tragtdiagram "
                "at vise."
            ),
            reference=reference,
        )
    limits = statistics.funnel_curve(
        target, float(population.min()), float(population.max()), points=FUNNEL_POINTS, per=per
    )
    alert = limits.band(statistics.ALERT_LEVEL)
    alarm = limits.band(statistics.ALARM_LEVEL)
    curve = tuple(
        FunnelPoint(n, lo95, hi95, lo998, hi998)
        for n, lo95, hi95, lo998, hi998 in zip(
            limits.populations, alert.lower, alert.upper, alarm.lower, alarm.upper, strict=True
        )
    )
    spread = statistics.overdispersion(
        [int(c) for c in count], [float(n) for n in population], target, per=per
    )
    return FunnelData(
        region=name,
        target_rate=target,
        per=per,
        curve=curve,
        phi=spread.phi,
        limits_too_narrow=spread.limits_too_narrow,
        note=spread.explanation,
        reference=reference,
    )


# -- baseline versus follow-up -------------------------------------------------------------


def _changes(
    followup: _PeriodResult,
    baseline: _PeriodResult,
    reference: ReferenceLevel,
    counted: str = "ydelser",
) -> tuple[tuple[RateChange, ...], tuple[str, ...], tuple[str, ...], list[str]]:
    """Rate changes per practice, cluster, municipality, region and country; who came and went.

    Practices and clusters are set against the change of their ``reference`` group (region or
    municipality). The exact test is :func:`klyngepakke.metrics.statistics.rate_ratio` per
    unit (a loop: the exact two-sided binomial test does not vectorise simply). ``counted``
    names what is counted in the notes people read ("ydelser", "registreringer").
    """
    change = functools.partial(_change, counted=counted)
    notes: list[str] = []
    before = {p.provider_id: p for p in baseline.providers}
    after = {p.provider_id: p for p in followup.providers}
    joined = tuple(sorted(after.keys() - before.keys()))
    left = tuple(sorted(before.keys() - after.keys()))

    region_changes = {
        name: change(GroupLevel.REGION, name, b, a, None)
        for name, b, a in _matched(baseline.regions, followup.regions, "region", notes)
    }
    municipal_changes = {
        name: change(GroupLevel.MUNICIPALITY, name, b, a, None)
        for name, b, a in _matched(
            baseline.municipalities, followup.municipalities, "municipality", notes
        )
    }
    by_municipality = reference is ReferenceLevel.MUNICIPALITY
    reference_changes = municipal_changes if by_municipality else region_changes
    reference_ratio = {name: change.ratio for name, change in reference_changes.items()}

    def versus(group: str, ratio: float | None) -> float | None:
        own = reference_ratio.get(group)
        if ratio is None or own is None or own == 0:
            return None
        return ratio / own

    def home(group: ProviderMetric | GroupMetric) -> str:
        return group.municipality if by_municipality else group.region

    practices = [
        change(
            None,
            provider,
            before[provider].estimate,
            after[provider].estimate,
            home(after[provider]),
            versus,
        )
        for provider in sorted(after.keys() & before.keys())
    ]
    clusters = [
        change(GroupLevel.CLUSTER, name, b, a, home(group), versus)
        for name, b, a in _matched(baseline.clusters, followup.clusters, "cluster", notes)
        for group in [next(g for g in followup.clusters if g.name == name)]
    ]
    country = change(
        GroupLevel.COUNTRY, COUNTRY_NAME, baseline.country.pooled, followup.country.pooled, None
    )
    changes = (
        *practices,
        *clusters,
        *municipal_changes.values(),
        *region_changes.values(),
        country,
    )
    return changes, joined, left, notes


def _matched(
    baseline: Sequence[GroupMetric], followup: Sequence[GroupMetric], noun: str, notes: list[str]
) -> Iterator[tuple[str, RateEstimate, RateEstimate]]:
    before = {g.name: g for g in baseline}
    after = {g.name: g for g in followup}
    for name in sorted(after.keys() - before.keys()):
        notes.append(f"{noun} {name} has no practices in the baseline: no change to show")
    for name in sorted(before.keys() - after.keys()):
        notes.append(f"{noun} {name} has no practices in the follow-up: no change to show")
    for name in sorted(after.keys() & before.keys()):
        yield name, before[name].pooled, after[name].pooled


def _change(
    level: GroupLevel | None,
    name: str,
    baseline: RateEstimate,
    followup: RateEstimate,
    reference: str | None,
    versus: Callable[[str, float | None], float | None] | None = None,
    *,
    counted: str = "ydelser",
) -> RateChange:
    """The change of one unit; ``versus`` compares it with its ``reference`` group's."""
    ratio = statistics.rate_ratio(
        followup.count,
        followup.population,
        baseline.count,
        baseline.population,
        counted=counted,
    )
    return RateChange(
        level=level,
        name=name,
        baseline=baseline,
        followup=followup,
        ratio=ratio.ratio,
        lower=ratio.lower,
        upper=ratio.upper,
        p_value=ratio.p_value,
        versus_region=(
            None if versus is None or reference is None else versus(reference, ratio.ratio)
        ),
        note=ratio.note,
    )
