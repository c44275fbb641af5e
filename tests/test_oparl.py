"""Meetings as OParl 1.1 JSON: the shape, the round trip, other systems' files, errors, export."""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import klyngepakke
from klyngepakke.cli import main
from klyngepakke.conversion import dump, load
from klyngepakke.errors import DocumentError, ExportError
from klyngepakke.model import (
    ActionItem,
    ActionStatus,
    Agenda,
    AgendaItem,
    AgendaItemKind,
    Attachment,
    Attendance,
    Decision,
    Delegation,
    ItemPurpose,
    Meeting,
    MeetingKind,
    Organisation,
    OrganisationKind,
    Participant,
    Person,
    TimeSlot,
)
from klyngepakke.oparl import (
    DEFAULT_BASE,
    OPARL_VERSION,
    UNPLACED_ORGANISATION,
    dump_oparl,
    dumps_oparl,
    load_oparl,
)

ROOT = Path(__file__).resolve().parents[1]
STEERING_GROUP = ROOT / "plugins/klyngepakke-docx/tests/data/steering_group_meeting.yaml"
INTERCHANGE_DOC = ROOT / "docs/interchange.md"
COPENHAGEN = ZoneInfo("Europe/Copenhagen")
M = "urn:klyngepakke:meeting/klu-2025-03"  # the example meeting's id


def example_meeting() -> Meeting:
    """A small meeting that uses every part of the mapping (and is the docs' example)."""
    return Meeting(
        "klu-2025-03",
        "KLU-møde om akutfunktioner",
        MeetingKind.MUNICIPAL_GP_COMMITTEE,
        dt.datetime(2025, 3, 11, 16, 0),
        dt.datetime(2025, 3, 11, 17, 30),
        place="Rådhuset, mødelokale 2",
        topic="akutfunktioner",
        delegations=(
            Delegation(
                Organisation("Viborg Kommune", OrganisationKind.MUNICIPALITY),
                (
                    Participant(
                        Person("Mette Andreassen", title="direktør", email="mea@viborg.dk"),
                        role="ordstyrer",
                    ),
                    Participant(
                        Person("Kristine Stange", title="sundhedschef"), Attendance.APOLOGIES
                    ),
                ),
            ),
            Delegation(
                Organisation("Almen praksis", OrganisationKind.GENERAL_PRACTICE),
                (
                    Participant(
                        Person("Jane Gregersen", organisation="PLO Midt", phone="+45 71 96 88 44"),
                        Attendance.VIRTUAL,
                        role="referent",
                    ),
                    Participant(Person("Steffen Hansen", title="forsker"), guest_items=("2",)),
                ),
            ),
        ),
        agenda=Agenda(
            (
                AgendaItem(
                    "Velkomst",
                    number="1",
                    purpose=ItemPurpose.DECISION,
                    slot=TimeSlot(dt.time(16, 0), dt.time(16, 10)),
                    recommendations=("At udvalget godkender dagsordenen",),
                    decision="Dagsordenen blev godkendt.",
                ),
                AgendaItem(
                    "Akutfunktionen i Viborg",
                    kind=AgendaItemKind.BLOCK,
                    number="2",
                    purpose=ItemPurpose.DISCUSSION,
                    minutes=60,
                    items=(
                        AgendaItem(
                            "Tal fra kommunen",
                            kind=AgendaItemKind.TALK,
                            presenter="Steffen Hansen",
                            minutes=20,
                            shows=("0124-rate",),
                        ),
                        AgendaItem(
                            "Fælles dialog",
                            kind=AgendaItemKind.PLENARY_DIALOGUE,
                            minutes=40,
                            reflection_questions=("Hvad virker?",),
                        ),
                    ),
                ),
                AgendaItem(
                    "Eventuelt",
                    number="3",
                    purpose=ItemPurpose.ORIENTATION,
                    case_presentation="Notatet er vedlagt.",
                    attachments=(
                        Attachment("Notat om akutfunktionen", "https://viborg.dk/notat.pdf"),
                        Attachment("Referat fra sidste møde"),
                    ),
                ),
            ),
            start=dt.time(16, 0),
        ),
        decisions=(
            Decision("Kommunen sender tal hvert kvartal.", item="2"),
            Decision("Næste møde holdes i juni."),
        ),
        action_items=(
            ActionItem("Send tal for 2024", "Kristine Stange", dt.date(2025, 4, 1), item="2"),
        ),
        previous="klu-2024-09",
        recorded_items=("1", "2"),
        attendance_recorded=True,
    )


