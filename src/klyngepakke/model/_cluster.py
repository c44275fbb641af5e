"""Clusters, their practices and regions."""

from __future__ import annotations

import re
from collections.abc import Iterator

import attrs

from klyngepakke.errors import PathPart, Problem
from klyngepakke.model._base import Checked, LabelledEnum, text_problems, unique_problems
from klyngepakke.model._people import Person, email_problems

_PROVIDER_ID = re.compile(r"[0-9]{6}")


def provider_id_problems(value: str, *path: PathPart) -> Iterator[Problem]:
    """Provider numbers (ydernumre) are six digits kept as text: leading zeros matter."""
    if not _PROVIDER_ID.fullmatch(value):
        yield Problem(path, f"{value!r} is not a provider number (six digits, as text)")


class Region(LabelledEnum):
    """The five Danish regions."""

    HOVEDSTADEN = "hovedstaden"
    SJAELLAND = "sjaelland"
    SYDDANMARK = "syddanmark"
    MIDTJYLLAND = "midtjylland"
    NORDJYLLAND = "nordjylland"


Region._labels = {
    "hovedstaden": "Region Hovedstaden",
    "sjaelland": "Region Sjælland",
    "syddanmark": "Region Syddanmark",
    "midtjylland": "Region Midtjylland",
    "nordjylland": "Region Nordjylland",
}


@attrs.frozen
class Practice(Checked):
    """A member practice, identified by its provider number."""

    provider_id: str
    name: str = ""
    list_size: int | None = None

    def _check(self) -> Iterator[Problem]:
        yield from provider_id_problems(self.provider_id, "provider_id")
        if self.list_size is not None and self.list_size < 0:
            yield Problem(("list_size",), f"must not be negative, got {self.list_size}")


@attrs.frozen
class Cluster(Checked):
    """A GP quality cluster: its region, municipalities, practices and people."""

    name: str
    region: Region
    municipalities: tuple[str, ...] = ()
    practices: tuple[Practice, ...] = ()
    coordinator: Person | None = None
    member_emails: tuple[str, ...] = ()

    def _check(self) -> Iterator[Problem]:
        yield from text_problems(self.name, "name")
        for index, municipality in enumerate(self.municipalities):
            yield from text_problems(municipality, "municipalities", index)
        yield from unique_problems(
            (
                (("practices", i, "provider_id"), p.provider_id)
                for i, p in enumerate(self.practices)
            ),
            "provider number",
        )
        for index, email in enumerate(self.member_emails):
            yield from email_problems(email, "member_emails", index)
        yield from unique_problems(
            ((("member_emails", i), e.lower()) for i, e in enumerate(self.member_emails)),
            "e-mail address",
        )
