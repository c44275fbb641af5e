"""Document 3: the letter to the municipality, an invitation and fact sheet in one.

It tells the municipality why it is invited, who should come, when, where and for how long,
which talks the programme expects from it and what they might cover (the talk items' points),
and whom to contact. What the bundle lacks (the meeting's date, place, the municipality) is
shown as a marked placeholder, so the letter is never sent with a silent gap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from docx.shared import Pt

from klyngepakke.bundle import MeetingBundle
from klyngepakke.model import AgendaItem, AgendaItemKind, OrganisationKind, Person
from klyngepakke_docx._common import (
    TimedItem,
    meeting_when,
    person_lines,
    programme_times,
    set_bundle_header,
    time_range,
    write_section,
)
from klyngepakke_docx._document import Cell, WordDocument, duration_text

if TYPE_CHECKING:
    from docx.table import _Cell

__all__ = ["municipality_talks", "write_letter"]

_COUNT_WORDS = ("ingen", "ét", "to", "tre", "fire", "fem", "seks", "syv", "otte", "ni", "ti")


def write_letter(doc: WordDocument, bundle: MeetingBundle) -> None:
    """The invitation and fact sheet for the municipality."""
    package = bundle.package
    meeting = bundle.meeting
    municipality = bundle.municipality_name
    cluster = bundle.cluster_name
    set_bundle_header(doc, package.title, bundle)
    doc.set_properties(
        title=f"Invitation til klyngemøde: {package.title}",
        subject="Invitation og faktaark til kommunen",
        keywords=package.topic,
    )
    doc.title(
        f"Invitation til klyngemøde om {_lower_first(package.title)}",
        f"Til {municipality}" if municipality else "Til kommunen",
    )

    doc.paragraph(f"Kære {municipality}" if municipality else "Kære kommune")
    invitation = doc.paragraph()
    doc.add_text(invitation, cluster if cluster else "Kvalitetsklyngen")
    doc.add_text(invitation, " inviterer kommunen til et klyngemøde om ")
    doc.add_text(invitation, _lower_first(package.title))
    if meeting is not None:
        doc.add_text(invitation, f" {meeting_when(meeting.start, meeting.end)}.")
    else:
        doc.add_text(invitation, " ")
        doc.missing("mødets dato og tidspunkt", invitation)
        doc.add_text(invitation, ".")
    doc.add_text(
        invitation,
        f" Mødet varer {duration_text(_minutes(bundle))}, og vi håber, at kommunen vil deltage "
        "og holde oplæg.",
    )
    doc.paragraph(
        "Her er det vigtigste om mødet. I faktaarket på de næste sider kan I læse, hvorfor vi "
        "inviterer jer, hvem vi håber deltager fra kommunen, hvad kommunens oplæg kan handle "
        "om, og hvem I kan kontakte."
    )

    talks = municipality_talks(bundle)
    doc.heading("Mødet kort", 1)
    doc.facts(_facts(doc, bundle, talks), widths=(1, 3))
    closing = doc.paragraph("Med venlig hilsen")
    doc.format_paragraph(closing, space_after=Pt(0))
    doc.paragraph(cluster if cluster else "Kvalitetsklyngen")

    doc.page_break()
    for section in package.municipality_information:
        write_section(doc, section, level=1)
    if talks:
        _talks(doc, bundle, talks)
    _programme(doc, bundle)
    _contacts(doc, bundle)


def _lower_first(text: str) -> str:
    """``Kommunale akutfunktioner`` → ``kommunale akutfunktioner`` (but ``KLU`` stays)."""
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text


def _minutes(bundle: MeetingBundle) -> int:
    return bundle.meeting.minutes if bundle.meeting is not None else bundle.package.meeting_minutes


def _count(number: int) -> str:
    return _COUNT_WORDS[number] if number < len(_COUNT_WORDS) else str(number)


def _timed(bundle: MeetingBundle) -> list[TimedItem]:
    if bundle.meeting is None:
        return []
    return programme_times(bundle.package.programme, bundle.meeting.start)


def municipality_talks(bundle: MeetingBundle) -> list[tuple[AgendaItem, AgendaItem | None]]:
    """The programme's talks given by the municipality, each with its enclosing block."""
    name = bundle.municipality_name.lower()

    def by_municipality(item: AgendaItem) -> bool:
        presenter = item.presenter.strip().lower()
        return bool(presenter) and ("kommun" in presenter or (bool(name) and presenter == name))

    found: list[tuple[AgendaItem, AgendaItem | None]] = []

    def visit(items: tuple[AgendaItem, ...], parent: AgendaItem | None) -> None:
        for item in items:
            if item.kind is AgendaItemKind.TALK and by_municipality(item):
                found.append((item, parent))
            visit(item.items, item if item.kind is AgendaItemKind.BLOCK else parent)

    visit(bundle.package.programme.items, None)
    return found


