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


def plain_text(html: str) -> str:
    """Blocks become word breaks; inline tags (emphasis, links) vanish, so "**absagen**," stays "absagen,"."""
    return " ".join(unescape(_TAGS.sub("", _BLOCK_TAGS.sub(" ", html))).split())
