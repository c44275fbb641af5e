"""The meeting workflow as a library: set up, record, save, follow up, list action items."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import attrs
import pytest

from klyngepakke.conversion import dump, load, loads
from klyngepakke.errors import DocumentError, ModelError
from klyngepakke.meetings import (
    MeetingError,
    MeetingFile,
    add_action,
    add_guest,
    agenda_item,
    backup_path,
    danish_time,
    find_meeting_files,
    follow_up_date,
    follow_up_meeting,
    list_actions,
    meeting_chain,
    meeting_clock,
    meeting_date_warnings,
    meeting_id_for,
    new_meeting,
    organisation_kind,
    owner_warning,
    parse_attendance,
    parse_date,
    parse_item_numbers,
    parse_participant,
    parse_status,
    parse_time,
    record_meeting,
    recordable_items,
    set_action_status,
    set_attendance,
    set_decisions,
    suggested_date,
    timed_agenda,
)
from klyngepakke.model import (
    ActionItem,
    ActionStatus,
    Agenda,
    AgendaItem,
    AgendaItemKind,
    Attendance,
    ClusterPackage,
    Decision,
    Meeting,
    OrganisationKind,
    Participant,
    Person,
    Phase,
    RelativeDeadline,
    Role,
    Runbook,
    Task,
    TimeSlot,
    TimeUnit,
)
from klyngepakke.planning import COPENHAGEN

akutfunktioner = pytest.importorskip("klyngepakke_akutfunktioner")

START = dt.datetime(2027, 3, 11, 16, 0, tzinfo=COPENHAGEN)  # a Thursday


@pytest.fixture(scope="module")
def akut() -> ClusterPackage:
    """The akutfunktioner package, read once for the module."""
    from klyngepakke.api import get_package
    from klyngepakke.testing import registered_plugins

    with registered_plugins(akutfunktioner):
        return get_package("akutfunktioner")


def no_holidays(day: dt.date) -> str | None:
    return None


def people() -> list[Participant]:
    return [
        parse_participant("Anne Holm; praktiserende læge; Klynge Syd; ordstyrer"),
        parse_participant("Lise Vang; klyngekoordinator; Klynge Syd; referent"),
        parse_participant("Karen Friis; leder af akutfunktionen; Sydby Kommune; ; kf@sydby.dk"),
        parse_participant("Ole Brandt; konsulent; KiAP"),
    ]


@pytest.fixture
def planned(akut: ClusterPackage) -> Meeting:
    return new_meeting(
        akut,
        cluster="Klynge Syd",
        municipality="Sydby Kommune",
        start=START,
        place="Sydby Sundhedshus",
        participants=people(),
    )


# -- reading what people type ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2027-03-11", dt.date(2027, 3, 11)),
        ("11.3.2027", dt.date(2027, 3, 11)),
        (" 11-03-2027 ", dt.date(2027, 3, 11)),
        ("1/12/2027", dt.date(2027, 12, 1)),
    ],
)
def test_parse_date(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["31.2.2027", "2027-13-01", "i morgen", ""])
def test_parse_date_refuses_in_danish(text):
    with pytest.raises(ValueError, match="er ikke en dato som 2027-03-11"):
        parse_date(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("16", dt.time(16)), ("16:30", dt.time(16, 30)), ("9.05", dt.time(9, 5))],
)
def test_parse_time(text, expected):
    assert parse_time(text) == expected


@pytest.mark.parametrize("text", ["24:00", "16:60", "kl. 4", "16:5"])
def test_parse_time_refuses(text):
    with pytest.raises(ValueError, match="er ikke et klokkeslæt"):
        parse_time(text)


def test_parse_participant_with_role_and_email_in_any_order():
    first = parse_participant("Karen Friis; leder; Sydby Kommune; kf@sydby.dk; ordstyrer")
    second = parse_participant("Karen Friis; leder; Sydby Kommune; ordstyrer; kf@sydby.dk")
    assert first == second
    assert first.person == Person("Karen Friis", "leder", "Sydby Kommune", email="kf@sydby.dk")
    assert first.role == "ordstyrer"
    assert first.is_chair


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Karen Friis; leder", "Navn; titel; organisation"),
        ("; leder; Sydby Kommune", "Navn; titel; organisation"),
        ("Karen; leder; Sydby; kf@sydby", "ligner ikke en e-mailadresse"),
        ("Karen; leder; Sydby; a; b", "højst én rolle"),
    ],
)
def test_parse_participant_refuses(text, message):
    with pytest.raises(ValueError, match=message):
        parse_participant(text)


def test_parse_attendance_and_status_take_codes_and_danish():
    assert parse_attendance("apologies") is Attendance.APOLOGIES
    assert parse_attendance("Afbud") is Attendance.APOLOGIES
    assert parse_attendance("virtuel") is Attendance.VIRTUAL
    assert parse_attendance("Til  stede") is Attendance.PRESENT
    assert parse_status("done") is ActionStatus.DONE
    assert parse_status("Udført") is ActionStatus.DONE
    assert parse_status("in-progress") is ActionStatus.IN_PROGRESS
    assert parse_status("i gang") is ActionStatus.IN_PROGRESS
    with pytest.raises(ValueError, match="er ikke et fremmøde"):
        parse_attendance("måske")
    with pytest.raises(ValueError, match="er ikke en status"):
        parse_status("halvt")


def test_parse_item_numbers(planned):
    assert parse_item_numbers("2, 3", planned) == ("2", "3")
    assert parse_item_numbers("pkt. 2 og 4", planned) == ("2", "4")
    with pytest.raises(ValueError, match=r"har ikke punkt 9 \(punkterne er 1, 2, 3, 4\)"):
        parse_item_numbers("2, 9", planned)


# -- setting up -----------------------------------------------------------------------------


def test_timed_agenda_numbers_and_clock_times(akut):
    agenda = timed_agenda(akut.programme, dt.time(16, 0))
    rows = [(item.number, item.title, str(item.slot)) for item in agenda.items]
    assert rows == [
        ("1", "Introduktion", "16.00-16.10"),
        ("2", "Blok 1: Akutfunktionen", "16.10-17.15"),
        ("", "Pause", "17.15-17.30"),
        ("3", "Blok 2: Henvisningsprocedurer", "17.30-18.10"),
        ("4", "Blok 3: Opsamling og opfølgning", "18.10-18.30"),
    ]
    assert agenda.start == dt.time(16, 0)
    assert agenda.minutes == 150
    block1 = agenda.items[1]
    # The data review starts the block but its length is unknown, so nothing after it is timed.
    assert [child.slot for child in block1.items] == [None, None, None]
    # The one item of block 3 takes the whole block.
    assert str(agenda.items[4].items[0].slot) == "18.10-18.30"


def test_timed_agenda_times_nested_items_of_known_length(package):
    agenda = timed_agenda(package.programme, dt.time(17, 0))
    group = agenda.items[2]
    assert [str(child.slot) for child in group.items] == ["17.45-18.15", "18.15-18.30"]
    # The programme's own numbers are kept.
    assert [item.number for item in agenda.items] == ["1", "2", "3"]


def test_timed_agenda_leaves_out_slots_past_midnight(package):
    agenda = timed_agenda(package.programme, dt.time(22, 45))
    assert [str(item.slot) if item.slot else None for item in agenda.items] == [
        "22.45-22.55",
        "22.55-23.30",
        None,
    ]


def test_new_meeting_from_the_package(akut, planned):
    assert planned.id == "klynge-syd-akutfunktioner-2027-03-11"
    assert planned.title == "Klyngemøde: Kommunale akutfunktioner"
    assert planned.topic == "akutfunktioner"
    assert planned.end == START + dt.timedelta(minutes=150)
    assert planned.agenda is not None
    assert planned.agenda.items[0].slot == TimeSlot(dt.time(16), dt.time(16, 10))
    kinds = [(d.organisation.name, d.organisation.kind) for d in planned.delegations]
    assert kinds == [
        ("Klynge Syd", OrganisationKind.CLUSTER),
        ("Sydby Kommune", OrganisationKind.MUNICIPALITY),
        ("KiAP", OrganisationKind.KIAP),
    ]
    assert planned.chair is not None
    assert planned.chair.person.name == "Anne Holm"
    assert planned.minute_taker is not None
    assert planned.minute_taker.person.name == "Lise Vang"
    assert [item.number for item in recordable_items(planned)] == ["1", "2", "3", "4"]


def test_new_meeting_chair_and_minute_taker_by_name(akut):
    meeting = new_meeting(
        akut,
        cluster="Klynge Ærø",
        municipality="Ærø Kommune",
        start=dt.datetime(2027, 3, 11, 16, 30),
        participants=[parse_participant("Jens Lund; læge; ")],
        chair="jens  lund",
        minute_taker="Mette Dahl",
    )
    assert meeting.id == "klynge-aeroe-akutfunktioner-2027-03-11"
    assert meeting.start.tzinfo is COPENHAGEN
    cluster = meeting.delegations[0]
    assert cluster.organisation.name == "Klynge Ærø"
    assert [(p.person.name, p.role) for p in cluster.participants] == [
        ("Jens Lund", "ordstyrer"),
        ("Mette Dahl", "referent"),
    ]
    assert meeting.agenda is not None
    assert str(meeting.agenda.items[0].slot) == "16.30-16.40"


def test_new_meeting_adds_a_role_to_one_already_given(akut):
    meeting = new_meeting(
        akut,
        cluster="Klynge Syd",
        municipality="Sydby Kommune",
        start=START,
        participants=[parse_participant("Anne Holm; læge; Klynge Syd; formand")],
        chair="Anne Holm",
    )
    chair = meeting.chair
    assert chair is not None
    assert chair.role == "formand, ordstyrer"
    assert chair.roles == ("formand", "ordstyrer")


def test_new_meeting_needs_cluster_and_municipality(akut):
    with pytest.raises(MeetingError, match="cluster's name"):
        new_meeting(akut, cluster=" ", municipality="Sydby Kommune", start=START)
    with pytest.raises(MeetingError, match="municipality's name"):
        new_meeting(akut, cluster="Klynge Syd", municipality="", start=START)


def test_meeting_id_for():
    assert meeting_id_for("Klynge Nord/Vest", "akut", dt.date(2027, 1, 2)) == (
        "klynge-nord-vest-akut-2027-01-02"
    )
    assert meeting_id_for("", "akut", dt.date(2027, 1, 2)) == "akut-2027-01-02"


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("Sydby Kommune", OrganisationKind.MUNICIPALITY),
        ("KiAP", OrganisationKind.KIAP),
        ("Region Midtjylland", OrganisationKind.REGION),
        ("Hospitalsenhed Midt", OrganisationKind.HOSPITAL),
        ("Almen praksis", OrganisationKind.GENERAL_PRACTICE),
        ("Patient – og pårørenderepræsentanter", OrganisationKind.PATIENT_REPRESENTATIVES),
        ("Apotekerforeningen", OrganisationKind.OTHER),
    ],
)
def test_organisation_kind(name, kind):
    assert organisation_kind(name) is kind


def test_suggested_date_leaves_the_runbooks_lead_time(akut):
    # 8 weeks after Monday 5 January 2026 is Monday 2 March 2026.
    assert suggested_date(akut, dt.date(2026, 1, 5), holidays=no_holidays) == dt.date(2026, 3, 2)
    # 8 weeks after Saturday 3 January is a Saturday: the next working day.
    assert suggested_date(akut, dt.date(2026, 1, 3), holidays=no_holidays) == dt.date(2026, 3, 2)


def test_meeting_date_warnings(akut):
    today = dt.date(2027, 3, 1)
    saturday = dt.datetime(2027, 3, 13, 16, tzinfo=COPENHAGEN)
    warnings = meeting_date_warnings(akut, saturday, today, holidays=no_holidays)
    assert warnings == [
        "Mødet ligger på en lørdag (13. marts 2027).",
        "Der er kun 12 dage til mødet, men drejebogen begynder 8 uger før mødet "
        "(»Bestil klyngepakken hos KiAP«).",
    ]
    past = meeting_date_warnings(None, START, dt.date(2027, 6, 1), holidays=no_holidays)
    assert past == ["Mødedatoen 11. marts 2027 er allerede passeret."]
    holiday = meeting_date_warnings(
        None,
        START,
        dt.date(2026, 1, 1),
        holidays=lambda day: "Testdag" if day == START.date() else None,
    )
    assert holiday == ["Mødet ligger på en helligdag (Testdag, torsdag 11. marts 2027)."]
    assert meeting_date_warnings(akut, START, dt.date(2026, 1, 1), holidays=no_holidays) == []


# -- recording ------------------------------------------------------------------------------


def test_set_decisions_replaces_an_items_decisions_in_place(planned):
    meeting = set_decisions(planned, "2", ["A", "B"])
    meeting = set_decisions(meeting, "3", ["C"])
    meeting = set_decisions(meeting, "2", ["  Ny   tekst "])
    assert meeting.decisions == (Decision("Ny tekst", "2"), Decision("C", "3"))
    assert set_decisions(meeting, "2", [" "]).decisions == (Decision("C", "3"),)
    meeting = set_decisions(meeting, "1", ["Først"])  # in agenda order, not the order typed
    assert meeting.decisions[0] == Decision("Først", "1")
    with pytest.raises(MeetingError, match=r"no agenda item '7' \(items: 1, 2, 3, 4\)"):
        set_decisions(meeting, "7", ["x"])


def test_agenda_item(planned):
    assert agenda_item(planned, "3").title == "Blok 2: Henvisningsprocedurer"
    bare = attrs.evolve(planned, agenda=None)
    with pytest.raises(MeetingError, match="no numbered agenda"):
        agenda_item(bare, "1")


def test_add_action_refuses_a_due_date_before_the_meeting(planned):
    early = ActionItem("Send referat", "Lise Vang", due=dt.date(2027, 3, 10), item="4")
    with pytest.raises(MeetingError) as caught:
        add_action(planned, early)
    assert str(caught.value) == (
        "meeting 'klynge-syd-akutfunktioner-2027-03-11': the action item 'Send referat' is due "
        "2027-03-10, before the meeting on 2027-03-11; give a due date on or after the meeting day"
    )
    same_day = attrs.evolve(early, due=dt.date(2027, 3, 11))
    meeting = add_action(planned, same_day)
    assert meeting.action_items == (same_day,)
    assert add_action(meeting, same_day) is meeting  # not repeated
    with pytest.raises(MeetingError, match="no agenda item '9'"):
        add_action(planned, attrs.evolve(same_day, item="9"))


def test_owner_warning(planned):
    assert owner_warning(planned, "anne holm") is None
    assert owner_warning(planned, "Sydby Kommune") is None
    assert owner_warning(planned, "Ole Olsen", "Ring til KLU") == (
        "Den ansvarlige for »Ring til KLU«, »Ole Olsen«, er ikke blandt mødets deltagere; "
        "tjek stavemåden, eller tilføj personen som deltager."
    )


def test_set_attendance(planned):
    meeting = set_attendance(planned, "Karen Friis", Attendance.APOLOGIES)
    karen = meeting.participant("Karen Friis")
    assert karen is not None
    assert karen.attendance is Attendance.APOLOGIES
    assert not karen.attends
    with pytest.raises(MeetingError, match="no participant 'Kim'"):
        set_attendance(planned, "Kim", Attendance.PRESENT)


def test_add_guest(planned):
    guest = Participant(Person("Ole Berg", "overlæge", "Sydby Sygehus"), guest_items=("3",))
    meeting = add_guest(planned, guest)
    assert meeting.delegations[-1].organisation.name == "Sydby Sygehus"
    assert meeting.delegations[-1].organisation.kind is OrganisationKind.HOSPITAL
    to_cluster = Participant(Person("Eva Holt", "læge"), guest_items=("2",))
    meeting = add_guest(meeting, to_cluster)
    assert meeting.delegations[0].participants[-1] == to_cluster
    # A guest of the municipality, then the same person again for other items.
    municipal = Participant(Person("Bo Ravn", "", "sydby kommune"), guest_items=("2",))
    meeting = add_guest(meeting, municipal)
    again = attrs.evolve(municipal, guest_items=("2", "3"))
    meeting = add_guest(meeting, again)
    bo = meeting.participant("Bo Ravn")
    assert bo is not None
    assert bo.guest_items == ("2", "3")
    assert sum(1 for p in meeting.participants() if p.person.name == "Bo Ravn") == 1
    with pytest.raises(MeetingError, match="give the agenda items"):
        add_guest(planned, Participant(Person("Uden Punkter")))
    with pytest.raises(MeetingError, match="no agenda item '8'"):
        add_guest(planned, attrs.evolve(guest, guest_items=("8",)))


# -- files ----------------------------------------------------------------------------------


def previous(path: Path) -> Meeting:
    """The meeting in ``path``'s backup."""
    return loads(backup_path(path).read_text(encoding="utf-8"), "yaml", Meeting)


