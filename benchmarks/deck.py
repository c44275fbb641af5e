"""Time the meeting deck: one full deck, and 100 decks for 100 clusters.

The bundles are made before anything is timed: the akutfunktioner package; one synthetic
country (:mod:`klyngepakke.metrics.synthetic`, 1,700 practices, about 155 clusters) and its
:class:`~klyngepakke.metrics.results.MetricsReport`, from which each cluster gets its
:func:`~klyngepakke.metrics.privacy.cluster_view`; and per cluster a meeting with the
cluster's name, survey results from :func:`klyngepakke.testing.synthetic_responses` with the
cluster's own seed, and the dated runbook. These are full decks: survey results and metrics,
every chart, notes on every slide.

1. One deck (the first cluster's): built and saved to memory
   (:func:`klyngepakke_pptx._deck.build_deck` and ``Presentation.save``, i.e. everything
   the ``pptx`` exporter does but the disk write), after one warm-up, best of ``--runs``.
2. 100 decks for 100 clusters, each built and saved, spread over one process per core as
   ``klyngepakke build --orders`` does (``--jobs`` to choose); the total wall-clock time,
   process start-up and each process's first, cold deck included.

Exits 1 if a target is missed: 150 ms for one deck and 15 s for the 100, overridable by
``KLYNGEPAKKE_BENCH_DECK_MS`` and ``KLYNGEPAKKE_BENCH_DECKS_S``. Needs the ``metrics`` extra and
the ``klyngepakke-pptx`` and ``klyngepakke-akutfunktioner`` plugins (``nox -s bench``).
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

DECK_VAR = "KLYNGEPAKKE_BENCH_DECK_MS"
DECKS_VAR = "KLYNGEPAKKE_BENCH_DECKS_S"
DEFAULT_DECK_MS = 150.0
DEFAULT_DECKS_S = 15.0


def limit_from_env(name: str, default: float) -> float:
    """A limit from the environment variable ``name``, or ``default``."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return float(value)
    except ValueError:
        sys.exit(f"error: {name}={value!r} is not a number")


def make_bundles(count: int, seed: int = 0) -> list[Any]:
    """``count`` complete synthetic bundles, one per cluster of one synthetic country."""
    from klyngepakke.api import get_package
    from klyngepakke.bundle import MeetingBundle
    from klyngepakke.demo import synthetic_meeting
    from klyngepakke.metrics.engine import compute_metrics
    from klyngepakke.metrics.privacy import cluster_view
    from klyngepakke.metrics.synthetic import generate_country
    from klyngepakke.planning import plan_runbook
    from klyngepakke.service_data import ServiceDataFile, ServiceDataKind
    from klyngepakke.survey_results import aggregate
    from klyngepakke.testing import synthetic_responses

    package = get_package("akutfunktioner")
    assert package.questionnaire is not None
    definition = package.metrics[0]
    services = [s for s in package.service_codes if s.code in definition.service_codes]
    country = generate_country(seed=seed, year=2026, service_code=definition.service_codes[0])
    with tempfile.TemporaryDirectory(prefix="klyngepakke-bench-deck-") as folder:
        files = {}
        for kind, write in (
            (ServiceDataKind.COUNTS, country.write_counts),
            (ServiceDataKind.LIST_SIZES, country.write_list_sizes),
            (ServiceDataKind.MEMBERSHIP, country.write_membership),
        ):
            path = write(Path(folder) / f"{kind.value}-syntetisk.parquet")
            files[kind] = ServiceDataFile(kind, path, path.name, 0)
        report = compute_metrics(
            definition,
            services,
            counts=files[ServiceDataKind.COUNTS],
            list_sizes=files[ServiceDataKind.LIST_SIZES],
            membership=files[ServiceDataKind.MEMBERSHIP],
        )
    clusters = sorted(group.name for group in report.clusters)
    if len(clusters) < count:
        sys.exit(f"error: the synthetic country has {len(clusters)} clusters, not {count}")
    bundles = []
    for number, cluster in enumerate(clusters[:count]):
        meeting = synthetic_meeting(package, cluster=cluster)
        responses = synthetic_responses(package.questionnaire, 30, seed=seed + number)
        bundles.append(
            MeetingBundle(
                package,
                meeting=meeting,
                survey=aggregate(package.questionnaire, responses, invited=45),
                metrics=cluster_view(report, cluster, key=f"bench-{seed}"),
                plan=plan_runbook(package, meeting.start, meeting_id=meeting.id),
                synthetic=True,
            )
        )
    return bundles


