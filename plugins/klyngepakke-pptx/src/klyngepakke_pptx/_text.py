r"""Text on slides: cleaning, measuring with the shipped Carlito font, wrapping and fitting.

Cleaning
    XML 1.0 cannot hold most control characters, and python-pptx either refuses them (charts)
    or writes them as visible ``_x001B_`` escapes (text frames). Every text that goes into a
    deck is therefore cleaned first (:func:`clean_text`, applied to the whole bundle by
    :func:`clean_model`): tabs, vertical tabs and form feeds become spaces, ``\r\n`` and a
    lone ``\r`` become ``\n``, and every other character XML cannot hold or that is an
    invisible control (U+0000–U+001F except tab and newline, U+007F–U+009F, unpaired
    surrogates, U+FFFE, U+FFFF) is removed. A required model field (a title, say) that holds
    nothing but such characters is an :class:`~klyngepakke.errors.ExportError` naming its
    field path, since removing them would leave it empty.

Fit estimate
    Text is measured with Carlito, the metric-compatible stand-in for Calibri that ships in
    this package (SIL Open Font License, see ``LICENSE-fonts.txt``): every glyph has Calibri's
    advance width, so a line measured with Carlito breaks where PowerPoint breaks it with
    Calibri. Widths are the fonts' actual advance widths (Pillow's ``ImageFont.getlength``
    with the basic layout, no kerning), scaled from a 1000-point reference size, per word.
    Lines are filled greedily word by word at spaces (a word longer than a line is broken
    between characters, as PowerPoint does). A line counts as full at 97 % of the available
    width, which absorbs kerning and the renderers' rounding. The line height is the font's
    own single line spacing, read from its ``hhea`` table: (ascender + descender + line gap)
    / units per em = (1536 + 512 + 452) / 2048 = 1.22 × the font size; every paragraph is
    written with 100 % line spacing and an explicit space before it, so the estimate is
    ``sum(space before + lines × 1.22 × size)`` and must not exceed the frame's height less
    its top and bottom insets. The available width is the frame's width less its left and
    right insets and the paragraph's indent. Themes whose body or heading font is not
    Calibri/Carlito are measured with Carlito widened by :data:`OTHER_FONT_FACTOR` (Arial and
    Helvetica are about 12 % wider than Calibri on Danish text, Cambria about 10 %).
"""

from __future__ import annotations

import functools
import re
import struct
from collections.abc import Iterator, Mapping, Sequence
from importlib import resources
from typing import TYPE_CHECKING, Any, Final, TypeVar

import attrs

from klyngepakke.errors import ExportError, ModelError, PathPart, format_path

if TYPE_CHECKING:
    from PIL import ImageFont

__all__ = [
    "CALIBRI_FAMILIES",
    "EMU_PER_POINT",
    "FILL_RATIO",
    "LINE_HEIGHT",
    "OTHER_FONT_FACTOR",
    "Measure",
    "Paragraph",
    "clean_model",
    "clean_text",
    "paragraphs_height",
    "shorten",
    "wrap",
]

EMU_PER_POINT: Final = 12700
FILL_RATIO: Final = 0.97
"""A line is full at this share of the available width."""
OTHER_FONT_FACTOR: Final = 1.15
"""How much wider than Carlito a theme font other than Calibri is assumed to be."""
CALIBRI_FAMILIES: Final = frozenset({"calibri", "carlito", "calibri light"})
_REFERENCE_SIZE: Final = 1000

# Characters XML 1.0 cannot hold, plus C1 controls (valid but invisible and never intended).
_REMOVED: Final = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_SPACED: Final = re.compile("[\t\x0b\x0c]")
_NEEDS_CLEANING: Final = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff\t\r]")

T = TypeVar("T")


def clean_text(text: str) -> str:
    """``text`` without the characters XML cannot hold (see the module docstring)."""
    if _NEEDS_CLEANING.search(text) is None:
        return text
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _REMOVED.sub("", _SPACED.sub(" ", text))


