"""Snippets without stemming at query time (they were 60 % of a search call when they did): the
indexer stores, beside each article, the words a snippet can reach with their terms aligned (`excerpt`);
a search marks the words whose terms it matched in a window of them (`snippet`)."""

from __future__ import annotations

import html

from kb.analyser import Analyser

SNIPPET_WORDS = 24
SNIPPET_SCAN = 60  # words searched for the first match


def excerpt(text: str, language: str, analyser: Analyser | None = None) -> tuple[str, str, int]:
    """The words a snippet can reach, their terms aligned (one entry per word: its terms joined by
    `+`, `_` when it has none), and how many words the whole text has."""
    analyser = analyser or Analyser(None)
    tokens = text.split()
    head = tokens[: SNIPPET_SCAN + SNIPPET_WORDS]
    aligned = ["+".join(dict.fromkeys(analyser.text(token, language))) or "_" for token in head]
    return " ".join(head), " ".join(aligned), len(tokens)


def _hit(aligned: str, matched: set[str]) -> bool:
    return aligned in matched or ("+" in aligned and not matched.isdisjoint(aligned.split("+")))


def _first(aligned: str, matched: set[str]) -> int:
    """Where the first word whose stems include a matched one begins in `aligned` (-1 if none)."""
    first = len(aligned)
    for found in matched:
        position = aligned.find(found)
        while 0 <= position < first:
            end = position + len(found)
            if (position == 0 or aligned[position - 1] in " +") and (
                end == len(aligned) or aligned[end] in " +"
            ):
                first = position
                break
            position = aligned.find(found, end)
    return first if first < len(aligned) else -1


def snippet(head: str, aligned: str, word_count: int, matched: set[str]) -> str:
    """A window of the text around the first match within its first `SNIPPET_SCAN` words (else from
    the top), matches in <mark>, all else escaped; from `excerpt`'s output, so no stemming here and
    only the window's words are split out."""
    position = _first(aligned, matched)
    first = aligned.count(" ", 0, position) if position >= 0 else 0
    start = max(0, first - SNIPPET_WORDS // 3) if first < SNIPPET_SCAN else 0
    stop = start + SNIPPET_WORDS
    tokens = head.split(" ", stop)[start:stop]
    stems_ = aligned.split(" ", stop)[start:stop]
    escaped = html.escape(" ".join(tokens), quote=False).split(" ")
    marked = [f"<mark>{t}</mark>" if _hit(s, matched) else t for t, s in zip(escaped, stems_, strict=True)]
    prefix = "… " if start > 0 else ""
    suffix = " …" if start + len(tokens) < word_count else ""
    return prefix + " ".join(marked) + suffix
