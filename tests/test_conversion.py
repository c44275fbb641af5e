"""Loading and dumping model objects: round trips, every problem with path and line, scalars."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import Phase as HypothesisPhase
from hypothesis import strategies as st

from klyngepakke import conversion
from klyngepakke._yaml import load_yaml
from klyngepakke.conversion import (
    Format,
    dump,
    dumps,
    format_for_path,
    from_data,
    load,
    loads,
    to_data,
)
from klyngepakke.errors import DocumentError, OutputExistsError, Problem, format_path
from klyngepakke.model import (
    ActionItem,
    ActionStatus,
    Agenda,
    AgendaItem,
    AgendaItemKind,
    Attachment,
    Attendance,
    BillingLimit,
    Cluster,
    ClusterPackage,
    Condition,
    DataSource,
    DataSourceKind,
    Decision,
    Delegation,
    Denominator,
    Fee,
    LimitPeriod,
    Material,
    Meeting,
    MeetingKind,
    MetricDefinition,
    Option,
    Organisation,
    OrganisationKind,
    Origin,
    Participant,
    Person,
    Phase,
    Practice,
    Provenance,
    Question,
    QuestionKind,
    Questionnaire,
    Reference,
    Region,
    RelativeDeadline,
    Response,
    ResponseSet,
    Role,
    Runbook,
    Section,
    ServiceCode,
    Task,
    TextSection,
    TimeSlot,
    TimeUnit,
)

FORMATS: tuple[Format, ...] = ("yaml", "json")

# -- strategies -----------------------------------------------------------------------------
# Kept here (not in a shared module): with --import-mode=importlib test files cannot import
# each other.

TRICKY_TEXT = (
    "0124", "007", "12", "-3", "+3", "1.5", "1e5", "1_000", "0x1F", "0o17", ".inf", "-.inf",
    ".nan", "no", "No", "NO", "yes", "Yes", "on", "off", "y", "n", "true", "False", "null",
    "Null", "~", "", " ", "  ", "- x", "-", "a: b", "a:b", "#", "# kommentar", "x # y", "---",
    "...", "?", "? spørgsmål", "!tag", "!!str", "&anker", "*alias", "%YAML 1.2", "@", "`", "|",
    ">", "=", "<<", "'", '"', "[a, b]", "{a: b}", "12:30", "11.05-11.15", "2024-04-01",
    "2024-04-01T16:00", "173,06 kr.", "Blok 1: Akutfunktionen", "Ét svar", "æøå ÆØÅ",
    "første linje\nanden linje", "slutter med mellemrum  \nog en linje  ",
    "  indrykket\nlinje", "linje\n", "\n", "tab\there", "sidste linje \n\n", "\ttabulator",
)  # fmt: skip
DANISH = "abcdefghijklmnopqrstuvwxyzæøåABCÆØÅ 0123456789.,:;-#'\"!?&*%@|>{}[]\n\t"

texts = st.one_of(
    st.sampled_from(TRICKY_TEXT),
    st.text(alphabet=DANISH, max_size=20),
    st.text(max_size=8),
)
required_texts = texts.filter(lambda s: bool(s.strip()))
codes = st.one_of(
    st.sampled_from(
        ["0124", "007", "12", "1e5", "1_000", "no", "yes", "null", "true", "2024-04-01",
         "akut-1.2", "spørgsmål_1", "Æble"]
    ),
    st.from_regex(r"\A[a-zæøå0-9][a-zæøå0-9_.-]{0,6}\Z"),
)  # fmt: skip
service_code_texts = st.one_of(
    st.sampled_from(["0124", "0120", "00", "8220", "no", "yes", "null", "true", "1e5", "0x1F"]),
    st.from_regex(r"\A[0-9A-Za-z]{2,6}\Z"),
)
emails = st.builds(
    "{}@{}.dk".format,
    st.from_regex(r"\A[a-zæøå0-9._%+-]{1,8}\Z"),
    st.from_regex(r"\A[a-z0-9-]{1,8}\Z"),
)
minutes_of_day = st.builds(dt.time, st.integers(7, 12), st.integers(0, 59))
amounts = st.decimals(places=2, allow_nan=False, allow_infinity=False, min_value=0, max_value=10**6)
numbers = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)


def optional(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.none() | strategy


def text_tuples(max_size: int = 2) -> st.SearchStrategy[tuple[str, ...]]:
    return st.lists(texts, max_size=max_size).map(tuple)


def _add(time: dt.time, minutes: int) -> dt.time:
    moment = dt.datetime.combine(dt.date(2024, 1, 1), time) + dt.timedelta(minutes=minutes)
    return moment.time()


persons = st.builds(
    Person,
    required_texts,
    title=texts,
    organisation=texts,
    email=st.just("") | emails,
    phone=st.sampled_from(["", "7196 8844", "+45 71 96 88 44"]),
)
attachments = st.builds(
    Attachment, required_texts, url=st.sampled_from(["", "https://kiap.dk/bilag.pdf"])
)


@st.composite
def agenda_items(draw: st.DrawFn, number: str = "", depth: int = 0) -> AgendaItem:
    """An item whose duration is always known: leaves have minutes, blocks sum their items."""
    children: tuple[AgendaItem, ...] = ()
    if depth < 2 and draw(st.booleans()):
        size = draw(st.integers(1, 3))
        children = tuple(
            draw(agenda_items(f"{number}.{i + 1}" if number else "", depth + 1))
            for i in range(size)
        )
        total = sum(child.duration or 0 for child in children)
        minutes = draw(st.sampled_from([total, None]))
    else:
        minutes = draw(st.integers(1, 15))
    return AgendaItem(
        draw(required_texts),
        kind=draw(st.sampled_from(AgendaItemKind)),
        number=number,
        presenter=draw(texts),
        minutes=minutes,
        description=draw(texts),
        points=draw(text_tuples()),
        reflection_questions=draw(text_tuples()),
        recommendations=draw(text_tuples(1)),
        case_presentation=draw(texts),
        decision=draw(texts),
        attachments=tuple(draw(st.lists(attachments, max_size=1))),
        items=children,
    )


@st.composite
def agendas(draw: st.DrawFn, *, need_minutes: bool = False, start: dt.time | None = None) -> Agenda:
    numbered = draw(st.booleans())
    size = draw(st.integers(1, 4))
    items = [draw(agenda_items(str(i + 1) if numbered else "")) for i in range(size)]
    total = sum(item.duration or 0 for item in items)
    if start is None:
        start = draw(optional(minutes_of_day))
    if start is not None and draw(st.booleans()):
        clock = start
        for index, item in enumerate(items):
            duration = item.duration or 0
            slot = TimeSlot(clock, _add(clock, duration))
            items[index] = attrs.evolve(
                item, slot=slot, minutes=draw(st.sampled_from([duration, None]))
            )
            clock = slot.end
    minutes = total if need_minutes else draw(st.sampled_from([total, None]))
    return Agenda(tuple(items), minutes=minutes, start=start)


def deadlines(phase: Phase) -> st.SearchStrategy[RelativeDeadline | None]:
    sign = {Phase.BEFORE: -1, Phase.DURING: 0, Phase.AFTER: 1}[phase]
    units = st.sampled_from(TimeUnit)
    on_the_day = st.builds(RelativeDeadline, st.just(0), units)
    if not sign:
        return st.none() | on_the_day
    nonzero = st.builds(RelativeDeadline, st.integers(1, 20).map(lambda n: sign * n), units)
    return st.none() | on_the_day | nonzero


@st.composite
def runbooks(draw: st.DrawFn) -> Runbook:
    ids = draw(st.lists(codes, min_size=1, max_size=5, unique=True))
    tasks: list[Task] = []
    for task_id in ids:
        phase = draw(st.sampled_from(Phase))
        deadline = draw(deadlines(phase))
        allowed = [
            t.id
            for t in tasks
            if t.deadline is None
            or deadline is None
            or t.deadline.approximate_days <= deadline.approximate_days
        ]
        depends_on = draw(st.lists(st.sampled_from(allowed), unique=True)) if allowed else []
        tasks.append(
            Task(
                task_id,
                draw(required_texts),
                phase,
                draw(st.sampled_from(Role)),
                description=draw(texts),
                deadline=deadline,
                depends_on=tuple(depends_on),
                checklist=draw(st.lists(required_texts, max_size=2).map(tuple)),
            )
        )
    return Runbook(draw(required_texts), tuple(tasks), introduction=draw(texts))


provenances = st.one_of(
    st.just(Provenance()),
    st.builds(Provenance, st.sampled_from([Origin.CLUSTER, Origin.MUNICIPALITY]), required_texts),
)


@st.composite
def options(draw: st.DrawFn, scale: bool, multiple: bool = False) -> tuple[Option, ...]:
    option_codes = draw(st.lists(codes, min_size=2, max_size=4, unique=True))
    off_scale = scale and len(option_codes) > 2 and draw(st.booleans())
    if scale:
        values: list[int | None] = [
            *sorted(
                draw(
                    st.lists(
                        st.integers(-5, 10),
                        min_size=len(option_codes),
                        max_size=len(option_codes),
                        unique=True,
                    )
                )
            )
        ]
        if off_scale:  # a trailing "ved ikke" without a value
            values[-1] = None
    else:
        values = [draw(optional(st.integers(-5, 10))) for _ in option_codes]
    return tuple(
        Option(
            code,
            draw(required_texts),
            value,
            draw(provenances),
            exclusive=multiple and draw(st.booleans()),
        )
        for code, value in zip(option_codes, values, strict=True)
    )


@st.composite
def questionnaires(draw: st.DrawFn) -> Questionnaire:
    section_codes = draw(st.lists(codes, min_size=1, max_size=3, unique=True))
    sizes = [draw(st.integers(1, 3)) for _ in section_codes]
    question_codes = iter(
        draw(st.lists(codes, min_size=sum(sizes), max_size=sum(sizes), unique=True))
    )
    earlier_choices: list[Question] = []
    wants_condition = st.booleans()
    sections = []
    for section_code, size in zip(section_codes, sizes, strict=True):
        questions = []
        for _ in range(size):
            kind = draw(st.sampled_from(QuestionKind))
            limits: dict[str, float | None] = {}
            if kind is QuestionKind.NUMBER:
                low, high = draw(optional(numbers)), draw(optional(numbers))
                if low is not None and high is not None and low >= high:
                    low, high = (None, high) if low == high else (high, low)
                limits = {"minimum": low, "maximum": high}
            show_if = None
            wanted: bool = draw(wants_condition)
            if earlier_choices and wanted:
                target = draw(st.sampled_from(earlier_choices))
                any_of = draw(
                    st.lists(
                        st.sampled_from([o.code for o in target.options]), min_size=1, unique=True
                    )
                )
                show_if = Condition(target.code, tuple(any_of))
            question = Question(
                next(question_codes),
                draw(required_texts),
                kind,
                options=(
                    draw(options(kind is QuestionKind.SCALE, kind is QuestionKind.MULTIPLE_CHOICE))
                    if kind.has_options
                    else ()
                ),
                required=kind is not QuestionKind.NOTE and draw(st.booleans()),
                show_if=show_if,
                help=draw(texts),
                provenance=draw(provenances),
                **limits,
            )
            questions.append(question)
            if kind.has_options:
                earlier_choices.append(question)
        sections.append(Section(section_code, draw(required_texts), tuple(questions), draw(texts)))
    return Questionnaire(
        draw(codes),
        draw(required_texts),
        tuple(sections),
        introduction=draw(texts),
        version=draw(required_texts),
    )


@st.composite
def service_codes(draw: st.DrawFn, code: str) -> ServiceCode:
    days = sorted(
        draw(st.lists(st.dates(dt.date(2000, 1, 1), dt.date(2040, 1, 1)), max_size=3, unique=True))
    )
    fees = tuple(Fee(draw(amounts), day, draw(st.sampled_from(["DKK", "EUR"]))) for day in days)
    limits = tuple(
        draw(
            st.lists(
                st.builds(
                    BillingLimit, st.integers(1, 5), st.sampled_from(LimitPeriod), st.booleans()
                ),
                max_size=2,
            )
        )
    )
    return ServiceCode(code, draw(required_texts), draw(texts), fees, limits)


@st.composite
def packages(draw: st.DrawFn) -> ClusterPackage:
    services = tuple(
        draw(service_codes(code))
        for code in draw(st.lists(service_code_texts, max_size=3, unique=True))
    )
    known = [s.code for s in services]
    metrics: tuple[MetricDefinition, ...] = ()
    if known:
        metrics = tuple(
            MetricDefinition(
                metric_id,
                draw(required_texts),
                tuple(draw(st.lists(st.sampled_from(known), min_size=1, unique=True))),
                Denominator.GROUP1_INSURED,
                draw(st.integers(1, 10_000)),
                draw(st.integers(1, 36)),
                draw(texts),
            )
            for metric_id in draw(st.lists(codes, max_size=2, unique=True))
        )
    return ClusterPackage(
        draw(codes),
        draw(required_texts),
        draw(st.sampled_from(["0.1.0", "1", "1.0", "2024", "no"])),
        draw(required_texts),
        draw(agendas(need_minutes=True)),
        subtitle=draw(texts),
        background=tuple(
            draw(st.lists(st.builds(TextSection, required_texts, required_texts), max_size=2))
        ),
        materials=tuple(
            draw(
                st.lists(
                    st.builds(
                        Material,
                        required_texts,
                        st.sampled_from(["", "https://podcasts.apple.com/dk/podcast/x?i=1&l=da"]),
                        texts,
                    ),
                    max_size=3,
                )
            )
        ),
        municipality_information=tuple(
            draw(st.lists(st.builds(TextSection, required_texts, required_texts), max_size=2))
        ),
        follow_up=tuple(
            draw(st.lists(st.builds(TextSection, required_texts, required_texts), max_size=1))
        ),
        contacts=tuple(draw(st.lists(persons, max_size=2))),
        data_sources=tuple(
            draw(
                st.lists(
                    st.builds(DataSource, st.sampled_from(DataSourceKind), required_texts, texts),
                    max_size=2,
                )
            )
        ),
        references=tuple(
            draw(
                st.lists(
                    st.builds(
                        Reference,
                        required_texts,
                        texts,
                        st.sampled_from(["", "https://www.sst.dk/x?a=1&b=2"]),
                    ),
                    max_size=2,
                )
            )
        ),
        reviewers=tuple(draw(st.lists(persons, max_size=2))),
        reviewing_organisations=draw(text_tuples()),
        runbook=draw(optional(runbooks())),
        questionnaire=draw(optional(questionnaires())),
        service_codes=services,
        metrics=metrics,
    )


@st.composite
def meetings(draw: st.DrawFn) -> Meeting:
    day = draw(st.dates(dt.date(2020, 1, 1), dt.date(2030, 12, 31)))
    begins = draw(minutes_of_day)
    agenda = draw(optional(agendas(start=begins)))
    length = (agenda.duration or 0) if agenda else 0
    start = dt.datetime.combine(day, begins)
    end = start + dt.timedelta(minutes=length + draw(st.integers(1, 60)))
    numbers = sorted({i.number for i in agenda.walk() if i.number}) if agenda else []
    item_refs = st.sampled_from(["", *numbers])
    participants = st.builds(
        Participant,
        persons,
        st.sampled_from(Attendance),
        texts,
        st.lists(st.sampled_from(numbers), max_size=2, unique=True).map(tuple)
        if numbers
        else st.just(()),
    )
    delegations = st.builds(
        Delegation,
        st.builds(Organisation, required_texts, st.sampled_from(OrganisationKind)),
        st.lists(participants, max_size=2).map(tuple),
    )
    actions = st.builds(
        ActionItem,
        required_texts,
        required_texts,
        optional(st.integers(0, 400).map(lambda n: day + dt.timedelta(days=n))),
        st.sampled_from(ActionStatus),
        item_refs,
    )
    meeting_id = draw(codes)
    return Meeting(
        meeting_id,
        draw(required_texts),
        draw(st.sampled_from(MeetingKind)),
        start,
        end,
        place=draw(texts),
        topic=draw(texts),
        delegations=tuple(draw(st.lists(delegations, max_size=2))),
        agenda=agenda,
        decisions=tuple(draw(st.lists(st.builds(Decision, required_texts, item_refs), max_size=2))),
        action_items=tuple(draw(st.lists(actions, max_size=2))),
        previous=draw(optional(codes.filter(lambda c: c != meeting_id))),
    )


@st.composite
def clusters(draw: st.DrawFn) -> Cluster:
    provider_ids = draw(st.lists(st.from_regex(r"\A[0-9]{6}\Z"), max_size=3, unique=True))
    return Cluster(
        draw(required_texts),
        draw(st.sampled_from(Region)),
        draw(st.lists(required_texts, max_size=2).map(tuple)),
        tuple(Practice(p, draw(texts), draw(optional(st.integers(0, 5000)))) for p in provider_ids),
        draw(optional(persons)),
        tuple(draw(st.lists(emails, max_size=3, unique=True))),
    )


answers = st.one_of(
    texts,
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=False, allow_infinity=False),
    st.lists(texts, max_size=3).map(tuple),
)
datetimes = st.datetimes(
    dt.datetime(2020, 1, 1), dt.datetime(2030, 1, 1), timezones=st.sampled_from([None, dt.UTC])
)


@st.composite
def response_sets(draw: st.DrawFn) -> ResponseSet:
    respondents = draw(st.lists(required_texts, max_size=3, unique=True))
    responses = tuple(
        Response(
            r, draw(st.dictionaries(codes | texts, answers, max_size=4)), draw(optional(datetimes))
        )
        for r in respondents
    )
    return ResponseSet(
        draw(codes),
        responses,
        draw(optional(st.dates(dt.date(2020, 1, 1), dt.date(2030, 1, 1)))),
        draw(texts),
    )


PROPERTY = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
# The big composite strategies: fewer examples keep the whole file at a few seconds.
HEAVY = settings(PROPERTY, max_examples=15)


def assert_round_trips(obj: object) -> None:
    assert from_data(to_data(obj)) == obj
    for fmt in FORMATS:
        text = dumps(obj, fmt)
        assert loads(text, fmt, type(obj)) == obj, text


# -- round trips ----------------------------------------------------------------------------


@HEAVY
@given(packages())
def test_package_round_trips(package: ClusterPackage) -> None:
    assert_round_trips(package)


@PROPERTY
@given(clusters())
def test_cluster_round_trips(cluster: Cluster) -> None:
    assert_round_trips(cluster)


@PROPERTY
@given(response_sets())
def test_response_set_round_trips(responses: ResponseSet) -> None:
    assert_round_trips(responses)


@HEAVY
@given(agendas())
def test_agenda_round_trips(agenda: Agenda) -> None:
    assert_round_trips(agenda)


@PROPERTY
@given(runbooks())
def test_runbook_round_trips(runbook: Runbook) -> None:
    assert_round_trips(runbook)


@HEAVY
@given(questionnaires())
def test_questionnaire_round_trips(questionnaire: Questionnaire) -> None:
    assert_round_trips(questionnaire)


@PROPERTY
@given(service_code_texts.flatmap(service_codes))
def test_service_code_round_trips(service: ServiceCode) -> None:
    assert_round_trips(service)
    data = to_data(service)
    assert all(isinstance(fee["amount"], str) for fee in data.get("fees", []))


def test_to_data_writes_the_envelope_and_omits_defaults() -> None:
    metric = MetricDefinition("m1", "Ydelse 0124", ("0124",))
    assert to_data(metric) == {
        "schema_version": 1,
        "document": "metric_definition",
        "id": "m1",
        "title": "Ydelse 0124",
        "service_codes": ["0124"],
    }
    assert dumps(metric) == (
        "schema_version: 1\ndocument: metric_definition\nid: m1\ntitle: Ydelse 0124\n"
        "service_codes:\n- '0124'\n"
    )
    assert json.loads(dumps(metric, "json")) == to_data(metric)


def test_to_data_refuses_parts() -> None:
    with pytest.raises(TypeError, match=r"^Task is not a top-level object \(cluster_package, "):
        to_data(Task("a", "Bestil pakken", Phase.BEFORE, Role.KIAP))


@pytest.mark.parametrize(
    ("deadline", "text"),
    [
        (RelativeDeadline(0, TimeUnit.WEEKS), "0 weeks after"),
        (RelativeDeadline(0, TimeUnit.DAYS), "on the day"),
    ],
)
def test_zero_deadlines_keep_their_unit(deadline: RelativeDeadline, text: str) -> None:
    # "on the day" reads back as days, so a zero in other units must be written out.
    task = Task("a", "Møde", Phase.DURING, Role.CHAIR, deadline=deadline)
    runbook = Runbook("Drejebog", (task,))
    assert f"deadline: {text}\n" in dumps(runbook)
    assert loads(dumps(runbook), "yaml") == runbook


# -- the acceptance file: five problems, each with its path and line -----------------------

BROKEN_PACKAGE = """\
schema_version: 1
document: cluster_package
topic: akutfunktioner
title: Kommunale akutfunktioner
version: "0.1.0"
purpose: >-
  Klyngepakken handler om samarbejdet mellem almen praksis og kommunens akutfunktion.
