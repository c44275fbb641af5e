from __future__ import annotations

import datetime as dt
import io
import subprocess
import sys
import zipfile
from collections.abc import Mapping
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
import docx
import pytest
from docx.oxml.ns import qn

import klyngepakke
from klyngepakke.adaptation import adapt
from klyngepakke.bundle import MeetingBundle
from klyngepakke.danish import format_date
from klyngepakke.errors import ExportError
from klyngepakke.model import (
    ClusterPackage,
    Option,
    Origin,
    Phase,
    Question,
    QuestionKind,
    Questionnaire,
    Section,
)
from klyngepakke.planning import RunbookPlan
from klyngepakke_docx import _libreoffice
from klyngepakke_docx._document import (
    CHECKBOX,
    REQUIRED_STYLES,
    SYNTHETIC_MARK,
    clean_text,
    duration_text,
    open_document,
)
from klyngepakke_docx._exporter import DOCUMENTS, choose_document
from klyngepakke_docx._questionnaire import question_numbers, skip_targets
from klyngepakke_docx._runbook import CLUSTER_OWNERS, MUNICIPALITY_OWNERS

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument

W_INSTR = qn("w:instrText")
TEMPLATE_CONTENT_TYPE = (
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"
)
DOCUMENT_CONTENT_TYPE = (
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
)


# -- helpers ----------------------------------------------------------------------------------


def export(obj: Any, path: Path, **options: str) -> DocxDocument:
    klyngepakke.export(obj, "docx", path, options=options)
    return docx.Document(str(path))


def headings(document: DocxDocument, level: int) -> list[str]:
    return [p.text for p in document.paragraphs if p.style.name == f"Heading {level}"]


def styles_used(document: DocxDocument) -> set[str]:
    used = {p.style.name for p in document.paragraphs}
    for table in document.tables:
        used.add(table.style.name)
        for row in table.rows:
            for cell in row.cells:
                used.update(p.style.name for p in cell.paragraphs)
    return used


def body_text(document: DocxDocument) -> str:
    return "".join(node.text or "" for node in document.element.body.iter(qn("w:t")))


def hyperlink_targets(document: DocxDocument) -> list[str]:
    rels = document.part.rels
    return [
        rels[link.get(qn("r:id"))].target_ref
        for link in document.element.body.iter(qn("w:hyperlink"))
    ]


def table_rows(table: Any) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def table_after(document: DocxDocument, heading: str) -> Any:
    """The first table after the paragraph whose text is ``heading``."""
    found = False
    for block in document.element.body.iterchildren():
        if (
            block.tag == qn("w:p")
            and "".join(t.text or "" for t in block.iter(qn("w:t"))) == heading
        ):
            found = True
        elif found and block.tag == qn("w:tbl"):
            return next(t for t in document.tables if t._tbl is block)
    raise AssertionError(f"no table after {heading!r}")


def make_template(path: Path, *, dotx: bool = False, drop: str = "") -> Path:
    """A user's template: the built-in look with Cambria headings, optionally a style less."""
    word = open_document()
    heading = word.document.styles["Heading 1"]
    heading.font.name = "Cambria"
    if drop:
        element = word.document.styles[drop].element
        element.getparent().remove(element)
    buffer = io.BytesIO()
    word.document.save(buffer)
    data = buffer.getvalue()
    if dotx:
        data = rewrite_content_type(data, DOCUMENT_CONTENT_TYPE, TEMPLATE_CONTENT_TYPE)
    path.write_bytes(data)
    return path


def rewrite_content_type(data: bytes, old: str, new: str) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "[Content_Types].xml":
                content = content.replace(old.encode(), new.encode())
            target.writestr(info, content)
    return out.getvalue()


# -- the plugin -------------------------------------------------------------------------------


def test_the_plugin_is_an_entry_point_named_docx() -> None:
    points = {ep.name: ep.value for ep in metadata.entry_points(group="klyngepakke")}
    assert points["docx"] == "klyngepakke_docx"


