"""What every questionnaire platform shares: safe codes, checked rows, robust tables."""

from __future__ import annotations

import codecs
import csv
import io
import json
from collections.abc import Mapping
from pathlib import Path

import pytest

from klyngepakke.cli import main
from klyngepakke.conversion import dump, load_responses
from klyngepakke.hookspecs import hookimpl
from klyngepakke.model import Questionnaire, Response, ResponseSet
from klyngepakke.platforms import (
    CodeRule,
    PlatformError,
    QuestionnairePlatform,
    RawRow,
    ResponseImport,
    SkippedRow,
    collect_responses,
    platform_codes,
    safe_code,
)
from klyngepakke.tables import TableError, parse_number, read_table
from klyngepakke.testing import every_kind_questionnaire, registered_plugins, synthetic_responses

LIMESURVEY = CodeRule(allowed="A-Za-z0-9", first="A-Za-z", max_length=20)
REDCAP = CodeRule(lower=True, max_length=26)


# -- codes ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "rule", "safe"),
    [
        ("rolle", CodeRule(), "rolle"),
        ("tilfredshed_ø", CodeRule(), "tilfredshed_oe"),
        ("Åbningstid", CodeRule(), "Aabningstid"),
        ("Åbningstid", REDCAP, "aabningstid"),
        ("kendskab_akutfunktion", LIMESURVEY, "kendskabakutfunktion"),
        ("1", CodeRule(), "q1"),
        ("café-nøgle", CodeRule(), "cafe_noegle"),
    ],
)
def test_safe_code(code: str, rule: CodeRule, safe: str) -> None:
    assert safe_code(code, rule) == safe
    assert rule.is_safe(safe)


def test_long_codes_are_cut_with_a_stable_hash() -> None:
    long_a = "samarbejde_med_akutfunktionen_under_forloeb"
    long_b = "samarbejde_med_akutfunktionen_under_udskrivelse"
    a, b = safe_code(long_a, LIMESURVEY), safe_code(long_b, LIMESURVEY)
    assert len(a) == len(b) == 20
    assert a != b
    assert a == safe_code(long_a, LIMESURVEY)  # the same on every run
    assert LIMESURVEY.is_safe(a)


def test_platform_codes_refuses_a_clash() -> None:
    assert platform_codes(["a_b", "ab"], CodeRule()) == {"a_b": "a_b", "ab": "ab"}
    with pytest.raises(PlatformError, match="'a_b' and 'ab' both become 'ab'"):
        platform_codes(["a_b", "ab"], LIMESURVEY)


def test_lower_case_rule_counts_case_clashes() -> None:
    with pytest.raises(PlatformError, match="both become"):
        platform_codes(["Rolle", "rolle"], REDCAP)


# -- rows -----------------------------------------------------------------------------------


def test_collect_responses_reports_every_unusable_row() -> None:
    questionnaire = every_kind_questionnaire()
    good = {"rolle": "laege", "tilfreds": "4", "kanaler": ("telefon",), "telefon_tid": 5}
    rows = [
        RawRow(2, "r1", good),
        RawRow(3, "r2", {**good, "rolle": "sygeplejerske"}),
        RawRow(4, "r3", {**good, "rolle_andet": "Sekretær"}),
        RawRow(5, "r4", {"rolle": "laege", "kanaler": ("henvisning",)}),
        RawRow(6, "r1", good),
        RawRow(7, " ", good),
        SkippedRow(8, "not valid JSON"),
        RawRow(9, "r5", {**good, "forbedring": "", "aar_i_praksis": None}),
    ]
    result = collect_responses(questionnaire, rows, platform="prøve", warnings=["ekstra kolonne"])
    assert [r.respondent for r in result.responses.responses] == ["r1", "r5"]
    assert result.responses.platform == "prøve"
    assert result.responses.responses[1].answers == good  # blanks are no answer
    assert [(s.row, s.reason) for s in result.skipped] == [
        (3, "rolle: 'sygeplejerske' is not one of ['andet', 'laege', 'uddannelseslaege']"),
        (
            4,
            "rolle_andet: answered, but not shown: it is asked only when 'rolle' is 'andet'",
        ),
        (5, "tilfreds: required, but not answered"),
        (6, "respondent 'r1' again (first in row 2)"),
        (7, "no respondent id"),
        (8, "not valid JSON"),
    ]
    assert str(result.skipped[0]).startswith("row 3: rolle:")
    assert result.warnings == ("ekstra kolonne",)


def test_synthetic_responses_are_valid_and_deterministic() -> None:
    questionnaire = every_kind_questionnaire()
    first = synthetic_responses(questionnaire, 200, seed=3)
    assert first == synthetic_responses(questionnaire, 200, seed=3)
    assert first != synthetic_responses(questionnaire, 200, seed=4)
    assert first.problems_against(questionnaire) == []
    answered = {code for response in first.responses for code in response.answers}
    assert answered == {q.code for q in questionnaire.questions() if q.kind.value != "note"}


# -- tables ---------------------------------------------------------------------------------

ROWS = [["id", "navn", "tal"], ["1", "Åse Ørsted", "3,5"], ["2", "Bjørn", "4"]]


