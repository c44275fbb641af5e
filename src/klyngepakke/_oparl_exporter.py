"""Built-in plugin: write a meeting as JSON shaped after OParl 1.1 (``--format oparl``).

Its suffix is ``.json``, like the plain JSON exporter's, so a ``.json`` output file alone
does not pick it: ask for it by name. :mod:`klyngepakke.oparl` is imported only on export.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, ClassVar

from klyngepakke.errors import ExportError
from klyngepakke.exporters import Exporter
from klyngepakke.hookspecs import hookimpl
from klyngepakke.model import Meeting


class OparlExporter(Exporter):
    """A meeting as OParl 1.1 JSON, for council information systems and other tools."""

    name = "oparl"
    description = "Meeting as JSON shaped after OParl 1.1 (reads back with klyngepakke.oparl)"
    accepts = (Meeting,)
    suffixes = (".json",)
    options: ClassVar[Mapping[str, str]] = {
        "base": "URI prefix of the object ids, ending in / or : (default urn:klyngepakke:)",
    }

    def export(self, obj: Any, destination: Path, options: Mapping[str, str]) -> None:
        """Write the meeting ``obj`` as indented UTF-8 JSON."""
        from klyngepakke.oparl import DEFAULT_BASE, dumps_oparl

        base = options.get("base", DEFAULT_BASE)
        try:
            text = dumps_oparl(obj, base=base)
        except ValueError as exc:
            raise ExportError(f"option base: {exc}") from None
        destination.write_text(text, encoding="utf-8")


@hookimpl
def register_exporters(register: Callable[[Exporter], None]) -> None:
    """Register the OParl exporter."""
    register(OparlExporter())
