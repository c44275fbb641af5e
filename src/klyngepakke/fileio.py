"""Atomic, no-clobber file writes: a temp file in the same folder, then a rename."""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from klyngepakke.errors import OutputExistsError

__all__ = ["atomic_output", "atomic_write_text"]


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
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(handle)
    temporary = Path(name)
    # mkstemp makes the file private (0600); give it the mode a plain open() would, or
    # keep the mode of the file it replaces.
    temporary.chmod(path.stat().st_mode & 0o7777 if path.exists() else _default_mode())
    try:
        yield temporary
        _commit(temporary, path, force=force)
    finally:
        temporary.unlink(missing_ok=True)


def _default_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


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
