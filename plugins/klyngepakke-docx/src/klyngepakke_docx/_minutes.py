"""Document 5: the minutes (referat) of a meeting.

Title, time and place; who attended, grouped by organisation with their titles; apologies;
guests with the items they attended; every agenda item with its number, time, recommendations
(indstilling), case presentation (sagsfremstilling), attachments (bilag) as links and decision
(beslutning); the action items (what, who, by when, status) in a table whose header row repeats
on every page; and the next meeting.

The model links a meeting only backwards (:attr:`~klyngepakke.model.Meeting.previous`), so the
next meeting is known only when the caller passes it (``next_meeting``, a meeting whose
``previous`` is this one); without it the section is a marked placeholder.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from klyngepakke.bundle import MeetingBundle
from klyngepakke.danish import format_date
from klyngepakke.errors import ExportError
from klyngepakke.model import (
    ActionItem,
    AgendaItem,
    Attachment,
    Attendance,
    Decision,
    Delegation,
    Meeting,
    OrganisationKind,
    Participant,
    TextSection,
)
from klyngepakke_docx._common import meeting_when, programme_times, set_bundle_header, time_range
from klyngepakke_docx._document import Cell, WordDocument

if TYPE_CHECKING:
    from docx.table import _Cell

__all__ = ["write_minutes"]

_ATTENDED = (Attendance.PRESENT, Attendance.VIRTUAL)


def write_minutes(
    doc: WordDocument,
    meeting: Meeting,
    *,
    bundle: MeetingBundle | None = None,
    next_meeting: Meeting | None = None,
) -> None:
    """The minutes of ``meeting``; ``next_meeting`` is the one that follows it, if known.

    Raises :class:`~klyngepakke.errors.ExportError` when ``next_meeting`` does not follow up
    on ``meeting`` (its ``previous`` is another meeting's id).
    """
    if next_meeting is not None and next_meeting.previous not in (None, meeting.id):
        raise ExportError(
            f"next meeting {next_meeting.id!r}: its previous is {next_meeting.previous!r}, not "
            f"{meeting.id!r}, so it does not follow the meeting these minutes are of"
        )
    if bundle is not None:
        set_bundle_header(doc, f"Referat: {meeting.title}", bundle)
    else:
        doc.set_page_header(f"Referat: {meeting.title}", _cluster_name(meeting))
    doc.set_properties(
        title=f"Referat: {meeting.title}",
        subject="Referat",
        keywords=", ".join(filter(None, (meeting.kind.label, meeting.topic))),
    )
    doc.title(meeting.title, f"Referat · {format_date(meeting.start.date(), weekday=True)}")
    doc.facts(_facts(doc, meeting), widths=(1, 3))
    doc.table_of_contents(levels=1)
    _participants(doc, meeting)
    _agenda(doc, meeting)
    _other_decisions(doc, meeting)
    _action_items(doc, meeting)
    _next_meeting(doc, next_meeting)


def _cluster_name(meeting: Meeting) -> str:
    for delegation in meeting.delegations:
        if delegation.organisation.kind is OrganisationKind.CLUSTER:
            return delegation.organisation.name
    return ""


def _facts(doc: WordDocument, meeting: Meeting) -> list[tuple[str, Cell]]:
    facts: list[tuple[str, Cell]] = [
        ("Møde", meeting.kind.label),
        ("Tid", meeting_when(meeting.start, meeting.end)),
        ("Sted", meeting.place or _missing(doc, "mødested")),
    ]
    for label, role in (("Mødeleder", "mødeleder"), ("Referent", "referent")):
        names = [p.person.name for p in meeting.participants() if _has_role(p, role)]
        if names:
            facts.append((label, _joined(names)))
    if meeting.previous:
        facts.append(("Opfølgning på", f"mødet {meeting.previous}"))
    return facts


def _has_role(participant: Participant, role: str) -> bool:
    roles = {part.strip().lower() for part in participant.role.split(",")}
    synonyms = {"mødeleder": {"mødeleder", "ordstyrer"}, "referent": {"referent"}}
    return bool(roles & synonyms[role])


def _missing(doc: WordDocument, what: str) -> Cell:
    def fill(cell: _Cell) -> None:
        doc.missing(what, cell.paragraphs[0])

    return fill


def _joined(parts: Sequence[str]) -> str:
    """``a``, ``a og b``, ``a, b og c``."""
    if len(parts) <= 1:
        return "".join(parts)
    return f"{', '.join(parts[:-1])} og {parts[-1]}"


# -- participants ---------------------------------------------------------------------------


def _person_text(participant: Participant, delegation: Delegation, *, with_role: bool) -> str:
    """Name, title and (when it says more than the delegation) organisation; role in brackets."""
    person = participant.person
    parts = [person.name, person.title]
    if person.organisation and person.organisation != delegation.organisation.name:
        parts.append(person.organisation)
    text = ", ".join(part for part in parts if part)
    if with_role and participant.role:
        text += f" ({participant.role})"
    if participant.attendance is Attendance.VIRTUAL:
        text += " – virtuel deltagelse"
    return text


def _with_organisation(participant: Participant, delegation: Delegation) -> str:
    text = _person_text(participant, delegation, with_role=False)
    if not participant.person.organisation:
        text += f", {delegation.organisation.name}"
    return text


def _items_text(numbers: Iterable[str]) -> str:
    """``pkt. 4``, ``pkt. 5 og 6``."""
    return f"pkt. {_joined(list(numbers))}"


def _participants(doc: WordDocument, meeting: Meeting) -> None:
    doc.heading("Deltagere", 1)
    if not meeting.delegations:
        doc.missing("deltagere: angiv de deltagende organisationer og personer")
        return
    rows: list[Sequence[Cell]] = []
    absent: dict[Attendance, list[str]] = {Attendance.APOLOGIES: [], Attendance.ABSENT: []}
    guests: list[Sequence[Cell]] = []
    for delegation in meeting.delegations:
        attending = []
        for participant in delegation.participants:
            if participant.attendance in absent:
                text = _with_organisation(participant, delegation)
                if participant.is_guest:
                    text += f" (gæst, {_items_text(participant.guest_items)})"
                absent[participant.attendance].append(text)
            elif participant.is_guest:
                guests.append(_guest_row(participant, delegation))
            else:
                attending.append(_person_text(participant, delegation, with_role=True))
        if attending:
            rows.append((delegation.organisation.name, _lines(doc, attending)))
    if rows:
        doc.table(("Organisation", "Til stede"), rows, widths=(1, 2.4))
    else:
        doc.paragraph("Ingen medlemmer er noteret som til stede.")
    for attendance, heading in ((Attendance.APOLOGIES, "Afbud"), (Attendance.ABSENT, "Fraværende")):
        if absent[attendance]:
            doc.heading(heading, 2)
            doc.bullets(absent[attendance])
    if guests:
        doc.heading("Gæster", 2)
        doc.table(("Gæst", "Titel og organisation", "Deltog i"), guests, widths=(1.3, 2.2, 1))


def _guest_row(participant: Participant, delegation: Delegation) -> Sequence[Cell]:
    person = participant.person
    organisation = person.organisation or delegation.organisation.name
    details = ", ".join(part for part in (person.title, organisation) if part)
    attended = _items_text(participant.guest_items)
    if participant.attendance is Attendance.VIRTUAL:
        attended += " – virtuel deltagelse"
    return (person.name, details, attended)


def _lines(doc: WordDocument, lines: Sequence[str]) -> Cell:
    def fill(cell: _Cell) -> None:
        for line in lines:
            doc.cell_text(cell, line)

    return fill


# -- agenda ---------------------------------------------------------------------------------


def _agenda(doc: WordDocument, meeting: Meeting) -> None:
    if meeting.agenda is None:
        doc.heading("Dagsorden", 1)
        doc.missing("dagsorden: angiv mødets punkter")
        return
    decisions = _by_item(meeting.decisions)
    for timed in programme_times(meeting.agenda, meeting.start):
        level = min(timed.depth + 1, 3)
        times = time_range(timed)
        if timed.start is not None and timed.end is not None:
            times = f"kl. {times}"
        _item(doc, timed.item, level, times, decisions.get(timed.item.number, []))


def _by_item(decisions: Iterable[Decision]) -> dict[str, list[Decision]]:
    found: dict[str, list[Decision]] = {}
    for decision in decisions:
        if decision.item:
            found.setdefault(decision.item, []).append(decision)
    return found


def _item(
    doc: WordDocument, item: AgendaItem, level: int, times: str, decisions: Sequence[Decision]
) -> None:
    doc.heading(f"Punkt {item.number}: {item.title}" if item.number else item.title, level)
    details = []
    if times:
        details.append(times)
    if item.presenter:
        details.append(f"v. {item.presenter}")
    if details:
        doc.format_paragraph(doc.note(" · ".join(details)), keep_with_next=True)
    part = min(level + 1, 3)
    if item.description or item.points:
        _text(doc, item.description)
        doc.bullets(item.points)
    if item.recommendations:
        doc.heading("Indstilling", part)
        doc.bullets(item.recommendations)
    if item.case_presentation.strip():
        doc.heading("Sagsfremstilling", part)
        _text(doc, item.case_presentation)
    if item.attachments:
        doc.heading("Bilag", part)
        _attachments(doc, item.attachments)
    if item.decision.strip() or decisions:
        doc.heading("Beslutning", part)
        _text(doc, item.decision)
        doc.bullets(decision.text for decision in decisions)


def _text(doc: WordDocument, text: str) -> None:
    """Paragraphs separated by blank lines, and ``- `` lines as bullets (as in a TextSection)."""
    if not text.strip():
        return
    for block in TextSection("tekst", text).blocks():
        if isinstance(block, str):
            doc.paragraph(block)
        else:
            doc.bullets(block)


def _attachments(doc: WordDocument, attachments: Sequence[Attachment]) -> None:
    items = doc.bullets("" for _ in attachments)
    for paragraph, attachment in zip(items, attachments, strict=True):
        if attachment.url:  # the model allows only http(s) links
            doc.hyperlink(paragraph, attachment.title, attachment.url)
        else:
            doc.add_text(paragraph, attachment.title)


def _other_decisions(doc: WordDocument, meeting: Meeting) -> None:
    numbers = {item.number for item in meeting.agenda.walk()} if meeting.agenda else set()
    others = [d for d in meeting.decisions if not d.item or d.item not in numbers]
    if others:
        doc.heading("Øvrige beslutninger", 1)
        doc.bullets(
            f"{decision.text} ({_items_text([decision.item])})" if decision.item else decision.text
            for decision in others
        )


# -- action items and the next meeting ------------------------------------------------------


def _action_items(doc: WordDocument, meeting: Meeting) -> None:
    doc.heading("Handlinger", 1)
    actions = meeting.action_items
    if not actions:
        doc.paragraph("Der er ikke noteret nogen handlinger.")
        return
    with_items = any(action.item for action in actions)
    header = ("Hvad", "Hvem", "Hvornår", "Status", *(("Punkt",) if with_items else ()))
    widths = (4, 2, 1.6, 1.1, *((0.8,) if with_items else ()))
    doc.table(header, [_action_row(action, with_items) for action in actions], widths=widths)


def _action_row(action: ActionItem, with_item: bool) -> Sequence[Cell]:
    due = format_date(action.due) if action.due is not None else "Ikke fastsat"
    row: list[Cell] = [action.what, action.owner, due, action.status.label]
    if with_item:
        row.append(action.item)
    return row


def _next_meeting(doc: WordDocument, next_meeting: Meeting | None) -> None:
    doc.heading("Næste møde", 1)
    if next_meeting is None:
        doc.missing("dato, tid og sted for næste møde")
        return
    facts: list[tuple[str, Cell]] = [
        ("Møde", next_meeting.title),
        ("Tid", meeting_when(next_meeting.start, next_meeting.end)),
        ("Sted", next_meeting.place or _missing(doc, "mødested")),
    ]
    doc.facts(facts, widths=(1, 3))
