"""SurveyJS as a klyngepakke questionnaire platform.

Questionnaires become SurveyJS survey JSON (one page per section); survey results, the data
objects SurveyJS collects, come back as responses. See the README for the mapping.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import ClassVar

from klyngepakke.hookspecs import hookimpl
from klyngepakke.model import Questionnaire
from klyngepakke.platforms import PlatformError, QuestionnairePlatform, ResponseImport
from klyngepakke_surveyjs._responses import ID_KEYS, read_results
from klyngepakke_surveyjs._survey import (
    SCALE_STYLES,
    SurveyNames,
    rating_questions,
    survey_json,
    survey_names,
    visible_if,
)

__all__ = [
    "ID_KEYS",
    "SCALE_STYLES",
    "SurveyJSPlatform",
    "SurveyNames",
    "rating_questions",
    "register_questionnaire_platforms",
    "survey_json",
    "survey_names",
    "visible_if",
]


class SurveyJSPlatform(QuestionnairePlatform):
    """SurveyJS survey JSON out, survey results (JSON array or JSON lines) in."""

    name: ClassVar[str] = "surveyjs"
    description: ClassVar[str] = "SurveyJS: survey JSON, and survey results as JSON or JSON lines"
    questionnaire_suffixes: ClassVar[tuple[str, ...]] = (".json",)
    response_suffixes: ClassVar[tuple[str, ...]] = (".json", ".jsonl")

    def export_questionnaire(
        self, questionnaire: Questionnaire, destination: Path, options: Mapping[str, str]
    ) -> list[str]:
        """Write ``questionnaire`` as SurveyJS survey JSON (UTF-8) to ``destination``.

        Option ``scales``: ``auto`` (default) or ``radiogroup``, see :func:`rating_questions`.
        """
        _check_options(options, {"scales"})
        survey, warnings = survey_json(questionnaire, scales=options.get("scales", "auto"))
        text = json.dumps(survey, ensure_ascii=False, indent=2) + "\n"
        destination.write_text(text, encoding="utf-8")
        return warnings

    def import_responses(
        self, source: Path, questionnaire: Questionnaire, options: Mapping[str, str]
    ) -> ResponseImport:
        """Read SurveyJS survey results; option ``id_key`` names the respondent id's key."""
        _check_options(options, {"id_key"})
        id_key = options.get("id_key")
        if id_key is not None and not id_key.strip():
            raise PlatformError("the option id_key needs a key, e.g. id_key=respondent")
        return read_results(source, questionnaire, platform=self.name, id_key=id_key)


def _check_options(options: Mapping[str, str], known: set[str]) -> None:
    unknown = sorted(set(options) - known)
    if unknown:
        allowed = ", ".join(sorted(known)) or "none"
        raise PlatformError(
            f"surveyjs: unknown option {', '.join(unknown)} (options here: {allowed})"
        )


@hookimpl
def register_questionnaire_platforms(register: Callable[[QuestionnairePlatform], None]) -> None:
    """Register the SurveyJS platform."""
    register(SurveyJSPlatform())