data_sources:
  - kind: service_data
    title: Ydelsesdata for ydelse 0124
    descripton: Regionen trækker data for klyngens brug af ydelse 0124.
programme:
  minutes: 150
  items:
    - title: Introduktion
      kind: introduction
      minutes: 10
    - title: "Blok 1: Akutfunktionen"
      kind: block
      minutes: 130
runbook:
  title: Drejebog
  tasks:
    - id: bestil
      title: Bestil klyngepakken på KiAP.dk
      phase: before
      owner: cluster_coordinator
      deadline: 12 weeks before
    - id: formøde
      title: 12
      phase: before
      owner: cluster_coordinator
      deadline: 2 weeks before
      depends_on: [bestil]
questionnaire:
  id: akut
  title: Spørgeskema om akutfunktioner
  sections:
    - code: kendskab
      title: Kendskab til akutfunktionen
      questions:
        - code: kender
          text: Kender du akutfunktionen i din kommune?
          kind: single_choice
          options:
            - {code: ja, label: Ja}
            - {code: nej, label: Nej}
        - code: tilfreds
          text: Hvor tilfreds er du med samarbejdet?
          kind: slider
    - code: henvisning
      title: Henvisning
      questions:
        - code: henviser
          text: Hvordan henviser du?
          kind: multiple_choice
          options:
            - code: telefon
              label: Telefonisk
            - code: korrespondance
              label: Korrespondancemeddelelse
            - code: telefon
              label: Telefonisk i vagttid
