"""Local versions of a standard questionnaire, and what a local version changed.

A local version is the standard questionnaire plus an ordered list of changes the cluster or
the municipality asked for, each with a reason (:class:`LocalAdaptation`); the questionnaire
that is sent out is derived from them with :meth:`LocalAdaptation.apply`. Build one with
:func:`adapt`::

    local = (
        adapt(standard)
        .remove_question("brug_0124", by=Origin.CLUSTER, reason="Vi spørger kun om kendskab.")
        .reword_question("rolle", text="Hvilken funktion har du?", by=..., reason=...)
    )
    local.questionnaire  # the local Questionnaire, checked like any other

Rules that keep baseline and follow-up comparable:

* codes of standard questions, sections and options never change: no change renames a code,
  changes a question's kind or a scale value; to ask something else, add a new question;
* a code of the standard is never used for anything else, even after its question was
  removed here;
* a question or option that others' conditions depend on cannot be removed until those
  conditions are changed or the dependants removed;
* a section left without questions (all removed or moved away) is dropped.

A changed standard question or option carries the provenance of the change (who asked, why;
reasons of several changes are joined; removing an option marks its question). What is removed
or moved leaves nothing to carry it, so the local questionnaire's ``based_on``
(:class:`~klyngepakke.model.Basis`) records the standard's id and version, one
:class:`~klyngepakke.model.Removal` per removed section, question and option, and one
:class:`~klyngepakke.model.Move` per moved question (the latest move's reason). A saved local
questionnaire thus still tells who changed what, and why; only who asked for changes to
sections and the introduction, and why, is in the changes alone.

A local version of a local version keeps the original standard in ``based_on`` and adds its
removals and moves to those already there: its answers are still compared with the original
standard's, a diff against that standard still shows every reason, and a code removed anywhere
along the way is never used again.

:func:`diff_questionnaires` compares any two questionnaires; :func:`render_diff` shows the
result to coordinators, in Danish.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Sequence, Set
from typing import Any

import attrs

from klyngepakke.errors import KlyngepakkeError, ModelError, PathPart, Problem, format_path
from klyngepakke.model import (
    Basis,
    Condition,
    Move,
    Option,
    Origin,
    Provenance,
    Question,
    QuestionKind,
    Questionnaire,
    Removal,
    Section,
)
from klyngepakke.model._base import Checked, LabelledEnum, code_problems, text_problems

__all__ = [
    "AdaptationError",
    "AddOption",
    "AddQuestion",
    "AddSection",
    "Change",
    "ChangeCondition",
    "ChangeRequired",
    "DiffEntry",
    "DiffKind",
    "LocalAdaptation",
    "LocalVersion",
    "MoveQuestion",
    "QuestionnaireDiff",
    "QuestionnaireRef",
    "RemoveOption",
    "RemoveQuestion",
    "RemoveSection",
    "RewordIntroduction",
    "RewordOption",
    "RewordQuestion",
    "RewordSection",
    "adapt",
    "diff_questionnaires",
    "render_diff",
]

LOCAL_SUFFIX = "+lokal"
"""Appended to the standard's version when a local version is not given one."""


class AdaptationError(KlyngepakkeError, ValueError):
    """A change that cannot be made to the local version, and why."""

    def __init__(self, change: Change | None, message: str) -> None:
        self.change = change
        what = f"cannot {change.describe()}: " if change is not None else ""
        super().__init__(what + message)


class _Refused(Exception):  # noqa: N818 - never leaves this module
    """Raised inside a change; :func:`_apply_one` turns it into an :class:`AdaptationError`."""


# -- changes ----------------------------------------------------------------------------------


@attrs.frozen
class Change(Checked):
    """One change to the standard, asked for ``by`` the cluster or the municipality."""

    by: Origin = attrs.field(kw_only=True)
    reason: str = attrs.field(kw_only=True)

    @property
    def provenance(self) -> Provenance:
        """Who asked for the change, and why."""
        return Provenance(self.by, self.reason)

    @property
    def subject(self) -> str | None:
        """The code of the question the change is about, if it is about one."""
        question = getattr(self, "question", None)
        if isinstance(question, Question):
            return question.code
        return question if isinstance(question, str) else None

    def describe(self) -> str:
        """What the change does, in English, for error messages."""
        raise NotImplementedError

    def _apply(self, draft: _Draft, standard: Questionnaire) -> None:
        raise NotImplementedError

    def _diff_keys(self) -> tuple[tuple[str, ...], ...]:
        """What a diff looks the change up by, for what leaves no trace in the questionnaire."""
        return ()

    def _check(self) -> Iterator[Problem]:
        if self.by is Origin.STANDARD:
            yield Problem(("by",), "a local change is asked for by the cluster or the municipality")
        yield from text_problems(self.reason, "reason")


def _position_problems(after: str | None, before: str | None) -> Iterator[Problem]:
    if after is not None and before is not None:
        yield Problem(("before",), "give after or before, not both")


@attrs.frozen
class AddSection(Change):
    """Add a section with its questions (each gets the change's provenance)."""

    section: Section
    after: str | None = None
    before: str | None = None

    def _diff_keys(self) -> tuple[tuple[str, ...], ...]:
        return (("add_section", self.section.code),)

    def describe(self) -> str:
        return f"add section {self.section.code!r}"

    def _apply(self, draft: _Draft, standard: Questionnaire) -> None:
        code = self.section.code
        if code in {s.code for s in standard.sections} or draft.was_removed(section=code):
            raise _Refused(_reused("section", code, draft.section(code) is None))
        if draft.section(code) is not None:
            raise _Refused(f"there is already a section {code!r}")
        for question in self.section.questions:
            _check_new_question_code(question.code, draft, standard)
        codes = [s.code for s in draft.sections]
        index = _position(codes, self.after, self.before, len(codes), "section")
        questions = [_stamped(q, self.provenance) for q in self.section.questions]
        draft.sections.insert(
            index, _DraftSection(code, self.section.title, self.section.description, questions)
        )

    def _check(self) -> Iterator[Problem]:
        yield from super()._check()
        yield from _position_problems(self.after, self.before)


@attrs.frozen
class RemoveSection(Change):
    """Remove a section and every question in it."""

    section: str

    def _diff_keys(self) -> tuple[tuple[str, ...], ...]:
        return (("remove_section", self.section),)

    def describe(self) -> str:
        return f"remove section {self.section!r}"

    def _apply(self, draft: _Draft, standard: Questionnaire) -> None:
        found = draft.require_section(self.section, standard)
        leaving = {q.code for q in found.questions}
        dependants = [
            q.code
            for s in draft.sections
            if s is not found
            for q in s.questions
            if q.show_if is not None and q.show_if.question in leaving
        ]
        if dependants:
            raise _Refused(
                f"{_codes(dependants)} in other sections {_are(dependants)} shown depending on "
                f"its questions: remove {_them(dependants)}, or change {_their(dependants)} "
                "condition, first"
            )
        draft.sections.remove(found)
        draft.removed.append(Removal(section=self.section, provenance=self.provenance))

    def _check(self) -> Iterator[Problem]:
        yield from super()._check()
        yield from code_problems(self.section, "section")


