"""The live notification centre on the running local stack, with a real WebSocket client: a one-time
connect ticket, frames for inbox news and calendar pop-ups (only to the calendar's organisation),
nothing lost by a disconnect (the feed resumes from the cursor), connections closed at sign-out; and
the reference page in headless Chromium showing a reply an agent writes through the API."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

import boto3
import pytest
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import ClientConnection, connect

from infra.local.demo import AGENT, MEMBER, DemoUser, PortalClient
from tests.e2e.conftest import RunningStack
from tests.e2e.test_browser_cors import CHROMIUM, CHROMIUM_ARGS, _require_chromium

START = "2026-12-10T09:30:00+01:00"


def ticket(client: PortalClient, token: str) -> dict[str, Any]:
    answer = client.call("POST", "/realtime/tickets", token)
    assert answer.status_code == 201, answer.text
    return dict(answer.json())


def live(client: PortalClient, token: str) -> ClientConnection:
    granted = ticket(client, token)
    return connect(f"{granted['url']}?ticket={granted['ticket']}", open_timeout=10)


def frames(socket: ClientConnection, kind: str, wanted: int = 1, timeout: float = 20) -> list[dict[str, Any]]:
    """The frames of one type that arrive within the time (a frontend waits for pushes, too)."""
    found: list[dict[str, Any]] = []
    deadline = time.monotonic() + timeout
    while len(found) < wanted and time.monotonic() < deadline:
        try:
            frame = json.loads(socket.recv(timeout=max(0.1, deadline - time.monotonic())))
        except TimeoutError:
            break
        if frame.get("type") == kind:
            found.append(frame)
    return found


def next_frame(
    socket: ClientConnection, kind: str, skipping: list[str], timeout: float = 20
) -> dict[str, Any]:
    """The first frame of the type about a message other than those skipped."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for frame in frames(socket, kind, timeout=max(0.1, deadline - time.monotonic())):
            if frame["data"]["message_id"] not in skipping:
                return frame
    raise AssertionError(f"no {kind} frame within {timeout} s")


def member_ticket(client: PortalClient, member: str) -> str:
    created = client.call(
        "POST",
        "/tickets",
        member,
        json={
            "request_type": "application_help",
            "subject": "Live-Test",
            "description": "Kommt die Antwort sofort an?",
            "fields": {"topic": "Kalender"},
        },
    )
    assert created.status_code == 201, created.text
    return str(created.json()["id"])


def test_a_reply_arrives_live_and_a_reconnect_loses_nothing(stack: RunningStack) -> None:
    client = PortalClient(stack.url)
    member, agent = client.sign_in(MEMBER)["access_token"], client.sign_in(AGENT)["access_token"]
    ticket_id = member_ticket(client, member)
    confirmation: list[str] = []  # the confirmation's message first, so what comes next is the answer
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and not confirmation:
        items = client.call("GET", "/inbox", member).json()["items"]
        confirmation = [m["id"] for m in items if m["ticket_id"] == ticket_id]
        time.sleep(0 if confirmation else 0.2)
    with live(client, member) as socket, live(client, member) as other_tab:
        cursor = client.call("GET", "/inbox/feed", member).json()["cursor"]
        client.call("POST", f"/tickets/{ticket_id}/replies", agent, json={"body": "Ja, sofort."})
        # the confirmation's own push may still be on its way (the push function's first call starts it)
        frame = next_frame(socket, "inbox.message", skipping=confirmation)
        assert frame["v"] == 1 and frame["data"]["kind"] == "ticket" and frame["data"]["unread"] >= 1
        assert frames(other_tab, "inbox.message")  # every open tab of the user
        feed = client.call("GET", "/inbox/feed", member, params={"since": cursor}).json()
        assert [(m["id"], m["ticket_id"]) for m in feed["items"]] == [
            (frame["data"]["message_id"], ticket_id)
        ]
        assert frame["cursor"] == feed["cursor"]
        cursor = feed["cursor"]
    # offline: an answer comes; the next connection resumes from the last cursor it saw
    client.call("POST", f"/tickets/{ticket_id}/replies", agent, json={"body": "Noch etwas."})
    with live(client, member) as socket:

        def missed() -> list[dict[str, Any]]:
            return list(client.call("GET", "/inbox/feed", member, params={"since": cursor}).json()["items"])

        deadline = time.monotonic() + 20
        while not missed() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert [m["body"].count("Noch etwas.") for m in missed()] == [1]


