"""``klyngepakke build``: a meeting folder, an orders file, the demo, and what is left on a kill."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from klyngepakke.api import get_package
from klyngepakke.batch import BadOrder, build_orders, read_orders
from klyngepakke.build import (
    BuildError,
    BuildSettings,
    build_meeting,
    read_meeting_folder,
    safe_name,
)
from klyngepakke.cli import main
from klyngepakke.conversion import dump, load
from klyngepakke.demo import write_demo_folder
from klyngepakke.errors import DocumentError

pytest.importorskip("klyngepakke_akutfunktioner")

NO_METRICS = {"metrics": False}  # the metrics extra is tested elsewhere; keep these fast


@pytest.fixture(autouse=True)
def installed_plugins(isolated_plugins: list[Any]) -> None:
    """The build runs every installed first-party plugin: show them to the isolated registry."""
    from importlib import metadata

    isolated_plugins.extend(metadata.entry_points(group="klyngepakke"))


def run(argv: Sequence[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A synthetic meeting folder with a baseline, built once."""
    folder = tmp_path_factory.mktemp("demo") / "klyngemoede"
    write_demo_folder(folder, get_package("akutfunktioner"), baseline=True, **NO_METRICS)
    return folder


@pytest.fixture(scope="module")
def built(demo: Path) -> Any:
    return build_meeting(read_meeting_folder(demo), demo / "materiale")


def test_every_artefact_is_written_and_reopens(built: Any) -> None:
    from klyngepakke.plugins import get_registry

    names = {f.path.name for f in built.files}
    exporters = get_registry().exporters()
    expected = {"drejebog.ics", "moede.ics", "moedemateriale.yaml"}
    if "pptx" in exporters:
        expected.add("praesentation.pptx")
    if "docx" in exporters:
        expected |= {
            "klyngepakke.docx",
            "drejebog.docx",
            "brev-til-kommunen.docx",
            "spoergeskema.docx",
            "resultater.docx",
        }
    platforms = get_registry().questionnaire_platforms()
    for name, found in platforms.items():
        if found.item.questionnaire_suffixes:
            expected.add(f"spoergeskema-{name}{found.item.questionnaire_suffixes[0]}")
    assert expected <= names
    assert not built.failed
    for file in built.files:
        assert file.size > 0
        if file.path.suffix in (".pptx", ".docx", ".xlsx"):
            with zipfile.ZipFile(file.path) as archive:
                assert archive.testzip() is None
        if file.path.suffix == ".pptx":
            pptx = pytest.importorskip("pptx")
            assert len(pptx.Presentation(str(file.path)).slides) > 5
        if file.path.suffix == ".docx":
            docx = pytest.importorskip("docx")
            assert docx.Document(str(file.path)).paragraphs
    data = load(built.output / "moedemateriale.yaml")
    assert data.is_synthetic
    # The minutes wait for the meeting to have decisions.
    assert any(line.startswith("minutes:") for line in built.skipped)


