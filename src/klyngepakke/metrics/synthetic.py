"""Synthetic service data (*syntetiske ydelsesdata*) for demos, tests and benchmarks.

:func:`generate_country` draws a whole country of general practices (any number from 98 up),
deterministically for a seed. The :class:`SyntheticCountry` it returns yields rows in the
canonical columns of :data:`klyngepakke.service_data.CANONICAL_COLUMNS` and writes the four
kinds of file a region sends (membership, list sizes, counts, claims), as CSV in the Danish
regional style or as canonical Parquet::

    country = generate_country(seed=1)
    country.write_files(directory, format="parquet", claims_rows=30_000_000)

Everything here needs NumPy (and PyArrow for Parquet and for claims as CSV), from the optional
extra ``klyngepakke[metrics]``; they are imported only when data is generated or written.

What is realistic
    * The 5 regions and 98 municipalities, with their real names and approximate populations
      (2024, rounded to thousands; Læsø, Fanø, Samsø and Ærø rounded up). Practices are spread
      over municipalities in proportion to population, at least one in each: with the default
      1,700 providers Region Hovedstaden has about 550 and Region Nordjylland about 170.
    * Provider numbers (*ydernumre*): unique six-digit strings, about 10 % with leading zeros
      (``"004812"``), which spreadsheet programs like to strip.
    * Clusters (*klynger*) of 5–25 practices inside one region, either within one municipality
      or joining small neighbouring ones, named like ``"Klynge Aalborg 2 (syntetisk)"``.
    * List sizes (*gruppe 1-sikrede*): skewed, median about 2,900 and mean about 3,400
      patients, between 800 and 12,000; they drift by a few per cent over the year.
    * Rates with real spread: a practice's rate is the national rate times a regional factor
      (0.85–1.15), a municipal factor (acute functions are municipal: gamma, CV 0.3) and a
      practice factor (gamma, CV ``spread``, 0.5 by default), scaled so that the expected
      national rate is ``rate_per_1000_per_year``. A few outliers: about 0.6 % of practices
      (at least one) never bill the service, about 0.3 % (at least one) bill it 4–6 times as
      often as a typical practice.
    * Time: monthly seasonality (January about 1.6 times July: winter high, a summer-holiday
      dip), far fewer services at weekends and on Danish public holidays.
    * Claims (*ydelser pr. kontakt*): patients are drawn from a pool of the practice's patients
      (about three claims per patient, some patients much more often), so pseudonyms repeat;
      about one claim in 200,000 (at least one group per file) is part of a deliberate error,
      a patient billed three times on one day at one practice, for the limit of two a day
      (heavy users add a few more by chance, and many twice-a-day pairs).
    * Counts (*ydelsesopgørelser*) leave out practices and periods with no services, as
      extracts do; ``include_zeros=True`` writes them.

What is not realistic
    * The national rate (25 per 1000 group-1 insured per year by default), the regional factors
      and the seasonality are illustrative, not measured figures for service 0124.
    * "Neighbouring" municipalities are neighbours in a hand-made order within each region,
      not from a map; real clusters are formed by agreement, not by an algorithm.
    * No openings, closings, mergers or changed provider numbers during the year; no age or
      sex structure; list sizes do not add up to the municipal populations; a patient only
      ever sees their own practice; there is one service code per country.
    * Pseudonyms are 16 hexadecimal digits hashed from the seed, practice and patient.
    * Claims with a given ``rows`` are scaled, not sampled from a bigger country: their rates
      per 1000 grow with ``rows``. Only ``rows=None`` gives claims that add up to
      :meth:`SyntheticCountry.counts`.

How it is labelled synthetic
    * Every file name must contain ``syntetisk``; the writers refuse other names.
    * Parquet files carry key-value metadata ``synthetic: "true"``, ``generator:
      "klyngepakke.metrics.synthetic"``, ``seed``, ``year``, ``service_code``, ``kind`` and a
      Danish ``description``.
    * CSV has no place for metadata, and a comment line before the header would break the
      readers regions' files go through, so CSV is labelled by its file name and, when written
      by :meth:`SyntheticCountry.write_files`, by a ``README-syntetisk.txt`` beside it.
    * Cluster names end in ``(syntetisk)``, so the label survives into reports.

CSV is written as Danish regional extracts look: ``;`` separator, Danish column names
(``ydernummer``, ``ydelseskode``, ``antal``, ``periode``, ``dato``, ``patient``,
``gruppe 1 sikrede``, ``klynge``, ``kommune``, ``region``), CRLF line ends, UTF-8 with BOM by
default or Windows-1252 (``encoding="cp1252"``); periods as ``2025-01``, ``2025K1`` or
``2025``, dates as ``2025-01-31``. Parquet has exactly the canonical columns, in order, with
their English names (``provider_id``, ``service_code``, ``day``, ``patient``,
``period_start``, ``period_end``, ``count``, ``group1_insured``, ``cluster``, ``municipality``,
``region``), so a reader may hand it over as it is; in the claims file provider numbers and the
service code are dictionary-encoded (still text to DuckDB and other readers).

Claims are written in row groups of ``chunk_rows`` (1,000,000 by default), so memory stays
bounded at any size; the exact rows depend on ``seed``, ``rows`` and ``chunk_rows``.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import math
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

import attrs

from klyngepakke.service_data import CANONICAL_COLUMNS, CANONICAL_COMPRESSION, ServiceDataKind

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

__all__ = [
    "MUNICIPALITIES",
    "REGIONS",
    "ClaimRow",
    "CountRow",
    "ListSizeRow",
    "MembershipRow",
    "SyntheticCountry",
    "SyntheticPractice",
    "generate_country",
]

Period = Literal["month", "quarter", "year"]
Encoding = Literal["utf-8-sig", "utf-8", "cp1252"]
Headers = Literal["danish", "english"]
FileFormat = Literal["csv", "parquet"]

# Rows in the column order of :data:`klyngepakke.service_data.CANONICAL_COLUMNS`.
MembershipRow = tuple[str, str, str, str]
"""provider_id, cluster, municipality, region"""
ListSizeRow = tuple[str, dt.date, dt.date, int]
"""provider_id, period_start, period_end, group1_insured"""
CountRow = tuple[str, str, dt.date, dt.date, int]
"""provider_id, service_code, period_start, period_end, count"""
ClaimRow = tuple[str, str, dt.date, str]
"""provider_id, service_code, day, patient"""

GENERATOR = "klyngepakke.metrics.synthetic"
LABEL = "syntetisk"

REGIONS = (
    "Region Hovedstaden",
    "Region Sjælland",
    "Region Syddanmark",
    "Region Midtjylland",
    "Region Nordjylland",
)

# (municipality, region, population in thousands, 2024, rounded). Within a region the order is
# a walk through neighbouring municipalities: small ones join the next in this order.
MUNICIPALITIES: tuple[tuple[str, str, int], ...] = (
    ("Bornholm", "Region Hovedstaden", 39),
    ("Dragør", "Region Hovedstaden", 14),
    ("Tårnby", "Region Hovedstaden", 44),
    ("København", "Region Hovedstaden", 660),
    ("Frederiksberg", "Region Hovedstaden", 105),
    ("Hvidovre", "Region Hovedstaden", 54),
    ("Rødovre", "Region Hovedstaden", 41),
    ("Brøndby", "Region Hovedstaden", 36),
    ("Vallensbæk", "Region Hovedstaden", 17),
    ("Ishøj", "Region Hovedstaden", 23),
    ("Høje-Taastrup", "Region Hovedstaden", 58),
    ("Albertslund", "Region Hovedstaden", 28),
    ("Glostrup", "Region Hovedstaden", 24),
    ("Ballerup", "Region Hovedstaden", 52),
    ("Herlev", "Region Hovedstaden", 30),
    ("Gladsaxe", "Region Hovedstaden", 70),
    ("Gentofte", "Region Hovedstaden", 75),
    ("Lyngby-Taarbæk", "Region Hovedstaden", 57),
    ("Rudersdal", "Region Hovedstaden", 57),
    ("Furesø", "Region Hovedstaden", 41),
    ("Allerød", "Region Hovedstaden", 26),
    ("Hørsholm", "Region Hovedstaden", 25),
    ("Fredensborg", "Region Hovedstaden", 41),
    ("Helsingør", "Region Hovedstaden", 64),
    ("Gribskov", "Region Hovedstaden", 42),
    ("Hillerød", "Region Hovedstaden", 53),
    ("Egedal", "Region Hovedstaden", 44),
    ("Frederikssund", "Region Hovedstaden", 46),
    ("Halsnæs", "Region Hovedstaden", 31),
    ("Lolland", "Region Sjælland", 40),
    ("Guldborgsund", "Region Sjælland", 60),
    ("Vordingborg", "Region Sjælland", 46),
    ("Næstved", "Region Sjælland", 84),
    ("Faxe", "Region Sjælland", 38),
    ("Stevns", "Region Sjælland", 23),
    ("Køge", "Region Sjælland", 62),
    ("Solrød", "Region Sjælland", 24),
    ("Greve", "Region Sjælland", 51),
    ("Roskilde", "Region Sjælland", 90),
    ("Lejre", "Region Sjælland", 29),
    ("Ringsted", "Region Sjælland", 35),
    ("Sorø", "Region Sjælland", 30),
    ("Slagelse", "Region Sjælland", 80),
    ("Kalundborg", "Region Sjælland", 49),
    ("Holbæk", "Region Sjælland", 73),
    ("Odsherred", "Region Sjælland", 33),
    ("Ærø", "Region Syddanmark", 6),
    ("Langeland", "Region Syddanmark", 12),
    ("Svendborg", "Region Syddanmark", 59),
    ("Faaborg-Midtfyn", "Region Syddanmark", 51),
    ("Nyborg", "Region Syddanmark", 32),
    ("Kerteminde", "Region Syddanmark", 24),
    ("Odense", "Region Syddanmark", 207),
    ("Nordfyns", "Region Syddanmark", 29),
    ("Assens", "Region Syddanmark", 41),
    ("Middelfart", "Region Syddanmark", 39),
    ("Fredericia", "Region Syddanmark", 52),
    ("Vejle", "Region Syddanmark", 120),
    ("Billund", "Region Syddanmark", 27),
    ("Kolding", "Region Syddanmark", 95),
    ("Haderslev", "Region Syddanmark", 56),
    ("Sønderborg", "Region Syddanmark", 74),
    ("Aabenraa", "Region Syddanmark", 59),
    ("Tønder", "Region Syddanmark", 37),
    ("Fanø", "Region Syddanmark", 4),
    ("Esbjerg", "Region Syddanmark", 116),
    ("Varde", "Region Syddanmark", 50),
    ("Vejen", "Region Syddanmark", 43),
    ("Samsø", "Region Midtjylland", 4),
    ("Odder", "Region Midtjylland", 23),
    ("Aarhus", "Region Midtjylland", 370),
    ("Skanderborg", "Region Midtjylland", 64),
    ("Horsens", "Region Midtjylland", 98),
    ("Hedensted", "Region Midtjylland", 47),
    ("Ikast-Brande", "Region Midtjylland", 42),
    ("Herning", "Region Midtjylland", 90),
    ("Ringkøbing-Skjern", "Region Midtjylland", 56),
    ("Lemvig", "Region Midtjylland", 19),
    ("Struer", "Region Midtjylland", 21),
    ("Holstebro", "Region Midtjylland", 59),
    ("Skive", "Region Midtjylland", 46),
    ("Viborg", "Region Midtjylland", 98),
    ("Silkeborg", "Region Midtjylland", 100),
    ("Favrskov", "Region Midtjylland", 50),
    ("Randers", "Region Midtjylland", 99),
    ("Norddjurs", "Region Midtjylland", 37),
    ("Syddjurs", "Region Midtjylland", 43),
    ("Læsø", "Region Nordjylland", 2),
    ("Frederikshavn", "Region Nordjylland", 59),
    ("Hjørring", "Region Nordjylland", 64),
    ("Brønderslev", "Region Nordjylland", 36),
    ("Jammerbugt", "Region Nordjylland", 38),
    ("Aalborg", "Region Nordjylland", 222),
    ("Rebild", "Region Nordjylland", 31),
    ("Mariagerfjord", "Region Nordjylland", 41),
    ("Vesthimmerlands", "Region Nordjylland", 36),
    ("Morsø", "Region Nordjylland", 20),
    ("Thisted", "Region Nordjylland", 43),
)

# Illustrative regional differences in the use of the service, not measured ones.
_REGION_FACTOR = {
    "Region Hovedstaden": 0.85,
    "Region Sjælland": 1.15,
    "Region Syddanmark": 1.0,
    "Region Midtjylland": 0.95,
    "Region Nordjylland": 1.1,
}
# January to December; winter high, July low (the practices' summer holidays).
_SEASON = (1.25, 1.2, 1.1, 1.0, 0.95, 0.9, 0.75, 0.85, 0.95, 1.0, 1.1, 1.1)
# Monday to Sunday; public holidays count as Sundays.
_WEEKDAY = (1.25, 1.05, 1.0, 1.0, 0.9, 0.06, 0.04)

_LIST_SIZE_RANGE = (800, 12_000)
_LIST_SIZE_MEDIAN = 2_900
_LIST_SIZE_SIGMA = 0.55
_MUNICIPAL_CV = 0.3
_ZERO_SHARE = 0.006
_HIGH_SHARE = 0.003
_HIGH_FACTOR = (4.0, 6.0)
_LEADING_ZERO_SHARE = 0.1
_CLUSTER_MIN, _CLUSTER_MAX = 5, 25
_GROUP_MIN = 8  # municipalities with fewer practices share clusters with their neighbours
_CLAIMS_PER_PATIENT = 3.0
_PATIENT_SKEW = 1.5  # > 1: some patients of the pool are seen far more often than others
_ROWS_PER_TRIPLE = 200_000
_MAX_CHUNK_ROWS = 50_000_000

# Independent random streams, so adding draws to one part leaves the others unchanged.
_STREAM_STRUCTURE, _STREAM_LIST_SIZES, _STREAM_COUNTS, _STREAM_CELLS, _STREAM_CLAIMS = range(5)

_CLAIM_COLUMNS = ("provider_id", "day", "service_code", "patient")  # CSV order

_CODE = re.compile(r"[0-9A-Za-z]{2,6}")
_MASK64 = (1 << 64) - 1

_DANISH = {
    "provider_id": "ydernummer",
    "service_code": "ydelseskode",
    "count": "antal",
    "period": "periode",
    "day": "dato",
    "patient": "patient",
    "group1_insured": "gruppe 1 sikrede",
    "cluster": "klynge",
    "municipality": "kommune",
    "region": "region",
}


@attrs.frozen
class SyntheticPractice:
    """One synthetic practice: where it belongs, its list size, its rate and its counts.

    ``rate_multiplier`` is the practice's expected rate relative to the national rate (region ×
    municipality × practice; 0 for a practice that never bills the service); ``outlier`` is
    ``"zero"``, ``"high"`` or ``""``; ``monthly_counts`` are January to December.
    """

    provider_id: str
    cluster: str
    municipality: str
    region: str
    group1_insured: int
    rate_multiplier: float
    outlier: str
    expected_per_year: float
    monthly_counts: tuple[int, ...]

    @property
    def membership(self) -> MembershipRow:
        """provider_id, cluster, municipality, region."""
        return (self.provider_id, self.cluster, self.municipality, self.region)

    @property
    def count(self) -> int:
        """Services billed in the year."""
        return sum(self.monthly_counts)

    @property
    def rate_per_1000(self) -> float:
        """Services billed in the year per 1000 group-1 insured patients."""
        return 1000 * self.count / self.group1_insured


@attrs.frozen
class SyntheticCountry:
    """A synthetic country of practices for one year and one service code.

    Made by :func:`generate_country`. The methods without ``write`` yield rows as tuples in
    the column order of :data:`~klyngepakke.service_data.CANONICAL_COLUMNS`; the ``write_*``
    methods write files (CSV or Parquet by the suffix of the path, which must contain
    ``syntetisk``; Parquet files are canonical) and return the path written.
    """

    seed: int
    year: int
    service_code: str
    rate_per_1000_per_year: float
    practices: tuple[SyntheticPractice, ...] = attrs.field(repr=False)

    @property
    def clusters(self) -> tuple[str, ...]:
        """Cluster names, in the order of the practices."""
        return tuple(dict.fromkeys(p.cluster for p in self.practices))

    def memberships(self) -> Iterator[MembershipRow]:
        """Every practice's cluster, municipality and region."""
        for practice in self.practices:
            yield practice.membership

    def list_sizes(self, period: Period = "quarter") -> Iterator[ListSizeRow]:
        """Group-1 insured patients per practice and period; they drift a little."""
        periods = _periods(self.year, period)
        values = self._list_size_matrix(periods)
        for practice, row in zip(self.practices, values.tolist(), strict=True):
            for (_, start, end, _), value in zip(periods, row, strict=True):
                yield (practice.provider_id, start, end, int(value))

    def counts(
        self, period: Period = "month", *, include_zeros: bool = False
    ) -> Iterator[CountRow]:
        """The aggregated extract: services per practice and period (no zero rows by default)."""
        periods = _periods(self.year, period)
        for practice in self.practices:
            for _, start, end, months in periods:
                count = sum(practice.monthly_counts[m] for m in months)
                if count or include_zeros:
                    yield (practice.provider_id, self.service_code, start, end, count)

    def claims(self, rows: int | None = None, *, chunk_rows: int = 1_000_000) -> Iterator[ClaimRow]:
        """The claims-level extract by practice and day; ``rows`` as for :meth:`write_claims`.

        Meant for small numbers of rows: each claim becomes a Python object.
        """
        start = dt.date(self.year, 1, 1)
        days = [start + dt.timedelta(days=d) for d in range(_days_in_year(self.year))]
        ids = [p.provider_id for p in self.practices]
        for provider, day, patient in self._claim_chunks(rows, chunk_rows):
            for p, d, h in zip(provider.tolist(), day.tolist(), patient.tolist(), strict=True):
                yield (ids[p], self.service_code, days[d], format(h, "016x"))

    def write_membership(
        self,
        path: str | Path,
        *,
        delimiter: str = ";",
        encoding: Encoding = "utf-8-sig",
        headers: Headers = "danish",
    ) -> Path:
        """Write membership: provider, cluster, municipality, region."""
        target, file_format = _target(path)
        rows = list(self.memberships())
        if file_format == "parquet":
            _write_small_parquet(target, ServiceDataKind.MEMBERSHIP, rows, self._metadata)
        else:
            columns = ("provider_id", "cluster", "municipality", "region")
            _write_small_csv(target, _header(columns, headers), rows, delimiter, encoding)
        return target

    def write_list_sizes(
        self,
        path: str | Path,
        *,
        period: Period = "quarter",
        delimiter: str = ";",
        encoding: Encoding = "utf-8-sig",
        headers: Headers = "danish",
    ) -> Path:
        """Write list sizes: provider, period, group-1 insured patients."""
        target, file_format = _target(path)
        rows = list(self.list_sizes(period))
        if file_format == "parquet":
            _write_small_parquet(target, ServiceDataKind.LIST_SIZES, rows, self._metadata)
        else:
            labels = _period_labels(self.year, period)
            cells = [(p, labels[start], size) for p, start, _, size in rows]
            header = _header(("provider_id", "period", "group1_insured"), headers)
            _write_small_csv(target, header, cells, delimiter, encoding)
        return target

    def write_counts(
        self,
        path: str | Path,
        *,
        period: Period = "month",
        include_zeros: bool = False,
        delimiter: str = ";",
        encoding: Encoding = "utf-8-sig",
        headers: Headers = "danish",
    ) -> Path:
        """Write the aggregated extract: provider, period, service code, count."""
        target, file_format = _target(path)
        rows = list(self.counts(period, include_zeros=include_zeros))
        if file_format == "parquet":
            _write_small_parquet(target, ServiceDataKind.COUNTS, rows, self._metadata)
        else:
            labels = _period_labels(self.year, period)
            cells = [(p, labels[start], code, count) for p, code, start, _, count in rows]
            header = _header(("provider_id", "period", "service_code", "count"), headers)
            _write_small_csv(target, header, cells, delimiter, encoding)
        return target

    def write_claims(
        self,
        path: str | Path,
        *,
        rows: int | None = None,
        chunk_rows: int = 1_000_000,
        delimiter: str = ";",
        encoding: Encoding = "utf-8-sig",
        headers: Headers = "danish",
        compression: str = CANONICAL_COMPRESSION,
    ) -> Path:
        """Write the claims-level extract: provider, date, service code, patient pseudonym.

        ``rows=None`` writes the claims behind :meth:`counts`; a number writes that many,
        spread over practices and months as the expected counts are (rates then scale with
        ``rows``). Written ``chunk_rows`` at a time: one Parquet row group per chunk. Needs
        PyArrow for both formats.
        """
        target, file_format = _target(path)
        import numpy as np
        import pyarrow as pa  # type: ignore[import-untyped]

        ids = pa.array([p.provider_id for p in self.practices], pa.string())
        codes = pa.array([self.service_code], pa.string())
        epoch = (dt.date(self.year, 1, 1) - dt.date(1970, 1, 1)).days

        def table(provider: Any, day: Any, patient: Any, schema: Any) -> Any:
            days = pa.Array.from_buffers(
                pa.date32(), len(day), [None, pa.py_buffer((day + epoch).astype(np.int32))]
            )
            providers = pa.DictionaryArray.from_arrays(pa.array(provider), ids)
            service_codes = pa.DictionaryArray.from_arrays(
                pa.array(np.zeros(len(day), np.int8)), codes
            )
            columns = {
                "provider_id": providers,
                "service_code": service_codes,
                "day": days,
                # Canonical files hold the 64-bit keys; region extracts write them as text.
                "patient": pa.array(patient) if schema is not None else _hex_strings(patient),
            }
            if schema is not None:
                return pa.Table.from_arrays([columns[f.name] for f in schema], schema=schema)
            # CSV, in the order of the regions' extracts
            columns["provider_id"] = providers.dictionary_decode()
            columns["service_code"] = service_codes.dictionary_decode()
            return pa.Table.from_arrays([columns[c] for c in _CLAIM_COLUMNS], list(_CLAIM_COLUMNS))

        chunks = self._claim_chunks(rows, chunk_rows)
        if file_format == "parquet":
            import pyarrow.parquet as pq  # type: ignore[import-untyped]

            kind = ServiceDataKind.CLAIMS
            schema = _arrow_schema(kind, self._metadata(kind), dictionaries=True)
            with pq.ParquetWriter(
                target,
                schema,
                compression=compression,
                use_dictionary=["provider_id", "service_code"],
            ) as writer:
                for chunk in _in_claims_order(chunks):
                    writer.write_table(table(*chunk, schema))
            return target

        import pyarrow.csv as pacsv  # type: ignore[import-untyped]

        names = _header(_CLAIM_COLUMNS, headers)
        options = pacsv.WriteOptions(
            include_header=False, delimiter=delimiter, eol="\r\n", quoting_style="none"
        )
        with target.open("wb") as file:
            # The cells are ASCII (digits, dates, hex), the same bytes in every encoding offered.
            file.write((delimiter.join(names) + "\r\n").encode(encoding))
            for chunk in chunks:
                pacsv.write_csv(table(*chunk, None), file, options)
        return target

    def write_files(
        self,
        directory: str | Path,
        *,
        format: FileFormat = "csv",
        period: Period = "month",
        list_size_period: Period = "quarter",
        claims_rows: int | None = None,
        delimiter: str = ";",
        encoding: Encoding = "utf-8-sig",
        headers: Headers = "danish",
    ) -> tuple[Path, ...]:
        """Write all four files and a ``README-syntetisk.txt`` into ``directory``.

        Returns the paths written, the README last.
        """
        folder = Path(directory)
        folder.mkdir(parents=True, exist_ok=True)
        suffix = f".{format}"
        code = self.service_code
        csv_options: dict[str, Any] = {}
        if format == "csv":
            csv_options = {"delimiter": delimiter, "encoding": encoding, "headers": headers}
        paths = (
            self.write_membership(folder / f"klyngemedlemskab-{LABEL}{suffix}", **csv_options),
            self.write_list_sizes(
                folder / f"gruppe1-sikrede-{LABEL}{suffix}", period=list_size_period, **csv_options
            ),
            self.write_counts(
                folder / f"ydelser-{code}-{LABEL}{suffix}", period=period, **csv_options
            ),
            self.write_claims(
                folder / f"ydelser-{code}-pr-kontakt-{LABEL}{suffix}",
                rows=claims_rows,
                **csv_options,
            ),
        )
        readme = folder / f"README-{LABEL}.txt"
        lines = [
            "SYNTETISKE DATA - ikke rigtige praksis, patienter eller ydelser.",
            f"Lavet af {GENERATOR} (seed {self.seed}, år {self.year}, ydelse {code}).",
            "",
            *(f"{p.name}: syntetiske data" for p in paths),
        ]
        readme.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return (*paths, readme)

    def _metadata(self, kind: ServiceDataKind) -> dict[str, str]:
        """Parquet key-value metadata saying the file is synthetic."""
        return {
            "synthetic": "true",
            "generator": GENERATOR,
            "seed": str(self.seed),
            "year": str(self.year),
            "service_code": self.service_code,
            "kind": kind.value,
            "description": f"{kind.label}: syntetiske data, ikke rigtige praksis eller patienter",
        }

    def _list_size_matrix(self, periods: Sequence[_PeriodSpec]) -> npt.NDArray[np.int64]:
        import numpy as np

        rng = np.random.default_rng([self.seed, _STREAM_LIST_SIZES])
        base = np.array([p.group1_insured for p in self.practices], np.float64)
        trend = rng.normal(0.0, 0.03, base.size)  # change over the year
        noise = rng.normal(0.0, 0.004, (base.size, len(periods)))
        centres = np.array([(sum(months) / len(months) - 5.5) / 12 for *_, months in periods])
        values = np.rint(base[:, None] * (1 + trend[:, None] * centres) * (1 + noise))
        sizes: npt.NDArray[np.int64] = np.clip(values, *_LIST_SIZE_RANGE).astype(np.int64)
        return sizes

    def _claim_chunks(
        self, rows: int | None, chunk_rows: int
    ) -> Iterator[tuple[npt.NDArray[np.int32], npt.NDArray[np.int32], npt.NDArray[np.uint64]]]:
        """Claims as arrays: practice index, day of the year (0-based), pseudonym as a number."""
        import numpy as np

        if not 1 <= chunk_rows <= _MAX_CHUNK_ROWS:
            raise ValueError(f"chunk_rows must be between 1 and {_MAX_CHUNK_ROWS:,}")
        cells = self._claim_cells(rows)
        cumulative = np.cumsum(cells)
        before = cumulative - cells
        total = int(cumulative[-1]) if cells.size else 0
        sizes = np.array([p.group1_insured for p in self.practices], np.int64)
        per_practice = cells.reshape(len(self.practices), 12).sum(axis=1)
        pools = np.clip(np.rint(per_practice / _CLAIMS_PER_PATIENT), 1, sizes).astype(np.int64)
        weights = _day_weights(self.year)
        month_first = _month_first_days(self.year)
        weight_before = np.concatenate(([0.0], np.cumsum(weights)))
        salt = _seed_salt(self.seed)
        for index, start in enumerate(range(0, total, chunk_rows)):
            stop = min(start + chunk_rows, total)
            rng = np.random.default_rng([self.seed, _STREAM_CLAIMS, index])
            in_chunk = np.clip(cumulative, start, stop) - np.clip(before, start, stop)
            cell = np.repeat(np.arange(cells.size, dtype=np.int64), in_chunk)
            # Sorting cell + u sorts u within each cell, so days come out in order.
            position = np.sort(cell + rng.random(cell.size)) - cell
            position = np.clip(position, 0.0, math.nextafter(1.0, 0.0))
            provider = cell // 12
            month = cell % 12
            low = weight_before[month_first[month]]
            high = weight_before[month_first[month + 1]]
            day = np.searchsorted(weight_before, low + position * (high - low), side="right") - 1
            day = np.clip(day, month_first[month], month_first[month + 1] - 1)
            patient = np.floor(pools[provider] * rng.random(cell.size) ** _PATIENT_SKEW)
            patient = patient.astype(np.int64)
            _bill_three_times(rng, cell, provider, day, patient, first=index == 0)
            yield (
                provider.astype(np.int32),
                day.astype(np.int32),
                _pseudonyms(salt, provider, patient),
            )

    def _claim_cells(self, rows: int | None) -> npt.NDArray[np.int64]:
        """Claims per practice and month, flattened practice by practice."""
        import numpy as np

        if rows is None:
            return np.array([p.monthly_counts for p in self.practices], np.int64).reshape(-1)
        if rows < 0:
            raise ValueError("rows must be 0 or more")
        shares = _month_shares(self.year)
        expected = np.array([p.expected_per_year for p in self.practices], np.float64)
        weights = (expected[:, None] * shares[None, :]).reshape(-1)
        if not rows:
            return np.zeros(weights.size, np.int64)
        if not weights.sum() > 0:
            raise ValueError("no practice is expected to bill the service (rate 0)")
        rng = np.random.default_rng([self.seed, _STREAM_CELLS, rows])
        return rng.multinomial(rows, weights / weights.sum()).astype(np.int64)