def test_meeting_file_keeps_a_backup_and_refuses_changed_files(planned, tmp_path):
    path = tmp_path / "møde.yaml"
    dump(planned, path)
    file = MeetingFile.open(path)
    original = path.read_text(encoding="utf-8")
    file.save(file.meeting)  # unchanged: nothing written, no backup
    assert not backup_path(path).exists()
    decided = set_decisions(file.meeting, "1", ["Velkommen"])
    file.save(decided)
    assert backup_path(path) == tmp_path / "møde.yaml.bak"
    assert backup_path(path).read_text(encoding="utf-8") == original
    assert load(path, Meeting).decisions == (Decision("Velkommen", "1"),)
    again = set_decisions(decided, "2", ["Mere"])
    file.save(again)
    assert previous(path).decisions == (Decision("Velkommen", "1"),)
    path.write_text(original, encoding="utf-8")  # someone else changes the file
    with pytest.raises(MeetingError, match="changed or removed by someone else"):
        file.save(set_decisions(again, "3", ["Tabt?"]))
    assert path.read_text(encoding="utf-8") == original


def test_meeting_file_open_errors(tmp_path):
    with pytest.raises(DocumentError, match="no such file"):
        MeetingFile.open(tmp_path / "mangler.yaml")
    text = tmp_path / "møde.txt"
    text.write_text("x", encoding="utf-8")
    with pytest.raises(DocumentError, match="unknown file type"):
        MeetingFile.open(text)


