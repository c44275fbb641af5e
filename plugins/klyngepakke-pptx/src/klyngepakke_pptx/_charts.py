"""Native, editable PowerPoint charts for the meeting deck.

Each public function adds one chart to a slide inside a :class:`Box` and returns a
:class:`ChartResult`: the chart's graphic frame and the category labels that had to be
shortened, as (shown, full) pairs the deck puts in the speaker notes. The charts are real
PowerPoint charts with their data in the embedded workbook, so a user can edit them.

Choices worth knowing
    *Colours* follow the deck's shared palette: rating scales on a colour-blind-safe diverging
    ramp (:func:`rating_colours`), answers off the scale ("Ved ikke") light grey; the cluster's
    rate solid orange, the reference group's (the region's, or the municipality's for a metric
    compared by municipality) grey and dashed; baseline grey and follow-up blue.

    *Numbers* are formatted with codes such as ``[$-406]0.0``: PowerPoint shows them with the
    viewer's decimal separator (a decimal comma in a Danish Office), and the ``[$-406]``
    (Danish) tag makes LibreOffice show a decimal comma and thousands full stop whatever its own
    locale. Percentages are whole numbers with a space before the sign (``42 %``), which needs
    no separator at all. Text that PowerPoint does not format (series names such as
    ``Klyngen (18,7)``) is written with a decimal comma here.

    *Sizes*: axis labels and legends 14 pt (category labels 12 pt where a bar is too thin
    for two lines of 14 pt), data labels and axis titles 12 pt, a chart title 16 pt.

    *Label shortening*: a category label gets a character budget from the box and the font
    size, assuming a character is 0.47 em wide on average (the widest average measured with
    Carlito, metric-compatible with Calibri, over the questionnaire texts of the akutfunktioner
    package; the mean is 0.41 em). Horizontal bars give their labels at most 40 % of the box
    width and as many lines (at most 3) as a bar's share of the plot height holds at 1.2 em per
    line; the label is word-wrapped into that many lines and, if it needs more, cut at a word
    and ended with "…" (an ending such as ``(n = 38)`` is kept whole). The plot area is then
    placed by hand next to the widest label, so PowerPoint and LibreOffice wrap the labels
    where the budget assumed (left alone, both give long labels most of the width). Column
    charts give a label one line as wide as its column; practice names that do not fit lose
    the common prefix "Praksis " (the axis is titled "Praksis" instead), which is not reported
    as shortening since nothing is lost.

    *Data labels* on rating segments: only where the segment is at least 5 % and, in a narrow
    chart, at least as wide as a label such as ``24 %``; white on the dark ends of the ramp.

    *Gaps*: a hidden (suppressed) rate, an option not asked in one round, a practice that
    joined since the baseline: the value is left empty (a gap, never 0) and the category says
    why: ``(..)``, ``(ny)``, ``(fjernet)``.

    *Funnel in a small cluster*: where only list-size bands may be shown, a practice's marker
    sits in the middle of its band (clipped to the funnel's range) with a line across the band.

    *LibreOffice* (7.4) leaves out a scatter series that comes before a series with more
    points, so the funnel's target line comes first with at least as many points as any other
    series, and the practices come last. python-pptx has no combined bar and line chart: the
    reference lines are series moved from the bar chart into a ``c:lineChart`` on the same axes
    (their data stays in the workbook). LibreOffice lists the series of horizontal clustered
    bars bottom-up in the legend, so there the legend reads "Opfølgning, Baseline".

    *Speed*: python-pptx writes a chart's workbook with XlsxWriter and styles a chart property
    by property; both cost milliseconds per chart. Here the workbook is written as a minimal
    SpreadsheetML package from the cells python-pptx lays out, and series are styled by
    writing their XML, so a chart takes about 3 ms (the funnel about 5 ms).

Percentages: rating bars use the percentage of those who *answered* (the segments of a bar
then add up to 100); choice bars and baseline/follow-up bars use the percentage of those who
*saw* the question, as :mod:`klyngepakke.survey_results` reports them.
"""

from __future__ import annotations

import io
import math
import re
import textwrap
import zipfile
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, Final, cast
from xml.sax.saxutils import escape, quoteattr

import attrs
from pptx.chart.data import CategoryChartData, XyChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import (
    XL_CHART_TYPE,
    XL_LEGEND_POSITION,
)
from pptx.oxml import parse_xml
from pptx.util import Emu, Pt

from klyngepakke.danish import format_date
from klyngepakke.errors import ExportError
from klyngepakke.metrics.privacy import HIDDEN_MARK
from klyngepakke.metrics.results import ClusterView, FunnelData, GroupLevel, Period, ShownChange
from klyngepakke.model import QuestionKind, ReferenceLevel
from klyngepakke.survey_results import OptionCount, Presence, QuestionChange, QuestionResult
from klyngepakke_pptx._format import count, decimal

if TYPE_CHECKING:
    from pptx.chart.chart import Chart
    from pptx.shapes.graphfrm import GraphicFrame
    from pptx.slide import Slide

__all__ = [
    "OFF_SCALE_COLOUR",
    "RATING_RAMP",
    "Box",
    "ChartResult",
    "choice_chart",
    "funnel_chart",
    "has_chart",
    "is_rating",
    "period_label",
    "practice_change_chart",
    "practice_rate_chart",
    "question_change_chart",
    "rating_chart",
    "rating_colours",
    "rating_scale",
    "reference_label",
    "shorten_label",
]

# -- the shared visual language ---------------------------------------------------------------

TEXT_COLOUR: Final = "1B2A41"
TITLE_COLOUR: Final = "1F4E79"
ACCENT_COLOUR: Final = "2E75B6"
CLUSTER_COLOUR: Final = "C55A11"
REGION_COLOUR: Final = "7F7F7F"
BASELINE_COLOUR: Final = "A6A6A6"
FOLLOWUP_COLOUR: Final = "2E75B6"
RATING_RAMP: Final = ("CA0020", "F4A582", "D9D9D9", "92C5DE", "0571B0")
"""Five points from negative to positive; other lengths are interpolated on it."""
OFF_SCALE_COLOUR: Final = "E7E6E6"
PRACTICE_COLOUR: Final = "1F4E79"
LIMIT_95_COLOUR: Final = "F4B183"
LIMIT_998_COLOUR: Final = "C55A11"
TARGET_COLOUR: Final = "7F7F7F"
GRID_COLOUR: Final = "D9D9D9"
AXIS_LINE_COLOUR: Final = "A6A6A6"
WHITE: Final = "FFFFFF"

FONT_NAME: Final = "Calibri"
LABEL_PT: Final = 14
"""Axis labels, legends: readable on a projector."""
SMALL_PT: Final = 12
"""Data labels, axis titles, and axis labels where 14 pt leaves no room: the smallest used."""
TITLE_PT: Final = 16

