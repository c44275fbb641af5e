"""The klyngepakke topic "Kommunale akutfunktioner", provided as a plugin.

The package itself lives in ``package.yaml`` beside this module and loads on first use.
"""

from __future__ import annotations

from collections.abc import Callable

from klyngepakke.hookspecs import hookimpl
from klyngepakke.topics import Topic, package_from_resource

__all__ = ["register_topics"]

TOPIC_ID = "akutfunktioner"


@hookimpl
def register_topics(register: Callable[[Topic], None]) -> None:
    """Register the topic *kommunale akutfunktioner*."""
    register(
        Topic(
            TOPIC_ID,
            "Kommunale akutfunktioner",
            package_from_resource(__name__, "package.yaml"),
            description=(
                "Almen praksis' samarbejde med kommunens akutfunktion: kendskab, henvisninger "
                "og kommunikation, med ydelsesdata for 0124."
            ),
        )
    )
