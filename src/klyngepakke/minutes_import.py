"""Import existing Danish minutes into a :class:`~klyngepakke.model.Meeting`.

:func:`import_minutes` reads minutes as plain text (``.txt``, also text extracted from a PDF
with ``pdftotext``) or as a Word document (``.docx``, read with the standard library: a
``.docx`` is a zip of XML, and Word's automatic numbering is recovered from
``word/numbering.xml``). It recognises the common layouts of Danish minutes:

- agenda items as ``Punkt 3: Titel (kl. 11.05-11.15)`` (the time also as ``(11.05-11.15)`` or
  ``kl. 11.05 - 11.15``, the heading wrapped over several lines, a presenter after ``v.``), or
  as ``3. Titel``;
- the labelled parts of an item: *Indstilling*, *Sagsfremstilling* (or *Beskrivelse af
  sagen*, *Resumé*), *Beslutning* / *Beslutning for Punkt 3: …* / *Beslutning i … den …* /
  *Referat*, and *Bilag* (one attachment a line, with its link when there is one);
- participants grouped under organisation headings, *Afbud*, *Fraværende*, *Gæster* with
  ``(pkt. 4)`` / ``(pkt. 5 og 6)``, roles in brackets, and *Deltagere: …* / *Afbud: …* lists;
- the meeting's title, date, time and place when the text gives them.

Nothing is dropped: text that fits nowhere is returned as :class:`Unplaced`, with its line
(or, in a ``.docx``, paragraph) number.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import re
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Literal
from xml.etree import ElementTree as ET

import attrs

from klyngepakke.errors import KlyngepakkeError, ModelError
from klyngepakke.model import (
    Agenda,
    AgendaItem,
    AgendaItemKind,
    Attachment,
    Attendance,
    Delegation,
    ItemPurpose,
    Meeting,
    MeetingKind,
    Organisation,
    OrganisationKind,
    Participant,
    Person,
    TimeSlot,
)
from klyngepakke.tables import TableError, decode

__all__ = ["ImportResult", "Location", "MinutesImportError", "Unplaced", "import_minutes"]


# -- public types ---------------------------------------------------------------------------


class MinutesImportError(KlyngepakkeError):
    """Minutes that cannot be imported: unreadable, or without any recognisable agenda item."""


@attrs.frozen
class Location:
    """Where something is in the source: a line of a text file or a paragraph of a ``.docx``."""

    unit: Literal["line", "paragraph"]
    number: int

    def __str__(self) -> str:
        return f"{self.unit} {self.number}"


@attrs.frozen
class Unplaced:
    """Text the importer could not place in the meeting, kept with where it was and why."""

    location: Location
    text: str
    reason: str

    def __str__(self) -> str:
        return f"{self.location}: {self.text} ({self.reason})"


@attrs.frozen
class ImportResult:
    """The imported meeting, the text that fits nowhere in it, and warnings about guesses."""

    meeting: Meeting
    unplaced: tuple[Unplaced, ...] = ()
    warnings: tuple[str, ...] = ()


# -- source lines ---------------------------------------------------------------------------


@attrs.frozen
class _Line:
    """One line of a text file, or one paragraph (or table row) of a ``.docx``.

    ``own_paragraph``: a ``.docx`` paragraph is a paragraph of its own, never joined to the
    next; ``emphasis``: the whole paragraph is bold or in a heading style; ``links``: the
    hyperlinks in it as (text, address).
    """

    number: int
    text: str
    own_paragraph: bool = False
    emphasis: bool = False
    links: tuple[tuple[str, str], ...] = ()
    page_start: bool = False
    cells: tuple[str, ...] = ()  # columns of a table laid out with spaces (pdftotext -layout)

    @property
    def blank(self) -> bool:
        return not self.text


_WHITESPACE = re.compile(r"\s+")
_COLUMN_GAP = re.compile(r"\s{3,}")
_LAYOUT_PAGE_NUMBER = re.compile(r"\s{3,}\d{1,3}\s*$")
_DOT_LEADER = re.compile(r"\s*(?:\.\s?){4,}\s*\d{1,3}\s*$|\s*…+\s*\d{1,3}\s*$")
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\ufeff"), None)


def _clean(text: str) -> str:
    """One line's text, cleaned.

    Zero-width marks and a table of contents' page numbers go, whitespace collapses. A soft
    hyphen where the line breaks is a hyphen; elsewhere it goes.
    """
    text = text.rstrip()
    if text.endswith("\u00ad"):
        text = text[:-1] + "-"
    text = text.translate(_INVISIBLE)
    if "**" in text or text.lstrip().startswith("#"):
        # Text exported from Markdown: headings' "#" and bold "**" are markup.
        text = re.sub(r"^\s*#{1,6}\s+", "", text.replace("**", ""))
    if "..." in text or ". . ." in text or "…" in text:
        text = _DOT_LEADER.sub("", text)
    elif "   " in text:
        text = _LAYOUT_PAGE_NUMBER.sub("", text)
    return " ".join(text.split())


def _text_lines(text: str) -> list[_Line]:
    """A text's lines; a form feed marks a page's first line, wide gaps a table's columns."""
    lines: list[_Line] = []
    for number, raw in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), 1):
        page_start = "\f" in raw
        raw = raw.replace("\f", " ").replace("\t", "   ").strip()
        cells = tuple(_clean(cell) for cell in _COLUMN_GAP.split(raw)) if "   " in raw else ()
        lines.append(_Line(number, _clean(raw), page_start=page_start, cells=cells))
    return lines


# -- page headers and footers (text from PDF) ------------------------------------------------

_PAGE_NUMBER = re.compile(
    r"(?:side|page|s\.)?\s*\d{1,3}(?:\s*(?:af|of|/)\s*\d{1,3})?|[-–]\s*\d{1,3}\s*[-–]", re.I
)
_EDGE = 3  # lines at the top and bottom of a page where running headers and footers live