def test_the_manifest_lists_every_file_with_its_checksum(built: Any) -> None:
    import hashlib

    manifest = json.loads((built.output / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["synthetic"] is True
    assert manifest["topic"] == "akutfunktioner"
    listed = {entry["file"]: entry["sha256"] for entry in manifest["files"]}
    assert set(listed) == {f.path.name for f in built.files}
    for name, sha in listed.items():
        assert hashlib.sha256((built.output / name).read_bytes()).hexdigest() == sha


def test_missing_inputs_are_listed_not_fatal(tmp_path: Path) -> None:
    folder = tmp_path / "m"
    write_demo_folder(folder, get_package("akutfunktioner"), **NO_METRICS)
    (folder / "responses.jsonl").unlink()
    report = build_meeting(read_meeting_folder(folder), tmp_path / "out", only=["data"])
    assert report.ok
    assert any("Spørgeskemaresultater mangler" in line for line in report.missing)
    assert any("Ydelsesdata mangler" in line for line in report.missing)


def test_unchanged_inputs_are_not_rebuilt_and_changed_ones_are(tmp_path: Path) -> None:
    folder = tmp_path / "m"
    write_demo_folder(folder, get_package("akutfunktioner"), **NO_METRICS)
    out = tmp_path / "out"
    first = build_meeting(read_meeting_folder(folder), out, only=["data", "calendar"])
    assert {f.path.name for f in first.files} == {"moedemateriale.yaml", "drejebog.ics"}
    again = build_meeting(read_meeting_folder(folder), out, only=["data", "calendar"])
    assert again.up_to_date
    dump(BuildSettings(invited=60), folder / "build.yaml", force=True)
    changed = build_meeting(read_meeting_folder(folder), out, only=["data", "calendar"])
    assert not changed.up_to_date
    assert changed.ok
    # A deleted output is a reason to build again, too.
    (out / "drejebog.ics").unlink()
    assert not build_meeting(read_meeting_folder(folder), out, only=["data", "calendar"]).up_to_date


def test_a_file_the_user_changed_is_not_replaced_without_force(tmp_path: Path) -> None:
    folder = tmp_path / "m"
    write_demo_folder(folder, get_package("akutfunktioner"), **NO_METRICS)
    out = tmp_path / "out"
    build_meeting(read_meeting_folder(folder), out, only=["data"])
    (out / "moedemateriale.yaml").write_text("mine\n", encoding="utf-8")
    dump(BuildSettings(invited=60), folder / "build.yaml", force=True)
    report = build_meeting(read_meeting_folder(folder), out, only=["data"])
    assert [artefact for artefact, _ in report.failed] == ["data"]
    assert "was not written by the last build" in report.failed[0][1]
    assert (out / "moedemateriale.yaml").read_text(encoding="utf-8") == "mine\n"
    forced = build_meeting(read_meeting_folder(folder), out, only=["data"], force=True)
    assert forced.ok
    assert (out / "moedemateriale.yaml").read_text(encoding="utf-8") != "mine\n"


def test_a_local_questionnaire_without_a_shown_section(tmp_path: Path) -> None:
    import attrs

    from klyngepakke.build import assemble_bundle

    package = get_package("akutfunktioner")
    assert package.questionnaire is not None
    sections = tuple(s for s in package.questionnaire.sections if s.code != "kommunikation")
    local = attrs.evolve(package.questionnaire, sections=sections)
    folder = tmp_path / "m"
    write_demo_folder(folder, package, **NO_METRICS)
    (folder / "responses.jsonl").unlink()
    dump(local, folder / "questionnaire.yaml")
    bundle, notes = assemble_bundle(read_meeting_folder(folder))
    assert bundle.package.questionnaire == local
    shown = [s for item in bundle.package.programme.walk() for s in item.shows]
    assert "kommunikation" not in shown
    assert "henvisning" in shown
    assert notes == [
        "Afsnittet 'kommunikation' er taget ud af det lokale spørgeskema og vises ikke."
    ]


def test_bad_meeting_folders(tmp_path: Path) -> None:
    with pytest.raises(BuildError, match="no such folder"):
        read_meeting_folder(tmp_path / "nowhere")
    with pytest.raises(BuildError, match=r"no meeting\.yaml"):
        read_meeting_folder(tmp_path)
    folder = tmp_path / "m"
    write_demo_folder(folder, get_package("akutfunktioner"), **NO_METRICS)
    (folder / "responses.yaml").write_text("schema_version: 1\n", encoding="utf-8")
    with pytest.raises(BuildError, match=r"both responses\.jsonl and responses\.yaml"):
        read_meeting_folder(folder)
    (folder / "responses.yaml").unlink()
    (folder / "meeting.yaml").write_text("schema_version: 1\ndocument: meeting\nid: x\n", "utf-8")
    with pytest.raises(DocumentError, match=r"meeting\.yaml"):
        read_meeting_folder(folder)
    write_demo_folder(folder, get_package("akutfunktioner"), force=True, **NO_METRICS)
    with pytest.raises(BuildError, match="no artefact 'slides'"):
        build_meeting(read_meeting_folder(folder), tmp_path / "out", only=["slides"])


@pytest.mark.parametrize(
    ("text", "taken", "expected"),
    [
        ("Klynge Ærø Øst", (), "klynge-aeroe-oest"),
        ("../../etc/passwd", (), "etc-passwd"),
        ("CON", (), "con-klynge"),
        ("", (), "klynge"),
        ("///", (), "klynge"),
        ("Klynge Nord", ("klynge-nord",), "klynge-nord-2"),
        ("Klynge Nord", ("klynge-nord", "klynge-nord-2"), "klynge-nord-3"),
        ("a" * 200, (), "a" * 60),
        ("Café — Zoë", (), "cafe-zoe"),
    ],
)
def test_safe_names(text: str, taken: tuple[str, ...], expected: str) -> None:
    assert safe_name(text, taken=taken) == expected


# -- orders --------------------------------------------------------------------------------

HEADER = "klynge;emne;kommune;dato;start;sted;inviterede\n"


def orders_file(tmp_path: Path, count: int, broken: int | None = None) -> Path:
    lines = [HEADER]
    for number in range(count):
        day = "2027-02-30" if number == broken else f"2027-03-{1 + number % 28:02d}"
        lines.append(f"Klynge {number};akutfunktioner;Kommune {number};{day};16:00;Huset;40\n")
    path = tmp_path / "bestillinger.csv"
    path.write_text("".join(lines), encoding="utf-8-sig")
    return path


def test_twenty_clusters_one_broken(tmp_path: Path) -> None:
    orders = orders_file(tmp_path, 20, broken=7)
    seen = []
    report = build_orders(
        orders, tmp_path / "out", jobs=2, only=["data", "calendar"], progress=seen.append
    )
    assert len(seen) == 20
    built = [o for o in report.outcomes if o.status == "built"]
    assert len(built) == 19
    assert [o.cluster for o in report.failed] == ["Klynge 7"]
    assert "row 9" in report.failed[0].reason
    assert "2027-02-30" in report.failed[0].reason
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert len(manifest["clusters"]) == 20
    assert all(len(c["files"]) == 2 for c in manifest["clusters"] if c["status"] == "built")
    # Again: nothing changed, so nothing is rebuilt.
    again = build_orders(orders, tmp_path / "out", jobs=1, only=["data", "calendar"])
    assert [o.status for o in again.outcomes].count("up to date") == 19


def test_orders_files_people_save(tmp_path: Path) -> None:
    path = tmp_path / "orders.csv"
    path.write_bytes(
        "cluster,topic,municipality,date,start\n"
        "Klynge Ærø,akutfunktioner,Ærø,11-03-2027,16.30\n"
        ",akutfunktioner,Ærø,11-03-2027,16.30\n".encode("cp1252")
    )
    first, second = read_orders(path)
    assert not isinstance(first, BadOrder)
    assert first.cluster == "Klynge Ærø"
    assert (first.start.hour, first.start.minute) == (16, 30)
    assert isinstance(second, BadOrder)
    assert "row 3" in second.problem
    (tmp_path / "no-cluster.csv").write_text("emne;dato\nakutfunktioner;2027-03-11\n", "utf-8")
    with pytest.raises(BuildError, match="no column for klynge/cluster"):
        read_orders(tmp_path / "no-cluster.csv")


def test_build_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "m"
    write_demo_folder(folder, get_package("akutfunktioner"), **NO_METRICS)
    code, out, _ = run(["build", str(folder), "--only", "data,calendar"], capsys)
    assert code == 0
    assert "wrote" in out
    assert "materiale" in out
    code, out, _ = run(["build", str(folder), "--only", "data,calendar"], capsys)
    assert code == 0
    assert "up to date" in out
    orders = orders_file(tmp_path, 3, broken=1)
    code, out, err = run(
        [
            "build",
            "--orders",
            str(orders),
            "-o",
            str(tmp_path / "b"),
            "--only",
            "data",
            "--jobs",
            "1",
        ],
        capsys,
    )
    assert code == 1
    assert "Klynge 1" in err
    assert "2027-02-30" in err
    assert "manifest" in out
    with pytest.raises(SystemExit) as raised:
        main(["build", "--orders", str(orders)])
    assert raised.value.code == 2
    assert "-o DIR" in capsys.readouterr().err


def test_demo_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["demo", str(tmp_path / "d")], capsys)
    assert code == 0
    assert "SYNTETISKE DATA" in out
    assert (tmp_path / "d" / "LÆS-MIG-syntetisk.txt").is_file()
    assert (tmp_path / "d" / "materiale" / "manifest.json").is_file()


# -- kills -----------------------------------------------------------------------------------


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL])
def test_a_killed_batch_leaves_no_partly_written_file(tmp_path: Path, sig: int) -> None:
    orders = orders_file(tmp_path, 30)
    out = tmp_path / "out"
    command = [
        sys.executable,
        "-m",
        "klyngepakke",
        "build",
        "--orders",
        str(orders),
        "-o",
        str(out),
    ]
    command += ["--only", "data,calendar,letter", "--jobs", "2"]
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not any(out.glob("*/moedemateriale.yaml")):
        time.sleep(0.05)
    os.killpg(process.pid, sig)
    process.wait(timeout=30)
    time.sleep(0.2)
    for path in out.rglob("*"):
        if path.is_dir():
            continue
        if path.name.startswith("."):
            assert sig == signal.SIGKILL, f"{path} left behind after SIGTERM"
            continue
        _assert_complete(path)
    # The next build removes what a kill left and completes.
    report = build_orders(orders, out, jobs=2, only=["data", "calendar", "letter"])
    assert not report.failed
    assert not [p for p in out.rglob(".*") if p.is_file()]


