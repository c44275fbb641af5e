"""Our codes as LimeSurvey codes, and the conditions written in its ExpressionScript.

LimeSurvey's rules (its ``Question`` and ``Answer`` models):

- question codes start with a letter, hold only letters and digits, at most 20 characters,
  unique in the survey, and are none of ExpressionScript's reserved words;
- subquestion codes (the choices of a multiple-choice question) hold only letters and digits,
  at most 20 characters, unique in their question, and are not ``time``;
- answer codes (the choices of a list question) hold only letters and digits, at most
  5 characters, unique in their question regardless of case.

The mapping depends only on the questionnaire, so exporting the questionnaire and importing
its responses agree without storing anything.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Mapping

import attrs

from klyngepakke.model import Question, QuestionKind, Questionnaire
from klyngepakke.platforms import CodeRule, PlatformError, platform_codes, safe_code

QUESTION_RULE = CodeRule(allowed="A-Za-z0-9", first="A-Za-z", max_length=20)
SUBQUESTION_RULE = CodeRule(allowed="A-Za-z0-9", first="A-Za-z0-9", max_length=20)
ANSWER_RULE = CodeRule(allowed="A-Za-z0-9", first="A-Za-z0-9", max_length=5)

RESPONSE_COLUMNS = frozenset(
    {
        "id",
        "token",
        "submitdate",
        "lastpage",
        "startlanguage",
        "seed",
        "startdate",
        "datestamp",
        "ipaddr",
        "refurl",
        "interviewtime",
    }
)
"""Columns LimeSurvey puts in response exports beside the answers, by the survey's settings."""
RESERVED_QUESTION_CODES = frozenset(
    {"lang", "sid", "savedid", "token", "qid", "gid", "sgq", "self", "that", "this"}
    | RESPONSE_COLUMNS
)
"""ExpressionScript's reserved words (compared without case, to be safe), and the names of
the response export's own columns."""
RESERVED_SUBQUESTION_CODES = frozenset({"time", "other", "comment"})
"""``time`` is reserved; ``other`` and ``comment`` name LimeSurvey's own extra columns."""

_UNLIMITED = CodeRule(allowed="A-Za-z0-9", first="A-Za-z0-9", max_length=1_000)


@attrs.frozen
class LimeSurveyCodes:
    """LimeSurvey's codes for one questionnaire's questions and options."""

    questions: Mapping[str, str]
    """Our question code -> LimeSurvey question code."""
    options: Mapping[str, Mapping[str, str]]
    """Our question code -> our option code -> LimeSurvey answer or subquestion code."""

    @classmethod
    def of(cls, questionnaire: Questionnaire) -> LimeSurveyCodes:
        """The codes for ``questionnaire``; :class:`PlatformError` if two would clash."""
        questions = _avoiding(
            [q.code for q in questionnaire.questions()],
            QUESTION_RULE,
            RESERVED_QUESTION_CODES,
            what="question codes",
        )
        options: dict[str, Mapping[str, str]] = {}
        for question in questionnaire.questions():
            codes = [o.code for o in question.options]
            if question.kind is QuestionKind.MULTIPLE_CHOICE:
                options[question.code] = _avoiding(
                    codes,
                    SUBQUESTION_RULE,
                    RESERVED_SUBQUESTION_CODES,
                    what=f"choices of {question.code!r}",
                )
            elif question.kind.has_options:
                options[question.code] = answer_codes(codes, question.code)
        return cls(questions, options)

    def relevance(self, question: Question, questionnaire: Questionnaire) -> str:
        """The question's condition as a LimeSurvey relevance equation (``1``: always shown).

        ``.NAOK`` reads a question even where it is not shown; LimeSurvey empties the answers
        to questions it does not show, so a condition on a hidden question is false, as in
        :meth:`Questionnaire.shown`.
        """
        condition = question.show_if
        if condition is None:
            return "1"
        target = questionnaire.question(condition.question)
        name = self.questions[target.code]
        choices = self.options[target.code]
        if target.kind is QuestionKind.MULTIPLE_CHOICE:
            terms = [f'{name}_{choices[code]}.NAOK == "Y"' for code in condition.any_of]
        else:
            terms = [f'{name}.NAOK == "{choices[code]}"' for code in condition.any_of]
        return terms[0] if len(terms) == 1 else f"({' or '.join(terms)})"


def answer_codes(codes: Iterable[str], question: str) -> dict[str, str]:
    """Answer codes of at most five letters and digits for one question's options.

    A code keeps its first five letters and digits (``ved_ikke`` becomes ``vedik``); shortened
    codes that would then meet another option's code get the first letter and a four-digit
    hash of the full code instead. :class:`PlatformError` if two still clash.
    """
    codes = list(codes)
    short = {code: _letters_and_digits(code)[: ANSWER_RULE.max_length] for code in codes}
    uses = Counter(value.lower() for value in short.values())
    mapping: dict[str, str] = {}
    for code in codes:
        value = short[code]
        if uses[value.lower()] > 1 and value != code:
            digest = hashlib.sha1(code.encode("utf-8")).hexdigest()
            value = value[:1] + digest[: ANSWER_RULE.max_length - 1]
        mapping[code] = value
    _refuse_clashes(mapping, f"answer codes of {question!r}")
    return mapping


def _letters_and_digits(code: str) -> str:
    return safe_code(code, _UNLIMITED)


def _avoiding(
    codes: Iterable[str], rule: CodeRule, reserved: frozenset[str], *, what: str
) -> dict[str, str]:
    """``platform_codes`` for ``codes``, with reserved words given a ``q`` in front."""
    codes = list(codes)
    adjusted: dict[str, str] = {}
    for code in codes:
        free = code
        while safe_code(free, rule).lower() in reserved:
            free = f"q{free}"
        adjusted[code] = free
    try:
        safe = platform_codes(adjusted.values(), rule)
    except PlatformError as exc:
        raise PlatformError(f"LimeSurvey {what}: {exc}") from None
    mapping = {code: safe[adjusted[code]] for code in codes}
    _refuse_clashes(mapping, what)
    return mapping


def _refuse_clashes(mapping: Mapping[str, str], what: str) -> None:
    owners: dict[str, str] = {}
    for code, value in mapping.items():
        first = owners.setdefault(value.lower(), code)
        if first != code:
            raise PlatformError(
                f"LimeSurvey {what}: {first!r} and {code!r} both become {value!r}; "
                "rename one of them"
            )
