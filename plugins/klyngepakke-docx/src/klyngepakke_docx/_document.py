r"""Shared infrastructure for every Word document the ``docx`` exporter writes.

Every document writer (the package, the runbook, the letter, the questionnaire, the minutes,
the results report) builds on :class:`WordDocument`, a thin layer over a python-docx
``Document`` that keeps to real Word styles and the shared visual language. This module
imports python-docx at the top, so it is imported only when a document is written (the
plugin's entry point does not import it).

Opening
    :func:`open_document` opens the built-in template (``template=None``) or a user's
    ``.docx``/``.dotx`` file. A ``.dotx`` has its main part's content type rewritten in an
    in-memory copy before python-docx opens it; the user's file is never changed. The
    template's body text is discarded; its styles, page set-up, headers and footers are kept.
    Every style in :data:`REQUIRED_STYLES` must exist in the template, or an
    :class:`~klyngepakke.errors.ExportError` names the template file, the missing style and
    what it is used for. The styles in :data:`ADDED_STYLES` are added with the built-in look
    when the template lacks them (define one with that name in the template to restyle it).
    The footer gets "Side X af Y" (``PAGE``/``NUMPAGES`` fields) on every page, unless the
    template's footer has page numbers of its own.

Writing (methods of :class:`WordDocument`; all text goes through :func:`clean_text`)
    - :meth:`~WordDocument.title` – title and subtitle (styles ``Title``, ``Subtitle``);
    - :meth:`~WordDocument.set_page_header` – package title and cluster on every page, and
      "SYNTETISKE DATA" when the document shows synthetic data;
    - :meth:`~WordDocument.table_of_contents` – a ``TOC`` field marked dirty (see below);
    - :meth:`~WordDocument.heading` – ``Heading 1``–``Heading 3``: they show in Word's
      navigation pane and in the table of contents;
    - :meth:`~WordDocument.paragraph`, :meth:`~WordDocument.paragraphs` (text with blank
      lines between paragraphs), :meth:`~WordDocument.note` (small italic text),
      :meth:`~WordDocument.add_text` (runs; ``http(s)://`` links become hyperlinks);
    - :meth:`~WordDocument.bullets` and :meth:`~WordDocument.numbered` – lists in the
      ``List Bullet`` and ``List Number`` styles; each numbered list starts again at 1;
    - :meth:`~WordDocument.hyperlink` – a real ``w:hyperlink`` with an external
      relationship, in the ``Hyperlink`` character style;
    - :meth:`~WordDocument.table` – a table in the ``Klyngepakke tabel`` style whose header
      row repeats on every page (``w:tblHeader``); a cell is text or a function that fills the
      python-docx cell; :data:`CHECKBOX` makes a tick-box cell;
    - :meth:`~WordDocument.facts` – a two-column table of labels and values, kept on a page;
    - :meth:`~WordDocument.cell_text`, :meth:`~WordDocument.cell_bullets` – fill a cell;
    - :meth:`~WordDocument.checkbox` – a tick box in a paragraph;
    - :meth:`~WordDocument.set_style` – give a paragraph a style by name (fast: python-docx's
      own ``paragraph.style = …`` searches every style each time);
    - :meth:`~WordDocument.format_paragraph`, :meth:`~WordDocument.format_runs` – spacing,
      keep-with-next, indents, a tab stop, alignment; bold, colour and size of every run;
    - :func:`row_cells`, :func:`merge_row`, :func:`shade_cell`, :func:`keep_with_next` –
      a table row's cells, a row merged into one spanning cell, a cell's shading, a row kept
      with the next;
    - :meth:`~WordDocument.answer_line` – a line to write on, for paper forms;
    - :meth:`~WordDocument.missing` – a visibly marked placeholder for something the source
      lacks ("[mangler: …]", highlighted);
    - :meth:`~WordDocument.page_break`, :meth:`~WordDocument.set_properties` (the file's
      title, subject and keywords), :meth:`~WordDocument.save`.

    Danish dates and amounts come from :mod:`klyngepakke.danish` (``11. marts 2027``,
    ``173,06 kr.``); :func:`duration_text` writes a length in minutes as Danish words.

Speed
    A country's build writes hundreds of documents, so the writing goes around python-docx's
    slow paths (see :mod:`klyngepakke_docx._wml`): paragraphs, runs, hyperlinks and their
    properties are written to the XML tree directly; a table is built from one prepared row,
    copied for each row and filled in place; style ids are looked up once per template; the
    prepared template (look, added styles, footer) is kept per process and each document
    starts from a copy. Writers use :meth:`~WordDocument.format_paragraph`,
    :meth:`~WordDocument.format_runs` and the table helpers rather than ``paragraph_format``,
    ``run.font``, ``table.rows[i].cells`` or ``cell.merge``, which each search or walk the
    tree. The XML written is the same as python-docx writes (property elements in schema
    order). ``benchmarks/documents.py`` times each document.

Table of contents
    python-docx cannot lay out pages, so :meth:`~WordDocument.table_of_contents` writes the
    field with a Danish placeholder, marks it dirty and sets ``w:updateFields`` in the
    document settings: Word fills it in when the document is opened (after asking). To have
    it filled in the file itself, or in a PDF, run the document through LibreOffice with
    :func:`klyngepakke_docx._libreoffice.update_document` (the exporter's ``update_fields``
    option and :func:`klyngepakke_docx.convert_to_pdf` do that).

Control characters
    XML 1.0 forbids most C0 control characters, U+FFFE, U+FFFF and unpaired surrogates, and
    python-docx refuses text that holds them. :func:`clean_text` removes them (form feed and
    vertical tab become a space; tab, line feed and carriage return are kept, ``\r\n`` and
    ``\r`` becoming ``\n``), so a stray character from a pasted text never breaks or corrupts
    a document.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Final

import attrs
import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_PARAGRAPH_ALIGNMENT, WD_TAB_ALIGNMENT
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.oxml.parser import OxmlElement
from docx.shared import Cm, Emu, Length, Pt, RGBColor
from docx.styles import BabelFish
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from klyngepakke.errors import ExportError
from klyngepakke_docx import _wml as wml
from klyngepakke_docx._wml import Element, RunFormat

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument

__all__ = [
    "ADDED_STYLES",
    "CHECKBOX",
    "REQUIRED_STYLES",
    "SYNTHETIC_MARK",
    "Cell",
    "TableRow",
    "WordDocument",
    "clean_text",
    "duration_text",
    "keep_with_next",
    "merge_row",
    "open_document",
    "row_cells",
    "shade_cell",
    "table_rows",
]

CHECKBOX: Final = "☐"
"""An empty tick box, for cells and options people tick on paper."""

SYNTHETIC_MARK: Final = "SYNTETISKE DATA"
"""Printed in the header of every page of a document made from synthetic data."""

TEXT_COLOUR: Final = RGBColor(0x1B, 0x2A, 0x41)
TITLE_COLOUR: Final = RGBColor(0x1F, 0x4E, 0x79)
ACCENT_COLOUR: Final = RGBColor(0x2E, 0x75, 0xB6)
NOTE_COLOUR: Final = RGBColor(0x59, 0x59, 0x59)
SYNTHETIC_COLOUR: Final = RGBColor(0xC0, 0x00, 0x00)

TABLE_STYLE: Final = "Klyngepakke tabel"
TABLE_TEXT_STYLE: Final = "Klyngepakke tabeltekst"
TABLE_HEADER_STYLE: Final = "Klyngepakke tabeloverskrift"
NOTE_STYLE: Final = "Klyngepakke note"
ANSWER_LINE_STYLE: Final = "Klyngepakke svarlinje"
HYPERLINK_STYLE: Final = "Hyperlink"
TOC_HEADING_STYLE: Final = "TOC Heading"

REQUIRED_STYLES: Final[dict[str, tuple[WD_STYLE_TYPE, str]]] = {
    "Normal": (WD_STYLE_TYPE.PARAGRAPH, "body text"),
    "Title": (WD_STYLE_TYPE.PARAGRAPH, "the document's title"),
    "Subtitle": (WD_STYLE_TYPE.PARAGRAPH, "the line under the title"),
    "Heading 1": (WD_STYLE_TYPE.PARAGRAPH, "chapter headings (navigation pane, contents)"),
    "Heading 2": (WD_STYLE_TYPE.PARAGRAPH, "section headings (navigation pane, contents)"),
    "Heading 3": (WD_STYLE_TYPE.PARAGRAPH, "subsection headings (navigation pane)"),
    "List Bullet": (WD_STYLE_TYPE.PARAGRAPH, "bullet lists"),
    "List Number": (WD_STYLE_TYPE.PARAGRAPH, "numbered lists"),
    "Header": (WD_STYLE_TYPE.PARAGRAPH, "the page header (package and cluster)"),
    "Footer": (WD_STYLE_TYPE.PARAGRAPH, "the page footer (page numbers)"),
}
"""Styles a template must define: name → (kind, what the documents use it for)."""

ADDED_STYLES: Final[tuple[str, ...]] = (
    HYPERLINK_STYLE,
    TABLE_STYLE,
    TABLE_TEXT_STYLE,
    TABLE_HEADER_STYLE,
    NOTE_STYLE,
    ANSWER_LINE_STYLE,
    TOC_HEADING_STYLE,
)
"""Styles added with the built-in look when a template does not define them."""

Cell = str | Callable[["_Cell"], None]
"""A table cell: text, or a function that fills the python-docx cell (which holds one empty
paragraph in the table text style)."""

_TEMPLATE_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"
_DOCUMENT_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
_MACRO_MAINS = (
    "application/vnd.ms-word.document.macroEnabled.main+xml",
    "application/vnd.ms-word.template.macroEnabledTemplate.main+xml",
)

# XML 1.0 allows tab, LF, CR and everything from U+0020 except surrogates, U+FFFE and U+FFFF.
_FORBIDDEN = re.compile("[\x00-\x08\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_URL = re.compile(r"https?://[^\s<>\"»«]+")
_URL_TRAILING = ".,;:!?)]}'"


def clean_text(text: str) -> str:
    r"""``text`` without the characters XML 1.0 forbids.

    C0 controls other than tab, line feed and carriage return, U+FFFE, U+FFFF and unpaired
    surrogates are removed; form feed and vertical tab become a space; ``\r\n`` and ``\r``
    become ``\n``.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\x0b", " ").replace("\x0c", " ")
    return _FORBIDDEN.sub("", text)


