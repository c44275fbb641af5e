"""Answer a questionnaire in the terminal, one question at a time.

The respondent sees only the questions the conditions show, can skip optional questions, go
back to change an answer, and confirms before anything is saved. A finished response is
appended to a JSON lines file atomically; an interrupted session saves nothing.

Prompts are questionary's (imported only when a question is asked). Every function takes the
prompt_toolkit ``input`` and ``output`` to use, so tests can drive it with pipe input.
"""

from __future__ import annotations

import datetime as dt
import enum
import secrets
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Literal

from klyngepakke.errors import KlyngepakkeError, ModelError
from klyngepakke.model import Answer, Question, QuestionKind, Questionnaire, Response, Section

if TYPE_CHECKING:
    from prompt_toolkit.input import Input
    from prompt_toolkit.output import Output

__all__ = [
    "BACK",
    "BACK_INPUT",
    "Back",
    "ResponseDiscardedError",
    "answer_in_terminal",
    "ask_question",
]


class Back(enum.Enum):
    """The respondent asked to return to the previous question."""

    BACK = "back"


BACK: Final = Back.BACK
"""What :func:`ask_question` returns when the respondent goes back."""

BACK_INPUT: Final = "<"
"""Typed into a text or number question (alone, or after the earlier answer the prompt shows),
goes back to the previous question."""

# Values of the extra choices; "<" and spaces never occur in option codes.
_BACK_CHOICE: Final = "<tilbage>"
_SKIP_CHOICE: Final = "<spring over>"
_BACK_LABEL: Final = "← Tilbage"
_SKIP_LABEL: Final = "Spring over"

_REQUIRED_MESSAGE: Final = "Spørgsmålet skal besvares."

_STYLE_TITLE: Final = "bold underline"
_STYLE_SECTION: Final = "bold"
_STYLE_HINT: Final = "italic fg:ansibrightblack"
_STYLE_QMARK: Final = "fg:#5f819d bold"
_STYLE_ANSWER: Final = "fg:#ff9d00 bold"


class ResponseDiscardedError(KlyngepakkeError):
    """The respondent chose not to save the response."""


def answer_in_terminal(
    questionnaire: Questionnaire,
    path: str | Path,
    *,
    respondent: str | None = None,
    input: Input | None = None,
    output: Output | None = None,
) -> Response:
    """Ask ``questionnaire`` in the terminal and append the response to ``path`` (``.jsonl``).

    ``respondent`` is the respondent's id (a code, never a name); without it a new random id
    like ``t-3f9a0c1e`` is made. The response is saved only when the respondent confirms.
    Ctrl-C raises :class:`KeyboardInterrupt` and saves nothing; declining at the end raises
    :class:`ResponseDiscardedError`. ``input`` and ``output`` are prompt_toolkit's (default: the
    terminal).
    """
    from klyngepakke.conversion import append_response

    path = Path(path)
    taken = _respondents_in(path, questionnaire.id)
    if respondent is None:
        respondent = _new_respondent(taken)
    elif respondent in taken:
        raise KlyngepakkeError(f"{path}: respondent {respondent!r} has already answered")
    terminal = _Terminal(input, output)
    try:
        answers = _interview(questionnaire, terminal)
    except (KeyboardInterrupt, EOFError):
        terminal.say(("bold", "\nAfbrudt. Intet er gemt."))
        raise KeyboardInterrupt from None
    if answers is None:
        terminal.say(("bold", "Besvarelsen er ikke gemt."))
        raise ResponseDiscardedError("the response was not saved: the respondent declined")
    response = Response(
        respondent, answers, submitted=dt.datetime.now().astimezone().replace(microsecond=0)
    )
    problems = questionnaire.response_problems(response)
    if problems:  # the interview asks exactly what the questionnaire allows; this is a bug
        raise ModelError("response", problems)
    append_response(path, response)
    terminal.say(("bold", "Tak! Besvarelsen er gemt."))
    return response


def ask_question(
    question: Question,
    previous: Answer | None = None,
    *,
    can_go_back: bool = False,
    input: Input | None = None,
    output: Output | None = None,
) -> Answer | Literal[Back.BACK] | None:
    """Ask one question; its answer, ``None`` when skipped, or :data:`BACK`.

    ``previous`` (an earlier answer) is the default. Required questions cannot be skipped.
    Notes have no answer: they are shown and give ``None``. Ctrl-C raises
    :class:`KeyboardInterrupt`.
    """
    return _ask(question, previous, can_go_back, _Terminal(input, output))