def test_json_meeting_files_stay_json(planned, tmp_path):
    path = tmp_path / "møde.json"
    dump(planned, path)
    file = MeetingFile.open(path)
    file.save(set_decisions(file.meeting, "1", ["Godkendt"]))
    assert path.read_text(encoding="utf-8").startswith("{")


# -- recording in the terminal --------------------------------------------------------------


class Script:
    """Answers prompts from lists; an exception in a list is raised when its turn comes."""

    def __init__(self, **answers: Sequence[Any]) -> None:
        self.answers = {kind: list(values) for kind, values in answers.items()}
        self.asked: list[tuple[str, str]] = []
        self.defaults: list[str] = []

    def _next(self, kind: str, message: str) -> Any:
        self.asked.append((kind, message))
        answer = self.answers[kind].pop(0)
        if isinstance(answer, BaseException):
            raise answer
        return answer

    def select(self, message: str, choices: Sequence[tuple[str, str]]) -> str:
        answer = self._next("select", message)
        assert answer in [value for value, _ in choices], (answer, choices)
        return str(answer)

    def text(self, message: str, default: str) -> str:
        self.defaults.append(default)
        answer = self._next("text", message)
        return default if answer is None else str(answer)

    def confirm(self, message: str) -> bool:
        return bool(self._next("confirm", message))


