"""Package parts added for the full akutfunktioner content: materials, contacts, checklists."""

from __future__ import annotations

import pytest

from klyngepakke.errors import ModelError, Problem
from klyngepakke.model import Material, Person, Phase, Role, Task


def problems(error: pytest.ExceptionInfo[ModelError]) -> list[Problem]:
    return list(error.value.problems)


def test_material_with_a_link() -> None:
    podcast = Material("Podcast om kommunale akutfunktioner", "https://podcasts.apple.com/dk/x")
    assert podcast.url.startswith("https://")


@pytest.mark.parametrize("url", ["kiap.dk", "https://kiap.dk/a b", "ftp://kiap.dk"])
def test_material_rejects_a_bad_link(url: str) -> None:
    with pytest.raises(ModelError) as error:
        Material("Podcast", url)
    assert problems(error) == [Problem(("url",), f"{url!r} is not an http(s) link")]


def test_material_needs_a_title() -> None:
    with pytest.raises(ModelError) as error:
        Material(" ")
    assert problems(error) == [Problem(("title",), "must not be empty, got ' '")]


@pytest.mark.parametrize("phone", ["7196 8844", "+45 71 96 88 44", "71-96-88-44"])
def test_person_phone_accepted(phone: str) -> None:
    assert Person("KiAP", phone=phone).phone == phone


@pytest.mark.parametrize("phone", ["ring", "12", "7196 8844\n"])
def test_person_phone_rejected(phone: str) -> None:
    with pytest.raises(ModelError) as error:
        Person("KiAP", phone=phone)
    assert problems(error) == [Problem(("phone",), f"{phone!r} does not look like a phone number")]


def test_task_checklist_points_must_have_text() -> None:
    task = Task("pre", "Formøde", Phase.BEFORE, Role.CHAIR, checklist=("Aftal referent",))
    assert task.checklist == ("Aftal referent",)
    with pytest.raises(ModelError) as error:
        Task("pre", "Formøde", Phase.BEFORE, Role.CHAIR, checklist=("Aftal referent", ""))
    assert problems(error) == [Problem(("checklist", 1), "must not be empty, got ''")]


def test_text_section_blocks_split_paragraphs_and_bullets() -> None:
    from klyngepakke.model import TextSection

    section = TextSection(
        "OK22",
        "Aftalen skal\nunderstøtte:\n- sammenhængende forløb\n  af høj kvalitet\n"
        "- lægefaglig backup\nEfter listen.\n\nNyt afsnit.\n\n- kun punkt",
    )
    assert section.blocks() == [
        "Aftalen skal understøtte:",
        ("sammenhængende forløb af høj kvalitet", "lægefaglig backup Efter listen."),
        "Nyt afsnit.",
        ("kun punkt",),
    ]
