from __future__ import annotations

import datetime as dt
import subprocess
import sys
import uuid
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path
from typing import Any

import icalendar
import pytest

import klyngepakke
import klyngepakke_calendar
from klyngepakke.cli import main
from klyngepakke.errors import ExportError
from klyngepakke.model import (
    Agenda,
    AgendaItem,
    AgendaItemKind,
    ClusterPackage,
    Meeting,
    Phase,
    RelativeDeadline,
    Role,
    Runbook,
    Task,
)
from klyngepakke.planning import COPENHAGEN, RunbookPlan, plan_runbook
from klyngepakke.plugins import ENTRY_POINT_GROUP, PluginRegistry
from klyngepakke.testing import registered_plugins
from klyngepakke_calendar._calendar import UID_NAMESPACE
from klyngepakke_calendar._runbook_calendar import runbook_calendar

MEETING = dt.datetime(2030, 3, 11, 16, 0)  # a Monday
HOLIDAY = dt.date(2030, 3, 4)  # "1 week before" lands here and moves to Friday 1 March
LONG_POINT = (
    "Aftal hvem der åbner mødet, hvem der styrer tiden, og hvordan I sikrer, at både læger, "
    "sygeplejersker og kommunens medarbejdere får ordet undervejs"
)


def fixed_holidays(day: dt.date) -> str | None:
    return "Prøvehelligdag" if day == HOLIDAY else None


def make_package() -> ClusterPackage:
    return ClusterPackage(
        topic="proeveemne",
        title="Ældre, døgnrytme og åbne spørgsmål",
        version="1.0",
        purpose="At prøve kalendereksporten af.",
        programme=Agenda(
            items=(
                AgendaItem("Velkomst", kind=AgendaItemKind.INTRODUCTION, minutes=15),
                AgendaItem("Drøftelse i grupper", kind=AgendaItemKind.BLOCK, minutes=90),
                AgendaItem("Opsamling", kind=AgendaItemKind.BLOCK, minutes=15),
            ),
            minutes=120,
        ),
        runbook=Runbook(
            title="Drejebog for prøvemødet om ældre",
            tasks=(
                Task(
                    "bestil",
                    "Bestil klyngepakken",
                    Phase.BEFORE,
                    Role.CLUSTER_COORDINATOR,
                    description="Bestil pakken på kiap.dk; en konsulent ringer op.",
                    deadline=RelativeDeadline.parse("8 weeks before"),
                ),
                Task(
                    "materialer",
                    "Læs materialerne",
                    Phase.BEFORE,
                    Role.CLUSTER_MEMBERS,
                ),
                Task(
                    "formoede",
                    "Hold formøde med kommunen",
                    Phase.BEFORE,
                    Role.CHAIR,
                    deadline=RelativeDeadline.parse("1 week before"),
                    depends_on=("bestil",),
                    checklist=("Gå resultaterne igennem", LONG_POINT),
                ),
                Task(
                    "referent",
                    "Udpeg en referent",
                    Phase.DURING,
                    Role.CHAIR,
                    deadline=RelativeDeadline.parse("on the day"),
                ),
                Task(
                    "opfoelgning",
                    "Følg op med nye data",
                    Phase.AFTER,
                    Role.CLUSTER_COORDINATOR,
                    deadline=RelativeDeadline.parse("1 year after"),
                ),
            ),
        ),
    )


@pytest.fixture
def package() -> ClusterPackage:
    return make_package()


@pytest.fixture
def plan(package: ClusterPackage) -> RunbookPlan:
    return plan_runbook(package, MEETING, today=dt.date(2030, 1, 1), holidays=fixed_holidays)


@pytest.fixture
def calendar_plugin() -> Iterator[PluginRegistry]:
    with registered_plugins(klyngepakke_calendar) as registry:
        yield registry


def export(plan: RunbookPlan, path: Path, **options: str) -> icalendar.Calendar:
    written = klyngepakke.export(plan, "ics", path, options=options)
    assert written == path
    return icalendar.Calendar.from_ical(path.read_bytes())


