"""What every model class shares: invariant checking on construction, and small checks."""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Iterator
from typing import ClassVar

from klyngepakke.errors import ModelError, PathPart, Problem, format_path

CODE_PATTERN = re.compile(r"\w[\w.-]*")
"""Codes: letters, digits, ``_``, ``.``, ``-``; match with ``fullmatch``."""


class Checked:
    """Mixin for attrs classes: ``_check`` yields problems, construction raises on any."""

    __slots__ = ()

    def _check(self) -> Iterator[Problem]:
        return iter(())

    def __attrs_post_init__(self) -> None:
        problems = list(self._check())
        if problems:
            raise ModelError(type(self).__name__, problems)


class LabelledEnum(enum.Enum):
    """An enum whose values are stable file codes and which carries a Danish label."""

    _labels: ClassVar[dict[str, str]]

    @property
    def label(self) -> str:
        """Danish text for people (slides, documents, prompts)."""
        labels: dict[str, str] = type(self)._labels
        value = str(self.value)
        return labels.get(value, value)


def text_problems(value: str, *path: PathPart) -> Iterator[Problem]:
    """A required text must have something besides whitespace."""
    if not value.strip():
        yield Problem(path, f"must not be empty, got {value!r}")


def code_problems(value: str, *path: PathPart) -> Iterator[Problem]:
    """Codes are stable identifiers: letters, digits, ``_``, ``.``, ``-``; no spaces."""
    if not CODE_PATTERN.fullmatch(value):
        yield Problem(
            path, f"{value!r} is not a valid code (letters, digits, '_', '.', '-'; no spaces)"
        )


def positive_problems(value: int, *path: PathPart) -> Iterator[Problem]:
    """Counts and durations that must be above zero."""
    if value <= 0:
        yield Problem(path, f"must be greater than 0, got {value!r}")


def unique_problems(
    codes: Iterable[tuple[tuple[PathPart, ...], str]], what: str
) -> Iterator[Problem]:
    """Report every repeat of a code, at the path where it repeats."""
    seen: dict[str, tuple[PathPart, ...]] = {}
    for path, code in codes:
        if code in seen:
            yield Problem(
                path, f"duplicate {what} {code!r} (first used at {format_path(seen[code])})"
            )
        else:
            seen[code] = path