@attrs.frozen
class RewordSection(Change):
    """Give a section a new title or description; its code stays."""

    section: str
    title: str | None = None
    description: str | None = None

    def _diff_keys(self) -> tuple[tuple[str, ...], ...]:
        title = (("section_title", self.section),) if self.title is not None else ()
        described = self.description is not None
        return title + ((("section_description", self.section),) if described else ())

    def describe(self) -> str:
        return f"reword section {self.section!r}"

    def _apply(self, draft: _Draft, standard: Questionnaire) -> None:
        found = draft.require_section(self.section, standard)
        new = (
            found.title if self.title is None else self.title,
            found.description if self.description is None else self.description,
        )
        if new == (found.title, found.description):
            raise _Refused("the title and description are already like that")
        found.title, found.description = new

    def _check(self) -> Iterator[Problem]:
        yield from super()._check()
        if self.title is None and self.description is None:
            yield Problem(("title",), "give a new title, a new description, or both")
        if self.title is not None:
            yield from text_problems(self.title, "title")


@attrs.frozen
class RewordIntroduction(Change):
    """Give the questionnaire a local introduction."""

    introduction: str

    def _diff_keys(self) -> tuple[tuple[str, ...], ...]:
        return (("introduction",),)

    def describe(self) -> str:
        return "reword the introduction"

    def _apply(self, draft: _Draft, standard: Questionnaire) -> None:
        if draft.introduction == self.introduction:
            raise _Refused("the introduction is already like that")
        draft.introduction = self.introduction


@attrs.frozen
class AddQuestion(Change):
    """Add a new question to a section (by default at its end).

    The question and its options get the change's provenance. Its code must be new: not a
    code of the standard, even one removed in this local version.
    """

    question: Question
    section: str
    after: str | None = None
    before: str | None = None

    def describe(self) -> str:
        return f"add question {self.question.code!r}"

    def _apply(self, draft: _Draft, standard: Questionnaire) -> None:
        _check_new_question_code(self.question.code, draft, standard)
        target = draft.require_section(self.section, standard)
        codes = [q.code for q in target.questions]
        index = _position(codes, self.after, self.before, len(codes), "question in the section")
        target.questions.insert(index, _stamped(self.question, self.provenance))

    def _check(self) -> Iterator[Problem]:
        yield from super()._check()
        yield from _position_problems(self.after, self.before)


@attrs.frozen
class RemoveQuestion(Change):
    """Remove a question; no other question may depend on it."""

    question: str

    def _diff_keys(self) -> tuple[tuple[str, ...], ...]:
        return (("remove_question", self.question),)

    def describe(self) -> str:
        return f"remove question {self.question!r}"

    def _apply(self, draft: _Draft, standard: Questionnaire) -> None:
        section, index = draft.require_question(self.question, standard)
        dependants = [
            q.code
            for q in draft.questions()
            if q.show_if is not None and q.show_if.question == self.question
        ]
        if dependants:
            raise _Refused(
                f"{_codes(dependants)} {_are(dependants)} shown depending on it: remove "
                f"{_them(dependants)}, or change {_their(dependants)} condition, first"
            )
        del section.questions[index]
        draft.removed.append(Removal(question=self.question, provenance=self.provenance))


@attrs.frozen
class RewordQuestion(Change):
    """Give a question a new text or help text; its code, kind and options stay."""

    question: str
    text: str | None = None
    help: str | None = None

    def describe(self) -> str:
        return f"reword question {self.question!r}"

    def _apply(self, draft: _Draft, standard: Questionnaire) -> None:
        old = draft.get_question(self.question, standard)
        text = old.text if self.text is None else self.text
        help = old.help if self.help is None else self.help
        if (text, help) == (old.text, old.help):
            raise _Refused("the text and help text are already like that")
        draft.replace(attrs.evolve(old, text=text, help=help), self.provenance)

    def _check(self) -> Iterator[Problem]:
        yield from super()._check()
        if self.text is None and self.help is None:
            yield Problem(("text",), "give a new text, a new help text, or both")
        if self.text is not None:
            yield from text_problems(self.text, "text")


@attrs.frozen
class MoveQuestion(Change):
    """Move a question to another place, in its section or another (by default its end)."""

    question: str
    section: str
    after: str | None = None
    before: str | None = None

    def _diff_keys(self) -> tuple[tuple[str, ...], ...]:
        return (("move_question", self.question),)

    def describe(self) -> str:
        return f"move question {self.question!r}"

    def _apply(self, draft: _Draft, standard: Questionnaire) -> None:
        source, index = draft.require_question(self.question, standard)
        target = draft.require_section(self.section, standard)
        if self.question in (self.after, self.before):
            raise _Refused("a question cannot be placed next to itself")
        before_move = [q.code for q in target.questions]
        question = source.questions.pop(index)
        codes = [q.code for q in target.questions]
        position = _position(codes, self.after, self.before, len(codes), "question in the section")
        target.questions.insert(position, question)
        if source is target and [q.code for q in target.questions] == before_move:
            raise _Refused("it is already there")
        draft.moved = [m for m in draft.moved if m.question != self.question]
        draft.moved.append(Move(self.question, self.provenance))

    def _check(self) -> Iterator[Problem]:
        yield from super()._check()
        yield from _position_problems(self.after, self.before)


@attrs.frozen
class ChangeRequired(Change):
    """Make a question required, or no longer required."""

    question: str
    required: bool

    def describe(self) -> str:
        return f"make question {self.question!r} {'required' if self.required else 'optional'}"

    def _apply(self, draft: _Draft, standard: Questionnaire) -> None:
        old = draft.get_question(self.question, standard)
        if old.required == self.required:
            raise _Refused(f"it is already {'required' if self.required else 'optional'}")
        draft.replace(attrs.evolve(old, required=self.required), self.provenance)


@attrs.frozen
class ChangeCondition(Change):
    """Give a question a new condition for being shown (``None``: always shown)."""

    question: str
    show_if: Condition | None

    def describe(self) -> str:
        return f"change the condition of question {self.question!r}"

    def _apply(self, draft: _Draft, standard: Questionnaire) -> None:
        old = draft.get_question(self.question, standard)
        if old.show_if == self.show_if:
            raise _Refused("it already has that condition")
        draft.replace(attrs.evolve(old, show_if=self.show_if), self.provenance)