def test_importing_the_plugin_does_not_import_python_docx() -> None:
    code = (
        "import sys, klyngepakke_docx; "
        "print(sorted(m for m in sys.modules if m in ('docx', 'lxml')))"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "[]"


def test_every_document_has_a_writer() -> None:
    assert set(DOCUMENTS) == {
        "package",
        "runbook",
        "letter",
        "questionnaire",
        "results",
        "minutes",
        "recommendations",
    }
    for kind in DOCUMENTS.values():
        assert callable(kind.writer())


def test_the_document_follows_the_object_and_the_option(
    package: ClusterPackage, plan: RunbookPlan, bundle: MeetingBundle
) -> None:
    assert choose_document(package, {})[0].name == "package"
    assert choose_document(plan, {})[0].name == "runbook"
    assert choose_document(bundle, {}) == (DOCUMENTS["letter"], bundle)
    assert choose_document(bundle, {"document": "runbook"}) == (DOCUMENTS["runbook"], plan)
    assert choose_document(bundle, {"document": "Package"})[1] is package
    questionnaire = choose_document(bundle, {"document": "questionnaire"})[1]
    assert questionnaire is package.questionnaire
    assert choose_document(bundle, {"document": "minutes"})[1] is bundle.meeting


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"document": "brev"}, "document='brev' is not one of: package, runbook, letter"),
        ({"document": "runbook"}, "needs a meeting bundle; a ClusterPackage gives only"),
        ({"update_fields": "måske"}, "option update_fields='måske' is not yes or no"),
    ],
)
def test_bad_options_are_refused(
    package: ClusterPackage, tmp_path: Path, options: Mapping[str, str], message: str
) -> None:
    with pytest.raises(ExportError, match=message):
        klyngepakke.export(package, "docx", tmp_path / "x.docx", options=options)
    assert not (tmp_path / "x.docx").exists()


def test_a_bundle_without_plan_or_meeting_says_what_to_add(
    package: ClusterPackage, tmp_path: Path
) -> None:
    bare = MeetingBundle(package)
    with pytest.raises(ExportError, match=r"no dated plan \(bundle.plan\)"):
        klyngepakke.export(bare, "docx", tmp_path / "d.docx", options={"document": "runbook"})
    with pytest.raises(ExportError, match=r"no meeting \(bundle.meeting\)"):
        klyngepakke.export(bare, "docx", tmp_path / "m.docx", options={"document": "minutes"})


# -- shared infrastructure --------------------------------------------------------------------


def test_duration_text_is_danish() -> None:
    assert duration_text(150) == "2 timer og 30 minutter"
    assert duration_text(60) == "1 time"
    assert duration_text(61) == "1 time og 1 minut"
    assert duration_text(45) == "45 minutter"


def test_clean_text_removes_what_xml_forbids_and_keeps_the_rest() -> None:
    assert clean_text("a\x00b\x07c\x1bd\ufffee\uffff") == "abcde"
    assert clean_text("linje\r\nlinje\rlinje") == "linje\nlinje\nlinje"
    assert clean_text("side\x0cskift\x0b") == "side skift "
    assert clean_text("tab\there, ÆØÅ æøå – ☐ ★") == "tab\there, ÆØÅ æøå – ☐ ★"
    assert clean_text("lone \ud800 surrogate") == "lone  surrogate"


def test_control_characters_in_the_model_give_a_clean_document(
    package: ClusterPackage, tmp_path: Path
) -> None:
    dirty = attrs.evolve(package, purpose="Formål\x00 med\x07 bip\x1b og \ufffeslut.")
    document = export(dirty, tmp_path / "pakke.docx")
    purpose = document.paragraphs[[p.text for p in document.paragraphs].index("Formål") + 1]
    assert purpose.text == "Formål med bip og slut."


def test_numbered_lists_each_start_at_one(tmp_path: Path) -> None:
    word = open_document()
    first = word.numbered(["a", "b"])
    second = word.numbered(["c"])
    num_ids = {p._p.pPr.numPr.numId.val for p in (*first, *second)}
    assert len(num_ids) == 2
    numbering = word.document.part.numbering_part.element
    for num_id in num_ids:
        num = next(n for n in numbering.findall(qn("w:num")) if n.get(qn("w:numId")) == str(num_id))
        assert num.find(f"{qn('w:lvlOverride')}/{qn('w:startOverride')}").get(qn("w:val")) == "1"


