"""The ``klyngepakke`` command, run in-process through ``main`` (plus one subprocess test)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import attrs
import pytest

import klyngepakke
from klyngepakke import cli
from klyngepakke.cli import main
from klyngepakke.conversion import dump, dumps, load
from klyngepakke.errors import UnknownNameError
from klyngepakke.exporters import Exporter
from klyngepakke.hookspecs import hookimpl
from klyngepakke.model import ActionItem, ClusterPackage
from klyngepakke.testing import registered_plugins
from klyngepakke.topics import Topic


@pytest.fixture
def plugin_env(summary_plugin):
    """The CLI sees the built-in plugins plus topic ``mytopic`` and exporter ``myfmt``."""
    with registered_plugins(summary_plugin) as registry:
        yield registry


@pytest.fixture
def mypackage(plugin_env) -> ClusterPackage:
    return klyngepakke.get_package("mytopic")


def run(argv: Sequence[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def usage_error(argv: Sequence[str], capsys: pytest.CaptureFixture[str]) -> str:
    """Run ``argv`` expecting exit code 2; return stderr."""
    with pytest.raises(SystemExit) as raised:
        main(list(argv))
    assert raised.value.code == 2
    return capsys.readouterr().err


def rows(out: str) -> list[list[str]]:
    return [line.split() for line in out.splitlines()]


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


# -- listing --------------------------------------------------------------------------------


def test_topics(plugin_env, capsys):
    code, out, err = run(["topics"], capsys)
    assert code == 0
    assert rows(out) == [
        ["TOPIC", "TITLE", "PLUGIN"],
        ["mytopic", "Emnet", "mytopic", "TopicPlugin"],
    ]
    assert err == ""


def test_topics_json(plugin_env, capsys):
    code, out, _ = run(["topics", "--json"], capsys)
    assert code == 0
    assert json.loads(out) == [{"id": "mytopic", "title": "Emnet mytopic", "plugin": "TopicPlugin"}]


def test_topics_when_there_are_none(capsys):
    with registered_plugins():
        code, out, _ = run(["topics"], capsys)
    assert code == 0
    assert out == "TOPIC  TITLE  PLUGIN\n"


def test_exporters(plugin_env, capsys):
    code, out, _ = run(["exporters"], capsys)
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["FORMAT", "SUFFIXES", "DESCRIPTION"]
    assert [line.split()[0] for line in lines[1:]] == ["json", "myfmt", "oparl", "yaml"]
    assert lines[2].split() == ["myfmt", ".txt", "Plain-text", "summary"]
    assert lines[4].split()[:3] == ["yaml", ".yaml", ".yml"]


def test_exporters_json(plugin_env, capsys):
    code, out, _ = run(["exporters", "--json"], capsys)
    assert code == 0
    data = json.loads(out)
    assert [row["name"] for row in data] == ["json", "myfmt", "oparl", "yaml"]
    assert data[1] == {
        "name": "myfmt",
        "suffixes": [".txt"],
        "accepts": ["ClusterPackage"],
        "options": {"heading": "first line's heading"},
        "description": "Plain-text summary",
        "plugin": "TopicPlugin",
    }
    assert data[3]["suffixes"] == [".yaml", ".yml"]
    assert "Meeting" in data[0]["accepts"]


def test_plugins(plugin_env, capsys):
    code, out, _ = run(["plugins"], capsys)
    assert code == 0
    assert rows(out) == [
        ["PLUGIN", "VERSION", "DISTRIBUTION", "HOOKS"],
        [
            "klyngepakke.default_plugins.json_exporter",
            klyngepakke.__version__,
            "klyngepakke",
            "(built",
            "in)",
            "register_exporters",
        ],
        [
            "klyngepakke.default_plugins.yaml_exporter",
            klyngepakke.__version__,
            "klyngepakke",
            "(built",
            "in)",
            "register_exporters",
        ],
        [
            "klyngepakke._oparl_exporter",
            klyngepakke.__version__,
            "klyngepakke",
            "(built",
            "in)",
            "register_exporters",
        ],
        ["TopicPlugin", "-", "-", "register_exporters,", "register_topics"],
    ]
    assert "Broken plugins" not in out


def test_plugins_json(plugin_env, capsys):
    code, out, _ = run(["plugins", "--json"], capsys)
    assert code == 0
    data = json.loads(out)
    assert data["broken"] == []
    assert data["conflicts"] == {}
    assert data["plugins"][-1] == {
        "name": "TopicPlugin",
        "distribution": None,
        "version": None,
        "hooks": ["register_exporters", "register_topics"],
        "builtin": False,
    }
    assert [p["builtin"] for p in data["plugins"]] == [True, True, True, False]


def test_no_command_is_a_usage_error(capsys):
    err = usage_error([], capsys)
    assert "the following arguments are required: COMMAND" in err


def test_version_and_help_in_process(capsys):
    with pytest.raises(SystemExit) as raised:
        main(["--version"])
    assert raised.value.code == 0
    assert capsys.readouterr().out == f"klyngepakke {klyngepakke.__version__}\n"
    with pytest.raises(SystemExit) as raised:
        main(["export", "--help"])
    assert raised.value.code == 0
    out = capsys.readouterr().out
    assert "--option KEY=VALUE" in out
    assert "--force" in out


def test_help_and_version_in_a_subprocess():
    env = {k: v for k, v in os.environ.items() if not k.startswith("KLYNGEPAKKE_")}
    helped = subprocess.run(
        [sys.executable, "-m", "klyngepakke", "--help"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=60,
    )
    assert helped.returncode == 0, helped.stderr
    assert helped.stdout.startswith("usage: klyngepakke ")
    for command in ("topics", "plugins", "exporters", "show", "validate", "export"):
        assert command in helped.stdout
    assert "KLYNGEPAKKE_DISABLE_PLUGINS" in helped.stdout
    script = Path(sys.executable).with_name("klyngepakke")
    versioned = subprocess.run(
        [str(script), "--version"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=60,
    )
    assert versioned.returncode == 0, versioned.stderr
    assert versioned.stdout == f"klyngepakke {klyngepakke.__version__}\n"


# -- show -----------------------------------------------------------------------------------


PACKAGE_LINES = [
    "Pakken om mytopic – En prøvepakke",
    "Emne: mytopic   Version: 1.0   Mødets varighed: 90 min",
    "Program (90 min)",
    "Drejebog: Drejebog for mødet (3 opgaver)",
    "Spørgeskema: Samarbejdet med kommunen (3 spørgsmål)",
    "  Opgørelse: Konsultationer (ydelse 0120 pr. 1000 gruppe 1-sikrede, 12 måneder)",
]


def check_package_output(out: str) -> None:
    lines = out.splitlines()
    for expected in PACKAGE_LINES:
        assert expected in lines
    assert out.startswith(PACKAGE_LINES[0] + "\n")
    words = rows(out)
    assert ["1.", "Velkomst", "10", "min"] in words
    assert ["2.", "Oplæg", "om", "samarbejdet", "[Overlæge", "Hansen]", "35", "min"] in words
    assert ["Drøftelse", "i", "grupper", "30", "min"] in words
    assert "    Refleksionsspørgsmål:" in lines
    assert "      ? Hvordan samarbejder vi i dag?" in lines
    assert ["Før", "mødet", "4", "uger", "før", "Klyngekoordinator", "Send", "invitation"] in words
    assert ["Under", "mødet", "Mødeleder", "Led", "mødet"] in words
    assert "    hvilken: Hvilken aftale? [Fritekst] (vises hvis aftale)" in lines
    # Nested items are indented under their block.
    assert next(line for line in lines if "Opsamling" in line).startswith("    Opsamling")


def test_show_topic(plugin_env, capsys):
    code, out, err = run(["show", "mytopic"], capsys)
    assert code == 0
    assert err == ""
    check_package_output(out)


def test_show_package_file(mypackage, tmp_path, capsys):
    path = dump(mypackage, tmp_path / "pakke.yaml")
    code, out, _ = run(["show", str(path)], capsys)
    assert code == 0
    check_package_output(out)


def test_show_minimal_package_without_optional_parts(make_package, tmp_path, capsys):
    bare = attrs.evolve(make_package(), subtitle="", runbook=None, questionnaire=None, metrics=())
    code, out, _ = run(["show", str(dump(bare, tmp_path / "bare.json"))], capsys)
    assert code == 0
    assert out.startswith("Mit emne\n")
    assert "Drejebog" not in out
    assert "Spørgeskema" not in out
    assert "Opgørelse:" not in out


def test_show_agenda_file(package, tmp_path, capsys):
    code, out, _ = run(["show", str(dump(package.programme, tmp_path / "agenda.yaml"))], capsys)
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "Dagsorden (90 min)"
    assert [line.split()[-2:] for line in lines if line.endswith("min")] == [
        ["10", "min"],
        ["35", "min"],
        ["45", "min"],
        ["30", "min"],
        ["15", "min"],
    ]


def test_show_runbook_file(package, tmp_path, capsys):
    code, out, _ = run(["show", str(dump(package.runbook, tmp_path / "runbook.yml"))], capsys)
    assert code == 0
    assert rows(out) == [
        ["Drejebog:", "Drejebog", "for", "mødet", "(3", "opgaver)"],
        ["Før", "mødet", "4", "uger", "før", "Klyngekoordinator", "Send", "invitation"],
        ["Under", "mødet", "Mødeleder", "Led", "mødet"],
        ["Efter", "mødet", "1", "uge", "efter", "Referent", "Skriv", "referat"],
    ]


def test_show_questionnaire_file(package, tmp_path, capsys):
    path = dump(package.questionnaire, tmp_path / "q.json")
    code, out, _ = run(["show", str(path)], capsys)
    assert code == 0
    assert out == (
        "Spørgeskema: Samarbejdet med kommunen (3 spørgsmål)\n"
        "  Om praksis\n"
        "    aftale: Har I en fast aftale? [Ét svar]\n"
        "      Svar: Ja · Nej\n"
        "    hvilken: Hvilken aftale? [Fritekst] (vises hvis aftale)\n"
        "    laeger: Antal læger [Tal]\n"
    )


MEETING_OUTPUT = [
    "Klyngemøde om akutfunktioner (Klyngemøde)",
    "  2025-03-31 16.00-18.00 Lægehuset",
    "  Aalborg Kommune: 2 deltagere",
    "Dagsorden (15 min)",
    "  Handling: Send referat (Anna Jensen, 2025-04-07, Åben)",
]


def check_meeting_output(out: str) -> None:
    lines = out.splitlines()
    assert [line for line in lines if "Velkomst" not in line] == MEETING_OUTPUT
    assert ["1.", "Velkomst", "16.00-16.15"] in rows(out)


def test_show_meeting(meeting, tmp_path, capsys):
    path = tmp_path / "moede.yaml"
    klyngepakke.dump(meeting, path)
    code, out, _ = run(["show", str(path)], capsys)
    assert code == 0
    check_meeting_output(out)


def test_show_meeting_without_agenda(meeting, monkeypatch, capsys):
    bare = attrs.evolve(
        meeting,
        agenda=None,
        delegations=(),
        place="",
        action_items=(ActionItem("Ring til kommunen", "Bo Madsen"),),
    )
    monkeypatch.setattr(cli, "_resolve", lambda source: bare)
    code, out, _ = run(["show", "moede.yaml"], capsys)
    assert code == 0
    assert out == (
        "Klyngemøde om akutfunktioner (Klyngemøde)\n"
        "  2025-03-31 16.00-18.00 \n"
        "  Handling: Ring til kommunen (Bo Madsen, -, Åben)\n"
    )


def test_show_meeting_file(meeting, tmp_path, capsys):
    path = dump(meeting, tmp_path / "meeting.yaml")
    code, out, err = run(["show", str(path)], capsys)
    assert (code, err) == (0, "")
    check_meeting_output(out)


def test_show_kind_without_renderer_prints_yaml(cluster, tmp_path, capsys):
    path = dump(cluster, tmp_path / "klynge.json")
    code, out, _ = run(["show", str(path)], capsys)
    assert code == 0
    assert out == dumps(cluster, "yaml")
    assert out.startswith("schema_version: 1\ndocument: cluster\nname: Klynge Nord\n")


def test_show_unknown_topic_lists_known_topics(plugin_env, capsys):
    code, out, err = run(["show", "nosuch"], capsys)
    assert code == 1
    assert out == ""
    assert err == "klyngepakke: error: unknown topic 'nosuch'; known: 'mytopic'\n"


def test_show_missing_file(plugin_env, tmp_path, capsys):
    missing = tmp_path / "missing.yaml"
    code, _, err = run(["show", str(missing)], capsys)
    assert code == 1
    assert err == f"klyngepakke: error: {missing}: 1 problem:\n  no such file\n"


def test_debug_raises_instead(plugin_env):
    with pytest.raises(UnknownNameError, match="nosuch"):
        main(["--debug", "show", "nosuch"])


# -- validate -------------------------------------------------------------------------------

BAD_RUNBOOK = """\
schema_version: 1
document: runbook
title: Drejebog
tasks:
  - id: a b
    title: Send invitation
    phase: before
    owner: kiap
