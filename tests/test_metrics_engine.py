"""The metrics engine on tiny canonical Parquet files, with every expectation worked by hand.

Ten practices in three clusters and two regions, one year (2024, 366 days):

========  =======  ======  ==========  =====  ========
provider  cluster  region  list size   count  per 1000
========  =======  ======  ==========  =====  ========
000101    K1       Nord    1000        10     10
000102    K1       Nord    2000        30     15
000103    K1       Nord    500         0      0
000201    K2       Nord    1000        5      5
000202    K2       Nord    4000        60     15
000203    K2       Nord    2500        25     10
000301    K3       Syd     2000        40     20
000302    K3       Syd     1000        0      0
000303    K3       Syd     3000        30     10
000304    K3       Syd     4000        200    50
========  =======  ======  ==========  =====  ========

000999 is in K1 but has no list size in 2024 (it closed): left out, with a note.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import sys
from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest

from klyngepakke.cli import main
from klyngepakke.conversion import dump, dumps, load
from klyngepakke.hookspecs import hookimpl
from klyngepakke.metrics import statistics
from klyngepakke.metrics.engine import BaselineInput, compute_metrics
from klyngepakke.metrics.results import (
    FunnelFlag,
    GroupLevel,
    MetricsReport,
    Period,
    RuleViolation,
)
from klyngepakke.model import BillingLimit, Fee, LimitPeriod, MetricDefinition, ServiceCode
from klyngepakke.service_data import (
    CANONICAL_COLUMNS,
    ServiceDataError,
    ServiceDataFile,
    ServiceDataKind,
    ServiceDataReader,
)
from klyngepakke.testing import registered_plugins

pytest.importorskip("duckdb")
pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

D = dt.date
YEAR = Period(D(2024, 1, 1), D(2024, 12, 31))
H1_DAYS, H2_DAYS = 182, 184  # 2024-01-01..06-30 and 07-01..12-31

SERVICE = ServiceCode(
    "0124",
    "Lægefaglig vurdering af patienter på kommunal akutfunktion",
    fees=(Fee(Decimal("100.00"), D(2024, 1, 1)), Fee(Decimal("150.00"), D(2024, 7, 1))),
    limits=(BillingLimit(2, LimitPeriod.DAY, per_patient=True),),
)
OTHER = ServiceCode("0101", "Konsultation", fees=(Fee(Decimal("150.00"), D(2020, 1, 1)),))
DEFINITION = MetricDefinition("0124_per_1000", "Ydelse 0124 pr. 1000 gruppe 1-sikrede", ("0124",))

MEMBERS = [
    ("000101", "K1", "Aalborg", "Nord"),
    ("000102", "K1", "Aalborg", "Nord"),
    ("000103", "K1", "Aalborg", "Nord"),
    ("000999", "K1", "Aalborg", "Nord"),
    ("000201", "K2", "Hjørring", "Nord"),
    ("000202", "K2", "Hjørring", "Nord"),
    ("000203", "K2", "Hjørring", "Nord"),
    ("000301", "K3", "Odense", "Syd"),
    ("000302", "K3", "Odense", "Syd"),
    ("000303", "K3", "Odense", "Syd"),
    ("000304", "K3", "Svendborg", "Syd"),
]
LISTS = {
    "000101": 1000,
    "000102": 2000,
    "000103": 500,
    "000201": 1000,
    "000202": 4000,
    "000203": 2500,
    "000301": 2000,
    "000302": 1000,
    "000303": 3000,
    "000304": 4000,
}
COUNTS = {
    "000101": 10,
    "000102": 30,
    "000103": 0,
    "000201": 5,
    "000202": 60,
    "000203": 25,
    "000301": 40,
    "000302": 0,
    "000303": 30,
    "000304": 200,
}
NORD = 130 / 11000 * 1000  # (10+30+0+5+60+25) / (1000+2000+500+1000+4000+2500)
SYD = 270 / 10000 * 1000


# -- writing canonical files ---------------------------------------------------------------

_ARROW = {"VARCHAR": "string", "DATE": "date32", "BIGINT": "int64", "UBIGINT": "uint64"}


def patient_key(pseudonym: str) -> int:
    """A 64-bit key for a test pseudonym, as a reader's keyed hash would give."""
    return int.from_bytes(hashlib.blake2b(pseudonym.encode(), digest_size=8).digest(), "big")


@pytest.fixture(params=["file order", "canonical order"])
def claims_order(request: pytest.FixtureRequest) -> str:
    """Claims as the test lists them (checked by grouping) or as readers write them."""
    return str(request.param)


@pytest.fixture
def write(tmp_path: Path, claims_order: str) -> Callable[..., ServiceDataFile]:
    """Write rows as a canonical Parquet file; the source is the name a region would use.

    Claims rows carry readable pseudonyms that become 64-bit keys here; in "canonical order"
    they are sorted as readers write them.
    """

    def write(kind: ServiceDataKind, rows: Sequence[Sequence[Any]], source: str) -> ServiceDataFile:
        columns = CANONICAL_COLUMNS[kind]
        if kind is ServiceDataKind.CLAIMS:
            rows = [(*row[:3], patient_key(row[3])) for row in rows]
            if claims_order == "canonical order":
                rows = sorted(rows, key=lambda r: (r[1], r[0], r[2], r[3]))
        schema = pa.schema([(name, getattr(pa, _ARROW[t])()) for name, t in columns.items()])
        values = list(zip(*rows, strict=True)) if rows else [()] * len(columns)
        table = pa.Table.from_arrays(
            [pa.array(list(v), f.type) for f, v in zip(schema, values, strict=True)], schema=schema
        )
        path = tmp_path / f"{Path(source).stem}-{kind.value}.parquet"
        pq.write_table(table, path)
        return ServiceDataFile(kind, path, source, len(rows))

    return write


