"""klyngepakke: cluster packages for general-practice quality clusters.

The public API is re-exported here and imported on first use, so ``import klyngepakke``
stays fast; heavy libraries load only in the plugins that need them.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS: dict[str, str] = {
    "export": "klyngepakke.api",
    "get_exporter": "klyngepakke.api",
    "get_package": "klyngepakke.api",
    "get_questionnaire_platform": "klyngepakke.api",
    "get_service_data_reader": "klyngepakke.api",
    "get_topic": "klyngepakke.api",
    "list_exporters": "klyngepakke.api",
    "list_questionnaire_platforms": "klyngepakke.api",
    "list_service_data_readers": "klyngepakke.api",
    "list_topics": "klyngepakke.api",
    "plan_runbook": "klyngepakke.planning",
    "RunbookPlan": "klyngepakke.planning",
    "dump": "klyngepakke.conversion",
    "dumps": "klyngepakke.conversion",
    "load": "klyngepakke.conversion",
    "loads": "klyngepakke.conversion",
    "KlyngepakkeError": "klyngepakke.errors",
    "DocumentError": "klyngepakke.errors",
    "Exporter": "klyngepakke.exporters",
    "hookimpl": "klyngepakke.hookspecs",
    "QuestionnairePlatform": "klyngepakke.platforms",
    "ServiceDataReader": "klyngepakke.service_data",
    "Topic": "klyngepakke.topics",
}

__all__ = [
    "DocumentError",
    "Exporter",
    "KlyngepakkeError",
    "QuestionnairePlatform",
    "RunbookPlan",
    "ServiceDataReader",
    "Topic",
    "__version__",
    "dump",
    "dumps",
    "export",
    "get_exporter",
    "get_package",
    "get_questionnaire_platform",
    "get_service_data_reader",
    "get_topic",
    "hookimpl",
    "list_exporters",
    "list_questionnaire_platforms",
    "list_service_data_readers",
    "list_topics",
    "load",
    "loads",
    "plan_runbook",
]

if TYPE_CHECKING:
    from klyngepakke.api import (
        export,
        get_exporter,
        get_package,
        get_questionnaire_platform,
        get_service_data_reader,
        get_topic,
        list_exporters,
        list_questionnaire_platforms,
        list_service_data_readers,
        list_topics,
    )
    from klyngepakke.conversion import dump, dumps, load, loads
    from klyngepakke.errors import (
        DocumentError,
        KlyngepakkeError,
    )
    from klyngepakke.exporters import Exporter
    from klyngepakke.hookspecs import hookimpl
    from klyngepakke.planning import RunbookPlan, plan_runbook
    from klyngepakke.platforms import QuestionnairePlatform
    from klyngepakke.service_data import ServiceDataReader
    from klyngepakke.topics import Topic


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'klyngepakke' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
