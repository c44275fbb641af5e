"""`klyngepakke show` prints every part of a package, in the order a reader meets them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from klyngepakke.cli import main
from klyngepakke.conversion import dump
from klyngepakke.model import (
    Agenda,
    AgendaItem,
    AgendaItemKind,
    BillingLimit,
    ClusterPackage,
    DataSource,
    DataSourceKind,
    Fee,
    LimitPeriod,
    Material,
    MetricDefinition,
    Person,
    Phase,
    Reference,
    RelativeDeadline,
    Role,
    Runbook,
    ServiceCode,
    Task,
    TextSection,
    TimeUnit,
)

FULL = ClusterPackage(
    "akut",
    "Kommunale akutfunktioner",
    "1.0.0",
    "Styrke samarbejdet mellem klynge og kommune.",
    Agenda(
        (
            AgendaItem("Introduktion", AgendaItemKind.INTRODUCTION, minutes=10),
            AgendaItem(
                "Blok 1: Akutfunktionen",
                AgendaItemKind.BLOCK,
                minutes=65,
                points=("Brug af ydelse 0124",),
                reflection_questions=("Hvad er nyt?",),
                items=(
                    AgendaItem("Oplæg fra kommunen", AgendaItemKind.TALK, presenter="Kommunen"),
                ),
            ),
        ),
        minutes=75,
    ),
    background=(TextSection("OK22", "Aftalen skal understøtte:\n- kvalitet\n- backup\n\nSlut."),),
    materials=(Material("Podcast", "https://podcasts.apple.com/dk/x"), Material("Drejebog")),
    data_sources=(
        DataSource(DataSourceKind.SERVICE_DATA, "Ydelsesdata", "Pr. 1000 gruppe 1-sikrede."),
        DataSource(DataSourceKind.QUESTIONNAIRE, "Spørgeskema"),
    ),
    service_codes=(
        ServiceCode(
            "0124",
            "Lægefaglig vurdering",
            fees=(Fee(Decimal("173.06"), dt.date(2024, 4, 1)),),
            limits=(BillingLimit(2, LimitPeriod.DAY),),
        ),
        ServiceCode("0125", "Uden honorar"),
    ),
    metrics=(MetricDefinition("rate", "0124 pr. 1000", ("0124",)),),
    runbook=Runbook(
        "Drejebog",
        (
            Task(
                "pre",
                "Hold formøde",
                Phase.BEFORE,
                Role.CHAIR,
                deadline=RelativeDeadline(-1, TimeUnit.WEEKS),
                checklist=("Aftal referent",),
            ),
        ),
    ),
    municipality_information=(
        TextSection("Hvorfor inviteres kommunen?", "For at styrke samarbejdet."),
    ),
    follow_up=(TextSection("Opsamling og opfølgning", "Bestil en opfølgning."),),
    references=(
        Reference("Kvalitetsstandarder", "Sundhedsstyrelsen, 2023", "https://www.sst.dk/x"),
        Reference("Uden link"),
    ),
    reviewers=(Person("Lise Dyhr", "praktiserende læge"), Person("Anonym")),
    reviewing_organisations=("Aalborg Kommune", "Odense Kommune"),
    contacts=(Person("KiAP", email="support@kiap.dk", phone="7196 8844"), Person("Konsulent")),
)


def test_show_prints_every_part_of_a_package(tmp_path, capsys):
    path = dump(FULL, tmp_path / "pakke.yaml")
    assert main(["show", str(path)]) == 0
    out = capsys.readouterr().out
    expected_in_order = [
        "Kommunale akutfunktioner\n",
        "Formål\n  Styrke samarbejdet mellem klynge og kommune.\n",
        "\nOK22\n  Aftalen skal understøtte:\n  • kvalitet\n  • backup\n\n  Slut.\n",
        "\nMateriale og support fra KiAP\n"
        "  • Podcast <https://podcasts.apple.com/dk/x>\n  • Drejebog\n",
        "\nDatakilder\n  • Ydelsesdata (Ydelsesdata)\n    Pr. 1000 gruppe 1-sikrede.\n"
        "  • Spørgeskema (Spørgeskemadata)\n",
        "\nYdelse 0124 – Lægefaglig vurdering: 173,06 kr. fra 1. april 2024; "
        "højst 2 gange pr. dag\n",
        "\nYdelse 0125 – Uden honorar\n",
        "  Opgørelse: 0124 pr. 1000 (ydelse 0124 pr. 1000 gruppe 1-sikrede, 12 måneder)\n",
        "Program (75 min)\n",
        "    - Brug af ydelse 0124\n",
        "    Oplæg fra kommunen [Kommunen]\n",
        "    Refleksionsspørgsmål:\n      ? Hvad er nyt?\n",
        "Drejebog: Drejebog (1 opgave)\n",
        "  Før mødet    1 uge før      Mødeleder            Hold formøde\n",
        "□ Aftal referent\n",
        "\nInformation til kommunen\n\nHvorfor inviteres kommunen?\n  For at styrke samarbejdet.\n",
        "\nOpsamling og opfølgning\n  Bestil en opfølgning.\n",
        "\nReferencer\n  1. Kvalitetsstandarder, Sundhedsstyrelsen, 2023\n     https://www.sst.dk/x\n"
        "  2. Uden link\n",
        "\nReview\n  • Lise Dyhr, praktiserende læge\n  • Anonym\n"
        "  Repræsentanter fra Aalborg Kommune, Odense Kommune\n",
        "\nKontakt\n  KiAP: support@kiap.dk, 7196 8844\n  Konsulent\n",
    ]
    position = 0
    for part in expected_in_order:
        found = out.find(part, position)
        assert found >= 0, part
        position = found + len(part)


def test_show_survives_a_closed_pipe(tmp_path, monkeypatch, capsys):
    path = dump(FULL, tmp_path / "pakke.yaml")

    def closed(*args, **kwargs):
        raise BrokenPipeError

    monkeypatch.setattr("klyngepakke.cli._show_package", closed)
    import os

    monkeypatch.setattr(os, "dup2", lambda *args: None)
    monkeypatch.setattr("sys.stdout.fileno", lambda: 1, raising=False)
    assert main(["show", str(path)]) == 1
    assert "Traceback" not in capsys.readouterr().err
