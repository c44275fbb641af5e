"""The ``klyngepakke`` command.

Scriptable everywhere: every answer can be given as an argument. Where a person is at the
keyboard (stdin and stdout are terminals, ``CI`` unset) a missing answer is asked for instead.

Exit codes: 0 success, 1 a problem with the input (a short message; ``--debug`` for the
traceback), 2 wrong usage.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TextIO

from klyngepakke import __version__

if TYPE_CHECKING:
    from klyngepakke.exporters import Exporter
    from klyngepakke.model import (
        Agenda,
        AgendaItem,
        ClusterPackage,
        Meeting,
        Questionnaire,
        Runbook,
        TextSection,
    )
    from klyngepakke.planning import RunbookPlan

__all__ = ["build_parser", "main"]

EPILOG = """\
Files are YAML (.yaml, .yml) or JSON (.json) with 'schema_version' and 'document' at the top.
A TOPIC is a topic id from 'klyngepakke topics'.

Environment: KLYNGEPAKKE_DISABLE_PLUGINS, KLYNGEPAKKE_LOAD_PLUGINS, KLYNGEPAKKE_STRICT_PLUGINS
(see 'klyngepakke plugins --help').
"""


class UsageError(Exception):
    """Wrong use of the command line: exit code 2."""


class Prompter(Protocol):
    """Asks a person for a missing answer."""

    def select(self, message: str, choices: Sequence[tuple[str, str]]) -> str:
        """Pick one value from ``(value, label)`` pairs."""

    def text(self, message: str, default: str) -> str:
        """Type a line of text."""

    def confirm(self, message: str) -> bool:
        """Answer yes or no (default no)."""


class QuestionaryPrompter:
    """Prompts in the terminal with questionary (imported only when a prompt is shown)."""

    def select(self, message: str, choices: Sequence[tuple[str, str]]) -> str:
        """Pick one value from ``(value, label)`` pairs."""
        import questionary

        options = [questionary.Choice(title=label, value=value) for value, label in choices]
        return str(self._ask(questionary.select(message, choices=options)))

    def text(self, message: str, default: str) -> str:
        """Type a line of text."""
        import questionary

        return str(self._ask(questionary.text(message, default=default)))

    def confirm(self, message: str) -> bool:
        """Answer yes or no (default no)."""
        import questionary

        return bool(self._ask(questionary.confirm(message, default=False)))

    @staticmethod
    def _ask(question: Any) -> Any:
        answer = question.ask()
        if answer is None:  # Ctrl-C in questionary
            raise KeyboardInterrupt
        return answer


def interactive() -> bool:
    """Whether a person is at the keyboard."""
    return sys.stdin.isatty() and sys.stdout.isatty() and not os.environ.get("CI")


prompter: Prompter = QuestionaryPrompter()
is_interactive: Callable[[], bool] = interactive


# -- parser ---------------------------------------------------------------------------------


def _formatter(prog: str) -> argparse.HelpFormatter:
    return argparse.RawDescriptionHelpFormatter(prog, max_help_position=28)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser, with every subcommand (the CLI reference is generated from it)."""
    parser = argparse.ArgumentParser(
        prog="klyngepakke",
        description="Cluster packages for GP quality clusters: build a meeting's material "
        "(deck, documents, calendars, questionnaires) from a meeting folder or for many "
        "clusters; run the survey, the service-data metrics and the meeting itself; list, "
        "show, validate and export packages and their parts. Start with 'klyngepakke demo DIR'.",
        epilog=EPILOG,
        formatter_class=_formatter,
    )
    parser.add_argument("--version", action="version", version=f"klyngepakke {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks for errors")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    topics = commands.add_parser(
        "topics", help="list installed topics", description="List installed topics."
    )
    topics.add_argument("--json", action="store_true", help="machine-readable output")
    topics.set_defaults(run=_cmd_topics)

    plugins = commands.add_parser(
        "plugins",
        help="list plugins, their hooks, and broken ones",
        description="List loaded plugins with version and hooks, and plugins that failed to load "
        "with their error.",
        epilog="KLYNGEPAKKE_DISABLE_PLUGINS=a,b skips installed plugins a and b ('*' skips all); "
        "KLYNGEPAKKE_LOAD_PLUGINS=a,b loads only a and b; KLYNGEPAKKE_STRICT_PLUGINS=1 makes "
        "any plugin failure an error.",
    )
    plugins.add_argument("--json", action="store_true", help="machine-readable output")
    plugins.set_defaults(run=_cmd_plugins)

    exporters = commands.add_parser(
        "exporters", help="list export formats", description="List export formats."
    )
    exporters.add_argument("--json", action="store_true", help="machine-readable output")
    exporters.set_defaults(run=_cmd_exporters)

    show = commands.add_parser(
        "show",
        help="summarise a topic's package or a file",
        description="Print a readable summary: programme with durations, runbook, questionnaire.",
    )
    show.add_argument("source", metavar="TOPIC|FILE")
    show.set_defaults(run=_cmd_show)

    validate = commands.add_parser(
        "validate",
        help="check files and list every problem",
        description="Check files; print every problem with its field path and line. "
        "Exit code 1 if any file has a problem.",
    )
    validate.add_argument("files", metavar="FILE", nargs="+", type=Path)
    validate.set_defaults(run=_cmd_validate)

    bundle = commands.add_parser(
        "bundle",
        help="gather a meeting's parts into one bundle file",
        description="Gather a package and what has been made for one meeting (the meeting, "
        "survey results, service metrics, the dated runbook) into one meeting bundle, the "
        "input of the deck and the letter and results documents. Parts left out are shown "
        "as marked placeholders by those exporters.",
    )
    bundle.add_argument("source", metavar="TOPIC|FILE", help="the package: a topic or a file")
    bundle.add_argument("--meeting", type=Path, metavar="FILE", help="the meeting")
    bundle.add_argument("--survey", type=Path, metavar="FILE", help="survey results")
    bundle.add_argument(
        "--survey-baseline", type=Path, metavar="FILE", help="survey results to compare with"
    )
    bundle.add_argument(
        "--metrics", type=Path, metavar="FILE", help="one cluster's metrics (cluster_metrics)"
    )
    bundle.add_argument("--plan", type=Path, metavar="FILE", help="the dated runbook")
    bundle.add_argument("-o", "--output", type=Path, required=True, metavar="PATH")
    bundle.add_argument("--force", action="store_true", help="replace PATH if it exists")
    bundle.set_defaults(run=_cmd_bundle)

    plan = commands.add_parser(
        "plan",
        help="date a topic's runbook for a meeting",
        description="Print the runbook with real dates for one meeting, grouped by phase. "
        "Deadlines on a weekend or Danish public holiday move to the working day before.",
    )
    plan.add_argument("source", metavar="TOPIC|FILE")
    plan.add_argument(
        "--meeting",
        required=True,
        metavar="DATETIME",
        help="meeting start in Danish time, e.g. 2027-03-11T16:00",
    )
    plan.add_argument(
        "--ordered", metavar="DATE", help="when the package was ordered, e.g. 2027-01-05"
    )
    plan.add_argument(
        "--id",
        dest="meeting_id",
        metavar="ID",
        help="a stable name for this meeting, e.g. 'klynge-nord-akut-2027'; keeps calendar "
        "entries the same when the meeting moves (default: topic and start time)",
    )
    plan.add_argument(
        "--ics",
        type=Path,
        metavar="PATH",
        help="also write an iCalendar file (needs the klyngepakke-calendar plugin)",
    )
    plan.add_argument(
        "--deadline-events",
        action="store_true",
        help="in the .ics, also add each deadline as an all-day event (for apps that hide to-dos)",
    )
    plan.add_argument("--force", action="store_true", help="replace the .ics file if it exists")
    plan.add_argument("--json", action="store_true", help="print the plan as JSON instead")
    plan.set_defaults(run=_cmd_plan)

    _add_questionnaire_commands(commands)
    _add_survey_commands(commands)
    _add_metrics_commands(commands)
    _add_meeting_commands(commands)
    _add_build_commands(commands)

    export = commands.add_parser(
        "export",
        help="write a topic's package or a file with an exporter",
        description="Write a topic's package (or the object in FILE) with an exporter. "
        "Asks for what is missing when run in a terminal.",
    )
    export.add_argument("source", metavar="TOPIC|FILE", nargs="?")
    export.add_argument(
        "-f",
        "--format",
        help="exporter name (see 'klyngepakke exporters'); default: from -o's suffix",
    )
    export.add_argument("-o", "--output", type=Path, metavar="PATH", help="file to write")
    export.add_argument("--force", action="store_true", help="replace PATH if it exists")
    export.add_argument(
        "--option",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="exporter option (repeatable)",
    )
    export.set_defaults(run=_cmd_export)
    return parser


def _add_questionnaire_commands(commands: Any) -> None:
    group = commands.add_parser(
        "questionnaire",
        help="compare and export questionnaires",
        description="Compare a local version with the standard, or export a questionnaire to a "
        "survey platform.",
    )
    sub = group.add_subparsers(dest="action", metavar="ACTION", required=True)
    diff = sub.add_parser(
        "diff",
        help="show what a local version changed",
        description="Show what LOCAL changed compared with STANDARD: questions and options "
        "added, removed and reworded, with who asked for each change and why. Exit code 0 "
        "either way.",
    )
    diff.add_argument("standard", metavar="STANDARD", help="TOPIC or FILE")
    diff.add_argument("local", metavar="LOCAL", help="TOPIC or FILE")
    diff.add_argument("--json", action="store_true", help="machine-readable output")
    diff.set_defaults(run=_cmd_questionnaire_diff)
    export = sub.add_parser(
        "export",
        help="write a questionnaire for a survey platform",
        description="Write QUESTIONNAIRE in a survey platform's format. Warnings say where the "
        "platform shows something differently; what it cannot express is an error.",
    )
    export.add_argument("questionnaire", metavar="QUESTIONNAIRE", help="TOPIC or FILE")
    export.add_argument("--platform", required=True, help="see 'klyngepakke plugins'")
    export.add_argument("-o", "--output", type=Path, required=True, metavar="PATH")
    export.add_argument("--force", action="store_true", help="replace PATH if it exists")
    export.add_argument("--option", action="append", default=[], metavar="KEY=VALUE")
    export.set_defaults(run=_cmd_questionnaire_export)


def _add_survey_commands(commands: Any) -> None:
    group = commands.add_parser(
        "survey",
        help="answer, import and summarise surveys",
        description="Answer a questionnaire in the terminal, import a platform's responses, "
        "and summarise responses for the meeting.",
    )
    sub = group.add_subparsers(dest="action", metavar="ACTION", required=True)
    answer = sub.add_parser(
        "answer",
        help="answer a questionnaire in the terminal",
        description="Ask the questions one by one (conditions and required questions "
        "honoured; choose 'Tilbage' to go back) and append the finished response to OUT. "
        "An interrupted session loses nothing already saved.",
    )
    answer.add_argument("questionnaire", metavar="QUESTIONNAIRE", help="TOPIC or FILE")
    answer.add_argument("--out", type=Path, required=True, metavar="RESPONSES.jsonl")
    answer.add_argument("--respondent", help="respondent id (default: a new random id)")
    answer.set_defaults(run=_cmd_survey_answer)
    imported = sub.add_parser(
        "import",
        help="read a platform's response export",
        description="Read a survey platform's response export into our responses. Every row "
        "that cannot be used is listed with its row number and the reason.",
    )
    imported.add_argument("questionnaire", metavar="QUESTIONNAIRE", help="TOPIC or FILE")
    imported.add_argument("source", type=Path, metavar="EXPORT")
    imported.add_argument("--platform", required=True, help="see 'klyngepakke plugins'")
    imported.add_argument(
        "-o", "--output", type=Path, required=True, metavar="PATH", help=".json, .yaml or .jsonl"
    )
    imported.add_argument("--force", action="store_true", help="replace PATH if it exists")
    imported.add_argument("--option", action="append", default=[], metavar="KEY=VALUE")
    imported.set_defaults(run=_cmd_survey_import)
    results = sub.add_parser(
        "results",
        help="summarise responses",
        description="Summarise RESPONSES: response rate, counts and percentages per question "
        "over those who saw it, scale distributions and means, free text; with --baseline the "
        "change in percentage points since then.",
    )
    results.add_argument("questionnaire", metavar="QUESTIONNAIRE", help="TOPIC or FILE")
    results.add_argument("responses", type=Path, metavar="RESPONSES")
    results.add_argument("--baseline", type=Path, metavar="RESPONSES")
    results.add_argument(
        "--baseline-questionnaire",
        metavar="QUESTIONNAIRE",
        help="TOPIC or FILE the baseline answered, if it was another local version "
        "(default: QUESTIONNAIRE)",
    )
    results.add_argument(
        "--baseline-invited", type=int, metavar="N", help="how many were invited at baseline"
    )
    results.add_argument("--invited", type=int, metavar="N", help="how many were invited")
    results.add_argument(
        "--where",
        action="append",
        default=[],
        metavar="QUESTION=OPTION",
        help="only respondents who answered OPTION to QUESTION (repeatable)",
    )
    results.add_argument("--json", type=Path, metavar="PATH", help="also write the results as JSON")
    results.add_argument("--force", action="store_true", help="replace the JSON file if it exists")
    results.set_defaults(run=_cmd_survey_results)


