"""The cluster package: everything one meeting on one topic needs."""

from __future__ import annotations

from collections.abc import Iterator

import attrs

from klyngepakke.errors import PathPart, Problem
from klyngepakke.model._agenda import Agenda, AgendaItem
from klyngepakke.model._base import (
    Checked,
    LabelledEnum,
    code_problems,
    text_problems,
    unique_problems,
)
from klyngepakke.model._people import Person
from klyngepakke.model._questionnaire import Questionnaire
from klyngepakke.model._recommendation import ALL_RECOMMENDATIONS, Recommendation
from klyngepakke.model._runbook import Role, Runbook
from klyngepakke.model._service import CountedEvent, MetricDefinition, ServiceCode


def url_problems(value: str, *path: PathPart) -> Iterator[Problem]:
    """Links are empty or http(s) URLs without spaces."""
    if value and (not value.startswith(("https://", "http://")) or any(c.isspace() for c in value)):
        yield Problem(path, f"{value!r} is not an http(s) link")


@attrs.frozen
class TextSection(Checked):
    """A headed piece of text.

    ``body`` holds paragraphs separated by blank lines; lines starting with a hyphen and a
    space (``"- "``) are bullets.
    """

    heading: str
    body: str

    def blocks(self) -> list[str | tuple[str, ...]]:
        """The body in order: paragraphs as text, bullet lists as tuples of items.

        Lines of one paragraph or one bullet item are joined with a space, so authors may
        wrap long text in the file.
        """
        blocks: list[str | tuple[str, ...]] = []
        for chunk in self.body.strip().split("\n\n"):
            paragraph: list[str] = []
            items: list[str] = []
            for line in (line.strip() for line in chunk.splitlines()):
                if line.startswith("- "):
                    if paragraph:
                        blocks.append(" ".join(paragraph))
                        paragraph = []
                    items.append(line[2:].strip())
                elif items and line:
                    items[-1] = f"{items[-1]} {line}"
                elif line:
                    paragraph.append(line)
            if paragraph:
                blocks.append(" ".join(paragraph))
            if items:
                blocks.append(tuple(items))
        return blocks

    def _check(self) -> Iterator[Problem]:
        yield from text_problems(self.heading, "heading")
        yield from text_problems(self.body, "body")


@attrs.frozen
class Material(Checked):
    """Something KiAP provides with the package: a document, a podcast, a contact person."""

    title: str
    url: str = ""
    description: str = ""

    def _check(self) -> Iterator[Problem]:
        yield from text_problems(self.title, "title")
        yield from url_problems(self.url, "url")


class DataSourceKind(LabelledEnum):
    """Where the data shown at the meeting comes from."""

    QUESTIONNAIRE = "questionnaire"
    SERVICE_DATA = "service_data"
    OTHER = "other"


DataSourceKind._labels = {
    "questionnaire": "Spørgeskemadata",
    "service_data": "Ydelsesdata",
    "other": "Andre data",
}


@attrs.frozen
class DataSource(Checked):
    """One source of the data a package presents."""

    kind: DataSourceKind
    title: str
    description: str = ""

    def _check(self) -> Iterator[Problem]:
        yield from text_problems(self.title, "title")


@attrs.frozen
class Reference(Checked):
    """A numbered reference: title, who published it and when, and a link."""

    title: str
    source: str = ""
    url: str = ""

    def _check(self) -> Iterator[Problem]:
        yield from text_problems(self.title, "title")
        yield from url_problems(self.url, "url")


