"""Markdown, rendered safely: CommonMark (with tables), raw HTML escaped, dangerous link schemes refused
by markdown-it. The knowledge base's articles, broadcasts and agents' replies all go through it."""

from __future__ import annotations

from functools import cache
from typing import Any


@cache
def _markdown() -> Any:
    from markdown_it import MarkdownIt  # with the first text rendered, not at import

    return MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")


def render_markdown(source: str) -> str:
    return str(_markdown().render(source))
