from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from decimal import Decimal
from importlib import metadata, resources

import pytest

import klyngepakke
import klyngepakke_akutfunktioner
from klyngepakke.conversion import Format, dumps, loads
from klyngepakke.model import (
    AgendaItemKind,
    ClusterPackage,
    DataSourceKind,
    Denominator,
    Phase,
    Question,
    QuestionKind,
    Role,
)
from klyngepakke.plugins import ENTRY_POINT_GROUP, PluginRegistry
from klyngepakke.testing import registered_plugins

PODCAST_URL = (
    "https://podcasts.apple.com/dk/podcast/klyngepakken-kommunale-akutfunktioner/"
    "id1581646553?i=1000554008416&l=da"
)


PHASE_ORDER = {Phase.BEFORE: 0, Phase.DURING: 1, Phase.AFTER: 2}

FIVE_POINT_LABELS = {
    ("I meget ringe grad", "I ringe grad", "I nogen grad", "I høj grad", "I meget høj grad"),
    ("Helt uenig", "Delvist uenig", "Hverken enig eller uenig", "Delvist enig", "Helt enig"),
    (
        "Meget utilfreds",
        "Utilfreds",
        "Hverken tilfreds eller utilfreds",
        "Tilfreds",
        "Meget tilfreds",
    ),
    ("Aldrig", "Sjældent", "Af og til", "Ofte", "Altid"),
}


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
    assert akut_package.version == "1.0.0"
    assert akut_package.meeting_minutes == 150


def test_programme_blocks_and_durations_match_the_material(akut_package: ClusterPackage) -> None:
    programme = akut_package.programme
    assert [(item.title, item.kind, item.minutes) for item in programme.items] == [
        ("Introduktion", AgendaItemKind.INTRODUCTION, 10),
        ("Blok 1: Akutfunktionen", AgendaItemKind.BLOCK, 65),
        ("Pause", AgendaItemKind.BREAK, 15),
        ("Blok 2: Henvisningsprocedurer", AgendaItemKind.BLOCK, 40),
        ("Blok 3: Opsamling og opfølgning", AgendaItemKind.BLOCK, 20),
    ]
    assert programme.duration == 150
    assert sum(item.minutes or 0 for item in programme.items) == 150


def test_blocks_hold_the_items_the_material_names(akut_package: ClusterPackage) -> None:
    block_1, block_2, block_3 = (
        item for item in akut_package.programme.items if item.kind is AgendaItemKind.BLOCK
    )
    assert [(item.kind, item.presenter) for item in block_1.items] == [
        (AgendaItemKind.DATA_REVIEW, ""),
        (AgendaItemKind.TALK, "Kommunen"),
        (AgendaItemKind.PLENARY_DIALOGUE, ""),
    ]
    assert block_1.items[1].minutes == 20
    assert any("0124" in point for point in block_1.items[0].points)
    assert [(item.kind, item.presenter) for item in block_2.items] == [
        (AgendaItemKind.TALK, "Kommunen"),
        (AgendaItemKind.DATA_REVIEW, ""),
        (AgendaItemKind.GROUP_WORK, ""),
        (AgendaItemKind.PLENARY_DIALOGUE, ""),
    ]
    assert block_2.items[2].title == "Tal med sidemanden"
    assert [item.kind for item in block_3.items] == [AgendaItemKind.PLENARY_DIALOGUE]
    assert any("hovedpointer" in point for point in block_3.items[0].points)


def test_every_block_has_its_reflection_questions(akut_package: ClusterPackage) -> None:
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
    assert metric.denominator is Denominator.GROUP1_INSURED
    kinds = [source.kind for source in akut_package.data_sources]
    assert kinds == [DataSourceKind.QUESTIONNAIRE, DataSourceKind.SERVICE_DATA]


