"""Recommendations by actor: what a package advises general practice, the municipality, or both.

A package's recommendations (*anbefalinger*) can be listed, filtered by who is responsible and
turned into a checklist (☐ / anbefaling / hvem) for the meeting. A programme item presents them
by naming :data:`ALL_RECOMMENDATIONS` or a group in its ``shows``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Final

import attrs

from klyngepakke.errors import Problem
from klyngepakke.model._base import Checked, code_problems, positive_problems, text_problems
from klyngepakke.model._runbook import Role

__all__ = ["ALL_RECOMMENDATIONS", "Recommendation", "group_recommendations", "roles_label"]

ALL_RECOMMENDATIONS: Final = "recommendations"
"""The name a programme item's ``shows`` uses for all of a package's recommendations."""


@attrs.frozen
class Recommendation(Checked):
    """One recommendation: the action, who is responsible for it, and where it comes from.

    ``text`` is the action without the actor ("Sender kvittering til almen praksis, …"), so it
    reads as a checklist line next to the responsible roles. ``responsible`` holds at least one
    :class:`Role`, none twice. ``group`` gathers recommendations under a heading (a stage of a
    pathway, say); ``reference`` is the 1-based number of the package reference the
    recommendation comes from. (An agenda item's ``recommendations`` are something else: what
    the meeting is asked to decide, its *indstilling*.)
    """

    id: str
    text: str
    responsible: tuple[Role, ...]
    group: str = ""
    reference: int | None = None

    @property
    def responsible_label(self) -> str:
        """Who is responsible, in Danish: ``Klyngens medlemmer og kommunen``."""
        return roles_label(self.responsible)

    def is_for(self, role: Role) -> bool:
        """Whether ``role`` is one of the responsible roles."""
        return role in self.responsible

    def _check(self) -> Iterator[Problem]:
        yield from code_problems(self.id, "id")
        yield from text_problems(self.text, "text")
        if not self.responsible:
            yield Problem(("responsible",), "needs at least one role")
        seen: set[Role] = set()
        for index, role in enumerate(self.responsible):
            if role in seen:
                yield Problem(("responsible", index), f"{role.value!r} is named twice")
            seen.add(role)
        if self.group and not self.group.strip():
            yield Problem(("group",), f"must be a heading or left out, got {self.group!r}")
        if self.reference is not None:
            yield from positive_problems(self.reference, "reference")


def roles_label(roles: Iterable[Role]) -> str:
    """Roles as one Danish phrase: ``Klyngekoordinator, KiAP og kommunen``.

    Labels after the first start in lower case unless they are names such as ``KiAP``.
    """
    labels = [role.label for role in roles]
    labels[1:] = [_in_sentence(label) for label in labels[1:]]
    if len(labels) <= 1:
        return "".join(labels)
    return ", ".join(labels[:-1]) + " og " + labels[-1]


def _in_sentence(label: str) -> str:
    first_word = label.split(" ", 1)[0]
    if first_word[1:] == first_word[1:].lower():
        return label[:1].lower() + label[1:]
    return label


def group_recommendations(
    recommendations: Iterable[Recommendation],
) -> tuple[tuple[str, tuple[Recommendation, ...]], ...]:
    """The recommendations by ``group``, groups in order of first appearance.

    Recommendations without a group form a group named ``""``. Each group keeps its
    recommendations in their original order.
    """
    groups: dict[str, list[Recommendation]] = {}
    for recommendation in recommendations:
        groups.setdefault(recommendation.group, []).append(recommendation)
    return tuple((group, tuple(members)) for group, members in groups.items())
