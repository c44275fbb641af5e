"""A questionnaire as an XLSForm: the survey, choices and settings sheets of an ``.xlsx`` file."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from decimal import Decimal
from pathlib import Path

import attrs

from klyngepakke.model import Condition, Question, QuestionKind, Questionnaire
from klyngepakke.platforms import PlatformError
from klyngepakke_xlsform._names import LANGUAGE, FormNames, form_names
from klyngepakke_xlsform._options import choose

SURVEY_COLUMNS = (
    "type",
    "name",
    f"label::{LANGUAGE}",
    f"hint::{LANGUAGE}",
    "required",
    f"required_message::{LANGUAGE}",
    "relevant",
    "constraint",
    f"constraint_message::{LANGUAGE}",
    "appearance",
)
CHOICES_COLUMNS = ("list_name", "name", f"label::{LANGUAGE}")
SETTINGS_COLUMNS = ("form_title", "form_id", "version", "default_language")

EXPORT_OPTIONS = {"likert": ("yes", "no"), "numbers": ("auto", "decimal")}
"""``likert=no`` shows scales as plain lists; ``numbers=decimal`` allows decimals everywhere."""

REQUIRED_MESSAGE = "Besvar venligst spørgsmålet."

# ODK's integer is a 32-bit signed number.
_INTEGER_LIMIT = 2**31 - 1

Row = Mapping[str, str]


@attrs.frozen
class XLSForm:
    """The three sheets of an XLSForm, as rows of ``column → cell``."""

    survey: tuple[Row, ...]
    choices: tuple[Row, ...]
    settings: Row


def build_xlsform(questionnaire: Questionnaire, options: Mapping[str, str]) -> XLSForm:
    """The XLSForm of ``questionnaire``; :class:`PlatformError` for what it cannot express."""
    chosen = choose(options, EXPORT_OPTIONS)
    _check_texts(questionnaire)
    names = form_names(questionnaire)
    survey = tuple(_survey_rows(questionnaire, names, chosen))
    choices = tuple(
        {
            "list_name": names.questions[q.code],
            "name": names.choices[q.code][o.code],
            **_label(o.label),
        }
        for q in questionnaire.questions()
        for o in q.options
    )
    settings = {
        "form_title": questionnaire.title,
        "form_id": names.form_id,
        "default_language": LANGUAGE,
    }
    # ODK Central needs a new version for every changed form: the questionnaire's own version
    # plus a digest of the content, so the same questionnaire always gives the same version.
    content = json.dumps([survey, choices, settings], sort_keys=True, ensure_ascii=False)
    digest = hashlib.sha1(content.encode("utf-8")).hexdigest()[:8]
    version = questionnaire.version.strip()
    settings["version"] = f"{version}-{digest}" if version else digest
    return XLSForm(survey, choices, settings)


def write_xlsform(
    questionnaire: Questionnaire, destination: Path, options: Mapping[str, str]
) -> list[str]:
    """Write the XLSForm of ``questionnaire`` to ``destination`` (``.xlsx``)."""
    import openpyxl
    from openpyxl.styles import Font
    from openpyxl.utils.exceptions import IllegalCharacterError

    form = build_xlsform(questionnaire, options)
    book = openpyxl.Workbook()
    sheets = (
        ("survey", SURVEY_COLUMNS, form.survey),
        ("choices", CHOICES_COLUMNS, form.choices),
        ("settings", SETTINGS_COLUMNS, (form.settings,)),
    )
    default = book.active
    for title, columns, rows in sheets:
        sheet = book.create_sheet(title)
        sheet.append(columns)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            try:
                sheet.append([row.get(column) or None for column in columns])
            except IllegalCharacterError:
                raise PlatformError(
                    f"{title} row {row.get('name', '')!r}: a text holds a control character "
                    "Excel cannot store"
                ) from None
            for cell in sheet[sheet.max_row]:
                # openpyxl would store text starting with "=" as a formula.
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.data_type = "s"
        sheet.freeze_panes = "A2"
        for index, column in enumerate(columns):
            letter = sheet.cell(row=1, column=index + 1).column_letter
            wide = column.startswith(("label", "hint", "constraint", "relevant", "form_title"))
            sheet.column_dimensions[letter].width = 60 if wide else 22
    if default is not None:
        book.remove(default)
    book.save(destination)
    return []


def _label(text: str) -> dict[str, str]:
    return {f"label::{LANGUAGE}": text}


def _survey_rows(
    questionnaire: Questionnaire, names: FormNames, options: Mapping[str, str]
) -> Iterator[Row]:
    if "" in names.notes:
        yield {"type": "note", "name": names.notes[""], **_label(questionnaire.introduction)}
    for section in questionnaire.sections:
        yield {"type": "begin_group", "name": names.groups[section.code], **_label(section.title)}
        if section.code in names.notes:
            yield {"type": "note", "name": names.notes[section.code], **_label(section.description)}
        for question in section.questions:
            yield _question_row(questionnaire, question, names, options)
        yield {"type": "end_group"}


def _question_row(
    questionnaire: Questionnaire, question: Question, names: FormNames, options: Mapping[str, str]
) -> Row:
    name = names.questions[question.code]
    row: dict[str, str] = {"name": name, **_label(question.text)}
    if question.help:
        row[f"hint::{LANGUAGE}"] = question.help
    if question.required:
        row["required"] = "yes"
        row[f"required_message::{LANGUAGE}"] = REQUIRED_MESSAGE
    if question.show_if is not None:
        row["relevant"] = _relevant(questionnaire, question.show_if, names)
    kind = question.kind
    if kind is QuestionKind.SINGLE_CHOICE:
        row["type"] = f"select_one {name}"
    elif kind is QuestionKind.SCALE:
        row["type"] = f"select_one {name}"
        if options["likert"] == "yes":
            row["appearance"] = "likert"
    elif kind is QuestionKind.MULTIPLE_CHOICE:
        row["type"] = f"select_multiple {name}"
        exclusive = [o for o in question.options if o.exclusive]
        if exclusive:
            choice = names.choices[question.code]
            row["constraint"] = " and ".join(
                f"not(selected(., '{choice[o.code]}') and count-selected(.) > 1)" for o in exclusive
            )
            labels = " og ".join(f"»{o.label}«" for o in exclusive)
            row[f"constraint_message::{LANGUAGE}"] = (
                f"{labels} kan ikke vælges sammen med andre svar."
            )
    elif kind is QuestionKind.NUMBER:
        row["type"] = _number_type(question, options["numbers"])
        row.update(_number_constraint(question))
    elif kind is QuestionKind.TEXT:
        row["type"] = "text"
    else:
        row["type"] = "note"
    return row


def _relevant(questionnaire: Questionnaire, condition: Condition, names: FormNames) -> str:
    target = questionnaire.question(condition.question)
    reference = "${" + names.questions[target.code] + "}"
    choice = names.choices[target.code]
    if target.kind is QuestionKind.MULTIPLE_CHOICE:
        tests = [f"selected({reference}, '{choice[code]}')" for code in condition.any_of]
    else:
        tests = [f"{reference} = '{choice[code]}'" for code in condition.any_of]
    return " or ".join(tests)


def _number_type(question: Question, numbers: str) -> str:
    limits = [v for v in (question.minimum, question.maximum) if v is not None]
    whole = all(float(v).is_integer() and abs(v) <= _INTEGER_LIMIT for v in limits)
    return "integer" if numbers == "auto" and whole else "decimal"


def _number_constraint(question: Question) -> dict[str, str]:
    low, high = question.minimum, question.maximum
    if low is not None and high is not None:
        expression = f". >= {_xpath(low)} and . <= {_xpath(high)}"
        message = f"Skriv et tal fra {_danish(low)} til {_danish(high)}."
    elif low is not None:
        expression = f". >= {_xpath(low)}"
        message = f"Skriv et tal, der er mindst {_danish(low)}."
    elif high is not None:
        expression = f". <= {_xpath(high)}"
        message = f"Skriv et tal, der højst er {_danish(high)}."
    else:
        return {}
    return {"constraint": expression, f"constraint_message::{LANGUAGE}": message}


def _xpath(value: float) -> str:
    if float(value).is_integer():
        return str(int(value))
    return format(Decimal(repr(float(value))), "f")


def _danish(value: float) -> str:
    return _xpath(value).replace(".", ",")


def _check_texts(questionnaire: Questionnaire) -> None:
    # XLSForm reads "${name}" in any label or hint as a reference to another answer.
    texts: list[tuple[str, str]] = [("title", questionnaire.title)]
    texts.append(("introduction", questionnaire.introduction))
    for section in questionnaire.sections:
        texts += [(f"section {section.code!r}", section.title)]
        texts += [(f"section {section.code!r}", section.description)]
        for question in section.questions:
            where = f"question {question.code!r}"
            texts += [(where, question.text), (where, question.help)]
            texts += [(f"{where}, option {o.code!r}", o.label) for o in question.options]
    for where, text in texts:
        if "${" in text:
            raise PlatformError(
                f"{where}: XLSForm reads '${{' as a reference to another answer; "
                "reword the text without '${'"
            )
