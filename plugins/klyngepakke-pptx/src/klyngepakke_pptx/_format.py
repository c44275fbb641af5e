"""Danish numbers, percentages, periods and clock times as the deck shows them.

Percentages, decimals and counts use the same wording and rounding (half up, decimal comma,
thousands with a full stop) as :func:`klyngepakke.survey_results.render_results`, by calling
the same formatting functions in :mod:`klyngepakke.danish`, so the deck and the text summary
never disagree.
"""

from __future__ import annotations

import datetime as dt

from klyngepakke.danish import (
    NO_VALUE,
    format_count,
    format_date,
    format_decimal,
    format_percent,
    format_points,
    format_signed,
    format_time,
)
from klyngepakke.metrics.results import Period

__all__ = ["clock", "count", "decimal", "percent", "period", "points", "rate", "signed"]


def percent(value: float | None) -> str:
    """``73 %``; ``–`` for no value."""
    return format_percent(value)


def decimal(value: float, places: int = 1) -> str:
    """``2,9``: rounded half up, decimal comma."""
    return format_decimal(value, places)


def rate(value: float | None) -> str:
    """A rate with one decimal (``18,7``); ``–`` when hidden or undefined."""
    return NO_VALUE if value is None else format_decimal(value, 1)


def count(value: int) -> str:
    """``1.331``: thousands separated by full stops."""
    return format_count(value)


def points(value: float) -> str:
    """A change in percentage points: ``+5 pp``, ``-3 pp``."""
    return format_points(value)


def signed(value: float, places: int = 1) -> str:
    """A signed decimal: ``+0,3``, ``-1,2``, ``0,0``."""
    return format_signed(value, places)


def period(span: Period) -> str:
    """``1. januar 2026 – 31. december 2026``."""
    return f"{format_date(span.start)} – {format_date(span.end)}"


def clock(moment: dt.datetime) -> str:
    """``16.00``."""
    return format_time(moment)
