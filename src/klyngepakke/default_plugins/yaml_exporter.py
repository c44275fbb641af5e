"""Built-in plugin: write any top-level model object as YAML, the format people edit."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from klyngepakke.conversion import DOCUMENT_KINDS, dumps
from klyngepakke.exporters import Exporter
from klyngepakke.hookspecs import hookimpl


class YamlExporter(Exporter):
    """The model as YAML: lossless, and the starting point for editing a package by hand."""

    name = "yaml"
    description = "Model as YAML (lossless; edit it and read it back)"
    accepts = tuple(DOCUMENT_KINDS.values())
    suffixes = (".yaml", ".yml")

    def export(self, obj: Any, destination: Path, options: Mapping[str, str]) -> None:
        """Write ``obj`` as block-style UTF-8 YAML."""
        destination.write_text(dumps(obj, "yaml"), encoding="utf-8")


@hookimpl
def register_exporters(register: Callable[[Exporter], None]) -> None:
    """Register the YAML exporter."""
    register(YamlExporter())
