from __future__ import annotations

import codecs
import collections
import datetime as dt
import re
import statistics
from pathlib import Path
from typing import Any

import pytest

from klyngepakke.metrics.synthetic import (
    MUNICIPALITIES,
    REGIONS,
    SyntheticCountry,
    generate_country,
)
from klyngepakke.service_data import CANONICAL_COLUMNS, ServiceDataKind
from klyngepakke.tables import read_table

pytest.importorskip("numpy")
pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

WINTER = (12, 1, 2)
SUMMER = (6, 7, 8)


@pytest.fixture(scope="module")
def country() -> SyntheticCountry:
    return generate_country(seed=7)


@pytest.fixture(scope="module")
def claims(country: SyntheticCountry) -> list[tuple[str, str, dt.date, str]]:
    return list(country.claims())


def test_same_seed_same_country() -> None:
    first, second = generate_country(seed=3), generate_country(seed=3)
    assert first == second
    assert list(first.claims(rows=2_000)) == list(second.claims(rows=2_000))
    assert first != generate_country(seed=4)
    assert list(first.claims(rows=2_000)) != list(generate_country(seed=4).claims(rows=2_000))


def test_regions_municipalities_and_practices(country: SyntheticCountry) -> None:
    practices = country.practices
    assert len(practices) == 1700
    assert len(MUNICIPALITIES) == 98
    assert {p.region for p in practices} == set(REGIONS)
    region_of = {name: region for name, region, _ in MUNICIPALITIES}
    assert {p.municipality for p in practices} == set(region_of)
    assert all(region_of[p.municipality] == p.region for p in practices)
    per_region = collections.Counter(p.region for p in practices)
    # roughly the population shares: Hovedstaden about 32 %, Nordjylland about 10 %
    assert 0.28 < per_region["Region Hovedstaden"] / 1700 < 0.36
    assert 0.08 < per_region["Region Nordjylland"] / 1700 < 0.12
    assert per_region.most_common()[0][0] == "Region Hovedstaden"


@pytest.mark.parametrize("providers", [98, 1700, 5000])
def test_clusters_of_5_to_25_in_one_municipality_or_neighbours(providers: int) -> None:
    practices = generate_country(providers=providers, seed=1).practices
    order = {name: i for i, (name, _, _) in enumerate(MUNICIPALITIES)}
    members: dict[str, list[int]] = collections.defaultdict(list)
    regions: dict[str, set[str]] = collections.defaultdict(set)
    for practice in practices:
        members[practice.cluster].append(order[practice.municipality])
        regions[practice.cluster].add(practice.region)
    for cluster, municipalities in members.items():
        assert 5 <= len(municipalities) <= 25, cluster
        assert len(regions[cluster]) == 1
        present = sorted(set(municipalities))  # neighbours are consecutive in MUNICIPALITIES
        assert present == list(range(present[0], present[-1] + 1)), cluster
        assert re.fullmatch(r"Klynge \S+ \d+ \(syntetisk\)", cluster)


def test_list_sizes_skewed_within_range(country: SyntheticCountry) -> None:
    sizes = [p.group1_insured for p in country.practices]
    assert min(sizes) >= 800
    assert max(sizes) <= 12_000
    assert statistics.mean(sizes) > statistics.median(sizes)  # a long right tail
    assert 2_500 < statistics.median(sizes) < 3_300
    for provider_id, start, end, value in country.list_sizes("month"):
        assert 800 <= value <= 12_000
        assert start.day == 1
        assert end.month == start.month
        assert len(provider_id) == 6


def test_provider_ids_six_digits_unique_some_with_leading_zeros(
    country: SyntheticCountry,
) -> None:
    ids = [p.provider_id for p in country.practices]
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"\d{6}", i) for i in ids)
    leading = [i for i in ids if i.startswith("0")]
    assert 100 < len(leading) < 250
    assert any(i.startswith("00") for i in ids)