def _furniture(lines: Sequence[_Line]) -> tuple[set[int], list[tuple[_Line, Unplaced]]]:
    """Indexes of running page headers/footers and page numbers, and one report per kind.

    Pages are separated by form feeds (``pdftotext`` writes one at each page break). A line
    near the top or bottom of a page is furniture when the same text (digits aside) is near the
    edge of at least two pages and of a third of them, or when it is only a page number.
    """
    starts = [0] + [i for i, line in enumerate(lines) if line.page_start and i > 0]
    if len(starts) < 2:
        return set(), []
    pages = [range(a, b) for a, b in zip(starts, [*starts[1:], len(lines)], strict=True)]
    edges: list[list[int]] = []
    for page in pages:
        filled = [i for i in page if not lines[i].blank]
        edges.append(filled[:_EDGE] + filled[-_EDGE:] if len(filled) > 2 * _EDGE else filled)
    counts: dict[str, int] = {}
    for edge in edges:
        for key in {re.sub(r"\d+", "#", lines[i].text.casefold()) for i in edge}:
            counts[key] = counts.get(key, 0) + 1
    needed = max(2, -(-len(pages) // 3))
    found: set[int] = set()
    reports: dict[str, tuple[int, int]] = {}
    for edge in edges:
        for i in edge:
            text = lines[i].text
            key = re.sub(r"\d+", "#", text.casefold())
            if counts[key] >= needed or _PAGE_NUMBER.fullmatch(text):
                found.add(i)
                first, seen = reports.get(key, (i, 0))
                reports[key] = (first, seen + 1)
    unplaced = [
        (
            lines[first],
            Unplaced(
                Location("line", lines[first].number),
                lines[first].text,
                f"page header, footer or page number (on {seen} pages); left out",
            ),
        )
        for first, seen in sorted(reports.values())
    ]
    return found, unplaced


# -- .docx ----------------------------------------------------------------------------------

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
# Bullets Word draws from symbol fonts (Symbol, Wingdings, Courier New), as text.
_BULLET_GLYPHS = {
    "\uf0b7": "•",
    "\uf0a7": "▪",
    "\uf076": "❖",
    "\uf0d8": "➢",
    "\uf0fc": "✓",
    "o": "◦",
    "§": "▪",
    "-": "–",
}
# Elements whose children are runs (or more such elements); w:del is deliberately not here.
_RUN_CONTAINERS = frozenset(
    f"{_W}{tag}" for tag in ("ins", "smartTag", "fldSimple", "sdt", "sdtContent", "customXml")
)
_BLOCK_CONTAINERS = frozenset(f"{_W}{tag}" for tag in ("sdt", "sdtContent", "customXml"))
# Cells of a table's header row, which name the columns of a participant table.
_COLUMN_NAME = re.compile(
    r"navn|titel|stilling|organisation|rolle|funktion|deltagere?|fremmøde|afdeling|"
    r"repræsenterer|e-?mail|telefon",
    re.I,
)


def _number(value: str | None) -> int | None:
    """A number attribute; a damaged one counts as missing."""
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _val(element: ET.Element | None, tag: str) -> str | None:
    """The ``w:val`` of a child element, or None when there is no such child."""
    child = element.find(f"{_W}{tag}") if element is not None else None
    return None if child is None else child.get(f"{_W}val")


@attrs.frozen
class _Level:
    """One level of a list definition (``w:lvl``)."""

    start: int
    fmt: str
    text: str
    restart: int | None
    legal: bool

    @classmethod
    def read(cls, level: ET.Element) -> _Level:
        return cls(
            # The standard's default start is 0; Word always writes one.
            start=_number(_val(level, "start")) or 0,
            fmt=_val(level, "numFmt") or "decimal",
            text=_val(level, "lvlText") or "",
            restart=_number(_val(level, "lvlRestart")),
            legal=level.find(f"{_W}isLgl") is not None,
        )


@attrs.frozen
class _Styles:
    """The paragraph styles that number their paragraphs, and the heading styles."""

    numbering: dict[str, tuple[str, int]]
    headings: frozenset[str]

    @classmethod
    def read(cls, root: ET.Element | None) -> _Styles:
        based_on: dict[str, str] = {}
        own: dict[str, tuple[str | None, int | None]] = {}
        headings: set[str] = set()
        for style in root.iter(f"{_W}style") if root is not None else ():
            ident = style.get(f"{_W}styleId", "")
            name = (_val(style, "name") or ident).casefold()
            ppr = style.find(f"{_W}pPr")
            outline = _val(ppr, "outlineLvl")
            if name.startswith(("heading", "overskrift", "title", "titel")) or (
                outline is not None and outline != "9"
            ):
                headings.add(ident)
            if (parent := _val(style, "basedOn")) is not None:
                based_on[ident] = parent
            numpr = ppr.find(f"{_W}numPr") if ppr is not None else None
            if numpr is not None:
                ilvl = _val(numpr, "ilvl")
                own[ident] = (_val(numpr, "numId"), _number(ilvl))
        numbering: dict[str, tuple[str, int]] = {}
        for ident in own.keys() | based_on.keys():
            # A style inherits the list and the level it does not set from the style it is
            # based on.
            num_id: str | None = None
            level: int | None = None
            current: str | None = ident
            seen: set[str] = set()
            while current is not None and current not in seen:
                seen.add(current)
                found_id, found_level = own.get(current, (None, None))
                num_id = num_id if num_id is not None else found_id
                level = level if level is not None else found_level
                current = based_on.get(current)
            if num_id:
                numbering[ident] = (num_id, level or 0)
        return cls(numbering, frozenset(headings))


@attrs.define
class _Numbering:
    """Word's automatic numbering: the list definitions and the counters as Word runs them.

    Lists (``w:num``) that share a definition (``w:abstractNum``) continue each other's
    numbering, as in Word, unless a list overrides a level's start: then it counts on its own
    from that start. A level restarts when a level above it is used, unless ``w:lvlRestart``
    says otherwise.
    """

    definitions: dict[str, dict[int, _Level]]
    definition_of: dict[str, str]
    start_overrides: dict[str, dict[int, int]]
    counters: dict[str, dict[int, int]] = attrs.Factory(dict)
    started: set[str] = attrs.Factory(set)

    @classmethod
    def read(cls, root: ET.Element | None, styles: _Styles) -> _Numbering:
        definitions: dict[str, dict[int, _Level]] = {}
        style_links: dict[str, str] = {}
        definition_of: dict[str, str] = {}
        start_overrides: dict[str, dict[int, int]] = {}
        for abstract in root.iter(f"{_W}abstractNum") if root is not None else ():
            ident = abstract.get(f"{_W}abstractNumId", "")
            definitions[ident] = {
                _number(level.get(f"{_W}ilvl")) or 0: _Level.read(level)
                for level in abstract.findall(f"{_W}lvl")
            }
            if (link := _val(abstract, "numStyleLink")) is not None:
                style_links[ident] = link
        for num in root.iter(f"{_W}num") if root is not None else ():
            ident = num.get(f"{_W}numId", "")
            definition_of[ident] = _val(num, "abstractNumId") or ""
            start_overrides[ident] = {
                _number(override.get(f"{_W}ilvl")) or 0: _number(start) or 0
                for override in num.findall(f"{_W}lvlOverride")
                if (start := _val(override, "startOverride")) is not None
            }
        # A definition that only points to a list style uses the list that style numbers with.
        for ident, style in style_links.items():
            if not definitions.get(ident) and style in styles.numbering:
                linked = definition_of.get(styles.numbering[style][0], "")
                definitions[ident] = definitions.get(linked, {})
        return cls(definitions, definition_of, start_overrides)

    def label(self, num_id: str, level: int) -> str:
        """The number (or bullet) Word shows on the next paragraph of this list and level."""
        definition = self.definition_of.get(num_id, "")
        levels = self.definitions.get(definition, {})
        if level not in levels:
            return ""
        overrides = self.start_overrides.get(num_id, {})
        counters = self.counters.setdefault(num_id if overrides else f"definition {definition}", {})
        if num_id not in self.started:
            self.started.add(num_id)
            for overridden, start in overrides.items():
                counters[overridden] = start - 1
        shown = levels[level]
        counters[level] = counters.get(level, shown.start - 1) + 1
        for deeper in [d for d in counters if d > level]:
            restart = levels[deeper].restart if deeper in levels else None
            # lvlRestart n: restart after a use of level n (counted from 1) or above; 0: never.
            if restart is None or 0 < level + 1 <= restart:
                del counters[deeper]
        if shown.fmt == "bullet":
            return _BULLET_GLYPHS.get(shown.text, shown.text or "•")
        if shown.fmt == "none":
            return ""

        def number(match: re.Match[str]) -> str:
            index = int(match.group(1)) - 1
            of = levels.get(index)
            count = counters.get(index, of.start if of is not None else 1)
            fmt = "decimal" if shown.legal or of is None else of.fmt
            return _format_number(count, fmt)

        return re.sub(r"%([1-9])", number, shown.text)


def _format_number(count: int, fmt: str) -> str:
    if fmt in ("lowerLetter", "upperLetter"):
        letters = chr(ord("a") + (count - 1) % 26) * ((count - 1) // 26 + 1)
        return letters.upper() if fmt == "upperLetter" else letters
    if fmt in ("lowerRoman", "upperRoman"):
        roman = _roman(count)
        return roman if fmt == "upperRoman" else roman.lower()
    if fmt == "decimalZero":
        return f"{count:02d}"
    return str(count)


_ROMAN = (
    (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"),
    (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
)  # fmt: skip


def _roman(count: int) -> str:
    out = ""
    for value, letters in _ROMAN:
        while count >= value:
            out += letters
            count -= value
    return out


def _docx_lines(path: Path) -> list[_Line]:
    """The paragraphs of a ``.docx`` (table rows as one line each) with their numbering."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if "word/document.xml" not in names:
                raise MinutesImportError(
                    f"{path}: not a Word document (the .docx has no word/document.xml)"
                )

            def part(name: str) -> ET.Element | None:
                return ET.fromstring(archive.read(name)) if name in names else None

            document = ET.fromstring(archive.read("word/document.xml"))
            styles = _Styles.read(part("word/styles.xml"))
            numbering = _Numbering.read(part("word/numbering.xml"), styles)
            rels = part("word/_rels/document.xml.rels")
    except (zipfile.BadZipFile, ET.ParseError, OSError) as exc:
        raise MinutesImportError(f"{path}: not a readable .docx file ({exc})") from None
    targets = {
        rel.get("Id", ""): rel.get("Target", "")
        for rel in (rels.iter(f"{_REL}Relationship") if rels is not None else ())
        if rel.get("TargetMode") == "External"
    }
    reader = _DocxReader(styles, numbering, targets)
    body = document.find(f"{_W}body")
    reader.block(body if body is not None else document)
    return reader.lines


@attrs.define
class _ParagraphText:
    """What the runs of one paragraph hold, collected in document order."""

    text: str = ""
    links: list[tuple[str, str]] = attrs.Factory(list)
    bold: list[bool] = attrs.Factory(list)
    field_url: str = ""
    field_start: int | None = None


@attrs.define
class _DocxReader:
    """Walks a document's body and turns paragraphs and table rows into lines."""

    styles: _Styles
    numbering: _Numbering
    targets: dict[str, str]
    lines: list[_Line] = attrs.Factory(list)
    paragraphs: int = 0

    def block(self, parent: ET.Element) -> None:
        for child in parent:
            if child.tag == f"{_W}p":
                number = self.paragraphs + 1
                text, links, emphasis = self.paragraph(child)
                self.lines.extend(
                    _Line(number, _clean(piece), True, emphasis, links)
                    for piece in text.split("\n")
                )
            elif child.tag == f"{_W}tbl":
                self.table(child)
            elif child.tag in _BLOCK_CONTAINERS:
                self.block(child)

    def table(self, table: ET.Element) -> None:
        """A row is a line: its cells joined by commas, as in ``Navn, titel, organisation``."""
        for row in table.iter(f"{_W}tr"):
            first = self.paragraphs + 1
            cells: list[str] = []
            links: list[tuple[str, str]] = []
            for cell in row.findall(f"{_W}tc"):
                parts: list[str] = []
                for paragraph in cell.iter(f"{_W}p"):
                    text, found, _ = self.paragraph(paragraph)
                    parts.append(_clean(text.replace("\n", " ")))
                    links.extend(found)
                cells.append(" ".join(part for part in parts if part))
            filled = [cell for cell in cells if cell]
            if all(_COLUMN_NAME.fullmatch(cell.rstrip(":")) for cell in filled):
                filled = []  # empty, or a header row that names the columns
            self.lines.append(_Line(first, ", ".join(filled), True, False, tuple(links)))

    def paragraph(self, paragraph: ET.Element) -> tuple[str, tuple[tuple[str, str], ...], bool]:
        """The paragraph's text with its number or bullet, its links, and its emphasis.

        A paragraph stands out when it has a heading style or is bold throughout.
        """
        self.paragraphs += 1
        ppr = paragraph.find(f"{_W}pPr")
        style = _val(ppr, "pStyle") or ""
        num_id, level = self.styles.numbering.get(style, ("", 0))
        numpr = ppr.find(f"{_W}numPr") if ppr is not None else None
        if numpr is not None:
            num_id = _val(numpr, "numId") or num_id
            own_level = _number(_val(numpr, "ilvl"))
            level = own_level if own_level is not None else level
        collected = _ParagraphText()
        self.runs(paragraph, collected)
        text = collected.text
        label = self.numbering.label(num_id, level) if num_id else ""
        if label and text.strip():
            text = f"{label} {text.lstrip()}"
        emphasis = style in self.styles.headings or (bool(collected.bold) and all(collected.bold))
        return text, tuple(collected.links), emphasis

    def runs(self, parent: ET.Element, out: _ParagraphText) -> None:
        """Collect runs in order, also inside hyperlinks, insertions, fields and controls.

        Deleted text (``w:del``) is left out.
        """
        for child in parent:
            if child.tag == f"{_W}hyperlink":
                start = len(out.text)
                self.runs(child, out)
                target = self.targets.get(child.get(f"{_R}id", ""))
                if target:
                    out.links.append((out.text[start:].strip(), target))
            elif child.tag in _RUN_CONTAINERS:
                self.runs(child, out)
            elif child.tag == f"{_W}r":
                self.run(child, out)

    def run(self, run: ET.Element, out: _ParagraphText) -> None:
        for part in run:
            tag = part.tag.removeprefix(_W)
            if tag == "t":
                out.text += part.text or ""
                if (part.text or "").strip():
                    out.bold.append(_bold(run))
            elif tag in ("tab", "ptab"):
                out.text += " "
            elif tag in ("br", "cr"):
                out.text += "\n"
            elif tag == "noBreakHyphen":
                out.text += "-"
            elif tag == "instrText":
                # A HYPERLINK field: the text between its "separate" and "end" is the link.
                found = re.search(r'HYPERLINK\s+"([^"]+)"', part.text or "")
                out.field_url = found.group(1) if found else out.field_url
            elif tag == "fldChar":
                kind = part.get(f"{_W}fldCharType")
                if kind == "separate" and out.field_url:
                    out.field_start = len(out.text)
                elif kind == "end":
                    if out.field_url and out.field_start is not None:
                        out.links.append((out.text[out.field_start :].strip(), out.field_url))
                    out.field_url, out.field_start = "", None


def _bold(run: ET.Element) -> bool:
    bold = run.find(f"{_W}rPr/{_W}b")
    return bold is not None and bold.get(f"{_W}val", "true") not in ("0", "false")


# -- patterns -------------------------------------------------------------------------------

_PUNKT_HEADING = re.compile(
    r"(?:Punkt|PUNKT|Pkt\.|PKT\.|Dagsordenspunkt|Ad(?:\s+pkt\.)?)\s*(?P<number>\d{1,3})"
    r"(?:\s*[:.)–-]\s*|\s+(?=[A-ZÆØÅ])|\s*$)(?P<rest>.*)"
)
_NUMBERED_HEADING = re.compile(
    r"(?P<times>(?:kl\.?\s*)?\d{1,2}[.:]\d{2}\s*(?:[-–—]|til)\s*\d{1,2}[.:]\d{2}\s+)?"
    r"(?P<number>\d{1,2})(?P<delimiter>[.)])\s+(?P<rest>\S.*)"
)
_DECISION_FOR = re.compile(
    r"(?:Beslutning|Referat|Konklusion)(?:\s+(?:for|af|til|under|vedr\.?|på))?\s+"
    r"(?:punkt|pkt\.?|dagsordenspunkt)\s*(?P<number>\d{1,3})\s*[:.)–-]?\s*(?P<rest>.*)",
    re.I,
)
_Part = Literal["participants", "description", "recommendations", "case", "decision", "attachments"]
_LABEL_PATTERNS: tuple[tuple[str, _Part, bool], ...] = (
    (
        r"(?:\w+s\s+)?indstilling(?:er)?(?:\s+(?:fra|til)\s+[^:]{1,60})?|forslag til beslutning",
        "recommendations",
        False,
    ),
    (
        r"sagsfremstilling|sagsbeskrivelse|beskrivelse af sagen|sagens (?:indhold|baggrund)"
        r"|sags?resum[eé]|resum[eé]|sagen i korte træk|baggrund for sagen",
        "case",
        False,
    ),
    (r"beskrivelse|redegørelse", "case", True),
    (
        r"(?:\w+s\s+)?beslutning(?:er)?(?:\s+(?:i|fra)\s+[^:]{1,80}?)?"
        r"(?:\s+den\s+[\w.\-/ ]{4,30})?|referat|beslutningsreferat|konklusion",
        "decision",
        False,
    ),
    (r"aftaler?|drøftelse og beslutning", "decision", True),
    (r"bilag|bilagsliste|vedlagte bilag|bilag til punktet", "attachments", False),
)
# Labels that start an item's parts; the last ones only when followed by a colon.
# One pattern with a named group per label, so that a line costs one match.
_LABELS = re.compile(
    "|".join(f"(?P<label{n}>{pattern})" for n, (pattern, _, _) in enumerate(_LABEL_PATTERNS)),
    re.I,
)
_PURPOSES = {
    "beslutning": ItemPurpose.DECISION,
    "orientering": ItemPurpose.ORIENTATION,
    "drøftelse": ItemPurpose.DISCUSSION,
}
_PURPOSE_SUFFIX = re.compile(
    r"\s*(?:[-–,:]\s*|\(\s*)?til\s+(beslutning|orientering|drøftelse)\s*\)?\s*$", re.I
)
_PURPOSE_LINE = re.compile(r"(?:sagen er )?til\s+(beslutning|orientering|drøftelse)\.?", re.I)
_PRESENTER_FIELD = re.compile(
    r"(?:oplægsholder|oplæg ved|præsenteres af|fremlægges af|ansvarlig|tovholder)\s*:\s*(.+)",
    re.I,
)

_TIME = r"(?P<{0}h>\d{{1,2}})(?:[.:](?P<{0}m>\d{{2}}))?"
_SLOT = re.compile(
    r"(?:\(\s*)?(?P<kl>kl\.?\s*)?"
    + _TIME.format("a")
    + r"\s*(?:[-–—]|til)\s*(?:kl\.?\s*)?"
    + _TIME.format("b")
    + r"\s*\)?"
)
_START_ONLY = re.compile(r"(?:\(\s*)?kl\.?\s*" + _TIME.format("a") + r"\s*\)?")
_PRESENTER = re.compile(r"[,\s]+(?:v\.|ved)\s*(?P<who>[^()]{2,80})$")

_MONTH_NAMES = (
    "januar", "februar", "marts", "april", "maj", "juni",
    "juli", "august", "september", "oktober", "november", "december",
)  # fmt: skip
_MONTHS = {name: number for number, name in enumerate(_MONTH_NAMES, 1)}
_MONTHS |= {name[:3]: number for name, number in _MONTHS.items()} | {"sept": 9}
_WEEKDAY = r"(?:(?:mandag|tirsdag|onsdag|torsdag|fredag|lørdag|søndag)\s+)?(?:den\s+)?"
_DATE_WORDS = re.compile(
    _WEEKDAY + r"(?P<d>\d{1,2})\.?\s+(?P<month>" + "|".join(_MONTHS) + r")\.?\s+(?P<y>\d{4})",
    re.I,
)
_DATE_NUMBERS = re.compile(
    _WEEKDAY + r"(?<![\d.-])(?P<d>\d{1,2})[./-](?P<m>\d{1,2})[./-](?P<y>\d{4}|\d{2})\b", re.I
)
_DATE_ISO = re.compile(r"(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})")
_DATE_COMPACT = re.compile(r"(?<!\d)(?P<y>20\d{2})(?P<m>[01]\d)(?P<d>[0-3]\d)(?!\d)")

_FIELD = re.compile(
    r"(?P<field>mødedato|dato|tidspunkt|mødetidspunkt|mødetid|tid|klokken|sted|mødested|"
    r"lokale|mødelokale|adresse|møde|mødeforum|forum|udvalg)\s*:\s*(?P<value>.*)",
    re.I,
)
_GENERIC_TITLE = re.compile(
    r"(?:(?:dagsorden|mødereferat|referat|beslutningsprotokol|protokol)(?:\s+(?:og|/)\s+"
    r"(?:dagsorden|referat))?(?:\s+(?:af|fra|for)\s+(?:mødet?|møde))?|indholdsfortegnelse|"
    r"indhold|dagsordenspunkter|punkter)\s*:?",
    re.I,
)
_TITLE_PREFIX = re.compile(
    r"(?:referat|dagsorden|beslutningsprotokol)(?:\s+(?:af|fra|for)\s+|\s*[-–:]\s*)", re.I
)


# -- participants ---------------------------------------------------------------------------

_Mode = Literal["member", "guest", "apologies", "absent", "virtual", "role"]
_SECTION_PATTERNS: tuple[tuple[str, _Mode], ...] = (
    (
        r"medlemmer|deltagere|mødedeltagere|til ?stede|tilstedeværende|fremmødte|fremmøde|"
        r"deltagende|deltog|deltagerliste|deltagere og afbud",
        "member",
    ),
    (
        r"gæster|gæst|øvrige deltagere|desuden deltog|endvidere deltog|inviterede( gæster)?|"
        r"inviteret",
        "guest",
    ),
    (r"afbud|afbud fra|meldt afbud|afbud meldt af", "apologies"),
    (r"fraværende|fravær|ikke til stede|udeblevne?", "absent"),
    (r"virtuel deltagelse|deltog virtuelt|deltog online|online|virtuelt", "virtual"),
    (
        r"referent|mødeleder|ordstyrer|dirigent|formand|forperson|sekretær|sekretariat|"
        r"mødesekretær",
        "role",
    ),
)
# Headers of participant sections, alone on a line or with their list after a colon.
_SECTION_HEADERS = re.compile(
    "|".join(f"(?P<section{n}>{pattern})" for n, (pattern, _) in enumerate(_SECTION_PATTERNS)),
    re.I,
)
_PARTICIPANTS_TITLE = re.compile(
    r"(?:(?:møde)?deltagere|deltagerliste|(?:møde)?deltagelse|til ?stede|tilstedeværende|"
    r"tilstedeværelse|fremmødte|fremmøde)(?: og afbud)?[.:]?",
    re.I,
)
_ROLE_WORDS = re.compile(
    r"\b(?:(?:med|næst|vice)?(?:formand|forperson|forkvinde)|mødeleder|ordstyrer|referent|"
    r"(?:møde)?sekretær|dirigent|tovholder|facilitator|sekretariat)\b",
    re.I,
)
_VIRTUAL_WORDS = re.compile(r"\b(?:virtuel\w*|online|via teams|på teams|via skype|video)\b", re.I)
_GUEST_ITEMS = re.compile(
    r"\(?\s*\b(?:pkt|punkt|punkterne|dagsordenspunkt)\.?\s*"
    r"(?P<numbers>\d{1,3}(?:\s*(?:,|og|&|-|–)\s*\d{1,3})*)"
    r"(?:\s*[-–,]\s*(?P<extra>[^()]*?))?\s*\)?\s*$",
    re.I,
)
_VACANCY = re.compile(r"(?:vakan(?:ce|t)|ubesat|n\.\s?n\.|nn|ledig(?: plads)?)", re.I)
# Parts of words that make a name an organisation's ("Hospitalsenhed Midt", "PLO Randers").
_ORG_STEM = re.compile(
    r"kommune|region|hospital|sygehus|psykiatri|praksis|klinik|cent(?:er|re)|apotek|forening|"
    r"styrelse|ministeri|universitet|afdeling|enhed|sekretariat|lægevagt|repræsentant|"
    r"pårørende|patienter|klynge|udvalg|danske|kreds|organisation|selskab|fonden|sundhedshus|"
    r"forvaltning|direktion|akutfunktion|medcom|kiap|dsam",
    re.I,
)
_EMAIL = re.compile(r"<?\b([\w.+-]+@[\w-]+(?:\.[\w-]+)+)\b>?")
_ATTENDANCE_WORDS = {
    "til stede": Attendance.PRESENT,
    "deltog": Attendance.PRESENT,
    "afbud": Attendance.APOLOGIES,
    "meldt afbud": Attendance.APOLOGIES,
    "fraværende": Attendance.ABSENT,
    "ikke mødt": Attendance.ABSENT,
    "virtuel": Attendance.VIRTUAL,
    "virtuelt": Attendance.VIRTUAL,
    "deltog virtuelt": Attendance.VIRTUAL,
    "online": Attendance.VIRTUAL,
}
_PARTICLES = {"de", "la", "le", "van", "von", "der", "den", "af", "da", "di", "du", "el", "al"}
_TRAILING_PREPOSITION = re.compile(r"\s+(?:for|i|ved|hos|på|fra|af|til|med)$", re.I)
_FALLBACK_MEMBERS = "Øvrige deltagere"
_FALLBACK_ONLY = "Deltagere"
_FALLBACK_GUESTS = "Gæster"


def _words(text: str) -> list[str]:
    return re.findall(r"[\w'’.-]+", text)


def _org_like(text: str) -> bool:
    """Whether a text names an organisation rather than a person or a job title."""
    for word in _words(text):
        bare = word.strip(".-'’")
        if len(bare) >= 2 and bare.isupper() and bare.isalpha():
            return True
        if _ORG_STEM.search(bare):
            return True
    return False


def _name_like(text: str) -> bool:
    """Two to five capitalised words (initials and particles allowed), not an organisation."""
    words = text.split()
    if not 2 <= len(words) <= 5 or _org_like(text) or any(c.isdigit() for c in text):
        return False
    for word in words:
        if word in _PARTICLES:
            continue
        if not word[0].isupper() or not re.fullmatch(r"[\w'’.-]+", word):
            return False
    return True


def _organisation_kind(name: str) -> OrganisationKind:
    folded = name.casefold()
    if "præhospital" in folded:
        return OrganisationKind.REGION
    if any(stem in folded for stem in ("hospital", "sygehus", "psykiatri")):
        return OrganisationKind.HOSPITAL
    if "kommune" in folded:
        return OrganisationKind.MUNICIPALITY
    if "region" in folded:
        return OrganisationKind.REGION
    if (
        "patient" in folded and ("repræsentant" in folded or "forening" in folded)
    ) or "pårørende" in folded:
        return OrganisationKind.PATIENT_REPRESENTATIVES
    if "almen praksis" in folded or "praktiserende" in folded or re.search(r"\bplo\b", folded):
        return OrganisationKind.GENERAL_PRACTICE
    if "kiap" in folded or "kvalitet i almen praksis" in folded:
        return OrganisationKind.KIAP
    if re.search(r"\b(?:kvalitets)?klyngen?\b", folded):
        return OrganisationKind.CLUSTER
    return OrganisationKind.OTHER


# -- text helpers ---------------------------------------------------------------------------

_BULLET = re.compile(
    r"(?P<marker>[•·●▪■◦○‣⁃∙❖➢►✓\uf0b7\uf0a7\uf076\uf0d8\uf0fc*]|[-–])\s+(?P<text>.*)"
)
_SUB_BULLETS = frozenset("◦○‣")
_NUMBER_MARKER = re.compile(
    r"(?P<marker>\d{1,2}[.)]|[a-zæøå]\)|\[\d{1,2}\]|[ivx]{1,4}\.)\s+(?P<text>\S.*)"
)
_URL = re.compile(r"(?:https?://|www\.)\S+", re.I)
_SENTENCE_END = ".!?:;"
_CONNECTIVES = {"og", "eller", "samt", "til", "som", "men", "mv.", "m.v."}


# Abbreviations that end in a full stop without ending the sentence.
_ABBREVIATION = re.compile(
    r"ift|iht|ifm|bl\.a|f\.eks|fx|evt|jf|mv|m\.v|m\.m|mht|mhp|vedr|ca|kr|pkt|nr|inkl|ekskl|"
    r"dvs|osv|hhv|ang|tlf|kl|st|mio|mia|pga|p\.g\.a|[a-zæøå]",
    re.I,
)


def _ends_sentence(text: str) -> bool:
    """Whether a text ends a sentence: ``.``, ``!``, ``?``, ``:`` or ``;``, not an abbreviation."""
    text = text.rstrip()
    if not text.endswith(tuple(_SENTENCE_END)):
        return False
    return not (text.endswith(".") and _ABBREVIATION.fullmatch(text.split()[-1][:-1]))


@attrs.define
class _Vocabulary:
    """The words of a document, lower-cased, hyphenated compounds whole; read on first use.

    Only needed to tell a compound broken at its hyphen from a hyphenated word.
    """

    lines: Sequence[_Line] = ()
    words: frozenset[str] | None = None

    def __contains__(self, word: str) -> bool:
        if self.words is None:
            text = "\n".join(line.text for line in self.lines).casefold()
            self.words = frozenset(w.strip("-") for w in re.findall(r"[^\W\d_][\w-]*", text))
        return word in self.words


_NO_VOCABULARY = _Vocabulary()


def _join(left: str, right: str, vocabulary: _Vocabulary = _NO_VOCABULARY) -> str:
    """Join two wrapped lines, undoing hyphenation but keeping compound and URL hyphens.

    A hyphen between lower-case letters at a line break is taken out
    (``spørgeske-`` + ``maundersøgelsen``), unless the hyphenated word occurs unbroken
    elsewhere in the document and the joined one does not (``ryg-området``). Before *og*,
    *eller* and the like it is a suspended compound (``sundheds- og omsorgschef``).
    """
    if not left:
        return right
    if not right:
        return left
    last = left.split()[-1]
    if left.endswith(("-", "/")) and (_URL.search(last) or "/" in last):
        return left + right
    if left.endswith("-") and len(left) >= 2 and left[-2].isalpha():
        first = right.split()[0]
        if first.casefold() in _CONNECTIVES or not right[0].isalpha():
            return f"{left} {right}"
        if left[-2].islower() and right[0].islower():
            fragment = last[:-1].casefold()
            word = first.rstrip(".,;:!?)").casefold()
            if f"{fragment}-{word}" in vocabulary and f"{fragment}{word}" not in vocabulary:
                return left + right
            return left[:-1] + right
        return left + right
    return f"{left} {right}"


def _key(text: str) -> str:
    """A text for comparing headings: letters and digits only, case-folded."""
    return re.sub(r"[\W_]+", "", text.casefold())


@attrs.define
class _Entry:
    """A paragraph, bullet or numbered entry of a part, with the lines it was joined from."""

    kind: Literal["para", "bullet", "number"]
    text: str
    marker: str
    level: int
    pieces: list[tuple[_Line, str]]

    @property
    def ended(self) -> bool:
        return _ends_sentence(self.text)


def _entries(lines: Sequence[_Line], vocabulary: _Vocabulary = _NO_VOCABULARY) -> list[_Entry]:
    """Group lines into paragraphs, bullets and numbered entries, undoing line wrapping."""
    entries: list[_Entry] = []
    current: _Entry | None = None
    blank_before = True
    run_width = _run_widths(lines)
    previous: _Line | None = None
    for index, line in enumerate(lines):
        if line.blank:
            blank_before = True
            continue
        text = line.text
        bullet = _BULLET.fullmatch(text)
        numbered = _NUMBER_MARKER.fullmatch(text)
        if numbered is not None and current is not None and _continues_numbered(current, numbered):
            numbered = None
        if bullet and bullet.group("marker") in "-–" and current is not None:
            after_open = current.text.endswith((" at", ":", ";")) or current.kind != "para"
            if not after_open and bullet.group("text")[:1].islower() and not current.ended:
                bullet = None  # a wrapped line that starts with a dash
        starts_entry = bullet is not None or numbered is not None
        continues = (
            current is not None
            and not starts_entry
            and not line.own_paragraph
            and (
                (
                    not blank_before
                    and not _intended_break(current, previous, line, run_width[index])
                )
                or (
                    blank_before
                    and text[:1].islower()
                    and not current.ended
                    and not _URL.match(text)
                )
            )
        )
        if current is not None and continues:
            current.text = _join(current.text, text, vocabulary)
            current.pieces.append((line, text))
        elif bullet is not None:
            marker = bullet.group("marker")
            level = 2 if marker in _SUB_BULLETS else 1
            current = _Entry("bullet", bullet.group("text"), marker, level, [(line, text)])
            entries.append(current)
        elif numbered is not None:
            current = _Entry(
                "number", numbered.group("text"), numbered.group("marker"), 1, [(line, text)]
            )
            entries.append(current)
        else:
            current = _Entry("para", text, "", 0, [(line, text)])
            entries.append(current)
        blank_before = False
        previous = line
    return entries


def _continues_numbered(current: _Entry, numbered: re.Match[str]) -> bool:
    """A line like ``29. november kl. 8.30 …`` that only wraps the sentence before it."""
    marker = numbered.group("marker")
    first = numbered.group("text").split()[0].casefold().rstrip(".,")
    if first in _MONTHS:
        return True
    if current.ended or current.kind == "number" or not marker[:1].isdigit():
        return False
    return marker.rstrip(".)") != "1"


def _run_widths(lines: Sequence[_Line]) -> list[int]:
    """For each line, the longest line (without a URL) in its run of non-blank lines."""
    widths = [0] * len(lines)
    start = 0
    for end in range(len(lines) + 1):
        if end == len(lines) or lines[end].blank:
            run = [len(lines[i].text) for i in range(start, end) if not _URL.search(lines[i].text)]
            width = max(run, default=0)
            for i in range(start, end):
                widths[i] = width
            start = end + 1
    return widths


_INLINE_FIELD = re.compile(r"[A-ZÆØÅ][\w ]{2,24}:\s+\S")


def _intended_break(current: _Entry, previous: _Line | None, line: _Line, width: int) -> bool:
    """A line that ends although the next line's first word would have fitted on it.

    In wrapped text a line ends only when the next word does not fit. A paragraph's line
    followed by one that starts with a capital or a digit, with room left for that line's
    first word, ended on purpose: a heading, or a paragraph's end without a blank line after
    it. A bullet's or numbered entry's wrapped lines often start with a capital (a name), so
    there the line must also end a sentence, or be followed by a full-width line (the
    paragraph under a bullet that is a heading, as in ``• Afrunding af projektet``).
    """
    if previous is None or not line.text[:1].isalnum():
        return False
    if _INLINE_FIELD.match(line.text):
        return True
    if line.text[:1].islower():
        return False
    fits = len(previous.text) + 1 + len(line.text.split()[0]) <= 0.92 * width
    if current.kind == "para":
        return fits
    return fits and (_ends_sentence(previous.text) or len(line.text) >= 0.75 * width)


def _render(entries: Iterable[_Entry]) -> str:
    """Entries as model text: paragraphs between blank lines, bullets as ``- `` lines."""
    out: list[str] = []
    for entry in entries:
        text = entry.text.strip()
        if not text or text in ("-", "–", "—"):
            continue
        if entry.kind == "bullet":
            item = f"- {text}"
            if out and out[-1].startswith("- "):
                out[-1] = f"{out[-1]}\n{item}"
            else:
                out.append(item)
        elif entry.kind == "number":
            out.append(f"{entry.marker} {text}")
        else:
            out.append(text)
    return "\n\n".join(out)


# -- dates and times ------------------------------------------------------------------------


def _find_date(text: str) -> tuple[dt.date, re.Match[str]] | None:
    for pattern in (_DATE_ISO, _DATE_WORDS, _DATE_NUMBERS, _DATE_COMPACT):
        for match in pattern.finditer(text):
            year = int(match.group("y"))
            year = year + 2000 if year < 100 else year
            month = (
                _MONTHS[match.group("month").casefold()]
                if "month" in match.groupdict()
                else int(match.group("m"))
            )
            try:
                return dt.date(year, month, int(match.group("d"))), match
            except ValueError:
                continue
    return None


def _clock(hour: str, minute: str | None) -> dt.time | None:
    h, m = int(hour), int(minute or "0")
    if not (0 <= h <= 23 and 0 <= m <= 59):
        return None
    return dt.time(h, m)


@attrs.frozen
class _Times:
    """Clock times found in a text, and where."""

    start: dt.time | None
    end: dt.time | None
    match: re.Match[str]


def _find_times(text: str, *, at_end: bool) -> _Times | None:
    """A clock-time range (``kl. 11.05-11.15``), else a single ``kl. 16.00``.

    With ``at_end`` the times must close the text (a presenter may follow); a range needs
    minutes or ``kl.`` so that ``2024-2025`` or ``pkt. 4-6`` are not read as times.
    """
    candidates: list[_Times] = []
    for match in _SLOT.finditer(text):
        if match.group("am") is None and match.group("bm") is None and not match.group("kl"):
            continue
        start = _clock(match.group("ah"), match.group("am"))
        end = _clock(match.group("bh"), match.group("bm"))
        if start is None or end is None:
            continue
        candidates.append(_Times(start, end, match))
    if not candidates:
        for match in _START_ONLY.finditer(text):
            start = _clock(match.group("ah"), match.group("am"))
            if start is not None:
                candidates.append(_Times(start, None, match))
    if not candidates:
        return None
    found = candidates[-1]
    if at_end:
        rest = text[found.match.end() :].strip()
        if rest and not (_PRESENTER.match(" " + rest) or rest in (")", ".")):
            return None
    return found


# -- headings -------------------------------------------------------------------------------


@attrs.frozen
class _Heading:
    """An item heading: its number, its text (wrapped lines joined), the line after it."""

    number: int
    text: str
    end: int


@attrs.frozen
class _ItemHeading:
    """What an item's heading says: title, times, presenter, purpose."""

    title: str
    start: dt.time | None
    end: dt.time | None
    presenter: str
    purpose: ItemPurpose | None
    times_text: str


def _parse_heading(text: str, number: int) -> _ItemHeading:
    """Title, clock times, presenter (``v. Navn``) and purpose of an item heading.

    The times close the heading (``Budget (kl. 11.05-11.15) v. Ida Holm``) or open it, as in
    a programme (``16.00-16.15 Velkomst``).
    """
    presenter = ""
    times = _find_times(text, at_end=True)
    if times is not None:
        title = text[: times.match.start()]
        found = _PRESENTER.match(" " + text[times.match.end() :].strip())
        presenter = found.group("who") if found else ""
    else:
        times = _leading_times(text)
        title = text[times.match.end() :] if times is not None else text
        found = _PRESENTER.search(title)
        if found and len(found.group("who").split()) <= 6:
            presenter, title = found.group("who"), title[: found.start()]
    title = re.sub(r"[\s(,:–-]+$", "", title.strip()).strip()
    purpose = None
    suffix = _PURPOSE_SUFFIX.search(title)
    if suffix and suffix.start() > 0:
        purpose = _PURPOSES[suffix.group(1).casefold()]
        title = title[: suffix.start()].rstrip(" -–,:(")
    return _ItemHeading(
        title or f"Punkt {number}",
        times.start if times else None,
        times.end if times else None,
        presenter.strip().rstrip(" .)"),
        purpose,
        times.match.group(0).strip() if times else "",
    )


def _leading_times(text: str) -> _Times | None:
    """``16.00-16.15 Velkomst``: a range with minutes that opens a heading."""
    found = _SLOT.match(text)
    if found is None or found.group("am") is None or found.group("bm") is None:
        return None
    start, end = (
        _clock(found.group("ah"), found.group("am")),
        _clock(found.group("bh"), found.group("bm")),
    )
    if start is None or end is None or not text[found.end() :].strip():
        return None
    return _Times(start, end, found)


_DANGLING_WORD = re.compile(
    r"og|af|i|for|om|på|til|med|fra|ved|mhp\.|vedr\.|samt|eller|det|den|de|en|et|kl\.", re.I
)


def _dangling(text: str) -> bool:
    """A heading line that obviously goes on: an open bracket, a hyphen, a preposition."""
    words = text.split()
    if not words or text.count("(") > text.count(")"):
        return bool(words)
    return text.endswith(("-", "–", ",", "v.")) or bool(_DANGLING_WORD.fullmatch(words[-1]))


# -- the parser -----------------------------------------------------------------------------


@attrs.define
class _Draft:
    """An item as the parser collects it: its heading and its lines, part by part."""

    number: int
    heading: str
    parsed: _ItemHeading
    parts: dict[_Part, list[_Line]] = attrs.Factory(dict)
    part: _Part = "description"
    participants: bool = False
    presenter_field: str = ""
    purpose_line: ItemPurpose | None = None
    labelled_case: bool = False

    def add(self, line: _Line) -> None:
        self.parts.setdefault(self.part, []).append(line)

    def empty(self) -> bool:
        return not any(not line.blank for lines in self.parts.values() for line in lines)


@attrs.define
class _Parser:
    """Finds item headings and sorts the other lines into the preamble or an item's parts.

    One pass, looking for headings of one ``style``: "punkt" or "numbered".
    """

    lines: list[_Line]
    skip: set[int]
    unit: Literal["line", "paragraph"]
    style: Literal["punkt", "numbered"] = "punkt"
    items: list[_Draft] = attrs.Factory(list)
    current: _Draft | None = None
    preamble: list[_Line] = attrs.Factory(list)
    overview: dict[int, _ItemHeading] = attrs.Factory(dict)
    warnings: list[str] = attrs.Factory(list)
    list_number: tuple[int, str] | None = None
    last_accepted: int = -2

    def run(self) -> None:
        """Split the lines into the preamble and the items' labelled parts."""
        index = 0
        while index < len(self.lines):
            if index in self.skip:
                index += 1
                continue
            line = self.lines[index]
            heading = self._heading(index)
            if heading is not None:
                verdict = self._verdict(heading, index)
                if verdict == "new":
                    self._start_item(heading, index)
                    self.last_accepted = heading.end - 1
                    index = heading.end
                    continue
                if verdict == "repeat":
                    self.last_accepted = heading.end - 1
                    index = heading.end
                    continue
            if self.current is not None and self._decision_heading(index) is not None:
                index = self._decision_heading_end(index)
                continue
            if self.current is not None and self._label(line):
                index += 1
                continue
            self._add(line)
            index += 1

    # -- style and headings

    def _heading(self, index: int) -> _Heading | None:
        text = self.lines[index].text
        pattern = _PUNKT_HEADING if self.style == "punkt" else _NUMBERED_HEADING
        found = pattern.fullmatch(text)
        if found is None:
            return None
        rest = found.group("rest").strip()
        if "times" in found.groupdict() and found.group("times"):
            rest = f"{found.group('times')}{rest}"  # a programme's time column before the number
        end = index + 1
        if not self.lines[index].own_paragraph:
            end = self._heading_extent(index, rest)
            rest = " ".join([rest, *(self.lines[i].text for i in range(index + 1, end))]).strip()
        return _Heading(int(found.group("number")), rest, end)

    def _heading_extent(self, index: int, first: str) -> int:
        """The end of a heading wrapped over lines: up to its clock times, else while it dangles."""
        block: list[int] = []
        for i in range(index + 1, min(index + 6, len(self.lines))):
            line = self.lines[i]
            if i in self.skip or line.blank or line.own_paragraph or self._starts_something(line):
                break
            block.append(i)
        texts = [first] + [self.lines[i].text for i in block]
        for count in range(1, len(texts) + 1):
            if _find_times(" ".join(texts[:count]), at_end=True) is not None:
                if count < len(texts) and re.match(r"(?:v\.|ved)\s", texts[count]):
                    count += 1  # the presenter on a line of its own: "v. Ida Holm"
                return index + count
        end = index + 1
        text = first
        while end - index - 1 < len(block) and (not text or _dangling(text)):
            text = self.lines[end].text
            end += 1
        return end

    def _starts_something(self, line: _Line) -> bool:
        text = line.text
        return bool(
            _BULLET.fullmatch(text)
            or _label_match(text)
            or _PUNKT_HEADING.fullmatch(text)
            or _DECISION_FOR.fullmatch(text)
            or _section_header(text)
        )

    def _verdict(self, heading: _Heading, index: int) -> Literal["new", "repeat", "text"]:
        current = self.items[-1] if self.items else None
        if current is not None and heading.number == current.number:
            if _same_heading(heading.text, current.heading):
                return "repeat"
            return "text"
        if current is not None and heading.number < current.number:
            first = self.items[0]
            if (
                heading.number == first.number
                and _same_heading(heading.text, first.heading)
                and all(item.empty() for item in self.items)
            ):
                self.overview = {item.number: item.parsed for item in self.items}
                self.items.clear()
                self.current = None
                return "new"
            return "text"
        if self.style == "punkt":
            return "new"
        return "new" if self._numbered_heading_ok(heading, index) else "text"

    def _numbered_heading_ok(self, heading: _Heading, index: int) -> bool:
        line = self.lines[index]
        if not heading.text[:1].isupper() and not heading.text[:1].isdigit():
            return False
        if heading.text.endswith((",", ";")) or len(heading.text) > 200:
            return False
        expected = self.items[-1].number + 1 if self.items else None
        if self.overview and heading.number in self.overview:
            return _same_heading(heading.text, self.overview[heading.number].title)
        if expected is not None and heading.number != expected:
            return False
        if line.emphasis:
            return True
        delimiter = _NUMBERED_HEADING.fullmatch(line.text)
        if (
            self.list_number is not None
            and delimiter is not None
            and (heading.number - 1, delimiter.group("delimiter")) == self.list_number
        ):
            return False
        previous = index - 1
        while previous in self.skip:
            previous -= 1
        return (
            previous < 0
            or self.lines[previous].blank
            or line.own_paragraph
            or previous == self.last_accepted
            or self.lines[previous].page_start
            or _GENERIC_TITLE.fullmatch(self.lines[previous].text) is not None
            or _label_match(self.lines[previous].text) is not None
        )

    def _start_item(self, heading: _Heading, index: int) -> None:
        parsed = _parse_heading(heading.text, heading.number)
        draft = _Draft(heading.number, heading.text, parsed)
        draft.participants = _PARTICIPANTS_TITLE.fullmatch(parsed.title) is not None
        draft.part = "participants" if draft.participants else "description"
        self.items.append(draft)
        self.current = draft
        self.list_number = None

    # -- decisions under their own heading

    def _decision_heading(self, index: int) -> re.Match[str] | None:
        return _DECISION_FOR.fullmatch(self.lines[index].text)

    def _decision_heading_end(self, index: int) -> int:
        found = self._decision_heading(index)
        assert found is not None
        number = int(found.group("number"))
        target = next((item for item in self.items if item.number == number), None)
        if target is None:
            assert self.current is not None
            self.warnings.append(
                f"{self.unit} {self.lines[index].number}: a decision for item {number}, which "
                f"the minutes do not have; kept under item {self.current.number}"
            )
            target = self.current
        # Decisions may be gathered after the items: the text goes to the item it names.
        self.current = target
        target.part = "decision"
        self.list_number = None
        rest = found.group("rest").strip()
        end = index + 1
        if self.lines[index].own_paragraph or not rest:
            return end
        wanted = _key(target.heading)
        seen = _key(rest)
        while end < len(self.lines) and seen != wanted and wanted.startswith(seen):
            line = self.lines[end]
            if line.blank or end in self.skip:
                break
            longer = seen + _key(line.text)
            if not wanted.startswith(longer):
                break
            seen = longer
            end += 1
        if not wanted.startswith(seen):
            end = self._heading_extent(index, rest)
        return end

    # -- labelled parts

    def _label(self, line: _Line) -> bool:
        found = _label_match(line.text)
        current = self.current
        assert current is not None
        if found is None:
            purpose = _PURPOSE_LINE.fullmatch(line.text)
            if purpose and current.part in ("description", "participants"):
                current.purpose_line = _PURPOSES[purpose.group(1).casefold()]
                return True
            presenter = _PRESENTER_FIELD.fullmatch(line.text)
            if presenter and current.part == "description" and not current.presenter_field:
                current.presenter_field = presenter.group(1).strip()
                return True
            return False
        part, inline = found
        current.part = part
        if part == "case":
            current.labelled_case = True
        self.list_number = None
        if inline:
            current.add(attrs.evolve(line, text=inline))
        return True

    def _add(self, line: _Line) -> None:
        current = self.current
        if current is None:
            self.preamble.append(line)
            return
        if not line.blank:
            numbered = _NUMBERED_HEADING.fullmatch(line.text)
            if numbered is not None:
                self.list_number = (int(numbered.group("number")), numbered.group("delimiter"))
            elif not current.parts.get(current.part) or current.parts[current.part][-1].blank:
                self.list_number = None
        current.add(line)


def _parse(lines: list[_Line], skip: set[int], unit: Literal["line", "paragraph"]) -> _Parser:
    """Parse with "Punkt 3:" headings, or with "3." headings if they find more items.

    With two or more "Punkt" items, lines such as "3. Den gode udskrivelse" are list entries
    in the text, never items.
    """
    punkt = _Parser(lines, skip, unit, "punkt")
    punkt.run()
    if len(punkt.items) >= 2:
        return punkt
    numbered = _Parser(lines, skip, unit, "numbered")
    numbered.run()
    return numbered if len(numbered.items) > len(punkt.items) else punkt


def _label_match(text: str) -> tuple[_Part, str] | None:
    """The part a label line starts, and any text after the label on the same line."""
    if len(text) > 120:
        return None
    head, colon, inline = text.partition(":")
    found = _LABELS.fullmatch(head.strip())
    if found is None or found.lastgroup is None:
        return None
    _, part, colon_only = _LABEL_PATTERNS[int(found.lastgroup.removeprefix("label"))]
    return (part, inline.strip()) if colon or not colon_only else None


def _section_header(text: str) -> tuple[_Mode, str] | None:
    """The participant section a header line starts, and any list after its colon."""
    head, colon, inline = text.partition(":")
    found = _SECTION_HEADERS.fullmatch(head.strip())
    if found is None or found.lastgroup is None or not (colon or head.strip() == text.strip()):
        return None
    return _SECTION_PATTERNS[int(found.lastgroup.removeprefix("section"))][1], inline.strip()


def _same_heading(text: str, other: str) -> bool:
    """Whether two headings name the same item: one title starts the other, or nearly so."""
    a, b = _key(_parse_heading(text, 0).title), _key(_parse_heading(other, 0).title)
    if not a or not b:
        return False
    return a.startswith(b) or b.startswith(a) or difflib.SequenceMatcher(None, a, b).ratio() > 0.85


# -- participants ---------------------------------------------------------------------------


@attrs.define
class _PersonText:
    """A person as a participant list names them, before they become a Participant."""

    name: str
    title: str = ""
    organisation: str = ""
    role: str = ""
    attendance: Attendance = Attendance.PRESENT
    guest_items: tuple[str, ...] = ()
    email: str = ""
    delegation: str = ""
    guest: bool = False
    listed: bool = False  # in a list of who attends, not only named as absent or by role


def _split_outside_brackets(text: str) -> list[str]:
    """Parts between commas and semicolons that are not inside brackets."""
    parts: list[str] = []
    depth = 0
    current = ""
    for char in text:
        depth += char == "("
        depth -= char == ")" and depth > 0
        if char in ",;" and depth == 0:
            parts.append(current.strip())
            current = ""
        else:
            current += char
    parts.append(current.strip())
    return [part for part in parts if part]


def _brackets(text: str) -> tuple[str, list[str]]:
    """The text without its bracketed parts, and those parts (an unclosed last one too)."""
    groups: list[str] = []
    out = ""
    depth = 0
    current = ""
    for char in text:
        if char == "(":
            if depth == 0:
                current = ""
            else:
                current += char
            depth += 1
        elif char == ")" and depth > 0:
            depth -= 1
            if depth == 0:
                groups.append(current.strip())
            else:
                current += char
        elif depth > 0:
            current += char
        else:
            out += char
    if depth > 0 and current.strip():
        groups.append(current.strip())
    return _WHITESPACE.sub(" ", out).strip(), groups


def _person(text: str) -> _PersonText:
    """``Navn, titel, Organisation (rolle) (pkt. 4 – virtuel deltagelse)`` as its parts."""
    email = _EMAIL.search(text)
    if email is not None:
        text = (text[: email.start()] + text[email.end() :]).replace("()", "")
    body, groups = _brackets(text)
    bare = _GUEST_ITEMS.search(body)
    if bare and bare.start() > 0:
        groups.append(body[bare.start() :].strip(" ()"))
        body = body[: bare.start()].strip()
    person = _PersonText(name="", email=email.group(1) if email else "")
    notes: list[str] = []
    roles: list[str] = []
    for group in groups:
        items = _GUEST_ITEMS.fullmatch(group)
        if items is not None:
            person.guest_items = _item_numbers(items.group("numbers"))
            extra = (items.group("extra") or "").strip()
            if _VIRTUAL_WORDS.search(extra):
                person.attendance = Attendance.VIRTUAL
            elif extra:
                notes.append(f"({extra})")
        elif _ROLE_WORDS.search(group):
            roles.append(group)
        elif group.casefold() in _ATTENDANCE_WORDS:
            person.attendance = _ATTENDANCE_WORDS[group.casefold()]
        elif _VIRTUAL_WORDS.search(group) and len(group.split()) <= 3:
            person.attendance = Attendance.VIRTUAL  # "(deltog via Teams)"
        else:
            notes.append(f"({group})")
    parts = _split_outside_brackets(body)
    if parts and re.search(r"\s[-–]\s", parts[0]):  # "Anne Hansen – kommunallæge"
        parts[:1] = [part.strip() for part in re.split(r"\s+[-–]\s+", parts[0], maxsplit=1)]
    person.name = parts[0] if parts else ""
    details: list[str] = []
    for part in parts[1:]:
        if _ROLE_WORDS.fullmatch(part):
            roles.append(part)
        elif part.casefold() in _ATTENDANCE_WORDS:  # a table's attendance column
            person.attendance = _ATTENDANCE_WORDS[part.casefold()]
        else:
            details.append(part)
    titles: list[str] = []
    for position, part in enumerate(details):
        if part[:1].isupper() and _org_like(part):
            person.organisation = ", ".join(details[position:])
            break
        titles.append(part)
    title = ", ".join(titles)
    if title and not person.organisation and title[:1].islower():
        title, person.organisation = _title_and_organisation(title)
    person.title = " ".join(filter(None, [title, *notes]))
    person.role = ", ".join(roles)
    return person


def _title_and_organisation(text: str) -> tuple[str, str]:
    """``ledende terapeut Medicinsk Diagnostisk Center`` → title and organisation."""
    words = text.split()
    for position in range(1, len(words)):
        if words[position][:1].isupper():
            rest = " ".join(words[position:])
            if _org_like(rest):
                title = _TRAILING_PREPOSITION.sub("", " ".join(words[:position]))
                return title, rest
            return text, ""
    return text, ""


def _item_numbers(text: str) -> tuple[str, ...]:
    numbers: list[str] = []
    for part in re.split(r"\s*(?:,|og|&)\s*", text):
        span = re.fullmatch(r"(\d+)\s*[-–]\s*(\d+)", part.strip())
        if span:
            low, high = int(span.group(1)), int(span.group(2))
            numbers.extend(str(n) for n in range(low, high + 1) if high - low < 30)
        elif part.strip().isdigit():
            numbers.append(part.strip())
    return tuple(dict.fromkeys(numbers))


def _people_list(text: str) -> list[_PersonText]:
    """``Anne Hansen (formand), Bo Jensen, praktiserende læge, og Carl Madsen`` as people.

    A part that looks like a name starts a person; other parts are that person's details.
    """
    parts: list[str] = []
    for part in _split_outside_brackets(text):
        pieces = re.split(r"\s+(?:og|&)\s+", part)
        if len(pieces) > 1 and all(_name_like(_brackets(p)[0]) for p in pieces):
            parts.extend(pieces)
        else:
            parts.append(re.sub(r"^(?:og|&)\s+", "", part))
    people: list[list[str]] = []
    for part in parts:
        bare = _brackets(part)[0]
        if not people or _name_like(bare) or _VACANCY.fullmatch(bare):
            people.append([part])
        else:
            people[-1].append(part)
    return [_person(", ".join(group)) for group in people]


@attrs.define
class _Roster:
    """The people of a meeting, read from participant lists in their many forms."""

    unit: Literal["line", "paragraph"]
    people: list[_PersonText] = attrs.Factory(list)
    headed: list[str] = attrs.Factory(list)
    heading_lines: dict[str, _Line] = attrs.Factory(dict)
    unplaced: list[Unplaced] = attrs.Factory(list)

    def read(self, lines: Sequence[_Line]) -> None:
        """Read a participant section.

        Organisation headings over one person a line, and section headers (*Gæster*,
        *Afbud*, …) alone on their line or with their list after a colon.
        """
        mode: _Mode = "member"
        organisation = ""
        role = ""
        block_start = True
        filled = _bracketed_lines_joined(lines)
        for position, line in enumerate(filled):
            text = line.text
            if line.blank:
                block_start = True
                continue
            bullet = _BULLET.fullmatch(text)
            text = bullet.group("text") if bullet is not None else text
            cells = [cell for cell in line.cells if cell]
            if len(cells) > 1 and not _section_header(cells[0]):
                # A table laid out with spaces: its columns as "Navn, titel, organisation".
                if all(_COLUMN_NAME.fullmatch(cell.rstrip(":")) for cell in cells):
                    continue  # the header row
                text = ", ".join(cells)
            header = _section_header(text)
            if header is not None:
                mode, inline = header
                organisation = ""
                role = text.partition(":")[0].strip().casefold() if mode == "role" else ""
                if inline:
                    self._list(inline, line, mode, role)
                block_start = True
                continue
            following = next((f for f in filled[position + 1 :] if not f.blank), None)
            next_in_block = position + 1 < len(filled) and not filled[position + 1].blank
            if (
                mode in ("member", "guest", "virtual")
                and bullet is None
                and _is_organisation_heading(
                    text, line.emphasis, block_start, next_in_block, following
                )
            ):
                organisation = _organisation_name(text.rstrip(":"))
                if organisation not in self.headed:
                    self.headed.append(organisation)
                    self.heading_lines[organisation] = line
                block_start = False
                continue
            inline_org = re.fullmatch(r"([^:,()]{2,60}):\s*(.+)", text)
            if inline_org and _org_like(inline_org.group(1)) and mode in ("member", "guest"):
                name = _organisation_name(inline_org.group(1))
                if name not in self.headed:
                    self.headed.append(name)
                self._list(inline_org.group(2), line, mode, role, name)
            elif mode in ("member", "guest", "virtual"):
                self._add(_person(text), line, mode, role, organisation)
            else:
                self._list(text, line, mode, role)
            block_start = False

    def empty_headings(self) -> list[Unplaced]:
        """Organisation headings nobody was listed under: kept as unplaced text."""
        used = {person.delegation for person in self.people}
        return [
            Unplaced(Location(self.unit, line.number), line.text, "an organisation with nobody")
            for name, line in self.heading_lines.items()
            if name not in used
        ]

    def _list(self, text: str, line: _Line, mode: _Mode, role: str, organisation: str = "") -> None:
        for person in _people_list(text):
            self._add(person, line, mode, role, organisation)

    def _add(
        self, person: _PersonText, line: _Line, mode: _Mode, role: str, organisation: str
    ) -> None:
        where = Location(self.unit, line.number)
        if _VACANCY.fullmatch(person.name):
            reason = "a vacant seat, not a person; left out of the participants"
            self.unplaced.append(Unplaced(where, line.text, reason))
            return
        if not _name_like(person.name):
            reason = "in a participant list but not a person's name"
            self.unplaced.append(Unplaced(where, line.text, reason))
            return
        if mode in _ATTENDANCE_MODES:
            person.attendance = _ATTENDANCE_MODES[mode]
        elif mode == "role" and role:
            person.role = ", ".join(filter(None, [role, person.role]))
        listing = mode in ("member", "guest", "virtual")
        known = self.find(person.name)
        if known is not None and (known.listed or not listing):
            if mode in _ATTENDANCE_MODES:
                known.attendance = person.attendance
            if person.role and person.role not in known.role:
                known.role = ", ".join(filter(None, [known.role, person.role]))
            known.title = known.title or person.title
            known.organisation = known.organisation or person.organisation
            known.email = known.email or person.email
            return
        if known is not None:
            # Named earlier only as referent or absent: the list places them.
            self.people.remove(known)
            if known.attendance is not Attendance.PRESENT:
                person.attendance = known.attendance
            person.role = ", ".join(filter(None, [known.role, person.role]))
        person.listed = listing
        person.guest = mode == "guest"
        person.delegation = organisation or (person.organisation if person.guest else "")
        self.people.append(person)

    def find(self, name: str) -> _PersonText | None:
        """The person with this name, allowing a small misspelling.

        The first and last names must agree (``Karen Raben Kudsk`` is ``Karen Rabens Kudsk``).
        """
        wanted = _name_key(name)
        for person in self.people:
            if _name_key(person.name) == wanted:
                return person
        words = wanted.split()
        close = [
            person
            for person in self.people
            if (other := _name_key(person.name).split())
            and words
            and other[0] == words[0]
            and other[-1] == words[-1]
            and difflib.SequenceMatcher(None, " ".join(other), wanted).ratio() >= 0.85
        ]
        return close[0] if len(close) == 1 else None

    def apologies_in(self, text: str) -> list[str]:
        """Names after "afbud fra" in a decision get apologies; returns those not listed."""
        unknown: list[str] = []
        for found in _APOLOGIES_SENTENCE.finditer(text):
            for name in re.split(r",\s*|\s+og\s+", _WHITESPACE.sub(" ", found.group(1))):
                name = name.strip()
                if not _name_like(name):
                    continue
                person = self.find(name)
                if person is None:
                    unknown.append(name)
                    self.people.append(_PersonText(name, attendance=Attendance.APOLOGIES))
                else:
                    person.attendance = Attendance.APOLOGIES
        return unknown


# "Der var afbud fra A, B og C." – the sentence ends at a full stop that is not an initial's.
_APOLOGIES_SENTENCE = re.compile(r"\bafbud fra\s+(.+?)(?:(?<!\b[A-ZÆØÅ])\.(?:\s|$)|$)", re.I | re.S)
_ATTENDANCE_MODES: dict[str, Attendance] = {
    "apologies": Attendance.APOLOGIES,
    "absent": Attendance.ABSENT,
    "virtual": Attendance.VIRTUAL,
}


def _is_organisation_heading(
    text: str, emphasis: bool, block_start: bool, next_in_block: bool, following: _Line | None
) -> bool:
    """An organisation heading over a list of people, not a person without a title."""
    colon = text.endswith(":")
    text = text.rstrip(":")
    if any(c in text for c in ",(:") or len(text) > 70 or not text[:1].isupper():
        return False
    if following is None or _section_header(following.text) is not None:
        return False
    if _org_like(text):
        return True
    if emphasis or colon:
        return True
    return block_start and next_in_block and len(text.split()) == 1


def _bracketed_lines_joined(lines: Sequence[_Line]) -> list[_Line]:
    """Lines whose bracket is closed on the next line, joined: ``(medformand,`` + ``mødeleder)``."""
    out: list[_Line] = []
    for line in lines:
        if out and not line.blank and out[-1].text.count("(") > out[-1].text.count(")"):
            out[-1] = attrs.evolve(out[-1], text=f"{out[-1].text} {line.text}")
        else:
            out.append(line)
    return out


@functools.lru_cache(maxsize=1024)
def _name_key(name: str) -> str:
    return " ".join(_WHITESPACE.sub(" ", name.replace(".", " ")).casefold().split())


def _organisation_name(text: str) -> str:
    """An organisation heading, with a suspended hyphen set right: ``Patient- og …``."""
    return re.sub(r"(\w)\s+[-–]\s+(og|eller)\b", r"\1- \2", text.strip())


# -- assembling the meeting -----------------------------------------------------------------


def import_minutes(
    path: str | Path,
    *,
    title: str | None = None,
    start: dt.datetime | dt.date | None = None,
    end: dt.datetime | None = None,
    place: str | None = None,
    kind: MeetingKind | None = None,
    meeting_id: str | None = None,
) -> ImportResult:
    """Read minutes (``.txt``, text from a PDF, or ``.docx``) into a meeting.

    The meeting's title, date, clock times and place come from the text when it gives them,
    else from the file name; the arguments override both. ``start`` may be a date (the clock
    times then come from the text) or a date and time. Raises :class:`MinutesImportError`
    when the file cannot be read or holds no recognisable agenda item.
    """
    path = Path(path)
    suffix = path.suffix.casefold()
    if suffix == ".docx":
        lines = _docx_lines(path)
        unit: Literal["line", "paragraph"] = "paragraph"
    elif suffix in (".pdf", ".doc", ".odt", ".rtf"):
        hint = " (extract its text with 'pdftotext -layout' first)" if suffix == ".pdf" else ""
        raise MinutesImportError(f"{path}: cannot read {suffix} files; use .txt or .docx{hint}")
    else:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise MinutesImportError(f"{path}: {exc.strerror or exc}") from None
        try:
            text, _ = decode(data, str(path))
        except TableError as exc:
            raise MinutesImportError(str(exc)) from None
        lines = _text_lines(text)
        unit = "line"
    if isinstance(start, dt.datetime) and end is not None and end <= start:
        raise MinutesImportError(f"{path}: end {end:%Y-%m-%d %H.%M} is not after start")
    skip, furniture = _furniture(lines)
    parser = _parse(lines, skip, unit)
    if not parser.items:
        raise MinutesImportError(
            f"{path}: no agenda items found; minutes need items headed like "
            f"'Punkt 1: Godkendelse af dagsorden' or '1. Godkendelse af dagsorden'. "
            f"Nothing was imported."
        )
    builder = _Builder(path, parser, furniture)
    return builder.build(
        title=title, start=start, end=end, place=place, kind=kind, meeting_id=meeting_id
    )


@attrs.define
class _Builder:
    """Turns what the parser found into a Meeting, collecting unplaced text and warnings."""

    path: Path
    parser: _Parser
    furniture: list[tuple[_Line, Unplaced]]
    unplaced: list[Unplaced] = attrs.Factory(list)
    vocabulary: _Vocabulary = _NO_VOCABULARY
    warnings: list[str] = attrs.Factory(list)

    @property
    def unit(self) -> Literal["line", "paragraph"]:
        return self.parser.unit

    def build(
        self,
        *,
        title: str | None,
        start: dt.datetime | dt.date | None,
        end: dt.datetime | None,
        place: str | None,
        kind: MeetingKind | None,
        meeting_id: str | None,
    ) -> ImportResult:
        self.warnings.extend(self.parser.warnings)
        self.vocabulary = _Vocabulary(self.parser.lines)
        header = self._preamble()
        roster = _Roster(unit=self.unit)
        roster.read(header.participant_lines)
        for draft in self.parser.items:
            if draft.participants:
                roster.read(draft.parts.get("participants", []))
        items = [self._item(draft) for draft in self.parser.items]
        for draft, item in zip(self.parser.items, items, strict=True):
            if draft.participants and item.decision:
                for name in roster.apologies_in(item.decision):
                    self.warnings.append(
                        f"item {draft.number}: {name!r} sent apologies but is not in the "
                        "participant list; added without an organisation"
                    )
        self.unplaced.extend(roster.unplaced)
        self.unplaced.extend(roster.empty_headings())
        items = self._timed(items)
        numbers = {item.number for item in items}
        day, times_start, times_end = self._when(header, start, end, items)
        meeting_title = title or header.title or _title_from_file(self.path)
        meeting_place = place if place is not None else header.place
        meeting_kind = kind or _meeting_kind(meeting_title, self.parser.lines)
        delegations = self._delegations(roster, numbers)
        agenda_start = min((i.slot.start for i in items if i.slot is not None), default=None)
        finish = (
            times_end if isinstance(times_end, dt.datetime) else dt.datetime.combine(day, times_end)
        )
        try:
            meeting = Meeting(
                id=meeting_id or _meeting_id(meeting_title, day),
                title=meeting_title,
                kind=meeting_kind,
                start=dt.datetime.combine(day, times_start),
                end=finish,
                place=meeting_place,
                delegations=tuple(delegations),
                agenda=Agenda(tuple(items), start=agenda_start),
            )
        except ModelError as exc:
            # Only arguments that contradict the minutes (an end before the items) get here.
            raise MinutesImportError(
                f"{self.path}: the imported meeting is not valid: {exc}"
            ) from None
        unplaced = sorted(self.unplaced, key=lambda u: u.location.number)
        return ImportResult(meeting, tuple(unplaced), tuple(self.warnings))

    # -- preamble: title, date, time, place, participants

    def _preamble(self) -> _Header:
        """Title, date, times, place and participant sections from before the first item.

        A participant section runs from a header such as *Deltagere* or *Afbud* to the next
        field; a header with its list after a colon is a section of its own.
        """
        header = _Header()
        in_participants = False
        for line in self.parser.preamble:
            if line.blank:
                if in_participants:
                    header.participant_lines.append(line)
                continue
            section = _section_header(line.text)
            if section is not None:
                header.fields_seen = True
                header.participant_lines.append(line)
                # A header with its list on the same line (``Afbud: …``) is a section of one line.
                in_participants = not section[1]
                continue
            if _FIELD.fullmatch(line.text) or _GENERIC_TITLE.fullmatch(line.text):
                in_participants = False
            if in_participants:
                header.participant_lines.append(line)
            else:
                self._header_line(header, line)
        if header.title is None and header.title_parts:
            header.title = " – ".join(header.title_parts)
        for line, report in self.furniture:
            if not self._header_from_running_header(header, line):
                self.unplaced.append(report)
        return header

    def _header_from_running_header(self, header: _Header, line: _Line) -> bool:
        """Take the date and title from a running page header when the text has none."""
        if _PAGE_NUMBER.fullmatch(line.text):
            return False
        used = False
        rest = line.text
        date = _find_date(rest)
        if date is not None:
            rest = rest.replace(date[1].group(0), " ")
            if header.date is None:
                header.date, used = date[0], True
        rest = _TITLE_PREFIX.sub("", _WHITESPACE.sub(" ", rest).strip(" ,.-–:"))
        if header.title is None and rest and not _GENERIC_TITLE.fullmatch(rest):
            header.title, used = rest[:1].upper() + rest[1:], True
        return used

    def _header_line(self, header: _Header, line: _Line) -> None:
        text = line.text
        field = _FIELD.fullmatch(text)
        value = field.group("value").strip() if field else text
        name = field.group("field").casefold() if field else ""
        header.fields_seen = header.fields_seen or field is not None
        if name in ("sted", "mødested", "lokale", "mødelokale", "adresse"):
            header.place = ", ".join(filter(None, [header.place, value]))
            return
        date = _find_date(value)
        times = _find_times(value, at_end=False)
        rest = value
        if date is not None:
            header.date = header.date or date[0]
            rest = rest.replace(date[1].group(0), " ")
        if times is not None:
            header.start = header.start or times.start
            header.end = header.end or times.end
            rest = rest.replace(times.match.group(0), " ")
        rest = re.sub(r"\b(?:kl|klokken)\.?(?=\s|$)", " ", rest, flags=re.I)
        rest = re.sub(r"\s*,(?:\s*,)+", ",", _WHITESPACE.sub(" ", rest)).strip(" ,.-–:")
        if name in ("møde", "mødeforum", "forum", "udvalg") and rest:
            header.title = header.title or rest
            return
        if not rest or _GENERIC_TITLE.fullmatch(rest) or (name and (date or times)):
            return
        cleaned = _TITLE_PREFIX.sub("", rest)
        if not name and not header.fields_seen and len(header.title_parts) < 3 and len(rest) <= 100:
            header.title_parts.append(cleaned[:1].upper() + cleaned[1:])
            return
        reason = (
            "not understood as a date or time"
            if name in ("mødedato", "dato", "tidspunkt", "mødetidspunkt", "mødetid", "tid")
            else "before the first agenda item and not a title, date, time, place or "
            "participant list"
        )
        self.unplaced.append(Unplaced(Location(self.unit, line.number), text, reason))

    # -- items

    def _item(self, draft: _Draft) -> AgendaItem:
        parts = draft.parts
        description_lines = list(parts.get("description", []))
        description_lines = self._without_repeated_title(draft, description_lines)
        words = self.vocabulary
        description = _render(_entries(description_lines, words))
        case = _render(_entries(parts.get("case", []), words))
        if not draft.labelled_case and description and not case:
            case, description = description, ""
        parsed = draft.parsed
        overview = self.parser.overview.get(draft.number, parsed)
        return AgendaItem(
            title=parsed.title,
            kind=AgendaItemKind.BREAK if _is_break(parsed.title) else AgendaItemKind.OTHER,
            number=str(draft.number),
            presenter=parsed.presenter or draft.presenter_field or overview.presenter,
            purpose=parsed.purpose or draft.purpose_line or overview.purpose,
            slot=None,
            description=description,
            recommendations=_recommendations(parts.get("recommendations", []), words),
            case_presentation=case,
            decision=_render(_entries(parts.get("decision", []), words)),
            attachments=_attachments(parts.get("attachments", []), words),
        )

    def _without_repeated_title(self, draft: _Draft, lines: list[_Line]) -> list[_Line]:
        """Drop the item's title when the text repeats it right under the heading."""
        filled = [i for i, line in enumerate(lines) if not line.blank]
        if not filled:
            return lines
        wanted = _key(draft.heading)
        title = _key(draft.parsed.title)
        seen = ""
        repeated = 0
        for count, index in enumerate(filled[:5], 1):
            seen += _key(lines[index].text)
            if seen in (wanted, title):
                repeated = count
            if not (wanted.startswith(seen) or title.startswith(seen)):
                break
        return lines[filled[repeated - 1] + 1 :] if repeated else lines

    def _timed(self, items: list[AgendaItem]) -> list[AgendaItem]:
        """Give items their time slots, in order and not overlapping.

        A lone start time ends where the next item starts; an item without times takes them
        from the overview before the items, if there is one.
        """
        heads = [draft.parsed for draft in self.parser.items]
        for index, head in enumerate(heads):
            if head.start is None and head.end is None:
                overview = self.parser.overview.get(self.parser.items[index].number)
                if overview is not None and overview.start is not None:
                    heads[index] = attrs.evolve(
                        head, start=overview.start, end=overview.end, times_text=overview.times_text
                    )
        out: list[AgendaItem] = []
        previous_end: dt.time | None = None
        for index, (item, head) in enumerate(zip(items, heads, strict=True)):
            start, end = head.start, head.end
            if start is not None and end is None:
                following = next((h.start for h in heads[index + 1 :] if h.start), None)
                end = following if following is not None and following > start else None
            slot = None
            if start is not None and end is not None:
                if end <= start:
                    self.warnings.append(
                        f"item {item.number}: the time {head.times_text!r} ends before it "
                        "starts; the item has no time slot"
                    )
                elif previous_end is not None and start < previous_end:
                    self.warnings.append(
                        f"item {item.number}: the time {head.times_text!r} overlaps the "
                        "item before; the item has no time slot"
                    )
                else:
                    slot = TimeSlot(start, end)
                    previous_end = end
            out.append(attrs.evolve(item, slot=slot) if slot is not None else item)
        return out

    def _when(
        self,
        header: _Header,
        start: dt.datetime | dt.date | None,
        end: dt.datetime | None,
        items: list[AgendaItem],
    ) -> tuple[dt.date, dt.time, dt.time | dt.datetime]:
        if isinstance(start, dt.datetime):
            day: dt.date | None = start.date()
        elif isinstance(start, dt.date):
            day = start
        else:
            day = header.date or _date_from_file(self.path)
        if day is None:
            raise MinutesImportError(
                f"{self.path}: the minutes give no meeting date, and neither does the file "
                "name; give the date (start=...)"
            )
        slots = [item.slot for item in items if item.slot is not None]
        first = min((s.start for s in slots), default=None)
        last = max((s.end for s in slots), default=None)
        begin = start.time() if isinstance(start, dt.datetime) else header.start or first
        if begin is None:
            begin = dt.time(0, 0)
            self.warnings.append("no clock times in the minutes; the meeting starts at 00.00")
        if first is not None and begin > first:
            self.warnings.append(
                f"the meeting starts at {begin:%H.%M}, after its first item "
                f"({first:%H.%M}); it now starts with that item"
            )
            begin = first
        if end is not None:
            return day, begin, end
        finish = header.end or last
        if finish is not None and last is not None and finish < last:
            finish = last
        if finish is None or finish <= begin:
            self.warnings.append("no end time in the minutes; the meeting is taken to last all day")
            return day, begin, dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0, 0))
        return day, begin, finish

    def _delegations(self, roster: _Roster, numbers: set[str]) -> list[Delegation]:
        """People grouped by organisation, in the order the minutes name them.

        Those without an organisation come last, as "Øvrige deltagere" (or "Deltagere" when
        nobody has one) and "Gæster".
        """
        any_organisation = any(p.delegation or p.organisation for p in roster.people)
        fallback = _FALLBACK_MEMBERS if any_organisation else _FALLBACK_ONLY
        names: dict[str, str] = {name.casefold(): name for name in reversed(roster.headed)}
        groups: dict[str, list[Participant]] = {name.casefold(): [] for name in roster.headed}
        for person in roster.people:
            missing = [n for n in person.guest_items if n not in numbers]
            if missing:
                self.warnings.append(
                    f"{person.name}: a guest at item {', '.join(missing)}, which the minutes "
                    "do not have"
                )
            named = person.delegation or person.organisation
            group = named or (_FALLBACK_GUESTS if person.guest else fallback)
            key = group.casefold()
            names.setdefault(key, group)
            # Each person names their organisation; the delegation's unless they say more.
            organisation = person.organisation or (names[key] if named else "")
            groups.setdefault(key, []).append(
                Participant(
                    Person(person.name, person.title, organisation, person.email),
                    attendance=person.attendance,
                    role=person.role,
                    guest_items=tuple(n for n in person.guest_items if n in numbers),
                )
            )
        last = [name.casefold() for name in (_FALLBACK_MEMBERS, _FALLBACK_ONLY, _FALLBACK_GUESTS)]
        ordered = [key for key in groups if key not in last] + [k for k in last if k in groups]
        return [
            Delegation(Organisation(names[key], _organisation_kind(names[key])), tuple(people))
            for key in ordered
            if (people := groups[key])
        ]


@attrs.define
class _Header:
    """What the text before the first item says about the meeting."""

    title: str | None = None
    title_parts: list[str] = attrs.Factory(list)
    fields_seen: bool = False
    date: dt.date | None = None
    start: dt.time | None = None
    end: dt.time | None = None
    place: str = ""
    participant_lines: list[_Line] = attrs.Factory(list)


def _is_break(title: str) -> bool:
    return bool(re.match(r"(?:pause|frokost|kaffepause|frokostpause)\b", title, re.I))


def _recommendations(lines: Sequence[_Line], vocabulary: _Vocabulary) -> tuple[str, ...]:
    """One recommendation per bullet, numbered line or paragraph.

    Sub-bullets join their parent (``… foreslår at; arbejdet forankres …``), and a lead-in
    that ends in *at* heads each item of the list under it (``Forvaltningen indstiller, at``
    + ``- udkastet godkendes``).
    """
    out: list[str] = []
    lead_in = ""
    waiting = False  # a lead-in that no list item has used yet
    for entry in _entries(lines, vocabulary):
        text = entry.text.strip()
        if not text or text in ("-", "–"):
            continue
        if entry.kind == "para":
            if waiting:
                out.append(lead_in)
            lead_in = text if re.search(r"\bat:?$", text) else ""
            waiting = bool(lead_in)
            if not lead_in:
                out.append(text)
        elif lead_in:
            out.append(f"{lead_in.rstrip(':')} {text}")
            waiting = False
        elif entry.kind == "bullet" and entry.level == 2 and out:
            out[-1] = f"{out[-1]} {text}"
        else:
            out.append(text)
    if waiting:
        out.append(lead_in)
    return tuple(out)


def _attachments(lines: Sequence[_Line], vocabulary: _Vocabulary) -> tuple[Attachment, ...]:
    """One attachment per bullet, numbered line or line, with its link when it has one."""
    out: list[Attachment] = []
    for entry in _entries(lines, vocabulary):
        if entry.kind == "para":
            texts: list[tuple[str, tuple[tuple[str, str], ...]]] = []
            for line, piece in entry.pieces:
                if texts and (
                    texts[-1][0].endswith(("-", "/"))
                    or (
                        piece[:1].islower()
                        and not texts[-1][0].endswith(".")
                        and not _URL.match(piece)
                    )
                ):
                    joined = _join(texts[-1][0], piece, vocabulary)
                    texts[-1] = (joined, texts[-1][1] + line.links)
                else:
                    texts.append((piece, line.links))
        else:
            links = tuple(link for line, _ in entry.pieces for link in line.links)
            texts = [(entry.text, links)]
        for text, links in texts:
            attachment = _attachment(text, links)
            if attachment is not None:
                out.append(attachment)
    return tuple(out)


def _attachment(text: str, links: tuple[tuple[str, str], ...]) -> Attachment | None:
    """An attachment from its line: the title, and the link in it or on it.

    A link that is not an http(s) address (``mailto:``, a file on a drive) stays in the
    title, in brackets, so that it is not lost.
    """
    text = text.strip()
    if not text or text in ("-", "–"):
        return None
    if links:
        label, target = links[0]
        title = _attachment_title(text if label in text else label) or target
        url = _http_link(target)
        return Attachment(title if url else f"{title} ({target})", url)
    found = _URL.search(text)
    if found is None:
        return Attachment(_attachment_title(text))
    written = found.group(0).rstrip(".,;)")
    rest = (text[: found.start()] + text[found.start() + len(written) :]).strip()
    rest = re.sub(r"[(\[:–-]+\s*$|^\s*[)\]]", "", rest).strip(" ()[]:")
    title = _attachment_title(rest) or written
    url = _http_link(written)
    if not url and title != written:
        title = f"{title} ({written})"
    return Attachment(title, url)


def _http_link(written: str) -> str:
    """An http(s) address as the model takes it (``www.…`` gets ``https://``), else ""."""
    url = written.strip()
    if url.casefold().startswith("www."):
        url = f"https://{url}"
    scheme = re.match(r"https?://", url, re.I)
    if scheme is None or any(c.isspace() for c in url):
        return ""
    return scheme.group(0).casefold() + url[scheme.end() :]


def _attachment_title(text: str) -> str:
    text = text.strip()
    final = re.search(r"(\w+)\.$", text)
    if final and len(final.group(1)) >= 4 and final.group(1).isalpha():
        text = text[:-1]
    return text


_KIND_PATTERNS = {
    MeetingKind.STEERING_GROUP: re.compile(r"klyngestyregruppe", re.I),
    MeetingKind.MUNICIPAL_GP_COMMITTEE: re.compile(
        r"kommunalt[ -]lægeligt? udvalg|\bklu\b|praksisudvalg", re.I
    ),
    MeetingKind.PRE_MEETING: re.compile(r"\bformøde", re.I),
    MeetingKind.CLUSTER_MEETING: re.compile(r"\bklyngemøde", re.I),
}


def _meeting_kind(title: str, lines: Sequence[_Line]) -> MeetingKind:
    """The kind the title names, else the one the text mentions most (at least twice)."""
    for kind, pattern in _KIND_PATTERNS.items():
        if pattern.search(title):
            return kind
    text = " ".join(line.text for line in lines)
    counts = {kind: len(pattern.findall(text)) for kind, pattern in _KIND_PATTERNS.items()}
    best = max(counts, key=lambda k: counts[k])
    return best if counts[best] >= 2 else MeetingKind.OTHER


def _title_from_file(path: Path) -> str:
    """``referat_klyngemoede_2025-02-04.txt`` → ``Referat klyngemoede``."""
    stem = path.stem
    found = _find_date(stem.replace("_", "-"))
    if found is not None:
        stem = stem.replace(found[1].group(0), " ")
    stem = " ".join(re.sub(r"[_-]+", " ", stem).split()) or "Møde"
    return stem[:1].upper() + stem[1:]


def _date_from_file(path: Path) -> dt.date | None:
    found = _find_date(path.stem) or _find_date(re.sub(r"[_-]+", " ", path.stem))
    return found[0] if found else None


def _meeting_id(title: str, day: dt.date) -> str:
    """``klyngestyregruppen-for-midtklyngen-2024-09-27``: the title's words, then the date."""
    slug = re.sub(r"[\W_]+", "-", title.casefold()).strip("-")
    if len(slug) > 60:
        slug = slug[:61].rsplit("-", 1)[0]
    return f"{slug or 'moede'}-{day.isoformat()}"
