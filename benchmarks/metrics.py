"""Time the metrics engine at national size: 30 million claims in canonical Parquet.

The data come from :mod:`klyngepakke.metrics.synthetic` (1,700 practices in 5 regions, one
year of claims of service 0124, membership and quarterly list sizes) and are generated once,
then kept in ``~/.cache/klyngepakke-bench/`` (or ``$KLYNGEPAKKE_BENCH_CACHE``) under a name
made of the seed, the number of practices and the number of claims.

Each measurement runs in its own child process, so its peak memory is its own: the parent
reads the child's peak resident set size (``ru_maxrss``) from ``os.wait4``.

1. The engine: :func:`klyngepakke.metrics.engine.compute_metrics` end to end on the Parquet
   files (period, counts, fees, list sizes, membership, rates and intervals, clusters, regions,
   country, funnels, the twice-a-day rule) after one warm-up, best of ``--runs``; then one
   more run under ``tracemalloc`` for the peak of Python's own allocations (DuckDB's memory
   is outside Python and shows only in the RSS).
2. The same without the twice-a-day rule (``check_limits=False``), for information: what
   the billing-limit pass costs.
3. A straightforward pandas implementation of the same computation (read the Parquet files,
   filter, group, merge, rates and intervals, pooled rates, mean and median, funnel
   classification, the rule check by grouping on practice, day and patient); its time as a
   ratio to the engine's, and its peak RSS. Checked against the engine's numbers.

Exits 1 if the engine's best time or peak RSS (the full run, rule check included) is over
its limit: 1.0 s and 500 MiB by default, overridable by ``KLYNGEPAKKE_BENCH_METRICS_S`` and
``KLYNGEPAKKE_BENCH_METRICS_MIB``.
When a limit is missed, the slowest queries are shown with DuckDB's ``EXPLAIN ANALYZE``.
Run it where klyngepakke with the ``metrics`` extra and pandas are installed
(``nox -s bench``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import os
import subprocess
import sys
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path
from typing import Any

TIME_VAR = "KLYNGEPAKKE_BENCH_METRICS_S"
MEMORY_VAR = "KLYNGEPAKKE_BENCH_METRICS_MIB"
CACHE_VAR = "KLYNGEPAKKE_BENCH_CACHE"
DEFAULT_TIME_S = 1.0
DEFAULT_MEMORY_MIB = 500.0
MIB = 1024 * 1024

MEMBERSHIP = "klyngemedlemskab-syntetisk.parquet"
LIST_SIZES = "gruppe1-sikrede-syntetisk.parquet"
CLAIMS = "ydelser-pr-kontakt-syntetisk.parquet"


def service_and_metric() -> tuple[Any, Any]:
    """Service 0124 and its metric as the akutfunktioner package defines them."""
    from klyngepakke.model import BillingLimit, Fee, LimitPeriod, MetricDefinition, ServiceCode

    service = ServiceCode(
        "0124",
        "Lægefaglig vurdering af patienter på kommunal akutfunktion",
        fees=(Fee(Decimal("173.06"), dt.date(2024, 4, 1)),),
        limits=(BillingLimit(2, LimitPeriod.DAY, per_patient=True),),
    )
    metric = MetricDefinition("0124_per_1000", "Ydelse 0124 pr. 1000 gruppe 1-sikrede", ("0124",))
    return service, metric


# -- the data ------------------------------------------------------------------------------


def ensure_data(seed: int, providers: int, claims: int) -> Path:
    """The cached folder with the three Parquet files, generated if it is not there yet."""
    root = Path(os.environ.get(CACHE_VAR) or Path.home() / ".cache" / "klyngepakke-bench")
    folder = root / f"metrics-v3-seed{seed}-providers{providers}-claims{claims}"
    if (folder / "complete").exists():
        return folder
    from klyngepakke.metrics.synthetic import generate_country

    print(f"generating {claims:,} synthetic claims in {folder} (once) ...", flush=True)
    started = time.perf_counter()
    folder.mkdir(parents=True, exist_ok=True)
    country = generate_country(providers=providers, seed=seed)
    country.write_membership(folder / MEMBERSHIP)
    country.write_list_sizes(folder / LIST_SIZES)
    country.write_claims(folder / CLAIMS, rows=claims)
    (folder / "complete").write_text("", encoding="utf-8")
    print(f"  done in {time.perf_counter() - started:.1f} s", flush=True)
    return folder


def input_files(folder: Path) -> dict[str, Any]:
    from klyngepakke.service_data import ServiceDataFile, ServiceDataKind

    def canonical(kind: ServiceDataKind, name: str) -> ServiceDataFile:
        return ServiceDataFile(kind, folder / name, name, 0)

    return {
        "claims": canonical(ServiceDataKind.CLAIMS, CLAIMS),
        "list_sizes": canonical(ServiceDataKind.LIST_SIZES, LIST_SIZES),
        "membership": canonical(ServiceDataKind.MEMBERSHIP, MEMBERSHIP),
    }


# -- children ------------------------------------------------------------------------------


def child_engine(folder: Path, runs: int, check_limits: bool) -> dict[str, Any]:
    from klyngepakke.metrics.engine import compute_metrics

    service, metric = service_and_metric()
    files = input_files(folder)

    def once() -> Any:
        return compute_metrics(metric, [service], check_limits=check_limits, **files)

    once()  # warm-up: imports, the operating system's file cache
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        report = once()
        times.append(time.perf_counter() - started)
    tracemalloc.start()
    once()
    _, python_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "times": times,
        "python_peak": python_peak,
        "summary": summary(report),
    }


def summary(report: Any) -> dict[str, Any]:
    """What both implementations must agree on."""
    return {
        "period": [report.period.start.isoformat(), report.period.end.isoformat()],
        "practices": len(report.providers),
        "clusters": len(report.clusters),
        "count": report.country.pooled.count,
        "population": report.country.pooled.population,
        "fees": f"{report.country.fees:.0f}",  # whole kroner: pandas sums floats
        "violations": len(report.violations),
        "cluster_rates": {g.name: round(g.pooled.rate, 4) for g in report.clusters},
        "cluster_means": {g.name: round(g.mean_rate, 4) for g in report.clusters},
        "cluster_medians": {g.name: round(g.median_rate, 4) for g in report.clusters},
        "region_rates": {g.name: round(g.pooled.rate, 4) for g in report.regions},
        "flags": sorted(
            {flag: sum(p.flag.value == flag for p in report.providers) for flag in FLAGS}.items()
        ),
    }


FLAGS = ("within", "above_95", "above_998", "below_95", "below_998")


def child_pandas(folder: Path, runs: int) -> dict[str, Any]:
    times = []
    result: dict[str, Any] = {}
    for _ in range(runs):
        started = time.perf_counter()
        result = pandas_metrics(folder)
        times.append(time.perf_counter() - started)
    return {"times": times, "summary": result}


def pandas_metrics(folder: Path) -> dict[str, Any]:
    """The same computation written the obvious way with pandas."""
    import numpy as np
    import pandas as pd
    from scipy import stats  # type: ignore[import-untyped]

    service, metric = service_and_metric()
    limit = service.limits[0].max_count
    claims = pd.read_parquet(folder / CLAIMS)
    claims["day"] = pd.to_datetime(claims["day"])
    end = claims["day"].max()
    start = end + pd.Timedelta(days=1) - pd.DateOffset(months=metric.period_months)
    claims = claims[
        claims["service_code"].isin(metric.service_codes)
        & (claims["day"] >= start)
        & (claims["day"] <= end)
    ]
    fee = service.fees[0]
    claims = claims.assign(
        fee=np.where(claims["day"] >= pd.Timestamp(fee.valid_from), float(fee.amount), 0.0)
    )
    per_practice = claims.groupby("provider_id", observed=True).agg(
        n=("day", "size"), fees=("fee", "sum")
    )

    lists = pd.read_parquet(folder / LIST_SIZES)
    lists["period_start"] = pd.to_datetime(lists["period_start"])
    lists["period_end"] = pd.to_datetime(lists["period_end"])
    first = lists["period_start"].where(lists["period_start"] > start, start)
    last = lists["period_end"].where(lists["period_end"] < end, end)
    lists["days"] = ((last - first).dt.days + 1).clip(lower=0)
    lists = lists[lists["days"] > 0]
    lists["weighted"] = lists["group1_insured"] * lists["days"]
    sizes = lists.groupby("provider_id").agg(weighted=("weighted", "sum"), days=("days", "sum"))
    sizes["list_size"] = np.round(sizes["weighted"] / sizes["days"]).astype("int64")

    members = pd.read_parquet(folder / MEMBERSHIP)
    table = members.merge(sizes[["list_size"]], left_on="provider_id", right_index=True)
    table = table.merge(per_practice, left_on="provider_id", right_index=True, how="left")
    table[["n", "fees"]] = table[["n", "fees"]].fillna(0)
    table["n"] = table["n"].astype("int64")
    table["rate"] = table["n"] / table["list_size"] * metric.per
    table["lower"] = np.where(
        table["n"] > 0, stats.chi2.ppf(0.025, np.maximum(2 * table["n"], 1)) / 2, 0.0
    )
    table["upper"] = stats.chi2.ppf(0.975, 2 * table["n"] + 2) / 2

    def pooled(by: str) -> Any:
        groups = table.groupby(by).agg(
            practices=("provider_id", "size"),
            n=("n", "sum"),
            population=("list_size", "sum"),
            mean_rate=("rate", "mean"),
            median_rate=("rate", "median"),
            fees=("fees", "sum"),
        )
        groups["rate"] = groups["n"] / groups["population"] * metric.per
        return groups

    clusters, regions = pooled("cluster"), pooled("region")
    target = table["region"].map(regions["rate"]) / metric.per * table["list_size"]
    p_above = stats.poisson.sf(table["n"] - 1, target)
    p_below = stats.poisson.cdf(table["n"], target)
    flag = np.select(
        [p_above <= 0.001, p_above <= 0.025, p_below <= 0.001, p_below <= 0.025],
        ["above_998", "above_95", "below_998", "below_95"],
        default="within",
    )
    per_patient_day = claims.groupby(
        ["provider_id", "day", "service_code", "patient"], observed=True
    ).size()
    violations = per_patient_day[per_patient_day > limit]
    return {
        "period": [start.date().isoformat(), end.date().isoformat()],
        "practices": len(table),
        "clusters": len(clusters),
        "count": int(table["n"].sum()),
        "population": int(table["list_size"].sum()),
        "fees": f"{table['fees'].sum():.0f}",
        "violations": len(violations),
        "cluster_rates": {k: round(float(v), 4) for k, v in clusters["rate"].items()},
        "cluster_means": {k: round(float(v), 4) for k, v in clusters["mean_rate"].items()},
        "cluster_medians": {k: round(float(v), 4) for k, v in clusters["median_rate"].items()},
        "region_rates": {k: round(float(v), 4) for k, v in regions["rate"].items()},
        "flags": sorted({f: int((flag == f).sum()) for f in FLAGS}.items()),
    }


def child_explain(folder: Path, slowest: int) -> dict[str, Any]:
    """Run the engine with query timing on, then EXPLAIN ANALYZE its slowest statements."""
    import duckdb

    from klyngepakke.metrics.engine import DEFAULT_MEMORY_LIMIT, compute_metrics

    timings: list[tuple[float, str]] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if record.levelno != logging.DEBUG:  # only the timed statements
                return
            seconds, sql = record.args  # type: ignore[misc]
            timings.append((float(seconds), str(sql)))

    log = logging.getLogger("klyngepakke.metrics.engine")
    log.addHandler(Collect())
    log.setLevel(logging.DEBUG)
    service, metric = service_and_metric()
    compute_metrics(metric, [service], **input_files(folder))
    log.setLevel(logging.WARNING)
    total = sum(seconds for seconds, _ in timings)
    ranked = sorted(timings, reverse=True)
    con = duckdb.connect(
        config={
            "threads": os.cpu_count() or 1,
            "preserve_insertion_order": False,
            "memory_limit": DEFAULT_MEMORY_LIMIT,
        }
    )
    # Replay every statement in order (later ones read the tables earlier ones made),
    # profiling the slowest.
    chosen = {sql for _, sql in ranked[:slowest]}
    plans = []
    for seconds, sql in timings:
        if sql not in chosen:
            con.execute(sql)
            continue
        plan = con.execute(f"EXPLAIN ANALYZE {sql}").fetchall()
        plans.append({"seconds": seconds, "sql": sql, "plan": plan[0][1]})
    return {
        "statements": len(timings),
        "total": total,
        "ranked": [(s, " ".join(q.split())[:160]) for s, q in ranked],
        "plans": plans,
    }


# -- the parent ----------------------------------------------------------------------------


def run_child(*arguments: str) -> tuple[dict[str, Any], float]:
    """Run this script as a child; its JSON result and its peak RSS in MiB."""
    command = [sys.executable, __file__, "--child", *arguments]
    process = subprocess.Popen(command, stdout=subprocess.PIPE)
    assert process.stdout is not None
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"child {' '.join(arguments)} failed with exit code {process.returncode}")
    return json.loads(output), usage.ru_maxrss / 1024  # kilobytes on Linux


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=30_000_000, help="claims rows")
    parser.add_argument("--providers", type=int, default=1700)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=7, help="timed engine runs after a warm-up")
    parser.add_argument("--pandas-runs", type=int, default=1, help="0 skips pandas")
    parser.add_argument("--explain", action="store_true", help="always show EXPLAIN ANALYZE")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        kind, folder = args.child[0], Path(args.child[1])
        if kind == "engine":
            result = child_engine(folder, args.runs, check_limits=True)
        elif kind == "engine-no-rule":
            result = child_engine(folder, args.runs, check_limits=False)
        elif kind == "pandas":
            result = child_pandas(folder, args.pandas_runs)
        else:
            result = child_explain(folder, slowest=2)
        json.dump(result, sys.stdout)
        return 0

    time_limit = float(os.environ.get(TIME_VAR, DEFAULT_TIME_S))
    memory_limit = float(os.environ.get(MEMORY_VAR, DEFAULT_MEMORY_MIB))
    folder = ensure_data(args.seed, args.providers, args.claims)
    size = sum(f.stat().st_size for f in folder.glob("*.parquet")) / MIB
    print(
        f"metrics: {args.claims:,} claims, {args.providers:,} practices, seed {args.seed} "
        f"({size:.0f} MiB of Parquet); {os.cpu_count()} cores"
    )
    runs = ["--runs", str(args.runs)]
    engine, engine_rss = run_child("engine", str(folder), *runs)
    best = min(engine["times"])
    print(
        f"  engine:                best {best:.3f} s of {len(engine['times'])} "
        f"({', '.join(f'{t:.3f}' for t in engine['times'])}); peak RSS {engine_rss:.0f} MiB, "
        f"Python peak {engine['python_peak'] / MIB:.1f} MiB"
    )
    print(
        f"    {engine['summary']['practices']} practices, {engine['summary']['clusters']} "
        f"clusters, {engine['summary']['count']:,} services, "
        f"{engine['summary']['violations']:,} twice-a-day violations"
    )
    light, light_rss = run_child("engine-no-rule", str(folder), *runs)
    light_best = min(light["times"])
    print(
        f"  metrics (no rule):     best {light_best:.3f} s; peak RSS {light_rss:.0f} MiB "
        f"(rates, intervals, pooled/mean/median, funnels, fees for every cluster)"
    )
    if args.pandas_runs > 0:
        pandas, pandas_rss = run_child(
            "pandas", str(folder), "--pandas-runs", str(args.pandas_runs)
        )
        pandas_best = min(pandas["times"])
        print(
            f"  pandas:                best {pandas_best:.3f} s of {len(pandas['times'])}; "
            f"peak RSS {pandas_rss:.0f} MiB; pandas/engine time {pandas_best / best:.1f}x, "
            f"memory {pandas_rss / engine_rss:.1f}x"
        )
        differences = [
            key for key in engine["summary"] if engine["summary"][key] != pandas["summary"][key]
        ]
        if differences:
            print(f"  ! pandas and the engine disagree on {', '.join(differences)}")
            for key in differences:
                print(f"    engine {key}: {str(engine['summary'][key])[:200]}")
                print(f"    pandas {key}: {str(pandas['summary'][key])[:200]}")
    failed = []
    if best > time_limit:
        failed.append(f"engine best time {best:.3f} s is over {time_limit} s ({TIME_VAR})")
    if engine_rss > memory_limit:
        failed.append(
            f"engine peak RSS {engine_rss:.0f} MiB is over {memory_limit:.0f} MiB ({MEMORY_VAR})"
        )
    if failed or args.explain:
        explain, _ = run_child("explain", str(folder))
        print(
            f"  where the time goes ({explain['statements']} statements, "
            f"{explain['total']:.3f} s in DuckDB):"
        )
        for seconds, sql in explain["ranked"][:6]:
            print(f"    {seconds:7.3f} s  {sql}")
        for plan in explain["plans"]:
            print(f"\n  EXPLAIN ANALYZE ({plan['seconds']:.3f} s in the engine run):")
            print("\n".join(f"    {line}" for line in plan["plan"].splitlines()))
    for failure in failed:
        print(f"metrics: FAILED: {failure}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
