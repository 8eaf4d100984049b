"""The inbox over HTTP against the running local stack: events really travel bus → rule → queue →
consumer, and broadcast pages really go through their queue."""

from __future__ import annotations

import json
import uuid
from typing import Any

import boto3
import requests

from infra.local.demo import ADMIN, AGENT, MEMBER, PortalClient
from tests.e2e.conftest import RunningStack, eventually


def mails(client: PortalClient, address: str) -> list[dict[str, Any]]:
    return [m for m in client.outbox()["mails"] if m["to"] == address]


def answered_ticket(
    stack: RunningStack, submission: dict[str, Any], answer: str
) -> tuple[PortalClient, str, str, dict[str, Any]]:
    """The demo member's new ticket, answered by the demo agent: (client, member, agent, ticket)."""
    client = PortalClient(stack.url)
    member = client.sign_in(MEMBER)["access_token"]
    agent = client.sign_in(AGENT)["access_token"]
    ticket = client.call("POST", "/tickets", member, json=submission).json()
    client.call("POST", f"/tickets/{ticket['id']}/replies", agent, json={"body": answer})
    return client, member, agent, ticket


def test_an_agent_reply_reaches_the_customers_inbox_and_mail(stack: RunningStack) -> None:
    client, member, _agent, ticket = answered_ticket(
        stack,
        {
            "request_type": "application_help",
            "subject": "Kalender freigeben",
            "description": "Wie gebe ich meinen Kalender für eine Kollegin frei?",
            "fields": {"topic": "Kalender"},
        },
        "Unter Einstellungen > Freigaben.",
    )

    def reply_arrived() -> list[dict[str, Any]]:
        items = client.call("GET", "/inbox", member).json()["items"]
        return [m for m in items if m["ticket_id"] == ticket["id"] and "Neue Antwort" in m["subject"]]

    arrived = eventually(reply_arrived)
    assert arrived and arrived[0]["read"] is False
    assert eventually(
        lambda: [
            m
            for m in mails(client, MEMBER.email)
            if m["subject"].startswith(f"[{ticket['case_number']}] Neue Antwort")
        ]
    )

    found = client.call("GET", f"/inbox/search?q={ticket['case_number']}", member).json()["items"]
    assert {m["ticket_id"] for m in found} == {ticket["id"]} and len(found) == 2
    assert client.call("POST", "/inbox/read-all", member).json() == {"unread": 0}
    assert client.call("GET", "/inbox/unread-count", member).json() == {"unread": 0}


def test_an_anonymous_submission_gets_the_confirmation_mail_only(stack: RunningStack) -> None:
    client = PortalClient(stack.url)
    address = f"gast-{uuid.uuid4().hex[:8]}@praxis-gast.example"
    submitted = client.call(
        "POST",
        "/tickets/anonymous",
        json={
            "request_type": "application_help",
            "email": address,
            "full_name": "Gerd Gast",
            "company": "Praxis Gast",
            "subject": "Frage zum Konto",
            "description": "Wie ändere ich meine E-Mail-Adresse im Konto?",
            "fields": {"topic": "Konto"},
            "privacy_consent": True,
        },
    ).json()
    confirmation = eventually(lambda: mails(client, address))
    assert [m["subject"] for m in confirmation] == [
        f"[{submitted['case_number']}] Ihre Anfrage ist eingegangen: Frage zum Konto"
    ]


def test_a_broadcast_to_all_reaches_every_demo_user(stack: RunningStack) -> None:
    client = PortalClient(stack.url)
    agent = client.sign_in(AGENT)["access_token"]
    subject = f"Neu im Portal {uuid.uuid4().hex[:6]}"
    published = client.call(
        "POST",
        "/agent/broadcasts",
        agent,
        json={"subject": subject, "body": "Ab heute gibt es das neue Postfach."},
    )
    assert published.status_code == 202
    for user in (ADMIN, MEMBER, AGENT):
        token = client.sign_in(user)["access_token"]
        items = client.call("GET", "/inbox?kind=marketing", token).json()["items"]
        assert subject in [m["subject"] for m in items]
        assert eventually(lambda u=user: [m for m in mails(client, u.email) if m["subject"] == subject])


