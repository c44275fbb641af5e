"""Document 6: the results report, for those who prefer reading to slides.

The questionnaire's results as one table per section: each question with its number of
answers, then its options with count and share (and, at a follow-up, the baseline share and
the change in percentage points), scale means, number summaries and free-text answers. Then
the service data as the cluster may see it (pseudonymised practices, small counts hidden):
the practices, the cluster against its region and the whole country, the change since the
baseline, and the notes on what is hidden and why. What the bundle lacks is a marked
placeholder telling what to supply; a synthetic bundle says so on every page.

A metric that counts events rather than fee-schedule services (referrals a municipality
counts, say) is worded as such: the chapter is named after who counts them ("Kommunens
tal"), the counts are "Antal" with the event named above the tables, and nothing speaks of
services or fees. A metric compared by municipality shows the municipality beside the
cluster, region and country, and measures changes against it ("I forhold til kommunen").

The wording and number formats are those of :func:`klyngepakke.survey_results.render_results`
and of ``klyngepakke metrics compute``, so the report, the terminal and the slides agree: the
numbers are formatted by :mod:`klyngepakke.danish` (half-up rounding, decimal comma, thousands
full stop), the survey's response lines by :func:`~klyngepakke.survey_results.response_lines`
and :func:`~klyngepakke.survey_results.answered_text`, and the notes come from the metrics
themselves.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Final, NamedTuple

from docx.oxml.ns import qn
from docx.shared import Pt

from klyngepakke.bundle import MeetingBundle
from klyngepakke.danish import (
    NO_VALUE,
    format_count,
    format_date,
    format_decimal,
    format_number,
    format_percent,
    format_points,
    format_signed,
)
from klyngepakke.metrics.privacy import HIDDEN_MARK
from klyngepakke.metrics.results import (
    ClusterView,
    GroupLevel,
    Period,
    ShownChange,
    ShownGroup,
)
from klyngepakke.model import ClusterPackage, CountedEvent, MetricDefinition, ReferenceLevel
from klyngepakke.survey_results import (
    OptionChange,
    Presence,
    QuestionChange,
    QuestionResult,
    answered_text,
    response_lines,
)
from klyngepakke_docx._common import meeting_when, set_bundle_header
from klyngepakke_docx._document import (
    SYNTHETIC_COLOUR,
    SYNTHETIC_MARK,
    Cell,
    WordDocument,
    keep_with_next,
    merge_row,
    shade_cell,
    table_rows,
)

if TYPE_CHECKING:
    from docx.table import Table, _Cell

__all__ = ["write_results"]

_QUESTION_FILL: Final = "DEEAF6"
_SYNTHETIC_NOTICE: Final = (
    "Tallene i rapporten er lavet til afprøvning og demonstration. De handler ikke om rigtige "
    "praksis, patienter eller personer."
)


class _Counted(NamedTuple):
    """How the report names what its metric counts: fee-schedule services or other events."""

    data: str
    """The chapter and fact naming the data: "Ydelsesdata", or "Kommunens tal" for events."""
    column: str
    """The count's column header: "Ydelser", or "Antal" for events."""
    events: tuple[CountedEvent, ...] = ()
    """The events counted (none for services)."""


_SERVICES: Final = _Counted("Ydelsesdata", "Ydelser")


def _counted(package: ClusterPackage, metric_id: str | None = None) -> _Counted:
    """What the metric ``metric_id`` (default: the package's first) counts, as the report says it.

    A view of a metric the package does not define is worded as services.
    """
    metric: MetricDefinition | None = next(
        (m for m in package.metrics if metric_id is None or m.id == metric_id), None
    )
    if metric is None or not metric.counts_events:
        return _SERVICES
    events = tuple(package.counted_event(code) for code in metric.counted_events)
    sources = " og ".join(dict.fromkeys(_genitive(event.counted_by) for event in events))
    return _Counted(f"{sources} tal", "Antal", events)


