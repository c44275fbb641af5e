from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Callable, Sequence
from importlib import metadata
from pathlib import Path

import attrs
import pytest

import klyngepakke_redcap
from klyngepakke.cli import main
from klyngepakke.conversion import load, load_responses
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
from klyngepakke.platforms import PlatformError, ResponseImport, SkippedRow
from klyngepakke.plugins import ENTRY_POINT_GROUP
from klyngepakke.testing import every_kind_questionnaire, registered_plugins, synthetic_responses
from klyngepakke_redcap import DICTIONARY_COLUMNS, RedcapPlatform

PLUGIN = Path(__file__).resolve().parents[1]
PACKAGE_YAML = (
    PLUGIN.parent / "klyngepakke-akutfunktioner/src/klyngepakke_akutfunktioner/package.yaml"
)
FIXTURES = Path(__file__).resolve().parent / "fixtures"
PLATFORM = RedcapPlatform()


def akutfunktioner() -> Questionnaire:
    questionnaire = load(PACKAGE_YAML, ClusterPackage).questionnaire
    assert questionnaire is not None
    return questionnaire


QUESTIONNAIRES: dict[str, Callable[[], Questionnaire]] = {
    "akutfunktioner": akutfunktioner,
    "alle_typer": every_kind_questionnaire,
}


def export(questionnaire: Questionnaire, tmp_path: Path, **options: str) -> tuple[Path, list[str]]:
    path = tmp_path / f"{questionnaire.id}_dictionary.csv"
    return path, PLATFORM.export_questionnaire(questionnaire, path, options)


def dictionary(path: Path) -> list[dict[str, str]]:
    data = path.read_bytes()
    assert data.startswith(codecs.BOM_UTF8)
    header, *rows = csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""))
    return [dict(zip(header, row, strict=True)) for row in rows]


def by_name(path: Path) -> dict[str, dict[str, str]]:
    return {row["Variable / Field Name"]: row for row in dictionary(path)}


# -- a structural validator with REDCap's documented data dictionary rules ---------------------

REDCAP_COLUMNS = (
    "Variable / Field Name",
    "Form Name",
    "Section Header",
    "Field Type",
    "Field Label",
    "Choices, Calculations, OR Slider Labels",
    "Field Note",
    "Text Validation Type OR Show Slider Number",
    "Text Validation Min",
    "Text Validation Max",
    "Identifier?",
    "Branching Logic (Show field only if...)",
    "Required Field?",
    "Custom Alignment",
    "Question Number (surveys only)",
    "Matrix Group Name",
    "Matrix Ranking?",
    "Field Annotation",
)
FIELD_TYPES = {
    "text",
    "notes",
    "dropdown",
    "radio",
    "checkbox",
    "yesno",
    "truefalse",
    "calc",
    "file",
    "slider",
    "descriptive",
    "sql",
}
CHOICE_TYPES = {"dropdown", "radio", "checkbox"}
NUMBER_VALIDATIONS = {"integer", "number", "number_comma_decimal"}
NAME = re.compile(r"[a-z][a-z0-9_]{0,99}")
RAW_VALUE = re.compile(r"-?[a-z0-9_]+")
TERM = re.compile(r"\[([a-z][a-z0-9_]*)(?:\(([a-z0-9_-]+)\))?\] = '([^']*)'")
NONE_OF_THE_ABOVE = re.compile(r"@NONEOFTHEABOVE='([^']*)'")


