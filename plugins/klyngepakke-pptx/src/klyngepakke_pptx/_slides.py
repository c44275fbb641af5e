"""Slides that fit: titles, text, tables and chart frames measured before they are written.

:class:`SlideMaker` adds slides of the few kinds the deck needs to a template's presentation.
Every text it writes is measured first (:mod:`klyngepakke_pptx._text`): a title is set at
32 pt, or smaller down to 28 pt, and shortened with "…" (full text in the notes) if it still
does not fit; body text at 20 pt, or 18 pt if that keeps it on one slide, and otherwise
continued on further slides titled "… (fortsat)"; tables at 18 pt, continued the same way with
their header row repeated. Nothing is written below 14 pt (footers and source lines). A single
paragraph too long for a whole slide is made smaller (not below 14 pt) and then shortened.
Autofit is switched off on every frame written, so what was measured is what is shown.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Final

import attrs

from klyngepakke_pptx._drawingml import (
    INSET_X,
    INSET_Y,
    set_text,
    table_element,
    text_box_element,
)
from klyngepakke_pptx._parts import NotesWriter, speed_up
from klyngepakke_pptx._text import (
    EMU_PER_POINT,
    LINE_HEIGHT,
    Measure,
    Paragraph,
    paragraphs_height,
    shorten,
)

if TYPE_CHECKING:
    from pptx.presentation import Presentation
    from pptx.slide import Slide

    from klyngepakke_pptx._charts import Box, ChartResult
    from klyngepakke_pptx._template import Template

__all__ = [
    "BODY_PT",
    "CONTINUED",
    "PLACEHOLDER_COLOUR",
    "SMALL_PT",
    "SYNTHETIC_LABEL",
    "SlideMaker",
    "TableColumn",
    "body",
    "bullet",
    "heading",
    "small",
]

TITLE_PT: Final = 32
TITLE_MIN_PT: Final = 28
OPENING_TITLE_PT: Final = 40
SECTION_TITLE_PT: Final = 40
BODY_PT: Final = 20
BODY_MIN_PT: Final = 18
TABLE_PT: Final = 18
SMALL_PT: Final = 14
"""Footers and source lines: the smallest text the deck writes."""
BULLET_INDENT_PT: Final = 21.6
PARAGRAPH_GAP_PT: Final = 8.0
CONTINUED: Final = " (fortsat)"

GAP: Final = 91440
"""Between stacked frames (0.1 in)."""
BOTTOM_MARGIN: Final = 274320
"""Free space under the content (0.3 in)."""
SIDE_MARGIN: Final = 457200

MUTED_COLOUR: Final = "404040"
PLACEHOLDER_COLOUR: Final = "C55A11"
SYNTHETIC_FILL: Final = "C00000"
SYNTHETIC_LABEL: Final = "SYNTETISKE DATA"
GROUP_FILL: Final = "DEEAF6"
"""A table's group heading rows: a light tint of the accent colour (as in the documents)."""
SYNTHETIC_SIZE: Final = (2103120, 320040)
"""The synthetic-data tag: 2.3 × 0.35 in, in the top right corner."""


@attrs.frozen
class TableColumn:
    """A table column: its header and its share of the table's width."""

    header: str
    share: float


@attrs.frozen
class Area:
    """A rectangle on the slide in EMU."""

    left: int
    top: int
    width: int
    height: int


def heading(text: str, **settings: Any) -> Paragraph:
    """A bold body paragraph that stays with the paragraph after it."""
    return body(text, bold=True, keep_with_next=True, **settings)


def body(text: str, **settings: Any) -> Paragraph:
    """A body paragraph: 20 pt with the usual gap above (``settings`` override)."""
    return Paragraph(text, **{"size": BODY_PT, "space_before": PARAGRAPH_GAP_PT, **settings})


def bullet(text: str, **settings: Any) -> Paragraph:
    """A bulleted body paragraph."""
    return body(text, bullet=True, indent=BULLET_INDENT_PT, **settings)


