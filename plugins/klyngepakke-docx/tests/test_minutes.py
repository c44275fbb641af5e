"""The minutes (referat): the steering-group meeting of the reference text, and any meeting.

The fixture ``data/steering_group_meeting.yaml`` holds the first five items of the reference
minutes; every participant, absence, guest, recommendation, decision and attachment in it must
appear in the document, reopened with python-docx.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
import docx
import pytest
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph

import klyngepakke
from klyngepakke.conversion import load
from klyngepakke.errors import ExportError
from klyngepakke.model import (
    ActionItem,
    ActionStatus,
    Agenda,
    AgendaItem,
    Attachment,
    Attendance,
    Decision,
    Delegation,
    Meeting,
    MeetingKind,
    Organisation,
    Participant,
    Person,
    TextSection,
)
from klyngepakke_docx._document import open_document
from klyngepakke_docx._minutes import write_minutes

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument

DATA = Path(__file__).parent / "data"
ITEM_PARTS = ("Indstilling", "Sagsfremstilling", "Bilag", "Beslutning")
NOTE_URL = "https://kiap.dk/bilag/notat-om-henvisning.pdf"


# -- helpers ----------------------------------------------------------------------------------


def render(tmp_path: Path, meeting: Meeting, next_meeting: Meeting | None = None) -> DocxDocument:
    doc = open_document()
    write_minutes(doc, meeting, next_meeting=next_meeting)
    path = tmp_path / "referat.docx"
    doc.save(path)
    return docx.Document(str(path))


def squash(text: str) -> str:
    return " ".join(text.split())


def blocks(document: DocxDocument) -> Iterator[Paragraph | Table]:
    yield from document.iter_inner_content()


def heading_level(block: Paragraph | Table) -> int | None:
    if isinstance(block, Paragraph) and block.style is not None:
        match = re.fullmatch(r"Heading (\d)", block.style.name or "")
        if match:
            return int(match.group(1))
    return None


def part(document: DocxDocument, heading: str, after: str = "") -> list[Paragraph | Table]:
    """The blocks under the heading ``heading`` (the first one after the heading ``after``)."""
    found: list[Paragraph | Table] = []
    level: int | None = None
    seen_after = not after
    for block in blocks(document):
        block_level = heading_level(block)
        if level is not None:
            if block_level is not None and block_level <= level:
                return found
            found.append(block)
        elif block_level is not None and isinstance(block, Paragraph):
            if block.text == after:
                seen_after = True
            elif seen_after and block.text == heading:
                level = block_level
    if level is None:
        raise AssertionError(f"no heading {heading!r}" + (f" after {after!r}" if after else ""))
    return found


def text_of(found: list[Paragraph | Table]) -> str:
    lines = []
    for block in found:
        if isinstance(block, Paragraph):
            lines.append(block.text)
        else:
            lines += [cell.text for row in block.rows for cell in row.cells]
    return squash("\n".join(lines))


def all_text(document: DocxDocument) -> str:
    return text_of(list(blocks(document)))


def paragraph_texts(found: list[Paragraph | Table], style: str) -> list[str]:
    return [
        squash(block.text)
        for block in found
        if isinstance(block, Paragraph) and block.style is not None and block.style.name == style
    ]


def table_rows(table: Table) -> list[list[str]]:
    return [[squash(cell.text) for cell in row.cells] for row in table.rows]


def facts_of(table: Table) -> dict[str, str]:
    """A two-column table of labels and values as a mapping."""
    return {row[0]: row[1] for row in table_rows(table)}


def hyperlinks(document: DocxDocument) -> dict[str, str]:
    """Link text → target of every ``w:hyperlink`` in the body."""
    found = {}
    for link in document.element.body.iter(qn("w:hyperlink")):
        target = document.part.rels[link.get(qn("r:id"))].target_ref
        found["".join(t.text or "" for t in link.iter(qn("w:t")))] = target
    return found


def paragraphs_of(text: str) -> list[str]:
    """The paragraphs and bullet items a model text is written as."""
    found: list[str] = []
    for block in TextSection("tekst", text).blocks():
        found += [block] if isinstance(block, str) else list(block)
    return found


# -- the steering-group meeting ---------------------------------------------------------------


@pytest.fixture(scope="module")
def meeting() -> Meeting:
    loaded = load(DATA / "steering_group_meeting.yaml")
    assert isinstance(loaded, Meeting)
    return loaded


@pytest.fixture(scope="module")
def minutes(meeting: Meeting, tmp_path_factory: pytest.TempPathFactory) -> DocxDocument:
    """The minutes as the exporter writes them, reopened with python-docx."""
    path = tmp_path_factory.mktemp("referat") / "referat.docx"
    klyngepakke.export(meeting, "docx", path)
    return docx.Document(str(path))


def test_the_fixture_holds_the_first_five_items_of_the_reference(meeting: Meeting) -> None:
    assert meeting.agenda is not None
    assert [item.number for item in meeting.agenda.items] == ["1", "2", "3", "4", "5"]
    participants = list(meeting.participants())
    assert len(participants) == 26 + 5  # members and the guests of items 4 and 5
    assert sum(p.attendance is Attendance.APOLOGIES for p in participants) == 11
    assert {p.person.name: p.guest_items for p in participants if p.is_guest} == {
        "Steffen Hansen": ("4",),
        "Lars F. Nørgaard": ("5",),
        "Peter Krüger Bak": ("5",),
        "Tina Jobling": ("5",),
        "Trine Bjerregård Madsen": ("5",),
    }


def test_title_time_and_place_come_first(minutes: DocxDocument, meeting: Meeting) -> None:
    title, subtitle = minutes.paragraphs[:2]
    assert paragraph_texts([title], "Title") == [meeting.title]
    assert paragraph_texts([subtitle], "Subtitle") == ["Referat · fredag 27. september 2024"]
    facts = facts_of(minutes.tables[0])
    assert facts["Møde"] == "Klyngestyregruppemøde"
    assert facts["Tid"] == "fredag 27. september 2024 kl. 11.00–14.00"
    assert facts["Sted"] == "[mangler: mødested]"  # the reference does not say
    assert facts["Mødeleder"] == "Mette Andreassen"
    assert minutes.core_properties.title == f"Referat: {meeting.title}"


def test_members_who_came_are_grouped_by_organisation_with_titles(
    minutes: DocxDocument, meeting: Meeting
) -> None:
    table = next(b for b in part(minutes, "Deltagere") if isinstance(b, Table))
    rows = table_rows(table)
    assert rows[0] == ["Organisation", "Til stede"]
    by_organisation = {row[0]: row[1] for row in rows[1:]}
    for delegation in meeting.delegations:
        came = [
            p
            for p in delegation.participants
            if p.attendance is Attendance.PRESENT and not p.is_guest
        ]
        if not came:
            assert delegation.organisation.name not in by_organisation
            continue
        cell = by_organisation[delegation.organisation.name]
        for participant in came:
            assert participant.person.name in cell
            assert participant.person.title in cell
    assert (
        "Brian Brøndum Møller, hospitalsdirektør (medformand)"
        in by_organisation["Hospitalsenhed Midt"]
    )
    assert "Mette Andreassen, direktør (medformand, mødeleder)" in by_organisation["Viborg Kommune"]
    assert "Jane Gregersen, PLO Midt" in by_organisation["Almen praksis"]
    header = table.rows[0]._tr.find(qn("w:trPr")).find(qn("w:tblHeader"))
    assert header is not None


def test_every_absence_is_under_afbud(minutes: DocxDocument, meeting: Meeting) -> None:
    absences = paragraph_texts(part(minutes, "Afbud"), "List Bullet")
    expected = [p for p in meeting.participants() if p.attendance is Attendance.APOLOGIES]
    assert len(absences) == len(expected) == 11
    for participant, line in zip(expected, absences, strict=True):
        assert line.startswith(participant.person.name)
    assert "Jens Peter Nielsen, cheflæge, Hospitalsenhed Midt" in absences
    assert "Trine Frøstrup, Scleroseforeningen, Danske Patienter" in absences
    assert "Fraværende" not in all_text(minutes)


def test_every_guest_is_listed_with_the_items_attended(
    minutes: DocxDocument, meeting: Meeting
) -> None:
    table = next(b for b in part(minutes, "Gæster") if isinstance(b, Table))
    rows = table_rows(table)
    assert rows[0] == ["Gæst", "Titel og organisation", "Deltog i"]
    steffen = ["Steffen Hansen", "forskningsassistent, Center for Planlagt Kirurgi", "pkt. 4"]
    assert rows[1] == steffen
    assert ["Trine Bjerregård Madsen", "funktionsleder, Regionsapoteket", "pkt. 5"] in rows
    guests = [p for p in meeting.participants() if p.is_guest]
    assert [row[0] for row in rows[1:]] == [p.person.name for p in guests]


def test_every_item_has_its_number_title_and_time(minutes: DocxDocument, meeting: Meeting) -> None:
    assert meeting.agenda is not None
    headings = [
        b.text for b in blocks(minutes) if isinstance(b, Paragraph) and heading_level(b) == 1
    ]
    items = [f"Punkt {item.number}: {item.title}" for item in meeting.agenda.items]
    assert headings == ["Deltagere", *items, "Handlinger", "Næste møde"]
    for item in meeting.agenda.items[1:]:
        assert item.slot is not None
        times = f"kl. {item.slot.start:%H.%M}–{item.slot.end:%H.%M}"
        first = part(minutes, f"Punkt {item.number}: {item.title}")[0]
        assert isinstance(first, Paragraph)
        assert first.text.startswith(times)
        assert first.style is not None
        assert first.style.name == "Klyngepakke note"
    presenter = part(minutes, "Punkt 4: Resultater fra forskningsprojektet Animation på Tværs")[0]
    assert isinstance(presenter, Paragraph)
    assert presenter.text == "kl. 11.15–11.45 · v. Steffen Hansen"


def test_every_recommendation_case_presentation_and_decision_appears_under_its_item(
    minutes: DocxDocument, meeting: Meeting
) -> None:
    assert meeting.agenda is not None
    for item in meeting.agenda.items:
        heading = f"Punkt {item.number}: {item.title}"
        found = part(minutes, heading)
        parts = [b.text for b in found if isinstance(b, Paragraph) and heading_level(b) == 2]
        expected_parts = [
            name
            for name, present in zip(
                ITEM_PARTS,
                (item.recommendations, item.case_presentation, item.attachments, item.decision),
                strict=True,
            )
            if present
        ]
        assert parts == expected_parts
        if item.recommendations:
            recommendations = paragraph_texts(part(minutes, "Indstilling", heading), "List Bullet")
            assert recommendations == [squash(text) for text in item.recommendations]
        if item.case_presentation:
            text = text_of(part(minutes, "Sagsfremstilling", heading))
            for paragraph in paragraphs_of(item.case_presentation):
                assert paragraph in text
        decision = text_of(part(minutes, "Beslutning", heading))
        for paragraph in paragraphs_of(item.decision):
            assert paragraph in decision


def test_bullets_in_the_case_presentation_are_a_list(minutes: DocxDocument) -> None:
    found = part(minutes, "Sagsfremstilling", "Punkt 3: Regeringens udspil til en sundhedsreform")
    bullets = paragraph_texts(found, "List Bullet")
    assert len(bullets) == 5
    assert bullets[2].startswith("Almen praksis: øget kapacitet")
    assert paragraph_texts(found, "Normal")[0].startswith("Regeringen har den 18. september")


def test_attachments_are_links_when_they_have_an_address(
    minutes: DocxDocument, meeting: Meeting
) -> None:
    assert meeting.agenda is not None
    links = hyperlinks(minutes)
    attachments = [a for item in meeting.agenda.items for a in item.attachments]
    assert len(attachments) == 2
    for item in meeting.agenda.items:
        if not item.attachments:
            continue
        listed = paragraph_texts(
            part(minutes, "Bilag", f"Punkt {item.number}: {item.title}"), "List Bullet"
        )
        assert listed == [attachment.title for attachment in item.attachments]
        for attachment in item.attachments:
            if attachment.url:
                assert links[attachment.title] == attachment.url
            else:
                assert attachment.title not in links


def test_without_action_items_or_a_next_meeting_the_minutes_say_so(
    minutes: DocxDocument,
) -> None:
    assert text_of(part(minutes, "Handlinger")) == "Der er ikke noteret nogen handlinger."
    placeholder = part(minutes, "Næste møde")[0]
    assert isinstance(placeholder, Paragraph)
    assert placeholder.text == "[mangler: dato, tid og sted for næste møde]"
    assert placeholder.runs[0].font.highlight_color is not None


def test_the_table_of_contents_lists_the_items(minutes: DocxDocument) -> None:
    instructions = [
        element.text for element in minutes.element.body.iter(qn("w:instrText")) if element.text
    ]
    assert any(text.strip().startswith('TOC \\o "1-1"') for text in instructions)


# -- action items, decisions, the next meeting -----------------------------------------------


@pytest.fixture(scope="module")
def followed_up(meeting: Meeting) -> Meeting:
    """The meeting with action items and decisions, as a minute-taker would add them."""
    return attrs.evolve(
        meeting,
        action_items=(
            ActionItem(
                "Kontakte PLO-Central om generiske ordinationer",
                "Jane Gregersen",
                dt.date(2024, 10, 15),
                ActionStatus.IN_PROGRESS,
                item="5",
            ),
            ActionItem("Udsende oplæggene med referatet", "Sekretariatet"),
        ),
        decisions=(
            Decision("Regeringens udspil ændrer ikke mødekadencen.", item="3"),
            Decision("Referatet godkendes skriftligt."),
        ),
    )


def next_meeting_after(meeting: Meeting, previous: str) -> Meeting:
    return Meeting(
        id="midtklyngen-klyngestyregruppe-2024-12-06",
        title="Møde i klyngestyregruppen for Midtklyngen",
        kind=MeetingKind.STEERING_GROUP,
        start=dt.datetime(2024, 12, 6, 9, 0),
        end=dt.datetime(2024, 12, 6, 11, 0),
        place="Regionshospitalet Viborg",
        previous=previous,
    )


def test_action_items_are_a_table_with_a_repeated_header_row(
    tmp_path: Path, followed_up: Meeting
) -> None:
    document = render(tmp_path, followed_up)
    tables = [b for b in part(document, "Handlinger") if isinstance(b, Table)]
    assert len(tables) == 1
    rows = table_rows(tables[0])
    assert rows == [
        ["Hvad", "Hvem", "Hvornår", "Status", "Punkt"],
        [
            "Kontakte PLO-Central om generiske ordinationer",
            "Jane Gregersen",
            "15. oktober 2024",
            "I gang",
            "5",
        ],
        ["Udsende oplæggene med referatet", "Sekretariatet", "Ikke fastsat", "Åben", ""],
    ]
    header = tables[0].rows[0]._tr.find(qn("w:trPr"))
    assert header.find(qn("w:tblHeader")) is not None
    assert tables[0].style is not None
    assert tables[0].style.name == "Klyngepakke tabel"


def test_decisions_go_under_their_item_or_at_the_end(tmp_path: Path, followed_up: Meeting) -> None:
    document = render(tmp_path, followed_up)
    under_item = part(document, "Beslutning", "Punkt 3: Regeringens udspil til en sundhedsreform")
    assert paragraph_texts(under_item, "List Bullet") == [
        "Regeringens udspil ændrer ikke mødekadencen."
    ]
    assert paragraph_texts(part(document, "Øvrige beslutninger"), "List Bullet") == [
        "Referatet godkendes skriftligt."
    ]


def test_the_next_meeting_is_shown_when_known(tmp_path: Path, followed_up: Meeting) -> None:
    following = next_meeting_after(followed_up, followed_up.id)
    document = render(tmp_path, followed_up, next_meeting=following)
    table = next(b for b in part(document, "Næste møde") if isinstance(b, Table))
    assert facts_of(table) == {
        "Møde": "Møde i klyngestyregruppen for Midtklyngen",
        "Tid": "fredag 6. december 2024 kl. 09.00–11.00",
        "Sted": "Regionshospitalet Viborg",
    }


def test_a_next_meeting_that_follows_another_meeting_is_refused(
    tmp_path: Path, meeting: Meeting
) -> None:
    other = next_meeting_after(meeting, "et-andet-moede")
    with pytest.raises(ExportError, match="'et-andet-moede', not 'midtklyngen-"):
        render(tmp_path, meeting, next_meeting=other)


# -- other meetings ---------------------------------------------------------------------------


def small_meeting(**changes: Any) -> Meeting:
    cluster = Organisation("Klynge Nord")
    meeting = Meeting(
        id="klynge-nord-2027-03-11",
        title="Klyngemøde om akutfunktioner",
        kind=MeetingKind.CLUSTER_MEETING,
        start=dt.datetime(2027, 3, 11, 16, 0),
        end=dt.datetime(2027, 3, 11, 18, 30),
        place="Lægehuset, mødelokale 1",
        previous="klynge-nord-2026-03-12",
        delegations=(
            Delegation(
                cluster,
                (
                    Participant(Person("Anne Holm", "praktiserende læge"), role="ordstyrer"),
                    Participant(Person("Lise Vang", "klyngekoordinator"), role="referent"),
                    Participant(Person("Jens Lund", "praktiserende læge"), Attendance.VIRTUAL),
                    Participant(Person("Søren Bak", "praktiserende læge"), Attendance.ABSENT),
                ),
            ),
            Delegation(
                Organisation("Nordby Kommune"),
                (
                    Participant(
                        Person("Karen Friis", "leder af akutfunktionen"),
                        Attendance.APOLOGIES,
                        guest_items=("2",),
                    ),
                    Participant(
                        Person("Peter Møller", "sygeplejerske"),
                        Attendance.VIRTUAL,
                        guest_items=("2", "3"),
                    ),
                ),
            ),
        ),
        agenda=Agenda(
            (
                AgendaItem("Velkomst", number="1", minutes=10),
                AgendaItem(
                    "Akutfunktionen",
                    number="2",
                    minutes=60,
                    items=(
                        AgendaItem("Oplæg", number="2.1", minutes=20, presenter="Karen Friis"),
                        AgendaItem(
                            "Drøftelse",
                            number="2.2",
                            minutes=40,
                            attachments=(Attachment("Notat om henvisning", NOTE_URL),),
                        ),
                    ),
                ),
                AgendaItem("Aftaler", number="3", minutes=20, decision="Vi bruger 0124."),
            ),
            start=dt.time(16, 0),
        ),
    )
    return attrs.evolve(meeting, **changes)


def test_roles_virtual_attendance_absences_and_guests_of_any_meeting(tmp_path: Path) -> None:
    document = render(tmp_path, small_meeting())
    facts = facts_of(document.tables[0])
    assert facts["Mødeleder"] == "Anne Holm"
    assert facts["Referent"] == "Lise Vang"
    assert facts["Opfølgning på"] == "mødet klynge-nord-2026-03-12"
    assert facts["Sted"] == "Lægehuset, mødelokale 1"
    present = table_rows(next(b for b in part(document, "Deltagere") if isinstance(b, Table)))
    assert present[1][0] == "Klynge Nord"
    assert "Jens Lund, praktiserende læge – virtuel deltagelse" in present[1][1]
    assert "Søren Bak" not in present[1][1]
    assert paragraph_texts(part(document, "Fraværende"), "List Bullet") == [
        "Søren Bak, praktiserende læge, Klynge Nord"
    ]
    assert paragraph_texts(part(document, "Afbud"), "List Bullet") == [
        "Karen Friis, leder af akutfunktionen, Nordby Kommune (gæst, pkt. 2)"
    ]
    guests = table_rows(next(b for b in part(document, "Gæster") if isinstance(b, Table)))
    assert guests[1] == [
        "Peter Møller",
        "sygeplejerske, Nordby Kommune",
        "pkt. 2 og 3 – virtuel deltagelse",
    ]


def test_nested_items_get_lower_headings_and_computed_times(tmp_path: Path) -> None:
    document = render(tmp_path, small_meeting())
    levels = [
        (heading_level(b), b.text)
        for b in blocks(document)
        if heading_level(b) is not None and isinstance(b, Paragraph)
    ]
    assert (1, "Punkt 2: Akutfunktionen") in levels
    assert (2, "Punkt 2.1: Oplæg") in levels
    assert (3, "Bilag") in levels  # the parts of a level-2 item
    oplaeg = part(document, "Punkt 2.1: Oplæg")[0]
    assert isinstance(oplaeg, Paragraph)
    assert oplaeg.text == "kl. 16.10–16.30 · v. Karen Friis"
    assert "Notat om henvisning" in text_of(part(document, "Bilag"))
    assert hyperlinks(document)["Notat om henvisning"] == NOTE_URL


def test_a_meeting_without_participants_or_agenda_marks_what_is_missing(tmp_path: Path) -> None:
    document = render(tmp_path, small_meeting(delegations=(), agenda=None, place=""))
    text = all_text(document)
    assert "[mangler: deltagere: angiv de deltagende organisationer og personer]" in text
    assert "[mangler: dagsorden: angiv mødets punkter]" in text
    assert "[mangler: mødested]" in text


def test_control_characters_in_the_minutes_do_not_break_the_document(tmp_path: Path) -> None:
    meeting = small_meeting(title="Klyngemøde\x07 om akut\x0bfunktioner")
    document = render(tmp_path, meeting)
    assert document.paragraphs[0].text == "Klyngemøde om akut funktioner"


def test_a_synthetic_bundle_marks_every_page_of_its_minutes(
    tmp_path: Path, bundle: klyngepakke.bundle.MeetingBundle
) -> None:
    path = tmp_path / "referat.docx"
    klyngepakke.export(bundle, "docx", path, options={"document": "minutes"})
    document = docx.Document(str(path))
    header = document.sections[0].header
    assert "SYNTETISKE DATA" in header.paragraphs[-1].text
    assert bundle.cluster_name in header.paragraphs[-1].text
