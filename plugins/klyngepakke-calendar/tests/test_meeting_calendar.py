"""A meeting as a calendar: the event with attendees and agenda, action items as to-dos."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import icalendar
import pytest

import klyngepakke
import klyngepakke_calendar
from klyngepakke.cli import main
from klyngepakke.conversion import dump, load
from klyngepakke.errors import ExportError
from klyngepakke.model import (
    ActionItem,
    ActionStatus,
    Agenda,
    AgendaItem,
    AgendaItemKind,
    Attendance,
    Delegation,
    ItemPurpose,
    Meeting,
    MeetingKind,
    Organisation,
    OrganisationKind,
    Participant,
    Person,
    TimeSlot,
)
from klyngepakke.planning import COPENHAGEN, RunbookPlan
from klyngepakke.plugins import PluginRegistry
from klyngepakke.testing import registered_plugins
from klyngepakke_calendar._calendar import UID_NAMESPACE
from klyngepakke_calendar._meeting_calendar import (
    action_uid,
    attendee_address,
    meeting_calendar,
    meeting_uid,
)
from klyngepakke_calendar._runbook_calendar import runbook_calendar, runbook_uid

NOW = dt.datetime(2025, 3, 1, 12, 0, tzinfo=dt.UTC)
STEERING_GROUP = (
    Path(__file__).resolve().parents[2] / "klyngepakke-docx/tests/data/steering_group_meeting.yaml"
)


def make_meeting() -> Meeting:
    return Meeting(
        "klu-2025-03",
        "KLU-møde om akutfunktioner",
        MeetingKind.MUNICIPAL_GP_COMMITTEE,
        dt.datetime(2025, 3, 11, 16, 0),
        dt.datetime(2025, 3, 11, 17, 30),
        place="Rådhuset, mødelokale 2",
        delegations=(
            Delegation(
                Organisation("Viborg Kommune", OrganisationKind.MUNICIPALITY),
                (
                    Participant(
                        Person("Mette Andreassen", title="direktør", email="mea@viborg.dk"),
                        role="medformand, mødeleder",
                    ),
                    Participant(
                        Person("Kristine Stange", email="krs@viborg.dk"), Attendance.APOLOGIES
                    ),
                    Participant(Person("Mette Kvist"), Attendance.ABSENT),
                ),
            ),
            Delegation(
                Organisation("Almen praksis", OrganisationKind.GENERAL_PRACTICE),
                (
                    Participant(Person("Jane Gregersen"), Attendance.VIRTUAL, role="referent"),
                    Participant(Person("Steffen Hansen"), guest_items=("2",)),
                ),
            ),
        ),
        agenda=Agenda(
            (
                AgendaItem(
                    "Velkomst",
                    number="1",
                    purpose=ItemPurpose.DECISION,
                    slot=TimeSlot(dt.time(16, 0), dt.time(16, 10)),
                ),
                AgendaItem(
                    "Akutfunktionen i Viborg",
                    kind=AgendaItemKind.BLOCK,
                    number="2",
                    purpose=ItemPurpose.DISCUSSION,
                    minutes=60,
                    items=(
                        AgendaItem("Tal fra kommunen", presenter="Steffen Hansen", minutes=20),
                        AgendaItem("Fælles dialog", minutes=40),
                    ),
                ),
                AgendaItem("Eventuelt", number="3)", purpose=ItemPurpose.ORIENTATION),
            ),
        ),
        action_items=(
            ActionItem("Send tal for 2024", "Kristine Stange", dt.date(2025, 4, 1), item="2"),
            ActionItem("Inviter apotekerne", "Mette Andreassen", status=ActionStatus.IN_PROGRESS),
            ActionItem("Opdater  aftalen", "Jane Gregersen", dt.date(2026, 1, 15)),
            ActionItem("opdater aftalen", "Jane Gregersen", status=ActionStatus.DONE),
            ActionItem("Aflys frokosten", "Mette Kvist", status=ActionStatus.CANCELLED, item="3)"),
        ),
    )


@pytest.fixture
def meeting() -> Meeting:
    return make_meeting()


@pytest.fixture
def calendar_plugin() -> Iterator[PluginRegistry]:
    with registered_plugins(klyngepakke_calendar) as registry:
        yield registry


def parsed(data: bytes) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(data)


def the_event(calendar: icalendar.Calendar) -> Any:
    (event,) = calendar.walk("VEVENT")
    return event


def todos(calendar: icalendar.Calendar) -> list[Any]:
    return list(calendar.walk("VTODO"))


def attendees(event: Any) -> list[tuple[str, dict[str, str]]]:
    found = event["ATTENDEE"]
    found = found if isinstance(found, list) else [found]
    return [(str(a), {key: str(value) for key, value in a.params.items()}) for a in found]


def uuid_uid(name: str) -> str:
    return f"{uuid.uuid5(UID_NAMESPACE, name)}@klyngepakke"


def urn(name: str) -> str:
    return f"urn:uuid:{uuid.uuid5(UID_NAMESPACE, name)}"


# -- the event -------------------------------------------------------------------------------


def test_the_event_has_every_property(meeting: Meeting) -> None:
    event = the_event(parsed(meeting_calendar(meeting, now=NOW)))
    assert sorted(event) == [
        "ATTENDEE",
        "CATEGORIES",
        "DESCRIPTION",
        "DTEND",
        "DTSTAMP",
        "DTSTART",
        "LOCATION",
        "ORGANIZER",
        "SEQUENCE",
        "SUMMARY",
        "UID",
    ]
    assert str(event["SUMMARY"]) == "KLU-møde om akutfunktioner"
    assert event.decoded("DTSTART") == dt.datetime(2025, 3, 11, 16, 0, tzinfo=COPENHAGEN)
    assert event["DTSTART"].params["TZID"] == "Europe/Copenhagen"
    assert event.decoded("DTEND") == dt.datetime(2025, 3, 11, 17, 30, tzinfo=COPENHAGEN)
    assert event.decoded("DTSTAMP") == NOW
    assert str(event["UID"]) == uuid_uid("klu-2025-03/meeting") == meeting_uid(meeting)
    assert event.decoded("SEQUENCE") == 0
    assert str(event["LOCATION"]) == "Rådhuset, mødelokale 2"
    assert event["CATEGORIES"].cats == ["KLU-møde"]
    assert str(event["ORGANIZER"]) == "mailto:mea@viborg.dk"
    assert event["ORGANIZER"].params["CN"] == "Mette Andreassen"


def test_the_description_holds_the_agenda_and_the_people(meeting: Meeting) -> None:
    event = the_event(parsed(meeting_calendar(meeting, now=NOW)))
    assert str(event["DESCRIPTION"]) == (
        "Dagsorden:\n"
        "1. Velkomst (kl. 16.00-16.10, til beslutning)\n"
        "2. Akutfunktionen i Viborg (60 min, til drøftelse)\n"
        "   - Tal fra kommunen (20 min, v. Steffen Hansen)\n"
        "   - Fælles dialog (40 min)\n"
        "3) Eventuelt (til orientering)\n"
        "\n"
        "Mødeleder: Mette Andreassen\n"
        "Referent: Jane Gregersen\n"
        "Afbud: Kristine Stange\n"
        "Deltager virtuelt: Jane Gregersen\n"
        "Gæst: Steffen Hansen (pkt. 2)"
    )


def test_attendees_carry_role_and_participation(meeting: Meeting) -> None:
    event = the_event(parsed(meeting_calendar(meeting, now=NOW)))
    individual = {"CUTYPE": "INDIVIDUAL"}
    assert attendees(event) == [
        (
            "mailto:mea@viborg.dk",
            {"CN": "Mette Andreassen", **individual, "ROLE": "CHAIR", "PARTSTAT": "ACCEPTED"},
        ),
        (
            "mailto:krs@viborg.dk",
            {
                "CN": "Kristine Stange",
                **individual,
                "ROLE": "REQ-PARTICIPANT",
                "PARTSTAT": "DECLINED",
            },
        ),
        (
            urn("klu-2025-03/attendee/mette kvist"),
            {
                "CN": "Mette Kvist",
                **individual,
                "ROLE": "REQ-PARTICIPANT",
                "PARTSTAT": "NEEDS-ACTION",
            },
        ),
        (
            urn("klu-2025-03/attendee/jane gregersen"),
            {
                "CN": "Jane Gregersen",
                **individual,
                "ROLE": "REQ-PARTICIPANT",
                "PARTSTAT": "ACCEPTED",
            },
        ),
        (
            urn("klu-2025-03/attendee/steffen hansen"),
            {
                "CN": "Steffen Hansen",
                **individual,
                "ROLE": "OPT-PARTICIPANT",
                "PARTSTAT": "ACCEPTED",
            },
        ),
    ]


def test_an_address_without_email_is_stable_and_ignores_spacing_and_case(
    meeting: Meeting,
) -> None:
    jane = Participant(Person("Jane  GREGERSEN"))
    assert attendee_address(meeting, jane) == urn("klu-2025-03/attendee/jane gregersen")
    other = attrs.evolve(meeting, id="klu-2025-06")
    assert attendee_address(other, jane) != attendee_address(meeting, jane)


def test_a_chair_without_email_organizes_by_the_fallback_address(meeting: Meeting) -> None:
    no_email = attrs.evolve(
        meeting,
        delegations=(
            Delegation(
                Organisation("Klyngen"),
                (Participant(Person("Anne Holm"), role="ordstyrer"),),
            ),
        ),
    )
    event = the_event(parsed(meeting_calendar(no_email, now=NOW)))
    assert str(event["ORGANIZER"]) == urn("klu-2025-03/attendee/anne holm")
    assert event["ORGANIZER"].params["CN"] == "Anne Holm"
    assert attendees(event)[0][1]["ROLE"] == "CHAIR"
    without_chair = attrs.evolve(
        no_email,
        delegations=(Delegation(Organisation("Klyngen"), (Participant(Person("Anne Holm")),)),),
    )
    assert "ORGANIZER" not in the_event(parsed(meeting_calendar(without_chair, now=NOW)))
    assert str(event["DESCRIPTION"]).endswith("Mødeleder: Anne Holm")


def test_a_bare_meeting_is_a_bare_event() -> None:
    bare = Meeting(
        "m1",
        "Formøde",
        MeetingKind.PRE_MEETING,
        dt.datetime(2025, 1, 6, 9),
        dt.datetime(2025, 1, 6, 10),
    )
    calendar = parsed(meeting_calendar(bare, now=NOW))
    assert sorted(the_event(calendar)) == [
        "CATEGORIES",
        "DTEND",
        "DTSTAMP",
        "DTSTART",
        "SEQUENCE",
        "SUMMARY",
        "UID",
    ]
    assert todos(calendar) == []


def test_a_zoned_meeting_is_shown_in_danish_time(meeting: Meeting) -> None:
    zoned = attrs.evolve(
        meeting,
        start=dt.datetime(2025, 7, 1, 14, 0, tzinfo=dt.UTC),
        end=dt.datetime(2025, 7, 1, 15, 0, tzinfo=dt.UTC),
        agenda=None,
        action_items=(),
    )
    event = the_event(parsed(meeting_calendar(zoned, now=NOW)))
    assert event.decoded("DTSTART") == dt.datetime(2025, 7, 1, 16, 0, tzinfo=COPENHAGEN)
    assert event["DTSTART"].params["TZID"] == "Europe/Copenhagen"


# -- the to-dos ------------------------------------------------------------------------------


def test_each_action_item_is_a_todo_related_to_the_meeting(meeting: Meeting) -> None:
    calendar = parsed(meeting_calendar(meeting, now=NOW))
    found = todos(calendar)
    assert [str(todo["SUMMARY"]) for todo in found] == [a.what for a in meeting.action_items]
    first = found[0]
    assert sorted(first) == [
        "DESCRIPTION",
        "DTSTAMP",
        "DUE",
        "RELATED-TO",
        "SEQUENCE",
        "STATUS",
        "SUMMARY",
        "UID",
    ]
    assert first.decoded("DUE") == dt.date(2025, 4, 1)
    assert first["DUE"].params["VALUE"] == "DATE"
    assert str(first["RELATED-TO"]) == meeting_uid(meeting)
    assert first.decoded("SEQUENCE") == 0
    assert first.decoded("DTSTAMP") == NOW
    assert str(first["DESCRIPTION"]) == (
        "Ansvarlig: Kristine Stange\n"
        "Fra: KLU-møde om akutfunktioner, 11. marts 2025\n"
        "Punkt 2: Akutfunktionen i Viborg"
    )
    assert str(found[4]["DESCRIPTION"]).endswith("\nPunkt 3: Eventuelt")
    without_agenda = attrs.evolve(meeting, agenda=None)
    (*_, last) = todos(parsed(meeting_calendar(without_agenda, now=NOW)))
    assert str(last["DESCRIPTION"]).endswith("\nPunkt 3)")
    assert "DUE" not in found[1]
    assert [str(todo["STATUS"]) for todo in found] == [
        "NEEDS-ACTION",
        "IN-PROCESS",
        "NEEDS-ACTION",
        "COMPLETED",
        "CANCELLED",
    ]
    assert all(str(todo["RELATED-TO"]) == meeting_uid(meeting) for todo in found)


def test_todo_uids_follow_the_text(meeting: Meeting) -> None:
    found = todos(parsed(meeting_calendar(meeting, now=NOW)))
    uids = [str(todo["UID"]) for todo in found]
    assert uids == [action_uid(meeting, index) for index in range(5)]
    assert uids[0] == uuid_uid("klu-2025-03/action/send tal for 2024")
    # The same text twice (spacing and case aside): the second is numbered.
    assert uids[2] == uuid_uid("klu-2025-03/action/opdater aftalen")
    assert uids[3] == uuid_uid("klu-2025-03/action/opdater aftalen#2")
    assert len(set(uids)) == 5

    changed = attrs.evolve(
        meeting,
        action_items=(
            attrs.evolve(
                meeting.action_items[0],
                owner="Mette Andreassen",
                due=dt.date(2025, 5, 1),
                status=ActionStatus.DONE,
            ),
            *meeting.action_items[1:],
        ),
    )
    assert action_uid(changed, 0) == uids[0]


def test_the_runbook_and_the_meeting_share_the_meetings_event(meeting: Meeting) -> None:
    plan = RunbookPlan(
        topic="akutfunktioner",
        package_title="Kommunale akutfunktioner",
        runbook_title="Drejebog",
        meeting_id=meeting.id,
        meeting_start=meeting.start.replace(tzinfo=COPENHAGEN),
        meeting_end=meeting.end.replace(tzinfo=COPENHAGEN),
        tasks=(),
    )
    runbook_event = the_event(parsed(runbook_calendar(plan, deadline_events=False, now=NOW)))
    assert str(runbook_event["UID"]) == runbook_uid(plan, "meeting") == meeting_uid(meeting)


# -- rescheduling ----------------------------------------------------------------------------


def sequences(data: bytes) -> dict[str, int]:
    return {
        str(component["SUMMARY"]): int(component.decoded("SEQUENCE"))
        for component in parsed(data).walk()
        if component.name in ("VEVENT", "VTODO")
    }


def test_a_moved_meeting_gets_a_higher_sequence_and_keeps_its_uids(meeting: Meeting) -> None:
    first = meeting_calendar(meeting, now=NOW)
    moved = attrs.evolve(
        meeting,
        start=meeting.start + dt.timedelta(days=7),
        end=meeting.end + dt.timedelta(days=7),
        action_items=(
            meeting.action_items[0],
            attrs.evolve(meeting.action_items[1], status=ActionStatus.DONE),
            attrs.evolve(meeting.action_items[2], due=dt.date(2026, 2, 1)),
            attrs.evolve(meeting.action_items[3], owner="Mette Kvist"),
            meeting.action_items[4],
        ),
    )
    second = meeting_calendar(moved, now=NOW, previous=first)
    assert sequences(second) == {
        "KLU-møde om akutfunktioner": 1,
        "Send tal for 2024": 0,
        "Inviter apotekerne": 1,  # status changed
        "Opdater  aftalen": 1,  # due date changed
        "opdater aftalen": 0,  # only the owner changed
        "Aflys frokosten": 0,
    }
    uid_of = {str(c["SUMMARY"]): str(c["UID"]) for c in parsed(second).walk() if "UID" in c}
    assert uid_of == {str(c["SUMMARY"]): str(c["UID"]) for c in parsed(first).walk() if "UID" in c}

    # Written again without changes: the numbers stay; moved again: they rise again.
    assert sequences(meeting_calendar(moved, now=NOW, previous=second)) == sequences(second)
    renamed = attrs.evolve(moved, title="KLU-møde", place="Rådhuset, mødelokale 3")
    third = meeting_calendar(renamed, now=NOW, previous=second)
    assert sequences(third)["KLU-møde"] == 2


def test_a_new_title_alone_keeps_the_sequence(meeting: Meeting) -> None:
    first = meeting_calendar(meeting, now=NOW)
    renamed = attrs.evolve(meeting, title="KLU-møde (nyt navn)")
    assert sequences(meeting_calendar(renamed, now=NOW, previous=first))["KLU-møde (nyt navn)"] == 0


def test_new_action_items_start_at_zero(meeting: Meeting) -> None:
    first = meeting_calendar(attrs.evolve(meeting, action_items=()), now=NOW)
    later = meeting_calendar(meeting, now=NOW, previous=first)
    assert set(sequences(later).values()) == {0}


def test_a_sequence_can_be_given(meeting: Meeting) -> None:
    found = sequences(meeting_calendar(meeting, now=NOW, sequence=4))
    assert found["KLU-møde om akutfunktioner"] == 4
    assert found["Send tal for 2024"] == 0


@pytest.mark.parametrize(
    ("previous", "sequence", "message"),
    [
        (b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", 1, "not both"),
        (None, -1, "must be 0 or more, got -1"),
        (b"garbage", None, "old.ics: not an iCalendar file"),
    ],
)
def test_bad_sequence_inputs_are_export_errors(
    meeting: Meeting, previous: bytes | None, sequence: int | None, message: str
) -> None:
    with pytest.raises(ExportError, match=message):
        meeting_calendar(meeting, previous=previous, previous_name="old.ics", sequence=sequence)


def test_the_calendar_of_another_meeting_is_refused(meeting: Meeting) -> None:
    other = meeting_calendar(attrs.evolve(meeting, id="klu-2024-09", action_items=()), now=NOW)
    with pytest.raises(ExportError, match=r"old\.ics has no entry of meeting 'klu-2025-03'"):
        meeting_calendar(meeting, previous=other, previous_name="old.ics")


# -- exporting -------------------------------------------------------------------------------


def test_the_ics_exporter_takes_meetings(calendar_plugin: PluginRegistry) -> None:
    exporter = calendar_plugin.exporter("ics")
    assert exporter.accepts == (RunbookPlan, Meeting)
    assert set(exporter.options) == {"deadline_events", "previous", "sequence"}


def test_export_then_update_in_place(
    calendar_plugin: PluginRegistry, meeting: Meeting, tmp_path: Path
) -> None:
    path = tmp_path / "møde.ics"
    klyngepakke.export(meeting, "ics", path)
    moved = attrs.evolve(meeting, place="Sundhedshuset")
    klyngepakke.export(moved, "ics", path, force=True, options={"previous": str(path)})
    event = the_event(parsed(path.read_bytes()))
    assert str(event["LOCATION"]) == "Sundhedshuset"
    assert event.decoded("SEQUENCE") == 1
    klyngepakke.export(moved, "ics", path, force=True, options={"sequence": "5"})
    assert the_event(parsed(path.read_bytes())).decoded("SEQUENCE") == 5


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"deadline_events": "yes"}, "option deadline_events applies to a runbook plan only"),
        ({"previous": "nowhere.ics"}, "option previous=nowhere.ics: no such file"),
        ({"sequence": "two"}, "option sequence='two' is not a whole number"),
        ({"sequence": "-1"}, "option sequence='-1' is not a whole number"),
    ],
)
def test_bad_meeting_options_are_export_errors(
    calendar_plugin: PluginRegistry,
    meeting: Meeting,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    options: dict[str, str],
    message: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ExportError, match=message):
        klyngepakke.export(meeting, "ics", tmp_path / "x.ics", options=options)
    assert not (tmp_path / "x.ics").exists()


def test_meeting_options_are_refused_for_a_plan(
    calendar_plugin: PluginRegistry, meeting: Meeting, tmp_path: Path
) -> None:
    plan = RunbookPlan(
        topic="akutfunktioner",
        package_title="Pakke",
        runbook_title="Drejebog",
        meeting_id=meeting.id,
        meeting_start=meeting.start.replace(tzinfo=COPENHAGEN),
        meeting_end=meeting.end.replace(tzinfo=COPENHAGEN),
        tasks=(),
    )
    with pytest.raises(ExportError, match="option sequence applies to a meeting only"):
        klyngepakke.export(plan, "ics", tmp_path / "x.ics", options={"sequence": "1"})


def test_the_cli_picks_ics_from_the_suffix(
    calendar_plugin: PluginRegistry,
    meeting: Meeting,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    source = dump(meeting, tmp_path / "møde.yaml")
    target = tmp_path / "møde.ics"
    assert main(["export", str(source), "-o", str(target)]) == 0
    assert f"wrote {target} (ics)" in capsys.readouterr().out
    day = dt.timedelta(days=1)
    moved_meeting = attrs.evolve(meeting, start=meeting.start + day, end=meeting.end + day)
    moved = dump(moved_meeting, source, force=True)
    argv = ["export", str(moved), "-o", str(target), "--force", "--option", f"previous={target}"]
    assert main(argv) == 0
    event = the_event(parsed(target.read_bytes()))
    assert event.decoded("SEQUENCE") == 1
    assert event.decoded("DTSTART") == dt.datetime(2025, 3, 12, 16, 0, tzinfo=COPENHAGEN)


# -- real minutes and the bytes --------------------------------------------------------------


def test_the_steering_group_meeting_as_a_calendar() -> None:
    if not STEERING_GROUP.exists():
        pytest.skip(f"{STEERING_GROUP} is not in this checkout")
    steering = load(STEERING_GROUP, Meeting)
    event = the_event(parsed(meeting_calendar(steering, now=NOW)))
    found = attendees(event)
    assert len(found) == len(list(steering.participants()))
    statuses = [params["PARTSTAT"] for _, params in found]
    assert statuses.count("DECLINED") == 11
    roles = {params["CN"]: params["ROLE"] for _, params in found}
    assert roles["Mette Andreassen"] == "CHAIR"  # "medformand, mødeleder"
    assert roles["Lars F. Nørgaard"] == "OPT-PARTICIPANT"
    assert roles["Brian Brøndum Møller"] == "REQ-PARTICIPANT"
    assert str(event["ORGANIZER"]) == urn(f"{steering.id}/attendee/mette andreassen")
    description = str(event["DESCRIPTION"])
    assert "3. Regeringens udspil til en sundhedsreform (kl. 11.05-11.15)" in description
    assert "Gæster: Steffen Hansen (pkt. 4), Lars F. Nørgaard (pkt. 5)" in description


def test_the_bytes_are_strict_rfc5545(meeting: Meeting) -> None:
    data = meeting_calendar(meeting, now=NOW)
    assert data == meeting_calendar(meeting, now=NOW)  # reproducible given now
    assert data.startswith(b"BEGIN:VCALENDAR\r\n")
    assert data.endswith(b"END:VCALENDAR\r\n")
    assert b"\n" not in data.replace(b"\r\n", b"")
    lines = data.split(b"\r\n")[:-1]
    assert [line for line in lines if len(line) > 75] == []
    for line in lines:
        line.decode("utf-8")  # folding never splits a Danish letter
    text = data.decode("utf-8")
    assert text.index("BEGIN:VTIMEZONE") < text.index("BEGIN:VEVENT")
    assert "TZID:Europe/Copenhagen" in text
    # The time zone covers the years of the meeting and of every due date (2026 here).
    assert b"20261025T030000" in parsed(data).walk("VTIMEZONE")[0].to_ical()
    alone = meeting_calendar(attrs.evolve(meeting, action_items=()), now=NOW)
    assert b"20261025T030000" not in parsed(alone).walk("VTIMEZONE")[0].to_ical()
