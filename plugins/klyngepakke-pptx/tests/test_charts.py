"""The deck's native charts, built on a blank presentation and read back with python-pptx."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
import pytest
from pptx import Presentation
from pptx.enum.chart import XL_CHART_TYPE
from pptx.util import Inches

from klyngepakke.api import get_package
from klyngepakke.bundle import MeetingBundle
from klyngepakke.demo import synthetic_bundle
from klyngepakke.errors import ExportError
from klyngepakke.metrics.results import ClusterView, Period
from klyngepakke.model import QuestionKind
from klyngepakke.survey_results import (
    OptionChange,
    OptionCount,
    Presence,
    QuestionChange,
    QuestionResult,
    ScaleSummary,
)
from klyngepakke_pptx import _charts as charts
from klyngepakke_pptx._charts import Box, ChartResult

C = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
WIDE = Box(Inches(0.5), Inches(1.4), Inches(12.3), Inches(5.6))


@pytest.fixture(scope="module")
def bundle() -> MeetingBundle:
    return synthetic_bundle(get_package("akutfunktioner"), baseline=True)


@pytest.fixture(scope="module")
def view(bundle: MeetingBundle) -> ClusterView:
    assert bundle.metrics is not None
    return bundle.metrics


def ratings_by_scale(bundle: MeetingBundle) -> dict[tuple[str, ...], list[QuestionResult]]:
    assert bundle.survey is not None
    groups: dict[tuple[str, ...], list[QuestionResult]] = {}
    for question in bundle.survey.questions():
        if charts.is_rating(question):
            groups.setdefault(charts.rating_scale(question), []).append(question)
    return groups


def build(draw: Callable[[Any, Box], ChartResult], box: Box = WIDE) -> tuple[Any, ChartResult]:
    """Draw a chart on a blank slide, save, reopen: the reopened chart and the result."""
    presentation = Presentation()
    presentation.slide_width, presentation.slide_height = Inches(13.333), Inches(7.5)
    slide = presentation.slides.add_slide(presentation.slide_layouts[6])
    result = draw(slide, box)
    assert result.frame.has_chart
    buffer = io.BytesIO()
    presentation.save(buffer)
    reopened = Presentation(io.BytesIO(buffer.getvalue()))
    (frame,) = reopened.slides[0].shapes
    return frame.chart, result


def fill_colour(series: Any) -> str:
    return str(series._element.find(f"{C}spPr/{A}solidFill/{A}srgbClr").get("val"))


def line_of(series: Any) -> Any:
    return series._element.find(f"{C}spPr/{A}ln")


def x_values(series: Any) -> list[float]:
    return [float(v.text) for v in series._element.findall(f"{C}xVal//{C}pt/{C}v")]


def point_labels(series: Any) -> dict[int, Any]:
    return {
        int(label.find(f"{C}idx").get("val")): label
        for label in series._element.findall(f"{C}dLbls/{C}dLbl")
    }


def workbook_cells(chart: Any) -> dict[str, str]:
    """The embedded workbook's cells (reference → text), read as plain XML."""
    blob = chart.part.chart_workbook.xlsx_part.blob
    with zipfile.ZipFile(io.BytesIO(blob)) as package:
        sheet = package.read("xl/worksheets/sheet1.xml").decode()
    return {
        reference: re.sub(r"<[^>]+>", "", body)
        for reference, body in re.findall(r'<c r="([A-Z]+\d+)"[^>]*>(.*?)</c>', sheet)
    }


def scale_question(code: str, counts: list[int], *, off_scale: int = 0) -> QuestionResult:
    labels = ["Meget uenig", "Uenig", "Hverken eller", "Enig", "Meget enig"]
    answered = sum(counts) + off_scale
    options = [
        OptionCount(str(i + 1), label, count, 100 * count / answered, 100 * count / answered, i + 1)
        for i, (label, count) in enumerate(zip(labels, counts, strict=True))
    ]
    if off_scale:
        share = 100 * off_scale / answered
        options.append(OptionCount("vi", "Ved ikke", off_scale, share, share))
    return QuestionResult(
        code,
        f"Spørgsmål {code}",
        QuestionKind.SCALE,
        answered,
        answered,
        tuple(options),
        ScaleSummary(1, 5, sum(counts), 3.0, ("Ved ikke",) if off_scale else ()),
    )


