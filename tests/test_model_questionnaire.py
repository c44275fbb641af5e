"""Invariants of questionnaires, and checking responses against them."""

from __future__ import annotations

import datetime as dt

import pytest

from klyngepakke.errors import ModelError, Problem
from klyngepakke.model import (
    Condition,
    Option,
    Origin,
    Provenance,
    Question,
    QuestionKind,
    Questionnaire,
    Response,
    ResponseSet,
    Section,
)

SINGLE = QuestionKind.SINGLE_CHOICE
MULTIPLE = QuestionKind.MULTIPLE_CHOICE
SCALE = QuestionKind.SCALE
NUMBER = QuestionKind.NUMBER
TEXT = QuestionKind.TEXT
NOTE = QuestionKind.NOTE

YES_NO = (Option("ja", "Ja"), Option("nej", "Nej"))
SCALE_OPTIONS = (
    Option("lidt", "I ringe grad", 1),
    Option("noget", "I nogen grad", 2),
    Option("meget", "I høj grad", 3),
)


def question(code: str, kind: QuestionKind = SINGLE, **kwargs: object) -> Question:
    if "options" not in kwargs and kind.has_options:
        kwargs["options"] = SCALE_OPTIONS if kind is SCALE else YES_NO
    return Question(code, "Kender du akutfunktionen i din kommune?", kind, **kwargs)  # type: ignore[arg-type]


def questionnaire(*questions: Question) -> Questionnaire:
    return Questionnaire(
        "akut", "Spørgeskema om akutfunktioner", (Section("s1", "Kendskab", questions),)
    )


# -- Provenance, Option, Condition ----------------------------------------------------------


def test_local_changes_need_a_reason() -> None:
    assert Provenance(Origin.CLUSTER, "Lokalt ønske fra klyngen").origin is Origin.CLUSTER
    assert Provenance().origin is Origin.STANDARD
    with pytest.raises(ModelError) as info:
        Provenance(Origin.MUNICIPALITY, "   ")
    assert info.value.problems == (Problem(("reason",), "a municipality change needs a reason"),)


def test_origin_labels() -> None:
    assert Origin.STANDARD.label == "KiAP (standard)"
    assert Origin.CLUSTER.label == "Klyngen"


def test_option_needs_code_and_label() -> None:
    with pytest.raises(ModelError) as info:
        Option("ved ikke", "")
    assert info.value.problems == (
        Problem(
            ("code",), "'ved ikke' is not a valid code (letters, digits, '_', '.', '-'; no spaces)"
        ),
        Problem(("label",), "must not be empty, got ''"),
    )


def test_condition_needs_a_code_and_options() -> None:
    assert Condition("q1", ("ja",)).any_of == ("ja",)
    with pytest.raises(ModelError) as info:
        Condition("-q1", ())
    assert info.value.problems == (
        Problem(
            ("question",), "'-q1' is not a valid code (letters, digits, '_', '.', '-'; no spaces)"
        ),
        Problem(("any_of",), "a condition needs at least one option code"),
    )


# -- Question -------------------------------------------------------------------------------


def test_kind_has_options_and_labels() -> None:
    assert {k for k in QuestionKind if k.has_options} == {SINGLE, MULTIPLE, SCALE}
    assert SINGLE.label == "Ét svar"
    assert NOTE.label == "Tekst uden svar"


def test_question_code_and_text() -> None:
    with pytest.raises(ModelError) as info:
        Question("q 1", "\n", TEXT)
    assert info.value.problems == (
        Problem(("code",), "'q 1' is not a valid code (letters, digits, '_', '.', '-'; no spaces)"),
        Problem(("text",), "must not be empty, got '\\n'"),
    )


@pytest.mark.parametrize("kind", [SINGLE, MULTIPLE, SCALE])
def test_choice_questions_need_two_options(kind: QuestionKind) -> None:
    with pytest.raises(ModelError) as info:
        question("q1", kind, options=(Option("ja", "Ja", 1),))
    assert info.value.problems == (
        Problem(("options",), f"a {kind.value} question needs at least two options"),
    )