def _add_metrics_commands(commands: Any) -> None:
    group = commands.add_parser(
        "metrics",
        help="compute service-data metrics (rates per 1000, funnels, changes)",
        description="Compute a package's metric from the regions' service data, for every "
        "practice, cluster and region, or write one cluster's view for slides; or write "
        "synthetic service data to try it on. Needs the optional extra: "
        "pip install 'klyngepakke[metrics]'.",
    )
    sub = group.add_subparsers(dest="action", metavar="ACTION", required=True)
    compute = sub.add_parser(
        "compute",
        help="compute a metric from service data",
        description="Read service data (counts, or claims with --claims), list sizes and "
        "cluster membership with the installed readers (chosen by file suffix, or --reader), "
        "compute the metric of the topic's package, write it to OUT and print a summary. "
        "Without --cluster OUT is the whole report with real provider numbers (for KiAP "
        "only); with --cluster it is that cluster's view: practices pseudonymised (Praksis "
        "A, B, ...), small counts hidden.",
        epilog="The pseudonym key is read from KLYNGEPAKKE_PSEUDONYM_KEY; keep it the same "
        "between baseline and follow-up.",
    )
    compute.add_argument(
        "--services",
        type=Path,
        required=True,
        metavar="FILE",
        help="service data: counts per practice and period, or claims with --claims",
    )
    compute.add_argument(
        "--claims", action="store_true", help="the service files hold one row per billed service"
    )
    compute.add_argument(
        "--lists", type=Path, required=True, metavar="FILE", help="list sizes (gruppe 1-sikrede)"
    )
    compute.add_argument(
        "--members", type=Path, required=True, metavar="FILE", help="cluster membership"
    )
    package = compute.add_mutually_exclusive_group()
    package.add_argument(
        "--topic",
        help=f"the topic whose package defines the metric (default: {DEFAULT_METRICS_TOPIC}, "
        "if installed)",
    )
    package.add_argument(
        "--package", type=Path, metavar="FILE", help="a package file that defines the metric"
    )
    compute.add_argument(
        "--metric", metavar="ID", help="which of the package's metrics (needed if it has several)"
    )
    compute.add_argument(
        "--period",
        metavar="START:END",
        help="the period to count, e.g. 2024-01-01:2024-12-31 (default: counts: the one period "
        "in the file; claims: the metric's months up to the last day in the file)",
    )
    compute.add_argument(
        "--cluster", metavar="NAME", help="write only this cluster's view (for slides)"
    )
    compute.add_argument(
        "--threshold",
        type=int,
        metavar="N",
        help="with --cluster: hide counts from 1 to N-1 (default 5)",
    )
    compute.add_argument(
        "--mapping",
        type=Path,
        metavar="PATH",
        help="with --cluster: also write provider number -> pseudonym for the coordinator",
    )
    compute.add_argument(
        "--previous-mapping",
        type=Path,
        metavar="PATH",
        help="with --cluster: keep the pseudonyms of an earlier round's mapping",
    )
    compute.add_argument(
        "--baseline-services", type=Path, metavar="FILE", help="the baseline's service data"
    )
    compute.add_argument(
        "--baseline-lists", type=Path, metavar="FILE", help="the baseline's list sizes"
    )
    compute.add_argument(
        "--baseline-members",
        type=Path,
        metavar="FILE",
        help="the baseline's membership (default: --members)",
    )
    compute.add_argument(
        "--baseline-period", metavar="START:END", help="the baseline period (as --period)"
    )
    compute.add_argument(
        "--reader", metavar="NAME", help="read every file with this reader (default: by suffix)"
    )
    compute.add_argument(
        "--option",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="reader option (repeatable)",
    )
    compute.add_argument(
        "-o", "--output", type=Path, required=True, metavar="OUT", help=".json or .yaml"
    )
    compute.add_argument("--force", action="store_true", help="replace OUT if it exists")
    compute.set_defaults(run=_cmd_metrics_compute)
    synthetic = sub.add_parser(
        "synthetic",
        help="write synthetic service data",
        description="Write a synthetic country's service data (membership, list sizes, "
        "counts, claims) and a README, every file named 'syntetisk': not real practices, "
        "patients or services.",
    )
    synthetic.add_argument("--out", type=Path, required=True, metavar="DIR")
    synthetic.add_argument(
        "--providers", type=int, default=1700, metavar="N", help="practices (default 1700)"
    )
    synthetic.add_argument(
        "--claims",
        type=int,
        metavar="N",
        help="claims rows (default: the claims behind the counts)",
    )
    synthetic.add_argument("--seed", type=int, default=0, metavar="S", help="default 0")
    synthetic.add_argument("--year", type=int, default=2025, help="default 2025")
    synthetic.add_argument(
        "--format",
        choices=("csv", "parquet"),
        default="csv",
        help="CSV as regions send it (default) or canonical Parquet",
    )
    synthetic.set_defaults(run=_cmd_metrics_synthetic)


def _add_meeting_answers(parser: argparse.ArgumentParser) -> None:
    """The answers setting up a meeting asks for, as flags (``meeting new`` and ``init``)."""
    for flag, metavar, text in (
        ("--cluster", "NAME", "the cluster, e.g. 'Klynge Syd'"),
        ("--municipality", "NAME", "e.g. 'Sydby Kommune'"),
        ("--date", "DATE", "meeting day, e.g. 2027-03-11"),
        ("--start", "TIME", "start time in Danish time (default: 16:00)"),
        ("--place", "TEXT", "where the meeting is held"),
        ("--chair", "NAME|PERSON", "who chairs the meeting"),
        ("--minute-taker", "NAME|PERSON", "who takes the minutes"),
    ):
        parser.add_argument(flag, metavar=metavar, help=text)
    parser.add_argument(
        "--participant",
        action="append",
        default=[],
        metavar="PERSON",
        help="an invited participant, 'NAME; TITLE; ORGANISATION[; ROLE]' (repeatable)",
    )


def _add_build_commands(commands: Any) -> None:
    from klyngepakke.build import ARTEFACTS

    artefacts = ", ".join([a.name for a in ARTEFACTS] + ["platforms"])
    build = commands.add_parser(
        "build",
        help="write every artefact for a meeting folder, or for many clusters",
        description="Write every artefact a meeting needs (deck, package document, dated "
        "runbook, letter to the municipality, printable questionnaire, results report, "
        "calendar, questionnaire platform exports, and after the meeting the minutes) from a "
        "meeting folder (see 'klyngepakke init'), or for every row of an orders file. Missing "
        "inputs become marked placeholders and are listed. Unchanged inputs are not rebuilt.",
        formatter_class=_formatter,
    )
    build.add_argument("folder", metavar="MEETING_DIR", nargs="?", type=Path)
    build.add_argument(
        "-o",
        "--output",
        type=Path,
        metavar="DIR",
        help="output folder (default: MEETING_DIR/materiale; with --orders: required)",
    )
    build.add_argument(
        "--orders", type=Path, metavar="CSV", help="build one cluster per row of this file"
    )
    build.add_argument(
        "--metrics-report",
        type=Path,
        metavar="FILE",
        help="with --orders: the national metrics report; each cluster gets its own view",
    )
    build.add_argument("--jobs", type=int, metavar="N", help="parallel builds (default: cores)")
    build.add_argument(
        "--only", metavar="NAMES", help=f"comma-separated artefacts to build ({artefacts})"
    )
    build.add_argument(
        "--force",
        action="store_true",
        help="replace files in the output folder that the last build did not write",
    )
    build.set_defaults(run=_cmd_build)

    init = commands.add_parser(
        "init",
        help="create a meeting folder step by step",
        description="Create a meeting folder for 'klyngepakke build': the meeting (topic, "
        "cluster, municipality, date, start, place, people; as 'klyngepakke meeting new' asks "
        "for them), build.yaml with the number of members invited to answer, and, if you want "
        "to adapt the questionnaire locally, questionnaire.yaml to edit. Asks in a terminal; "
        "every answer also has a flag for scripts.",
        formatter_class=_formatter,
    )
    init.add_argument("folder", metavar="DIR", type=Path, help="the new meeting folder")
    init.add_argument("--topic", metavar="TOPIC|FILE", help="the package")
    _add_meeting_answers(init)
    init.add_argument(
        "--invited", type=int, metavar="N", help="members asked to answer the questionnaire"
    )
    init.add_argument(
        "--local-questionnaire",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="write questionnaire.yaml to adapt the questionnaire locally",
    )
    init.add_argument("--force", action="store_true", help="write into DIR even if it has files")
    init.set_defaults(run=_cmd_init)

    demo = commands.add_parser(
        "demo",
        help="make and build a demo meeting from synthetic data",
        description="Write a meeting folder for a topic from synthetic data (clearly labelled "
        "synthetic: made-up people, answers and service data) and build all its material.",
    )
    demo.add_argument("folder", metavar="DIR", type=Path, help="the new meeting folder")
    demo.add_argument("--topic", default="akutfunktioner", help="topic (default: %(default)s)")
    demo.add_argument("--baseline", action="store_true", help="add a baseline, as at a follow-up")
    demo.add_argument("--seed", type=int, default=0, help="synthetic data seed")
    demo.add_argument("--force", action="store_true", help="replace files in DIR")
    demo.set_defaults(run=_cmd_demo)


# -- main -----------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    from klyngepakke.errors import KlyngepakkeError
    from klyngepakke.fileio import exit_on_terminate

    previous = exit_on_terminate()
    try:
        run: Callable[[argparse.Namespace, TextIO], int] = args.run
        return run(args, sys.stdout)
    except UsageError as exc:
        parser.exit(2, f"klyngepakke {args.command}: error: {exc}\n")
    except KlyngepakkeError as exc:
        if args.debug:
            raise
        print(f"klyngepakke: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("klyngepakke: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader (e.g. `| head`) went away: stop quietly, as other tools do.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    except Exception as exc:
        if args.debug:
            raise
        print(
            f"klyngepakke: internal error: {type(exc).__name__}: {exc} "
            "(this is a bug; run with --debug for the traceback)",
            file=sys.stderr,
        )
        return 1
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)  # type: ignore[arg-type]


# -- commands -------------------------------------------------------------------------------


def _cmd_topics(args: argparse.Namespace, out: TextIO) -> int:
    from klyngepakke.plugins import get_registry

    registry = get_registry()
    found = sorted(registry.topics().items())
    if args.json:
        rows = [{"id": k, "title": r.item.title, "plugin": r.plugin} for k, r in found]
        json.dump(rows, out, ensure_ascii=False, indent=2)
        out.write("\n")
    else:
        _table(out, ["TOPIC", "TITLE", "PLUGIN"], [[k, r.item.title, r.plugin] for k, r in found])
    _warn_about_plugins(registry)
    return 0


def _cmd_plugins(args: argparse.Namespace, out: TextIO) -> int:
    from klyngepakke.plugins import get_registry

    registry = get_registry()
    plugins, broken, conflicts = registry.plugins, registry.broken, registry.conflicts()
    if args.json:
        data = {
            "plugins": [
                {
                    "name": p.name,
                    "distribution": p.distribution,
                    "version": p.version,
                    "hooks": list(p.hooks),
                    "builtin": p.builtin,
                }
                for p in plugins
            ],
            "broken": [
                {
                    "name": b.name,
                    "distribution": b.distribution,
                    "version": b.version,
                    "error": b.error,
                }
                for b in broken
            ],
            "conflicts": {
                noun: {k: list(v) for k, v in found.items()} for noun, found in conflicts.items()
            },
        }
        json.dump(data, out, ensure_ascii=False, indent=2)
        out.write("\n")
        return 0
    rows = [
        [p.name, p.version or "-", _origin(p.distribution, p.builtin), ", ".join(p.hooks)]
        for p in plugins
    ]
    _table(out, ["PLUGIN", "VERSION", "DISTRIBUTION", "HOOKS"], rows)
    if broken:
        out.write("\nBroken plugins:\n")
        for b in broken:
            origin = (
                f"{b.distribution} {b.version or ''}".strip() if b.distribution else "not installed"
            )
            out.write(f"  {b.name} ({origin}): {b.error}\n")
    for noun, found in conflicts.items():
        for name, owners in found.items():
            out.write(f"\nConflict: {noun} {name!r} is registered by {' and '.join(owners)}\n")
    return 0