# -- which chart ------------------------------------------------------------------------------


def test_every_choice_and_scale_question_has_a_chart_and_free_text_has_none(
    bundle: MeetingBundle,
) -> None:
    assert bundle.survey is not None
    for question in bundle.survey.questions():
        assert charts.has_chart(question) is question.kind.has_options
        assert charts.is_rating(question) is (question.kind is QuestionKind.SCALE)
    number = QuestionResult("alder", "Alder", QuestionKind.NUMBER, 10, 10)
    unanswered = attrs.evolve(scale_question("x", [1, 1, 1, 1, 1]), answered=0)
    assert not charts.has_chart(number)
    assert not charts.has_chart(unanswered)


def test_rating_scale_puts_answers_off_the_scale_last() -> None:
    question = scale_question("q", [1, 2, 3, 4, 5], off_scale=2)
    reordered = attrs.evolve(question, options=(question.options[-1], *question.options[:-1]))
    assert charts.rating_scale(reordered) == (
        "Meget uenig",
        "Uenig",
        "Hverken eller",
        "Enig",
        "Meget enig",
        "Ved ikke",
    )


def test_rating_colours_follow_the_diverging_ramp_with_a_neutral_middle() -> None:
    assert charts.rating_colours(5) == charts.RATING_RAMP
    assert charts.rating_colours(3) == ("CA0020", "D9D9D9", "0571B0")
    seven = charts.rating_colours(7)
    assert seven[0] == "CA0020"
    assert seven[3] == "D9D9D9"
    assert seven[-1] == "0571B0"
    assert len(set(seven)) == 7
    four = charts.rating_colours(4)
    assert four[0] == "CA0020"
    assert four[-1] == "0571B0"
    assert "D9D9D9" not in four
    assert charts.rating_colours(1) == ("D9D9D9",)
    assert charts.rating_colours(0) == ()


# -- rating charts ----------------------------------------------------------------------------


def test_rating_chart_stacks_each_question_in_scale_order(bundle: MeetingBundle) -> None:
    questions = max(ratings_by_scale(bundle).values(), key=len)
    scale = charts.rating_scale(questions[0])
    chart, result = build(lambda slide, box: charts.rating_chart(slide, box, questions))

    assert chart.chart_type == XL_CHART_TYPE.BAR_STACKED_100
    plot = chart.plots[0]
    assert [series.name for series in plot.series] == list(scale)
    categories = list(plot.categories)
    full = {full: shown for shown, full in result.shortened}
    for question, category in zip(questions, categories, strict=True):
        label = f"{question.text} (n\u00a0=\u00a0{question.answered})"
        assert category == full.get(label, label)
    for position, series in enumerate(plot.series):
        expected = [
            next(o for o in q.options if o.label == scale[position]).percent_of_answered
            for q in questions
        ]
        assert series.values == pytest.approx(expected)
    for question_index in range(len(questions)):
        assert sum(series.values[question_index] for series in plot.series) == pytest.approx(100)


def test_rating_chart_colours_and_labels(bundle: MeetingBundle) -> None:
    questions = next(q for scale, q in ratings_by_scale(bundle).items() if "Ved ikke" in scale)
    chart, _ = build(lambda slide, box: charts.rating_chart(slide, box, questions))
    series = list(chart.plots[0].series)
    colours = [fill_colour(s) for s in series]
    assert colours == [*charts.RATING_RAMP, charts.OFF_SCALE_COLOUR]
    for one in series:
        labels = one._element.find(f"{C}dLbls")
        assert labels.find(f"{C}numFmt").get("formatCode") == '0" %"'
        assert labels.find(f"{C}showVal").get("val") == "1"
        hidden = {
            index
            for index, label in point_labels(one).items()
            if label.find(f"{C}delete") is not None
        }
        assert hidden == {i for i, value in enumerate(one.values) if value < 5}
    # white on the dark ends, the text colour on the light segments
    label_colours = [s._element.find(f"{C}dLbls/{C}txPr//{A}srgbClr").get("val") for s in series]
    text = charts.TEXT_COLOUR
    assert label_colours == ["FFFFFF", text, text, text, "FFFFFF", text]


