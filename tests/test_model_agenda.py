"""Invariants of programmes and agendas: timing, nesting, slots and numbering."""

from __future__ import annotations

import datetime as dt

import attrs
import pytest

from klyngepakke.conversion import dumps, loads
from klyngepakke.errors import DocumentError, ModelError, Problem
from klyngepakke.model import (
    Agenda,
    AgendaItem,
    AgendaItemKind,
    Attachment,
    LabelledEnum,
    Meeting,
    MeetingKind,
    ScheduledItem,
    TimeSlot,
)

URL = "https://kiap.dk/notat.pdf"


def slot(text: str) -> TimeSlot:
    start, end = text.split("-")
    return TimeSlot(dt.time.fromisoformat(start), dt.time.fromisoformat(end))


def item(title: str = "Punkt", **kwargs: object) -> AgendaItem:
    return AgendaItem(title, **kwargs)  # type: ignore[arg-type]


# -- TimeSlot -------------------------------------------------------------------------------


def test_time_slot_minutes_and_text() -> None:
    s = slot("11:05-11:15")
    assert s.minutes == 10
    assert str(s) == "11.05-11.15"


@pytest.mark.parametrize("text", ["11:15-11:05", "11:05-11:05"])
def test_time_slot_must_end_after_it_starts(text: str) -> None:
    start, end = text.split("-")
    with pytest.raises(ModelError) as info:
        slot(text)
    assert info.value.problems == (Problem(("end",), f"{end} is not after {start}"),)
    assert info.value.owner == "TimeSlot"


# -- Attachment -----------------------------------------------------------------------------


def test_attachment_needs_a_title() -> None:
    assert Attachment("Faktaark til kommunen", "https://kiap.dk").url == "https://kiap.dk"
    with pytest.raises(ModelError) as info:
        Attachment("  ")
    assert info.value.problems == (Problem(("title",), "must not be empty, got '  '"),)


@pytest.mark.parametrize(
    "url",
    ["bilag.pdf", "www.kiap.dk/bilag.pdf", "ftp://kiap.dk/bilag.pdf", "https://kiap.dk/mit bilag"],
)
def test_attachment_link_must_be_an_http_link(url: str) -> None:
    with pytest.raises(ModelError) as info:
        Attachment("Notat om akutfunktionen", url)
    assert info.value.problems == (Problem(("url",), f"{url!r} is not an http(s) link"),)


@pytest.mark.parametrize("url", ["", "https://kiap.dk/bilag.pdf", "http://viborg.dk/notat"])
def test_attachment_link_may_be_empty_or_http(url: str) -> None:
    assert Attachment("Notat om akutfunktionen", url).url == url


def test_bad_attachment_link_in_a_meeting_file_names_its_path_and_line() -> None:
    meeting = Meeting(
        id="styregruppe-2024-09",
        title="Møde i klyngestyregruppen",
        kind=MeetingKind.STEERING_GROUP,
        start=dt.datetime(2024, 9, 27, 11, 0),
        end=dt.datetime(2024, 9, 27, 14, 0),
        agenda=Agenda((item("Velkomst", number="1", attachments=(Attachment("Notat", URL),)),)),
    )
    text = dumps(meeting, "yaml")
    assert loads(text, "yaml") == meeting
    with pytest.raises(DocumentError) as info:
        loads(text.replace(URL, "notat.pdf"), "yaml")
    assert (
        "agenda.items[0].attachments[0].url: 'notat.pdf' is not an http(s) link (line 14)"
        in str(info.value)
    )


# -- AgendaItem -----------------------------------------------------------------------------


def test_item_needs_a_title() -> None:
    with pytest.raises(ModelError) as info:
        AgendaItem("")
    assert info.value.problems == (Problem(("title",), "must not be empty, got ''"),)


@pytest.mark.parametrize("minutes", [0, -5])
def test_item_minutes_must_be_positive(minutes: int) -> None:
    with pytest.raises(ModelError) as info:
        item(minutes=minutes)
    assert info.value.problems == (Problem(("minutes",), f"must be greater than 0, got {minutes}"),)


def test_item_minutes_must_match_slot() -> None:
    assert item(minutes=10, slot=slot("11:05-11:15")).duration == 10
    with pytest.raises(ModelError) as info:
        item(minutes=12, slot=slot("11:05-11:15"))
    assert info.value.problems == (
        Problem(("minutes",), "12 does not match the slot 11.05-11.15 (10 min)"),
    )


