"""PowerPoint export for klyngepakke: the cluster meeting's deck.

``klyngepakke export bundle.yaml --format pptx -o deck.pptx`` uses the ``pptx`` exporter
registered here. It accepts a :class:`~klyngepakke.bundle.MeetingBundle` or a bare
:class:`~klyngepakke.model.ClusterPackage` (a bundle with only the package: every other part
becomes a marked placeholder slide). python-pptx is imported only when a deck is written,
so loading the plugin stays cheap.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, ClassVar

from klyngepakke.bundle import MeetingBundle
from klyngepakke.exporters import Exporter
from klyngepakke.hookspecs import hookimpl
from klyngepakke.model import ClusterPackage

__all__ = ["PptxExporter", "register_exporters"]


class PptxExporter(Exporter):
    """A meeting bundle (or a package alone) as the meeting's PowerPoint deck."""

    name = "pptx"
    description = "PowerPoint deck for the cluster meeting: programme, results, notes"
    accepts = (MeetingBundle, ClusterPackage)
    suffixes = (".pptx",)
    options: ClassVar[Mapping[str, str]] = {
        "template": "PATH to a .pptx or .potx whose layouts and theme the deck uses",
        "notes": "no: leave out the speaker notes for the chair (default yes)",
    }

    def export(self, obj: Any, destination: Path, options: Mapping[str, str]) -> None:
        """Write the deck for ``obj`` to ``destination``."""
        from klyngepakke_pptx._deck import write_deck

        bundle = obj if isinstance(obj, MeetingBundle) else MeetingBundle(package=obj)
        write_deck(bundle, destination, options)


@hookimpl
def register_exporters(register: Callable[[Exporter], None]) -> None:
    """Register the ``pptx`` exporter."""
    register(PptxExporter())
