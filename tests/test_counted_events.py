"""Metrics that count something other than a fee-schedule service, compared by municipality.

A counted event (here ``HFOR``, referrals to a municipal prevention offer, counted by the
municipality) has no fee and no billing limit; the metric compares each practice with its
municipality instead of its region. Thirteen practices in four clusters, four municipalities
and two regions, one year (2024); every expectation is worked by hand:

========  =======  =========  ======  =========  ====  ========
provider  cluster  municip.   region  list size  HFOR  per 1000
========  =======  =========  ======  =========  ====  ========
000101    K1       Aalborg    Nord    1000       10    10
000102    K1       Aalborg    Nord    2000       30    15
000103    K1       Aalborg    Nord    500        0     0
000201    K2       Aalborg    Nord    1000       5     5
000202    K2       Hjørring   Nord    4000       60    15
000203    K2       Hjørring   Nord    2500       25    10
000401    K4       Aalborg    Nord    3000       30    10
000402    K4       Hjørring   Nord    3000       33    11
000403    K4       Hjørring   Nord    2000       20    10
000301    K3       Odense     Syd     2000       40    20
000302    K3       Odense     Syd     1000       0     0
000303    K3       Odense     Syd     3000       30    10
000304    K3       Svendborg  Syd     4000       200   50
========  =======  =========  ======  =========  ====  ========

Municipalities (pooled): Aalborg 75 / 7500 = 10 per 1000, Hjørring 138 / 11500 = 12, Odense
70 / 6000, Svendborg 200 / 4000 = 50. The counts file also holds service 0124, which the
metric must not count.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from klyngepakke.bundle import MeetingBundle
from klyngepakke.cli import main
from klyngepakke.conversion import dumps, loads
from klyngepakke.errors import ModelError
from klyngepakke.hookspecs import hookimpl
from klyngepakke.metrics import statistics
from klyngepakke.metrics.engine import BaselineInput, compute_metrics
from klyngepakke.metrics.privacy import cluster_view, pseudonym_mapping
from klyngepakke.metrics.results import (
    ClusterView,
    FunnelData,
    FunnelFlag,
    FunnelPoint,
    GroupLevel,
    GroupMetric,
    MetricsReport,
    Period,
    ProviderMetric,
    RateEstimate,
)
from klyngepakke.model import (
    ClusterPackage,
    CountedEvent,
    Fee,
    MetricDefinition,
    ReferenceLevel,
    ServiceCode,
)
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
BASELINE_YEAR = Period(D(2023, 1, 1), D(2023, 12, 31))

EVENT = CountedEvent("HFOR", "Henvisning til kommunalt forebyggelsestilbud", "Kommunen")
SERVICE = ServiceCode("0124", "Lægefaglig vurdering", fees=(Fee(Decimal("173.06"), D(2024, 1, 1)),))
DEFINITION = MetricDefinition(
    "henvisninger_per_1000",
    "Henvisninger til forebyggelsestilbud pr. 1000 gruppe 1-sikrede",
    counted_events=("HFOR",),
    compare_with=ReferenceLevel.MUNICIPALITY,
)

MEMBERS = [
    ("000101", "K1", "Aalborg", "Nord"),
    ("000102", "K1", "Aalborg", "Nord"),
    ("000103", "K1", "Aalborg", "Nord"),
    ("000201", "K2", "Aalborg", "Nord"),
    ("000202", "K2", "Hjørring", "Nord"),
    ("000203", "K2", "Hjørring", "Nord"),
    ("000401", "K4", "Aalborg", "Nord"),
    ("000402", "K4", "Hjørring", "Nord"),
    ("000403", "K4", "Hjørring", "Nord"),
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
    "000401": 3000,
    "000402": 3000,
    "000403": 2000,
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
    "000401": 30,
    "000402": 33,
    "000403": 20,
    "000301": 40,
    "000302": 0,
    "000303": 30,
    "000304": 200,
}
# The baseline: the same practices and list sizes a year before, fewer referrals.
BASELINE_COUNTS = {**COUNTS, "000101": 5, "000102": 15, "000202": 30, "000301": 20, "000304": 100}
AALBORG = 75 / 7500 * 1000
HJOERRING = 138 / 11500 * 1000
ODENSE = 70 / 6000 * 1000
SVENDBORG = 50.0
TARGETS = {"Aalborg": AALBORG, "Hjørring": HJOERRING, "Odense": ODENSE, "Svendborg": SVENDBORG}
HOME = {provider: municipality for provider, _, municipality, _ in MEMBERS}

_ARROW = {"VARCHAR": "string", "DATE": "date32", "BIGINT": "int64", "UBIGINT": "uint64"}


# -- the model ------------------------------------------------------------------------------


def with_events(package: ClusterPackage, **changes: Any) -> ClusterPackage:
    """``package`` with service 0124, event HFOR and the referral metric (or ``changes``)."""
    values: dict[str, Any] = {
        "service_codes": (SERVICE,),
        "counted_events": (EVENT,),
        "metrics": (DEFINITION,),
        **changes,
    }
    return attrs.evolve(package, **values)


def problems(build: Callable[[], object]) -> list[str]:
    with pytest.raises(ModelError) as info:
        build()
    return [str(problem) for problem in info.value.problems]


def test_a_package_with_a_counted_event_validates(package: ClusterPackage) -> None:
    full = with_events(package)
    assert full.counted_event("HFOR") is EVENT
    assert full.metrics[0].codes == ("HFOR",)
    assert full.metrics[0].counts_events
    assert ReferenceLevel.MUNICIPALITY.label == "Kommunen"
    assert ReferenceLevel.REGION.label == "Regionen"
    with pytest.raises(KeyError):
        full.counted_event("0124")
    for file_format in ("yaml", "json"):
        text = dumps(full, file_format)
        assert loads(text, file_format) == full
    assert "counted_by: Kommunen" in dumps(full, "yaml")
    assert "compare_with: municipality" in dumps(full, "yaml")


def test_an_unknown_event_code_is_refused(package: ClusterPackage) -> None:
    unknown = attrs.evolve(DEFINITION, counted_events=("HFXX",))
    assert problems(lambda: with_events(package, metrics=(unknown,))) == [
        "metrics[0].counted_events[0]: 'HFXX' is not one of the package's counted events ['HFOR']"
    ]
    # A service code listed as an event (or the other way round) says where it belongs.
    swapped = attrs.evolve(DEFINITION, counted_events=("0124",))
    assert problems(lambda: with_events(package, metrics=(swapped,))) == [
        "metrics[0].counted_events[0]: '0124' is not one of the package's counted events "
        "['HFOR']; it is listed in the package's service_codes"
    ]
    as_service = MetricDefinition("m", "Henvisninger", ("HFOR",))
    assert problems(lambda: with_events(package, metrics=(as_service,))) == [
        "metrics[0].service_codes[0]: 'HFOR' is not one of the package's service codes "
        "['0124']; it is listed in the package's counted_events"
    ]


def test_a_metric_counts_services_or_events_but_not_both() -> None:
    assert problems(
        lambda: MetricDefinition("m", "Blandet", ("0124",), counted_events=("HFOR",))
    ) == [
        "counted_events: a metric counts either service codes or counted events, not both; "
        "got service_codes ['0124'] and counted_events ['HFOR']"
    ]
    assert problems(lambda: MetricDefinition("m", "Intet")) == [
        "service_codes: a metric counts at least one service code or counted event"
    ]


def test_event_codes_follow_the_service_code_rule_and_are_unique(
    package: ClusterPackage,
) -> None:
    assert problems(lambda: CountedEvent("H FOR", " ", "")) == [
        "code: 'H FOR' is not an event code of 2-6 letters or digits like 'HFOR'",
        "name: must not be empty, got ' '",
        "counted_by: must not be empty, got ''",
    ]
    clash = CountedEvent("0124", "Noget andet", "Kommunen")
    assert problems(lambda: with_events(package, counted_events=(EVENT, clash))) == [
        "counted_events[1].code: duplicate service code '0124' "
        "(first used at service_codes[0].code)"
    ]


def test_show_names_the_event_its_source_and_the_comparison(
    package: ClusterPackage, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "pakke.yaml"
    path.write_text(dumps(with_events(package), "yaml"), encoding="utf-8")
    assert main(["show", str(path)]) == 0
    out = capsys.readouterr().out
    assert "Henvisning til kommunalt forebyggelsestilbud (kode HFOR). Kilde: Kommunen\n" in out
    assert (
        "  Opgørelse: Henvisninger til forebyggelsestilbud pr. 1000 gruppe 1-sikrede "
        "(kode HFOR, 12 måneder, sammenlignet med kommunen)\n"
    ) in out


def test_a_bundle_without_metrics_names_who_counts_the_events(package: ClusterPackage) -> None:
    missing = MeetingBundle(with_events(package)).missing()
    assert (
        "Kommunens tal for henvisning til kommunalt forebyggelsestilbud mangler: beregn "
        "klyngens nøgletal ud fra dem."
    ) in missing
    assert not any(gap.startswith("Ydelsesdata") for gap in missing)
    services = MeetingBundle(with_events(package, metrics=(MetricDefinition("m", "M", ("0124",)),)))
    assert "Ydelsesdata mangler: beregn klyngens nøgletal fra regionens udtræk." in (
        services.missing()
    )


# -- the engine -----------------------------------------------------------------------------


@pytest.fixture
def write(tmp_path: Path) -> Callable[..., ServiceDataFile]:
    """Write rows as a canonical Parquet file named after ``source``."""

    def write(kind: ServiceDataKind, rows: Sequence[Sequence[Any]], source: str) -> ServiceDataFile:
        columns = CANONICAL_COLUMNS[kind]
        schema = pa.schema([(name, getattr(pa, _ARROW[t])()) for name, t in columns.items()])
        values = list(zip(*rows, strict=True))
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
) -> ServiceDataFile:
    rows = [(p, period.start, period.end, n) for p, n in sizes.items()]
    return write(ServiceDataKind.LIST_SIZES, rows, f"gruppe1-{period.start.year}.csv")


def counts_file(
    write: Callable[..., ServiceDataFile],
    counts: dict[str, int] = COUNTS,
    period: Period = YEAR,
) -> ServiceDataFile:
    # Zeros are left out, as municipalities' files do; service 0124 must not be counted.
    rows = [(p, "HFOR", period.start, period.end, n) for p, n in counts.items() if n]
    rows.append(("000101", "0124", period.start, period.end, 999))
    return write(ServiceDataKind.COUNTS, rows, f"henvisninger-{period.start.year}.csv")


@pytest.fixture
def report(write: Callable[..., ServiceDataFile]) -> MetricsReport:
    return compute_metrics(
        DEFINITION,
        [SERVICE],
        counts=counts_file(write),
        list_sizes=list_sizes(write),
        membership=membership(write),
    )


@pytest.fixture
def followup(write: Callable[..., ServiceDataFile]) -> MetricsReport:
    return compute_metrics(
        DEFINITION,
        [],
        counts=counts_file(write),
        list_sizes=list_sizes(write),
        membership=membership(write),
        baseline=BaselineInput(
            list_sizes=list_sizes(write, period=BASELINE_YEAR),
            counts=counts_file(write, BASELINE_COUNTS, BASELINE_YEAR),
        ),
    )


def test_the_rates_count_the_event_and_nothing_else(report: MetricsReport) -> None:
    assert (report.service_codes, report.counted_events) == ((), ("HFOR",))
    assert report.codes == ("HFOR",)
    assert report.reference is ReferenceLevel.MUNICIPALITY
    for practice in report.providers:
        assert practice.estimate.count == COUNTS[practice.provider_id]
        assert practice.estimate.rate == pytest.approx(
            COUNTS[practice.provider_id] / LISTS[practice.provider_id] * 1000
        )
        assert practice.fees == Decimal("0.00")  # events have no fees
    assert report.country.fees == Decimal("0.00")
    assert report.violations == ()
    assert not any("limit" in note or "fee" in note for note in report.notes)


def test_groups_per_municipality_beside_region_and_country(report: MetricsReport) -> None:
    towns = {g.name: g for g in report.municipalities}
    assert list(towns) == ["Aalborg", "Hjørring", "Odense", "Svendborg"]
    aalborg = towns["Aalborg"]
    assert (aalborg.level, aalborg.region, aalborg.municipality) == (
        GroupLevel.MUNICIPALITY,
        "Nord",
        "Aalborg",
    )
    assert (aalborg.practices, aalborg.pooled.count, aalborg.pooled.population) == (5, 75, 7500)
    assert aalborg.pooled.rate == pytest.approx(10.0)
    assert aalborg.mean_rate == pytest.approx((10 + 15 + 0 + 5 + 10) / 5)
    assert aalborg.median_rate == pytest.approx(10)  # of 0, 5, 10, 10, 15
    assert towns["Svendborg"].pooled.rate == pytest.approx(SVENDBORG)
    assert report.reference_groups == report.municipalities
    # A cluster's municipality is that of most of its practices.
    assert {g.name: g.municipality for g in report.clusters} == {
        "K1": "Aalborg",
        "K2": "Hjørring",
        "K3": "Odense",
        "K4": "Hjørring",
    }
    assert [g.name for g in report.regions] == ["Nord", "Syd"]
    assert report.regions[0].pooled.rate == pytest.approx(213 / 19000 * 1000)
    assert any(
        "K2 has practices in several municipalities (Aalborg, Hjørring)" in note
        for note in report.notes
    )


def test_each_practice_is_classified_against_its_municipality(report: MetricsReport) -> None:
    flags = {p.provider_id: p.flag for p in report.providers}
    assert flags == {
        "000101": FunnelFlag.WITHIN,
        "000102": FunnelFlag.ABOVE_95,  # P(X >= 30 | 20) = 0.022
        "000103": FunnelFlag.BELOW_95,  # P(X <= 0 | 5) = e^-5 = 0.0067
        "000201": FunnelFlag.WITHIN,  # P(X <= 5 | 10) = 0.067 (against the region: below)
        "000202": FunnelFlag.WITHIN,  # P(X >= 60 | 48) = 0.052
        "000203": FunnelFlag.WITHIN,
        "000401": FunnelFlag.WITHIN,
        "000402": FunnelFlag.WITHIN,
        "000403": FunnelFlag.WITHIN,
        "000301": FunnelFlag.ABOVE_95,  # P(X >= 40 | 23.3) = 0.0011
        "000302": FunnelFlag.BELOW_998,  # e^-11.67
        "000303": FunnelFlag.WITHIN,
        "000304": FunnelFlag.WITHIN,  # alone in Svendborg: its own rate is the target
    }
    p201 = next(p for p in report.providers if p.provider_id == "000201")
    by_hand = sum(math.exp(-10) * 10**k / math.factorial(k) for k in range(6))
    assert p201.p_below == pytest.approx(by_hand)
    assert by_hand == pytest.approx(0.0670859, abs=1e-7)
    for practice in report.providers:
        single = statistics.classify(
            practice.estimate.count,
            practice.estimate.population,
            TARGETS[HOME[practice.provider_id]],
        )
        assert practice.flag is single.flag
        assert practice.p_above == pytest.approx(single.p_above, rel=1e-9)


def test_a_funnel_per_municipality(report: MetricsReport) -> None:
    funnels = {f.region: f for f in report.funnels}
    assert list(funnels) == ["Aalborg", "Hjørring", "Odense", "Svendborg"]
    aalborg = funnels["Aalborg"]
    assert aalborg.reference is ReferenceLevel.MUNICIPALITY
    assert aalborg.target_rate == pytest.approx(AALBORG)
    assert (aalborg.curve[0].population, aalborg.curve[-1].population) == (500, 3000)
    spread = statistics.overdispersion([10, 30, 0, 5, 30], [1000, 2000, 500, 1000, 3000], AALBORG)
    assert aalborg.phi == pytest.approx(spread.phi)


def test_a_municipality_without_events_has_no_funnel_and_says_so_in_danish(
    write: Callable[..., ServiceDataFile],
) -> None:
    # Svendborg's only practice refers nobody: its target is 0, so there is nothing to draw.
    result = compute_metrics(
        DEFINITION,
        [],
        counts=counts_file(write, {**COUNTS, "000304": 0}),
        list_sizes=list_sizes(write),
        membership=membership(write),
    )
    funnels = {f.region: f for f in result.funnels}
    svendborg = funnels["Svendborg"]
    assert (svendborg.target_rate, svendborg.curve, svendborg.phi) == (0.0, (), None)
    assert (
        svendborg.note == "Ingen registreringer i kommunen, så der er intet tragtdiagram at vise."
    )
    assert funnels["Odense"].curve != ()


def test_changes_are_set_against_the_municipalitys_change(followup: MetricsReport) -> None:
    changes = {(c.level, c.name): c for c in followup.changes}
    aalborg = changes[GroupLevel.MUNICIPALITY, "Aalborg"]
    assert aalborg.ratio == pytest.approx(75 / 55)  # same list sizes: the counts' ratio
    hjoerring = 138 / 108
    assert changes[GroupLevel.MUNICIPALITY, "Hjørring"].ratio == pytest.approx(hjoerring)
    assert changes[None, "000101"].versus_region == pytest.approx(2 / (75 / 55))
    assert changes[None, "000202"].versus_region == pytest.approx(2 / hjoerring)
    k2 = changes[GroupLevel.CLUSTER, "K2"]  # with Hjørring, the municipality of most of it
    assert k2.ratio == pytest.approx(90 / 60)
    assert k2.versus_region == pytest.approx(1.5 / hjoerring)
    assert (GroupLevel.REGION, "Nord") in changes
    assert changes[None, "000304"].versus_region == pytest.approx(1.0)


def test_events_from_claims(write: Callable[..., ServiceDataFile]) -> None:
    rows = [
        (provider, "HFOR", D(2024, 1 + i % 12, 1 + i % 28), i)
        for provider, n in COUNTS.items()
        for i in range(n)
    ]
    rows.append(("000304", "HFOR", D(2024, 12, 31), 1))  # once more: the same patient-day
    claims = write(ServiceDataKind.CLAIMS, rows, "henvisninger-pr-borger.csv")
    report = compute_metrics(
        DEFINITION, [], claims=claims, list_sizes=list_sizes(write), membership=membership(write)
    )
    counted = {p.provider_id: p.estimate.count for p in report.providers}
    assert counted == {**COUNTS, "000304": 201}
    assert report.violations == ()
    assert report.period == YEAR


def test_no_event_rows_is_an_error_naming_the_event(
    write: Callable[..., ServiceDataFile],
) -> None:
    rows = [("000101", "0124", YEAR.start, YEAR.end, 5)]
    counts = write(ServiceDataKind.COUNTS, rows, "tom.csv")
    with pytest.raises(ServiceDataError, match=r"tom\.csv: no rows for event HFOR"):
        compute_metrics(
            DEFINITION,
            [],
            counts=counts,
            list_sizes=list_sizes(write),
            membership=membership(write),
        )


def test_a_region_metric_has_no_municipalities(write: Callable[..., ServiceDataFile]) -> None:
    by_region = attrs.evolve(DEFINITION, compare_with=ReferenceLevel.REGION)
    report = compute_metrics(
        by_region,
        [],
        counts=counts_file(write),
        list_sizes=list_sizes(write),
        membership=membership(write),
    )
    assert report.municipalities == ()
    assert [f.region for f in report.funnels] == ["Nord", "Syd"]
    assert all(f.reference is ReferenceLevel.REGION for f in report.funnels)
    assert {g.municipality for g in report.clusters} == {""}


def test_the_report_round_trips(followup: MetricsReport) -> None:
    for file_format in ("json", "yaml"):
        assert loads(dumps(followup, file_format), file_format) == followup


# -- the cluster's view ---------------------------------------------------------------------


def test_the_view_carries_the_reference(report: MetricsReport) -> None:
    view = cluster_view(report, "K2", key="k")
    assert view.reference is ReferenceLevel.MUNICIPALITY
    assert view.reference_label == "Kommunen"
    assert view.reference_name == "Hjørring"
    assert view.municipality_metric is not None
    assert view.reference_metric is view.municipality_metric
    assert view.reference_metric.pooled.count == 138
    assert view.reference_metric.pooled.rate == pytest.approx(HJOERRING)
    assert view.region_metric.name == "Nord"
    assert (view.funnel.region, view.funnel.reference) == ("Hjørring", ReferenceLevel.MUNICIPALITY)
    assert view.funnel.target_rate == pytest.approx(HJOERRING)
    assert (
        "Hver praksis sammenlignes med niveauet i sin egen kommune, klyngen med Hjørring, hvor "
        "de fleste af klyngens praksis ligger."
    ) in view.notes
    for file_format in ("json", "yaml"):
        text = dumps(view, file_format)
        assert loads(text, file_format) == view
        assert not any(provider in text for provider in LISTS)


def test_a_view_compared_with_the_region_is_as_before(
    write: Callable[..., ServiceDataFile],
) -> None:
    by_region = attrs.evolve(DEFINITION, compare_with=ReferenceLevel.REGION)
    report = compute_metrics(
        by_region,
        [],
        counts=counts_file(write),
        list_sizes=list_sizes(write),
        membership=membership(write),
    )
    view = cluster_view(report, "K2", key="k")
    assert (view.reference, view.municipality_metric) == (ReferenceLevel.REGION, None)
    assert view.reference_metric is view.region_metric
    assert (view.reference_label, view.reference_name) == ("Regionen", "Nord")
    assert "municipality" not in dumps(view, "yaml")


def test_the_municipalitys_total_cannot_give_another_clusters_practice_back() -> None:
    # Cluster K: 3 and 8 in Aalborg, 20 and 25 in Brønderslev; one other practice in Aalborg
    # (10). The small 3 takes 8 with it (the cluster's total); then the cluster's total less
    # Brønderslev's shown 45 is Aalborg's hidden 11, and Aalborg's 21 less 11 the other
    # practice's 10. Hiding 20 too leaves that open, and Aalborg's total can be shown.
    report = municipal_report([3, 8, 20, 25], [True, True, False, False], [10])
    view = cluster_view(report, "K", key="k", small_cluster=0)
    assert sorted(p.count or 0 for p in view.practices) == [0, 0, 0, 25]
    assert view.cluster_metric.pooled.count == 56
    assert view.reference_metric.pooled.count == 21
    assert view.reference_metric.mean_rate is None  # it would give a hidden rate back
    assert (
        "Også et eller flere større antal er skjult, så intet skjult antal kan regnes ud fra "
        "klyngens eller kommunens samlede antal."
    ) in view.notes
    assert worked_out(view, report) == []


def test_the_difference_of_the_two_totals_is_not_shown() -> None:
    # K1 lies wholly in Aalborg, and Aalborg's only other practice has 5: Aalborg's total
    # less K1's would be that practice's count. Nothing K1 hides helps; the total is hidden.
    report = municipal_report([10, 30, 0], [True, True, True], [5])
    view = cluster_view(report, "K", key="k", small_cluster=0)
    assert [p.count for p in view.practices if p.count is not None] != []
    assert view.reference_metric.pooled.count is None
    assert view.funnel.curve == ()


def test_a_municipality_of_one_practice_is_hidden_with_its_funnel(
    write: Callable[..., ServiceDataFile],
) -> None:
    # K4 (banded: 3 practices) lies mostly in Læsø, whose only practice with referrals is
    # 000401: Læsø's total would be that practice's count, so it is hidden, with its funnel.
    members = [
        ("000401", "K4", "Læsø", "Nord"),
        ("000402", "K4", "Læsø", "Nord"),
        ("000403", "K4", "Frederikshavn", "Nord"),
        ("000404", "K5", "Frederikshavn", "Nord"),
        ("000405", "K5", "Frederikshavn", "Nord"),
    ]
    sizes = {"000401": 1800, "000402": 900, "000403": 3000, "000404": 2500, "000405": 2000}
    counts = {"000401": 17, "000402": 0, "000403": 25, "000404": 30, "000405": 12}
    report = compute_metrics(
        DEFINITION,
        [],
        counts=counts_file(write, counts),
        list_sizes=list_sizes(write, sizes),
        membership=membership(write, members),
    )
    view = cluster_view(report, "K4", key="k")
    assert view.banded
    assert view.reference_name == "Læsø"
    shown = view.reference_metric.pooled
    assert (shown.count, shown.rate, shown.population, shown.suppressed) == (
        None,
        None,
        None,
        True,
    )
    assert view.funnel.curve == ()
    assert view.funnel.target_rate == 0.0
    assert "vises ikke" in view.funnel.note
    assert (
        "Kommunens samlede antal og niveau vises ikke, fordi et skjult antal ellers kunne "
        "regnes ud."
    ) in view.notes
    assert all(p.count is None for p in view.practices)


def test_versus_is_hidden_with_the_municipalitys_total(
    write: Callable[..., ServiceDataFile],
) -> None:
    # As above, with a baseline: the change against Læsø would give its total back.
    members = [
        ("000401", "K4", "Læsø", "Nord"),
        ("000402", "K4", "Læsø", "Nord"),
        ("000403", "K4", "Frederikshavn", "Nord"),
        ("000404", "K5", "Frederikshavn", "Nord"),
    ]
    sizes = {"000401": 1800, "000402": 900, "000403": 3000, "000404": 2500}
    counts = {"000401": 17, "000402": 0, "000403": 25, "000404": 30}
    report = compute_metrics(
        DEFINITION,
        [],
        counts=counts_file(write, counts),
        list_sizes=list_sizes(write, sizes),
        membership=membership(write, members),
        baseline=BaselineInput(
            list_sizes=list_sizes(write, sizes, BASELINE_YEAR),
            counts=counts_file(write, {**counts, "000401": 9}, BASELINE_YEAR),
        ),
    )
    view = cluster_view(report, "K4", key="k")
    assert all(change.versus_region is None for change in view.changes)
    (laesoe,) = [c for c in view.changes if c.level is GroupLevel.MUNICIPALITY]
    assert (laesoe.name, laesoe.ratio, laesoe.suppressed) == ("Læsø", None, True)
    assert laesoe.followup.count is None
    assert laesoe.baseline.count is None


# -- the command line -----------------------------------------------------------------------


class CanonicalParquetReader(ServiceDataReader):
    """Hands canonical Parquet files over as they are."""

    name = "canonical"
    suffixes = (".parquet",)
    kinds = tuple(ServiceDataKind)

    def read(self, source: Path, kind: ServiceDataKind, workdir: Path, options: Any) -> Any:
        return ServiceDataFile(kind, source, source.name, 0)


class ReaderPlugin:
    @hookimpl
    def register_service_data_readers(self, register: Callable[[ServiceDataReader], None]) -> None:
        register(CanonicalParquetReader())


def test_metrics_compute_for_an_event_metric(
    write: Callable[..., ServiceDataFile],
    package: ClusterPackage,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    package_file = tmp_path / "pakke.yaml"
    package_file.write_text(dumps(with_events(package), "yaml"), encoding="utf-8")
    files = [counts_file(write), list_sizes(write), membership(write)]
    output = tmp_path / "k2.json"
    with registered_plugins(ReaderPlugin()):
        code = main(
            [
                "metrics",
                "compute",
                *("--services", str(files[0].path), "--lists", str(files[1].path)),
                *("--members", str(files[2].path), "--package", str(package_file)),
                *("--cluster", "K2", "-o", str(output)),
            ]
        )
    printed = capsys.readouterr().out
    assert code == 0
    view = loads(output.read_text(encoding="utf-8"), "json")
    assert isinstance(view, ClusterView)
    assert (view.reference, view.reference_name) == (ReferenceLevel.MUNICIPALITY, "Hjørring")
    assert view.reference_metric.pooled.count == 138
    # The printed view: referrals are counts ("Antal"), the municipality a row of its own.
    rows = printed_rows(printed)
    assert rows[0] == ["Antal", "Gruppe 1-sikrede", "Pr. 1000", "95 %-interval", "Placering"]
    groups = [row for row in rows if row[0] in {"Klyngen", "Kommunen: Hjørring", "Nord"}]
    assert [row[:5] for row in groups] == [
        ["Klyngen", "3", "90", "7.500", "12,0"],
        ["Kommunen: Hjørring", "4", "138", "11.500", "12,0"],
        ["Nord", "9", "213", "19.000", "11,2"],
    ]
    assert "Ydelser" not in printed


def printed_rows(printed: str) -> list[list[str]]:
    """The cells of the tables the command printed (columns are two or more spaces apart)."""
    return [re.split(r" {2,}", line.strip()) for line in printed.splitlines() if "  " in line]


def compute_with_baseline(
    write: Callable[..., ServiceDataFile], package_file: Path, output: Path, *extra: str
) -> int:
    now = [counts_file(write), list_sizes(write), membership(write)]
    then = [
        counts_file(write, BASELINE_COUNTS, BASELINE_YEAR),
        list_sizes(write, period=BASELINE_YEAR),
    ]
    with registered_plugins(ReaderPlugin()):
        return main(
            [
                "metrics",
                "compute",
                *("--services", str(now[0].path), "--lists", str(now[1].path)),
                *("--members", str(now[2].path), "--package", str(package_file)),
                *("--baseline-services", str(then[0].path)),
                *("--baseline-lists", str(then[1].path)),
                *extra,
                *("-o", str(output)),
            ]
        )


def test_metrics_compute_prints_municipalities_and_no_fees_for_events(
    write: Callable[..., ServiceDataFile],
    package: ClusterPackage,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    package_file = tmp_path / "pakke.yaml"
    package_file.write_text(dumps(with_events(package), "yaml"), encoding="utf-8")
    assert compute_with_baseline(write, package_file, tmp_path / "alle.json") == 0
    printed = capsys.readouterr().out
    rows = printed_rows(printed)
    header = [
        "Praksis",
        "Antal",
        "Gruppe 1-sikrede",
        "Pr. 1000",
        "95 %-interval",
        "Gennemsnit",
        "Median",
        "Rateratio",
    ]
    assert rows[0] == header
    named = {row[0]: row for row in rows[1:]}
    # By hand (the module's table): Aalborg 75 of 7500 (baseline 55), Hjørring 138 of 11500
    # (baseline 108), Svendborg's one practice 200 of 4000 (baseline 100).
    aalborg = named["Kommunen: Aalborg"]
    assert aalborg[:5] + aalborg[-1:] == ["Kommunen: Aalborg", "5", "75", "7.500", "10,0", "1,36"]
    hjoerring = named["Kommunen: Hjørring"]
    assert hjoerring[:5] + hjoerring[-1:] == [
        "Kommunen: Hjørring",
        "4",
        "138",
        "11.500",
        "12,0",
        "1,28",
    ]
    assert named["Kommunen: Svendborg"][:5] == ["Kommunen: Svendborg", "1", "200", "4.000", "50,0"]
    assert all(len(row) == len(header) + 1 for row in rows[1:] if row[0] not in header)
    assert "uden for 95 %-grænserne omkring kommunens niveau\n" in printed
    for word in ("Ydelser", "Honorar", "kr.", "regionens niveau"):
        assert word not in printed


def test_metrics_compute_prints_the_change_against_the_municipality(
    write: Callable[..., ServiceDataFile],
    package: ClusterPackage,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    package_file = tmp_path / "pakke.yaml"
    package_file.write_text(dumps(with_events(package), "yaml"), encoding="utf-8")
    output = tmp_path / "k2.json"
    assert compute_with_baseline(write, package_file, output, "--cluster", "K2") == 0
    printed = capsys.readouterr().out
    changes = printed.split("Ændring siden 1. januar 2023 - 31. december 2023\n")[1]
    rows = printed_rows(changes)
    assert rows[0][-1] == "I forhold til kommunen"
    named = {row[0]: row for row in rows[1:]}
    # K2 went from 60 to 90 (1,50), Hjørring from 108 to 138: K2 changed 1,17 times as much.
    assert named["K2"][3] == "1,50"
    assert named["K2"][-1] == "1,17"
    assert named["Kommunen: Hjørring"][-1] == "-"  # the reference against itself
    assert "I forhold til regionen" not in printed


# -- no count can be worked out from the two totals -----------------------------------------

THRESHOLD = 5
AT = Period(D(2025, 1, 1), D(2025, 12, 31))


def _estimate(count: int, population: int) -> RateEstimate:
    rate = count / population * 1000
    return RateEstimate(count, population, 1000, rate, rate * 0.5, rate * 1.5 + 0.1)


def _group(level: GroupLevel, name: str, members: Sequence[ProviderMetric]) -> GroupMetric:
    rates = [m.estimate.rate or 0.0 for m in members]
    return GroupMetric(
        level=level,
        name=name,
        region="Nord",
        practices=len(members),
        pooled=_estimate(
            sum(m.estimate.count for m in members), sum(m.estimate.population for m in members)
        ),
        mean_rate=sum(rates) / len(rates),
        median_rate=sorted(rates)[len(rates) // 2],
        fees=Decimal(0),
        municipality="Aalborg" if level is GroupLevel.CLUSTER else name,
    )


def municipal_report(
    counts: Sequence[int], in_aalborg: Sequence[bool], outside: Sequence[int]
) -> MetricsReport:
    """Cluster K's practices (in Aalborg or Brønderslev) and other practices in Aalborg."""
    practices = [
        ProviderMetric(
            provider_id=f"{100001 + i:06d}",
            cluster="K" if i < len(counts) else "Andre",
            municipality="Aalborg" if i >= len(counts) or in_aalborg[i] else "Brønderslev",
            region="Nord",
            estimate=_estimate(count, 2000 + 250 * i),
            flag=FunnelFlag.WITHIN,
            p_above=0.5,
            p_below=0.5,
            fees=Decimal(0),
        )
        for i, count in enumerate([*counts, *outside])
    ]
    towns = tuple(
        _group(GroupLevel.MUNICIPALITY, town, members)
        for town in ("Aalborg", "Brønderslev")
        for members in [[p for p in practices if p.municipality == town]]
        if members
    )
    return MetricsReport(
        metric_id="henvisninger_per_1000",
        metric_title="Henvisninger pr. 1000",
        service_codes=(),
        counted_events=("HFOR",),
        reference=ReferenceLevel.MUNICIPALITY,
        per=1000,
        period=AT,
        providers=tuple(practices),
        clusters=(_group(GroupLevel.CLUSTER, "K", [p for p in practices if p.cluster == "K"]),),
        municipalities=towns,
        regions=(_group(GroupLevel.REGION, "Nord", practices),),
        country=_group(GroupLevel.COUNTRY, "Hele landet", practices),
        funnels=tuple(
            FunnelData(
                region=town.name,
                target_rate=town.pooled.rate or 0.0,
                per=1000,
                curve=(FunnelPoint(1000.0, 1.0, 9.0, 0.5, 11.0),),
                phi=None,
                limits_too_narrow=False,
                reference=ReferenceLevel.MUNICIPALITY,
            )
            for town in towns
        ),
    )


