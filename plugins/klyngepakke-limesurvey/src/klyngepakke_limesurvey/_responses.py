"""LimeSurvey's response export (CSV with "Question code" headings) read back as responses.

LimeSurvey's CSV export (``CsvWriter``) writes a byte-order mark, quotes every cell and ends
rows with CRLF; the separator is a setting (``,`` or ``;``). With "Question code" headings a
column is named by the question code (``Q1``), a multiple-choice choice by question and
subquestion code (``Q2[SQ001]``, or ``Q2_SQ001`` with "ExpressionScript code" headings), and a
question's "Other" text by ``Q1[other]``. With "Answer codes" a list question holds the answer
code, a multiple-choice choice ``Y`` when chosen and nothing when not.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Mapping
from pathlib import Path

import attrs

from klyngepakke.model import Answer, Question, QuestionKind, Questionnaire
from klyngepakke.platforms import (
    PlatformError,
    RawRow,
    ResponseImport,
    SkippedRow,
    collect_responses,
)
from klyngepakke.tables import Table, TableError, parse_number, read_table
from klyngepakke_limesurvey._codes import RESPONSE_COLUMNS, LimeSurveyCodes

PLATFORM = "limesurvey"
RESPONSE_ID = "id"
SUBMIT_DATE = "submitdate"
_TIMING = re.compile(r".+Time")
"""Timing columns (``Q1Time``, ``groupTime12``) of surveys that save timings."""
_EXPRESSION_CHOICE = re.compile(r"(?P<question>[A-Za-z][A-Za-z0-9]*)_(?P<choice>[A-Za-z0-9]+)")
"""A choice column with "ExpressionScript code" headings: ``Q2_SQ001``."""


@attrs.frozen
class _Column:
    question: Question
    choice: str | None = None
    """Our option code, for a choice of a multiple-choice question."""
    other: bool = False


def read_responses(source: Path, questionnaire: Questionnaire) -> ResponseImport:
    """Read LimeSurvey's response CSV ``source`` for ``questionnaire``."""
    try:
        table = read_table(source)
    except TableError as exc:
        raise PlatformError(str(exc)) from None
    codes = LimeSurveyCodes.of(questionnaire)
    columns, warnings = _columns(table, questionnaire, codes)
    return collect_responses(
        questionnaire,
        _rows(table, columns, codes, has_submitdate=SUBMIT_DATE in table.header),
        platform=PLATFORM,
        warnings=warnings,
    )


def _columns(
    table: Table, questionnaire: Questionnaire, codes: LimeSurveyCodes
) -> tuple[dict[str, _Column], list[str]]:
    """The header's answer columns, and warnings about columns ignored or missing."""
    if RESPONSE_ID not in table.header:
        raise PlatformError(
            f"{table.source}: no {RESPONSE_ID!r} column; export the responses from LimeSurvey "
            "as CSV with 'Question code' headings"
        )
    repeated = sorted({name for name in table.header if table.header.count(name) > 1})
    if repeated:
        raise PlatformError(f"{table.source}: columns named twice: {', '.join(repeated)}")
    expected = dict(_expected_columns(questionnaire, codes))
    columns: dict[str, _Column] = {}
    unknown: list[str] = []
    read_as: dict[str, str] = {}
    for name in table.header:
        column = expected.get(name) or expected.get(_bracketed(name))
        if column is not None:
            first = read_as.setdefault(_bracketed(name), name)
            if first != name:
                raise PlatformError(f"{table.source}: columns {first} and {name} are the same")
            columns[name] = column
        elif name not in RESPONSE_COLUMNS and not _TIMING.fullmatch(name):
            unknown.append(name)
    if not columns:
        raise PlatformError(
            f"{table.source}: no column is named by a question code of {questionnaire.id!r}; "
            "export the responses from LimeSurvey with 'Question code' headings and "
            "'Answer codes'"
        )
    warnings: list[str] = []
    missing = _missing(expected, read_as.keys())
    if missing:
        warnings.append(
            f"{table.source}: no column for {', '.join(missing)}; "
            "those answers are read as not given"
        )
    if unknown:
        warnings.append(
            f"{table.source}: columns that are not in the questionnaire were ignored: "
            f"{', '.join(unknown)}"
        )
    if SUBMIT_DATE not in table.header:
        warnings.append(
            f"{table.source}: no {SUBMIT_DATE!r} column, so unfinished responses cannot be told "
            "apart; every row was read as submitted"
        )
    return columns, warnings