def _genitive(name: str) -> str:
    """Danish genitive: "Kommunen" → "Kommunens", "Region Hovedstaden" → "… Hovedstadens"."""
    return f"{name}'" if name.endswith(("s", "x", "z")) else f"{name}s"


def _in_sentence(text: str) -> str:
    """A name inside a sentence: "Kommunens tal" → "kommunens tal"; "MedCom" stays."""
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text


def write_results(doc: WordDocument, bundle: MeetingBundle) -> None:
    """The results report of ``bundle``: questionnaire and service-data results as tables."""
    package = bundle.package
    counted = _counted(package, bundle.metrics.metric_id if bundle.metrics else None)
    title = f"Resultater: {package.title}"
    set_bundle_header(doc, title, bundle)
    doc.set_properties(title=title, subject="Resultatrapport", keywords=package.topic)
    subtitle = " · ".join(
        part
        for part in (
            bundle.cluster_name,
            format_date(bundle.meeting.start.date()) if bundle.meeting is not None else "",
        )
        if part
    )
    doc.title(title, subtitle or f"Spørgeskema og {_in_sentence(counted.data)}")
    if bundle.is_synthetic:
        notice = doc.paragraph()
        doc.add_text(notice, f"{SYNTHETIC_MARK}: ", bold=True, colour=SYNTHETIC_COLOUR)
        doc.add_text(notice, _SYNTHETIC_NOTICE)
    doc.facts(_facts(doc, bundle, counted), widths=(1, 3))
    doc.table_of_contents(levels=2)
    _survey(doc, bundle)
    _service_data(doc, bundle, counted)


def _missing(doc: WordDocument, what: str) -> Cell:
    def fill(cell: _Cell) -> None:
        doc.missing(what, cell.paragraphs[0])

    return fill


def _facts(doc: WordDocument, bundle: MeetingBundle, counted: _Counted) -> list[tuple[str, Cell]]:
    package = bundle.package
    facts: list[tuple[str, Cell]] = [
        ("Klyngepakke", f"{package.title} (version {package.version})")
    ]
    facts.append(("Klynge", bundle.cluster_name or _missing(doc, "klyngens navn")))
    if bundle.municipality_name:
        facts.append(("Kommune", bundle.municipality_name))
    if bundle.meeting is not None:
        facts.append(("Møde", meeting_when(bundle.meeting.start, bundle.meeting.end)))
    if bundle.survey is not None:
        survey = bundle.survey
        facts.append(("Spørgeskema", f"{survey.title} (version {survey.version})"))
    if bundle.metrics is not None:
        view = bundle.metrics
        facts.append((counted.data, f"{view.metric_title}, {_period_text(view.period)}"))
    return facts


def _period_text(period: Period) -> str:
    return f"{format_date(period.start)} – {format_date(period.end)}"


# -- questionnaire --------------------------------------------------------------------------


def _survey(doc: WordDocument, bundle: MeetingBundle) -> None:
    doc.heading("Spørgeskema", 1)
    results = bundle.survey
    if results is None:
        if bundle.package.questionnaire is None:
            doc.paragraph("Klyngepakken har ikke noget spørgeskema.")
        else:
            doc.missing(
                "spørgeskemaresultater. Opgør klyngens besvarelser (klyngepakke survey results "
                "… --json) og læg dem i mødets bundt (klyngepakke bundle … --survey FIL)"
            )
        return
    comparison = bundle.survey_comparison
    lines = response_lines(results, comparison)
    lines.append("Procenter er af dem, der fik spørgsmålet.")
    if comparison is not None:
        lines.append(
            "Ændringen er forskellen mellem andelen nu og i baseline, i procentpoint (pp)."
        )
    for line in lines:
        doc.format_paragraph(doc.paragraph(line), space_after=Pt(0))
    doc.paragraph()
    warnings = [*results.warnings]
    if comparison is not None:
        warnings += [*comparison.warnings]
        warnings += [f"Baseline: {warning}" for warning in comparison.baseline.warnings]
    if warnings:
        doc.format_paragraph(doc.paragraph("Bemærk:", bold=True), keep_with_next=True)
        doc.bullets(warnings)
    changes = {change.code: change for change in comparison.questions} if comparison else {}
    for section in results.sections:
        doc.heading(section.title, 2)
        _section_table(doc, section.questions, changes, comparison is not None)
    if comparison is not None:
        removed = [q for q in comparison.questions if q.presence is Presence.REMOVED]
        if removed:
            doc.heading("Spørgsmål, der kun var med i baseline", 2)
            gone = [comparison.baseline.question(question.code) for question in removed]
            _section_table(doc, gone, {}, False)