def test_a_very_long_table_repeats_its_header_row_on_every_page(tmp_path: Path) -> None:
    word = open_document()
    rows = [(CHECKBOX, f"Opgave {n}", "x" * 200) for n in range(600)]
    word.table(("", "Opgave", "Beskrivelse"), rows, widths=(1, 3, 8))
    word.save(tmp_path / "lang.docx")
    table = docx.Document(str(tmp_path / "lang.docx")).tables[0]
    assert len(table.rows) == 601
    header = table.rows[0]._tr.trPr.find(qn("w:tblHeader"))
    assert header is not None
    assert header.get(qn("w:val")) == "true"
    assert all(row._tr.trPr.find(qn("w:tblHeader")) is None for row in table.rows[1:])
    assert table.rows[600].cells[1].text == "Opgave 599"


def test_a_row_with_the_wrong_number_of_cells_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="a row has 1 cells; the table has 2"):
        open_document().table(("a", "b"), [("x",)])


def test_urls_in_text_become_hyperlinks_without_trailing_punctuation() -> None:
    word = open_document()
    paragraph = word.paragraph("Se https://kiap.dk/a?b=1&c=2. Og (https://sst.dk/x).")
    rels = word.document.part.rels
    targets = [
        rels[link.get(qn("r:id"))].target_ref for link in paragraph._p.iter(qn("w:hyperlink"))
    ]
    assert targets == ["https://kiap.dk/a?b=1&c=2", "https://sst.dk/x"]
    assert paragraph.text == "Se https://kiap.dk/a?b=1&c=2. Og (https://sst.dk/x)."


# -- document 1: the package -------------------------------------------------------------------


@pytest.fixture(scope="module")
def package_document(
    package: ClusterPackage, tmp_path_factory: pytest.TempPathFactory
) -> DocxDocument:
    return export(package, tmp_path_factory.mktemp("pakke") / "pakke.docx")


def test_package_headings_follow_the_model(
    package: ClusterPackage, package_document: DocxDocument
) -> None:
    assert [p.text for p in package_document.paragraphs if p.style.name == "Title"] == [
        package.title
    ]
    assert headings(package_document, 1) == [
        "Formål",
        "Baggrund",
        "Materiale og support fra KiAP",
        "Program",
        "Refleksionsspørgsmål",
        "Data til mødet",
        "Opfølgning",
        "Referencer",
        "Faglig gennemlæsning",
        "Kontakt",
    ]
    level2 = headings(package_document, 2)
    for section in (*package.background, *package.follow_up):
        assert section.heading in level2
    blocks = [item.title for item in package.programme.walk() if item.reflection_questions]
    assert blocks == [
        "Blok 1: Akutfunktionen",
        "Blok 2: Henvisningsprocedurer",
        "Blok 3: Opsamling og opfølgning",
    ]
    assert all(title in level2 for title in blocks)


def test_package_programme_table_has_every_item_with_clock_times(
    package: ClusterPackage, package_document: DocxDocument
) -> None:
    rows = table_rows(table_after(package_document, "Program"))
    assert rows[0] == ["Tid", "Punkt", "Indhold", "Ansvarlig"]
    items = list(package.programme.walk())
    assert len(rows) == 1 + len(items)
    times = {row[1].split("\n")[0]: row[0] for row in rows[1:]}
    assert times["Introduktion"] == "16.00–16.10"
    assert times["Blok 1: Akutfunktionen"] == "16.10–17.15"
    assert times["Pause"] == "17.15–17.30"
    assert times["Blok 3: Opsamling og opfølgning"] == "18.10–18.30"
    talk = next(row for row in rows if row[1].startswith("– Oplæg fra kommunen"))
    assert talk[0] == "20 min"  # after an item without a length: no clock time
    assert talk[3] == "Kommunen"
    assert "Akutfunktionens indhold og målgruppe" in talk[2]


