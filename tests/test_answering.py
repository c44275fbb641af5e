"""Answering a questionnaire in the terminal, driven by keys sent through a pipe.

Every prompt gets an explicit pipe input that is closed once the keys are sent, so a test that
runs out of keys fails (end of input) instead of waiting for a keyboard.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from prompt_toolkit.application import create_app_session
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput
from prompt_toolkit.output.plain_text import PlainTextOutput

from klyngepakke import cli
from klyngepakke.answering import (
    BACK,
    ResponseDiscardedError,
    answer_in_terminal,
    ask_question,
)
from klyngepakke.conversion import append_response, dump, load, load_responses
from klyngepakke.errors import DocumentError, KlyngepakkeError
from klyngepakke.model import (
    Answer,
    ClusterPackage,
    Option,
    Question,
    QuestionKind,
    Questionnaire,
    Response,
    Section,
)
from klyngepakke.testing import every_kind_questionnaire, synthetic_responses

DOWN, UP, ENTER, SPACE, CTRL_C, BACKSPACE = "\x1b[B", "\x1b[A", "\r", " ", "\x03", "\x7f"
AKUTFUNKTIONER = (
    Path(__file__).resolve().parents[1]
    / "plugins/klyngepakke-akutfunktioner/src/klyngepakke_akutfunktioner/package.yaml"
)


class Terminal:
    """Sends keys and keeps what the respondent would have seen, as plain text."""

    def __init__(self) -> None:
        self.screen = io.StringIO()

    @property
    def text(self) -> str:
        return self.screen.getvalue()

    def answer(
        self, keys: Sequence[str], path: Path, questionnaire: Questionnaire | None = None, **kw: Any
    ) -> Response:
        questionnaire = questionnaire or every_kind_questionnaire()
        with create_pipe_input() as keyboard:
            keyboard.send_text("".join(keys))
            keyboard.close()
            return answer_in_terminal(
                questionnaire, path, input=keyboard, output=PlainTextOutput(self.screen), **kw
            )

    def ask(self, keys: Sequence[str], question: Question, **kw: Any) -> Any:
        with create_pipe_input() as keyboard:
            keyboard.send_text("".join(keys))
            keyboard.close()
            return ask_question(question, input=keyboard, output=PlainTextOutput(self.screen), **kw)


@pytest.fixture
def terminal() -> Terminal:
    return Terminal()


@pytest.fixture
def refusals(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The messages prompts refuse an answer with, in order.

    Keys sent at once are handled before the screen is redrawn, so a refusal never reaches
    the plain-text screen; this records what the validators told questionary to show.
    """
    import questionary

    messages: list[str] = []

    def spying(prompt: Any) -> Any:
        def wrapped(*args: Any, validate: Any, **kwargs: Any) -> Any:
            def recording(value: Any) -> Any:
                verdict = validate(value)
                if verdict is not True:
                    messages.append(verdict)
                return verdict

            return prompt(*args, validate=recording, **kwargs)

        return wrapped

    monkeypatch.setattr(questionary, "text", spying(questionary.text))
    monkeypatch.setattr(questionary, "checkbox", spying(questionary.checkbox))
    return messages


@pytest.fixture
def out(tmp_path: Path) -> Path:
    return tmp_path / "svar.jsonl"


def saved(path: Path) -> list[Response]:
    return list(load_responses(path, "alle_typer").responses)


# Keys for every_kind_questionnaire, one entry per prompt:
ROLE_OTHER = DOWN * 2 + ENTER  # rolle: Andet -> rolle_andet is asked
ROLE_DOCTOR = ENTER  # rolle: Praktiserende læge
VERY_UNHAPPY = ENTER  # tilfreds: 1 -> forbedring is asked
DONT_KNOW = DOWN * 5 + ENTER  # tilfreds: Ved ikke (last, after the scale)
SAVE = ENTER
EARLIER = Response("r-1", {"rolle": "laege", "tilfreds": "1", "kanaler": ("telefon",)})


