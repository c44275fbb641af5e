"""Programmes and agendas: timed, numbered, nestable items."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import attrs

from klyngepakke.errors import PathPart, Problem
from klyngepakke.model._base import Checked, LabelledEnum, positive_problems, text_problems


class AgendaItemKind(LabelledEnum):
    """What happens in an agenda item."""

    INTRODUCTION = "introduction"
    BLOCK = "block"
    TALK = "talk"
    DATA_REVIEW = "data_review"
    PLENARY_DIALOGUE = "plenary_dialogue"
    GROUP_WORK = "group_work"
    BREAK = "break"
    OTHER = "other"


AgendaItemKind._labels = {
    "introduction": "Introduktion",
    "block": "Blok",
    "talk": "Oplæg",
    "data_review": "Gennemgang af data",
    "plenary_dialogue": "Fælles dialog",
    "group_work": "Gruppearbejde",
    "break": "Pause",
    "other": "Punkt",
}


class ItemPurpose(LabelledEnum):
    """What a meeting is asked to do with an item (OParl's consultation role)."""

    DECISION = "decision"
    ORIENTATION = "orientation"
    DISCUSSION = "discussion"


ItemPurpose._labels = {
    "decision": "Til beslutning",
    "orientation": "Til orientering",
    "discussion": "Til drøftelse",
}


def _minutes_of_day(moment: dt.time) -> int:
    return moment.hour * 60 + moment.minute


def _clock(minutes_of_day: int) -> str:
    return f"{minutes_of_day // 60:02d}.{minutes_of_day % 60:02d}"


@attrs.frozen
class TimeSlot(Checked):
    """A clock-time interval within one day, such as 11.05–11.15."""

    start: dt.time
    end: dt.time

    @property
    def minutes(self) -> int:
        """Length of the slot in whole minutes."""
        return _minutes_of_day(self.end) - _minutes_of_day(self.start)

    def _check(self) -> Iterator[Problem]:
        if self.end <= self.start:
            yield Problem(
                ("end",),
                f"{self.end.isoformat('minutes')} is not after {self.start.isoformat('minutes')}",
            )

    def __str__(self) -> str:
        return f"{self.start:%H.%M}-{self.end:%H.%M}"


@attrs.frozen
class Attachment(Checked):
    """A bilag: a document that belongs to an agenda item, by title and optional link.

    The link, when given, is an http(s) URL without spaces, as for a package's materials:
    documents and exports turn it into a hyperlink.
    """

    title: str
    url: str = ""

    def _check(self) -> Iterator[Problem]:
        # Imported here: _package imports this module, so a module-level import would be
        # circular; both are loaded before any attachment is made.
        from klyngepakke.model._package import url_problems

        yield from text_problems(self.title, "title")
        yield from url_problems(self.url, "url")


@attrs.frozen
class AgendaItem(Checked):
    """One item of a programme or agenda; blocks hold nested items.

    ``minutes`` is the item's own duration; ``slot`` its clock times. Either, both (they must
    agree) or neither may be given. Nested items must fit inside their parent. ``shows``
    names the results presented in this item: questionnaire section codes and metric ids of
    the package (a package checks that they exist). ``purpose`` says whether the item is for
    decision, orientation or discussion, when the agenda says so.
    """

    title: str
    kind: AgendaItemKind = AgendaItemKind.OTHER
    number: str = ""
    presenter: str = ""
    purpose: ItemPurpose | None = None
    minutes: int | None = None
    slot: TimeSlot | None = None
    description: str = ""
    points: tuple[str, ...] = ()
    reflection_questions: tuple[str, ...] = ()
    recommendations: tuple[str, ...] = ()
    case_presentation: str = ""
    decision: str = ""
    attachments: tuple[Attachment, ...] = ()
    shows: tuple[str, ...] = ()
    items: tuple[AgendaItem, ...] = ()

    @property
    def duration(self) -> int | None:
        """Minutes this item takes: its own, its slot's, or the sum of its nested items'."""
        if self.minutes is not None:
            return self.minutes
        if self.slot is not None:
            return self.slot.minutes
        return _sum_known(self.items)

    def walk(self) -> Iterator[AgendaItem]:
        """Yield this item and all nested items, depth first."""
        yield self
        for item in self.items:
            yield from item.walk()

    def _check(self) -> Iterator[Problem]:
        yield from text_problems(self.title, "title")
        if self.minutes is not None:
            yield from positive_problems(self.minutes, "minutes")
            if self.slot is not None and self.slot.minutes != self.minutes:
                yield Problem(
                    ("minutes",),
                    f"{self.minutes} does not match the slot {self.slot} ({self.slot.minutes} min)",
                )
        own = (
            self.minutes if self.minutes is not None else (self.slot.minutes if self.slot else None)
        )
        yield from _timing_problems(
            self.items, own, self.slot.start if self.slot else None, "items"
        )


def _sum_known(items: tuple[AgendaItem, ...]) -> int | None:
    durations = [item.duration for item in items]
    if not durations or any(d is None for d in durations):
        return None
    return sum(d for d in durations if d is not None)


def _timing_problems(
    items: tuple[AgendaItem, ...], total: int | None, start: dt.time | None, field: str
) -> Iterator[Problem]:
    """Durations add up to ``total``; slots are in order, do not overlap and fit the window."""
    known = [item.duration for item in items]
    if total is not None and items:
        summed = sum(d for d in known if d is not None)
        if None not in known and summed != total:
            yield Problem((field,), f"durations add up to {summed} min, expected {total} min")
        elif summed > total:
            yield Problem((field,), f"durations add up to more than {total} min ({summed} min)")
    previous: tuple[int, TimeSlot] | None = None
    window_start = _minutes_of_day(start) if start is not None else None
    for index, item in enumerate(items):
        if item.slot is None:
            continue
        path: tuple[PathPart, ...] = (field, index, "slot")
        begins, ends = _minutes_of_day(item.slot.start), _minutes_of_day(item.slot.end)
        if previous is not None and begins < _minutes_of_day(previous[1].end):
            yield Problem(path, f"{item.slot} overlaps item {previous[0]} ({previous[1]})")
        if (
            window_start is not None
            and total is not None
            and (begins < window_start or ends > window_start + total)
        ):
            window = f"{_clock(window_start)}-{_clock(window_start + total)}"
            yield Problem(path, f"{item.slot} is outside {window}")
        previous = (index, item.slot)
    numbers = [(i, item.number) for i, item in enumerate(items) if item.number]
    seen: dict[str, int] = {}
    for index, number in numbers:
        if number in seen:
            yield Problem(
                (field, index, "number"),
                f"duplicate item number {number!r} (also item {seen[number]})",
            )
        seen.setdefault(number, index)


@attrs.frozen
class Agenda(Checked):
    """A programme (for a package) or an agenda (for a meeting).

    ``minutes`` is the meeting length the items must add up to; ``start`` the clock time the
    meeting starts, which slots must fit after.
    """

    items: tuple[AgendaItem, ...]
    minutes: int | None = None
    start: dt.time | None = None

    @property
    def duration(self) -> int | None:
        """The meeting length, or the sum of the items' durations when not given."""
        return self.minutes if self.minutes is not None else _sum_known(self.items)

    def walk(self) -> Iterator[AgendaItem]:
        """Every item, nested ones included, depth first."""
        for item in self.items:
            yield from item.walk()

    def _check(self) -> Iterator[Problem]:
        if not self.items:
            yield Problem(("items",), "an agenda needs at least one item")
        if self.minutes is not None:
            yield from positive_problems(self.minutes, "minutes")
        yield from _timing_problems(self.items, self.minutes, self.start, "items")