def duration_text(minutes: int) -> str:
    """A length as Danish words: ``2 timer og 30 minutter``, ``1 time``, ``45 minutter``."""
    hours, rest = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(f"{hours} {'time' if hours == 1 else 'timer'}")
    if rest or not hours:
        parts.append(f"{rest} {'minut' if rest == 1 else 'minutter'}")
    return " og ".join(parts)


def open_document(template: str | Path | None = None) -> WordDocument:
    """A new, empty document on the built-in template or on ``template`` (``.docx``/``.dotx``).

    Raises :class:`~klyngepakke.errors.ExportError` when the template cannot be read, is
    macro-enabled, or lacks one of :data:`REQUIRED_STYLES`.

    The prepared template (the built-in look or the checked user template, its body
    discarded, the added styles and the page footer in place) is made once per process and
    template content, and each document starts from a fresh copy of it.
    """
    if template is None:
        source = "the built-in template"
        prepared = _prepared_builtin()
    else:
        path = Path(template)
        source = str(path)
        prepared = _prepared_template(path)
    document = docx.Document(io.BytesIO(prepared.package))
    return WordDocument(document, source, styles_by_name=prepared.styles_by_name)


@attrs.frozen
class _Prepared:
    """A template ready to start documents from: the package and its style ids by name."""

    package: bytes
    styles_by_name: Mapping[str, str]


_prepared_builtin_cache: list[_Prepared] = []
_prepared_templates: dict[bytes, _Prepared] = {}
_PREPARED_TEMPLATES_KEPT: Final = 8
"""User templates kept prepared (by content), the oldest forgotten first."""


def _prepared_builtin() -> _Prepared:
    if not _prepared_builtin_cache:
        document = docx.Document()
        _apply_builtin_look(document)
        _prepared_builtin_cache.append(_prepare(document, "the built-in template"))
    return _prepared_builtin_cache[0]


def _prepared_template(path: Path) -> _Prepared:
    data = _read_template(path)
    key = hashlib.sha256(data).digest()
    prepared = _prepared_templates.get(key)
    if prepared is None:
        document = docx.Document(io.BytesIO(_as_document_package(path, data)))
        _check_styles(document, str(path))
        prepared = _prepare(document, str(path))
        if len(_prepared_templates) >= _PREPARED_TEMPLATES_KEPT:
            del _prepared_templates[next(iter(_prepared_templates))]
        _prepared_templates[key] = prepared
    return prepared


def _prepare(document: DocxDocument, source: str) -> _Prepared:
    """The template without its body, with the added styles and the footer, as a package."""
    _discard_body(document)
    _add_missing_styles(document)
    WordDocument(document, source)._set_page_footer()
    buffer = io.BytesIO()
    document.save(buffer)
    return _Prepared(buffer.getvalue(), MappingProxyType(_styles_by_name(document)))


def _read_template(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ExportError(
            f"template {path}: cannot be read ({exc.strerror or exc}); give the path of a Word "
            "document (.docx) or template (.dotx)"
        ) from exc


def _as_document_package(path: Path, data: bytes) -> bytes:
    """The template as a ``.docx`` package in memory; a ``.dotx`` gets the document type."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            content_types = package.read("[Content_Types].xml").decode("utf-8")
            members = [(info, package.read(info)) for info in package.infolist()]
    except (zipfile.BadZipFile, KeyError, UnicodeDecodeError) as exc:
        raise ExportError(
            f"template {path}: is not a Word document or template (.docx/.dotx); it is not an "
            "Office Open XML package"
        ) from exc
    if any(kind in content_types for kind in _MACRO_MAINS):
        raise ExportError(
            f"template {path}: is macro-enabled (.docm/.dotm); save it in Word as a template "
            "without macros (.dotx) and give that file"
        )
    if _TEMPLATE_MAIN in content_types:
        content_types = content_types.replace(_TEMPLATE_MAIN, _DOCUMENT_MAIN)
    elif _DOCUMENT_MAIN not in content_types:
        raise ExportError(
            f"template {path}: is not a Word document or template (.docx/.dotx); its main part "
            "is not a word-processing document"
        )
    rewritten = io.BytesIO()
    with zipfile.ZipFile(rewritten, "w", zipfile.ZIP_DEFLATED) as package:
        for info, content in members:
            if info.filename == "[Content_Types].xml":
                content = content_types.encode("utf-8")
            package.writestr(info, content)
    return rewritten.getvalue()


def _check_styles(document: DocxDocument, source: str) -> None:
    styles = document.styles
    for name, (kind, used_for) in REQUIRED_STYLES.items():
        try:
            style = styles[name]
        except KeyError:
            raise ExportError(
                f"template {source}: has no style {name!r}, which the documents use for "
                f"{used_for}. Word saves only the styles a document has used: apply "
                f"{name!r} once in the template (you may delete the text again), save it, and "
                "try again"
            ) from None
        if style.type != kind:
            raise ExportError(
                f"template {source}: the style {name!r} is a {_kind_name(style.type)} style, but "
                f"the documents need a {_kind_name(kind)} style for {used_for}"
            )


def _kind_name(kind: WD_STYLE_TYPE) -> str:
    return {
        WD_STYLE_TYPE.PARAGRAPH: "paragraph",
        WD_STYLE_TYPE.CHARACTER: "character",
        WD_STYLE_TYPE.TABLE: "table",
        WD_STYLE_TYPE.LIST: "list",
    }.get(kind, str(kind))


def _discard_body(document: DocxDocument) -> None:
    """Remove the template's body content; its last section properties stay."""
    body = document.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)


