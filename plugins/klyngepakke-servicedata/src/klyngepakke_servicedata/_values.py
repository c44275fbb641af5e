"""Cell values as regions write them: provider numbers, counts, periods and dates.

Every parser takes the text of a cell and returns the value, or raises :class:`CellError`
with a message that does *not* quote the cell (the caller decides whether it may: claims
files hold patient pseudonyms, so their values are never repeated).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from typing import Final

import attrs

from klyngepakke.tables import parse_number

__all__ = [
    "CellError",
    "Span",
    "granularity",
    "parse_day",
    "parse_label",
    "parse_period",
    "parse_provider_digits",
    "parse_service_code",
    "parse_whole",
]


class CellError(ValueError):
    """A cell that cannot be read; the message says what was expected, without the value."""


@attrs.frozen
class Span:
    """A period: first and last day, both included."""

    start: dt.date
    end: dt.date


PERIOD_EXAMPLES: Final = "2025, 2025-03, 2025K1, marts 2025, 2025-03-01 or 01-03-2025"
DATE_EXAMPLES: Final = "2025-03-01, 01-03-2025 or 1.3.2025"

_MONTHS: Final[dict[str, int]] = {
    name: number
    for number, names in enumerate(
        (
            ("januar", "jan"),
            ("februar", "feb"),
            ("marts", "mar"),
            ("april", "apr"),
            ("maj",),
            ("juni", "jun"),
            ("juli", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("oktober", "okt"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_MONTH_NAME = "(?P<name>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_TIME = r"(?:[ t]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:z|[+-]\d{2}(?::?\d{2})?)?)?"

_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})" + _TIME)
_DANISH_DATE = re.compile(r"(\d{1,2})([-./])(\d{1,2})\2(\d{4})" + _TIME)
_SHORT_YEAR_DATE = re.compile(r"\d{1,2}([-./])\d{1,2}\1\d{2}")
_YEAR = re.compile(r"(\d{4})")
_QUARTER = (
    re.compile(r"(?P<y>\d{4})\s*[-/ ]?\s*[kq]\s*(?P<q>[1-4])"),
    re.compile(r"[kq]\s*(?P<q>[1-4])\s*[-/ ]?\s*(?P<y>\d{4})"),
    re.compile(r"(?P<q>[1-4])\.?\s*(?:kvartal|kvt\.?)\s*(?P<y>\d{4})"),
)
_MONTH = (
    re.compile(r"(?P<y>\d{4})\s*[-/.m]\s*(?P<m>\d{1,2})"),
    re.compile(r"(?P<y>\d{4})(?P<m>\d{2})"),
    re.compile(r"(?P<m>\d{1,2})\s*[-/.]\s*(?P<y>\d{4})"),
    re.compile(_MONTH_NAME + r"\s*[-/ ]?\s*(?P<y>\d{4}|\d{2})"),
    re.compile(r"(?P<y>\d{4})\s*[-/ ]?\s*" + _MONTH_NAME),
)
_WHOLE_WITH_THOUSANDS = re.compile(r"[-+]?\d{1,3}(?:\.\d{3})+")
_SERVICE_CODE = re.compile(r"[0-9A-Za-z]{2,6}")
_DIGITS_WITH_ZERO_DECIMALS = re.compile(r"(\d+)\.0+")
_TOTALS: Final = frozenset({"i alt", "ialt", "total", "totalt", "sum", "samlet", "alle"})


def _clean(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip().replace("\u00a0", " ")


def _date(year: int, month: int, day: int) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise CellError(f"no such date (expected e.g. {DATE_EXAMPLES})") from None


def _month_span(year: int, month: int) -> Span:
    if not 1 <= month <= 12:
        raise CellError(f"no such month (expected e.g. {PERIOD_EXAMPLES})")
    return Span(dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1]))


def _quarter_span(year: int, quarter: int) -> Span:
    first = 3 * (quarter - 1) + 1
    return Span(_month_span(year, first).start, _month_span(year, first + 2).end)


def _check_year(year: int) -> int:
    if not 1900 <= year <= 2199:
        raise CellError(f"year out of range (expected e.g. {PERIOD_EXAMPLES})")
    return year


def _match_date(text: str) -> dt.date | None:
    if match := _ISO_DATE.fullmatch(text):
        year, month, day = (int(part) for part in match.groups())
        return _date(_check_year(year), month, day)
    if match := _DANISH_DATE.fullmatch(text):
        day_text, _, month_text, year_text = match.groups()
        return _date(_check_year(int(year_text)), int(month_text), int(day_text))
    return None


def parse_day(text: str) -> dt.date:
    """A date: ISO ``2025-03-01`` or Danish ``01-03-2025``/``1.3.2025``/``01/03/2025``.

    A time of day after the date (as spreadsheets and databases export it) is ignored.
    """
    cleaned = _clean(text).casefold()
    if not cleaned:
        raise CellError("missing date")
    found = _match_date(cleaned)
    if found is not None:
        return found
    if _SHORT_YEAR_DATE.fullmatch(cleaned):
        raise CellError(f"two-digit year: write the year in full (e.g. {DATE_EXAMPLES})")
    raise CellError(f"not a date (expected e.g. {DATE_EXAMPLES})")


def parse_period(text: str) -> Span:
    """A period: a year, a quarter, a month or a single day.

    ``2025``; ``2025K1``/``2025Q1``/``K1 2025``/``1. kvartal 2025``; ``2025-03``/``202503``/
    ``03-2025``/``2025M03``/``marts 2025``/``mar-25``; a date (ISO or Danish) is one day.
    """
    cleaned = _clean(text).casefold()
    if not cleaned:
        raise CellError("missing period")
    if _YEAR.fullmatch(cleaned):
        year = _check_year(int(cleaned))
        return Span(dt.date(year, 1, 1), dt.date(year, 12, 31))
    for pattern in _QUARTER:
        if match := pattern.fullmatch(cleaned):
            return _quarter_span(_check_year(int(match["y"])), int(match["q"]))
    day = _match_date(cleaned)
    if day is not None:
        return Span(day, day)
    for pattern in _MONTH:
        if match := pattern.fullmatch(cleaned):
            year_text = match["y"]
            year = int(year_text) + (2000 if len(year_text) == 2 else 0)
            names = match.groupdict()
            month = _MONTHS[names["name"]] if names.get("name") else int(names["m"])
            return _month_span(_check_year(year), month)
    if _SHORT_YEAR_DATE.fullmatch(cleaned):
        raise CellError(f"two-digit year: write the year in full (e.g. {PERIOD_EXAMPLES})")
    raise CellError(f"not a period (expected e.g. {PERIOD_EXAMPLES})")


def parse_period_part(text: str, year: int, part: str) -> Span:
    """A month (``3``, ``03``, ``marts``) or quarter (``1``, ``K1``, ``Q1``) within ``year``.

    A full period (``2025-03``, ``2025K1``) is accepted too and must lie in ``year``.
    """
    cleaned = _clean(text).casefold().rstrip(".")
    if not cleaned:
        raise CellError(f"missing {'month' if part == 'month' else 'quarter'}")
    if part == "month":
        if cleaned.isdigit() and len(cleaned) <= 2:
            return _month_span(year, int(cleaned))
        if cleaned in _MONTHS:
            return _month_span(year, _MONTHS[cleaned])
    else:
        bare = cleaned.lstrip("kq").strip()
        if bare.isdigit() and len(bare) == 1 and 1 <= int(bare) <= 4:
            return _quarter_span(year, int(bare))
    span = parse_period(text)
    if span.start.year != year:
        raise CellError(f"not in the year given in the year column ({year})")
    return span


def parse_year(text: str) -> int:
    """A four-digit year."""
    cleaned = _clean(text)
    if not cleaned:
        raise CellError("missing year")
    if not _YEAR.fullmatch(cleaned):
        raise CellError("not a year (expected e.g. 2025)")
    return _check_year(int(cleaned))


_GRANULARITY_NAMES: Final[dict[str, str]] = {
    "day": "days",
    "week": "weeks",
    "month": "months",
    "quarter": "quarters",
    "half-year": "half-years",
    "year": "years",
}


def granularity(span: Span) -> str:
    """What sort of period a span is.

    ``day``, ``week``, ``month``, ``quarter``, ``half-year``, ``year``, or ``N-day period``.
    """
    start, end = span.start, span.end
    if start == end:
        return "day"
    if start.weekday() == 0 and (end - start).days == 6:
        return "week"
    if start.day == 1 and end == _month_span(end.year, end.month).end:
        months = (end.year - start.year) * 12 + end.month - start.month + 1
        if months == 1:
            return "month"
        if months == 3 and start.month in (1, 4, 7, 10):
            return "quarter"
        if months == 6 and start.month in (1, 7):
            return "half-year"
        if months == 12 and start.month == 1:
            return "year"
    return f"{(end - start).days + 1}-day period"


def granularity_plural(name: str) -> str:
    """``months`` for ``month``; ``31-day periods`` for ``31-day period``."""
    return _GRANULARITY_NAMES.get(name, name + "s")


def parse_whole(text: str, what: str) -> int:
    """A whole number, with a decimal comma (``12,0``) or thousands points (``1.234``) allowed.

    In a column of whole numbers ``1.234`` can only mean 1234, so points in groups of three
    digits are read as thousands separators.
    """
    cleaned = _clean(text)
    if not cleaned:
        raise CellError(f"missing {what}")
    if _WHOLE_WITH_THOUSANDS.fullmatch(cleaned):
        cleaned = cleaned.replace(".", "")
    try:
        value = parse_number(cleaned)
    except ValueError:
        raise CellError(f"{what} is not a number") from None
    if not value.is_integer():
        raise CellError(f"{what} is not a whole number")
    return int(value)


def parse_provider_digits(text: str) -> str:
    """The digits of a provider number (``4812.0`` from a float column gives ``4812``).

    Whether it has six digits, or can be repaired to six, is decided for the whole file.
    """
    cleaned = _clean(text)
    if not cleaned:
        raise CellError("missing provider number")
    if match := _DIGITS_WITH_ZERO_DECIMALS.fullmatch(cleaned):
        cleaned = match.group(1)
    if cleaned.casefold().rstrip(":") in _TOTALS:
        raise CellError("a total row? Only rows for single providers belong in the file")
    if not cleaned.isascii() or not cleaned.isdigit():
        raise CellError("not a provider number (six digits)")
    if len(cleaned) > 6:
        raise CellError("not a provider number: more than six digits")
    return cleaned


def parse_service_code(text: str) -> str:
    """A service code like ``0124`` (two to six letters or digits), kept as text."""
    cleaned = _clean(text)
    if not cleaned:
        raise CellError("missing service code")
    if not _SERVICE_CODE.fullmatch(cleaned):
        raise CellError("not a service code like 0124")
    return cleaned


def parse_label(text: str, what: str) -> str:
    """A name (cluster, municipality, region) with surrounding spaces removed."""
    cleaned = " ".join(_clean(text).split())
    if not cleaned:
        raise CellError(f"missing {what}")
    return cleaned


def expand_day(span: Span, length: str | None) -> Span:
    """A one-day period read as the ``month``/``quarter``/``year`` it starts (``period_length``).

    Excel turns ``2025-03`` into the date 1 March 2025; this gives the month back.
    """
    if length is None or span.start != span.end:
        return span
    day = span.start
    if length == "month":
        if day.day != 1:
            raise CellError("not the first day of a month (period_length=month)")
        return _month_span(day.year, day.month)
    if length == "quarter":
        if day.day != 1 or day.month not in (1, 4, 7, 10):
            raise CellError("not the first day of a quarter (period_length=quarter)")
        return _quarter_span(day.year, (day.month - 1) // 3 + 1)
    if (day.month, day.day) != (1, 1):
        raise CellError("not the first day of a year (period_length=year)")
    return Span(day, dt.date(day.year, 12, 31))
