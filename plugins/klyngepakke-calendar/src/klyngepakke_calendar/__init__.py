"""Calendar export for klyngepakke: a dated runbook as an RFC 5545 ``.ics`` file.

``klyngepakke plan TOPIC --meeting ... --ics PATH`` uses the ``ics`` exporter registered
here. The ``icalendar`` library is imported only when a file is written, so loading the
plugin (for ``klyngepakke --help``, say) stays cheap.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, ClassVar

from klyngepakke.exporters import Exporter, option_flag
from klyngepakke.hookspecs import hookimpl
from klyngepakke.planning import RunbookPlan

__all__ = ["IcsExporter", "register_exporters"]


class IcsExporter(Exporter):
    """A runbook plan as iCalendar: the meeting as an event, each task as a to-do."""

    name = "ics"
    description = "iCalendar file: the meeting as an event, each runbook task as a to-do"
    accepts = (RunbookPlan,)
    suffixes = (".ics",)
    options: ClassVar[Mapping[str, str]] = {
        "deadline_events": "yes: also add each deadline as an all-day event",
    }

    def export(self, obj: Any, destination: Path, options: Mapping[str, str]) -> None:
        """Write the plan ``obj`` as a UTF-8 ``.ics`` file."""
        from klyngepakke_calendar._runbook_calendar import runbook_calendar

        deadline_events = option_flag(options, "deadline_events")
        destination.write_bytes(runbook_calendar(obj, deadline_events=deadline_events))


@hookimpl
def register_exporters(register: Callable[[Exporter], None]) -> None:
    """Register the ``ics`` exporter."""
    register(IcsExporter())