# -- the interview ----------------------------------------------------------------------------


def _interview(questionnaire: Questionnaire, terminal: _Terminal) -> dict[str, Answer] | None:
    """Every answer in questionnaire order, or ``None`` when the respondent declines to save."""
    terminal.say((_STYLE_TITLE, questionnaire.title))
    if questionnaire.introduction.strip():
        terminal.say(("", questionnaire.introduction.strip()))
    terminal.say(
        (
            _STYLE_HINT,
            f"Vælg »{_BACK_LABEL}« eller skriv {BACK_INPUT} for at gå tilbage. "
            "Intet gemmes, før du bekræfter til sidst.",
        )
    )
    section_of = {q.code: s for s in questionnaire.sections for q in s.questions}
    answers: dict[str, Answer] = {}
    position = 0
    current_section: Section | None = None
    while True:
        shown = questionnaire.shown(answers)
        previous = _previous_question(shown, position)
        if position >= len(shown):
            decision = _confirm(shown, answers, previous is not None, terminal)
            if decision == "save":
                return {q.code: answers[q.code] for q in shown if q.code in answers}
            if decision == "discard":
                return None
            assert previous is not None
            position = previous
            continue
        question = shown[position]
        section = section_of[question.code]
        if section is not current_section:
            current_section = section
            terminal.say(("", ""), (_STYLE_SECTION, section.title))
            if section.description.strip():
                terminal.say(("", section.description.strip()))
        result = _ask(question, answers.get(question.code), previous is not None, terminal)
        if result is BACK:
            assert previous is not None
            position = previous
            continue
        if result is None:
            answers.pop(question.code, None)
        else:
            answers[question.code] = result
        # A changed answer can hide later questions: forget what they were answered.
        visible = {q.code for q in questionnaire.shown(answers)}
        for code in [code for code in answers if code not in visible]:
            del answers[code]
        position += 1


def _previous_question(shown: Sequence[Question], position: int) -> int | None:
    """The position of the last question before ``position`` that has an answer to change."""
    for index in range(min(position, len(shown)) - 1, -1, -1):
        if shown[index].kind is not QuestionKind.NOTE:
            return index
    return None


def _confirm(
    shown: Sequence[Question],
    answers: Mapping[str, Answer],
    can_go_back: bool,
    terminal: _Terminal,
) -> str:
    """Show a summary; ``"save"``, ``"discard"`` or ``"back"``."""
    terminal.say(("", ""), (_STYLE_SECTION, "Dine svar"))
    for question in shown:
        if question.kind is QuestionKind.NOTE:
            continue
        answer = answers.get(question.code)
        shown_answer = "(ikke besvaret)" if answer is None else _describe(question, answer)
        terminal.say(("", f"  {question.text}"))
        terminal.say((_STYLE_ANSWER if answer is not None else _STYLE_HINT, f"    {shown_answer}"))
    choices = [("save", "Ja, gem besvarelsen")]
    if can_go_back:
        choices.append(("back", f"{_BACK_LABEL} og ret et svar"))
    choices.append(("discard", "Nej, gem ikke"))
    return terminal.select("Gem besvarelsen?", choices, "save")


def _describe(question: Question, answer: Answer) -> str:
    """An answer as the respondent chose it: labels rather than codes, numbers the Danish way."""
    labels = {option.code: option.label for option in question.options}
    if isinstance(answer, tuple):
        return ", ".join(labels.get(code, code) for code in answer)
    if isinstance(answer, str):
        return labels.get(answer, answer)
    return _format_number(answer)


def _format_number(value: float) -> str:
    """``3,5``; whole numbers without decimals."""
    return str(_whole(value)).replace(".", ",")


# -- one question -----------------------------------------------------------------------------


def _ask(
    question: Question, previous: Answer | None, can_go_back: bool, terminal: _Terminal
) -> Answer | Literal[Back.BACK] | None:
    if question.kind is QuestionKind.NOTE:
        terminal.say(("italic", question.text))
        return None
    if question.help.strip():
        terminal.say((_STYLE_HINT, question.help.strip()))
    if question.kind is QuestionKind.MULTIPLE_CHOICE:
        return _ask_several(question, previous, can_go_back, terminal)
    if question.kind.has_options:
        return _ask_one(question, previous, can_go_back, terminal)
    if question.kind is QuestionKind.NUMBER:
        return _ask_number(question, previous, can_go_back, terminal)
    return _ask_text(question, previous, can_go_back, terminal)