def _cmd_exporters(args: argparse.Namespace, out: TextIO) -> int:
    from klyngepakke.plugins import get_registry

    registry = get_registry()
    found = sorted(registry.exporters().items())
    if args.json:
        rows = [
            {
                "name": name,
                "suffixes": list(r.item.suffixes),
                "accepts": [k.__name__ for k in r.item.accepts],
                "options": dict(r.item.options),
                "description": r.item.description,
                "plugin": r.plugin,
            }
            for name, r in found
        ]
        json.dump(rows, out, ensure_ascii=False, indent=2)
        out.write("\n")
    else:
        rows_text = [[n, " ".join(r.item.suffixes), r.item.description] for n, r in found]
        _table(out, ["FORMAT", "SUFFIXES", "DESCRIPTION"], rows_text)
    _warn_about_plugins(registry)
    return 0


def _cmd_show(args: argparse.Namespace, out: TextIO) -> int:
    from klyngepakke import model
    from klyngepakke.planning import RunbookPlan

    obj = _resolve(args.source)
    if isinstance(obj, model.ClusterPackage):
        _show_package(obj, out)
    elif isinstance(obj, model.Agenda):
        _show_agenda(obj, out)
    elif isinstance(obj, model.Runbook):
        _show_runbook(obj, out)
    elif isinstance(obj, model.Questionnaire):
        _show_questionnaire(obj, out)
    elif isinstance(obj, RunbookPlan):
        _show_plan(obj, out)
    elif isinstance(obj, model.Meeting):
        _show_meeting(obj, out)
    else:
        from klyngepakke.conversion import dumps

        out.write(dumps(obj, "yaml"))
    return 0


def _cmd_validate(args: argparse.Namespace, out: TextIO) -> int:
    from klyngepakke.conversion import _KIND_OF, load
    from klyngepakke.errors import DocumentError

    failed = 0
    for path in args.files:
        try:
            obj = load(path)
        except DocumentError as exc:
            failed += 1
            print(exc, file=sys.stderr)
            continue
        out.write(f"{path}: ok ({_KIND_OF[type(obj)]})\n")
    return 1 if failed else 0


def _cmd_export(args: argparse.Namespace, out: TextIO) -> int:
    from klyngepakke.api import export
    from klyngepakke.errors import OutputExistsError
    from klyngepakke.plugins import get_registry

    registry = get_registry()
    source = args.source
    if source is None:
        source = _ask_or_fail(
            "which topic? give TOPIC or FILE",
            lambda: prompter.select(
                "Hvilket emne?",
                [(k, f"{k}: {r.item.title}") for k, r in sorted(registry.topics().items())],
            ),
        )
    obj = _resolve(source)
    options = _parse_options(args.option)
    exporter = _choose_exporter(args.format, args.output, obj)
    output: Path | None = args.output
    if output is None:
        default = f"{Path(source).stem}{exporter.suffixes[0]}"
        output = Path(
            _ask_or_fail(
                "give the output file with -o PATH", lambda: prompter.text("Gem som:", default)
            )
        )
    force = args.force
    if output.exists() and not force and is_interactive():
        force = prompter.confirm(f"{output} findes allerede. Overskriv?")
        if not force:
            raise OutputExistsError(f"{output}: already exists; not replaced")
    written = export(obj, exporter.name, output, force=force, options=options)
    out.write(f"wrote {written} ({exporter.name})\n")
    return 0


def _cmd_bundle(args: argparse.Namespace, out: TextIO) -> int:
    from klyngepakke import model
    from klyngepakke.bundle import MeetingBundle
    from klyngepakke.conversion import dump, load
    from klyngepakke.metrics.results import ClusterView
    from klyngepakke.planning import RunbookPlan
    from klyngepakke.survey_results import SurveyResults

    package = _resolve(args.source)
    if not isinstance(package, model.ClusterPackage):
        raise UsageError(f"{args.source} is a {type(package).__name__}, not a cluster package")
    parts: dict[str, Any] = {}
    for name, kind in (
        ("meeting", model.Meeting),
        ("survey", SurveyResults),
        ("survey_baseline", SurveyResults),
        ("metrics", ClusterView),
        ("plan", RunbookPlan),
    ):
        path = getattr(args, name)
        if path is not None:
            parts[name] = load(path, kind)
    bundle = MeetingBundle(package, **parts)
    written = dump(bundle, args.output, force=args.force)
    out.write(f"wrote {written} (meeting_bundle)\n")
    for gap in bundle.missing():
        print(f"klyngepakke: missing: {gap}", file=sys.stderr)
    return 0


def _cmd_plan(args: argparse.Namespace, out: TextIO) -> int:
    import datetime as dt

    from klyngepakke import model
    from klyngepakke.conversion import dumps
    from klyngepakke.planning import plan_runbook

    obj = _resolve(args.source)
    if not isinstance(obj, model.ClusterPackage):
        raise UsageError(f"{args.source} is a {type(obj).__name__}, not a cluster package")
    meeting = _parse_arg(dt.datetime.fromisoformat, args.meeting, "--meeting", "2027-03-11T16:00")
    if "T" not in args.meeting.upper() and " " not in args.meeting.strip():
        raise UsageError(
            f"--meeting {args.meeting!r} needs the start time too, e.g. {args.meeting}T16:00"
        )
    ordered = None
    if args.ordered is not None:
        ordered = _parse_arg(dt.date.fromisoformat, args.ordered, "--ordered", "2027-01-05")
    if args.ics is not None and args.ics.exists() and not args.force:
        from klyngepakke.errors import OutputExistsError

        raise OutputExistsError(f"{args.ics}: already exists; use --force to replace it")
    plan = plan_runbook(obj, meeting, ordered=ordered, meeting_id=args.meeting_id)
    if args.json:
        out.write(dumps(plan, "json"))
    else:
        _show_plan(plan, out)
    for warning in plan.warnings:
        print(f"klyngepakke: warning: {warning}", file=sys.stderr)
    if args.ics is not None:
        from klyngepakke.api import export
        from klyngepakke.errors import UnknownNameError

        options = {"deadline_events": "yes"} if args.deadline_events else {}
        try:
            written = export(plan, "ics", args.ics, force=args.force, options=options)
        except UnknownNameError as exc:
            if exc.name != "ics":
                raise
            from klyngepakke.errors import PluginError

            raise PluginError(
                "--ics needs the calendar plugin: pip install klyngepakke-calendar "
                "(plugins/klyngepakke-calendar in the source tree)"
            ) from None
        print(f"wrote {written} (ics)", file=sys.stderr if args.json else out)
    return 0


def _parse_arg(parse: Callable[[str], Any], value: str, option: str, example: str) -> Any:
    try:
        return parse(value)
    except ValueError:
        raise UsageError(f"{option} {value!r} is not like {example}") from None


def _cmd_questionnaire_diff(args: argparse.Namespace, out: TextIO) -> int:
    from klyngepakke.adaptation import diff_questionnaires, render_diff

    changes = diff_questionnaires(
        _resolve_questionnaire(args.standard), _resolve_questionnaire(args.local)
    )
    if args.json:
        json.dump(changes.to_data(), out, ensure_ascii=False, indent=2)
        out.write("\n")
    else:
        out.write(render_diff(changes))
    return 0


def _cmd_questionnaire_export(args: argparse.Namespace, out: TextIO) -> int:
    from klyngepakke.fileio import atomic_output
    from klyngepakke.plugins import get_registry

    questionnaire = _resolve_questionnaire(args.questionnaire)
    platform = get_registry().questionnaire_platform(args.platform)
    options = _parse_options(args.option)
    if not platform.questionnaire_suffixes:
        _refuse_export(platform, questionnaire, options)
    if args.output.suffix.lower() not in platform.questionnaire_suffixes:
        raise UsageError(
            f"{args.output}: {platform.name} questionnaires are "
            f"{', '.join(platform.questionnaire_suffixes) or 'not exported'} files"
        )
    with atomic_output(args.output, force=args.force) as temporary:
        warnings = platform.export_questionnaire(questionnaire, temporary, options)
    for warning in warnings:
        print(f"klyngepakke: warning: {warning}", file=sys.stderr)
    out.write(f"wrote {args.output} ({platform.name})\n")
    return 0


def _refuse_export(platform: Any, questionnaire: Questionnaire, options: dict[str, str]) -> None:
    """A platform that cannot export explains why (its PlatformError); nothing is kept."""
    import tempfile

    from klyngepakke.platforms import PlatformError

    with tempfile.TemporaryDirectory() as folder:
        platform.export_questionnaire(questionnaire, Path(folder) / "questionnaire", options)
    raise PlatformError(f"{platform.name} cannot export questionnaires")


def _cmd_survey_import(args: argparse.Namespace, out: TextIO) -> int:
    from klyngepakke.conversion import dump, response_lines
    from klyngepakke.fileio import atomic_write_text
    from klyngepakke.plugins import get_registry

    questionnaire = _resolve_questionnaire(args.questionnaire)
    platform = get_registry().questionnaire_platform(args.platform)
    if not args.source.is_file():
        from klyngepakke.errors import KlyngepakkeError

        raise KlyngepakkeError(f"{args.source}: no such file")
    if args.source.suffix.lower() not in platform.response_suffixes:
        raise UsageError(
            f"{args.source}: {platform.name} response exports are "
            f"{', '.join(platform.response_suffixes)} files"
        )
    result = platform.import_responses(args.source, questionnaire, _parse_options(args.option))
    if args.output.suffix.lower() == ".jsonl":
        atomic_write_text(args.output, response_lines(result.responses), force=args.force)
    else:
        dump(result.responses, args.output, force=args.force)
    for warning in result.warnings:
        print(f"klyngepakke: warning: {warning}", file=sys.stderr)
    for row in result.skipped:
        print(f"klyngepakke: skipped {args.source} {row}", file=sys.stderr)
    kept, skipped = len(result.responses.responses), len(result.skipped)
    out.write(
        f"wrote {args.output}: {kept} {'response' if kept == 1 else 'responses'}, "
        f"{skipped} {'row' if skipped == 1 else 'rows'} skipped\n"
    )
    return 0


def _cmd_survey_answer(args: argparse.Namespace, out: TextIO) -> int:
    from klyngepakke.answering import answer_in_terminal

    questionnaire = _resolve_questionnaire(args.questionnaire)
    if not is_interactive():
        raise UsageError("answering needs a person at a terminal")
    response = answer_in_terminal(questionnaire, args.out, respondent=args.respondent)
    out.write(f"saved response {response.respondent} to {args.out}\n")
    return 0


def _cmd_survey_results(args: argparse.Namespace, out: TextIO) -> int:
    from klyngepakke.conversion import dumps, load_responses
    from klyngepakke.fileio import atomic_write_text
    from klyngepakke.survey_results import aggregate, compare, render_results

    questionnaire = _resolve_questionnaire(args.questionnaire)
    where: dict[str, tuple[str, ...]] = {}
    for pair in args.where:
        question, sep, option = pair.partition("=")
        if not sep or not question or not option:
            raise UsageError(f"--where {pair!r} is not QUESTION=OPTION")
        where[question] = (*where.get(question, ()), option)
    responses = load_responses(args.responses, questionnaire.id)
    results = aggregate(questionnaire, responses, invited=args.invited, where=where)
    comparison = None
    if args.baseline is not None:
        earlier = questionnaire
        if args.baseline_questionnaire is not None:
            earlier = _resolve_questionnaire(args.baseline_questionnaire)
        baseline = aggregate(
            earlier,
            load_responses(args.baseline, earlier.id),
            invited=args.baseline_invited,
            where=where,
        )
        comparison = compare(baseline, results)
    out.write(render_results(results, comparison))
    if args.json is not None:
        atomic_write_text(args.json, dumps(comparison or results, "json"), force=args.force)
        out.write(f"wrote {args.json}\n")
    return 0


def _resolve_questionnaire(source: str) -> Questionnaire:
    """A questionnaire file, a package file, or a topic id (its package's questionnaire)."""
    from klyngepakke import model

    obj = _resolve(source)
    if isinstance(obj, model.ClusterPackage):
        if obj.questionnaire is None:
            raise UsageError(f"{source}: the package has no questionnaire")
        return obj.questionnaire
    if not isinstance(obj, model.Questionnaire):
        raise UsageError(f"{source} is a {type(obj).__name__}, not a questionnaire")
    return obj


# -- helpers --------------------------------------------------------------------------------


def _ask_or_fail(usage: str, ask: Callable[[], str]) -> str:
    if not is_interactive():
        raise UsageError(usage)
    return ask()


def _resolve(source: str) -> Any:
    """A file path (if it exists or looks like one) or a topic id."""
    from klyngepakke.conversion import FORMATS, load
    from klyngepakke.plugins import get_registry

    path = Path(source)
    if path.exists() or path.suffix.lower() in FORMATS or os.sep in source:
        return load(path)
    return get_registry().topic(source).package


def _parse_options(pairs: Sequence[str]) -> dict[str, str]:
    options: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise UsageError(f"--option {pair!r} is not KEY=VALUE")
        options[key.strip()] = value
    return options


