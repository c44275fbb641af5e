"""Fee-schedule services and the metrics a package computes from service data."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from decimal import Decimal

import attrs

from klyngepakke.errors import Problem
from klyngepakke.model._base import (
    Checked,
    LabelledEnum,
    code_problems,
    positive_problems,
    text_problems,
    unique_problems,
)

_SERVICE_CODE = re.compile(r"[0-9A-Za-z]{2,6}")


class LimitPeriod(LabelledEnum):
    """The period a billing limit counts over."""

    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


LimitPeriod._labels = {
    "day": "dag",
    "week": "uge",
    "month": "måned",
    "quarter": "kvartal",
    "year": "år",
}


@attrs.frozen
class Fee(Checked):
    """A fee in force from a date (until the next fee of the same service)."""

    amount: Decimal
    valid_from: dt.date
    currency: str = "DKK"

    def _check(self) -> Iterator[Problem]:
        if self.amount < 0:
            yield Problem(("amount",), f"must not be negative, got {self.amount}")
        if not re.fullmatch(r"[A-Z]{3}", self.currency):
            yield Problem(("currency",), f"{self.currency!r} is not an ISO 4217 code like 'DKK'")


@attrs.frozen
class BillingLimit(Checked):
    """How often a service may be billed, e.g. at most twice a day per patient."""

    max_count: int
    per: LimitPeriod
    per_patient: bool = True

    def _check(self) -> Iterator[Problem]:
        yield from positive_problems(self.max_count, "max_count")


@attrs.frozen
class ServiceCode(Checked):
    """An item of the GP fee schedule (ydelse), such as 0124."""

    code: str
    name: str
    description: str = ""
    fees: tuple[Fee, ...] = ()
    limits: tuple[BillingLimit, ...] = ()

    def fee_on(self, day: dt.date) -> Fee | None:
        """The fee in force on ``day``, or ``None`` before the first known fee."""
        current = None
        for fee in self.fees:
            if fee.valid_from <= day:
                current = fee
        return current

    def _check(self) -> Iterator[Problem]:
        if not _SERVICE_CODE.fullmatch(self.code):
            yield Problem(("code",), f"{self.code!r} is not a service code like '0124'")
        yield from text_problems(self.name, "name")
        dates = [fee.valid_from for fee in self.fees]
        if dates != sorted(dates):
            yield Problem(("fees",), "fees must be in order of valid_from")
        yield from unique_problems(
            (
                (("fees", i, "valid_from"), f.valid_from.isoformat())
                for i, f in enumerate(self.fees)
            ),
            "fee date",
        )


class Denominator(LabelledEnum):
    """What a rate is counted per."""

    GROUP1_INSURED = "group1_insured"


Denominator._labels = {"group1_insured": "gruppe 1-sikrede"}


@attrs.frozen
class MetricDefinition(Checked):
    """What to count from service data: services per ``per`` patients over a period."""

    id: str
    title: str
    service_codes: tuple[str, ...]
    denominator: Denominator = Denominator.GROUP1_INSURED
    per: int = 1000
    period_months: int = 12
    description: str = ""

    def _check(self) -> Iterator[Problem]:
        yield from code_problems(self.id, "id")
        yield from text_problems(self.title, "title")
        if not self.service_codes:
            yield Problem(("service_codes",), "a metric counts at least one service code")
        yield from positive_problems(self.per, "per")
        yield from positive_problems(self.period_months, "period_months")