def dictionary_problems(path: Path) -> list[str]:
    """What REDCap's data dictionary upload would refuse, as far as its documentation tells."""
    data = path.read_bytes()
    text = data.decode("utf-8-sig")  # REDCap reads UTF-8, with or without BOM
    header, *rows = csv.reader(io.StringIO(text, newline=""))
    problems: list[str] = []
    if tuple(header) != REDCAP_COLUMNS:
        problems.append(f"header is {header}")
    earlier: dict[str, tuple[str, dict[str, str]]] = {}
    for number, row in enumerate(rows, start=2):
        if len(row) != len(REDCAP_COLUMNS):
            problems.append(f"row {number}: {len(row)} cells")
            continue
        cells = dict(zip(REDCAP_COLUMNS, row, strict=True))
        name, kind = cells["Variable / Field Name"], cells["Field Type"]
        where = f"row {number} ({name})"
        if not NAME.fullmatch(name):
            problems.append(f"{where}: bad variable name")
        if name in earlier:
            problems.append(f"{where}: variable name repeated")
        if number == 2 and (name != "record_id" or kind != "text"):
            problems.append(f"{where}: the first field must be the text record id")
        if not NAME.fullmatch(cells["Form Name"]):
            problems.append(f"{where}: bad form name")
        if kind not in FIELD_TYPES:
            problems.append(f"{where}: unknown field type {kind!r}")
        if not cells["Field Label"].strip():
            problems.append(f"{where}: no label")
        choices = _choices(cells["Choices, Calculations, OR Slider Labels"], where, problems)
        if (kind in CHOICE_TYPES) != bool(choices):
            problems.append(f"{where}: {kind} with choices {choices}")
        validation = cells["Text Validation Type OR Show Slider Number"]
        if validation and (kind != "text" or validation not in NUMBER_VALIDATIONS):
            problems.append(f"{where}: validation {validation!r} on a {kind} field")
        limits = [cells["Text Validation Min"], cells["Text Validation Max"]]
        if any(limits) and not validation:
            problems.append(f"{where}: limits without a validation type")
        if all(limits) and float(limits[0]) >= float(limits[1]):
            problems.append(f"{where}: minimum not below maximum")
        if cells["Required Field?"] not in ("", "y") or (
            kind == "descriptive" and cells["Required Field?"]
        ):
            problems.append(f"{where}: bad required flag")
        for column in ("Identifier?", "Custom Alignment", "Matrix Group Name", "Matrix Ranking?"):
            if cells[column]:
                problems.append(f"{where}: unexpected {column} {cells[column]!r}")
        _branching_problems(
            cells["Branching Logic (Show field only if...)"], where, earlier, problems
        )
        annotation = cells["Field Annotation"]
        if annotation:
            tag = NONE_OF_THE_ABOVE.fullmatch(annotation)
            if tag is None or kind != "checkbox":
                problems.append(f"{where}: annotation {annotation!r}")
            elif not set(tag.group(1).split(",")) <= set(choices):
                problems.append(f"{where}: @NONEOFTHEABOVE names unknown choices")
        earlier[name] = (kind, choices)
    return problems


def _choices(text: str, where: str, problems: list[str]) -> dict[str, str]:
    choices: dict[str, str] = {}
    if not text:
        return choices
    for part in text.split("|"):
        raw, comma, label = part.strip().partition(",")
        if not comma or not RAW_VALUE.fullmatch(raw.strip()) or not label.strip():
            problems.append(f"{where}: bad choice {part!r}")
        if raw.strip() in choices:
            problems.append(f"{where}: choice {raw!r} repeated")
        choices[raw.strip()] = label.strip()
    return choices


def _branching_problems(
    logic: str,
    where: str,
    earlier: dict[str, tuple[str, dict[str, str]]],
    problems: list[str],
) -> None:
    if not logic:
        return
    for term in logic.split(" or "):
        match = TERM.fullmatch(term)
        if match is None:
            problems.append(f"{where}: branching logic term {term!r}")
            continue
        field, choice, value = match.groups()
        if field not in earlier:
            problems.append(f"{where}: branching logic on {field!r}, not an earlier field")
            continue
        kind, choices = earlier[field]
        if choice is not None:
            if kind != "checkbox" or choice not in choices or value not in ("0", "1"):
                problems.append(f"{where}: bad checkbox term {term!r}")
        elif kind not in ("radio", "dropdown") or value not in choices:
            problems.append(f"{where}: bad term {term!r}")


def test_the_validator_finds_what_redcap_refuses(tmp_path: Path) -> None:
    path = tmp_path / "broken.csv"
    rows = [
        ["Record", "f", "", "text", "Id"],
        ["Rolle", "f", "", "radio", "Rolle", "1, Læge | 1, Andet"],
        ["kanaler", "f", "", "checkbox", "Kanaler", "a, A | b, B"],
        ["x", "f", "", "slide", "", "", "", "integer"],
        ["y", "f", "", "notes", "Y", "", "", "", "", "", "", "[kanaler] = 'a' or [nej] = '1'"],
        ["z", "f", "", "notes", "Z", "", "", "", "", "", "", "[kanaler(c)] = '1'"],
        ["w", "f", "", "radio", "W", "a, A | b, B", "", "", "", "", "", "", "", "", "", "", ""],
        ["v", "f", "", "text", "V", "", "", "", "", "", "", "", "", "", "", "", "", "@HIDDEN"],
    ]
    width = len(REDCAP_COLUMNS)
    with path.open("w", encoding="utf-8", newline="") as stream:
        csv.writer(stream).writerows(
            [REDCAP_COLUMNS, *(row + [""] * (width - len(row)) for row in rows[:-2]), *rows[-2:]]
        )
    problems = "\n".join(dictionary_problems(path))
    for expected in (
        "row 2 (Record): bad variable name",
        "the first field must be the text record id",
        "row 3 (Rolle): choice '1' repeated",
        "unknown field type 'slide'",
        "row 5 (x): no label",
        "validation 'integer' on a slide field",
        "bad term \"[kanaler] = 'a'\"",
        "branching logic on 'nej', not an earlier field",
        "bad checkbox term \"[kanaler(c)] = '1'\"",
        "row 8: 17 cells",
        "row 9 (v): annotation '@HIDDEN'",
    ):
        assert expected in problems


