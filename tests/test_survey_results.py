"""Survey results: exact counts per kind, conditions, filters, comparisons, JSON and the CLI.

Also the core pieces the results rely on: ``Questionnaire.shown``,
``Questionnaire.response_problems`` and reading and writing responses as JSON lines.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path
from typing import Any

import attrs
import pytest

from klyngepakke.cli import main
from klyngepakke.conversion import (
    append_response,
    dump,
    dumps,
    load,
    load_responses,
    loads,
    response_lines,
    to_data,
)
from klyngepakke.errors import DocumentError, Problem
from klyngepakke.model import (
    Answer,
    ClusterPackage,
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
from klyngepakke.survey_results import (
    NumberSummary,
    OptionChange,
    Presence,
    ResultsError,
    ScaleSummary,
    SurveyComparison,
    SurveyResults,
    aggregate,
    compare,
    render_results,
)
from klyngepakke.testing import every_kind_questionnaire, synthetic_responses

ROOT = Path(__file__).resolve().parents[1]
AKUT_PACKAGE = (
    ROOT / "plugins/klyngepakke-akutfunktioner/src/klyngepakke_akutfunktioner/package.yaml"
)


def akutfunktioner() -> Questionnaire:
    questionnaire = load(AKUT_PACKAGE, ClusterPackage).questionnaire
    assert questionnaire is not None
    return questionnaire


FORM = every_kind_questionnaire()

ANSWERS: tuple[dict[str, Answer], ...] = (
    {
        "rolle": "laege",
        "aar_i_praksis": 10,
        "tilfreds": "4",
        "kanaler": ("telefon", "korrespondance"),
        "telefon_tid": 5,
    },
    {
        "rolle": "laege",
        "aar_i_praksis": 20,
        "tilfreds": "2",
        "kanaler": ("telefon",),
        "telefon_tid": 15,
        "forbedring": "Hurtigere svar",
    },
    {"rolle": "uddannelseslaege", "tilfreds": "ved_ikke", "kanaler": ("ingen",)},
    {
        "rolle": "andet",
        "rolle_andet": "Sygeplejerske",
        "aar_i_praksis": 3,
        "tilfreds": "1",
        "kanaler": ("henvisning", "telefon"),
        "telefon_tid": 10,
        "forbedring": "Bedre kontinuitet\nog færre skift",
    },
    {"rolle": "laege", "aar_i_praksis": 31, "tilfreds": "5", "kanaler": ("korrespondance",)},
    {"rolle": "uddannelseslaege", "aar_i_praksis": 2, "tilfreds": "4", "kanaler": ("telefon",)},
)


def response_set(
    answers: tuple[dict[str, Any], ...] = ANSWERS, questionnaire: str = "alle_typer"
) -> ResponseSet:
    return ResponseSet(
        questionnaire,
        tuple(Response(f"r{index}", dict(a)) for index, a in enumerate(answers, start=1)),
    )


RESPONSES = response_set()


def percents(results: SurveyResults, code: str) -> dict[str, float | None]:
    return {o.code: o.percent for o in results.question(code).options}


def counts(results: SurveyResults, code: str) -> dict[str, int]:
    return {o.code: o.count for o in results.question(code).options}


# -- aggregation: every kind ------------------------------------------------------------------


def test_valid_responses_give_no_problems_and_no_warnings() -> None:
    assert RESPONSES.problems_against(FORM) == []
    assert aggregate(FORM, RESPONSES).warnings == ()


def test_response_counts_and_rate() -> None:
    results = aggregate(FORM, RESPONSES, invited=10)
    assert (results.questionnaire, results.title, results.version) == (
        "alle_typer",
        FORM.title,
        "1",
    )
    assert (results.responded, results.selected, results.invited) == (6, 6, 10)
    assert results.response_rate == pytest.approx(60.0)
    assert (results.where, results.filter) == ({}, "")
    without = aggregate(FORM, RESPONSES)
    assert (without.invited, without.response_rate) == (None, None)


@pytest.mark.parametrize("invited", [0, -3, 5])
def test_invited_must_cover_the_responses(invited: int) -> None:
    with pytest.raises(ResultsError, match="invited"):
        aggregate(FORM, RESPONSES, invited=invited)


def test_sections_keep_their_order_and_leave_notes_out() -> None:
    results = aggregate(FORM, RESPONSES)
    assert [(s.code, s.title) for s in results.sections] == [
        ("om_dig", "Om dig"),
        ("samarbejde", "Samarbejdet med akutfunktionen"),
    ]
    assert [q.code for q in results.questions()] == [
        "rolle",
        "rolle_andet",
        "aar_i_praksis",
        "tilfreds",
        "kanaler",
        "telefon_tid",
        "forbedring",
    ]
    with pytest.raises(KeyError):
        results.question("info")


def test_single_choice_counts_and_percentages() -> None:
    rolle = aggregate(FORM, RESPONSES).question("rolle")
    assert (rolle.kind, rolle.text, rolle.shown, rolle.answered) == (
        QuestionKind.SINGLE_CHOICE,
        "Hvad er din rolle i praksis?",
        6,
        6,
    )
    assert [(o.code, o.label, o.count, o.value) for o in rolle.options] == [
        ("laege", "Praktiserende læge", 3, None),
        ("uddannelseslaege", "Uddannelseslæge", 2, None),
        ("andet", "Andet", 1, None),
    ]
    assert [o.percent for o in rolle.options] == pytest.approx([50.0, 100 / 3, 100 / 6])
    assert rolle.option("andet").percent_of_answered == pytest.approx(100 / 6)
    assert (rolle.scale, rolle.numbers, rolle.texts) == (None, None, ())
    with pytest.raises(KeyError):
        rolle.option("ukendt")


def test_scale_distribution_and_mean_without_ved_ikke() -> None:
    tilfreds = aggregate(FORM, RESPONSES).question("tilfreds")
    assert (tilfreds.shown, tilfreds.answered) == (6, 6)
    assert [(o.code, o.count, o.value) for o in tilfreds.options] == [
        ("1", 1, 1),
        ("2", 1, 2),
        ("3", 0, 3),
        ("4", 2, 4),
        ("5", 1, 5),
        ("ved_ikke", 1, None),
    ]
    assert tilfreds.option("4").percent == pytest.approx(100 / 3)
    assert tilfreds.option("3").percent == 0.0
    # (1 + 2 + 4 + 4 + 5) / 5: "Ved ikke" is off the scale.
    assert tilfreds.scale == ScaleSummary(1, 5, 5, 16 / 5, ("Ved ikke",))


def test_scale_with_only_answers_off_the_scale_has_no_mean() -> None:
    answers = tuple({**a, "tilfreds": "ved_ikke"} for a in ANSWERS)
    answers = tuple({k: v for k, v in a.items() if k != "forbedring"} for a in answers)
    results = aggregate(FORM, response_set(answers))
    assert results.question("tilfreds").scale == ScaleSummary(1, 5, 0, None, ("Ved ikke",))
    text = render_results(results)
    assert "  Gennemsnit: ingen svar på skalaen (1–5, uden 'Ved ikke')\n" in text


def test_multiple_choice_percentages_of_those_who_saw_it() -> None:
    kanaler = aggregate(FORM, RESPONSES).question("kanaler")
    assert (kanaler.shown, kanaler.answered) == (6, 6)
    assert counts(aggregate(FORM, RESPONSES), "kanaler") == {
        "telefon": 4,
        "korrespondance": 2,
        "henvisning": 1,
        "ingen": 1,
    }
    assert kanaler.option("telefon").percent == pytest.approx(200 / 3)
    assert sum(o.percent or 0 for o in kanaler.options) > 100


def test_multiple_choice_empty_selection_is_no_answer_and_repeats_count_once() -> None:
    answers = (
        {"rolle": "laege", "tilfreds": "3", "kanaler": ()},
        {"rolle": "laege", "tilfreds": "3", "kanaler": ("henvisning", "henvisning")},
    )
    kanaler = aggregate(FORM, response_set(answers)).question("kanaler")
    assert (kanaler.shown, kanaler.answered) == (2, 1)
    assert kanaler.option("henvisning").count == 1
    assert kanaler.option("henvisning").percent == 50.0
    assert kanaler.option("henvisning").percent_of_answered == 100.0


def test_number_summary() -> None:
    aar = aggregate(FORM, RESPONSES).question("aar_i_praksis")
    assert (aar.kind, aar.shown, aar.answered, aar.options) == (QuestionKind.NUMBER, 6, 5, ())
    # 2, 3, 10, 20, 31
    assert aar.numbers == NumberSummary(5, 66 / 5, 10.0, 2.0, 31.0)


def test_number_median_of_an_even_count_and_repeated_values() -> None:
    values = (4, 4, 4, 10, 2.5, 7)
    answers = tuple(
        {"rolle": "laege", "tilfreds": "3", "kanaler": ("henvisning",), "aar_i_praksis": v}
        for v in values
    )
    numbers = aggregate(FORM, response_set(answers)).question("aar_i_praksis").numbers
    # 2.5, 4, 4, 4, 7, 10
    assert numbers == NumberSummary(6, 31.5 / 6, 4.0, 2.5, 10.0)


def test_number_question_nobody_answered() -> None:
    answers = ({"rolle": "laege", "tilfreds": "3", "kanaler": ("henvisning",)},)
    aar = aggregate(FORM, response_set(answers)).question("aar_i_praksis")
    assert (aar.shown, aar.answered, aar.numbers) == (1, 0, NumberSummary(0))


def test_free_text_answers_listed_without_respondents() -> None:
    results = aggregate(FORM, RESPONSES)
    assert results.question("rolle_andet").texts == ("Sygeplejerske",)
    forbedring = results.question("forbedring")
    assert forbedring.texts == ("Hurtigere svar", "Bedre kontinuitet\nog færre skift")
    assert (forbedring.shown, forbedring.answered) == (2, 2)
    text = json.dumps(to_data(results))
    assert not any(f'"r{index}"' in text for index in range(1, 7))


def test_blank_text_is_no_answer() -> None:
    answers = ({"rolle": "andet", "rolle_andet": "   ", "tilfreds": "3", "kanaler": ("ingen",)},)
    rolle_andet = aggregate(FORM, response_set(answers)).question("rolle_andet")
    assert (rolle_andet.shown, rolle_andet.answered, rolle_andet.texts) == (1, 0, ())


# -- conditions ---------------------------------------------------------------------------


def test_percentages_are_of_those_who_saw_the_question() -> None:
    results = aggregate(FORM, RESPONSES)
    telefon_tid = results.question("telefon_tid")
    # Shown to the four who chose "telefon"; one of them skipped it.
    assert (telefon_tid.shown, telefon_tid.answered) == (4, 3)
    assert telefon_tid.numbers == NumberSummary(3, 10.0, 10.0, 5.0, 15.0)
    assert results.question("rolle_andet").shown == 1


NESTED = Questionnaire(
    "nested",
    "Betingelser i flere led",
    (
        Section(
            "s",
            "Alt",
            (
                Question(
                    "kender",
                    "Kender du akutfunktionen?",
                    QuestionKind.SINGLE_CHOICE,
                    options=(Option("ja", "Ja"), Option("nej", "Nej")),
                ),
                Question(
                    "tilfreds",
                    "Hvor tilfreds er du?",
                    QuestionKind.SCALE,
                    options=(
                        Option("1", "Lidt", 1),
                        Option("2", "Noget", 2),
                        Option("3", "Meget", 3),
                        Option("ved_ikke", "Ved ikke"),
                    ),
                    show_if=Condition("kender", ("ja",)),
                ),
                Question(
                    "hvorfor",
                    "Hvad mangler?",
                    QuestionKind.MULTIPLE_CHOICE,
                    options=(Option("tid", "Tid"), Option("info", "Information")),
                    show_if=Condition("tilfreds", ("1",)),
                ),
            ),
        ),
    ),
)


def test_nested_conditions_need_the_earlier_question_seen() -> None:
    answers: tuple[dict[str, Any], ...] = (
        {"kender": "ja", "tilfreds": "1", "hvorfor": ("tid",)},
        {"kender": "ja", "tilfreds": "3"},
        {"kender": "nej"},
        {"kender": "ja", "tilfreds": "1"},
        {},
    )
    results = aggregate(NESTED, response_set(answers, "nested"))
    assert results.warnings == ()
    assert [(q.code, q.shown, q.answered) for q in results.questions()] == [
        ("kender", 5, 4),
        ("tilfreds", 3, 3),
        ("hvorfor", 2, 1),
    ]
    assert percents(results, "hvorfor") == {"tid": 50.0, "info": 0.0}


def test_nobody_saw_it_gives_no_percentages() -> None:
    results = aggregate(NESTED, response_set(({"kender": "nej"},), "nested"))
    hvorfor = results.question("hvorfor")
    assert (hvorfor.shown, hvorfor.answered) == (0, 0)
    assert [(o.count, o.percent, o.percent_of_answered) for o in hvorfor.options] == [
        (0, None, None),
        (0, None, None),
    ]
    assert results.question("tilfreds").scale == ScaleSummary(1, 3, 0, None, ("Ved ikke",))


def test_vectorised_shown_agrees_with_questionnaire_shown() -> None:
    """Random answers, many not fitting the conditions: shown counts as the model says."""
    rng = random.Random(7)
    questionnaires = [FORM, NESTED, akutfunktioner()]
    for questionnaire in questionnaires:
        choice_questions = [q for q in questionnaire.questions() if q.kind.has_options]
        responses = []
        for index in range(300):
            answers: dict[str, Answer] = {}
            for question in choice_questions:
                if rng.random() < 0.2:
                    continue
                codes = [o.code for o in question.options]
                if question.kind is QuestionKind.MULTIPLE_CHOICE:
                    answers[question.code] = tuple(c for c in codes if rng.random() < 0.4)
                else:
                    answers[question.code] = rng.choice(codes)
            responses.append(Response(f"r{index}", answers))
        results = aggregate(questionnaire, ResponseSet(questionnaire.id, tuple(responses)))
        for question in questionnaire.questions():
            if question.kind is QuestionKind.NOTE:
                continue
            expected = sum(question in questionnaire.shown(r.answers) for r in responses)
            assert results.question(question.code).shown == expected, question.code


def test_akutfunktioner_synthetic_responses_are_counted_in_full() -> None:
    questionnaire = akutfunktioner()
    responses = synthetic_responses(questionnaire, 200, seed=3)
    results = aggregate(questionnaire, responses, invited=250)
    assert results.warnings == ()
    assert results.response_rate == 80.0
    for question in questionnaire.questions():
        if question.kind is QuestionKind.NOTE:
            continue
        given = sum(question.code in r.answers for r in responses.responses)
        assert results.question(question.code).answered == given, question.code


# -- answers that do not fit --------------------------------------------------------------


def test_answers_that_do_not_fit_are_not_counted_but_reported() -> None:
    answers: tuple[dict[str, Any], ...] = (
        {"rolle": "laege", "tilfreds": "4", "kanaler": ("telefon",), "forbedring": "Ikke vist"},
        {"rolle": "chef", "tilfreds": "7", "kanaler": ("fax", "telefon"), "aar_i_praksis": 99},
        {"rolle": "laege", "tilfreds": "1", "kanaler": "telefon", "aar_i_praksis": "12"},
        {"rolle": "laege", "tilfreds": "1", "kanaler": ["telefon"], "aar_i_praksis": True},
        {"rolle": "laege", "tilfreds": "1", "kanaler": ("telefon",), "aar_i_praksis": 1},
        {"rolle": "laege", "info": "svar", "gammel": "ja", "forsvundet": 3, "tilfreds": 2},
        {"rolle": "andet", "rolle_andet": 5, "tilfreds": "3", "aar_i_praksis": float("nan")},
    )
    results = aggregate(FORM, response_set(answers))
    assert results.question("rolle").answered == 6
    assert results.question("tilfreds").answered == 5
    assert results.question("kanaler").answered == 3  # the list counts as a selection
    assert results.question("aar_i_praksis").numbers == NumberSummary(1, 1.0, 1.0, 1.0, 1.0)
    assert results.question("forbedring").texts == ()
    assert results.question("rolle_andet").answered == 0
    assert results.warnings == (
        "rolle: 1 svar passer ikke til spørgsmålet (fx 'chef') og er ikke talt med",
        "rolle_andet: 1 svar passer ikke til spørgsmålet (fx 5) og er ikke talt med",
        "aar_i_praksis: 4 svar passer ikke til spørgsmålet (fx 99) og er ikke talt med",
        "info: 1 svar på en tekst uden svar er ikke talt med",
        "tilfreds: 2 svar passer ikke til spørgsmålet (fx '7') og er ikke talt med",
        "kanaler: 2 svar passer ikke til spørgsmålet (fx ('fax', 'telefon')) og er ikke talt med",
        "forbedring: 1 svar fra respondenter, der ikke fik spørgsmålet, er ikke talt med",
        "Svar på spørgsmål, som ikke er i spørgeskemaet, er ikke talt med: "
        "'forsvundet' (1), 'gammel' (1)",
    )


def test_unhashable_and_empty_answers() -> None:
    answers: tuple[dict[str, Any], ...] = (
        {"rolle": "laege", "tilfreds": {"1"}, "kanaler": ["telefon"], "aar_i_praksis": None},
        {"rolle": "laege", "tilfreds": "1", "kanaler": ("telefon",), "rolle_andet": None},
    )
    results = aggregate(FORM, response_set(answers))
    assert results.question("tilfreds").answered == 1
    assert results.question("kanaler").answered == 2
    assert results.question("aar_i_praksis").answered == 0
    assert results.warnings == (
        "tilfreds: 1 svar passer ikke til spørgsmålet (fx \"{'1'}\") og er ikke talt med",
    )


def test_responses_to_another_questionnaire_are_reported() -> None:
    results = aggregate(FORM, response_set(questionnaire="andet"))
    assert results.warnings == ("Besvarelserne er til spørgeskemaet 'andet', ikke 'alle_typer'",)


# -- filters ------------------------------------------------------------------------------


def test_filter_by_role() -> None:
    results = aggregate(FORM, RESPONSES, invited=10, where={"rolle": ("laege",)})
    assert (results.responded, results.selected, results.response_rate) == (6, 3, 60.0)
    assert results.where == {"rolle": ("laege",)}
    assert results.filter == "rolle er 'Praktiserende læge'"
    assert counts(results, "rolle") == {"laege": 3, "uddannelseslaege": 0, "andet": 0}
    assert counts(results, "kanaler")["telefon"] == 2
    assert results.question("tilfreds").scale == ScaleSummary(1, 5, 3, 11 / 3, ("Ved ikke",))
    assert results.question("telefon_tid").shown == 2
    assert results.question("forbedring").texts == ("Hurtigere svar",)


def test_filter_on_several_options_and_questions() -> None:
    either = aggregate(FORM, RESPONSES, where={"kanaler": ["henvisning", "korrespondance"]})
    assert either.selected == 3
    assert either.filter == "kanaler er 'Henvisning' eller 'Korrespondancemeddelelse'"
    both = aggregate(FORM, RESPONSES, where={"rolle": ("laege",), "kanaler": ("telefon",)})
    assert both.selected == 2
    assert both.filter == "rolle er 'Praktiserende læge' og kanaler er 'Telefon'"
    none = aggregate(FORM, RESPONSES, where={"rolle": ("uddannelseslaege",)})
    assert none.question("rolle_andet").shown == 0


@pytest.mark.parametrize(
    ("where", "message"),
    [
        ({"rang": ("laege",)}, "cannot filter on 'rang': not a question of 'alle_typer'"),
        ({"rolle": ("chef",)}, "cannot filter on rolle=chef: 'chef' is not an option of 'rolle'"),
        ({"forbedring": ("x",)}, "a text question has no options"),
        ({"rolle": ()}, "no option codes given"),
    ],
)
def test_unknown_filters_are_errors(where: dict[str, tuple[str, ...]], message: str) -> None:
    with pytest.raises(ResultsError, match=message):
        aggregate(FORM, RESPONSES, where=where)


# -- comparison ---------------------------------------------------------------------------


def local_version() -> Questionnaire:
    """The questionnaire adapted locally: one question and one option out, one of each in."""
    cluster = Provenance(Origin.CLUSTER, "Klyngen vil vide det")
    om_dig, samarbejde = FORM.sections
    ny = Question(
        "vagt",
        "Har du vagter i lægevagten?",
        QuestionKind.SINGLE_CHOICE,
        options=(Option("ja", "Ja"), Option("nej", "Nej")),
        provenance=cluster,
    )
    tilfreds, kanaler = samarbejde.questions[1], samarbejde.questions[2]
    kanaler = attrs.evolve(
        kanaler,
        options=(
            kanaler.options[0],
            attrs.evolve(kanaler.options[1], label="Korrespondance"),
            Option("video", "Video", provenance=cluster),
            kanaler.options[3],
        ),
    )
    tilfreds = attrs.evolve(tilfreds, text="Jeg er alt i alt tilfreds med samarbejdet.")
    return attrs.evolve(
        FORM,
        version="2-lokal",
        sections=(
            attrs.evolve(om_dig, questions=(*om_dig.questions[:2], ny)),
            attrs.evolve(
                samarbejde,
                questions=(samarbejde.questions[0], tilfreds, kanaler, *samarbejde.questions[3:]),
            ),
        ),
    )


FOLLOWUP_ANSWERS: tuple[dict[str, Answer], ...] = (
    {"rolle": "laege", "vagt": "ja", "tilfreds": "5", "kanaler": ("telefon", "video")},
    {"rolle": "laege", "vagt": "nej", "tilfreds": "4", "kanaler": ("telefon",)},
    {"rolle": "andet", "rolle_andet": "Sekretær", "tilfreds": "4", "kanaler": ("video",)},
    {"rolle": "laege", "tilfreds": "3", "kanaler": ("korrespondance", "telefon")},
)


def comparison() -> SurveyComparison:
    local = local_version()
    followup = response_set(FOLLOWUP_ANSWERS)
    assert followup.problems_against(local) == []
    return compare(aggregate(FORM, RESPONSES, invited=10), aggregate(local, followup, invited=5))


def test_comparison_aligns_questions_by_code() -> None:
    result = comparison()
    assert [(q.code, q.presence) for q in result.questions] == [
        ("rolle", Presence.BOTH),
        ("rolle_andet", Presence.BOTH),
        ("aar_i_praksis", Presence.REMOVED),
        ("vagt", Presence.ADDED),
        ("tilfreds", Presence.BOTH),
        ("kanaler", Presence.BOTH),
        ("telefon_tid", Presence.BOTH),
        ("forbedring", Presence.BOTH),
    ]
    assert result.question("vagt").options == ()
    assert result.question("aar_i_praksis").text == FORM.question("aar_i_praksis").text
    assert result.response_rate_change == pytest.approx(80.0 - 60.0)
    assert result.baseline.version == "1"
    assert result.followup.version == "2-lokal"
    assert result.warnings == ()


def test_comparison_in_percentage_points_per_option() -> None:
    rolle = comparison().question("rolle")
    assert [(o.code, o.presence) for o in rolle.options] == [
        ("laege", Presence.BOTH),
        ("uddannelseslaege", Presence.BOTH),
        ("andet", Presence.BOTH),
    ]
    laege = rolle.option("laege")
    assert (laege.baseline_percent, laege.followup_percent) == (50.0, 75.0)
    assert laege.change == pytest.approx(25.0)
    assert rolle.option("uddannelseslaege").change == pytest.approx(-100 / 3)
    assert rolle.notes == ()


def test_comparison_lists_added_and_removed_options() -> None:
    kanaler = comparison().question("kanaler")
    assert [(o.code, o.presence) for o in kanaler.options] == [
        ("telefon", Presence.BOTH),
        ("korrespondance", Presence.BOTH),
        ("henvisning", Presence.REMOVED),
        ("video", Presence.ADDED),
        ("ingen", Presence.BOTH),
    ]
    assert kanaler.option("telefon").change == pytest.approx(75.0 - 200 / 3)
    assert kanaler.option("henvisning") == OptionChange(
        "henvisning", "Henvisning", Presence.REMOVED, 100 / 6, None, None
    )
    assert kanaler.option("video") == OptionChange("video", "Video", Presence.ADDED, None, 50.0)
    assert kanaler.option("korrespondance").label == "Korrespondance"
    assert kanaler.notes == (
        "Svarmuligheden 'Korrespondance' hed i baseline 'Korrespondancemeddelelse'",
    )


def test_comparison_of_scale_means_and_reworded_text() -> None:
    tilfreds = comparison().question("tilfreds")
    assert tilfreds.baseline_mean == pytest.approx(3.2)
    assert tilfreds.followup_mean == pytest.approx(4.0)
    assert tilfreds.mean_change == pytest.approx(0.8)
    assert tilfreds.text == "Jeg er alt i alt tilfreds med samarbejdet."
    assert tilfreds.notes == ("Teksten er ændret; i baseline: Jeg er tilfreds med samarbejdet.",)
    assert tilfreds.option("ved_ikke").change == pytest.approx(-100 / 6)


def test_comparison_of_number_means_and_questions_nobody_saw() -> None:
    result = comparison()
    telefon_tid = result.question("telefon_tid")
    assert (telefon_tid.baseline_mean, telefon_tid.followup_mean) == (10.0, None)
    assert telefon_tid.mean_change is None
    assert telefon_tid.notes == ("Ingen svar i opfølgningen; ændringen vises ikke",)
    forbedring = result.question("forbedring")
    assert (forbedring.options, forbedring.mean_change) == ((), None)


def test_comparison_with_the_baseline_counted_against_the_new_version() -> None:
    """As the CLI does it: the baseline counted with the follow-up's questionnaire."""
    local = local_version()
    baseline = aggregate(local, RESPONSES)
    assert baseline.warnings == (
        "kanaler: 1 svar passer ikke til spørgsmålet (fx ('henvisning', 'telefon')) "
        "og er ikke talt med",
        "Svar på spørgsmål, som ikke er i spørgeskemaet, er ikke talt med: 'aar_i_praksis' (5)",
    )
    result = compare(baseline, aggregate(local, response_set(FOLLOWUP_ANSWERS)))
    vagt = result.question("vagt")
    assert vagt.presence is Presence.BOTH
    assert vagt.notes == ("Ingen svar i baseline; ændringen vises ikke",)
    assert [(o.baseline_percent, o.change) for o in vagt.options] == [(0.0, None), (0.0, None)]
    text = render_results(result.followup, result)
    assert "  (Ingen svar i baseline; ændringen vises ikke)\n" in text
    assert "  ! Baseline: Svar på spørgsmål, som ikke er i spørgeskemaet" in text


