"""The results report: questionnaire and service-data tables checked against the bundle.

Expected cells are computed here from the bundle's result objects with the Danish rules
(whole percentages and one-decimal rates rounded half up, decimal comma, thousands full stop,
changes in signed percentage points), not with the report's own helpers.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import TYPE_CHECKING

import attrs
import docx
import pytest
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph

import klyngepakke
import klyngepakke_docx
import klyngepakke_forebyggelse
from klyngepakke.api import get_package
from klyngepakke.bundle import MeetingBundle
from klyngepakke.demo import synthetic_bundle
from klyngepakke.metrics.results import ClusterView
from klyngepakke.model import AgendaItem, ClusterPackage, QuestionKind, ReferenceLevel
from klyngepakke.survey_results import (
    Presence,
    QuestionChange,
    QuestionResult,
    SurveyComparison,
    SurveyResults,
)
from klyngepakke.testing import registered_plugins
from klyngepakke_docx._document import SYNTHETIC_MARK, open_document
from klyngepakke_docx._results import write_results

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument

HIDDEN = ".."
NONE = "–"
DANISH_NUMBER = re.compile(r"\d{1,3}(\.\d{3})*(,\d+)?")


# -- expected formats -------------------------------------------------------------------------


def rounded(value: float, places: int) -> Decimal:
    return Decimal(repr(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def number(value: float, places: int = 1) -> str:
    text = f"{abs(rounded(value, places)):,.{places}f}"
    text = text.replace(",", " ").replace(".", ",").replace(" ", ".")
    return f"-{text}" if rounded(value, places) < 0 else text


def count(value: int) -> str:
    return number(value, 0)


def percent(value: float | None) -> str:
    return NONE if value is None else f"{number(value, 0)} %"


def points(value: float) -> str:
    text = number(value, 0)
    return text if text.startswith("-") or text == "0" else f"+{text}"


def shown(value: float | None, places: int = 1) -> str:
    return HIDDEN if value is None else number(value, places)


def interval(lower: float | None, upper: float | None, places: int = 1) -> str:
    if lower is None or upper is None:
        return HIDDEN
    return f"{number(lower, places)}–{number(upper, places)}"


# -- reading the document ---------------------------------------------------------------------


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


def part(document: DocxDocument, heading: str) -> list[Paragraph | Table]:
    found: list[Paragraph | Table] = []
    level: int | None = None
    for block in blocks(document):
        block_level = heading_level(block)
        if level is not None:
            if block_level is not None and block_level <= level:
                break
            found.append(block)
        elif block_level is not None and isinstance(block, Paragraph) and block.text == heading:
            level = block_level
    assert level is not None, f"no heading {heading!r}"
    return found


def only_table(found: list[Paragraph | Table]) -> Table:
    tables = [block for block in found if isinstance(block, Table)]
    assert len(tables) == 1
    return tables[0]


def rows_of(table: Table) -> list[list[str]]:
    return [[squash(cell.text) for cell in row.cells] for row in table.rows]


def texts(found: list[Paragraph | Table], style: str | None = None) -> list[str]:
    return [
        squash(block.text)
        for block in found
        if isinstance(block, Paragraph)
        and (style is None or (block.style is not None and block.style.name == style))
    ]


def all_text(document: DocxDocument) -> str:
    lines = []
    for block in blocks(document):
        if isinstance(block, Paragraph):
            lines.append(block.text)
        else:
            lines += [cell.text for row in block.rows for cell in row.cells]
    return squash("\n".join(lines))


def has_repeated_header(table: Table) -> bool:
    properties = table.rows[0]._tr.find(qn("w:trPr"))
    return properties is not None and properties.find(qn("w:tblHeader")) is not None


def render(tmp_path: Path, bundle: MeetingBundle) -> DocxDocument:
    doc = open_document()
    write_results(doc, bundle)
    path = tmp_path / "resultater.docx"
    doc.save(path)
    return docx.Document(str(path))


# -- expected rows ----------------------------------------------------------------------------


def expected_question_rows(
    question: QuestionResult, change: QuestionChange | None, columns: int
) -> list[list[str]]:
    """What the section table holds for one question (a spanning row repeats its text)."""
    answered = f"{count(question.answered)} svar af {count(question.shown)}, der fik spørgsmålet"
    if not question.shown:
        answered = "Ingen fik spørgsmålet"
    if question.kind is QuestionKind.MULTIPLE_CHOICE:
        answered += " (flere svar mulige)"
    head = f"{question.text} {answered}"
    if change is not None and change.presence is Presence.ADDED:
        head += " Nyt spørgsmål: ingen baseline"
    if change is not None:
        head += "".join(f" {note}" for note in change.notes)
    rows = [[head] * columns]
    with_baseline = columns == 5
    for option in question.options:
        row = [option.label, count(option.count), percent(option.percent)]
        if with_baseline:
            compared = (
                next((o for o in change.options if o.code == option.code), None) if change else None
            )
            if compared is None:
                row += [NONE, NONE]
            elif compared.presence is Presence.ADDED:
                row += [NONE, "ny svarmulighed"]
            else:
                difference = NONE if compared.change is None else f"{points(compared.change)} pp"
                row += [percent(compared.baseline_percent), difference]
        rows.append(row)
    if change is not None and with_baseline:
        for removed in change.options:
            if removed.presence is Presence.REMOVED:
                rows.append(
                    [
                        f"{removed.label} (fjernet)",
                        NONE,
                        NONE,
                        percent(removed.baseline_percent),
                        NONE,
                    ]
                )
    if question.scale is not None:
        scale = question.scale
        span = f"{scale.lowest}–{scale.highest}"
        if scale.off_scale:
            span += ", uden " + " og ".join(f"'{label}'" for label in scale.off_scale)
        assert scale.mean is not None
        row = [f"Gennemsnit (skala {span})", count(scale.count), number(scale.mean)]
        if with_baseline:
            assert change is not None
            row += [
                NONE if change.baseline_mean is None else number(change.baseline_mean),
                NONE if change.mean_change is None else points_decimal(change.mean_change),
            ]
        rows.append(row)
    for text in question.texts:
        rows.append([f"– {squash(text)}"] * columns)
    return rows


def points_decimal(value: float) -> str:
    text = number(value, 1)
    return text if text.startswith("-") or text == "0,0" else f"+{text}"


# -- the full synthetic bundle ----------------------------------------------------------------


@pytest.fixture(scope="module")
def full_bundle(package: ClusterPackage) -> MeetingBundle:
    return synthetic_bundle(package, baseline=True)


@pytest.fixture(scope="module")
def report(full_bundle: MeetingBundle, tmp_path_factory: pytest.TempPathFactory) -> DocxDocument:
    """The report as the exporter writes it, reopened with python-docx."""
    path = tmp_path_factory.mktemp("resultater") / "resultater.docx"
    klyngepakke.export(full_bundle, "docx", path, options={"document": "results"})
    return docx.Document(str(path))


@pytest.fixture(scope="module")
def comparison(full_bundle: MeetingBundle) -> SurveyComparison:
    found = full_bundle.survey_comparison
    assert found is not None
    return found


@pytest.fixture(scope="module")
def view(full_bundle: MeetingBundle) -> ClusterView:
    assert full_bundle.metrics is not None
    return full_bundle.metrics


def test_a_synthetic_report_says_so_on_every_page_and_at_the_top(report: DocxDocument) -> None:
    header = report.sections[0].header.paragraphs[-1].text
    assert SYNTHETIC_MARK in header
    assert header.startswith("Resultater: Kommunale akutfunktioner")
    notice = report.paragraphs[2]
    assert notice.text.startswith(f"{SYNTHETIC_MARK}: Tallene i rapporten er lavet til afprøvning")
    assert notice.runs[0].bold


def test_title_headings_and_contents(report: DocxDocument, full_bundle: MeetingBundle) -> None:
    assert full_bundle.survey is not None
    assert texts([report.paragraphs[0]], "Title") == ["Resultater: Kommunale akutfunktioner"]
    headings = [
        (heading_level(b), b.text)
        for b in blocks(report)
        if isinstance(b, Paragraph) and heading_level(b) is not None
    ]
    sections = [(2, section.title) for section in full_bundle.survey.sections]
    assert headings[: len(sections) + 1] == [(1, "Spørgeskema"), *sections]
    assert (1, "Ydelsesdata") in headings
    assert report.core_properties.title == "Resultater: Kommunale akutfunktioner"


def test_the_response_rates_of_follow_up_and_baseline(
    report: DocxDocument, comparison: SurveyComparison
) -> None:
    results, baseline = comparison.followup, comparison.baseline
    assert results.invited is not None
    assert baseline.invited is not None
    assert comparison.response_rate_change is not None
    lines = texts(part(report, "Spørgeskema"), "Normal")
    assert (
        f"Besvarelser: {results.responded} af {results.invited} inviterede "
        f"({percent(results.response_rate)})"
    ) in lines
    assert (
        f"Baseline: {baseline.responded} besvarelser af {baseline.invited} inviterede "
        f"({percent(baseline.response_rate)}); svarprocent "
        f"{points(comparison.response_rate_change)} pp"
    ) in lines
    assert "Procenter er af dem, der fik spørgsmålet." in lines


def test_each_section_is_one_table_of_questions_options_baseline_and_change(
    report: DocxDocument, full_bundle: MeetingBundle, comparison: SurveyComparison
) -> None:
    assert full_bundle.survey is not None
    changes = {change.code: change for change in comparison.questions}
    for section in full_bundle.survey.sections:
        table = only_table(part(report, section.title))
        rows = rows_of(table)
        assert rows[0] == ["Spørgsmål og svar", "Antal", "Andel", "Baseline", "Ændring"]
        expected = [["Spørgsmål og svar", "Antal", "Andel", "Baseline", "Ændring"]]
        for question in section.questions:
            expected += expected_question_rows(question, changes.get(question.code), 5)
        assert rows == expected
        assert has_repeated_header(table)


def test_question_rows_span_the_table_and_are_shaded(report: DocxDocument) -> None:
    table = only_table(part(report, "Henvisningsprocedurer"))
    first = table.rows[1]._tr
    cells = first.findall(qn("w:tc"))
    assert len(cells) == 1
    span = cells[0].find(qn("w:tcPr")).find(qn("w:gridSpan"))
    assert span.get(qn("w:val")) == "5"
    shading = cells[0].find(qn("w:tcPr")).find(qn("w:shd"))
    assert shading.get(qn("w:fill")) == "DEEAF6"


def test_the_practices_table_has_pseudonyms_list_sizes_counts_rates_and_intervals(
    report: DocxDocument, view: ClusterView
) -> None:
    table = only_table(part(report, "Praksis i klyngen"))
    rows = rows_of(table)
    assert rows[0] == [
        "Praksis",
        "Gruppe 1-sikrede",
        "Ydelser",
        "Pr. 1000",
        "95 %-interval",
        "Placering",
    ]
    expected = [
        [
            practice.pseudonym,
            practice.list_size_band if practice.list_size is None else count(practice.list_size),
            shown(practice.count, 0),
            shown(practice.rate),
            interval(practice.lower, practice.upper),
            practice.flag.label,
        ]
        for practice in view.practices
    ]
    assert rows[1:] == expected
    assert has_repeated_header(table)
    level = number(view.funnel.target_rate)
    assert texts(part(report, "Praksis i klyngen"), "Klyngepakke note")[0] == (
        "Placering: hvor praksis ligger i forhold til 95 %- og 99,8 %-grænserne omkring "
        f"niveauet i {view.region_metric.name} ({level} pr. 1000)."
    )


def test_suppressed_practices_show_the_mark_and_only_their_list_size_band(
    report: DocxDocument, view: ClusterView
) -> None:
    suppressed = [p for p in view.practices if p.suppressed]
    assert suppressed, "the synthetic cluster has small counts"
    rows = {row[0]: row for row in rows_of(only_table(part(report, "Praksis i klyngen")))}
    for practice in suppressed:
        assert rows[practice.pseudonym][1:5] == [practice.list_size_band, HIDDEN, HIDDEN, HIDDEN]


def test_cluster_region_and_country_rows(report: DocxDocument, view: ClusterView) -> None:
    rows = rows_of(only_table(part(report, "Klyngen, regionen og hele landet")))
    assert rows[0] == ["", "Praksis", "Gruppe 1-sikrede", "Ydelser", "Pr. 1000", "95 %-interval"]
    names = [f"Klyngen: {view.cluster_metric.name}", view.region_metric.name, "Hele landet"]
    groups = (view.cluster_metric, view.region_metric, view.country_metric)
    for row, name, group in zip(rows[1:], names, groups, strict=True):
        assert group.pooled.population is not None
        assert row == [
            name,
            count(group.practices),
            count(group.pooled.population),
            shown(group.pooled.count, 0),
            shown(group.pooled.rate),
            interval(group.pooled.lower, group.pooled.upper),
        ]


def test_changes_since_the_baseline_period(report: DocxDocument, view: ClusterView) -> None:
    assert view.baseline_period is not None
    heading = "Ændring siden 1. januar 2025 – 31. december 2025"
    assert view.baseline_period.start.isoformat() == "2025-01-01"
    found = part(report, heading)
    rows = rows_of(only_table(found))
    assert rows[0][1:] == [
        "Før pr. 1000",
        "Nu pr. 1000",
        "Rateratio",
        "95 %-interval",
        "I forhold til regionen",
    ]
    for row, change in zip(rows[1:], view.changes, strict=True):
        if change.suppressed:
            assert row == [change.name, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN]
            continue
        assert change.ratio is not None
        ratio_interval = (
            interval(change.lower, change.upper, 2) if change.lower is not None else NONE
        )
        versus = NONE if change.versus_region is None else number(change.versus_region, 2)
        assert row == [
            change.name,
            shown(change.baseline.rate),
            shown(change.followup.rate),
            number(change.ratio, 2),
            ratio_interval,
            versus,
        ]
    hidden = [change.name for change in view.changes if change.suppressed]
    notes = texts(found, "Klyngepakke note")
    assert notes[0] == (
        "Rateratio er raten nu delt med raten før (1 = uændret). I forhold til regionen: "
        "rateratioen delt med regionens egen (1 = ændret som regionen)."
    )
    assert (
        f"{', '.join(hidden)}: Ændringen vises ikke, fordi den ville afsløre et skjult antal."
        in notes
    )


def test_the_notes_on_suppression_are_all_there_in_danish(
    report: DocxDocument, view: ClusterView
) -> None:
    notes = texts(part(report, "Om tallene"), "List Bullet")
    assert notes[0] == f'"{HIDDEN}": skjult af hensyn til fortroligheden.'
    for note in view.notes:
        assert squash(note) in notes
    assert view.funnel.limits_too_narrow  # the synthetic practices vary beyond chance
    assert squash(view.funnel.note) in notes
    assert view.funnel.note.startswith("Praksis varierer mere, end tilfældigheder kan forklare")
    assert "The practices" not in all_text(report)


def test_the_funnel_note_only_when_the_limits_are_too_narrow(
    tmp_path: Path, full_bundle: MeetingBundle, view: ClusterView
) -> None:
    note = "Praksis varierer ikke mere, end tilfældigheder kan forklare."
    funnel = attrs.evolve(view.funnel, limits_too_narrow=False, note=note)
    bundle = attrs.evolve(full_bundle, metrics=attrs.evolve(view, funnel=funnel))
    assert note not in all_text(render(tmp_path, bundle))


def test_numbers_in_the_data_tables_are_danish(report: DocxDocument) -> None:
    for heading in ("Praksis i klyngen", "Klyngen, regionen og hele landet"):
        for row in rows_of(only_table(part(report, heading)))[1:]:
            for cell in row[1:5]:
                # A value, the hidden mark, an interval or a list-size band ("under 2.000").
                value = re.sub(r"^under | og derover$", "", cell)
                for piece in value.split("–"):
                    assert piece == HIDDEN or DANISH_NUMBER.fullmatch(piece), cell


# -- what is missing, and a report without baseline ---------------------------------------


def test_missing_survey_and_metrics_are_marked_placeholders(
    tmp_path: Path, full_bundle: MeetingBundle
) -> None:
    bare = attrs.evolve(
        full_bundle, survey=None, survey_baseline=None, metrics=None, synthetic=False
    )
    document = render(tmp_path, bare)
    survey = texts(part(document, "Spørgeskema"))
    assert survey == [
        "[mangler: spørgeskemaresultater. Opgør klyngens besvarelser (klyngepakke survey "
        "results … --json) og læg dem i mødets bundt (klyngepakke bundle … --survey FIL)]"
    ]
    service = texts(part(document, "Ydelsesdata"))
    assert service[0].startswith("[mangler: ydelsesdata. Beregn klyngens nøgletal")
    assert SYNTHETIC_MARK not in document.sections[0].header.paragraphs[-1].text
    assert SYNTHETIC_MARK not in all_text(document)


def test_a_package_without_questionnaire_or_metrics_says_so(
    tmp_path: Path, full_bundle: MeetingBundle
) -> None:
    package = attrs.evolve(
        full_bundle.package,
        questionnaire=None,
        metrics=(),
        programme=attrs.evolve(
            full_bundle.package.programme,
            items=tuple(_without_shows(item) for item in full_bundle.package.programme.items),
        ),
    )
    bare = MeetingBundle(package, meeting=full_bundle.meeting)
    document = render(tmp_path, bare)
    assert texts(part(document, "Spørgeskema")) == ["Klyngepakken har ikke noget spørgeskema."]
    assert texts(part(document, "Ydelsesdata")) == [
        "Klyngepakken har ikke nogen nøgletal fra ydelsesdata."
    ]


def _without_shows(item: AgendaItem) -> AgendaItem:
    """The item without the results it shows (a package without them cannot refer to them)."""
    return attrs.evolve(item, shows=(), items=tuple(_without_shows(child) for child in item.items))


def first_section_only(results: SurveyResults) -> SurveyResults:
    return attrs.evolve(results, sections=results.sections[:1])


def test_without_baseline_the_tables_have_no_baseline_columns(
    tmp_path: Path, full_bundle: MeetingBundle
) -> None:
    assert full_bundle.survey is not None
    survey = first_section_only(full_bundle.survey)
    document = render(
        tmp_path, attrs.evolve(full_bundle, survey=survey, survey_baseline=None, metrics=None)
    )
    section = survey.sections[0]
    rows = rows_of(only_table(part(document, section.title)))
    expected = [["Spørgsmål og svar", "Antal", "Andel"]]
    for question in section.questions:
        expected += expected_question_rows(question, None, 3)
    assert rows == expected
    assert not any(line.startswith("Baseline:") for line in texts(part(document, "Spørgeskema")))


def test_added_removed_and_reworded_questions_against_the_baseline(
    tmp_path: Path, full_bundle: MeetingBundle
) -> None:
    assert full_bundle.survey is not None
    assert full_bundle.survey_baseline is not None
    followup = first_section_only(full_bundle.survey)
    baseline = first_section_only(full_bundle.survey_baseline)
    section = followup.sections[0]
    first, *middle, last = section.questions
    reworded = attrs.evolve(middle[0], text="Kender du akutfunktionen?")
    followup = attrs.evolve(
        followup, sections=(attrs.evolve(section, questions=(first, reworded, *middle[1:])),)
    )
    old = baseline.sections[0]
    baseline = attrs.evolve(baseline, sections=(attrs.evolve(old, questions=old.questions[1:]),))
    bundle = attrs.evolve(full_bundle, survey=followup, survey_baseline=baseline, metrics=None)
    document = render(tmp_path, bundle)
    rows = rows_of(only_table(part(document, section.title)))
    assert rows[1][0].endswith("Nyt spørgsmål: ingen baseline")
    assert f"Teksten er ændret; i baseline: {middle[0].text}" in " ".join(r[0] for r in rows)
    removed = rows_of(only_table(part(document, "Spørgsmål, der kun var med i baseline")))
    assert removed[0] == ["Spørgsmål og svar", "Antal", "Andel"]
    assert removed[1][0].startswith(last.text)


# -- a metric of counted events, compared by municipality (forebyggelse) -----------------------


@pytest.fixture(scope="module")
def prevention_bundle() -> MeetingBundle:
    """Forebyggelse's synthetic bundle: referrals the municipality counts, with a baseline."""
    with registered_plugins(klyngepakke_docx, klyngepakke_forebyggelse):
        return synthetic_bundle(get_package("forebyggelse"), baseline=True)