def write(path: Path, text: str, encoding: str, bom: bytes = b"") -> Path:
    path.write_bytes(bom + text.encode(encoding))
    return path


@pytest.mark.parametrize(
    ("encoding", "bom", "delimiter", "found"),
    [
        ("utf-8", b"", ";", "utf-8"),
        ("utf-8", codecs.BOM_UTF8, ",", "utf-8-sig"),
        ("utf-16-le", codecs.BOM_UTF16_LE, "\t", "utf-16"),
        ("utf-16-be", codecs.BOM_UTF16_BE, "\t", "utf-16"),
        ("cp1252", b"", ";", "cp1252"),
    ],
)
def test_read_table_in_the_encodings_offices_use(tmp_path, encoding, bom, delimiter, found):
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows(ROWS)
    text = buffer.getvalue()
    table = read_table(write(tmp_path / "data.csv", text, encoding, bom))
    assert table.encoding == found
    assert table.delimiter == delimiter
    assert table.header == ("id", "navn", "tal")
    assert list(table.records()) == [
        (2, {"id": "1", "navn": "Åse Ørsted", "tal": "3,5"}),
        (3, {"id": "2", "navn": "Bjørn", "tal": "4"}),
    ]


def test_read_table_pads_short_rows_and_reports_extra_cells(tmp_path):
    path = write(tmp_path / "x.csv", "a;b\n1\n2;3;overskud\n\n", "utf-8")
    table = read_table(path)
    assert list(table.records()) == [(2, {"a": "1", "b": ""}), (3, {"a": "2", "b": "3"})]
    assert list(table.extra_cells()) == [(3, 3)]


def test_read_table_errors_name_the_file(tmp_path):
    with pytest.raises(TableError, match="empty file"):
        read_table(write(tmp_path / "tom.csv", "  \n", "utf-8"))
    with pytest.raises(TableError, match="UTF-16 without a byte-order mark"):
        read_table(write(tmp_path / "u16.csv", "a;b\n1;2\n", "utf-16-le"))
    with pytest.raises(TableError, match="not valid UTF-16"):
        read_table(write(tmp_path / "bad16.csv", "", "utf-8", codecs.BOM_UTF16_LE + b"\x00\xd8"))
    with pytest.raises(TableError, match=r"mangler\.csv"):
        read_table(tmp_path / "mangler.csv")
    with pytest.raises(TableError, match="not UTF-8, UTF-16 or Windows-1252"):
        read_table(write(tmp_path / "cp.csv", "", "utf-8", b"a;b\n\x81;\xff\n"))
    with pytest.raises(TableError, match="not a readable Excel file"):
        read_table(write(tmp_path / "falsk.xlsx", "ikke excel", "utf-8"))


def test_read_table_xlsx(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Dataset"
    for row in [["id", "tal", "tom"], [1, 3.0, None], [2, 2.5, "x"], [None, None, None]]:
        sheet.append(row)
    book.create_sheet("Tom")
    path = tmp_path / "data.xlsx"
    book.save(path)
    table = read_table(path, sheet="Dataset")
    assert table.header == ("id", "tal", "tom")
    assert table.rows == (("1", "3", ""), ("2", "2.5", "x"))
    with pytest.raises(TableError, match="no sheet 'Labels'"):
        read_table(path, sheet="Labels")
    with pytest.raises(TableError, match="the sheet is empty"):
        read_table(path, sheet="Tom")


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("3,5", 3.5),
        ("3.5", 3.5),
        ("1.234,50", 1234.5),
        ("1.234.567", 1234567),
        ("-2", -2),
        (" 7 ", 7),
    ],
)
def test_parse_number(text: str, number: float) -> None:
    assert parse_number(text) == number


@pytest.mark.parametrize("text", ["", "tre", "3,5,1", "1,2.3"])
def test_parse_number_rejects(text: str) -> None:
    with pytest.raises(ValueError, match="is not a number"):
        parse_number(text)


# -- CLI: questionnaire export and survey import --------------------------------------------


class LinesPlatform(QuestionnairePlatform):
    """Question codes out; JSON objects with a respondent and answers in, one per line."""

    name = "linjer"
    questionnaire_suffixes = (".txt",)
    response_suffixes = (".jsonl",)

    def export_questionnaire(
        self, questionnaire: Questionnaire, destination: Path, options: Mapping[str, str]
    ) -> list[str]:
        destination.write_text("\n".join(q.code for q in questionnaire.questions()), "utf-8")
        return ["noter vises som almindelig tekst"] if options.get("advar") else []

    def import_responses(
        self, source: Path, questionnaire: Questionnaire, options: Mapping[str, str]
    ) -> ResponseImport:
        rows: list[RawRow | SkippedRow] = []
        for number, line in enumerate(source.read_text("utf-8").splitlines(), start=1):
            data = json.loads(line)
            answers = {k: tuple(v) if isinstance(v, list) else v for k, v in data["a"].items()}
            rows.append(RawRow(number, data["id"], answers))
        return collect_responses(questionnaire, rows, platform=self.name, warnings=["ekstra felt"])


