"""SurveyXact: its data export (Dataset, Structure, Labels) read back into responses.

The fixtures are built here from SurveyXact's documented layout: a Dataset with one row per
respondent and numeric values, a Structure with a row per variable (multiple choice as one 0/1
variable per choice), and Labels without a header row, as an ``.xlsx`` workbook or as three
CSV files (UTF-16 with tabs, Windows-1252 with ``;``).
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import attrs
import pytest

import klyngepakke_surveyxact
from klyngepakke.cli import main
from klyngepakke.conversion import dump, load, load_responses
from klyngepakke.model import (
    Answer,
    ClusterPackage,
    Question,
    QuestionKind,
    Questionnaire,
    Response,
    ResponseSet,
)
from klyngepakke.platforms import PlatformError, ResponseImport
from klyngepakke.testing import every_kind_questionnaire, registered_plugins, synthetic_responses
from klyngepakke_surveyxact import SurveyXactPlatform, mapping_template

PLATFORM = SurveyXactPlatform()
AKUT = (
    Path(__file__).resolve().parents[2]
    / "klyngepakke-akutfunktioner/src/klyngepakke_akutfunktioner/package.yaml"
)
STATUS = ("Ny", "Distribueret", "Nogle svar", "Gennemført", "Frafaldet")
STRUCTURE_HEADER = (
    "questionName",
    "variableName",
    "questionType",
    "subType",
    "questionText",
    "choiceValue",
    "choiceText",
)

Cell = str | int | float | None


# -- building SurveyXact exports ------------------------------------------------------------


@attrs.frozen
class Variable:
    """How one question was built in SurveyXact: its variable, values or 0/1 variables."""

    name: str
    values: Mapping[str, int | str] = attrs.field(factory=dict)
    dummies: Mapping[str, str] = attrs.field(factory=dict)


Design = dict[str, Variable]


def design(questionnaire: Questionnaire, name: Callable[[int, Question], str]) -> Design:
    """SurveyXact's defaults: values 1, 2, … (a scale keeps its values, "ved ikke" is 9)."""
    result: Design = {}
    questions = [q for q in questionnaire.questions() if q.kind is not QuestionKind.NOTE]
    for number, question in enumerate(questions, start=1):
        variable = name(number, question)
        options = question.options
        if question.kind is QuestionKind.MULTIPLE_CHOICE:
            dummies = {o.code: f"{variable}_{i}" for i, o in enumerate(options, start=1)}
            result[question.code] = Variable(variable, dummies=dummies)
        elif question.kind is QuestionKind.SCALE:
            values = {o.code: o.value for o in options if o.value is not None}
            off = [o for o in options if o.value is None]
            values.update({o.code: 9 - i for i, o in enumerate(off)})
            result[question.code] = Variable(variable, values=values)
        elif question.kind.has_options:
            values = {o.code: i for i, o in enumerate(options, start=1)}
            result[question.code] = Variable(variable, values=values)
        else:
            result[question.code] = Variable(variable)
    return result


def by_code(questionnaire: Questionnaire) -> Design:
    """Variables named after the question codes, as the README asks for."""
    return design(questionnaire, lambda _, q: q.code)


def generic(questionnaire: Questionnaire) -> Design:
    """SurveyXact's own names: ``s_1``, ``s_2``, …; these need a mapping file."""
    return design(questionnaire, lambda n, _: f"s_{n}")


def from_template(text: str) -> Design:
    """The survey built exactly as :func:`mapping_template` says."""
    names: dict[str, str] = {}
    values: dict[str, dict[str, int | str]] = {}
    dummies: dict[str, dict[str, str]] = {}
    for row in csv.DictReader(io.StringIO(text), delimiter=";"):
        code = row["question"]
        dummy = row["option"] and not row["value"]
        names.setdefault(code, row["variable"].rsplit("_", 1)[0] if dummy else row["variable"])
        if row["value"]:
            values.setdefault(code, {})[row["option"]] = int(row["value"])
        elif row["option"]:
            dummies.setdefault(code, {})[row["option"]] = row["variable"]
    return {
        code: Variable(name, values.get(code, {}), dummies.get(code, {}))
        for code, name in names.items()
    }