@pytest.fixture(scope="module")
def prevention_view(prevention_bundle: MeetingBundle) -> ClusterView:
    assert prevention_bundle.metrics is not None
    return prevention_bundle.metrics


@pytest.fixture(scope="module")
def prevention_report(
    prevention_bundle: MeetingBundle, tmp_path_factory: pytest.TempPathFactory
) -> DocxDocument:
    path = tmp_path_factory.mktemp("forebyggelse") / "resultater.docx"
    with registered_plugins(klyngepakke_docx, klyngepakke_forebyggelse):
        klyngepakke.export(prevention_bundle, "docx", path, options={"document": "results"})
    return docx.Document(str(path))


def test_the_prevention_view_counts_events_by_municipality(
    prevention_bundle: MeetingBundle, prevention_view: ClusterView
) -> None:
    # What the tests below rely on: an event metric, and a municipality with other practices.
    (metric,) = prevention_bundle.package.metrics
    assert metric.counts_events
    assert prevention_view.reference is ReferenceLevel.MUNICIPALITY
    municipality = prevention_view.municipality_metric
    assert municipality is not None
    assert municipality.practices > prevention_view.cluster_metric.practices
    assert prevention_view.changes


def test_events_are_named_by_who_counts_them_never_as_services_or_fees(
    prevention_report: DocxDocument, prevention_view: ClusterView
) -> None:
    headings = [
        (heading_level(b), b.text)
        for b in blocks(prevention_report)
        if isinstance(b, Paragraph) and heading_level(b) is not None
    ]
    assert (1, "Kommunens tal") in headings
    assert (1, "Ydelsesdata") not in headings
    facts = rows_of(prevention_report.tables[0])
    period = "1. januar 2026 – 31. december 2026"
    assert prevention_view.period.start.isoformat() == "2026-01-01"
    assert ["Kommunens tal", f"{prevention_view.metric_title}, {period}"] in facts
    text = all_text(prevention_report)
    for word in ("ydelse", "Ydelse", "honorar", "Honorar", "kr."):
        assert word not in text


