"""The SurveyXact platform: no questionnaire export, an import of its data export."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import ClassVar

import attrs

from klyngepakke.model import Answer, Question, QuestionKind, Questionnaire
from klyngepakke.platforms import (
    PlatformError,
    QuestionnairePlatform,
    RawRow,
    ResponseImport,
    SkippedRow,
    collect_responses,
    safe_code,
)
from klyngepakke.tables import parse_number
from klyngepakke_surveyxact._files import (
    StructureRow,
    SurveyXactExport,
    header_key,
    read_export,
    value_key,
)
from klyngepakke_surveyxact._mapping import (
    VARIABLE_RULE,
    Assignment,
    explicit_assignments,
    name_candidates,
    read_mapping,
)

__all__ = ["SurveyXactPlatform"]

_OPTIONS = ("mapping", "structure", "labels", "id_column")
_ID_COLUMNS = ("respondentid", "respondent", "id", "respondentnoegle", "respondentkey")
_STATUS = re.compile(r"stato(verall)?\d*")

EXPORT_MESSAGE = (
    "SurveyXact has no file format for importing a questionnaire: build the survey in "
    "SurveyXact by hand from the questionnaire (see 'klyngepakke show'), giving its variables "
    "the question codes as names, or list the variables in a mapping file for the import; "
    "klyngepakke_surveyxact.mapping_template(questionnaire) writes one to start from"
)


class SurveyXactPlatform(QuestionnairePlatform):
    """SurveyXact (Rambøll): read its data export (Dataset, Structure, Labels) as responses.

    Options for the import: ``mapping=PATH`` (a mapping file, see the README),
    ``structure=PATH`` and ``labels=PATH`` (companion CSV files not named by the convention),
    ``id_column=NAME`` (the column with respondent ids).
    """

    name: ClassVar[str] = "surveyxact"
    description: ClassVar[str] = (
        "SurveyXact (Rambøll): import its data export (Excel, or Dataset/Structure/Labels CSV "
        "files); the survey itself is built by hand"
    )
    questionnaire_suffixes: ClassVar[tuple[str, ...]] = ()
    response_suffixes: ClassVar[tuple[str, ...]] = (".xlsx", ".csv", ".txt")

    def export_questionnaire(
        self, questionnaire: Questionnaire, destination: Path, options: Mapping[str, str]
    ) -> list[str]:
        """Refuse: SurveyXact cannot import a questionnaire; say what to do instead."""
        raise PlatformError(EXPORT_MESSAGE)

    def import_responses(
        self, source: Path, questionnaire: Questionnaire, options: Mapping[str, str]
    ) -> ResponseImport:
        """Read a SurveyXact data export: an ``.xlsx`` workbook or the Dataset CSV file."""
        unknown = sorted(set(options) - set(_OPTIONS))
        if unknown:
            raise PlatformError(
                f"unknown option {', '.join(unknown)} for surveyxact "
                f"(options: {', '.join(_OPTIONS)})"
            )
        empty = [key for key, value in options.items() if not value.strip()]
        if empty:
            raise PlatformError(f"option {', '.join(empty)} needs a value")
        paths = {
            key: Path(options[key]) for key in ("mapping", "structure", "labels") if key in options
        }
        export = read_export(source, structure=paths.get("structure"), labels=paths.get("labels"))
        explicit: dict[str, Assignment] = {}
        if "mapping" in paths:
            rows = read_mapping(paths["mapping"])
            explicit = explicit_assignments(rows, questionnaire, str(paths["mapping"]))
        plan = _plan(questionnaire, export, explicit, options.get("id_column"))
        return collect_responses(
            questionnaire,
            (plan.read(number, cells) for number, cells in export.rows),
            platform=self.name,
            warnings=[*export.notes, *plan.warnings],
        )


# -- reading one row ------------------------------------------------------------------------


def _label_key(text: str) -> str:
    return " ".join(text.casefold().split())


@attrs.frozen
class _Choice:
    """A single-choice or scale question in one variable of numeric values."""

    question: Question
    variable: str
    index: int
    values: Mapping[str, str]
    labels: Mapping[str, str]

    def read(self, cells: Sequence[str]) -> tuple[Answer | None, str | None]:
        cell = cells[self.index].strip()
        if not cell:
            return None, None
        key = value_key(cell)
        if key in self.values:
            return self.values[key], None
        for option in self.question.options:
            if _label_key(option.label) == _label_key(cell) or option.code == cell:
                return option.code, None
        label = self.labels.get(key)
        said = f" ({label!r})" if label else ""
        return None, (
            f"{self.question.code}: value {cell}{said} of {self.variable} is none of its options"
        )


@attrs.frozen
class _Dummy:
    variable: str
    index: int
    option: str | None


@attrs.frozen
class _Multiple:
    """A multiple-choice question in one 0/1 variable per option."""

    question: Question
    dummies: tuple[_Dummy, ...]

    def read(self, cells: Sequence[str]) -> tuple[Answer | None, str | None]:
        chosen: set[str] = set()
        problems: list[str] = []
        for dummy in self.dummies:
            cell = cells[dummy.index].strip()
            key = value_key(cell) if cell else "0"
            if key == "0":
                continue
            if key != "1":
                problems.append(f"{dummy.variable} is {cell!r}, not 0 or 1")
            elif dummy.option is None:
                problems.append(f"{dummy.variable} is chosen, but is none of its options")
            else:
                chosen.add(dummy.option)
        if problems:
            return None, f"{self.question.code}: {'; '.join(problems)}"
        codes = tuple(o.code for o in self.question.options if o.code in chosen)
        return (codes or None), None


@attrs.frozen
class _Plain:
    """A number or text question in one variable."""

    question: Question
    variable: str
    index: int

    def read(self, cells: Sequence[str]) -> tuple[Answer | None, str | None]:
        cell = cells[self.index].strip()
        if not cell:
            return None, None
        if self.question.kind is not QuestionKind.NUMBER:
            return cell, None
        try:
            number = parse_number(cell)
        except ValueError:
            return None, f"{self.question.code}: {cell!r} in {self.variable} is not a number"
        return (int(number) if number.is_integer() else number), None


_Reader = _Choice | _Multiple | _Plain


@attrs.frozen
class _Plan:
    """How to read each dataset row: where the id is and which column holds which question."""

    width: int
    id_index: int | None
    readers: tuple[_Reader, ...]
    status: Mapping[int, Mapping[str, str]]
    """Status columns: index → value key → status text (SurveyXact's ``statoverall``)."""
    overlong: Mapping[int, int]
    warnings: tuple[str, ...]

    def read(self, number: int, cells: tuple[str, ...]) -> RawRow | SkippedRow:
        if number in self.overlong:
            return SkippedRow(
                number,
                f"{self.overlong[number]} cells, but the dataset has {self.width} columns",
            )
        answers: dict[str, Answer] = {}
        problems: list[str] = []
        for reader in self.readers:
            answer, problem = reader.read(cells)
            if problem:
                problems.append(problem)
            elif answer is not None:
                answers[reader.question.code] = answer
        if problems:
            return SkippedRow(number, "; ".join(problems))
        if not answers:
            status = [text for index in self.status if (text := self._status(index, cells))]
            said = f" (SurveyXact status {', '.join(status)})" if status else ""
            return SkippedRow(number, f"no answers{said}")
        respondent = cells[self.id_index].strip() if self.id_index is not None else f"row{number}"
        return RawRow(number, respondent, answers)

    def _status(self, index: int, cells: tuple[str, ...]) -> str:
        cell = cells[index].strip()
        if not cell:
            return ""
        texts = self.status[index]
        if texts:
            return texts.get(value_key(cell), "")
        return "" if value_key(cell) == "0" else cell


# -- planning -------------------------------------------------------------------------------


def _plan(
    questionnaire: Questionnaire,
    export: SurveyXactExport,
    explicit: Mapping[str, Assignment],
    id_column: str | None,
) -> _Plan:
    header = export.header
    source = export.source
    columns = {name.casefold(): index for index, name in enumerate(header) if name}
    structure = export.structure or ()
    labels = export.labels or {}
    warnings: list[str] = []
    used: set[int] = set()

    id_index = _id_index(header, columns, id_column, source, warnings)
    if id_index is not None:
        used.add(id_index)
    status = _status_columns(header, structure, labels)
    used.update(status)

    readers: list[_Reader] = []
    unassigned: list[str] = []
    absent: list[str] = []
    for question in questionnaire.questions():
        if question.kind is QuestionKind.NOTE:
            continue
        assignment = explicit.get(question.code) or _by_name(question, columns, structure)
        if assignment is None:
            unassigned.append(question.code)
            continue
        reader = _reader(assignment, header, columns, labels, source, warnings, absent)
        if reader is None:
            if question.code not in explicit:
                unassigned.append(question.code)
            continue
        indexes = (
            [d.index for d in reader.dummies] if isinstance(reader, _Multiple) else [reader.index]
        )
        taken = [header[i] for i in indexes if i in used]
        if taken:
            raise PlatformError(
                f"{source}: {', '.join(taken)} would be read for {question.code!r} and for "
                "another question or the respondent id; map them in a mapping file"
            )
        used.update(indexes)
        readers.append(reader)

    if not readers:
        raise PlatformError(
            f"{source}: none of the questionnaire's questions is in this export (columns: "
            f"{', '.join(h for h in header if h)}); name the variables after the question codes, "
            "or map them with mapping=PATH"
        )
    if absent:
        warnings.append(
            f"{source}: the mapping names variables the dataset does not have: "
            f"{', '.join(absent)}; those answers are missing"
        )
    unlabelled = [
        r.variable
        for r in readers
        if isinstance(r, _Choice)
        and not r.labels
        and not (r.question.code in explicit and explicit[r.question.code].values)
    ]
    if unlabelled:
        warnings.append(
            f"{source}: no labels for {', '.join(unlabelled)}: their values are read as option "
            "codes, unless the mapping file gives them"
        )
    if unassigned:
        warnings.append(
            f"{source}: no variable for {', '.join(unassigned)}: those answers are missing "
            "(name the variables after the question codes, or map them with mapping=PATH)"
        )
    extra = [
        name or f"column {index + 1} (no heading)"
        for index, name in enumerate(header)
        if index not in used and (name or any(cells[index].strip() for _, cells in export.rows))
    ]
    if extra:
        warnings.append(
            f"{source}: columns not in the questionnaire, not imported: {', '.join(extra)}"
        )
    return _Plan(len(header), id_index, tuple(readers), status, export.overlong, tuple(warnings))


def _id_index(
    header: tuple[str, ...],
    columns: Mapping[str, int],
    id_column: str | None,
    source: str,
    warnings: list[str],
) -> int | None:
    if id_column is not None:
        index = columns.get(id_column.strip().casefold())
        if index is None:
            raise PlatformError(
                f"{source}: no column {id_column!r} for the respondent id "
                f"(columns: {', '.join(h for h in header if h)})"
            )
        return index
    for wanted in _ID_COLUMNS:
        for index, name in enumerate(header):
            if header_key(name) == wanted:
                return index
    warnings.append(
        f"{source}: no respondent id column (respondentid, respondent, id): respondents are "
        "named by their row (row2, row3, …) and a respondent who appears twice cannot be "
        "found; pass id_column=NAME to use a column"
    )
    return None


def _status_columns(
    header: tuple[str, ...],
    structure: tuple[StructureRow, ...],
    labels: Mapping[str, Mapping[str, str]],
) -> dict[int, dict[str, str]]:
    """SurveyXact's own status variables (``statoverall``): they say why a row is empty."""
    by_variable = {row.variable.casefold(): row for row in structure}
    status: dict[int, dict[str, str]] = {}
    for index, name in enumerate(header):
        row = by_variable.get(name.casefold())
        is_status = (row is not None and header_key(row.question) == "statoverall") or (
            _STATUS.fullmatch(header_key(name)) is not None
        )
        if not is_status:
            continue
        texts = dict(labels.get(name.casefold(), {}))
        if row is not None and row.is_choice and row.choice_text:
            status[index] = {"1": row.choice_text}
        elif texts.keys() <= {"0", "1"}:
            # A 0/1 variable of the status, without the Structure to say which status it is.
            status[index] = {"1": name}
        else:
            status[index] = texts
    return status


def _by_name(
    question: Question, columns: Mapping[str, int], structure: tuple[StructureRow, ...]
) -> Assignment | None:
    """The variables that hold ``question`` by name, without a mapping file."""
    candidates = name_candidates(question.code)
    if question.kind is not QuestionKind.MULTIPLE_CHOICE:
        for name in candidates:
            if name in columns:
                return Assignment(question, name)
        return None
    by_label = {_label_key(o.label): o.code for o in question.options}
    dummies: dict[str, str | None] = {}
    for row in structure:
        variable = row.variable.casefold()
        if row.is_choice and row.question.casefold() in candidates and variable in columns:
            dummies[variable] = by_label.get(_label_key(row.choice_text)) or _option_by_suffix(
                question, row.variable, candidates
            )
    for option in question.options:
        if option.code in dummies.values():
            continue
        for name in _dummy_names(option.code, candidates):
            if name in columns and name not in dummies:
                dummies[name] = option.code
                break
    return Assignment(question, dummies=dummies) if dummies else None


def _dummy_names(code: str, candidates: tuple[str, ...]) -> list[str]:
    forms = dict.fromkeys((code.casefold(), safe_code(code, VARIABLE_RULE).casefold()))
    return [f"{name}_{form}" for name in candidates for form in forms]


def _option_by_suffix(question: Question, variable: str, candidates: tuple[str, ...]) -> str | None:
    for option in question.options:
        if variable.casefold() in _dummy_names(option.code, candidates):
            return option.code
    return None


def _reader(
    assignment: Assignment,
    header: tuple[str, ...],
    columns: Mapping[str, int],
    labels: Mapping[str, Mapping[str, str]],
    source: str,
    warnings: list[str],
    absent: list[str],
) -> _Reader | None:
    question = assignment.question
    if question.kind is QuestionKind.MULTIPLE_CHOICE:
        return _multiple(assignment, header, columns, source, warnings, absent)
    index = columns.get(assignment.variable)
    if index is None:
        absent.append(f"{assignment.variable} ({question.code})")
        return None
    name = header[index]
    if not question.kind.has_options:
        return _Plain(question, name, index)
    texts = labels.get(assignment.variable, {})
    values = _value_table(question, name, assignment.values, texts, source, warnings)
    return _Choice(question, name, index, values, texts)


def _multiple(
    assignment: Assignment,
    header: tuple[str, ...],
    columns: Mapping[str, int],
    source: str,
    warnings: list[str],
    absent: list[str],
) -> _Multiple | None:
    question = assignment.question
    dummies: list[_Dummy] = []
    for variable, option in assignment.dummies.items():
        index = columns.get(variable)
        if index is None:
            absent.append(f"{variable} ({question.code}/{option})")
            continue
        if option is None:
            warnings.append(
                f"{source}: {header[index]} is a choice of {question.code!r} that matches none "
                "of its options by label; rows that chose it are not imported (map it with "
                "mapping=PATH)"
            )
        dummies.append(_Dummy(header[index], index, option))
    if not dummies:
        return None
    covered = set(assignment.dummies.values())
    lacking = [o.code for o in question.options if o.code not in covered]
    if lacking:
        warnings.append(
            f"{source}: no variable for the options {', '.join(lacking)} of {question.code!r}: "
            "they cannot be chosen in this import"
        )
    return _Multiple(question, tuple(sorted(dummies, key=lambda d: d.index)))


def _value_table(
    question: Question,
    name: str,
    explicit: Mapping[str, str],
    texts: Mapping[str, str],
    source: str,
    warnings: list[str],
) -> dict[str, str]:
    """Value key → option code: the mapping file's values, then labels, then option codes."""
    by_label = {_label_key(o.label): o.code for o in question.options}
    codes = {o.code: o for o in question.options}
    values = dict(explicit)
    unmatched: list[str] = []
    by_value: list[str] = []
    for value, label in texts.items():
        if value in values:
            continue
        if _label_key(label) in by_label:
            values[value] = by_label[_label_key(label)]
        elif value in codes:
            values[value] = value
            if label and _label_key(label) != value:
                by_value.append(f"{value} {label!r} as {codes[value].label!r}")
        else:
            unmatched.append(f"{value} {label!r}")
    if by_value:
        warnings.append(
            f"{source}: {name} ({question.code}): labels differ from the options; read by "
            f"value: {', '.join(by_value)}"
        )
    if unmatched:
        warnings.append(
            f"{source}: {name} ({question.code}): values whose labels match no option: "
            f"{', '.join(unmatched)}; rows with them are not imported (map them with "
            "mapping=PATH: variable, question, option, value)"
        )
    return values
