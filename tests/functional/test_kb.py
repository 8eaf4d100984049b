"""The knowledge base as visitors, customers and agents use it: published-only reading, ranked and
typo-tolerant search, suggestions for the ticket form, one vote per person, the agents' report."""

from __future__ import annotations

import json
from typing import Any

import pytest

from infra.local.kb_demo import ARTICLES, FOLDERS
from tests.functional.conftest import Account, AccountsDriver


def reindex(accounts: AccountsDriver) -> None:
    """What the indexer does after the bus delivered the changes (its queue is drained first)."""
    from infra.local.lambda_runtime import LocalContext
    from kb.indexer import handler

    sqs = accounts.aws.client("sqs")
    url = accounts.aws.resolver.physical_ids["KbChangesQueue"]
    messages: list[dict[str, Any]] = []
    while batch := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", []):
        messages += batch
        for message in batch:
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    handler({"Records": [{"body": m["Body"]} for m in messages]}, LocalContext("KbIndexerFunction", "i"))


_READ_ONLY: dict[str, Any] = {}


@pytest.fixture
def search_kb(accounts: AccountsDriver) -> dict[str, Any]:
    """The knowledge base for tests that only search it: built once per test worker (the tables and
    the index snapshot outlive a test); tests that vote, count or change use their own (`kb`)."""
    if not _READ_ONLY:
        _READ_ONLY.update(build_kb(accounts))
    return _READ_ONLY


# What the tests that vote, count or change need to exist: a few articles, every folder (one of them
# holding an article); searching the whole demo set is `search_kb`'s, built once per worker.
FEW = {
    "Zahlungsarten",
    "Passwort vergessen",
    "Passwort ändern",
    "Termine stornieren",
    "Einen Termin verschieben",
}


@pytest.fixture
def kb(accounts: AccountsDriver) -> dict[str, Any]:
    return build_kb(accounts, only=FEW)


def build_kb(accounts: AccountsDriver, only: set[str] | None = None) -> dict[str, Any]:
    agent = accounts.make_agent(accounts.account("agent"))
    customer = accounts.account("customer")
    folder_ids = {}
    for folder in FOLDERS:
        created = accounts.call(
            "POST",
            "/agent/kb/folders",
            token=agent.access_token,
            json_body={k: folder[k] for k in ("name", "description", "position")},
        )
        folder_ids[folder["key"]] = created.body["id"]
    article_ids = {}
    for folder_key, title, tags, body, language in ARTICLES:
        if only is not None and title not in only:
            continue
        created = accounts.call(
            "POST",
            "/agent/kb/articles",
            token=agent.access_token,
            json_body={
                "folder_id": folder_ids[folder_key],
                "title": title,
                "tags": tags,
                "body": body,
                "language": language,
            },
        )
        assert created.status == 201, created.body
        accounts.call(
            "PATCH",
            f"/agent/kb/articles/{created.body['id']}",
            token=agent.access_token,
            json_body={"status": "published"},
        )
        article_ids[title] = created.body["id"]
    reindex(accounts)
    return {"agent": agent, "customer": customer, "folders": folder_ids, "articles": article_ids}


def search(accounts: AccountsDriver, query: str, **extra: str) -> list[dict[str, Any]]:
    response = accounts.call("GET", "/kb/search", query={"q": query, **extra})
    assert response.status == 200, response.body
    return list(response.body["items"])


def test_stemming_finds_cancelling_appointments(accounts: AccountsDriver, search_kb: dict[str, Any]) -> None:
    hits = search(accounts, "Termin absagen")
    assert hits[0]["title"] == "Termine stornieren"
    assert "<mark>" in hits[0]["snippet"]


def test_one_typo_still_finds_its_article(accounts: AccountsDriver, search_kb: dict[str, Any]) -> None:
    assert search(accounts, "Passwort vergesen")[0]["title"] == "Passwort vergessen"
    assert search(accounts, "Rechnnug herunterladen")[0]["title"] == "Rechnungen herunterladen"