def test_the_counted_event_and_the_municipality_are_named_above_the_tables(
    prevention_report: DocxDocument, prevention_view: ClusterView
) -> None:
    lines = texts(part(prevention_report, "Kommunens tal"), "Normal")
    municipality = prevention_view.reference_name
    assert lines[:6] == [
        "Henvisninger til kommunale forebyggelsestilbud pr. 1000 gruppe 1-sikrede",
        "Periode: 1. januar 2026 – 31. december 2026",
        f"Klynge: {prevention_view.cluster} ({prevention_view.region})",
        "Antal: Henvisning til kommunalt forebyggelsestilbud (kode HFOR). Kilde: Kommunen",
        f"Praksis sammenlignes med: kommunen ({municipality})",
        "Sammenlignet med: 1. januar 2025 – 31. december 2025",
    ]


def test_the_practices_are_counted_and_placed_around_the_municipalitys_level(
    prevention_report: DocxDocument, prevention_view: ClusterView
) -> None:
    found = part(prevention_report, "Praksis i klyngen")
    table = only_table(found)
    assert rows_of(table)[0] == [
        "Praksis",
        "Gruppe 1-sikrede",
        "Antal",
        "Pr. 1000",
        "95 %-interval",
        "Placering",
    ]
    assert [row[2] for row in rows_of(table)[1:]] == [
        shown(p.count, 0) for p in prevention_view.practices
    ]
    level = number(prevention_view.funnel.target_rate)
    assert prevention_view.funnel.target_rate == prevention_view.reference_metric.pooled.rate
    assert texts(found, "Klyngepakke note")[0] == (
        "Placering: hvor praksis ligger i forhold til 95 %- og 99,8 %-grænserne omkring "
        f"kommunens niveau ({prevention_view.reference_name}: {level} pr. 1000)."
    )


