"""The column map: which header in a region's file holds which canonical column.

Headers are compared after :func:`normalize_header` (case, spaces, ``_``, ``-`` and ``.``
do not matter). The defaults are :data:`DEFAULT_COLUMN_NAMES`; options override them:
``column.<canonical>=<header>`` for one column, ``column_map=PATH`` for a YAML or CSV file.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Final

import attrs

from klyngepakke.service_data import ServiceDataError, ServiceDataKind
from klyngepakke.tables import TableError, read_table

__all__ = [
    "COLUMNS_BY_KIND",
    "DEFAULT_COLUMN_NAMES",
    "PERIOD_COLUMNS",
    "ColumnChoice",
    "ReadOptions",
    "match_columns",
    "normalize_header",
    "read_options",
]

DEFAULT_COLUMN_NAMES: Final[dict[str, tuple[str, ...]]] = {
    "provider_id": ("ydernummer", "ydernr", "yder", "yder nr", "provider_id", "provider"),
    "service_code": ("ydelseskode", "ydelse", "ydelsesnr", "ydelsesnummer", "service_code"),
    "count": ("antal", "antal ydelser", "count"),
    "period": ("periode", "period"),
    "year": ("år", "aar", "year"),
    "quarter": ("kvartal", "quarter"),
    "month": ("måned", "maaned", "month"),
    "period_start": ("periode start", "periodestart", "fra", "fra dato", "period_start"),
    "period_end": ("periode slut", "periodeslut", "til", "til dato", "period_end"),
    "day": ("dato", "ydelsesdato", "kontaktdato", "day", "date"),
    "patient": ("patient", "cpr-pseudonym", "pseudonym", "patient pseudonym", "patient_id"),
    "group1_insured": (
        "gruppe 1 sikrede",
        "gruppe1",
        "gruppe1 sikrede",
        "gruppe 1",
        "listestørrelse",
        "listestoerrelse",
        "group1_insured",
    ),
    "cluster": ("klynge", "klyngenavn", "cluster"),
    "municipality": ("kommune", "kommunenavn", "municipality"),
    "region": ("region", "regionsnavn"),
}
"""Canonical column (or period part) → the headers that name it by default."""

PERIOD_COLUMNS: Final = ("period_start", "period_end", "period", "year", "month", "quarter")
"""Columns a period can be read from (``day`` too, for counts and list sizes)."""

COLUMNS_BY_KIND: Final[dict[ServiceDataKind, tuple[str, ...]]] = {
    ServiceDataKind.COUNTS: ("provider_id", "service_code", "count", *PERIOD_COLUMNS, "day"),
    ServiceDataKind.CLAIMS: ("provider_id", "service_code", "day", "patient"),
    ServiceDataKind.LIST_SIZES: ("provider_id", "group1_insured", *PERIOD_COLUMNS, "day"),
    ServiceDataKind.MEMBERSHIP: ("provider_id", "cluster", "municipality", "region"),
}
"""The columns each kind may read, in the order they are looked for."""

PERIOD_LENGTHS: Final[dict[str, str]] = {
    "month": "month",
    "måned": "month",
    "quarter": "quarter",
    "kvartal": "quarter",
    "year": "year",
    "år": "year",
}

_SEPARATORS = re.compile(r"[\s_\-.]+")


def normalize_header(text: str) -> str:
    """A header as it is compared: ``Gruppe_1-Sikrede `` → ``gruppe 1 sikrede``."""
    return _SEPARATORS.sub(" ", unicodedata.normalize("NFC", text).casefold()).strip()


@attrs.frozen
class ColumnChoice:
    """The headers one canonical column is looked for under, and who said so."""

    names: tuple[str, ...]
    origin: str = "default"
    """``default``, ``--option column.NAME`` or ``column map FILE``."""

    @property
    def explicit(self) -> bool:
        """Chosen by the user: a header that is not there is an error."""
        return self.origin != "default"


@attrs.frozen
class ReadOptions:
    """Reader options, checked."""

    columns: Mapping[str, ColumnChoice]
    period: str | None = None
    period_length: str | None = None
    sheet: str | None = None
    delimiter: str | None = None
    notes: tuple[str, ...] = ()


def read_options(options: Mapping[str, str], reader: str) -> ReadOptions:
    """Check the options a reader was given; unknown ``column.X`` names are errors."""
    columns = {name: ColumnChoice(names) for name, names in DEFAULT_COLUMN_NAMES.items()}
    notes: list[str] = []
    if "column_map" in options:
        columns.update(_read_column_map(Path(options["column_map"])))
    for key, value in options.items():
        if key.startswith("column."):
            name = key.removeprefix("column.")
            _check_canonical(name, f"--option {key}")
            names = tuple(v.strip() for v in value.split("|") if v.strip())
            columns[name] = ColumnChoice(names, f"--option {key}")
        elif key not in ("column_map", "period", "period_length", "sheet", "delimiter"):
            notes.append(f"option {key!r} is not used by the {reader} reader")
    period_length = options.get("period_length")
    if period_length is not None:
        if period_length.strip().casefold() not in PERIOD_LENGTHS:
            raise ServiceDataError(
                f"--option period_length={period_length}: expected month, quarter or year"
            )
        period_length = PERIOD_LENGTHS[period_length.strip().casefold()]
    delimiter = options.get("delimiter")
    if delimiter is not None:
        delimiter = {"tab": "\t", "\\t": "\t", "semicolon": ";", "comma": ","}.get(
            delimiter, delimiter
        )
        if len(delimiter) != 1:
            raise ServiceDataError(
                f"--option delimiter={options['delimiter']}: expected one character, e.g. ';'"
            )
    return ReadOptions(
        columns,
        period=options.get("period") or None,
        period_length=period_length,
        sheet=options.get("sheet") or None,
        delimiter=delimiter,
        notes=tuple(notes),
    )


def _check_canonical(name: str, where: str) -> None:
    if name not in DEFAULT_COLUMN_NAMES:
        known = ", ".join(DEFAULT_COLUMN_NAMES)
        raise ServiceDataError(f"{where}: no canonical column {name!r} (known: {known})")


def _read_column_map(path: Path) -> dict[str, ColumnChoice]:
    """A YAML mapping ``canonical: header`` (or a list of headers), or a two-column CSV."""
    origin = f"column map {path}"
    found: dict[str, list[str]] = {}
    if path.suffix.lower() in (".yaml", ".yml"):
        import yaml

        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
        except OSError as exc:
            raise ServiceDataError(f"{path}: {exc.strerror or exc}") from None
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            raise ServiceDataError(f"{path}: not a YAML column map ({exc})") from None
        if not isinstance(data, dict):
            raise ServiceDataError(f"{path}: a column map is a mapping 'canonical: header'")
        for key, value in data.items():
            _check_canonical(str(key), f"{path}, {key}")
            values = value if isinstance(value, list) else [value]
            if not all(isinstance(v, str | int) for v in values):
                raise ServiceDataError(f"{path}, {key}: give a header or a list of headers")
            found[str(key)] = [str(v) for v in values]
    else:
        try:
            table = read_table(path)
        except TableError as exc:
            raise ServiceDataError(str(exc)) from None
        for number, row in enumerate(table.rows, start=table.first_row):
            cells = [cell.strip() for cell in row]
            if not any(cells):
                continue
            if len(cells) < 2 or not cells[0] or not cells[1]:
                raise ServiceDataError(
                    f"{path}, row {number}: expected two cells, a canonical column and a header"
                )
            _check_canonical(cells[0], f"{path}, row {number}")
            found.setdefault(cells[0], []).append(cells[1])
    return {name: ColumnChoice(tuple(names), origin) for name, names in found.items()}


@attrs.frozen
class ColumnMatch:
    """Where each canonical column is (an index into the headers), and what went wrong."""

    found: dict[str, int]
    problems: tuple[str, ...]


def match_columns(
    headers: Sequence[str], wanted: Iterable[str], columns: Mapping[str, ColumnChoice]
) -> ColumnMatch:
    """Find the wanted canonical columns among ``headers``.

    Explicit choices are matched first and take their headers out of the running, so a
    ``column.X`` option can reuse a header that would by default name another column.
    """
    normalized = [normalize_header(h) for h in headers]
    wanted = list(wanted)
    order = sorted(wanted, key=lambda name: not columns[name].explicit)
    taken: set[int] = set()
    found: dict[str, int] = {}
    problems: list[str] = []
    for name in order:
        choice = columns[name]
        names = {normalize_header(n) for n in choice.names}
        hits = [i for i, h in enumerate(normalized) if h in names and i not in taken]
        if len(hits) == 1:
            found[name] = hits[0]
            taken.add(hits[0])
        elif len(hits) > 1:
            shown = ", ".join(repr(headers[i]) for i in hits)
            problems.append(
                f"columns {shown} could each be {name}: "
                f"choose one with --option column.{name}=HEADER"
            )
        elif choice.explicit and choice.names:
            problems.append(
                f"no column {' or '.join(repr(n) for n in choice.names)} "
                f"for {name} (given by {choice.origin})"
            )
    return ColumnMatch({n: found[n] for n in wanted if n in found}, tuple(problems))
