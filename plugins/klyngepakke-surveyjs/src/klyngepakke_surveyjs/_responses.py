"""SurveyJS survey results (data objects) back as responses."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

from klyngepakke.model import Answer, Question, QuestionKind, Questionnaire
from klyngepakke.platforms import (
    PlatformError,
    RawRow,
    ResponseImport,
    SkippedRow,
    collect_responses,
)
from klyngepakke.tables import TableError, decode, parse_number
from klyngepakke_surveyjs._survey import SurveyNames, survey_names

__all__ = ["ID_KEYS", "LINE_SUFFIXES", "read_results"]

ID_KEYS = ("respondent", "id", "_id", "uuid")
"""Keys tried, in order, for the respondent id when no ``id_key`` option is given."""

LINE_SUFFIXES = (".jsonl", ".ndjson")
"""Suffixes of files with one data object per line."""

_LIST_KEYS = ("data", "results")

_Item = tuple[int, object]


def read_results(
    source: Path, questionnaire: Questionnaire, *, platform: str, id_key: str | None = None
) -> ResponseImport:
    """Read survey results in ``source``: a JSON array, ``{"data": [...]}`` or JSON lines.

    Rows are the lines of a JSON lines file and the positions of the objects in an array
    (the first object is row 1).
    """
    names = survey_names(questionnaire)
    warnings: list[str] = []
    text = _text(source, warnings)
    items = _items(source, text)
    by_name = {names.questions[q.code]: q for q in questionnaire.questions()}
    if id_key is not None:
        id_keys: tuple[str, ...] = (id_key,)
    else:
        id_keys = tuple(key for key in ID_KEYS if key not in by_name)
    unknown: dict[str, list[int]] = {}
    rows: list[RawRow | SkippedRow] = []
    for item in items:
        if isinstance(item, SkippedRow):
            rows.append(item)
            continue
        row, data = item
        if not isinstance(data, dict):
            rows.append(SkippedRow(row, f"not a JSON object but {_json_type(data)}"))
            continue
        for key in data:
            if key not in by_name and key not in id_keys:
                unknown.setdefault(str(key), []).append(row)
        rows.append(_row(row, data, by_name, names, id_keys))
    if unknown:
        listed = ", ".join(f"{key!r} ({_rows(found)})" for key, found in unknown.items())
        warnings.append(f"{source}: ignored keys that are not questions: {listed}")
    return collect_responses(questionnaire, rows, platform=platform, warnings=warnings)


def _text(source: Path, warnings: list[str]) -> str:
    try:
        data = source.read_bytes()
    except OSError as exc:
        raise PlatformError(f"{source}: {exc.strerror or exc}") from None
    try:
        text, encoding = decode(data, str(source))
    except TableError as exc:
        raise PlatformError(str(exc)) from None
    if encoding == "cp1252":
        warnings.append(f"{source}: not UTF-8, as JSON should be; read as Windows-1252")
    if not text.strip():
        raise PlatformError(f"{source}: empty file")
    return text


def _items(source: Path, text: str) -> list[_Item | SkippedRow]:
    if source.suffix.lower() in LINE_SUFFIXES:
        return list(_lines(text))
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        if exc.msg == "Extra data" and text.lstrip().startswith("{"):
            return list(_lines(text))  # JSON lines in a file called .json
        raise PlatformError(
            f"{source}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from None
    if isinstance(document, dict):
        lists = [key for key in document if str(key).lower() in _LIST_KEYS]
        if lists and isinstance(document[lists[0]], list):
            document = document[lists[0]]
    if not isinstance(document, list):
        raise PlatformError(
            f"{source}: expected a JSON array of survey results (data objects), an object with "
            f"a 'data' or 'results' array, or JSON lines; got {_json_type(document)}"
        )
    return list(enumerate(document, start=1))


def _lines(text: str) -> Iterator[_Item | SkippedRow]:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            yield number, json.loads(line)
        except json.JSONDecodeError as exc:
            yield SkippedRow(number, f"not valid JSON (column {exc.colno}: {exc.msg})")


def _row(
    row: int,
    data: Mapping[str, object],
    by_name: Mapping[str, Question],
    names: SurveyNames,
    id_keys: Sequence[str],
) -> RawRow | SkippedRow:
    respondent = next((data[k] for k in id_keys if data.get(k) not in (None, "")), None)
    if respondent is None:
        keys = " or ".join(repr(k) for k in id_keys)
        return SkippedRow(row, f"no respondent id ({keys})")
    if not isinstance(respondent, str | int) or isinstance(respondent, bool):
        return SkippedRow(row, f"the respondent id {respondent!r} is not text or a whole number")
    answers: dict[str, Answer] = {}
    problems: list[str] = []
    for name, question in by_name.items():
        value = data.get(name)
        if value is None:
            continue
        try:
            answers[question.code] = _answer(question, value, names)
        except ValueError as exc:
            problems.append(f"{question.code}: {exc}")
    if problems:
        return SkippedRow(row, "; ".join(problems))
    return RawRow(row, str(respondent), answers)


def _answer(question: Question, value: object, names: SurveyNames) -> Answer:
    kind = question.kind
    if kind is QuestionKind.MULTIPLE_CHOICE:
        if not isinstance(value, list):
            raise ValueError(f"expected a list of choices, got {value!r}")
        return tuple(_choice(question, item, names) for item in value)
    if kind is QuestionKind.SCALE and isinstance(value, int | float):
        return _rating(question, value)  # a rating: numbers are points of the scale
    if kind.has_options:
        return _choice(question, value, names)
    if kind is QuestionKind.NUMBER:
        return _number(value)
    if isinstance(value, str):
        return value
    if kind is QuestionKind.NOTE:
        return str(value)  # a note has no answer: the row check reports it
    raise ValueError(f"expected text, got {value!r}")


def _choice(question: Question, value: object, names: SurveyNames) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise ValueError(f"expected a choice value, got {value!r}")
    codes = {v: code for code, v in names.choices[question.code].items()}
    return codes.get(value, value)  # an unknown value is reported by the row check


def _rating(question: Question, value: float) -> str:
    if not isinstance(value, bool):
        for option in question.options:
            if option.value is not None and option.value == value:
                return option.code
    points = ", ".join(str(o.value) for o in question.options if o.value is not None)
    raise ValueError(f"{value!r} is not a point of the scale ({points})")


def _number(value: object) -> int | float:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValueError(f"expected a number, got {value!r}")
    if isinstance(value, str):
        number = parse_number(value)  # its ValueError says what is wrong
        return int(number) if number.is_integer() else number
    return value


def _json_type(value: object) -> str:
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if value is None:
        return "null"
    return f"the value {value!r}"


def _rows(rows: Sequence[int]) -> str:
    shown = ", ".join(str(r) for r in rows[:5])
    more = f" and {len(rows) - 5} more" if len(rows) > 5 else ""
    return f"row{'s' if len(rows) > 1 else ''} {shown}{more}"
