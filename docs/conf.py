"""Sphinx configuration for the klyngepakke documentation.

Built with warnings as errors and nitpicky cross-references (``nox -s docs``)::

    sphinx-build -n -T -W --keep-going -b html docs docs/_build/html
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE / "_ext"))

import klyngepakke  # noqa: E402

# -- Project -----------------------------------------------------------------------------------

project = "klyngepakke"
author = "KiAP developers"
copyright = "KiAP developers"
release = klyngepakke.__version__
version = release

# -- General -----------------------------------------------------------------------------------

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.viewcode",
    "cli_reference",
]

source_suffix = {".md": "markdown"}
root_doc = "index"
language = "en"
exclude_patterns = [
    "_build",
    "_ext",
    "examples/**",
    "**/README*",
    "Thumbs.db",
    ".DS_Store",
]

myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3

# -- HTML --------------------------------------------------------------------------------------

html_theme = "furo"
html_title = f"klyngepakke {release}"

# -- autodoc -----------------------------------------------------------------------------------

autodoc_member_order = "bysource"
autodoc_typehints = "signature"
autodoc_typehints_format = "short"

# -- nitpicky ----------------------------------------------------------------------------------
# There is no intersphinx (the build must work offline), so classes from the standard library
# and names from third-party libraries cannot resolve; ignore exactly those. (Built-in types
# such as str and int, and typing's names, Sphinx resolves by itself.) Every klyngepakke name
# must resolve, except the type variables ``T`` in generic signatures.

nitpick_ignore_regex = [
    ("py:class", r"(?:datetime|pathlib|decimal|collections|collections\.abc)\.\w+"),
    ("py:(?:class|func|meth|obj|data|exc)", r"(?:attrs|cattrs|pluggy|yaml)\.[\w.]+"),
    ("py:class", r"klyngepakke\.(?:conversion|plugins|meetings)\.T"),
    # Signatures whose annotations name types imported only for type checking (prompt_toolkit's
    # Input and Output in klyngepakke.answering) stay unevaluated text, so their names are bare.
    ("py:class", r"Path|Input|Output"),
]


# -- Docstring fixes and cross-reference help, applied at build time ---------------------------


_ENUM_REPR = re.compile(r"<(\w+\.\w+): [^<>]*>")


def _fix_signature(app, what, name, obj, options, signature, return_annotation):
    # A default such as Provenance(origin=<Origin.STANDARD: 'standard'>, ...) is not valid
    # Python, so Sphinx could not parse the whole signature; show enum members by name.
    if signature:
        signature = _ENUM_REPR.sub(r"\1", signature)
    return signature, return_annotation


def _model_reference(app, env, node, contnode):
    # Docstrings outside klyngepakke.model may name model classes as they import them
    # (:attr:`Origin.CLUSTER`); resolve such a name to the model's object, if there is one.
    target = node.get("reftarget", "")
    if node.get("refdomain") != "py" or target.startswith("klyngepakke."):
        return None
    domain = env.get_domain("py")
    full = f"klyngepakke.model.{target}"
    if full not in domain.objects:
        return None
    return domain.resolve_xref(
        env, node["refdoc"], app.builder, node["reftype"], full, node, contnode
    )


def setup(app):
    app.connect("autodoc-process-signature", _fix_signature)
    app.connect("missing-reference", _model_reference)
