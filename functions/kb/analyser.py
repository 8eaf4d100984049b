"""What an article's words become in the index: each word its own terms (its stem, its lemmas' stems)
and, for a German compound, its parts' terms. Lemmas and parts come from the indexer's dictionary
(`WordForms`, `kb.morphology`); without one, words are only stemmed."""

from __future__ import annotations

from typing import Protocol

from kb.text import STEMMERS, is_stop_word, term, words
from kb.wordset import WordSet


class WordForms(Protocol):
    """What the index needs of a dictionary (`kb.morphology.Morphology`, the indexer's)."""

    def lemmas(self, word: str, language: str) -> list[str]: ...

    def parts(self, word: str) -> list[str]: ...

    def forms(self, lemmas: set[str], language: str) -> dict[str, list[str]]: ...

    def words(self) -> WordSet: ...


class Analyser:
    """An article's words as index terms: its own (stem, lemma's stem) and its compound parts'."""

    def __init__(self, forms: WordForms | None) -> None:
        self.forms = forms
        self.own: dict[str, dict[str, list[str]]] = {language: {} for language in STEMMERS}
        self.terms: dict[str, dict[str, list[str]]] = {language: {} for language in STEMMERS}
        self.lemmas: dict[str, set[str]] = {language: set() for language in STEMMERS}

    def own_terms(self, word: str, language: str) -> list[str]:
        known = self.own[language].get(word)
        if known is None:
            known = [term(word, language)]
            lemmas = self.forms.lemmas(word, language) if self.forms and not is_stop_word(word) else []
            self.lemmas[language].update(lemmas)
            known = list(dict.fromkeys([*known, *(term(lemma, language) for lemma in lemmas)]))
            self.own[language][word] = known
        return known

    def word(self, word: str, language: str) -> list[str]:
        known = self.terms[language].get(word)
        if known is None:
            known = list(self.own_terms(word, language))
            if self.forms is not None and language == "de" and not is_stop_word(word):
                for part in self.forms.parts(word):
                    known += self.own_terms(part, language)
            known = list(dict.fromkeys(known))
            self.terms[language][word] = known
        return known

    def text(self, text: str, language: str) -> list[str]:
        return [t for word in words(text) for t in self.word(word, language)]

    def own_text(self, text: str, language: str) -> list[str]:
        return [t for word in words(text) for t in self.own_terms(word, language)]

    def parts_text(self, text: str, language: str) -> list[str]:
        return [
            t
            for word in words(text)
            for t in self.word(word, language)
            if t not in self.own_terms(word, language)
        ]