def test_rating_chart_labels_a_segment_under_five_percent_not() -> None:
    question = scale_question("lille", [1, 30, 30, 30, 9])
    chart, _ = build(lambda slide, box: charts.rating_chart(slide, box, [question]))
    first = chart.plots[0].series[0]
    assert first.values[0] == pytest.approx(1)
    assert point_labels(first)[0].find(f"{C}delete").get("val") == "1"
    assert point_labels(chart.plots[0].series[1]) == {}


def test_a_narrow_rating_chart_labels_only_segments_wide_enough_for_a_label() -> None:
    question = scale_question("smal", [7, 31, 31, 24, 7])
    narrow = Box(Inches(1), Inches(1), Inches(4), Inches(3))
    chart, _ = build(lambda slide, box: charts.rating_chart(slide, box, [question]), narrow)
    hidden = [
        series.name
        for series in chart.plots[0].series
        if 0 in point_labels(series) and point_labels(series)[0].find(f"{C}delete") is not None
    ]
    assert hidden == ["Meget uenig", "Meget enig"]


def test_few_bars_are_not_drawn_as_slabs(bundle: MeetingBundle) -> None:
    one = [scale_question("en", [1, 2, 3, 4, 5])]
    chart, _ = build(lambda slide, box: charts.rating_chart(slide, box, one))
    assert chart.plots[0].gap_width > 300
    assert bundle.survey is not None
    many = bundle.survey.question("patientgrupper_ikke_henvist")
    chart, _ = build(lambda slide, box: charts.choice_chart(slide, box, many), WIDE)
    assert chart.plots[0].gap_width == 50


def test_rating_chart_title_and_value_axis(bundle: MeetingBundle) -> None:
    questions = next(iter(ratings_by_scale(bundle).values()))
    chart, _ = build(
        lambda slide, box: charts.rating_chart(slide, box, questions, title="Kendskab")
    )
    assert chart.has_title
    assert chart.chart_title.text_frame.text == "Kendskab"
    assert chart.value_axis.tick_labels.number_format == '0" "%'
    assert chart.category_axis.reverse_order
    assert chart.value_axis._element.find(f"{C}crosses").get("val") == "max"
    assert chart.has_legend
    assert chart.legend.font.size.pt >= 12
    assert chart.category_axis.tick_labels.font.size.pt >= 12


def test_rating_chart_refuses_questions_it_cannot_draw(bundle: MeetingBundle) -> None:
    groups = list(ratings_by_scale(bundle).values())
    mixed = [groups[0][0], groups[1][0]]
    with pytest.raises(ExportError, match=f"{mixed[1].code!r} have different scales"):
        build(lambda slide, box: charts.rating_chart(slide, box, mixed))
    assert bundle.survey is not None
    choice = bundle.survey.question("rolle")
    with pytest.raises(ExportError, match=r"'rolle'.*not a rating scale"):
        build(lambda slide, box: charts.rating_chart(slide, box, [choice]))
    with pytest.raises(ExportError, match="at least one question"):
        build(lambda slide, box: charts.rating_chart(slide, box, []))


def test_control_characters_are_refused_with_the_question_named() -> None:
    question = attrs.evolve(scale_question("styr", [1, 2, 3, 4, 5]), text="Klokke\x07 i tekst")
    with pytest.raises(ExportError, match=r"question 'styr'.*U\+0007 at position 7"):
        build(lambda slide, box: charts.rating_chart(slide, box, [question]))


# -- label shortening -------------------------------------------------------------------------


def test_shorten_label_keeps_what_fits_and_cuts_at_a_word() -> None:
    assert charts.shorten_label("Kort tekst", 20, 1) == "Kort tekst"
    text = "Hvor enig eller uenig er du i, at akutfunktionen har kapacitet nok"
    short = charts.shorten_label(text, 20, 2)
    assert short.endswith("…")
    assert len(short) <= 40
    assert text.startswith(short[:-1].rstrip())
    assert not short[:-1].endswith(" ")
    with_end = charts.shorten_label(text, 20, 2, end=" (n = 38)")
    assert with_end.endswith("… (n = 38)")
    assert len(with_end) <= 40


