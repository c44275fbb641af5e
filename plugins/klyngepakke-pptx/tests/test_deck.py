"""The meeting deck, exported and read back with python-pptx.

Decks are made from the akutfunktioner package with synthetic data (with and without a
baseline), from the package alone, and from bundles with bad inputs; each is opened again and
checked slide by slide: order and titles, chart types and data against the results and
metrics, notes, text sizes, and that no text frame holds more than fits by the documented
estimate.
"""

from __future__ import annotations

import importlib.util
import io
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest
from pptx import Presentation
from pptx.enum.chart import XL_CHART_TYPE
from pptx.util import Emu

from klyngepakke.api import export, get_package
from klyngepakke.bundle import MeetingBundle
from klyngepakke.demo import synthetic_bundle
from klyngepakke.errors import ExportError
from klyngepakke.model import (
    ClusterPackage,
    Organisation,
    OrganisationKind,
    Recommendation,
    ResponseSet,
    Role,
)
from klyngepakke.survey_results import aggregate
from klyngepakke_pptx import PptxExporter
from klyngepakke_pptx._deck import build_deck
from klyngepakke_pptx._format import decimal
from klyngepakke_pptx._template import LAYOUT_NAMES
from klyngepakke_pptx._text import (
    LINE_HEIGHT,
    OTHER_FONT_FACTOR,
    Measure,
    Paragraph,
    clean_model,
    clean_text,
    paragraphs_height,
    shorten,
    wrap,
)

A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
P = "{http://schemas.openxmlformats.org/presentationml/2006/main}"
EMU_PER_PT = 12700
PLUGIN = Path(__file__).parents[1]
TEMPLATE = PLUGIN / "src" / "klyngepakke_pptx" / "template.pptx"


# -- fixtures -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def package() -> ClusterPackage:
    return get_package("akutfunktioner")


@pytest.fixture(scope="module")
def bundle(package: ClusterPackage) -> MeetingBundle:
    return synthetic_bundle(package, seed=0)


@pytest.fixture(scope="module")
def baseline_bundle(package: ClusterPackage) -> MeetingBundle:
    return synthetic_bundle(package, seed=0, baseline=True)


@pytest.fixture(scope="module")
def prevention_bundle() -> MeetingBundle:
    """The forebyggelse topic with synthetic data and a baseline: a metric that counts the
    municipality's referrals (events, not services) and compares by municipality."""
    pytest.importorskip("klyngepakke_forebyggelse")
    return synthetic_bundle(get_package("forebyggelse"), seed=0, baseline=True)


@pytest.fixture(scope="module")
def prevention_deck(prevention_bundle: MeetingBundle) -> Any:
    return build_deck(prevention_bundle)


def exported(obj: object, folder: Path, name: str = "deck.pptx", **options: str) -> Any:
    """Export through the registered exporter (the core's checks and atomic write)."""
    path = folder / name
    export(obj, "pptx", path, options=options, force=True)
    return Presentation(str(path))


@pytest.fixture(scope="module")
def deck(bundle: MeetingBundle, tmp_path_factory: pytest.TempPathFactory) -> Any:
    return exported(bundle, tmp_path_factory.mktemp("deck"))


@pytest.fixture(scope="module")
def baseline_deck(baseline_bundle: MeetingBundle, tmp_path_factory: pytest.TempPathFactory) -> Any:
    return exported(baseline_bundle, tmp_path_factory.mktemp("baseline"))


@pytest.fixture(scope="module")
def package_deck(package: ClusterPackage, tmp_path_factory: pytest.TempPathFactory) -> Any:
    return exported(package, tmp_path_factory.mktemp("package"))


# -- reading decks back --------------------------------------------------------------------


def title(slide: Any) -> str:
    shape = slide.shapes.title
    return "" if shape is None else str(shape.text_frame.text)


def titles(presentation: Any) -> list[str]:
    return [title(slide) for slide in presentation.slides]


def notes(slide: Any) -> str:
    if not slide.has_notes_slide:
        return ""
    return str(slide.notes_slide.notes_text_frame.text)


def slide_text(slide: Any) -> str:
    """Every text on the slide: shapes, tables and chart categories and series names."""
    parts = []
    for shape in slide.shapes:
        if shape.has_text_frame:
            parts.append(shape.text_frame.text)
        if shape.has_table:
            parts += [cell.text for row in shape.table.rows for cell in row.cells]
        if shape.has_chart:
            for plot in shape.chart.plots:
                parts += [str(category) for category in plot.categories]
                parts += [series.name for series in plot.series]
    return "\n".join(parts)


def charts(slide: Any) -> list[Any]:
    return [shape.chart for shape in slide.shapes if shape.has_chart]


def slides_titled(presentation: Any, text: str) -> list[Any]:
    return [slide for slide in presentation.slides if title(slide) == text]


def frames(slide: Any) -> Iterator[tuple[Any, int, int, str]]:
    """(a:txBody element, width, height, where) of every text frame and table cell."""
    for shape in slide.shapes:
        if shape.has_text_frame:
            yield shape.text_frame._txBody, int(shape.width), int(shape.height), shape.name
        if shape.has_table:
            table = shape.table
            for r, row in enumerate(table.rows):
                for c, cell in enumerate(row.cells):
                    width = int(table.columns[c].width)
                    yield cell._tc.txBody, width, int(row.height), f"{shape.name}[{r},{c}]"


def written(body: Any) -> list[Paragraph]:
    """The paragraphs of a text body as the fit estimate sees them."""
    paragraphs = []
    for paragraph in body.iter(f"{A}p"):
        texts = []
        for child in paragraph:
            if child.tag == f"{A}r":
                texts.append(child.findtext(f"{A}t") or "")
            elif child.tag == f"{A}br":
                texts.append("\n")
        sizes = [int(r.get("sz")) / 100 for r in paragraph.iter(f"{A}rPr") if r.get("sz")]
        bold = any(r.get("b") == "1" for r in paragraph.iter(f"{A}rPr"))
        properties = paragraph.find(f"{A}pPr")
        indent = int(properties.get("marL", 0)) / EMU_PER_PT if properties is not None else 0.0
        before = paragraph.find(f"{A}pPr/{A}spcBef/{A}spcPts")
        space = int(before.get("val")) / 100 if before is not None else 0.0
        paragraphs.append(
            Paragraph("".join(texts), max(sizes) if sizes else 18.0, bold, False, indent, space)
        )
    return paragraphs


