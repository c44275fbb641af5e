"""Atomic, no-clobber writes."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pytest

from klyngepakke import fileio
from klyngepakke.errors import KlyngepakkeError, OutputExistsError
from klyngepakke.fileio import atomic_output, atomic_write_text


def names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def write(
    target: Path,
    text: str,
    *,
    force: bool = False,
    meanwhile: str | None = None,
    error: Exception | None = None,
) -> None:
    """Write ``text`` through atomic_output; optionally someone else writes ``target``
    meanwhile, or the writer fails with ``error``."""
    with atomic_output(target, force=force) as temporary:
        temporary.write_text(text, encoding="utf-8")
        if meanwhile is not None:
            target.write_text(meanwhile, encoding="utf-8")
        if error is not None:
            raise error


def test_writes_through_a_temporary_file(tmp_path):
    target = tmp_path / "out.txt"
    with atomic_output(target) as temporary:
        assert temporary.parent == tmp_path
        assert temporary != target
        assert temporary.name.startswith(".out.txt.")
        assert temporary.name.endswith(".tmp")
        assert not target.exists()
        temporary.write_text("indhold", encoding="utf-8")
    assert target.read_text(encoding="utf-8") == "indhold"
    assert names(tmp_path) == ["out.txt"]


def test_accepts_a_string_path(tmp_path):
    with atomic_output(str(tmp_path / "s.txt")) as temporary:
        temporary.write_bytes(b"x")
    assert (tmp_path / "s.txt").read_bytes() == b"x"


def test_exception_leaves_nothing_behind(tmp_path):
    target = tmp_path / "out.txt"
    with pytest.raises(RuntimeError, match="halfway"):
        write(target, "half", error=RuntimeError("halfway"))
    assert names(tmp_path) == []


def test_exception_leaves_an_existing_file_untouched(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("original", encoding="utf-8")
    with pytest.raises(ValueError, match="nope"):
        write(target, "new", force=True, error=ValueError("nope"))
    assert target.read_text(encoding="utf-8") == "original"
    assert names(tmp_path) == ["out.txt"]


def test_never_replaces_without_force(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("original", encoding="utf-8")
    with pytest.raises(OutputExistsError) as raised, atomic_output(target):
        pytest.fail("must not get here")  # pragma: no cover
    assert str(raised.value) == f"{target}: already exists; use --force to replace it"
    assert isinstance(raised.value, FileExistsError)
    assert isinstance(raised.value, KlyngepakkeError)
    assert target.read_text(encoding="utf-8") == "original"
    assert names(tmp_path) == ["out.txt"]


def test_never_replaces_a_file_that_appears_while_writing(tmp_path):
    target = tmp_path / "out.txt"
    with pytest.raises(OutputExistsError, match="already exists"):
        write(target, "mine", meanwhile="someone else's")
    assert target.read_text(encoding="utf-8") == "someone else's"
    assert names(tmp_path) == ["out.txt"]


def test_replaces_with_force(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("original", encoding="utf-8")
    with atomic_output(target, force=True) as temporary:
        temporary.write_text("new", encoding="utf-8")
    assert target.read_text(encoding="utf-8") == "new"
    assert names(tmp_path) == ["out.txt"]


def test_force_also_replaces_a_file_that_appears_while_writing(tmp_path):
    target = tmp_path / "out.txt"
    write(target, "new", force=True, meanwhile="racing")
    assert target.read_text(encoding="utf-8") == "new"


@pytest.mark.parametrize("force", [False, True])
def test_refuses_a_folder(tmp_path, force):
    folder = tmp_path / "folder"
    folder.mkdir()
    with pytest.raises(OutputExistsError) as raised, atomic_output(folder, force=force):
        pytest.fail("must not get here")  # pragma: no cover
    assert str(raised.value) == f"{folder}: is a folder; give a file name"
    assert names(folder) == []


def test_refuses_a_missing_parent_folder(tmp_path):
    target = tmp_path / "missing" / "out.txt"
    with pytest.raises(OutputExistsError) as raised, atomic_output(target):
        pytest.fail("must not get here")  # pragma: no cover
    assert str(raised.value) == f"{tmp_path / 'missing'}: no such folder"
    assert names(tmp_path) == []


def test_empty_write_creates_an_empty_file(tmp_path):
    with atomic_output(tmp_path / "empty.txt"):
        pass
    assert (tmp_path / "empty.txt").read_bytes() == b""


@pytest.mark.parametrize("code", [errno.EPERM, errno.ENOTSUP, errno.EXDEV, errno.EMLINK])
def test_falls_back_to_rename_where_hard_links_fail(tmp_path, monkeypatch, code):
    def no_links(source, destination):
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(fileio.os, "link", no_links)
    target = tmp_path / "out.txt"
    atomic_write_text(target, "via rename")
    assert target.read_text(encoding="utf-8") == "via rename"
    assert names(tmp_path) == ["out.txt"]


def test_fallback_still_refuses_a_file_that_appeared(tmp_path, monkeypatch):
    def no_links(source, destination):
        raise OSError(errno.EPERM, "no hard links here")

    monkeypatch.setattr(fileio.os, "link", no_links)
    target = tmp_path / "out.txt"
    with pytest.raises(OutputExistsError):
        write(target, "mine", meanwhile="theirs")
    assert target.read_text(encoding="utf-8") == "theirs"
    assert names(tmp_path) == ["out.txt"]


def test_other_link_errors_propagate(tmp_path, monkeypatch):
    def broken_disk(source, destination):
        raise OSError(errno.EIO, "I/O error")

    monkeypatch.setattr(fileio.os, "link", broken_disk)
    with pytest.raises(OSError, match="I/O error") as raised:
        atomic_write_text(tmp_path / "out.txt", "x")
    assert raised.value.errno == errno.EIO
    assert names(tmp_path) == []


def test_atomic_write_text(tmp_path):
    target = tmp_path / "tekst.txt"
    atomic_write_text(target, "Spørgeskema – æøå\n")
    assert target.read_bytes() == "Spørgeskema – æøå\n".encode()
    with pytest.raises(OutputExistsError):
        atomic_write_text(target, "andet")
    assert target.read_text(encoding="utf-8") == "Spørgeskema – æøå\n"
    atomic_write_text(str(target), "andet", force=True)
    assert target.read_text(encoding="utf-8") == "andet"
    assert names(tmp_path) == ["tekst.txt"]


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_written_files_get_normal_permissions(tmp_path):
    umask = os.umask(0o022)
    os.umask(umask)
    target = tmp_path / "out.txt"
    atomic_write_text(target, "x")
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~umask
