"""The search finds what German speakers type: every judged query (`infra/local/kb_queries.py`) against
the demo articles built into an index as the indexer builds it (dictionary and demo synonyms
included). bench/kb_relevance.md measures the same set; this keeps it from sliding back."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from infra.local.kb_queries import QUERIES, Judged, demo_index, dictionary_forms
from kb.analytics import analytics_query, iso_week
from kb.index import SearchIndex
from kb.text import allowed_edits, edits, is_stop_word
from kb.wordset import WordSet

ISSUE = {"Benachrichtigugen", "Benachrichtigngen", "Benachrichtigungn", "Terminbuchnug", "Pasword"}
ISSUE |= {"verschoben", "Spamordner"}
# Misses of the queries written after tuning (kind "blind"), kept visible: strict, so a fix shows.
KNOWN_MISSES = {
    "Rechnung per Mail": "every word matches the newsletter article; the invoice one lacks 'per'",
    "Praxis Parkplatz": "an unknown word is dropped, 'Praxis' alone finds articles",
}


def _cases(answerable: bool) -> list[object]:
    return [
        pytest.param(q, id=q.query, marks=[pytest.mark.xfail(reason=KNOWN_MISSES[q.query], strict=True)])
        if q.query in KNOWN_MISSES
        else pytest.param(q, id=q.query)
        for q in QUERIES
        if bool(q.answers) == answerable
    ]


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> SearchIndex:
    directory: Path = tmp_path_factory.mktemp("kb-demo") / "index"
    return demo_index(directory)


def test_the_judged_set_is_large_and_covers_every_kind_and_the_issues_queries() -> None:
    kinds = {q.kind for q in QUERIES}
    assert len(QUERIES) >= 80
    assert kinds >= {"typo-short", "typo-long", "compound", "verb", "synonym", "umlaut", "english", "empty"}
    assert all(next(q for q in QUERIES if q.query == miss).kind == "blind" for miss in KNOWN_MISSES)
    assert {q.query for q in QUERIES} >= ISSUE


@pytest.mark.parametrize("judged", _cases(answerable=True))
def test_an_answerable_query_finds_an_article_that_answers_it_in_the_top_five(
    index: SearchIndex, judged: Judged
) -> None:
    titles = [hit.title for hit in index.search(judged.query, limit=5)]
    assert set(judged.answers) & set(titles), titles


@pytest.mark.parametrize("query", sorted(ISSUE))
def test_the_issues_queries_put_an_answer_first(index: SearchIndex, query: str) -> None:
    judged = next(q for q in QUERIES if q.query == query)
    assert index.search(query, limit=1)[0].title in judged.answers


@pytest.mark.parametrize("judged", _cases(answerable=False))
def test_a_query_nothing_answers_finds_nothing(index: SearchIndex, judged: Judged) -> None:
    assert index.search(judged.query) == []


def test_stop_words_are_never_search_terms_nor_highlighted(index: SearchIndex) -> None:
    hit = index.search("Erinnerungen an Patienten")[0]
    assert hit.title == "Erinnerungen an Patienten"
    assert "<mark>Patienten</mark>" in hit.snippet
    assert all(f"<mark>{w}" not in hit.snippet for w in ("an", "vor", "dem", "der", "die"))
    assert index.search("an der die") == []
    assert is_stop_word("an") and is_stop_word("the") and not is_stop_word("termin")


def test_typos_allowed_grow_with_the_word() -> None:
    assert [allowed_edits(w) for w in ("sms", "spam", "passwrt", "benachrichtigungen")] == [0, 1, 1, 2]
    assert edits("terminbuchnug", "terminbuchung", 2) == 1  # a swap is one edit
    assert edits("abcdef", "uvwxyz", 2) == 3  # more than the limit: limit + 1


def test_a_long_word_tolerates_two_edits_late_but_not_a_wrong_first_letter(index: SearchIndex) -> None:
    assert index.nearest("benachrichtigngn", 2) in {"benachrichtigung", "benachrichtigungen"}
    assert index.nearest("xenachrichtigngen", 2) is None


def test_nothing_found_offers_a_corrected_query(index: SearchIndex) -> None:
    assert index.search("Spm") == []  # three letters: no typo tolerated by search
    assert index.suggest("Spm") == "spam"
    assert index.suggest("xyzzy") is None
    assert index.suggest("Termin absagen") is None  # found: nothing to correct


def test_compounds_split_into_known_words_and_joined_words_find_split_ones(index: SearchIndex) -> None:
    assert [h.title for h in index.search("Spamordner")][:1] == ["E-Mails landen im Spam-Ordner"]
    assert "Rechnungskopie anfordern" in [h.title for h in index.search("Kopie Rechnung")]
    assert "Online-Terminbuchung aktivieren" in [h.title for h in index.search("Buchung")]


def test_analytics_keep_normalised_queries_and_nothing_personal() -> None:
    assert analytics_query("  Passwort VERGESSEN?! ") == "passwort vergessen"
    assert analytics_query("eva.neu@praxis.example Passwort") is None
    assert analytics_query("Rückruf 0171 2345678") is None
    assert analytics_query("SR-10427 Status") == "sr 10427 status"
    assert analytics_query("?!") is None
    for personal in (  # found by an outside probe: each was kept
        "Qzwk hans＠gmx.net",
        "hans.zqxw (at) gmx.net",
        "hans.zqxw[at]gmx[dot]net",
        "Frau Müller",
        "Termin bei Dr. Schmidt",
        "https://evil.example/x?token=abc",
        "Qzwk s3cr3tT0k3nABCDEFGH12345",
        "Rückruf ０１７１ ２３４５６７８",
    ):
        assert analytics_query(personal) is None, personal
    assert analytics_query("Termin verschieben") == "termin verschieben"
    assert analytics_query("an die und") is None  # stop words only: no missing article
    assert analytics_query("Rechnung 2026") == "rechnung 2026"
    assert iso_week(date(2026, 11, 29)) == "2026-W48"
    assert iso_week(date(2027, 1, 1)) == "2026-W53"


def test_the_dictionary_splits_compounds_and_knows_lemmas_of_strong_verbs() -> None:
    forms = dictionary_forms()
    assert forms.parts("terminerinnerung") == ["termin", "erinnerung"]
    assert forms.parts("patientennamen") == ["patienten", "namen"]  # not "patienten" + "amen"
    assert forms.parts("einstellungen") == []  # a word of its own, no "eins-tel-lungen"
    assert forms.parts("kalender") == []
    assert "verschieben" in forms.lemmas("verschoben", "de")
    assert {"absage", "absagen"} <= set(forms.lemmas("absagen", "de"))  # lower-casing joins both
    assert "abgesagt" in forms.forms({"absagen"}, "de")
    assert "starten" in forms.words() and "pasword" not in forms.words()


def test_the_word_set_has_every_word_few_strangers_and_survives_the_snapshot(tmp_path: Path) -> None:
    known = {f"wort{n}" for n in range(5000)}
    words = WordSet.of(known)
    assert all(w in words for w in known)
    strangers = sum(f"fremd{n}" in words for n in range(5000))
    assert strangers < 5000 * 0.02
    words.write(tmp_path / "words.bloom")
    again = WordSet.read(tmp_path / "words.bloom")
    assert all(w in again for w in known) and "fremd1" not in WordSet.of(())


def test_a_synonym_of_a_compound_adds_to_its_parts_instead_of_replacing_them(tmp_path: Path) -> None:
    """Found by an outside probe: with "Spamordner" = "Junk" saved, "Spamordner" found only the English
    article and lost "E-Mails landen im Spam-Ordner"."""
    from infra.local.kb_demo import SYNONYMS
    from infra.local.kb_queries import demo_articles
    from kb.index import build

    directory = tmp_path / "index"
    build(
        directory,
        demo_articles(),
        forms=dictionary_forms(),
        synonyms=[*SYNONYMS, ["Spamordner", "Junk"], ["Terminerinnerung", "Reminder"]],
    )
    index = SearchIndex(directory)
    spam = [hit.title for hit in index.search("Spamordner", limit=5)]
    assert "E-Mails landen im Spam-Ordner" in spam
    reminders = [hit.title for hit in index.search("Terminerinnerung", limit=5)]
    assert any("Erinnerung" in title for title in reminders), reminders