def overflowing(presentation: Any, measure: Measure) -> list[str]:
    """Text frames whose text is taller than the frame by the documented estimate."""
    inset_x, inset_y = 91440, 45720
    problems = []
    for number, slide in enumerate(presentation.slides, start=1):
        for body, width, height, where in frames(slide):
            paragraphs = written(body)
            if not any(p.text.strip() for p in paragraphs):
                continue
            needed = paragraphs_height(paragraphs, (width - 2 * inset_x) / EMU_PER_PT, measure)
            if needed > (height - 2 * inset_y) / EMU_PER_PT + 0.5:
                problems.append(
                    f"slide {number} {where}: {needed:.0f} pt > {height / EMU_PER_PT:.0f}"
                )
    return problems


def font_sizes(slide: Any) -> Iterator[tuple[float, bool]]:
    """(size in points, is the title) of every run on the slide outside charts."""
    for shape in slide.shapes:
        bodies = []
        if shape.has_text_frame:
            bodies.append(shape.text_frame._txBody)
        if shape.has_table:
            bodies += [cell._tc.txBody for row in shape.table.rows for cell in row.cells]
        is_title = shape.is_placeholder and shape == slide.shapes.title
        for body in bodies:
            for run in body.iter(f"{A}rPr"):
                if run.get("sz"):
                    yield int(run.get("sz")) / 100, is_title


# -- the exporter ---------------------------------------------------------------------------


def test_the_exporter_is_registered_with_its_options() -> None:
    from klyngepakke.api import get_exporter

    exporter = get_exporter("pptx")
    assert isinstance(exporter, PptxExporter)
    assert exporter.suffixes == (".pptx",)
    assert set(exporter.options) == {"template", "notes"}
    assert MeetingBundle in exporter.accepts
    assert ClusterPackage in exporter.accepts


def test_loading_the_plugin_does_not_import_python_pptx() -> None:
    code = (
        "import sys, klyngepakke_pptx\n"
        "from klyngepakke.api import list_exporters\n"
        "list_exporters()\n"
        "print(sorted(m for m in ('pptx', 'lxml', 'PIL') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_an_unknown_option_is_refused_before_anything_is_written(
    bundle: MeetingBundle, tmp_path: Path
) -> None:
    with pytest.raises(ExportError, match="colour"):
        export(bundle, "pptx", tmp_path / "deck.pptx", options={"colour": "red"})
    assert not (tmp_path / "deck.pptx").exists()


# -- the full deck --------------------------------------------------------------------------


def test_the_slides_follow_the_programme(deck: Any, bundle: MeetingBundle) -> None:
    names = titles(deck)
    assert names[0] == "Kommunale akutfunktioner"
    assert names[1] == "Program"
    assert names[2] == "Introduktion"
    expected_order = [
        "Blok 1: Akutfunktionen",
        "Kendskab til og oplevelse af akutfunktionen",
        "Ydelse 0124 pr. 1000 gruppe 1-sikrede",
        "Tragtdiagram: Ydelse 0124 pr. 1000 gruppe 1-sikrede",
        "Oplæg fra kommunen",
        "Fælles dialog",
        "Pause",
        "Blok 2: Henvisningsprocedurer",
        "Oplæg fra kommunen",
        "Henvisningsprocedurer",
        "Kommunikation og samarbejde",
        "Tal med sidemanden",
        "Fælles dialog",
        "Blok 3: Opsamling og opfølgning",
        "Opsamling og opfølgning i plenum",
        "Aftaler: hvad, hvem og hvornår",
        "Efter mødet",
        "Opfølgning",
    ]
    position = 2
    for name in expected_order:
        position = names.index(name, position + 1)
    assert names[-1].startswith("Opfølgning")
    # no placeholders: the bundle is complete
    assert not [name for name in names if name.startswith("Mangler")]
    assert bundle.missing() == ()


def test_divider_slides_use_the_section_layout_and_tell_the_times(deck: Any) -> None:
    (divider,) = slides_titled(deck, "Blok 1: Akutfunktionen")
    assert divider.slide_layout.name == "Section Header"
    text = slide_text(divider)
    assert "Kl. 16.10–17.15 · 65 min" in text
    assert "16.33–16.53: Oplæg fra kommunen" in text  # the talk's own 20 minutes
    assert "ca. 16.10–16.33: Resultater fra spørgeskemaet og ydelsesdata" in text


def test_the_programme_has_clock_times_from_the_meeting_start(deck: Any) -> None:
    (programme,) = slides_titled(deck, "Program")
    (table,) = [shape.table for shape in programme.shapes if shape.has_table]
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    assert rows[0] == ["Tid", "Punkt", "Varighed"]
    assert [row[0] for row in rows[1:]] == [
        "16.00–16.10",
        "16.10–17.15",
        "17.15–17.30",
        "17.30–18.10",
        "18.10–18.30",
    ]
    assert rows[2][1].startswith("Blok 1: Akutfunktionen\nResultater fra spørgeskemaet")
    assert rows[3][2] == "15 min"


def test_each_questionnaire_section_shown_gets_chart_slides(
    deck: Any, bundle: MeetingBundle
) -> None:
    assert bundle.survey is not None
    for section in bundle.survey.sections:
        slides = slides_titled(deck, section.title)
        assert slides, section.title
        shown_codes = {
            question.code
            for question in section.questions
            if question.answered and question.kind.has_options
        }
        drawn = sum(len(charts(slide)) for slide in slides)
        assert 1 <= drawn <= len(shown_codes)


