"""Built-in plugin: write any top-level model object as JSON."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from klyngepakke.conversion import DOCUMENT_KINDS, dumps
from klyngepakke.exporters import Exporter
from klyngepakke.hookspecs import hookimpl


class JsonExporter(Exporter):
    """The model as JSON: lossless, for other tools."""

    name = "json"
    description = "Model as JSON (lossless; reads back with validate/show/export)"
    accepts = tuple(DOCUMENT_KINDS.values())
    suffixes = (".json",)

    def export(self, obj: Any, destination: Path, options: Mapping[str, str]) -> None:
        """Write ``obj`` as indented UTF-8 JSON."""
        destination.write_text(dumps(obj, "json"), encoding="utf-8")


@hookimpl
def register_exporters(register: Callable[[Exporter], None]) -> None:
    """Register the JSON exporter."""
    register(JsonExporter())
