from __future__ import annotations

import datetime as dt
import html
import json
import os
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from importlib import metadata, resources
from pathlib import Path

import pytest

import klyngepakke
import klyngepakke_forebyggelse
from klyngepakke import api
from klyngepakke.bundle import MeetingBundle
from klyngepakke.cli import main
from klyngepakke.conversion import Format, dumps, load, loads
from klyngepakke.demo import synthetic_bundle
from klyngepakke.metrics.results import GroupLevel
from klyngepakke.model import (
    AgendaItem,
    AgendaItemKind,
    ClusterPackage,
    DataSourceKind,
    Phase,
    Question,
    QuestionKind,
    Questionnaire,
    ReferenceLevel,
    Role,
    TextSection,
    group_recommendations,
)
from klyngepakke.planning import RunbookPlan, plan_runbook
from klyngepakke.platforms import PlatformError
from klyngepakke.plugins import ENTRY_POINT_GROUP, PluginRegistry
from klyngepakke.testing import registered_plugins

DISTRIBUTION = "klyngepakke-forebyggelse"
MEETING = dt.datetime(2027, 3, 11, 16, 0)
PHASE_ORDER = {Phase.BEFORE: 0, Phase.DURING: 1, Phase.AFTER: 2}

STAGES = (
    "Trin 1: Afdækning af forebyggelsesbehov",
    "Trin 2: Hvem skal have et forebyggelsestilbud?",
    "Trin 3: Hvilke forebyggelsestilbud er der?",
    "Trin 4: Henvisning til kommunalt tilbud",
    "Trin 5: Afslutning af forebyggelsesforløbet",
)

PRACTICE: tuple[Role, ...] = (Role.CLUSTER_MEMBERS,)
MUNICIPALITY: tuple[Role, ...] = (Role.MUNICIPALITY,)
BOTH: tuple[Role, ...] = (Role.CLUSTER_MEMBERS, Role.MUNICIPALITY)

# The recommendations in the background name their actor first; `recommendations` holds the rest.
ACTOR_PREFIXES = (
    ("Almen praksis og kommunen ", BOTH),
    ("Almen praksis ", PRACTICE),
    ("Kommunen ", MUNICIPALITY),
)
RECOMMENDATIONS_BY_ACTOR = {PRACTICE: 4, MUNICIPALITY: 7, BOTH: 10}
FRAMEWORK = "Rammer for samarbejdet"
GROUPS = (*STAGES, FRAMEWORK)
# The background section a recommendation is told in, and the group it is listed under: as in
# the leaflet, consent belongs to the referral and the committee (KLU) to the framework.
GROUP_OF_SECTION = {
    **{stage: stage for stage in STAGES},
    "Samtykke i korte træk": STAGES[3],
    FRAMEWORK: FRAMEWORK,
    "Forebyggelse i det kommunalt-lægelige udvalg (KLU)": FRAMEWORK,
}
REFERRED = ("1_5", "6_20", "over_20")

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


@pytest.fixture(scope="module")
def package() -> ClusterPackage:
    with registered_plugins(klyngepakke_forebyggelse) as registry:
        assert registry.topic("forebyggelse").title == "Forebyggelsesforløb"
        assert registry.topics()["forebyggelse"].plugin == "klyngepakke_forebyggelse"
        return klyngepakke.get_package("forebyggelse")


@pytest.fixture(scope="module")
def questionnaire(package: ClusterPackage) -> Questionnaire:
    assert package.questionnaire is not None
    return package.questionnaire


@pytest.fixture(scope="module")
def bundle(package: ClusterPackage) -> MeetingBundle:
    # With the synthetic referral counts: the metric compares with the municipality.
    return synthetic_bundle(package)


@pytest.fixture
def installed() -> Iterator[PluginRegistry]:
    with registered_plugins(installed=True) as registry:
        yield registry


def section(package: ClusterPackage, heading: str) -> TextSection:
    (found,) = [s for s in package.background if s.heading == heading]
    return found


def bullets(text_section: TextSection) -> list[str]:
    return [item for block in text_section.blocks() if isinstance(block, tuple) for item in block]


def blocks(package: ClusterPackage) -> list[AgendaItem]:
    return [item for item in package.programme.items if item.kind is AgendaItemKind.BLOCK]