def test_rating_charts_hold_the_percentages_of_those_who_answered(
    deck: Any, bundle: MeetingBundle
) -> None:
    assert bundle.survey is not None
    by_text = {question.text: question for question in bundle.survey.questions()}
    checked = 0
    for slide in deck.slides:
        for chart in charts(slide):
            if chart.chart_type != XL_CHART_TYPE.BAR_STACKED_100:
                continue
            series = {s.name: s.values for s in chart.plots[0].series}
            notes_text = notes(slide)
            questions = [q for text, q in by_text.items() if text in notes_text]
            questions = [q for q in questions if q.scale is not None]
            assert questions
            for index, question in enumerate(
                sorted(questions, key=lambda q: notes_text.index(q.text))
            ):
                for option in question.options:
                    assert series[option.label][index] == pytest.approx(
                        option.percent_of_answered, abs=1e-6
                    )
                checked += 1
    assert checked == sum(1 for q in bundle.survey.questions() if q.scale is not None)


def test_choice_charts_hold_the_percentages_of_those_who_saw_the_question(
    deck: Any, bundle: MeetingBundle
) -> None:
    assert bundle.survey is not None
    rolle = bundle.survey.question("rolle")
    (slide,) = [s for s in deck.slides if rolle.text in slide_text(s)]
    (chart,) = charts(slide)
    assert chart.chart_type == XL_CHART_TYPE.BAR_CLUSTERED
    values = chart.plots[0].series[0].values
    expected = sorted((o.percent or 0.0 for o in rolle.options), reverse=True)
    assert list(values) == pytest.approx(expected)


def test_the_practice_chart_shows_the_views_rates_with_reference_lines(
    deck: Any, bundle: MeetingBundle
) -> None:
    view = bundle.metrics
    assert view is not None
    (slide,) = slides_titled(deck, view.metric_title)
    (chart,) = charts(slide)
    bars, lines = chart.plots[0], chart.plots[1]
    assert bars.series[0].values == tuple(p.rate for p in view.practices)
    assert lines.series[0].values[0] == pytest.approx(view.cluster_metric.pooled.rate)
    assert lines.series[1].values[0] == pytest.approx(view.region_metric.pooled.rate)
    footer = slide_text(slide)
    assert "Data: 1. januar 2026 – 31. december 2026." in footer
    hidden = sum(p.suppressed for p in view.practices)
    assert hidden
    assert f"Tal for {hidden} praksis er skjult (små antal, 1–4)." in footer


def test_the_funnel_is_a_scatter_plot_with_the_practices(deck: Any, bundle: MeetingBundle) -> None:
    view = bundle.metrics
    assert view is not None
    (slide,) = slides_titled(deck, f"Tragtdiagram: {view.metric_title}")
    (chart,) = charts(slide)
    assert chart.chart_type.name.startswith("XY_SCATTER")
    names = [series.name for series in chart.plots[0].series]
    assert names[-1] == "Praksis"
    assert view.funnel.limits_too_narrow
    assert "grænserne er for snævre" in slide_text(slide)
    assert "Over 99,8 %-grænsen:" in notes(slide)


def test_every_slide_has_notes_for_the_chair_with_the_timing(deck: Any) -> None:
    for number, slide in enumerate(deck.slides, start=1):
        text = notes(slide)
        assert text, f"slide {number} ({title(slide)}) has no notes"
        if number > 2:
            assert text.startswith(("Tid:", "Mødet varer")), (number, text[:60])
    (talk, *_) = slides_titled(deck, "Oplæg fra kommunen")
    assert "erstat den med oplæggets egne slides" in notes(talk)


def test_the_data_slides_say_how_many_answered(deck: Any, bundle: MeetingBundle) -> None:
    assert bundle.survey is not None
    sections = {section.title for section in bundle.survey.sections}
    for slide in deck.slides:
        if title(slide) in sections:
            assert "Besvarelser: 38 af 52 inviterede (73 %)." in slide_text(slide)


def test_no_text_frame_holds_more_than_fits(deck: Any, baseline_deck: Any) -> None:
    assert overflowing(deck, Measure()) == []
    assert overflowing(baseline_deck, Measure()) == []


def test_titles_and_body_text_are_large_enough_for_a_projector(deck: Any) -> None:
    for slide in deck.slides:
        for size, is_title in font_sizes(slide):
            assert size >= 14
            if is_title:
                assert size >= 28


def test_a_synthetic_deck_says_so_on_every_slide(deck: Any) -> None:
    for slide in deck.slides:
        assert "SYNTETISKE DATA" in slide_text(slide)


def test_a_deck_from_real_data_has_no_synthetic_label(bundle: MeetingBundle) -> None:
    assert bundle.metrics is not None
    real = attrs.evolve(
        bundle, synthetic=False, metrics=attrs.evolve(bundle.metrics, synthetic=False)
    )
    presentation = build_deck(real)
    assert not any("SYNTETISKE" in slide_text(slide) for slide in presentation.slides)


def test_notes_can_be_left_out(bundle: MeetingBundle, tmp_path: Path) -> None:
    presentation = exported(bundle, tmp_path, notes="no")
    assert not any(slide.has_notes_slide for slide in presentation.slides)


def test_the_closing_slide_has_a_table_to_fill_in(deck: Any) -> None:
    (slide,) = slides_titled(deck, "Aftaler: hvad, hvem og hvornår")
    (table,) = [shape.table for shape in slide.shapes if shape.has_table]
    assert [cell.text for cell in table.rows[0].cells] == ["Hvad", "Hvem", "Hvornår"]
    assert len(table.rows) == 6
    assert all(cell.text == "" for row in list(table.rows)[1:] for cell in row.cells)
    assert all(row.height >= Emu(502920) for row in list(table.rows)[1:])


def test_the_runbooks_tasks_after_the_meeting_are_dated(deck: Any, bundle: MeetingBundle) -> None:
    (slide,) = slides_titled(deck, "Efter mødet")
    text = slide_text(slide)
    assert "18. marts 2027" in text
    assert "Send aftalerne til deltagerne" in text


def test_follow_up_advice_continues_with_its_headings_kept_together(deck: Any) -> None:
    pages = [s for s in deck.slides if title(s).startswith("Opfølgning")]
    assert [title(s) for s in pages][1:] == ["Opfølgning (fortsat)"] * (len(pages) - 1)
    for slide in pages:
        body = [p for p in written(slide.placeholders[1].text_frame._txBody) if p.text]
        assert not body[-1].bold, "a heading was left at the bottom of a page"