class _Kind(enum.Enum):
    """What a row of a section table holds, which decides its look and page breaks."""

    QUESTION = "question"  # spans the table, shaded; stays with the question's first row
    VALUES = "values"  # an option or a scale mean, one value per column
    SUMMARY = "summary"  # spans the table: a number question's summary
    ANSWER = "answer"  # spans the table: one free-text answer (these may break across pages)


_Row = tuple[Sequence[Cell], _Kind]
_SPANNING: Final = (_Kind.QUESTION, _Kind.SUMMARY, _Kind.ANSWER)
_KEPT: Final = (_Kind.VALUES, _Kind.SUMMARY)


def _section_table(
    doc: WordDocument,
    questions: Iterable[QuestionResult],
    changes: dict[str, QuestionChange],
    with_baseline: bool,
) -> None:
    header: tuple[str, ...] = ("Spørgsmål og svar", "Antal", "Andel")
    widths: tuple[float, ...] = (5.2, 0.9, 0.9)
    if with_baseline:
        header += ("Baseline", "Ændring")
        widths = (4.4, 0.8, 0.8, 0.9, 0.9)
    rows: list[_Row] = []
    for question in questions:
        rows += _question_rows(doc, question, changes.get(question.code), len(header))
    table = doc.table(
        header, [cells for cells, _ in rows], widths=widths, centre_columns=range(1, len(header))
    )
    _no_banding(table)
    kinds = [kind for _, kind in rows]
    for index, (row, kind) in enumerate(zip(table_rows(table)[1:], kinds, strict=True)):
        if kind in _SPANNING:
            # The first column is not centred, so the spanning cell is aligned left.
            merged = merge_row(table, row)
            if kind is _Kind.QUESTION:
                shade_cell(merged, _QUESTION_FILL)
        following = kinds[index + 1] if index + 1 < len(kinds) else None
        # A question stays on the page with its options and mean; long free-text answers may
        # run on over pages, but not leave the question behind on its own.
        if kind is _Kind.QUESTION or (kind in _KEPT and following in _KEPT):
            keep_with_next(row)


def _question_rows(
    doc: WordDocument, question: QuestionResult, change: QuestionChange | None, columns: int
) -> list[_Row]:
    def spanning(fill: Cell, kind: _Kind) -> _Row:
        return ((fill, *([""] * (columns - 1))), kind)

    rows = [spanning(_question_cell(doc, question, change), _Kind.QUESTION)]
    with_baseline = columns > 3
    if question.options:
        for option in question.options:
            cells: list[Cell] = [
                option.label,
                format_count(option.count),
                format_percent(option.percent),
            ]
            if with_baseline:
                cells += _option_change_cells(change, option.code)
            rows.append((cells, _Kind.VALUES))
        if change is not None and with_baseline:
            for removed in change.options:
                if removed.presence is Presence.REMOVED:
                    cells = [f"{removed.label} (fjernet)", NO_VALUE, NO_VALUE]
                    cells += [format_percent(removed.baseline_percent), NO_VALUE]
                    rows.append((cells, _Kind.VALUES))
    if question.scale is not None:
        rows.append((_scale_cells(question, change, with_baseline), _Kind.VALUES))
    if question.numbers is not None and question.numbers.count:
        rows.append(spanning(_numbers_text(question, change), _Kind.SUMMARY))
    for text in question.texts:
        rows.append(spanning(f"– {' '.join(text.split())}", _Kind.ANSWER))
    return rows