def meeting_of(calendar: icalendar.Calendar) -> Any:
    (meeting,) = [e for e in calendar.walk("VEVENT") if "DTEND" in e and _is_timed(e)]
    return meeting


def _is_timed(component: Any) -> bool:
    return isinstance(component.decoded("DTSTART"), dt.datetime)


def todos_by_summary(calendar: icalendar.Calendar) -> dict[str, Any]:
    return {str(todo["SUMMARY"]): todo for todo in calendar.walk("VTODO")}


def uids(calendar: icalendar.Calendar) -> list[str]:
    return [str(c["UID"]) for c in calendar.walk() if c.name in ("VEVENT", "VTODO")]


# -- the plan itself, so the expectations below are meaningful ---------------------------------


def test_the_plan_has_the_dates_the_tests_rely_on(plan: RunbookPlan) -> None:
    due = {p.task.id: p.due for p in plan.tasks}
    assert due == {
        "bestil": dt.date(2030, 1, 14),
        "materialer": None,
        "formoede": dt.date(2030, 3, 1),
        "referent": dt.date(2030, 3, 11),
        "opfoelgning": dt.date(2031, 3, 11),
    }
    assert plan.meeting_start == dt.datetime(2030, 3, 11, 16, 0, tzinfo=COPENHAGEN)


# -- exporting ---------------------------------------------------------------------------------


def test_exporter_is_registered(calendar_plugin: PluginRegistry) -> None:
    found = calendar_plugin.exporters()["ics"]
    assert found.plugin == "klyngepakke_calendar"
    exporter = found.item
    assert exporter.accepts == (RunbookPlan, Meeting)
    assert exporter.suffixes == (".ics",)
    assert set(exporter.options) == {"deadline_events", "previous", "sequence"}
    assert exporter.description


def test_calendar_holds_the_meeting_and_a_todo_per_task(
    calendar_plugin: PluginRegistry, plan: RunbookPlan, tmp_path: Path
) -> None:
    calendar = export(plan, tmp_path / "x.ics")
    assert str(calendar["PRODID"]) == "-//KiAP//klyngepakke//DA"
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["CALSCALE"]) == "GREGORIAN"
    assert str(calendar["X-WR-CALNAME"]) == "Drejebog for prøvemødet om ældre"

    (timezone,) = calendar.walk("VTIMEZONE")
    assert str(timezone["TZID"]) == "Europe/Copenhagen"

    (meeting,) = calendar.walk("VEVENT")
    start = meeting.decoded("DTSTART")
    assert start == plan.meeting_start
    assert start.tzinfo is not None
    assert start.utcoffset() == dt.timedelta(hours=1)
    assert meeting["DTSTART"].params["TZID"] == "Europe/Copenhagen"
    assert meeting["DTEND"].params["TZID"] == "Europe/Copenhagen"
    assert meeting.decoded("DTEND") == plan.meeting_end
    assert str(meeting["SUMMARY"]) == "Klyngemøde: Ældre, døgnrytme og åbne spørgsmål"
    description = str(meeting["DESCRIPTION"])
    assert "Ældre, døgnrytme og åbne spørgsmål" in description
    assert "Drejebog for prøvemødet om ældre" in description

    todos = calendar.walk("VTODO")
    assert [str(t["SUMMARY"]) for t in todos] == [p.task.title for p in plan.tasks]


