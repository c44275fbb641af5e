"""The package's recommendations as a checklist: the table, and the document for the meeting.

:func:`recommendation_table` draws one table of ☐ / Anbefaling / Hvem rows, with a shaded row
for each group's heading; the package document uses it for its chapter on the
recommendations. :func:`write_recommendations` is the ``recommendations`` document: the
checklist to print for the pre-meeting and the meeting, with room to note what to work on.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Final

from klyngepakke.bundle import MeetingBundle
from klyngepakke.errors import ExportError
from klyngepakke.model import ClusterPackage, Recommendation, group_recommendations
from klyngepakke_docx._common import meeting_when, set_bundle_header
from klyngepakke_docx._document import (
    CHECKBOX,
    TITLE_COLOUR,
    Cell,
    WordDocument,
    merge_row,
    shade_cell,
)

if TYPE_CHECKING:
    from docx.table import Table

__all__ = [
    "package_recommendations",
    "recommendation_table",
    "source_note",
    "write_recommendations",
]

GROUP_FILL: Final = "DEEAF6"
"""The shading of a group's heading row: a light tint of the accent colour."""

NOTE_LINES: Final = 6
"""Lines to write on under "Det vil vi arbejde videre med"."""


def write_recommendations(
    doc: WordDocument, package: ClusterPackage, *, bundle: MeetingBundle | None = None
) -> None:
    """The checklist of ``package``'s recommendations, for the meeting in ``bundle`` if given."""
    if not package.recommendations:
        raise ExportError(
            f"document=recommendations: the package {package.topic!r} has no recommendations "
            "(ClusterPackage.recommendations is empty); add them to the package file under "
            "'recommendations:', or choose another document"
        )
    set_bundle_header(doc, package.title, bundle)
    title = "Tjekliste med anbefalingerne"
    doc.set_properties(title=f"{title}: {package.title}", subject=title, keywords=package.topic)
    meeting = bundle.meeting if bundle is not None else None
    doc.title(title, package.title)
    facts: list[tuple[str, Cell]] = []
    if meeting is not None:
        facts.append(("Mødet", meeting_when(meeting.start, meeting.end)))
        if meeting.place:
            facts.append(("Sted", meeting.place))
    if bundle is not None and bundle.cluster_name:
        facts.append(("Klynge", bundle.cluster_name))
    if bundle is not None and bundle.municipality_name:
        facts.append(("Kommune", bundle.municipality_name))
    if facts:
        doc.facts(facts, widths=(1, 3))
    doc.paragraph(
        "Gå anbefalingerne igennem sammen. Sæt kryds ved det, der allerede er på plads, og vælg, "
        "hvad I vil arbejde videre med. „Hvem“ er dem, anbefalingen er til."
    )
    package_recommendations(doc, package)
    doc.heading("Det vil vi arbejde videre med", 2)
    doc.note("Hvad gør vi, hvem gør det, og hvornår følger vi op?")
    for _ in range(NOTE_LINES):
        doc.answer_line()


def package_recommendations(doc: WordDocument, package: ClusterPackage) -> None:
    """All of ``package``'s recommendations as a table, and where they come from below it.

    One shared reference is named once under the table; several are cited in each row.
    """
    cite = len({r.reference for r in package.recommendations} - {None}) > 1
    recommendation_table(doc, package.recommendations, cite=cite)
    note = source_note(package)
    if note:
        doc.note(note)


def recommendation_table(
    doc: WordDocument, recommendations: Sequence[Recommendation], *, cite: bool = False
) -> Table:
    """A ☐ / Anbefaling / Hvem table, grouped by ``group`` under shaded heading rows.

    With ``cite``, each recommendation ends with its reference number, ``(1)``.
    """
    rows: list[tuple[Cell, Cell, Cell]] = []
    group_rows: list[int] = []
    for group, members in group_recommendations(recommendations):
        if group:
            group_rows.append(len(rows) + 1)  # row 0 is the header
            rows.append((group, "", ""))
        for recommendation in members:
            text = recommendation.text
            if cite and recommendation.reference is not None:
                text = f"{text} ({recommendation.reference})"
            rows.append((CHECKBOX, text, recommendation.responsible_label))
    table = doc.table(
        ("", "Anbefaling", "Hvem"), rows, widths=(0.9, 11.5, 4.2), centre_columns=(0,)
    )
    for index in group_rows:
        _make_group_row(doc, table, index)
    return table


def source_note(package: ClusterPackage) -> str:
    """The line "Kilde: …" when every recommendation comes from one reference, else ``""``."""
    numbers = {r.reference for r in package.recommendations}
    if len(numbers) != 1:
        return ""
    (number,) = numbers
    if number is None:
        return ""
    reference = package.references[number - 1]
    origin = f", {reference.source}" if reference.source else ""
    return f"Kilde: {reference.title}{origin}."


def _make_group_row(doc: WordDocument, table: Table, index: int) -> None:
    """Merge a group's row into one shaded, bold cell that stays with the next row."""
    merged = merge_row(table, index)
    paragraph = merged.paragraphs[0]
    doc.format_paragraph(paragraph, centre=False, keep_with_next=True)
    doc.format_runs(paragraph, bold=True, colour=TITLE_COLOUR)
    shade_cell(merged, GROUP_FILL)