# -- export -------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", QUESTIONNAIRES)
def test_export_follows_redcaps_rules(name: str, tmp_path: Path) -> None:
    questionnaire = QUESTIONNAIRES[name]()
    path, _ = export(questionnaire, tmp_path)
    assert dictionary_problems(path) == []
    rows = dictionary(path)
    assert tuple(rows[0]) == DICTIONARY_COLUMNS == REDCAP_COLUMNS
    assert [rows[0]["Variable / Field Name"], rows[0]["Field Type"]] == ["record_id", "text"]
    assert {row["Form Name"] for row in rows} == {questionnaire.id}
    names = [row["Variable / Field Name"] for row in rows]
    questions = [q.code for q in questionnaire.questions()]
    assert names == ["record_id", "intro", *questions]  # codes are already lower-case names
    assert all(name == name.lower() for name in names)


def test_every_kind_dictionary(tmp_path: Path) -> None:
    path, warnings = export(every_kind_questionnaire(), tmp_path)
    rows = by_name(path)
    assert rows["intro"]["Field Type"] == "descriptive"
    assert rows["intro"]["Field Label"] == "Tak fordi du vil svare. Det tager fem minutter."
    rolle = rows["rolle"]
    assert (rolle["Section Header"], rolle["Field Type"], rolle["Required Field?"]) == (
        "Om dig",
        "radio",
        "y",
    )
    assert rolle["Choices, Calculations, OR Slider Labels"] == (
        "laege, Praktiserende læge | uddannelseslaege, Uddannelseslæge | andet, Andet"
    )
    assert rows["rolle_andet"]["Field Type"] == "notes"
    assert rows["rolle_andet"]["Branching Logic (Show field only if...)"] == "[rolle] = 'andet'"
    number = rows["aar_i_praksis"]
    assert (
        number["Field Type"],
        number["Text Validation Type OR Show Slider Number"],
        number["Text Validation Min"],
        number["Text Validation Max"],
        number["Required Field?"],
    ) == ("text", "number", "0", "60", "")
    info = rows["info"]
    assert (info["Field Type"], info["Section Header"]) == (
        "descriptive",
        "Samarbejdet med akutfunktionen",
    )
    assert rows["tilfreds"]["Field Type"] == "radio"
    assert rows["tilfreds"]["Choices, Calculations, OR Slider Labels"] == (
        "1, Meget uenig | 2, Uenig | 3, Hverken enig eller uenig | 4, Enig | 5, Meget enig"
        " | ved_ikke, Ved ikke"
    )
    kanaler = rows["kanaler"]
    assert kanaler["Field Type"] == "checkbox"
    assert kanaler["Field Annotation"] == "@NONEOFTHEABOVE='ingen'"
    assert kanaler["Choices, Calculations, OR Slider Labels"].startswith("telefon, Telefon | ")
    assert rows["telefon_tid"]["Branching Logic (Show field only if...)"] == (
        "[kanaler(telefon)] = '1'"
    )
    assert rows["telefon_tid"]["Text Validation Max"] == ""
    assert rows["forbedring"]["Branching Logic (Show field only if...)"] == (
        "[tilfreds] = '1' or [tilfreds] = '2'"
    )
    assert rows["forbedring"]["Field Label"] == "Hvad kan gøres bedre? Skriv gerne æ, ø og å."
    assert warnings == [
        "REDCap takes a survey's title from its Survey Settings, not from the data dictionary: "
        "set the title of instrument 'alle_typer' to 'Prøveskema med alle spørgsmålstyper' there"
    ]


def test_akutfunktioner_dictionary(tmp_path: Path) -> None:
    path, warnings = export(akutfunktioner(), tmp_path)
    rows = by_name(path)
    assert len(rows) == 2 + len(list(akutfunktioner().questions()))
    ikke_henvist = rows["patientgrupper_ikke_henvist"]
    assert ikke_henvist["Field Annotation"] == "@NONEOFTHEABOVE='ingen,ved_ikke'"
    assert ikke_henvist["Field Note"] == "Sæt gerne flere kryds."
    assert ikke_henvist["Choices, Calculations, OR Slider Labels"].endswith(
        " | ingen, Nej, ingen | ved_ikke, Ved ikke"
    )
    assert rows["henvisningsvej"]["Branching Logic (Show field only if...)"] == (
        "[henvisninger_3_mdr] = '1_2' or [henvisninger_3_mdr] = '3_5' "
        "or [henvisninger_3_mdr] = 'over_5'"
    )
    assert rows["henvisningsvej"]["Section Header"] == "Henvisningsprocedurer"
    assert rows["brug_0124"]["Branching Logic (Show field only if...)"] == (
        "[kendskab_0124] = 'ja'"
    )
    assert rows["kendskab_0124"]["Field Note"].startswith("Ydelsen kom med OK22")
    assert rows["forslag"]["Field Type"] == "notes"
    assert rows["forslag"]["Required Field?"] == ""
    assert len(warnings) == 2
    assert "Survey Settings" in warnings[0]
    assert warnings[1].endswith(
        "some statistics programs cut long names): patientgrupper_ikke_henvist"
    )


