"""A meeting as a calendar: the meeting as an event with its attendees, each action item a to-do.

The event (``VEVENT``) carries the participants as ``ATTENDEE`` properties: the chair with
``ROLE=CHAIR``, guests for some items with ``ROLE=OPT-PARTICIPANT``, everyone else
``REQ-PARTICIPANT``; apologies are ``PARTSTAT=DECLINED``, present and virtual participants
``ACCEPTED`` and absent ones ``NEEDS-ACTION`` (they never answered). A participant without an
e-mail address gets a stable ``urn:uuid:`` address instead of ``mailto:``. The chair is also
the ``ORGANIZER``. The description holds the agenda and who chairs, takes the minutes, sent
apologies or joins as a guest.

Each action item is a to-do (``VTODO``) with its due date, status, owner and
``RELATED-TO`` the meeting's event.

UIDs come from the meeting id (the event) and the action item's text (a to-do), never from
times, so a rescheduled meeting keeps them. The event's UID is the one the runbook calendar
gives a plan dated with the same meeting id, so both files describe the same entry.

``SEQUENCE`` tells a calendar app which version of an entry is newer. Given the calendar
written before (``previous``), every entry that is in it keeps its sequence number, raised by
one when it changed in a way that matters: the event's start, end or location, a to-do's due
date or status. ``sequence`` sets the event's number directly instead.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from icalendar import Calendar, Component, Event, Todo

from klyngepakke.danish import format_date, format_time
from klyngepakke.errors import ExportError
from klyngepakke.model import (
    ActionItem,
    ActionStatus,
    AgendaItem,
    Attendance,
    Meeting,
    Participant,
)
from klyngepakke.planning import COPENHAGEN
from klyngepakke_calendar._calendar import (
    UID_NAMESPACE,
    identify,
    new_calendar,
    serialise,
    stable_uid,
    utc_stamp,
)

__all__ = ["action_uid", "attendee_address", "meeting_calendar", "meeting_uid"]

PARTSTAT = {
    Attendance.PRESENT: "ACCEPTED",
    Attendance.VIRTUAL: "ACCEPTED",
    Attendance.APOLOGIES: "DECLINED",
    Attendance.ABSENT: "NEEDS-ACTION",
}
"""RFC 5545 participation status for each attendance."""

TODO_STATUS = {
    ActionStatus.OPEN: "NEEDS-ACTION",
    ActionStatus.IN_PROGRESS: "IN-PROCESS",
    ActionStatus.DONE: "COMPLETED",
    ActionStatus.CANCELLED: "CANCELLED",
}
"""RFC 5545 to-do status for each action item status."""

Fingerprint = tuple[Any, ...]
"""What must change to raise an entry's sequence number: times and place, or due date and status."""


def meeting_uid(meeting: Meeting) -> str:
    """The UID of the meeting's event: ``meeting-id/meeting`` hashed, as the runbook's."""
    return stable_uid(meeting.id, "meeting")


def action_uid(meeting: Meeting, index: int) -> str:
    """The UID of the to-do for ``meeting.action_items[index]``.

    The name hashed is ``meeting-id/action/text``, the text with its spaces and case
    evened out; a second action item with the same text adds ``#2``, and so on.
    """
    keys = list(_action_keys(meeting.action_items))
    return stable_uid(meeting.id, "action", keys[index])


def attendee_address(meeting: Meeting, participant: Participant) -> str:
    """``mailto:`` the participant's e-mail, or a ``urn:uuid:`` made from meeting and name."""
    if participant.person.email:
        return f"mailto:{participant.person.email}"
    name = " ".join(participant.person.name.split()).casefold()
    return f"urn:uuid:{uuid.uuid5(UID_NAMESPACE, f'{meeting.id}/attendee/{name}')}"


