"""Recommendations by actor: the model, the package's checks, ``shows`` and the file format."""

from __future__ import annotations

from pathlib import Path

import attrs
import pytest

from klyngepakke.cli import main
from klyngepakke.conversion import dump, dumps, loads
from klyngepakke.errors import DocumentError, ModelError, Problem
from klyngepakke.model import (
    ALL_RECOMMENDATIONS,
    Agenda,
    AgendaItem,
    AgendaItemKind,
    ClusterPackage,
    Question,
    QuestionKind,
    Questionnaire,
    Recommendation,
    Reference,
    Role,
    Section,
    group_recommendations,
    roles_label,
)

PRACTICE = Role.CLUSTER_MEMBERS
MUNICIPALITY = Role.MUNICIPALITY

SOFT = Recommendation(
    "soft", "Bruger SOFT til at få overblik over tilbuddene.", (PRACTICE,), "Tilbud", 1
)
ENTRY = Recommendation("indgang", "Tilstræber én kommunal indgang.", (MUNICIPALITY,), "Henvisning")
RECEIPT = Recommendation("kvittering", "Sender kvittering.", (MUNICIPALITY,), "Henvisning", 2)
CONTACT = Recommendation("kontakt", "Gør det nemt at komme i kontakt.", (PRACTICE, MUNICIPALITY))
OFFERS = Recommendation("tilbud_soft", "Opdaterer tilbuddene på SOFT.", (MUNICIPALITY,), "Tilbud")
ALL = (SOFT, ENTRY, RECEIPT, CONTACT, OFFERS)

QUESTIONNAIRE = Questionnaire(
    "q",
    "Spørgeskema",
    (Section("henvisning_data", "Henvisning", (Question("kanal", "Kanal?", QuestionKind.TEXT),)),),
)


def package(*shows: str, **kwargs: object) -> ClusterPackage:
    programme = Agenda(
        (
            AgendaItem("Introduktion", minutes=10),
            AgendaItem(
                "Anbefalingerne som tjekliste",
                AgendaItemKind.GROUP_WORK,
                minutes=20,
                shows=shows,
            ),
        ),
        minutes=30,
    )
    values: dict[str, object] = {
        "topic": "forebyggelse",
        "title": "Forebyggelsesforløb",
        "version": "1.0.0",
        "purpose": "Samarbejdet om forebyggelse.",
        "programme": programme,
        "references": (Reference("Samarbejde om forebyggelse"), Reference("SOFT")),
        "questionnaire": QUESTIONNAIRE,
        "recommendations": ALL,
    }
    values.update(kwargs)
    return ClusterPackage(**values)  # type: ignore[arg-type]


def problems(error: pytest.ExceptionInfo[ModelError]) -> list[str]:
    return [str(problem) for problem in error.value.problems]


# -- one recommendation ---------------------------------------------------------------------


def test_a_recommendation_says_what_and_who() -> None:
    assert CONTACT.responsible == (PRACTICE, MUNICIPALITY)
    assert CONTACT.responsible_label == "Klyngens medlemmer og kommunen"
    assert ENTRY.responsible_label == "Kommunen"
    assert CONTACT.is_for(MUNICIPALITY)
    assert not ENTRY.is_for(PRACTICE)
    assert (CONTACT.group, CONTACT.reference) == ("", None)


@pytest.mark.parametrize(
    ("roles", "label"),
    [
        ((), ""),
        ((Role.KIAP,), "KiAP"),
        ((Role.MUNICIPALITY, Role.KIAP), "Kommunen og KiAP"),
        (
            (Role.CLUSTER_COORDINATOR, Role.KIAP, Role.REGION),
            "Klyngekoordinator, KiAP og regionen",
        ),
        ((Role.PARTICIPANTS, Role.CHAIR), "Alle deltagere og mødeleder"),
    ],
)
def test_roles_label_joins_in_danish_keeping_names(roles: tuple[Role, ...], label: str) -> None:
    assert roles_label(roles) == label


def test_recommendation_checks_every_field() -> None:
    with pytest.raises(ModelError) as error:
        Recommendation("en kode", " ", (), group=" ", reference=0)
    assert problems(error) == [
        "id: 'en kode' is not a valid code (letters, digits, '_', '.', '-'; no spaces)",
        "text: must not be empty, got ' '",
        "responsible: needs at least one role",
        "group: must be a heading or left out, got ' '",
        "reference: must be greater than 0, got 0",
    ]