def test_rates_spread_and_outliers(country: SyntheticCountry) -> None:
    practices = country.practices
    national = sum(p.count for p in practices) * 1000 / sum(p.group1_insured for p in practices)
    assert national == pytest.approx(country.rate_per_1000_per_year, rel=0.05)
    usual = [p.rate_per_1000 for p in practices if not p.outlier]
    cv = statistics.pstdev(usual) / statistics.mean(usual)
    assert 0.4 < cv < 1.0
    zero = [p for p in practices if p.outlier == "zero"]
    high = [p for p in practices if p.outlier == "high"]
    assert zero
    assert high
    assert all(p.count == 0 and p.rate_multiplier == 0 for p in zero)
    assert all(p.rate_per_1000 > 2.5 * national for p in high)
    by_region = collections.defaultdict(list)
    for practice in practices:
        by_region[practice.region].append(practice.rate_per_1000)
    means = [statistics.mean(rates) for rates in by_region.values()]
    assert max(means) / min(means) > 1.15  # regional differences


def test_spread_is_a_parameter() -> None:
    def cv(spread: float) -> float:
        rates = [p.rate_multiplier for p in generate_country(spread=spread).practices]
        return statistics.pstdev(rates) / statistics.mean(rates)

    assert cv(0.2) < cv(0.5) < cv(1.0)


def test_seasonality_winter_high_weekends_low(
    country: SyntheticCountry, claims: list[tuple[str, str, dt.date, str]]
) -> None:
    by_month: collections.Counter[int] = collections.Counter()
    for _, _, start, _, count in country.counts("month"):
        by_month[start.month] += count
    assert sum(by_month[m] for m in WINTER) > 1.2 * sum(by_month[m] for m in SUMMER)
    days = collections.Counter(day for _, _, day, _ in claims)
    winter = sum(n for day, n in days.items() if day.month in WINTER)
    summer = sum(n for day, n in days.items() if day.month in SUMMER)
    assert winter > 1.2 * summer
    weekend = sum(n for day, n in days.items() if day.weekday() >= 5)
    assert weekend < 0.05 * len(claims)
    assert days[dt.date(2025, 12, 25)] < days[dt.date(2025, 12, 22)] / 5


def test_counts_by_period_add_up(country: SyntheticCountry) -> None:
    total = sum(p.count for p in country.practices)
    for period, rows in (("month", 12), ("quarter", 4), ("year", 1)):
        counts = list(country.counts(period, include_zeros=True))  # type: ignore[arg-type]
        assert len(counts) == rows * len(country.practices)
        assert sum(c[-1] for c in counts) == total
        assert all(code == "0124" for _, code, _, _, _ in counts)
    assert all(count > 0 for *_, count in country.counts("quarter"))
    quarters = {(start, end) for _, _, start, end, _ in country.counts("quarter")}
    assert (dt.date(2025, 10, 1), dt.date(2025, 12, 31)) in quarters


def test_claims_add_up_to_the_counts(
    country: SyntheticCountry, claims: list[tuple[str, str, dt.date, str]]
) -> None:
    from_claims = collections.Counter((p, day.month) for p, _, day, _ in claims)
    from_counts = {(p, start.month): n for p, _, start, _, n in country.counts("month")}
    assert from_claims == from_counts
    order = {p.provider_id: i for i, p in enumerate(country.practices)}
    keys = [(order[provider], day) for provider, _, day, _ in claims]
    assert keys == sorted(keys)  # by practice, then day, as extracts come


def test_claims_repeat_patients_and_break_the_twice_a_day_limit(
    claims: list[tuple[str, str, dt.date, str]],
) -> None:
    assert all(re.fullmatch(r"[0-9a-f]{16}", patient) for *_, patient in claims)
    per_patient = collections.Counter(patient for *_, patient in claims)
    assert len(claims) / len(per_patient) > 2  # several claims per patient
    same_day = collections.Counter((p, day, patient) for p, _, day, patient in claims)
    assert max(same_day.values()) >= 3
    assert sum(n >= 3 for n in same_day.values()) < 0.001 * len(claims)  # only a few


