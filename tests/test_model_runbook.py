"""Invariants of runbooks (drejebøger): tasks, phases, relative deadlines and dependencies."""

from __future__ import annotations

import pytest

from klyngepakke.errors import ModelError, Problem
from klyngepakke.model import Phase, RelativeDeadline, Role, Runbook, Task, TimeUnit

BEFORE, DURING, AFTER = Phase.BEFORE, Phase.DURING, Phase.AFTER


def task(
    task_id: str,
    phase: Phase = BEFORE,
    deadline: str | None = None,
    depends_on: tuple[str, ...] = (),
    title: str = "Bestil klyngepakken på KiAP.dk",
) -> Task:
    return Task(
        task_id,
        title,
        phase,
        Role.CLUSTER_COORDINATOR,
        deadline=RelativeDeadline.parse(deadline) if deadline else None,
        depends_on=depends_on,
    )


# -- RelativeDeadline -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "offset", "unit"),
    [
        ("8 weeks before", -8, TimeUnit.WEEKS),
        ("1 week before", -1, TimeUnit.WEEKS),
        ("2 days after", 2, TimeUnit.DAYS),
        ("1 day after", 1, TimeUnit.DAYS),
        ("3 months before", -3, TimeUnit.MONTHS),
        ("1 year after", 1, TimeUnit.YEARS),
        ("  14 days   before ", -14, TimeUnit.DAYS),
        ("on the day", 0, TimeUnit.DAYS),
        ("  on the day ", 0, TimeUnit.DAYS),
        ("0 days before", 0, TimeUnit.DAYS),
    ],
)
def test_deadline_parse_accepts(text: str, offset: int, unit: TimeUnit) -> None:
    assert RelativeDeadline.parse(text) == RelativeDeadline(offset, unit)


@pytest.mark.parametrize(
    "text",
    ["", "8 weeks", "eight weeks before", "8 fortnights before", "-8 weeks before",
     "8 Weeks before", "8 weeks before the meeting", "on the day after", "8weeks before"],
)  # fmt: skip
def test_deadline_parse_rejects(text: str) -> None:
    with pytest.raises(ValueError, match="is not a deadline like") as info:
        RelativeDeadline.parse(text)
    assert str(info.value) == (
        f"{text!r} is not a deadline like '8 weeks before', '2 days after' or 'on the day'"
    )


@pytest.mark.parametrize(
    ("deadline", "text", "label", "days"),
    [
        (RelativeDeadline(-8, TimeUnit.WEEKS), "8 weeks before", "8 uger før", -56),
        (RelativeDeadline(-1, TimeUnit.WEEKS), "1 week before", "1 uge før", -7),
        (RelativeDeadline(2, TimeUnit.DAYS), "2 days after", "2 dage efter", 2),
        (RelativeDeadline(-1, TimeUnit.DAYS), "1 day before", "1 dag før", -1),
        (RelativeDeadline(1, TimeUnit.MONTHS), "1 month after", "1 måned efter", 30),
        (RelativeDeadline(-3, TimeUnit.MONTHS), "3 months before", "3 måneder før", -90),
        (RelativeDeadline(1, TimeUnit.YEARS), "1 year after", "1 år efter", 365),
        (RelativeDeadline(2, TimeUnit.YEARS), "2 years after", "2 år efter", 730),
        (RelativeDeadline(0), "on the day", "på dagen", 0),
    ],
)
def test_deadline_text_label_and_days(
    deadline: RelativeDeadline, text: str, label: str, days: int
) -> None:
    assert str(deadline) == text
    assert deadline.label == label
    assert deadline.approximate_days == days
    assert RelativeDeadline.parse(text) == deadline


def test_enum_labels_are_danish() -> None:
    assert Phase.BEFORE.label == "Før mødet"
    assert Phase.AFTER.label == "Efter mødet"
    assert Role.MUNICIPALITY.label == "Kommunen"
    assert Role.MINUTE_TAKER.label == "Referent"
    assert TimeUnit.MONTHS.label == "måneder"


# -- Task -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("phase", "deadline"),
    [
        (BEFORE, "8 weeks before"),
        (BEFORE, "on the day"),
        (DURING, "on the day"),
        (AFTER, "on the day"),
        (AFTER, "2 weeks after"),
        (DURING, None),
    ],
)
def test_task_deadline_fits_phase(phase: Phase, deadline: str | None) -> None:
    assert task("t", phase, deadline).phase is phase


@pytest.mark.parametrize(
    ("phase", "deadline"),
    [(BEFORE, "2 days after"), (DURING, "1 day before"), (DURING, "1 day after"),
     (AFTER, "1 week before")],
)  # fmt: skip
def test_task_deadline_must_fit_phase(phase: Phase, deadline: str) -> None:
    with pytest.raises(ModelError) as info:
        task("t", phase, deadline)
    assert info.value.problems == (
        Problem(("deadline",), f"{deadline} does not fit phase {phase.value!r}"),
    )