_PeriodSpec = tuple[str, dt.date, dt.date, tuple[int, ...]]


def generate_country(
    *,
    providers: int = 1700,
    seed: int = 0,
    year: int = 2025,
    service_code: str = "0124",
    rate_per_1000_per_year: float = 25.0,
    spread: float = 0.5,
) -> SyntheticCountry:
    """Draw a synthetic country: the same ``seed`` and arguments give the same country.

    ``providers`` practices (at least one per municipality, so 98 or more) bill
    ``service_code`` at ``rate_per_1000_per_year`` per 1000 group-1 insured on average
    nationally, each practice's factor having the coefficient of variation ``spread``.
    """
    import numpy as np

    if not len(MUNICIPALITIES) <= providers <= 200_000:
        raise ValueError(f"providers must be between {len(MUNICIPALITIES)} and 200,000")
    if seed < 0:
        raise ValueError("seed must be 0 or more")
    if not 1900 < year < 2200:
        raise ValueError("year must be a calendar year like 2025")
    if not _CODE.fullmatch(service_code):
        raise ValueError(f"{service_code!r} is not a service code like '0124'")
    if not rate_per_1000_per_year >= 0 or not math.isfinite(rate_per_1000_per_year):
        raise ValueError("rate_per_1000_per_year must be 0 or more")
    if not spread > 0 or not math.isfinite(spread):
        raise ValueError("spread must be more than 0")

    rng = np.random.default_rng([seed, _STREAM_STRUCTURE])
    per_municipality = _allocate(providers)
    municipality_of = np.repeat(np.arange(len(MUNICIPALITIES)), per_municipality)
    clusters = _clusters(rng, per_municipality)
    ids = _provider_ids(rng, providers)
    list_sizes = _draw_list_sizes(rng, providers)

    region_factor = np.array([_REGION_FACTOR[region] for _, region, _ in MUNICIPALITIES])
    municipal_shape = 1 / _MUNICIPAL_CV**2
    municipal = rng.gamma(municipal_shape, 1 / municipal_shape, len(MUNICIPALITIES))
    practice_shape = 1 / spread**2
    practice_factor = rng.gamma(practice_shape, 1 / practice_shape, providers)
    outlier = np.full(providers, "", dtype=object)
    order = rng.permutation(providers)
    zero = order[: max(1, round(providers * _ZERO_SHARE))]
    high = order[zero.size : zero.size + max(1, round(providers * _HIGH_SHARE))]
    practice_factor[zero] = 0.0
    practice_factor[high] = rng.uniform(*_HIGH_FACTOR, high.size)
    outlier[zero] = "zero"
    outlier[high] = "high"
    multiplier = region_factor[municipality_of] * municipal[municipality_of] * practice_factor
    # The national rate is the one asked for: the factors average 1 over all patients.
    multiplier /= (list_sizes * multiplier).sum() / list_sizes.sum()
    expected = rate_per_1000_per_year / 1000 * list_sizes * multiplier
    monthly_expected = expected[:, None] * _month_shares(year)[None, :]
    counts_rng = np.random.default_rng([seed, _STREAM_COUNTS])
    monthly = counts_rng.poisson(monthly_expected).tolist()

    practices = tuple(
        SyntheticPractice(
            provider_id=ids[i],
            cluster=clusters[i],
            municipality=MUNICIPALITIES[m][0],
            region=MUNICIPALITIES[m][1],
            group1_insured=int(list_sizes[i]),
            rate_multiplier=float(multiplier[i]),
            outlier=str(outlier[i]),
            expected_per_year=float(expected[i]),
            monthly_counts=tuple(int(c) for c in monthly[i]),
        )
        for i, m in enumerate(municipality_of.tolist())
    )
    return SyntheticCountry(seed, year, service_code, rate_per_1000_per_year, practices)


