"""Document 4: the printable questionnaire (the paper version).

Questions are numbered through the whole questionnaire (notes get no number). Choice
questions list their options with tick boxes; scales are a row of tick boxes under a header
of the scale's labels, with answers off the scale ("Ved ikke") set apart in grey; numbers and
free text get answer lines. Where a condition hides questions, the options that skip them
say "→ Gå til spørgsmål N", and every conditional question says when it is answered.
Questions and options added or changed locally (their provenance is the cluster's or the
municipality's) are marked with a star and who asked for them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from docx.shared import Cm, Pt

from klyngepakke.bundle import MeetingBundle
from klyngepakke.model import Origin, Question, QuestionKind, Questionnaire
from klyngepakke_docx._common import set_bundle_header
from klyngepakke_docx._document import (
    ACCENT_COLOUR,
    CHECKBOX,
    TABLE_TEXT_STYLE,
    Cell,
    WordDocument,
    row_cells,
    shade_cell,
)

if TYPE_CHECKING:
    from docx.table import Table

__all__ = ["LOCAL_MARK", "question_numbers", "skip_targets", "write_questionnaire"]

LOCAL_MARK = "★"
"""Marks questions and options added or changed locally."""

OFF_SCALE_FILL = "E7E6E6"
"""Shading of answers off the scale ("Ved ikke"), as in the charts."""

ANSWER_LINES = 4
"""Lines to write on for a free-text answer."""

_END = "slut"
_INDENT = Cm(0.75)
"""Notes and a numbered question's text start here, after the number."""
_OPTION_INDENT = Cm(1.5)
"""Options start here, after their tick box."""


def question_numbers(questionnaire: Questionnaire) -> dict[str, int]:
    """The printed number of every question that has an answer (notes get none)."""
    numbers: dict[str, int] = {}
    for question in questionnaire.questions():
        if question.kind is not QuestionKind.NOTE:
            numbers[question.code] = len(numbers) + 1
    return numbers


def skip_targets(questionnaire: Questionnaire, question: Question) -> dict[str, str]:
    """For each option of ``question`` that skips questions: the code of the next question.

    Only single-choice and scale questions skip (with several ticks there is no one path).
    The value is ``"slut"`` when the option skips every question left. Options whose next
    question is simply the following one are left out.
    """
    if question.kind not in (QuestionKind.SINGLE_CHOICE, QuestionKind.SCALE):
        return {}
    order = list(questionnaire.questions())
    after = order[[q.code for q in order].index(question.code) + 1 :]
    if not any(q.show_if is not None and q.show_if.question == question.code for q in after):
        return {}
    targets: dict[str, str] = {}
    for option in question.options:
        skipped: set[str] = set()
        target = _END
        for candidate in after:
            condition = candidate.show_if
            hidden = condition is not None and (
                (condition.question == question.code and option.code not in condition.any_of)
                or condition.question in skipped
            )
            if hidden:
                skipped.add(candidate.code)
                continue
            target = candidate.code
            break
        if skipped:
            targets[option.code] = target
    return targets


def write_questionnaire(
    doc: WordDocument, questionnaire: Questionnaire, *, bundle: MeetingBundle | None = None
) -> None:
    """The questionnaire on paper, to print and fill in by hand."""
    set_bundle_header(doc, questionnaire.title, bundle)
    doc.set_properties(title=questionnaire.title, subject="Spørgeskema", keywords=questionnaire.id)
    subtitle = "Spørgeskema til klyngens medlemmer"
    if bundle is not None and bundle.cluster_name:
        subtitle += f" i {bundle.cluster_name}"
    doc.title(questionnaire.title, subtitle)
    if questionnaire.introduction:
        doc.paragraphs(questionnaire.introduction)
    doc.note(
        "Sæt ét kryds pr. spørgsmål, medmindre der står andet. Når et svar betyder, at du skal "
        "springe spørgsmål over, står der ved svaret, hvor du skal gå hen (→ Gå til spørgsmål …)."
    )
    questions = list(questionnaire.questions())
    if any(_is_local(q.provenance.origin) or _has_local_option(q) for q in questions):
        doc.note(
            f"Spørgsmål og svarmuligheder markeret med {LOCAL_MARK} er tilføjet eller ændret "
            "lokalt, efter ønske fra klyngen eller kommunen."
        )
    numbers = question_numbers(questionnaire)
    for section in questionnaire.sections:
        doc.heading(section.title, 1)
        if section.description:
            doc.paragraph(section.description)
        for question in section.questions:
            _question(doc, questionnaire, question, numbers)
    closing = doc.paragraph("Tak for dine svar.", bold=True)
    closing.paragraph_format.space_before = Pt(18)


def _is_local(origin: Origin) -> bool:
    return origin is not Origin.STANDARD


def _has_local_option(question: Question) -> bool:
    return any(_is_local(option.provenance.origin) for option in question.options)