def test_the_municipality_is_a_row_between_the_cluster_and_the_region(
    prevention_report: DocxDocument, prevention_view: ClusterView
) -> None:
    rows = rows_of(
        only_table(part(prevention_report, "Klyngen, kommunen, regionen og hele landet"))
    )
    assert rows[0] == ["", "Praksis", "Gruppe 1-sikrede", "Antal", "Pr. 1000", "95 %-interval"]
    municipality = prevention_view.municipality_metric
    assert municipality is not None
    names = [
        f"Klyngen: {prevention_view.cluster_metric.name}",
        f"Kommunen: {municipality.name}",
        prevention_view.region_metric.name,
        "Hele landet",
    ]
    groups = (
        prevention_view.cluster_metric,
        municipality,
        prevention_view.region_metric,
        prevention_view.country_metric,
    )
    for row, name, group in zip(rows[1:], names, groups, strict=True):
        assert group.pooled.population is not None
        assert row == [
            name,
            count(group.practices),
            count(group.pooled.population),
            shown(group.pooled.count, 0),
            shown(group.pooled.rate),
            interval(group.pooled.lower, group.pooled.upper),
        ]


def test_changes_are_set_against_the_municipality(
    prevention_report: DocxDocument, prevention_view: ClusterView
) -> None:
    found = part(prevention_report, "Ændring siden 1. januar 2025 – 31. december 2025")
    rows = rows_of(only_table(found))
    assert rows[0] == [
        "",
        "Før pr. 1000",
        "Nu pr. 1000",
        "Rateratio",
        "95 %-interval",
        "I forhold til kommunen",
    ]
    names = [row[0] for row in rows[1:]]
    municipality = prevention_view.reference_name
    assert names[-3:] == [
        prevention_view.cluster_metric.name,
        f"Kommunen: {municipality}",
        prevention_view.region_metric.name,
    ]
    versus = {row[0]: row[5] for row in rows[1:]}
    practice = prevention_view.changes[0]
    assert practice.versus_region is not None
    assert versus[practice.name] == number(practice.versus_region, 2)
    assert versus[f"Kommunen: {municipality}"] == NONE  # the reference against itself
    assert texts(found, "Klyngepakke note")[0] == (
        "Rateratio er raten nu delt med raten før (1 = uændret). I forhold til kommunen: "
        "rateratioen delt med kommunens egen (1 = ændret som kommunen)."
    )