def _allocate(providers: int) -> list[int]:
    """Practices per municipality: one each, the rest by population (largest remainders)."""
    populations = [population for _, _, population in MUNICIPALITIES]
    rest = providers - len(populations)
    shares = [rest * p / sum(populations) for p in populations]
    counts = [1 + math.floor(s) for s in shares]
    by_remainder = sorted(range(len(shares)), key=lambda i: (-(shares[i] % 1), i))
    for i in by_remainder[: providers - sum(counts)]:
        counts[i] += 1
    return counts


def _clusters(rng: np.random.Generator, per_municipality: Sequence[int]) -> list[str]:
    """A cluster name per practice, practices in municipality order."""
    groups: list[list[int]] = []  # lists of municipality indices
    for region in REGIONS:
        first = len(groups)
        current: list[int] = []
        for m, (_, in_region, _) in enumerate(MUNICIPALITIES):
            if in_region != region:
                continue
            current.append(m)
            if sum(per_municipality[i] for i in current) >= _GROUP_MIN:
                groups.append(current)
                current = []
        if current and len(groups) > first:
            groups[-1].extend(current)
        elif current:
            groups.append(current)

    names: list[str] = []
    numbers: dict[str, int] = {}
    for group in groups:
        municipality_of = [m for m in group for _ in range(per_municipality[m])]
        start = 0
        for length in _cluster_sizes(rng, len(municipality_of)):
            members = municipality_of[start : start + length]
            start += length
            largest = max(dict.fromkeys(members), key=members.count)
            name = MUNICIPALITIES[largest][0]
            numbers[name] = numbers.get(name, 0) + 1
            names.extend([f"Klynge {name} {numbers[name]} ({LABEL})"] * length)
    return names