def test_package_reflection_questions_are_bullets(
    package: ClusterPackage, package_document: DocxDocument
) -> None:
    bullets = [p.text for p in package_document.paragraphs if p.style.name == "List Bullet"]
    for item in package.programme.walk():
        for question in item.reflection_questions:
            assert " ".join(question.split()) in bullets


def test_package_links_are_real_hyperlinks(
    package: ClusterPackage, package_document: DocxDocument
) -> None:
    targets = hyperlink_targets(package_document)
    for reference in package.references:
        assert reference.url in targets
    for material in package.materials:
        if material.url:
            assert material.url in targets
    # a link written in the running text of a section
    assert (
        "https://kiap.dk/kiap/klynge/klyngekoordinator/opfoelgningspakker/overview.php" in targets
    )
    references = [p for p in package_document.paragraphs if p.style.name == "List Number"]
    assert len(references) == len(package.references)
    assert references[0].text.startswith(package.references[0].title)


def test_package_amounts_and_dates_are_danish(package_document: DocxDocument) -> None:
    text = body_text(package_document)
    assert "173,06 kr. fra 1. april 2024" in text
    assert "Højst 2 gange pr. dag pr. patient" in text
    assert "2 timer og 30 minutter" in text


def test_package_uses_real_styles_and_the_page_furniture(
    package: ClusterPackage, package_document: DocxDocument
) -> None:
    used = styles_used(package_document)
    assert {"Title", "Subtitle", "Heading 1", "Heading 2", "List Bullet", "List Number"} <= used
    assert {"Klyngepakke tabel", "Klyngepakke tabeltekst", "TOC Heading"} <= used
    section = package_document.sections[0]
    assert section.header.paragraphs[-1].text == package.title
    footer = section.footer.paragraphs[-1]
    assert footer.text.startswith("Side ")
    instructions = [node.text.strip() for node in footer._p.iter(W_INSTR)]
    assert instructions == ["PAGE", "NUMPAGES"]
    assert section.page_width is not None
    assert round(section.page_width.cm, 1) == 21.0


def test_package_table_of_contents_is_a_dirty_field_word_updates(
    package_document: DocxDocument,
) -> None:
    body = package_document.element.body
    toc = [node.text for node in body.iter(W_INSTR) if node.text.strip().startswith("TOC")]
    assert toc == [' TOC \\o "1-2" \\h \\z \\u ']
    begin = next(
        node for node in body.iter(qn("w:fldChar")) if node.get(qn("w:fldCharType")) == "begin"
    )
    assert begin.get(qn("w:dirty")) == "true"
    update = package_document.settings.element.find(qn("w:updateFields"))
    assert update is not None
    assert update.get(qn("w:val")) == "true"


def test_package_from_a_bundle_has_the_cluster_the_meeting_times_and_the_synthetic_mark(
    bundle: MeetingBundle, tmp_path: Path
) -> None:
    meeting = bundle.meeting
    assert meeting is not None
    early = attrs.evolve(
        bundle,
        meeting=attrs.evolve(
            meeting,
            start=meeting.start.replace(hour=9, minute=30),
            end=meeting.end.replace(hour=12, minute=0),
        ),
    )
    document = export(early, tmp_path / "pakke.docx", document="package")
    header = document.sections[0].header.paragraphs[-1].text
    assert header == f"{bundle.package.title} · {bundle.cluster_name}\t{SYNTHETIC_MARK}"
    rows = table_rows(table_after(document, "Program"))
    assert rows[1][0] == "09.30–09.40"
    assert "torsdag 11. marts 2027 kl. 09.30–12.00" in body_text(document)


# -- document 2: the runbook ------------------------------------------------------------------


@pytest.fixture(scope="module")
def runbook_document(
    bundle: MeetingBundle, tmp_path_factory: pytest.TempPathFactory
) -> DocxDocument:
    path = tmp_path_factory.mktemp("drejebog") / "drejebog.docx"
    return export(bundle, path, document="runbook")


