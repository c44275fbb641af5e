"""Helpers for testing plugins without installing them.

::

    from klyngepakke.testing import registered_plugins

    def test_my_topic():
        with registered_plugins(my_plugin_module) as registry:
            assert "mytopic" in registry.topics()
            assert klyngepakke.get_package("mytopic").title == "…"

Inside the block the whole library (API and CLI) sees a fresh registry with the built-in
plugins and the given ones, and no installed plugins unless ``installed=True``.
"""

from __future__ import annotations

import contextlib
import math
import random
from collections.abc import Iterator
from typing import TYPE_CHECKING

from klyngepakke.plugins import PluginRegistry, _set_registry

if TYPE_CHECKING:
    from klyngepakke.model import Answer, Question, Questionnaire, ResponseSet

__all__ = ["every_kind_questionnaire", "registered_plugins", "synthetic_responses"]


@contextlib.contextmanager
def registered_plugins(
    *plugins: object,
    defaults: bool = True,
    installed: bool = False,
    strict: bool = True,
) -> Iterator[PluginRegistry]:
    """Use a fresh plugin registry holding ``plugins`` for the duration of the block.

    ``strict`` (the default) makes a failing plugin raise, so tests see the real error.
    Each plugin is named after its ``__name__`` (modules) or its class.
    """
    registry = PluginRegistry(strict=strict)
    if defaults:
        registry.load_defaults()
    if installed:
        registry.load_entry_points(disabled=set(), allowed=None)
    for plugin in plugins:
        name = getattr(plugin, "__name__", None) or type(plugin).__name__
        registry.register(plugin, name=name)
    previous = _set_registry(registry)
    try:
        yield registry
    finally:
        _set_registry(previous)


def every_kind_questionnaire() -> Questionnaire:
    """A small Danish questionnaire using everything the model can say.

    Every question kind, a scale with "ved ikke" off the scale, an exclusive option, numbers
    with limits, a note, and conditions on single and multiple choice answers: for testing
    platforms and engines.
    """
    from klyngepakke.model import (
        Condition,
        Option,
        Question,
        QuestionKind,
        Questionnaire,
        Section,
    )

    agree = tuple(
        Option(str(value), label, value)
        for value, label in enumerate(
            ("Meget uenig", "Uenig", "Hverken enig eller uenig", "Enig", "Meget enig"), start=1
        )
    )
    return Questionnaire(
        id="alle_typer",
        title="Prøveskema med alle spørgsmålstyper",
        introduction="Tak fordi du vil svare. Det tager fem minutter.",
        sections=(
            Section(
                "om_dig",
                "Om dig",
                (
                    Question(
                        "rolle",
                        "Hvad er din rolle i praksis?",
                        QuestionKind.SINGLE_CHOICE,
                        options=(
                            Option("laege", "Praktiserende læge"),
                            Option("uddannelseslaege", "Uddannelseslæge"),
                            Option("andet", "Andet"),
                        ),
                        required=True,
                    ),
                    Question(
                        "rolle_andet",
                        "Hvilken rolle har du?",
                        QuestionKind.TEXT,
                        show_if=Condition("rolle", ("andet",)),
                        required=True,
                    ),
                    Question(
                        "aar_i_praksis",
                        "Hvor mange år har du arbejdet i almen praksis?",
                        QuestionKind.NUMBER,
                        minimum=0,
                        maximum=60,
                    ),
                ),
            ),
            Section(
                "samarbejde",
                "Samarbejdet med akutfunktionen",
                (
                    Question(
                        "info",
                        "De næste spørgsmål handler om de seneste tre måneder.",
                        QuestionKind.NOTE,
                    ),
                    Question(
                        "tilfreds",
                        "Jeg er tilfreds med samarbejdet.",
                        QuestionKind.SCALE,
                        options=(*agree, Option("ved_ikke", "Ved ikke")),
                        required=True,
                    ),
                    Question(
                        "kanaler",
                        "Hvordan kontakter du akutfunktionen?",
                        QuestionKind.MULTIPLE_CHOICE,
                        options=(
                            Option("telefon", "Telefon"),
                            Option("korrespondance", "Korrespondancemeddelelse"),
                            Option("henvisning", "Henvisning"),
                            Option("ingen", "Jeg kontakter den ikke", exclusive=True),
                        ),
                        required=True,
                    ),
                    Question(
                        "telefon_tid",
                        "Hvor lang tid venter du typisk i telefonen (minutter)?",
                        QuestionKind.NUMBER,
                        show_if=Condition("kanaler", ("telefon",)),
                        minimum=0,
                    ),
                    Question(
                        "forbedring",
                        "Hvad kan gøres bedre? Skriv gerne æ, ø og å.",
                        QuestionKind.TEXT,
                        show_if=Condition("tilfreds", ("1", "2")),
                    ),
                ),
            ),
        ),
    )


def synthetic_responses(questionnaire: Questionnaire, count: int, *, seed: int = 0) -> ResponseSet:
    """``count`` valid responses to ``questionnaire``, the same for the same ``seed``.

    Each respondent sees only what the conditions show, answers every required question and
    skips some optional ones; text answers contain Danish letters, quotes and separators, to
    test that exports and imports keep them.
    """
    from klyngepakke.model import QuestionKind, Response, ResponseSet

    rng = random.Random(seed)
    texts = ("Bedre telefontid; tak", 'Mere "kontinuitet", færre skift', "Æble, øl og å")
    responses: list[Response] = []
    for index in range(count):
        answers: dict[str, Answer] = {}
        for question in questionnaire.questions():
            if question.kind is QuestionKind.NOTE:
                continue
            if question not in questionnaire.shown(answers):
                continue
            if not question.required and rng.random() < 0.2:
                continue
            answers[question.code] = _synthetic_answer(question, rng, texts)
        responses.append(Response(f"r{index + 1:05d}", answers))
    return ResponseSet(questionnaire.id, tuple(responses))


def _synthetic_answer(question: Question, rng: random.Random, texts: tuple[str, ...]) -> Answer:
    from klyngepakke.model import QuestionKind

    options = question.options
    if question.kind is QuestionKind.MULTIPLE_CHOICE:
        exclusive = [o.code for o in options if o.exclusive]
        if exclusive and rng.random() < 0.15:
            return (rng.choice(exclusive),)
        others = [o.code for o in options if not o.exclusive]
        chosen = [code for code in others if rng.random() < 0.5] or [rng.choice(others)]
        return tuple(chosen)
    if options:
        return str(rng.choice(options).code)
    if question.kind is QuestionKind.NUMBER:
        low = math.ceil(question.minimum) if question.minimum is not None else 0
        high = math.floor(question.maximum) if question.maximum is not None else low + 100
        return rng.randint(low, high)
    return str(rng.choice(texts))
