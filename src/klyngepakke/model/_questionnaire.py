"""Questionnaires, their local adaptations, and the responses that come back."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping

import attrs

from klyngepakke.errors import PathPart, Problem
from klyngepakke.model._base import (
    Checked,
    LabelledEnum,
    code_problems,
    text_problems,
    unique_problems,
)


class QuestionKind(LabelledEnum):
    """How a question is answered."""

    SINGLE_CHOICE = "single_choice"
    MULTIPLE_CHOICE = "multiple_choice"
    SCALE = "scale"
    NUMBER = "number"
    TEXT = "text"
    NOTE = "note"

    @property
    def has_options(self) -> bool:
        """Whether answers are option codes."""
        return self in (
            QuestionKind.SINGLE_CHOICE,
            QuestionKind.MULTIPLE_CHOICE,
            QuestionKind.SCALE,
        )


QuestionKind._labels = {
    "single_choice": "Ét svar",
    "multiple_choice": "Flere svar",
    "scale": "Skala",
    "number": "Tal",
    "text": "Fritekst",
    "note": "Tekst uden svar",
}


class Origin(LabelledEnum):
    """Who a question or option comes from."""

    STANDARD = "standard"
    CLUSTER = "cluster"
    MUNICIPALITY = "municipality"


Origin._labels = {"standard": "KiAP (standard)", "cluster": "Klyngen", "municipality": "Kommunen"}


@attrs.frozen
class Provenance(Checked):
    """Where an element comes from and, for local changes, why it was made."""

    origin: Origin = Origin.STANDARD
    reason: str = ""

    def _check(self) -> Iterator[Problem]:
        if self.origin is not Origin.STANDARD and not self.reason.strip():
            yield Problem(("reason",), f"a {self.origin.value} change needs a reason")


STANDARD = Provenance()


@attrs.frozen
class Option(Checked):
    """A possible answer.

    ``value`` places the option on a scale; a scale option without one (such as "ved ikke")
    is an answer off the scale and is left out of averages. ``exclusive`` marks an option of
    a multiple-choice question that rules out the others ("Nej, ingen").
    """

    code: str
    label: str
    value: int | None = None
    provenance: Provenance = STANDARD
    exclusive: bool = False

    @property
    def on_scale(self) -> bool:
        """Whether the option is a point on its question's scale."""
        return self.value is not None

    def _check(self) -> Iterator[Problem]:
        yield from code_problems(self.code, "code")
        yield from text_problems(self.label, "label")


@attrs.frozen
class Condition(Checked):
    """Show a question only when an earlier choice question was answered with one of ``any_of``."""

    question: str
    any_of: tuple[str, ...]

    def is_met(self, answers: Mapping[str, Answer]) -> bool:
        """Whether ``answers`` hold one of ``any_of`` for the condition's question."""
        answer = answers.get(self.question)
        if isinstance(answer, tuple | list):
            return any(code in self.any_of for code in answer)
        return answer in self.any_of

    def _check(self) -> Iterator[Problem]:
        yield from code_problems(self.question, "question")
        if not self.any_of:
            yield Problem(("any_of",), "a condition needs at least one option code")