def test_every_kind_with_follow_ups_shown(terminal, out):
    keys = [
        ROLE_OTHER,
        "Sygeplejerske" + ENTER,
        "12" + ENTER,
        VERY_UNHAPPY,
        SPACE + DOWN + DOWN + SPACE + ENTER,  # kanaler: Telefon and Henvisning
        "5" + ENTER,  # telefon_tid, asked because of Telefon
        'Færre skift, "mere" kontinuitet' + ENTER,
        SAVE,
    ]
    response = terminal.answer(keys, out)

    assert response.answers == {
        "rolle": "andet",
        "rolle_andet": "Sygeplejerske",
        "aar_i_praksis": 12,
        "tilfreds": "1",
        "kanaler": ("telefon", "henvisning"),
        "telefon_tid": 5,
        "forbedring": 'Færre skift, "mere" kontinuitet',
    }
    assert response.respondent.startswith("t-")
    assert len(response.respondent) == len("t-") + 8
    assert response.submitted is not None
    assert saved(out) == [response]
    for seen in (
        "Prøveskema med alle spørgsmålstyper",
        "Tak fordi du vil svare.",
        "Om dig",
        "Samarbejdet med akutfunktionen",
        "De næste spørgsmål handler om de seneste tre måneder.",
        "Hvilken rolle har du?",
        "Gem besvarelsen?",
        "Telefon, Henvisning",
        "Tak! Besvarelsen er gemt.",
    ):
        assert seen in terminal.text


def test_conditions_hide_follow_ups(terminal, out):
    keys = [
        ROLE_DOCTOR,
        ENTER,  # aar_i_praksis: optional, skipped
        DONT_KNOW,
        DOWN * 3 + SPACE + ENTER,  # kanaler: only "Jeg kontakter den ikke"
        SAVE,
    ]
    response = terminal.answer(keys, out, respondent="r-1")

    assert response.respondent == "r-1"
    assert response.answers == {"rolle": "laege", "tilfreds": "ved_ikke", "kanaler": ("ingen",)}
    for hidden in ("Hvilken rolle har du?", "telefonen", "Hvad kan gøres bedre?"):
        assert hidden not in terminal.text
    assert "(ikke besvaret)" in terminal.text  # the summary shows the skipped question


def test_scale_options_in_order_with_dont_know_last(terminal):
    question = every_kind_questionnaire().question("tilfreds")
    assert terminal.ask([DOWN * 5 + ENTER], question) == "ved_ikke"
    labels = ["Meget uenig", "Uenig", "Hverken enig eller uenig", "Enig", "Meget enig"]
    positions = [terminal.text.index(label) for label in [*labels, "Ved ikke"]]
    assert positions == sorted(positions)
    assert "Spring over" not in terminal.text  # required
    assert "Tilbage" not in terminal.text  # nothing to go back to


def test_required_questions_cannot_be_skipped(terminal, out, refusals):
    keys = [
        ROLE_OTHER,
        ENTER + "Sygeplejerske" + ENTER,  # rolle_andet: empty refused, then answered
        ENTER,
        DONT_KNOW,
        ENTER + SPACE + ENTER,  # kanaler: nothing ticked refused, then Telefon
        ENTER,  # telefon_tid: optional, skipped
        SAVE,
    ]
    response = terminal.answer(keys, out)

    assert response.answers == {
        "rolle": "andet",
        "rolle_andet": "Sygeplejerske",
        "tilfreds": "ved_ikke",
        "kanaler": ("telefon",),
    }
    assert refusals == ["Spørgsmålet skal besvares.", "Spørgsmålet skal besvares."]