def _question_cell(
    doc: WordDocument, question: QuestionResult, change: QuestionChange | None
) -> Cell:
    details = [answered_text(question)]
    if change is not None and change.presence is Presence.ADDED:
        details.append("Nyt spørgsmål: ingen baseline")
    if change is not None:
        details += list(change.notes)

    def fill(cell: _Cell) -> None:
        doc.cell_text(cell, question.text, bold=True)
        for detail in details:
            doc.cell_text(cell, detail, italic=True)

    return fill


def _option_change_cells(change: QuestionChange | None, code: str) -> list[Cell]:
    option: OptionChange | None = None
    if change is not None:
        option = next((o for o in change.options if o.code == code), None)
    if option is None:  # a new question: nothing to compare with
        return [NO_VALUE, NO_VALUE]
    if option.presence is Presence.ADDED:
        return [NO_VALUE, "ny svarmulighed"]
    baseline = format_percent(option.baseline_percent)
    return [baseline, NO_VALUE if option.change is None else format_points(option.change)]


def _scale_cells(
    question: QuestionResult, change: QuestionChange | None, with_baseline: bool
) -> list[Cell]:
    scale = question.scale
    assert scale is not None
    span = f"{scale.lowest}–{scale.highest}"
    if scale.off_scale:
        span += ", uden " + " og ".join(f"'{label}'" for label in scale.off_scale)
    cells: list[Cell]
    if scale.mean is None:
        cells = [f"Gennemsnit: ingen svar på skalaen ({span})", "0", NO_VALUE]
    else:
        cells = [
            f"Gennemsnit (skala {span})",
            format_count(scale.count),
            format_decimal(scale.mean, 1),
        ]
    if with_baseline:
        baseline = change.baseline_mean if change is not None else None
        difference = change.mean_change if change is not None else None
        cells += [
            NO_VALUE if baseline is None else format_decimal(baseline, 1),
            NO_VALUE if difference is None else format_signed(difference, 1),
        ]
    return cells


def _numbers_text(question: QuestionResult, change: QuestionChange | None) -> str:
    numbers = question.numbers
    assert numbers is not None
    assert numbers.mean is not None
    text = (
        f"Gennemsnit {format_decimal(numbers.mean, 1)}; median {format_number(numbers.median)}; "
        f"laveste {format_number(numbers.minimum)}; højeste {format_number(numbers.maximum)}"
    )
    if change is not None and change.baseline_mean is not None:
        text += f" (baseline {format_decimal(change.baseline_mean, 1)}"
        if change.mean_change is not None:
            text += f"; {format_signed(change.mean_change, 1)}"
        text += ")"
    return text


def _keep_first_rows(table: Table, rows: int = 3) -> None:
    """The header and the first data rows on one page: a table never starts with one row alone.

    The rows' paragraphs keep with the next, as a question's rows do in the section tables.
    """
    for row in table_rows(table)[:rows]:
        keep_with_next(row)


def _no_banding(table: Table) -> None:
    """Question rows are shaded instead; alternate-row banding would only add noise."""
    look = table._tbl.tblPr.find(qn("w:tblLook"))
    if look is not None:
        look.set(qn("w:noHBand"), "1")


# -- service data ---------------------------------------------------------------------------


