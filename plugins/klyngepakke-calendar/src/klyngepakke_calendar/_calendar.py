"""Building blocks every calendar of this plugin shares: stable UIDs, stamps, the VCALENDAR.

Only the classic ``Component.add`` API is used, so any ``icalendar`` from 6.1 on works.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import TypeVar
from zoneinfo import ZoneInfo

from icalendar import Calendar, Component, Timezone

__all__ = [
    "PRODID",
    "UID_NAMESPACE",
    "identify",
    "new_calendar",
    "serialise",
    "stable_uid",
    "utc_stamp",
]

PRODID = "-//KiAP//klyngepakke//DA"

UID_NAMESPACE = uuid.UUID("5d7fa7fc-ec69-537d-8c89-53ffb5fb737c")
"""Namespace of every UID this plugin writes.

It is ``uuid5(NAMESPACE_URL, "https://kiap.dk/klyngepakke/calendar")``, written out so it
can never drift: change it and every calendar imported before gets its entries twice.
"""

UID_DOMAIN = "klyngepakke"

_ComponentT = TypeVar("_ComponentT", bound=Component)


def stable_uid(*parts: str) -> str:
    """A UID that is the same on every run and machine for the same ``parts``.

    The parts are joined with ``/``; e.g. ``stable_uid(topic, start, "todo", task_id)``.
    """
    return f"{uuid.uuid5(UID_NAMESPACE, '/'.join(parts))}@{UID_DOMAIN}"


def utc_stamp(now: dt.datetime | None = None) -> dt.datetime:
    """``now`` (a naive value is taken as UTC), or the current time, in whole UTC seconds."""
    moment = now if now is not None else dt.datetime.now(dt.UTC)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).replace(microsecond=0)


def new_calendar(name: str, zone: ZoneInfo, years: range) -> Calendar:
    """An empty VCALENDAR called ``name``, holding the VTIMEZONE for ``zone`` in ``years``.

    The VTIMEZONE comes first, before anything that refers to it (some clients need that),
    and covers only ``years``, which keeps it short and the same on every run.
    """
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("name", name)  # RFC 7986's name for X-WR-CALNAME
    calendar.add_component(
        Timezone.from_tzinfo(
            zone,
            tzid=zone.key,
            first_date=dt.date(years.start, 1, 1),
            last_date=dt.date(years.stop, 1, 1),
        )
    )
    return calendar


def identify(
    component: _ComponentT, uid: str, stamp: dt.datetime, sequence: int = 0
) -> _ComponentT:
    """Give ``component`` the UID, DTSTAMP and SEQUENCE every event and to-do needs."""
    component.add("uid", uid)
    component.add("dtstamp", stamp)
    component.add("sequence", sequence)
    return component


def serialise(calendar: Calendar) -> bytes:
    """The calendar as UTF-8 bytes: CRLF line ends, lines folded at 75 octets."""
    data: bytes = calendar.to_ical()
    return data
