"""One cluster's metrics as they may leave KiAP: pseudonymised, small counts hidden.

:func:`cluster_view` turns a :class:`~klyngepakke.metrics.results.MetricsReport` (real
provider numbers, KiAP only) into the :class:`~klyngepakke.metrics.results.ClusterView` of one
cluster, which is what slides and documents may show. No provider number and no patient
pseudonym is ever part of a view (the report holds no patient pseudonyms to begin with).

Pseudonyms
    Practices are called "Praksis A", "Praksis B", …, "Praksis Z", "Praksis AA", …. The
    letters are given in the order of HMAC-SHA256(key, cluster, provider number), first to the
    cluster's practices in the baseline, then to those that joined since. Guarantee: *with the
    same key, a practice of the baseline gets the same letter in the baseline report and in the
    follow-up report, whichever practices joined or left in between, and no letter ever names
    two practices in one cluster*; a practice that left keeps its letter in the follow-up (the
    follow-up report must carry ``baseline_providers`` for this; without them only the current
    practices are known and letters can shift when a practice left). A letter drawn from the
    hash alone (a "slot" per practice) cannot give this: with short names two practices share
    a slot now and then, and whichever way that is resolved, a practice arriving or leaving
    changes another's letter. For more than one round (a second follow-up compared with the
    first), pass the coordinator's mapping from the last round as ``previous``: those practices
    keep their pseudonyms and new ones get letters after the highest one used.
    The key matters: with the built-in default anyone with the public list of provider numbers
    of a cluster can recompute the letters. KiAP should set a secret key
    (``KLYNGEPAKKE_PSEUDONYM_KEY`` or ``key=``) and keep it between baseline and follow-up.
    The mapping from provider number to pseudonym is never part of a view; it is written for
    the coordinator only on request (:func:`write_pseudonym_mapping`).

Small counts
    A count from 1 to ``threshold - 1`` (1–4 by default) is hidden, with the practice's rate,
    interval and exact list size (rate × list size would give the count back). Zero is shown.
    The cluster's total stays shown, so hidden counts must not be recoverable by subtraction:
    the hidden counts of a period are protected when each of them could still be at least two
    different numbers, given their sum (total minus the shown counts) and what a reader may
    know of each, namely that a small count is between 1 and ``threshold - 1`` and any other
    hidden count is at least ``threshold`` (a reader is assumed to know which is which). While
    that fails (one hidden count alone, or e.g. two hidden counts of 4), the smallest shown
    count above zero is hidden too (complementary suppression), and so on; zeros are never used
    for this, since a reader could guess them. If every count is hidden and it still fails,
    the cluster's total is hidden instead and only the small counts stay hidden. A total that
    is itself small is hidden. A practice's change (ratio, interval, p-value, versus region)
    is hidden when either of its counts is, and the mean and median of the practice rates are
    hidden when any practice rate is (they would give it back).

Small clusters
    In a cluster with fewer than ``small_cluster`` practices (10 by default: a practice's size
    then tends to identify it), list sizes are shown as bands (``"2.000–3.999"``), merged
    until no band holds a single practice where the cluster has two or more. A count and a
    rate together give the list size back (count × 1000 / rate), as does an exact interval, so
    in these clusters a practice shows its band, its rate rounded to one decimal and its
    funnel flag, but no count and no interval; its change shows rounded rates and a ratio
    rounded to two decimals. The cluster's total and pooled rate are shown as usual.

Compared by municipality
    For a metric compared by municipality (:class:`~klyngepakke.model.ReferenceLevel`), the
    view also shows the municipality of most of the cluster's practices, whose total holds
    some of the cluster's practices and maybe others. With the cluster's total it gives more
    away: the cluster's total less the municipality's is the sum of the cluster's practices
    elsewhere, and the municipality's less the cluster's shown counts that of its other
    practices. The two totals together must not pin down a hidden count, nor the count of a
    practice outside the cluster (each counting as at least 0), beyond what the cluster's
    total does alone. While they do, another count of the cluster is hidden (the one that
    helps most, smallest first, with what the cluster's total then needs); when nothing helps
    (a banded cluster shows no counts to hide), the municipality's count, rate, interval and
    population are hidden, its funnel is left out (its target and ends would give them back)
    and no change is set against it. The mean and median of its practices' rates are hidden
    when a practice of the cluster in it has its count hidden. The same applies to the
    baseline.

What is not protected: a funnel flag narrows a hidden count somewhat (it is shown: it is what
the meeting discusses); views of several clusters of one region put together could give back a
hidden cluster total from the region's total; a funnel's curve runs from the smallest to the
largest list size of its region or municipality, which may be a practice's.
"""

from __future__ import annotations

import difflib
import hashlib
import hmac
import itertools
import math
import os
import re
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Final

import attrs

from klyngepakke.errors import KlyngepakkeError
from klyngepakke.fileio import atomic_write_text
from klyngepakke.metrics.results import (
    ClusterView,
    FunnelData,
    GroupLevel,
    GroupMetric,
    MetricsReport,
    ProviderMetric,
    RateChange,
    RateEstimate,
    ShownChange,
    ShownEstimate,
    ShownGroup,
    ShownPractice,
)
from klyngepakke.model import ReferenceLevel