def _choose_exporter(name: str | None, output: Path | None, obj: Any) -> Exporter:
    from klyngepakke.plugins import get_registry

    registry = get_registry()
    if name is not None:
        return registry.exporter(name)
    fitting = [
        r.item for _, r in sorted(registry.exporters().items()) if isinstance(obj, r.item.accepts)
    ]
    if output is not None:
        suffix = output.suffix.lower()
        by_suffix = [e for e in fitting if suffix in e.suffixes]
        # Several exporters may write a suffix (json and oparl both write .json): the one
        # named like the suffix is the plain choice; the others need --format.
        named = [e for e in by_suffix if e.name == suffix.lstrip(".")]
        if len(by_suffix) == 1 or len(named) == 1:
            return (named or by_suffix)[0]
    chosen = _ask_or_fail(
        "give --format NAME (see 'klyngepakke exporters')",
        lambda: prompter.select(
            "Hvilket format?", [(e.name, f"{e.name}: {e.description}") for e in fitting]
        ),
    )
    return registry.exporter(chosen)


def _warn_about_plugins(registry: Any) -> None:
    for broken in registry.broken:
        print(
            f"klyngepakke: warning: plugin {broken.name!r} is broken and was skipped "
            "(see 'klyngepakke plugins')",
            file=sys.stderr,
        )
    for noun, found in registry.conflicts().items():
        for name, owners in found.items():
            print(
                f"klyngepakke: warning: {noun} {name!r} is registered by {' and '.join(owners)} "
                "and is unavailable until one is disabled",
                file=sys.stderr,
            )


def _origin(distribution: str | None, builtin: bool) -> str:
    if builtin:
        return f"{distribution} (built in)"
    return distribution or "-"


def _table(out: TextIO, header: list[str], rows: list[list[str]]) -> None:
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows, strict=False)]
    for row in [header, *rows]:
        cells = [str(cell).ljust(width) for cell, width in zip(row, widths, strict=False)]
        out.write("  ".join(cells).rstrip() + "\n")


def _minutes(value: int | None) -> str:
    return f"{value} min" if value is not None else ""


def _show_package(package: ClusterPackage, out: TextIO) -> None:
    from klyngepakke.danish import format_amount, format_date
    from klyngepakke.model import ReferenceLevel

    out.write(f"{package.title}" + (f" – {package.subtitle}" if package.subtitle else "") + "\n")
    out.write(
        f"Emne: {package.topic}   Version: {package.version}   "
        f"Mødets varighed: {package.meeting_minutes} min\n\n"
    )
    out.write("Formål\n")
    _show_text(package.purpose, out)
    for section in package.background:
        _show_section(section, out)
    if package.recommendations:
        _show_recommendations(package, out)
    if package.materials:
        out.write("\nMateriale og support fra KiAP\n")
        for material in package.materials:
            link = f" <{material.url}>" if material.url else ""
            out.write(f"  • {material.title}{link}\n")
            if material.description:
                _show_text(material.description, out, indent="    ")
    if package.data_sources:
        out.write("\nDatakilder\n")
        for source in package.data_sources:
            out.write(f"  • {source.title} ({source.kind.label})\n")
            if source.description:
                _show_text(source.description, out, indent="    ")
    for service in package.service_codes:
        fee = service.fees[-1] if service.fees else None
        price = f": {format_amount(fee.amount)} fra {format_date(fee.valid_from)}" if fee else ""
        limits = "; ".join(
            f"højst {limit.max_count} gange pr. {limit.per.label}" for limit in service.limits
        )
        out.write("\n")
        _show_text(
            f"Ydelse {service.code} – {service.name}{price}" + (f"; {limits}" if limits else ""),
            out,
            indent="",
        )
    for event in package.counted_events:
        out.write("\n")
        _show_text(f"{event.name} (kode {event.code}). Kilde: {event.counted_by}", out, indent="")
        if event.description:
            _show_text(event.description, out, indent="  ")
    for metric in package.metrics:
        codes = ", ".join(metric.codes)
        counted = f"kode {codes}" if metric.counts_events else f"ydelse {codes}"
        unit = f"pr. {metric.per} {metric.denominator.label}"
        what = counted if unit in metric.title else f"{counted} {unit}"
        compared = ""
        if metric.compare_with is not ReferenceLevel.REGION:
            compared = f", sammenlignet med {metric.compare_with.label.lower()}"
        out.write(
            f"  Opgørelse: {metric.title} ({what}, {metric.period_months} måneder{compared})\n"
        )
    out.write("\n")
    _show_agenda(package.programme, out, heading="Program")
    if package.runbook is not None:
        out.write("\n")
        _show_runbook(package.runbook, out)
    if package.questionnaire is not None:
        out.write("\n")
        _show_questionnaire(package.questionnaire, out)
    if package.municipality_information:
        out.write("\nInformation til kommunen\n")
        for section in package.municipality_information:
            _show_section(section, out)
    for section in package.follow_up:
        _show_section(section, out)
    if package.references:
        out.write("\nReferencer\n")
        for number, reference in enumerate(package.references, start=1):
            origin = f", {reference.source}" if reference.source else ""
            out.write(f"  {number}. {reference.title}{origin}\n")
            if reference.url:
                out.write(f"     {reference.url}\n")
    if package.reviewers or package.reviewing_organisations:
        out.write("\nReview\n")
        for person in package.reviewers:
            out.write(f"  • {person.name}" + (f", {person.title}" if person.title else "") + "\n")
        if package.reviewing_organisations:
            _show_text("Repræsentanter fra " + ", ".join(package.reviewing_organisations), out)
    if package.contacts:
        out.write("\nKontakt\n")
        for person in package.contacts:
            details = ", ".join(x for x in (person.title, person.email, person.phone) if x)
            out.write(f"  {person.name}" + (f": {details}" if details else "") + "\n")


def _show_recommendations(package: ClusterPackage, out: TextIO) -> None:
    from klyngepakke.model import group_recommendations

    recommendations = package.recommendations
    out.write(f"\nAnbefalinger ({len(recommendations)})\n")
    references = {r.reference for r in recommendations}
    shared = references.pop() if len(references) == 1 else None
    if shared is not None:
        reference = package.references[shared - 1]
        origin = f", {reference.source}" if reference.source else ""
        _show_text(f"Kilde: {reference.title}{origin} ({shared})", out)
    for group, members in group_recommendations(recommendations):
        indent = "    " if group else "  "
        if group:
            out.write(f"  {group}\n")
        for recommendation in members:
            number = recommendation.reference
            cited = f" ({number})" if number is not None and shared is None else ""
            _show_text(
                f"{recommendation.text}{cited} [{recommendation.responsible_label}]",
                out,
                indent=indent + "  ",
                first=indent + "□ ",
            )


def _show_section(section: TextSection, out: TextIO) -> None:
    out.write(f"\n{section.heading}\n")
    for index, block in enumerate(section.blocks()):
        if index and isinstance(block, str):
            out.write("\n")
        if isinstance(block, str):
            _show_text(block, out)
        else:
            for item in block:
                _show_text(item, out, indent="    ", first="  • ")


def _show_text(text: str, out: TextIO, *, indent: str = "  ", first: str | None = None) -> None:
    import textwrap

    wrapped = textwrap.fill(
        " ".join(text.split()), width=100, initial_indent=first or indent, subsequent_indent=indent
    )
    out.write(wrapped + "\n")


def _show_agenda(agenda: Agenda, out: TextIO, heading: str = "Dagsorden") -> None:
    total = agenda.duration
    out.write(f"{heading}" + (f" ({total} min)" if total is not None else "") + "\n")

    def item_line(item: AgendaItem, depth: int) -> None:
        when = str(item.slot) if item.slot else _minutes(item.duration)
        label = f"{item.number}. " if item.number else ""
        who = f" [{item.presenter}]" if item.presenter else ""
        line = f"{'  ' * depth}{label}{item.title}{who}".ljust(60) + f" {when}"
        out.write(line.rstrip() + "\n")
        for text in (item.description, item.case_presentation):
            if text.strip():
                _show_text(text, out, indent="  " * (depth + 1))
        for point in item.points:
            out.write(f"{'  ' * (depth + 1)}- {point}\n")
        for child in item.items:
            item_line(child, depth + 1)
        if item.reflection_questions:
            out.write(f"{'  ' * (depth + 1)}Refleksionsspørgsmål:\n")
        for question in item.reflection_questions:
            out.write(f"{'  ' * (depth + 2)}? {question}\n")

    for item in agenda.items:
        item_line(item, 1)


def _show_runbook(runbook: Runbook, out: TextIO) -> None:
    count = len(runbook.tasks)
    out.write(f"Drejebog: {runbook.title} ({count} {'opgave' if count == 1 else 'opgaver'})\n")
    for task in runbook.tasks:
        deadline = task.deadline.label if task.deadline else ""
        out.write(f"  {task.phase.label:<12} {deadline:<14} {task.owner.label:<20} {task.title}\n")
        if task.description:
            _show_text(task.description, out, indent=" " * 6)
        for point in task.checklist:
            _show_text(point, out, indent=" " * 8, first=" " * 6 + "□ ")


def _show_questionnaire(questionnaire: Questionnaire, out: TextIO) -> None:
    count = sum(1 for _ in questionnaire.questions())
    out.write(f"Spørgeskema: {questionnaire.title} ({count} spørgsmål)\n")
    for section in questionnaire.sections:
        out.write(f"  {section.title}\n")
        for question in section.questions:
            extra = f" (vises hvis {question.show_if.question})" if question.show_if else ""
            line = f"{question.code}: {' '.join(question.text.split())} [{question.kind.label}]"
            _show_text(line + extra, out, indent="      ", first="    ")
            if question.options:
                answers = " · ".join(option.label for option in question.options)
                _show_text(f"Svar: {answers}", out, indent="        ", first="      ")


def _show_plan(plan: RunbookPlan, out: TextIO) -> None:
    from klyngepakke.danish import format_date, format_time
    from klyngepakke.model import Phase

    start, end = plan.meeting_start, plan.meeting_end
    out.write(f"{plan.runbook_title}\n")
    out.write(
        f"Mødet: {format_date(start.date(), weekday=True)} kl. "
        f"{format_time(start)}-{format_time(end)}\n"
    )
    if plan.ordered is not None:
        out.write(f"Bestilt: {format_date(plan.ordered, weekday=True)}\n")
    width = max((len(p.task.owner.label) for p in plan.tasks), default=0)
    for phase in Phase:
        tasks = plan.phase(phase)
        if not tasks:
            continue
        out.write(f"\n{phase.label}\n")
        for planned in tasks:
            when = format_date(planned.due, weekday=True) if planned.due else "uden frist"
            moved = ""
            if planned.moved and planned.nominal is not None:
                moved = f" (flyttet fra {format_date(planned.nominal)}: {planned.moved_because})"
            owner = planned.task.owner.label.ljust(width)
            out.write(f"  {when:<28} {owner}  {planned.task.title}{moved}\n")


def _show_meeting(meeting: Meeting, out: TextIO) -> None:
    out.write(f"{meeting.title} ({meeting.kind.label})\n")
    out.write(f"  {meeting.start:%Y-%m-%d %H.%M}-{meeting.end:%H.%M} {meeting.place}\n")
    for delegation in meeting.delegations:
        out.write(f"  {delegation.organisation.name}: {len(delegation.participants)} deltagere\n")
    if meeting.agenda is not None:
        _show_agenda(meeting.agenda, out)
    for action in meeting.action_items:
        due = action.due.isoformat() if action.due else "-"
        out.write(f"  Handling: {action.what} ({action.owner}, {due}, {action.status.label})\n")


# -- metrics --------------------------------------------------------------------------------

if TYPE_CHECKING:
    from klyngepakke.metrics.results import (
        ClusterView,
        GroupLevel,
        GroupMetric,
        MetricsReport,
        Period,
    )
    from klyngepakke.model import MetricDefinition, ServiceCode
    from klyngepakke.service_data import ServiceDataFile, ServiceDataKind

DEFAULT_METRICS_TOPIC = "akutfunktioner"
"""The topic whose package ``metrics compute`` uses when none is given, if installed."""