def _question(
    doc: WordDocument, questionnaire: Questionnaire, question: Question, numbers: dict[str, int]
) -> None:
    number = numbers.get(question.code)
    text = " ".join(question.text.split())
    heading = doc.paragraph()
    doc.format_paragraph(heading, space_before=Pt(12), space_after=Pt(3), keep_with_next=True)
    if number is not None:
        doc.format_paragraph(
            heading, left_indent=_INDENT, first_line_indent=Cm(-0.75), tab_stop=_INDENT
        )
        doc.add_text(heading, f"{number}.\t", bold=True)
    doc.add_text(heading, text, bold=number is not None)
    if _is_local(question.provenance.origin):
        doc.add_text(
            heading, f"  {LOCAL_MARK} {question.provenance.origin.label}", colour=ACCENT_COLOUR
        )
    notes = []
    if question.show_if is not None:
        notes.append(_condition_text(questionnaire, question, numbers))
    if question.help:
        notes.append(" ".join(question.help.split()))
    elif question.kind is QuestionKind.MULTIPLE_CHOICE:
        notes.append("Sæt gerne flere kryds.")
    elif question.kind is QuestionKind.NUMBER:
        notes.append(_number_instruction(question))
    for note in notes:
        doc.format_paragraph(doc.note(note), left_indent=_INDENT, keep_with_next=True)
    skips = {
        code: _goto(target, numbers)
        for code, target in skip_targets(questionnaire, question).items()
    }
    if question.kind is QuestionKind.SCALE:
        _scale(doc, question, skips)
    elif question.kind.has_options:
        _options(doc, question, skips)
    elif question.kind is QuestionKind.NUMBER:
        doc.format_paragraph(doc.answer_line(4), keep_with_next=False)
    elif question.kind is QuestionKind.TEXT:
        for line in range(ANSWER_LINES):
            doc.format_paragraph(doc.answer_line(), keep_with_next=line < ANSWER_LINES - 1)


def _condition_text(
    questionnaire: Questionnaire, question: Question, numbers: dict[str, int]
) -> str:
    condition = question.show_if
    assert condition is not None
    source = questionnaire.question(condition.question)
    labels = [f"»{source.option(code).label}«" for code in condition.any_of]
    listed = labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " eller " + labels[-1]
    verb = "har sat kryds ved" if source.kind is QuestionKind.MULTIPLE_CHOICE else "har svaret"
    where = f"i spørgsmål {numbers[source.code]}" if source.code in numbers else "tidligere"
    return f"Besvares kun, hvis du {where} {verb} {listed}."


def _number_instruction(question: Question) -> str:
    def shown(value: float) -> str:
        return f"{value:g}".replace(".", ",")

    if question.minimum is not None and question.maximum is not None:
        return f"Skriv et tal mellem {shown(question.minimum)} og {shown(question.maximum)}."
    if question.minimum is not None:
        return f"Skriv et tal, mindst {shown(question.minimum)}."
    if question.maximum is not None:
        return f"Skriv et tal, højst {shown(question.maximum)}."
    return "Skriv et tal."


def _goto(target: str, numbers: dict[str, int]) -> str:
    if target == _END or target not in numbers:
        return "→ Gå til slutningen"
    return f"→ Gå til spørgsmål {numbers[target]}"


def _options(doc: WordDocument, question: Question, skips: dict[str, str]) -> None:
    for index, option in enumerate(question.options):
        paragraph = doc.format_paragraph(
            doc.paragraph(),
            left_indent=_OPTION_INDENT,
            first_line_indent=Cm(-0.75),
            tab_stop=_OPTION_INDENT,
            space_after=Pt(2),
            keep_with_next=index < len(question.options) - 1,
        )
        doc.checkbox(paragraph)
        doc.add_text(paragraph, "\t" + option.label, links=False)
        if _is_local(option.provenance.origin):
            doc.add_text(paragraph, f" {LOCAL_MARK}", colour=ACCENT_COLOUR)
        if option.code in skips:
            doc.add_text(paragraph, f"   {skips[option.code]}", bold=True, colour=ACCENT_COLOUR)


def _scale(doc: WordDocument, question: Question, skips: dict[str, str]) -> None:
    labels = [
        option.label + (f" {LOCAL_MARK}" if _is_local(option.provenance.origin) else "")
        for option in question.options
    ]
    rows: list[Sequence[Cell]] = [[CHECKBOX] * len(labels)]
    if skips:
        rows.append([skips.get(option.code, "") for option in question.options])
    columns = tuple(range(len(labels)))
    table = doc.table(labels, rows, widths=[1] * len(labels), centre_columns=columns, indent=0.75)
    _shade_off_scale(doc, table, question)
    if skips:
        for cell in row_cells(table, -1):
            for paragraph in cell.paragraphs:
                doc.format_runs(paragraph, bold=True, colour=ACCENT_COLOUR, size=Pt(8.5))


def _shade_off_scale(doc: WordDocument, table: Table, question: Question) -> None:
    """Header cells of answers off the scale get the neutral grey with dark text."""
    for option, cell in zip(question.options, row_cells(table, 0), strict=True):
        if option.on_scale:
            continue
        shade_cell(cell, OFF_SCALE_FILL)
        for paragraph in cell.paragraphs:
            doc.set_style(paragraph, TABLE_TEXT_STYLE)
            doc.format_paragraph(paragraph, centre=True)
            doc.format_runs(paragraph, bold=True)
