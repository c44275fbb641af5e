"""``klyngepakke meeting new|record|follow-up`` and ``klyngepakke actions``."""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import attrs
import pytest

from klyngepakke import cli
from klyngepakke.cli import main
from klyngepakke.conversion import dump, load
from klyngepakke.hookspecs import hookimpl
from klyngepakke.meetings import backup_path
from klyngepakke.model import (
    ActionItem,
    ActionStatus,
    Attendance,
    ClusterPackage,
    Decision,
    Meeting,
)
from klyngepakke.planning import COPENHAGEN
from klyngepakke.testing import registered_plugins
from klyngepakke.topics import Topic

akutfunktioner = pytest.importorskip("klyngepakke_akutfunktioner")

MEETING_ID = "klynge-syd-akutfunktioner-2030-03-14"  # Thursday 14 March 2030
PEOPLE = (
    "--participant",
    "Anne Holm; praktiserende læge; Klynge Syd",
    "--participant",
    "Lise Vang; klyngekoordinator; Klynge Syd",
    "--participant",
    "Jens Lund; praktiserende læge; Klynge Syd",
    "--participant",
    "Karen Friis; leder af akutfunktionen; Sydby Kommune; ; kf@sydby.dk",
    "--participant",
    "Peter Møller; sygeplejerske; Sydby Kommune",
)


def has_docx() -> bool:
    return importlib.util.find_spec("klyngepakke_docx") is not None


class ReadOnce:
    """The akutfunktioner topic with its package read once for the module (it takes a while)."""

    def __init__(self, package: ClusterPackage) -> None:
        self.package = package

    @hookimpl
    def register_topics(self, register: Callable[[Topic], None]) -> None:
        register(Topic("akutfunktioner", "Kommunale akutfunktioner", lambda: self.package))


@pytest.fixture(scope="module")
def akut() -> ClusterPackage:
    with registered_plugins(akutfunktioner) as registry:
        return registry.topic("akutfunktioner").package


@pytest.fixture(autouse=True)
def plugins(monkeypatch, akut) -> Iterator[None]:
    """The akutfunktioner topic (and the Word exporter, if installed); nobody at the keyboard."""
    monkeypatch.setattr(cli, "is_interactive", lambda: False)
    extra = []
    if has_docx():
        import klyngepakke_docx

        extra.append(klyngepakke_docx)
    with registered_plugins(ReadOnce(akut), *extra):
        yield


def run(*argv: str | Path) -> int:
    try:
        return main([str(arg) for arg in argv])
    except SystemExit as exc:
        return int(exc.code or 0)


def new_meeting(folder: Path, *extra: str) -> Path:
    path = folder / "moede.yaml"
    code = run(
        "meeting",
        "new",
        "akutfunktioner",
        "--cluster",
        "Klynge Syd",
        "--municipality",
        "Sydby Kommune",
        "--date",
        "2030-03-14",
        "--place",
        "Sydby Sundhedshus, mødelokale 2",
        *PEOPLE,
        "--chair",
        "Anne Holm",
        "--minute-taker",
        "Lise Vang",
        "-o",
        path,
        *extra,
    )
    assert code == 0
    return path


def docx_text(path: Path) -> str:
    import docx

    document = docx.Document(str(path))
    lines = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        lines += [" | ".join(cell.text for cell in row.cells) for row in table.rows]
    return "\n".join(lines)


# -- the whole flow -------------------------------------------------------------------------