@attrs.frozen
class Question(Checked):
    """One question; choice and scale questions have options, the others none."""

    code: str
    text: str
    kind: QuestionKind
    options: tuple[Option, ...] = ()
    required: bool = False
    show_if: Condition | None = None
    help: str = ""
    minimum: float | None = None
    maximum: float | None = None
    provenance: Provenance = STANDARD

    def option(self, code: str) -> Option:
        """The option with this code; ``KeyError`` if there is none."""
        for option in self.options:
            if option.code == code:
                return option
        raise KeyError(code)

    def _check(self) -> Iterator[Problem]:
        yield from code_problems(self.code, "code")
        yield from text_problems(self.text, "text")
        if self.kind.has_options and len(self.options) < 2:
            yield Problem(("options",), f"a {self.kind.value} question needs at least two options")
        if not self.kind.has_options and self.options:
            yield Problem(("options",), f"a {self.kind.value} question has no options")
        if self.kind is QuestionKind.NOTE and self.required:
            yield Problem(("required",), "a note cannot be required: it has no answer")
        if (
            self.minimum is not None or self.maximum is not None
        ) and self.kind is not QuestionKind.NUMBER:
            field = "minimum" if self.minimum is not None else "maximum"
            yield Problem((field,), f"only number questions have limits, not {self.kind.value}")
        if self.minimum is not None and self.maximum is not None and self.minimum >= self.maximum:
            yield Problem(("maximum",), f"{self.maximum} is not above the minimum {self.minimum}")
        yield from unique_problems(
            ((("options", i, "code"), o.code) for i, o in enumerate(self.options)), "option code"
        )
        if self.kind is QuestionKind.SCALE and len(self.options) >= 2:
            yield from self._scale_problems()
        for index, option in enumerate(self.options):
            if option.exclusive and self.kind is not QuestionKind.MULTIPLE_CHOICE:
                yield Problem(
                    ("options", index, "exclusive"),
                    "only options of a multiple_choice question can be exclusive, "
                    f"not {self.kind.value}",
                )

    def _scale_problems(self) -> Iterator[Problem]:
        values = [o.value for o in self.options if o.value is not None]
        first_off_scale = next((i for i, o in enumerate(self.options) if o.value is None), None)
        if len(values) < 2:
            yield Problem(("options",), "a scale needs at least two options with a value")
        elif values != sorted(values) or len(set(values)) != len(values):
            yield Problem(("options",), f"scale values must strictly increase, got {values}")
        if first_off_scale is not None and first_off_scale < len(values):
            yield Problem(
                ("options", first_off_scale, "value"),
                "options off the scale (without a value, like 'ved ikke') come after the scale",
            )


@attrs.frozen
class Section(Checked):
    """A titled group of questions."""

    code: str
    title: str
    questions: tuple[Question, ...]
    description: str = ""

    def _check(self) -> Iterator[Problem]:
        yield from code_problems(self.code, "code")
        yield from text_problems(self.title, "title")
        if not self.questions:
            yield Problem(("questions",), f"section {self.code!r} has no questions")


@attrs.frozen(kw_only=True)
class Removal(Checked):
    """A section, question or option a local version removed, with who asked for it and why.

    Give ``section`` alone, ``question`` alone, or ``question`` and ``option``. Removing a
    section or a question removes what is in it; that is not recorded again. ``provenance``
    must be a local one: its default is refused, so that a missing one is reported like that
    (and a file lists what was removed before who removed it).
    """

    section: str = ""
    question: str = ""
    option: str = ""
    provenance: Provenance = STANDARD

    def describe(self) -> str:
        """What was removed, in English, for messages."""
        if self.section:
            return f"section {self.section!r}"
        if self.option:
            return f"option {self.option!r} of question {self.question!r}"
        return f"question {self.question!r}"

    def _check(self) -> Iterator[Problem]:
        if self.section and (self.question or self.option):
            yield Problem(("section",), "give a removed section alone, without question or option")
        elif self.option and not self.question:
            yield Problem(("question",), "a removed option needs the code of its question")
        elif not (self.section or self.question):
            yield Problem(
                ("question",), "give the removed section, question, or question and option"
            )
        for field in ("section", "question", "option"):
            code = getattr(self, field)
            if code:
                yield from code_problems(code, field)
        yield from _local_problems(self.provenance, "removal")


@attrs.frozen
class Move(Checked):
    """A question a local version moved, in its section or to another, with who and why.

    ``provenance`` must be a local one, as for :class:`Removal`.
    """

    question: str
    provenance: Provenance = STANDARD

    def _check(self) -> Iterator[Problem]:
        yield from code_problems(self.question, "question")
        yield from _local_problems(self.provenance, "move")


def _local_problems(provenance: Provenance, what: str) -> Iterator[Problem]:
    if provenance.origin is Origin.STANDARD:
        yield Problem(
            ("provenance", "origin"),
            f"a {what} is asked for by the cluster or the municipality, not the standard",
        )


@attrs.frozen
class Basis(Checked):
    """The standard a local questionnaire was derived from, and what it removed and moved.

    Added and changed questions and options carry their own :class:`Provenance`; removals and
    moves leave nothing to carry it, so they are recorded here, and a saved local questionnaire
    still tells who asked for every one of them, and why. A local version of a local version
    keeps the original standard here and adds its removals and moves to those already made.
    """

    standard: str
    version: str
    removed: tuple[Removal, ...] = ()
    moved: tuple[Move, ...] = ()

    def _check(self) -> Iterator[Problem]:
        yield from code_problems(self.standard, "standard")
        yield from text_problems(self.version, "version")
        first: dict[tuple[str, str, str], int] = {}
        for index, removal in enumerate(self.removed):
            key = (removal.section, removal.question, removal.option)
            if key in first:
                yield Problem(
                    ("removed", index),
                    f"{removal.describe()} is removed twice (first at removed[{first[key]}])",
                )
            first.setdefault(key, index)
        yield from unique_problems(
            ((("moved", i, "question"), m.question) for i, m in enumerate(self.moved)),
            "moved question",
        )