def test_runbook_has_a_part_for_the_cluster_and_one_for_the_municipality(
    runbook_document: DocxDocument, plan: RunbookPlan
) -> None:
    assert headings(runbook_document, 1) == ["Klyngens opgaver", "Kommunens opgaver"]
    assert headings(runbook_document, 2) == [
        "Før mødet",
        "Under mødet",
        "Efter mødet",
        "Før mødet",
        "Efter mødet",
    ]
    assert [p.text for p in runbook_document.paragraphs if p.style.name == "Title"] == [
        plan.runbook_title
    ]
    assert "Mødet: torsdag 11. marts 2027 kl. 16.00–18.30" in body_text(runbook_document)


def test_runbook_tables_hold_every_task_with_date_owner_and_tick_box(
    runbook_document: DocxDocument, plan: RunbookPlan
) -> None:
    tables = [table_rows(t) for t in runbook_document.tables if t.rows[0].cells[1].text == "Frist"]
    assert len(tables) == 5
    parts = [(CLUSTER_OWNERS, tables[:3]), (MUNICIPALITY_OWNERS, tables[3:])]
    for owners, part in parts:
        expected = [p for phase in Phase for p in plan.phase(phase) if p.task.owner in owners]
        rows = [row for table in part for row in table[1:]]
        assert [row[2].split("\n")[0] for row in rows] == [p.task.title for p in expected]
        for row, planned in zip(rows, expected, strict=True):
            assert row[0] == CHECKBOX
            assert planned.due is not None
            assert row[1].startswith(format_date(planned.due, weekday=True))
            assert row[3] == planned.task.owner.label
    every = {p.task.title for p in plan.tasks}
    shown = {row[2].split("\n")[0] for table in tables for row in table[1:]}
    assert shown == every


def test_runbook_says_when_a_deadline_was_moved_off_a_day_off(
    runbook_document: DocxDocument, plan: RunbookPlan
) -> None:
    moved = [p for p in plan.tasks if p.moved]
    assert moved  # 1 month after Thursday 11 March 2027 is Sunday 11 April
    text = body_text(runbook_document)
    for planned in moved:
        assert planned.nominal is not None
        assert f"Flyttet fra {format_date(planned.nominal)} ({planned.moved_because})" in text


def test_runbook_checklists_have_tick_boxes(
    runbook_document: DocxDocument, plan: RunbookPlan
) -> None:
    task = next(p.task for p in plan.tasks if p.task.id == "practical_checks")
    row = next(
        row
        for table in runbook_document.tables
        for row in table_rows(table)
        if len(row) == 4 and row[2].startswith(task.title)
    )
    for point in task.checklist:
        assert f"{CHECKBOX}\t{point}" in row[2]


def test_a_plan_alone_gives_the_runbook_without_a_cluster(
    plan: RunbookPlan, tmp_path: Path
) -> None:
    document = export(plan, tmp_path / "drejebog.docx")
    assert document.sections[0].header.paragraphs[-1].text == plan.package_title
    assert headings(document, 1) == ["Klyngens opgaver", "Kommunens opgaver"]


# -- document 3: the letter to the municipality -------------------------------------------------


@pytest.fixture(scope="module")
def letter_document(
    bundle: MeetingBundle, tmp_path_factory: pytest.TempPathFactory
) -> DocxDocument:
    return export(bundle, tmp_path_factory.mktemp("brev") / "brev.docx")


def test_letter_tells_why_who_when_and_where(
    bundle: MeetingBundle, letter_document: DocxDocument
) -> None:
    titles = [p.text for p in letter_document.paragraphs if p.style.name in ("Title", "Subtitle")]
    assert titles == [
        "Invitation til klyngemøde om kommunale akutfunktioner",
        f"Til {bundle.municipality_name}",
    ]
    level1 = headings(letter_document, 1)
    for section in bundle.package.municipality_information:
        assert section.heading in level1
    facts = dict(tuple(row) for row in table_rows(table_after(letter_document, "Mødet kort")))
    assert facts["Hvornår"] == "torsdag 11. marts 2027 kl. 16.00–18.30"
    assert facts["Varighed"] == "2 timer og 30 minutter"
    assert facts["Kommunen"] == bundle.municipality_name
    assert facts["Fra klyngen"] == bundle.cluster_name
    assert bundle.meeting is not None
    assert facts["Hvor"] == bundle.meeting.place
    assert facts["Kommunens oplæg"].startswith("To oplæg")