def background_recommendations(
    package: ClusterPackage,
) -> list[tuple[str, tuple[Role, ...], str]]:
    """Every "Pjecens anbefaling(er)" bullet of the background, as (group, actor, text)."""
    found: list[tuple[str, tuple[Role, ...], str]] = []
    for text_section in package.background:
        blocks = text_section.blocks()
        for index, block in enumerate(blocks):
            if not (isinstance(block, str) and block.startswith("Pjecens anbefaling")):
                continue
            items = blocks[index + 1]
            assert isinstance(items, tuple), text_section.heading
            for item in items:
                roles = next((r for prefix, r in ACTOR_PREFIXES if item.startswith(prefix)), None)
                assert roles is not None, item
                prefix = next(p for p, r in ACTOR_PREFIXES if item.startswith(p))
                rest = item[len(prefix) :]
                group = GROUP_OF_SECTION[text_section.heading]
                found.append((group, roles, rest[0].upper() + rest[1:]))
    return found


# -- the package --------------------------------------------------------------------------------


def test_package_loads_through_the_plugin(package: ClusterPackage) -> None:
    assert package.topic == "forebyggelse"
    assert package.title == "Forebyggelsesforløb"
    assert package.version == "1.0.0"
    assert package.meeting_minutes == 150
    assert "kommunen deltager" in package.purpose


def test_shipped_file_validates_on_its_own(package: ClusterPackage) -> None:
    path = resources.files(klyngepakke_forebyggelse) / "package.yaml"
    with resources.as_file(path) as file:
        assert load(file) == package


@pytest.mark.parametrize("file_format", ["yaml", "json"])
def test_package_round_trips(package: ClusterPackage, file_format: Format) -> None:
    text = dumps(package, file_format)
    again = loads(text, file_format, ClusterPackage)
    assert again == package
    assert dumps(again, file_format) == text


def test_five_stages_in_order_with_the_leaflets_content(package: ClusterPackage) -> None:
    headings = [s.heading for s in package.background]
    positions = [headings.index(stage) for stage in STAGES]
    assert positions == sorted(positions)
    overview = bullets(section(package, "Forløbet i fem trin"))
    assert len(overview) == 5
    assert "SOFT" in overview[2]
    for word in ("MedCom", "én kommunal indgang", "kvittering", "visitation"):
        assert word in overview[3]
    assert "slutstatus" in overview[4]
    referral = " ".join(section(package, STAGES[3]).body.split())
    for phrase in ("MedCom", "lokationsnummer", "automatisk besked", "indledende samtale"):
        assert phrase in referral


def test_referral_criteria(package: ClusterPackage) -> None:
    criteria = bullets(section(package, STAGES[1]))[:6]
    expected = (
        ("ryger", "rygestop"),
        ("14/21 genstande", "AUDIT"),
        ("opereres", "fire genstande"),
        ("forløbsprogram",),
        ("særlige behov", "tæt opfølgning"),
        ("sundhed.dk",),
    )
    for criterion, phrases in zip(criteria, expected, strict=True):
        assert all(phrase in criterion for phrase in phrases), criterion


def test_consent_in_brief(package: ClusterPackage) -> None:
    consent = " ".join(section(package, "Samtykke i korte træk").body.split())
    for phrase in ("§ 41", "§ 42", "autoriserede sundhedspersoner", "registreres i journalen"):
        assert phrase in consent


def test_two_patient_cases_for_discussion(package: ClusterPackage) -> None:
    albert = section(package, "Case til drøftelse: Albert, 76 år").body
    mzuri = section(package, "Case til drøftelse: Mzuri, 32 år").body
    assert "KOL" in albert
    assert "rygestopkursus" in albert
    for phrase in ("SOFT", "MedCom", "KRAM", "slutstatus"):
        assert phrase in mzuri
    group_work = [i for i in package.programme.walk() if i.kind is AgendaItemKind.GROUP_WORK]
    assert [item.title for item in group_work[:2]] == [
        "Case: Albert, 76 år",
        "Case: Mzuri, 32 år",
    ]
    for item in group_work[:2]:
        assert item.description
        assert item.points
        assert all(point.endswith("?") for point in item.points)