def test_model_error_text_names_class_field_and_value() -> None:
    with pytest.raises(ModelError) as info:
        item(minutes=12, slot=slot("11:05-11:15"))
    assert str(info.value) == (
        "invalid AgendaItem: minutes: 12 does not match the slot 11.05-11.15 (10 min)"
    )
    assert isinstance(info.value, ValueError)


def test_item_duration_comes_from_minutes_slot_or_nested_items() -> None:
    assert item(minutes=7).duration == 7
    assert item(slot=slot("10:00-10:45")).duration == 45
    nested = item(items=(item(minutes=5), item(minutes=15)))
    assert nested.duration == 20
    assert item().duration is None
    assert item(items=(item(minutes=5), item())).duration is None


def test_item_walk_is_depth_first() -> None:
    tree = item(
        "A",
        items=(item("A1", items=(item("A1a"),)), item("A2")),
    )
    assert [i.title for i in tree.walk()] == ["A", "A1", "A1a", "A2"]


def test_nested_items_must_add_up_to_the_parent() -> None:
    assert item(minutes=30, items=(item(minutes=10), item(minutes=20))).minutes == 30
    with pytest.raises(ModelError) as info:
        item(minutes=30, items=(item(minutes=20), item(minutes=20)))
    assert info.value.problems == (
        Problem(("items",), "durations add up to 40 min, expected 30 min"),
    )


def test_nested_items_with_unknown_durations_must_not_exceed_the_parent() -> None:
    # Partly known: fine while the known part fits.
    assert item(minutes=30, items=(item(minutes=20), item("Dialog"))).duration == 30
    with pytest.raises(ModelError) as info:
        item(minutes=30, items=(item(minutes=40), item("Dialog")))
    assert info.value.problems == (
        Problem(("items",), "durations add up to more than 30 min (40 min)"),
    )


def test_nested_slots_must_fit_the_parent_slot() -> None:
    parent = item(
        slot=slot("11:00-11:30"),
        items=(item(slot=slot("11:00-11:10")), item(slot=slot("11:10-11:30"))),
    )
    assert parent.duration == 30
    with pytest.raises(ModelError) as info:
        item(
            slot=slot("11:00-11:30"),
            items=(item(slot=slot("11:00-11:10")), item(slot=slot("11:20-11:40"))),
        )
    assert info.value.problems == (
        Problem(("items", 1, "slot"), "11.20-11.40 is outside 11.00-11.30"),
    )


def test_nested_slot_starting_before_the_parent_is_outside() -> None:
    with pytest.raises(ModelError) as info:
        item(minutes=30, slot=slot("11:00-11:30"), items=(item(slot=slot("10:50-11:10")),))
    assert Problem(("items", 0, "slot"), "10.50-11.10 is outside 11.00-11.30") in (
        info.value.problems
    )


def test_item_kind_label_is_danish() -> None:
    assert AgendaItemKind.BREAK.label == "Pause"
    assert AgendaItemKind.PLENARY_DIALOGUE.label == "Fælles dialog"
    assert AgendaItemKind.TALK.label == "Oplæg"
    assert all(kind.label != kind.value for kind in AgendaItemKind)


def test_labelled_enum_without_label_falls_back_to_the_value() -> None:
    class Colour(LabelledEnum):
        RED = "red"
        BLUE = "blue"

    Colour._labels = {"red": "rød"}
    assert Colour.RED.label == "rød"
    assert Colour.BLUE.label == "blue"


# -- Agenda ---------------------------------------------------------------------------------


def test_agenda_needs_an_item() -> None:
    with pytest.raises(ModelError) as info:
        Agenda(())
    assert info.value.problems == (Problem(("items",), "an agenda needs at least one item"),)


def test_agenda_minutes_must_be_positive() -> None:
    with pytest.raises(ModelError) as info:
        Agenda((item(),), minutes=0)
    assert info.value.problems == (Problem(("minutes",), "must be greater than 0, got 0"),)


def test_agenda_durations_must_add_up() -> None:
    programme = Agenda((item("Introduktion", minutes=10), item("Blok 1", minutes=140)), minutes=150)
    assert programme.duration == 150
    with pytest.raises(ModelError) as info:
        Agenda((item("Introduktion", minutes=10), item("Blok 1", minutes=130)), minutes=150)
    assert info.value.problems == (
        Problem(("items",), "durations add up to 140 min, expected 150 min"),
    )
    assert str(info.value) == (
        "invalid Agenda: items: durations add up to 140 min, expected 150 min"
    )


def test_agenda_duration_without_minutes_is_the_sum_or_unknown() -> None:
    assert Agenda((item(minutes=10), item(minutes=5))).duration == 15
    assert Agenda((item(minutes=10), item())).duration is None


