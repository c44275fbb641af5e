"""The hooks plugins implement. Each hands the plugin a ``register`` callback.

Implement them with :data:`hookimpl`::

    from klyngepakke import hookimpl

    @hookimpl
    def register_topics(register):
        register(Topic(...))

Implementations may leave out arguments they do not use, so hooks can grow.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from klyngepakke.exporters import Exporter
    from klyngepakke.platforms import QuestionnairePlatform
    from klyngepakke.service_data import ServiceDataReader
    from klyngepakke.topics import Topic

__all__ = ["hookimpl", "hookspec"]

hookspec = pluggy.HookspecMarker("klyngepakke")
hookimpl = pluggy.HookimplMarker("klyngepakke")


@hookspec
def register_topics(register: Callable[[Topic], None]) -> None:
    """Register topics, each with its cluster package.

    :param register: call once per :class:`~klyngepakke.topics.Topic`.
    """


@hookspec
def register_exporters(register: Callable[[Exporter], None]) -> None:
    """Register exporters that write model objects to files.

    :param register: call once per :class:`~klyngepakke.exporters.Exporter` instance.
    """


@hookspec
def register_questionnaire_platforms(register: Callable[[QuestionnairePlatform], None]) -> None:
    """Register survey platforms that export questionnaires and import responses.

    :param register: call once per :class:`~klyngepakke.platforms.QuestionnairePlatform`.
    """


@hookspec
def register_service_data_readers(register: Callable[[ServiceDataReader], None]) -> None:
    """Register readers for service-data files.

    :param register: call once per :class:`~klyngepakke.service_data.ServiceDataReader`.
    """