def test_long_labels_in_a_small_box_are_shortened_and_returned(bundle: MeetingBundle) -> None:
    questions = max(ratings_by_scale(bundle).values(), key=len)
    small = Box(Inches(1), Inches(1), Inches(6), Inches(3))
    chart, result = build(lambda slide, box: charts.rating_chart(slide, box, questions), small)
    assert result.shortened
    shown = list(chart.plots[0].categories)
    for short, full in result.shortened:
        assert short in shown
        assert short.endswith(")")
        assert "…" in short
        assert len(short) < len(full)
        assert full.startswith(short.split("…")[0].rstrip())
    assert all(
        full in {f"{q.text} (n\u00a0=\u00a0{q.answered})" for q in questions}
        for _, full in result.shortened
    )


# -- choice charts ----------------------------------------------------------------------------


def test_choice_chart_sorts_largest_on_top_keeping_ties_in_order(bundle: MeetingBundle) -> None:
    assert bundle.survey is not None
    question = bundle.survey.question("patientgrupper_ikke_henvist")
    chart, _ = build(lambda slide, box: charts.choice_chart(slide, box, question))
    assert chart.chart_type == XL_CHART_TYPE.BAR_CLUSTERED
    expected = sorted(question.options, key=lambda option: -option.count)
    (series,) = chart.plots[0].series
    assert list(chart.plots[0].categories) == [option.label for option in expected]
    assert series.values == pytest.approx([option.percent for option in expected])
    tied = [o.label for o in question.options if o.count == 17]
    assert [label for label in chart.plots[0].categories if label in tied] == tied
    assert chart.category_axis.reverse_order
    title = chart.value_axis.axis_title.text_frame.text
    assert title.startswith("Procent af de 38, der fik spørgsmålet")
    assert "over 100 %" in title
    assert fill_colour(series) == charts.ACCENT_COLOUR


def test_single_choice_axis_does_not_mention_sums(bundle: MeetingBundle) -> None:
    assert bundle.survey is not None
    question = bundle.survey.question("rolle")
    chart, _ = build(lambda slide, box: charts.choice_chart(slide, box, question))
    assert chart.value_axis.axis_title.text_frame.text == "Procent af de 38, der fik spørgsmålet"


@pytest.mark.parametrize("code", ["kendskab_akutfunktion", "forslag"])
def test_choice_chart_refuses_scales_and_text(bundle: MeetingBundle, code: str) -> None:
    assert bundle.survey is not None
    question = bundle.survey.question(code)
    with pytest.raises(ExportError, match=f"'{code}' is a"):
        build(lambda slide, box: charts.choice_chart(slide, box, question))


# -- practice rates ---------------------------------------------------------------------------


def test_practice_rate_chart_bars_and_reference_lines(view: ClusterView) -> None:
    chart, result = build(lambda slide, box: charts.practice_rate_chart(slide, box, view))
    bars, lines = chart.plots
    assert bars._element.tag == f"{C}barChart"
    assert lines._element.tag == f"{C}lineChart"
    (practices,) = bars.series
    assert practices.name == "Praksis"
    assert practices.values == tuple(p.rate for p in view.practices)
    assert any(p.suppressed for p in view.practices)  # the data holds hidden rates
    for practice, category in zip(view.practices, bars.categories, strict=True):
        letter = practice.pseudonym.removeprefix("Praksis ")
        assert category == (f"{letter} (..)" if practice.suppressed else letter)
        if practice.suppressed:
            assert practice.rate is None
    cluster_rate = view.cluster_metric.pooled.rate
    region_rate = view.region_metric.pooled.rate
    assert cluster_rate is not None
    assert region_rate is not None
    cluster, region = lines.series
    assert cluster.name == "Klyngen (18,7)"
    assert region.name == "Regionen (18,8)"
    assert cluster.values == pytest.approx([cluster_rate] * len(view.practices))
    assert region.values == pytest.approx([region_rate] * len(view.practices))
    assert line_of(cluster).find(f"{A}solidFill/{A}srgbClr").get("val") == "C55A11"
    assert line_of(cluster).find(f"{A}prstDash") is None
    assert line_of(region).find(f"{A}solidFill/{A}srgbClr").get("val") == "7F7F7F"
    assert line_of(region).find(f"{A}prstDash").get("val") == "dash"
    # the line chart shares the bar chart's axes
    axes = [a.get("val") for a in bars._element.findall(f"{C}axId")]
    assert [a.get("val") for a in lines._element.findall(f"{C}axId")] == axes
    assert chart.category_axis.axis_title.text_frame.text == "Praksis"
    assert chart.value_axis.axis_title.text_frame.text == "Ydelser pr. 1000"
    assert "[$-406]" in practices._element.find(f"{C}dLbls/{C}numFmt").get("formatCode")
    assert result.shortened == ()


