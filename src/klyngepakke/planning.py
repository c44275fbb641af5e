"""Put real dates on a runbook.

Each deadline is counted from the meeting day and moved off weekends and Danish public
holidays to the working day before.

The holiday calendar comes from the ``holidays`` library (imported only when planning).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from zoneinfo import ZoneInfo

import attrs

from klyngepakke.danish import format_date
from klyngepakke.errors import KlyngepakkeError
from klyngepakke.model import ClusterPackage, Phase, RelativeDeadline, Task, TimeUnit

__all__ = [
    "COPENHAGEN",
    "PlannedTask",
    "PlanningError",
    "RunbookPlan",
    "danish_holidays",
    "plan_runbook",
    "working_day_on_or_before",
]

COPENHAGEN = ZoneInfo("Europe/Copenhagen")
"""Meetings are planned in Danish time."""

HolidayLookup = Callable[[dt.date], str | None]
"""Returns the name of the public holiday on a day, or ``None``."""


class PlanningError(KlyngepakkeError):
    """A runbook cannot be planned for the meeting given."""


@attrs.frozen
class PlannedTask:
    """A runbook task with its real due date.

    ``nominal`` is the date counted from the meeting; ``due`` is that date moved back to a
    working day, and ``moved_because`` says why (a weekday or a holiday's name) when it moved.
    """

    task: Task
    due: dt.date | None
    nominal: dt.date | None = None
    moved_because: str = ""

    @property
    def moved(self) -> bool:
        """Whether the due date was moved off a weekend or holiday."""
        return self.due != self.nominal


@attrs.frozen
class RunbookPlan:
    """A runbook for one meeting, with dates, in the order of the runbook.

    ``meeting_id`` names the meeting for other systems (calendar UIDs): it stays the same
    when the meeting is moved, and differs between clusters meeting at the same time.
    """

    topic: str
    package_title: str
    runbook_title: str
    meeting_id: str
    meeting_start: dt.datetime
    meeting_end: dt.datetime
    tasks: tuple[PlannedTask, ...]
    ordered: dt.date | None = None
    warnings: tuple[str, ...] = ()

    def phase(self, phase: Phase) -> list[PlannedTask]:
        """The tasks of one phase, by due date (undated last), ties in runbook order."""
        tasks = [planned for planned in self.tasks if planned.task.phase is phase]
        return sorted(tasks, key=lambda p: (p.due is None, p.due or dt.date.max))


def danish_holidays(years: range) -> HolidayLookup:
    """Danish public holidays (``helligdage``) for ``years``, named in Danish."""
    import holidays

    calendar = holidays.country_holidays("DK", years=list(years), language="da")

    def lookup(day: dt.date) -> str | None:
        name = calendar.get(day)
        return str(name) if name else None

    return lookup


def _offset(meeting_day: dt.date, deadline: RelativeDeadline) -> dt.date:
    if deadline.unit in (TimeUnit.DAYS, TimeUnit.WEEKS):
        days = deadline.offset * (7 if deadline.unit is TimeUnit.WEEKS else 1)
        return meeting_day + dt.timedelta(days=days)
    from dateutil.relativedelta import relativedelta

    if deadline.unit is TimeUnit.MONTHS:
        shifted: dt.date = meeting_day + relativedelta(months=deadline.offset)
    else:
        shifted = meeting_day + relativedelta(years=deadline.offset)
    return shifted


def _not_working(day: dt.date, holiday: HolidayLookup) -> str | None:
    name = holiday(day)
    if name:
        return name
    if day.weekday() >= 5:
        return "lørdag" if day.weekday() == 5 else "søndag"
    return None


def working_day_on_or_before(day: dt.date, holiday: HolidayLookup) -> tuple[dt.date, str]:
    """The last working day on or before ``day``, and why ``day`` itself was not one."""
    reason = _not_working(day, holiday) or ""
    while _not_working(day, holiday):
        day -= dt.timedelta(days=1)
    return day, reason


def plan_runbook(
    package: ClusterPackage,
    meeting_start: dt.datetime,
    *,
    ordered: dt.date | None = None,
    meeting_id: str | None = None,
    today: dt.date | None = None,
    holidays: HolidayLookup | None = None,
) -> RunbookPlan:
    """Date every task of ``package``'s runbook for a meeting starting at ``meeting_start``.

    A naive ``meeting_start`` is Danish local time. ``ordered`` is when the package was
    ordered; deadlines it has already passed become warnings. A meeting before ``today`` is a
    :class:`PlanningError`. ``meeting_id`` defaults to the topic and the start time; give
    your own (e.g. cluster and topic) to keep it when the meeting moves.
    """
    if package.runbook is None:
        raise PlanningError(f"the package {package.topic!r} has no runbook to plan")
    start = meeting_start if meeting_start.tzinfo else meeting_start.replace(tzinfo=COPENHAGEN)
    start = start.astimezone(COPENHAGEN)
    if meeting_id is not None and not meeting_id.strip():
        raise PlanningError("the meeting id must not be empty")
    meeting_day = start.date()
    today = today or dt.datetime.now(COPENHAGEN).date()
    if meeting_day < today:
        raise PlanningError(
            f"the meeting date {meeting_day.isoformat()} is in the past "
            f"(today is {today.isoformat()}); give a future --meeting"
        )
    if ordered is not None and ordered > meeting_day:
        raise PlanningError(
            f"the order date {ordered.isoformat()} is after the meeting ({meeting_day.isoformat()})"
        )
    nominal = {
        task.id: _offset(meeting_day, task.deadline) if task.deadline is not None else None
        for task in package.runbook.tasks
    }
    dated = [d for d in nominal.values() if d is not None]
    years = range(min([meeting_day, *dated]).year, max([meeting_day, *dated]).year + 1)
    holiday = holidays or danish_holidays(years)
    planned = tuple(
        _plan_task(task, nominal[task.id], holiday, meeting_day) for task in package.runbook.tasks
    )
    end = start + dt.timedelta(minutes=package.meeting_minutes)
    warnings = [
        *_meeting_day_warnings(meeting_day, holiday),
        *_order_warnings(planned, ordered),
        *_overdue_warnings(planned, today),
    ]
    return RunbookPlan(
        topic=package.topic,
        package_title=package.title,
        runbook_title=package.runbook.title,
        meeting_id=meeting_id or f"{package.topic}-{start:%Y%m%dT%H%M}",
        meeting_start=start,
        meeting_end=end,
        tasks=planned,
        ordered=ordered,
        warnings=tuple(warnings),
    )


def _plan_task(
    task: Task, nominal: dt.date | None, holiday: HolidayLookup, meeting_day: dt.date
) -> PlannedTask:
    if nominal is None:
        return PlannedTask(task, None)
    if task.phase is Phase.DURING:
        return PlannedTask(task, nominal, nominal)
    due, reason = working_day_on_or_before(nominal, holiday)
    if task.phase is Phase.AFTER and due <= meeting_day < nominal:
        # Moving back would put an after-meeting task on or before the meeting: move forward.
        due = nominal
        while _not_working(due, holiday):
            due += dt.timedelta(days=1)
    return PlannedTask(task, due, nominal, reason if due != nominal else "")


def _meeting_day_warnings(day: dt.date, holiday: HolidayLookup) -> Iterator[str]:
    reason = _not_working(day, holiday)
    if reason:
        yield f"Mødet ligger på en fridag ({reason}, {format_date(day, weekday=True)})."


def _order_warnings(planned: tuple[PlannedTask, ...], ordered: dt.date | None) -> Iterator[str]:
    if ordered is None:
        return
    late = [p for p in planned if p.due is not None and p.due < ordered]
    if not late:
        return
    first = min(late, key=lambda p: p.due or dt.date.max)
    assert first.due is not None
    assert first.task.deadline is not None
    days = (ordered - first.due).days
    yield (
        f"Pakken er bestilt {format_date(ordered)}, {days} {'dag' if days == 1 else 'dage'} "
        f"efter fristen for »{first.task.title}« ({first.task.deadline.label} mødet: "
        f"{format_date(first.due)})."
    )
    others = [p for p in late if p is not first]
    if others:
        titles = ", ".join(f"»{p.task.title}«" for p in others)
        yield f"Disse frister lå også før bestillingen og kan ikke nås som planlagt: {titles}."


def _overdue_warnings(planned: tuple[PlannedTask, ...], today: dt.date) -> Iterator[str]:
    overdue = [p for p in planned if p.due is not None and p.due < today]
    if overdue:
        listed = ", ".join(f"»{p.task.title}« ({format_date(p.due)})" for p in overdue if p.due)
        yield f"Disse frister er allerede overskredet: {listed}."
