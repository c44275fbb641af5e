"""Make the built-in deck template from python-pptx's default presentation.

Run from the repository root (the output is committed; run again after changing this)::

    python plugins/klyngepakke-pptx/scripts/make_template.py

What it does to python-pptx's default (4:3, Office theme):

- 16:9 (13.333 × 7.5 in); every placeholder of the master and the layouts is widened with
  the slide (x and width × 4/3), and the master's title and body are placed for the deck;
- the theme is renamed "Klyngepakke" with the shared colours (text #1B2A41, titles #1F4E79,
  accent #2E75B6, …) and Calibri for headings and body;
- left-aligned bold titles of 32 pt in the title colour, body text from 24 pt down to 18 pt,
  section headers 40 pt;
- a notes master (so each deck does not have to add one);
- fixed document properties and zip timestamps, so the same script makes the same bytes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import sys
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Final

from lxml import etree  # type: ignore[import-untyped, unused-ignore]
from pptx import Presentation
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.util import Emu, Inches, Pt

OUTPUT: Final = Path(__file__).parents[1] / "src" / "klyngepakke_pptx" / "template.pptx"

A: Final = "http://schemas.openxmlformats.org/drawingml/2006/main"
P: Final = "http://schemas.openxmlformats.org/presentationml/2006/main"
NS: Final = {"a": A, "p": P}

WIDE: Final = 12192000
HIGH: Final = 6858000
OLD_WIDE: Final = 9144000

COLOURS: Final = {
    "dk1": "1B2A41",
    "lt1": "FFFFFF",
    "dk2": "1F4E79",
    "lt2": "E7E6E6",
    "accent1": "2E75B6",
    "accent2": "C55A11",
    "accent3": "A6A6A6",
    "accent4": "F4B183",
    "accent5": "1F4E79",
    "accent6": "7F7F7F",
    "hlink": "2E75B6",
    "folHlink": "7030A0",
}
BODY_SIZES: Final = (2400, 2000, 1800, 1800, 1800, 1800, 1800, 1800, 1800)
FIXED_TIME: Final = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def _q(tag: str) -> str:
    prefix, name = tag.split(":")
    return f"{{{NS[prefix]}}}{name}"


def _widen(tree: Any) -> None:
    """Scale every shape's x offset and width from 4:3 to 16:9."""
    for xfrm in tree.iter(_q("a:xfrm")):
        offset, extent = xfrm.find(_q("a:off")), xfrm.find(_q("a:ext"))
        if offset is not None:
            offset.set("x", str(int(offset.get("x")) * WIDE // OLD_WIDE))
        if extent is not None:
            extent.set("cx", str(int(extent.get("cx")) * WIDE // OLD_WIDE))


def _place(tree: Any, placeholder_type: str, left: int, top: int, width: int, height: int) -> None:
    for shape in tree.iter(_q("p:sp")):
        ph = shape.find(".//p:nvPr/p:ph", NS)
        if ph is not None and ph.get("type", "obj") == placeholder_type:
            xfrm = shape.find("p:spPr/a:xfrm", NS)
            xfrm.find(_q("a:off")).attrib.update({"x": str(left), "y": str(top)})
            xfrm.find(_q("a:ext")).attrib.update({"cx": str(width), "cy": str(height)})


def _level_properties(parent: Any, sizes: Iterable[int], colour: str, bold: bool) -> None:
    for level, size in enumerate(sizes, start=1):
        properties = parent.find(f"a:lvl{level}pPr", NS)
        if properties is None:
            continue
        run = properties.find("a:defRPr", NS)
        run.set("sz", str(size))
        if bold:
            run.set("b", "1")
        fill = run.find("a:solidFill", NS)
        if fill is not None:
            run.remove(fill)
        fill = etree.Element(_q("a:solidFill"))
        scheme = etree.SubElement(fill, _q("a:schemeClr"))
        scheme.set("val", colour)
        run.insert(0, fill)


def _style_master(master: Any) -> None:
    tree = master._element
    _widen(tree)
    _danish(tree)
    margin = int(Inches(0.5))
    _place(tree, "title", margin, int(Inches(0.45)), WIDE - 2 * margin, int(Inches(1.2)))
    _place(tree, "body", margin, int(Inches(1.8)), WIDE - 2 * margin, int(Inches(4.85)))
    title_style = tree.find("p:txStyles/p:titleStyle", NS)
    title_style.find("a:lvl1pPr", NS).set("algn", "l")
    _level_properties(title_style, (3200,), "tx2", bold=True)
    body_style = tree.find("p:txStyles/p:bodyStyle", NS)
    _level_properties(body_style, BODY_SIZES, "tx1", bold=False)
    for shape in tree.iter(_q("p:sp")):  # the title's text sits at the bottom of its box
        ph = shape.find(".//p:nvPr/p:ph", NS)
        if ph is not None and ph.get("type") == "title":
            shape.find("p:txBody/a:bodyPr", NS).set("anchor", "b")


def _plain_text(styles: Any, *, align: str = "l") -> None:
    """Left-aligned text in the full text colour (python-pptx's default greys it)."""
    for level in styles:
        level.set("algn", align)
        for scheme in level.iter(_q("a:schemeClr")):
            for tint in scheme.findall(_q("a:tint")):
                scheme.remove(tint)
        for run in level.iter(_q("a:defRPr")):
            run.attrib.pop("cap", None)


DANISH_PROMPTS: Final = {
    "Click to edit Master title style": "Klik for at redigere titeltypografien i masteren",
    "Click to edit Master subtitle style": "Klik for at redigere undertiteltypografien i masteren",
    "Click to edit Master text styles": "Klik for at redigere teksttypografierne i masteren",
    "Second level": "Andet niveau",
    "Third level": "Tredje niveau",
    "Fourth level": "Fjerde niveau",
    "Fifth level": "Femte niveau",
}


def _danish(tree: Any) -> None:
    """Danish prompt texts and language tags in a master or layout."""
    for text in tree.iter(_q("a:t")):
        text.text = DANISH_PROMPTS.get(text.text or "", text.text)
    for tag in ("a:rPr", "a:endParaRPr", "a:defRPr"):
        for run in tree.iter(_q(tag)):
            if run.get("lang"):
                run.set("lang", "da-DK")


def _style_layout(layout: Any) -> None:
    tree = layout._element
    _widen(tree)
    _danish(tree)
    if layout.name == "Section Header":
        margin = int(Inches(0.9))
        _place(tree, "title", margin, int(Inches(2.3)), WIDE - 2 * margin, int(Inches(1.6)))
        _place(tree, "body", margin, int(Inches(4.0)), WIDE - 2 * margin, int(Inches(2.4)))
        for shape in tree.iter(_q("p:sp")):
            ph = shape.find(".//p:nvPr/p:ph", NS)
            if ph is None:
                continue
            body = shape.find("p:txBody", NS)
            if ph.get("type") == "title":
                body.find("a:bodyPr", NS).set("anchor", "b")
                styles = body.find("a:lstStyle", NS)
                if styles is not None:
                    _level_properties(styles, (4000,), "tx2", bold=True)
                    _plain_text(styles)
            elif ph.get("type") == "body":
                body.find("a:bodyPr", NS).set("anchor", "t")
                _plain_text(body.find("a:lstStyle", NS))
    if layout.name == "Title Slide":
        margin = int(Inches(0.9))
        _place(tree, "ctrTitle", margin, int(Inches(1.6)), WIDE - 2 * margin, int(Inches(2.2)))
        _place(tree, "subTitle", margin, int(Inches(4.0)), WIDE - 2 * margin, int(Inches(2.6)))
        for shape in tree.iter(_q("p:sp")):
            ph = shape.find(".//p:nvPr/p:ph", NS)
            if ph is not None and ph.get("type") == "ctrTitle":
                shape.find("p:txBody/a:bodyPr", NS).set("anchor", "b")
            elif ph is not None and ph.get("type") == "subTitle":
                styles = shape.find("p:txBody/a:lstStyle", NS)
                _plain_text(styles)
                _level_properties(styles, (2400, 2000), "tx1", bold=False)


def _style_theme(presentation: Any) -> None:
    theme_part = presentation.slide_master.part.part_related_by(RT.THEME)
    theme = etree.fromstring(theme_part.blob)
    theme.set("name", "Klyngepakke")
    scheme = theme.find("a:themeElements/a:clrScheme", NS)
    scheme.set("name", "Klyngepakke")
    for name, value in COLOURS.items():
        slot = scheme.find(f"a:{name}", NS)
        for child in list(slot):
            slot.remove(child)
        etree.SubElement(slot, _q("a:srgbClr")).set("val", value)
    fonts = theme.find("a:themeElements/a:fontScheme", NS)
    fonts.set("name", "Klyngepakke")
    for kind in ("majorFont", "minorFont"):
        fonts.find(f"a:{kind}/a:latin", NS).set("typeface", "Calibri")
    theme_part._blob = etree.tostring(
        theme, xml_declaration=True, encoding="UTF-8", standalone=True
    )


def _reproducible(data: bytes) -> bytes:
    """The same package with fixed timestamps, so reruns give the same bytes."""
    source = zipfile.ZipFile(io.BytesIO(data))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(2026, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            target.writestr(fixed, source.read(info))
    return output.getvalue()


def make_template() -> bytes:
    """The built-in template's bytes."""
    presentation = Presentation()
    presentation.slide_width = Emu(WIDE)
    presentation.slide_height = Emu(HIGH)
    presentation._element.find(_q("p:sldSz")).attrib.pop("type", None)
    _style_theme(presentation)
    _style_master(presentation.slide_master)
    for layout in presentation.slide_layouts:
        _style_layout(layout)
    defaults = presentation._element.find("p:defaultTextStyle", NS)
    _level_properties(defaults, (Pt(18).centipoints,) * 9, "tx1", bold=False)
    _danish(defaults)
    assert presentation.notes_master is not None  # made on first use: ship it
    properties = presentation.core_properties
    properties.title = "Klyngepakke"
    properties.subject = "Skabelon til klyngemødets præsentation"
    properties.author = "KiAP"
    properties.last_modified_by = "klyngepakke"
    properties.keywords = ""
    properties.comments = ""
    properties.revision = 1
    properties.created = FIXED_TIME.replace(tzinfo=None)
    properties.modified = FIXED_TIME.replace(tzinfo=None)
    properties.last_printed = FIXED_TIME.replace(tzinfo=None)
    buffer = io.BytesIO()
    presentation.save(buffer)
    return _reproducible(buffer.getvalue())


def main(argv: list[str] | None = None) -> int:
    """Write the template (or, with ``--check``, fail if the committed one differs)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    args = parser.parse_args(argv)
    data = make_template()
    if args.check:
        same = args.output.is_file() and args.output.read_bytes() == data
        print(f"{args.output}: {'up to date' if same else 'differs from the script output'}")
        return 0 if same else 1
    args.output.write_bytes(data)
    print(f"wrote {args.output} ({len(data):,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