def membership(write: Callable[..., ServiceDataFile], rows: Sequence[Any] = MEMBERS) -> Any:
    return write(ServiceDataKind.MEMBERSHIP, rows, "klynger.csv")


def list_sizes(
    write: Callable[..., ServiceDataFile],
    sizes: dict[str, int] = LISTS,
    period: Period = YEAR,
    source: str = "gruppe1.csv",
) -> ServiceDataFile:
    rows = [(p, period.start, period.end, n) for p, n in sizes.items()]
    return write(ServiceDataKind.LIST_SIZES, rows, source)


def counts_file(
    write: Callable[..., ServiceDataFile],
    counts: dict[str, int] = COUNTS,
    period: Period = YEAR,
    source: str = "ydelser.csv",
) -> ServiceDataFile:
    # 000103 has no row at all (extracts leave out zeros); 000302 has a row with 0; a row of
    # another service must not be counted.
    rows = [(p, "0124", period.start, period.end, n) for p, n in counts.items() if p != "000103"]
    rows.append(("000101", "0101", period.start, period.end, 999))
    return write(ServiceDataKind.COUNTS, rows, source)


# Claims: a provider's first n // 2 claims in the first half-year (fee 100), the rest in the
# second (fee 150), each by its own patient; then the deliberate cases below.
def claim_rows(counts: dict[str, int] = COUNTS) -> list[tuple[str, str, dt.date, str]]:
    rows = []
    for provider, n in counts.items():
        for i in range(n):
            start = D(2024, 1, 1) if i < n // 2 else D(2024, 7, 1)
            day = start + dt.timedelta(days=i % 150)
            rows.append((provider, "0124", day, f"pt-{provider}-{i:03d}"))
    # 000202: one patient three times on 5 March (one violation), another twice (allowed).
    # These replace three + two of its first-half claims, so its count stays 60.
    special = [("pt-secret-a", 3), ("pt-secret-b", 2)]
    index = 0
    for patient, times in special:
        for _ in range(times):
            position = next(
                k
                for k, r in enumerate(rows)
                if r[0] == "000202" and r[3] == f"pt-000202-{index:03d}"
            )
            rows[position] = ("000202", "0124", D(2024, 3, 5), patient)
            index += 1
    # One patient twice a day on two days at 000304, and twice + once at two practices on one
    # day: no violation (the limit is per practice and per day).
    for k, patient, provider, day in [
        (0, "pt-daily", "000304", D(2024, 2, 1)),
        (1, "pt-daily", "000304", D(2024, 2, 1)),
        (2, "pt-daily", "000304", D(2024, 2, 2)),
        (3, "pt-daily", "000304", D(2024, 2, 2)),
        (0, "pt-shared", "000301", D(2024, 5, 1)),
        (1, "pt-shared", "000301", D(2024, 5, 1)),
        (0, "pt-shared", "000303", D(2024, 5, 1)),
    ]:
        position = next(
            i for i, r in enumerate(rows) if r[0] == provider and r[3] == f"pt-{provider}-{k:03d}"
        )
        rows[position] = (provider, "0124", day, patient)
    # Outside the count: the year before, and another service (which sets the last day).
    rows.append(("000101", "0124", D(2023, 12, 31), "pt-old"))
    rows.append(("000101", "0101", D(2024, 12, 31), "pt-other-service"))
    return rows


def claims_file(write: Callable[..., ServiceDataFile], rows: Any = None) -> ServiceDataFile:
    return write(ServiceDataKind.CLAIMS, rows or claim_rows(), "kontakter.csv")


@pytest.fixture
def report(write: Callable[..., ServiceDataFile]) -> MetricsReport:
    return compute_metrics(
        DEFINITION,
        [SERVICE, OTHER],
        counts=counts_file(write),
        list_sizes=list_sizes(write),
        membership=membership(write),
    )


@pytest.fixture
def claims_report(write: Callable[..., ServiceDataFile]) -> MetricsReport:
    return compute_metrics(
        DEFINITION,
        [SERVICE],
        claims=claims_file(write),
        list_sizes=list_sizes(write),
        membership=membership(write),
    )


def provider(report: MetricsReport, provider_id: str) -> Any:
    return next(p for p in report.providers if p.provider_id == provider_id)


def group(report: MetricsReport, level: GroupLevel, name: str) -> Any:
    groups = {GroupLevel.CLUSTER: report.clusters, GroupLevel.REGION: report.regions}
    return next(g for g in groups.get(level, (report.country,)) if g.name == name)


# -- rates, pooled rates, intervals --------------------------------------------------------


def test_rates_per_practice(report: MetricsReport) -> None:
    assert report.period == YEAR
    assert [p.provider_id for p in report.providers] == sorted(LISTS)
    for practice in report.providers:
        expected = COUNTS[practice.provider_id] / LISTS[practice.provider_id] * 1000
        assert practice.estimate.count == COUNTS[practice.provider_id]
        assert practice.estimate.population == LISTS[practice.provider_id]
        assert practice.estimate.rate == pytest.approx(expected)
    assert provider(report, "000304").cluster == "K3"
    assert provider(report, "000304").municipality == "Svendborg"


def test_exact_intervals_are_garwood(report: MetricsReport) -> None:
    # Garwood 95 %: x = 10 -> (4.795, 18.390); x = 0 -> (0, 3.689); per 1000 of 1000 the same.
    p101 = provider(report, "000101").estimate
    assert (p101.lower, p101.upper) == pytest.approx((4.7954, 18.3904), abs=1e-4)
    p103 = provider(report, "000103").estimate  # 0 of 500: (0, 3.689 / 500 * 1000)
    assert (p103.lower, p103.upper) == pytest.approx((0.0, 7.3778), abs=1e-4)
    for practice in report.providers:  # the vectorised engine agrees with the statistics module
        e = practice.estimate
        assert (e.lower, e.upper) == pytest.approx(
            statistics.rate_interval(e.count, e.population), rel=1e-12
        )


