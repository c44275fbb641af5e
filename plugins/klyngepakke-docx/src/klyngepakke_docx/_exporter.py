"""Which document an object gives, and writing it: the work behind the ``docx`` exporter.

:data:`DOCUMENTS` is the dispatch table: each document name maps to the module and function
that writes it. Writers are imported only when their document is asked for. A writer is
called as ``write(doc, source, bundle=bundle)``, where ``doc`` is a fresh
:class:`~klyngepakke_docx._document.WordDocument`, ``source`` the object the document is
about (see :data:`DOCUMENTS`), and ``bundle`` the :class:`~klyngepakke.bundle.MeetingBundle`
it came from, or ``None`` when the user exported the object itself. A writer whose source
is the bundle itself (the letter, the results) is called as ``write(doc, bundle)``. A writer
fills the document (header, title, contents); the exporter opens the template, saves, and
optionally fills in the table of contents with LibreOffice.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import attrs

from klyngepakke.bundle import MeetingBundle
from klyngepakke.errors import ExportError
from klyngepakke.exporters import option_flag
from klyngepakke.model import ClusterPackage, Meeting, Questionnaire
from klyngepakke.planning import RunbookPlan

__all__ = ["DOCUMENTS", "DocumentKind", "choose_document", "export_document"]


@attrs.frozen
class DocumentKind:
    """A document the exporter can write: its writer and what it is about."""

    name: str
    module: str
    function: str
    source: str
    """What ``source`` is when the writer is called (for messages and docs)."""
    title: str
    """The document's Danish name, for the file's properties."""

    def writer(self) -> Callable[..., None]:
        """The writing function, imported now."""
        module = importlib.import_module(self.module)
        writer: Callable[..., None] = getattr(module, self.function)
        return writer


DOCUMENTS: Mapping[str, DocumentKind] = {
    kind.name: kind
    for kind in (
        DocumentKind(
            "package", "klyngepakke_docx._package", "write_package", "ClusterPackage", "Klyngepakke"
        ),
        DocumentKind(
            "runbook", "klyngepakke_docx._runbook", "write_runbook", "RunbookPlan", "Drejebog"
        ),
        DocumentKind(
            "letter",
            "klyngepakke_docx._letter",
            "write_letter",
            "MeetingBundle",
            "Invitation og faktaark til kommunen",
        ),
        DocumentKind(
            "questionnaire",
            "klyngepakke_docx._questionnaire",
            "write_questionnaire",
            "Questionnaire",
            "Spørgeskema",
        ),
        DocumentKind(
            "results",
            "klyngepakke_docx._results",
            "write_results",
            "MeetingBundle",
            "Resultater",
        ),
        DocumentKind("minutes", "klyngepakke_docx._minutes", "write_minutes", "Meeting", "Referat"),
        DocumentKind(
            "recommendations",
            "klyngepakke_docx._recommendations",
            "write_recommendations",
            "ClusterPackage",
            "Tjekliste med anbefalingerne",
        ),
    )
}
"""Every document, by the name the ``document`` option takes."""

DEFAULT_BUNDLE_DOCUMENT = "letter"


def choose_document(obj: Any, options: Mapping[str, str]) -> tuple[DocumentKind, Any]:
    """The document for ``obj`` and the ``source`` its writer gets.

    A meeting bundle gives every document; a package gives itself (the default) or its
    ``recommendations`` checklist; for the other objects the ``document`` option may name
    their one document, or be left out.
    """
    asked = options.get("document", "").strip().lower()
    if asked and asked not in DOCUMENTS:
        known = ", ".join(DOCUMENTS)
        raise ExportError(f"option document={options['document']!r} is not one of: {known}")
    if isinstance(obj, MeetingBundle):
        name = asked or DEFAULT_BUNDLE_DOCUMENT
        return DOCUMENTS[name], _bundle_source(obj, name)
    own = {
        ClusterPackage: "package",
        RunbookPlan: "runbook",
        Questionnaire: "questionnaire",
        Meeting: "minutes",
    }
    name = next((own[kind] for kind in own if isinstance(obj, kind)), "")
    if not name:
        raise ExportError(f"the 'docx' exporter cannot write a {type(obj).__name__}")
    if asked == "recommendations" and isinstance(obj, ClusterPackage):
        return DOCUMENTS[asked], obj
    if asked and asked != name:
        raise ExportError(
            f"option document={asked!r} needs a meeting bundle; a {type(obj).__name__} gives "
            f"only the {name!r} document (leave the option out)"
        )
    return DOCUMENTS[name], obj


def _bundle_source(bundle: MeetingBundle, name: str) -> Any:
    if name in ("package", "recommendations"):
        return bundle.package
    if name == "runbook":
        if bundle.plan is None:
            raise ExportError(
                "document=runbook: the meeting bundle has no dated plan (bundle.plan); plan the "
                "runbook from the meeting date ('klyngepakke plan … --json') and add it with "
                "'klyngepakke bundle … --plan PLAN'"
            )
        return bundle.plan
    if name == "questionnaire":
        if bundle.package.questionnaire is None:
            raise ExportError(
                f"document=questionnaire: the package {bundle.package.topic!r} has no questionnaire"
            )
        return bundle.package.questionnaire
    if name == "minutes":
        if bundle.meeting is None:
            raise ExportError(
                "document=minutes: the meeting bundle has no meeting (bundle.meeting); add it "
                "with 'klyngepakke bundle … --meeting MEETING'"
            )
        return bundle.meeting
    return bundle


def export_document(obj: Any, destination: Path, options: Mapping[str, str]) -> None:
    """Write the document for ``obj`` (see :func:`choose_document`) to ``destination``."""
    from klyngepakke_docx._document import open_document

    kind, source = choose_document(obj, options)
    bundle = obj if isinstance(obj, MeetingBundle) else None
    writer = kind.writer()
    template = options.get("template", "").strip()
    update = option_flag(options, "update_fields")
    doc = open_document(Path(template).expanduser() if template else None)
    if kind.source == "MeetingBundle":
        writer(doc, source)
    else:
        writer(doc, source, bundle=bundle)
    if not doc.document.core_properties.title:
        doc.set_properties(title=kind.title)
    doc.save(destination)
    if update:
        from klyngepakke_docx._libreoffice import update_document

        update_document(destination, destination)
