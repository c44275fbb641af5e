"""SurveyXact for klyngepakke: import SurveyXact's data export as responses.

SurveyXact (Rambøll) has no file format for importing a questionnaire, so the survey is built
by hand; :func:`mapping_template` writes a mapping file to build it from and to import its data
export with. See the README for the layout read and the mapping rules.
"""

from __future__ import annotations

from collections.abc import Callable

from klyngepakke.hookspecs import hookimpl
from klyngepakke.platforms import QuestionnairePlatform
from klyngepakke_surveyxact._mapping import VARIABLE_RULE, mapping_template
from klyngepakke_surveyxact._platform import SurveyXactPlatform

__all__ = [
    "VARIABLE_RULE",
    "SurveyXactPlatform",
    "mapping_template",
    "register_questionnaire_platforms",
]


@hookimpl
def register_questionnaire_platforms(register: Callable[[QuestionnairePlatform], None]) -> None:
    """Register the SurveyXact platform."""
    register(SurveyXactPlatform())
