"""Danish formats for what people read: dates, times and amounts.

The names are a fixed table rather than the C library's locale, which is often not installed
(``da_DK`` is missing on most servers and CI machines) and would make output depend on the
machine.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

__all__ = ["format_amount", "format_date", "format_time", "weekday_name"]

_MONTHS = (
    "januar",
    "februar",
    "marts",
    "april",
    "maj",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "december",
)
_WEEKDAYS = ("mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag")


def weekday_name(day: dt.date) -> str:
    """``mandag`` … ``søndag``."""
    return _WEEKDAYS[day.weekday()]


def format_date(day: dt.date, *, weekday: bool = False) -> str:
    """``11. marts 2027``, or ``torsdag 11. marts 2027`` with ``weekday``."""
    text = f"{day.day}. {_MONTHS[day.month - 1]} {day.year}"
    return f"{weekday_name(day)} {text}" if weekday else text


def format_time(moment: dt.time | dt.datetime) -> str:
    """``16.00``: Danish clock times use a full stop."""
    return f"{moment.hour:02d}.{moment.minute:02d}"


def format_amount(amount: Decimal, currency: str = "kr.") -> str:
    """``173,06 kr.``; thousands separated by full stops: ``1.234,50 kr.``."""
    rounded = amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    whole, _, cents = f"{abs(rounded):,.2f}".partition(".")
    sign = "-" if rounded < 0 else ""
    return f"{sign}{whole.replace(',', '.')},{cents} {currency}".rstrip()
