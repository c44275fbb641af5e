"""Privacy of what leaves the engine: pseudonyms, small counts, list-size bands, no leaks.

Reports are built by hand here (not by the engine), from claims with patient pseudonyms, so
that each expectation can be worked out on paper.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
import statistics
from collections import Counter
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from klyngepakke.conversion import Format, dumps, loads
from klyngepakke.errors import KlyngepakkeError, OutputExistsError
from klyngepakke.metrics.privacy import (
    DEFAULT_PSEUDONYM_KEY,
    PSEUDONYM_KEY_ENV,
    PrivacyError,
    UnknownClusterError,
    cluster_view,
    pseudonym_mapping,
    read_pseudonym_mapping,
    resolve_pseudonym_key,
    write_pseudonym_mapping,
)
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
    RateChange,
    RateEstimate,
    ShownPractice,
)

PER = 1000
FEE = Decimal("173.06")
NORTH = "Region Nordjylland"
ZEALAND = "Region Sjælland"
CLUSTER = "Nordklyngen"
BASELINE = Period(dt.date(2024, 1, 1), dt.date(2024, 12, 31))
FOLLOWUP = Period(dt.date(2025, 1, 1), dt.date(2025, 12, 31))
KEY = "kiap-hemmelig-nøgle"


@attrs.frozen
class Practice:
    """One practice in the test data: its services are made as claims of named patients."""

    provider_id: str
    count: int
    size: int
    cluster: str = CLUSTER
    region: str = NORTH


def claims(practices: Sequence[Practice], year: int) -> list[tuple[str, dt.date, str]]:
    """(provider, day, patient pseudonym): ``count`` claims per practice."""
    return [
        (p.provider_id, dt.date(year, 1 + n % 12, 1 + n % 28), f"PSN-{p.provider_id}-{n:04d}X")
        for p in practices
        for n in range(p.count)
    ]


ALL_PATIENTS: set[str] = set()


def estimate(count: int, population: int) -> RateEstimate:
    if population == 0:
        return RateEstimate(count, 0, PER, None, None, None)
    rate = count / population * PER
    return RateEstimate(count, population, PER, rate, rate * 0.5, rate * 1.5 + 0.1)


def provider_metrics(practices: Sequence[Practice], year: int) -> tuple[ProviderMetric, ...]:
    rows = claims(practices, year)
    ALL_PATIENTS.update(patient for _, _, patient in rows)
    counted = Counter(provider for provider, _, _ in rows)  # the engine's count, by hand
    return tuple(
        ProviderMetric(
            provider_id=p.provider_id,
            cluster=p.cluster,
            municipality="Aalborg",
            region=p.region,
            estimate=estimate(counted[p.provider_id], p.size),
            flag=FunnelFlag.BELOW_95 if counted[p.provider_id] < 5 else FunnelFlag.WITHIN,
            p_above=0.5,
            p_below=0.5,
            fees=counted[p.provider_id] * FEE,
        )
        for p in practices
    )


def group(
    level: GroupLevel, name: str, region: str, members: Sequence[ProviderMetric]
) -> GroupMetric:
    rates = [m.estimate.rate for m in members if m.estimate.rate is not None]
    return GroupMetric(
        level=level,
        name=name,
        region=region,
        practices=len(members),
        pooled=estimate(
            sum(m.estimate.count for m in members), sum(m.estimate.population for m in members)
        ),
        mean_rate=statistics.fmean(rates) if rates else None,
        median_rate=statistics.median(rates) if rates else None,
        fees=sum((m.fees for m in members), Decimal(0)),
    )


def groups(
    metrics: Sequence[ProviderMetric],
) -> tuple[tuple[GroupMetric, ...], tuple[GroupMetric, ...], GroupMetric]:
    clusters = tuple(
        group(GroupLevel.CLUSTER, name, region, [m for m in metrics if m.cluster == name])
        for name, region in sorted({(m.cluster, m.region) for m in metrics})
    )
    regions = tuple(
        group(GroupLevel.REGION, name, name, [m for m in metrics if m.region == name])
        for name in sorted({m.region for m in metrics})
    )
    return clusters, regions, group(GroupLevel.COUNTRY, "Hele landet", "", metrics)


def change(
    level: GroupLevel | None, name: str, before: RateEstimate, after: RateEstimate
) -> RateChange:
    ratio = after.rate / before.rate if after.rate is not None and before.rate else None
    return RateChange(
        level=level,
        name=name,
        baseline=before,
        followup=after,
        ratio=ratio,
        lower=None if ratio is None else ratio * 0.8,
        upper=None if ratio is None else ratio * 1.25,
        p_value=0.4321,
        versus_region=None if ratio is None else ratio / 1.1,
        note="" if ratio is not None else "no services at baseline",
    )


# The rest of the region and a second region, so a cluster is never its whole region.
OTHERS = (
    Practice("800001", 40, 6000, "Sydklyngen"),
    Practice("800002", 22, 3500, "Sydklyngen"),
    Practice("800003", 31, 5100, "Vestklyngen", ZEALAND),
)


def make_report(
    practices: Sequence[Practice],
    *,
    baseline: Sequence[Practice] | None = None,
    synthetic: bool = False,
) -> MetricsReport:
    after = provider_metrics([*practices, *OTHERS], FOLLOWUP.start.year)
    clusters, regions, country = groups(after)
    funnels = tuple(
        FunnelData(
            region=r.name,
            target_rate=r.pooled.rate or 0.0,
            per=PER,
            curve=(FunnelPoint(1000.0, 1.0, 9.0, 0.5, 11.0),),
            phi=1.3,
            limits_too_narrow=True,
            note="Spredningen er større end tilfældig variation.",
        )
        for r in regions
    )
    extra: dict[str, object] = {}
    if baseline is not None:
        before = provider_metrics([*baseline, *OTHERS], BASELINE.start.year)
        old_clusters, old_regions, _ = groups(before)
        earlier = {m.provider_id: m for m in before}
        now = {m.provider_id: m for m in after}
        old_groups = {g.name: g for g in (*old_clusters, *old_regions)}
        extra = {
            "baseline_period": BASELINE,
            "changes": (
                *(
                    change(None, pid, earlier[pid].estimate, now[pid].estimate)
                    for pid in sorted(earlier.keys() & now.keys())
                ),
                *(
                    change(g.level, g.name, old_groups[g.name].pooled, g.pooled)
                    for g in (*clusters, *regions)
                    if g.name in old_groups
                ),
            ),
            "joined": tuple(sorted(now.keys() - earlier.keys())),
            "left": tuple(sorted(earlier.keys() - now.keys())),
            "baseline_providers": before,
        }
    return MetricsReport(
        metric_id="0124_per_1000",
        metric_title="Vurdering på kommunal akutfunktion (0124) pr. 1000 sikrede",
        service_codes=("0124",),
        per=PER,
        period=FOLLOWUP,
        providers=after,
        clusters=clusters,
        regions=regions,
        country=country,
        funnels=funnels,
        notes=("provider 800001: a note KiAP reads, never a cluster",),
        synthetic=synthetic,
        **extra,  # type: ignore[arg-type]
    )


def cluster_of(counts: Sequence[int], sizes: Sequence[int] | None = None) -> list[Practice]:
    """Practices 100001, 100002, … with these counts (list sizes 1500, 2500, … by default)."""
    sizes = sizes or [1500 + 1000 * (i % 8) for i in range(len(counts))]
    return [
        Practice(f"{100001 + i:06d}", count, size)
        for i, (count, size) in enumerate(zip(counts, sizes, strict=True))
    ]


def by_count(view: ClusterView, report: MetricsReport) -> dict[int, list[ShownPractice]]:
    """The view's practices under their true counts (the test knows the mapping)."""
    truth = truth_of(report, view.cluster)
    out: dict[int, list[ShownPractice]] = {}
    for shown in view.practices:
        out.setdefault(truth[shown.pseudonym], []).append(shown)
    return out


