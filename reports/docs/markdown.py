"""Markdown of the clause catalogue's extra sections (``clauses.md`` beside its table) to safe HTML,
with markdown-it-py: CommonMark plus tables; raw HTML is shown as text, and images are not loaded
(the site takes nothing from outside its folder)."""
from __future__ import annotations

from collections.abc import Sequence

from markdown_it import MarkdownIt
from markupsafe import Markup

_MD = MarkdownIt("commonmark", {"html": False}).enable("table").disable("image")


def render(lines: Sequence[str]) -> Markup:
    """The lines of one section as HTML, ready for a template (already escaped)."""
    return Markup(_MD.render("\n".join(lines)))
