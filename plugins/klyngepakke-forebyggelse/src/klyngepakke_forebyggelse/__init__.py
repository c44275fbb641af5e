"""The klyngepakke topic "Forebyggelsesforløb", provided as a plugin.

The package itself lives in ``package.yaml`` beside this module and loads on first use. It is
built from the Danish Health Authority's leaflet on GP–municipality collaboration on
prevention pathways (Sundhedsstyrelsen, 2014).
"""

from __future__ import annotations

from collections.abc import Callable

from klyngepakke.hookspecs import hookimpl
from klyngepakke.topics import Topic, package_from_resource

__all__ = ["TOPIC_ID", "register_topics"]

TOPIC_ID = "forebyggelse"


@hookimpl
def register_topics(register: Callable[[Topic], None]) -> None:
    """Register the topic *forebyggelsesforløb*."""
    register(
        Topic(
            TOPIC_ID,
            "Forebyggelsesforløb",
            package_from_resource(__name__, "package.yaml"),
            description=(
                "Almen praksis' og kommunens samarbejde om forebyggelsesforløb: afdækning, "
                "henvisning via MedCom, kommunens tilbud på SOFT, kvittering og slutstatus."
            ),
        )
    )
