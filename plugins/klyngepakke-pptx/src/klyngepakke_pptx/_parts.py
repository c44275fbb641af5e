"""Adding parts to a deck's package in time linear in the deck's size.

python-pptx finds the next free part name (``/ppt/slides/slide12.xml``) by walking every
relationship of the package each time a slide, notes slide, chart or workbook is added, and
makes each notes slide by cloning the notes master's placeholders one XPath at a time; for a
deck of 40 slides with 20 charts that was a third of the time. :func:`speed_up` gives the
package a part-name counter instead, and :class:`NotesWriter` makes every notes slide after
the first as a copy of the first (which python-pptx made the usual way).
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from klyngepakke_pptx._drawingml import set_text
from klyngepakke_pptx._text import Paragraph

if TYPE_CHECKING:
    from pptx.opc.packuri import PackURI
    from pptx.presentation import Presentation
    from pptx.slide import Slide

__all__ = ["NotesWriter", "speed_up"]


class _PartNames:
    """``Package.next_partname`` with the names in use kept in a set."""

    def __init__(self, package: Any) -> None:
        self.used = {str(part.partname) for part in package.iter_parts()}
        self.following: dict[str, int] = {}

    def __call__(self, template: str) -> PackURI:
        from pptx.opc.packuri import PackURI

        number = self.following.get(template, 1)
        while template % number in self.used:
            number += 1
        name = template % number
        self.used.add(name)
        self.following[template] = number + 1
        return PackURI(name)


def speed_up(presentation: Presentation) -> None:
    """Give the presentation's package the part-name counter (see the module docstring)."""
    package = presentation.part.package
    package.next_partname = _PartNames(package)  # type: ignore[method-assign, assignment]


class NotesWriter:
    """Writes speaker notes, making notes slides as copies of the first one."""

    def __init__(self) -> None:
        self._prototype: Any = None

    def write(self, slide: Slide, paragraphs: Sequence[Paragraph]) -> None:
        """Give ``slide`` a notes slide whose notes are ``paragraphs``."""
        from pptx.opc.constants import CONTENT_TYPE as CT
        from pptx.opc.constants import RELATIONSHIP_TYPE as RT
        from pptx.parts.slide import NotesSlidePart

        slide_part = slide.part
        if self._prototype is None:
            element = slide.notes_slide._element
            self._prototype = copy.deepcopy(element)
        else:
            package = slide_part.package
            element = copy.deepcopy(self._prototype)
            notes_part = NotesSlidePart(
                package.next_partname("/ppt/notesSlides/notesSlide%d.xml"),
                CT.PML_NOTES_SLIDE,
                package,
                element,
            )
            master = package.presentation_part.notes_master_part
            notes_part.relate_to(master, RT.NOTES_MASTER)
            notes_part.relate_to(slide_part, RT.SLIDE)
            slide_part.relate_to(notes_part, RT.NOTES_SLIDE)
        body = _notes_body(element)
        if body is not None:  # a notes master without a notes placeholder has nowhere to put them
            set_text(body, paragraphs)


def _notes_body(element: Any) -> Any:
    """The text body of the notes placeholder (``ph type="body"``), if there is one."""
    from pptx.oxml.ns import qn

    for shape in element.iter(qn("p:sp")):
        placeholder = shape.find(f"{qn('p:nvSpPr')}/{qn('p:nvPr')}/{qn('p:ph')}")
        if placeholder is not None and placeholder.get("type") == "body":
            return shape.find(qn("p:txBody"))
    return None
