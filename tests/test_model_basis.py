"""What a local questionnaire records about its standard: removals and moves, with who and why."""

from __future__ import annotations

import pytest

from klyngepakke.conversion import dumps, loads
from klyngepakke.errors import DocumentError, ModelError, Problem
from klyngepakke.model import (
    Basis,
    Move,
    Option,
    Origin,
    Provenance,
    Question,
    QuestionKind,
    Questionnaire,
    Removal,
    Section,
)

CLUSTER = Provenance(Origin.CLUSTER, "Vi kender svaret.")
MUNICIPALITY = Provenance(Origin.MUNICIPALITY, "Bruges ikke her.")
INVALID_CODE = "is not a valid code (letters, digits, '_', '.', '-'; no spaces)"


def local(based_on: Basis | None) -> Questionnaire:
    options = (Option("telefon", "Telefon"), Option("mail", "Mail"))
    return Questionnaire(
        "akut",
        "Spørgeskema om akutfunktioner",
        (
            Section(
                "kontakt",
                "Kontakt",
                (
                    Question(
                        "kanal", "Hvordan kontakter du dem?", QuestionKind.SINGLE_CHOICE, options
                    ),
                    Question("tid", "Hvor længe venter du?", QuestionKind.NUMBER),
                ),
            ),
        ),
        version="1+lokal",
        based_on=based_on,
    )


def problems(raised: pytest.ExceptionInfo[ModelError]) -> list[str]:
    return [str(problem) for problem in raised.value.problems]


# -- Removal and Move -------------------------------------------------------------------------


def test_a_removal_is_of_a_section_a_question_or_an_option() -> None:
    section = Removal(section="om_dig", provenance=CLUSTER)
    question = Removal(question="aar", provenance=CLUSTER)
    option = Removal(question="kanal", option="brev", provenance=MUNICIPALITY)
    assert [r.describe() for r in (section, question, option)] == [
        "section 'om_dig'",
        "question 'aar'",
        "option 'brev' of question 'kanal'",
    ]
    assert (option.section, option.question, option.option) == ("", "kanal", "brev")


@pytest.mark.parametrize(
    ("codes", "problem"),
    [
        ({}, Problem(("question",), "give the removed section, question, or question and option")),
        (
            {"section": "s", "question": "q"},
            Problem(("section",), "give a removed section alone, without question or option"),
        ),
        (
            {"section": "s", "option": "o"},
            Problem(("section",), "give a removed section alone, without question or option"),
        ),
        (
            {"section": "s", "question": "q", "option": "o"},
            Problem(("section",), "give a removed section alone, without question or option"),
        ),
        (
            {"option": "o"},
            Problem(("question",), "a removed option needs the code of its question"),
        ),
    ],
)
def test_a_removal_names_exactly_one_thing(codes: dict[str, str], problem: Problem) -> None:
    with pytest.raises(ModelError) as raised:
        Removal(**codes, provenance=CLUSTER)
    assert raised.value.problems == (problem,)


def test_removed_codes_are_codes() -> None:
    with pytest.raises(ModelError) as raised:
        Removal(question="q 1", option="ved ikke", provenance=CLUSTER)
    assert problems(raised) == [
        f"question: 'q 1' {INVALID_CODE}",
        f"option: 'ved ikke' {INVALID_CODE}",
    ]
    with pytest.raises(ModelError) as raised:
        Removal(section="om dig", provenance=CLUSTER)
    assert problems(raised) == [f"section: 'om dig' {INVALID_CODE}"]


@pytest.mark.parametrize(
    "provenance", [None, Provenance(), Provenance(Origin.STANDARD, "Fra KiAP.")]
)
def test_a_removal_is_asked_for_locally(provenance: Provenance | None) -> None:
    given = {} if provenance is None else {"provenance": provenance}
    with pytest.raises(ModelError) as raised:
        Removal(question="aar", **given)
    assert problems(raised) == [
        "provenance.origin: a removal is asked for by the cluster or the municipality, not the "
        "standard"
    ]
    with pytest.raises(ModelError, match="needs a reason"):
        Removal(question="aar", provenance=Provenance(Origin.CLUSTER, " "))


def test_a_move_is_of_a_question_asked_for_locally() -> None:
    assert Move("kanal", CLUSTER).provenance == CLUSTER
    with pytest.raises(ModelError) as raised:
        Move("kanal 2")
    assert problems(raised) == [
        f"question: 'kanal 2' {INVALID_CODE}",
        "provenance.origin: a move is asked for by the cluster or the municipality, not the "
        "standard",
    ]


# -- Basis ------------------------------------------------------------------------------------


def test_a_basis_names_its_standard_and_version() -> None:
    assert Basis("akut", "1") == Basis("akut", "1", (), ())
    with pytest.raises(ModelError) as raised:
        Basis("akut funktioner", " ")
    assert problems(raised) == [
        f"standard: 'akut funktioner' {INVALID_CODE}",
        "version: must not be empty, got ' '",
    ]