def test_every_runbook_task_has_an_owner_and_a_deadline(akut_package: ClusterPackage) -> None:
    runbook = akut_package.runbook
    assert runbook is not None
    assert len(runbook.tasks) == 25
    for task in runbook.tasks:
        assert task.deadline is not None, task.id
        assert task.description.strip(), task.id
    owners = {task.owner for task in runbook.tasks}
    assert {
        Role.CLUSTER_COORDINATOR,
        Role.MUNICIPALITY,
        Role.KIAP,
        Role.MINUTE_TAKER,
        Role.CHAIR,
    } <= owners
    phases = [PHASE_ORDER[task.phase] for task in runbook.tasks]
    assert phases == sorted(phases)
    for phase in Phase:
        days = [
            t.deadline.approximate_days for t in runbook.tasks if t.phase is phase and t.deadline
        ]
        assert days == sorted(days), phase


@pytest.mark.parametrize(
    ("task_id", "deadline", "owner"),
    [
        ("order_package", "8 weeks before", Role.CLUSTER_COORDINATOR),
        ("kiap_call", "7 weeks before", Role.KIAP),
        ("material_mail", "7 weeks before", Role.KIAP),
        ("comment_questionnaire", "6 weeks before", Role.CLUSTER_COORDINATOR),
        ("send_member_emails", "6 weeks before", Role.CLUSTER_COORDINATOR),
        ("final_deck", "2 weeks before", Role.KIAP),
        ("send_invitation", "2 weeks before", Role.CLUSTER_COORDINATOR),
        ("pre_meeting", "1 week before", Role.CLUSTER_COORDINATOR),
        ("practical_checks", "2 days before", Role.CLUSTER_COORDINATOR),
        ("appoint_minute_taker", "on the day", Role.CHAIR),
        ("write_down_agreements", "on the day", Role.MINUTE_TAKER),
        ("block_1", "on the day", Role.CHAIR),
        ("block_2", "on the day", Role.CHAIR),
        ("block_3", "on the day", Role.CHAIR),
        ("implement_agreements", "1 month after", Role.PARTICIPANTS),
        ("klu_agenda", "1 month after", Role.MUNICIPALITY),
        ("follow_up_meeting", "3 months after", Role.CLUSTER_COORDINATOR),
        ("follow_up_order", "10 months after", Role.CLUSTER_COORDINATOR),
    ],
)
def test_runbook_task_deadline_and_owner(
    akut_package: ClusterPackage, task_id: str, deadline: str, owner: Role
) -> None:
    assert akut_package.runbook is not None
    task = akut_package.runbook.task(task_id)
    assert (str(task.deadline), task.owner) == (deadline, owner)


def test_suggested_deadlines_say_so(akut_package: ClusterPackage) -> None:
    assert akut_package.runbook is not None
    given_by_the_material = {"order_package", "final_deck", "pre_meeting"}
    during = {task.id for task in akut_package.runbook.tasks if task.phase is Phase.DURING}
    for task in akut_package.runbook.tasks:
        if task.id not in given_by_the_material | during:
            assert "Fristen er et forslag" in " ".join(task.description.split()), task.id


def test_checklists(akut_package: ClusterPackage) -> None:
    runbook = akut_package.runbook
    assert runbook is not None
    pre_meeting = runbook.task("pre_meeting")
    assert len(pre_meeting.checklist) == 5
    assert "referent" in pre_meeting.checklist[-1]
    assert any("plenumdrøftelser" in point for point in pre_meeting.checklist)
    assert len(runbook.task("material_mail").checklist) == 5
    assert len(runbook.task("practical_checks").checklist) == 5
    assert len(runbook.task("prepare_talks").checklist) == 4
    invitation = " ".join(runbook.task("send_invitation").checklist)
    assert PODCAST_URL in invitation
    assert "pdf" in invitation
    for block in ("block_1", "block_2", "block_3"):
        assert runbook.task(block).checklist, block