def test_optional_choice_can_be_skipped_explicitly(terminal):
    question = Question(
        "frivillig",
        "Hvilken dag passer bedst?",
        QuestionKind.SINGLE_CHOICE,
        options=(Option("man", "Mandag"), Option("tir", "Tirsdag")),
    )
    assert terminal.ask([DOWN * 2 + ENTER], question) is None
    several = Question(
        "dage",
        "Hvilke dage passer?",
        QuestionKind.MULTIPLE_CHOICE,
        options=(Option("man", "Mandag"), Option("tir", "Tirsdag")),
    )
    assert terminal.ask([DOWN * 2 + SPACE + ENTER], several) is None
    assert terminal.ask([ENTER], several) is None
    assert terminal.text.count("Spring over") >= 3


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("3,5", 3.5), ("3.5", 3.5), ("60", 60), ("0", 0), ("  7 ", 7), ("2,0", 2)],
)
def test_number_accepted(terminal, typed, expected):
    question = every_kind_questionnaire().question("aar_i_praksis")
    answer = terminal.ask([typed + ENTER], question)
    assert answer == expected
    assert type(answer) is type(expected)


def test_number_validation(terminal, refusals):
    question = every_kind_questionnaire().question("aar_i_praksis")
    keys = [
        "tolv" + ENTER,  # letters: refused
        BACKSPACE * 4 + "61" + ENTER,  # above the maximum: refused
        BACKSPACE * 2 + "-1" + ENTER,  # below the minimum: refused
        BACKSPACE * 2 + "3,5" + ENTER,
    ]
    assert terminal.ask(keys, question) == 3.5
    assert refusals == [
        "Skriv et tal, fx 12 eller 3,5.",
        "Tallet må højst være 60.",
        "Tallet skal være mindst 0.",
    ]
    assert "(0–60; tomt svar: spring over" in terminal.text


def test_exclusive_option_refused_with_others(terminal, refusals):
    question = every_kind_questionnaire().question("kanaler")
    keys = [
        SPACE + DOWN * 3 + SPACE + ENTER,  # Telefon and "Jeg kontakter den ikke": refused
        UP * 3 + SPACE + ENTER,  # untick Telefon
    ]
    assert terminal.ask(keys, question) == ("ingen",)
    # Checked on every tick too; the message is shown once Enter was pressed.
    assert set(refusals) == {"»Jeg kontakter den ikke« kan ikke vælges sammen med andre svar."}


def test_back_choice_and_back_input(terminal, refusals):
    questionnaire = every_kind_questionnaire()
    scale = questionnaire.question("tilfreds")
    assert terminal.ask([DOWN * 6 + ENTER], scale, can_go_back=True) is BACK
    several = questionnaire.question("kanaler")
    back_alone = [SPACE + DOWN * 4 + SPACE + ENTER, UP * 4 + SPACE + ENTER]
    assert terminal.ask(back_alone, several, can_go_back=True) is BACK
    assert set(refusals) == {"»← Tilbage« kan ikke vælges sammen med andre svar."}
    text = questionnaire.question("rolle_andet")
    assert terminal.ask(["<" + ENTER], text, can_go_back=True) is BACK
    assert terminal.ask(["<" + ENTER], text, previous="Sygeplejerske", can_go_back=True) is BACK
    number = questionnaire.question("aar_i_praksis")
    assert terminal.ask(["<" + ENTER], number, previous=12, can_go_back=True) is BACK
    # Without a previous question there is no going back: "<" is just text.
    assert terminal.ask(["<" + ENTER], text) == "<"


def test_going_back_keeps_earlier_answers_as_defaults(terminal, out):
    keys = [
        ROLE_OTHER,
        "Sygeplejerske" + ENTER,
        "<" + ENTER,  # aar_i_praksis: back to rolle_andet
        ENTER,  # rolle_andet keeps "Sygeplejerske"
        "12,5" + ENTER,
        DOWN * 6 + ENTER,  # tilfreds: back, past the note, to aar_i_praksis
        ENTER,  # keeps 12,5
        DONT_KNOW,
        ENTER + SPACE + ENTER,
        ENTER,
        SAVE,
    ]
    response = terminal.answer(keys, out)
    assert response.answers == {
        "rolle": "andet",
        "rolle_andet": "Sygeplejerske",
        "aar_i_praksis": 12.5,
        "tilfreds": "ved_ikke",
        "kanaler": ("telefon",),
    }


