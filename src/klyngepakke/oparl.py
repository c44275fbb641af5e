"""A meeting as JSON shaped after OParl 1.1, and back.

`OParl <https://oparl.org>`_ is the German standard for council information systems. One file
holds one meeting: the OParl ``Meeting`` with its embedded ``AgendaItem``, ``File`` and
``Location`` objects, and beside it the ``Organization``, ``Person`` (with embedded
``Membership``) and ``Consultation`` objects the meeting refers to. What OParl has no place for
(action items, attendance, guests, the agenda's own timing, decisions not tied to an item) is
kept in properties prefixed ``klyngepakke:``, which OParl's rule of extensibility allows and
other readers skip. :func:`dump_oparl` and :func:`load_oparl` round-trip every
:class:`~klyngepakke.model.Meeting` exactly; ``docs/interchange.md`` documents the mapping.

Only the standard library and klyngepakke's core are used: no other package is needed.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Final, TypeVar
from urllib.parse import quote, unquote

from klyngepakke.errors import DocumentError, ModelError, PathPart, Problem, format_path
from klyngepakke.model import (
    ActionItem,
    ActionStatus,
    Agenda,
    AgendaItem,
    AgendaItemKind,
    Attachment,
    Attendance,
    Decision,
    Delegation,
    ItemPurpose,
    LabelledEnum,
    Meeting,
    MeetingKind,
    Organisation,
    OrganisationKind,
    Participant,
    Person,
    TimeSlot,
)
from klyngepakke.model._base import CODE_PATTERN
from klyngepakke.planning import COPENHAGEN

__all__ = [
    "DEFAULT_BASE",
    "EXTENSION_PREFIX",
    "FORMAT_VERSION",
    "OPARL_VERSION",
    "UNPLACED_ORGANISATION",
    "dump_oparl",
    "dumps_oparl",
    "load_oparl",
]

OPARL_VERSION: Final = "https://schema.oparl.org/1.1/"
"""The OParl version the files follow; object types are this URL plus the type name."""

DEFAULT_BASE: Final = "urn:klyngepakke:"
"""Object ids start with this unless another base is given, e.g. ``https://ris.example.dk/``."""

EXTENSION_PREFIX: Final = "klyngepakke:"
"""Prefix of every property OParl does not define."""

FORMAT_VERSION: Final = 1
"""Version of the klyngepakke extension, written as ``klyngepakke:version``."""

UNPLACED_ORGANISATION: Final = "Øvrige deltagere"
"""Delegation for participants of another system's file who belong to none of its bodies."""

_VERSION_KEY: Final = "klyngepakke:version"
_BASE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:\S*[/:]")
_NOT_CODE = re.compile(r"[^\w.-]+")

T = TypeVar("T")
E = TypeVar("E", bound=LabelledEnum)
Data = dict[str, Any]
Path_ = tuple[PathPart, ...]


def _type(name: str) -> str:
    return f"{OPARL_VERSION}{name}"


def _ext(name: str) -> str:
    return f"{EXTENSION_PREFIX}{name}"


def _format_time(value: dt.time) -> str:
    spec = "minutes" if value.second == 0 and value.microsecond == 0 else "auto"
    return value.isoformat(timespec=spec)


# -- writing ---------------------------------------------------------------------------------


def dump_oparl(meeting: Meeting, *, base: str = DEFAULT_BASE) -> dict[str, Any]:
    """``meeting`` as OParl-shaped plain data (dicts, lists, text, numbers, booleans).

    Object ids are ``base`` followed by a path (``meeting/ID/agendaItem/2``); ``base`` is a
    URI prefix ending in ``/`` or ``:``, such as the default ``urn:klyngepakke:`` or the
    address of a council information system.
    """
    if not _BASE.fullmatch(base):
        raise ValueError(
            f"{base!r} is not a base URI: it needs a scheme (such as 'https:' or 'urn:'), "
            "no spaces, and must end with '/' or ':'"
        )
    return _Writer(meeting, base).document()


def dumps_oparl(meeting: Meeting, *, base: str = DEFAULT_BASE) -> str:
    """:func:`dump_oparl` as indented UTF-8 JSON text."""
    return json.dumps(dump_oparl(meeting, base=base), ensure_ascii=False, indent=2) + "\n"