def test_umlauts_and_english_stems(accounts: AccountsDriver, search_kb: dict[str, Any]) -> None:
    assert search(accounts, "Gueltigkeit Einladung")  # no umlaut typed
    assert search(accounts, "Einladungen")[0]["title"] == "Kollegen zur Organisation einladen"


def test_filters_by_folder_and_language(accounts: AccountsDriver, search_kb: dict[str, Any]) -> None:
    in_folder = search(accounts, "SMS", folder_id=search_kb["folders"]["anfragen"])
    assert all(h["folder_id"] == search_kb["folders"]["anfragen"] for h in in_folder)
    assert search(accounts, "Termin absagen", language="en") == []


def test_drafts_are_invisible_until_published(accounts: AccountsDriver, kb: dict[str, Any]) -> None:
    agent = kb["agent"].access_token
    draft = accounts.call(
        "POST",
        "/agent/kb/articles",
        token=agent,
        json_body={
            "folder_id": kb["folders"]["termine"],
            "title": "Videosprechstunde starten",
            "body": "So starten Sie eine **Videosprechstunde** mit Ihrem Patienten.",
            "tags": ["Video"],
        },
    ).body
    reindex(accounts)
    assert accounts.call("GET", f"/kb/articles/{draft['id']}").status == 404
    assert search(accounts, "Videosprechstunde") == []
    overview = accounts.call("GET", "/kb/folders").body["items"]
    assert "Videosprechstunde starten" not in [a["title"] for f in overview for a in f["articles"]]

    accounts.call(
        "PATCH", f"/agent/kb/articles/{draft['id']}", token=agent, json_body={"status": "published"}
    )
    reindex(accounts)
    assert search(accounts, "Videosprechstunde")[0]["id"] == draft["id"]
    first = accounts.call("GET", f"/kb/articles/{draft['id']}").body
    accounts.api.source_ip = "198.51.100.8"  # views count once per source address and day
    second = accounts.call("GET", f"/kb/articles/{draft['id']}").body
    assert (first["views"], second["views"]) == (1, 2)
    assert first["body_markdown"] is None  # the source is for agents

    accounts.call("PATCH", f"/agent/kb/articles/{draft['id']}", token=agent, json_body={"status": "draft"})
    reindex(accounts)
    assert accounts.call("GET", f"/kb/articles/{draft['id']}").status == 404
    assert search(accounts, "Videosprechstunde") == []


def test_markdown_is_rendered_safely(accounts: AccountsDriver, search_kb: dict[str, Any]) -> None:
    created = accounts.call(
        "POST",
        "/agent/kb/articles",
        token=search_kb["agent"].access_token,
        json_body={
            "folder_id": search_kb["folders"]["konto"],
            "title": "Sicherheit",
            "body": "<script>alert(1)</script> [Klick](javascript:alert(1)) <img src=x onerror=alert(1)> **fett**",
        },
    ).body
    html = created["body_html"]
    assert "<script>" not in html and "<img" not in html and 'href="javascript' not in html
    assert "<strong>fett</strong>" in html


def test_suggestions_for_a_realistic_ticket_put_the_relevant_article_first(
    accounts: AccountsDriver, search_kb: dict[str, Any]
) -> None:
    response = accounts.call(
        "POST",
        "/kb/suggestions",
        json_body={
            "subject": "Keine SMS bei Online-Buchung",
            "description": "Seit gestern bekommt unser Arzt keine SMS mehr, wenn Patienten online einen Termin buchen. "
            "Die Handynummer ist eingetragen.",
        },
    )
    titles = [h["title"] for h in response.body["items"]]
    assert len(titles) <= 5
    assert titles[0] in ("Keine SMS erhalten – was tun?", "Benachrichtigungen bei Online-Terminen einrichten")
    empty = accounts.call("POST", "/kb/suggestions", json_body={"subject": "", "description": ""})
    assert empty.status == 422