def _expected_columns(
    questionnaire: Questionnaire, codes: LimeSurveyCodes
) -> Iterator[tuple[str, _Column]]:
    for question in questionnaire.questions():
        if question.kind is QuestionKind.NOTE:
            continue
        name = codes.questions[question.code]
        if question.kind is QuestionKind.MULTIPLE_CHOICE:
            for option, choice in codes.options[question.code].items():
                yield f"{name}[{choice}]", _Column(question, choice=option)
        else:
            yield name, _Column(question)
        yield f"{name}[other]", _Column(question, other=True)


def _missing(expected: Mapping[str, _Column], found: Collection[str]) -> list[str]:
    """The questions without columns, each with the columns LimeSurvey would name."""
    absent: dict[str, list[str]] = {}
    questions: dict[str, Question] = {}
    for name, column in expected.items():
        if column.other:
            continue
        questions[column.question.code] = column.question
        if name not in found:
            absent.setdefault(column.question.code, []).append(name)
    described = []
    for code, names in absent.items():
        question = questions[code]
        if len(names) > 1 and len(names) == len(question.options):
            shown = f"{names[0].partition('[')[0]}[…]"  # every choice of a multiple choice
        else:
            shown = ", ".join(names)
        described.append(_where(shown, question))
    return described


def _bracketed(name: str) -> str:
    """``Q2_SQ001`` (ExpressionScript code headings) as ``Q2[SQ001]``."""
    match = _EXPRESSION_CHOICE.fullmatch(name)
    return name if match is None else f"{match['question']}[{match['choice']}]"


def _rows(
    table: Table, columns: Mapping[str, _Column], codes: LimeSurveyCodes, *, has_submitdate: bool
) -> Iterator[RawRow | SkippedRow]:
    extra = dict(table.extra_cells())
    width = len(table.header)
    for number, record in table.records():
        if number in extra:
            reason = f"{extra[number]} cells, but the header has {width} columns"
            yield SkippedRow(number, reason)
            continue
        if has_submitdate and not record[SUBMIT_DATE].strip():
            yield SkippedRow(number, "not submitted (no submitdate): an unfinished response")
            continue
        answers, problems = _answers(record, columns, codes)
        if problems:
            yield SkippedRow(number, "; ".join(problems))
        else:
            yield RawRow(number, record[RESPONSE_ID].strip(), answers)


def _answers(
    record: Mapping[str, str], columns: Mapping[str, _Column], codes: LimeSurveyCodes
) -> tuple[dict[str, Answer], list[str]]:
    answers: dict[str, Answer] = {}
    chosen: dict[str, set[str]] = {}
    problems: list[str] = []
    for name, column in columns.items():
        cell = record[name]
        question = column.question
        if not cell.strip():
            continue
        where = _where(name, question)
        if column.other:
            problems.append(f"{where}: an 'Other' answer ({cell!r}); the question has no 'Other'")
        elif column.choice is not None:
            value = cell.strip()
            if value == "Y":
                chosen.setdefault(question.code, set()).add(column.choice)
            elif value != "N":
                problems.append(f"{where}: {value!r} is not 'Y' (chosen) or empty")
        elif question.kind.has_options:
            answer = _option(question, cell.strip(), codes)
            if answer is None:
                problems.append(f"{where}: {_unknown_answer(question, cell.strip(), codes)}")
            else:
                answers[question.code] = answer
        elif question.kind is QuestionKind.NUMBER:
            try:
                number = parse_number(cell)
            except ValueError:
                problems.append(f"{where}: {cell!r} is not a number")
            else:
                answers[question.code] = int(number) if number.is_integer() else number
        else:
            answers[question.code] = cell
    for column in columns.values():
        selected = chosen.get(column.question.code)
        if selected is not None:
            answers[column.question.code] = tuple(
                option.code for option in column.question.options if option.code in selected
            )
    return answers, problems


def _where(column: str, question: Question) -> str:
    """The question code, and the column where LimeSurvey's name for it differs."""
    return column if column == question.code else f"{question.code} (column {column})"


def _option(question: Question, value: str, codes: LimeSurveyCodes) -> str | None:
    for option, code in codes.options[question.code].items():
        if code == value:
            return option
    return None


def _unknown_answer(question: Question, value: str, codes: LimeSurveyCodes) -> str:
    known = ", ".join(codes.options[question.code].values())
    reason = f"{value!r} is not an answer code of the question ({known})"
    if any(option.label == value for option in question.options):
        reason += "; export with 'Answer codes', not full answers"
    return reason