@attrs.frozen
class AddOption(Change):
    """Add an option to a question; it gets the change's provenance.

    Without ``after``/``before`` the option goes at the end, except that a scale point (an
    option with a value) goes where its value puts it, and an ordinary option of a multiple
    choice question goes before the exclusive options ("Nej, ingen") at its end.
    """

    question: str
    option: Option
    after: str | None = None
    before: str | None = None

    def describe(self) -> str:
        return f"add option {self.option.code!r} to question {self.question!r}"

    def _apply(self, draft: _Draft, standard: Questionnaire) -> None:
        old = draft.get_question(self.question, standard)
        if not old.kind.has_options:
            raise _Refused(f"it is a {old.kind.value} question, which has no options")
        code = self.option.code
        if code in _standard_option_codes(standard, self.question) or draft.was_removed(
            question=self.question, option=code
        ):
            removed = code not in {o.code for o in old.options}
            raise _Refused(_reused("option", code, removed))
        if code in {o.code for o in old.options}:
            raise _Refused(f"the question already has an option {code!r}")
        options = list(old.options)
        codes = [o.code for o in options]
        index = _position(
            codes, self.after, self.before, _default_option_index(old, self.option), "option"
        )
        options.insert(index, attrs.evolve(self.option, provenance=self.provenance))
        draft.replace(attrs.evolve(old, options=tuple(options)), None)

    def _check(self) -> Iterator[Problem]:
        yield from super()._check()
        yield from _position_problems(self.after, self.before)


@attrs.frozen
class RemoveOption(Change):
    """Remove an option; no condition may refer to it. The question gets the provenance."""

    question: str
    option: str

    def _diff_keys(self) -> tuple[tuple[str, ...], ...]:
        return (("remove_option", self.question, self.option),)

    def describe(self) -> str:
        return f"remove option {self.option!r} of question {self.question!r}"

    def _apply(self, draft: _Draft, standard: Questionnaire) -> None:
        old = draft.get_question(self.question, standard)
        remaining = tuple(o for o in old.options if o.code != self.option)
        if len(remaining) == len(old.options):
            raise _Refused(_no_option(old, self.option, standard))
        dependants = [
            q.code
            for q in draft.questions()
            if q.show_if is not None
            and q.show_if.question == self.question
            and self.option in q.show_if.any_of
        ]
        if dependants:
            raise _Refused(
                f"{_codes(dependants)} {_are(dependants)} shown depending on it: change "
                f"{_their(dependants)} condition, or remove {_them(dependants)}, first"
            )
        draft.replace(attrs.evolve(old, options=remaining), self.provenance)
        draft.removed.append(
            Removal(question=self.question, option=self.option, provenance=self.provenance)
        )


@attrs.frozen
class RewordOption(Change):
    """Give an option a new label; its code and value stay."""

    question: str
    option: str
    label: str

    def describe(self) -> str:
        return f"reword option {self.option!r} of question {self.question!r}"

    def _apply(self, draft: _Draft, standard: Questionnaire) -> None:
        old = draft.get_question(self.question, standard)
        try:
            option = old.option(self.option)
        except KeyError:
            raise _Refused(_no_option(old, self.option, standard)) from None
        if option.label == self.label:
            raise _Refused("the label is already like that")
        new = attrs.evolve(
            option, label=self.label, provenance=_merged(option.provenance, self.provenance)
        )
        options = tuple(new if o.code == self.option else o for o in old.options)
        draft.replace(attrs.evolve(old, options=options), None)

    def _check(self) -> Iterator[Problem]:
        yield from super()._check()
        yield from text_problems(self.label, "label")


# -- applying changes -------------------------------------------------------------------------


@attrs.define
class _DraftSection:
    code: str
    title: str
    description: str
    questions: list[Question]


class _Draft:
    """A local questionnaire being changed: mutable while one change is applied."""

    def __init__(self, questionnaire: Questionnaire, subject: str | None = None) -> None:
        assert questionnaire.based_on is not None  # LocalAdaptation.apply sets it first
        self.base = questionnaire
        self.basis = questionnaire.based_on
        self.subject = subject
        self.introduction = questionnaire.introduction
        self.sections = [
            _DraftSection(s.code, s.title, s.description, list(s.questions))
            for s in questionnaire.sections
        ]
        self.removed = list(self.basis.removed)
        self.moved = list(self.basis.moved)

    def was_removed(self, *, section: str = "", question: str = "", option: str = "") -> bool:
        """Whether this local version, or the one it adapts, removed this."""
        wanted = (section, question, option)
        return any((r.section, r.question, r.option) == wanted for r in self.removed)

    def questions(self) -> Iterator[Question]:
        for section in self.sections:
            yield from section.questions

    def section(self, code: str) -> _DraftSection | None:
        return next((s for s in self.sections if s.code == code), None)

    def require_section(self, code: str, standard: Questionnaire) -> _DraftSection:
        found = self.section(code)
        if found is not None:
            return found
        if code in {s.code for s in standard.sections}:
            raise _Refused(f"section {code!r} is no longer in the local version (it was removed)")
        raise _Refused(
            f"there is no section {code!r}{_suggest(code, [s.code for s in self.sections])}"
        )

    def require_question(self, code: str, standard: Questionnaire) -> tuple[_DraftSection, int]:
        for section in self.sections:
            for index, question in enumerate(section.questions):
                if question.code == code:
                    return section, index
        if code in {q.code for q in standard.questions()}:
            raise _Refused(f"question {code!r} is no longer in the local version (it was removed)")
        raise _Refused(
            f"there is no question {code!r}{_suggest(code, [q.code for q in self.questions()])}"
        )

    def get_question(self, code: str, standard: Questionnaire) -> Question:
        section, index = self.require_question(code, standard)
        return section.questions[index]

    def replace(self, question: Question, provenance: Provenance | None) -> None:
        """Put ``question`` in place of the one with its code, merging ``provenance`` in."""
        if provenance is not None:
            question = attrs.evolve(question, provenance=_merged(question.provenance, provenance))
        for section in self.sections:
            for index, old in enumerate(section.questions):
                if old.code == question.code:
                    section.questions[index] = question
                    return
        raise AssertionError(question.code)  # pragma: no cover - callers found it first

    def build(self) -> Questionnaire:
        kept = [s for s in self.sections if s.questions]
        if not kept:
            raise _Refused("no questions would be left")
        sections = tuple(Section(s.code, s.title, tuple(s.questions), s.description) for s in kept)
        present = {q.code for s in sections for q in s.questions}
        basis = attrs.evolve(
            self.basis,
            removed=tuple(self.removed),
            # A question moved and later removed is recorded as removed only.
            moved=tuple(m for m in self.moved if m.question in present),
        )
        try:
            return attrs.evolve(
                self.base, sections=sections, introduction=self.introduction, based_on=basis
            )
        except ModelError as exc:
            explained = (_explain(p, sections, self.subject) for p in exc.problems)
            raise _Refused("; ".join(explained)) from None