# -- a checker: can anything hidden be worked out from what is shown? -------------------------


def reachable(ranges: Sequence[tuple[int, int]], limit: int) -> set[int]:
    """Every sum of one value from each range, up to ``limit``."""
    sums = {0}
    for low, high in ranges:
        sums = {s + v for s in sums for v in range(low, high + 1) if s + v <= limit}
    return sums


def disclosures(view: ClusterView, truth: dict[str, int], threshold: int) -> list[str]:
    """Hidden counts that shown numbers give back (``truth``: pseudonym → real count).

    Tries what a reader would: rate × list size, an interval, total − sum(shown) with each
    hidden count known to be small (1 … threshold−1) or not, and the mean of the rates.
    """
    found = []
    hidden = [p for p in view.practices if p.count is None]
    for p in hidden:
        if p.rate is not None and p.list_size is not None:
            found.append(f"{p.pseudonym}: rate × list size = {p.rate * p.list_size / PER}")
        if p.suppressed and (p.rate is not None or p.lower is not None or p.upper is not None):
            found.append(f"{p.pseudonym}: a rate or interval of a hidden count is shown")
    total = view.cluster_metric.pooled.count
    if total is not None and hidden and not view.banded:
        rest = total - sum(p.count for p in view.practices if p.count is not None)
        ranges = [
            (1, threshold - 1) if truth[p.pseudonym] < threshold else (threshold, rest)
            for p in hidden
        ]
        for i, p in enumerate(hidden):
            others = reachable(ranges[:i] + ranges[i + 1 :], rest)
            low, high = ranges[i]
            possible = [v for v in range(low, high + 1) if rest - v in others]
            if len(possible) < 2:
                found.append(f"{p.pseudonym}: total − shown gives {possible}")
    if any(p.suppressed for p in view.practices) and view.cluster_metric.mean_rate is not None:
        found.append("the mean of the practice rates gives a hidden rate back")
    return found