"""


def test_validate_ok(package, tmp_path, capsys):
    agenda = dump(package.programme, tmp_path / "agenda.yaml")
    pkg = dump(package, tmp_path / "pakke.json")
    code, out, err = run(["validate", str(agenda), str(pkg)], capsys)
    assert code == 0
    assert err == ""
    assert out == f"{agenda}: ok (agenda)\n{pkg}: ok (cluster_package)\n"


def test_validate_invalid_file(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text(BAD_RUNBOOK, encoding="utf-8")
    code, out, err = run(["validate", str(bad)], capsys)
    assert code == 1
    assert out == ""
    assert err == (
        f"{bad}: 1 problem:\n"
        "  tasks[0].id: 'a b' is not a valid code (letters, digits, '_', '.', '-'; no spaces) "
        "(line 5)\n"
    )


def test_validate_several_files_reports_each(package, tmp_path, capsys):
    good = dump(package.runbook, tmp_path / "good.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text(BAD_RUNBOOK, encoding="utf-8")
    worse = tmp_path / "worse.json"
    worse.write_text('{"schema_version": 1, "document": "agenda", "items": [], "minute": 5}\n')
    missing = tmp_path / "missing.yml"
    code, out, err = run(["validate", str(bad), str(good), str(worse), str(missing)], capsys)
    assert code == 1
    assert out == f"{good}: ok (runbook)\n"
    assert f"{bad}: 1 problem:\n" in err
    assert "(line 5)" in err
    assert f"{worse}: " in err
    assert "minute: unknown key; did you mean 'minutes'? (line 1)" in err
    assert f"{missing}: 1 problem:\n  no such file\n" in err


def test_validate_needs_a_file(capsys):
    assert "FILE" in usage_error(["validate"], capsys)


# -- export ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("fmt", "name"), [("json", "out.json"), ("yaml", "out.yaml")])
def test_export_reads_back_equal(mypackage, tmp_path, capsys, fmt, name):
    target = tmp_path / name
    code, out, _ = run(["export", "mytopic", "--format", fmt, "-o", str(target)], capsys)
    assert code == 0
    assert out == f"wrote {target} ({fmt})\n"
    assert load(target) == mypackage
    assert target.read_text(encoding="utf-8") == dumps(mypackage, fmt)
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize(
    ("name", "fmt"), [("x.yml", "yaml"), ("x.JSON", "json"), ("x.txt", "myfmt")]
)
def test_export_format_from_output_suffix(plugin_env, tmp_path, capsys, name, fmt):
    code, out, _ = run(["export", "mytopic", "-o", str(tmp_path / name)], capsys)
    assert code == 0
    assert out == f"wrote {tmp_path / name} ({fmt})\n"


def test_export_a_file(package, tmp_path, capsys):
    source = dump(package.questionnaire, tmp_path / "q.yaml")
    target = tmp_path / "q.json"
    code, _, _ = run(["export", str(source), "-o", str(target)], capsys)
    assert code == 0
    assert load(target) == package.questionnaire


def test_export_refuses_existing_output(plugin_env, tmp_path, capsys):
    target = tmp_path / "x.txt"
    target.write_text("keep me", encoding="utf-8")
    code, out, err = run(["export", "mytopic", "-o", str(target)], capsys)
    assert code == 1
    assert out == ""
    assert err == f"klyngepakke: error: {target}: already exists; use --force to replace it\n"
    assert target.read_text(encoding="utf-8") == "keep me"
    assert leftovers(tmp_path) == []


def test_export_force_replaces(mypackage, tmp_path, capsys, expected_summary):
    target = tmp_path / "x.txt"
    target.write_text("old", encoding="utf-8")
    code, _, _ = run(["export", "mytopic", "-o", str(target), "--force"], capsys)
    assert code == 0
    assert target.read_text(encoding="utf-8") == expected_summary(mypackage)


def test_export_with_an_option(plugin_env, tmp_path, capsys):
    target = tmp_path / "x.txt"
    code, _, _ = run(
        ["export", "mytopic", "-o", str(target), "--option", "heading=Kort fortalt"], capsys
    )
    assert code == 0
    assert target.read_text(encoding="utf-8").splitlines()[0] == "Kort fortalt: Pakken om mytopic"


def test_export_unknown_option(plugin_env, tmp_path, capsys):
    code, _, err = run(
        ["export", "mytopic", "-f", "json", "-o", str(tmp_path / "x.json"), "--option", "a=1"],
        capsys,
    )
    assert code == 1
    assert err == ("klyngepakke: error: the 'json' exporter has no option 'a' (options: none)\n")
    assert not (tmp_path / "x.json").exists()


def test_export_unknown_option_lists_known_options(plugin_env, tmp_path, capsys):
    code, _, err = run(
        ["export", "mytopic", "-o", str(tmp_path / "x.txt"), "--option", "title=x"], capsys
    )
    assert code == 1
    assert "has no option 'title' (options: heading)" in err


@pytest.mark.parametrize("option", ["x", "=value"])
def test_export_malformed_option(plugin_env, tmp_path, capsys, option):
    err = usage_error(
        ["export", "mytopic", "-o", str(tmp_path / "x.json"), "--option", option], capsys
    )
    assert err == f"klyngepakke export: error: --option {option!r} is not KEY=VALUE\n"


def test_export_wrong_suffix(plugin_env, tmp_path, capsys):
    target = tmp_path / "x.pdf"
    code, _, err = run(["export", "mytopic", "-f", "json", "-o", str(target)], capsys)
    assert code == 1
    assert err == f"klyngepakke: error: {target}: the 'json' exporter writes .json files\n"
    assert not target.exists()


def test_export_wrong_object_type(cluster, plugin_env, tmp_path, capsys):
    source = dump(cluster, tmp_path / "klynge.yaml")
    code, _, err = run(
        ["export", str(source), "-f", "myfmt", "-o", str(tmp_path / "k.txt")], capsys
    )
    assert code == 1
    assert err == (
        "klyngepakke: error: the 'myfmt' exporter cannot write a Cluster; it takes ClusterPackage\n"
    )


def test_export_unknown_format(plugin_env, tmp_path, capsys):
    code, _, err = run(["export", "mytopic", "-f", "pptx", "-o", str(tmp_path / "x.pptx")], capsys)
    assert code == 1
    known = "'json', 'myfmt', 'oparl', 'yaml'"
    assert err == f"klyngepakke: error: unknown exporter 'pptx'; known: {known}\n"


def test_export_unknown_topic(plugin_env, tmp_path, capsys):
    code, _, err = run(["export", "nosuch", "-o", str(tmp_path / "x.json")], capsys)
    assert code == 1
    assert err == "klyngepakke: error: unknown topic 'nosuch'; known: 'mytopic'\n"


def test_export_without_source_when_not_interactive(plugin_env, monkeypatch, capsys):
    monkeypatch.setattr(cli, "is_interactive", lambda: False)
    err = usage_error(["export", "-f", "json", "-o", "x.json"], capsys)
    assert err == "klyngepakke export: error: which topic? give TOPIC or FILE\n"


def test_export_without_format_or_matching_suffix_when_not_interactive(
    plugin_env, monkeypatch, tmp_path, capsys
):
    monkeypatch.setattr(cli, "is_interactive", lambda: False)
    err = usage_error(["export", "mytopic", "-o", str(tmp_path / "x.docx")], capsys)
    assert err == ("klyngepakke export: error: give --format NAME (see 'klyngepakke exporters')\n")
    assert usage_error(["export", "mytopic"], capsys).endswith(
        "give --format NAME (see 'klyngepakke exporters')\n"
    )


def test_export_without_output_when_not_interactive(plugin_env, monkeypatch, capsys):
    monkeypatch.setattr(cli, "is_interactive", lambda: False)
    err = usage_error(["export", "mytopic", "-f", "json"], capsys)
    assert err == "klyngepakke export: error: give the output file with -o PATH\n"


class FailingExporter(Exporter):
    name = "boom"
    description = "Always fails"
    accepts = (ClusterPackage,)
    suffixes = (".txt",)

    def __init__(self, error: BaseException) -> None:
        self.error = error

    def export(self, obj: Any, destination: Path, options: Any) -> None:
        destination.write_text("half written", encoding="utf-8")
        raise self.error


def failing_plugin(error: BaseException) -> object:
    class FailingPlugin:
        @hookimpl
        def register_exporters(self, register):
            register(FailingExporter(error))

    return FailingPlugin()


def test_unexpected_exporter_exception_is_an_export_error(summary_plugin, tmp_path, capsys):
    target = tmp_path / "x.txt"
    with registered_plugins(summary_plugin, failing_plugin(RuntimeError("disk on fire"))):
        code, out, err = run(["export", "mytopic", "-f", "boom", "-o", str(target)], capsys)
    assert code == 1
    assert out == ""
    assert err == "klyngepakke: error: the 'boom' exporter failed: RuntimeError: disk on fire\n"
    assert "Traceback" not in err
    assert not target.exists()
    assert leftovers(tmp_path) == []


def test_keyboard_interrupt_in_exporter(summary_plugin, tmp_path, capsys):
    target = tmp_path / "x.txt"
    with registered_plugins(summary_plugin, failing_plugin(KeyboardInterrupt())):
        code, _, err = run(["export", "mytopic", "-f", "boom", "-o", str(target)], capsys)
    assert code == 130
    assert err == "klyngepakke: interrupted\n"
    assert list(tmp_path.iterdir()) == []


def weird_topic_plugin() -> object:
    class WeirdPlugin:
        @hookimpl
        def register_topics(self, register):
            register(Topic("weird", "Underligt", lambda: 42))

    return WeirdPlugin()


def test_unexpected_error_is_reported_as_internal_error(capsys):
    with registered_plugins(weird_topic_plugin()):
        code, _, err = run(["show", "weird"], capsys)
    assert code == 1
    assert err == (
        "klyngepakke: internal error: TypeError: topic 'weird' returned int, not a "
        "ClusterPackage (this is a bug; run with --debug for the traceback)\n"
    )


def test_unexpected_error_with_debug_raises():
    with registered_plugins(weird_topic_plugin()), pytest.raises(TypeError, match="returned int"):
        main(["--debug", "show", "weird"])


# -- interactive ----------------------------------------------------------------------------


DEFAULT = object()
"""A text answer that accepts the offered default."""


class FakePrompter:
    """Answers prompts from scripts and records what was asked."""

    def __init__(self, **answers: Sequence[Any]) -> None:
        self.answers = {kind: list(values) for kind, values in answers.items()}
        self.asked: list[tuple[str, str, Any]] = []

    def _next(self, kind: str) -> Any:
        answer = self.answers[kind].pop(0)
        if isinstance(answer, BaseException):
            raise answer
        return answer

    def select(self, message: str, choices: Sequence[tuple[str, str]]) -> str:
        self.asked.append(("select", message, list(choices)))
        return self._next("select")

    def text(self, message: str, default: str) -> str:
        self.asked.append(("text", message, default))
        answer = self._next("text")
        return default if answer is DEFAULT else answer

    def confirm(self, message: str) -> bool:
        self.asked.append(("confirm", message, None))
        return self._next("confirm")


@pytest.fixture
def interactive(monkeypatch, plugin_env) -> Callable[..., FakePrompter]:
    def install(**answers: Sequence[Any]) -> FakePrompter:
        prompter = FakePrompter(**answers)
        monkeypatch.setattr(cli, "prompter", prompter)
        monkeypatch.setattr(cli, "is_interactive", lambda: True)
        return prompter

    return install


def test_interactive_export_asks_for_everything(
    interactive, mypackage, tmp_path, monkeypatch, capsys, expected_summary
):
    monkeypatch.chdir(tmp_path)
    prompter = interactive(select=["mytopic", "myfmt"], text=[DEFAULT])
    code, out, _ = run(["export"], capsys)
    assert code == 0
    assert out == "wrote mytopic.txt (myfmt)\n"
    assert (tmp_path / "mytopic.txt").read_text(encoding="utf-8") == expected_summary(mypackage)
    assert prompter.asked == [
        ("select", "Hvilket emne?", [("mytopic", "mytopic: Emnet mytopic")]),
        (
            "select",
            "Hvilket format?",
            [
                ("json", "json: Model as JSON (lossless; reads back with validate/show/export)"),
                ("myfmt", "myfmt: Plain-text summary"),
                ("yaml", "yaml: Model as YAML (lossless; edit it and read it back)"),
            ],
        ),
        ("text", "Gem som:", "mytopic.txt"),
    ]


def test_interactive_output_path_typed(interactive, mypackage, tmp_path, capsys):
    target = tmp_path / "valgt.yaml"
    prompter = interactive(text=[str(target)])
    code, _, _ = run(["export", "mytopic", "-f", "yaml"], capsys)
    assert code == 0
    assert load(target) == mypackage
    assert prompter.asked == [("text", "Gem som:", "mytopic.yaml")]


def test_interactive_format_offers_only_fitting_exporters(interactive, cluster, tmp_path, capsys):
    source = dump(cluster, tmp_path / "klynge.yaml")
    target = tmp_path / "klynge.out"
    prompter = interactive(select=["json"])
    code, _, err = run(["export", str(source), "-o", str(target)], capsys)
    # myfmt takes only packages, so it is not offered for a cluster.
    assert [value for value, _ in prompter.asked[0][2]] == ["json", "yaml"]
    assert code == 1
    assert err == f"klyngepakke: error: {target}: the 'json' exporter writes .json files\n"


def test_interactive_confirm_overwrite_yes(interactive, mypackage, tmp_path, capsys):
    target = tmp_path / "x.json"
    target.write_text("old", encoding="utf-8")
    prompter = interactive(confirm=[True])
    code, _, _ = run(["export", "mytopic", "-o", str(target)], capsys)
    assert code == 0
    assert load(target) == mypackage
    assert prompter.asked == [("confirm", f"{target} findes allerede. Overskriv?", None)]


def test_interactive_confirm_overwrite_no(interactive, tmp_path, capsys):
    target = tmp_path / "x.json"
    target.write_text("old", encoding="utf-8")
    interactive(confirm=[False])
    code, out, err = run(["export", "mytopic", "-o", str(target)], capsys)
    assert code == 1
    assert out == ""
    assert err == f"klyngepakke: error: {target}: already exists; not replaced\n"
    assert target.read_text(encoding="utf-8") == "old"


def test_interactive_force_skips_the_question(interactive, tmp_path, capsys):
    target = tmp_path / "x.json"
    target.write_text("old", encoding="utf-8")
    prompter = interactive()
    assert run(["export", "mytopic", "-o", str(target), "--force"], capsys)[0] == 0
    assert prompter.asked == []


def test_interrupted_prompt_exits_130(interactive, capsys):
    interactive(select=[KeyboardInterrupt()])
    code, out, err = run(["export"], capsys)
    assert code == 130
    assert out == ""
    assert err == "klyngepakke: interrupted\n"


class FakeTerminal:
    def __init__(self, tty: bool) -> None:
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


@pytest.mark.parametrize(
    ("stdin", "stdout", "ci", "expected"),
    [
        (True, True, None, True),
        (True, True, "true", False),
        (False, True, None, False),
        (True, False, None, False),
    ],
)
def test_interactive_detection(monkeypatch, stdin, stdout, ci, expected):
    if ci is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", ci)
    monkeypatch.setattr(sys, "stdin", FakeTerminal(stdin))
    monkeypatch.setattr(sys, "stdout", FakeTerminal(stdout))
    result = cli.interactive()
    monkeypatch.undo()
    assert result is expected


class FakeQuestion:
    def __init__(self, answer: Any) -> None:
        self.answer = answer

    def ask(self) -> Any:
        return self.answer


def test_questionary_prompter(monkeypatch):
    questionary = pytest.importorskip("questionary")
    asked: list[tuple[str, Any]] = []

    def select(message: str, choices: list[Any]) -> FakeQuestion:
        asked.append((message, [(c.value, c.title) for c in choices]))
        return FakeQuestion(choices[1].value)

    def text(message: str, default: str) -> FakeQuestion:
        asked.append((message, default))
        return FakeQuestion(default + ".bak")

    def confirm(message: str, default: bool) -> FakeQuestion:
        asked.append((message, default))
        return FakeQuestion(True)

    monkeypatch.setattr(questionary, "select", select)
    monkeypatch.setattr(questionary, "text", text)
    monkeypatch.setattr(questionary, "confirm", confirm)
    prompter = cli.QuestionaryPrompter()
    assert prompter.select("Hvilket?", [("a", "A"), ("b", "B")]) == "b"
    assert prompter.text("Gem som:", "x.json") == "x.json.bak"
    assert prompter.confirm("Overskriv?") is True
    assert asked == [
        ("Hvilket?", [("a", "A"), ("b", "B")]),
        ("Gem som:", "x.json"),
        ("Overskriv?", False),
    ]


def test_questionary_prompter_ctrl_c_is_keyboard_interrupt(monkeypatch):
    questionary = pytest.importorskip("questionary")
    monkeypatch.setattr(questionary, "confirm", lambda message, default: FakeQuestion(None))
    with pytest.raises(KeyboardInterrupt):
        cli.QuestionaryPrompter().confirm("Overskriv?")
