"""The XLSForm platform: the sheets it writes, and ODK Central / KoboToolbox exports read back.

The response fixtures are written here from the platforms' documented export layouts, using
only the exported form (names, groups and choice lists as the platform would see them).
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Mapping, Sequence
from pathlib import Path

import attrs
import openpyxl
import pytest

import klyngepakke_akutfunktioner
import klyngepakke_xlsform
from klyngepakke.cli import main
from klyngepakke.conversion import load
from klyngepakke.model import (
    Answer,
    ClusterPackage,
    Condition,
    Option,
    Question,
    QuestionKind,
    Questionnaire,
    Response,
    ResponseSet,
    Section,
)
from klyngepakke.platforms import PlatformError, ResponseImport
from klyngepakke.tables import TableError
from klyngepakke.testing import every_kind_questionnaire, registered_plugins, synthetic_responses

PLUGINS = Path(__file__).resolve().parents[2]
AKUT_YAML = PLUGINS / "klyngepakke-akutfunktioner/src/klyngepakke_akutfunktioner/package.yaml"
LABEL = "label::Dansk (da)"
PLATFORM = klyngepakke_xlsform.XLSFormPlatform()


# -- helpers ----------------------------------------------------------------------------------


def akut() -> Questionnaire:
    questionnaire = load(AKUT_YAML, ClusterPackage).questionnaire
    assert questionnaire is not None
    return questionnaire


def export(questionnaire: Questionnaire, path: Path, **options: str) -> Path:
    assert PLATFORM.export_questionnaire(questionnaire, path, options) == []
    return path


def sheets(path: Path) -> dict[str, list[dict[str, str]]]:
    """Each sheet as rows of column → text, empty cells left out."""
    book = openpyxl.load_workbook(path)
    result: dict[str, list[dict[str, str]]] = {}
    for sheet in book.worksheets:
        rows = list(sheet.iter_rows(values_only=True))
        header = [str(cell) for cell in rows[0]]
        result[sheet.title] = [
            {column: str(cell) for column, cell in zip(header, row, strict=True) if cell}
            for row in rows[1:]
        ]
    return result


@attrs.frozen
class Field:
    """A field of the exported form, as the platform names it."""

    code: str | None
    """Our question code; None for a note the form adds."""
    groups: tuple[str, ...]
    name: str
    type: str
    choices: Mapping[str, str]
    """Our option code → the form's choice name."""


def form_fields(form: Path, questionnaire: Questionnaire) -> list[Field]:
    """The fields of the exported form in order, matched to our questions by their labels."""
    survey = sheets(form)["survey"]
    lists: dict[str, list[str]] = {}
    for choice in sheets(form)["choices"]:
        lists.setdefault(choice["list_name"], []).append(choice["name"])
    questions = list(questionnaire.questions())
    fields: list[Field] = []
    groups: list[str] = []
    for row in survey:
        kind = row["type"]
        if kind == "begin_group":
            groups.append(row["name"])
        elif kind == "end_group":
            groups.pop()
        else:
            question = questions[0] if questions and questions[0].text == row[LABEL] else None
            choices: dict[str, str] = {}
            if question is not None:
                questions.pop(0)
                names = lists.get(kind.split()[-1], []) if kind.startswith("select") else []
                choices = dict(zip((o.code for o in question.options), names, strict=True))
            code = question.code if question is not None else None
            fields.append(Field(code, tuple(groups), row["name"], kind, choices))
    assert not questions, "every question is a field of the form"
    return fields


def cell(field: Field, answer: object) -> str:
    if answer is None:
        return ""
    if isinstance(answer, tuple):
        return " ".join(field.choices[code] for code in answer)
    if field.choices:
        return field.choices[str(answer)]
    return str(answer)