def test_letter_lists_the_two_talks_with_their_suggested_content(
    bundle: MeetingBundle, letter_document: DocxDocument
) -> None:
    assert headings(letter_document, 2) == [
        "Oplæg 1: Blok 1: Akutfunktionen",
        "Oplæg 2: Blok 2: Henvisningsprocedurer",
    ]
    bullets = [p.text for p in letter_document.paragraphs if p.style.name == "List Bullet"]
    talks = [i for i in bundle.package.programme.walk() if i.kind.value == "talk"]
    assert len(talks) == 2
    for talk in talks:
        for point in talk.points:
            assert point in bullets
    text = body_text(letter_document)
    assert "Varighed: ca. 20 minutter" in text
    assert "I blokken kl. 17.30–18.10" in text


def test_letter_names_the_contacts(bundle: MeetingBundle, letter_document: DocxDocument) -> None:
    text = body_text(letter_document)
    assert "Anne Holm" in text
    assert "(ordstyrer)" in text
    assert "Ole Brandt" in text
    assert "E-mail: support@kiap.dk" in text
    assert "Telefon: 7196 8844" in text
    assert letter_document.sections[0].header.paragraphs[-1].text.endswith(SYNTHETIC_MARK)


def test_letter_without_a_meeting_marks_what_is_missing(
    package: ClusterPackage, tmp_path: Path
) -> None:
    document = export(MeetingBundle(package), tmp_path / "brev.docx")
    text = body_text(document)
    for what in ("mødets dato og tidspunkt", "dato og tidspunkt", "mødested", "kommunens navn"):
        assert f"[mangler: {what}]" in text
    assert "Kære kommune" in text


# -- document 4: the printable questionnaire ----------------------------------------------------


@pytest.fixture(scope="module")
def local_questionnaire(package: ClusterPackage) -> Questionnaire:
    assert package.questionnaire is not None
    local = adapt(package.questionnaire).add_question(
        Question(
            "lokal_vagt",
            "Hvor ofte ringer du til akutfunktionen uden for dagtid?",
            QuestionKind.SINGLE_CHOICE,
            options=(Option("aldrig", "Aldrig"), Option("nogle", "Nogle gange")),
        ),
        section="kommunikation",
        by=Origin.MUNICIPALITY,
        reason="Kommunen vil vide, om aftenvagten bliver brugt.",
    )
    local = local.add_question(
        Question(
            "antal_opkald",
            "Hvor mange gange ringede du til akutfunktionen i sidste uge?",
            QuestionKind.NUMBER,
            minimum=0,
            maximum=50,
        ),
        section="kommunikation",
        after="lokal_vagt",
        by=Origin.CLUSTER,
        reason="Klyngen vil kende omfanget.",
    )
    local = local.add_option(
        "rolle",
        Option("sekretaer", "Lægesekretær"),
        before="andet",
        by=Origin.CLUSTER,
        reason="Sekretærerne henviser også.",
    )
    return local.questionnaire


@pytest.fixture(scope="module")
def questionnaire_document(
    local_questionnaire: Questionnaire, tmp_path_factory: pytest.TempPathFactory
) -> DocxDocument:
    return export(local_questionnaire, tmp_path_factory.mktemp("skema") / "skema.docx")


def test_questionnaire_sections_and_numbered_questions(
    local_questionnaire: Questionnaire, questionnaire_document: DocxDocument
) -> None:
    assert headings(questionnaire_document, 1) == [s.title for s in local_questionnaire.sections]
    numbers = question_numbers(local_questionnaire)
    texts = [p.text for p in questionnaire_document.paragraphs]
    for question in local_questionnaire.questions():
        line = f"{numbers[question.code]}.\t{' '.join(question.text.split())}"
        assert any(text.startswith(line) for text in texts), line


