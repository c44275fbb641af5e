"""Strict YAML: which scalars are not text, duplicate keys, line maps, and quoting on dump."""

from __future__ import annotations

import math
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from klyngepakke._yaml import YamlError, dump_yaml, load_yaml
from klyngepakke.errors import Problem

PROPERTY = settings(max_examples=100, deadline=None, derandomize=True, database=None)


def value_of(scalar: str) -> Any:
    data, _ = load_yaml(f"k: {scalar}\n")
    return data["k"]


# -- loading --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scalar", "expected"),
    [
        # text, although YAML 1.1 reads something else
        ("0124", "0124"),
        ("007", "007"),
        ("00", "00"),
        ("0x1F", "0x1F"),
        ("0o17", "0o17"),
        ("0b101", "0b101"),
        ("1_000", "1_000"),
        ("1:30", "1:30"),
        ("no", "no"),
        ("No", "No"),
        ("yes", "yes"),
        ("on", "on"),
        ("off", "off"),
        ("y", "y"),
        ("tRue", "tRue"),
        ("2024-04-01", "2024-04-01"),
        ("2024-04-01T16:00:00", "2024-04-01T16:00:00"),
        ("=", "="),
        ("<<", "<<"),
        ("NaN", "NaN"),
        ("inf", "inf"),
        ("1e", "1e"),
        ("e5", "e5"),
        (".", "."),
        ("173,06", "173,06"),
        ("11.05-11.15", "11.05-11.15"),
        ("'12'", "12"),
        ('"true"', "true"),
        ("!!str 0124", "0124"),
        # integers
        ("12", 12),
        ("0", 0),
        ("-3", -3),
        ("+3", 3),
        ("-0", 0),
        ("123456789012345678901234567890", 123456789012345678901234567890),
        # floats
        ("1.5", 1.5),
        ("-1.5", -1.5),
        ("5.", 5.0),
        (".5", 0.5),
        ("0.0", 0.0),
        ("1e5", 100000.0),
        ("1E5", 100000.0),
        ("1.0e+5", 100000.0),
        ("2.5e-3", 0.0025),
        ("1.e3", 1000.0),
        (".inf", math.inf),
        ("+.Inf", math.inf),
        ("-.INF", -math.inf),
        # booleans and null
        ("true", True),
        ("True", True),
        ("TRUE", True),
        ("false", False),
        ("False", False),
        ("FALSE", False),
        ("null", None),
        ("Null", None),
        ("NULL", None),
        ("~", None),
        ("", None),
        ("!!null ''", None),
    ],
)
def test_strict_scalars(scalar: str, expected: Any) -> None:
    value = value_of(scalar)
    assert value == expected
    assert type(value) is type(expected)


@pytest.mark.parametrize("scalar", [".nan", ".NaN", ".NAN"])
def test_nan(scalar: str) -> None:
    assert math.isnan(value_of(scalar))


def test_keys_are_always_text() -> None:
    data, _ = load_yaml("0124: a\ntrue: b\n~: c\n12: d\n1.5: e\n'x': f\n")
    assert data == {"0124": "a", "true": "b", "~": "c", "12": "d", "1.5": "e", "x": "f"}


def test_line_map() -> None:
    text = """\
schema_version: 1
programme:
  minutes: 150
  items:
    - title: Introduktion
      minutes: 10

    - title: Blok 1
      points: [a,
        b]
    - Pause
"""
    data, lines = load_yaml(text)
    assert data["programme"]["items"][1]["points"] == ["a", "b"]
    assert lines == {
        (): 1,
        ("schema_version",): 1,
        ("programme",): 2,
        ("programme", "minutes"): 3,
        ("programme", "items"): 4,
        ("programme", "items", 0): 5,
        ("programme", "items", 0, "title"): 5,
        ("programme", "items", 0, "minutes"): 6,
        ("programme", "items", 1): 8,
        ("programme", "items", 1, "title"): 8,
        ("programme", "items", 1, "points"): 9,
        ("programme", "items", 1, "points", 0): 9,
        ("programme", "items", 1, "points", 1): 10,
        ("programme", "items", 2): 11,
    }


def test_line_map_of_block_text_is_the_key_line() -> None:
    data, lines = load_yaml("a: 1\nbody: |\n  første linje\n  anden linje\nc: 2\n")
    assert data["body"] == "første linje\nanden linje\n"
    assert lines[("body",)] == 2
    assert lines[("c",)] == 5


def test_aliases_are_expanded_with_the_anchor_lines() -> None:
    data, lines = load_yaml("a: &x\n  - 1\nb: *x\n")
    assert data == {"a": [1], "b": [1]}
    assert lines[("b",)] == 3
    assert lines[("b", 0)] == 2