def _cluster_sizes(rng: np.random.Generator, practices: int) -> list[int]:
    """Split ``practices`` (at least 5) into clusters of 5–25, mostly 6–18."""
    sizes: list[int] = []
    rest = practices
    while True:
        size = int(rng.integers(6, 19))
        if rest - size < _CLUSTER_MIN:
            return [*sizes, rest]  # rest < size + 5 <= 23
        sizes.append(size)
        rest -= size


def _provider_ids(rng: np.random.Generator, providers: int) -> list[str]:
    """Unique six-digit provider numbers, some with leading zeros, in random order."""
    import numpy as np

    leading = max(1, round(providers * _LEADING_ZERO_SHARE))
    low = rng.choice(np.arange(1_000, 100_000), leading, replace=False)
    high = 100_000 + rng.choice(900_000, providers - leading, replace=False)
    numbers = np.concatenate((low, high))
    rng.shuffle(numbers)
    return [f"{n:06d}" for n in numbers.tolist()]


def _draw_list_sizes(rng: np.random.Generator, providers: int) -> npt.NDArray[np.int64]:
    """Log-normal list sizes, redrawn (not clipped) outside the range."""
    import numpy as np

    low, high = _LIST_SIZE_RANGE
    sizes = np.rint(rng.lognormal(math.log(_LIST_SIZE_MEDIAN), _LIST_SIZE_SIGMA, providers))
    outside = (sizes < low) | (sizes > high)
    while outside.any():
        redrawn = rng.lognormal(math.log(_LIST_SIZE_MEDIAN), _LIST_SIZE_SIGMA, outside.sum())
        sizes[outside] = np.rint(redrawn)
        outside = (sizes < low) | (sizes > high)
    return sizes.astype(np.int64)


