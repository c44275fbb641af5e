"""Text and tables written as DrawingML markup in one go.

python-pptx sets each property through its object model, one XPath lookup at a time, which
made text the slowest part of a deck. Here a frame's paragraphs (and a whole table) are
written as one XML string, parsed once with python-pptx's own parser (so its objects still
work on the result) and put in place. Every paragraph is written with everything the fit
estimate assumes: 100 % line spacing, the space before it, no space after, an explicit bullet
or none, its indent, and the run's size, weight and colour; text is marked Danish
(``lang="da-DK"``) for PowerPoint's spelling and hyphenation.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final
from xml.sax.saxutils import escape, quoteattr

from klyngepakke_pptx._text import EMU_PER_POINT, Paragraph

__all__ = ["INSET_X", "INSET_Y", "LANGUAGE", "set_text", "table_element", "text_box_element"]

A: Final = "http://schemas.openxmlformats.org/drawingml/2006/main"
P: Final = "http://schemas.openxmlformats.org/presentationml/2006/main"
LANGUAGE: Final = "da-DK"
INSET_X: Final = 91440
"""Left and right inset of every frame written (0.1 in, PowerPoint's default)."""
INSET_Y: Final = 45720
"""Top and bottom inset (0.05 in)."""
TABLE_STYLE: Final = "{5C22544A-7EE6-4342-B048-85BDC9FD1C3A}"
"""Medium Style 2 – Accent 1: header row in the accent colour, banded rows."""

_AUTOFIT: Final = tuple(f"{{{A}}}{name}" for name in ("noAutofit", "normAutofit", "spAutoFit"))


def _run_properties(paragraph: Paragraph) -> str:
    size = round(paragraph.size * 100)
    bold = ' b="1"' if paragraph.bold else ' b="0"'
    italic = ' i="1"' if paragraph.italic else ""
    fill = (
        f'<a:solidFill><a:srgbClr val="{paragraph.colour}"/></a:solidFill>'
        if paragraph.colour
        else ""
    )
    return f'<a:rPr lang="{LANGUAGE}" sz="{size}"{bold}{italic} dirty="0">{fill}</a:rPr>'


def paragraph_xml(paragraph: Paragraph, *, first: bool, align: str = "") -> str:
    """One ``a:p`` for ``paragraph``; ``first`` drops the space before it."""
    indent = round(paragraph.indent * EMU_PER_POINT)
    hanging = -indent if paragraph.bullet else 0
    before = 0 if first else round(paragraph.space_before * 100)
    aligned = f' algn="{align}"' if align else ""
    bullet = (
        '<a:buFont typeface="Arial"/><a:buChar char="•"/>' if paragraph.bullet else "<a:buNone/>"
    )
    properties = (
        f'<a:pPr marL="{indent}" indent="{hanging}"{aligned}>'
        '<a:lnSpc><a:spcPct val="100000"/></a:lnSpc>'
        f'<a:spcBef><a:spcPts val="{before}"/></a:spcBef>'
        '<a:spcAft><a:spcPts val="0"/></a:spcAft>'
        f"{bullet}</a:pPr>"
    )
    run = _run_properties(paragraph)
    lines = paragraph.text.split("\n")
    runs = f"<a:br>{run}</a:br>".join(
        f"<a:r>{run}<a:t>{escape(line)}</a:t></a:r>" if line else "" for line in lines
    )
    end = run.replace("<a:rPr", "<a:endParaRPr", 1).replace("</a:rPr>", "</a:endParaRPr>")
    return f"<a:p>{properties}{runs}{end}</a:p>"


def _paragraphs_xml(paragraphs: Sequence[Paragraph], align: str = "") -> str:
    if not paragraphs:
        return f'<a:p><a:endParaRPr lang="{LANGUAGE}"/></a:p>'
    return "".join(
        paragraph_xml(paragraph, first=index == 0, align=align)
        for index, paragraph in enumerate(paragraphs)
    )


def _parse(xml: str) -> Any:
    from pptx.oxml import parse_xml

    return parse_xml(xml)


def set_text(text_body: Any, paragraphs: Sequence[Paragraph], *, align: str = "") -> None:
    """Replace the paragraphs of ``text_body`` (an ``a:txBody``/``p:txBody``) with ours.

    Wrapping is on, autofit off, and the insets are :data:`INSET_X` and :data:`INSET_Y`.
    """
    body_properties = text_body.find(f"{{{A}}}bodyPr")
    if body_properties is not None:
        body_properties.attrib.update(
            {
                "wrap": "square",
                "lIns": str(INSET_X),
                "rIns": str(INSET_X),
                "tIns": str(INSET_Y),
                "bIns": str(INSET_Y),
            }
        )
        for child in list(body_properties):
            if child.tag in _AUTOFIT:
                body_properties.remove(child)
        body_properties.insert(0, body_properties.makeelement(f"{{{A}}}noAutofit", {}))
    for old in text_body.findall(f"{{{A}}}p"):
        text_body.remove(old)
    wrapper = _parse(f'<a:txBody xmlns:a="{A}">{_paragraphs_xml(paragraphs, align)}</a:txBody>')
    for paragraph in list(wrapper):
        text_body.append(paragraph)


def table_element(
    widths: Sequence[int],
    rows: Sequence[tuple[int, Sequence[Sequence[Paragraph]]]],
    *,
    shaded: frozenset[int] = frozenset(),
    shade: str = "",
) -> Any:
    """An ``a:tbl`` with a header row: ``rows`` are (height in EMU, cells' paragraphs).

    The rows whose indexes are in ``shaded`` are filled with ``shade`` (``RRGGBB``) instead
    of the table style's banding.
    """
    grid = "".join(f'<a:gridCol w="{width}"/>' for width in widths)
    plain = f'<a:tcPr marL="{INSET_X}" marR="{INSET_X}" marT="{INSET_Y}" marB="{INSET_Y}"/>'
    filled = plain.replace(
        "/>", f'><a:solidFill><a:srgbClr val="{shade}"/></a:solidFill></a:tcPr>', 1
    )
    body = (
        f'<a:bodyPr wrap="square" lIns="{INSET_X}" rIns="{INSET_X}" tIns="{INSET_Y}" '
        f'bIns="{INSET_Y}"/><a:lstStyle/>'
    )
    xml_rows = "".join(
        f'<a:tr h="{height}">'
        + "".join(
            f"<a:tc><a:txBody>{body}{_paragraphs_xml(cell)}</a:txBody>"
            f"{filled if index in shaded and shade else plain}</a:tc>"
            for cell in cells
        )
        + "</a:tr>"
        for index, (height, cells) in enumerate(rows)
    )
    return _parse(
        f'<a:tbl xmlns:a="{A}"><a:tblPr firstRow="1" bandRow="1">'
        f"<a:tableStyleId>{TABLE_STYLE}</a:tableStyleId></a:tblPr>"
        f"<a:tblGrid>{grid}</a:tblGrid>{xml_rows}</a:tbl>"
    )


def text_box_element(
    shape_id: int,
    name: str,
    box: tuple[int, int, int, int],
    paragraphs: Sequence[Paragraph],
    *,
    fill: str = "",
    align: str = "",
) -> Any:
    """A ``p:sp`` text box at ``box`` (left, top, width, height in EMU) with ``paragraphs``."""
    left, top, width, height = box
    background = f'<a:solidFill><a:srgbClr val="{fill}"/></a:solidFill>' if fill else "<a:noFill/>"
    return _parse(
        f'<p:sp xmlns:p="{P}" xmlns:a="{A}">'
        f'<p:nvSpPr><p:cNvPr id="{shape_id}" name={quoteattr(name)}/>'
        '<p:cNvSpPr txBox="1"/><p:nvPr/></p:nvSpPr>'
        f'<p:spPr><a:xfrm><a:off x="{left}" y="{top}"/><a:ext cx="{width}" cy="{height}"/>'
        f'</a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom>{background}</p:spPr>'
        f'<p:txBody><a:bodyPr wrap="square" lIns="{INSET_X}" rIns="{INSET_X}" '
        f'tIns="{INSET_Y}" bIns="{INSET_Y}" rtlCol="0" anchor="t"><a:noAutofit/></a:bodyPr>'
        f"<a:lstStyle/>{_paragraphs_xml(paragraphs, align)}</p:txBody></p:sp>"
    )