def _facts(
    doc: WordDocument, bundle: MeetingBundle, talks: list[tuple[AgendaItem, AgendaItem | None]]
) -> list[tuple[str, Cell]]:
    package = bundle.package
    meeting = bundle.meeting

    def missing(what: str) -> Cell:
        def fill(cell: _Cell) -> None:
            doc.missing(what, cell.paragraphs[0])

        return fill

    topic = package.title + (f": {package.subtitle}" if package.subtitle else "")
    facts: list[tuple[str, Cell]] = [("Emne", topic)]
    if meeting is not None:
        facts.append(("Hvornår", meeting_when(meeting.start, meeting.end)))
    else:
        facts.append(("Hvornår", missing("dato og tidspunkt")))
    facts.append(("Varighed", duration_text(_minutes(bundle))))
    facts.append(("Hvor", meeting.place if meeting and meeting.place else missing("mødested")))
    facts.append(("Fra klyngen", bundle.cluster_name or missing("klyngens navn")))
    facts.append(("Kommunen", bundle.municipality_name or missing("kommunens navn")))
    if talks:
        blocks = [block.title for _, block in talks if block is not None]
        where = f" ({'; '.join(blocks)})" if blocks else ""
        facts.append(("Kommunens oplæg", f"{_count(len(talks)).capitalize()} oplæg{where}"))
    return facts


def _talks(
    doc: WordDocument, bundle: MeetingBundle, talks: list[tuple[AgendaItem, AgendaItem | None]]
) -> None:
    timed = {id(entry.item): entry for entry in _timed(bundle)}
    doc.heading("Kommunens oplæg i programmet", 1)
    doc.paragraph(
        f"Programmet lægger op til {_count(len(talks))} oplæg fra kommunen. Punkterne er et "
        "forslag til indholdet; kommunen og klyngen aftaler det endelige indhold sammen."
    )
    for number, (talk, block) in enumerate(talks, start=1):
        heading = f"Oplæg {number}: {block.title}" if block is not None else f"Oplæg {number}"
        doc.heading(heading, 2)
        details: list[str] = [f"Punkt i programmet: {talk.title}"]
        if talk.duration is not None:
            details.append(f"Varighed: ca. {duration_text(talk.duration)}")
        entry = timed.get(id(talk))
        block_entry = timed.get(id(block)) if block is not None else None
        if entry is not None and entry.start is not None and entry.end is not None:
            details.append(f"Tidspunkt: kl. {time_range(entry)}")
        elif block_entry is not None and block_entry.start and block_entry.end:
            details.append(f"I blokken kl. {time_range(block_entry)}")
        for line in details:
            doc.format_paragraph(doc.paragraph(line), space_after=Pt(0), keep_with_next=True)
        if talk.description:
            doc.paragraph(talk.description)
        if talk.points:
            doc.paragraph("Forslag til indhold:", bold=True).paragraph_format.space_before = Pt(6)
            doc.bullets(talk.points)


def _programme(doc: WordDocument, bundle: MeetingBundle) -> None:
    timed = [entry for entry in _timed(bundle) if entry.depth == 0]
    if not timed:
        return
    doc.heading("Program", 1)
    doc.table(
        ("Tid", "Punkt"),
        [(time_range(entry), entry.item.title) for entry in timed],
        widths=(1, 4),
    )


def _contacts(doc: WordDocument, bundle: MeetingBundle) -> None:
    people: list[Person] = []
    meeting = bundle.meeting
    if meeting is not None:
        for delegation in meeting.delegations:
            kind = delegation.organisation.kind
            for participant in delegation.participants:
                if (kind is OrganisationKind.CLUSTER and participant.role) or (
                    kind is OrganisationKind.KIAP
                ):
                    person = participant.person
                    if participant.role:
                        title = (
                            f"{person.title} ({participant.role})"
                            if person.title
                            else participant.role
                        )
                        person = Person(
                            person.name, title, person.organisation, person.email, person.phone
                        )
                    people.append(person)
    people.extend(bundle.package.contacts)
    if not people:
        return
    doc.heading("Kontakt", 1)
    doc.paragraph("Har I spørgsmål til mødet, er I velkomne til at kontakte:")
    for person in people:
        lines = person_lines(person)
        doc.format_paragraph(doc.paragraph(lines[0], bold=True), space_after=Pt(0))
        for number, line in enumerate(lines[1:], start=2):
            paragraph = doc.paragraph(line)
            if number < len(lines):
                doc.format_paragraph(paragraph, space_after=Pt(0))
