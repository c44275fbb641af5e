"""Atomic, no-clobber file writes: a temp file in the same folder, then a rename."""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import signal
from collections.abc import Iterator
from pathlib import Path
from types import FrameType

from klyngepakke.errors import OutputExistsError

__all__ = ["atomic_output", "atomic_write_text", "exit_on_terminate"]


@contextlib.contextmanager
def atomic_output(path: str | Path, *, force: bool = False) -> Iterator[Path]:
    """Yield a temporary path to write; on success it becomes ``path`` in one step.

    Without ``force`` an existing ``path`` is never replaced, even if it appears while writing.
    On any error the temporary file is removed and ``path`` is untouched.
    """
    path = Path(path)
    if path.is_dir():
        raise OutputExistsError(f"{path}: is a folder; give a file name")
    if not force and path.exists():
        raise OutputExistsError(f"{path}: already exists; use --force to replace it")
    if not path.parent.is_dir():
        raise OutputExistsError(f"{path.parent}: no such folder")
    temporary = _create_temporary(path)
    if path.exists():  # keep the mode of the file being replaced
        temporary.chmod(path.stat().st_mode & 0o7777)
    try:
        yield temporary
        _commit(temporary, path, force=force)
    finally:
        temporary.unlink(missing_ok=True)


def _create_temporary(path: Path) -> Path:
    """A new empty file beside ``path``, created with the mode a plain ``open()`` gives.

    ``tempfile.mkstemp`` would make it private (0600), and the renamed output with it.
    """
    for _ in range(100):
        temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
        try:
            os.close(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
        except FileExistsError:
            continue
        return temporary
    raise FileExistsError(f"{path.parent}: cannot create a temporary file")  # pragma: no cover


def _commit(temporary: Path, path: Path, *, force: bool) -> None:
    with temporary.open("rb") as written:
        os.fsync(written.fileno())
    if force:
        temporary.replace(path)
        return
    try:
        os.link(temporary, path)  # fails if path exists: no window for a race
    except FileExistsError:
        raise OutputExistsError(f"{path}: already exists; use --force to replace it") from None
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EXDEV, errno.EMLINK):
            raise
        if path.exists():
            raise OutputExistsError(f"{path}: already exists; use --force to replace it") from None
        temporary.replace(path)


def atomic_write_text(path: str | Path, text: str, *, force: bool = False) -> None:
    """Write UTF-8 text to ``path`` atomically (see :func:`atomic_output`)."""
    with atomic_output(path, force=force) as temporary:
        temporary.write_text(text, encoding="utf-8")


def exit_on_terminate() -> object:
    """Make SIGTERM end the process the way Ctrl-C does: cleanly, removing temporary files.

    Python's default for SIGTERM stops at once, leaving a half-written temporary file of
    :func:`atomic_output` behind; with this, SIGTERM raises ``SystemExit(143)`` in the main
    thread, so ``finally`` blocks run. Returns the previous handler (for ``signal.signal``).
    Only the main thread may set handlers; elsewhere this does nothing and returns ``None``.
    """

    def terminate(signum: int, frame: FrameType | None) -> None:
        raise SystemExit(128 + signum)

    try:
        return signal.signal(signal.SIGTERM, terminate)
    except ValueError:  # not the main thread
        return None
