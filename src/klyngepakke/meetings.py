"""Meetings from a package to a held meeting and the next one.

The workflow behind ``klyngepakke meeting`` and ``klyngepakke actions``, as a library:

- :func:`new_meeting` sets up a meeting from a package: its programme becomes the agenda,
  numbered and with clock times from the start time (:func:`timed_agenda`).
- :func:`set_decisions`, :func:`add_action`, :func:`set_attendance` and :func:`add_guest`
  record what happened, as new :class:`~klyngepakke.model.Meeting` values;
  :func:`record_meeting` walks the agenda asking for them and saves after every answer
  through a :class:`MeetingFile` (atomic writes, the previous version kept as
  ``FILE.bak``), so an interrupted recording resumes where it stopped.
- :func:`follow_up_meeting` creates the next meeting, about a year later as the package's
  runbook advises, whose agenda starts with the open action items and the decisions to
  review.
- :func:`find_meeting_files`, :func:`list_actions` and :func:`set_action_status` work on all
  the meeting files in a folder.

What people read (prompts, agenda texts, warnings) is Danish; errors are
:class:`MeetingError` with one paragraph naming the file, field and value.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, Final, Protocol, TextIO, TypeVar

import attrs

from klyngepakke.danish import format_date, format_time
from klyngepakke.errors import KlyngepakkeError, ModelError
from klyngepakke.model import (
    ActionItem,
    ActionStatus,
    Agenda,
    AgendaItem,
    AgendaItemKind,
    Attendance,
    ClusterPackage,
    Decision,
    Delegation,
    ItemPurpose,
    Meeting,
    MeetingKind,
    Organisation,
    OrganisationKind,
    Participant,
    Person,
    Phase,
    RelativeDeadline,
    ScheduledItem,
    TimeSlot,
    TimeUnit,
)
from klyngepakke.planning import COPENHAGEN, HolidayLookup, danish_holidays
from klyngepakke.planning import _offset as _shift  # the runbook's date arithmetic
from klyngepakke.planning import working_day_on_or_before as _working_day_on_or_before

__all__ = [
    "BACKUP_SUFFIX",
    "DEFAULT_FOLLOW_UP",
    "DEFAULT_START",
    "ActionRow",
    "MeetingError",
    "MeetingFile",
    "Prompts",
    "add_action",
    "add_guest",
    "agenda_item",
    "ask_until_valid",
    "backup_path",
    "danish_time",
    "find_meeting_files",
    "follow_up_date",
    "follow_up_meeting",
    "list_actions",
    "meeting_chain",
    "meeting_clock",
    "meeting_date_warnings",
    "meeting_id_for",
    "new_meeting",
    "organisation_kind",
    "owner_warning",
    "parse_attendance",
    "parse_date",
    "parse_item_numbers",
    "parse_participant",
    "parse_status",
    "parse_time",
    "record_meeting",
    "recordable_items",
    "set_action_status",
    "set_attendance",
    "set_decisions",
    "suggested_date",
    "timed_agenda",
]

DEFAULT_START: Final = dt.time(16, 0)
"""When a cluster meeting starts unless the programme says otherwise: they usually begin
between 16 and 17 o'clock, after the practices close."""

DEFAULT_FOLLOW_UP: Final = RelativeDeadline(1, TimeUnit.YEARS)
"""How long after a meeting its follow-up is, when the package's runbook does not say."""

BACKUP_SUFFIX: Final = ".bak"
"""Saving a meeting file keeps the version it replaces as the file name plus this suffix."""

ACTIONS_REVIEW_TITLE: Final = "Opfølgning på handlinger fra mødet"
DECISIONS_REVIEW_TITLE: Final = "Beslutninger fra mødet"

_LAST_MINUTE_OF_DAY: Final = 23 * 60 + 59

T = TypeVar("T")


class MeetingError(KlyngepakkeError):
    """A meeting cannot be set up, recorded, followed up or updated as asked."""


class Prompts(Protocol):
    """Asks a person for answers (the CLI's prompter satisfies it)."""

    def select(self, message: str, choices: Sequence[tuple[str, str]]) -> str:
        """Pick one value from ``(value, label)`` pairs."""

    def text(self, message: str, default: str) -> str:
        """Type a line of text."""

    def confirm(self, message: str) -> bool:
        """Answer yes or no (default no)."""


# -- reading what people type ---------------------------------------------------------------

_DANISH_DATE = re.compile(r"^\s*(\d{1,2})\s*[./-]\s*(\d{1,2})\s*[./-]\s*(\d{4})\s*$")
_TIME = re.compile(r"^\s*(\d{1,2})(?:\s*[:.]\s*(\d{2}))?\s*$")


def parse_date(text: str) -> dt.date:
    """A date written as ``2027-03-11`` or the Danish ``11.3.2027`` / ``11-03-2027``.

    Raises ``ValueError`` with a Danish message.
    """
    value = text.strip()
    match = _DANISH_DATE.match(value)
    try:
        if match:
            return dt.date(int(match[3]), int(match[2]), int(match[1]))
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"»{value}« er ikke en dato som 2027-03-11 eller 11.3.2027") from None


def parse_time(text: str) -> dt.time:
    """A clock time written as ``16:00``, ``16.00`` or ``16``; ``ValueError`` (Danish) if not."""
    match = _TIME.match(text)
    if match is not None:
        hour, minute = int(match[1]), int(match[2] or 0)
        if hour < 24 and minute < 60:
            return dt.time(hour, minute)
    raise ValueError(f"»{text.strip()}« er ikke et klokkeslæt som 16:00 eller 16.30")