# -- recommendations ------------------------------------------------------------------------


def table_rows(slide: Any) -> list[list[str]]:
    (table,) = [shape.table for shape in slide.shapes if shape.has_table]
    return [[cell.text for cell in row.cells] for row in table.rows]


def with_recommendations(bundle: MeetingBundle, shows: tuple[str, ...], count: int = 3) -> Any:
    """The bundle's package with recommendations in two groups and without one, shown by
    block 3's dialogue (``shows``)."""
    both = (Role.CLUSTER_MEMBERS, Role.MUNICIPALITY)
    recommendations = [
        Recommendation(
            f"visitation-{n}",
            f"Aftaler, hvordan akutfunktionen visiterer patient nr. {n} fra almen praksis.",
            (Role.MUNICIPALITY,),
            group="Visitation",
        )
        for n in range(1, count + 1)
    ]
    recommendations += [
        Recommendation(
            "kontakt", "Gør det nemt at komme i kontakt med hinanden.", both, "Samarbejde"
        ),
        Recommendation("klu", "Tager samarbejdet op i KLU.", both),
    ]
    items = list(bundle.package.programme.items)
    block = items[-1]
    dialogue = attrs.evolve(block.items[0], shows=shows)
    items[-1] = attrs.evolve(block, items=(dialogue,))
    package = attrs.evolve(
        bundle.package,
        recommendations=tuple(recommendations),
        programme=attrs.evolve(bundle.package.programme, items=tuple(items)),
    )
    return build_deck(attrs.evolve(bundle, package=package))


def test_recommendations_are_a_checklist_after_the_item_that_shows_them(
    bundle: MeetingBundle,
) -> None:
    presentation = with_recommendations(bundle, ("recommendations",))
    names = titles(presentation)
    dialogue = "Opsamling og opfølgning i plenum"
    first = names.index(dialogue)
    assert names[first + 1] == dialogue  # the item's own slide, then its checklist
    assert names[first + 2] == "Aftaler: hvad, hvem og hvornår"
    slide = presentation.slides[first + 1]
    rows = table_rows(slide)
    check = "\N{BALLOT BOX}"
    assert rows == [
        ["", "Anbefaling", "Hvem"],
        ["", "Visitation", ""],
        *[
            [
                check,
                f"Aftaler, hvordan akutfunktionen visiterer patient nr. {n} fra almen praksis.",
                "Kommunen",
            ]
            for n in (1, 2, 3)
        ],
        ["", "Samarbejde", ""],
        [check, "Gør det nemt at komme i kontakt med hinanden.", "Klyngens medlemmer og kommunen"],
        ["", "Øvrige anbefalinger", ""],  # not under the group before them
        [check, "Tager samarbejdet op i KLU.", "Klyngens medlemmer og kommunen"],
    ]
    (frame,) = [shape for shape in slide.shapes if shape.has_table]
    widths = [column.width for column in frame.table.columns]
    assert [round(width / sum(widths), 2) for width in widths] == [0.06, 0.66, 0.28]
    group_cells = frame.table.rows[1].cells
    assert all(str(cell.fill.fore_color.rgb) == "DEEAF6" for cell in group_cells)
    assert all(r.get("b") == "1" for r in group_cells[1]._tc.iter(f"{A}rPr"))
    text = notes(slide)
    assert text.startswith("Tid: kl. 18.10–18.30 (20 min).")
    assert (
        "Gå anbefalingerne igennem: hvad er på plads, og hvad vil I arbejde med? Tjeklisten "
        "kan printes fra Word (document=recommendations)."
    ) in text
    assert "SYNTETISKE DATA" in slide_text(slide)


def test_a_group_shown_alone_is_titled_by_its_name_without_a_heading_row(
    bundle: MeetingBundle,
) -> None:
    presentation = with_recommendations(bundle, ("Samarbejde", "Visitation"))
    names = titles(presentation)
    first = names.index("Samarbejde")
    assert names[first + 1] == "Visitation"
    assert table_rows(presentation.slides[first])[1:] == [
        [
            "\N{BALLOT BOX}",
            "Gør det nemt at komme i kontakt med hinanden.",
            "Klyngens medlemmer og kommunen",
        ],
    ]
    assert [row[1] for row in table_rows(presentation.slides[first + 1])][1] == (
        "Aftaler, hvordan akutfunktionen visiterer patient nr. 1 fra almen praksis."
    )


@pytest.mark.parametrize(
    ("count", "second_page_starts"),
    [
        (9, "Samarbejde"),  # the heading would have been the first page's last row
        (14, "Visitation (fortsat)"),  # the second page goes on inside the group
    ],
)
def test_a_long_checklist_continues_with_its_group_headings_kept_with_their_rows(
    bundle: MeetingBundle, count: int, second_page_starts: str
) -> None:
    presentation = with_recommendations(bundle, ("recommendations",), count=count)
    pages = [
        slide
        for slide in presentation.slides
        if title(slide).startswith("Opsamling og opfølgning i plenum")
        and any(shape.has_table for shape in slide.shapes)
    ]
    tables = [table_rows(slide) for slide in pages]
    assert len(tables) == 2
    assert title(pages[1]) == "Opsamling og opfølgning i plenum (fortsat)"
    assert tables[1][0] == ["", "Anbefaling", "Hvem"]
    assert tables[1][1] == ["", second_page_starts, ""]
    shown = [row[1] for rows in tables for row in rows[1:] if row[0]]
    assert len(shown) == count + 2  # every recommendation once
    for rows in tables:
        assert rows[-1][0], "a group heading was left at the bottom of a slide"
    assert overflowing(presentation, Measure()) == []


def test_the_forebyggelse_topic_shows_its_checklist_in_block_3(
    prevention_bundle: MeetingBundle, prevention_deck: Any
) -> None:
    package, presentation = prevention_bundle.package, prevention_deck
    names = titles(presentation)
    block = names.index("Blok 3: Afslutning, anbefalinger og aftaler")
    pages = [
        slide
        for slide in list(presentation.slides)[block:]
        if title(slide).startswith("Anbefalingerne som tjekliste")
        and any(shape.has_table for shape in slide.shapes)
    ]
    ticked = [row[1] for slide in pages for row in table_rows(slide)[1:] if row[0]]
    assert ticked == [r.text for r in package.recommendations]
    assert overflowing(presentation, Measure()) == []