def test_practice_rate_chart_keeps_full_names_when_they_fit(view: ClusterView) -> None:
    few = attrs.evolve(view, practices=view.practices[:4])
    chart, _ = build(lambda slide, box: charts.practice_rate_chart(slide, box, few))
    assert list(chart.plots[0].categories) == [
        f"{p.pseudonym} (..)" if p.suppressed else p.pseudonym for p in few.practices
    ]
    assert not chart.category_axis.has_title


def test_a_hidden_cluster_rate_has_no_line(view: ClusterView) -> None:
    hidden = attrs.evolve(
        view,
        cluster_metric=attrs.evolve(
            view.cluster_metric,
            pooled=attrs.evolve(view.cluster_metric.pooled, rate=None, suppressed=True),
        ),
    )
    chart, _ = build(lambda slide, box: charts.practice_rate_chart(slide, box, hidden))
    assert [s.name for s in chart.plots[1].series] == ["Regionen (18,8)"]


def test_practice_rate_chart_workbook_holds_the_data(view: ClusterView) -> None:
    chart, _ = build(lambda slide, box: charts.practice_rate_chart(slide, box, view))
    cells = workbook_cells(chart)
    assert cells["B1"] == "Praksis"
    assert cells["C1"] == "Klyngen (18,7)"
    assert cells["D1"] == "Regionen (18,8)"
    for row, practice in enumerate(view.practices, start=2):
        assert cells[f"A{row}"] == list(chart.plots[0].categories)[row - 2]
        if practice.rate is None:
            assert f"B{row}" not in cells
        else:
            assert float(cells[f"B{row}"]) == pytest.approx(practice.rate)


def test_the_embedded_workbook_opens_in_a_spreadsheet_reader(view: ClusterView) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    chart, _ = build(lambda slide, box: charts.practice_rate_chart(slide, box, view))
    blob = chart.part.chart_workbook.xlsx_part.blob
    sheet = openpyxl.load_workbook(io.BytesIO(blob)).active
    assert sheet.title == "Sheet1"
    assert [cell.value for cell in sheet[1]] == [
        None,
        "Praksis",
        "Klyngen (18,7)",
        "Regionen (18,8)",
    ]
    rates = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert rates == [practice.rate for practice in view.practices]
    assert sheet["B3"].number_format == charts.RATE_FORMAT


# -- funnel -----------------------------------------------------------------------------------


def test_funnel_series_order_and_values(view: ClusterView) -> None:
    chart, _ = build(lambda slide, box: charts.funnel_chart(slide, box, view))
    assert chart.chart_type in (
        XL_CHART_TYPE.XY_SCATTER_SMOOTH_NO_MARKERS,
        XL_CHART_TYPE.XY_SCATTER,
    )
    series = list(chart.plots[0].series)
    assert [s.name for s in series] == [
        "Regionens rate (18,8)",
        "95 %-grænser",
        "95 %-grænser (nedre)",
        "99,8 %-grænser",
        "99,8 %-grænser (nedre)",
        "Praksis",
    ]
    lengths = [len(s.values) for s in series]
    assert lengths[0] == max(lengths)  # LibreOffice draws no series after a longer first one
    target, *limits, dots = series
    assert target.values == pytest.approx([view.funnel.target_rate] * len(target.values))
    shown = [p for p in view.practices if p.rate is not None]
    assert dots.values == pytest.approx([p.rate for p in shown])
    assert x_values(dots) == pytest.approx([p.list_size for p in shown])
    assert dots._element.find(f"{C}marker/{C}symbol").get("val") == "circle"
    assert dots._element.find(f"{C}spPr/{A}ln/{A}noFill") is not None
    texts = [label.find(f".//{A}t").text for label in point_labels(dots).values()]
    assert texts == [p.pseudonym.removeprefix("Praksis ") for p in shown]
    curve = view.funnel.curve
    upper_95 = limits[0]
    assert x_values(upper_95)[0] == pytest.approx(curve[0].population, abs=0.1)
    assert x_values(upper_95)[-1] == pytest.approx(curve[-1].population, abs=0.1)
    assert upper_95.values[0] == pytest.approx(curve[0].upper_95, abs=0.001)
    assert limits[3].values[-1] == pytest.approx(curve[-1].lower_998, abs=0.001)
    for limit, colour in zip(limits, ("F4B183", "F4B183", "C55A11", "C55A11"), strict=True):
        assert line_of(limit).find(f"{A}solidFill/{A}srgbClr").get("val") == colour
        assert line_of(limit).find(f"{A}prstDash").get("val") == "dash"
        assert limit._element.find(f"{C}smooth").get("val") == "1"
    assert dots._element.find(f"{C}smooth").get("val") == "0"
    hidden = chart.legend._element.findall(f"{C}legendEntry")
    assert sorted(int(e.find(f"{C}idx").get("val")) for e in hidden) == [2, 4]
    assert chart.category_axis.axis_title.text_frame.text == "Gruppe 1-sikrede (listestørrelse)"
    assert chart.value_axis.axis_title.text_frame.text == "Ydelser pr. 1000"