def test_agenda_walk_includes_nested_items() -> None:
    agenda = Agenda((item("1", items=(item("1.1"), item("1.2"))), item("2")))
    assert [i.title for i in agenda.walk()] == ["1", "1.1", "1.2", "2"]


def test_agenda_slots_must_not_overlap() -> None:
    Agenda((item(slot=slot("11:05-11:15")), item(slot=slot("11:15-11:30"))))
    with pytest.raises(ModelError) as info:
        Agenda((item(slot=slot("11:05-11:15")), item(slot=slot("11:10-11:20"))))
    assert info.value.problems == (
        Problem(("items", 1, "slot"), "11.10-11.20 overlaps item 0 (11.05-11.15)"),
    )


def test_agenda_items_without_slots_are_skipped_when_checking_order() -> None:
    agenda = Agenda(
        (item(slot=slot("11:00-11:10")), item(minutes=5), item(slot=slot("11:15-11:20")))
    )
    assert agenda.duration == 20
    with pytest.raises(ModelError) as info:
        Agenda((item(slot=slot("11:00-11:10")), item(minutes=5), item(slot=slot("11:05-11:20"))))
    assert info.value.problems == (
        Problem(("items", 2, "slot"), "11.05-11.20 overlaps item 0 (11.00-11.10)"),
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("15:50-16:10", "15.50-16.10 is outside 16.00-16.30"),
        ("16:20-16:40", "16.20-16.40 is outside 16.00-16.30"),
    ],
)
def test_agenda_slot_must_fit_the_window(text: str, message: str) -> None:
    Agenda((item(slot=slot("16:00-16:30")),), minutes=30, start=dt.time(16, 0))
    with pytest.raises(ModelError) as info:
        Agenda((item(minutes=20, slot=slot(text)), item(minutes=10)), minutes=30, start=dt.time(16))
    assert info.value.problems == (Problem(("items", 0, "slot"), message),)


def test_agenda_window_needs_both_start_and_minutes() -> None:
    # Without a start there is no window to be outside of.
    assert Agenda((item(slot=slot("06:00-06:30")),), minutes=30).duration == 30
    assert Agenda((item(slot=slot("06:00-06:30")),), start=dt.time(16)).duration == 30


def test_agenda_item_numbers_must_be_unique_among_siblings() -> None:
    Agenda((item(number="1", items=(item(number="1"),)), item(number="2"), item()))
    with pytest.raises(ModelError) as info:
        Agenda((item(number="1"), item(number="2"), item(number="1"), item(number="1")))
    assert info.value.problems == (
        Problem(("items", 2, "number"), "duplicate item number '1' (also item 0)"),
        Problem(("items", 3, "number"), "duplicate item number '1' (also item 0)"),
    )


def test_agenda_reports_several_problems_at_once() -> None:
    with pytest.raises(ModelError) as info:
        Agenda(
            (item(slot=slot("16:00-16:20")), item(slot=slot("16:10-16:50"))),
            minutes=45,
            start=dt.time(16),
        )
    assert [str(p) for p in info.value.problems] == [
        "items: durations add up to 60 min, expected 45 min",
        "items[1].slot: 16.10-16.50 overlaps item 0 (16.00-16.20)",
        "items[1].slot: 16.10-16.50 is outside 16.00-16.45",
    ]


# -- Agenda.schedule ------------------------------------------------------------------------


def scheduled(agenda: Agenda, start: dt.time | None = None) -> dict[str, ScheduledItem]:
    return {entry.item.title: entry for entry in agenda.schedule(start)}


def placed(entry: ScheduledItem) -> tuple[int | None, int | None, bool, bool]:
    return entry.offset, entry.minutes, entry.approximate, entry.after_approximate


