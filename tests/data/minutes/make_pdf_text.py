"""Make ``002-pdftotext.txt``: reference 002 as ``pdftotext -layout`` extracts it from a PDF.

The minutes are laid out as a Word document (A4, Calibri 11, a running header with the body
and date, a footer "Side N af M"), with soft hyphens in long words so that lines break inside
words the way hyphenated documents do; LibreOffice prints it to PDF and ``pdftotext -layout``
extracts the text, with a form feed at every page break. Run from the repository root::

    python tests/data/minutes/make_pdf_text.py

Needs python-docx, LibreOffice (``soffice``) and poppler's ``pdftotext``.
"""

from __future__ import annotations

import re
import subprocess
import tempfile
from pathlib import Path

import docx
from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt

HERE = Path(__file__).parent
SOURCE = HERE / "002_f7929607a731545b.txt"
TARGET = HERE / "002-pdftotext.txt"
HEADER = "Referat – Klyngestyregruppen for Midtklyngen – 27. september 2024"
BULLET = re.compile(r"^\s*[•·◦\uf0b7]\s")
HEADING = re.compile(r"^\s*(?:Punkt \d+:|Beslutning for Punkt \d+:)")


def _paragraphs(text: str) -> list[tuple[str, bool]]:
    """The text's paragraphs (lines of one paragraph joined) and whether each is a heading.

    A line goes on from the one before when that one was wrapped (long, or ending inside a
    bracket) or is a heading without its closing time yet; in the participant list under
    item 1 every line is a paragraph of its own.
    """
    out: list[tuple[str, bool]] = []
    previous = ""
    in_participants = True
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("Beslutning for Punkt 1:"):
            in_participants = False
        if not line:
            previous = ""
            continue
        open_bracket = previous.count("(") > previous.count(")")
        wrapped = open_bracket or (len(previous) > 65 and not in_participants)
        heading_goes_on = bool(out) and out[-1][1] and not _closed(out[-1][0])
        starts_heading = bool(HEADING.match(line))
        if (
            previous
            and (wrapped or heading_goes_on)
            and not BULLET.match(line)
            and not starts_heading
        ):
            text_so_far, heading = out[-1]
            url_goes_on = previous.endswith("-") and "://" in previous.split()[-1]
            out[-1] = (f"{text_so_far}{'' if url_goes_on else ' '}{line}", heading)
        else:
            out.append((line, bool(HEADING.match(line))))
        previous = line
    return out


def _closed(heading: str) -> bool:
    """A heading is complete at its clock time, presenter, or one-word title."""
    return heading.endswith((")", "Skaarup", "alle", "Mødedeltagere", "orienteringer"))


def _soft_hyphens(text: str) -> str:
    """A soft hyphen in the middle of every long lower-case word, so lines may break there."""

    def hyphenate(match: re.Match[str]) -> str:
        word = match.group(0)
        middle = len(word) // 2
        return word[:middle] + "\u00ad" + word[middle:]

    return re.sub(r"(?<![\w-])[a-zæøå][a-zæøå]{13,}(?![\w-])", hyphenate, text)


def _field(run: object, instruction: str) -> None:
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    code = OxmlElement("w:instrText")
    code.set(qn("xml:space"), "preserve")
    code.text = instruction
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    element = run._r  # type: ignore[attr-defined]
    element.append(begin)
    element.append(code)
    element.append(end)


def main() -> None:
    """Write ``002-pdftotext.txt`` next to this script."""
    document = docx.Document()
    style = document.styles["Normal"]
    style.font.name = "Calibri"
    style.font.size = Pt(11)
    section = document.sections[0]
    section.page_height, section.page_width = docx.shared.Cm(29.7), docx.shared.Cm(21)
    section.header.paragraphs[0].text = HEADER
    footer = section.footer.paragraphs[0]
    footer.add_run("Side ")
    _field(footer.add_run(), "PAGE")
    footer.add_run(" af ")
    _field(footer.add_run(), "NUMPAGES")
    for text, heading in _paragraphs(SOURCE.read_text(encoding="utf-8")):
        if text.startswith("Punkt ") and text[6:8].strip(":").isdigit() and text[6] != "1":
            document.add_paragraph().add_run().add_break(WD_BREAK.LINE)
        paragraph = document.add_paragraph()
        run = paragraph.add_run(_soft_hyphens(text))
        run.bold = heading
    with tempfile.TemporaryDirectory() as work:
        source = Path(work) / "002.docx"
        document.save(str(source))
        subprocess.run(
            ["soffice", "--headless", "--convert-to", "pdf", "--outdir", work, str(source)],
            check=True,
            capture_output=True,
        )
        subprocess.run(
            ["pdftotext", "-layout", str(Path(work) / "002.pdf"), str(TARGET)], check=True
        )


if __name__ == "__main__":
    main()