def _cmd_metrics_compute(args: argparse.Namespace, out: TextIO) -> int:
    import tempfile

    from klyngepakke.conversion import dump, format_for_path
    from klyngepakke.metrics.engine import BaselineInput, compute_metrics, require_metrics_extra
    from klyngepakke.service_data import ServiceDataKind

    try:
        format_for_path(args.output)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    if args.output.exists() and not args.force:
        from klyngepakke.errors import OutputExistsError

        raise OutputExistsError(f"{args.output}: already exists; use --force to replace it")
    view_options = (args.threshold, args.mapping, args.previous_mapping)
    if args.cluster is None and any(option is not None for option in view_options):
        raise UsageError("--threshold, --mapping and --previous-mapping need --cluster")
    if (args.baseline_services is None) != (args.baseline_lists is None):
        raise UsageError("a baseline needs both --baseline-services and --baseline-lists")
    if args.baseline_services is None and (args.baseline_members or args.baseline_period):
        raise UsageError("--baseline-members and --baseline-period need --baseline-services")
    period = _parse_period(args.period, "--period")
    baseline_period = _parse_period(args.baseline_period, "--baseline-period")
    definition, services = _metric_for(args)
    options = _parse_options(args.option)
    require_metrics_extra()

    kind = ServiceDataKind.CLAIMS if args.claims else ServiceDataKind.COUNTS
    with tempfile.TemporaryDirectory(prefix="klyngepakke-metrics-") as folder:
        work = Path(folder)

        def read(path: Path, what: ServiceDataKind, name: str) -> ServiceDataFile:
            return _read_service_data(path, what, args.reader, options, work / name)

        members = read(args.members, ServiceDataKind.MEMBERSHIP, "members")
        baseline = None
        if args.baseline_services is not None:
            earlier = read(args.baseline_services, kind, "baseline-services")
            baseline = BaselineInput(
                list_sizes=read(args.baseline_lists, ServiceDataKind.LIST_SIZES, "baseline-lists"),
                counts=None if args.claims else earlier,
                claims=earlier if args.claims else None,
                membership=(
                    read(args.baseline_members, ServiceDataKind.MEMBERSHIP, "baseline-members")
                    if args.baseline_members is not None
                    else None
                ),
                period=baseline_period,
            )
        data = read(args.services, kind, "services")
        report = compute_metrics(
            definition,
            services,
            counts=None if args.claims else data,
            claims=data if args.claims else None,
            list_sizes=read(args.lists, ServiceDataKind.LIST_SIZES, "lists"),
            membership=members,
            period=period,
            baseline=baseline,
        )
    for note in report.notes:
        print(f"klyngepakke: note: {note}", file=sys.stderr)
    if args.cluster is None:
        dump(report, args.output, force=args.force)
        _show_metrics_report(report, out)
    else:
        view = _cluster_view(report, args)
        dump(view, args.output, force=args.force)
        _show_cluster_view(view, out, events=definition.counts_events)
    out.write(f"wrote {args.output}\n")
    return 0


def _cluster_view(report: MetricsReport, args: argparse.Namespace) -> ClusterView:
    from klyngepakke.metrics import privacy

    previous = None
    if args.previous_mapping is not None:
        previous = privacy.read_pseudonym_mapping(args.previous_mapping)
    threshold = privacy.DEFAULT_THRESHOLD if args.threshold is None else args.threshold
    view = privacy.cluster_view(report, args.cluster, threshold=threshold, previous=previous)
    if args.mapping is not None:
        mapping = privacy.pseudonym_mapping(report, args.cluster, previous=previous)
        privacy.write_pseudonym_mapping(args.mapping, mapping, force=args.force)
        print(f"wrote {args.mapping} (for the cluster coordinator only)", file=sys.stderr)
    return view


def _cmd_metrics_synthetic(args: argparse.Namespace, out: TextIO) -> int:
    from klyngepakke.metrics.engine import require_metrics_extra

    require_metrics_extra()
    from klyngepakke.metrics.synthetic import generate_country

    try:
        country = generate_country(providers=args.providers, seed=args.seed, year=args.year)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    if args.claims is not None and args.claims < 0:
        raise UsageError(f"--claims {args.claims} must be 0 or more")
    paths = country.write_files(args.out, format=args.format, claims_rows=args.claims)
    out.write(
        f"Syntetiske ydelsesdata (ikke rigtige praksis eller patienter): {len(country.practices)} "
        f"praksis i {len(country.clusters)} klynger, år {country.year}, ydelse "
        f"{country.service_code}, seed {country.seed}\n"
    )
    for path in paths:
        out.write(f"wrote {path}\n")
    return 0


def _parse_period(text: str | None, option: str) -> Period | None:
    import datetime as dt

    from klyngepakke.errors import ModelError
    from klyngepakke.metrics.results import Period

    if text is None:
        return None
    start, sep, end = text.partition(":")
    example = "2024-01-01:2024-12-31"
    if not sep:
        raise UsageError(f"{option} {text!r} is not START:END, e.g. {example}")
    first = _parse_arg(dt.date.fromisoformat, start.strip(), option, example)
    last = _parse_arg(dt.date.fromisoformat, end.strip(), option, example)
    try:
        return Period(first, last)
    except ModelError:
        raise UsageError(f"{option} {text!r} ends before it starts") from None


def _metric_for(args: argparse.Namespace) -> tuple[MetricDefinition, tuple[ServiceCode, ...]]:
    """The metric to compute and the package's services, from --topic or --package."""
    from klyngepakke import model
    from klyngepakke.conversion import load
    from klyngepakke.plugins import get_registry

    if args.package is not None:
        package = load(args.package)
        if not isinstance(package, model.ClusterPackage):
            raise UsageError(f"{args.package} is a {type(package).__name__}, not a cluster package")
        source = str(args.package)
    else:
        topic = args.topic
        if topic is None:
            if DEFAULT_METRICS_TOPIC not in get_registry().topics():
                raise UsageError(
                    f"give --topic TOPIC or --package FILE (the default topic "
                    f"{DEFAULT_METRICS_TOPIC!r} is not installed)"
                )
            topic = DEFAULT_METRICS_TOPIC
        package = get_registry().topic(topic).package
        source = f"topic {topic}"
    if not package.metrics:
        from klyngepakke.errors import KlyngepakkeError

        raise KlyngepakkeError(f"{source}: the package defines no metrics")
    ids = [metric.id for metric in package.metrics]
    if args.metric is None:
        if len(ids) > 1:
            raise UsageError(f"{source} has several metrics: choose one with --metric {ids}")
        return package.metrics[0], package.service_codes
    for metric in package.metrics:
        if metric.id == args.metric:
            return metric, package.service_codes
    raise UsageError(f"--metric {args.metric!r}: {source} has {', '.join(ids)}")


def _read_service_data(
    path: Path,
    kind: ServiceDataKind,
    reader_name: str | None,
    options: dict[str, str],
    workdir: Path,
) -> ServiceDataFile:
    """Read one file with the reader named, or the one installed reader for its suffix."""
    from klyngepakke.plugins import get_registry
    from klyngepakke.service_data import ServiceDataError

    if not path.is_file():
        raise ServiceDataError(f"{path}: no such file")
    registry = get_registry()
    if reader_name is not None:
        reader = registry.service_data_reader(reader_name)
        if kind not in reader.kinds:
            raise UsageError(
                f"--reader {reader_name} does not read {kind.value} files "
                f"({', '.join(k.value for k in reader.kinds)} only)"
            )
    else:
        suffix = path.suffix.lower()
        installed = sorted(registry.service_data_readers().items())
        fitting = [r.item for _, r in installed if suffix in r.item.suffixes]
        fitting = [reader for reader in fitting if kind in reader.kinds]
        if not fitting:
            known = ", ".join(name for name, _ in installed) or "none is installed"
            raise ServiceDataError(
                f"{path}: no service-data reader reads {kind.value} files ending in "
                f"{suffix or '(no suffix)'} (readers: {known}; see 'klyngepakke plugins')"
            )
        if len(fitting) > 1:
            names = ", ".join(reader.name for reader in fitting)
            raise UsageError(f"{path}: several readers read {suffix} files ({names}): use --reader")
        reader = fitting[0]
    workdir.mkdir(parents=True, exist_ok=True)
    return reader.read(path, kind, workdir, options)


def _number(value: float | None, digits: int = 1) -> str:
    """Danish decimal comma; ``-`` for no value."""
    if value is None:
        return "-"
    return f"{value:,.{digits}f}".replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def _interval(lower: float | None, upper: float | None) -> str:
    if lower is None or upper is None:
        return "-"
    return f"{_number(lower)}-{_number(upper)}"


def _metrics_heading(title: str, period: Period, synthetic: bool, out: TextIO) -> None:
    from klyngepakke.danish import format_date

    if synthetic:
        out.write("SYNTETISKE DATA - ikke rigtige praksis eller patienter\n")
    out.write(f"{title}\n{format_date(period.start)} - {format_date(period.end)}\n\n")


def _count_label(events: bool) -> str:
    """What a count column is headed: services of the fee schedule, or other counted events."""
    return "Antal" if events else "Ydelser"


def _group_name(level: GroupLevel | None, name: str) -> str:
    """A municipality's row says it is one: its name alone could be a cluster's or a town's."""
    from klyngepakke.metrics.results import GroupLevel

    return f"Kommunen: {name}" if level is GroupLevel.MUNICIPALITY else name


def _group_row(group: GroupMetric, name: str, *, fees: bool = True) -> list[str]:
    """A group's cells; ``fees`` only for services (counted events have none)."""
    from klyngepakke.danish import format_amount

    cells = [
        name,
        str(group.practices),
        _number(group.pooled.count, 0),
        _number(group.pooled.population, 0),
        _number(group.pooled.rate),
        _interval(group.pooled.lower, group.pooled.upper),
        _number(group.mean_rate),
        _number(group.median_rate),
    ]
    return [*cells, format_amount(group.fees)] if fees else cells


def _show_metrics_report(report: MetricsReport, out: TextIO) -> None:
    from klyngepakke.metrics.results import FunnelFlag

    _metrics_heading(report.metric_title, report.period, report.synthetic, out)
    events = bool(report.counted_events)
    header = [
        "",
        "Praksis",
        _count_label(events),
        "Gruppe 1-sikrede",
        f"Pr. {report.per}",
        "95 %-interval",
        "Gennemsnit",
        "Median",
    ]
    if not events:
        header.append("Honorar")
    changes = {(c.level, c.name): c for c in report.changes if c.level is not None}
    if changes:
        header.append("Rateratio")

    def row(group: GroupMetric, name: str) -> list[str]:
        cells = _group_row(group, name, fees=not events)
        if changes:
            change = changes.get((group.level, group.name))
            cells.append(_number(change.ratio, 2) if change else "-")
        return cells

    for region in report.regions:
        out.write(f"{region.name}\n")
        clusters = [c for c in report.clusters if c.region == region.name]
        rows = [row(cluster, f"  {cluster.name}") for cluster in clusters]
        # Compared by municipality, a region's municipalities are what its practices meet.
        municipalities = [m for m in report.municipalities if m.region == region.name]
        rows += [row(m, f"  {_group_name(m.level, m.name)}") for m in municipalities]
        _table(out, header, [*rows, row(region, f"{region.name} i alt")])
        out.write("\n")
    _table(out, header, [row(report.country, report.country.name)])
    flagged = sum(1 for p in report.providers if p.flag is not FunnelFlag.WITHIN)
    reference = f"{report.reference.label.lower()}s"  # kommunens, regionens
    out.write(
        f"\n{len(report.providers)} praksis i {len(report.clusters)} klynger; {flagged} ligger "
        f"uden for 95 %-grænserne omkring {reference} niveau\n"
    )
    if report.violations:
        out.write(
            "En patient er afregnet oftere på en dag, end ydelsen tillader: "
            f"{len(report.violations)} tilfælde (se filen)\n"
        )
    if report.baseline_period is not None:
        out.write(
            f"Sammenlignet med {_period_text(report.baseline_period)}: {len(report.joined)} "
            f"praksis er kommet til, {len(report.left)} er ophørt\n"
        )


def _period_text(period: Period) -> str:
    from klyngepakke.danish import format_date

    return f"{format_date(period.start)} - {format_date(period.end)}"


