"""Invariants of programmes and agendas: timing, nesting, slots and numbering."""

from __future__ import annotations

import datetime as dt

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
