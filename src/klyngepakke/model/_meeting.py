"""Meetings: who came, what was on the agenda, what was decided and who does what by when."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import attrs

from klyngepakke.errors import Problem
from klyngepakke.model._agenda import Agenda
from klyngepakke.model._base import Checked, LabelledEnum, code_problems, text_problems
from klyngepakke.model._people import Organisation, Person


class MeetingKind(LabelledEnum):
    """What sort of meeting this is."""

    CLUSTER_MEETING = "cluster_meeting"
    PRE_MEETING = "pre_meeting"
    MUNICIPAL_GP_COMMITTEE = "municipal_gp_committee"
    STEERING_GROUP = "steering_group"
    OTHER = "other"


MeetingKind._labels = {
    "cluster_meeting": "Klyngemøde",
    "pre_meeting": "Formøde",
    "municipal_gp_committee": "KLU-møde",
    "steering_group": "Klyngestyregruppemøde",
    "other": "Møde",
}


class Attendance(LabelledEnum):
    """Whether and how a participant attended."""

    PRESENT = "present"
    VIRTUAL = "virtual"
    APOLOGIES = "apologies"
    ABSENT = "absent"


Attendance._labels = {
    "present": "Til stede",
    "virtual": "Virtuel deltagelse",
    "apologies": "Afbud",
    "absent": "Fraværende",
}


CHAIR_ROLES = ("ordstyrer", "mødeleder")
"""The roles (:attr:`Participant.role`) that make a participant the chair."""

MINUTE_TAKER_ROLES = ("referent",)
"""The roles that make a participant the minute-taker."""


@attrs.frozen
class Participant(Checked):
    """A person at a meeting; a guest attends only the agenda items in ``guest_items``."""

    person: Person
    attendance: Attendance = Attendance.PRESENT
    role: str = ""
    guest_items: tuple[str, ...] = ()

    @property
    def is_guest(self) -> bool:
        """Guests attend only some items."""
        return bool(self.guest_items)

    @property
    def attends(self) -> bool:
        """Whether the participant is (or is expected to be) there, in person or virtually."""
        return self.attendance in (Attendance.PRESENT, Attendance.VIRTUAL)

    @property
    def roles(self) -> tuple[str, ...]:
        """The roles in ``role`` (comma-separated), lower-cased."""
        return tuple(part.strip().casefold() for part in self.role.split(",") if part.strip())

    @property
    def is_chair(self) -> bool:
        """Whether the participant chairs the meeting (role ``mødeleder`` or ``ordstyrer``)."""
        return bool(set(self.roles) & set(CHAIR_ROLES))

    @property
    def is_minute_taker(self) -> bool:
        """Whether the participant takes the minutes (role ``referent``)."""
        return bool(set(self.roles) & set(MINUTE_TAKER_ROLES))


@attrs.frozen
class Delegation(Checked):
    """An organisation and the people it sends to a meeting."""

    organisation: Organisation
    participants: tuple[Participant, ...] = ()


@attrs.frozen
class Decision(Checked):
    """Something the meeting decided, optionally under a numbered agenda item."""

    text: str
    item: str = ""

    def _check(self) -> Iterator[Problem]:
        yield from text_problems(self.text, "text")


class ActionStatus(LabelledEnum):
    """Where an action item stands."""

    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    CANCELLED = "cancelled"


ActionStatus._labels = {
    "open": "Åben",
    "in_progress": "I gang",
    "done": "Udført",
    "cancelled": "Annulleret",
}


@attrs.frozen
class ActionItem(Checked):
    """Who does what by when; followed up at the next meeting."""

    what: str
    owner: str
    due: dt.date | None = None
    status: ActionStatus = ActionStatus.OPEN
    item: str = ""

    @property
    def is_open(self) -> bool:
        """Whether the action still needs doing (open or in progress)."""
        return self.status in (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)

    def is_overdue(self, today: dt.date) -> bool:
        """Whether the action is still open after its due date."""
        return self.is_open and self.due is not None and self.due < today

    def _check(self) -> Iterator[Problem]:
        yield from text_problems(self.what, "what")
        yield from text_problems(self.owner, "owner")


@attrs.frozen
class Meeting(Checked):
    """A meeting that is planned or was held, with its agenda and outcomes.

    ``recorded_items`` and ``attendance_recorded`` are the state of recording the meeting:
    the agenda items whose decisions and action items have been taken down, and whether
    attendance has been, so an interrupted recording can resume.
    """

    id: str
    title: str
    kind: MeetingKind
    start: dt.datetime
    end: dt.datetime
    place: str = ""
    topic: str = ""
    delegations: tuple[Delegation, ...] = ()
    agenda: Agenda | None = None
    decisions: tuple[Decision, ...] = ()
    action_items: tuple[ActionItem, ...] = ()
    previous: str | None = None
    recorded_items: tuple[str, ...] = ()
    attendance_recorded: bool = False

    @property
    def minutes(self) -> int:
        """Length of the meeting in minutes."""
        return int((self.end - self.start).total_seconds() // 60)

    def participants(self) -> Iterator[Participant]:
        """Everyone invited, across organisations."""
        for delegation in self.delegations:
            yield from delegation.participants

    def participant(self, name: str) -> Participant | None:
        """The participant called ``name`` (ignoring case and extra spaces), if invited."""
        wanted = " ".join(name.split()).casefold()
        for participant in self.participants():
            if " ".join(participant.person.name.split()).casefold() == wanted:
                return participant
        return None

    @property
    def chair(self) -> Participant | None:
        """The first participant with a chair's role, if any."""
        return next((p for p in self.participants() if p.is_chair), None)

    @property
    def minute_taker(self) -> Participant | None:
        """The first participant with the minute-taker's role, if any."""
        return next((p for p in self.participants() if p.is_minute_taker), None)

    def open_action_items(self) -> tuple[ActionItem, ...]:
        """The action items still open or in progress, in order."""
        return tuple(action for action in self.action_items if action.is_open)

    def _check(self) -> Iterator[Problem]:
        yield from code_problems(self.id, "id")
        yield from text_problems(self.title, "title")
        if self.end <= self.start:
            yield Problem(("end",), f"{self.end.isoformat()} is not after {self.start.isoformat()}")
            return
        if self.previous == self.id:
            yield Problem(("previous",), "a meeting cannot follow up on itself")
        numbers = set()
        if self.agenda is not None:
            numbers = {item.number for item in self.agenda.walk() if item.number}
            yield from self._agenda_problems(self.agenda)
        for d, delegation in enumerate(self.delegations):
            for p, participant in enumerate(delegation.participants):
                for g, number in enumerate(participant.guest_items):
                    if self.agenda is not None and number not in numbers:
                        path = ("delegations", d, "participants", p, "guest_items", g)
                        yield Problem(path, f"no agenda item numbered {number!r}")
        for index, decision in enumerate(self.decisions):
            if decision.item and self.agenda is not None and decision.item not in numbers:
                yield Problem(
                    ("decisions", index, "item"), f"no agenda item numbered {decision.item!r}"
                )
        for index, action in enumerate(self.action_items):
            if action.due is not None and action.due < self.start.date():
                yield Problem(
                    ("action_items", index, "due"),
                    f"{action.due.isoformat()} is before the meeting ({self.start:%Y-%m-%d})",
                )
            if action.item and self.agenda is not None and action.item not in numbers:
                yield Problem(
                    ("action_items", index, "item"), f"no agenda item numbered {action.item!r}"
                )
        for index, number in enumerate(self.recorded_items):
            if self.agenda is not None and number not in numbers:
                yield Problem(("recorded_items", index), f"no agenda item numbered {number!r}")

    def _agenda_problems(self, agenda: Agenda) -> Iterator[Problem]:
        if agenda.duration is not None and agenda.duration > self.minutes:
            yield Problem(
                ("agenda",), f"takes {agenda.duration} min but the meeting lasts {self.minutes} min"
            )
        same_day = self.start.date() == self.end.date()
        if agenda.start is not None and same_day and agenda.start < self.start.time():
            yield Problem(
                ("agenda", "start"),
                f"{agenda.start:%H.%M} is before the meeting starts ({self.start:%H.%M})",
            )
        for index, item in enumerate(agenda.items):
            slot = item.slot
            if (
                slot is not None
                and self.start.date() == self.end.date()
                and (slot.start < self.start.time() or slot.end > self.end.time())
            ):
                yield Problem(
                    ("agenda", "items", index, "slot"),
                    f"{slot} is outside the meeting ({self.start:%H.%M}-{self.end:%H.%M})",
                )