def _service_data(doc: WordDocument, bundle: MeetingBundle, counted: _Counted) -> None:
    doc.heading(counted.data, 1)
    view = bundle.metrics
    if view is None:
        if not bundle.package.metrics:
            doc.paragraph("Klyngepakken har ikke nogen nøgletal fra ydelsesdata.")
        elif counted.events:
            names = " og ".join(_in_sentence(event.name) for event in counted.events)
            doc.missing(
                f"{_in_sentence(counted.data)} for {names}. Beregn klyngens nøgletal ud fra dem "
                "(klyngepakke metrics compute …) og læg dem i mødets bundt (klyngepakke bundle "
                "… --metrics FIL)"
            )
        else:
            doc.missing(
                "ydelsesdata. Beregn klyngens nøgletal fra regionens udtræk (klyngepakke metrics "
                "compute …) og læg dem i mødets bundt (klyngepakke bundle … --metrics FIL)"
            )
        return
    doc.format_paragraph(doc.paragraph(view.metric_title, bold=True), space_after=Pt(0))
    lines = [
        f"Periode: {_period_text(view.period)}",
        f"Klynge: {view.cluster} ({view.region})",
    ]
    lines += [
        f"{counted.column}: {event.name} (kode {event.code}). Kilde: {event.counted_by}"
        for event in counted.events
    ]
    if view.reference is ReferenceLevel.MUNICIPALITY:
        lines.append(
            f"Praksis sammenlignes med: {view.reference_label.lower()} ({view.reference_name})"
        )
    if view.baseline_period is not None and view.changes:
        lines.append(f"Sammenlignet med: {_period_text(view.baseline_period)}")
    for line in lines:
        doc.format_paragraph(doc.paragraph(line), space_after=Pt(0))
    doc.paragraph()
    _practices(doc, view, counted)
    _groups(doc, view, counted)
    _changes(doc, view)
    _notes(doc, view)


def _reference_level(view: ClusterView) -> str:
    """The funnel's target in a sentence: "niveauet i Region Nordjylland (21,1 pr. 1000)".

    Compared by municipality: "kommunens niveau (Aalborg: 15,9 pr. 1000)", or without the
    level where it is hidden with the municipality's total.
    """
    level = f"{format_decimal(view.funnel.target_rate, 1)} pr. {view.per}"
    if view.reference is not ReferenceLevel.MUNICIPALITY:
        return f"niveauet i {view.funnel.region} ({level})"
    if view.reference_metric.pooled.rate is None:
        return f"{view.reference_label.lower()}s niveau ({view.funnel.region})"
    return f"{view.reference_label.lower()}s niveau ({view.funnel.region}: {level})"


def _group_name(level: GroupLevel | None, name: str) -> str:
    """A municipality's row says it is one: its name alone could be a cluster's or a town's."""
    return f"Kommunen: {name}" if level is GroupLevel.MUNICIPALITY else name


def _number(value: float | None, places: int = 1) -> str:
    """A shown number, or the hidden mark where privacy left it out."""
    return HIDDEN_MARK if value is None else format_decimal(value, places)


def _interval(lower: float | None, upper: float | None, places: int = 1) -> str:
    if lower is None or upper is None:
        return HIDDEN_MARK
    return f"{format_decimal(lower, places)}–{format_decimal(upper, places)}"


def _practices(doc: WordDocument, view: ClusterView, counted: _Counted) -> None:
    doc.heading("Praksis i klyngen", 2)
    per = str(view.per)
    header = (
        "Praksis",
        "Gruppe 1-sikrede",
        counted.column,
        f"Pr. {per}",
        "95 %-interval",
        "Placering",
    )
    rows = [
        (
            practice.pseudonym,
            practice.list_size_band
            if practice.list_size is None and practice.list_size_band
            else _number(practice.list_size, 0),
            _number(practice.count, 0),
            _number(practice.rate),
            _interval(practice.lower, practice.upper),
            practice.flag.label,
        )
        for practice in view.practices
    ]
    if not rows:
        doc.paragraph("Klyngen har ingen praksis i perioden.")
        return
    table = doc.table(
        header, rows, widths=(1.1, 1.2, 0.9, 0.9, 1.2, 1.7), centre_columns=range(1, 5)
    )
    _keep_first_rows(table)
    doc.note(
        "Placering: hvor praksis ligger i forhold til 95 %- og 99,8 %-grænserne omkring "
        f"{_reference_level(view)}."
    )
    if view.banded:
        doc.note(
            "Klyngen er lille: praksis vises med listestørrelse i intervaller og uden antal og "
            "sikkerhedsinterval."
        )