def _style_names(document: DocxDocument) -> set[str]:
    return {style.name for style in document.styles if style.name is not None}


def _add_missing_styles(document: DocxDocument) -> None:
    names = _style_names(document)
    styles_element = document.styles.element
    for name, xml in _ADDED_STYLE_XML.items():
        if name not in names:
            styles_element.append(parse_xml(xml))


def _apply_builtin_look(document: DocxDocument) -> None:
    """The shared visual language on python-docx's default template: A4, Calibri, colours."""
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.3)
    section.top_margin, section.bottom_margin = Cm(2.2), Cm(2.2)
    section.header_distance = section.footer_distance = Cm(1.0)

    defaults = document.styles.element.find(qn("w:docDefaults"))
    if defaults is not None:
        run_defaults = defaults.find(qn("w:rPrDefault") + "/" + qn("w:rPr"))
        if run_defaults is not None:
            for child in list(run_defaults):
                if child.tag in (qn("w:rFonts"), qn("w:lang")):
                    run_defaults.remove(child)
            run_defaults.insert(
                0,
                parse_xml(
                    f'<w:rFonts {nsdecls("w")} w:ascii="Calibri" w:hAnsi="Calibri" '
                    'w:eastAsia="Calibri" w:cs="Calibri"/>'
                ),
            )
            run_defaults.append(
                parse_xml(
                    f'<w:lang {nsdecls("w")} w:val="da-DK" w:eastAsia="en-US" w:bidi="ar-SA"/>'
                )
            )
    styles = document.styles
    normal = styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(11)
    normal.font.color.rgb = TEXT_COLOUR
    normal_format = normal.paragraph_format
    normal_format.space_after = Pt(6)
    normal_format.line_spacing = 1.1

    for name, size, before, after in (
        ("Title", 26, 0, 4),
        ("Heading 1", 16, 18, 6),
        ("Heading 2", 13, 12, 4),
        ("Heading 3", 11.5, 10, 3),
    ):
        style = styles[name]
        font = style.font
        font.name = "Calibri"
        font.size = Pt(size)
        font.bold = name != "Title"
        font.italic = False
        font.color.rgb = TITLE_COLOUR
        _set_theme_fonts_off(style.element)
        paragraph_format = style.paragraph_format
        paragraph_format.space_before = Pt(before)
        paragraph_format.space_after = Pt(after)
        paragraph_format.keep_with_next = True
    title_ppr = styles["Title"].element.get_or_add_pPr()
    for border in title_ppr.findall(qn("w:pBdr")):
        title_ppr.remove(border)
    subtitle = styles["Subtitle"]
    subtitle.font.name = "Calibri"
    subtitle.font.size = Pt(14)
    subtitle.font.italic = False
    subtitle.font.color.rgb = ACCENT_COLOUR
    _set_theme_fonts_off(subtitle.element)
    subtitle.paragraph_format.space_after = Pt(18)
    for name in ("Header", "Footer"):
        style = styles[name]
        style.font.size = Pt(9)
        style.font.color.rgb = NOTE_COLOUR
        style.paragraph_format.space_after = Pt(0)
    for name in ("List Bullet", "List Number"):
        style = styles[name]
        paragraph_format = style.paragraph_format
        paragraph_format.space_after = Pt(3)
        paragraph_format.left_indent = Cm(0.63)
        paragraph_format.first_line_indent = Cm(-0.63)
    _indent_list_numbering(document)


def _set_theme_fonts_off(style_element: object) -> None:
    """Drop theme font references so the explicit font name wins in every reader."""
    rpr = getattr(style_element, "rPr", None)
    if rpr is None:
        return
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        return
    for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attribute), None)


def _indent_list_numbering(document: DocxDocument) -> None:
    """Align the numbering of List Bullet and List Number with the style indent (0.63 cm)."""
    for name in ("List Bullet", "List Number"):
        abstract = _abstract_num_of_style(document, name)
        if abstract is None:
            continue
        for level in abstract.findall(qn("w:lvl")):
            ppr = level.find(qn("w:pPr"))
            if ppr is None or level.get(qn("w:ilvl")) != "0":
                continue
            for child in list(ppr):
                ppr.remove(child)
            ppr.append(
                parse_xml(f'<w:tabs {nsdecls("w")}><w:tab w:val="num" w:pos="357"/></w:tabs>')
            )
            ppr.append(parse_xml(f'<w:ind {nsdecls("w")} w:left="357" w:hanging="357"/>'))


def _num_id_of_style(document: DocxDocument, name: str) -> str | None:
    element = document.styles[name].element
    num_id = element.find(f"{qn('w:pPr')}/{qn('w:numPr')}/{qn('w:numId')}")
    return None if num_id is None else str(num_id.get(qn("w:val")))


def _abstract_num_of_style(document: DocxDocument, name: str) -> Any:
    num_id = _num_id_of_style(document, name)
    if num_id is None:
        return None
    numbering = document.part.numbering_part.element
    for num in numbering.findall(qn("w:num")):
        if num.get(qn("w:numId")) == num_id:
            abstract_id = num.find(qn("w:abstractNumId"))
            if abstract_id is None:
                return None
            wanted = abstract_id.get(qn("w:val"))
            for abstract in numbering.findall(qn("w:abstractNum")):
                if abstract.get(qn("w:abstractNumId")) == wanted:
                    return abstract
    return None