def test_klu_topics(package: ClusterPackage) -> None:
    klu = section(package, "Forebyggelse i det kommunalt-lægelige udvalg (KLU)")
    topics = bullets(klu)[:6]
    assert topics[0].startswith("kapacitet, kvalitet og tilgængelighed")
    assert topics[-1].startswith("fælles dimensionering")
    assert any("tidlig opsporing" in topic for topic in topics)


# -- the recommendations, by actor ------------------------------------------------------------


def test_the_leaflets_21_recommendations_by_actor(package: ClusterPackage) -> None:
    recommendations = package.recommendations
    assert len(recommendations) == 21
    by_actor = dict.fromkeys(RECOMMENDATIONS_BY_ACTOR, 0)
    for recommendation in recommendations:
        by_actor[recommendation.responsible] += 1
        assert recommendation.text[0].isupper(), recommendation.id
        assert recommendation.text.endswith("."), recommendation.id
        assert recommendation.reference == 1, recommendation.id
    assert by_actor == RECOMMENDATIONS_BY_ACTOR
    assert package.references[0].source == "Sundhedsstyrelsen, december 2014"


def test_recommendations_are_grouped_by_stage(package: ClusterPackage) -> None:
    groups = group_recommendations(package.recommendations)
    assert tuple(group for group, _ in groups) == GROUPS
    assert [len(members) for _, members in groups] == [3, 2, 4, 5, 1, 6]
    # Grouped in file order, so the file reads stage by stage.
    assert tuple(r for _, members in groups for r in members) == package.recommendations


def test_background_and_recommendations_hold_the_same_text(package: ClusterPackage) -> None:
    in_background = background_recommendations(package)
    listed = [(r.group, r.responsible, r.text) for r in package.recommendations]
    assert len(set(in_background)) == len(in_background)
    assert sorted(in_background, key=str) == sorted(listed, key=str)


def test_recommendations_can_be_filtered_by_actor(package: ClusterPackage) -> None:
    municipality = [r.text for r in package.recommendations_for(Role.MUNICIPALITY)]
    assert len(municipality) == 17  # its own 7 and the 10 it shares
    assert "Tilstræber én kommunal indgang til forebyggelsestilbuddene." in municipality
    assert any(text.startswith("Sender kvittering") for text in municipality)
    assert any(text.startswith("Sender slutstatus") for text in municipality)
    assert "Gør det nemt at komme i kontakt med hinanden." in municipality
    practice = [r.text for r in package.recommendations_for(Role.CLUSTER_MEMBERS)]
    assert len(practice) == 14
    assert any("MedCom" in text for text in practice)
    assert not any(text.startswith("Sender kvittering") for text in practice)


def test_the_checklist_item_shows_the_recommendations(package: ClusterPackage) -> None:
    block_3 = blocks(package)[2]
    (item,) = [i for i in block_3.items if i.shows == ("recommendations",)]
    assert (item.title, item.kind) == ("Anbefalingerne som tjekliste", AgendaItemKind.GROUP_WORK)
    assert package.shown_recommendations("recommendations") == package.recommendations


def test_the_runbook_no_longer_holds_the_recommendations(package: ClusterPackage) -> None:
    runbook = package.runbook
    assert runbook is not None
    texts = {r.text for r in package.recommendations}
    assert not any(task.id.startswith("checklist_") for task in runbook.tasks)
    assert not any(point in texts for task in runbook.tasks for point in task.checklist)
    block_3 = runbook.task("block_3")
    assert "Gå tjeklisten med anbefalingerne igennem" in block_3.checklist


# -- the programme ------------------------------------------------------------------------------


def test_programme_blocks_and_durations(package: ClusterPackage) -> None:
    programme = package.programme
    assert [(item.kind, item.minutes) for item in programme.items] == [
        (AgendaItemKind.INTRODUCTION, 10),
        (AgendaItemKind.BLOCK, 40),
        (AgendaItemKind.BREAK, 15),
        (AgendaItemKind.BLOCK, 55),
        (AgendaItemKind.BLOCK, 30),
    ]
    assert programme.duration == 150
    for block in programme.items:
        assert sum(child.minutes or 0 for child in block.items) in (0, block.minutes)