def odd_questionnaire() -> Questionnaire:
    """Codes REDCap cannot take as they are, a '<' and brackets in texts, a section text."""
    return Questionnaire(
        id="Lokal-Udgave",
        title="Lokalt skema",
        sections=(
            Section(
                "Første",
                "Første del",
                (
                    Question(
                        "Åbningstid",
                        "Er åbningstiden <8 timer eller [mere]?",
                        QuestionKind.SINGLE_CHOICE,
                        options=(Option("Ja", "Ja"), Option("ved.ikke", "Ved ikke")),
                    ),
                    Question(
                        "2.kanal",
                        "Andre kanaler",
                        QuestionKind.MULTIPLE_CHOICE,
                        options=(Option("Fax", "Fax"), Option("Ingen", "Ingen", exclusive=True)),
                        show_if=Condition("Åbningstid", ("Ja",)),
                    ),
                    Question(
                        "Note",
                        "Tak.",
                        QuestionKind.NOTE,
                        help="Næste side handler om tid.",
                        show_if=Condition("2.kanal", ("Fax",)),
                    ),
                    Question("Timer", "Timer", QuestionKind.NUMBER, minimum=0.5, maximum=7.5),
                ),
                description="Om åbningstiden.",
            ),
        ),
    )


def test_codes_are_made_safe_and_mapped_back(tmp_path: Path) -> None:
    questionnaire = odd_questionnaire()
    path, warnings = export(questionnaire, tmp_path)
    assert dictionary_problems(path) == []
    rows = by_name(path)
    assert list(rows) == ["record_id", "aabningstid", "q2_kanal", "note", "timer"]
    assert {row["Form Name"] for row in rows.values()} == {"lokal_udgave"}
    first = rows["aabningstid"]
    assert first["Section Header"] == "Første del\n\nOm åbningstiden."
    assert first["Field Label"] == "Er åbningstiden &lt;8 timer eller [mere]?"
    assert first["Choices, Calculations, OR Slider Labels"] == "ja, Ja | ved_ikke, Ved ikke"
    assert rows["q2_kanal"]["Branching Logic (Show field only if...)"] == "[aabningstid] = 'ja'"
    assert rows["q2_kanal"]["Field Annotation"] == "@NONEOFTHEABOVE='ingen'"
    assert rows["note"]["Branching Logic (Show field only if...)"] == "[q2_kanal(fax)] = '1'"
    assert rows["note"]["Field Label"] == "Tak.\n\nNæste side handler om tid."
    assert rows["note"]["Field Note"] == ""
    assert (rows["timer"]["Text Validation Min"], rows["timer"]["Text Validation Max"]) == (
        "0.5",
        "7.5",
    )
    assert warnings[1] == (
        "codes changed to follow REDCap's naming rules (imports map them back): "
        "'Åbningstid' → 'aabningstid', '2.kanal' → 'q2_kanal', 'Note' → 'note', "
        "'Timer' → 'timer', Åbningstid: 'Ja' → 'ja', Åbningstid: 'ved.ikke' → 'ved_ikke', "
        "2.kanal: 'Fax' → 'fax', 2.kanal: 'Ingen' → 'ingen'"
    )
    assert warnings[2] == (
        "REDCap reads square brackets in texts as piping and may replace these: [mere]"
    )
    assert not any("26 characters" in w for w in warnings)

    header = ["record_id", "aabningstid", "q2_kanal___fax", "q2_kanal___ingen", "timer"]
    source = write_table(
        tmp_path / "records.csv",
        [*header, "lokal_udgave_complete"],
        [["a", "ja", "1", "0", "2,5", "2"], ["b", "ved_ikke", "0", "0", "", "2"]],
        delimiter=";",
    )
    result = PLATFORM.import_responses(source, questionnaire, {})
    assert result.skipped == ()
    assert result.responses.responses == (
        Response("a", {"Åbningstid": "Ja", "2.kanal": ("Fax",), "Timer": 2.5}),
        Response("b", {"Åbningstid": "ved.ikke"}),
    )


