"""Service data (ydelsesdata): what readers hand the metrics engine, and the reader interface.

Regions send counts of billed services in many shapes. A reader turns one file into a
**canonical Parquet file** of one :class:`ServiceDataKind`, with the columns in
:data:`CANONICAL_COLUMNS`, checked row by row. Parquet keeps the hand-over small in memory
at national size (the engine, DuckDB, streams it) and is easy to inspect.
"""

from __future__ import annotations

import abc
from collections.abc import Mapping
from pathlib import Path
from typing import ClassVar, Final

import attrs

from klyngepakke.errors import KlyngepakkeError
from klyngepakke.model import LabelledEnum

__all__ = [
    "CANONICAL_COLUMNS",
    "CANONICAL_COMPRESSION",
    "CLAIMS_ORDER",
    "ServiceDataError",
    "ServiceDataFile",
    "ServiceDataKind",
    "ServiceDataReader",
]


class ServiceDataKind(LabelledEnum):
    """What a service-data file holds."""

    COUNTS = "counts"
    CLAIMS = "claims"
    LIST_SIZES = "list_sizes"
    MEMBERSHIP = "membership"


ServiceDataKind._labels = {
    "counts": "Ydelsesopgørelse",
    "claims": "Ydelser pr. kontakt",
    "list_sizes": "Gruppe 1-sikrede",
    "membership": "Klyngemedlemskab",
}

CANONICAL_COLUMNS: Final[dict[ServiceDataKind, dict[str, str]]] = {
    ServiceDataKind.COUNTS: {
        "provider_id": "VARCHAR",  # six digits, leading zeros kept
        "service_code": "VARCHAR",
        "period_start": "DATE",
        "period_end": "DATE",  # inclusive
        "count": "BIGINT",
    },
    ServiceDataKind.CLAIMS: {
        "provider_id": "VARCHAR",
        "service_code": "VARCHAR",
        "day": "DATE",
        # A keyed 64-bit hash of the region's patient pseudonym (the key is random per file
        # and not kept), never the pseudonym; never leaves the engine's billing-limit check.
        "patient": "UBIGINT",
    },
    ServiceDataKind.LIST_SIZES: {
        "provider_id": "VARCHAR",
        "period_start": "DATE",
        "period_end": "DATE",
        "group1_insured": "BIGINT",
    },
    ServiceDataKind.MEMBERSHIP: {
        "provider_id": "VARCHAR",
        "cluster": "VARCHAR",
        "municipality": "VARCHAR",
        "region": "VARCHAR",
    },
}
"""The columns (and DuckDB types) of each kind's canonical Parquet file, in order.

Claims files are also written in :data:`CLAIMS_ORDER`, which lets the engine check billing
limits in one streaming pass (it verifies the order and falls back to grouping without it).
"""

CANONICAL_COMPRESSION: Final = "lz4"
"""How canonical files are compressed: LZ4 reads about a third faster than zstd for a few per
cent more disk; the files are work files, written once and read for every computation."""

CLAIMS_ORDER: Final = ("service_code", "provider_id", "day", "patient")
"""How canonical claims files are sorted: ``ORDER BY`` these columns. The engine needs only
that rows of one (service, practice) are together, with day and patient ascending among them."""


class ServiceDataError(KlyngepakkeError):
    """Service data that cannot be used; the message names the file, row and column."""


@attrs.frozen
class ServiceDataFile:
    """A checked, canonical Parquet file of one kind, and what the reader did to get it.

    ``notes`` tell the user about repairs (e.g. provider numbers given back their leading
    zeros) and anything else worth knowing; they never contain patient pseudonyms.
    """

    kind: ServiceDataKind
    path: Path
    source: str
    rows: int
    notes: tuple[str, ...] = ()


class ServiceDataReader(abc.ABC):
    """Base class for readers of the files regions send (CSV, Parquet, Excel, …)."""

    name: ClassVar[str]
    description: ClassVar[str] = ""
    suffixes: ClassVar[tuple[str, ...]]
    kinds: ClassVar[tuple[ServiceDataKind, ...]]
    """What sorts of file it reads."""

    @abc.abstractmethod
    def read(
        self,
        source: Path,
        kind: ServiceDataKind,
        workdir: Path,
        options: Mapping[str, str],
    ) -> ServiceDataFile:
        """Check ``source`` and write it as a canonical Parquet file in ``workdir``.

        A source that is already canonical Parquet may be handed over as it is. Raise
        :class:`ServiceDataError` naming the file, row and column for anything unusable;
        never drop a row silently.
        """