# -- what a metric is compared with ------------------------------------------------------------


def metric_slides(presentation: Any, view: Any) -> dict[str, Any]:
    """The practice, funnel and change slides of ``view``'s metric, by kind."""
    found = {}
    for slide in presentation.slides:
        for kind, prefix in (
            ("change", "Før og nu: "),
            ("funnel", "Tragtdiagram: "),
            ("rates", ""),
        ):
            if title(slide) == prefix + view.metric_title:
                found[kind] = slide
    return found


def line_names(chart: Any) -> list[str]:
    return [series.name for plot in chart.plots for series in plot.series]


def test_a_metric_compared_by_region_has_the_regions_lines_and_words(
    deck: Any, bundle: MeetingBundle
) -> None:
    view = bundle.metrics
    assert view is not None
    slides = metric_slides(deck, view)
    region = view.region_metric.pooled.rate
    assert region is not None
    (rates,) = charts(slides["rates"])
    assert f"Regionen ({decimal(region)})" in line_names(rates)
    assert rates.value_axis.axis_title.text_frame.text == "Ydelser pr. 1000"
    assert "sammenlignet med klyngen og regionen" in slide_text(slides["rates"])
    assert f"den grå stiplede regionens ({decimal(region)})" in notes(slides["rates"])
    assert "Kender alle ydelsen" in notes(slides["rates"])
    assert f"{view.region_metric.name} {decimal(region)} pr. 1.000." in slide_text(slides["rates"])
    (funnel,) = charts(slides["funnel"])
    assert line_names(funnel)[0] == f"Regionens rate ({decimal(view.funnel.target_rate)})"
    assert "med regionens rate" in slide_text(slides["funnel"])
    assert "Den grå linje er regionens rate" in notes(slides["funnel"])
    assert "kommun" not in notes(slides["rates"]).casefold()


def test_a_metric_compared_by_municipality_has_the_municipalitys_lines_and_words(
    prevention_bundle: MeetingBundle, prevention_deck: Any
) -> None:
    view = prevention_bundle.metrics
    assert view is not None
    assert view.municipality_metric is not None
    slides = metric_slides(prevention_deck, view)
    assert set(slides) == {"rates", "funnel", "change"}
    municipality, region = view.municipality_metric.pooled.rate, view.region_metric.pooled.rate
    assert municipality is not None
    assert region is not None
    assert decimal(municipality) != decimal(region)
    (rates,) = charts(slides["rates"])
    lines = rates.plots[1]
    assert [s.name for s in lines.series][1] == f"Kommunen ({decimal(municipality)})"
    assert lines.series[1].values[0] == pytest.approx(municipality)
    assert "Regionen" not in "\n".join(line_names(rates))
    text, said = slide_text(slides["rates"]), notes(slides["rates"])
    assert "sammenlignet med klyngen og kommunen" in text
    assert f"Aalborg {decimal(municipality)} pr. 1.000." in text
    assert f"den grå stiplede kommunens ({decimal(municipality)})" in said
    assert "Praksis sammenlignes med niveauet i kommunen (Aalborg), ikke i regionen." in said
    assert "kommunen (Aalborg)" in said
    (funnel,) = charts(slides["funnel"])
    target = view.funnel.target_rate
    assert target == pytest.approx(municipality)
    assert line_names(funnel)[0] == f"Kommunens rate ({decimal(target)})"
    assert "med kommunens rate" in slide_text(slides["funnel"])
    assert f"Den grå linje er kommunens rate ({decimal(target)})" in notes(slides["funnel"])
    change_notes = notes(slides["change"])
    assert "Aalborgs rate:" in change_notes
    assert view.region_metric.name not in change_notes


def test_a_metric_counting_events_has_no_service_or_fee_texts(
    prevention_bundle: MeetingBundle, prevention_deck: Any
) -> None:
    view = prevention_bundle.metrics
    assert view is not None
    slides = metric_slides(prevention_deck, view)
    for slide in slides.values():
        words = (slide_text(slide) + "\n" + notes(slide)).casefold()
        for fee_word in ("ydelse", "honorar", " kr.", "takst"):
            assert fee_word not in words, (title(slide), fee_word)
        for chart in charts(slide):
            assert chart.value_axis.axis_title.text_frame.text == "Antal pr. 1000"
    said = notes(slides["rates"])
    assert "Tallene er talt af kommunen: passer de med det, praksis selv oplever?" in said
    assert "tallet derfor et mindstetal" in said
    assert "tallet derfor et mindstetal" in notes(slides["funnel"])


def test_a_hidden_municipality_is_said_in_words_instead_of_a_funnel(
    prevention_bundle: MeetingBundle,
) -> None:
    view = prevention_bundle.metrics
    assert view is not None
    assert view.municipality_metric is not None
    hidden = attrs.evolve(
        view.municipality_metric.pooled,
        count=None,
        rate=None,
        lower=None,
        upper=None,
        suppressed=True,
    )
    note = "Tragten for kommunen vises ikke, fordi kommunens niveau ville afsløre et skjult antal."
    changed = attrs.evolve(
        view,
        municipality_metric=attrs.evolve(view.municipality_metric, pooled=hidden, fees=None),
        funnel=attrs.evolve(view.funnel, curve=(), target_rate=0.0, note=note),
        changes=(),
    )
    presentation = build_deck(attrs.evolve(prevention_bundle, metrics=changed))
    slides = metric_slides(presentation, view)
    assert not charts(slides["funnel"])
    assert f"Intet tragtdiagram: {note}" in slide_text(slides["funnel"])
    (rates,) = charts(slides["rates"])
    assert not [name for name in line_names(rates) if name.startswith("Kommunen")]
    assert "Kommunens niveau er skjult (små antal)." in slide_text(slides["rates"])
    assert overflowing(presentation, Measure()) == []


