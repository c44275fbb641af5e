"""Danish numbers, percentages, periods and clock times as the deck shows them.

Percentages, decimals and counts use the same wording and rounding (half up, decimal comma,
thousands with a full stop) as :func:`klyngepakke.survey_results.render_results`, by calling
its formatting helpers, so the deck and the text summary never disagree.
"""

from __future__ import annotations

import datetime as dt

from klyngepakke.danish import format_date, format_time
from klyngepakke.metrics.results import Period
from klyngepakke.survey_results import _count, _decimal, _percent_text, _points

__all__ = ["clock", "count", "decimal", "percent", "period", "points", "rate", "signed"]


def percent(value: float | None) -> str:
    """``73 %``; ``–`` for no value."""
    return _percent_text(value)


def decimal(value: float, places: int = 1) -> str:
    """``2,9``: rounded half up, decimal comma."""
    return _decimal(value, places)


def rate(value: float | None) -> str:
    """A rate with one decimal (``18,7``); ``–`` when hidden or undefined."""
    return "–" if value is None else _decimal(value, 1)


def count(value: int) -> str:
    """``1.331``: thousands separated by full stops."""
    return _count(value)


def points(value: float) -> str:
    """A change in percentage points: ``+5 pp``, ``-3 pp``."""
    return _points(value)


def signed(value: float, places: int = 1) -> str:
    """A signed decimal: ``+0,3``, ``-1,2``, ``0,0``."""
    text = _decimal(value, places)
    return text if text.startswith("-") or text.strip("0,") == "" else f"+{text}"


def period(span: Period) -> str:
    """``1. januar 2026 – 31. december 2026``."""
    return f"{format_date(span.start)} – {format_date(span.end)}"


def clock(moment: dt.datetime) -> str:
    """``16.00``."""
    return format_time(moment)
