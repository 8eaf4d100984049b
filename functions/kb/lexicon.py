"""The lexicon a query's words are resolved against (`lexicon.json` in the snapshot): the index's
words with their terms, the other forms of their lemmas, and the agents' synonym groups as terms.
Written from the analyser when the index is built (`lexicon_of`); read back by the search index, whose
`QueryWords` part finds what each query word may mean (see `kb.index`'s docstring for the order)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from kb.analyser import Analyser
from kb.text import STEMMERS, allowed_edits, edits, is_stop_word, term, without_umlaut_spellings, words
from kb.wordset import WordSet

MAX_QUERY_WORDS = 16
MIN_PART = 3  # the shortest word a query compound is split into
LINKS = ("", "s", "es", "n", "en", "e", "er")  # German linking elements: "Rechnung-s-kopie"


def lexicon_of(analyser: Analyser, synonyms: Sequence[Sequence[str]]) -> dict[str, object]:
    """What query words can be resolved against: the index's words with their terms, the other
    forms of their lemmas ("verschoben" for "verschieben"), and the synonym groups as terms."""
    known: dict[str, list[str]] = {}
    for language in STEMMERS:
        for word, own in analyser.own[language].items():
            if not is_stop_word(word):
                # a word's own terms, without its compound parts: "Terminbuchung" stays specific
                known[word] = list(dict.fromkeys(known.get(word, []) + own))
    aliases: dict[str, list[str]] = {}
    if analyser.forms is not None:
        for language in STEMMERS:
            for form, lemmas in analyser.forms.forms(analyser.lemmas[language], language).items():
                if form not in known:
                    aliases.setdefault(form, []).extend(term(lemma, language) for lemma in lemmas)
    groups = []
    for group in synonyms:
        terms = {
            t
            for synonym in group
            for word in words(synonym)
            for language in STEMMERS
            for t in analyser.own_terms(word, language)
        }
        groups.append(sorted(terms))
    return {"words": known, "aliases": aliases, "synonyms": groups}


def query_words(query: str) -> list[str]:
    """The query's first `MAX_QUERY_WORDS` distinct words that are no stop words (a ticket's
    description repeats itself and is mostly small words)."""
    return [w for w in dict.fromkeys(words(query)) if not is_stop_word(w)][:MAX_QUERY_WORDS]


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


@dataclass
class QueryWord:
    """One query word's terms: any of `terms`, or (a compound) every one of `parts`; a compound with
    synonyms: every part, or any synonym."""

    terms: set[str] = field(default_factory=set)
    parts: list[set[str]] = field(default_factory=list)

    def all_terms(self) -> set[str]:
        return self.terms.union(*self.parts)


class QueryWords:
    """What each word of a query may mean in the index: the search index's part that reads its
    vocabulary (term frequencies), lexicon and dictionary."""

    def __init__(self, frequency: dict[str, int], lexicon: dict[str, Any], dictionary: WordSet) -> None:
        self._frequency = frequency
        self._words: dict[str, list[str]] = lexicon["words"]
        self._dictionary = dictionary
        self._aliases: dict[str, list[str]] = lexicon["aliases"]
        self._synonyms: dict[str, set[str]] = defaultdict(set)
        for group in lexicon["synonyms"]:
            for synonym in group:
                self._synonyms[synonym] |= set(group)
        self._near: dict[str, set[str]] = defaultdict(set)
        for word in (*self._words, *self._aliases):
            if len(word) >= 4:
                for variant in _deletes(word) | {word}:
                    self._near[variant].add(word)

    def _own(self, word: str, languages: tuple[str, ...], synonyms: bool = True) -> set[str]:
        """The terms of a word (and of its synonyms) that the index knows: its stems, its lemmas'."""
        terms = {term(word, language) for language in languages}
        terms.update(self._words.get(word, ()), self._aliases.get(word, ()))
        if synonyms:
            for known in list(terms):
                terms |= self._synonyms.get(known, set())
        return {t for t in terms if t in self._frequency}

    def _weight(self, word: str) -> int:
        terms = self._words.get(word) or self._aliases.get(word) or []
        return max((self._frequency.get(t, 0) for t in terms), default=0)

    def nearest(self, word: str, limit: int) -> str | None:
        """The index's word fewest edits (at most `limit`) away from `word`, the most frequent of
        equals; a second edit only when the first letter is right."""
        if limit == 0:
            return None
        variants = _deletes(word) | {word}
        best = self._closest(word, set().union(*(self._near.get(v, ()) for v in variants)), limit)
        if limit >= 2 and (best is None or best[0] >= 2):  # one edit away beats anything further
            seconds = {second for variant in variants for second in _deletes(variant)} - variants
            further = self._closest(word, set().union(*(self._near.get(v, ()) for v in seconds)), limit)
            best = min(filter(None, (best, further)), default=None)
        return best[3] if best else None

    def _closest(self, word: str, candidates: set[str], limit: int) -> tuple[int, bool, int, str] | None:
        best: tuple[int, bool, int, str] | None = None
        letters = sorted(word)
        for candidate in candidates:
            distance = edits(word, candidate, limit)
            if distance > limit or (distance >= 2 and candidate[0] != word[0]):
                continue
            # among equals, a swap of letters ("stauts" → "status") before a different word
            key = (distance, sorted(candidate) != letters, -self._weight(candidate), candidate)
            if best is None or key < best:
                best = key
        return best

    def _split(self, word: str, depth: int = 3) -> list[str] | None:
        """`word` as known words, fewest first, then the longest shortest part ("spamordner" →
        "spam", "ordner"; "rechnungskopie" → "rechnung", "kopie")."""
        best: list[str] | None = None
        if depth == 0:
            return None
        for cut in range(MIN_PART, len(word) - MIN_PART + 1):
            head, rest = word[:cut], word[cut:]
            for link in LINKS:
                first = head[: len(head) - len(link)] if link else head
                if not head.endswith(link) or len(first) < MIN_PART or first not in self._words:
                    continue
                tail = (
                    [rest] if rest in self._words and len(rest) >= MIN_PART else self._split(rest, depth - 1)
                )
                if tail:
                    candidate = [first, *tail]
                    if best is None or (len(candidate), -min(map(len, candidate))) < (
                        len(best),
                        -min(map(len, best)),
                    ):
                        best = candidate
        return best

    def _word(self, word: str, languages: tuple[str, ...]) -> QueryWord | None:
        if is_stop_word(word):
            return None
        terms = self._own(word, languages)
        if not terms and without_umlaut_spellings(word) != word:
            terms = self._own(without_umlaut_spellings(word), languages)
        if (not terms or not self._own(word, languages, synonyms=False)) and len(word) >= 2 * MIN_PART:
            # a compound the index does not hold whole: its parts, and any synonym agents gave it
            # ("Spamordner" = "Junk" must not lose the article about the "Spam-Ordner")
            parts = self._split(word)
            if parts:
                resolved = [self._own(part, languages) for part in parts]
                if all(resolved):
                    return QueryWord(terms=terms, parts=resolved)
        if not terms and word not in self._dictionary:  # a real word is no typo of another
            near = self.nearest(word, allowed_edits(word))
            terms = self._own(near, languages) if near else set()
        return QueryWord(terms=terms) if terms else None

    def _terms(self, query: str, languages: tuple[str, ...]) -> list[QueryWord]:
        """For each query word, the indexed terms it may mean (see the module's docstring)."""
        resolved = (self._word(word, languages) for word in query_words(query))
        return [w for w in resolved if w is not None]