@pytest.fixture
def meeting_file(planned, tmp_path) -> Iterator[MeetingFile]:
    path = tmp_path / "møde.yaml"
    dump(planned, path)
    return MeetingFile.open(path)


def test_record_meeting_walks_attendance_and_every_item(meeting_file):
    script = Script(
        confirm=[
            False,  # not everyone came as planned
            True,  # a guest
            False,  # not virtually
            False,  # no more guests
            False,  # item 1: no action
            True,  # item 2: an action
            False,
            False,  # item 3
            True,  # item 4: an action
            False,
        ],
        select=[
            "present",  # Anne Holm
            "present",  # Lise Vang
            "virtual",  # Karen Friis
            "apologies",  # Ole Brandt
            "Karen Friis",  # owner of the action under item 2
            "<anden>",  # owner of the action under item 4: someone else
        ],
        text=[
            "Ole Berg",
            "overlæge",
            "Sydby Sygehus",
            "9",  # no such item: asked again
            "3",
            "",  # item 1: no decision
            "Kommunen sender en oversigt.",
            "Send oversigten",
            "10.3.2027",  # before the meeting: asked again
            "15.4.2027",
            "Henvisningsskabelonen aftales på næste møde.",
            "Vi mødes igen om et år.",
            "Sæt resultatet på KLU's dagsorden",
            "Ole Olsen",
            "",  # no due date
        ],
    )
    out = io.StringIO()
    warnings: list[str] = []
    meeting = record_meeting(meeting_file, script, out, warn=warnings.append)
    assert all(not answers for answers in script.answers.values())
    assert meeting.recorded_items == ("1", "2", "3", "4")
    assert meeting.attendance_recorded
    assert meeting.decisions == (
        Decision("Kommunen sender en oversigt.", "2"),
        Decision("Henvisningsskabelonen aftales på næste møde.", "3"),
        Decision("Vi mødes igen om et år.", "4"),
    )
    assert meeting.action_items == (
        ActionItem("Send oversigten", "Karen Friis", dt.date(2027, 4, 15), item="2"),
        ActionItem("Sæt resultatet på KLU's dagsorden", "Ole Olsen", item="4"),
    )
    karen, ole = meeting.participant("Karen Friis"), meeting.participant("Ole Brandt")
    assert karen is not None
    assert karen.attendance is Attendance.VIRTUAL
    assert ole is not None
    assert ole.attendance is Attendance.APOLOGIES
    guest = meeting.participant("Ole Berg")
    assert guest is not None
    assert guest.guest_items == ("3",)
    assert warnings == [owner_warning(meeting, "Ole Olsen", "Sæt resultatet på KLU's dagsorden")]
    text = out.getvalue()
    assert "dagsordenen har ikke punkt 9" in text
    assert "Fristen 10. marts 2027 ligger før mødet (11. marts 2027)" in text
    assert "Punkt 2: Blok 1: Akutfunktionen (kl. 16.10-17.15)  [2 af 4]" in text
    assert text.rstrip().endswith("Alle punkter er noteret.")
    assert load(meeting_file.path, Meeting) == meeting