def test_changing_an_earlier_answer_hides_its_follow_up(terminal, out):
    keys = [
        ROLE_OTHER,
        "Sygeplejerske" + ENTER,
        "<" + ENTER,  # aar_i_praksis: back to rolle_andet
        "<" + ENTER,  # rolle_andet: back to rolle, which still points at Andet
        UP * 2 + ENTER,  # rolle: Praktiserende læge -> rolle_andet is hidden
        "7" + ENTER,
        DONT_KNOW,
        SPACE + ENTER,  # kanaler: Telefon -> telefon_tid
        "5" + ENTER,
        DOWN + ENTER,  # summary: back to telefon_tid
        "<" + ENTER,  # telefon_tid: back to kanaler, Telefon still ticked
        SPACE + DOWN * 2 + SPACE + ENTER,  # untick Telefon, tick Henvisning
        SAVE,
    ]
    response = terminal.answer(keys, out)

    assert response.answers == {
        "rolle": "laege",
        "aar_i_praksis": 7,
        "tilfreds": "ved_ikke",
        "kanaler": ("henvisning",),
    }
    assert saved(out) == [response]
    assert "Sygeplejerske" in terminal.text  # it was typed, then dropped
    assert terminal.text.rindex("Dine svar") > terminal.text.rindex("Sygeplejerske")


def test_saving_appends_to_an_existing_file(terminal, out):
    earlier = synthetic_responses(every_kind_questionnaire(), 3, seed=1).responses
    for response in earlier:
        append_response(out, response)
    before = out.read_bytes()

    response = terminal.answer(
        [ROLE_DOCTOR, ENTER, DONT_KNOW, SPACE + ENTER, ENTER, SAVE], out, respondent="r-new"
    )

    assert saved(out) == [*earlier, response]
    assert out.read_bytes().startswith(before)
    assert out.read_bytes().count(b"\n") == 4
    assert every_kind_questionnaire().response_problems(response) == []


def test_declining_saves_nothing(terminal, out):
    append_response(
        out, Response("r-1", {"rolle": "laege", "tilfreds": "1", "kanaler": ("telefon",)})
    )
    before = out.read_bytes()
    keys = [ROLE_DOCTOR, ENTER, DONT_KNOW, SPACE + ENTER, ENTER, DOWN * 2 + ENTER]
    with pytest.raises(ResponseDiscardedError):
        terminal.answer(keys, out)
    assert out.read_bytes() == before
    assert "Besvarelsen er ikke gemt." in terminal.text


def test_declining_with_no_file_creates_none(terminal, out):
    with pytest.raises(ResponseDiscardedError):
        terminal.answer([ROLE_DOCTOR, ENTER, DONT_KNOW, SPACE + ENTER, ENTER, UP + ENTER], out)
    assert not out.exists()
    assert list(out.parent.iterdir()) == []


@pytest.mark.parametrize(
    "keys",
    [
        [ROLE_DOCTOR, "12" + ENTER, DONT_KNOW, SPACE + CTRL_C],  # in a checkbox
        [ROLE_OTHER, "Syge" + CTRL_C],  # in a text question
        [CTRL_C],  # at the first question
        [ROLE_DOCTOR, ENTER, DONT_KNOW, SPACE + ENTER, ENTER, CTRL_C],  # at the confirmation
    ],
    ids=["checkbox", "text", "first", "confirmation"],
)
def test_interruption_saves_nothing(terminal, out, keys):
    earlier = synthetic_responses(every_kind_questionnaire(), 2).responses
    for response in earlier:
        append_response(out, response)
    before = out.read_bytes()
    with pytest.raises(KeyboardInterrupt):
        terminal.answer(keys, out)
    assert out.read_bytes() == before
    assert sorted(p.name for p in out.parent.iterdir()) == [out.name]
    assert "Afbrudt. Intet er gemt." in terminal.text


