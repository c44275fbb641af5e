"""REDCap as a questionnaire platform for klyngepakke.

Questionnaires go out as a REDCap data dictionary (CSV, one instrument), responses come back
from REDCap's record export (CSV, raw data). ``README.md`` describes the mapping.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from klyngepakke.hookspecs import hookimpl

if TYPE_CHECKING:
    from klyngepakke.platforms import QuestionnairePlatform
    from klyngepakke_redcap._dictionary import DICTIONARY_COLUMNS
    from klyngepakke_redcap._layout import RedcapLayout
    from klyngepakke_redcap._platform import RedcapPlatform

__all__ = [
    "DICTIONARY_COLUMNS",
    "RedcapLayout",
    "RedcapPlatform",
    "register_questionnaire_platforms",
]

# Loading the plugin stays cheap: the platform and the core model load on first use.
_LAZY = {
    "DICTIONARY_COLUMNS": "klyngepakke_redcap._dictionary",
    "RedcapLayout": "klyngepakke_redcap._layout",
    "RedcapPlatform": "klyngepakke_redcap._platform",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@hookimpl
def register_questionnaire_platforms(register: Callable[[QuestionnairePlatform], None]) -> None:
    """Register the REDCap platform."""
    from klyngepakke_redcap._platform import RedcapPlatform

    register(RedcapPlatform())