def odk_central_table(
    form: Path,
    questionnaire: Questionnaire,
    responses: ResponseSet,
    *,
    split: bool = False,
    group_paths: bool = True,
    review: Mapping[str, str] | None = None,
) -> list[list[str]]:
    """ODK Central's submissions CSV: SubmissionDate, fields (group paths joined by '-'),
    select_multiple choice columns 'field/choice' for the choices that occur, then metadata."""
    fields = form_fields(form, questionnaire)
    header = ["SubmissionDate"]
    columns: list[tuple[Field, str | None]] = []
    for field in fields:
        base = "-".join((*field.groups, field.name)) if group_paths else field.name
        header.append(base)
        columns.append((field, None))
        if split and field.type.startswith("select_multiple"):
            occurring = {
                code
                for r in responses.responses
                if isinstance(chosen := r.answers.get(field.code or ""), tuple)
                for code in chosen
            }
            for code, name in field.choices.items():
                if code in occurring:
                    header.append(f"{base}/{name}")
                    columns.append((field, code))
    meta = ["meta-instanceID", "KEY", "SubmitterID", "SubmitterName", "AttachmentsPresent"]
    meta += ["AttachmentsExpected", "Status", "ReviewState", "DeviceID", "Edits", "FormVersion"]
    version = sheets(form)["settings"][0]["version"]
    rows = [header + meta]
    for index, response in enumerate(responses.responses):
        row = [f"2024-05-{index % 28 + 1:02d}T08:{index % 60:02d}:00.000Z"]
        for field, choice in columns:
            answer = response.answers.get(field.code) if field.code else None
            if choice is None:
                row.append(cell(field, answer))
            else:
                row.append("1" if isinstance(answer, tuple) and choice in answer else "0")
        state = (review or {}).get(response.respondent, "")
        row += [response.respondent, response.respondent, "7", "Klyngen", "0", "0", ""]
        row += [state, "collect:Xy12", "0", version]
        rows.append(row)
    return rows


def kobo_table(
    form: Path,
    questionnaire: Questionnaire,
    responses: ResponseSet,
    *,
    summary: bool = True,
    validation: Mapping[str, str] | None = None,
) -> list[list[str]]:
    """KoboToolbox's export with XML values and headers: group paths joined by '/', a
    select_multiple as a summary column and one 1/0 column per choice, then '_' metadata."""
    fields = [f for f in form_fields(form, questionnaire) if f.type != "note"]
    header: list[str] = []
    columns: list[tuple[Field, str | None]] = []
    for field in fields:
        base = "/".join((*field.groups, field.name))
        if summary or not field.type.startswith("select_multiple"):
            header.append(base)
            columns.append((field, None))
        if field.type.startswith("select_multiple"):
            for code, name in field.choices.items():
                header.append(f"{base}/{name}")
                columns.append((field, code))
    meta = ["_id", "_uuid", "_submission_time", "_validation_status", "_notes", "_status"]
    meta += ["_submitted_by", "__version__", "_tags", "_index"]
    rows = [header + meta]
    for index, response in enumerate(responses.responses):
        row = []
        for field, choice in columns:
            answer = response.answers.get(field.code) if field.code else None
            if choice is None:
                row.append(cell(field, answer))
            elif answer is None:
                row.append("")
            else:
                row.append("1" if isinstance(answer, tuple) and choice in answer else "0")
        status = (validation or {}).get(response.respondent, "")
        row += [str(1000 + index), response.respondent, "2024-05-02T09:00:00", status, "[]"]
        row += ["submitted_via_web", "", "vGx8", "[]", str(index + 1)]
        rows.append(row)
    return rows


def write_csv(
    path: Path,
    rows: Sequence[Sequence[str]],
    *,
    delimiter: str = ",",
    encoding: str = "utf-8",
    bom: bool = False,
) -> Path:
    text = io.StringIO()
    csv.writer(text, delimiter=delimiter).writerows(rows)
    data = text.getvalue().encode(encoding)
    path.write_bytes((codecs.BOM_UTF8 if bom else b"") + data)
    return path


