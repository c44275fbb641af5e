"""Every document type, on the built-in and on a user's template, through LibreOffice.

Marked ``render``: these need LibreOffice (``soffice``); run them with ``pytest -m render``.
Each document is converted to PDF (any LibreOffice error fails the test), and the table of
contents is checked to have been filled in.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.oxml.ns import qn

import klyngepakke
from klyngepakke.bundle import MeetingBundle
from klyngepakke.conversion import load
from klyngepakke.demo import synthetic_bundle
from klyngepakke.model import ClusterPackage, Meeting
from klyngepakke.planning import COPENHAGEN
from klyngepakke_docx import convert_to_pdf
from klyngepakke_docx._document import open_document
from klyngepakke_docx._libreoffice import find_soffice

pytestmark = [
    pytest.mark.render,
    pytest.mark.skipif(find_soffice() is None, reason="LibreOffice (soffice) is not installed"),
]

DATA = Path(__file__).parent / "data"
TOC_PLACEHOLDER = "Indholdsfortegnelsen udfyldes"


@pytest.fixture(scope="module")
def full_bundle(package: ClusterPackage) -> MeetingBundle:
    """A synthetic bundle with survey results and metrics, for the results report."""
    start = dt.datetime(2030, 3, 14, 16, 0, tzinfo=COPENHAGEN)
    return synthetic_bundle(package, seed=0, baseline=True, start=start)


@pytest.fixture(scope="module")
def steering_group_meeting() -> Meeting:
    meeting = load(DATA / "steering_group_meeting.yaml")
    assert isinstance(meeting, Meeting)
    return meeting


@pytest.fixture(scope="module")
def custom_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A user's .dotx: Cambria headings in another colour, Letter paper, its own header text."""
    from docx.shared import RGBColor

    word = open_document()
    for name in ("Title", "Heading 1", "Heading 2", "Heading 3"):
        font = word.document.styles[name].font
        font.name = "Cambria"
        font.color.rgb = RGBColor(0x38, 0x56, 0x23)
    word.document.sections[0].header.paragraphs[0].text = "Region Eksempel · Praksisafdelingen"
    buffer = io.BytesIO()
    word.document.save(buffer)
    path = tmp_path_factory.mktemp("skabelon") / "region.dotx"
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    with zipfile.ZipFile(path, "w") as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "[Content_Types].xml":
                content = content.replace(b"document.main+xml", b"template.main+xml")
            target.writestr(info, content)
    return path


def sources(
    package: ClusterPackage, full_bundle: MeetingBundle, meeting: Meeting
) -> dict[str, tuple[Any, dict[str, str]]]:
    return {
        "package": (package, {}),
        "runbook": (full_bundle, {"document": "runbook"}),
        "letter": (full_bundle, {}),
        "questionnaire": (full_bundle, {"document": "questionnaire"}),
        "results": (full_bundle, {"document": "results"}),
        "minutes": (meeting, {}),
    }


def pdf_text(pdf: Path) -> str:
    if shutil.which("pdftotext") is None:  # pragma: no cover - poppler is there with soffice
        pytest.skip("pdftotext (poppler-utils) is not installed")
    run = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, check=True)
    return run.stdout.decode("utf-8")


@pytest.mark.parametrize("template", ["built-in", "custom"])
@pytest.mark.parametrize(
    "document", ["package", "runbook", "letter", "questionnaire", "results", "minutes"]
)
def test_every_document_converts_to_pdf(
    package: ClusterPackage,
    full_bundle: MeetingBundle,
    steering_group_meeting: Meeting,
    custom_template: Path,
    tmp_path: Path,
    document: str,
    template: str,
) -> None:
    obj, options = sources(package, full_bundle, steering_group_meeting)[document]
    if template == "custom":
        options = {**options, "template": str(custom_template)}
    written = tmp_path / f"{document}.docx"
    klyngepakke.export(obj, "docx", written, options=options)
    pdf = convert_to_pdf(written, tmp_path / f"{document}.pdf")
    assert pdf.read_bytes().startswith(b"%PDF")
    text = pdf_text(pdf)
    assert TOC_PLACEHOLDER not in text
    assert "Side 1 af" in text
    if template == "custom":
        assert "Region Eksempel · Praksisafdelingen" in text