def _days_in_year(year: int) -> int:
    return (dt.date(year + 1, 1, 1) - dt.date(year, 1, 1)).days


def _month_first_days(year: int) -> npt.NDArray[np.int64]:
    """Day of the year (0-based) each month starts on, and the year's length last."""
    import numpy as np

    first = dt.date(year, 1, 1)
    starts = [(dt.date(year, m, 1) - first).days for m in range(1, 13)]
    return np.array([*starts, _days_in_year(year)], np.int64)


def _day_weights(year: int) -> npt.NDArray[np.float64]:
    """Relative number of services on each day of the year."""
    import numpy as np

    from klyngepakke.planning import danish_holidays

    holiday = danish_holidays(range(year, year + 1))
    first = dt.date(year, 1, 1)
    weights = []
    for offset in range(_days_in_year(year)):
        day = first + dt.timedelta(days=offset)
        weekday = 6 if holiday(day) else day.weekday()
        weights.append(_SEASON[day.month - 1] * _WEEKDAY[weekday])
    return np.array(weights, np.float64)


def _month_shares(year: int) -> npt.NDArray[np.float64]:
    """Share of the year's services in each month."""
    import numpy as np

    weights = _day_weights(year)
    first = _month_first_days(year)
    sums = np.array([weights[first[m] : first[m + 1]].sum() for m in range(12)])
    shares: npt.NDArray[np.float64] = sums / sums.sum()
    return shares