def test_empty_document() -> None:
    assert load_yaml("") == (None, {})
    assert load_yaml("# bare en kommentar\n") == (None, {})


def test_byte_order_mark_is_ignored() -> None:
    assert load_yaml("\ufeffa: 1\n")[0] == {"a": 1}


def yaml_problems(text: str) -> list[Problem]:
    with pytest.raises(YamlError) as info:
        load_yaml(text)
    assert str(info.value) == "; ".join(str(p) for p in info.value.problems)
    return info.value.problems


def test_duplicate_keys_are_errors_with_lines() -> None:
    text = "a: 1\nb:\n  c: 1\n  d: 2\n  c: 3\na: 4\n"
    assert yaml_problems(text) == [
        Problem(("b", "c"), "duplicate key", 5),
        Problem(("a",), "duplicate key", 6),
    ]


def test_quoted_and_plain_keys_are_the_same_key() -> None:
    assert yaml_problems("'0124': a\n0124: b\n") == [Problem(("0124",), "duplicate key", 2)]


@pytest.mark.parametrize("text", ["? [a, b]\n: 1\n", "x:\n  {a: 1}: 2\n"])
def test_keys_must_be_plain_text(text: str) -> None:
    [problem] = yaml_problems(text)
    assert problem.message == "keys must be plain text"
    assert problem.line == text.count("\n", 0, text.index("a")) + 1


def test_unknown_tags_are_errors() -> None:
    assert yaml_problems("a: !ruby/sym x\nb:\n  - !Ref y\n") == [
        Problem(("a",), "unsupported YAML tag '!ruby/sym'", 1),
        Problem(("b", 0), "unsupported YAML tag '!Ref'", 3),
    ]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("a: !!python/object:os.system {x: 1}\n", "tag:yaml.org,2002:python/object:os.system"),
        ("a: !!python/name:os.system ''\n", "tag:yaml.org,2002:python/name:os.system"),
        (
            "a: !!python/object/apply:os.system [ls]\n",
            "tag:yaml.org,2002:python/object/apply:os.system",
        ),
        ("a: !!binary QQ==\n", "tag:yaml.org,2002:binary"),
        ("a: !!timestamp 2024-04-01\n", "tag:yaml.org,2002:timestamp"),
        ("a: !!set {x}\n", "tag:yaml.org,2002:set"),
        ("a: !foo [1]\n", "!foo"),
    ],
)
def test_standard_tags_we_do_not_use_and_collection_tags_are_errors(
    text: str, problem: str
) -> None:
    assert yaml_problems(text) == [Problem(("a",), f"unsupported YAML tag {problem!r}", 1)]


def test_tag_on_the_document_is_checked() -> None:
    assert yaml_problems("--- !!omap\n- a: 1\n") == [
        Problem((), "unsupported YAML tag 'tag:yaml.org,2002:omap'", 1)
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("!!str 12", "12"),
        ("!!str true", "true"),
        ("!!int 12", 12),
        ("!!float 1", 1.0),
        ("!!bool FALSE", False),
        ("!!null ~", None),
        ("!!map {b: 1}", {"b": 1}),
        ("!!seq [1]", [1]),
    ],
)
def test_explicit_core_tags_are_honoured(text: str, expected: Any) -> None:
    value = value_of(text)
    assert value == expected
    assert type(value) is type(expected)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a: !!float abc\n", "'abc' is not a valid float"),
        ("a: !!int 0x1F\n", "'0x1F' is not a valid int"),
        ("a: !!bool yes\n", "'yes' is not a valid bool"),
        ("a: !!null nothing\n", "'nothing' is not a valid null"),
    ],
)
def test_explicit_tags_on_the_wrong_text_are_errors(text: str, message: str) -> None:
    assert yaml_problems(text) == [Problem(("a",), message, 1)]


@pytest.mark.parametrize("text", ["a: !!float xinf\n", "a: !!float banan\n"])
def test_explicit_float_tag_on_words_ending_in_inf_or_nan_is_an_error(text: str) -> None:
    yaml_problems(text)


def test_recursive_alias_is_a_yaml_error() -> None:
    yaml_problems("a: &x [*x]\n")


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("a: [1, 2\nb: 3\n", 2),
        ("a: b: c\n", 1),
        ("a:\n  - 1\n  b: 2\n", 3),
        ("a: 'open\n", 2),
        ("a: b\n\tc: d\n", 2),
        ("--- a\n--- b\n", 2),
        ('a: "\\q"\n', 1),
        ("a: *nowhere\n", 1),
    ],
)
def test_syntax_errors_have_lines(text: str, line: int) -> None:
    [problem] = yaml_problems(text)
    assert problem.path == ()
    assert problem.message.startswith("not valid YAML: ")
    assert problem.line == line


