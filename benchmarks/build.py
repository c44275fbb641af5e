"""Time the main job: every artefact for 100 clusters with ``klyngepakke build --orders``.

Made before anything is timed: one synthetic country (:mod:`klyngepakke.metrics.synthetic`,
1,700 practices, about 155 clusters) and its national
:class:`~klyngepakke.metrics.results.MetricsReport`, written as JSON; then for each of 100
clusters a meeting folder (the meeting, 30 synthetic responses, ``build.yaml``) and one row of
an orders file pointing at it.

Timed: :func:`klyngepakke.batch.build_orders` over the orders file with the national report,
one process per core, every artefact (deck, five Word documents, calendar, data, the
questionnaire for every installed platform) for every cluster, into an empty folder. Then the
same again, which must find every cluster up to date. The peak memory reported is the largest
resident set of the parent and of any worker process.

Exits 1 if the build takes over 60 s (``KLYNGEPAKKE_BENCH_BUILD_S``) or a cluster fails. Needs
the ``metrics`` extra and the first-party plugins (``nox -s bench``).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

LIMIT_VAR = "KLYNGEPAKKE_BENCH_BUILD_S"
DEFAULT_LIMIT_S = 60.0


def prepare(root: Path, count: int, seed: int = 0) -> tuple[Path, Path]:
    """The orders file and the national metrics report for ``count`` clusters."""
    from klyngepakke.api import get_package
    from klyngepakke.build import BuildSettings, safe_name
    from klyngepakke.conversion import dump, response_lines
    from klyngepakke.demo import default_start, synthetic_meeting
    from klyngepakke.fileio import atomic_write_text
    from klyngepakke.metrics.engine import compute_metrics
    from klyngepakke.metrics.synthetic import generate_country
    from klyngepakke.service_data import ServiceDataFile, ServiceDataKind
    from klyngepakke.testing import synthetic_responses

    package = get_package("akutfunktioner")
    assert package.questionnaire is not None
    definition = package.metrics[0]
    services = [s for s in package.service_codes if s.code in definition.service_codes]
    country = generate_country(seed=seed, year=2026, service_code=definition.service_codes[0])
    files = {}
    for kind, write in (
        (ServiceDataKind.COUNTS, country.write_counts),
        (ServiceDataKind.LIST_SIZES, country.write_list_sizes),
        (ServiceDataKind.MEMBERSHIP, country.write_membership),
    ):
        path = write(root / f"{kind.value}-syntetisk.parquet")
        files[kind] = ServiceDataFile(kind, path, path.name, 0)
    report = compute_metrics(
        definition,
        services,
        counts=files[ServiceDataKind.COUNTS],
        list_sizes=files[ServiceDataKind.LIST_SIZES],
        membership=files[ServiceDataKind.MEMBERSHIP],
    )
    report_path = dump(report, root / "landsrapport-syntetisk.json")
    clusters = sorted(group.name for group in report.clusters)
    if len(clusters) < count:
        sys.exit(f"error: the synthetic country has {len(clusters)} clusters, not {count}")
    rows = ["klynge;emne;dato;start;mappe"]
    start = default_start()
    for number, cluster in enumerate(clusters[:count]):
        folder = root / "moeder" / safe_name(cluster)
        folder.mkdir(parents=True)
        meeting = synthetic_meeting(package, cluster=cluster, start=start)
        dump(meeting, folder / "meeting.yaml")
        dump(BuildSettings(invited=45, synthetic=True), folder / "build.yaml")
        responses = synthetic_responses(package.questionnaire, 30, seed=seed + number)
        atomic_write_text(folder / "responses.jsonl", response_lines(responses))
        rows.append(f"{cluster};akutfunktioner;{start:%Y-%m-%d};{start:%H:%M};{folder}")
    orders = root / "bestillinger.csv"
    orders.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return orders, report_path


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and report; return 1 if the target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--clusters", type=int, default=100)
    parser.add_argument("--jobs", type=int, help="worker processes (default: one per core)")
    args = parser.parse_args(argv)
    limit = float(os.environ.get(LIMIT_VAR) or DEFAULT_LIMIT_S)
    from klyngepakke.batch import build_orders

    with tempfile.TemporaryDirectory(prefix="klyngepakke-bench-build-") as folder:
        root = Path(folder)
        started = time.perf_counter()
        orders, report = prepare(root, args.clusters)
        print(
            f"{args.clusters} meeting folders made in {time.perf_counter() - started:.1f} s "
            "(not timed)"
        )
        output = root / "materiale"
        started = time.perf_counter()
        result = build_orders(orders, output, metrics_report=report, jobs=args.jobs)
        seconds = time.perf_counter() - started
        files = sum(len(outcome.files) for outcome in result.outcomes)
        size = sum(f.stat().st_size for f in output.rglob("*") if f.is_file()) / 1024 / 1024
        workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        parent = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"build: {args.clusters} clusters, {files} files ({size:.0f} MiB) in {seconds:.1f} s "
            f"({seconds / args.clusters * 1000:.0f} ms per cluster) on {os.cpu_count()} cores; "
            f"peak RSS {parent:.0f} MiB parent, {workers:.0f} MiB largest worker"
        )
        failed = result.failed
        for outcome in failed:
            print(f"  failed: {outcome.cluster}: {outcome.reason}")
        started = time.perf_counter()
        again = build_orders(orders, output, metrics_report=report, jobs=args.jobs)
        rerun = time.perf_counter() - started
        fresh = sum(outcome.status == "up to date" for outcome in again.outcomes)
        print(f"again: {fresh} of {args.clusters} up to date in {rerun:.1f} s")
        shutil.rmtree(output, ignore_errors=True)
    problems = []
    if seconds > limit:
        problems.append(f"the build took {seconds:.1f} s, over {limit:.0f} s ({LIMIT_VAR})")
    if failed:
        problems.append(f"{len(failed)} clusters failed")
    if fresh != args.clusters:
        problems.append(f"only {fresh} of {args.clusters} clusters were up to date the second time")
    for problem in problems:
        print(f"build: FAILED: {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
