"""The search index: SQLite FTS5 (in the standard library) over stemmed, folded title, tags and body,
ranked by BM25 with title > tags > body; typo tolerance by a symmetric-delete map of the index's own
vocabulary (a query word the index does not know is replaced by its closest known word); snippets cut
from the original text with the matches marked. Built as one file, shipped as a snapshot in S3."""

from __future__ import annotations

import html
import sqlite3
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from kb.text import STEMMERS, stem, stems, words

WEIGHTS = (10.0, 5.0, 1.0)  # title, tags, body
SNIPPET_WORDS = 24


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


def build(path: Path, articles: Iterable[IndexedArticle]) -> int:
    """Writes a fresh index file; returns how many articles it holds."""
    path.unlink(missing_ok=True)
    db = sqlite3.connect(path)
    db.executescript(
        """
        CREATE VIRTUAL TABLE docs USING fts5(title, tags, body, tokenize = 'unicode61 remove_diacritics 2');
        CREATE TABLE meta (rowid INTEGER PRIMARY KEY, article_id TEXT, folder_id TEXT, language TEXT,
                           title TEXT, text TEXT);
        CREATE INDEX meta_article ON meta(article_id);
        CREATE VIRTUAL TABLE vocab USING fts5vocab(docs, 'row');
        """
    )
    count = 0
    for rowid, article in enumerate(articles, start=1):
        language = article.language if article.language in STEMMERS else "de"
        db.execute(
            "INSERT INTO docs(rowid, title, tags, body) VALUES (?, ?, ?, ?)",
            (
                rowid,
                " ".join(stems(article.title, language)),
                " ".join(stems(" ".join(article.tags), language)),
                " ".join(stems(article.text, language)),
            ),
        )
        db.execute(
            "INSERT INTO meta VALUES (?, ?, ?, ?, ?, ?)",
            (rowid, article.article_id, article.folder_id, language, article.title, article.text),
        )
        count += 1
    db.execute("INSERT INTO docs(docs) VALUES ('optimize')")
    db.commit()
    db.execute("VACUUM")
    db.close()
    return count


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


class SearchIndex:
    def __init__(self, path: Path) -> None:
        self._db = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True, check_same_thread=False)
        self._frequency: dict[str, int] = dict(self._db.execute("SELECT term, doc FROM vocab"))
        self._near: dict[str, set[str]] = defaultdict(set)
        for term in self._frequency:
            if len(term) >= 4:
                for variant in _deletes(term) | {term}:
                    self._near[variant].add(term)

    def size(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM meta").fetchone()[0])

    def _known(self, term: str) -> str | None:
        """The term, or the most frequent indexed term one edit away (two for longer words)."""
        if term in self._frequency:
            return term
        if len(term) < 4:
            return None
        candidates: set[str] = set()
        for variant in _deletes(term) | {term}:
            candidates |= self._near.get(variant, set())
        if not candidates and len(term) >= 7:
            for variant in _deletes(term):
                for second in _deletes(variant):
                    candidates |= {c for c in self._near.get(second, set()) if abs(len(c) - len(term)) <= 2}
        return max(candidates, key=lambda c: (self._frequency[c], c)) if candidates else None

    def _terms(self, query: str, languages: tuple[str, ...]) -> list[set[str]]:
        """For each query word, the indexed terms it may mean (its stems, typo-corrected)."""
        groups = []
        for word in words(query)[:16]:
            known = {k for k in (self._known(stem(word, language)) for language in languages) if k}
            if known:
                groups.append(known)
        return groups

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
        clauses = ["(" + " OR ".join(f'"{term}"' for term in sorted(group)) + ")" for group in groups]
        expression = (" AND " if match_all else " OR ").join(clauses)
        sql = (
            "SELECT m.article_id, m.folder_id, m.language, m.title, m.text, bm25(docs, ?, ?, ?) AS score "
            "FROM docs JOIN meta m ON m.rowid = docs.rowid WHERE docs MATCH ?"
        )
        parameters: list[object] = [*WEIGHTS, expression]
        if language:
            sql += " AND m.language = ?"
            parameters.append(language)
        if folder_id:
            sql += " AND m.folder_id = ?"
            parameters.append(folder_id)
        sql += " ORDER BY score LIMIT ?"
        parameters.append(limit)
        matched = set().union(*groups)
        return [
            Hit(article_id, folder, lang, title, snippet(text, matched, lang), -score)
            for article_id, folder, lang, title, text, score in self._db.execute(sql, parameters)
        ]


def snippet(text: str, matched: set[str], language: str) -> str:
    """A window of the original text around the first match, matches in <mark>, all else escaped."""
    tokens = text.split()
    hits = [i for i, token in enumerate(tokens) if any(stem(w, language) in matched for w in words(token))]
    start = max(0, (hits[0] if hits else 0) - SNIPPET_WORDS // 3)
    window = tokens[start : start + SNIPPET_WORDS]
    marked = [
        f"<mark>{html.escape(token)}</mark>" if start + offset in hits else html.escape(token)
        for offset, token in enumerate(window)
    ]
    prefix = "… " if start > 0 else ""
    suffix = " …" if start + SNIPPET_WORDS < len(tokens) else ""
    return prefix + " ".join(marked) + suffix
