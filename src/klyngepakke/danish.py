"""Danish formats for what people read: dates, times, amounts and numbers.

The names are a fixed table rather than the C library's locale, which is often not installed
(``da_DK`` is missing on most servers and CI machines) and would make output depend on the
machine. Numbers have a decimal comma and a full stop between thousands, and are rounded half
up, as people round (12,5 % is shown as 13 %; Python's own rounding would give 12 %). Every
output that shows survey results or metrics (the text summary, slides, documents) formats its
numbers here, so they never disagree.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Final

__all__ = [
    "NO_VALUE",
    "format_amount",
    "format_count",
    "format_date",
    "format_decimal",
    "format_number",
    "format_percent",
    "format_points",
    "format_signed",
    "format_time",
    "weekday_name",
]

NO_VALUE: Final = "–"
"""Shown where a number does not exist (no answers, no baseline)."""

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


def format_count(value: int) -> str:
    """``1.331``: a whole number with thousands separated by full stops."""
    return f"{value:,}".replace(",", ".")


def format_decimal(value: float, places: int = 1) -> str:
    """``2,9``, ``1.234,5``: rounded half up to ``places`` decimals; never ``-0,0``."""
    # repr gives the shortest text that is the float, so 0.125 rounds to 0.13 as written,
    # not as the binary fraction just below it.
    rounded = Decimal(repr(float(value))).quantize(
        Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP
    )
    if rounded == 0:
        rounded = abs(rounded)
    return f"{rounded:,.{places}f}".replace(",", "_").replace(".", ",").replace("_", ".")


def format_number(value: float | None) -> str:
    """``12`` for whole numbers, ``12,5`` (one decimal) for others; ``–`` for no value."""
    if value is None:
        return NO_VALUE
    return format_decimal(value, 0 if float(value).is_integer() else 1)


def format_percent(value: float | None, places: int = 0) -> str:
    """``73 %`` (a space before the sign, as Danish writes it); ``–`` for no value."""
    return NO_VALUE if value is None else f"{format_decimal(value, places)} %"


def format_signed(value: float, places: int = 1) -> str:
    """``+0,3``, ``-1,2``; no sign when it rounds to zero: ``0,0``."""
    text = format_decimal(value, places)
    return text if text.startswith("-") or text.strip("0,.") == "" else f"+{text}"


def format_points(value: float) -> str:
    """A change in percentage points, whole and signed: ``+5 pp``, ``-3 pp``, ``0 pp``."""
    return f"{format_signed(value, 0)} pp"
