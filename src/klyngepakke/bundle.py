"""A meeting bundle: everything one meeting's deck and documents are made from.

A bundle holds the package (from its topic, with local adaptations) and, when they exist, the
meeting, the questionnaire results (with an optional baseline), the cluster's service metrics
(pseudonymised, see :func:`klyngepakke.metrics.privacy.cluster_view`) and the dated runbook.
Exporters that draw on several of these (the deck, the letter to the municipality, the results
report) accept a bundle; what is missing is listed by :meth:`MeetingBundle.missing` so they can
show a marked placeholder instead of leaving it out.
"""

from __future__ import annotations

from collections.abc import Iterator

import attrs

from klyngepakke.errors import Problem
from klyngepakke.metrics.results import ClusterView
from klyngepakke.model import ClusterPackage, Meeting, OrganisationKind
from klyngepakke.model._base import Checked
from klyngepakke.planning import RunbookPlan
from klyngepakke.survey_results import SurveyComparison, SurveyResults, compare

__all__ = ["MeetingBundle"]


@attrs.frozen
class MeetingBundle(Checked):
    """The package of one meeting with what has been gathered for it so far.

    ``survey_baseline`` is the same questionnaire's results from before (a follow-up meeting
    compares with it); it needs ``survey``. ``metrics`` is one cluster's view of the service
    data, with its baseline changes when the report had one. ``synthetic`` is also true when
    the metrics are.
    """

    package: ClusterPackage
    meeting: Meeting | None = None
    survey: SurveyResults | None = None
    survey_baseline: SurveyResults | None = None
    metrics: ClusterView | None = None
    plan: RunbookPlan | None = None
    synthetic: bool = False
    """Made from synthetic data: every artefact made from it must say so."""

    def _check(self) -> Iterator[Problem]:
        if self.survey_baseline is not None and self.survey is None:
            yield Problem(("survey_baseline",), "needs survey: a baseline compares with results")
        if self.meeting is not None and self.meeting.topic not in ("", self.package.topic):
            yield Problem(
                ("meeting", "topic"),
                f"is {self.meeting.topic!r} but the package is {self.package.topic!r}",
            )
        if self.plan is not None and self.plan.topic != self.package.topic:
            yield Problem(
                ("plan", "topic"),
                f"is {self.plan.topic!r} but the package is {self.package.topic!r}",
            )

    @property
    def is_synthetic(self) -> bool:
        """Whether any part is synthetic (the flag, or metrics marked synthetic)."""
        return self.synthetic or (self.metrics is not None and self.metrics.synthetic)

    @property
    def survey_comparison(self) -> SurveyComparison | None:
        """The results compared with the baseline, when both are there."""
        if self.survey is None or self.survey_baseline is None:
            return None
        return compare(self.survey_baseline, self.survey)

    @property
    def cluster_name(self) -> str:
        """The cluster's name from the meeting's delegations or the metrics; "" if unknown."""
        name = self._organisation(OrganisationKind.CLUSTER)
        if name:
            return name
        return self.metrics.cluster if self.metrics is not None else ""

    @property
    def municipality_name(self) -> str:
        """The municipality's name from the meeting's delegations; "" if unknown."""
        return self._organisation(OrganisationKind.MUNICIPALITY)

    def _organisation(self, kind: OrganisationKind) -> str:
        if self.meeting is None:
            return ""
        for delegation in self.meeting.delegations:
            if delegation.organisation.kind is kind:
                return delegation.organisation.name
        return ""

    def missing(self) -> tuple[str, ...]:
        """What is not in the bundle yet, each as a Danish sentence telling what to supply."""
        gaps = []
        if self.meeting is None:
            gaps.append("Mødet mangler: angiv dato, starttidspunkt, sted og deltagere.")
        else:
            if not self.meeting.place:
                gaps.append("Mødested mangler.")
            if not self.cluster_name:
                gaps.append("Klyngen mangler blandt mødets deltagende organisationer.")
            if not self.municipality_name:
                gaps.append("Kommunen mangler blandt mødets deltagende organisationer.")
        if self.package.questionnaire is not None and self.survey is None:
            gaps.append("Spørgeskemaresultater mangler: importér klyngens besvarelser.")
        if self.package.metrics and self.metrics is None:
            gaps.append(self._missing_metrics())
        if self.plan is None:
            gaps.append("Drejebog med datoer mangler: planlæg drejebogen ud fra mødedatoen.")
        return tuple(gaps)

    def _missing_metrics(self) -> str:
        """What to supply for the package's first metric, naming who counts its events."""
        metric = self.package.metrics[0]
        if not metric.counts_events:
            return "Ydelsesdata mangler: beregn klyngens nøgletal fra regionens udtræk."
        events = [self.package.counted_event(code) for code in metric.counted_events]
        sources = " og ".join(dict.fromkeys(_genitive(event.counted_by) for event in events))
        names = " og ".join(_lower_first(event.name) for event in events)
        return f"{sources} tal for {names} mangler: beregn klyngens nøgletal ud fra dem."


def _genitive(name: str) -> str:
    """Danish genitive: "Kommunen" → "Kommunens", "Klaus" → "Klaus'"."""
    return f"{name}'" if name.endswith(("s", "x", "z")) else f"{name}s"


def _lower_first(text: str) -> str:
    """A name inside a sentence: "Henvisning til …" → "henvisning til …"; "MedCom" stays."""
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text
