from __future__ import annotations

import codecs
import datetime as dt
import re
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]
import pytest

import klyngepakke
import klyngepakke_servicedata
from klyngepakke.plugins import ENTRY_POINT_GROUP, PluginRegistry
from klyngepakke.service_data import (
    CANONICAL_COLUMNS,
    ServiceDataError,
    ServiceDataFile,
    ServiceDataKind,
)
from klyngepakke.testing import registered_plugins
from klyngepakke_servicedata import CsvReader, ParquetReader, XlsxReader
from klyngepakke_servicedata._values import (
    CellError,
    Span,
    granularity,
    parse_day,
    parse_period,
    parse_whole,
)

COUNTS = ServiceDataKind.COUNTS
CLAIMS = ServiceDataKind.CLAIMS
LISTS = ServiceDataKind.LIST_SIZES
MEMBERS = ServiceDataKind.MEMBERSHIP

D = dt.date
ARROW_TYPES = {"VARCHAR": "string", "DATE": "date32[day]", "BIGINT": "int64", "UBIGINT": "uint64"}

# The files as a region sends them: Danish headers, Danish dates, decimal commas.
SOURCES: dict[ServiceDataKind, list[list[str]]] = {
    COUNTS: [
        ["Ydernummer", "Ydelseskode", "Periode", "Antal"],
        ["012345", "0124", "2025-01", "3"],
        ["012345", "0124", "2025-02", "4,0"],
        ["054321", "0124", "2025-01", "1.234"],
    ],
    CLAIMS: [
        ["ydernummer", "ydelseskode", "dato", "patient"],
        ["012345", "0124", "01-03-2025", "PSN-Æble-001"],
        ["012345", "0124", "1.3.2025", "PSN-Æble-001"],
        ["054321", "0101", "2025-03-02", "PSN-Øre-002"],
    ],
    LISTS: [
        ["Ydernr", "Gruppe 1 sikrede", "År"],
        ["012345", "1.650", "2025"],
        ["054321", "2.010,0", "2025"],
    ],
    MEMBERS: [
        ["ydernummer", "klynge", "kommune", "region"],
        ["012345", "Klynge Ærø", "Ærø", "Region Syddanmark"],
        ["054321", "Klynge Ærø", "Svendborg", "Region Syddanmark"],
    ],
}
EXPECTED: dict[ServiceDataKind, list[tuple[Any, ...]]] = {
    COUNTS: [
        ("012345", "0124", D(2025, 1, 1), D(2025, 1, 31), 3),
        ("012345", "0124", D(2025, 2, 1), D(2025, 2, 28), 4),
        ("054321", "0124", D(2025, 1, 1), D(2025, 1, 31), 1234),
    ],
    CLAIMS: [
        ("012345", "0124", D(2025, 3, 1), "PSN-Æble-001"),
        ("012345", "0124", D(2025, 3, 1), "PSN-Æble-001"),
        ("054321", "0101", D(2025, 3, 2), "PSN-Øre-002"),
    ],
    LISTS: [
        ("012345", D(2025, 1, 1), D(2025, 12, 31), 1650),
        ("054321", D(2025, 1, 1), D(2025, 12, 31), 2010),
    ],
    MEMBERS: [
        ("012345", "Klynge Ærø", "Ærø", "Region Syddanmark"),
        ("054321", "Klynge Ærø", "Svendborg", "Region Syddanmark"),
    ],
}
PSEUDONYMS = ("PSN-Æble-001", "PSN-Øre-002")


def csv_text(rows: Sequence[Sequence[str]], separator: str = ";") -> str:
    def cell(text: str) -> str:
        return f'"{text}"' if separator in text else text

    return "".join(separator.join(cell(c) for c in row) + "\r\n" for row in rows)


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    if encoding == "utf-16":
        data = codecs.BOM_UTF16_LE + text.encode("utf-16-le")
    else:
        data = text.encode(encoding)
    path.write_bytes(data)
    return path


def rows_of(read: ServiceDataFile) -> list[tuple[Any, ...]]:
    """The canonical file's rows; claims with their patient keys named by first appearance."""
    table = pq.read_table(read.path)
    columns = CANONICAL_COLUMNS[read.kind]
    assert [(f.name, str(f.type)) for f in table.schema] == [
        (name, ARROW_TYPES[duck]) for name, duck in columns.items()
    ]
    rows = [tuple(row[name] for name in columns) for row in table.to_pylist()]
    if read.kind is CLAIMS:
        assert all(isinstance(row[3], int) for row in rows)  # keys, not pseudonyms
        return patients_named(rows)
    return rows


