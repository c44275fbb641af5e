"""People and organisations, shared by clusters and meetings."""

from __future__ import annotations

import re
from collections.abc import Iterator

import attrs

from klyngepakke.errors import PathPart, Problem
from klyngepakke.model._base import Checked, LabelledEnum, text_problems

# A sanity check, not RFC 5322: one @, something on both sides, a dot in the domain, no spaces.
_PHONE = re.compile(r"\+?[0-9][0-9 -]{5,}[0-9]")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def email_problems(value: str, *path: PathPart) -> Iterator[Problem]:
    """An e-mail address must at least look like one."""
    if not _EMAIL.fullmatch(value):
        yield Problem(path, f"{value!r} does not look like an e-mail address")


class OrganisationKind(LabelledEnum):
    """What sort of body an organisation is."""

    MUNICIPALITY = "municipality"
    REGION = "region"
    HOSPITAL = "hospital"
    GENERAL_PRACTICE = "general_practice"
    CLUSTER = "cluster"
    KIAP = "kiap"
    PATIENT_REPRESENTATIVES = "patient_representatives"
    OTHER = "other"


OrganisationKind._labels = {
    "municipality": "Kommune",
    "region": "Region",
    "hospital": "Hospital",
    "general_practice": "Almen praksis",
    "cluster": "Klynge",
    "kiap": "KiAP",
    "patient_representatives": "Patient- og pårørenderepræsentanter",
    "other": "Anden organisation",
}


@attrs.frozen
class Organisation(Checked):
    """A body people belong to: a municipality, a hospital unit, the cluster, KiAP."""

    name: str
    kind: OrganisationKind = OrganisationKind.OTHER

    def _check(self) -> Iterator[Problem]:
        yield from text_problems(self.name, "name")


@attrs.frozen
class Person(Checked):
    """A named person (or a function such as "KiAP support") with optional contact details."""

    name: str
    title: str = ""
    organisation: str = ""
    email: str = ""
    phone: str = ""

    def _check(self) -> Iterator[Problem]:
        yield from text_problems(self.name, "name")
        if self.email:
            yield from email_problems(self.email, "email")
        if self.phone and not _PHONE.fullmatch(self.phone):
            yield Problem(("phone",), f"{self.phone!r} does not look like a phone number")
