"""Templates: the built-in one, or a user's ``.pptx``/``.potx``, and its layouts by name.

The deck uses four slide layouts, each found by name in the template's (first) slide master
through :data:`LAYOUT_NAMES`: the English names PowerPoint gives its default layouts and the
Danish ones of a Danish PowerPoint, compared without regard to case and spacing. A template
that lacks one gets an :class:`~klyngepakke.errors.ExportError` naming the file, the missing
role and the names accepted. The template's own slides are removed; its theme (fonts,
colours), masters and layouts are kept.

A ``.potx`` differs from a ``.pptx`` only in the content type of its main part, which
python-pptx refuses; the file is copied in memory with that content type rewritten.
"""

from __future__ import annotations

import functools
import hashlib
import io
import re
import zipfile
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Final

import attrs

from klyngepakke.errors import ExportError

if TYPE_CHECKING:
    from pptx.presentation import Presentation
    from pptx.slide import SlideLayout

__all__ = ["LAYOUT_NAMES", "Template", "load_template"]

LAYOUT_NAMES: Final[Mapping[str, tuple[str, ...]]] = {
    "title": ("Title Slide", "Titeldias"),
    "section": ("Section Header", "Sektionsoverskrift"),
    "content": ("Title and Content", "Titel og indhold"),
    "title_only": ("Title Only", "Kun titel"),
}
"""Layout role → the layout names accepted for it (English and Danish PowerPoint defaults)."""

_TEMPLATE_MAIN: Final = (
    b"application/vnd.openxmlformats-officedocument.presentationml.template.main+xml"
)
_PRESENTATION_MAIN: Final = (
    b"application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"
)
_SUFFIXES: Final = (".pptx", ".potx")


@attrs.frozen
class Template:
    """An opened template: the presentation to add slides to, its layouts and fonts.

    ``key`` identifies the template's content (the same bytes, the same key), so what is
    worked out from its layouts can be kept from one deck to the next.
    """

    presentation: Presentation
    layouts: Mapping[str, SlideLayout]
    heading_font: str
    body_font: str
    key: str


def _normalised(name: str) -> str:
    return " ".join(name.split()).casefold()


@functools.cache
def _builtin_bytes() -> bytes:
    return (resources.files("klyngepakke_pptx") / "template.pptx").read_bytes()


def load_template(path: Path | None = None) -> Template:
    """Open the built-in template (``path`` ``None``) or the ``.pptx``/``.potx`` at ``path``."""
    from pptx import Presentation

    if path is None:
        data, source = _builtin_bytes(), "the built-in template"
    else:
        data, source = _read_user_template(path), str(path)
    try:
        presentation = Presentation(io.BytesIO(data))
    except Exception as error:  # python-pptx raises many kinds for a broken package
        raise ExportError(
            f"template {source}: not a PowerPoint presentation or template that can be opened "
            f"({type(error).__name__}: {error})"
        ) from None
    _remove_slides(presentation)
    layouts = _find_layouts(presentation, source)
    heading, body = _theme_fonts(presentation)
    key = hashlib.sha256(data).hexdigest()
    return Template(presentation, layouts, heading, body, key)


def _read_user_template(path: Path) -> bytes:
    suffix = path.suffix.lower()
    if suffix not in _SUFFIXES:
        raise ExportError(
            f"template {path}: expected a .pptx or .potx file, got {suffix or 'no suffix'!r}"
        )
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ExportError(f"template {path}: cannot be read ({error.strerror or error})") from None
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise ExportError(
            f"template {path}: not a PowerPoint file (a .pptx or .potx is a zip package)"
        )
    if suffix == ".potx":
        data = _as_presentation(data, path)
    return data


def _as_presentation(data: bytes, path: Path) -> bytes:
    """A copy of the ``.potx`` package ``data`` whose main part is a presentation."""
    source = zipfile.ZipFile(io.BytesIO(data))
    try:
        types = source.read("[Content_Types].xml")
    except KeyError:
        raise ExportError(f"template {path}: the package has no [Content_Types].xml") from None
    if _TEMPLATE_MAIN not in types:
        raise ExportError(
            f"template {path}: a .potx whose main part is not a PowerPoint template "
            "(a macro-enabled .potm is not supported)"
        )
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "[Content_Types].xml":
                content = content.replace(_TEMPLATE_MAIN, _PRESENTATION_MAIN)
            target.writestr(info, content)
    return output.getvalue()


def _remove_slides(presentation: Presentation) -> None:
    """Drop the template's own slides; unreferenced parts are not saved."""
    slide_ids = presentation.slides._sldIdLst
    for slide_id in list(slide_ids):
        presentation.part.drop_rel(slide_id.rId)
        slide_ids.remove(slide_id)


def _find_layouts(presentation: Presentation, source: str) -> dict[str, SlideLayout]:
    available = {
        _normalised(layout.name): layout for layout in presentation.slide_master.slide_layouts
    }
    found: dict[str, SlideLayout] = {}
    for role, names in LAYOUT_NAMES.items():
        layout = next((available[n] for n in map(_normalised, names) if n in available), None)
        if layout is None:
            present = ", ".join(repr(layout.name) for layout in presentation.slide_layouts)
            accepted = " or ".join(repr(name) for name in names)
            raise ExportError(
                f"template {source}: no slide layout for the {role!r} slides; name one of the "
                f"first slide master's layouts {accepted} (it has {present or 'none'})"
            )
        found[role] = layout
    return found


_FONT: Final = re.compile(rb"<a:(major|minor)Font>\s*<a:latin typeface=\"([^\"]*)\"")


def _theme_fonts(presentation: Presentation) -> tuple[str, str]:
    """The theme's heading and body typefaces ("" when the theme does not say)."""
    from pptx.opc.constants import RELATIONSHIP_TYPE as RT

    try:
        theme = presentation.slide_master.part.part_related_by(RT.THEME)
    except KeyError:
        return "", ""
    fonts = {kind: face.decode() for kind, face in _FONT.findall(theme.blob)}
    return fonts.get(b"major", ""), fonts.get(b"minor", "")
