"""Collecting what is wrong with a file, so one error can list every bad row."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from klyngepakke.service_data import ServiceDataError

__all__ = ["LISTED", "Problems", "rows_text"]

LISTED: Final = 50
"""How many problems an error lists; the rest are counted."""


def rows_text(rows: Sequence[int], total: int, shown: int = 5) -> str:
    """``row 3``, ``rows 3, 17`` or ``rows 3, 17, 20, 33, 41 and 95 more``."""
    listed = sorted(rows)[:shown]
    text = ("row " if total == 1 else "rows ") + ", ".join(str(r) for r in listed)
    if total > len(listed):
        text += f" and {total - len(listed)} more"
    return text


class Problems:
    """Problems found in one file: each names the row and column; values only when allowed.

    ``quote`` is false for claims files: a cell there may be a patient pseudonym (a shifted
    row can put one in any column), so no cell value of theirs is ever repeated.
    """

    def __init__(self, source: str, *, quote: bool) -> None:
        self.source = source
        self.quote = quote
        self._rows: list[tuple[int, str]] = []
        self._unlisted = 0

    def add(self, row: int, where: str, message: str, value: str | None = None) -> None:
        """One bad row; ``where`` is e.g. ``column 'antal'`` (or empty)."""
        self.add_rows([row], 1, where, message, value)

    def add_rows(
        self,
        rows: Sequence[int],
        total: int,
        where: str,
        message: str,
        value: str | None = None,
    ) -> None:
        """The same problem on ``total`` rows, of which ``rows`` are known."""
        if value is not None and self.quote:
            message = f"{message} ({value!r})"
        place = f", {where}" if where else ""
        for row in rows:
            self._rows.append((row, f"{self.source}, row {row}{place}: {message}"))
        self._unlisted += max(total - len(rows), 0)

    def __bool__(self) -> bool:
        return bool(self._rows or self._unlisted)

    def __len__(self) -> int:
        return len(self._rows) + self._unlisted

    def error(self) -> ServiceDataError:
        """One error listing the first :data:`LISTED` problems by row, counting the rest."""
        lines = [text for _, text in sorted(self._rows, key=lambda item: item[0])]
        if len(self) == 1 and lines:
            return ServiceDataError(lines[0])
        more = len(self) - min(len(lines), LISTED)
        body = [f"  {line}" for line in lines[:LISTED]]
        if more:
            body.append(f"  … and {more} more")
        return ServiceDataError(f"{self.source}: {len(self)} problems:\n" + "\n".join(body))
