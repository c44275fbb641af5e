"""The public API for other tools: topics, packages, exporters, loading, dumping, exporting."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from klyngepakke.errors import ExportError, KlyngepakkeError
from klyngepakke.exporters import Exporter
from klyngepakke.fileio import atomic_output
from klyngepakke.model import ClusterPackage
from klyngepakke.platforms import QuestionnairePlatform
from klyngepakke.plugins import get_registry
from klyngepakke.service_data import ServiceDataReader
from klyngepakke.topics import Topic

__all__ = [
    "export",
    "get_exporter",
    "get_package",
    "get_questionnaire_platform",
    "get_service_data_reader",
    "get_topic",
    "list_exporters",
    "list_questionnaire_platforms",
    "list_service_data_readers",
    "list_topics",
]


def list_topics() -> list[Topic]:
    """Every installed topic, sorted by id."""
    return [found.item for _, found in sorted(get_registry().topics().items())]


def get_topic(topic_id: str) -> Topic:
    """The topic with this id; :class:`~klyngepakke.errors.UnknownNameError` if none."""
    return get_registry().topic(topic_id)


def get_package(topic_id: str) -> ClusterPackage:
    """The cluster package of a topic."""
    return get_topic(topic_id).package


def list_exporters() -> list[Exporter]:
    """Every installed exporter, sorted by format name."""
    return [found.item for _, found in sorted(get_registry().exporters().items())]


def get_exporter(name: str) -> Exporter:
    """The exporter for a format name."""
    return get_registry().exporter(name)


def list_questionnaire_platforms() -> list[QuestionnairePlatform]:
    """Every installed questionnaire platform, sorted by name."""
    return [found.item for _, found in sorted(get_registry().questionnaire_platforms().items())]


def get_questionnaire_platform(name: str) -> QuestionnairePlatform:
    """The questionnaire platform with this name."""
    return get_registry().questionnaire_platform(name)


def list_service_data_readers() -> list[ServiceDataReader]:
    """Every installed service-data reader, sorted by name."""
    return [found.item for _, found in sorted(get_registry().service_data_readers().items())]


def get_service_data_reader(name: str) -> ServiceDataReader:
    """The service-data reader with this name."""
    return get_registry().service_data_reader(name)


def export(
    obj: Any,
    format: str,
    destination: str | Path,
    *,
    force: bool = False,
    options: Mapping[str, str] | None = None,
) -> Path:
    """Write ``obj`` with the exporter for ``format`` to ``destination``, atomically.

    Refuses an existing file unless ``force``; checks the object type, suffix and options first.
    """
    exporter = get_exporter(format)
    destination = Path(destination)
    options = dict(options or {})
    if not isinstance(obj, exporter.accepts):
        takes = ", ".join(kind.__name__ for kind in exporter.accepts)
        raise ExportError(
            f"the {format!r} exporter cannot write a {type(obj).__name__}; it takes {takes}"
        )
    if destination.suffix.lower() not in exporter.suffixes:
        raise ExportError(
            f"{destination}: the {format!r} exporter writes {', '.join(exporter.suffixes)} files"
        )
    unknown = sorted(set(options) - set(exporter.options))
    if unknown:
        known = ", ".join(exporter.options) or "none"
        raise ExportError(
            f"the {format!r} exporter has no option {unknown[0]!r} (options: {known})"
        )
    with atomic_output(destination, force=force) as temporary:
        try:
            exporter.export(obj, temporary, options)
        except KlyngepakkeError:
            raise
        except Exception as exc:
            raise ExportError(
                f"the {format!r} exporter failed: {type(exc).__name__}: {exc}"
            ) from exc
    return destination