EXAMPLE_JSON: dict[str, Any] = {
    "klyngepakke:version": 1,
    "oparlVersion": "https://schema.oparl.org/1.1/",
    "meeting": {
        "id": M,
        "type": "https://schema.oparl.org/1.1/Meeting",
        "name": "KLU-møde om akutfunktioner",
        "start": "2025-03-11T16:00:00+01:00",
        "end": "2025-03-11T17:30:00+01:00",
        "location": {
            "id": f"{M}/location",
            "type": "https://schema.oparl.org/1.1/Location",
            "description": "Rådhuset, mødelokale 2",
        },
        "organization": [f"{M}/organization/1", f"{M}/organization/2"],
        "participant": [f"{M}/person/1", f"{M}/person/3", f"{M}/person/4"],
        "agendaItem": [
            {
                "id": f"{M}/agendaItem/1",
                "type": "https://schema.oparl.org/1.1/AgendaItem",
                "number": "1",
                "order": 1,
                "name": "Velkomst",
                "consultation": f"{M}/agendaItem/1/consultation",
                "result": "Besluttet",
                "resolutionText": "Dagsordenen blev godkendt.",
                "start": "2025-03-11T16:00:00+01:00",
                "end": "2025-03-11T16:10:00+01:00",
                "klyngepakke:recommendations": ["At udvalget godkender dagsordenen"],
            },
            {
                "id": f"{M}/agendaItem/2",
                "type": "https://schema.oparl.org/1.1/AgendaItem",
                "number": "2",
                "order": 2,
                "name": "Akutfunktionen i Viborg",
                "consultation": f"{M}/agendaItem/2/consultation",
                "result": "Drøftet",
                "klyngepakke:kind": "block",
                "klyngepakke:minutes": 60,
            },
            {
                "id": f"{M}/agendaItem/2.1",
                "type": "https://schema.oparl.org/1.1/AgendaItem",
                "order": 3,
                "name": "Tal fra kommunen",
                "klyngepakke:parent": f"{M}/agendaItem/2",
                "klyngepakke:kind": "talk",
                "klyngepakke:minutes": 20,
                "klyngepakke:presenter": "Steffen Hansen",
                "klyngepakke:shows": ["0124-rate"],
            },
            {
                "id": f"{M}/agendaItem/2.2",
                "type": "https://schema.oparl.org/1.1/AgendaItem",
                "order": 4,
                "name": "Fælles dialog",
                "klyngepakke:parent": f"{M}/agendaItem/2",
                "klyngepakke:kind": "plenary_dialogue",
                "klyngepakke:minutes": 40,
                "klyngepakke:reflectionQuestions": ["Hvad virker?"],
            },
            {
                "id": f"{M}/agendaItem/3",
                "type": "https://schema.oparl.org/1.1/AgendaItem",
                "number": "3",
                "order": 5,
                "name": "Eventuelt",
                "consultation": f"{M}/agendaItem/3/consultation",
                "auxiliaryFile": [
                    {
                        "id": f"{M}/agendaItem/3/file/1",
                        "type": "https://schema.oparl.org/1.1/File",
                        "name": "Notat om akutfunktionen",
                        "accessUrl": "https://viborg.dk/notat.pdf",
                    },
                    {
                        "id": f"{M}/agendaItem/3/file/2",
                        "type": "https://schema.oparl.org/1.1/File",
                        "name": "Referat fra sidste møde",
                    },
                ],
                "klyngepakke:casePresentation": "Notatet er vedlagt.",
            },
        ],
        "klyngepakke:kind": "municipal_gp_committee",
        "klyngepakke:topic": "akutfunktioner",
        "klyngepakke:agenda": {"start": "16:00"},
        "klyngepakke:decisions": [
            {"text": "Kommunen sender tal hvert kvartal.", "item": "2"},
            {"text": "Næste møde holdes i juni."},
        ],
        "klyngepakke:actionItems": [
            {
                "what": "Send tal for 2024",
                "owner": "Kristine Stange",
                "due": "2025-04-01",
                "status": "open",
                "item": "2",
            }
        ],
        "klyngepakke:previous": "urn:klyngepakke:meeting/klu-2024-09",
        "klyngepakke:recordedItems": ["1", "2"],
        "klyngepakke:attendanceRecorded": True,
    },
    "organization": [
        {
            "id": f"{M}/organization/1",
            "type": "https://schema.oparl.org/1.1/Organization",
            "name": "Viborg Kommune",
            "classification": "Kommune",
            "klyngepakke:kind": "municipality",
        },
        {
            "id": f"{M}/organization/2",
            "type": "https://schema.oparl.org/1.1/Organization",
            "name": "Almen praksis",
            "classification": "Almen praksis",
            "klyngepakke:kind": "general_practice",
        },
        {
            "id": f"{M}/organization/3",
            "type": "https://schema.oparl.org/1.1/Organization",
            "name": "PLO Midt",
        },
    ],
    "person": [
        {
            "id": f"{M}/person/1",
            "type": "https://schema.oparl.org/1.1/Person",
            "name": "Mette Andreassen",
            "status": ["direktør"],
            "email": ["mea@viborg.dk"],
            "membership": [
                {
                    "id": f"{M}/membership/1",
                    "type": "https://schema.oparl.org/1.1/Membership",
                    "organization": f"{M}/organization/1",
                    "role": "ordstyrer",
                }
            ],
        },
        {
            "id": f"{M}/person/2",
            "type": "https://schema.oparl.org/1.1/Person",
            "name": "Kristine Stange",
            "status": ["sundhedschef"],
            "membership": [
                {
                    "id": f"{M}/membership/2",
                    "type": "https://schema.oparl.org/1.1/Membership",
                    "organization": f"{M}/organization/1",
                    "klyngepakke:attendance": "apologies",
                }
            ],
        },
        {
            "id": f"{M}/person/3",
            "type": "https://schema.oparl.org/1.1/Person",
            "name": "Jane Gregersen",
            "phone": ["+45 71 96 88 44"],
            "membership": [
                {
                    "id": f"{M}/membership/3",
                    "type": "https://schema.oparl.org/1.1/Membership",
                    "organization": f"{M}/organization/2",
                    "role": "referent",
                    "onBehalfOf": f"{M}/organization/3",
                    "klyngepakke:attendance": "virtual",
                }
            ],
        },
        {
            "id": f"{M}/person/4",
            "type": "https://schema.oparl.org/1.1/Person",
            "name": "Steffen Hansen",
            "status": ["forsker"],
            "membership": [
                {
                    "id": f"{M}/membership/4",
                    "type": "https://schema.oparl.org/1.1/Membership",
                    "organization": f"{M}/organization/2",
                    "klyngepakke:guestItems": ["2"],
                }
            ],
        },
    ],
    "consultation": [
        {
            "id": f"{M}/agendaItem/1/consultation",
            "type": "https://schema.oparl.org/1.1/Consultation",
            "agendaItem": f"{M}/agendaItem/1",
            "meeting": M,
            "role": "Til beslutning",
            "authoritative": True,
            "klyngepakke:purpose": "decision",
        },
        {
            "id": f"{M}/agendaItem/2/consultation",
            "type": "https://schema.oparl.org/1.1/Consultation",
            "agendaItem": f"{M}/agendaItem/2",
            "meeting": M,
            "role": "Til drøftelse",
            "authoritative": False,
            "klyngepakke:purpose": "discussion",
        },
        {
            "id": f"{M}/agendaItem/3/consultation",
            "type": "https://schema.oparl.org/1.1/Consultation",
            "agendaItem": f"{M}/agendaItem/3",
            "meeting": M,
            "role": "Til orientering",
            "authoritative": False,
            "klyngepakke:purpose": "orientation",
        },
    ],
}