def small(text: str) -> Paragraph:
    """A source or count line under the content: 14 pt, muted."""
    return Paragraph(text, SMALL_PT, colour=MUTED_COLOUR, space_before=PARAGRAPH_GAP_PT)


def _pt(emu: int) -> float:
    return emu / EMU_PER_POINT


def _emu(points: float) -> int:
    return int(points * EMU_PER_POINT) + 1


class SlideMaker:
    """Adds measured slides to a template's presentation; writes speaker notes if asked."""

    def __init__(self, template: Template, *, notes: bool, synthetic: bool) -> None:
        self.template = template
        self.presentation: Presentation = template.presentation
        speed_up(self.presentation)
        self.notes_enabled = notes
        self.notes_writer = NotesWriter()
        self.synthetic = synthetic
        self.body = Measure.for_font(template.body_font)
        self.heading = Measure.for_font(template.heading_font)
        self.width = int(self.presentation.slide_width or 12192000)
        self.height = int(self.presentation.slide_height or 6858000)
        self._layouts: dict[str, _LayoutShapes] = {}
        self._roles: dict[int, str] = {}
        self._notes: dict[int, tuple[Slide, list[str]]] = {}

    # -- slides ---------------------------------------------------------------------------

    def new_slide(self, role: str) -> Slide:
        """A slide with the layout for ``role``, tagged when the data is synthetic.

        The first slide of each layout is made by python-pptx (which copies the layout's
        placeholders); its shapes, with the placeholders the deck does not use removed and
        the synthetic-data tag added, are copied onto every later slide of that layout, and
        their positions are kept, also for the next deck made from the same template.
        """
        layout = self.template.layouts[role]
        relation, added = self.presentation.part.add_slide(layout)
        slide: Slide = added
        known = self._layouts.get(role)
        if known is None:
            known = _LAYOUT_CACHE.get((self.template.key, role, self.synthetic))
        if known is None:
            slide.shapes.clone_layout_placeholders(layout)
            if self.synthetic:
                width, height = SYNTHETIC_SIZE
                area = Area(self.width - width - 182880, 73152, width, height)
                label = Paragraph(SYNTHETIC_LABEL, SMALL_PT, bold=True, colour="FFFFFF")
                self.add_text(slide, area, [label], name="Syntetiske data", fill=SYNTHETIC_FILL)
            known = _LayoutShapes.of(slide)
            if len(_LAYOUT_CACHE) >= _LAYOUT_CACHE_SIZE:
                _LAYOUT_CACHE.pop(next(iter(_LAYOUT_CACHE)))
            _LAYOUT_CACHE[(self.template.key, role, self.synthetic)] = known
        else:
            tree = slide._element.cSld.spTree
            tree.getparent().replace(tree, copy.deepcopy(known.tree))
        self._layouts[role] = known
        self.presentation.slides._sldIdLst.add_sldId(relation)
        self._roles[id(slide.part)] = role
        return slide

    def layout_of(self, slide: Slide) -> _LayoutShapes:
        """Where the title and body are on ``slide`` (made by :meth:`new_slide`)."""
        return self._layouts[self._roles[id(slide.part)]]

    def title_slide(self, title: str, lines: Sequence[Paragraph], notes: Sequence[str]) -> Slide:
        """The opening slide: a title and the lines under it (the meeting's facts)."""
        slide = self.new_slide("title")
        shortened = self.set_title(slide, title, size=OPENING_TITLE_PT, max_lines=3)
        layout = self.layout_of(slide)
        subtitle = layout.body_text(slide)
        if subtitle is not None and layout.body is not None:
            set_text(subtitle, self._one_frame(layout.body, lines))
        self.notes(slide, [*notes, *_full_title(shortened, title)])
        return slide

    def section_slide(
        self, title: str, paragraphs: Sequence[Paragraph], notes: Sequence[str]
    ) -> Slide:
        """A divider slide: the block's title and a few lines (time, what comes)."""
        slide = self.new_slide("section")
        shortened = self.set_title(slide, title, size=SECTION_TITLE_PT)
        layout = self.layout_of(slide)
        text = layout.body_text(slide)
        if text is not None and layout.body is not None:
            if paragraphs:
                set_text(text, self._one_frame(layout.body, paragraphs))
            else:
                _remove_element(text.getparent())
        self.notes(slide, [*notes, *_full_title(shortened, title)])
        return slide

    def content_slides(
        self,
        title: str,
        paragraphs: Sequence[Paragraph],
        notes: Sequence[str],
        *,
        marked: bool = False,
    ) -> list[Slide]:
        """A title and text, continued on more slides when it does not fit on one.

        ``marked``: a placeholder for something missing, framed in orange dashes.
        """
        slides: list[Slide] = []
        pages: list[list[Paragraph]] | None = None
        while True:
            slide = self.new_slide("content")
            page_title = title if not slides else title + CONTINUED
            shortened = self.set_title(slide, page_title)
            layout = self.layout_of(slide)
            text = layout.body_text(slide)
            if text is not None and layout.body is not None:
                area = layout.body
            else:  # a layout without a body: a text box where the body would be
                area = self.content_area(slide)
            if pages is None:
                pages = self._paginate(paragraphs, area.width, area.height)
            page = pages[len(slides)]
            if text is None:
                text = self.add_text(slide, area, page, name="Tekst").find(_TX_BODY)
            else:
                set_text(text, page)
            if marked:
                _dashed_outline(text.getparent(), PLACEHOLDER_COLOUR)
            slides.append(slide)
            self.notes(slide, [*notes, *_full_title(shortened, page_title)])
            if len(slides) == len(pages):
                return slides

    def placeholder_slides(
        self, title: str, sentences: Sequence[str], notes: Sequence[str]
    ) -> list[Slide]:
        """A marked slide saying what is missing and what to supply, where it would be shown."""
        paragraphs = [
            body(sentence, bold=True, colour=PLACEHOLDER_COLOUR) for sentence in sentences
        ]
        paragraphs.append(
            body("Tilføj det til mødets bundt (klyngepakke bundle), og lav præsentationen igen.")
        )
        explained = [
            *notes,
            "Pladsholder: sliden viser, at noget mangler i mødets bundt. Den bliver erstattet "
            "af det rigtige indhold, når det er tilføjet, og præsentationen er lavet igen.",
        ]
        return self.content_slides(title, paragraphs, explained, marked=True)

    def table_slides(
        self,
        title: str,
        columns: Sequence[TableColumn],
        rows: Sequence[Sequence[str]],
        notes: Sequence[str],
        *,
        headline_rows: frozenset[int] = frozenset(),
        group_rows: frozenset[int] = frozenset(),
        empty_row_height: int = 0,
        above: Sequence[Paragraph] = (),
    ) -> list[Slide]:
        """A table under a title, its rows continued on more slides when they do not fit.

        A cell's lines (separated by newlines) are paragraphs; in ``headline_rows`` (row
        indexes) the first line of each cell is bold. ``group_rows`` head the rows after
        them: bold, shaded, never left alone at the bottom of a slide, and repeated with
        "(fortsat)" on a slide that goes on with their rows. Rows without any text are at
        least ``empty_row_height`` EMU high (room to write in). ``above`` is text over the
        table, on the first slide.
        """
        slides: list[Slide] = []
        remaining = list(enumerate(rows))
        while True:
            slide = self.new_slide("title_only")
            page_title = title if not slides else title + CONTINUED
            shortened = self.set_title(slide, page_title)
            area = self.content_area(slide)
            top = area.top
            if above and not slides:
                fitted = self._fit_lines(above, area.width, max_lines=3, min_size=SMALL_PT)
                height = self.text_height(fitted, area.width)
                self.add_text(slide, Area(area.left, top, area.width, height), fitted)
                top += height + GAP
            available = area.top + area.height - top
            widths = _split(area.width, [column.share for column in columns])
            header = [
                self._cell([column.header], widths[i], headline=True)
                for i, column in enumerate(columns)
            ]
            used = self._row_height(header, widths)
            page: list[tuple[int, list[list[Paragraph]]]] = [(used, header)]
            candidates: list[tuple[int, Sequence[str]]] = list(remaining)
            first = remaining[0][0]
            if (
                first not in group_rows
                and (open_group := max((i for i in group_rows if i < first), default=None))
                is not None
            ):  # the page starts inside a group: its heading again, continued
                heading_row = [text + CONTINUED if text else "" for text in rows[open_group]]
                candidates.insert(0, (open_group, heading_row))
            repeated = len(candidates) - len(remaining)
            indexes: list[int] = []
            for index, row in candidates:
                bold = index in headline_rows or index in group_rows
                cells = [
                    self._cell(text.split("\n"), widths[i], headline=bold)
                    for i, text in enumerate(row)
                ]
                height = self._row_height(cells, widths)
                if not any(text.strip() for text in row):
                    height = max(height, empty_row_height)
                if len(page) > 1 + repeated and used + height > available:
                    break
                page.append((height, cells))
                indexes.append(index)
                used += height
            while (
                len(indexes) > 1 + repeated
                and indexes[-1] in group_rows
                and len(indexes) < len(candidates)
            ):  # a group's heading goes on with its first row
                page.pop()
                indexes.pop()
            remaining = remaining[len(indexes) - repeated :]
            shaded = frozenset(
                place for place, index in enumerate(indexes, start=1) if index in group_rows
            )
            self._add_table(slide, area.left, top, widths, page, shaded=shaded)
            slides.append(slide)
            self.notes(slide, [*notes, *_full_title(shortened, page_title)])
            if not remaining:
                return slides

    def chart_slide(
        self,
        title: str,
        subtitle: str,
        footer: Sequence[str],
        draw: Callable[[Slide, Box], ChartResult],
        notes: Sequence[str],
    ) -> tuple[Slide, ChartResult]:
        """A title, a line of context, the chart ``draw`` adds, and footer lines (n, period).

        The chart gets the room the measured subtitle and footer leave. Labels the chart
        shortened are listed in full in the notes.
        """
        from klyngepakke_pptx._charts import Box

        slide = self.new_slide("title_only")
        shortened = self.set_title(slide, title)
        area = self.content_area(slide)
        top, bottom = area.top, area.top + area.height
        if subtitle:
            lines = [Paragraph(subtitle, BODY_PT)]
            fitted = self._fit_lines(lines, area.width, max_lines=2, min_size=BODY_MIN_PT)
            height = self.text_height(fitted, area.width)
            self.add_text(slide, Area(area.left, top, area.width, height), fitted, name="Spørgsmål")
            top += height + GAP // 2
        if footer:
            lines = [Paragraph(line, SMALL_PT, colour=MUTED_COLOUR) for line in footer]
            fitted = self._fit_lines(lines, area.width, max_lines=2, min_size=SMALL_PT)
            height = self.text_height(fitted, area.width)
            self.add_text(
                slide, Area(area.left, bottom - height, area.width, height), fitted, name="Kilde"
            )
            bottom -= height + GAP // 2
        result = draw(slide, Box(area.left, top, area.width, max(bottom - top, 0)))
        extra = []
        if result.shortened:
            extra.append("Forkortede tekster i diagrammet, i fuld længde:")
            extra += [f"• {shown} = {full}" for shown, full in result.shortened]
        self.notes(slide, [*notes, *extra, *_full_title(shortened, title)])
        return slide, result

    # -- text -----------------------------------------------------------------------------

    def set_title(
        self,
        slide: Slide,
        text: str,
        *,
        size: int = TITLE_PT,
        min_size: int = TITLE_MIN_PT,
        max_lines: int = 2,
    ) -> bool:
        """Write the title, smaller or shortened to fit; ``True`` if it had to be shortened."""
        layout = self.layout_of(slide)
        frame = layout.title_text(slide)
        if frame is None or layout.title is None:
            return False
        width = _pt(layout.title.width - 2 * INSET_X)
        height = _pt(layout.title.height - 2 * INSET_Y)
        for candidate in range(size, min_size - 1, -2):
            lines = len(self.heading.lines(text, width, candidate, bold=True))
            if lines <= max_lines and lines * LINE_HEIGHT * candidate <= height:
                set_text(frame, [Paragraph(text, candidate, bold=True)])
                return False
        room = max(1, min(max_lines, int(height // (LINE_HEIGHT * min_size))))
        short = shorten(text, width, min_size, room, bold=True, factor=self.heading.factor)
        set_text(frame, [Paragraph(short, min_size, bold=True)])
        return short != text

    def add_text(
        self,
        slide: Slide,
        area: Area,
        paragraphs: Sequence[Paragraph],
        *,
        name: str = "Tekst",
        fill: str = "",
    ) -> Any:
        """A text box (its ``p:sp`` element) at ``area`` with ``paragraphs`` as measured."""
        tree = slide._element.cSld.spTree
        shape_id = 1 + max((int(element.get("id", 0)) for element in tree.iter(_CNVPR)), default=1)
        element = text_box_element(
            shape_id,
            name,
            (area.left, area.top, area.width, area.height),
            paragraphs,
            fill=fill,
            align="ctr" if fill else "",
        )
        tree.append(element)
        return element

    def text_height(self, paragraphs: Sequence[Paragraph], width: int) -> int:
        """EMU a text box ``width`` EMU wide needs for ``paragraphs``, insets included."""
        text = paragraphs_height(paragraphs, _pt(width - 2 * INSET_X), self.body)
        return _emu(text) + 2 * INSET_Y

    def notes(self, slide: Slide, lines: Sequence[str]) -> None:
        """Speaker notes for the chair; written by :meth:`finish`."""
        self._notes[id(slide.part)] = (slide, list(lines))

    def add_to_notes(self, slides: Sequence[Slide], line: str, *, after: int = 1) -> None:
        """Insert ``line`` into the notes of ``slides`` after their first ``after`` lines."""
        for slide in slides:
            _, lines = self._notes[id(slide.part)]
            lines.insert(after, line)

    @property
    def slide_count(self) -> int:
        """Slides made so far."""
        return len(self._roles)

    def slides_since(self, count: int) -> list[Slide]:
        """The slides made after the first ``count``."""
        return [slide for slide, _ in list(self._notes.values())[count:]]

    def finish(self) -> None:
        """Write the speaker notes (unless the ``notes`` option turned them off)."""
        if not self.notes_enabled:
            return
        for slide, lines in self._notes.values():
            if lines:
                paragraphs = [Paragraph(line, 12, space_before=6.0) for line in lines]
                self.notes_writer.write(slide, paragraphs)

    # -- measuring ------------------------------------------------------------------------

    def _paginate(
        self, paragraphs: Sequence[Paragraph], width: int, height: int
    ) -> list[list[Paragraph]]:
        """Pages of paragraphs for a frame: one page at 20 or 18 pt, else 20 pt continued."""
        text_width = _pt(width - 2 * INSET_X)
        text_height = _pt(height - 2 * INSET_Y)
        if not paragraphs:
            return [[]]
        for size in (None, BODY_MIN_PT):
            candidate = [_at_most(p, size) for p in paragraphs] if size else list(paragraphs)
            if paragraphs_height(candidate, text_width, self.body) <= text_height:
                return [candidate]
        pages: list[list[Paragraph]] = [[]]
        for paragraph in paragraphs:
            single = self._fit_single(paragraph, text_width, text_height)
            trial = [*pages[-1], single]
            if pages[-1] and paragraphs_height(trial, text_width, self.body) > text_height:
                carried: list[Paragraph] = []
                while len(pages[-1]) > 1 and pages[-1][-1].keep_with_next:
                    carried.insert(0, pages[-1].pop())
                pages.append([*carried, single])
            else:
                pages[-1] = trial
        return pages

    def _fit_single(self, paragraph: Paragraph, width: float, height: float) -> Paragraph:
        """A paragraph that fits a frame alone: smaller (not below 14 pt), then shortened."""
        size = paragraph.size
        candidate = paragraph
        while size > SMALL_PT:
            candidate = attrs.evolve(paragraph, size=size)
            if paragraphs_height([candidate], width, self.body) <= height:
                return candidate
            size -= 2
        candidate = attrs.evolve(paragraph, size=max(size, SMALL_PT))
        if paragraphs_height([candidate], width, self.body) <= height:
            return candidate
        lines = max(1, int(height // (LINE_HEIGHT * candidate.size)))
        short = shorten(
            paragraph.text,
            width - paragraph.indent,
            candidate.size,
            lines,
            bold=paragraph.bold,
            factor=self.body.factor,
        )
        return attrs.evolve(candidate, text=short)

    def _one_frame(self, area: Area, paragraphs: Sequence[Paragraph]) -> list[Paragraph]:
        """``paragraphs`` for a frame that cannot continue on another slide.

        Used for the opening and divider slides, whose few lines fit unless a name is very
        long: each paragraph is kept to two lines (smaller, then shortened with "…"), and
        lines that would still need a second page are left out. The callers give the full
        text in the notes.
        """
        short = self._fit_lines(paragraphs, area.width, max_lines=2, min_size=BODY_MIN_PT)
        return self._paginate(short, area.width, area.height)[0]

    def _fit_lines(
        self, paragraphs: Sequence[Paragraph], width: int, *, max_lines: int, min_size: int
    ) -> list[Paragraph]:
        """Each paragraph in at most ``max_lines`` lines: smaller down to ``min_size``, then cut."""
        text_width = _pt(width - 2 * INSET_X)
        fitted = []
        for paragraph in paragraphs:
            size = paragraph.size
            width_here = text_width - paragraph.indent
            while (
                len(self.body.lines(paragraph.text, width_here, size, bold=paragraph.bold))
                > max_lines
                and size - 2 >= min_size
            ):
                size -= 2
            text = shorten(
                paragraph.text,
                width_here,
                size,
                max_lines,
                bold=paragraph.bold,
                factor=self.body.factor,
            )
            fitted.append(attrs.evolve(paragraph, text=text, size=size))
        return fitted

    def _cell(self, lines: Sequence[str], width: int, *, headline: bool) -> list[Paragraph]:
        return [
            Paragraph(line, TABLE_PT, bold=headline and not number)
            for number, line in enumerate(lines)
        ]

    def _row_height(self, cells: Sequence[Sequence[Paragraph]], widths: Sequence[int]) -> int:
        tallest = max(
            paragraphs_height(cell, _pt(width - 2 * INSET_X), self.body)
            for cell, width in zip(cells, widths, strict=True)
        )
        return _emu(max(tallest, LINE_HEIGHT * TABLE_PT)) + 2 * INSET_Y

    # -- shapes ---------------------------------------------------------------------------

    def content_area(self, slide: Slide) -> Area:
        """The area under the title, to the bottom margin, as wide as the title."""
        title = self.layout_of(slide).title
        if title is None:
            return Area(
                SIDE_MARGIN,
                SIDE_MARGIN,
                self.width - 2 * SIDE_MARGIN,
                self.height - 2 * SIDE_MARGIN,
            )
        top = title.top + title.height + GAP
        width = title.width or self.width - 2 * SIDE_MARGIN
        return Area(title.left, top, width, max(self.height - BOTTOM_MARGIN - top, 0))

    def _add_table(
        self,
        slide: Slide,
        left: int,
        top: int,
        widths: Sequence[int],
        rows: Sequence[tuple[int, Sequence[Sequence[Paragraph]]]],
        *,
        shaded: frozenset[int] = frozenset(),
    ) -> None:
        from pptx.util import Emu

        total = sum(height for height, _ in rows)
        frame = slide.shapes.add_table(
            len(rows), len(widths), Emu(left), Emu(top), Emu(sum(widths)), Emu(total)
        )
        data = frame._element.graphic.graphicData
        data.remove(data.tbl)
        data.append(table_element(widths, rows, shaded=shaded, shade=GROUP_FILL))


_LAYOUT_CACHE: dict[tuple[str, str, bool], _LayoutShapes] = {}
"""(template key, role, synthetic) → the layout's shapes, kept between decks."""
_LAYOUT_CACHE_SIZE: Final = 64
_P: Final = "{http://schemas.openxmlformats.org/presentationml/2006/main}"
_CNVPR: Final = f"{_P}cNvPr"
_SP: Final = f"{_P}sp"
_TX_BODY: Final = f"{_P}txBody"
_PH_PATH: Final = f"{_P}nvSpPr/{_P}nvPr/{_P}ph"
_TITLE_TYPES: Final = frozenset({"title", "ctrTitle"})
_TEXT_TYPES: Final = frozenset({"body", "obj", "subTitle"})
"""Placeholder types with a text frame the deck can write its body text into."""


def _placeholder_type(shape: Any) -> str | None:
    placeholder = shape.find(_PH_PATH)
    return None if placeholder is None else str(placeholder.get("type", "obj"))


@attrs.frozen
class _LayoutShapes:
    """A layout's shapes as the deck uses them.

    ``tree`` is a copy of a fresh slide's shape tree to start each slide from; ``title`` and
    ``body`` are where the title and the body placeholder are (as inherited from the layout
    and master), ``None`` if the layout has none.
    """

    tree: Any
    title: Area | None
    body: Area | None

    @classmethod
    def of(cls, slide: Slide) -> _LayoutShapes:
        """From a slide python-pptx just made; removes placeholders the deck does not use.

        Empty placeholders would show "Click to add text" in PowerPoint's editing view.
        """
        title = body = None
        for placeholder in list(slide.placeholders):
            kind = _placeholder_type(placeholder._element)
            area = Area(
                int(placeholder.left or 0),
                int(placeholder.top or 0),
                int(placeholder.width or 0),
                int(placeholder.height or 0),
            )
            if kind in _TITLE_TYPES and title is None:
                title = area
            elif kind in _TEXT_TYPES and body is None:
                body = area
            else:
                _remove_element(placeholder._element)
        return cls(copy.deepcopy(slide._element.cSld.spTree), title, body)

    def title_text(self, slide: Slide) -> Any:
        """The title placeholder's ``p:txBody`` on ``slide``, if the layout has a title."""
        return _text_body(slide, _TITLE_TYPES)

    def body_text(self, slide: Slide) -> Any:
        """The body placeholder's ``p:txBody`` on ``slide``, if the layout has one."""
        return _text_body(slide, _TEXT_TYPES)


def _text_body(slide: Slide, types: frozenset[str]) -> Any:
    for shape in slide._element.cSld.spTree.iterchildren(_SP):
        if _placeholder_type(shape) in types:
            return shape.find(_TX_BODY)
    return None


def _at_most(paragraph: Paragraph, size: int | None) -> Paragraph:
    if size is None or paragraph.size <= size:
        return paragraph
    return attrs.evolve(paragraph, size=size)


def _split(total: int, shares: Sequence[float]) -> list[int]:
    whole = sum(shares)
    widths = [int(total * share / whole) for share in shares]
    widths[-1] += total - sum(widths)
    return widths


def _full_title(shortened: bool, title: str) -> list[str]:
    return [f"Sidens titel i fuld længde: {title}"] if shortened else []


def _remove_element(element: Any) -> None:
    element.getparent().remove(element)


def _dashed_outline(shape: Any, colour: str) -> None:
    """A 2 pt dashed outline around the ``p:sp`` ``shape``."""
    from pptx.oxml import parse_xml

    properties = shape.find(f"{_P}spPr")
    properties.append(
        parse_xml(
            '<a:ln xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" w="25400">'
            f'<a:solidFill><a:srgbClr val="{colour}"/></a:solidFill>'
            '<a:prstDash val="dash"/></a:ln>'
        )
    )