def truth_of(report: MetricsReport, cluster: str = CLUSTER) -> dict[str, int]:
    names = pseudonym_mapping(report, cluster, key=KEY)
    return {
        names[p.provider_id]: p.estimate.count for p in report.providers if p.cluster == cluster
    }


# -- small counts ---------------------------------------------------------------------------

# Ten practices, 37 services; one practice has 3.
THIRTY_SEVEN = [3, 6, 0, 0, 5, 7, 0, 8, 8, 0]


def test_a_single_small_count_takes_the_next_smallest_with_it() -> None:
    report = make_report(cluster_of(THIRTY_SEVEN))
    view = cluster_view(report, CLUSTER, key=KEY)
    shown = by_count(view, report)

    assert view.cluster_metric.pooled.count == 37
    assert not view.banded
    # 3 alone would be 37 − 34; hidden with 5 the two sum to 8: 3 could be 1–3 (5–7 for
    # the other), the 5 could be 5–7.
    assert [p.suppressed for p in shown[3] + shown[5]] == [True, True]
    assert all(p.count is None and p.rate is None and p.list_size is None for p in shown[3])
    assert shown[5][0].lower is None
    assert shown[5][0].upper is None
    assert shown[5][0].list_size_band  # the band stays
    assert [p.count for p in shown[6] + shown[7]] == [6, 7]
    assert [p.count for p in shown[0]] == [0, 0, 0, 0]  # zero is not a small count
    assert not any(p.suppressed for p in shown[0] + shown[6] + shown[8])
    assert view.cluster_metric.mean_rate is None
    assert view.cluster_metric.median_rate is None
    assert disclosures(view, truth_of(report), 5) == []


def test_the_checker_finds_what_complementary_suppression_prevents() -> None:
    report = make_report(cluster_of(THIRTY_SEVEN))
    view = cluster_view(report, CLUSTER, key=KEY)
    shown = by_count(view, report)
    five = shown[5][0]
    original = next(p for p in report.providers if p.estimate.count == 5)
    unprotected = attrs.evolve(
        view,
        practices=tuple(
            attrs.evolve(
                p,
                count=5,
                rate=original.estimate.rate,
                list_size=original.estimate.population,
                suppressed=False,
            )
            if p is five
            else p
            for p in view.practices
        ),
    )

    assert disclosures(unprotected, truth_of(report), 5) == [
        f"{shown[3][0].pseudonym}: total − shown gives [3]"
    ]