def test_recommendation_names_a_role_once() -> None:
    with pytest.raises(ModelError) as error:
        Recommendation("r", "Gør noget.", (PRACTICE, MUNICIPALITY, PRACTICE))
    assert error.value.problems == (
        Problem(("responsible", 2), "'cluster_members' is named twice"),
    )


def test_group_recommendations_keeps_first_appearance_order() -> None:
    assert group_recommendations(ALL) == (
        ("Tilbud", (SOFT, OFFERS)),
        ("Henvisning", (ENTRY, RECEIPT)),
        ("", (CONTACT,)),
    )
    assert group_recommendations(()) == ()


# -- in a package ---------------------------------------------------------------------------


def test_recommendations_for_a_role_include_shared_ones() -> None:
    pkg = package()
    assert pkg.recommendations_for(MUNICIPALITY) == (ENTRY, RECEIPT, CONTACT, OFFERS)
    assert pkg.recommendations_for(PRACTICE) == (SOFT, CONTACT)
    assert pkg.recommendations_for(Role.KIAP) == ()


def test_shown_recommendations_by_name() -> None:
    pkg = package()
    assert pkg.shown_recommendations(ALL_RECOMMENDATIONS) == ALL
    assert pkg.shown_recommendations("Henvisning") == (ENTRY, RECEIPT)
    assert pkg.shown_recommendations("henvisning_data") == ()
    assert pkg.shown_recommendations("") == ()  # ungrouped ones are not a group


def test_an_item_shows_all_recommendations_or_a_group() -> None:
    pkg = package("recommendations", "Tilbud", "henvisning_data")
    assert pkg.programme.items[1].shows == ("recommendations", "Tilbud", "henvisning_data")


def test_an_item_cannot_show_an_unknown_group() -> None:
    with pytest.raises(ModelError) as error:
        package("Afslutning")
    assert problems(error) == [
        "programme.items[1].shows[0]: 'Afslutning' is not a questionnaire section, a metric or "
        "a group of recommendations of the package "
        "['Henvisning', 'Tilbud', 'henvisning_data', 'recommendations']"
    ]


def test_an_item_cannot_show_recommendations_the_package_lacks() -> None:
    with pytest.raises(ModelError) as error:
        package("recommendations", recommendations=())
    assert problems(error) == [
        "programme.items[1].shows[0]: 'recommendations': the package has no recommendations to show"
    ]


def test_package_recommendation_ids_are_unique() -> None:
    again = Recommendation("soft", "Noget andet.", (MUNICIPALITY,))
    with pytest.raises(ModelError) as error:
        package(recommendations=(SOFT, ENTRY, again))
    assert problems(error) == [
        "recommendations[2].id: duplicate recommendation id 'soft' "
        "(first used at recommendations[0].id)"
    ]


def test_package_recommendation_reference_must_exist() -> None:
    third = Recommendation("r", "Gør noget.", (PRACTICE,), reference=3)
    with pytest.raises(ModelError) as error:
        package(recommendations=(SOFT, third))
    assert problems(error) == [
        "recommendations[1].reference: 3 is not one of the package's references (it has 2)"
    ]
    with pytest.raises(ModelError) as error:
        package(recommendations=(SOFT,), references=())
    assert problems(error) == [
        "recommendations[0].reference: 1 is not one of the package's references (it has 0)"
    ]


@pytest.mark.parametrize("group", ["henvisning_data", "recommendations"])
def test_a_group_cannot_share_a_name_with_what_else_an_item_shows(group: str) -> None:
    clash = (
        Recommendation("a", "Gør noget.", (PRACTICE,), group),
        Recommendation("b", "Gør mere.", (PRACTICE,), group),
    )
    with pytest.raises(ModelError) as error:
        package(recommendations=clash)
    assert problems(error) == [
        f"recommendations[0].group: {group!r} is also a questionnaire section, a metric or the "
        "name of all recommendations, so 'shows' could not tell them apart"
    ]


# -- in files -------------------------------------------------------------------------------

