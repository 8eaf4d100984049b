"""Knowledge-base search engines compared on N generated German articles (default 10,000), one run:
tantivy (Rust, via its Python bindings; chosen) against SQLite FTS5 (the standard library). Both get
the same stemmed, folded text, so the engines are compared, not the preprocessing. Reported: index
build time, p50/p95 query time, index size, and the import time each adds to a cold start.

    .venv/bin/python -m bench.kb [--articles 10000] [--queries 500]
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "functions"))
REPORT = ROOT / "bench" / "kb.md"

from infra.local.kb_demo import ARTICLES  # noqa: E402
from kb.index import IndexedArticle, SearchIndex, build  # noqa: E402
from kb.text import plain_text, stems, words  # noqa: E402
from shared.markdown import render_markdown  # noqa: E402


def corpus(
    count: int, seed: int = 7, synthetic_words: int = 20_000
) -> tuple[list[IndexedArticle], list[str]]:
    """Articles whose words follow Zipf's law over the demo articles' words plus made-up German-looking
    ones (a real help centre's vocabulary is large; a tiny one makes every word match most articles)."""
    rng = random.Random(seed)
    real = sorted(
        {
            w
            for _, title, tags, body, language in ARTICLES
            if language == "de"
            for w in words(f"{title} {' '.join(tags)} {body}")
            if len(w) > 3
        }
    )
    syllables = [
        "ter",
        "min",
        "pra",
        "xis",
        "be",
        "hand",
        "lung",
        "kal",
        "en",
        "der",
        "rech",
        "nung",
        "an",
        "frage",
        "kon",
        "to",
        "ein",
        "stel",
        "ung",
        "ver",
        "sand",
        "nach",
        "richt",
        "zeit",
        "plan",
        "ab",
        "sage",
    ]
    made_up = {"".join(rng.choices(syllables, k=rng.randint(2, 4))) for _ in range(synthetic_words)}
    vocabulary = real + sorted(made_up - set(real))
    weights = [1 / (rank + 1) for rank in range(len(vocabulary))]
    articles = []
    for n in range(count):
        title = " ".join(rng.choices(vocabulary, weights=weights, k=rng.randint(3, 6))).capitalize()
        body = " ".join(rng.choices(vocabulary, weights=weights, k=rng.randint(80, 160)))
        articles.append(IndexedArticle(f"a{n}", f"f{n % 12}", "de", title, rng.sample(real, 3), body))
    queries = []
    for _ in range(600):
        query = rng.choices(vocabulary[: len(real) * 4], k=rng.randint(1, 3))
        if rng.random() < 0.2:  # a typo: one letter dropped
            word = query[0]
            position = rng.randrange(1, len(word))
            query[0] = word[:position] + word[position + 1 :]
        queries.append(" ".join(query))
    return articles, queries


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def import_ms(module: str) -> float:
    runs = []
    for _ in range(5):
        out = subprocess.run(
            [
                sys.executable,
                "-c",
                f"import time; t=time.perf_counter(); import {module}; print(time.perf_counter()-t)",
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        runs.append(float(out.stdout))
    return statistics.median(runs) * 1000


def chosen(articles: list[IndexedArticle], queries: list[str], directory: Path) -> dict[str, float]:
    """tantivy as the KB function uses it: the whole search call (stems, typo map, query, snippets)."""
    path = directory / "tantivy"
    began = time.perf_counter()
    build(path, articles)
    built = time.perf_counter() - began
    began = time.perf_counter()
    index = SearchIndex(path)
    loaded = time.perf_counter() - began
    for query in queries[:50]:
        index.search(query)
    times = []
    for query in queries[50:]:
        began = time.perf_counter()
        index.search(query)
        times.append(time.perf_counter() - began)
    size = sum(f.stat().st_size for f in path.rglob("*") if f.is_file())
    return {
        "build_s": built,
        "load_s": loaded,
        "p50_ms": percentile(times, 0.5) * 1000,
        "p95_ms": percentile(times, 0.95) * 1000,
        "size_mb": size / 1e6,
    }


def fts5(articles: list[IndexedArticle], queries: list[str], directory: Path) -> dict[str, float]:
    """SQLite FTS5 with the same stemmed text and BM25 weights; timed is only its SQL query."""
    path = directory / "fts5.sqlite"
    began = time.perf_counter()
    db = sqlite3.connect(path)
    db.executescript(
        "CREATE VIRTUAL TABLE docs USING fts5(title, tags, body, tokenize = 'unicode61 remove_diacritics 2');"
        "CREATE TABLE meta (rowid INTEGER PRIMARY KEY, article_id TEXT, title TEXT, text TEXT);"
    )
    for rowid, article in enumerate(articles, start=1):
        db.execute(
            "INSERT INTO docs(rowid, title, tags, body) VALUES (?, ?, ?, ?)",
            (
                rowid,
                " ".join(stems(article.title, "de")),
                " ".join(stems(" ".join(article.tags), "de")),
                " ".join(stems(article.text, "de")),
            ),
        )
        db.execute(
            "INSERT INTO meta VALUES (?, ?, ?, ?)", (rowid, article.article_id, article.title, article.text)
        )
    db.execute("INSERT INTO docs(docs) VALUES ('optimize')")
    db.commit()
    built = time.perf_counter() - began
    sql = (
        "SELECT m.article_id, m.title, m.text FROM (SELECT rowid, bm25(docs, 10.0, 5.0, 1.0) AS s FROM docs "
        "WHERE docs MATCH ? ORDER BY s LIMIT 10) r JOIN meta m ON m.rowid = r.rowid ORDER BY r.s"
    )
    expressions = []
    for query in queries:
        terms = sorted(set(stems(query, "de")))
        if terms:
            expressions.append(" AND ".join(f'"{t}"' for t in terms))
    for expression in expressions[:50]:
        db.execute(sql, (expression,)).fetchall()
    times = []
    for expression in expressions[50:]:
        began = time.perf_counter()
        db.execute(sql, (expression,)).fetchall()
        times.append(time.perf_counter() - began)
    db.close()
    return {
        "build_s": built,
        "load_s": 0.0,
        "p50_ms": percentile(times, 0.5) * 1000,
        "p95_ms": percentile(times, 0.95) * 1000,
        "size_mb": path.stat().st_size / 1e6,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=10_000)
    args = parser.parse_args()
    articles, queries = corpus(args.articles)
    assert plain_text(render_markdown("**x**")) == "x"
    with tempfile.TemporaryDirectory() as directory:
        ours = chosen(articles, queries, Path(directory))
        theirs = fts5(articles, queries, Path(directory))
    imports = {"tantivy": import_ms("tantivy"), "sqlite3": import_ms("sqlite3")}
    lines = [
        "# Knowledge-base search engines",
        "",
        f"One run, `python -m bench.kb --articles {args.articles}`: generated German articles (80–160 words, Zipf-distributed",
        "over the demo articles' words and 20,000 made-up ones),",
        f"{len(queries) - 50} queries of 1–3 words, a fifth with a typo; medians and 95th percentiles of single calls.",
        "tantivy's timings are the whole search call as the KB function makes it (stemming, typo map, BM25,",
        "snippets); FTS5's only its SQL query on already-stemmed terms, so the comparison flatters FTS5.",
        "",
        "| engine | build | load | p50 query | p95 query | index size | import |",
        "|---|---|---|---|---|---|---|",
        f"| tantivy (chosen) | {ours['build_s']:.1f} s | {ours['load_s'] * 1000:.0f} ms | {ours['p50_ms']:.3f} ms | {ours['p95_ms']:.3f} ms | {ours['size_mb']:.1f} MB | {imports['tantivy']:.1f} ms |",
        f"| SQLite FTS5 | {theirs['build_s']:.1f} s | – | {theirs['p50_ms']:.3f} ms | {theirs['p95_ms']:.3f} ms | {theirs['size_mb']:.1f} MB | {imports['sqlite3']:.1f} ms |",
        "",
        f"Ratios tantivy / FTS5: build {ours['build_s'] / theirs['build_s']:.2f}, p95 {ours['p95_ms'] / theirs['p95_ms']:.2f}, "
        f"size {ours['size_mb'] / theirs['size_mb']:.2f}, import {imports['tantivy'] / imports['sqlite3']:.2f}.",
        "",
    ]
    REPORT.write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