def test_every_block_ends_in_plenary_dialogue_with_reflection_questions(
    package: ClusterPackage,
) -> None:
    for block in blocks(package):
        assert block.items[-1].kind is AgendaItemKind.PLENARY_DIALOGUE, block.title
        assert len(block.reflection_questions) >= 5, block.title
        assert all(q.endswith("?") for q in block.reflection_questions), block.title
    block_2 = blocks(package)[1]
    # The leaflet's own questions for adjusting the offers together.
    assert block_2.reflection_questions[:2] == (
        "Er det de rette tilbud, vi har til borgerne?",
        "Er det de rigtige borgere, der bliver henvist til tilbuddene?",
    )


def test_data_reviews_show_every_questionnaire_section(
    package: ClusterPackage, questionnaire: Questionnaire
) -> None:
    reviews = [i for i in package.programme.walk() if i.kind is AgendaItemKind.DATA_REVIEW]
    assert [review.shows for review in reviews] == [
        ("livsstil",),
        ("tilbud", "henvisning", "henvisninger_per_1000"),
        ("tilbagemelding",),
    ]
    sections = [s.code for s in questionnaire.sections]
    assert sections == [code for review in reviews for code in review.shows if code in sections]


def test_the_referral_metric_counts_the_municipalitys_event(package: ClusterPackage) -> None:
    (event,) = package.counted_events
    assert (event.code, event.name, event.counted_by) == (
        "HFOR",
        "Henvisning til kommunalt forebyggelsestilbud",
        "Kommunen",
    )
    (metric,) = package.metrics
    assert (metric.id, metric.counted_events, metric.service_codes) == (
        "henvisninger_per_1000",
        ("HFOR",),
        (),
    )
    assert (metric.compare_with, metric.per, metric.period_months) == (
        ReferenceLevel.MUNICIPALITY,
        1000,
        12,
    )
    assert package.service_codes == ()  # no fee-schedule service in this topic
    assert "mindstetal" in metric.description
    (block_2_review,) = [
        item
        for item in package.programme.walk()
        if item.kind is AgendaItemKind.DATA_REVIEW and metric.id in item.shows
    ]
    assert block_2_review.title == "Resultater fra spørgeskemaet og kommunens henvisningstal"
    without = synthetic_bundle(package, metrics=False).missing()
    assert without == (
        "Kommunens tal for henvisning til kommunalt forebyggelsestilbud mangler: beregn "
        "klyngens nøgletal ud fra dem.",
    )


def test_the_municipalitys_talk(package: ClusterPackage) -> None:
    (talk,) = [i for i in package.programme.walk() if i.kind is AgendaItemKind.TALK]
    assert (talk.presenter, talk.minutes) == ("Kommunen", 20)
    assert any("SOFT" in point for point in talk.points)
    assert any("MedCom" in point for point in talk.points)


# -- runbook, municipality, follow-up -------------------------------------------------------------


def test_runbook_tasks_have_owners_deadlines_and_order(package: ClusterPackage) -> None:
    runbook = package.runbook
    assert runbook is not None
    assert len(runbook.tasks) == 25
    for task in runbook.tasks:
        assert task.deadline is not None, task.id
        assert task.description.strip(), task.id
    assert {
        Role.CLUSTER_COORDINATOR,
        Role.CLUSTER_MEMBERS,
        Role.MUNICIPALITY,
        Role.KIAP,
        Role.CHAIR,
        Role.MINUTE_TAKER,
        Role.PARTICIPANTS,
    } == {task.owner for task in runbook.tasks}
    phases = [PHASE_ORDER[task.phase] for task in runbook.tasks]
    assert phases == sorted(phases)
    for phase in Phase:
        days = [
            t.deadline.approximate_days for t in runbook.tasks if t.phase is phase and t.deadline
        ]
        assert days == sorted(days), phase
    assert "forslag" in runbook.introduction
    count = runbook.task("count_referrals")
    assert (count.owner, str(count.deadline)) == (Role.MUNICIPALITY, "4 weeks before")


def test_plan_for_the_monday_after_easter(package: ClusterPackage) -> None:
    # Monday 5 April 2027: a week before is Anden påskedag, with Langfredag and Skærtorsdag
    # before it, so the pre-meeting and the talk move to Wednesday 24 March.
    plan = plan_runbook(package, dt.datetime(2027, 4, 5, 16, 0), today=dt.date(2026, 11, 22))
    due = {planned.task.id: planned for planned in plan.tasks}
    assert due["order_package"].due == dt.date(2027, 2, 8)
    assert due["pre_meeting"].due == dt.date(2027, 3, 24)
    assert due["pre_meeting"].moved_because == "Anden påskedag"
    assert due["count_referrals"].due == dt.date(2027, 3, 8)
    assert all(planned.due == dt.date(2027, 4, 5) for planned in plan.phase(Phase.DURING))
    assert plan.meeting_end.time() == dt.time(18, 30)
    assert plan.warnings == ()