PERCENT_FORMAT: Final = '0" %"'
"""A value 0–100 as ``42 %``."""
FRACTION_PERCENT_FORMAT: Final = '0" "%'
"""A fraction 0–1 as ``42 %`` (the axis of a 100 % stacked chart)."""
RATE_FORMAT: Final = "[$-406]0.0"
WHOLE_FORMAT: Final = "[$-406]#,##0"

CHAR_WIDTH_EM: Final = 0.47
LINE_HEIGHT_EM: Final = 1.2
MAX_LABEL_LINES: Final = 3
LABEL_SHARE: Final = 0.4
"""The share of the box width the category labels of horizontal bars may take."""
BASELINE_NAME: Final = "Baseline"
FOLLOWUP_NAME: Final = "Opfølgning"
MAX_BAR_PT: Final = 48
"""The thickest a horizontal bar is drawn (points)."""
CURVE_POINTS: Final = 50
"""At most this many points of the funnel's grid are drawn (every n-th, and the last)."""
LABEL_THRESHOLD: Final = 5.0
"""Rating segments narrower than this (percent) get no data label; in a narrow chart, nor do
segments narrower than a label such as ``24 %`` at 12 pt."""

_PRACTICE_PREFIX: Final = "Praksis "
_NBSP: Final = "\u00a0"
"""Keeps ``(n = 38)`` on one line when a label wraps."""
_EMU_PER_PT: Final = 12700
_VALUE_AXIS_WIDTH_PT: Final = 60.0
_XML_INVALID: Final = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


@attrs.frozen
class Box:
    """A position on the slide in EMU."""

    left: int
    top: int
    width: int
    height: int


@attrs.frozen
class ChartResult:
    """A chart added to a slide, and the labels shortened to fit it as (shown, full) pairs."""

    frame: GraphicFrame
    shortened: tuple[tuple[str, str], ...] = ()


# -- which questions get which chart ---------------------------------------------------------


def has_chart(question: QuestionResult) -> bool:
    """Whether the question can be drawn: a choice or scale question that somebody answered."""
    return question.kind.has_options and bool(question.options) and question.answered > 0


def is_rating(question: QuestionResult) -> bool:
    """Whether the question is drawn with :func:`rating_chart` (a scale with points)."""
    return (
        question.kind is QuestionKind.SCALE
        and question.scale is not None
        and any(option.value is not None for option in question.options)
    )


def rating_scale(question: QuestionResult) -> tuple[str, ...]:
    """The option labels in chart order: the scale's points, then answers off the scale.

    Questions with the same rating scale can share one :func:`rating_chart`.
    """
    return tuple(option.label for option in _rating_order(question.options))


def _rating_order(options: Sequence[OptionCount]) -> list[OptionCount]:
    on_scale = sorted((o for o in options if o.value is not None), key=lambda o: o.value or 0)
    return [*on_scale, *(o for o in options if o.value is None)]


