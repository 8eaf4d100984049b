"""Appointment notifications over HTTP against the running local stack: settings through the API,
events on the local bus, SMS and e-mails in the outbox, the decisions in the delivery log."""

from __future__ import annotations

import json
import uuid
from typing import Any

import boto3

from infra.local.demo import ADMIN, PortalClient
from tests.e2e.conftest import RunningStack, eventually

START = "2026-09-09T12:00:00+02:00"


def test_events_on_the_bus_produce_what_the_rule_says(stack: RunningStack) -> None:
    client = PortalClient(stack.url)
    admin = client.sign_in(ADMIN)["access_token"]
    org_id = client.call("GET", "/accounts/me", admin).json()["organisation"]["id"]
    calendar = client.call(
        "POST", f"/organisations/{org_id}/calendars", admin, json={"name": "Dr. Anna Schmidt"}
    )
    assert calendar.status_code == 201, calendar.text
    calendar_id = calendar.json()["id"]
    email = f"dr-{uuid.uuid4().hex[:6]}@praxis-schmidt.example"
    saved = client.call(
        "PATCH",
        f"/calendars/{calendar_id}/notification-settings",
        admin,
        json={"email": email, "mobile": "0171 3456789"},
    )
    assert saved.json()["mobile"] == "+491713456789"

    config = client.call("GET", "/_local/config").json()
    events = boto3.client(
        "events",
        endpoint_url=config["moto_endpoint"],
        region_name=config["region"],
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )

    def put(kind: str, changed_at: str, **extra: Any) -> None:
        data = {
            "calendar_id": calendar_id,
            "appointment_id": f"apt-{uuid.uuid4().hex[:8]}",  # each a different appointment
            "start": START,
            "changed_at": changed_at,
            "changed_by": "patient_online",
            **extra,
        }
        events.put_events(
            Entries=[
                {
                    "Source": "portal.booking",
                    "DetailType": f"Appointment{kind}",
                    "EventBusName": config["resources"]["EventBus"],
                    "Detail": json.dumps(
                        {
                            "metadata": {
                                "event_id": f"e2e-{uuid.uuid4().hex}",
                                "version": 1,
                                "occurred_at": changed_at,
                                "correlation_id": "e2e",
                            },
                            "data": data,
                        }
                    ),
                }
            ]
        )

    put("Booked", "2026-09-01T10:00:00+02:00")
    put("Cancelled", "2026-09-08T13:00:00+02:00")  # the seed: 23 hours before → notifies
    put("Cancelled", "2026-09-08T11:00:00+02:00")  # 25 hours before → does not
    put("Rescheduled", "2026-09-08T14:00:00+02:00", previous_start=START, start="2026-09-10T09:30:00+02:00")
    put("Rescheduled", "2026-09-08T10:00:00+02:00", previous_start=START, start="2026-09-10T09:30:00+02:00")

    def sms() -> list[str]:
        return [s["text"] for s in client.outbox()["sms"] if s["to"] == "+491713456789"]

    assert eventually(lambda: len(sms()) >= 3)
    log = eventually(
        lambda: (
            (items := client.call("GET", f"/calendars/{calendar_id}/deliveries", admin).json()["items"])
            and len(items) == 10
            and items
        )
    )
    assert sorted(sms()) == sorted(
        [
            "Neuer Online-Termin Mi 09.09.2026 12:00. Kalender: Dr. Anna Schmidt",
            "Online-Termin abgesagt: Mi 09.09.2026 12:00. Kalender: Dr. Anna Schmidt",
            "Online-Termin verschoben von Mi 09.09.2026 12:00 auf Do 10.09.2026 09:30. Kalender: Dr. Anna Schmidt",
        ]
    )
    mails = [m["subject"] for m in client.outbox()["mails"] if m["to"] == email]
    assert sorted(mails) == sorted(
        [
            "Neuer Online-Termin: Mi 09.09.2026 12:00",
            "Online-Termin abgesagt: Mi 09.09.2026 12:00",
            "Online-Termin verschoben: Do 10.09.2026 09:30",
        ]
    )
    decisions = sorted((d["kind"], d["status"], d["reason"] or "") for d in log)
    assert decisions.count(("cancelled", "skipped", "more_than_24_hours_before")) == 2
    assert decisions.count(("rescheduled", "skipped", "more_than_24_hours_before")) == 2
    assert sum(1 for d in decisions if d[1] == "sent") == 6
