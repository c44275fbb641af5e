"""From any table DuckDB can read to a checked canonical Parquet file.

One path for CSV, Excel and non-canonical Parquet, small or national: each column's
*distinct* values are read with :mod:`._values` in Python (a few thousand at most: provider
numbers, codes, periods, dates, counts), the good ones become small mapping tables, and DuckDB
joins them back and writes the file. Only patient pseudonyms are never looked at one by one.
"""

from __future__ import annotations

import secrets
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import attrs

from klyngepakke.service_data import (
    CANONICAL_COLUMNS,
    CANONICAL_COMPRESSION,
    CLAIMS_ORDER,
    ServiceDataError,
    ServiceDataFile,
    ServiceDataKind,
)
from klyngepakke_servicedata import _values
from klyngepakke_servicedata._columns import (
    COLUMNS_BY_KIND,
    DEFAULT_COLUMN_NAMES,
    ReadOptions,
    match_columns,
)
from klyngepakke_servicedata._problems import LISTED, Problems, rows_text
from klyngepakke_servicedata._values import CellError, Span

if TYPE_CHECKING:
    import duckdb

__all__ = ["Source", "convert", "short_code_notes", "sql_identifier", "sql_string"]

KEYS: Final[dict[ServiceDataKind, tuple[tuple[str, ...], str]]] = {
    ServiceDataKind.COUNTS: (
        ("provider_id", "service_code", "period_start", "period_end"),
        "provider, service code and period",
    ),
    ServiceDataKind.LIST_SIZES: (
        ("provider_id", "period_start", "period_end"),
        "provider and period",
    ),
    ServiceDataKind.MEMBERSHIP: (("provider_id",), "provider"),
}
"""What makes a row unique in each kind (claims may repeat), and how to say it."""

_SEPARATOR_CHARACTERS: Final = (";", ",", "\t", "|")
_MOJIBAKE: Final = ("Ã", "Â", "\ufffd")


def sql_identifier(name: str) -> str:
    """``name`` quoted for SQL."""
    return '"' + name.replace('"', '""') + '"'