@attrs.define
class Export:
    """The three tables, as lists of rows (Labels without a header, as SurveyXact writes it)."""

    dataset: list[list[Cell]]
    structure: list[list[Cell]]
    labels: list[list[Cell]]

    def column(self, name: str) -> int:
        return self.dataset[0].index(name)

    def row_of(self, respondent: str) -> list[Cell]:
        return next(row for row in self.dataset[1:] if row[0] == respondent)

    def set(self, respondent: str, column: str, value: Cell) -> None:
        self.row_of(respondent)[self.column(column)] = value

    def add_column(self, name: str, values: Callable[[int], Cell]) -> None:
        self.dataset[0].append(name)
        for index, row in enumerate(self.dataset[1:]):
            row.append(values(index))


def layout(
    questionnaire: Questionnaire,
    responses: ResponseSet,
    variables: Design,
    *,
    status: bool = True,
    id_column: str = "respondentid",
) -> Export:
    """SurveyXact's export of ``responses`` for a survey built as ``variables`` says."""
    header: list[Cell] = [id_column]
    structure: list[list[Cell]] = [list(STRUCTURE_HEADER)]
    labels: list[list[Cell]] = []
    questions = [q for q in questionnaire.questions() if q.code in variables]
    for question in questions:
        var = variables[question.code]
        if question.kind is QuestionKind.MULTIPLE_CHOICE:
            for index, option in enumerate(question.options, start=1):
                dummy = var.dummies[option.code]
                header.append(dummy)
                structure.append(
                    [var.name, dummy, "Closed", "Multiple", question.text, index, option.label]
                )
                labels += [[dummy, 0, "Ikke valgt"], [dummy, 1, "Valgt"]]
        elif question.kind.has_options:
            header.append(var.name)
            structure.append([var.name, var.name, "Closed", "Single", question.text, "", ""])
            # SurveyXact keeps the spaces people type after a label.
            labels += [[var.name, var.values[o.code], f"{o.label} "] for o in question.options]
        else:
            subtype = "Numeric" if question.kind is QuestionKind.NUMBER else "String"
            header.append(var.name)
            structure.append([var.name, var.name, "Open", subtype, question.text, "", ""])
    if status:
        for index, text in enumerate(STATUS, start=1):
            header.append(f"stato_{index}")
            structure.append(
                [
                    "statoverall",
                    f"stato_{index}",
                    "Closed",
                    "Multiple",
                    "Samlet status",
                    index,
                    text,
                ]
            )
            labels += [[f"stato_{index}", 0, "Ikke valgt"], [f"stato_{index}", 1, "Valgt"]]
    rows: list[list[Cell]] = [header]
    for response in responses.responses:
        row: list[Cell] = [response.respondent]
        for question in questions:
            row += _cells(question, variables[question.code], response.answers.get(question.code))
        if status:
            row += [int(text == "Gennemført") for text in STATUS]
        rows.append(row)
    return Export(rows, structure, labels)


def _cells(question: Question, var: Variable, answer: Answer | None) -> list[Cell]:
    if question.kind is QuestionKind.MULTIPLE_CHOICE:
        # SurveyXact writes 0 for every choice not made, also when the question was not shown.
        chosen = answer if isinstance(answer, tuple) else ()
        return [int(o.code in chosen) for o in question.options]
    if answer is None:
        return [None]
    if question.kind.has_options:
        assert isinstance(answer, str)
        return [var.values[answer]]
    assert not isinstance(answer, tuple)
    return [answer]


def write_xlsx(path: Path, export: Export, *, split: int | None = None) -> Path:
    """A workbook with the sheets Dataset (or Dataset, Dataset(2)), Structure and Labels."""
    import openpyxl

    book = openpyxl.Workbook()
    first = book.active
    assert first is not None
    book.remove(first)
    if split is None:
        parts = [("Dataset", export.dataset)]
    else:
        parts = [
            ("Dataset", [row[:split] for row in export.dataset]),
            ("Dataset(2)", [row[split:] for row in export.dataset]),
        ]
    for title, rows in [*parts, ("Structure", export.structure), ("Labels", export.labels)]:
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def write_csv(
    folder: Path,
    stem: str,
    export: Export,
    *,
    encoding: str,
    delimiter: str,
    decimal_comma: bool = True,
    labels_header: Sequence[str] | None = None,
) -> Path:
    """Three CSV files ``<stem>_dataset.csv``, ``…_structure.csv``, ``…_labels.csv``."""

    def text(cell: Cell) -> str:
        if cell is None:
            return ""
        if isinstance(cell, float) and decimal_comma:
            return str(cell).replace(".", ",")
        return str(cell)

    def write(name: str, rows: list[list[Cell]]) -> Path:
        out = io.StringIO()
        writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
        writer.writerows([[text(c) for c in row] for row in rows])
        path = folder / f"{stem}_{name}.csv"
        path.write_bytes(out.getvalue().encode(encoding))
        return path

    # SurveyXact's Structure file ends each data row with an empty column.
    structure = [export.structure[0], *([*row, ""] for row in export.structure[1:])]
    labels = export.labels
    if labels_header is not None:
        labels = [[*labels_header], *export.labels]
    write("structure", structure)
    write("labels", labels)
    return write("dataset", export.dataset)