# -- the shape -------------------------------------------------------------------------------


def test_the_example_meeting_is_written_exactly_so() -> None:
    assert dump_oparl(example_meeting()) == EXAMPLE_JSON


def test_the_documented_example_is_what_is_written() -> None:
    text = INTERCHANGE_DOC.read_text(encoding="utf-8")
    blocks = re.findall(r"```json\n(.*?)```", text, re.DOTALL)
    assert blocks, "docs/interchange.md shows the example as a json block"
    assert json.loads(blocks[0]) == EXAMPLE_JSON


def test_every_object_has_an_oparl_id_and_type() -> None:
    def objects(value: Any) -> list[dict[str, Any]]:
        if isinstance(value, list):
            return [found for element in value for found in objects(element)]
        if isinstance(value, dict):
            own = [value] if "type" in value else []
            return own + [found for element in value.values() for found in objects(element)]
        return []

    found = objects(EXAMPLE_JSON)
    assert len(found) == 1 + 1 + 5 + 2 + 3 + 4 + 4 + 3  # meeting … consultations
    ids = [obj["id"] for obj in found]
    assert len(set(ids)) == len(ids)
    for obj in found:
        assert obj["id"].startswith(DEFAULT_BASE)
        assert re.fullmatch(re.escape(OPARL_VERSION) + r"[A-Z][A-Za-z]+", obj["type"])


def test_a_base_url_makes_ids_urls() -> None:
    data = dump_oparl(example_meeting(), base="https://ris.viborg.dk/oparl/")
    assert data["meeting"]["id"] == "https://ris.viborg.dk/oparl/meeting/klu-2025-03"
    assert data["person"][0]["id"] == "https://ris.viborg.dk/oparl/meeting/klu-2025-03/person/1"
    assert load_oparl(data) == example_meeting()


@pytest.mark.parametrize(
    "base", ["", "ris.viborg.dk/", "https://ris.viborg.dk", "https://ris viborg.dk/", "urn"]
)
def test_a_base_without_scheme_or_end_is_refused(base: str) -> None:
    with pytest.raises(ValueError, match="is not a base URI"):
        dump_oparl(example_meeting(), base=base)


def test_ids_quote_what_a_uri_cannot_hold() -> None:
    meeting = attrs.evolve(example_meeting(), id="møde-æ.1", previous="før_møde")
    data = dump_oparl(meeting)
    assert data["meeting"]["id"] == "urn:klyngepakke:meeting/m%C3%B8de-%C3%A6.1"
    assert data["meeting"]["klyngepakke:previous"] == "urn:klyngepakke:meeting/f%C3%B8r_m%C3%B8de"
    assert load_oparl(data) == meeting


def test_times_carry_the_danish_offset_of_their_day() -> None:
    summer = attrs.evolve(
        example_meeting(),
        start=dt.datetime(2025, 6, 11, 16, 0),
        end=dt.datetime(2025, 6, 11, 17, 30),
        action_items=(),
    )
    data = dump_oparl(summer)
    assert data["meeting"]["start"] == "2025-06-11T16:00:00+02:00"
    assert data["meeting"]["agendaItem"][0]["end"] == "2025-06-11T16:10:00+02:00"
    assert "klyngepakke:zoned" not in data["meeting"]
    assert load_oparl(data) == summer


