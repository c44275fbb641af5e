from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from importlib import metadata

import pytest

import klyngepakke
import klyngepakke_akutfunktioner
from klyngepakke.conversion import Format, dumps, loads
from klyngepakke.model import AgendaItemKind, ClusterPackage, QuestionKind
from klyngepakke.plugins import ENTRY_POINT_GROUP, PluginRegistry
from klyngepakke.testing import registered_plugins


@pytest.fixture
def akut_package() -> Iterator[ClusterPackage]:
    with registered_plugins(klyngepakke_akutfunktioner) as registry:
        topic = registry.topic("akutfunktioner")
        assert topic.title == "Kommunale akutfunktioner"
        assert registry.topics()["akutfunktioner"].plugin == "klyngepakke_akutfunktioner"
        yield klyngepakke.get_package("akutfunktioner")


def test_package_loads_through_the_plugin(akut_package: ClusterPackage) -> None:
    assert akut_package.topic == "akutfunktioner"
    assert akut_package.title == "Kommunale akutfunktioner"
    assert akut_package.version == "0.1.0"
    assert akut_package.meeting_minutes == 150


def test_programme_has_five_items_adding_up_to_150_minutes(akut_package: ClusterPackage) -> None:
    programme = akut_package.programme
    assert [(item.title, item.kind, item.minutes) for item in programme.items] == [
        ("Introduktion", AgendaItemKind.INTRODUCTION, 10),
        ("Blok 1: Akutfunktionen", AgendaItemKind.BLOCK, 65),
        ("Pause", AgendaItemKind.BREAK, 15),
        ("Blok 2: Henvisningsprocedurer", AgendaItemKind.BLOCK, 40),
        ("Blok 3: Opsamling og opfølgning", AgendaItemKind.BLOCK, 20),
    ]
    assert sum(item.minutes or 0 for item in programme.items) == 150
    talk = next(item for item in programme.items[1].items if item.kind is AgendaItemKind.TALK)
    assert (talk.presenter, talk.minutes) == ("Kommunen", 20)
    assert AgendaItemKind.GROUP_WORK in {item.kind for item in programme.items[3].items}


def test_every_block_has_reflection_questions(akut_package: ClusterPackage) -> None:
    blocks = [item for item in akut_package.programme.items if item.kind is AgendaItemKind.BLOCK]
    assert [len(block.reflection_questions) for block in blocks] == [4, 4, 6]
    for block in blocks:
        assert all(question.endswith("?") for question in block.reflection_questions)


def test_service_0124_fee_and_limit(akut_package: ClusterPackage) -> None:
    service = akut_package.service_code("0124")
    fee = service.fee_on(dt.date(2024, 5, 1))
    assert fee is not None
    assert fee.amount == Decimal("173.06")
    assert fee.currency == "DKK"
    assert service.fee_on(dt.date(2024, 3, 31)) is None
    assert [(limit.max_count, limit.per.value) for limit in service.limits] == [(2, "day")]
    (metric,) = akut_package.metrics
    assert (metric.id, metric.service_codes, metric.per) == ("0124_per_1000", ("0124",), 1000)


def test_runbook_and_questionnaire(akut_package: ClusterPackage) -> None:
    runbook = akut_package.runbook
    assert runbook is not None
    assert str(runbook.task("order_package").deadline) == "8 weeks before"
    assert str(runbook.task("follow_up_order").deadline) == "1 year after"
    questionnaire = akut_package.questionnaire
    assert questionnaire is not None
    assert questionnaire.id == "akutfunktioner"
    kinds = {question.kind for question in questionnaire.questions()}
    assert {QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE, QuestionKind.SCALE} <= kinds
    assert any(question.show_if for question in questionnaire.questions())


@pytest.mark.parametrize("file_format", ["yaml", "json"])
def test_package_round_trips(akut_package: ClusterPackage, file_format: Format) -> None:
    text = dumps(akut_package, file_format)
    again = loads(text, file_format, ClusterPackage)
    assert again == akut_package
    assert dumps(again, file_format) == text


def test_entry_point_is_declared() -> None:
    entry_points = metadata.entry_points(group=ENTRY_POINT_GROUP)
    assert "akutfunktioner" in entry_points.names
    entry_point = entry_points["akutfunktioner"]
    assert entry_point.value == "klyngepakke_akutfunktioner"
    assert entry_point.dist is not None
    assert entry_point.dist.name == "klyngepakke-akutfunktioner"


def test_topic_loads_through_the_installed_entry_point() -> None:
    registry = PluginRegistry(strict=True)
    registry.load_entry_points(disabled=set(), allowed={"akutfunktioner"})
    assert registry.topics()["akutfunktioner"].plugin == "akutfunktioner"
    assert registry.topic("akutfunktioner").package.meeting_minutes == 150