class _Writer:
    def __init__(self, meeting: Meeting, base: str) -> None:
        self.meeting = meeting
        self.base = base
        self.url = self.meeting_url(meeting.id)
        self.organisations: list[Data] = []
        self.organisation_ids: dict[str, str] = {}  # name -> id, for onBehalfOf
        self.consultations: list[Data] = []

    def meeting_url(self, meeting_id: str) -> str:
        return f"{self.base}meeting/{quote(meeting_id, safe='')}"

    def moment(self, value: dt.datetime) -> str:
        # OParl date-times carry their offset; the model's are Danish local time when naive.
        zoned = value if value.tzinfo is not None else value.replace(tzinfo=COPENHAGEN)
        return zoned.isoformat()

    def document(self) -> Data:
        meeting = self.meeting
        delegation_ids = [self.organisation(d.organisation) for d in meeting.delegations]
        persons = self.persons(delegation_ids)
        body: Data = {
            "id": self.url,
            "type": _type("Meeting"),
            "name": meeting.title,
            "start": self.moment(meeting.start),
            "end": self.moment(meeting.end),
        }
        if meeting.place:
            body["location"] = {
                "id": f"{self.url}/location",
                "type": _type("Location"),
                "description": meeting.place,
            }
        if delegation_ids:
            body["organization"] = delegation_ids
        if _was_held(meeting):
            body["participant"] = [
                person["id"]
                for person, participant in zip(persons, meeting.participants(), strict=True)
                if participant.attends
            ]
        if meeting.agenda is not None:
            items = list(self.agenda_items(meeting.agenda.items, ()))
            for order, item in enumerate(items, start=1):
                item["order"] = order
            body["agendaItem"] = items
        body[_ext("kind")] = meeting.kind.value
        if meeting.topic:
            body[_ext("topic")] = meeting.topic
        if meeting.start.tzinfo is not None:
            body[_ext("zoned")] = True
        agenda = self.agenda_extension()
        if agenda:
            body[_ext("agenda")] = agenda
        if meeting.decisions:
            body[_ext("decisions")] = [
                _without_empty(text=d.text, item=d.item) for d in meeting.decisions
            ]
        if meeting.action_items:
            body[_ext("actionItems")] = [self.action_item(a) for a in meeting.action_items]
        if meeting.previous is not None:
            body[_ext("previous")] = self.meeting_url(meeting.previous)
        if meeting.recorded_items:
            body[_ext("recordedItems")] = list(meeting.recorded_items)
        if meeting.attendance_recorded:
            body[_ext("attendanceRecorded")] = True
        document: Data = {
            _VERSION_KEY: FORMAT_VERSION,
            "oparlVersion": OPARL_VERSION,
            "meeting": body,
            "organization": self.organisations,
            "person": persons,
        }
        if self.consultations:
            document["consultation"] = self.consultations
        return document

    def organisation(self, organisation: Organisation) -> str:
        url = f"{self.url}/organization/{len(self.organisations) + 1}"
        data: Data = {"id": url, "type": _type("Organization"), "name": organisation.name}
        if organisation.kind is not OrganisationKind.OTHER:
            data["classification"] = organisation.kind.label
            data[_ext("kind")] = organisation.kind.value
        self.organisations.append(data)
        self.organisation_ids.setdefault(organisation.name, url)
        return url

    def persons(self, delegation_ids: list[str]) -> list[Data]:
        persons: list[Data] = []
        for delegation, organisation_id in zip(
            self.meeting.delegations, delegation_ids, strict=True
        ):
            for participant in delegation.participants:
                number = len(persons) + 1
                persons.append(self.person(participant, organisation_id, number))
        return persons

    def person(self, participant: Participant, organisation_id: str, number: int) -> Data:
        person = participant.person
        data: Data = {"id": f"{self.url}/person/{number}", "type": _type("Person")}
        data["name"] = person.name
        if person.title:
            data["status"] = [person.title]
        if person.email:
            data["email"] = [person.email]
        if person.phone:
            data["phone"] = [person.phone]
        membership: Data = {
            "id": f"{self.url}/membership/{number}",
            "type": _type("Membership"),
            "organization": organisation_id,
        }
        if participant.role:
            membership["role"] = participant.role
        if person.organisation.strip():
            membership["onBehalfOf"] = self.organisation_named(person.organisation)
        elif person.organisation:  # blank text no Organization can be named
            membership[_ext("organisation")] = person.organisation
        if participant.attendance is not Attendance.PRESENT:
            membership[_ext("attendance")] = participant.attendance.value
        if participant.guest_items:
            membership[_ext("guestItems")] = list(participant.guest_items)
        data["membership"] = [membership]
        return data

    def organisation_named(self, name: str) -> str:
        if name not in self.organisation_ids:
            self.organisation(Organisation(name))
        return self.organisation_ids[name]

    def agenda_items(
        self, items: Sequence[AgendaItem], parent: tuple[int, ...], parent_id: str = ""
    ) -> Iterator[Data]:
        for position, item in enumerate(items, start=1):
            place = (*parent, position)
            url = f"{self.url}/agendaItem/{'.'.join(map(str, place))}"
            yield self.agenda_item(item, url, parent_id)
            yield from self.agenda_items(item.items, place, url)

    def agenda_item(self, item: AgendaItem, url: str, parent_id: str) -> Data:
        data: Data = {"id": url, "type": _type("AgendaItem")}
        if item.number:
            data["number"] = item.number
        data["order"] = 0  # numbered by document(), once the whole agenda is flat
        data["name"] = item.title
        if item.purpose is not None:
            data["consultation"] = self.consultation(item.purpose, url)
        outcome = item.decision.strip() or any(
            d.item == item.number for d in self.meeting.decisions if item.number
        )
        if outcome:
            data["result"] = _RESULTS[item.purpose]
        if item.decision:
            data["resolutionText"] = item.decision
        if item.attachments:
            data["auxiliaryFile"] = [
                self.file(attachment, f"{url}/file/{number}")
                for number, attachment in enumerate(item.attachments, start=1)
            ]
        if item.slot is not None:
            day = self.meeting.start.date()
            zone = self.meeting.start.tzinfo
            data["start"] = self.moment(dt.datetime.combine(day, item.slot.start, zone))
            data["end"] = self.moment(dt.datetime.combine(day, item.slot.end, zone))
        if parent_id:
            data[_ext("parent")] = parent_id
        if item.kind is not AgendaItemKind.OTHER:
            data[_ext("kind")] = item.kind.value
        if item.minutes is not None:
            data[_ext("minutes")] = item.minutes
        data.update(
            _without_empty(
                **{
                    _ext("presenter"): item.presenter,
                    _ext("description"): item.description,
                    _ext("points"): list(item.points),
                    _ext("reflectionQuestions"): list(item.reflection_questions),
                    _ext("recommendations"): list(item.recommendations),
                    _ext("casePresentation"): item.case_presentation,
                    _ext("shows"): list(item.shows),
                }
            )
        )
        return data

    def consultation(self, purpose: ItemPurpose, item_url: str) -> str:
        url = f"{item_url}/consultation"
        self.consultations.append(
            {
                "id": url,
                "type": _type("Consultation"),
                "agendaItem": item_url,
                "meeting": self.url,
                "role": purpose.label,
                "authoritative": purpose is ItemPurpose.DECISION,
                _ext("purpose"): purpose.value,
            }
        )
        return url

    def file(self, attachment: Attachment, url: str) -> Data:
        data: Data = {"id": url, "type": _type("File"), "name": attachment.title}
        if attachment.url:
            data["accessUrl"] = attachment.url
        return data

    def agenda_extension(self) -> Data:
        agenda = self.meeting.agenda
        if agenda is None:
            return {}
        data: Data = {}
        if agenda.minutes is not None:
            data["minutes"] = agenda.minutes
        if agenda.start is not None:
            data["start"] = _format_time(agenda.start)
        return data

    def action_item(self, action: ActionItem) -> Data:
        data: Data = {"what": action.what, "owner": action.owner}
        if action.due is not None:
            data["due"] = action.due.isoformat()
        data["status"] = action.status.value
        if action.item:
            data["item"] = action.item
        return data


