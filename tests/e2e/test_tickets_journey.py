"""The tickets journey over HTTP against the running local stack: real uploads to the local S3, the
bucket's notification reaching the scan function, agents and customers working a ticket."""

from __future__ import annotations

import time
from typing import Any

import requests

from infra.local.demo import ADMIN, AGENT, PortalClient
from tests.e2e.conftest import RunningStack
from tests.support import files

PDF = files.pdf()
HTML = files.HTML
SVG = files.SVG
FOUR_MB = 4 * 1024 * 1024


def wait_for_state(client: PortalClient, token: str, attachment_id: str, timeout: float = 20) -> str:
    """The scan runs asynchronously (S3 -> notification -> function); poll as a frontend would."""
    deadline = time.monotonic() + timeout
    while True:
        current = str(client.call("GET", f"/attachments/{attachment_id}", token).json()["state"])
        if current != "pending" or time.monotonic() > deadline:
            return current
        time.sleep(
            0.2
        )  # the e2e tier waits on a real asynchronous flow; unit and functional tiers never sleep


def upload(
    client: PortalClient, token: str, content: bytes, filename: str, content_type: str, size: int
) -> tuple[str, int]:
    slot = client.call(
        "POST", "/attachments", token, json={"filename": filename, "content_type": content_type, "size": size}
    )
    assert slot.status_code == 201, slot.text
    body = slot.json()
    posted = requests.post(body["url"], data=body["fields"], files={"file": (filename, content)}, timeout=30)
    return body["attachment_id"], posted.status_code


def test_anonymous_submission(stack: RunningStack) -> None:
    client = PortalClient(stack.url)
    submitted = client.call(
        "POST",
        "/tickets/anonymous",
        json={
            "request_type": "application_help",
            "email": "gast@praxis-gast.example",
            "full_name": "Gerd Gast",
            "company": "Praxis Gast",
            "subject": "Zweiter Kalender",
            "description": "Wie lege ich einen zweiten Kalender für meine Kollegin an?",
            "fields": {"topic": "Kalender"},
            "privacy_consent": True,
        },
    )
    assert submitted.status_code == 202
    assert submitted.json()["case_number"].startswith("SR-")


def test_customer_and_agent_work_a_ticket_with_a_pdf(stack: RunningStack) -> None:
    client = PortalClient(stack.url)
    customer = client.sign_in(ADMIN)["access_token"]
    agent_tokens = client.sign_in(AGENT)
    agent = agent_tokens["access_token"]
    agent_id = client.call("GET", "/accounts/me", agent).json()["user_id"]

    attachment_id, posted = upload(client, customer, PDF, "befund.pdf", "application/pdf", len(PDF))
    assert posted < 300
    assert wait_for_state(client, customer, attachment_id) == "clean"
    created = client.call(
        "POST",
        "/tickets",
        customer,
        json={
            "request_type": "bug_report",
            "subject": "SMS kommen nicht an",
            "description": "Seit Montag erhalte ich keine SMS bei Online-Buchungen.",
            "fields": {"module": "notifications"},
            "attachment_ids": [attachment_id],
        },
    )
    assert created.status_code == 201, created.text
    ticket: dict[str, Any] = created.json()
    tid = ticket["id"]
    assert ticket["attachments"][0]["state"] == "clean"

    unassigned = client.call("GET", "/agent/tickets?assignee=none", agent).json()["items"]
    assert tid in [t["id"] for t in unassigned]
    assert (
        client.call(
            "PUT", f"/agent/tickets/{tid}/assignee", agent, json={"assignee_id": agent_id}
        ).status_code
        == 200
    )
    assert (
        client.call(
            "POST", f"/tickets/{tid}/replies", agent, json={"body": "Welche Handynummer?"}
        ).status_code
        == 201
    )
    assert (
        client.call("PUT", f"/agent/tickets/{tid}/status", agent, json={"status": "waiting"}).json()["status"]
        == "waiting"
    )

    assert (
        client.call("POST", f"/tickets/{tid}/replies", customer, json={"body": "0171 2345678"}).status_code
        == 201
    )
    assert client.call("GET", f"/tickets/{tid}", customer).json()["status"] == "in_progress"
    assert client.call("POST", f"/tickets/{tid}/close", customer).json()["status"] == "closed"
    late = client.call("POST", f"/tickets/{tid}/replies", customer, json={"body": "Noch etwas"})
    assert late.status_code == 409

    follow_up = client.call(
        "POST",
        f"/tickets/{tid}/follow-ups",
        customer,
        json={"description": "Es passiert wieder, diesmal beim Absagen."},
    )
    assert follow_up.status_code == 201
    assert follow_up.json()["follow_up_of"] == tid
    assert client.call("GET", f"/tickets/{tid}", customer).json()["follow_ups"] == [follow_up.json()["id"]]

    link = client.call("GET", f"/tickets/{tid}/attachments/{attachment_id}", customer).json()
    downloaded = requests.get(link["url"], timeout=30)
    assert downloaded.content == PDF
    assert downloaded.headers["content-disposition"].startswith("attachment;")
    assert downloaded.headers["x-content-type-options"] == "nosniff"


def test_disguised_and_oversized_files_are_refused_and_never_downloadable(stack: RunningStack) -> None:
    client = PortalClient(stack.url)
    customer = client.sign_in(ADMIN)["access_token"]
    refused_states = []
    for content, name in ((HTML, "bild.png"), (SVG, "logo.png")):
        attachment_id, _ = upload(client, customer, content, name, "image/png", len(content))
        refused_states.append(wait_for_state(client, customer, attachment_id))
    big = PDF + b"\x00" * (FOUR_MB + 1 - len(PDF))
    slot = client.call(
        "POST",
        "/attachments",
        customer,
        json={"filename": "gross.pdf", "content_type": "application/pdf", "size": len(big)},
    )
    assert slot.status_code == 422
    attachment_id, posted = upload(client, customer, big, "gross.pdf", "application/pdf", 1000)
    big_state = wait_for_state(client, customer, attachment_id) if posted < 300 else "refused by S3"
    assert refused_states == ["rejected", "rejected"]
    assert big_state in ("rejected", "refused by S3")
    submitted = client.call(
        "POST",
        "/tickets",
        customer,
        json={
            "request_type": "bug_report",
            "subject": "Mit Anhang",
            "description": "Anhang kommt mit, hoffentlich.",
            "fields": {"module": "calendar"},
            "attachment_ids": [attachment_id],
        },
    )
    assert submitted.status_code == 422