def test_todos_carry_due_date_owner_phase_and_checklist(
    calendar_plugin: PluginRegistry, plan: RunbookPlan, tmp_path: Path
) -> None:
    calendar = export(plan, tmp_path / "x.ics")
    meeting_uid = str(calendar.walk("VEVENT")[0]["UID"])
    todos = todos_by_summary(calendar)
    for planned in plan.tasks:
        todo = todos[planned.task.title]
        if planned.due is None:
            assert "DUE" not in todo
        else:
            due = todo.decoded("DUE")
            assert type(due) is dt.date
            assert due == planned.due
            assert todo["DUE"].params["VALUE"] == "DATE"
        assert str(todo["STATUS"]) == "NEEDS-ACTION"
        assert todo["CATEGORIES"].cats == [planned.task.phase.label]
        assert str(todo["RELATED-TO"]) == meeting_uid
        assert int(todo["SEQUENCE"]) == 0
        assert str(todo["DESCRIPTION"]).startswith(f"Ansvarlig: {planned.task.owner.label}")

    assert str(todos["Bestil klyngepakken"]["DESCRIPTION"]) == (
        "Ansvarlig: Klyngekoordinator\n\nBestil pakken på kiap.dk; en konsulent ringer op."
    )
    assert str(todos["Hold formøde med kommunen"]["DESCRIPTION"]) == (
        "Ansvarlig: Mødeleder\n\n"
        f"- Gå resultaterne igennem\n- {LONG_POINT}\n\n"
        "Flyttet fra 4. marts 2030 (Prøvehelligdag)"
    )
    assert str(todos["Læs materialerne"]["DESCRIPTION"]) == "Ansvarlig: Klyngens medlemmer"
    assert todos["Udpeg en referent"]["CATEGORIES"].cats == ["Under mødet"]


def test_deadline_events_add_an_all_day_event_per_dated_task(
    calendar_plugin: PluginRegistry, plan: RunbookPlan, tmp_path: Path
) -> None:
    calendar = export(plan, tmp_path / "x.ics", deadline_events="yes")
    events = calendar.walk("VEVENT")
    deadlines = [e for e in events if not _is_timed(e)]
    assert len(events) == 1 + len(deadlines)
    dated = [p for p in plan.tasks if p.due is not None]
    assert len(deadlines) == len(dated) == 4
    meeting_uid = str(meeting_of(calendar)["UID"])
    for planned, event in zip(dated, deadlines, strict=True):
        assert str(event["SUMMARY"]) == f"Frist: {planned.task.title}"
        assert event.decoded("DTSTART") == planned.due
        assert event["DTSTART"].params["VALUE"] == "DATE"
        assert planned.due is not None
        assert event.decoded("DTEND") == planned.due + dt.timedelta(days=1)
        assert str(event["TRANSP"]) == "TRANSPARENT"
        assert str(event["RELATED-TO"]) == meeting_uid
    assert len(calendar.walk("VTODO")) == len(plan.tasks)


@pytest.mark.parametrize("value", ["no", "NO", "false", "0", ""])
def test_deadline_events_can_be_turned_off(
    calendar_plugin: PluginRegistry, plan: RunbookPlan, tmp_path: Path, value: str
) -> None:
    calendar = export(plan, tmp_path / "x.ics", deadline_events=value)
    assert len(calendar.walk("VEVENT")) == 1


def test_a_bad_option_value_is_an_export_error(
    calendar_plugin: PluginRegistry, plan: RunbookPlan, tmp_path: Path
) -> None:
    with pytest.raises(ExportError, match="deadline_events='maybe' is not yes or no"):
        klyngepakke.export(plan, "ics", tmp_path / "x.ics", options={"deadline_events": "maybe"})
    assert list(tmp_path.iterdir()) == []


def test_the_core_refuses_other_objects(
    calendar_plugin: PluginRegistry, package: ClusterPackage, tmp_path: Path
) -> None:
    with pytest.raises(ExportError, match="cannot write a ClusterPackage"):
        klyngepakke.export(package, "ics", tmp_path / "x.ics")


# -- UIDs and DTSTAMP --------------------------------------------------------------------------


def test_uids_are_stable_across_runs_and_unique(plan: RunbookPlan) -> None:
    first_now = dt.datetime(2030, 1, 2, 8, 30, tzinfo=dt.UTC)
    second_now = dt.datetime(2030, 2, 3, 9, 45, 12, 345678, tzinfo=dt.UTC)
    first = icalendar.Calendar.from_ical(
        runbook_calendar(plan, deadline_events=True, now=first_now)
    )
    second = icalendar.Calendar.from_ical(
        runbook_calendar(plan, deadline_events=True, now=second_now)
    )
    assert uids(first) == uids(second)
    assert len(uids(first)) == len(set(uids(first))) == 1 + 5 + 4
    assert all(uid.endswith("@klyngepakke") for uid in uids(first))
    stamps = {c.decoded("DTSTAMP") for c in second.walk() if c.name in ("VEVENT", "VTODO")}
    assert stamps == {dt.datetime(2030, 2, 3, 9, 45, 12, tzinfo=dt.UTC)}