@pytest.mark.parametrize("kind", [NUMBER, TEXT, NOTE])
def test_other_questions_have_no_options(kind: QuestionKind) -> None:
    assert question("q1", kind).options == ()
    with pytest.raises(ModelError) as info:
        question("q1", kind, options=YES_NO)
    assert info.value.problems == (
        Problem(("options",), f"a {kind.value} question has no options"),
    )


def test_note_cannot_be_required() -> None:
    assert question("q1", TEXT, required=True).required
    with pytest.raises(ModelError) as info:
        question("q1", NOTE, required=True)
    assert info.value.problems == (
        Problem(("required",), "a note cannot be required: it has no answer"),
    )


@pytest.mark.parametrize(
    ("limits", "field"), [({"minimum": 0}, "minimum"), ({"maximum": 10.0}, "maximum")]
)
def test_only_number_questions_have_limits(limits: dict[str, float], field: str) -> None:
    assert question("q1", NUMBER, **limits).kind is NUMBER
    with pytest.raises(ModelError) as info:
        question("q1", TEXT, **limits)
    assert info.value.problems == (
        Problem((field,), "only number questions have limits, not text"),
    )


@pytest.mark.parametrize(("minimum", "maximum"), [(5, 5), (10, 2.5)])
def test_maximum_must_be_above_minimum(minimum: float, maximum: float) -> None:
    assert question("q1", NUMBER, minimum=0, maximum=1).maximum == 1
    with pytest.raises(ModelError) as info:
        question("q1", NUMBER, minimum=minimum, maximum=maximum)
    assert info.value.problems == (
        Problem(("maximum",), f"{maximum} is not above the minimum {minimum}"),
    )


def test_option_codes_are_unique() -> None:
    with pytest.raises(ModelError) as info:
        question("q1", MULTIPLE, options=(*YES_NO, Option("ja", "Ja, helt sikkert")))
    assert info.value.problems == (
        Problem(
            ("options", 2, "code"), "duplicate option code 'ja' (first used at options[0].code)"
        ),
    )


def test_scale_needs_two_points_with_values() -> None:
    with pytest.raises(ModelError) as info:
        question("q1", SCALE, options=(Option("a", "Lidt", 1), Option("b", "Meget")))
    assert info.value.problems == (
        Problem(("options",), "a scale needs at least two options with a value"),
    )


def test_scale_may_end_with_an_answer_off_the_scale() -> None:
    scale = question(
        "q1",
        SCALE,
        options=(Option("a", "Lidt", 1), Option("b", "Meget", 2), Option("vi", "Ved ikke")),
    )
    assert [o.on_scale for o in scale.options] == [True, True, False]


def test_answers_off_the_scale_come_after_it() -> None:
    with pytest.raises(ModelError) as info:
        question(
            "q1",
            SCALE,
            options=(Option("a", "Lidt", 1), Option("vi", "Ved ikke"), Option("b", "Meget", 2)),
        )
    assert info.value.problems == (
        Problem(
            ("options", 1, "value"),
            "options off the scale (without a value, like 'ved ikke') come after the scale",
        ),
    )


def test_only_multiple_choice_options_are_exclusive() -> None:
    none = Option("ingen", "Nej, ingen", exclusive=True)
    assert question("q1", QuestionKind.MULTIPLE_CHOICE, options=(Option("a", "A"), none))
    with pytest.raises(ModelError) as info:
        question("q1", QuestionKind.SINGLE_CHOICE, options=(Option("a", "A"), none))
    assert info.value.problems == (
        Problem(
            ("options", 1, "exclusive"),
            "only options of a multiple_choice question can be exclusive, not single_choice",
        ),
    )


@pytest.mark.parametrize("values", [[1, 3, 2], [1, 1, 2], [3, 2, 1]])
def test_scale_values_strictly_increase(values: list[int]) -> None:
    options = tuple(Option(f"o{v}_{i}", f"Svar {v}", v) for i, v in enumerate(values))
    with pytest.raises(ModelError) as info:
        question("q1", SCALE, options=options)
    assert info.value.problems == (
        Problem(("options",), f"scale values must strictly increase, got {values}"),
    )