def test_municipality_information_and_follow_up(package: ClusterPackage) -> None:
    info = " ".join(" ".join(s.body.split()) for s in package.municipality_information)
    for phrase in ("2,5 time", "mellem kl. 16 og 17", "praksiskonsulent", "ca. 20 minutter"):
        assert phrase in info
    follow_up = " ".join(" ".join(s.body.split()) for s in package.follow_up)
    for phrase in ("referent", "KLU", "et år", "tjeklisten"):
        assert phrase in follow_up
    kinds = [source.kind for source in package.data_sources]
    assert kinds == [DataSourceKind.QUESTIONNAIRE, DataSourceKind.OTHER]
    assert "ydernummer" in info
    assert package.references[0].source == "Sundhedsstyrelsen, december 2014"


# -- the questionnaire ---------------------------------------------------------------------------


def test_questionnaire_sections_and_questions(questionnaire: Questionnaire) -> None:
    assert questionnaire.id == "forebyggelse"
    questions = list(questionnaire.questions())
    assert len(questions) == 25
    codes = [q.code for q in questions]
    assert len(set(codes)) == len(codes)
    assert {q.kind for q in questions} == {
        QuestionKind.SINGLE_CHOICE,
        QuestionKind.MULTIPLE_CHOICE,
        QuestionKind.SCALE,
        QuestionKind.TEXT,
    }
    assert all(q.required for q in questions if q.kind is not QuestionKind.TEXT)
    assert not questionnaire.question("forslag").required
    channel = questionnaire.question("henvisningsvej")
    assert {o.code for o in channel.options} >= {"medcom", "korrespondance", "telefon"}


def test_conditions_refer_to_earlier_questions_and_their_options(
    questionnaire: Questionnaire,
) -> None:
    earlier: dict[str, Question] = {}
    conditional = []
    for question in questionnaire.questions():
        if question.show_if is not None:
            conditional.append(question.code)
            target = earlier[question.show_if.question]
            assert set(question.show_if.any_of) <= {o.code for o in target.options}
        earlier[question.code] = question
    assert len(conditional) == 10
    for code in ("henvisningsvej", "kvittering", "orientering_andet_tilbud", "slutstatus"):
        condition = questionnaire.question(code).show_if
        assert condition is not None
        assert (condition.question, condition.any_of) == ("henvisninger_12_mdr", REFERRED)
    condition = questionnaire.question("slutstatus_indhold").show_if
    assert condition is not None
    assert condition.any_of == ("2", "3", "4", "5")  # only those who get a closing status


def test_scales_are_balanced_with_answers_off_the_scale_last(
    questionnaire: Questionnaire,
) -> None:
    scales = [q for q in questionnaire.questions() if q.kind is QuestionKind.SCALE]
    assert len(scales) == 16
    for question in scales:
        valued = [o for o in question.options if o.on_scale]
        others = [o for o in question.options if not o.on_scale]
        assert [o.value for o in valued] == [1, 2, 3, 4, 5], question.code
        assert [o.code for o in valued] == ["1", "2", "3", "4", "5"], question.code
        assert tuple(o.label for o in valued) in FIVE_POINT_LABELS, question.code
        assert list(question.options[len(valued) :]) == others, question.code
        assert len(others) <= 1, question.code
    off_scale = {q.code: q.options[-1].code for q in scales if not q.options[-1].on_scale}
    assert off_scale.pop("audit") == "kender_ikke"
    assert off_scale.pop("soft_brug") == "kender_ikke"
    assert set(off_scale.values()) == {"ved_ikke"}
    assert len(off_scale) == 8


def test_exclusive_answers(questionnaire: Questionnaire) -> None:
    exclusive = {
        q.code: [o.code for o in q.options if o.exclusive]
        for q in questionnaire.questions()
        if any(o.exclusive for o in q.options)
    }
    assert exclusive == {
        "livsstil_registrerer": ["ingen"],
        "manglende_tilbud": ["ingen", "ved_ikke"],
        "ikke_henvist_grunde": ["ved_ikke"],
    }