def test_schedule_shares_a_blocks_remaining_time_between_items_without_a_length() -> None:
    agenda = Agenda(
        (
            item("Velkomst", kind=AgendaItemKind.INTRODUCTION, minutes=10),
            item(
                "Blok",
                kind=AgendaItemKind.BLOCK,
                minutes=45,
                items=(
                    item("Data", kind=AgendaItemKind.DATA_REVIEW),
                    item("Oplæg", kind=AgendaItemKind.TALK, minutes=20),
                    item("Dialog", kind=AgendaItemKind.PLENARY_DIALOGUE),
                ),
            ),
            item(
                "Afslutning",
                kind=AgendaItemKind.BLOCK,
                minutes=15,
                items=(item("Opsamling", kind=AgendaItemKind.PLENARY_DIALOGUE),),
            ),
        ),
        minutes=70,
    )
    entries = agenda.schedule()
    assert [(entry.item.title, entry.depth) for entry in entries] == [
        ("Velkomst", 0),
        ("Blok", 0),
        ("Data", 1),
        ("Oplæg", 1),
        ("Dialog", 1),
        ("Afslutning", 0),
        ("Opsamling", 1),
    ]
    timed = scheduled(agenda)
    assert placed(timed["Blok"]) == (10, 45, False, False)
    assert placed(timed["Data"]) == (10, 13, True, False)  # 25 minutes shared: 13 and 12
    assert placed(timed["Oplæg"]) == (23, 20, False, True)  # its own length, a shared start
    assert placed(timed["Dialog"]) == (43, 12, True, True)
    assert placed(timed["Afslutning"]) == (55, 15, False, False)  # the block ends on time
    assert placed(timed["Opsamling"]) == (55, 15, False, False)  # alone: exactly the rest
    assert [title for title, entry in timed.items() if entry.exact] == [
        "Velkomst",
        "Blok",
        "Afslutning",
        "Opsamling",
    ]
    assert timed["Dialog"].parent is not None
    assert timed["Dialog"].parent.title == "Blok"
    assert timed["Blok"].parent is None
    start = dt.datetime(2027, 3, 11, 16, 0)
    assert timed["Dialog"].start(start) == dt.datetime(2027, 3, 11, 16, 43)
    assert timed["Dialog"].end(start) == dt.datetime(2027, 3, 11, 16, 55)
    assert timed["Dialog"].end(None) is None


def test_schedule_without_enough_time_to_share_leaves_lengths_and_later_starts_unknown() -> None:
    agenda = Agenda(
        (
            item(
                "Blok",
                kind=AgendaItemKind.BLOCK,
                minutes=21,
                items=(item("Oplæg", minutes=20), item("Data"), item("Dialog"), item("Efter")),
            ),
            item("Ukendt"),
            item("Pause", minutes=15),
        )
    )
    timed = scheduled(agenda)
    assert placed(timed["Data"]) == (20, None, False, False)  # 1 minute cannot be shared by 3
    assert placed(timed["Dialog"]) == (None, None, False, False)
    assert placed(timed["Ukendt"]) == (21, None, False, False)  # no agenda length to share
    assert placed(timed["Pause"]) == (None, 15, False, False)
    assert not timed["Pause"].exact
    assert timed["Pause"].start(dt.datetime(2027, 3, 11, 16)) is None


def test_schedule_starts_slotted_items_at_their_slot() -> None:
    agenda = Agenda(
        (
            item("Velkomst", minutes=10),
            item("Data"),
            item("Dialog"),
            item(
                "Frokost",
                slot=slot("12:00-12:30"),
                items=(item("Mad", minutes=20), item("Kaffe")),
            ),
            item("Afslutning", minutes=15),
        ),
        minutes=150,
        start=dt.time(11),
    )
    timed = scheduled(agenda)  # from the agenda's own start
    assert placed(timed["Data"]) == (10, 48, True, False)
    assert placed(timed["Frokost"]) == (60, 30, False, False)  # the slot, not 10 + 48 + 47
    assert placed(timed["Kaffe"]) == (80, 10, False, False)
    assert placed(timed["Afslutning"]) == (90, 15, False, False)
    assert timed["Afslutning"].exact
    later = scheduled(agenda, dt.time(11, 30))  # counted from another start
    assert (later["Frokost"].offset, later["Afslutning"].offset) == (30, 60)
    without_start = attrs.evolve(agenda, start=None)
    assert placed(scheduled(without_start)["Frokost"]) == (105, 30, False, True)


def test_schedule_marks_what_is_nested_in_or_after_an_estimate() -> None:
    agenda = Agenda(
        (
            item(
                "Blok",
                kind=AgendaItemKind.BLOCK,
                minutes=60,
                items=(
                    item("Data", items=(item("Spørgeskema", minutes=5), item("Ydelser"))),
                    item("Dialog", items=(item("Runde", minutes=10), item("Afrunding"))),
                ),
            ),
        )
    )
    timed = scheduled(agenda)
    assert placed(timed["Data"]) == (0, 30, True, False)
    assert placed(timed["Spørgeskema"]) == (0, 5, False, False)
    assert placed(timed["Ydelser"]) == (5, 25, True, False)  # the rest of an estimate
    assert placed(timed["Dialog"]) == (30, 30, True, True)
    assert placed(timed["Runde"]) == (30, 10, False, True)
    assert placed(timed["Afrunding"]) == (40, 20, True, True)
