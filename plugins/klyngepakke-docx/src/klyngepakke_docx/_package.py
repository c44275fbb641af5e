"""Document 1: the package (klyngepakken), the background document for the meeting."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from docx.shared import Pt

from klyngepakke.bundle import MeetingBundle
from klyngepakke.danish import format_amount, format_date, format_time
from klyngepakke.model import AgendaItemKind, ClusterPackage, ServiceCode
from klyngepakke.planning import COPENHAGEN
from klyngepakke_docx._common import (
    DEFAULT_START,
    TimedItem,
    meeting_when,
    programme_times,
    set_bundle_header,
    time_range,
    write_section,
)
from klyngepakke_docx._document import Cell, WordDocument, duration_text
from klyngepakke_docx._recommendations import package_recommendations

if TYPE_CHECKING:
    from docx.table import _Cell

__all__ = ["write_package"]


def write_package(
    doc: WordDocument, package: ClusterPackage, *, bundle: MeetingBundle | None = None
) -> None:
    """The package: purpose, background, materials, programme, data, follow-up, references."""
    set_bundle_header(doc, package.title, bundle)
    doc.set_properties(title=package.title, subject="Klyngepakke", keywords=package.topic)
    doc.title(package.title, package.subtitle)
    facts: list[tuple[str, Cell]] = [
        ("Klyngepakke", f"Version {package.version}"),
        ("Mødets varighed", duration_text(package.meeting_minutes)),
    ]
    meeting = bundle.meeting if bundle is not None else None
    if meeting is not None:
        facts.append(("Mødet", meeting_when(meeting.start, meeting.end)))
        if meeting.place:
            facts.append(("Sted", meeting.place))
    if bundle is not None and bundle.cluster_name:
        facts.append(("Klynge", bundle.cluster_name))
    if bundle is not None and bundle.municipality_name:
        facts.append(("Kommune", bundle.municipality_name))
    doc.facts(facts, widths=(1, 3))
    doc.table_of_contents(levels=2)
    doc.page_break()

    doc.heading("Formål", 1)
    doc.paragraphs(package.purpose)
    if package.background:
        doc.heading("Baggrund", 1)
        for section in package.background:
            write_section(doc, section)
    _recommendations(doc, package)
    _materials(doc, package)
    _programme(doc, package, bundle)
    _reflection_questions(doc, package)
    _data_sources(doc, package)
    if package.follow_up:
        doc.heading("Opfølgning", 1)
        for section in package.follow_up:
            write_section(doc, section)
    _references(doc, package)
    _reviewers(doc, package)
    if package.contacts:
        doc.heading("Kontakt", 1)
        for person in package.contacts:
            doc.format_paragraph(doc.paragraph(person.name, bold=True), space_after=Pt(0))
            details = [person.title]
            details += [f"E-mail: {person.email}" if person.email else ""]
            details += [f"Telefon: {person.phone}" if person.phone else ""]
            for line in filter(None, details):
                doc.format_paragraph(doc.paragraph(line), space_after=Pt(0))


def _recommendations(doc: WordDocument, package: ClusterPackage) -> None:
    if not package.recommendations:
        return
    doc.heading("Anbefalinger", 1)
    doc.paragraph(
        "Her er pakkens anbefalinger samlet, hver med hvem den er til. Brug dem som tjekliste: "
        "sæt kryds ved det, der allerede er på plads, og vælg, hvad I vil arbejde videre med."
    )
    package_recommendations(doc, package)


def _materials(doc: WordDocument, package: ClusterPackage) -> None:
    if not package.materials:
        return
    doc.heading("Materiale og support fra KiAP", 1)
    doc.paragraph("KiAP leverer dette til klyngen og kommunen:")
    for material in package.materials:
        paragraph = doc.paragraph(style="List Bullet")
        if material.url:
            doc.hyperlink(paragraph, material.title, material.url)
        else:
            doc.add_text(paragraph, material.title, bold=True)
        if material.description:
            doc.add_text(paragraph, f": {' '.join(material.description.split())}")


def _programme(doc: WordDocument, package: ClusterPackage, bundle: MeetingBundle | None) -> None:
    doc.heading("Program", 1)
    meeting = bundle.meeting if bundle is not None else None
    if meeting is not None:
        start = meeting.start
        doc.paragraph(
            f"Mødet varer {duration_text(package.meeting_minutes)} og holdes "
            f"{meeting_when(meeting.start, meeting.end)}."
        )
    else:
        start_time = package.programme.start or DEFAULT_START
        start = dt.datetime.combine(dt.date(2000, 1, 3), start_time, COPENHAGEN)
        example = (
            ""
            if package.programme.start
            else " Tiderne er et eksempel; ret dem til jeres mødetidspunkt."
        )
        doc.paragraph(
            f"Mødet varer {duration_text(package.meeting_minutes)} og begynder her kl. "
            f"{format_time(start)}.{example}"
        )
    rows = [
        _programme_row(doc, package, timed) for timed in programme_times(package.programme, start)
    ]
    doc.table(("Tid", "Punkt", "Indhold", "Ansvarlig"), rows, widths=(2.3, 4.6, 8, 2.6))


def _programme_row(
    doc: WordDocument, package: ClusterPackage, timed: TimedItem
) -> tuple[Cell, Cell, Cell, Cell]:
    item = timed.item
    top = timed.depth == 0

    def point(cell: _Cell) -> None:
        prefix = "" if top else "– "
        doc.cell_text(cell, prefix + item.title, bold=top)
        label = item.kind.label
        shown = item.kind not in (AgendaItemKind.OTHER, AgendaItemKind.BLOCK)
        if shown and not top and label.lower() != item.title.lower():
            doc.cell_text(cell, label, italic=True, new_paragraph=True)

    def content(cell: _Cell) -> None:
        if item.description:
            doc.cell_text(cell, item.description)
        doc.cell_bullets(cell, item.points)
        if any(package.shown_recommendations(name) for name in item.shows):
            doc.cell_text(
                cell, "Tjeklisten med anbefalingerne står i kapitlet „Anbefalinger“.", italic=True
            )

    return (time_range(timed), point, content, item.presenter)


def _reflection_questions(doc: WordDocument, package: ClusterPackage) -> None:
    items = [item for item in package.programme.walk() if item.reflection_questions]
    if not items:
        return
    doc.heading("Refleksionsspørgsmål", 1)
    doc.paragraph("Forslag til spørgsmål, der kan sætte gang i dialogen i hver blok.")
    for item in items:
        doc.heading(item.title, 2)
        doc.bullets(item.reflection_questions)


def _data_sources(doc: WordDocument, package: ClusterPackage) -> None:
    if not (package.data_sources or package.service_codes or package.metrics):
        return
    doc.heading("Data til mødet", 1)
    for source in package.data_sources:
        doc.heading(source.title, 2)
        if source.description:
            doc.paragraph(source.description)
        doc.note(f"Datakilde: {source.kind.label}")
    for service in package.service_codes:
        _service(doc, service)
    for metric in package.metrics:
        doc.heading(metric.title, 2)
        if metric.description:
            doc.paragraph(metric.description)
        codes = ", ".join(metric.service_codes)
        doc.note(
            f"Opgørelse: ydelse {codes} pr. {metric.per} {metric.denominator.label} over "
            f"{metric.period_months} måneder"
        )


def _service(doc: WordDocument, service: ServiceCode) -> None:
    doc.heading(f"Ydelse {service.code}: {service.name}", 2)
    if service.description:
        doc.paragraph(service.description)
    facts: list[tuple[str, Cell]] = []
    for fee in service.fees:
        amount = format_amount(fee.amount, "kr." if fee.currency == "DKK" else fee.currency)
        facts.append(("Honorar", f"{amount} fra {format_date(fee.valid_from)}"))
    for limit in service.limits:
        per_patient = " pr. patient" if limit.per_patient else ""
        times = "gang" if limit.max_count == 1 else "gange"
        facts.append(
            ("Grænse", f"Højst {limit.max_count} {times} pr. {limit.per.label}{per_patient}")
        )
    if facts:
        doc.facts(facts, widths=(1, 4))


def _references(doc: WordDocument, package: ClusterPackage) -> None:
    if not package.references:
        return
    doc.heading("Referencer", 1)
    paragraphs = doc.numbered([""] * len(package.references))
    for paragraph, reference in zip(paragraphs, package.references, strict=True):
        doc.add_text(paragraph, reference.title, links=False)
        if reference.source:
            doc.add_text(paragraph, f". {reference.source}", links=False)
        if reference.url:
            doc.add_text(paragraph, ". ")
            doc.hyperlink(paragraph, reference.url, reference.url)


def _reviewers(doc: WordDocument, package: ClusterPackage) -> None:
    if not (package.reviewers or package.reviewing_organisations):
        return
    doc.heading("Faglig gennemlæsning", 1)
    if package.reviewers:
        doc.paragraph("Klyngepakken er gennemlæst af:")
        doc.bullets(
            f"{person.name}, {person.title}" if person.title else person.name
            for person in package.reviewers
        )
    if package.reviewing_organisations:
        organisations = list(package.reviewing_organisations)
        listed = (
            ", ".join(organisations[:-1]) + " og " + organisations[-1]
            if len(organisations) > 1
            else organisations[0]
        )
        doc.paragraph(f"Desuden har repræsentanter fra {listed} givet input til pakken.")