def _show_cluster_view(view: ClusterView, out: TextIO, *, events: bool = False) -> None:
    """A cluster's view as tables; ``events``: the metric counts events, not services."""
    from klyngepakke.metrics.privacy import HIDDEN_MARK

    def shown(value: float | None, digits: int = 1) -> str:
        return HIDDEN_MARK if value is None else _number(value, digits)

    def interval(lower: float | None, upper: float | None) -> str:
        return HIDDEN_MARK if lower is None or upper is None else _interval(lower, upper)

    _metrics_heading(f"{view.metric_title}: {view.cluster}", view.period, view.synthetic, out)
    counted = _count_label(events)
    header = ["", counted, "Gruppe 1-sikrede", f"Pr. {view.per}", "95 %-interval", "Placering"]
    rows = [
        [
            practice.pseudonym,
            shown(practice.count, 0),
            practice.list_size_band
            if practice.list_size is None and practice.list_size_band
            else shown(practice.list_size, 0),
            shown(practice.rate),
            interval(practice.lower, practice.upper),
            practice.flag.label,
        ]
        for practice in view.practices
    ]
    _table(out, header, rows)
    out.write("\n")
    groups = [("Klyngen", view.cluster_metric)]
    if view.municipality_metric is not None:
        municipality = view.municipality_metric
        groups.append((_group_name(municipality.level, municipality.name), municipality))
    groups += [
        (view.region_metric.name, view.region_metric),
        (view.country_metric.name, view.country_metric),
    ]
    _table(
        out,
        ["", "Praksis", counted, "Gruppe 1-sikrede", f"Pr. {view.per}", "95 %-interval"],
        [
            [
                name,
                str(group.practices),
                shown(group.pooled.count, 0),
                group.pooled.population_band
                if group.pooled.population is None and group.pooled.population_band
                else shown(group.pooled.population, 0),
                shown(group.pooled.rate),
                interval(group.pooled.lower, group.pooled.upper),
            ]
            for name, group in groups
        ],
    )
    if view.changes and view.baseline_period is not None:

        def ratio(value: float | None, suppressed: bool) -> str:
            return HIDDEN_MARK if suppressed else _number(value, 2)

        out.write(f"\nÆndring siden {_period_text(view.baseline_period)}\n")
        header = ["", f"Før pr. {view.per}", f"Nu pr. {view.per}", "Rateratio", "95 %-interval"]
        _table(
            out,
            [*header, f"I forhold til {view.reference_label.lower()}"],
            [
                [
                    _group_name(change.level, change.name),
                    shown(change.baseline.rate),
                    shown(change.followup.rate),
                    ratio(change.ratio, change.suppressed),
                    HIDDEN_MARK
                    if change.suppressed
                    else f"{ratio(change.lower, False)}-{ratio(change.upper, False)}"
                    if change.lower is not None and change.upper is not None
                    else "-",
                    ratio(change.versus_region, change.suppressed),
                ]
                for change in view.changes
            ],
        )
    hidden = [
        *(value for p in view.practices for value in (p.count, p.rate, p.lower)),
        *(g.pooled.count for _, g in groups),
    ]
    legend = [f"{HIDDEN_MARK}: skjult af hensyn til fortroligheden"]
    lines = [*(legend if any(value is None for value in hidden) else []), *view.notes]
    if lines:
        out.write("\n" + "\n".join(lines) + "\n")


# -- build ----------------------------------------------------------------------------------


def _cmd_build(args: argparse.Namespace, out: TextIO) -> int:
    only = [name.strip() for name in args.only.split(",") if name.strip()] if args.only else None
    if args.orders is not None:
        if args.folder is not None:
            raise UsageError("give MEETING_DIR or --orders, not both")
        if args.output is None:
            raise UsageError("--orders needs an output folder: -o DIR")
        return _build_orders(args, only, out)
    if args.metrics_report is not None or args.jobs is not None:
        raise UsageError("--metrics-report and --jobs go with --orders")
    if args.folder is None:
        raise UsageError("give a meeting folder (make one with 'klyngepakke demo' or 'init')")
    from klyngepakke.build import build_meeting, read_meeting_folder

    output = args.output if args.output is not None else args.folder / "materiale"
    report = build_meeting(read_meeting_folder(args.folder), output, force=args.force, only=only)
    if report.up_to_date:
        out.write(f"{output}: up to date (the inputs have not changed since the last build)\n")
        return 0
    for built in report.files:
        out.write(f"wrote {built.path}\n")
    for line in report.skipped:
        out.write(f"not built: {line}\n")
    if report.missing:
        out.write("Mangler (vist som pladsholdere):\n")
        for line in report.missing:
            out.write(f"  - {line}\n")
    for artefact, error in report.failed:
        print(f"klyngepakke: error: {artefact}: {error}", file=sys.stderr)
    out.write(f"{len(report.files)} files in {output} in {report.seconds:.1f} s\n")
    return 0 if report.ok else 1


def _build_orders(args: argparse.Namespace, only: list[str] | None, out: TextIO) -> int:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn
    from rich.table import Table

    from klyngepakke.batch import build_orders, read_orders

    if args.jobs is not None and args.jobs < 1:
        raise UsageError(f"--jobs {args.jobs} must be 1 or more")
    total = len(read_orders(args.orders))  # a file that cannot be read fails here, at once
    console = Console(file=sys.stderr)
    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    ) as progress:
        task = progress.add_task("Bygger klyngernes materiale", total=total)
        report = build_orders(
            args.orders,
            args.output,
            metrics_report=args.metrics_report,
            jobs=args.jobs,
            force=args.force,
            only=only,
            progress=lambda outcome: progress.advance(task),
        )
    table = Table(title=f"{len(report.outcomes)} klynger i {report.seconds:.1f} s")
    for column in ("Klynge", "Mappe", "Status", "Filer", "Mangler", "Sekunder"):
        table.add_column(column)
    for outcome in report.outcomes:
        status = outcome.status if not outcome.reason else f"{outcome.status}: {outcome.reason}"
        table.add_row(
            outcome.cluster,
            outcome.folder,
            status,
            str(len(outcome.files)),
            str(len(outcome.missing)),
            f"{outcome.seconds:.1f}",
        )
    Console(file=out, width=120).print(table)
    out.write(f"manifest: {report.output / 'manifest.json'}\n")
    for outcome in report.failed:
        print(f"klyngepakke: error: {outcome.cluster}: {outcome.reason}", file=sys.stderr)
    return 1 if report.failed else 0


def _cmd_demo(args: argparse.Namespace, out: TextIO) -> int:
    from klyngepakke.build import build_meeting, read_meeting_folder
    from klyngepakke.demo import write_demo_folder
    from klyngepakke.errors import KlyngepakkeError
    from klyngepakke.plugins import get_registry

    package = get_registry().topic(args.topic).package
    metrics = True
    try:
        from klyngepakke.metrics.engine import require_metrics_extra

        require_metrics_extra()
    except KlyngepakkeError as exc:
        metrics = False
        print(f"klyngepakke: warning: no service data in the demo: {exc}", file=sys.stderr)
    write_demo_folder(
        args.folder,
        package,
        seed=args.seed,
        baseline=args.baseline,
        metrics=metrics,
        force=args.force,
    )
    output = args.folder / "materiale"
    report = build_meeting(read_meeting_folder(args.folder), output, force=args.force)
    out.write(
        f"Demo-klyngemøde om '{package.title}' (SYNTETISKE DATA: opdigtede personer, svar og "
        f"ydelsesdata) i {args.folder}\n"
    )
    for built in report.files:
        out.write(f"  {built.path}\n")
    for line in report.skipped:
        out.write(f"  not built: {line}\n")
    for artefact, error in report.failed:
        print(f"klyngepakke: error: {artefact}: {error}", file=sys.stderr)
    out.write(
        f"Look at {output / 'praesentation.pptx'} (the deck) and the documents beside it; "
        f"change the inputs in {args.folder} and run 'klyngepakke build {args.folder}'.\n"
    )
    return 0 if report.ok else 1


# -- meetings -------------------------------------------------------------------------------

if TYPE_CHECKING:
    from collections.abc import Iterator

    from klyngepakke.meetings import ActionRow, MeetingFile
    from klyngepakke.model import Participant

_OTHER_ORGANISATION = "<anden>"
_NOBODY = "<ingen>"


_MEETING_KINDS = (
    "cluster_meeting",
    "pre_meeting",
    "municipal_gp_committee",
    "steering_group",
    "other",
)
"""MeetingKind's values, spelt out so that building the parser does not import the model."""


def _add_meeting_commands(commands: Any) -> None:
    group = commands.add_parser(
        "meeting",
        help="set up, record and follow up a meeting",
        description="Set up a meeting from a package, record its decisions, action items and "
        "attendance, and create the follow-up meeting. Meeting files are YAML or JSON "
        "('document: meeting').",
    )
    sub = group.add_subparsers(dest="action", metavar="ACTION", required=True)

    new = sub.add_parser(
        "new",
        help="set up a meeting from a package",
        description="Write a meeting file for a cluster meeting on TOPIC: the package's "
        "programme becomes the agenda, numbered and with clock times from the start time; the "
        "meeting ends when the programme does. In a terminal every answer not given as an "
        "option is asked for; otherwise --cluster, --municipality and --date are required.",
        epilog="PERSON is 'Name; title; organisation' with optionally '; role' and "
        "'; e-mail' after it, e.g. 'Karen Friis; leder af akutfunktionen; Sydby Kommune; ; "
        "kf@sydby.dk'. People without an organisation belong to the cluster. --chair and "
        "--minute-taker name a participant (or are a PERSON themselves); they get the roles "
        "'ordstyrer' and 'referent'.",
    )
    new.add_argument("source", metavar="TOPIC|FILE", nargs="?", help="the package")
    _add_meeting_answers(new)
    new.add_argument("--title", help="the meeting's title (default: 'Klyngemøde: <package>')")
    new.add_argument(
        "--id",
        dest="meeting_id",
        metavar="ID",
        help="a stable id (default: cluster, topic and date, e.g. "
        "'klynge-syd-akutfunktioner-2027-03-11')",
    )
    new.add_argument(
        "-o", "--output", type=Path, metavar="FILE", help="meeting file (default: ID.yaml)"
    )
    new.add_argument("--force", action="store_true", help="replace FILE if it exists")
    new.set_defaults(run=_cmd_meeting_new)

    record = sub.add_parser(
        "record",
        help="record attendance, decisions and action items",
        description="Walk the agenda of MEETING and take attendance and, per item, the "
        "decision and any action items (what, who, by when). Every answer is saved at once, "
        "atomically; the version it replaces is kept as MEETING.bak. The file remembers which "
        "items are done, so after an interruption the same command goes on where it stopped. "
        "With --decision, --action, --attendance or --guest nothing is asked: they are "
        "applied and saved in one step.",
        epilog="An owner who is not a participant or an attending organisation is a warning; "
        "a due date before the meeting is an error, and nothing is saved.",
    )
    record.add_argument("meeting", type=Path, metavar="MEETING")
    record.add_argument(
        "--decision",
        action="append",
        default=[],
        metavar="ITEM=TEXT",
        help="the decision under agenda item ITEM (repeatable; replaces the item's decisions)",
    )
    record.add_argument(
        "--action",
        action="append",
        default=[],
        metavar="'ITEM; WHAT; OWNER[; DATE]'",
        help="an action item agreed under ITEM, due DATE (repeatable)",
    )
    record.add_argument(
        "--attendance",
        action="append",
        default=[],
        metavar="NAME=HOW",
        help="present, virtual, apologies or absent (or til stede, virtuel, afbud, fraværende)",
    )
    record.add_argument(
        "--guest",
        action="append",
        default=[],
        metavar="'NAME; TITLE; ORGANISATION; ITEMS[; virtuel]'",
        help="a guest for some items, e.g. 'Ole Berg; overlæge; Sydby Sygehus; 3' (repeatable)",
    )
    record.add_argument(
        "--item",
        action="append",
        default=[],
        metavar="ITEM",
        help="in a terminal: ask for this item again, even if done (repeatable)",
    )
    record.add_argument(
        "--attendance-again",
        action="store_true",
        help="in a terminal: ask for attendance again",
    )
    record.set_defaults(run=_cmd_meeting_record)

    follow_up = sub.add_parser(
        "follow-up",
        help="create the follow-up meeting",
        description="Write the meeting that follows MEETING up: by default as long after as "
        "the package's runbook advises (about a year), moved off weekends and Danish public "
        "holidays to the working day before, at the same time and place. Its agenda starts "
        "with the open action items (also those of earlier meetings in the same folder that "
        "MEETING follows up) and the decisions to review, then the package's programme.",
    )
    follow_up.add_argument("meeting", type=Path, metavar="MEETING")
    follow_up.add_argument("--date", metavar="DATE", help="the follow-up's day, e.g. 2028-03-09")
    follow_up.add_argument("--start", metavar="TIME", help="start time (default: as MEETING)")
    follow_up.add_argument("--place", metavar="TEXT", help="where (default: as MEETING)")
    follow_up.add_argument("--id", dest="meeting_id", metavar="ID", help="the new meeting's id")
    follow_up.add_argument(
        "-o",
        "--output",
        type=Path,
        metavar="FILE",
        help="the new meeting file (default: ID.yaml beside MEETING)",
    )
    follow_up.add_argument("--force", action="store_true", help="replace FILE if it exists")
    follow_up.set_defaults(run=_cmd_meeting_follow_up)

    imported = sub.add_parser(
        "import",
        help="read existing minutes or an OParl file into a meeting file",
        description="Read existing Danish minutes (.txt, text extracted from a PDF with "
        "'pdftotext -layout', or .docx) or a meeting as OParl-shaped JSON (.json) into a "
        "meeting file. Text of the minutes that fits nowhere in the meeting is listed as a "
        "warning with its line (or paragraph) and kept out of the file; minutes without any "
        "recognisable agenda item are an error, and nothing is written.",
    )
    imported.add_argument("source", type=Path, metavar="FILE", help=".txt, .docx or .json")
    imported.add_argument("--title", help="the meeting's title (default: from the minutes)")
    imported.add_argument(
        "--date", metavar="DATE", help="the meeting day, if the minutes do not say"
    )
    imported.add_argument("--place", metavar="TEXT", help="where (default: from the minutes)")
    imported.add_argument(
        "--kind",
        choices=_MEETING_KINDS,
        help="what sort of meeting (default: from the minutes)",
    )
    imported.add_argument("--id", dest="meeting_id", metavar="ID", help="the meeting's id")
    imported.add_argument(
        "-o",
        "--output",
        type=Path,
        metavar="MEETING",
        help="the meeting file (default: FILE's name with .yaml)",
    )
    imported.add_argument("--force", action="store_true", help="replace MEETING if it exists")
    imported.set_defaults(run=_cmd_meeting_import)

    actions = commands.add_parser(
        "actions",
        help="list and update action items across meetings",
        description="List the action items of every meeting file in FOLDER (or of one FILE) "
        "with meeting, agenda item, owner, due date and status; open ones past their due date "
        "are flagged overdue. With --set, change statuses instead (saved atomically, the "
        "previous version kept as FILE.bak).",
        epilog="An action item is named MEETING_ID:N, N counting the meeting's action items "
        "from 1, as the list shows. STATUS is open, in_progress, done or cancelled (or åben, "
        "i gang, udført, annulleret).",
    )
    actions.add_argument("folder", type=Path, metavar="FOLDER|FILE")
    actions.add_argument("--overdue", action="store_true", help="only overdue action items")
    actions.add_argument("--open", action="store_true", help="only open and in-progress ones")
    actions.add_argument("--json", action="store_true", help="machine-readable output")
    actions.add_argument(
        "--today", metavar="DATE", help="judge overdue as of DATE (default: today)"
    )
    actions.add_argument(
        "--set",
        dest="updates",
        action="append",
        default=[],
        metavar="MEETING_ID:N=STATUS",
        help="set an action item's status (repeatable)",
    )
    actions.set_defaults(run=_cmd_actions)


