"""Markdown, rendered safely: CommonMark (with tables), raw HTML escaped, dangerous link schemes refused
by markdown-it. The knowledge base's articles, broadcasts and agents' replies all go through it."""

from __future__ import annotations

from functools import cache
from typing import Any


@cache
def _markdown(images: bool) -> Any:
    from markdown_it import MarkdownIt  # with the first text rendered, not at import

    parser = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")
    return parser if images else parser.disable("image")


def render_markdown(source: str, *, images: bool = True) -> str:
    """`images=False` for what a person receives (mails, the inbox): an image written in Markdown
    stays a link, so no remote picture (a tracking pixel) is ever loaded by reading a message."""
    return str(_markdown(images).render(source))
