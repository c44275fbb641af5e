"""Sphinx extension: the CLI reference, generated from ``klyngepakke.cli.build_parser``.

``.. klyngepakke-cli::`` (in MyST: a ```` ```{klyngepakke-cli} ```` fence) renders the top-level
``--help`` and each subcommand's ``--help`` (and each of their subcommands', such as
``klyngepakke survey results``) as literal blocks, one section per command. The
text is exactly what ``klyngepakke … --help`` prints at 100 columns, so the reference cannot
drift from the command.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx.util.docutils import SphinxDirective

if TYPE_CHECKING:
    from sphinx.application import Sphinx

#: argparse wraps help to ``$COLUMNS``; fix it so the output does not depend on the terminal.
COLUMNS = "100"


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def _helps(title: str, parser: argparse.ArgumentParser) -> Iterator[tuple[str, str]]:
    """The help of ``parser`` and of every subcommand under it, depth first."""
    yield title, parser.format_help()
    for name, sub in _subcommands(parser).items():
        yield from _helps(f"{title} {name}", sub)


class KlyngepakkeCliDirective(SphinxDirective):
    """Insert a section per command with its help text."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        previous = os.environ.get("COLUMNS")
        os.environ["COLUMNS"] = COLUMNS
        try:
            from klyngepakke.cli import build_parser

            helps = list(_helps("klyngepakke", build_parser()))
        finally:
            if previous is None:
                del os.environ["COLUMNS"]
            else:
                os.environ["COLUMNS"] = previous
        # Rebuild this page whenever the CLI's source changes.
        import klyngepakke.cli

        self.env.note_dependency(klyngepakke.cli.__file__)
        sections: list[nodes.Node] = []
        for title, text in helps:
            section_id = nodes.make_id(title)
            section = nodes.section(ids=[section_id], names=[nodes.fully_normalize_name(title)])
            section += nodes.title(text=title)
            block = nodes.literal_block(text.rstrip() + "\n", text.rstrip() + "\n")
            block["language"] = "text"
            section += block
            self.state.document.note_implicit_target(section, section)
            sections.append(section)
        return sections


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_directive("klyngepakke-cli", KlyngepakkeCliDirective)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
