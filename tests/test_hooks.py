"""Meta-tests keeping the hook reference and the tests honest, and one test per hook."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pluggy
import pytest

import klyngepakke
from klyngepakke import hookspecs
from klyngepakke.hookspecs import hookimpl
from klyngepakke.model import Questionnaire, ResponseSet
from klyngepakke.platforms import QuestionnairePlatform, ResponseImport, collect_responses
from klyngepakke.service_data import ServiceDataFile, ServiceDataKind, ServiceDataReader
from klyngepakke.testing import registered_plugins
from klyngepakke.topics import Topic

TESTS = Path(__file__).parent
HOOKS_DOC = Path(__file__).parents[1] / "docs" / "hooks.md"


def hook_names() -> list[str]:
    """Every hook spec klyngepakke defines, found the way pluggy finds them."""
    manager = pluggy.PluginManager("klyngepakke")
    manager.add_hookspecs(hookspecs)
    names = sorted(name for name, caller in vars(manager.hook).items() if caller.has_spec())
    # Cross-check with the module's own functions, so a spec pluggy missed would show up too.
    functions = sorted(
        name
        for name, value in vars(hookspecs).items()
        if inspect.isfunction(value) and name.startswith("register_")
    )
    assert names == functions
    return names


HOOKS = hook_names()


def heading(name: str) -> str:
    parameters = inspect.signature(getattr(hookspecs, name)).parameters
    return f"## {name}({', '.join(parameters)})"


def test_there_are_hooks():
    assert HOOKS == [
        "register_exporters",
        "register_questionnaire_platforms",
        "register_service_data_readers",
        "register_topics",
    ]
    assert heading("register_topics") == "## register_topics(register)"


@pytest.mark.parametrize("name", HOOKS)
def test_every_hook_has_a_test(name):
    pattern = re.compile(rf"^def test_hook_{name}\(", re.MULTILINE)
    files = [
        p.name for p in sorted(TESTS.glob("test_*.py")) if pattern.search(p.read_text("utf-8"))
    ]
    assert files, f"no test function named test_hook_{name} in {TESTS}"


@pytest.mark.parametrize("name", HOOKS)
def test_every_hook_is_documented_with_its_signature(name):
    assert HOOKS_DOC.is_file(), f"{HOOKS_DOC} is missing"
    lines = HOOKS_DOC.read_text(encoding="utf-8").splitlines()
    assert heading(name) in lines, f"{HOOKS_DOC} has no heading line {heading(name)!r}"


def test_every_documented_hook_exists():
    assert HOOKS_DOC.is_file(), f"{HOOKS_DOC} is missing"
    documented = re.findall(r"^## (register_\w+)\(", HOOKS_DOC.read_text("utf-8"), re.MULTILINE)
    assert sorted(documented) == HOOKS


# -- one test per hook --------------------------------------------------------------------------


def test_hook_register_topics(package):
    class TopicHook:
        @hookimpl
        def register_topics(self, register):
            register(Topic("hooktopic", "Emne fra en hook", lambda: package))

    with registered_plugins(TopicHook()) as registry:
        found = registry.topics()["hooktopic"]
        assert found.plugin == "TopicHook"
        assert found.item.title == "Emne fra en hook"
        assert klyngepakke.get_package("hooktopic") is package


def test_hook_register_exporters(summary_exporter_class):
    class ExporterHook:
        @hookimpl
        def register_exporters(self, register):
            register(summary_exporter_class())

    with registered_plugins(ExporterHook()) as registry:
        found = registry.exporters()["myfmt"]
        assert found.plugin == "ExporterHook"
        assert isinstance(found.item, summary_exporter_class)
        assert klyngepakke.get_exporter("myfmt") is found.item
        # The built-in exporters come through the same hook, from their modules.
        assert registry.exporters()["json"].plugin == "klyngepakke.default_plugins.json_exporter"


class NullPlatform(QuestionnairePlatform):
    name = "nullplatform"
    questionnaire_suffixes = (".txt",)
    response_suffixes = (".txt",)

    def export_questionnaire(self, questionnaire, destination, options):
        destination.write_text(questionnaire.title, encoding="utf-8")
        return []

    def import_responses(self, source, questionnaire, options):
        return collect_responses(questionnaire, [], platform=self.name)


def test_hook_register_questionnaire_platforms(package, tmp_path):
    class PlatformHook:
        @hookimpl
        def register_questionnaire_platforms(self, register):
            register(NullPlatform())

    with registered_plugins(PlatformHook()) as registry:
        found = registry.questionnaire_platforms()["nullplatform"]
        assert found.plugin == "PlatformHook"
        platform = klyngepakke.get_questionnaire_platform("nullplatform")
    assert platform is found.item
    questionnaire: Questionnaire = package.questionnaire
    assert platform.export_questionnaire(questionnaire, tmp_path / "q.txt", {}) == []
    assert (tmp_path / "q.txt").read_text(encoding="utf-8") == "Samarbejdet med kommunen"
    imported = platform.import_responses(tmp_path / "q.txt", questionnaire, {})
    assert imported == ResponseImport(ResponseSet("samarbejde", (), platform="nullplatform"))


class NullReader(ServiceDataReader):
    name = "nullreader"
    suffixes = (".txt",)
    kinds = (ServiceDataKind.CLAIMS,)

    def read(self, source, kind, workdir, options):
        return ServiceDataFile(kind, workdir / "claims.parquet", str(source), 0)


def test_hook_register_service_data_readers(tmp_path):
    class ReaderHook:
        @hookimpl
        def register_service_data_readers(self, register):
            register(NullReader())

    with registered_plugins(ReaderHook()) as registry:
        found = registry.service_data_readers()["nullreader"]
        assert found.plugin == "ReaderHook"
        assert klyngepakke.list_service_data_readers() == [found.item]
    read = found.item.read(tmp_path / "x.txt", ServiceDataKind.CLAIMS, tmp_path, {})
    assert read == ServiceDataFile(
        ServiceDataKind.CLAIMS, tmp_path / "claims.parquet", str(tmp_path / "x.txt"), 0
    )