# -- helpers --------------------------------------------------------------------------------


def every_kind_responses(count: int = 40) -> ResponseSet:
    """Synthetic responses, one with a decimal number (to test decimal commas)."""
    responses = list(synthetic_responses(every_kind_questionnaire(), count, seed=7).responses)
    first = responses[0]
    responses[0] = attrs.evolve(first, answers={**first.answers, "aar_i_praksis": 12.5})
    return ResponseSet("alle_typer", tuple(responses))


def akut() -> Questionnaire:
    questionnaire = load(AKUT, ClusterPackage).questionnaire
    assert questionnaire is not None
    return questionnaire


def imported(source: Path, questionnaire: Questionnaire, **options: str) -> ResponseImport:
    return PLATFORM.import_responses(source, questionnaire, options)


def assert_round_trip(result: ResponseImport, expected: ResponseSet) -> None:
    assert result.skipped == ()
    assert result.responses == attrs.evolve(expected, platform="surveyxact")


def mapping_csv(path: Path, rows: list[Sequence[object]], *, encoding: str = "cp1252") -> Path:
    lines = ["Variabel;Spørgsmål;Svarmulighed;Værdi"] + [";".join(map(str, r)) for r in rows]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


def generic_mapping(questionnaire: Questionnaire, variables: Design) -> list[Sequence[object]]:
    rows: list[Sequence[object]] = []
    for question in questionnaire.questions():
        var = variables.get(question.code)
        if var is None:
            continue
        if var.dummies:
            rows += [(d, question.code, option, "") for option, d in var.dummies.items()]
        else:
            rows.append((var.name, question.code, "", ""))
    return rows


# -- round trips ----------------------------------------------------------------------------


def test_xlsx_round_trip_by_names(tmp_path: Path) -> None:
    questionnaire = every_kind_questionnaire()
    expected = every_kind_responses()
    export = layout(questionnaire, expected, by_code(questionnaire))
    result = imported(write_xlsx(tmp_path / "export.xlsx", export), questionnaire)
    assert_round_trip(result, expected)
    assert result.warnings == ()


@pytest.mark.parametrize(
    ("encoding", "delimiter"), [("utf-16", "\t"), ("cp1252", ";")], ids=["utf16-tab", "cp1252"]
)
def test_csv_round_trip_by_names(tmp_path: Path, encoding: str, delimiter: str) -> None:
    questionnaire = every_kind_questionnaire()
    expected = every_kind_responses()
    export = layout(questionnaire, expected, by_code(questionnaire))
    dataset = write_csv(tmp_path, "akut", export, encoding=encoding, delimiter=delimiter)
    raw = dataset.read_bytes()
    if encoding == "utf-16":
        assert raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    assert "12,5".encode(encoding.replace("utf-16", "utf-16-le")) in raw
    assert "Æble".encode("cp1252") in raw or encoding == "utf-16"
    result = imported(dataset, questionnaire)
    assert_round_trip(result, expected)
    assert result.warnings == ()


def test_csv_round_trip_with_a_mapping_file(tmp_path: Path) -> None:
    questionnaire = every_kind_questionnaire()
    expected = every_kind_responses()
    variables = generic(questionnaire)
    export = layout(questionnaire, expected, variables)
    dataset = write_csv(tmp_path, "Undersøgelse", export, encoding="utf-16", delimiter="\t")
    mapping = mapping_csv(tmp_path / "mapping.csv", generic_mapping(questionnaire, variables))
    result = imported(dataset, questionnaire, mapping=str(mapping))
    assert_round_trip(result, expected)
    assert result.warnings == ()


def test_xlsx_round_trip_with_a_yaml_mapping(tmp_path: Path) -> None:
    questionnaire = every_kind_questionnaire()
    expected = every_kind_responses()
    variables = generic(questionnaire)
    export = layout(questionnaire, expected, variables)
    lines = ["variables:"]
    for variable, question, option, _ in generic_mapping(questionnaire, variables):
        if option:
            lines.append(f"  {variable}: {{question: {question}, option: {option}}}")
        else:
            lines.append(f"  {variable}: {question}")
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = imported(write_xlsx(tmp_path / "x.xlsx", export), questionnaire, mapping=str(mapping))
    assert_round_trip(result, expected)


