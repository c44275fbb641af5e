"""Time the Word documents of one meeting: each document of a synthetic akutfunktioner bundle.

The bundle is made before anything is timed: the akutfunktioner package and
:func:`klyngepakke.demo.synthetic_bundle` with a baseline (survey results and service data
from a year before, so the results report has every chapter), the dated runbook and the
synthetic meeting. Each document is written as the ``docx`` exporter writes it (the built-in
template opened, the writer run, the file saved), to memory instead of to disk; after one
warm-up of every document (imports, the template), each is timed ``--runs`` times and the
best and median are reported, with the total of the best times.

``--profile NAME`` profiles ``--runs`` writes of one document with :mod:`cProfile` instead
and prints the functions with the most time of their own. ``--document NAME`` (repeatable)
times only those documents.

Exits 1 if the total of the best times exceeds 400 ms (overridable by
``KLYNGEPAKKE_BENCH_DOCUMENTS_MS``). Needs the ``metrics`` extra and the ``klyngepakke-docx``
and ``klyngepakke-akutfunktioner`` plugins.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import statistics
import sys
import time
from typing import Any

LIMIT_VAR = "KLYNGEPAKKE_BENCH_DOCUMENTS_MS"
DEFAULT_LIMIT_MS = 400.0
DOCUMENTS = (
    "package",
    "runbook",
    "letter",
    "questionnaire",
    "results",
    "recommendations",
    "minutes",
)
"""Every document a meeting bundle gives, in the order ``klyngepakke build`` writes them."""


def limit_from_env(name: str, default: float) -> float:
    """A limit from the environment variable ``name``, or ``default``."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return float(value)
    except ValueError:
        sys.exit(f"error: {name}={value!r} is not a number")


def make_bundle() -> Any:
    """The synthetic akutfunktioner bundle with a baseline, as the demo makes it."""
    from klyngepakke.api import get_package
    from klyngepakke.demo import synthetic_bundle

    return synthetic_bundle(get_package("akutfunktioner"), seed=0, baseline=True)


def document_bytes(bundle: Any, name: str) -> bytes:
    """The document ``name`` of ``bundle``, as the exporter writes it (to memory)."""
    from klyngepakke_docx._document import open_document
    from klyngepakke_docx._exporter import choose_document

    kind, source = choose_document(bundle, {"document": name})
    doc = open_document()
    if kind.source == "MeetingBundle":
        kind.writer()(doc, source)
    else:
        kind.writer()(doc, source, bundle=bundle)
    buffer = io.BytesIO()
    doc.document.save(buffer)
    return buffer.getvalue()


def available(bundle: Any, names: list[str]) -> list[str]:
    """The documents of ``names`` that ``bundle`` can give (a held meeting for the minutes)."""
    from klyngepakke.errors import ExportError

    found = []
    for name in names:
        try:
            document_bytes(bundle, name)
        except ExportError as error:
            print(f"{name}: skipped ({error})")
            continue
        found.append(name)
    return found


def profile(bundle: Any, name: str, runs: int) -> None:
    """Print the functions with the most own time over ``runs`` writes of ``name``."""
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(runs):
        document_bytes(bundle, name)
    profiler.disable()
    stats = pstats.Stats(profiler)
    stats.sort_stats("tottime").print_stats(25)
    stats.sort_stats("cumulative").print_stats(40)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and report; return 1 if the total misses its target."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=5, help="timed runs of each document")
    parser.add_argument(
        "--document", action="append", choices=DOCUMENTS, help="time only this document"
    )
    parser.add_argument("--profile", choices=DOCUMENTS, help="profile this document instead")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    limit = limit_from_env(LIMIT_VAR, DEFAULT_LIMIT_MS)

    start = time.perf_counter()
    bundle = make_bundle()
    print(f"bundle made in {time.perf_counter() - start:.1f} s (not timed)")
    if args.profile:
        document_bytes(bundle, args.profile)  # warm-up
        profile(bundle, args.profile, args.runs)
        return 0

    names = available(bundle, list(args.document or DOCUMENTS))  # also the warm-up
    total = total_cpu = 0.0
    for name in names:
        timings, cpu = [], []
        for _ in range(args.runs):
            start, start_cpu = time.perf_counter(), time.process_time()
            size = len(document_bytes(bundle, name))
            timings.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
        best = min(timings) * 1000
        total += best
        total_cpu += min(cpu) * 1000
        print(
            f"{name:<16} best {best:6.1f} ms, median {statistics.median(timings) * 1000:6.1f} ms "
            f"of {args.runs} runs (CPU best {min(cpu) * 1000:6.1f} ms; {size / 1024:.0f} KiB)"
        )
    print(f"{'total':<16} best {total:6.1f} ms (CPU {total_cpu:.1f} ms); target {limit:g} ms")
    if total > limit:
        print(f"FAIL the documents took {total:.0f} ms > {limit:g} ms ({LIMIT_VAR})")
        return 1
    print("OK: documents within target")
    return 0


if __name__ == "__main__":
    sys.exit(main())