@attrs.frozen
class ClusterPackage(Checked):
    """A klyngepakke: background, programme, runbook, questionnaire and metrics for a topic.

    The programme's ``minutes`` is the meeting length; its items must add up to it.
    ``municipality_information`` is written for the municipality (the invitation and fact
    sheet); ``follow_up`` is the advice on following up after the meeting.
    ``recommendations`` are the package's recommendations by actor (*anbefalinger*); a
    programme item shows them by naming ``recommendations`` or one of their groups in ``shows``.
    """

    topic: str
    title: str
    version: str
    purpose: str
    programme: Agenda
    subtitle: str = ""
    background: tuple[TextSection, ...] = ()
    materials: tuple[Material, ...] = ()
    data_sources: tuple[DataSource, ...] = ()
    references: tuple[Reference, ...] = ()
    reviewers: tuple[Person, ...] = ()
    reviewing_organisations: tuple[str, ...] = ()
    municipality_information: tuple[TextSection, ...] = ()
    follow_up: tuple[TextSection, ...] = ()
    contacts: tuple[Person, ...] = ()
    runbook: Runbook | None = None
    questionnaire: Questionnaire | None = None
    service_codes: tuple[ServiceCode, ...] = ()
    counted_events: tuple[CountedEvent, ...] = ()
    metrics: tuple[MetricDefinition, ...] = ()
    recommendations: tuple[Recommendation, ...] = ()

    @property
    def meeting_minutes(self) -> int:
        """Length of the meeting in minutes."""
        assert self.programme.minutes is not None  # checked on construction
        return self.programme.minutes

    def service_code(self, code: str) -> ServiceCode:
        """The service with this code; ``KeyError`` if the package does not define it."""
        for service in self.service_codes:
            if service.code == code:
                return service
        raise KeyError(code)

    def counted_event(self, code: str) -> CountedEvent:
        """The counted event with this code; ``KeyError`` if the package does not define it."""
        for event in self.counted_events:
            if event.code == code:
                return event
        raise KeyError(code)

    def recommendations_for(self, role: Role) -> tuple[Recommendation, ...]:
        """The recommendations ``role`` is responsible for, alone or with others, in order."""
        return tuple(r for r in self.recommendations if r.is_for(role))

    def shown_recommendations(self, name: str) -> tuple[Recommendation, ...]:
        """The recommendations an item's ``shows`` entry ``name`` presents.

        ``recommendations`` presents them all, a group's heading that group's; any other name
        (a questionnaire section, a metric) presents none.
        """
        if name == ALL_RECOMMENDATIONS:
            return self.recommendations
        return tuple(r for r in self.recommendations if r.group and r.group == name)

    def _check(self) -> Iterator[Problem]:
        yield from code_problems(self.topic, "topic")
        yield from text_problems(self.title, "title")
        yield from text_problems(self.version, "version")
        yield from text_problems(self.purpose, "purpose")
        if self.programme.minutes is None:
            yield Problem(
                ("programme", "minutes"), "a package's programme needs the meeting length"
            )
        # Services and events share the codes of service-data files (ydelseskode).
        codes: list[tuple[tuple[PathPart, ...], str]] = [
            (("service_codes", i, "code"), s.code) for i, s in enumerate(self.service_codes)
        ]
        codes += [
            (("counted_events", i, "code"), e.code) for i, e in enumerate(self.counted_events)
        ]
        yield from unique_problems(codes, "service code")
        yield from unique_problems(
            ((("metrics", i, "id"), m.id) for i, m in enumerate(self.metrics)), "metric id"
        )
        yield from self._metric_code_problems()
        yield from self._recommendation_problems()
        yield from self._shown_problems()

    def _recommendation_problems(self) -> Iterator[Problem]:
        """Ids are unique, references exist, and a group's name is not a section or metric."""
        yield from unique_problems(
            ((("recommendations", i, "id"), r.id) for i, r in enumerate(self.recommendations)),
            "recommendation id",
        )
        taken = {metric.id for metric in self.metrics} | {ALL_RECOMMENDATIONS}
        if self.questionnaire is not None:
            taken.update(section.code for section in self.questionnaire.sections)
        for i, recommendation in enumerate(self.recommendations):
            number = recommendation.reference
            if number is not None and not 1 <= number <= len(self.references):
                yield Problem(
                    ("recommendations", i, "reference"),
                    f"{number} is not one of the package's references "
                    f"(it has {len(self.references)})",
                )
            if recommendation.group in taken:
                taken.discard(recommendation.group)  # report a clash once, where it starts
                yield Problem(
                    ("recommendations", i, "group"),
                    f"{recommendation.group!r} is also a questionnaire section, a metric or "
                    "the name of all recommendations, so 'shows' could not tell them apart",
                )

    def _metric_code_problems(self) -> Iterator[Problem]:
        """A metric's codes name the package's services, or its counted events."""
        services = {service.code for service in self.service_codes}
        events = {event.code for event in self.counted_events}
        for m, metric in enumerate(self.metrics):
            for field, noun, known, other in (
                ("service_codes", "service codes", services, events),
                ("counted_events", "counted events", events, services),
            ):
                for c, code in enumerate(getattr(metric, field)):
                    if code not in known:
                        where = "counted_events" if field == "service_codes" else "service_codes"
                        hint = f"; it is listed in the package's {where}" if code in other else ""
                        yield Problem(
                            ("metrics", m, field, c),
                            f"{code!r} is not one of the package's {noun} {sorted(known)}{hint}",
                        )

    def _shown_problems(self) -> Iterator[Problem]:
        """Every result a programme item shows is a section, a metric or recommendations."""
        shown = {metric.id for metric in self.metrics}
        if self.questionnaire is not None:
            shown.update(section.code for section in self.questionnaire.sections)
        if self.recommendations:
            shown.add(ALL_RECOMMENDATIONS)
            shown.update(r.group for r in self.recommendations if r.group)

        def check(items: tuple[AgendaItem, ...], path: tuple[PathPart, ...]) -> Iterator[Problem]:
            for i, item in enumerate(items):
                for s, name in enumerate(item.shows):
                    if name == ALL_RECOMMENDATIONS and not self.recommendations:
                        yield Problem(
                            (*path, i, "shows", s),
                            f"{name!r}: the package has no recommendations to show",
                        )
                    elif name not in shown:
                        yield Problem(
                            (*path, i, "shows", s),
                            f"{name!r} is not a questionnaire section, a metric or a group of "
                            f"recommendations of the package {sorted(shown)}",
                        )
                yield from check(item.items, (*path, i, "items"))

        yield from check(self.programme.items, ("programme", "items"))