def test_tickets_are_single_use_and_forged_ones_are_refused(stack: RunningStack) -> None:
    client = PortalClient(stack.url)
    member = client.sign_in(MEMBER)["access_token"]
    granted = ticket(client, member)
    with connect(f"{granted['url']}?ticket={granted['ticket']}"):
        for attempt in (granted["ticket"], "x" * 43, ""):
            with pytest.raises(InvalidStatus) as refused:
                connect(f"{granted['url']}?ticket={attempt}", open_timeout=10)
            assert refused.value.response.status_code == 401
    assert client.call("POST", "/realtime/tickets").status_code == 401  # a ticket needs a sign-in


def test_a_booking_pops_up_for_the_calendars_organisation_only(stack: RunningStack) -> None:
    client = PortalClient(stack.url)
    # two practices of their own (the demo organisation's licence stays for the other tests)
    member, org_id = practice(client, "Praxis Live")
    activated, _ = practice(client, "Praxis Anders")
    calendar = client.call("POST", f"/organisations/{org_id}/calendars", member, json={"name": "Dr. Live"})
    assert calendar.status_code == 201, calendar.text
    calendar_id = calendar.json()["id"]

    config = client.call("GET", "/_local/config").json()
    events = boto3.client(
        "events",
        endpoint_url=config["moto_endpoint"],
        region_name=config["region"],
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )
    with live(client, member) as colleague, live(client, activated) as outsider:
        events.put_events(
            Entries=[
                {
                    "Source": "portal.booking",
                    "DetailType": "AppointmentBooked",
                    "EventBusName": config["resources"]["EventBus"],
                    "Detail": json.dumps(
                        {
                            "metadata": {
                                "event_id": f"live-{uuid.uuid4().hex}",
                                "version": 1,
                                "occurred_at": "2026-12-01T10:00:00+01:00",
                                "correlation_id": "e2e",
                            },
                            "data": {
                                "calendar_id": calendar_id,
                                "appointment_id": f"apt-{uuid.uuid4().hex[:8]}",
                                "start": START,
                                "changed_at": "2026-12-01T10:00:00+01:00",
                                "changed_by": "patient_online",
                            },
                        }
                    ),
                }
            ]
        )
        [popup] = frames(colleague, "calendar.appointment")
        assert (popup["data"]["calendar_id"], popup["data"]["kind"]) == (calendar_id, "booked")
        assert "patient" not in json.dumps(popup)  # a pop-up says when, never who
        assert frames(outsider, "calendar.appointment", timeout=2) == []


def practice(client: PortalClient, name: str) -> tuple[str, str]:
    """A new person with an organisation of their own: (access token, organisation id)."""
    person = DemoUser("practice", "Dr. Eva Live", f"praxis-{uuid.uuid4().hex[:8]}@praxis-live.example")
    token = str(client.register_and_activate(person)["access_token"])
    organisation = client.call("POST", "/organisations", token, json={"name": name}).json()["id"]
    return token, str(organisation)


def test_signing_out_closes_the_live_connection(stack: RunningStack) -> None:
    client = PortalClient(stack.url)
    session = client.sign_in(MEMBER)
    with live(client, session["access_token"]) as socket:
        assert client.call("DELETE", "/accounts/sessions", session["access_token"]).status_code == 204
        with pytest.raises(ConnectionClosed):  # the server closes it; recv() raises then
            _until_closed(socket)


def _until_closed(socket: ClientConnection) -> None:
    for _ in range(100):  # frames that were on the way still come first
        socket.recv(timeout=20)


def test_the_live_page_shows_a_reply_in_a_real_browser(stack: RunningStack) -> None:
    _require_chromium()
    from playwright.sync_api import sync_playwright

    client = PortalClient(stack.url)
    member, agent = client.sign_in(MEMBER)["access_token"], client.sign_in(AGENT)["access_token"]
    ticket_id = member_ticket(client, member)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.goto(f"{stack.url}/_local/live")
            page.fill("#email", MEMBER.email)
            page.fill("#password", MEMBER.password)
            page.click("button[type=submit]")
            page.wait_for_function(
                "document.getElementById('status').textContent === 'verbunden'", timeout=20000
            )
            client.call("POST", f"/tickets/{ticket_id}/replies", agent, json={"body": "Im Browser sichtbar?"})
            page.wait_for_selector("#messages li:has-text('Im Browser sichtbar?')", timeout=20000)
            assert int(page.inner_text("#badge")) >= 1
        finally:
            browser.close()
