"""Dated runbooks: deadlines counted from the meeting and moved off Danish days off."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from klyngepakke.cli import main
from klyngepakke.conversion import dump, dumps, loads
from klyngepakke.danish import format_amount, format_date, format_time, weekday_name
from klyngepakke.model import (
    Agenda,
    AgendaItem,
    ClusterPackage,
    Phase,
    RelativeDeadline,
    Role,
    Runbook,
    Task,
    TimeUnit,
)
from klyngepakke.planning import (
    COPENHAGEN,
    PlanningError,
    RunbookPlan,
    danish_holidays,
    plan_runbook,
    working_day_on_or_before,
)

TODAY = dt.date(2026, 11, 22)


def deadline(offset: int, unit: TimeUnit = TimeUnit.WEEKS) -> RelativeDeadline:
    return RelativeDeadline(offset, unit)


TASKS = (
    Task("order", "Bestil pakken", Phase.BEFORE, Role.CLUSTER_COORDINATOR, deadline=deadline(-8)),
    Task(
        "slides",
        "Send slides",
        Phase.BEFORE,
        Role.KIAP,
        deadline=deadline(-2),
        depends_on=("order",),
    ),
    Task("pre", "Formøde", Phase.BEFORE, Role.CHAIR, deadline=deadline(-1)),
    Task(
        "room",
        "Tjek lokalet",
        Phase.BEFORE,
        Role.CLUSTER_COORDINATOR,
        deadline=deadline(-2, TimeUnit.DAYS),
    ),
    Task(
        "minutes", "Udpeg referent", Phase.DURING, Role.CHAIR, deadline=deadline(0, TimeUnit.DAYS)
    ),
    Task(
        "klu", "Sæt på KLU", Phase.AFTER, Role.MUNICIPALITY, deadline=deadline(1, TimeUnit.MONTHS)
    ),
    Task(
        "follow",
        "Bestil opfølgning",
        Phase.AFTER,
        Role.CLUSTER_COORDINATOR,
        deadline=deadline(10, TimeUnit.MONTHS),
    ),
    Task(
        "year",
        "Opfølgningsmøde",
        Phase.AFTER,
        Role.CLUSTER_COORDINATOR,
        deadline=deadline(1, TimeUnit.YEARS),
    ),
    Task("loose", "Læs pakken", Phase.BEFORE, Role.PARTICIPANTS),
)


def package(tasks: tuple[Task, ...] = TASKS) -> ClusterPackage:
    return ClusterPackage(
        "akut",
        "Kommunale akutfunktioner",
        "1",
        "Styrke samarbejdet",
        Agenda(
            (AgendaItem("Introduktion", minutes=30), AgendaItem("Blok", minutes=120)), minutes=150
        ),
        runbook=Runbook("Drejebog", tasks),
    )


def due(plan: RunbookPlan, task_id: str) -> dt.date | None:
    return next(p.due for p in plan.tasks if p.task.id == task_id)


def test_monday_after_easter_moves_the_pre_meeting_past_the_whole_easter() -> None:
    # Monday 5 April 2027: one week before is 2. påskedag (29 March); Langfredag and
    # Skærtorsdag come before it, so the pre-meeting is due Wednesday 24 March.
    plan = plan_runbook(package(), dt.datetime(2027, 4, 5, 16, 0), today=TODAY)
    pre = next(p for p in plan.tasks if p.task.id == "pre")
    assert pre.nominal == dt.date(2027, 3, 29)
    assert pre.due == dt.date(2027, 3, 24)
    assert pre.moved
    assert pre.moved_because == "Anden påskedag"
    assert due(plan, "slides") == dt.date(2027, 3, 22)
    assert due(plan, "order") == dt.date(2027, 2, 8)
    assert due(plan, "room") == dt.date(2027, 4, 2)  # Saturday 3 April -> Friday
    assert due(plan, "minutes") == dt.date(2027, 4, 5)
    assert due(plan, "klu") == dt.date(2027, 5, 5)
    assert due(plan, "loose") is None
    assert plan.warnings == ()


def test_early_january_meeting_skips_christmas_and_weekends() -> None:
    # Wednesday 2 January 2030: a week before is 2. juledag, and juledag before it.
    plan = plan_runbook(package(), dt.datetime(2030, 1, 2, 16, 30), today=TODAY)
    assert due(plan, "pre") == dt.date(2029, 12, 24)
    assert due(plan, "slides") == dt.date(2029, 12, 19)
    assert due(plan, "order") == dt.date(2029, 11, 7)
    assert due(plan, "room") == dt.date(2029, 12, 31)
    # 1 year after 2 January 2030 is Thursday 2 January 2031, a working day.
    assert due(plan, "year") == dt.date(2031, 1, 2)
    # 10 months after: Saturday 2 November 2030 -> Friday 1 November.
    assert due(plan, "follow") == dt.date(2030, 11, 1)


def test_meeting_times_are_danish_and_end_after_the_programme() -> None:
    plan = plan_runbook(package(), dt.datetime(2027, 3, 11, 16, 0), today=TODAY)
    assert plan.meeting_start == dt.datetime(2027, 3, 11, 16, 0, tzinfo=COPENHAGEN)
    assert plan.meeting_start.utcoffset() == dt.timedelta(hours=1)
    assert plan.meeting_end - plan.meeting_start == dt.timedelta(minutes=150)
    aware = dt.datetime(2027, 3, 11, 15, 0, tzinfo=dt.UTC)
    assert plan_runbook(package(), aware, today=TODAY).meeting_start == plan.meeting_start


def test_phase_lists_tasks_by_due_date_with_undated_last() -> None:
    plan = plan_runbook(package(), dt.datetime(2027, 3, 11, 16, 0), today=TODAY)
    assert [p.task.id for p in plan.phase(Phase.BEFORE)] == [
        "order",
        "slides",
        "pre",
        "room",
        "loose",
    ]
    assert [p.task.id for p in plan.phase(Phase.AFTER)] == ["klu", "follow", "year"]


def test_ordering_late_warns_how_late() -> None:
    plan = plan_runbook(
        package(), dt.datetime(2027, 3, 11, 16, 0), ordered=dt.date(2027, 1, 25), today=TODAY
    )
    assert plan.warnings[0] == (
        "Pakken er bestilt 25. januar 2027, 11 dage efter fristen for »Bestil pakken« "
        "(8 uger før mødet: 14. januar 2027)."
    )
    assert len(plan.warnings) == 1
    later = plan_runbook(
        package(), dt.datetime(2027, 3, 11, 16, 0), ordered=dt.date(2027, 3, 1), today=TODAY
    )
    assert later.warnings[1] == (
        "Disse frister lå også før bestillingen og kan ikke nås som planlagt: »Send slides«."
    )


def test_ordering_one_day_late_and_in_time() -> None:
    meeting = dt.datetime(2027, 3, 11, 16, 0)
    one = plan_runbook(package(), meeting, ordered=dt.date(2027, 1, 15), today=TODAY)
    assert "1 dag efter fristen" in one.warnings[0]
    assert (
        plan_runbook(package(), meeting, ordered=dt.date(2027, 1, 14), today=TODAY).warnings == ()
    )


def test_meeting_in_the_past_is_an_error() -> None:
    with pytest.raises(PlanningError, match=r"2026-11-21 is in the past \(today is 2026-11-22\)"):
        plan_runbook(package(), dt.datetime(2026, 11, 21, 16, 0), today=TODAY)


def test_order_after_the_meeting_is_an_error() -> None:
    with pytest.raises(PlanningError, match="after the meeting"):
        plan_runbook(
            package(), dt.datetime(2027, 3, 11, 16), ordered=dt.date(2027, 3, 12), today=TODAY
        )


def test_a_package_without_runbook_cannot_be_planned() -> None:
    bare = ClusterPackage("x", "X", "1", "Formål", Agenda((AgendaItem("A", minutes=5),), minutes=5))
    with pytest.raises(PlanningError, match="has no runbook"):
        plan_runbook(bare, dt.datetime(2027, 3, 11, 16), today=TODAY)


def test_meeting_on_a_holiday_is_a_warning() -> None:
    plan = plan_runbook(package(), dt.datetime(2027, 5, 6, 16), today=TODAY)  # Kristi himmelfart
    assert plan.warnings == (
        "Mødet ligger på en fridag (Kristi himmelfartsdag, torsdag 6. maj 2027).",
    )


def test_an_injected_holiday_calendar_is_used() -> None:
    def every_friday_off(day: dt.date) -> str | None:
        return "firmafest" if day.weekday() == 4 else None

    assert working_day_on_or_before(dt.date(2027, 3, 13), every_friday_off) == (
        dt.date(2027, 3, 11),
        "lørdag",
    )
    plan = plan_runbook(
        package(), dt.datetime(2027, 3, 12, 16), today=TODAY, holidays=every_friday_off
    )
    assert plan.warnings == ("Mødet ligger på en fridag (firmafest, fredag 12. marts 2027).",)
    assert due(plan, "pre") == dt.date(2027, 3, 4)


def test_danish_holidays_named_in_danish() -> None:
    lookup = danish_holidays(range(2027, 2028))
    assert lookup(dt.date(2027, 12, 25)) == "Juledag"
    assert lookup(dt.date(2027, 3, 11)) is None


def test_plan_round_trips_through_json_and_yaml() -> None:
    plan = plan_runbook(
        package(), dt.datetime(2027, 4, 5, 16), ordered=dt.date(2027, 3, 1), today=TODAY
    )
    for format in ("json", "yaml"):
        assert loads(dumps(plan, format), format, RunbookPlan) == plan


def test_danish_formats() -> None:
    day = dt.date(2027, 3, 11)
    assert format_date(day) == "11. marts 2027"
    assert format_date(day, weekday=True) == "torsdag 11. marts 2027"
    assert weekday_name(dt.date(2027, 3, 14)) == "søndag"
    assert format_time(dt.time(9, 5)) == "09.05"
    assert format_amount(Decimal("173.06")) == "173,06 kr."
    assert format_amount(Decimal("1234.5")) == "1.234,50 kr."
    assert format_amount(Decimal("-0.005")) == "-0,01 kr."
    assert format_amount(Decimal("2"), "DKK") == "2,00 DKK"


# -- CLI ------------------------------------------------------------------------------------


@pytest.fixture
def package_file(tmp_path):
    path = tmp_path / "pakke.yaml"
    dump(package(), path)
    return path


def test_cli_plan_prints_phases_in_danish(package_file, capsys):
    assert (
        main(
            ["plan", str(package_file), "--meeting", "2030-01-02T16:30", "--ordered", "2029-10-01"]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert out.splitlines()[:3] == [
        "Drejebog",
        "Mødet: onsdag 2. januar 2030 kl. 16.30-19.00",
        "Bestilt: mandag 1. oktober 2029",
    ]
    assert "\nFør mødet\n" in out
    assert "\nUnder mødet\n" in out
    assert "\nEfter mødet\n" in out
    assert "mandag 24. december 2029" in out
    assert "Formøde (flyttet fra 26. december 2029: Anden juledag)" in out
    assert "uden frist" in out


def test_cli_plan_warns_on_stderr(package_file, capsys):
    assert (
        main(
            ["plan", str(package_file), "--meeting", "2030-01-02T16:30", "--ordered", "2029-12-01"]
        )
        == 0
    )
    err = capsys.readouterr().err
    assert err.startswith("klyngepakke: warning: Pakken er bestilt 1. december 2029, 24 dage efter")


def test_cli_plan_json(package_file, capsys):
    assert main(["plan", str(package_file), "--meeting", "2030-01-02T16:30", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["document"] == "runbook_plan"
    assert data["meeting_start"] == "2030-01-02T16:30:00+01:00"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--meeting", "11/3/2027"], "--meeting '11/3/2027' is not like 2027-03-11T16:00"),
        (["--meeting", "2030-01-02T16:30", "--ordered", "snart"], "--ordered 'snart' is not like"),
        (["--meeting", "2030-01-02"], "--meeting '2030-01-02' needs the start time too"),
    ],
)
def test_cli_plan_usage_errors(package_file, capsys, args, message):
    with pytest.raises(SystemExit) as exit:
        main(["plan", str(package_file), *args])
    assert exit.value.code == 2
    assert message in capsys.readouterr().err


def test_cli_plan_needs_a_package(tmp_path, capsys):
    path = tmp_path / "drejebog.yaml"
    dump(Runbook("Drejebog", TASKS), path)
    with pytest.raises(SystemExit) as exit:
        main(["plan", str(path), "--meeting", "2030-01-02T16:30"])
    assert exit.value.code == 2
    assert "is a Runbook, not a cluster package" in capsys.readouterr().err


def test_cli_plan_in_the_past_exits_1(package_file, capsys):
    assert main(["plan", str(package_file), "--meeting", "2001-01-02T16:30"]) == 1
    assert "is in the past" in capsys.readouterr().err


def test_meeting_id_defaults_to_topic_and_start_and_can_be_given() -> None:
    meeting = dt.datetime(2027, 3, 11, 16, 0)
    assert plan_runbook(package(), meeting, today=TODAY).meeting_id == "akut-20270311T1600"
    given = plan_runbook(package(), meeting, meeting_id="nord-akut", today=TODAY)
    assert given.meeting_id == "nord-akut"
    with pytest.raises(PlanningError, match="must not be empty"):
        plan_runbook(package(), meeting, meeting_id=" ", today=TODAY)


def test_cli_plan_id_and_existing_ics_checked_before_planning(package_file, tmp_path, capsys):
    assert (
        main(["plan", str(package_file), "--meeting", "2030-01-02T16:30", "--id", "nord", "--json"])
        == 0
    )
    assert json.loads(capsys.readouterr().out)["meeting_id"] == "nord"
    existing = tmp_path / "plan.ics"
    existing.write_text("mine", encoding="utf-8")
    assert (
        main(["plan", str(package_file), "--meeting", "2030-01-02T16:30", "--ics", str(existing)])
        == 1
    )
    captured = capsys.readouterr()
    assert captured.out == ""  # nothing printed before the refusal
    assert "plan.ics: already exists; use --force" in captured.err
    assert existing.read_text(encoding="utf-8") == "mine"


@pytest.mark.parametrize(
    ("value", "expected"),
    [("yes", True), ("JA", True), (" on ", True), ("nej", False), ("", False)],
)
def test_option_flag(value, expected):
    from klyngepakke.exporters import option_flag

    assert option_flag({"x": value}, "x") is expected
    assert option_flag({}, "x", default=True) is True


def test_option_flag_rejects_other_words():
    from klyngepakke.errors import ExportError
    from klyngepakke.exporters import option_flag

    with pytest.raises(ExportError, match="option x='måske' is not yes or no"):
        option_flag({"x": "måske"}, "x")


def test_cli_plan_ics_without_the_calendar_plugin_is_a_missing_install(package_file, capsys):
    assert main(["plan", str(package_file), "--meeting", "2030-01-02T16:30", "--ics", "x.ics"]) == 1
    assert "pip install klyngepakke-calendar" in capsys.readouterr().err


def test_after_meeting_deadline_never_moves_before_the_meeting() -> None:
    notes = Task(
        "notes", "Send referat", Phase.AFTER, Role.MINUTE_TAKER, deadline=deadline(1, TimeUnit.DAYS)
    )
    # Friday 5 March 2027: one day after is a Saturday; the day before would be the meeting.
    plan = plan_runbook(package((notes,)), dt.datetime(2027, 3, 5, 16), today=TODAY)
    planned = plan.tasks[0]
    assert (planned.nominal, planned.due, planned.moved_because) == (
        dt.date(2027, 3, 6),
        dt.date(2027, 3, 8),
        "lørdag",
    )


def test_deadlines_already_past_today_are_warned_about() -> None:
    plan = plan_runbook(package(), dt.datetime(2026, 12, 10, 16), today=TODAY)
    assert plan.warnings[-1] == (
        "Disse frister er allerede overskredet: »Bestil pakken« (15. oktober 2026)."
    )
