"""Tests for the example plugin, registered directly on a fresh registry (no entry point needed)."""

from __future__ import annotations

from pathlib import Path

import klyngepakke_example
import pytest

import klyngepakke
from klyngepakke.errors import ExportError
from klyngepakke.testing import registered_plugins


def test_registers_topic_and_exporter() -> None:
    with registered_plugins(klyngepakke_example) as registry:
        assert "eksempel" in registry.topics()
        assert "markdown-programme" in registry.exporters()
        assert registry.broken == []


def test_package_loads_and_is_valid() -> None:
    with registered_plugins(klyngepakke_example):
        package = klyngepakke.get_package("eksempel")
    assert package.topic == "eksempel"
    assert package.meeting_minutes == 150
    assert package.service_code("0124").limits[0].max_count == 2


def test_exports_programme_as_markdown(tmp_path: Path) -> None:
    with registered_plugins(klyngepakke_example):
        package = klyngepakke.get_package("eksempel")
        written = klyngepakke.export(package, "markdown-programme", tmp_path / "program.md")
    text = written.read_text(encoding="utf-8")
    assert text.startswith("# Samarbejde med kommunens akutfunktion\n")
    assert "| 16.00-16.10 | Introduktion | Introduktion |  |" in text
    assert "| 20 min | &nbsp;&nbsp;Oplæg fra kommunen | Oplæg | Kommunen |" in text
    assert text.endswith("I alt 150 min.\n")


def test_heading_option(tmp_path: Path) -> None:
    with registered_plugins(klyngepakke_example):
        package = klyngepakke.get_package("eksempel")
        klyngepakke.export(
            package, "markdown-programme", tmp_path / "p.md", options={"heading": "Klyngemøde"}
        )
        with pytest.raises(ExportError, match="no option 'colour'"):
            klyngepakke.export(
                package, "markdown-programme", tmp_path / "q.md", options={"colour": "red"}
            )
    assert (tmp_path / "p.md").read_text(encoding="utf-8").startswith("# Klyngemøde\n")
    assert not (tmp_path / "q.md").exists()
