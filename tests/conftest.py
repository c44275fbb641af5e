"""Shared fixtures: an isolated plugin registry, a small valid package, and in-test plugins.

Test modules run with ``--import-mode=importlib`` and cannot import from this file, so every
helper is handed out through a fixture.
"""

from __future__ import annotations

import datetime as dt
import types
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import attrs
import pytest

from klyngepakke import plugins
from klyngepakke.exporters import Exporter
from klyngepakke.hookspecs import hookimpl
from klyngepakke.model import (
    ActionItem,
    Agenda,
    AgendaItem,
    AgendaItemKind,
    Cluster,
    ClusterPackage,
    Condition,
    Delegation,
    Meeting,
    MeetingKind,
    MetricDefinition,
    Option,
    Organisation,
    OrganisationKind,
    Participant,
    Person,
    Phase,
    Practice,
    Question,
    QuestionKind,
    Questionnaire,
    Region,
    RelativeDeadline,
    Role,
    Runbook,
    Section,
    ServiceCode,
    Task,
    TimeSlot,
    TimeUnit,
)
from klyngepakke.topics import Topic

PLUGIN_ENV_VARS = (plugins.ENV_DISABLE, plugins.ENV_LOAD, plugins.ENV_STRICT)


# -- isolation --------------------------------------------------------------------------------


@attrs.frozen
class FakeEntryPoint:
    """Quacks like :class:`importlib.metadata.EntryPoint` for :meth:`load_entry_points`."""

    name: str
    loader: Callable[[], object]
    dist: types.SimpleNamespace | None = None

    def load(self) -> object:
        return self.loader()


def _fake_entry_point(
    name: str,
    plugin: object = None,
    *,
    error: BaseException | None = None,
    distribution: str | None = None,
    version: str = "1.0",
) -> FakeEntryPoint:
    def loader() -> object:
        if error is not None:
            raise error
        return plugin

    dist = (
        types.SimpleNamespace(name=distribution, version=version)
        if distribution is not None
        else None
    )
    return FakeEntryPoint(name, loader, dist)


@pytest.fixture(autouse=True)
def isolated_plugins(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[FakeEntryPoint]]:
    """A fresh process-wide registry, no plugin env vars, and no installed entry points.

    Installed plugins (the first-party ones in ``plugins/``) are hidden so these tests do not
    depend on what is installed; append :class:`FakeEntryPoint` objects to the yielded list to
    simulate installed plugins.
    """
    for variable in PLUGIN_ENV_VARS:
        monkeypatch.delenv(variable, raising=False)
    installed: list[FakeEntryPoint] = []

    def entry_points(**params: Any) -> list[FakeEntryPoint]:
        assert params == {"group": plugins.ENTRY_POINT_GROUP}
        return list(installed)

    monkeypatch.setattr(plugins, "metadata", types.SimpleNamespace(entry_points=entry_points))
    previous = plugins._set_registry(None)
    try:
        yield installed
    finally:
        plugins._set_registry(previous)


@pytest.fixture
def entry_points(isolated_plugins: list[FakeEntryPoint]) -> list[FakeEntryPoint]:
    """The list of simulated installed entry points (empty to start with)."""
    return isolated_plugins


@pytest.fixture
def fake_entry_point() -> Callable[..., FakeEntryPoint]:
    """Build a fake entry point: ``fake_entry_point(name, plugin, error=..., distribution=...)``."""
    return _fake_entry_point


# -- model objects ----------------------------------------------------------------------------


def _package(topic: str = "mytopic", title: str = "Mit emne") -> ClusterPackage:
    programme = Agenda(
        items=(
            AgendaItem("Velkomst", kind=AgendaItemKind.INTRODUCTION, number="1", minutes=10),
            AgendaItem(
                "Oplæg om samarbejdet",
                kind=AgendaItemKind.TALK,
                number="2",
                presenter="Overlæge Hansen",
                minutes=35,
                reflection_questions=("Hvordan samarbejder vi i dag?",),
            ),
            AgendaItem(
                "Gruppearbejde",
                kind=AgendaItemKind.BLOCK,
                number="3",
                minutes=45,
                items=(
                    AgendaItem("Drøftelse i grupper", kind=AgendaItemKind.GROUP_WORK, minutes=30),
                    AgendaItem("Opsamling", kind=AgendaItemKind.PLENARY_DIALOGUE, minutes=15),
                ),
            ),
        ),
        minutes=90,
    )
    runbook = Runbook(
        title="Drejebog for mødet",
        tasks=(
            Task(
                "invitation",
                "Send invitation",
                Phase.BEFORE,
                Role.CLUSTER_COORDINATOR,
                deadline=RelativeDeadline(-4, TimeUnit.WEEKS),
            ),
            Task("ordstyrer", "Led mødet", Phase.DURING, Role.CHAIR),
            Task(
                "referat",
                "Skriv referat",
                Phase.AFTER,
                Role.MINUTE_TAKER,
                deadline=RelativeDeadline(1, TimeUnit.WEEKS),
                depends_on=("invitation",),
            ),
        ),
    )
    questionnaire = Questionnaire(
        id="samarbejde",
        title="Samarbejdet med kommunen",
        sections=(
            Section(
                "praksis",
                "Om praksis",
                questions=(
                    Question(
                        "aftale",
                        "Har I en fast aftale?",
                        QuestionKind.SINGLE_CHOICE,
                        options=(Option("ja", "Ja"), Option("nej", "Nej")),
                    ),
                    Question(
                        "hvilken",
                        "Hvilken aftale?",
                        QuestionKind.TEXT,
                        show_if=Condition("aftale", ("ja",)),
                    ),
                    Question("laeger", "Antal læger", QuestionKind.NUMBER, minimum=1, maximum=20),
                ),
            ),
        ),
    )
    return ClusterPackage(
        topic=topic,
        title=title,
        version="1.0",
        purpose="At styrke samarbejdet mellem almen praksis og kommunen.",
        programme=programme,
        subtitle="En prøvepakke",
        runbook=runbook,
        questionnaire=questionnaire,
        service_codes=(ServiceCode("0120", "Konsultation"),),
        metrics=(MetricDefinition("konsultationer", "Konsultationer", ("0120",)),),
    )


