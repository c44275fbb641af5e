"""Invariants of meetings: times, agenda, participants, decisions and action items."""

from __future__ import annotations

import datetime as dt

import pytest

from klyngepakke.errors import ModelError, Problem
from klyngepakke.model import (
    ActionItem,
    ActionStatus,
    Agenda,
    AgendaItem,
    Attendance,
    Decision,
    Delegation,
    Meeting,
    MeetingKind,
    Organisation,
    OrganisationKind,
    Participant,
    Person,
    TimeSlot,
)

START = dt.datetime(2024, 4, 1, 16, 0)
END = dt.datetime(2024, 4, 1, 18, 0)

AGENDA = Agenda(
    (
        AgendaItem("Velkomst", number="1", minutes=10),
        AgendaItem(
            "Akutfunktionen",
            number="2",
            minutes=60,
            items=(
                AgendaItem("Oplæg fra kommunen", number="2.1", minutes=20),
                AgendaItem("Fælles dialog", number="2.2", minutes=40),
            ),
        ),
        AgendaItem("Opfølgning", number="3", minutes=20),
    ),
    minutes=90,
    start=dt.time(16, 0),
)

KOMMUNE = Delegation(
    Organisation("Aalborg Kommune", OrganisationKind.MUNICIPALITY),
    (
        Participant(Person("Hanne Sygeplejerske", "Leder af akutteamet"), role="oplægsholder"),
        Participant(Person("Jens Jensen"), Attendance.APOLOGIES, guest_items=("2.1", "3")),
    ),
)


def meeting(**kwargs: object) -> Meeting:
    values: dict[str, object] = {
        "id": "klyngemøde-2024-04",
        "title": "Klyngemøde om kommunale akutfunktioner",
        "kind": MeetingKind.CLUSTER_MEETING,
        "start": START,
        "end": END,
    }
    values.update(kwargs)
    return Meeting(**values)  # type: ignore[arg-type]


def test_valid_meeting() -> None:
    m = meeting(
        agenda=AGENDA,
        delegations=(KOMMUNE,),
        decisions=(
            Decision("Vi laver en fælles henvisningsprocedure", item="2.2"),
            Decision("Ny dato"),
        ),
        action_items=(
            ActionItem("Send udkast", "Klyngekoordinator", dt.date(2024, 4, 1), item="3"),
            ActionItem("Indkald til KLU", "Kommunen", dt.date(2024, 5, 1), ActionStatus.DONE),
        ),
        previous="klyngemøde-2023-10",
        place="Lægehuset, Aalborg",
    )
    assert m.minutes == 120
    assert [p.person.name for p in m.participants()] == ["Hanne Sygeplejerske", "Jens Jensen"]
    assert [p.is_guest for p in m.participants()] == [False, True]


def test_labels() -> None:
    assert MeetingKind.MUNICIPAL_GP_COMMITTEE.label == "KLU-møde"
    assert Attendance.APOLOGIES.label == "Afbud"
    assert ActionStatus.IN_PROGRESS.label == "I gang"
    assert OrganisationKind.PATIENT_REPRESENTATIVES.label == "Patient- og pårørenderepræsentanter"


def test_decision_and_action_item_need_text() -> None:
    with pytest.raises(ModelError) as info:
        Decision(" ")
    assert info.value.problems == (Problem(("text",), "must not be empty, got ' '"),)
    with pytest.raises(ModelError) as info:
        ActionItem("", "")
    assert info.value.problems == (
        Problem(("what",), "must not be empty, got ''"),
        Problem(("owner",), "must not be empty, got ''"),
    )


def test_meeting_id_and_title() -> None:
    with pytest.raises(ModelError) as info:
        meeting(id="møde 1", title="")
    assert [str(p) for p in info.value.problems] == [
        "id: 'møde 1' is not a valid code (letters, digits, '_', '.', '-'; no spaces)",
        "title: must not be empty, got ''",
    ]


@pytest.mark.parametrize("end", [START, START - dt.timedelta(minutes=1)])
def test_meeting_must_end_after_it_starts(end: dt.datetime) -> None:
    with pytest.raises(ModelError) as info:
        # The other checks are skipped: they would only add noise.
        meeting(end=end, previous="klyngemøde-2024-04")
    assert info.value.problems == (
        Problem(("end",), f"{end.isoformat()} is not after 2024-04-01T16:00:00"),
    )
    assert "invalid Meeting: end: " in str(info.value)


