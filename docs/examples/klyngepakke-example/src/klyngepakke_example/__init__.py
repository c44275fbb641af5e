"""An example klyngepakke plugin: the topic "eksempel" and a Markdown programme exporter."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, ClassVar

from klyngepakke.exporters import Exporter
from klyngepakke.hookspecs import hookimpl
from klyngepakke.model import Agenda, AgendaItem, ClusterPackage
from klyngepakke.topics import Topic, package_from_resource


@hookimpl
def register_topics(register: Callable[[Topic], None]) -> None:
    """Register the topic "eksempel"; its package is read from package.yaml on first use."""
    register(
        Topic(
            "eksempel",
            "Samarbejde med kommunens akutfunktion (eksempel)",
            package_from_resource(__name__, "package.yaml"),
            description="Et kort eksempel på en klyngepakke.",
        )
    )


class MarkdownProgrammeExporter(Exporter):
    """The programme of a package (or any agenda) as a Markdown table."""

    name = "markdown-programme"
    description = "Programme as a Markdown table"
    accepts = (ClusterPackage, Agenda)
    suffixes = (".md",)
    options: ClassVar[Mapping[str, str]] = {
        "heading": "heading above the table (default: the package title or 'Program')"
    }

    def export(self, obj: Any, destination: Path, options: Mapping[str, str]) -> None:
        """Write the programme of ``obj`` to ``destination`` as Markdown."""
        # A heavier exporter (python-pptx, docx, …) imports its library here, inside the
        # method, so that loading the plugin stays fast for every other command.
        if isinstance(obj, ClusterPackage):
            agenda, default_heading = obj.programme, obj.title
        else:
            agenda, default_heading = obj, "Program"
        lines = [
            f"# {options.get('heading', default_heading)}",
            "",
            "| Tid | Punkt | Type | Ansvarlig |",
            "|---|---|---|---|",
        ]
        for item in agenda.items:
            lines.extend(_rows(item, depth=0))
        if agenda.duration is not None:
            lines += ["", f"I alt {agenda.duration} min."]
        destination.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _rows(item: AgendaItem, depth: int) -> list[str]:
    """One table row for ``item`` and one for each nested item, indented by depth."""
    if item.slot is not None:
        when = str(item.slot)
    elif item.duration is not None:
        when = f"{item.duration} min"
    else:
        when = ""
    title = "&nbsp;&nbsp;" * depth + _cell(item.title)
    row = f"| {when} | {title} | {item.kind.label} | {_cell(item.presenter)} |"
    return [row] + [line for child in item.items for line in _rows(child, depth + 1)]


def _cell(text: str) -> str:
    """Text that cannot break the table."""
    return text.replace("|", "\\|").replace("\n", " ")


@hookimpl
def register_exporters(register: Callable[[Exporter], None]) -> None:
    """Register the Markdown programme exporter."""
    register(MarkdownProgrammeExporter())