def test_a_meeting_with_zoned_times_keeps_them() -> None:
    agenda = example_meeting().agenda
    assert agenda is not None
    meeting = attrs.evolve(
        example_meeting(),
        start=dt.datetime(2025, 3, 11, 15, 0, tzinfo=dt.UTC),
        end=dt.datetime(2025, 3, 11, 16, 30, tzinfo=dt.UTC),
        agenda=attrs.evolve(
            agenda,
            start=dt.time(15, 0),
            items=(
                attrs.evolve(agenda.items[0], slot=TimeSlot(dt.time(15, 0), dt.time(15, 10))),
                *agenda.items[1:],
            ),
        ),
    )
    data = dump_oparl(meeting)
    assert data["meeting"]["start"] == "2025-03-11T15:00:00+00:00"
    assert data["meeting"]["klyngepakke:zoned"] is True
    back = load_oparl(data)
    assert back == meeting
    assert back.start.utcoffset() == dt.timedelta(0)


def test_nobody_attended_a_meeting_that_has_not_been_held() -> None:
    planned = attrs.evolve(
        example_meeting(),
        decisions=(),
        action_items=(),
        recorded_items=(),
        attendance_recorded=False,
        delegations=(Delegation(Organisation("Klyngen"), (Participant(Person("Anne Holm")),)),),
        agenda=Agenda((AgendaItem("Velkomst"),)),
    )
    data = dump_oparl(planned)
    assert "participant" not in data["meeting"]
    assert "result" not in data["meeting"]["agendaItem"][0]
    assert load_oparl(data) == planned


def test_a_meeting_without_agenda_or_people_is_small() -> None:
    bare = Meeting(
        "m1",
        "Formøde",
        MeetingKind.PRE_MEETING,
        dt.datetime(2025, 1, 6, 9),
        dt.datetime(2025, 1, 6, 10),
    )
    data = dump_oparl(bare)
    assert data == {
        "klyngepakke:version": 1,
        "oparlVersion": OPARL_VERSION,
        "meeting": {
            "id": "urn:klyngepakke:meeting/m1",
            "type": "https://schema.oparl.org/1.1/Meeting",
            "name": "Formøde",
            "start": "2025-01-06T09:00:00+01:00",
            "end": "2025-01-06T10:00:00+01:00",
            "klyngepakke:kind": "pre_meeting",
        },
        "organization": [],
        "person": [],
    }
    assert load_oparl(data) == bare


# -- round trips -----------------------------------------------------------------------------


def test_the_example_round_trips() -> None:
    assert load_oparl(dump_oparl(example_meeting())) == example_meeting()


def test_the_example_round_trips_through_a_file(tmp_path: Path) -> None:
    path = tmp_path / "møde.json"
    path.write_text(dumps_oparl(example_meeting()), encoding="utf-8")
    assert load_oparl(path) == example_meeting()
    assert load_oparl(str(path)) == example_meeting()


def test_the_steering_group_meeting_round_trips() -> None:
    if not STEERING_GROUP.exists():
        pytest.skip(f"{STEERING_GROUP} is not in this checkout")
    meeting = load(STEERING_GROUP, Meeting)
    data = json.loads(dumps_oparl(meeting))
    assert load_oparl(data) == meeting
    body = data["meeting"]
    items = {item["number"]: item for item in body["agendaItem"]}
    assert items["3"]["start"] == "2024-09-27T11:05:00+02:00"
    assert items["3"]["resolutionText"].startswith("Mette Andreassen introducerede punktet.")
    assert items["3"]["result"] == "Behandlet"
    people = {person["name"]: person for person in data["person"]}
    apologies = [
        name
        for name, person in people.items()
        if person["membership"][0].get("klyngepakke:attendance") == "apologies"
    ]
    assert len(apologies) == 11
    assert all(people[name]["id"] not in body["participant"] for name in apologies)
    assert people["Lars F. Nørgaard"]["membership"][0]["klyngepakke:guestItems"] == ["5"]
    on_behalf = people["Jane Gregersen"]["membership"][0]["onBehalfOf"]
    assert {o["id"]: o["name"] for o in data["organization"]}[on_behalf] == "PLO Midt"


def test_every_model_field_is_mapped() -> None:
    """A new model field needs a place in klyngepakke.oparl and docs/interchange.md."""
    mapped = {
        Meeting: "id title kind start end place topic delegations agenda decisions action_items "
        "previous recorded_items attendance_recorded",
        Agenda: "items minutes start",
        AgendaItem: "title kind number presenter purpose minutes slot description points "
        "reflection_questions recommendations case_presentation decision attachments shows items",
        TimeSlot: "start end",
        Attachment: "title url",
        Delegation: "organisation participants",
        Organisation: "name kind",
        Participant: "person attendance role guest_items",
        Person: "name title organisation email phone",
        Decision: "text item",
        ActionItem: "what owner due status item",
    }
    for cls, names in mapped.items():
        assert [field.name for field in attrs.fields(cls)] == names.split(), cls.__name__


TEXT = st.text(alphabet="abcdefghijklmnopqrstuvwxyzæøåÆØÅ 0123456789.,:;-#'\"!?&%\n\t", max_size=12)
REQUIRED_TEXT = TEXT.filter(lambda text: bool(text.strip()))
CODES = st.from_regex(r"\A[a-zæøå0-9][a-zæøå0-9_.-]{0,8}\Z")


