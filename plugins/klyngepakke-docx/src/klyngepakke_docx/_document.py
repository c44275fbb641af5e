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
    - :meth:`~WordDocument.answer_line` – a line to write on, for paper forms;
    - :meth:`~WordDocument.missing` – a visibly marked placeholder for something the source
      lacks ("[mangler: …]", highlighted);
    - :meth:`~WordDocument.page_break`, :meth:`~WordDocument.set_properties` (the file's
      title, subject and keywords), :meth:`~WordDocument.save`.

    Danish dates and amounts come from :mod:`klyngepakke.danish` (``11. marts 2027``,
    ``173,06 kr.``); :func:`duration_text` writes a length in minutes as Danish words.

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

import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import (
    WD_BREAK,
    WD_COLOR_INDEX,
    WD_PARAGRAPH_ALIGNMENT,
    WD_TAB_ALIGNMENT,
    WD_TAB_LEADER,
)
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.oxml.parser import OxmlElement
from docx.shared import Cm, Emu, Pt, RGBColor

from klyngepakke.errors import ExportError

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument
    from docx.table import Table, _Cell
    from docx.text.paragraph import Paragraph
    from docx.text.run import Run

__all__ = [
    "ADDED_STYLES",
    "CHECKBOX",
    "REQUIRED_STYLES",
    "SYNTHETIC_MARK",
    "Cell",
    "WordDocument",
    "clean_text",
    "duration_text",
    "open_document",
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
    """
    if template is None:
        document = docx.Document()
        _apply_builtin_look(document)
        source = "the built-in template"
    else:
        path = Path(template)
        document = docx.Document(io.BytesIO(_template_bytes(path)))
        source = str(path)
        _check_styles(document, source)
    _discard_body(document)
    _add_missing_styles(document)
    word = WordDocument(document, source)
    word._set_page_footer()
    return word


def _template_bytes(path: Path) -> bytes:
    """The template as a ``.docx`` package in memory; a ``.dotx`` gets the document type."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ExportError(
            f"template {path}: cannot be read ({exc.strerror or exc}); give the path of a Word "
            "document (.docx) or template (.dotx)"
        ) from exc
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
    this class does not cover; ``source`` names the template for messages.
    """

    def __init__(self, document: DocxDocument, source: str) -> None:
        self.document = document
        self.source = source
        self._style_ids: dict[str, str] = {}

    def style_id(self, name: str) -> str:
        """The id of the style called ``name``, looked up once (python-docx searches each time)."""
        if name not in self._style_ids:
            self._style_ids[name] = str(self.document.styles[name].style_id)
        return self._style_ids[name]

    def set_style(self, paragraph: Paragraph, name: str) -> None:
        """Give ``paragraph`` the paragraph style called ``name``."""
        paragraph._p.style = self.style_id(name)

    def _new_paragraph(self, text: str = "", style: str | None = None) -> Paragraph:
        paragraph: Paragraph = self.document.add_paragraph()
        if style is not None:
            self.set_style(paragraph, style)
        if text:
            paragraph.add_run(text)
        return paragraph

    def _cell_paragraph(self, cell: _Cell) -> Paragraph:
        paragraph: Paragraph = cell.add_paragraph()
        self.set_style(paragraph, TABLE_TEXT_STYLE)
        return paragraph

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
        section = self.document.sections[0]
        width = (section.page_width or Cm(21)) - (section.left_margin or 0)
        return Emu(width - (section.right_margin or 0))

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
        paragraph = self._new_paragraph(style=style)
        if text:
            text = " ".join(clean_text(text).split())
            self.add_text(paragraph, text, bold=bold, italic=italic, links=links)
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
        text = clean_text(text)
        pieces = _split_links(text) if links else [(text, "")]
        for piece, url in pieces:
            if url:
                self.hyperlink(paragraph, piece, url)
            elif piece:
                run = paragraph.add_run(piece)
                run.bold = bold or None
                run.italic = italic or None
                if colour is not None:
                    run.font.color.rgb = colour

    def hyperlink(self, paragraph: Paragraph, text: str, url: str) -> None:
        """A clickable link: ``w:hyperlink`` with an external relationship to ``url``."""
        url = clean_text(url).strip()
        relationship = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
        link = OxmlElement("w:hyperlink")
        link.set(qn("r:id"), relationship)
        run = OxmlElement("w:r")
        properties = OxmlElement("w:rPr")
        style = OxmlElement("w:rStyle")
        style.set(qn("w:val"), self.style_id(HYPERLINK_STYLE))
        properties.append(style)
        run.append(properties)
        content = OxmlElement("w:t")
        content.text = clean_text(text) or url
        content.set(qn("xml:space"), "preserve")
        run.append(content)
        link.append(run)
        paragraph._p.append(link)

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
        num_id = _num_id_of_style(self.document, "List Number")
        if num_id is None:
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
            ppr = paragraph._p.get_or_add_pPr()
            ppr.insert(
                0,
                parse_xml(
                    f'<w:numPr {nsdecls("w")}><w:ilvl w:val="0"/><w:numId w:val="{new_id}"/>'
                    "</w:numPr>"
                ),
            )

    def missing(self, what: str, paragraph: Paragraph | None = None) -> Paragraph:
        """A highlighted ``[mangler: what]`` placeholder, in ``paragraph`` or a new one."""
        if paragraph is None:
            paragraph = self._new_paragraph()
        run = paragraph.add_run(f"[mangler: {clean_text(what)}]")
        run.bold = True
        run.font.highlight_color = WD_COLOR_INDEX.YELLOW
        return paragraph

    def answer_line(self, length: float | None = None) -> Paragraph:
        """A line to write on (style ``Klyngepakke svarlinje``), ``length`` cm or to the margin.

        The line is a tab with an underscore leader, not a paragraph border: Word and
        LibreOffice draw one border around consecutive bordered paragraphs, not one each.
        """
        paragraph = self._new_paragraph(style=ANSWER_LINE_STYLE)
        indent = paragraph.paragraph_format.left_indent
        if indent is None:
            style_indent = self.document.styles[ANSWER_LINE_STYLE].paragraph_format.left_indent
            indent = style_indent or Emu(0)
        end = Cm(length) + indent if length is not None else self._text_width()
        paragraph.paragraph_format.tab_stops.add_tab_stop(
            Emu(int(end)), WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.LINES
        )
        paragraph.add_run("\t")
        return paragraph

    def checkbox(self, paragraph: Paragraph) -> Run:
        """Append a tick box (:data:`CHECKBOX`) to ``paragraph``."""
        return _checkbox_run(paragraph)

    def page_break(self) -> None:
        """Start a new page."""
        self._new_paragraph().add_run().add_break(WD_BREAK.PAGE)

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
        centre_columns: Sequence[int] = (),
        keep_rows_together: bool = True,
        indent: float = 0,
    ) -> Table:
        """A table in the ``Klyngepakke tabel`` style; the header row repeats on every page.

        ``widths`` are relative column widths (they are scaled to the text width);
        ``centre_columns`` are centred (tick boxes, numbers); ``indent`` moves the table in
        from the left margin (cm). Rows do not break across pages unless
        ``keep_rows_together`` is false or a row is taller than a page.
        """
        columns = len(header)
        table: Table = self.document.add_table(rows=1, cols=columns)
        table._tbl.tblPr.style = self.style_id(TABLE_STYLE)
        table.alignment = WD_TABLE_ALIGNMENT.LEFT
        _set_table_look(table)
        header_row = table.rows[0]
        _mark_header_row(header_row._tr)
        for index, text in enumerate(header):
            cell = header_row.cells[index]
            self._fill_cell(cell, text, centre=index in centre_columns)
            self.set_style(cell.paragraphs[0], TABLE_HEADER_STYLE)
        for values in rows:
            if len(values) != columns:
                raise ValueError(f"a row has {len(values)} cells; the table has {columns}")
            row = table.add_row()  # type: ignore[no-untyped-call]
            if keep_rows_together:
                _set_cant_split(row._tr)
            for index, value in enumerate(values):
                self._fill_cell(row.cells[index], value, centre=index in centre_columns)
        if indent:
            table._tbl.tblPr.append(
                parse_xml(f'<w:tblInd {nsdecls("w")} w:w="{Cm(indent).twips}" w:type="dxa"/>')
            )
        if widths is not None:
            self._set_widths(table, widths, indent=indent)
        # A paragraph after the table keeps the next table or heading apart from it.
        self._new_paragraph(style=TABLE_TEXT_STYLE)
        return table

    def facts(
        self, pairs: Iterable[tuple[str, Cell]], *, widths: Sequence[float] = (1, 3)
    ) -> Table:
        """A two-column table of labels (bold) and values, kept on one page, without header."""
        table: Table = self.document.add_table(rows=0, cols=2)
        table._tbl.tblPr.style = self.style_id(TABLE_STYLE)
        table.alignment = WD_TABLE_ALIGNMENT.LEFT
        _set_table_look(table, header_row=False)
        for label, value in pairs:
            row = table.add_row()  # type: ignore[no-untyped-call]
            _set_cant_split(row._tr)
            self._fill_cell(row.cells[0], "")
            self.cell_text(row.cells[0], label, bold=True)
            self._fill_cell(row.cells[1], value)
        for row in table.rows[:-1]:
            for cell in row.cells:
                for paragraph in cell.paragraphs:
                    paragraph.paragraph_format.keep_with_next = True
        self._set_widths(table, widths)
        self._new_paragraph(style=TABLE_TEXT_STYLE)
        return table

    def _fill_cell(self, cell: _Cell, value: Cell, *, centre: bool = False) -> None:
        paragraph = cell.paragraphs[0]
        self.set_style(paragraph, TABLE_TEXT_STYLE)
        if centre:
            paragraph.alignment = WD_PARAGRAPH_ALIGNMENT.CENTER
        if isinstance(value, str):
            if value == CHECKBOX:
                _checkbox_run(paragraph)
            else:
                self.add_text(paragraph, value)
        else:
            value(cell)

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
        paragraph: Paragraph = cell.paragraphs[-1]
        if new_paragraph or paragraph.text or paragraph._p.findall(qn("w:hyperlink")):
            paragraph = self._cell_paragraph(cell)
        self.add_text(paragraph, " ".join(text.split()), bold=bold, italic=italic)
        return paragraph

    def cell_bullets(self, cell: _Cell, items: Iterable[str], *, marker: str = "•") -> None:
        """Short bullet lines in a cell (a list style would indent too far in narrow cells)."""
        for item in items:
            paragraph = cell.paragraphs[-1]
            if paragraph.text or paragraph._p.findall(qn("w:hyperlink")):
                paragraph = self._cell_paragraph(cell)
            paragraph.paragraph_format.left_indent = Cm(0.4)
            paragraph.paragraph_format.first_line_indent = Cm(-0.4)
            paragraph.add_run(f"{marker}\t")
            paragraph.paragraph_format.tab_stops.add_tab_stop(Cm(0.4))
            self.add_text(paragraph, " ".join(item.split()))

    def _set_widths(self, table: Table, weights: Sequence[float], indent: float = 0) -> None:
        total = sum(weights)
        width = int(self._text_width()) - int(Cm(indent))
        emus = [int(width * weight / total) for weight in weights]
        table.autofit = False
        grid = table._tbl.tblGrid
        for column, emu in zip(grid.findall(qn("w:gridCol")), emus, strict=False):
            column.set(qn("w:w"), str(Emu(emu).twips))
        for row in table.rows:
            for cell, emu in zip(row.cells, emus, strict=False):
                cell.width = Emu(emu)
        tblpr = table._tbl.tblPr
        for old in tblpr.findall(qn("w:tblW")):
            tblpr.remove(old)
        tblpr.append(
            parse_xml(f'<w:tblW {nsdecls("w")} w:w="{Emu(sum(emus)).twips}" w:type="dxa"/>')
        )

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


# -- low-level helpers ----------------------------------------------------------------------


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
        paragraphs[-1].paragraph_format.space_after = Pt(8)


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


def _checkbox_run(paragraph: Paragraph) -> Run:
    """A ☐ in a font that has it everywhere (Segoe UI Symbol in Word; a fallback elsewhere)."""
    run = paragraph.add_run(CHECKBOX)
    run.font.name = "Segoe UI Symbol"
    run.font.size = Pt(12)
    return run


def _mark_header_row(tr: object) -> None:
    trpr = tr.get_or_add_trPr()  # type: ignore[attr-defined]
    trpr.append(parse_xml(f'<w:tblHeader {nsdecls("w")} w:val="true"/>'))
    _set_cant_split(tr)


def _set_cant_split(tr: object) -> None:
    trpr = tr.get_or_add_trPr()  # type: ignore[attr-defined]
    if trpr.find(qn("w:cantSplit")) is None:
        trpr.insert(0, parse_xml(f'<w:cantSplit {nsdecls("w")} w:val="true"/>'))


def _set_table_look(table: Table, *, header_row: bool = True) -> None:
    """Use the style's header-row formatting (if ``header_row``) and row banding."""
    tblpr = table._tbl.tblPr
    for old in tblpr.findall(qn("w:tblLook")):
        tblpr.remove(old)
    tblpr.append(
        parse_xml(
            f'<w:tblLook {nsdecls("w")} w:val="{"0420" if header_row else "0400"}" '
            f'w:firstRow="{int(header_row)}" w:lastRow="0" '
            'w:firstColumn="0" w:lastColumn="0" w:noHBand="0" w:noVBand="1"/>'
        )
    )


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