class LinesPlugin:
    @hookimpl
    def register_questionnaire_platforms(self, register):
        register(LinesPlatform())


@pytest.fixture
def questionnaire_file(tmp_path):
    return dump(every_kind_questionnaire(), tmp_path / "skema.yaml")


def test_questionnaire_export_writes_and_warns(questionnaire_file, tmp_path, capsys):
    out = tmp_path / "skema.txt"
    with registered_plugins(LinesPlugin()):
        code = main(
            [
                "questionnaire",
                "export",
                str(questionnaire_file),
                "--platform",
                "linjer",
                "-o",
                str(out),
            ]
        )
        assert code == 0
        assert out.read_text("utf-8").splitlines()[0] == "rolle"
        again = ["questionnaire", "export", str(questionnaire_file), "--platform", "linjer"]
        assert main([*again, "-o", str(out)]) == 1  # exists, no --force
        assert main([*again, "-o", str(out), "--force", "--option", "advar=ja"]) == 0
        with pytest.raises(SystemExit) as exit:
            main([*again, "-o", str(tmp_path / "skema.csv")])
    assert exit.value.code == 2
    err = capsys.readouterr().err
    assert "klyngepakke: warning: noter vises som almindelig tekst" in err
    assert "linjer questionnaires are .txt files" in err


def test_survey_import_reports_skipped_rows_and_writes_responses(
    questionnaire_file, tmp_path, capsys
):
    source = tmp_path / "eksport.jsonl"
    good = {"rolle": "laege", "tilfreds": "2", "kanaler": ["ingen"]}
    source.write_text(
        json.dumps({"id": "a", "a": good}) + "\n" + json.dumps({"id": "a", "a": good}) + "\n",
        "utf-8",
    )
    with registered_plugins(LinesPlugin()):
        for output in ("svar.json", "svar.jsonl"):
            args = [
                "survey",
                "import",
                str(questionnaire_file),
                str(source),
                "--platform",
                "linjer",
            ]
            assert main([*args, "-o", str(tmp_path / output)]) == 0
        assert main([*args, "-o", str(tmp_path / "svar.json")]) == 1  # exists
        assert (
            main([*args[:3], str(tmp_path / "findes-ikke.jsonl"), *args[4:], "-o", "x.json"]) == 1
        )
    captured = capsys.readouterr()
    assert "wrote " in captured.out
    assert ": 1 response, 1 row skipped" in captured.out
    assert "klyngepakke: warning: ekstra felt" in captured.err
    assert "skipped" in captured.err
    assert "row 2: respondent 'a' again (first in row 1)" in captured.err
    assert "findes-ikke.jsonl: no such file" in captured.err
    expected = ResponseSet(
        "alle_typer",
        (Response("a", {"rolle": "laege", "tilfreds": "2", "kanaler": ("ingen",)}),),
        platform="linjer",
    )
    assert load_responses(tmp_path / "svar.json") == expected
    from_lines = load_responses(tmp_path / "svar.jsonl", "alle_typer")
    assert from_lines.responses == expected.responses


def test_questionnaire_commands_need_a_questionnaire(tmp_path, capsys):
    from klyngepakke.model import Agenda, AgendaItem, ClusterPackage

    bare = ClusterPackage("x", "X", "1", "Formål", Agenda((AgendaItem("A", minutes=5),), minutes=5))
    package_file = dump(bare, tmp_path / "pakke.yaml")
    agenda_file = dump(bare.programme, tmp_path / "dagsorden.yaml")
    for source, message in (
        (package_file, "has no questionnaire"),
        (agenda_file, "not a questionnaire"),
    ):
        with pytest.raises(SystemExit) as exit:
            main(["questionnaire", "export", str(source), "--platform", "x", "-o", "x.txt"])
        assert exit.value.code == 2
        assert message in capsys.readouterr().err


def test_exclusive_and_repeated_options_are_problems() -> None:
    questionnaire = every_kind_questionnaire()
    base = {"rolle": "laege", "tilfreds": "4"}
    rows = [
        RawRow(2, "a", {**base, "kanaler": ("ingen", "telefon")}),
        RawRow(3, "b", {**base, "kanaler": ("telefon", "telefon")}),
        RawRow(4, "c", {**base, "kanaler": ("ingen",)}),
    ]
    result = collect_responses(questionnaire, rows, platform="x")
    assert [r.respondent for r in result.responses.responses] == ["c"]
    assert [s.reason for s in result.skipped] == [
        "kanaler: 'ingen' rules out the other answers, got ['ingen', 'telefon']",
        "kanaler: an option code is given twice in ['telefon', 'telefon']",
    ]


def test_a_repeat_of_a_rejected_first_row_is_still_a_repeat() -> None:
    questionnaire = every_kind_questionnaire()
    good = {"rolle": "laege", "tilfreds": "4", "kanaler": ("telefon",)}
    rows = [RawRow(2, "a", {**good, "rolle": "ukendt"}), RawRow(3, "a", good)]
    result = collect_responses(questionnaire, rows, platform="x")
    assert result.responses.responses == ()
    assert [s.reason for s in result.skipped][1] == "respondent 'a' again (first in row 2)"
