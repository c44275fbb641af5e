"""Read a REDCap record export (CSV, raw data) back into responses."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path

from klyngepakke.model import Answer, Question, QuestionKind, Questionnaire
from klyngepakke.platforms import (
    PlatformError,
    RawRow,
    ResponseImport,
    SkippedRow,
    collect_responses,
)
from klyngepakke.tables import Table, TableError, parse_number, read_table
from klyngepakke_redcap._layout import CHECKBOX_SEPARATOR, RECORD_ID, RedcapLayout

__all__ = ["FORM_STATUS", "read_records"]

FORM_STATUS = {"0": "Incomplete", "1": "Unverified", "2": "Complete"}
"""REDCap's form status, as raw record exports give it in ``<form>_complete``."""
_COMPLETE = "2"
_CHECKED = {"1": True, "0": False, "": False}


def read_records(
    source: Path,
    questionnaire: Questionnaire,
    layout: RedcapLayout,
    *,
    platform: str,
    include_incomplete: bool = False,
) -> ResponseImport:
    """Read ``source``, a raw record export, checking every row against ``questionnaire``.

    Rows whose form status is not Complete are left out (and reported) unless
    ``include_incomplete``; columns that are not part of the questionnaire are ignored with
    a warning, and columns it expects but the export lacks are read as unanswered.
    """
    table = _read(source)
    header = set(table.header)
    if RECORD_ID not in header:
        raise PlatformError(
            f"{source}: no {RECORD_ID!r} column; export the records from REDCap as "
            "'CSV / Microsoft Excel (raw data)'"
        )
    repeated = sorted({c for c in table.header if table.header.count(c) > 1 and c})
    if repeated:
        raise PlatformError(f"{source}: columns named more than once: {', '.join(repeated)}")
    expected = layout.columns(questionnaire)
    warnings: list[str] = []
    unknown = [c for c in table.header if c and c not in expected]
    if unknown:
        warnings.append(f"columns not in the questionnaire, ignored: {', '.join(unknown)}")
    missing = [c for c in expected if c not in header and c != layout.complete_column]
    if missing:
        warnings.append(
            f"columns missing from the export, read as unanswered: {', '.join(missing)}"
        )
    check_status = layout.complete_column in header
    if not check_status:
        warnings.append(
            f"no {layout.complete_column!r} column: every row is read as a finished response"
        )
    reader = _RowReader(questionnaire, layout, table.header)
    rows: list[RawRow | SkippedRow] = []
    too_long = dict(table.extra_cells())
    for number, record in table.records():
        if number in too_long:
            reason = f"{too_long[number]} cells, but the header has {len(table.header)} columns"
            rows.append(SkippedRow(number, reason))
            continue
        if check_status and not include_incomplete:
            status = record[layout.complete_column].strip() or "0"
            if status != _COMPLETE:
                rows.append(SkippedRow(number, _status_reason(status)))
                continue
        rows.append(reader.read(number, record))
    return collect_responses(questionnaire, rows, platform=platform, warnings=warnings)


def _read(source: Path) -> Table:
    try:
        return read_table(source)
    except TableError as exc:
        raise PlatformError(str(exc)) from None


def _status_reason(status: str) -> str:
    if status in FORM_STATUS:
        return (
            f"form status {status} ({FORM_STATUS[status]}): not a finished response; the option "
            "include_incomplete=yes imports it anyway"
        )
    return f"form status {status!r} is not 0, 1 or 2"


class _RowReader:
    """Turns one export row into answers in the questionnaire's codes."""

    def __init__(
        self, questionnaire: Questionnaire, layout: RedcapLayout, header: tuple[str, ...]
    ) -> None:
        self.questionnaire = questionnaire
        self.layout = layout
        self.codes = {
            question.code: {raw: code for code, raw in layout.choices[question.code].items()}
            for question in questionnaire.questions()
            if question.kind.has_options
        }
        # Checkbox columns for choices the questionnaire lacks: a tick there is an unknown code.
        self.stray: dict[str, list[tuple[str, str]]] = {}
        for question in questionnaire.questions():
            if question.kind is QuestionKind.MULTIPLE_CHOICE:
                prefix = layout.field(question) + CHECKBOX_SEPARATOR
                known = set(layout.columns_of(question))
                self.stray[question.code] = [
                    (column, column.removeprefix(prefix))
                    for column in header
                    if column.startswith(prefix) and column not in known
                ]

    def read(self, number: int, record: Mapping[str, str]) -> RawRow | SkippedRow:
        answers: dict[str, Answer] = {}
        problems: list[str] = []
        for question in self.questionnaire.questions():
            if question.kind is QuestionKind.NOTE:
                continue
            if question.kind is QuestionKind.MULTIPLE_CHOICE:
                answers[question.code] = tuple(self._ticked(question, record, problems))
                continue
            cell = record.get(self.layout.field(question), "")
            if question.kind.has_options:
                raw = cell.strip()
                answers[question.code] = self.codes[question.code].get(raw, raw)
            elif question.kind is QuestionKind.NUMBER:
                answers[question.code] = _number(cell)
            else:
                answers[question.code] = cell
        if problems:
            return SkippedRow(number, "; ".join(problems))
        return RawRow(number, record[RECORD_ID].strip(), answers)

    def _ticked(
        self, question: Question, record: Mapping[str, str], problems: list[str]
    ) -> Iterator[str]:
        columns = [
            (self.layout.checkbox_column(question, o.code), o.code) for o in question.options
        ]
        for column, code in [*columns, *self.stray[question.code]]:
            cell = record.get(column, "").strip()
            ticked = _CHECKED.get(cell)
            if ticked is None:
                problems.append(f"{column}: {cell!r} is not 1 (checked) or 0 (unchecked)")
            elif ticked:
                yield code


def _number(cell: str) -> Answer:
    if not cell.strip():
        return ""
    try:
        value = parse_number(cell)
    except ValueError:
        return cell  # reported as "expected a number" when the row is checked
    return int(value) if value.is_integer() else value
