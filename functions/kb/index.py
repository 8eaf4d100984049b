"""The search index: tantivy (Rust, BM25 with block-max WAND, so top-k stays fast when a word matches
many articles) over stemmed, folded title, tags and body, boosted title > tags > body. Each word of an
article is indexed as its stem, its lemma's stem ("verschoben" → "verschieb") and, for a German
compound, its parts' stems ("Terminbuchung" → "termin", "buchung"); lemmas and parts come from the
indexer's dictionary (`kb.morphology`), which the KB function never loads: the snapshot carries a
lexicon (`lexicon.json`) of the index's words, the forms of their lemmas, and the agents' synonyms.

A query word is, in this order: dropped if it is a stop word; its own terms if the index knows them;
spelled "ae"/"oe"/"ue" for an umlaut; a compound of known words ("Spamordner" → "spam" AND "ordner");
unless the dictionary knows it as a word (`kb.wordset`), the closest known word within
`kb.text.allowed_edits`; else dropped. Terms are stems in their language's namespace ("de:termin"). Its synonyms join it. Every
word must match (else any may, ranked by BM25); with nothing found, `suggest` offers a corrected query.

Snippets cost no stemming at query time (they were 60 % of a search call when they did): each article
stores the words a snippet can reach with their terms aligned beside them. Built as a directory,
shipped to S3 as one tar snapshot. `bench/kb.md` compares it with SQLite FTS5; `bench/kb_relevance.md`
measures what it finds."""

from __future__ import annotations

import html
import json
import tarfile
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import tantivy
from tantivy import Occur, Query

from kb.text import (
    STEMMERS,
    allowed_edits,
    edits,
    is_stop_word,
    term,
    without_umlaut_spellings,
    words,
)
from kb.wordset import WordSet

FORMAT = 3  # the snapshot layout; a new one is only used once the indexer has built it
# A compound's parts are weaker evidence than a whole word: one field for them all, weighted as body.
BOOSTS = {"title": 10.0, "tags": 5.0, "body": 1.0, "parts": 1.0}
SNIPPET_WORDS = 24
SNIPPET_SCAN = 60  # words searched for the first match
VOCABULARY = "vocabulary.json"
TERMS = "terms"
LEXICON = "lexicon.json"
DICTIONARY = "dictionary.bloom"
MAX_QUERY_WORDS = 16
MIN_PART = 3  # the shortest word a query compound is split into
LINKS = ("", "s", "es", "n", "en", "e", "er")  # German linking elements: "Rechnung-s-kopie"


class WordForms(Protocol):
    """What the index needs of a dictionary (`kb.morphology.Morphology`, the indexer's)."""

    def lemmas(self, word: str, language: str) -> list[str]: ...

    def parts(self, word: str) -> list[str]: ...

    def forms(self, lemmas: set[str], language: str) -> dict[str, list[str]]: ...

    def words(self) -> WordSet: ...


@dataclass(frozen=True)
class IndexedArticle:
    article_id: str
    folder_id: str
    language: str
    title: str
    tags: list[str]
    text: str


@dataclass(frozen=True)
class Hit:
    article_id: str
    folder_id: str
    language: str
    title: str
    snippet: str
    score: float


def _schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    for name in ("article_id", "folder_id", "language"):
        builder.add_text_field(name, stored=True, tokenizer_name="raw")
    for name in BOOSTS:  # the terms as written ("de:termin"): split at spaces only
        builder.add_text_field(name, stored=False, tokenizer_name=TERMS)
    builder.add_text_field("original_title", stored=True, tokenizer_name="raw", index_option="basic")
    builder.add_text_field("excerpt", stored=True, tokenizer_name="raw", index_option="basic")
    builder.add_text_field("excerpt_stems", stored=True, tokenizer_name="raw", index_option="basic")
    builder.add_unsigned_field("word_count", stored=True)
    return builder.build()


class _Analyser:
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


