"""Service-data readers for klyngepakke: CSV, Excel and Parquet as the regions send them.

Each reader checks every row and writes a canonical Parquet file (see
:mod:`klyngepakke.service_data`); a canonical Parquet file that passes the checks is used
where it is. The column map (:data:`DEFAULT_COLUMN_NAMES`) knows the Danish column names.
"""

from __future__ import annotations

from collections.abc import Callable

from klyngepakke.hookspecs import hookimpl
from klyngepakke.service_data import ServiceDataReader
from klyngepakke_servicedata._columns import DEFAULT_COLUMN_NAMES, normalize_header
from klyngepakke_servicedata._readers import CsvReader, ParquetReader, XlsxReader

__all__ = [
    "DEFAULT_COLUMN_NAMES",
    "CsvReader",
    "ParquetReader",
    "XlsxReader",
    "normalize_header",
    "register_service_data_readers",
]


@hookimpl
def register_service_data_readers(register: Callable[[ServiceDataReader], None]) -> None:
    """Register the ``csv``, ``xlsx`` and ``parquet`` readers."""
    register(CsvReader())
    register(XlsxReader())
    register(ParquetReader())