def test_comparison_when_kind_or_scale_changed() -> None:
    om_dig, samarbejde = FORM.sections
    tilfreds = samarbejde.questions[1]
    longer = attrs.evolve(
        tilfreds,
        options=(
            *tilfreds.options[:5],
            Option("6", "Helt enig", 6),
            Option("ved_ikke", "Ved ikke"),
        ),
    )
    rolle = attrs.evolve(om_dig.questions[0], kind=QuestionKind.MULTIPLE_CHOICE)
    changed = attrs.evolve(
        FORM,
        sections=(
            attrs.evolve(om_dig, questions=(rolle, *om_dig.questions[1:])),
            attrs.evolve(
                samarbejde, questions=(samarbejde.questions[0], longer, *samarbejde.questions[2:])
            ),
        ),
    )
    answers = tuple({**a, "rolle": (a["rolle"],)} for a in ANSWERS)
    result = compare(aggregate(FORM, RESPONSES), aggregate(changed, response_set(answers)))
    assert result.question("tilfreds").mean_change is None
    assert result.question("tilfreds").notes == (
        "Skalaen er ændret (1–5 → 1–6); gennemsnittene sammenlignes ikke",
    )
    assert result.question("tilfreds").option("6").presence is Presence.ADDED
    rolle_change = result.question("rolle")
    assert rolle_change.notes == (
        "Spørgsmålstypen er ændret (Ét svar → Flere svar); svarene sammenlignes ikke",
    )
    assert [o.change for o in rolle_change.options] == [None, None, None]
    text = render_results(result.followup, result)
    assert (
        "  Praktiserende læge  3   50 %  ██████████                     (baseline 50 %)\n" in text
    )
    assert "\nBaseline: 6 besvarelser\n" in text


