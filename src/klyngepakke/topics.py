"""Topics: what a cluster package is about. Each topic plugin provides one package."""

from __future__ import annotations

import functools
from collections.abc import Callable
from importlib import import_module, resources

import attrs

from klyngepakke.model import ClusterPackage

__all__ = ["Topic", "package_from_resource"]


@attrs.frozen
class Topic:
    """A topic a plugin registers: an id for the CLI, a Danish title, and its package.

    ``load_package`` is called at most once per process, when the package is first needed.
    """

    id: str
    title: str
    load_package: Callable[[], ClusterPackage] = attrs.field(eq=False, repr=False)
    description: str = ""

    @functools.cached_property
    def package(self) -> ClusterPackage:
        """The topic's cluster package, loaded on first use."""
        package = self.load_package()
        if not isinstance(package, ClusterPackage):
            raise TypeError(
                f"topic {self.id!r} returned {type(package).__name__}, not a ClusterPackage"
            )
        return package


def package_from_resource(anchor: str, name: str) -> Callable[[], ClusterPackage]:
    """A loader for a package file (YAML or JSON) shipped inside a Python package.

    Example: ``Topic("akutfunktioner", "…", package_from_resource(__name__, "package.yaml"))``.
    """

    def load() -> ClusterPackage:
        from klyngepakke.conversion import format_for_path, loads

        module = import_module(anchor)
        package = anchor if hasattr(module, "__path__") else module.__package__ or anchor
        resource = resources.files(package).joinpath(name)
        text = resource.read_text(encoding="utf-8")
        return loads(text, format_for_path(name), ClusterPackage, source=f"{anchor}/{name}")

    return load