def test_an_interrupted_recording_loses_nothing_and_resumes(meeting_file):
    first = Script(
        confirm=[True, False, False, True, False, KeyboardInterrupt()],
        select=["Lise Vang"],
        text=["Velkommen.", "Oversigt aftalt.", "Send oversigten", "2027-04-01", "Halvt svar"],
    )
    with pytest.raises(KeyboardInterrupt):
        record_meeting(meeting_file, first, io.StringIO())
    saved = load(meeting_file.path, Meeting)
    assert saved.recorded_items == ("1", "2")
    assert saved.attendance_recorded
    assert saved.decisions == (
        Decision("Velkommen.", "1"),
        Decision("Oversigt aftalt.", "2"),
        Decision("Halvt svar", "3"),
    )
    assert saved.action_items == (
        ActionItem("Send oversigten", "Lise Vang", dt.date(2027, 4, 1), item="2"),
    )
    resumed = Script(confirm=[False, False], text=[None, "Slut."])
    meeting = record_meeting(MeetingFile.open(meeting_file.path), resumed, io.StringIO())
    # Attendance is not asked again; item 3, whose decision was typed before the
    # interruption, is asked again with that decision offered.
    assert resumed.asked == [
        ("text", "Beslutning/referat for punkt 3 (tom: ingen):"),
        ("confirm", "Tilføj en handling under punkt 3?"),
        ("text", "Beslutning/referat for punkt 4 (tom: ingen):"),
        ("confirm", "Tilføj en handling under punkt 4?"),
    ]
    assert resumed.defaults == ["Halvt svar", ""]
    assert meeting.recorded_items == ("1", "2", "3", "4")
    assert meeting.decisions[2:] == (Decision("Halvt svar", "3"), Decision("Slut.", "4"))


def test_record_again_asks_only_the_items_given(meeting_file):
    done = attrs.evolve(
        meeting_file.meeting,
        recorded_items=("1", "2", "3", "4"),
        attendance_recorded=True,
        decisions=(Decision("Gammel", "3"),),
    )
    meeting_file.save(done)
    script = Script(confirm=[False], text=[None])
    out = io.StringIO()
    meeting = record_meeting(meeting_file, script, out, items=["3"])
    assert script.asked == [
        ("text", "Beslutning/referat for punkt 3 (tom: ingen):"),
        ("confirm", "Tilføj en handling under punkt 3?"),
    ]
    assert meeting.decisions == (Decision("Gammel", "3"),)
    with pytest.raises(MeetingError, match="no agenda item '5'"):
        record_meeting(meeting_file, script, out, items=["5"])


def test_record_needs_numbered_items(meeting_file):
    bare = attrs.evolve(meeting_file.meeting, agenda=None)
    meeting_file.save(bare)
    with pytest.raises(MeetingError, match="no numbered agenda items"):
        record_meeting(meeting_file, Script(), io.StringIO())


