"""Exporters turn a model object into an artefact file: JSON, YAML, a deck, a document."""

from __future__ import annotations

import abc
from collections.abc import Mapping
from pathlib import Path
from typing import Any, ClassVar

__all__ = ["Exporter", "option_flag"]

_YES = frozenset({"yes", "ja", "true", "1", "on"})
_NO = frozenset({"no", "nej", "false", "0", "off", ""})


class Exporter(abc.ABC):
    """Base class for exporters. Subclass, set the class variables, implement :meth:`export`.

    The core checks the object type, the file suffix and the option names before calling
    :meth:`export`, and makes the write atomic: ``destination`` is a temporary file that
    becomes the user's output only if :meth:`export` returns without raising.
    """

    name: ClassVar[str]
    """Format name users pass to ``--format``, e.g. ``"pptx"``."""
    description: ClassVar[str] = ""
    """One line for ``klyngepakke exporters``."""
    accepts: ClassVar[tuple[type[Any], ...]]
    """Model classes this exporter can write."""
    suffixes: ClassVar[tuple[str, ...]]
    """File suffixes it writes, with the dot; the first is the default."""
    options: ClassVar[Mapping[str, str]] = {}
    """Option names it understands, each with a line of help."""

    @abc.abstractmethod
    def export(self, obj: Any, destination: Path, options: Mapping[str, str]) -> None:
        """Write ``obj`` to the file ``destination``."""


def option_flag(options: Mapping[str, str], name: str, *, default: bool = False) -> bool:
    """Read a yes/no exporter option (``yes``/``ja``/``true``/``1``/``on`` or the opposites)."""
    if name not in options:
        return default
    value = options[name].strip().lower()
    if value in _YES:
        return True
    if value in _NO:
        return False
    from klyngepakke.errors import ExportError

    raise ExportError(f"option {name}={options[name]!r} is not yes or no")