def test_the_form_can_be_named(tmp_path: Path) -> None:
    questionnaire = every_kind_questionnaire()
    path, warnings = export(questionnaire, tmp_path, form="Spørgeskema 2025")
    assert {row["Form Name"] for row in dictionary(path)} == {"spoergeskema_2025"}
    assert "instrument 'spoergeskema_2025'" in warnings[0]
    header, rows = record_table(questionnaire, synthetic_responses(questionnaire, 3))
    header[-1] = "spoergeskema_2025_complete"
    source = write_table(tmp_path / "records.csv", header, rows)
    result = PLATFORM.import_responses(source, questionnaire, {"form": "Spørgeskema 2025"})
    assert (len(result.responses.responses), result.warnings) == (3, ())


def with_question(questionnaire: Questionnaire, question: Question) -> Questionnaire:
    first = questionnaire.sections[0]
    section = attrs.evolve(first, questions=(*first.questions, question))
    return attrs.evolve(questionnaire, sections=(section, *questionnaire.sections[1:]))


@pytest.mark.parametrize(
    ("question", "message"),
    [
        (
            Question(
                "valg",
                "Valg",
                QuestionKind.SINGLE_CHOICE,
                options=(Option("a", "Ja | måske"), Option("b", "Nej")),
            ),
            "'valg', option 'a': REDCap separates choices with '|' and line breaks",
        ),
        (
            Question(
                "valg",
                "Valg",
                QuestionKind.SINGLE_CHOICE,
                options=(Option("a", "Ja\nmåske"), Option("b", "Nej")),
            ),
            "cannot hold them; reword the label",
        ),
        (
            Question("record_id", "Id", QuestionKind.TEXT),
            "question 'record_id' would be REDCap's 'record_id', which is REDCap's record id",
        ),
        (
            Question("alle_typer_complete", "Færdig?", QuestionKind.TEXT),
            "'alle_typer_complete', which is the form status",
        ),
        (
            Question("redcap_event", "Begivenhed", QuestionKind.TEXT),
            "names starting with 'redcap_'",
        ),
        (Question("Rolle", "Rolle igen", QuestionKind.TEXT), "'rolle' and 'Rolle' both become"),
        (
            Question("kanaler___telefon", "Telefon", QuestionKind.TEXT),
            "'kanaler___telefon' and 'kanaler' both give the REDCap export column",
        ),
    ],
)
def test_what_redcap_cannot_hold_is_an_error(
    question: Question, message: str, tmp_path: Path
) -> None:
    questionnaire = with_question(every_kind_questionnaire(), question)
    path = tmp_path / "x.csv"
    with pytest.raises(PlatformError, match=re.escape(message)):
        PLATFORM.export_questionnaire(questionnaire, path, {})
    assert not path.exists()


def test_an_intro_question_moves_the_introduction(tmp_path: Path) -> None:
    questionnaire = with_question(
        every_kind_questionnaire(), Question("intro", "Hvordan hørte du om os?", QuestionKind.TEXT)
    )
    path, _ = export(questionnaire, tmp_path)
    assert dictionary_problems(path) == []
    rows = by_name(path)
    assert rows["intro_1"]["Field Type"] == "descriptive"
    assert rows["intro"]["Field Type"] == "notes"
    without = attrs.evolve(every_kind_questionnaire(), introduction="")
    path, _ = export(without, tmp_path)
    assert "intro" not in by_name(path)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"sheet": "x"}, "unknown REDCap option sheet (options: form: "),
        ({"form": " "}, "the option form needs a name"),
        ({"include_incomplete": "måske"}, "include_incomplete is yes or no, not 'måske'"),
    ],
)
def test_options_are_checked(options: dict[str, str], message: str, tmp_path: Path) -> None:
    questionnaire = every_kind_questionnaire()
    source = FIXTURES / "alle_typer_records.csv"
    with pytest.raises(PlatformError, match=re.escape(message)):
        PLATFORM.import_responses(source, questionnaire, options)
    if "include_incomplete" not in options:
        with pytest.raises(PlatformError, match=re.escape(message)):
            PLATFORM.export_questionnaire(questionnaire, tmp_path / "x.csv", options)


# -- record exports ---------------------------------------------------------------------------


def record_table(
    questionnaire: Questionnaire, responses: ResponseSet, *, decimal_comma: bool = False
) -> tuple[list[str], list[list[str]]]:
    """A raw REDCap record export as REDCap documents it, for questionnaires whose codes are
    already REDCap names: record_id, one column per field, ``field___choice`` per checkbox
    (1/0), ``<form>_complete`` (2 = Complete)."""
    questions = [q for q in questionnaire.questions() if q.kind is not QuestionKind.NOTE]
    header = ["record_id"]
    for question in questions:
        if question.kind is QuestionKind.MULTIPLE_CHOICE:
            header.extend(f"{question.code}___{option.code}" for option in question.options)
        else:
            header.append(question.code)
    header.append(f"{questionnaire.id}_complete")
    assert all(NAME.fullmatch(column.replace("___", "_")) for column in header)
    rows = []
    for response in responses.responses:
        row = [response.respondent]
        for question in questions:
            answer = response.answers.get(question.code)
            if question.kind is QuestionKind.MULTIPLE_CHOICE:
                chosen = answer if isinstance(answer, tuple) else ()
                row.extend("1" if option.code in chosen else "0" for option in question.options)
            else:
                row.append(_cell(answer, decimal_comma))
        row.append("2")
        rows.append(row)
    return header, rows


