"""XLSForm (ODK Central, KoboToolbox, Enketo) as a klyngepakke questionnaire platform.

Exports a questionnaire as an XLSForm ``.xlsx`` with Danish labels, and reads the response
exports of ODK Central and KoboToolbox (CSV or Excel) back into a checked response set.
openpyxl is imported only when a form is written or an Excel export read.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from klyngepakke.hookspecs import hookimpl
from klyngepakke.model import Questionnaire
from klyngepakke.platforms import QuestionnairePlatform, ResponseImport

__all__ = ["XLSFormPlatform", "register_questionnaire_platforms"]


class XLSFormPlatform(QuestionnairePlatform):
    """XLSForm questionnaires; ODK Central and KoboToolbox response exports."""

    name = "xlsform"
    description = (
        "XLSForm (.xlsx) for ODK Central, KoboToolbox and Enketo; reads their CSV or Excel "
        "response exports"
    )
    questionnaire_suffixes = (".xlsx",)
    response_suffixes = (".csv", ".xlsx")

    def export_questionnaire(
        self, questionnaire: Questionnaire, destination: Path, options: Mapping[str, str]
    ) -> list[str]:
        """Write the XLSForm; options ``likert=yes|no`` and ``numbers=auto|decimal``."""
        from klyngepakke_xlsform._export import write_xlsform

        return write_xlsform(questionnaire, destination, options)

    def import_responses(
        self, source: Path, questionnaire: Questionnaire, options: Mapping[str, str]
    ) -> ResponseImport:
        """Read an ODK Central or KoboToolbox export; option ``rejected=skip|keep``."""
        from klyngepakke_xlsform._responses import read_responses

        return read_responses(source, questionnaire, options)


@hookimpl
def register_questionnaire_platforms(register: Callable[[QuestionnairePlatform], None]) -> None:
    """Register the ``xlsform`` platform."""
    register(XLSFormPlatform())
