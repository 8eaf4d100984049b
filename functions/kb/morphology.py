"""German and English word forms for the indexer, from simplemma's dictionaries (MIT; 1.1 million
German and 180,000 English forms, each with its lemma): the lemma of a word ("verschoben" →
"verschieben", which no stemmer relates), the parts of a German compound ("Terminerinnerung" →
"Termin" + "Erinnerung": the split into dictionary words with the fewest parts, linking -s-/-n-/-en-/-es-/-e-/-er-
allowed), and for a set of lemmas every form the dictionary knows of them. Only the indexer imports
this (0.8 s and ~120 MB to load a language); the KB function reads what it produced from the snapshot."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from functools import cache

from kb.text import fold, is_stop_word
from kb.wordset import WordSet

MIN_PART = 3
MIN_PART_OF_WORD = 5
MIN_COMPOUND = 7
MAX_PARTS = 3
LINKS = ("", "s", "es", "n", "en", "e", "er")


def _rank(parts: tuple[str, ...]) -> tuple[int, int]:
    return len(parts), -min(len(p) for p in parts)


def _dictionary(language: str) -> Mapping[str, str]:
    from simplemma.strategies.dictionaries import DefaultDictionaryFactory

    return DefaultDictionaryFactory().get_dictionary(language)


class Morphology:
    """Lemmas and compound parts of folded, lower-cased words (`kb.text.words`)."""

    def __init__(self) -> None:
        self._lemmas: dict[str, dict[str, str]] = {}

    def _lexicon(self, language: str) -> dict[str, str]:
        """Folded, lower-cased form → its folded, lower-cased lemmas, `|`-separated: lower-casing
        joins "Absagen" (→ "Absage") and "absagen" (→ "absagen")."""
        if language not in self._lemmas:
            lemmas: dict[str, str] = {}
            for form, lemma in _dictionary(language).items():
                form, lemma = form.casefold(), lemma.casefold()
                form = form if form.isascii() else fold(form)
                lemma = lemma if lemma.isascii() else fold(lemma)
                known = lemmas.get(form)
                if known is None:
                    lemmas[form] = lemma
                elif lemma not in known.split("|"):
                    lemmas[form] = f"{known}|{lemma}"
            self._lemmas[language] = lemmas
        return self._lemmas[language]

    @cache  # noqa: B019 -- one instance per indexer run
    def words(self) -> WordSet:
        """Every German and English form the dictionary knows (folded, lower-cased)."""
        return WordSet.of(self._lexicon("de").keys() | self._lexicon("en").keys())

    def lemmas(self, word: str, language: str) -> list[str]:
        found = self._lexicon("de" if language == "de" else "en").get(word)
        return found.split("|") if found else []

    def known(self, word: str) -> bool:
        return word in self._lexicon("de")

    def parts(self, word: str) -> list[str]:
        """The German compound's parts, or [] when it is none: the split into dictionary words with
        the fewest parts, then the longest shortest part ("Patient-en-Namen", not "Patienten-Amen")."""
        if len(word) < MIN_COMPOUND or not word.isalpha():
            return []
        # A dictionary word splits only into long parts: "Handynummer", not "Automat-isch".
        shortest = MIN_PART_OF_WORD if word in self._lexicon("de") else MIN_PART
        found = self._split(word, MAX_PARTS, shortest, top=True)
        return list(found) if found else []

    @cache  # noqa: B019 -- one instance per indexer run; the words of a corpus repeat
    def _split(self, word: str, depth: int, shortest: int, top: bool = False) -> tuple[str, ...] | None:
        lexicon = self._lexicon("de")
        best: tuple[str, ...] | None = None
        if not top and len(word) >= shortest and word in lexicon and not is_stop_word(word):
            best = (word,)
        if depth == 1:
            return best
        for cut in range(shortest, len(word) - shortest + 1):
            head, rest = word[:cut], word[cut:]
            for link in LINKS:
                first = head[: len(head) - len(link)] if link else head
                if not head.endswith(link) or len(first) < shortest:
                    continue
                if first not in lexicon or is_stop_word(first):
                    continue
                tail = self._split(rest, depth - 1, shortest)
                if tail:
                    candidate = (first, *tail)
                    if best is None or _rank(candidate) < _rank(best):
                        best = candidate
        return best

    def forms(self, lemmas: set[str], language: str) -> dict[str, list[str]]:
        """Every form the dictionary knows of these lemmas: form → its lemmas among them."""
        found: dict[str, list[str]] = defaultdict(list)
        for form, known in self._lexicon(language).items():
            for lemma in known.split("|"):
                if lemma in lemmas:
                    found[form].append(lemma)
        return dict(found)


@cache
def shared() -> Morphology:
    """The process's one dictionary (the indexer's, and the benchmarks' and tests' that build as it
    builds): loaded once, at its first use."""
    return Morphology()
