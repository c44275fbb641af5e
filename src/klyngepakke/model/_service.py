"""Fee-schedule services, other counted events, and the metrics a package computes from them."""

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
"""Codes in service data (``ydelseskode``): 2–6 letters or digits, for services and events."""


def _service_code_problems(code: str, example: str) -> Iterator[Problem]:
    if not _SERVICE_CODE.fullmatch(code):
        yield Problem(("code",), f"{code!r} is not {example}")


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
        yield from _service_code_problems(self.code, "a service code like '0124'")
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


@attrs.frozen
class CountedEvent(Checked):
    """Something counted per practice that is not a fee-schedule service.

    For example referrals to municipal prevention offers, which the municipality counts: an
    event has no fee and no billing limit. ``code`` follows the rule of service codes, so the
    same service-data files (counts or claims, ``ydelseskode``) carry it. ``counted_by`` says
    who counts it, as people read it (``"Kommunen"``).
    """

    code: str
    name: str
    counted_by: str
    description: str = ""

    def _check(self) -> Iterator[Problem]:
        yield from _service_code_problems(
            self.code, "an event code of 2-6 letters or digits like 'HFOR'"
        )
        yield from text_problems(self.name, "name")
        yield from text_problems(self.counted_by, "counted_by")


class Denominator(LabelledEnum):
    """What a rate is counted per."""

    GROUP1_INSURED = "group1_insured"


Denominator._labels = {"group1_insured": "gruppe 1-sikrede"}


class ReferenceLevel(LabelledEnum):
    """The group of practices a practice's rate is compared with (the funnel's target)."""

    REGION = "region"
    MUNICIPALITY = "municipality"


ReferenceLevel._labels = {"region": "Regionen", "municipality": "Kommunen"}


@attrs.frozen
class MetricDefinition(Checked):
    """What to count per ``per`` patients over a period: services, or other counted events.

    Exactly one of ``service_codes`` (codes of the package's
    :class:`ServiceCode` objects, with fees) and ``counted_events`` (codes of its
    :class:`CountedEvent` objects, without fees) names what is counted. ``compare_with`` is
    the group each practice is compared with: its region (the default) or its municipality,
    for what a municipality decides or counts itself.
    """

    id: str
    title: str
    service_codes: tuple[str, ...] = ()
    denominator: Denominator = Denominator.GROUP1_INSURED
    per: int = 1000
    period_months: int = 12
    description: str = ""
    counted_events: tuple[str, ...] = ()
    compare_with: ReferenceLevel = ReferenceLevel.REGION

    @property
    def codes(self) -> tuple[str, ...]:
        """The codes counted: the service codes, or else the counted events."""
        return self.service_codes or self.counted_events

    @property
    def counts_events(self) -> bool:
        """Whether the metric counts events (no fees, no billing limits) rather than services."""
        return bool(self.counted_events)

    def _check(self) -> Iterator[Problem]:
        yield from code_problems(self.id, "id")
        yield from text_problems(self.title, "title")
        if not self.service_codes and not self.counted_events:
            yield Problem(
                ("service_codes",),
                "a metric counts at least one service code or counted event",
            )
        if self.service_codes and self.counted_events:
            yield Problem(
                ("counted_events",),
                "a metric counts either service codes or counted events, not both; got "
                f"service_codes {list(self.service_codes)} and counted_events "
                f"{list(self.counted_events)}",
            )
        yield from positive_problems(self.per, "per")
        yield from positive_problems(self.period_months, "period_months")