def excerpt(text: str, language: str, analyser: _Analyser | None = None) -> tuple[str, str, int]:
    """The words a snippet can reach, their terms aligned (one entry per word: its terms joined by
    `+`, `_` when it has none), and how many words the whole text has."""
    analyser = analyser or _Analyser(None)
    tokens = text.split()
    head = tokens[: SNIPPET_SCAN + SNIPPET_WORDS]
    aligned = ["+".join(dict.fromkeys(analyser.text(token, language))) or "_" for token in head]
    return " ".join(head), " ".join(aligned), len(tokens)


def build(
    directory: Path,
    articles: Iterable[IndexedArticle],
    *,
    forms: WordForms | None = None,
    synonyms: Sequence[Sequence[str]] = (),
) -> int:
    """Writes a fresh index into an empty directory; returns how many articles it holds. Without
    `forms` words are only stemmed (no lemmas, no compound parts)."""
    directory.mkdir(parents=True, exist_ok=True)
    index = tantivy.Index(_schema(), path=str(directory))
    index.register_tokenizer(TERMS, tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace()).build())
    writer = index.writer(heap_size=50_000_000, num_threads=1)
    frequency: dict[str, int] = defaultdict(int)
    analyser = _Analyser(forms)
    count = 0
    for article in articles:
        language = article.language if article.language in STEMMERS else "de"
        fields = {
            "title": analyser.own_text(article.title, language),
            "tags": analyser.own_text(" ".join(article.tags), language),
            "body": analyser.own_text(article.text, language),
            "parts": analyser.parts_text(
                f"{article.title} {' '.join(article.tags)} {article.text}", language
            ),
        }
        for indexed in set().union(*fields.values()):
            frequency[indexed] += 1
        head, aligned, word_count = excerpt(article.text, language, analyser)
        writer.add_document(
            tantivy.Document(
                article_id=article.article_id,
                folder_id=article.folder_id,
                language=language,
                original_title=article.title,
                excerpt=head,
                excerpt_stems=aligned,
                word_count=word_count,
                **{name: " ".join(terms) for name, terms in fields.items()},
            )
        )
        count += 1
    writer.commit()
    writer.wait_merging_threads()
    (directory / VOCABULARY).write_text(json.dumps(frequency))
    (directory / LEXICON).write_text(json.dumps(_lexicon(analyser, synonyms)))
    (forms.words() if forms is not None else WordSet.of(())).write(directory / DICTIONARY)
    return count


def _lexicon(analyser: _Analyser, synonyms: Sequence[Sequence[str]]) -> dict[str, object]:
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


def pack(directory: Path, archive: Path) -> None:
    with tarfile.open(archive, "w") as tar:
        for path in directory.iterdir():
            if not path.name.startswith(".tantivy-"):
                tar.add(path, arcname=path.name)


