"""A questionnaire as SurveyJS survey JSON, and how our codes are spelt there."""

from __future__ import annotations

import html
import re
from collections.abc import Collection, Iterator, Mapping

import attrs

from klyngepakke.model import Condition, Option, Question, QuestionKind, Questionnaire
from klyngepakke.platforms import CodeRule, PlatformError, platform_codes

__all__ = [
    "NAME_RULE",
    "SCALE_STYLES",
    "VALUE_RULE",
    "SurveyNames",
    "rating_questions",
    "survey_json",
    "survey_names",
    "visible_if",
]

NAME_RULE = CodeRule()
"""Element names: ASCII letters, digits and ``_``, so ``{name}`` in expressions always parses."""

VALUE_RULE = CodeRule(allowed=r"A-Za-z0-9_.\-", first=r"A-Za-z0-9_")
"""Choice values: our option codes, kept to ASCII (æ, ø and å belong in labels)."""

# SurveyJS keeps answers in plain JavaScript objects keyed by name, compared without case, so a
# name that is a member of Object.prototype collides with it (survey-core's name/reserved rule).
_RESERVED = frozenset(
    name.lower()
    for name in (
        "constructor",
        "hasOwnProperty",
        "isPrototypeOf",
        "propertyIsEnumerable",
        "toLocaleString",
        "toString",
        "valueOf",
        "__proto__",
        "__defineGetter__",
        "__defineSetter__",
        "__lookupGetter__",
        "__lookupSetter__",
    )
)

_PIPED = re.compile(r"\{[^{}]*\}")


@attrs.frozen
class SurveyNames:
    """How a questionnaire's codes are spelt in its SurveyJS survey.

    ``questions`` maps question codes to element names (the keys of the survey's data objects),
    ``choices`` maps each choice question's option codes to choice values, and ``pages`` maps
    section codes to page names.
    """

    questions: Mapping[str, str]
    choices: Mapping[str, Mapping[str, str]]
    pages: Mapping[str, str]


def survey_names(questionnaire: Questionnaire) -> SurveyNames:
    """Safe, stable SurveyJS names for ``questionnaire``; :class:`PlatformError` on a clash."""
    questions = platform_codes((q.code for q in questionnaire.questions()), NAME_RULE)
    for code, name in questions.items():
        if name.lower() in _RESERVED:
            raise PlatformError(
                f"question {code!r}: SurveyJS cannot use the name {name!r} (it is a member of "
                "every JavaScript object); rename the question"
            )
    choices: dict[str, Mapping[str, str]] = {}
    for question in questionnaire.questions():
        if question.kind.has_options:
            try:
                choices[question.code] = platform_codes(
                    (o.code for o in question.options), VALUE_RULE
                )
            except PlatformError as exc:
                raise PlatformError(f"question {question.code!r}: {exc}") from None
    # Pages share one namespace with questions in SurveyJS; a page name is never data, so a
    # page whose name a question already has is simply called something else.
    taken = {name.lower() for name in questions.values()}
    pages: dict[str, str] = {}
    sections = platform_codes((s.code for s in questionnaire.sections), NAME_RULE)
    for section, safe in sections.items():
        candidates = [safe, f"side_{safe}"]
        candidates.extend(f"side_{safe}_{n}" for n in range(2, len(taken) + 3))
        name = next(c for c in candidates if c.lower() not in taken and c.lower() not in _RESERVED)
        taken.add(name.lower())
        pages[section] = name
    return SurveyNames(questions, choices, pages)


SCALE_STYLES = ("auto", "radiogroup")
"""How scales are shown: ``auto`` rates where it can, ``radiogroup`` lists every scale."""


def rating_questions(questionnaire: Questionnaire, scales: str = "auto") -> frozenset[str]:
    """The codes of the scales that become a SurveyJS ``rating``.

    With ``scales="auto"`` that is every scale whose options are all on the scale; a scale with
    an answer off the scale ("ved ikke") becomes a ``radiogroup``, since a rating shows each of
    its values as a point of the scale. With ``scales="radiogroup"`` it is none.
    """
    if scales not in SCALE_STYLES:
        raise PlatformError(f"scales={scales!r}: choose one of {', '.join(SCALE_STYLES)}")
    if scales == "radiogroup":
        return frozenset()
    return frozenset(
        q.code
        for q in questionnaire.questions()
        if q.kind is QuestionKind.SCALE and all(o.on_scale for o in q.options)
    )


def survey_json(
    questionnaire: Questionnaire, *, scales: str = "auto"
) -> tuple[dict[str, object], list[str]]:
    """The SurveyJS survey JSON for ``questionnaire`` and warnings for what looks different.

    ``scales`` is one of :data:`SCALE_STYLES` (see :func:`rating_questions`).
    """
    names = survey_names(questionnaire)
    ratings = rating_questions(questionnaire, scales)
    survey: dict[str, object] = {"locale": "da", "title": questionnaire.title}
    if questionnaire.introduction.strip():
        survey["description"] = questionnaire.introduction
    pages: list[dict[str, object]] = []
    for section in questionnaire.sections:
        page: dict[str, object] = {"name": names.pages[section.code], "title": section.title}
        if section.description.strip():
            page["description"] = section.description
        page["elements"] = [
            _element(question, questionnaire, names, ratings) for question in section.questions
        ]
        pages.append(page)
    survey["pages"] = pages
    return survey, _warnings(questionnaire, names, ratings, scales)


