"""Build every artefact a meeting needs, for one meeting folder or a whole orders file.

A **meeting folder** holds what is known about one meeting, in files with fixed names:

``meeting.yaml`` (required)
    the meeting (``document: meeting``): topic, date and time, place, participants; after
    the meeting its decisions and action items.
``questionnaire.yaml``
    the cluster's local version of the questionnaire (default: the package's own).
``responses.jsonl`` / ``responses.yaml`` / ``responses.json``
    the members' answers (a ``response_set``, or JSON lines as ``klyngepakke survey`` writes
    them).
``baseline-responses.*``
    the answers of the earlier round, for a follow-up meeting.
``metrics.yaml`` / ``metrics.json``
    the cluster's service-data view (``document: cluster_metrics``, from ``klyngepakke metrics
    compute --cluster``).
``template.pptx`` / ``template.potx``, ``template.docx`` / ``template.dotx``
    the organisation's own deck and document templates.
``build.yaml``
    settings (``document: build_settings``): which artefacts, which platforms, how many
    members were invited.

:func:`build_meeting` writes every artefact into the output folder, atomically, and a
``manifest.json`` with each file's SHA-256. What is missing becomes a marked placeholder in
the artefacts and a line in :attr:`BuildReport.missing`, not a failure. A build whose inputs
(files, settings, installed plugin versions) are unchanged since the manifest was written is
skipped. Files in the output folder that the last build did not write, or that were changed
since, are never replaced without ``force``.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import re
import time
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Final

import attrs

from klyngepakke.bundle import MeetingBundle
from klyngepakke.errors import KlyngepakkeError
from klyngepakke.model import ClusterPackage, Meeting, Questionnaire, ResponseSet

__all__ = [
    "ARTEFACTS",
    "Artefact",
    "BuildError",
    "BuildReport",
    "BuildSettings",
    "BuiltFile",
    "MeetingInputs",
    "assemble_bundle",
    "build_meeting",
    "installed_versions",
    "read_meeting_folder",
    "safe_name",
]

MEETING_FILE: Final = "meeting.yaml"
SETTINGS_FILE: Final = "build.yaml"
QUESTIONNAIRE_FILE: Final = "questionnaire.yaml"
RESPONSE_FILES: Final = ("responses.jsonl", "responses.yaml", "responses.json")
BASELINE_RESPONSE_FILES: Final = tuple(f"baseline-{name}" for name in RESPONSE_FILES)
METRICS_FILES: Final = ("metrics.yaml", "metrics.json")
TEMPLATE_FILES: Final = {
    "pptx": ("template.pptx", "template.potx"),
    "docx": ("template.docx", "template.dotx"),
}
MANIFEST: Final = "manifest.json"


class BuildError(KlyngepakkeError):
    """A meeting cannot be built: the message names the folder or file and what is wrong."""


@attrs.frozen
class BuildSettings:
    """What to build for a meeting (the meeting folder's ``build.yaml``).

    ``artefacts``: names from :data:`ARTEFACTS` (default: all); ``platforms``: questionnaire
    platforms to export to (default: every installed one that exports); ``invited``: how many
    members were asked to answer, for the response rate; ``synthetic``: the folder holds
    made-up data, and every artefact says so.
    """

    artefacts: tuple[str, ...] | None = None
    platforms: tuple[str, ...] | None = None
    invited: int | None = None
    synthetic: bool = False


@attrs.frozen
class Artefact:
    """One kind of output: which exporter writes it from the bundle, under which file name."""

    name: str
    file: str
    exporter: str
    description: str
    options: Mapping[str, str] = attrs.field(factory=dict)
    template: str | None = None
    """Which template kind (``pptx``/``docx``) the exporter takes, if any."""
    subject: Callable[[MeetingBundle], Any] = lambda bundle: bundle
    """The object the exporter writes, or ``None`` when the bundle has nothing for it."""


def _plan(bundle: MeetingBundle) -> Any:
    return bundle.plan


def _meeting_if_held(bundle: MeetingBundle) -> Any:
    meeting = bundle.meeting
    if meeting is None or not (
        meeting.decisions or meeting.action_items or _has_decisions(meeting)
    ):
        return None
    return meeting


def _has_decisions(meeting: Meeting) -> bool:
    return meeting.agenda is not None and any(item.decision for item in meeting.agenda.walk())


def _calendar_takes_meetings() -> bool:
    """Whether the installed ``ics`` exporter writes meetings (older versions wrote plans only)."""
    from klyngepakke.errors import UnknownNameError
    from klyngepakke.plugins import get_registry

    try:
        return Meeting in get_registry().exporter("ics").accepts
    except UnknownNameError:
        return True  # reported as not installed when the artefact is built


def _with_questionnaire(bundle: MeetingBundle) -> Any:
    return bundle if bundle.package.questionnaire is not None else None


ARTEFACTS: Final[tuple[Artefact, ...]] = (
    Artefact("deck", "praesentation.pptx", "pptx", "the deck for the meeting", template="pptx"),
    Artefact(
        "package",
        "klyngepakke.docx",
        "docx",
        "the package document",
        {"document": "package"},
        "docx",
    ),
    Artefact(
        "runbook",
        "drejebog.docx",
        "docx",
        "the runbook with dates",
        {"document": "runbook"},
        "docx",
    ),
    Artefact(
        "letter",
        "brev-til-kommunen.docx",
        "docx",
        "the letter to the municipality",
        {"document": "letter"},
        "docx",
    ),
    Artefact(
        "questionnaire",
        "spoergeskema.docx",
        "docx",
        "the printable questionnaire",
        {"document": "questionnaire"},
        "docx",
        _with_questionnaire,
    ),
    Artefact(
        "results",
        "resultater.docx",
        "docx",
        "the results report",
        {"document": "results"},
        "docx",
    ),
    Artefact(
        "minutes",
        "referat.docx",
        "docx",
        "the minutes, once the meeting has decisions",
        {"document": "minutes"},
        "docx",
        lambda bundle: bundle if _meeting_if_held(bundle) is not None else None,
    ),
    Artefact(
        "recommendations",
        "tjekliste-anbefalinger.docx",
        "docx",
        "the checklist of the package's recommendations",
        {"document": "recommendations"},
        "docx",
        lambda bundle: bundle if bundle.package.recommendations else None,
    ),
    Artefact(
        "calendar",
        "drejebog.ics",
        "ics",
        "the meeting and the runbook's deadlines for a calendar",
        {"deadline_events": "yes"},
        subject=_plan,
    ),
    Artefact(
        "invitation",
        "moede.ics",
        "ics",
        "the meeting with its participants and action items for a calendar",
        subject=lambda bundle: bundle.meeting if _calendar_takes_meetings() else None,
    ),
    Artefact("data", "moedemateriale.yaml", "yaml", "everything above as data"),
)
"""Every artefact :func:`build_meeting` can write, in build order; platform exports follow."""

_PLATFORM_ARTEFACT: Final = "platforms"


@attrs.frozen
class MeetingInputs:
    """What one meeting is built from, however it was gathered (a folder, an orders row)."""

    meeting: Meeting
    settings: BuildSettings = BuildSettings()
    questionnaire: Questionnaire | None = None
    responses: ResponseSet | None = None
    baseline_responses: ResponseSet | None = None
    metrics: Any = None
    """A :class:`~klyngepakke.metrics.results.ClusterView`, or ``None``."""
    templates: Mapping[str, Path] = attrs.field(factory=dict)
    files: tuple[Path, ...] = ()
    """The input files, for the fingerprint that decides whether a rebuild is needed."""
    synthetic: bool = False


@attrs.frozen
class BuiltFile:
    """A file the build wrote."""

    artefact: str
    path: Path
    sha256: str
    size: int


@attrs.frozen
class BuildReport:
    """What :func:`build_meeting` did."""

    output: Path
    files: tuple[BuiltFile, ...] = ()
    missing: tuple[str, ...] = ()
    """Inputs not there yet, each a Danish sentence saying what to supply."""
    skipped: tuple[str, ...] = ()
    """Artefacts not written, each with the reason (not applicable yet, plugin missing)."""
    failed: tuple[tuple[str, str], ...] = ()
    """Artefacts whose exporter failed: (artefact, message)."""
    up_to_date: bool = False
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """No artefact failed."""
        return not self.failed


# -- reading a meeting folder --------------------------------------------------------------


def read_meeting_folder(folder: str | Path) -> MeetingInputs:
    """Read a meeting folder (see the module docstring); every problem names its file."""
    from klyngepakke.conversion import load, load_responses
    from klyngepakke.metrics.results import ClusterView

    folder = Path(folder)
    if not folder.is_dir():
        raise BuildError(f"{folder}: no such folder (a meeting folder holds {MEETING_FILE})")
    meeting_path = folder / MEETING_FILE
    if not meeting_path.is_file():
        raise BuildError(
            f"{folder}: no {MEETING_FILE}; create the meeting folder with 'klyngepakke init'"
        )
    files = [meeting_path]
    meeting = load(meeting_path, Meeting)
    settings = BuildSettings()
    if (folder / SETTINGS_FILE).is_file():
        settings = load(folder / SETTINGS_FILE, BuildSettings)
        files.append(folder / SETTINGS_FILE)
    questionnaire = None
    if (folder / QUESTIONNAIRE_FILE).is_file():
        questionnaire = load(folder / QUESTIONNAIRE_FILE, Questionnaire)
        files.append(folder / QUESTIONNAIRE_FILE)

    def first(names: Sequence[str]) -> Path | None:
        found = [folder / name for name in names if (folder / name).is_file()]
        if len(found) > 1:
            raise BuildError(
                f"{folder}: both {found[0].name} and {found[1].name}; keep one of them"
            )
        if found:
            files.append(found[0])
        return found[0] if found else None

    answered = questionnaire.id if questionnaire is not None else _package_questionnaire(meeting)
    responses = baseline = metrics = None
    if (path := first(RESPONSE_FILES)) is not None:
        responses = load_responses(path, answered)
    if (path := first(BASELINE_RESPONSE_FILES)) is not None:
        baseline = load_responses(path, answered)
    if (path := first(METRICS_FILES)) is not None:
        metrics = load(path, ClusterView)
    templates = {}
    for kind, names in TEMPLATE_FILES.items():
        if (path := first(names)) is not None:
            templates[kind] = path
    return MeetingInputs(
        meeting=meeting,
        settings=settings,
        questionnaire=questionnaire,
        responses=responses,
        baseline_responses=baseline,
        metrics=metrics,
        templates=templates,
        files=tuple(files),
        synthetic=settings.synthetic or (metrics is not None and bool(metrics.synthetic)),
    )


def _package_questionnaire(meeting: Meeting) -> str | None:
    """The id of the questionnaire of the meeting's package, if it has one."""
    from klyngepakke.plugins import get_registry

    if not meeting.topic:
        return None
    questionnaire = get_registry().topic(meeting.topic).package.questionnaire
    return questionnaire.id if questionnaire is not None else None


# -- the bundle ------------------------------------------------------------------------------


def assemble_bundle(inputs: MeetingInputs) -> tuple[MeetingBundle, list[str]]:
    """The meeting's bundle, and notes on anything that was adjusted to fit.

    The package comes from the meeting's topic; a local questionnaire replaces the package's
    (a programme item that shows a section the local version removed shows it no more, and a
    note says so); responses are counted against the questionnaire they answer.
    """
    from klyngepakke.planning import plan_runbook
    from klyngepakke.plugins import get_registry
    from klyngepakke.survey_results import aggregate

    meeting = inputs.meeting
    if not meeting.topic:
        raise BuildError(f"meeting {meeting.id!r}: no topic; say which package it is about")
    package = get_registry().topic(meeting.topic).package
    notes: list[str] = []
    if inputs.questionnaire is not None:
        package, removed = _with_local_questionnaire(package, inputs.questionnaire)
        notes.extend(
            f"Afsnittet {code!r} er taget ud af det lokale spørgeskema og vises ikke."
            for code in removed
        )
    survey = baseline = None
    questionnaire = package.questionnaire
    if inputs.responses is not None:
        if questionnaire is None:
            raise BuildError(
                f"meeting {meeting.id!r}: responses, but the package has no questionnaire"
            )
        survey = aggregate(questionnaire, inputs.responses, invited=inputs.settings.invited)
        notes.extend(survey.warnings)
    if inputs.baseline_responses is not None and questionnaire is not None:
        baseline = aggregate(questionnaire, inputs.baseline_responses)
        if survey is None:
            notes.append("Der er svar fra baseline, men ikke fra denne runde; de vises ikke.")
            baseline = None
    plan = plan_runbook(package, meeting.start, meeting_id=meeting.id)
    notes.extend(plan.warnings)
    bundle = MeetingBundle(
        package,
        meeting=meeting,
        survey=survey,
        survey_baseline=baseline,
        metrics=inputs.metrics,
        plan=plan,
        synthetic=inputs.synthetic,
    )
    return bundle, notes


def _with_local_questionnaire(
    package: ClusterPackage, questionnaire: Questionnaire
) -> tuple[ClusterPackage, list[str]]:
    """``package`` with ``questionnaire``; programme items stop showing removed sections."""
    sections = {section.code for section in questionnaire.sections}
    metrics = {metric.id for metric in package.metrics}
    removed: list[str] = []

    def keep(items: Iterable[Any]) -> tuple[Any, ...]:
        kept = []
        for item in items:
            shows = tuple(
                s
                for s in item.shows
                if s in sections or s in metrics or package.shown_recommendations(s)
            )
            removed.extend(s for s in item.shows if s not in shows and s not in removed)
            kept.append(attrs.evolve(item, shows=shows, items=keep(item.items)))
        return tuple(kept)

    programme = attrs.evolve(package.programme, items=keep(package.programme.items))
    return attrs.evolve(package, programme=programme, questionnaire=questionnaire), removed


# -- building --------------------------------------------------------------------------------


def build_meeting(
    inputs: MeetingInputs,
    output: str | Path,
    *,
    force: bool = False,
    only: Sequence[str] | None = None,
) -> BuildReport:
    """Write every artefact for ``inputs`` into the folder ``output`` (created if needed).

    ``only`` narrows the artefacts further than the settings do. Skips the build when the
    manifest says the same inputs were built already and its files are unchanged.
    """
    started = time.perf_counter()
    output = Path(output)
    wanted = _wanted_artefacts(inputs.settings, only)
    fingerprint = _fingerprint(inputs, wanted)
    previous = _read_manifest(output)
    if (
        previous is not None
        and previous.get("fingerprint") == fingerprint
        and _intact(output, previous)
    ):
        return BuildReport(output, up_to_date=True, seconds=time.perf_counter() - started)
    output.mkdir(parents=True, exist_ok=True)
    _remove_stale_temporaries(output)
    ours = _our_files(output, previous)
    previous_files = tuple(
        _built(str(entry.get("artefact", "")), output / name)
        for entry in (previous or {}).get("files", [])
        if (name := str(entry.get("file", ""))) in ours
    )
    bundle, notes = assemble_bundle(inputs)
    built: list[BuiltFile] = []
    skipped: list[str] = []
    failed: list[tuple[str, str]] = []
    jobs = list(_jobs(bundle, inputs, wanted, skipped))
    writable = []
    for name, file, write in jobs:
        target = output / file
        replace = force or (target.name in ours)
        if target.exists() and not replace:
            reason = (
                f"{target}: already exists and was not written by the last build; "
                "use --force to replace it"
            )
            failed.append((name, reason))
        else:
            writable.append((name, target, write, replace))
    # Said before writing anything, so a build killed half-way still knows its files.
    pending = [target.name for _, target, _, _ in writable]
    _write_manifest(output, previous_files, BuildReport(output), None, bundle, pending=pending)
    for name, target, write, replace in writable:
        try:
            write(target, replace)
        except KlyngepakkeError as exc:
            failed.append((name, str(exc)))
            continue
        built.append(_built(name, target))
    missing = (*bundle.missing(), *notes)
    report = BuildReport(
        output,
        files=tuple(built),
        missing=tuple(missing),
        skipped=tuple(skipped),
        failed=tuple(failed),
        seconds=time.perf_counter() - started,
    )
    owned = _owned(previous_files, built)
    _write_manifest(output, owned, report, fingerprint if not failed else None, bundle)
    return report


def _owned(earlier: Sequence[BuiltFile], now: Sequence[BuiltFile]) -> list[BuiltFile]:
    """The files the build owns: this run's, and earlier ones it did not write again."""
    files = {f.path.name: f for f in earlier}
    files.update((f.path.name, f) for f in now)
    return list(files.values())


Job = tuple[str, str, Callable[[Path, bool], None]]


def _jobs(
    bundle: MeetingBundle, inputs: MeetingInputs, wanted: Sequence[str], skipped: list[str]
) -> Iterable[Job]:
    """(artefact, file name, write) for everything to build; what cannot be built is skipped."""
    from klyngepakke.api import export
    from klyngepakke.errors import UnknownNameError
    from klyngepakke.plugins import get_registry

    registry = get_registry()
    for artefact in ARTEFACTS:
        if artefact.name not in wanted:
            continue
        try:
            exporter = registry.exporter(artefact.exporter)
        except UnknownNameError:
            skipped.append(
                f"{artefact.name}: the {artefact.exporter!r} exporter is not installed "
                f"(pip install klyngepakke-{artefact.exporter})"
            )
            continue
        subject = artefact.subject(bundle)
        if subject is None:
            skipped.append(f"{artefact.name}: {artefact.description} — nothing to write yet")
            continue
        options = dict(artefact.options)
        if artefact.template is not None and artefact.template in inputs.templates:
            options["template"] = str(inputs.templates[artefact.template])
        options = {k: v for k, v in options.items() if k in exporter.options}

        def write(
            target: Path,
            replace: bool,
            subject: Any = subject,
            name: str = exporter.name,
            options: dict[str, str] = options,
        ) -> None:
            export(subject, name, target, force=replace, options=options)

        yield artefact.name, artefact.file, write
    if _PLATFORM_ARTEFACT in wanted and bundle.package.questionnaire is not None:
        yield from _platform_jobs(bundle.package.questionnaire, inputs.settings, skipped)


def _platform_jobs(
    questionnaire: Questionnaire, settings: BuildSettings, skipped: list[str]
) -> Iterable[Job]:
    from klyngepakke.fileio import atomic_output
    from klyngepakke.plugins import get_registry

    platforms = get_registry().questionnaire_platforms()
    names = settings.platforms if settings.platforms is not None else sorted(platforms)
    for name in names:
        if name not in platforms:
            skipped.append(f"{_PLATFORM_ARTEFACT}: the {name!r} platform is not installed")
            continue
        platform = platforms[name].item
        if not platform.questionnaire_suffixes:
            continue

        def write(target: Path, replace: bool, platform: Any = platform) -> None:
            with atomic_output(target, force=replace) as temporary:
                platform.export_questionnaire(questionnaire, temporary, {})

        yield (
            f"{_PLATFORM_ARTEFACT}:{name}",
            f"spoergeskema-{name}{platform.questionnaire_suffixes[0]}",
            write,
        )


def _wanted_artefacts(settings: BuildSettings, only: Sequence[str] | None) -> list[str]:
    known = [artefact.name for artefact in ARTEFACTS] + [_PLATFORM_ARTEFACT]
    for names, where in ((settings.artefacts, SETTINGS_FILE), (only, "--only")):
        for name in names or ():
            if name not in known:
                raise BuildError(f"{where}: no artefact {name!r} (artefacts: {', '.join(known)})")
    chosen = [n for n in known if settings.artefacts is None or n in settings.artefacts]
    return [n for n in chosen if only is None or n in only]


# -- the manifest and the fingerprint --------------------------------------------------------


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _built(artefact: str, path: Path) -> BuiltFile:
    return BuiltFile(artefact, path, _sha256(path), path.stat().st_size)


def _fingerprint(inputs: MeetingInputs, wanted: Sequence[str]) -> str:
    """Everything a build depends on: input contents, the artefacts asked for, versions."""
    from klyngepakke.conversion import dumps

    digest = hashlib.sha256()
    for part in (
        dumps(inputs.meeting, "json"),
        json.dumps(attrs.asdict(inputs.settings), sort_keys=True, default=str),
        json.dumps(sorted(wanted)),
        json.dumps(installed_versions(), sort_keys=True),
        json.dumps({kind: _sha256(path) for kind, path in sorted(inputs.templates.items())}),
    ):
        digest.update(part.encode())
    for path in inputs.files:
        digest.update(_sha256(path).encode())
    for obj in (inputs.questionnaire, inputs.responses, inputs.baseline_responses, inputs.metrics):
        digest.update(b"-" if obj is None else dumps(obj, "json").encode())
    return digest.hexdigest()


@functools.cache
def installed_versions() -> dict[str, str]:
    """The versions of klyngepakke and of every installed plugin distribution."""
    from importlib import metadata

    from klyngepakke import __version__

    versions = {"klyngepakke": __version__}
    for entry in metadata.entry_points(group="klyngepakke"):
        if entry.dist is not None:
            versions[entry.dist.name] = entry.dist.version
    return versions


def _read_manifest(output: Path) -> dict[str, Any] | None:
    try:
        data = json.loads((output / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _intact(output: Path, manifest: Mapping[str, Any]) -> bool:
    """Every file the manifest lists is there with its checksum."""
    for entry in manifest.get("files", []):
        path = output / str(entry.get("file", ""))
        if not path.is_file() or _sha256(path) != entry.get("sha256"):
            return False
    return True


def _our_files(output: Path, manifest: Mapping[str, Any] | None) -> set[str]:
    """Files the last build wrote and nobody changed since: a rebuild may replace them."""
    if manifest is None:
        return set()
    ours = {str(name) for name in manifest.get("pending", []) if (output / str(name)).is_file()}
    for entry in manifest.get("files", []):
        name = str(entry.get("file", ""))
        path = output / name
        if path.is_file() and _sha256(path) == entry.get("sha256"):
            ours.add(name)
    return ours


def _write_manifest(
    output: Path,
    files: Sequence[BuiltFile],
    report: BuildReport,
    fingerprint: str | None,
    bundle: MeetingBundle,
    *,
    pending: Sequence[str] = (),
) -> None:
    """The manifest: the files the build owns, with checksums, and what this run found.

    ``pending`` names the files about to be written: if the build is killed before the next
    manifest, the next build still knows them as its own.
    """
    from klyngepakke.fileio import atomic_write_text

    manifest = {
        "generated_by": installed_versions(),
        "generated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "fingerprint": fingerprint,
        "synthetic": bundle.is_synthetic,
        "topic": bundle.package.topic,
        "meeting": bundle.meeting.id if bundle.meeting is not None else None,
        "files": [
            {"artefact": f.artefact, "file": f.path.name, "sha256": f.sha256, "bytes": f.size}
            for f in files
        ],
        "pending": list(pending),
        "missing": list(report.missing),
        "skipped": list(report.skipped),
        "failed": [{"artefact": a, "error": e} for a, e in report.failed],
    }
    atomic_write_text(
        output / MANIFEST, json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", force=True
    )


def _remove_stale_temporaries(output: Path) -> None:
    """Temporary files a killed build left behind (``.NAME.xxxxxxxx.tmp``)."""
    for path in output.glob(".*.tmp"):
        if re.fullmatch(r"\..+\.[0-9a-f]{8}\.tmp", path.name) and path.is_file():
            path.unlink(missing_ok=True)


# -- names -----------------------------------------------------------------------------------

_DANISH: Final = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "Æ": "Ae", "Ø": "Oe", "Å": "Aa"})
_RESERVED: Final = frozenset(
    {"con", "prn", "aux", "nul"} | {f"{d}{n}" for d in ("com", "lpt") for n in range(1, 10)}
)


def safe_name(text: str, *, taken: Iterable[str] = (), limit: int = 60) -> str:
    """A file or folder name made from ``text`` that is safe on every system.

    Lower-case ASCII letters, digits and hyphens (æ, ø, å become ae, oe, aa), no path
    separators or dots to climb with, no reserved Windows names, at most ``limit``
    characters, and not one of ``taken`` (a number is added).
    """
    ascii_text = (
        unicodedata.normalize("NFKD", text.translate(_DANISH)).encode("ascii", "ignore").decode()
    )
    name = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:limit].strip("-")
    if not name:
        name = "klynge"
    if name in _RESERVED:
        name = f"{name}-klynge"
    taken = set(taken)
    candidate, number = name, 2
    while candidate in taken:
        candidate = f"{name[: limit - len(str(number)) - 1]}-{number}"
        number += 1
    return candidate
