"""What several documents share: the page header from a bundle, programme times, people."""

from __future__ import annotations

import datetime as dt

import attrs

from klyngepakke.bundle import MeetingBundle
from klyngepakke.danish import format_date, format_time
from klyngepakke.model import Agenda, AgendaItem, Person, TextSection
from klyngepakke_docx._document import WordDocument

__all__ = [
    "DEFAULT_START",
    "TimedItem",
    "meeting_when",
    "person_lines",
    "programme_times",
    "set_bundle_header",
    "time_range",
    "write_section",
]

DEFAULT_START = dt.time(16, 0)
"""The example start time when a programme has neither a meeting nor a start of its own."""


def set_bundle_header(doc: WordDocument, title: str, bundle: MeetingBundle | None) -> None:
    """The page header: ``title``, the bundle's cluster, and the synthetic mark if it applies."""
    if bundle is None:
        doc.set_page_header(title)
    else:
        doc.set_page_header(title, bundle.cluster_name, synthetic=bundle.is_synthetic)


def meeting_when(start: dt.datetime, end: dt.datetime) -> str:
    """``torsdag 11. marts 2027 kl. 16.00-18.30`` (the end's date too if it is another day)."""
    if start.date() == end.date():
        return (
            f"{format_date(start.date(), weekday=True)} kl. {format_time(start)}–{format_time(end)}"
        )
    return (
        f"{format_date(start.date(), weekday=True)} kl. {format_time(start)} til "
        f"{format_date(end.date(), weekday=True)} kl. {format_time(end)}"
    )


@attrs.frozen
class TimedItem:
    """A programme item with its depth and, where they follow from the durations, clock times."""

    item: AgendaItem
    depth: int
    start: dt.datetime | None
    end: dt.datetime | None


def programme_times(agenda: Agenda, start: dt.datetime) -> list[TimedItem]:
    """Every item of ``agenda``, nested ones too, depth first, timed from ``start``.

    The times are :meth:`Agenda.schedule`'s where they are exact: an item's slot, or the
    durations of the items before it at its level (and its parent's start). Items whose
    times are only a suggestion (a share of a block's remaining time, or after one) or
    unknown have ``None`` times; the documents then give their length, if they have one.
    """
    return [
        TimedItem(entry.item, entry.depth, entry.start(start), entry.end(start))
        if entry.exact
        else TimedItem(entry.item, entry.depth, None, None)
        for entry in agenda.schedule(start.time())
    ]


def time_range(timed: TimedItem) -> str:
    """``16.10–17.15``, ``20 min`` when only the length is known, or ``""``."""
    if timed.start is not None and timed.end is not None:
        return f"{format_time(timed.start)}–{format_time(timed.end)}"
    minutes = timed.item.duration
    return f"{minutes} min" if minutes is not None else ""


def person_lines(person: Person) -> list[str]:
    """A person as lines: name, title, organisation, e-mail, phone (those given)."""
    lines = [person.name]
    if person.title:
        lines.append(person.title)
    if person.organisation:
        lines.append(person.organisation)
    if person.email:
        lines.append(f"E-mail: {person.email}")
    if person.phone:
        lines.append(f"Telefon: {person.phone}")
    return lines


def write_section(doc: WordDocument, section: TextSection, level: int = 2) -> None:
    """A headed text section: its paragraphs, and its bullet lines as a bullet list."""
    doc.heading(section.heading, level)
    for block in section.blocks():
        if isinstance(block, str):
            doc.paragraph(block)
        else:
            doc.bullets(block)
