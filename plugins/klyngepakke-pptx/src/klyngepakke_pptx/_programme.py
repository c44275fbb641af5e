"""Clock times for every programme item, counted from the meeting's start.

Items are timed in programme order from their durations (:attr:`AgendaItem.duration`).
Inside an item with a known length, the items without a length of their own share what the
others leave of it equally, in whole minutes (the first ones get the odd minutes). When two or
more items share, their times are *estimated* and the deck says "ca."; a single item without a
length simply gets the rest. Items whose length cannot be worked out at all have no times.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence

import attrs

from klyngepakke.model import Agenda, AgendaItem, AgendaItemKind

__all__ = ["TimedItem", "schedule"]


@attrs.frozen
class TimedItem:
    """A programme item with its place in time (minutes from the meeting's start).

    ``offset`` and ``minutes`` are ``None`` when unknown; ``estimated`` when the length is a
    share of the enclosing item's remaining time. ``depth`` is 0 for top-level items;
    ``parent`` is the enclosing item (a block), if any.
    """

    item: AgendaItem
    depth: int
    offset: int | None
    minutes: int | None
    estimated: bool = False
    parent: AgendaItem | None = None

    def start(self, meeting_start: dt.datetime | None) -> dt.datetime | None:
        """The clock time the item starts, given the meeting's start."""
        if meeting_start is None or self.offset is None:
            return None
        return meeting_start + dt.timedelta(minutes=self.offset)

    def end(self, meeting_start: dt.datetime | None) -> dt.datetime | None:
        """The clock time the item ends, given the meeting's start."""
        start = self.start(meeting_start)
        if start is None or self.minutes is None:
            return None
        return start + dt.timedelta(minutes=self.minutes)


def schedule(agenda: Agenda) -> tuple[TimedItem, ...]:
    """Every item of ``agenda`` (nested ones too, depth first) with its times."""
    return tuple(_timed(agenda.items, 0, 0, agenda.duration, None))


def _timed(
    items: Sequence[AgendaItem],
    depth: int,
    offset: int | None,
    total: int | None,
    parent: AgendaItem | None,
) -> Iterator[TimedItem]:
    shares = _shares(items, total)
    for item, (minutes, estimated) in zip(items, shares, strict=True):
        yield TimedItem(item, depth, offset, minutes, estimated, parent)
        enclosing = item if item.kind is AgendaItemKind.BLOCK or parent is None else parent
        yield from _timed(item.items, depth + 1, offset, minutes, enclosing)
        offset = None if offset is None or minutes is None else offset + minutes


def _shares(items: Sequence[AgendaItem], total: int | None) -> list[tuple[int | None, bool]]:
    """Each item's minutes and whether they are estimated."""
    known = [item.duration for item in items]
    unknown = [index for index, minutes in enumerate(known) if minutes is None]
    shares: list[tuple[int | None, bool]] = [(minutes, False) for minutes in known]
    if not unknown or total is None:
        return shares
    left = total - sum(minutes for minutes in known if minutes is not None)
    if left < len(unknown):
        return shares
    each, odd = divmod(left, len(unknown))
    for place, index in enumerate(unknown):
        shares[index] = (each + (1 if place < odd else 0), len(unknown) > 1)
    return shares