def test_comparison_warns_about_different_filters() -> None:
    result = compare(
        aggregate(FORM, RESPONSES),
        aggregate(FORM, RESPONSES, where={"rolle": ("laege",)}),
    )
    assert result.warnings == (
        "Baseline og opfølgning er udvalgt forskelligt: alle / rolle er 'Praktiserende læge'",
    )
    assert result.response_rate_change is None


def test_comparison_of_other_questionnaires_and_dates_rendered() -> None:
    baseline = aggregate(NESTED, response_set(({"kender": "ja", "tilfreds": "2"},), "nested"))
    collected = attrs.evolve(RESPONSES, collected=dt.date(2026, 3, 2))
    followup = aggregate(FORM, collected)
    result = compare(baseline, followup)
    assert result.warnings == (
        "Baseline er fra spørgeskemaet 'nested', opfølgningen fra 'alle_typer'",
    )
    assert [(q.code, q.presence) for q in result.questions][:3] == [
        ("kender", Presence.REMOVED),
        ("rolle", Presence.ADDED),
        ("rolle_andet", Presence.ADDED),
    ]
    assert result.question("tilfreds").presence is Presence.BOTH
    text = render_results(followup, result)
    assert "Besvarelser: 6, indsamlet 2. marts 2026\n" in text
    assert "  ! Baseline er fra spørgeskemaet 'nested', opfølgningen fra 'alle_typer'\n" in text
    # The scale went from 1-3 to 1-5: the means are shown, not compared.
    assert "  Gennemsnit 3,2 (1–5, uden 'Ved ikke'; 5 svar)  (baseline 2,0)\n" in text


