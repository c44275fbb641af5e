"""Word documents for klyngepakke: one exporter, ``docx``, for every document a meeting needs.

The document follows from the object, and from the option ``document`` for a meeting bundle:

================  =================================================================
object            document
================  =================================================================
ClusterPackage    the package (klyngepakken, the background document);
                  ``document=recommendations``: the checklist of its recommendations
RunbookPlan       the runbook with real dates
MeetingBundle     ``document=letter`` (default): the letter to the municipality;
                  ``package``, ``runbook``, ``questionnaire``, ``results``, ``minutes``,
                  ``recommendations``
Questionnaire     the printable questionnaire
Meeting           the minutes
================  =================================================================

python-docx is imported only when a document is written (in :mod:`klyngepakke_docx._exporter`
and the modules it loads), so loading the plugin stays cheap.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, ClassVar

from klyngepakke.bundle import MeetingBundle
from klyngepakke.exporters import Exporter
from klyngepakke.hookspecs import hookimpl
from klyngepakke.model import ClusterPackage, Meeting, Questionnaire
from klyngepakke.planning import RunbookPlan

__all__ = ["DocxExporter", "convert_to_pdf", "register_exporters"]


class DocxExporter(Exporter):
    """Word documents (.docx) in real Word styles, on the built-in or the user's template."""

    name = "docx"
    description = (
        "Word document: package, runbook, letter to the municipality, questionnaire, minutes, "
        "results or the checklist of recommendations"
    )
    accepts = (ClusterPackage, RunbookPlan, MeetingBundle, Questionnaire, Meeting)
    suffixes = (".docx",)
    options: ClassVar[Mapping[str, str]] = {
        "document": (
            "for a meeting bundle: letter (default), package, runbook, questionnaire, results, "
            "minutes or recommendations (the checklist of the package's recommendations, also "
            "for a package)"
        ),
        "template": "a Word document or template (.docx/.dotx) whose styles and page set-up to use",
        "update_fields": (
            "yes: fill in the table of contents with LibreOffice (soffice) before saving; "
            "otherwise Word fills it in when the document is opened"
        ),
    }

    def export(self, obj: Any, destination: Path, options: Mapping[str, str]) -> None:
        """Write the document for ``obj`` to ``destination``."""
        from klyngepakke_docx._exporter import export_document

        export_document(obj, destination, options)


def convert_to_pdf(document: str | Path, pdf: str | Path, *, timeout: float = 180) -> Path:
    """Convert a ``.docx`` to PDF with headless LibreOffice, table of contents filled in.

    Needs ``soffice`` on the PATH; raises :class:`~klyngepakke.errors.ExportError` if it is
    missing or the conversion fails. Returns ``pdf``.
    """
    from klyngepakke_docx._libreoffice import update_document

    return update_document(document, pdf, pdf=True, timeout=timeout)


@hookimpl
def register_exporters(register: Callable[[Exporter], None]) -> None:
    """Register the ``docx`` exporter."""
    register(DocxExporter())
