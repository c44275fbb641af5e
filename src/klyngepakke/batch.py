"""Build the material for many clusters at once from an orders file (one row per order).

The orders file is CSV as people save it from a spreadsheet (``;`` or ``,``, UTF-8 with or
without BOM, or Windows-1252), with a header row. Columns, by their Danish or English name:

``klynge`` / ``cluster`` (required)
    the cluster's name; also the name of its folder in the output (made safe).
``emne`` / ``topic`` (required)
    the topic id, e.g. ``akutfunktioner``.
``kommune`` / ``municipality``
    the municipality the cluster meets.
``dato`` / ``date`` (required) and ``start`` (default 16:00)
    the meeting's day (``2027-03-11`` or ``11-03-2027``) and start time (``16:00``/``16.00``).
``sted`` / ``place``, ``inviterede`` / ``invited``
    where the meeting is, and how many members were asked to answer the questionnaire.
``mappe`` / ``folder``
    a meeting folder with more (responses, a local questionnaire, templates); relative to the
    orders file. Its ``meeting.yaml`` then describes the meeting, not the row.

With a national metrics report (``document: metrics_report``) every cluster gets its own
pseudonymised view of it. Clusters are built in parallel, one process per core; a cluster
that fails is reported with its reason and the others are completed. The output folder gets
one folder per cluster and a ``manifest.json`` listing every file with its checksum.
Clusters whose inputs did not change since the last run are skipped.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from typing import Any, Final

import attrs

from klyngepakke.build import (
    BuildError,
    BuildReport,
    BuildSettings,
    MeetingInputs,
    build_meeting,
    read_meeting_folder,
    safe_name,
)
from klyngepakke.errors import KlyngepakkeError

__all__ = ["BadOrder", "BatchReport", "ClusterOutcome", "Order", "build_orders", "read_orders"]

_COLUMNS: Final = {
    "cluster": ("klynge", "cluster", "klyngenavn"),
    "topic": ("emne", "topic", "pakke"),
    "municipality": ("kommune", "municipality"),
    "date": ("dato", "date", "mødedato"),
    "start": ("start", "starttid", "tidspunkt", "time"),
    "place": ("sted", "place", "mødested"),
    "invited": ("inviterede", "invited"),
    "folder": ("mappe", "folder"),
}
_REQUIRED: Final = ("cluster", "topic", "date")
MANIFEST: Final = "manifest.json"


@attrs.frozen
class Order:
    """One row of the orders file: a package ordered for one cluster's meeting."""

    row: int
    cluster: str
    topic: str
    start: dt.datetime
    municipality: str = ""
    place: str = ""
    invited: int | None = None
    folder: Path | None = None


@attrs.frozen
class ClusterOutcome:
    """How one order went: ``built``, ``up to date`` or ``failed`` (with the reason)."""

    cluster: str
    folder: str
    status: str
    files: tuple[tuple[str, str, int], ...] = ()
    """(file name, SHA-256, bytes) of every file in the cluster's folder."""
    missing: tuple[str, ...] = ()
    reason: str = ""
    seconds: float = 0.0


@attrs.frozen
class BatchReport:
    """Every order's outcome, in the order of the orders file."""

    output: Path
    outcomes: tuple[ClusterOutcome, ...]
    seconds: float

    @property
    def failed(self) -> tuple[ClusterOutcome, ...]:
        """The orders that could not be built."""
        return tuple(o for o in self.outcomes if o.status == "failed")


# -- reading orders --------------------------------------------------------------------------


@attrs.frozen
class BadOrder:
    """A row of the orders file that cannot be built, and why."""

    row: int
    cluster: str
    problem: str


