"""The plugin registry: registering, broken plugins, env vars, conflicts, lookups."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest

import klyngepakke
from klyngepakke import plugins
from klyngepakke.cli import main
from klyngepakke.conversion import dump
from klyngepakke.errors import DocumentError, DuplicateNameError, PluginError, UnknownNameError
from klyngepakke.exporters import Exporter
from klyngepakke.hookspecs import hookimpl
from klyngepakke.model import ClusterPackage, Questionnaire, Response, ResponseSet
from klyngepakke.platforms import QuestionnairePlatform, RawRow, ResponseImport, collect_responses
from klyngepakke.plugins import BrokenPlugin, PluginInfo, PluginRegistry, get_registry
from klyngepakke.service_data import (
    ServiceDataError,
    ServiceDataFile,
    ServiceDataKind,
    ServiceDataReader,
)
from klyngepakke.testing import registered_plugins
from klyngepakke.topics import Topic, package_from_resource

BUILTINS = list(plugins.DEFAULT_PLUGINS)


# -- registering through klyngepakke.testing --------------------------------------------------


def test_registered_plugin_is_visible_to_the_api(summary_plugin, tmp_path, expected_summary):
    with registered_plugins(summary_plugin) as registry:
        assert [t.id for t in klyngepakke.list_topics()] == ["mytopic"]
        assert registry.topics()["mytopic"].plugin == "TopicPlugin"
        package = klyngepakke.get_package("mytopic")
        assert package.title == "Pakken om mytopic"
        assert klyngepakke.get_topic("mytopic").title == "Emnet mytopic"
        assert [e.name for e in klyngepakke.list_exporters()] == [
            "json",
            "myfmt",
            "oparl",
            "yaml",
        ]
        assert klyngepakke.get_exporter("myfmt").suffixes == (".txt",)
        written = klyngepakke.export(package, "myfmt", tmp_path / "x.txt")
    assert written == tmp_path / "x.txt"
    assert written.read_text(encoding="utf-8") == expected_summary(package)
    assert "- Gruppearbejde (45 min)" in written.read_text(encoding="utf-8")


def test_registered_plugin_is_visible_to_the_cli(summary_plugin, tmp_path, capsys):
    with registered_plugins(summary_plugin):
        assert main(["topics"]) == 0
        out = capsys.readouterr().out
        assert out.splitlines()[0].split() == ["TOPIC", "TITLE", "PLUGIN"]
        assert out.splitlines()[1].split() == ["mytopic", "Emnet", "mytopic", "TopicPlugin"]
        target = tmp_path / "x.txt"
        assert main(["export", "mytopic", "--format", "myfmt", "-o", str(target)]) == 0
        assert capsys.readouterr().out == f"wrote {target} (myfmt)\n"
    text = target.read_text(encoding="utf-8")
    assert text.splitlines()[:3] == [
        "Resumé: Pakken om mytopic",
        "Emne: mytopic",
        "Varighed: 90 min",
    ]


def test_registry_is_restored_after_the_block(summary_plugin):
    outer = get_registry()
    with registered_plugins(summary_plugin) as inner:
        assert get_registry() is inner
    assert get_registry() is outer
    assert "mytopic" not in outer.topics()


def test_registered_plugins_without_defaults_or_with_installed(
    summary_plugin, entry_points, fake_entry_point, make_plugin
):
    entry_points.append(fake_entry_point("other", make_plugin("Other", "othertopic")))
    with registered_plugins(summary_plugin, defaults=False) as registry:
        assert sorted(registry.exporters()) == ["myfmt"]
        assert sorted(registry.topics()) == ["mytopic"]
    with registered_plugins(installed=True) as registry:
        assert sorted(registry.topics()) == ["othertopic"]


def test_registered_plugins_is_strict_by_default(make_plugin):
    with pytest.raises(PluginError, match="a plugin named 'Twice' is already registered"):  # noqa: SIM117
        with registered_plugins(make_plugin("Twice"), make_plugin("Twice")):
            pass  # pragma: no cover


def test_module_plugins_are_named_after_the_module():
    with registered_plugins() as registry:
        names = [p.name for p in registry.plugins]
    assert names == BUILTINS
    assert {(p.builtin, p.distribution, p.version) for p in registry.plugins} == {
        (True, "klyngepakke", klyngepakke.__version__)
    }


# -- loading from the environment -------------------------------------------------------------


@pytest.fixture
def installed(entry_points, fake_entry_point, make_plugin):
    """Three installed plugins: two good ones and one whose import fails."""
    entry_points.extend(
        [
            fake_entry_point(
                "alpha", make_plugin("Alpha", "alphatopic"), distribution="kp-alpha", version="1.2"
            ),
            fake_entry_point(
                "pptx",
                error=ImportError("No module named 'pptx'"),
                distribution="klyngepakke-pptx",
                version="0.3.1",
            ),
            fake_entry_point(
                "beta",
                make_plugin("Beta", "betatopic", exporter=False),
                distribution="kp-beta",
                version="2.0",
            ),
        ]
    )
    return entry_points


def test_import_error_plugin_is_reported_and_others_still_work(installed, capsys):
    registry = PluginRegistry.from_environment({})
    assert registry.broken == [
        BrokenPlugin(
            "pptx",
            "klyngepakke-pptx",
            "0.3.1",
            "failed to import: ImportError: No module named 'pptx'",
        )
    ]
    assert sorted(registry.topics()) == ["alphatopic", "betatopic"]
    assert registry.topic("betatopic").package.topic == "betatopic"
    assert [p.name for p in registry.plugins] == [*BUILTINS, "alpha", "beta"]
    alpha = registry.plugins[len(BUILTINS)]
    assert alpha == PluginInfo(
        "alpha", "kp-alpha", "1.2", ("register_exporters", "register_topics"), False
    )

    # The CLI uses the process-wide registry, loaded from the same (simulated) environment.
    assert main(["plugins"]) == 0
    out = capsys.readouterr().out
    broken_section = out.split("Broken plugins:\n", 1)[1]
    assert broken_section.splitlines()[0] == (
        "  pptx (klyngepakke-pptx 0.3.1): failed to import: ImportError: No module named 'pptx'"
    )
    assert "alpha" in out.split("Broken plugins:")[0]

    assert main(["topics"]) == 0
    captured = capsys.readouterr()
    topic_rows = [line.split()[0] for line in captured.out.splitlines()[1:]]
    assert topic_rows == ["alphatopic", "betatopic"]
    assert captured.err == (
        "klyngepakke: warning: plugin 'pptx' is broken and was skipped "
        "(see 'klyngepakke plugins')\n"
    )


def test_plugins_json_lists_broken_plugins(installed, capsys):
    assert main(["plugins", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [p["name"] for p in data["plugins"]] == [*BUILTINS, "alpha", "beta"]
    assert data["plugins"][-1] == {
        "name": "beta",
        "distribution": "kp-beta",
        "version": "2.0",
        "hooks": ["register_exporters", "register_topics"],
        "builtin": False,
    }
    assert data["broken"] == [
        {
            "name": "pptx",
            "distribution": "klyngepakke-pptx",
            "version": "0.3.1",
            "error": "failed to import: ImportError: No module named 'pptx'",
        }
    ]
    assert data["conflicts"] == {}


def test_entry_point_without_distribution(entry_points, fake_entry_point, capsys):
    entry_points.append(fake_entry_point("loose", error=RuntimeError("kaput")))
    registry = PluginRegistry.from_environment({})
    assert registry.broken == [
        BrokenPlugin("loose", None, None, "failed to import: RuntimeError: kaput")
    ]
    main(["plugins"])
    assert "  loose (not installed): failed to import: RuntimeError: kaput\n" in (
        capsys.readouterr().out
    )


@pytest.mark.parametrize("value", ["1", "yes"])
def test_strict_env_var_re_raises_as_plugin_error(installed, value):
    with pytest.raises(PluginError) as raised:
        PluginRegistry.from_environment({plugins.ENV_STRICT: value})
    assert str(raised.value) == (
        "plugin 'pptx' (klyngepakke-pptx) failed to import: No module named 'pptx'"
    )
    assert isinstance(raised.value.__cause__, ImportError)


def test_strict_env_var_zero_is_not_strict(installed):
    registry = PluginRegistry.from_environment({plugins.ENV_STRICT: "0"})
    assert not registry.strict
    assert [b.name for b in registry.broken] == ["pptx"]


def test_strict_mode_through_os_environ(installed, monkeypatch, capsys):
    monkeypatch.setenv(plugins.ENV_STRICT, "1")
    with pytest.raises(PluginError, match="No module named 'pptx'"):
        get_registry()
    # The CLI turns it into one line and exit code 1.
    assert main(["topics"]) == 1
    err = capsys.readouterr().err
    assert err == (
        "klyngepakke: error: plugin 'pptx' (klyngepakke-pptx) failed to import: "
        "No module named 'pptx'\n"
    )


@pytest.mark.parametrize(
    ("disable", "loaded", "broken", "exporters"),
    [
        ("pptx", ["alpha", "beta"], [], ["json", "myfmt", "oparl", "yaml"]),
        ("alpha, pptx", ["beta"], [], ["json", "oparl", "yaml"]),
        ("alpha,beta,pptx", [], [], ["json", "oparl", "yaml"]),
        ("*", [], [], ["json", "oparl", "yaml"]),
        ("", ["alpha", "beta"], ["pptx"], ["json", "myfmt", "oparl", "yaml"]),
    ],
)
def test_disable_env_var(installed, disable, loaded, broken, exporters):
    registry = PluginRegistry.from_environment({plugins.ENV_DISABLE: disable})
    assert [p.name for p in registry.plugins if not p.builtin] == loaded
    assert [b.name for b in registry.broken] == broken
    # Built-in plugins always load.
    assert [p.name for p in registry.plugins if p.builtin] == BUILTINS
    assert sorted(registry.exporters()) == exporters


@pytest.mark.parametrize(
    ("allow", "expected_plugins", "expected_broken"),
    [
        ("alpha", ["alpha"], []),
        ("beta,pptx", ["beta"], ["pptx"]),
        ("", [], []),
        (" , ", [], []),
    ],
)
def test_load_env_var_is_an_allow_list(installed, allow, expected_plugins, expected_broken):
    registry = PluginRegistry.from_environment({plugins.ENV_LOAD: allow})
    assert [p.name for p in registry.plugins if not p.builtin] == expected_plugins
    assert [b.name for b in registry.broken] == expected_broken
    assert [p.name for p in registry.plugins if p.builtin] == BUILTINS


def test_disable_wins_over_allow(installed):
    registry = PluginRegistry.from_environment(
        {plugins.ENV_LOAD: "alpha,beta", plugins.ENV_DISABLE: "beta"}
    )
    assert [p.name for p in registry.plugins if not p.builtin] == ["alpha"]


def test_env_vars_through_os_environ(installed, monkeypatch, capsys):
    monkeypatch.setenv(plugins.ENV_DISABLE, "*")
    assert main(["topics", "--json"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out) == []
    assert captured.err == ""


# -- plugins that fail while registering --------------------------------------------------------


class RaisingPlugin:
    @hookimpl
    def register_topics(self, register):
        raise RuntimeError("database unavailable")


class NotATopicPlugin:
    @hookimpl
    def register_topics(self, register):
        register("not a topic")


class BadNamePlugin:
    @hookimpl
    def register_topics(self, register):
        register(Topic("has space", "Et emne", lambda: None))


class NoSuffixExporter(Exporter):
    name = "nosuffix"
    accepts = (ClusterPackage,)
    suffixes = ()

    def export(self, obj, destination, options):  # pragma: no cover - never called
        destination.write_text("x")


class BadSuffixExporter(NoSuffixExporter):
    name = "badsuffix"
    suffixes = ("txt",)


class NoAcceptsExporter(NoSuffixExporter):
    name = "noaccepts"
    accepts = ()
    suffixes = (".txt",)


class NotAClassAcceptsExporter(NoSuffixExporter):
    name = "notaclass"
    accepts = ("ClusterPackage",)  # type: ignore[assignment]
    suffixes = (".txt",)


def exporter_plugin(exporter: Exporter) -> object:
    class ExporterPlugin:
        @hookimpl
        def register_exporters(self, register):
            register(exporter)

    return ExporterPlugin()


def registry_with(*named: tuple[str, object], strict: bool = False) -> PluginRegistry:
    registry = PluginRegistry(strict=strict)
    registry.load_defaults()
    for name, plugin in named:
        registry.register(plugin, name=name)
    return registry


def test_plugin_whose_hook_raises_is_broken_and_others_fine(summary_plugin):
    registry = registry_with(("raising", RaisingPlugin()), ("good", summary_plugin))
    assert registry.broken == [
        BrokenPlugin(
            "raising", None, None, "register_topics failed: RuntimeError: database unavailable"
        )
    ]
    assert sorted(registry.topics()) == ["mytopic"]
    assert [p.name for p in registry.plugins] == [*BUILTINS, "good"]


def test_plugin_whose_hook_raises_keeps_its_distribution(entry_points, fake_entry_point):
    entry_points.append(fake_entry_point("raising", RaisingPlugin(), distribution="kp-r"))
    registry = PluginRegistry.from_environment({})
    assert registry.broken == [
        BrokenPlugin(
            "raising", "kp-r", "1.0", "register_topics failed: RuntimeError: database unavailable"
        )
    ]


@pytest.mark.parametrize(
    ("plugin", "message"),
    [
        (
            NotATopicPlugin(),
            "register_topics failed: PluginError: registered 'not a topic', which is not a Topic",
        ),
        (
            BadNamePlugin(),
            "register_topics failed: PluginError: topic name 'has space' is not a valid name",
        ),
        (
            exporter_plugin(NoSuffixExporter()),
            "register_exporters failed: PluginError: exporter 'nosuffix' must list file "
            "suffixes like '.json'",
        ),
        (
            exporter_plugin(BadSuffixExporter()),
            "register_exporters failed: PluginError: exporter 'badsuffix' must list file "
            "suffixes like '.json'",
        ),
        (
            exporter_plugin(NoAcceptsExporter()),
            "register_exporters failed: PluginError: exporter 'noaccepts' must list the "
            "classes it accepts",
        ),
        (
            exporter_plugin(NotAClassAcceptsExporter()),
            "register_exporters failed: PluginError: exporter 'notaclass' must list the "
            "classes it accepts",
        ),
    ],
    ids=[
        "not-a-topic",
        "invalid-name",
        "no-suffixes",
        "suffix-without-dot",
        "no-accepts",
        "accepts-not-classes",
    ],
)
def test_plugin_registering_something_invalid_is_broken(plugin, message, summary_plugin):
    registry = registry_with(("bad", plugin), ("good", summary_plugin))
    assert registry.broken == [BrokenPlugin("bad", None, None, message)]
    assert sorted(registry.topics()) == ["mytopic"]
    assert sorted(registry.exporters()) == ["json", "myfmt", "oparl", "yaml"]


def test_invalid_registration_raises_in_strict_mode():
    registry = registry_with(("bad", NotATopicPlugin()), strict=True)
    with pytest.raises(PluginError) as raised:
        registry.topics()
    assert str(raised.value) == (
        "plugin 'bad' (built in) register_topics failed: registered 'not a topic', "
        "which is not a Topic"
    )


def test_failing_hook_only_loses_that_hook(summary_exporter_class):
    class HalfBroken:
        @hookimpl
        def register_topics(self, register):
            raise ValueError("no topics today")

        @hookimpl
        def register_exporters(self, register):
            register(summary_exporter_class())

    registry = registry_with(("half", HalfBroken()))
    assert [b.error for b in registry.broken] == [
        "register_topics failed: ValueError: no topics today"
    ]
    # Its exporter still works, but the plugin is listed as broken, not as loaded.
    assert registry.exporters()["myfmt"].plugin == "half"
    assert [p.name for p in registry.plugins] == BUILTINS


def test_unknown_hook_name_is_rejected(summary_plugin):
    class Misspelt:
        @hookimpl
        def register_topic(self, register):
            register(Topic("misspelt", "Stavefejl", lambda: None))  # pragma: no cover

    registry = registry_with(("misspelt", Misspelt()), ("good", summary_plugin))
    [broken] = registry.broken
    assert broken.name == "misspelt"
    assert broken.error.startswith("rejected: PluginError: unknown hook 'register_topic'")
    assert sorted(registry.topics()) == ["mytopic"]
    assert "misspelt" not in [p.name for p in registry.plugins]


def test_unknown_hook_name_suggests_the_real_hook():
    class Misspelt:
        @hookimpl
        def register_topic(self, register):
            pass  # pragma: no cover

    registry = registry_with(("misspelt", Misspelt()))
    assert registry.broken[0].error == (
        "rejected: PluginError: unknown hook 'register_topic' (did you mean 'register_topics'?)"
    )


def test_unknown_hook_without_a_close_match_has_no_hint():
    class Coffee:
        @hookimpl
        def make_coffee(self):
            pass  # pragma: no cover

    registry = registry_with(("coffee", Coffee()))
    assert registry.broken[0].error == "rejected: PluginError: unknown hook 'make_coffee'"


def test_unknown_hook_in_strict_mode_raises():
    class Misspelt:
        @hookimpl
        def register_exporter(self, register):
            pass  # pragma: no cover

    with pytest.raises(PluginError, match="plugin 'm' \\(built in\\) rejected: unknown hook"):
        registry_with(("m", Misspelt()), strict=True)


def test_hookimpl_with_an_argument_the_spec_lacks_fails_to_register():
    class ExtraArgument:
        @hookimpl
        def register_topics(self, register, settings):
            pass  # pragma: no cover

    registry = registry_with(("extra", ExtraArgument()))
    [broken] = registry.broken
    assert broken.name == "extra"
    assert broken.error.startswith("failed to register: PluginValidationError:")
    assert "settings" in broken.error


def test_same_object_under_two_names_fails_to_register(summary_plugin):
    registry = registry_with(("first", summary_plugin), ("second", summary_plugin))
    assert [b.name for b in registry.broken] == ["second"]
    assert registry.broken[0].error.startswith("failed to register: ValueError:")
    assert registry.topics()["mytopic"].plugin == "first"


def test_same_plugin_name_twice_is_broken(make_plugin):
    registry = registry_with(
        ("dup", make_plugin("First", "firsttopic")), ("dup", make_plugin("Second", "secondtopic"))
    )
    assert registry.broken == [
        BrokenPlugin(
            "dup", None, None, "rejected: PluginError: a plugin named 'dup' is already registered"
        )
    ]
    # The first one stays registered; the second one's topic never arrives.
    assert sorted(registry.topics()) == ["firsttopic"]


def test_same_name_as_a_builtin_is_broken(summary_plugin):
    registry = registry_with((BUILTINS[0], summary_plugin))
    assert [b.name for b in registry.broken] == [BUILTINS[0]]
    assert "mytopic" not in registry.topics()


def test_rejecting_a_duplicate_name_keeps_the_first_plugin_listed(make_plugin):
    registry = registry_with(
        ("dup", make_plugin("First", "firsttopic")), ("dup", make_plugin("Second", "secondtopic"))
    )
    assert "dup" in [p.name for p in registry.plugins]


def test_hooks_without_arguments_are_allowed():
    calls = []

    class NoArguments:
        @hookimpl
        def register_topics(self):
            calls.append("topics")

    registry = registry_with(("noargs", NoArguments()))
    assert registry.topics() == {}
    assert calls == ["topics"]
    assert registry.broken == []
    assert registry.plugins[-1].hooks == ("register_topics",)


def test_results_are_collected_once(summary_plugin):
    calls = []

    class Counting:
        @hookimpl
        def register_topics(self):
            calls.append(1)

    registry = registry_with(("counting", Counting()))
    registry.topics()
    registry.topics()
    _ = registry.plugins, registry.broken, registry.conflicts()
    assert calls == [1]


def test_broken_entries_are_not_duplicated_after_registering_more(summary_plugin):
    registry = registry_with(("raising", RaisingPlugin()))
    assert len(registry.broken) == 1
    registry.register(summary_plugin, name="good")
    assert len(registry.broken) == 1


# -- conflicts --------------------------------------------------------------------------------


def conflict_sets(registry: PluginRegistry) -> dict[str, dict[str, set[str]]]:
    found = registry.conflicts()
    for names in (n for by_name in found.values() for n in by_name.values()):
        assert isinstance(names, tuple)
        assert len(names) == len(set(names)) == 2
    return {kind: {k: set(v) for k, v in by_name.items()} for kind, by_name in found.items()}


def test_duplicate_topic_id_from_two_plugins(make_plugin, capsys):
    first, second = make_plugin("First", "shared"), make_plugin("Second", "shared", exporter=False)
    with registered_plugins(
        first, second, make_plugin("Third", "own", exporter=False), strict=False
    ) as registry:
        with pytest.raises(DuplicateNameError) as raised:
            klyngepakke.get_topic("shared")
        message = str(raised.value)
        assert "'First'" in message
        assert "'Second'" in message
        # Plugins are named in pluggy's call order; the order is not part of the contract.
        assert message in {
            f"topic 'shared' is registered by more than one plugin: {names}; "
            "disable one with KLYNGEPAKKE_DISABLE_PLUGINS=<name>"
            for names in ("'First' and 'Second'", "'Second' and 'First'")
        }
        assert conflict_sets(registry) == {"topic": {"shared": {"First", "Second"}}}
        assert [t.id for t in klyngepakke.list_topics()] == ["own"]
        assert klyngepakke.get_package("own").topic == "own"

        assert main(["plugins"]) == 0
        out = capsys.readouterr().out
        conflict_lines = [line for line in out.splitlines() if line.startswith("Conflict:")]
        assert conflict_lines in (
            ["Conflict: topic 'shared' is registered by First and Second"],
            ["Conflict: topic 'shared' is registered by Second and First"],
        )

        assert main(["plugins", "--json"]) == 0
        data = json.loads(capsys.readouterr().out)
        assert sorted(data["conflicts"]["topic"]["shared"]) == ["First", "Second"]
        assert list(data["conflicts"]) == ["topic"]

        assert main(["topics"]) == 0
        captured = capsys.readouterr()
        assert [line.split()[0] for line in captured.out.splitlines()[1:]] == ["own"]
        assert captured.err in {
            f"klyngepakke: warning: topic 'shared' is registered by {names} "
            "and is unavailable until one is disabled\n"
            for names in ("First and Second", "Second and First")
        }

        assert main(["show", "shared"]) == 1
        assert "more than one plugin" in capsys.readouterr().err


def test_duplicate_exporter_name_from_two_plugins(make_plugin, capsys):
    with registered_plugins(make_plugin("A", "a"), make_plugin("B", "b"), strict=False) as registry:
        assert conflict_sets(registry) == {"exporter": {"myfmt": {"A", "B"}}}
        with pytest.raises(DuplicateNameError, match="exporter 'myfmt'"):
            klyngepakke.get_exporter("myfmt")
        assert main(["exporters"]) == 0
        captured = capsys.readouterr()
        assert [line.split()[0] for line in captured.out.splitlines()[1:]] == [
            "json",
            "oparl",
            "yaml",
        ]
        assert "warning: exporter 'myfmt' is registered by " in captured.err
        assert {"A", "B"} <= set(captured.err.split())


def test_duplicate_names_raise_in_strict_mode(make_plugin):
    with registered_plugins(
        make_plugin("First", "shared"), make_plugin("Second", "shared", exporter=False)
    ) as registry:
        with pytest.raises(DuplicateNameError, match=r"'(First|Second)' and '(First|Second)'"):
            registry.topics()
        with pytest.raises(DuplicateNameError):
            klyngepakke.list_topics()


def test_conflict_is_resolved_by_disabling_one(
    installed, entry_points, fake_entry_point, make_plugin
):
    entry_points.append(
        fake_entry_point("gamma", make_plugin("Gamma", "alphatopic", exporter=False))
    )
    conflicting = PluginRegistry.from_environment({})
    assert conflict_sets(conflicting) == {"topic": {"alphatopic": {"alpha", "gamma"}}}
    resolved = PluginRegistry.from_environment({plugins.ENV_DISABLE: "gamma"})
    assert resolved.conflicts() == {}
    assert resolved.topics()["alphatopic"].plugin == "alpha"


def test_unregister_removes_what_the_plugin_registered(summary_plugin, make_plugin):
    registry = registry_with(("good", summary_plugin), ("other", make_plugin("Other", "other")))
    assert conflict_sets(registry) == {"exporter": {"myfmt": {"good", "other"}}}
    registry.unregister("other")
    assert registry.conflicts() == {}
    assert sorted(registry.topics()) == ["mytopic"]
    assert registry.exporters()["myfmt"].plugin == "good"
    assert [p.name for p in registry.plugins] == [*BUILTINS, "good"]
    registry.unregister("good")
    assert registry.topics() == {}
    assert sorted(registry.exporters()) == ["json", "oparl", "yaml"]
    # A name can be reused once its plugin is gone.
    registry.register(summary_plugin, name="good")
    assert sorted(registry.topics()) == ["mytopic"]
    assert registry.broken == []


# -- lookups ----------------------------------------------------------------------------------


def test_unknown_names_raise_listing_known_names(summary_plugin):
    with registered_plugins(summary_plugin):
        with pytest.raises(UnknownNameError) as raised:
            klyngepakke.get_topic("nope")
        assert str(raised.value) == "unknown topic 'nope'; known: 'mytopic'"
        assert raised.value.known == ("mytopic",)
        assert isinstance(raised.value, LookupError)
        known = "'json', 'myfmt', 'oparl', 'yaml'"
        with pytest.raises(UnknownNameError, match=f"unknown exporter 'pptx'; known: {known}"):
            klyngepakke.get_exporter("pptx")
        with pytest.raises(
            UnknownNameError, match="unknown questionnaire platform 'x'; known: none are installed"
        ):
            klyngepakke.get_questionnaire_platform("x")
        with pytest.raises(UnknownNameError, match="unknown service-data reader 'x'; known: none"):
            klyngepakke.get_service_data_reader("x")


class CsvPlatform(QuestionnairePlatform):
    """One column per question code; one row per respondent."""

    name = "csvplatform"
    description = "CSV with question codes as columns"
    questionnaire_suffixes = (".csv",)
    response_suffixes = (".csv",)

    def export_questionnaire(
        self, questionnaire: Questionnaire, destination: Path, options: Mapping[str, str]
    ) -> list[str]:
        with destination.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["code", "text", "kind"])
            for question in questionnaire.questions():
                writer.writerow([question.code, question.text, question.kind.value])
        return []

    def import_responses(
        self, source: Path, questionnaire: Questionnaire, options: Mapping[str, str]
    ) -> ResponseImport:
        numbers = {q.code for q in questionnaire.questions() if q.kind.value == "number"}
        with source.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        raw = []
        for number, row in enumerate(rows, start=2):
            respondent = row.pop("respondent")
            answers: dict[str, Any] = {
                code: (int(value) if code in numbers else value)
                for code, value in row.items()
                if value
            }
            raw.append(RawRow(number, respondent, answers))
        return collect_responses(questionnaire, raw, platform=self.name)


class CsvCountsReader(ServiceDataReader):
    """provider,code,start,end,count rows."""

    name = "csvcounts"
    description = "Service counts as CSV"
    suffixes = (".csv",)
    kinds = (ServiceDataKind.COUNTS,)

    def read(
        self, source: Path, kind: ServiceDataKind, workdir: Path, options: Mapping[str, str]
    ) -> ServiceDataFile:
        # Checks every row; a real reader would also write the canonical Parquet file.
        with source.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        for number, row in enumerate(rows, start=2):
            if int(row["count"]) < 0:
                raise ServiceDataError(f"{source}, row {number}, count: negative ({row['count']})")
        return ServiceDataFile(kind, workdir / "counts.parquet", str(source), len(rows))


class SurveyPlugin:
    @hookimpl
    def register_questionnaire_platforms(self, register: Callable[[object], None]) -> None:
        register(CsvPlatform())

    @hookimpl
    def register_service_data_readers(self, register: Callable[[object], None]) -> None:
        register(CsvCountsReader())


def test_questionnaire_platform_through_the_api(package, tmp_path):
    with registered_plugins(SurveyPlugin()) as registry:
        assert [p.name for p in klyngepakke.list_questionnaire_platforms()] == ["csvplatform"]
        platform = klyngepakke.get_questionnaire_platform("csvplatform")
        assert registry.questionnaire_platforms()["csvplatform"].plugin == "SurveyPlugin"
    questionnaire = package.questionnaire
    assert questionnaire is not None
    definition = tmp_path / "q.csv"
    platform.export_questionnaire(questionnaire, definition, {})
    with definition.open(encoding="utf-8", newline="") as handle:
        codes = [row["code"] for row in csv.DictReader(handle)]
    assert codes == ["aftale", "hvilken", "laeger"]

    answers = tmp_path / "answers.csv"
    answers.write_text(
        "respondent,aftale,hvilken,laeger\nr1,ja,Akutteam,4\nr2,nej,,7\n", encoding="utf-8"
    )
    imported = platform.import_responses(answers, questionnaire, {})
    assert imported.skipped == ()
    assert imported.responses == ResponseSet(
        "samarbejde",
        (
            Response("r1", {"aftale": "ja", "hvilken": "Akutteam", "laeger": 4}),
            Response("r2", {"aftale": "nej", "laeger": 7}),
        ),
        platform="csvplatform",
    )
    assert imported.responses.problems_against(questionnaire) == []


def test_service_data_reader_through_the_api(tmp_path):
    with registered_plugins(SurveyPlugin()) as registry:
        assert [r.name for r in klyngepakke.list_service_data_readers()] == ["csvcounts"]
        reader = klyngepakke.get_service_data_reader("csvcounts")
        assert registry.service_data_readers()["csvcounts"].plugin == "SurveyPlugin"
    source = tmp_path / "counts.csv"
    source.write_text(
        "provider,code,start,end,count\n012345,0120,2024-01-01,2024-12-31,812\n", encoding="utf-8"
    )
    read = reader.read(source, ServiceDataKind.COUNTS, tmp_path, {})
    assert (read.rows, read.path) == (1, tmp_path / "counts.parquet")
    source.write_text("provider,code,start,end,count\n012345,0120,2024-01-01,2024-12-31,-2\n")
    with pytest.raises(ServiceDataError, match="row 2, count: negative"):
        reader.read(source, ServiceDataKind.COUNTS, tmp_path, {})
    assert ServiceDataKind.COUNTS.label == "Ydelsesopgørelse"


def test_platform_with_invalid_name_is_broken():
    class BadPlatform(CsvPlatform):
        name = "bad name"

    class Plugin:
        @hookimpl
        def register_questionnaire_platforms(self, register):
            register(BadPlatform())

    registry = registry_with(("bad", Plugin()))
    assert registry.broken[0].error == (
        "register_questionnaire_platforms failed: PluginError: questionnaire platform name "
        "'bad name' is not a valid name"
    )
    assert registry.questionnaire_platforms() == {}


def test_get_registry_loads_once(summary_plugin):
    first = get_registry()
    assert get_registry() is first
    assert [p.name for p in first.plugins] == BUILTINS


# -- topics -----------------------------------------------------------------------------------


def test_topic_loads_its_package_once_on_first_use(package):
    calls = []

    def load() -> ClusterPackage:
        calls.append(1)
        return package

    topic = Topic("lazy", "Dovent emne", load)
    assert calls == []
    assert topic.package is package
    assert topic.package is package
    assert calls == [1]
    # The loader is not part of equality or repr.
    assert topic == Topic("lazy", "Dovent emne", lambda: package)
    assert "load_package" not in repr(topic)


def test_topic_rejects_a_loader_returning_something_else():
    topic = Topic("odd", "Underligt", lambda: {"title": "x"})
    with pytest.raises(TypeError, match="topic 'odd' returned dict, not a ClusterPackage"):
        _ = topic.package


@pytest.fixture
def resource_package(tmp_path, monkeypatch, package):
    """An importable package ``kp_resource_topic`` shipping ``pakke.yaml`` and ``pakke.json``."""
    name = "kp_resource_topic"
    folder = tmp_path / name
    folder.mkdir()
    (folder / "__init__.py").write_text("", encoding="utf-8")
    dump(package, folder / "pakke.yaml")
    dump(package, folder / "pakke.json")
    (folder / "broken.yaml").write_text(
        "schema_version: 1\ndocument: cluster_package\ntopic: x\n", encoding="utf-8"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    yield name
    sys.modules.pop(name, None)


@pytest.mark.parametrize("resource", ["pakke.yaml", "pakke.json"])
def test_package_from_resource(resource_package, package, resource):
    load = package_from_resource(resource_package, resource)
    assert load() == package
    topic = Topic("mytopic", "Fra en fil", load)
    with registered_plugins(_TopicOf(topic)):
        assert klyngepakke.get_package("mytopic") == package


def test_package_from_resource_reports_problems_with_the_resource_name(resource_package):
    with pytest.raises(DocumentError) as raised:
        package_from_resource(resource_package, "broken.yaml")()
    message = str(raised.value)
    assert message.startswith(f"{resource_package}/broken.yaml: ")
    assert "title: required, but missing" in message


class _TopicOf:
    def __init__(self, topic: Topic) -> None:
        self.topic = topic

    @hookimpl
    def register_topics(self, register):
        register(self.topic)


def test_conflict_with_a_builtin_names_the_installed_plugin_to_disable():
    class ShadowJson:
        @hookimpl
        def register_exporters(self, register):
            from klyngepakke.default_plugins.json_exporter import JsonExporter

            register(JsonExporter())

    with registered_plugins(ShadowJson(), strict=False), pytest.raises(DuplicateNameError) as info:
        klyngepakke.get_exporter("json")
    assert str(info.value).endswith("disable one with KLYNGEPAKKE_DISABLE_PLUGINS=ShadowJson")