@attrs.frozen
class Questionnaire(Checked):
    """A questionnaire sent to the cluster's members; codes are stable across versions."""

    id: str
    title: str
    sections: tuple[Section, ...]
    introduction: str = ""
    version: str = "1"
    based_on: Basis | None = None
    """For a local version: the standard it was derived from, and what it removed and moved."""

    def questions(self) -> Iterator[Question]:
        """Every question, in order."""
        for section in self.sections:
            yield from section.questions

    def question(self, code: str) -> Question:
        """The question with this code; ``KeyError`` if there is none."""
        for question in self.questions():
            if question.code == code:
                return question
        raise KeyError(code)

    def shown(self, answers: Mapping[str, Answer]) -> list[Question]:
        """The questions a respondent with ``answers`` is shown, in order.

        A question is shown when it has no condition, or its condition is met and the
        question the condition looks at was itself shown.
        """
        seen: set[str] = set()
        shown: list[Question] = []
        for question in self.questions():
            condition = question.show_if
            if condition is None or (condition.question in seen and condition.is_met(answers)):
                seen.add(question.code)
                shown.append(question)
        return shown

    def response_problems(self, response: Response) -> list[Problem]:
        """What is wrong with one response, with paths relative to the response.

        Unknown questions, answers that do not fit their question (unknown option codes,
        wrong types, out of range), answers to questions the respondent was not shown, and
        required questions left unanswered.
        """
        problems: list[Problem] = []
        by_code = {q.code: q for q in self.questions()}
        shown_questions = self.shown(response.answers)
        shown = {q.code for q in shown_questions}
        for code, answer in response.answers.items():
            path = ("answers", code)
            question = by_code.get(code)
            if question is None:
                problems.append(Problem(path, "not a question of the questionnaire"))
            elif code not in shown:
                condition = question.show_if
                assert condition is not None
                problems.append(
                    Problem(
                        path,
                        f"answered, but not shown: it is asked only when {condition.question!r} "
                        f"is {' or '.join(repr(c) for c in condition.any_of)}",
                    )
                )
            elif message := _answer_problem(question, answer):
                problems.append(Problem(path, message))
        for question in shown_questions:  # in question order, so reports are stable
            if question.required and _is_empty(response.answers.get(question.code)):
                problems.append(Problem(("answers", question.code), "required, but not answered"))
        return problems

    def _check(self) -> Iterator[Problem]:
        yield from code_problems(self.id, "id")
        yield from text_problems(self.title, "title")
        if not self.sections:
            yield Problem(("sections",), "a questionnaire needs at least one section")
        yield from unique_problems(
            ((("sections", i, "code"), s.code) for i, s in enumerate(self.sections)), "section code"
        )
        located = [
            (("sections", s, "questions", q), question)
            for s, section in enumerate(self.sections)
            for q, question in enumerate(section.questions)
        ]
        yield from unique_problems(
            (((*path, "code"), question.code) for path, question in located), "question code"
        )
        earlier: dict[str, Question] = {}
        for path, question in located:
            if question.show_if is not None:
                yield from _condition_problems(question.show_if, earlier, (*path, "show_if"))
            earlier.setdefault(question.code, question)
        if self.based_on is not None:
            yield from _basis_problems(self, self.based_on)


def _basis_problems(questionnaire: Questionnaire, basis: Basis) -> Iterator[Problem]:
    if basis.standard != questionnaire.id:
        yield Problem(
            ("based_on", "standard"),
            f"{basis.standard!r} is not the questionnaire's id {questionnaire.id!r}: a local "
            "version keeps its standard's id",
        )
    sections = {s.code for s in questionnaire.sections}
    questions = {q.code: q for q in questionnaire.questions()}
    still_in = "was removed but is still in the questionnaire"
    for index, removal in enumerate(basis.removed):
        path = ("based_on", "removed", index)
        question = questions.get(removal.question)
        if removal.section in sections:
            yield Problem((*path, "section"), f"{removal.section!r} {still_in}")
        elif question is not None and not removal.option:
            yield Problem((*path, "question"), f"{removal.question!r} {still_in}")
        elif question is not None and removal.option in {o.code for o in question.options}:
            yield Problem(
                (*path, "option"), f"{removal.option!r} of {removal.question!r} {still_in}"
            )
    for index, move in enumerate(basis.moved):
        if move.question not in questions:
            yield Problem(
                ("based_on", "moved", index, "question"),
                f"{move.question!r} was moved but is not in the questionnaire",
            )