def test_from_package_to_the_follow_up_meeting(tmp_path, capsys):
    # A meeting from the akutfunktioner package.
    path = new_meeting(tmp_path)
    out = capsys.readouterr().out
    assert out == (
        f"wrote {path}: Klyngemøde: Kommunale akutfunktioner, torsdag 14. marts 2030 kl. "
        f"16.00-18.30, 4 agenda items (meeting id {MEETING_ID})\n"
    )
    meeting = load(path, Meeting)
    assert meeting.chair is not None
    assert meeting.chair.person.name == "Anne Holm"
    assert meeting.agenda is not None
    assert str(meeting.agenda.items[3].slot) == "17.30-18.10"

    # The meeting is held: decisions, three action items, attendance.
    code = run(
        "meeting",
        "record",
        path,
        "--attendance",
        "Jens Lund=afbud",
        "--attendance",
        "Peter Møller=virtual",
        "--guest",
        "Ole Berg; overlæge; Sydby Sygehus; 3",
        "--decision",
        "2=Kommunen sender en oversigt over akutfunktionens tilbud til alle praksis.",
        "--decision",
        "3=Klynge og kommune laver en fælles henvisningsskabelon.",
        "--decision",
        "4=Resultatet sættes på KLU's dagsorden.",
        "--action",
        "2; Send oversigten over akutfunktionens tilbud; Karen Friis; 2030-04-15",
        "--action",
        "3; Lav et udkast til en henvisningsskabelon; Anne Holm; 2030-06-01",
        "--action",
        "4; Sæt resultatet på KLU's dagsorden; Sydby Kommune; 2030-05-01",
    )
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert captured.err == ""
    assert captured.out == (f"saved {path}: 2 attendances, 1 guest, 3 decisions, 3 action items\n")
    held = load(path, Meeting)
    assert held.recorded_items == ("2", "3", "4")
    assert held.attendance_recorded
    assert len(held.action_items) == 3
    jens = held.participant("Jens Lund")
    assert jens is not None
    assert jens.attendance is Attendance.APOLOGIES
    assert load_backup(path) == meeting

    # The minutes, with the Word exporter when it is installed.
    if has_docx():
        minutes = tmp_path / "referat.docx"
        assert run("export", path, "-f", "docx", "-o", minutes) == 0
        text = docx_text(minutes)
        assert "Kommunen sender en oversigt over akutfunktionens tilbud til alle praksis." in text
        assert "Lav et udkast til en henvisningsskabelon | Anne Holm | 1. juni 2030 | Åben" in text
        assert "Ole Berg" in text
        capsys.readouterr()

    # The follow-up, a year later on the same weekday, starts with the open items.
    assert run("meeting", "follow-up", path) == 0
    captured = capsys.readouterr()
    follow_path = tmp_path / "klynge-syd-akutfunktioner-2031-03-13.yaml"
    assert captured.out == (
        f"wrote {follow_path}: Opfølgende klyngemøde: Kommunale akutfunktioner, torsdag "
        "13. marts 2031 kl. 16.00-18.50; 3 open action items and 3 decisions to review "
        "(meeting id klynge-syd-akutfunktioner-2031-03-13)\n"
    )
    assert "samme ugedag som mødet, torsdag 13. marts 2031" in captured.err
    follow = load(follow_path, Meeting)
    assert follow.previous == MEETING_ID
    assert follow.agenda is not None
    review = follow.agenda.items[0]
    assert review.title == "Opfølgning på handlinger fra mødet 14. marts 2030"
    assert review.points == (
        "Send oversigten over akutfunktionens tilbud (Karen Friis, frist 15. april 2030)",
        "Lav et udkast til en henvisningsskabelon (Anne Holm, frist 1. juni 2030)",
        "Sæt resultatet på KLU's dagsorden (Sydby Kommune, frist 1. maj 2030)",
    )
    assert follow.agenda.items[1].points[0] == (
        "Punkt 2: Kommunen sender en oversigt over akutfunktionens tilbud til alle praksis."
    )

    # One item is closed; the list shows the rest.
    assert run("actions", tmp_path, "--set", f"{MEETING_ID}:1=done") == 0
    assert capsys.readouterr().out == (
        f"{MEETING_ID}:1: Send oversigten over akutfunktionens tilbud -> Udført (saved {path})\n"
    )
    assert [a.status for a in load(path, Meeting).action_items] == [
        ActionStatus.DONE,
        ActionStatus.OPEN,
        ActionStatus.OPEN,
    ]
    assert run("actions", tmp_path, "--open", "--json", "--today", "2030-05-10") == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(row["reference"], row["owner"], row["overdue"]) for row in rows] == [
        (f"{MEETING_ID}:2", "Anne Holm", False),
        (f"{MEETING_ID}:3", "Sydby Kommune", True),
    ]
    assert run("actions", tmp_path, "--today", "2030-05-10") == 0
    listing = capsys.readouterr().out
    assert (
        listing.splitlines()[0] == "Klyngemøde: Kommunale akutfunktioner – torsdag 14. marts 2030"
    )
    assert "Sæt resultatet på KLU's dagsorden" in listing
    assert "Åben – OVERSKREDET" in listing
    assert "Udført" in listing
    assert listing.splitlines()[-1] == "3 handlinger: 2 åbne eller i gang, 1 overskredet"


