"""Helpers for testing plugins without installing them.

::

    from klyngepakke.testing import registered_plugins

    def test_my_topic():
        with registered_plugins(my_plugin_module) as registry:
            assert "mytopic" in registry.topics()
            assert klyngepakke.get_package("mytopic").title == "…"

Inside the block the whole library (API and CLI) sees a fresh registry with the built-in
plugins and the given ones, and no installed plugins unless ``installed=True``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from klyngepakke.plugins import PluginRegistry, _set_registry

__all__ = ["registered_plugins"]


@contextlib.contextmanager
def registered_plugins(
    *plugins: object,
    defaults: bool = True,
    installed: bool = False,
    strict: bool = True,
) -> Iterator[PluginRegistry]:
    """Use a fresh plugin registry holding ``plugins`` for the duration of the block.

    ``strict`` (the default) makes a failing plugin raise, so tests see the real error.
    Each plugin is named after its ``__name__`` (modules) or its class.
    """
    registry = PluginRegistry(strict=strict)
    if defaults:
        registry.load_defaults()
    if installed:
        registry.load_entry_points(disabled=set(), allowed=None)
    for plugin in plugins:
        name = getattr(plugin, "__name__", None) or type(plugin).__name__
        registry.register(plugin, name=name)
    previous = _set_registry(registry)
    try:
        yield registry
    finally:
        _set_registry(previous)