@pytest.mark.parametrize("kind", ["xlsx", "utf16-tab", "cp1252"])
def test_akutfunktioner_round_trip(tmp_path: Path, kind: str) -> None:
    questionnaire = akut()
    expected = synthetic_responses(questionnaire, 60, seed=3)
    export = layout(questionnaire, expected, by_code(questionnaire))
    if kind == "xlsx":
        source = write_xlsx(tmp_path / "akut.xlsx", export)
    else:
        encoding, delimiter = ("utf-16", "\t") if kind == "utf16-tab" else ("cp1252", ";")
        source = write_csv(tmp_path, "akut", export, encoding=encoding, delimiter=delimiter)
    result = imported(source, questionnaire)
    assert_round_trip(result, expected)
    assert result.warnings == ()


@pytest.mark.parametrize("make", [every_kind_questionnaire, akut], ids=["every_kind", "akut"])
def test_survey_built_from_the_mapping_template(
    tmp_path: Path, make: Callable[[], Questionnaire]
) -> None:
    questionnaire = make()
    expected = synthetic_responses(questionnaire, 30, seed=11)
    template = mapping_template(questionnaire)
    export = layout(questionnaire, expected, from_template(template))
    mapping = tmp_path / "mapping.csv"
    mapping.write_text(template, encoding="utf-8")
    result = imported(write_xlsx(tmp_path / "x.xlsx", export), questionnaire, mapping=str(mapping))
    assert_round_trip(result, expected)
    assert result.warnings == ()


def test_mapping_template_reads_as_a_person_would_use_it() -> None:
    text = mapping_template(every_kind_questionnaire())
    lines = text.splitlines()
    assert lines[0] == "variable;question;option;value;question_text;option_label"
    assert "rolle;rolle;laege;1;Hvad er din rolle i praksis?;Praktiserende læge" in lines
    assert "kanaler_1;kanaler;telefon;;Hvordan kontakter du akutfunktionen?;Telefon" in lines
    assert any(line.startswith("tilfreds;tilfreds;ved_ikke;6;") for line in lines)
    assert not any(line.startswith("info;") for line in lines)  # a note has no variable


def test_dataset_split_over_two_sheets(tmp_path: Path) -> None:
    questionnaire = every_kind_questionnaire()
    expected = every_kind_responses(10)
    export = layout(questionnaire, expected, by_code(questionnaire))
    # The respondent id repeated in the second sheet is read once.
    export.dataset = [[*row[:6], row[0], *row[6:]] for row in export.dataset]
    result = imported(write_xlsx(tmp_path / "x.xlsx", export, split=6), questionnaire)
    assert_round_trip(result, expected)
    assert any("read once" in w for w in result.warnings)


# -- mapping rules --------------------------------------------------------------------------


def test_labels_match_options_without_case_and_spaces(tmp_path: Path) -> None:
    questionnaire = every_kind_questionnaire()
    expected = every_kind_responses(20)
    variables = by_code(questionnaire)
    # SurveyXact values that are not our codes: only the labels tie them to options.
    values: dict[str, int | str] = {c: 10 + i for i, c in enumerate("12345")}
    variables["tilfreds"] = Variable("tilfreds", {**values, "ved_ikke": 99})
    export = layout(questionnaire, expected, variables)
    export.labels = [
        [var, value, f"  {str(label).upper()} "] if var == "tilfreds" else [var, value, label]
        for var, value, label in export.labels
    ]
    result = imported(write_xlsx(tmp_path / "x.xlsx", export), questionnaire)
    assert_round_trip(result, expected)


def test_labels_with_a_danish_header(tmp_path: Path) -> None:
    questionnaire = every_kind_questionnaire()
    expected = every_kind_responses(10)
    export = layout(questionnaire, expected, by_code(questionnaire))
    dataset = write_csv(
        tmp_path,
        "x",
        export,
        encoding="cp1252",
        delimiter=";",
        labels_header=("Variabel", "Værdi", "Etiket"),
    )
    assert_round_trip(imported(dataset, questionnaire), expected)