def _bill_three_times(
    rng: np.random.Generator,
    cell: npt.NDArray[np.int64],
    provider: npt.NDArray[np.int64],
    day: npt.NDArray[np.int64],
    patient: npt.NDArray[np.int64],
    *,
    first: bool,
) -> None:
    """Make a few patients billed three times on one day at one practice (in place).

    The two rows after a chosen row become copies of it. They are chosen within one practice
    and month, so the counts stay the same; only a chunk where no practice has three claims in
    a month (a tiny file) moves two claims to the practice of its first claim.
    """
    import numpy as np

    wanted = round(cell.size / _ROWS_PER_TRIPLE) or (1 if first else 0)
    if not wanted or cell.size < 3:
        return
    candidates = np.flatnonzero(cell[:-2] == cell[2:])
    if not candidates.size:
        candidates = np.array([0])
    chosen = np.sort(rng.choice(candidates, min(wanted, candidates.size), replace=False))
    last = -3
    for position in chosen.tolist():
        if position < last + 3:  # overlapping triples would merge into one
            continue
        # Rows are ordered by cell, then day; copying a row over the next two keeps that order.
        for column in (cell, provider, day, patient):
            column[position + 1 : position + 3] = column[position]
        last = position


_Columns: TypeAlias = "tuple[npt.NDArray[Any], npt.NDArray[Any], npt.NDArray[Any]]"