def test_missing_event_counts_are_asked_for_where_they_would_be_shown(
    prevention_bundle: MeetingBundle,
) -> None:
    package = prevention_bundle.package
    presentation = build_deck(MeetingBundle(package=package))
    names = titles(presentation)
    assert names.count("Mangler: kommunens tal") == 1
    assert "Mangler: ydelsesdata" not in names
    (slide,) = slides_titled(presentation, "Mangler: kommunens tal")
    (sentence,) = [s for s in MeetingBundle(package=package).missing() if "nøgletal" in s]
    assert sentence in slide_text(slide)
    assert sentence not in slide_text(
        slides_titled(presentation, "Mangler: oplysninger om mødet")[0]
    )
    assert names.index("Blok 2: Forebyggelsestilbud og henvisning") < names.index(
        "Mangler: kommunens tal"
    )


# -- with a baseline ------------------------------------------------------------------------


def test_a_baseline_adds_change_slides(baseline_deck: Any, baseline_bundle: MeetingBundle) -> None:
    names = titles(baseline_deck)
    view = baseline_bundle.metrics
    assert view is not None
    assert f"Før og nu: {view.metric_title}" in names
    assert "Før og nu: Kendskab til og oplevelse af akutfunktionen" in names
    (slide,) = slides_titled(baseline_deck, f"Før og nu: {view.metric_title}")
    (chart,) = charts(slide)
    assert len(chart.plots[0].series) >= 2
    assert "Baseline: 1. januar 2025 – 31. december 2025." in slide_text(slide)


def test_the_change_table_holds_the_means(
    baseline_deck: Any, baseline_bundle: MeetingBundle
) -> None:
    comparison = baseline_bundle.survey_comparison
    assert comparison is not None
    change = comparison.question("kendskab_akutfunktion")
    assert change.baseline_mean is not None
    assert change.followup_mean is not None
    rows = []
    for slide in slides_titled(
        baseline_deck, "Før og nu: Kendskab til og oplevelse af akutfunktionen"
    ):
        for shape in slide.shapes:
            if shape.has_table:
                rows += [[cell.text for cell in row.cells] for row in shape.table.rows]
    (row,) = [row for row in rows if row[0] == change.text]
    assert row[1] == f"{change.baseline_mean:.1f}".replace(".", ",")
    assert row[2] == f"{change.followup_mean:.1f}".replace(".", ",")


def test_choice_questions_with_a_baseline_are_paired_bars(
    baseline_deck: Any, baseline_bundle: MeetingBundle
) -> None:
    assert baseline_bundle.survey is not None
    rolle = baseline_bundle.survey.question("rolle")
    (slide,) = [s for s in baseline_deck.slides if rolle.text in slide_text(s)]
    (chart,) = charts(slide)
    assert len(chart.plots[0].series) == 2
    text = slide_text(slide)
    assert "Besvarelser: 38 af 52 inviterede (73 %); baseline: 31 af 50 inviterede (62 %)." in text


# -- what is missing ------------------------------------------------------------------------


def test_a_package_alone_shows_what_to_supply_in_place(
    package_deck: Any, package: ClusterPackage
) -> None:
    names = titles(package_deck)
    assert names[1] == "Mangler: oplysninger om mødet"
    assert names.count("Mangler: spørgeskemaresultater") == 3
    assert names.count("Mangler: ydelsesdata") == 1
    assert "Mangler: opgaver efter mødet" in names
    everything = "\n".join(slide_text(slide) for slide in package_deck.slides)
    for sentence in MeetingBundle(package=package).missing():
        assert sentence in everything
    # in place: the survey placeholder comes right after the first block's divider
    first_block = names.index("Blok 1: Akutfunktionen")
    assert names[first_block + 1] == "Mangler: spørgeskemaresultater"
    # no clock times without a meeting, but durations
    (programme,) = slides_titled(package_deck, "Program")
    (table,) = [shape.table for shape in programme.shapes if shape.has_table]
    assert [cell.text for cell in table.rows[0].cells] == ["Punkt", "Varighed"]
    assert [cell.text for cell in table.rows[1].cells] == ["Introduktion", "10 min"]
    assert not any("SYNTETISKE" in slide_text(slide) for slide in package_deck.slides)


def test_placeholders_are_marked_with_a_dashed_frame(package_deck: Any) -> None:
    (slide, *_) = slides_titled(package_deck, "Mangler: ydelsesdata")
    outlines = slide._element.findall(f".//{P}sp/{P}spPr/{A}ln/{A}prstDash")
    assert [outline.get("val") for outline in outlines] == ["dash"]


def test_metrics_for_another_metric_are_a_placeholder(bundle: MeetingBundle) -> None:
    assert bundle.metrics is not None
    other = attrs.evolve(bundle.metrics, metric_id="andet", metric_title="Noget andet")
    presentation = build_deck(attrs.evolve(bundle, metrics=other))
    (slide,) = slides_titled(presentation, "Mangler: ydelsesdata")
    assert "bundtets nøgletal er for „Noget andet“" in slide_text(slide)


# -- empty results --------------------------------------------------------------------------


def test_no_responses_is_said_in_words_not_shown_as_empty_charts(
    bundle: MeetingBundle, package: ClusterPackage
) -> None:
    assert package.questionnaire is not None
    empty = aggregate(package.questionnaire, ResponseSet(package.questionnaire.id, ()), invited=40)
    assert bundle.metrics is not None
    no_practices = attrs.evolve(bundle.metrics, practices=(), changes=())
    presentation = build_deck(attrs.evolve(bundle, survey=empty, metrics=no_practices))
    for section in package.questionnaire.sections:
        (slide,) = slides_titled(presentation, section.title)
        assert not charts(slide)
        assert "Ingen besvarelser" in slide_text(slide)
        assert "Besvarelser: 0 af 40 inviterede (0 %)." in slide_text(slide)
    (metric,) = slides_titled(presentation, bundle.metrics.metric_title)
    assert not charts(metric)
    assert "Ingen data: der er ingen praksis i klyngens udtræk." in slide_text(metric)