def _ask_one(
    question: Question, previous: Answer | None, can_go_back: bool, terminal: _Terminal
) -> str | Literal[Back.BACK] | None:
    """A single choice or a point on a scale; scale options stay in order, "ved ikke" last."""
    choices = [(option.code, option.label) for option in question.options]
    codes = {code for code, _ in choices}
    default = previous if isinstance(previous, str) and previous in codes else None
    extras = _extra_choices(question, can_go_back)
    chosen = terminal.select(question.text, choices, default, extras)
    if chosen == _BACK_CHOICE:
        return BACK
    return None if chosen == _SKIP_CHOICE else chosen


def _ask_several(
    question: Question, previous: Answer | None, can_go_back: bool, terminal: _Terminal
) -> tuple[str, ...] | Literal[Back.BACK] | None:
    """Any number of options; an exclusive option and the extra choices stand alone."""
    choices = [(option.code, option.label) for option in question.options]
    extras = _extra_choices(question, can_go_back)
    labels = dict(choices + extras)
    alone = {option.code for option in question.options if option.exclusive}
    alone |= {value for value, _ in extras}

    def validate(selected: Sequence[str]) -> bool | str:
        if not selected:
            return _REQUIRED_MESSAGE if question.required else True
        for value in selected:
            if value in alone and len(selected) > 1:
                return f"»{labels[value]}« kan ikke vælges sammen med andre svar."
        return True

    checked = set(previous) if isinstance(previous, tuple) else set()
    instruction = "(mellemrum vælger, Enter går videre)"
    selected = terminal.checkbox(question.text, choices, extras, checked, validate, instruction)
    if selected == [_BACK_CHOICE]:
        return BACK
    if not selected or selected == [_SKIP_CHOICE]:
        return None
    return tuple(selected)


def _extra_choices(question: Question, can_go_back: bool) -> list[tuple[str, str]]:
    """The choices to skip (optional questions only) and to go back, after the options."""
    extras = [] if question.required else [(_SKIP_CHOICE, _SKIP_LABEL)]
    return [*extras, (_BACK_CHOICE, _BACK_LABEL)] if can_go_back else extras


def _ask_number(
    question: Question, previous: Answer | None, can_go_back: bool, terminal: _Terminal
) -> int | float | Literal[Back.BACK] | None:
    """A whole or decimal number (``3,5`` or ``3.5``) within the question's limits."""
    default = "" if not isinstance(previous, int | float) else _format_number(previous)

    def validate(text: str) -> bool | str:
        if can_go_back and _goes_back(text, default):
            return True
        text = text.strip()
        if not text and not question.required:
            return True
        if not text:
            return _REQUIRED_MESSAGE
        try:
            value = _parse_number(text)
        except ValueError:
            return "Skriv et tal, fx 12 eller 3,5."
        if question.minimum is not None and value < question.minimum:
            return f"Tallet skal være mindst {_format_number(question.minimum)}."
        if question.maximum is not None and value > question.maximum:
            return f"Tallet må højst være {_format_number(question.maximum)}."
        return True

    instruction = _text_instruction(question, can_go_back, _limits(question))
    text = terminal.text(question.text, default, validate, instruction)
    if can_go_back and _goes_back(text, default):
        return BACK
    return _parse_number(text) if text else None


def _ask_text(
    question: Question, previous: Answer | None, can_go_back: bool, terminal: _Terminal
) -> str | Literal[Back.BACK] | None:
    def validate(text: str) -> bool | str:
        return _REQUIRED_MESSAGE if question.required and not text.strip() else True

    default = previous if isinstance(previous, str) else ""
    text = terminal.text(
        question.text, default, validate, _text_instruction(question, can_go_back, "")
    )
    if can_go_back and _goes_back(text, default):
        return BACK
    return text or None


def _goes_back(text: str, default: str) -> bool:
    """Whether ``text`` is :data:`BACK_INPUT`, alone or typed after the default answer.

    Going back to a text question puts its earlier answer in the line; typing ``<`` after it
    must still go back, without erasing the answer first.
    """
    text = text.strip()
    return text.endswith(BACK_INPUT) and text[: -len(BACK_INPUT)].strip() in ("", default.strip())


def _text_instruction(question: Question, can_go_back: bool, limits: str) -> str:
    hints = [limits] if limits else []
    if not question.required:
        hints.append("tomt svar: spring over")
    if can_go_back:
        hints.append(f"{BACK_INPUT}: tilbage")
    return f"({'; '.join(hints)})" if hints else ""