class WordDocument:
    """A document being written: python-docx's ``Document`` plus the house conventions.

    Make one with :func:`open_document`. ``document`` is the python-docx object, for what
    this class does not cover; ``source`` names the template for messages;
    ``styles_by_name`` maps the template's style names to ids (looked up when first needed
    if not given).
    """

    def __init__(
        self,
        document: DocxDocument,
        source: str,
        *,
        styles_by_name: Mapping[str, str] | None = None,
    ) -> None:
        self.document = document
        self.source = source
        self._style_ids: dict[str, str] = {}
        self._styles_by_name = styles_by_name
        self._body: Element = document.element.body
        self._container = document._body
        self._part = document.part
        # The body ends with its section properties (page set-up); new blocks go before them.
        last = self._body[-1] if len(self._body) else None
        self._section_properties: Element | None = (
            last if last is not None and last.tag == _SECT_PR else None
        )
        section = document.sections[0]
        width = (section.page_width or Cm(21)) - (section.left_margin or 0)
        self._width = Emu(width - (section.right_margin or 0))
        self._run_formats: dict[tuple[bool, bool, str | None], RunFormat] = {}
        self._answer_line_indent: int | None = None
        self._list_number_id: str | None = None

    def style_id(self, name: str) -> str:
        """The id of the style called ``name``, looked up once (python-docx searches each time)."""
        found = self._style_ids.get(name)
        if found is None:
            if self._styles_by_name is None:
                self._styles_by_name = _styles_by_name(self.document)
            found = self._styles_by_name.get(BabelFish.ui2internal(name))
            if found is None:  # python-docx's own lookup: its error, or a match by id
                found = str(self.document.styles[name].style_id)
            self._style_ids[name] = found
        return found

    def set_style(self, paragraph: Paragraph, name: str) -> None:
        """Give ``paragraph`` the paragraph style called ``name``."""
        _set_paragraph_style(paragraph._p, self.style_id(name))

    def format_paragraph(
        self,
        paragraph: Paragraph,
        *,
        space_before: Length | None = None,
        space_after: Length | None = None,
        keep_with_next: bool | None = None,
        left_indent: Length | None = None,
        first_line_indent: Length | None = None,
        tab_stop: Length | None = None,
        centre: bool | None = None,
    ) -> Paragraph:
        """Set ``paragraph``'s direct formatting; what is ``None`` stays as it is.

        ``first_line_indent`` below zero is a hanging indent; ``tab_stop`` adds a left tab
        stop; ``centre`` true centres the paragraph, false aligns it left. Faster than
        python-docx's ``paragraph_format``, which searches for each property's place.
        """
        _format_paragraph(
            paragraph._p,
            space_before=space_before,
            space_after=space_after,
            keep_with_next=keep_with_next,
            left_indent=left_indent,
            first_line_indent=first_line_indent,
            tab_stop=tab_stop,
            centre=centre,
        )
        return paragraph

    def format_runs(
        self,
        paragraph: Paragraph,
        *,
        bold: bool = False,
        colour: RGBColor | None = None,
        size: Length | None = None,
    ) -> None:
        """Make every run of ``paragraph`` bold, coloured or of a size (those given)."""
        run_format = RunFormat(
            bold=bold,
            colour=None if colour is None else str(colour),
            size=None if size is None else int(size.pt * 2),
        )
        for run in paragraph._p.iterchildren(wml.R):
            run_format.apply(run)

    def _run_format(
        self, bold: bool = False, italic: bool = False, colour: RGBColor | None = None
    ) -> RunFormat:
        key = (bold, italic, None if colour is None else str(colour))
        found = self._run_formats.get(key)
        if found is None:
            found = self._run_formats[key] = RunFormat(bold=bold, italic=italic, colour=key[2])
        return found

    def _insert_block(self, element: Element) -> None:
        """Put ``element`` at the end of the body, before its section properties."""
        if self._section_properties is not None:
            self._section_properties.addprevious(element)
        else:
            self._body.append(element)

    def _new_p(self, style: str | None = None) -> Element:
        p: Element = self._body.makeelement(wml.P, {})
        if style is not None:
            wml.sub(wml.sub(p, wml.PPR), _P_STYLE, {wml.VAL: self.style_id(style)})
        self._insert_block(p)
        return p

    def _new_paragraph(self, text: str = "", style: str | None = None) -> Paragraph:
        p = self._new_p(style)
        if text:
            wml.append_run(p, text)
        return Paragraph(p, self._container)

    def _cell_p(self, tc: Element) -> Element:
        p = wml.sub(tc, wml.P)
        wml.sub(wml.sub(p, wml.PPR), _P_STYLE, {wml.VAL: self.style_id(TABLE_TEXT_STYLE)})
        return p

    # -- page furniture ----------------------------------------------------------------------

    def set_page_header(self, title: str, cluster: str = "", *, synthetic: bool = False) -> None:
        """Put ``title`` and ``cluster`` (and :data:`SYNTHETIC_MARK`) in every page's header.

        A template's own header content (a logo, say) is kept; this line goes under it.
        """
        header = self.document.sections[0].header
        header.is_linked_to_previous = False
        paragraph = _reusable_last_paragraph(header.paragraphs)
        if paragraph is None:
            paragraph = header.add_paragraph()
        self.set_style(paragraph, "Header")
        tab_stops = paragraph.paragraph_format.tab_stops
        # The style's own stops (Word's centre and right stops) would catch the tab first.
        for inherited in self.document.styles["Header"].paragraph_format.tab_stops:
            tab_stops.add_tab_stop(inherited.position, WD_TAB_ALIGNMENT.CLEAR)
        tab_stops.add_tab_stop(self._text_width(), WD_TAB_ALIGNMENT.RIGHT)
        label = " · ".join(clean_text(part) for part in (title, cluster) if part.strip())
        paragraph.add_run(label)
        if synthetic:
            paragraph.add_run("\t")
            mark = paragraph.add_run(SYNTHETIC_MARK)
            mark.bold = True
            mark.font.color.rgb = SYNTHETIC_COLOUR

    def _set_page_footer(self) -> None:
        """Put "Side X af Y" in every page's footer, centred, with PAGE and NUMPAGES fields.

        A template whose footer already numbers its pages (a ``PAGE`` field) keeps its own.
        """
        footer = self.document.sections[0].footer
        if not footer.is_linked_to_previous and _has_page_field(footer._element):
            return
        footer.is_linked_to_previous = False
        paragraph = _reusable_last_paragraph(footer.paragraphs)
        if paragraph is None:
            paragraph = footer.add_paragraph()
        self.set_style(paragraph, "Footer")
        paragraph.alignment = WD_PARAGRAPH_ALIGNMENT.CENTER
        paragraph.add_run("Side ")
        _add_field(paragraph, "PAGE", "1")
        paragraph.add_run(" af ")
        _add_field(paragraph, "NUMPAGES", "1")

    def _text_width(self) -> Emu:
        """The width between the margins (the page set-up does not change once opened)."""
        return self._width

    # -- blocks ------------------------------------------------------------------------------

    def title(self, text: str, subtitle: str = "") -> Paragraph:
        """The document's title (style ``Title``) and an optional subtitle (``Subtitle``)."""
        paragraph = self._new_paragraph(clean_text(text), "Title")
        if subtitle:
            self._new_paragraph(clean_text(subtitle), "Subtitle")
        return paragraph

    def heading(self, text: str, level: int = 1) -> Paragraph:
        """A heading in ``Heading 1``–``Heading 3``: in the navigation pane and the contents."""
        if level not in (1, 2, 3):
            raise ValueError(f"heading level must be 1, 2 or 3, got {level}")
        return self._new_paragraph(clean_text(text), f"Heading {level}")

    def paragraph(
        self,
        text: str = "",
        *,
        style: str | None = None,
        bold: bool = False,
        italic: bool = False,
        links: bool = True,
    ) -> Paragraph:
        """A paragraph; whitespace runs collapse to one space, URLs become hyperlinks."""
        p = self._new_p(style)
        paragraph = Paragraph(p, self._container)
        if text:
            text = " ".join(clean_text(text).split())
            self._write_text(p, paragraph, text, self._run_format(bold, italic), links=links)
        return paragraph

    def paragraphs(self, text: str) -> list[Paragraph]:
        """Text with blank lines between paragraphs, one paragraph each."""
        return [self.paragraph(chunk) for chunk in text.split("\n\n") if chunk.strip()]

    def note(self, text: str) -> Paragraph:
        """A small, italic note (style ``Klyngepakke note``)."""
        return self.paragraph(text, style=NOTE_STYLE)

    def add_text(
        self,
        paragraph: Paragraph,
        text: str,
        *,
        bold: bool = False,
        italic: bool = False,
        colour: RGBColor | None = None,
        links: bool = True,
    ) -> None:
        """Append ``text`` to ``paragraph``; with ``links``, URLs in it become hyperlinks."""
        self._write_text(
            paragraph._p, paragraph, text, self._run_format(bold, italic, colour), links=links
        )

    def _write_text(
        self,
        p: Element,
        paragraph: Paragraph | None,
        text: str,
        run_format: RunFormat,
        *,
        links: bool = True,
    ) -> None:
        """Runs for ``text`` (cleaned) in ``p``; links relate to ``paragraph``'s part."""
        text = clean_text(text)
        if not links or "://" not in text:
            if text:
                wml.append_run(p, text, run_format)
            return
        for piece, url in _split_links(text):
            if url:
                part = paragraph.part if paragraph is not None else self._part
                self._append_hyperlink(p, part, piece, url)
            elif piece:
                wml.append_run(p, piece, run_format)

    def hyperlink(self, paragraph: Paragraph, text: str, url: str) -> None:
        """A clickable link: ``w:hyperlink`` with an external relationship to ``url``."""
        self._append_hyperlink(paragraph._p, paragraph.part, text, url)

    def _append_hyperlink(self, p: Element, part: Any, text: str, url: str) -> None:
        url = clean_text(url).strip()
        relationship = part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
        link = wml.sub(p, wml.HYPERLINK, {_RELATIONSHIP_ID: relationship})
        run = wml.sub(link, wml.R)
        wml.sub(wml.sub(run, wml.RPR), _R_STYLE, {wml.VAL: self.style_id(HYPERLINK_STYLE)})
        content = wml.sub(run, wml.T, {wml.XML_SPACE: "preserve"})
        content.text = clean_text(text) or url

    def bullets(self, items: Iterable[str], *, style: str = "List Bullet") -> list[Paragraph]:
        """A bullet list, one paragraph per item."""
        paragraphs = [self.paragraph(item, style=style) for item in items]
        _space_after_list(paragraphs)
        return paragraphs

    def numbered(self, items: Iterable[str]) -> list[Paragraph]:
        """A numbered list in ``List Number`` that starts at 1, whatever came before."""
        paragraphs = [self.paragraph(item, style="List Number") for item in items]
        if paragraphs:
            self._restart_numbering(paragraphs)
        _space_after_list(paragraphs)
        return paragraphs

    def _restart_numbering(self, paragraphs: Sequence[Paragraph]) -> None:
        """Give the list its own numbering instance so it counts from 1 again."""
        if self._list_number_id is None:
            self._list_number_id = _num_id_of_style(self.document, "List Number") or ""
        num_id = self._list_number_id
        if not num_id:
            return  # the template's List Number is not numbered; nothing to restart
        numbering = self.document.part.numbering_part.element
        source = next(
            (num for num in numbering.findall(qn("w:num")) if num.get(qn("w:numId")) == num_id),
            None,
        )
        abstract = None if source is None else source.find(qn("w:abstractNumId"))
        if abstract is None:
            return
        used = [int(str(num.get(qn("w:numId")))) for num in numbering.findall(qn("w:num"))]
        new_id = str(max(used, default=0) + 1)
        numbering.append(
            parse_xml(
                f'<w:num {nsdecls("w")} w:numId="{new_id}">'
                f'<w:abstractNumId w:val="{abstract.get(qn("w:val"))}"/>'
                '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride>'
                "</w:num>"
            )
        )
        for paragraph in paragraphs:
            properties = wml.properties_of(paragraph._p)
            numbering_properties = wml.set_property(
                properties, _NUM_PR, wml.PARAGRAPH_PROPERTIES, replace=True
            )
            for child in list(numbering_properties):
                numbering_properties.remove(child)
            wml.sub(numbering_properties, _ILVL, {wml.VAL: "0"})
            wml.sub(numbering_properties, _NUM_ID, {wml.VAL: new_id})

    def missing(self, what: str, paragraph: Paragraph | None = None) -> Paragraph:
        """A highlighted ``[mangler: what]`` placeholder, in ``paragraph`` or a new one."""
        if paragraph is None:
            paragraph = self._new_paragraph()
        wml.append_run(paragraph._p, f"[mangler: {clean_text(what)}]", _MISSING_FORMAT)
        return paragraph

    def answer_line(self, length: float | None = None) -> Paragraph:
        """A line to write on (style ``Klyngepakke svarlinje``), ``length`` cm or to the margin.

        The line is a tab with an underscore leader, not a paragraph border: Word and
        LibreOffice draw one border around consecutive bordered paragraphs, not one each.
        """
        p = self._new_p(ANSWER_LINE_STYLE)
        if length is None:
            end = int(self._width)
        else:
            if self._answer_line_indent is None:
                style = self.document.styles[ANSWER_LINE_STYLE]
                self._answer_line_indent = int(style.paragraph_format.left_indent or 0)
            end = int(Cm(length)) + self._answer_line_indent
        _add_tab_stop(wml.properties_of(p), Emu(end).twips, "right", "underscore")
        wml.append_run(p, "\t")
        return Paragraph(p, self._container)

    def checkbox(self, paragraph: Paragraph) -> Run:
        """Append a tick box (:data:`CHECKBOX`) to ``paragraph``."""
        return Run(wml.append_run(paragraph._p, CHECKBOX, _CHECKBOX_FORMAT), paragraph)

    def page_break(self) -> None:
        """Start a new page."""
        run = wml.sub(self._new_p(), wml.R)
        wml.sub(run, wml.BR, {_TYPE: "page"})

    def table_of_contents(self, heading: str = "Indhold", levels: int = 2) -> None:
        """A ``TOC`` field over ``Heading 1``–``Heading {levels}``, filled in when updated.

        The field is marked dirty and the settings ask Word to update fields on opening;
        LibreOffice fills it in with :func:`klyngepakke_docx._libreoffice.update_document`.
        """
        self._new_paragraph(clean_text(heading), TOC_HEADING_STYLE)
        paragraph = self._new_paragraph()
        _add_field(
            paragraph,
            f'TOC \\o "1-{levels}" \\h \\z \\u',
            "Indholdsfortegnelsen udfyldes, når dokumentet åbnes i Word (svar ja til at "
            "opdatere felterne) eller konverteres med LibreOffice.",
            dirty=True,
        )
        settings = self.document.settings.element
        if settings.find(qn("w:updateFields")) is None:
            update = OxmlElement("w:updateFields")
            update.set(qn("w:val"), "true")
            settings.append(update)

    # -- tables ------------------------------------------------------------------------------

    def table(
        self,
        header: Sequence[str],
        rows: Iterable[Sequence[Cell]],
        *,
        widths: Sequence[float] | None = None,
        centre_columns: Iterable[int] = (),
        keep_rows_together: bool = True,
        indent: float = 0,
    ) -> Table:
        """A table in the ``Klyngepakke tabel`` style; the header row repeats on every page.

        ``widths`` are relative column widths (they are scaled to the text width);
        ``centre_columns`` are centred (tick boxes, numbers); ``indent`` moves the table in
        from the left margin (cm). Rows do not break across pages unless
        ``keep_rows_together`` is false or a row is taller than a page.

        Each row is a copy of one prepared row (properties, cell widths, paragraph styles)
        filled in place, so a long table costs little more than its text.
        """
        columns = len(header)
        centred = frozenset(centre_columns)
        column_widths, total = self._column_widths(columns, widths, indent)
        tbl = self._new_table(column_widths, total, header_row=True, indent=indent)
        table = Table(tbl, self._container)
        header_row = self._row_template(column_widths, centred, header=True, cant_split=True)
        tbl.append(header_row)
        for tc, text in zip(header_row.iterchildren(wml.TC), header, strict=True):
            self._fill_cell_element(tc, text, table)
        template = self._row_template(
            column_widths, centred, header=False, cant_split=keep_rows_together
        )
        for values in rows:
            if len(values) != columns:
                raise ValueError(f"a row has {len(values)} cells; the table has {columns}")
            row = copy.deepcopy(template)
            tbl.append(row)
            for tc, value in zip(list(row.iterchildren(wml.TC)), values, strict=True):
                self._fill_cell_element(tc, value, table)
        # A paragraph after the table keeps the next table or heading apart from it.
        self._new_p(TABLE_TEXT_STYLE)
        return table

    def facts(
        self, pairs: Iterable[tuple[str, Cell]], *, widths: Sequence[float] = (1, 3)
    ) -> Table:
        """A two-column table of labels (bold) and values, kept on one page, without header."""
        column_widths, total = self._column_widths(2, widths, 0)
        tbl = self._new_table(column_widths, total, header_row=False, indent=0)
        table = Table(tbl, self._container)
        template = self._row_template(column_widths, frozenset(), header=False, cant_split=True)
        bold = self._run_format(bold=True)
        rows: list[Element] = []
        for label, value in pairs:
            row = copy.deepcopy(template)
            tbl.append(row)
            rows.append(row)
            label_cell, value_cell = row.iterchildren(wml.TC)
            self._write_text(label_cell[-1], None, " ".join(label.split()), bold)
            self._fill_cell_element(value_cell, value, table)
        for row in rows[:-1]:
            keep_with_next(row)
        self._new_p(TABLE_TEXT_STYLE)
        return table

    def _column_widths(
        self, columns: int, weights: Sequence[float] | None, indent: float
    ) -> tuple[list[int], int | None]:
        """Each column's width and the table's (twips); ``None`` for an automatic table."""
        if weights is None:
            block = int(self.document._block_width)
            return [Emu(block // columns).twips] * columns, None
        if len(weights) != columns:
            raise ValueError(f"{len(weights)} column widths for a table of {columns} columns")
        total = sum(weights)
        width = int(self._width) - int(Cm(indent))
        emus = [int(width * weight / total) for weight in weights]
        return [Emu(emu).twips for emu in emus], Emu(sum(emus)).twips

    def _new_table(
        self, column_widths: Sequence[int], total: int | None, *, header_row: bool, indent: float
    ) -> Element:
        """An empty ``w:tbl`` (properties and grid) at the end of the body."""
        tbl: Element = self._body.makeelement(_TBL, {})
        properties = wml.sub(tbl, _TBL_PR)
        wml.sub(properties, _TBL_STYLE, {wml.VAL: self.style_id(TABLE_STYLE)})
        if total is None:
            wml.sub(properties, _TBL_W, {_TYPE: "auto", _W: "0"})
        else:
            wml.sub(properties, _TBL_W, {_W: str(total), _TYPE: "dxa"})
        wml.sub(properties, _JC, {wml.VAL: "left"})
        if indent:
            wml.sub(properties, _TBL_IND, {_W: str(Cm(indent).twips), _TYPE: "dxa"})
        if total is not None:
            wml.sub(properties, _TBL_LAYOUT, {_TYPE: "fixed"})
        wml.sub(properties, _TBL_LOOK, _HEADER_LOOK if header_row else _PLAIN_LOOK)
        grid = wml.sub(tbl, _TBL_GRID)
        for width in column_widths:
            wml.sub(grid, _GRID_COL, {_W: str(width)})
        self._insert_block(tbl)
        return tbl

    def _row_template(
        self,
        column_widths: Sequence[int],
        centred: frozenset[int],
        *,
        header: bool,
        cant_split: bool,
    ) -> Element:
        """A ``w:tr`` whose cells hold one empty paragraph in the table text (header) style."""
        row: Element = self._body.makeelement(wml.TR, {})
        if cant_split or header:
            properties = wml.sub(row, _TR_PR)
            wml.sub(properties, _CANT_SPLIT, {wml.VAL: "true"})
            if header:
                wml.sub(properties, _TBL_HEADER, {wml.VAL: "true"})
        style = self.style_id(TABLE_HEADER_STYLE if header else TABLE_TEXT_STYLE)
        for index, width in enumerate(column_widths):
            tc = wml.sub(row, wml.TC)
            wml.sub(wml.sub(tc, _TC_PR), _TC_W, {_W: str(width), _TYPE: "dxa"})
            paragraph_properties = wml.sub(wml.sub(tc, wml.P), wml.PPR)
            wml.sub(paragraph_properties, _P_STYLE, {wml.VAL: style})
            if index in centred:
                wml.sub(paragraph_properties, _JC, {wml.VAL: "center"})
        return row

    def _fill_cell_element(self, tc: Element, value: Cell, table: Table) -> None:
        if isinstance(value, str):
            if value == CHECKBOX:
                wml.append_run(tc[-1], CHECKBOX, _CHECKBOX_FORMAT)
            else:
                self._write_text(tc[-1], None, value, wml.PLAIN)
        else:
            value(_Cell(tc, table))

    def cell_text(
        self,
        cell: _Cell,
        text: str,
        *,
        bold: bool = False,
        italic: bool = False,
        new_paragraph: bool = False,
    ) -> Paragraph:
        """Text in a cell: into its first empty paragraph, or a new paragraph after."""
        tc = cell._tc
        p = _last_paragraph(tc)
        if new_paragraph or wml.has_content(p):
            p = self._cell_p(tc)
        paragraph = Paragraph(p, cell)
        self._write_text(p, paragraph, " ".join(text.split()), self._run_format(bold, italic))
        return paragraph

    def cell_bullets(self, cell: _Cell, items: Iterable[str], *, marker: str = "•") -> None:
        """Short bullet lines in a cell (a list style would indent too far in narrow cells)."""
        tc = cell._tc
        for item in items:
            p = _last_paragraph(tc)
            if wml.has_content(p):
                p = self._cell_p(tc)
            _format_paragraph(p, left_indent=_BULLET_INDENT, first_line_indent=Emu(-_BULLET_INDENT))
            wml.append_run(p, f"{marker}\t")
            _add_tab_stop(wml.properties_of(p), _BULLET_INDENT.twips)
            self._write_text(p, Paragraph(p, cell), " ".join(item.split()), wml.PLAIN)

    # -- output ------------------------------------------------------------------------------

    def set_properties(
        self, *, title: str, subject: str = "", keywords: str = "", now: dt.datetime | None = None
    ) -> None:
        """The file's document properties (shown by Word's File > Info and in PDF metadata)."""
        properties = self.document.core_properties
        properties.title = clean_text(title)
        properties.subject = clean_text(subject)
        properties.keywords = clean_text(keywords)
        properties.author = "KiAP – klyngepakke"
        properties.last_modified_by = "klyngepakke"
        properties.language = "da-DK"
        properties.revision = 1
        moment = (now or dt.datetime.now(dt.UTC)).replace(microsecond=0, tzinfo=None)
        properties.created = moment
        properties.modified = moment

    def save(self, destination: str | Path) -> None:
        """Write the ``.docx`` file."""
        self.document.save(str(destination))


# -- table helpers for the writers -----------------------------------------------------------


TableRow = int | Element
"""A table row: its index (0 is the header; below zero counts from the end) or its ``w:tr``."""


def table_rows(table: Table) -> list[Element]:
    """The rows (``w:tr``) of ``table``, the header first."""
    rows: list[Element] = table._tbl.findall(wml.TR)
    return rows


def row_cells(table: Table, row: TableRow) -> list[_Cell]:
    """The cells of ``row``, without walking the whole table.

    python-docx's ``table.rows[index].cells`` lays out every row's grid to find one row's.
    """
    return [_Cell(tc, table) for tc in _row(table, row).iterchildren(wml.TC)]


def merge_row(table: Table, row: TableRow) -> _Cell:
    """Merge every cell of ``row`` into one that spans the table; return it.

    As python-docx's ``_Cell.merge`` does for one row: the first cell spans the grid and is
    as wide as the cells were together, and what the other cells held (unless they held
    only an empty paragraph) moves into it, after its content.
    """
    row = _row(table, row)
    cells = list(row.iterchildren(wml.TC))
    first = cells[0]
    span = 1
    width: int | None = _cell_width(first)
    for other in cells[1:]:
        span += _grid_span(other)
        other_width = _cell_width(other)
        width = width + other_width if width and other_width else width
        blocks = [child for child in other if child.tag != _TC_PR]
        if not _is_empty_cell(blocks):
            last = first[-1]
            if last.tag == wml.P and _is_empty_paragraph(last):
                first.remove(last)
            for block in blocks:
                first.append(block)
        row.remove(other)
    properties = wml.properties_of(first)
    if width:
        wml.set_property(properties, _TC_W, wml.CELL_PROPERTIES, {_W: str(width), _TYPE: "dxa"})
    if span > 1:
        wml.set_property(properties, _GRID_SPAN, wml.CELL_PROPERTIES, {wml.VAL: str(span)})
    return _Cell(first, table)


def shade_cell(cell: _Cell, fill: str) -> None:
    """Give ``cell`` the background colour ``fill`` (hex RGB), replacing any it had."""
    properties = wml.properties_of(cell._tc)
    wml.set_property(
        properties,
        _SHD,
        wml.CELL_PROPERTIES,
        {wml.VAL: "clear", _COLOUR: "auto", _FILL: fill},
        replace=True,
    )


def keep_with_next(row: Element) -> None:
    """Keep every paragraph of the table row ``row`` (a ``w:tr``) with the next."""
    for tc in row.iterchildren(wml.TC):
        for p in tc.iterchildren(wml.P):
            wml.set_on_off(wml.properties_of(p), _KEEP_NEXT, wml.PARAGRAPH_PROPERTIES, True)


def _row(table: Table, row: TableRow) -> Element:
    return table_rows(table)[row] if isinstance(row, int) else row


def _cell_width(tc: Element) -> int | None:
    properties = tc[0] if len(tc) and tc[0].tag == _TC_PR else None
    width = None if properties is None else properties.find(_TC_W)
    if width is None or width.get(_TYPE) != "dxa" or width.get(_W) is None:
        return None
    return int(width.get(_W))


def _grid_span(tc: Element) -> int:
    properties = tc[0] if len(tc) and tc[0].tag == _TC_PR else None
    span = None if properties is None else properties.find(_GRID_SPAN)
    return 1 if span is None else int(span.get(wml.VAL, "1"))


def _is_empty_paragraph(p: Element) -> bool:
    return p.find(wml.R) is None


def _is_empty_cell(blocks: Sequence[Element]) -> bool:
    return len(blocks) == 1 and blocks[0].tag == wml.P and _is_empty_paragraph(blocks[0])


def _last_paragraph(tc: Element) -> Element:
    last: Element = tc[-1]
    if last.tag == wml.P:
        return last
    paragraphs: list[Element] = tc.findall(wml.P)
    return paragraphs[-1]


# -- low-level helpers ----------------------------------------------------------------------

_P_STYLE: Final = wml.w("pStyle")
_R_STYLE: Final = wml.w("rStyle")
_KEEP_NEXT: Final = wml.w("keepNext")
_SPACING: Final = wml.w("spacing")
_IND: Final = wml.w("ind")
_TABS: Final = wml.w("tabs")
_TAB: Final = wml.w("tab")
_JC: Final = wml.w("jc")
_NUM_PR: Final = wml.w("numPr")
_ILVL: Final = wml.w("ilvl")
_NUM_ID: Final = wml.w("numId")
_SECT_PR: Final = wml.w("sectPr")
_TBL: Final = wml.w("tbl")
_TBL_PR: Final = wml.w("tblPr")
_TBL_STYLE: Final = wml.w("tblStyle")
_TBL_W: Final = wml.w("tblW")
_TBL_IND: Final = wml.w("tblInd")
_TBL_LAYOUT: Final = wml.w("tblLayout")
_TBL_LOOK: Final = wml.w("tblLook")
_TBL_GRID: Final = wml.w("tblGrid")
_GRID_COL: Final = wml.w("gridCol")
_TR_PR: Final = wml.w("trPr")
_CANT_SPLIT: Final = wml.w("cantSplit")
_TBL_HEADER: Final = wml.w("tblHeader")
_TC_PR: Final = wml.w("tcPr")
_TC_W: Final = wml.w("tcW")
_GRID_SPAN: Final = wml.w("gridSpan")
_SHD: Final = wml.w("shd")
_W: Final = wml.w("w")
_TYPE: Final = wml.w("type")
_FILL: Final = wml.w("fill")
_COLOUR: Final = wml.w("color")
_POS: Final = wml.w("pos")
_LEADER: Final = wml.w("leader")
_RELATIONSHIP_ID: Final = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def _look(header_row: bool) -> dict[str, str]:
    """Use the style's header-row formatting (if ``header_row``) and row banding."""
    return {
        wml.VAL: "0420" if header_row else "0400",
        wml.w("firstRow"): str(int(header_row)),
        wml.w("lastRow"): "0",
        wml.w("firstColumn"): "0",
        wml.w("lastColumn"): "0",
        wml.w("noHBand"): "0",
        wml.w("noVBand"): "1",
    }


_HEADER_LOOK: Final = _look(True)
_PLAIN_LOOK: Final = _look(False)
_BULLET_INDENT: Final = Cm(0.4)
_CHECKBOX_FORMAT: Final = RunFormat(font="Segoe UI Symbol", size=24)
"""A ☐ in a font that has it everywhere (Segoe UI Symbol in Word; a fallback elsewhere)."""
_MISSING_FORMAT: Final = RunFormat(bold=True, highlight="yellow")


def _styles_by_name(document: DocxDocument) -> dict[str, str]:
    """Style id by (internal) style name, the first of each name, as python-docx finds it."""
    found: dict[str, str] = {}
    for style in document.styles.element.iterchildren(wml.w("style")):
        name = style.find(wml.w("name"))
        style_id = style.get(wml.w("styleId"))
        if name is not None and style_id is not None:
            found.setdefault(name.get(wml.VAL), style_id)
    return found


def _set_paragraph_style(p: Element, style_id: str) -> None:
    wml.set_property(
        wml.properties_of(p),
        _P_STYLE,
        wml.PARAGRAPH_PROPERTIES,
        {wml.VAL: style_id},
        replace=True,
    )


def _format_paragraph(
    p: Element,
    *,
    space_before: Length | None = None,
    space_after: Length | None = None,
    keep_with_next: bool | None = None,
    left_indent: Length | None = None,
    first_line_indent: Length | None = None,
    tab_stop: Length | None = None,
    centre: bool | None = None,
) -> None:
    """Direct paragraph formatting, written as python-docx's ``paragraph_format`` writes it."""
    properties = wml.properties_of(p)
    ranks = wml.PARAGRAPH_PROPERTIES
    if keep_with_next is not None:
        wml.set_on_off(properties, _KEEP_NEXT, ranks, keep_with_next)
    if tab_stop is not None:
        _add_tab_stop(properties, Emu(tab_stop).twips)
    if space_before is not None or space_after is not None:
        spacing: dict[str, str] = {}
        if space_before is not None:
            spacing[wml.w("before")] = str(Emu(space_before).twips)
        if space_after is not None:
            spacing[wml.w("after")] = str(Emu(space_after).twips)
        wml.set_property(properties, _SPACING, ranks, spacing)
    if left_indent is not None or first_line_indent is not None:
        indent = wml.set_property(properties, _IND, ranks)
        if left_indent is not None:
            indent.set(wml.w("left"), str(Emu(left_indent).twips))
        if first_line_indent is not None:
            first_line, hanging = wml.w("firstLine"), wml.w("hanging")
            indent.attrib.pop(first_line, None)
            indent.attrib.pop(hanging, None)
            if first_line_indent < 0:
                indent.set(hanging, str(Emu(-first_line_indent).twips))
            else:
                indent.set(first_line, str(Emu(first_line_indent).twips))
    if centre is not None:
        wml.set_property(properties, _JC, ranks, {wml.VAL: "center" if centre else "left"})


def _add_tab_stop(
    properties: Element, position: int, alignment: str = "left", leader: str | None = None
) -> None:
    """A tab stop at ``position`` twips, in order among the paragraph's stops."""
    tabs = wml.set_property(properties, _TABS, wml.PARAGRAPH_PROPERTIES)
    attributes = {wml.VAL: alignment, _POS: str(position)}
    if leader is not None:
        attributes[_LEADER] = leader
    stop: Element = tabs.makeelement(_TAB, attributes)
    for existing in tabs.iterchildren(_TAB):
        if int(existing.get(_POS, "0")) > position:
            existing.addprevious(stop)
            return
    tabs.append(stop)


def _has_page_field(element: Any) -> bool:
    """Whether ``element`` holds a ``PAGE`` field (complex or simple)."""
    instructions = [node.text or "" for node in element.iter(qn("w:instrText"))]
    instructions += [node.get(qn("w:instr")) or "" for node in element.iter(qn("w:fldSimple"))]
    return any(text.split()[:1] == ["PAGE"] for text in instructions)


def _reusable_last_paragraph(paragraphs: Sequence[Paragraph]) -> Paragraph | None:
    """The last paragraph if it is empty (a fresh header holds one), else ``None``."""
    if paragraphs and not paragraphs[-1].text and not paragraphs[-1]._p.findall(qn("w:r")):
        return paragraphs[-1]
    return None


def _space_after_list(paragraphs: Sequence[Paragraph]) -> None:
    """Space after a list's last item (list styles keep their items tight)."""
    if paragraphs:
        _format_paragraph(paragraphs[-1]._p, space_after=Pt(8))


def _split_links(text: str) -> list[tuple[str, str]]:
    """``text`` as (piece, url) pairs: url is "" for plain text, else the piece is the link."""
    pieces: list[tuple[str, str]] = []
    position = 0
    for match in _URL.finditer(text):
        url = match.group(0).rstrip(_URL_TRAILING)
        if match.start() > position:
            pieces.append((text[position : match.start()], ""))
        pieces.append((url, url))
        position = match.start() + len(url)
    if position < len(text):
        pieces.append((text[position:], ""))
    return pieces


def _add_field(paragraph: Paragraph, instruction: str, shown: str, *, dirty: bool = False) -> None:
    """A complex field (begin, instruction, separate, cached result, end) in ``paragraph``."""

    def char(kind: str) -> Run:
        run = paragraph.add_run()
        field_char = OxmlElement("w:fldChar")
        field_char.set(qn("w:fldCharType"), kind)
        if kind == "begin" and dirty:
            field_char.set(qn("w:dirty"), "true")
        run._r.append(field_char)
        return run

    char("begin")
    instruction_run = paragraph.add_run()
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = f" {instruction} "
    instruction_run._r.append(text)
    char("separate")
    paragraph.add_run(shown)
    char("end")


def _rgb(colour: RGBColor) -> str:
    return str(colour)


_ADDED_STYLE_XML: Final[dict[str, str]] = {
    HYPERLINK_STYLE: (
        f'<w:style {nsdecls("w")} w:type="character" w:styleId="Hyperlink">'
        '<w:name w:val="Hyperlink"/><w:basedOn w:val="DefaultParagraphFont"/>'
        '<w:uiPriority w:val="99"/><w:unhideWhenUsed/>'
        f'<w:rPr><w:color w:val="{_rgb(ACCENT_COLOUR)}"/><w:u w:val="single"/></w:rPr>'
        "</w:style>"
    ),
    TABLE_TEXT_STYLE: (
        f'<w:style {nsdecls("w")} w:type="paragraph" w:customStyle="1" '
        'w:styleId="Klyngepakketabeltekst">'
        f'<w:name w:val="{TABLE_TEXT_STYLE}"/><w:basedOn w:val="Normal"/><w:qFormat/>'
        '<w:pPr><w:spacing w:before="20" w:after="40" w:line="240" w:lineRule="auto"/></w:pPr>'
        '<w:rPr><w:sz w:val="19"/><w:szCs w:val="19"/></w:rPr>'
        "</w:style>"
    ),
    TABLE_HEADER_STYLE: (
        f'<w:style {nsdecls("w")} w:type="paragraph" w:customStyle="1" '
        'w:styleId="Klyngepakketabeloverskrift">'
        f'<w:name w:val="{TABLE_HEADER_STYLE}"/><w:basedOn w:val="Klyngepakketabeltekst"/>'
        "<w:qFormat/><w:pPr><w:keepNext/></w:pPr>"
        '<w:rPr><w:b/><w:color w:val="FFFFFF"/></w:rPr>'
        "</w:style>"
    ),
    NOTE_STYLE: (
        f'<w:style {nsdecls("w")} w:type="paragraph" w:customStyle="1" '
        'w:styleId="Klyngepakkenote">'
        f'<w:name w:val="{NOTE_STYLE}"/><w:basedOn w:val="Normal"/><w:qFormat/>'
        '<w:pPr><w:spacing w:before="0" w:after="80"/></w:pPr>'
        f'<w:rPr><w:i/><w:color w:val="{_rgb(NOTE_COLOUR)}"/>'
        '<w:sz w:val="19"/><w:szCs w:val="19"/></w:rPr>'
        "</w:style>"
    ),
    ANSWER_LINE_STYLE: (
        f'<w:style {nsdecls("w")} w:type="paragraph" w:customStyle="1" '
        'w:styleId="Klyngepakkesvarlinje">'
        f'<w:name w:val="{ANSWER_LINE_STYLE}"/><w:basedOn w:val="Normal"/>'
        '<w:pPr><w:keepNext/><w:spacing w:before="200" w:after="0"/><w:ind w:left="425"/>'
        "</w:pPr>"
        '<w:rPr><w:color w:val="808080"/></w:rPr>'
        "</w:style>"
    ),
    TOC_HEADING_STYLE: (
        f'<w:style {nsdecls("w")} w:type="paragraph" w:styleId="TOCHeading">'
        '<w:name w:val="TOC Heading"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/>'
        '<w:uiPriority w:val="39"/><w:unhideWhenUsed/><w:qFormat/>'
        '<w:pPr><w:keepNext/><w:spacing w:before="240" w:after="120"/></w:pPr>'
        f'<w:rPr><w:b/><w:color w:val="{_rgb(TITLE_COLOUR)}"/>'
        '<w:sz w:val="28"/><w:szCs w:val="28"/></w:rPr>'
        "</w:style>"
    ),
    TABLE_STYLE: (
        f'<w:style {nsdecls("w")} w:type="table" w:customStyle="1" w:styleId="Klyngepakketabel">'
        f'<w:name w:val="{TABLE_STYLE}"/><w:basedOn w:val="TableNormal"/><w:uiPriority w:val="59"/>'
        '<w:pPr><w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>'
        "<w:tblPr><w:tblBorders>"
        '<w:top w:val="single" w:sz="4" w:space="0" w:color="BFBFBF"/>'
        '<w:left w:val="single" w:sz="4" w:space="0" w:color="BFBFBF"/>'
        '<w:bottom w:val="single" w:sz="4" w:space="0" w:color="BFBFBF"/>'
        '<w:right w:val="single" w:sz="4" w:space="0" w:color="BFBFBF"/>'
        '<w:insideH w:val="single" w:sz="4" w:space="0" w:color="BFBFBF"/>'
        '<w:insideV w:val="single" w:sz="4" w:space="0" w:color="BFBFBF"/>'
        "</w:tblBorders>"
        '<w:tblCellMar><w:top w:w="57" w:type="dxa"/><w:left w:w="85" w:type="dxa"/>'
        '<w:bottom w:w="57" w:type="dxa"/><w:right w:w="85" w:type="dxa"/></w:tblCellMar>'
        "</w:tblPr>"
        '<w:tblStylePr w:type="firstRow">'
        f'<w:rPr><w:b/><w:color w:val="FFFFFF"/></w:rPr>'
        f'<w:tcPr><w:shd w:val="clear" w:color="auto" w:fill="{_rgb(TITLE_COLOUR)}"/></w:tcPr>'
        "</w:tblStylePr>"
        '<w:tblStylePr w:type="band1Horz">'
        '<w:tcPr><w:shd w:val="clear" w:color="auto" w:fill="F2F6FA"/></w:tcPr>'
        "</w:tblStylePr>"
        "</w:style>"
    ),
}