def _texts(max_size: int = 2) -> st.SearchStrategy[tuple[str, ...]]:
    return st.lists(TEXT, max_size=max_size).map(tuple)


def _clock(day: dt.date, moment: dt.time, minutes: int) -> dt.time:
    return (dt.datetime.combine(day, moment) + dt.timedelta(minutes=minutes)).time()


@st.composite
def _items(
    draw: st.DrawFn, start: dt.time | None, day: dt.date, depth: int, prefix: str
) -> tuple[AgendaItem, ...]:
    """Items one after the other from ``start``, slotted when a start is known and drawn so."""
    items = []
    clock = start
    numbered = draw(st.booleans())
    for index in range(draw(st.integers(1, 3))):
        children: tuple[AgendaItem, ...] = ()
        slotted = clock is not None and draw(st.booleans())
        if depth < 2 and draw(st.booleans()):
            children = draw(_items(clock if slotted else None, day, depth + 1, f"{prefix}{index}."))
            minutes = sum(child.duration or 0 for child in children)
        else:
            minutes = draw(st.integers(1, 20))
        slot = None
        if slotted and clock is not None:
            slot = TimeSlot(clock, _clock(day, clock, minutes))
        items.append(
            AgendaItem(
                draw(REQUIRED_TEXT),
                kind=draw(st.sampled_from(AgendaItemKind)),
                number=f"{prefix}{index + 1}" if numbered else "",
                presenter=draw(TEXT),
                purpose=draw(st.none() | st.sampled_from(ItemPurpose)),
                minutes=minutes if slot is None or draw(st.booleans()) else None,
                slot=slot,
                description=draw(TEXT),
                points=draw(_texts()),
                reflection_questions=draw(_texts()),
                recommendations=draw(_texts(1)),
                case_presentation=draw(TEXT),
                decision=draw(TEXT),
                attachments=tuple(
                    draw(
                        st.lists(
                            st.builds(
                                Attachment,
                                REQUIRED_TEXT,
                                st.sampled_from(["", "https://kiap.dk/bilag.pdf"]),
                            ),
                            max_size=2,
                        )
                    )
                ),
                shows=draw(st.lists(CODES, max_size=2).map(tuple)),
                items=children,
            )
        )
        if clock is not None:
            clock = _clock(day, clock, minutes)
    return tuple(items)


@st.composite
def meetings(draw: st.DrawFn) -> Meeting:
    day = draw(st.dates(dt.date(2020, 1, 1), dt.date(2030, 12, 31)))
    begins = dt.time(draw(st.integers(7, 15)), draw(st.integers(0, 59)))
    zone = draw(st.sampled_from([None, COPENHAGEN, dt.UTC, dt.timezone(dt.timedelta(hours=-5))]))
    agenda = None
    if draw(st.booleans()):
        agenda_start = draw(st.none() | st.just(begins))
        items = draw(_items(agenda_start, day, 0, ""))
        total = sum(item.duration or 0 for item in items)
        agenda = Agenda(items, minutes=draw(st.none() | st.just(total)), start=agenda_start)
    length = (agenda.duration or 0) if agenda else 0
    start = dt.datetime.combine(day, begins, zone)
    end = start + dt.timedelta(minutes=length + draw(st.integers(1, 90)))
    numbers = sorted({i.number for i in agenda.walk() if i.number}) if agenda else []
    item_refs = st.sampled_from(["", *numbers])
    persons = st.builds(
        Person,
        REQUIRED_TEXT,
        title=TEXT,
        organisation=TEXT,
        email=st.sampled_from(["", "anne@klynge.dk", "æble@kommune.dk"]),
        phone=st.sampled_from(["", "7196 8844", "+45 71 96 88 44"]),
    )
    participants = st.builds(
        Participant,
        persons,
        st.sampled_from(Attendance),
        TEXT,
        st.lists(st.sampled_from(numbers), max_size=2, unique=True).map(tuple)
        if numbers
        else st.just(()),
    )
    delegations = st.builds(
        Delegation,
        st.builds(Organisation, REQUIRED_TEXT, st.sampled_from(OrganisationKind)),
        st.lists(participants, max_size=3).map(tuple),
    )
    actions = st.builds(
        ActionItem,
        REQUIRED_TEXT,
        REQUIRED_TEXT,
        st.none() | st.integers(0, 400).map(lambda n: day + dt.timedelta(days=n)),
        st.sampled_from(ActionStatus),
        item_refs,
    )
    meeting_id = draw(CODES)
    return Meeting(
        meeting_id,
        draw(REQUIRED_TEXT),
        draw(st.sampled_from(MeetingKind)),
        start,
        end,
        place=draw(TEXT),
        topic=draw(TEXT),
        delegations=tuple(draw(st.lists(delegations, max_size=3))),
        agenda=agenda,
        decisions=tuple(draw(st.lists(st.builds(Decision, REQUIRED_TEXT, item_refs), max_size=3))),
        action_items=tuple(draw(st.lists(actions, max_size=3))),
        previous=draw(st.none() | CODES.filter(lambda c: c != meeting_id)),
        recorded_items=tuple(draw(st.lists(st.sampled_from(numbers), max_size=2, unique=True)))
        if numbers
        else (),
        attendance_recorded=draw(st.booleans()),
    )


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(meetings())
def test_every_meeting_round_trips_through_json_text(meeting: Meeting) -> None:
    text = dumps_oparl(meeting)
    assert load_oparl(json.loads(text)) == meeting, text