def read_orders(path: str | Path) -> list[Order | BadOrder]:
    """The orders in ``path``, in file order; a bad row is a :class:`BadOrder`, not dropped.

    A file that cannot be read at all (no header, a required column missing) raises
    :class:`~klyngepakke.build.BuildError`.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise BuildError(f"{path}: cannot read the orders file: {exc.strerror}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252")
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise BuildError(f"{path}: the orders file is empty (it needs a header row)")
    delimiter = ";" if lines[0].count(";") >= lines[0].count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = [cell.strip().lower() for cell in next(reader)]
    where: dict[str, int] = {}
    for field, names in _COLUMNS.items():
        found = [i for i, cell in enumerate(header) if cell in names]
        if found:
            where[field] = found[0]
    absent = [field for field in _REQUIRED if field not in where]
    if absent:
        wanted = "; ".join(f"{'/'.join(_COLUMNS[f][:2])}" for f in absent)
        raise BuildError(f"{path}: no column for {wanted} in the header {header}")
    orders: list[Order | BadOrder] = []
    for number, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        try:
            orders.append(_order(path, number, cells, where))
        except ValueError as exc:
            index = where["cluster"]
            cluster = cells[index].strip() if index < len(cells) else ""
            orders.append(
                BadOrder(number, cluster or f"række {number}", f"{path}, row {number}: {exc}")
            )
    if not orders:
        raise BuildError(f"{path}: no orders below the header")
    return orders


def _order(path: Path, number: int, cells: Sequence[str], where: dict[str, int]) -> Order:
    def cell(field: str) -> str:
        index = where.get(field)
        return cells[index].strip() if index is not None and index < len(cells) else ""

    for field in _REQUIRED:
        if not cell(field):
            raise ValueError(f"column {_COLUMNS[field][0]!r} is empty")
    day = _parse_date(cell("date"))
    start = _parse_time(cell("start") or "16:00")
    invited = None
    if cell("invited"):
        if not cell("invited").isdigit():
            raise ValueError(f"column 'inviterede': {cell('invited')!r} is not a whole number")
        invited = int(cell("invited"))
    from klyngepakke.planning import COPENHAGEN

    return Order(
        row=number,
        cluster=cell("cluster"),
        topic=cell("topic"),
        start=dt.datetime.combine(day, start, tzinfo=COPENHAGEN),
        municipality=cell("municipality"),
        place=cell("place"),
        invited=invited,
        folder=(path.parent / cell("folder")) if cell("folder") else None,
    )


def _parse_date(text: str) -> dt.date:
    for pattern in ("%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(f"column 'dato': {text!r} is not a date like 2027-03-11 or 11-03-2027")


def _parse_time(text: str) -> dt.time:
    try:
        return dt.time.fromisoformat(text.replace(".", ":").zfill(5))
    except ValueError:
        raise ValueError(f"column 'start': {text!r} is not a time like 16:00") from None


# -- building --------------------------------------------------------------------------------


def build_orders(
    orders: str | Path,
    output: str | Path,
    *,
    metrics_report: str | Path | None = None,
    jobs: int | None = None,
    force: bool = False,
    only: Sequence[str] | None = None,
    progress: Callable[[ClusterOutcome], None] | None = None,
) -> BatchReport:
    """Build every order in the orders file into ``output``, one folder per cluster.

    ``jobs`` processes (default: one per core the process may use); ``progress`` is called
    with each order's outcome as it completes. Nothing is written outside ``output``.
    """
    started = time.perf_counter()
    rows = read_orders(orders)
    output = Path(output)
    output.mkdir(parents=True, exist_ok=True)
    names: list[str] = []
    for order in rows:
        names.append(safe_name(order.cluster, taken=names))
    report_path = str(metrics_report) if metrics_report is not None else None
    workers = jobs or _cores()
    outcomes: dict[int, ClusterOutcome] = {}

    def done(index: int, outcome: ClusterOutcome) -> None:
        outcomes[index] = outcome
        if progress is not None:
            progress(outcome)

    arguments = {}
    for index, (order, name) in enumerate(zip(rows, names, strict=True)):
        if isinstance(order, BadOrder):
            done(index, ClusterOutcome(order.cluster, name, "failed", reason=order.problem))
        else:
            only_names = tuple(only) if only else None
            arguments[index] = (order, str(output / name), name, report_path, force, only_names)
    if workers == 1 or len(arguments) <= 1:
        _load_report(report_path)
        for index, args in arguments.items():
            done(index, _build_one(*args))
    else:
        pool = ProcessPoolExecutor(
            max_workers=min(workers, len(arguments)),
            initializer=_start_worker,
            initargs=(report_path,),
        )
        try:
            futures: dict[Future[ClusterOutcome], int] = {
                pool.submit(_build_one, *args): index for index, args in arguments.items()
            }
            for future in _as_completed(futures):
                index = futures[future]
                try:
                    outcome = future.result()
                except Exception as exc:  # a worker that died: report, go on with the rest
                    order = rows[index]
                    reason = f"{type(exc).__name__}: {exc}"
                    outcome = ClusterOutcome(order.cluster, names[index], "failed", reason=reason)
                done(index, outcome)
        except BaseException:
            # Interrupted (Ctrl-C, SIGTERM): start nothing more; running builds stop too.
            pool.shutdown(wait=True, cancel_futures=True)
            raise
        pool.shutdown(wait=True)
    report = BatchReport(
        output, tuple(outcomes[i] for i in range(len(rows))), time.perf_counter() - started
    )
    _write_manifest(report)
    return report


def _as_completed(futures: Iterable[Future[ClusterOutcome]]) -> Iterable[Future[ClusterOutcome]]:
    from concurrent.futures import as_completed

    return as_completed(futures)


def _cores() -> int:
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1  # pragma: no cover - not Linux


_REPORT: dict[str, Any] = {}
"""The national metrics report, loaded once per worker process."""


_WORKER: Final = "worker process"


def _start_worker(report_path: str | None) -> None:
    """Set up a worker process: SIGTERM stops it cleanly, and the report is loaded once."""
    from klyngepakke.fileio import exit_on_terminate

    exit_on_terminate()
    _REPORT[_WORKER] = True
    _load_report(report_path)


def _load_report(report_path: str | None) -> None:
    if report_path is None or report_path in _REPORT:
        return
    from klyngepakke.conversion import load
    from klyngepakke.metrics.results import MetricsReport

    _REPORT[report_path] = load(report_path, MetricsReport)


def _build_one(
    order: Order,
    output: str,
    name: str,
    report_path: str | None,
    force: bool,
    only: tuple[str, ...] | None,
) -> ClusterOutcome:
    started = time.perf_counter()
    try:
        inputs = _inputs(order, report_path)
        built = build_meeting(inputs, output, force=force, only=only)
    except SystemExit as stop:  # SIGTERM in a worker: its temporary files are gone by now
        if _REPORT.get(_WORKER):
            os._exit(stop.code if isinstance(stop.code, int) else 1)
        raise
    except KlyngepakkeError as exc:
        return ClusterOutcome(
            order.cluster,
            name,
            "failed",
            reason=f"row {order.row}: {exc}",
            seconds=time.perf_counter() - started,
        )
    return _outcome(order, name, built, time.perf_counter() - started)


def _outcome(order: Order, name: str, built: BuildReport, seconds: float) -> ClusterOutcome:
    manifest = json.loads((built.output / "manifest.json").read_text(encoding="utf-8"))
    files = tuple((f["file"], f["sha256"], f["bytes"]) for f in manifest["files"])
    if built.failed:
        reasons = "; ".join(f"{artefact}: {error}" for artefact, error in built.failed)
        return ClusterOutcome(
            order.cluster, name, "failed", files, tuple(manifest["missing"]), reasons, seconds
        )
    status = "up to date" if built.up_to_date else "built"
    return ClusterOutcome(
        order.cluster, name, status, files, tuple(manifest["missing"]), seconds=seconds
    )


def _inputs(order: Order, report_path: str | None) -> MeetingInputs:
    """The meeting inputs of an order: its folder, or a meeting made from the row."""
    if order.folder is not None:
        inputs = read_meeting_folder(order.folder)
        if order.invited is not None:
            inputs = attrs.evolve(
                inputs, settings=attrs.evolve(inputs.settings, invited=order.invited)
            )
    else:
        inputs = MeetingInputs(
            meeting=_meeting(order), settings=BuildSettings(invited=order.invited)
        )
    if report_path is not None and inputs.metrics is None:
        from klyngepakke.metrics.privacy import UnknownClusterError, cluster_view

        report = _REPORT[report_path]
        try:
            view = cluster_view(report, order.cluster)
        except UnknownClusterError:
            view = None  # the bundle lists the service data as missing
        if view is not None:
            inputs = attrs.evolve(
                inputs, metrics=view, synthetic=inputs.synthetic or view.synthetic
            )
    return inputs


def _meeting(order: Order) -> Any:
    """A planned meeting from an order row: the cluster and municipality, no people yet."""
    from klyngepakke.model import (
        Delegation,
        Meeting,
        MeetingKind,
        Organisation,
        OrganisationKind,
    )
    from klyngepakke.plugins import get_registry

    package = get_registry().topic(order.topic).package
    delegations = [Delegation(Organisation(order.cluster, OrganisationKind.CLUSTER))]
    if order.municipality:
        delegations.append(
            Delegation(Organisation(order.municipality, OrganisationKind.MUNICIPALITY))
        )
    return Meeting(
        id=f"{safe_name(order.cluster)}-{order.topic}-{order.start:%Y%m%d}",
        title=f"{package.title}: klyngemøde",
        kind=MeetingKind.CLUSTER_MEETING,
        start=order.start,
        end=order.start + dt.timedelta(minutes=package.meeting_minutes),
        place=order.place,
        topic=order.topic,
        delegations=tuple(delegations),
    )


def _write_manifest(report: BatchReport) -> None:
    from klyngepakke.build import installed_versions
    from klyngepakke.fileio import atomic_write_text

    manifest = {
        "generated_by": installed_versions(),
        "generated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "clusters": [
            {
                "cluster": o.cluster,
                "folder": o.folder,
                "status": o.status,
                "reason": o.reason,
                "missing": list(o.missing),
                "files": [
                    {"file": f"{o.folder}/{name}", "sha256": sha, "bytes": size}
                    for name, sha, size in o.files
                ],
            }
            for o in report.outcomes
        ],
    }
    text = json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"
    atomic_write_text(report.output / MANIFEST, text, force=True)
