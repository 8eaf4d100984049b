"""The knowledge base over HTTP against the running local stack, with its 43 demo articles: changes
reach the search through the bus, the indexer and the S3 snapshot."""

from __future__ import annotations

from infra.local.demo import AGENT, MEMBER, PortalClient
from tests.e2e.conftest import RunningStack, eventually


def titles(client: PortalClient, query: str) -> list[str]:
    return [h["title"] for h in client.call("GET", "/kb/search", params={"q": query}).json()["items"]]


def test_search_stemming_typos_publishing_suggestions_and_votes(stack: RunningStack) -> None:
    client = PortalClient(stack.url)
    last = "Ask a follow-up question on a closed request"  # seeded last: then all are indexed
    assert eventually(lambda: titles(client, "follow-up question closed request")[:1] == [last])
    assert titles(client, "Termin absagen")[:1] == ["Termine stornieren"]
    assert titles(client, "Pasword vergessen")[:1] == ["Passwort vergessen"]
    assert titles(client, "Kennwort vergessen")[:1] == ["Passwort vergessen"]  # the demo's synonyms
    assert titles(client, "Spamordner")[:1] == ["E-Mails landen im Spam-Ordner"]
    assert titles(client, "reset password")[:1] == ["Reset your password"]

    agent = client.sign_in(AGENT)["access_token"]
    article = next(
        a
        for a in client.call("GET", "/agent/kb/articles", agent).json()["items"]
        if a["title"] == "Zahlungsarten"
    )
    client.call("PATCH", f"/agent/kb/articles/{article['id']}", agent, json={"status": "draft"})
    assert eventually(lambda: "Zahlungsarten" not in titles(client, "Lastschrift Zahlung"))
    assert client.call("GET", f"/kb/articles/{article['id']}").status_code == 404
    client.call("PATCH", f"/agent/kb/articles/{article['id']}", agent, json={"status": "published"})
    assert eventually(lambda: "Zahlungsarten" in titles(client, "Lastschrift Zahlung"))

    suggested = client.call(
        "POST",
        "/kb/suggestions",
        json={
            "subject": "Passwort zurücksetzen geht nicht",
            "description": "Ich habe mein Passwort vergessen und finde den Link nicht.",
        },
    ).json()["items"]
    assert suggested[0]["title"] == "Passwort vergessen"

    member = client.sign_in(MEMBER)["access_token"]
    target = suggested[0]["id"]
    first = client.call("POST", f"/kb/articles/{target}/votes", member, json={"helpful": True}).json()
    second = client.call(
        "POST", f"/kb/articles/{target}/votes", member, json={"helpful": False, "comment": "doch nicht"}
    ).json()
    assert first["counted"] is True and second["counted"] is False
    assert (second["helpful_yes"], second["helpful_no"]) == (first["helpful_yes"], first["helpful_no"])