def _explain(problem: Problem, sections: Sequence[Section], subject: str | None) -> str:
    """A questionnaire problem with its ``sections[i].questions[j]`` path as a question code.

    ``subject`` is the code of the question the change is about.
    """
    path: tuple[PathPart, ...] = problem.path
    if len(path) >= 4 and path[0] == "sections" and path[2] == "questions":
        section, question = path[1], path[3]
        assert isinstance(section, int)
        assert isinstance(question, int)
        code = sections[section].questions[question].code
        rest = path[4:]
        if rest[:1] == ("show_if",):
            whose = "its" if code == subject else f"the {code!r} question's"
            return f"{whose} condition: {problem.message}"
        where = f" {format_path(rest)}" if rest else ""
        return f"question {code!r}{where}: {problem.message}"
    return str(problem)


def _apply_one(
    change: Change, questionnaire: Questionnaire, standard: Questionnaire
) -> Questionnaire:
    draft = _Draft(questionnaire, change.subject)
    try:
        change._apply(draft, standard)
        return draft.build()
    except _Refused as exc:
        raise AdaptationError(change, str(exc)) from None
    except ModelError as exc:
        raise AdaptationError(change, str(exc)) from None


def _stamped(question: Question, provenance: Provenance) -> Question:
    """A new question marked as the change's, with its options (unless they say otherwise)."""
    options = tuple(
        attrs.evolve(o, provenance=provenance) if o.provenance.origin is Origin.STANDARD else o
        for o in question.options
    )
    return attrs.evolve(question, provenance=provenance, options=options)


def _merged(old: Provenance, new: Provenance) -> Provenance:
    """The provenance of an element changed again: the latest origin, every reason kept."""
    if old.origin is Origin.STANDARD or old == new:
        return new
    if old.origin is new.origin:
        return Provenance(new.origin, f"{old.reason}; {new.reason}")
    return Provenance(
        new.origin, f"{old.origin.label}: {old.reason}; {new.origin.label}: {new.reason}"
    )


def _check_new_question_code(code: str, draft: _Draft, standard: Questionnaire) -> None:
    in_local = any(q.code == code for q in draft.questions())
    if code in {q.code for q in standard.questions()} or draft.was_removed(question=code):
        raise _Refused(_reused("question", code, not in_local))
    if in_local:
        raise _Refused(f"there is already a question {code!r}")


def _reused(what: str, code: str, removed: bool) -> str:
    if removed:
        return (
            f"{code!r} is the code of a standard {what} removed in this local version; a "
            f"standard code is never reused for another {what}, so baseline and follow-up stay "
            "comparable: choose a new code"
        )
    article = "an" if what[0] in "aeiou" else "a"
    return f"{code!r} is already {article} {what} of the standard"


def _standard_option_codes(standard: Questionnaire, question: str) -> set[str]:
    try:
        return {o.code for o in standard.question(question).options}
    except KeyError:
        return set()


def _no_option(question: Question, code: str, standard: Questionnaire) -> str:
    if code in _standard_option_codes(standard, question.code):
        return f"option {code!r} is no longer in the local version (it was removed)"
    codes = [o.code for o in question.options]
    return f"the question has no option {code!r} (it has {', '.join(codes)})"


def _default_option_index(question: Question, option: Option) -> int:
    options = question.options
    if question.kind is QuestionKind.SCALE and option.value is not None:
        return next(
            (i for i, o in enumerate(options) if o.value is None or o.value > option.value),
            len(options),
        )
    if question.kind is QuestionKind.MULTIPLE_CHOICE and not option.exclusive:
        index = len(options)
        while index > 0 and options[index - 1].exclusive:
            index -= 1
        return index
    return len(options)


def _position(
    codes: Sequence[str], after: str | None, before: str | None, default: int, what: str
) -> int:
    if after is not None:
        if after not in codes:
            raise _Refused(f"there is no {what} {after!r} to put it after")
        return codes.index(after) + 1
    if before is not None:
        if before not in codes:
            raise _Refused(f"there is no {what} {before!r} to put it before")
        return codes.index(before)
    return default