def load_backup(path: Path) -> Meeting:
    from klyngepakke.conversion import loads

    return loads(backup_path(path).read_text(encoding="utf-8"), "yaml", Meeting)


# -- meeting new ----------------------------------------------------------------------------


def test_new_without_a_terminal_needs_the_answers(tmp_path, capsys):
    code = run("meeting", "new", "akutfunktioner", "--municipality", "Sydby Kommune")
    assert code == 2
    assert "give --cluster NAME" in capsys.readouterr().err
    code = run("meeting", "new", "--cluster", "Klynge Syd")
    assert code == 2
    assert "give the package: TOPIC" in capsys.readouterr().err
    code = run("meeting", "new", "akutfunktioner", "--cluster", "K", "--municipality", "M")
    assert code == 2
    assert "give --date DATE" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--date", "14/13/2030", "--date '14/13/2030' is not like 2027-03-11"),
        ("--start", "kl. 4", "--start 'kl. 4' is not like 16:00"),
        ("--participant", "Kim", "--participant 'Kim': »Kim« skal skrives som"),
        ("--cluster", " ", "--cluster must not be empty"),
        ("-o", "moede.txt", "unknown file type '.txt'"),
    ],
)
def test_new_refuses_bad_options(tmp_path, capsys, option, value, message):
    argv = ["meeting", "new", "akutfunktioner", "--cluster", "K", "--municipality", "M"]
    argv += ["--date", "2030-03-14", "-o", str(tmp_path / "m.yaml"), option, value]
    assert run(*argv) == 2
    assert message in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_new_does_not_replace_a_file_without_force(tmp_path, capsys):
    path = new_meeting(tmp_path)
    before = path.read_text(encoding="utf-8")
    code = run(
        "meeting", "new", "akutfunktioner", "--cluster", "Klynge Nord", "--municipality",
        "Nordby Kommune", "--date", "2030-03-21", "-o", path,
    )  # fmt: skip
    assert code == 1
    assert "already exists; use --force" in capsys.readouterr().err
    assert path.read_text(encoding="utf-8") == before
    new_meeting(tmp_path, "--force", "--start", "17")
    assert load(path, Meeting).start == dt.datetime(2030, 3, 14, 17, tzinfo=COPENHAGEN)