def meeting_calendar(
    meeting: Meeting,
    *,
    now: dt.datetime | None = None,
    previous: bytes | None = None,
    previous_name: str = "the previous calendar",
    sequence: int | None = None,
) -> bytes:
    """``meeting`` as an RFC 5545 calendar, UTF-8 encoded.

    ``now`` is the DTSTAMP of every entry (the current time if not given). ``previous`` is
    the calendar written before for this meeting (named ``previous_name`` in errors), from
    which sequence numbers are carried on; ``sequence`` sets the event's instead.
    """
    if previous is not None and sequence is not None:
        raise ExportError("give the previous calendar or a sequence number, not both")
    if sequence is not None and sequence < 0:
        raise ExportError(f"the sequence number must be 0 or more, got {sequence}")
    stamp = utc_stamp(now)
    start, end = _danish(meeting.start), _danish(meeting.end)
    dues = [action.due.year for action in meeting.action_items if action.due is not None]
    calendar = new_calendar(
        meeting.title, COPENHAGEN, range(start.year, max([end.year, *dues]) + 1)
    )
    earlier = _entries(previous, previous_name) if previous is not None else None
    event_uid = meeting_uid(meeting)
    todo_uids = [action_uid(meeting, index) for index in range(len(meeting.action_items))]
    if earlier is not None and not ({event_uid, *todo_uids} & set(earlier)):
        raise ExportError(
            f"{previous_name} has no entry of meeting {meeting.id!r} (UID {event_uid}); "
            "is it the calendar of another meeting?"
        )

    def numbered(uid: str, fingerprint: Fingerprint) -> int:
        if earlier is None or uid not in earlier:
            return 0
        old_sequence, old_fingerprint = earlier[uid]
        return old_sequence + (old_fingerprint != fingerprint)

    event_fingerprint = _event_fingerprint(start, end, meeting.place)
    event_sequence = sequence if sequence is not None else numbered(event_uid, event_fingerprint)
    calendar.add_component(_event(meeting, event_uid, stamp, event_sequence, start, end))
    for action, uid in zip(meeting.action_items, todo_uids, strict=True):
        todo_sequence = numbered(uid, _todo_fingerprint(action.due, TODO_STATUS[action.status]))
        calendar.add_component(_todo(meeting, action, uid, event_uid, stamp, todo_sequence))
    return serialise(calendar)


