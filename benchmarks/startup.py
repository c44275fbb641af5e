"""Start-up time of klyngepakke: ``import klyngepakke`` and ``klyngepakke --help``.

Each command runs in a fresh interpreter (one warm-up, then ``--runs`` timed runs) and the
wall-clock min/median/max is reported raw, next to a bare ``python -c pass`` for context.
``klyngepakke topics`` (which loads every plugin) is reported without a limit. To help find a
slow import, the ten slowest modules by cumulative ``-X importtime`` are listed for each.

Exits 1 if a median is over its limit, in milliseconds, overridable by environment variable:
``KLYNGEPAKKE_BENCH_IMPORT_MS`` (default 100) and ``KLYNGEPAKKE_BENCH_HELP_MS`` (default 300).
Run it in an environment where klyngepakke and its plugins are installed (``nox -s bench``).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import TypedDict

IMPORT_LIMIT_VAR = "KLYNGEPAKKE_BENCH_IMPORT_MS"
HELP_LIMIT_VAR = "KLYNGEPAKKE_BENCH_HELP_MS"
DEFAULT_IMPORT_LIMIT_MS = 100.0
DEFAULT_HELP_LIMIT_MS = 300.0
TOP_MODULES = 10


class Timing(TypedDict):
    """Wall-clock timings of one command, in milliseconds."""

    command: list[str]
    runs: int
    min_ms: float
    median_ms: float
    max_ms: float
    limit_ms: float | None


class ImportTime(TypedDict):
    """One module from ``-X importtime``, in milliseconds."""

    module: str
    self_ms: float
    cumulative_ms: float


def find_script(name: str) -> str:
    """Return the console script *name* next to this interpreter, else the one on PATH."""
    scripts_dir = Path(sys.executable).parent
    for candidate in (scripts_dir / name, scripts_dir / f"{name}.exe"):
        if candidate.is_file():
            return str(candidate)
    found = shutil.which(name)
    if found is None:
        sys.exit(f"error: no {name!r} script next to {sys.executable} or on PATH")
    return found


def run_checked(command: list[str], *, capture_stderr: bool = False) -> str:
    """Run *command* once; exit with its output if it fails. Return its stderr if captured."""
    result = subprocess.run(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL if capture_stderr else subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        sys.exit(
            f"error: {' '.join(command)} exited with {result.returncode}\n"
            f"{result.stdout or ''}{result.stderr}"
        )
    return result.stderr if capture_stderr else ""


def time_command(command: list[str], runs: int, warmup: int, limit_ms: float | None) -> Timing:
    """Run *command* ``warmup + runs`` times and summarise the timed runs."""
    for _ in range(warmup):
        run_checked(command)
    samples: list[float] = []
    for _ in range(runs):
        start = time.perf_counter()
        run_checked(command)
        samples.append((time.perf_counter() - start) * 1000)
    return {
        "command": command,
        "runs": runs,
        "min_ms": round(min(samples), 1),
        "median_ms": round(statistics.median(samples), 1),
        "max_ms": round(max(samples), 1),
        "limit_ms": limit_ms,
    }


def slowest_imports(command: list[str]) -> list[ImportTime]:
    """Return the slowest modules by cumulative time, from ``python -X importtime``."""
    stderr = run_checked(command, capture_stderr=True)
    modules: list[ImportTime] = []
    for line in stderr.splitlines():
        # Format: "import time: <self us> | <cumulative us> | <indented module name>"
        if not line.startswith("import time:"):
            continue
        fields = line.removeprefix("import time:").split("|")
        if len(fields) != 3 or not fields[0].strip().isdigit():
            continue  # the header line
        modules.append(
            {
                "module": fields[2].strip(),
                "self_ms": int(fields[0]) / 1000,
                "cumulative_ms": int(fields[1]) / 1000,
            }
        )
    modules.sort(key=lambda module: module["cumulative_ms"], reverse=True)
    return modules[:TOP_MODULES]


def limit_from_env(variable: str, default: float) -> float:
    """Read a limit in milliseconds from the environment."""
    value = os.environ.get(variable, "").strip()
    if not value:
        return default
    try:
        return float(value)
    except ValueError:
        sys.exit(f"error: {variable}={value!r} is not a number of milliseconds")


def format_timing(name: str, timing: Timing) -> str:
    """Return one report line for *timing*."""
    line = (
        f"{name:<22} min {timing['min_ms']:7.1f}  median {timing['median_ms']:7.1f}"
        f"  max {timing['max_ms']:7.1f} ms"
    )
    limit = timing["limit_ms"]
    if limit is not None:
        verdict = "ok" if timing["median_ms"] <= limit else "OVER LIMIT"
        line += f"   (limit {limit:g} ms: {verdict})"
    return line


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and report; return 1 if a median is over its limit."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=15, help="timed runs per command")
    parser.add_argument("--warmup", type=int, default=1, help="untimed runs per command")
    parser.add_argument("--json", type=Path, metavar="PATH", help="also write results here")
    args = parser.parse_args(argv)
    if args.runs < 1 or args.warmup < 0:
        parser.error("--runs must be at least 1 and --warmup at least 0")

    python = sys.executable
    script = find_script("klyngepakke")
    import_limit = limit_from_env(IMPORT_LIMIT_VAR, DEFAULT_IMPORT_LIMIT_MS)
    help_limit = limit_from_env(HELP_LIMIT_VAR, DEFAULT_HELP_LIMIT_MS)

    commands: dict[str, tuple[list[str], float | None]] = {
        "python -c pass": ([python, "-c", "pass"], None),
        "import klyngepakke": ([python, "-c", "import klyngepakke"], import_limit),
        "klyngepakke --help": ([script, "--help"], help_limit),
        "klyngepakke topics": ([script, "topics"], None),
    }
    print(f"python: {python} ({sys.version.split()[0]})")
    print(f"script: {script}")
    print(f"{args.warmup} warm-up + {args.runs} timed runs each, wall-clock\n")
    timings: dict[str, Timing] = {}
    for name, (command, limit) in commands.items():
        timings[name] = time_command(command, args.runs, args.warmup, limit)
        print(format_timing(name, timings[name]), flush=True)

    importtime_commands = {
        "import klyngepakke": [python, "-X", "importtime", "-c", "import klyngepakke"],
        "klyngepakke --help": [python, "-X", "importtime", "-m", "klyngepakke", "--help"],
        "klyngepakke topics": [python, "-X", "importtime", "-m", "klyngepakke", "topics"],
    }
    importtimes: dict[str, list[ImportTime]] = {}
    for name, command in importtime_commands.items():
        importtimes[name] = slowest_imports(command)
        print(f"\nslowest imports for {name} (python -X importtime, cumulative):")
        for module in importtimes[name]:
            print(
                f"  {module['cumulative_ms']:8.1f} ms  (self {module['self_ms']:6.1f})"
                f"  {module['module']}"
            )

    failures = [
        f"{name}: median {timing['median_ms']:.1f} ms > limit {timing['limit_ms']:g} ms"
        for name, timing in timings.items()
        if timing["limit_ms"] is not None and timing["median_ms"] > timing["limit_ms"]
    ]
    if args.json is not None:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        report = {"timings": timings, "slowest_imports": importtimes, "failures": failures}
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print()
    if failures:
        for failure in failures:
            print(f"FAIL {failure}")
        print(f"(limits: {IMPORT_LIMIT_VAR}, {HELP_LIMIT_VAR})")
        return 1
    print("OK: start-up within limits")
    return 0


if __name__ == "__main__":
    sys.exit(main())
