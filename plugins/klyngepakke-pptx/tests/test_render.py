"""Decks through LibreOffice: every slide becomes a PDF page.

Marked ``render``: these need LibreOffice (``soffice``); run them with ``pytest -m render``
(``nox -s render``). Decks from the akutfunktioner package with synthetic data, with and
without a baseline, on the built-in template and on a custom one (Danish layout names,
other theme colours, Cambria instead of Calibri), and when the forebyggelse topic is
installed its deck (the recommendations' checklist, a metric counting the municipality's
referrals and compared by municipality) on the built-in template, are converted to PDF in
one LibreOffice run; the test fails if a conversion fails or a PDF's page count differs from
the slide count.
"""

from __future__ import annotations

import importlib.util
import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from pptx import Presentation

from klyngepakke.api import export, get_package
from klyngepakke.bundle import MeetingBundle
from klyngepakke.demo import synthetic_bundle

pytestmark = [
    pytest.mark.render,
    pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed"),
]

TEMPLATE = Path(__file__).parents[1] / "src" / "klyngepakke_pptx" / "template.pptx"
DANISH_LAYOUTS = {
    "Title Slide": "Titeldias",
    "Section Header": "Sektionsoverskrift",
    "Title and Content": "Titel og indhold",
    "Title Only": "Kun titel",
}
CUSTOM_COLOURS = {b"1F4E79": b"385723", b"2E75B6": b"548235", b"1B2A41": b"262626"}


def custom_template(folder: Path) -> Path:
    """The built-in template with Danish layout names, green colours and Cambria."""
    presentation = Presentation(str(TEMPLATE))
    for layout in presentation.slide_layouts:
        if layout.name in DANISH_LAYOUTS:
            layout._element.cSld.set("name", DANISH_LAYOUTS[layout.name])
    buffer = io.BytesIO()
    presentation.save(buffer)
    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename.startswith("ppt/theme/"):
                content = content.replace(b'typeface="Calibri"', b'typeface="Cambria"')
                for old, new in CUSTOM_COLOURS.items():
                    content = content.replace(old, new)
            target.writestr(info, content)
    path = folder / "organisationens-skabelon.potx"
    with zipfile.ZipFile(out) as source, zipfile.ZipFile(path, "w") as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "[Content_Types].xml":
                content = content.replace(
                    b"presentationml.presentation.main+xml", b"presentationml.template.main+xml"
                )
            target.writestr(info, content)
    return path


def pdf_pages(path: Path) -> int:
    """Pages in a PDF: ``pdfinfo`` when installed, else the page objects counted."""
    if shutil.which("pdfinfo"):
        result = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
        (line,) = [line for line in result.stdout.splitlines() if line.startswith("Pages:")]
        return int(line.split()[1])
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", path.read_bytes()))


@pytest.fixture(scope="module")
def bundles() -> dict[str, MeetingBundle]:
    package = get_package("akutfunktioner")
    return {
        "follow-up": synthetic_bundle(package, seed=0),
        "baseline": synthetic_bundle(package, seed=0, baseline=True),
    }


def test_decks_convert_to_one_pdf_page_per_slide(
    bundles: dict[str, MeetingBundle], tmp_path: Path
) -> None:
    template = custom_template(tmp_path)
    decks = {}
    for name, bundle in bundles.items():
        for template_name, options in (("indbygget", {}), ("egen", {"template": str(template)})):
            path = tmp_path / f"{name}-{template_name}.pptx"
            export(bundle, "pptx", path, options=options)
            decks[path] = len(Presentation(str(path)).slides)
    if importlib.util.find_spec("klyngepakke_forebyggelse") is not None:
        path = tmp_path / "forebyggelse-indbygget.pptx"
        export(synthetic_bundle(get_package("forebyggelse"), seed=0, baseline=True), "pptx", path)
        decks[path] = len(Presentation(str(path)).slides)
    out = tmp_path / "pdf"
    profile = (tmp_path / "profile").as_uri()
    result = subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            *map(str, decks),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    for deck, slides in decks.items():
        pdf = out / deck.with_suffix(".pdf").name
        assert pdf.is_file(), f"LibreOffice did not convert {deck.name}: {result.stderr}"
        assert pdf_pages(pdf) == slides, deck.name