def clean_model(value: T, *, where: str = "") -> T:
    """``value`` (a model object, tuple, mapping or string) with every string cleaned.

    Objects that need no cleaning are returned as they are (no copy). A model object whose
    invariants break once cleaned (a required text that was only control characters) raises
    :class:`ExportError` naming the field path under ``where``.
    """
    try:
        return _clean(value)  # type: ignore[no-any-return]
    except _InvalidError as invalid:
        path = format_path([*([where] if where else []), *reversed(invalid.path)])
        raise ExportError(
            f"{path or type(value).__name__}: removing the control characters that a "
            f"PowerPoint file cannot hold leaves invalid text ({invalid.problems}); fix the "
            "text in the input file"
        ) from None


class _InvalidError(Exception):
    """A cleaned model object broke its invariants; ``path`` is collected inside out."""

    def __init__(self, problems: str) -> None:
        super().__init__(problems)
        self.problems = problems
        self.path: list[PathPart] = []


@functools.cache
def _field_names(cls: type) -> tuple[tuple[str, str], ...]:
    """(attribute, ``__init__`` argument) of each field of the attrs class ``cls``."""
    return tuple((field.name, field.alias or field.name) for field in attrs.fields(cls))


def _clean(value: Any) -> Any:
    """Walks the value; builds field paths only when something turns out invalid."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, tuple):
        cleaned = []
        changed = False
        for index, item in enumerate(value):
            try:
                new = _clean(item)
            except _InvalidError as invalid:
                invalid.path.append(index)
                raise
            changed |= new is not item
            cleaned.append(new)
        return tuple(cleaned) if changed else value
    if isinstance(value, Mapping):
        items = {clean_text(k) if isinstance(k, str) else k: _clean(v) for k, v in value.items()}
        if all(items.get(k) is v for k, v in value.items()):
            return value
        return items
    cls = type(value)
    if not attrs.has(cls):
        return value
    changes = {}
    for name, argument in _field_names(cls):
        old = getattr(value, name)
        if old is None or isinstance(old, (int, float, bool)):
            continue
        try:
            new = _clean(old)
        except _InvalidError as invalid:
            invalid.path.append(name)
            raise
        if new is not old:
            changes[argument] = new
    if not changes:
        return value
    try:
        return attrs.evolve(value, **changes)
    except ModelError as error:
        raise _InvalidError("; ".join(str(problem) for problem in error.problems)) from None


# -- measuring ----------------------------------------------------------------------------


@functools.cache
def _font(bold: bool) -> ImageFont.FreeTypeFont:
    from PIL import ImageFont

    name = "Carlito-Bold.ttf" if bold else "Carlito-Regular.ttf"
    source = resources.files("klyngepakke_pptx") / "fonts" / name
    with resources.as_file(source) as path:
        return ImageFont.truetype(str(path), _REFERENCE_SIZE, layout_engine=ImageFont.Layout.BASIC)


def _line_height_from_font() -> float:
    """Single line spacing in ems, from the regular font's ``head`` and ``hhea`` tables."""
    data = (resources.files("klyngepakke_pptx") / "fonts" / "Carlito-Regular.ttf").read_bytes()
    (count,) = struct.unpack(">H", data[4:6])
    tables = {}
    for index in range(count):
        tag, _checksum, offset, _length = struct.unpack(
            ">4sIII", data[12 + 16 * index : 28 + 16 * index]
        )
        tables[tag] = offset
    (units_per_em,) = struct.unpack(">H", data[tables[b"head"] + 18 : tables[b"head"] + 20])
    ascender, descender, line_gap = struct.unpack(
        ">hhh", data[tables[b"hhea"] + 4 : tables[b"hhea"] + 10]
    )
    return float(ascender - descender + line_gap) / float(units_per_em)


LINE_HEIGHT: Final = _line_height_from_font()
"""Single line spacing as a multiple of the font size (1.2207 for Carlito/Calibri)."""


@functools.lru_cache(maxsize=8192)
def _word_width(word: str, bold: bool) -> float:
    """Advance width of ``word`` at the reference size (1000 pt)."""
    return float(_font(bold).getlength(word))


