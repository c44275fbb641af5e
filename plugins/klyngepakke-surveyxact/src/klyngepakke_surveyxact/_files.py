"""Read SurveyXact's data export: the Dataset, Structure and Labels tables.

SurveyXact writes them as sheets of one ``.xlsx`` workbook or as three CSV files (UTF-16 with
tabs, or Windows-1252 with ``;``). The Dataset has one row per respondent and one column per
variable; the Structure lists each variable with its question and, for the 0/1 variables of a
multiple-choice question, the choice; the Labels list each value of a closed variable with its
text, and come without a header row.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

import attrs

from klyngepakke.platforms import PlatformError
from klyngepakke.tables import Table, TableError, parse_number, read_table

__all__ = ["SurveyXactExport", "header_key", "read_export", "value_key"]

_DANISH = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa"})


def header_key(text: str) -> str:
    """A heading as compared: case, Danish letters, spaces and punctuation do not count."""
    return re.sub(r"[^0-9a-z]", "", text.casefold().translate(_DANISH))


def value_key(text: str) -> str:
    """A value as compared: ``1``, ``1.0`` and ``1,0`` are the same value; text by its case."""
    cleaned = text.strip()
    try:
        number = parse_number(cleaned)
    except ValueError:
        return " ".join(cleaned.casefold().split())
    return str(int(number)) if number.is_integer() else repr(number)


# Headings SurveyXact uses, and the Danish ones people give tables they make by hand.
VARIABLE = frozenset({"variablename", "variable", "variabel", "variabelnavn", "varname"})
QUESTION = frozenset({"questionname", "question", "spoergsmaal", "sporgsmal"})
SUBTYPE = frozenset({"subtype", "undertype"})
TEXT = frozenset({"questiontext", "text", "tekst", "spoergsmaalstekst", "sporgsmalstekst"})
CHOICE_VALUE = frozenset({"choicevalue", "svarvaerdi"})
CHOICE_TEXT = frozenset({"choicetext", "choicelabel", "svarmulighed", "svartekst"})
VALUE = frozenset({"value", "vaerdi", "code", "kode"})
LABEL = frozenset({"label", "valuelabel", "etiket", "etikette", "vaerditekst", "tekst", "text"})

_DATASET_SHEETS = ("dataset", "datasaet", "data")
_STRUCTURE_SHEETS = ("structure", "struktur", "variables", "variabler")
_LABEL_SHEETS = ("labels", "label", "etiketter", "valuelabels", "vaerdier")


@attrs.frozen
class StructureRow:
    """One variable as the Structure table describes it."""

    row: int
    variable: str
    question: str = ""
    subtype: str = ""
    text: str = ""
    choice_value: str = ""
    choice_text: str = ""

    @property
    def is_choice(self) -> bool:
        """Whether this is the 0/1 variable of one choice of a multiple-choice question."""
        if self.subtype:
            return header_key(self.subtype) == "multiple"
        return bool(self.choice_text) and self.question != self.variable


@attrs.frozen
class SurveyXactExport:
    """The tables of one SurveyXact data export, as read."""

    source: str
    header: tuple[str, ...]
    rows: tuple[tuple[int, tuple[str, ...]], ...]
    """Dataset rows: file row number and cells, padded to the header's width."""
    overlong: Mapping[int, int] = attrs.field(factory=dict)
    """Dataset rows with values beyond the last column: row number → cell count."""
    structure: tuple[StructureRow, ...] | None = None
    labels: Mapping[str, Mapping[str, str]] | None = None
    """Variable (case-folded) → value key → label text."""
    notes: tuple[str, ...] = ()
    """Warnings met while reading."""


def read_export(
    source: Path, *, structure: Path | None = None, labels: Path | None = None
) -> SurveyXactExport:
    """Read a SurveyXact export: a workbook, or the Dataset CSV with its two companions.

    ``structure``/``labels`` name the companion tables explicitly; otherwise a CSV's companions
    are found beside it by name (``X_dataset.csv`` → ``X_structure.csv``, ``X_labels.csv``).
    """
    if source.suffix.lower() in (".xls", ".xml"):
        raise PlatformError(
            f"{source}: {source.suffix} files are not read; export the data from SurveyXact as "
            "Excel (.xlsx) or as CSV files"
        )
    try:
        if source.suffix.lower() in (".xlsx", ".xlsm"):
            return _read_workbook(source, structure, labels)
        return _read_csv_files(source, structure, labels)
    except TableError as exc:
        raise PlatformError(str(exc)) from None