# -- files of other systems ------------------------------------------------------------------

RIS = "https://ris.example.de/oparl/v1/"


def other_system() -> dict[str, Any]:
    """A committee meeting as a German council information system might write it."""
    return {
        "oparlVersion": "https://schema.oparl.org/1.0/",
        "meeting": {
            "id": f"{RIS}meeting/4711",
            "type": "https://schema.oparl.org/1.0/Meeting",
            "name": "Sitzung des Sozialausschusses",
            "meetingState": "durchgeführt",
            "start": "2024-11-05T17:00:00+01:00",
            "end": "2024-11-05T19:00:00+01:00",
            "location": {"id": f"{RIS}location/1", "description": "Rathaus, Saal 2"},
            "organization": [f"{RIS}organization/9"],
            "participant": [f"{RIS}person/1", f"{RIS}person/3"],
            "agendaItem": [
                {
                    "id": f"{RIS}agendaItem/2",
                    "type": "https://schema.oparl.org/1.1/AgendaItem",
                    "number": "Ö 2",
                    "order": 2,
                    "name": "Haushalt 2025",
                    "public": True,
                    "consultation": f"{RIS}consultation/5",
                    "result": "Unverändert beschlossen",
                    "start": "2024-11-05T16:10:00Z",
                    "end": "2024-11-05T17:00:00Z",
                    "auxiliaryFile": [
                        {
                            "id": f"{RIS}file/8",
                            "fileName": "vorlage.pdf",
                            "downloadUrl": "https://ris.example.de/vorlage.pdf",
                        }
                    ],
                    "keyword": ["haushalt"],
                    "created": "2024-10-01T10:00:00+02:00",
                },
                {
                    "id": f"{RIS}agendaItem/1",
                    "number": "Ö 1",
                    "order": 1,
                    "name": "Eröffnung",
                    "resolutionText": "Die Tagesordnung wird festgestellt.",
                    "result": "Zur Kenntnis genommen",
                },
            ],
        },
        "organization": [
            {"id": f"{RIS}organization/9", "name": "Sozialausschuss", "classification": "kommune"},
            {"id": f"{RIS}organization/10", "name": "Fraktion A"},
        ],
        "person": [
            {
                "id": f"{RIS}person/1",
                "name": "Dr. Anna Schmidt",
                "title": ["Dr."],
                "status": ["Ratsfrau", "Ausschussvorsitzende"],
                "email": ["anna@example.de", "schmidt@example.de"],
                "membership": [
                    {"id": f"{RIS}membership/1", "organization": f"{RIS}organization/9",
                     "role": "Vorsitz", "onBehalfOf": f"{RIS}organization/10"}
                ],
            },
            {
                "id": f"{RIS}person/2",
                "name": "Bernd Weber",
                "membership": [
                    {"id": f"{RIS}membership/2", "organization": f"{RIS}organization/9"}
                ],
            },
            {"id": f"{RIS}person/3", "name": "Carla Gast"},
            {"id": f"{RIS}person/4", "name": "Dieter Fremd"},
        ],
        "consultation": [
            {
                "id": f"{RIS}consultation/5",
                "paper": f"{RIS}paper/77",
                "agendaItem": f"{RIS}agendaItem/2",
                "role": "til orientering",
                "authoritative": False,
            }
        ],
    }  # fmt: skip


def test_another_systems_meeting_loads() -> None:
    meeting = load_oparl(other_system())
    assert meeting.id == "4711"
    assert meeting.title == "Sitzung des Sozialausschusses"
    assert meeting.kind is MeetingKind.OTHER
    assert meeting.start == dt.datetime(2024, 11, 5, 17, 0)  # Danish local time, as the model
    assert meeting.place == "Rathaus, Saal 2"
    assert meeting.agenda is not None
    first, second = meeting.agenda.items
    assert (first.number, first.title, first.decision) == (
        "Ö 1",
        "Eröffnung",
        "Die Tagesordnung wird festgestellt.",
    )
    assert second.decision == "Unverändert beschlossen"  # only its result says what happened
    assert second.purpose is ItemPurpose.ORIENTATION
    assert second.slot == TimeSlot(dt.time(17, 10), dt.time(18, 0))
    assert second.attachments == (Attachment("vorlage.pdf", "https://ris.example.de/vorlage.pdf"),)

    committee, unplaced = meeting.delegations
    assert committee.organisation == Organisation("Sozialausschuss", OrganisationKind.MUNICIPALITY)
    anna, bernd = committee.participants
    assert anna == Participant(
        Person(
            "Dr. Anna Schmidt",
            title="Ratsfrau, Ausschussvorsitzende",
            organisation="Fraktion A",
            email="anna@example.de",
        ),
        Attendance.PRESENT,
        "Vorsitz",
    )
    assert bernd.attendance is Attendance.ABSENT  # a member who is not among the participants
    assert unplaced.organisation.name == UNPLACED_ORGANISATION
    assert [p.person.name for p in unplaced.participants] == ["Carla Gast"]