def _cell(answer: Answer | None, decimal_comma: bool) -> str:
    if answer is None:
        return ""
    if isinstance(answer, float) and decimal_comma:
        return str(answer).replace(".", ",")
    return str(answer)


def write_table(
    path: Path,
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    encoding: str = "utf-8",
    delimiter: str = ",",
) -> Path:
    with path.open("w", encoding=encoding, newline="") as stream:
        csv.writer(stream, delimiter=delimiter).writerows([header, *rows])
    return path


def with_decimals(responses: ResponseSet) -> ResponseSet:
    """Some waiting times in half minutes, to try decimal points and commas."""
    changed = []
    for index, response in enumerate(responses.responses):
        answers = dict(response.answers)
        if "telefon_tid" in answers and index % 2:
            answers["telefon_tid"] = answers["telefon_tid"] + 0.5  # type: ignore[operator]
        changed.append(attrs.evolve(response, answers=answers))
    return attrs.evolve(responses, responses=tuple(changed))


@pytest.mark.parametrize("name", QUESTIONNAIRES)
@pytest.mark.parametrize(
    ("encoding", "delimiter", "decimal_comma"),
    [("utf-8", ",", False), ("utf-8-sig", ";", True), ("cp1252", ";", True)],
)
def test_round_trip(
    name: str, encoding: str, delimiter: str, decimal_comma: bool, tmp_path: Path
) -> None:
    questionnaire = QUESTIONNAIRES[name]()
    expected = with_decimals(synthetic_responses(questionnaire, 60, seed=7))
    assert any(isinstance(a, float) for r in expected.responses for a in r.answers.values()) == (
        name == "alle_typer"
    )
    header, rows = record_table(questionnaire, expected, decimal_comma=decimal_comma)
    source = write_table(
        tmp_path / "records.csv", header, rows, encoding=encoding, delimiter=delimiter
    )
    result = PLATFORM.import_responses(source, questionnaire, {})
    assert result == ResponseImport(attrs.evolve(expected, platform="redcap"))


def test_fixture_export_with_survey_columns() -> None:
    result = PLATFORM.import_responses(
        FIXTURES / "alle_typer_records.csv", every_kind_questionnaire(), {}
    )
    assert result.responses == ResponseSet(
        "alle_typer",
        (
            Response(
                "1",
                {
                    "rolle": "laege",
                    "aar_i_praksis": 12,
                    "tilfreds": "4",
                    "kanaler": ("telefon", "henvisning"),
                    "telefon_tid": 5,
                },
            ),
            Response(
                "2",
                {
                    "rolle": "andet",
                    "rolle_andet": "Praksiskoordinator",
                    "tilfreds": "1",
                    "kanaler": ("ingen",),
                    "forbedring": 'Hurtigere svar; og "mere" kontinuitet,\nogså om natten – æøå',
                },
            ),
            Response(
                "4",
                {
                    "rolle": "laege",
                    "aar_i_praksis": 7.5,
                    "tilfreds": "ved_ikke",
                    "kanaler": ("telefon", "korrespondance"),
                    "telefon_tid": 3,
                },
            ),
        ),
        platform="redcap",
    )
    assert result.skipped == (
        SkippedRow(
            4,
            "form status 0 (Incomplete): not a finished response; the option "
            "include_incomplete=yes imports it anyway",
        ),
    )
    assert result.warnings == (
        "columns not in the questionnaire, ignored: redcap_survey_identifier, alle_typer_timestamp",
    )


def test_incomplete_responses_on_request(tmp_path: Path) -> None:
    questionnaire = every_kind_questionnaire()
    source = FIXTURES / "alle_typer_records.csv"
    result = PLATFORM.import_responses(source, questionnaire, {"include_incomplete": "yes"})
    assert [r.respondent for r in result.responses.responses] == ["1", "2", "4"]
    # Record 3 is then checked like any other row: it left required questions unanswered.
    (skipped,) = result.skipped
    assert skipped.row == 4
    assert "tilfreds: required, but not answered" in skipped.reason
    assert "kanaler: required, but not answered" in skipped.reason

    header, rows = record_table(questionnaire, synthetic_responses(questionnaire, 4))
    for row, status in zip(rows, ["1", "", "9", "2"], strict=True):
        row[-1] = status
    result = PLATFORM.import_responses(
        write_table(tmp_path / "r.csv", header, rows), questionnaire, {}
    )
    assert [s.row for s in result.skipped] == [2, 3, 4]
    assert "form status 1 (Unverified)" in result.skipped[0].reason
    assert "form status 0 (Incomplete)" in result.skipped[1].reason
    assert result.skipped[2].reason == "form status '9' is not 0, 1 or 2"
    assert len(result.responses.responses) == 1

    without_status = write_table(tmp_path / "s.csv", header[:-1], [row[:-1] for row in rows])
    result = PLATFORM.import_responses(without_status, questionnaire, {})
    assert len(result.responses.responses) == 4
    assert result.warnings == (
        "no 'alle_typer_complete' column: every row is read as a finished response",
    )


