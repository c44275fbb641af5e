"""Read ODK Central's and KoboToolbox's response exports of an XLSForm back into responses.

ODK Central (``submissions.csv``): ``SubmissionDate``, then one column per field named by its
group path joined with ``-`` (``om_dig-rolle``, or just ``rolle`` without group names), a
``select_multiple`` as space-separated choice names, optionally followed by one ``1``/``0``
column per choice (``om_dig-kanaler/telefon``), then ``meta-instanceID``, ``KEY``,
``SubmitterID``, …, ``ReviewState``, ``FormVersion``.

KoboToolbox (CSV with ``;``, or Excel): fields named by group paths joined with ``/``
(``om_dig/rolle``), a ``select_multiple`` as a space-separated column and/or one ``1``/``0``
column per choice (``om_dig/kanaler/telefon``), and metadata columns starting with ``_``
(``_id``, ``_uuid``, ``_validation_status``, …).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
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
from klyngepakke.tables import Table, parse_number, read_table
from klyngepakke_xlsform._names import FormNames, form_names
from klyngepakke_xlsform._options import choose

IMPORT_OPTIONS = {"rejected": ("skip", "keep")}
"""``rejected=keep`` imports rows the platform marks as rejected / not approved."""

PLATFORM = "xlsform"

# Metadata questions an XLSForm may add (https://xlsform.org/#metadata); never answers.
_FORM_METADATA = frozenset(
    {
        "start",
        "end",
        "today",
        "deviceid",
        "phonenumber",
        "username",
        "email",
        "simserial",
        "subscriberid",
        "audit",
        "instanceID",
        "instanceName",
    }
)
_TRUE = frozenset({"1", "true", "yes"})
_FALSE = frozenset({"0", "false", "no", ""})


@attrs.frozen
class Layout:
    """How one platform lays out its export."""

    platform: str
    markers: frozenset[str]
    """Columns only this platform writes."""
    separator: str
    """Joins group and field names."""
    choice_separators: tuple[str, ...]
    """Join a ``select_multiple`` column and a choice name into that choice's column."""
    id_columns: tuple[str, ...]
    """Where the respondent id may be, best first."""
    status_column: str
    rejected: frozenset[str]
    """Status values (lower case) of rows the platform marks as rejected."""
    metadata: frozenset[str]
    metadata_prefixes: tuple[str, ...]

    def is_metadata(self, column: str) -> bool:
        """Whether ``column`` is the platform's bookkeeping rather than an answer."""
        return (
            column in self.metadata
            or column in _FORM_METADATA
            or column.startswith(self.metadata_prefixes)
        )


ODK_CENTRAL = Layout(
    platform="ODK Central",
    markers=frozenset({"SubmissionDate", "KEY", "meta-instanceID", "ReviewState"}),
    separator="-",
    # Central writes "q/choice"; older ODK tools and hand-made files use "q-choice".
    choice_separators=("/", "-"),
    id_columns=("KEY", "meta-instanceID", "instanceID"),
    status_column="ReviewState",
    rejected=frozenset({"rejected"}),
    metadata=frozenset(
        {
            "SubmissionDate",
            "KEY",
            "SubmitterID",
            "SubmitterName",
            "AttachmentsPresent",
            "AttachmentsExpected",
            "Status",
            "ReviewState",
            "DeviceID",
            "Edits",
            "FormVersion",
        }
    ),
    metadata_prefixes=("meta-",),
)

KOBO = Layout(
    platform="KoboToolbox",
    markers=frozenset({"_uuid", "_id", "_index", "_submission_time", "_validation_status"}),
    separator="/",
    choice_separators=("/",),
    id_columns=("_uuid", "meta/instanceID", "instanceID", "_id"),
    status_column="_validation_status",
    rejected=frozenset({"validation_status_not_approved", "not approved", "not_approved"}),
    metadata=frozenset({"formhub/uuid"}),
    metadata_prefixes=("_", "meta/"),
)


