"""Write a questionnaire as a REDCap data dictionary: one CSV row per field, 18 columns."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from pathlib import Path

from klyngepakke.model import Question, QuestionKind, Questionnaire, Section
from klyngepakke.platforms import PlatformError
from klyngepakke_redcap._layout import RECOMMENDED_LENGTH, RECORD_ID, RedcapLayout

__all__ = ["DICTIONARY_COLUMNS", "dictionary_rows", "dictionary_warnings", "write_dictionary"]

DICTIONARY_COLUMNS = (
    "Variable / Field Name",
    "Form Name",
    "Section Header",
    "Field Type",
    "Field Label",
    "Choices, Calculations, OR Slider Labels",
    "Field Note",
    "Text Validation Type OR Show Slider Number",
    "Text Validation Min",
    "Text Validation Max",
    "Identifier?",
    "Branching Logic (Show field only if...)",
    "Required Field?",
    "Custom Alignment",
    "Question Number (surveys only)",
    "Matrix Group Name",
    "Matrix Ranking?",
    "Field Annotation",
)
"""The columns of a REDCap data dictionary, in the order REDCap writes and expects them."""

_FIELD_TYPES = {
    QuestionKind.SINGLE_CHOICE: "radio",
    QuestionKind.SCALE: "radio",
    QuestionKind.MULTIPLE_CHOICE: "checkbox",
    QuestionKind.NUMBER: "text",
    QuestionKind.TEXT: "notes",
    QuestionKind.NOTE: "descriptive",
}
_RECORD_ID_LABEL = "Respondent-id"
# Square brackets around a name are piping (or a smart variable) in REDCap's texts.
_PIPING = re.compile(r"\[[a-z][a-z0-9_-]*(?:\([^)\]]*\))?(?::[a-z0-9_-]+)?\]")


def write_dictionary(questionnaire: Questionnaire, layout: RedcapLayout, destination: Path) -> None:
    """Write the data dictionary as UTF-8 CSV with a byte-order mark, so Excel shows æ, ø, å."""
    rows = dictionary_rows(questionnaire, layout)  # raises before anything is written
    with destination.open("w", encoding="utf-8-sig", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(DICTIONARY_COLUMNS)
        writer.writerows(rows)


def dictionary_rows(questionnaire: Questionnaire, layout: RedcapLayout) -> list[list[str]]:
    """The data dictionary's rows (without the header): the record id first, then the form."""
    rows = [_row(layout, RECORD_ID, "text", _RECORD_ID_LABEL)]
    if layout.intro_field is not None:
        rows.append(
            _row(layout, layout.intro_field, "descriptive", _shown(questionnaire.introduction))
        )
    for section in questionnaire.sections:
        for index, question in enumerate(section.questions):
            header = _section_header(section) if index == 0 else ""
            rows.append(_question_row(questionnaire, layout, question, header))
    return rows


def dictionary_warnings(questionnaire: Questionnaire, layout: RedcapLayout) -> list[str]:
    """What REDCap shows or names differently from the questionnaire."""
    warnings = [
        f"REDCap takes a survey's title from its Survey Settings, not from the data dictionary: "
        f"set the title of instrument {layout.form!r} to {questionnaire.title!r} there"
    ]
    renamed = layout.renamed(questionnaire)
    if renamed:
        warnings.append(
            "codes changed to follow REDCap's naming rules (imports map them back): "
            + ", ".join(renamed)
        )
    long_names = [name for name in layout.fields.values() if len(name) > RECOMMENDED_LENGTH]
    if long_names:
        warnings.append(
            f"variable names longer than the {RECOMMENDED_LENGTH} characters REDCap recommends "
            "(REDCap accepts them; some statistics programs cut long names): "
            + ", ".join(long_names)
        )
    piped = sorted({match for text in _texts(questionnaire) for match in _PIPING.findall(text)})
    if piped:
        warnings.append(
            "REDCap reads square brackets in texts as piping and may replace these: "
            + ", ".join(piped)
        )
    return warnings


def _texts(questionnaire: Questionnaire) -> Iterator[str]:
    yield questionnaire.introduction
    for section in questionnaire.sections:
        yield section.title
        yield section.description
        for question in section.questions:
            yield question.text
            yield question.help
            yield from (option.label for option in question.options)


def _row(layout: RedcapLayout, name: str, field_type: str, label: str, **cells: str) -> list[str]:
    values = {
        "Variable / Field Name": name,
        "Form Name": layout.form,
        "Field Type": field_type,
        "Field Label": label,
    }
    values.update({_COLUMN_KEYS[key]: value for key, value in cells.items()})
    return [values.get(column, "") for column in DICTIONARY_COLUMNS]


_COLUMN_KEYS = {
    "section": "Section Header",
    "choices": "Choices, Calculations, OR Slider Labels",
    "note": "Field Note",
    "validation": "Text Validation Type OR Show Slider Number",
    "minimum": "Text Validation Min",
    "maximum": "Text Validation Max",
    "branching": "Branching Logic (Show field only if...)",
    "required": "Required Field?",
    "annotation": "Field Annotation",
}


def _question_row(
    questionnaire: Questionnaire, layout: RedcapLayout, question: Question, header: str
) -> list[str]:
    cells = {"section": header}
    label = _shown(question.text)
    if question.kind is QuestionKind.NOTE:
        # Descriptive fields show no field note, so the help goes under the text.
        if question.help.strip():
            label = f"{label}\n\n{_shown(question.help)}"
    else:
        cells["note"] = _shown(question.help)
    if question.options:
        cells["choices"] = _choices(layout, question)
    if question.kind is QuestionKind.NUMBER:
        cells["validation"] = "number"
        cells["minimum"] = _number(question.minimum)
        cells["maximum"] = _number(question.maximum)
    if question.show_if is not None:
        cells["branching"] = _branching_logic(questionnaire, layout, question)
    if question.required:
        cells["required"] = "y"
    exclusive = [layout.choice(question, o.code) for o in question.options if o.exclusive]
    if exclusive:
        cells["annotation"] = f"@NONEOFTHEABOVE='{','.join(exclusive)}'"
    return _row(layout, layout.field(question), _FIELD_TYPES[question.kind], label, **cells)


def _section_header(section: Section) -> str:
    if section.description.strip():
        return f"{_shown(section.title)}\n\n{_shown(section.description)}"
    return _shown(section.title)


def _choices(layout: RedcapLayout, question: Question) -> str:
    for option in question.options:
        if "|" in option.label or "\n" in option.label or "\r" in option.label:
            raise PlatformError(
                f"question {question.code!r}, option {option.code!r}: REDCap separates choices "
                "with '|' and line breaks, so a choice label cannot hold them; reword the label"
            )
    return " | ".join(
        f"{layout.choice(question, option.code)}, {_shown(option.label)}"
        for option in question.options
    )


def _branching_logic(questionnaire: Questionnaire, layout: RedcapLayout, question: Question) -> str:
    condition = question.show_if
    assert condition is not None
    target = questionnaire.question(condition.question)
    field = layout.field(target)
    if target.kind is QuestionKind.MULTIPLE_CHOICE:
        terms = [f"[{field}({layout.choice(target, code)})] = '1'" for code in condition.any_of]
    else:
        terms = [f"[{field}] = '{layout.choice(target, code)}'" for code in condition.any_of]
    return " or ".join(terms)


def _shown(text: str) -> str:
    # REDCap shows texts as HTML and strips what looks like a tag: keep a literal '<'.
    return text.replace("<", "&lt;")


def _number(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else repr(float(value))