def test_questions_nobody_answered_are_listed(bundle: MeetingBundle) -> None:
    survey = bundle.survey
    assert survey is not None
    section = survey.sections[0]
    first = attrs.evolve(section.questions[1], answered=0, shown=0)
    changed = attrs.evolve(section, questions=(section.questions[0], first, *section.questions[2:]))
    presentation = build_deck(
        attrs.evolve(bundle, survey=attrs.evolve(survey, sections=(changed, *survey.sections[1:])))
    )
    listed = [s for s in presentation.slides if "Ingen svar på disse spørgsmål:" in slide_text(s)]
    (slide,) = listed
    assert f"{first.text} (ingen fik spørgsmålet)" in slide_text(slide)


# -- bad inputs -----------------------------------------------------------------------------


def test_control_characters_are_removed_everywhere(bundle: MeetingBundle, tmp_path: Path) -> None:
    assert bundle.survey is not None
    assert bundle.meeting is not None
    bad = "\x01Kom\x0bmunale\x1b akut\x00funktioner\ufffe"
    package = attrs.evolve(bundle.package, title=bad, subtitle="Tab\there\r\nnext")
    section = bundle.survey.sections[0]
    question = attrs.evolve(section.questions[0], text="Hvad\x07 er din funktion?")
    survey = attrs.evolve(
        bundle.survey,
        sections=(
            attrs.evolve(section, questions=(question, *section.questions[1:])),
            *bundle.survey.sections[1:],
        ),
    )
    meeting = attrs.evolve(bundle.meeting, place="Sted\x02 med\x1f styretegn")
    presentation = exported(
        attrs.evolve(bundle, package=package, survey=survey, meeting=meeting), tmp_path
    )
    with zipfile.ZipFile(tmp_path / "deck.pptx") as archive:
        for name in archive.namelist():
            if name.endswith(".xml"):
                xml = archive.read(name).decode()
                assert "_x00" not in xml, name
    assert titles(presentation)[0] == "Kom munale akutfunktioner"
    everything = "\n".join(slide_text(slide) for slide in presentation.slides)
    assert "Hvad er din funktion?" in everything
    assert "Sted med styretegn" in everything
    assert "Tab here\x0bnext" in everything  # python-pptx reads a line break as \v


def test_a_required_text_of_only_control_characters_names_its_field(
    bundle: MeetingBundle,
) -> None:
    items = bundle.package.programme.items
    broken = attrs.evolve(items[0], title="\x01\x02")
    programme = attrs.evolve(bundle.package.programme, items=(broken, *items[1:]))
    package = attrs.evolve(bundle.package, programme=programme)
    with pytest.raises(ExportError, match=r"bundle\.package\.programme\.items\[0\]"):
        build_deck(attrs.evolve(bundle, package=package))


def test_very_long_names_are_wrapped_or_shortened_never_overflowing(
    bundle: MeetingBundle,
) -> None:
    assert bundle.meeting is not None
    long_name = "Kvalitetsklyngen for almen praksis i " + "Nord- og Sydvestjylland " * 12
    delegations = tuple(
        attrs.evolve(d, organisation=Organisation(long_name, OrganisationKind.CLUSTER))
        if d.organisation.kind is OrganisationKind.CLUSTER
        else d
        for d in bundle.meeting.delegations
    )
    meeting = attrs.evolve(bundle.meeting, delegations=delegations, place=long_name)
    items = bundle.package.programme.items
    long_title = "Blok 1: " + "Akutfunktionen og samarbejdet med kommunen om de ældre " * 4
    block = attrs.evolve(items[1], title=long_title)
    programme = attrs.evolve(bundle.package.programme, items=(items[0], block, *items[2:]))
    package = attrs.evolve(
        bundle.package, title="Kommunale akutfunktioner " * 10, programme=programme
    )
    presentation = build_deck(attrs.evolve(bundle, meeting=meeting, package=package))
    assert overflowing(presentation, Measure()) == []
    opening = presentation.slides[0]
    assert title(opening).endswith("…")
    assert "Sidens titel i fuld længde: Kommunale akutfunktioner" in notes(opening)
    assert "Torsdag 11. marts 2027 kl. 16.00–18.30" in slide_text(opening)
    assert f"Klyngemøde for {long_name}" in notes(opening)
    divider = next(s for s in presentation.slides if title(s).startswith("Blok 1:"))
    assert long_title.strip() in notes(divider).replace("\n", " ") or title(divider) == long_title


def test_long_reflection_lists_continue_on_another_slide(bundle: MeetingBundle) -> None:
    items = list(bundle.package.programme.items)
    questions = tuple(
        f"Spørgsmål {n}: hvordan kan klynge og kommune sammen gøre samarbejdet om "
        "akutfunktionen bedre for patienterne?"
        for n in range(1, 25)
    )
    items[1] = attrs.evolve(items[1], reflection_questions=questions)
    package = attrs.evolve(
        bundle.package, programme=attrs.evolve(bundle.package.programme, items=tuple(items))
    )
    presentation = build_deck(attrs.evolve(bundle, package=package))
    names = titles(presentation)
    assert "Fælles dialog (fortsat)" in names
    continued = "\n".join(
        slide_text(s) for s in presentation.slides if title(s).startswith("Fælles dialog")
    )
    for question in questions:
        assert question in continued
    assert overflowing(presentation, Measure()) == []


# -- templates ------------------------------------------------------------------------------


def renamed_template(
    folder: Path, names: dict[str, str], *, font: str = "", suffix: str = ".pptx"
) -> Path:
    """The built-in template with layouts renamed (and the theme font changed)."""
    presentation = Presentation(str(TEMPLATE))
    for layout in presentation.slide_layouts:
        if layout.name in names:
            layout._element.cSld.set("name", names[layout.name])
    buffer = io.BytesIO()
    presentation.save(buffer)
    data = buffer.getvalue()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            content = source.read(info)
            if font and info.filename.startswith("ppt/theme/"):
                content = content.replace(b'typeface="Calibri"', f'typeface="{font}"'.encode())
            if suffix == ".potx" and info.filename == "[Content_Types].xml":
                content = content.replace(
                    b"presentationml.presentation.main+xml", b"presentationml.template.main+xml"
                )
            target.writestr(info, content)
    path = folder / f"template{suffix}"
    path.write_bytes(out.getvalue())
    return path


