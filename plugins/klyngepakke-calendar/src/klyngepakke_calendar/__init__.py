"""Calendar export for klyngepakke: a dated runbook or a meeting as an RFC 5545 ``.ics`` file.

``klyngepakke plan TOPIC --meeting ... --ics PATH`` and ``klyngepakke export MEETING -f ics``
use the ``ics`` exporter registered here. The ``icalendar`` library is imported only when a
file is written, so loading the plugin (for ``klyngepakke --help``, say) stays cheap.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, ClassVar

from klyngepakke.errors import ExportError
from klyngepakke.exporters import Exporter, option_flag
from klyngepakke.hookspecs import hookimpl
from klyngepakke.model import Meeting
from klyngepakke.planning import RunbookPlan

__all__ = ["IcsExporter", "register_exporters"]

_PLAN_OPTIONS = frozenset({"deadline_events"})
_MEETING_OPTIONS = frozenset({"previous", "sequence"})


class IcsExporter(Exporter):
    """A runbook plan or a meeting as iCalendar: events, and to-dos for what is to be done."""

    name = "ics"
    description = (
        "iCalendar file: a runbook plan (meeting event, a to-do per task) or a meeting "
        "(event with attendees and agenda, a to-do per action item)"
    )
    accepts = (RunbookPlan, Meeting)
    suffixes = (".ics",)
    options: ClassVar[Mapping[str, str]] = {
        "deadline_events": "runbook plan: yes to also add each deadline as an all-day event",
        "previous": "meeting: the .ics written before; raises SEQUENCE of what changed",
        "sequence": "meeting: the event's SEQUENCE number, if the earlier file is gone",
    }

    def export(self, obj: Any, destination: Path, options: Mapping[str, str]) -> None:
        """Write the plan or meeting ``obj`` as a UTF-8 ``.ics`` file."""
        if isinstance(obj, Meeting):
            _refuse(options, _PLAN_OPTIONS, "a runbook plan")
            destination.write_bytes(_meeting_bytes(obj, options))
            return
        from klyngepakke_calendar._runbook_calendar import runbook_calendar

        _refuse(options, _MEETING_OPTIONS, "a meeting")
        deadline_events = option_flag(options, "deadline_events")
        destination.write_bytes(runbook_calendar(obj, deadline_events=deadline_events))


def _refuse(options: Mapping[str, str], names: frozenset[str], applies_to: str) -> None:
    misplaced = sorted(names & set(options))
    if misplaced:
        raise ExportError(f"option {misplaced[0]} applies to {applies_to} only")


def _meeting_bytes(meeting: Meeting, options: Mapping[str, str]) -> bytes:
    from klyngepakke_calendar._meeting_calendar import meeting_calendar

    previous = None
    previous_name = "the previous calendar"
    if "previous" in options:
        path = Path(options["previous"])
        previous_name = str(path)
        try:
            previous = path.read_bytes()
        except FileNotFoundError:
            raise ExportError(f"option previous={path}: no such file") from None
        except OSError as exc:
            raise ExportError(f"option previous={path}: {exc.strerror or exc}") from None
    sequence = None
    if "sequence" in options:
        text = options["sequence"].strip()
        if not text.isdigit():
            raise ExportError(f"option sequence={options['sequence']!r} is not a whole number")
        sequence = int(text)
    return meeting_calendar(
        meeting, previous=previous, previous_name=previous_name, sequence=sequence
    )


@hookimpl
def register_exporters(register: Callable[[Exporter], None]) -> None:
    """Register the ``ics`` exporter."""
    register(IcsExporter())