@pytest.mark.parametrize(
    ("counts", "hidden"),
    [
        # 1 and 5 sum to 6: the 1 must be 1 (6 − at least 5): add the 6 as well; then 12 =
        # 1–2 + 5–6 + 5–6.
        ([1, 5, 6, 9, 10, 11, 12, 13, 14, 15], [1, 5, 6]),
        # 4 + 4 = 8 with both at most 4: both are 4. With the 7: 15 = 1–4 + 1–4 + 7–13.
        ([4, 4, 7, 8, 9, 10, 11, 12, 13, 14], [4, 4, 7]),
        # 2 + 3 = 5: each could be 1–4; nothing more to hide.
        ([2, 3, 7, 8, 9, 10, 11, 12, 13, 14], [2, 3]),
        # Nothing small: nothing hidden, the mean and median stay.
        ([5, 6, 7, 8, 9, 10, 11, 12, 13, 14], []),
    ],
)
def test_complementary_suppression_by_hand(counts: list[int], hidden: list[int]) -> None:
    report = make_report(cluster_of(counts))
    view = cluster_view(report, CLUSTER, key=KEY)
    shown = by_count(view, report)

    assert sorted(c for c, ps in shown.items() for p in ps if p.suppressed) == hidden
    assert (view.cluster_metric.mean_rate is None) == bool(hidden)
    assert disclosures(view, truth_of(report), 5) == []


def test_threshold_is_configurable() -> None:
    counts = [2, 3, 4, 7, 8, 9, 10, 11, 12, 13]
    report = make_report(cluster_of(counts))

    at_three = by_count(cluster_view(report, CLUSTER, key=KEY, threshold=3), report)
    at_one = cluster_view(report, CLUSTER, key=KEY, threshold=1)

    # 2 alone is small under 3: 2 + the 3 = 5, the 2 could be 1 or 2; the 3 could be 3 or 4.
    assert sorted(c for c, ps in at_three.items() for p in ps if p.suppressed) == [2, 3]
    assert at_three[4][0].count == 4
    assert not any(p.suppressed for p in at_one.practices)
    assert at_one.suppression_threshold == 1
    assert not any("vises ikke (markeret" in note for note in at_one.notes)


def test_notes_say_what_is_hidden_in_danish() -> None:
    view = cluster_view(make_report(cluster_of(THIRTY_SEVEN)), CLUSTER, key=KEY)

    assert view.notes[1] == (
        'Antal fra 1 til 4 vises ikke (markeret ".."), og heller ikke rate, '
        "sikkerhedsinterval og præcis listestørrelse for de praksis, det gælder."
    )
    assert any(note.startswith("Også et eller flere større antal er skjult") for note in view.notes)


def test_a_total_that_cannot_be_protected_is_hidden_instead() -> None:
    # 1 + 5 = 6: hiding both still gives the 1 (6 − at least 5). Nothing left to hide: the
    # total goes, and the 5 is shown again.
    report = make_report(cluster_of([1, 5]))
    view = cluster_view(report, CLUSTER, key=KEY, small_cluster=0)
    shown = by_count(view, report)

    assert shown[1][0].suppressed
    assert shown[5][0].count == 5
    assert view.cluster_metric.pooled.count is None
    assert view.cluster_metric.pooled.rate is None
    assert view.cluster_metric.pooled.population == 1500 + 2500
    assert view.cluster_metric.fees is None
    assert "Klyngens samlede antal vises ikke, fordi et skjult antal ellers kunne regnes ud." in (
        view.notes
    )
    assert disclosures(view, truth_of(report), 5) == []


def test_a_small_cluster_total_is_hidden() -> None:
    report = make_report(cluster_of([1, 2, 0]))
    view = cluster_view(report, CLUSTER, key=KEY)

    assert view.cluster_metric.pooled.count is None
    assert "Klyngens samlede antal er under 5 og vises ikke." in view.notes
    assert [p.suppressed for p in by_count(view, report)[0]] == [False]


def test_region_and_country_are_shown_with_rounded_summaries() -> None:
    report = make_report(cluster_of(THIRTY_SEVEN))
    view = cluster_view(report, CLUSTER, key=KEY)
    region = next(r for r in report.regions if r.name == NORTH)

    assert view.region_metric.pooled.count == region.pooled.count == 37 + 40 + 22
    assert view.region_metric.median_rate == round(region.median_rate or 0, 2)
    assert view.country_metric.pooled.count == 37 + 40 + 22 + 31
    assert view.funnel.region == NORTH


# -- baseline and follow-up -----------------------------------------------------------------