def test_consultations_are_found_from_either_side() -> None:
    data = other_system()
    del data["meeting"]["agendaItem"][0]["consultation"]
    consultation = data["consultation"][0]
    consultation["role"] = "Entscheidung"
    consultation["authoritative"] = True
    meeting = load_oparl(data)
    assert meeting.agenda is not None
    assert meeting.agenda.items[1].purpose is ItemPurpose.DECISION


def test_a_bare_meeting_object_loads_without_people() -> None:
    meeting = load_oparl(other_system()["meeting"])
    assert meeting.delegations == ()
    assert meeting.agenda is not None
    assert [item.title for item in meeting.agenda.items] == ["Eröffnung", "Haushalt 2025"]


def test_without_a_participant_list_everyone_is_expected() -> None:
    data = other_system()
    del data["meeting"]["participant"]
    meeting = load_oparl(data)
    assert [p.attendance for d in meeting.delegations for p in d.participants] == [
        Attendance.PRESENT,
        Attendance.PRESENT,
    ]


# -- bad input -------------------------------------------------------------------------------


def problems_of(data: Any) -> list[str]:
    with pytest.raises(DocumentError) as caught:
        load_oparl(data)
    return [str(problem) for problem in caught.value.problems]


def broken(change: Any) -> dict[str, Any]:
    data = copy.deepcopy(EXAMPLE_JSON)
    change(data)
    return data


def test_missing_and_mistyped_values_are_named_by_path() -> None:
    def change(data: dict[str, Any]) -> None:
        meeting = data["meeting"]
        del meeting["name"]
        meeting["start"] = "11. marts 2025"
        meeting["agendaItem"][2]["klyngepakke:minutes"] = "20"
        meeting["agendaItem"][4]["auxiliaryFile"][0]["name"] = 7
        data["person"][1]["membership"][0]["klyngepakke:attendance"] = "maybe"
        data["person"][2]["email"] = "jane@plo.dk"

    assert problems_of(broken(change)) == [
        "meeting.name: required, but missing",
        "meeting.start: '11. marts 2025' is not a valid value like '2025-03-31T16:00:00+02:00'",
        "meeting.agendaItem[2].klyngepakke:minutes: expected a whole number, got '20' (str)",
        "meeting.agendaItem[4].auxiliaryFile[0].name: expected text, got 7 (int)",
        "person[1].membership[0].klyngepakke:attendance: 'maybe' (str) is not one of "
        "'present', 'virtual', 'apologies', 'absent'",
        "person[2].email: expected a list of texts, got 'jane@plo.dk' (str)",
    ]


def test_unknown_extension_properties_and_types_are_refused() -> None:
    def change(data: dict[str, Any]) -> None:
        data["meeting"]["klyngepakke:topc"] = "akut"
        data["meeting"]["agendaItem"][0]["type"] = "https://schema.oparl.org/1.1/Meeting"
        data["meeting"]["klyngepakke:actionItems"][0]["whom"] = "x"
        data["meeting"]["unknownButAllowed"] = True  # other systems' properties are skipped

    found = problems_of(broken(change))
    assert found[0].startswith("meeting.klyngepakke:topc: unknown extension property; expected ")
    assert "klyngepakke:topic" in found[0]
    assert found[1:] == [
        "meeting.agendaItem[0].type: expected 'https://schema.oparl.org/1.1/AgendaItem', "
        "got 'https://schema.oparl.org/1.1/Meeting' (str)",
        "meeting.klyngepakke:actionItems[0].whom: unknown key; expected one of what, owner, "
        "due, status, item",
    ]


def test_model_rules_are_reported_at_the_json_path() -> None:
    def change(data: dict[str, Any]) -> None:
        meeting = data["meeting"]
        meeting["klyngepakke:actionItems"][0]["due"] = "2025-03-01"
        meeting["end"] = "2025-03-11T15:00:00+01:00"
        meeting["agendaItem"][0]["klyngepakke:minutes"] = 15
        data["person"][0]["email"] = ["ikke en adresse"]

    assert problems_of(broken(change)) == [
        "meeting.agendaItem[0].klyngepakke:minutes: 15 does not match the slot 16.00-16.10 "
        "(10 min)",
        "person[0].email: 'ikke en adresse' does not look like an e-mail address",
    ]

    def only_model_rules(data: dict[str, Any]) -> None:
        meeting = data["meeting"]
        meeting["klyngepakke:actionItems"][0]["due"] = "2025-03-01"
        meeting["klyngepakke:decisions"][0]["item"] = "9"
        meeting["klyngepakke:recordedItems"] = ["1", "8"]
        data["person"][3]["membership"][0]["klyngepakke:guestItems"] = ["2", "7"]

    assert problems_of(broken(only_model_rules)) == [
        "person[3].membership[0].klyngepakke:guestItems[1]: no agenda item numbered '7'",
        "meeting.klyngepakke:decisions[0].item: no agenda item numbered '9'",
        "meeting.klyngepakke:actionItems[0].due: 2025-03-01 is before the meeting (2025-03-11)",
        "meeting.klyngepakke:recordedItems[1]: no agenda item numbered '8'",
    ]