def test_reader_errors_have_no_mark() -> None:
    [problem] = yaml_problems("a: \x00\n")
    assert problem.message.startswith("not valid YAML: unacceptable character #x0000")
    assert problem.line is None


# -- dumping --------------------------------------------------------------------------------


def test_dump_keeps_order_block_style_and_danish_letters() -> None:
    data = {
        "titel": "Kommunale akutfunktioner – Ærø",
        "antal": 3,
        "andel": 0.5,
        "stor": 1e20,
        "aktiv": True,
        "intet": None,
        "punkter": ["Før mødet", "Efter mødet"],
        "tom_liste": [],
        "tom": {},
        "indlejret": {"b": 1, "a": 2},
    }
    text = dump_yaml(data)
    assert text == (
        "titel: Kommunale akutfunktioner – Ærø\n"
        "antal: 3\n"
        "andel: 0.5\n"
        "stor: 1.0e+20\n"
        "aktiv: true\n"
        "intet: null\n"
        "punkter:\n"
        "- Før mødet\n"
        "- Efter mødet\n"
        "tom_liste: []\n"
        "tom: {}\n"
        "indlejret:\n"
        "  b: 1\n"
        "  a: 2\n"
    )
    assert load_yaml(text)[0] == data


def test_multi_line_text_is_a_literal_block() -> None:
    assert dump_yaml({"k": "første linje\nanden linje"}) == (
        "k: |-\n  første linje\n  anden linje\n"
    )
    assert dump_yaml({"k": "a\nb\n"}) == "k: |\n  a\n  b\n"


@pytest.mark.parametrize(
    "text", ["  indrykket\nlinje", "slutter med mellemrum \nog en linje", "a\nb "]
)
def test_multi_line_text_with_edge_spaces_is_not_a_block_but_survives(text: str) -> None:
    dumped = dump_yaml({"k": text})
    assert not dumped.startswith("k: |")
    assert load_yaml(dumped)[0] == {"k": text}


@pytest.mark.parametrize(
    "text",
    ["0124", "007", "12", "-3", "1.5", "1e5", "1_000", "0x1F", "0b11", "1:30", ".inf", ".nan",
     "no", "No", "yes", "on", "off", "true", "False", "null", "~", "", " ",
     "2024-04-01", "2024-04-01 16:00:00", "- x", "a: b", "#", "x #y", "?", "!tag", "&a", "*a",
     "%", "@", "`", "|", ">", "'", '"', "[a]", "{a}", "<<", "=", "\t", "æøå: ÆØÅ"],
)  # fmt: skip
def test_misreadable_text_is_quoted(text: str) -> None:
    dumped = dump_yaml({"k": text})
    assert dumped[3] in "'\"", dumped
    assert load_yaml(dumped)[0] == {"k": text}
    # Read the same by YAML 1.1 readers (PyYAML's own safe_load) too.
    assert yaml.safe_load(dumped) == {"k": text}


@pytest.mark.parametrize(
    "text",
    # "y", "n" and "0o17" are plain: neither PyYAML nor the strict loader reads them as
    # anything but text (other YAML 1.1 and 1.2 readers might).
    ["Kommunale akutfunktioner", "Ét svar", "akut-1.2", "0124a", "y", "n", "0o17"],
)
def test_plain_text_stays_plain(text: str) -> None:
    assert dump_yaml({"k": text}) == f"k: {text}\n"


@PROPERTY
@given(st.text())
def test_any_text_loads_back_identical(text: str) -> None:
    dumped = dump_yaml({"k": text})
    assert load_yaml(dumped)[0] == {"k": text}
    assert yaml.safe_load(dumped) == {"k": text}


scalars = st.one_of(
    st.text(max_size=12),
    st.integers(),
    st.floats(allow_nan=False),
    st.booleans(),
    st.none(),
)
documents = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=3),
        st.dictionaries(st.text(max_size=8), children, max_size=3),
    ),
    max_leaves=12,
)


@PROPERTY
@given(st.dictionaries(st.text(max_size=8), documents, max_size=4))
def test_any_document_loads_back_identical(data: dict[str, Any]) -> None:
    dumped = dump_yaml(data)
    assert load_yaml(dumped)[0] == data
    assert yaml.safe_load(dumped) == data
