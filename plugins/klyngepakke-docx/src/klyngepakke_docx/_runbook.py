"""Document 2: the runbook (drejebog) with real dates for one meeting.

The runbook has a part for the cluster and a part for the municipality, each ordered before,
during and after the meeting, each task with its due date, owner and a tick box. A part holds
the tasks its party owns, the tasks every participant shares, and what KiAP (and the region)
does along the way, so each part reads as a complete timeline on its own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from klyngepakke.bundle import MeetingBundle
from klyngepakke.danish import format_date
from klyngepakke.model import Phase, Role
from klyngepakke.planning import PlannedTask, RunbookPlan
from klyngepakke_docx._common import meeting_when, set_bundle_header
from klyngepakke_docx._document import CHECKBOX, Cell, WordDocument

if TYPE_CHECKING:
    from docx.table import _Cell

__all__ = ["CLUSTER_OWNERS", "MUNICIPALITY_OWNERS", "write_runbook"]

SHARED_OWNERS = frozenset({Role.PARTICIPANTS, Role.KIAP, Role.REGION})
"""Owners whose tasks appear in both parts."""

CLUSTER_OWNERS = frozenset(
    {Role.CLUSTER_COORDINATOR, Role.CLUSTER_MEMBERS, Role.CHAIR, Role.MINUTE_TAKER} | SHARED_OWNERS
)
"""Owners whose tasks are in the cluster's part."""

MUNICIPALITY_OWNERS = frozenset({Role.MUNICIPALITY} | SHARED_OWNERS)
"""Owners whose tasks are in the municipality's part."""


def write_runbook(
    doc: WordDocument, plan: RunbookPlan, *, bundle: MeetingBundle | None = None
) -> None:
    """The dated runbook: the cluster's part and the municipality's part, phase by phase."""
    set_bundle_header(doc, plan.package_title, bundle)
    doc.set_properties(title=plan.runbook_title, subject="Drejebog", keywords=plan.topic)
    doc.title(plan.runbook_title, f"Mødet: {meeting_when(plan.meeting_start, plan.meeting_end)}")
    facts: list[tuple[str, Cell]] = [("Klyngepakke", plan.package_title)]
    meeting = bundle.meeting if bundle is not None else None
    if meeting is not None and meeting.place:
        facts.append(("Sted", meeting.place))
    if bundle is not None and bundle.cluster_name:
        facts.append(("Klynge", bundle.cluster_name))
    if bundle is not None and bundle.municipality_name:
        facts.append(("Kommune", bundle.municipality_name))
    if plan.ordered is not None:
        facts.append(("Pakken bestilt", format_date(plan.ordered, weekday=True)))
    doc.facts(facts, widths=(1, 3))
    runbook = bundle.package.runbook if bundle is not None else None
    if runbook is not None and runbook.introduction:
        doc.paragraphs(runbook.introduction)
    doc.paragraph(
        "Sæt kryds, når en opgave er klaret. Fristerne er regnet ud fra mødedatoen; en frist, "
        "der falder i en weekend eller på en helligdag, er flyttet til hverdagen før."
    )
    for warning in plan.warnings:
        doc.note(f"Bemærk: {warning}")
    doc.table_of_contents(levels=2)

    parts = (
        (
            "Klyngens opgaver",
            CLUSTER_OWNERS,
            "Her står klyngekoordinatorens, mødelederens, referentens og klyngemedlemmernes "
            "opgaver, det alle deltagere gør sammen, og det, KiAP gør undervejs.",
        ),
        (
            "Kommunens opgaver",
            MUNICIPALITY_OWNERS,
            "Her står kommunens opgaver, det alle deltagere gør sammen, og det, KiAP gør "
            "undervejs.",
        ),
    )
    for title, owners, introduction in parts:
        tasks = [planned for planned in plan.tasks if planned.task.owner in owners]
        if not tasks:
            continue
        doc.page_break()
        doc.heading(title, 1)
        doc.paragraph(introduction)
        for phase in Phase:
            in_phase = [planned for planned in plan.phase(phase) if planned in tasks]
            if not in_phase:
                continue
            doc.heading(phase.label, 2)
            doc.table(
                ("", "Frist", "Opgave", "Ansvarlig"),
                [_task_row(doc, planned) for planned in in_phase],
                widths=(0.9, 3.2, 10, 3.1),
                centre_columns=(0,),
            )


def _task_row(doc: WordDocument, planned: PlannedTask) -> tuple[Cell, Cell, Cell, Cell]:
    task = planned.task

    def due(cell: _Cell) -> None:
        if planned.due is None:
            doc.cell_text(cell, "Ingen frist", italic=True)
            return
        doc.cell_text(cell, format_date(planned.due, weekday=True))
        if task.deadline is not None:
            relative = (
                "på mødedagen" if task.deadline.offset == 0 else f"{task.deadline.label} mødet"
            )
            doc.cell_text(cell, f"({relative})", italic=True, new_paragraph=True)
        if planned.moved and planned.nominal is not None:
            doc.cell_text(
                cell,
                f"Flyttet fra {format_date(planned.nominal)} ({planned.moved_because})",
                italic=True,
                new_paragraph=True,
            )

    def what(cell: _Cell) -> None:
        doc.cell_text(cell, task.title, bold=True)
        if task.description:
            doc.cell_text(cell, task.description, new_paragraph=True)
        doc.cell_bullets(cell, task.checklist, marker=CHECKBOX)

    return (CHECKBOX, due, what, task.owner.label)