def test_broken_references_are_named() -> None:
    def change(data: dict[str, Any]) -> None:
        data["meeting"]["organization"][1] = "urn:klyngepakke:meeting/klu-2025-03/organization/99"
        data["meeting"]["agendaItem"][2]["klyngepakke:parent"] = "urn:x:agendaItem/7"
        data["person"][2]["membership"][0]["onBehalfOf"] = "urn:x:organization/1"
        data["consultation"].pop()

    assert problems_of(broken(change)) == [
        "meeting.agendaItem[2].klyngepakke:parent: 'urn:x:agendaItem/7' is not the id of an "
        "agenda item before this one",
        "meeting.agendaItem[4].consultation: no Consultation "
        "'urn:klyngepakke:meeting/klu-2025-03/agendaItem/3/consultation' in the file",
        "meeting.organization[1]: no Organization "
        "'urn:klyngepakke:meeting/klu-2025-03/organization/99' in the file",
        "person[2].membership[0].organization: not one of the meeting's organizations",
        "person[3].membership[0].organization: not one of the meeting's organizations",
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "expected an OParl meeting: an object, got [] (list)"),
        ({"name": "x"}, "expected an OParl Meeting object, or an object with the meeting"),
        (
            {"klyngepakke:version": 2, "meeting": {}},
            "klyngepakke:version: 2 (int) is not supported: this release reads version 1 only",
        ),
        ({"meeting": "x"}, "meeting: expected a Meeting object, got 'x' (str)"),
    ],
)
def test_what_is_not_a_meeting_is_refused(tmp_path: Path, data: Any, message: str) -> None:
    path = tmp_path / "x.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert problems_of(path)[0].startswith(message)


def test_file_problems_carry_their_line(tmp_path: Path) -> None:
    data = copy.deepcopy(EXAMPLE_JSON)
    data["meeting"]["agendaItem"][1]["klyngepakke:kind"] = "speech"
    path = tmp_path / "møde.json"
    text = json.dumps(data, ensure_ascii=False, indent=2)
    path.write_text(text, encoding="utf-8")
    line = 1 + text[: text.index('"speech"')].count("\n")
    with pytest.raises(DocumentError) as caught:
        load_oparl(path)
    (problem,) = caught.value.problems
    assert problem.line == line
    assert str(caught.value).startswith(f"{path}: 1 problem:\n  meeting.agendaItem[1]")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"meeting": 1, "meeting": 2}', "duplicate key 'meeting'"),
        ('{"meeting": ', "not valid JSON: Expecting value (line 1)"),
        (b"\xff\xfe", "not UTF-8 text"),
    ],
)
def test_unreadable_files_are_document_errors(
    tmp_path: Path, text: str | bytes, message: str
) -> None:
    path = tmp_path / "x.json"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    assert problems_of(path)[0].startswith(message)
    assert problems_of(tmp_path / "nowhere.json") == ["no such file"]


# -- the exporter ----------------------------------------------------------------------------


def test_the_exporter_is_built_in() -> None:
    exporter = klyngepakke.get_exporter("oparl")
    assert exporter.accepts == (Meeting,)
    assert exporter.suffixes == (".json",)
    assert set(exporter.options) == {"base"}


def test_export_writes_what_load_oparl_reads(tmp_path: Path) -> None:
    path = klyngepakke.export(example_meeting(), "oparl", tmp_path / "møde.json")
    assert json.loads(path.read_text(encoding="utf-8")) == EXAMPLE_JSON
    assert load_oparl(path) == example_meeting()


def test_export_takes_a_base(tmp_path: Path) -> None:
    path = klyngepakke.export(
        example_meeting(), "oparl", tmp_path / "m.json", options={"base": "https://ris.dk/"}
    )
    assert json.loads(path.read_text(encoding="utf-8"))["meeting"]["id"] == (
        "https://ris.dk/meeting/klu-2025-03"
    )
    with pytest.raises(ExportError, match="option base: 'ris' is not a base URI"):
        klyngepakke.export(example_meeting(), "oparl", tmp_path / "n.json", options={"base": "ris"})
    assert not (tmp_path / "n.json").exists()


def test_the_exporter_takes_meetings_only(tmp_path: Path) -> None:
    agenda = Agenda((AgendaItem("Velkomst"),))
    with pytest.raises(ExportError, match="cannot write a Agenda; it takes Meeting"):
        klyngepakke.export(agenda, "oparl", tmp_path / "a.json")


def test_cli_exports_with_format_oparl(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = dump(example_meeting(), tmp_path / "møde.yaml")
    target = tmp_path / "møde.json"
    assert main(["export", str(source), "--format", "oparl", "-o", str(target)]) == 0
    assert f"wrote {target} (oparl)" in capsys.readouterr().out
    assert load_oparl(target) == example_meeting()


def test_cli_still_writes_plain_json_for_a_json_suffix(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = dump(example_meeting(), tmp_path / "møde.yaml")
    target = tmp_path / "møde.json"
    assert main(["export", str(source), "-o", str(target)]) == 0, capsys.readouterr().err
    assert load(target, Meeting) == example_meeting()


def test_listing_exporters_does_not_import_the_oparl_module() -> None:
    code = (
        "import sys, klyngepakke; klyngepakke.list_exporters(); "
        "print('klyngepakke.oparl' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
