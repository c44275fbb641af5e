"""Programmes and agendas: timed, numbered, nestable items."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence

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

    def schedule(self, start: dt.time | None = None) -> tuple[ScheduledItem, ...]:
        """Every item, nested ones too, depth first, placed in time from ``start``.

        Items follow one another through their durations; an item with a slot starts at its
        slot (counted from ``start``, by default the agenda's own start; without either, a
        slot gives only a length). Nested items start with the item they are in. Among items
        inside something of known length, one without a length of its own gets what the
        others leave; two or more share it equally in whole minutes (the first ones get the
        odd minutes), and their times are *approximate*, a suggestion, as are the times of
        everything after them until the next slot. An item whose length cannot be worked
        out (nothing to share, or too little) has no length, and those after it no start.
        """
        begins = start if start is not None else self.start
        origin = _minutes_of_day(begins) if begins is not None else None
        return tuple(_scheduled(self.items, _Window(0, self.duration, False, False), origin))

    def _check(self) -> Iterator[Problem]:
        if not self.items:
            yield Problem(("items",), "an agenda needs at least one item")
        if self.minutes is not None:
            yield from positive_problems(self.minutes, "minutes")
        yield from _timing_problems(self.items, self.minutes, self.start, "items")


@attrs.frozen
class ScheduledItem:
    """An agenda item placed in time, as :meth:`Agenda.schedule` gives it.

    ``offset`` is when it starts and ``minutes`` how long it lasts, in minutes from the start
    of the schedule; either is ``None`` when it does not follow from the agenda.
    ``approximate``: the item has no length of its own and shares what the item it is in
    leaves with other such items, so its times are a suggestion. ``after_approximate``: it
    starts after such a share (or inside an item that does), so its clock times are a
    suggestion too even if its length is its own. ``depth`` is 0 for top-level items;
    ``parent`` is the item it is nested in.
    """

    item: AgendaItem
    depth: int
    offset: int | None
    minutes: int | None
    approximate: bool = False
    after_approximate: bool = False
    parent: AgendaItem | None = None

    @property
    def exact(self) -> bool:
        """Start and length are known and follow from the agenda alone, with no share."""
        return (
            self.offset is not None
            and self.minutes is not None
            and not self.approximate
            and not self.after_approximate
        )

    def start(self, at: dt.datetime | None) -> dt.datetime | None:
        """When the item starts if the schedule starts ``at``; ``None`` when unknown."""
        if at is None or self.offset is None:
            return None
        return at + dt.timedelta(minutes=self.offset)

    def end(self, at: dt.datetime | None) -> dt.datetime | None:
        """When the item ends if the schedule starts ``at``; ``None`` when unknown."""
        begins = self.start(at)
        if begins is None or self.minutes is None:
            return None
        return begins + dt.timedelta(minutes=self.minutes)


@attrs.frozen
class _Window:
    """Where a level of items is placed: its start, length, and whether they are estimates."""

    offset: int | None
    minutes: int | None
    approximate: bool
    after_approximate: bool


def _scheduled(
    items: Sequence[AgendaItem],
    window: _Window,
    origin: int | None,
    depth: int = 0,
    parent: AgendaItem | None = None,
) -> Iterator[ScheduledItem]:
    offset, after_approximate = window.offset, window.after_approximate
    sharing = _sharing(items, window.minutes)
    # one item gets exactly what is left, unless what is left is itself an estimate
    estimated = sharing > 1 or window.approximate
    for item, (minutes, shared) in zip(items, _lengths(items, window.minutes), strict=True):
        if item.slot is not None and origin is not None:
            offset, after_approximate = _minutes_of_day(item.slot.start) - origin, False
        approximate = shared and estimated
        scheduled = ScheduledItem(
            item, depth, offset, minutes, approximate, after_approximate, parent
        )
        yield scheduled
        yield from _scheduled(
            item.items,
            _Window(offset, minutes, approximate, after_approximate),
            origin,
            depth + 1,
            item,
        )
        offset = None if offset is None or minutes is None else offset + minutes
        after_approximate = after_approximate or approximate


def _sharing(items: Sequence[AgendaItem], total: int | None) -> int:
    """How many items share the time the others leave of ``total`` (0 if it cannot be shared)."""
    unknown = sum(1 for item in items if item.duration is None)
    if not unknown or total is None:
        return 0
    left = total - sum(item.duration or 0 for item in items)
    return unknown if left >= unknown else 0


def _lengths(items: Sequence[AgendaItem], total: int | None) -> list[tuple[int | None, bool]]:
    """Each item's minutes and whether they are a share of what the others leave of ``total``."""
    lengths: list[tuple[int | None, bool]] = [(item.duration, False) for item in items]
    sharing = _sharing(items, total)
    if not sharing or total is None:
        return lengths
    left = total - sum(minutes for minutes, _ in lengths if minutes is not None)
    each, odd = divmod(left, sharing)
    place = 0
    for index, (minutes, _) in enumerate(lengths):
        if minutes is None:
            lengths[index] = (each + (1 if place < odd else 0), True)
            place += 1
    return lengths