def _suggest(code: str, known: Sequence[str]) -> str:
    close = difflib.get_close_matches(code, known, n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _codes(codes: Sequence[str]) -> str:
    return ", ".join(repr(c) for c in codes)


def _are(codes: Sequence[str]) -> str:
    return "is" if len(codes) == 1 else "are"


def _them(codes: Sequence[str]) -> str:
    return "it" if len(codes) == 1 else "them"


def _their(codes: Sequence[str]) -> str:
    return "its" if len(codes) == 1 else "their"


# -- local versions ---------------------------------------------------------------------------


@attrs.frozen
class LocalAdaptation(Checked):
    """A local version as what it is made of: a standard (by id and version) and changes."""

    standard: str
    standard_version: str
    changes: tuple[Change, ...] = ()
    version: str = ""

    @property
    def local_version(self) -> str:
        """The local questionnaire's version: ``version``, or the standard's plus ``+lokal``."""
        return self.version or f"{self.standard_version}{LOCAL_SUFFIX}"

    def apply(self, standard: Questionnaire) -> Questionnaire:
        """The local questionnaire; :class:`AdaptationError` names the first change that fails.

        Its ``based_on`` names the standard and records the removals and moves, with who
        asked for them and why. If ``standard`` is itself a local version, the original
        standard stays in ``based_on`` and the removals and moves add to its own.
        """
        if (standard.id, standard.version) != (self.standard, self.standard_version):
            raise AdaptationError(
                None,
                f"this local version adapts {self.standard!r} version {self.standard_version}, "
                f"not {standard.id!r} version {standard.version}",
            )
        basis = standard.based_on
        local = attrs.evolve(
            standard, based_on=Basis(standard.id, standard.version) if basis is None else basis
        )
        for change in self.changes:
            local = _apply_one(change, local, standard)
        return attrs.evolve(local, version=self.local_version)

    def _check(self) -> Iterator[Problem]:
        yield from code_problems(self.standard, "standard")
        yield from text_problems(self.standard_version, "standard_version")


@attrs.frozen
class LocalVersion:
    """A standard questionnaire with local changes; every method returns a new version.

    Each method checks its change at once and raises :class:`AdaptationError` if it cannot be
    made. ``by`` is :attr:`Origin.CLUSTER` or :attr:`Origin.MUNICIPALITY`; ``reason`` is
    shown to coordinators, so write it in Danish.
    """

    standard: Questionnaire
    adaptation: LocalAdaptation
    questionnaire: Questionnaire = attrs.field(init=False, eq=False, repr=False)
    """The local questionnaire, derived from the standard and the changes."""

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "questionnaire", self.adaptation.apply(self.standard))

    @property
    def changes(self) -> tuple[Change, ...]:
        """The changes, in the order they were made."""
        return self.adaptation.changes

    def then(self, change: Change) -> LocalVersion:
        """The version with one more change; :class:`AdaptationError` if it cannot be made."""
        return LocalVersion(
            self.standard, attrs.evolve(self.adaptation, changes=(*self.changes, change))
        )

    def add_section(
        self,
        section: Section,
        *,
        after: str | None = None,
        before: str | None = None,
        by: Origin,
        reason: str,
    ) -> LocalVersion:
        """Add ``section`` and its questions (at the end unless ``after``/``before``)."""
        return self.then(AddSection(section, after, before, by=by, reason=reason))

    def remove_section(self, code: str, *, by: Origin, reason: str) -> LocalVersion:
        """Remove a section with all its questions."""
        return self.then(RemoveSection(code, by=by, reason=reason))

    def reword_section(
        self,
        code: str,
        *,
        title: str | None = None,
        description: str | None = None,
        by: Origin,
        reason: str,
    ) -> LocalVersion:
        """Give a section a new title or description."""
        return self.then(RewordSection(code, title, description, by=by, reason=reason))

    def reword_introduction(self, introduction: str, *, by: Origin, reason: str) -> LocalVersion:
        """Give the questionnaire a local introduction."""
        return self.then(RewordIntroduction(introduction, by=by, reason=reason))

    def add_question(
        self,
        question: Question,
        *,
        section: str,
        after: str | None = None,
        before: str | None = None,
        by: Origin,
        reason: str,
    ) -> LocalVersion:
        """Add a new question to ``section`` (at its end unless ``after``/``before``)."""
        return self.then(AddQuestion(question, section, after, before, by=by, reason=reason))

    def remove_question(self, code: str, *, by: Origin, reason: str) -> LocalVersion:
        """Remove a question no other question depends on."""
        return self.then(RemoveQuestion(code, by=by, reason=reason))

    def reword_question(
        self,
        code: str,
        *,
        text: str | None = None,
        help: str | None = None,
        by: Origin,
        reason: str,
    ) -> LocalVersion:
        """Give a question a new text or help text."""
        return self.then(RewordQuestion(code, text, help, by=by, reason=reason))

    def move_question(
        self,
        code: str,
        *,
        section: str,
        after: str | None = None,
        before: str | None = None,
        by: Origin,
        reason: str,
    ) -> LocalVersion:
        """Move a question within its section or to another one."""
        return self.then(MoveQuestion(code, section, after, before, by=by, reason=reason))

    def set_required(self, code: str, required: bool, *, by: Origin, reason: str) -> LocalVersion:
        """Make a question required or optional."""
        return self.then(ChangeRequired(code, required, by=by, reason=reason))

    def set_condition(
        self, code: str, show_if: Condition | None, *, by: Origin, reason: str
    ) -> LocalVersion:
        """Show a question only under ``show_if`` (``None``: always)."""
        return self.then(ChangeCondition(code, show_if, by=by, reason=reason))

    def add_option(
        self,
        question: str,
        option: Option,
        *,
        after: str | None = None,
        before: str | None = None,
        by: Origin,
        reason: str,
    ) -> LocalVersion:
        """Add an option to a question (see :class:`AddOption` for where it goes)."""
        return self.then(AddOption(question, option, after, before, by=by, reason=reason))

    def remove_option(self, question: str, option: str, *, by: Origin, reason: str) -> LocalVersion:
        """Remove an option no condition refers to."""
        return self.then(RemoveOption(question, option, by=by, reason=reason))

    def reword_option(
        self, question: str, option: str, label: str, *, by: Origin, reason: str
    ) -> LocalVersion:
        """Give an option a new label."""
        return self.then(RewordOption(question, option, label, by=by, reason=reason))

    def diff(self) -> QuestionnaireDiff:
        """What this version changed, with the reasons of removals and moves too."""
        return diff_questionnaires(self.standard, self.questionnaire, changes=self.changes)


def adapt(standard: Questionnaire, *, version: str | None = None) -> LocalVersion:
    """Start a local version of ``standard``, with no changes yet.

    ``version`` names the local questionnaire's version (default: the standard's plus
    ``+lokal``); its id stays the standard's, so responses compare with the standard's.
    """
    adaptation = LocalAdaptation(standard.id, standard.version, version=version or "")
    return LocalVersion(standard, adaptation)


# -- comparing questionnaires -----------------------------------------------------------------


class DiffKind(LabelledEnum):
    """What kind of difference a :class:`DiffEntry` is."""

    QUESTIONNAIRE_ID = "questionnaire_id"
    TITLE = "title"
    INTRODUCTION = "introduction"
    SECTION_ADDED = "section_added"
    SECTION_REMOVED = "section_removed"
    SECTION_RETITLED = "section_retitled"
    SECTION_DESCRIPTION = "section_description"
    QUESTION_ADDED = "question_added"
    QUESTION_REMOVED = "question_removed"
    QUESTION_REWORDED = "question_reworded"
    HELP = "help"
    QUESTION_MOVED = "question_moved"
    QUESTION_REORDERED = "question_reordered"
    KIND = "kind"
    CODE_REUSED = "code_reused"
    REQUIRED = "required"
    CONDITION = "condition"
    LIMITS = "limits"
    OPTION_ADDED = "option_added"
    OPTION_REMOVED = "option_removed"
    OPTION_RELABELLED = "option_relabelled"
    OPTION_REVALUED = "option_revalued"
    OPTION_EXCLUSIVE = "option_exclusive"
    OPTIONS_REORDERED = "options_reordered"


DiffKind._labels = {
    "questionnaire_id": "Skemaets id ændret",
    "title": "Titel ændret",
    "introduction": "Indledning ændret",
    "section_added": "Afsnit tilføjet",
    "section_removed": "Afsnit fjernet",
    "section_retitled": "Afsnittets titel ændret",
    "section_description": "Afsnittets beskrivelse ændret",
    "question_added": "Spørgsmål tilføjet",
    "question_removed": "Spørgsmål fjernet",
    "question_reworded": "Spørgsmål omformuleret",
    "help": "Hjælpetekst ændret",
    "question_moved": "Spørgsmål flyttet til andet afsnit",
    "question_reordered": "Spørgsmål flyttet i afsnittet",
    "kind": "Spørgsmålstype ændret",
    "code_reused": "Kode genbrugt til et andet spørgsmål",
    "required": "Krav om svar ændret",
    "condition": "Betingelse ændret",
    "limits": "Grænser ændret",
    "option_added": "Svarmulighed tilføjet",
    "option_removed": "Svarmulighed fjernet",
    "option_relabelled": "Svarmulighed omformuleret",
    "option_revalued": "Skalaværdi ændret",
    "option_exclusive": "Eksklusiv svarmulighed ændret",
    "options_reordered": "Svarmulighedernes rækkefølge ændret",
}

Limits = tuple[float | None, float | None]
Detail = str | float | bool | Condition | tuple[str, ...] | Limits | None
"""The value before or after a change: a text, a kind, a scale value, a condition, …"""


