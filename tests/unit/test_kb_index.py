"""The search index on its own: snippets from the stored excerpt (window, marks, escaping, ellipses)
and how query words become index terms (known stems first, typo correction only for unknown ones)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kb.index import IndexedArticle, SearchIndex, build
from kb.snippets import SNIPPET_SCAN, SNIPPET_WORDS, excerpt, snippet
from kb.text import term, words


def _snippet(text: str, *query_words: str, language: str = "de") -> str:
    head, aligned, count = excerpt(text, language)
    return snippet(head, aligned, count, {term(w, language) for q in query_words for w in words(q)})


def test_snippet_marks_every_match_in_the_window_and_escapes_the_rest() -> None:
    text = "Sie können <b>Termine</b> stornieren & verschieben; ein stornierter Termin wird frei."
    assert _snippet(text, "Termin") == (
        "Sie können <mark>&lt;b&gt;Termine&lt;/b&gt;</mark> stornieren &amp; verschieben; "
        "ein stornierter <mark>Termin</mark> wird frei."
    )


def test_snippet_starts_a_little_before_the_first_match_with_ellipses_on_cut_sides() -> None:
    filler = [f"wort{n}" for n in range(SNIPPET_SCAN + 40)]
    filler[30] = "Rechnung"
    result = _snippet(" ".join(filler), "rechnungen")
    shown = result.split(" ")
    assert shown[0] == "…" and shown[-1] == "…"
    assert shown[1] == f"wort{30 - SNIPPET_WORDS // 3}"
    assert "<mark>Rechnung</mark>" in shown
    assert len(shown) == SNIPPET_WORDS + 2


def test_snippet_without_a_match_early_enough_shows_the_beginning() -> None:
    late = " ".join([f"wort{n}" for n in range(SNIPPET_SCAN + 5)] + ["Rechnung"])
    assert _snippet(late, "rechnung").startswith("wort0 wort1 ")
    assert "<mark>" not in _snippet("Kurzer Text ohne Treffer.", "rechnung")
    assert _snippet("Kurzer Text ohne Treffer.", "rechnung") == "Kurzer Text ohne Treffer."


def test_a_match_inside_a_compound_token_or_after_a_longer_stem_is_found() -> None:
    result = _snippet("Tragen Sie Ihre Mailadresse ein: die E-Mail-Adresse im Profil.", "Mail")
    assert "<mark>E-Mail-Adresse</mark>" in result
    assert "<mark>Mailadresse</mark>" not in result  # one word, another stem
    assert _snippet("Empfangene Termine", "termin") == "Empfangene <mark>Termine</mark>"


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> SearchIndex:
    directory: Path = tmp_path_factory.mktemp("kb") / "index"
    articles = [
        IndexedArticle("a1", "f1", "de", "Termine stornieren", ["termin"], "Termine absagen und stornieren."),
        IndexedArticle("a2", "f1", "de", "Passwort vergessen", ["konto"], "Ein neues Passwort setzen."),
        IndexedArticle("a3", "f2", "de", "Passwörter ändern", ["konto"], "Ändern Sie Ihr Kennwort."),
        IndexedArticle("a4", "f2", "en", "Download invoices", ["billing"], "Invoices as PDF."),
    ]
    build(directory, articles)
    return SearchIndex(directory)


def test_known_words_are_not_typo_corrected_into_other_words(index: SearchIndex) -> None:
    assert {h.article_id for h in index.search("Passwort")} == {"a2", "a3"}
    assert {h.article_id for h in index.search("Termine")} == {"a1"}


def test_an_unknown_word_is_replaced_by_its_closest_known_term(index: SearchIndex) -> None:
    assert [h.article_id for h in index.search("stornieen")] == ["a1"]
    assert [h.article_id for h in index.search("Invoyces", language="en")] == ["a4"]
    assert index.search("xyzzy") == []


def test_umlauts_fold_and_filters_narrow(index: SearchIndex) -> None:
    assert {h.article_id for h in index.search("aendern")} == {"a3"}  # "andern" is a stop word
    assert index.search("Passwort", folder_id="f2")[0].article_id == "a3"
    assert index.search("Passwort", language="en") == []


def test_plain_text_keeps_punctuation_at_emphasis_and_breaks_between_blocks() -> None:
    from kb.text import plain_text
    from shared.markdown import render_markdown

    source = "Einen **Termin absagen**, solange er *nicht* begann.\n\n- Liste\n\n[Hilfe](https://x.example)."
    assert (
        plain_text(render_markdown(source)) == "Einen Termin absagen, solange er nicht begann. Liste Hilfe."
    )


def test_the_kb_api_reads_articles_without_loading_the_search_engine() -> None:
    """The snapshot format is one constant the service, store and indexer share; reading it (every
    article request does) must not import tantivy, which only a search needs."""
    import subprocess
    import sys

    from infra.local.template import ROOT

    probe = "import sys, kb.handler; print('tantivy' in sys.modules)"
    env = {
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": f"{ROOT / 'functions'}:{ROOT}",
        "AWS_DEFAULT_REGION": "eu-central-1",
    }
    out = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
