"""Text for search, pure: words, German and English Snowball stems, umlauts and accents folded, and
Markdown rendered safely (raw HTML is escaped, dangerous link schemes refused by markdown-it)."""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from html import unescape
from typing import Any

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_TAGS = re.compile(r"<[^>]+>")
_BLOCK_TAGS = re.compile(
    r"</?(?:p|li|ul|ol|h[1-6]|br|hr|tr|td|th|table|thead|tbody|blockquote|pre|div)\b[^>]*>"
)
STEMMERS = ("de", "en")


@cache
def _stemmer(language: str) -> Any:
    import snowballstemmer  # with the first stem, not at import

    return snowballstemmer.stemmer("german" if language == "de" else "english")


def fold(word: str) -> str:
    plain = unicodedata.normalize("NFKD", word)
    return "".join(c for c in plain if not unicodedata.combining(c))


def words(text: str) -> list[str]:
    return _WORD.findall(text.casefold().replace("ß", "ss"))


@cache
def stem(word: str, language: str) -> str:
    """Cached: a language has far fewer distinct words than a corpus has words."""
    return fold(_stemmer(language).stemWord(word))


def stems(text: str, language: str) -> list[str]:
    return [stem(w, language) for w in words(text)]


def term(word: str, language: str) -> str:
    """A word's index term: its stem in the language's own namespace ("de:start", "en:start"), so a
    German query word's stem never matches an English article's ("starten" is no "started")."""
    return f"{language}:{stem(word, language)}"


def plain_text(html: str) -> str:
    """Blocks become word breaks; inline tags (emphasis, links) vanish, so "**absagen**," stays "absagen,"."""
    return " ".join(unescape(_TAGS.sub("", _BLOCK_TAGS.sub(" ", html))).split())


@cache
def _stop_filters() -> tuple[Any, ...]:
    import tantivy  # tantivy's (Lucene's and Snowball's) stop-word lists, with the first query

    return tuple(
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.raw()).filter(tantivy.Filter.stopword(language)).build()
        for language in ("german", "english")
    )


@cache
def is_stop_word(word: str) -> bool:
    """German or English stop word ("an", "der", "the"): never a search term, never highlighted."""
    return any(not analyzer.analyze(word) for analyzer in _stop_filters())


_UMLAUT_SPELLINGS = (("ae", "a"), ("oe", "o"), ("ue", "u"))


def without_umlaut_spellings(word: str) -> str:
    """ "aendern" → "andern": what "ändern" folds to, for a keyboard without umlauts."""
    for spelled, folded in _UMLAUT_SPELLINGS:
        word = word.replace(spelled, folded)
    return word


def edits(a: str, b: str, limit: int) -> int:
    """Optimal-string-alignment distance (a swap of neighbours is one edit), or limit + 1 when it is
    larger than `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return min(previous[len(b)], limit + 1)


def allowed_edits(word: str) -> int:
    """Typos tolerated in a word: none up to 3 letters, one up to 7, two from 8 (long German words
    are mistyped late, and a wrong letter in "Benachrichtigungen" leaves 17 right)."""
    return 0 if len(word) <= 3 else 1 if len(word) <= 7 else 2