def test_uids_follow_the_documented_recipe(plan: RunbookPlan) -> None:
    calendar = icalendar.Calendar.from_ical(runbook_calendar(plan, deadline_events=False))
    assert plan.meeting_id == "proeveemne-20300311T1600"
    todo = todos_by_summary(calendar)["Bestil klyngepakken"]
    expected = uuid.uuid5(UID_NAMESPACE, "proeveemne-20300311T1600/todo/bestil")
    assert str(todo["UID"]) == f"{expected}@klyngepakke"
    # The namespace is frozen: changing it would duplicate every calendar imported before.
    assert uuid.uuid5(uuid.NAMESPACE_URL, "https://kiap.dk/klyngepakke/calendar") == UID_NAMESPACE


def test_another_meeting_gets_other_uids(package: ClusterPackage, plan: RunbookPlan) -> None:
    later = plan_runbook(
        package, MEETING + dt.timedelta(days=7), today=dt.date(2030, 1, 1), holidays=fixed_holidays
    )
    one = icalendar.Calendar.from_ical(runbook_calendar(plan, deadline_events=True))
    other = icalendar.Calendar.from_ical(runbook_calendar(later, deadline_events=True))
    assert not set(uids(one)) & set(uids(other))


def test_output_is_reproducible_given_now(plan: RunbookPlan) -> None:
    now = dt.datetime(2030, 1, 2, 8, 30, tzinfo=dt.UTC)
    assert runbook_calendar(plan, deadline_events=True, now=now) == runbook_calendar(
        plan, deadline_events=True, now=now
    )


def test_naive_now_is_taken_as_utc(plan: RunbookPlan) -> None:
    aware = runbook_calendar(
        plan, deadline_events=False, now=dt.datetime(2030, 1, 2, tzinfo=dt.UTC)
    )
    naive = runbook_calendar(plan, deadline_events=False, now=dt.datetime(2030, 1, 2))
    assert aware == naive
    assert b"DTSTAMP:20300102T000000Z\r\n" in aware


# -- the bytes: RFC 5545 structure and Danish text ---------------------------------------------


def test_output_is_strict_rfc5545(plan: RunbookPlan) -> None:
    data = runbook_calendar(plan, deadline_events=True)
    assert data.startswith(b"BEGIN:VCALENDAR\r\n")
    assert data.endswith(b"END:VCALENDAR\r\n")
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert b"\r" not in data.replace(b"\r\n", b"")
    lines = data.split(b"\r\n")[:-1]
    too_long = [line for line in lines if len(line) > 75]
    assert too_long == []
    assert any(line.startswith(b" ") for line in lines), "the long checklist line is folded"
    for line in lines:
        line.decode("utf-8")  # no multi-byte character split by folding
    text = data.decode("utf-8")
    assert text.index("BEGIN:VTIMEZONE") < text.index("BEGIN:VEVENT")

    calendar = icalendar.Calendar.from_ical(data)
    entries = [c for c in calendar.walk() if c.name in ("VEVENT", "VTODO")]
    assert len(entries) == 10
    for entry in entries:
        assert "UID" in entry
        assert "DTSTAMP" in entry
        stamp = entry.decoded("DTSTAMP")
        assert stamp.utcoffset() == dt.timedelta(0)
        assert entry.decoded("SEQUENCE") == 0
    for line in lines:
        if line.startswith(b"DTSTAMP"):
            assert line.endswith(b"Z")


