"""The three readers: CSV (and TXT), Excel ``.xlsx`` and Parquet."""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Final

from klyngepakke.service_data import (
    CANONICAL_COLUMNS,
    ServiceDataError,
    ServiceDataFile,
    ServiceDataKind,
    ServiceDataReader,
)
from klyngepakke.tables import Table, TableError, read_table
from klyngepakke_servicedata import _values
from klyngepakke_servicedata._columns import read_options
from klyngepakke_servicedata._convert import (
    KEYS,
    Source,
    convert,
    short_code_notes,
    sql_string,
)
from klyngepakke_servicedata._problems import Problems, rows_text

if TYPE_CHECKING:
    import duckdb

__all__ = ["CsvReader", "ParquetReader", "XlsxReader"]

ALL_KINDS: Final = tuple(ServiceDataKind)

# UTF-8 spellings of æøåÆØÅé: in a file that is not UTF-8 throughout they show that some
# rows are UTF-8 and others are not.
_UTF8_DANISH: Final = re.compile(rb"\xc3[\xa6\xb8\xa5\x86\x98\x85\xa9\x89]")
_SIX_DIGITS: Final = re.compile(r"\d{6}")
_SEPARATORS: Final = (";", ",", "\t", "|")


@contextmanager
def _duckdb() -> Iterator[duckdb.DuckDBPyConnection]:
    import duckdb

    con = duckdb.connect()
    try:
        con.execute("SET enable_progress_bar = false")
        yield con
    finally:
        con.close()


def _check_encoding(path: Path) -> None:
    """A file mixing UTF-8 rows with others: name the first row that is not UTF-8."""
    try:
        data = path.read_bytes()
    except OSError:
        return  # read_table says what is wrong
    if data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if _UTF8_DANISH.search(data):
            row = data.count(b"\n", 0, exc.start) + 1
            raise ServiceDataError(
                f"{path}, row {row}: not UTF-8, although other rows are: the file mixes "
                "encodings (save it again as UTF-8)"
            ) from None


def _table_source(
    con: duckdb.DuckDBPyConnection, table: Table, problems: Problems, notes: list[str]
) -> Source:
    """A table's text cells as a DuckDB table, with the row numbers of the file."""
    import pyarrow as pa  # type: ignore[import-untyped]

    width = len(table.header)
    kept: list[tuple[str, ...]] = []
    numbers: list[int] = []
    empty: list[int] = []
    for number, row in enumerate(table.rows, start=table.first_row):
        if any(cell.strip() for cell in row):
            kept.append(row)
            numbers.append(number)
        else:
            empty.append(number)
    if empty:
        notes.append(f"empty rows skipped ({rows_text(empty, len(empty))})")
    if table.delimiter and width > 1:
        _check_row_separators(table, kept, numbers, problems)
    hint = ""
    if table.delimiter == ",":
        hint = " (a decimal comma in a ','-separated file? Put such numbers in quotes)"
    for number, cells in table.extra_cells():
        problems.add(number, "", f"{cells} cells, but the header has {width} columns{hint}")
    columns: dict[str, list[Any]] = {
        f"c{i}": [row[i] if i < len(row) else "" for row in kept] for i in range(width)
    }
    columns["_row"] = numbers
    schema = pa.schema([(f"c{i}", pa.string()) for i in range(width)] + [("_row", pa.int64())])
    con.register("src", pa.table(columns, schema=schema))
    return Source(
        table.source,
        "src",
        tuple(f"c{i}" for i in range(width)),
        table.header,
        "_row",
        header_row=table.first_row - 1,
    )


def _check_row_separators(
    table: Table, rows: list[tuple[str, ...]], numbers: list[int], problems: Problems
) -> None:
    """Rows that are one cell holding another separator: the rows use a different one."""
    width = len(table.header)
    for number, row in zip(numbers, rows, strict=True):
        cells = [cell for cell in row if cell.strip()]
        if len(cells) != 1 or len(row) >= width:
            continue
        other = next((s for s in _SEPARATORS if s != table.delimiter and s in cells[0]), None)
        if other is not None:
            problems.add(
                number,
                "",
                f"one cell, but the header has {width} columns separated by "
                f"{_separator_name(table.delimiter)}, and the row holds {_separator_name(other)}: "
                "wrong separator?",
            )
    if problems:
        raise problems.error()


