"""LimeSurvey for klyngepakke: questionnaires out as survey structures, responses back in.

``klyngepakke questionnaire export --platform limesurvey`` writes LimeSurvey's tab-separated
survey structure (``.txt``, import it under "Create survey > Import"); ``klyngepakke survey
import --platform limesurvey`` reads its response export (CSV, "Question code" headings,
"Answer codes"). See the README for the mapping and its limits.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from klyngepakke.hookspecs import hookimpl
from klyngepakke.model import Questionnaire
from klyngepakke.platforms import PlatformError, QuestionnairePlatform, ResponseImport

__all__ = ["LimeSurveyPlatform", "register_questionnaire_platforms"]


class LimeSurveyPlatform(QuestionnairePlatform):
    """LimeSurvey: tab-separated survey structure out, response CSV in."""

    name = "limesurvey"
    description = (
        "LimeSurvey: tab-separated survey structure (.txt) out, response export (CSV with "
        "question-code headings and answer codes) in"
    )
    questionnaire_suffixes = (".txt",)
    response_suffixes = (".csv",)

    def export_questionnaire(
        self, questionnaire: Questionnaire, destination: Path, options: Mapping[str, str]
    ) -> list[str]:
        """Write ``questionnaire`` as a LimeSurvey survey structure (UTF-8 with BOM)."""
        from klyngepakke_limesurvey._codes import LimeSurveyCodes
        from klyngepakke_limesurvey._structure import survey_structure

        _no_options(options)
        data, warnings = survey_structure(questionnaire, LimeSurveyCodes.of(questionnaire))
        destination.write_bytes(data)
        return warnings

    def import_responses(
        self, source: Path, questionnaire: Questionnaire, options: Mapping[str, str]
    ) -> ResponseImport:
        """Read LimeSurvey's response CSV ``source`` for ``questionnaire``."""
        from klyngepakke_limesurvey._responses import read_responses

        _no_options(options)
        return read_responses(source, questionnaire)


def _no_options(options: Mapping[str, str]) -> None:
    if options:
        raise PlatformError(
            f"the limesurvey platform takes no options, got {', '.join(sorted(options))}"
        )


@hookimpl
def register_questionnaire_platforms(register: Callable[[QuestionnairePlatform], None]) -> None:
    """Register the ``limesurvey`` platform."""
    register(LimeSurveyPlatform())
