"""The SurveyJS platform: survey JSON out, survey results (data objects) back in."""

from __future__ import annotations

import codecs
import json
import random
import shutil
import subprocess
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import attrs
import pytest

import klyngepakke
import klyngepakke_surveyjs
from klyngepakke.conversion import load
from klyngepakke.model import (
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
from klyngepakke.testing import every_kind_questionnaire, registered_plugins, synthetic_responses
from klyngepakke_surveyjs import (
    SurveyJSPlatform,
    rating_questions,
    survey_json,
    survey_names,
    visible_if,
)

PLUGIN = Path(__file__).resolve().parents[1]
AKUT_YAML = (
    PLUGIN.parent
    / "klyngepakke-akutfunktioner"
    / "src"
    / "klyngepakke_akutfunktioner"
    / "package.yaml"
)
VALIDATE = PLUGIN / "validate"
PLATFORM = SurveyJSPlatform()


@pytest.fixture(scope="module")
def akutfunktioner() -> Questionnaire:
    questionnaire = load(AKUT_YAML, ClusterPackage).questionnaire
    assert questionnaire is not None
    return questionnaire


def export(questionnaire: Questionnaire, path: Path, **options: str) -> tuple[Any, list[str]]:
    warnings = PLATFORM.export_questionnaire(questionnaire, path, options)
    return json.loads(path.read_text(encoding="utf-8")), warnings


def elements(survey: Any) -> dict[str, dict[str, Any]]:
    return {e["name"]: e for page in survey["pages"] for e in page["elements"]}


def data_object(
    response: Response, questionnaire: Questionnaire, *, scales: str = "auto"
) -> dict[str, object]:
    """One response as the data object SurveyJS collects, with the respondent id added."""
    names = survey_names(questionnaire)
    ratings = rating_questions(questionnaire, scales)
    data: dict[str, object] = {"respondent": response.respondent}
    for code, answer in response.answers.items():
        question = questionnaire.question(code)
        choices = names.choices.get(code, {})
        if code in ratings:
            value: object = question.option(str(answer)).value
        elif isinstance(answer, tuple):
            value = [choices[c] for c in answer]
        elif question.kind.has_options:
            value = choices[str(answer)]
        else:
            value = answer
        data[names.questions[code]] = value
    return data


def write_array(path: Path, objects: Iterable[object]) -> Path:
    path.write_text(json.dumps(list(objects), ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def write_lines(path: Path, objects: Iterable[object], encoding: str = "utf-8") -> Path:
    lines = "".join(json.dumps(o, ensure_ascii=False) + "\n" for o in objects)
    path.write_bytes(lines.encode(encoding))
    return path


def imported(source: Path, questionnaire: Questionnaire, **options: str) -> ResponseImport:
    return PLATFORM.import_responses(source, questionnaire, options)


def expected(responses: ResponseSet) -> ResponseSet:
    return attrs.evolve(responses, platform="surveyjs")


# -- registration ---------------------------------------------------------------------------


def test_registered_as_surveyjs() -> None:
    with registered_plugins(klyngepakke_surveyjs):
        platform = klyngepakke.get_questionnaire_platform("surveyjs")
    assert isinstance(platform, SurveyJSPlatform)
    assert platform.questionnaire_suffixes == (".json",)
    assert platform.response_suffixes == (".json", ".jsonl")


# -- export ---------------------------------------------------------------------------------


def test_every_kind_becomes_its_surveyjs_element(tmp_path: Path) -> None:
    survey, warnings = export(every_kind_questionnaire(), tmp_path / "s.json")
    assert {k: survey[k] for k in ("locale", "title", "description")} == {
        "locale": "da",
        "title": "Prøveskema med alle spørgsmålstyper",
        "description": "Tak fordi du vil svare. Det tager fem minutter.",
    }
    assert [(p["name"], p["title"]) for p in survey["pages"]] == [
        ("om_dig", "Om dig"),
        ("samarbejde", "Samarbejdet med akutfunktionen"),
    ]
    found = elements(survey)
    assert found["rolle"] == {
        "type": "radiogroup",
        "name": "rolle",
        "title": "Hvad er din rolle i praksis?",
        "isRequired": True,
        "choices": [
            {"value": "laege", "text": "Praktiserende læge"},
            {"value": "uddannelseslaege", "text": "Uddannelseslæge"},
            {"value": "andet", "text": "Andet"},
        ],
    }
    assert found["rolle_andet"] == {
        "type": "comment",
        "name": "rolle_andet",
        "title": "Hvilken rolle har du?",
        "visibleIf": "{rolle} = 'andet'",
        "isRequired": True,
    }
    assert found["aar_i_praksis"] == {
        "type": "text",
        "name": "aar_i_praksis",
        "title": "Hvor mange år har du arbejdet i almen praksis?",
        "inputType": "number",
        "min": 0,
        "max": 60,
    }
    assert found["info"] == {
        "type": "html",
        "name": "info",
        "html": "<p>De næste spørgsmål handler om de seneste tre måneder.</p>",
    }
    # a scale with "ved ikke" is a radiogroup holding every option, in order
    assert found["tilfreds"]["type"] == "radiogroup"
    assert [c["value"] for c in found["tilfreds"]["choices"]] == [
        "1",
        "2",
        "3",
        "4",
        "5",
        "ved_ikke",
    ]
    assert found["kanaler"]["type"] == "checkbox"
    assert found["kanaler"]["isRequired"] is True
    assert found["kanaler"]["choices"][-1] == {
        "value": "ingen",
        "text": "Jeg kontakter den ikke",
        "isExclusive": True,
    }
    assert not any("isExclusive" in c for c in found["kanaler"]["choices"][:-1])
    assert found["telefon_tid"]["visibleIf"] == "{kanaler} contains 'telefon'"
    assert "max" not in found["telefon_tid"]
    assert found["forbedring"]["type"] == "comment"
    assert found["forbedring"]["visibleIf"] == "{tilfreds} anyof ['1', '2']"
    assert len(warnings) == 1
    assert "tilfreds" in warnings[0]
    assert "radio buttons" in warnings[0]


def test_the_file_is_readable_utf8_json(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    PLATFORM.export_questionnaire(every_kind_questionnaire(), path, {})
    text = path.read_bytes().decode("utf-8")
    assert "Prøveskema" in text  # not \u00f8
    assert text.endswith("}\n")
    assert text.startswith('{\n  "locale": "da",')


def scale(code: str, *, ved_ikke: bool = False, **fields: Any) -> Question:
    options = [Option(str(v), label, v) for v, label in enumerate(("Dårlig", "Middel", "God"), 1)]
    if ved_ikke:
        options.append(Option("ved_ikke", "Ved ikke"))
    return Question(code, f"Hvordan er {code}?", QuestionKind.SCALE, tuple(options), **fields)


def choice(code: str, kind: QuestionKind = QuestionKind.SINGLE_CHOICE, **fields: Any) -> Question:
    options = (Option("a", "Æble"), Option("b", "Banan"), Option("c", "Citron"))
    return Question(code, f"Hvad med {code}?", kind, options, **fields)


def one_section(*questions: Question, **fields: Any) -> Questionnaire:
    return Questionnaire("proeve", "Prøve", (Section("del", "Del", questions),), **fields)


def test_a_scale_without_ved_ikke_is_a_rating(tmp_path: Path) -> None:
    questionnaire = one_section(
        scale("kvalitet", required=True, help="Tænk på det seneste år."),
        Question("hvorfor", "Hvorfor?", QuestionKind.TEXT, show_if=Condition("kvalitet", ("1",))),
        Question("bedre", "Bedre?", QuestionKind.TEXT, show_if=Condition("kvalitet", ("2", "3"))),
    )
    survey, warnings = export(questionnaire, tmp_path / "s.json")
    found = elements(survey)
    assert found["kvalitet"] == {
        "type": "rating",
        "name": "kvalitet",
        "title": "Hvordan er kvalitet?",
        "description": "Tænk på det seneste år.",
        "isRequired": True,
        "rateValues": [
            {"value": 1, "text": "Dårlig"},
            {"value": 2, "text": "Middel"},
            {"value": 3, "text": "God"},
        ],
    }
    assert found["hvorfor"]["visibleIf"] == "{kvalitet} = 1"
    assert found["bedre"]["visibleIf"] == "{kvalitet} anyof [2, 3]"
    assert warnings == []


def test_scales_option_lists_every_scale(tmp_path: Path) -> None:
    questionnaire = one_section(
        scale("kvalitet"),
        scale("tempo", ved_ikke=True),
        Question("hvorfor", "Hvorfor?", QuestionKind.TEXT, show_if=Condition("kvalitet", ("1",))),
    )
    survey, warnings = export(questionnaire, tmp_path / "s.json", scales="radiogroup")
    found = elements(survey)
    assert found["kvalitet"]["type"] == found["tempo"]["type"] == "radiogroup"
    assert found["hvorfor"]["visibleIf"] == "{kvalitet} = '1'"
    assert warnings == []
    survey, warnings = export(questionnaire, tmp_path / "auto.json")
    assert [elements(survey)[q]["type"] for q in ("kvalitet", "tempo")] == ["rating", "radiogroup"]
    assert "tempo" in warnings[0]
    assert "scales=radiogroup" in warnings[0]


def test_unknown_or_wrong_options_are_errors(tmp_path: Path) -> None:
    questionnaire = every_kind_questionnaire()
    with pytest.raises(PlatformError, match=r"unknown option lokale .*options here: scales"):
        PLATFORM.export_questionnaire(questionnaire, tmp_path / "s.json", {"lokale": "da"})
    with pytest.raises(PlatformError, match="scales='stars': choose one of auto, radiogroup"):
        PLATFORM.export_questionnaire(questionnaire, tmp_path / "s.json", {"scales": "stars"})
    with pytest.raises(PlatformError, match=r"unknown option scales .*options here: id_key"):
        PLATFORM.import_responses(tmp_path / "s.json", questionnaire, {"scales": "auto"})
    with pytest.raises(PlatformError, match="id_key needs a key"):
        PLATFORM.import_responses(tmp_path / "s.json", questionnaire, {"id_key": " "})


@pytest.mark.parametrize(
    ("condition", "expression"),
    [
        (Condition("enkelt", ("a",)), "{enkelt} = 'a'"),
        (Condition("enkelt", ("a", "c")), "{enkelt} anyof ['a', 'c']"),
        (Condition("flere", ("b",)), "{flere} contains 'b'"),
        (Condition("flere", ("a", "b")), "{flere} anyof ['a', 'b']"),
        (Condition("skala", ("3",)), "{skala} = 3"),
        (Condition("skala", ("1", "2")), "{skala} anyof [1, 2]"),
        (Condition("skala_vi", ("ved_ikke",)), "{skala_vi} = 'ved_ikke'"),
        (Condition("skala_vi", ("1", "ved_ikke")), "{skala_vi} anyof ['1', 'ved_ikke']"),
    ],
)
def test_visible_if(condition: Condition, expression: str) -> None:
    questionnaire = one_section(
        choice("enkelt"),
        choice("flere", QuestionKind.MULTIPLE_CHOICE),
        scale("skala"),
        scale("skala_vi", ved_ikke=True),
        Question("svar", "Svar", QuestionKind.TEXT, show_if=condition),
    )
    names = survey_names(questionnaire)
    ratings = rating_questions(questionnaire)
    assert visible_if(questionnaire.question("svar"), questionnaire, names, ratings) == expression


def test_visible_if_carries_the_conditions_of_the_question_it_looks_at() -> None:
    questionnaire = one_section(
        choice("forste"),
        choice("anden", QuestionKind.MULTIPLE_CHOICE, show_if=Condition("forste", ("a", "b"))),
        scale("tredje", show_if=Condition("anden", ("c",))),
        Question("fjerde", "Fire", QuestionKind.NOTE, show_if=Condition("tredje", ("3",))),
    )
    names = survey_names(questionnaire)
    ratings = rating_questions(questionnaire)
    assert visible_if(questionnaire.question("fjerde"), questionnaire, names, ratings) == (
        "{tredje} = 3 and {anden} contains 'c' and {forste} anyof ['a', 'b']"
    )
    assert visible_if(questionnaire.question("forste"), questionnaire, names, ratings) == ""


def test_akutfunktioner_nested_condition(tmp_path: Path, akutfunktioner: Questionnaire) -> None:
    survey, warnings = export(akutfunktioner, tmp_path / "s.json")
    found = elements(survey)
    assert found["tilbagemelding_tilfreds"]["visibleIf"] == (
        "{tilbagemelding_afslutning} anyof ['2', '3', '4', '5'] and "
        "{henvisninger_3_mdr} anyof ['1_2', '3_5', 'over_5']"
    )
    exclusive = [
        c["value"] for c in found["patientgrupper_ikke_henvist"]["choices"] if "isExclusive" in c
    ]
    assert exclusive == ["ingen", "ved_ikke"]  # several exclusive options, each its own
    assert found["kendskab_akutfunktion"]["type"] == "rating"
    assert found["samarbejde_samlet"]["type"] == "radiogroup"
    assert len(found) == 20
    assert len(warnings) == 1


def test_codes_become_safe_names_and_come_back(tmp_path: Path) -> None:
    questionnaire = Questionnaire(
        "navne",
        "Navne",
        (
            Section(
                "rolle",  # a page called like a question is renamed: pages share the namespace
                "Rolle",
                (
                    Question(
                        "rolle",
                        "Rolle?",
                        QuestionKind.SINGLE_CHOICE,
                        (Option("læge", "Læge"), Option("2.-års", "Andet års")),
                    ),
                    Question(
                        "2_års",
                        "Hvor mange år?",
                        QuestionKind.NUMBER,
                        show_if=Condition("rolle", ("læge",)),
                    ),
                ),
            ),
        ),
    )
    survey, warnings = export(questionnaire, tmp_path / "s.json")
    assert survey["pages"][0]["name"] == "side_rolle"
    found = elements(survey)
    assert set(found) == {"rolle", "q2_aars"}
    assert [c["value"] for c in found["rolle"]["choices"]] == ["laege", "2.-aars"]
    assert found["q2_aars"]["visibleIf"] == "{rolle} = 'laege'"
    assert warnings == [
        "question codes that are not safe SurveyJS names are renamed (the import renames them "
        "back): '2_års' → 'q2_aars'",
        "option codes that are not safe SurveyJS choice values are renamed (the import renames "
        "them back): rolle: 'læge' → 'laege', rolle: '2.-års' → '2.-aars'",
    ]
    source = write_lines(
        tmp_path / "r.jsonl",
        [{"id": 1, "rolle": "laege", "q2_aars": "4"}, {"id": 2, "rolle": "2.-aars"}],
    )
    result = imported(source, questionnaire)
    assert result.responses.responses == (
        Response("1", {"rolle": "læge", "2_års": 4}),
        Response("2", {"rolle": "2.-års"}),
    )
    assert result.skipped == ()
    assert result.warnings == ()


def test_clashing_and_reserved_names_are_errors(tmp_path: Path) -> None:
    clash = one_section(choice("år"), choice("aar"))
    with pytest.raises(PlatformError, match="'år' and 'aar' both become 'aar'"):
        PLATFORM.export_questionnaire(clash, tmp_path / "s.json", {})
    reserved = one_section(choice("toString"))
    with pytest.raises(PlatformError, match="question 'toString': SurveyJS cannot use the name"):
        PLATFORM.export_questionnaire(reserved, tmp_path / "s.json", {})
    options = one_section(
        Question("q", "Q", QuestionKind.SINGLE_CHOICE, (Option("ø", "Ø"), Option("oe", "OE")))
    )
    with pytest.raises(PlatformError, match="question 'q': codes 'ø' and 'oe' both become"):
        PLATFORM.export_questionnaire(options, tmp_path / "s.json", {})
    assert not (tmp_path / "s.json").exists()


def test_notes_help_and_texts_people_read(tmp_path: Path) -> None:
    questionnaire = one_section(
        Question("note", "Læs <dette> & det\n\nAndet afsnit", QuestionKind.NOTE, help="Hjælp"),
        Question("hilsen", "Hej {navn}, hvordan går det?", QuestionKind.TEXT),
        introduction="",
    )
    survey, warnings = export(questionnaire, tmp_path / "s.json")
    assert "description" not in survey
    found = elements(survey)
    assert found["note"] == {
        "type": "html",
        "name": "note",
        "html": "<p>Læs &lt;dette&gt; &amp; det</p><p>Andet afsnit</p><p>Hjælp</p>",
    }
    assert warnings == [
        "SurveyJS replaces {name} in texts with the answer to that question, so these texts may "
        "not show as written: hilsen"
    ]


# -- import: round trips --------------------------------------------------------------------


@pytest.mark.parametrize("layout", ["array", "lines", "data", "lines in .json"])
def test_round_trip_every_kind(tmp_path: Path, layout: str) -> None:
    questionnaire = every_kind_questionnaire()
    responses = synthetic_responses(questionnaire, 60, seed=3)
    objects = [data_object(r, questionnaire) for r in responses.responses]
    assert any("æ" in str(o) for o in objects)
    if layout == "array":
        source = write_array(tmp_path / "r.json", objects)
    elif layout == "lines":
        source = write_lines(tmp_path / "r.jsonl", objects)
    elif layout == "data":
        source = write_array(tmp_path / "r.json", [])
        source.write_text(json.dumps({"data": objects, "count": len(objects)}), encoding="utf-8")
    else:
        source = write_lines(tmp_path / "r.json", objects)
    result = imported(source, questionnaire)
    assert result == ResponseImport(expected(responses))


def test_round_trip_akutfunktioner(tmp_path: Path, akutfunktioner: Questionnaire) -> None:
    responses = synthetic_responses(akutfunktioner, 80, seed=11)
    objects = [data_object(r, akutfunktioner) for r in responses.responses]
    assert any(isinstance(o.get("kendskab_akutfunktion"), int) for o in objects)  # ratings
    result = imported(write_array(tmp_path / "r.json", objects), akutfunktioner)
    assert result == ResponseImport(expected(responses))
    listed = [data_object(r, akutfunktioner, scales="radiogroup") for r in responses.responses]
    result = imported(write_lines(tmp_path / "r.jsonl", listed), akutfunktioner)
    assert result == ResponseImport(expected(responses))


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [("utf-8", b""), ("utf-8", codecs.BOM_UTF8), ("utf-16-le", codecs.BOM_UTF16_LE)],
)
def test_encodings_with_and_without_bom(tmp_path: Path, encoding: str, bom: bytes) -> None:
    questionnaire = every_kind_questionnaire()
    responses = synthetic_responses(questionnaire, 10, seed=5)
    objects = [data_object(r, questionnaire) for r in responses.responses]
    text = json.dumps(objects, ensure_ascii=False)
    source = tmp_path / "r.json"
    source.write_bytes(bom + text.encode(encoding))
    assert imported(source, questionnaire) == ResponseImport(expected(responses))


def test_windows_1252_is_read_with_a_warning(tmp_path: Path) -> None:
    questionnaire = every_kind_questionnaire()
    row = {"respondent": "r1", "rolle": "andet", "rolle_andet": "Læge på ø", "tilfreds": "3"}
    source = write_lines(tmp_path / "r.jsonl", [{**row, "kanaler": ["telefon"]}], "cp1252")
    result = imported(source, questionnaire)
    assert result.responses.responses[0].answers["rolle_andet"] == "Læge på ø"
    assert result.warnings == (f"{source}: not UTF-8, as JSON should be; read as Windows-1252",)


def test_values_as_other_tools_write_them(tmp_path: Path) -> None:
    questionnaire = every_kind_questionnaire()
    source = write_lines(
        tmp_path / "r.jsonl",
        [
            {
                "uuid": "u1",
                "rolle": "laege",
                "aar_i_praksis": "12,5",
                "tilfreds": 3,
                "kanaler": ["ingen"],
            },
            {
                "_id": 7,
                "rolle": "laege",
                "aar_i_praksis": 7.5,
                "tilfreds": "4",
                "kanaler": ["telefon"],
            },
            {
                "id": "x",
                "rolle": "laege",
                "aar_i_praksis": None,
                "tilfreds": "5",
                "kanaler": ["henvisning"],
            },
        ],
    )
    result = imported(source, questionnaire)
    assert result.skipped == ()
    assert [r.respondent for r in result.responses.responses] == ["u1", "7", "x"]
    first, second, third = (r.answers for r in result.responses.responses)
    assert first == {
        "rolle": "laege",
        "aar_i_praksis": 12.5,
        "tilfreds": "3",
        "kanaler": ("ingen",),
    }
    assert second["aar_i_praksis"] == 7.5
    assert second["tilfreds"] == "4"
    assert "aar_i_praksis" not in third


def test_id_key_option(tmp_path: Path) -> None:
    questionnaire = every_kind_questionnaire()
    row = {"svar_id": "s1", "id": "ikke", "rolle": "laege", "tilfreds": 2, "kanaler": ["telefon"]}
    source = write_lines(tmp_path / "r.jsonl", [row])
    result = imported(source, questionnaire, id_key="svar_id")
    assert [r.respondent for r in result.responses.responses] == ["s1"]
    assert result.warnings == (f"{source}: ignored keys that are not questions: 'id' (row 1)",)
    result = imported(source, questionnaire, id_key="nummer")
    assert result.skipped == (SkippedRow(1, "no respondent id ('nummer')"),)


# -- import: bad inputs ---------------------------------------------------------------------

GOOD = {"rolle": "laege", "tilfreds": "4", "kanaler": ["telefon"]}


def rows_file(tmp_path: Path, *rows: dict[str, object]) -> Path:
    return write_lines(tmp_path / "r.jsonl", rows)


def test_unknown_option_code(tmp_path: Path) -> None:
    source = rows_file(
        tmp_path,
        {"respondent": "r1", **GOOD},
        {"respondent": "r2", **GOOD, "rolle": "sygeplejerske"},
        {"respondent": "r3", **GOOD, "kanaler": ["telefon", "brevdue"]},
        {"respondent": "r4", **GOOD, "tilfreds": 9},
    )
    result = imported(source, every_kind_questionnaire())
    assert [r.respondent for r in result.responses.responses] == ["r1"]
    assert [s.row for s in result.skipped] == [2, 3, 4]
    assert "rolle: 'sygeplejerske' is not one of" in result.skipped[0].reason
    assert "kanaler: unknown option codes ['brevdue']" in result.skipped[1].reason
    assert result.skipped[2].reason == "tilfreds: 9 is not a point of the scale (1, 2, 3, 4, 5)"


def test_answer_to_a_question_not_shown(tmp_path: Path) -> None:
    source = rows_file(tmp_path, {"respondent": "r1", **GOOD, "rolle_andet": "Sekretær"})
    result = imported(source, every_kind_questionnaire())
    assert result.responses.responses == ()
    assert result.skipped == (
        SkippedRow(
            1, "rolle_andet: answered, but not shown: it is asked only when 'rolle' is 'andet'"
        ),
    )


def test_missing_required_answer(tmp_path: Path) -> None:
    source = rows_file(tmp_path, {"respondent": "r1", "rolle": "laege", "tilfreds": "4"})
    result = imported(source, every_kind_questionnaire())
    assert result.skipped == (SkippedRow(1, "kanaler: required, but not answered"),)


def test_duplicate_respondent_id(tmp_path: Path) -> None:
    source = rows_file(tmp_path, {"id": "r1", **GOOD}, {"id": "r2", **GOOD}, {"id": "r1", **GOOD})
    result = imported(source, every_kind_questionnaire())
    assert [r.respondent for r in result.responses.responses] == ["r1", "r2"]
    assert result.skipped == (SkippedRow(3, "respondent 'r1' again (first in row 1)"),)


def test_wrong_encoding(tmp_path: Path) -> None:
    source = tmp_path / "r.json"
    text = json.dumps([{"respondent": "r1", **GOOD, "rolle_andet": "ø"}], ensure_ascii=False)
    source.write_bytes(text.encode("utf-16-le"))  # UTF-16 without a byte-order mark
    with pytest.raises(PlatformError, match="UTF-16 without a byte-order mark"):
        imported(source, every_kind_questionnaire())


def test_extra_keys_are_reported_and_the_rows_kept(tmp_path: Path) -> None:
    source = rows_file(
        tmp_path,
        {"respondent": "r1", **GOOD, "kanaler-Comment": "x", "HappenedAt": "2024-05-01"},
        {"respondent": "r2", **GOOD, "HappenedAt": "2024-05-02"},
    )
    result = imported(source, every_kind_questionnaire())
    assert len(result.responses.responses) == 2
    assert result.skipped == ()
    assert result.warnings == (
        f"{source}: ignored keys that are not questions: 'kanaler-Comment' (row 1), "
        "'HappenedAt' (rows 1, 2)",
    )


def test_unreadable_rows_are_reported_with_their_line(tmp_path: Path) -> None:
    source = tmp_path / "r.jsonl"
    good = json.dumps({"respondent": "r1", **GOOD})
    source.write_text(
        "\n".join(
            [
                good,
                '{"respondent": "r2", "rolle": ',
                "",
                '["not", "an", "object"]',
                json.dumps({**GOOD}),
                json.dumps({"respondent": True, **GOOD}),
                json.dumps({"respondent": "r7", **GOOD, "kanaler": "telefon"}),
                json.dumps({"respondent": "r8", **GOOD, "aar_i_praksis": "mange"}),
                json.dumps({"respondent": "r9", **GOOD, "info": "svar på en note"}),
                json.dumps({"respondent": "r10", **GOOD, "forbedring": 5, "tilfreds": 1}),
            ]
        ),
        encoding="utf-8",
    )
    result = imported(source, every_kind_questionnaire())
    assert [r.respondent for r in result.responses.responses] == ["r1"]
    assert [str(s) for s in result.skipped] == [
        "row 2: not valid JSON (column 31: Expecting value)",
        "row 4: not a JSON object but an array",
        "row 5: no respondent id ('respondent' or 'id' or '_id' or 'uuid')",
        "row 6: the respondent id True is not text or a whole number",
        "row 7: kanaler: expected a list of choices, got 'telefon'",
        "row 8: aar_i_praksis: 'mange' is not a number",
        "row 9: info: a note has no answer",
        "row 10: forbedring: expected text, got 5",
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty file"),
        (b'[{"respondent": "r1",]', r"not valid JSON \(line 1, column 22: Expecting"),
        (b'{"svar": []}', "expected a JSON array of survey results .* got an object"),
        (b'"tekst"', "got a string"),
    ],
)
def test_unreadable_files(tmp_path: Path, content: bytes, message: str) -> None:
    source = tmp_path / "r.json"
    source.write_bytes(content)
    with pytest.raises(PlatformError, match=message):
        imported(source, every_kind_questionnaire())


# -- survey-core (Node.js) ------------------------------------------------------------------


def node_modules() -> Path:
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.fail("the SurveyJS validator needs Node.js and npm")
    if not (VALIDATE / "node_modules" / "survey-core").is_dir():
        subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund"], cwd=VALIDATE, check=True, timeout=300
        )
    return VALIDATE / "node_modules"


def node(script: str, *arguments: Path) -> subprocess.CompletedProcess[str]:
    node_modules()
    return subprocess.run(
        ["node", script, *map(str, arguments)],
        cwd=VALIDATE,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def hard_questionnaire() -> Questionnaire:
    """Ratings in conditions, renamed codes, a page named like a question, nested conditions."""
    return Questionnaire(
        "svaer",
        "Svær",
        (
            Section(
                "kvalitet",
                "Kvalitet",
                (
                    scale("kvalitet", required=True),
                    choice(
                        "grund",
                        QuestionKind.MULTIPLE_CHOICE,
                        show_if=Condition("kvalitet", ("1", "2")),
                    ),
                    Question(
                        "æble-antal",
                        "Hvor mange?",
                        QuestionKind.NUMBER,
                        minimum=1,
                        maximum=9.5,
                        show_if=Condition("grund", ("a",)),
                    ),
                    Question(
                        "note", "Tak", QuestionKind.NOTE, show_if=Condition("grund", ("b", "c"))
                    ),
                ),
            ),
        ),
    )


@pytest.mark.external
def test_exports_pass_survey_core(tmp_path: Path, akutfunktioner: Questionnaire) -> None:
    files = []
    for name, questionnaire, options in [
        ("akutfunktioner", akutfunktioner, {}),
        ("akutfunktioner_lister", akutfunktioner, {"scales": "radiogroup"}),
        ("alle_typer", every_kind_questionnaire(), {}),
        ("svaer", hard_questionnaire(), {}),
    ]:
        path = tmp_path / f"{name}.json"
        PLATFORM.export_questionnaire(questionnaire, path, options)
        files.append(path)
    result = node("validate.mjs", *files)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("questions checked") == len(files)
    assert "error" not in result.stdout
    assert "warning" not in result.stdout


@pytest.mark.external
def test_the_validator_reports_problems(tmp_path: Path) -> None:
    survey, _ = survey_json(every_kind_questionnaire())
    survey["pages"][0]["elements"][0]["farve"] = "rød"
    survey["pages"][0]["elements"][1]["visibleIf"] = "{rolle} = 'tandlaege'"
    path = tmp_path / "s.json"
    path.write_text(json.dumps(survey), encoding="utf-8")
    result = node("validate.mjs", path)
    assert result.returncode == 1
    assert "json error (rolle): Unknown property in class 'radiogroup': 'farve'" in result.stdout
    assert "expression/unknown-choice rolle_andet" in result.stdout


def with_stale_answers(response: Response, questionnaire: Questionnaire, seed: int) -> Response:
    """``response`` plus answers left on choice questions it hides: a respondent clicked back."""
    rng = random.Random(seed)
    shown = {q.code for q in questionnaire.shown(response.answers)}
    answers = dict(response.answers)
    for question in questionnaire.questions():
        if question.code not in shown and question.kind.has_options:
            code = rng.choice(question.options).code
            multiple = question.kind is QuestionKind.MULTIPLE_CHOICE
            answers[question.code] = (code,) if multiple else code
    return Response(response.respondent, answers)


@pytest.mark.external
@pytest.mark.parametrize("stale", [False, True], ids=["answers", "stale-answers"])
@pytest.mark.parametrize("which", ["akutfunktioner", "alle_typer", "svaer"])
def test_survey_core_shows_and_accepts_what_we_do(
    tmp_path: Path, akutfunktioner: Questionnaire, which: str, stale: bool
) -> None:
    questionnaire = {
        "akutfunktioner": akutfunktioner,
        "alle_typer": every_kind_questionnaire(),
        "svaer": hard_questionnaire(),
    }[which]
    survey_file = tmp_path / "s.json"
    PLATFORM.export_questionnaire(questionnaire, survey_file, {})
    responses = synthetic_responses(questionnaire, 60, seed=2).responses
    answered = [
        with_stale_answers(r, questionnaire, i) if stale else r for i, r in enumerate(responses)
    ]
    objects = [data_object(r, questionnaire) for r in answered]
    result = node("responses.mjs", survey_file, write_array(tmp_path / "r.json", objects))
    assert result.returncode == 0, result.stderr
    names = survey_names(questionnaire).questions
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(lines) == len(responses)
    for response, seen in zip(responses, lines, strict=True):
        shown = [names[q.code] for q in questionnaire.shown(response.answers)]
        assert seen == {"visible": shown, "errors": []}, response