# -- the six bad inputs -----------------------------------------------------------------------


@pytest.fixture
def every_kind_rows() -> tuple[Questionnaire, list[str], list[list[str]], ResponseSet]:
    questionnaire = every_kind_questionnaire()
    responses = synthetic_responses(questionnaire, 8, seed=3)
    header, rows = record_table(questionnaire, responses)
    return questionnaire, header, rows, responses


def set_cell(header: list[str], row: list[str], column: str, value: str) -> None:
    row[header.index(column)] = value


def test_unknown_option_codes(every_kind_rows, tmp_path: Path) -> None:
    questionnaire, header, rows, _ = every_kind_rows
    set_cell(header, rows[0], "rolle", "7")
    set_cell(header, rows[1], "kanaler___telefon", "ja")
    header = [*header[:-1], "kanaler___fax", header[-1]]
    rows = [[*row[:-1], "1" if index == 2 else "0", row[-1]] for index, row in enumerate(rows)]
    result = PLATFORM.import_responses(
        write_table(tmp_path / "r.csv", header, rows), questionnaire, {}
    )
    assert result.skipped[:3] == (
        SkippedRow(2, "rolle: '7' is not one of ['andet', 'laege', 'uddannelseslaege']"),
        SkippedRow(3, "kanaler___telefon: 'ja' is not 1 (checked) or 0 (unchecked)"),
        SkippedRow(4, "kanaler: unknown option codes ['fax']"),
    )
    assert len(result.responses.responses) == 5
    assert result.warnings == ("columns not in the questionnaire, ignored: kanaler___fax",)


def test_answer_to_a_question_not_shown(every_kind_rows, tmp_path: Path) -> None:
    questionnaire, header, rows, responses = every_kind_rows
    index = next(i for i, r in enumerate(responses.responses) if r.answers["rolle"] != "andet")
    set_cell(header, rows[index], "rolle_andet", "Sekretær")
    result = PLATFORM.import_responses(
        write_table(tmp_path / "r.csv", header, rows), questionnaire, {}
    )
    assert result.skipped == (
        SkippedRow(
            index + 2,
            "rolle_andet: answered, but not shown: it is asked only when 'rolle' is 'andet'",
        ),
    )


def test_missing_required_answer(every_kind_rows, tmp_path: Path) -> None:
    questionnaire, header, rows, _ = every_kind_rows
    set_cell(header, rows[0], "tilfreds", "")
    for column in header:
        if column.startswith("kanaler___"):
            set_cell(header, rows[1], column, "0")
    result = PLATFORM.import_responses(
        write_table(tmp_path / "r.csv", header, rows), questionnaire, {}
    )
    assert result.skipped[0] == SkippedRow(2, "tilfreds: required, but not answered")
    assert result.skipped[1].row == 3
    assert "kanaler: required, but not answered" in result.skipped[1].reason
    assert len(result.responses.responses) == 6


def test_duplicate_respondent(every_kind_rows, tmp_path: Path) -> None:
    questionnaire, header, rows, _ = every_kind_rows
    rows[5][0] = rows[1][0]
    rows[6][0] = " "
    result = PLATFORM.import_responses(
        write_table(tmp_path / "r.csv", header, rows), questionnaire, {}
    )
    assert result.skipped == (
        SkippedRow(7, "respondent 'r00002' again (first in row 3)"),
        SkippedRow(8, "no respondent id"),
    )


def test_encodings(every_kind_rows, tmp_path: Path) -> None:
    questionnaire, header, rows, _ = every_kind_rows
    set_cell(header, rows[0], "rolle", "andet")
    set_cell(header, rows[0], "rolle_andet", "Lægesekretær – på øen")
    latin = write_table(tmp_path / "latin.csv", header, rows, encoding="cp1252", delimiter=";")
    result = PLATFORM.import_responses(latin, questionnaire, {})
    assert result.skipped == ()
    assert result.responses.responses[0].answers["rolle_andet"] == "Lægesekretær – på øen"

    utf16 = tmp_path / "utf16.csv"
    utf16.write_bytes(latin.read_text("cp1252").encode("utf-16-le"))
    with pytest.raises(PlatformError, match="UTF-16 without a byte-order mark"):
        PLATFORM.import_responses(utf16, questionnaire, {})

    undefined = tmp_path / "undefined.csv"
    undefined.write_bytes(latin.read_bytes().replace(b"\xe6", b"\x81"))  # no cp1252 character
    with pytest.raises(PlatformError, match="not UTF-8, UTF-16 or Windows-1252 text"):
        PLATFORM.import_responses(undefined, questionnaire, {})

    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"\r\n")
    with pytest.raises(PlatformError, match="empty file"):
        PLATFORM.import_responses(empty, questionnaire, {})