@attrs.frozen
class DiffEntry:
    """One difference between a standard and a local questionnaire.

    ``section`` is the section it is listed under (``None`` for the whole questionnaire).
    ``text`` is the question's text or the option's label, for context. ``old``/``new`` hold
    what changed; for an added or removed question they hold its kind, and ``options`` its
    option labels. ``by``/``reason`` say who asked and why, where that is known.
    """

    kind: DiffKind
    section: str | None = None
    section_title: str = ""
    question: str | None = None
    option: str | None = None
    text: str = ""
    old: Detail = None
    new: Detail = None
    by: Origin | None = None
    reason: str = ""
    breaks_comparison: bool = False
    options: tuple[str, ...] = ()

    def to_data(self) -> dict[str, Any]:
        """A plain dict for JSON."""
        return {
            "kind": self.kind.value,
            "section": self.section,
            "question": self.question,
            "option": self.option,
            "text": self.text,
            "old": _detail_data(self.old),
            "new": _detail_data(self.new),
            "by": self.by.value if self.by is not None else None,
            "reason": self.reason or None,
            "breaks_comparison": self.breaks_comparison,
            "options": list(self.options),
        }


def _detail_data(value: Detail) -> Any:
    if isinstance(value, Condition):
        return {"question": value.question, "any_of": list(value.any_of)}
    if isinstance(value, tuple):
        return list(value)
    return value


@attrs.frozen
class QuestionnaireRef:
    """Which questionnaire: id, version and title."""

    id: str
    version: str
    title: str

    @classmethod
    def of(cls, questionnaire: Questionnaire) -> QuestionnaireRef:
        """The reference to ``questionnaire``."""
        return cls(questionnaire.id, questionnaire.version, questionnaire.title)


@attrs.frozen
class QuestionnaireDiff:
    """Every difference from ``standard`` to ``local``, grouped by section, in reading order."""

    standard: QuestionnaireRef
    local: QuestionnaireRef
    entries: tuple[DiffEntry, ...]

    @property
    def changed(self) -> bool:
        """Whether the two questionnaires differ at all (versions aside)."""
        return bool(self.entries)

    @property
    def breaks_comparison(self) -> bool:
        """Whether some answers can no longer be compared with the standard's."""
        return any(e.breaks_comparison for e in self.entries)

    def to_data(self) -> dict[str, Any]:
        """A plain dict for JSON."""
        return {
            "standard": attrs.asdict(self.standard),
            "local": attrs.asdict(self.local),
            "changed": self.changed,
            "breaks_comparison": self.breaks_comparison,
            "changes": [e.to_data() for e in self.entries],
        }


class _Recorded:
    """Who asked for what leaves no trace in the questions, looked up by what it changed.

    From the local questionnaire's ``based_on`` and then the recorded changes: a change wins
    over the record in ``based_on``, a later change over an earlier one.
    """

    def __init__(self, changes: Sequence[Change], basis: Basis | None) -> None:
        self.by_key: dict[tuple[str, ...], Provenance] = {}
        self.moved = {c.question for c in changes if isinstance(c, MoveQuestion)}
        if basis is not None:
            for removal in basis.removed:
                self.by_key[_removal_key(removal)] = removal.provenance
            for move in basis.moved:
                self.by_key["move_question", move.question] = move.provenance
            self.moved |= {move.question for move in basis.moved}
        for change in changes:
            for key in change._diff_keys():
                self.by_key[key] = change.provenance

    def get(self, *key: str) -> Provenance | None:
        return self.by_key.get(key)


def _removal_key(removal: Removal) -> tuple[str, ...]:
    """The key the matching change has in :meth:`Change._diff_keys`."""
    if removal.section:
        return ("remove_section", removal.section)
    if removal.option:
        return ("remove_option", removal.question, removal.option)
    return ("remove_question", removal.question)


def _who(*provenances: Provenance | None) -> dict[str, Any]:
    """``by``/``reason`` for an entry: from the first local provenance given, if any."""
    for provenance in provenances:
        if provenance is not None and provenance.origin is not Origin.STANDARD:
            return {"by": provenance.origin, "reason": provenance.reason}
    return {}


def diff_questionnaires(
    standard: Questionnaire, local: Questionnaire, *, changes: Sequence[Change] = ()
) -> QuestionnaireDiff:
    """What ``local`` changed compared with ``standard``.

    Works from any two questionnaires, e.g. loaded from files: who asked for a change and why
    comes from the local questionnaire's provenance, and for removals and moves from its
    ``based_on``. ``changes`` (a local version's recorded changes) adds the reasons for what
    leaves no trace in the questionnaire at all, section and introduction changes, and wins
    over ``based_on``.
    """
    comparison = _Comparison(standard, local, _Recorded(changes, local.based_on))
    comparison.compare_sections()
    comparison.compare_questions()
    return comparison.result()


_Key = tuple[int, int, int]
_FIRST: _Key = (-1, 0, 0)


class _Comparison:
    """Collects the entries of one diff by section, with keys that sort them for reading."""

    def __init__(self, standard: Questionnaire, local: Questionnaire, recorded: _Recorded) -> None:
        self.standard = standard
        self.local = local
        self.recorded = recorded
        self.standard_place = _places(standard)
        self.local_place = _places(local)
        self.titles = {s.code: s.title for s in (*standard.sections, *local.sections)}
        self.groups: dict[str, list[tuple[_Key, DiffEntry]]] = {}
        self.top: list[DiffEntry] = []

    def add(self, section: str, key: _Key, kind: DiffKind, **fields: Any) -> None:
        entry = DiffEntry(kind, section=section, section_title=self.titles[section], **fields)
        self.groups.setdefault(section, []).append((key, entry))

    def who(self, *key: str) -> dict[str, Any]:
        return _who(self.recorded.get(*key))

    def compare_sections(self) -> None:
        standard, local = self.standard, self.local
        if standard.id != local.id:
            self.top.append(
                DiffEntry(
                    DiffKind.QUESTIONNAIRE_ID, old=standard.id, new=local.id, breaks_comparison=True
                )
            )
        if standard.title != local.title:
            self.top.append(DiffEntry(DiffKind.TITLE, old=standard.title, new=local.title))
        if standard.introduction != local.introduction:
            self.top.append(
                DiffEntry(
                    DiffKind.INTRODUCTION,
                    old=standard.introduction,
                    new=local.introduction,
                    **self.who("introduction"),
                )
            )
        before = {s.code: s for s in standard.sections}
        for section in local.sections:
            code, old = section.code, before.get(section.code)
            if old is None:
                self.add(code, _FIRST, DiffKind.SECTION_ADDED, **self.who("add_section", code))
                continue
            if old.title != section.title:
                who = self.who("section_title", code)
                self.add(
                    code, _FIRST, DiffKind.SECTION_RETITLED, old=old.title, new=section.title, **who
                )
            if old.description != section.description:
                who = self.who("section_description", code)
                new = section.description
                self.add(
                    code, _FIRST, DiffKind.SECTION_DESCRIPTION, old=old.description, new=new, **who
                )
            for moved, after in _reordered(old, section, self.recorded.moved):
                place = self.local_place[moved]
                who = self.who("move_question", moved)
                text = place.question.text
                self.add(
                    code,
                    (place.index, 0, 0),
                    DiffKind.QUESTION_REORDERED,
                    question=moved,
                    text=text,
                    new=after,
                    **who,
                )
        kept = {s.code for s in local.sections}
        for section in standard.sections:
            if section.code not in kept:
                who = self.who("remove_section", section.code)
                self.add(section.code, _FIRST, DiffKind.SECTION_REMOVED, **who)

    def compare_questions(self) -> None:
        for code, place in self.standard_place.items():
            if code not in self.local_place:
                self.removed(code, place)
        for code, place in self.local_place.items():
            question, key = place.question, (place.index, 0, 0)
            old = self.standard_place.get(code)
            if old is None:
                self.add(
                    place.section,
                    key,
                    DiffKind.QUESTION_ADDED,
                    question=code,
                    text=question.text,
                    new=question.kind.value,
                    options=tuple(o.label for o in question.options),
                    **_who(question.provenance),
                )
                continue
            if old.section != place.section:
                self.add(
                    place.section,
                    key,
                    DiffKind.QUESTION_MOVED,
                    question=code,
                    text=question.text,
                    old=old.section,
                    new=place.section,
                    **self.who("move_question", code),
                )
            for kind, fields in _question_differences(old.question, question, self.recorded):
                self.add(place.section, key, kind, question=code, **fields)

    def removed(self, code: str, place: _Place) -> None:
        question = place.question
        recorded = self.recorded.get("remove_question", code) or self.recorded.get(
            "remove_section", place.section
        )
        self.add(
            place.section,
            self.removed_key(place),
            DiffKind.QUESTION_REMOVED,
            question=code,
            text=question.text,
            old=question.kind.value,
            options=tuple(o.label for o in question.options),
            **_who(recorded),
        )

    def removed_key(self, place: _Place) -> _Key:
        """Sort a removed question after the nearest earlier question still in its section."""
        section = next(s for s in self.standard.sections if s.code == place.section)
        for earlier in reversed(section.questions[: place.index]):
            now = self.local_place.get(earlier.code)
            if now is not None and now.section == place.section:
                return (now.index, 1, place.index)
        return (-1, 1, place.index)

    def result(self) -> QuestionnaireDiff:
        order = [s.code for s in self.local.sections]
        order += [s.code for s in self.standard.sections if s.code not in order]
        entries = list(self.top)
        for code in order:
            entries += [entry for _, entry in sorted(self.groups.get(code, []), key=lambda e: e[0])]
        standard, local = QuestionnaireRef.of(self.standard), QuestionnaireRef.of(self.local)
        return QuestionnaireDiff(standard, local, tuple(entries))


