"""Knowledge-base search relevance, measured on the judged queries (`infra/local/kb_queries.py`)
against the demo articles (`infra/local/kb_demo.py`), for our search and for a plain baseline in the
same run: tantivy with its default settings (default tokenizer, no stemming, no typo tolerance, the
query parser's OR of the words over title and body). Then the latency of our whole search call on
10,000 generated articles (`bench/kb.py`'s generator), with the baseline's beside it.

    .venv/bin/python -m bench.kb_relevance [--articles 10000]

Measures, on the answerable queries (top 10 asked for): MRR (1/rank of the first answer), nDCG@5
(binary gains), recall@5 (share of a query's answers in the top five, averaged), zero-result rate;
on the must-be-empty queries: the false-hit rate (share that found anything).
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "functions"))
REPORT = ROOT / "bench" / "kb_relevance.md"

import tantivy  # noqa: E402

from bench.kb import corpus, percentile  # noqa: E402
from infra.local.kb_queries import QUERIES, Judged, demo_articles, demo_index  # noqa: E402
from kb.index import IndexedArticle  # noqa: E402

Search = Callable[[str], list[str]]  # a query -> titles, best first


class Baseline:
    """tantivy as it comes: the default tokenizer (lower-cased words), BM25, the query parser."""

    def __init__(self, directory: Path, articles: Sequence[IndexedArticle]) -> None:
        builder = tantivy.SchemaBuilder()
        builder.add_text_field("title", stored=True)
        builder.add_text_field("body", stored=False)
        directory.mkdir(parents=True, exist_ok=True)
        self._index = tantivy.Index(builder.build(), path=str(directory))
        writer = self._index.writer(heap_size=50_000_000, num_threads=1)
        for article in articles:
            writer.add_document(tantivy.Document(title=article.title, body=article.text))
        writer.commit()
        writer.wait_merging_threads()
        self._index.reload()
        self._searcher = self._index.searcher()

    def search(self, query: str, limit: int = 10) -> list[str]:
        parsed, _ = self._index.parse_query_lenient(query, ["title", "body"])
        found = self._searcher.search(parsed, limit).hits
        return [self._searcher.doc(address)["title"][0] for _, address in found]


def measure(search: Search, queries: Sequence[Judged]) -> dict[str, float]:
    answerable = [q for q in queries if q.answers]
    empty = [q for q in queries if not q.answers]
    rr, ndcg, recall, zero = [], [], [], 0
    for judged in answerable:
        titles = search(judged.query)[:10]
        relevant = set(judged.answers)
        zero += not titles
        rank = next((n for n, t in enumerate(titles, start=1) if t in relevant), None)
        rr.append(1 / rank if rank else 0.0)
        dcg = sum(1 / math.log2(n + 1) for n, t in enumerate(titles[:5], start=1) if t in relevant)
        ideal = sum(1 / math.log2(n + 1) for n in range(1, min(5, len(relevant)) + 1))
        ndcg.append(dcg / ideal)
        recall.append(len(relevant & set(titles[:5])) / len(relevant))
    false_hits = sum(1 for judged in empty if search(judged.query))
    return {
        "mrr": statistics.fmean(rr),
        "ndcg5": statistics.fmean(ndcg),
        "recall5": statistics.fmean(recall),
        "zero": zero / len(answerable),
        "false_hits": false_hits / len(empty),
    }


def by_kind(search: Search, queries: Sequence[Judged]) -> dict[str, float]:
    """recall@5 per kind of query (the share of must-be-empty ones that stayed empty for `empty`)."""
    kinds: dict[str, list[Judged]] = defaultdict(list)
    for judged in queries:
        kinds[judged.kind].append(judged)
    result = {}
    for kind, members in kinds.items():
        if kind == "empty":
            result[kind] = 1 - measure(search, [*members, QUERIES[0]])["false_hits"]
        else:
            result[kind] = measure(search, [*members, *(q for q in QUERIES if not q.answers)])["recall5"]
    return result


def latency(search: Callable[[str], object], queries: list[str]) -> float:
    for query in queries[:50]:
        search(query)
    times = []
    for query in queries[50:]:
        began = time.perf_counter()
        search(query)
        times.append(time.perf_counter() - began)
    return percentile(times, 0.95) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        directory = Path(scratch)
        ours_index = demo_index(directory / "ours")
        baseline = Baseline(directory / "baseline", demo_articles())

        def ours(query: str) -> list[str]:
            return [hit.title for hit in ours_index.search(query, limit=10)]

        scores = {"ours": measure(ours, QUERIES), "baseline": measure(baseline.search, QUERIES)}
        ablations = {}
        for label, options in (
            ("without the dictionary (no lemmas, no compound parts in the index)", {"dictionary": False}),
            ("without synonyms", {"synonyms": False}),
        ):
            variant = demo_index(directory / label[:20].replace(" ", "-"), **options)
            ablations[label] = measure(
                lambda q, v=variant: [hit.title for hit in v.search(q, limit=10)],  # type: ignore[misc]
                QUERIES,
            )
        kinds = {"ours": by_kind(ours, QUERIES), "baseline": by_kind(baseline.search, QUERIES)}

        generated, generated_queries = corpus(args.articles)
        big = demo_index(directory / "ours-big", generated)
        big_baseline = Baseline(directory / "baseline-big", generated)
        p95 = {
            "ours": latency(lambda q: big.search(q, limit=10), generated_queries),
            "baseline": latency(lambda q: big_baseline.search(q, limit=10), generated_queries),
        }
    answerable = sum(1 for q in QUERIES if q.answers)
    rows = [
        ("MRR", "mrr"),
        ("nDCG@5", "ndcg5"),
        ("recall@5", "recall5"),
        ("zero-result rate (answerable queries; lower is better)", "zero"),
        ("false-hit rate (must-be-empty queries; lower is better)", "false_hits"),
    ]
    lines = [
        "# Knowledge-base search relevance",
        "",
        f"One run, `python -m bench.kb_relevance --articles {args.articles}`: {len(QUERIES)} judged queries "
        f"({answerable} answerable, {len(QUERIES) - answerable} that must find nothing) on the "
        "demo articles, top 10 asked for.",
        "Ours: the KB function's search (stems per language, lemmas, compounds, length-scaled typo tolerance",
        "for words no dictionary knows, the demo's synonym list, stop words). Baseline: tantivy with default",
        "settings (no stemming, no typo tolerance, OR of the words over title and body). The `blind` queries",
        "were written after the search was tuned on the others, and not tuned on.",
        "",
        "| measure | ours | baseline | ours / baseline |",
        "|---|---|---|---|",
    ]
    for label, key in rows:
        mine, theirs = scores["ours"][key], scores["baseline"][key]
        ratio = f"{mine / theirs:.2f}" if theirs else "–"
        lines.append(f"| {label} | {mine:.3f} | {theirs:.3f} | {ratio} |")
    lines += [
        "",
        "What each part adds (ours with one part left out, same run):",
        "",
        "| variant | MRR | nDCG@5 | recall@5 | zero-result rate | false-hit rate |",
        "|---|---|---|---|---|---|",
    ]
    for label, values in {"ours": scores["ours"], **ablations}.items():
        lines.append(
            f"| {label} | {values['mrr']:.3f} | {values['ndcg5']:.3f} | {values['recall5']:.3f} | "
            f"{values['zero']:.3f} | {values['false_hits']:.3f} |"
        )
    lines += [
        "",
        "recall@5 by kind of query (for `empty`: the share that stayed empty):",
        "",
        "| kind | queries | ours | baseline |",
        "|---|---|---|---|",
    ]
    counts: dict[str, int] = defaultdict(int)
    for judged in QUERIES:
        counts[judged.kind] += 1
    for kind in kinds["ours"]:
        lines.append(
            f"| {kind} | {counts[kind]} | {kinds['ours'][kind]:.2f} | {kinds['baseline'][kind]:.2f} |"
        )
    lines += [
        "",
        f"Latency on {args.articles:,} generated articles ({len(generated_queries) - 50} queries of 1–3 words, a "
        "fifth with a typo), 95th percentile of single calls:",
        "",
        "| search | p95 | ratio to baseline |",
        "|---|---|---|",
        f"| ours (whole call: words, typo map, BM25, snippets) | {p95['ours']:.3f} ms | {p95['ours'] / p95['baseline']:.2f} |",
        f"| baseline (parse, BM25, titles) | {p95['baseline']:.3f} ms | 1.00 |",
        "",
    ]
    REPORT.write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