def _read_workbook(path: Path, structure: Path | None, labels: Path | None) -> SurveyXactExport:
    sheets = _sheet_names(path)
    keys = {name: re.sub(r"\d+$", "", header_key(name)) for name in sheets}
    parts = [name for name in sheets if keys[name] in _DATASET_SHEETS]
    if not parts:
        raise PlatformError(
            f"{path}: no Dataset sheet (sheets: {', '.join(sheets)}); SurveyXact's Excel export "
            "has the sheets Dataset, Structure and Labels"
        )
    notes: list[str] = []
    header, rows, overlong = _merge([read_table(path, sheet=name) for name in parts], notes)

    def sheet(names: tuple[str, ...]) -> str | None:
        for wanted in names:
            for name in sheets:
                if header_key(name) == wanted:
                    return name
        return None

    structure_table = (
        _read_other(structure, None)
        if structure is not None
        else _sheet_table(path, sheet(_STRUCTURE_SHEETS))
    )
    labels_table = (
        _read_other(labels, None)
        if labels is not None
        else _sheet_table(path, sheet(_LABEL_SHEETS))
    )
    if structure_table is None:
        notes.append(f"{path}: no Structure sheet")
    if labels_table is None:
        notes.append(f"{path}: no Labels sheet")
    return SurveyXactExport(
        str(path),
        header,
        rows,
        overlong,
        _structure(structure_table, notes),
        _labels(labels_table, notes),
        tuple(notes),
    )


def _sheet_names(path: Path) -> list[str]:
    try:
        import openpyxl
    except ImportError:  # pragma: no cover - openpyxl is a dependency
        raise PlatformError(f"{path}: reading .xlsx needs openpyxl") from None
    try:
        book = openpyxl.load_workbook(path, read_only=True)
    except Exception as exc:
        raise PlatformError(f"{path}: not a readable Excel file ({exc})") from None
    try:
        return list(book.sheetnames)
    finally:
        book.close()


def _sheet_table(path: Path, sheet: str | None) -> Table | None:
    if sheet is None:
        return None
    try:
        return read_table(path, sheet=sheet)
    except TableError as exc:
        if "the sheet is empty" in str(exc):
            return None
        raise


def _read_other(path: Path, delimiter: str | None) -> Table:
    if not path.is_file():
        raise PlatformError(f"{path}: no such file")
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return read_table(path)
    return read_table(path, delimiter=delimiter)


def _read_csv_files(path: Path, structure: Path | None, labels: Path | None) -> SurveyXactExport:
    if not path.is_file():
        raise PlatformError(f"{path}: no such file")
    dataset = read_table(path)
    notes: list[str] = []
    header, rows, overlong = _merge([dataset], notes)
    # The three files of one export share their dialect; the companions' short lines are
    # poor samples for guessing it.
    delimiter = dataset.delimiter or None
    found: dict[str, Table | None] = {}
    for kind, given, words in (
        ("Structure", structure, ("structure", "struktur")),
        ("Labels", labels, ("labels", "etiketter")),
    ):
        companion = given or _companion(path, words)
        if companion is None:
            looked = ", ".join(p.name for p in _companion_names(path, words)) or (
                "the name has no 'dataset' to replace"
            )
            notes.append(
                f"{path}: no {kind} file found (looked for {looked}); "
                f"pass {kind.lower()}=PATH to name it"
            )
            found[kind] = None
        else:
            found[kind] = _read_other(companion, delimiter)
    return SurveyXactExport(
        str(path),
        header,
        rows,
        overlong,
        _structure(found["Structure"], notes),
        _labels(found["Labels"], notes),
        tuple(notes),
    )


def _companion_names(path: Path, words: tuple[str, ...]) -> list[Path]:
    stem = path.stem
    at = stem.casefold().rfind("dataset")
    if at < 0:
        return []
    suffixes = dict.fromkeys((path.suffix, ".csv", ".txt"))
    return [
        path.with_name(f"{stem[:at]}{word}{stem[at + len('dataset') :]}{suffix}")
        for word in words
        for suffix in suffixes
    ]