# -- the command line ---------------------------------------------------------------------------


def test_topics_lists_both_installed_topics(
    installed: PluginRegistry, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["topics", "--json"]) == 0
    topics = {row["id"]: row for row in json.loads(capsys.readouterr().out)}
    assert topics["forebyggelse"] == {
        "id": "forebyggelse",
        "title": "Forebyggelsesforløb",
        "plugin": "forebyggelse",
    }
    assert topics["akutfunktioner"]["plugin"] == "akutfunktioner"


def test_show(installed: PluginRegistry, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", "forebyggelse"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Forebyggelsesforløb – Almen praksis' og kommunens samarbejde")
    for heading in (*STAGES, "Samtykke i korte træk", "Information til kommunen", "Referencer"):
        assert f"\n{heading}\n" in out
    assert "Drejebog: Drejebog for klyngemødet om forebyggelsesforløb (25 opgaver)" in out
    recommendations = out[out.index("\nAnbefalinger (21)\n") : out.index("\nMateriale og")]
    for group in GROUPS:
        assert f"\n  {group}\n" in recommendations
    assert "    □ Tilstræber én kommunal indgang til forebyggelsestilbuddene. [Kommunen]\n" in out
    assert "    □ Overvejer fælles kompetenceudvikling. [Klyngens medlemmer og kommunen]\n" in out
    assert recommendations.count("□") == 21
    assert "Spørgeskema: Samarbejdet med kommunen om forebyggelsesforløb (25 spørgsmål)" in out
    assert "\nHenvisning til kommunalt forebyggelsestilbud (kode HFOR). Kilde: Kommunen\n" in out
    assert (
        "  Opgørelse: Henvisninger til kommunale forebyggelsestilbud pr. 1000 gruppe 1-sikrede "
        "(kode HFOR, 12 måneder, sammenlignet med kommunen)\n"
    ) in out


