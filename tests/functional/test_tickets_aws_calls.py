"""AWS calls per tickets endpoint, counted through botocore's events for each caller kind.

The table in docs/tickets-aws-calls.md is this test's output: it fails when the counts change, and
`UPDATE_DOCS=1 make functional` writes the new table.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable
from typing import Any

from infra.local.template import ROOT
from tests.functional.conftest import AccountsDriver, ticket_body
from tests.functional.test_attachments import PDF, upload
from tests.support.aws_calls import count_aws_calls

DOC = ROOT / "docs" / "tickets-aws-calls.md"
READS = {"GetItem", "Query", "BatchGetItem"}


def _row(route: str, caller: str, calls: Counter[str]) -> str:
    listed = ", ".join(f"{n}× {k}" for k, n in sorted(calls.items()))
    dynamodb_reads = sum(n for k, n in calls.items() if k.split(":")[1] in READS)
    return f"| `{route}` | {caller} | {sum(calls.values())} | {dynamodb_reads} | {listed} |"


def test_calls_per_endpoint(accounts: AccountsDriver, people: dict[str, Any]) -> None:
    admin, colleague, agent = people["admin"], people["colleague"], people["agent"]
    rows: list[str] = []
    accounts.call("GET", "/request-types")  # the catalogue exists (seeded once)
    # A warm instance: the signing secret was read at its first list page or link (one
    # GetSecretValue per cold start, not per request).
    from shared import secrets
    from tickets.settings import api_settings

    secrets.value(api_settings().signing_secret_arn)

    def measure(route: str, caller: str, action: Callable[[], Any]) -> Any:
        with count_aws_calls() as calls:
            result = action()
        rows.append(_row(route, caller, calls))
        return result

    created = measure(
        "POST /tickets",
        "customer",
        lambda: accounts.call("POST", "/tickets", token=admin.access_token, json_body=ticket_body()),
    )
    tid = created.body["id"]
    measure(
        "POST /tickets/anonymous",
        "anyone",
        lambda: accounts.call(
            "POST",
            "/tickets/anonymous",
            json_body={
                "request_type": "application_help",
                "email": accounts.new_email("gast"),  # its own address: the per-address limit is not measured
                "full_name": "Gerd Gast",
                "company": "Praxis Gast",
                "subject": "Frage zum Kalender",
                "description": "Wie lege ich einen Kalender an?",
                "fields": {"topic": "Kalender"},
                "privacy_consent": True,
            },
        ),
    )
    measure("GET /request-types", "anyone", lambda: accounts.call("GET", "/request-types"))
    measure(
        "GET /tickets/{id}",
        "requester",
        lambda: accounts.call("GET", f"/tickets/{tid}", token=admin.access_token),
    )
    measure(
        "GET /tickets/{id}",
        "agent",
        lambda: accounts.call("GET", f"/tickets/{tid}", token=agent.access_token),
    )
    measure(
        "GET /tickets/{id}",
        "organisation colleague",
        lambda: accounts.call("GET", f"/tickets/{tid}", token=colleague.access_token),
    )
    measure(
        "GET /tickets (created by me)",
        "customer",
        lambda: accounts.call("GET", "/tickets", token=admin.access_token),
    )
    measure(
        "GET /tickets?scope=organisation",
        "customer",
        lambda: accounts.call("GET", "/tickets", token=admin.access_token, query={"scope": "organisation"}),
    )
    measure(
        "GET /agent/tickets",
        "agent",
        lambda: accounts.call("GET", "/agent/tickets", token=agent.access_token),
    )
    measure(
        "POST /tickets/{id}/replies",
        "requester",
        lambda: accounts.call(
            "POST", f"/tickets/{tid}/replies", token=admin.access_token, json_body={"body": "Hallo"}
        ),
    )
    measure(
        "POST /tickets/{id}/replies",
        "agent",
        lambda: accounts.call(
            "POST", f"/tickets/{tid}/replies", token=agent.access_token, json_body={"body": "Hallo"}
        ),
    )
    measure(
        "POST /agent/tickets/{id}/notes",
        "agent",
        lambda: accounts.call(
            "POST", f"/agent/tickets/{tid}/notes", token=agent.access_token, json_body={"body": "intern"}
        ),
    )
    measure(
        "PUT /agent/tickets/{id}/assignee",
        "agent",
        lambda: accounts.call(
            "PUT",
            f"/agent/tickets/{tid}/assignee",
            token=agent.access_token,
            json_body={"assignee_id": agent.user_id},
        ),
    )
    measure(
        "PUT /agent/tickets/{id}/status",
        "agent",
        lambda: accounts.call(
            "PUT", f"/agent/tickets/{tid}/status", token=agent.access_token, json_body={"status": "waiting"}
        ),
    )
    measure(
        "PATCH /tickets/{id}",
        "requester",
        lambda: accounts.call(
            "PATCH", f"/tickets/{tid}", token=admin.access_token, json_body={"subject": "Neuer Betreff"}
        ),
    )
    measure(
        "POST /tickets/{id}/cc",
        "requester",
        lambda: accounts.call(
            "POST",
            f"/tickets/{tid}/cc",
            token=admin.access_token,
            json_body={"email": "cc@praxis-cc.example"},
        ),
    )
    measure(
        "POST /attachments",
        "customer",
        lambda: accounts.call(
            "POST",
            "/attachments",
            token=admin.access_token,
            json_body={"filename": "a.pdf", "content_type": "application/pdf", "size": 100},
        ),
    )
    attachment_id, _ = upload(accounts, admin, PDF, "b.pdf", "application/pdf")
    measure(
        "GET /attachments/{id}",
        "customer",
        lambda: accounts.call("GET", f"/attachments/{attachment_id}", token=admin.access_token),
    )
    measure(
        "POST /tickets/{id}/close",
        "requester",
        lambda: accounts.call("POST", f"/tickets/{tid}/close", token=admin.access_token),
    )
    measure(
        "POST /tickets/{id}/follow-ups",
        "requester",
        lambda: accounts.call(
            "POST",
            f"/tickets/{tid}/follow-ups",
            token=admin.access_token,
            json_body={"description": "Eine Folgefrage zu dieser Anfrage."},
        ),
    )
    ticket = accounts.call(
        "POST", "/tickets", token=admin.access_token, json_body=ticket_body(attachment_ids=[attachment_id])
    ).body
    measure(
        "GET /tickets/{id}/attachments/{id}",
        "requester",
        lambda: accounts.call(
            "GET", f"/tickets/{ticket['id']}/attachments/{attachment_id}", token=admin.access_token
        ),
    )

    table = "\n".join(
        [
            "# Tickets: AWS calls per request",
            "",
            "Produced by `tests/functional/test_tickets_aws_calls.py` (botocore before-call events on every",
            "client). `UPDATE_DOCS=1 make functional` rewrites it; the test fails when a count changes.",
            "Presigning an upload and signing a download link or list cursor are computed locally and make",
            "no call (the signing secret is read once per cold start). Every signed-in request reads the",
            "caller's profile once (the session check, shared.sessions); a use case that needs the profile",
            "takes that read.",
            "",
            "| route | caller | AWS calls | DynamoDB reads | calls |",
            "|---|---|---|---|---|",
            *rows,
            "",
        ]
    )
    if os.environ.get("UPDATE_DOCS"):
        DOC.write_text(table)
    assert DOC.read_text() == table, "AWS calls per endpoint changed: run `UPDATE_DOCS=1 make functional`"
