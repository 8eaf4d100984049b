"""A mail rendered once per template and fixed values, its printed-only values filled in per message.

The appointment fan-out sends the same mail to the same practitioner again and again with only the
appointment's time and the event's reference differing. Rendering each one whole (Jinja2, the text
twin, CSS inlining, the preheader) was most of a notification's own time (bench/notifications.py). So
the mail is rendered once with a private-use placeholder character for each value that is only printed
(`fill`: the caller names them; the template never tests them or passes them through a filter), and each
message replaces the placeholders in the finished text and HTML.

The result is the whole render's, character for character, because a frame is used only where nothing
in the pipeline can tell a value from its placeholder: a value is "plain" (no markup characters, no
white space but single inner spaces, no "SR", nothing in the private-use area), each placeholder shows in
the text twin as often as in the HTML (so it sits in text, not in the head or an attribute that the
text does not repeat), CSS inlining keeps every placeholder, and the preheader, cut from the filled text,
is plain too. Anything else is rendered whole. tests/unit/test_mail_frames.py compares both ways on
every appointment mail and on arbitrary values.
"""

from __future__ import annotations

import dataclasses
import re
from collections import OrderedDict
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

_SLOTS = 0xE000  # the first placeholder character (Unicode's private-use area)
# per renderer, the most recently used kept: each calendar and kind of change takes one (~6 KB)
_MAX_FRAMES = 1024
_NOT_PLAIN = re.compile(r"[&<>\"'\u00a0\ue000-\uf8ff]|SR|\s\s|[^\S ]")
_ESCAPED = re.compile(r"[&<>\"'\u00a0\ue000-\uf8ff]")  # what HTML would write otherwise
_PRIVATE = re.compile(r"[\ue000-\uf8ff]")
# the layout's hidden preheader while it is empty (the first sentence goes in between)
EMPTY_PREHEADER = re.compile(r'(<div class="preheader"[^>]*>)\s*(</div>)')


def _free_of_placeholders(value: Any) -> bool:
    """A fixed value that cannot hold a placeholder character (else it would be filled too)."""
    if isinstance(value, str):
        return _PRIVATE.search(value) is None
    if value is None or isinstance(value, bool | int):
        return True
    if isinstance(value, tuple | list):
        return all(_free_of_placeholders(v) for v in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return all(_free_of_placeholders(getattr(value, f.name)) for f in dataclasses.fields(value))
    return False


def plain(value: Any) -> bool:
    """A value every step of the pipeline passes through unchanged: escaping, white space rules (an
    empty one is not: the spaces around it would run together)."""
    return (
        isinstance(value, str)
        and 0 < len(value) <= 500
        and value.isprintable()  # no control, format or separator character but the space
        and value == value.strip()
        and _NOT_PLAIN.search(value) is None
    )


@dataclass(frozen=True)
class Frame:
    text: str  # the text twin, placeholders in it
    printed: tuple[int, ...]  # the placeholders it shows (a value the template does not print is free)
    html_head: str  # the finished HTML up to the preheader's place
    html_tail: str  # and after it


# (template, language, fixed values) -> its frame, or None where a whole render is needed
Key = tuple[str, str, tuple[tuple[str, Any], ...]]


class Frames:
    def __init__(self) -> None:
        self._frames: OrderedDict[Key, Frame | None] = OrderedDict()
        self._seen: OrderedDict[Key, bool] = OrderedDict()  # keys of one whole render so far

    def fill(
        self,
        key_parts: tuple[str, str],
        context: dict[str, Any],
        fill: Collection[str],
        render: Callable[[dict[str, Any]], tuple[str, str]],
        finish: Callable[[str, str], tuple[str, str] | None],
        preheader: Callable[[str], str],
    ) -> tuple[str, str] | None:
        """(text, html) with `fill`'s values in their places, or None: render this one whole.
        `render(values)` gives (html, text) before finishing; `finish(html, text)` the inlined HTML
        with an empty preheader, split at its place (None without one); `preheader(text)` what the
        preheader says."""
        names = sorted(fill)
        values = [context[name] for name in names]
        try:
            fixed = tuple(sorted((k, v) for k, v in context.items() if k not in fill))
            key: Key = (*key_parts, fixed)
            hash(key)
        except TypeError:  # a list or dict among the fixed values: no frame for it
            return None
        if key in self._frames:
            self._frames.move_to_end(key)
        elif self._seen.pop(key, False):  # its second mail: worth a frame
            if len(self._frames) >= _MAX_FRAMES:
                self._frames.popitem(last=False)
            self._frames[key] = self._frame(context, names, render, finish)
        else:  # a first mail is rendered whole: a calendar that sends one mail pays nothing extra
            self._seen[key] = True
            if len(self._seen) > 4 * _MAX_FRAMES:
                self._seen.popitem(last=False)
            return None
        frame = self._frames[key]
        if frame is None or not all(plain(values[index]) for index in frame.printed):
            return None
        text = frame.text
        for index in frame.printed:
            text = text.replace(chr(_SLOTS + index), values[index])
        said = preheader(text)
        if _ESCAPED.search(said):
            return None
        html = frame.html_head + said + frame.html_tail
        for index in frame.printed:
            html = html.replace(chr(_SLOTS + index), values[index])
        if "SR-" in html:  # a case number the whole render would keep from breaking
            return None
        return text, html

    @staticmethod
    def _frame(
        context: dict[str, Any],
        names: list[str],
        render: Callable[[dict[str, Any]], tuple[str, str]],
        finish: Callable[[str, str], tuple[str, str] | None],
    ) -> Frame | None:
        if not all(_free_of_placeholders(v) for k, v in context.items() if k not in names):
            return None
        slots = [chr(_SLOTS + index) for index in range(len(names))]
        html, text = render({**context, **dict(zip(names, slots, strict=True))})
        if "SR-" in html or any(html.count(s) != text.count(s) for s in slots):
            return None
        finished = finish(html, text)
        if finished is None:  # no empty preheader to say the first sentence in
            return None
        head, tail = finished
        if any((head + tail).count(s) != html.count(s) for s in slots):
            return None
        printed = tuple(index for index, s in enumerate(slots) if s in html)
        return Frame(text=text, printed=printed, html_head=head, html_tail=tail)


def split_at_preheader(html: str) -> tuple[str, str] | None:
    """The finished HTML around its empty preheader (None when it has none)."""
    match = EMPTY_PREHEADER.search(html)
    if match is None:
        return None
    return html[: match.end(1)], html[match.start(2) :]