def unpack(archive: Path, directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    with tarfile.open(archive) as tar:
        tar.extractall(directory, filter="data")


def _query_words(query: str) -> list[str]:
    """The query's first `MAX_QUERY_WORDS` distinct words that are no stop words (a ticket's
    description repeats itself and is mostly small words)."""
    return [w for w in dict.fromkeys(words(query)) if not is_stop_word(w)][:MAX_QUERY_WORDS]


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


@dataclass
class _Word:
    """One query word's terms: any of `terms`, or (a compound) every one of `parts`; a compound with
    synonyms: every part, or any synonym."""

    terms: set[str] = field(default_factory=set)
    parts: list[set[str]] = field(default_factory=list)

    def all_terms(self) -> set[str]:
        return self.terms.union(*self.parts)


class SearchIndex:
    def __init__(self, directory: Path) -> None:
        self._index = tantivy.Index.open(str(directory))
        self._schema = self._index.schema
        self._searcher = self._index.searcher()
        self._frequency: dict[str, int] = json.loads((directory / VOCABULARY).read_text())
        lexicon = json.loads((directory / LEXICON).read_text())
        self._words: dict[str, list[str]] = lexicon["words"]
        self._dictionary = WordSet.read(directory / DICTIONARY)
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

    def size(self) -> int:
        return int(self._searcher.num_docs)

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

    def _word(self, word: str, languages: tuple[str, ...]) -> _Word | None:
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
                    return _Word(terms=terms, parts=resolved)
        if not terms and word not in self._dictionary:  # a real word is no typo of another
            near = self.nearest(word, allowed_edits(word))
            terms = self._own(near, languages) if near else set()
        return _Word(terms=terms) if terms else None

    def _terms(self, query: str, languages: tuple[str, ...]) -> list[_Word]:
        """For each query word, the indexed terms it may mean (see the module's docstring)."""
        resolved = (self._word(word, languages) for word in _query_words(query))
        return [w for w in resolved if w is not None]

    def _any(self, terms: set[str]) -> Query:
        return Query.boolean_query(
            [
                (Occur.Should, Query.boost_query(Query.term_query(self._schema, field, term), boost))
                for term in sorted(terms)
                for field, boost in BOOSTS.items()
            ]
        )

    def _group(self, word: _Word) -> Query:
        if word.parts:
            every = Query.boolean_query([(Occur.Must, self._any(part)) for part in word.parts])
            if not word.terms:
                return every
            return Query.boolean_query([(Occur.Should, every), (Occur.Should, self._any(word.terms))])
        return self._any(word.terms)

    def search(
        self,
        query: str,
        *,
        language: str | None = None,
        folder_id: str | None = None,
        limit: int = 10,
        match_all: bool = True,
    ) -> list[Hit]:
        languages = (language,) if language in STEMMERS else STEMMERS
        groups = self._terms(query, languages)  # type: ignore[arg-type]
        if not groups:
            return []
        found = self._run(groups, language, folder_id, limit, match_all)
        if not found and match_all:  # then any word (any part of a compound) may match, BM25 ranks
            words_ = [_Word(terms=t) for g in groups for t in [*g.parts, g.terms] if t]
            if len(words_) > 1:
                found = self._run(words_, language, folder_id, limit, match_all=False)
        matched = set().union(*(g.all_terms() for g in groups))
        hits = []
        for score, address in found:
            document = self._searcher.doc(address)
            hits.append(
                Hit(
                    article_id=document["article_id"][0],
                    folder_id=document["folder_id"][0],
                    language=document["language"][0],
                    title=document["original_title"][0],
                    snippet=snippet(
                        document["excerpt"][0],
                        document["excerpt_stems"][0],
                        document["word_count"][0],
                        matched,
                    ),
                    score=float(score),
                )
            )
        return hits

    def _run(
        self, groups: list[_Word], language: str | None, folder_id: str | None, limit: int, match_all: bool
    ) -> list[tuple[float, tantivy.DocAddress]]:
        occur = Occur.Must if match_all else Occur.Should
        # one required clause: beside a required filter, optional words would match nothing at all
        clauses = [(Occur.Must, Query.boolean_query([(occur, self._group(group)) for group in groups]))]
        if language:
            clauses.append((Occur.Must, Query.term_query(self._schema, "language", language)))
        if folder_id:
            clauses.append((Occur.Must, Query.term_query(self._schema, "folder_id", folder_id)))
        return list(self._searcher.search(Query.boolean_query(clauses), limit).hits)

    def suggest(self, query: str, *, language: str | None = None, folder_id: str | None = None) -> str | None:
        """For a query that found nothing: the query with its unknown words replaced by the closest
        known ones (one edit more than search allows), if that finds something."""
        languages = (language,) if language in STEMMERS else STEMMERS
        changed, corrected = False, []
        for word in _query_words(query):
            if self._word(word, languages):  # type: ignore[arg-type]
                corrected.append(word)
                continue
            near = self.nearest(word, allowed_edits(word) + 1)
            if near:
                corrected.append(near)
                changed = True
        suggestion = " ".join(corrected)
        if changed and self.search(suggestion, language=language, folder_id=folder_id, limit=1):
            return suggestion
        return None


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