def test_task_id_must_be_a_code_and_title_not_empty() -> None:
    with pytest.raises(ModelError) as info:
        task("bestil pakke", title=" ")
    assert info.value.problems == (
        Problem(
            ("id",),
            "'bestil pakke' is not a valid code (letters, digits, '_', '.', '-'; no spaces)",
        ),
        Problem(("title",), "must not be empty, got ' '"),
    )
    assert "invalid Task: id: 'bestil pakke' is not a valid code" in str(info.value)


def test_task_ids_may_use_danish_letters_digits_dots_and_dashes() -> None:
    assert task("formøde-1.2_b").id == "formøde-1.2_b"


def test_task_cannot_depend_on_itself() -> None:
    with pytest.raises(ModelError) as info:
        task("a", depends_on=("b", "a"))
    assert info.value.problems == (Problem(("depends_on",), "task 'a' cannot depend on itself"),)


# -- Runbook --------------------------------------------------------------------------------


def test_runbook_lookup() -> None:
    runbook = Runbook("Drejebog", (task("a"), task("b", depends_on=("a",))))
    assert runbook.task("b").depends_on == ("a",)
    with pytest.raises(KeyError):
        runbook.task("c")


def test_runbook_needs_title_and_tasks() -> None:
    with pytest.raises(ModelError) as info:
        Runbook("", ())
    assert info.value.problems == (
        Problem(("title",), "must not be empty, got ''"),
        Problem(("tasks",), "a runbook needs at least one task"),
    )


def test_runbook_task_ids_are_unique() -> None:
    with pytest.raises(ModelError) as info:
        Runbook("Drejebog", (task("a"), task("b"), task("a")))
    assert info.value.problems == (
        Problem(("tasks", 2, "id"), "duplicate task id 'a' (first used at tasks[0].id)"),
    )


def test_runbook_unknown_dependency() -> None:
    with pytest.raises(ModelError) as info:
        Runbook("Drejebog", (task("a"), task("b", depends_on=("a", "formøde"))))
    assert info.value.problems == (Problem(("tasks", 1, "depends_on"), "unknown task 'formøde'"),)


def test_runbook_dependency_due_after_dependent() -> None:
    ok = Runbook(
        "Drejebog",
        (
            task("a", deadline="8 weeks before"),
            task("b", deadline="8 weeks before", depends_on=("a",)),
            task("c", deadline="1 month before", depends_on=("b",)),
            task("d", depends_on=("c",)),  # no deadline: nothing to compare
        ),
    )
    assert len(ok.tasks) == 4
    with pytest.raises(ModelError) as info:
        Runbook(
            "Drejebog",
            (
                task("a", deadline="2 weeks before"),
                task("b", deadline="1 month before", depends_on=("a",)),
            ),
        )
    assert info.value.problems == (
        Problem(
            ("tasks", 1, "depends_on"),
            "depends on 'a' (2 weeks before), which is due after this task (1 month before)",
        ),
    )


@pytest.mark.parametrize(
    ("tasks", "cycle"),
    [
        ((task("a", depends_on=("b",)), task("b", depends_on=("a",))), "a -> b -> a"),
        (
            (
                task("start"),
                task("a", depends_on=("start", "b")),
                task("b", depends_on=("c",)),
                task("c", depends_on=("a",)),
            ),
            "a -> b -> c -> a",
        ),
    ],
)
def test_runbook_dependencies_must_not_form_a_cycle(tasks: tuple[Task, ...], cycle: str) -> None:
    with pytest.raises(ModelError) as info:
        Runbook("Drejebog", tasks)
    assert info.value.problems == (Problem(("tasks",), f"dependencies form a cycle: {cycle}"),)


def test_runbook_diamond_is_not_a_cycle() -> None:
    runbook = Runbook(
        "Drejebog",
        (
            task("a"),
            task("b", depends_on=("a",)),
            task("c", depends_on=("a",)),
            task("d", depends_on=("b", "c", "a")),
        ),
    )
    assert [t.id for t in runbook.tasks] == ["a", "b", "c", "d"]


def test_runbook_cycle_through_unknown_task_is_reported_once_each() -> None:
    with pytest.raises(ModelError) as info:
        Runbook("Drejebog", (task("a", depends_on=("x", "b")), task("b", depends_on=("a",))))
    assert [str(p) for p in info.value.problems] == [
        "tasks[0].depends_on: unknown task 'x'",
        "tasks: dependencies form a cycle: a -> b -> a",
    ]
