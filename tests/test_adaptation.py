"""Local versions of a standard questionnaire, and the diff that shows what they changed."""

from __future__ import annotations

import json
from pathlib import Path

import attrs
import pytest

from klyngepakke.adaptation import (
    AdaptationError,
    AddQuestion,
    DiffKind,
    LocalAdaptation,
    RemoveQuestion,
    adapt,
    diff_questionnaires,
    render_diff,
)
from klyngepakke.cli import main
from klyngepakke.conversion import dump, load
from klyngepakke.errors import ModelError
from klyngepakke.hookspecs import hookimpl
from klyngepakke.model import (
    Basis,
    ClusterPackage,
    Condition,
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
from klyngepakke.testing import every_kind_questionnaire, registered_plugins, synthetic_responses
from klyngepakke.topics import Topic

CLUSTER = Origin.CLUSTER
MUNICIPALITY = Origin.MUNICIPALITY
SINGLE = QuestionKind.SINGLE_CHOICE
AKUT_PACKAGE = (
    Path(__file__).resolve().parents[1]
    / "plugins/klyngepakke-akutfunktioner/src/klyngepakke_akutfunktioner/package.yaml"
)
YES_NO = (Option("ja", "Ja"), Option("nej", "Nej"))


def akut() -> Questionnaire:
    questionnaire = load(AKUT_PACKAGE, ClusterPackage).questionnaire
    assert questionnaire is not None
    return questionnaire


def codes(questionnaire: Questionnaire) -> list[str]:
    return [q.code for q in questionnaire.questions()]


def small() -> Questionnaire:
    """Two short sections: enough for exact output."""
    return Questionnaire(
        id="lille",
        title="Et lille skema",
        version="2",
        sections=(
            Section(
                "a",
                "Første afsnit",
                (
                    Question("aftale", "Har I en aftale?", SINGLE, options=YES_NO, required=True),
                    Question(
                        "hvilken",
                        "Hvilken aftale?",
                        QuestionKind.TEXT,
                        show_if=Condition("aftale", ("ja",)),
                    ),
                    Question("antal", "Antal læger", QuestionKind.NUMBER, minimum=1, maximum=20),
                ),
            ),
            Section(
                "b",
                "Andet afsnit",
                (Question("bemaerk", "Andre bemærkninger", QuestionKind.TEXT),),
            ),
        ),
    )


def with_contact() -> Questionnaire:
    """The small questionnaire with a third section, whose question has three options."""
    options = (Option("telefon", "Telefon"), Option("mail", "Mail"), Option("brev", "Brev"))
    kanal = Question("kanal", "Hvordan kontakter I kommunen?", SINGLE, options=options)
    return attrs.evolve(small(), sections=(*small().sections, Section("c", "Kontakt", (kanal,))))


# -- building local versions ------------------------------------------------------------------


def test_every_operation_on_the_every_kind_questionnaire():
    standard = every_kind_questionnaire()
    extra = Question(
        "kommune",
        "Hvilken kommune ligger praksis i?",
        SINGLE,
        options=(Option("aalborg", "Aalborg"), Option("jammerbugt", "Jammerbugt")),
    )
    local = (
        adapt(standard)
        .add_question(
            extra, section="om_dig", after="rolle_andet", by=CLUSTER, reason="To kommuner."
        )
        .remove_question("aar_i_praksis", by=MUNICIPALITY, reason="Vi kender svaret.")
        .reword_question("rolle", text="Hvilken funktion har du?", by=MUNICIPALITY, reason="Sprog.")
        .reword_question(
            "tilfreds", help="Tænk på de seneste tre måneder.", by=CLUSTER, reason="Tid."
        )
        .add_option(
            "rolle",
            Option("sygeplejerske", "Sygeplejerske"),
            before="andet",
            by=CLUSTER,
            reason="Sygeplejersker svarer også.",
        )
        .remove_option("kanaler", "henvisning", by=MUNICIPALITY, reason="Bruges ikke her.")
        .reword_option(
            "kanaler",
            "telefon",
            "Telefon (direkte nummer)",
            by=MUNICIPALITY,
            reason="Vi har et direkte nummer.",
        )
        .set_required("tilfreds", False, by=CLUSTER, reason="Frivilligt.")
        .set_condition(
            "forbedring",
            Condition("tilfreds", ("1", "2", "3")),
            by=CLUSTER,
            reason="Også de neutrale.",
        )
        .move_question(
            "kanaler", section="samarbejde", before="tilfreds", by=CLUSTER, reason="Kontakt først."
        )
        .reword_section(
            "samarbejde",
            title="Samarbejdet med Aalborg Kommune",
            by=MUNICIPALITY,
            reason="Vores navn.",
        )
        .add_section(
            Section("til_sidst", "Til sidst", (Question("andet", "Andet?", QuestionKind.TEXT),)),
            by=CLUSTER,
            reason="Plads til resten.",
        )
        .reword_introduction("Kære kolleger i klyngen.", by=CLUSTER, reason="Personligt.")
    )
    q = local.questionnaire
    assert (q.id, q.version, q.title) == ("alle_typer", "1+lokal", standard.title)
    assert codes(q) == [
        "rolle",
        "rolle_andet",
        "kommune",
        "info",
        "kanaler",
        "tilfreds",
        "telefon_tid",
        "forbedring",
        "andet",
    ]
    assert [s.code for s in q.sections] == ["om_dig", "samarbejde", "til_sidst"]
    assert q.sections[1].title == "Samarbejdet med Aalborg Kommune"
    assert q.introduction == "Kære kolleger i klyngen."
    added = q.question("kommune")
    assert added.provenance == Provenance(CLUSTER, "To kommuner.")
    assert {o.provenance for o in added.options} == {Provenance(CLUSTER, "To kommuner.")}
    assert q.question("andet").provenance == Provenance(CLUSTER, "Plads til resten.")
    rolle = q.question("rolle")
    assert rolle.text == "Hvilken funktion har du?"
    assert rolle.provenance == Provenance(MUNICIPALITY, "Sprog.")
    assert [o.code for o in rolle.options] == [
        "laege",
        "uddannelseslaege",
        "sygeplejerske",
        "andet",
    ]
    assert rolle.option("sygeplejerske").provenance == Provenance(
        CLUSTER, "Sygeplejersker svarer også."
    )
    assert rolle.option("laege").provenance == Provenance()
    kanaler = q.question("kanaler")
    assert [o.code for o in kanaler.options] == ["telefon", "korrespondance", "ingen"]
    assert kanaler.option("telefon").label == "Telefon (direkte nummer)"
    assert kanaler.provenance == Provenance(MUNICIPALITY, "Bruges ikke her.")
    tilfreds = q.question("tilfreds")
    assert (tilfreds.required, tilfreds.help) == (False, "Tænk på de seneste tre måneder.")
    assert tilfreds.provenance == Provenance(CLUSTER, "Tid.; Frivilligt.")
    assert q.question("forbedring").show_if == Condition("tilfreds", ("1", "2", "3"))
    # What comparability rests on: every standard question left has its code, kind and values.
    for question in q.questions():
        if question.code in codes(standard):
            old = standard.question(question.code)
            assert question.kind is old.kind
            for option in question.options:
                if option.code in {o.code for o in old.options}:
                    assert option.value == old.option(option.code).value
    # The standard is untouched, each step is a new version, and the local one works.
    assert standard == every_kind_questionnaire()
    assert len(local.changes) == 13
    assert local.adaptation.apply(standard) == q
    assert synthetic_responses(q, 30, seed=2).problems_against(q) == []


def test_akutfunktioner_local_version():
    standard = akut()
    with pytest.raises(AdaptationError) as raised:
        adapt(standard).remove_question("kendskab_0124", by=CLUSTER, reason="Kendes af alle.")
    assert str(raised.value) == (
        "cannot remove question 'kendskab_0124': 'brug_0124', 'afregning_0124' are shown "
        "depending on it: remove them, or change their condition, first"
    )
    visit = Question(
        "besoeg_aftale",
        "Ved du, at akutfunktionen kan komme på besøg samme dag?",
        SINGLE,
        options=YES_NO,
        required=True,
    )
    local = (
        adapt(standard, version="1.0-aalborg")
        .remove_question("afregning_0124", by=CLUSTER, reason="Vi ser det i ydelsesdata.")
        .remove_question("brug_0124", by=CLUSTER, reason="Vi ser det i ydelsesdata.")
        .remove_question("kendskab_0124", by=CLUSTER, reason="Ydelsen er gennemgået på et møde.")
        .add_question(
            visit,
            section="henvisning",
            after="henvisningsvej",
            by=MUNICIPALITY,
            reason="Ny ordning fra 1. marts.",
        )
        .add_option(
            "henvisningsvej",
            Option("app", "Via kommunens app"),
            before="andet",
            by=MUNICIPALITY,
            reason="Appen er ny.",
        )
        .reword_option(
            "oplevelse_kapacitet",
            "ved_ikke",
            "Ved ikke / ikke relevant",
            by=CLUSTER,
            reason="Mange har ikke henvist.",
        )
        .set_required("forslag", True, by=CLUSTER, reason="Vi vil høre alle.")
    )
    q = local.questionnaire
    assert q.version == "1.0-aalborg"
    assert not {"kendskab_0124", "brug_0124", "afregning_0124"} & set(codes(q))
    assert codes(q)[codes(q).index("henvisningsvej") + 1] == "besoeg_aftale"
    assert [o.code for o in q.question("henvisningsvej").options][-2:] == ["app", "andet"]
    assert synthetic_responses(q, 25).problems_against(q) == []
    kinds = [(e.kind, e.question, e.option) for e in local.diff().entries]
    assert kinds == [
        (DiffKind.OPTION_RELABELLED, "oplevelse_kapacitet", "ved_ikke"),
        (DiffKind.QUESTION_REMOVED, "kendskab_0124", None),
        (DiffKind.QUESTION_REMOVED, "brug_0124", None),
        (DiffKind.QUESTION_REMOVED, "afregning_0124", None),
        (DiffKind.OPTION_ADDED, "henvisningsvej", "app"),
        (DiffKind.QUESTION_ADDED, "besoeg_aftale", None),
        (DiffKind.REQUIRED, "forslag", None),
    ]
    removed = [e for e in local.diff().entries if e.kind is DiffKind.QUESTION_REMOVED]
    assert [e.reason for e in removed] == [
        "Ydelsen er gennemgået på et møde.",
        "Vi ser det i ydelsesdata.",
        "Vi ser det i ydelsesdata.",
    ]


def test_a_removed_standard_code_is_never_reused():
    local = adapt(small()).remove_question("antal", by=CLUSTER, reason="Kendt.")
    again = Question("antal", "Hvor mange læger og sygeplejersker?", QuestionKind.NUMBER)
    with pytest.raises(AdaptationError, match="never reused for another question") as raised:
        local.add_question(again, section="a", by=CLUSTER, reason="Nyt spørgsmål.")
    assert str(raised.value).startswith(
        "cannot add question 'antal': 'antal' is the code of a standard question removed in "
        "this local version"
    )
    section = Section("c", "Nyt", (again,))
    with pytest.raises(AdaptationError, match="never reused"):
        local.add_section(section, by=CLUSTER, reason="Nyt afsnit.")
    renamed = Question("antal_personale", again.text, QuestionKind.NUMBER)
    fine = local.add_question(renamed, section="a", by=CLUSTER, reason="Nyt spørgsmål.")
    assert codes(fine.questionnaire) == ["aftale", "hvilken", "antal_personale", "bemaerk"]


def test_duplicate_codes_are_refused():
    local = adapt(small()).add_question(
        Question("ny", "Nyt spørgsmål", SINGLE, options=YES_NO),
        section="a",
        by=CLUSTER,
        reason="Ny.",
    )
    with pytest.raises(AdaptationError, match="there is already a question 'ny'"):
        local.add_question(
            Question("ny", "Igen", QuestionKind.TEXT), section="b", by=CLUSTER, reason="Igen."
        )
    with pytest.raises(AdaptationError, match="'hvilken' is already a question of the standard"):
        local.add_question(
            Question("hvilken", "Igen", QuestionKind.TEXT), section="b", by=CLUSTER, reason="x"
        )
    with pytest.raises(AdaptationError, match="the question already has an option 'ja'"):
        local.add_option("ny", Option("ja", "Ja"), by=CLUSTER, reason="x")
    with pytest.raises(AdaptationError, match="it is a text question, which has no options"):
        local.add_option("hvilken", Option("ja", "Ja"), by=CLUSTER, reason="x")
    with pytest.raises(AdaptationError, match="'ja' is already an option of the standard"):
        local.add_option("aftale", Option("ja", "Jo"), by=CLUSTER, reason="x")
    with pytest.raises(AdaptationError, match="'a' is already a section of the standard"):
        local.add_section(
            Section("a", "Igen", (Question("z", "Z", QuestionKind.TEXT),)), by=CLUSTER, reason="x"
        )


def test_a_removed_option_code_is_never_reused():
    standard = every_kind_questionnaire()
    local = adapt(standard).remove_option("rolle", "uddannelseslaege", by=CLUSTER, reason="Ingen.")
    with pytest.raises(AdaptationError, match="standard option removed in this local version"):
        local.add_option(
            "rolle", Option("uddannelseslaege", "Læge i uddannelse"), by=CLUSTER, reason="x"
        )
    with pytest.raises(AdaptationError, match=r"option 'uddannelseslaege' is no longer in the"):
        local.reword_option("rolle", "uddannelseslaege", "X", by=CLUSTER, reason="x")


def test_conditions_must_refer_to_earlier_questions_that_are_still_there():
    local = adapt(small())
    with pytest.raises(AdaptationError) as raised:
        local.remove_question("aftale", by=CLUSTER, reason="x")
    assert "'hvilken' is shown depending on it: remove it, or change its condition" in str(
        raised.value
    )
    with pytest.raises(AdaptationError, match="'hvilken' is shown depending on it: change its"):
        local.remove_option("aftale", "ja", by=CLUSTER, reason="x")
    gone = local.remove_question("hvilken", by=CLUSTER, reason="x").remove_question(
        "aftale", by=CLUSTER, reason="x"
    )
    follow = Question(
        "opfoelg", "Hvorfor?", QuestionKind.TEXT, show_if=Condition("aftale", ("ja",))
    )
    with pytest.raises(AdaptationError) as raised:
        gone.add_question(follow, section="a", by=CLUSTER, reason="x")
    assert str(raised.value) == (
        "cannot add question 'opfoelg': its condition: 'aftale' is not an earlier question"
    )
    with pytest.raises(
        AdaptationError, match=r"condition: 'maaske' is not an option of 'aftale' \(ja, nej\)$"
    ):
        local.set_condition("antal", Condition("aftale", ("nej", "maaske")), by=CLUSTER, reason="x")
    with pytest.raises(AdaptationError, match="'antal' is not an earlier question"):
        local.set_condition("aftale", Condition("antal", ("1",)), by=CLUSTER, reason="x")
    with pytest.raises(AdaptationError, match="the 'hvilken' question's condition: 'aftale' is n"):
        local.move_question("aftale", section="a", after="hvilken", by=CLUSTER, reason="x")
    elsewhere = local.add_question(
        Question("mere", "Mere?", QuestionKind.TEXT, show_if=Condition("aftale", ("ja",))),
        section="b",
        by=CLUSTER,
        reason="x",
    )
    with pytest.raises(AdaptationError) as raised:
        elsewhere.remove_section("a", by=CLUSTER, reason="x")
    assert str(raised.value) == (
        "cannot remove section 'a': 'mere' in other sections is shown depending on its "
        "questions: remove it, or change its condition, first"
    )


def test_removing_the_last_question_of_a_section_removes_the_section():
    local = adapt(small()).remove_question("bemaerk", by=MUNICIPALITY, reason="Ingen fritekst.")
    assert [s.code for s in local.questionnaire.sections] == ["a"]
    with pytest.raises(AdaptationError, match="section 'b' is no longer in the local version"):
        local.add_question(
            Question("x", "X", QuestionKind.TEXT), section="b", by=CLUSTER, reason="x"
        )
    kinds = [(e.kind, e.section, e.question) for e in local.diff().entries]
    assert kinds == [
        (DiffKind.SECTION_REMOVED, "b", None),
        (DiffKind.QUESTION_REMOVED, "b", "bemaerk"),
    ]
    moved = adapt(small()).move_question("bemaerk", section="a", by=CLUSTER, reason="Samlet.")
    assert [s.code for s in moved.questionnaire.sections] == ["a"]
    with pytest.raises(AdaptationError, match="no questions would be left"):
        (
            adapt(small())
            .remove_section("b", by=CLUSTER, reason="x")
            .remove_question("hvilken", by=CLUSTER, reason="x")
            .remove_question("aftale", by=CLUSTER, reason="x")
            .remove_question("antal", by=CLUSTER, reason="x")
        )


def test_changes_need_an_origin_a_reason_and_one_place():
    with pytest.raises(ModelError, match="asked for by the cluster or the municipality"):
        RemoveQuestion("antal", by=Origin.STANDARD, reason="x")
    with pytest.raises(ModelError, match="reason: must not be empty"):
        adapt(small()).remove_question("antal", by=CLUSTER, reason=" ")
    with pytest.raises(ModelError, match="give after or before, not both"):
        AddQuestion(
            Question("x", "X", QuestionKind.TEXT), "a", "aftale", "antal", by=CLUSTER, reason="x"
        )
    with pytest.raises(ModelError, match="give a new text, a new help text, or both"):
        adapt(small()).reword_question("antal", by=CLUSTER, reason="x")


def test_unknown_and_pointless_changes_are_refused():
    local = adapt(small())
    with pytest.raises(AdaptationError, match=r"no question 'antl' \(did you mean 'antal'\?\)"):
        local.reword_question("antl", text="X", by=CLUSTER, reason="x")
    with pytest.raises(AdaptationError, match="there is no section 'c'"):
        local.add_question(
            Question("x", "X", QuestionKind.TEXT), section="c", by=CLUSTER, reason="x"
        )
    with pytest.raises(AdaptationError, match="no question in the section 'zz' to put it after"):
        local.add_question(
            Question("x", "X", QuestionKind.TEXT), section="a", after="zz", by=CLUSTER, reason="x"
        )
    with pytest.raises(AdaptationError, match="the question has no option 'maaske'"):
        local.remove_option("aftale", "maaske", by=CLUSTER, reason="x")
    with pytest.raises(AdaptationError, match="it is already required"):
        local.set_required("aftale", True, by=CLUSTER, reason="x")
    with pytest.raises(AdaptationError, match="already like that"):
        local.reword_question("antal", text="Antal læger", by=CLUSTER, reason="x")
    with pytest.raises(AdaptationError, match="it is already there"):
        local.move_question("antal", section="a", by=CLUSTER, reason="x")
    with pytest.raises(ModelError, match="invalid RewordQuestion: text: must not be empty"):
        local.reword_question("antal", help="", text="", by=CLUSTER, reason="x")
    with pytest.raises(AdaptationError, match="needs at least two options"):
        local.remove_option("aftale", "nej", by=CLUSTER, reason="x")
    with pytest.raises(AdaptationError, match="a note cannot be required"):
        adapt(every_kind_questionnaire()).set_required("info", True, by=CLUSTER, reason="x")


def test_where_added_options_go():
    local = adapt(every_kind_questionnaire())
    scale = local.add_option("tilfreds", Option("6", "Helt enig", 6), by=CLUSTER, reason="x")
    assert scale.questionnaire.question("tilfreds").options[5].code == "6"
    with pytest.raises(
        AdaptationError, match=r"scale values must strictly increase, got \[1, 2, 3, 3"
    ):
        local.add_option("tilfreds", Option("lige", "Midt", 3), by=CLUSTER, reason="x")
    with pytest.raises(AdaptationError, match="options off the scale"):
        local.add_option(
            "tilfreds", Option("seks", "Helt enig", 6), after="ved_ikke", by=CLUSTER, reason="x"
        )
    off = local.add_option("tilfreds", Option("irr", "Ikke relevant"), by=CLUSTER, reason="x")
    assert [o.code for o in off.questionnaire.question("tilfreds").options][-2:] == [
        "ved_ikke",
        "irr",
    ]
    ordinary = local.add_option("kanaler", Option("mail", "Mail"), by=CLUSTER, reason="x")
    assert [o.code for o in ordinary.questionnaire.question("kanaler").options][-2:] == [
        "mail",
        "ingen",
    ]
    exclusive = local.add_option(
        "kanaler", Option("ved_ikke", "Ved ikke", exclusive=True), by=CLUSTER, reason="x"
    )
    assert exclusive.questionnaire.question("kanaler").options[-1].code == "ved_ikke"
    first = local.add_option(
        "rolle", Option("ingen", "Ingen af dem"), before="laege", by=CLUSTER, reason="x"
    )
    assert first.questionnaire.question("rolle").options[0].code == "ingen"


def test_provenance_of_a_question_changed_twice():
    local = (
        adapt(small())
        .reword_question("antal", text="Hvor mange læger?", by=CLUSTER, reason="Klarere.")
        .set_required("antal", True, by=MUNICIPALITY, reason="Vi skal bruge tallet.")
    )
    assert local.questionnaire.question("antal").provenance == Provenance(
        MUNICIPALITY, "Klyngen: Klarere.; Kommunen: Vi skal bruge tallet."
    )


def test_an_adaptation_applies_only_to_its_standard():
    adaptation = adapt(small()).remove_question("antal", by=CLUSTER, reason="x").adaptation
    assert adaptation == LocalAdaptation("lille", "2", adaptation.changes)
    with pytest.raises(AdaptationError, match="adapts 'lille' version 2, not 'lille' version 3"):
        adaptation.apply(attrs.evolve(small(), version="3"))


# -- what a local questionnaire records -------------------------------------------------------


def test_a_local_version_records_its_standard_and_what_it_removed_and_moved():
    assert adapt(small()).questionnaire.based_on == Basis("lille", "2")
    standard = with_contact()
    local = (
        adapt(standard)
        .move_question("antal", section="a", before="aftale", by=CLUSTER, reason="Tal først.")
        # Section c is left empty and dropped: that is no removal of its own.
        .move_question("kanal", section="a", by=MUNICIPALITY, reason="Alt i ét afsnit.")
        .move_question("kanal", section="b", before="bemaerk", by=CLUSTER, reason="Til sidst.")
        .remove_option("kanal", "brev", by=MUNICIPALITY, reason="Ingen breve.")
        .remove_question("antal", by=CLUSTER, reason="Kendt.")
    )
    assert local.questionnaire.based_on == Basis(
        "lille",
        "2",
        removed=(
            Removal(
                question="kanal", option="brev", provenance=Provenance(MUNICIPALITY, "Ingen breve.")
            ),
            Removal(question="antal", provenance=Provenance(CLUSTER, "Kendt.")),
        ),
        # The latest move of a question counts; a question moved and then removed was removed.
        moved=(Move("kanal", Provenance(CLUSTER, "Til sidst.")),),
    )
    assert local.adaptation.apply(standard) == local.questionnaire
    # What goes with a removed section or question is not recorded again, nor is its move.
    gone = local.remove_section("b", by=MUNICIPALITY, reason="Ikke her.").questionnaire.based_on
    assert gone is not None
    assert [(r.describe(), r.provenance.reason) for r in gone.removed] == [
        ("option 'brev' of question 'kanal'", "Ingen breve."),
        ("question 'antal'", "Kendt."),
        ("section 'b'", "Ikke her."),
    ]
    assert gone.moved == ()


def test_a_local_version_of_a_local_version_keeps_the_original_standard():
    standard = with_contact()
    first = (
        adapt(standard)
        .remove_question("antal", by=CLUSTER, reason="Kendt.")
        .add_question(
            Question("kontakt", "Hvem er jeres kontaktperson?", QuestionKind.TEXT),
            section="b",
            by=MUNICIPALITY,
            reason="Til opfølgning.",
        )
    )
    second = (
        adapt(first.questionnaire, version="2+aalborg")
        .remove_option("kanal", "brev", by=MUNICIPALITY, reason="Ingen breve.")
        .remove_question("kontakt", by=CLUSTER, reason="Vi ringer selv.")
    )
    basis = second.questionnaire.based_on
    assert basis is not None
    assert (basis.standard, basis.version) == ("lille", "2")
    assert [r.describe() for r in basis.removed] == [
        "question 'antal'",
        "option 'brev' of question 'kanal'",
        "question 'kontakt'",
    ]

    def who(diff):
        return [(e.kind, e.question, e.option, e.by, e.reason) for e in diff.entries]

    # Against the original standard, every removal along the way still says who and why ...
    assert who(diff_questionnaires(standard, second.questionnaire)) == [
        (DiffKind.QUESTION_REMOVED, "antal", None, CLUSTER, "Kendt."),
        (DiffKind.OPTION_REMOVED, "kanal", "brev", MUNICIPALITY, "Ingen breve."),
    ]
    # ... and against the local version it adapts, so do its own removals.
    assert who(diff_questionnaires(first.questionnaire, second.questionnaire)) == [
        (DiffKind.QUESTION_REMOVED, "kontakt", None, CLUSTER, "Vi ringer selv."),
        (DiffKind.OPTION_REMOVED, "kanal", "brev", MUNICIPALITY, "Ingen breve."),
    ]
    assert diff_questionnaires(first.questionnaire, second.questionnaire) == second.diff()


def test_a_code_removed_in_the_version_adapted_is_never_reused():
    first = (
        adapt(with_contact())
        .remove_question("antal", by=CLUSTER, reason="Kendt.")
        .remove_option("kanal", "brev", by=MUNICIPALITY, reason="Ingen breve.")
        .remove_section("b", by=MUNICIPALITY, reason="Ikke her.")
    )
    second = adapt(first.questionnaire)
    removed = "is the code of a standard {} removed in this local version"
    with pytest.raises(AdaptationError, match=removed.format("question")):
        second.add_question(
            Question("antal", "Antal?", QuestionKind.NUMBER), section="a", by=CLUSTER, reason="x"
        )
    with pytest.raises(AdaptationError, match=removed.format("option")):
        second.add_option("kanal", Option("brev", "Brev"), by=CLUSTER, reason="x")
    with pytest.raises(AdaptationError, match=removed.format("section")):
        second.add_section(
            Section("b", "B", (Question("ny", "Ny?", QuestionKind.TEXT),)), by=CLUSTER, reason="x"
        )


def test_recorded_changes_win_over_the_record_in_the_questionnaire():
    local = adapt(small()).remove_question("antal", by=CLUSTER, reason="Kendt.")
    asked = RemoveQuestion("antal", by=MUNICIPALITY, reason="Kommunen spurgte.")
    entries = diff_questionnaires(small(), local.questionnaire, changes=(asked,)).entries
    assert [(e.kind, e.by, e.reason) for e in entries] == [
        (DiffKind.QUESTION_REMOVED, MUNICIPALITY, "Kommunen spurgte.")
    ]


# -- diff -------------------------------------------------------------------------------------


def test_no_changes():
    diff = diff_questionnaires(small(), small())
    assert not diff.changed
    assert render_diff(diff) == (
        "Spørgeskema: Et lille skema\n"
        "Standard: lille, version 2\n"
        "Lokal: lille, version 2\n"
        "\n"
        "Ingen ændringer.\n"
    )
    assert adapt(small()).diff().to_data()["changes"] == []


def test_render_a_small_local_version_exactly():
    local = (
        adapt(small())
        .reword_question(
            "aftale",
            text="Har I en skriftlig aftale?",
            by=MUNICIPALITY,
            reason="Kun skriftlige aftaler tæller.",
        )
        .add_option(
            "aftale", Option("ved_ikke", "Ved ikke"), by=CLUSTER, reason="Ikke alle kender aftalen."
        )
        .remove_question("antal", by=CLUSTER, reason="Vi kender antallet.")
        .add_question(
            Question("kontakt", "Hvem er jeres kontaktperson?", QuestionKind.TEXT),
            section="b",
            before="bemaerk",
            by=MUNICIPALITY,
            reason="Til opfølgning.",
        )
        .set_condition(
            "hvilken",
            Condition("aftale", ("ja", "ved_ikke")),
            by=CLUSTER,
            reason="Også dem, der ikke ved det.",
        )
    )
    assert render_diff(local.diff()) == (
        "Spørgeskema: Et lille skema\n"
        "Standard: lille, version 2\n"
        "Lokal: lille, version 2+lokal\n"
        "\n"
        "Afsnit: Første afsnit (a)\n"
        "  - Spørgsmål omformuleret af kommunen: aftale\n"
        '    Før: "Har I en aftale?"\n'
        '    Nu: "Har I en skriftlig aftale?"\n'
        "    Begrundelse: Kun skriftlige aftaler tæller.\n"
        '  - Svarmulighed tilføjet af klyngen: aftale → ved_ikke: "Ved ikke"\n'
        "    Begrundelse: Ikke alle kender aftalen.\n"
        "  - Betingelse ændret af klyngen: hvilken\n"
        "    Før: vises kun, når aftale er besvaret med ja\n"
        "    Nu: vises kun, når aftale er besvaret med ja eller ved_ikke\n"
        "    Begrundelse: Også dem, der ikke ved det.\n"
        "  - Spørgsmål fjernet af klyngen: antal (Tal)\n"
        '    "Antal læger"\n'
        "    Begrundelse: Vi kender antallet.\n"
        "\n"
        "Afsnit: Andet afsnit (b)\n"
        "  - Spørgsmål tilføjet af kommunen: kontakt (Fritekst)\n"
        '    "Hvem er jeres kontaktperson?"\n'
        "    Begrundelse: Til opfølgning.\n"
        "\n"
        "I alt 5 ændringer.\n"
    )


def hand_edited() -> tuple[Questionnaire, Questionnaire]:
    """A standard and a local file edited by hand, with one of every kind of difference."""
    standard = every_kind_questionnaire()
    om_dig, samarbejde = standard.sections
    rolle, rolle_andet, aar = om_dig.questions
    info, tilfreds, kanaler, telefon_tid, forbedring = samarbejde.questions
    local_prov = Provenance(CLUSTER, "Lokalt ønske.")
    new_rolle = attrs.evolve(
        rolle,
        text="Hvad laver du?",
        kind=QuestionKind.MULTIPLE_CHOICE,
        required=False,
        provenance=local_prov,
    )
    new_aar = attrs.evolve(
        aar, text="Din alder?", kind=QuestionKind.TEXT, minimum=None, maximum=None
    )
    new_tilfreds = attrs.evolve(
        tilfreds,
        help="Svar ærligt.",
        options=(
            *(attrs.evolve(o, value=int(o.code) * 10) for o in tilfreds.options[:5]),
            tilfreds.options[5],
        ),
    )
    telefon, korrespondance, _henvisning, ingen = kanaler.options
    new_kanaler = attrs.evolve(
        kanaler,
        options=(
            korrespondance,
            attrs.evolve(telefon, label="Telefonen"),
            attrs.evolve(ingen, exclusive=False),
            Option("sms", "Sms"),
        ),
    )
    new_telefon_tid = attrs.evolve(telefon_tid, maximum=120, show_if=None)
    local = attrs.evolve(
        standard,
        id="alle_typer_lokal",
        title="Lokalt skema",
        introduction="",
        version="7",
        sections=(
            attrs.evolve(
                samarbejde,
                title="Samarbejde",
                description="Om akutfunktionen.",
                questions=(info, new_tilfreds),
            ),
            attrs.evolve(om_dig, questions=(new_rolle, rolle_andet)),
            Section("nyt", "Nyt afsnit", (new_aar, forbedring, new_kanaler, new_telefon_tid)),
        ),
    )
    return standard, local


def test_every_kind_of_difference():
    standard, local = hand_edited()
    diff = diff_questionnaires(standard, local)
    found = {e.kind for e in diff.entries}
    # A question is either reused (text and kind changed) or changed in kind only.
    kind_only = diff_questionnaires(
        standard,
        attrs.evolve(
            standard,
            sections=(
                attrs.evolve(
                    standard.sections[0],
                    questions=(
                        *standard.sections[0].questions[:2],
                        attrs.evolve(
                            standard.sections[0].questions[2],
                            kind=QuestionKind.TEXT,
                            minimum=None,
                            maximum=None,
                        ),
                    ),
                ),
                standard.sections[1],
            ),
        ),
    )
    found |= {e.kind for e in kind_only.entries}
    reordered = adapt(standard).move_question(
        "kanaler", section="samarbejde", after="info", by=CLUSTER, reason="x"
    )
    found |= {e.kind for e in reordered.diff().entries}
    section_removed = adapt(standard).remove_section("om_dig", by=CLUSTER, reason="x")
    found |= {e.kind for e in section_removed.diff().entries}
    added = (
        adapt(standard)
        .reword_question("tilfreds", text="Samarbejdet fungerer godt.", by=CLUSTER, reason="x")
        .set_required("kanaler", False, by=CLUSTER, reason="x")
        .add_question(
            Question("x", "X?", QuestionKind.TEXT), section="om_dig", by=CLUSTER, reason="x"
        )
    )
    found |= {e.kind for e in added.diff().entries}
    assert found == set(DiffKind)
    assert diff.breaks_comparison
    assert [e.kind for e in kind_only.entries] == [DiffKind.KIND, DiffKind.LIMITS]
    assert kind_only.entries[0].breaks_comparison


def test_render_every_kind_of_difference():
    standard, local = hand_edited()
    text = render_diff(diff_questionnaires(standard, local))
    assert text == (
        "Spørgeskema: Lokalt skema\n"
        "Standard: alle_typer, version 1\n"
        "Lokal: alle_typer_lokal, version 7\n"
        "\n"
        "Hele skemaet\n"
        "  ! Skemaets id ændret\n"
        "    Før: alle_typer\n"
        "    Nu: alle_typer_lokal\n"
        "  - Titel ændret\n"
        '    Før: "Prøveskema med alle spørgsmålstyper"\n'
        '    Nu: "Lokalt skema"\n'
        "  - Indledning ændret\n"
        '    Før: "Tak fordi du vil svare. Det tager fem minutter."\n'
        "    Nu: (ingen)\n"
        "\n"
        "Afsnit: Samarbejde (samarbejde)\n"
        "  - Afsnittets titel ændret\n"
        '    Før: "Samarbejdet med akutfunktionen"\n'
        '    Nu: "Samarbejde"\n'
        "  - Afsnittets beskrivelse ændret\n"
        "    Før: (ingen)\n"
        '    Nu: "Om akutfunktionen."\n'
        "  - Hjælpetekst ændret: tilfreds\n"
        "    Før: (ingen)\n"
        '    Nu: "Svar ærligt."\n'
        "  ! Skalaværdi ændret: tilfreds → 1: 1 → 10\n"
        "  ! Skalaværdi ændret: tilfreds → 2: 2 → 20\n"
        "  ! Skalaværdi ændret: tilfreds → 3: 3 → 30\n"
        "  ! Skalaværdi ændret: tilfreds → 4: 4 → 40\n"
        "  ! Skalaværdi ændret: tilfreds → 5: 5 → 50\n"
        "\n"
        "Afsnit: Om dig (om_dig)\n"
        "  ! Koden er genbrugt til et andet spørgsmål af klyngen: rolle\n"
        '    Før: "Hvad er din rolle i praksis?"\n'
        '    Nu: "Hvad laver du?"\n'
        "    Begrundelse: Lokalt ønske.\n"
        "\n"
        "Afsnit: Nyt afsnit (nyt)\n"
        "  - Afsnit tilføjet\n"
        "  - Spørgsmål flyttet hertil: aar_i_praksis (fra afsnit om_dig)\n"
        '    "Din alder?"\n'
        "  ! Koden er genbrugt til et andet spørgsmål: aar_i_praksis\n"
        '    Før: "Hvor mange år har du arbejdet i almen praksis?"\n'
        '    Nu: "Din alder?"\n'
        "  - Spørgsmål flyttet hertil: forbedring (fra afsnit samarbejde)\n"
        '    "Hvad kan gøres bedre? Skriv gerne æ, ø og å."\n'
        "  - Spørgsmål flyttet hertil: kanaler (fra afsnit samarbejde)\n"
        '    "Hvordan kontakter du akutfunktionen?"\n'
        '  - Svarmulighed fjernet: kanaler → henvisning: "Henvisning"\n'
        "    Hvem og hvorfor er ikke angivet.\n"
        "  - Svarmulighed omformuleret: kanaler → telefon\n"
        '    Før: "Telefon"\n'
        '    Nu: "Telefonen"\n'
        "  - Svarmuligheden udelukker ikke længere de andre: kanaler → ingen\n"
        '  - Svarmulighed tilføjet: kanaler → sms: "Sms"\n'
        "    Hvem og hvorfor er ikke angivet.\n"
        "  - Svarmulighedernes rækkefølge ændret: kanaler\n"
        "    Før: telefon, korrespondance, ingen\n"
        "    Nu: korrespondance, telefon, ingen\n"
        "  - Spørgsmål flyttet hertil: telefon_tid (fra afsnit samarbejde)\n"
        '    "Hvor lang tid venter du typisk i telefonen (minutter)?"\n'
        "  - Betingelse ændret: telefon_tid\n"
        "    Før: vises kun, når kanaler er besvaret med telefon\n"
        "    Nu: vises altid\n"
        "  - Grænser ændret: telefon_tid\n"
        "    Før: mindst 0\n"
        "    Nu: 0–120\n"
        "\n"
        "I alt 25 ændringer.\n"
        "8 af dem (markeret med !) gør svarene usammenlignelige med standardens, fx med en "
        "baseline.\n"
    )


def test_a_recorded_move_is_the_one_shown():
    standard = every_kind_questionnaire()
    # Swapping two neighbours: either could be "the one that moved"; the record decides.
    local = adapt(standard).move_question(
        "tilfreds", section="samarbejde", after="kanaler", by=CLUSTER, reason="Kontakt først."
    )
    moved = [(e.kind, e.question, e.new, e.reason) for e in local.diff().entries]
    assert moved == [(DiffKind.QUESTION_REORDERED, "tilfreds", "kanaler", "Kontakt først.")]
    # The local questionnaire records the move, so a diff of files shows the same.
    assert diff_questionnaires(standard, local.questionnaire) == local.diff()
    # Without the record (a file edited by hand), the diff can only guess.
    by_hand = attrs.evolve(local.questionnaire, based_on=None)
    assert [(e.kind, e.question, e.by) for e in diff_questionnaires(standard, by_hand).entries] == [
        (DiffKind.QUESTION_REORDERED, "kanaler", None)
    ]


def test_to_data_is_plain_json():
    local = (
        adapt(small())
        .set_condition("hvilken", Condition("aftale", ("ja", "nej")), by=CLUSTER, reason="Alle.")
        .remove_question("antal", by=MUNICIPALITY, reason="Kendt.")
    )
    data = json.loads(json.dumps(local.diff().to_data()))
    assert data == {
        "standard": {"id": "lille", "version": "2", "title": "Et lille skema"},
        "local": {"id": "lille", "version": "2+lokal", "title": "Et lille skema"},
        "changed": True,
        "breaks_comparison": False,
        "changes": [
            {
                "kind": "condition",
                "section": "a",
                "question": "hvilken",
                "option": None,
                "text": "Hvilken aftale?",
                "old": {"question": "aftale", "any_of": ["ja"]},
                "new": {"question": "aftale", "any_of": ["ja", "nej"]},
                "by": "cluster",
                "reason": "Alle.",
                "breaks_comparison": False,
                "options": [],
            },
            {
                "kind": "question_removed",
                "section": "a",
                "question": "antal",
                "option": None,
                "text": "Antal læger",
                "old": "number",
                "new": None,
                "by": "municipality",
                "reason": "Kendt.",
                "breaks_comparison": False,
                "options": [],
            },
        ],
    }
    limits = diff_questionnaires(
        small(),
        attrs.evolve(
            small(),
            sections=(
                attrs.evolve(
                    small().sections[0],
                    questions=(
                        *small().sections[0].questions[:2],
                        attrs.evolve(small().question("antal"), maximum=None),
                    ),
                ),
                small().sections[1],
            ),
        ),
    )
    assert [(c["old"], c["new"]) for c in limits.to_data()["changes"]] == [([1, 20], [1, None])]
    assert "Før: 1–20\n    Nu: mindst 1\n" in render_diff(limits)


def test_a_saved_local_questionnaire_keeps_who_and_why(tmp_path):
    local = (
        adapt(small())
        .reword_option("aftale", "nej", "Nej, ikke endnu", by=MUNICIPALITY, reason="Den kommer.")
        .remove_question("antal", by=CLUSTER, reason="Kendt.")
    )
    path = dump(local.questionnaire, tmp_path / "lokal.yaml")
    loaded = load(path, Questionnaire)
    assert loaded == local.questionnaire
    entries = diff_questionnaires(small(), loaded).entries
    assert [(e.kind, e.by, e.reason) for e in entries] == [
        (DiffKind.OPTION_RELABELLED, MUNICIPALITY, "Den kommer."),
        # The removed question left a record in ``based_on``.
        (DiffKind.QUESTION_REMOVED, CLUSTER, "Kendt."),
    ]
    assert diff_questionnaires(small(), loaded) == local.diff()


# -- command line ---------------------------------------------------------------------------


def test_cli_diff_of_two_files(tmp_path, capsys):
    local = adapt(small()).remove_question("antal", by=CLUSTER, reason="Vi kender antallet.")
    standard_file = dump(small(), tmp_path / "standard.yaml")
    local_file = dump(local.questionnaire, tmp_path / "lokal.json")
    assert main(["questionnaire", "diff", str(standard_file), str(local_file)]) == 0
    out = capsys.readouterr().out
    assert out == render_diff(local.diff())
    assert (
        "  - Spørgsmål fjernet af klyngen: antal (Tal)\n"
        '    "Antal læger"\n'
        "    Begrundelse: Vi kender antallet.\n"
    ) in out
    # A file edited by hand does not say who removed a question, or why, and the output says so.
    by_hand = dump(attrs.evolve(local.questionnaire, based_on=None), tmp_path / "haand.yaml")
    assert main(["questionnaire", "diff", str(standard_file), str(by_hand)]) == 0
    assert (
        "  - Spørgsmål fjernet: antal (Tal)\n"
        '    "Antal læger"\n'
        "    Hvem og hvorfor er ikke angivet.\n"
    ) in capsys.readouterr().out
    assert main(["questionnaire", "diff", str(standard_file), str(standard_file)]) == 0
    assert capsys.readouterr().out.endswith("\nIngen ændringer.\n")


def test_cli_diff_json(tmp_path, capsys):
    extra = Question("kontakt", "Kontaktperson?", QuestionKind.TEXT)
    local = adapt(small()).add_question(extra, section="b", by=MUNICIPALITY, reason="Opfølgning.")
    standard_file = dump(small(), tmp_path / "standard.json")
    local_file = dump(local.questionnaire, tmp_path / "lokal.yaml")
    assert main(["questionnaire", "diff", str(standard_file), str(local_file), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["changes"] == [
        {
            "kind": "question_added",
            "section": "b",
            "question": "kontakt",
            "option": None,
            "text": "Kontaktperson?",
            "old": None,
            "new": "text",
            "by": "municipality",
            "reason": "Opfølgning.",
            "breaks_comparison": False,
            "options": [],
        }
    ]


def test_cli_diff_of_two_saved_files_says_who_removed_what_and_why(tmp_path, capsys):
    local = (
        adapt(with_contact())
        .remove_question("antal", by=CLUSTER, reason="Vi kender antallet.")
        .remove_option("kanal", "brev", by=MUNICIPALITY, reason="Vi sender ikke breve.")
        .reword_question(
            "kanal", text="Hvordan kontakter I oftest kommunen?", by=CLUSTER, reason="Det oftest."
        )
        .remove_section("b", by=MUNICIPALITY, reason="Bemærkninger tager vi på mødet.")
    )
    standard_file = dump(with_contact(), tmp_path / "standard.yaml")
    local_file = dump(local.questionnaire, tmp_path / "lokal.yaml")
    json_file = dump(local.questionnaire, tmp_path / "lokal.json")
    assert load(local_file, Questionnaire) == load(json_file, Questionnaire) == local.questionnaire
    assert main(["questionnaire", "diff", str(standard_file), str(local_file)]) == 0
    assert capsys.readouterr().out == (
        "Spørgeskema: Et lille skema\n"
        "Standard: lille, version 2\n"
        "Lokal: lille, version 2+lokal\n"
        "\n"
        "Afsnit: Første afsnit (a)\n"
        "  - Spørgsmål fjernet af klyngen: antal (Tal)\n"
        '    "Antal læger"\n'
        "    Begrundelse: Vi kender antallet.\n"
        "\n"
        "Afsnit: Kontakt (c)\n"
        "  - Spørgsmål omformuleret af klyngen: kanal\n"
        '    Før: "Hvordan kontakter I kommunen?"\n'
        '    Nu: "Hvordan kontakter I oftest kommunen?"\n'
        "    Begrundelse: Kommunen: Vi sender ikke breve.; Klyngen: Det oftest.\n"
        '  - Svarmulighed fjernet af kommunen: kanal → brev: "Brev"\n'
        "    Begrundelse: Vi sender ikke breve.\n"
        "\n"
        "Afsnit: Andet afsnit (b)\n"
        "  - Afsnit fjernet af kommunen\n"
        "    Begrundelse: Bemærkninger tager vi på mødet.\n"
        "  - Spørgsmål fjernet af kommunen: bemaerk (Fritekst)\n"
        '    "Andre bemærkninger"\n'
        "    Begrundelse: Bemærkninger tager vi på mødet.\n"
        "\n"
        "I alt 5 ændringer.\n"
    )
    assert main(["questionnaire", "diff", str(standard_file), str(json_file), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data == json.loads(json.dumps(local.diff().to_data()))
    assert [
        (c["kind"], c["question"], c["option"], c["by"], c["reason"]) for c in data["changes"]
    ] == [
        ("question_removed", "antal", None, "cluster", "Vi kender antallet."),
        (
            "question_reworded",
            "kanal",
            None,
            "cluster",
            "Kommunen: Vi sender ikke breve.; Klyngen: Det oftest.",
        ),
        ("option_removed", "kanal", "brev", "municipality", "Vi sender ikke breve."),
        ("section_removed", None, None, "municipality", "Bemærkninger tager vi på mødet."),
        ("question_removed", "bemaerk", None, "municipality", "Bemærkninger tager vi på mødet."),
    ]


class EveryKindTopic:
    """An in-test topic whose package's questionnaire is the every-kind questionnaire."""

    def __init__(self, make_package) -> None:
        self.make_package = make_package

    @hookimpl
    def register_topics(self, register) -> None:
        def package() -> ClusterPackage:
            base = self.make_package("allekinds", "Alle slags")
            return attrs.evolve(base, questionnaire=every_kind_questionnaire())

        register(Topic("allekinds", "Alle slags spørgsmål", package))


def test_cli_diff_with_a_topic_as_standard(tmp_path, capsys, make_package):
    local = adapt(every_kind_questionnaire()).reword_option(
        "rolle", "andet", "Andet (skriv hvad)", by=CLUSTER, reason="Tydeligere."
    )
    local_file = dump(local.questionnaire, tmp_path / "lokal.yaml")
    with registered_plugins(EveryKindTopic(make_package)):
        assert main(["questionnaire", "diff", "allekinds", str(local_file)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(
        "Spørgeskema: Prøveskema med alle spørgsmålstyper\n"
        "Standard: alle_typer, version 1\n"
        "Lokal: alle_typer, version 1+lokal\n"
    )
    assert (
        "Afsnit: Om dig (om_dig)\n"
        "  - Svarmulighed omformuleret af klyngen: rolle → andet\n"
        '    Før: "Andet"\n'
        '    Nu: "Andet (skriv hvad)"\n'
        "    Begrundelse: Tydeligere.\n"
    ) in out


def test_cli_diff_with_the_akutfunktioner_package_file(tmp_path, capsys):
    local = adapt(akut()).remove_question("forslag", by=MUNICIPALITY, reason="Vi holder et møde.")
    local_file = dump(local.questionnaire, tmp_path / "lokal.yaml")
    assert main(["questionnaire", "diff", str(AKUT_PACKAGE), str(local_file), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["standard"] == {
        "id": "akutfunktioner",
        "version": "1.0",
        "title": "Samarbejdet med kommunens akutfunktion",
    }
    assert [(c["kind"], c["question"]) for c in data["changes"]] == [
        ("question_removed", "forslag")
    ]


def test_cli_diff_of_something_that_is_not_a_questionnaire(tmp_path, capsys, cluster):
    path = dump(cluster, tmp_path / "klynge.yaml")
    with pytest.raises(SystemExit) as raised:
        main(["questionnaire", "diff", str(path), str(path)])
    assert raised.value.code == 2
    assert "is a Cluster, not a questionnaire" in capsys.readouterr().err