@pytest.mark.parametrize("rows", [3, 100, 4_321])
def test_claims_with_a_number_of_rows(country: SyntheticCountry, rows: int) -> None:
    claims = list(country.claims(rows=rows, chunk_rows=1_000))
    assert len(claims) == rows
    same_day = collections.Counter((p, day, patient) for p, _, day, patient in claims)
    assert max(same_day.values()) >= 3
    assert all(day.year == 2025 for _, _, day, _ in claims)
    assert list(country.claims(rows=0)) == []


def test_writers_refuse_names_without_syntetisk(country: SyntheticCountry, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="syntetisk"):
        country.write_membership(tmp_path / "klynger.csv")
    with pytest.raises(ValueError, match="syntetisk"):
        country.write_claims(tmp_path / "claims.parquet", rows=10)
    with pytest.raises(ValueError, match=r"\.csv or \.parquet"):
        country.write_counts(tmp_path / "ydelser-syntetisk.xlsx")
    assert not list(tmp_path.iterdir())


def test_parquet_is_canonical_and_labelled_synthetic(
    country: SyntheticCountry, tmp_path: Path
) -> None:
    paths = country.write_files(tmp_path, format="parquet", claims_rows=2_500)
    assert [p.name for p in paths] == [
        "klyngemedlemskab-syntetisk.parquet",
        "gruppe1-sikrede-syntetisk.parquet",
        "ydelser-0124-syntetisk.parquet",
        "ydelser-0124-pr-kontakt-syntetisk.parquet",
        "README-syntetisk.txt",
    ]
    kinds = (
        ServiceDataKind.MEMBERSHIP,
        ServiceDataKind.LIST_SIZES,
        ServiceDataKind.COUNTS,
        ServiceDataKind.CLAIMS,
    )
    for path, kind in zip(paths, kinds, strict=False):
        schema = pq.read_schema(path)
        assert schema.names == list(CANONICAL_COLUMNS[kind])
        metadata = {k.decode(): v.decode() for k, v in schema.metadata.items()}
        assert metadata["synthetic"] == "true"
        assert metadata["generator"] == "klyngepakke.metrics.synthetic"
        assert metadata["seed"] == "7"
        assert metadata["kind"] == kind.value
        assert "syntetiske data" in metadata["description"]
    readme = paths[-1].read_text(encoding="utf-8")
    assert readme.startswith("SYNTETISKE DATA")
    assert all(p.name in readme for p in paths[:-1])

    membership = pq.read_table(paths[0]).to_pylist()
    assert membership[0] == dict(
        zip(
            CANONICAL_COLUMNS[ServiceDataKind.MEMBERSHIP],
            country.practices[0].membership,
            strict=True,
        )
    )
    counts = pq.read_table(paths[2])
    assert counts.num_rows == len(list(country.counts("month")))
    claims = pq.read_table(paths[3])
    assert claims.num_rows == 2_500
    first = claims.slice(0, 1).to_pylist()[0]
    assert first["provider_id"] in {p.provider_id for p in country.practices}
    assert isinstance(first["day"], dt.date)


def test_claims_parquet_in_row_groups(country: SyntheticCountry, tmp_path: Path) -> None:
    path = country.write_claims(
        tmp_path / "ydelser-syntetisk.parquet", rows=3_500, chunk_rows=1_000
    )
    file = pq.ParquetFile(path)
    assert file.metadata.num_row_groups == 4
    assert file.metadata.num_rows == 3_500
    table = file.read()
    ids = table.column("provider_id").to_pylist()
    assert all(re.fullmatch(r"\d{6}", i) for i in ids)
    assert set(table.column("service_code").to_pylist()) == {"0124"}
    with pytest.raises(ValueError, match="chunk_rows"):
        country.write_claims(tmp_path / "x-syntetisk.parquet", rows=10, chunk_rows=0)


