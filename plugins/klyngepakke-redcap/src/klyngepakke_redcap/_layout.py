"""REDCap names for a questionnaire: one instrument, its fields, choices and export columns.

Both the data dictionary and the record import take their names from :class:`RedcapLayout`,
so a questionnaire always gives the same names on the way out and on the way back in.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

import attrs

from klyngepakke.model import Question, QuestionKind, Questionnaire
from klyngepakke.platforms import CodeRule, PlatformError, platform_codes, safe_code

__all__ = [
    "CHOICE_RULE",
    "FIELD_RULE",
    "FORM_RULE",
    "RECOMMENDED_LENGTH",
    "RECORD_ID",
    "RedcapLayout",
]

FIELD_RULE = CodeRule(allowed="a-z0-9_", first="a-z", max_length=100, lower=True, prefix="q")
"""Variable names: lower-case letters, digits and ``_``, a letter first, at most 100."""
CHOICE_RULE = CodeRule(allowed="a-z0-9_", first="a-z0-9", max_length=100, lower=True, prefix="c")
"""Raw coded values of choices, which also end checkbox export columns (``field___value``)."""
FORM_RULE = CodeRule(allowed="a-z0-9_", first="a-z", max_length=50, lower=True, prefix="f")
"""Unique instrument names."""
RECOMMENDED_LENGTH = 26
"""REDCap accepts longer variable names but warns above this many characters."""
RECORD_ID = "record_id"
"""The record id field: the first field of every REDCap project; holds the respondent id."""
CHECKBOX_SEPARATOR = "___"
INTRO_FIELD = "intro"


@attrs.frozen
class RedcapLayout:
    """How one questionnaire is named in REDCap."""

    form: str
    """Unique instrument name; the export's form status column is ``<form>_complete``."""
    fields: Mapping[str, str]
    """Variable name for each question code (notes included)."""
    choices: Mapping[str, Mapping[str, str]]
    """Raw coded value for each option code, by question code."""
    intro_field: str | None
    """A descriptive field holding the questionnaire's introduction, if it has one."""

    @classmethod
    def of(cls, questionnaire: Questionnaire, form: str | None = None) -> RedcapLayout:
        """The names for ``questionnaire``; :class:`PlatformError` where REDCap cannot hold them.

        ``form`` overrides the instrument name, which is the questionnaire id by default.
        """
        form_name = safe_code(form or questionnaire.id, FORM_RULE)
        questions = list(questionnaire.questions())
        fields = platform_codes((q.code for q in questions), FIELD_RULE)
        choices = {
            q.code: platform_codes((o.code for o in q.options), CHOICE_RULE)
            for q in questions
            if q.kind.has_options
        }
        taken = set(fields.values())
        intro = None
        if questionnaire.introduction.strip():
            intro, number = INTRO_FIELD, 0
            while intro in taken:
                number += 1
                intro = f"{INTRO_FIELD}_{number}"
        layout = cls(form_name, fields, choices, intro)
        layout._check_names(questionnaire)
        return layout

    def _check_names(self, questionnaire: Questionnaire) -> None:
        reserved = {RECORD_ID: "REDCap's record id field", self.complete_column: "the form status"}
        seen: dict[str, str] = {}
        for question in questionnaire.questions():
            name = self.fields[question.code]
            if name in reserved:
                raise PlatformError(
                    f"question {question.code!r} would be REDCap's {name!r}, which is "
                    f"{reserved[name]}; rename the question"
                )
            if name.startswith("redcap_"):
                raise PlatformError(
                    f"question {question.code!r}: REDCap keeps names starting with 'redcap_' "
                    "for itself; rename the question"
                )
            for column in self.columns_of(question):
                if column in seen and seen[column] != question.code:
                    raise PlatformError(
                        f"questions {seen[column]!r} and {question.code!r} both give the REDCap "
                        f"export column {column!r}; rename one of them"
                    )
                seen[column] = question.code

    @property
    def complete_column(self) -> str:
        """The form status column of record exports: 0 Incomplete, 1 Unverified, 2 Complete."""
        return f"{self.form}_complete"

    def field(self, question: Question) -> str:
        """The variable name of ``question``."""
        return self.fields[question.code]

    def choice(self, question: Question, option_code: str) -> str:
        """The raw coded value of one option of ``question``."""
        return self.choices[question.code][option_code]

    def checkbox_column(self, question: Question, option_code: str) -> str:
        """The export column of one checkbox: ``<field>___<raw value>``."""
        return f"{self.field(question)}{CHECKBOX_SEPARATOR}{self.choice(question, option_code)}"

    def columns_of(self, question: Question) -> Iterator[str]:
        """The export columns holding the answer to ``question`` (none for a note)."""
        if question.kind is QuestionKind.NOTE:
            return
        if question.kind is QuestionKind.MULTIPLE_CHOICE:
            for option in question.options:
                yield self.checkbox_column(question, option.code)
        else:
            yield self.field(question)

    def columns(self, questionnaire: Questionnaire) -> list[str]:
        """Every column of a raw record export of this instrument, in REDCap's order."""
        answers = [c for q in questionnaire.questions() for c in self.columns_of(q)]
        return [RECORD_ID, *answers, self.complete_column]

    def renamed(self, questionnaire: Questionnaire) -> list[str]:
        """Each code REDCap's naming rules changed, as ``'old' → 'new'``."""
        changes = [f"{code!r} → {name!r}" for code, name in self.fields.items() if code != name]
        for question in questionnaire.questions():
            changes.extend(
                f"{question.code}: {code!r} → {raw!r}"
                for code, raw in self.choices.get(question.code, {}).items()
                if code != raw
            )
        return changes
