"""The XLSForm names of a questionnaire's elements, shared by the export and the import."""

from __future__ import annotations

from collections.abc import Mapping

import attrs

from klyngepakke.model import Question, Questionnaire
from klyngepakke.platforms import CodeRule, PlatformError, platform_codes, safe_code

LANGUAGE = "Dansk (da)"
"""The XLSForm language of every label, hint and message."""

NAME_RULE = CodeRule(allowed=r"A-Za-z0-9_", first=r"A-Za-z", prefix="q")
"""Question, group and form names: XML names that analysis tools also accept.

No ``-`` or ``.``: ODK Central joins group paths with ``-``, and Stata/SPSS refuse both.
"""

CHOICE_RULE = CodeRule(allowed=r"A-Za-z0-9_.\-", first=r"A-Za-z0-9_", prefix="c")
"""Choice names: anything without spaces (``select_multiple`` answers are space-separated)."""

RESERVED = frozenset({"meta"})
"""Names XLSForm keeps for itself (``meta`` holds the instance ID)."""


@attrs.frozen
class FormNames:
    """Every name the XLSForm of one questionnaire uses: stable, one-to-one, unique in the form."""

    form_id: str
    questions: Mapping[str, str]
    """Question code → question name."""
    groups: Mapping[str, str]
    """Section code → group name."""
    choices: Mapping[str, Mapping[str, str]]
    """Question code → option code → choice name (the choice list is named like the question)."""
    notes: Mapping[str, str]
    """Notes the form adds: ``""`` → the introduction, section code → the section's description."""

    def option_code(self, question: str, choice: str) -> str | None:
        """The option code of ``choice`` for ``question``; ``None`` for an unknown name."""
        for code, name in self.choices[question].items():
            if name == choice:
                return code
        return None


def form_names(questionnaire: Questionnaire) -> FormNames:
    """The names of ``questionnaire``'s XLSForm.

    Codes that are already safe stay as they are. Question names come first, so a group or
    note that would repeat one (or another group) gets a numbered suffix; XLSForm needs names
    unique in the whole form for ``${name}`` references, compared without case.
    """
    questions = platform_codes((q.code for q in questionnaire.questions()), NAME_RULE)
    reserved = [code for code, name in questions.items() if name.lower() in RESERVED]
    if reserved:
        raise PlatformError(
            f"question {reserved[0]!r}: the name {questions[reserved[0]]!r} is reserved in "
            "XLSForm; rename the question"
        )
    taken = {name.lower() for name in (*questions.values(), *RESERVED)}
    groups = {
        section.code: _unique(safe_code(section.code, NAME_RULE), taken)
        for section in questionnaire.sections
    }
    notes: dict[str, str] = {}
    if questionnaire.introduction.strip():
        notes[""] = _unique("intro", taken)
    for section in questionnaire.sections:
        if section.description.strip():
            notes[section.code] = _unique(f"{groups[section.code]}_intro", taken)
    choices = {
        question.code: _choice_names(question)
        for question in questionnaire.questions()
        if question.kind.has_options
    }
    return FormNames(
        form_id=safe_code(questionnaire.id, NAME_RULE),
        questions=questions,
        groups=groups,
        choices=choices,
        notes=notes,
    )


def _choice_names(question: Question) -> dict[str, str]:
    try:
        return platform_codes((o.code for o in question.options), CHOICE_RULE)
    except PlatformError as exc:
        raise PlatformError(f"question {question.code!r}: {exc}") from None


def _unique(name: str, taken: set[str]) -> str:
    candidate = name
    number = 1
    while candidate.lower() in taken:
        number += 1
        candidate = f"{name}_{number}"
    taken.add(candidate.lower())
    return candidate