def _condition_problems(
    condition: Condition, earlier: Mapping[str, Question], path: tuple[PathPart, ...]
) -> Iterator[Problem]:
    target = earlier.get(condition.question)
    if target is None:
        yield Problem((*path, "question"), f"{condition.question!r} is not an earlier question")
        return
    if not target.kind.has_options:
        yield Problem(
            (*path, "question"),
            f"{condition.question!r} is a {target.kind.value} question; conditions need options",
        )
        return
    codes = {o.code for o in target.options}
    for index, code in enumerate(condition.any_of):
        if code not in codes:
            yield Problem(
                (*path, "any_of", index),
                f"{code!r} is not an option of {condition.question!r} ({', '.join(sorted(codes))})",
            )


Answer = str | int | float | tuple[str, ...]
"""An answer: an option code, several option codes, a number, or free text."""


@attrs.frozen
class Response(Checked):
    """One respondent's answers, by question code. Respondents are codes, never names."""

    respondent: str
    answers: Mapping[str, Answer]
    submitted: dt.datetime | None = None

    def _check(self) -> Iterator[Problem]:
        yield from text_problems(self.respondent, "respondent")


@attrs.frozen
class ResponseSet(Checked):
    """All responses to one questionnaire collected on one occasion."""

    questionnaire: str
    responses: tuple[Response, ...]
    collected: dt.date | None = None
    platform: str = ""

    def problems_against(self, questionnaire: Questionnaire) -> list[Problem]:
        """Every answer that does not fit ``questionnaire``.

        See :meth:`Questionnaire.response_problems`; paths start at the response set.
        """
        problems: list[Problem] = []
        if questionnaire.id != self.questionnaire:
            problems.append(
                Problem(
                    ("questionnaire",),
                    f"responses are for {self.questionnaire!r}, not {questionnaire.id!r}",
                )
            )
        for index, response in enumerate(self.responses):
            problems.extend(
                problem.prefixed("responses", index)
                for problem in questionnaire.response_problems(response)
            )
        return problems

    def _check(self) -> Iterator[Problem]:
        yield from code_problems(self.questionnaire, "questionnaire")
        yield from unique_problems(
            ((("responses", i, "respondent"), r.respondent) for i, r in enumerate(self.responses)),
            "respondent",
        )


def _is_empty(answer: Answer | None) -> bool:
    return answer is None or (isinstance(answer, str | tuple | list) and not answer)


def _answer_problem(question: Question, answer: Answer) -> str | None:
    codes = {o.code for o in question.options}
    kind = question.kind
    if kind is QuestionKind.NOTE:
        return "a note has no answer"
    if kind is QuestionKind.MULTIPLE_CHOICE:
        if not isinstance(answer, tuple | list):
            return f"expected a list of option codes, got {answer!r}"
        unknown = [a for a in answer if a not in codes]
        if unknown:
            return f"unknown option codes {unknown}"
        if len(set(answer)) != len(answer):
            return f"an option code is given twice in {list(answer)}"
        exclusive = [o.code for o in question.options if o.exclusive and o.code in answer]
        if exclusive and len(answer) > 1:
            return f"{exclusive[0]!r} rules out the other answers, got {list(answer)}"
        return None
    if kind.has_options:
        if not isinstance(answer, str) or answer not in codes:
            return f"{answer!r} is not one of {sorted(codes)}"
        return None
    if kind is QuestionKind.NUMBER:
        if not isinstance(answer, int | float) or isinstance(answer, bool):
            return f"expected a number, got {answer!r}"
        if question.minimum is not None and answer < question.minimum:
            return f"{answer} is below the minimum {question.minimum}"
        if question.maximum is not None and answer > question.maximum:
            return f"{answer} is above the maximum {question.maximum}"
        return None
    return None if isinstance(answer, str) else f"expected text, got {answer!r}"