def test_a_basis_records_each_removal_and_move_once() -> None:
    removals = (
        Removal(question="aar", provenance=CLUSTER),
        Removal(section="aar", provenance=CLUSTER),
        Removal(question="aar", option="x", provenance=CLUSTER),
        Removal(question="aar", provenance=MUNICIPALITY),
        Removal(question="aar", option="x", provenance=CLUSTER),
    )
    with pytest.raises(ModelError) as raised:
        Basis("akut", "1", removals, (Move("kanal", CLUSTER), Move("kanal", MUNICIPALITY)))
    assert problems(raised) == [
        "removed[3]: question 'aar' is removed twice (first at removed[0])",
        "removed[4]: option 'x' of question 'aar' is removed twice (first at removed[2])",
        "moved[1].question: duplicate moved question 'kanal' (first used at moved[0].question)",
    ]


# -- a questionnaire based on a standard -------------------------------------------------------


def test_a_local_questionnaire_records_what_is_gone_and_what_moved() -> None:
    assert local(None).based_on is None
    basis = Basis(
        "akut",
        "1",
        removed=(
            Removal(section="om_dig", provenance=MUNICIPALITY),
            Removal(question="aar", provenance=CLUSTER),
            Removal(question="kanal", option="brev", provenance=MUNICIPALITY),
            # The option of a question that is gone as well is no contradiction.
            Removal(question="aar", option="ved_ikke", provenance=CLUSTER),
        ),
        moved=(Move("tid", CLUSTER),),
    )
    assert local(basis).based_on == basis


def test_a_local_questionnaire_keeps_its_standards_id() -> None:
    with pytest.raises(ModelError) as raised:
        local(Basis("akut_lokal", "1"))
    assert problems(raised) == [
        "based_on.standard: 'akut_lokal' is not the questionnaire's id 'akut': a local version "
        "keeps its standard's id"
    ]


def test_what_was_removed_is_not_in_the_questionnaire() -> None:
    removed = (
        Removal(section="kontakt", provenance=MUNICIPALITY),
        Removal(question="tid", provenance=CLUSTER),
        Removal(question="kanal", option="mail", provenance=MUNICIPALITY),
        Removal(question="kanal", option="brev", provenance=MUNICIPALITY),
    )
    with pytest.raises(ModelError) as raised:
        local(Basis("akut", "1", removed))
    assert problems(raised) == [
        "based_on.removed[0].section: 'kontakt' was removed but is still in the questionnaire",
        "based_on.removed[1].question: 'tid' was removed but is still in the questionnaire",
        "based_on.removed[2].option: 'mail' of 'kanal' was removed but is still in the "
        "questionnaire",
    ]


def test_what_was_moved_is_in_the_questionnaire() -> None:
    with pytest.raises(ModelError) as raised:
        local(Basis("akut", "1", moved=(Move("tid", CLUSTER), Move("aar", CLUSTER))))
    assert problems(raised) == [
        "based_on.moved[1].question: 'aar' was moved but is not in the questionnaire"
    ]


# -- in files ---------------------------------------------------------------------------------


def test_a_local_questionnaire_round_trips_with_what_it_removed() -> None:
    basis = Basis(
        "akut",
        "1",
        (
            Removal(section="om_dig", provenance=MUNICIPALITY),
            Removal(question="kanal", option="brev", provenance=MUNICIPALITY),
        ),
        (Move("tid", CLUSTER),),
    )
    questionnaire = local(basis)
    for fmt in ("yaml", "json"):
        assert loads(dumps(questionnaire, fmt), fmt, Questionnaire) == questionnaire
    text = dumps(questionnaire, "yaml")
    assert text.endswith(
        "based_on:\n"
        "  standard: akut\n"
        "  version: '1'\n"
        "  removed:\n"
        "  - section: om_dig\n"
        "    provenance:\n"
        "      origin: municipality\n"
        "      reason: Bruges ikke her.\n"
        "  - question: kanal\n"
        "    option: brev\n"
        "    provenance:\n"
        "      origin: municipality\n"
        "      reason: Bruges ikke her.\n"
        "  moved:\n"
        "  - question: tid\n"
        "    provenance:\n"
        "      origin: cluster\n"
        "      reason: Vi kender svaret.\n"
    )
    assert "based_on" not in dumps(local(None), "yaml")
    assert "removed" not in dumps(local(Basis("akut", "1")), "json")


def test_a_removal_without_who_and_why_in_a_file() -> None:
    text = dumps(local(Basis("akut", "1")), "yaml") + "  removed:\n  - question: aar\n"
    with pytest.raises(DocumentError) as raised:
        loads(text, "yaml", Questionnaire)
    assert [str(p).split(" (line")[0] for p in raised.value.problems] == [
        "based_on.removed[0].provenance.origin: a removal is asked for by the cluster or the "
        "municipality, not the standard"
    ]