def write_xlsx(path: Path, rows: Sequence[Sequence[str]]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append([int(v) if v.isdigit() and len(v) < 6 else (v or None) for v in row])
    book.save(path)
    return path


def read(path: Path, questionnaire: Questionnaire, **options: str) -> ResponseImport:
    return PLATFORM.import_responses(path, questionnaire, options)


def expected(responses: ResponseSet) -> ResponseSet:
    return attrs.evolve(responses, platform="xlsform")


def column(rows: list[list[str]], name: str) -> int:
    return rows[0].index(name)


@pytest.fixture
def every_kind(tmp_path: Path) -> tuple[Questionnaire, Path, ResponseSet]:
    questionnaire = every_kind_questionnaire()
    form = export(questionnaire, tmp_path / "alle_typer.xlsx")
    return questionnaire, form, synthetic_responses(questionnaire, 40, seed=3)


# -- registration -----------------------------------------------------------------------------


def test_the_platform_is_registered_as_xlsform() -> None:
    with registered_plugins(klyngepakke_xlsform) as registry:
        platform = registry.questionnaire_platform("xlsform")
    assert isinstance(platform, klyngepakke_xlsform.XLSFormPlatform)
    assert platform.questionnaire_suffixes == (".xlsx",)
    assert platform.response_suffixes == (".csv", ".xlsx")


# -- export -----------------------------------------------------------------------------------


def test_every_kind_questionnaire_becomes_these_sheets(tmp_path: Path) -> None:
    form = sheets(export(every_kind_questionnaire(), tmp_path / "alle.xlsx"))
    required = {"required": "yes", "required_message::Dansk (da)": "Besvar venligst spørgsmålet."}
    assert form["survey"] == [
        {"type": "note", "name": "intro", LABEL: "Tak fordi du vil svare. Det tager fem minutter."},
        {"type": "begin_group", "name": "om_dig", LABEL: "Om dig"},
        {
            "type": "select_one rolle",
            "name": "rolle",
            LABEL: "Hvad er din rolle i praksis?",
            **required,
        },
        {
            "type": "text",
            "name": "rolle_andet",
            LABEL: "Hvilken rolle har du?",
            **required,
            "relevant": "${rolle} = 'andet'",
        },
        {
            "type": "integer",
            "name": "aar_i_praksis",
            LABEL: "Hvor mange år har du arbejdet i almen praksis?",
            "constraint": ". >= 0 and . <= 60",
            "constraint_message::Dansk (da)": "Skriv et tal fra 0 til 60.",
        },
        {"type": "end_group"},
        {"type": "begin_group", "name": "samarbejde", LABEL: "Samarbejdet med akutfunktionen"},
        {
            "type": "note",
            "name": "info",
            LABEL: "De næste spørgsmål handler om de seneste tre måneder.",
        },
        {
            "type": "select_one tilfreds",
            "name": "tilfreds",
            LABEL: "Jeg er tilfreds med samarbejdet.",
            **required,
            "appearance": "likert",
        },
        {
            "type": "select_multiple kanaler",
            "name": "kanaler",
            LABEL: "Hvordan kontakter du akutfunktionen?",
            **required,
            "constraint": "not(selected(., 'ingen') and count-selected(.) > 1)",
            "constraint_message::Dansk (da)": (
                "»Jeg kontakter den ikke« kan ikke vælges sammen med andre svar."
            ),
        },
        {
            "type": "integer",
            "name": "telefon_tid",
            LABEL: "Hvor lang tid venter du typisk i telefonen (minutter)?",
            "relevant": "selected(${kanaler}, 'telefon')",
            "constraint": ". >= 0",
            "constraint_message::Dansk (da)": "Skriv et tal, der er mindst 0.",
        },
        {
            "type": "text",
            "name": "forbedring",
            LABEL: "Hvad kan gøres bedre? Skriv gerne æ, ø og å.",
            "relevant": "${tilfreds} = '1' or ${tilfreds} = '2'",
        },
        {"type": "end_group"},
    ]
    assert [(c["list_name"], c["name"], c[LABEL]) for c in form["choices"][:4]] == [
        ("rolle", "laege", "Praktiserende læge"),
        ("rolle", "uddannelseslaege", "Uddannelseslæge"),
        ("rolle", "andet", "Andet"),
        ("tilfreds", "1", "Meget uenig"),
    ]
    assert [c["name"] for c in form["choices"] if c["list_name"] == "tilfreds"] == [
        "1",
        "2",
        "3",
        "4",
        "5",
        "ved_ikke",
    ]
    (settings,) = form["settings"]
    assert settings["form_title"] == "Prøveskema med alle spørgsmålstyper"
    assert settings["form_id"] == "alle_typer"
    assert settings["default_language"] == "Dansk (da)"
    assert settings["version"].startswith("1-")


def test_akutfunktioner_sheets(tmp_path: Path) -> None:
    questionnaire = akut()
    form = sheets(export(questionnaire, tmp_path / "akut.xlsx"))
    survey = {row["name"]: row for row in form["survey"] if "name" in row}
    assert [r["name"] for r in form["survey"] if r["type"] == "begin_group"] == [
        "kendskab",
        "henvisning",
        "kommunikation",
    ]
    assert sum(r["type"] == "end_group" for r in form["survey"]) == 3
    questions = list(questionnaire.questions())
    assert set(survey) == {"intro", "kendskab", "henvisning", "kommunikation"} | {
        q.code for q in questions
    }
    assert survey["intro"][LABEL] == questionnaire.introduction
    assert survey["patientgrupper_henvist"]["relevant"] == (
        "${henvisninger_3_mdr} = '1_2' or ${henvisninger_3_mdr} = '3_5' "
        "or ${henvisninger_3_mdr} = 'over_5'"
    )
    assert survey["patientgrupper_henvist"]["type"] == "select_multiple patientgrupper_henvist"
    assert survey["patientgrupper_henvist"]["hint::Dansk (da)"] == "Sæt gerne flere kryds."
    assert survey["brug_0124"]["relevant"] == "${kendskab_0124} = 'ja'"
    assert survey["tilbagemelding_tilfreds"]["relevant"] == (
        "${tilbagemelding_afslutning} = '2' or ${tilbagemelding_afslutning} = '3' "
        "or ${tilbagemelding_afslutning} = '4' or ${tilbagemelding_afslutning} = '5'"
    )
    assert survey["patientgrupper_ikke_henvist"]["constraint"] == (
        "not(selected(., 'ingen') and count-selected(.) > 1) "
        "and not(selected(., 'ved_ikke') and count-selected(.) > 1)"
    )
    assert survey["patientgrupper_ikke_henvist"]["constraint_message::Dansk (da)"] == (
        "»Nej, ingen« og »Ved ikke« kan ikke vælges sammen med andre svar."
    )
    for question in questions:
        row = survey[question.code]
        assert row[LABEL] == question.text
        assert ("required" in row) == question.required
        if question.kind is QuestionKind.SCALE:
            assert row["type"] == f"select_one {question.code}"
            assert row["appearance"] == "likert"
    assert survey["forslag"]["type"] == "text"
    labels = {(c["list_name"], c["name"]): c[LABEL] for c in form["choices"]}
    assert labels["rolle", "praktiserende_laege"] == "Praktiserende læge"
    assert labels["kendskab_akutfunktion", "4"] == "I høj grad"
    assert labels["oplevelse_kapacitet", "ved_ikke"] == "Ved ikke"
    assert len(form["choices"]) == sum(len(q.options) for q in questions)
    assert form["settings"][0]["form_title"] == "Samarbejdet med kommunens akutfunktion"
    assert form["settings"][0]["version"].startswith("1.0-")


def test_the_version_is_stable_and_follows_the_content(tmp_path: Path) -> None:
    questionnaire = every_kind_questionnaire()
    first = sheets(export(questionnaire, tmp_path / "a.xlsx"))["settings"][0]["version"]
    again = sheets(export(questionnaire, tmp_path / "b.xlsx"))["settings"][0]["version"]
    reworded = attrs.evolve(questionnaire, title="Et andet prøveskema")
    other = sheets(export(reworded, tmp_path / "c.xlsx"))["settings"][0]["version"]
    assert first == again
    assert other != first
    assert other.startswith("1-")


def odd_questionnaire() -> Questionnaire:
    """Codes XLSForm cannot use as they are, a section named like a question, decimals."""
    return Questionnaire(
        id="prøve-1",
        title="Prøve",
        version="2",
        sections=(
            Section(
                "Om_dig",
                "Om dig",
                (
                    Question(
                        "frugt",
                        "Hvilken frugt?",
                        QuestionKind.SINGLE_CHOICE,
                        options=(
                            Option("1.5", "Halvanden"),
                            Option("x-2", "X to"),
                            Option("æble", "Æble"),
                        ),
                    ),
                    Question(
                        "om_dig",
                        "Hvor mange kilo?",
                        QuestionKind.NUMBER,
                        minimum=0,
                        maximum=10.5,
                        show_if=Condition("frugt", ("1.5", "æble")),
                    ),
                    Question("spørgsmål-2", "=1+1 er to", QuestionKind.TEXT),
                ),
                description="Om dig og din frugt.",
            ),
        ),
    )


def test_codes_are_made_safe_and_unique(tmp_path: Path) -> None:
    form = sheets(export(odd_questionnaire(), tmp_path / "odd.xlsx"))
    survey = form["survey"]
    assert [(r["type"], r.get("name")) for r in survey] == [
        ("begin_group", "Om_dig_2"),
        ("note", "Om_dig_2_intro"),
        ("select_one frugt", "frugt"),
        ("decimal", "om_dig"),
        ("text", "spoergsmaal_2"),
        ("end_group", None),
    ]
    assert survey[3]["relevant"] == "${frugt} = '1.5' or ${frugt} = 'aeble'"
    assert survey[3]["constraint"] == ". >= 0 and . <= 10.5"
    assert survey[3]["constraint_message::Dansk (da)"] == "Skriv et tal fra 0 til 10,5."
    assert survey[4][LABEL] == "=1+1 er to"  # text, not an Excel formula
    assert [c["name"] for c in form["choices"]] == ["1.5", "x-2", "aeble"]
    assert form["settings"][0]["form_id"] == "proeve_1"


def test_options_change_scales_and_numbers(tmp_path: Path) -> None:
    form = export(every_kind_questionnaire(), tmp_path / "a.xlsx", likert="no", numbers="decimal")
    survey = {r.get("name"): r for r in sheets(form)["survey"]}
    assert "appearance" not in survey["tilfreds"]
    assert survey["aar_i_praksis"]["type"] == "decimal"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"colour": "red"}, "unknown xlsform option 'colour'"),
        ({"likert": "maybe"}, "likert='maybe': expected one of yes, no"),
    ],
)
def test_unknown_options_are_errors(tmp_path: Path, options: dict[str, str], message: str) -> None:
    with pytest.raises(PlatformError, match=message):
        PLATFORM.export_questionnaire(every_kind_questionnaire(), tmp_path / "a.xlsx", options)


