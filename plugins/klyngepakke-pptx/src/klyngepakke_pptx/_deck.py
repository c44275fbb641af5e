"""The meeting deck: which slides, in which order, with what text and speaker notes.

The deck follows the package's programme: a title slide, the programme with clock times,
then every item in programme order (an introduction, a divider slide per block followed by
its items, the break), and after the last block the closing slides: a table of agreements to
fill in (hvad, hvem, hvornår), the runbook's tasks after the meeting and the package's advice
on following up. What the bundle lacks (:meth:`MeetingBundle.missing`) becomes a marked
placeholder slide where it would have been shown; gaps with no such place get one after the
programme. Data review slides come from :mod:`klyngepakke_pptx._results`.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Final

from klyngepakke.bundle import MeetingBundle
from klyngepakke.danish import format_date
from klyngepakke.exporters import option_flag
from klyngepakke.model import (
    ALL_RECOMMENDATIONS,
    AgendaItem,
    AgendaItemKind,
    ScheduledItem,
    TextSection,
    group_recommendations,
)
from klyngepakke.planning import RunbookPlan
from klyngepakke_pptx._format import clock, decimal
from klyngepakke_pptx._slides import (
    PLACEHOLDER_COLOUR,
    SlideMaker,
    TableColumn,
    body,
    bullet,
    heading,
)
from klyngepakke_pptx._text import Paragraph, clean_model

if TYPE_CHECKING:
    from pptx.presentation import Presentation

__all__ = ["Gaps", "build_deck", "write_deck"]

CHECKBOX: Final = "☐"
"""Before each recommendation: a box to tick in the meeting."""
OTHER_RECOMMENDATIONS: Final = "Øvrige anbefalinger"
"""The heading of recommendations without a group, listed after grouped ones."""
EMPTY_AGREEMENT_ROWS: Final = 5
AGREEMENT_ROW_HEIGHT: Final = 502920  # 0.55 in: room to write by hand or type


def write_deck(bundle: MeetingBundle, destination: Path, options: Mapping[str, str]) -> None:
    """Write the deck for ``bundle`` to ``destination`` (options as the exporter documents)."""
    template = options.get("template", "").strip()
    presentation = build_deck(
        bundle,
        template=Path(template).expanduser() if template else None,
        notes=option_flag(options, "notes", default=True),
    )
    buffer = io.BytesIO()
    presentation.save(buffer)
    destination.write_bytes(buffer.getvalue())


def build_deck(
    bundle: MeetingBundle, *, template: Path | None = None, notes: bool = True
) -> Presentation:
    """The deck for ``bundle`` as a python-pptx presentation (not yet saved).

    ``template``: a ``.pptx`` or ``.potx`` whose layouts and theme to use (the built-in one
    if ``None``). ``notes``: write speaker notes for the chair.
    """
    from klyngepakke_pptx._template import load_template

    bundle = clean_model(bundle, where="bundle")
    maker = SlideMaker(load_template(template), notes=notes, synthetic=bundle.is_synthetic)
    _Deck(bundle, maker).build()
    maker.finish()
    return maker.presentation


class Gaps:
    """What the bundle lacks, by the part of the deck that would show it.

    The sentences are :meth:`MeetingBundle.missing`'s own, grouped by what they are about:
    the survey, the metrics (service data, or the counts of whoever counts a metric's events:
    both ask for the cluster's key figures, "klyngens nøgletal"), the dated runbook, and
    everything else (the meeting).
    """

    def __init__(self, bundle: MeetingBundle) -> None:
        self.meeting: list[str] = []
        self.survey: list[str] = []
        self.metrics: list[str] = []
        self.plan: list[str] = []
        for sentence in bundle.missing():
            if sentence.startswith("Spørgeskema"):
                self.survey.append(sentence)
            elif sentence.startswith("Ydelsesdata") or "klyngens nøgletal" in sentence:
                self.metrics.append(sentence)
            elif sentence.startswith("Drejebog"):
                self.plan.append(sentence)
            else:
                self.meeting.append(sentence)


def timing_text(timed: ScheduledItem | None, start: dt.datetime | None) -> str:
    """The notes' first line: when the item runs and for how long."""
    if timed is None or timed.minutes is None:
        return "Tid: punktet har ingen fast tid i programmet."
    about = "ca. " if timed.approximate else ""
    begins, ends = timed.start(start), timed.end(start)
    if begins is not None and ends is not None:
        text = f"Tid: {about}kl. {clock(begins)}–{clock(ends)} ({about}{timed.minutes} min)."
    else:
        text = f"Varighed: {about}{timed.minutes} min."
    if timed.approximate:
        text += " (Et forslag: blokkens resterende tid er delt ligeligt mellem punkterne.)"
    return text


def time_span(timed: ScheduledItem, start: dt.datetime | None) -> str:
    """``16.10–17.15`` (``ca. …`` when approximate), or "" when unknown."""
    begins, ends = timed.start(start), timed.end(start)
    if begins is None or ends is None:
        return ""
    return f"{'ca. ' if timed.approximate else ''}{clock(begins)}–{clock(ends)}"


def minutes_text(timed: ScheduledItem) -> str:
    """``65 min`` (``ca. …`` when approximate), or "" when unknown."""
    if timed.minutes is None:
        return ""
    return f"{'ca. ' if timed.approximate else ''}{timed.minutes} min"


def section_paragraphs(sections: Sequence[TextSection]) -> list[Paragraph]:
    """Headed text sections as paragraphs: the heading in bold, bullets as bullets."""
    paragraphs = []
    for section in sections:
        paragraphs.append(heading(section.heading, space_before=14.0))
        for block in section.blocks():
            if isinstance(block, str):
                paragraphs.append(body(block))
            else:
                paragraphs += [bullet(item, space_before=4.0) for item in block]
    return paragraphs


class _Deck:
    """Builds one deck: keeps the bundle, the schedule and where the slides go."""

    def __init__(self, bundle: MeetingBundle, maker: SlideMaker) -> None:
        self.bundle = bundle
        self.maker = maker
        self.package = bundle.package
        self.meeting = bundle.meeting
        self.start = bundle.meeting.start if bundle.meeting is not None else None
        self.timed = self.package.programme.schedule(
            self.start.time() if self.start is not None else None
        )
        self.timing = {id(timed.item): timed for timed in self.timed}
        self.gaps = Gaps(bundle)
        questionnaire = self.package.questionnaire
        self.section_codes = (
            {section.code for section in questionnaire.sections} if questionnaire else set()
        )
        self.metric_ids = {metric.id for metric in self.package.metrics}
        shown = {name for item in self.package.programme.walk() for name in item.shows}
        self.shows_survey = bool(shown & self.section_codes)
        self.shows_metrics = bool(shown & self.metric_ids)

    def build(self) -> None:
        from klyngepakke_pptx._results import Results

        self.results = Results(self.bundle, self.maker)
        self.title_slide()
        if self.gaps.meeting:
            self.placeholder("Mangler: oplysninger om mødet", self.gaps.meeting, None)
        self.programme_slides()
        unplaced = [
            *(self.gaps.survey if not self.shows_survey else []),
            *(self.gaps.metrics if not self.shows_metrics else []),
        ]
        if unplaced:
            self.placeholder("Mangler: data til mødet", unplaced, None)
        blocks = [
            item for item in self.package.programme.items if item.kind is AgendaItemKind.BLOCK
        ]
        last = blocks[-1] if blocks else self.package.programme.items[-1]
        for item in self.package.programme.items:
            self.item_slides(item)
            if item is last:
                self.closing_slides(item)

    # -- the opening ----------------------------------------------------------------------

    def title_slide(self) -> None:
        package, bundle, meeting = self.package, self.bundle, self.meeting
        lines = []
        if package.subtitle:
            lines.append(body(package.subtitle, bold=True))
        names = " og ".join(
            name for name in (bundle.cluster_name, bundle.municipality_name) if name
        )
        lines.append(body(f"Klyngemøde for {names}" if names else "Klyngemøde"))
        if meeting is not None:
            lines.append(body(_when(meeting.start, meeting.end)))
            if meeting.place:
                lines.append(body(meeting.place))
        else:
            lines.append(body("Dato, tid og sted mangler", colour=PLACEHOLDER_COLOUR, bold=True))
        notes = [
            self.meeting_timing(),
            *(line.text for line in lines[1 if package.subtitle else 0 :]),
            "Byd velkommen, og lad deltagerne fra klyngen og fra kommunen præsentere sig kort.",
        ]
        chair, minute_taker = self.roles()
        if chair or minute_taker:
            notes.append(
                f"Mødeleder: {chair or 'ikke angivet'}. Referent: {minute_taker or 'ikke angivet'}"
                ". Fortæl, at referenten skriver aftalerne ned, så I kan samle op i blok 3."
            )
        else:
            notes.append("Udpeg en referent ved mødets start, så aftalerne bliver skrevet ned.")
        if bundle.is_synthetic:
            notes.append(
                "Præsentationen er lavet af syntetiske data til afprøvning: tallene handler "
                "ikke om rigtige praksis eller personer."
            )
        self.maker.title_slide(package.title, lines, notes)

    def meeting_timing(self) -> str:
        minutes = self.package.meeting_minutes
        if self.meeting is None:
            return f"Mødet varer {minutes} minutter. Dato og starttidspunkt mangler."
        when = _when(self.meeting.start, self.meeting.end, capitalised=False)
        return f"Mødet varer {minutes} minutter: {when}."

    def roles(self) -> tuple[str, str]:
        """The chair's and the minute-taker's names ("" when not given)."""
        chair = minute_taker = ""
        if self.meeting is not None:
            for participant in self.meeting.participants():
                role = participant.role.strip().casefold()
                if role in ("ordstyrer", "mødeleder") and not chair:
                    chair = participant.person.name
                elif role == "referent" and not minute_taker:
                    minute_taker = participant.person.name
        return chair, minute_taker

    def programme_slides(self) -> None:
        rows: list[tuple[str, ...]] = []
        estimated = False
        for timed in self.timed:
            if timed.depth:
                continue
            item = timed.item
            text = item.title
            if item.items:
                text += "\n" + " · ".join(child.title for child in item.items)
            if self.start is None:  # no clock times: no column for them
                rows.append((text, minutes_text(timed)))
            else:
                rows.append((time_span(timed, self.start), text, minutes_text(timed)))
            estimated |= timed.approximate
        notes = [
            self.meeting_timing(),
            "Gennemgå programmet kort, så alle ved, hvornår der er pause, og at mødet slutter "
            "med konkrete aftaler om, hvem der gør hvad.",
        ]
        breaks = [t for t in self.timed if t.item.kind is AgendaItemKind.BREAK]
        for timed in breaks:
            span = time_span(timed, self.start)
            if span:
                notes.append(f"Pause kl. {span}.")
        if estimated:
            notes.append("Tider med ca. er et forslag: programmet giver ikke punktet en fast tid.")
        if self.start is None:
            notes.append("Klokkeslættene kommer med, når mødets dato og starttidspunkt er angivet.")
        columns: tuple[TableColumn, ...] = (
            TableColumn("Tid", 0.17),
            TableColumn("Punkt", 0.68),
            TableColumn("Varighed", 0.15),
        )
        if self.start is None:
            columns = columns[1:]
        self.maker.table_slides(
            "Program", columns, rows, notes, headline_rows=frozenset(range(len(rows)))
        )

    # -- the programme's items -----------------------------------------------------------

    def item_slides(self, item: AgendaItem) -> None:
        timed = self.timing.get(id(item))
        kind = item.kind
        if kind is AgendaItemKind.BLOCK:
            self.block_slides(item, timed)
        elif kind is AgendaItemKind.DATA_REVIEW:
            self.data_review_slides(item, timed)
        elif kind is AgendaItemKind.TALK:
            self.talk_slide(item, timed)
        elif kind is AgendaItemKind.PLENARY_DIALOGUE:
            self.dialogue_slides(item, timed)
        elif kind is AgendaItemKind.GROUP_WORK:
            self.group_work_slide(item, timed)
        elif kind is AgendaItemKind.BREAK:
            self.break_slide(item, timed)
        elif kind is AgendaItemKind.INTRODUCTION:
            self.introduction_slides(item, timed)
        else:
            self.other_slides(item, timed)
        for name in item.shows:
            if self.package.shown_recommendations(name):
                self.recommendation_slides(item, name, timed)
        for child in item.items:
            self.item_slides(child)

    def block_slides(self, block: AgendaItem, timed: ScheduledItem | None) -> None:
        paragraphs = []
        if timed is not None and (span := time_span(timed, self.start)):
            paragraphs.append(body(f"Kl. {span} · {minutes_text(timed)}", bold=True))
        elif timed is not None and timed.minutes is not None:
            paragraphs.append(body(minutes_text(timed), bold=True))
        for child in block.items:
            child_timed = self.timing.get(id(child))
            span = time_span(child_timed, self.start) if child_timed else ""
            paragraphs.append(bullet(f"{span}: {child.title}" if span else child.title))
        notes = [timing_text(timed, self.start)]
        if block.description:
            notes.append(block.description)
        if block.items:
            notes.append("I blokken: " + "; ".join(child.title for child in block.items) + ".")
        if block.reflection_questions:
            notes.append(
                f"Blokken har {len(block.reflection_questions)} refleksionsspørgsmål til den "
                "fælles dialog. Hold øje med tiden, så der er plads til dialogen til sidst."
            )
        self.maker.section_slide(block.title, paragraphs, notes)

    def data_review_slides(self, item: AgendaItem, timed: ScheduledItem | None) -> None:
        notes = [timing_text(timed, self.start)]
        if item.points:
            notes.append("Pointer fra programmet: " + "; ".join(item.points) + ".")
        if not any(name in self.section_codes or name in self.metric_ids for name in item.shows):
            self.other_slides(item, timed)  # nothing to chart (recommendations come after)
            return
        before = self.maker.slide_count
        for name in item.shows:
            if name in self.section_codes:
                self.results.survey_section(name, notes, self.gaps.survey)
            elif name in self.metric_ids:
                self.results.metric(name, notes, self.gaps.metrics)
        slides = self.maker.slides_since(before)
        if len(slides) > 1 and timed is not None and timed.minutes is not None:
            places = 1 if timed.minutes < 3 * len(slides) else 0
            each = decimal(timed.minutes / len(slides), places)
            self.maker.add_to_notes(
                slides,
                f"Punktet „{item.title}“ har {len(slides)} slides, ca. {each} min pr. slide: "
                "vælg de vigtigste at tale ud fra, hvis tiden er knap.",
            )

    def talk_slide(self, item: AgendaItem, timed: ScheduledItem | None) -> None:
        presenter = self.presenter(item.presenter)
        paragraphs = []
        if presenter:
            paragraphs.append(body(f"Oplægsholder: {presenter}", bold=True))
        paragraphs.append(
            body(
                "Forslag til indhold – erstat sliden med oplæggets egne slides, eller brug "
                "punkterne som huskeliste:",
                colour=PLACEHOLDER_COLOUR,
                bold=True,
            )
        )
        if item.description:
            paragraphs.append(body(item.description))
        paragraphs += [bullet(point) for point in item.points]
        notes = [
            timing_text(timed, self.start),
            f"{presenter or 'Oplægsholderen'} holder oplægget. Sliden er et forslag til "
            "indhold fra klyngepakken, ikke oplægget selv: erstat den med oplæggets egne "
            "slides, eller brug punkterne som huskeliste.",
            "Hold tiden, og gem spørgsmål og kommentarer til den fælles dialog.",
        ]
        self.maker.content_slides(item.title, paragraphs, notes, marked=True)

    def dialogue_slides(self, item: AgendaItem, timed: ScheduledItem | None) -> None:
        parent = self.enclosing_block(timed)
        questions = item.reflection_questions or (parent.reflection_questions if parent else ())
        paragraphs = [body(point, bold=True) for point in item.points]
        if questions:
            paragraphs.append(body("Refleksionsspørgsmål:", italic=True, keep_with_next=True))
            paragraphs += [bullet(question, space_before=6.0) for question in questions]
        notes = [
            timing_text(timed, self.start),
            "Sådan kan du lede dialogen: Læs spørgsmålene op, og giv deltagerne et øjeblik til "
            "at tænke. Lad både klyngen og kommunen komme til orde, gerne på skift, og spørg "
            "dem, der ikke har sagt noget endnu. I behøver ikke nå alle spørgsmål.",
            "Bed referenten skrive forslag og aftaler ned, og slut med at opsummere, hvad I "
            "tager med videre.",
        ]
        if parent is not None and self._is_last_block(parent):
            notes.append(
                "Det er mødets sidste dialog: sørg for, at den ender i konkrete aftaler om, hvad "
                "der skal ske, hvem der gør det, og hvornår. Skriv dem i tabellen på næste slide."
            )
        self.maker.content_slides(item.title, paragraphs, notes)

    def group_work_slide(self, item: AgendaItem, timed: ScheduledItem | None) -> None:
        paragraphs = []
        if item.description:
            paragraphs.append(body(item.description, bold=True))
        if timed is not None and timed.minutes is not None:
            paragraphs.append(body(f"Tid: {minutes_text(timed)}"))
        paragraphs += [bullet(point) for point in item.points]
        if not paragraphs:
            paragraphs.append(body("Drøft det, I har hørt, i små grupper."))
        notes = [
            timing_text(timed, self.start),
            "Sæt gruppearbejdet i gang, og sig, hvor lang tid der er. Gå rundt og lyt med. "
            "Saml kort op i plenum bagefter: bed et par grupper om at fortælle, hvad de talte om.",
        ]
        self.maker.content_slides(item.title, paragraphs, notes)

    def break_slide(self, item: AgendaItem, timed: ScheduledItem | None) -> None:
        paragraphs = []
        ends = timed.end(self.start) if timed is not None else None
        if ends is not None:
            about = "ca. " if timed is not None and timed.approximate else ""
            paragraphs.append(body(f"Vi fortsætter {about}kl. {clock(ends)}.", bold=True))
        elif timed is not None and timed.minutes is not None:
            paragraphs.append(body(f"{minutes_text(timed)} pause.", bold=True))
        if item.description:
            paragraphs.append(body(item.description))
        notes = [
            timing_text(timed, self.start),
            "Sig, hvornår I fortsætter, og start til tiden.",
        ]
        self.maker.section_slide(item.title, paragraphs, notes)

    def introduction_slides(self, item: AgendaItem, timed: ScheduledItem | None) -> None:
        paragraphs = []
        if item.description:
            paragraphs.append(body(item.description, bold=True))
        paragraphs += [bullet(point) for point in item.points]
        paragraphs.append(heading("Formålet med mødet", space_before=14.0))
        paragraphs.append(body(self.package.purpose))
        chair, minute_taker = self.roles()
        if chair or minute_taker:
            roles = [
                f"Mødeleder: {chair}" if chair else "",
                f"Referent: {minute_taker}" if minute_taker else "",
            ]
            paragraphs.append(body(" · ".join(role for role in roles if role), space_before=14.0))
        notes = [
            timing_text(timed, self.start),
            "Fortæl kort om emnet og om formålet med mødet, og om hvordan programmet er bygget "
            "op: hver blok slutter med en fælles dialog, og i den sidste blok aftaler I, hvem "
            "der gør hvad.",
        ]
        if not minute_taker:
            notes.append("Udpeg en referent nu, hvis det ikke er sket.")
        self.maker.content_slides(item.title, paragraphs, notes)

    def other_slides(self, item: AgendaItem, timed: ScheduledItem | None) -> None:
        paragraphs = []
        if item.presenter:
            paragraphs.append(body(f"Ansvarlig: {self.presenter(item.presenter)}", bold=True))
        if item.description:
            paragraphs.append(body(item.description))
        paragraphs += [bullet(point) for point in item.points]
        paragraphs += [bullet(question) for question in item.reflection_questions]
        notes = [timing_text(timed, self.start)]
        if item.case_presentation:
            notes.append(item.case_presentation)
        self.maker.content_slides(item.title, paragraphs, notes)

    def recommendation_slides(
        self, item: AgendaItem, name: str, timed: ScheduledItem | None
    ) -> None:
        """The recommendations ``name`` presents as a checklist: ☐, the action, who."""
        recommendations = self.package.shown_recommendations(name)
        title = item.title if name == ALL_RECOMMENDATIONS else name
        rows: list[tuple[str, str, str]] = []
        groups: set[int] = set()
        for group, members in group_recommendations(recommendations):
            heading = group or (OTHER_RECOMMENDATIONS if rows else "")
            if heading and heading != title:  # the ungrouped ones apart from the last group
                groups.add(len(rows))
                rows.append(("", heading, ""))
            rows += [(CHECKBOX, r.text, r.responsible_label) for r in members]
        notes = [
            timing_text(timed, self.start),
            "Gå anbefalingerne igennem: hvad er på plads, og hvad vil I arbejde med? Tjeklisten "
            "kan printes fra Word (document=recommendations).",
        ]
        columns = (
            TableColumn("", 0.06),
            TableColumn("Anbefaling", 0.66),
            TableColumn("Hvem", 0.28),
        )
        self.maker.table_slides(title, columns, rows, notes, group_rows=frozenset(groups))

    # -- the close ------------------------------------------------------------------------

    def closing_slides(self, last: AgendaItem) -> None:
        timed = self.timing.get(id(last))
        timing = timing_text(timed, self.start)
        self.agreements_slide(timing)
        self.after_meeting_slides(timing)
        if self.package.follow_up:
            notes = [
                timing,
                "KiAP's råd om at følge op på mødet. Brug dem, når I aftaler, hvordan og hvornår "
                "I følger op – fx et opfølgende møde, KLU eller en opfølgningspakke fra KiAP.",
            ]
            self.maker.content_slides(
                "Opfølgning", section_paragraphs(self.package.follow_up), notes
            )

    def agreements_slide(self, timing: str) -> None:
        rows: list[tuple[str, str, str]] = []
        if self.meeting is not None:
            for action in self.meeting.action_items:
                due = format_date(action.due) if action.due is not None else ""
                rows.append((action.what, action.owner, due))
        rows += [("", "", "")] * max(EMPTY_AGREEMENT_ROWS - len(rows), 2)
        notes = [
            timing,
            "Skriv aftalerne i tabellen sammen med deltagerne, eller lad referenten gøre det "
            "direkte i sliden. Hver aftale skal have en ansvarlig (hvem) og en dato (hvornår).",
            "Aftal også, om noget skal videre til KLU, og hvornår I mødes igen for at følge op.",
        ]
        columns = (
            TableColumn("Hvad", 0.56),
            TableColumn("Hvem", 0.24),
            TableColumn("Hvornår", 0.2),
        )
        self.maker.table_slides(
            "Aftaler: hvad, hvem og hvornår",
            columns,
            rows,
            notes,
            empty_row_height=AGREEMENT_ROW_HEIGHT,
        )

    def after_meeting_slides(self, timing: str) -> None:
        plan: RunbookPlan | None = self.bundle.plan
        if plan is None:
            if self.gaps.plan:
                self.placeholder("Mangler: opgaver efter mødet", self.gaps.plan, timing)
            return
        from klyngepakke.model import Phase

        rows = [
            (format_date(task.due) if task.due else "", task.task.owner.label, task.task.title)
            for task in plan.tasks
            if task.task.phase is Phase.AFTER
        ]
        if not rows:
            return
        notes = [
            timing,
            "Opgaverne efter mødet fra drejebogen, med datoer regnet fra mødedagen. Gennemgå "
            "dem kort, så alle ved, hvad der sker bagefter, og hvem der har ansvaret.",
        ]
        columns = (
            TableColumn("Hvornår", 0.22),
            TableColumn("Hvem", 0.23),
            TableColumn("Hvad", 0.55),
        )
        self.maker.table_slides("Efter mødet", columns, rows, notes)

    # -- helpers --------------------------------------------------------------------------

    def placeholder(self, title: str, sentences: Sequence[str], timing: str | None) -> None:
        """A marked slide saying what is missing and what to supply."""
        self.maker.placeholder_slides(title, sentences, [timing] if timing else [])

    def presenter(self, presenter: str) -> str:
        """The presenter, with "Kommunen" replaced by the municipality's name when known."""
        if (
            presenter.strip().casefold() in ("kommunen", "kommune")
            and self.bundle.municipality_name
        ):
            return self.bundle.municipality_name
        return presenter

    def enclosing_block(self, timed: ScheduledItem | None) -> AgendaItem | None:
        """The block an item is in (at any depth), else its top-level item, if nested."""
        parent = timed.parent if timed is not None else None
        while parent is not None and parent.kind is not AgendaItemKind.BLOCK:
            above = self.timing[id(parent)].parent
            if above is None:
                break
            parent = above
        return parent

    def _is_last_block(self, block: AgendaItem) -> bool:
        blocks = [
            item for item in self.package.programme.items if item.kind is AgendaItemKind.BLOCK
        ]
        return bool(blocks) and blocks[-1] is block


def _when(start: dt.datetime, end: dt.datetime, *, capitalised: bool = True) -> str:
    day = format_date(start.date(), weekday=True)
    day = day[0].upper() + day[1:] if capitalised else day
    return f"{day} kl. {clock(start)}–{clock(end)}"