def test_meeting_cannot_follow_up_on_itself() -> None:
    with pytest.raises(ModelError) as info:
        meeting(previous="klyngemøde-2024-04")
    assert info.value.problems == (Problem(("previous",), "a meeting cannot follow up on itself"),)


def test_guest_items_must_be_agenda_numbers() -> None:
    guest = Delegation(
        Organisation("Regionen", OrganisationKind.REGION),
        (Participant(Person("Gæst"), guest_items=("2.2", "4")),),
    )
    with pytest.raises(ModelError) as info:
        meeting(agenda=AGENDA, delegations=(KOMMUNE, guest))
    assert info.value.problems == (
        Problem(
            ("delegations", 1, "participants", 0, "guest_items", 1), "no agenda item numbered '4'"
        ),
    )
    # Without an agenda there is nothing to check against.
    assert meeting(delegations=(guest,)).agenda is None


def test_decisions_must_refer_to_agenda_numbers() -> None:
    with pytest.raises(ModelError) as info:
        meeting(agenda=AGENDA, decisions=(Decision("A", item="1"), Decision("B", item="2.3")))
    assert info.value.problems == (
        Problem(("decisions", 1, "item"), "no agenda item numbered '2.3'"),
    )
    assert meeting(decisions=(Decision("B", item="2.3"),)).decisions[0].item == "2.3"


def test_action_items_must_refer_to_agenda_numbers() -> None:
    with pytest.raises(ModelError) as info:
        meeting(agenda=AGENDA, action_items=(ActionItem("Følg op", "KiAP", item="7"),))
    assert info.value.problems == (
        Problem(("action_items", 0, "item"), "no agenda item numbered '7'"),
    )
    assert meeting(action_items=(ActionItem("Følg op", "KiAP", item="7"),)).action_items


def test_action_items_are_not_due_before_the_meeting() -> None:
    with pytest.raises(ModelError) as info:
        meeting(action_items=(ActionItem("Send referat", "Referent", dt.date(2024, 3, 31)),))
    assert info.value.problems == (
        Problem(("action_items", 0, "due"), "2024-03-31 is before the meeting (2024-04-01)"),
    )


def test_agenda_must_not_be_longer_than_the_meeting() -> None:
    long = Agenda((AgendaItem("Alt", minutes=150),), minutes=150)
    with pytest.raises(ModelError) as info:
        meeting(agenda=long)
    assert info.value.problems == (
        Problem(("agenda",), "takes 150 min but the meeting lasts 120 min"),
    )
    # Duration from the items when the agenda has no minutes of its own.
    with pytest.raises(ModelError, match="takes 121 min but the meeting lasts 120 min"):
        meeting(agenda=Agenda((AgendaItem("A", minutes=100), AgendaItem("B", minutes=21))))


def test_agenda_must_not_start_before_the_meeting() -> None:
    early = Agenda((AgendaItem("Alt", minutes=30),), minutes=30, start=dt.time(15, 30))
    with pytest.raises(ModelError) as info:
        meeting(agenda=early)
    assert info.value.problems == (
        Problem(("agenda", "start"), "15.30 is before the meeting starts (16.00)"),
    )


def test_agenda_slots_must_be_inside_the_meeting() -> None:
    def agenda(start: dt.time, end: dt.time) -> Agenda:
        return Agenda((AgendaItem("Punkt", slot=TimeSlot(start, end)),))

    assert meeting(agenda=agenda(dt.time(16), dt.time(18))).agenda is not None
    with pytest.raises(ModelError) as info:
        meeting(agenda=agenda(dt.time(15, 50), dt.time(16, 10)))
    assert info.value.problems == (
        Problem(("agenda", "items", 0, "slot"), "15.50-16.10 is outside the meeting (16.00-18.00)"),
    )
    with pytest.raises(ModelError, match=r"17\.50-18\.10 is outside the meeting"):
        meeting(agenda=agenda(dt.time(17, 50), dt.time(18, 10)))


def test_meetings_over_midnight_skip_clock_checks() -> None:
    night = meeting(
        start=dt.datetime(2024, 4, 1, 22, 0),
        end=dt.datetime(2024, 4, 2, 2, 0),
        agenda=Agenda(
            (AgendaItem("Sent", slot=TimeSlot(dt.time(8), dt.time(9))),), start=dt.time(8)
        ),
    )
    assert night.minutes == 240