def detect_layout(header: Sequence[str], source: str) -> Layout:
    """ODK Central or KoboToolbox, from the metadata columns only one of them writes."""
    columns = set(header)
    found = [layout for layout in (ODK_CENTRAL, KOBO) if layout.markers & columns]
    if not found:
        raise PlatformError(
            f"{source}: neither an ODK Central export (columns KEY, meta-instanceID, "
            "SubmissionDate) nor a KoboToolbox export (columns _uuid, _id, _index)"
        )
    if len(found) > 1:
        raise PlatformError(
            f"{source}: has the metadata columns of both ODK Central and KoboToolbox; "
            "export it again from one platform"
        )
    return found[0]


@attrs.frozen
class _Columns:
    """Where each question's answer is in the table."""

    answers: Mapping[str, str]
    """Question code → the column with its answer (choice names space-separated)."""
    choices: Mapping[str, Mapping[str, str]]
    """Multiple-choice question code → option code → that option's 1/0 column."""
    known: frozenset[str]
    """Every column that is an answer, a note or the platform's metadata."""


def read_responses(
    source: Path, questionnaire: Questionnaire, options: Mapping[str, str]
) -> ResponseImport:
    """Read an ODK Central or KoboToolbox export of ``questionnaire``'s XLSForm."""
    keep_rejected = choose(options, IMPORT_OPTIONS)["rejected"] == "keep"
    table = read_table(source)
    layout = detect_layout(table.header, str(source))
    names = form_names(questionnaire)
    columns = _locate(table.header, questionnaire, names, layout)
    id_column = next((c for c in layout.id_columns if c in table.header), None)
    if id_column is None:
        raise PlatformError(
            f"{source}: no respondent id column ({', '.join(layout.id_columns)}) in this "
            f"{layout.platform} export"
        )
    if not columns.answers and not columns.choices:
        raise PlatformError(
            f"{source}: no column holds an answer to a question of {questionnaire.id!r}; is it "
            f"the export of another form, or exported with labels instead of XML names?"
        )
    warnings = list(_column_warnings(table, questionnaire, columns))
    reader = _RowReader(questionnaire, names, layout, columns, id_column, keep_rejected)
    return collect_responses(
        questionnaire, reader.rows(table), platform=PLATFORM, warnings=warnings
    )


def _locate(
    header: Sequence[str], questionnaire: Questionnaire, names: FormNames, layout: Layout
) -> _Columns:
    present = set(header)
    answers: dict[str, str] = {}
    choices: dict[str, dict[str, str]] = {}
    known = {column for column in header if layout.is_metadata(column) or not column.strip()}
    for section in questionnaire.sections:
        # With group names (the platforms' default) or without them.
        group = f"{names.groups[section.code]}{layout.separator}"
        if section.code in names.notes:
            note = names.notes[section.code]
            known.update((group + note, note))
        for question in section.questions:
            name = names.questions[question.code]
            candidates = (group + name, name)
            known.update(candidates)
            column = next((c for c in candidates if c in present), None)
            if column is not None and question.kind is not QuestionKind.NOTE:
                answers[question.code] = column
            if question.kind is QuestionKind.MULTIPLE_CHOICE:
                split: dict[str, str] = {}
                for code, choice in names.choices[question.code].items():
                    found = (
                        f"{prefix}{separator}{choice}"
                        for prefix in candidates
                        for separator in layout.choice_separators
                    )
                    split_column = next((c for c in found if c in present), None)
                    if split_column is not None:
                        split[code] = split_column
                if split:
                    choices[question.code] = split
                    known.update(split.values())
    if "" in names.notes:
        known.add(names.notes[""])
    return _Columns(answers, choices, frozenset(known))