# -- following up ---------------------------------------------------------------------------


def held(planned: Meeting) -> Meeting:
    meeting = set_decisions(planned, "2", ["Kommunen sender en oversigt."])
    meeting = set_decisions(meeting, "4", ["Vi mødes igen om et år."])
    for action in (
        ActionItem("Send oversigten", "Karen Friis", dt.date(2027, 4, 15), item="2"),
        ActionItem("Lav en henvisningsskabelon", "Anne Holm", dt.date(2027, 6, 1), item="3"),
        ActionItem("Sæt resultatet på KLU's dagsorden", "Karen Friis", item="4"),
    ):
        meeting = add_action(meeting, action)
    done = attrs.evolve(meeting.action_items[0], status=ActionStatus.DONE)
    guest = Participant(Person("Ole Berg", "overlæge", "Sydby Sygehus"), guest_items=("3",))
    meeting = add_guest(meeting, guest)
    meeting = set_attendance(meeting, "Ole Brandt", Attendance.APOLOGIES)
    return attrs.evolve(meeting, action_items=(done, *meeting.action_items[1:]))


def test_follow_up_date_keeps_the_weekday_a_year_later(akut, planned):
    day, note = follow_up_date(planned, akut, holidays=no_holidays)
    assert day == dt.date(2028, 3, 9)  # Thursday, nearest 11 March 2028 (a Saturday)
    assert note == (
        "1 år efter mødet er lørdag 11. marts 2028; opfølgningen er lagt på samme ugedag som "
        "mødet, torsdag 9. marts 2028."
    )


def test_follow_up_date_moves_off_a_holiday(planned):
    later = moved(planned, dt.date(2027, 5, 27))

    def ascension(day: dt.date) -> str | None:
        return "Kristi himmelfartsdag" if day == dt.date(2028, 5, 25) else None

    day, note = follow_up_date(later, holidays=ascension)
    assert day == dt.date(2028, 5, 24)
    assert note.endswith(
        "Torsdag 25. maj 2028 er en fridag (Kristi himmelfartsdag); opfølgningen er rykket til "
        "onsdag 24. maj 2028."
    )


def test_follow_up_date_takes_the_nearest_day_with_the_weekday(planned):
    monday = moved(planned, dt.date(2027, 3, 8))
    # 8 March 2028 is a Wednesday; the nearest Monday is the 6th.
    assert follow_up_date(monday, holidays=no_holidays)[0] == dt.date(2028, 3, 6)
    wednesday = moved(planned, dt.date(2027, 3, 10))
    # 10 March 2028 is a Friday; the nearest Wednesday is the 8th.
    assert follow_up_date(wednesday, holidays=no_holidays)[0] == dt.date(2028, 3, 8)


def moved(meeting: Meeting, day: dt.date) -> Meeting:
    """``meeting`` on another day at the same times."""
    shift = day - meeting.start.date()
    return attrs.evolve(meeting, start=meeting.start + shift, end=meeting.end + shift)


def test_follow_up_interval_from_the_runbook(package, planned):
    assert package.runbook is not None
    # The test package's last task is a week after: that is no follow-up, so a year.
    assert follow_up_date(planned, package, holidays=no_holidays)[0] == dt.date(2028, 3, 9)
    half_year = Task(
        "opfoelgning",
        "Hold opfølgningsmøde",
        Phase.AFTER,
        Role.CLUSTER_COORDINATOR,
        deadline=RelativeDeadline(6, TimeUnit.MONTHS),
    )
    runbook = Runbook(package.runbook.title, (*package.runbook.tasks, half_year))
    advised = attrs.evolve(package, runbook=runbook)
    day, _ = follow_up_date(planned, advised, holidays=no_holidays)
    assert day == dt.date(2027, 9, 9)  # Thursday nearest 11 September 2027 (a Saturday)


def test_follow_up_meeting_starts_with_open_items_and_decisions(akut, planned, tmp_path):
    meeting = held(planned)
    follow = follow_up_meeting(meeting, package=akut, holidays=no_holidays)
    assert follow.previous == meeting.id
    assert follow.id == "klynge-syd-akutfunktioner-2028-03-09"
    assert follow.title == "Opfølgende klyngemøde: Kommunale akutfunktioner"
    assert follow.start == dt.datetime(2028, 3, 9, 16, tzinfo=COPENHAGEN)
    assert follow.end == follow.start + dt.timedelta(minutes=170)
    assert follow.agenda is not None
    first, second, *rest = follow.agenda.items
    assert (first.number, first.title, str(first.slot)) == (
        "1",
        "Opfølgning på handlinger fra mødet 11. marts 2027",
        "16.00-16.10",
    )
    assert first.points == (
        "Lav en henvisningsskabelon (Anne Holm, frist 1. juni 2027)",
        "Sæt resultatet på KLU's dagsorden (Karen Friis)",
    )
    assert second.title == "Beslutninger fra mødet 11. marts 2027"
    assert second.points == (
        "Punkt 2: Kommunen sender en oversigt.",
        "Punkt 4: Vi mødes igen om et år.",
    )
    assert [(item.number, item.title) for item in rest][:2] == [
        ("3", "Introduktion"),
        ("4", "Blok 1: Akutfunktionen"),
    ]
    assert str(rest[0].slot) == "16.20-16.30"
    names = [(p.person.name, p.attendance) for p in follow.participants()]
    assert ("Ole Berg", Attendance.PRESENT) not in names  # guests are not invited again
    assert ("Ole Brandt", Attendance.PRESENT) in names  # apologies last time, invited again
    assert follow.decisions == ()
    assert follow.action_items == ()
    assert load(dump(follow, tmp_path / "opfoelgning.yaml"), Meeting) == follow