def test_questionnaire_go_to_instructions_where_conditions_apply(
    local_questionnaire: Questionnaire, questionnaire_document: DocxDocument
) -> None:
    numbers = question_numbers(local_questionnaire)
    texts = [p.text for p in questionnaire_document.paragraphs]
    skip = numbers["patientgrupper_ikke_henvist"]
    assert f"{CHECKBOX}\tIngen gange   → Gå til spørgsmål {skip}" in texts
    assert f"{CHECKBOX}\tVed ikke   → Gå til spørgsmål {skip}" in texts
    assert f"{CHECKBOX}\t1-2 gange" in texts
    after_0124 = numbers["henvisningsvej"]
    assert f"{CHECKBOX}\tNej   → Gå til spørgsmål {after_0124}" in texts
    condition = (
        f"Besvares kun, hvis du i spørgsmål {numbers['henvisninger_3_mdr']} har svaret "
        "»1-2 gange«, »3-5 gange« eller »Flere end 5 gange«."
    )
    assert texts.count(condition) == 4


def test_skip_targets_follow_chains_and_the_end() -> None:
    def choice(code: str, show_if: Any = None) -> Question:
        return Question(
            code,
            f"Spørgsmål {code}?",
            QuestionKind.SINGLE_CHOICE,
            options=(Option("ja", "Ja"), Option("nej", "Nej")),
            show_if=show_if,
        )

    from klyngepakke.model import Condition

    questionnaire = Questionnaire(
        "test",
        "Test",
        (
            Section(
                "s",
                "S",
                (
                    choice("a"),
                    choice("b", Condition("a", ("ja",))),
                    choice("c", Condition("b", ("ja",))),
                ),
            ),
        ),
    )
    assert skip_targets(questionnaire, questionnaire.question("a")) == {"nej": "slut"}
    assert skip_targets(questionnaire, questionnaire.question("b")) == {"nej": "slut"}
    assert skip_targets(questionnaire, questionnaire.question("c")) == {}


def test_questionnaire_scales_have_a_header_of_labels_and_a_row_of_tick_boxes(
    local_questionnaire: Questionnaire, questionnaire_document: DocxDocument
) -> None:
    scales = [q for q in local_questionnaire.questions() if q.kind is QuestionKind.SCALE]
    tables = questionnaire_document.tables
    assert len(tables) == len(scales)
    for table, question in zip(tables, scales, strict=True):
        rows = table_rows(table)
        assert rows[0] == [option.label for option in question.options]
        assert rows[1] == [CHECKBOX] * len(question.options)
        assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    capacity = tables[[q.code for q in scales].index("oplevelse_kapacitet")]
    shading = capacity.rows[0].cells[5]._tc.tcPr.find(qn("w:shd"))
    assert shading.get(qn("w:fill")) == "E7E6E6"


def test_questionnaire_marks_local_questions_and_options(
    questionnaire_document: DocxDocument,
) -> None:
    texts = [p.text for p in questionnaire_document.paragraphs]
    local = next(t for t in texts if "Hvor ofte ringer du til akutfunktionen" in t)
    assert local.endswith("★ Kommunen")
    assert f"{CHECKBOX}\tLægesekretær ★" in texts
    assert any("markeret med ★ er tilføjet eller ændret lokalt" in t for t in texts)
    answer_lines = [
        p for p in questionnaire_document.paragraphs if p.style.name == "Klyngepakke svarlinje"
    ]
    assert len(answer_lines) == 4 + 1  # the free-text question, the number question
    assert "Skriv et tal mellem 0 og 50." in texts
    assert any(t.endswith("★ Klyngen") and "ringede du" in t for t in texts)


def test_a_standard_questionnaire_has_no_local_marks(
    package: ClusterPackage, tmp_path: Path
) -> None:
    assert package.questionnaire is not None
    document = export(package.questionnaire, tmp_path / "skema.docx")
    assert "★" not in body_text(document)