service_codes:
  - code: 0124
    name: Lægefaglig vurdering af patienter på kommunal akutfunktion
    fees:
      - amount: "173.06"
        valid_from: 2024-04-01
metrics:
  - id: 0124_per_1000
    title: Ydelse 0124 pr. 1000 gruppe 1-sikrede
    service_codes: [0124]
"""

KINDS = "'single_choice', 'multiple_choice', 'scale', 'number', 'text', 'note'"
EXPECTED_PROBLEMS = {
    "data_sources[0].descripton": ("unknown key; did you mean 'description'?", 11),
    "programme.items": ("durations add up to 140 min, expected 150 min", 14),
    "runbook.tasks[1].title": ("expected text, got 12 (int)", 30),
    "questionnaire.sections[0].questions[1].kind": (f"'slider' is not one of {KINDS}", 50),
    "questionnaire.sections[1].questions[0].options[2].code": (
        "duplicate option code 'telefon' (first used at options[0].code)",
        62,
    ),
}
EXPECTED_LINE_TEXT = {
    "data_sources[0].descripton": "    descripton: Regionen",
    "programme.items": "  items:",
    "runbook.tasks[1].title": "      title: 12",
    "questionnaire.sections[0].questions[1].kind": "          kind: slider",
    "questionnaire.sections[1].questions[0].options[2].code": "            - code: telefon",
}


def problem_table(error: DocumentError) -> dict[str, tuple[str, int | None]]:
    return {format_path(p.path): (p.message, p.line) for p in error.problems}


def test_broken_package_lines_are_where_the_literal_says() -> None:
    lines = BROKEN_PACKAGE.splitlines()
    for path, (_, line) in EXPECTED_PROBLEMS.items():
        assert lines[line - 1].startswith(EXPECTED_LINE_TEXT[path]), path
    assert lines.count("            - code: telefon") == 2


def test_broken_package_yaml_reports_exactly_five_problems() -> None:
    with pytest.raises(DocumentError) as info:
        loads(BROKEN_PACKAGE, "yaml", ClusterPackage, source="akut.yaml")
    error = info.value
    assert len(error.problems) == 5
    assert problem_table(error) == EXPECTED_PROBLEMS
    text = str(error)
    assert text.startswith("akut.yaml: 5 problems:\n")
    assert "  runbook.tasks[1].title: expected text, got 12 (int) (line 30)" in text
    assert "  programme.items: durations add up to 140 min, expected 150 min (line 14)" in text


def _line_of(text: str, needle: str, occurrence: int = 1, after: str | None = None) -> int:
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if after in line) if after else 0
    found = [i + 1 for i, line in enumerate(lines) if i >= start and needle in line]
    return found[occurrence - 1]


def test_broken_package_json_reports_the_same_problems_with_json_lines() -> None:
    data, _ = load_yaml(BROKEN_PACKAGE)
    text = json.dumps(data, ensure_ascii=False, indent=2)
    expected_lines = {
        "data_sources[0].descripton": _line_of(text, '"descripton"'),
        "programme.items": _line_of(text, '"items"', after='"programme"'),
        "runbook.tasks[1].title": _line_of(text, '"title": 12'),
        "questionnaire.sections[0].questions[1].kind": _line_of(text, '"kind": "slider"'),
        "questionnaire.sections[1].questions[0].options[2].code": _line_of(
            text, '"code": "telefon"', occurrence=2
        ),
    }
    assert len(set(expected_lines.values())) == 5
    with pytest.raises(DocumentError) as info:
        loads(text, "json", ClusterPackage)
    assert problem_table(info.value) == {
        path: (message, expected_lines[path]) for path, (message, _) in EXPECTED_PROBLEMS.items()
    }


def test_fixing_the_five_problems_gives_a_package() -> None:
    fixed = (
        BROKEN_PACKAGE.replace("descripton:", "description:")
        .replace("minutes: 130", "minutes: 140")
        .replace("title: 12", "title: Formøde med kommunen")
        .replace("kind: slider", "kind: scale\n          options:\n"
                 "            - {code: lidt, label: Lidt, value: 1}\n"
                 "            - {code: meget, label: Meget, value: 2}")
        .replace("label: Telefonisk i vagttid", "label: Telefonisk i vagttid\n              x: 1")
        .replace("            - code: telefon\n              label: Telefonisk i vagttid\n"
                 "              x: 1", "            - code: vagttid\n              label: Vagttid")
    )  # fmt: skip
    package = loads(fixed, "yaml", ClusterPackage)
    assert package.service_code("0124").fees[0].amount == Decimal("173.06")
    assert package.metrics[0].id == "0124_per_1000"
    assert package.runbook is not None
    assert package.runbook.task("formøde").deadline == RelativeDeadline(-2, TimeUnit.WEEKS)
    assert package.questionnaire is not None
    assert [o.value for o in package.questionnaire.question("tilfreds").options] == [1, 2]


# -- the envelope ---------------------------------------------------------------------------

VALID_METRIC = "document: metric_definition\nid: m1\ntitle: Ydelse\nservice_codes: ['0124']\n"


def only_problem(text: str, fmt: Format = "yaml", cls: type[Any] | None = None) -> Problem:
    with pytest.raises(DocumentError) as info:
        loads(text, fmt, cls)
    assert len(info.value.problems) == 1, info.value.problems
    return info.value.problems[0]


@pytest.mark.parametrize("version", ["2", "0", "'1'", "true", "1.5"])
def test_unsupported_schema_version(version: str) -> None:
    problem = only_problem(f"schema_version: {version}\n{VALID_METRIC}")
    assert problem.path == ("schema_version",)
    assert problem.message.endswith(
        "is not supported: this release of klyngepakke reads schema version 1 only"
    )
    assert problem.line == 1


def test_schema_version_2_names_the_supported_version() -> None:
    assert str(only_problem(f"schema_version: 2\n{VALID_METRIC}")) == (
        "schema_version: 2 is not supported: this release of klyngepakke reads schema "
        "version 1 only (line 1)"
    )


def test_missing_schema_version() -> None:
    problem = only_problem(VALID_METRIC)
    assert problem == Problem(
        ("schema_version",), "required, but missing (this release reads 1)", 1
    )


def test_unknown_and_missing_kind() -> None:
    problem = only_problem("schema_version: 1\ndocument: klyngepakke\n")
    assert problem.path == ("document",)
    assert problem.message.startswith("'klyngepakke' is not one of 'cluster_package', 'agenda',")
    assert problem.line == 2
    assert only_problem("schema_version: 1\nid: m1\n") == Problem(
        ("document",), "required, but missing", 1
    )


def test_kind_must_match_the_class_asked_for() -> None:
    text = f"schema_version: 1\n{VALID_METRIC}"
    assert loads(text, "yaml").id == "m1"
    assert only_problem(text, cls=ServiceCode) == Problem(
        ("document",), "expected 'service_code', got 'metric_definition'", 2
    )
    assert only_problem(text, cls=Task) == Problem(
        ("document",), "expected 'Task', got 'metric_definition'", 2
    )


@pytest.mark.parametrize(("text", "got"), [("- 1\n", "list"), ("tekst\n", "str"), ("", "NoneType")])
def test_document_must_be_a_mapping(text: str, got: str) -> None:
    line = 1 if text else None  # an empty text has no first node
    assert only_problem(text) == Problem(
        (), f"expected a mapping with 'schema_version' and 'document', got {got}", line
    )


def test_from_data_names_its_source() -> None:
    with pytest.raises(DocumentError) as info:
        from_data([], source="fra-api")
    assert str(info.value) == (
        "fra-api: 1 problem:\n  expected a mapping with 'schema_version' and 'document', got list"
    )


# -- syntax errors --------------------------------------------------------------------------


def test_invalid_yaml_has_a_line() -> None:
    problem = only_problem("schema_version: 1\ndocument: agenda\nitems: [\n  - x\n")
    assert problem.path == ()
    assert problem.message.startswith("not valid YAML: ")
    assert problem.line == 4


def test_duplicate_yaml_key_has_a_line() -> None:
    text = "schema_version: 1\ndocument: agenda\nitems:\n  - title: A\n    title: B\n"
    assert only_problem(text) == Problem(("items", 0, "title"), "duplicate key", 5)


def test_unsupported_yaml_tag_is_an_error() -> None:
    text = "schema_version: 1\ndocument: agenda\nitems:\n  - title: !ruby/sym A\n"
    assert only_problem(text) == Problem(
        ("items", 0, "title"), "unsupported YAML tag '!ruby/sym'", 4
    )


@pytest.mark.parametrize(
    ("value", "tag"),
    [
        ("!!python/object:os.system {title: A}", "python/object:os.system"),
        ("!!python/name:os.system ''", "python/name:os.system"),
        ("!!python/object/apply:os.system [ls]", "python/object/apply:os.system"),
        ("!!binary QQ==", "binary"),
    ],
)
def test_python_yaml_tags_are_errors(value: str, tag: str) -> None:
    text = f"schema_version: 1\ndocument: agenda\nitems:\n  - {value}\n"
    assert only_problem(text) == Problem(
        ("items", 0), f"unsupported YAML tag 'tag:yaml.org,2002:{tag}'", 4
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [("!!float abc", "'abc' is not a valid float"), ("!!int 0x1F", "'0x1F' is not a valid int")],
)
def test_explicit_number_tag_on_text_is_a_document_error(value: str, message: str) -> None:
    text = f"schema_version: 1\ndocument: agenda\nitems:\n  - title: {value}\n"
    assert only_problem(text) == Problem(("items", 0, "title"), message, 4)


def test_recursive_alias_is_a_document_error() -> None:
    only_problem("schema_version: 1\ndocument: agenda\nitems: &a [*a]\n")


def test_aliases_are_expanded() -> None:
    text = (
        "schema_version: 1\ndocument: agenda\nitems:\n  - &punkt {title: Pause, minutes: 5}\n"
        "  - *punkt\n"
    )
    agenda = loads(text, "yaml", Agenda)
    assert agenda.items[0] == agenda.items[1]
    assert agenda.duration == 10


def test_invalid_json_has_a_line() -> None:
    text = '{"schema_version": 1, "document": "agenda",\n "items": [\n  {"title": "A"}'
    problem = only_problem(text, "json")
    assert problem.message.startswith("not valid JSON: ")
    assert problem.line == 3


def test_json_problems_get_lines() -> None:
    text = (
        '{\n  "schema_version": 1,\n  "document": "agenda",\n  "items": [\n    {"title": 5}\n  ]\n}'
    )
    assert only_problem(text, "json") == Problem(
        ("items", 0, "title"), "expected text, got 5 (int)", 5
    )


def test_json_duplicate_keys_are_an_error_with_a_line() -> None:
    # json.loads would silently keep the last value; a typo'd file must not pass.
    text = '{"schema_version": 1, "document": "agenda",\n "items": [{"title": "A"}],\n "items": []}'
    assert only_problem(text, "json") == Problem(("items",), "duplicate key", 3)


# -- files ----------------------------------------------------------------------------------

METRIC = MetricDefinition("0124_per_1000", "Ydelse 0124 pr. 1000 gruppe 1-sikrede", ("0124",))


@pytest.mark.parametrize(
    ("name", "fmt"),
    [("a.yaml", "yaml"), ("a.yml", "yaml"), ("A.YAML", "yaml"), ("dir.x/a.json", "json")],
)
def test_format_for_path(name: str, fmt: str) -> None:
    assert format_for_path(name) == fmt
    assert format_for_path(Path(name)) == fmt


@pytest.mark.parametrize("name", ["a.txt", "a", "a.yaml.bak"])
def test_format_for_path_rejects_other_suffixes(name: str) -> None:
    suffix = Path(name).suffix
    with pytest.raises(ValueError, match="unknown file type") as info:
        format_for_path(name)
    assert str(info.value) == f"{name}: unknown file type {suffix!r}; use .json, .yaml, .yml"


@pytest.mark.parametrize("name", ["metric.yaml", "metric.yml", "metric.json"])
def test_dump_and_load(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    assert dump(METRIC, path) == path
    assert load(path) == METRIC
    assert load(str(path), MetricDefinition) == METRIC
    assert path.read_text(encoding="utf-8") == dumps(METRIC, format_for_path(path))


def test_dump_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    path = tmp_path / "metric.yaml"
    path.write_text("gammelt indhold\n", encoding="utf-8")
    with pytest.raises(OutputExistsError, match="already exists; use --force"):
        dump(METRIC, path)
    assert path.read_text(encoding="utf-8") == "gammelt indhold\n"
    dump(METRIC, path, force=True)
    assert load(path, MetricDefinition) == METRIC
    assert sorted(p.name for p in tmp_path.iterdir()) == ["metric.yaml"]  # no temp files left


def test_dump_with_unknown_suffix_writes_nothing(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"unknown file type '\.txt'"):
        dump(METRIC, tmp_path / "metric.txt")
    assert list(tmp_path.iterdir()) == []


def _load_error(path: Path) -> DocumentError:
    with pytest.raises(DocumentError) as info:
        load(path)
    assert info.value.source == str(path)
    assert str(info.value).startswith(f"{path}: 1 problem:\n")
    return info.value


def test_load_missing_file(tmp_path: Path) -> None:
    error = _load_error(tmp_path / "findes-ikke.yaml")
    assert error.problems == (Problem((), "no such file"),)


def test_load_wrong_suffix(tmp_path: Path) -> None:
    path = tmp_path / "pakke.toml"
    path.write_text("x = 1\n", encoding="utf-8")
    error = _load_error(path)
    assert error.problems == (Problem((), "unknown file type '.toml'; use .json, .yaml, .yml"),)


def test_load_non_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("schema_version: 1\ntitle: Sundhedsstyrelsen Århus\n".encode("latin-1"))
    error = _load_error(path)
    assert error.problems == (Problem((), "not UTF-8 text (invalid continuation byte at byte 43)"),)


def test_load_a_folder(tmp_path: Path) -> None:
    path = tmp_path / "mappe.yaml"
    path.mkdir()
    error = _load_error(path)
    assert error.problems == (Problem((), "Is a directory"),)


def test_load_reports_problems_with_the_file_name(tmp_path: Path) -> None:
    path = tmp_path / "metric.yaml"
    path.write_text("schema_version: 1\ndocument: metric_definition\nid: m1\ntitel: x\n", "utf-8")
    with pytest.raises(DocumentError) as info:
        load(path)
    assert str(info.value) == (
        f"{path}: 2 problems:\n"
        "  title: required, but missing (line 1)\n"
        "  titel: unknown key; did you mean 'title'? (line 4)"
    )


# -- scalars --------------------------------------------------------------------------------


def service(body: str) -> ServiceCode:
    return loads(f"schema_version: 1\ndocument: service_code\n{body}", "yaml", ServiceCode)


def service_problems(body: str) -> list[str]:
    with pytest.raises(DocumentError) as info:
        service(body)
    return [str(p) for p in info.value.problems]


def test_unquoted_leading_zero_and_yaml11_booleans_stay_text() -> None:
    s = service("code: 0124\nname: no\ndescription: yes\n")
    assert (s.code, s.name, s.description) == ("0124", "no", "yes")
    assert service("code: 00\nname: off\n").code == "00"


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ("code: 124\nname: x\n", "code: expected text, got 124 (int) (line 3)"),
        ("code: '0124'\nname: true\n", "name: expected text, got True (line 4)"),
        ("code: '0124'\nname: 1.5\n", "name: expected text, got 1.5 (float) (line 4)"),
        ("code: '0124'\nname: [a]\n", "name: expected text, got ['a'] (list) (line 4)"),
        ("code: '0124'\nname: ~\n", "name: expected text, got None (NoneType) (line 4)"),
    ],
)
def test_text_fields_want_text(body: str, problem: str) -> None:
    assert service_problems(body) == [problem]


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("true", "expected a whole number, got True"),
        ("'2'", "expected a whole number, got '2' (str)"),
        ("2.0", "expected a whole number, got 2.0 (float)"),
    ],
)
def test_whole_numbers(value: str, problem: str) -> None:
    body = f"code: '0124'\nname: x\nlimits:\n  - max_count: {value}\n    per: day\n"
    assert service_problems(body) == [f"limits[0].max_count: {problem} (line 6)"]


def test_booleans_are_only_true_and_false() -> None:
    body = "code: '0124'\nname: x\nlimits:\n  - {max_count: 2, per: day, per_patient: FALSE}\n"
    assert service(body).limits[0].per_patient is False
    body = "code: '0124'\nname: x\nlimits:\n  - {max_count: 2, per: day, per_patient: yes}\n"
    assert service_problems(body) == [
        "limits[0].per_patient: expected true or false, got 'yes' (str) (line 6)"
    ]


@pytest.mark.parametrize(
    ("value", "amount"),
    [("'173.06'", "173.06"), ("173.06", "173.06"), ("173", "173"), ("'0.10'", "0.10")],
)
def test_amounts(value: str, amount: str) -> None:
    body = f"code: '0124'\nname: x\nfees:\n  - amount: {value}\n    valid_from: 2024-04-01\n"
    fee = service(body).fees[0]
    assert fee.amount == Decimal(amount)
    assert str(fee.amount) == amount
    assert fee.valid_from == dt.date(2024, 4, 1)


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("abc", "'abc' is not an amount like '173.06'"),
        ("'173,06'", "'173,06' is not an amount like '173.06'"),
        ("true", "expected an amount like '173.06', got True"),
        ("[1]", "expected an amount like '173.06', got [1]"),
        (".inf", "inf is not a finite amount"),
        ("'NaN'", "'NaN' is not a finite amount"),
        ("-1", "must not be negative, got -1"),
    ],
)
def test_bad_amounts(value: str, problem: str) -> None:
    body = f"code: '0124'\nname: x\nfees:\n  - amount: {value}\n    valid_from: 2024-04-01\n"
    assert service_problems(body) == [f"fees[0].amount: {problem} (line 6)"]


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("2024-13-01", "'2024-13-01' is not a valid date like '2025-03-31'"),
        ("1. april 2024", "'1. april 2024' is not a valid date like '2025-03-31'"),
        ("20240401", "expected text like '2025-03-31', got 20240401"),
    ],
)
def test_bad_dates(value: str, problem: str) -> None:
    body = f"code: '0124'\nname: x\nfees:\n  - amount: 1\n    valid_from: {value}\n"
    assert service_problems(body) == [f"fees[0].valid_from: {problem} (line 7)"]


def test_currency_problem_from_the_model_gets_path_and_line() -> None:
    body = (
        "code: '0124'\nname: x\nfees:\n"
        "  - amount: 1\n    valid_from: 2024-04-01\n    currency: kr\n"
    )
    assert service_problems(body) == [
        "fees[0].currency: 'kr' is not an ISO 4217 code like 'DKK' (line 8)"
    ]


def test_enum_error_lists_the_choices() -> None:
    body = "code: '0124'\nname: x\nlimits:\n  - max_count: 2\n    per: fortnight\n"
    assert service_problems(body) == [
        "limits[0].per: 'fortnight' is not one of 'day', 'week', 'month', 'quarter', 'year' "
        "(line 7)"
    ]


def test_unknown_keys_suggest_close_matches() -> None:
    assert service_problems("code: '0124'\nname: x\nnaem: y\nzzz: 1\n") == [
        "naem: unknown key; did you mean 'name'? (line 5)",
        "zzz: unknown key; expected one of code, name, description, fees, limits (line 6)",
    ]


def test_missing_keys_point_at_their_parent() -> None:
    body = "code: '0124'\nname: x\nfees:\n  - valid_from: 2024-04-01\n"
    assert service_problems(body) == ["fees[0].amount: required, but missing (line 6)"]


def test_lists_and_mappings_must_be_lists_and_mappings() -> None:
    text = (
        "schema_version: 1\ndocument: cluster\nname: Klynge\nregion: nordjylland\n"
        "municipalities: Aalborg\n"
    )
    assert only_problem(text) == Problem(
        ("municipalities",), "expected a list, got 'Aalborg' (str)", 5
    )
    text = (
        "schema_version: 1\ndocument: response_set\nquestionnaire: akut\nresponses:\n"
        "  - respondent: r1\n    answers: [ja]\n"
    )
    assert only_problem(text) == Problem(
        ("responses", 0, "answers"), "expected a mapping, got ['ja'] (list)", 6
    )


def test_objects_must_be_mappings() -> None:
    problem = only_problem("schema_version: 1\ndocument: agenda\nitems:\n  - Velkomst\n")
    assert (problem.path, problem.line) == (("items", 0), 4)
    assert "str" in problem.message


def _agenda(body: str) -> Agenda:
    return loads(f"schema_version: 1\ndocument: agenda\n{body}", "yaml", Agenda)


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("11.05-11.15", (11, 5), (11, 15)),
        ("'11:05-11:15'", (11, 5), (11, 15)),
        ("9.05 - 9.15", (9, 5), (9, 15)),
        ("9:05–9:15", (9, 5), (9, 15)),
    ],
)
def test_time_slots(text: str, start: tuple[int, int], end: tuple[int, int]) -> None:
    agenda = _agenda(f"items:\n  - title: Velkomst\n    slot: {text}\n")
    assert agenda.items[0].slot == TimeSlot(dt.time(*start), dt.time(*end))
    # Always written back in the one canonical form.
    assert f"slot: {start[0]:02d}:{start[1]:02d}-{end[0]:02d}:{end[1]:02d}\n" in dumps(agenda)


def test_time_slot_with_seconds_round_trips() -> None:
    agenda = _agenda("items:\n  - title: Velkomst\n    slot: 11:05:30-11:15:00\n")
    assert agenda.items[0].slot == TimeSlot(dt.time(11, 5, 30), dt.time(11, 15))
    assert "slot: 11:05:30-11:15" in dumps(agenda)
    assert loads(dumps(agenda), "yaml") == agenda


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("9-10", "items[0].slot: '9-10' is not a valid TimeSlot like '11:05-11:15' (line 5)"),
        (
            "25:00-26:00",
            "items[0].slot: '25:00-26:00' is not a valid TimeSlot like '11:05-11:15' (line 5)",
        ),
        ("11.15-11.05", "items[0].slot.end: 11:05 is not after 11:15 (line 5)"),
        ("1105", "items[0].slot: expected text like '11:05-11:15', got 1105 (line 5)"),
    ],
)
def test_bad_time_slots(text: str, problem: str) -> None:
    with pytest.raises(DocumentError) as info:
        _agenda(f"items:\n  - title: Velkomst\n    slot: {text}\n")
    assert [str(p) for p in info.value.problems] == [problem]


@pytest.mark.parametrize(
    ("text", "time"), [("'16:00'", "16:00"), ("'16.30'", "16:30"), ("'08:05:09'", "08:05:09")]
)
def test_times(text: str, time: str) -> None:
    assert _agenda(f"start: {text}\nitems: [{{title: A}}]\n").start == dt.time.fromisoformat(time)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("16.30", "start: expected text like '16:00', got 16.3 (line 3)"),
        ("'25:00'", "start: '25:00' is not a valid time like '16:00' (line 3)"),
    ],
)
def test_bad_times(text: str, problem: str) -> None:
    with pytest.raises(DocumentError) as info:
        _agenda(f"start: {text}\nitems: [{{title: A}}]\n")
    assert [str(p) for p in info.value.problems] == [problem]


def _responses(body: str) -> ResponseSet:
    text = f"schema_version: 1\ndocument: response_set\nquestionnaire: akut\n{body}"
    return loads(text, "yaml", ResponseSet)


@pytest.mark.parametrize(
    ("text", "moment"),
    [
        ("2024-04-01T16:00", dt.datetime(2024, 4, 1, 16)),
        ("2024-04-01 16:00:30", dt.datetime(2024, 4, 1, 16, 0, 30)),
        ("2024-04-01T16:00:00+02:00", dt.datetime(2024, 4, 1, 14, tzinfo=dt.UTC)),
    ],
)
def test_datetimes(text: str, moment: dt.datetime) -> None:
    responses = _responses(
        f"responses:\n  - respondent: r1\n    answers: {{}}\n    submitted: {text}\n"
    )
    assert responses.responses[0].submitted == moment


def test_bad_datetime() -> None:
    with pytest.raises(DocumentError) as info:
        _responses("responses:\n  - respondent: r1\n    answers: {}\n    submitted: 1/4 2024\n")
    assert [str(p) for p in info.value.problems] == [
        "responses[0].submitted: '1/4 2024' is not a valid datetime like '2025-03-31T16:00' "
        "(line 7)"
    ]


def test_answers() -> None:
    body = (
        "collected: 2024-05-01\nresponses:\n  - respondent: '0124'\n    answers:\n"
        "      kender: ja\n      antal: 3\n      andel: 2.5\n      grupper: [ja, nej]\n"
        "      tom: []\n      '12': no\n"
    )
    responses = _responses(body)
    assert responses.collected == dt.date(2024, 5, 1)
    assert responses.responses[0].respondent == "0124"
    assert responses.responses[0].answers == {
        "kender": "ja",
        "antal": 3,
        "andel": 2.5,
        "grupper": ("ja", "nej"),
        "tom": (),
        "12": "no",
    }
    assert "grupper:\n    - ja\n    - nej\n" in dumps(responses)


def test_bad_answers() -> None:
    body = (
        "responses:\n  - respondent: r1\n    answers:\n      a: true\n      b: [ja, 1]\n"
        "      c: {x: 1}\n      d: ~\n"
    )
    with pytest.raises(DocumentError) as info:
        _responses(body)
    expected = "expected an option code, codes, a number or text, got"
    assert [str(p) for p in info.value.problems] == [
        f"responses[0].answers.a: {expected} True (line 7)",
        f"responses[0].answers.b: {expected} ['ja', 1] (line 8)",
        f"responses[0].answers.c: {expected} {{'x': 1}} (line 9)",
        f"responses[0].answers.d: {expected} None (line 10)",
    ]


def test_duplicate_respondents_from_the_model() -> None:
    body = "responses:\n  - {respondent: r1, answers: {}}\n  - {respondent: r1, answers: {}}\n"
    with pytest.raises(DocumentError) as info:
        _responses(body)
    assert [str(p) for p in info.value.problems] == [
        "responses[1].respondent: duplicate respondent 'r1' (first used at "
        "responses[0].respondent) (line 6)"
    ]


@pytest.mark.parametrize(
    ("text", "deadline"),
    [
        ("8 weeks before", RelativeDeadline(-8, TimeUnit.WEEKS)),
        ("1 year after", RelativeDeadline(1, TimeUnit.YEARS)),
        ("on the day", RelativeDeadline(0)),
    ],
)
def test_deadlines(text: str, deadline: RelativeDeadline) -> None:
    runbook = loads(
        "schema_version: 1\ndocument: runbook\ntitle: Drejebog\ntasks:\n"
        f"  - {{id: a, title: Opgave, phase: after, owner: kiap, deadline: {text}}}\n"
        if deadline.offset >= 0
        else "schema_version: 1\ndocument: runbook\ntitle: Drejebog\ntasks:\n"
        f"  - {{id: a, title: Opgave, phase: before, owner: kiap, deadline: {text}}}\n",
        "yaml",
        Runbook,
    )
    assert runbook.tasks[0].deadline == deadline
    assert f"deadline: {text}" in dumps(runbook)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (
            "snart",
            "'snart' is not a deadline like '8 weeks before', '2 days after' or 'on the day'",
        ),
        ("8", "expected text like '8 weeks before', got 8"),
        ("2 days after", "2 days after does not fit phase 'before'"),
    ],
)
def test_bad_deadlines(text: str, problem: str) -> None:
    with pytest.raises(DocumentError) as info:
        loads(
            "schema_version: 1\ndocument: runbook\ntitle: Drejebog\ntasks:\n"
            f"  - id: a\n    title: Opgave\n    phase: before\n    owner: kiap\n"
            f"    deadline: {text}\n",
            "yaml",
        )
    assert [str(p) for p in info.value.problems] == [f"tasks[0].deadline: {problem} (line 9)"]


def test_numbers_accept_whole_numbers_and_refuse_text() -> None:
    question = (
        "schema_version: 1\ndocument: questionnaire\nid: akut\ntitle: Skema\nsections:\n"
        "  - code: s\n    title: S\n    questions:\n"
        "      - {{code: antal, text: Hvor mange?, kind: number,\n"
        "         minimum: {low}, maximum: {high}}}\n"
    )
    form = loads(question.format(low=0, high="1e3"), "yaml", Questionnaire)
    limits = form.question("antal")
    assert (limits.minimum, limits.maximum) == (0.0, 1000.0)
    assert isinstance(limits.minimum, float)
    with pytest.raises(DocumentError) as info:
        loads(question.format(low="'0'", high="true"), "yaml")
    assert [str(p) for p in info.value.problems] == [
        "sections[0].questions[0].minimum: expected a number, got '0' (line 10)",
        "sections[0].questions[0].maximum: expected a number, got True (line 10)",
    ]


# -- meetings -------------------------------------------------------------------------------

MEETING_KIND_BUG = (
    "BUG: Meeting has a field named 'kind' (MeetingKind) that collides with the envelope's "
    "'kind': to_data() overwrites kind='meeting' with e.g. 'cluster_meeting', and a file "
    "with kind: meeting cannot say which kind of meeting it is, so no meeting loads"
)


@settings(PROPERTY, phases=[HypothesisPhase.explicit, HypothesisPhase.generate])
@given(meetings())
def test_meeting_round_trips(meeting: Meeting) -> None:
    assert_round_trips(meeting)


@HEAVY
@given(meetings())
def test_meeting_body_round_trips_through_the_converter(meeting: Meeting) -> None:
    # What does work today: everything below the envelope.
    converter = conversion._converter
    assert converter.structure(converter.unstructure(meeting), Meeting) == meeting


def test_hand_written_meeting_loads() -> None:
    text = (
        "schema_version: 1\ndocument: meeting\nid: klu-2024\ntitle: KLU-møde\n"
        "kind: municipal_gp_committee\nstart: 2024-04-01T16:00\nend: 2024-04-01T18:00\n"
    )
    meeting = loads(text, "yaml", Meeting)
    assert meeting.minutes == 120


def test_broken_package_at_the_cli_exits_1_with_one_line_per_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from klyngepakke.cli import main

    path = tmp_path / "akut.yaml"
    path.write_text(BROKEN_PACKAGE, encoding="utf-8")
    assert main(["validate", str(path)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert lines[0] == f"{path}: 5 problems:"
    assert sorted(line.strip().split(":", 1)[0] for line in lines[1:]) == sorted(EXPECTED_PROBLEMS)
    assert "Traceback" not in captured.err
    assert main(["show", str(path)]) == 1
    assert "Traceback" not in capsys.readouterr().err