def _separator_name(separator: str) -> str:
    return "tabs" if separator == "\t" else repr(separator)


class _TableReader(ServiceDataReader):
    """Shared by the CSV and Excel readers: read a table, then check and convert it."""

    kinds: ClassVar[tuple[ServiceDataKind, ...]] = ALL_KINDS

    def _table(self, source: Path, sheet: str | None, delimiter: str | None) -> Table:
        raise NotImplementedError

    def read(
        self,
        source: Path,
        kind: ServiceDataKind,
        workdir: Path,
        options: Mapping[str, str],
    ) -> ServiceDataFile:
        """Check every row of ``source`` and write ``workdir/<kind>.parquet``."""
        kind = ServiceDataKind(kind)
        checked = read_options(options, self.name)
        try:
            table = self._table(Path(source), checked.sheet, checked.delimiter)
        except TableError as exc:
            raise ServiceDataError(str(exc)) from None
        problems = Problems(table.source, quote=kind is not ServiceDataKind.CLAIMS)
        notes: list[str] = []
        with _duckdb() as con:
            found = _table_source(con, table, problems, notes)
            return convert(con, found, kind, checked, Path(workdir), problems=problems, notes=notes)


class CsvReader(_TableReader):
    """CSV or text files as regions send them.

    ``;``, ``,`` or tabs; UTF-8 (BOM or not), UTF-16, Windows-1252; decimal commas; Danish
    column names.
    """

    name = "csv"
    description = "CSV/TXT (;-, ,- eller tabulatorsepareret; UTF-8, UTF-16 eller Windows-1252)"
    suffixes = (".csv", ".txt")

    def _table(self, source: Path, sheet: str | None, delimiter: str | None) -> Table:
        _check_encoding(source)
        return read_table(source, delimiter=delimiter)


class XlsxReader(_TableReader):
    """Excel workbooks (``.xlsx``): the first sheet, or ``--option sheet=NAME``."""

    name = "xlsx"
    description = "Excel-projektmappe (.xlsx); første ark eller --option sheet=NAVN"
    suffixes = (".xlsx",)

    def _table(self, source: Path, sheet: str | None, delimiter: str | None) -> Table:
        return read_table(source, sheet=sheet)


class ParquetReader(ServiceDataReader):
    """Parquet files: canonical ones are checked in one query and used where they are."""

    name = "parquet"
    description = "Parquet; en kanonisk fil bruges direkte efter kontrol, andre oversættes"
    suffixes = (".parquet",)
    kinds = ALL_KINDS

    def read(
        self,
        source: Path,
        kind: ServiceDataKind,
        workdir: Path,
        options: Mapping[str, str],
    ) -> ServiceDataFile:
        """Hand over a canonical file that passes the checks; convert anything else."""
        import duckdb

        kind = ServiceDataKind(kind)
        checked = read_options(options, self.name)
        path = Path(source)
        relation = f"read_parquet({sql_string(str(path))})"
        with _duckdb() as con:
            try:
                described = con.execute(f"DESCRIBE SELECT * FROM {relation}").fetchall()
            except duckdb.Error as exc:
                raise ServiceDataError(f"{path}: not a readable Parquet file ({exc})") from None
            types = {str(row[0]): str(row[1]) for row in described}
            if types == CANONICAL_COLUMNS[kind] and not _uses_column_options(options):
                handed = _hand_over(con, relation, path, kind, checked.notes)
                if handed is not None:
                    return handed
            names = tuple(types)
            found = Source(
                str(path),
                f"read_parquet({sql_string(str(path))}, file_row_number = true)",
                names,
                names,
                "file_row_number + 1",
            )
            try:
                return convert(con, found, kind, checked, Path(workdir))
            except duckdb.Error as exc:
                raise ServiceDataError(f"{path}: not a readable Parquet file ({exc})") from None


def _uses_column_options(options: Mapping[str, str]) -> bool:
    return any(k.startswith("column") or k in ("period", "period_length") for k in options)


def _hand_over(
    con: duckdb.DuckDBPyConnection,
    relation: str,
    path: Path,
    kind: ServiceDataKind,
    notes: tuple[str, ...],
) -> ServiceDataFile | None:
    """The canonical file itself, if one aggregate query finds nothing wrong; else ``None``.

    Anything wrong sends the file down the general path, which names the rows (or repairs
    provider numbers, and says so).
    """
    if kind is ServiceDataKind.CLAIMS:
        ok, rows, codes = _claims_fine(con, relation)
    else:
        ok, rows, codes = _small_kind_fine(con, relation, kind)
    if not ok:
        return None
    return ServiceDataFile(kind, path, str(path), rows, notes=(*notes, *short_code_notes(codes)))