PACKAGE_YAML = """\
schema_version: 1
document: cluster_package
topic: forebyggelse
title: Forebyggelsesforløb
version: "1.0.0"
purpose: Samarbejdet om forebyggelse.
programme:
  minutes: 30
  items:
    - {title: Introduktion, minutes: 10}
    - {title: Anbefalingerne, kind: group_work, minutes: 20, shows: [recommendations]}
references:
  - title: Samarbejde om forebyggelse
recommendations:
  - id: soft
    text: Bruger SOFT til at få overblik over tilbuddene.
    responsible: [cluster_members]
    group: Tilbud
    reference: 1
  - id: kontakt
    text: Gør det nemt at komme i kontakt med hinanden.
    responsible: [cluster_members, municipality]
"""


def test_recommendations_load_and_round_trip() -> None:
    pkg = loads(PACKAGE_YAML, "yaml", ClusterPackage)
    assert [r.id for r in pkg.recommendations] == ["soft", "kontakt"]
    assert pkg.recommendations[1].responsible == (PRACTICE, MUNICIPALITY)
    assert pkg.recommendations[0].reference == 1
    assert loads(dumps(pkg, "json"), "json", ClusterPackage) == pkg
    written = dumps(pkg, "yaml")
    assert "group: Tilbud" in written
    assert "group: ''" not in written  # defaults are left out


def test_a_package_without_recommendations_writes_no_key() -> None:
    pkg = package(recommendations=())
    assert "recommendations" not in dumps(pkg, "yaml")


def test_file_problems_name_the_path() -> None:
    text = PACKAGE_YAML.replace("[cluster_members, municipality]", "[cluster_members, kommunen]")
    with pytest.raises(DocumentError) as error:
        loads(text, "yaml", ClusterPackage)
    (problem,) = error.value.problems
    assert problem.path == ("recommendations", 1, "responsible", 1)
    assert "'kommunen'" in problem.message
    assert "municipality" in problem.message


# -- klyngepakke show ---------------------------------------------------------------------------


def test_show_prints_recommendations_by_group(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = dump(package("recommendations"), tmp_path / "pakke.yaml")
    assert main(["show", str(path)]) == 0
    out = capsys.readouterr().out
    assert (
        "\nAnbefalinger (5)\n"
        "  Tilbud\n"
        "    □ Bruger SOFT til at få overblik over tilbuddene. (1) [Klyngens medlemmer]\n"
        "    □ Opdaterer tilbuddene på SOFT. [Kommunen]\n"
        "  Henvisning\n"
        "    □ Tilstræber én kommunal indgang. [Kommunen]\n"
        "    □ Sender kvittering. (2) [Kommunen]\n"
        "  □ Gør det nemt at komme i kontakt. [Klyngens medlemmer og kommunen]\n"
    ) in out


def test_show_names_one_shared_source_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shared = tuple(attrs.evolve(r, reference=1) for r in ALL)
    path = dump(package(recommendations=shared), tmp_path / "pakke.yaml")
    assert main(["show", str(path)]) == 0
    out = capsys.readouterr().out
    assert "\nAnbefalinger (5)\n  Kilde: Samarbejde om forebyggelse (1)\n  Tilbud\n" in out
    assert "    □ Bruger SOFT til at få overblik over tilbuddene. [Klyngens medlemmer]\n" in out


def test_show_prints_no_recommendations_heading_without_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = dump(package(recommendations=()), tmp_path / "pakke.yaml")
    assert main(["show", str(path)]) == 0
    assert "\nAnbefalinger" not in capsys.readouterr().out


def test_show_prints_an_items_description_and_case_presentation(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    case = AgendaItem(
        "Case: Albert",
        AgendaItemKind.GROUP_WORK,
        minutes=20,
        description="Drøft casen to og to.",
        case_presentation="Albert er 76 år og har KOL.",
        points=("Hvad ville I spørge om?",),
    )
    agenda = Agenda((AgendaItem("Blok 1", AgendaItemKind.BLOCK, minutes=20, items=(case,)),))
    path = dump(agenda, tmp_path / "dagsorden.yaml")
    assert main(["show", str(path)]) == 0
    assert (
        "    Case: Albert                                             20 min\n"
        "      Drøft casen to og to.\n"
        "      Albert er 76 år og har KOL.\n"
        "      - Hvad ville I spørge om?\n"
    ) in capsys.readouterr().out