@attrs.frozen
class _Place:
    section: str
    index: int
    question: Question


def _places(questionnaire: Questionnaire) -> dict[str, _Place]:
    """Where each question is: its section's code and its index there, by question code."""
    return {
        question.code: _Place(section.code, index, question)
        for section in questionnaire.sections
        for index, question in enumerate(section.questions)
    }


def _reordered(old: Section, new: Section, moved: Set[str]) -> list[tuple[str, str | None]]:
    """Questions that changed place among those both versions of the section hold.

    Each with the code of the question now before it (``None``: first in the section).
    Questions recorded as ``moved`` are reported if their place changed; the others that
    changed place are found by keeping as many as possible in their order.
    """
    new_codes = [q.code for q in new.questions]
    common = set(new_codes) & {q.code for q in old.questions}
    before = [q.code for q in old.questions if q.code in common]
    after = [code for code in new_codes if code in common]
    rest_before = [code for code in before if code not in moved]
    rest_after = [code for code in after if code not in moved]
    matcher = difflib.SequenceMatcher(None, rest_before, rest_after, autojunk=False)
    kept = {rest_after[b.b + i] for b in matcher.get_matching_blocks() for i in range(b.size)}

    def placed_differently(code: str) -> bool:
        return set(before[: before.index(code)]) != set(after[: after.index(code)])

    return [
        (code, new_codes[new_codes.index(code) - 1] if new_codes.index(code) else None)
        for code in after
        if (code in moved and placed_differently(code)) or (code not in moved and code not in kept)
    ]


def _question_differences(
    old: Question, new: Question, recorded: _Recorded
) -> Iterator[tuple[DiffKind, dict[str, Any]]]:
    who = _who(new.provenance)
    text = {"text": new.text}
    if old.text != new.text and old.kind is not new.kind:
        yield (
            DiffKind.CODE_REUSED,
            {**text, "old": old.text, "new": new.text, "breaks_comparison": True, **who},
        )
        return
    if old.text != new.text:
        yield DiffKind.QUESTION_REWORDED, {**text, "old": old.text, "new": new.text, **who}
    if old.kind is not new.kind:
        yield (
            DiffKind.KIND,
            {
                **text,
                "old": old.kind.value,
                "new": new.kind.value,
                "breaks_comparison": True,
                **who,
            },
        )
    if old.help != new.help:
        yield DiffKind.HELP, {**text, "old": old.help, "new": new.help, **who}
    if old.required != new.required:
        yield DiffKind.REQUIRED, {**text, "old": old.required, "new": new.required, **who}
    if old.show_if != new.show_if:
        yield DiffKind.CONDITION, {**text, "old": old.show_if, "new": new.show_if, **who}
    if (old.minimum, old.maximum) != (new.minimum, new.maximum):
        yield (
            DiffKind.LIMITS,
            {
                **text,
                "old": (old.minimum, old.maximum),
                "new": (new.minimum, new.maximum),
                **who,
            },
        )
    yield from _option_differences(old, new, recorded)


def _option_differences(
    old: Question, new: Question, recorded: _Recorded
) -> Iterator[tuple[DiffKind, dict[str, Any]]]:
    old_options = {o.code: o for o in old.options}
    new_options = {o.code: o for o in new.options}
    scale = old.kind is QuestionKind.SCALE and new.kind is QuestionKind.SCALE
    for option in old.options:
        if option.code not in new_options:
            removal = recorded.get("remove_option", new.code, option.code)
            yield (
                DiffKind.OPTION_REMOVED,
                {
                    "option": option.code,
                    "text": option.label,
                    "old": option.value,
                    "breaks_comparison": scale and option.on_scale,
                    **_who(removal, new.provenance),
                },
            )
    for option in new.options:
        before = old_options.get(option.code)
        who = _who(option.provenance)
        fields = {"option": option.code, "text": option.label, **who}
        if before is None:
            yield (
                DiffKind.OPTION_ADDED,
                {**fields, "new": option.value, "breaks_comparison": scale and option.on_scale},
            )
            continue
        if before.label != option.label:
            yield DiffKind.OPTION_RELABELLED, {**fields, "old": before.label, "new": option.label}
        if before.value != option.value:
            yield (
                DiffKind.OPTION_REVALUED,
                {**fields, "old": before.value, "new": option.value, "breaks_comparison": True},
            )
        if before.exclusive != option.exclusive:
            yield (
                DiffKind.OPTION_EXCLUSIVE,
                {**fields, "old": before.exclusive, "new": option.exclusive},
            )
    common_old = tuple(o.code for o in old.options if o.code in new_options)
    common_new = tuple(o.code for o in new.options if o.code in old_options)
    if common_old != common_new:
        yield (
            DiffKind.OPTIONS_REORDERED,
            {"text": new.text, "old": common_old, "new": common_new, **_who(new.provenance)},
        )


