"""Service data (ydelsesdata): the records readers produce, and the reader interface."""

from __future__ import annotations

import abc
import datetime as dt
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import ClassVar

import attrs

from klyngepakke.model import LabelledEnum

__all__ = [
    "Claim",
    "ListSize",
    "Membership",
    "ServiceCount",
    "ServiceDataKind",
    "ServiceDataReader",
    "ServiceDataRecord",
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


@attrs.frozen
class ServiceCount:
    """Aggregated: how often a provider billed a service in a period."""

    provider_id: str
    service_code: str
    period_start: dt.date
    period_end: dt.date
    count: int


@attrs.frozen
class Claim:
    """Claims level: one billed service. ``patient`` is a pseudonym that never leaves the engine."""

    provider_id: str
    service_code: str
    day: dt.date
    patient: str


@attrs.frozen
class ListSize:
    """Group-1 insured patients listed with a provider in a period."""

    provider_id: str
    period_start: dt.date
    period_end: dt.date
    group1_insured: int


@attrs.frozen
class Membership:
    """Which cluster, municipality and region a provider belongs to."""

    provider_id: str
    cluster: str
    municipality: str
    region: str


ServiceDataRecord = ServiceCount | Claim | ListSize | Membership


class ServiceDataReader(abc.ABC):
    """Base class for readers of the files regions send (CSV, Parquet, Excel…)."""

    name: ClassVar[str]
    description: ClassVar[str] = ""
    suffixes: ClassVar[tuple[str, ...]]
    kinds: ClassVar[tuple[ServiceDataKind, ...]]
    """What sorts of file it reads."""

    @abc.abstractmethod
    def read(
        self, source: Path, kind: ServiceDataKind, options: Mapping[str, str]
    ) -> Iterator[ServiceDataRecord]:
        """Yield the records in ``source``; errors name the file, row and column."""