def test_one_vote_per_person_and_the_least_helpful_report(
    accounts: AccountsDriver, kb: dict[str, Any]
) -> None:
    article = kb["articles"]["Zahlungsarten"]
    customer: Account = kb["customer"]
    first = accounts.call(
        "POST",
        f"/kb/articles/{article}/votes",
        token=customer.access_token,
        json_body={"helpful": False, "comment": "Kreditkarte fehlt."},
    )
    again = accounts.call(
        "POST", f"/kb/articles/{article}/votes", token=customer.access_token, json_body={"helpful": True}
    )
    assert first.body == {"counted": True, "helpful_yes": 0, "helpful_no": 1}
    assert again.body == {"counted": False, "helpful_yes": 0, "helpful_no": 1}
    token = "browser-0123456789abcdef"
    anonymous = [
        accounts.call(
            "POST",
            f"/kb/articles/{article}/anonymous-votes",
            json_body={"helpful": True, "anonymous_token": token},
        )
        for _ in range(2)
    ]
    assert [a.body["counted"] for a in anonymous] == [True, False]
    helpful = kb["articles"]["Passwort ändern"]
    accounts.call(
        "POST", f"/kb/articles/{helpful}/votes", token=customer.access_token, json_body={"helpful": True}
    )

    report = accounts.call("GET", "/agent/kb/reports/least-helpful", token=kb["agent"].access_token)
    assert report.body["items"][0]["title"] == "Zahlungsarten"
    assert report.body["items"][0]["comments"] == ["Kreditkarte fehlt."]
    assert accounts.call("GET", "/agent/kb/reports/least-helpful", token=customer.access_token).status == 403


def test_deflections_and_views_count_once_per_source_and_day(
    accounts: AccountsDriver, kb: dict[str, Any]
) -> None:
    article = kb["articles"]["Passwort vergessen"]
    counts = [
        accounts.call("POST", f"/kb/articles/{article}/deflections").body["deflections"] for _ in range(3)
    ]
    views = [accounts.call("GET", f"/kb/articles/{article}").body["views"] for _ in range(3)]
    assert counts == [1, 1, 1] and views == [1, 1, 1]  # a script on one address cannot stuff them
    accounts.api.source_ip = "198.51.100.7"
    assert accounts.call("POST", f"/kb/articles/{article}/deflections").body["deflections"] == 2
    assert accounts.call("GET", f"/kb/articles/{article}").body["views"] == 2
    accounts.clock.advance(days=1)
    accounts.api.source_ip = "198.51.100.7"
    assert accounts.call("POST", f"/kb/articles/{article}/deflections").body["deflections"] == 3
    assert accounts.call("POST", "/kb/articles/nope/deflections").status == 404


def test_anonymous_votes_are_limited_per_source_address(accounts: AccountsDriver, kb: dict[str, Any]) -> None:
    article = kb["articles"]["Passwort vergessen"]
    answers = [
        accounts.call(
            "POST",
            f"/kb/articles/{article}/anonymous-votes",
            json_body={"helpful": False, "anonymous_token": f"stuffing-token-{n:08d}"},
        )
        for n in range(7)
    ]
    assert [a.status for a in answers] == [200] * 5 + [429] * 2  # AnonymousRequestsPerHour is 5 in tests
    assert answers[-1].headers["retry-after"]
    agent = kb["agent"].access_token
    assert accounts.call("GET", f"/agent/kb/articles/{article}", token=agent).body["helpful_no"] == 5


def test_voting_on_an_unpublished_article_reveals_nothing(
    accounts: AccountsDriver, kb: dict[str, Any]
) -> None:
    article = kb["articles"]["Zahlungsarten"]
    customer, agent = kb["customer"].access_token, kb["agent"].access_token
    voted = accounts.call(
        "POST", f"/kb/articles/{article}/votes", token=customer, json_body={"helpful": True}
    )
    assert voted.status == 200
    accounts.call("PATCH", f"/agent/kb/articles/{article}", token=agent, json_body={"status": "draft"})
    missing = accounts.call(
        "POST", "/kb/articles/01NOSUCHARTICLE0000000000/votes", token=customer, json_body={"helpful": True}
    )
    for answer in (
        accounts.call("POST", f"/kb/articles/{article}/votes", token=customer, json_body={"helpful": True}),
        accounts.call("POST", f"/kb/articles/{article}/votes", token=agent, json_body={"helpful": False}),
        accounts.call(
            "POST",
            f"/kb/articles/{article}/anonymous-votes",
            json_body={"helpful": True, "anonymous_token": "browser-0123456789abcdef"},
        ),
        accounts.call("POST", f"/kb/articles/{article}/deflections"),
    ):
        assert (answer.status, answer.body) == (missing.status, missing.body) == (404, missing.body)