def test_changes_hide_what_would_give_a_small_count_back() -> None:
    before = cluster_of([9, 3, 6, 8, 10, 11, 12, 13, 14, 15])
    after = cluster_of([9, 12, 6, 8, 10, 11, 12, 13, 14, 15])
    report = make_report(after, baseline=before)
    view = cluster_view(report, CLUSTER, key=KEY)
    names = pseudonym_mapping(report, CLUSTER, key=KEY)
    changes = {c.name: c for c in view.changes}

    small, partner = changes[names["100002"]], changes[names["100003"]]  # 3 and 6 at baseline
    assert small.baseline.count is None
    assert small.baseline.rate is None
    assert small.followup.count == 12  # shown: the follow-up has nothing small
    assert small.ratio is None
    assert small.p_value is None
    assert small.versus_region is None
    assert small.suppressed
    assert partner.suppressed
    assert partner.baseline.count is None
    assert partner.followup.count == 6
    plain = changes[names["100001"]]
    assert (plain.baseline.count, plain.followup.count, plain.p_value) == (9, 9, 0.4321)
    assert changes[CLUSTER].baseline.count == 101
    assert changes[CLUSTER].followup.count == 110
    assert changes[NORTH].level is GroupLevel.REGION
    assert not any(c.name.isdigit() for c in view.changes)
    assert view.baseline_period == BASELINE


def test_pseudonyms_are_stable_from_baseline_to_follow_up() -> None:
    one, two, three, four = (Practice(f"{n:06d}", 10, 3000) for n in (12, 34, 56, 78))
    baseline = make_report([one, two, three])
    followup = make_report([two, three, four], baseline=[one, two, three])

    before = pseudonym_mapping(baseline, CLUSTER, key=KEY)
    after = pseudonym_mapping(followup, CLUSTER, key=KEY)

    assert sorted(before.values()) == ["Praksis A", "Praksis B", "Praksis C"]
    assert after["000034"] == before["000034"]
    assert after["000056"] == before["000056"]
    assert after["000012"] == before["000012"]  # left: still named in the comparison
    assert after["000078"] == "Praksis D"  # joined: after every baseline letter
    view = cluster_view(followup, CLUSTER, key=KEY)
    assert "Kommet til siden udgangspunktet: Praksis D." in view.notes
    assert f"Ikke længere med siden udgangspunktet: {before['000012']}." in view.notes


@settings(max_examples=40, deadline=None)
@given(
    baseline=st.sets(st.integers(1, 40), min_size=1, max_size=15),
    followup=st.sets(st.integers(1, 40), min_size=1, max_size=15),
)
def test_a_baseline_practice_keeps_its_letter_whoever_joins_or_leaves(
    baseline: set[int], followup: set[int]
) -> None:
    def practices(ids: set[int]) -> list[Practice]:
        return [Practice(f"{200000 + n:06d}", 8, 2500) for n in sorted(ids)]

    before = pseudonym_mapping(make_report(practices(baseline)), CLUSTER, key=KEY)
    after_report = make_report(practices(followup), baseline=practices(baseline))
    after = pseudonym_mapping(after_report, CLUSTER, key=KEY)

    assert all(after[p] == name for p, name in before.items())
    assert len(set(after.values())) == len(after)


def test_different_keys_give_different_letters() -> None:
    report = make_report(cluster_of([7] * 8))

    one = pseudonym_mapping(report, CLUSTER, key="nøgle-1")
    other = pseudonym_mapping(report, CLUSTER, key=b"noegle-2")

    assert one != other
    assert sorted(one.values()) == sorted(other.values())
    assert pseudonym_mapping(report, CLUSTER, key="nøgle-1") == one


