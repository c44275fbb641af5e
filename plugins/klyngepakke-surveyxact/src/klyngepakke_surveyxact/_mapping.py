"""From SurveyXact's variables to our questions: the mapping file, name matching, the template.

A mapping file (CSV or YAML) says which variable holds which question, which 0/1 variable
holds which option of a multiple-choice question, and, where labels do not say it, which value
means which option. Questions the file does not name are found by name: a variable called like
the question's code (or its safe form) holds it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from klyngepakke.model import Question, QuestionKind, Questionnaire
from klyngepakke.platforms import CodeRule, PlatformError, platform_codes, safe_code
from klyngepakke.tables import TableError, read_table
from klyngepakke_surveyxact._files import VALUE, VARIABLE, header_key, value_key

if TYPE_CHECKING:
    import yaml

__all__ = [
    "VARIABLE_RULE",
    "Assignment",
    "MappingRow",
    "explicit_assignments",
    "mapping_template",
    "name_candidates",
    "read_mapping",
]

VARIABLE_RULE = CodeRule(allowed="a-z0-9_", first="a-z", max_length=32, lower=True, prefix="v")
"""The variable names we suggest for SurveyXact: lower-case letters, digits and ``_``."""

_QUESTION = frozenset({"question", "questioncode", "spoergsmaal", "sporgsmal", "kode"})
_OPTION = frozenset({"option", "optioncode", "svarmulighed", "mulighed", "svar"})


@attrs.frozen
class MappingRow:
    """One line of a mapping file: ``variable`` holds ``question`` (its ``option``, ``value``)."""

    line: int
    variable: str
    question: str
    option: str = ""
    value: str = ""


def read_mapping(path: Path) -> list[MappingRow]:
    """The rows of a mapping file: ``.yaml``/``.yml``, or a table (CSV, TXT, XLSX)."""
    if not path.is_file():
        raise PlatformError(f"{path}: no such mapping file")
    if path.suffix.lower() in (".yaml", ".yml"):
        try:
            text = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError as exc:
            raise PlatformError(f"{path}: not UTF-8 text ({exc.reason})") from None
        return _yaml_rows(text, str(path))
    try:
        table = read_table(path)
    except TableError as exc:
        raise PlatformError(str(exc)) from None
    wanted = {"variable": VARIABLE, "question": _QUESTION, "option": _OPTION, "value": VALUE}
    columns: dict[str, int] = {}
    for index, name in enumerate(table.header):
        for field, names in wanted.items():
            if field not in columns and header_key(name) in names:
                columns[field] = index
    missing = [field for field in ("variable", "question") if field not in columns]
    if missing:
        raise PlatformError(
            f"{path}: a mapping table needs the columns variable and question (optionally "
            f"option and value); missing {', '.join(missing)}"
        )
    rows: list[MappingRow] = []
    for offset, cells in enumerate(table.rows):
        fields = {f: cells[i].strip() if i < len(cells) else "" for f, i in columns.items()}
        if any(fields.values()):
            rows.append(MappingRow(table.first_row + offset, **fields))
    return rows


def _yaml_rows(text: str, source: str) -> list[MappingRow]:
    """Rows from ``variables: {VAR: QUESTION | {question, option, values: {VALUE: OPTION}}}``.

    YAML is read with every scalar as text (so ``01``, ``no`` and ``1.0`` stay as written).
    """
    import yaml

    try:
        root = yaml.compose(text, Loader=yaml.BaseLoader)
    except yaml.YAMLError as exc:
        raise PlatformError(f"{source}: not valid YAML: {exc}") from None
    problems: list[str] = []

    def pairs(node: yaml.Node, where: str) -> Iterator[tuple[str, yaml.Node, int]]:
        if not isinstance(node, yaml.MappingNode):
            problems.append(f"line {_line(node)}: {where} must be a mapping")
            return
        seen: set[str] = set()
        for key, value in node.value:
            if not isinstance(key, yaml.ScalarNode):
                problems.append(f"line {_line(key)}: keys must be text")
                continue
            if key.value in seen:
                problems.append(f"line {_line(key)}: {key.value!r} appears twice")
                continue
            seen.add(key.value)
            yield key.value, value, _line(key)

    rows: list[MappingRow] = []
    if root is None:
        raise PlatformError(f"{source}: the mapping file is empty")
    top = {key: (node, line) for key, node, line in pairs(root, "the file")}
    for key in top.keys() - {"variables"}:
        problems.append(f"line {top[key][1]}: unknown key {key!r} (expected 'variables')")
    if "variables" not in top and not problems:
        problems.append("line 1: the file needs a 'variables' mapping")
    if "variables" in top:
        for variable, node, line in pairs(top["variables"][0], "'variables'"):
            if isinstance(node, yaml.ScalarNode):
                rows.append(MappingRow(line, variable, node.value))
                continue
            entry = {k: (n, at) for k, n, at in pairs(node, repr(variable))}
            for unknown in entry.keys() - {"question", "option", "values"}:
                problems.append(
                    f"line {entry[unknown][1]}: unknown key {unknown!r} "
                    "(expected question, option, values)"
                )
            scalars = {
                k: n.value
                for k, (n, _) in entry.items()
                if k in ("question", "option") and isinstance(n, yaml.ScalarNode)
            }
            if "question" not in scalars:
                problems.append(f"line {line}: {variable!r} needs a question")
                continue
            if "values" in entry:
                for value, option_node, at in pairs(entry["values"][0], "'values'"):
                    if isinstance(option_node, yaml.ScalarNode):
                        rows.append(
                            MappingRow(at, variable, scalars["question"], option_node.value, value)
                        )
                    else:
                        problems.append(f"line {at}: a value maps to one option code")
            else:
                rows.append(
                    MappingRow(line, variable, scalars["question"], scalars.get("option", ""))
                )
    if problems:
        raise PlatformError(f"{source}: " + "; ".join(problems))
    return rows


def _line(node: yaml.Node) -> int:
    return int(node.start_mark.line) + 1


# -- the resolved mapping -------------------------------------------------------------------


@attrs.frozen
class Assignment:
    """What one question reads from: its variable, or (multiple choice) one per option."""

    question: Question
    variable: str = ""
    dummies: Mapping[str, str | None] = attrs.field(factory=dict)
    """Multiple choice: variable → option code (``None``: the choice matches no option)."""
    values: Mapping[str, str] = attrs.field(factory=dict)
    """Single choice and scale: value key → option code, from the mapping file."""


def explicit_assignments(
    rows: list[MappingRow], questionnaire: Questionnaire, source: str
) -> dict[str, Assignment]:
    """The questions a mapping file assigns, checked; :class:`PlatformError` lists every fault."""
    by_code = {q.code: q for q in questionnaire.questions()}
    problems: list[str] = []
    owner: dict[str, tuple[str, int]] = {}
    variables: dict[str, str] = {}
    dummies: dict[str, dict[str, str | None]] = {}
    values: dict[str, dict[str, str]] = {}
    value_lines: dict[tuple[str, str], int] = {}
    for row in rows:
        where = f"line {row.line}"
        question = by_code.get(row.question)
        if not row.variable:
            problems.append(f"{where}: no variable")
            continue
        if question is None:
            problems.append(f"{where}: {row.question!r} is not a question of the questionnaire")
            continue
        if question.kind is QuestionKind.NOTE:
            problems.append(f"{where}: {row.question!r} is a note; it has no answers")
            continue
        key = row.variable.casefold()
        first = owner.setdefault(key, (question.code, row.line))
        if first[0] != question.code:
            problems.append(
                f"{where}: {row.variable!r} is already mapped to {first[0]!r} (line {first[1]})"
            )
            continue
        codes = {o.code for o in question.options}
        if row.option and row.option not in codes:
            problems.append(
                f"{where}: {row.option!r} is not an option of {question.code!r} "
                f"({', '.join(o.code for o in question.options)})"
            )
            continue
        kind = question.kind
        if kind is QuestionKind.MULTIPLE_CHOICE:
            if not row.option or row.value:
                problems.append(
                    f"{where}: {question.code!r} is multiple choice: map one 0/1 variable to "
                    "each option (variable, question, option; no value)"
                )
                continue
            mapped = dummies.setdefault(question.code, {})
            if row.option in mapped.values() and mapped.get(key) != row.option:
                problems.append(f"{where}: option {row.option!r} already has a variable")
                continue
            mapped[key] = row.option
            continue
        if kind.has_options and row.option and not row.value:
            problems.append(
                f"{where}: give the value that means option {row.option!r}, or leave option empty"
            )
            continue
        if not kind.has_options and (row.option or row.value):
            problems.append(f"{where}: a {kind.value} question has no options or values")
            continue
        if variables.setdefault(question.code, key) != key:
            problems.append(
                f"{where}: {question.code!r} already reads from {variables[question.code]!r}"
            )
            continue
        if row.value:
            value = value_key(row.value)
            known = values.setdefault(question.code, {})
            if known.get(value, row.option) != row.option:
                problems.append(
                    f"{where}: value {row.value!r} already means {known[value]!r} "
                    f"(line {value_lines[(question.code, value)]})"
                )
                continue
            known[value] = row.option
            value_lines[(question.code, value)] = row.line
    if problems:
        raise PlatformError(f"{source}: " + "; ".join(problems))
    assignments: dict[str, Assignment] = {}
    for code, variable in variables.items():
        assignments[code] = Assignment(by_code[code], variable, values=values.get(code, {}))
    for code, mapped in dummies.items():
        assignments[code] = Assignment(by_code[code], dummies=mapped)
    return assignments


def name_candidates(code: str) -> tuple[str, ...]:
    """Variable names (case-folded) that hold question ``code`` without a mapping file."""
    return tuple(dict.fromkeys((code.casefold(), safe_code(code, VARIABLE_RULE).casefold())))


# -- template -------------------------------------------------------------------------------


def mapping_template(questionnaire: Questionnaire) -> str:
    """A mapping file to build the survey in SurveyXact from, and to import its data with.

    One row per variable to create in SurveyXact (names follow :data:`VARIABLE_RULE`): single
    choice and scale questions get one row per option with the value to give it (1, 2, … in
    order), multiple-choice questions one 0/1 variable per option (``<name>_1``, ``<name>_2``,
    …), number and text questions one row. The columns ``question_text`` and ``option_label``
    are for the person building the survey; the import ignores them. ``;``-separated text:
    save it as UTF-8 and pass it as ``mapping=PATH``.
    """
    questions = [q for q in questionnaire.questions() if q.kind is not QuestionKind.NOTE]
    names = platform_codes((q.code for q in questions), VARIABLE_RULE)
    dummies = {
        f"{names[q.code]}_{index}"
        for q in questions
        if q.kind is QuestionKind.MULTIPLE_CHOICE
        for index in range(1, len(q.options) + 1)
    }
    if clash := sorted(dummies & set(names.values())):
        raise PlatformError(
            f"the variables for multiple-choice options would be named like the questions "
            f"{', '.join(clash)}; rename one of them"
        )
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow(["variable", "question", "option", "value", "question_text", "option_label"])
    for question in questions:
        name = names[question.code]
        if question.kind is QuestionKind.MULTIPLE_CHOICE:
            for index, option in enumerate(question.options, start=1):
                variable = f"{name}_{index}"
                writer.writerow(
                    [variable, question.code, option.code, "", question.text, option.label]
                )
        elif question.kind.has_options:
            for index, option in enumerate(question.options, start=1):
                writer.writerow(
                    [name, question.code, option.code, index, question.text, option.label]
                )
        else:
            writer.writerow([name, question.code, "", "", question.text, ""])
    return out.getvalue()