def _good_code(code: Any) -> bool:
    if not isinstance(code, str):
        return False
    try:
        return _values.parse_service_code(code) == code
    except _values.CellError:
        return False


# Exactly "six ASCII digits" and "two to six ASCII letters or digits", written so that DuckDB
# pushes them into the Parquet scan and evaluates them on each row group's dictionary (a
# regular expression would be evaluated row by row: 30 times slower at national size).
_BAD_PROVIDER: Final = "strlen(provider_id) <> 6 OR ltrim(provider_id, '0123456789') <> ''"
_ALNUM: Final = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_BAD_CODE: Final = (
    f"strlen(service_code) NOT BETWEEN 2 AND 6 OR ltrim(service_code, '{_ALNUM}') <> ''"
)
_SHORT_CODE: Final = "strlen(service_code) < 4 AND ltrim(service_code, '0123456789') = ''"


def _claims_fine(con: duckdb.DuckDBPyConnection, relation: str) -> tuple[bool, int, list[str]]:
    # Null counts come from the Parquet statistics; the filters run on the dictionaries.
    row = con.execute(
        "SELECT * FROM "
        f"(SELECT count(*), count(provider_id), count(service_code), count(day), count(patient) "
        f"FROM {relation}), "
        f"(SELECT count(*) FROM {relation} WHERE {_BAD_PROVIDER}), "
        f"(SELECT count(*) FROM {relation} WHERE {_BAD_CODE}), "
        f"(SELECT list(DISTINCT service_code) FROM {relation} WHERE {_SHORT_CODE})"
    ).fetchone()
    assert row is not None
    total, *present, bad_providers, bad_codes, short_codes = row
    ok = all(count == total for count in present) and bad_providers == 0 and bad_codes == 0
    return ok, int(total), list(short_codes or [])


def _small_kind_fine(
    con: duckdb.DuckDBPyConnection, relation: str, kind: ServiceDataKind
) -> tuple[bool, int, list[str]]:
    """Counts, list sizes, membership: grouped by their key, summed up in one query."""
    keys, _ = KEYS[kind]
    others = [c for c in CANONICAL_COLUMNS[kind] if c not in keys]
    inner = [*keys, "count(*) AS n"]
    outer = [
        "sum(n)",
        "max(n)",
        f"bool_or({' OR '.join(f'{k} IS NULL' for k in keys)})",
        "list(DISTINCT provider_id)",
        "list(DISTINCT service_code)" if "service_code" in keys else "[]",
        "list(DISTINCT [period_start, period_end])" if "period_start" in keys else "[]",
    ]
    for column in others:
        inner += [f"count({column}) AS present_{column}", f"min({column}) AS low_{column}"]
        inner.append(f"max({column}) AS high_{column}")
        outer += [f"sum(n - present_{column})", f"min(low_{column})"]
        outer.append(f"list(DISTINCT low_{column}) || list(DISTINCT high_{column})")
    row = con.execute(
        f"SELECT {', '.join(outer)} FROM (SELECT {', '.join(inner)} FROM {relation} GROUP BY ALL)"
    ).fetchone()
    assert row is not None
    total, most, null_key, providers, codes, spans, *measures = row
    if not total:
        return True, 0, []
    codes = [c for c in codes or [] if c is not None]
    ok = (
        most == 1
        and not null_key
        and all(isinstance(p, str) and _SIX_DIGITS.fullmatch(p) for p in providers)
        and all(_good_code(code) for code in codes)
        and all(end >= start for start, end in spans)
        and len({_values.granularity(_values.Span(start, end)) for start, end in spans}) <= 1
    )
    for column, (missing, low, values) in zip(
        others, zip(*[iter(measures)] * 3, strict=True), strict=True
    ):
        if missing:
            ok = False
        elif column == "count":
            ok = ok and low >= 0
        elif column == "group1_insured":
            ok = ok and low > 0
        else:  # names: cluster, municipality, region
            ok = ok and all(v and v == " ".join(v.split()) for v in values)
    return ok, int(total), codes