def test_questionnaire_sections_and_counts(akut_package: ClusterPackage) -> None:
    questionnaire = akut_package.questionnaire
    assert questionnaire is not None
    assert questionnaire.id == "akutfunktioner"
    assert [section.code for section in questionnaire.sections] == [
        "kendskab",
        "henvisning",
        "kommunikation",
    ]
    questions = list(questionnaire.questions())
    assert len(questions) == 20
    assert 15 <= len(questions) <= 25
    codes = [question.code for question in questions]
    assert len(set(codes)) == len(codes)
    assert all(re.fullmatch(r"[a-z0-9_]+", code) for code in codes)
    kinds = {question.kind for question in questions}
    assert {
        QuestionKind.SINGLE_CHOICE,
        QuestionKind.MULTIPLE_CHOICE,
        QuestionKind.SCALE,
        QuestionKind.TEXT,
    } <= kinds
    for code in ("rolle", "henvisninger_3_mdr", "patientgrupper_henvist", "henvisningsvej"):
        assert questionnaire.question(code)
    assert questionnaire.question("forslag").kind is QuestionKind.TEXT
    assert not questionnaire.question("forslag").required
    closed = [q for q in questions if q.kind is not QuestionKind.TEXT]
    assert all(question.required for question in closed)


def test_show_if_refers_to_an_earlier_question_and_its_options(
    akut_package: ClusterPackage,
) -> None:
    questionnaire = akut_package.questionnaire
    assert questionnaire is not None
    earlier: dict[str, Question] = {}
    conditional = 0
    for question in questionnaire.questions():
        if question.show_if is not None:
            conditional += 1
            target = earlier[question.show_if.question]
            assert set(question.show_if.any_of) <= {option.code for option in target.options}
        earlier[question.code] = question
    assert conditional >= 5
    channel = questionnaire.question("henvisningsvej")
    assert channel.kind is QuestionKind.MULTIPLE_CHOICE
    assert channel.show_if is not None
    assert channel.show_if.question == "henvisninger_3_mdr"
    assert "ingen" not in channel.show_if.any_of
    for code in ("brug_0124", "afregning_0124"):
        condition = questionnaire.question(code).show_if
        assert condition is not None
        assert (condition.question, condition.any_of) == ("kendskab_0124", ("ja",))


def test_five_point_scales_are_balanced_with_ved_ikke_outside_the_scale(
    akut_package: ClusterPackage,
) -> None:
    questionnaire = akut_package.questionnaire
    assert questionnaire is not None
    rated = [q for q in questionnaire.questions() if any(o.value for o in q.options)]
    assert len(rated) >= 10
    for question in rated:
        assert question.kind is QuestionKind.SCALE, question.code
        valued = [option for option in question.options if option.on_scale]
        others = [option for option in question.options if not option.on_scale]
        assert [option.value for option in valued] == [1, 2, 3, 4, 5], question.code
        assert [option.code for option in valued] == ["1", "2", "3", "4", "5"], question.code
        assert tuple(option.label for option in valued) in FIVE_POINT_LABELS, question.code
        assert others in ([], [o for o in question.options if o.code == "ved_ikke"]), question.code
        assert question.options[-len(others) or len(question.options) :] == tuple(others)
    with_ved_ikke = [q for q in rated if not q.options[-1].on_scale]
    assert len(with_ved_ikke) >= 8


def test_none_and_dont_know_rule_out_other_answers(akut_package: ClusterPackage) -> None:
    assert akut_package.questionnaire is not None
    question = akut_package.questionnaire.question("patientgrupper_ikke_henvist")
    assert [o.code for o in question.options if o.exclusive] == ["ingen", "ved_ikke"]


def test_referral_frequency_question(akut_package: ClusterPackage) -> None:
    assert akut_package.questionnaire is not None
    question = akut_package.questionnaire.question("henvisninger_3_mdr")
    assert question.kind is QuestionKind.SINGLE_CHOICE
    assert [option.label for option in question.options] == [
        "Ingen gange",
        "1-2 gange",
        "3-5 gange",
        "Flere end 5 gange",
        "Ved ikke",
    ]