def test_a_label_that_matches_no_option_needs_the_mapping(tmp_path: Path) -> None:
    questionnaire = every_kind_questionnaire()
    expected = every_kind_responses(40)
    export = layout(questionnaire, expected, generic(questionnaire))
    tilfreds = generic(questionnaire)["tilfreds"].name
    export.labels = [
        [v, value, "Ved ikke / ikke relevant" if v == tilfreds and value == 9 else label]
        for v, value, label in export.labels
    ]
    source = write_xlsx(tmp_path / "x.xlsx", export)
    rows = generic_mapping(questionnaire, generic(questionnaire))
    without = imported(source, questionnaire, mapping=str(mapping_csv(tmp_path / "m.csv", rows)))
    dont_know = [r.respondent for r in expected.responses if r.answers["tilfreds"] == "ved_ikke"]
    assert dont_know
    assert len(without.skipped) == len(dont_know)
    assert all(
        "tilfreds: value 9 ('Ved ikke / ikke relevant')" in s.reason for s in without.skipped
    )
    assert any(
        "labels match no option: 9 'Ved ikke / ikke relevant'" in w for w in without.warnings
    )
    rows.append((tilfreds, "tilfreds", "ved_ikke", 9))
    mapped = imported(source, questionnaire, mapping=str(mapping_csv(tmp_path / "m2.csv", rows)))
    assert_round_trip(mapped, expected)
    lines = ["variables:"]
    lines += [
        f"  {v}: {{question: {q}, option: {o}}}" if o else f"  {v}: {q}" for v, q, o, _ in rows[:-1]
    ]
    lines[lines.index(f"  {tilfreds}: tilfreds")] = (
        f"  {tilfreds}:\n    question: tilfreds\n    values: {{9: ved_ikke}}"
    )
    yaml_file = tmp_path / "m.yaml"
    yaml_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert_round_trip(imported(source, questionnaire, mapping=str(yaml_file)), expected)


def test_values_read_as_codes_when_labels_differ(tmp_path: Path) -> None:
    questionnaire = every_kind_questionnaire()
    expected = every_kind_responses(10)
    export = layout(questionnaire, expected, by_code(questionnaire))
    # A scale labelled only at its ends, as people often build them.
    export.labels = [
        [v, value, str(value) if v == "tilfreds" and value in (2, 3, 4) else label]
        for v, value, label in export.labels
    ]
    export.labels = [
        [v, value, "Meget uenig (1)" if v == "tilfreds" and value == 1 else label]
        for v, value, label in export.labels
    ]
    result = imported(write_xlsx(tmp_path / "x.xlsx", export), questionnaire)
    assert_round_trip(result, expected)
    assert any("read by value: 1 'Meget uenig (1)' as 'Meget uenig'" in w for w in result.warnings)


def test_without_structure_and_labels_names_and_codes_are_used(tmp_path: Path) -> None:
    questionnaire = every_kind_questionnaire()
    expected = every_kind_responses(20)
    variables = by_code(questionnaire)
    kanaler = questionnaire.question("kanaler")
    variables["kanaler"] = Variable(
        "kanaler", dummies={o.code: f"kanaler_{o.code}" for o in kanaler.options}
    )
    for code in ("rolle", "tilfreds"):
        options = questionnaire.question(code).options
        variables[code] = Variable(code, {o.code: o.code for o in options})
    export = layout(questionnaire, expected, variables, status=False)
    # Values that are option codes, in a UTF-8 file without companions.
    out = io.StringIO()
    csv.writer(out, delimiter=",").writerows(
        ["" if c is None else str(c) for c in row] for row in export.dataset
    )
    (tmp_path / "only.csv").write_text(out.getvalue(), encoding="utf-8")
    result = imported(tmp_path / "only.csv", questionnaire)
    assert_round_trip(result, expected)
    assert any("no Structure file found" in w for w in result.warnings)
    assert any("no labels for rolle, tilfreds" in w for w in result.warnings)


def test_companions_named_explicitly(tmp_path: Path) -> None:
    questionnaire = every_kind_questionnaire()
    expected = every_kind_responses(10)
    export = layout(questionnaire, expected, by_code(questionnaire))
    write_csv(tmp_path, "a", export, encoding="utf-16", delimiter="\t")
    moved = tmp_path / "svar.txt"
    (tmp_path / "a_dataset.csv").rename(moved)
    result = imported(
        moved,
        questionnaire,
        structure=str(tmp_path / "a_structure.csv"),
        labels=str(tmp_path / "a_labels.csv"),
    )
    assert_round_trip(result, expected)


