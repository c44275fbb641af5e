"""Time :func:`klyngepakke.survey_results.aggregate`: 100,000 responses to 30 questions.

The questionnaire mixes every kind of question (single and multiple choice, scales with
"ved ikke", numbers, free text, a note) and has conditions on single choice, multiple choice
and a scale, one of them nested. Responses are generated here, quickly and deterministically
(:func:`klyngepakke.testing.synthetic_responses` is made for small, checked sets). After one
warm-up, ``aggregate`` runs ``--runs`` times and the best wall-clock time is reported.

Exits 1 if the best time is over the limit in seconds: 1.0 by default, overridable by the
environment variable ``KLYNGEPAKKE_BENCH_RESULTS_S``.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time

from klyngepakke.model import (
    Answer,
    Condition,
    Option,
    Question,
    QuestionKind,
    Questionnaire,
    Response,
    ResponseSet,
    Section,
)
from klyngepakke.survey_results import aggregate

LIMIT_VAR = "KLYNGEPAKKE_BENCH_RESULTS_S"
DEFAULT_LIMIT_S = 1.0

AGREE = (
    *(
        Option(str(value), label, value)
        for value, label in enumerate(
            ("Meget uenig", "Uenig", "Hverken enig eller uenig", "Enig", "Meget enig"), start=1
        )
    ),
    Option("ved_ikke", "Ved ikke"),
)
CHOICES = tuple(Option(f"s{i}", f"Svarmulighed {i}") for i in range(1, 6))
CHANNELS = (
    Option("telefon", "Telefon"),
    Option("korrespondance", "Korrespondancemeddelelse"),
    Option("henvisning", "Henvisning"),
    Option("video", "Video"),
    Option("ingen", "Ingen af disse", exclusive=True),
)
TEXTS = ("Bedre telefontid", "Mere kontinuitet, færre skift", "Æble, øl og å", "Godt samarbejde")


def benchmark_questionnaire() -> Questionnaire:
    """30 questions of every kind, plus a note, with four conditions (one nested)."""
    questions: list[Question] = [
        Question(
            "rolle",
            "Hvad er din rolle?",
            QuestionKind.SINGLE_CHOICE,
            options=(Option("laege", "Læge"), Option("andet", "Andet")),
            required=True,
        ),
        Question(
            "rolle_andet",
            "Hvilken rolle?",
            QuestionKind.TEXT,
            show_if=Condition("rolle", ("andet",)),
        ),
        Question("info", "Om de seneste tre måneder.", QuestionKind.NOTE),
        Question(
            "kanaler", "Hvordan kontakter du den?", QuestionKind.MULTIPLE_CHOICE, options=CHANNELS
        ),
        Question(
            "ventetid",
            "Ventetid i telefonen (minutter)?",
            QuestionKind.NUMBER,
            show_if=Condition("kanaler", ("telefon",)),
            minimum=0,
            maximum=120,
        ),
        Question("tilfreds", "Jeg er tilfreds.", QuestionKind.SCALE, options=AGREE),
        Question(
            "hvorfor",
            "Hvad kan gøres bedre?",
            QuestionKind.TEXT,
            show_if=Condition("tilfreds", ("1", "2")),
        ),
        Question(
            "hvor_ofte",
            "Hvor ofte sker det?",
            QuestionKind.SINGLE_CHOICE,
            options=CHOICES,
            show_if=Condition("tilfreds", ("1", "2", "3")),
        ),
        Question(
            "hvor_ofte_mere",
            "Sker det oftere end før?",
            QuestionKind.SCALE,
            options=AGREE,
            show_if=Condition("hvor_ofte", ("s4", "s5")),
        ),
    ]
    kinds = (
        QuestionKind.SCALE,
        QuestionKind.SINGLE_CHOICE,
        QuestionKind.MULTIPLE_CHOICE,
        QuestionKind.NUMBER,
        QuestionKind.SCALE,
        QuestionKind.TEXT,
    )
    index = 0
    while sum(q.kind is not QuestionKind.NOTE for q in questions) < 30:
        kind = kinds[index % len(kinds)]
        index += 1
        options = {
            QuestionKind.SCALE: AGREE,
            QuestionKind.SINGLE_CHOICE: CHOICES,
            QuestionKind.MULTIPLE_CHOICE: CHOICES,
        }.get(kind, ())
        questions.append(Question(f"q{index:02d}", f"Spørgsmål {index}", kind, options=options))
    return Questionnaire(
        "benchmark",
        "Spørgeskema til benchmark",
        (
            Section("a", "Første del", tuple(questions[:10])),
            Section("b", "Anden del", tuple(questions[10:])),
        ),
    )


def benchmark_responses(questionnaire: Questionnaire, count: int, seed: int = 0) -> ResponseSet:
    """``count`` responses that respect the conditions; about 10 % of optional answers skipped.

    Faster than :func:`klyngepakke.testing.synthetic_responses`: the answers each question
    can take are worked out once, and conditions are checked against the answers so far.
    """
    rng = random.Random(seed)
    combinations = [
        tuple(
            code
            for bit, code in enumerate(("telefon", "korrespondance", "henvisning", "video"))
            if mask >> bit & 1
        )
        for mask in range(1, 16)
    ]
    plans: list[tuple[str, list[Answer], frozenset[str] | None, str | None]] = []
    for question in questionnaire.questions():
        choices: list[Answer]
        if question.kind is QuestionKind.NOTE:
            continue
        if question.kind is QuestionKind.MULTIPLE_CHOICE:
            codes = tuple(o.code for o in question.options if not o.exclusive)
            choices = [c for c in combinations if all(code in codes for code in c)] or [
                (code,) for code in codes
            ]
            choices += [(o.code,) for o in question.options if o.exclusive]
        elif question.kind.has_options:
            choices = [o.code for o in question.options]
        elif question.kind is QuestionKind.NUMBER:
            choices = [*range(0, 121), 2.5, 7.5]
        else:
            choices = list(TEXTS)
        condition = question.show_if
        plans.append(
            (
                question.code,
                choices,
                None if condition is None else frozenset(condition.any_of),
                None if condition is None else condition.question,
            )
        )
    choice = rng.choice
    skip = rng.random
    responses = []
    for number in range(count):
        answers: dict[str, Answer] = {}
        for code, choices, accepted, parent in plans:
            if accepted is not None:
                given = answers.get(parent) if parent is not None else None
                if given is None:
                    continue
                if isinstance(given, tuple):
                    if accepted.isdisjoint(given):
                        continue
                elif given not in accepted:
                    continue
            if code != "rolle" and skip() < 0.1:
                continue
            answers[code] = choice(choices)
        responses.append(Response(f"r{number:06d}", answers))
    return ResponseSet(questionnaire.id, tuple(responses))


def limit_from_env() -> float:
    """The limit in seconds, from ``KLYNGEPAKKE_BENCH_RESULTS_S`` or the default."""
    value = os.environ.get(LIMIT_VAR, "").strip()
    if not value:
        return DEFAULT_LIMIT_S
    try:
        return float(value)
    except ValueError:
        sys.exit(f"error: {LIMIT_VAR}={value!r} is not a number of seconds")


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and report; return 1 if the best time is over the limit."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--responses", type=int, default=100_000, help="how many responses")
    parser.add_argument("--runs", type=int, default=3, help="timed runs (the best counts)")
    args = parser.parse_args(argv)
    if args.responses < 1 or args.runs < 1:
        parser.error("--responses and --runs must be at least 1")
    limit = limit_from_env()

    questionnaire = benchmark_questionnaire()
    start = time.perf_counter()
    responses = benchmark_responses(questionnaire, args.responses)
    questions = sum(q.kind is not QuestionKind.NOTE for q in questionnaire.questions())
    answers = sum(len(r.answers) for r in responses.responses)
    print(
        f"{len(responses.responses):,} responses x {questions} questions ({answers:,} answers), "
        f"generated in {time.perf_counter() - start:.1f} s"
    )
    aggregate(questionnaire, responses, invited=len(responses.responses))  # warm-up
    timings = []
    for _ in range(args.runs):
        start = time.perf_counter()
        results = aggregate(questionnaire, responses, invited=len(responses.responses))
        timings.append(time.perf_counter() - start)
    assert results.selected == len(responses.responses)
    assert not results.warnings, results.warnings
    best = min(timings)
    runs = ", ".join(f"{t:.3f}" for t in timings)
    print(f"aggregate: best {best:.3f} s of {args.runs} runs ({runs}); limit {limit:g} s")
    if best > limit:
        print(f"FAIL aggregate took {best:.3f} s > {limit:g} s ({LIMIT_VAR})")
        return 1
    print("OK: aggregation within limit")
    return 0


if __name__ == "__main__":
    sys.exit(main())