def test_option_lookup() -> None:
    q = question("q1")
    assert q.option("nej").label == "Nej"
    with pytest.raises(KeyError):
        q.option("måske")


# -- Section and Questionnaire --------------------------------------------------------------


def test_section_needs_code_title_and_questions() -> None:
    with pytest.raises(ModelError) as info:
        Section("s1", " ", ())
    assert info.value.problems == (
        Problem(("title",), "must not be empty, got ' '"),
        Problem(("questions",), "section 's1' has no questions"),
    )
    with pytest.raises(ModelError, match="'s 1' is not a valid code"):
        Section("s 1", "Kendskab", (question("q1"),))


def test_questionnaire_needs_id_title_and_sections() -> None:
    with pytest.raises(ModelError) as info:
        Questionnaire("akut funktioner", "", ())
    assert [str(p) for p in info.value.problems] == [
        "id: 'akut funktioner' is not a valid code (letters, digits, '_', '.', '-'; no spaces)",
        "title: must not be empty, got ''",
        "sections: a questionnaire needs at least one section",
    ]


def test_questionnaire_lookup() -> None:
    form = Questionnaire(
        "akut",
        "Spørgeskema",
        (Section("s1", "A", (question("q1"),)), Section("s2", "B", (question("q2", TEXT),))),
    )
    assert [q.code for q in form.questions()] == ["q1", "q2"]
    assert form.question("q2").kind is TEXT
    with pytest.raises(KeyError):
        form.question("q3")


def test_section_and_question_codes_are_unique() -> None:
    with pytest.raises(ModelError) as info:
        Questionnaire(
            "akut",
            "Spørgeskema",
            (
                Section("s1", "A", (question("q1"), question("q2"))),
                Section("s1", "B", (question("q2"),)),
            ),
        )
    assert info.value.problems == (
        Problem(
            ("sections", 1, "code"), "duplicate section code 's1' (first used at sections[0].code)"
        ),
        Problem(
            ("sections", 1, "questions", 0, "code"),
            "duplicate question code 'q2' (first used at sections[0].questions[1].code)",
        ),
    )


def test_condition_on_an_earlier_choice_question() -> None:
    form = questionnaire(
        question("q1"),
        question("q2", TEXT, show_if=Condition("q1", ("ja",))),
        question("q3", NUMBER, show_if=Condition("q1", ("ja", "nej"))),
    )
    assert form.question("q3").show_if == Condition("q1", ("ja", "nej"))


@pytest.mark.parametrize("target", ["q2", "q9"])
def test_condition_on_a_later_or_unknown_question(target: str) -> None:
    with pytest.raises(ModelError) as info:
        questionnaire(question("q1", show_if=Condition(target, ("ja",))), question("q2"))
    assert info.value.problems == (
        Problem(
            ("sections", 0, "questions", 0, "show_if", "question"),
            f"{target!r} is not an earlier question",
        ),
    )


def test_condition_on_a_question_without_options() -> None:
    with pytest.raises(ModelError) as info:
        questionnaire(question("q1", TEXT), question("q2", show_if=Condition("q1", ("ja",))))
    assert info.value.problems == (
        Problem(
            ("sections", 0, "questions", 1, "show_if", "question"),
            "'q1' is a text question; conditions need options",
        ),
    )


def test_condition_on_unknown_options() -> None:
    with pytest.raises(ModelError) as info:
        questionnaire(
            question("q1"), question("q2", TEXT, show_if=Condition("q1", ("ja", "måske", "x")))
        )
    path = ("sections", 0, "questions", 1, "show_if", "any_of")
    assert info.value.problems == (
        Problem((*path, 1), "'måske' is not an option of 'q1' (ja, nej)"),
        Problem((*path, 2), "'x' is not an option of 'q1' (ja, nej)"),
    )


def test_condition_refers_to_the_first_question_with_a_code() -> None:
    # Across sections, a condition may refer to a question in an earlier section.
    form = Questionnaire(
        "akut",
        "Spørgeskema",
        (
            Section("s1", "A", (question("q1", SCALE),)),
            Section("s2", "B", (question("q2", TEXT, show_if=Condition("q1", ("meget",))),)),
        ),
    )
    assert form.question("q2").show_if is not None