def _cmd_meeting_new(args: argparse.Namespace, out: TextIO) -> int:
    import datetime as dt

    from klyngepakke import model
    from klyngepakke.conversion import dump, format_for_path
    from klyngepakke.errors import OutputExistsError
    from klyngepakke.meetings import (
        DEFAULT_START,
        meeting_date_warnings,
        new_meeting,
        parse_date,
        parse_time,
        suggested_date,
    )
    from klyngepakke.planning import COPENHAGEN

    today = dt.date.today()
    source = args.source
    if source is None:
        from klyngepakke.plugins import get_registry

        topics = sorted(get_registry().topics().items())
        source = _ask_or_fail(
            "give the package: TOPIC (see 'klyngepakke topics') or FILE",
            lambda: prompter.select(
                "Hvilket emne?", [(k, f"{k}: {r.item.title}") for k, r in topics]
            ),
        )
    package = _resolve(source)
    if not isinstance(package, model.ClusterPackage):
        raise UsageError(f"{source} is a {type(package).__name__}, not a cluster package")
    cluster = _answer(args.cluster, "--cluster NAME", "Klyngens navn:", "", out)
    municipality = _answer(args.municipality, "--municipality NAME", "Kommunens navn:", "", out)
    if args.date is not None:
        day = _parse_arg(parse_date, args.date, "--date", "2027-03-11")
    else:
        suggestion = suggested_date(package, today).isoformat()
        day = _ask_valid(
            "give --date DATE", "Mødedato (fx 2027-03-11):", suggestion, parse_date, out
        )
    default_start = package.programme.start or DEFAULT_START
    if args.start is not None:
        start_time = _parse_arg(parse_time, args.start, "--start", "16:00")
    elif is_interactive():
        start_time = _ask_valid("", "Starttidspunkt:", f"{default_start:%H:%M}", parse_time, out)
    else:
        start_time = default_start
    place = args.place
    if place is None:
        place = prompter.text("Mødested:", "") if is_interactive() else ""
    participants = [_participant_arg(text, "--participant") for text in args.participant]
    if not participants and is_interactive():
        participants = _ask_participants(cluster, municipality, out)
    chair = _role_arg(args.chair, "--chair", participants)
    minute_taker = _role_arg(args.minute_taker, "--minute-taker", participants)
    if args.chair is None and is_interactive():
        chair = _ask_role("Hvem er mødeleder (ordstyrer)?", participants)
    if args.minute_taker is None and is_interactive():
        minute_taker = _ask_role("Hvem er referent?", participants)
    start = dt.datetime.combine(day, start_time, COPENHAGEN)
    meeting = new_meeting(
        package,
        cluster=cluster,
        municipality=municipality,
        start=start,
        place=place,
        participants=participants,
        chair=chair,
        minute_taker=minute_taker,
        title=args.title,
        meeting_id=args.meeting_id,
    )
    output: Path | None = args.output
    if output is None:
        default = f"{meeting.id}.yaml"
        output = Path(prompter.text("Gem som:", default) if is_interactive() else default)
    try:
        format_for_path(output)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    force = args.force
    if output.exists() and not force and is_interactive():
        force = prompter.confirm(f"{output} findes allerede. Overskriv?")
        if not force:
            raise OutputExistsError(f"{output}: already exists; not replaced")
    written = dump(meeting, output, force=force)
    out.write(
        f"wrote {written}: {meeting.title}, {_meeting_when(meeting)}, "
        f"{len(_recordable(meeting))} agenda items (meeting id {meeting.id})\n"
    )
    for warning in meeting_date_warnings(package, meeting.start, today):
        print(f"klyngepakke: warning: {warning}", file=sys.stderr)
    return 0


def _answer(value: str | None, option: str, message: str, default: str, out: TextIO) -> str:
    """An option's value, or asked for (required) in a terminal."""
    from klyngepakke.meetings import ask_until_valid

    if value is not None:
        if not value.strip():
            raise UsageError(f"{option.split()[0]} must not be empty")
        return value.strip()
    if not is_interactive():
        raise UsageError(f"give {option}")
    return ask_until_valid(prompter, message, default, _required_text, out)


def _ask_valid(
    usage: str, message: str, default: str, parse: Callable[[str], Any], out: TextIO
) -> Any:
    from klyngepakke.meetings import ask_until_valid

    if not is_interactive():
        raise UsageError(usage)
    return ask_until_valid(prompter, message, default, parse, out)


def _required_text(text: str) -> str:
    if not text.strip():
        raise ValueError("Skriv noget her.")
    return " ".join(text.split())


def _email(text: str) -> str:
    from klyngepakke.errors import ModelError
    from klyngepakke.model import Person

    value = text.strip()
    if value:
        try:
            Person("x", email=value)
        except ModelError:
            raise ValueError(f"»{value}« ligner ikke en e-mailadresse.") from None
    return value


def _participant_arg(text: str, option: str) -> Participant:
    from klyngepakke.meetings import parse_participant

    try:
        return parse_participant(text)
    except ValueError as exc:
        raise UsageError(f"{option} {text!r}: {exc}") from None


def _role_arg(value: str | None, option: str, participants: list[Participant]) -> str | None:
    """The name for --chair/--minute-taker; a PERSON is added to ``participants``."""
    if value is None or ";" not in value:
        return value
    person = _participant_arg(value, option)
    if not any(p.person.name.casefold() == person.person.name.casefold() for p in participants):
        participants.append(person)
    return person.person.name


def _ask_participants(cluster: str, municipality: str, out: TextIO) -> list[Participant]:
    from klyngepakke.meetings import ask_until_valid
    from klyngepakke.model import Participant, Person

    out.write("Deltagere: skriv én ad gangen; en tom linje afslutter listen.\n")
    organisations = [(cluster, cluster), (municipality, municipality), ("KiAP", "KiAP")]
    organisations.append((_OTHER_ORGANISATION, "Anden organisation …"))
    people: list[Participant] = []
    while True:
        name = " ".join(prompter.text("Navn (tom: ikke flere):", "").split())
        if not name:
            return people
        title = prompter.text("Titel eller funktion:", "").strip()
        organisation = prompter.select("Organisation:", organisations)
        if organisation == _OTHER_ORGANISATION:
            organisation = ask_until_valid(
                prompter, "Organisationens navn:", "", _required_text, out
            )
        email = ask_until_valid(prompter, "E-mail (kan udelades):", "", _email, out)
        people.append(Participant(Person(name, title, organisation, email=email)))


def _ask_role(message: str, participants: list[Participant]) -> str | None:
    choices = [(p.person.name, p.person.name) for p in participants]
    if not choices:
        name = " ".join(prompter.text(f"{message} (navn, kan udelades)", "").split())
        return name or None
    answer = prompter.select(message, [*choices, (_NOBODY, "Ikke aftalt endnu")])
    return None if answer == _NOBODY else answer


def _recordable(meeting: Meeting) -> tuple[AgendaItem, ...]:
    from klyngepakke.meetings import recordable_items

    return recordable_items(meeting)


def _meeting_when(meeting: Meeting) -> str:
    from klyngepakke.danish import format_date, format_time

    day = format_date(meeting.start.date(), weekday=True)
    return f"{day} kl. {format_time(meeting.start)}-{format_time(meeting.end)}"


def _cmd_meeting_record(args: argparse.Namespace, out: TextIO) -> int:
    from klyngepakke.meetings import MeetingFile, backup_path, record_meeting

    file = MeetingFile.open(args.meeting)
    if args.decision or args.action or args.attendance or args.guest:
        if args.item or args.attendance_again:
            raise UsageError("--item and --attendance-again are for recording in a terminal")
        from klyngepakke.meetings import MeetingError

        try:
            _record_from_options(file, args, out)
        except MeetingError as exc:
            raise MeetingError(f"{file.path}: {exc}. Nothing was saved.") from None
        return 0
    if not is_interactive():
        raise UsageError(
            "recording asks in a terminal; without one give --decision, --action, "
            "--attendance or --guest"
        )

    def warn(message: str) -> None:
        print(f"klyngepakke: warning: {message}", file=sys.stderr)

    try:
        record_meeting(
            file,
            prompter,
            out,
            items=args.item,
            attendance=True if args.attendance_again else None,
            warn=warn,
        )
    except KeyboardInterrupt:
        print(
            f"klyngepakke: everything answered before the interruption is saved in "
            f"{file.path} (the version before the last answer is {backup_path(file.path)}); "
            f"run 'klyngepakke meeting record {file.path}' to go on",
            file=sys.stderr,
        )
        raise
    out.write(f"saved {file.path}\n")
    return 0


def _record_from_options(file: MeetingFile, args: argparse.Namespace, out: TextIO) -> None:
    """Apply every --attendance, --guest, --decision and --action, then save once."""
    import attrs

    from klyngepakke.meetings import (
        add_action,
        add_guest,
        owner_warning,
        parse_attendance,
        parse_date,
        parse_item_numbers,
        set_attendance,
        set_decisions,
    )
    from klyngepakke.model import ActionItem, Attendance, Participant, Person

    meeting = file.meeting
    for pair in args.attendance:
        name, sep, how = pair.rpartition("=")
        if not sep or not name.strip():
            raise UsageError(f"--attendance {pair!r} is not NAME=HOW")
        try:
            attendance = parse_attendance(how)
        except ValueError:
            choices = ", ".join(a.value for a in Attendance)
            raise UsageError(f"--attendance {pair!r}: {how!r} is not one of {choices}") from None
        meeting = set_attendance(meeting, name.strip(), attendance)
    for text in args.guest:
        parts = [part.strip() for part in text.split(";")]
        if len(parts) not in (4, 5) or not parts[0]:
            raise UsageError(
                f"--guest {text!r} is not 'NAME; TITLE; ORGANISATION; ITEMS[; virtuel]'"
            )
        virtual = len(parts) == 5 and parts[4].casefold() in ("virtuel", "virtuelt", "virtual")
        if len(parts) == 5 and not virtual:
            raise UsageError(f"--guest {text!r}: the fifth part can only be 'virtuel'")
        try:
            items = parse_item_numbers(parts[3], meeting)
        except ValueError as exc:
            raise UsageError(f"--guest {text!r}: {exc}") from None
        guest = Participant(
            Person(parts[0], parts[1], parts[2]),
            Attendance.VIRTUAL if virtual else Attendance.PRESENT,
            guest_items=items,
        )
        meeting = add_guest(meeting, guest)
    decided: dict[str, list[str]] = {}
    for pair in args.decision:
        item, sep, text = pair.partition("=")
        if not sep or not item.strip() or not text.strip():
            raise UsageError(f"--decision {pair!r} is not ITEM=TEXT")
        decided.setdefault(item.strip(), []).append(text)
    for item, texts in decided.items():
        meeting = set_decisions(meeting, item, texts)
    warnings = []
    for text in args.action:
        parts = [part.strip() for part in text.split(";")]
        if len(parts) not in (3, 4) or not all(parts[:3]):
            raise UsageError(f"--action {text!r} is not 'ITEM; WHAT; OWNER[; DATE]'")
        due = None
        if len(parts) == 4 and parts[3]:
            due = _parse_arg(parse_date, parts[3], f"--action {text!r}: the date", "2027-04-30")
        item, what, owner = parts[:3]
        meeting = add_action(meeting, ActionItem(what, owner, due=due, item=item))
        warning = owner_warning(meeting, owner, what)
        if warning:
            warnings.append(warning)
    done = [*decided, *(text.split(";")[0].strip() for text in args.action)]
    recorded = tuple(dict.fromkeys([*meeting.recorded_items, *done]))
    meeting = attrs.evolve(
        meeting,
        recorded_items=recorded,
        attendance_recorded=meeting.attendance_recorded or bool(args.attendance or args.guest),
    )
    file.save(meeting)
    for warning in warnings:
        print(f"klyngepakke: warning: {warning}", file=sys.stderr)
    counts = [
        (len(args.attendance), "attendance", "attendances"),
        (len(args.guest), "guest", "guests"),
        (sum(len(t) for t in decided.values()), "decision", "decisions"),
        (len(args.action), "action item", "action items"),
    ]
    what = ", ".join(f"{n} {one if n == 1 else many}" for n, one, many in counts if n)
    out.write(f"saved {file.path}: {what}\n")


