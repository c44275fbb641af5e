from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

import klyngepakke_akutfunktioner
import klyngepakke_docx
from klyngepakke.api import get_package
from klyngepakke.bundle import MeetingBundle
from klyngepakke.demo import synthetic_meeting
from klyngepakke.model import ClusterPackage
from klyngepakke.planning import COPENHAGEN, RunbookPlan, plan_runbook
from klyngepakke.testing import registered_plugins

MEETING_START = dt.datetime(2027, 3, 11, 16, 0, tzinfo=COPENHAGEN)  # a Thursday
TODAY = dt.date(2026, 11, 1)


@pytest.fixture(scope="module", autouse=True)
def plugins() -> Iterator[None]:
    """The docx exporter and the akutfunktioner topic, whatever else is installed.

    Module-scoped, so the registry is given back after this plugin's tests: a session-scoped
    registry would hide the other plugins from the tests that run after these in one session.
    """
    with registered_plugins(klyngepakke_docx, klyngepakke_akutfunktioner):
        yield


@pytest.fixture(scope="module")
def package(plugins: None) -> ClusterPackage:
    return get_package("akutfunktioner")


@pytest.fixture(scope="module")
def plan(package: ClusterPackage) -> RunbookPlan:
    return plan_runbook(package, MEETING_START, today=TODAY, meeting_id="syd-akut")


@pytest.fixture(scope="module")
def bundle(package: ClusterPackage, plan: RunbookPlan) -> MeetingBundle:
    meeting = synthetic_meeting(package, start=MEETING_START)
    return MeetingBundle(package, meeting=meeting, plan=plan, synthetic=True)