def test_what_xlsform_cannot_express_is_an_error(tmp_path: Path) -> None:
    base = every_kind_questionnaire()
    section = base.sections[0]
    reference = attrs.evolve(section.questions[0], text="Hvad er din rolle, ${navn}?", code="rolle")
    with_reference = attrs.evolve(
        base, sections=(attrs.evolve(section, questions=(reference,)), *base.sections[1:])
    )
    with pytest.raises(PlatformError, match=r"question 'rolle': XLSForm reads '\$\{'"):
        export(with_reference, tmp_path / "a.xlsx")
    meta = Question("meta", "Meta?", QuestionKind.TEXT)
    with pytest.raises(PlatformError, match="'meta' is reserved in XLSForm"):
        export(attrs.evolve(base, sections=(Section("s", "S", (meta,)),)), tmp_path / "b.xlsx")
    clash = Question(
        "frugt",
        "Frugt?",
        QuestionKind.SINGLE_CHOICE,
        options=(Option("æble", "Æble"), Option("aeble", "Et andet æble")),
    )
    with pytest.raises(PlatformError, match="question 'frugt': codes 'æble' and 'aeble'"):
        export(attrs.evolve(base, sections=(Section("s", "S", (clash,)),)), tmp_path / "c.xlsx")
    assert not (tmp_path / "a.xlsx").exists()