def _danish(moment: dt.datetime) -> dt.datetime:
    """The model's naive times are Danish local time; zoned ones are shown in Danish time."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=COPENHAGEN)
    return moment.astimezone(COPENHAGEN)


def _action_keys(actions: Iterable[ActionItem]) -> Iterator[str]:
    seen: dict[str, int] = {}
    for action in actions:
        key = " ".join(action.what.split()).casefold()
        seen[key] = seen.get(key, 0) + 1
        yield key if seen[key] == 1 else f"{key}#{seen[key]}"


# -- the event --------------------------------------------------------------------------------


def _event(
    meeting: Meeting,
    uid: str,
    stamp: dt.datetime,
    sequence: int,
    start: dt.datetime,
    end: dt.datetime,
) -> Event:
    event = identify(Event(), uid, stamp, sequence)
    event.add("summary", meeting.title)
    event.add("dtstart", start)
    event.add("dtend", end)
    if meeting.place.strip():
        event.add("location", meeting.place)
    event.add("categories", [meeting.kind.label])
    description = _description(meeting)
    if description:
        event.add("description", description)
    chair = meeting.chair
    if chair is not None:  # RFC 5545 wants an organizer wherever there are attendees
        event.add(
            "organizer", attendee_address(meeting, chair), parameters={"CN": chair.person.name}
        )
    for participant in meeting.participants():
        event.add(
            "attendee",
            attendee_address(meeting, participant),
            parameters={
                "CN": participant.person.name,
                "CUTYPE": "INDIVIDUAL",
                "ROLE": _role(participant),
                "PARTSTAT": PARTSTAT[participant.attendance],
            },
        )
    return event


def _role(participant: Participant) -> str:
    if participant.is_chair:
        return "CHAIR"
    if participant.is_guest:
        return "OPT-PARTICIPANT"
    return "REQ-PARTICIPANT"


def _description(meeting: Meeting) -> str:
    """The agenda, then who chairs, takes minutes, sent apologies, joins online or as guest."""
    paragraphs = []
    if meeting.agenda is not None:
        lines = ["Dagsorden:"]
        lines.extend(_agenda_lines(meeting.agenda.items, 0))
        paragraphs.append("\n".join(lines))
    people = []
    for label, participant in (("Mødeleder", meeting.chair), ("Referent", meeting.minute_taker)):
        if participant is not None:
            people.append(f"{label}: {participant.person.name}")
    for label, attendance in (
        ("Afbud", Attendance.APOLOGIES),
        ("Deltager virtuelt", Attendance.VIRTUAL),
    ):
        names = [p.person.name for p in meeting.participants() if p.attendance is attendance]
        if names:
            people.append(f"{label}: {_listing(names)}")
    guests = [
        f"{p.person.name} (pkt. {', '.join(p.guest_items)})"
        for p in meeting.participants()
        if p.is_guest
    ]
    if guests:
        people.append(f"{'Gæster' if len(guests) > 1 else 'Gæst'}: {_listing(guests)}")
    if people:
        paragraphs.append("\n".join(people))
    return "\n\n".join(paragraphs)


def _agenda_lines(items: Iterable[AgendaItem], depth: int) -> Iterator[str]:
    for item in items:
        details = []
        if item.slot is not None:
            details.append(f"kl. {format_time(item.slot.start)}-{format_time(item.slot.end)}")
        elif item.minutes is not None:
            details.append(f"{item.minutes} min")
        if item.purpose is not None:
            details.append(item.purpose.label.lower())
        if item.presenter:
            details.append(f"v. {item.presenter}")
        number = item.number
        if number:
            number = f"{number} " if number.endswith((".", ")")) else f"{number}. "
        lead = "   " * depth + ("- " if depth else "")
        suffix = f" ({', '.join(details)})" if details else ""
        yield f"{lead}{number}{item.title}{suffix}"
        yield from _agenda_lines(item.items, depth + 1)


def _listing(names: list[str]) -> str:
    """``A``, ``A og B``, ``A, B og C``."""
    if len(names) == 1:
        return names[0]
    return f"{', '.join(names[:-1])} og {names[-1]}"


# -- the to-dos -------------------------------------------------------------------------------


def _todo(
    meeting: Meeting,
    action: ActionItem,
    uid: str,
    event_uid: str,
    stamp: dt.datetime,
    sequence: int,
) -> Todo:
    todo = identify(Todo(), uid, stamp, sequence)
    todo.add("summary", action.what)
    if action.due is not None:
        todo.add("due", action.due)
    todo.add("status", TODO_STATUS[action.status])
    lines = [
        f"Ansvarlig: {action.owner}",
        f"Fra: {meeting.title}, {format_date(meeting.start.date())}",
    ]
    item = _item_numbered(meeting, action.item)
    if item is not None:
        lines.append(f"Punkt {action.item.rstrip('.)')}: {item.title}")
    elif action.item:
        lines.append(f"Punkt {action.item}")
    todo.add("description", "\n".join(lines))
    todo.add("related-to", event_uid)
    return todo


def _item_numbered(meeting: Meeting, number: str) -> AgendaItem | None:
    if not number or meeting.agenda is None:
        return None
    return next((item for item in meeting.agenda.walk() if item.number == number), None)


# -- the calendar written before --------------------------------------------------------------


def _event_fingerprint(start: dt.datetime, end: dt.datetime, place: str) -> Fingerprint:
    return (_instant(start), _instant(end), place.strip())


def _todo_fingerprint(due: dt.date | None, status: str) -> Fingerprint:
    return (due, status)


def _instant(moment: Any) -> Any:
    if isinstance(moment, dt.datetime):
        return _danish(moment).astimezone(dt.UTC)
    return moment


def _entries(data: bytes, name: str) -> Mapping[str, tuple[int, Fingerprint]]:
    """Each event's and to-do's sequence number and fingerprint in a calendar, by UID."""
    try:
        calendar = Calendar.from_ical(data)
    except ValueError as exc:
        raise ExportError(f"{name}: not an iCalendar file ({exc})") from None
    found: dict[str, tuple[int, Fingerprint]] = {}
    for component in calendar.walk():
        if component.name not in ("VEVENT", "VTODO") or "UID" not in component:
            continue
        try:
            found[str(component["UID"])] = (
                _sequence(component),
                _fingerprint_of(component),
            )
        except (ValueError, TypeError, KeyError) as exc:
            raise ExportError(
                f"{name}: the {component.name} {component['UID']} cannot be read ({exc})"
            ) from None
    return found


def _sequence(component: Component) -> int:
    if "SEQUENCE" not in component:
        return 0
    return int(component.decoded("SEQUENCE"))


def _fingerprint_of(component: Component) -> Fingerprint:
    def decoded(name: str) -> Any:
        return component.decoded(name) if name in component else None

    if component.name == "VEVENT":
        location = str(component.get("LOCATION", ""))
        return (_instant(decoded("DTSTART")), _instant(decoded("DTEND")), location.strip())
    due = decoded("DUE")
    if isinstance(due, dt.datetime):
        due = due.date()
    return _todo_fingerprint(due, str(component.get("STATUS", "")))