def patients_named(rows: Sequence[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Claims rows with each distinct patient named "patient N" in order of appearance."""
    names: dict[Any, str] = {}
    return [(*row[:3], names.setdefault(row[3], f"patient {len(names) + 1}")) for row in rows]


def expected(kind: ServiceDataKind) -> list[tuple[Any, ...]]:
    """What the canonical file holds: claims in canonical order with named patients."""
    if kind is not CLAIMS:
        return EXPECTED[kind]
    return patients_named(sorted(EXPECTED[CLAIMS], key=lambda r: (r[1], r[0], r[2])))


def read_csv(
    tmp_path: Path, text: str, kind: ServiceDataKind, encoding: str = "utf-8", **options: str
) -> ServiceDataFile:
    source = write(tmp_path / "ydelser.csv", text, encoding)
    return CsvReader().read(source, kind, tmp_path / "work", options)


def error_of(tmp_path: Path, text: str, kind: ServiceDataKind, **options: str) -> str:
    with pytest.raises(ServiceDataError) as info:
        read_csv(tmp_path, text, kind, **options)
    return str(info.value).replace(f"{tmp_path}/", "")


# -- registration ---------------------------------------------------------------------------


def test_readers_register_through_the_hook() -> None:
    with registered_plugins(klyngepakke_servicedata) as registry:
        found = registry.service_data_readers()
        assert {name: r.plugin for name, r in found.items()} == {
            "csv": "klyngepakke_servicedata",
            "xlsx": "klyngepakke_servicedata",
            "parquet": "klyngepakke_servicedata",
        }
        csv_reader = klyngepakke.get_service_data_reader("csv")
        assert csv_reader.suffixes == (".csv", ".txt")
        assert klyngepakke.get_service_data_reader("xlsx").suffixes == (".xlsx",)
        assert klyngepakke.get_service_data_reader("parquet").suffixes == (".parquet",)
        for reader in klyngepakke.list_service_data_readers():
            assert set(reader.kinds) == set(ServiceDataKind)


def test_entry_point_is_declared_and_loads() -> None:
    entry_points = metadata.entry_points(group=ENTRY_POINT_GROUP)
    entry_point = entry_points["servicedata"]
    assert entry_point.value == "klyngepakke_servicedata"
    assert entry_point.dist is not None
    assert entry_point.dist.name == "klyngepakke-servicedata"
    registry = PluginRegistry(strict=True)
    registry.load_entry_points(disabled=set(), allowed={"servicedata"})
    assert set(registry.service_data_readers()) == {"csv", "xlsx", "parquet"}


# -- CSV in every encoding and dialect --------------------------------------------------------


@pytest.mark.parametrize("kind", list(ServiceDataKind))
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "utf-16"])
@pytest.mark.parametrize("separator", [";", ",", "\t"])
def test_every_kind_from_csv(
    tmp_path: Path, kind: ServiceDataKind, encoding: str, separator: str
) -> None:
    read = read_csv(tmp_path, csv_text(SOURCES[kind], separator), kind, encoding)
    assert read.kind is kind
    assert read.path == tmp_path / "work" / f"{kind.value}.parquet"
    assert read.source == str(tmp_path / "ydelser.csv")
    assert read.rows == len(EXPECTED[kind])
    assert read.notes == ()
    assert rows_of(read) == expected(kind)


def test_txt_files_and_a_chosen_delimiter(tmp_path: Path) -> None:
    source = write(tmp_path / "liste.txt", csv_text(SOURCES[LISTS], "|"))
    read = CsvReader().read(source, LISTS, tmp_path, {"delimiter": "|"})
    assert rows_of(read) == EXPECTED[LISTS]


def test_decimal_commas_and_thousands_points(tmp_path: Path) -> None:
    text = csv_text(
        [
            ["ydernummer", "ydelseskode", "periode", "antal"],
            ["012345", "0124", "2025K1", "12,0"],
            ["012345", "0101", "2025K1", "1.234,00"],
            ["012345", "0120", "2025K1", "1.234.567"],
            ["012345", "0121", "2025K1", " 7 "],
        ]
    )
    assert [row[-1] for row in rows_of(read_csv(tmp_path, text, COUNTS))] == [
        12,
        1234,
        1234567,
        7,
    ]


def test_headers_match_without_case_spaces_or_punctuation(tmp_path: Path) -> None:
    text = csv_text(
        [
            [" YDERNR. ", "Gruppe_1-Sikrede", "PERIODE  START", "Periode slut"],
            ["012345", "1650", "2025-01", "2025-06"],
        ]
    )
    read = read_csv(tmp_path, text, LISTS)
    assert rows_of(read) == [("012345", D(2025, 1, 1), D(2025, 6, 30), 1650)]


def test_year_with_month_or_quarter_columns(tmp_path: Path) -> None:
    text = csv_text(
        [
            ["ydernummer", "ydelse", "år", "måned", "antal"],
            ["012345", "0124", "2025", "3", "2"],
            ["012345", "0101", "2025", "marts", "2"],
            ["012345", "0120", "2025", "2025-03", "2"],
        ]
    )
    assert {row[2:4] for row in rows_of(read_csv(tmp_path, text, COUNTS))} == {
        (D(2025, 3, 1), D(2025, 3, 31))
    }
    text = csv_text(
        [["ydernummer", "ydelse", "aar", "kvartal", "antal"], ["012345", "0124", "2025", "K2", "1"]]
    )
    assert rows_of(read_csv(tmp_path, text, COUNTS))[0][2:4] == (D(2025, 4, 1), D(2025, 6, 30))


def test_period_from_start_and_end_columns(tmp_path: Path) -> None:
    text = csv_text(
        [
            ["ydernummer", "ydelseskode", "fra", "til", "antal"],
            ["012345", "0124", "01-01-2025", "31-03-2025", "5"],
            ["054321", "0124", "2025-01", "2025-03", "6"],
        ]
    )
    assert [row[2:4] for row in rows_of(read_csv(tmp_path, text, COUNTS))] == [
        (D(2025, 1, 1), D(2025, 3, 31))
    ] * 2


def test_period_for_the_whole_file_from_an_option(tmp_path: Path) -> None:
    text = csv_text([["ydernummer", "gruppe1"], ["012345", "1650"]])
    read = read_csv(tmp_path, text, LISTS, period="2025")
    assert rows_of(read) == [("012345", D(2025, 1, 1), D(2025, 12, 31), 1650)]


def test_a_bad_period_option(tmp_path: Path) -> None:
    text = csv_text([["ydernummer", "gruppe1"], ["012345", "1650"], ["054321", "1650"]])
    message = error_of(tmp_path, text, LISTS, period="2025K5")
    assert message.startswith("--option period=2025K5: not a period")


def test_columns_without_names(tmp_path: Path) -> None:
    rows = SOURCES[MEMBERS]
    trailing = "".join(";".join(row) + ";\r\n" for row in rows)
    assert read_csv(tmp_path, trailing, MEMBERS).notes == ()
    filled = trailing.replace("Svendborg;Region Syddanmark;", "Svendborg;Region Syddanmark;x")
    assert read_csv(tmp_path, filled, MEMBERS).notes == ("columns not used: column 5 (no name)",)


def test_first_of_month_dates_as_months(tmp_path: Path) -> None:
    # What Excel makes of "2025-01" and "2025-02".
    text = csv_text(
        [
            ["ydernummer", "ydelseskode", "periode", "antal"],
            ["012345", "0124", "01-01-2025", "3"],
            ["012345", "0124", "01-02-2025", "4"],
        ]
    )
    as_days = read_csv(tmp_path, text, COUNTS)
    assert rows_of(as_days)[0][2:4] == (D(2025, 1, 1), D(2025, 1, 1))
    assert any("period_length=month" in note for note in as_days.notes)
    as_months = read_csv(tmp_path, text, COUNTS, period_length="måned")
    assert rows_of(as_months)[1][2:4] == (D(2025, 2, 1), D(2025, 2, 28))
    assert as_months.notes == ()
    text = csv_text(
        [["ydernummer", "ydelseskode", "periode", "antal"], ["012345", "0124", "15-01-2025", "3"]]
    )
    message = error_of(tmp_path, text, COUNTS, period_length="month")
    assert "row 2, column 'periode': not the first day of a month" in message


# -- the column map ---------------------------------------------------------------------------


def test_column_option_overrides_the_defaults(tmp_path: Path) -> None:
    text = csv_text(
        [
            ["Yder-nr (6 cifre)", "Kode", "Periode", "Antal ydelser", "Antal patienter"],
            ["012345", "0124", "2025", "3", "2"],
        ]
    )
    read = read_csv(
        tmp_path,
        text,
        COUNTS,
        **{
            "column.provider_id": "yder-nr (6 cifre)",
            "column.service_code": "Kode",
            "column.count": "Antal ydelser",
        },
    )
    assert rows_of(read) == [("012345", "0124", D(2025, 1, 1), D(2025, 12, 31), 3)]
    assert read.notes == ("columns not used: 'Antal patienter'",)


def test_an_explicit_column_may_take_a_default_header(tmp_path: Path) -> None:
    # 'antal' would be the count by default; here it is the list size.
    text = csv_text([["ydernummer", "antal", "periode"], ["012345", "1650", "2025"]])
    read = read_csv(tmp_path, text, LISTS, **{"column.group1_insured": "Antal"})
    assert rows_of(read)[0][-1] == 1650


def test_a_column_turned_off(tmp_path: Path) -> None:
    text = csv_text(
        [
            ["ydernummer", "gruppe 1 sikrede", "dato", "periode"],
            ["012345", "1650", "2025-03-01", "2025"],
        ]
    )
    # 'periode' wins over 'dato' anyway; turning 'periode' off makes 'dato' the period.
    read = read_csv(tmp_path, text, LISTS, **{"column.period": ""})
    assert rows_of(read)[0][1:3] == (D(2025, 3, 1), D(2025, 3, 1))


@pytest.mark.parametrize("suffix", [".yaml", ".csv"])
def test_column_map_file(tmp_path: Path, suffix: str) -> None:
    if suffix == ".yaml":
        mapping = "count: Antal ydelser\nprovider_id: [Yder-nr, Praksisnummer]\n"
    else:
        mapping = "kolonne;overskrift\ncount;Antal ydelser\nprovider_id;Praksisnummer\n"
    column_map = write(tmp_path / f"kolonner{suffix}", mapping)
    text = csv_text(
        [
            ["Praksisnummer", "ydelseskode", "periode", "Antal ydelser"],
            ["012345", "0124", "2025", "9"],
        ]
    )
    read = read_csv(
        tmp_path,
        text,
        COUNTS,
        column_map=str(column_map),
        **{"column.count": "Antal ydelser"},
    )
    assert rows_of(read)[0] == ("012345", "0124", D(2025, 1, 1), D(2025, 12, 31), 9)


def test_column_map_errors(tmp_path: Path) -> None:
    text = csv_text(SOURCES[COUNTS])
    with pytest.raises(ServiceDataError, match=r"column\.antal: no canonical column 'antal'"):
        read_csv(tmp_path, text, COUNTS, **{"column.antal": "Antal"})
    bad_map = write(tmp_path / "kort.yaml", "tælling: Antal\n")
    with pytest.raises(ServiceDataError, match=r"kort\.yaml, tælling: no canonical column"):
        read_csv(tmp_path, text, COUNTS, column_map=str(bad_map))
    message = error_of(tmp_path, text, COUNTS, **{"column.count": "Antal ydelser"})
    assert "row 1: no column 'Antal ydelser' for count (given by --option column.count)" in message


def test_two_candidate_columns_are_an_error(tmp_path: Path) -> None:
    text = csv_text(
        [["ydernummer", "ydernr", "gruppe1", "periode"], ["012345", "012345", "1650", "2025"]]
    )
    message = error_of(tmp_path, text, LISTS)
    assert "row 1: columns 'ydernummer', 'ydernr' could each be provider_id" in message
    read = read_csv(tmp_path, text, LISTS, **{"column.provider_id": "ydernr"})
    assert read.notes == ("columns not used: 'ydernummer'",)


def test_unused_options_are_noted(tmp_path: Path) -> None:
    read = read_csv(tmp_path, csv_text(SOURCES[MEMBERS]), MEMBERS, suppress="5")
    assert read.notes == ("option 'suppress' is not used by the csv reader",)


# -- Excel ------------------------------------------------------------------------------------


def test_every_kind_from_xlsx(tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheets = {
        COUNTS: [
            ["Ydernummer", "Ydelseskode", "Periode", "Antal"],
            [12345, "0124", "2025-01", 3],
            [12345, "0124", "2025-02", 4.0],
            [54321, "0124", "2025-01", 1234],
        ],
        CLAIMS: [
            ["ydernummer", "ydelseskode", "dato", "patient"],
            ["012345", "0124", dt.datetime(2025, 3, 1), "PSN-Æble-001"],
            ["012345", "0124", dt.datetime(2025, 3, 1, 14, 30), "PSN-Æble-001"],
            ["054321", "0101", dt.date(2025, 3, 2), "PSN-Øre-002"],
        ],
        LISTS: [
            ["Ydernr", "Gruppe 1 sikrede", "År"],
            ["012345", 1650, 2025],
            ["054321", 2010, 2025],
        ],
        MEMBERS: SOURCES[MEMBERS],
    }
    for kind, rows in sheets.items():
        sheet = book.create_sheet(kind.value)
        for row in rows:
            sheet.append(row)
    source = tmp_path / "ydelser.xlsx"
    book.save(source)
    for kind in ServiceDataKind:
        read = XlsxReader().read(source, kind, tmp_path / kind.value, {"sheet": kind.value})
        assert rows_of(read) == expected(kind), kind
        if kind is COUNTS:
            assert read.notes == (
                "2 provider numbers had lost their leading zeros (saved as numbers?) and were "
                "given them back:",
                "provider number 12345 read as 012345 (rows 2, 3)",
                "provider number 54321 read as 054321 (row 4)",
            )
    with pytest.raises(ServiceDataError, match="no sheet 'ark9'"):
        XlsxReader().read(source, COUNTS, tmp_path, {"sheet": "ark9"})


# -- Parquet ----------------------------------------------------------------------------------


def write_parquet(path: Path, columns: dict[str, list[Any]], types: dict[str, Any]) -> Path:
    schema = pa.schema([(name, types[name]) for name in columns])
    pq.write_table(pa.table(columns, schema=schema), path)
    return path


def canonical_parquet(tmp_path: Path, kind: ServiceDataKind, rows: list[tuple[Any, ...]]) -> Path:
    names = list(CANONICAL_COLUMNS[kind])
    arrow = {
        "VARCHAR": pa.string(),
        "DATE": pa.date32(),
        "BIGINT": pa.int64(),
        "UBIGINT": pa.uint64(),
    }
    if kind is CLAIMS:  # patient keys, as readers write them
        keys = {p: k for k, p in enumerate(sorted({r[3] for r in rows if r[3] is not None}))}
        rows = [(*r[:3], keys.get(r[3])) for r in rows]
    types = {name: arrow[duck] for name, duck in CANONICAL_COLUMNS[kind].items()}
    columns = {name: [row[i] for row in rows] for i, name in enumerate(names)}
    return write_parquet(tmp_path / f"canonical_{kind.value}.parquet", columns, types)


@pytest.mark.parametrize("kind", list(ServiceDataKind))
def test_canonical_parquet_is_handed_over_without_copying(
    tmp_path: Path, kind: ServiceDataKind
) -> None:
    source = canonical_parquet(tmp_path, kind, EXPECTED[kind])
    workdir = tmp_path / "work"
    read = ParquetReader().read(source, kind, workdir, {})
    assert read == ServiceDataFile(kind, source, str(source), len(EXPECTED[kind]))
    assert not workdir.exists()
    assert rows_of(read) == (patients_named(EXPECTED[kind]) if kind is CLAIMS else EXPECTED[kind])


def test_canonical_parquet_with_bad_rows_names_them(tmp_path: Path) -> None:
    rows = [
        ("012345", "0124", D(2025, 1, 1), D(2025, 1, 31), 3),
        ("012345", "0124", D(2025, 2, 1), D(2025, 2, 28), -2),
        (None, "0124", D(2025, 2, 1), D(2025, 2, 28), 2),
        ("12345x", "0124", D(2025, 3, 1), D(2025, 3, 31), 2),
        ("054321", "0124", D(2025, 3, 1), D(2025, 3, 31), None),
    ]
    source = canonical_parquet(tmp_path, COUNTS, rows)
    with pytest.raises(ServiceDataError) as info:
        ParquetReader().read(source, COUNTS, tmp_path / "work", {})
    assert str(info.value).splitlines() == [
        f"{source}: 4 problems:",
        f"  {source}, row 2, column 'count': negative count ('-2')",
        f"  {source}, row 3, column 'provider_id': missing provider number ('')",
        f"  {source}, row 4, column 'provider_id': not a provider number (six digits) ('12345x')",
        f"  {source}, row 5, column 'count': missing count ('')",
    ]


def test_canonical_claims_parquet_with_a_null_patient(tmp_path: Path) -> None:
    rows = [*EXPECTED[CLAIMS], ("054321", "0101", D(2025, 3, 2), None)]
    source = canonical_parquet(tmp_path, CLAIMS, rows)
    with pytest.raises(ServiceDataError) as info:
        ParquetReader().read(source, CLAIMS, tmp_path / "work", {})
    assert str(info.value) == f"{source}, row 4, column 'patient': missing patient pseudonym"


def test_canonical_claims_checks_provider_numbers_and_codes(tmp_path: Path) -> None:
    rows = [("012345", "124", D(2025, 3, 1), "PSN-1"), ("054321", "0124", D(2025, 3, 1), "PSN-2")]
    source = canonical_parquet(tmp_path, CLAIMS, rows)
    read = ParquetReader().read(source, CLAIMS, tmp_path / "work", {})
    assert read.path == source
    assert read.notes == (
        "service code 124 has fewer than four digits: has it lost a leading zero (0124)? "
        "It is kept as 124",
    )
    for provider, code, message in [
        ("01234５", "0124", "row 2, column 'provider_id': not a provider number"),
        ("0123456", "0124", "row 2, column 'provider_id': not a provider number"),
        ("054321", "01-24", "row 2, column 'service_code': not a service code like 0124"),
        ("054321", "1", "row 2, column 'service_code': not a service code like 0124"),
    ]:
        rows[1] = (provider, code, D(2025, 3, 1), "PSN-2")
        source = canonical_parquet(tmp_path, CLAIMS, rows)
        with pytest.raises(ServiceDataError, match=message):
            ParquetReader().read(source, CLAIMS, tmp_path / "work", {})


def test_canonical_parquet_with_lost_zeros_is_repaired_into_a_copy(tmp_path: Path) -> None:
    rows = [("12345", *row[1:]) for row in EXPECTED[LISTS][:1]] + EXPECTED[LISTS][1:]
    source = canonical_parquet(tmp_path, LISTS, rows)
    read = ParquetReader().read(source, LISTS, tmp_path / "work", {})
    assert read.path == tmp_path / "work" / "list_sizes.parquet"
    assert read.notes == ("provider number 12345 read as 012345 (row 1)",)
    assert rows_of(read) == EXPECTED[LISTS]


def test_non_canonical_parquet_is_mapped(tmp_path: Path) -> None:
    source = write_parquet(
        tmp_path / "region.parquet",
        {
            "Ydernummer": [12345, 12345, 54321],
            "Ydelseskode": ["0124", "0124", "0101"],
            "Dato": ["01-03-2025", "2025-03-01", "02.03.2025"],
            "Patient": ["PSN-Æble-001", "PSN-Æble-001", "PSN-Øre-002"],
            "Region": ["Syd", "Syd", "Syd"],
        },
        {
            "Ydernummer": pa.int64(),
            "Ydelseskode": pa.string(),
            "Dato": pa.string(),
            "Patient": pa.string(),
            "Region": pa.string(),
        },
    )
    read = ParquetReader().read(source, CLAIMS, tmp_path / "work", {})
    assert read.path == tmp_path / "work" / "claims.parquet"
    assert read.notes == (
        "columns not used: 'Region'",
        "2 provider numbers had lost their leading zeros (saved as numbers?) and were given "
        "them back:",
        "provider number 12345 read as 012345 (rows 1, 2)",
        "provider number 54321 read as 054321 (row 3)",
    )
    assert rows_of(read) == expected(CLAIMS)


def test_parquet_with_typed_columns_in_other_names(tmp_path: Path) -> None:
    source = write_parquet(
        tmp_path / "lister.parquet",
        {
            "ydernummer": ["012345", "054321"],
            "periode_start": [D(2025, 1, 1), D(2025, 1, 1)],
            "periode_slut": [dt.datetime(2025, 12, 31), dt.datetime(2025, 12, 31)],
            "gruppe_1_sikrede": [1650.0, 2010.0],
        },
        {
            "ydernummer": pa.string(),
            "periode_start": pa.date32(),
            "periode_slut": pa.timestamp("us"),
            "gruppe_1_sikrede": pa.float64(),
        },
    )
    read = ParquetReader().read(source, LISTS, tmp_path / "work", {})
    assert rows_of(read) == EXPECTED[LISTS]


def test_unreadable_parquet(tmp_path: Path) -> None:
    source = write(tmp_path / "ikke.parquet", "ydernummer;antal\n")
    with pytest.raises(ServiceDataError, match=r"ikke\.parquet: not a readable Parquet file"):
        ParquetReader().read(source, COUNTS, tmp_path, {})


# -- provider numbers -------------------------------------------------------------------------


def test_lost_leading_zeros_are_repaired_and_reported(tmp_path: Path) -> None:
    text = csv_text(
        [
            ["ydernummer", "ydelseskode", "periode", "antal"],
            ["4812", "0124", "2025-01", "1"],
            ["012345", "0124", "2025-01", "1"],
            ["4812", "0124", "2025-02", "1"],
            ["4812.0", "0124", "2025-03", "1"],
        ]
    )
    read = read_csv(tmp_path, text, COUNTS)
    assert [row[0] for row in rows_of(read)] == ["004812", "012345", "004812", "004812"]
    assert read.notes == ("provider number 4812 read as 004812 (rows 2, 4, 5)",)


def test_ambiguous_repairs_are_refused(tmp_path: Path) -> None:
    text = csv_text(
        [
            ["ydernummer", "gruppe 1 sikrede", "periode"],
            ["004812", "1000", "2025"],
            ["4812", "1000", "2024"],
            ["777", "1000", "2025"],
            ["0777", "1000", "2024"],
        ]
    )
    message = error_of(tmp_path, text, LISTS)
    assert message.splitlines()[1:] == [
        "  ydelser.csv, row 3, column 'ydernummer': provider number with fewer than six digits, "
        "not repaired: with its leading zeros back it equals the provider number in row 2 ('4812')",
        "  ydelser.csv, row 4, column 'ydernummer': provider number with fewer than six digits, "
        "not repaired: padded with zeros it equals another short provider number (row 5) ('777')",
        "  ydelser.csv, row 5, column 'ydernummer': provider number with fewer than six digits, "
        "not repaired: padded with zeros it equals another short provider number (row 4) ('0777')",
    ]


def test_a_total_row_is_named(tmp_path: Path) -> None:
    text = counts_with(["012345", "0124", "2025", "1"], ["I alt", "", "", "1"])
    assert (
        "ydelser.csv, row 3, column 'ydernummer': a total row? Only rows for single providers "
        "belong in the file ('I alt')"
    ) in error_of(tmp_path, text, COUNTS)


@pytest.mark.parametrize("value", ["1234567", "01234x", "ydernr", "12 345"])
def test_other_provider_numbers_are_errors(tmp_path: Path, value: str) -> None:
    text = csv_text([["ydernummer", "klynge", "kommune", "region"], [value, "K", "Ærø", "Syd"]])
    message = error_of(tmp_path, text, MEMBERS)
    assert message.startswith("ydelser.csv, row 2, column 'ydernummer': not a provider number")


# -- bad input: each names file, row and column ----------------------------------------------


def counts_with(*rows: list[str]) -> str:
    return csv_text([["ydernummer", "ydelseskode", "periode", "antal"], *rows])


def lists_with(*rows: list[str]) -> str:
    return csv_text([["ydernummer", "gruppe 1 sikrede", "periode"], *rows])


@pytest.mark.parametrize(
    ("kind", "text", "expected"),
    [
        pytest.param(
            COUNTS,
            csv_text([["ydernummer", "ydelseskode", "periode"], ["012345", "0124", "2025"]]),
            "ydelser.csv, row 1: no column for count (expected one named 'antal', "
            "'antal ydelser', 'count'; or give --option column.count=HEADER)",
            id="missing column",
        ),
        pytest.param(
            COUNTS,
            counts_with(["012345", "0124", "2025", "tre"]),
            "ydelser.csv, row 2, column 'antal': count is not a number ('tre')",
            id="non-numeric count",
        ),
        pytest.param(
            COUNTS,
            counts_with(["012345", "0124", "2025", "2,5"]),
            "ydelser.csv, row 2, column 'antal': count is not a whole number ('2,5')",
            id="fractional count",
        ),
        pytest.param(
            COUNTS,
            counts_with(["012345", "0124", "2025", "-3"]),
            "ydelser.csv, row 2, column 'antal': negative count ('-3')",
            id="negative count",
        ),
        pytest.param(
            COUNTS,
            counts_with(["012345", "0124", "2025", ""]),
            "ydelser.csv, row 2, column 'antal': missing count ('')",
            id="missing count",
        ),
        pytest.param(
            LISTS,
            lists_with(["012345", "0", "2025"]),
            "ydelser.csv, row 2, column 'gruppe 1 sikrede': zero list size "
            "(a rate needs group-1 insured patients) ('0')",
            id="zero list size",
        ),
        pytest.param(
            LISTS,
            lists_with(["012345", "", "2025"]),
            "ydelser.csv, row 2, column 'gruppe 1 sikrede': missing list size ('')",
            id="missing list size",
        ),
        pytest.param(
            LISTS,
            lists_with(["012345", "1650"]),
            "ydelser.csv, row 2, column 'periode': missing period ('')",
            id="short row",
        ),
        pytest.param(
            LISTS,
            lists_with(["012345", "1650", "2025-13"]),
            "ydelser.csv, row 2, column 'periode': no such month (expected e.g. 2025, 2025-03, "
            "2025K1, marts 2025, 2025-03-01 or 01-03-2025) ('2025-13')",
            id="bad period",
        ),
        pytest.param(
            COUNTS,
            csv_text(
                [
                    ["ydernummer", "ydelseskode", "fra", "til", "antal"],
                    ["012345", "0124", "2025-03", "2025-01", "1"],
                ]
            ),
            "ydelser.csv, row 2, columns 'fra', 'til': the period ends before it starts "
            "('2025-03 / 2025-01')",
            id="period backwards",
        ),
        pytest.param(
            COUNTS,
            counts_with(["012345", "01.24", "2025", "1"]),
            "ydelser.csv, row 2, column 'ydelseskode': not a service code like 0124 ('01.24')",
            id="bad service code",
        ),
        pytest.param(
            MEMBERS,
            csv_text([["ydernummer", "klynge", "kommune", "region"], ["012345", "K", " ", "Syd"]]),
            "ydelser.csv, row 2, column 'kommune': missing municipality (' ')",
            id="missing municipality",
        ),
        pytest.param(
            COUNTS,
            csv_text([["ydernummer;ydelseskode;periode;antal"], ["012345;0124;2025;1"]]),
            "ydelser.csv, row 1: only one column found, 'ydernummer;ydelseskode;periode;antal', "
            "but its name contains ';': wrong separator? (give --option delimiter=; to choose it)",
            id="wrong separator",
        ),
    ],
)
def test_bad_input(tmp_path: Path, kind: ServiceDataKind, text: str, expected: str) -> None:
    assert error_of(tmp_path, text, kind).splitlines()[0] == expected


def test_wrong_separator_chosen_by_option(tmp_path: Path) -> None:
    message = error_of(tmp_path, csv_text(SOURCES[COUNTS]), COUNTS, delimiter=",")
    assert "row 1: only one column found" in message
    assert "wrong separator?" in message


def test_rows_with_another_separator_than_the_header(tmp_path: Path) -> None:
    text = "ydernummer;ydelseskode;periode;antal\n012345,0124,2025,1\n054321,0124,2025,2\n"
    assert error_of(tmp_path, text, COUNTS).splitlines() == [
        "ydelser.csv: 2 problems:",
        "  ydelser.csv, row 2: one cell, but the header has 4 columns separated by ';', and the "
        "row holds ',': wrong separator?",
        "  ydelser.csv, row 3: one cell, but the header has 4 columns separated by ';', and the "
        "row holds ',': wrong separator?",
    ]


def test_extra_cells_from_a_decimal_comma(tmp_path: Path) -> None:
    text = "ydernummer,ydelseskode,periode,antal\n012345,0124,2025,1\n054321,0124,2025,2,0\n"
    assert error_of(tmp_path, text, COUNTS) == (
        "ydelser.csv, row 3: 5 cells, but the header has 4 columns (a decimal comma in a "
        "','-separated file? Put such numbers in quotes)"
    )


def test_wrong_encoding(tmp_path: Path) -> None:
    source = tmp_path / "ydelser.csv"
    source.write_bytes(csv_text(SOURCES[COUNTS]).encode("utf-16-le"))  # no byte-order mark
    with pytest.raises(ServiceDataError, match=r"ydelser\.csv: binary data, or UTF-16 without"):
        CsvReader().read(source, COUNTS, tmp_path, {})


def test_mixed_encodings_name_the_row(tmp_path: Path) -> None:
    rows = SOURCES[MEMBERS]
    data = (csv_text(rows[:2]).encode("utf-8") + csv_text(rows[2:]).encode("cp1252")).replace(
        b"Svendborg", "Sønderborg".encode("cp1252")
    )
    (tmp_path / "ydelser.csv").write_bytes(data)
    with pytest.raises(ServiceDataError) as info:
        CsvReader().read(tmp_path / "ydelser.csv", MEMBERS, tmp_path, {})
    assert str(info.value) == (
        f"{tmp_path / 'ydelser.csv'}, row 3: not UTF-8, although other rows are: the file mixes "
        "encodings (save it again as UTF-8)"
    )


def test_headers_read_in_the_wrong_encoding(tmp_path: Path) -> None:
    text = csv_text(
        [["ydernummer", "ydelseskode", "mÃ¥ned", "antal"], ["012345", "0124", "2025-01", "1"]]
    )
    message = error_of(tmp_path, text, COUNTS)
    assert "ydelser.csv, row 1: no period column" in message
    assert "the column names look wrongly decoded" in message


def test_duplicate_rows(tmp_path: Path) -> None:
    text = counts_with(
        ["012345", "0124", "2025-01", "1"],
        ["012345", "0124", "2025-02", "1"],
        ["012345", "0124", "2025-01", "2"],
        ["012345", "0101", "2025-01", "1"],
        ["012345", "0124", "2025-01", "1"],
    )
    assert error_of(tmp_path, text, COUNTS).splitlines() == [
        "ydelser.csv: 2 problems:",
        "  ydelser.csv, row 4, columns 'ydernummer', 'ydelseskode', 'periode': duplicate of "
        "row 2 (same provider, service code and period)",
        "  ydelser.csv, row 6, columns 'ydernummer', 'ydelseskode', 'periode': duplicate of "
        "row 2 (same provider, service code and period)",
    ]
    text = lists_with(["012345", "1650", "2025"], ["012345", "1700", "2025"])
    assert error_of(tmp_path, text, LISTS) == (
        "ydelser.csv, row 3, columns 'ydernummer', 'periode': duplicate of row 2 "
        "(same provider and period)"
    )
    text = csv_text([*SOURCES[MEMBERS], ["012345", "Klynge Nord", "Aabenraa", "Syd"]])
    assert error_of(tmp_path, text, MEMBERS) == (
        "ydelser.csv, row 4, column 'ydernummer': duplicate of row 2 (same provider)"
    )


def test_claims_may_repeat(tmp_path: Path) -> None:
    rows = SOURCES[CLAIMS]
    assert read_csv(tmp_path, csv_text([*rows, rows[1], rows[1]]), CLAIMS).rows == 5


def test_mixed_periods(tmp_path: Path) -> None:
    text = counts_with(
        ["012345", "0124", "2025-01", "1"],
        ["012345", "0124", "2025-02", "1"],
        ["012345", "0124", "2025K1", "1"],
        ["012345", "0124", "2025-03", "1"],
        ["054321", "0124", "2025", "1"],
    )
    assert error_of(tmp_path, text, COUNTS).splitlines() == [
        "ydelser.csv: 2 problems:",
        "  ydelser.csv, row 4, column 'periode': a quarter among months: mixed periods "
        "(a file holds one sort of period) ('2025K1')",
        "  ydelser.csv, row 6, column 'periode': a year among months: mixed periods "
        "(a file holds one sort of period) ('2025')",
    ]


def test_all_problems_in_one_error_with_a_cap(tmp_path: Path) -> None:
    text = counts_with(*[["012345", "0124", f"2025-{m:02}", "x"] for m in range(1, 13)] * 1)
    text += "".join(f"0{i:05};0124;2025-01;-1\r\n" for i in range(60))
    lines = error_of(tmp_path, text, COUNTS).splitlines()
    assert lines[0] == "ydelser.csv: 72 problems:"
    assert len(lines) == 1 + 50 + 1
    assert lines[1].startswith("  ydelser.csv, row 2, column 'antal': count is not a number")
    assert lines[50].startswith("  ydelser.csv, row 51, column 'antal': negative count")
    assert lines[-1] == "  … and 22 more"


def test_empty_rows_are_skipped_and_said(tmp_path: Path) -> None:
    rows = SOURCES[MEMBERS]
    text = csv_text(rows[:2]) + "\r\n;;;\r\n" + csv_text(rows[2:])
    read = read_csv(tmp_path, text, MEMBERS)
    assert read.notes == ("empty rows skipped (rows 3, 4)",)
    assert rows_of(read) == EXPECTED[MEMBERS]


def test_short_service_codes_are_noted(tmp_path: Path) -> None:
    read = read_csv(tmp_path, counts_with(["012345", "124", "2025", "1"]), COUNTS)
    assert read.notes == (
        "service code 124 has fewer than four digits: has it lost a leading zero (0124)? "
        "It is kept as 124",
    )


def test_output_replaces_an_earlier_file(tmp_path: Path) -> None:
    first = read_csv(tmp_path, counts_with(["012345", "0124", "2025", "1"]), COUNTS)
    second = read_csv(tmp_path, counts_with(["012345", "0124", "2025", "2"]), COUNTS)
    assert first.path == second.path
    assert rows_of(second)[0][-1] == 2
    assert sorted(p.name for p in (tmp_path / "work").iterdir()) == ["counts.parquet"]


# -- privacy ----------------------------------------------------------------------------------


def test_pseudonyms_never_appear_in_errors_or_notes(tmp_path: Path) -> None:
    secret = "PSN-HEMMELIG-"
    rows = [
        ["ydernummer", "ydelseskode", "dato", "patient", "cpr pseudonym kopi"],
        ["4812", "0124", "01-03-2025", f"{secret}1", f"{secret}1"],
        [f"{secret}2", "0124", "01-03-2025", f"{secret}2", ""],  # a shifted row
        ["012345", f"{secret}3", f"{secret}3", f"{secret}3", ""],
        ["012345", "0124", "31-02-2025", "", ""],
        ["012345", "0124", "2025-03-01", f"{secret}4;{secret}5", ""],
    ]
    text = csv_text(rows, ",") + f"012345,0124,2025-03-01,{secret}6,{secret}7,{secret}8\r\n"
    with pytest.raises(ServiceDataError) as info:
        read_csv(tmp_path, text, CLAIMS)
    message = str(info.value)
    assert secret not in message
    assert re.findall(r"row (\d+)", message) == ["3", "4", "4", "5", "5", "7"]
    good = read_csv(tmp_path, csv_text(rows[:2], ","), CLAIMS, **{"column.patient": "patient"})
    assert good.notes == (
        "columns not used: 'cpr pseudonym kopi'",
        "provider number 4812 read as 004812 (row 2)",
    )
    assert not any(secret in note for note in good.notes)
    parquet = write_parquet(  # patients as text: a region's file, not a canonical one
        tmp_path / "claims.parquet",
        {
            "provider_id": ["4812", "x"],
            "service_code": ["0124", "0124"],
            "day": [D(2025, 3, 1), None],
            "patient": [f"{secret}9", ""],
        },
        {
            "provider_id": pa.string(),
            "service_code": pa.string(),
            "day": pa.date32(),
            "patient": pa.string(),
        },
    )
    with pytest.raises(ServiceDataError) as info:
        ParquetReader().read(parquet, CLAIMS, tmp_path / "work", {})
    assert secret not in str(info.value)
    assert "row 2, column 'patient': missing patient pseudonym" in str(info.value)


# -- values -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2025", D(2025, 1, 1), D(2025, 12, 31)),
        ("2025K1", D(2025, 1, 1), D(2025, 3, 31)),
        ("2025q4", D(2025, 10, 1), D(2025, 12, 31)),
        ("2025-K2", D(2025, 4, 1), D(2025, 6, 30)),
        ("K3 2025", D(2025, 7, 1), D(2025, 9, 30)),
        ("1. kvartal 2025", D(2025, 1, 1), D(2025, 3, 31)),
        ("2025-03", D(2025, 3, 1), D(2025, 3, 31)),
        ("2024-2", D(2024, 2, 1), D(2024, 2, 29)),
        ("2025/03", D(2025, 3, 1), D(2025, 3, 31)),
        ("202503", D(2025, 3, 1), D(2025, 3, 31)),
        ("03-2025", D(2025, 3, 1), D(2025, 3, 31)),
        ("2025M03", D(2025, 3, 1), D(2025, 3, 31)),
        ("Marts 2025", D(2025, 3, 1), D(2025, 3, 31)),
        ("mar-25", D(2025, 3, 1), D(2025, 3, 31)),
        ("2025 december", D(2025, 12, 1), D(2025, 12, 31)),
        ("2025-01-01", D(2025, 1, 1), D(2025, 1, 1)),
        ("01-03-2025", D(2025, 3, 1), D(2025, 3, 1)),
        ("1.3.2025", D(2025, 3, 1), D(2025, 3, 1)),
        ("2025-03-01 00:00:00", D(2025, 3, 1), D(2025, 3, 1)),
    ],
)
def test_periods(text: str, start: dt.date, end: dt.date) -> None:
    assert parse_period(text) == Span(start, end)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "missing period"),
        ("2025K5", "not a period"),
        ("13-2025", "no such month"),
        ("1.3.25", "two-digit year"),
        ("31-02-2025", "no such date"),
        ("1850", "year out of range"),
        ("forår 2025", "not a period"),
    ],
)
def test_bad_periods(text: str, message: str) -> None:
    with pytest.raises(CellError, match=message):
        parse_period(text)


def test_days() -> None:
    assert parse_day("2025-03-01T10:15:00Z") == D(2025, 3, 1)
    assert parse_day("01/03/2025") == D(2025, 3, 1)
    for text in ("2025-03", "1.3.25", "i går"):
        with pytest.raises(CellError):
            parse_day(text)


def test_granularity() -> None:
    assert granularity(Span(D(2025, 1, 1), D(2025, 1, 1))) == "day"
    assert granularity(Span(D(2025, 3, 3), D(2025, 3, 9))) == "week"
    assert granularity(Span(D(2025, 2, 1), D(2025, 2, 28))) == "month"
    assert granularity(Span(D(2025, 7, 1), D(2025, 9, 30))) == "quarter"
    assert granularity(Span(D(2025, 7, 1), D(2025, 12, 31))) == "half-year"
    assert granularity(Span(D(2025, 1, 1), D(2025, 12, 31))) == "year"
    assert granularity(Span(D(2025, 2, 1), D(2025, 4, 30))) == "89-day period"


def test_whole_numbers() -> None:
    assert parse_whole("1.234", "count") == 1234
    assert parse_whole("1 234", "count") == 1234
    assert parse_whole("12,000", "count") == 12
    with pytest.raises(CellError, match="count is not a whole number"):
        parse_whole("1.5", "count")


def test_patient_keys_are_keyed_per_file(tmp_path: Path) -> None:
    """Equal pseudonyms get equal keys within a file; another reading gives other keys."""
    text = csv_text(SOURCES[CLAIMS])
    source = write(tmp_path / "ydelser.csv", text)
    first, second = (
        CsvReader().read(source, CLAIMS, tmp_path / name, {}) for name in ("one", "two")
    )
    keys = [[row["patient"] for row in pq.read_table(r.path).to_pylist()] for r in (first, second)]
    assert keys[0][1] == keys[0][2] != keys[0][0]  # canonical order: the 0101 claim first
    assert not set(keys[0]) & set(keys[1])