def _shown_groups(view: ClusterView) -> list[ShownGroup]:
    """The cluster, its municipality (when the view has one), its region and the country."""
    groups = [view.cluster_metric]
    if view.municipality_metric is not None:
        groups.append(view.municipality_metric)
    return [*groups, view.region_metric, view.country_metric]


def _groups(doc: WordDocument, view: ClusterView, counted: _Counted) -> None:
    municipality = ", kommunen" if view.municipality_metric is not None else ""
    doc.heading(f"Klyngen{municipality}, regionen og hele landet", 2)
    per = str(view.per)
    header = ("", "Praksis", "Gruppe 1-sikrede", counted.column, f"Pr. {per}", "95 %-interval")
    rows = [
        (
            f"Klyngen: {group.name}"
            if group.level is GroupLevel.CLUSTER
            else _group_name(group.level, group.name),
            format_count(group.practices),
            group.pooled.population_band
            if group.pooled.population is None and group.pooled.population_band
            else _number(group.pooled.population, 0),
            _number(group.pooled.count, 0),
            _number(group.pooled.rate),
            _interval(group.pooled.lower, group.pooled.upper),
        )
        for group in _shown_groups(view)
    ]
    doc.table(header, rows, widths=(2.2, 0.8, 1.2, 0.9, 0.9, 1.2), centre_columns=range(1, 6))


def _changes(doc: WordDocument, view: ClusterView) -> None:
    if not view.changes or view.baseline_period is None:
        return
    doc.heading(f"Ændring siden {_period_text(view.baseline_period)}", 2)
    per = str(view.per)
    reference = view.reference_label.lower()  # regionen, kommunen
    header = (
        "",
        f"Før pr. {per}",
        f"Nu pr. {per}",
        "Rateratio",
        "95 %-interval",
        f"I forhold til {reference}",
    )

    def ratio(change: ShownChange, value: float | None) -> str:
        if change.suppressed:
            return HIDDEN_MARK
        return NO_VALUE if value is None else format_decimal(value, 2)

    def interval(change: ShownChange) -> str:
        if change.suppressed:
            return HIDDEN_MARK
        if change.lower is None or change.upper is None:
            return NO_VALUE
        return _interval(change.lower, change.upper, 2)

    rows = [
        (
            _group_name(change.level, change.name),
            _number(change.baseline.rate),
            _number(change.followup.rate),
            ratio(change, change.ratio),
            interval(change),
            ratio(change, change.versus_region),
        )
        for change in view.changes
    ]
    _keep_first_rows(
        doc.table(header, rows, widths=(2.2, 1, 1, 1, 1.3, 1.2), centre_columns=range(1, 6))
    )
    doc.note(
        f"Rateratio er raten nu delt med raten før (1 = uændret). I forhold til {reference}: "
        f"rateratioen delt med {reference}s egen (1 = ændret som {reference})."
    )
    notes = _unique(change.note for change in view.changes if change.note)
    named = {
        note: [_group_name(c.level, c.name) for c in view.changes if c.note == note]
        for note in notes
    }
    for note in notes:
        doc.note(f"{', '.join(named[note])}: {note}")


def _notes(doc: WordDocument, view: ClusterView) -> None:
    hidden = [
        *(value for p in view.practices for value in (p.count, p.rate, p.lower)),
        *(group.pooled.count for group in _shown_groups(view)),
    ]
    lines: list[str] = []
    if any(value is None for value in hidden) or any(c.suppressed for c in view.changes):
        lines.append(f'"{HIDDEN_MARK}": skjult af hensyn til fortroligheden.')
    lines += list(view.notes)
    if view.funnel.limits_too_narrow and view.funnel.note:
        # The practices vary more than chance allows: the reader must know that the
        # placements overstate; when the limits apply, the note would only add length.
        lines.append(view.funnel.note)
    if not lines:
        return
    doc.heading("Om tallene", 2)
    doc.bullets(_unique(lines))


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))