def test_extra_columns_and_cells(every_kind_rows, tmp_path: Path) -> None:
    questionnaire, header, rows, responses = every_kind_rows
    header = ["record_id", "redcap_survey_identifier", *header[1:], "andet_skema_complete"]
    rows = [[row[0], "", *row[1:], "0"] for row in rows]
    rows[3].append("overskydende")
    result = PLATFORM.import_responses(
        write_table(tmp_path / "r.csv", header, rows), questionnaire, {}
    )
    assert result.warnings == (
        "columns not in the questionnaire, ignored: redcap_survey_identifier, andet_skema_complete",
    )
    assert result.skipped == (SkippedRow(5, "15 cells, but the header has 14 columns"),)
    assert result.responses.responses == tuple(
        r for i, r in enumerate(responses.responses) if i != 3
    )


def test_missing_columns(every_kind_rows, tmp_path: Path) -> None:
    questionnaire, header, rows, _ = every_kind_rows
    keep = [i for i, column in enumerate(header) if column not in ("aar_i_praksis", "forbedring")]
    source = write_table(
        tmp_path / "r.csv", [header[i] for i in keep], [[row[i] for i in keep] for row in rows]
    )
    result = PLATFORM.import_responses(source, questionnaire, {})
    assert result.warnings == (
        "columns missing from the export, read as unanswered: aar_i_praksis, forbedring",
    )
    assert len(result.responses.responses) == 8


def test_labels_export_and_bad_numbers(every_kind_rows, tmp_path: Path) -> None:
    questionnaire, header, rows, _ = every_kind_rows
    labels = ["Respondent-id", *header[1:]]
    with pytest.raises(PlatformError, match=re.escape("(raw data)")):
        PLATFORM.import_responses(write_table(tmp_path / "l.csv", labels, rows), questionnaire, {})
    twice = [*header[:-1], "rolle"]
    with pytest.raises(PlatformError, match="columns named more than once: rolle"):
        PLATFORM.import_responses(write_table(tmp_path / "t.csv", twice, rows), questionnaire, {})
    set_cell(header, rows[0], "aar_i_praksis", "mange")
    result = PLATFORM.import_responses(
        write_table(tmp_path / "n.csv", header, rows), questionnaire, {}
    )
    assert result.skipped == (SkippedRow(2, "aar_i_praksis: expected a number, got 'mange'"),)


# -- plugin -----------------------------------------------------------------------------------


def test_registered_through_its_entry_point() -> None:
    (entry_point,) = [
        ep for ep in metadata.entry_points(group=ENTRY_POINT_GROUP) if ep.name == "redcap"
    ]
    assert entry_point.load() is klyngepakke_redcap
    with registered_plugins(klyngepakke_redcap) as registry:
        platform = registry.questionnaire_platform("redcap")
    assert isinstance(platform, RedcapPlatform)
    assert platform.questionnaire_suffixes == platform.response_suffixes == (".csv",)


def test_cli_export_and_import(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    dictionary_file = tmp_path / "akutfunktioner.csv"
    questionnaire = akutfunktioner()
    header, rows = record_table(questionnaire, synthetic_responses(questionnaire, 5))
    rows[4][0] = rows[0][0]
    export_file = write_table(tmp_path / "export.csv", header, rows, delimiter=";")
    with registered_plugins(klyngepakke_redcap):
        common = ["--platform", "redcap"]
        assert (
            main(
                ["questionnaire", "export", str(PACKAGE_YAML), *common, "-o", str(dictionary_file)]
            )
            == 0
        )
        responses_file = tmp_path / "svar.json"
        args = ["survey", "import", str(PACKAGE_YAML), str(export_file), *common]
        assert main([*args, "-o", str(responses_file)]) == 0
    assert dictionary_problems(dictionary_file) == []
    captured = capsys.readouterr()
    assert f"wrote {dictionary_file} (redcap)" in captured.out
    assert "klyngepakke: warning: REDCap takes a survey's title" in captured.err
    assert ": 4 responses, 1 row skipped" in captured.out
    assert "row 6: respondent 'r00001' again (first in row 2)" in captured.err
    imported = load_responses(responses_file, questionnaire.id)
    assert [r.respondent for r in imported.responses] == ["r00001", "r00002", "r00003", "r00004"]