def test_cli_exports_akutfunktioner(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "akut.xlsx"
    with registered_plugins(klyngepakke_xlsform, klyngepakke_akutfunktioner):
        code = main(
            [
                "questionnaire",
                "export",
                "akutfunktioner",
                "--platform",
                "xlsform",
                "-o",
                str(target),
            ]
        )
    assert code == 0
    assert "wrote" in capsys.readouterr().out
    assert list(sheets(target)) == ["survey", "choices", "settings"]


# -- import: round trips ------------------------------------------------------------------------


@pytest.mark.parametrize("split", [False, True], ids=["one-column", "split-columns"])
def test_odk_central_round_trip(
    tmp_path: Path, every_kind: tuple[Questionnaire, Path, ResponseSet], split: bool
) -> None:
    questionnaire, form, responses = every_kind
    rows = odk_central_table(form, questionnaire, responses, split=split)
    if split:
        assert "samarbejde-kanaler/telefon" in rows[0]
    result = read(write_csv(tmp_path / "submissions.csv", rows), questionnaire)
    assert result.skipped == ()
    assert result.warnings == ()
    assert result.responses == expected(responses)


def test_odk_central_round_trip_for_akutfunktioner(tmp_path: Path) -> None:
    questionnaire = akut()
    form = export(questionnaire, tmp_path / "akut.xlsx")
    responses = synthetic_responses(questionnaire, 60, seed=11)
    rows = odk_central_table(form, questionnaire, responses, split=True)
    result = read(write_csv(tmp_path / "akut.csv", rows), questionnaire)
    assert (result.skipped, result.warnings) == ((), ())
    assert result.responses == expected(responses)


def test_odk_central_without_group_names(
    tmp_path: Path, every_kind: tuple[Questionnaire, Path, ResponseSet]
) -> None:
    questionnaire, form, responses = every_kind
    rows = odk_central_table(form, questionnaire, responses, group_paths=False)
    assert "kanaler" in rows[0]
    result = read(write_csv(tmp_path / "flat.csv", rows), questionnaire)
    assert (result.skipped, result.warnings) == ((), ())
    assert result.responses == expected(responses)


@pytest.mark.parametrize("summary", [True, False], ids=["summary-and-choices", "choices-only"])
def test_kobo_round_trip(
    tmp_path: Path, every_kind: tuple[Questionnaire, Path, ResponseSet], summary: bool
) -> None:
    questionnaire, form, responses = every_kind
    rows = kobo_table(form, questionnaire, responses, summary=summary)
    assert "samarbejde/kanaler/telefon" in rows[0]
    path = write_csv(tmp_path / "kobo.csv", rows, delimiter=";", bom=True)
    result = read(path, questionnaire)
    assert (result.skipped, result.warnings) == ((), ())
    assert result.responses == expected(responses)


def test_kobo_excel_round_trip_with_unsafe_codes(tmp_path: Path) -> None:
    questionnaire = odd_questionnaire()
    form = export(questionnaire, tmp_path / "odd.xlsx")
    responses = synthetic_responses(questionnaire, 30, seed=5)
    assert any(r.answers.get("frugt") == "æble" for r in responses.responses)
    path = write_xlsx(tmp_path / "kobo.xlsx", kobo_table(form, questionnaire, responses))
    result = read(path, questionnaire)
    assert (result.skipped, result.warnings) == ((), ())
    assert result.responses == expected(responses)


def test_decimal_commas_are_read(tmp_path: Path) -> None:
    questionnaire = odd_questionnaire()
    form = export(questionnaire, tmp_path / "odd.xlsx")
    answers: dict[str, Answer] = {"frugt": "1.5", "om_dig": 2.5, "spørgsmål-2": "Gul"}
    responses = ResponseSet(questionnaire.id, (Response("r1", answers),))
    rows = kobo_table(form, questionnaire, responses)
    rows[1][column(rows, "Om_dig_2/om_dig")] = "2,5"
    result = read(write_csv(tmp_path / "k.csv", rows, delimiter=";"), questionnaire)
    assert result.responses.responses[0].answers == answers


# -- import: bad inputs -------------------------------------------------------------------------


@pytest.fixture
def kobo_rows(
    every_kind: tuple[Questionnaire, Path, ResponseSet],
) -> tuple[Questionnaire, list[list[str]]]:
    """Four Kobo rows of respondents who chose 'laege', 'tilfreds' 4 and 'telefon' only."""
    questionnaire, form, _ = every_kind
    answers: dict[str, Answer] = {
        "rolle": "laege",
        "tilfreds": "4",
        "kanaler": ("telefon",),
        "telefon_tid": 5,
    }
    responses = ResponseSet(
        questionnaire.id, tuple(Response(f"uuid-{i}", answers) for i in range(1, 5))
    )
    return questionnaire, kobo_table(form, questionnaire, responses)


def set_cell(rows: list[list[str]], row: int, name: str, value: str) -> None:
    rows[row - 1][column(rows, name)] = value


def test_unknown_option_code(
    tmp_path: Path, kobo_rows: tuple[Questionnaire, list[list[str]]]
) -> None:
    questionnaire, rows = kobo_rows
    set_cell(rows, 3, "om_dig/rolle", "tandlaege")
    set_cell(rows, 4, "samarbejde/kanaler", "telefon brevdue")
    result = read(write_csv(tmp_path / "k.csv", rows, delimiter=";"), questionnaire)
    assert [(s.row, s.reason) for s in result.skipped] == [
        (3, "rolle: 'tandlaege' is not one of ['andet', 'laege', 'uddannelseslaege']"),
        (4, "kanaler: unknown option codes ['brevdue']"),
    ]
    assert [r.respondent for r in result.responses.responses] == ["uuid-1", "uuid-4"]


def test_answer_to_a_hidden_question(
    tmp_path: Path, kobo_rows: tuple[Questionnaire, list[list[str]]]
) -> None:
    questionnaire, rows = kobo_rows
    set_cell(rows, 2, "om_dig/rolle_andet", "Sekretær")
    result = read(write_csv(tmp_path / "k.csv", rows, delimiter=";"), questionnaire)
    (skipped,) = result.skipped
    assert skipped.row == 2
    assert "rolle_andet: answered, but not shown" in skipped.reason


def test_missing_required_answer(
    tmp_path: Path, kobo_rows: tuple[Questionnaire, list[list[str]]]
) -> None:
    questionnaire, rows = kobo_rows
    set_cell(rows, 5, "samarbejde/tilfreds", "")
    result = read(write_csv(tmp_path / "k.csv", rows, delimiter=";"), questionnaire)
    assert [str(s) for s in result.skipped] == ["row 5: tilfreds: required, but not answered"]
    assert len(result.responses.responses) == 3


def test_duplicate_respondent(
    tmp_path: Path, kobo_rows: tuple[Questionnaire, list[list[str]]]
) -> None:
    questionnaire, rows = kobo_rows
    set_cell(rows, 4, "_uuid", "uuid-1")
    result = read(write_csv(tmp_path / "k.csv", rows, delimiter=";"), questionnaire)
    assert [str(s) for s in result.skipped] == ["row 4: respondent 'uuid-1' again (first in row 2)"]


def test_missing_respondent_id(
    tmp_path: Path, kobo_rows: tuple[Questionnaire, list[list[str]]]
) -> None:
    questionnaire, rows = kobo_rows
    set_cell(rows, 2, "_uuid", " ")
    result = read(write_csv(tmp_path / "k.csv", rows, delimiter=";"), questionnaire)
    assert [str(s) for s in result.skipped] == ["row 2: no respondent id"]


def test_windows_1252_is_read(
    tmp_path: Path, every_kind: tuple[Questionnaire, Path, ResponseSet]
) -> None:
    questionnaire, form, responses = every_kind
    assert any("Æble, øl og å" in r.answers.values() for r in responses.responses)
    rows = kobo_table(form, questionnaire, responses)
    path = write_csv(tmp_path / "k.csv", rows, delimiter=";", encoding="cp1252")
    result = read(path, questionnaire)
    assert result.responses == expected(responses)


def test_utf16_without_bom_is_a_table_error(
    tmp_path: Path, kobo_rows: tuple[Questionnaire, list[list[str]]]
) -> None:
    questionnaire, rows = kobo_rows
    path = write_csv(tmp_path / "k.csv", rows, delimiter=";", encoding="utf-16-le")
    with pytest.raises(TableError, match="UTF-16 without a byte-order mark"):
        read(path, questionnaire)


def test_extra_columns_are_a_warning(
    tmp_path: Path, kobo_rows: tuple[Questionnaire, list[list[str]]]
) -> None:
    questionnaire, rows = kobo_rows
    rows[0] += ["kommentar", "om_dig/alder"]
    for row in rows[1:]:
        row += ["Se noter", "50"]
    path = write_csv(tmp_path / "k.csv", rows, delimiter=";")
    result = read(path, questionnaire)
    assert result.skipped == ()
    assert len(result.responses.responses) == 4
    assert result.warnings == (
        f"{path}: ignored 2 column(s) that are not questions of 'alle_typer': "
        "kommentar, om_dig/alder",
    )


def test_a_row_longer_than_the_header_is_skipped(
    tmp_path: Path, kobo_rows: tuple[Questionnaire, list[list[str]]]
) -> None:
    questionnaire, rows = kobo_rows
    width = len(rows[0])
    rows[2] += ["forskudt"]
    result = read(write_csv(tmp_path / "k.csv", rows, delimiter=";"), questionnaire)
    assert [str(s) for s in result.skipped] == [
        f"row 3: {width + 1} cells, but the header has {width} columns"
    ]


def test_a_missing_question_column_is_a_warning(
    tmp_path: Path, kobo_rows: tuple[Questionnaire, list[list[str]]]
) -> None:
    questionnaire, rows = kobo_rows
    index = column(rows, "om_dig/aar_i_praksis")
    rows = [row[:index] + row[index + 1 :] for row in rows]
    path = write_csv(tmp_path / "k.csv", rows, delimiter=";")
    result = read(path, questionnaire)
    assert result.warnings == (
        f"{path}: no column for question(s) aar_i_praksis: their answers are taken as empty",
    )
    assert len(result.responses.responses) == 4


def test_a_number_that_is_not_a_number(
    tmp_path: Path, kobo_rows: tuple[Questionnaire, list[list[str]]]
) -> None:
    questionnaire, rows = kobo_rows
    set_cell(rows, 2, "samarbejde/telefon_tid", "fem")
    set_cell(rows, 3, "samarbejde/telefon_tid", "-1")
    result = read(write_csv(tmp_path / "k.csv", rows, delimiter=";"), questionnaire)
    assert [str(s) for s in result.skipped] == [
        "row 2: telefon_tid: expected a number, got 'fem'",
        "row 3: telefon_tid: -1 is below the minimum 0",
    ]


def test_choice_columns_that_disagree_or_are_not_flags(
    tmp_path: Path, kobo_rows: tuple[Questionnaire, list[list[str]]]
) -> None:
    questionnaire, rows = kobo_rows
    set_cell(rows, 2, "samarbejde/kanaler/henvisning", "1")
    set_cell(rows, 3, "samarbejde/kanaler/telefon", "x")
    result = read(write_csv(tmp_path / "k.csv", rows, delimiter=";"), questionnaire)
    assert [str(s) for s in result.skipped] == [
        "row 2: kanaler: 'telefon' disagrees with its choice columns (telefon henvisning)",
        "row 3: kanaler: samarbejde/kanaler/telefon holds 'x', expected 1 or 0",
    ]


def test_rejected_submissions_are_skipped_with_a_reason(
    tmp_path: Path, every_kind: tuple[Questionnaire, Path, ResponseSet]
) -> None:
    questionnaire, form, responses = every_kind
    first, second = (r.respondent for r in responses.responses[:2])
    odk = odk_central_table(form, questionnaire, responses, review={first: "rejected"})
    odk_path = write_csv(tmp_path / "odk.csv", odk)
    kobo = kobo_table(
        form, questionnaire, responses, validation={second: "validation_status_not_approved"}
    )
    kobo_path = write_csv(tmp_path / "kobo.csv", kobo, delimiter=";")
    assert [str(s) for s in read(odk_path, questionnaire).skipped] == [
        "row 2: marked 'rejected' in ODK Central (ReviewState); "
        "import it with the option rejected=keep"
    ]
    assert [str(s) for s in read(kobo_path, questionnaire).skipped] == [
        "row 3: marked 'validation_status_not_approved' in KoboToolbox (_validation_status); "
        "import it with the option rejected=keep"
    ]
    assert read(odk_path, questionnaire, rejected="keep").responses == expected(responses)
    assert read(kobo_path, questionnaire, rejected="keep").responses == expected(responses)


def test_files_that_are_not_exports_of_the_form(
    tmp_path: Path, kobo_rows: tuple[Questionnaire, list[list[str]]]
) -> None:
    questionnaire, rows = kobo_rows
    plain = write_csv(tmp_path / "plain.csv", [["navn", "svar"], ["a", "b"]])
    with pytest.raises(PlatformError, match="neither an ODK Central export"):
        read(plain, questionnaire)
    other = write_csv(tmp_path / "other.csv", [["_uuid", "farve"], ["a", "rød"]])
    with pytest.raises(PlatformError, match="no column holds an answer to a question"):
        read(other, questionnaire)
    no_id = write_csv(tmp_path / "no_id.csv", [["_index", "om_dig/rolle"], ["1", "laege"]])
    with pytest.raises(PlatformError, match=r"no respondent id column \(_uuid"):
        read(no_id, questionnaire)
    both = write_csv(tmp_path / "both.csv", [["KEY", "_uuid", "om_dig/rolle"], ["a", "a", "b"]])
    with pytest.raises(PlatformError, match="both ODK Central and KoboToolbox"):
        read(both, questionnaire)
    with pytest.raises(PlatformError, match="unknown xlsform option 'likert'"):
        read(write_csv(tmp_path / "k.csv", rows), questionnaire, likert="no")


def test_importing_the_plugin_does_not_import_openpyxl() -> None:
    import subprocess
    import sys

    code = "import sys, klyngepakke_xlsform; print('openpyxl' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