# -- templates ----------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".docx", ".dotx"])
def test_a_users_template_gives_its_styles(
    package: ClusterPackage, tmp_path: Path, suffix: str
) -> None:
    template = make_template(tmp_path / f"kiap{suffix}", dotx=suffix == ".dotx")
    before = template.read_bytes()
    document = export(package, tmp_path / "pakke.docx", template=str(template))
    assert document.styles["Heading 1"].font.name == "Cambria"
    assert headings(document, 1)[0] == "Formål"
    assert template.read_bytes() == before
    with zipfile.ZipFile(tmp_path / "pakke.docx") as written:
        assert DOCUMENT_CONTENT_TYPE in written.read("[Content_Types].xml").decode()


def test_a_template_keeps_its_header_content_and_loses_its_body(
    package: ClusterPackage, tmp_path: Path
) -> None:
    word = open_document()
    word.document.sections[0].header.paragraphs[0].text = "KiAP – logo"
    word.paragraph("Brødtekst fra skabelonen, som ikke skal med.")
    word.save(tmp_path / "brevpapir.docx")
    document = export(package, tmp_path / "pakke.docx", template=str(tmp_path / "brevpapir.docx"))
    header = [p.text for p in document.sections[0].header.paragraphs]
    assert header == ["KiAP – logo", package.title]
    assert "Brødtekst fra skabelonen" not in body_text(document)


def test_the_styles_a_template_lacks_are_added(package: ClusterPackage, tmp_path: Path) -> None:
    template = make_template(tmp_path / "uden.docx", drop="Klyngepakke tabel")
    document = export(package, tmp_path / "pakke.docx", template=str(template))
    assert document.tables[0].style.name == "Klyngepakke tabel"


def test_a_template_without_a_needed_style_is_refused_by_name(
    package: ClusterPackage, tmp_path: Path
) -> None:
    template = make_template(tmp_path / "mangler.dotx", dotx=True, drop="List Number")
    with pytest.raises(ExportError) as caught:
        export(package, tmp_path / "pakke.docx", template=str(template))
    message = str(caught.value)
    assert str(template) in message
    assert "'List Number'" in message
    assert REQUIRED_STYLES["List Number"][1] in message
    assert not (tmp_path / "pakke.docx").exists()


def test_a_style_of_the_wrong_kind_is_refused(package: ClusterPackage, tmp_path: Path) -> None:
    word = open_document()
    element = word.document.styles["Heading 2"].element
    element.set(qn("w:type"), "character")
    word.save(tmp_path / "forkert.docx")
    with pytest.raises(
        ExportError,
        match="'Heading 2' is a character style, but the documents need a paragraph style",
    ):
        export(package, tmp_path / "pakke.docx", template=str(tmp_path / "forkert.docx"))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not a zip", "is not a Word document or template"),
        (None, "cannot be read"),
        ("macro", "is macro-enabled"),
    ],
)
def test_unusable_template_files_are_refused(
    package: ClusterPackage, tmp_path: Path, content: Any, message: str
) -> None:
    template = tmp_path / "skabelon.dotx"
    if content == "macro":
        data = make_template(tmp_path / "t.docx").read_bytes()
        content = rewrite_content_type(
            data,
            DOCUMENT_CONTENT_TYPE,
            "application/vnd.ms-word.template.macroEnabledTemplate.main+xml",
        )
    if content is not None:
        template.write_bytes(content)
    with pytest.raises(ExportError, match=message):
        export(package, tmp_path / "pakke.docx", template=str(template))


# -- LibreOffice ------------------------------------------------------------------------------


def test_update_fields_without_libreoffice_says_what_to_do(
    package: ClusterPackage, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_libreoffice.shutil, "which", lambda name: None)
    with pytest.raises(ExportError, match=r"LibreOffice \(soffice\) is not installed"):
        export(package, tmp_path / "pakke.docx", update_fields="yes")
    assert not (tmp_path / "pakke.docx").exists()


def test_core_properties_name_the_document(
    package: ClusterPackage, package_document: DocxDocument
) -> None:
    properties = package_document.core_properties
    assert properties.title == package.title
    assert properties.language == "da-DK"
    assert properties.created is not None
    assert isinstance(properties.created, dt.datetime)
