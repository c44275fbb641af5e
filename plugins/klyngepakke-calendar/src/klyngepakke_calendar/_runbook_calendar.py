"""A dated runbook as a calendar: the meeting, each task as a to-do, optionally each deadline.

Many calendar apps (Google Calendar, Outlook) never show to-dos (``VTODO``), so with
``deadline_events`` each dated task is also an all-day, free-time ``VEVENT``.

UIDs come from the topic, the meeting start, the kind of entry and the task id, so importing
the file again updates the entries instead of adding them twice.
"""

from __future__ import annotations

import datetime as dt

from icalendar import Event, Todo

from klyngepakke.danish import format_date
from klyngepakke.planning import COPENHAGEN, PlannedTask, RunbookPlan
from klyngepakke_calendar._calendar import (
    identify,
    new_calendar,
    serialise,
    stable_uid,
    utc_stamp,
)

__all__ = ["runbook_calendar", "runbook_uid"]


def runbook_uid(plan: RunbookPlan, kind: str, task_id: str = "") -> str:
    """The UID of one entry of ``plan``'s calendar.

    ``kind`` is ``"meeting"``, ``"todo"`` or ``"deadline"``; the name hashed is
    ``meeting-id/kind/task-id`` (no task id for the meeting), so the entries keep their
    UIDs when the meeting moves but keeps its id.
    """
    parts = [plan.meeting_id, kind]
    return stable_uid(*parts, task_id) if task_id else stable_uid(*parts)


def runbook_calendar(
    plan: RunbookPlan, *, deadline_events: bool, now: dt.datetime | None = None
) -> bytes:
    """``plan`` as an RFC 5545 calendar, UTF-8 encoded.

    ``now`` is the DTSTAMP of every entry (the current time if not given); everything else
    depends only on ``plan``.
    """
    stamp = utc_stamp(now)
    start = plan.meeting_start.astimezone(COPENHAGEN)
    end = plan.meeting_end.astimezone(COPENHAGEN)
    calendar = new_calendar(plan.runbook_title, COPENHAGEN, range(start.year, end.year + 1))
    meeting_uid = runbook_uid(plan, "meeting")

    meeting = identify(Event(), meeting_uid, stamp)
    meeting.add("summary", f"Klyngemøde: {plan.package_title}")
    meeting.add("dtstart", start)
    meeting.add("dtend", end)
    meeting.add("description", f"Klyngepakke: {plan.package_title}\nDrejebog: {plan.runbook_title}")
    calendar.add_component(meeting)

    for planned in plan.tasks:
        task = planned.task
        todo = identify(Todo(), runbook_uid(plan, "todo", task.id), stamp)
        todo.add("summary", task.title)
        if planned.due is not None:
            todo.add("due", planned.due)
        todo.add("description", _task_description(planned))
        todo.add("categories", [task.phase.label])
        todo.add("related-to", meeting_uid)
        todo.add("status", "NEEDS-ACTION")
        calendar.add_component(todo)

    if deadline_events:
        for planned in plan.tasks:
            if planned.due is None:
                continue
            task = planned.task
            event = identify(Event(), runbook_uid(plan, "deadline", task.id), stamp)
            event.add("summary", f"Frist: {task.title}")
            event.add("dtstart", planned.due)
            event.add("dtend", planned.due + dt.timedelta(days=1))
            event.add("transp", "TRANSPARENT")
            event.add("description", _task_description(planned))
            event.add("categories", [task.phase.label])
            event.add("related-to", meeting_uid)
            calendar.add_component(event)

    return serialise(calendar)


def _task_description(planned: PlannedTask) -> str:
    task = planned.task
    paragraphs = [f"Ansvarlig: {task.owner.label}"]
    if task.description.strip():
        paragraphs.append(task.description.strip())
    if task.checklist:
        paragraphs.append("\n".join(f"- {point}" for point in task.checklist))
    if planned.moved and planned.nominal is not None:
        paragraphs.append(f"Flyttet fra {format_date(planned.nominal)} ({planned.moved_because})")
    return "\n\n".join(paragraphs)