def test_respondent_id_column(tmp_path: Path) -> None:
    questionnaire = every_kind_questionnaire()
    expected = every_kind_responses(5)
    export = layout(questionnaire, expected, by_code(questionnaire), id_column="Nøgle")
    source = write_xlsx(tmp_path / "x.xlsx", export)
    named = imported(source, questionnaire, id_column="nøgle")
    assert_round_trip(named, expected)
    unnamed = imported(source, questionnaire)
    assert [r.respondent for r in unnamed.responses.responses] == [
        "row2",
        "row3",
        "row4",
        "row5",
        "row6",
    ]
    assert any("no respondent id column" in w for w in unnamed.warnings)
    with pytest.raises(PlatformError, match="no column 'nr' for the respondent id"):
        imported(source, questionnaire, id_column="nr")


def test_invited_but_never_answered(tmp_path: Path) -> None:
    questionnaire = every_kind_questionnaire()
    expected = every_kind_responses(3)
    export = layout(questionnaire, expected, by_code(questionnaire))
    nobody = ResponseSet("alle_typer", (Response("r09999", {}),))
    silent = layout(questionnaire, nobody, by_code(questionnaire)).dataset[1]
    silent[-len(STATUS) :] = [int(t == "Distribueret") for t in STATUS]
    export.dataset.append(silent)
    result = imported(write_xlsx(tmp_path / "x.xlsx", export), questionnaire)
    assert result.responses.responses == expected.responses
    assert [str(s) for s in result.skipped] == [
        "row 5: no answers (SurveyXact status Distribueret)"
    ]


def test_a_mapping_file_with_mistakes_is_refused(tmp_path: Path) -> None:
    questionnaire = every_kind_questionnaire()
    export = layout(questionnaire, every_kind_responses(3), generic(questionnaire))
    source = write_xlsx(tmp_path / "x.xlsx", export)
    rows: list[Sequence[object]] = [
        ("s_1", "rolle", "", ""),
        ("s_1", "tilfreds", "", ""),
        ("s_2", "ukendt", "", ""),
        ("s_4", "kanaler", "fax", ""),
        ("s_4_1", "kanaler", "", ""),
        ("s_5", "tilfreds", "ved_ikke", ""),
        ("s_6", "aar_i_praksis", "", "3"),
        ("s_7", "rolle", "laege", "1"),
        ("s_8", "info", "", ""),
    ]
    with pytest.raises(PlatformError) as caught:
        imported(source, questionnaire, mapping=str(mapping_csv(tmp_path / "m.csv", rows)))
    message = str(caught.value)
    for expected in (
        "line 3: 's_1' is already mapped to 'rolle' (line 2)",
        "line 4: 'ukendt' is not a question of the questionnaire",
        "line 5: 'fax' is not an option of 'kanaler'",
        "line 6: 'kanaler' is multiple choice",
        "line 7: give the value that means option 'ved_ikke'",
        "line 8: a number question has no options or values",
        "line 9: 'rolle' already reads from 's_1'",
        "line 10: 'info' is a note",
    ):
        assert expected in message


def test_a_yaml_mapping_with_mistakes_is_refused(tmp_path: Path) -> None:
    mapping = tmp_path / "m.yaml"
    mapping.write_text(
        "variables:\n  s_1: rolle\n  s_1: tilfreds\n  s_2: {option: x}\nandet: 1\n",
        encoding="utf-8",
    )
    source = write_xlsx(
        tmp_path / "x.xlsx",
        layout(
            every_kind_questionnaire(), every_kind_responses(2), by_code(every_kind_questionnaire())
        ),
    )
    with pytest.raises(PlatformError) as caught:
        imported(source, every_kind_questionnaire(), mapping=str(mapping))
    message = str(caught.value)
    assert "line 3: 's_1' appears twice" in message
    assert "line 4: 's_2' needs a question" in message
    assert "line 5: unknown key 'andet'" in message


def test_an_export_of_another_survey_is_refused(tmp_path: Path) -> None:
    questionnaire = every_kind_questionnaire()
    export = layout(questionnaire, every_kind_responses(3), generic(questionnaire))
    with pytest.raises(PlatformError, match="none of the questionnaire's questions is in"):
        imported(write_xlsx(tmp_path / "x.xlsx", export), questionnaire)


def test_mapped_variables_missing_from_the_export(tmp_path: Path) -> None:
    questionnaire = every_kind_questionnaire()
    expected = every_kind_responses(5)
    variables = generic(questionnaire)
    export = layout(questionnaire, expected, variables)
    rows = generic_mapping(questionnaire, variables)
    rows[0] = ("s_99", "rolle", "", "")
    ingen = next(i for i, row in enumerate(rows) if row[2] == "ingen")
    rows[ingen] = ("s_5_9", "kanaler", "ingen", "")
    result = imported(
        write_xlsx(tmp_path / "x.xlsx", export),
        questionnaire,
        mapping=str(mapping_csv(tmp_path / "m.csv", rows)),
    )
    assert any(
        "the mapping names variables the dataset does not have: s_99 (rolle), "
        "s_5_9 (kanaler/ingen)" in w
        for w in result.warnings
    )
    assert not any("no variable for" in w for w in result.warnings)
    assert all("rolle: required, but not answered" in s.reason for s in result.skipped)