def _limits(question: Question) -> str:
    low, high = question.minimum, question.maximum
    if low is not None and high is not None:
        return f"{_format_number(low)}–{_format_number(high)}"
    if low is not None:
        return f"mindst {_format_number(low)}"
    if high is not None:
        return f"højst {_format_number(high)}"
    return ""


def _parse_number(text: str) -> int | float:
    """A number as typed; whole numbers become ``int``. ``ValueError`` for anything else."""
    from klyngepakke.tables import parse_number

    return _whole(parse_number(text))


def _whole(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


# -- the terminal -----------------------------------------------------------------------------


def _respondents_in(path: Path, questionnaire: str) -> set[str]:
    """Respondents already in ``path``; a file that cannot take another line fails now.

    Checked before the first question, so nobody answers a questionnaire that cannot be saved.
    """
    from klyngepakke.conversion import load_responses

    if path.suffix.lower() != ".jsonl":
        raise KlyngepakkeError(f"{path}: responses are saved as JSON lines; use a .jsonl file")
    if path.is_dir():
        raise KlyngepakkeError(f"{path}: is a folder; give a file name")
    if not path.parent.is_dir():
        raise KlyngepakkeError(f"{path.parent}: no such folder")
    if not path.exists():
        return set()
    return {response.respondent for response in load_responses(path, questionnaire).responses}


def _new_respondent(taken: set[str]) -> str:
    while (respondent := f"t-{secrets.token_hex(4)}") in taken:
        pass  # pragma: no cover - one in four billion
    return respondent


class _Terminal:
    """Prompts and printed text on one prompt_toolkit input and output."""

    def __init__(self, input: Input | None, output: Output | None) -> None:
        self.io: dict[str, Any] = {}
        if input is not None:
            self.io["input"] = input
        if output is not None:
            self.io["output"] = output

    def say(self, *fragments: tuple[str, str]) -> None:
        """Print styled text and a line break."""
        from prompt_toolkit import print_formatted_text
        from prompt_toolkit.formatted_text import FormattedText

        print_formatted_text(FormattedText(list(fragments)), output=self.io.get("output"))

    def select(
        self,
        message: str,
        choices: Sequence[tuple[str, str]],
        default: str | None,
        extras: Sequence[tuple[str, str]] = (),
    ) -> str:
        """One value of ``(value, label)`` pairs among ``choices`` and, after a line, ``extras``."""
        import questionary

        options = _choices(choices, extras)
        question = questionary.select(
            message,
            choices=options,
            default=default,
            instruction="(piletaster og Enter)",
            **self.io,
        )
        return str(_answer(question))

    def checkbox(
        self,
        message: str,
        choices: Sequence[tuple[str, str]],
        extras: Sequence[tuple[str, str]],
        checked: set[str],
        validate: Callable[[Sequence[str]], bool | str],
        instruction: str,
    ) -> list[str]:
        """The values ticked among ``choices`` and, after a line, ``extras``."""
        import questionary

        options = _choices(choices, extras, checked)
        question = questionary.checkbox(
            message,
            choices=options,
            validate=validate,
            instruction=instruction,
            # questionary sums up the choice in English ("done (2 selections)"): print our own.
            erase_when_done=True,
            **self.io,
        )
        selected = [str(value) for value in _answer(question)]
        labels = dict([*choices, *extras])
        summary = ", ".join(labels[value] for value in selected) or _SKIP_LABEL
        self.say((_STYLE_QMARK, "?"), ("bold", f" {message} "), (_STYLE_ANSWER, summary))
        return selected

    def text(
        self, message: str, default: str, validate: Callable[[str], bool | str], instruction: str
    ) -> str:
        """A line of text, without surrounding spaces."""
        import questionary

        question = questionary.text(
            message, default=default, validate=validate, instruction=instruction, **self.io
        )
        return str(_answer(question)).strip()


def _choices(
    choices: Sequence[tuple[str, str]],
    extras: Sequence[tuple[str, str]],
    checked: set[str] | frozenset[str] = frozenset(),
) -> list[Any]:
    import questionary

    options: list[Any] = [
        questionary.Choice(title=label, value=value, checked=value in checked)
        for value, label in choices
    ]
    if extras:
        options.append(questionary.Separator())
        options += [questionary.Choice(title=label, value=value) for value, label in extras]
    return options


def _answer(question: Any) -> Any:
    """The answer to a questionary question; Ctrl-C raises :class:`KeyboardInterrupt`."""
    answer = question.unsafe_ask()
    if answer is None:
        raise KeyboardInterrupt
    return answer