def parse_participant(text: str) -> Participant:
    """``"Name; title; organisation[; role][; e-mail]"`` as a participant.

    The part with an ``@`` is the e-mail address; the other optional part is the role
    (``ordstyrer``, ``referent``, …). Raises ``ValueError`` (Danish) when the form is wrong.
    """
    parts = [part.strip() for part in text.split(";")]
    if len(parts) < 3 or len(parts) > 5 or not parts[0]:
        raise ValueError(
            f"»{text}« skal skrives som »Navn; titel; organisation« med eventuelt »; rolle« "
            "og »; e-mail« bagefter"
        )
    name, title, organisation, *rest = parts
    emails = [part for part in rest if "@" in part]
    roles = [part for part in rest if "@" not in part and part]
    if len(emails) > 1 or len(roles) > 1:
        raise ValueError(f"»{text}«: højst én rolle og én e-mailadresse efter organisationen")
    try:
        person = Person(name, title, organisation, email=emails[0] if emails else "")
    except ModelError:
        raise ValueError(f"»{emails[0]}« ligner ikke en e-mailadresse") from None
    return Participant(person, role=roles[0] if roles else "")


_ATTENDANCE_WORDS: Final = {
    "til stede": Attendance.PRESENT,
    "tilstede": Attendance.PRESENT,
    "deltog": Attendance.PRESENT,
    "virtuel": Attendance.VIRTUAL,
    "virtuelt": Attendance.VIRTUAL,
    "online": Attendance.VIRTUAL,
    "afbud": Attendance.APOLOGIES,
    "fraværende": Attendance.ABSENT,
    "fravær": Attendance.ABSENT,
}


def parse_attendance(text: str) -> Attendance:
    """An attendance by code (``present``, ``virtual``, ``apologies``, ``absent``) or in Danish."""
    word = " ".join(text.split()).casefold()
    for attendance in Attendance:
        if word in (attendance.value, attendance.label.casefold()):
            return attendance
    if word in _ATTENDANCE_WORDS:
        return _ATTENDANCE_WORDS[word]
    choices = ", ".join(a.value for a in Attendance)
    raise ValueError(f"»{text}« er ikke et fremmøde; brug {choices} (eller afbud, virtuel, …)")


def parse_status(text: str) -> ActionStatus:
    """A status by code (``open``, ``in_progress``, ``done``, ``cancelled``) or Danish label."""
    word = " ".join(text.replace("-", " ").replace("_", " ").split()).casefold()
    for status in ActionStatus:
        if word in (status.value.replace("_", " "), status.label.casefold()):
            return status
    choices = ", ".join(s.value for s in ActionStatus)
    raise ValueError(f"»{text}« er ikke en status; brug {choices} (eller åben, i gang, udført, …)")


def parse_item_numbers(text: str, meeting: Meeting) -> tuple[str, ...]:
    """Agenda item numbers written as ``4``, ``4, 5`` or ``5 og 6``; each must exist."""
    numbers = tuple(n for n in re.split(r"[\s,;]+|\bog\b", text.replace("pkt.", "")) if n)
    if not numbers:
        raise ValueError("skriv mindst ét punktnummer, fx 2 eller 2, 4")
    known = _item_numbers(meeting)
    unknown = [n for n in numbers if n not in known]
    if unknown:
        raise ValueError(
            f"dagsordenen har ikke punkt {', '.join(unknown)} (punkterne er {', '.join(known)})"
        )
    return numbers


def ask_until_valid(
    prompts: Prompts,
    message: str,
    default: str,
    parse: Callable[[str], T],
    out: TextIO,
) -> T:
    """Ask until ``parse`` accepts the answer; its ``ValueError`` message is shown each time."""
    while True:
        answer = prompts.text(message, default)
        try:
            return parse(answer)
        except ValueError as exc:
            out.write(f"  {exc}\n")


# -- setting a meeting up -------------------------------------------------------------------


def organisation_kind(name: str, *, cluster: str = "", municipality: str = "") -> OrganisationKind:
    """The kind of a participant's organisation, from its name."""
    folded = name.casefold()
    if cluster and folded == cluster.casefold():
        return OrganisationKind.CLUSTER
    if municipality and folded == municipality.casefold():
        return OrganisationKind.MUNICIPALITY
    for words, kind in (
        (("kiap",), OrganisationKind.KIAP),
        (("kommune",), OrganisationKind.MUNICIPALITY),
        (("klynge",), OrganisationKind.CLUSTER),
        (("region",), OrganisationKind.REGION),
        (("hospital", "sygehus", "hospitalsenhed"), OrganisationKind.HOSPITAL),
        (("almen praksis", "lægehus", "lægepraksis", "plo"), OrganisationKind.GENERAL_PRACTICE),
        (("patient",), OrganisationKind.PATIENT_REPRESENTATIVES),
    ):
        if any(re.search(rf"\b{re.escape(word)}", folded) for word in words):
            return kind
    return OrganisationKind.OTHER


def _minutes_of_day(moment: dt.time) -> int:
    return moment.hour * 60 + moment.minute


