"""A questionnaire as LimeSurvey's tab-separated survey structure (``.txt``).

The layout is the one LimeSurvey's own "Tab Separated Values format (*.txt)" export writes
and its survey import reads (``tsvSurveyExport`` and ``TSVImportSurvey`` in LimeSurvey's
source): UTF-8 with a byte-order mark, one header row, then one row per survey setting (S),
language setting (SL), group (G), question (Q), subquestion (SQ) and answer (A). Rows belong
to the group or question above them. Cells are quoted like CSV where they must be.

Columns the importer does not know as its own become question attributes; we use
``exclude_all_others`` (multiple choice: the exclusive choices, ``;``-separated) and
``min_num_value_n``/``max_num_value_n`` (numerical input: the limits). ``id`` and
``related_id`` stay empty: the importer numbers groups and questions itself.
"""

from __future__ import annotations

import codecs
import csv
import html
import io
import re
from collections.abc import Iterator
from decimal import Decimal

from klyngepakke.model import Question, QuestionKind, Questionnaire
from klyngepakke_limesurvey._codes import LimeSurveyCodes

LANGUAGE = "da"
BASE_COLUMNS = (
    "id",
    "related_id",
    "class",
    "type/scale",
    "name",
    "relevance",
    "text",
    "help",
    "language",
    "validation",
    "mandatory",
    "other",
    "default",
    "same_default",
)
"""The columns LimeSurvey's export writes first, in its order."""
ATTRIBUTE_COLUMNS = ("exclude_all_others", "max_num_value_n", "min_num_value_n")
"""The question attributes we set; LimeSurvey's export lists attributes sorted, likewise."""
COLUMNS = (*BASE_COLUMNS, *ATTRIBUTE_COLUMNS)

QUESTION_TYPES = {
    QuestionKind.SINGLE_CHOICE: "L",
    QuestionKind.SCALE: "L",
    QuestionKind.MULTIPLE_CHOICE: "M",
    QuestionKind.NUMBER: "N",
    QuestionKind.TEXT: "T",
    QuestionKind.NOTE: "X",
}
"""List (radio), multiple choice, numerical input, long free text, text display."""

SURVEY_SETTINGS = (
    ("language", LANGUAGE),
    ("format", "G"),  # one page per group, as our sections
    ("shownoanswer", "N"),  # no extra "No answer" choice: only our options are shown
)

Row = dict[str, str]

_ENTITIES = {"{": "&#123;", "}": "&#125;", "\\": "&#92;"}
_LINE_BREAK = re.compile("\r\n|[\n\v\f\r\x85\u2028\u2029]")
"""What LimeSurvey's importer turns into a new line (PHP's ``\\R``) before reading the rows."""


def survey_structure(
    questionnaire: Questionnaire, codes: LimeSurveyCodes
) -> tuple[bytes, list[str]]:
    """The ``.txt`` file's bytes, and warnings for text LimeSurvey would show differently."""
    warnings: list[str] = []
    rows = list(_rows(questionnaire, codes, warnings))
    buffer = io.StringIO()
    writer = csv.DictWriter(
        buffer, COLUMNS, delimiter="\t", quotechar='"', lineterminator="\n", restval=""
    )
    writer.writeheader()
    writer.writerows(rows)
    return codecs.BOM_UTF8 + buffer.getvalue().encode("utf-8"), warnings


def _rows(
    questionnaire: Questionnaire, codes: LimeSurveyCodes, warnings: list[str]
) -> Iterator[Row]:
    for name, value in SURVEY_SETTINGS:
        yield {"class": "S", "name": name, "text": value}
    yield _language_setting("surveyls_language", LANGUAGE)
    yield _language_setting("surveyls_title", _plain(questionnaire.title, "title", warnings))
    if questionnaire.introduction:
        yield _language_setting("surveyls_welcometext", rich_text(questionnaire.introduction))
    for number, section in enumerate(questionnaire.sections, start=1):
        yield {
            "class": "G",
            "type/scale": str(number),
            "name": _plain(section.title, f"section {section.code!r}", warnings),
            "text": rich_text(section.description),
            "language": LANGUAGE,
        }
        for question in section.questions:
            yield _question_row(question, questionnaire, codes)
            yield from _choice_rows(question, codes)


def _language_setting(name: str, text: str) -> Row:
    return {"class": "SL", "name": name, "text": text, "language": LANGUAGE}


def _question_row(question: Question, questionnaire: Questionnaire, codes: LimeSurveyCodes) -> Row:
    row: Row = {
        "class": "Q",
        "type/scale": QUESTION_TYPES[question.kind],
        "name": codes.questions[question.code],
        "relevance": codes.relevance(question, questionnaire),
        "text": rich_text(question.text),
        "help": rich_text(question.help),
        "language": LANGUAGE,
        "mandatory": "Y" if question.required else "N",
        "other": "N",
        "same_default": "0",
    }
    if question.kind is QuestionKind.MULTIPLE_CHOICE:
        choices = codes.options[question.code]
        row["exclude_all_others"] = ";".join(
            choices[option.code] for option in question.options if option.exclusive
        )
    if question.minimum is not None:
        row["min_num_value_n"] = _number(question.minimum)
    if question.maximum is not None:
        row["max_num_value_n"] = _number(question.maximum)
    return row


def _choice_rows(question: Question, codes: LimeSurveyCodes) -> Iterator[Row]:
    if not question.kind.has_options:
        return
    choices = codes.options[question.code]
    for option in question.options:
        if question.kind is QuestionKind.MULTIPLE_CHOICE:
            yield {
                "class": "SQ",
                "name": choices[option.code],
                "text": rich_text(option.label),
                "language": LANGUAGE,
            }
        else:
            yield {
                "class": "A",
                "type/scale": "0",
                "name": choices[option.code],
                "text": rich_text(option.label),
                "language": LANGUAGE,
            }


def rich_text(text: str) -> str:
    """Text for a cell LimeSurvey shows as HTML (question, help, choice, description).

    ``&``, ``<`` and ``>`` become entities, line breaks ``<br />``, and braces entities, since
    ExpressionScript would read ``{...}`` as an expression, and backslashes, which LimeSurvey's
    CSV reader takes as an escape character. A cell that begins and ends with a
    double quote would lose both to the importer's repair of spreadsheet quoting, so its first
    quote becomes ``&quot;``. What the respondent sees is the text as written.
    """
    escaped = html.escape(text, quote=False)
    for character, entity in _ENTITIES.items():
        escaped = escaped.replace(character, entity)
    escaped = _LINE_BREAK.sub("<br />", escaped)
    if len(escaped) >= 2 and escaped.startswith('"') and escaped.endswith('"'):
        escaped = "&quot;" + escaped[1:]
    return escaped


def _plain(text: str, where: str, warnings: list[str]) -> str:
    """Text for a cell LimeSurvey shows as plain text (survey title, group name)."""
    flat = " ".join(text.split())
    if flat != text.strip():
        warnings.append(f"the {where} is shown on one line in LimeSurvey")
    if "{" in flat:
        warnings.append(
            f"the {where} has '{{', which LimeSurvey's ExpressionScript may read as an expression"
        )
    if len(flat) >= 2 and flat.startswith('"') and flat.endswith('"'):
        warnings.append(f"LimeSurvey's import removes the quotes around the {where}")
    if '\\"' in flat:
        warnings.append(
            f"LimeSurvey's import may misread the backslash before a quote in the {where}"
        )
    return flat


def _number(value: float) -> str:
    return format(Decimal(repr(float(value))).normalize(), "f")