@attrs.frozen
class Measure:
    """How text is measured: Carlito, widened by ``factor`` for other theme fonts."""

    factor: float = 1.0

    @classmethod
    def for_font(cls, typeface: str) -> Measure:
        """The measure for a theme typeface (Calibri and Carlito exact, others widened)."""
        exact = typeface.strip().lower() in CALIBRI_FAMILIES or not typeface.strip()
        return cls(1.0 if exact else OTHER_FONT_FACTOR)

    def width(self, text: str, size: float, *, bold: bool = False) -> float:
        """Width of one line of ``text`` in points at ``size`` points."""
        return _word_width(text, bold) * size / _REFERENCE_SIZE * self.factor

    def lines(self, text: str, width: float, size: float, *, bold: bool = False) -> list[str]:
        """``text`` wrapped into lines of at most ``width`` points (a newline breaks a line)."""
        return wrap(text, width, size, bold=bold, factor=self.factor)


def wrap(
    text: str, width: float, size: float, *, bold: bool = False, factor: float = 1.0
) -> list[str]:
    """``text`` wrapped greedily into lines that fit ``width`` points at ``size`` points."""
    scale = size / _REFERENCE_SIZE * factor
    limit = width * FILL_RATIO / scale if scale else 0.0
    space = _word_width(" ", bold)
    lines: list[str] = []
    for paragraph in text.split("\n"):
        words = paragraph.split()
        if not words:
            lines.append("")
            continue
        current: list[str] = []
        used = 0.0
        for word in words:
            measured = _word_width(word, bold)
            if measured > limit:
                if current:
                    lines.append(" ".join(current))
                    current, used = [], 0.0
                pieces = list(_break_word(word, limit, bold))
                lines.extend(pieces[:-1])
                current, used = [pieces[-1]], _word_width(pieces[-1], bold)
                continue
            extra = measured + (space if current else 0.0)
            if current and used + extra > limit:
                lines.append(" ".join(current))
                current, used = [word], measured
            else:
                current.append(word)
                used += extra
        lines.append(" ".join(current))
    return lines


def _break_word(word: str, limit: float, bold: bool) -> Iterator[str]:
    piece = ""
    for character in word:
        if piece and _word_width(piece + character, bold) > limit:
            yield piece
            piece = character
        else:
            piece += character
    yield piece


def shorten(
    text: str,
    width: float,
    size: float,
    max_lines: int,
    *,
    bold: bool = False,
    factor: float = 1.0,
) -> str:
    """``text`` cut at a word and ended with "…" so it wraps into at most ``max_lines``."""
    if len(wrap(text, width, size, bold=bold, factor=factor)) <= max_lines:
        return text
    words = text.split()
    low, high = 0, len(words)
    while low < high:  # the most words that still fit with the ellipsis
        middle = (low + high + 1) // 2
        candidate = " ".join(words[:middle]).rstrip(",;:.–-") + "…"
        if len(wrap(candidate, width, size, bold=bold, factor=factor)) <= max_lines:
            low = middle
        else:
            high = middle - 1
    if low == 0:  # not even one word fits: cut inside the first one
        first = wrap(words[0] if words else text, width, size, bold=bold, factor=factor)[0]
        return first[:-1] + "…" if len(first) > 1 else "…"
    return " ".join(words[:low]).rstrip(",;:.–-") + "…"


@attrs.frozen
class Paragraph:
    """One paragraph as it is written to a text frame, with what measuring it needs.

    ``indent`` (points) is the left margin of the text, where a bullet hangs into it;
    ``space_before`` (points) the gap above the paragraph; ``colour`` an ``RRGGBB`` or "".
    ``keep_with_next``: a heading, never left alone at the end of a page.
    """

    text: str
    size: float
    bold: bool = False
    bullet: bool = False
    indent: float = 0.0
    space_before: float = 0.0
    colour: str = ""
    italic: bool = False
    keep_with_next: bool = False

    def height(self, width: float, measure: Measure) -> float:
        """Points this paragraph takes in a frame whose text area is ``width`` points wide."""
        lines = measure.lines(self.text, width - self.indent, self.size, bold=self.bold)
        return self.space_before + len(lines) * LINE_HEIGHT * self.size


def paragraphs_height(paragraphs: Sequence[Paragraph], width: float, measure: Measure) -> float:
    """Points ``paragraphs`` take in a text area ``width`` points wide (first gap dropped)."""
    total = sum(paragraph.height(width, measure) for paragraph in paragraphs)
    return total - (paragraphs[0].space_before if paragraphs else 0.0)
