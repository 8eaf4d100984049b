"""The search index: tantivy (Rust, BM25 with block-max WAND, so top-k stays fast when a word matches
many articles) over stemmed, folded title, tags and body, boosted title > tags > body. Each word of an
article is indexed as its stem, its lemma's stem ("verschoben" → "verschieb") and, for a German
compound, its parts' stems ("Terminbuchung" → "termin", "buchung") (`kb.analyser`); lemmas and parts
come from the indexer's dictionary (`kb.morphology`), which the KB function never loads: the snapshot
carries a lexicon (`lexicon.json`, `kb.lexicon`) of the index's words, the forms of their lemmas, and
the agents' synonyms.

A query word is, in this order: dropped if it is a stop word; its own terms if the index knows them;
spelled "ae"/"oe"/"ue" for an umlaut; a compound of known words ("Spamordner" → "spam" AND "ordner");
unless the dictionary knows it as a word (`kb.wordset`), the closest known word within
`kb.text.allowed_edits`; else dropped (`kb.lexicon.QueryWords`). Terms are stems in their language's
namespace ("de:termin"). Its synonyms join it. Every word must match (else any may, ranked by BM25);
with nothing found, `suggest` offers a corrected query.

Snippets cost no stemming at query time (`kb.snippets`). Built as a directory, shipped to S3 as one
tar snapshot. `bench/kb.md` compares it with SQLite FTS5; `bench/kb_relevance.md` measures what it
finds."""

from __future__ import annotations

import json
import tarfile
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import tantivy
from tantivy import Occur, Query

from kb.analyser import Analyser, WordForms
from kb.lexicon import QueryWord, QueryWords, lexicon_of, query_words
from kb.snippets import excerpt, snippet
from kb.text import STEMMERS, allowed_edits
from kb.wordset import WordSet

# A compound's parts are weaker evidence than a whole word: one field for them all, weighted as body.
BOOSTS = {"title": 10.0, "tags": 5.0, "body": 1.0, "parts": 1.0}
VOCABULARY = "vocabulary.json"
TERMS = "terms"
LEXICON = "lexicon.json"
DICTIONARY = "dictionary.bloom"


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
    analyser = Analyser(forms)
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
    (directory / LEXICON).write_text(json.dumps(lexicon_of(analyser, synonyms)))
    (forms.words() if forms is not None else WordSet.of(())).write(directory / DICTIONARY)
    return count


def pack(directory: Path, archive: Path) -> None:
    with tarfile.open(archive, "w") as tar:
        for path in directory.iterdir():
            if not path.name.startswith(".tantivy-"):
                tar.add(path, arcname=path.name)


def unpack(archive: Path, directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    with tarfile.open(archive) as tar:
        tar.extractall(directory, filter="data")


class SearchIndex(QueryWords):
    def __init__(self, directory: Path) -> None:
        self._index = tantivy.Index.open(str(directory))
        self._schema = self._index.schema
        self._searcher = self._index.searcher()
        super().__init__(
            json.loads((directory / VOCABULARY).read_text()),
            json.loads((directory / LEXICON).read_text()),
            WordSet.read(directory / DICTIONARY),
        )

    def size(self) -> int:
        return int(self._searcher.num_docs)

    def _any(self, terms: set[str]) -> Query:
        return Query.boolean_query(
            [
                (Occur.Should, Query.boost_query(Query.term_query(self._schema, field, term), boost))
                for term in sorted(terms)
                for field, boost in BOOSTS.items()
            ]
        )

    def _group(self, word: QueryWord) -> Query:
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
            words_ = [QueryWord(terms=t) for g in groups for t in [*g.parts, g.terms] if t]
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
        self,
        groups: list[QueryWord],
        language: str | None,
        folder_id: str | None,
        limit: int,
        match_all: bool,
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
        for word in query_words(query):
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