def test_customers_cannot_write_and_bad_input_is_named(accounts: AccountsDriver, kb: dict[str, Any]) -> None:
    customer = kb["customer"].access_token
    assert (
        accounts.call("POST", "/agent/kb/folders", token=customer, json_body={"name": "Meins"}).status == 403
    )
    assert accounts.call("GET", "/agent/kb/articles", token=customer).status == 403
    bad = accounts.call(
        "POST",
        "/agent/kb/articles",
        token=kb["agent"].access_token,
        json_body={"folder_id": "missing", "title": "x", "body": "kurz", "language": "fr"},
    )
    assert bad.status == 422 and set(bad.error["fields"]) == {"title", "body", "language"}
    unknown_folder = accounts.call(
        "POST",
        "/agent/kb/articles",
        token=kb["agent"].access_token,
        json_body={"folder_id": "missing", "title": "Titel", "body": "Ein Text mit Inhalt."},
    )
    assert unknown_folder.status == 422 and set(unknown_folder.error["fields"]) == {"folder_id"}
    folder = kb["folders"]["termine"]
    assert (
        accounts.call("DELETE", f"/agent/kb/folders/{folder}", token=kb["agent"].access_token).status == 409
    )


def test_changes_travel_over_the_bus_to_the_indexer(accounts: AccountsDriver, kb: dict[str, Any]) -> None:
    sqs = accounts.aws.client("sqs")
    url = accounts.aws.resolver.physical_ids["KbChangesQueue"]
    accounts.call(
        "PATCH",
        f"/agent/kb/articles/{kb['articles']['Zahlungsarten']}",
        token=kb["agent"].access_token,
        json_body={"tags": ["Zahlung", "Lastschrift", "Kreditkarte"]},
    )
    bodies = [
        json.loads(m["Body"])
        for m in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
    ]
    assert [b["detail-type"] for b in bodies] == ["KbArticleChanged"]


def test_without_a_snapshot_of_its_format_search_asks_the_indexer_once(
    accounts: AccountsDriver, kb: dict[str, Any]
) -> None:
    """After a deployment that changed the index format (or the first one), the pointer to a snapshot
    this code reads is missing: searches answer empty, one KbIndexRequested is sent, and once the
    indexer has run, search works again."""
    from kb.snapshots import FORMAT

    table = accounts.aws.resolver.physical_ids["KbTable"]
    accounts.aws.client("dynamodb").delete_item(
        TableName=table, Key={"PK": {"S": "INDEX"}, "SK": {"S": f"CURRENT#{FORMAT}"}}
    )
    assert search(accounts, "Termin absagen") == []
    assert search(accounts, "Passwort") == []
    sqs = accounts.aws.client("sqs")
    url = accounts.aws.resolver.physical_ids["KbChangesQueue"]
    bodies = [
        json.loads(m["Body"])
        for m in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
    ]
    assert [(b["detail-type"], b["detail"]["data"]) for b in bodies] == [
        ("KbIndexRequested", {"format": FORMAT})
    ]
    reindex(accounts)  # search works again (ranking is the relevance tests' business)
    assert "Termine stornieren" in [h["title"] for h in search(accounts, "Termin absagen")[:3]]


