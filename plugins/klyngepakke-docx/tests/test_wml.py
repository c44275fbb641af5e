"""The fast XML layer under the documents: it must write what python-docx would write.

Each helper is checked against python-docx itself (the same edit made through python-docx's
API gives the same XML) or read back through python-docx's API; every document is checked
for property elements in schema order, which Word insists on; and the prepared templates
are checked to start every document afresh and to follow a template that changes.
"""

from __future__ import annotations

import copy
import io
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.enum.text import WD_PARAGRAPH_ALIGNMENT
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

import klyngepakke
from klyngepakke.bundle import MeetingBundle
from klyngepakke.model import ClusterPackage
from klyngepakke_docx import _wml as wml
from klyngepakke_docx._document import (
    CHECKBOX,
    WordDocument,
    keep_with_next,
    merge_row,
    open_document,
    row_cells,
    shade_cell,
    table_rows,
)
from klyngepakke_docx._exporter import DOCUMENTS

ORDERED = {
    qn("w:pPr"): wml.PARAGRAPH_PROPERTIES,
    qn("w:rPr"): wml.RUN_PROPERTIES,
    qn("w:tcPr"): wml.CELL_PROPERTIES,
    qn("w:tblPr"): wml._ranks(
        "tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize",
        "tblStyleColBandSize", "tblW", "jc", "tblCellSpacing", "tblInd", "tblBorders", "shd",
        "tblLayout", "tblCellMar", "tblLook", "tblCaption", "tblDescription", "tblPrChange",
    ),
}  # fmt: skip
TWIP = 635
"""EMU in a twip, the unit Word stores lengths in."""


def canonical(element: Any) -> str:
    """``element`` as canonical XML, without empty run properties (python-docx leaves some)."""
    element = copy.deepcopy(element)
    for properties in list(element.iter(qn("w:rPr"))):
        if len(properties) == 0 and properties.getparent().tag == qn("w:r"):
            properties.getparent().remove(properties)
    return ET.canonicalize(xml_data=element.xml)


def out_of_order(root: Any) -> list[str]:
    """Property elements whose children are not in schema order, with the order found."""
    found = []
    for tag, ranks in ORDERED.items():
        for properties in root.iter(tag):
            order = [ranks.get(child.tag, len(ranks)) for child in properties]
            if order != sorted(order):
                names = [local_name(child.tag) for child in properties]
                found.append(f"{local_name(tag)}: {names}")
    return found


def local_name(tag: str) -> str:
    return tag.rpartition("}")[2]


def table_with(word: WordDocument, rows: list[tuple[str, str, str]]) -> Any:
    return word.table(("A", "B", "C"), rows, widths=(2, 1, 1), centre_columns=(1, 2))


# -- runs and paragraphs ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["Enkel tekst", " indrykket ", "a\tb", "første linje\nanden linje", "\tstart", "slut\n"],
)
def test_text_becomes_the_run_content_python_docx_writes(text: str) -> None:
    word = open_document()
    fast = word.paragraph(style="Klyngepakke note")
    word.add_text(fast, text, links=False)
    reference = word.document.add_paragraph(style="Klyngepakke note")
    reference.add_run(text)
    assert canonical(fast._p) == canonical(reference._p)
    assert fast.text == reference.text


def test_run_formatting_reads_back_through_python_docx() -> None:
    word = open_document()
    paragraph = word.paragraph()
    word.add_text(paragraph, "fed og farvet", bold=True, colour=RGBColor(0x2E, 0x75, 0xB6))
    word.add_text(paragraph, " kursiv", italic=True)
    word.missing("mødested", paragraph)
    bold, italic, missing = paragraph.runs
    assert (bold.bold, bold.italic, italic.bold, italic.italic) == (True, None, None, True)
    assert bold.font.color.rgb == RGBColor(0x2E, 0x75, 0xB6)
    assert missing.text == "[mangler: mødested]"
    assert missing.bold
    assert str(missing.font.highlight_color) == "YELLOW (7)"
    word.format_runs(paragraph, bold=True, colour=RGBColor(0xC0, 0, 0), size=Pt(8.5))
    assert all(run.bold for run in paragraph.runs)
    assert {run.font.color.rgb for run in paragraph.runs} == {RGBColor(0xC0, 0, 0)}
    assert {run.font.size for run in paragraph.runs} == {Pt(8.5)}
    assert out_of_order(paragraph._p) == []


def test_format_paragraph_writes_what_paragraph_format_writes() -> None:
    word = open_document()
    fast = word.paragraph("Spørgsmål", style="Klyngepakke note")
    word.format_paragraph(
        fast,
        space_before=Pt(12),
        space_after=Pt(3),
        keep_with_next=True,
        left_indent=Cm(0.75),
        first_line_indent=Cm(-0.75),
        tab_stop=Cm(0.75),
        centre=True,
    )
    word.format_paragraph(fast, tab_stop=Cm(0.25), keep_with_next=False)
    reference = word.paragraph("Spørgsmål", style="Klyngepakke note")
    fmt = reference.paragraph_format
    fmt.space_before, fmt.space_after, fmt.keep_with_next = Pt(12), Pt(3), True
    fmt.left_indent, fmt.first_line_indent = Cm(0.75), Cm(-0.75)
    fmt.tab_stops.add_tab_stop(Cm(0.75))
    fmt.alignment = WD_PARAGRAPH_ALIGNMENT.CENTER
    fmt.tab_stops.add_tab_stop(Cm(0.25))
    fmt.keep_with_next = False
    assert canonical(fast._p) == canonical(reference._p)
    word.format_paragraph(fast, first_line_indent=Cm(0.5))
    assert fast.paragraph_format.first_line_indent == pytest.approx(Cm(0.5), abs=TWIP)
    assert fast._p.find(f"{qn('w:pPr')}/{qn('w:ind')}").get(qn("w:hanging")) is None