DANISH = {
    "Title Slide": "Titeldias",
    "Section Header": "Sektionsoverskrift",
    "Title and Content": "Titel og indhold",
    "Title Only": "Kun titel",
}


def test_a_template_with_danish_layout_names_and_another_font(
    bundle: MeetingBundle, tmp_path: Path
) -> None:
    template = renamed_template(tmp_path, DANISH, font="Arial")
    presentation = exported(bundle, tmp_path, template=str(template))
    layouts = {slide.slide_layout.name for slide in presentation.slides}
    assert layouts == set(DANISH.values())
    assert overflowing(presentation, Measure(OTHER_FONT_FACTOR)) == []


def test_a_potx_template_is_accepted(bundle: MeetingBundle, tmp_path: Path) -> None:
    template = renamed_template(tmp_path, {}, suffix=".potx")
    with zipfile.ZipFile(template) as archive:
        assert b"template.main+xml" in archive.read("[Content_Types].xml")
    presentation = exported(bundle, tmp_path, template=str(template))
    assert titles(presentation)[:2] == ["Kommunale akutfunktioner", "Program"]


def test_the_templates_own_slides_are_removed(bundle: MeetingBundle, tmp_path: Path) -> None:
    source = Presentation(str(TEMPLATE))
    example = source.slides.add_slide(source.slide_layouts[0])
    example.shapes.title.text = "Eksempel fra skabelonen"
    path = tmp_path / "with-slide.pptx"
    source.save(str(path))
    presentation = exported(bundle, tmp_path, template=str(path))
    assert "Eksempel fra skabelonen" not in titles(presentation)
    assert titles(presentation)[0] == "Kommunale akutfunktioner"


def test_a_template_without_a_needed_layout_is_a_clear_error(
    bundle: MeetingBundle, tmp_path: Path
) -> None:
    template = renamed_template(tmp_path, {"Title Only": "Bare en titel"})
    with pytest.raises(ExportError) as caught:
        export(bundle, "pptx", tmp_path / "deck.pptx", options={"template": str(template)})
    message = str(caught.value)
    assert str(template) in message
    assert "'title_only'" in message
    assert "'Title Only' or 'Kun titel'" in message
    assert "'Bare en titel'" in message
    assert not (tmp_path / "deck.pptx").exists()


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("missing.pptx", None, "cannot be read"),
        ("notes.txt", b"hello", "expected a .pptx or .potx"),
        ("broken.pptx", b"not a zip", "not a PowerPoint file"),
    ],
)
def test_unusable_template_files_are_clear_errors(
    bundle: MeetingBundle, tmp_path: Path, name: str, content: bytes | None, expected: str
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(ExportError, match=expected) as caught:
        build_deck(bundle, template=path)
    assert str(path) in str(caught.value)


def test_the_layout_mapping_is_documented() -> None:
    docs = (PLUGIN.parents[1] / "docs" / "deck.md").read_text(encoding="utf-8")
    for role, names in LAYOUT_NAMES.items():
        assert f"`{role}`" in docs
        for name in names:
            assert name in docs


def test_the_built_in_template_is_what_the_script_makes() -> None:
    script = PLUGIN / "scripts" / "make_template.py"
    spec = importlib.util.spec_from_file_location("make_template", script)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.make_template() == TEMPLATE.read_bytes()
    presentation = Presentation(str(TEMPLATE))
    assert (presentation.slide_width, presentation.slide_height) == (12192000, 6858000)
    assert len(presentation.slides) == 0


# -- the pieces ------------------------------------------------------------------------------


def test_clean_text_removes_what_xml_cannot_hold() -> None:
    assert clean_text("a\x00b\x08c\x0bd\x0ce\x1ff\x7fg\x85h\ud800i\ufffej") == "abc d efghij"
    assert clean_text("one\r\ntwo\rthree\tfour") == "one\ntwo\nthree four"
    text = "Æble, øl og å – “citat” ✓"
    assert clean_text(text) is text


def test_clean_model_returns_the_same_object_when_nothing_changes(bundle: MeetingBundle) -> None:
    assert clean_model(bundle) is bundle


def test_wrapping_breaks_at_spaces_and_inside_words_too_long_for_a_line() -> None:
    lines = wrap("kort " * 40, 200, 20)
    assert len(lines) > 1
    assert all(Measure().width(line, 20) <= 200 for line in lines)
    long_word = "Akutfunktionssamarbejdsaftale" * 3
    pieces = wrap(long_word, 150, 20)
    assert "".join(pieces) == long_word
    assert all(Measure().width(piece, 20) <= 150 for piece in pieces)


def test_shorten_ends_with_an_ellipsis_within_the_lines_given() -> None:
    text = "Kommunale akutfunktioner og samarbejdet med almen praksis " * 5
    short = shorten(text, 300, 28, 2, bold=True)
    assert short.endswith("…")
    assert len(wrap(short, 300, 28, bold=True)) <= 2
    assert shorten("Kort", 300, 28, 1) == "Kort"


def test_the_line_height_is_read_from_the_font() -> None:
    assert pytest.approx((1536 + 512 + 452) / 2048) == LINE_HEIGHT
    measure = Measure()
    two_lines = [Paragraph("a", 20), Paragraph("b", 20, space_before=8)]
    assert paragraphs_height(two_lines, 500, measure) == pytest.approx(2 * LINE_HEIGHT * 20 + 8)


def test_answers_that_were_not_counted_are_mentioned_in_the_notes(bundle: MeetingBundle) -> None:
    assert bundle.survey is not None
    warning = "forslag: 2 svar passer ikke til spørgsmålet (fx 'x') og er ikke talt med"
    survey = attrs.evolve(bundle.survey, warnings=(warning,))
    presentation = build_deck(attrs.evolve(bundle, survey=survey))
    sections = {section.title for section in survey.sections}
    data_slides = [s for s in presentation.slides if title(s) in sections]
    assert data_slides
    for slide in data_slides:
        assert f"Bemærk om besvarelserne: {warning}" in notes(slide)