_RESULTS: Final[dict[ItemPurpose | None, str]] = {
    ItemPurpose.DECISION: "Besluttet",
    ItemPurpose.ORIENTATION: "Taget til efterretning",
    ItemPurpose.DISCUSSION: "Drøftet",
    None: "Behandlet",
}
"""OParl's categorical ``result`` of an item that has an outcome, from what it was for."""


def _was_held(meeting: Meeting) -> bool:
    """Whether the meeting was held, so OParl's ``participant`` (who attended) applies."""
    if meeting.attendance_recorded or meeting.decisions or meeting.action_items:
        return True
    if any(p.attendance is not Attendance.PRESENT for p in meeting.participants()):
        return True
    agenda = meeting.agenda
    return agenda is not None and any(item.decision.strip() for item in agenda.walk())


def _without_empty(**values: Any) -> Data:
    return {key: value for key, value in values.items() if value not in ("", [], None)}


# -- reading ---------------------------------------------------------------------------------


def load_oparl(source: str | Path | Mapping[str, Any]) -> Meeting:
    """Read a meeting from an OParl-shaped JSON file (a path) or from its plain data.

    Reads what :func:`dump_oparl` writes, and also the files of other OParl systems: the
    same container, or a bare ``Meeting`` object (which then has no participants).
    Raises :class:`~klyngepakke.errors.DocumentError` listing every problem with its JSON
    path, such as ``meeting.agendaItem[3].start``, and its line when read from a file.
    """
    if isinstance(source, Mapping):
        return _Reader("<data>").read(source)
    path = Path(source)
    text = _read_text(path)
    try:
        data = json.loads(text, object_pairs_hook=_unique_keys)
    except _DuplicateKeyError as exc:
        raise DocumentError(str(path), [Problem((), f"duplicate key {exc.key!r}")]) from None
    except json.JSONDecodeError as exc:
        problem = Problem((), f"not valid JSON: {exc.msg}", exc.lineno)
        raise DocumentError(str(path), [problem]) from None
    try:
        return _Reader(str(path)).read(data)
    except DocumentError as exc:
        raise DocumentError(str(path), _with_lines(exc.problems, text)) from None


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DocumentError(str(path), [Problem((), "no such file")]) from None
    except UnicodeDecodeError as exc:
        raise DocumentError(
            str(path), [Problem((), f"not UTF-8 text ({exc.reason} at byte {exc.start})")]
        ) from None
    except OSError as exc:
        raise DocumentError(str(path), [Problem((), exc.strerror or str(exc))]) from None