def test_end_of_input_is_an_interruption(terminal, out):
    with pytest.raises(KeyboardInterrupt):
        terminal.answer([ROLE_OTHER], out)  # Ctrl-D / closed input at rolle_andet
    assert not out.exists()


def test_respondent_already_in_the_file_is_refused_before_asking(terminal, out):
    append_response(
        out, Response("r-1", {"rolle": "laege", "tilfreds": "1", "kanaler": ("telefon",)})
    )
    with pytest.raises(KlyngepakkeError, match="'r-1' has already answered"):
        terminal.answer([], out, respondent="r-1")
    assert terminal.text == ""


def test_unusable_file_is_refused_before_asking(terminal, tmp_path):
    with pytest.raises(KlyngepakkeError, match=r"use a \.jsonl file"):
        terminal.answer([], tmp_path / "svar.yaml")
    with pytest.raises(KlyngepakkeError, match="no such folder"):
        terminal.answer([], tmp_path / "mangler" / "svar.jsonl")
    (tmp_path / "mappe.jsonl").mkdir()
    with pytest.raises(KlyngepakkeError, match="is a folder"):
        terminal.answer([], tmp_path / "mappe.jsonl")
    broken = tmp_path / "broken.jsonl"
    broken.write_text("not json\n", encoding="utf-8")
    with pytest.raises(DocumentError, match="line 1"):
        terminal.answer([], broken)
    assert terminal.text == ""


def test_descriptions_help_and_limits_are_shown(terminal, out, refusals):
    questionnaire = Questionnaire(
        "lille",
        "Lille skema",
        (
            Section(
                "praksis",
                "Din praksis",
                (
                    Question("laes", "Læs dette først.", QuestionKind.NOTE),
                    Question(
                        "antal",
                        "Hvor mange patienter?",
                        QuestionKind.NUMBER,
                        required=True,
                        maximum=100,
                        help="Skriv et helt tal.",
                    ),
                ),
                description="Om praksis som helhed.",
            ),
        ),
    )
    keys = [ENTER + "<" + ENTER + BACKSPACE + "12" + ENTER, SAVE]
    response = terminal.answer(keys, out, questionnaire)

    assert response.answers == {"antal": 12}
    assert refusals == ["Spørgsmålet skal besvares.", "Skriv et tal, fx 12 eller 3,5."]
    for seen in ("Din praksis", "Om praksis som helhed.", "Læs dette først.", "Skriv et helt tal."):
        assert seen in terminal.text
    assert "(højst 100)" in terminal.text
    assert "Tilbage" not in terminal.text.split("Dine svar")[0].split("Læs dette først.")[1]


def test_number_without_limits(terminal):
    question = Question("tal", "Et tal", QuestionKind.NUMBER)
    assert terminal.ask(["-2,25" + ENTER], question) == -2.25
    assert terminal.ask([ENTER], question) is None


def test_note_is_shown_without_an_answer(terminal):
    note = every_kind_questionnaire().question("info")
    assert terminal.ask([], note) is None
    assert "seneste tre måneder" in terminal.text


def _keys_choosing_second_options(
    questionnaire: Questionnaire,
) -> tuple[list[str], dict[str, Answer]]:
    """Keys answering every question shown (second option, first checkbox, text "ok")."""
    keys: list[str] = []
    answers: dict[str, Answer] = {}
    for question in questionnaire.questions():
        if question.kind is QuestionKind.NOTE or question not in questionnaire.shown(answers):
            continue
        if question.kind is QuestionKind.MULTIPLE_CHOICE:
            keys.append(SPACE + ENTER)
            answers[question.code] = (question.options[0].code,)
        elif question.kind.has_options:
            keys.append(DOWN + ENTER)
            answers[question.code] = question.options[1].code
        elif question.kind is QuestionKind.NUMBER:
            keys.append("1" + ENTER)
            answers[question.code] = 1
        else:
            keys.append("ok" + ENTER)
            answers[question.code] = "ok"
    return [*keys, SAVE], answers