def test_danish_text_survives(
    calendar_plugin: PluginRegistry, plan: RunbookPlan, tmp_path: Path
) -> None:
    path = tmp_path / "æøå.ics"
    calendar = export(plan, path, deadline_events="yes")
    raw = path.read_bytes()
    assert "Følg op med nye data".encode() in raw
    assert "Ældre".encode() in raw
    summaries = {str(c["SUMMARY"]) for c in calendar.walk() if "SUMMARY" in c}
    assert {
        "Klyngemøde: Ældre, døgnrytme og åbne spørgsmål",
        "Følg op med nye data",
        "Læs materialerne",
        "Frist: Hold formøde med kommunen",
    } <= summaries
    todo = todos_by_summary(calendar)["Hold formøde med kommunen"]
    assert LONG_POINT in str(todo["DESCRIPTION"])
    assert todo["CATEGORIES"].cats == ["Før mødet"]


# -- the command line --------------------------------------------------------------------------


@pytest.fixture
def package_file(package: ClusterPackage, tmp_path: Path) -> Path:
    return klyngepakke.dump(package, tmp_path / "pakke.yaml")


def test_cli_plan_writes_the_calendar(
    calendar_plugin: PluginRegistry,
    package_file: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = tmp_path / "drejebog.ics"
    argv = ["plan", str(package_file), "--meeting", "2030-03-11T16:00", "--ics", str(path)]
    assert main([*argv, "--deadline-events"]) == 0
    out = capsys.readouterr().out
    assert f"wrote {path} (ics)" in out
    calendar = icalendar.Calendar.from_ical(path.read_bytes())
    assert len(calendar.walk("VTODO")) == 5
    # --deadline-events: the meeting plus one all-day event per dated task
    assert len(calendar.walk("VEVENT")) == 1 + 4
    assert meeting_of(calendar).decoded("DTSTART") == dt.datetime(
        2030, 3, 11, 16, tzinfo=COPENHAGEN
    )

    # An existing file is kept without --force, replaced with it.
    assert main(argv) == 1
    assert "already exists" in capsys.readouterr().err
    assert main([*argv, "--force"]) == 0
    assert len(icalendar.Calendar.from_ical(path.read_bytes()).walk("VEVENT")) == 1


def test_cli_without_the_plugin_names_it(
    package_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "drejebog.ics"
    with registered_plugins():
        code = main(
            ["plan", str(package_file), "--meeting", "2030-03-11T16:00", "--ics", str(path)]
        )
    assert code == 1  # a missing install, not wrong usage
    assert "pip install klyngepakke-calendar" in capsys.readouterr().err
    assert not path.exists()


# -- packaging ---------------------------------------------------------------------------------


def test_importing_the_plugin_does_not_import_icalendar() -> None:
    code = "import sys, klyngepakke_calendar; print('icalendar' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


def test_entry_point_is_declared() -> None:
    entry_points = metadata.entry_points(group=ENTRY_POINT_GROUP)
    assert "calendar" in entry_points.names
    entry_point = entry_points["calendar"]
    assert entry_point.value == "klyngepakke_calendar"
    assert entry_point.dist is not None
    assert entry_point.dist.name == "klyngepakke-calendar"


def test_exporter_loads_through_the_installed_entry_point() -> None:
    registry = PluginRegistry(strict=True)
    registry.load_entry_points(disabled=set(), allowed={"calendar"})
    assert registry.exporters()["ics"].plugin == "calendar"


def test_a_moved_meeting_with_the_same_id_keeps_its_uids(package: ClusterPackage) -> None:
    def plan_for(start: dt.datetime, meeting_id: str) -> RunbookPlan:
        return plan_runbook(
            package,
            start,
            meeting_id=meeting_id,
            today=dt.date(2030, 1, 1),
            holidays=fixed_holidays,
        )

    first = plan_for(MEETING, "klynge-nord-akut")
    moved = plan_for(MEETING + dt.timedelta(days=7), "klynge-nord-akut")
    other_cluster = plan_for(MEETING, "klynge-syd-akut")

    def uids(plan: RunbookPlan) -> list[str]:
        calendar = icalendar.Calendar.from_ical(runbook_calendar(plan, deadline_events=True))
        return sorted(str(c["UID"]) for c in calendar.walk() if "UID" in c)

    assert uids(first) == uids(moved)
    assert not set(uids(first)) & set(uids(other_cluster))