@pytest.mark.parametrize("document", ["package", "runbook", "minutes"])
def test_the_table_of_contents_gets_its_entries(
    package: ClusterPackage,
    full_bundle: MeetingBundle,
    steering_group_meeting: Meeting,
    tmp_path: Path,
    document: str,
) -> None:
    obj, options = sources(package, full_bundle, steering_group_meeting)[document]
    written = tmp_path / f"{document}.docx"
    klyngepakke.export(obj, "docx", written, options={**options, "update_fields": "yes"})
    updated = docx.Document(str(written))
    headings = [p.text for p in updated.paragraphs if p.style and p.style.name == "Heading 1"]
    assert headings
    body = updated.element.body
    entries = "".join(node.text or "" for node in body.iter(qn("w:t")))
    assert TOC_PLACEHOLDER not in entries
    # the contents list every chapter heading before the heading itself appears
    first_heading = entries.index(headings[0], entries.index(headings[-1]) + 1)
    contents = entries[:first_heading]
    for heading in headings:
        assert heading in contents
    pdf = convert_to_pdf(written, tmp_path / f"{document}.pdf")
    text = pdf_text(pdf)
    line = next(line for line in text.splitlines() if line.strip().startswith(headings[0]))
    assert line.rstrip()[-1].isdigit()  # "Formål ........ 2"


def _words_pattern(text: str, words: int | None = None) -> str:
    """``text`` (or its first ``words`` words) as a regex that allows any line breaks."""
    return r"\s+".join(re.escape(word) for word in text.split()[:words])


def _chapters_and_what_follows(written: Path) -> list[tuple[str, str]]:
    """Each chapter heading (Heading 1) with the start of the paragraph or table after it."""
    document = docx.Document(str(written))
    body = list(document.element.body.iterchildren())
    chapters = []
    for paragraph in document.paragraphs:
        if paragraph.style is None or paragraph.style.name != "Heading 1":
            continue
        following = body[body.index(paragraph._p) + 1]
        texts = (
            "".join(node.text or "" for node in first.iter(qn("w:t")))
            for first in following.iter(qn("w:p"))
        )
        chapters.append((paragraph.text, " ".join(next(filter(None, texts)).split()[:3])))
    return chapters


@pytest.mark.parametrize("document", ["minutes", "package"])
def test_the_pdf_is_laid_out_after_the_contents_are_filled_in(
    package: ClusterPackage,
    full_bundle: MeetingBundle,
    steering_group_meeting: Meeting,
    tmp_path: Path,
    document: str,
) -> None:
    """Every chapter starts on the page the contents name, never alone at a page's foot.

    Filling in the contents makes them longer; a PDF made from the layout before that left
    "Punkt 5" of the steering-group minutes alone at the bottom of page 4, with the contents
    saying page 4 while a fresh layout puts it on page 5.
    """
    obj, options = sources(package, full_bundle, steering_group_meeting)[document]
    written = tmp_path / f"{document}.docx"
    klyngepakke.export(obj, "docx", written, options=options)
    text = pdf_text(convert_to_pdf(written, tmp_path / f"{document}.pdf"))
    pages = text.split("\f")
    contents_end = max(m.end() for m in re.finditer(r"\.{4,}\s*\d+\n", pages[0]))
    pages[0] = pages[0][contents_end:]
    chapters = _chapters_and_what_follows(written)
    assert len(chapters) >= 3
    for heading, following in chapters:
        listed = re.search(_words_pattern(heading) + r"\s*\.{4,}\s*(\d+)", text)
        assert listed is not None, heading
        where = [
            (number, found)
            for number, page in enumerate(pages, start=1)
            if (found := re.search(r"^\s*" + _words_pattern(heading), page, re.MULTILINE))
        ]
        assert len(where) == 1, (heading, [number for number, _ in where])
        page_number, found = where[0]
        assert page_number == int(listed.group(1)), heading
        rest = pages[page_number - 1][found.end() :]
        assert re.search(_words_pattern(following), rest), (heading, following, page_number)