def test_numbered_items_keep_their_style_first_in_the_properties() -> None:
    word = open_document()
    items = word.numbered(["første", "anden"])
    assert [p.style.name if p.style else "" for p in items] == ["List Number"] * 2
    assert out_of_order(word.document.element.body) == []
    number_ids = {
        p._p.find(f"{qn('w:pPr')}/{qn('w:numPr')}/{qn('w:numId')}").get(qn("w:val")) for p in items
    }
    assert len(number_ids) == 1


# -- tables -----------------------------------------------------------------------------------


def test_a_table_reads_back_with_its_widths_header_and_centred_columns() -> None:
    word = open_document()
    table = table_with(word, [("første", "1", CHECKBOX), ("anden", "2", "")])
    assert [[cell.text for cell in row.cells] for row in table.rows] == [
        ["A", "B", "C"],
        ["første", "1", CHECKBOX],
        ["anden", "2", ""],
    ]
    widths = [column.width for column in table.columns]
    assert widths[0] == pytest.approx(2 * widths[1], rel=0.01)
    assert sum(widths) == pytest.approx(int(word._text_width()), rel=0.001)
    first, *others = table_rows(table)
    assert first.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None
    assert all(row.find(f"{qn('w:trPr')}/{qn('w:cantSplit')}") is not None for row in others)
    assert [c.paragraphs[0].alignment for c in row_cells(table, 1)] == [
        None,
        WD_PARAGRAPH_ALIGNMENT.CENTER,
        WD_PARAGRAPH_ALIGNMENT.CENTER,
    ]
    assert row_cells(table, -1)[0].text == "anden"
    assert out_of_order(table._tbl) == []


def test_the_rows_are_independent_copies() -> None:
    word = open_document()
    table = table_with(word, [("a", "b", "c"), ("d", "e", "f")])
    word.cell_text(row_cells(table, 1)[0], "mere", new_paragraph=True)
    assert [len(cell.paragraphs) for cell in row_cells(table, 2)] == [1, 1, 1]


@pytest.mark.parametrize(
    "rows",
    [
        [("Gruppe", "", ""), ("a", "b", "c")],
        [("Gruppe", "og mere", ""), ("a", "b", "c")],
        [("", "", "kun sidst"), ("a", "b", "c")],
    ],
)
def test_merge_row_merges_as_python_docx_merges(rows: list[tuple[str, str, str]]) -> None:
    word = open_document()
    fast, reference = table_with(word, rows), table_with(word, rows)
    merged = merge_row(fast, 1)
    cells = reference.rows[1].cells
    expected = cells[0].merge(cells[-1])
    assert canonical(fast._tbl) == canonical(reference._tbl)
    assert merged.text == expected.text
    assert len(row_cells(fast, 1)) == 1


def test_shading_and_keep_with_next_replace_what_was_there() -> None:
    word = open_document()
    table = table_with(word, [("a", "b", "c")])
    cell = row_cells(table, 1)[0]
    shade_cell(cell, "DEEAF6")
    shade_cell(cell, "E7E6E6")
    assert [shd.get(qn("w:fill")) for shd in cell._tc.iter(qn("w:shd"))] == ["E7E6E6"]
    keep_with_next(table_rows(table)[1])
    assert all(cell.paragraphs[0].paragraph_format.keep_with_next for cell in table.rows[1].cells)


def test_cell_text_fills_the_empty_paragraph_first_then_adds_paragraphs() -> None:
    word = open_document()
    table = table_with(word, [("", "", "")])
    cell = row_cells(table, 1)[0]
    word.cell_text(cell, "første")
    word.cell_text(cell, "anden", italic=True)
    word.cell_bullets(cell, ["punkt"])
    assert [p.text for p in cell.paragraphs] == ["første", "anden", "•\tpunkt"]
    assert [p.style.name for p in cell.paragraphs] == ["Klyngepakke tabeltekst"] * 3
    bullet = cell.paragraphs[2].paragraph_format
    assert bullet.left_indent == pytest.approx(Cm(0.4), abs=TWIP)
    assert bullet.first_line_indent == -bullet.left_indent
    assert [stop.position for stop in bullet.tab_stops] == [bullet.left_indent]


# -- whole documents --------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(set(DOCUMENTS) - {"recommendations"}))
def test_every_document_keeps_property_elements_in_schema_order(
    name: str, bundle: MeetingBundle, tmp_path: Path
) -> None:
    path = tmp_path / f"{name}.docx"
    klyngepakke.export(bundle, "docx", path, options={"document": name})
    assert out_of_order(docx.Document(str(path)).element.body) == []


def test_documents_from_the_prepared_template_start_empty_and_apart() -> None:
    first = open_document()
    first.paragraph("kun i det første")
    first.document.styles["Normal"].font.name = "Cambria"
    second = open_document()
    assert second.document.element.body.find(qn("w:p")) is None
    assert second.document.styles["Normal"].font.name == "Calibri"
    assert second.style_id("Heading 1") == "Heading1"


def test_a_template_changed_under_the_same_name_is_read_again(
    package: ClusterPackage, tmp_path: Path
) -> None:
    template = tmp_path / "skabelon.docx"
    for font in ("Cambria", "Georgia"):
        word = open_document()
        word.document.styles["Heading 1"].font.name = font
        buffer = io.BytesIO()
        word.document.save(buffer)
        template.write_bytes(buffer.getvalue())
        path = tmp_path / f"pakke-{font}.docx"
        klyngepakke.export(package, "docx", path, options={"template": str(template)})
        assert docx.Document(str(path)).styles["Heading 1"].font.name == font