def test_municipality_information_follow_up_materials_and_contacts(
    akut_package: ClusterPackage,
) -> None:
    info = akut_package.municipality_information
    assert len(info) >= 6
    text = " ".join(" ".join(section.body.split()) for section in info)
    for phrase in ("2,5 time", "mellem kl. 16 og 17", "lederen", "faktaark", "forslag"):
        assert phrase in text
    follow_up = " ".join(" ".join(section.body.split()) for section in akut_package.follow_up)
    for phrase in ("referent", "KLU", "opfoelgningspakker/overview.php", "et år"):
        assert phrase in follow_up
    podcast = next(m for m in akut_package.materials if m.title.startswith("Podcast"))
    assert podcast.url == PODCAST_URL
    (kiap,) = akut_package.contacts
    assert (kiap.email, kiap.phone) == ("support@kiap.dk", "7196 8844")
    assert "Odense" in kiap.title
    assert "København" in kiap.title


def test_references_and_reviewers(akut_package: ClusterPackage) -> None:
    assert len(akut_package.references) == 3
    assert all(reference.url.startswith("https://") for reference in akut_package.references)
    assert [person.name for person in akut_package.reviewers] == [
        "Lise Dyhr",
        "Anne Møller",
        "Marianne Puge",
    ]
    assert len(akut_package.reviewing_organisations) == 10


@pytest.mark.parametrize("file_format", ["yaml", "json"])
def test_package_round_trips(akut_package: ClusterPackage, file_format: Format) -> None:
    text = dumps(akut_package, file_format)
    again = loads(text, file_format, ClusterPackage)
    assert again == akut_package
    assert dumps(again, file_format) == text


def test_shipped_file_validates_on_its_own(akut_package: ClusterPackage) -> None:
    path = resources.files(klyngepakke_akutfunktioner) / "package.yaml"
    with resources.as_file(path) as file:
        assert klyngepakke.load(file) == akut_package


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


def test_plan_for_the_monday_after_easter(akut_package: ClusterPackage) -> None:
    from klyngepakke.model import Phase
    from klyngepakke.planning import plan_runbook

    # Monday 5 April 2027; a week before is Anden påskedag, with Langfredag and Skærtorsdag
    # before it, so the pre-meeting moves to Wednesday 24 March.
    plan = plan_runbook(akut_package, dt.datetime(2027, 4, 5, 16, 0), today=dt.date(2026, 11, 22))
    due = {planned.task.id: planned for planned in plan.tasks}
    assert due["order_package"].due == dt.date(2027, 2, 8)
    assert due["pre_meeting"].due == dt.date(2027, 3, 24)
    assert due["pre_meeting"].moved_because == "Anden påskedag"
    assert due["final_deck"].due == dt.date(2027, 3, 22)
    assert all(planned.due == dt.date(2027, 4, 5) for planned in plan.phase(Phase.DURING))
    assert all(planned.due is not None for planned in plan.tasks)
    assert plan.meeting_end.time() == dt.time(18, 30)


def test_plan_for_early_january(akut_package: ClusterPackage) -> None:
    from klyngepakke.planning import plan_runbook

    # Tuesday 4 January 2028: a week before is Tuesday 28 December, a working day; two weeks
    # before is Tuesday 21 December; the order deadline is Tuesday 9 November 2027.
    plan = plan_runbook(akut_package, dt.datetime(2028, 1, 4, 16, 0), today=dt.date(2026, 11, 22))
    due = {planned.task.id: planned.due for planned in plan.tasks}
    assert due["pre_meeting"] == dt.date(2027, 12, 28)
    assert due["final_deck"] == dt.date(2027, 12, 21)
    assert due["order_package"] == dt.date(2027, 11, 9)
    assert plan.warnings == ()