def test_a_hidden_municipality_total_is_marked_and_its_level_left_out(
    tmp_path: Path, prevention_bundle: MeetingBundle, prevention_view: ClusterView
) -> None:
    municipality = prevention_view.municipality_metric
    assert municipality is not None
    hidden = attrs.evolve(
        municipality.pooled,
        count=None,
        population=None,
        rate=None,
        lower=None,
        upper=None,
        population_band="50.000 og derover",
        suppressed=True,
    )
    view = attrs.evolve(
        prevention_view,
        municipality_metric=attrs.evolve(municipality, pooled=hidden, mean_rate=None),
        changes=(),
    )
    bundle = attrs.evolve(prevention_bundle, metrics=view, survey=None, survey_baseline=None)
    document = render(tmp_path, bundle)
    rows = rows_of(only_table(part(document, "Klyngen, kommunen, regionen og hele landet")))
    assert rows[2] == [
        f"Kommunen: {municipality.name}",
        count(municipality.practices),
        "50.000 og derover",
        HIDDEN,
        HIDDEN,
        HIDDEN,
    ]
    notes = texts(part(document, "Praksis i klyngen"), "Klyngepakke note")
    assert notes[0].endswith(f"omkring kommunens niveau ({municipality.name}).")
    assert f'"{HIDDEN}": skjult af hensyn til fortroligheden.' in texts(
        part(document, "Om tallene"), "List Bullet"
    )


def test_missing_counts_name_who_counts_the_event(
    tmp_path: Path, prevention_bundle: MeetingBundle
) -> None:
    bare = attrs.evolve(
        prevention_bundle, metrics=None, survey=None, survey_baseline=None, synthetic=False
    )
    document = render(tmp_path, bare)
    assert texts(part(document, "Kommunens tal")) == [
        "[mangler: kommunens tal for henvisning til kommunalt forebyggelsestilbud. Beregn "
        "klyngens nøgletal ud fra dem (klyngepakke metrics compute …) og læg dem i mødets "
        "bundt (klyngepakke bundle … --metrics FIL)]"
    ]


def test_a_table_of_practices_or_changes_starts_with_more_than_one_row(
    prevention_report: DocxDocument,
) -> None:
    for heading in ("Praksis i klyngen", "Ændring siden 1. januar 2025 – 31. december 2025"):
        table = only_table(part(prevention_report, heading))
        kept = [
            all(p.paragraph_format.keep_with_next for c in row.cells for p in c.paragraphs)
            for row in table.rows
        ]
        assert kept[:4] == [True, True, True, False], heading