__all__ = [
    "DEFAULT_BAND_EDGES",
    "DEFAULT_PSEUDONYM_KEY",
    "DEFAULT_SMALL_CLUSTER",
    "DEFAULT_THRESHOLD",
    "HIDDEN_MARK",
    "PSEUDONYM_KEY_ENV",
    "PrivacyError",
    "UnknownClusterError",
    "cluster_view",
    "pseudonym_mapping",
    "read_pseudonym_mapping",
    "resolve_pseudonym_key",
    "write_pseudonym_mapping",
]

DEFAULT_THRESHOLD: Final = 5
"""Counts from 1 to ``threshold - 1`` are hidden."""
DEFAULT_SMALL_CLUSTER: Final = 10
"""Clusters with fewer practices than this show list-size bands instead of list sizes."""
DEFAULT_BAND_EDGES: Final = (2000, 4000, 6000, 8000, 10000)
"""Where list-size bands start: under 2.000, 2.000–3.999, …, 10.000 og derover."""
PSEUDONYM_KEY_ENV: Final = "KLYNGEPAKKE_PSEUDONYM_KEY"
"""The environment variable that holds KiAP's secret pseudonym key."""
DEFAULT_PSEUDONYM_KEY: Final = b"klyngepakke pseudonyms v1 (public default: set your own key)"
"""Used when no key is given: public, so anyone can recompute the letters."""
HIDDEN_MARK: Final = ".."
"""How a hidden number is shown (as Danmarks Statistik marks confidential cells)."""

_PREFIX: Final = "Praksis "
_LETTERS: Final = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_PSEUDONYM: Final = re.compile(r"Praksis ([A-Z]+)")
_MAPPING_HEADER: Final = ("ydernummer", "pseudonym")
_PRACTICE_RATE_DIGITS: Final = 1
_PRACTICE_RATIO_DIGITS: Final = 2
_SUMMARY_DIGITS: Final = 2


class PrivacyError(KlyngepakkeError, ValueError):
    """Settings or a pseudonym mapping that cannot be used."""


class UnknownClusterError(KlyngepakkeError, LookupError):
    """The report has no cluster of that name."""

    def __init__(self, name: str, known: Collection[str]) -> None:
        self.name = name
        self.close = _close_names(name, known)
        if self.close:
            hint = "did you mean " + ", ".join(repr(c) for c in self.close) + "?"
        elif not known:
            hint = "the report has no clusters"
        elif len(known) <= 10:
            hint = "the report has " + ", ".join(repr(k) for k in sorted(known))
        else:
            hint = f"none of the report's {len(known)} clusters has a similar name"
        super().__init__(f"unknown cluster {name!r}; {hint}")


def _close_names(name: str, known: Collection[str]) -> tuple[str, ...]:
    folded = name.casefold().strip()
    by_fold = {k.casefold(): k for k in known}
    close = [by_fold[k] for k in difflib.get_close_matches(folded, list(by_fold), n=5)]
    contained = sorted(k for k in known if folded and folded in k.casefold())
    return tuple(dict.fromkeys([*close, *contained]))[:5]


# -- pseudonyms -----------------------------------------------------------------------------


def resolve_pseudonym_key(key: bytes | str | None = None) -> bytes:
    """The key to use: ``key``, else ``$KLYNGEPAKKE_PSEUDONYM_KEY``, else the public default.

    Compare the result with :data:`DEFAULT_PSEUDONYM_KEY` to warn that no secret key is set.
    """
    if key is None:
        key = os.environ.get(PSEUDONYM_KEY_ENV) or DEFAULT_PSEUDONYM_KEY
    raw = key.encode("utf-8") if isinstance(key, str) else bytes(key)
    if not raw:
        raise PrivacyError("the pseudonym key is empty")
    return raw