def test_the_key_comes_from_the_environment_or_a_public_default(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    report = make_report(cluster_of([7] * 8))
    monkeypatch.delenv(PSEUDONYM_KEY_ENV, raising=False)
    assert resolve_pseudonym_key() == DEFAULT_PSEUDONYM_KEY
    default = pseudonym_mapping(report, CLUSTER)

    monkeypatch.setenv(PSEUDONYM_KEY_ENV, KEY)
    assert resolve_pseudonym_key() == KEY.encode()
    assert pseudonym_mapping(report, CLUSTER) == pseudonym_mapping(report, CLUSTER, key=KEY)
    assert pseudonym_mapping(report, CLUSTER) != default
    with pytest.raises(PrivacyError, match="empty"):
        resolve_pseudonym_key("")


def test_letters_go_on_after_z() -> None:
    report = make_report(cluster_of([9] * 30))

    names = list(pseudonym_mapping(report, CLUSTER, key=KEY).values())
    view = cluster_view(report, CLUSTER, key=KEY)

    expected = [f"Praksis {c}" for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"]
    assert names == [*expected, "Praksis AA", "Praksis AB", "Praksis AC", "Praksis AD"]
    assert [p.pseudonym for p in view.practices] == names  # the view is in letter order


def test_a_previous_mapping_is_kept_and_letters_are_never_reused() -> None:
    report = make_report(cluster_of([9] * 3))
    previous = {"100002": "Praksis Z", "100003": "Praksis AZ", "999999": "Praksis C"}

    names = pseudonym_mapping(report, CLUSTER, key=KEY, previous=previous)

    assert names == {"100002": "Praksis Z", "100003": "Praksis AZ", "100001": "Praksis BA"}
    with pytest.raises(PrivacyError, match="two practices"):
        pseudonym_mapping(report, CLUSTER, previous={"100001": "Praksis A", "1": "Praksis A"})
    with pytest.raises(PrivacyError, match="'Practice A' is not a pseudonym"):
        pseudonym_mapping(report, CLUSTER, previous={"100001": "Practice A"})


# -- list-size bands ------------------------------------------------------------------------


def test_a_small_cluster_shows_bands_and_rates_but_no_counts() -> None:
    # Under 2.000: two practices; 2.000–3.999: two; 9.000 alone in 8.000–9.999, merged with
    # its only neighbour into 2.000–9.999.
    sizes = [1500, 1800, 2500, 3100, 9000]
    report = make_report(cluster_of([7, 3, 11, 12, 20], sizes))
    view = cluster_view(report, CLUSTER, key=KEY)
    names = pseudonym_mapping(report, CLUSTER, key=KEY)
    shown = {p.pseudonym: p for p in view.practices}
    practice = {pid: shown[name] for pid, name in names.items()}

    assert view.banded
    assert [practice[f"10000{i}"].list_size_band for i in range(1, 6)] == [
        "under 2.000",
        "under 2.000",
        "2.000–9.999",
        "2.000–9.999",
        "2.000–9.999",
    ]
    assert all(p.list_size is None and p.count is None for p in view.practices)
    assert all(p.lower is None and p.upper is None for p in view.practices)
    assert practice["100003"].rate == round(11 / 2500 * PER, 1) == 4.4
    assert practice["100002"].suppressed
    assert practice["100002"].rate is None
    assert not practice["100001"].suppressed
    assert view.cluster_metric.pooled.count == 53  # the total stays
    assert any(note.startswith("Klyngen har færre end 10 praksis") for note in view.notes)


def test_a_small_cluster_change_shows_rounded_rates_and_ratios_only() -> None:
    before = cluster_of([6, 2, 9, 12], [1500, 1800, 2500, 3100])
    after = cluster_of([8, 7, 9, 15], [1500, 1800, 2500, 3100])
    report = make_report(after, baseline=before)
    previous = {"100001": "Praksis K", "100002": "Praksis B", "100003": "Praksis C"}

    view = cluster_view(report, CLUSTER, key=KEY, previous=previous)
    changes = {c.name: c for c in view.changes}

    assert [p.pseudonym for p in view.practices] == [
        "Praksis B",
        "Praksis C",
        "Praksis K",
        "Praksis L",  # 100004: after the highest letter in the previous mapping
    ]
    first = changes["Praksis K"]  # 6 → 8 on 1500
    assert first.baseline.count is None
    assert first.baseline.population is None
    assert first.baseline.population_band == "under 2.000"
    assert (first.baseline.rate, first.followup.rate) == (4.0, 5.3)
    assert first.ratio == round(8 / 6, 2) == 1.33
    assert first.versus_region == round(8 / 6 / 1.1, 2)
    assert (first.lower, first.upper, first.p_value) == (None, None, None)
    small = changes["Praksis B"]  # 2 at baseline: the change is hidden, 7 now has its rate
    assert small.suppressed
    assert small.ratio is None
    assert small.baseline.rate is None
    assert small.followup.rate == round(7 / 1800 * PER, 1)
    assert changes[CLUSTER].followup.count == 39  # the cluster's change is shown in full
    assert changes[CLUSTER].p_value == 0.4321


def test_bands_merge_towards_the_smaller_neighbour() -> None:
    # under 2.000: 2; 2.000–3.999: 1 (alone); 4.000–5.999: 3 → merged with the lower band.
    sizes = [1000, 1200, 3000, 4100, 4200, 4300]
    report = make_report(cluster_of([7] * 6, sizes))

    bands = Counter(p.list_size_band for p in cluster_view(report, CLUSTER, key=KEY).practices)

    assert bands == {"under 4.000": 3, "4.000–5.999": 3}


def test_one_band_for_everything_when_nothing_else_works() -> None:
    report = make_report(cluster_of([7, 8], [1000, 12000]))

    bands = {p.list_size_band for p in cluster_view(report, CLUSTER, key=KEY).practices}

    assert bands == {"alle størrelser"}


def test_a_large_cluster_shows_exact_list_sizes() -> None:
    counts = [9, 10, 11, 12, 13, 14, 15, 16, 17, 18]
    report = make_report(cluster_of(counts))
    view = cluster_view(report, CLUSTER, key=KEY)

    assert not view.banded
    assert sorted(p.list_size or 0 for p in view.practices) == sorted(
        1500 + 1000 * (i % 8) for i in range(10)
    )
    # 8.500 is alone in 8.000–9.999 and joins 6.000–7.999 (6.500 and 7.500).
    assert {p.list_size_band for p in view.practices if p.list_size == 8500} == {"6.000–9.999"}
    assert sorted(p.count or 0 for p in view.practices) == counts
    assert view.cluster_metric.mean_rate == report.clusters[0].mean_rate


@pytest.mark.parametrize(
    ("settings_", "message"),
    [
        ({"threshold": 0}, "threshold must be at least 1"),
        ({"threshold": True}, "threshold must be a whole number"),
        ({"small_cluster": -1}, "small_cluster must be a whole number"),
        ({"bands": (2000, 2000)}, "band edges must be increasing"),
        ({"bands": (0, 2000)}, "band edges must be increasing"),
    ],
)
def test_bad_settings_are_refused(settings_: dict[str, object], message: str) -> None:
    report = make_report(cluster_of([7] * 3))

    with pytest.raises(PrivacyError, match=message):
        cluster_view(report, CLUSTER, **settings_)  # type: ignore[arg-type]


# -- what the view never holds --------------------------------------------------------------


def views_to_scan() -> list[tuple[MetricsReport, ClusterView]]:
    large = cluster_of(THIRTY_SEVEN)
    small = cluster_of([7, 3, 11, 12, 20], [1500, 1800, 2500, 3100, 9000])
    out = []
    for after, before in (
        (large, None),
        (large, cluster_of([4, *THIRTY_SEVEN[1:]])),
        (small, small),
    ):
        report = make_report(after, baseline=before, synthetic=True)
        out.append((report, cluster_view(report, CLUSTER, key=KEY)))
    return out


@pytest.mark.parametrize("format", ["json", "yaml"])
def test_no_provider_number_or_patient_pseudonym_leaves(format: Format) -> None:
    for report, view in views_to_scan():
        text = dumps(view, format)
        ids = {p.provider_id for p in (*report.providers, *report.baseline_providers)}
        assert ALL_PATIENTS  # the claims behind the counts had patient pseudonyms
        assert [p for p in ALL_PATIENTS if p in text] == []
        assert [p for p in ids if re.search(rf"(?<![\d.]){p}(?!\d)", text)] == []
        assert "PSN-" not in dumps(report, format)
        assert loads(text, format, ClusterView) == view


def test_the_synthetic_mark_is_copied() -> None:
    report, view = views_to_scan()[0]

    assert view.synthetic
    assert report.synthetic
    assert view.notes[-1].startswith("Tallene er syntetiske")
    assert not any("800001" in note for note in view.notes)  # the report's notes stay behind


def test_a_change_note_naming_a_provider_stays_behind() -> None:
    before = cluster_of([9, 8, 6, 8, 10, 11, 12, 13, 14, 15])
    report = make_report(before, baseline=before)
    first = report.changes[0]
    report = attrs.evolve(
        report,
        changes=(attrs.evolve(first, note=f"{first.name} had a gap"), *report.changes[1:]),
    )

    view = cluster_view(report, CLUSTER, key=KEY)

    assert all(first.name not in c.note for c in view.changes)


# -- unknown clusters -----------------------------------------------------------------------


def test_an_unknown_cluster_names_the_close_ones() -> None:
    report = make_report(cluster_of([7] * 3))

    with pytest.raises(UnknownClusterError) as caught:
        cluster_view(report, "nordklynge")

    assert str(caught.value) == (
        "unknown cluster 'nordklynge'; did you mean 'Nordklyngen', 'Sydklyngen'?"
    )
    assert isinstance(caught.value, KlyngepakkeError)
    assert isinstance(caught.value, LookupError)
    with pytest.raises(
        UnknownClusterError, match="the report has 'Nordklyngen', 'Sydklyngen', 'Vestk"
    ):
        pseudonym_mapping(report, "Fyn")


# -- the coordinator's mapping file ---------------------------------------------------------


def test_the_mapping_is_written_atomically_and_never_over_an_existing_file(tmp_path: Path) -> None:
    report = make_report([Practice("012345", 9, 2000), Practice("054321", 9, 2000)])
    mapping = pseudonym_mapping(report, CLUSTER, key=KEY)
    path = tmp_path / "pseudonymer.csv"

    write_pseudonym_mapping(path, mapping)

    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "ydernummer;pseudonym"
    assert sorted(lines[1:]) == sorted(f"{p};{n}" for p, n in mapping.items())
    assert [line.split(";")[1] for line in lines[1:]] == ["Praksis A", "Praksis B"]
    assert read_pseudonym_mapping(path) == mapping
    with pytest.raises(OutputExistsError):
        write_pseudonym_mapping(path, {"012345": "Praksis Q"})
    assert read_pseudonym_mapping(path) == mapping
    write_pseudonym_mapping(path, {"012345": "Praksis Q"}, force=True)
    assert read_pseudonym_mapping(path) == {"012345": "Praksis Q"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pseudonymer.csv"]  # no temp file
    with pytest.raises(PrivacyError):
        write_pseudonym_mapping(tmp_path / "x.csv", {"012345": "A"})
    assert not (tmp_path / "x.csv").exists()


def test_a_mapping_saved_by_excel_reads_back(tmp_path: Path) -> None:
    path = tmp_path / "pseudonymer.csv"
    path.write_bytes(
        "\ufeffYdernummer;Pseudonym\r\n12345;Praksis A\r\n054321;Praksis B\r\n".encode()
    )

    assert read_pseudonym_mapping(path) == {"012345": "Praksis A", "054321": "Praksis B"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("ydernummer;navn\n012345;Praksis A\n", "no column 'pseudonym'"),
        ("ydernummer;pseudonym\n01234x;Praksis A\n", "row 2: ydernummer '01234x' is not six"),
        ("ydernummer;pseudonym\n012345;A\n", "row 2: 'A' is not a pseudonym"),
        ("ydernummer;pseudonym\n012345;Praksis A\n012345;Praksis B\n", "row 3: ydernummer 01"),
        ("ydernummer;pseudonym\n012345;Praksis A\n054321;Praksis A\n", "row 3: 'Praksis A' is"),
    ],
)
def test_a_bad_mapping_names_file_and_row(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "pseudonymer.csv"
    path.write_text(text, encoding="utf-8")

    with pytest.raises(PrivacyError, match=re.escape(f"{path}: ") + ".*" + re.escape(message)):
        read_pseudonym_mapping(path)


# -- property: whatever the counts, nothing hidden can be worked out ------------------------


@settings(max_examples=60, deadline=None)
@given(
    counts=st.lists(st.integers(0, 12), min_size=1, max_size=14),
    threshold=st.integers(2, 6),
)
def test_no_hidden_count_can_be_worked_out(counts: list[int], threshold: int) -> None:
    report = make_report(cluster_of(counts))

    view = cluster_view(report, CLUSTER, key=KEY, threshold=threshold, small_cluster=0)

    truth = truth_of(report)
    assert disclosures(view, truth, threshold) == []
    for p in view.practices:
        small = 0 < truth[p.pseudonym] < threshold
        assert p.suppressed if small else True
        assert (p.count is None) == p.suppressed
    if view.cluster_metric.pooled.count is not None:
        assert view.cluster_metric.pooled.count == sum(counts)


def test_every_combination_of_small_counts_in_a_tiny_cluster() -> None:
    for counts in itertools.product(range(7), repeat=3):
        report = make_report(cluster_of(list(counts)))
        view = cluster_view(report, CLUSTER, key=KEY, small_cluster=0)
        assert disclosures(view, truth_of(report), 5) == [], counts