def test_banded_funnel_places_practices_in_their_band(view: ClusterView) -> None:
    banded = attrs.evolve(
        view,
        banded=True,
        practices=tuple(
            attrs.evolve(p, list_size=None, count=None, lower=None, upper=None)
            for p in view.practices
        ),
    )
    chart, _ = build(lambda slide, box: charts.funnel_chart(slide, box, banded))
    series = {s.name: s for s in chart.plots[0].series}
    assert list(series)[-1] == "Praksis"
    band_line = series["Listestørrelsesinterval"]
    dots = series["Praksis"]
    shown = [p for p in view.practices if p.rate is not None]
    smallest, largest = view.funnel.curve[0].population, view.funnel.curve[-1].population
    for practice, x in zip(shown, x_values(dots), strict=True):
        assert practice.list_size is not None
        band = practice.list_size_band
        numbers = [int(n.replace(".", "")) for n in re.findall(r"[\d.]+", band)]
        low = max(numbers[0] if not band.startswith("under") else smallest, smallest)
        high = min(numbers[-1] if "–" in band or band.startswith("under") else largest, largest)
        assert low <= x <= high
    assert len(band_line.values) == 3 * len(shown)
    assert {label.find(f"{C}dLblPos").get("val") for label in point_labels(dots).values()} == {"t"}
    lengths = [len(s.values) for s in series.values()]
    assert lengths[0] == max(lengths)


def test_a_funnel_without_limits_is_an_error(view: ClusterView) -> None:
    empty = attrs.evolve(view, funnel=attrs.evolve(view.funnel, curve=()))
    with pytest.raises(ExportError, match="no limits"):
        build(lambda slide, box: charts.funnel_chart(slide, box, empty))


# -- changes ----------------------------------------------------------------------------------


def test_practice_change_chart_pairs_baseline_and_follow_up(view: ClusterView) -> None:
    chart, _ = build(lambda slide, box: charts.practice_change_chart(slide, box, view))
    assert chart.chart_type == XL_CHART_TYPE.COLUMN_CLUSTERED
    before, after = chart.plots[0].series
    assert (before.name, after.name) == ("2025", "2026")
    changes = {c.name: c for c in view.changes if c.level is None}
    assert before.values == tuple(changes[p.pseudonym].baseline.rate for p in view.practices)
    assert after.values == tuple(changes[p.pseudonym].followup.rate for p in view.practices)
    assert (fill_colour(before), fill_colour(after)) == ("A6A6A6", "2E75B6")
    assert None in before.values  # hidden rates are gaps


def test_a_practice_that_joined_has_no_baseline_bar(view: ClusterView) -> None:
    joined = view.practices[1]
    fewer = attrs.evolve(view, changes=tuple(c for c in view.changes if c.name != joined.pseudonym))
    chart, _ = build(lambda slide, box: charts.practice_change_chart(slide, box, fewer))
    before, after = chart.plots[0].series
    assert list(chart.plots[0].categories)[1] == "B (ny)"
    assert before.values[1] is None
    assert after.values[1] == pytest.approx(joined.rate)