def rating_colours(points: int) -> tuple[str, ...]:
    """``points`` colours from negative to positive on :data:`RATING_RAMP` (middle neutral)."""
    if points < 1:
        return ()
    if points == 1:
        return (RATING_RAMP[len(RATING_RAMP) // 2],)
    anchors = [_rgb(colour) for colour in RATING_RAMP]
    colours = []
    for index in range(points):
        position = index * (len(anchors) - 1) / (points - 1)
        low = min(int(position), len(anchors) - 2)
        fraction = position - low
        mixed = (
            round(a + (b - a) * fraction)
            for a, b in zip(anchors[low], anchors[low + 1], strict=True)
        )
        colours.append("".join(f"{channel:02X}" for channel in mixed))
    return tuple(colours)


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[0:2], 16), int(colour[2:4], 16), int(colour[4:6], 16)


def _label_colour(fill: str) -> str:
    """White on dark fills, the text colour on light ones (WCAG relative luminance)."""

    def linear(channel: int) -> float:
        value = channel / 255
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (linear(channel) for channel in _rgb(fill))
    luminance = 0.2126 * red + 0.7152 * green + 0.0722 * blue
    return WHITE if luminance < 0.3 else TEXT_COLOUR


# -- labels ------------------------------------------------------------------------------------


def shorten_label(text: str, chars_per_line: int, lines: int, *, end: str = "") -> str:
    """``text + end`` if it word-wraps into ``lines`` lines of ``chars_per_line`` characters.

    Otherwise ``text`` is cut at a word so that it, "…" and ``end`` (kept whole, such as
    ``" (n = 38)"``) fill those lines.
    """
    chars_per_line = max(chars_per_line, 4)
    lines = max(lines, 1)
    full = f"{text}{end}"
    if len(textwrap.wrap(full, chars_per_line)) <= lines:
        return full
    kept = textwrap.wrap(text, chars_per_line)[:lines]
    room = max(chars_per_line - len(end) - 1, 1)
    last = kept[-1]
    if len(last) > room:
        cut = last[:room]
        space = cut.rfind(" ")
        last = cut[:space] if space > 0 else cut
    kept[-1] = last.rstrip(" ,.;:-–(") + "…"
    return " ".join(kept) + end


@attrs.frozen
class _BarLayout:
    """Category labels of horizontal bars fitted to the box, and where the plot goes."""

    labels: list[str]
    shortened: tuple[tuple[str, str], ...]
    size: int
    plot: tuple[float, float, float, float]
    """The inner plot area as fractions of the chart: x, y, width, height."""


def _text_width_pt(characters: int, size: int) -> float:
    return characters * CHAR_WIDTH_EM * size


def _legend_rows(entries: Sequence[str], width_pt: float) -> int:
    """Rows a legend needs, every entry as wide as the widest (LibreOffice lays them out so).

    An entry is its text plus about 2 em for the key and the spacing.
    """
    entry_pt = _text_width_pt(max(len(entry) for entry in entries), LABEL_PT) + 2 * LABEL_PT
    per_row = max(int((width_pt - 20) // entry_pt), 1)
    return math.ceil(len(entries) / per_row)


def _bar_layout(
    box: Box,
    labels: Sequence[str],
    ends: Sequence[str] | None = None,
    *,
    legend: Sequence[str] = (),
    legend_on_top: bool = False,
    axis_title: bool = False,
    title: bool = False,
    labels_outside: bool = False,
) -> _BarLayout:
    """Fit the category labels of horizontal bars (see the module) and place the plot.

    The plot is placed by hand so that the labels get the room they were shortened for, in
    PowerPoint and LibreOffice alike (both otherwise let long labels take most of the width).
    """
    width_pt = box.width / _EMU_PER_PT
    height_pt = box.height / _EMU_PER_PT
    legend_pt = (
        _legend_rows(legend, width_pt) * (LINE_HEIGHT_EM * LABEL_PT + 4) + 12 if legend else 0
    )
    top_pt = 8 + (TITLE_PT * 2 if title else 0) + (legend_pt if legend_on_top else 0)
    bottom_pt = (
        SMALL_PT * 2 + (SMALL_PT * 1.8 if axis_title else 0) + (0 if legend_on_top else legend_pt)
    )
    plot_pt = max(height_pt - top_pt - bottom_pt, height_pt / 3)
    band_pt = plot_pt / max(len(labels), 1)
    size = LABEL_PT if band_pt >= 2 * LINE_HEIGHT_EM * LABEL_PT else SMALL_PT
    chars_per_line = max(int(width_pt * LABEL_SHARE // (CHAR_WIDTH_EM * size)), 4)
    lines = max(1, min(MAX_LABEL_LINES, int(band_pt // (LINE_HEIGHT_EM * size))))

    shown, shortened = [], []
    for label, end in zip(labels, ends if ends is not None else [""] * len(labels), strict=True):
        short = shorten_label(label, chars_per_line, lines, end=end)
        full = f"{label}{end}"
        if short != full and (short, full) not in shortened:
            shortened.append((short, full))
        shown.append(short)
    widest = max(
        (len(line) for label in shown for line in textwrap.wrap(label, chars_per_line)),
        default=1,
    )
    label_pt = _text_width_pt(widest, size) + 12
    right_pt = 12 + (_text_width_pt(5, SMALL_PT) if labels_outside else 0)
    plot = (
        label_pt / width_pt,
        top_pt / height_pt,
        max(width_pt - label_pt - right_pt, width_pt / 3) / width_pt,
        plot_pt / height_pt,
    )
    return _BarLayout(shown, tuple(shortened), size, plot)


def _place_plot(chart: Chart, plot: tuple[float, float, float, float]) -> None:
    """Give the inner plot area a manual layout (fractions of the chart's size)."""
    x, y, width, height = plot
    plot_area = next(chart._chartSpace.iter(f"{_C}plotArea"))
    for old in plot_area.findall(f"{_C}layout"):
        plot_area.remove(old)
    plot_area.insert(
        0,
        parse_xml(
            f"<c:layout {_NAMESPACES}><c:manualLayout>"
            '<c:layoutTarget val="inner"/>'
            '<c:xMode val="edge"/><c:yMode val="edge"/>'
            f'<c:x val="{x:.4f}"/><c:y val="{y:.4f}"/><c:w val="{width:.4f}"/>'
            f'<c:h val="{height:.4f}"/></c:manualLayout></c:layout>'
        ),
    )


def _column_chars(box: Box, categories: int, size: int) -> int:
    """How many characters fit on one line under a column of a column chart."""
    plot_pt = box.width / _EMU_PER_PT - _VALUE_AXIS_WIDTH_PT
    return int(plot_pt / max(categories, 1) // (CHAR_WIDTH_EM * size))


def _practice_labels(
    names: Sequence[str], marks: Sequence[str], box: Box, size: int
) -> tuple[list[str], bool]:
    """Full practice names if each fits on one line under its column, else the letters."""
    full = [f"{name}{mark}" for name, mark in zip(names, marks, strict=True)]
    room = _column_chars(box, len(names), size)
    if all(len(label) <= room for label in full):
        return full, False
    return [f"{_letter(name)}{mark}" for name, mark in zip(names, marks, strict=True)], True


def _letter(pseudonym: str) -> str:
    return pseudonym.removeprefix(_PRACTICE_PREFIX)


def _check_text(text: str, where: str) -> str:
    found = _XML_INVALID.search(text)
    if found is not None:
        raise ExportError(
            f"{where} cannot go into a PowerPoint chart: it holds the character "
            f"U+{ord(found.group()):04X} at position {found.start() + 1} ({text!r}), a control "
            "character that XML, and so a PowerPoint file, cannot store. Remove it from the "
            "source and export again."
        )
    return text


# -- series names -----------------------------------------------------------------------------


def period_label(period: Period) -> str:
    """``2025`` for a calendar year, else ``1. januar–30. juni 2025`` (series names)."""
    start, end = period.start, period.end
    if (start.month, start.day, end.month, end.day) == (1, 1, 12, 31) and start.year == end.year:
        return str(start.year)
    if start.year == end.year:
        return f"{format_date(start).rsplit(' ', 1)[0]}–{format_date(end)}"
    return f"{format_date(start)}–{format_date(end)}"


# -- the embedded workbook ---------------------------------------------------------------------
#
# python-pptx writes each chart's workbook with XlsxWriter, which takes 2-10 ms a chart (most
# of a chart's cost). The same cells, laid out by python-pptx's own workbook writers (so the
# chart's references stay right), are written here as a minimal SpreadsheetML package.

_SHEET_NS: Final = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS: Final = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE_REL_NS: Final = "http://schemas.openxmlformats.org/package/2006/relationships"
_OFFICE_TYPE: Final = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_WORKBOOK_PARTS: Final = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{_OFFICE_TYPE}.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" '
        f'ContentType="{_OFFICE_TYPE}.worksheet+xml"/>'
        f'<Override PartName="/xl/styles.xml" ContentType="{_OFFICE_TYPE}.styles+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<Relationships xmlns="{_PACKAGE_REL_NS}"><Relationship Id="rId1" '
        f'Type="{_REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<workbook xmlns="{_SHEET_NS}" xmlns:r="{_REL_NS}"><sheets>'
        '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<Relationships xmlns="{_PACKAGE_REL_NS}">'
        f'<Relationship Id="rId1" Type="{_REL_NS}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{_REL_NS}/styles" Target="styles.xml"/>'
        "</Relationships>"
    ),
}
_GENERAL: Final = "General"
_FIRST_CUSTOM_FORMAT: Final = 164
"""Number formats from 164 on are the workbook's own (below are built in)."""


class _SheetRecorder:
    """Takes the XlsxWriter calls python-pptx's workbook writers make, keeping the cells."""

    def __init__(self) -> None:
        self.cells: dict[tuple[int, int], tuple[object, str]] = {}

    def add_format(self, properties: dict[str, str]) -> str:
        return properties.get("num_format", _GENERAL)

    def set_column(self, *_: object) -> None:
        """Column widths are left to the spreadsheet program."""

    def write(self, row: int, column: int, value: object, number_format: str = _GENERAL) -> None:
        self.cells[row, column] = (value, number_format)

    def write_column(
        self, row: int, column: int, values: Iterable[object], number_format: str = _GENERAL
    ) -> None:
        for offset, value in enumerate(values):
            self.write(row + offset, column, value, number_format)

    def blob(self) -> bytes:
        """The cells as an .xlsx file."""
        formats = sorted({number_format for _, number_format in self.cells.values()} - {_GENERAL})
        styles = {number_format: index + 1 for index, number_format in enumerate(formats)}
        letters = {column: _column_letters(column + 1) for _, column in self.cells}
        rows: dict[int, list[str]] = {}
        for (row, column), (value, number_format) in sorted(self.cells.items()):
            if value is None:
                continue
            reference = f"{letters[column]}{row + 1}"
            style = f' s="{styles[number_format]}"' if number_format in styles else ""
            if isinstance(value, str):
                cell = (
                    f'<c r="{reference}" t="inlineStr"{style}><is>'
                    f'<t xml:space="preserve">{escape(value)}</t></is></c>'
                )
            elif isinstance(value, int | float) and not isinstance(value, bool):
                cell = f'<c r="{reference}"{style}><v>{value!r}</v></c>'
            else:
                raise ExportError(f"A chart cell cannot hold {value!r} ({type(value).__name__}).")
            rows.setdefault(row, []).append(cell)
        sheet = "".join(f'<row r="{row + 1}">{"".join(cells)}</row>' for row, cells in rows.items())
        number_formats = "".join(
            f'<numFmt numFmtId="{_FIRST_CUSTOM_FORMAT + index}" '
            f"formatCode={quoteattr(number_format)}/>"
            for index, number_format in enumerate(formats)
        )
        if formats:  # an empty numFmts element is allowed but not liked by every reader
            number_formats = f'<numFmts count="{len(formats)}">{number_formats}</numFmts>'
        cell_formats = "".join(
            f'<xf numFmtId="{_FIRST_CUSTOM_FORMAT + index}" fontId="0" fillId="0" borderId="0" '
            'xfId="0" applyNumberFormat="1"/>'
            for index in range(len(formats))
        )
        parts = {
            **_WORKBOOK_PARTS,
            "xl/worksheets/sheet1.xml": (
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                f'<worksheet xmlns="{_SHEET_NS}"><sheetData>{sheet}</sheetData></worksheet>'
            ),
            "xl/styles.xml": (
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                f'<styleSheet xmlns="{_SHEET_NS}">'
                f"{number_formats}"
                '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
                '<fills count="2"><fill><patternFill patternType="none"/></fill>'
                '<fill><patternFill patternType="gray125"/></fill></fills>'
                '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border>'
                "</borders>"
                '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
                "</cellStyleXfs>"
                f'<cellXfs count="{len(formats) + 1}">'
                '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
                f"{cell_formats}</cellXfs>"
                '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/>'
                "</cellStyles></styleSheet>"
            ),
        }
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as package:
            for name, text in parts.items():
                package.writestr(name, text)
        return buffer.getvalue()


def _column_letters(number: int) -> str:
    """``A`` for 1, ``AA`` for 27 (spreadsheet column names)."""
    letters = ""
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def _workbook_blob(writer: Any) -> bytes:
    recorder = _SheetRecorder()
    writer._populate_worksheet(recorder, recorder)
    return recorder.blob()


class _CategoryData(CategoryChartData):
    """Category chart data whose workbook is written by :class:`_SheetRecorder`."""

    @property
    def xlsx_blob(self) -> bytes:
        return _workbook_blob(self._workbook_writer)


class _XyData(XyChartData):
    """XY chart data whose workbook is written by :class:`_SheetRecorder`."""

    @property
    def xlsx_blob(self) -> bytes:
        return _workbook_blob(self._workbook_writer)


def _new_data(kind: type[_CategoryData | _XyData], **options: str) -> Any:
    """New chart data (python-pptx leaves that API untyped, so it is handled as Any)."""
    maker: Any = kind
    return maker(**options)


# -- chart XML ---------------------------------------------------------------------------------
#
# Series are styled by writing their XML: python-pptx's property-by-property route costs a few
# milliseconds a chart.

_C: Final = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
_NAMESPACES: Final = (
    'xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"'
)
_SERIES_ORDER: Final = (
    "idx",
    "order",
    "tx",
    "spPr",
    "invertIfNegative",
    "pictureOptions",
    "marker",
    "dPt",
    "dLbls",
    "trendline",
    "errBars",
    "cat",
    "val",
    "xVal",
    "yVal",
    "smooth",
    "shape",
    "extLst",
)
"""The order of a series' children in bar, line and scatter charts (schema order)."""
_LABEL_FLAGS: Final = (
    '<c:showLegendKey val="0"/><c:showVal val="1"/><c:showCatName val="0"/>'
    '<c:showSerName val="0"/><c:showPercent val="0"/><c:showBubbleSize val="0"/>'
)
_NO_SHAPE: Final = "<c:spPr><a:noFill/><a:ln><a:noFill/></a:ln></c:spPr>"


def _all_series(chart: Chart) -> list[Any]:
    """The chart's ``c:ser`` elements in document order."""
    found: list[Any] = list(chart._chartSpace.iter(f"{_C}ser"))
    return found


def _put(series: Any, xml: str) -> None:
    """Put the element ``xml`` into ``series`` in schema order, replacing one of its kind."""
    element = parse_xml(xml)
    tag = element.tag.removeprefix(_C)
    for old in series.findall(element.tag):
        series.remove(old)
    later = _SERIES_ORDER[_SERIES_ORDER.index(tag) + 1 :]
    for child in series:
        if child.tag.removeprefix(_C) in later:
            child.addprevious(element)
            return
    series.append(element)


def _solid(colour: str) -> str:
    return f'<a:solidFill><a:srgbClr val="{colour}"/></a:solidFill>'


def _outline(colour: str | None, width_pt: float = 0.75, *, dashed: bool = False) -> str:
    if colour is None:
        return "<a:ln><a:noFill/></a:ln>"
    dash = '<a:prstDash val="dash"/>' if dashed else ""
    return (
        f'<a:ln w="{round(width_pt * _EMU_PER_PT)}" cap="rnd">{_solid(colour)}{dash}'
        "<a:round/></a:ln>"
    )


def _fill(series: Any, colour: str, *, outline: str | None = None) -> None:
    _put(series, f"<c:spPr {_NAMESPACES}>{_solid(colour)}{_outline(outline)}</c:spPr>")


def _line(series: Any, colour: str, width_pt: float, *, dashed: bool = False) -> None:
    """A series drawn as a line without markers (and not smoothed unless set later)."""
    _put(series, f"<c:spPr {_NAMESPACES}>{_outline(colour, width_pt, dashed=dashed)}</c:spPr>")
    _put(series, f'<c:marker {_NAMESPACES}><c:symbol val="none"/></c:marker>')


def _smooth(series: Any, *, smooth: bool) -> None:
    _put(series, f'<c:smooth {_NAMESPACES} val="{int(smooth)}"/>')


def _markers(series: Any, colour: str, size: int) -> None:
    """A series drawn as round markers without a line."""
    _put(series, f"<c:spPr {_NAMESPACES}>{_outline(None)}</c:spPr>")
    _put(
        series,
        f'<c:marker {_NAMESPACES}><c:symbol val="circle"/><c:size val="{size}"/>'
        f"<c:spPr>{_solid(colour)}{_outline(WHITE)}</c:spPr></c:marker>",
    )


def _run_properties(tag: str, size: int, colour: str, *, bold: bool = False) -> str:
    return f'<{tag} lang="da-DK" sz="{size * 100}" b="{int(bold)}">{_solid(colour)}</{tag}>'


def _labels(
    series: Any,
    *,
    number_format: str,
    position: str,
    colour: str = TEXT_COLOUR,
    bold: bool = False,
    hidden: Iterable[int] = (),
    texts: Sequence[str] = (),
) -> None:
    """Value labels for a series; ``hidden`` points get none, ``texts`` replace the values.

    ``position`` is the schema's ``c:dLblPos`` value (``ctr``, ``outEnd``, ``r``, …).
    """
    points = dict.fromkeys(hidden, '<c:delete val="1"/>')
    for index, text in enumerate(texts):
        points[index] = (
            f"<c:tx><c:rich><a:bodyPr/><a:lstStyle/><a:p><a:r>"
            f"{_run_properties('a:rPr', SMALL_PT, colour, bold=bold)}"
            f"<a:t>{escape(text)}</a:t></a:r></a:p></c:rich></c:tx>"
            f'{_NO_SHAPE}<c:dLblPos val="{position}"/>{_LABEL_FLAGS}'
        )
    each = "".join(
        f'<c:dLbl><c:idx val="{index}"/>{body}</c:dLbl>' for index, body in sorted(points.items())
    )
    _put(
        series,
        f"<c:dLbls {_NAMESPACES}>{each}"
        f'<c:numFmt formatCode={quoteattr(number_format)} sourceLinked="0"/>{_NO_SHAPE}'
        "<c:txPr><a:bodyPr/><a:lstStyle/><a:p><a:pPr>"
        f"{_run_properties('a:defRPr', SMALL_PT, colour, bold=bold)}"
        '</a:pPr><a:endParaRPr lang="da-DK"/></a:p></c:txPr>'
        f'<c:dLblPos val="{position}"/>{_LABEL_FLAGS}</c:dLbls>',
    )


def _move_to_line_chart(chart: Chart, count: int) -> list[Any]:
    """Move the last ``count`` bar series into a line chart on the bar chart's axes."""
    bar_chart = next(chart._chartSpace.iter(f"{_C}barChart"))
    line_chart = parse_xml(
        f'<c:lineChart {_NAMESPACES}><c:grouping val="standard"/><c:varyColors val="0"/>'
        "</c:lineChart>"
    )
    moved: list[Any] = bar_chart.findall(f"{_C}ser")[-count:]
    for series in moved:
        bar_chart.remove(series)
        for name in ("invertIfNegative", "pictureOptions", "shape"):
            for child in series.findall(f"{_C}{name}"):
                series.remove(child)
        line_chart.append(series)
    line_chart.append(parse_xml(f'<c:marker {_NAMESPACES} val="1"/>'))
    for axis in bar_chart.findall(f"{_C}axId"):
        line_chart.append(parse_xml(f'<c:axId {_NAMESPACES} val="{axis.get("val")}"/>'))
    bar_chart.addnext(line_chart)
    return moved


# -- chart building blocks ---------------------------------------------------------------------


def _colour(hex_code: str) -> RGBColor:
    make: Any = RGBColor  # untyped in python-pptx
    colour: RGBColor = make(*_rgb(hex_code))
    return colour


def _add_chart(
    slide: Slide, box: Box, chart_type: XL_CHART_TYPE, data: Any
) -> tuple[GraphicFrame, Chart]:
    added: Any = slide.shapes.add_chart(
        chart_type, Emu(box.left), Emu(box.top), Emu(box.width), Emu(box.height), data
    )
    frame = cast("GraphicFrame", added)
    chart = frame.chart
    chart.has_title = False
    chart.font.name = FONT_NAME
    chart.font.size = Pt(LABEL_PT)
    chart.font.color.rgb = _colour(TEXT_COLOUR)
    return frame, chart


def _set_title(chart: Chart, title: str) -> None:
    chart.has_title = True
    frame = chart.chart_title.text_frame
    frame.text = title
    font = frame.paragraphs[0].font
    font.size = Pt(TITLE_PT)
    font.bold = True
    font.color.rgb = _colour(TITLE_COLOUR)


def _style_axis(
    axis: Any,
    *,
    size: int = LABEL_PT,
    number_format: str | None = None,
    title: str = "",
    gridlines: bool = False,
) -> None:
    axis.tick_labels.font.size = Pt(size)
    axis.format.line.color.rgb = _colour(AXIS_LINE_COLOUR)
    axis.has_minor_gridlines = False
    axis.has_major_gridlines = gridlines
    if gridlines:
        line = axis.major_gridlines.format.line
        line.color.rgb = _colour(GRID_COLOUR)
        line.width = Pt(0.75)
    if number_format is not None:
        axis.tick_labels.number_format = number_format
        axis.tick_labels.number_format_is_linked = False
    if title:
        axis.has_title = True
        frame = axis.axis_title.text_frame
        frame.text = title
        font = frame.paragraphs[0].font
        font.size = Pt(SMALL_PT)
        font.bold = False


def _legend(chart: Chart, position: XL_LEGEND_POSITION = XL_LEGEND_POSITION.BOTTOM) -> None:
    chart.has_legend = True
    legend = chart.legend
    legend.position = position
    legend.include_in_layout = False
    legend.font.size = Pt(LABEL_PT)


def _hide_legend_entries(chart: Chart, indices: Iterable[int]) -> None:
    legend = chart.legend._element
    position = legend.find(f"{_C}legendPos")
    for index in sorted(indices, reverse=True):
        entry = parse_xml(
            f'<c:legendEntry {_NAMESPACES}><c:idx val="{index}"/><c:delete val="1"/>'
            "</c:legendEntry>"
        )
        if position is not None:
            position.addnext(entry)
        else:
            legend.insert(0, entry)


def _nice_step(span: float, intervals: int) -> float:
    """A round step (1, 2, 2.5 or 5 times a power of ten) giving at most ``intervals`` steps."""
    if span <= 0:
        return 1.0
    raw = span / intervals
    power = 10.0 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if factor * power >= raw:
            return factor * power
    return 10 * power  # pragma: no cover - the loop always returns


def _scale_value_axis(axis: Any, top: float, *, intervals: int = 5) -> None:
    step = _nice_step(top, intervals) if top > 0 else 1.0
    axis.minimum_scale = 0
    axis.maximum_scale = max(step, math.ceil(top / step) * step)
    axis.major_unit = step


def _gap_width(box: Box, layout: _BarLayout, categories: int, *, bars: int) -> int:
    """The gap (percent of a bar) that keeps bars at most :data:`MAX_BAR_PT` thick.

    Without it one or two categories give slab-like bars; 50 % is the least gap, 500 % the
    most the format allows.
    """
    band_pt = layout.plot[3] * box.height / _EMU_PER_PT / max(categories, 1)
    gap = (band_pt / (bars * MAX_BAR_PT) - 1) * 100
    return round(min(max(gap, 50), 500))


def _horizontal_bars(chart: Chart, layout: _BarLayout) -> None:
    """First category on top, value axis at the bottom, the plot where the layout says."""
    chart.category_axis.reverse_order = True
    value_axis = next(chart._chartSpace.iter(f"{_C}valAx"))
    for crosses in value_axis.findall(f"{_C}crosses"):
        crosses.set("val", "max")  # python-pptx can only set this on the other axis
    _style_axis(chart.category_axis, size=layout.size)
    _place_plot(chart, layout.plot)


def _percent_values(values: Iterable[float | None]) -> list[float | None]:
    return [None if value is None else round(value, 6) for value in values]


# -- survey charts -----------------------------------------------------------------------------


def rating_chart(
    slide: Slide, box: Box, questions: Sequence[QuestionResult], *, title: str = ""
) -> ChartResult:
    """Rating questions with one scale as 100 % stacked bars, one bar per question.

    Segments are in scale order on the diverging ramp, answers off the scale after them in
    light grey; each segment of at least 5 % (and wide enough for its label) is labelled with
    its percentage of those who answered. Category labels end with the number who answered.
    All questions must have the same :func:`rating_scale`.
    """
    if not questions:
        raise ExportError("rating_chart needs at least one question; it was given none.")
    scale = rating_scale(questions[0])
    for question in questions:
        if not is_rating(question):
            raise ExportError(
                f"Question {question.code!r} ({question.kind.value}) is not a rating scale, "
                "so it cannot be drawn as a rating chart; use choice_chart."
            )
        this = rating_scale(question)
        if this != scale:
            raise ExportError(
                f"Questions {questions[0].code!r} and {question.code!r} have different scales "
                f"({' / '.join(scale)} versus {' / '.join(this)}) and cannot share one rating "
                "chart; draw them on separate charts."
            )
        _check_text(question.text, f"The text of question {question.code!r}")
        for option in question.options:
            _check_text(option.label, f"Option {option.code!r} of question {question.code!r}")
    orders = [_rating_order(question.options) for question in questions]
    points = sum(1 for option in orders[0] if option.value is not None)
    colours = [*rating_colours(points), *[OFF_SCALE_COLOUR] * (len(scale) - points)]

    ends = [
        f" (n{_NBSP}={_NBSP}{count(q.answered)})" if q.answered else f" (ingen{_NBSP}svar)"
        for q in questions
    ]
    layout = _bar_layout(box, [q.text for q in questions], ends, legend=scale, title=bool(title))

    data = _new_data(_CategoryData)
    data.categories = layout.labels
    for position, label in enumerate(scale):
        data.add_series(
            label, _percent_values(order[position].percent_of_answered for order in orders)
        )
    frame, chart = _add_chart(slide, box, XL_CHART_TYPE.BAR_STACKED_100, data)
    if title:
        _set_title(chart, _check_text(title, "The chart title"))
    chart.plots[0].gap_width = _gap_width(box, layout, len(questions), bars=1)
    plot_width_pt = layout.plot[2] * box.width / _EMU_PER_PT
    threshold = max(LABEL_THRESHOLD, 100 * (_text_width_pt(3, SMALL_PT) + 4) / plot_width_pt)
    for position, (series, colour) in enumerate(zip(_all_series(chart), colours, strict=True)):
        _fill(series, colour, outline=WHITE)
        shares = [order[position].percent_of_answered for order in orders]
        _labels(
            series,
            number_format=PERCENT_FORMAT,
            position="ctr",
            colour=_label_colour(colour),
            hidden=[i for i, share in enumerate(shares) if share is None or share < threshold],
        )
    _horizontal_bars(chart, layout)
    value_axis = chart.value_axis
    _style_axis(value_axis, size=SMALL_PT, number_format=FRACTION_PERCENT_FORMAT, gridlines=True)
    value_axis.minimum_scale = 0
    value_axis.maximum_scale = 1
    value_axis.major_unit = 0.25
    _legend(chart)
    return ChartResult(frame, layout.shortened)


def choice_chart(slide: Slide, box: Box, question: QuestionResult) -> ChartResult:
    """A choice question as horizontal bars, largest on top, labelled with percentages.

    Percentages are of those who saw the question; the axis title says how many that is and,
    for multiple choice, that the bars can add up to more than 100 %.
    """
    if question.kind not in (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE):
        raise ExportError(
            f"Question {question.code!r} is a {question.kind.value} question; "
            "choice_chart draws single- and multiple-choice questions only."
        )
    if not question.options:
        raise ExportError(f"Question {question.code!r} has no options to draw.")
    for option in question.options:
        _check_text(option.label, f"Option {option.code!r} of question {question.code!r}")
    options = sorted(question.options, key=lambda option: -option.count)
    layout = _bar_layout(
        box, [option.label for option in options], axis_title=True, labels_outside=True
    )

    data = _new_data(_CategoryData)
    data.categories = layout.labels
    data.add_series("Procent", _percent_values(option.percent for option in options))
    frame, chart = _add_chart(slide, box, XL_CHART_TYPE.BAR_CLUSTERED, data)
    chart.plots[0].gap_width = _gap_width(box, layout, len(options), bars=1)
    series = _all_series(chart)[0]
    _fill(series, ACCENT_COLOUR)
    _labels(series, number_format=PERCENT_FORMAT, position="outEnd")
    _horizontal_bars(chart, layout)
    axis_title = f"Procent af de {count(question.shown)}, der fik spørgsmålet"
    if question.kind is QuestionKind.MULTIPLE_CHOICE:
        axis_title += " (flere svar mulige, så summen kan være over 100 %)"
    _style_axis(
        chart.value_axis,
        size=SMALL_PT,
        number_format=PERCENT_FORMAT,
        title=axis_title,
        gridlines=True,
    )
    _scale_value_axis(chart.value_axis, 100, intervals=5)
    return ChartResult(frame, layout.shortened)


def question_change_chart(slide: Slide, box: Box, change: QuestionChange) -> ChartResult:
    """Baseline and follow-up percentages of each option as paired horizontal bars.

    Options new in the follow-up or gone since the baseline are marked in their label and
    have a gap on the side where they were not asked.
    """
    if change.presence is not Presence.BOTH or not change.options:
        where = {Presence.ADDED: "only in the follow-up", Presence.REMOVED: "only in the baseline"}
        reason = where.get(change.presence, "without options")
        raise ExportError(
            f"Question {change.code!r} is {reason}, so there is no baseline and follow-up "
            "to draw side by side."
        )
    marks = {Presence.BOTH: "", Presence.ADDED: " (ny)", Presence.REMOVED: " (fjernet)"}
    for option in change.options:
        _check_text(option.label, f"Option {option.code!r} of question {change.code!r}")
    layout = _bar_layout(
        box,
        [option.label for option in change.options],
        [marks[option.presence] for option in change.options],
        legend=(BASELINE_NAME, FOLLOWUP_NAME),
        legend_on_top=True,
        axis_title=True,
        labels_outside=True,
    )

    data = _new_data(_CategoryData)
    data.categories = layout.labels
    data.add_series(
        BASELINE_NAME, _percent_values(option.baseline_percent for option in change.options)
    )
    data.add_series(
        FOLLOWUP_NAME, _percent_values(option.followup_percent for option in change.options)
    )
    frame, chart = _add_chart(slide, box, XL_CHART_TYPE.BAR_CLUSTERED, data)
    plot = chart.plots[0]
    plot.gap_width = _gap_width(box, layout, len(change.options), bars=2)
    plot.overlap = 0
    for series, colour in zip(_all_series(chart), (BASELINE_COLOUR, FOLLOWUP_COLOUR), strict=True):
        _fill(series, colour)
        _labels(series, number_format=PERCENT_FORMAT, position="outEnd")
    _horizontal_bars(chart, layout)
    _style_axis(
        chart.value_axis,
        size=SMALL_PT,
        number_format=PERCENT_FORMAT,
        title="Procent af dem, der fik spørgsmålet",
        gridlines=True,
    )
    _scale_value_axis(chart.value_axis, 100, intervals=5)
    _legend(chart, XL_LEGEND_POSITION.TOP)
    return ChartResult(frame, layout.shortened)


# -- service-data charts -----------------------------------------------------------------------


def _rate_axis_title(view: ClusterView, counted: str) -> str:
    return f"{counted} pr. {view.per}"


def reference_label(view: ClusterView) -> str:
    """What the practices are compared with, as a line is labelled: "Kommunen" or "Regionen".

    Named by the group the view actually holds as its reference (:attr:`ClusterView.
    reference_metric`), which is the region when a municipality was asked for but is missing.
    """
    if view.reference_metric.level is GroupLevel.MUNICIPALITY:
        return ReferenceLevel.MUNICIPALITY.label
    return ReferenceLevel.REGION.label


def _practice_marks(view: ClusterView) -> list[str]:
    return [f" ({HIDDEN_MARK})" if practice.suppressed else "" for practice in view.practices]


def practice_rate_chart(
    slide: Slide, box: Box, view: ClusterView, *, counted: str = "Ydelser"
) -> ChartResult:
    """Each practice's rate as a column, with the cluster's and the reference rate as lines.

    The reference is the region's rate, or the municipality's for a metric compared by
    municipality (:func:`reference_label` names the line). Hidden rates are gaps (never 0) and
    their practice is marked ``(..)``; a hidden cluster or reference rate has no line.
    ``counted`` is what the rate counts, for the axis title ("Ydelser pr. 1000").
    """
    if not view.practices:
        raise ExportError(f"The metrics of {view.cluster!r} hold no practices to draw.")
    names = [_check_text(p.pseudonym, "A practice's pseudonym") for p in view.practices]
    labels, letters = _practice_labels(names, _practice_marks(view), box, LABEL_PT)
    rates = [practice.rate for practice in view.practices]
    references = [
        (f"Klyngen ({decimal(rate)})", rate, CLUSTER_COLOUR, False)
        for rate in [view.cluster_metric.pooled.rate]
        if rate is not None
    ] + [
        (f"{reference_label(view)} ({decimal(rate)})", rate, REGION_COLOUR, True)
        for rate in [view.reference_metric.pooled.rate]
        if rate is not None
    ]

    data = _new_data(_CategoryData)
    data.categories = labels
    data.add_series("Praksis", rates, RATE_FORMAT)
    for name, rate, _, _ in references:
        data.add_series(name, [rate] * len(labels), RATE_FORMAT)
    frame, chart = _add_chart(slide, box, XL_CHART_TYPE.COLUMN_CLUSTERED, data)
    chart.plots[0].gap_width = 40
    bars = _all_series(chart)[0]
    _fill(bars, ACCENT_COLOUR)
    _labels(bars, number_format=RATE_FORMAT, position="outEnd")
    if references:
        lines = _move_to_line_chart(chart, len(references))
        for series, (_, _, colour, dashed) in zip(lines, references, strict=True):
            _line(series, colour, 2.5, dashed=dashed)
            _smooth(series, smooth=False)
    _style_axis(chart.category_axis, title="Praksis" if letters else "")
    tops = [value for value in (*rates, *(ref[1] for ref in references)) if value is not None]
    _style_axis(
        chart.value_axis,
        size=SMALL_PT,
        number_format=WHOLE_FORMAT,
        title=_rate_axis_title(view, counted),
        gridlines=True,
    )
    _scale_value_axis(chart.value_axis, max(tops, default=1.0) * 1.1)
    _legend(chart)
    return ChartResult(frame, ())


def practice_change_chart(
    slide: Slide, box: Box, view: ClusterView, *, counted: str = "Ydelser"
) -> ChartResult:
    """Each practice's rate at baseline and follow-up as paired columns.

    Series are named with their periods. A practice that joined since the baseline has a gap
    on the baseline side and is marked ``(ny)``; hidden rates are gaps marked ``(..)``.
    ``counted`` is what the rate counts, for the axis title.
    """
    practice_changes = {c.name: c for c in view.changes if c.level is None}
    if view.baseline_period is None or not practice_changes:
        raise ExportError(
            f"The metrics of {view.cluster!r} have no baseline, so there is no change per "
            "practice to draw; compute them with a baseline period."
        )
    names: list[str] = []
    marks: list[str] = []
    before: list[float | None] = []
    after: list[float | None] = []
    for practice in view.practices:
        found: ShownChange | None = practice_changes.get(practice.pseudonym)
        names.append(_check_text(practice.pseudonym, "A practice's pseudonym"))
        if found is None:
            marks.append(" (ny)")
            before.append(None)
            after.append(practice.rate)
            continue
        hidden = found.baseline.suppressed or found.followup.suppressed or practice.suppressed
        marks.append(f" ({HIDDEN_MARK})" if hidden else "")
        before.append(found.baseline.rate)
        after.append(found.followup.rate)
    labels, letters = _practice_labels(names, marks, box, LABEL_PT)
    baseline_name = period_label(view.baseline_period)
    followup_name = period_label(view.period)
    if baseline_name == followup_name:
        baseline_name, followup_name = (
            f"Baseline ({baseline_name})",
            f"Opfølgning ({followup_name})",
        )

    data = _new_data(_CategoryData)
    data.categories = labels
    data.add_series(baseline_name, before, RATE_FORMAT)
    data.add_series(followup_name, after, RATE_FORMAT)
    frame, chart = _add_chart(slide, box, XL_CHART_TYPE.COLUMN_CLUSTERED, data)
    plot = chart.plots[0]
    plot.gap_width = 60
    plot.overlap = 0
    for series, colour in zip(_all_series(chart), (BASELINE_COLOUR, FOLLOWUP_COLOUR), strict=True):
        _fill(series, colour)
    _style_axis(chart.category_axis, title="Praksis" if letters else "")
    tops = [value for value in (*before, *after) if value is not None]
    _style_axis(
        chart.value_axis,
        size=SMALL_PT,
        number_format=WHOLE_FORMAT,
        title=_rate_axis_title(view, counted),
        gridlines=True,
    )
    _scale_value_axis(chart.value_axis, max(tops, default=1.0) * 1.05)
    _legend(chart, XL_LEGEND_POSITION.TOP)
    return ChartResult(frame, ())


# -- the funnel plot ---------------------------------------------------------------------------

_BAND: Final = re.compile(
    r"^(?:under (?P<below>[\d.]+)|(?P<low>[\d.]+)–(?P<high>[\d.]+)"
    r"|(?P<from>[\d.]+) og derover|alle størrelser)$"
)


def _band_range(band: str, funnel: FunnelData) -> tuple[float, float] | None:
    """The list sizes a band label (``"2.000–3.999"``) covers, within the funnel's range."""
    found = _BAND.match(band.strip())
    if found is None or not funnel.curve:
        return None
    smallest = funnel.curve[0].population
    largest = funnel.curve[-1].population

    def number(text: str) -> float:
        return float(text.replace(".", ""))

    low, high = smallest, largest
    if found["below"]:
        high = number(found["below"]) - 1
    elif found["low"]:
        low, high = number(found["low"]), number(found["high"])
    elif found["from"]:
        low = number(found["from"])
    low, high = max(low, smallest), min(high, largest)
    return (low, high) if low <= high else None


@attrs.frozen
class _FunnelPractice:
    letter: str
    size: float
    rate: float
    band: tuple[float, float] | None = None


def _funnel_practices(view: ClusterView) -> list[_FunnelPractice]:
    """The practices that can be placed: a rate, and a list size or (small clusters) a band."""
    placed = []
    for practice in view.practices:
        if practice.rate is None:
            continue
        letter = _check_text(_letter(practice.pseudonym), "A practice's pseudonym")
        if practice.list_size is not None:
            placed.append(_FunnelPractice(letter, float(practice.list_size), practice.rate))
            continue
        band = _band_range(practice.list_size_band, view.funnel)
        if band is not None:
            placed.append(_FunnelPractice(letter, (band[0] + band[1]) / 2, practice.rate, band))
    return placed


def funnel_chart(
    slide: Slide, box: Box, view: ClusterView, *, counted: str = "Ydelser"
) -> ChartResult:
    """The practices against their reference group's funnel: rate per list size with limits.

    The reference group is the region, or the municipality for a metric compared by
    municipality (:attr:`FunnelData.reference`). The target (the group's pooled rate) and the
    95 % and 99.8 % limits are lines over the funnel's grid of list sizes; the practices are
    markers labelled with their letter. In a small cluster, where only list-size bands may be
    shown, a practice sits in the middle of its band with a line across the band. Practices
    with a hidden rate are left out (the deck's note says so).
    """
    funnel = view.funnel
    curve = funnel.curve
    if not curve:
        raise ExportError(
            f"The funnel of {funnel.region!r} in the metrics of {view.cluster!r} has no limits "
            "to draw."
        )
    practices = _funnel_practices(view)
    stride = math.ceil(len(curve) / CURVE_POINTS)
    curve = (*curve[::stride], *((curve[-1],) if (len(curve) - 1) % stride else ()))
    sizes = [round(point.population, 1) for point in curve]
    banded = [practice for practice in practices if practice.band is not None]
    band_points = 3 * len(banded)
    target_points = max(len(sizes), len(practices), band_points)
    if target_points > len(sizes):  # LibreOffice: the first series must be the longest
        step = (sizes[-1] - sizes[0]) / max(target_points - 1, 1)
        target_sizes = [sizes[0] + index * step for index in range(target_points)]
    else:
        target_sizes = sizes

    data = _new_data(_XyData, number_format=WHOLE_FORMAT)
    target = data.add_series(
        f"{funnel.reference.label}s rate ({decimal(funnel.target_rate)})", RATE_FORMAT
    )
    for size in target_sizes:
        target.add_data_point(size, funnel.target_rate)
    limits = (
        ("95 %-grænser", [p.upper_95 for p in curve]),
        ("95 %-grænser (nedre)", [p.lower_95 for p in curve]),
        ("99,8 %-grænser", [p.upper_998 for p in curve]),
        ("99,8 %-grænser (nedre)", [p.lower_998 for p in curve]),
    )
    for name, values in limits:
        series = data.add_series(name, RATE_FORMAT)
        for size, value in zip(sizes, values, strict=True):
            series.add_data_point(size, round(max(value, 0.0), 3))
    if banded:
        band_series = data.add_series("Listestørrelsesinterval", RATE_FORMAT)
        for practice in banded:
            assert practice.band is not None
            band_series.add_data_point(practice.band[0], practice.rate)
            band_series.add_data_point(practice.band[1], practice.rate)
            band_series.add_data_point(practice.band[1], None)
    practice_series = data.add_series("Praksis", RATE_FORMAT)
    for practice in practices:
        practice_series.add_data_point(practice.size, practice.rate)

    frame, chart = _add_chart(slide, box, XL_CHART_TYPE.XY_SCATTER_SMOOTH_NO_MARKERS, data)
    drawn = _all_series(chart)
    _line(drawn[0], TARGET_COLOUR, 2.0)
    _smooth(drawn[0], smooth=False)
    limit_colours = (LIMIT_95_COLOUR, LIMIT_95_COLOUR, LIMIT_998_COLOUR, LIMIT_998_COLOUR)
    for series, colour in zip(drawn[1:5], limit_colours, strict=True):
        _line(series, colour, 2.0, dashed=True)
        _smooth(series, smooth=True)
    if banded:
        _line(drawn[5], PRACTICE_COLOUR, 1.5)
        _smooth(drawn[5], smooth=False)
    dots = drawn[-1]
    _markers(dots, PRACTICE_COLOUR, 9)
    _smooth(dots, smooth=False)
    _labels(
        dots,
        number_format=RATE_FORMAT,
        position="t" if banded else "r",  # right of a banded practice is its band's line
        colour=PRACTICE_COLOUR,
        bold=True,
        texts=[practice.letter for practice in practices],
    )

    x_values = [*sizes, *(p.size for p in practices)]
    low, high = min(x_values), max(x_values)
    x_step = _nice_step(high - low, 6)
    x_axis = chart.category_axis
    _style_axis(
        x_axis,
        size=SMALL_PT,
        number_format=WHOLE_FORMAT,
        title="Gruppe 1-sikrede (listestørrelse)",
    )
    x_axis.minimum_scale = math.floor(low / x_step) * x_step
    x_axis.maximum_scale = math.ceil(high / x_step) * x_step
    x_axis.major_unit = x_step
    y_top = max([funnel.target_rate, *(p.upper_998 for p in curve), *(p.rate for p in practices)])
    _style_axis(
        chart.value_axis,
        size=SMALL_PT,
        number_format=WHOLE_FORMAT,
        title=_rate_axis_title(view, counted),
        gridlines=True,
    )
    _scale_value_axis(chart.value_axis, y_top * 1.05)
    _legend(chart)
    _hide_legend_entries(chart, (2, 4))
    return ChartResult(frame, ())