# -- showing a diff ---------------------------------------------------------------------------


def render_diff(diff: QuestionnaireDiff) -> str:
    """The differences as Danish text for coordinators, grouped by section."""
    standard, local = diff.standard, diff.local
    lines = [
        f"Spørgeskema: {local.title}",
        f"Standard: {standard.id}, version {standard.version}",
        f"Lokal: {local.id}, version {local.version}",
        "",
    ]
    if not diff.entries:
        lines.append("Ingen ændringer.")
        return "\n".join(lines) + "\n"
    current: str | None = ""
    for entry in diff.entries:
        if entry.section != current:
            if current != "":
                lines.append("")
            current = entry.section
            lines.append(
                f"Afsnit: {entry.section_title} ({entry.section})"
                if entry.section is not None
                else "Hele skemaet"
            )
        lines += _entry_lines(entry)
    count = len(diff.entries)
    breaking = sum(e.breaks_comparison for e in diff.entries)
    lines += ["", f"I alt {count} {'ændring' if count == 1 else 'ændringer'}."]
    if breaking:
        lines.append(
            f"{breaking} af dem (markeret med !) gør svarene usammenlignelige med standardens, "
            "fx med en baseline."
        )
    return "\n".join(lines) + "\n"


def _entry_lines(entry: DiffEntry) -> list[str]:
    bullet = "!" if entry.breaks_comparison else "-"
    by = f" af {entry.by.label.lower()}" if entry.by is not None else ""
    kind = DiffKind
    what = entry.kind
    subject = ""
    details: list[str] = []
    if entry.question is not None:
        subject = f": {entry.question}"
        if entry.option is not None:
            subject += f" → {entry.option}"
    if what in (kind.SECTION_ADDED, kind.SECTION_REMOVED):
        head = f"{what.label}{by}"
    elif what is kind.QUESTION_ADDED or what is kind.QUESTION_REMOVED:
        value = entry.new if what is kind.QUESTION_ADDED else entry.old
        head = f"{what.label}{by}{subject} ({QuestionKind(value).label})"
        details.append(_quoted(entry.text))
        if entry.options:
            details.append("Svarmuligheder: " + " · ".join(entry.options))
    elif what is kind.QUESTION_MOVED:
        head = f"Spørgsmål flyttet hertil{by}{subject} (fra afsnit {entry.old})"
        details.append(_quoted(entry.text))
    elif what is kind.QUESTION_REORDERED:
        place = f"nu efter {entry.new}" if entry.new is not None else "nu først i afsnittet"
        head = f"Spørgsmål flyttet{by}{subject} ({place})"
        details.append(_quoted(entry.text))
    elif what is kind.REQUIRED:
        head = f"{'Svar er nu påkrævet' if entry.new else 'Svar er ikke længere påkrævet'}{by}"
        head += subject
        details.append(_quoted(entry.text))
    elif what is kind.KIND:
        old, new = QuestionKind(entry.old).label, QuestionKind(entry.new).label
        head = f"{what.label}{by}{subject}: {old} → {new}"
    elif what is kind.OPTION_ADDED or what is kind.OPTION_REMOVED:
        value = entry.new if what is kind.OPTION_ADDED else entry.old
        on_scale = f" (skalaværdi {value})" if value is not None else ""
        head = f"{what.label}{by}{subject}: {_quoted(entry.text)}{on_scale}"
        if entry.breaks_comparison:
            details.append("Skalaen er ændret: gennemsnit kan ikke sammenlignes med standardens.")
    elif what is kind.OPTION_REVALUED:
        head = f"{what.label}{by}{subject}: {_value(entry.old)} → {_value(entry.new)}"
    elif what is kind.OPTION_EXCLUSIVE:
        head = (
            f"Svarmuligheden udelukker nu de andre{by}{subject}"
            if entry.new
            else f"Svarmuligheden udelukker ikke længere de andre{by}{subject}"
        )
    elif what is kind.CODE_REUSED:
        head = f"Koden er genbrugt til et andet spørgsmål{by}{subject}"
        details += [f"Før: {_quoted(_text(entry.old))}", f"Nu: {_quoted(_text(entry.new))}"]
    else:
        head = f"{what.label}{by}{subject}"
        old, new = _shown(what, entry.old), _shown(what, entry.new)
        details += [f"Før: {old}", f"Nu: {new}"]
    if entry.reason:
        details.append(f"Begrundelse: {entry.reason}")
    elif entry.by is None and what in _ATTRIBUTED:
        details.append("Hvem og hvorfor er ikke angivet.")
    return [f"  {bullet} {head}", *(f"    {line}" for line in details)]


_ATTRIBUTED = frozenset(
    (
        DiffKind.QUESTION_ADDED,
        DiffKind.QUESTION_REMOVED,
        DiffKind.OPTION_ADDED,
        DiffKind.OPTION_REMOVED,
    )
)
"""Kinds whose entries say so when who asked for them, and why, is unknown."""


def _shown(kind: DiffKind, value: Detail) -> str:
    """A before/after value as a coordinator reads it."""
    if kind is DiffKind.CONDITION:
        assert value is None or isinstance(value, Condition)
        return _condition(value)
    if kind is DiffKind.LIMITS:
        low, high = value if isinstance(value, tuple) else (None, None)
        assert not isinstance(low, str)
        assert not isinstance(high, str)
        return _limits(low, high)
    if kind is DiffKind.OPTIONS_REORDERED:
        assert isinstance(value, tuple)
        return ", ".join(str(code) for code in value)
    if kind is DiffKind.QUESTIONNAIRE_ID:
        return str(value)
    text = _text(value)
    return _quoted(text) if text else "(ingen)"


def _text(value: Detail) -> str:
    return value if isinstance(value, str) else ""


def _quoted(text: str) -> str:
    return f'"{text}"'


def _condition(condition: Condition | None) -> str:
    if condition is None:
        return "vises altid"
    codes = list(condition.any_of)
    answers = codes[0] if len(codes) == 1 else f"{', '.join(codes[:-1])} eller {codes[-1]}"
    return f"vises kun, når {condition.question} er besvaret med {answers}"


def _limits(low: float | None, high: float | None) -> str:
    if low is None and high is None:
        return "ingen grænser"
    if high is None:
        return f"mindst {_number(low)}"
    if low is None:
        return f"højst {_number(high)}"
    return f"{_number(low)}–{_number(high)}"


def _number(value: float | None) -> str:
    if value is None:
        return ""
    if float(value).is_integer():
        return str(int(value))
    return str(value).replace(".", ",")


def _value(value: Detail) -> str:
    return "ingen (uden for skalaen)" if value is None else str(value)