def _in_claims_order(
    chunks: Iterable[tuple[npt.NDArray[np.int32], npt.NDArray[np.int32], npt.NDArray[np.uint64]]],
) -> Iterator[tuple[npt.NDArray[np.int32], npt.NDArray[np.int32], npt.NDArray[np.uint64]]]:
    """The claims in canonical order (:data:`~klyngepakke.service_data.CLAIMS_ORDER`).

    Chunks come ordered by practice but not by patient, and a practice's month may straddle
    two chunks, each part with days of the whole month: each chunk's last practice is carried
    into the next before the chunk is sorted by day and patient within practice (the last
    carry joins the last chunk).
    """
    import numpy as np

    def ordered(columns: _Columns) -> _Columns:
        provider, day, patient = columns
        order = np.lexsort((patient, provider.astype(np.int64) * 400 + day))
        return provider[order], day[order], patient[order]

    def joined(first: _Columns, second: _Columns) -> _Columns:
        return (
            np.concatenate((first[0], second[0])),
            np.concatenate((first[1], second[1])),
            np.concatenate((first[2], second[2])),
        )

    carried: _Columns | None = None
    pending: _Columns | None = None  # held back one chunk, so the last carry can join it
    for chunk in chunks:
        provider, day, patient = chunk if carried is None else joined(carried, chunk)
        if not provider.size:
            continue
        cut = int(np.searchsorted(provider, provider[-1], side="left"))
        carried = (provider[cut:], day[cut:], patient[cut:])
        if cut:
            if pending is not None:
                yield pending
            pending = ordered((provider[:cut], day[:cut], patient[:cut]))
    last = ordered(carried) if carried is not None else None
    if pending is not None and last is not None:
        yield joined(pending, last)
    elif pending is not None:
        yield pending
    elif last is not None:
        yield last