def _assert_complete(path: Path) -> None:
    if path.suffix in (".pptx", ".docx", ".xlsx"):
        with zipfile.ZipFile(path) as archive:
            assert archive.testzip() is None
    elif path.suffix == ".json":
        json.loads(path.read_text(encoding="utf-8"))
    elif path.suffix == ".yaml":
        load(path)
    elif path.suffix == ".ics":
        assert path.read_text(encoding="utf-8").rstrip().endswith("END:VCALENDAR")


# -- init ------------------------------------------------------------------------------------


def test_init_makes_a_folder_that_builds(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "moede"
    code, out, _ = run(
        [
            "init",
            str(folder),
            "--topic",
            "akutfunktioner",
            "--cluster",
            "Klynge Nord",
            "--municipality",
            "Nordby Kommune",
            "--date",
            "2030-05-16",
            "--participant",
            "Anne Holm; Praktiserende læge; Klynge Nord; ordstyrer",
            "--invited",
            "40",
            "--local-questionnaire",
        ],
        capsys,
    )
    assert code == 0
    assert "klyngepakke build" in out
    assert sorted(p.name for p in folder.iterdir()) == [
        "build.yaml",
        "meeting.yaml",
        "questionnaire.yaml",
    ]
    inputs = read_meeting_folder(folder)
    assert inputs.settings.invited == 40
    assert inputs.questionnaire == get_package("akutfunktioner").questionnaire
    report = build_meeting(inputs, folder / "materiale", only=["data"])
    assert report.ok
    assert not any("Kommunen mangler" in line for line in report.missing)
    with pytest.raises(SystemExit):
        main(["init", str(folder), "--topic", "akutfunktioner"])
    assert "is not empty" in capsys.readouterr().err


def test_init_asks_in_a_terminal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from klyngepakke import cli

    selects = iter(["akutfunktioner"])
    texts = iter(
        [
            "Klynge Syd",  # cluster
            "Sydby Kommune",  # municipality
            "2030-05-16",  # date
            "16:30",  # start
            "Sundhedshuset",  # place
            "",  # no participants yet
            "",  # chair: not agreed yet
            "",  # minute-taker: likewise
            "33",  # invited
        ]
    )

    class Prompter:
        def select(self, message: str, choices: Any, *args: Any, **kwargs: Any) -> str:
            return next(selects)

        def text(self, message: str, default: str = "", *args: Any, **kwargs: Any) -> str:
            return next(texts)

        def confirm(self, message: str, *args: Any, **kwargs: Any) -> bool:
            return False  # no local questionnaire

    monkeypatch.setattr(cli, "prompter", Prompter())
    monkeypatch.setattr(cli, "is_interactive", lambda: True)
    code, _, err = run(["init", str(tmp_path / "m")], capsys)
    assert code == 0, err
    inputs = read_meeting_folder(tmp_path / "m")
    assert inputs.settings.invited == 33
    assert inputs.questionnaire is None
    assert inputs.meeting.start.hour == 16
    assert inputs.meeting.start.minute == 30
    assert inputs.meeting.place == "Sundhedshuset"