def test_akutfunktioner_questionnaire(terminal, out):
    questionnaire = load(AKUTFUNKTIONER, ClusterPackage).questionnaire
    assert questionnaire is not None
    keys, expected = _keys_choosing_second_options(questionnaire)
    assert "patientgrupper_henvist" in expected  # the follow-ups are asked

    response = terminal.answer(keys, out, questionnaire)

    assert response.answers == expected
    assert list(load_responses(out, questionnaire.id).responses) == [response]


# -- the command line -------------------------------------------------------------------------


@pytest.fixture
def questionnaire_file(tmp_path: Path) -> Path:
    return dump(every_kind_questionnaire(), tmp_path / "skema.yaml")


@pytest.fixture
def keyboard(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """A pipe every prompt reads from, as if a person were at the terminal."""
    monkeypatch.setattr(cli, "is_interactive", lambda: True)
    with create_pipe_input() as pipe, create_app_session(input=pipe, output=DummyOutput()):
        yield pipe


def test_cli_answer(keyboard, questionnaire_file, out, capsys):
    keyboard.send_text(ROLE_DOCTOR + ENTER + DONT_KNOW + SPACE + ENTER + ENTER + SAVE)
    keyboard.close()
    code = cli.main(["survey", "answer", str(questionnaire_file), "--out", str(out)])
    assert code == 0
    [response] = saved(out)
    assert capsys.readouterr().out == f"saved response {response.respondent} to {out}\n"
    assert response.respondent.startswith("t-")

    code = cli.main(
        ["survey", "answer", str(questionnaire_file), "--out", str(out), "--respondent", "r-2"]
    )
    assert code == 130  # no keys left: end of input
    assert len(saved(out)) == 1


def test_cli_answer_with_respondent(keyboard, questionnaire_file, out, capsys):
    keyboard.send_text(ROLE_DOCTOR + ENTER + DONT_KNOW + SPACE + ENTER + ENTER + SAVE)
    keyboard.close()
    argv = ["survey", "answer", str(questionnaire_file), "--out", str(out)]
    assert cli.main([*argv, "--respondent", "r-7"]) == 0
    assert [r.respondent for r in saved(out)] == ["r-7"]
    assert "saved response r-7" in capsys.readouterr().out


def test_cli_answer_interrupted(keyboard, questionnaire_file, out, capsys):
    keyboard.send_text(ROLE_DOCTOR + CTRL_C)
    keyboard.close()
    assert cli.main(["survey", "answer", str(questionnaire_file), "--out", str(out)]) == 130
    assert "interrupted" in capsys.readouterr().err
    assert not out.exists()


def test_cli_answer_declined(keyboard, questionnaire_file, out, capsys):
    keyboard.send_text(ROLE_DOCTOR + ENTER + DONT_KNOW + SPACE + ENTER + ENTER + UP + ENTER)
    keyboard.close()
    assert cli.main(["survey", "answer", str(questionnaire_file), "--out", str(out)]) == 1
    assert "not saved" in capsys.readouterr().err
    assert not out.exists()


def test_cli_answer_needs_a_terminal(monkeypatch, questionnaire_file, out, capsys):
    monkeypatch.setattr(cli, "is_interactive", lambda: False)
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["survey", "answer", str(questionnaire_file), "--out", str(out)])
    assert exit_info.value.code == 2
    assert "needs a person at a terminal" in capsys.readouterr().err
    assert not out.exists()
