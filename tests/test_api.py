"""The public API: lazy names on the package, and export's checks."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any, ClassVar

import pytest

import klyngepakke
from klyngepakke import api
from klyngepakke.errors import ExportError, KlyngepakkeError, OutputExistsError
from klyngepakke.exporters import Exporter
from klyngepakke.hookspecs import hookimpl
from klyngepakke.model import ClusterPackage
from klyngepakke.testing import registered_plugins

LAZY = [name for name in klyngepakke.__all__ if name != "__version__"]


def test_all_lists_every_lazy_name_and_nothing_else():
    assert sorted(LAZY) == sorted(klyngepakke._EXPORTS)
    assert len(klyngepakke.__all__) == len(set(klyngepakke.__all__))


@pytest.mark.parametrize("name", LAZY)
def test_names_resolve_lazily(name, monkeypatch):
    # Forget a cached value so __getattr__ runs; monkeypatch puts it back afterwards.
    monkeypatch.delitem(vars(klyngepakke), name, raising=False)
    assert name not in vars(klyngepakke)
    value = getattr(klyngepakke, name)
    home = importlib.import_module(klyngepakke._EXPORTS[name])
    assert value is getattr(home, name)
    assert vars(klyngepakke)[name] is value  # cached after the first lookup


def test_from_import_works():
    from klyngepakke import Topic, export, hookimpl

    assert export is api.export
    assert Topic.__module__ == "klyngepakke.topics"
    assert hookimpl.project_name == "klyngepakke"


def test_unknown_attribute_raises_attribute_error():
    with pytest.raises(AttributeError) as raised:
        _ = klyngepakke.no_such_thing
    assert str(raised.value) == "module 'klyngepakke' has no attribute 'no_such_thing'"
    assert not hasattr(klyngepakke, "model_")


def test_dir_lists_lazy_names():
    listed = dir(klyngepakke)
    assert set(klyngepakke.__all__) <= set(listed)
    assert listed == sorted(listed)


def test_version():
    assert klyngepakke.__version__ == "0.1.0"


# -- export ---------------------------------------------------------------------------------


@pytest.fixture
def api_env(summary_plugin):
    with registered_plugins(summary_plugin) as registry:
        yield registry


def test_export_writes_and_returns_the_path(api_env, package, tmp_path, expected_summary):
    written = api.export(package, "myfmt", str(tmp_path / "x.txt"))
    assert written == tmp_path / "x.txt"
    assert isinstance(written, Path)
    assert written.read_text(encoding="utf-8") == expected_summary(package)


def test_export_passes_options(api_env, package, tmp_path):
    written = api.export(package, "myfmt", tmp_path / "x.txt", options={"heading": "Kort"})
    assert written.read_text(encoding="utf-8").startswith("Kort: Mit emne\n")


def test_export_checks_the_object_type(api_env, package, tmp_path):
    with pytest.raises(ExportError) as raised:
        api.export(package.runbook, "myfmt", tmp_path / "x.txt")
    assert str(raised.value) == (
        "the 'myfmt' exporter cannot write a Runbook; it takes ClusterPackage"
    )
    assert list(tmp_path.iterdir()) == []


def test_export_checks_the_suffix_case_insensitively(api_env, package, tmp_path):
    with pytest.raises(ExportError) as raised:
        api.export(package, "yaml", tmp_path / "x.json")
    assert (
        str(raised.value) == f"{tmp_path / 'x.json'}: the 'yaml' exporter writes .yaml, .yml files"
    )
    assert api.export(package, "yaml", tmp_path / "X.YML").exists()


def test_export_checks_options(api_env, package, tmp_path):
    with pytest.raises(ExportError, match=r"has no option 'colour' \(options: heading\)"):
        api.export(package, "myfmt", tmp_path / "x.txt", options={"colour": "red", "heading": "x"})
    with pytest.raises(ExportError, match=r"no option 'b' \(options: none\)"):
        api.export(package, "json", tmp_path / "x.json", options={"b": "1", "c": "2"})
    assert list(tmp_path.iterdir()) == []


def test_export_checks_before_touching_an_existing_file(api_env, package, tmp_path):
    target = tmp_path / "x.txt"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(OutputExistsError):
        api.export(package, "myfmt", target)
    assert target.read_text(encoding="utf-8") == "old"
    api.export(package, "myfmt", target, force=True)
    assert target.read_text(encoding="utf-8").startswith("Resumé: Mit emne")


def test_export_unknown_format(api_env, package, tmp_path):
    with pytest.raises(KlyngepakkeError, match="unknown exporter 'docx'"):
        api.export(package, "docx", tmp_path / "x.docx")


class CrashingExporter(Exporter):
    name = "crash"
    accepts = (ClusterPackage,)
    suffixes = (".txt",)
    error: ClassVar[BaseException] = ZeroDivisionError("division by zero")

    def export(self, obj: Any, destination: Path, options: Any) -> None:
        destination.write_text("partial", encoding="utf-8")
        raise self.error


class DeliberateExporter(CrashingExporter):
    name = "deliberate"
    error: ClassVar[BaseException] = ExportError("the template is missing")


class CrashPlugin:
    @hookimpl
    def register_exporters(self, register):
        register(CrashingExporter())
        register(DeliberateExporter())


def test_export_error_wraps_unexpected_exceptions(package, tmp_path):
    target = tmp_path / "x.txt"
    with registered_plugins(CrashPlugin()), pytest.raises(ExportError) as raised:
        api.export(package, "crash", target)
    assert str(raised.value) == "the 'crash' exporter failed: ZeroDivisionError: division by zero"
    assert isinstance(raised.value.__cause__, ZeroDivisionError)
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []


def test_klyngepakke_errors_from_exporters_pass_through(package, tmp_path):
    target = tmp_path / "x.txt"
    with registered_plugins(CrashPlugin()), pytest.raises(ExportError) as raised:
        api.export(package, "deliberate", target)
    assert str(raised.value) == "the template is missing"
    assert raised.value.__cause__ is None
    assert list(tmp_path.iterdir()) == []


def test_lists_are_sorted(make_plugin):
    plugins = [make_plugin("Zed", "zulu", exporter=False), make_plugin("Alf", "alfa")]
    with registered_plugins(*plugins):
        assert [t.id for t in klyngepakke.list_topics()] == ["alfa", "zulu"]
        assert [e.name for e in klyngepakke.list_exporters()] == [
            "json",
            "myfmt",
            "oparl",
            "yaml",
        ]
        assert klyngepakke.list_questionnaire_platforms() == []
        assert klyngepakke.list_service_data_readers() == []