def _seed_salt(seed: int) -> int:
    return (seed * 0x9E3779B97F4A7C15 + 0x632BE59BD9B4E019) & _MASK64


def _pseudonyms(
    salt: int, provider: npt.NDArray[np.int64], patient: npt.NDArray[np.int64]
) -> npt.NDArray[np.uint64]:
    """64-bit pseudonyms: SplitMix64 of practice and patient (patients are per practice)."""
    import numpy as np

    x = (provider.astype(np.uint64) << np.uint64(32)) | patient.astype(np.uint64)
    x ^= np.uint64(salt)
    x += np.uint64(0x9E3779B97F4A7C15)
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    result: npt.NDArray[np.uint64] = x ^ (x >> np.uint64(31))
    return result


def _hex_strings(values: npt.NDArray[np.uint64]) -> Any:
    """A PyArrow string array of 16 lower-case hex digits per value, built without Python loops."""
    import numpy as np
    import pyarrow as pa

    digits = np.frombuffer(b"0123456789abcdef", np.uint8)
    octets = values.astype(">u8").view(np.uint8).reshape(-1, 8)
    text = np.empty((values.size, 16), np.uint8)
    text[:, 0::2] = digits[octets >> 4]
    text[:, 1::2] = digits[octets & 15]
    offsets = np.arange(0, 16 * (values.size + 1), 16, dtype=np.int32)
    buffers = [None, pa.py_buffer(offsets), pa.py_buffer(text)]
    return pa.Array.from_buffers(pa.string(), values.size, buffers)


def _periods(year: int, period: Period) -> list[_PeriodSpec]:
    """(label as regions write it, first day, last day, month indices) for each period."""
    spans: list[tuple[str, tuple[int, ...]]]
    if period == "month":
        spans = [(f"{year}-{m + 1:02d}", (m,)) for m in range(12)]
    elif period == "quarter":
        spans = [(f"{year}K{q + 1}", (3 * q, 3 * q + 1, 3 * q + 2)) for q in range(4)]
    elif period == "year":
        spans = [(str(year), tuple(range(12)))]
    else:
        raise ValueError(f"period must be 'month', 'quarter' or 'year', not {period!r}")
    result: list[_PeriodSpec] = []
    for label, months in spans:
        start = dt.date(year, months[0] + 1, 1)
        after = dt.date(year + (months[-1] == 11), months[-1] + 2 if months[-1] < 11 else 1, 1)
        result.append((label, start, after - dt.timedelta(days=1), months))
    return result


def _period_labels(year: int, period: Period) -> dict[dt.date, str]:
    """Period labels by first day: ``2025-01``, ``2025K1`` or ``2025``."""
    return {start: label for label, start, _, _ in _periods(year, period)}


def _target(path: str | Path) -> tuple[Path, FileFormat]:
    """The path to write and its format; the name must say the data are synthetic."""
    target = Path(path)
    if LABEL not in target.name.lower():
        raise ValueError(
            f"{target.name}: synthetic data are written only to files whose name contains "
            f"{LABEL!r} (e.g. 'ydelser-{LABEL}.csv')"
        )
    suffix = target.suffix.lower()
    if suffix in (".csv", ".txt"):
        return target, "csv"
    if suffix in (".parquet", ".pq"):
        return target, "parquet"
    raise ValueError(f"{target.name}: write .csv or .parquet, not {suffix or 'no suffix'!r}")


def _header(columns: Iterable[str], headers: Headers) -> tuple[str, ...]:
    if headers not in ("danish", "english"):
        raise ValueError(f"headers must be 'danish' or 'english', not {headers!r}")
    return tuple(_DANISH[c] if headers == "danish" else c for c in columns)


def _write_small_csv(
    target: Path,
    header: Sequence[str],
    records: Iterable[Sequence[object]],
    delimiter: str,
    encoding: Encoding,
) -> None:
    codecs.lookup(encoding)  # an unknown encoding fails before the file is created
    with target.open("w", encoding=encoding, newline="") as file:
        writer = csv.writer(file, delimiter=delimiter, lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows(records)


def _arrow_schema(kind: ServiceDataKind, metadata: dict[str, str], *, dictionaries: bool) -> Any:
    """The canonical columns of ``kind`` as a PyArrow schema with ``metadata``.

    ``dictionaries`` stores provider numbers and service codes dictionary-encoded, as the
    claims file does (still text to every Parquet reader).
    """
    import pyarrow as pa

    types = {
        "VARCHAR": pa.string(),
        "DATE": pa.date32(),
        "BIGINT": pa.int64(),
        "UBIGINT": pa.uint64(),
    }
    dictionary = {
        "provider_id": pa.dictionary(pa.int32(), pa.string()),
        "service_code": pa.dictionary(pa.int8(), pa.string()),
    }
    fields = [
        (name, dictionary[name] if dictionaries and name in dictionary else types[sql])
        for name, sql in CANONICAL_COLUMNS[kind].items()
    ]
    return pa.schema(fields, metadata=metadata)


def _write_small_parquet(
    target: Path,
    kind: ServiceDataKind,
    rows: Sequence[Sequence[object]],
    metadata: Callable[[ServiceDataKind], dict[str, str]],
) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = _arrow_schema(kind, metadata(kind), dictionaries=False)
    columns = list(zip(*rows, strict=True)) if rows else [()] * len(schema)
    arrays = [pa.array(list(v), f.type) for f, v in zip(schema, columns, strict=True)]
    pq.write_table(
        pa.Table.from_arrays(arrays, schema=schema), target, compression=CANONICAL_COMPRESSION
    )
