"""The plain-text twin of a mail's HTML, from the same content: paragraphs and headings as blocks,
list items with "- " (or their number in a numbered list), a definition as "term: description", a
link as "label <URL>" (the delimiters RFC 3986 suggests, so the sentence's full stop is never taken
for part of it) or the URL alone when it is its label, a table row as its cells joined; what is
hidden (preheader, head, styles) left out; preformatted lines keep their indentation.
Pure and small: the mails' HTML is our own layout (Jinja2 escapes every value), not arbitrary web
pages, so one regular expression reads its tags, text, comments and declarations; the standard
library's HTMLParser did the same at 2.5 times the cost, a quarter of a notification's own time
(bench/notifications.py)."""

from __future__ import annotations

import re
from html import unescape

_BLOCKS = {"p", "div", "table", "tr", "h1", "h2", "h3", "h4", "ul", "ol", "blockquote", "pre", "dl", "hr"}
_SKIPPED = {"head", "style", "script", "title"}
_SPACE = re.compile(r"[ \t\r\n\f\v]+")
_BLANK = re.compile(r"[ \t\r\n\f\v]*")
_KEPT = "\x00"  # starts a preformatted line (no text of ours holds a NUL: input validation refuses it)
# a comment, a declaration or processing instruction, a tag (quoted attribute values may hold ">"),
# or text up to the next "<" (a "<" that starts none of these is text too)
_TOKEN = re.compile(
    r"<!--.*?(?:-->|\Z)|<[!?][^>]*>?|<(/?)([a-zA-Z][^\s/>]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>|([^<]+|<)",
    re.DOTALL,
)
_HEAD_END = re.compile(r"</head\s*>", re.IGNORECASE)
_ATTRIBUTE = re.compile(r"""([^\s=/>"']+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?""")


def _attributes(raw: str) -> dict[str, str]:
    return {
        name.lower(): unescape(double or single or bare or "")
        for name, double, single, bare in _ATTRIBUTE.findall(raw)
    }


class _Text:
    def __init__(self) -> None:
        self.out: list[str] = []
        self._skip = 0
        self._hidden: list[str] = []  # tags of hidden elements (display:none), innermost last
        self._links: list[tuple[str, int]] = []  # (href, position in out) of open links
        self._pre = 0
        self._lists: list[int | None] = []  # per open list, innermost last: the last number, or None

    def _tail(self) -> str:
        """The end of the text so far, back to its last piece with something written (not the whole
        text again for every tag)."""
        out = self.out
        if out and out[-1].strip():  # mostly the last piece has something written
            return out[-1]
        tail: list[str] = []
        for piece in reversed(out):
            tail.append(piece)
            if piece.strip():
                break
        return "".join(reversed(tail))

    def _newline(self, count: int = 1) -> None:
        tail = self._tail()
        if tail.strip():
            have = len(tail) - len(tail.rstrip("\n"))
            self.out.append("\n" * max(0, count - have))

    def feed(self, html: str) -> None:
        for closing, name, raw, text in _TOKEN.findall(html):
            if text:
                self.handle_data(unescape(text) if "&" in text else text)
            elif name:
                tag = name.lower()
                if closing:
                    self.handle_endtag(tag)
                else:
                    self.handle_starttag(tag, raw)
                    if raw.rstrip().endswith("/"):
                        self.handle_endtag(tag)

    def handle_starttag(self, tag: str, raw: str) -> None:
        # attributes are read only where one can matter: a link, a hidden element, an entity
        wanted = tag in ("a", "ol") or "display" in raw or "preheader" in raw or "&" in raw
        values = _attributes(raw) if raw and wanted else {}
        if self._hidden:
            if tag == self._hidden[-1]:
                self._hidden.append(tag)
            return
        if "display:none" in values.get("style", "").replace(" ", "") or "preheader" in values.get(
            "class", ""
        ):
            self._hidden.append(tag)
            return
        if tag in _SKIPPED:
            self._skip += 1
        elif tag == "br":
            self.out.append("\n")
        elif tag == "li":
            self._newline()
            number = self._lists[-1] if self._lists else None
            if number is not None:  # a numbered list keeps its numbers
                self._lists[-1] = number + 1
                self.out.append(f"{number + 1}. ")
            else:
                self.out.append("- ")
        elif tag == "dt":
            self._newline()
        elif tag == "dd":
            self.out.append(": ")
        elif tag == "a":
            self._links.append((values.get("href", ""), len(self.out)))
        elif tag in _BLOCKS:
            self._newline(2)
            if tag == "pre":
                self._pre += 1
            elif tag in ("ol", "ul"):
                start = values.get("start", "1") if tag == "ol" else None
                self._lists.append(int(start) - 1 if start and start.isdigit() else None)

    def handle_endtag(self, tag: str) -> None:
        if self._hidden:
            if tag == self._hidden[-1]:
                self._hidden.pop()
            return
        if tag in _SKIPPED:
            self._skip = max(0, self._skip - 1)
        elif tag == "a" and self._links:
            href, start = self._links.pop()
            self.out.append(link_tail(href, "".join(self.out[start:]).strip()))
        elif tag in ("td", "th"):
            self.out.append("  ")
        elif tag == "dd":
            self._newline()
        elif tag in _BLOCKS:
            if tag == "pre":
                self._pre = max(0, self._pre - 1)
            elif tag in ("ol", "ul") and self._lists:
                self._lists.pop()
            self._newline(2)

    def handle_data(self, data: str) -> None:
        if self._skip or self._hidden:
            return
        if self._pre:  # its lines keep their indentation (marked, so the final pass leaves it)
            at_line_start = not self.out or self._tail().endswith("\n")
            data = data.replace("\n", "\n" + _KEPT)
            self.out.append(_KEPT + data if at_line_start else data)
            return
        out = self.out
        # a piece of only blanks (the layout's line breaks between tags) is one space or nothing
        at_line_start = not out or not out[-1].strip() or self._tail().endswith("\n")
        if _BLANK.fullmatch(data):
            if not at_line_start:
                out.append(" ")
            return
        text = _SPACE.sub(" ", data)  # a non-breaking space stays one ("123,45\xa0€")
        out.append(text.lstrip() if at_line_start else text)


def link_tail(href: str, label: str) -> str:
    """What follows a link's label in text: " <URL>" (RFC 3986, appendix C), the URL alone for a link
    without a label, nothing when the label is the address or the link goes nowhere a reader can."""
    if not href.startswith(("http://", "https://", "mailto:")) or href.removeprefix("mailto:") == label:
        return ""
    return f" <{href}>" if label else href


def html_to_text(html: str) -> str:
    parser = _Text()
    head = _HEAD_END.search(html)  # the head is never text: not read at all
    parser.feed(html[head.end() :] if head else html)
    lines = [
        line[1:].rstrip() if line.startswith(_KEPT) else line.strip()
        for line in "".join(parser.out).split("\n")
    ]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n") + "\n"