def _companion(path: Path, words: tuple[str, ...]) -> Path | None:
    """The companion file named like ``path`` with ``dataset`` replaced, in any letter case."""
    wanted = [p.name.casefold() for p in _companion_names(path, words)]
    if not wanted:
        return None
    present = {p.name.casefold(): p for p in path.parent.iterdir() if p.is_file()}
    for name in wanted:
        if name in present:
            return present[name]
    return None


def _merge(
    parts: list[Table], notes: list[str]
) -> tuple[tuple[str, ...], tuple[tuple[int, tuple[str, ...]], ...], dict[int, int]]:
    """One dataset from SurveyXact's parts (``Dataset``, ``Dataset(2)``, … for wide surveys)."""
    header: list[str] = []
    rows: list[tuple[int, list[str]]] = []
    overlong: dict[int, int] = {}
    for index, part in enumerate(parts):
        width = len(part.header)
        overlong.update(part.extra_cells())
        if index and len(part.rows) != len(rows):
            raise PlatformError(
                f"{part.source}: the dataset sheets have different numbers of rows "
                f"({len(rows)} and {len(part.rows)})"
            )
        keep = [i for i, name in enumerate(part.header) if not name or name not in header]
        if index and len(keep) < width:
            notes.append(f"{part.source}: columns repeated in a later dataset sheet were read once")
        header.extend(part.header[i] for i in keep)
        for offset, row in enumerate(part.rows):
            cells = list(row[:width]) + [""] * (width - len(row))
            picked = [cells[i] for i in keep]
            if index:
                rows[offset][1].extend(picked)
            else:
                rows.append((part.first_row + offset, picked))
    duplicates = sorted({name for name in header if name and header.count(name) > 1})
    if duplicates:
        raise PlatformError(
            f"{parts[0].source}: the dataset has columns with the same name: "
            f"{', '.join(duplicates)}"
        )
    return tuple(header), tuple((number, tuple(cells)) for number, cells in rows), overlong


def _columns(header: Iterable[str], wanted: Mapping[str, frozenset[str]]) -> dict[str, int]:
    """Which column holds each wanted field; the first heading that fits wins."""
    found: dict[str, int] = {}
    for index, name in enumerate(header):
        key = header_key(name)
        for field, names in wanted.items():
            if field not in found and key in names:
                found[field] = index
                break
    return found


def _structure(table: Table | None, notes: list[str]) -> tuple[StructureRow, ...] | None:
    if table is None:
        return None
    columns = _columns(
        table.header,
        {
            "variable": VARIABLE,
            "question": QUESTION,
            "subtype": SUBTYPE,
            "text": TEXT,
            "choice_value": CHOICE_VALUE,
            "choice_text": CHOICE_TEXT,
        },
    )
    if "variable" not in columns:
        notes.append(
            f"{table.source}: the Structure table has no variableName column "
            f"(headings: {', '.join(h for h in table.header if h)}); it is not used"
        )
        return None
    rows: list[StructureRow] = []
    for number, cells in _cells(table):
        fields = {field: _cell(cells, index) for field, index in columns.items()}
        if fields["variable"]:
            rows.append(StructureRow(number, **fields))
    return tuple(rows)


def _labels(table: Table | None, notes: list[str]) -> dict[str, dict[str, str]] | None:
    if table is None:
        return None
    columns = _columns(table.header, {"variable": VARIABLE, "value": VALUE, "label": LABEL})
    if {"variable", "value"} <= columns.keys():
        rows = _cells(table)
    else:
        # SurveyXact writes Labels without a header: variable, value, label.
        columns = {"variable": 0, "value": 1, "label": 2}
        rows = _cells(table, with_header=True)
    labels: dict[str, dict[str, str]] = {}
    for number, cells in rows:
        variable = _cell(cells, columns["variable"])
        value = _cell(cells, columns["value"])
        if not variable:
            continue
        if not value:
            notes.append(f"{table.source}: row {number}: a label without a value is not used")
            continue
        label = " ".join(_cell(cells, columns.get("label", 2)).split())
        labels.setdefault(variable.casefold(), {})[value_key(value)] = label
    return labels


def _cells(table: Table, *, with_header: bool = False) -> Iterator[tuple[int, tuple[str, ...]]]:
    if with_header:
        yield table.first_row - 1, table.header
    for offset, row in enumerate(table.rows):
        yield table.first_row + offset, row


def _cell(cells: tuple[str, ...], index: int | None) -> str:
    if index is None or index >= len(cells):
        return ""
    return cells[index].strip()