def test_practice_change_without_baseline_is_an_error(view: ClusterView) -> None:
    alone = attrs.evolve(view, changes=(), baseline_period=None)
    with pytest.raises(ExportError, match="no baseline"):
        build(lambda slide, box: charts.practice_change_chart(slide, box, alone))


def test_period_label() -> None:
    import datetime as dt

    assert charts.period_label(Period(dt.date(2025, 1, 1), dt.date(2025, 12, 31))) == "2025"
    half = Period(dt.date(2025, 1, 1), dt.date(2025, 6, 30))
    assert charts.period_label(half) == "1. januar–30. juni 2025"
    across = Period(dt.date(2024, 7, 1), dt.date(2025, 6, 30))
    assert charts.period_label(across) == "1. juli 2024–30. juni 2025"


def test_question_change_chart(bundle: MeetingBundle) -> None:
    comparison = bundle.survey_comparison
    assert comparison is not None
    change = comparison.question("kendskab_akutfunktion")
    chart, _ = build(lambda slide, box: charts.question_change_chart(slide, box, change))
    before, after = chart.plots[0].series
    assert (before.name, after.name) == ("Baseline", "Opfølgning")
    assert list(chart.plots[0].categories) == [o.label for o in change.options]
    assert before.values == pytest.approx([o.baseline_percent for o in change.options])
    assert after.values == pytest.approx([o.followup_percent for o in change.options])
    assert (fill_colour(before), fill_colour(after)) == ("A6A6A6", "2E75B6")


def test_question_change_marks_new_and_removed_options() -> None:
    change = QuestionChange(
        "q",
        "Spørgsmål",
        QuestionKind.SINGLE_CHOICE,
        Presence.BOTH,
        options=(
            OptionChange("a", "Ja", Presence.BOTH, 40.0, 50.0, 10.0),
            OptionChange("b", "Nej", Presence.REMOVED, 60.0, None),
            OptionChange("c", "Måske", Presence.ADDED, None, 50.0),
        ),
    )
    chart, _ = build(lambda slide, box: charts.question_change_chart(slide, box, change))
    assert list(chart.plots[0].categories) == ["Ja", "Nej (fjernet)", "Måske (ny)"]
    before, after = chart.plots[0].series
    assert before.values == (40.0, 60.0, None)
    assert after.values == (50.0, None, 50.0)
    added = QuestionChange("n", "Nyt", QuestionKind.SINGLE_CHOICE, Presence.ADDED)
    with pytest.raises(ExportError, match="'n' is only in the follow-up"):
        build(lambda slide, box: charts.question_change_chart(slide, box, added))


# -- the rendered deck ------------------------------------------------------------------------


@pytest.mark.render
def test_a_deck_with_every_chart_converts_to_one_page_per_slide(
    bundle: MeetingBundle, view: ClusterView, tmp_path: Path
) -> None:
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    survey, comparison = bundle.survey, bundle.survey_comparison
    assert survey is not None
    assert comparison is not None
    presentation = Presentation()
    presentation.slide_width, presentation.slide_height = Inches(13.333), Inches(7.5)
    drawings: list[Callable[[Any, Box], ChartResult]] = [
        lambda s, b: charts.rating_chart(s, b, max(ratings_by_scale(bundle).values(), key=len)),
        lambda s, b: charts.choice_chart(s, b, survey.question("henvisningsvej")),
        lambda s, b: charts.practice_rate_chart(s, b, view),
        lambda s, b: charts.funnel_chart(s, b, view),
        lambda s, b: charts.practice_change_chart(s, b, view),
        lambda s, b: charts.question_change_chart(
            s, b, comparison.question("kendskab_akutfunktion")
        ),
    ]
    for draw in drawings:
        draw(presentation.slides.add_slide(presentation.slide_layouts[6]), WIDE)
    deck = tmp_path / "diagrammer.pptx"
    presentation.save(str(deck))
    profile = (tmp_path / "libreoffice").as_uri()  # its own profile: soffice may be running
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(deck),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = (tmp_path / "diagrammer.pdf").read_bytes()
    assert len(re.findall(rb"/Type\s*/Page\b", pdf)) == len(drawings)