def test_plan_with_a_calendar(
    installed: PluginRegistry, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ics = tmp_path / "drejebog.ics"
    with_calendar = "ics" in installed.exporters()
    arguments = ["plan", "forebyggelse", "--meeting", "2027-03-11T16:00"]
    assert main([*arguments, *(["--ics", str(ics)] if with_calendar else [])]) == 0
    out = capsys.readouterr().out
    assert "Mødet: torsdag 11. marts 2027 kl. 16.00-18.30" in out
    assert "torsdag 14. januar 2027" in out  # 8 weeks before: order the package
    assert "Hold formøde med kommunen" in out
    if with_calendar:
        calendar = ics.read_text(encoding="utf-8")
        assert calendar.startswith("BEGIN:VCALENDAR")
        assert calendar.count("BEGIN:VTODO") == 25


# -- questionnaire platforms and exporters ---------------------------------------------------


def exported_text(path: Path) -> str:
    """What a person would read in an exported file, whatever its format."""
    raw = path.read_bytes()
    if raw.startswith(b"PK"):
        with zipfile.ZipFile(path) as archive:
            parts = [
                archive.read(n).decode("utf-8") for n in archive.namelist() if n.endswith(".xml")
            ]
        return html.unescape("\n".join(parts))
    text = raw.decode("utf-8-sig")
    if path.suffix == ".json":
        return json.dumps(json.loads(text), ensure_ascii=False)
    return text


def test_questionnaire_exports_with_every_installed_platform(
    installed: PluginRegistry, questionnaire: Questionnaire, tmp_path: Path
) -> None:
    platforms = api.list_questionnaire_platforms()
    assert platforms
    for platform in platforms:
        if not platform.questionnaire_suffixes:  # import only, e.g. SurveyXact
            with pytest.raises(PlatformError):
                platform.export_questionnaire(questionnaire, tmp_path / "x", {})
            continue
        destination = tmp_path / f"forebyggelse{platform.questionnaire_suffixes[0]}"
        warnings = platform.export_questionnaire(questionnaire, destination, {})
        assert all(isinstance(warning, str) for warning in warnings)
        text = exported_text(destination)
        for question in questionnaire.questions():
            assert " ".join(question.text.split()) in text, (platform.name, question.code)


def test_surveyxact_mapping_template_covers_every_question(
    installed: PluginRegistry, questionnaire: Questionnaire
) -> None:
    if "surveyxact" not in installed.questionnaire_platforms():
        pytest.skip("klyngepakke-surveyxact is not installed")
    from klyngepakke_surveyxact import mapping_template

    rows = mapping_template(questionnaire).splitlines()[1:]
    assert {row.split(";")[1] for row in rows} == {q.code for q in questionnaire.questions()}


def test_synthetic_bundle(bundle: MeetingBundle, questionnaire: Questionnaire) -> None:
    assert bundle.is_synthetic
    assert bundle.missing() == ()
    view = bundle.metrics
    assert view is not None
    assert view.synthetic
    assert view.metric_id == "henvisninger_per_1000"
    # Compared with the municipality the meeting is held with, which has other practices too.
    assert (view.reference, view.reference_label) == (ReferenceLevel.MUNICIPALITY, "Kommunen")
    assert bundle.municipality_name == f"{view.reference_name} Kommune (syntetisk)"
    assert view.municipality_metric is not None
    assert view.municipality_metric.practices > len(view.practices)
    assert view.funnel.region == view.reference_name
    assert view.funnel.target_rate == pytest.approx(view.reference_metric.pooled.rate)
    assert len(view.funnel.curve) > 2
    assert view.cluster_metric.fees == 0  # referrals carry no fee
    assert bundle.survey is not None
    assert {result.code for result in bundle.survey.questions()} == {
        q.code for q in questionnaire.questions()
    }
    assert bundle.plan is not None
    assert len(bundle.plan.tasks) == 25


def test_every_installed_exporter_writes_it(
    installed: PluginRegistry,
    package: ClusterPackage,
    questionnaire: Questionnaire,
    bundle: MeetingBundle,
    tmp_path: Path,
) -> None:
    assert bundle.plan is not None
    candidates: list[object] = [package, bundle.plan, bundle, questionnaire]
    written = []
    for exporter in api.list_exporters():
        for obj in candidates:
            if not isinstance(obj, exporter.accepts):
                continue
            path = tmp_path / f"{exporter.name}-{type(obj).__name__}{exporter.suffixes[0]}"
            api.export(obj, exporter.name, path)
            assert path.stat().st_size > 0, path.name
            written.append((exporter.name, type(obj)))
            if exporter.name in ("json", "yaml"):
                assert load(path) == obj
    names = {name for name, _ in written}
    assert {"json", "yaml"} <= names
    assert ("json", RunbookPlan) in written
    assert ("yaml", MeetingBundle) in written


@pytest.mark.parametrize(
    "document",
    ["letter", "package", "runbook", "questionnaire", "results", "minutes", "recommendations"],
)
def test_every_word_document_of_the_bundle(
    installed: PluginRegistry, bundle: MeetingBundle, tmp_path: Path, document: str
) -> None:
    if "docx" not in installed.exporters():
        pytest.skip("klyngepakke-docx is not installed")
    path = api.export(bundle, "docx", tmp_path / f"{document}.docx", options={"document": document})
    text = exported_text(path)
    assert "Forebyggelsesforløb" in text or "forebyggelsesforløb" in text, document


def test_the_deck_has_the_cases_and_the_checklist_slide(
    installed: PluginRegistry, bundle: MeetingBundle, tmp_path: Path
) -> None:
    pptx = pytest.importorskip("pptx")
    if "pptx" not in installed.exporters():
        pytest.skip("klyngepakke-pptx is not installed")
    path = api.export(bundle, "pptx", tmp_path / "forebyggelse.pptx")
    texts = [
        "\n".join(shape.text_frame.text for shape in slide.shapes if shape.has_text_frame)
        for slide in pptx.Presentation(str(path)).slides
    ]
    for title in ("Case: Albert, 76 år", "Case: Mzuri, 32 år", "Anbefalingerne som tjekliste"):
        assert any(title in text for text in texts), title
    assert all("SYNTETISKE DATA" in text for text in texts)
    assert bundle.metrics is not None
    metric_slides = [text for text in texts if bundle.metrics.metric_title in text]
    assert len(metric_slides) >= 2  # the practices' rates and the funnel


def test_the_checklist_document_has_every_recommendation_and_who(
    installed: PluginRegistry, bundle: MeetingBundle, tmp_path: Path
) -> None:
    docx = pytest.importorskip("docx")
    if "docx" not in installed.exporters():
        pytest.skip("klyngepakke-docx is not installed")
    path = api.export(
        bundle, "docx", tmp_path / "tjekliste.docx", options={"document": "recommendations"}
    )
    document = docx.Document(str(path))
    (table,) = [t for t in document.tables if t.rows[0].cells[1].text == "Anbefaling"]
    rows = [tuple(cell.text for cell in row.cells) for row in table.rows[1:]]
    ticked = [(text, who) for box, text, who in rows if box == "☐"]
    assert ticked == [(r.text, r.responsible_label) for r in bundle.package.recommendations]
    assert [text for box, text, _ in rows if box != "☐"] == list(GROUPS)
    assert ticked[0][1] == "Klyngens medlemmer"
    assert ("Tilstræber én kommunal indgang til forebyggelsestilbuddene.", "Kommunen") in ticked


def test_build_a_synthetic_meeting_folder(installed: PluginRegistry, tmp_path: Path) -> None:
    from klyngepakke.build import build_meeting, read_meeting_folder
    from klyngepakke.demo import write_demo_folder

    package = installed.topic("forebyggelse").package
    folder = tmp_path / "klyngemoede"
    write_demo_folder(folder, package, baseline=True)
    # The deck and the Word documents are tested above; here the build itself.
    meeting = read_meeting_folder(folder)
    assert meeting.metrics is not None
    changes = {change.level: change for change in meeting.metrics.changes}
    assert GroupLevel.MUNICIPALITY in changes  # a year before, set against the municipality
    report = build_meeting(meeting, tmp_path / "materiale", only=["runbook", "calendar", "data"])
    assert report.ok, report.failed
    assert report.missing == ()
    assert sorted(built.artefact for built in report.files) == ["calendar", "data", "runbook"]
    assert all(built.path.stat().st_size > 0 for built in report.files)


# -- installing and uninstalling ---------------------------------------------------------------


def test_entry_point_is_declared() -> None:
    distribution = metadata.distribution(DISTRIBUTION)
    (entry_point,) = [ep for ep in distribution.entry_points if ep.group == ENTRY_POINT_GROUP]
    assert (entry_point.name, entry_point.value) == ("forebyggelse", "klyngepakke_forebyggelse")


def test_uninstalling_removes_the_topic_and_nothing_else() -> None:
    # Uninstalling the distribution removes exactly its entry points: load without them.
    distribution = metadata.distribution(DISTRIBUTION)
    ours = {ep.name for ep in distribution.entry_points if ep.group == ENTRY_POINT_GROUP}
    with_it = PluginRegistry(strict=True)
    with_it.load_defaults()
    with_it.load_entry_points(disabled=set(), allowed=None)
    without = PluginRegistry(strict=True)
    without.load_defaults()
    without.load_entry_points(disabled=ours, allowed=None)

    assert set(with_it.topics()) - set(without.topics()) == {"forebyggelse"}
    assert set(without.topics()) <= set(with_it.topics())
    for kind in ("exporters", "questionnaire_platforms", "service_data_readers"):
        assert getattr(with_it, kind)().keys() == getattr(without, kind)().keys(), kind
    assert {p.name for p in with_it.plugins} - {p.name for p in without.plugins} == ours
    assert without.broken == []
    assert without.conflicts() == {}
    for topic in without.topics():
        assert without.topic(topic).package == with_it.topic(topic).package


def test_the_command_without_the_plugin(tmp_path: Path) -> None:
    environment = {**os.environ, "KLYNGEPAKKE_DISABLE_PLUGINS": "forebyggelse"}
    environment.pop("KLYNGEPAKKE_LOAD_PLUGINS", None)
    result = subprocess.run(
        [sys.executable, "-m", "klyngepakke", "topics", "--json"],
        capture_output=True,
        text=True,
        env=environment,
        cwd=tmp_path,
        check=True,
    )
    topics = [row["id"] for row in json.loads(result.stdout)]
    everything = PluginRegistry.from_environment({})
    assert topics == sorted(set(everything.topics()) - {"forebyggelse"})
    assert result.stderr == ""
