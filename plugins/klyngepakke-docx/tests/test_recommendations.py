"""The recommendations: the checklist document and the chapter in the package document."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
import docx
import pytest
from docx.oxml.ns import qn

import klyngepakke
from klyngepakke.bundle import MeetingBundle
from klyngepakke.errors import ExportError
from klyngepakke.model import ClusterPackage, Recommendation, Role
from klyngepakke_docx import DocxExporter
from klyngepakke_docx._document import ANSWER_LINE_STYLE, CHECKBOX, SYNTHETIC_MARK
from klyngepakke_docx._exporter import DOCUMENTS, choose_document
from klyngepakke_docx._recommendations import GROUP_FILL, NOTE_LINES

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument

PRACTICE, MUNICIPALITY = Role.CLUSTER_MEMBERS, Role.MUNICIPALITY
RECOMMENDATIONS = (
    Recommendation(
        "vurdering",
        "Vurderer, om patienten kan blive hjemme med akutfunktionen.",
        (PRACTICE,),
        "Henvisning",
        1,
    ),
    Recommendation(
        "kontakt", "Oplyser ét telefonnummer til akutfunktionen.", (MUNICIPALITY,), "Kontakt", 1
    ),
    Recommendation("indgang", "Henviser via én indgang.", (PRACTICE,), "Henvisning", 1),
    Recommendation("aftaler", "Følger op på aftalerne i KLU.", (PRACTICE, MUNICIPALITY), "", 1),
)
HEADER = ["", "Anbefaling", "Hvem"]
EXPECTED_ROWS = [
    HEADER,
    ["Henvisning"] * 3,
    [CHECKBOX, RECOMMENDATIONS[0].text, "Klyngens medlemmer"],
    [CHECKBOX, "Henviser via én indgang.", "Klyngens medlemmer"],
    ["Kontakt"] * 3,
    [CHECKBOX, RECOMMENDATIONS[1].text, "Kommunen"],
    [CHECKBOX, "Følger op på aftalerne i KLU.", "Klyngens medlemmer og kommunen"],
]


@pytest.fixture(scope="module")
def with_recommendations(package: ClusterPackage) -> ClusterPackage:
    """The akutfunktioner package with recommendations, shown in block 3's first item."""
    items = list(package.programme.items)
    last_block = items[-1]
    first, *rest = last_block.items
    shown = attrs.evolve(first, shows=(*first.shows, "recommendations"))
    items[-1] = attrs.evolve(last_block, items=(shown, *rest))
    programme = attrs.evolve(package.programme, items=tuple(items))
    return attrs.evolve(package, programme=programme, recommendations=RECOMMENDATIONS)


@pytest.fixture(scope="module")
def checklist_bundle(bundle: MeetingBundle, with_recommendations: ClusterPackage) -> MeetingBundle:
    return attrs.evolve(bundle, package=with_recommendations)


def export(obj: Any, path: Path, **options: str) -> DocxDocument:
    klyngepakke.export(obj, "docx", path, options=options)
    return docx.Document(str(path))


def rows(table: Any) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def paragraph_texts(document: DocxDocument) -> list[str]:
    return [paragraph.text for paragraph in document.paragraphs]


def style_name(paragraph: Any) -> str:
    return str(paragraph.style.name) if paragraph.style is not None else ""


def checklist_table(document: DocxDocument) -> Any:
    (table,) = [t for t in document.tables if rows(t)[0] == HEADER]
    return table


# -- choosing the document ------------------------------------------------------------------


def test_a_bundle_and_a_package_give_the_checklist(
    checklist_bundle: MeetingBundle, with_recommendations: ClusterPackage
) -> None:
    kind, source = choose_document(checklist_bundle, {"document": "recommendations"})
    assert kind is DOCUMENTS["recommendations"]
    assert source is checklist_bundle.package
    kind, source = choose_document(with_recommendations, {"document": "Recommendations"})
    assert (kind.name, source) == ("recommendations", with_recommendations)
    assert choose_document(with_recommendations, {})[0].name == "package"


def test_a_package_gives_no_other_bundle_document(with_recommendations: ClusterPackage) -> None:
    with pytest.raises(ExportError, match="option document='letter' needs a meeting bundle"):
        choose_document(with_recommendations, {"document": "letter"})


def test_the_option_help_names_the_checklist() -> None:
    assert "recommendations" in DocxExporter.options["document"]
    assert "recommendations" in DocxExporter.description


# -- the checklist document -----------------------------------------------------------------


