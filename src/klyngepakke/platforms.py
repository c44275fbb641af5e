"""Questionnaire platforms: send a questionnaire out, read its responses back.

Everything platforms share lives here, so each platform plugin holds only what is particular
to its format: :class:`CodeRule`/:func:`platform_codes` make codes safe for a platform's
naming rules, and :func:`collect_responses` turns raw rows into a checked
:class:`ResponseImport` that reports every row it cannot use.
"""

from __future__ import annotations

import abc
import datetime as dt
import hashlib
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import ClassVar

import attrs

from klyngepakke.errors import KlyngepakkeError
from klyngepakke.model import Answer, Questionnaire, Response, ResponseSet

__all__ = [
    "CodeRule",
    "PlatformError",
    "QuestionnairePlatform",
    "RawRow",
    "ResponseImport",
    "SkippedRow",
    "collect_responses",
    "platform_codes",
    "safe_code",
]


class PlatformError(KlyngepakkeError):
    """A questionnaire a platform cannot express exactly, or a response file it cannot read."""


@attrs.frozen
class SkippedRow:
    """A row of a response export that was not imported, and why.

    ``row`` counts as the platform's export does: for tables, row 1 is the header; for JSON,
    the line or the position in the list.
    """

    row: int
    reason: str

    def __str__(self) -> str:
        return f"row {self.row}: {self.reason}"


@attrs.frozen
class ResponseImport:
    """What a platform's response export gave: the responses, and every row left out."""

    responses: ResponseSet
    skipped: tuple[SkippedRow, ...] = ()
    warnings: tuple[str, ...] = ()


class QuestionnairePlatform(abc.ABC):
    """Base class for a survey platform (XLSForm, SurveyJS, LimeSurvey, REDCap, …)."""

    name: ClassVar[str]
    """Platform name users pass on the command line, e.g. ``"xlsform"``."""
    description: ClassVar[str] = ""
    questionnaire_suffixes: ClassVar[tuple[str, ...]]
    """Suffixes of the questionnaire definition files it writes (empty: it cannot export)."""
    response_suffixes: ClassVar[tuple[str, ...]]
    """Suffixes of the response exports it reads."""

    @abc.abstractmethod
    def export_questionnaire(
        self, questionnaire: Questionnaire, destination: Path, options: Mapping[str, str]
    ) -> list[str]:
        """Write the platform's definition of ``questionnaire`` to ``destination``.

        Returns warnings for anything the platform shows differently (documented per
        platform); raises :class:`PlatformError` for anything it cannot express at all.
        """

    @abc.abstractmethod
    def import_responses(
        self, source: Path, questionnaire: Questionnaire, options: Mapping[str, str]
    ) -> ResponseImport:
        """Read the platform's response export ``source`` for ``questionnaire``."""


# -- codes ----------------------------------------------------------------------------------

_DANISH = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "Æ": "Ae", "Ø": "Oe", "Å": "Aa"})


@attrs.frozen
class CodeRule:
    """A platform's naming rule: allowed characters, first character, length, case."""

    allowed: str = r"A-Za-z0-9_"
    """Characters allowed, as the inside of a regex character class."""
    first: str = r"A-Za-z"
    """Characters allowed first, likewise."""
    max_length: int = 64
    lower: bool = False
    prefix: str = "q"
    """Put in front of a code whose first character is not allowed first."""

    def is_safe(self, code: str) -> bool:
        """Whether ``code`` already follows the rule."""
        pattern = rf"[{self.first}][{self.allowed}]{{0,{self.max_length - 1}}}"
        return re.fullmatch(pattern, code) is not None and (not self.lower or code == code.lower())


def safe_code(code: str, rule: CodeRule) -> str:
    """``code`` made to follow ``rule``: the same input always gives the same output.

    Danish letters become ``ae``/``oe``/``aa``, other accents are dropped, other characters
    become ``_`` (or are dropped where ``_`` is not allowed), and a code that is too long is
    cut and given a short hash of the original, so two long codes stay apart.
    """
    if rule.is_safe(code):
        return code
    text = unicodedata.normalize("NFKD", code.translate(_DANISH))
    text = "".join(c for c in text if not unicodedata.combining(c))
    if rule.lower:
        text = text.lower()
    filler = "_" if re.fullmatch(rf"[{rule.allowed}]", "_") else ""
    text = re.sub(rf"[^{rule.allowed}]", filler, text)
    if not text or not re.fullmatch(rf"[{rule.first}]", text[0]):
        text = rule.prefix + text
    if len(text) > rule.max_length:
        digest = hashlib.sha1(code.encode("utf-8")).hexdigest()
        keep = rule.max_length - 4
        text = text[:keep] + digest[:4]
    return text


def platform_codes(codes: Iterable[str], rule: CodeRule) -> dict[str, str]:
    """Safe codes for ``codes``, one-to-one; :class:`PlatformError` if two would clash."""
    mapping: dict[str, str] = {}
    owners: dict[str, str] = {}
    for code in codes:
        safe = safe_code(code, rule)
        key = safe.lower()
        if key in owners and owners[key] != code:
            raise PlatformError(
                f"codes {owners[key]!r} and {code!r} both become {safe!r} under this platform's "
                "naming rules; rename one of them"
            )
        owners[key] = code
        mapping[code] = safe
    return mapping


# -- responses ------------------------------------------------------------------------------


@attrs.frozen
class RawRow:
    """One respondent's answers as a platform gave them, already in our codes."""

    row: int
    respondent: str
    answers: Mapping[str, Answer]
    submitted: dt.datetime | None = None


def collect_responses(
    questionnaire: Questionnaire,
    rows: Iterable[RawRow | SkippedRow],
    *,
    platform: str,
    warnings: Sequence[str] = (),
) -> ResponseImport:
    """Check each row against ``questionnaire`` and keep the ones that fit.

    A row is left out, with its number and the reason, when it has no respondent id, repeats
    a respondent, or has answers that do not fit (unknown option codes, answers to questions
    the respondent was not shown, required questions left unanswered). Rows a platform could
    not even read come in as :class:`SkippedRow` and are reported as they are.
    """
    kept: list[Response] = []
    skipped: list[SkippedRow] = []
    first_row: dict[str, int] = {}
    for item in rows:
        if isinstance(item, SkippedRow):
            skipped.append(item)
            continue
        if not item.respondent.strip():
            skipped.append(SkippedRow(item.row, "no respondent id"))
            continue
        if item.respondent in first_row:
            reason = (
                f"respondent {item.respondent!r} again (first in row {first_row[item.respondent]})"
            )
            skipped.append(SkippedRow(item.row, reason))
            continue
        first_row[item.respondent] = item.row  # a rejected first row still counts as the first
        answers = {code: answer for code, answer in item.answers.items() if not _blank(answer)}
        response = Response(item.respondent, answers, item.submitted)
        problems = questionnaire.response_problems(response)
        if problems:
            reasons = "; ".join(f"{p.path[-1]}: {p.message}" for p in problems)
            skipped.append(SkippedRow(item.row, reasons))
            continue
        kept.append(response)
    responses = ResponseSet(questionnaire.id, tuple(kept), platform=platform)
    ordered = tuple(sorted(skipped, key=lambda s: s.row))
    return ResponseImport(responses, ordered, tuple(warnings))


def _blank(answer: Answer | None) -> bool:
    return answer is None or (isinstance(answer, str | tuple) and not answer)