def _clock(minutes_of_day: int) -> dt.time:
    return dt.time(minutes_of_day // 60, minutes_of_day % 60)


def _timed(
    items: tuple[AgendaItem, ...], start: dt.time, total: int | None
) -> tuple[AgendaItem, ...]:
    """Give every item whose clock times are exact a slot, nested items too.

    The times are :meth:`Agenda.schedule`'s for items in ``total`` minutes from ``start``:
    one item of unknown length among items of known length gets the time that is left;
    items that share it with others, or come after such a share, get no slot, nor do items
    past the end of the day, or after or inside an item without one. Given slots are kept.
    """
    entries = iter(Agenda(items, total).schedule(start))
    begins = _minutes_of_day(start)

    def slotted(level: tuple[AgendaItem, ...], placed: bool) -> tuple[AgendaItem, ...]:
        """``placed``: the first item starts where a slot does (the enclosing item's)."""
        timed = []
        for item in level:
            entry = next(entries)  # depth first, as the items are walked here
            slot = item.slot
            if slot is None and placed:
                slot = _exact_slot(entry, begins)
            timed.append(attrs.evolve(item, slot=slot, items=slotted(item.items, slot is not None)))
            placed = slot is not None  # the next item starts where this one's slot ends
        return tuple(timed)

    return slotted(items, True)


def _exact_slot(entry: ScheduledItem, begins: int) -> TimeSlot | None:
    """The entry's clock times as a slot when they are exact and within the day."""
    if not entry.exact or entry.offset is None or entry.minutes is None:
        return None
    at = begins + entry.offset
    if at + entry.minutes > _LAST_MINUTE_OF_DAY:
        return None
    return TimeSlot(_clock(at), _clock(at + entry.minutes))


def _numbered(items: Iterable[AgendaItem]) -> tuple[AgendaItem, ...]:
    """Number the items 1, 2, … as a Danish agenda does (punkt 1, …); breaks get no number."""
    numbered = []
    number = 0
    for item in items:
        if item.kind is AgendaItemKind.BREAK:
            numbered.append(attrs.evolve(item, number=""))
        else:
            number += 1
            numbered.append(attrs.evolve(item, number=str(number)))
    return tuple(numbered)


def timed_agenda(programme: Agenda, start: dt.time) -> Agenda:
    """A meeting's agenda from a programme: items numbered, with clock times from ``start``.

    Items keep the numbers they have if any has one. Nested items get clock times where
    their start and length are known.
    """
    items = programme.items
    if not any(item.number for item in items):
        items = _numbered(items)
    return Agenda(_timed(items, start, programme.duration), programme.minutes, start)


def _slug(text: str) -> str:
    folded = text.casefold()
    for letter, spelled in (("æ", "ae"), ("ø", "oe"), ("å", "aa")):
        folded = folded.replace(letter, spelled)
    plain = unicodedata.normalize("NFKD", folded).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")


def meeting_id_for(cluster: str, topic: str, day: dt.date) -> str:
    """A stable id such as ``klynge-syd-akutfunktioner-2027-03-11``."""
    parts = [_slug(cluster), _slug(topic), day.isoformat()]
    return "-".join(part for part in parts if part)


def _delegations(
    participants: Iterable[Participant], *, cluster: str, municipality: str
) -> tuple[Delegation, ...]:
    """Participants grouped by organisation, in first-seen order; no organisation: the cluster.

    The cluster and the municipality are there even before anyone from them is named, so the
    meeting always says who meets.
    """
    grouped: dict[str, list[Participant]] = {}
    names: dict[str, str] = {}
    for organisation in (cluster, municipality):
        if organisation.strip():
            names[organisation.strip().casefold()] = organisation.strip()
            grouped[organisation.strip().casefold()] = []
    for participant in participants:
        organisation = participant.person.organisation.strip() or cluster
        key = organisation.casefold()
        names.setdefault(key, organisation)
        grouped.setdefault(key, []).append(participant)
    return tuple(
        Delegation(
            Organisation(
                names[key],
                organisation_kind(names[key], cluster=cluster, municipality=municipality),
            ),
            tuple(members),
        )
        for key, members in grouped.items()
    )


def _with_role(participant: Participant, role: str) -> Participant:
    if role.casefold() in participant.roles:
        return participant
    joined = f"{participant.role}, {role}" if participant.role.strip() else role
    return attrs.evolve(participant, role=joined)


def new_meeting(
    package: ClusterPackage,
    *,
    cluster: str,
    municipality: str,
    start: dt.datetime,
    place: str = "",
    participants: Sequence[Participant] = (),
    chair: str | None = None,
    minute_taker: str | None = None,
    title: str | None = None,
    meeting_id: str | None = None,
) -> Meeting:
    """A planned cluster meeting on ``package``'s topic.

    The agenda is the package's programme, numbered and clock-timed from ``start`` (naive
    times are Danish time); the meeting ends when the programme does. Participants are grouped
    into delegations by their person's organisation (none: the cluster). ``chair`` and
    ``minute_taker`` name participants, who get the role ``ordstyrer`` or ``referent``; a name
    that is not among them is added to the cluster's delegation.
    """
    if not cluster.strip():
        raise MeetingError("the cluster's name must not be empty")
    if not municipality.strip():
        raise MeetingError("the municipality's name must not be empty")
    start = _in_danish_time(start)
    people = list(participants)
    for name, role in ((chair, "ordstyrer"), (minute_taker, "referent")):
        if name is None or not name.strip():
            continue
        wanted = " ".join(name.split()).casefold()
        for index, participant in enumerate(people):
            if " ".join(participant.person.name.split()).casefold() == wanted:
                people[index] = _with_role(participant, role)
                break
        else:
            people.append(
                Participant(Person(" ".join(name.split()), organisation=cluster), role=role)
            )
    agenda = timed_agenda(package.programme, start.time())
    length = agenda.duration or package.meeting_minutes
    identifier = meeting_id or meeting_id_for(cluster, package.topic, start.date())
    try:
        return Meeting(
            id=identifier,
            title=title or f"Klyngemøde: {package.title}",
            kind=MeetingKind.CLUSTER_MEETING,
            start=start,
            end=start + dt.timedelta(minutes=length),
            place=place.strip(),
            topic=package.topic,
            delegations=_delegations(people, cluster=cluster.strip(), municipality=municipality),
            agenda=agenda,
        )
    except ModelError as exc:
        raise MeetingError(f"cannot set up the meeting {identifier!r}: {exc}") from None


def _lead_time(package: ClusterPackage) -> RelativeDeadline | None:
    """The earliest deadline before the meeting in the package's runbook (ordering it)."""
    if package.runbook is None:
        return None
    before = [
        task.deadline
        for task in package.runbook.tasks
        if task.phase is Phase.BEFORE and task.deadline is not None and task.deadline.offset < 0
    ]
    return min(before, key=lambda deadline: deadline.approximate_days, default=None)


def _holidays_around(*days: dt.date) -> HolidayLookup:
    years = range(min(days).year - 1, max(days).year + 2)
    return danish_holidays(years)


def _not_working(day: dt.date, holidays: HolidayLookup) -> str:
    return _working_day_on_or_before(day, holidays)[1]


def suggested_date(
    package: ClusterPackage, today: dt.date, *, holidays: HolidayLookup | None = None
) -> dt.date:
    """The first working day that leaves the runbook's lead time (e.g. 8 weeks to order)."""
    lead = _lead_time(package)
    day = today + (today - _shift(today, lead)) if lead is not None else today
    holidays = holidays or _holidays_around(day)
    while _not_working(day, holidays):
        day += dt.timedelta(days=1)
    return day


def meeting_date_warnings(
    package: ClusterPackage | None,
    start: dt.datetime,
    today: dt.date,
    *,
    holidays: HolidayLookup | None = None,
) -> list[str]:
    """Danish warnings about a meeting date: in the past, a day off, too soon for the runbook."""
    day = start.date()
    warnings = []
    if day < today:
        warnings.append(f"Mødedatoen {format_date(day)} er allerede passeret.")
    reason = _not_working(day, holidays or _holidays_around(day))
    if reason in ("lørdag", "søndag"):
        warnings.append(f"Mødet ligger på en {reason} ({format_date(day)}).")
    elif reason:
        warnings.append(
            f"Mødet ligger på en helligdag ({reason}, {format_date(day, weekday=True)})."
        )
    runbook = package.runbook if package is not None else None
    lead = _lead_time(package) if package is not None else None
    if runbook is not None and lead is not None and day >= today and _shift(day, lead) < today:
        first = next(task for task in runbook.tasks if task.deadline == lead)
        days = (day - today).days
        warnings.append(
            f"Der er kun {days} {'dag' if days == 1 else 'dage'} til mødet, men drejebogen "
            f"begynder {lead.label} mødet (»{first.title}«)."
        )
    return warnings


# -- recording ------------------------------------------------------------------------------


def _item_numbers(meeting: Meeting) -> list[str]:
    if meeting.agenda is None:
        return []
    return [item.number for item in meeting.agenda.walk() if item.number]


def recordable_items(meeting: Meeting) -> tuple[AgendaItem, ...]:
    """The agenda's numbered top-level items, which recording walks (breaks are skipped)."""
    if meeting.agenda is None:
        return ()
    return tuple(
        item
        for item in meeting.agenda.items
        if item.number and item.kind is not AgendaItemKind.BREAK
    )


def agenda_item(meeting: Meeting, number: str) -> AgendaItem:
    """The agenda item numbered ``number``; :class:`MeetingError` listing the numbers if none."""
    if meeting.agenda is not None:
        for item in meeting.agenda.walk():
            if item.number == number:
                return item
    known = ", ".join(_item_numbers(meeting)) or "none; the meeting has no numbered agenda"
    raise MeetingError(f"meeting {meeting.id!r} has no agenda item {number!r} (items: {known})")


def _evolve(meeting: Meeting, **changes: Any) -> Meeting:
    try:
        return attrs.evolve(meeting, **changes)
    except ModelError as exc:
        raise MeetingError(f"meeting {meeting.id!r}: {exc}") from None


def set_decisions(meeting: Meeting, item: str, texts: Sequence[str]) -> Meeting:
    """The meeting with ``texts`` as the decisions under agenda item ``item`` (replacing any)."""
    agenda_item(meeting, item)
    kept = [decision for decision in meeting.decisions if decision.item != item]
    new = [Decision(" ".join(text.split()), item) for text in texts if text.strip()]
    # Decisions in agenda order (as the minutes and the follow-up list them); those under no
    # item last, each group in the order taken down.
    order = {number: index for index, number in enumerate(_item_numbers(meeting))}
    decisions = sorted([*kept, *new], key=lambda d: order.get(d.item, len(order)))
    return _evolve(meeting, decisions=tuple(decisions))


def add_action(meeting: Meeting, action: ActionItem) -> Meeting:
    """The meeting with ``action`` added; an identical action already there is not repeated.

    Raises :class:`MeetingError` when its agenda item does not exist or it is due before the
    meeting.
    """
    if action.item:
        agenda_item(meeting, action.item)
    if action.due is not None and action.due < meeting.start.date():
        raise MeetingError(
            f"meeting {meeting.id!r}: the action item {action.what!r} is due "
            f"{action.due.isoformat()}, before the meeting on {meeting.start.date().isoformat()}; "
            "give a due date on or after the meeting day"
        )
    if action in meeting.action_items:
        return meeting
    return _evolve(meeting, action_items=(*meeting.action_items, action))


def owner_warning(meeting: Meeting, owner: str, what: str = "") -> str | None:
    """A Danish warning when ``owner`` is neither a participant nor an attending organisation."""
    if meeting.participant(owner) is not None:
        return None
    wanted = " ".join(owner.split()).casefold()
    if any(d.organisation.name.casefold() == wanted for d in meeting.delegations):
        return None
    task = f" for »{what}«" if what else ""
    return (
        f"Den ansvarlige{task}, »{owner}«, er ikke blandt mødets deltagere; tjek stavemåden, "
        "eller tilføj personen som deltager."
    )


def _replace_participant(
    meeting: Meeting, name: str, change: Callable[[Participant], Participant]
) -> Meeting:
    target = meeting.participant(name)
    if target is None:
        names = ", ".join(p.person.name for p in meeting.participants()) or "none"
        raise MeetingError(f"meeting {meeting.id!r} has no participant {name!r} (has: {names})")
    delegations = tuple(
        attrs.evolve(
            delegation,
            participants=tuple(change(p) if p is target else p for p in delegation.participants),
        )
        for delegation in meeting.delegations
    )
    return _evolve(meeting, delegations=delegations)


def set_attendance(meeting: Meeting, name: str, attendance: Attendance) -> Meeting:
    """The meeting with participant ``name``'s attendance set."""
    return _replace_participant(
        meeting, name, lambda participant: attrs.evolve(participant, attendance=attendance)
    )


def add_guest(meeting: Meeting, guest: Participant) -> Meeting:
    """The meeting with ``guest`` (who has ``guest_items``) in their organisation's delegation.

    A participant of the same name is replaced. The organisation is the person's, or the
    cluster's delegation when the person has none.
    """
    if not guest.guest_items:
        raise MeetingError(f"guest {guest.person.name!r}: give the agenda items they attend")
    for number in guest.guest_items:
        agenda_item(meeting, number)
    same = meeting.participant(guest.person.name)
    if same is not None:
        kept = tuple(
            attrs.evolve(
                delegation, participants=tuple(p for p in delegation.participants if p is not same)
            )
            for delegation in meeting.delegations
        )
        meeting = attrs.evolve(meeting, delegations=tuple(d for d in kept if d.participants))
    organisation = guest.person.organisation.strip()
    delegations = list(meeting.delegations)
    if not organisation:
        cluster = [d for d in delegations if d.organisation.kind is OrganisationKind.CLUSTER]
        organisation = (cluster or delegations)[0].organisation.name if delegations else "Gæster"
    for index, delegation in enumerate(delegations):
        if delegation.organisation.name.casefold() == organisation.casefold():
            delegations[index] = attrs.evolve(
                delegation, participants=(*delegation.participants, guest)
            )
            break
    else:
        kind = organisation_kind(organisation)
        delegations.append(Delegation(Organisation(organisation, kind), (guest,)))
    return _evolve(meeting, delegations=tuple(delegations))


def _mark_recorded(meeting: Meeting, item: str) -> Meeting:
    if item in meeting.recorded_items:
        return meeting
    return _evolve(meeting, recorded_items=(*meeting.recorded_items, item))


# -- meeting files --------------------------------------------------------------------------


def backup_path(path: str | Path) -> Path:
    """Where saving ``path`` keeps the version it replaces: ``møde.yaml`` → ``møde.yaml.bak``."""
    path = Path(path)
    return path.with_name(path.name + BACKUP_SUFFIX)


@attrs.define
class MeetingFile:
    """A meeting file as read, to save changed versions of the meeting back to.

    :meth:`save` writes atomically (never half a file) and first keeps the version it
    replaces as :func:`backup_path`. It refuses to overwrite the file when something else has
    changed it since it was read.
    """

    path: Path
    meeting: Meeting
    _text: str = attrs.field(alias="text")

    @classmethod
    def open(cls, path: str | Path) -> MeetingFile:
        """Read the meeting in ``path`` (``.yaml``, ``.yml`` or ``.json``)."""
        from klyngepakke.conversion import format_for_path, loads
        from klyngepakke.errors import DocumentError, Problem

        path = Path(path)
        try:
            format = format_for_path(path)
            text = path.read_text(encoding="utf-8")
        except ValueError as exc:
            message = str(exc).split(": ", 1)[-1]
            raise DocumentError(str(path), [Problem((), message)]) from None
        except FileNotFoundError:
            raise DocumentError(str(path), [Problem((), "no such file")]) from None
        except OSError as exc:
            raise DocumentError(str(path), [Problem((), exc.strerror or str(exc))]) from None
        return cls(path, loads(text, format, Meeting, source=str(path)), text)

    def save(self, meeting: Meeting) -> None:
        """Write ``meeting`` to the file, keeping the current version as the backup."""
        from klyngepakke.conversion import dumps, format_for_path
        from klyngepakke.fileio import atomic_write_text

        text = dumps(meeting, format_for_path(self.path))
        if text == self._text:
            self.meeting = meeting
            return
        try:
            current = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            current = None
        if current != self._text:
            raise MeetingError(
                f"{self.path}: the file was changed or removed by someone else since it was "
                "read; nothing was saved. Run the command again to start from the new version"
            )
        atomic_write_text(backup_path(self.path), self._text, force=True)
        atomic_write_text(self.path, text, force=True)
        self.meeting = meeting
        self._text = text


# -- recording in the terminal --------------------------------------------------------------

_OTHER_OWNER: Final = "<anden>"


def _item_heading(item: AgendaItem, position: int, count: int) -> str:
    when = (
        f" (kl. {format_time(item.slot.start)}-{format_time(item.slot.end)})" if item.slot else ""
    )
    return f"\nPunkt {item.number}: {item.title}{when}  [{position} af {count}]\n"


def _due(meeting: Meeting) -> Callable[[str], dt.date | None]:
    day = meeting.start.date()

    def parse(text: str) -> dt.date | None:
        if not text.strip():
            return None
        due = parse_date(text)
        if due < day:
            raise ValueError(
                f"Fristen {format_date(due)} ligger før mødet ({format_date(day)}); skriv en "
                "senere dato, eller lad feltet stå tomt"
            )
        return due

    return parse


def _required(text: str) -> str:
    if not text.strip():
        raise ValueError("Skriv noget her.")
    return " ".join(text.split())


def _ask_attendance(file: MeetingFile, prompts: Prompts, out: TextIO) -> None:
    meeting = file.meeting
    out.write("\nFremmøde\n")
    members = [p for p in meeting.participants() if not p.is_guest]
    if members and not prompts.confirm("Deltog alle indbudte som planlagt?"):
        for participant in members:
            current = participant.attendance
            choices = [(current.value, current.label)] + [
                (a.value, a.label) for a in Attendance if a is not current
            ]
            who = participant.person.name
            if participant.person.organisation:
                who += f" ({participant.person.organisation})"
            answer = Attendance(prompts.select(f"{who}:", choices))
            if answer is not current:
                file.save(set_attendance(file.meeting, participant.person.name, answer))
    while prompts.confirm("Deltog der gæster i enkelte punkter?"):
        name = ask_until_valid(prompts, "Gæstens navn:", "", _required, out)
        title = prompts.text("Titel:", "").strip()
        organisation = prompts.text("Organisation:", "").strip()
        items = ask_until_valid(
            prompts,
            "Hvilke punkter deltog gæsten i? (fx 2, 4)",
            "",
            lambda text: parse_item_numbers(text, file.meeting),
            out,
        )
        virtual = prompts.confirm("Deltog gæsten virtuelt?")
        guest = Participant(
            Person(name, title, organisation),
            Attendance.VIRTUAL if virtual else Attendance.PRESENT,
            guest_items=items,
        )
        file.save(add_guest(file.meeting, guest))
    file.save(_evolve(file.meeting, attendance_recorded=True))


def _ask_owner(meeting: Meeting, prompts: Prompts, out: TextIO) -> str:
    choices = []
    for participant in meeting.participants():
        if participant.attendance is Attendance.ABSENT:
            continue
        label = participant.person.name
        if participant.person.organisation:
            label += f" ({participant.person.organisation})"
        choices.append((participant.person.name, label))
    choices += [(d.organisation.name, d.organisation.name) for d in meeting.delegations]
    choices.append((_OTHER_OWNER, "En anden …"))
    owner = prompts.select("Hvem er ansvarlig?", choices)
    if owner == _OTHER_OWNER:
        owner = ask_until_valid(prompts, "Ansvarlig (navn):", "", _required, out)
    return owner


def _ask_item(
    file: MeetingFile, item: AgendaItem, prompts: Prompts, out: TextIO, warn: Callable[[str], None]
) -> None:
    number = item.number
    earlier = " ".join(d.text for d in file.meeting.decisions if d.item == number)
    decision = prompts.text(f"Beslutning/referat for punkt {number} (tom: ingen):", earlier)
    file.save(set_decisions(file.meeting, number, [decision]))
    for action in file.meeting.action_items:
        if action.item == number:
            due = f", frist {format_date(action.due)}" if action.due else ""
            out.write(f"  Noteret handling: {action.what} ({action.owner}{due})\n")
    while prompts.confirm(f"Tilføj en handling under punkt {number}?"):
        what = ask_until_valid(prompts, "Hvad skal gøres?", "", _required, out)
        owner = _ask_owner(file.meeting, prompts, out)
        deadline = ask_until_valid(
            prompts, "Frist (fx 2027-04-30; tom: ingen frist):", "", _due(file.meeting), out
        )
        action = ActionItem(what, owner, due=deadline, item=number)
        warning = owner_warning(file.meeting, owner, what)
        if warning:
            warn(warning)
        file.save(add_action(file.meeting, action))
    file.save(_mark_recorded(file.meeting, number))


def record_meeting(
    file: MeetingFile,
    prompts: Prompts,
    out: TextIO,
    *,
    items: Sequence[str] = (),
    attendance: bool | None = None,
    warn: Callable[[str], None] | None = None,
) -> Meeting:
    """Walk the agenda asking for decisions and action items, and attendance first.

    Every answer is saved at once (see :meth:`MeetingFile.save`); the meeting file remembers
    which items are done (:attr:`~klyngepakke.model.Meeting.recorded_items`), so after an
    interruption the next call goes on from the first item not done. ``items`` asks for those
    items again, even if done; ``attendance`` forces (``True``) or skips (``False``) the
    attendance questions, which are otherwise asked until answered once. ``warn`` receives
    Danish warnings (an owner who is not a participant).
    """

    def say(message: str) -> None:
        out.write(f"  Advarsel: {message}\n")

    warn = warn or say
    walk = recordable_items(file.meeting)
    if not walk:
        raise MeetingError(
            f"{file.path}: the meeting has no numbered agenda items to record decisions under"
        )
    for number in items:
        agenda_item(file.meeting, number)
    out.write(f"{file.meeting.title}\n{_when(file.meeting)}\n")
    ask_attendance = not file.meeting.attendance_recorded if attendance is None else attendance
    if ask_attendance:
        _ask_attendance(file, prompts, out)
    for position, item in enumerate(walk, start=1):
        if items and item.number not in items:
            continue
        if not items and item.number in file.meeting.recorded_items:
            continue
        out.write(_item_heading(item, position, len(walk)))
        _ask_item(file, item, prompts, out, warn)
    left = [item.number for item in walk if item.number not in file.meeting.recorded_items]
    if left:
        out.write(f"\nPunkt {', '.join(left)} mangler stadig.\n")
    else:
        out.write("\nAlle punkter er noteret.\n")
    return file.meeting


def _when(meeting: Meeting) -> str:
    day = format_date(meeting.start.date(), weekday=True)
    return f"{day} kl. {format_time(meeting.start)}-{format_time(meeting.end)}"


# -- following up ---------------------------------------------------------------------------


_SHORTEST_FOLLOW_UP_DAYS: Final = 180


def _follow_up_interval(package: ClusterPackage | None) -> RelativeDeadline:
    """The runbook's last deadline after the meeting if half a year or more, else a year.

    A package's runbook ends with the follow-up (akutfunktioner: "1 year after"); a runbook
    whose last task is soon after the meeting (sending the minutes) says nothing about it.
    """
    if package is None or package.runbook is None:
        return DEFAULT_FOLLOW_UP
    after = [
        task.deadline
        for task in package.runbook.tasks
        if task.phase is Phase.AFTER
        and task.deadline is not None
        and task.deadline.approximate_days >= _SHORTEST_FOLLOW_UP_DAYS
    ]
    return max(after, key=lambda deadline: deadline.approximate_days, default=DEFAULT_FOLLOW_UP)


def follow_up_date(
    meeting: Meeting,
    package: ClusterPackage | None = None,
    *,
    holidays: HolidayLookup | None = None,
) -> tuple[dt.date, str]:
    """When to follow ``meeting`` up, and a Danish note on how the day was chosen ("" if plain).

    The interval is the package's advice (the latest deadline after the meeting in its
    runbook, such as "1 year after", if half a year or more), or :data:`DEFAULT_FOLLOW_UP`.
    The day is the one nearest to that date on the meeting's weekday (clusters keep their
    meeting day); a public holiday moves it to the working day before.
    """
    interval = _follow_up_interval(package)
    nominal = _shift(meeting.start.date(), interval)
    shift = (meeting.start.weekday() - nominal.weekday()) % 7
    day = nominal + dt.timedelta(days=shift - 7 if shift > 3 else shift)
    moved, reason = _working_day_on_or_before(day, holidays or _holidays_around(day))
    notes = []
    if day != nominal:
        notes.append(
            f"{interval.label.capitalize()} mødet er {format_date(nominal, weekday=True)}; "
            f"opfølgningen er lagt på samme ugedag som mødet, {format_date(day, weekday=True)}."
        )
    if moved != day:
        notes.append(
            f"{format_date(day, weekday=True).capitalize()} er en fridag ({reason}); "
            f"opfølgningen er rykket til {format_date(moved, weekday=True)}."
        )
    return moved, " ".join(notes)


def _action_point(action: ActionItem, origin: Meeting, previous: Meeting) -> str:
    details = [action.owner]
    if action.due is not None:
        details.append(f"frist {format_date(action.due)}")
    if action.status is not ActionStatus.OPEN:
        details.append(action.status.label.lower())
    if origin is not previous:
        details.append(f"fra mødet {format_date(origin.start.date())}")
    return f"{action.what} ({', '.join(details)})"


def _decision_point(decision: Decision) -> str:
    return f"Punkt {decision.item}: {decision.text}" if decision.item else decision.text


def _review_items(meeting: Meeting, earlier: Sequence[Meeting], minutes: int) -> list[AgendaItem]:
    day = format_date(meeting.start.date())
    open_actions = [
        _action_point(action, origin, meeting)
        for origin in (*earlier, meeting)
        for action in origin.open_action_items()
    ]
    review = []
    if open_actions:
        review.append(
            AgendaItem(
                f"{ACTIONS_REVIEW_TITLE} {day}",
                purpose=ItemPurpose.DISCUSSION,
                minutes=minutes,
                description="Er handlingerne udført? Hvad mangler, og hvem gør hvad nu?",
                points=tuple(open_actions),
            )
        )
    if meeting.decisions:
        review.append(
            AgendaItem(
                f"{DECISIONS_REVIEW_TITLE} {day}",
                purpose=ItemPurpose.DISCUSSION,
                minutes=minutes,
                description="Er beslutningerne ført ud i livet, og har de gjort en forskel?",
                points=tuple(_decision_point(decision) for decision in meeting.decisions),
            )
        )
    return review


def _fresh(item: AgendaItem) -> AgendaItem:
    """An earlier meeting's item for a new agenda: no number, clock times or decision."""
    minutes = item.minutes
    if minutes is None and item.slot is not None:
        minutes = item.slot.minutes
    return attrs.evolve(
        item,
        number="",
        slot=None,
        minutes=minutes,
        decision="",
        items=tuple(_fresh(child) for child in item.items),
    )


def _is_review(item: AgendaItem) -> bool:
    return item.title.startswith((ACTIONS_REVIEW_TITLE, DECISIONS_REVIEW_TITLE))


def meeting_chain(meeting: Meeting, others: Iterable[Meeting]) -> list[Meeting]:
    """The meetings ``meeting`` follows up, oldest first, as far as ``others`` has them."""
    by_id = {other.id: other for other in others}
    chain: list[Meeting] = []
    seen = {meeting.id}
    previous = meeting.previous
    while previous is not None and previous in by_id and previous not in seen:
        seen.add(previous)
        chain.append(by_id[previous])
        previous = by_id[previous].previous
    return chain[::-1]


def follow_up_meeting(
    meeting: Meeting,
    *,
    start: dt.datetime | None = None,
    package: ClusterPackage | None = None,
    earlier: Sequence[Meeting] = (),
    place: str | None = None,
    meeting_id: str | None = None,
    review_minutes: int = 10,
    holidays: HolidayLookup | None = None,
) -> Meeting:
    """The meeting that follows ``meeting`` up.

    Its agenda starts with the open action items (those of ``earlier`` meetings in the chain
    too, marked with their meeting's date) and the decisions to review, ``review_minutes``
    each, followed by the package's programme (or, without the package, ``meeting``'s own
    agenda again), numbered and timed. ``start`` defaults to :func:`follow_up_date` at the
    same clock time. Participants are invited again (guests are not); ``previous`` is
    ``meeting``'s id.
    """
    if start is None:
        day, _ = follow_up_date(meeting, package, holidays=holidays)
        start = danish_time(meeting, day, meeting_clock(meeting))
    elif start.tzinfo is None and meeting.start.tzinfo is not None:
        start = start.replace(tzinfo=COPENHAGEN)
    if _in_danish_time(start) <= _in_danish_time(meeting.start):
        raise MeetingError(
            f"the follow-up of {meeting.id!r} must be after it ({meeting.start:%Y-%m-%d %H:%M}); "
            f"got {start:%Y-%m-%d %H:%M}"
        )
    if package is not None:
        body = list(package.programme.items)
    elif meeting.agenda is not None:
        body = [_fresh(item) for item in meeting.agenda.items if not _is_review(item)]
    else:
        body = []
    review = _review_items(meeting, earlier, review_minutes)
    items = _numbered([*review, *body])
    if not items:
        items = (AgendaItem("Opfølgning på sidste møde", number="1", minutes=review_minutes),)
    known = [item.duration for item in items]
    total = sum(d for d in known if d is not None) if None not in known else None
    length = total or (sum(i.duration or 0 for i in review) + meeting.minutes)
    agenda = Agenda(_timed(items, start.time(), total), total, start.time())
    invited = tuple(
        attrs.evolve(
            delegation,
            participants=tuple(
                attrs.evolve(p, attendance=Attendance.PRESENT)
                for p in delegation.participants
                if not p.is_guest
            ),
        )
        for delegation in meeting.delegations
    )
    try:
        return Meeting(
            id=meeting_id or _follow_up_id(meeting, start.date()),
            title=_follow_up_title(meeting),
            kind=meeting.kind,
            start=start,
            end=start + dt.timedelta(minutes=length),
            place=meeting.place if place is None else place,
            topic=meeting.topic,
            delegations=tuple(d for d in invited if d.participants),
            agenda=agenda,
            previous=meeting.id,
        )
    except ModelError as exc:
        raise MeetingError(f"cannot set up the follow-up of {meeting.id!r}: {exc}") from None


def _in_danish_time(moment: dt.datetime) -> dt.datetime:
    """Naive times in meeting files are Danish time; aware ones are converted to it."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=COPENHAGEN)
    return moment.astimezone(COPENHAGEN)


def danish_time(meeting: Meeting, day: dt.date, clock: dt.time) -> dt.datetime:
    """``day`` at ``clock`` Danish time, naive if ``meeting``'s times are naive.

    A meeting file holds its times with the UTC offset of its own day; a day in summer time
    gets the summer offset.
    """
    if meeting.start.tzinfo is None:
        return dt.datetime.combine(day, clock)
    return dt.datetime.combine(day, clock, COPENHAGEN)


def meeting_clock(meeting: Meeting) -> dt.time:
    """The meeting's start as a Danish clock time."""
    return _in_danish_time(meeting.start).time()


def _follow_up_title(meeting: Meeting) -> str:
    """``Klyngemøde: X`` → ``Opfølgende klyngemøde: X``; other titles get ``Opfølgning:``."""
    label = meeting.kind.label
    if meeting.title.startswith(f"{label}: "):
        return f"Opfølgende {label.lower()}{meeting.title[len(label) :]}"
    if meeting.title.casefold().startswith(("opfølgning", "opfølgende")):
        return meeting.title
    return f"Opfølgning: {meeting.title}"


def _follow_up_id(meeting: Meeting, day: dt.date) -> str:
    base = re.sub(r"-?\d{4}-\d{2}-\d{2}$", "", meeting.id)
    if base == meeting.id:
        base = f"{meeting.id}-opfoelgning"
    return f"{base}-{day.isoformat()}" if base else day.isoformat()


# -- action items across meetings -----------------------------------------------------------

_MEETING_DOCUMENT = re.compile(r"""^\s*["']?document["']?\s*:\s*["']?meeting["']?\s*,?\s*$""", re.M)


def find_meeting_files(folder: str | Path) -> tuple[list[MeetingFile], list[str]]:
    """Every meeting file in ``folder`` (or ``folder`` itself if it is a file), by name.

    Files of other documents are left out. A meeting file that does not load, or a second file
    with a meeting id already seen, becomes a problem (the second list) instead.
    """
    from klyngepakke.conversion import FORMATS
    from klyngepakke.errors import DocumentError

    folder = Path(folder)
    if folder.is_file():
        paths = [folder]
    elif folder.is_dir():
        paths = sorted(p for p in folder.iterdir() if p.suffix.lower() in FORMATS and p.is_file())
    else:
        raise MeetingError(f"{folder}: no such folder")
    files: list[MeetingFile] = []
    problems: list[str] = []
    seen: dict[str, Path] = {}
    for path in paths:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(f"{path}: cannot read: {exc}")
            continue
        if not _MEETING_DOCUMENT.search(text):
            continue
        try:
            file = MeetingFile.open(path)
        except DocumentError as exc:
            problems.append(str(exc))
            continue
        identifier = file.meeting.id
        if identifier in seen:
            problems.append(
                f"{path}: meeting id {identifier!r} is also the id of {seen[identifier]}; "
                "skipped (give one of them another id)"
            )
            continue
        seen[identifier] = path
        files.append(file)
    return files, problems


@attrs.frozen
class ActionRow:
    """One action item of one meeting, as ``klyngepakke actions`` lists it.

    ``number`` counts the meeting's action items from 1: ``MEETING_ID:NUMBER`` names it.
    """

    path: Path
    meeting: Meeting
    number: int
    action: ActionItem
    overdue: bool

    @property
    def item_title(self) -> str:
        """The title of the agenda item the action was agreed under, or ""."""
        if not self.action.item or self.meeting.agenda is None:
            return ""
        for item in self.meeting.agenda.walk():
            if item.number == self.action.item:
                return item.title
        return ""

    @property
    def reference(self) -> str:
        """``MEETING_ID:NUMBER``, which ``klyngepakke actions --set`` takes."""
        return f"{self.meeting.id}:{self.number}"

    def to_data(self) -> dict[str, object]:
        """Plain data for JSON output."""
        return {
            "reference": self.reference,
            "meeting": self.meeting.id,
            "meeting_title": self.meeting.title,
            "meeting_date": self.meeting.start.date().isoformat(),
            "file": str(self.path),
            "number": self.number,
            "item": self.action.item,
            "item_title": self.item_title,
            "what": self.action.what,
            "owner": self.action.owner,
            "due": self.action.due.isoformat() if self.action.due else None,
            "status": self.action.status.value,
            "overdue": self.overdue,
        }


def list_actions(files: Iterable[MeetingFile], today: dt.date) -> list[ActionRow]:
    """Every action item of ``files``' meetings, by meeting date and then in order."""
    rows = [
        ActionRow(file.path, file.meeting, number, action, action.is_overdue(today))
        for file in files
        for number, action in enumerate(file.meeting.action_items, start=1)
    ]
    return sorted(
        rows, key=lambda row: (_in_danish_time(row.meeting.start), row.meeting.id, row.number)
    )


def set_action_status(
    files: Iterable[MeetingFile], meeting_id: str, number: int, status: ActionStatus
) -> ActionRow:
    """Set action item ``number`` (from 1) of meeting ``meeting_id`` to ``status`` and save."""
    found = [file for file in files if file.meeting.id == meeting_id]
    if not found:
        raise MeetingError(f"no meeting file with the id {meeting_id!r} was found")
    file = found[0]
    actions = file.meeting.action_items
    if not 1 <= number <= len(actions):
        raise MeetingError(
            f"{file.path}: meeting {meeting_id!r} has {len(actions)} action item"
            f"{'' if len(actions) == 1 else 's'}, so there is no number {number}"
        )
    changed = attrs.evolve(actions[number - 1], status=status)
    updated = (*actions[: number - 1], changed, *actions[number:])
    file.save(_evolve(file.meeting, action_items=updated))
    return ActionRow(file.path, file.meeting, number, changed, False)
