"""Questionnaire platforms: send a questionnaire out, read its responses back."""

from __future__ import annotations

import abc
from collections.abc import Mapping
from pathlib import Path
from typing import ClassVar

from klyngepakke.model import Questionnaire, ResponseSet

__all__ = ["QuestionnairePlatform"]


class QuestionnairePlatform(abc.ABC):
    """Base class for a survey platform (XLSForm, SurveyJS, …)."""

    name: ClassVar[str]
    """Platform name users pass on the command line, e.g. ``"xlsform"``."""
    description: ClassVar[str] = ""
    questionnaire_suffixes: ClassVar[tuple[str, ...]]
    """Suffixes of the questionnaire definition files it writes."""
    response_suffixes: ClassVar[tuple[str, ...]]
    """Suffixes of the response exports it reads."""

    @abc.abstractmethod
    def export_questionnaire(
        self, questionnaire: Questionnaire, destination: Path, options: Mapping[str, str]
    ) -> None:
        """Write the platform's definition of ``questionnaire`` to ``destination``."""

    @abc.abstractmethod
    def import_responses(
        self, source: Path, questionnaire: Questionnaire, options: Mapping[str, str]
    ) -> ResponseSet:
        """Read the platform's response export ``source`` for ``questionnaire``."""