def _sums(ranges: Sequence[tuple[int, int]], limit: int) -> set[int]:
    sums = {0}
    for low, high in ranges:
        sums = {s + v for s in sums for v in range(low, high + 1) if s + v <= limit}
    return sums


def worked_out(view: ClusterView, report: MetricsReport) -> list[str]:
    """Counts a reader could work out with the municipality's total, but not without it.

    The reader knows the shown counts, which hidden counts are small (1 … threshold−1), that a
    rate of 0 is a count of 0, how many other practices the municipality has (each at least
    0), and both totals where shown: every unknown count must still have two possible values.
    (What the cluster's total alone gives back is the cluster's own rules', tested elsewhere.)
    """
    names = {v: k for k, v in pseudonym_mapping(report, "K", key="k").items()}
    truth = {p.provider_id: p for p in report.providers}
    unknown = {
        names[p.pseudonym]
        for p in view.practices
        if p.count is None and not (p.rate == 0.0 and not p.suppressed)
    }
    limit = sum(p.estimate.count for p in report.providers)

    def span(provider: str) -> tuple[int, int]:
        count = truth[provider].estimate.count
        if provider not in unknown:
            return count, count
        return (1, THRESHOLD - 1) if 0 < count < THRESHOLD else (THRESHOLD, limit)

    members = [p for p in truth if truth[p].cluster == "K"]
    in_town = [p for p in members if truth[p].municipality == view.reference_name]
    others = [p for p in truth if truth[p].cluster != "K"]

    def pinned(target: str, cluster_total: int | None, town_total: int | None) -> bool:
        in_cluster, in_both = target in members, target in in_town
        low, high = span(target) if in_cluster else (0, limit)
        both = [span(p) for p in in_town if p != target]  # in both totals
        cluster_only = _sums([span(p) for p in members if p not in in_town and p != target], limit)
        town_only = _sums([(0, limit) for p in others if p != target], limit)
        possible = 0
        for value in range(low, high + 1):
            for shared in _sums(both, limit):
                common = shared + (value if in_both else 0)
                if cluster_total is not None:
                    rest = cluster_total - common - (value if in_cluster and not in_both else 0)
                    if rest not in cluster_only:
                        continue
                if town_total is not None:
                    rest = town_total - common - (0 if in_cluster else value)
                    if rest not in town_only:
                        continue
                possible += 1
                break
        return possible < 2

    cluster_total = view.cluster_metric.pooled.count
    town_total = view.reference_metric.pooled.count
    found = []
    for target in [p for p in members if p in unknown] + (others if town_total else []):
        alone = target in members and pinned(target, cluster_total, None)
        if pinned(target, cluster_total, town_total) and not alone:
            found.append(f"{target} ({truth[target].estimate.count})")
    return found


@settings(max_examples=80, deadline=None)
@given(
    cells=st.lists(st.tuples(st.integers(0, 9), st.booleans()), min_size=1, max_size=6),
    outside=st.lists(st.integers(0, 9), max_size=2),
    banded=st.booleans(),
)
def test_no_count_can_be_worked_out_from_the_two_totals(
    cells: list[tuple[int, bool]], outside: list[int], banded: bool
) -> None:
    counts = [count for count, _ in cells]
    in_aalborg = [True, *(inside for _, inside in cells[1:])]  # Aalborg has one at least
    report = municipal_report(counts, in_aalborg, outside)
    view = cluster_view(report, "K", key="k", small_cluster=100 if banded else 0)
    assert view.reference_name == "Aalborg"
    assert worked_out(view, report) == []
    if view.reference_metric.pooled.count is None:
        assert view.funnel.curve == ()