def test_pooled_mean_and_median(report: MetricsReport) -> None:
    k1 = group(report, GroupLevel.CLUSTER, "K1")
    assert (k1.practices, k1.pooled.count, k1.pooled.population) == (3, 40, 3500)
    assert k1.pooled.rate == pytest.approx(40 / 3500 * 1000)  # 11.43, not the mean 8.33
    assert k1.mean_rate == pytest.approx((10 + 15 + 0) / 3)
    assert k1.median_rate == pytest.approx(10)
    assert k1.region == "Nord"
    k3 = group(report, GroupLevel.CLUSTER, "K3")
    assert k3.pooled.rate == pytest.approx(27.0)
    assert k3.mean_rate == pytest.approx((20 + 0 + 10 + 50) / 4)
    assert k3.median_rate == pytest.approx((10 + 20) / 2)  # even number: mean of the middle two
    nord = group(report, GroupLevel.REGION, "Nord")
    assert (nord.practices, nord.pooled.count, nord.pooled.population) == (6, 130, 11000)
    assert nord.pooled.rate == pytest.approx(NORD)
    assert nord.mean_rate == pytest.approx(55 / 6)
    assert nord.median_rate == pytest.approx(10)
    country = report.country
    assert (country.level, country.practices, country.pooled.count) == (
        GroupLevel.COUNTRY,
        10,
        400,
    )
    assert country.pooled.rate == pytest.approx(400 / 21000 * 1000)
    assert country.mean_rate == pytest.approx(13.5)
    assert country.median_rate == pytest.approx(10)
    assert (country.pooled.lower, country.pooled.upper) == pytest.approx(
        statistics.rate_interval(400, 21000)
    )
    assert [g.name for g in report.clusters] == ["K1", "K2", "K3"]
    assert [g.name for g in report.regions] == ["Nord", "Syd"]


def test_left_out_practice_is_noted(report: MetricsReport) -> None:
    assert "000999" not in {p.provider_id for p in report.providers}
    assert any("000999" in note and "left out" in note for note in report.notes)


# -- funnels -------------------------------------------------------------------------------


def test_funnel_target_is_the_pooled_region_rate(report: MetricsReport) -> None:
    nord, syd = report.funnels
    assert (nord.region, syd.region) == ("Nord", "Syd")
    assert nord.target_rate == pytest.approx(NORD)
    assert syd.target_rate == pytest.approx(SYD)
    # The curve spans the region's list sizes: Nord 500..4000.
    assert nord.curve[0].population == pytest.approx(500)
    assert nord.curve[-1].population == pytest.approx(4000)
    first = nord.curve[0]
    assert first.lower_998 <= first.lower_95 <= NORD <= first.upper_95 <= first.upper_998
    # The funnel narrows as the list grows.
    assert nord.curve[-1].upper_95 - nord.curve[-1].lower_95 < first.upper_95 - first.lower_95
    spread = statistics.overdispersion([40, 0, 30, 200], [2000, 1000, 3000, 4000], SYD)
    assert syd.phi == pytest.approx(spread.phi)
    assert syd.limits_too_narrow is spread.limits_too_narrow is True


def test_classification_by_exact_tails(report: MetricsReport) -> None:
    flags = {p.provider_id: p.flag for p in report.providers}
    assert flags == {
        "000101": FunnelFlag.WITHIN,
        "000102": FunnelFlag.WITHIN,
        "000103": FunnelFlag.BELOW_95,  # P(X <= 0) = e^-5.909 = 0.0027
        "000201": FunnelFlag.BELOW_95,  # P(X <= 5 | 11.82) = 0.0228
        "000202": FunnelFlag.WITHIN,  # P(X >= 60 | 47.27) = 0.0416
        "000203": FunnelFlag.WITHIN,
        "000301": FunnelFlag.WITHIN,  # P(X <= 40 | 54) = 0.0288
        "000302": FunnelFlag.BELOW_998,  # e^-27
        "000303": FunnelFlag.BELOW_998,
        "000304": FunnelFlag.ABOVE_998,  # 200 where 108 are expected
    }
    mu = NORD / 1000 * 500
    assert provider(report, "000103").p_below == pytest.approx(math.exp(-mu))
    mu = NORD / 1000 * 1000
    by_hand = sum(math.exp(-mu) * mu**k / math.factorial(k) for k in range(6))
    assert provider(report, "000201").p_below == pytest.approx(by_hand)
    assert provider(report, "000201").p_above == pytest.approx(1 - by_hand + _pmf(5, mu))
    for practice in report.providers:
        target = NORD if practice.region == "Nord" else SYD
        e = practice.estimate
        single = statistics.classify(e.count, e.population, target)
        assert (practice.flag, practice.p_above, practice.p_below) == (
            single.flag,
            pytest.approx(single.p_above, rel=1e-9),
            pytest.approx(single.p_below, rel=1e-9),
        )


def _pmf(k: int, mu: float) -> float:
    return math.exp(-mu) * mu**k / math.factorial(k)


# -- fees ----------------------------------------------------------------------------------


def test_fees_on_counts_are_prorated_when_the_fee_changes(report: MetricsReport) -> None:
    # 100 kr. for 182 days, 150 kr. for 184 days: 45,800 / 366 = 125.1366 kr. per service.
    unit = (Decimal(100) * H1_DAYS + Decimal(150) * H2_DAYS) / 366
    assert provider(report, "000101").fees == (unit * 10).quantize(Decimal("0.01"))
    assert provider(report, "000101").fees == Decimal("1251.37")
    assert provider(report, "000103").fees == Decimal("0.00")
    # A group's fees are the sum of its practices' (in øre), so tables add up.
    k1 = group(report, GroupLevel.CLUSTER, "K1")
    assert k1.fees == Decimal("1251.37") + Decimal("3754.10")
    assert report.country.fees == sum((p.fees for p in report.providers), Decimal(0))
    assert report.country.fees == Decimal("50054.65")
    assert any("2024-07-01" in n and "prorated" in n for n in report.notes)