def test_new_writes_id_yaml_by_default_and_warns_about_the_date(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    code = run(
        "meeting", "new", "akutfunktioner", "--cluster", "Klynge Syd", "--municipality",
        "Sydby Kommune", "--date", "16.3.2030", "--chair", "Anne Holm; læge; Klynge Syd",
    )  # fmt: skip
    assert code == 0
    captured = capsys.readouterr()
    written = tmp_path / "klynge-syd-akutfunktioner-2030-03-16.yaml"
    assert captured.out.startswith("wrote klynge-syd-akutfunktioner-2030-03-16.yaml:")
    assert "klyngepakke: warning: Mødet ligger på en lørdag (16. marts 2030)." in captured.err
    meeting = load(written, Meeting)
    assert [(p.person.name, p.person.title, p.role) for p in meeting.participants()] == [
        ("Anne Holm", "læge", "ordstyrer")
    ]


# -- interactive ----------------------------------------------------------------------------


class Script:
    """Answers prompts from lists and records what was asked; exceptions in a list are raised."""

    def __init__(self, **answers: Sequence[Any]) -> None:
        self.answers = {kind: list(values) for kind, values in answers.items()}
        self.asked: list[tuple[str, str, Any]] = []

    def _next(self, kind: str) -> Any:
        answer = self.answers[kind].pop(0)
        if isinstance(answer, BaseException):
            raise answer
        return answer

    def select(self, message: str, choices: Sequence[tuple[str, str]]) -> str:
        self.asked.append(("select", message, [value for value, _ in choices]))
        answer = self._next("select")
        assert answer in [value for value, _ in choices]
        return str(answer)

    def text(self, message: str, default: str) -> str:
        self.asked.append(("text", message, default))
        answer = self._next("text")
        return default if answer is None else str(answer)

    def confirm(self, message: str) -> bool:
        self.asked.append(("confirm", message, None))
        return bool(self._next("confirm"))

    def done(self) -> bool:
        return all(not values for values in self.answers.values())


@pytest.fixture
def terminal(monkeypatch):
    def install(**answers: Sequence[Any]) -> Script:
        script = Script(**answers)
        monkeypatch.setattr(cli, "prompter", script)
        monkeypatch.setattr(cli, "is_interactive", lambda: True)
        return script

    return install


def test_new_asks_for_every_answer_in_a_terminal(tmp_path, monkeypatch, terminal, capsys):
    monkeypatch.chdir(tmp_path)
    script = terminal(
        select=[
            "akutfunktioner",
            "Klynge Syd",  # Anne Holm's organisation
            "Sydby Kommune",  # Karen Friis's
            "<anden>",  # Ole Berg's: typed
            "Anne Holm",  # chair
            "<ingen>",  # no minute-taker yet
        ],
        text=[
            "  Klynge  Syd ",
            "",  # the municipality is required: asked again
            "Sydby Kommune",
            "31.2.2030",  # no such day: asked again
            "2030-03-14",
            "16.30",
            "Sundhedshuset",
            "Anne Holm",
            "praktiserende læge",
            "",  # no e-mail
            "Karen Friis",
            "leder",
            "karen@",  # not an e-mail address: asked again
            "karen@sydby.dk",
            "Ole Berg",
            "overlæge",
            "Sydby Sygehus",
            "",
            "",  # no more participants
            None,  # save under the name offered
        ],
    )
    assert run("meeting", "new") == 0
    assert script.done()
    out = capsys.readouterr().out
    assert "Skriv noget her." in out
    assert "»31.2.2030« er ikke en dato" in out
    assert "»karen@« ligner ikke en e-mailadresse." in out
    asked = [(kind, message) for kind, message, _ in script.asked]
    assert asked[:6] == [
        ("select", "Hvilket emne?"),
        ("text", "Klyngens navn:"),
        ("text", "Kommunens navn:"),
        ("text", "Kommunens navn:"),
        ("text", "Mødedato (fx 2027-03-11):"),
        ("text", "Mødedato (fx 2027-03-11):"),
    ]
    start_prompt = next(entry for entry in script.asked if entry[1] == "Starttidspunkt:")
    assert start_prompt[2] == "16:00"
    assert script.asked[-1] == ("text", "Gem som:", "klynge-syd-akutfunktioner-2030-03-14.yaml")
    meeting = load(tmp_path / "klynge-syd-akutfunktioner-2030-03-14.yaml", Meeting)
    assert meeting.start == dt.datetime(2030, 3, 14, 16, 30, tzinfo=COPENHAGEN)
    assert meeting.place == "Sundhedshuset"
    assert [
        (d.organisation.name, [p.person.name for p in d.participants]) for d in meeting.delegations
    ] == [
        ("Klynge Syd", ["Anne Holm"]),
        ("Sydby Kommune", ["Karen Friis"]),
        ("Sydby Sygehus", ["Ole Berg"]),
    ]
    assert meeting.chair is not None
    assert meeting.chair.person.name == "Anne Holm"
    assert meeting.minute_taker is None


def test_an_interrupted_recording_resumes_where_it_stopped(tmp_path, terminal, capsys):
    path = new_meeting(tmp_path)
    capsys.readouterr()
    first = terminal(
        confirm=[True, False, False, True, False, KeyboardInterrupt()],
        select=["Karen Friis"],
        text=[
            "Velkommen; dagsordenen godkendt.",
            "Kommunen sender en oversigt.",
            "Send oversigten",
            "2030-04-15",
            "Henvisningsskabelon aftalt.",
        ],
    )
    assert run("meeting", "record", path) == 130
    assert first.done()
    err = capsys.readouterr().err
    assert f"everything answered before the interruption is saved in {path}" in err
    assert f"run 'klyngepakke meeting record {path}' to go on" in err
    saved = load(path, Meeting)
    assert saved.recorded_items == ("1", "2")
    assert saved.decisions == (
        Decision("Velkommen; dagsordenen godkendt.", "1"),
        Decision("Kommunen sender en oversigt.", "2"),
        Decision("Henvisningsskabelon aftalt.", "3"),
    )
    assert saved.action_items == (
        ActionItem("Send oversigten", "Karen Friis", dt.date(2030, 4, 15), item="2"),
    )

    second = terminal(
        confirm=[True, False, True, False],
        select=["<anden>", "Sydby Kommune"],
        text=[None, "Ring til KLU", "Ole Olsen", "1.5.2030", "Vi ses om et år.", "Sæt på KLU", ""],
    )
    assert run("meeting", "record", path) == 0
    captured = capsys.readouterr()
    assert second.done()
    assert second.asked[0] == (
        "text",
        "Beslutning/referat for punkt 3 (tom: ingen):",
        "Henvisningsskabelon aftalt.",
    )
    assert "Den ansvarlige for »Ring til KLU«, »Ole Olsen«, er ikke blandt" in captured.err
    assert "Alle punkter er noteret." in captured.out
    done = load(path, Meeting)
    assert done.recorded_items == ("1", "2", "3", "4")
    assert [(a.item, a.owner, a.due) for a in done.action_items] == [
        ("2", "Karen Friis", dt.date(2030, 4, 15)),
        ("3", "Ole Olsen", dt.date(2030, 5, 1)),
        ("4", "Sydby Kommune", None),
    ]


# -- meeting record -------------------------------------------------------------------------


def test_record_refuses_a_due_date_before_the_meeting_and_saves_nothing(tmp_path, capsys):
    path = new_meeting(tmp_path)
    before = path.read_text(encoding="utf-8")
    code = run(
        "meeting",
        "record",
        path,
        "--decision",
        "2=Aftalt",
        "--action",
        "2; Send referatet; Lise Vang; 2030-03-01",
    )
    assert code == 1
    err = capsys.readouterr().err
    assert err == (
        f"klyngepakke: error: {path}: meeting '{MEETING_ID}': the action item 'Send referatet' "
        "is due 2030-03-01, before the meeting on 2030-03-14; give a due date on or after the "
        "meeting day. Nothing was saved.\n"
    )
    assert path.read_text(encoding="utf-8") == before
    assert not backup_path(path).exists()


def test_record_warns_about_an_owner_who_is_not_a_participant(tmp_path, capsys):
    path = new_meeting(tmp_path)
    capsys.readouterr()
    code = run("meeting", "record", path, "--action", "4; Ring til KLU; Ole Olsen")
    assert code == 0
    err = capsys.readouterr().err
    assert err == (
        "klyngepakke: warning: Den ansvarlige for »Ring til KLU«, »Ole Olsen«, er ikke blandt "
        "mødets deltagere; tjek stavemåden, eller tilføj personen som deltager.\n"
    )
    assert load(path, Meeting).action_items == (ActionItem("Ring til KLU", "Ole Olsen", item="4"),)


@pytest.mark.parametrize(
    ("argv", "code", "message"),
    [
        ((), 2, "recording asks in a terminal; without one give --decision"),
        (("--action", "2; Send"), 2, "is not 'ITEM; WHAT; OWNER[; DATE]'"),
        (("--action", "2; Send; Lise Vang; snart"), 2, "the date 'snart' is not like"),
        (("--decision", "2"), 2, "--decision '2' is not ITEM=TEXT"),
        (("--decision", "9=Noget"), 1, "no agenda item '9' (items: 1, 2, 3, 4)"),
        (("--attendance", "Anne Holm"), 2, "--attendance 'Anne Holm' is not NAME=HOW"),
        (("--attendance", "Anne Holm=måske"), 2, "'måske' is not one of present, virtual"),
        (("--attendance", "Kim=afbud"), 1, "has no participant 'Kim'"),
        (("--guest", "Ole; læge; Sygehus"), 2, "is not 'NAME; TITLE; ORGANISATION; ITEMS"),
        (("--guest", "Ole; læge; Sygehus; 7"), 2, "dagsordenen har ikke punkt 7"),
        (("--guest", "Ole; læge; Sygehus; 3; ja"), 2, "the fifth part can only be 'virtuel'"),
        (("--decision", "2=x", "--item", "2"), 2, "--item and --attendance-again are for"),
    ],
)
def test_record_refuses_bad_options(tmp_path, capsys, argv, code, message):
    path = new_meeting(tmp_path)
    before = path.read_text(encoding="utf-8")
    assert run("meeting", "record", path, *argv) == code
    assert message in capsys.readouterr().err
    assert path.read_text(encoding="utf-8") == before


def test_record_a_missing_file(tmp_path, capsys):
    assert run("meeting", "record", tmp_path / "mangler.yaml", "--decision", "1=x") == 1
    assert "mangler.yaml: 1 problem:\n  no such file" in capsys.readouterr().err


def test_record_a_virtual_guest(tmp_path, capsys):
    path = new_meeting(tmp_path)
    code = run(
        "meeting", "record", path, "--guest", "Ole Berg; overlæge; Sydby Sygehus; 2 og 3; virtuel"
    )
    assert code == 0
    ole = load(path, Meeting).participant("Ole Berg")
    assert ole is not None
    assert (ole.attendance, ole.guest_items) == (Attendance.VIRTUAL, ("2", "3"))


# -- meeting follow-up ----------------------------------------------------------------------


def test_follow_up_with_date_start_place_and_output(tmp_path, capsys):
    path = new_meeting(tmp_path)
    target = tmp_path / "naeste.json"
    code = run(
        "meeting", "follow-up", path, "--date", "2030-09-12", "--start", "17:00", "--place",
        "Rådhuset", "--id", "klynge-syd-opfoelgning", "-o", target,
    )  # fmt: skip
    assert code == 0
    captured = capsys.readouterr()
    assert "0 open action items and 0 decisions to review" in captured.out
    follow = load(target, Meeting)
    assert follow.id == "klynge-syd-opfoelgning"
    assert follow.start == dt.datetime(2030, 9, 12, 17, tzinfo=COPENHAGEN)
    assert follow.place == "Rådhuset"
    assert "note:" not in captured.err
    assert run("meeting", "follow-up", path, "-o", target) == 1
    assert "already exists" in capsys.readouterr().err
    assert run("meeting", "follow-up", path, "-o", tmp_path / "x.txt") == 2
    assert "unknown file type '.txt'" in capsys.readouterr().err
    assert run("meeting", "follow-up", path, "--date", "2030-03-01", "-o", tmp_path / "y.yaml") == 1
    assert "must be after it" in capsys.readouterr().err


def test_follow_up_carries_open_items_of_earlier_meetings(tmp_path, capsys):
    path = new_meeting(tmp_path)
    run("meeting", "record", path, "--action", "2; Send oversigten; Karen Friis")
    assert run("meeting", "follow-up", path, "-o", tmp_path / "anden.yaml") == 0
    assert run("meeting", "follow-up", tmp_path / "anden.yaml", "-o", tmp_path / "tredje.yaml") == 0
    out = capsys.readouterr().out
    assert "1 open action item and 0 decisions" in out.splitlines()[-1]
    third = load(tmp_path / "tredje.yaml", Meeting)
    assert third.agenda is not None
    assert third.agenda.items[0].points == (
        "Send oversigten (Karen Friis, fra mødet 14. marts 2030)",
    )


def test_follow_up_of_a_meeting_on_a_topic_not_installed(tmp_path, meeting, capsys):
    path = dump(attrs.evolve(meeting, topic="ukendt"), tmp_path / "gammel.yaml")
    assert run("meeting", "follow-up", path) == 0
    err = capsys.readouterr().err
    assert "the topic 'ukendt' is not installed; the agenda repeats the agenda of moede1" in err


# -- actions --------------------------------------------------------------------------------


def test_actions_lists_nothing_and_flags_broken_files(tmp_path, capsys):
    path = new_meeting(tmp_path)
    capsys.readouterr()
    (tmp_path / "broken.yaml").write_text(
        "schema_version: 1\ndocument: meeting\nid: x\n", encoding="utf-8"
    )
    assert run("actions", tmp_path) == 0
    captured = capsys.readouterr()
    assert captured.out == "Ingen handlinger at vise (1 møde).\n"
    assert "klyngepakke: warning: skipped" in captured.err
    assert "broken.yaml" in captured.err
    assert run("actions", path, "--overdue", "--json") == 0
    assert json.loads(capsys.readouterr().out) == []


@pytest.mark.parametrize(
    ("update", "code", "message"),
    [
        ("moede:1", 2, "is not MEETING_ID:N=STATUS"),
        ("moede:en=done", 2, "is not MEETING_ID:N=STATUS"),
        (f"{MEETING_ID}:1=måske", 2, "'måske' is not open, in_progress, done or cancelled"),
        ("andet-moede:1=done", 1, "no meeting file with the id 'andet-moede'"),
        (f"{MEETING_ID}:2=done", 1, "has 1 action item, so there is no number 2"),
    ],
)
def test_actions_set_refuses(tmp_path, capsys, update, code, message):
    path = new_meeting(tmp_path)
    run("meeting", "record", path, "--action", "2; Send oversigten; Karen Friis")
    before = path.read_text(encoding="utf-8")
    assert run("actions", tmp_path, "--set", update) == code
    assert message in capsys.readouterr().err
    assert path.read_text(encoding="utf-8") == before


def test_actions_set_cannot_be_combined_with_listing_options(tmp_path, capsys):
    assert run("actions", tmp_path, "--set", "m:1=done", "--json") == 2
    assert "list them in a separate call" in capsys.readouterr().err


def test_actions_of_a_folder_that_does_not_exist(tmp_path, capsys):
    assert run("actions", tmp_path / "mangler") == 1
    assert "no such folder" in capsys.readouterr().err


def test_meeting_help_lists_the_commands(capsys):
    assert run("meeting", "--help") == 0
    out = capsys.readouterr().out
    for command in ("new", "record", "follow-up"):
        assert command in out
    assert run("actions", "--help") == 0
    assert "MEETING_ID:N=STATUS" in capsys.readouterr().out


# -- meeting import -------------------------------------------------------------------------

MINUTES = """\
Referat af møde i Kommunalt-lægeligt udvalg, Sydby Kommune

Deltagere

Sydby Kommune
Hanne Krogh, sundhedschef (formand)
Peter Møller, sygeplejerske

Almen praksis
Anne Holm, praksiskonsulent
Vakance, Danske Patienter

Afbud
Peter Møller

Punkt 1: Godkendelse af dagsorden (kl. 16.00-16.05)

Indstilling
• At udvalget godkender dagsordenen.

Beslutning
Dagsordenen blev godkendt.

Punkt 2: Resultater fra klyngemødet om akutfunktioner (kl. 16.05-16.35)

Sagsfremstilling
Klyngen og kommunen holdt møde i marts.

Beslutning
Udvalget tog orienteringen til efterretning.
"""


def test_import_minutes_reports_what_it_could_not_place(tmp_path, capsys):
    pytest.importorskip("klyngepakke.minutes_import")
    source = tmp_path / "klu.txt"
    source.write_text(MINUTES, encoding="utf-8")
    code = run("meeting", "import", source, "--date", "2030-04-03", "--id", "klu-2030-04-03")
    assert code == 0
    captured = capsys.readouterr()
    written = tmp_path / "klu.yaml"
    assert captured.out.startswith(f"wrote {written}: ")
    assert "2 agenda items, 3 participants, 2 decisions, 1 part not placed" in captured.out
    assert f"klyngepakke: warning: {source} line 11: Vakance, Danske Patienter" in captured.err
    meeting = load(written, Meeting)
    assert meeting.id == "klu-2030-04-03"
    assert meeting.start.date() == dt.date(2030, 4, 3)
    assert meeting.agenda is not None
    assert [item.number for item in meeting.agenda.items] == ["1", "2"]
    peter = meeting.participant("Peter Møller")
    assert peter is not None
    assert peter.attendance is Attendance.APOLOGIES
    # The imported meeting goes on like any other.
    assert run("meeting", "record", written, "--action", "2; Følg op i klyngen; Anne Holm") == 0
    assert run("meeting", "follow-up", written) == 0


def test_import_minutes_without_items_writes_nothing(tmp_path, capsys):
    pytest.importorskip("klyngepakke.minutes_import")
    source = tmp_path / "noter.txt"
    source.write_text("Referat\n\nVi talte om vejret.\n", encoding="utf-8")
    assert run("meeting", "import", source, "-o", tmp_path / "noter.yaml") == 1
    assert "no agenda items found" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["noter.txt"]


def test_import_minutes_without_a_date(tmp_path, capsys):
    pytest.importorskip("klyngepakke.minutes_import")
    source = tmp_path / "klu.txt"
    source.write_text(MINUTES, encoding="utf-8")
    assert run("meeting", "import", source) == 1
    err = capsys.readouterr().err
    assert "the minutes give no meeting date" in err
    assert "--date DATE" in err
    assert not (tmp_path / "klu.yaml").exists()


def test_import_an_oparl_file(tmp_path, capsys):
    oparl = pytest.importorskip("klyngepakke.oparl")
    path = new_meeting(tmp_path)
    run("meeting", "record", path, "--action", "2; Send oversigten; Karen Friis; 2030-04-15")
    meeting = load(path, Meeting)
    source = tmp_path / "moede-oparl.json"
    source.write_text(oparl.dumps_oparl(meeting), encoding="utf-8")
    capsys.readouterr()
    assert run("meeting", "import", source, "--place", "Rådhuset") == 0
    captured = capsys.readouterr()
    assert "0 parts not placed" in captured.out
    assert captured.err == ""
    imported = load(tmp_path / "moede-oparl.yaml", Meeting)
    assert imported == attrs.evolve(meeting, place="Rådhuset")
    assert run("meeting", "import", source, "--date", "2030-01-01", "-o", tmp_path / "x.yaml") == 2
    assert "--date is for minutes" in capsys.readouterr().err


def test_import_refuses_before_reading(tmp_path, capsys):
    source = tmp_path / "klu.txt"
    source.write_text(MINUTES, encoding="utf-8")
    (tmp_path / "klu.yaml").write_text("gammel", encoding="utf-8")
    assert run("meeting", "import", source) == 1
    assert "klu.yaml: already exists; use --force" in capsys.readouterr().err
    assert run("meeting", "import", source, "-o", tmp_path / "klu.csv") == 2
    assert "unknown file type '.csv'" in capsys.readouterr().err
    assert run("meeting", "import", source, "--date", "i går") == 2
    assert "--date 'i går' is not like 2024-10-02" in capsys.readouterr().err


def test_the_meeting_kinds_offered_are_the_models():
    from klyngepakke.model import MeetingKind

    assert tuple(kind.value for kind in MeetingKind) == cli._MEETING_KINDS