def _letters(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA, 27 → AB, … (bijective base 26, like spreadsheet columns)."""
    out = ""
    number = index + 1
    while number:
        number, rest = divmod(number - 1, 26)
        out = _LETTERS[rest] + out
    return out


def _pseudonym_index(pseudonym: str) -> int:
    match = _PSEUDONYM.fullmatch(pseudonym)
    if match is None:
        raise PrivacyError(f"{pseudonym!r} is not a pseudonym like 'Praksis A'")
    number = 0
    for letter in match.group(1):
        number = number * 26 + _LETTERS.index(letter) + 1
    return number - 1


@attrs.frozen
class _Scope:
    """One cluster's practices in a report."""

    current: tuple[ProviderMetric, ...]
    baseline_ids: frozenset[str]
    practice_changes: tuple[RateChange, ...]
    left: tuple[str, ...]
    joined: tuple[str, ...]

    @property
    def all_ids(self) -> frozenset[str]:
        return self.baseline_ids | {p.provider_id for p in self.current}


def _scope(report: MetricsReport, cluster: str) -> _Scope:
    current = tuple(p for p in report.providers if p.cluster == cluster)
    current_ids = {p.provider_id for p in current}
    changes = tuple(c for c in report.changes if c.level is None and c.name in current_ids)
    if report.baseline_period is None:
        baseline_ids: frozenset[str] = frozenset()
    elif report.baseline_providers:
        baseline_ids = frozenset(
            p.provider_id for p in report.baseline_providers if p.cluster == cluster
        )
    else:  # an older report: only the practices in both periods are known
        baseline_ids = frozenset(c.name for c in changes)
    left = tuple(sorted(baseline_ids - current_ids))
    joined = tuple(sorted(current_ids - baseline_ids)) if report.baseline_period else ()
    return _Scope(current, baseline_ids, changes, left, joined)


def _assign(
    scope: _Scope, cluster: str, key: bytes | str | None, previous: Mapping[str, str] | None
) -> dict[str, str]:
    secret = resolve_pseudonym_key(key)

    def order(provider: str) -> tuple[bytes, str]:
        message = f"{cluster}\x1f{provider}".encode()
        return hmac.new(secret, message, hashlib.sha256).digest(), provider

    names: dict[str, str] = {}
    next_index = 0
    if previous:
        indices = {provider: _pseudonym_index(name) for provider, name in previous.items()}
        if len(set(indices.values())) < len(indices):
            raise PrivacyError("the previous mapping gives one pseudonym to two practices")
        next_index = max(indices.values()) + 1
        names = {p: previous[p] for p in scope.all_ids if p in previous}
    first = sorted(scope.baseline_ids - names.keys(), key=order)
    then = sorted(scope.all_ids - scope.baseline_ids - names.keys(), key=order)
    for offset, provider in enumerate([*first, *then]):
        names[provider] = _PREFIX + _letters(next_index + offset)
    return dict(sorted(names.items(), key=lambda item: _pseudonym_index(item[1])))


def pseudonym_mapping(
    report: MetricsReport,
    cluster: str,
    *,
    key: bytes | str | None = None,
    previous: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """Provider number → pseudonym for one cluster, in letter order (for the coordinator)."""
    _cluster_metric(report, cluster)
    return _assign(_scope(report, cluster), cluster, key, previous)


def write_pseudonym_mapping(
    path: str | Path, mapping: Mapping[str, str], *, force: bool = False
) -> None:
    """Write ``ydernummer;pseudonym`` lines atomically; an existing file needs ``force``."""
    rows = sorted(mapping.items(), key=lambda item: _pseudonym_index(item[1]))
    lines = [";".join(_MAPPING_HEADER), *(f"{provider};{name}" for provider, name in rows)]
    atomic_write_text(path, "\n".join(lines) + "\n", force=force)


def read_pseudonym_mapping(path: str | Path) -> dict[str, str]:
    """Read a mapping written by :func:`write_pseudonym_mapping` (also after Excel saved it).

    Provider numbers that lost their leading zeros are padded back to six digits.
    """
    from klyngepakke.tables import read_table

    table = read_table(path)
    header = tuple(cell.strip().casefold().lstrip("\ufeff") for cell in table.header)
    missing = [column for column in _MAPPING_HEADER if column not in header]
    if missing:
        raise PrivacyError(f"{path}: no column {missing[0]!r} (expected ydernummer;pseudonym)")
    mapping: dict[str, str] = {}
    seen: dict[str, str] = {}
    for row, record in table.records():
        cells = dict(zip(header, record.values(), strict=True))
        provider, name = cells["ydernummer"].strip(), cells["pseudonym"].strip()
        if not provider and not name:
            continue
        if provider.isdigit() and len(provider) < 6:
            provider = provider.zfill(6)
        if not (provider.isdigit() and len(provider) == 6):
            raise PrivacyError(f"{path}: row {row}: ydernummer {provider!r} is not six digits")
        try:
            _pseudonym_index(name)
        except PrivacyError as exc:
            raise PrivacyError(f"{path}: row {row}: {exc}") from None
        if provider in mapping:
            raise PrivacyError(f"{path}: row {row}: ydernummer {provider} appears twice")
        if name in seen:
            raise PrivacyError(f"{path}: row {row}: {name!r} is also given to {seen[name]}")
        mapping[provider], seen[name] = name, provider
    return mapping


# -- list-size bands ------------------------------------------------------------------------


def _thousands(number: int) -> str:
    return f"{number:,}".replace(",", ".")


@attrs.frozen
class _Band:
    low: int
    high: int | None
    """Exclusive; ``None``: no upper limit."""
    practices: int = 0

    def holds(self, size: int) -> bool:
        return self.low <= size and (self.high is None or size < self.high)

    @property
    def label(self) -> str:
        if self.high is None:
            return "alle størrelser" if self.low == 0 else f"{_thousands(self.low)} og derover"
        if self.low == 0:
            return f"under {_thousands(self.high)}"
        return f"{_thousands(self.low)}–{_thousands(self.high - 1)}"


def _bands(sizes: Sequence[int], edges: tuple[int, ...]) -> tuple[_Band, ...]:
    """Bands holding the sizes; a band with one practice is merged with a neighbour."""
    bounds: list[int | None] = [0, *edges, None]
    bands = [
        _Band(low, high, sum(1 for s in sizes if _Band(low, high).holds(s)))
        for low, high in itertools.pairwise(bounds)
        if low is not None
    ]
    bands = [band for band in bands if band.practices]
    while len(bands) > 1:
        single = next((i for i, band in enumerate(bands) if band.practices == 1), None)
        if single is None:
            break
        neighbours = [i for i in (single - 1, single + 1) if 0 <= i < len(bands)]
        other = min(neighbours, key=lambda i: (bands[i].practices, i))
        lower, upper = sorted((single, other))
        merged = _Band(
            bands[lower].low, bands[upper].high, bands[lower].practices + bands[upper].practices
        )
        bands[lower : upper + 1] = [merged]
    return tuple(bands)


def _band_label(bands: Sequence[_Band], size: int) -> str:
    if size <= 0:
        return ""
    return next((band.label for band in bands if band.holds(size)), "")


# -- suppression ----------------------------------------------------------------------------


@attrs.frozen
class _Hidden:
    """What one period's practice counts and cluster total hide."""

    cells: frozenset[str]
    complementary: frozenset[str] = frozenset()
    total: bool = False
    total_small: bool = False
    for_reference: bool = False
    """Some counts are hidden so that the reference municipality's total gives none back."""


def _protected(hidden: Sequence[tuple[int, int, float]]) -> bool:
    """Whether each hidden value could still be two numbers, given their sum and ranges.

    ``hidden`` holds (value, least, most) per cell; a reader knows the sum of the values and
    each cell's range, so a cell lies between ``sum - (the others' most)`` and ``sum - (the
    others' least)``, within its own range.
    """
    if not hidden:
        return True
    total = sum(value for value, _, _ in hidden)
    least_sum = sum(least for _, least, _ in hidden)
    unbounded = sum(1 for _, _, most in hidden if math.isinf(most))
    bounded_sum = sum(most for _, _, most in hidden if not math.isinf(most))
    for _, least, most in hidden:
        if unbounded - (1 if math.isinf(most) else 0) > 0:
            others_most = math.inf
        else:
            others_most = bounded_sum - (0 if math.isinf(most) else most)
        lowest = max(least, total - others_most)
        highest = min(most, total - (least_sum - least))
        if highest - lowest < 1:
            return False
    return True


def _suppress(
    cells: Mapping[str, int],
    total: int,
    threshold: int,
    order: Callable[[str], int],
    *,
    complementary: bool,
) -> _Hidden:
    small = frozenset(p for p, count in cells.items() if 0 < count < threshold)
    if 0 < total < threshold:
        return _Hidden(small, total=True, total_small=True)
    if not complementary:
        return _Hidden(small)

    def ranges(hidden: Iterable[str]) -> list[tuple[int, int, float]]:
        return [
            (cells[p], 1, threshold - 1) if p in small else (cells[p], threshold, math.inf)
            for p in hidden
        ]

    hidden = set(small)
    candidates = sorted(
        (p for p, count in cells.items() if count >= threshold), key=lambda p: (cells[p], order(p))
    )
    while not _protected(ranges(hidden)):
        if not candidates:
            return _Hidden(small, total=True)
        hidden.add(candidates.pop(0))
    return _Hidden(frozenset(hidden), frozenset(hidden - small))


@attrs.frozen
class _Part:
    """A total shown beside the cluster's over some of its practices and others: a municipality.

    ``members`` are the cluster's practices in it (keys of the period's cells); ``outside``
    the counts of its other practices, which the view does not show.
    """

    members: frozenset[str]
    outside: tuple[int, ...]
    total: int


_Cell = tuple[int, int, float]
"""A hidden count: its value, and the least and most a reader knows it can be."""


def _pinned(
    shared: Sequence[_Cell],
    cluster_only: Sequence[_Cell],
    town_only: Sequence[_Cell],
    *,
    cluster_total: bool,
    town_total: bool,
) -> set[tuple[int, int]]:
    """The hidden counts that the shown totals pin down to one value, as (group, index).

    Two totals may be shown: the cluster's (over ``shared`` and ``cluster_only``) and the
    municipality's (over ``shared`` and ``town_only``); each is known less the counts shown.
    Sums of whole-number ranges are whole-number ranges, so a count's possible values are
    the range left by the others' least and most sums (as in :func:`_protected`).
    """
    groups = (shared, cluster_only, town_only)
    first = sum(v for v, _, _ in (*shared, *cluster_only))
    second = sum(v for v, _, _ in (*shared, *town_only))

    def span(cells: Sequence[_Cell], skip: int | None) -> tuple[float, float]:
        rest = [c for i, c in enumerate(cells) if i != skip]
        return sum(c[1] for c in rest), sum(c[2] for c in rest)

    pinned = set()
    for g, cells in enumerate(groups):
        for i, (_, least, most) in enumerate(cells):
            low_a, high_a = span(shared, i if g == 0 else None)
            low_b, high_b = span(cluster_only, i if g == 1 else None)
            low_o, high_o = span(town_only, i if g == 2 else None)
            # Where the shared cells' sum may lie, by each total shown.
            by_cluster = (first - high_b, first - low_b) if cluster_total else (-math.inf, math.inf)
            by_town = (second - high_o, second - low_o) if town_total else (-math.inf, math.inf)
            if g == 0:
                lowest = max(least, max(by_cluster[0], by_town[0]) - high_a)
                highest = min(most, min(by_cluster[1], by_town[1]) - low_a)
            elif g == 1 and cluster_total:
                a_low, a_high = max(low_a, by_town[0]), min(high_a, by_town[1])
                lowest = max(least, first - a_high - high_b)
                highest = min(most, first - a_low - low_b)
            elif g == 2 and town_total:
                a_low, a_high = max(low_a, by_cluster[0]), min(high_a, by_cluster[1])
                lowest = max(least, second - a_high - high_o)
                highest = min(most, second - a_low - low_o)
            else:
                lowest, highest = least, most
            if highest - lowest < 1:
                pinned.add((g, i))
    return pinned


def _suppress_part(
    cells: Mapping[str, int],
    cluster: _Hidden,
    part: _Part,
    threshold: int,
    order: Callable[[str], int],
    *,
    complementary: bool,
) -> tuple[_Hidden, bool]:
    """Protect the part's total too; return the hidden cells and whether to hide that total.

    A reader knows the cluster's and the part's totals, the counts the view shows and which
    hidden counts are small; of the part's other practices nothing but that each is at least
    0. Together the two totals must not pin down a hidden count, nor the count of a practice
    outside the cluster (when it is the only other one), beyond what the cluster's total does
    alone (which :func:`_suppress` has seen to). While they do, another count of the cluster
    is hidden, with what the cluster's total then needs hidden: the one, smallest first, that
    leaves the fewest counts pinned down. In a banded cluster no count is shown (but a rate of
    0 gives a zero back), so nothing more can be hidden; then, or when nothing helps, the
    part's total is hidden instead.
    """
    if 0 < part.total < threshold:
        return cluster, True
    small = frozenset(p for p, count in cells.items() if 0 < count < threshold)

    def cell(p: str) -> _Cell:
        return (cells[p], 1, threshold - 1) if p in small else (cells[p], threshold, math.inf)

    def exposed(hidden: Collection[str]) -> int:
        """How many counts the part's total pins down beyond what the cluster's does."""
        unknown = [p for p in cells if (p in hidden if complementary else cells[p] > 0)]
        groups = (
            [cell(p) for p in unknown if p in part.members],
            [cell(p) for p in unknown if p not in part.members],
            [(count, 0, math.inf) for count in part.outside],
        )
        alone = _pinned(*groups, cluster_total=not cluster.total, town_total=False)
        both = _pinned(*groups, cluster_total=not cluster.total, town_total=True)
        return len(both - alone)

    def with_cluster_protected(hidden: set[str]) -> set[str] | None:
        """``hidden`` and what the cluster's total then needs hidden too (as in _suppress)."""
        more = sorted(
            (p for p in cells if cells[p] >= threshold and p not in hidden),
            key=lambda p: (cells[p], order(p)),
        )
        while not cluster.total and not _protected([cell(p) for p in hidden]):
            if not more:
                return None
            hidden = hidden | {more.pop(0)}
        return hidden

    hidden = set(cluster.cells)
    left = exposed(hidden)
    while left:
        if not complementary:
            return cluster, True
        tries = [
            found
            for p in sorted(
                (p for p in cells if cells[p] >= threshold and p not in hidden),
                key=lambda p: (cells[p], order(p)),
            )
            for found in [with_cluster_protected(hidden | {p})]
            if found is not None
        ]
        best = min(tries, key=exposed, default=None)  # the first of the best, smallest first
        if best is None or exposed(best) >= left:
            return cluster, True
        hidden = best
        left = exposed(hidden)
    added = hidden - cluster.cells
    shown = _Hidden(
        frozenset(hidden),
        cluster.complementary | added,
        cluster.total,
        cluster.total_small,
        bool(added),
    )
    return shown, False


# -- the view -------------------------------------------------------------------------------


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


def _group_estimate(estimate: RateEstimate, *, hidden: bool) -> ShownEstimate:
    if hidden:
        return ShownEstimate(None, estimate.population, estimate.per, None, None, None, "", True)
    return ShownEstimate(
        estimate.count,
        estimate.population,
        estimate.per,
        estimate.rate,
        estimate.lower,
        estimate.upper,
    )


def _practice_estimate(
    estimate: RateEstimate, *, hidden: bool, banded: bool, band: str
) -> ShownEstimate:
    population = estimate.population if estimate.population <= 0 else None
    if hidden:
        return ShownEstimate(None, population, estimate.per, None, None, None, band, True)
    if banded:
        rate = _round(estimate.rate, _PRACTICE_RATE_DIGITS)
        return ShownEstimate(None, population, estimate.per, rate, None, None, band)
    return ShownEstimate(
        estimate.count,
        estimate.population,
        estimate.per,
        estimate.rate,
        estimate.lower,
        estimate.upper,
        band,
    )


def _group(
    group: GroupMetric, *, count_hidden: bool, summary_hidden: bool, digits: int | None
) -> ShownGroup:
    def summary(value: float | None) -> float | None:
        if summary_hidden:
            return None
        return value if digits is None else _round(value, digits)

    return ShownGroup(
        level=group.level,
        name=group.name,
        region=group.region,
        practices=group.practices,
        pooled=_group_estimate(group.pooled, hidden=count_hidden),
        mean_rate=summary(group.mean_rate),
        median_rate=summary(group.median_rate),
        fees=None if count_hidden else group.fees,
    )


def _group_change(
    change: RateChange, *, baseline_hidden: bool, followup_hidden: bool
) -> ShownChange:
    hidden = baseline_hidden or followup_hidden
    return ShownChange(
        level=change.level,
        name=change.name,
        baseline=_group_estimate(change.baseline, hidden=baseline_hidden),
        followup=_group_estimate(change.followup, hidden=followup_hidden),
        ratio=None if hidden else change.ratio,
        lower=None if hidden else change.lower,
        upper=None if hidden else change.upper,
        p_value=None if hidden else change.p_value,
        versus_region=None if hidden else change.versus_region,
        note=_HIDDEN_CHANGE if hidden else change.note,
        suppressed=hidden,
    )


_HIDDEN_CHANGE: Final = "Ændringen vises ikke, fordi den ville afsløre et skjult antal."


def _cluster_metric(report: MetricsReport, cluster: str) -> GroupMetric:
    found = next((g for g in report.clusters if g.name == cluster), None)
    if found is None:
        raise UnknownClusterError(cluster, {g.name for g in report.clusters})
    return found


def _check_settings(threshold: int, bands: Sequence[int], small_cluster: int) -> tuple[int, ...]:
    for name, value in (("threshold", threshold), ("small_cluster", small_cluster)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise PrivacyError(f"{name} must be a whole number >= 0, got {value!r}")
    if threshold < 1:
        raise PrivacyError(f"threshold must be at least 1 (1: hide nothing), got {threshold}")
    edges = tuple(bands)
    if any(isinstance(e, bool) or not isinstance(e, int) or e <= 0 for e in edges) or any(
        a >= b for a, b in itertools.pairwise(edges)
    ):
        raise PrivacyError(f"band edges must be increasing whole numbers > 0, got {edges!r}")
    return edges


def cluster_view(
    report: MetricsReport,
    cluster: str,
    *,
    threshold: int = DEFAULT_THRESHOLD,
    bands: Sequence[int] = DEFAULT_BAND_EDGES,
    small_cluster: int = DEFAULT_SMALL_CLUSTER,
    key: bytes | str | None = None,
    previous: Mapping[str, str] | None = None,
) -> ClusterView:
    """One cluster's metrics, pseudonymised and with small counts hidden (see the module).

    ``threshold``: counts from 1 to ``threshold - 1`` are hidden; ``bands``: where list-size
    bands start; ``small_cluster``: fewer practices than this show bands, not list sizes;
    ``key``: the pseudonym key (default ``$KLYNGEPAKKE_PSEUDONYM_KEY``); ``previous``: the
    coordinator's mapping from an earlier round, whose pseudonyms are kept.
    Raises :class:`UnknownClusterError` for a cluster not in the report.
    """
    edges = _check_settings(threshold, bands, small_cluster)
    group = _cluster_metric(report, cluster)
    region = next((g for g in report.regions if g.name == group.region), None)
    by_municipality = report.reference is ReferenceLevel.MUNICIPALITY
    reference = group.municipality if by_municipality else group.region
    municipality = next((g for g in report.municipalities if g.name == reference), None)
    funnel = next(
        (f for f in report.funnels if f.region == reference and f.reference is report.reference),
        None,
    )
    if region is None or funnel is None or (by_municipality and municipality is None):
        raise PrivacyError(
            f"the report has no {report.reference.value} metrics or funnel for {reference!r}"
        )
    scope = _scope(report, cluster)
    names = _assign(scope, cluster, key, previous)
    index = {provider: _pseudonym_index(name) for provider, name in names.items()}
    banded = len(scope.current) < small_cluster

    now_cells = {p.provider_id: p.estimate.count for p in scope.current}
    now = _suppress(
        now_cells, group.pooled.count, threshold, index.__getitem__, complementary=not banded
    )
    cluster_change = next(
        (c for c in report.changes if c.level is GroupLevel.CLUSTER and c.name == cluster), None
    )
    region_change = _group_change_of(report, GroupLevel.REGION, region.name)
    before_cells = {c.name: c.baseline.count for c in scope.practice_changes}
    before_total = cluster_change.baseline.count if cluster_change else sum(before_cells.values())
    before = _suppress(
        before_cells, before_total, threshold, index.__getitem__, complementary=not banded
    )
    municipal_change = None
    reference_hidden = (False, False)  # the municipality's total: now, in the baseline
    if municipality is not None:
        municipal_change = _group_change_of(report, GroupLevel.MUNICIPALITY, municipality.name)
        now_part, before_part = _municipal_parts(report, scope, municipality, municipal_change)
        now, now_hidden = _suppress_part(
            now_cells, now, now_part, threshold, index.__getitem__, complementary=not banded
        )
        before_hidden = False
        if before_part is not None:
            before, before_hidden = _suppress_part(
                before_cells,
                before,
                before_part,
                threshold,
                index.__getitem__,
                complementary=not banded,
            )
        reference_hidden = (now_hidden, before_hidden)
        if now_hidden:
            funnel = FunnelData(
                region=municipality.name,
                target_rate=0.0,
                per=report.per,
                curve=(),
                phi=None,
                limits_too_narrow=False,
                note=_HIDDEN_FUNNEL,
                reference=ReferenceLevel.MUNICIPALITY,
            )
    now_bands = _bands([p.estimate.population for p in scope.current], edges)
    before_bands = _bands([c.baseline.population for c in scope.practice_changes], edges)

    practices = []
    for practice in sorted(scope.current, key=lambda p: index[p.provider_id]):
        hidden = practice.provider_id in now.cells
        shown = _practice_estimate(
            practice.estimate,
            hidden=hidden,
            banded=banded,
            band=_band_label(now_bands, practice.estimate.population),
        )
        practices.append(
            ShownPractice(
                pseudonym=names[practice.provider_id],
                count=shown.count,
                rate=shown.rate,
                lower=shown.lower,
                upper=shown.upper,
                list_size=shown.population,
                list_size_band=shown.population_band,
                suppressed=hidden,
                flag=practice.flag,
            )
        )

    # A change against a hidden municipal total would give it back (ratio / versus).
    versus_hidden = any(reference_hidden)
    changes = [
        _practice_change(
            change,
            names[change.name],
            hidden_before=change.name in before.cells,
            hidden_now=change.name in now.cells,
            banded=banded,
            bands=(before_bands, now_bands),
            report=report,
            versus_hidden=versus_hidden,
        )
        for change in sorted(scope.practice_changes, key=lambda c: index[c.name])
    ]
    if cluster_change is not None:
        shown_change = _group_change(
            cluster_change, baseline_hidden=before.total, followup_hidden=now.total
        )
        if versus_hidden:
            shown_change = attrs.evolve(shown_change, versus_region=None)
        changes.append(shown_change)
    if municipal_change is not None:
        changes.append(
            _group_change(
                municipal_change,
                baseline_hidden=reference_hidden[1],
                followup_hidden=reference_hidden[0],
            )
        )
    if region_change is not None:
        changes.append(
            _group_change(
                region_change,
                baseline_hidden=0 < region_change.baseline.count < threshold,
                followup_hidden=0 < region_change.followup.count < threshold,
            )
        )

    return ClusterView(
        cluster=cluster,
        region=group.region,
        metric_id=report.metric_id,
        metric_title=report.metric_title,
        per=report.per,
        period=report.period,
        practices=tuple(practices),
        cluster_metric=_group(
            group,
            count_hidden=now.total,
            summary_hidden=bool(now.cells),
            digits=_PRACTICE_RATE_DIGITS if banded else None,
        ),
        region_metric=_region_group(region, threshold),
        country_metric=_region_group(report.country, threshold),
        funnel=funnel,
        suppression_threshold=threshold,
        notes=_notes(
            report,
            scope,
            names,
            threshold,
            small_cluster,
            banded=banded,
            periods=(now, before),
            reference=(municipality.name, any(reference_hidden)) if municipality else None,
        ),
        changes=tuple(changes),
        synthetic=report.synthetic,
        baseline_period=report.baseline_period,
        banded=banded,
        reference=report.reference,
        municipality_metric=(
            None
            if municipality is None
            else _municipal_group(
                municipality,
                hidden=reference_hidden[0],
                summary_hidden=any(
                    p.provider_id in now.cells
                    for p in scope.current
                    if p.municipality == municipality.name
                ),
            )
        ),
    )


_HIDDEN_FUNNEL: Final = (
    "Tragten for kommunen vises ikke, fordi kommunens niveau ville afsløre et skjult antal."
)


def _group_change_of(report: MetricsReport, level: GroupLevel, name: str) -> RateChange | None:
    return next((c for c in report.changes if c.level is level and c.name == name), None)


def _municipal_parts(
    report: MetricsReport,
    scope: _Scope,
    municipality: GroupMetric,
    change: RateChange | None,
) -> tuple[_Part, _Part | None]:
    """The reference municipality's total in the follow-up and (with a change) the baseline."""
    name = municipality.name
    current = frozenset(p.provider_id for p in scope.current if p.municipality == name)
    now = _Part(
        current,
        tuple(
            p.estimate.count
            for p in report.providers
            if p.municipality == name and p.provider_id not in current
        ),
        municipality.pooled.count,
    )
    if change is None:
        return now, None
    home = {p.provider_id: p.municipality for p in scope.current}
    members = frozenset(c.name for c in scope.practice_changes if home.get(c.name) == name)
    if report.baseline_providers:
        outside = tuple(
            p.estimate.count
            for p in report.baseline_providers
            if p.municipality == name and p.provider_id not in members
        )
    else:  # an older report: the rest of the municipality's count as one practice
        counts = {c.name: c.baseline.count for c in scope.practice_changes}
        rest = change.baseline.count - sum(counts[p] for p in members)
        outside = (rest,) if rest else ()
    return now, _Part(members, outside, change.baseline.count)


def _practice_change(
    change: RateChange,
    pseudonym: str,
    *,
    hidden_before: bool,
    hidden_now: bool,
    banded: bool,
    bands: tuple[Sequence[_Band], Sequence[_Band]],
    report: MetricsReport,
    versus_hidden: bool = False,
) -> ShownChange:
    hidden = hidden_before or hidden_now

    def ratio(value: float | None, *, exact_only: bool = False) -> float | None:
        if hidden or (banded and exact_only):
            return None
        return _round(value, _PRACTICE_RATIO_DIGITS) if banded else value

    return ShownChange(
        level=None,
        name=pseudonym,
        baseline=_practice_estimate(
            change.baseline,
            hidden=hidden_before,
            banded=banded,
            band=_band_label(bands[0], change.baseline.population),
        ),
        followup=_practice_estimate(
            change.followup,
            hidden=hidden_now,
            banded=banded,
            band=_band_label(bands[1], change.followup.population),
        ),
        ratio=ratio(change.ratio),
        lower=ratio(change.lower, exact_only=True),
        upper=ratio(change.upper, exact_only=True),
        p_value=ratio(change.p_value, exact_only=True),
        versus_region=None if versus_hidden else ratio(change.versus_region),
        note=_HIDDEN_CHANGE if hidden else _without_ids(change.note, report),
        suppressed=hidden,
    )


def _municipal_group(group: GroupMetric, *, hidden: bool, summary_hidden: bool) -> ShownGroup:
    """The reference municipality, its total hidden as :func:`_suppress_part` decides.

    A hidden total hides the population too: less the list sizes shown, it could give a
    practice's back.
    """
    shown = _group(group, count_hidden=hidden, summary_hidden=summary_hidden, digits=2)
    if hidden:
        shown = attrs.evolve(shown, pooled=attrs.evolve(shown.pooled, population=None))
    return shown


def _region_group(group: GroupMetric, threshold: int) -> ShownGroup:
    # A median is one practice's rate, maybe of a practice of this cluster: rounded, it no
    # longer pins down that practice's count and list size.
    return _group(
        group,
        count_hidden=0 < group.pooled.count < threshold,
        summary_hidden=False,
        digits=_SUMMARY_DIGITS,
    )


def _without_ids(note: str, report: MetricsReport) -> str:
    """The engine's note on a practice, unless it names a provider."""
    ids = {p.provider_id for p in (*report.providers, *report.baseline_providers)}
    return "" if any(found in ids for found in re.findall(r"\d{6}", note)) else note


def _notes(
    report: MetricsReport,
    scope: _Scope,
    names: Mapping[str, str],
    threshold: int,
    small_cluster: int,
    *,
    banded: bool,
    periods: Sequence[_Hidden],
    reference: tuple[str, bool] | None = None,
) -> tuple[str, ...]:
    """The view's notes, in Danish.

    ``reference``: the municipality compared with, and whether its total is hidden (``None``
    when compared with the region).
    """
    notes = ["Praksis vises med pseudonymer (Praksis A, B, …)."]
    if reference is not None:
        municipalities = {p.municipality for p in scope.current}
        if len(municipalities) > 1:
            notes.append(
                "Hver praksis sammenlignes med niveauet i sin egen kommune, klyngen med "
                f"{reference[0]}, hvor de fleste af klyngens praksis ligger."
            )
        else:
            notes.append(
                f"Praksis sammenlignes med niveauet i kommunen ({reference[0]}), ikke i regionen."
            )
    if threshold > 1:
        small = "Antal på 1" if threshold == 2 else f"Antal fra 1 til {threshold - 1}"
        notes.append(
            f'{small} vises ikke (markeret "{HIDDEN_MARK}"), og heller ikke rate, '
            "sikkerhedsinterval og præcis listestørrelse for de praksis, det gælder."
        )
    if any(period.for_reference for period in periods):
        notes.append(
            "Også et eller flere større antal er skjult, så intet skjult antal kan regnes ud "
            "fra klyngens eller kommunens samlede antal."
        )
    elif any(period.complementary for period in periods):
        notes.append(
            "Også et eller flere større antal er skjult, så de små ikke kan regnes ud fra "
            "klyngens samlede antal."
        )
    if any(period.total_small for period in periods):
        notes.append(f"Klyngens samlede antal er under {threshold} og vises ikke.")
    if any(period.total and not period.total_small for period in periods):
        notes.append(
            "Klyngens samlede antal vises ikke, fordi et skjult antal ellers kunne regnes ud."
        )
    if reference is not None and reference[1]:
        notes.append(
            "Kommunens samlede antal og niveau vises ikke, fordi et skjult antal ellers kunne "
            "regnes ud."
        )
    if periods[0].cells:
        notes.append(
            "Gennemsnit og median af praksissernes rater vises ikke, fordi de sammen med de "
            "viste rater ville afsløre en skjult rate."
        )
    if banded:
        notes.append(
            f"Klyngen har færre end {small_cluster} praksis: listestørrelser vises som "
            "intervaller, rater er afrundet til én decimal, og antal og sikkerhedsintervaller "
            "pr. praksis vises ikke, fordi de sammen med raten ville afsløre listestørrelsen."
        )
    if scope.joined:
        joined = ", ".join(sorted((names[p] for p in scope.joined), key=_pseudonym_index))
        notes.append(f"Kommet til siden udgangspunktet: {joined}.")
    if scope.left:
        left = ", ".join(sorted((names[p] for p in scope.left), key=_pseudonym_index))
        notes.append(f"Ikke længere med siden udgangspunktet: {left}.")
    if report.synthetic:
        notes.append(
            "Tallene er syntetiske: de er lavet til afprøvning og handler ikke om rigtige praksis."
        )
    return tuple(notes)