@pytest.fixture
def make_package() -> Callable[..., ClusterPackage]:
    """Build a small valid package: ``make_package(topic="mytopic", title="Mit emne")``."""
    return _package


@pytest.fixture
def package() -> ClusterPackage:
    """A small valid package: a 90-minute programme, a runbook and a questionnaire."""
    return _package()


@pytest.fixture
def meeting() -> Meeting:
    """A two-hour cluster meeting with one agenda item and one action item."""
    return Meeting(
        id="moede1",
        title="Klyngemøde om akutfunktioner",
        kind=MeetingKind.CLUSTER_MEETING,
        start=dt.datetime(2025, 3, 31, 16, 0),
        end=dt.datetime(2025, 3, 31, 18, 0),
        place="Lægehuset",
        delegations=(
            Delegation(
                Organisation("Aalborg Kommune", OrganisationKind.MUNICIPALITY),
                (Participant(Person("Anna Jensen")), Participant(Person("Bo Madsen"))),
            ),
        ),
        agenda=Agenda(
            items=(
                AgendaItem("Velkomst", number="1", slot=TimeSlot(dt.time(16, 0), dt.time(16, 15))),
            ),
            start=dt.time(16, 0),
        ),
        action_items=(ActionItem("Send referat", "Anna Jensen", due=dt.date(2025, 4, 7)),),
    )


@pytest.fixture
def cluster() -> Cluster:
    """A cluster: a kind the CLI has no renderer for."""
    return Cluster(
        "Klynge Nord",
        Region.NORDJYLLAND,
        municipalities=("Aalborg",),
        practices=(Practice("012345", "Lægerne i Byen"),),
    )


# -- in-test plugins --------------------------------------------------------------------------


def summary_text(package: ClusterPackage, heading: str = "Resumé") -> str:
    """What :class:`SummaryExporter` writes: derived from the package, one fact per line."""
    lines = [
        f"{heading}: {package.title}",
        f"Emne: {package.topic}",
        f"Varighed: {package.meeting_minutes} min",
    ]
    lines += [f"- {item.title} ({item.duration} min)" for item in package.programme.items]
    return "\n".join(lines) + "\n"


class SummaryExporter(Exporter):
    """A real exporter: a plain-text summary of a package's programme."""

    name = "myfmt"
    description = "Plain-text summary"
    accepts = (ClusterPackage,)
    suffixes = (".txt",)
    options: Mapping[str, str] = {"heading": "first line's heading"}

    def export(self, obj: Any, destination: Path, options: Mapping[str, str]) -> None:
        destination.write_text(
            summary_text(obj, options.get("heading", "Resumé")), encoding="utf-8"
        )


class TopicPlugin:
    """A plugin registering one topic and, optionally, the summary exporter."""

    def __init__(self, topic_id: str = "mytopic", *, exporter: bool = True) -> None:
        self.topic_id = topic_id
        self.exporter = exporter

    @hookimpl
    def register_topics(self, register: Callable[[Topic], None]) -> None:
        register(
            Topic(
                self.topic_id,
                f"Emnet {self.topic_id}",
                lambda: _package(self.topic_id, f"Pakken om {self.topic_id}"),
                description="Et emne til test",
            )
        )

    @hookimpl
    def register_exporters(self, register: Callable[[Exporter], None]) -> None:
        if self.exporter:
            register(SummaryExporter())


def _make_plugin(class_name: str, topic_id: str = "mytopic", *, exporter: bool = True) -> Any:
    """An instance of a fresh ``TopicPlugin`` subclass called ``class_name``.

    :func:`klyngepakke.testing.registered_plugins` names a plugin object after its class, so
    distinct classes give distinct plugin names.
    """
    cls = type(class_name, (TopicPlugin,), {})
    return cls(topic_id, exporter=exporter)


@pytest.fixture
def summary_plugin() -> TopicPlugin:
    """A plugin (named ``TopicPlugin``) with topic ``mytopic`` and exporter ``myfmt``."""
    return TopicPlugin()


@pytest.fixture
def make_plugin() -> Callable[..., Any]:
    """``make_plugin("ClassName", "topic_id", exporter=False)``: a named topic plugin."""
    return _make_plugin


@pytest.fixture
def expected_summary() -> Callable[..., str]:
    """The text :class:`SummaryExporter` writes for a package."""
    return summary_text


@pytest.fixture
def summary_exporter_class() -> type[SummaryExporter]:
    """The exporter class, for tests that subclass it."""
    return SummaryExporter
