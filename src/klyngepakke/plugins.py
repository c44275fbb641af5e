"""Finding, loading and asking plugins: built-in ones and those installed as entry points.

Plugins load lazily, once per process, the first time anything asks for them. A plugin that
fails to import or to register is recorded as broken and the others carry on; set
``KLYNGEPAKKE_STRICT_PLUGINS=1`` to make any such failure raise instead.

Environment variables:

``KLYNGEPAKKE_DISABLE_PLUGINS``
    Comma-separated entry-point names not to load (``*`` for all installed plugins).
``KLYNGEPAKKE_LOAD_PLUGINS``
    If set, only these installed plugins load (an empty value loads none). Built-in plugins
    always load.
``KLYNGEPAKKE_STRICT_PLUGINS``
    ``1`` re-raises the first plugin failure.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Callable, Iterable, Mapping
from importlib import import_module, metadata
from typing import Any, Final, Generic, TypeVar, cast

import attrs
import pluggy

from klyngepakke import hookspecs
from klyngepakke.errors import DuplicateNameError, PluginError, UnknownNameError
from klyngepakke.exporters import Exporter
from klyngepakke.model._base import CODE_PATTERN
from klyngepakke.platforms import QuestionnairePlatform
from klyngepakke.service_data import ServiceDataReader
from klyngepakke.topics import Topic

__all__ = [
    "DEFAULT_PLUGINS",
    "ENTRY_POINT_GROUP",
    "BrokenPlugin",
    "PluginInfo",
    "PluginRegistry",
    "Registered",
    "get_registry",
]

ENTRY_POINT_GROUP: Final = "klyngepakke"
DEFAULT_PLUGINS: Final = (
    "klyngepakke.default_plugins.json_exporter",
    "klyngepakke.default_plugins.yaml_exporter",
    "klyngepakke._oparl_exporter",
)
"""Built-in plugins, registered exactly like installed ones."""

ENV_DISABLE: Final = "KLYNGEPAKKE_DISABLE_PLUGINS"
ENV_LOAD: Final = "KLYNGEPAKKE_LOAD_PLUGINS"
ENV_STRICT: Final = "KLYNGEPAKKE_STRICT_PLUGINS"

T = TypeVar("T")


@attrs.frozen
class PluginInfo:
    """A plugin that loaded: its name, where it comes from and the hooks it implements."""

    name: str
    distribution: str | None
    version: str | None
    hooks: tuple[str, ...]
    builtin: bool = False


@attrs.frozen
class BrokenPlugin:
    """A plugin that failed to load or to register; ``error`` says why."""

    name: str
    distribution: str | None
    version: str | None
    error: str


@attrs.frozen
class Registered(Generic[T]):
    """An extension (topic, exporter, …) and the plugin that registered it."""

    item: T
    plugin: str


@attrs.frozen
class _Kind(Generic[T]):
    hook: str
    noun: str
    base: type[Any]  # type[T] would reject abstract base classes
    name_of: Callable[[T], str]


_TOPICS: Final[_Kind[Topic]] = _Kind("register_topics", "topic", Topic, lambda t: t.id)
_EXPORTERS: Final[_Kind[Exporter]] = _Kind(
    "register_exporters", "exporter", Exporter, lambda e: e.name
)
_PLATFORMS: Final[_Kind[QuestionnairePlatform]] = _Kind(
    "register_questionnaire_platforms",
    "questionnaire platform",
    QuestionnairePlatform,
    lambda p: p.name,
)
_READERS: Final[_Kind[ServiceDataReader]] = _Kind(
    "register_service_data_readers", "service-data reader", ServiceDataReader, lambda r: r.name
)


def _names(value: str | None) -> set[str] | None:
    if value is None:
        return None
    return {name.strip() for name in value.split(",") if name.strip()}


class PluginRegistry:
    """A plugin manager plus what its plugins registered, collected on first use."""

    def __init__(self, *, strict: bool = False) -> None:
        self.strict = strict
        self.manager = pluggy.PluginManager(ENTRY_POINT_GROUP)
        self.manager.add_hookspecs(hookspecs)
        self._info: dict[str, PluginInfo] = {}
        self._load_failures: list[BrokenPlugin] = []
        self._hook_failures: list[BrokenPlugin] = []  # reset whenever hooks are asked again
        self._collected: dict[str, dict[str, Registered[Any]]] = {}
        self._conflicts: dict[str, dict[str, tuple[str, ...]]] = {}

    # -- loading ----------------------------------------------------------------------------

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> PluginRegistry:
        """Built-in plugins plus installed ones, as the environment variables allow."""
        environ = os.environ if environ is None else environ
        registry = cls(strict=environ.get(ENV_STRICT, "") not in ("", "0"))
        registry.load_defaults()
        registry.load_entry_points(
            disabled=_names(environ.get(ENV_DISABLE)) or set(),
            allowed=_names(environ.get(ENV_LOAD)),
        )
        return registry

    def load_defaults(self) -> None:
        """Register the built-in plugins listed in :data:`DEFAULT_PLUGINS`."""
        from klyngepakke import __version__

        for module_name in DEFAULT_PLUGINS:
            plugin = import_module(module_name)
            self.register(
                plugin,
                name=module_name,
                distribution="klyngepakke",
                version=__version__,
                builtin=True,
            )

    def load_entry_points(self, *, disabled: set[str], allowed: set[str] | None) -> None:
        """Import and register every plugin in the ``klyngepakke`` entry-point group."""
        for entry_point in metadata.entry_points(group=ENTRY_POINT_GROUP):
            name = entry_point.name
            if "*" in disabled or name in disabled or (allowed is not None and name not in allowed):
                continue
            dist = entry_point.dist
            dist_name = dist.name if dist is not None else None
            version = dist.version if dist is not None else None
            try:
                plugin = entry_point.load()
            except Exception as exc:
                self._fail(name, dist_name, version, exc, "failed to import")
                continue
            self.register(plugin, name=name, distribution=dist_name, version=version)

    def register(
        self,
        plugin: object,
        *,
        name: str,
        distribution: str | None = None,
        version: str | None = None,
        builtin: bool = False,
    ) -> None:
        """Register a plugin object (a module or any object with hook implementations)."""
        if name in self._info or self.manager.has_plugin(name):
            self._fail(
                name,
                distribution,
                version,
                PluginError(f"a plugin named {name!r} is already registered"),
                "rejected",
            )
            return
        try:
            self.manager.register(plugin, name=name)
        except Exception as exc:
            self._fail(name, distribution, version, exc, "failed to register")
            return
        callers = self.manager.get_hookcallers(plugin) or []
        unknown = [caller.name for caller in callers if not caller.has_spec()]
        if unknown:
            self.manager.unregister(plugin)
            known = [n for n, c in vars(self.manager.hook).items() if c.has_spec()]
            hints = [f"{hook!r}{_did_you_mean(hook, known)}" for hook in unknown]
            self._fail(
                name,
                distribution,
                version,
                PluginError("unknown hook " + ", ".join(hints)),
                "rejected",
            )
            return
        hooks = tuple(sorted(caller.name for caller in callers))
        self._info[name] = PluginInfo(name, distribution, version, hooks, builtin)
        self._forget_collected()

    def unregister(self, name: str) -> None:
        """Remove a plugin by name, what it registered, and any failure recorded for it."""
        if self.manager.has_plugin(name):
            self.manager.unregister(name=name)
        self._info.pop(name, None)
        self._load_failures = [b for b in self._load_failures if b.name != name]
        self._forget_collected()

    def _forget_collected(self) -> None:
        self._collected.clear()
        self._conflicts.clear()
        self._hook_failures.clear()

    def _fail(
        self,
        name: str,
        distribution: str | None,
        version: str | None,
        exc: BaseException,
        what: str,
        *,
        in_hook: bool = False,
    ) -> None:
        if self.strict:
            raise PluginError(
                f"plugin {name!r} ({distribution or 'built in'}) {what}: {exc}"
            ) from exc
        error = f"{what}: {type(exc).__name__}: {exc}"
        failures = self._hook_failures if in_hook else self._load_failures
        failures.append(BrokenPlugin(name, distribution, version, error))

    # -- asking -----------------------------------------------------------------------------

    @property
    def plugins(self) -> list[PluginInfo]:
        """Plugins that loaded and whose hooks worked, in registration order."""
        self._collect_all()
        failed = {b.name for b in self._hook_failures}
        return [info for info in self._info.values() if info.name not in failed]

    @property
    def broken(self) -> list[BrokenPlugin]:
        """Plugins that failed to load, register, or registered something invalid."""
        self._collect_all()
        return [*self._load_failures, *self._hook_failures]

    def conflicts(self) -> dict[str, dict[str, tuple[str, ...]]]:
        """Names registered by more than one plugin, by kind: ``{"topic": {"x": ("a", "b")}}``."""
        self._collect_all()
        return {noun: dict(found) for noun, found in self._conflicts.items() if found}

    def topics(self) -> dict[str, Registered[Topic]]:
        """Topics by id."""
        return self._registered(_TOPICS)

    def exporters(self) -> dict[str, Registered[Exporter]]:
        """Exporters by format name."""
        return self._registered(_EXPORTERS)

    def questionnaire_platforms(self) -> dict[str, Registered[QuestionnairePlatform]]:
        """Questionnaire platforms by name."""
        return self._registered(_PLATFORMS)

    def service_data_readers(self) -> dict[str, Registered[ServiceDataReader]]:
        """Service-data readers by name."""
        return self._registered(_READERS)

    def topic(self, topic_id: str) -> Topic:
        """The topic with this id."""
        return self._one(_TOPICS, topic_id)

    def exporter(self, name: str) -> Exporter:
        """The exporter for this format name."""
        return self._one(_EXPORTERS, name)

    def questionnaire_platform(self, name: str) -> QuestionnairePlatform:
        """The questionnaire platform with this name."""
        return self._one(_PLATFORMS, name)

    def service_data_reader(self, name: str) -> ServiceDataReader:
        """The service-data reader with this name."""
        return self._one(_READERS, name)

    def _one(self, kind: _Kind[T], name: str) -> T:
        found = self._registered(kind)
        if name in found:
            return found[name].item
        plugins = self._conflicts.get(kind.noun, {}).get(name)
        if plugins:
            raise DuplicateNameError(_conflict_message(kind.noun, name, plugins, self._builtin()))
        raise UnknownNameError(kind.noun, name, found)

    def _collect_all(self) -> None:
        kinds: tuple[_Kind[Any], ...] = (_TOPICS, _EXPORTERS, _PLATFORMS, _READERS)
        for kind in kinds:
            self._registered(kind)

    def _registered(self, kind: _Kind[T]) -> dict[str, Registered[T]]:
        if kind.hook in self._collected:
            return self._collected[kind.hook]
        found: dict[str, Registered[T]] = {}
        owners: dict[str, list[str]] = {}
        hook = getattr(self.manager.hook, kind.hook)
        # Call each implementation on its own (in pluggy's order) so we know which plugin
        # registered what, and one failing plugin does not stop the rest.
        for impl in reversed(hook.get_hookimpls()):
            items: list[object] = []
            try:
                impl.function(**_arguments(impl.argnames, items.append))
                accepted = [self._checked(kind, item) for item in items]
            except Exception as exc:
                origin = self._origin(impl.plugin_name)
                self._fail(impl.plugin_name, *origin, exc, f"{kind.hook} failed", in_hook=True)
                continue
            for item in accepted:
                name = kind.name_of(item)
                owners.setdefault(name, []).append(impl.plugin_name)
                found.setdefault(name, Registered(item, impl.plugin_name))
        conflicts = {name: tuple(plugins) for name, plugins in owners.items() if len(plugins) > 1}
        for name, plugins in conflicts.items():
            del found[name]
            if self.strict:
                raise DuplicateNameError(
                    _conflict_message(kind.noun, name, plugins, self._builtin())
                )
        self._conflicts[kind.noun] = conflicts
        self._collected[kind.hook] = found
        return found

    def _builtin(self) -> set[str]:
        return {info.name for info in self._info.values() if info.builtin}

    def _origin(self, plugin: str) -> tuple[str | None, str | None]:
        info = self._info.get(plugin)
        return (info.distribution, info.version) if info else (None, None)

    def _checked(self, kind: _Kind[T], item: object) -> T:
        if not isinstance(item, kind.base):
            raise PluginError(f"registered {item!r}, which is not a {kind.base.__name__}")
        name = kind.name_of(item)
        if not isinstance(name, str) or not CODE_PATTERN.fullmatch(name):
            raise PluginError(f"{kind.noun} name {name!r} is not a valid name")
        if isinstance(item, Exporter):
            _check_exporter(item)
        return cast("T", item)


def _check_exporter(exporter: Exporter) -> None:
    accepts = getattr(exporter, "accepts", ())
    suffixes = getattr(exporter, "suffixes", ())
    if not accepts or not all(isinstance(kind, type) for kind in accepts):
        raise PluginError(f"exporter {exporter.name!r} must list the classes it accepts")
    if not suffixes or not all(s.startswith(".") for s in suffixes):
        raise PluginError(f"exporter {exporter.name!r} must list file suffixes like '.json'")


def _arguments(argnames: Iterable[str], register: Callable[[object], None]) -> dict[str, Any]:
    return {"register": register} if "register" in argnames else {}


def _did_you_mean(name: str, known: list[str]) -> str:
    close = difflib.get_close_matches(name, [k for k in known if k.startswith("register_")], n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _conflict_message(
    noun: str, name: str, plugins: Iterable[str], builtin: Iterable[str] = ()
) -> str:
    plugins = list(plugins)
    named = " and ".join(repr(p) for p in plugins)
    # Built-in plugins cannot be disabled; name an installed one.
    installed = [p for p in plugins if p not in set(builtin)]
    which = installed[0] if len(installed) < len(plugins) and installed else "<name>"
    return (
        f"{noun} {name!r} is registered by more than one plugin: {named}; "
        f"disable one with {ENV_DISABLE}={which}"
    )


_registry: PluginRegistry | None = None


def get_registry() -> PluginRegistry:
    """The process-wide registry, loading plugins on first call."""
    global _registry
    if _registry is None:
        _registry = PluginRegistry.from_environment()
    return _registry


def _set_registry(registry: PluginRegistry | None) -> PluginRegistry | None:
    """Swap the process-wide registry (for :mod:`klyngepakke.testing`); returns the old one."""
    global _registry
    previous, _registry = _registry, registry
    return previous