def _cmd_meeting_follow_up(args: argparse.Namespace, out: TextIO) -> int:
    import datetime as dt

    from klyngepakke.conversion import dump, format_for_path
    from klyngepakke.meetings import (
        MeetingFile,
        danish_time,
        find_meeting_files,
        follow_up_date,
        follow_up_meeting,
        meeting_chain,
        meeting_clock,
        meeting_date_warnings,
        parse_date,
        parse_time,
    )
    from klyngepakke.plugins import get_registry

    file = MeetingFile.open(args.meeting)
    meeting = file.meeting
    package = None
    if meeting.topic and meeting.topic in get_registry().topics():
        package = get_registry().topic(meeting.topic).package
    others, problems = find_meeting_files(file.path.parent)
    for problem in problems:
        print(f"klyngepakke: warning: skipped {problem}", file=sys.stderr)
    earlier = meeting_chain(meeting, [other.meeting for other in others])
    note = ""
    if args.date is not None:
        day = _parse_arg(parse_date, args.date, "--date", "2028-03-09")
    else:
        day, note = follow_up_date(meeting, package)
    clock = meeting_clock(meeting)
    if args.start is not None:
        clock = _parse_arg(parse_time, args.start, "--start", "16:00")
    start = danish_time(meeting, day, clock)
    follow = follow_up_meeting(
        meeting,
        start=start,
        package=package,
        earlier=earlier,
        place=args.place,
        meeting_id=args.meeting_id,
    )
    output: Path = args.output or file.path.with_name(f"{follow.id}{file.path.suffix}")
    try:
        format_for_path(output)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    written = dump(follow, output, force=args.force)
    open_count = sum(len(m.open_action_items()) for m in (*earlier, meeting))
    out.write(
        f"wrote {written}: {follow.title}, {_meeting_when(follow)}; "
        f"{open_count} open action item{'' if open_count == 1 else 's'} and "
        f"{len(meeting.decisions)} decision{'' if len(meeting.decisions) == 1 else 's'} "
        f"to review (meeting id {follow.id})\n"
    )
    if package is None:
        print(
            f"klyngepakke: warning: the topic {meeting.topic!r} is not installed; the agenda "
            f"repeats the agenda of {meeting.id} and the follow-up is a year later"
            if meeting.topic
            else f"klyngepakke: warning: {meeting.id} names no topic; the agenda repeats its "
            "agenda and the follow-up is a year later",
            file=sys.stderr,
        )
    if note:
        print(f"klyngepakke: note: {note}", file=sys.stderr)
    for warning in meeting_date_warnings(None, follow.start, dt.date.today()):
        print(f"klyngepakke: warning: {warning}", file=sys.stderr)
    return 0


def _cmd_meeting_import(args: argparse.Namespace, out: TextIO) -> int:
    from klyngepakke.conversion import dump, format_for_path
    from klyngepakke.errors import OutputExistsError
    from klyngepakke.meetings import parse_date
    from klyngepakke.model import MeetingKind

    source: Path = args.source
    day = None if args.date is None else _parse_arg(parse_date, args.date, "--date", "2024-10-02")
    kind = None if args.kind is None else MeetingKind(args.kind)
    output: Path = args.output or source.with_suffix(".yaml")
    if output.resolve() == source.resolve():
        raise UsageError(f"{source}: give another file to write with -o MEETING")
    try:
        format_for_path(output)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    if output.exists() and not args.force:
        raise OutputExistsError(f"{output}: already exists; use --force to replace it")
    warnings: list[str] = []
    if source.suffix.lower() == ".json":
        import attrs

        from klyngepakke.oparl import load_oparl

        if day is not None:
            raise UsageError("--date is for minutes; an OParl file has its own date")

        meeting = load_oparl(source)
        if args.title or args.place is not None or kind or args.meeting_id:
            meeting = attrs.evolve(
                meeting,
                title=args.title or meeting.title,
                place=meeting.place if args.place is None else args.place,
                kind=kind or meeting.kind,
                id=args.meeting_id or meeting.id,
            )
        unplaced: Sequence[object] = ()
    else:
        from klyngepakke.minutes_import import MinutesImportError, import_minutes

        try:
            result = import_minutes(
                source,
                title=args.title,
                start=day,
                place=args.place,
                kind=kind,
                meeting_id=args.meeting_id,
            )
        except MinutesImportError as exc:
            # The library names its argument; on the command line it is an option.
            raise MinutesImportError(str(exc).replace("(start=...)", "with --date DATE")) from None
        meeting, unplaced = result.meeting, result.unplaced
        warnings.extend(result.warnings)
    written = dump(meeting, output, force=args.force)
    for warning in warnings:
        print(f"klyngepakke: warning: {source}: {warning}", file=sys.stderr)
    for part in unplaced:
        print(f"klyngepakke: warning: {source} {part} - not placed", file=sys.stderr)
    people = sum(1 for _ in meeting.participants())
    items = sum(1 for item in meeting.agenda.walk() if item.number) if meeting.agenda else 0
    out.write(
        f"wrote {written}: {meeting.title}, {_meeting_when(meeting)}; {items} agenda "
        f"item{'' if items == 1 else 's'}, {people} participant{'' if people == 1 else 's'}, "
        f"{len(meeting.decisions) + sum(1 for i in _walk(meeting) if i.decision.strip())} "
        f"decisions, {len(unplaced)} part{'' if len(unplaced) == 1 else 's'} not placed "
        f"(meeting id {meeting.id})\n"
    )
    return 0


def _walk(meeting: Meeting) -> Iterator[AgendaItem]:
    if meeting.agenda is not None:
        yield from meeting.agenda.walk()


def _cmd_actions(args: argparse.Namespace, out: TextIO) -> int:
    import datetime as dt

    from klyngepakke.meetings import find_meeting_files, list_actions, parse_date

    today = dt.date.today()
    if args.today is not None:
        today = _parse_arg(parse_date, args.today, "--today", "2027-06-01")
    updates = [_status_update(text) for text in args.updates]
    if updates and (args.overdue or args.open or args.json):
        raise UsageError("--set changes statuses; list them in a separate call")
    files, problems = find_meeting_files(args.folder)
    for problem in problems:
        print(f"klyngepakke: warning: skipped {problem}", file=sys.stderr)
    if updates:
        from klyngepakke.meetings import set_action_status

        for meeting_id, number, status in updates:
            row = set_action_status(files, meeting_id, number, status)
            out.write(f"{row.reference}: {row.action.what} -> {status.label} (saved {row.path})\n")
        return 0
    rows = list_actions(files, today)
    if args.open:
        rows = [row for row in rows if row.action.is_open]
    if args.overdue:
        rows = [row for row in rows if row.overdue]
    if args.json:
        json.dump([row.to_data() for row in rows], out, ensure_ascii=False, indent=2)
        out.write("\n")
        return 0
    _show_actions(rows, len(files), out)
    return 0


def _status_update(text: str) -> tuple[str, int, Any]:
    from klyngepakke.meetings import parse_status

    reference, sep, status = text.rpartition("=")
    meeting_id, colon, number = reference.rpartition(":")
    if not sep or not colon or not meeting_id or not number.strip().isdigit():
        raise UsageError(f"--set {text!r} is not MEETING_ID:N=STATUS, e.g. moede-2027-03-11:2=done")
    try:
        return meeting_id.strip(), int(number), parse_status(status)
    except ValueError:
        raise UsageError(
            f"--set {text!r}: {status!r} is not open, in_progress, done or cancelled"
        ) from None


def _show_actions(rows: list[ActionRow], meetings: int, out: TextIO) -> None:
    from klyngepakke.danish import format_date

    if not rows:
        noun = "møde" if meetings == 1 else "møder"
        out.write(f"Ingen handlinger at vise ({meetings} {noun}).\n")
        return
    by_meeting: dict[str, list[ActionRow]] = {}
    for row in rows:
        by_meeting.setdefault(row.meeting.id, []).append(row)
    for index, group in enumerate(by_meeting.values()):
        meeting = group[0].meeting
        if index:
            out.write("\n")
        out.write(f"{meeting.title} – {format_date(meeting.start.date(), weekday=True)}\n")
        out.write(f"Møde-id: {meeting.id}  ({group[0].path})\n")
        table = [
            [
                str(row.number),
                f"{row.action.item}" if row.action.item else "-",
                row.action.what,
                row.action.owner,
                format_date(row.action.due) if row.action.due else "ingen frist",
                row.action.status.label + (" – OVERSKREDET" if row.overdue else ""),
            ]
            for row in group
        ]
        _table(
            out,
            ["  NR.", "PUNKT", "HANDLING", "ANSVARLIG", "FRIST", "STATUS"],
            [[f"  {cells[0]}", *cells[1:]] for cells in table],
        )
    opened = sum(1 for row in rows if row.action.is_open)
    overdue = sum(1 for row in rows if row.overdue)
    out.write(
        f"\n{len(rows)} {'handling' if len(rows) == 1 else 'handlinger'}: {opened} åbne eller i "
        f"gang, {overdue} overskredet\n"
    )


def _cmd_init(args: argparse.Namespace, out: TextIO) -> int:
    from klyngepakke import model
    from klyngepakke.build import MEETING_FILE, QUESTIONNAIRE_FILE, SETTINGS_FILE, BuildSettings
    from klyngepakke.conversion import dump, load

    folder: Path = args.folder
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{folder} is a file; give a folder for the meeting")
    if folder.is_dir() and any(folder.iterdir()) and not args.force:
        raise UsageError(f"{folder} is not empty; choose a new folder or pass --force")
    folder.mkdir(parents=True, exist_ok=True)
    argv = ["meeting", "new", *([args.topic] if args.topic else [])]
    for name in ("cluster", "municipality", "date", "start", "place", "chair", "minute_taker"):
        value = getattr(args, name)
        if value is not None:
            argv += [f"--{name.replace('_', '-')}", value]
    for participant in args.participant:
        argv += ["--participant", participant]
    argv += ["-o", str(folder / MEETING_FILE)] + (["--force"] if args.force else [])
    code = _cmd_meeting_new(build_parser().parse_args(argv), out)
    if code:
        return code
    meeting = load(folder / MEETING_FILE, model.Meeting)
    invited = args.invited
    if invited is None and is_interactive():
        invited = int(
            _ask_valid(
                "",
                "Hvor mange klyngemedlemmer får spørgeskemaet? (til svarprocenten)",
                "",
                _whole_number,
                out,
            )
        )
    if invited is not None and invited < 1:
        raise UsageError(f"--invited {invited} must be 1 or more")
    dump(BuildSettings(invited=invited), folder / SETTINGS_FILE, force=args.force)
    out.write(f"wrote {folder / SETTINGS_FILE}\n")
    local = args.local_questionnaire
    package = _resolve(meeting.topic)
    if local is None and is_interactive() and package.questionnaire is not None:
        local = prompter.confirm("Vil I tilpasse spørgeskemaet lokalt?")
    if local:
        if package.questionnaire is None:
            raise UsageError(f"the {meeting.topic!r} package has no questionnaire to adapt")
        dump(package.questionnaire, folder / QUESTIONNAIRE_FILE, force=args.force)
        out.write(
            f"wrote {folder / QUESTIONNAIRE_FILE}: edit it, and compare with the standard with "
            f"'klyngepakke questionnaire diff {folder / QUESTIONNAIRE_FILE}'\n"
        )
    out.write(
        f"Meeting folder {folder} is ready. Put the answers in {folder}/responses.jsonl "
        f"('klyngepakke survey import') and the service data in {folder}/metrics.yaml "
        f"('klyngepakke metrics compute --cluster'), then run 'klyngepakke build {folder}'.\n"
    )
    return 0


def _whole_number(text: str) -> int:
    if not text.strip().isdigit():
        raise ValueError(f"{text!r} is not a whole number")
    return int(text)