class _DuplicateKeyError(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for key, value in pairs:
        if key in data:
            raise _DuplicateKeyError(key)
        data[key] = value
    return data


def _with_lines(problems: Sequence[Problem], text: str) -> list[Problem]:
    """The problems with the line of their path; JSON is YAML, whose reader knows lines."""
    from klyngepakke._yaml import YamlError, load_yaml

    try:
        lines = load_yaml(text)[1]
    except YamlError:
        return list(problems)
    located = []
    for problem in problems:
        path = problem.path
        line = lines.get(path)
        while line is None and path:
            path = path[:-1]
            line = lines.get(path)
        located.append(Problem(problem.path, problem.message, line))
    return located


def _enum_choices(kind: type[LabelledEnum]) -> str:
    return ", ".join(repr(member.value) for member in kind)


def _by_label(kind: type[E], label: str) -> E | None:
    wanted = label.strip().casefold()
    for member in kind:
        if member.label.casefold() == wanted:
            return member
    return None


def _code_of(url: str) -> str:
    """The model id in an object id: its last segment, made a valid code if need be."""
    segment = unquote(re.split(r"[/:]", url.rstrip("/:"))[-1])
    if CODE_PATTERN.fullmatch(segment):
        return segment
    return _NOT_CODE.sub("-", segment).strip("-")


class _Reader:
    """Turns OParl-shaped data into a meeting, collecting every problem on the way."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[Problem] = []
        self.ours = False
        self.zoned = False

    def fail(self, path: Path_, message: str) -> None:
        self.problems.append(Problem(path, message))

    # -- values ---------------------------------------------------------------------------

    def mapping(self, value: Any, path: Path_, what: str = "an object") -> Data | None:
        if isinstance(value, dict):
            return value
        self.fail(path, f"expected {what}, got {_show(value)}")
        return None

    def objects(self, parent: Data, key: str, path: Path_) -> list[tuple[Data, Path_]]:
        """The objects in the list ``parent[key]``, each with its path; missing is empty."""
        value = parent.get(key, [])
        if not isinstance(value, list):
            self.fail((*path, key), f"expected a list, got {_show(value)}")
            return []
        found = []
        for index, element in enumerate(value):
            data = self.mapping(element, (*path, key, index))
            if data is not None:
                found.append((data, (*path, key, index)))
        return found

    def text(self, data: Data, key: str, path: Path_, *, required: bool = False) -> str:
        if key not in data:
            if required:
                self.fail((*path, key), "required, but missing")
            return ""
        value = data[key]
        if isinstance(value, str):
            return value
        self.fail((*path, key), f"expected text, got {_show(value)}")
        return ""

    def texts(self, data: Data, key: str, path: Path_) -> tuple[str, ...]:
        value = data.get(key, [])
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return tuple(value)
        self.fail((*path, key), f"expected a list of texts, got {_show(value)}")
        return ()

    def first_text(self, data: Data, key: str, path: Path_) -> str:
        """OParl lists e-mail addresses and phone numbers; the model keeps one of each."""
        values = self.texts(data, key, path)
        return values[0] if values else ""

    def whole_number(self, data: Data, key: str, path: Path_) -> int | None:
        value = data.get(key)
        if value is None:
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        self.fail((*path, key), f"expected a whole number, got {_show(value)}")
        return None

    def flag(self, data: Data, key: str, path: Path_) -> bool:
        value = data.get(key, False)
        if isinstance(value, bool):
            return value
        self.fail((*path, key), f"expected true or false, got {_show(value)}")
        return False

    def parsed(
        self,
        data: Data,
        key: str,
        path: Path_,
        parse: Callable[[str], T],
        example: str,
        *,
        required: bool = False,
    ) -> T | None:
        text = self.text(data, key, path, required=required)
        if key not in data or not isinstance(data[key], str):
            return None
        try:
            return parse(text)
        except ValueError:
            self.fail((*path, key), f"{text!r} is not a valid value like {example!r}")
            return None

    def moment(
        self, data: Data, key: str, path: Path_, *, required: bool = False
    ) -> dt.datetime | None:
        return self.parsed(
            data,
            key,
            path,
            dt.datetime.fromisoformat,
            "2025-03-31T16:00:00+02:00",
            required=required,
        )

    def local(self, moment: dt.datetime) -> dt.datetime:
        """Danish local time without a zone, as the model keeps it, unless the file says zoned."""
        if moment.tzinfo is None or self.zoned:
            return moment
        return moment.astimezone(COPENHAGEN).replace(tzinfo=None)

    def choice(self, data: Data, key: str, path: Path_, kind: type[E], default: E) -> E:
        if key not in data:
            return default
        value = data[key]
        for member in kind:
            if member.value == value:
                return member
        self.fail((*path, key), f"{_show(value)} is not one of {_enum_choices(kind)}")
        return default

    def checked_type(self, data: Data, path: Path_, name: str) -> None:
        value = data.get("type")
        if value is None:
            return
        accepted = {_type(name), f"https://schema.oparl.org/1.0/{name}"}
        if value not in accepted:
            self.fail((*path, "type"), f"expected {_type(name)!r}, got {_show(value)}")

    def known_extensions(self, data: Data, path: Path_, known: Sequence[str]) -> None:
        allowed = {_ext(name) for name in known}
        for key in data:
            if key.startswith(EXTENSION_PREFIX) and key not in allowed:
                names = ", ".join(sorted(allowed)) or "none here"
                self.fail((*path, key), f"unknown extension property; expected one of {names}")

    def known_keys(self, data: Data, path: Path_, known: Sequence[str]) -> None:
        for key in data:
            if key not in known:
                self.fail((*path, key), f"unknown key; expected one of {', '.join(known)}")

    def build(
        self,
        make: Callable[..., T],
        path: Path_,
        keys: Mapping[str, str],
        **values: Any,
    ) -> T | None:
        """``make(**values)``; its problems are reported at ``path`` under their JSON keys."""
        try:
            return make(**values)
        except ModelError as exc:
            for problem in exc.problems:
                self.problems.append(_located(problem, path, keys))
            return None

    # -- the document ---------------------------------------------------------------------

    def read(self, data: Any) -> Meeting:
        document = self.mapping(data, (), "an OParl meeting: an object")
        meeting = None if document is None else self.document(document)
        if self.problems or meeting is None:
            raise DocumentError(self.source, self.problems)
        return meeting

    def document(self, document: Data) -> Meeting | None:
        if "meeting" in document:
            version = document.get(_VERSION_KEY)
            self.ours = version is not None
            if self.ours and (version != FORMAT_VERSION or isinstance(version, bool)):
                self.fail(
                    (_VERSION_KEY,),
                    f"{_show(version)} is not supported: this release reads version "
                    f"{FORMAT_VERSION} only",
                )
                return None
            self.known_extensions(document, (), ["version"])
            body = self.mapping(document["meeting"], ("meeting",), "a Meeting object")
            if body is None:
                return None
            return self.meeting(body, ("meeting",), document)
        if document.get("type") in (_type("Meeting"), "https://schema.oparl.org/1.0/Meeting"):
            return self.meeting(document, (), {})
        self.fail(
            (),
            "expected an OParl Meeting object, or an object with the meeting under 'meeting' "
            "and its Organization, Person and Consultation objects beside it",
        )
        return None

    def meeting(self, body: Data, path: Path_, document: Data) -> Meeting | None:
        self.checked_type(body, path, "Meeting")
        self.known_extensions(
            body,
            path,
            [
                "kind",
                "topic",
                "zoned",
                "agenda",
                "decisions",
                "actionItems",
                "previous",
                "recordedItems",
                "attendanceRecorded",
            ],
        )
        self.zoned = self.flag(body, _ext("zoned"), path)
        meeting_id = self.code(body, "id", path)
        title = self.text(body, "name", path, required=True)
        start = self.moment(body, "start", path, required=True)
        end = self.moment(body, "end", path, required=True)
        place = ""
        if "location" in body:
            location = self.mapping(body["location"], (*path, "location"), "a Location object")
            if location is not None:
                self.checked_type(location, (*path, "location"), "Location")
                place = self.text(location, "description", (*path, "location"))
        kind = self.choice(body, _ext("kind"), path, MeetingKind, MeetingKind.OTHER)
        topic = self.text(body, _ext("topic"), path)
        previous = None
        if _ext("previous") in body:
            previous = _code_of(self.text(body, _ext("previous"), path)) or None
        if start is not None and end is not None:
            start, end = self.local(start), self.local(end)
        agenda = self.agenda(body, path, start, document)
        delegations, participant_paths = self.delegations(body, path, document)
        decisions = tuple(self.decisions(body, path))
        actions = tuple(self.action_items(body, path))
        recorded_items = self.texts(body, _ext("recordedItems"), path)
        attendance_recorded = self.flag(body, _ext("attendanceRecorded"), path)
        if self.problems or start is None or end is None:
            return None
        keys: dict[str, str] = {
            "id": "id",
            "title": "name",
            "start": "start",
            "end": "end",
            "agenda": "agendaItem",
            "decisions": _ext("decisions"),
            "action_items": _ext("actionItems"),
            "previous": _ext("previous"),
            "recorded_items": _ext("recordedItems"),
        }
        try:
            return Meeting(
                meeting_id,
                title,
                kind,
                start,
                end,
                place=place,
                topic=topic,
                delegations=delegations,
                agenda=agenda,
                decisions=decisions,
                action_items=actions,
                previous=previous,
                recorded_items=recorded_items,
                attendance_recorded=attendance_recorded,
            )
        except ModelError as exc:
            for problem in exc.problems:
                if problem.path[:1] == ("delegations",) and len(problem.path) >= 4:
                    where = participant_paths[(int(problem.path[1]), int(problem.path[3]))]
                    rest = problem.path[4:]
                    if rest[:1] == ("guest_items",):
                        rest = (_ext("guestItems"), *rest[1:])
                    self.problems.append(Problem((*where, *rest), problem.message))
                else:
                    self.problems.append(_located(problem, path, keys))
            return None

    def code(self, data: Data, key: str, path: Path_) -> str:
        url = self.text(data, key, path, required=True)
        if key in data and isinstance(data[key], str) and not _code_of(url):
            self.fail((*path, key), f"{url!r} does not end in a usable meeting id")
        return _code_of(url)

    # -- agenda ---------------------------------------------------------------------------

    def agenda(
        self, body: Data, path: Path_, start: dt.datetime | None, document: Data
    ) -> Agenda | None:
        entries = self.objects(body, "agendaItem", path)
        extension = self.agenda_extension(body, path)
        if not entries:
            return None
        if all(isinstance(data.get("order"), int) for data, _ in entries):
            entries.sort(key=lambda entry: entry[0]["order"])
        consultations = self.consultations(document)
        before = len(self.problems)
        ids: list[str] = []
        parents: list[str] = []
        for data, item_path in entries:
            self.checked_type(data, item_path, "AgendaItem")
            parent = self.text(data, _ext("parent"), item_path)
            if parent and parent not in ids:
                self.fail(
                    (*item_path, _ext("parent")),
                    f"{parent!r} is not the id of an agenda item before this one",
                )
            ids.append(self.text(data, "id", item_path))
            parents.append(parent)
        values = [
            self.agenda_item(data, item_path, start, consultations) for data, item_path in entries
        ]
        if len(self.problems) > before:
            return None
        # Nested items follow their parent: built from the end, an item's children are ready.
        children: dict[str, list[AgendaItem]] = {}
        top: list[AgendaItem] = []
        for (_, item_path), item_id, parent, fields in reversed(
            list(zip(entries, ids, parents, values, strict=True))
        ):
            own = tuple(reversed(children.pop(item_id, []))) if item_id else ()
            item = self.build(AgendaItem, item_path, _AGENDA_ITEM_KEYS, **fields, items=own)
            if item is not None:
                (children.setdefault(parent, []) if parent else top).append(item)
        if self.problems or not top:
            return None
        return self.build(
            Agenda,
            path,
            {"items": "agendaItem", "minutes": _ext("agenda"), "start": _ext("agenda")},
            items=tuple(reversed(top)),
            minutes=extension.get("minutes"),
            start=extension.get("start"),
        )

    def agenda_extension(self, body: Data, path: Path_) -> dict[str, Any]:
        key = _ext("agenda")
        if key not in body:
            return {}
        data = self.mapping(body[key], (*path, key))
        if data is None:
            return {}
        here = (*path, key)
        self.known_keys(data, here, ["minutes", "start"])
        return {
            "minutes": self.whole_number(data, "minutes", here),
            "start": self.parsed(
                data, "start", here, lambda t: dt.time.fromisoformat(t.replace(".", ":")), "16:00"
            ),
        }

    def consultations(self, document: Data) -> dict[str, tuple[Data, Path_]]:
        """Consultations by their id and by the id of the agenda item they are about."""
        found: dict[str, tuple[Data, Path_]] = {}
        for data, path in self.objects(document, "consultation", ()):
            self.checked_type(data, path, "Consultation")
            self.known_extensions(data, path, ["purpose"])
            for key in ("id", "agendaItem"):
                value = data.get(key)
                if isinstance(value, str):
                    found.setdefault(value, (data, path))
        return found

    def agenda_item(
        self,
        data: Data,
        path: Path_,
        meeting_start: dt.datetime | None,
        consultations: Mapping[str, tuple[Data, Path_]],
    ) -> dict[str, Any]:
        """The fields of an agenda item but its nested items."""
        self.known_extensions(
            data,
            path,
            [
                "parent",
                "kind",
                "minutes",
                "presenter",
                "description",
                "points",
                "reflectionQuestions",
                "recommendations",
                "casePresentation",
                "shows",
            ],
        )
        decision = self.text(data, "resolutionText", path)
        if "resolutionText" not in data and not self.ours:
            decision = self.text(data, "result", path)
        attachments = [
            self.attachment(file, file_path)
            for file, file_path in self.objects(data, "auxiliaryFile", path)
        ]
        if "resolutionFile" in data:
            file = self.mapping(data["resolutionFile"], (*path, "resolutionFile"), "a File")
            if file is not None:
                attachments.append(self.attachment(file, (*path, "resolutionFile")))
        return {
            "title": self.text(data, "name", path, required=True),
            "kind": self.choice(data, _ext("kind"), path, AgendaItemKind, AgendaItemKind.OTHER),
            "number": self.text(data, "number", path),
            "presenter": self.text(data, _ext("presenter"), path),
            "purpose": self.purpose(data, path, consultations),
            "minutes": self.whole_number(data, _ext("minutes"), path),
            "slot": self.slot(data, path, meeting_start),
            "description": self.text(data, _ext("description"), path),
            "points": self.texts(data, _ext("points"), path),
            "reflection_questions": self.texts(data, _ext("reflectionQuestions"), path),
            "recommendations": self.texts(data, _ext("recommendations"), path),
            "case_presentation": self.text(data, _ext("casePresentation"), path),
            "decision": decision,
            "attachments": tuple(a for a in attachments if a is not None),
            "shows": self.texts(data, _ext("shows"), path),
        }

    def purpose(
        self, data: Data, path: Path_, consultations: Mapping[str, tuple[Data, Path_]]
    ) -> ItemPurpose | None:
        reference = data.get("consultation")
        if reference is None:
            reference = data.get("id")
        if not isinstance(reference, str) or reference not in consultations:
            if "consultation" in data and self.ours:
                self.fail((*path, "consultation"), f"no Consultation {reference!r} in the file")
            return None
        consultation, where = consultations[reference]
        if _ext("purpose") in consultation:
            return self.choice(
                consultation, _ext("purpose"), where, ItemPurpose, ItemPurpose.DECISION
            )
        role = self.text(consultation, "role", where)
        found = _by_label(ItemPurpose, role) if role else None
        if found is None and consultation.get("authoritative") is True:
            return ItemPurpose.DECISION
        return found

    def slot(self, data: Data, path: Path_, meeting_start: dt.datetime | None) -> TimeSlot | None:
        begins = self.moment(data, "start", path)
        ends = self.moment(data, "end", path)
        if begins is None or ends is None:
            return None

        def clock(moment: dt.datetime) -> dt.time:
            if moment.tzinfo is not None and meeting_start and meeting_start.tzinfo is not None:
                return moment.astimezone(meeting_start.tzinfo).time()
            return self.local(moment).time()

        return self.build(
            TimeSlot, path, {"start": "start", "end": "end"}, start=clock(begins), end=clock(ends)
        )

    def attachment(self, file: Data, path: Path_) -> Attachment | None:
        self.checked_type(file, path, "File")
        url = self.text(file, "accessUrl", path) or self.text(file, "downloadUrl", path)
        title = self.text(file, "name", path) or self.text(file, "fileName", path) or url
        if not title:
            self.fail(path, "a File needs a name or an accessUrl")
            return None
        return self.build(
            Attachment, path, {"title": "name", "url": "accessUrl"}, title=title, url=url
        )

    # -- people ---------------------------------------------------------------------------

    def delegations(
        self, body: Data, path: Path_, document: Data
    ) -> tuple[tuple[Delegation, ...], dict[tuple[int, int], Path_]]:
        """Delegations, and where each participant's membership is (for later problems)."""
        organisations: dict[str, tuple[Organisation, Path_]] = {}
        for data, org_path in self.objects(document, "organization", ()):
            organisation = self.organisation(data, org_path)
            org_id = self.text(data, "id", org_path, required=True)
            if organisation is not None and org_id:
                organisations.setdefault(org_id, (organisation, org_path))
        meeting_orgs: list[str] = []
        if document:  # a bare Meeting has no Organization objects to resolve
            for index, org_id in enumerate(self.texts(body, "organization", path)):
                if org_id not in organisations:
                    self.fail(
                        (*path, "organization", index), f"no Organization {org_id!r} in the file"
                    )
                meeting_orgs.append(org_id)
        attended = self.attended(body, path, document)
        members: dict[str, list[tuple[Participant, Path_]]] = {org: [] for org in meeting_orgs}
        memberships = self.memberships(document)
        for data, person_path in self.objects(document, "person", ()):
            self.checked_type(data, person_path, "Person")
            self.known_extensions(data, person_path, [])
            person_id = self.text(data, "id", person_path)
            own = [*self.objects(data, "membership", person_path), *memberships.get(person_id, [])]
            placed = self.place(person_id, person_path, own, meeting_orgs, organisations, attended)
            if placed is None:
                continue
            org_id, membership, membership_path = placed
            participant = self.participant(
                data, person_path, membership, membership_path, organisations, attended, person_id
            )
            if participant is not None:
                members.setdefault(org_id, []).append((participant, membership_path))
        delegations: list[Delegation] = []
        paths: dict[tuple[int, int], Path_] = {}
        for org_id, participants in members.items():
            if org_id in organisations:
                organisation = organisations[org_id][0]
            else:
                organisation = Organisation(UNPLACED_ORGANISATION)
            for index, (_, membership_path) in enumerate(participants):
                paths[(len(delegations), index)] = membership_path
            delegations.append(Delegation(organisation, tuple(p for p, _ in participants)))
        return tuple(delegations), paths

    def organisation(self, data: Data, path: Path_) -> Organisation | None:
        self.checked_type(data, path, "Organization")
        self.known_extensions(data, path, ["kind"])
        name = self.text(data, "name", path, required=True)
        if _ext("kind") in data:
            kind = self.choice(data, _ext("kind"), path, OrganisationKind, OrganisationKind.OTHER)
        else:
            label = self.text(data, "classification", path)
            kind = _by_label(OrganisationKind, label) or OrganisationKind.OTHER
        return self.build(Organisation, path, {"name": "name"}, name=name, kind=kind)

    def memberships(self, document: Data) -> dict[str, list[tuple[Data, Path_]]]:
        """Memberships given as their own list (OParl 1.1's external list), by person id."""
        found: dict[str, list[tuple[Data, Path_]]] = {}
        for data, path in self.objects(document, "membership", ()):
            person = data.get("person")
            if isinstance(person, str):
                found.setdefault(person, []).append((data, path))
        return found

    def attended(self, body: Data, path: Path_, document: Data) -> set[str] | None:
        """Who attended, from another system's ``participant``; ``None`` if it does not say."""
        if self.ours or not document or "participant" not in body:
            return None
        return set(self.texts(body, "participant", path))

    def place(
        self,
        person_id: str,
        person_path: Path_,
        memberships: list[tuple[Data, Path_]],
        meeting_orgs: list[str],
        organisations: Mapping[str, tuple[Organisation, Path_]],
        attended: set[str] | None,
    ) -> tuple[str, Data, Path_] | None:
        """The delegation a person belongs to, and the membership that puts them there."""
        for data, path in memberships:
            self.checked_type(data, path, "Membership")
            if data.get("organization") in meeting_orgs:
                return str(data["organization"]), data, path
        if self.ours:
            if memberships:
                data, path = memberships[0]
                self.fail((*path, "organization"), "not one of the meeting's organizations")
            else:
                self.fail(person_path, "needs a membership in one of the meeting's organizations")
            return None
        if attended is None or person_id not in attended:
            return None  # someone of another system's body who is not at this meeting
        for data, path in memberships:
            if data.get("organization") in organisations:
                return str(data["organization"]), data, path
        return "", {}, ()

    def participant(
        self,
        data: Data,
        path: Path_,
        membership: Data,
        membership_path: Path_,
        organisations: Mapping[str, tuple[Organisation, Path_]],
        attended: set[str] | None,
        person_id: str,
    ) -> Participant | None:
        before = len(self.problems)
        self.known_extensions(
            membership, membership_path, ["attendance", "guestItems", "organisation"]
        )
        on_behalf_of = self.text(membership, _ext("organisation"), membership_path)
        if "onBehalfOf" in membership:
            reference = self.text(membership, "onBehalfOf", membership_path)
            if reference in organisations:
                on_behalf_of = organisations[reference][0].name
            else:
                self.fail(
                    (*membership_path, "onBehalfOf"), f"no Organization {reference!r} in the file"
                )
        person = self.build(
            Person,
            path,
            {"name": "name", "title": "status", "email": "email", "phone": "phone"},
            name=self.text(data, "name", path, required=True),
            title=", ".join(self.texts(data, "status", path)),
            organisation=on_behalf_of,
            email=self.first_text(data, "email", path),
            phone=self.first_text(data, "phone", path),
        )
        if attended is None:
            default = Attendance.PRESENT
        else:
            default = Attendance.PRESENT if person_id in attended else Attendance.ABSENT
        attendance = self.choice(
            membership, _ext("attendance"), membership_path, Attendance, default
        )
        guest_items = self.texts(membership, _ext("guestItems"), membership_path)
        role = self.text(membership, "role", membership_path) if membership else ""
        if person is None or len(self.problems) > before:
            return None
        return Participant(person, attendance, role, guest_items)

    # -- outcomes -------------------------------------------------------------------------

    def decisions(self, body: Data, path: Path_) -> Iterator[Decision]:
        for data, here in self.objects(body, _ext("decisions"), path):
            self.known_keys(data, here, ["text", "item"])
            made = self.build(
                Decision,
                here,
                {"text": "text", "item": "item"},
                text=self.text(data, "text", here, required=True),
                item=self.text(data, "item", here),
            )
            if made is not None:
                yield made

    def action_items(self, body: Data, path: Path_) -> Iterator[ActionItem]:
        for data, here in self.objects(body, _ext("actionItems"), path):
            self.known_keys(data, here, ["what", "owner", "due", "status", "item"])
            made = self.build(
                ActionItem,
                here,
                {"what": "what", "owner": "owner", "due": "due", "item": "item"},
                what=self.text(data, "what", here, required=True),
                owner=self.text(data, "owner", here, required=True),
                due=self.parsed(data, "due", here, dt.date.fromisoformat, "2025-03-31"),
                status=self.choice(data, "status", here, ActionStatus, ActionStatus.OPEN),
                item=self.text(data, "item", here),
            )
            if made is not None:
                yield made


_AGENDA_ITEM_KEYS: Final[dict[str, str]] = {
    "title": "name",
    "number": "number",
    "minutes": _ext("minutes"),
    "slot": "start",
}
"""JSON keys of the AgendaItem fields a model check can complain about."""


def _located(problem: Problem, path: Path_, keys: Mapping[str, str]) -> Problem:
    """A model problem moved to the JSON ``path`` of the object it is about.

    A field with a JSON key of its own points there. Deeper model paths go into the message,
    except for lists the JSON holds in the same shape (decisions, action items).
    """
    head = problem.path[0] if problem.path else None
    key = keys.get(head) if isinstance(head, str) else None
    rest = problem.path[1:]
    if key is None:
        where = format_path(problem.path)
        return Problem(path, f"{where}: {problem.message}" if where else problem.message)
    if not rest or head in _MIRRORED:
        return Problem((*path, key, *rest), problem.message)
    return Problem((*path, key), f"{format_path(problem.path)}: {problem.message}")


_MIRRORED: Final = frozenset({"decisions", "action_items", "recorded_items"})


def _show(value: Any) -> str:
    return f"{value!r} ({type(value).__name__})"