def test_checklist_for_the_meeting(checklist_bundle: MeetingBundle, tmp_path: Path) -> None:
    document = export(checklist_bundle, tmp_path / "tjekliste.docx", document="recommendations")
    texts = paragraph_texts(document)
    assert texts[:2] == ["Tjekliste med anbefalingerne", checklist_bundle.package.title]
    assert document.core_properties.title == (
        f"Tjekliste med anbefalingerne: {checklist_bundle.package.title}"
    )
    facts = rows(document.tables[0])
    assert facts[0][0] == "Mødet"
    assert "torsdag 11. marts 2027" in facts[0][1]
    assert ["Klynge", checklist_bundle.cluster_name] in facts
    assert rows(checklist_table(document)) == EXPECTED_ROWS
    reference = checklist_bundle.package.references[0]
    assert f"Kilde: {reference.title}" in "\n".join(texts)
    assert "Det vil vi arbejde videre med" in texts
    lines = [p for p in document.paragraphs if style_name(p) == ANSWER_LINE_STYLE]
    assert len(lines) == NOTE_LINES
    header = document.sections[0].header.paragraphs[-1].text
    assert header.endswith(SYNTHETIC_MARK)


def test_group_rows_are_one_shaded_cell_kept_with_the_next_row(
    with_recommendations: ClusterPackage, tmp_path: Path
) -> None:
    document = export(with_recommendations, tmp_path / "tjekliste.docx", document="recommendations")
    table = checklist_table(document)
    for index in (1, 4):
        row = table.rows[index]
        cells = row._tr.findall(qn("w:tc"))
        assert len(cells) == 1  # merged across the three columns
        shading = cells[0].find(qn("w:tcPr")).find(qn("w:shd"))
        assert shading.get(qn("w:fill")) == GROUP_FILL
        paragraph = row.cells[0].paragraphs[0]
        assert paragraph.paragraph_format.keep_with_next
        assert all(run.bold for run in paragraph.runs)
    assert len(table.rows[2]._tr.findall(qn("w:tc"))) == 3


def test_checklist_for_a_package_alone(
    with_recommendations: ClusterPackage, tmp_path: Path
) -> None:
    document = export(with_recommendations, tmp_path / "tjekliste.docx", document="recommendations")
    assert len(document.tables) == 1  # no meeting, so no facts
    assert rows(document.tables[0]) == EXPECTED_ROWS
    assert SYNTHETIC_MARK not in document.sections[0].header.paragraphs[-1].text


def test_several_references_are_cited_in_each_row(
    with_recommendations: ClusterPackage, tmp_path: Path
) -> None:
    cited = (*RECOMMENDATIONS[:3], attrs.evolve(RECOMMENDATIONS[3], reference=2))
    package = attrs.evolve(with_recommendations, recommendations=cited)
    document = export(package, tmp_path / "tjekliste.docx", document="recommendations")
    table_rows = rows(checklist_table(document))
    assert table_rows[2][1] == f"{RECOMMENDATIONS[0].text} (1)"
    assert table_rows[-1][1] == "Følger op på aftalerne i KLU. (2)"
    assert not any(text.startswith("Kilde:") for text in paragraph_texts(document))


def test_a_package_without_recommendations_has_no_checklist(
    bundle: MeetingBundle, tmp_path: Path
) -> None:
    destination = tmp_path / "tjekliste.docx"
    with pytest.raises(ExportError) as error:
        klyngepakke.export(bundle, "docx", destination, options={"document": "recommendations"})
    message = str(error.value)
    assert "document=recommendations" in message
    assert "'akutfunktioner' has no recommendations" in message
    assert not destination.exists()


# -- the package document -------------------------------------------------------------------


def test_the_package_document_has_a_chapter_of_recommendations(
    with_recommendations: ClusterPackage, tmp_path: Path
) -> None:
    document = export(with_recommendations, tmp_path / "pakke.docx")
    chapters = [p.text for p in document.paragraphs if style_name(p) == "Heading 1"]
    assert chapters.index("Anbefalinger") == chapters.index("Baggrund") + 1
    assert rows(checklist_table(document)) == EXPECTED_ROWS
    programme = next(t for t in document.tables if rows(t)[0][:2] == ["Tid", "Punkt"])
    (row,) = [r for r in rows(programme) if "Tjeklisten med anbefalingerne" in r[2]]
    shown = with_recommendations.programme.items[-1].items[0]
    assert row[1].startswith(f"– {shown.title}\n")
    assert "står i kapitlet „Anbefalinger“" in row[2]


def test_a_package_without_recommendations_has_no_such_chapter(
    package: ClusterPackage, tmp_path: Path
) -> None:
    document = export(package, tmp_path / "pakke.docx")
    assert "Anbefalinger" not in [p.text for p in document.paragraphs]
    assert not any(rows(table)[0] == HEADER for table in document.tables)