def test_follow_up_without_package_repeats_the_agenda(planned):
    meeting = held(planned)
    first = follow_up_meeting(meeting, holidays=no_holidays)
    again = set_decisions(first, "3", ["Ny beslutning"])
    second = follow_up_meeting(again, earlier=[meeting], holidays=no_holidays)
    assert second.agenda is not None
    titles = [item.title for item in second.agenda.items]
    # The first follow-up's review items are not repeated; the new ones come first.
    assert titles[:3] == [
        "Opfølgning på handlinger fra mødet 9. marts 2028",
        "Beslutninger fra mødet 9. marts 2028",
        "Introduktion",
    ]
    assert sum(1 for title in titles if title.startswith("Opfølgning på handlinger")) == 1
    assert second.agenda.items[0].points == (
        "Lav en henvisningsskabelon (Anne Holm, frist 1. juni 2027, fra mødet 11. marts 2027)",
        "Sæt resultatet på KLU's dagsorden (Karen Friis, fra mødet 11. marts 2027)",
    )
    assert second.title == first.title == "Opfølgende klyngemøde: Kommunale akutfunktioner"
    assert second.id == "klynge-syd-akutfunktioner-2029-03-08"
    assert second.previous == first.id


def test_follow_up_refuses_a_start_before_the_meeting(planned):
    with pytest.raises(MeetingError, match="must be after it"):
        follow_up_meeting(planned, start=dt.datetime(2027, 3, 1, 16))


def test_follow_up_of_a_meeting_without_agenda_or_outcomes(meeting):
    bare = attrs.evolve(meeting, agenda=None, action_items=())
    follow = follow_up_meeting(bare, start=dt.datetime(2026, 3, 30, 16), place="Rådhuset")
    assert follow.agenda is not None
    assert [item.title for item in follow.agenda.items] == ["Opfølgning på sidste møde"]
    assert follow.place == "Rådhuset"
    assert follow.title == "Opfølgning: Klyngemøde om akutfunktioner"
    assert follow.id == "moede1-opfoelgning-2026-03-30"


def test_meeting_chain(planned):
    first = held(planned)
    second = follow_up_meeting(first, holidays=no_holidays)
    third = follow_up_meeting(second, holidays=no_holidays)
    assert meeting_chain(third, [third, second, first]) == [first, second]
    assert meeting_chain(third, [third, second]) == [second]
    assert meeting_chain(first, [first, second]) == []


# -- action items across meetings -----------------------------------------------------------


@pytest.fixture
def folder(planned, package, meeting, tmp_path) -> Path:
    dump(meeting, tmp_path / "naiv.yaml")  # times without UTC offset, among ones with
    meeting = held(planned)
    dump(meeting, tmp_path / "foerste.yaml")
    follow = follow_up_meeting(meeting, holidays=no_holidays)
    follow = add_action(follow, ActionItem("Ny opgave", "Anne Holm", dt.date(2028, 4, 1)))
    dump(follow, tmp_path / "anden.json")
    dump(package, tmp_path / "pakke.yaml")  # another document: left out
    (tmp_path / "noter.txt").write_text("document: meeting", encoding="utf-8")
    (tmp_path / "foerste.yaml.bak").write_text("gammel", encoding="utf-8")
    return tmp_path


def test_list_actions_across_a_folder(folder):
    files, problems = find_meeting_files(folder)
    assert problems == []
    assert sorted(file.path.name for file in files) == ["anden.json", "foerste.yaml", "naiv.yaml"]
    rows = list_actions(files, today=dt.date(2027, 6, 15))
    assert [(row.reference, row.overdue) for row in rows] == [
        ("moede1:1", True),
        ("klynge-syd-akutfunktioner-2027-03-11:1", False),  # done
        ("klynge-syd-akutfunktioner-2027-03-11:2", True),
        ("klynge-syd-akutfunktioner-2027-03-11:3", False),  # no due date
        ("klynge-syd-akutfunktioner-2028-03-09:1", False),
    ]
    assert rows[2].item_title == "Blok 2: Henvisningsprocedurer"
    assert rows[4].item_title == ""
    data = rows[2].to_data()
    assert data["due"] == "2027-06-01"
    assert data["status"] == "open"
    assert data["overdue"] is True
    assert data["file"] == str(folder / "foerste.yaml")


