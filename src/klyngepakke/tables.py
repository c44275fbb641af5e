"""Read the tables people and platforms export.

CSV comes in the encodings and dialects Danish offices produce; Excel sheets need openpyxl.

CSV may come as UTF-8 with or without BOM, UTF-16 (with BOM, as Excel's "Unicode text"
writes it) or Windows-1252, separated by ``;`` (Danish Excel), ``,`` or tabs. Numbers may use a
decimal comma. ``.xlsx`` needs openpyxl, which the plugins that read Excel depend on.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path

import attrs

from klyngepakke.errors import KlyngepakkeError

__all__ = ["Table", "TableError", "decode", "parse_number", "read_table"]

_DELIMITERS = ";,\t|"


class TableError(KlyngepakkeError):
    """A file that cannot be read as a table."""


@attrs.frozen
class Table:
    """A header and rows of text cells; ``first_row`` is the file row number of ``rows[0]``."""

    source: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    encoding: str = ""
    delimiter: str = ""
    first_row: int = 2

    def records(self) -> Iterator[tuple[int, dict[str, str]]]:
        """Each row as ``(row number, {column: cell})``; short rows are padded with ``""``."""
        width = len(self.header)
        for offset, row in enumerate(self.rows):
            cells = list(row) + [""] * (width - len(row))
            yield self.first_row + offset, dict(zip(self.header, cells, strict=False))

    def extra_cells(self) -> Iterator[tuple[int, int]]:
        """Rows with more cells than the header has columns: ``(row number, count)``."""
        width = len(self.header)
        for offset, row in enumerate(self.rows):
            if len(row) > width and any(cell.strip() for cell in row[width:]):
                yield self.first_row + offset, len(row)


def decode(data: bytes, source: str) -> tuple[str, str]:
    """Text and encoding name: BOMs decide; otherwise UTF-8, falling back to Windows-1252."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8"), "utf-8-sig"
    for bom, name in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(name), "utf-16"
            except UnicodeDecodeError as exc:
                raise TableError(f"{source}: not valid UTF-16 ({exc.reason})") from None
    if b"\x00" in data:  # text never holds NUL bytes
        raise TableError(f"{source}: binary data, or UTF-16 without a byte-order mark")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252", errors="strict"), "cp1252"
    except UnicodeDecodeError as exc:
        raise TableError(
            f"{source}: not UTF-8, UTF-16 or Windows-1252 text ({exc.reason})"
        ) from None


def _delimiter(text: str) -> str:
    sample = "\n".join(text.splitlines()[:20])
    try:
        return csv.Sniffer().sniff(sample, delimiters=_DELIMITERS).delimiter
    except csv.Error:
        first = text.splitlines()[0] if text else ""
        counts = {d: first.count(d) for d in _DELIMITERS}
        best = max(counts, key=lambda d: counts[d])
        return best if counts[best] else ","


def read_table(
    path: str | Path, *, sheet: str | None = None, delimiter: str | None = None
) -> Table:
    """Read a CSV/TSV/TXT file or an ``.xlsx`` sheet (the first, or ``sheet``)."""
    path = Path(path)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return _read_xlsx(path, sheet)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise TableError(f"{path}: {exc.strerror or exc}") from None
    text, encoding = decode(data, str(path))
    if not text.strip():
        raise TableError(f"{path}: empty file")
    used = delimiter or _delimiter(text)
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=used))
    except csv.Error as exc:
        raise TableError(f"{path}: not readable as a table: {exc}") from None
    while rows and not any(cell.strip() for cell in rows[-1]):
        rows.pop()
    header = tuple(cell.strip() for cell in rows[0])
    return Table(str(path), header, tuple(tuple(r) for r in rows[1:]), encoding, used)


def _read_xlsx(path: Path, sheet: str | None) -> Table:
    try:
        import openpyxl
    except ImportError:  # pragma: no cover - depends on the environment
        raise TableError(f"{path}: reading .xlsx needs openpyxl (pip install openpyxl)") from None
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:
        raise TableError(f"{path}: not a readable Excel file ({exc})") from None
    try:
        if sheet is not None and sheet not in book.sheetnames:
            raise TableError(f"{path}: no sheet {sheet!r} (sheets: {', '.join(book.sheetnames)})")
        worksheet = book[sheet] if sheet is not None else book.worksheets[0]
        rows = [
            tuple("" if value is None else _cell_text(value) for value in row)
            for row in worksheet.iter_rows(values_only=True)
        ]
    finally:
        book.close()
    while rows and not any(cell.strip() for cell in rows[-1]):
        rows.pop()
    if not rows:
        raise TableError(f"{path}: the sheet is empty")
    header = tuple(cell.strip() for cell in rows[0])
    return Table(str(path), header, tuple(rows[1:]), "xlsx", "")


def _cell_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


_NUMBER = re.compile(r"[-+]?(\d{1,3}(\.\d{3})+|\d+)(,\d+)?|[-+]?\d*\.\d+|[-+]?\d+")


def parse_number(text: str) -> float:
    """A number as Danish or English spreadsheets write it: ``3,5``, ``1.234,5``, ``3.5``.

    A single point is a decimal point (``1.234`` is 1.234); points are thousands separators
    only beside a decimal comma or when there are several (``1.234.567``).
    """
    cleaned = text.strip().replace("\u00a0", "").replace(" ", "")
    if not _NUMBER.fullmatch(cleaned):
        raise ValueError(f"{text!r} is not a number")
    if "," in cleaned:
        cleaned = cleaned.replace(".", "").replace(",", ".")
    elif cleaned.count(".") > 1:
        cleaned = cleaned.replace(".", "")
    return float(cleaned)