def test_claims_parquet_in_canonical_order(country: SyntheticCountry, tmp_path: Path) -> None:
    """Grouped by practice, then day and patient ascending, across chunk boundaries too."""
    path = country.write_claims(tmp_path / "ydelser-syntetisk.parquet", rows=20_000, chunk_rows=700)
    table = pq.read_table(path)
    rows = zip(
        *(table.column(c).to_pylist() for c in ("provider_id", "day", "patient")), strict=True
    )
    finished: set[str] = set()
    previous: tuple[Any, ...] | None = None
    for row in rows:
        if previous is None or row[0] != previous[0]:
            assert row[0] not in finished
            if previous is not None:
                finished.add(previous[0])
        else:
            assert row[1:] >= previous[1:]
        previous = row
    assert table.schema.field("patient").type == pa.uint64()


def test_csv_in_the_danish_regional_style(country: SyntheticCountry, tmp_path: Path) -> None:
    paths = country.write_files(tmp_path, claims_rows=1_500)
    assert all("syntetisk" in p.name for p in paths)
    headers = [
        ("ydernummer", "klynge", "kommune", "region"),
        ("ydernummer", "periode", "gruppe 1 sikrede"),
        ("ydernummer", "periode", "ydelseskode", "antal"),
        ("ydernummer", "dato", "ydelseskode", "patient"),
    ]
    for path, header in zip(paths, headers, strict=False):
        assert path.read_bytes().startswith(codecs.BOM_UTF8 + header[0].encode())
        table = read_table(path)
        assert table.header == header
        assert table.delimiter == ";"
        assert table.encoding == "utf-8-sig"
        assert all(re.fullmatch(r"\d{6}", row[0]) for row in table.rows)
    membership = read_table(paths[0])
    ids = [row[0] for row in membership.rows]
    assert ids == [p.provider_id for p in country.practices]  # leading zeros kept
    assert "Region Sjælland" in {row[3] for row in membership.rows}
    assert {row[1] for row in read_table(paths[1]).rows} == {"2025K1", "2025K2", "2025K3", "2025K4"}
    assert read_table(paths[2]).rows[0][1].startswith("2025-")
    claims = read_table(paths[3])
    assert len(claims.rows) == 1_500
    assert dt.date.fromisoformat(claims.rows[0][1]).year == 2025
    assert b"\r\n" in paths[3].read_bytes()


def test_csv_in_windows_1252_and_english(country: SyntheticCountry, tmp_path: Path) -> None:
    membership = country.write_membership(tmp_path / "medlemmer-syntetisk.csv", encoding="cp1252")
    data = membership.read_bytes()
    assert "Region Sjælland".encode("cp1252") in data
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    table = read_table(membership)
    assert table.encoding == "cp1252"
    assert "Region Sjælland" in {row[3] for row in table.rows}

    claims = country.write_claims(
        tmp_path / "kontakter-syntetisk.csv", rows=50, encoding="cp1252", delimiter=","
    )
    table = read_table(claims)
    assert table.header == ("ydernummer", "dato", "ydelseskode", "patient")
    assert table.delimiter == ","
    assert len(table.rows) == 50

    counts = country.write_counts(
        tmp_path / "counts-syntetisk.csv", period="year", encoding="utf-8", headers="english"
    )
    table = read_table(counts)
    assert table.header == ("provider_id", "period", "service_code", "count")
    assert table.encoding == "utf-8"
    assert {row[1] for row in table.rows} == {"2025"}
    total = sum(int(row[3]) for row in table.rows)
    assert total == sum(p.count for p in country.practices)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"providers": 97}, "providers"),
        ({"seed": -1}, "seed"),
        ({"service_code": "01 24"}, "service code"),
        ({"rate_per_1000_per_year": -1.0}, "rate"),
        ({"spread": 0.0}, "spread"),
        ({"year": 25}, "year"),
    ],
)
def test_bad_arguments(arguments: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        generate_country(**arguments)  # type: ignore[arg-type]


def test_zero_rate_has_no_claims_to_scale() -> None:
    country = generate_country(rate_per_1000_per_year=0.0)
    assert list(country.counts()) == []
    assert list(country.claims()) == []
    with pytest.raises(ValueError, match="rate 0"):
        list(country.claims(rows=10))