def test_a_choice_that_matches_no_option(tmp_path: Path) -> None:
    questionnaire = every_kind_questionnaire()
    expected = every_kind_responses(30)
    export = layout(questionnaire, expected, by_code(questionnaire))
    export.structure = [
        [*row[:6], "Fax"] if row[1] == "kanaler_2" else row for row in export.structure
    ]
    result = imported(write_xlsx(tmp_path / "x.xlsx", export), questionnaire)
    chose = [r for r in expected.responses if "korrespondance" in str(r.answers["kanaler"])]
    assert chose
    assert len(result.skipped) == len(chose)
    assert all(
        "kanaler: kanaler_2 is chosen, but is none of its options" in s.reason
        for s in result.skipped
    )
    assert any("kanaler_2 is a choice of 'kanaler' that matches none" in w for w in result.warnings)


def test_cells_with_labels_instead_of_values(tmp_path: Path) -> None:
    questionnaire = every_kind_questionnaire()
    expected = every_kind_responses(10)
    export = layout(questionnaire, expected, by_code(questionnaire))
    column = export.column("rolle")
    for row, response in zip(export.dataset[1:], expected.responses, strict=True):
        row[column] = questionnaire.question("rolle").option(str(response.answers["rolle"])).label
    assert_round_trip(imported(write_xlsx(tmp_path / "x.xlsx", export), questionnaire), expected)


def test_unknown_options_are_refused(tmp_path: Path) -> None:
    with pytest.raises(PlatformError, match="unknown option mapfile for surveyxact"):
        imported(tmp_path / "x.xlsx", every_kind_questionnaire(), mapfile="m.csv")


# -- the six bad inputs ---------------------------------------------------------------------


@pytest.fixture
def bad(tmp_path: Path) -> tuple[Questionnaire, ResponseSet, Export]:
    questionnaire = every_kind_questionnaire()
    responses = every_kind_responses(6)
    return questionnaire, responses, layout(questionnaire, responses, by_code(questionnaire))


def _kept(result: ResponseImport) -> list[str]:
    return [r.respondent for r in result.responses.responses]


def test_unknown_value_code(tmp_path: Path, bad: tuple[Questionnaire, ResponseSet, Export]) -> None:
    questionnaire, _, export = bad
    export.set("r00002", "rolle", 7)
    export.set("r00004", "kanaler_2", 2)
    result = imported(write_xlsx(tmp_path / "x.xlsx", export), questionnaire)
    assert [str(s) for s in result.skipped] == [
        "row 3: rolle: value 7 of rolle is none of its options",
        "row 5: kanaler: kanaler_2 is '2', not 0 or 1",
    ]
    assert _kept(result) == ["r00001", "r00003", "r00005", "r00006"]


def test_answer_to_a_hidden_question(
    tmp_path: Path, bad: tuple[Questionnaire, ResponseSet, Export]
) -> None:
    questionnaire, responses, export = bad
    target = next(r for r in responses.responses if r.answers["rolle"] != "andet")
    export.set(target.respondent, "rolle_andet", "Sekretær")
    result = imported(write_xlsx(tmp_path / "x.xlsx", export), questionnaire)
    (skipped,) = result.skipped
    assert "rolle_andet: answered, but not shown" in skipped.reason
    assert target.respondent not in _kept(result)


def test_missing_required_answer(
    tmp_path: Path, bad: tuple[Questionnaire, ResponseSet, Export]
) -> None:
    questionnaire, _, export = bad
    export.set("r00003", "tilfreds", None)
    result = imported(write_xlsx(tmp_path / "x.xlsx", export), questionnaire)
    assert [str(s) for s in result.skipped] == ["row 4: tilfreds: required, but not answered"]


def test_duplicate_respondent(
    tmp_path: Path, bad: tuple[Questionnaire, ResponseSet, Export]
) -> None:
    questionnaire, _, export = bad
    export.set("r00005", "respondentid", "r00001")
    dataset = write_csv(tmp_path, "x", export, encoding="cp1252", delimiter=";")
    result = imported(dataset, questionnaire)
    assert [str(s) for s in result.skipped] == ["row 6: respondent 'r00001' again (first in row 2)"]