def _column_warnings(
    table: Table, questionnaire: Questionnaire, columns: _Columns
) -> Iterator[str]:
    unknown = [c for c in table.header if c not in columns.known]
    if unknown:
        yield (
            f"{table.source}: ignored {len(unknown)} column(s) that are not questions of "
            f"{questionnaire.id!r}: {', '.join(unknown)}"
        )
    missing = [
        q.code
        for q in questionnaire.questions()
        if q.kind is not QuestionKind.NOTE
        and q.code not in columns.answers
        and q.code not in columns.choices
    ]
    if missing:
        yield (
            f"{table.source}: no column for question(s) {', '.join(missing)}: their answers "
            "are taken as empty"
        )


@attrs.frozen
class _RowReader:
    questionnaire: Questionnaire
    names: FormNames
    layout: Layout
    columns: _Columns
    id_column: str
    keep_rejected: bool

    def rows(self, table: Table) -> Iterator[RawRow | SkippedRow]:
        """Each row of ``table`` as answers in our codes, or why it cannot be read."""
        too_long = dict(table.extra_cells())
        width = len(table.header)
        for number, record in table.records():
            if number in too_long:
                yield SkippedRow(
                    number, f"{too_long[number]} cells, but the header has {width} columns"
                )
                continue
            yield self._row(number, record)

    def _row(self, number: int, record: Mapping[str, str]) -> RawRow | SkippedRow:
        status = record.get(self.layout.status_column, "").strip()
        if status.lower() in self.layout.rejected and not self.keep_rejected:
            return SkippedRow(
                number,
                f"marked {status!r} in {self.layout.platform} ({self.layout.status_column}); "
                "import it with the option rejected=keep",
            )
        answers: dict[str, Answer] = {}
        for question in self.questionnaire.questions():
            try:
                answer = self._answer(question, record)
            except ValueError as exc:
                return SkippedRow(number, f"{question.code}: {exc}")
            if answer is not None:
                answers[question.code] = answer
        return RawRow(number, record.get(self.id_column, "").strip(), answers)

    def _answer(self, question: Question, record: Mapping[str, str]) -> Answer | None:
        column = self.columns.answers.get(question.code)
        cell = record.get(column, "") if column is not None else ""
        kind = question.kind
        if kind is QuestionKind.MULTIPLE_CHOICE:
            return self._selected(question, cell if column is not None else None, record)
        if not cell.strip():
            return None
        if kind.has_options:
            name = cell.strip()
            # An unknown name stays as it is, so the check reports it as an unknown option.
            return self.names.option_code(question.code, name) or name
        if kind is QuestionKind.NUMBER:
            try:
                number = parse_number(cell)
            except ValueError:
                return cell  # reported by the check as "expected a number"
            return int(number) if number.is_integer() else number
        return cell

    def _selected(
        self, question: Question, cell: str | None, record: Mapping[str, str]
    ) -> tuple[str, ...] | None:
        order = {option.code: index for index, option in enumerate(question.options)}
        from_cell: list[str] | None = None
        if cell is not None:
            from_cell = []
            for name in cell.split():
                code = self.names.option_code(question.code, name) or name
                if code not in from_cell:
                    from_cell.append(code)
            from_cell.sort(key=lambda code: order.get(code, len(order)))
        split = self.columns.choices.get(question.code)
        if split is None:
            return tuple(from_cell) if from_cell else None
        from_split: list[str] = []
        for code, column in split.items():
            flag = record.get(column, "").strip().lower()
            if flag in _TRUE:
                from_split.append(code)
            elif flag not in _FALSE:
                raise ValueError(f"{column} holds {flag!r}, expected 1 or 0")
        from_split.sort(key=lambda code: order[code])
        if from_cell is None:
            return tuple(from_split) or None
        # The platform writes only the choices someone chose as columns: compare those.
        shown = [code for code in from_cell if code in split]
        if shown != from_split:
            raise ValueError(
                f"{' '.join(cell.split()) if cell else 'no answer'!r} disagrees with its "
                f"choice columns ({' '.join(from_split) or 'none'})"
            )
        return tuple(from_cell) or None