def test_find_meeting_files_reports_broken_and_duplicate_files(folder, planned):
    (folder / "ødelagt.yaml").write_text(
        "schema_version: 1\ndocument: meeting\nid: x\n", encoding="utf-8"
    )
    dump(planned, folder / "kopi.yaml")  # the same id as foerste.yaml
    files, problems = find_meeting_files(folder)
    assert len(files) == 3
    assert len(problems) == 2
    assert any("ødelagt.yaml" in p and "title: required" in p for p in problems)
    assert any(
        "meeting id 'klynge-syd-akutfunktioner-2027-03-11' is also the id of" in p for p in problems
    )
    one, _ = find_meeting_files(folder / "anden.json")
    assert [file.path.name for file in one] == ["anden.json"]
    with pytest.raises(MeetingError, match="no such folder"):
        find_meeting_files(folder / "mangler")


def test_set_action_status(folder):
    files, _ = find_meeting_files(folder)
    row = set_action_status(files, "klynge-syd-akutfunktioner-2027-03-11", 2, ActionStatus.DONE)
    assert row.action.status is ActionStatus.DONE
    saved = load(folder / "foerste.yaml", Meeting)
    assert [a.status for a in saved.action_items] == [
        ActionStatus.DONE,
        ActionStatus.DONE,
        ActionStatus.OPEN,
    ]
    assert previous(folder / "foerste.yaml").action_items[1].is_open
    with pytest.raises(MeetingError, match="has 3 action items, so there is no number 4"):
        set_action_status(files, "klynge-syd-akutfunktioner-2027-03-11", 4, ActionStatus.DONE)
    with pytest.raises(MeetingError, match="no meeting file with the id 'nej'"):
        set_action_status(files, "nej", 1, ActionStatus.DONE)


# -- the model's additions ------------------------------------------------------------------


def test_action_item_open_and_overdue():
    action = ActionItem("x", "y", due=dt.date(2027, 5, 1))
    assert action.is_open
    assert not action.is_overdue(dt.date(2027, 5, 1))
    assert action.is_overdue(dt.date(2027, 5, 2))
    assert not attrs.evolve(action, status=ActionStatus.CANCELLED).is_overdue(dt.date(2028, 1, 1))
    assert attrs.evolve(action, status=ActionStatus.IN_PROGRESS).is_overdue(dt.date(2028, 1, 1))
    assert not ActionItem("x", "y").is_overdue(dt.date(2099, 1, 1))


def test_recorded_items_must_be_agenda_items(planned):
    with pytest.raises(ModelError, match=r"recorded_items\[0\]: no agenda item numbered '9'"):
        attrs.evolve(planned, recorded_items=("9",))


def test_roles_of_the_chair_and_minute_taker():
    chair = Participant(Person("A"), role="Mødeleder, formand")
    assert chair.is_chair
    assert not chair.is_minute_taker
    assert Participant(Person("B"), role="referent").is_minute_taker
    assert not Participant(Person("C")).roles


def test_meeting_files_without_the_new_fields_still_load(meeting, tmp_path):
    path = dump(meeting, tmp_path / "gammel.yaml")
    text = path.read_text(encoding="utf-8")
    assert "recorded_items" not in text
    assert "attendance_recorded" not in text
    assert load(path, Meeting) == meeting
    assert meeting.chair is None
    assert meeting.minute_taker is None


def test_timed_agenda_keeps_given_slots():
    programme = Agenda(
        (
            AgendaItem("A", number="1", slot=TimeSlot(dt.time(9), dt.time(9, 30))),
            AgendaItem("B", number="2", minutes=15),
            AgendaItem("Pause", kind=AgendaItemKind.BREAK, minutes=5),
        )
    )
    agenda = timed_agenda(programme, dt.time(9))
    assert [str(item.slot) for item in agenda.items] == [
        "09.00-09.30",
        "09.30-09.45",
        "09.45-09.50",
    ]
    assert agenda.items[2].number == ""


def test_danish_clock_times_whatever_the_offset_in_the_file(planned):
    utc = attrs.evolve(
        planned,
        start=dt.datetime(2027, 6, 3, 14, 0, tzinfo=dt.UTC),
        end=dt.datetime(2027, 6, 3, 16, 30, tzinfo=dt.UTC),
        agenda=None,
    )
    assert meeting_clock(utc) == dt.time(16, 0)  # summer time
    follow = follow_up_meeting(utc, holidays=no_holidays)
    assert follow.start == dt.datetime(2028, 6, 1, 16, 0, tzinfo=COPENHAGEN)
    winter = danish_time(utc, dt.date(2028, 1, 6), dt.time(16))
    assert winter.utcoffset() == dt.timedelta(hours=1)
    naive = attrs.evolve(
        utc, start=utc.start.replace(tzinfo=None), end=utc.end.replace(tzinfo=None)
    )
    assert danish_time(naive, dt.date(2028, 1, 6), dt.time(16)).tzinfo is None


def test_new_meeting_times_are_danish_clock_times(akut):
    meeting = new_meeting(
        akut,
        cluster="Klynge Syd",
        municipality="Sydby Kommune",
        start=dt.datetime(2027, 6, 3, 14, 0, tzinfo=dt.UTC),
    )
    assert meeting.start == dt.datetime(2027, 6, 3, 16, 0, tzinfo=COPENHAGEN)
    assert meeting.agenda is not None
    assert str(meeting.agenda.items[0].slot) == "16.00-16.10"