def test_wrong_encoding(tmp_path: Path, bad: tuple[Questionnaire, ResponseSet, Export]) -> None:
    questionnaire, _, export = bad
    dataset = write_csv(tmp_path, "x", export, encoding="utf-16-le", delimiter="\t")
    with pytest.raises(PlatformError, match="UTF-16 without a byte-order mark"):
        imported(dataset, questionnaire)
    garbage = tmp_path / "garbage.xlsx"
    garbage.write_bytes(b"PK\x03\x04 not really a workbook \x00\xff")
    with pytest.raises(PlatformError, match="not a readable Excel file"):
        imported(garbage, questionnaire)
    old = tmp_path / "export.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(PlatformError, match=r"export the data from SurveyXact as Excel \(.xlsx\)"):
        imported(old, questionnaire)
    picture = tmp_path / "picture_dataset.csv"
    picture.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(PlatformError, match="binary data"):
        imported(picture, questionnaire)


def test_extra_columns(tmp_path: Path, bad: tuple[Questionnaire, ResponseSet, Export]) -> None:
    questionnaire, responses, export = bad
    export.add_column("email", lambda i: f"person{i}@example.dk")
    export.add_column("rolle_andet_tekst", lambda _: None)
    dataset = write_csv(tmp_path, "x", export, encoding="utf-16", delimiter="\t")
    # One row with a cell beyond the last column: it does not line up.
    text = dataset.read_text(encoding="utf-16").splitlines()
    text[3] += "\tforskudt"
    dataset.write_text("\r\n".join(text) + "\r\n", encoding="utf-16")
    result = imported(dataset, questionnaire)
    assert result.warnings == (
        f"{dataset}: columns not in the questionnaire, not imported: email, rolle_andet_tekst",
    )
    width = len(export.dataset[0])
    assert [str(s) for s in result.skipped] == [
        f"row 4: {width + 1} cells, but the dataset has {width} columns"
    ]
    assert _kept(result) == [r.respondent for r in responses.responses if r.respondent != "r00003"]


# -- the platform and the command line ------------------------------------------------------


def test_export_is_refused_with_what_to_do_instead(tmp_path: Path) -> None:
    with pytest.raises(PlatformError, match="build the survey in SurveyXact by hand"):
        PLATFORM.export_questionnaire(every_kind_questionnaire(), tmp_path / "x.xlsx", {})
    assert not (tmp_path / "x.xlsx").exists()
    assert PLATFORM.questionnaire_suffixes == ()
    assert PLATFORM.response_suffixes == (".xlsx", ".csv", ".txt")


def test_registered_through_its_entry_point() -> None:
    with registered_plugins(installed=True) as registry:
        assert isinstance(registry.questionnaire_platform("surveyxact"), SurveyXactPlatform)


def test_cli_import(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    questionnaire = every_kind_questionnaire()
    expected = every_kind_responses(8)
    export = layout(questionnaire, expected, generic(questionnaire))
    export.add_column("email", lambda i: f"p{i}@example.dk")
    source = write_xlsx(tmp_path / "export.xlsx", export)
    mapping = mapping_csv(
        tmp_path / "m.csv", generic_mapping(questionnaire, generic(questionnaire))
    )
    questionnaire_file = dump(questionnaire, tmp_path / "alle_typer.yaml")
    out = tmp_path / "svar.json"
    with registered_plugins(klyngepakke_surveyxact):
        code = main(
            [
                "survey",
                "import",
                str(questionnaire_file),
                str(source),
                "--platform",
                "surveyxact",
                "-o",
                str(out),
                "--option",
                f"mapping={mapping}",
            ]
        )
    captured = capsys.readouterr()
    assert code == 0
    assert f"wrote {out}: 8 responses, 0 rows skipped" in captured.out
    assert "columns not in the questionnaire, not imported: email" in captured.err
    loaded = load_responses(out, "alle_typer")
    assert loaded.responses == expected.responses


def test_cli_questionnaire_export_fails_clearly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    questionnaire_file = dump(every_kind_questionnaire(), tmp_path / "alle_typer.yaml")
    argv = [
        "questionnaire",
        "export",
        str(questionnaire_file),
        "--platform",
        "surveyxact",
        "-o",
        str(tmp_path / "skema.xlsx"),
    ]
    with registered_plugins(klyngepakke_surveyxact):
        code = main(argv)
    err = capsys.readouterr().err
    assert code == 1
    assert "build the survey in SurveyXact by hand" in err
    assert not (tmp_path / "skema.xlsx").exists()