def sql_string(text: str) -> str:
    """``text`` as an SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


@attrs.frozen
class Source:
    """A table in a DuckDB connection, and how to talk about it."""

    path: str
    relation: str
    """What follows ``FROM``."""
    sql_columns: tuple[str, ...]
    headers: tuple[str, ...]
    """The column names as people see them (same order as ``sql_columns``)."""
    row: str
    """SQL expression for the row number people see."""
    header_row: int | None = None
    """The row holding the headers (1 in CSV and Excel); ``None`` for Parquet."""

    def where_header(self) -> str:
        """Where column problems are: the header row, or the file."""
        if self.header_row is None:
            return self.path
        return f"{self.path}, row {self.header_row}"


@attrs.frozen
class _Field:
    """Canonical output columns read from some source columns by one parser."""

    outputs: tuple[str, ...]
    columns: tuple[int, ...]
    parse: Callable[[tuple[str, ...]], tuple[Any, ...]]
    where: str = ""
    """How problems name the place, when not by the columns (a constant from an option)."""


@attrs.frozen
class _Distinct:
    texts: tuple[str, ...]
    count: int
    rows: tuple[int, ...]


def _arrow_type(duck_type: str) -> Any:
    import pyarrow as pa  # type: ignore[import-untyped]

    return {"VARCHAR": pa.string(), "DATE": pa.date32(), "BIGINT": pa.int64()}[duck_type]


class _Converter:
    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        source: Source,
        kind: ServiceDataKind,
        options: ReadOptions,
        problems: Problems,
        notes: list[str],
    ) -> None:
        self.con = con
        self.source = source
        self.kind = kind
        self.options = options
        self.problems = problems
        self.notes = notes
        self.types = CANONICAL_COLUMNS[kind]
        self.column_problems: list[str] = []
        self.found: dict[str, int] = {}

    # -- which columns ---------------------------------------------------------------------

    def _where(self, columns: Sequence[int]) -> str:
        names = ", ".join(repr(self.source.headers[i]) for i in columns)
        return f"column {names}" if len(columns) == 1 else f"columns {names}"

    def _need(self, name: str) -> int | None:
        if name in self.found:
            return self.found[name]
        choice = self.options.columns[name]
        if choice.explicit and not choice.names:
            self.column_problems.append(f"no column for {name} (turned off by {choice.origin})")
        elif not choice.explicit:
            expected = ", ".join(repr(n) for n in DEFAULT_COLUMN_NAMES[name])
            self.column_problems.append(
                f"no column for {name} (expected one named {expected}; "
                f"or give --option column.{name}=HEADER)"
            )
        return None

    def _check_separator(self) -> None:
        headers = self.source.headers
        if len(headers) != 1:
            return
        inside = [c for c in _SEPARATOR_CHARACTERS if c in headers[0]]
        if inside:
            shown = "tab" if inside[0] == "\t" else inside[0]
            raise ServiceDataError(
                f"{self.source.where_header()}: only one column found, {headers[0]!r}, "
                f"but its name contains {shown!r}: wrong separator? "
                f"(give --option delimiter={shown} to choose it)"
            )

    def _raise_column_problems(self) -> None:
        if not self.column_problems:
            return
        where = self.source.where_header()
        lines = [f"{where}: {p}" for p in self.column_problems]
        headers = ", ".join(repr(h) for h in self.source.headers)
        lines.append(f"{where}: the file's columns are {headers}")
        if any(m in h for h in self.source.headers for m in _MOJIBAKE):
            lines.append(
                f"{where}: the column names look wrongly decoded: was the file saved in one "
                "encoding and then read as another? Save it again as UTF-8."
            )
        elif len(self.source.headers) > 1 and any(
            c in h for h in self.source.headers for c in _SEPARATOR_CHARACTERS
        ):
            lines.append(f"{where}: some column names contain a separator: wrong separator?")
        raise ServiceDataError("\n".join(lines))

    # -- fields ------------------------------------------------------------------------------

    def plan(self) -> tuple[list[_Field], int | None]:
        """The fields to read, and the patient column (claims)."""
        self._check_separator()
        matched = match_columns(
            self.source.headers, COLUMNS_BY_KIND[self.kind], self.options.columns
        )
        self.found = matched.found
        self.column_problems.extend(matched.problems)
        fields: list[_Field] = []
        patient: int | None = None

        def add(name: str, outputs: tuple[str, ...], parse: Callable[[str], Any]) -> None:
            index = self._need(name)
            if index is not None:
                fields.append(_Field(outputs, (index,), lambda texts: (parse(texts[0]),)))

        add("provider_id", ("provider_id",), _values.parse_provider_digits)
        kind = self.kind
        if kind in (ServiceDataKind.COUNTS, ServiceDataKind.CLAIMS):
            add("service_code", ("service_code",), _values.parse_service_code)
        if kind is ServiceDataKind.COUNTS:
            add("count", ("count",), self._parse_count)
        if kind is ServiceDataKind.LIST_SIZES:
            add("group1_insured", ("group1_insured",), self._parse_list_size)
        if kind in (ServiceDataKind.COUNTS, ServiceDataKind.LIST_SIZES):
            period = self._period_field()
            if period is not None:
                fields.append(period)
        if kind is ServiceDataKind.CLAIMS:
            add("day", ("day",), _values.parse_day)
            patient = self._need("patient")
        if kind is ServiceDataKind.MEMBERSHIP:
            for name in ("cluster", "municipality", "region"):
                add(name, (name,), _label_parser(name))
        self._raise_column_problems()
        used = {i for f in fields for i in f.columns} | (
            {patient} if patient is not None else set()
        )
        self._note_unused(used)
        return fields, patient

    @staticmethod
    def _parse_count(text: str) -> int:
        value = _values.parse_whole(text, "count")
        if value < 0:
            raise CellError("negative count")
        return value

    @staticmethod
    def _parse_list_size(text: str) -> int:
        value = _values.parse_whole(text, "list size")
        if value == 0:
            raise CellError("zero list size (a rate needs group-1 insured patients)")
        if value < 0:
            raise CellError("negative list size")
        return value

    def _period_field(self) -> _Field | None:
        length = self.options.period_length
        outputs = ("period_start", "period_end")

        def spans(read: Callable[[tuple[str, ...]], Span]) -> Callable[[tuple[str, ...]], Any]:
            def parse(texts: tuple[str, ...]) -> tuple[Any, ...]:
                span = _values.expand_day(read(texts), length)
                return (span.start, span.end)

            return parse

        if self.options.period is not None:
            constant = self.options.period
            try:
                _values.expand_day(_values.parse_period(constant), length)
            except CellError as exc:
                raise ServiceDataError(f"--option period={constant}: {exc}") from None
            return _Field(
                outputs,
                (),
                spans(lambda _: _values.parse_period(constant)),
                where=f"--option period={constant}",
            )
        found = self.found
        if "period_start" in found or "period_end" in found:
            start, end = self._need("period_start"), self._need("period_end")
            if start is None or end is None:
                return None

            def start_end(texts: tuple[str, ...]) -> Span:
                first = _values.expand_day(_values.parse_period(texts[0]), length).start
                last = _values.expand_day(_values.parse_period(texts[1]), length).end
                if last < first:
                    raise CellError("the period ends before it starts")
                return Span(first, last)

            return _Field(outputs, (start, end), spans(start_end))
        if "period" in found:
            return _Field(outputs, (found["period"],), spans(lambda t: _values.parse_period(t[0])))
        if "year" in found:
            for part in ("month", "quarter"):
                if part in found:

                    def in_year(texts: tuple[str, ...], part: str = part) -> Span:
                        year = _values.parse_year(texts[0])
                        return _values.parse_period_part(texts[1], year, part)

                    return _Field(outputs, (found["year"], found[part]), spans(in_year))
            return _Field(outputs, (found["year"],), spans(lambda t: _values.parse_period(t[0])))
        for part in ("month", "quarter", "day"):
            if part in found:
                return _Field(outputs, (found[part],), spans(lambda t: _values.parse_period(t[0])))
        names = ", ".join(
            repr(n)
            for part in ("period", "month", "quarter", "year")
            for n in DEFAULT_COLUMN_NAMES[part]
        )
        self.column_problems.append(
            f"no period column (expected one named {names}; a start and an end column such as "
            "'periode start' and 'periode slut' or 'fra' and 'til'; or 'dato'; "
            "or give the period of the whole file with --option period=2025)"
        )
        return None

    def _note_unused(self, used: set[int]) -> None:
        unused = [
            repr(h) if h.strip() else f"column {i + 1} (no name)"
            for i, h in enumerate(self.source.headers)
            if i not in used and (h.strip() or self._holds_data(i))
        ]
        if unused:
            self.notes.append(f"columns not used: {', '.join(unused)}")

    def _holds_data(self, index: int) -> bool:
        """Whether a column without a name has anything in it (a trailing ``;`` has not)."""
        column = sql_identifier(self.source.sql_columns[index])
        found = self.con.execute(
            f"SELECT count(*) FROM {self.source.relation} "
            f"WHERE trim(CAST({column} AS VARCHAR)) <> ''"
        ).fetchone()
        return bool(found and found[0])

    # -- reading values ---------------------------------------------------------------------

    def _distinct(self, columns: Sequence[int], where: str = "") -> list[_Distinct]:
        keys = [f"s{i}" for i in columns]
        select = ", ".join([*keys, "count(*)", f"min(_row, {LISTED})"])
        group = f" GROUP BY {', '.join(keys)}" if keys else ""
        found = []
        for row in self.con.execute(f"SELECT {select} FROM t{where}{group}").fetchall():
            *texts, count, rows = row
            if count:
                found.append(_Distinct(tuple(texts), count, tuple(rows or ())))
        return found

    def read_field(self, field: _Field) -> list[tuple[tuple[str, ...], tuple[Any, ...], _Distinct]]:
        """The field's distinct values read; bad ones become problems."""
        where = field.where or self._where(field.columns)
        good = []
        for distinct in self._distinct(field.columns):
            try:
                parsed = field.parse(distinct.texts)
            except CellError as exc:
                value = " / ".join(distinct.texts) if field.columns else None
                self.problems.add_rows(distinct.rows, distinct.count, where, str(exc), value)
                continue
            good.append((distinct.texts, parsed, distinct))
        return good

    def resolve_providers(
        self, read: list[tuple[tuple[str, ...], tuple[Any, ...], _Distinct]], where: str
    ) -> list[tuple[tuple[str, ...], tuple[Any, ...]]]:
        """Six-digit provider numbers; shorter ones padded only when that is unambiguous."""
        six: dict[str, list[int]] = defaultdict(list)
        short: dict[str, list[tuple[str, _Distinct]]] = defaultdict(list)
        for _, (digits,), distinct in read:
            if len(digits) == 6:
                six[digits].extend(distinct.rows)
            else:
                short[digits.zfill(6)].append((digits, distinct))
        mapping = [(texts, (digits,)) for texts, (digits,), _ in read if len(digits) == 6]
        repairs: dict[tuple[str, str], list[_Distinct]] = defaultdict(list)
        for texts, (digits,), distinct in read:
            if len(digits) == 6 and texts[0].strip() != digits:
                repairs[(texts[0].strip(), digits)].append(distinct)
        for target, variants in sorted(short.items()):
            spellings = {digits for digits, _ in variants}
            if target in six:
                for _, distinct in variants:
                    self.problems.add_rows(
                        distinct.rows,
                        distinct.count,
                        where,
                        "provider number with fewer than six digits, not repaired: with its "
                        "leading zeros back it equals the provider number in row "
                        f"{min(six[target])}",
                        distinct.texts[0],
                    )
                continue
            if len(spellings) > 1:
                for digits, distinct in variants:
                    other = min(r for d, o in variants if d != digits for r in o.rows)
                    self.problems.add_rows(
                        distinct.rows,
                        distinct.count,
                        where,
                        "provider number with fewer than six digits, not repaired: padded with "
                        f"zeros it equals another short provider number (row {other})",
                        distinct.texts[0],
                    )
                continue
            for digits, distinct in variants:
                mapping.append((distinct.texts, (target,)))
                repairs[(digits, target)].append(distinct)
        padded = {now for (was, now) in repairs if len(was) < 6}
        if len(padded) > 1:
            self.notes.append(
                f"{len(padded)} provider numbers had lost their leading zeros (saved as numbers?) "
                "and were given them back:"
            )
        for (was, now), distincts in sorted(repairs.items()):
            rows = sorted(r for d in distincts for r in d.rows)
            total = sum(d.count for d in distincts)
            self.notes.append(f"provider number {was} read as {now} ({rows_text(rows, total)})")
        return mapping

    def check_periods(
        self, read: list[tuple[tuple[str, ...], tuple[Any, ...], _Distinct]], where: str
    ) -> None:
        """One sort of period per file; say which rows are the odd ones."""
        by_kind: dict[str, list[tuple[tuple[str, ...], _Distinct]]] = defaultdict(list)
        for texts, (start, end), distinct in read:
            by_kind[_values.granularity(Span(start, end))].append((texts, distinct))
        if len(by_kind) > 1:
            totals = {
                kind: (sum(d.count for _, d in found), -min(min(d.rows) for _, d in found))
                for kind, found in by_kind.items()
            }
            usual = max(totals, key=lambda kind: totals[kind])
            for kind, found in by_kind.items():
                if kind == usual:
                    continue
                article = "an" if kind[0] in "aeiou8" or kind.startswith(("11-", "18-")) else "a"
                for texts, distinct in found:
                    self.problems.add_rows(
                        distinct.rows,
                        distinct.count,
                        where,
                        f"{article} {kind} among {_values.granularity_plural(usual)}: "
                        "mixed periods (a file holds one sort of period)",
                        " / ".join(texts) if texts else None,
                    )
        starts = {start for _, (start, end), _ in read if start == end}
        if (
            self.options.period_length is None
            and len(starts) > 1
            and len(starts) == len(read)
            and all(day.day == 1 for day in starts)
        ):
            self.notes.append(
                "every period is a single day, the first of a month: if they stand for months, "
                "read the file with --option period_length=month"
            )

    # -- all together -----------------------------------------------------------------------

    def run(self, workdir: Path) -> ServiceDataFile:
        fields, patient = self.plan()
        used = sorted(
            {i for f in fields for i in f.columns} | ({patient} if patient is not None else set())
        )
        columns = ", ".join(
            f"coalesce(CAST({sql_identifier(self.source.sql_columns[i])} AS VARCHAR), '') AS s{i}"
            for i in used
        )
        self.con.execute(
            f"CREATE OR REPLACE TEMP VIEW t AS SELECT {self.source.row} AS _row"
            f"{', ' if columns else ''}{columns} FROM {self.source.relation}"
        )
        count_row = self.con.execute("SELECT count(*) FROM t").fetchone()
        rows = int(count_row[0]) if count_row else 0
        joins: list[str] = []
        selected: list[str] = []
        for number, field in enumerate(fields):
            where = field.where or self._where(field.columns)
            read = self.read_field(field)
            if field.outputs == ("provider_id",):
                mapping = self.resolve_providers(read, where)
            else:
                mapping = [(texts, parsed) for texts, parsed, _ in read]
                if field.outputs == ("period_start", "period_end"):
                    self.check_periods(read, where)
                if field.outputs == ("service_code",):
                    self.notes.extend(short_code_notes(parsed[0] for _, parsed in mapping))
            name = f"m{number}"
            self._register(name, field, mapping)
            on = " AND ".join(f"t.s{c} = {name}.k{k}" for k, c in enumerate(field.columns))
            joins.append(f"JOIN {name} ON {on}" if on else f"CROSS JOIN {name}")
            selected.extend(f"{name}.{sql_identifier(o)}" for o in field.outputs)
        if patient is not None:
            self._check_patients(patient)
            # A keyed hash, never the pseudonym: the key is random and not kept, so the
            # canonical file cannot be linked back to the region's pseudonyms.
            key = sql_string(secrets.token_hex(16))
            selected.append(f"hash({key} || trim(t.s{patient})) AS patient")
        self.con.execute(
            f"CREATE OR REPLACE TEMP VIEW j AS SELECT t._row, {', '.join(selected)} "
            f"FROM t {' '.join(joins)}"
        )
        self._check_duplicates(fields)
        if self.problems:
            raise self.problems.error()
        return self._write(workdir, rows)

    def _register(
        self, name: str, field: _Field, mapping: list[tuple[tuple[str, ...], tuple[Any, ...]]]
    ) -> None:
        import pyarrow as pa

        names = [f"k{k}" for k in range(len(field.columns))] + list(field.outputs)
        types = [pa.string()] * len(field.columns) + [
            _arrow_type(self.types[o]) for o in field.outputs
        ]
        data = [[texts[k] for texts, _ in mapping] for k in range(len(field.columns))] + [
            [parsed[k] for _, parsed in mapping] for k in range(len(field.outputs))
        ]
        schema = pa.schema(list(zip(names, types, strict=True)))
        self.con.register(name, pa.table(data, schema=schema))

    def _check_patients(self, patient: int) -> None:
        where = self._where([patient])
        for distinct in self._distinct([], f" WHERE trim(s{patient}) = ''"):
            self.problems.add_rows(
                distinct.rows, distinct.count, where, "missing patient pseudonym"
            )

    def _check_duplicates(self, fields: Sequence[_Field]) -> None:
        if self.kind not in KEYS:
            return
        keys, said = KEYS[self.kind]
        columns = sorted({c for f in fields if set(f.outputs) & set(keys) for c in f.columns})
        where = self._where(columns) if columns else ""
        found = self.con.execute(
            f"SELECT min(_row, {LISTED + 1}), count(*) FROM j GROUP BY {', '.join(keys)} "
            "HAVING count(*) > 1"
        ).fetchall()
        for rows, count in found:
            first, *others = sorted(rows)
            self.problems.add_rows(
                others, count - 1, where, f"duplicate of row {first} (same {said})"
            )

    def _write(self, workdir: Path, rows: int) -> ServiceDataFile:
        workdir.mkdir(parents=True, exist_ok=True)
        target = workdir / f"{self.kind.value}.parquet"
        partial = workdir / f".{self.kind.value}.parquet.partial"
        columns = ", ".join(
            f"CAST({sql_identifier(name)} AS {duck}) AS {sql_identifier(name)}"
            for name, duck in self.types.items()
        )
        order = ", ".join(CLAIMS_ORDER) if self.kind is ServiceDataKind.CLAIMS else "_row"
        self.con.execute(
            f"COPY (SELECT {columns} FROM j ORDER BY {order}) TO {sql_string(str(partial))} "
            f"(FORMAT parquet, COMPRESSION {CANONICAL_COMPRESSION})"
        )
        partial.replace(target)
        return ServiceDataFile(self.kind, target, self.source.path, rows, notes=tuple(self.notes))


def _label_parser(what: str) -> Callable[[str], str]:
    return lambda text: _values.parse_label(text, what)


def short_code_notes(codes: Any) -> list[str]:
    """Notes about numeric service codes shorter than four digits (lost leading zeros?)."""
    return [
        f"service code {code} has fewer than four digits: has it lost a leading zero "
        f"({code.zfill(4)})? It is kept as {code}"
        for code in sorted(set(codes))
        if code.isdigit() and len(code) < 4
    ]


def convert(
    con: duckdb.DuckDBPyConnection,
    source: Source,
    kind: ServiceDataKind,
    options: ReadOptions,
    workdir: Path,
    *,
    problems: Problems | None = None,
    notes: Sequence[str] = (),
) -> ServiceDataFile:
    """Check ``source`` as a file of ``kind`` and write ``workdir/<kind>.parquet``.

    ``problems`` may already hold problems the caller found (rows with too many cells);
    everything is reported in one :class:`ServiceDataError`.
    """
    if problems is None:
        problems = Problems(source.path, quote=kind is not ServiceDataKind.CLAIMS)
    collected = [*options.notes, *notes]
    return _Converter(con, source, kind, options, problems, collected).run(workdir)