def test_agents_edit_the_synonyms_and_search_uses_them_after_the_rebuild(
    accounts: AccountsDriver, kb: dict[str, Any]
) -> None:
    agent, customer = kb["agent"].access_token, kb["customer"].access_token
    accounts.call("PUT", "/agent/kb/synonyms", token=agent, json_body={"groups": []})
    assert accounts.call("GET", "/agent/kb/synonyms", token=agent).body["groups"] == []
    reindex(accounts)
    assert search(accounts, "Obolus") == []
    saved = accounts.call(
        "PUT", "/agent/kb/synonyms", token=agent, json_body={"groups": [["Obolus", "Zahlung"]]}
    )
    assert (
        saved.status == 200 and saved.body["groups"] == [["Obolus", "Zahlung"]] and saved.body["updated_at"]
    )
    sqs = accounts.aws.client("sqs")
    url = accounts.aws.resolver.physical_ids["KbChangesQueue"]
    bodies = [
        json.loads(m["Body"])
        for m in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
    ]
    assert "KbSynonymsChanged" in [b["detail-type"] for b in bodies]  # the bus reaches the indexer
    reindex(accounts)
    assert search(accounts, "Obolus")[0]["title"] == "Zahlungsarten"
    assert accounts.call("GET", "/agent/kb/synonyms", token=agent).body["groups"] == [["Obolus", "Zahlung"]]

    bad = accounts.call(
        "PUT", "/agent/kb/synonyms", token=agent, json_body={"groups": [["zwei Worte", "x"], ["allein"]]}
    )
    assert bad.status == 422
    assert set(bad.error["fields"]) == {"groups[0][0]", "groups[0][1]", "groups[1]"}
    for repeated in ([["Passwort", "passwort"]], [["Gebühren", "Kosten"], ["Gebuhren", "Preis"]]):  # probe
        twice = accounts.call("PUT", "/agent/kb/synonyms", token=agent, json_body={"groups": repeated})
        assert (twice.status, set(twice.error["fields"])) == (422, {"groups"}), repeated
    assert accounts.call("GET", "/agent/kb/synonyms", token=customer).status == 403
    assert accounts.call("PUT", "/agent/kb/synonyms", token=customer, json_body={"groups": []}).status == 403


def test_nothing_found_answers_with_a_did_you_mean(
    accounts: AccountsDriver, search_kb: dict[str, Any]
) -> None:
    answer = accounts.call("GET", "/kb/search", query={"q": "Spm"}).body
    assert answer["items"] == [] and answer["did_you_mean"] == "spam"
    assert accounts.call("GET", "/kb/search", query={"q": "Spamordner"}).body["did_you_mean"] is None


def test_searches_that_found_nothing_and_tickets_sent_anyway_are_counted_per_week(
    accounts: AccountsDriver, kb: dict[str, Any]
) -> None:
    from kb.analytics import iso_week

    agent = kb["agent"].access_token
    for source in ("198.51.100.21", "198.51.100.21", "198.51.100.22"):  # once per source and day
        accounts.api.source_ip = source
        assert search(accounts, "Röntgenbilder Archiv") == []
    assert search(accounts, "zqx.vwy@qqqj.invalid") == []  # looks personal: never kept
    accounts.call(
        "POST",
        "/kb/suggestions",
        json_body={"subject": "Lastschrift geht nicht", "description": "", "ticket_created": True},
    )
    report = accounts.call("GET", "/agent/kb/search-analytics", token=agent)
    assert report.status == 200
    assert report.body["week"] == iso_week(accounts.clock.now().date())
    assert {"query": "röntgenbilder archiv", "count": 2} in report.body["no_results"]
    assert {"query": "lastschrift geht nicht", "count": 1} in report.body["tickets"]
    assert not any("qqqj" in row["query"] for row in report.body["no_results"])
    last_year = accounts.call("GET", "/agent/kb/search-analytics", token=agent, query={"week": "2025-W48"})
    assert last_year.body == {"week": "2025-W48", "no_results": [], "tickets": []}
    for missing in ("2025-W53", "0000-W01"):  # not in the calendar, not a year (outside probe)
        none = accounts.call("GET", "/agent/kb/search-analytics", token=agent, query={"week": missing})
        assert (none.status, set(none.error["fields"])) == (422, {"week"}), missing
    assert (
        accounts.call("GET", "/agent/kb/search-analytics", token=agent, query={"week": "2026-W53"}).status
        == 200
    )
    bad = accounts.call("GET", "/agent/kb/search-analytics", token=agent, query={"week": "2026-48"})
    assert bad.status == 422 and set(bad.error["fields"]) == {"week"}
    assert accounts.call("GET", "/agent/kb/search-analytics", token=kb["customer"].access_token).status == 403