def test_fees_on_claims_use_the_fee_of_each_day(claims_report: MetricsReport) -> None:
    # n // 2 claims at 100 kr., the rest at 150 kr.
    expected = {p: Decimal(100 * (n // 2) + 150 * (n - n // 2)) for p, n in COUNTS.items()}
    assert {p.provider_id: p.fees for p in claims_report.providers} == expected
    assert provider(claims_report, "000203").fees == Decimal("3150.00")  # 12 x 100 + 13 x 150
    assert claims_report.country.fees == Decimal("50050.00")


def test_claims_before_the_first_fee_carry_none(write: Callable[..., ServiceDataFile]) -> None:
    service = attrs.evolve(SERVICE, fees=(Fee(Decimal("173.06"), D(2024, 4, 1)),))
    rows = [
        ("000101", "0124", D(2024, 3, 31), "pt-1"),
        ("000101", "0124", D(2024, 4, 1), "pt-2"),
        ("000101", "0124", D(2024, 12, 31), "pt-3"),
    ]
    result = compute_metrics(
        DEFINITION,
        [service],
        claims=claims_file(write, rows),
        list_sizes=list_sizes(write, {"000101": 1000}),
        membership=membership(write, MEMBERS[:1]),
    )
    assert provider(result, "000101").fees == Decimal("346.12")  # 2 x 173.06
    assert any("1 claims of 0124 fall before its first known fee" in n for n in result.notes)


# -- claims: period and the twice-a-day rule -----------------------------------------------


def test_claims_count_the_last_twelve_months(claims_report: MetricsReport) -> None:
    # The latest day in the file is 2024-12-31, so the period is 2024; the 2023 claim and
    # the other service's claim are not counted.
    assert claims_report.period == YEAR
    assert {p.provider_id: p.estimate.count for p in claims_report.providers} == COUNTS


def test_twice_a_day_rule(claims_report: MetricsReport) -> None:
    assert claims_report.violations == (RuleViolation("000202", D(2024, 3, 5), "0124", 3, 2),)


def test_the_rule_uses_the_canonical_order_and_checks_it(
    write: Callable[..., ServiceDataFile], claims_order: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from klyngepakke.metrics import engine

    grouped = engine._grouped_runs
    used = []

    def spy(*args: Any) -> Any:
        used.append("grouped")
        return grouped(*args)

    monkeypatch.setattr(engine, "_grouped_runs", spy)
    monkeypatch.setattr(engine, "_RUN_BATCH_ROWS", 7)  # runs straddle batches
    report = compute_metrics(
        DEFINITION,
        [SERVICE],
        claims=claims_file(write),
        list_sizes=list_sizes(write),
        membership=membership(write),
    )
    assert report.violations == (RuleViolation("000202", D(2024, 3, 5), "0124", 3, 2),)
    assert used == ([] if claims_order == "canonical order" else ["grouped"])


def test_canonical_claims_are_counted_in_the_rule_pass(
    write: Callable[..., ServiceDataFile], claims_order: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One read of a canonical file counts and checks; any other file is read twice."""
    from klyngepakke.metrics import engine

    separate = engine._count_claims
    used = []

    def spy(*args: Any) -> Any:
        used.append("separate")
        return separate(*args)

    monkeypatch.setattr(engine, "_count_claims", spy)
    monkeypatch.setattr(engine, "_RUN_BATCH_ROWS", 5)  # runs and practices straddle batches
    report = compute_metrics(
        DEFINITION,
        [SERVICE],
        claims=claims_file(write),
        list_sizes=list_sizes(write),
        membership=membership(write),
    )
    assert used == ([] if claims_order == "canonical order" else ["separate"])
    assert {p.provider_id: p.estimate.count for p in report.providers} == COUNTS
    assert report.violations == (RuleViolation("000202", D(2024, 3, 5), "0124", 3, 2),)
    without = compute_metrics(
        DEFINITION,
        [SERVICE],
        claims=claims_file(write),
        list_sizes=list_sizes(write),
        membership=membership(write),
        check_limits=False,
    )
    assert [p.fees for p in report.providers] == [p.fees for p in without.providers]
    assert [p.fees for p in report.providers] == [
        p.fees
        for p in compute_metrics(
            DEFINITION,
            [SERVICE],
            claims=claims_file(write, list(reversed(claim_rows()))),
            list_sizes=list_sizes(write),
            membership=membership(write),
        ).providers
    ]


@pytest.mark.parametrize("batch", [1, 2, 3, 5, 1000])
def test_sorted_runs_equal_grouped_runs(
    tmp_path: Path, batch: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    import random

    import duckdb

    from klyngepakke.metrics import engine

    rng = random.Random(batch)
    rows = sorted(
        (
            rng.choice("ab"),
            rng.choice(["000101", "000102"]),
            D(2024, 1, rng.randint(1, 3)),
            rng.randint(1, 4),
        )
        for _ in range(300)
    )  # (service, provider, day, patient): canonical order
    table = pa.table(
        {
            "provider_id": [r[1] for r in rows],
            "service_code": [r[0] for r in rows],
            "day": pa.array([r[2] for r in rows], pa.date32()),
            "patient": pa.array([r[3] for r in rows], pa.uint64()),
        }
    )
    path = tmp_path / "claims.parquet"
    pq.write_table(table, path)
    limits = {"a": 2, "b": 5}
    con = duckdb.connect()
    source = f"read_parquet('{path}') WHERE service_code IN ('a', 'b')"
    pairs = f"SELECT DISTINCT provider_id, service_code FROM {source}"
    con.execute(f"CREATE TEMP TABLE counted_detail AS {pairs}")
    monkeypatch.setattr(engine, "_RUN_BATCH_ROWS", batch)
    sorted_runs = engine._sorted_runs(con, source, limits)
    assert sorted_runs is not None
    assert sorted(sorted_runs) == sorted(engine._grouped_runs(con, source, limits))
    assert sorted_runs  # the draw has runs over both limits


def test_no_patient_pseudonym_in_any_output(
    claims_report: MetricsReport, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pseudonyms = {row[3] for row in claim_rows()}
    texts = [dumps(claims_report, "json"), dumps(claims_report, "yaml")]
    assert all(p not in text for p in pseudonyms for text in texts)
    assert "pt-" not in texts[0]


# -- baseline versus follow-up -------------------------------------------------------------

BASELINE_YEAR = Period(D(2023, 1, 1), D(2023, 12, 31))
BASELINE_COUNTS = {
    "000102": 15,
    "000103": 0,
    "000201": 5,
    "000202": 30,
    "000203": 25,
    "000301": 40,
    "000302": 0,
    "000303": 30,
    "000304": 100,
    "000999": 8,
}
BASELINE_LISTS = {**{p: n for p, n in LISTS.items() if p != "000101"}, "000999": 1000}


@pytest.fixture
def followup(write: Callable[..., ServiceDataFile]) -> MetricsReport:
    baseline = BaselineInput(
        counts=counts_file(write, BASELINE_COUNTS, BASELINE_YEAR, "ydelser-2023.csv"),
        list_sizes=list_sizes(write, BASELINE_LISTS, BASELINE_YEAR, "gruppe1-2023.csv"),
    )
    return compute_metrics(
        DEFINITION,
        [SERVICE],
        counts=counts_file(write),
        list_sizes=list_sizes(write),
        membership=membership(write),
        baseline=baseline,
    )


def test_joined_and_left(followup: MetricsReport) -> None:
    assert followup.baseline_period == BASELINE_YEAR
    assert followup.joined == ("000101",)
    assert followup.left == ("000999",)
    assert {p.provider_id for p in followup.baseline_providers} == set(BASELINE_LISTS)


def test_rate_changes(followup: MetricsReport) -> None:
    changes = {(c.level, c.name): c for c in followup.changes}
    nord_ratio = 130 / 83  # both 11,000 patients: 130 services now, 83 then
    syd_ratio = 270 / 170
    assert changes[(GroupLevel.REGION, "Nord")].ratio == pytest.approx(nord_ratio)
    assert changes[(GroupLevel.REGION, "Syd")].ratio == pytest.approx(syd_ratio)
    assert changes[(GroupLevel.COUNTRY, "Hele landet")].ratio == pytest.approx(400 / 253)
    p102 = changes[(None, "000102")]  # 15 -> 30 of 2000: doubled
    assert p102.ratio == pytest.approx(2.0)
    assert p102.versus_region == pytest.approx(2.0 / nord_ratio)
    expected = statistics.rate_ratio(30, 2000, 15, 2000)
    assert (p102.lower, p102.upper, p102.p_value) == pytest.approx(
        (expected.lower, expected.upper, expected.p_value)
    )
    assert changes[(None, "000304")].versus_region == pytest.approx(2.0 / syd_ratio)
    k1 = changes[(GroupLevel.CLUSTER, "K1")]  # 23 of 3500 (with 000999) -> 40 of 3500
    assert (k1.baseline.count, k1.followup.count) == (23, 40)
    assert k1.ratio == pytest.approx(40 / 23)
    assert k1.versus_region == pytest.approx((40 / 23) / nord_ratio)
    none = changes[(None, "000103")]
    assert (none.ratio, none.versus_region) == (None, None)
    assert "ingen ydelser i nogen af perioderne" in none.note
    assert (None, "000101") not in changes
    assert (None, "000999") not in changes


# -- errors --------------------------------------------------------------------------------


def test_provider_without_membership(write: Callable[..., ServiceDataFile]) -> None:
    with pytest.raises(ServiceDataError) as error:
        compute_metrics(
            DEFINITION,
            [SERVICE],
            claims=claims_file(write, [*claim_rows(), ("000777", "0124", D(2024, 6, 1), "pt-x")]),
            list_sizes=list_sizes(write, {**LISTS, "000777": 900}),
            membership=membership(write),
        )
    message = str(error.value)
    assert "kontakter.csv" in message
    assert "klynger.csv" in message
    assert "000777" in message
    assert "pt-" not in message


def test_zero_list_size(write: Callable[..., ServiceDataFile]) -> None:
    with pytest.raises(ServiceDataError, match=r"gruppe1\.csv.*000201") as error:
        compute_metrics(
            DEFINITION,
            [SERVICE],
            counts=counts_file(write),
            list_sizes=list_sizes(write, {**LISTS, "000201": 0}),
            membership=membership(write),
        )
    assert "000202" not in str(error.value)


def test_missing_list_size(write: Callable[..., ServiceDataFile]) -> None:
    sizes = {p: n for p, n in LISTS.items() if p != "000304"}
    with pytest.raises(ServiceDataError, match=r"gruppe1\.csv.*000304"):
        compute_metrics(
            DEFINITION,
            [SERVICE],
            counts=counts_file(write),
            list_sizes=list_sizes(write, sizes),
            membership=membership(write),
        )


def test_service_code_not_given(write: Callable[..., ServiceDataFile]) -> None:
    with pytest.raises(ServiceDataError, match="0124"):
        compute_metrics(
            DEFINITION,
            [OTHER],
            counts=counts_file(write),
            list_sizes=list_sizes(write),
            membership=membership(write),
        )


def test_counts_in_several_periods(write: Callable[..., ServiceDataFile]) -> None:
    # Quarters of one provider, months of another: together one period, the first half-year.
    q1 = Period(D(2024, 1, 1), D(2024, 3, 31))
    q2 = Period(D(2024, 4, 1), D(2024, 6, 30))
    rows = [
        ("000101", "0124", q1.start, q1.end, 4),
        ("000101", "0124", q2.start, q2.end, 6),
        *(
            ("000102", "0124", D(2024, m, 1), D(2024, m + 1, 1) - dt.timedelta(days=1), 1)
            for m in range(1, 7)
        ),
    ]
    arguments: dict[str, Any] = {
        "counts": write(ServiceDataKind.COUNTS, rows, "kvartaler.csv"),
        "list_sizes": list_sizes(write, {"000101": 1000, "000102": 2000}),
        "membership": membership(write, MEMBERS[:2]),
    }
    result = compute_metrics(DEFINITION, [SERVICE], **arguments)
    assert result.period == Period(D(2024, 1, 1), D(2024, 6, 30))
    assert provider(result, "000101").estimate.count == 10
    assert provider(result, "000102").estimate.count == 6
    assert any("is not the 12 months" in note for note in result.notes)
    # Given a period, rows inside it count; a row across its edge cannot be split.
    result = compute_metrics(DEFINITION, [SERVICE], period=q2, **arguments)
    assert provider(result, "000101").estimate.count == 6
    with pytest.raises(ServiceDataError, match=r"kvartaler\.csv: rows for .* cross the edge"):
        compute_metrics(
            DEFINITION, [SERVICE], period=Period(D(2024, 2, 1), D(2024, 6, 30)), **arguments
        )
    # A year with only the first half-year in the file: a note, not an error.
    result = compute_metrics(DEFINITION, [SERVICE], period=YEAR, **arguments)
    assert any("no rows for 2024-07-01 to 2024-12-31" in note for note in result.notes)


def test_counts_with_overlapping_or_missing_periods(
    write: Callable[..., ServiceDataFile],
) -> None:
    arguments: dict[str, Any] = {
        "list_sizes": list_sizes(write, {"000101": 1000}),
        "membership": membership(write, MEMBERS[:1]),
    }
    overlapping = [
        ("000101", "0124", D(2024, 1, 1), D(2024, 12, 31), 10),
        ("000101", "0124", D(2024, 3, 1), D(2024, 3, 31), 2),
    ]
    counts = write(ServiceDataKind.COUNTS, overlapping, "blandet.csv")
    with pytest.raises(ServiceDataError, match=r"blandet\.csv: .*overlap.*000101 0124 from 2024-0"):
        compute_metrics(DEFINITION, [SERVICE], counts=counts, **arguments)
    gap = [
        ("000101", "0124", D(2024, 1, 1), D(2024, 3, 31), 10),
        ("000101", "0124", D(2024, 7, 1), D(2024, 9, 30), 2),
    ]
    counts = write(ServiceDataKind.COUNTS, gap, "huller.csv")
    with pytest.raises(ServiceDataError, match=r"huller\.csv: no rows .* 2024-04-01 to 2024-06-30"):
        compute_metrics(DEFINITION, [SERVICE], counts=counts, **arguments)


def test_list_size_weighted_by_days(write: Callable[..., ServiceDataFile]) -> None:
    # 3000 for the first half-year (182 days), 5000 for the second (184 days):
    # (3000 x 182 + 5000 x 184) / 366 = 4005.46 -> 4005. A row before the period is ignored.
    rows = [
        ("000101", D(2023, 1, 1), D(2023, 12, 31), 9999),
        ("000101", D(2024, 1, 1), D(2024, 6, 30), 3000),
        ("000101", D(2024, 7, 1), D(2024, 12, 31), 5000),
        ("000102", D(2023, 1, 1), D(2023, 12, 31), 2000),  # nothing in 2024: the nearest
    ]
    result = compute_metrics(
        DEFINITION,
        [SERVICE],
        counts=counts_file(write, {"000101": 10, "000102": 1}),
        list_sizes=write(ServiceDataKind.LIST_SIZES, rows, "gruppe1.csv"),
        membership=membership(write, MEMBERS[:2]),
    )
    assert provider(result, "000101").estimate.population == 4005
    assert provider(result, "000102").estimate.population == 2000
    assert any("nearest list size" in n and "000102" in n for n in result.notes)


def test_region_without_services(write: Callable[..., ServiceDataFile]) -> None:
    # Syd bills nothing: its target is 0, there is no funnel to draw, nobody is flagged.
    counts = {p: (0 if p.startswith("0003") else n) for p, n in COUNTS.items()}
    result = compute_metrics(
        DEFINITION,
        [SERVICE],
        counts=counts_file(write, counts),
        list_sizes=list_sizes(write),
        membership=membership(write),
    )
    syd = next(f for f in result.funnels if f.region == "Syd")
    assert (syd.target_rate, syd.curve, syd.phi) == (0.0, (), None)
    assert syd.note == "Ingen ydelser i regionen, så der er intet tragtdiagram at vise."
    south = [p for p in result.providers if p.region == "Syd"]
    assert {(p.flag, p.p_above, p.p_below) for p in south} == {(FunnelFlag.WITHIN, 1.0, 1.0)}
    assert group(result, GroupLevel.REGION, "Syd").pooled.rate == 0.0


def test_synthetic_is_detected_from_the_file_name(write: Callable[..., ServiceDataFile]) -> None:
    result = compute_metrics(
        DEFINITION,
        [SERVICE],
        counts=counts_file(write, source="ydelser-syntetisk.csv"),
        list_sizes=list_sizes(write),
        membership=membership(write),
    )
    assert result.synthetic is True


def test_report_is_not_synthetic(report: MetricsReport) -> None:
    assert report.synthetic is False


def test_report_round_trips(report: MetricsReport, tmp_path: Path) -> None:
    path = dump(report, tmp_path / "rapport.json")
    assert load(path) == report


# -- the CLI -------------------------------------------------------------------------------


class CanonicalParquetReader(ServiceDataReader):
    """Hands canonical Parquet files over as they are (what a Parquet reader may do)."""

    name = "canonical"
    suffixes = (".parquet",)
    kinds = tuple(ServiceDataKind)

    def read(self, source: Path, kind: ServiceDataKind, workdir: Path, options: Any) -> Any:
        return ServiceDataFile(kind, source, source.name, 0)


class ReaderPlugin:
    @hookimpl
    def register_service_data_readers(self, register: Callable[[ServiceDataReader], None]) -> None:
        register(CanonicalParquetReader())


@pytest.fixture
def package_file(package: Any, tmp_path: Path) -> Path:
    path = tmp_path / "pakke.yaml"
    dump(attrs.evolve(package, service_codes=(SERVICE,), metrics=(DEFINITION,)), path)
    return path


def test_cli_compute_report(
    write: Callable[..., ServiceDataFile],
    package_file: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    files = [claims_file(write), list_sizes(write), membership(write)]
    output = tmp_path / "metrics.json"
    arguments = [
        "metrics",
        "compute",
        "--claims",
        *("--services", str(files[0].path), "--lists", str(files[1].path)),
        *("--members", str(files[2].path), "--package", str(package_file)),
        *("-o", str(output)),
    ]
    with registered_plugins(ReaderPlugin()):
        assert main(arguments) == 0
    printed = capsys.readouterr()
    result = load(output)
    assert isinstance(result, MetricsReport)
    assert result.violations == (RuleViolation("000202", D(2024, 3, 5), "0124", 3, 2),)
    assert {p.provider_id: p.estimate.count for p in result.providers} == COUNTS
    assert "K1" in printed.out
    assert "11,4" in printed.out
    assert "Hele landet" in printed.out
    assert "50.050,00 kr." in printed.out
    header = (
        "Praksis  Ydelser  Gruppe 1-sikrede  Pr. 1000  95 %-interval  Gennemsnit  Median  Honorar"
    )
    assert header in printed.out
    assert "uden for 95 %-grænserne omkring regionens niveau\n" in printed.out
    assert "Kommunen" not in printed.out
    text = output.read_text(encoding="utf-8") + printed.out + printed.err
    assert "pt-" not in text
    with registered_plugins(ReaderPlugin()):
        assert main(arguments) == 1  # exists: not replaced without --force
        assert main([*arguments, "--force"]) == 0


def test_cli_cluster_view(
    write: Callable[..., ServiceDataFile],
    package_file: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    pytest.importorskip("klyngepakke.metrics.privacy")
    files = [counts_file(write), list_sizes(write), membership(write)]
    output = tmp_path / "k3.yaml"
    mapping = tmp_path / "noegle.csv"
    with registered_plugins(ReaderPlugin()):
        code = main(
            [
                "metrics",
                "compute",
                *("--services", str(files[0].path), "--lists", str(files[1].path)),
                *("--members", str(files[2].path), "--package", str(package_file)),
                *("--cluster", "K3", "--mapping", str(mapping), "-o", str(output)),
            ]
        )
    assert code == 0
    printed = capsys.readouterr().out
    view = load(output)
    assert view.cluster == "K3"
    assert len(view.practices) == 4
    assert all(p.pseudonym.startswith("Praksis ") for p in view.practices)
    assert "Praksis A" in printed
    assert "Syd" in printed
    text = output.read_text(encoding="utf-8") + printed
    assert not any(p in text for p in LISTS)  # no provider number in the view
    assert "000304" in mapping.read_text(encoding="utf-8")


def test_cli_errors(
    write: Callable[..., ServiceDataFile],
    package_file: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    files = [counts_file(write), list_sizes(write, {**LISTS, "000201": 0}), membership(write)]
    base = [
        "metrics",
        "compute",
        *("--services", str(files[0].path), "--lists", str(files[1].path)),
        *("--members", str(files[2].path)),
        *("-o", str(tmp_path / "out.json")),
    ]
    with registered_plugins(ReaderPlugin()):
        assert main([*base, "--package", str(package_file)]) == 1
        assert "000201" in capsys.readouterr().err
        with pytest.raises(SystemExit) as usage:  # no topic installed, none given
            main(base)
        assert usage.value.code == 2
        assert "--topic" in capsys.readouterr().err
    with registered_plugins():  # no reader for .parquet
        assert main([*base, "--package", str(package_file)]) == 1
        assert "no service-data reader" in capsys.readouterr().err


def test_cli_synthetic(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "syntetisk"
    arguments = ["metrics", "synthetic", "--out", str(folder), "--providers", "98"]
    assert main([*arguments, "--format", "parquet", "--claims", "2000", "--seed", "3"]) == 0
    printed = capsys.readouterr().out
    assert "Syntetiske ydelsesdata" in printed
    written = sorted(p.name for p in folder.iterdir())
    assert all("syntetisk" in name for name in written)
    assert len(written) == 5

    def canonical(kind: ServiceDataKind, pattern: str) -> ServiceDataFile:
        path = next(folder.glob(pattern))
        return ServiceDataFile(kind, path, path.name, 0)

    result = compute_metrics(
        DEFINITION,
        [SERVICE],
        claims=canonical(ServiceDataKind.CLAIMS, "*pr-kontakt*.parquet"),
        list_sizes=canonical(ServiceDataKind.LIST_SIZES, "gruppe1*.parquet"),
        membership=canonical(ServiceDataKind.MEMBERSHIP, "klynge*.parquet"),
    )
    assert result.synthetic is True
    assert result.country.pooled.count == 2000
    assert result.country.practices == 98
    assert json.loads(dumps(result, "json"))["synthetic"] is True


def test_cli_baseline_cluster_view_and_mapping(
    write: Callable[..., ServiceDataFile],
    package_file: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    pytest.importorskip("klyngepakke.metrics.privacy")
    now = [counts_file(write), list_sizes(write), membership(write)]
    then = [
        counts_file(write, BASELINE_COUNTS, BASELINE_YEAR, "ydelser-2023.csv"),
        list_sizes(write, BASELINE_LISTS, BASELINE_YEAR, "gruppe1-2023.csv"),
    ]
    mapping = tmp_path / "noegle.csv"
    base = [
        "metrics",
        "compute",
        *("--services", str(now[0].path), "--lists", str(now[1].path)),
        *("--members", str(now[2].path), "--package", str(package_file)),
        *("--baseline-services", str(then[0].path), "--baseline-lists", str(then[1].path)),
        *("--period", "2024-01-01:2024-12-31", "--baseline-period", "2023-01-01:2023-12-31"),
        *("--metric", DEFINITION.id),
    ]
    with registered_plugins(ReaderPlugin()):
        assert main([*base, "-o", str(tmp_path / "alle.json")]) == 0
        printed = capsys.readouterr().out
        assert "Rateratio" in printed
        assert "1 praksis er kommet til, 1 er ophørt" in printed
        view_args = [*base, "--cluster", "K1", "--threshold", "3", "-o", str(tmp_path / "k1.json")]
        assert main([*view_args, "--mapping", str(mapping)]) == 0
        printed = capsys.readouterr().out
        assert "Ændring siden 1. januar 2023" in printed
        assert "  I forhold til regionen\n" in printed
        assert "Ydelser  Gruppe 1-sikrede" in printed
        assert "Kommunen" not in printed
        first = load(tmp_path / "k1.json")
        assert first.suppression_threshold == 3
        assert first.baseline_period == BASELINE_YEAR
        # The coordinator's mapping from this round keeps the letters in the next.
        again = [*view_args, "--previous-mapping", str(mapping), "--force"]
        assert main(again) == 0
        assert load(tmp_path / "k1.json").practices == first.practices
    assert "000101" in mapping.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--threshold", "3"], "need --cluster"),
        (["--baseline-services", "x.parquet"], "needs both"),
        (["--baseline-period", "2023-01-01:2023-12-31"], "need --baseline-services"),
        (["--period", "2024"], "is not START:END"),
        (["--period", "2024-12-31:2024-01-01"], "ends before it starts"),
        (["--period", "2024-13-01:2024-12-31"], "is not like"),
        (["--metric", "nope"], "0124_per_1000"),
        (["--reader", "canonical", "-o", "out.txt"], "unknown file type"),
    ],
)
def test_cli_usage_errors(
    extra: list[str],
    message: str,
    package_file: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    files = [tmp_path / name for name in ("a.parquet", "b.parquet", "c.parquet")]
    arguments = [
        "metrics",
        "compute",
        *("--services", str(files[0]), "--lists", str(files[1]), "--members", str(files[2])),
        *("--package", str(package_file), "-o", str(tmp_path / "out.json"), *extra),
    ]
    with registered_plugins(ReaderPlugin()), pytest.raises(SystemExit) as exit_:
        main(arguments)
    assert exit_.value.code == 2
    assert message in capsys.readouterr().err


def test_cli_reader_choice(
    write: Callable[..., ServiceDataFile],
    package_file: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    files = [counts_file(write), list_sizes(write), membership(write)]
    arguments = [
        "metrics",
        "compute",
        *("--services", str(files[0].path), "--lists", str(files[1].path)),
        *("--members", str(files[2].path), "--package", str(package_file)),
        *("-o", str(tmp_path / "out.yaml")),
    ]
    with registered_plugins(ReaderPlugin()):
        assert main([*arguments, "--reader", "canonical", "--option", "separator=;"]) == 0
        capsys.readouterr()
        assert main([*arguments, "--reader", "nope", "--force"]) == 1
        assert "unknown service-data reader 'nope'" in capsys.readouterr().err
        missing = [*arguments, "--force"]
        missing[3] = str(tmp_path / "findes-ikke.parquet")
        assert main(missing) == 1
        assert "findes-ikke.parquet: no such file" in capsys.readouterr().err


def test_missing_extra(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from klyngepakke.metrics.engine import MissingExtraError, require_metrics_extra

    monkeypatch.setitem(sys.modules, "duckdb", None)  # import duckdb now fails
    with pytest.raises(MissingExtraError, match=r"pip install 'klyngepakke\[metrics\]'"):
        require_metrics_extra()
    assert main(["metrics", "synthetic", "--out", "unused"]) == 1
    assert "pip install 'klyngepakke[metrics]'" in capsys.readouterr().err


def test_wrong_kind_and_missing_column(write: Callable[..., ServiceDataFile]) -> None:
    lists = list_sizes(write)
    with pytest.raises(ServiceDataError, match=r"gruppe1\.csv: holds list_sizes"):
        compute_metrics(DEFINITION, [SERVICE], counts=lists, list_sizes=lists, membership=lists)
    members = membership(write)
    no_region = pa.table({"provider_id": ["000101"], "cluster": ["K1"], "municipality": ["X"]})
    pq.write_table(no_region, members.path)
    with pytest.raises(ServiceDataError, match=r"klynger\.csv: column 'region' is missing"):
        compute_metrics(
            DEFINITION, [SERVICE], counts=counts_file(write), list_sizes=lists, membership=members
        )


def test_provider_in_two_clusters(write: Callable[..., ServiceDataFile]) -> None:
    rows = [*MEMBERS, ("000101", "K2", "Hjørring", "Nord")]
    with pytest.raises(
        ServiceDataError, match=r"klynger\.csv: providers listed more than once: 000101"
    ):
        compute_metrics(
            DEFINITION,
            [SERVICE],
            counts=counts_file(write),
            list_sizes=list_sizes(write),
            membership=membership(write, rows),
        )
