r"""WordprocessingML written straight to the XML tree: the fast paths under :mod:`._document`.

python-docx finds where a new property element belongs by searching the parent for each tag
that may follow it (``first_child_found_in``, some 30 ``find`` calls for a paragraph's
properties), walks the whole table for ``table.cell(r, c)`` or ``row.cells``, and looks styles
up by name through every style. A document with a few hundred table cells spent most of its
time there. These helpers build the same elements directly: a property goes into its schema
position by a rank lookup over the (few) children present, a run is made with its properties
and text at once, and tables are built by copying a prepared row (see
:meth:`~klyngepakke_docx._document.WordDocument.table`).

The elements are created through the tree's own ``makeelement``, so they are python-docx's
element classes (``CT_P``, ``CT_R``, …) and the python-docx objects wrapped around them
(``Paragraph``, ``_Cell``) work as before. Text is turned into run content as python-docx
does: a tab becomes ``w:tab``, a line break ``w:br``, and a ``w:t`` whose text has leading or
trailing white space keeps it with ``xml:space="preserve"``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Final

from docx.oxml.xmlchemy import BaseOxmlElement

__all__ = [
    "BR",
    "CELL_PROPERTIES",
    "HYPERLINK",
    "PARAGRAPH_PROPERTIES",
    "PLAIN",
    "PPR",
    "RPR",
    "RUN_PROPERTIES",
    "TAB",
    "TC",
    "TR",
    "VAL",
    "XML_SPACE",
    "Element",
    "P",
    "R",
    "RunFormat",
    "T",
    "append_run",
    "append_text",
    "has_content",
    "properties_of",
    "set_on_off",
    "set_property",
    "sub",
    "w",
]

Element = BaseOxmlElement
"""An element of a python-docx tree (lxml ``_Element`` with python-docx's class)."""

W_NS: Final = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
XML_SPACE: Final = "{http://www.w3.org/XML/1998/namespace}space"


def w(name: str) -> str:
    """The Clark name of ``w:name``: ``{namespace}name``."""
    return f"{{{W_NS}}}{name}"


P: Final = w("p")
PPR: Final = w("pPr")
R: Final = w("r")
RPR: Final = w("rPr")
T: Final = w("t")
TAB: Final = w("tab")
BR: Final = w("br")
HYPERLINK: Final = w("hyperlink")
TR: Final = w("tr")
TC: Final = w("tc")
TCPR: Final = w("tcPr")
VAL: Final = w("val")


def _ranks(*names: str) -> Mapping[str, int]:
    return {w(name): rank for rank, name in enumerate(names)}


PARAGRAPH_PROPERTIES: Final = _ranks(
    "pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr",
    "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap",
    "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd",
    "snapToGrid", "spacing", "ind", "contextualSpacing", "mirrorIndents", "suppressOverlap",
    "jc", "textDirection", "textAlignment", "textboxTightWrap", "outlineLvl", "divId",
    "cnfStyle", "rPr", "sectPr", "pPrChange",
)  # fmt: skip
"""The children of ``w:pPr`` in schema order (tag → rank)."""

RUN_PROPERTIES: Final = _ranks(
    "rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike", "dstrike",
    "outline", "shadow", "emboss", "imprint", "noProof", "snapToGrid", "vanish", "webHidden",
    "color", "spacing", "w", "kern", "position", "sz", "szCs", "highlight", "u", "effect",
    "bdr", "shd", "fitText", "vertAlign", "rtl", "cs", "em", "lang", "eastAsianLayout",
    "specVanish", "oMath",
)  # fmt: skip
"""The children of ``w:rPr`` in schema order (tag → rank)."""

CELL_PROPERTIES: Final = _ranks(
    "cnfStyle", "tcW", "gridSpan", "hMerge", "vMerge", "tcBorders", "shd", "noWrap", "tcMar",
    "textDirection", "tcFitText", "vAlign", "hideMark", "headers", "cellIns", "cellDel",
    "cellMerge", "tcPrChange",
)  # fmt: skip
"""The children of ``w:tcPr`` in schema order (tag → rank)."""

_PROPERTIES_OF: Final = {P: PPR, R: RPR, TC: TCPR}
_RUN_BREAKS: Final = re.compile(r"([\t\n\r])")


def sub(parent: Element, tag: str, attributes: Mapping[str, str] | None = None) -> Element:
    """A new child ``tag`` appended to ``parent``."""
    child: Element = parent.makeelement(tag, attributes or {})
    parent.append(child)
    return child


def properties_of(owner: Element) -> Element:
    """The properties element of a paragraph, run or cell (``w:pPr``/``w:rPr``/``w:tcPr``).

    It is the owner's first child; one is made there if the owner has none.
    """
    tag = _PROPERTIES_OF[owner.tag]
    if len(owner) and owner[0].tag == tag:
        first: Element = owner[0]
        return first
    properties: Element = owner.makeelement(tag, {})
    owner.insert(0, properties)
    return properties


def set_property(
    properties: Element,
    tag: str,
    ranks: Mapping[str, int],
    attributes: Mapping[str, str] | None = None,
    *,
    replace: bool = False,
) -> Element:
    """The child ``tag`` of ``properties``, made in its schema position if missing.

    ``attributes`` are set on it (with ``replace``, its other attributes are removed first).
    """
    rank = ranks[tag]
    for index, child in enumerate(properties):
        if child.tag == tag:
            if replace:
                child.attrib.clear()
            if attributes:
                child.attrib.update(attributes)
            found: Element = child
            return found
        if ranks.get(child.tag, len(ranks)) > rank:
            new: Element = properties.makeelement(tag, attributes or {})
            properties.insert(index, new)
            return new
    return sub(properties, tag, attributes)


def set_on_off(properties: Element, tag: str, ranks: Mapping[str, int], value: bool) -> None:
    """An on/off property: ``<w:keepNext/>`` for true, ``<w:keepNext w:val="0"/>`` for false."""
    set_property(properties, tag, ranks, None if value else {VAL: "0"}, replace=True)


class RunFormat:
    """Direct formatting of a run: the ``w:rPr`` children, in schema order, made once.

    ``font`` is the font for Latin text (``w:rFonts`` ``ascii`` and ``hAnsi``), ``colour`` a
    hex RGB string, ``size`` in half-points, ``highlight`` a highlight colour name.
    """

    __slots__ = ("_children",)

    def __init__(
        self,
        *,
        style_id: str | None = None,
        font: str | None = None,
        bold: bool = False,
        italic: bool = False,
        colour: str | None = None,
        size: int | None = None,
        highlight: str | None = None,
    ) -> None:
        children: list[tuple[str, dict[str, str]]] = []
        if style_id is not None:
            children.append((w("rStyle"), {VAL: style_id}))
        if font is not None:
            children.append((w("rFonts"), {w("ascii"): font, w("hAnsi"): font}))
        if bold:
            children.append((w("b"), {}))
        if italic:
            children.append((w("i"), {}))
        if colour is not None:
            children.append((w("color"), {VAL: colour}))
        if size is not None:
            children.append((w("sz"), {VAL: str(size)}))
        if highlight is not None:
            children.append((w("highlight"), {VAL: highlight}))
        self._children = tuple(children)

    def __bool__(self) -> bool:
        return bool(self._children)

    def apply(self, run: Element) -> None:
        """Set these properties on ``run`` (merged into its ``w:rPr``, in schema order)."""
        if not self._children:
            return
        properties = properties_of(run)
        for tag, attributes in self._children:
            set_property(properties, tag, RUN_PROPERTIES, attributes, replace=True)

    def write(self, run: Element) -> None:
        """Give the new, empty ``run`` these properties (a fresh ``w:rPr``)."""
        if not self._children:
            return
        properties = sub(run, RPR)
        for tag, attributes in self._children:
            sub(properties, tag, attributes)


PLAIN: Final = RunFormat()
"""No direct formatting."""


def append_run(paragraph: Element, text: str, run_format: RunFormat = PLAIN) -> Element:
    """A run with ``run_format`` and ``text`` appended to ``paragraph`` (a ``w:p``)."""
    run = sub(paragraph, R)
    run_format.write(run)
    if text:
        append_text(run, text)
    return run


def append_text(run: Element, text: str) -> None:
    """``text`` as run content: ``w:t`` pieces, ``w:tab`` for tabs, ``w:br`` for line breaks."""
    if "\t" not in text and "\n" not in text and "\r" not in text:
        _append_t(run, text)
        return
    for piece in _RUN_BREAKS.split(text):
        if piece == "\t":
            sub(run, TAB)
        elif piece in ("\n", "\r"):
            sub(run, BR)
        elif piece:
            _append_t(run, piece)


def _append_t(run: Element, text: str) -> None:
    content = sub(run, T)
    content.text = text
    if len(text.strip()) < len(text):
        content.set(XML_SPACE, "preserve")


_CONTENT_TAGS: Final = frozenset({TAB, BR, w("cr"), w("noBreakHyphen"), w("ptab")})


def has_content(paragraph: Element) -> bool:
    """Whether ``paragraph`` shows something: text, a tab or break, or a hyperlink."""
    for child in paragraph:
        if child.tag == HYPERLINK:
            return True
        if child.tag == R:
            for part in child:
                if (part.tag == T and part.text) or part.tag in _CONTENT_TAGS:
                    return True
    return False