def test_presence_labels() -> None:
    assert [p.label for p in Presence] == ["I begge", "Ny", "Fjernet"]


# -- JSON ---------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "yaml"])
def test_results_and_comparison_round_trip(fmt: Any) -> None:
    results = aggregate(FORM, RESPONSES, invited=10, where={"rolle": ("laege", "andet")})
    assert loads(dumps(results, fmt), fmt, SurveyResults) == results
    result = comparison()
    assert loads(dumps(result, fmt), fmt) == result


def test_results_json_is_plain_for_exporters(tmp_path: Path) -> None:
    results = aggregate(FORM, response_set(), invited=10)
    path = dump(results, tmp_path / "results.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["document"] == "survey_results"
    assert data["response_rate"] == 60.0
    rolle = data["sections"][0]["questions"][0]
    assert rolle["options"][0] == {
        "code": "laege",
        "label": "Praktiserende læge",
        "count": 3,
        "percent": 50.0,
        "percent_of_answered": 50.0,
    }
    assert load(path) == results
    assert to_data(comparison())["document"] == "survey_comparison"


# -- rendering ----------------------------------------------------------------------------


def test_render_results_in_danish() -> None:
    results = aggregate(FORM, RESPONSES, invited=10)
    text = render_results(results)
    assert text.endswith("\n")
    lines = text.splitlines()
    assert lines[:4] == [
        "Prøveskema med alle spørgsmålstyper",
        "===================================",
        "Besvarelser: 6 af 10 inviterede (60 %)",
        "Procenter er af dem, der fik spørgsmålet.",
    ]
    assert "Hvad er din rolle i praksis? [rolle]" in lines
    assert "  6 svar af 6, der fik spørgsmålet" in lines
    assert "  Praktiserende læge  3   50 %  ██████████" in lines
    assert "  Uddannelseslæge     2   33 %  ███████" in lines
    assert "  Gennemsnit 3,2 (1–5, uden 'Ved ikke'; 5 svar)" in lines
    assert "  Gennemsnit 13,2; median 10; laveste 2; højeste 31" in lines
    assert "  6 svar af 6, der fik spørgsmålet (flere svar mulige)" in lines
    assert "  3 svar af 4, der fik spørgsmålet" in lines
    assert lines[-3:] == ["  - Hurtigere svar", "  - Bedre kontinuitet", "    og færre skift"]
    assert "Bemærk:" not in text
    assert "r1" not in text


def test_render_filter_and_warnings() -> None:
    answers = ({**ANSWERS[0], "gammel": "ja"}, *ANSWERS[1:])
    results = aggregate(FORM, response_set(answers), where={"rolle": ("laege",)})
    text = render_results(results)
    assert "Besvarelser: 6\n" in text
    assert "Udvalgt: 3 besvarelser, hvor rolle er 'Praktiserende læge'\n" in text
    assert "Bemærk:\n  ! Svar på spørgsmål, som ikke er i spørgeskemaet" in text


def test_render_comparison() -> None:
    result = comparison()
    text = render_results(result.followup, result)
    lines = text.splitlines()
    assert lines[2:4] == [
        "Besvarelser: 4 af 5 inviterede (80 %)",
        "Baseline: 6 besvarelser af 10 inviterede (60 %); svarprocent +20 pp",
    ]
    assert "  Praktiserende læge  3   75 %  ███████████████        +25 pp  (baseline 50 %)" in lines
    assert "  Uddannelseslæge     0    0 %                         -33 pp  (baseline 33 %)" in lines
    assert (
        "  Video                   2   50 %  ██████████                     (ny svarmulighed)"
        in lines
    )
    assert "  (fjernet: Henvisning, i baseline 17 %)" in lines
    assert "  Nyt spørgsmål: ingen baseline" in lines
    forbedring = lines.index("Hvad kan gøres bedre? Skriv gerne æ, ø og å. [forbedring]")
    assert lines[forbedring + 1 : forbedring + 3] == ["  Ingen fik spørgsmålet", ""]
    telefon_tid = lines.index(
        "Hvor lang tid venter du typisk i telefonen (minutter)? [telefon_tid]"
    )
    assert lines[telefon_tid + 1 : telefon_tid + 4] == [
        "  0 svar af 3, der fik spørgsmålet",
        "  (Ingen svar i opfølgningen; ændringen vises ikke)",
        "",
    ]
    assert "  Gennemsnit 4,0 (1–5, uden 'Ved ikke'; 4 svar)  (baseline 3,2; +0,8)" in lines
    assert "  (Svarmuligheden 'Korrespondance' hed i baseline 'Korrespondancemeddelelse')" in lines
    removed = lines.index("Spørgsmål, der kun var med i baseline")
    assert lines[removed + 3] == "Hvor mange år har du arbejdet i almen praksis? [aar_i_praksis]"
    assert lines[removed + 5] == "  Gennemsnit 13,2; median 10; laveste 2; højeste 31"


def test_render_rounds_half_up_with_decimal_commas() -> None:
    answers = tuple(
        {"rolle": "laege", "tilfreds": t, "kanaler": ("telefon",)} for t in ("1", "2", "2", "3")
    ) + tuple(
        {"rolle": "andet", "rolle_andet": "x", "tilfreds": "2", "kanaler": ("ingen",)}
        for _ in range(4)
    )
    text = render_results(aggregate(FORM, response_set(answers)))
    # 1/8 = 12.5 % shows as 13 %; mean 16/8 = 2.0 keeps its decimal.
    assert "  Meget uenig               1   13 %  ███" in text
    assert "Gennemsnit 2,0 (1–5" in text


# -- the CLI ------------------------------------------------------------------------------


def test_cli_results_with_baseline_filter_and_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    questionnaire_file = dump(FORM, tmp_path / "skema.yaml")
    baseline_file = dump(RESPONSES, tmp_path / "baseline.json")
    followup_file = tmp_path / "svar.jsonl"
    followup = synthetic_responses(FORM, 12, seed=5)
    for response in followup.responses:
        append_response(followup_file, response)
    out = tmp_path / "resultater.json"
    code = main(
        [
            "survey",
            "results",
            str(questionnaire_file),
            str(followup_file),
            "--baseline",
            str(baseline_file),
            "--invited",
            "60",
            "--where",
            "rolle=laege",
            "--where",
            "rolle=andet",
            "--json",
            str(out),
        ]
    )
    captured = capsys.readouterr()
    assert (code, captured.err) == (0, "")
    assert "Besvarelser: 12 af 60 inviterede (20 %)\n" in captured.out
    assert "hvor rolle er 'Praktiserende læge' eller 'Andet'" in captured.out
    assert captured.out.endswith(f"wrote {out}\n")
    written = load(out, SurveyComparison)
    where = {"rolle": ("laege", "andet")}
    expected_followup = aggregate(FORM, followup, invited=60, where=where)
    assert written == compare(aggregate(FORM, RESPONSES, where=where), expected_followup)


def test_cli_results_without_baseline(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    questionnaire_file = dump(FORM, tmp_path / "skema.json")
    responses_file = dump(RESPONSES, tmp_path / "svar.yaml")
    out = tmp_path / "resultater.json"
    code = main(
        ["survey", "results", str(questionnaire_file), str(responses_file), "--json", str(out)]
    )
    captured = capsys.readouterr()
    assert code == 0
    assert captured.out.startswith("Prøveskema med alle spørgsmålstyper\n")
    assert load(out, SurveyResults) == aggregate(FORM, RESPONSES)


def test_cli_results_unknown_filter_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    questionnaire_file = dump(FORM, tmp_path / "skema.yaml")
    responses_file = tmp_path / "svar.jsonl"
    responses_file.write_text(response_lines(RESPONSES), encoding="utf-8")
    code = main(
        ["survey", "results", str(questionnaire_file), str(responses_file), "--where", "rolle=chef"]
    )
    captured = capsys.readouterr()
    assert code == 1
    assert "cannot filter on rolle=chef: 'chef' is not an option of 'rolle'" in captured.err


# -- core: Questionnaire.shown ------------------------------------------------------------


def shown_codes(questionnaire: Questionnaire, answers: dict[str, Any]) -> list[str]:
    return [q.code for q in questionnaire.shown(answers)]


def test_shown_without_answers_is_the_unconditional_questions() -> None:
    assert shown_codes(FORM, {}) == ["rolle", "aar_i_praksis", "info", "tilfreds", "kanaler"]


@pytest.mark.parametrize(
    ("answers", "extra"),
    [
        ({"rolle": "andet"}, ["rolle_andet"]),
        ({"rolle": "laege"}, []),
        ({"kanaler": ("henvisning", "telefon")}, ["telefon_tid"]),
        ({"kanaler": ["telefon"]}, ["telefon_tid"]),
        ({"kanaler": ("henvisning",)}, []),
        ({"tilfreds": "2"}, ["forbedring"]),
        ({"tilfreds": "ved_ikke"}, []),
    ],
)
def test_shown_follows_conditions(answers: dict[str, Any], extra: list[str]) -> None:
    order = [q.code for q in FORM.questions()]
    expected = sorted(
        ["rolle", "aar_i_praksis", "info", "tilfreds", "kanaler", *extra], key=order.index
    )
    assert shown_codes(FORM, answers) == expected


def test_shown_needs_the_conditions_question_shown() -> None:
    assert shown_codes(NESTED, {"kender": "ja", "tilfreds": "1"}) == [
        "kender",
        "tilfreds",
        "hvorfor",
    ]
    # An answer to a question that was not shown does not open the next one.
    assert shown_codes(NESTED, {"kender": "nej", "tilfreds": "1"}) == ["kender"]


# -- core: Questionnaire.response_problems ------------------------------------------------


def test_response_problems_of_a_valid_response() -> None:
    assert FORM.response_problems(Response("r1", ANSWERS[3])) == []


@pytest.mark.parametrize(
    ("answers", "problems"),
    [
        (
            {"rolle": "laege", "tilfreds": "4", "kanaler": ("ingen",), "ukendt": "x"},
            [Problem(("answers", "ukendt"), "not a question of the questionnaire")],
        ),
        (
            {"rolle": "laege", "tilfreds": "4", "kanaler": ("ingen",), "telefon_tid": 3},
            [
                Problem(
                    ("answers", "telefon_tid"),
                    "answered, but not shown: it is asked only when 'kanaler' is 'telefon'",
                )
            ],
        ),
        (
            {"rolle": "laege", "tilfreds": "4", "kanaler": ("ingen",), "forbedring": "Mere"},
            [
                Problem(
                    ("answers", "forbedring"),
                    "answered, but not shown: it is asked only when 'tilfreds' is '1' or '2'",
                )
            ],
        ),
        (
            {"rolle": "chef", "tilfreds": "4", "kanaler": ("fax",), "info": "x"},
            [
                Problem(
                    ("answers", "rolle"),
                    "'chef' is not one of ['andet', 'laege', 'uddannelseslaege']",
                ),
                Problem(("answers", "kanaler"), "unknown option codes ['fax']"),
                Problem(("answers", "info"), "a note has no answer"),
            ],
        ),
        (
            {"rolle": "laege", "tilfreds": "4", "kanaler": "telefon", "aar_i_praksis": 61},
            [
                Problem(("answers", "kanaler"), "expected a list of option codes, got 'telefon'"),
                Problem(("answers", "aar_i_praksis"), "61 is above the maximum 60"),
            ],
        ),
        (
            {
                "rolle": "andet",
                "rolle_andet": 3,
                "tilfreds": "4",
                "kanaler": ("ingen",),
                "aar_i_praksis": -1,
            },
            [
                Problem(("answers", "rolle_andet"), "expected text, got 3"),
                Problem(("answers", "aar_i_praksis"), "-1 is below the minimum 0"),
            ],
        ),
        (
            {"rolle": "laege", "tilfreds": "4", "kanaler": ("ingen",), "aar_i_praksis": "5"},
            [Problem(("answers", "aar_i_praksis"), "expected a number, got '5'")],
        ),
        (
            {"rolle": "andet", "rolle_andet": "", "kanaler": ()},
            [
                Problem(("answers", "rolle_andet"), "required, but not answered"),
                Problem(("answers", "tilfreds"), "required, but not answered"),
                Problem(("answers", "kanaler"), "required, but not answered"),
            ],
        ),
    ],
)
def test_response_problems_of_every_kind(answers: dict[str, Any], problems: list[Problem]) -> None:
    found = FORM.response_problems(Response("r1", answers))
    assert sorted(found, key=str) == sorted(problems, key=str)


def test_response_problems_do_not_require_hidden_questions() -> None:
    # rolle_andet is required, but only for "andet".
    answers: dict[str, Answer] = {"rolle": "laege", "tilfreds": "4", "kanaler": ("ingen",)}
    assert FORM.response_problems(Response("r1", answers)) == []


# -- core: responses as JSON lines --------------------------------------------------------


def test_append_response_writes_one_line_each(tmp_path: Path) -> None:
    path = tmp_path / "svar.jsonl"
    for response in RESPONSES.responses:
        append_response(path, response)
    text = path.read_text(encoding="utf-8")
    assert text == response_lines(RESPONSES)
    assert len(text.splitlines()) == 6
    assert json.loads(text.splitlines()[0]) == {
        "respondent": "r1",
        "answers": {
            "aar_i_praksis": 10,
            "kanaler": ["telefon", "korrespondance"],
            "rolle": "laege",
            "telefon_tid": 5,
            "tilfreds": "4",
        },
    }
    assert "Bedre kontinuitet\\nog færre skift" in text  # UTF-8, not escaped
    assert sorted(p.name for p in tmp_path.iterdir()) == ["svar.jsonl"]
    assert load_responses(path, "alle_typer") == RESPONSES


def test_append_response_ends_an_unfinished_last_line(tmp_path: Path) -> None:
    path = tmp_path / "svar.jsonl"
    path.write_text(response_lines(RESPONSES).rstrip("\n"), encoding="utf-8")
    extra = Response("r7", {"rolle": "laege", "tilfreds": "3", "kanaler": ("ingen",)})
    append_response(path, extra)
    loaded = load_responses(path, "alle_typer")
    assert loaded.responses == (*RESPONSES.responses, extra)


def test_response_lines_round_trip(tmp_path: Path) -> None:
    responses = synthetic_responses(FORM, 25, seed=9)
    path = tmp_path / "svar.jsonl"
    path.write_text(response_lines(responses), encoding="utf-8-sig")
    assert load_responses(path, "alle_typer") == responses
    assert response_lines(ResponseSet("tom", ())) == ""


def test_load_responses_reports_bad_lines_by_number(tmp_path: Path) -> None:
    path = tmp_path / "svar.jsonl"
    lines = response_lines(RESPONSES).splitlines()
    lines[1] = '{"respondent": "r2", "answers": '
    lines.insert(3, "")
    lines[4] = '{"respondent": "r4", "answers": {"rolle": true}, "alder": 3}'
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DocumentError) as info:
        load_responses(path, "alle_typer")
    assert info.value.source == str(path)
    assert [(p.line, p.path, p.message) for p in info.value.problems] == [
        (2, (), "not valid JSON: Expecting value"),
        (5, ("answers", "rolle"), "expected an option code, codes, a number or text, got True"),
        (5, ("alder",), "unknown key; expected one of respondent, answers, submitted"),
    ]


def test_load_responses_reports_duplicate_respondents(tmp_path: Path) -> None:
    path = tmp_path / "svar.jsonl"
    path.write_text(response_lines(RESPONSES) * 2, encoding="utf-8")
    with pytest.raises(DocumentError, match="duplicate respondent 'r1'"):
        load_responses(path, "alle_typer")


def test_load_responses_needs_a_questionnaire_for_json_lines(tmp_path: Path) -> None:
    path = tmp_path / "svar.jsonl"
    path.write_text(response_lines(RESPONSES), encoding="utf-8")
    with pytest.raises(TypeError, match="questionnaire="):
        load_responses(path)


@pytest.mark.parametrize("name", ["svar.json", "svar.yaml"])
def test_load_responses_reads_a_response_set_document(tmp_path: Path, name: str) -> None:
    responses = attrs.evolve(RESPONSES, platform="test")
    path = dump(responses, tmp_path / name)
    assert load_responses(path) == responses
    assert load_responses(path, "ignored for documents") == responses