def test_an_invoice_on_the_local_bus_reaches_the_admin(stack: RunningStack) -> None:
    client = PortalClient(stack.url)
    config = client.call("GET", "/_local/config").json()
    admin = client.sign_in(ADMIN)["access_token"]
    org_id = client.call("GET", "/accounts/me", admin).json()["organisation"]["id"]
    events = boto3.client(
        "events",
        endpoint_url=config["moto_endpoint"],
        region_name=config["region"],
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )
    number = f"R-{uuid.uuid4().hex[:6]}"
    events.put_events(
        Entries=[
            {
                "Source": "portal.billing",
                "DetailType": "InvoiceIssued",
                "EventBusName": config["resources"]["EventBus"],
                "Detail": json.dumps(
                    {
                        "metadata": {
                            "event_id": f"01JE2E{uuid.uuid4().hex[:20].upper()}",
                            "version": 1,
                            "occurred_at": "2026-11-23T10:00:00Z",
                            "correlation_id": "e2e",
                        },
                        "data": {
                            "invoice_id": "inv-e2e",
                            "organisation_id": org_id,
                            "invoice_number": number,
                            "amount_cents": 9900,
                            "currency": "EUR",
                            "due_date": "2026-12-07",
                            "url": "https://billing.example.com/invoices/inv-e2e",
                        },
                    }
                ),
            }
        ]
    )
    invoices = eventually(lambda: client.call("GET", "/inbox?kind=invoice", admin).json()["items"])
    assert number in invoices[0]["subject"]
    assert eventually(lambda: [m for m in mails(client, ADMIN.email) if number in m["subject"]])


def test_the_customer_answers_the_agents_mail_and_the_answer_lands_on_the_ticket(stack: RunningStack) -> None:
    """Agent replies → the inbox mails the customer (Reply-To token, thread headers) → the customer
    answers that mail from their mail program → SES (the local stand-in) → the ticket."""
    from email.message import EmailMessage

    client, member, agent, ticket = answered_ticket(
        stack,
        {
            "request_type": "bug_report",
            "subject": "Erinnerungs-SMS fehlt",
            "description": "Patienten bekommen keine Erinnerung mehr.",
            "fields": {"module": "notifications"},
        },
        "Welche Rufnummer nutzen Sie?",
    )
    [mail] = eventually(
        lambda: [
            m
            for m in mails(client, MEMBER.email)
            if m["subject"].startswith(f"[{ticket['case_number']}] Neue Antwort")
        ]
    )
    assert mail["reply_to"].startswith("reply+") and mail["in_reply_to"]

    answer = EmailMessage()
    answer["From"] = f"{MEMBER.full_name} <{MEMBER.email}>"
    answer["To"] = mail["reply_to"]
    answer["Subject"] = f"AW: {mail['subject']}"
    answer["In-Reply-To"] = mail["message_id"]
    answer["References"] = mail["message_id"]
    quoted = "\n".join(f"> {line}" for line in mail["text"].splitlines())
    answer.set_content(
        "Die 0171 2345678, seit letzter Woche.\n\n"
        f"Am Mo., 23. Nov. 2026 um 10:15 Uhr schrieb Support <{mail['from']}>:\n\n{quoted}\n"
    )
    received = requests.post(f"{stack.url}/_local/inbound-email", data=answer.as_bytes(), timeout=30)
    assert received.status_code == 202, received.text
    assert received.json()["results"][0]["result"] == "commented"

    for token in (agent, member):
        shown = client.call("GET", f"/tickets/{ticket['id']}", token).json()
        last = shown["timeline"][-1]
        assert (last["body"], last["via"]) == ("Die 0171 2345678, seit letzter Woche.", "email")
        assert last["author"]["full_name"] == MEMBER.full_name

    forged = EmailMessage()
    forged["From"] = "Jemand <jemand@boese.example>"
    forged["To"] = mail["reply_to"]
    forged["Subject"] = "AW: gefälscht"
    forged.set_content("Bitte Passwort zurücksetzen.")
    refused = requests.post(f"{stack.url}/_local/inbound-email", data=forged.as_bytes(), timeout=30)
    assert refused.json()["results"][0]["reason"] == "sender_not_participant"
    assert len(client.call("GET", f"/tickets/{ticket['id']}", agent).json()["timeline"]) == len(
        shown["timeline"]
    )
