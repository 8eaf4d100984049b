"""The local stand-in for SES's feedback. `POST /_local/mail-feedback` with
`{"type": "bounce" | "soft_bounce" | "complaint", "to": "<address>"}` puts the event SES would put on the
default bus for the stack's configuration set (`Email Bounced` / `Email Complaint Received`, the SES
event in `detail`); the template's rule routes it to the feedback function as in AWS."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

from infra.local.template import Resolver

KINDS = {
    "bounce": ("Email Bounced", "Bounce", "Permanent"),
    "soft_bounce": ("Email Bounced", "Bounce", "Transient"),
    "complaint": ("Email Complaint Received", "Complaint", None),
}


def ses_feedback(kind: str, address: str, configuration_set: str) -> dict[str, Any]:
    """The `detail` SES puts on EventBridge for one bounce or complaint (documented shape, trimmed)."""
    _, event_type, bounce_type = KINDS[kind]
    now = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    detail: dict[str, Any] = {
        "eventType": event_type,
        "mail": {
            "timestamp": now,
            "messageId": uuid.uuid4().hex,
            "destination": [address],
            "tags": {"ses:configuration-set": [configuration_set]},
        },
    }
    if event_type == "Bounce":
        detail["bounce"] = {
            "bounceType": bounce_type,
            "bounceSubType": "General",
            "bouncedRecipients": [{"emailAddress": address}],
            "timestamp": now,
        }
    else:
        detail["complaint"] = {"complainedRecipients": [{"emailAddress": address}], "timestamp": now}
    return detail


class MailFeedback:
    def __init__(self, resolver: Resolver, events: Any) -> None:
        self._resolver = resolver
        self._events = events

    def __call__(self, method: str, path: str, body: bytes) -> tuple[int, str, bytes]:
        try:
            asked = json.loads(body or b"{}")
            kind, address = str(asked["type"]), str(asked["to"])
            detail_type = KINDS[kind][0]
        except (ValueError, KeyError, TypeError):
            message = {"message": 'POST {"type": "bounce" | "soft_bounce" | "complaint", "to": "<address>"}'}
            return 400, "application/json", json.dumps(message).encode()
        [configuration_set] = [
            self._resolver.physical_ids[logical]
            for logical in self._resolver.resources("AWS::SES::ConfigurationSet")
        ]
        self._events.put_events(
            Entries=[
                {
                    "Source": "aws.ses",
                    "DetailType": detail_type,
                    "Detail": json.dumps(ses_feedback(kind, address, configuration_set)),
                    "EventBusName": "default",
                }
            ]
        )
        return (
            202,
            "application/json",
            json.dumps({"message": f"{detail_type} put on the default bus"}).encode(),
        )