def deck_bytes(bundle: Any) -> bytes:
    """The bundle's deck as the exporter would write it."""
    from klyngepakke_pptx._deck import build_deck

    buffer = io.BytesIO()
    build_deck(bundle).save(buffer)
    return buffer.getvalue()


def deck_size(bundle: Any) -> int:
    """The size of the bundle's deck (for a worker process)."""
    return len(deck_bytes(bundle))


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and report; return 1 if a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=10, help="timed runs of one deck")
    parser.add_argument("--decks", type=int, default=100, help="decks for as many clusters")
    parser.add_argument("--jobs", type=int, help="processes for the 100 (default: one per core)")
    args = parser.parse_args(argv)
    if args.runs < 1 or args.decks < 1:
        parser.error("--runs and --decks must be at least 1")
    deck_limit = limit_from_env(DECK_VAR, DEFAULT_DECK_MS)
    decks_limit = limit_from_env(DECKS_VAR, DEFAULT_DECKS_S)

    start = time.perf_counter()
    bundles = make_bundles(args.decks)
    print(f"{len(bundles)} bundles made in {time.perf_counter() - start:.1f} s (not timed)")

    first = deck_bytes(bundles[0])  # warm-up: imports, fonts, the template
    from pptx import Presentation

    slides = len(Presentation(io.BytesIO(first)).slides)
    timings, cpu = [], []
    for _ in range(args.runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        deck_bytes(bundles[0])
        timings.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    best = min(timings) * 1000
    median = sorted(timings)[len(timings) // 2] * 1000
    print(
        f"one deck ({slides} slides, {len(first) / 1024:.0f} KiB): best {best:.0f} ms, "
        f"median {median:.0f} ms of {args.runs} runs (CPU best {min(cpu) * 1000:.0f} ms); "
        f"target {deck_limit:g} ms"
    )

    workers = args.jobs or len(os.sched_getaffinity(0))
    start = time.perf_counter()
    if workers == 1:
        sizes = [len(deck_bytes(bundle)) for bundle in bundles]
    else:
        from concurrent.futures import ProcessPoolExecutor

        # As `klyngepakke build --orders` does: one process per core, each warmed up by its
        # first deck (imports, fonts, template) inside the timed run.
        with ProcessPoolExecutor(max_workers=workers) as pool:
            sizes = list(
                pool.map(deck_size, bundles, chunksize=max(1, len(bundles) // workers // 4))
            )
    total = time.perf_counter() - start
    print(
        f"{len(bundles)} decks for {len(bundles)} clusters: {total:.1f} s on {workers} "
        f"processes ({total / len(bundles) * 1000:.0f} ms a deck; "
        f"{sum(sizes) / 2**20:.1f} MiB in all); target {decks_limit:g} s"
    )

    failed = False
    if best > deck_limit:
        print(f"FAIL one deck took {best:.0f} ms > {deck_limit:g} ms ({DECK_VAR})")
        failed = True
    if total > decks_limit:
        print(f"FAIL {len(bundles)} decks took {total:.1f} s > {decks_limit:g} s ({DECKS_VAR})")
        failed = True
    if failed:
        return 1
    print("OK: decks within targets")
    return 0


if __name__ == "__main__":
    sys.exit(main())
