"""Runbooks: tasks before, during and after a meeting, with owners and relative deadlines."""

from __future__ import annotations

import re
from collections.abc import Iterator

import attrs

from klyngepakke.errors import Problem
from klyngepakke.model._base import (
    Checked,
    LabelledEnum,
    code_problems,
    text_problems,
    unique_problems,
)


class Phase(LabelledEnum):
    """When a task happens relative to the meeting."""

    BEFORE = "before"
    DURING = "during"
    AFTER = "after"


Phase._labels = {"before": "Før mødet", "during": "Under mødet", "after": "Efter mødet"}


class Role(LabelledEnum):
    """Who owns a task."""

    CLUSTER_COORDINATOR = "cluster_coordinator"
    CLUSTER_MEMBERS = "cluster_members"
    MUNICIPALITY = "municipality"
    KIAP = "kiap"
    REGION = "region"
    CHAIR = "chair"
    MINUTE_TAKER = "minute_taker"
    PARTICIPANTS = "participants"


Role._labels = {
    "cluster_coordinator": "Klyngekoordinator",
    "cluster_members": "Klyngens medlemmer",
    "municipality": "Kommunen",
    "kiap": "KiAP",
    "region": "Regionen",
    "chair": "Mødeleder",
    "minute_taker": "Referent",
    "participants": "Alle deltagere",
}


class TimeUnit(LabelledEnum):
    """Calendar unit of a relative deadline."""

    DAYS = "days"
    WEEKS = "weeks"
    MONTHS = "months"
    YEARS = "years"


TimeUnit._labels = {"days": "dage", "weeks": "uger", "months": "måneder", "years": "år"}

_APPROXIMATE_DAYS = {TimeUnit.DAYS: 1, TimeUnit.WEEKS: 7, TimeUnit.MONTHS: 30, TimeUnit.YEARS: 365}
_DEADLINE_PATTERN = re.compile(
    r"^\s*(?P<amount>[0-9]+)\s+(?P<unit>day|week|month|year)s?\s+(?P<relation>before|after)\s*$"
)
ON_THE_DAY = "on the day"


@attrs.frozen(order=False)
class RelativeDeadline(Checked):
    """A deadline as an offset from the meeting day: negative is before, positive after.

    Written in files as ``"8 weeks before"``, ``"1 year after"`` or ``"on the day"``.
    """

    offset: int
    unit: TimeUnit = TimeUnit.DAYS

    @classmethod
    def parse(cls, text: str) -> RelativeDeadline:
        """Read the file form; raises ``ValueError`` with the accepted forms."""
        if text.strip() == ON_THE_DAY:
            return cls(0, TimeUnit.DAYS)
        match = _DEADLINE_PATTERN.match(text)
        if match is None:
            raise ValueError(
                f"{text!r} is not a deadline like '8 weeks before', '2 days after' or 'on the day'"
            )
        amount = int(match["amount"])
        sign = -1 if match["relation"] == "before" else 1
        return cls(sign * amount, TimeUnit(match["unit"] + "s"))

    @property
    def approximate_days(self) -> int:
        """Days from the meeting, counting a month as 30 and a year as 365: for ordering only."""
        return self.offset * _APPROXIMATE_DAYS[self.unit]

    @property
    def label(self) -> str:
        """Danish text, e.g. ``8 uger før``."""
        if self.offset == 0:
            return "på dagen"
        amount = abs(self.offset)
        unit = {"days": "dag", "weeks": "uge", "months": "måned", "years": "år"}[self.unit.value]
        if amount != 1:
            unit = self.unit.label
        return f"{amount} {unit} {'før' if self.offset < 0 else 'efter'}"

    def __str__(self) -> str:
        if self.offset == 0 and self.unit is TimeUnit.DAYS:
            return ON_THE_DAY
        amount = abs(self.offset)
        unit = self.unit.value if amount != 1 else self.unit.value[:-1]
        return f"{amount} {unit} {'before' if self.offset < 0 else 'after'}"


@attrs.frozen
class Task(Checked):
    """One thing someone must do for the meeting, by a deadline relative to it.

    ``checklist`` holds the points to go through when doing it (e.g. at the pre-meeting).
    """

    id: str
    title: str
    phase: Phase
    owner: Role
    description: str = ""
    deadline: RelativeDeadline | None = None
    depends_on: tuple[str, ...] = ()
    checklist: tuple[str, ...] = ()

    def _check(self) -> Iterator[Problem]:
        yield from code_problems(self.id, "id")
        yield from text_problems(self.title, "title")
        for index, point in enumerate(self.checklist):
            yield from text_problems(point, "checklist", index)
        if self.deadline is not None:
            offset = self.deadline.offset
            wrong = (
                (self.phase is Phase.BEFORE and offset > 0)
                or (self.phase is Phase.DURING and offset != 0)
                or (self.phase is Phase.AFTER and offset < 0)
            )
            if wrong:
                yield Problem(
                    ("deadline",), f"{self.deadline} does not fit phase {self.phase.value!r}"
                )
        if self.id in self.depends_on:
            yield Problem(("depends_on",), f"task {self.id!r} cannot depend on itself")


@attrs.frozen
class Runbook(Checked):
    """The drejebog: a package's tasks in order, each with its owner and deadline."""

    title: str
    tasks: tuple[Task, ...]
    introduction: str = ""

    def task(self, task_id: str) -> Task:
        """The task with this id; ``KeyError`` if there is none."""
        for task in self.tasks:
            if task.id == task_id:
                return task
        raise KeyError(task_id)

    def _check(self) -> Iterator[Problem]:
        yield from text_problems(self.title, "title")
        if not self.tasks:
            yield Problem(("tasks",), "a runbook needs at least one task")
        yield from unique_problems(
            ((("tasks", i, "id"), task.id) for i, task in enumerate(self.tasks)), "task id"
        )
        by_id = {task.id: task for task in self.tasks}
        for index, task in enumerate(self.tasks):
            for dep in task.depends_on:
                path = ("tasks", index, "depends_on")
                other = by_id.get(dep)
                if other is None:
                    yield Problem(path, f"unknown task {dep!r}")
                elif (
                    other.deadline is not None
                    and task.deadline is not None
                    and other.deadline.approximate_days > task.deadline.approximate_days
                ):
                    yield Problem(
                        path,
                        f"depends on {dep!r} ({other.deadline}), which is due after this task "
                        f"({task.deadline})",
                    )
        yield from _cycle_problems(by_id)


def _cycle_problems(by_id: dict[str, Task]) -> Iterator[Problem]:
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done

    def visit(task_id: str, trail: list[str]) -> list[str] | None:
        state[task_id] = 1
        for dep in by_id[task_id].depends_on:
            if dep not in by_id or dep == task_id:
                continue
            if state.get(dep) == 1:
                return [*trail, task_id, dep]
            if dep not in state and (cycle := visit(dep, [*trail, task_id])):
                return cycle
        state[task_id] = 2
        return None

    for task_id in by_id:
        if task_id not in state and (cycle := visit(task_id, [])):
            yield Problem(("tasks",), "dependencies form a cycle: " + " -> ".join(cycle))
            return
