"""Every error klyngepakke raises on purpose is a :class:`KlyngepakkeError`.

The CLI shows these as short messages (exit code 1); anything else is a bug and
gets a traceback.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import attrs

__all__ = [
    "DocumentError",
    "DuplicateNameError",
    "ExportError",
    "KlyngepakkeError",
    "ModelError",
    "OutputExistsError",
    "PluginError",
    "Problem",
    "UnknownNameError",
    "format_path",
]

PathPart = str | int


def format_path(path: Sequence[PathPart]) -> str:
    """Render a field path as ``sections[1].questions[3].kind``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out


@attrs.frozen
class Problem:
    """One thing wrong with a value: where (a field path), what, and the line if known."""

    path: tuple[PathPart, ...]
    message: str
    line: int | None = None

    def prefixed(self, *prefix: PathPart) -> Problem:
        """The same problem seen from an enclosing object."""
        return attrs.evolve(self, path=(*prefix, *self.path))

    def __str__(self) -> str:
        where = format_path(self.path)
        text = f"{where}: {self.message}" if where else self.message
        return f"{text} (line {self.line})" if self.line is not None else text


class KlyngepakkeError(Exception):
    """Base class for errors a user can act on."""


class ModelError(KlyngepakkeError, ValueError):
    """A model object was built with values that break one of its invariants."""

    def __init__(self, owner: str, problems: Iterable[Problem]) -> None:
        self.owner = owner
        self.problems = tuple(problems)
        lines = [str(p) for p in self.problems]
        super().__init__(f"invalid {owner}: " + "; ".join(lines))


class DocumentError(KlyngepakkeError):
    """A file or text could not be read into a model object; lists every problem found."""

    def __init__(self, source: str, problems: Iterable[Problem]) -> None:
        self.source = source
        self.problems = tuple(problems)
        count = len(self.problems)
        noun = "problem" if count == 1 else "problems"
        body = "\n".join(f"  {p}" for p in self.problems)
        super().__init__(f"{source}: {count} {noun}:\n{body}")


class PluginError(KlyngepakkeError):
    """A plugin could not be loaded or registered something invalid."""


class DuplicateNameError(PluginError):
    """Two plugins registered the same name for the same kind of extension."""


class UnknownNameError(KlyngepakkeError, LookupError):
    """A topic, exporter, platform or reader name that no plugin provides."""

    def __init__(self, kind: str, name: str, known: Iterable[str]) -> None:
        self.kind = kind
        self.name = name
        self.known = tuple(sorted(known))
        choices = ", ".join(repr(k) for k in self.known) or "none are installed"
        super().__init__(f"unknown {kind} {name!r}; known: {choices}")


class OutputExistsError(KlyngepakkeError, FileExistsError):
    """Refused to overwrite an existing output file."""


class ExportError(KlyngepakkeError):
    """An exporter could not write the requested artefact."""