# -- Responses ------------------------------------------------------------------------------


def test_response_needs_a_respondent() -> None:
    assert Response("r1", {}, dt.datetime(2024, 4, 1, 10)).submitted is not None
    with pytest.raises(ModelError) as info:
        Response(" ", {"q1": "ja"})
    assert info.value.problems == (Problem(("respondent",), "must not be empty, got ' '"),)


def test_response_set_checks_code_and_unique_respondents() -> None:
    with pytest.raises(ModelError) as info:
        ResponseSet("akut 1", (Response("r1", {}), Response("r2", {}), Response("r1", {})))
    assert info.value.problems == (
        Problem(
            ("questionnaire",),
            "'akut 1' is not a valid code (letters, digits, '_', '.', '-'; no spaces)",
        ),
        Problem(
            ("responses", 2, "respondent"),
            "duplicate respondent 'r1' (first used at responses[0].respondent)",
        ),
    )


FORM = Questionnaire(
    "akut",
    "Spørgeskema om akutfunktioner",
    (
        Section(
            "s1",
            "Kendskab",
            (
                question("intro", NOTE),
                question("kender", SINGLE),
                question("grupper", MULTIPLE, options=(*YES_NO, Option("ved_ikke", "Ved ikke"))),
                question("tilfreds", SCALE),
                question("antal", NUMBER, minimum=0, maximum=100),
                question("frit_tal", NUMBER),
                question("kommentar", TEXT),
            ),
        ),
    ),
)


@pytest.mark.parametrize(
    ("code", "answer"),
    [
        ("kender", "ja"),
        ("grupper", ("ja", "ved_ikke")),
        ("grupper", ()),
        ("tilfreds", "meget"),
        ("antal", 0),
        ("antal", 100),
        ("antal", 12.5),
        ("frit_tal", -3),
        ("kommentar", "Godt samarbejde, men 0124 bruges sjældent."),
    ],
)
def test_answers_that_fit(code: str, answer: object) -> None:
    responses = ResponseSet("akut", (Response("r1", {code: answer}),))  # type: ignore[dict-item]
    assert responses.problems_against(FORM) == []


@pytest.mark.parametrize(
    ("code", "answer", "message"),
    [
        ("intro", "hej", "a note has no answer"),
        ("kender", "måske", "'måske' is not one of ['ja', 'nej']"),
        ("kender", 1, "1 is not one of ['ja', 'nej']"),
        ("kender", ("ja",), "('ja',) is not one of ['ja', 'nej']"),
        ("tilfreds", "ja", "'ja' is not one of ['lidt', 'meget', 'noget']"),
        ("grupper", "ja", "expected a list of option codes, got 'ja'"),
        ("grupper", ("ja", "x", "y"), "unknown option codes ['x', 'y']"),
        ("antal", "12", "expected a number, got '12'"),
        ("antal", True, "expected a number, got True"),
        ("antal", -1, "-1 is below the minimum 0"),
        ("antal", 100.5, "100.5 is above the maximum 100"),
        ("kommentar", 5, "expected text, got 5"),
        ("kommentar", ("a",), "expected text, got ('a',)"),
        ("ukendt", "ja", "not a question of the questionnaire"),
    ],
)
def test_answers_that_do_not_fit(code: str, answer: object, message: str) -> None:
    responses = ResponseSet(
        "akut",
        (Response("r0", {}), Response("r1", {"kender": "ja", code: answer})),  # type: ignore[dict-item]
    )
    assert responses.problems_against(FORM) == [Problem(("responses", 1, "answers", code), message)]


def test_responses_for_another_questionnaire() -> None:
    responses = ResponseSet("andet", (Response("r1", {"kender": "nej"}),), dt.date(2024, 5, 1))
    assert responses.problems_against(FORM) == [
        Problem(("questionnaire",), "responses are for 'andet', not 'akut'"),
    ]