def visible_if(
    question: Question,
    questionnaire: Questionnaire,
    names: SurveyNames,
    ratings: Collection[str] = frozenset(),
) -> str:
    """The ``visibleIf`` expression for ``question`` ("" when it is always shown).

    A question is shown when its condition holds *and* the question the condition looks at is
    shown, so the expression carries the conditions of that question too: an answer left
    behind on a question that was hidden again never shows anything. ``ratings`` are the
    scales shown as ratings, whose answers are numbers.
    """
    parts: list[str] = []
    condition = question.show_if
    while condition is not None:
        target = questionnaire.question(condition.question)
        parts.append(_comparison(condition, target, names, ratings))
        condition = target.show_if
    return " and ".join(parts)


def _comparison(
    condition: Condition, target: Question, names: SurveyNames, ratings: Collection[str]
) -> str:
    variable = "{" + names.questions[target.code] + "}"
    literals = [_literal(target, code, names, ratings) for code in condition.any_of]
    if len(literals) > 1:
        return f"{variable} anyof [{', '.join(literals)}]"
    operator = "contains" if target.kind is QuestionKind.MULTIPLE_CHOICE else "="
    return f"{variable} {operator} {literals[0]}"


def _literal(target: Question, code: str, names: SurveyNames, ratings: Collection[str]) -> str:
    if target.code in ratings:
        return str(target.option(code).value)
    # Choice values are ASCII letters, digits, "_", "." and "-": nothing to escape in quotes.
    return f"'{names.choices[target.code][code]}'"


def _element(
    question: Question, questionnaire: Questionnaire, names: SurveyNames, ratings: frozenset[str]
) -> dict[str, object]:
    element: dict[str, object] = {"type": "", "name": names.questions[question.code]}
    kind = question.kind
    if kind is QuestionKind.NOTE:
        element["type"] = "html"
        element["html"] = _html(question.text, question.help)
    else:
        element["title"] = question.text
        if question.help.strip():
            element["description"] = question.help
    if condition := visible_if(question, questionnaire, names, ratings):
        element["visibleIf"] = condition
    if question.required:
        element["isRequired"] = True
    if question.code in ratings:
        element["type"] = "rating"
        element["rateValues"] = [{"value": o.value, "text": o.label} for o in question.options]
    elif kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.SCALE):
        element["type"] = "radiogroup"
        element["choices"] = [_choice(question, o, names) for o in question.options]
    elif kind is QuestionKind.MULTIPLE_CHOICE:
        element["type"] = "checkbox"
        element["choices"] = [_choice(question, o, names) for o in question.options]
    elif kind is QuestionKind.NUMBER:
        element["type"] = "text"
        element["inputType"] = "number"
        if question.minimum is not None:
            element["min"] = _number(question.minimum)
        if question.maximum is not None:
            element["max"] = _number(question.maximum)
    elif kind is QuestionKind.TEXT:
        element["type"] = "comment"
    return element


def _choice(question: Question, option: Option, names: SurveyNames) -> dict[str, object]:
    choice: dict[str, object] = {
        "value": names.choices[question.code][option.code],
        "text": option.label,
    }
    if option.exclusive:
        choice["isExclusive"] = True
    return choice


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def _html(*texts: str) -> str:
    paragraphs = [p.strip() for text in texts for p in text.split("\n\n") if p.strip()]
    return "".join(f"<p>{html.escape(' '.join(p.split()))}</p>" for p in paragraphs)


def _warnings(
    questionnaire: Questionnaire, names: SurveyNames, ratings: frozenset[str], scales: str
) -> list[str]:
    warnings: list[str] = []
    scale_codes = [q.code for q in questionnaire.questions() if q.kind is QuestionKind.SCALE]
    lists = [code for code in scale_codes if code not in ratings]
    if lists and scales == "auto":
        warnings.append(
            "scales with an answer off the scale (such as 'Ved ikke') are shown as a list of "
            "radio buttons, not as rating buttons, so that answer is not shown as a point of "
            f"the scale: {', '.join(lists)} (the option scales=radiogroup shows every scale "
            "as a list)"
        )
    renamed = [f"{code!r} → {name!r}" for code, name in names.questions.items() if code != name]
    if renamed:
        warnings.append(
            "question codes that are not safe SurveyJS names are renamed (the import renames "
            f"them back): {', '.join(renamed)}"
        )
    values = [
        f"{question}: {code!r} → {value!r}"
        for question, mapping in names.choices.items()
        for code, value in mapping.items()
        if code != value
    ]
    if values:
        warnings.append(
            "option codes that are not safe SurveyJS choice values are renamed (the import "
            f"renames them back): {', '.join(values)}"
        )
    piped = sorted(set(_piped_texts(questionnaire)))
    if piped:
        warnings.append(
            "SurveyJS replaces {name} in texts with the answer to that question, so these texts "
            f"may not show as written: {', '.join(piped)}"
        )
    return warnings


def _piped_texts(questionnaire: Questionnaire) -> Iterator[str]:
    texts: list[tuple[str, str]] = [("title", questionnaire.title)]
    texts.append(("introduction", questionnaire.introduction))
    for section in questionnaire.sections:
        texts += [(section.code, section.title), (section.code, section.description)]
        for question in section.questions:
            texts += [(question.code, question.text), (question.code, question.help)]
            texts += [(question.code, option.label) for option in question.options]
    for where, text in texts:
        if _PIPED.search(text):
            yield where
